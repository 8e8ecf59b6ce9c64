//! The seed table (15 rows) as PDF, with the fonts loaded once.
//!
//! `CARGO_TARGET_DIR=/work/target-office cargo bench -p jixiao-pdf --bench pdf`
//!
//! Goal: under 100 ms per PDF. Needs a CJK font (Debian `fonts-noto-cjk`).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_office::export::ExportTable;
use jixiao_pdf::{FontSet, to_pdf};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/seed.txt");

fn bench(c: &mut Criterion) {
    let parsed = jixiao_office::read_path(Path::new(SEED)).expect("seed.txt");
    let t = ExportTable::from_parsed(&parsed);
    let Ok(fonts) = FontSet::system() else {
        eprintln!(
            "NOTE: no CJK font installed (apt-get install fonts-noto-cjk); nothing to measure"
        );
        return;
    };
    c.bench_function("pdf_seed", |b| {
        b.iter(|| to_pdf(black_box(&t), &fonts).expect("pdf"))
    });
    c.bench_function("pdf_load_system_fonts", |b| {
        b.iter(|| FontSet::system().expect("fonts"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
