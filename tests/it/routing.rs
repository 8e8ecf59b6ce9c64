//! Review routed by indicator (考核主体) and chained sign-off (初审 → 复审 → 审定), through the
//! real app on both databases.

use jixiao_domain::Role;
use jixiao_store::Store;

use crate::support::*;

/// Two indicators: 就业创业 (reviewed by 县人社局 once the office says so) and 重点工作.
const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t就业创业\n\t新增就业\n\t新增城镇就业1000人\n\t\n\t60分\n\n\t\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t\n\t40分\n";

/// The tasks of one unit: (新增就业, 技能培训).
async fn tasks_of(store: &Store, unit: &str) -> (i64, i64) {
    let u = store.unit_by_name(unit).await.unwrap().unwrap();
    let table = store.unit_table(1, u.id, None).await.unwrap().unwrap();
    let find = |name: &str| table.tasks.iter().find(|t| t.name == name).unwrap().id;
    (find("新增就业"), find("技能培训"))
}

/// A reporter writes and submits a task's progress (or resubmits at `version`).
async fn submit(b: &Browser, task: i64, text: &str, version: &str) {
    let csrf = b.csrf().await;
    let r = b
        .post(
            &format!("/tasks/{task}/report"),
            &[
                ("csrf", &csrf),
                ("period", "2023"),
                ("version", version),
                ("text", text),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "submit task {task}: {}", r.body);
}

/// The report of a task (its only period).
async fn report_of(store: &Store, task: i64) -> jixiao_store::ReportRecord {
    store.task(task).await.unwrap().unwrap().reports[0].clone()
}

/// A reviewer approves (or, with a reason, returns) a task's report.
async fn decide(b: &Browser, store: &Store, task: i64, reason: Option<&str>) -> Page {
    let r = report_of(store, task).await;
    let csrf = b.csrf().await;
    let version = r.version.to_string();
    let mut form = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
    match reason {
        None => form.push(("decision", "approve")),
        Some(why) => form.extend([("decision", "return"), ("reason", why)]),
    }
    b.post(&format!("/reports/{}/review", r.id), &form).await
}

/// The office names 县人社局 as 就业创业's 考核主体, through the settings page.
async fn route_employment(server: &TestServer, admin: &Browser) {
    let indicator = server
        .store
        .indicator_routes(1)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.name == "就业创业")
        .unwrap();
    let page = admin.get("/schemes/1/review-routing").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("就业创业"), "{}", page.body);
    let csrf = admin.csrf().await;
    let path = format!("/schemes/1/indicators/{}/reviewing-unit", indicator.id);
    let typo = admin
        .post(&path, &[("csrf", &csrf), ("unit", "县人社")])
        .await;
    assert_eq!(typo.status, 400);
    assert!(typo.body.contains("找不到单位「县人社」"), "{}", typo.body);
    let ok = admin
        .post(&path, &[("csrf", &csrf), ("unit", "县人社局")])
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
}

