//! To-do lists, completeness of a period, and search — each only within reach.

use jixiao_domain::Role;

use crate::support::*;

const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t就业创业服务\n\t新增城镇就业500人\n\t\n\t60分\n\n\t\n\t\n\t优化营商环境\n\t企业开办时间压缩至1个工作日\n\t\n\t40分\n";

async fn arrange(db: &TestDb) -> TestServer {
    TestServer::start(two_departments(db, TABLE).await).await
}

async fn task_id(server: &TestServer, unit: &str, index: usize) -> i64 {
    let u = server.store.unit_by_name(unit).await.unwrap().unwrap();
    server
        .store
        .unit_table(1, u.id, None)
        .await
        .unwrap()
        .unwrap()
        .tasks[index]
        .id
}

#[tokio::test]
async fn to_do_lists_follow_the_workflow() {
    for db in databases().await {
        let server = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let reviewer = server.login_as("shen", Role::Reviewer, "甲部门").await;
        let todo = reporter.get("/todo").await.body;
        assert!(todo.contains("就业创业服务") && todo.contains("优化营商环境"));
        assert!(todo.contains("未填写"));
        assert!(!todo.contains("待审核"), "a reporter has no review list");

        let t0 = task_id(&server, "甲一单位", 0).await;
        let csrf = reporter.csrf().await;
        let r = reporter
            .post(
                &format!("/tasks/{t0}/report"),
                &[
                    ("csrf", &csrf),
                    ("period", "2023"),
                    ("text", "新增城镇就业520人"),
                    ("action", "submit"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let todo = reporter.get("/todo").await.body;
        assert!(
            !todo.contains("就业创业服务"),
            "{}: submitted leaves the list",
            db.backend
        );
        let review = reviewer.get("/todo").await.body;
        assert!(review.contains("待审核") && review.contains("就业创业服务"));
        assert!(
            !review.contains("优化营商环境"),
            "nothing submitted there yet"
        );

        let report = server
            .store
            .task(t0)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        let csrf = reviewer.csrf().await;
        let r = reviewer
            .post(
                &format!("/reports/{}/review", report.id),
                &[
                    ("csrf", &csrf),
                    ("version", &report.version.to_string()),
                    ("decision", "return"),
                    ("reason", "请附就业登记名册"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let todo = reporter.get("/todo").await.body;
        assert!(todo.contains("就业创业服务") && todo.contains("请附就业登记名册"));
        assert!(!reviewer.get("/todo").await.body.contains("就业创业服务"));

        // Another unit's reviewer sees nothing of it.
        let other = server.login_as("shen2", Role::Reviewer, "乙部门").await;
        assert!(!other.get("/todo").await.body.contains("就业创业服务"));
    }
}

#[tokio::test]
async fn completeness_counts_each_unit_in_reach() {
    for db in databases().await {
        let server = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let t0 = task_id(&server, "甲一单位", 0).await;
        let t1 = task_id(&server, "甲一单位", 1).await;
        let csrf = reporter.csrf().await;
        // A submitted report with a figure (one without would first need an explanation).
        for (task, action, text) in [
            (t0, "submit", "新增城镇就业300人"),
            (t1, "save", "进展顺利"),
        ] {
            let r = reporter
                .post(
                    &format!("/tasks/{task}/report"),
                    &[
                        ("csrf", &csrf),
                        ("period", "2023"),
                        ("text", text),
                        ("action", action),
                    ],
                )
                .await;
            assert_eq!(r.status, 303);
        }
        let admin = server.login_as("boss", Role::Admin, "市政府").await;
        let page = admin.get("/schemes/1/completeness").await;
        assert_eq!(page.status, 200);
        let body = page.body;
        let row = |unit: &str| {
            let start = body.find(&format!(">{unit}</a>")).unwrap();
            let end = body[start..].find("</tr>").unwrap() + start;
            body[start..end]
                .split("class=\"num\"")
                .skip(1)
                .map(|c| {
                    c.split('>')
                        .nth(1)
                        .unwrap()
                        .split('<')
                        .next()
                        .unwrap()
                        .to_string()
                })
                .collect::<Vec<_>>()
        };
        // tasks, reported, approved, returned, drafts, missing, late
        assert_eq!(
            row("甲一单位"),
            ["2", "1", "0", "0", "1", "0", "0"],
            "{}",
            db.backend
        );
        assert_eq!(row("乙一单位"), ["2", "0", "0", "0", "0", "2", "0"]);
        let mine = reporter.get("/schemes/1/completeness").await.body;
        assert!(
            mine.contains("甲一单位") && !mine.contains("乙一单位"),
            "only units in reach"
        );
    }
}

#[tokio::test]
async fn search_finds_two_character_words_within_reach_only() {
    for db in databases().await {
        let server = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let admin = server.login_as("boss", Role::Admin, "市政府").await;

        let hits = |html: &str| html.matches("<li>").count();
        let page = admin.get("/search?q=%E5%B0%B1%E4%B8%9A").await.body; // 就业
        assert_eq!(hits(&page), 2, "{}: both units' 就业 task", db.backend);
        assert!(page.contains("<mark class=\"q-used\">就业</mark>"));
        let page = admin.get("/search?q=%E8%90%A5%E5%95%86").await.body; // 营商
        assert_eq!(hits(&page), 2);
        let page = reporter.get("/search?q=%E8%90%A5%E5%95%86").await.body;
        assert_eq!(hits(&page), 1, "a reporter finds only its own unit's task");
        assert!(page.contains("甲一单位") && !page.contains("乙一单位"));

        // Progress text is searched too; terms are ANDed; wildcards are literal.
        let t0 = task_id(&server, "甲一单位", 0).await;
        let csrf = reporter.csrf().await;
        reporter
            .post(
                &format!("/tasks/{t0}/report"),
                &[
                    ("csrf", &csrf),
                    ("period", "2023"),
                    ("text", "举办招聘会3场"),
                    ("action", "save"),
                ],
            )
            .await;
        let page = admin
            .get("/search?q=%E6%8B%9B%E8%81%98%E4%BC%9A")
            .await
            .body; // 招聘会
        assert_eq!(hits(&page), 1);
        let page = admin
            .get("/search?q=%E5%B0%B1%E4%B8%9A+%E6%8B%9B%E8%81%98")
            .await
            .body; // 就业 招聘
        assert_eq!(hits(&page), 1);
        let page = admin.get("/search?q=%25").await.body; // %
        assert_eq!(hits(&page), 0, "% is a character, not a wildcard");
        let page = admin.get("/search?q=%3Cscript%3E").await.body;
        assert!(!page.contains("<script>") && page.contains("没有找到"));
    }
}
