//! The reader over the seed's texts (the 15 targets and 15 progress texts of
//! `fixtures/seed.labels.json`).
//!
//! `CARGO_TARGET_DIR=/work/target-prose cargo bench -p jixiao-prose --bench reader`
//!
//! Criterion reports the time for one pass over all texts; the throughput line gives texts
//! per second on one core (criterion runs single-threaded).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/seed.labels.json"
);

fn seed_pairs() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(SEED).expect("seed.labels.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("json");
    doc["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["target"].as_str().unwrap_or_default().to_string(),
                t["progress"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn reader(c: &mut Criterion) {
    let pairs = seed_pairs();
    let texts: Vec<&str> = pairs
        .iter()
        .flat_map(|(t, p)| [t.as_str(), p.as_str()])
        .collect();
    let mut g = c.benchmark_group("seed");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("extract", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(jixiao_prose::extract(black_box(t)));
            }
        })
    });
    // assess reads two texts per pair: the same texts, counted per text
    g.bench_function("assess", |b| {
        b.iter(|| {
            for (t, p) in &pairs {
                black_box(jixiao_prose::assess(black_box(t), black_box(p)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, reader);
criterion_main!(benches);
