//! The seed, written out and read back: every exported .docx/.xlsx/.txt imports to the same 15
//! rows; LibreOffice opens the .docx and .xlsx and prints every task and weight.
//!
//! The LibreOffice test needs `soffice` (Debian `libreoffice-writer-nogui`,
//! `libreoffice-calc-nogui`), `pdftotext` (`poppler-utils`) and a CJK font (`fonts-noto-cjk`). It
//! is skipped with a note when `soffice` is missing, unless `JIXIAO_REQUIRE_OFFICE=1`, which makes
//! a missing tool a failure (CI). `JIXIAO_EXPORT_KEEP=/some/dir` keeps the files and PDFs there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jixiao_office::export::{ExportTable, ExtraColumns, to_csv, to_docx, to_html, to_txt, to_xlsx};
use jixiao_office::{ParsedTable, read_bytes, read_path};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/")).join(name)
}

fn seed() -> ParsedTable {
    read_path(&fixture("seed.txt")).unwrap()
}

/// The seed with the optional columns filled, as a period's appraisal would have them.
fn seed_with_extras() -> ExportTable {
    let mut t = ExportTable::from_parsed(&seed());
    t.period_label = Some("2022年第三季度".into());
    t.columns = ExtraColumns {
        completion: true,
        status: true,
        score: true,
    };
    for (i, r) in t.rows.iter_mut().enumerate() {
        r.completion = Some(0.6 + i as f64 * 0.05);
        r.status = Some(
            if i % 3 == 0 {
                "正常推进"
            } else {
                "超额完成"
            }
            .into(),
        );
        r.score = Some(r.weight * 0.9);
    }
    t
}

type Key = (String, String, String, String, String, Option<u64>);

fn rows_of(t: &ParsedTable) -> Vec<Key> {
    t.rows
        .iter()
        .map(|r| {
            (
                r.level1.clone(),
                r.level2.clone(),
                r.task.clone(),
                r.target.clone(),
                r.progress.clone(),
                r.weight.map(f64::to_bits),
            )
        })
        .collect()
}

