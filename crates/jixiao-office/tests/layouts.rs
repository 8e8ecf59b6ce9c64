//! Real layouts: every spec in `fixtures/layouts/` (a table copied from a public government page,
//! with what a careful clerk says its tasks are) is written here as a .docx and as an .xlsx with
//! its merged cells, read back with the importer, and compared task by task with `expected`.
//!
//! What the importer promises beyond the cells as written, and the comparison therefore allows:
//! * a stated completion is added to the progress for the prose reader: "（完成率87%）" after a
//!   progress without a "%" of its own, or "完成率87%" alone when the row has no progress;
//! * a bare number may come back with a unit the table gives for it (a header's parenthesis, the
//!   单位 column, the task name's parenthesis, the other cell's measure word) where the clerk
//!   left it bare.
//!
//! The title must be the spec's `title` (or "" when it has none) and the department the spec's
//! `expected_department` (or none: a line such as "单位:个、亿元" is not a department). A spec may
//! carry `column_map` (read with [`read_bytes_with`]), `expected_error` (the import must fail
//! with that error kind) or `known_gap` (why the reader cannot read it yet: the test then checks
//! that it still does not, so the list stays honest).

use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use jixiao_office::{ColumnMap, ParsedTable, read_bytes_with};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

fn layouts_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/layouts"
    ))
}

/// A spec as the collector wrote it.
struct Spec {
    file: String,
    name: String,
    title: Option<String>,
    department: Option<String>,
    expected_department: Option<String>,
    /// Header rows then data rows, all as wide as the first header row.
    grid: Vec<Vec<String>>,
    /// Merged regions of `grid`: (row, column, height, width).
    merges: Vec<(usize, usize, usize, usize)>,
    expected: Vec<Value>,
    map: ColumnMap,
    expected_error: Option<String>,
    known_gap: Option<String>,
    /// Every text of the table, to tell a unit the table gives from an invented one.
    all_text: String,
}

fn text_of(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|c| c.as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn load(path: &Path) -> Spec {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let headers: Vec<Vec<String>> = v["header_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(strings)
        .collect();
    let width = headers[0].len();
    let mut grid = headers.clone();
    for r in v["rows"].as_array().unwrap() {
        let mut row = strings(r);
        assert_eq!(
            row.len(),
            width,
            "{file}: a row is not as wide as the header"
        );
        row.resize(width, String::new());
        grid.push(row);
    }
    let mut merges = header_merges(&headers);
    for m in v["merges"].as_array().into_iter().flatten() {
        let n: Vec<usize> = m
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as usize)
            .collect();
        merges.push((headers.len() + n[0], n[1], n[2], 1));
    }
    let map = v["column_map"]
        .as_str()
        .map(|m| m.parse().unwrap_or_else(|e| panic!("{file}: {e}")))
        .unwrap_or_default();
    let all_text = grid.iter().flatten().cloned().collect::<Vec<_>>().join("|");
    Spec {
        name: v["name"].as_str().unwrap().to_string(),
        title: text_of(&v["title"]),
        department: text_of(&v["department"]),
        expected_department: text_of(&v["expected_department"]),
        grid,
        merges,
        expected: v["expected"].as_array().cloned().unwrap_or_default(),
        map,
        expected_error: text_of(&v["expected_error"]),
        known_gap: text_of(&v["known_gap"]),
        all_text,
        file,
    }
}

/// The merged regions of the header rows: a text repeated across cells (and down, in a two-row
/// header) is one merged cell, as on the page.
fn header_merges(headers: &[Vec<String>]) -> Vec<(usize, usize, usize, usize)> {
    let mut taken = vec![vec![false; headers[0].len()]; headers.len()];
    let mut out = Vec::new();
    for r in 0..headers.len() {
        for c in 0..headers[r].len() {
            let t = &headers[r][c];
            if taken[r][c] || t.is_empty() {
                continue;
            }
            let mut w = 1;
            while c + w < headers[r].len() && headers[r][c + w] == *t && !taken[r][c + w] {
                w += 1;
            }
            let mut h = 1;
            while r + h < headers.len() && (c..c + w).all(|k| headers[r + h][k] == *t) {
                h += 1;
            }
            for row in taken.iter_mut().skip(r).take(h) {
                for cell in row.iter_mut().skip(c).take(w) {
                    *cell = true;
                }
            }
            if w * h > 1 {
                out.push((r, c, h, w));
            }
        }
    }
    out
}

/// The sheet: title and department lines, then the table with its merged regions.
fn to_xlsx(s: &Spec) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let plain = Format::new();
    let mut top = 0u32;
    for line in [&s.title, &s.department].into_iter().flatten() {
        ws.write_string(top, 0, line).unwrap();
        top += 1;
    }
    let covered = covered_cells(s);
    for (r, row) in s.grid.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() && !covered.contains_key(&(r, c)) {
                ws.write_string(top + r as u32, c as u16, text).unwrap();
            }
        }
    }
    for &(r, c, h, w) in &s.merges {
        let (r0, c0) = (top + r as u32, c as u16);
        ws.merge_range(
            r0,
            c0,
            r0 + h as u32 - 1,
            c0 + w as u16 - 1,
            &s.grid[r][c],
            &plain,
        )
        .unwrap_or_else(|e| panic!("{}: merge {r},{c}: {e}", s.file));
    }
    wb.save_to_buffer().unwrap()
}

