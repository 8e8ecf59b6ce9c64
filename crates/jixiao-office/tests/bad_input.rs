//! Bad and hostile input: every case is an error of the right kind whose message names the file
//! and, where there is one, the row and the column (or cell). Nothing panics.

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;

use jixiao_office::{
    Column, FileFormat, ImportError, ImportErrorKind, ZipLimit, read_bytes, read_path,
};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/")).join(name)
}

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn seed_txt() -> String {
    String::from_utf8(seed("seed.txt")).unwrap()
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

/// A zip of the given (name, content) entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        w.start_file(*name, deflated()).unwrap();
        w.write_all(content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A copy of a zip with one entry's text edited.
fn rezip(src: &[u8], entry: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    let mut archive = ZipArchive::new(Cursor::new(src)).unwrap();
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name == entry {
            content = edit(String::from_utf8(content).unwrap()).into_bytes();
        }
        w.start_file(name, deflated()).unwrap();
        w.write_all(&content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

fn docx_with_body(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", xml.as_bytes()),
    ])
}

fn err(name: &str, bytes: &[u8]) -> ImportError {
    match read_bytes(name, bytes) {
        Ok(t) => panic!("{name} imported {} rows instead of failing", t.rows.len()),
        Err(e) => e,
    }
}

/// The message starts with the location, names the file, and contains every `part`.
fn assert_message(e: &ImportError, parts: &[&str]) {
    let msg = e.to_string();
    assert!(msg.starts_with(&e.location.file), "{msg}");
    for p in parts {
        assert!(msg.contains(p), "{msg:?} lacks {p:?}");
    }
}

#[test]
fn an_empty_file_is_refused_in_every_format() {
    for name in ["empty.txt", "empty.docx", "empty.xlsx"] {
        for bytes in [&b""[..], b"\xEF\xBB\xBF\r\n  \n"] {
            let e = err(name, bytes);
            assert_eq!(e.kind, ImportErrorKind::Empty);
            assert_message(&e, &[name, "文件是空的"]);
        }
    }
}

#[test]
fn a_docx_without_a_table_is_refused() {
    let bytes = docx_with_body(
        "<w:p><w:r><w:t>2022年度工作总结</w:t></w:r></w:p><w:p><w:r><w:t>主管部门：某局</w:t></w:r></w:p>",
    );
    let e = err("总结.docx", &bytes);
    assert_eq!(e.kind, ImportErrorKind::NoTable);
    assert_message(&e, &["总结.docx", "没有找到表格"]);
}

#[test]
fn a_table_without_a_task_column_names_the_header_row_and_lists_its_columns() {
    let text = seed_txt().replace("任务要点名称", "事项");
    let e = err("seed.txt", text.as_bytes());
    assert_eq!(
        e.kind,
        ImportErrorKind::MissingColumn {
            column: Column::Task,
            found: [
                "一级指标",
                "二级指标",
                "事项",
                "年度目标",
                "进度情况",
                "分值权重"
            ]
            .map(String::from)
            .to_vec(),
        }
    );
    assert_eq!(e.location.row, Some(5));
    assert_message(
        &e,
        &[
            "seed.txt 第5行",
            "找不到「任务要点名称」列",
            "任务名称",
            "一级指标、二级指标、事项、年度目标、进度情况、分值权重",
        ],
    );

    // The same in the .docx and the .xlsx forms.
    let docx = rezip(&seed("seed.docx"), "word/document.xml", |x| {
        x.replace("任务要点名称", "事项")
    });
    let e = err("seed.docx", &docx);
    assert!(matches!(
        e.kind,
        ImportErrorKind::MissingColumn {
            column: Column::Task,
            ..
        }
    ));
    assert_message(&e, &["seed.docx 表格1 第1行", "找不到「任务要点名称」列"]);
    let xlsx = rezip(&seed("seed.xlsx"), "xl/worksheets/sheet1.xml", |x| {
        // 任务要点名称 as XML character references
        x.replace(
            "&#20219;&#21153;&#35201;&#28857;&#21517;&#31216;",
            "&#20107;&#39033;",
        )
    });
    let e = err("seed.xlsx", &xlsx);
    assert!(matches!(
        e.kind,
        ImportErrorKind::MissingColumn {
            column: Column::Task,
            ..
        }
    ));
    assert_message(
        &e,
        &[
            "seed.xlsx 工作表「进度情况」第3行",
            "找不到「任务要点名称」列",
        ],
    );
}

#[test]
fn a_weight_in_words_or_letters_names_file_row_and_column() {
    // Every "30分" replaced: the first one, on line 17, fails.
    let e = err("seed.txt", seed_txt().replace("30分", "三十分").as_bytes());
    assert_eq!(
        e.kind,
        ImportErrorKind::BadWeight {
            value: "三十分".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "seed.txt 第17行「分值权重」列：无法识别的分值「三十分」，请写成阿拉伯数字，如“30分”"
    );
    // Only the second "30分" replaced: line 27.
    let text = seed_txt();
    let at = text.match_indices("30分").nth(1).unwrap().0;
    let text = format!("{}abc{}", &text[..at], &text[at + "30分".len()..]);
    let e = err("seed.txt", text.as_bytes());
    assert_eq!(
        e.kind,
        ImportErrorKind::BadWeight {
            value: "abc".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "seed.txt 第27行「分值权重」列：无法识别的分值「abc」，请写成阿拉伯数字，如“30分”"
    );
}

#[test]
fn a_bad_weight_in_docx_and_xlsx_names_the_table_row_and_cell() {
    let docx = rezip(&seed("seed.docx"), "word/document.xml", |x| {
        x.replacen("<w:t>30分</w:t>", "<w:t>三十分</w:t>", 1)
    });
    let e = err("seed.docx", &docx);
    assert_eq!(
        e.kind,
        ImportErrorKind::BadWeight {
            value: "三十分".into()
        }
    );
    assert_message(
        &e,
        &["seed.docx 表格1 第2行「分值权重」列：无法识别的分值「三十分」"],
    );

    let xlsx = rezip(&seed("seed.xlsx"), "xl/worksheets/sheet1.xml", |x| {
        x.replacen(
            r#"<c r="F5" s="1" t="inlineStr"><is><t>30&#20998;"#,
            r#"<c r="F5" s="1" t="inlineStr"><is><t>abc"#,
            1,
        )
    });
    let e = err("seed.xlsx", &xlsx);
    assert_eq!(
        e.kind,
        ImportErrorKind::BadWeight {
            value: "abc".into()
        }
    );
    assert_eq!(e.location.cell.as_deref(), Some("F5"));
    assert_eq!(
        e.to_string(),
        "seed.xlsx 工作表「进度情况」第5行「分值权重」列（F5单元格）：无法识别的分值「abc」，请写成阿拉伯数字，如“30分”"
    );
}

#[test]
fn a_task_without_weight_and_a_negative_weight_are_refused_at_their_line() {
    let e = err(
        "seed.txt",
        seed_txt().replacen("\t30分\n", "\t\n", 1).as_bytes(),
    );
    assert_eq!(
        e.kind,
        ImportErrorKind::MissingWeight {
            task: "思想作风能力建设工作".into()
        }
    );
    assert_message(&e, &["seed.txt 第17行「分值权重」列", "没有填写分值"]);
    let e = err(
        "seed.txt",
        seed_txt().replacen("\t30分\n", "\t-30分\n", 1).as_bytes(),
    );
    assert_eq!(
        e.kind,
        ImportErrorKind::NegativeWeight {
            value: "-30分".into()
        }
    );
    assert_message(&e, &["seed.txt 第17行「分值权重」列", "负数"]);
}

#[test]
fn a_truncated_xlsx_or_docx_is_reported_as_damaged() {
    for name in ["seed.xlsx", "seed.docx"] {
        let bytes = seed(name);
        let e = err(name, &bytes[..bytes.len() / 2]);
        assert!(matches!(e.kind, ImportErrorKind::CorruptZip { .. }), "{e}");
        assert_message(&e, &[name, "损坏或不完整"]);
    }
}

/// A zip whose `word/document.xml` and `xl/worksheets/sheet1.xml` are 200 MB of zeros each side
/// of nothing: about 200 KB compressed. Written in 1 MiB chunks, so memory stays small.
fn zip_bomb() -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("xl/workbook.xml", deflated()).unwrap();
    w.write_all(b"<workbook/>").unwrap();
    w.start_file("word/document.xml", deflated()).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..200 {
        w.write_all(&chunk).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_expanded() {
    let bomb = zip_bomb();
    assert!(bomb.len() < 2 << 20, "compressed to {} bytes", bomb.len());
    for name in ["bomb.docx", "bomb.xlsx"] {
        let started = std::time::Instant::now();
        let e = err(name, &bomb);
        assert!(
            matches!(
                &e.kind,
                ImportErrorKind::ZipBomb {
                    limit: ZipLimit::EntryTooLarge { entry } | ZipLimit::ExpansionRatio { entry }
                } if entry == "word/document.xml"
            ),
            "{e}"
        );
        assert_message(&e, &[name, "压缩炸弹", "word/document.xml"]);
        assert!(
            started.elapsed().as_secs() < 20,
            "took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_zip_with_too_many_entries_is_refused() {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..2_001 {
        w.start_file(format!("word/media/{i}.xml"), SimpleFileOptions::default())
            .unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    let e = err("many.docx", &bytes);
    assert_eq!(
        e.kind,
        ImportErrorKind::ZipBomb {
            limit: ZipLimit::TooManyEntries { count: 2_001 }
        }
    );
    assert_message(&e, &["many.docx", "2001"]);
}

#[test]
fn malformed_xml_and_entity_tricks_in_a_docx_are_refused() {
    let e = err(
        "bad.docx",
        &docx_with_body("<w:tbl><w:tr><w:tc><w:p></w:tc></w:tr></w:tbl>"),
    );
    assert!(
        matches!(e.kind, ImportErrorKind::MalformedXml { .. }),
        "{e}"
    );
    assert_message(&e, &["bad.docx", "word/document.xml", "XML 格式错误"]);

    let laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><w:document xmlns:w="x"><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
    let bytes = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", laughs),
    ]);
    let e = err("laughs.docx", &bytes);
    assert_eq!(
        e.kind,
        ImportErrorKind::XmlEntity {
            part: "word/document.xml".into(),
            what: "DOCTYPE".into()
        }
    );
    assert_message(&e, &["laughs.docx", "DOCTYPE"]);

    let e = err(
        "entity.docx",
        &docx_with_body("<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>"),
    );
    assert_eq!(
        e.kind,
        ImportErrorKind::XmlEntity {
            part: "word/document.xml".into(),
            what: "&xxe;".into()
        }
    );
}

#[test]
fn hostile_xlsx_sheets_fail_cleanly() {
    // Content in a column far beyond any progress table (a "10,000-column sheet").
    let wide = rezip(&seed("seed.xlsx"), "xl/worksheets/sheet1.xml", |x| {
        x.replacen(
            "</row>",
            r#"<c r="NTP1" t="inlineStr"><is><t>x</t></is></c></row>"#,
            1,
        )
    });
    let e = err("wide.xlsx", &wide);
    assert_eq!(e.kind, ImportErrorKind::SheetTooLarge);
    assert_message(&e, &["wide.xlsx 工作表「进度情况」", "过大"]);

    // A DOCTYPE with entities inside the sheet.
    let evil = rezip(&seed("seed.xlsx"), "xl/worksheets/sheet1.xml", |x| {
        format!(
            "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"ee\">]>{}",
            x.replacen("<t>", "<t>&e;", 1)
        )
    });
    let result = read_bytes("evil.xlsx", &evil);
    if let Ok(t) = &result {
        // calamine may skip the unknown entity; it must never be expanded.
        assert!(!t.title.contains("ee"), "{}", t.title);
    }

    // A .xlsx zip without a workbook.
    let e = err(
        "nowb.xlsx",
        &zip_of(&[("[Content_Types].xml", CONTENT_TYPES)]),
    );
    assert_eq!(
        e.kind,
        ImportErrorKind::MissingPart {
            part: "xl/workbook.xml".into()
        }
    );
}

#[test]
fn a_wrong_extension_says_what_the_file_really_is() {
    for (name, bytes, actual) in [
        ("seed.docx", seed("seed.txt"), FileFormat::Text),
        ("seed.xlsx", seed("seed.docx"), FileFormat::Docx),
        ("seed.docx", seed("seed.xlsx"), FileFormat::Xlsx),
        ("seed.txt", seed("seed.xlsx"), FileFormat::Xlsx),
        (
            "old.xlsx",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            FileFormat::OldOffice,
        ),
        (
            "web.xlsx",
            b"<html><table><tr><td>x</td></tr></table></html>".to_vec(),
            FileFormat::Html,
        ),
    ] {
        let e = err(name, &bytes);
        let ext = name.rsplit('.').next().unwrap();
        assert_eq!(
            e.kind,
            ImportErrorKind::FormatMismatch {
                extension: ext.into(),
                actual
            },
            "{name}"
        );
        assert_message(
            &e,
            &[name, &format!("扩展名是 .{ext}"), &actual.to_string()],
        );
    }
    let e = err("seed.pdf", b"%PDF-1.4");
    assert_eq!(
        e.kind,
        ImportErrorKind::UnsupportedExtension {
            extension: "pdf".into()
        }
    );
    assert_message(&e, &["seed.pdf", "不支持的文件类型「.pdf」"]);
}

#[test]
fn text_in_an_unknown_encoding_is_refused_not_garbled() {
    // Shift_JIS Japanese: valid bytes, but not a Chinese encoding.
    let (sjis, _, _) = encoding_rs::SHIFT_JIS
        .encode("\t任務名称\n\t配点\n\nこれは日本語のテキストです。ひらがなとカタカナ。");
    let e = err("jp.txt", &sjis);
    assert!(matches!(e.kind, ImportErrorKind::Undecodable { .. }), "{e}");
    assert_message(&e, &["jp.txt", "文本编码"]);
}

#[test]
fn files_over_the_size_limit_are_refused_before_reading() {
    let big = vec![b'a'; (jixiao_office::limits::MAX_FILE_BYTES + 1) as usize];
    let e = err("big.txt", &big);
    assert!(matches!(e.kind, ImportErrorKind::TooLarge { .. }));
    assert_message(&e, &["big.txt", "文件过大"]);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xlsx");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(1 << 30)
        .unwrap(); // sparse: costs no disk
    let e = read_path(&path).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::TooLarge { size: 1 << 30 });
    assert_message(&e, &["huge.xlsx", "1024 MB"]);

    let e = read_path(&dir.path().join("missing.txt")).unwrap_err();
    assert!(matches!(e.kind, ImportErrorKind::Io { .. }));
    assert_message(&e, &["missing.txt", "无法读取文件"]);
}

#[test]
fn a_merged_weight_cell_is_filled_and_flagged_for_checking() {
    let xlsx = rezip(&seed("seed.xlsx"), "xl/worksheets/sheet1.xml", |x| {
        x.replacen(
            r#"<c r="F5" s="1" t="inlineStr"><is><t>30&#20998;</t></is></c>"#,
            "",
            1,
        )
        .replacen(
            "<mergeCells count=\"3\">",
            "<mergeCells count=\"4\"><mergeCell ref=\"F4:F5\"/>",
            1,
        )
    });
    let t = read_bytes("merged.xlsx", &xlsx).unwrap();
    assert_eq!(t.rows.len(), 15);
    assert_eq!(t.rows[1].weight, Some(30.0));
    assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
    assert_eq!(t.warnings[0].location.cell.as_deref(), Some("F5"));
    assert!(t.warnings[0].to_string().starts_with(
        "merged.xlsx 工作表「进度情况」第5行「分值权重」列（F5单元格）：分值是合并单元格"
    ));
}