fn assert_round_trips(file: &str, bytes: &[u8]) {
    let want = seed();
    let got = read_bytes(file, bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(got.title, want.title, "{file}");
    assert_eq!(got.department, want.department, "{file}");
    assert_eq!(got.rows.len(), 15, "{file}");
    assert_eq!(rows_of(&got), rows_of(&want), "{file}");
    assert!(got.warnings.is_empty(), "{file}: {:#?}", got.warnings);
}

#[test]
fn the_seed_exported_to_docx_reads_back_to_the_same_rows() {
    let t = ExportTable::from_parsed(&seed());
    assert_round_trips("seed-export.docx", &to_docx(&t).unwrap());
}

#[test]
fn the_seed_exported_to_xlsx_reads_back_to_the_same_rows() {
    let t = ExportTable::from_parsed(&seed());
    assert_round_trips("seed-export.xlsx", &to_xlsx(&t).unwrap());
}

#[test]
fn the_seed_exported_to_txt_reads_back_to_the_same_rows() {
    let t = ExportTable::from_parsed(&seed());
    assert_round_trips("seed-export.txt", to_txt(&t).as_bytes());
}

#[test]
fn optional_columns_and_a_period_read_back_with_the_completion_as_stated() {
    let t = seed_with_extras();
    for (file, bytes) in [
        ("extras.docx", to_docx(&t).unwrap()),
        ("extras.xlsx", to_xlsx(&t).unwrap()),
        ("extras.txt", to_txt(&t).into_bytes()),
    ] {
        let got = read_bytes(file, &bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(got.warnings.is_empty(), "{file}: {:#?}", got.warnings);
        // The 完成率 column is a completion the table states: read into stated_completion, and
        // added to a progress without a percentage of its own, for the prose reader.
        for ((g, w), exported) in got.rows.iter().zip(&seed().rows).zip(&t.rows) {
            let completion = exported.completion.unwrap();
            let stated = g.stated_completion.unwrap();
            assert!((stated - completion).abs() < 0.001, "{file}: {stated}");
            let suffix = format!("（完成率{}%）", (completion * 100.0).round());
            let progress = g.progress.strip_suffix(&suffix).unwrap_or(&g.progress);
            assert_eq!(progress, w.progress, "{file}");
            assert_eq!(
                progress != g.progress,
                !w.progress.contains('%'),
                "{file}: {}",
                g.progress
            );
            assert_eq!(
                (&g.task, &g.target, g.weight),
                (&w.task, &w.target, w.weight),
                "{file}"
            );
        }
        assert_eq!(got.rows.len(), 15, "{file}");
    }
}

#[test]
fn csv_and_html_carry_every_task_and_weight() {
    let t = seed_with_extras();
    let csv = String::from_utf8(to_csv(&t)).unwrap();
    let html = to_html(&t);
    assert_eq!(csv.lines().count(), 16);
    for r in &t.rows {
        assert!(csv.contains(&r.task), "{}", r.task);
        assert!(html.contains(&r.task), "{}", r.task);
    }
    assert!(html.contains(">400分</td>"), "total");
    assert!(html.contains("rowspan=\"15\""));
}

// ---------------------------------------------------------------------------------------------
// LibreOffice

fn has_tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Runs a command with a time limit; kills it when the limit passes.
fn run_with_timeout(cmd: &mut Command, limit: Duration) -> Result<(), String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                let out = child.wait_with_output().map_err(|e| e.to_string())?;
                return Err(format!(
                    "{cmd:?}: {status}\n{}\n{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{cmd:?}: still running after {limit:?}, killed"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Converts `file` to PDF with LibreOffice (own profile in `dir`, so parallel runs don't share
/// one) and returns the PDF's text.
fn soffice_pdf_text(file: &Path, scratch: &Path) -> String {
    let profile = scratch.join("lo-profile");
    let dir = file.parent().unwrap_or(scratch);
    let mut cmd = Command::new("soffice");
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ))
    .args([
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
    ])
    .arg(dir)
    .arg(file)
    .env("HOME", scratch);
    run_with_timeout(&mut cmd, Duration::from_secs(180)).unwrap();
    let pdf = file.with_extension("pdf");
    assert!(pdf.exists(), "LibreOffice made no {}", pdf.display());
    // -raw: text in content-stream order, so a cell's lines stay together.
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// True when `needle` is in `text` whole, or broken by a page break: a row may split over two
/// pages, so its first part ends one page and the rest follows the next page's footer and header.
fn has_maybe_across_a_page(text: &str, needle: &str) -> bool {
    if text.contains(needle) {
        return true;
    }
    needle.char_indices().skip(1).any(|(k, _)| {
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

fn assert_has_every_task_and_weight(what: &str, text: &str, t: &ExportTable) {
    let text = squeeze(text);
    assert!(text.contains(&squeeze(&t.title)), "{what}: title missing");
    assert!(
        text.contains("主管部门：枣庄市妇联"),
        "{what}: department missing"
    );
    for r in &t.rows {
        assert!(
            has_maybe_across_a_page(&text, &squeeze(&r.task)),
            "{what}: task {} missing",
            r.task
        );
    }
    for w in [15.0, 25.0, 30.0, 40.0] {
        let needle = format!("{w}分");
        let want = t.rows.iter().filter(|r| r.weight == w).count();
        let got = text.matches(&needle).count();
        assert!(got >= want, "{what}: {needle} {got} times, want {want}");
    }
    // 合计 and its 400分 (the 一级 label "（400分）" is the other 400分); a sheet's merged cells
    // may come out of the stream away from their row, so not necessarily side by side.
    assert!(text.contains("合计"), "{what}: 合计 missing");
    assert!(text.matches("400分").count() >= 2, "{what}: total missing");
}

#[test]
fn libreoffice_prints_every_task_and_weight_of_the_exported_docx_and_xlsx() {
    let required = std::env::var("JIXIAO_REQUIRE_OFFICE").is_ok_and(|v| v == "1");
    if !has_tool("soffice") || !has_tool("pdftotext") {
        assert!(
            !required,
            "JIXIAO_REQUIRE_OFFICE=1 but soffice or pdftotext is missing: \
             apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk"
        );
        eprintln!(
            "NOTE: skipped the LibreOffice check: soffice or pdftotext not installed \
             (set JIXIAO_REQUIRE_OFFICE=1 to make this a failure)"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("JIXIAO_EXPORT_KEEP").map(PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();

    let plain = ExportTable::from_parsed(&seed());
    let extras = seed_with_extras();
    let files = [
        ("docx-seed.docx", to_docx(&plain).unwrap(), &plain),
        ("xlsx-seed.xlsx", to_xlsx(&plain).unwrap(), &plain),
        ("docx-extras.docx", to_docx(&extras).unwrap(), &extras),
        ("xlsx-extras.xlsx", to_xlsx(&extras).unwrap(), &extras),
    ];
    for (name, bytes, table) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let text = soffice_pdf_text(&path, tmp.path());
        assert_has_every_task_and_weight(name, &text, table);
    }
    // The ranking table in Word: LibreOffice prints every unit with its total and note.
    let ranking = jixiao_office::export::RankingTable {
        title: "2023年度绩效考核".into(),
        period_label: "2023年全年".into(),
        rows: (1..=40)
            .map(|i| jixiao_office::export::RankingRow {
                rank: i,
                type_rank: i,
                unit: format!("第{i}考核单位"),
                unit_type: "政府部门".into(),
                total: 100.0 - i as f64 / 4.0,
                mean_completion: Some(0.9),
                pending: 0,
                note: if i == 40 {
                    "一票否决".into()
                } else {
                    String::new()
                },
            })
            .collect(),
    };
    let path = dir.join("ranking.docx");
    std::fs::write(
        &path,
        jixiao_office::export::ranking_to_docx(&ranking).unwrap(),
    )
    .unwrap();
    let text = squeeze(&soffice_pdf_text(&path, tmp.path()));
    assert!(text.contains("2023年度绩效考核排名"), "{text}");
    for r in &ranking.rows {
        assert!(text.contains(&squeeze(&r.unit)), "ranking: {}", r.unit);
    }
    assert!(text.contains("90.25") && text.contains("一票否决"));
    if let Some(k) = &keep {
        std::fs::write(k.join("seed-extras.html"), to_html(&extras)).unwrap();
        std::fs::write(k.join("seed-extras.csv"), to_csv(&extras)).unwrap();
        std::fs::write(k.join("seed-extras.txt"), to_txt(&extras)).unwrap();
    }
}
