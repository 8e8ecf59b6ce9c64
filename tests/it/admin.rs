//! Running the system (三员分立): the 系统管理员 keeps units and accounts, the 安全管理员 roles and
//! locks, the 审计管理员 the audit log; the office (考核办) imports through its upload page.

use jixiao_domain::Role;

use crate::support::*;

fn shown_password(html: &str) -> String {
    let at = html
        .find("只显示这一次）：")
        .expect("a password is shown once")
        + "只显示这一次）：".len();
    html[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[tokio::test]
async fn the_system_administrator_manages_units_and_accounts_and_nobody_else_can() {
    for db in databases().await {
        let server = TestServer::start(db.store().await).await;
        let admin = server.login_as("boss", Role::SystemAdmin, "市政府").await;
        let office = server.login_as("office", Role::Admin, "市政府").await;
        let viewer = server.login_as("kan", Role::Viewer, "市政府").await;
        assert_eq!(admin.get("/admin").await.status, 200);
        for path in ["/admin", "/admin/audit"] {
            assert_eq!(viewer.get(path).await.status, 403, "{path} as a viewer");
            assert_eq!(office.get(path).await.status, 403, "{path} as 考核办");
        }
        let csrf_v = viewer.csrf().await;
        let r = viewer
            .post("/admin/units", &[("csrf", &csrf_v), ("name", "黑客单位")])
            .await;
        assert_eq!(r.status, 403);

        let csrf = admin.csrf().await;
        let root = server.store.unit_by_name("市政府").await.unwrap().unwrap();
        let r = admin
            .post(
                "/admin/unit-types",
                &[("csrf", &csrf), ("name", "政府部门")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = admin
            .post(
                "/admin/units",
                &[
                    ("csrf", &csrf),
                    ("name", "市教育局"),
                    ("parent", &root.id.to_string()),
                    ("kind", "政府部门"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let edu = server
            .store
            .unit_by_name("市教育局")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (edu.parent_id, edu.kind.as_str()),
            (Some(root.id), "政府部门")
        );

        let r = admin
            .post(
                "/admin/users",
                &[
                    ("csrf", &csrf),
                    ("username", "Jiaoyu.Tian"),
                    ("display_name", "教育局填报员"),
                    ("role", "reporter"),
                    ("unit", &edu.id.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "{}", db.backend);
        let password = shown_password(&r.body);
        assert_eq!(password.len(), 14);
        let mut b = server.anonymous();
        assert_eq!(
            b.login("jiaoyu.tian", &password).await.0,
            303,
            "the new account logs in"
        );
        assert_eq!(b.get("/account").await.status, 200);

        let dup = admin
            .post(
                "/admin/users",
                &[
                    ("csrf", &csrf),
                    ("username", "jiaoyu.tian"),
                    ("role", "viewer"),
                    ("unit", &edu.id.to_string()),
                ],
            )
            .await;
        assert_eq!(dup.status, 400);
        assert!(dup.body.contains("已被使用"));

        // Deactivating ends the sessions and blocks logins; resetting gives a new password.
        let user = server
            .store
            .user_for_login("jiaoyu.tian")
            .await
            .unwrap()
            .unwrap()
            .0;
        let r = admin
            .post(
                &format!("/admin/users/{}", user.id),
                &[("csrf", &csrf), ("action", "deactivate")],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(b.get("/account").await.status, 303, "its session ended");
        let mut again = server.anonymous();
        assert_eq!(
            again.login("jiaoyu.tian", &password).await.0,
            200,
            "refused while deactivated"
        );
        admin
            .post(
                &format!("/admin/users/{}", user.id),
                &[("csrf", &csrf), ("action", "activate")],
            )
            .await;
        let r = admin
            .post(
                &format!("/admin/users/{}", user.id),
                &[("csrf", &csrf), ("action", "reset")],
            )
            .await;
        assert_eq!(r.status, 200);
        let fresh = shown_password(&r.body);
        assert_ne!(fresh, password);
        assert_eq!(
            again.login("jiaoyu.tian", &password).await.0,
            200,
            "old password gone"
        );
        assert_eq!(again.login("jiaoyu.tian", &fresh).await.0, 303);

        let me = server
            .store
            .user_for_login("boss")
            .await
            .unwrap()
            .unwrap()
            .0;
        let r = admin
            .post(
                &format!("/admin/users/{}", me.id),
                &[("csrf", &csrf), ("action", "deactivate")],
            )
            .await;
        assert_eq!(
            r.status, 403,
            "an administrator's account is not changed on the web"
        );
        assert!(r.body.contains("管理员账户不能在网页上修改"), "{}", r.body);

        let auditor = server.login_as("shenji", Role::Auditor, "市政府").await;
        let audit = auditor.get("/admin/audit").await.body;
        for action in [
            "user.create",
            "unit.create",
            "user.deactivate",
            "user.password",
        ] {
            assert!(audit.contains(action), "{action} in the audit page");
        }
        let check = jixiao(&db.url, &["audit", "verify"]);
        assert!(check.status.success(), "{}", stderr(&check));
    }
}

/// A form with the session's CSRF token.
async fn send(b: &Browser, path: &str, fields: &[(&str, String)]) -> Page {
    let csrf = b.csrf().await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    b.post(path, &form).await
}

#[tokio::test]
async fn the_three_administrators_each_do_their_own_duty_and_none_anothers() {
    for db in databases().await {
        let on = db.backend;
        let server = TestServer::start(db.store().await).await;
        let sys = server.login_as("xitong", Role::SystemAdmin, "市政府").await;
        let sec = server
            .login_as("anquan", Role::SecurityAdmin, "市政府")
            .await;
        let aud = server.login_as("shenji", Role::Auditor, "市政府").await;
        let office = server.login_as("kaohe", Role::Admin, "市政府").await;
        let staff = server.add_user("xiaoli", Role::Reporter, "甲一单位").await;
        let mut xiaoli = server.anonymous();
        assert_eq!(xiaoli.login("xiaoli", PASSWORD).await.0, 303);
        let id_of = async |name: &str| {
            server
                .store
                .user_for_login(name)
                .await
                .unwrap()
                .unwrap()
                .0
                .id
        };
        let (sys_id, aud_id) = (id_of("xitong").await, id_of("shenji").await);
        let act = |id: i64, action: &'static str| {
            (
                format!("/admin/users/{id}"),
                vec![
                    ("action", action.to_string()),
                    ("role", "viewer".to_string()),
                ],
            )
        };

        // Each one's page, and the header's link to it.
        assert!(sys.get("/").await.body.contains("href=\"/admin\""));
        assert!(aud.get("/").await.body.contains("href=\"/admin/audit\""));
        assert!(
            office
                .get("/")
                .await
                .body
                .contains("href=\"/admin/import\"")
        );
        assert_eq!(sec.get("/admin").await.status, 200);
        assert_eq!(aud.get("/admin").await.status, 403, "{on}");
        for b in [&sys, &sec, &office] {
            assert_eq!(b.get("/admin/audit").await.status, 403, "{on}");
        }
        for b in [&sys, &sec, &aud] {
            assert_eq!(b.get("/admin/import").await.status, 403, "{on}");
        }

        // The 系统管理员 makes accounts of the appraisal's roles only, and never touches an
        // administrator's account: it could otherwise reset the auditor's password and read
        // the log itself.
        let unit = server
            .store
            .unit_by_name("市政府")
            .await
            .unwrap()
            .unwrap()
            .id;
        let make = |role: &'static str| {
            (
                "/admin/users".to_string(),
                vec![
                    ("username", format!("new_{role}")),
                    ("role", role.to_string()),
                    ("unit", unit.to_string()),
                ],
            )
        };
        let (path, fields) = make("auditor");
        let r = send(&sys, &path, &fields).await;
        assert_eq!(r.status, 400, "{on}");
        assert!(
            r.body.contains("三类管理员账户只能在服务器命令行创建"),
            "{}",
            r.body
        );
        let (path, fields) = make("reviewer");
        assert_eq!(send(&sys, &path, &fields).await.status, 200);
        let (path, fields) = act(aud_id, "reset");
        let r = send(&sys, &path, &fields).await;
        assert_eq!(
            r.status, 403,
            "the auditor's password is not the sysadmin's to reset"
        );
        assert!(r.body.contains("管理员账户不能在网页上修改"), "{}", r.body);
        for action in ["role", "unlock"] {
            let (path, fields) = act(staff, action);
            assert_eq!(
                send(&sys, &path, &fields).await.status,
                403,
                "{action} is security's"
            );
        }

        // The 安全管理员 gives roles and lifts locks, and makes no account or unit.
        let (path, fields) = act(staff, "role");
        let r = send(&sec, &path, &fields).await;
        assert_eq!(r.status, 200, "{on}: {}", r.body);
        assert!(
            r.body
                .contains("已将账户 xiaoli 的角色设为「领导（查看）」"),
            "{}",
            r.body
        );
        let user = server.store.user(staff).await.unwrap().unwrap();
        assert_eq!(user.role(), Role::Viewer);
        assert_eq!(
            xiaoli.get("/todo").await.status,
            303,
            "the old role's session ended"
        );
        let (path, fields) = act(sys_id, "role");
        assert_eq!(
            send(&sec, &path, &fields).await.status,
            403,
            "not on an administrator"
        );
        for action in ["reset", "deactivate"] {
            let (path, fields) = act(staff, action);
            assert_eq!(
                send(&sec, &path, &fields).await.status,
                403,
                "{action} is the sysadmin's"
            );
        }
        let (path, fields) = make("viewer");
        assert_eq!(send(&sec, &path, &fields).await.status, 403);
        let r = send(&sec, "/admin/units", &[("name", "私设单位".to_string())]).await;
        assert_eq!(r.status, 403);
        for _ in 0..5 {
            let mut guess = server.anonymous();
            guess.login("xiaoli", "wrong password 1").await;
        }
        let mut back = server.anonymous();
        assert_ne!(back.login("xiaoli", PASSWORD).await.0, 303, "locked");
        assert!(sec.get("/admin").await.body.contains("value=\"unlock\""));
        let (path, fields) = act(staff, "unlock");
        let r = send(&sec, &path, &fields).await;
        assert!(
            r.body.contains("已解除账户 xiaoli 的登录锁定"),
            "{}",
            r.body
        );
        assert_eq!(back.login("xiaoli", PASSWORD).await.0, 303, "unlocked");

        // The 审计管理员 reads all of it, and the office none of the system's pages.
        let log = aud.get("/admin/audit").await.body;
        for code in ["user.role", "user.unlock", "user.create"] {
            assert!(log.contains(code), "{code} in the log");
        }
        assert_eq!(office.get("/admin").await.status, 403);
        // Nobody else learns which account ids exist: an unknown id and a known one alike.
        for id in [staff, 999_999] {
            let (path, fields) = act(id, "reset");
            assert_eq!(send(&office, &path, &fields).await.status, 403, "id {id}");
            assert_eq!(send(&aud, &path, &fields).await.status, 403, "id {id}");
        }
        let out = jixiao(&db.url, &["audit", "verify"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

#[tokio::test]
async fn the_upload_page_previews_with_locations_and_imports_on_confirmation() {
    for db in databases().await {
        let server = TestServer::start(db.store().await).await;
        let admin = server.login_as("boss", Role::Admin, "市政府").await;
        let other_admin = server.login_as("boss2", Role::Admin, "市政府").await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        assert_eq!(admin.get("/admin/import").await.status, 200);
        assert_eq!(reporter.get("/admin/import").await.status, 403);

        let csrf = admin.csrf().await;
        let seed = std::fs::read(fixture("seed.docx")).unwrap();
        let bad = std::fs::read_to_string(fixture("seed.txt"))
            .unwrap()
            .replacen("30分", "abc", 1);
        let r = admin
            .post_file(
                "/admin/import",
                &[("csrf", &csrf)],
                "坏表.txt",
                bad.as_bytes(),
            )
            .await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("坏表.txt 第17行「分值权重」列"),
            "{}",
            r.body
        );
        assert_eq!(
            db.counts().await,
            (0, 0),
            "{}: a failed preview writes nothing",
            db.backend
        );

        let r = admin
            .post_file(
                "/admin/import",
                &[("csrf", &csrf), ("unit", "市妇女儿童中心")],
                "seed.docx",
                &seed,
            )
            .await;
        assert_eq!(r.status, 200, "{}", db.backend);
        assert!(r.body.contains("将要导入") && r.body.contains("市妇女儿童中心"));
        assert_eq!(
            r.body.matches("<td class=\"num\">").count(),
            15,
            "15 rows previewed"
        );
        assert_eq!(db.counts().await, (0, 0), "a preview writes nothing");
        let token = input_value(&r.body, "token").unwrap();

        // Another admin cannot confirm this upload.
        let csrf2 = other_admin.csrf().await;
        let r2 = other_admin
            .post(
                "/admin/import/confirm",
                &[("csrf", &csrf2), ("token", &token)],
            )
            .await;
        assert_eq!(r2.status, 400);
        // …which consumed nothing of the first admin's.
        let r = admin
            .post(
                "/admin/import/confirm",
                &[("csrf", &csrf), ("token", &token)],
            )
            .await;
        assert_eq!(r.status, 303, "{}: {}", db.backend, r.body);
        assert_eq!(db.counts().await, (1, 15));
        let table = admin.get(r.location.as_deref().unwrap()).await;
        assert_eq!(table.status, 200);
        assert!(table.body.contains("严重滞后"), "readings stored on import");
        assert!(table.body.contains("已导入 15 项任务"), "said on arrival");
        assert!(
            table.body.contains("<option value=\"2022\" selected>"),
            "the period imported is the one shown"
        );

        // Again: the preview says what it would replace; confirming needs the box ticked.
        let r = admin
            .post_file(
                "/admin/import",
                &[("csrf", &csrf), ("unit", "市妇女儿童中心")],
                "seed.docx",
                &seed,
            )
            .await;
        assert!(r.body.contains("已有任务，数量： 15"), "{}", r.body);
        let token = input_value(&r.body, "token").unwrap();
        let r = admin
            .post(
                "/admin/import/confirm",
                &[("csrf", &csrf), ("token", &token)],
            )
            .await;
        assert_eq!(r.status, 422);
        // The page speaks of the box to tick, never of a command-line flag, and keeps the
        // file: the same preview, with the same token, confirms with the box ticked.
        assert!(r.body.contains("勾选“替换”"), "{}", r.body);
        assert!(!r.body.contains("--replace"), "{}", r.body);
        assert_eq!(db.counts().await, (1, 15));
        assert_eq!(
            input_value(&r.body, "token").as_deref(),
            Some(token.as_str())
        );
        assert!(r.body.contains("name=\"replace\""), "the box to tick");
        let r = admin
            .post(
                "/admin/import/confirm",
                &[("csrf", &csrf), ("token", &token), ("replace", "1")],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(db.counts().await, (1, 15), "replaced, not added");
    }
}

/// Moving a unit changes who reaches it: the move is audited, and a move under its own subtree
/// (which would make the tree a cycle, 2→3→2) is refused with a reason.
#[tokio::test]
async fn a_unit_moves_under_another_with_an_audit_entry_but_never_under_itself() {
    for db in databases().await {
        let store = db.store().await;
        let cli = jixiao_store::Actor::cli();
        let top = store.ensure_unit(&cli, "县政府", None).await.unwrap();
        let dept = store
            .ensure_unit(&cli, "县民政局", Some(top))
            .await
            .unwrap();
        let office = store
            .ensure_unit(&cli, "县民政局办公室", Some(dept))
            .await
            .unwrap();
        let err = store
            .ensure_unit(&cli, "县民政局", Some(office))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("下级单位"),
            "{}: {err}",
            db.backend
        );
        let own = store.ensure_unit(&cli, "县民政局", Some(dept)).await;
        assert!(own.is_err(), "{}: a unit is not its own parent", db.backend);
        let same = store.ensure_unit(&cli, "县民政局", Some(top)).await;
        assert!(
            same.is_ok(),
            "{}: the same parent again is no move",
            db.backend
        );
        let other = store
            .ensure_unit(&cli, "县财政局", Some(top))
            .await
            .unwrap();
        store
            .ensure_unit(&cli, "县民政局办公室", Some(other))
            .await
            .unwrap();
        let moves: Vec<_> = store
            .audit_entries(100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "unit.move")
            .collect();
        assert_eq!(moves.len(), 1, "{}", db.backend);
        assert_eq!(moves[0].entity_id, Some(office));
        assert!(
            moves[0]
                .before
                .as_deref()
                .unwrap()
                .contains(&dept.to_string())
        );
    }
}

#[tokio::test]
async fn the_upgrade_that_adds_the_three_administrators_keeps_every_account_and_what_points_at_it()
{
    use sqlx::Connection;
    // A database as the last release left it: every migration before 0024, with accounts, a
    // session and a report that point at them.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    sqlx::any::install_default_drivers();
    let mut before = sqlx::migrate!("crates/jixiao-store/migrations/sqlite");
    let earlier: Vec<_> = before
        .migrations
        .iter()
        .filter(|m| m.version < 24)
        .cloned()
        .collect();
    assert!(earlier.len() < before.migrations.len(), "0024 exists");
    before.migrations = std::borrow::Cow::Owned(earlier);
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "PRAGMA foreign_keys = ON; \
         PRAGMA journal_mode = WAL;",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    before.run(&mut conn).await.unwrap();
    sqlx::raw_sql(
        "INSERT INTO units (id, name, created_at) VALUES (1, '市政府', '2026-01-01T00:00:00.000Z'); \
         INSERT INTO users (id, username, display_name, password_hash, role, unit_id, created_at, email) \
           VALUES (7, 'boss', '考核办', 'x', 'admin', 1, '2026-01-01T00:00:00.000Z', 'boss@zz.gov.cn'), \
                  (9, 'jia1', '填报员', 'y', 'reporter', 1, '2026-01-01T00:00:00.000Z', NULL); \
         INSERT INTO sessions (id, user_id, csrf, created_at, expires_at, seen_at) \
           VALUES ('s1', 9, 'c', '2026-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z', '');",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    // The release with 三员分立 opens it: the accounts table is rebuilt with the new roles.
    let store = jixiao_store::Store::connect(&url).await.unwrap();
    let users = store.users().await.unwrap();
    let kept: Vec<(i64, &str, &str)> = users
        .iter()
        .map(|u| (u.id, u.username.as_str(), u.role.as_str()))
        .collect();
    assert_eq!(kept, [(7, "boss", "admin"), (9, "jia1", "reporter")]);
    assert_eq!(
        store.user_email(7).await.unwrap().as_deref(),
        Some("boss@zz.gov.cn")
    );
    let mut conn = raw_connection(&url).await;
    let sessions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'jia1'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(sessions, 1, "the rebuild cascaded nothing away");
    let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    // The new roles are accepted, a made-up one still refused, and ids go on from the last.
    let id = TestServer::start(store.clone())
        .await
        .add_user("xitong", Role::SystemAdmin, "市政府")
        .await;
    assert_eq!(id, 10);
    let bad = sqlx::query("UPDATE users SET role = 'root' WHERE id = 9")
        .execute(&mut conn)
        .await;
    assert!(bad.is_err(), "the CHECK constraint still holds");
}

#[tokio::test]
async fn unit_types_are_a_list_the_system_administrator_keeps_and_a_unit_takes_its_type_from_it() {
    for db in databases().await {
        let server = TestServer::start(db.store().await).await;
        let admin = server.login_as("boss", Role::SystemAdmin, "市政府").await;
        let csrf = admin.csrf().await;
        let add_type = |name: &'static str| {
            let (admin, csrf) = (&admin, csrf.clone());
            async move {
                admin
                    .post("/admin/unit-types", &[("csrf", &csrf), ("name", name)])
                    .await
            }
        };
        assert_eq!(add_type("党群部门").await.status, 303, "{}", db.backend);
        assert_eq!(add_type("事业单位").await.status, 303);
        // The same name again, or none: the office's page again, saying which.
        let r = add_type(" 党群部门 ").await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("单位类型「党群部门」已在列表中"),
            "{}",
            r.body
        );
        let r = add_type("   ").await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("单位类型名称不能为空"));

        // Adding a unit: its type is chosen from the list.
        let page = admin.get("/admin").await.body;
        assert!(page.contains("<select id=\"unit_kind\" name=\"kind\">"));
        assert!(page.contains("<option value=\"党群部门\">党群部门</option>"));
        let unit = |name: &'static str, kind: &'static str| {
            let (admin, csrf) = (&admin, csrf.clone());
            async move {
                admin
                    .post(
                        "/admin/units",
                        &[("csrf", &csrf), ("name", name), ("kind", kind)],
                    )
                    .await
            }
        };
        assert_eq!(unit("市妇联", "党群部门").await.status, 303);
        // A type not in the list (a typo in a forged form) is refused by name; no unit appears.
        let r = unit("市总工会", "党群部们").await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("单位类型「党群部们」不在单位类型列表中"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains("value=\"市总工会\""),
            "the name typed is kept"
        );
        assert!(
            server
                .store
                .unit_by_name("市总工会")
                .await
                .unwrap()
                .is_none()
        );
        let by = jixiao_store::Actor::cli();
        let id = server
            .store
            .unit_by_name("市妇联")
            .await
            .unwrap()
            .unwrap()
            .id;
        assert!(
            server
                .store
                .set_unit_kind(&by, id, "党群部们")
                .await
                .is_err()
        );

        // Renaming a type renames it for its units; a type in use is not removed.
        let types = server.store.unit_types().await.unwrap();
        let party = types.iter().find(|k| k.name == "党群部门").unwrap();
        assert_eq!(party.units, 1);
        let path = format!("/admin/unit-types/{}", party.id);
        let r = admin
            .post(
                &path,
                &[("csrf", &csrf), ("action", "rename"), ("name", "党群机关")],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let fulian = server.store.unit_by_name("市妇联").await.unwrap().unwrap();
        assert_eq!(fulian.kind, "党群机关");
        let r = admin
            .post(&path, &[("csrf", &csrf), ("action", "remove")])
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("还有 1 个单位在用，不能删除"), "{}", r.body);
        let unused = types.iter().find(|k| k.name == "事业单位").unwrap();
        let r = admin
            .post(
                &format!("/admin/unit-types/{}", unused.id),
                &[("csrf", &csrf), ("action", "remove")],
            )
            .await;
        assert_eq!(r.status, 303);
        let names: Vec<String> = server
            .store
            .unit_types()
            .await
            .unwrap()
            .into_iter()
            .map(|k| k.name)
            .collect();
        assert_eq!(names, ["党群机关"]);
        let auditor = server.login_as("shenji", Role::Auditor, "市政府").await;
        let audit = auditor.get("/admin/audit").await.body;
        assert!(audit.contains("单位类型改名") && audit.contains("删除单位类型"));
    }
}

#[tokio::test]
async fn the_types_units_already_have_become_the_list_and_the_demo_brings_its_own() {
    use sqlx::Connection;
    for db in databases().await {
        let store = db.store().await;
        let by = jixiao_store::Actor::cli();
        let a = store.ensure_unit(&by, "甲", None).await.unwrap();
        let b = store.ensure_unit(&by, "乙", None).await.unwrap();
        store.ensure_unit(&by, "丙", None).await.unwrap();
        store.close().await;
        // A database from before the list: the migration's statements run again on units that
        // carry their types as free text.
        let mut raw = raw_connection(&db.url).await;
        sqlx::raw_sql("DROP TABLE unit_types; DROP INDEX units_by_kind")
            .execute(&mut raw)
            .await
            .unwrap();
        for (id, kind) in [(a, "区县"), (b, "区县")] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE units SET kind = '{kind}' WHERE id = {id}"
            )))
            .execute(&mut raw)
            .await
            .unwrap();
        }
        let dir = if db.backend == "sqlite" {
            "sqlite"
        } else {
            "postgres"
        };
        let migration = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("crates/jixiao-store/migrations")
                .join(dir)
                .join("0023_unit_types.sql"),
        )
        .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(migration))
            .execute(&mut raw)
            .await
            .unwrap();
        raw.close().await.unwrap();
        let store = db.store().await;
        let types = store.unit_types().await.unwrap();
        assert_eq!(
            types
                .iter()
                .map(|k| (k.name.as_str(), k.units))
                .collect::<Vec<_>>(),
            [("区县", 2)],
            "{}",
            db.backend
        );
        store.close().await;
    }
    for db in databases().await {
        let out = jixiao(
            &db.url,
            &[
                "demo",
                "--units",
                "20",
                "--tasks-per-unit",
                "2",
                "--periods",
                "1",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let store = db.store().await;
        let types = store.unit_types().await.unwrap();
        assert!(
            types.iter().any(|k| k.name == "党群部门" && k.units > 0),
            "{}: {types:?}",
            db.backend
        );
        let units = store.units().await.unwrap();
        assert!(
            units
                .iter()
                .all(|u| u.kind.is_empty() || types.iter().any(|k| k.name == u.kind)),
            "every unit's type is in the list"
        );
    }
}
