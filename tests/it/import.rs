//! `jixiao import`: the seed in its three forms, idempotence, and what lands in the database.

use crate::support::*;

#[test]
fn dry_run_json_of_each_seed_form_equals_the_expected_parse() {
    let expected = expected_seed();
    for name in ["seed.txt", "seed.docx", "seed.xlsx"] {
        let out = jixiao(
            "sqlite::memory:",
            &[
                "import",
                fixture(name).to_str().unwrap(),
                "--dry-run",
                "--json",
            ],
        );
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let got: serde_json::Value = serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {}", stdout(&out)));
        assert_eq!(got["title"], expected["title"], "{name} title");
        assert_eq!(
            got["department"], expected["department"],
            "{name} department"
        );
        assert_eq!(got["rows"], expected["rows"], "{name} rows");
        assert_eq!(got["rows"].as_array().unwrap().len(), 15, "{name}");
        assert_eq!(got["warnings"], serde_json::json!([]), "{name} warnings");
        assert!(
            got["rows"][0]["weight"].is_f64(),
            "{name}: weight is a number"
        );
    }
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let url = format!("sqlite://{}", db.display());
    let out = jixiao(
        &url,
        &["import", fixture("seed.txt").to_str().unwrap(), "--dry-run"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("共 15 项任务"), "{}", stdout(&out));
    assert!(!db.exists(), "a dry run must not create the database");
}

#[tokio::test]
async fn importing_the_same_table_twice_needs_replace_and_never_duplicates() {
    for db in databases().await {
        let seed = fixture("seed.docx");
        let first = jixiao(&db.url, &["import", seed.to_str().unwrap()]);
        assert!(first.status.success(), "{}: {}", db.backend, stderr(&first));
        assert!(stdout(&first).contains("15 项任务"), "{}", stdout(&first));
        assert_eq!(db.counts().await, (1, 15), "{}", db.backend);

        let again = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(
            !again.status.success(),
            "{}: a second import must not pass",
            db.backend
        );
        let msg = stderr(&again);
        assert!(
            msg.contains("已有 15 项任务") && msg.contains("--replace"),
            "{msg}"
        );
        assert_eq!(db.counts().await, (1, 15), "{}: unchanged", db.backend);

        let replaced = jixiao(
            &db.url,
            &[
                "import",
                fixture("seed.xlsx").to_str().unwrap(),
                "--replace",
                "--json",
            ],
        );
        assert!(
            replaced.status.success(),
            "{}: {}",
            db.backend,
            stderr(&replaced)
        );
        let v: serde_json::Value = serde_json::from_str(&stdout(&replaced)).unwrap();
        assert_eq!(v["replaced_tasks"], 15);
        assert_eq!(v["tasks"], 15);
        assert_eq!(
            db.counts().await,
            (1, 15),
            "{}: replaced, not added",
            db.backend
        );
    }
}

#[tokio::test]
async fn an_import_stores_the_tree_the_tasks_and_the_progress() {
    for db in databases().await {
        let out = jixiao(
            &db.url,
            &[
                "import",
                fixture("seed.txt").to_str().unwrap(),
                "--unit",
                "市妇女儿童服务中心",
            ],
        );
        assert!(out.status.success(), "{}: {}", db.backend, stderr(&out));
        let store = db.store().await;
        let schemes = store.list_schemes().await.unwrap();
        assert_eq!(schemes.len(), 1);
        assert_eq!(schemes[0].year, 2022);
        let unit = store
            .unit_by_name("市妇女儿童服务中心")
            .await
            .unwrap()
            .unwrap();
        let parent = store.unit_by_name("枣庄市妇联").await.unwrap().unwrap();
        assert_eq!(
            unit.parent_id,
            Some(parent.id),
            "the 主管部门 is the unit's parent"
        );
        let table = store
            .unit_table(schemes[0].id, unit.id, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(table.tasks.len(), 15);
        assert_eq!(table.weight_total(), 400.0);
        assert!(table.weight_mismatches().unwrap().is_empty());
        assert_eq!(table.period.as_ref().unwrap().code, "2022");
        assert!(
            table.tasks.iter().all(|t| t.report.is_some()),
            "every row has progress"
        );
        let l1: Vec<_> = table.indicators.iter().filter(|i| i.level == 1).collect();
        assert_eq!(l1.len(), 1);
        assert_eq!(l1[0].points, Some(400.0));
        let expected = expected_seed();
        for (task, row) in table.tasks.iter().zip(expected["rows"].as_array().unwrap()) {
            assert_eq!(task.name, row["task"].as_str().unwrap(), "{}", db.backend);
            assert_eq!(task.target, row["target"].as_str().unwrap());
            assert_eq!(
                task.report.as_ref().unwrap().text,
                row["progress"].as_str().unwrap()
            );
        }
        store.close().await;
    }
}

#[tokio::test]
async fn a_second_unit_shares_the_schemes_indicators() {
    for db in databases().await {
        let seed = fixture("seed.txt");
        for unit in ["甲单位", "乙单位"] {
            let out = jixiao(&db.url, &["import", seed.to_str().unwrap(), "--unit", unit]);
            assert!(out.status.success(), "{}: {}", db.backend, stderr(&out));
        }
        let store = db.store().await;
        let schemes = store.list_schemes().await.unwrap();
        assert_eq!(
            (schemes.len(), schemes[0].units, schemes[0].tasks),
            (1, 2, 30)
        );
        assert_eq!(store.indicators(schemes[0].id).await.unwrap().len(), 2);
        store.close().await;
    }
}

#[test]
fn a_period_can_be_named_and_must_match_the_schemes_year() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("p.db").display());
    let seed = fixture("seed.txt");
    let out = jixiao(
        &url,
        &["import", seed.to_str().unwrap(), "--period", "2022Q3"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("2022年第3季度"), "{}", stdout(&out));
    let wrong = jixiao(
        &url,
        &[
            "import",
            seed.to_str().unwrap(),
            "--period",
            "2023Q1",
            "--replace",
        ],
    );
    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("2023Q1"), "{}", stderr(&wrong));
    let bad = jixiao(
        &url,
        &[
            "import",
            seed.to_str().unwrap(),
            "--period",
            "2022Q5",
            "--replace",
        ],
    );
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("2022Q5"), "{}", stderr(&bad));
}
