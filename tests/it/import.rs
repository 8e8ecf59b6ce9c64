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

/// A real layout (`fixtures/layouts/L19.json`: 序号 | 行动 | 项目 | 进展情况 | 目标任务 | 完成率,
/// progress before target, no weight column) as the tab-separated text Excel copies, with its
/// title line; `rename` changes header cells.
fn layout_as_tsv(
    dir: &std::path::Path,
    rename: &[(&str, &str)],
) -> (std::path::PathBuf, serde_json::Value) {
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("layouts/L19.json")).unwrap())
            .unwrap();
    let cells = |row: &serde_json::Value| -> Vec<String> {
        row.as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap_or_default().to_string())
            .collect()
    };
    let mut text = format!("{}\n", spec["title"].as_str().unwrap());
    let mut header = cells(&spec["header_rows"][0]);
    for h in &mut header {
        if let Some((_, to)) = rename.iter().find(|(from, _)| from == h) {
            *h = to.to_string();
        }
    }
    text.push_str(&header.join("\t"));
    text.push('\n');
    for row in spec["rows"].as_array().unwrap() {
        text.push_str(&cells(row).join("\t"));
        text.push('\n');
    }
    let path = dir.join("暖民心进展.txt");
    std::fs::write(&path, text).unwrap();
    (path, spec)
}

#[test]
fn a_progress_before_target_table_without_weights_imports_with_its_stated_completion() {
    let dir = tempfile::tempdir().unwrap();
    let (path, spec) = layout_as_tsv(dir.path(), &[]);
    let out = jixiao(
        "sqlite::memory:",
        &[
            "import",
            path.to_str().unwrap(),
            "--dry-run",
            "--json",
            "--unit",
            "淮南市",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rows = got["rows"].as_array().unwrap();
    let expected = spec["expected"].as_array().unwrap();
    assert_eq!(rows.len(), 15);
    assert_eq!(rows.len(), expected.len());
    for (row, want) in rows.iter().zip(expected) {
        assert_eq!(row["task"], want["task"]);
        assert!(row["weight"].is_null(), "no weight column: {row}");
        let (got_c, want_c) = (
            row["stated_completion"].as_f64(),
            want["stated_completion"].as_f64(),
        );
        match (got_c, want_c) {
            (Some(a), Some(b)) => assert!((a - b).abs() < 1e-3, "{row}"),
            (a, b) => assert_eq!(a, b, "{row}"),
        }
    }
    let warnings = got["warnings"].to_string();
    assert!(
        warnings.contains("分值"),
        "a table without weights says so: {warnings}"
    );
}

#[test]
fn unknown_headers_fail_with_the_headers_found_and_map_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = layout_as_tsv(dir.path(), &[("项目", "事项"), ("进展情况", "最新动态")]);
    let args = |extra: &[&str]| {
        let mut a = vec![
            "import",
            path.to_str().unwrap(),
            "--dry-run",
            "--json",
            "--unit",
            "淮南市",
        ];
        a.extend_from_slice(extra);
        jixiao("sqlite::memory:", &a)
    };
    let out = args(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    for part in ["事项", "最新动态", "目标任务", "--map"] {
        assert!(err.contains(part), "the error names {part}: {err}");
    }
    let out = args(&["--map", "事项=task,最新动态=progress"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let got: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(got["rows"].as_array().unwrap().len(), 15);
    assert!(
        got["rows"][0]["progress"]
            .as_str()
            .unwrap()
            .starts_with("完成9个")
    );

    let out = args(&["--map", "事项=taks"]);
    assert_eq!(out.status.code(), Some(2), "a bad map is a usage error");
    assert!(stderr(&out).contains("taks"), "{}", stderr(&out));
}
