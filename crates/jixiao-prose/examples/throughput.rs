//! `cargo run --release -p jixiao-prose --example throughput -- extract|assess [ROUNDS]`:
//! reads the seed's texts ROUNDS times (default 20000) and prints texts per second. Run it
//! under `perf stat -e task-clock` on a busy machine to count CPU time rather than wall time.

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "extract".into());
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed.labels.json"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default())
            .unwrap_or_default();
    let pairs: Vec<(String, String)> = doc["tasks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["target"].as_str().unwrap_or_default().to_string(),
                t["progress"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let started = Instant::now();
    for _ in 0..rounds {
        for (t, p) in &pairs {
            if mode == "assess" {
                black_box(jixiao_prose::assess(black_box(t), black_box(p)));
            } else {
                black_box(jixiao_prose::extract(black_box(t)));
                black_box(jixiao_prose::extract(black_box(p)));
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let texts = (rounds * pairs.len() * 2) as f64;
    println!(
        "{mode}: {texts} texts in {secs:.3} s wall: {:.0} texts/s",
        texts / secs
    );
}
