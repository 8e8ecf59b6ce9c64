//! Bad input gets a clear error naming file, row and column, a non-zero exit, and leaves the
//! database exactly as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::support::*;

fn seed_text() -> String {
    std::fs::read_to_string(fixture("seed.txt")).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A .docx with paragraphs but no table.
fn docx_without_table() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        )
        .unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>关于报送进度的通知</w:t></w:r></w:p></w:body></w:document>".as_bytes(),
        )
        .unwrap();
        zip.finish().unwrap();
    }
    buf.into_inner()
}

/// (file name, content, what the message must mention).
fn bad_files() -> Vec<(&'static str, Vec<u8>, Vec<&'static str>)> {
    let seed = seed_text();
    let xlsx = std::fs::read(fixture("seed.xlsx")).unwrap();
    vec![
        ("empty.txt", Vec::new(), vec!["empty.txt", "空"]),
        (
            "notable.docx",
            docx_without_table(),
            vec!["notable.docx", "表格"],
        ),
        (
            "notask.txt",
            seed.replace("任务要点名称", "事项").into_bytes(),
            vec!["notask.txt", "第5行", "任务要点名称"],
        ),
        (
            "chinese-weight.txt",
            seed.replacen("30分", "三十分", 1).into_bytes(),
            vec!["chinese-weight.txt", "第17行", "分值权重", "三十分"],
        ),
        (
            "abc-weight.txt",
            seed.replacen("30分", "abc", 1).into_bytes(),
            vec!["abc-weight.txt", "第17行", "分值权重", "abc"],
        ),
        (
            "truncated.xlsx",
            xlsx[..xlsx.len() / 2].to_vec(),
            vec!["truncated.xlsx", "损坏"],
        ),
    ]
}

#[tokio::test]
async fn each_bad_file_is_refused_with_its_location_and_changes_nothing() {
    for db in databases().await {
        let seeded = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
        assert!(seeded.status.success(), "{}", stderr(&seeded));
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes, mentions) in bad_files() {
            let path = write(dir.path(), name, &bytes);
            for extra in [&["--replace"][..], &["--dry-run", "--json"][..]] {
                let mut args = vec!["import", path.to_str().unwrap()];
                args.extend_from_slice(extra);
                let out = jixiao(&db.url, &args);
                let msg = stderr(&out);
                assert_eq!(
                    out.status.code(),
                    Some(1),
                    "{name} {extra:?}: exit code; {msg}"
                );
                assert!(stdout(&out).is_empty(), "{name}: nothing on stdout");
                for m in &mentions {
                    assert!(msg.contains(m), "{name}: message should mention {m}: {msg}");
                }
                assert!(!msg.contains("panicked"), "{name}: {msg}");
            }
            assert_eq!(db.counts().await, (1, 15), "{} after {name}", db.backend);
        }
    }
}

#[tokio::test]
async fn one_bad_file_among_several_writes_none_of_them() {
    for db in databases().await {
        let dir = tempfile::tempdir().unwrap();
        let bad = write(
            dir.path(),
            "bad.txt",
            seed_text().replacen("30分", "abc", 1).as_bytes(),
        );
        let out = jixiao(
            &db.url,
            &[
                "import",
                fixture("seed.docx").to_str().unwrap(),
                bad.to_str().unwrap(),
            ],
        );
        assert!(!out.status.success());
        assert!(stderr(&out).contains("bad.txt"), "{}", stderr(&out));
        assert_eq!(db.counts().await, (0, 0), "{}", db.backend);
    }
}

#[tokio::test]
async fn a_gb18030_text_file_imports_like_the_utf8_one() {
    for db in databases().await {
        let dir = tempfile::tempdir().unwrap();
        let text = seed_text();
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
        assert!(!unmappable);
        let path = write(dir.path(), "gb.txt", &bytes);
        let dry = jixiao(
            &db.url,
            &["import", path.to_str().unwrap(), "--dry-run", "--json"],
        );
        assert!(dry.status.success(), "{}", stderr(&dry));
        let got: serde_json::Value = serde_json::from_str(&stdout(&dry)).unwrap();
        assert_eq!(got["rows"], expected_seed()["rows"]);
        let out = jixiao(&db.url, &["import", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}: {}", db.backend, stderr(&out));
        assert_eq!(db.counts().await, (1, 15), "{}", db.backend);
    }
}

#[test]
fn a_missing_file_and_an_unknown_database_url_are_named() {
    let out = jixiao("sqlite::memory:", &["import", "/nonexistent/table.docx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("table.docx"), "{}", stderr(&out));

    let out = jixiao(
        "mysql://x/y",
        &["import", fixture("seed.txt").to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("mysql://x/y"), "{}", stderr(&out));
}
