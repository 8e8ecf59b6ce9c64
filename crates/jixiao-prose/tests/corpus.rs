//! The reader on the real-documents corpus (`fixtures/corpus/`): labelled target/progress pairs
//! quoted from public government pages, split once by source into a **dev** part (the reader is
//! built with it) and a **test** part (only its figures are looked at; a failing test pair is
//! answered by a similar dev pair, never by tuning on it). The floors below are the figures
//! measured when they were last raised (BENCHMARKS.md), so a change that reads worse fails here;
//! the goal for the test part is 97 % targets found and 95 % for the other three.

mod labels;

fn figures(part: &str) -> labels::Figures {
    let path = format!(
        "{}/../../fixtures/corpus/{part}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let f = labels::score(&text);
    println!("{}", f.summary(part));
    f
}

fn at_least(what: &str, got: f64, floor: f64) {
    assert!(
        got >= floor,
        "{what}: {got:.1}% is below the floor {floor:.1}%"
    );
}

#[test]
fn the_dev_part_reads_at_least_as_well_as_when_last_measured() {
    let f = figures("dev");
    for failure in &f.failures {
        print!("{failure}");
    }
    at_least("dev targets found", f.recall(), 98.9);
    at_least("dev precision", f.precision(), 97.4);
    at_least("dev actual right", f.actual(), 96.1);
    at_least("dev completion within 2%", f.completion(), 97.4);
}

#[test]
fn the_test_part_reads_at_least_as_well_as_when_last_measured() {
    // Figures only: the failing pairs of the test part are not printed. The precision floor is
    // below the fourth round's (91.2) because three test pairs added in the fifth round read
    // 3 of 11 found targets right; on the fourth round's 283 pairs precision is 91.5 %.
    let f = figures("test");
    at_least("test targets found", f.recall(), 95.0);
    at_least("test precision", f.precision(), 89.0);
    at_least("test actual right", f.actual(), 90.7);
    at_least("test completion within 2%", f.completion(), 88.7);
}

#[test]
fn the_corpus_has_four_hundred_pairs_from_forty_sources_split_by_source() {
    let urls = |part: &str| -> std::collections::BTreeSet<String> {
        let path = format!(
            "{}/../../fixtures/corpus/{part}.jsonl",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("json line");
                let s = v["source"].as_str().unwrap_or_default();
                s.rsplit(" | ").next().unwrap_or(s).trim().to_string()
            })
            .collect()
    };
    let (dev, test) = (urls("dev"), urls("test"));
    assert!(dev.is_disjoint(&test), "a source in both parts");
    assert!(
        dev.len() + test.len() >= 40,
        "{} sources",
        dev.len() + test.len()
    );
    let pairs = figures("dev").pairs + figures("test").pairs;
    assert!(pairs >= 400, "{pairs} pairs");
}
