//! `jixiao demo`: the synthetic province, its determinism, and the app reading it.

use crate::support::{TestServer, databases, jixiao, raw_connection, stderr, stdout};

const SMALL: [&str; 8] = [
    "demo",
    "--units",
    "60",
    "--tasks-per-unit",
    "7",
    "--periods",
    "4",
    "--seed",
];

/// One report as the demo wrote it, with its unit and task.
#[derive(Debug, sqlx::FromRow)]
#[expect(dead_code, reason = "read through Debug only")]
struct Line {
    unit: String,
    kind: String,
    task: String,
    target: String,
    weight: f64,
    period: String,
    text: String,
    state: String,
    completion: Option<f64>,
    status: Option<String>,
}

/// Everything the demo wrote that a user sees, one line a report, in a fixed order.
async fn dump(url: &str) -> Vec<String> {
    let mut conn = raw_connection(url).await;
    let rows: Vec<Line> = sqlx::query_as(
        "SELECT u.name AS unit, u.kind, t.name AS task, t.target, t.weight, p.code AS period, \
         r.text, r.state, r.completion, r.status \
         FROM progress_reports r JOIN tasks t ON t.id = r.task_id \
         JOIN units u ON u.id = t.unit_id JOIN periods p ON p.id = r.period_id \
         ORDER BY u.name, t.position, p.code",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    rows.into_iter().map(|r| format!("{r:?}")).collect()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_province_on_every_database() {
    let mut dumps = Vec::new();
    for db in databases().await {
        let out = jixiao(&db.url, &[&SMALL[..], &["7"]].concat());
        assert!(out.status.success(), "{}: {}", db.backend, stderr(&out));
        assert!(
            stdout(&out).contains("被考核单位 60 个，任务 420 项，填报周期 4 个"),
            "{}",
            stdout(&out)
        );
        dumps.push((db.backend, dump(&db.url).await));
    }
    let again = databases().await.remove(0);
    let out = jixiao(&again.url, &[&SMALL[..], &["7"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let first = &dumps[0].1;
    assert!(
        first.len() > 60 * 7 * 3,
        "most tasks report each quarter: {}",
        first.len()
    );
    assert_eq!(&dump(&again.url).await, first, "a second run with seed 7");
    for (backend, d) in &dumps[1..] {
        assert_eq!(d, first, "{backend} differs from sqlite");
    }

    let other = databases().await.remove(0);
    let out = jixiao(&other.url, &[&SMALL[..], &["8"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(&dump(&other.url).await, first, "seed 8 gives other data");
}

#[tokio::test]
async fn the_demo_province_reads_its_progress_and_shows_in_the_app() {
    for db in databases().await {
        let out = jixiao(&db.url, &[&SMALL[..], &["3"]].concat());
        assert!(out.status.success(), "{}: {}", db.backend, stderr(&out));

        let mut conn = raw_connection(&db.url).await;
        let kinds: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT kind FROM units WHERE kind <> '' ORDER BY kind")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        assert_eq!(
            kinds,
            ["事业单位", "党群部门", "政府部门"],
            "{}",
            db.backend
        );
        let states: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT state FROM progress_reports ORDER BY state")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        for s in ["approved", "draft", "submitted"] {
            assert!(states.iter().any(|x| x == s), "{}: {states:?}", db.backend);
        }
        // The reader found a completion in most quantified reports.
        let (read, all): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(completion), COUNT(*) FROM progress_reports WHERE reading IS NOT NULL",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert!(read * 2 > all, "{}: {read} of {all} read", db.backend);
        let (unit_id,): (i64,) = sqlx::query_as("SELECT unit_id FROM tasks ORDER BY id LIMIT 1")
            .fetch_one(&mut conn)
            .await
            .unwrap();

        let store = db.store().await;
        let scheme = store.list_schemes().await.unwrap().remove(0);
        let server = TestServer::start(store).await;
        let (status, body) = server
            .get(&format!("/schemes/{}/ranking?period=2024Q4", scheme.id))
            .await;
        assert_eq!(status, 200, "{}", db.backend);
        assert!(body.contains("东阳市纪委监委"), "{}", db.backend);
        let (status, body) = server.get(&format!("/schemes/{}", scheme.id)).await;
        assert_eq!(status, 200, "{}", db.backend);
        assert!(
            body.contains("经济发展（300分）") || body.contains("东阳市"),
            "{}",
            db.backend
        );
        let (status, body) = server
            .get(&format!(
                "/schemes/{}/units/{unit_id}?period=2024Q2",
                scheme.id
            ))
            .await;
        assert_eq!(status, 200, "{}", db.backend);
        assert!(body.contains("已"), "{}", db.backend);

        let verify = jixiao(&db.url, &["audit", "verify"]);
        assert!(verify.status.success(), "{}", stderr(&verify));
    }
}

#[tokio::test]
async fn the_demo_refuses_bad_arguments_and_a_database_with_a_scheme() {
    let db = databases().await.remove(0);
    let bad = jixiao(&db.url, &["demo", "--periods", "5"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("--periods"), "{}", stderr(&bad));
    let bad = jixiao(&db.url, &["demo", "--units", "0"]);
    assert!(stderr(&bad).contains("--units"), "{}", stderr(&bad));

    let ok = jixiao(
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
    assert!(ok.status.success(), "{}", stderr(&ok));
    let again = jixiao(&db.url, &["demo", "--units", "3"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("已有考核方案"),
        "{}",
        stderr(&again)
    );
}

/// The rows of a ranking page: (rank, unit, unit type).
fn ranking_rows(html: &str) -> Vec<(u64, String, String)> {
    let cell = |row: &str, label: &str| -> String {
        let start = row.find(&format!("data-label=\"{label}\">")).unwrap() + label.len() + 14;
        let text = &row[start..];
        let text = text
            .strip_prefix("<a href=")
            .map_or(text, |t| &t[t.find('>').unwrap() + 1..]);
        text[..text.find('<').unwrap()].to_string()
    };
    html.split("<tr>")
        .filter(|row| row.contains("data-label=\"名次\""))
        .map(|row| {
            (
                cell(row, "名次").parse().unwrap(),
                cell(row, "单位"),
                cell(row, "单位类型"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_province_ranking_is_paged_and_filtered_by_unit_type() {
    let db = databases().await.remove(0);
    let out = jixiao(
        &db.url,
        &[
            "demo",
            "--units",
            "250",
            "--tasks-per-unit",
            "8",
            "--periods",
            "4",
            "--seed",
            "5",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let rank = jixiao(&db.url, &["rank", "--json"]);
    let all: serde_json::Value = serde_json::from_str(&stdout(&rank)).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 250, "every assessed unit");

    let server = TestServer::start(db.store().await).await;
    let (status, first) = server.get("/schemes/1/ranking").await;
    assert_eq!(status, 200);
    let rows = ranking_rows(&first);
    assert_eq!(rows.len(), 200, "one page");
    assert_eq!(rows[0].1, all[0]["unit"].as_str().unwrap());
    let pages = all.len().div_ceil(200);
    assert!(
        first.contains(&format!("第 1 / {pages} 页，共 {} 项", all.len())),
        "the pager"
    );
    let (_, second) = server.get("/schemes/1/ranking?page=2").await;
    let rows = ranking_rows(&second);
    assert_eq!(rows.len(), all.len() - 200);
    assert_eq!(rows[0].1, all[200]["unit"].as_str().unwrap(), "row 201");
    assert_eq!(rows[0].0, all[200]["rank"].as_u64().unwrap());
    let (_, past) = server.get("/schemes/1/ranking?page=99").await;
    assert_eq!(
        ranking_rows(&past),
        ranking_rows(&first),
        "past the end: the first page"
    );

    let kind = "政府部门";
    let of_kind: Vec<&serde_json::Value> = all.iter().filter(|r| r["unit_type"] == kind).collect();
    assert!(!of_kind.is_empty());
    let (_, typed) = server
        .get("/schemes/1/ranking?type=%E6%94%BF%E5%BA%9C%E9%83%A8%E9%97%A8")
        .await;
    let rows = ranking_rows(&typed);
    assert_eq!(rows.len(), of_kind.len().min(200));
    assert!(rows.iter().all(|(_, _, t)| t == kind), "only {kind}");
    assert_eq!(rows[0].1, of_kind[0]["unit"].as_str().unwrap());
    assert!(typed.contains(&format!("<strong>{kind}（{}）</strong>", of_kind.len())));

    let (_, scheme) = server.get("/schemes/1").await;
    assert!(
        scheme.contains("第 1 / 2 页"),
        "the scheme's units are paged too"
    );
    assert_eq!(scheme.matches("/schemes/1/units/").count(), 200);
    assert_eq!(
        scheme.matches("data-label=\"任务要点\">8</td>").count(),
        200,
        "each listed unit with its eight tasks"
    );
    let (_, last) = server.get("/schemes/1?page=2").await;
    assert_eq!(last.matches("/schemes/1/units/").count(), 50);

    // 预警 lists a province's lagging tasks a page at a time, with how many there are: of
    // the third quarter, where most reports are reviewed; only approved ones (official).
    let mut conn = raw_connection(&db.url).await;
    let count = |states: &'static str| {
        let sql = format!(
            "SELECT COUNT(*) FROM progress_reports r JOIN periods p ON p.id = r.period_id \
             WHERE p.code = '2024Q3' AND r.status IN ('lagging', 'seriously_lagging') \
             AND r.state IN ({states})"
        );
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
    };
    let lagging = count("'approved'").fetch_one(&mut conn).await.unwrap();
    let with_pending = count("'approved', 'submitted'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(lagging > 200, "enough to page: {lagging}");
    assert!(with_pending > lagging, "some wait for review");
    let (status, warnings) = server.get("/schemes/1/warnings?period=2024Q3").await;
    assert_eq!(status, 200);
    let rows = |html: &str| html.matches("href=\"/tasks/").count();
    assert_eq!(rows(&warnings), 200);
    let pages = (lagging as usize).div_ceil(200);
    assert!(warnings.contains(&format!("第 1 / {pages} 页，共 {lagging} 项")));
    let (_, last) = server
        .get(&format!("/schemes/1/warnings?period=2024Q3&page={pages}"))
        .await;
    assert_eq!(rows(&last), lagging as usize - (pages - 1) * 200);
    let (_, provisional) = server
        .get("/schemes/1/warnings?period=2024Q3&basis=provisional")
        .await;
    assert!(
        provisional.contains(&format!("共 {with_pending} 项")),
        "含待审 adds the submitted reports"
    );
}
