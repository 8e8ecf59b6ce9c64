//! The prose reader and the status rule together on the seed table's 15 tasks (`fixtures/seed.labels.json`): every status is one of the
//! accepted values and every completion falls in its range (or is `None` where the label says
//! null), at year end with the default tolerance. Prints one line per task.

use jixiao_domain::prose::assess;
use jixiao_domain::status::{DEFAULT_TOLERANCE, Status, TimeProgress, status_of};
use serde_json::Value;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/seed.labels.json"
);

#[test]
fn every_seed_task_gets_an_accepted_status_and_completion() {
    let text = std::fs::read_to_string(SEED).expect("seed.labels.json");
    let doc: Value = serde_json::from_str(&text).expect("json");
    let tasks = doc["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 15);
    let mut failures = Vec::new();
    println!(
        "{:<32} {:>10} {:>18} {:<10} {:<16} wording",
        "task", "completion", "expected", "status", "accepted"
    );
    for t in tasks {
        let name = t["task"].as_str().unwrap_or_default();
        let reading = assess(
            t["target"].as_str().unwrap_or_default(),
            t["progress"].as_str().unwrap_or_default(),
        );
        let status = status_of(
            reading.completion,
            reading.wording.into(),
            TimeProgress::YEAR_END,
            DEFAULT_TOLERANCE,
        );
        let exp = &t["expected"];
        let accepted: Vec<Status> = exp["status"]
            .as_array()
            .expect("status list")
            .iter()
            .filter_map(|s| Status::parse(s.as_str().unwrap_or_default()))
            .collect();
        let range = exp["completion"].as_array().map(|r| {
            (
                r[0].as_f64().unwrap_or(f64::NAN),
                r[1].as_f64().unwrap_or(f64::NAN),
            )
        });
        let completion_ok = match (range, reading.completion) {
            (None, None) => true,
            (Some((lo, hi)), Some(c)) => c >= lo - 1e-4 && c <= hi + 1e-4,
            _ => false,
        };
        let status_ok = accepted.contains(&status);
        println!(
            "{:<32} {:>10} {:>18} {:<10} {:<16} {:?}",
            name,
            reading
                .completion
                .map_or("null".into(), |c| format!("{c:.4}")),
            range.map_or("null".into(), |(a, b)| format!("[{a:.4}, {b:.4}]")),
            status.label_zh(),
            accepted
                .iter()
                .map(|s| s.label_zh())
                .collect::<Vec<_>>()
                .join("/"),
            reading.wording,
        );
        if !(completion_ok && status_ok) {
            failures.push(format!("{name}: {reading:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
