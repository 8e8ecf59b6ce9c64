//! Deadlines lock a period; a reporter asks for an extension, a reviewer grants or refuses it,
//! or unlocks a task directly.

use jixiao_domain::Role;
use jixiao_store::Actor;

use crate::support::*;

const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t\n\t60分\n\n\t\n\t\n\t宣传活动\n\t开展宣传活动50场\n\t\n\t40分\n";

fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .date_naive()
        .to_string()
}

async fn save(server: &TestServer, b: &Browser, task: i64) -> Page {
    let csrf = b.csrf().await;
    let version = server
        .store
        .task(task)
        .await
        .unwrap()
        .unwrap()
        .task
        .report
        .map(|r| r.version.to_string())
        .unwrap_or_default();
    b.post(
        &format!("/tasks/{task}/report"),
        &[
            ("csrf", &csrf),
            ("period", "2023"),
            ("version", &version),
            ("text", "已培训妇女800人"),
            ("action", "save"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_passed_deadline_locks_until_an_extension_is_granted() {
    for db in databases().await {
        let store = db.store().await;
        let by = Actor::cli();
        let root = store.ensure_unit(&by, "测试局", None).await.unwrap();
        store
            .ensure_unit(&by, "甲一单位", Some(root))
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt");
        std::fs::write(&path, TABLE).unwrap();
        let out = jixiao(
            &db.url,
            &["import", path.to_str().unwrap(), "--unit", "甲一单位"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let server = TestServer::start(store).await;
        let admin = server.login_as("boss", Role::Admin, "考核办").await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let reviewer = server.login_as("shen", Role::Reviewer, "测试局").await;
        let unit = server
            .store
            .unit_by_name("甲一单位")
            .await
            .unwrap()
            .unwrap();
        let tasks = server
            .store
            .unit_table(1, unit.id, None)
            .await
            .unwrap()
            .unwrap()
            .tasks;
        let (t0, t1) = (tasks[0].id, tasks[1].id);

        // Before any deadline the reporter writes freely.
        assert_eq!(save(&server, &reporter, t0).await.status, 303);

        // The admin sets a deadline that has passed.
        let csrf = admin.csrf().await;
        let r = admin
            .post(
                "/schemes/1/periods",
                &[
                    ("csrf", &csrf),
                    ("code", "2023"),
                    ("deadline", "2024-01-10"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let scheme = admin.get("/schemes/1").await.body;
        assert!(scheme.contains("截止时间 2024-01-10"));
        let r = admin
            .post(
                "/schemes/1/periods",
                &[("csrf", &csrf), ("code", "2031Q1"), ("deadline", "")],
            )
            .await;
        assert_eq!(r.status, 422, "a period outside the scheme's year");
        assert!(r.body.contains("填报周期须在方案年度 2023 年内"));
        let csrf_r = reporter.csrf().await;
        let r = reporter
            .post(
                "/schemes/1/periods",
                &[("csrf", &csrf_r), ("code", "2023Q1"), ("deadline", "")],
            )
            .await;
        assert_eq!(r.status, 403, "only the admin sets periods");

        let r = save(&server, &reporter, t0).await;
        assert_eq!(r.status, 400, "{}: locked", db.backend);
        assert!(r.body.contains("已过截止时间"));
        let page = reporter.get(&format!("/tasks/{t0}")).await.body;
        assert!(page.contains("已截止") && page.contains("申请延期"));
        assert!(
            !page.contains("name=\"text\""),
            "no report form while locked"
        );

        // The reporter asks; the reviewer sees it and approves.
        let r = reporter
            .post(
                &format!("/tasks/{t0}/extensions"),
                &[
                    ("csrf", &csrf_r),
                    ("period", "2023"),
                    ("reason", "统计数据尚未汇总"),
                    ("until", &in_days(7)),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(
            save(&server, &reporter, t0).await.status,
            400,
            "still locked while pending"
        );
        let todo = reviewer.get("/todo?tab=extensions").await.body;
        assert!(todo.contains("统计数据尚未汇总"));
        let ext = server.store.extensions(t0, 1).await.unwrap().remove(0);
        let csrf_v = reviewer.csrf().await;
        let r = reviewer
            .post(
                &format!("/extensions/{}/decide", ext.id),
                &[("csrf", &csrf_v), ("decision", "approve")],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(
            save(&server, &reporter, t0).await.status,
            303,
            "{}: extended",
            db.backend
        );
        // The to-do list gives each task its own deadline, in Beijing dates, with a mark.
        let todo = reporter.get("/todo").await.body;
        let row = |task: i64| {
            let at = todo.find(&format!("/tasks/{task}?")).unwrap();
            todo[at..at + todo[at..].find("</tr>").unwrap()].to_string()
        };
        assert!(
            row(t0).contains(&in_days(7)) && row(t0).contains("剩"),
            "{}: the extension's date: {}",
            db.backend,
            row(t0)
        );
        assert!(
            row(t1).contains("2024-01-10") && row(t1).contains("已逾期"),
            "{}",
            row(t1)
        );

        // A past date cannot be asked for; a refused request leaves the task locked.
        let r = reporter
            .post(
                &format!("/tasks/{t1}/extensions"),
                &[
                    ("csrf", &csrf_r),
                    ("period", "2023"),
                    ("reason", "x"),
                    ("until", "2020-01-01"),
                ],
            )
            .await;
        assert_eq!(r.status, 400);
        let r = reporter
            .post(
                &format!("/tasks/{t1}/extensions"),
                &[
                    ("csrf", &csrf_r),
                    ("period", "2023"),
                    ("reason", "人手不足"),
                    ("until", &in_days(3)),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let ext = server.store.extensions(t1, 1).await.unwrap().remove(0);
        let r = reviewer
            .post(
                &format!("/extensions/{}/decide", ext.id),
                &[("csrf", &csrf_v), ("decision", "refuse")],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(save(&server, &reporter, t1).await.status, 400);

        // The reviewer unlocks that task directly.
        let r = reviewer
            .post(
                &format!("/tasks/{t1}/extensions"),
                &[
                    ("csrf", &csrf_v),
                    ("period", "2023"),
                    ("reason", "经研究同意补报"),
                    ("until", &in_days(2)),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(save(&server, &reporter, t1).await.status, 303);

        let actions: Vec<String> = server
            .store
            .audit_entries(200)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in [
            "period.set",
            "extension.request",
            "extension.approve",
            "extension.refuse",
            "extension.grant",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a} audited");
        }
    }
}

#[tokio::test]
async fn periods_are_listed_in_the_years_order_and_saving_one_says_so() {
    for db in databases().await {
        let store = db.store().await;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt");
        std::fs::write(&path, TABLE).unwrap();
        let out = jixiao(
            &db.url,
            &["import", path.to_str().unwrap(), "--unit", "甲一单位"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let server = TestServer::start(store).await;
        let admin = server.login_as("boss", Role::Admin, "考核办").await;
        let csrf = admin.csrf().await;
        let set = |code: &'static str, deadline: &'static str| {
            let (admin, csrf) = (&admin, csrf.clone());
            async move {
                admin
                    .post(
                        "/schemes/1/periods",
                        &[("csrf", &csrf), ("code", code), ("deadline", deadline)],
                    )
                    .await
            }
        };
        for code in ["2023Q4", "2023-12", "2023Q2", "2023Q1", "2023"] {
            let r = set(code, "").await;
            assert_eq!(r.status, 303, "{code}: {}", r.body);
        }
        // Saving one: the scheme page, at its periods, says which was saved.
        let r = set("2023Q3", "2023-10-15").await;
        let to = r.location.unwrap();
        assert_eq!(to, "/schemes/1?done=period&period=2023Q3#periods");
        let page = admin.get(&to).await.body;
        assert!(
            page.contains("已保存填报周期：2023年第3季度。"),
            "{}",
            db.backend
        );

        // By the day they end, and the whole year after its last quarter and month.
        let at = |code: &str| {
            page.find(&format!("<span class=\"code\">{code}</span>"))
                .unwrap_or_else(|| panic!("{code} listed"))
        };
        let order = ["2023Q1", "2023Q2", "2023Q3", "2023-12", "2023Q4", "2023"];
        for pair in order.windows(2) {
            assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
        }
        // The ranking's period selector, newest first: the whole year, then its last quarter;
        // the year is the one shown by default.
        let ranking = admin.get("/schemes/1/ranking").await.body;
        let q4 = ranking.find("value=\"2023Q4\"").unwrap();
        let year = ranking.find("value=\"2023\" selected").unwrap();
        assert!(year < q4, "{ranking}");

        // A code that is no period: the page again with what was typed and why.
        let r = set("2023Q5", "2023-10-15").await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("无法识别的填报周期「2023Q5」"),
            "{}",
            r.body
        );
        assert!(r.body.contains("value=\"2023Q5\"") && r.body.contains("value=\"2023-10-15\""));
        let r = set("2023Q4", "10/15/2023").await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("日期格式应为"));
    }
}
