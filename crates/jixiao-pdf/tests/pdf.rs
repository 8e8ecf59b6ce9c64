//! The seed as PDF: every task name and weight can be read back with `pdftotext`, the fonts are
//! embedded subsets, the pages are A4 landscape.
//!
//! Needs a CJK font (Debian `fonts-noto-cjk`) and `pdftotext`/`pdffonts` (`poppler-utils`).
//! Skipped with a note when either is missing, unless `JIXIAO_REQUIRE_OFFICE=1` (CI), which makes
//! that a failure. `JIXIAO_EXPORT_KEEP=/some/dir` keeps the PDFs there.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use jixiao_office::export::{ExportTable, ExtraColumns};
use jixiao_pdf::{FontSet, to_pdf};

fn seed() -> ExportTable {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed.txt"
    ));
    ExportTable::from_parsed(&jixiao_office::read_path(&path).unwrap())
}

fn tools() -> Option<FontSet> {
    let required = std::env::var("JIXIAO_REQUIRE_OFFICE").is_ok_and(|v| v == "1");
    let fonts = FontSet::system();
    let poppler = Command::new("pdftotext").arg("-v").output().is_ok();
    match (fonts, poppler) {
        (Ok(f), true) => Some(f),
        (fonts, _) => {
            let why = match fonts {
                Err(e) => e.to_string(),
                Ok(_) => "pdftotext (poppler-utils) not installed".into(),
            };
            assert!(!required, "JIXIAO_REQUIRE_OFFICE=1 but: {why}");
            eprintln!("NOTE: skipped the PDF check: {why}");
            None
        }
    }
}