/// Every cell of a merged region, with the region it belongs to.
fn covered_cells(s: &Spec) -> HashMap<(usize, usize), (usize, usize, usize, usize)> {
    let mut out = HashMap::new();
    for &m in &s.merges {
        let (r, c, h, w) = m;
        for rr in r..r + h {
            for cc in c..c + w {
                out.insert((rr, cc), m);
            }
        }
    }
    out
}

fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A paragraph per line of the text (a cell written with line breaks).
fn paragraphs(t: &str) -> String {
    t.split('\n')
        .map(|line| {
            format!(
                r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                escape(line)
            )
        })
        .collect()
}

/// The document: title and department paragraphs, then one `w:tbl` whose merged regions are
/// `w:gridSpan` across and `w:vMerge` down, as Word writes them.
fn to_docx(s: &Spec) -> Vec<u8> {
    let covered = covered_cells(s);
    let width = s.grid[0].len();
    let mut body = String::new();
    for line in [&s.title, &s.department].into_iter().flatten() {
        body.push_str(&paragraphs(line));
    }
    body.push_str("<w:tbl><w:tblGrid>");
    for _ in 0..width {
        body.push_str(r#"<w:gridCol w:w="1200"/>"#);
    }
    body.push_str("</w:tblGrid>");
    for (r, row) in s.grid.iter().enumerate() {
        body.push_str("<w:tr>");
        let mut c = 0;
        while c < width {
            let (props, text, step) = match covered.get(&(r, c)) {
                Some(&(r0, c0, h, w)) if c0 == c => {
                    let mut p = String::new();
                    if w > 1 {
                        p.push_str(&format!(r#"<w:gridSpan w:val="{w}"/>"#));
                    }
                    if h > 1 {
                        p.push_str(if r == r0 {
                            r#"<w:vMerge w:val="restart"/>"#
                        } else {
                            "<w:vMerge/>"
                        });
                    }
                    let text = if r == r0 { row[c].as_str() } else { "" };
                    (p, text, w)
                }
                _ => (String::new(), row[c].as_str(), 1),
            };
            body.push_str(&format!(
                "<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>",
                paragraphs(text)
            ));
            c += step;
        }
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A plain number as a cell writes it: "8000", "171.70", "13,500".
fn is_bare_number(t: &str) -> bool {
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// `got` is `want`, or `want` a bare number and `got` that number with a unit the table gives.
fn same_text(got: &str, want: &str, table_text: &str) -> bool {
    if got == want {
        return true;
    }
    got.strip_prefix(want).is_some_and(|unit| {
        is_bare_number(want)
            && unit.chars().count() <= 6
            && !unit.chars().any(|c| c.is_ascii_digit())
            && table_text.contains(unit)
    })
}

/// The progress without the stated completion the importer adds, and that completion (percent).
fn split_stated(progress: &str) -> (&str, Option<f64>) {
    let rate = |t: &str| t.strip_suffix('%').and_then(|n| n.parse::<f64>().ok());
    if let Some(r) = progress.strip_prefix("完成率").and_then(rate) {
        return ("", Some(r));
    }
    if let Some(inner) = progress.strip_suffix('）')
        && let Some(at) = inner.rfind("（完成率")
        && let Some(r) = rate(&inner[at + "（完成率".len()..])
    {
        return (&progress[..at], Some(r));
    }
    (progress, None)
}

/// What differs between the table read and the spec's `expected`, one line each.
fn differences(s: &Spec, t: &ParsedTable) -> Vec<String> {
    let mut out = Vec::new();
    let title = s.title.as_deref().unwrap_or("");
    if t.title != title {
        out.push(format!("title: got {:?}, want {title:?}", t.title));
    }
    if t.department != s.expected_department {
        out.push(format!(
            "department: got {:?}, want {:?}",
            t.department, s.expected_department
        ));
    }
    if t.rows.len() != s.expected.len() {
        out.push(format!(
            "{} tasks read, {} expected: {:?}",
            t.rows.len(),
            s.expected.len(),
            t.rows.iter().map(|r| r.task.as_str()).collect::<Vec<_>>()
        ));
    }
    for (i, (got, want)) in t.rows.iter().zip(&s.expected).enumerate() {
        let mut diff = |what: &str, got: String, want: String| {
            out.push(format!("task {} {what}: got {got:?}, want {want:?}", i + 1))
        };
        let text = |k: &str| want[k].as_str().unwrap_or("").to_string();
        if got.task != text("task") {
            diff("task", got.task.clone(), text("task"));
        }
        if !same_text(&got.target, &text("target"), &s.all_text) {
            diff("target", got.target.clone(), text("target"));
        }
        let stated = want["stated_completion"].as_f64();
        let (progress, added) = split_stated(&got.progress);
        let want_progress = text("progress");
        let promised = stated.is_some() && !want_progress.contains('%');
        let added_ok = match (added, stated) {
            (Some(r), Some(w)) => promised && (r - w * 100.0).abs() < 0.05,
            (None, _) => !promised,
            (Some(_), None) => false,
        };
        if !added_ok || !same_text(progress, &want_progress, &s.all_text) {
            diff("progress", got.progress.clone(), want_progress);
        }
        for level in ["level1", "level2"] {
            if let Some(w) = want[level].as_str() {
                let g = if level == "level1" {
                    &got.level1
                } else {
                    &got.level2
                };
                if g != w {
                    diff(level, g.clone(), w.to_string());
                }
            }
        }
        let weight = want["weight"].as_f64();
        let weights_agree = match (got.weight, weight) {
            (Some(g), Some(w)) => (g - w).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        if !weights_agree {
            diff("weight", format!("{:?}", got.weight), format!("{weight:?}"));
        }
        let completions_agree = match (got.stated_completion, stated) {
            (Some(g), Some(w)) => (g - w).abs() < 0.001,
            (None, None) => true,
            _ => false,
        };
        if !completions_agree {
            diff(
                "stated_completion",
                format!("{:?}", got.stated_completion),
                format!("{stated:?}"),
            );
        }
        let responsible = want["responsible"].as_str();
        if got.responsible.as_deref() != responsible {
            diff(
                "responsible",
                format!("{:?}", got.responsible),
                format!("{responsible:?}"),
            );
        }
    }
    out
}

/// Reads one form of a spec: `None` when it reads as the spec says, else why not.
fn check(s: &Spec, form: &str) -> Option<String> {
    let name = format!("{}.{form}", s.name);
    let bytes = match form {
        "docx" => to_docx(s),
        _ => to_xlsx(s),
    };
    match (read_bytes_with(&name, &bytes, &s.map), &s.expected_error) {
        (Ok(t), None) => {
            let d = differences(s, &t);
            (!d.is_empty()).then(|| d.join("\n      "))
        }
        (Ok(t), Some(kind)) => Some(format!(
            "read {} tasks, expected the error {kind}",
            t.rows.len()
        )),
        (Err(e), Some(kind)) => {
            let got = format!("{:?}", e.kind);
            (!got.starts_with(kind.as_str())).then(|| format!("error {e}, expected {kind}"))
        }
        (Err(e), None) => Some(format!("error: {e}")),
    }
}

#[test]
fn every_real_layout_reads_as_the_clerk_reads_it_from_docx_and_from_xlsx() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(layouts_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 15, "only {} layouts", paths.len());
    let mut report = Vec::new();
    let mut broken = Vec::new();
    for path in &paths {
        let s = load(path);
        let results: Vec<(&str, Option<String>)> = ["docx", "xlsx"]
            .into_iter()
            .map(|form| (form, check(&s, form)))
            .collect();
        let passes = results.iter().all(|(_, r)| r.is_none());
        let verdict = results
            .iter()
            .map(|(form, r)| format!("{form} {}", if r.is_none() { "pass" } else { "FAIL" }))
            .collect::<Vec<_>>()
            .join(", ");
        report.push(format!("{} {}: {verdict}", s.file, s.name));
        match (&s.known_gap, passes) {
            (None, false) => {
                for (form, r) in &results {
                    if let Some(r) = r {
                        broken.push(format!("{} ({form}):\n      {r}", s.file));
                    }
                }
            }
            (Some(_), true) => broken.push(format!(
                "{} reads correctly now: remove its known_gap",
                s.file
            )),
            (Some(gap), false) => report.push(format!("    known gap: {gap}")),
            (None, true) => {}
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn a_two_row_header_becomes_merged_regions_across_and_down() {
    let headers = [
        ["地区", "甲", "甲", "乙", "乙"].map(String::from).to_vec(),
        ["地区", "目标任务", "进度", "目标任务", "进度"]
            .map(String::from)
            .to_vec(),
    ];
    assert_eq!(
        header_merges(&headers),
        [(0, 0, 2, 1), (0, 1, 1, 2), (0, 3, 1, 2)]
    );
}

#[test]
fn the_stated_completion_added_to_a_progress_is_split_off_again() {
    for (progress, want) in [
        ("1095個（完成率47.7%）", ("1095個", Some(47.7))),
        ("完成率70%", ("", Some(70.0))),
        ("已完成(完成30%)", ("已完成(完成30%)", None)),
        ("", ("", None)),
    ] {
        assert_eq!(split_stated(progress), want, "{progress}");
    }
}
