//! The audit log proves itself against someone who can write the database but holds neither
//! the audit key (kept outside the database) nor the anchor file's signatures: each forgery of
//! the attacks report — an entry edited and the chain recomputed, an entry deleted and the
//! chain recomputed, the log wiped with its head reset, the tail cut — is found by
//! `jixiao audit verify`, on both databases.

use sha2::{Digest, Sha256};
use sqlx::{Connection, Row};

use crate::support::*;

const KEY: &str = "3f1c9a7e5b2d4c6a8e0f1b3d5a7c9e2f";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// `jixiao` with the installation's audit key, as every process of it runs.
fn keyed(db: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("JIXIAO_DATABASE_URL")
        .env_remove("JIXIAO_AUDIT_KEY_FILE")
        .env("JIXIAO_AUDIT_KEY", KEY)
        .env("JIXIAO_PASSWORD", "a long enough passphrase 1")
        .output()
        .expect("run jixiao")
}

/// A log of several signed entries, and an anchor file taken at its end.
fn signed_log(db: &TestDb, dir: &std::path::Path) -> std::path::PathBuf {
    let out = keyed(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in ["user1", "user2", "user3", "user4", "user5"] {
        let out = keyed(
            &db.url,
            &[
                "user",
                "add",
                name,
                "--role",
                "reporter",
                "--unit",
                "枣庄市妇联",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let anchors = dir.join("anchors.jsonl");
    let out = keyed(&db.url, &["audit", "anchor", anchors.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    anchors
}

fn verify(db: &TestDb, anchors: &std::path::Path) -> std::process::Output {
    keyed(
        &db.url,
        &["audit", "verify", "--anchors", anchors.to_str().unwrap()],
    )
}

/// The chain's public formula, as an attacker recomputes it (no key needed for it).
#[allow(clippy::too_many_arguments)]
fn unkeyed(
    prev: &str,
    at: &str,
    actor_id: Option<i64>,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let id = |v: Option<i64>| v.map(|v| v.to_string());
    for field in [
        Some(prev.to_string()),
        Some(at.to_string()),
        id(actor_id),
        Some(actor.to_string()),
        Some(action.to_string()),
        Some(entity.to_string()),
        id(entity_id),
        before.map(str::to_string),
        after.map(str::to_string),
    ] {
        match field {
            Some(f) => {
                h.update((f.len() as u64).to_le_bytes());
                h.update(f.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    hex::encode(h.finalize())
}

struct Row0 {
    id: i64,
    at: String,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    before: Option<String>,
    after: Option<String>,
}

async fn rows(conn: &mut sqlx::AnyConnection) -> Vec<Row0> {
    sqlx::query(
        "SELECT id, at, actor_id, actor, action, entity, entity_id, before, after \
         FROM audit_log ORDER BY id",
    )
    .fetch_all(conn)
    .await
    .unwrap()
    .into_iter()
    .map(|r| Row0 {
        id: r.get(0),
        at: r.get(1),
        actor_id: r.get(2),
        actor: r.get(3),
        action: r.get(4),
        entity: r.get(5),
        entity_id: r.get(6),
        before: r.get(7),
        after: r.get(8),
    })
    .collect()
}

/// Rewrites the links and hashes of every entry from the first one, as an attacker who knows
/// the formula but not the key would, and moves the head to the last.
async fn recompute(conn: &mut sqlx::AnyConnection) {
    let mut prev = GENESIS.to_string();
    for r in rows(conn).await {
        let hash = unkeyed(
            &prev,
            &r.at,
            r.actor_id,
            &r.actor,
            &r.action,
            &r.entity,
            r.entity_id,
            r.before.as_deref(),
            r.after.as_deref(),
        );
        sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(&prev)
            .bind(&hash)
            .bind(r.id)
            .execute(&mut *conn)
            .await
            .unwrap();
        prev = hash;
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&mut *conn)
        .await
        .unwrap();
}

async fn connect(url: &str) -> sqlx::AnyConnection {
    raw_connection(url).await
}

fn refused(out: &std::process::Output, what: &str, backend: &str) {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{backend}: {what} must be found: {}",
        stdout(out)
    );
    assert!(
        !stderr(out).is_empty(),
        "{backend}: {what}: a reason is given"
    );
}

#[tokio::test]
async fn a_signed_anchored_log_verifies_and_needs_its_key() {
    for db in databases().await {
        let dir = tempfile::tempdir().unwrap();
        let anchors = signed_log(&db, dir.path());
        let ok = verify(&db, &anchors);
        assert!(ok.status.success(), "{}: {}", db.backend, stderr(&ok));
        assert!(
            stdout(&ok).contains("密钥签名与序号已核对"),
            "{}",
            stdout(&ok)
        );
        assert!(stdout(&ok).contains("与 1 个锚点一致"), "{}", stdout(&ok));
        // Without the key the signatures cannot be checked: not a pass.
        let nokey = jixiao(&db.url, &["audit", "verify"]);
        assert_eq!(nokey.status.code(), Some(1), "{}", db.backend);
        assert!(stderr(&nokey).contains("签名未核对"), "{}", stderr(&nokey));
    }
}

#[tokio::test]
async fn an_entry_edited_and_the_chain_recomputed_is_found() {
    for db in databases().await {
        let dir = tempfile::tempdir().unwrap();
        let anchors = signed_log(&db, dir.path());
        let mut conn = connect(&db.url).await;
        let victim = rows(&mut conn).await[2].id;
        sqlx::query("UPDATE audit_log SET after = '{\"role\":\"admin\"}' WHERE id = $1")
            .bind(victim)
            .execute(&mut conn)
            .await
            .unwrap();
        recompute(&mut conn).await;
        conn.close().await.unwrap();
        let out = verify(&db, &anchors);
        refused(&out, "an edited entry", db.backend);
        assert!(stderr(&out).contains("签名不符"), "{}", stderr(&out));
    }
}

#[tokio::test]
async fn an_entry_deleted_and_the_chain_recomputed_is_found() {
    for db in databases().await {
        let dir = tempfile::tempdir().unwrap();
        let anchors = signed_log(&db, dir.path());
        let mut conn = connect(&db.url).await;
        let victim = rows(&mut conn).await[3].id;
        sqlx::query("DELETE FROM audit_log WHERE id = $1")
            .bind(victim)
            .execute(&mut conn)
            .await
            .unwrap();
        recompute(&mut conn).await;
        conn.close().await.unwrap();
        refused(&verify(&db, &anchors), "a deleted entry", db.backend);
    }
}

#[tokio::test]
async fn a_wiped_log_with_its_head_reset_is_found_by_the_anchors() {
    for db in databases().await {
        let dir = tempfile::tempdir().unwrap();
        let anchors = signed_log(&db, dir.path());
        let mut conn = connect(&db.url).await;
        sqlx::query("DELETE FROM audit_log")
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_head SET hash = $1, seq = 0 WHERE id = 1")
            .bind(GENESIS)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let out = verify(&db, &anchors);
        refused(&out, "a wiped log", db.backend);
        assert!(stderr(&out).contains("截短或清空"), "{}", stderr(&out));
    }
}

#[tokio::test]
async fn a_cut_tail_is_found_by_the_anchors_and_a_forged_anchor_by_its_signature() {
    for db in databases().await {
        let dir = tempfile::tempdir().unwrap();
        let anchors = signed_log(&db, dir.path());
        let mut conn = connect(&db.url).await;
        let all = rows(&mut conn).await;
        for r in &all[all.len() - 2..] {
            sqlx::query("DELETE FROM audit_log WHERE id = $1")
                .bind(r.id)
                .execute(&mut conn)
                .await
                .unwrap();
        }
        let last: String =
            sqlx::query_scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&last)
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        refused(&verify(&db, &anchors), "a cut tail", db.backend);

        // Rewriting the anchor to the new end, without the key, is found too.
        let new_end = all[all.len() - 3].id;
        let forged = format!(
            "{{\"id\":{new_end},\"hash\":\"{last}\",\"at\":\"2026-12-03T00:00:00.000Z\",\"key_id\":\"\",\"mac\":\"\"}}\n"
        );
        std::fs::write(&anchors, forged).unwrap();
        let out = verify(&db, &anchors);
        refused(&out, "an unsigned anchor", db.backend);
        assert!(stderr(&out).contains("没有签名"), "{}", stderr(&out));
    }
}

#[tokio::test]
async fn the_audit_log_is_searched_paged_and_exported_and_the_export_is_logged() {
    use jixiao_domain::Role;
    for db in databases().await {
        let server = TestServer::start(db.store().await).await;
        // The 审计管理员's page alone (三员分立).
        let office = server.login_as("shenji", Role::Auditor, "市政府").await;
        let reporter = server.login_as("jia1", Role::Reporter, "甲一单位").await;
        let kaohe = server.login_as("kaohe", Role::Admin, "市政府").await;
        assert_eq!(kaohe.get("/admin/audit").await.status, 403, "not 考核办's");
        // 120 failed logins of one name, from one address: more than a page.
        for _ in 0..120 {
            server
                .store
                .record_security_event(None, "guesser", "login.failure", Some("10.9.8.7"), "bad")
                .await
                .unwrap();
        }
        let mut conn = raw_connection(&db.url).await;
        let failures: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failure'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(failures, 120, "{}", db.backend);

        let page = office.get("/admin/audit?action=login.failure").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("共 120 条"), "{}", page.body);
        assert!(page.body.contains("第 1 / 2 页"), "100 a page");
        assert!(
            !page.body.contains("code\">login.success"),
            "only the action asked"
        );
        let second = office
            .get("/admin/audit?action=login.failure&page=2")
            .await
            .body;
        assert_eq!(second.matches("code\">login.failure").count(), 20);
        assert!(
            second.contains("action=login.failure&amp;page=1"),
            "the pager keeps the search"
        );

        let by = office.get("/admin/audit?actor=JIA1").await.body;
        assert!(by.contains("jia1"), "a person's words, any case: {by}");
        assert!(!by.contains("guesser"));
        let tomorrow =
            jixiao_domain::deadline::date_of(chrono::Utc::now()) + chrono::Duration::days(1);
        let later = office
            .get(&format!("/admin/audit?from={tomorrow}"))
            .await
            .body;
        assert!(later.contains("共 0 条"), "nothing happened tomorrow");
        let today = jixiao_domain::deadline::date_of(chrono::Utc::now());
        let now = office
            .get(&format!(
                "/admin/audit?from={today}&to={today}&action=login.failure"
            ))
            .await
            .body;
        assert!(
            now.contains("共 120 条"),
            "today, in Beijing time, holds them"
        );
        let bad = office.get("/admin/audit?from=2026-13-40").await;
        assert_eq!(bad.status, 400);
        assert!(
            bad.body.contains("起始日期「2026-13-40」不是日期"),
            "{}",
            bad.body
        );

        // The export holds every matching entry, and is itself recorded.
        let (status, headers, bytes) = office
            .get_bytes("/admin/audit/export?action=login.failure")
            .await;
        assert_eq!(status, 200);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        let strings = xlsx_strings(bytes);
        assert!(strings.contains("guesser") && strings.contains("10.9.8.7"));
        assert!(
            !strings.contains("user.create"),
            "only the entries searched"
        );
        let (actor, after): (String, String) = sqlx::query_as(
            "SELECT actor, after FROM audit_log WHERE action = 'audit.export' ORDER BY id DESC",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert!(actor.contains("shenji"), "{actor}");
        assert!(
            after.contains("120 rows") && after.contains("action=login.failure"),
            "{after}"
        );
        assert!(after.contains("\"source\""), "{after}");

        // The office's alone.
        assert_eq!(reporter.get("/admin/audit").await.status, 403);
        let (status, _, _) = reporter.get_bytes("/admin/audit/export").await;
        assert_eq!(status, 403);
        let out = jixiao(&db.url, &["audit", "verify"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
}
