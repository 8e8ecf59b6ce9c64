//! `jixiao extract` and `jixiao assess`: the prose reader's command-line contract.

use crate::support::*;

fn json(args: &[&str]) -> serde_json::Value {
    let out = jixiao("sqlite::memory:", args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

#[test]
fn assess_json_pairs_quantities_and_gives_completion_and_status() {
    let v = json(&[
        "assess",
        "--json",
        "--target",
        "开展巾帼家政及技能培训50期，培训妇女1000人。",
        "--progress",
        "目前，开展家政服务等技能培训50余期，培训妇女2000余人。",
    ]);
    let q = v["quantities"].as_array().unwrap();
    assert_eq!(q.len(), 2);
    for key in [
        "what",
        "unit",
        "target",
        "actual",
        "approx",
        "constraint",
        "ratio",
    ] {
        assert!(q[0].get(key).is_some(), "quantities carry {key}");
    }
    assert_eq!(
        (q[0]["unit"].as_str(), q[0]["target"].as_f64()),
        (Some("期"), Some(50.0))
    );
    assert_eq!(
        (q[1]["unit"].as_str(), q[1]["actual"].as_f64()),
        (Some("人"), Some(2000.0))
    );
    assert_eq!(q[1]["approx"], "余");
    assert_eq!(v["completion"], 1.0);
    assert_eq!(v["status"], "已完成");
    assert_eq!(v["qualitative"], false);
}

#[test]
fn assess_uses_time_progress_and_keeps_unknowns_null() {
    let v = json(&[
        "assess",
        "--json",
        "--target",
        "全市辅导拟离婚人员不少于2000对",
        "--progress",
        "目前，已完成全年辅导任务。申请离婚数9189，劝和对数3620。",
    ]);
    assert_eq!(v["completion"], serde_json::Value::Null);
    assert_eq!(v["status"], "已完成", "decided by wording");
    assert_eq!(v["quantities"][0]["constraint"], "at_least");

    let early = json(&[
        "assess",
        "--json",
        "--target",
        "培训1000人",
        "--progress",
        "已培训480人",
        "--time-progress",
        "0.5",
    ]);
    assert_eq!(early["status"], "进度正常");
    let late = json(&[
        "assess",
        "--json",
        "--target",
        "培训1000人",
        "--progress",
        "已培训480人",
    ]);
    assert_eq!(late["status"], "严重滞后");

    let qualitative = json(&[
        "assess",
        "--json",
        "--target",
        "通过开展演讲比赛助力企业复工复产",
        "--progress",
        "开展主题演讲比赛，提振岗位女性建功立业热情。",
    ]);
    assert_eq!(qualitative["status"], "待评估");
    assert_eq!(qualitative["qualitative"], true);

    let bad = jixiao(
        "sqlite::memory:",
        &[
            "assess",
            "--target",
            "a",
            "--progress",
            "b",
            "--time-progress",
            "1.5",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("--time-progress"), "{}", stderr(&bad));
}

#[test]
fn extract_reads_a_text_or_each_line_of_stdin() {
    let v = json(&[
        "extract",
        "--json",
        "培训妇女1.2万人，2022年底建成“十四五”规划",
    ]);
    let qs = v.as_array().unwrap();
    assert_eq!(qs.len(), 1, "the year and the name are not quantities: {v}");
    assert_eq!(
        (qs[0]["value"].as_f64(), qs[0]["unit"].as_str()),
        (Some(12000.0), Some("人"))
    );
    assert_eq!(qs[0]["text"], "1.2万人");

    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["extract", "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("救助29万元\n第三季度\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0][0]["value"], 290000.0);
    assert_eq!(lines[0][0]["unit"], "元");
    assert_eq!(lines[1], serde_json::json!([]));
}

#[tokio::test]
async fn an_import_stores_each_tasks_reading_and_status() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let store = db.store().await;
        let scheme = store.list_schemes().await.unwrap().remove(0);
        let unit = store.unit_by_name("枣庄市妇联").await.unwrap().unwrap();
        let table = store
            .unit_table(scheme.id, unit.id, None)
            .await
            .unwrap()
            .unwrap();
        let by_name = |n: &str| {
            table
                .tasks
                .iter()
                .find(|t| t.name == n)
                .and_then(|t| t.report.clone())
                .unwrap()
        };
        let care = by_name("妇女儿童关爱服务工作");
        assert_eq!(
            care.status.as_deref(),
            Some("seriously_lagging"),
            "{}",
            db.backend
        );
        assert!((care.completion.unwrap() - 0.1933).abs() < 1e-3);
        assert!(care.reading.as_deref().unwrap().contains("\"pairs\""));
        let offline = by_name("妇女群众思想文化线下宣传工作");
        assert_eq!(offline.status.as_deref(), Some("exceeded"));
        assert!((offline.completion.unwrap() - 2.04).abs() < 1e-6);
        let first = by_name("思想作风能力建设工作");
        assert_eq!(first.status.as_deref(), Some("needs_review"));
        assert_eq!(first.completion, None);
        store.close().await;

        let server = TestServer::start(db.store().await).await;
        let (_, html) = server
            .get(&format!("/schemes/{}/units/{}", scheme.id, unit.id))
            .await;
        assert!(html.contains(">完成率</th>") && html.contains(">状态</th>"));
        assert!(html.contains("<span class=\"status s-seriously_lagging\">严重滞后</span>"));
        assert!(html.contains(">19.3%</td>"));
    }
}

#[tokio::test]
async fn the_task_page_marks_the_numbers_it_used() {
    let db = databases().await.remove(0);
    let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
    assert!(out.status.success());
    let store = db.store().await;
    let scheme = store.list_schemes().await.unwrap().remove(0);
    let unit = store.unit_by_name("枣庄市妇联").await.unwrap().unwrap();
    let table = store
        .unit_table(scheme.id, unit.id, None)
        .await
        .unwrap()
        .unwrap();
    let task = table
        .tasks
        .iter()
        .find(|t| t.name == "妇女儿童关爱服务工作")
        .unwrap();
    let server = TestServer::start(store).await;
    let (status, html) = server.get(&format!("/tasks/{}", task.id)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<mark class=\"q-used\">150人</mark>"),
        "target marked"
    );
    assert!(
        html.contains("<mark class=\"q-used\">29人</mark>"),
        "actual marked"
    );
    assert!(html.contains("<mark class=\"q-used\">307名</mark>"));
    assert!(
        !html.contains("<mark class=\"q-used\">150名</mark>"),
        "a plan is not an achievement"
    );
    assert!(html.contains(">19.3%</td>") && html.contains(">102.3%</td>"));
    assert!(html.contains("严重滞后"));
    assert!(html.contains("实际 ÷ 目标"));
}
