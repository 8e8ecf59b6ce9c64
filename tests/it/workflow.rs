//! Accounts and the reporting workflow: login and lockout, who may see and do what, CSRF,
//! draft → submitted → returned (with a reason) → approved, edit conflicts, and the audit log.

use jixiao_domain::Role;

use crate::support::*;

const TABLE: &str = " 2023年度测试考核工作任务要点完成进度情况\n\n主管部门：测试局\n\n\t一级指标\n\t二级指标\n\t任务要点名称\n\t年度目标\n\t进度情况\n\t分值权重\n\n\t履职尽责（100分）\n\t重点工作\n\t技能培训\n\t培训妇女1000人\n\t\n\t100分\n";

/// Units: 市政府 → 甲部门 → 甲一单位; 市政府 → 乙部门 → 乙一单位. The table is imported for 甲一
/// and 乙一 (no progress yet). Returns the server and the (甲一, 乙一) task ids.
async fn arrange(db: &TestDb) -> (TestServer, i64, i64) {
    let store = two_departments(db, TABLE).await;
    let task_of = |name: &'static str| {
        let store = store.clone();
        async move {
            let unit = store.unit_by_name(name).await.unwrap().unwrap();
            let table = store.unit_table(1, unit.id, None).await.unwrap().unwrap();
            table.tasks[0].id
        }
    };
    let (ta, tb) = (task_of("甲一单位").await, task_of("乙一单位").await);
    (TestServer::start(store).await, ta, tb)
}

async fn save(b: &Browser, task: i64, text: &str, version: &str, action: &str) -> Page {
    let csrf = b.csrf().await;
    b.post(
        &format!("/tasks/{task}/report"),
        &[
            ("csrf", &csrf),
            ("period", "2023"),
            ("version", version),
            ("text", text),
            ("self_score", "80"),
            ("action", action),
        ],
    )
    .await
}

#[tokio::test]
async fn pages_need_a_login_and_come_back_after_it() {
    let db = databases().await.remove(0);
    let (server, task, _) = arrange(&db).await;
    server.add_user("jia1", Role::Reporter, "甲一单位").await;
    let mut b = server.anonymous();
    let r = b.get(&format!("/tasks/{task}")).await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/login?next=/tasks/{task}").as_str())
    );
    let (status, _) = b.login("jia1", PASSWORD).await;
    assert_eq!(status, 303);
    let cookie = b.cookie("jixiao_session").unwrap();
    assert_eq!(cookie.len(), 64);
    assert_eq!(b.get(&format!("/tasks/{task}")).await.status, 200);
    let csrf = b.csrf().await;
    let out = b.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!((out.status, out.location.as_deref()), (303, Some("/login")));
    assert_eq!(b.get("/").await.status, 303, "the session is gone");
}

#[tokio::test]
async fn the_fifth_failed_login_locks_the_account() {
    let db = databases().await.remove(0);
    let (server, _, _) = arrange(&db).await;
    server.add_user("jia1", Role::Reporter, "甲一单位").await;
    let mut b = server.anonymous();
    for i in 1..=4 {
        let (status, body) = b.login("jia1", "wrong password!").await;
        assert_eq!(status, 200, "attempt {i}");
        assert!(body.contains("用户名或密码错误"), "attempt {i}");
    }
    let (_, fifth) = b.login("jia1", "wrong password!").await;
    let (status, locked) = b.login("jia1", PASSWORD).await;
    assert_eq!(status, 200, "the right password is refused while locked");
    let user = server
        .store
        .user_for_login("jia1")
        .await
        .unwrap()
        .unwrap()
        .0;
    assert!(user.locked_until.is_some(), "the account is locked");
    let (_, unknown) = b.login("nobody", PASSWORD).await;
    // One message for every failure: a locked account, a wrong password and an unknown name
    // read the same, so the page tells an attacker nothing.
    let message = |body: &str| {
        let start = body.find("form-error").expect("an error is shown");
        body[start..].split("</").next().unwrap().to_string()
    };
    assert_eq!(message(&fifth), message(&locked));
    assert_eq!(message(&locked), message(&unknown));
}

