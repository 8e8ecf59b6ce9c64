//! Exporting the seed table (15 rows) to .docx and .xlsx (and the text forms).
//!
//! `CARGO_TARGET_DIR=/work/target-office cargo bench -p jixiao-office --bench export`
//!
//! Criterion reports the time for one export of the whole table. Goal: .docx and .xlsx under 5 ms.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_office::export::{ExportTable, ExtraColumns, to_csv, to_docx, to_html, to_txt, to_xlsx};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/seed.txt");

fn seed() -> ExportTable {
    let parsed = jixiao_office::read_path(Path::new(SEED)).expect("seed.txt");
    ExportTable::from_parsed(&parsed)
}

fn bench(c: &mut Criterion) {
    let t = seed();
    let mut all = t.clone();
    all.columns = ExtraColumns {
        completion: true,
        status: true,
        score: true,
    };
    let mut g = c.benchmark_group("export_seed");
    g.bench_function("docx", |b| b.iter(|| to_docx(black_box(&t)).expect("docx")));
    g.bench_function("xlsx", |b| b.iter(|| to_xlsx(black_box(&t)).expect("xlsx")));
    g.bench_function("xlsx_extra_columns", |b| {
        b.iter(|| to_xlsx(black_box(&all)).expect("xlsx"))
    });
    g.bench_function("txt", |b| b.iter(|| to_txt(black_box(&t))));
    g.bench_function("csv", |b| b.iter(|| to_csv(black_box(&t))));
    g.bench_function("html", |b| b.iter(|| to_html(black_box(&t))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
