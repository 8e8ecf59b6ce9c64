//! Durability: online backup and restore, saves that survive a killed server, and two servers
//! on one PostgreSQL database.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jixiao_domain::Role;

use crate::support::{
    Browser, PASSWORD, ServeProcess, TestDb, create_account, databases, jixiao, raw_connection,
    row_counts, stderr, stdout,
};

/// The period the reporters write: the demo leaves many of its reports missing or in draft.
const PERIOD: &str = "2024Q4";

/// A reporter and the tasks of its unit it may still write in [`PERIOD`].
struct Reporter {
    username: String,
    /// Task id and the report's current version (0: no report yet).
    tasks: Vec<(i64, i64)>,
}

/// One save the server answered with 303.
#[derive(Debug, Clone)]
struct Ack {
    task_id: i64,
    version: i64,
    text: String,
}

/// A small demo province in `db`, and a reporter account for each of the first `n` units that
/// have tasks still open in [`PERIOD`].
async fn province_with_reporters(db: &TestDb, n: usize) -> Vec<Reporter> {
    let out = jixiao(
        &db.url,
        &[
            "demo",
            "--units",
            "40",
            "--tasks-per-unit",
            "6",
            "--periods",
            "4",
            "--seed",
            "11",
        ],
    );
    assert!(out.status.success(), "{}: {}", db.backend, stderr(&out));
    let mut conn = raw_connection(&db.url).await;
    let open: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT t.id, u.name, COALESCE(r.version, 0) FROM tasks t \
         JOIN units u ON u.id = t.unit_id \
         JOIN periods p ON p.scheme_id = t.scheme_id AND p.code = $1 \
         LEFT JOIN progress_reports r ON r.task_id = t.id AND r.period_id = p.id \
         WHERE r.id IS NULL OR r.state IN ('draft', 'returned') ORDER BY u.name, t.id",
    )
    .bind(PERIOD)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let store = db.store().await;
    let mut reporters: Vec<(String, Reporter)> = Vec::new();
    for (task_id, unit, version) in open {
        if let Some((_, r)) = reporters.iter_mut().find(|(u, _)| *u == unit) {
            r.tasks.push((task_id, version));
            continue;
        }
        if reporters.len() == n {
            continue;
        }
        let username = format!("rep{}", reporters.len() + 1);
        create_account(&store, &username, Role::Reporter, &unit).await;
        reporters.push((
            unit,
            Reporter {
                username,
                tasks: vec![(task_id, version)],
            },
        ));
    }
    store.close().await;
    assert_eq!(reporters.len(), n, "{}: units with open tasks", db.backend);
    reporters.into_iter().map(|(_, r)| r).collect()
}

/// Logs in and saves the reporter's tasks round and round until `stop` or until the server
/// stops answering; returns every save it was told succeeded. Any answer other than 303 is a
/// failure of the test.
async fn write_until_stopped(
    base: String,
    mut reporter: Reporter,
    stop: Arc<AtomicBool>,
) -> Vec<Ack> {
    let mut b = Browser::new(&base);
    let (status, _) = b.login(&reporter.username, PASSWORD).await;
    assert_eq!(status, 303, "login of {}", reporter.username);
    let csrf = b.csrf().await;
    let mut acks = Vec::new();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let i = n % reporter.tasks.len();
        let (task_id, version) = reporter.tasks[i];
        n += 1;
        let text = format!("{}第{n}次保存：已开展普法宣传活动{n}场", reporter.username);
        let version_field = if version == 0 {
            String::new()
        } else {
            version.to_string()
        };
        let sent = b
            .try_post(
                &format!("/tasks/{task_id}/report"),
                &[
                    ("csrf", &csrf),
                    ("period", PERIOD),
                    ("version", &version_field),
                    ("text", &text),
                    ("self_score", ""),
                    ("action", "save"),
                ],
            )
            .await;
        match sent {
            Ok(page) if page.status == 303 => {
                reporter.tasks[i].1 = version + 1;
                acks.push(Ack {
                    task_id,
                    version: version + 1,
                    text,
                });
            }
            Ok(page) => panic!(
                "{} saving task {task_id} v{version}: {} {}",
                reporter.username, page.status, page.body
            ),
            // The server is gone (killed): what was acknowledged is what counts.
            Err(_) => break,
        }
    }
    acks
}