/// Three hundred guesses at once, as a script would send them: the attempt is reserved in the
/// database before the password is hashed, so no more than the five allowed are ever checked,
/// whatever the interleaving, and the right password then finds the account locked. On both
/// databases (PostgreSQL decides for every instance).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_hundred_concurrent_guesses_are_checked_at_most_five_times() {
    for db in databases().await {
        let config = jixiao_web::WebConfig {
            // The per-address limits are other tests' subjects: out of the way here (each
            // guesser holds its own connection).
            login_guard: std::sync::Arc::new(jixiao_web::auth::LoginGuard::with_limit(100_000)),
            connections: jixiao_web::ConnectionLimits {
                per_address: 10_000,
                ..Default::default()
            },
            ..Default::default()
        };
        let (server, _, _) = arrange(&db).await;
        let server = TestServer::start_with(server.store.clone(), config).await;
        server.add_user("target", Role::Reporter, "甲一单位").await;
        let mut guessers = Vec::new();
        for _ in 0..300 {
            let b = server.anonymous();
            let form = b.get("/login").await;
            let csrf = input_value(&form.body, "csrf").expect("login form has a token");
            guessers.push((b, csrf));
        }
        let tasks: Vec<_> = guessers
            .into_iter()
            .map(|(b, csrf)| {
                tokio::spawn(async move {
                    b.post(
                        "/login",
                        &[
                            ("csrf", csrf.as_str()),
                            ("next", "/"),
                            ("username", "target"),
                            ("password", "wrong password!"),
                        ],
                    )
                    .await
                })
            })
            .collect();
        for task in tasks {
            let r = task.await.unwrap();
            assert_ne!(
                r.status, 303,
                "{}: a wrong password never logs in",
                db.backend
            );
        }
        // The audit log says, for each attempt, whether its password was checked.
        let outcomes: Vec<String> = server
            .store
            .audit_entries(1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "login.failure" && e.actor == "target")
            .filter_map(|e| e.after)
            .collect();
        let checked = outcomes
            .iter()
            .filter(|a| a.contains("wrong_password"))
            .count();
        let locked = outcomes.iter().filter(|a| a.contains("locked")).count();
        assert!(
            checked <= 5,
            "{}: {checked} guesses had their password checked",
            db.backend
        );
        assert_eq!(checked + locked, 300, "{}", db.backend);
        let mut owner = server.anonymous();
        let (status, _) = owner.login("target", PASSWORD).await;
        assert_eq!(
            status, 200,
            "{}: the right password is refused while locked",
            db.backend
        );
    }
}

#[tokio::test]
async fn one_address_spraying_guesses_across_accounts_must_wait() {
    let db = databases().await.remove(0);
    let config = jixiao_web::WebConfig {
        login_guard: std::sync::Arc::new(jixiao_web::auth::LoginGuard::with_limit(3)),
        ..Default::default()
    };
    let server = TestServer::start_with(db.store().await, config).await;
    for name in ["spray1", "spray2", "spray3", "spray4"] {
        server.add_user(name, Role::Reporter, "甲一单位").await;
    }
    let mut b = server.anonymous();
    for name in ["spray1", "spray2", "nobody"] {
        let (status, body) = b.login(name, "wrong password!").await;
        assert_eq!(status, 200, "{name}");
        assert!(body.contains("用户名或密码错误"), "{name}");
    }
    // Three failures from this address: even a right password waits, on any account.
    let (status, body) = b.login("spray4", PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("来自您网络地址的登录失败次数过多"));
    // No account was locked by the spray.
    let user = server
        .store
        .user_for_login("spray1")
        .await
        .unwrap()
        .unwrap()
        .0;
    assert!(user.locked_until.is_none());
}

#[tokio::test]
async fn logout_everywhere_ends_every_session() {
    let db = databases().await.remove(0);
    let (server, _, _) = arrange(&db).await;
    server.add_user("jia1", Role::Reporter, "甲一单位").await;
    let mut phone = server.anonymous();
    let mut desk = server.anonymous();
    phone.login("jia1", PASSWORD).await;
    desk.login("jia1", PASSWORD).await;
    let csrf = desk.csrf().await;
    let r = desk.post("/logout/everywhere", &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 303);
    assert_eq!(phone.get("/").await.status, 303);
    assert_eq!(desk.get("/").await.status, 303);
}