#[tokio::test]
async fn a_reviewing_department_decides_its_indicator_in_every_unit_and_sees_nothing_else_of_them()
{
    for db in databases().await {
        let store = two_departments(&db, TABLE).await;
        store
            .ensure_unit(&jixiao_store::Actor::cli(), "县人社局", None)
            .await
            .unwrap();
        let server = TestServer::start(store.clone()).await;
        let admin = server.login_as("r_admin", Role::Admin, "市政府").await;
        route_employment(&server, &admin).await;
        let (jobs_a, training_a) = tasks_of(&store, "甲一单位").await;
        let (jobs_b, training_b) = tasks_of(&store, "乙一单位").await;
        let unit_a = store.unit_by_name("甲一单位").await.unwrap().unwrap().id;

        let rep_a = server.login_as("rep_a", Role::Reporter, "甲一单位").await;
        let rep_b = server.login_as("rep_b", Role::Reporter, "乙一单位").await;
        for (b, jobs, training) in [(&rep_a, jobs_a, training_a), (&rep_b, jobs_b, training_b)] {
            submit(b, jobs, "已新增城镇就业800人", "").await;
            submit(b, training, "已培训妇女900人", "").await;
        }

        let hr = server.login_as("hr", Role::Reviewer, "县人社局").await;
        let supervisor = server.login_as("sup_a", Role::Reviewer, "甲部门").await;
        let on = db.backend;

        // The 考核主体 sees the indicator's tasks in both units …
        for task in [jobs_a, jobs_b] {
            let page = hr.get(&format!("/tasks/{task}")).await;
            assert_eq!(page.status, 200, "task {task} on {on}");
            assert!(
                page.body.contains("县人社局"),
                "the page names the 考核主体"
            );
            assert!(
                page.body.contains("name=\"decision\""),
                "and offers the decision"
            );
        }
        // … and nothing else of those units.
        for path in [
            format!("/tasks/{training_a}"),
            format!("/tasks/{training_b}"),
            format!("/schemes/1/units/{unit_a}"),
            format!("/schemes/1/units/{unit_a}/score"),
            format!("/schemes/1/units/{unit_a}/dashboard"),
            format!("/schemes/1/units/{unit_a}/export/csv"),
            "/schemes/1/ranking".to_string(),
        ] {
            assert_eq!(hr.get(&path).await.status, 404, "{path} on {on}");
        }
        let training_report = report_of(&store, training_a).await;
        let csrf = hr.csrf().await;
        let refused = hr
            .post(
                &format!("/reports/{}/review", training_report.id),
                &[
                    ("csrf", &csrf),
                    ("version", &training_report.version.to_string()),
                    ("decision", "approve"),
                ],
            )
            .await;
        assert_eq!(refused.status, 404, "another indicator's report on {on}");

        // Its 待办 lists the indicator's reports of both units and no other.
        let todo = hr.get("/todo").await.body;
        assert_eq!(todo.matches("name=\"item\"").count(), 2, "{todo}");
        assert!(
            todo.contains("新增就业") && !todo.contains("技能培训"),
            "{todo}"
        );
        // Deciding, it goes through that queue: 上一条 / 下一条 in the 待办's order.
        let page = hr.get(&format!("/tasks/{jobs_a}")).await.body;
        assert!(page.contains("待审第 1 / 2 条"), "{page}");
        assert!(
            page.contains(&format!(
                "href=\"/tasks/{jobs_b}?period=2023\" rel=\"next\""
            )),
            "{page}"
        );
        // The unit's supervisor keeps the rest, and only reads the routed task.
        let todo = supervisor.get("/todo").await.body;
        assert!(
            todo.contains("技能培训") && !todo.contains("新增就业"),
            "{todo}"
        );
        let page = supervisor.get(&format!("/tasks/{jobs_a}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("此步骤由考核主体办理"), "{}", page.body);
        assert!(!page.body.contains("name=\"decision\""));
        let not_theirs = decide(&supervisor, &store, jobs_a, None).await;
        assert_eq!(not_theirs.status, 403, "on {on}");
        assert!(
            not_theirs.body.contains("应由考核主体办理"),
            "{}",
            not_theirs.body
        );

        // The API answers the same: the routed report is listed and decided by the 考核主体,
        // another indicator's report does not exist for it, and the supervisor may not decide.
        let hr_api = Api::new(
            &server.base,
            Some(&api_token(&server, "hr", Role::Reviewer, "县人社局", "write").await),
        );
        let sup_api = Api::new(
            &server.base,
            Some(&api_token(&server, "sup_a", Role::Reviewer, "甲部门", "write").await),
        );
        let listed = hr_api.get("/reports?state=submitted").await;
        assert_eq!(listed.status, 200, "{}", listed.json);
        assert_eq!(listed.json["total"], 2, "{}", listed.json);
        let hidden = hr_api
            .get(&format!("/reports/{}", training_report.id))
            .await;
        assert_eq!(hidden.status, 404);
        let jobs_b_report = report_of(&store, jobs_b).await;
        let body = serde_json::json!({"version": jobs_b_report.version, "decision": "approve"});
        let review_b = format!("/reports/{}/review", jobs_b_report.id);
        let r = sup_api
            .call("POST", &review_b, Some(body.clone()), &[])
            .await;
        assert_eq!(
            r.status, 404,
            "乙's report is outside 甲's supervisor: {}",
            r.json
        );
        let jobs_a_report = report_of(&store, jobs_a).await;
        let body_a = serde_json::json!({"version": jobs_a_report.version, "decision": "approve"});
        let review_a = format!("/reports/{}/review", jobs_a_report.id);
        let r = sup_api.call("POST", &review_a, Some(body_a), &[]).await;
        assert_eq!((r.status, r.code()), (403, "forbidden"), "{}", r.json);
        let r = hr_api.call("POST", &review_b, Some(body), &[]).await;
        assert_eq!(r.status, 200, "{}", r.json);
        assert_eq!(r.json["state"], "approved");

        // Each decides its own.
        for task in [jobs_a] {
            assert_eq!(decide(&hr, &store, task, None).await.status, 303);
            assert_eq!(report_of(&store, task).await.state, "approved");
        }
        assert_eq!(
            decide(&supervisor, &store, training_a, None).await.status,
            303
        );
        assert_eq!(report_of(&store, training_a).await.state, "approved");
        assert_eq!(
            report_of(&store, training_b).await.state,
            "submitted",
            "乙's own report waits for 乙's supervisor, not 甲's or the 考核主体"
        );
    }
}

#[tokio::test]
async fn a_three_step_sign_off_records_each_step_with_who_when_and_why() {
    for db in databases().await {
        let store = two_departments(&db, TABLE).await;
        store
            .ensure_unit(&jixiao_store::Actor::cli(), "县人社局", None)
            .await
            .unwrap();
        let server = TestServer::start(store.clone()).await;
        let admin = server.login_as("s_admin", Role::Admin, "市政府").await;
        let admin2 = server.login_as("s_admin2", Role::Admin, "市政府").await;
        route_employment(&server, &admin).await;
        let csrf = admin.csrf().await;
        let chain = admin
            .post(
                "/schemes/1/review-chain",
                &[("csrf", &csrf), ("chain", "supervisor,owner,office")],
            )
            .await;
        assert_eq!(chain.status, 303);
        let (jobs_a, _) = tasks_of(&store, "甲一单位").await;
        let (jobs_b, _) = tasks_of(&store, "乙一单位").await;
        let rep_a = server.login_as("rep_a", Role::Reporter, "甲一单位").await;
        let hr = server.login_as("hr", Role::Reviewer, "县人社局").await;
        let supervisor = server.login_as("sup_a", Role::Reviewer, "甲部门").await;
        let on = db.backend;

        submit(&rep_a, jobs_a, "已新增城镇就业800人", "").await;
        // 初审 first: the 考核主体 waits its turn.
        assert_eq!(decide(&hr, &store, jobs_a, None).await.status, 403, "{on}");
        let first = decide(&supervisor, &store, jobs_a, None).await;
        assert_eq!(first.status, 303);
        assert!(first.location.unwrap().contains("done=passed"));
        let r = report_of(&store, jobs_a).await;
        assert_eq!((r.state.as_str(), r.review_step), ("submitted", 1), "{on}");
        // 复审 returns it with a reason; the next submission starts again at 初审.
        assert_eq!(decide(&supervisor, &store, jobs_a, None).await.status, 403);
        let back = decide(&hr, &store, jobs_a, Some("请补充就业人员花名册")).await;
        assert_eq!(back.status, 303);
        let r = report_of(&store, jobs_a).await;
        assert_eq!((r.state.as_str(), r.review_step), ("returned", 0));
        submit(
            &rep_a,
            jobs_a,
            "已新增城镇就业800人，花名册已上传",
            &r.version.to_string(),
        )
        .await;
        assert_eq!(decide(&hr, &store, jobs_a, None).await.status, 403);
        for who in [&supervisor, &hr, &admin] {
            assert_eq!(decide(who, &store, jobs_a, None).await.status, 303, "{on}");
        }
        let r = report_of(&store, jobs_a).await;
        assert_eq!((r.state.as_str(), r.review_step), ("approved", 3), "{on}");

        // Every step is on the task: who, when, why.
        let events = store.task(jobs_a).await.unwrap().unwrap().history;
        let seen: Vec<(&str, Option<&str>, &str)> = events
            .iter()
            .map(|e| (e.event.as_str(), e.step.as_deref(), e.actor.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("submitted", None, "rep_a的名字（rep_a）"),
                ("approved", Some("supervisor"), "sup_a的名字（sup_a）"),
                ("returned", Some("owner"), "hr的名字（hr）"),
                ("submitted", None, "rep_a的名字（rep_a）"),
                ("approved", Some("supervisor"), "sup_a的名字（sup_a）"),
                ("approved", Some("owner"), "hr的名字（hr）"),
                ("approved", Some("office"), "s_admin的名字（s_admin）"),
            ],
            "on {on}"
        );
        assert!(events.iter().all(|e| !e.at.is_empty()));
        let page = rep_a.get(&format!("/tasks/{jobs_a}")).await.body;
        assert!(page.contains("审核记录"), "{page}");
        assert!(page.contains("请补充就业人员花名册"));
        assert!(page.contains("考核办审定") && page.contains("s_admin的名字（s_admin）"));

        // One person, one step: the office may take any step, but not two of one submission.
        let rep_b = server.login_as("rep_b", Role::Reporter, "乙一单位").await;
        submit(&rep_b, jobs_b, "已新增城镇就业500人", "").await;
        assert_eq!(decide(&admin2, &store, jobs_b, None).await.status, 303);
        let twice = decide(&admin2, &store, jobs_b, None).await;
        assert_eq!(twice.status, 403, "on {on}");
        assert!(twice.body.contains("不同人员"), "{}", twice.body);
        assert_eq!(report_of(&store, jobs_b).await.review_step, 1);

        // The steps are in the audit chain too, and it still verifies.
        let out = jixiao(&db.url, &["audit", "verify"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

#[tokio::test]
async fn nobody_approves_a_report_they_submitted_themselves() {
    for db in databases().await {
        let store = two_departments(&db, TABLE).await;
        let server = TestServer::start(store.clone()).await;
        let office = server.login_as("o_admin", Role::Admin, "市政府").await;
        let other = server.login_as("o_admin2", Role::Admin, "市政府").await;
        let (jobs_a, _) = tasks_of(&store, "甲一单位").await;
        // The office fills in for a unit and submits …
        submit(&office, jobs_a, "已新增城镇就业800人", "").await;
        // … but cannot approve what it submitted; someone else can.
        let own = decide(&office, &store, jobs_a, None).await;
        assert_eq!(own.status, 403, "on {}", db.backend);
        assert!(own.body.contains("不能审核自己提交的报告"), "{}", own.body);
        assert_eq!(report_of(&store, jobs_a).await.state, "submitted");
        assert_eq!(decide(&other, &store, jobs_a, None).await.status, 303);
        assert_eq!(report_of(&store, jobs_a).await.state, "approved");
    }
}

#[tokio::test]
async fn a_change_of_routing_restarts_the_reviews_in_flight_and_scoring_follows_the_reviewer() {
    for db in databases().await {
        let on = db.backend;
        let store = two_departments(&db, TABLE).await;
        store
            .ensure_unit(&jixiao_store::Actor::cli(), "县人社局", None)
            .await
            .unwrap();
        let server = TestServer::start(store.clone()).await;
        let admin = server.login_as("t_admin", Role::Admin, "市政府").await;
        route_employment(&server, &admin).await;
        let csrf = admin.csrf().await;
        let chain = |c: &'static str| {
            let admin = &admin;
            let csrf = csrf.clone();
            async move {
                admin
                    .post("/schemes/1/review-chain", &[("csrf", &csrf), ("chain", c)])
                    .await
                    .status
            }
        };
        assert_eq!(chain("supervisor,owner,office").await, 303);
        let (jobs_a, _) = tasks_of(&store, "甲一单位").await;
        let rep_a = server.login_as("rep_a", Role::Reporter, "甲一单位").await;
        let hr = server.login_as("hr", Role::Reviewer, "县人社局").await;
        let supervisor = server.login_as("sup_a", Role::Reviewer, "甲部门").await;
        submit(&rep_a, jobs_a, "已新增城镇就业800人", "").await;
        let first = decide(&supervisor, &store, jobs_a, None).await;
        assert_eq!(first.status, 303, "on {on}: {}", first.body);
        assert_eq!(report_of(&store, jobs_a).await.review_step, 1);
        // One step left in the new chain; the report starts it again instead of being stranded.
        assert_eq!(chain("owner").await, 303);
        let r = report_of(&store, jobs_a).await;
        assert_eq!(
            (r.state.as_str(), r.review_step),
            ("submitted", 0),
            "on {on}"
        );
        assert_eq!(decide(&hr, &store, jobs_a, None).await.status, 303);
        assert_eq!(report_of(&store, jobs_a).await.state, "approved", "on {on}");

        // Verifying a completion is the 考核主体's, not the unit's supervisor's.
        let r = report_of(&store, jobs_a).await;
        assert_eq!(verify(&supervisor, r.id, r.version).await, 403, "on {on}");
        assert_eq!(verify(&hr, r.id, r.version).await, 303, "on {on}");
    }
}

/// A reviewer sets a verified completion (完成审核值) of 90 % on a report; the answer's status.
async fn verify(b: &Browser, report: i64, version: i64) -> u16 {
    let csrf = b.csrf().await;
    b.post(
        &format!("/reports/{report}/verify"),
        &[
            ("csrf", &csrf),
            ("version", &version.to_string()),
            ("completion", "90"),
            ("reason", "核对花名册"),
        ],
    )
    .await
    .status
}