fn run(cmd: &str, args: &[&str], pdf: &Path) -> String {
    let mut c = Command::new(cmd);
    c.args(args).arg(pdf);
    if cmd == "pdftotext" {
        c.arg("-");
    }
    let out = c.output().unwrap();
    assert!(out.status.success(), "{cmd} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// True when `needle` is in `text` whole, or broken by a page break (the next page's footer and
/// repeated header in between).
fn has_maybe_across_a_page(text: &str, needle: &str) -> bool {
    text.contains(needle)
        || needle.char_indices().skip(1).any(|(k, _)| {
            let (head, tail) = needle.split_at(k);
            text.match_indices(head).any(|(i, _)| {
                let after = &text[i + head.len()..];
                after.find(tail).is_some_and(|j| {
                    let between = &after[..j];
                    between.contains("页，共") && between.contains("一级指标")
                })
            })
        })
}

#[test]
fn the_seed_as_pdf_has_every_task_and_weight_in_embedded_subset_fonts() {
    let Some(fonts) = tools() else { return };
    let keep = std::env::var_os("JIXIAO_EXPORT_KEEP").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let dir = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();

    let plain = seed();
    let mut extras = seed();
    extras.period_label = Some("2022年第三季度".into());
    extras.columns = ExtraColumns {
        completion: true,
        status: true,
        score: true,
    };
    for r in &mut extras.rows {
        r.completion = Some(0.75);
        r.status = Some("正常推进".into());
        r.score = Some(r.weight * 0.9);
    }
    for (name, t) in [("pdf-seed.pdf", &plain), ("pdf-extras.pdf", &extras)] {
        let start = Instant::now();
        let bytes = to_pdf(t, &fonts).unwrap();
        eprintln!("{name}: {} bytes in {:?}", bytes.len(), start.elapsed());
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();

        let text = squeeze(&run("pdftotext", &["-raw"], &path));
        assert!(text.contains(&squeeze(&t.title)), "{name}: title");
        assert!(text.contains("主管部门：枣庄市妇联"), "{name}: department");
        for r in &t.rows {
            assert!(
                has_maybe_across_a_page(&text, &r.task),
                "{name}: task {}",
                r.task
            );
        }
        for w in [15.0, 25.0, 30.0, 40.0] {
            let needle = format!("{w}分");
            let want = t.rows.iter().filter(|r| r.weight == w).count();
            let got = text.matches(&needle).count();
            assert!(got >= want, "{name}: {needle} {got} times, want {want}");
        }
        assert!(text.contains("合计400分"), "{name}: total");

        let fonts_list = run("pdffonts", &[], &path);
        let embedded: Vec<&str> = fonts_list.lines().skip(2).collect();
        assert!(!embedded.is_empty());
        for l in &embedded {
            // name type encoding emb sub uni: every font embedded and subset.
            let cols: Vec<&str> = l.split_whitespace().collect();
            let n = cols.len();
            assert!(
                n >= 6 && cols[n - 5] == "yes" && cols[n - 4] == "yes",
                "{name}: {l}"
            );
        }
        let info = run("pdfinfo", &[], &path);
        assert!(
            info.contains("841.89 x 595.28") || info.contains("842 x 595"),
            "{name}: {info}"
        );
    }
}

#[test]
fn odd_tables_make_pdfs_without_panicking() {
    let Some(fonts) = tools() else { return };
    let row = |task: String, progress: String, weight: f64| jixiao_office::export::ExportRow {
        level1: "一级\u{0}<&>".into(),
        level2: String::new(),
        task,
        target: "😀🙂 emoji 没有字形".into(),
        progress,
        weight,
        completion: Some(f64::NAN),
        status: Some("\t\r\n".into()),
        score: Some(f64::INFINITY),
    };
    let t = ExportTable {
        title: "x".repeat(500),
        department: "\n".into(),
        period_label: Some(String::new()),
        rows: vec![
            row("a".repeat(5000), "长".repeat(20_000), f64::NAN),
            row(String::new(), "一行\n".repeat(400), -1.0),
            row("合计".into(), String::new(), 1e300),
        ],
        columns: ExtraColumns {
            completion: true,
            status: true,
            score: true,
        },
        score_total: None,
    };
    let pdf = to_pdf(&t, &fonts).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn a_ranking_of_many_units_reads_back_in_order_with_the_header_on_every_page() {
    use jixiao_office::export::{RankingRow, RankingTable};
    let Some(fonts) = tools() else { return };
    let rows: Vec<RankingRow> = (1..=120)
        .map(|i| RankingRow {
            rank: i,
            type_rank: i.div_ceil(2),
            unit: format!("第{i:03}号乡镇人民政府"),
            unit_type: if i % 2 == 0 { "街道" } else { "乡镇" }.to_string(),
            total: 100.0 - i as f64 * 0.25,
            mean_completion: Some(1.0 - i as f64 / 1000.0),
            pending: i % 3,
            note: if i == 120 {
                "一票否决（重大安全生产事故），等次不合格".to_string()
            } else {
                String::new()
            },
        })
        .collect();
    let table = RankingTable {
        title: "2026年度乡镇目标责任考核".to_string(),
        period_label: "2026年度".to_string(),
        rows,
    };
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("ranking.pdf");
    std::fs::write(&path, jixiao_pdf::ranking_to_pdf(&table, &fonts).unwrap()).unwrap();
    let text = squeeze(&run("pdftotext", &["-layout"], &path));
    assert!(
        text.starts_with("2026年度乡镇目标责任考核排名（2026年度）"),
        "{text}"
    );
    let at: Vec<usize> = (1..=120)
        .map(|i| {
            text.find(&format!("第{i:03}号乡镇人民政府"))
                .unwrap_or_else(|| panic!("unit {i} missing"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "units in rank order");
    let pages = text.matches("页，共").count();
    assert!(pages >= 3, "120 rows take several pages: {pages}");
    assert_eq!(
        text.matches("平均完成率").count(),
        pages,
        "a header on each page"
    );
    assert!(text.contains("一票否决（重大安全生产事故），等次不合格"));
    assert!(
        text.contains("99.75") && text.contains("70"),
        "totals as numbers"
    );
}