/// Every route × role × own/foreign unit. 200 allowed; 404 for what the user may not see
/// (its existence is not revealed); 403 for an action the role may not take.
#[tokio::test]
async fn the_authorisation_matrix_holds() {
    for db in databases().await {
        let (server, ta, tb) = arrange(&db).await;
        let admin = server.login_as("boss", Role::Admin, "市政府").await;
        let reviewer_a = server.login_as("shen_jia", Role::Reviewer, "甲部门").await;
        let reporter_a = server
            .login_as("tian_jia1", Role::Reporter, "甲一单位")
            .await;
        let viewer_b = server.login_as("kan_yi", Role::Viewer, "乙部门").await;
        let reporter_b = server
            .login_as("tian_yi1", Role::Reporter, "乙一单位")
            .await;
        let store = &server.store;
        let ua = store.unit_by_name("甲一单位").await.unwrap().unwrap().id;
        let ub = store.unit_by_name("乙一单位").await.unwrap().unwrap().id;

        // Reads.
        let reads = [
            (format!("/schemes/1/units/{ua}"), [200, 200, 200, 404, 404]),
            (format!("/schemes/1/units/{ub}"), [200, 404, 404, 200, 200]),
            (format!("/tasks/{ta}"), [200, 200, 200, 404, 404]),
            (format!("/tasks/{tb}"), [200, 404, 404, 200, 200]),
            ("/schemes/1".to_string(), [200, 200, 200, 200, 200]),
            ("/".to_string(), [200, 200, 200, 200, 200]),
            ("/account".to_string(), [200, 200, 200, 200, 200]),
        ];
        let who = [&admin, &reviewer_a, &reporter_a, &viewer_b, &reporter_b];
        let names = [
            "admin",
            "reviewer甲",
            "reporter甲一",
            "viewer乙",
            "reporter乙一",
        ];
        for (path, expected) in &reads {
            for ((b, name), want) in who.iter().zip(names).zip(expected) {
                let got = b.get(path).await.status;
                assert_eq!(got, *want, "{}: GET {path} as {name}", db.backend);
            }
        }
        // The scheme page lists only the units in reach.
        let page = reporter_a.get("/schemes/1").await.body;
        assert!(page.contains("甲一单位") && !page.contains("乙一单位"));

        // Writing a report: only reporters (and the admin) of a unit in reach.
        for ((b, name), want) in who.iter().zip(names).zip([303, 403, 303, 404, 404]) {
            let version = store
                .task(ta)
                .await
                .unwrap()
                .unwrap()
                .task
                .report
                .map(|r| r.version.to_string())
                .unwrap_or_default();
            let r = save(b, ta, &format!("{name}写的进度"), &version, "save").await;
            assert_eq!(
                r.status, want,
                "{}: save 甲一 as {name}: {}",
                db.backend, r.body
            );
        }
        let report = store.task(ta).await.unwrap().unwrap().task.report.unwrap();
        assert_eq!(report.text, "reporter甲一写的进度");
        let r = save(&reporter_b, tb, "乙一培训妇女1200人", "", "submit").await;
        assert_eq!(r.status, 303, "{}", r.body);
        let rb = store.task(tb).await.unwrap().unwrap().task.report.unwrap();
        assert_eq!(rb.state, "submitted");

        // Reviewing 乙一's submitted report: only reviewers in reach (and the admin).
        for ((b, name), want) in who.iter().zip(names).zip([303, 404, 404, 403, 403]) {
            if want == 303 {
                continue; // the admin acts last, below
            }
            let csrf = b.csrf().await;
            let r = b
                .post(
                    &format!("/reports/{}/review", rb.id),
                    &[
                        ("csrf", &csrf),
                        ("version", &rb.version.to_string()),
                        ("decision", "approve"),
                    ],
                )
                .await;
            assert_eq!(r.status, want, "{}: review 乙一 as {name}", db.backend);
        }
        let csrf = viewer_b.csrf().await;
        let r = viewer_b
            .post(
                &format!("/reports/{}/review", rb.id),
                &[
                    ("csrf", &csrf),
                    ("version", &rb.version.to_string()),
                    ("decision", "approve"),
                ],
            )
            .await;
        assert_eq!(r.status, 403, "a viewer in reach may not review");
        let csrf = admin.csrf().await;
        let r = admin
            .post(
                &format!("/reports/{}/review", rb.id),
                &[
                    ("csrf", &csrf),
                    ("version", &rb.version.to_string()),
                    ("decision", "approve"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let rb = store.task(tb).await.unwrap().unwrap().task.report.unwrap();
        assert_eq!(rb.state, "approved");
    }
}

#[tokio::test]
async fn a_forged_or_missing_csrf_token_is_refused_and_changes_nothing() {
    let db = databases().await.remove(0);
    let (server, ta, _) = arrange(&db).await;
    let b = server.login_as("jia1", Role::Reporter, "甲一单位").await;
    for token in ["", "forged", &"0".repeat(64)] {
        let r = b
            .post(
                &format!("/tasks/{ta}/report"),
                &[
                    ("csrf", token),
                    ("period", "2023"),
                    ("text", "伪造"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(r.status, 403, "token {token:?}");
    }
    let r = b.post("/logout", &[("csrf", "forged")]).await;
    assert_eq!(r.status, 403);
    assert!(
        server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .reports
            .is_empty()
    );

    // A form posted from another site is refused even with a token.
    let csrf = b.csrf().await;
    let resp = reqwest::Client::new()
        .post(format!("{}/tasks/{ta}/report", server.base))
        .header(
            "cookie",
            format!("jixiao_session={}", b.cookie("jixiao_session").unwrap()),
        )
        .header("origin", "http://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form_body(&[
            ("csrf", &csrf),
            ("period", "2023"),
            ("text", "x"),
            ("action", "save"),
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(
        server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .reports
            .is_empty()
    );

    // The login form needs its own token too.
    let anon = server.anonymous();
    let r = anon
        .post(
            "/login",
            &[("csrf", "x"), ("username", "jia1"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("表单已过期"));
}

#[tokio::test]
async fn a_report_goes_through_return_and_approval() {
    for db in databases().await {
        let (server, ta, _) = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let reviewer = server.login_as("shen", Role::Reviewer, "甲部门").await;

        let page = reporter.get(&format!("/tasks/{ta}")).await.body;
        assert!(page.contains("填报进度") && page.contains("提交审核"));
        let r = save(&reporter, ta, "已培训妇女600人", "", "submit").await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(r.location.unwrap().ends_with("done=submitted"));
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(
            (report.state.as_str(), report.self_score),
            ("submitted", Some(80.0))
        );
        assert_eq!(
            report.status.as_deref(),
            Some("lagging"),
            "600 of 1000 at year end"
        );

        // The reporter cannot change a submitted report.
        let r = save(&reporter, ta, "改动", &report.version.to_string(), "save").await;
        assert_eq!(r.status, 400);

        // Returning needs a reason.
        let page = reviewer.get(&format!("/tasks/{ta}")).await.body;
        assert!(page.contains("审核通过") && page.contains("退回原因"));
        let csrf = reviewer.csrf().await;
        let path = format!("/reports/{}/review", report.id);
        let v = report.version.to_string();
        let r = reviewer
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("decision", "return"),
                    ("reason", " "),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("退回时必须填写原因"));
        let reason = "请补充培训人数的佐证材料 <b>签到表</b>";
        let r = reviewer
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("decision", "return"),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(r.status, 303);

        // The reporter sees the reason (escaped), corrects and resubmits.
        let page = reporter.get(&format!("/tasks/{ta}")).await.body;
        assert!(page.contains("退回原因"), "{}", db.backend);
        assert!(page.contains("请补充培训人数的佐证材料 &#60;b&#62;签到表&#60;/b&#62;"));
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(report.state, "returned");
        let r = save(
            &reporter,
            ta,
            "已培训妇女1050人",
            &report.version.to_string(),
            "submit",
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);

        let report = server
            .store
            .task(ta)
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
                    ("decision", "approve"),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(report.state, "approved");
        assert_eq!(report.status.as_deref(), Some("exceeded"));

        // The table shows the new progress.
        let unit = server
            .store
            .unit_by_name("甲一单位")
            .await
            .unwrap()
            .unwrap();
        let table = reviewer
            .get(&format!("/schemes/1/units/{}", unit.id))
            .await
            .body;
        assert!(table.contains("已培训妇女1050人") && table.contains("超额完成"));

        // Every step is in the audit log, and the chain holds.
        let entries = server.store.audit_entries(100).await.unwrap();
        let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
        let steps: Vec<&str> = actions
            .iter()
            .copied()
            .filter(|a| a.starts_with("report."))
            .collect();
        assert_eq!(
            steps,
            [
                "report.save",
                "report.submit",
                "report.return",
                "report.save",
                "report.submit",
                "report.approve"
            ]
        );
        let check = jixiao(&db.url, &["audit", "verify"]);
        assert!(check.status.success(), "{}", stderr(&check));
        assert!(stdout(&check).contains("哈希链无断裂"));
    }
}

#[tokio::test]
async fn a_stale_save_gets_a_conflict_page_and_loses_nothing() {
    for db in databases().await {
        let (server, ta, _) = arrange(&db).await;
        let first = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let second = server.login_as("jia2", Role::Reporter, "甲一单位").await;
        assert_eq!(
            save(&first, ta, "初稿：已培训300人", "", "save")
                .await
                .status,
            303
        );
        let v1 = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap()
            .version;

        // Both open the draft at version v1; the first saves, then the second.
        let r = save(&first, ta, "甲的修改：已培训400人", &v1.to_string(), "save").await;
        assert_eq!(r.status, 303);
        let r = save(
            &second,
            ta,
            "乙的修改：已培训450人",
            &v1.to_string(),
            "save",
        )
        .await;
        assert_eq!(r.status, 409, "{}", db.backend);
        assert!(r.body.contains("保存冲突"));
        assert!(
            r.body.contains("乙的修改：已培训450人"),
            "the stale text is offered again"
        );
        assert!(
            r.body.contains("甲的修改：已培训400人"),
            "the saved text is shown"
        );
        let stored = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(stored.text, "甲的修改：已培训400人");

        // Saving again from the conflict page (it carries the current version) works.
        let version = input_value(&r.body, "version").unwrap();
        assert_eq!(version, stored.version.to_string());
        let r = save(&second, ta, "乙的修改：已培训450人", &version, "save").await;
        assert_eq!(r.status, 303);
        let stored = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(stored.text, "乙的修改：已培训450人");
    }
}

#[tokio::test]
async fn invalid_report_input_is_shown_again_with_the_error() {
    let db = databases().await.remove(0);
    let (server, ta, _) = arrange(&db).await;
    let b = server.login_as("jia1", Role::Reporter, "甲一单位").await;
    let csrf = b.csrf().await;
    let r = b
        .post(
            &format!("/tasks/{ta}/report"),
            &[
                ("csrf", &csrf),
                ("period", "2023"),
                ("text", "<script>alert(1)</script>已培训"),
                ("self_score", "150"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("自评分须为 0 到 100 之间的数字"));
    assert!(
        r.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;已培训"),
        "typed text kept, escaped"
    );
    assert!(!r.body.contains("<script>alert"));
    assert!(
        server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .reports
            .is_empty()
    );
}

#[tokio::test]
async fn audit_verify_names_the_entry_altered_by_hand() {
    for db in databases().await {
        let (server, ta, _) = arrange(&db).await;
        let b = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        assert_eq!(save(&b, ta, "已培训100人", "", "save").await.status, 303);
        let ok = jixiao(&db.url, &["audit", "verify"]);
        assert!(ok.status.success(), "{}", stderr(&ok));
        let entries = server.store.audit_entries(1000).await.unwrap();
        assert!(entries.len() >= 5);
        let victim = entries[entries.len() / 2].id;

        use sqlx::Connection;
        let url = db.url.clone();
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor = '某人' WHERE id = $1")
            .bind(victim)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();

        let bad = jixiao(&db.url, &["audit", "verify"]);
        assert_eq!(bad.status.code(), Some(1), "{}", db.backend);
        assert!(
            stderr(&bad).contains(&format!("第 {victim} 条")),
            "{}",
            stderr(&bad)
        );
    }
}

#[tokio::test]
async fn a_reviewers_corrected_completion_wins_and_is_kept() {
    for db in databases().await {
        let (server, ta, _) = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let reviewer = server.login_as("shen", Role::Reviewer, "甲部门").await;
        assert_eq!(
            save(&reporter, ta, "已培训妇女300人", "", "save")
                .await
                .status,
            303
        );
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(report.status.as_deref(), Some("seriously_lagging"));
        let path = format!("/reports/{}/verify", report.id);
        let v = report.version.to_string();

        let csrf = reporter.csrf().await;
        let r = reporter
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("completion", "95"),
                    ("reason", "x"),
                ],
            )
            .await;
        assert_eq!(r.status, 403, "a reporter may not verify");

        let csrf = reviewer.csrf().await;
        let r = reviewer
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("completion", "95"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 400, "a reason is required");
        let r = reviewer
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &v),
                    ("completion", "95"),
                    ("reason", "另有950人的签到表"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}: {}", db.backend, r.body);
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(report.verified_completion, Some(0.95));
        assert_eq!(report.status.as_deref(), Some("on_track"), "0.95 ≥ 1 − 0.1");
        assert_eq!(
            report.completion,
            Some(0.3),
            "the reading is kept beside it"
        );

        // The reporter edits the text: the correction stays and still decides the status.
        let r = save(
            &reporter,
            ta,
            "已培训妇女320人",
            &report.version.to_string(),
            "save",
        )
        .await;
        assert_eq!(r.status, 303);
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(report.verified_completion, Some(0.95));
        assert_eq!(report.status.as_deref(), Some("on_track"));
        let unit = server
            .store
            .unit_by_name("甲一单位")
            .await
            .unwrap()
            .unwrap();
        let table = reviewer
            .get(&format!("/schemes/1/units/{}", unit.id))
            .await
            .body;
        assert!(table.contains("95.0%（核定）"), "{}", db.backend);
        let page = reviewer.get(&format!("/tasks/{ta}")).await.body;
        assert!(page.contains("审核核定完成率：95.0%") && page.contains("另有950人的签到表"));

        // Clearing it returns to the reading.
        let csrf = reviewer.csrf().await;
        let r = reviewer
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &report.version.to_string()),
                    ("completion", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 303);
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(report.verified_completion, None);
        assert_eq!(report.status.as_deref(), Some("seriously_lagging"));
    }
}

#[tokio::test]
async fn evidence_is_uploaded_checked_and_served_only_within_reach() {
    for db in databases().await {
        let (server, ta, _) = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let reviewer = server.login_as("shen", Role::Reviewer, "甲部门").await;
        let foreign = server.login_as("yi1", Role::Reporter, "乙一单位").await;
        let foreign_viewer = server.login_as("kan", Role::Viewer, "乙部门").await;
        assert_eq!(
            save(&reporter, ta, "已培训妇女500人", "", "save")
                .await
                .status,
            303
        );
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        let path = format!("/reports/{}/attachments", report.id);
        let pdf = b"%PDF-1.7\n% jixiao test\n".repeat(100);

        let csrf = reporter.csrf().await;
        let r = reporter
            .post_file(&path, &[("csrf", "forged")], "a.pdf", &pdf)
            .await;
        assert_eq!(r.status, 403, "CSRF applies to uploads");
        let r = reporter
            .post_file(&path, &[("csrf", &csrf)], "run.pdf", b"MZ\x90\x00binary")
            .await;
        assert_eq!(r.status, 400);
        assert!(r.body.contains("不是允许的文件类型"));
        let big = vec![b'x'; 11 * 1024 * 1024];
        let r = reporter
            .post_file(&path, &[("csrf", &csrf)], "big.txt", &big)
            .await;
        assert!(
            r.status == 400 || r.status == 413,
            "too large: {}",
            r.status
        );
        let r = foreign
            .post_file(&path, &[("csrf", &foreign.csrf().await)], "a.pdf", &pdf)
            .await;
        assert_eq!(
            r.status, 404,
            "another unit's report does not exist for them"
        );
        assert!(
            server
                .store
                .attachments(report.id)
                .await
                .unwrap()
                .is_empty()
        );

        let r = reporter
            .post_file(&path, &[("csrf", &csrf)], "培训签到表.pdf", &pdf)
            .await;
        assert_eq!(r.status, 303, "{}: {}", db.backend, r.body);
        let list = server.store.attachments(report.id).await.unwrap();
        assert_eq!(list.len(), 1);
        let att = &list[0];
        assert_eq!(
            (att.file_name.as_str(), att.size),
            ("培训签到表.pdf", pdf.len() as i64)
        );
        let page = reporter.get(&format!("/tasks/{ta}")).await.body;
        assert!(
            page.contains(&format!("/attachments/{}", att.id)) && page.contains("培训签到表.pdf")
        );

        let download = format!("/attachments/{}", att.id);
        let (status, headers, bytes) = reviewer.get_bytes(&download).await;
        assert_eq!(status, 200);
        assert_eq!(bytes, pdf, "{}: the bytes come back whole", db.backend);
        assert_eq!(headers["content-type"], "application/pdf");
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert_eq!(reporter.get_bytes(&download).await.0, 200);
        assert_eq!(foreign.get_bytes(&download).await.0, 404);
        assert_eq!(foreign_viewer.get_bytes(&download).await.0, 404);
        assert_eq!(server.anonymous().get_bytes(&download).await.0, 303);

        // Once submitted, evidence can no longer be changed.
        let r = save(
            &reporter,
            ta,
            "已培训妇女500人",
            &report.version.to_string(),
            "submit",
        )
        .await;
        assert_eq!(r.status, 303);
        let r = reporter
            .post_file(&path, &[("csrf", &csrf)], "b.pdf", &pdf)
            .await;
        assert_eq!(r.status, 400);
        let r = reporter
            .post(
                &format!("/attachments/{}/delete", att.id),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, 400);
        assert_eq!(server.store.attachments(report.id).await.unwrap().len(), 1);
    }
}

/// Logins, failed logins and logouts are security events in the audit log, with the account,
/// the source address and the outcome.
#[tokio::test]
async fn logins_and_logouts_are_audited_with_their_source_and_outcome() {
    let db = databases().await.remove(0);
    let (server, _, _) = arrange(&db).await;
    server.add_user("jia1", Role::Reporter, "甲一单位").await;
    let mut b = server.anonymous();
    b.login("jia1", "wrong password!").await;
    b.login("nobody", "wrong password!").await;
    let (status, _) = b.login("jia1", PASSWORD).await;
    assert_eq!(status, 303);
    let csrf = b.csrf().await;
    assert_eq!(b.post("/logout", &[("csrf", &csrf)]).await.status, 303);
    let entries = server.store.audit_entries(50).await.unwrap();
    let find = |action: &str, outcome: &str| {
        entries
            .iter()
            .any(|e| e.action == action && e.after.as_deref().is_some_and(|a| a.contains(outcome)))
    };
    assert!(find("login.failure", "wrong_password"));
    assert!(find("login.failure", "unknown_or_inactive"));
    assert!(find("login.success", "127.0.0.1"));
    assert!(find("logout", "ok"));
    assert!(
        server
            .store
            .verify_audit()
            .await
            .unwrap()
            .first_broken
            .is_none()
    );
}

/// An account keeps at most ten sessions: the eleventh login ends the oldest.
#[tokio::test]
async fn the_eleventh_login_ends_the_oldest_session() {
    let db = databases().await.remove(0);
    let (server, _, _) = arrange(&db).await;
    server.add_user("jia1", Role::Reporter, "甲一单位").await;
    let mut browsers = Vec::new();
    for _ in 0..11 {
        let mut b = server.anonymous();
        let (status, _) = b.login("jia1", PASSWORD).await;
        assert_eq!(status, 303);
        browsers.push(b);
    }
    assert_eq!(
        browsers[0].get("/").await.status,
        303,
        "the oldest session ended"
    );
    for b in &browsers[1..] {
        assert_eq!(b.get("/").await.status, 200, "the ten newest still work");
    }
}

/// A session unused for longer than the idle timeout has ended; one in use goes on.
#[tokio::test]
async fn an_idle_session_ends_after_the_idle_timeout() {
    for db in databases().await {
        let config = jixiao_web::WebConfig {
            session_idle: std::time::Duration::from_secs(30 * 60),
            ..Default::default()
        };
        let (server, _, _) = arrange(&db).await;
        let server = TestServer::start_with(server.store.clone(), config).await;
        server.add_user("jia1", Role::Reporter, "甲一单位").await;
        let mut idle = server.anonymous();
        assert_eq!(idle.login("jia1", PASSWORD).await.0, 303);
        let mut busy = server.anonymous();
        assert_eq!(busy.login("jia1", PASSWORD).await.0, 303);
        assert_eq!(idle.get("/").await.status, 200, "{}", db.backend);
        // The first browser's session was last seen 31 minutes ago.
        let hash = jixiao_app::secrets::token_hash(&idle.cookie("jixiao_session").unwrap());
        let then = (chrono::Utc::now() - chrono::Duration::minutes(31))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut conn = raw_connection(&db.url).await;
        sqlx::query("UPDATE sessions SET seen_at = $1 WHERE id = $2")
            .bind(&then)
            .bind(&hash)
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(
            idle.get("/").await.status,
            303,
            "{}: idle too long",
            db.backend
        );
        assert_eq!(busy.get("/").await.status, 200, "{}: in use", db.backend);
    }
}

/// A flood of concurrent failed logins from one address is refused (429) once its budget is
/// spent, not after every attempt has been checked; behind a trusted reverse proxy each
/// client is its own address (X-Forwarded-For), so another client still logs in. From an
/// untrusted peer the header changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_login_flood_from_one_address_is_refused_while_another_logs_in() {
    let db = databases().await.remove(0);
    let config = jixiao_web::WebConfig {
        login_guard: std::sync::Arc::new(jixiao_web::auth::LoginGuard::with_limit(20)),
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        connections: jixiao_web::ConnectionLimits {
            per_address: 10_000,
            ..Default::default()
        },
        ..Default::default()
    };
    let (server, _, _) = arrange(&db).await;
    let server = TestServer::start_with(server.store.clone(), config).await;
    server.add_user("jia1", Role::Reporter, "甲一单位").await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // A login form's CSRF pair, for any client: cookie and field.
    let form = client
        .get(format!("{}/login", server.base))
        .send()
        .await
        .unwrap();
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("jixiao_login_csrf="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap();
    let csrf = cookie.split('=').nth(1).unwrap().to_string();
    let attempt = |from: &'static str, password: &'static str| {
        let (client, base, cookie, csrf) = (
            client.clone(),
            server.base.clone(),
            cookie.clone(),
            csrf.clone(),
        );
        async move {
            client
                .post(format!("{base}/login"))
                .header("cookie", cookie)
                .header("x-forwarded-for", from)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form_body(&[
                    ("csrf", csrf.as_str()),
                    ("next", "/"),
                    ("username", "nobody"),
                    ("password", password),
                ]))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let flood: Vec<_> = (0..200)
        .map(|_| tokio::spawn(attempt("10.0.0.1", "wrong password!")))
        .collect();
    let mut refused = 0;
    for f in flood {
        if f.await.unwrap() == 429 {
            refused += 1;
        }
    }
    assert!(refused >= 180, "only {refused} of 200 were refused");
    // Another client behind the same proxy is not held up by the flood.
    assert_eq!(attempt("10.0.0.2", "wrong password!").await, 200);
    // The flooding address stays refused.
    assert_eq!(attempt("10.0.0.1", "wrong password!").await, 429);
}

#[tokio::test]
async fn an_error_says_what_went_wrong_keeps_the_header_and_leads_back() {
    for db in databases().await {
        let (server, ta, _) = arrange(&db).await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let reviewer = server.login_as("shen", Role::Reviewer, "甲部门").await;
        let r = save(&reporter, ta, "已培训妇女600人", "", "submit").await;
        assert_eq!(r.status, 303, "{}", r.body);
        let report = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();

        // Returning without a reason: the task page again, the message in the decision bar,
        // the report still there to read; nothing is decided.
        let csrf = reviewer.csrf().await;
        let r = reviewer
            .post(
                &format!("/reports/{}/review", report.id),
                &[
                    ("csrf", &csrf),
                    ("version", &report.version.to_string()),
                    ("decision", "return"),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", db.backend);
        assert!(r.body.contains("id=\"review-error\"") && r.body.contains("退回时必须填写原因"));
        assert!(r.body.contains("已培训妇女"), "the report is on the page");
        assert!(r.body.contains("shen的名字") && r.body.contains("退出"));
        let still = server
            .store
            .task(ta)
            .await
            .unwrap()
            .unwrap()
            .task
            .report
            .unwrap();
        assert_eq!(still.state, "submitted");

        // A 403 from a link: says it is not allowed, with the logged-in header and the way
        // back to the page the link was on.
        let from = format!("{}/tasks/{ta}?period=2023", server.base);
        let r = reporter.get_with("/admin", &[("referer", &from)]).await;
        assert_eq!(r.status, 403);
        assert!(r.body.contains("<h1>无权操作</h1>"), "{}", r.body);
        assert!(
            r.body.contains("jia1的名字") && r.body.contains("退出"),
            "logged-in header"
        );
        assert!(
            r.body
                .contains(&format!("href=\"/tasks/{ta}?period=2023\"")),
            "way back"
        );
        // Another site as the referrer, or a control character in it: no link back.
        let tab = format!("{}/\t/evil.example", server.base);
        for evil in ["http://evil.example/tasks/1", tab.as_str()] {
            let r = reporter.get_with("/admin", &[("referer", evil)]).await;
            assert_eq!(r.status, 403);
            assert!(!r.body.contains("evil.example") && !r.body.contains("返回上一页"));
        }
        // The page follows the locale.
        let r = reporter
            .get_with("/tasks/999999", &[("accept-language", "en")])
            .await;
        assert_eq!(r.status, 404);
        assert!(
            r.body.contains("<h1>Not found</h1>") && r.body.contains("Log out"),
            "{}",
            r.body
        );
    }
}
