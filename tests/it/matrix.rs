//! The authorisation matrix: every route × every role × own and foreign unit, in one table.
//!
//! Expected codes: 200 (or 303 after a successful form) allowed; 404 for a record the user may
//! not see (its existence is not revealed); 403 for an action the role may not take; 303 to the
//! login page for anonymous visitors. Forms carry the session's valid CSRF token, so only
//! authorisation decides.

use jixiao_domain::Role;
use jixiao_store::Actor;

use crate::support::*;

const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t已培训妇女300人\n\t100分\n";

/// Form fields besides the CSRF token.
type Fields = Vec<(&'static str, String)>;

/// Ids of one unit's records.
struct Own {
    unit: i64,
    task: i64,
    report: i64,
    attachment: i64,
    adjustment: i64,
    veto: i64,
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    for db in databases().await {
        matrix_on(&db).await;
    }
}

async fn matrix_on(db: &TestDb) {
    let store = two_departments(db, TABLE).await;
    let by = Actor::cli();
    let hr_unit = store.ensure_unit(&by, "县人社局", None).await.unwrap();
    let indicator = store
        .indicator_routes(1)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.name == "重点工作")
        .unwrap();
    store
        .set_reviewing_unit(
            &by,
            1,
            jixiao_store::RouteTarget::Indicator(indicator.id),
            Some(hr_unit),
        )
        .await
        .unwrap();
    let server = TestServer::start(store.clone()).await;
    let rule = store
        .add_adjustment_rule(&by, 1, "表彰加分", Some(3.0), None)
        .await
        .unwrap();
    let item = store
        .add_veto_item(&by, 1, "重大事故", &jixiao_store::NewVetoEffect::Zero)
        .await
        .unwrap();
    let mut own = Vec::new();
    for unit in ["甲一单位", "乙一单位"] {
        let u = store.unit_by_name(unit).await.unwrap().unwrap();
        let task = store
            .unit_table(1, u.id, None)
            .await
            .unwrap()
            .unwrap()
            .tasks[0]
            .clone();
        let report = task.report.unwrap();
        let att = store
            .add_attachment(&by, report.id, "证明.pdf", "application/pdf", b"%PDF-1.4 x")
            .await
            .unwrap();
        let adjustment = store
            .add_adjustment(&by, 1, u.id, rule, 1.0, "表彰")
            .await
            .unwrap();
        let veto = store.add_veto(&by, 1, u.id, item, "事故").await.unwrap();
        own.push(Own {
            unit: u.id,
            task: task.id,
            report: report.id,
            attachment: att.id,
            adjustment,
            veto,
        });
    }
    let (ja, yi) = (&own[0], &own[1]);

    // Columns: anonymous, admin, reviewer 甲, reporter 甲一, viewer 甲, reporter 乙一, and a
    // reviewer of 县人社局, the 考核主体 of the scheme's one indicator: it sees the indicator's
    // tasks in both units, and nothing else of those units.
    let anon = server.anonymous();
    let admin = server.login_as("m_admin", Role::Admin, "市政府").await;
    let reviewer = server.login_as("m_rev", Role::Reviewer, "甲部门").await;
    let reporter = server.login_as("m_rep", Role::Reporter, "甲一单位").await;
    let viewer = server.login_as("m_view", Role::Viewer, "甲部门").await;
    let foreign = server
        .login_as("m_rep_yi", Role::Reporter, "乙一单位")
        .await;
    let hr = server.login_as("m_hr", Role::Reviewer, "县人社局").await;
    // 三员分立: the three who run the system, none of whom sees the appraisal.
    let sysadmin = server.login_as("m_sys", Role::SystemAdmin, "市政府").await;
    let secadmin = server
        .login_as("m_sec", Role::SecurityAdmin, "市政府")
        .await;
    let auditor = server.login_as("m_aud", Role::Auditor, "市政府").await;
    let system: [(&str, &Browser); 3] = [
        ("sysadmin", &sysadmin),
        ("secadmin", &secadmin),
        ("auditor", &auditor),
    ];
    let who: [(&str, &Browser); 7] = [
        ("anonymous", &anon),
        ("admin", &admin),
        ("reviewer甲", &reviewer),
        ("reporter甲一", &reporter),
        ("viewer甲", &viewer),
        ("reporter乙一", &foreign),
        ("reviewer人社局", &hr),
    ];

    let gets: Vec<(String, [u16; 7])> = vec![
        ("/".into(), [303, 200, 200, 200, 200, 200, 200]),
        ("/todo".into(), [303, 200, 200, 200, 200, 200, 200]),
        ("/search?q=培训".into(), [303, 200, 200, 200, 200, 200, 200]),
        ("/account".into(), [303, 200, 200, 200, 200, 200, 200]),
        ("/schemes/1".into(), [303, 200, 200, 200, 200, 200, 404]),
        (
            "/schemes/1/completeness".into(),
            [303, 200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/schemes/1/units/{}", ja.unit),
            [303, 200, 200, 200, 200, 404, 404],
        ),
        (
            format!("/schemes/1/units/{}", yi.unit),
            [303, 200, 404, 404, 404, 200, 404],
        ),
        (
            format!("/schemes/1/units/{}/export/csv", ja.unit),
            [303, 200, 200, 200, 200, 404, 404],
        ),
        (
            format!("/schemes/1/units/{}/export/csv", yi.unit),
            [303, 200, 404, 404, 404, 200, 404],
        ),
        (
            format!("/tasks/{}", ja.task),
            [303, 200, 200, 200, 200, 404, 200],
        ),
        (
            format!("/tasks/{}", yi.task),
            [303, 200, 404, 404, 404, 200, 200],
        ),
        (
            format!("/attachments/{}", ja.attachment),
            [303, 200, 200, 200, 200, 404, 200],
        ),
        (
            format!("/attachments/{}", yi.attachment),
            [303, 200, 404, 404, 404, 200, 200],
        ),
        (
            "/schemes/1/ranking".into(),
            [303, 200, 200, 200, 200, 200, 404],
        ),
        (
            "/schemes/1/warnings".into(),
            [303, 200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/schemes/1/units/{}/score", ja.unit),
            [303, 200, 200, 200, 200, 404, 404],
        ),
        (
            format!("/schemes/1/units/{}/score", yi.unit),
            [303, 200, 404, 404, 404, 200, 404],
        ),
        (
            "/schemes/1/ranking/export/csv".into(),
            [303, 200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/schemes/1/units/{}/dashboard", ja.unit),
            [303, 200, 200, 200, 200, 404, 404],
        ),
        (
            format!("/schemes/1/units/{}/dashboard", yi.unit),
            [303, 200, 404, 404, 404, 200, 404],
        ),
        (
            "/schemes/1/settings".into(),
            [303, 200, 403, 403, 403, 403, 403],
        ),
        ("/admin/import".into(), [303, 200, 403, 403, 403, 403, 403]),
        // 三员分立: the office (考核办) runs the appraisal, not the system.
        ("/admin".into(), [303, 403, 403, 403, 403, 403, 403]),
        ("/admin/audit".into(), [303, 403, 403, 403, 403, 403, 403]),
        ("/login".into(), [200, 200, 200, 200, 200, 200, 200]),
        ("/healthz".into(), [200, 200, 200, 200, 200, 200, 200]),
        (
            "/static/jixiao.css".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "/schemes/1/review-routing".into(),
            [303, 200, 403, 403, 403, 403, 403],
        ),
    ];
    for (path, expected) in &gets {
        for ((name, b), want) in who.iter().zip(expected) {
            let got = b.get(path).await.status;
            assert_eq!(got, *want, "GET {path} as {name} on {}", db.backend);
        }
        for (name, b) in &system {
            let got = b.get(path).await.status;
            let want = system_get(path, name, expected);
            assert_eq!(got, want, "GET {path} as {name} on {}", db.backend);
        }
    }

    // Forms on the foreign unit's records: nobody of 甲 gets past authorisation.
    let foreign_posts: Vec<(String, Fields)> = vec![
        (
            format!("/tasks/{}/report", yi.task),
            vec![
                ("period", "2023".into()),
                ("text", "x".into()),
                ("version", "1".into()),
            ],
        ),
        (
            format!("/reports/{}/review", yi.report),
            vec![("version", "1".into()), ("decision", "approve".into())],
        ),
        (
            format!("/reports/{}/verify", yi.report),
            vec![
                ("version", "1".into()),
                ("completion", "50".into()),
                ("reason", "x".into()),
            ],
        ),
        (
            format!("/tasks/{}/extensions", yi.task),
            vec![
                ("period", "2023".into()),
                ("reason", "x".into()),
                ("until", "2099-01-01".into()),
            ],
        ),
        (format!("/attachments/{}/delete", yi.attachment), vec![]),
        (
            format!("/schemes/1/units/{}/adjustments", yi.unit),
            vec![
                ("rule", rule.to_string()),
                ("kind", "add".into()),
                ("amount", "1".into()),
                ("reason", "x".into()),
            ],
        ),
        (
            format!("/schemes/1/units/{}/vetoes", yi.unit),
            vec![("item", item.to_string()), ("reason", "x".into())],
        ),
        (format!("/adjustments/{}/delete", yi.adjustment), vec![]),
        (format!("/vetoes/{}/delete", yi.veto), vec![]),
        (
            format!("/tasks/{}/rule", yi.task),
            vec![("rule", "manual".into())],
        ),
        (
            format!("/tasks/{}/override", yi.task),
            vec![
                ("period", "2023".into()),
                ("points", "1".into()),
                ("reason", "x".into()),
            ],
        ),
    ];
    for (path, fields) in &foreign_posts {
        for (name, b) in [
            ("reviewer甲", &reviewer),
            ("reporter甲一", &reporter),
            ("viewer甲", &viewer),
        ] {
            let csrf = b.csrf().await;
            let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            let got = b.post(path, &form).await.status;
            assert_eq!(got, 404, "POST {path} as {name}");
        }
        refused_to_the_system(&system, path, fields).await;
        let got = anon.post(path, &[("csrf", "x")]).await;
        assert_eq!(
            got.status, 303,
            "POST {path} anonymously goes to the login page"
        );
    }

    // The 考核主体's reviewer sees the tasks, so on them its role decides (403); the units'
    // own records stay out of its sight (404). Nothing here changes a record.
    let hr_posts: Vec<(String, Fields, u16)> = vec![
        (
            format!("/tasks/{}/report", yi.task),
            vec![
                ("period", "2023".into()),
                ("text", "x".into()),
                ("version", "1".into()),
            ],
            403,
        ),
        (
            format!("/tasks/{}/extensions", yi.task),
            vec![
                ("period", "2023".into()),
                ("reason", "x".into()),
                ("until", "2099-01-01".into()),
            ],
            403,
        ),
        (
            format!("/attachments/{}/delete", yi.attachment),
            vec![],
            403,
        ),
        (
            format!("/tasks/{}/rule", yi.task),
            vec![("rule", "manual".into())],
            403,
        ),
        (
            format!("/tasks/{}/reviewing-unit", yi.task),
            vec![("unit", "".into())],
            403,
        ),
        (
            format!("/schemes/1/units/{}/adjustments", yi.unit),
            vec![
                ("rule", rule.to_string()),
                ("kind", "add".into()),
                ("amount", "1".into()),
                ("reason", "x".into()),
            ],
            404,
        ),
        (format!("/vetoes/{}/delete", yi.veto), vec![], 404),
        (
            "/schemes/1/review-chain".into(),
            vec![("chain", "office".into())],
            403,
        ),
    ];
    for (path, fields, want) in &hr_posts {
        let csrf = hr.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        let got = hr.post(path, &form).await.status;
        refused_to_the_system(&system, path, fields).await;
        assert_eq!(
            got, *want,
            "POST {path} as reviewer人社局 on {}",
            db.backend
        );
    }

    // Within reach, the role decides: on 甲一's records.
    let role_posts: Vec<(String, Fields, [u16; 3])> = vec![
        // reviewer, viewer, foreign reporter (out of reach)
        // The task names a 考核主体 (县人社局): verifying is its reviewer's, not the supervisor's.
        (
            format!("/reports/{}/verify", ja.report),
            vec![("version", "999".into()), ("completion", "".into())],
            [403, 403, 404],
        ),
        (
            format!("/tasks/{}/report", ja.task),
            vec![
                ("period", "2023".into()),
                ("text", "x".into()),
                ("version", "999".into()),
            ],
            [403, 403, 404],
        ),
        (
            "/schemes/1/periods".to_string(),
            vec![("code", "2023Q1".into())],
            [403, 403, 403],
        ),
        (
            format!("/schemes/1/units/{}/adjustments", ja.unit),
            vec![
                ("rule", rule.to_string()),
                ("kind", "add".into()),
                ("amount", "1".into()),
                ("reason", "x".into()),
            ],
            [403, 403, 404],
        ),
        (
            format!("/schemes/1/units/{}/vetoes", ja.unit),
            vec![("item", item.to_string()), ("reason", "x".into())],
            [403, 403, 404],
        ),
        (
            format!("/adjustments/{}/delete", ja.adjustment),
            vec![],
            [403, 403, 404],
        ),
        (
            format!("/vetoes/{}/delete", ja.veto),
            vec![],
            [403, 403, 404],
        ),
        (
            format!("/tasks/{}/rule", ja.task),
            vec![("rule", "manual".into())],
            [403, 403, 404],
        ),
        (
            format!("/tasks/{}/override", ja.task),
            vec![
                ("period", "2023".into()),
                ("points", "1".into()),
                ("reason", "x".into()),
            ],
            [403, 403, 404],
        ),
        (
            "/schemes/1/settings".into(),
            vec![
                ("tolerance", "10".into()),
                ("excellent", "100".into()),
                ("good", "85".into()),
                ("fair", "70".into()),
                ("poor", "50".into()),
            ],
            [403, 403, 403],
        ),
        (
            "/schemes/1/adjustment-rules".into(),
            vec![("name", "新规则".into())],
            [403, 403, 403],
        ),
        (
            "/schemes/1/review-chain".into(),
            vec![("chain", "office".into())],
            [403, 403, 403],
        ),
        (
            format!("/schemes/1/indicators/{}/reviewing-unit", indicator.id),
            vec![("unit", "".into())],
            [403, 403, 403],
        ),
        (
            format!("/tasks/{}/reviewing-unit", ja.task),
            vec![("unit", "".into())],
            [403, 403, 404],
        ),
        (
            "/schemes/1/veto-items".into(),
            vec![("name", "新事项".into()), ("effect", "zero".into())],
            [403, 403, 403],
        ),
        (
            "/schemes/1/copy".into(),
            vec![("title", "2024年度".into()), ("year", "2024".into())],
            [403, 403, 403],
        ),
        (
            "/admin/units".into(),
            vec![("name", "新单位".into())],
            [403, 403, 403],
        ),
        (
            "/admin/unit-types".into(),
            vec![("name", "新类型".into())],
            [403, 403, 403],
        ),
        (
            "/admin/unit-types/1".into(),
            vec![("action", "remove".into())],
            [403, 403, 403],
        ),
        (
            "/admin/users".into(),
            vec![
                ("username", "newbie".into()),
                ("role", "admin".into()),
                ("unit", "1".into()),
            ],
            [403, 403, 403],
        ),
    ];
    for (path, fields, expected) in &role_posts {
        for ((name, b), want) in [
            ("reviewer甲", &reviewer),
            ("viewer甲", &viewer),
            ("reporter乙一", &foreign),
        ]
        .iter()
        .zip(expected)
        {
            let csrf = b.csrf().await;
            let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            let got = b.post(path, &form).await.status;
            assert_eq!(got, *want, "POST {path} as {name}");
        }
        if !path.starts_with("/admin/") {
            refused_to_the_system(&system, path, fields).await;
        }
    }
    // Nothing above changed the scheme's setup or the units' entries.
    assert_eq!(store.adjustment_rules(1).await.unwrap().len(), 1);
    assert_eq!(store.veto_items(1).await.unwrap().len(), 1);
    assert_eq!(store.scheme_adjustments(1).await.unwrap().len(), 2);
    assert_eq!(store.scheme_vetoes(1).await.unwrap().len(), 2);
    assert_eq!(store.list_schemes().await.unwrap().len(), 1);
    // … nor who reviews what.
    let scheme = store.scheme(1).await.unwrap().unwrap();
    assert_eq!(scheme.review_chain, "owner");
    let routed = store.task(yi.task).await.unwrap().unwrap().reviewing_unit;
    assert_eq!(routed.map(|u| u.id), Some(hr_unit));
    // Nothing above changed the foreign unit's report.
    let report = store.report(yi.report).await.unwrap().unwrap();
    assert_eq!(
        (report.version, report.text.as_str()),
        (1, "已培训妇女300人")
    );
}

/// What the system's administrators get on a page: their own page, the pages everyone has,
/// and nothing of the appraisal — the office's pages refuse them as they refuse a reviewer
/// (403), the appraisal's records do not exist for them (404).
fn system_get(path: &str, role: &str, expected: &[u16; 7]) -> u16 {
    // A page every logged-in role has (the start page, 待办, search, login, health).
    let everyone = expected[1..].iter().all(|c| *c == 200);
    let as_reviewer = expected[2];
    match path {
        _ if everyone => 200,
        "/admin" if role != "auditor" => 200,
        "/admin/audit" if role == "auditor" => 200,
        "/admin" | "/admin/audit" | "/admin/import" => 403,
        _ if as_reviewer == 403 => 403,
        _ => 404,
    }
}

/// A form of the appraisal, sent by each of the system's administrators: refused (403 for the
/// office's forms, 404 for records they cannot see), never done.
async fn refused_to_the_system(system: &[(&str, &Browser); 3], path: &str, fields: &Fields) {
    for (name, b) in system {
        let csrf = b.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
        let got = b.post(path, &form).await.status;
        assert!(
            got == 403 || got == 404,
            "POST {path} as {name} answered {got}: the system's administrators do nothing of the appraisal"
        );
    }
}
