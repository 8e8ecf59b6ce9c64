//! The seed's three forms must each give exactly `seed.expected.json`.

use std::path::PathBuf;

use jixiao_office::{ParsedTable, read_bytes, read_path};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/")).join(name)
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixture("seed.expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn assert_is_the_seed(table: &ParsedTable) {
    let want = expected();
    let got = serde_json::to_value(table).unwrap();
    assert_eq!(got["title"], want["title"]);
    assert_eq!(got["department"], want["department"]);
    let (got_rows, want_rows) = (
        got["rows"].as_array().unwrap(),
        want["rows"].as_array().unwrap(),
    );
    assert_eq!(got_rows.len(), 15);
    for (i, (g, w)) in got_rows.iter().zip(want_rows).enumerate() {
        assert_eq!(g, w, "row {}", i + 1);
    }
    assert_eq!(got["rows"], want["rows"]);
    assert!(table.warnings.is_empty(), "{:#?}", table.warnings);
    // The JSON contract: exactly six keys per row, weight a number.
    let keys: Vec<&str> = got_rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 6, "{keys:?}");
    assert!(got_rows[0]["weight"].is_f64());
}

#[test]
fn seed_txt_gives_the_expected_table() {
    let table = read_path(&fixture("seed.txt")).unwrap();
    assert_is_the_seed(&table);
    // Rows know their line: the second task's row starts on line 22, its weight is on line 27.
    assert_eq!(table.rows[1].source.row, Some(22));
    assert_eq!(table.rows[3].task, "妇女技能培训工作");
}

#[test]
fn seed_docx_gives_the_expected_table() {
    let table = read_path(&fixture("seed.docx")).unwrap();
    assert_is_the_seed(&table);
    assert_eq!(table.rows[0].source.row, Some(2));
    assert_eq!(
        table.rows[0].source.sheet_or_table.as_deref(),
        Some("表格1")
    );
}

#[test]
fn seed_xlsx_gives_the_expected_table() {
    let table = read_path(&fixture("seed.xlsx")).unwrap();
    assert_is_the_seed(&table);
    assert_eq!(table.rows[0].source.row, Some(4));
}

#[test]
fn seed_txt_in_gb18030_gives_the_same_table() {
    let text = std::fs::read_to_string(fixture("seed.txt")).unwrap();
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let table = read_bytes("seed-gb18030.txt", &bytes).unwrap();
    assert_is_the_seed(&table);
}

#[test]
fn seed_txt_with_bom_and_crlf_gives_the_same_table() {
    let text = std::fs::read_to_string(fixture("seed.txt")).unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
    assert_is_the_seed(&read_bytes("seed.txt", &bytes).unwrap());
}

fn docx(body: &str) -> Vec<u8> {
    use std::io::Write;
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(xml.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

fn tbl(rows: &[&[&str]]) -> String {
    let rows: String = rows
        .iter()
        .map(|r| {
            let cells: String = r.iter().map(|c| format!("<w:tc>{}</w:tc>", p(c))).collect();
            format!("<w:tr>{cells}</w:tr>")
        })
        .collect();
    format!("<w:tbl>{rows}</w:tbl>")
}

#[test]
fn a_docx_table_continued_in_several_tables_is_one_table_and_other_tables_are_ignored() {
    let header: &[&str] = &[
        "一级指标",
        "二级指标",
        "任务名称",
        "目标任务",
        "完成情况",
        "分值",
    ];
    let body = [
        p("2023年度任务进度表"),
        p("主管部门：某局"),
        tbl(&[
            header,
            &["甲（100分）", "乙", "任务一", "目标一", "进度一", "40分"],
        ]),
        p("续表"),
        // continued with the header repeated…
        tbl(&[header, &["", "", "任务二", "目标二", "进度二", "30分"]]),
        // …and without it.
        tbl(&[&["", "丙", "任务三", "目标三", "进度三", "30分"]]),
        // a signature table: not part of the task table.
        tbl(&[&["填报人：张三", "审核人：李四"]]),
    ]
    .concat();
    let t = read_bytes("continued.docx", &docx(&body)).unwrap();
    assert_eq!(t.title, "2023年度任务进度表");
    assert_eq!(t.department.as_deref(), Some("某局"));
    let got: Vec<_> = t
        .rows
        .iter()
        .map(|r| {
            (
                r.level1.as_str(),
                r.level2.as_str(),
                r.task.as_str(),
                r.weight,
                r.source.sheet_or_table.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("甲（100分）", "乙", "任务一", Some(40.0), Some("表格1")),
            ("甲（100分）", "乙", "任务二", Some(30.0), Some("表格2")),
            ("甲（100分）", "丙", "任务三", Some(30.0), Some("表格3")),
        ]
    );
    assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
    assert_eq!(
        t.warnings[0].location.sheet_or_table.as_deref(),
        Some("表格4")
    );
}