/// Checks every acknowledged save against the database: its text is in the audit log of that
/// report, and the report holds the last acknowledged text unless a later save (one in flight
/// when the server died) committed after it.
async fn check_acks(url: &str, acks: &[Ack], backend: &str) {
    assert!(!acks.is_empty(), "{backend}: no save was acknowledged");
    let mut conn = raw_connection(url).await;
    let audited: Vec<(Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT a.entity_id, a.after FROM audit_log a WHERE a.action = 'report.save'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let audited: std::collections::HashSet<String> = audited
        .into_iter()
        .filter_map(|(_, after)| after)
        .filter_map(|after| {
            serde_json::from_str::<serde_json::Value>(&after)
                .ok()
                .and_then(|v| v["text"].as_str().map(str::to_string))
        })
        .collect();
    let mut last: std::collections::HashMap<i64, &Ack> = std::collections::HashMap::new();
    for ack in acks {
        assert!(audited.contains(&ack.text), "{backend}: lost {ack:?}");
        last.insert(ack.task_id, ack);
    }
    for (task_id, ack) in last {
        let (text, version): (String, i64) = sqlx::query_as(
            "SELECT r.text, r.version FROM progress_reports r JOIN periods p ON p.id = r.period_id \
             WHERE r.task_id = $1 AND p.code = $2",
        )
        .bind(task_id)
        .bind(PERIOD)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert!(
            version >= ack.version,
            "{backend}: task {task_id} went back to v{version}: {ack:?}"
        );
        if version == ack.version {
            assert_eq!(text, ack.text, "{backend}: task {task_id}");
        }
    }
}

#[tokio::test]
async fn every_save_acknowledged_before_a_kill_survives_the_restart() {
    for db in databases().await {
        let reporters = province_with_reporters(&db, 6).await;
        let server = ServeProcess::start(&db.url, &[]);
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = reporters
            .into_iter()
            .map(|r| tokio::spawn(write_until_stopped(server.base(), r, stop.clone())))
            .collect();
        tokio::time::sleep(Duration::from_secs(4)).await;
        server.signal("KILL");
        let mut acks = Vec::new();
        for w in writers {
            acks.extend(w.await.unwrap());
        }
        drop(server);

        let again = ServeProcess::start(&db.url, &[]);
        let health = reqwest::get(format!("{}healthz", again.url)).await.unwrap();
        assert_eq!(health.status(), 200, "{}", db.backend);
        check_acks(&db.url, &acks, db.backend).await;
        let verify = jixiao(&db.url, &["audit", "verify"]);
        assert!(
            verify.status.success(),
            "{}: {}",
            db.backend,
            stderr(&verify)
        );
        eprintln!(
            "{}: {} saves acknowledged before the kill",
            db.backend,
            acks.len()
        );
    }
}

#[tokio::test]
async fn a_backup_taken_while_the_server_writes_restores_into_a_fresh_database() {
    let db = databases().await.remove(0);
    let reporters = province_with_reporters(&db, 3).await;
    let server = ServeProcess::start(&db.url, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = reporters
        .into_iter()
        .map(|r| tokio::spawn(write_until_stopped(server.base(), r, stop.clone())))
        .collect();
    tokio::time::sleep(Duration::from_millis(800)).await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    let out = jixiao(&db.url, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已备份到"), "{}", stdout(&out));
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acks = 0;
    for w in writers {
        acks += w.await.unwrap().len();
    }
    assert!(acks > 0);

    let again = jixiao(&db.url, &["backup", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("已存在"), "{}", stderr(&again));

    let fresh = format!("sqlite://{}", dir.path().join("restored.db").display());
    let out = jixiao(&fresh, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("哈希链完整"), "{}", stdout(&out));
    let backup_url = format!("sqlite://{}", file.display());
    let restored = row_counts(&fresh).await;
    assert_eq!(restored, row_counts(&backup_url).await);
    let live = row_counts(&db.url).await;
    for ((table, r), (_, l)) in restored.iter().zip(&live) {
        assert!(r <= l, "{table}: restored {r} > live {l}");
    }
    let reports = restored
        .iter()
        .find(|(t, _)| *t == "progress_reports")
        .unwrap()
        .1;
    assert!(reports > 0);
    let verify = jixiao(&fresh, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));

    // The restored database serves.
    let served = ServeProcess::start(&fresh, &[]);
    let mut b = Browser::new(&served.base());
    let (status, _) = b.login("rep1", PASSWORD).await;
    assert_eq!(status, 303);
    assert_eq!(b.get("/todo").await.status, 200);
}

#[tokio::test]
async fn restore_refuses_a_foreign_file_and_a_database_with_data_unless_forced() {
    let db = databases().await.remove(0);
    let out = jixiao(
        &db.url,
        &[
            "demo",
            "--units",
            "3",
            "--tasks-per-unit",
            "2",
            "--periods",
            "1",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.db");
    assert!(
        jixiao(&db.url, &["backup", file.to_str().unwrap()])
            .status
            .success()
    );

    // Not a database at all; a SQLite database that is not jixiao's.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "培训妇女1000人").unwrap();
    let target = format!("sqlite://{}", dir.path().join("t.db").display());
    let bad = jixiao(&target, &["restore", text.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("不是 SQLite 数据库"),
        "{}",
        stderr(&bad)
    );
    let other = dir.path().join("other.db");
    let mut conn = raw_connection(&format!("sqlite://{}?mode=rwc", other.display())).await;
    sqlx::query("CREATE TABLE t (x INTEGER)")
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);
    let bad = jixiao(&target, &["restore", other.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("不是 jixiao 的数据库"),
        "{}",
        stderr(&bad)
    );

    // Over a database with data: only with --force.
    let refused = jixiao(&db.url, &["restore", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    let forced = jixiao(&db.url, &["restore", "--force", file.to_str().unwrap()]);
    assert!(forced.status.success(), "{}", stderr(&forced));
}

#[tokio::test]
async fn backup_and_restore_on_postgresql_name_its_own_tools() {
    for db in databases()
        .await
        .into_iter()
        .filter(|d| d.backend == "postgres")
    {
        for args in [&["backup", "x.dump"][..], &["restore", "x.dump"][..]] {
            let out = jixiao(&db.url, args);
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(stderr(&out).contains("pg_dump"), "{}", stderr(&out));
            assert!(stderr(&out).contains("pg_restore"), "{}", stderr(&out));
        }
    }
}

#[tokio::test]
async fn two_servers_on_one_postgresql_share_sessions_and_the_version_guard() {
    let Some(db) = databases()
        .await
        .into_iter()
        .find(|d| d.backend == "postgres")
    else {
        eprintln!("note: multi-instance test skipped: it needs PostgreSQL (JIXIAO_TEST_PG_URL)");
        return;
    };
    let reporters = province_with_reporters(&db, 1).await;
    let task_id = reporters[0].tasks[0].0;
    // Start from no report, so the first race is between two creations.
    let mut conn = raw_connection(&db.url).await;
    sqlx::query(
        "DELETE FROM progress_reports WHERE task_id = $1 \
         AND period_id = (SELECT id FROM periods WHERE code = $2)",
    )
    .bind(task_id)
    .bind(PERIOD)
    .execute(&mut conn)
    .await
    .unwrap();
    let a = ServeProcess::start(&db.url, &[]);
    let b = ServeProcess::start(&db.url, &[]);

    // A session made on one instance works on the other.
    let mut on_a = Browser::new(&a.base());
    assert_eq!(on_a.login(&reporters[0].username, PASSWORD).await.0, 303);
    let cookie = on_a.cookie("jixiao_session").expect("a session cookie");
    let same = reqwest::Client::new()
        .get(format!("{}account", b.url))
        .header("cookie", format!("jixiao_session={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200);
    assert!(same.text().await.unwrap().contains(&reporters[0].username));

    // Two editors of one report, one through each instance, saving at once from one version:
    // first both creating it, then both changing it.
    let mut on_b = Browser::new(&b.base());
    assert_eq!(on_b.login(&reporters[0].username, PASSWORD).await.0, 303);
    let (csrf_a, csrf_b) = (on_a.csrf().await, on_b.csrf().await);
    let path = format!("/tasks/{task_id}/report");
    for (round, version) in [(1, ""), (2, "1")] {
        let text_a = format!("甲实例第{round}轮：已开展普法宣传活动30场");
        let text_b = format!("乙实例第{round}轮：已开展普法宣传活动40场");
        let form = |csrf: &str, text: &str| {
            [
                ("csrf", csrf.to_string()),
                ("period", PERIOD.to_string()),
                ("version", version.to_string()),
                ("text", text.to_string()),
                ("action", "save".to_string()),
            ]
        };
        let (fa, fb) = (form(&csrf_a, &text_a), form(&csrf_b, &text_b));
        let pa: Vec<(&str, &str)> = fa.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let pb: Vec<(&str, &str)> = fb.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (ra, rb) = tokio::join!(on_a.post(&path, &pa), on_b.post(&path, &pb));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [303, 409],
            "round {round}: one wins, the other is told"
        );
        let (winner, loser, loser_text) = if ra.status == 303 {
            (&text_a, &rb, &text_b)
        } else {
            (&text_b, &ra, &text_a)
        };
        assert!(
            loser.body.contains(loser_text.as_str()),
            "round {round}: what was typed comes back"
        );
        assert!(
            loser.body.contains(winner.as_str()),
            "round {round}: beside what the other saved"
        );
        let stored: (String, i64) = sqlx::query_as(
            "SELECT r.text, r.version FROM progress_reports r JOIN periods p ON p.id = r.period_id \
             WHERE r.task_id = $1 AND p.code = $2",
        )
        .bind(task_id)
        .bind(PERIOD)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(&stored.0, winner, "round {round}");
        assert_eq!(stored.1, round, "round {round}");
    }

    // Background work runs once: both instances ask for the refresh lease at start and every
    // few seconds, and one of them holds it.
    let holders: Vec<String> = sqlx::query_scalar("SELECT holder FROM leases WHERE name = $1")
        .bind(jixiao_app::refresh::LEASE)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(holders.len(), 1, "{holders:?}");
    let (addr_a, addr_b) = (
        a.base().replace("http://", ""),
        b.base().replace("http://", ""),
    );
    assert!(
        holders[0].starts_with(addr_a.trim_end_matches('/'))
            ^ holders[0].starts_with(addr_b.trim_end_matches('/')),
        "held by one of the two: {holders:?} ({addr_a}, {addr_b})"
    );
}
