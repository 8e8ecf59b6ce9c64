//! Checks on a saved report (校验规则): a cumulative figure that falls, a completion above the
//! scheme's bound, no figure for a quantified target — shown to the reporter at once, needing
//! an explanation to submit, and listed for the reviewer; through the form and the API, on
//! both databases.

use jixiao_domain::Role;
use serde_json::json;

use crate::support::*;

const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t就业创业\n\t新增就业\n\t新增城镇就业1000人\n\t\n\t60分\n\n\t\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t\n\t40分\n";

async fn write(
    b: &Browser,
    task: i64,
    period: &str,
    text: &str,
    note: &str,
    version: &str,
) -> Page {
    let csrf = b.csrf().await;
    b.post(
        &format!("/tasks/{task}/report"),
        &[
            ("csrf", &csrf),
            ("period", period),
            ("version", version),
            ("text", text),
            ("note", note),
            ("action", "submit"),
        ],
    )
    .await
}

#[tokio::test]
async fn findings_are_shown_at_once_need_an_explanation_to_submit_and_reach_the_reviewer() {
    for db in databases().await {
        let on = db.backend;
        let store = two_departments(&db, TABLE).await;
        let server = TestServer::start(store.clone()).await;
        let admin = server.login_as("c_admin", Role::Admin, "市政府").await;
        let csrf = admin.csrf().await;
        for code in ["2023Q3", "2023Q4"] {
            let r = admin
                .post("/schemes/1/periods", &[("csrf", &csrf), ("code", code)])
                .await;
            assert_eq!(r.status, 303, "{code}: {}", r.body);
        }
        let unit = store.unit_by_name("甲一单位").await.unwrap().unwrap();
        let table = store.unit_table(1, unit.id, None).await.unwrap().unwrap();
        let task = |name: &str| table.tasks.iter().find(|t| t.name == name).unwrap().id;
        let (jobs, training) = (task("新增就业"), task("技能培训"));
        let reporter = server.login_as("c_rep", Role::Reporter, "甲一单位").await;
        let reviewer = server.login_as("c_rev", Role::Reviewer, "甲部门").await;

        // Q3 420人, then Q4 310人: the fall is shown, and the draft is kept.
        assert_eq!(
            write(&reporter, jobs, "2023Q3", "已新增城镇就业420人", "", "")
                .await
                .status,
            303
        );
        let refused = write(&reporter, jobs, "2023Q4", "已新增城镇就业310人", "", "").await;
        assert_eq!(refused.status, 422, "on {on}");
        assert!(refused.body.contains("请核实"), "{}", refused.body);
        assert!(refused.body.contains("低于"), "{}", refused.body);
        assert!(refused.body.contains("420人"), "{}", refused.body);
        assert!(
            refused.body.contains("已新增城镇就业310人"),
            "the text stays"
        );
        let q4 = store
            .task(jobs)
            .await
            .unwrap()
            .unwrap()
            .reports
            .into_iter()
            .find(|r| r.period_code == "2023Q4")
            .unwrap();
        assert_eq!(
            (q4.state.as_str(), q4.flags.as_str()),
            ("draft", "fell_back")
        );
        let long = "说".repeat(2001);
        let too_long = write(&reporter, jobs, "2023Q4", "已新增城镇就业310人", &long, "").await;
        assert_eq!(too_long.status, 422, "on {on}");
        assert!(
            too_long.body.contains("情况说明不能超过 2000 字"),
            "{}",
            too_long.body
        );
        let version = input_value(&refused.body, "version").unwrap();
        assert_eq!(
            version,
            q4.version.to_string(),
            "the form goes on from the draft"
        );
        let explained = write(
            &reporter,
            jobs,
            "2023Q4",
            "已新增城镇就业310人",
            "四季度剔除重复登记人员110人",
            &version,
        )
        .await;
        assert_eq!(explained.status, 303, "on {on}: {}", explained.body);

        // The reviewer sees the finding in 待办 and the note on the task.
        let todo = reviewer.get("/todo").await.body;
        assert!(todo.contains("回落"), "{todo}");
        let page = reviewer
            .get(&format!("/tasks/{jobs}?period=2023Q4"))
            .await
            .body;
        assert!(page.contains("四季度剔除重复登记人员110人"), "{page}");
        // The periods side by side, this one marked, the earlier one's figure beside it.
        let compare = &page[page.find("各期对比").expect("a comparison table")..];
        assert!(compare.contains("class=\"current\""), "{compare}");
        assert!(
            compare.contains("420人") && compare.contains("310人"),
            "{compare}"
        );
        assert!(page.contains("低于"), "{page}");

        // Through the API: no figure for a quantified target, then explained.
        let api = Api::new(
            &server.base,
            Some(&api_token(&server, "c_rep", Role::Reporter, "甲一单位", "write").await),
        );
        let created = api
            .call(
                "POST",
                "/reports",
                Some(json!({"task_id": training, "period": "2023Q3", "text": "正在组织培训"})),
                &[],
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.json);
        assert_eq!(created.json["flags"], json!(["no_figure"]));
        let id = created.json["id"].as_i64().unwrap();
        let submit = api
            .call(
                "POST",
                &format!("/reports/{id}/submit"),
                Some(json!({"version": 1})),
                &[],
            )
            .await;
        assert_eq!(
            (submit.status, submit.code()),
            (422, "unexplained"),
            "on {on}"
        );
        let noted = api
            .call(
                "PUT",
                &format!("/reports/{id}"),
                Some(json!({"text": "正在组织培训", "note": "培训班定于10月开班", "version": 1})),
                &[],
            )
            .await;
        assert_eq!(noted.status, 200, "{}", noted.json);
        let submit = api
            .call(
                "POST",
                &format!("/reports/{id}/submit"),
                Some(json!({"version": 2})),
                &[],
            )
            .await;
        assert_eq!(submit.status, 200, "{}", submit.json);

        // The scheme's bound: 1,600 of 1,000 passes at 300 %, not at 150 %.
        let settings = |bound: &'static str| {
            [
                ("tolerance", "10"),
                ("excellent", "100"),
                ("good", "85"),
                ("fair", "70"),
                ("poor", "50"),
                ("completion_bound", bound),
            ]
        };
        let csrf = admin.csrf().await;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(settings("150"));
        assert_eq!(admin.post("/schemes/1/settings", &form).await.status, 303);
        assert_eq!(
            store.scheme(1).await.unwrap().unwrap().completion_bound,
            1.5
        );
        let page = write(&reporter, training, "2023Q4", "已培训妇女1600人", "", "").await;
        assert_eq!(page.status, 422, "on {on}");
        assert!(page.body.contains("超出方案设定的上限"), "{}", page.body);
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(settings("abc"));
        let bad = admin.post("/schemes/1/settings", &form).await;
        assert_eq!(bad.status, 400);
        assert!(bad.body.contains("完成率上限"), "{}", bad.body);
    }
}
