//! .xls and .ods through the same reader as .xlsx: the seed converted by LibreOffice reads to the
//! same 15 rows as `seed.expected.json`. Without `soffice` the test is skipped with a note, unless
//! `JIXIAO_REQUIRE_OFFICE=1` (as in CI), where a missing LibreOffice is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jixiao_office::{ImportErrorKind, read_bytes, read_path};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/")).join(name)
}

fn has_soffice() -> bool {
    Command::new("soffice")
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

/// Converts `file` to `format` (an extension) with LibreOffice, with its own profile in
/// `scratch`; returns the converted file.
fn convert(file: &Path, format: &str, scratch: &Path) -> PathBuf {
    let out_dir = scratch.join(format);
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut cmd = Command::new("soffice");
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        scratch.join("lo-profile").display()
    ))
    .args([
        "--headless",
        "--norestore",
        "--convert-to",
        format,
        "--outdir",
    ])
    .arg(&out_dir)
    .arg(file)
    .env("HOME", scratch);
    run_with_timeout(&mut cmd, Duration::from_secs(180)).unwrap();
    let stem = file.file_stem().unwrap();
    let out = out_dir.join(stem).with_extension(format);
    assert!(out.exists(), "LibreOffice made no {}", out.display());
    out
}

fn office_or_skip(what: &str) -> bool {
    if has_soffice() {
        return true;
    }
    assert!(
        !std::env::var("JIXIAO_REQUIRE_OFFICE").is_ok_and(|v| v == "1"),
        "JIXIAO_REQUIRE_OFFICE=1 but soffice is missing: apt-get install libreoffice-calc-nogui"
    );
    eprintln!(
        "NOTE: skipped {what}: soffice not installed (set JIXIAO_REQUIRE_OFFICE=1 to make this a failure)"
    );
    false
}

#[test]
fn the_seed_saved_as_xls_and_as_ods_reads_to_the_expected_rows() {
    if !office_or_skip("the .xls/.ods conversion test") {
        return;
    }
    let want: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("seed.expected.json")).unwrap())
            .unwrap();
    let scratch = tempfile::tempdir().unwrap();
    for format in ["xls", "ods"] {
        let path = convert(&fixture("seed.xlsx"), format, scratch.path());
        let table = read_path(&path).unwrap_or_else(|e| panic!("{format}: {e}"));
        let got = serde_json::to_value(&table).unwrap();
        assert_eq!(got["title"], want["title"], "{format}");
        assert_eq!(got["department"], want["department"], "{format}");
        assert_eq!(got["rows"].as_array().map(Vec::len), Some(15), "{format}");
        assert_eq!(got["rows"], want["rows"], "{format}");
        assert!(table.warnings.is_empty(), "{format}: {:?}", table.warnings);
        // Cell references as in .xlsx: the first task is on sheet row 4.
        assert_eq!(table.rows[0].source.row, Some(4), "{format}");
    }
}

#[test]
fn an_ods_whose_content_repeats_a_row_a_million_times_is_refused_before_calamine_expands_it() {
    use std::io::Write;
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file("content.xml", stored).unwrap();
    w.write_all(content.as_bytes()).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let e = read_bytes("bomb.ods", &bytes).unwrap_err();
    assert_eq!(e.kind, ImportErrorKind::SheetTooLarge, "{e}");
}
