//! The JSON API: every endpoint with each role (own and foreign units by id), the report
//! workflow with versions and ETags, imports, tokens (scopes, revocation, rate limits), problem
//! details, and the OpenAPI document against the routes.

use jixiao_domain::{Period, Role};
use jixiao_store::Actor;
use serde_json::json;

use crate::support::*;

const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t已培训妇女300人\n\t100分\n";

/// One unit's ids.
struct Own {
    unit: i64,
    task: i64,
    report: i64,
}

async fn own(store: &jixiao_store::Store, unit: &str) -> Own {
    let u = store.unit_by_name(unit).await.unwrap().unwrap();
    let task = store
        .unit_table(1, u.id, None)
        .await
        .unwrap()
        .unwrap()
        .tasks[0]
        .clone();
    Own {
        unit: u.id,
        task: task.id,
        report: task.report.unwrap().id,
    }
}

#[tokio::test]
async fn every_endpoint_answers_every_role_as_the_web_app_does() {
    let db = databases().await.remove(0);
    let store = two_departments(&db, TABLE).await;
    let server = TestServer::start(store.clone()).await;
    let (ja, yi) = (own(&store, "甲一单位").await, own(&store, "乙一单位").await);
    let token = |u: &'static str, role: Role, unit: &'static str| {
        let server = &server;
        async move { api_token(server, u, role, unit, "write").await }
    };
    let callers = [
        ("anonymous", Api::new(&server.base, None)),
        (
            "admin",
            Api::new(
                &server.base,
                Some(&token("a_admin", Role::Admin, "市政府").await),
            ),
        ),
        (
            "reviewer甲",
            Api::new(
                &server.base,
                Some(&token("a_rev", Role::Reviewer, "甲部门").await),
            ),
        ),
        (
            "reporter甲一",
            Api::new(
                &server.base,
                Some(&token("a_rep", Role::Reporter, "甲一单位").await),
            ),
        ),
        (
            "viewer甲",
            Api::new(
                &server.base,
                Some(&token("a_view", Role::Viewer, "甲部门").await),
            ),
        ),
        (
            "reporter乙一",
            Api::new(
                &server.base,
                Some(&token("a_yi", Role::Reporter, "乙一单位").await),
            ),
        ),
    ];
    let all = [401, 200, 200, 200, 200, 200];
    let mine = [401, 200, 200, 200, 200, 404];
    let theirs = [401, 200, 404, 404, 404, 200];
    let gets: Vec<(String, [u16; 6])> = vec![
        ("/me".into(), all),
        ("/schemes".into(), all),
        ("/schemes/1".into(), all),
        ("/schemes/1/indicators".into(), all),
        ("/schemes/1/periods".into(), all),
        ("/schemes/1/ranking".into(), all),
        ("/schemes/1/scores".into(), all),
        (format!("/schemes/1/scores?unit={}", ja.unit), mine),
        (format!("/schemes/1/scores?unit={}", yi.unit), theirs),
        (format!("/schemes/1/scores?unit={}&page=3", ja.unit), mine),
        ("/schemes/99".into(), [401, 404, 404, 404, 404, 404]),
        ("/units".into(), all),
        (format!("/units/{}", ja.unit), mine),
        (format!("/units/{}", yi.unit), theirs),
        ("/tasks".into(), all),
        (format!("/tasks/{}", ja.task), mine),
        (format!("/tasks/{}", yi.task), theirs),
        ("/reports".into(), all),
        (format!("/reports/{}", ja.report), mine),
        (format!("/reports/{}", yi.report), theirs),
        ("/imports/nope".into(), [401, 404, 403, 403, 403, 403]),
    ];
    for (path, want) in &gets {
        for ((who, api), want) in callers.iter().zip(want) {
            let r = api.get(path).await;
            assert_eq!(r.status, *want, "GET {path} as {who}: {}", r.json);
            if r.status >= 400 {
                assert_eq!(
                    r.headers["content-type"], "application/problem+json",
                    "GET {path} as {who}"
                );
            }
        }
    }

    // Lists hold only what is in reach: 甲's people see 甲一, 乙一's reporter 乙一, the office both.
    for ((who, api), (tasks, units_in_rank)) in
        callers[1..]
            .iter()
            .zip([(2, 2), (1, 1), (1, 1), (1, 1), (1, 1)])
    {
        let t = api.get("/tasks").await.json;
        assert_eq!(t["total"], tasks, "tasks of {who}");
        let r = api.get("/reports").await.json;
        assert_eq!(r["total"], tasks, "reports of {who}");
        let scores = api.get("/schemes/1/scores?per_page=1").await.json;
        assert_eq!(scores["total"], units_in_rank, "scores of {who}");
        assert_eq!(scores["items"].as_array().unwrap().len(), 1, "one a page");
        let last = api
            .get(&format!(
                "/schemes/1/scores?per_page=1&page={units_in_rank}"
            ))
            .await
            .json;
        assert_eq!(last["items"].as_array().unwrap().len(), 1, "the last page");
        let rank = api.get("/schemes/1/ranking").await.json;
        assert_eq!(
            rank["rows"].as_array().unwrap().len(),
            units_in_rank,
            "{who}"
        );
    }

    // A scheme in which only 乙一单位 is assessed does not exist for 甲's people.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.txt");
    std::fs::write(&other, TABLE.replace("2023年度测试", "2024年度另一")).unwrap();
    let out = jixiao(
        &db.url,
        &["import", other.to_str().unwrap(), "--unit", "乙一单位"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let hidden = [401, 200, 404, 404, 404, 200];
    for path in [
        "/schemes/2",
        "/schemes/2/indicators",
        "/schemes/2/periods",
        "/schemes/2/ranking",
        "/schemes/2/scores",
    ] {
        for ((who, api), want) in callers.iter().zip(&hidden) {
            assert_eq!(api.get(path).await.status, *want, "GET {path} as {who}");
        }
    }
    for ((who, api), n) in callers[1..].iter().zip([2, 1, 1, 1, 2]) {
        let list = api.get("/schemes").await.json;
        assert_eq!(list.as_array().unwrap().len(), n, "schemes of {who}");
    }

    // Writes on the foreign unit's report: nobody of 甲 learns it exists.
    for (who, api) in &callers[2..5] {
        for (method, path, body) in [
            (
                "PUT",
                format!("/reports/{}", yi.report),
                json!({"text": "x", "version": 1}),
            ),
            (
                "POST",
                format!("/reports/{}/submit", yi.report),
                json!({"version": 1}),
            ),
            (
                "POST",
                format!("/reports/{}/review", yi.report),
                json!({"version": 1, "decision": "approve"}),
            ),
            (
                "POST",
                "/reports".to_string(),
                json!({"task_id": yi.task, "period": "2023", "text": "x"}),
            ),
        ] {
            let r = api.call(method, &path, Some(body), &[]).await;
            assert_eq!(r.status, 404, "{method} {path} as {who}: {}", r.json);
        }
    }
    // Within reach, the role decides.
    let (reviewer, reporter, viewer) = (&callers[2].1, &callers[3].1, &callers[4].1);
    let review = json!({"version": 1, "decision": "approve"});
    let path = format!("/reports/{}/review", ja.report);
    assert_eq!(
        reporter
            .call("POST", &path, Some(review.clone()), &[])
            .await
            .status,
        403
    );
    assert_eq!(
        viewer
            .call("POST", &path, Some(review.clone()), &[])
            .await
            .status,
        403
    );
    let put = json!({"text": "已培训妇女400人", "version": 1});
    let path = format!("/reports/{}", ja.report);
    assert_eq!(
        reviewer
            .call("PUT", &path, Some(put.clone()), &[])
            .await
            .status,
        403
    );
    assert_eq!(
        viewer
            .call("PUT", &path, Some(put.clone()), &[])
            .await
            .status,
        403
    );
    let admin = &callers[1].1;
    for api in [reviewer, reporter, viewer] {
        let r = api
            .post_bytes("/imports?file_name=t.txt", TABLE.as_bytes().to_vec())
            .await;
        assert_eq!(r.status, 403, "only the office imports");
    }
    // Nothing above changed a report.
    for id in [ja.report, yi.report] {
        let r = admin.get(&format!("/reports/{id}")).await;
        assert_eq!(
            (r.json["version"].as_i64(), r.json["state"].as_str()),
            (Some(1), Some("approved"))
        );
    }
}

#[tokio::test]
async fn a_report_is_drafted_updated_submitted_returned_and_approved_through_the_api() {
    for db in databases().await {
        let store = two_departments(&db, TABLE).await;
        store
            .set_period(&Actor::cli(), 1, "2023Q3".parse::<Period>().unwrap(), None)
            .await
            .unwrap();
        let server = TestServer::start(store.clone()).await;
        let ja = own(&store, "甲一单位").await;
        let rep = Api::new(
            &server.base,
            Some(&api_token(&server, "rep", Role::Reporter, "甲一单位", "write").await),
        );
        let rev = Api::new(
            &server.base,
            Some(&api_token(&server, "rev", Role::Reviewer, "甲部门", "write").await),
        );
        let read_only = Api::new(
            &server.base,
            Some(&api_token(&server, "rep", Role::Reporter, "甲一单位", "read").await),
        );

        // A draft for 2023Q3: read by the reader at time progress 75%.
        let new = json!({"task_id": ja.task, "period": "2023Q3", "text": "已培训妇女600人", "self_score": 60});
        let r = read_only
            .call("POST", "/reports", Some(new.clone()), &[])
            .await;
        assert_eq!(
            (r.status, r.code()),
            (403, "insufficient_scope"),
            "{}",
            db.backend
        );
        let r = rep.call("POST", "/reports", Some(new.clone()), &[]).await;
        assert_eq!(r.status, 201, "{}", r.json);
        assert_eq!(r.headers["etag"], "\"1\"");
        let id = r.json["id"].as_i64().unwrap();
        assert_eq!(
            r.headers["location"],
            format!("/api/v1/reports/{id}").as_str()
        );
        assert_eq!(r.json["completion"], 0.6);
        assert_eq!(
            r.json["status"], "lagging",
            "60% at 75% time progress, 10% tolerance"
        );
        let again = rep.call("POST", "/reports", Some(new), &[]).await;
        assert_eq!((again.status, again.code()), (409, "exists"));

        // Bad content is refused with the field named; nothing is written.
        let path = format!("/reports/{id}");
        for (body, code) in [
            (json!({"text": "  ", "version": 1}), "validation_failed"),
            (
                json!({"text": "x", "self_score": 101, "version": 1}),
                "validation_failed",
            ),
            (json!({"text": "x"}), "version_required"),
        ] {
            let r = rep.call("PUT", &path, Some(body), &[]).await;
            assert_eq!(r.code(), code, "{}", r.json);
        }
        let r = rep.call("PUT", &path, Some(json!({"text": 1})), &[]).await;
        assert_eq!(r.status, 422, "a wrong field type");
        let r = rep
            .call("PUT", &path, None, &[("content-type", "text/plain")])
            .await;
        assert_eq!((r.status, r.code()), (415, "unsupported_media_type"));

        // Updates from the version read: If-Match or the body.
        let r = rep
            .call(
                "PUT",
                &path,
                Some(json!({"text": "已培训妇女800人"})),
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!(
            (r.status, r.json["version"].as_i64()),
            (200, Some(2)),
            "{}",
            r.json
        );
        let stale = rep
            .call(
                "PUT",
                &path,
                Some(json!({"text": "旧版本上改的"})),
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!((stale.status, stale.code()), (409, "version_conflict"));
        assert_eq!(stale.json["current_version"], 2);
        let mismatch = rep
            .call(
                "PUT",
                &path,
                Some(json!({"text": "x", "version": 2})),
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!(
            (mismatch.status, mismatch.code()),
            (412, "precondition_failed")
        );
        let r = rep.get(&path).await;
        assert_eq!(
            r.json["text"], "已培训妇女800人",
            "the stale write changed nothing"
        );
        assert_eq!(r.headers["etag"], "\"2\"");

        // Submit, return with a reason, correct, submit, approve.
        let r = rep
            .call(
                "POST",
                &format!("{path}/submit"),
                Some(json!({"version": 2})),
                &[],
            )
            .await;
        assert_eq!(
            (r.status, r.json["state"].as_str()),
            (200, Some("submitted")),
            "{}",
            r.json
        );
        let no_reason = rev
            .call(
                "POST",
                &format!("{path}/review"),
                Some(json!({"version": 3, "decision": "return"})),
                &[],
            )
            .await;
        assert_eq!(
            (no_reason.status, no_reason.code()),
            (422, "validation_failed")
        );
        let r = rev
            .call(
                "POST",
                &format!("{path}/review"),
                Some(json!({"version": 3, "decision": "return", "reason": "请附培训签到表"})),
                &[],
            )
            .await;
        assert_eq!(
            (r.status, r.json["state"].as_str()),
            (200, Some("returned")),
            "{}",
            r.json
        );
        assert_eq!(r.json["return_reason"], "请附培训签到表");
        let r = rep
            .call(
                "PUT",
                &path,
                Some(json!({"text": "已培训妇女900人", "version": 4})),
                &[],
            )
            .await;
        assert_eq!(r.status, 200);
        let r = rep
            .call(
                "POST",
                &format!("{path}/submit"),
                None,
                &[("if-match", "\"5\"")],
            )
            .await;
        assert_eq!(r.status, 415, "a JSON body is required, even an empty one");
        let r = rep
            .call(
                "POST",
                &format!("{path}/submit"),
                Some(json!({})),
                &[("if-match", "\"5\"")],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.json);
        let r = rev
            .call(
                "POST",
                &format!("{path}/review"),
                Some(json!({"version": 6, "decision": "approve"})),
                &[],
            )
            .await;
        assert_eq!(
            (r.status, r.json["state"].as_str()),
            (200, Some("approved"))
        );
        let r = rep
            .call(
                "PUT",
                &path,
                Some(json!({"text": "改已通过的", "version": 7})),
                &[],
            )
            .await;
        assert_eq!((r.status, r.code()), (409, "wrong_state"));

        // Filters and pages.
        // The other approved report is the imported one: the office's own record.
        let r = rev.get("/reports?state=approved").await;
        assert_eq!(r.json["total"], 2);
        let texts: Vec<&str> = r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|i| i["text"].as_str())
            .collect();
        assert!(texts.contains(&"已培训妇女900人"), "{texts:?}");
        let r = rev
            .get("/reports?period=2023&status=seriously_lagging")
            .await;
        assert_eq!(r.json["total"], 1, "300 of 1000 at year end");
        let r = rev.get("/reports?per_page=1&page=2").await;
        assert_eq!(
            (
                r.json["total"].as_i64(),
                r.json["items"].as_array().unwrap().len()
            ),
            (Some(2), 1)
        );
        assert_eq!(
            rev.get("/reports?per_page=501").await.code(),
            "invalid_request"
        );
        assert_eq!(rev.get("/reports?page=abc").await.status, 400);

        // The web app shows what the API wrote, and the audit log has it.
        let (status, web) = server
            .get(&format!("/tasks/{}?period=2023Q3", ja.task))
            .await;
        assert!(status == 200 && web.contains("900"), "{web}");
        assert!(store.verify_audit().await.unwrap().first_broken.is_none());
    }
}

#[tokio::test]
async fn the_browser_session_reads_the_api_and_writes_only_with_its_csrf_token() {
    let db = databases().await.remove(0);
    let store = two_departments(&db, TABLE).await;
    store
        .set_period(&Actor::cli(), 1, "2023Q3".parse::<Period>().unwrap(), None)
        .await
        .unwrap();
    let server = TestServer::start(store.clone()).await;
    let ja = own(&store, "甲一单位").await;
    let browser = server.login_as("s_rep", Role::Reporter, "甲一单位").await;
    let api = Api::with_session(&server.base, &browser, None);
    assert_eq!(api.get("/me").await.json["username"], "s_rep");
    let body = json!({"task_id": ja.task, "period": "2023Q3", "text": "已培训妇女500人"});
    let r = api.call("POST", "/reports", Some(body.clone()), &[]).await;
    assert_eq!((r.status, r.code()), (403, "csrf_required"));
    let r = Api::with_session(&server.base, &browser, Some("forged"))
        .call("POST", "/reports", Some(body.clone()), &[])
        .await;
    assert_eq!((r.status, r.code()), (403, "csrf_required"));
    let csrf = browser.csrf().await;
    let r = Api::with_session(&server.base, &browser, Some(&csrf))
        .call("POST", "/reports", Some(body), &[])
        .await;
    assert_eq!(r.status, 201, "{}", r.json);
}

#[tokio::test]
async fn a_table_is_uploaded_previewed_and_confirmed_through_the_api() {
    for db in databases().await {
        let server = TestServer::start(db.store().await).await;
        let admin = Api::new(
            &server.base,
            Some(&api_token(&server, "office", Role::Admin, "市政府", "write").await),
        );
        let seed = std::fs::read(fixture("seed.txt")).unwrap();

        let bad = admin
            .post_bytes("/imports?file_name=x.txt", b"not a table".to_vec())
            .await;
        assert_eq!(
            (bad.status, bad.code()),
            (422, "import_failed"),
            "{}",
            bad.json
        );
        assert!(
            bad.json["detail"].as_str().unwrap().contains("x.txt"),
            "the file is named"
        );
        let empty = admin
            .post_bytes("/imports?file_name=x.txt", Vec::new())
            .await;
        assert_eq!(empty.status, 422);

        let r = admin.post_bytes("/imports?file_name=seed.txt", seed).await;
        assert_eq!(r.status, 201, "{}", r.json);
        assert_eq!(r.json["rows"].as_array().unwrap().len(), 15);
        assert_eq!(r.json["unit"], "枣庄市妇联");
        let id = r.json["id"].as_str().unwrap().to_string();
        assert_eq!(
            db.counts().await.0,
            0,
            "nothing is written before the confirmation"
        );
        let again = admin.get(&format!("/imports/{id}")).await;
        assert_eq!(again.json["title"], r.json["title"]);
        let other_admin = Api::new(
            &server.base,
            Some(&api_token(&server, "office2", Role::Admin, "市政府", "write").await),
        );
        assert_eq!(
            other_admin.get(&format!("/imports/{id}")).await.status,
            404,
            "an upload is its uploader's"
        );

        let r = admin
            .call(
                "POST",
                &format!("/imports/{id}/confirm"),
                Some(json!({})),
                &[],
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.json);
        assert_eq!(
            (r.json["tasks"].as_i64(), r.json["reports"].as_i64()),
            (Some(15), Some(15))
        );
        assert_eq!(
            admin.get(&format!("/imports/{id}")).await.status,
            404,
            "used up"
        );
        let scores = admin.get("/schemes/1/scores").await;
        assert_eq!(scores.json["items"][0]["total"], 134.83, "{}", db.backend);
        assert_eq!(scores.json["total"], 1);
    }
}

#[tokio::test]
async fn tokens_are_created_shown_once_revoked_and_rate_limited() {
    let db = databases().await.remove(0);
    let store = two_departments(&db, TABLE).await;
    let config = jixiao_web::WebConfig {
        api_limiter: jixiao_web::api::ApiLimiter::per_minute(3),
        ..Default::default()
    };
    let server = TestServer::start_with(store.clone(), config).await;
    let browser = server.login_as("t_rep", Role::Reporter, "甲一单位").await;
    let csrf = browser.csrf().await;
    let page = browser
        .post(
            "/account/tokens",
            &[("csrf", &csrf), ("name", "统计平台"), ("scope", "read")],
        )
        .await;
    assert_eq!(page.status, 200);
    let at = page.body.find("jx_").expect("the new token is shown");
    let token: String = page.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert_eq!(token.len(), 67);
    let listed = browser.get("/account").await.body;
    assert!(
        listed.contains("统计平台") && !listed.contains(&token),
        "shown once, then only listed"
    );
    let stored = store
        .tokens_of(store.user_for_login("t_rep").await.unwrap().unwrap().0.id)
        .await
        .unwrap();
    assert_ne!(stored[0].scope, token, "only a hash is kept");

    // Three requests a minute: the fourth waits, with Retry-After; the budget is per token.
    let api = Api::new(&server.base, Some(&token));
    for _ in 0..3 {
        assert_eq!(api.get("/me").await.status, 200);
    }
    let limited = api.get("/me").await;
    assert_eq!((limited.status, limited.code()), (429, "rate_limited"));
    assert!(limited.headers.contains_key("retry-after"));
    let other = Api::new(
        &server.base,
        Some(&api_token(&server, "t_other", Role::Viewer, "甲部门", "read").await),
    );
    assert_eq!(other.get("/me").await.status, 200);

    // Revoked: 401 from then on; a token of someone else cannot be revoked by this user.
    let id = stored[0].id;
    let r = browser
        .post(&format!("/account/tokens/{id}/revoke"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303);
    let r = Api::new(&server.base, Some(&token)).get("/me").await;
    assert_eq!((r.status, r.code()), (401, "invalid_token"));
    assert!(r.headers.contains_key("www-authenticate"));
    let intruder = server
        .login_as("t_intruder", Role::Reporter, "乙一单位")
        .await;
    let c2 = intruder.csrf().await;
    let other_id = store
        .tokens_of(store.user_for_login("t_other").await.unwrap().unwrap().0.id)
        .await
        .unwrap()[0]
        .id;
    let r = intruder
        .post(
            &format!("/account/tokens/{other_id}/revoke"),
            &[("csrf", &c2)],
        )
        .await;
    assert_eq!(r.status, 404);

    // A token that is no token of ours, and problems in English when asked.
    let r = Api::new(&server.base, Some("jx_0000")).get("/me").await;
    assert_eq!(r.code(), "invalid_token");
    let r = Api::new(&server.base, None)
        .call("GET", "/me", None, &[("accept-language", "en-US,en;q=0.9")])
        .await;
    assert!(
        r.json["title"]
            .as_str()
            .unwrap()
            .starts_with("Not logged in"),
        "{}",
        r.json
    );
    let r = Api::new(&server.base, None).get("/no/such/route").await;
    assert_eq!((r.status, r.code()), (404, "route_not_found"));

    // The CLI makes tokens for scripts; its token works at once.
    let out = jixiao(
        &db.url,
        &[
            "user", "token", "t_other", "--name", "脚本", "--scope", "write",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let cli_token = stdout(&out).trim().to_string();
    assert_eq!(
        Api::new(&server.base, Some(&cli_token))
            .get("/me")
            .await
            .json["scope"],
        "write"
    );
    let bad = jixiao(&db.url, &["user", "token", "nobody", "--name", "x"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("nobody"), "{}", stderr(&bad));
}

/// Every operation the API serves, as `METHOD path`. Adding or removing a route changes this
/// list, on purpose.
const OPERATIONS: &[&str] = &[
    "GET /api/v1/imports/{id}",
    "GET /api/v1/me",
    "GET /api/v1/reports",
    "GET /api/v1/reports/{id}",
    "GET /api/v1/schemes",
    "GET /api/v1/schemes/{id}",
    "GET /api/v1/schemes/{id}/indicators",
    "GET /api/v1/schemes/{id}/periods",
    "GET /api/v1/schemes/{id}/ranking",
    "GET /api/v1/schemes/{id}/scores",
    "GET /api/v1/tasks",
    "GET /api/v1/tasks/{id}",
    "GET /api/v1/units",
    "GET /api/v1/units/{id}",
    "POST /api/v1/imports",
    "POST /api/v1/imports/{id}/confirm",
    "POST /api/v1/reports",
    "POST /api/v1/reports/{id}/review",
    "POST /api/v1/reports/{id}/submit",
    "PUT /api/v1/reports/{id}",
];

#[tokio::test]
async fn the_served_openapi_document_is_valid_and_matches_the_routes() {
    let db = databases().await.remove(0);
    let store = two_departments(&db, TABLE).await;
    let server = TestServer::start(store.clone()).await;
    let doc = Api::new(&server.base, None).get("/openapi.json").await;
    assert_eq!(doc.status, 200, "the document needs no login");
    let doc = doc.json;
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(
        doc["info"]["description"]
            .as_str()
            .unwrap()
            .contains("绩效")
    );
    assert!(
        doc["info"]["description"]
            .as_str()
            .unwrap()
            .contains("JSON API")
    );

    // Every documented operation, and only those.
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            ops.push(format!("{} {path}", method.to_uppercase()));
            // Each operation says what it does in Chinese and English, and documents its errors.
            let summary = op["summary"].as_str().unwrap_or("");
            assert!(
                summary.contains(" / "),
                "{method} {path}: summary in both languages"
            );
            let responses = op["responses"].as_object().unwrap();
            for code in ["401", "404"] {
                assert_eq!(
                    responses[code]["content"]
                        .as_object()
                        .and_then(|c| c.keys().next().cloned())
                        .as_deref(),
                    Some("application/problem+json"),
                    "{method} {path} documents {code}"
                );
            }
        }
    }
    ops.sort();
    assert_eq!(ops, OPERATIONS);

    // Every $ref points at a schema the document has.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"").skip(1) {
        let target = &part[..part.find('"').unwrap()];
        let name = target.strip_prefix("#/components/schemas/").expect(target);
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{target} resolves"
        );
    }

    // Every documented operation is served (a token of the office; ids that exist or not).
    let admin = Api::new(
        &server.base,
        Some(&api_token(&server, "doc", Role::Admin, "市政府", "read").await),
    );
    for op in OPERATIONS {
        let (method, path) = op.split_once(' ').unwrap();
        let path = path.trim_start_matches("/api/v1").replace("{id}", "1");
        let r = admin.call(method, &path, Some(json!({})), &[]).await;
        assert_ne!(r.code(), "route_not_found", "{op} is served");
        assert_ne!(r.status, 405, "{op} is served with its method");
    }
    // And an operation not in the document is not.
    for (method, path) in [
        ("DELETE", "/reports/1"),
        ("GET", "/reports/1/history"),
        ("POST", "/schemes"),
    ] {
        let r = admin.call(method, path, None, &[]).await;
        assert!(
            matches!(r.status, 404 | 405),
            "{method} {path}: {}",
            r.status
        );
    }
}

/// A password reset or a deactivation ends the account's API tokens for good: reactivating the
/// account brings none back.
#[tokio::test]
async fn a_reset_or_a_deactivation_revokes_every_token() {
    let db = databases().await.remove(0);
    let store = two_departments(&db, TABLE).await;
    let server = TestServer::start(store.clone()).await;
    for (who, change) in [("t_reset", "reset"), ("t_off", "deactivate")] {
        let token = api_token(&server, who, Role::Reporter, "甲一单位", "read").await;
        let api = Api::new(&server.base, Some(&token));
        assert_eq!(api.get("/me").await.status, 200, "{who}");
        let id = store.user_for_login(who).await.unwrap().unwrap().0.id;
        let admin = jixiao_store::Actor::cli();
        if change == "reset" {
            let hash = jixiao_app::secrets::hash_password("another password 12".into())
                .await
                .unwrap();
            store
                .set_password_hash(&admin, id, &hash, &jixiao_store::PasswordChange::Reset)
                .await
                .unwrap();
        } else {
            store.set_user_active(&admin, id, false).await.unwrap();
            store.set_user_active(&admin, id, true).await.unwrap();
        }
        assert_eq!(api.get("/me").await.status, 401, "{who} after {change}");
    }
}
