//! `jixiao export` and the table's download links: the official table out, and back in again.

use crate::support::*;

#[tokio::test]
async fn an_exported_table_imports_back_to_the_same_rows() {
    for db in databases().await {
        let out = jixiao(&db.url, &["import", fixture("seed.docx").to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        let dir = tempfile::tempdir().unwrap();
        let expected = expected_seed();
        for format in ["txt", "docx", "xlsx"] {
            let file = dir.path().join(format!("exported.{format}"));
            let out = jixiao(
                &db.url,
                &["export", "--format", format, "-o", file.to_str().unwrap()],
            );
            assert!(out.status.success(), "{format}: {}", stderr(&out));
            assert!(stdout(&out).contains("15 项任务"));
            let back = jixiao(
                "sqlite::memory:",
                &["import", file.to_str().unwrap(), "--dry-run", "--json"],
            );
            assert!(back.status.success(), "{format}: {}", stderr(&back));
            let v: serde_json::Value = serde_json::from_str(&stdout(&back)).unwrap();
            assert_eq!(v["title"], expected["title"], "{format}");
            assert_eq!(v["department"], expected["department"], "{format}");
            assert_eq!(
                v["rows"], expected["rows"],
                "{} {format}: same 15 rows",
                db.backend
            );
        }
    }
}

#[test]
fn every_format_is_written_and_bad_arguments_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let none = jixiao(
        &url,
        &["export", "--format", "docx", "-o", "/tmp/never.docx"],
    );
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("jixiao import"), "{}", stderr(&none));

    let out = jixiao(&url, &["import", fixture("seed.txt").to_str().unwrap()]);
    assert!(out.status.success());
    let magic: [(&str, &[u8]); 5] = [
        ("docx", b"PK\x03\x04"),
        ("xlsx", b"PK\x03\x04"),
        ("html", b"<!"),
        ("csv", b"\xEF\xBB\xBF"),
        ("txt", "2022".as_bytes()),
    ];
    for (format, starts) in magic {
        let file = dir.path().join(format!("t.{format}"));
        let out = jixiao(
            &url,
            &[
                "export",
                "--format",
                format,
                "--columns",
                "completion,status",
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        let bytes = std::fs::read(&file).unwrap();
        assert!(bytes.starts_with(starts), "{format}");
    }
    let csv = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
    assert!(
        csv.contains("严重滞后") && csv.contains("完成率"),
        "optional columns written"
    );

    for (args, mentions) in [
        (vec!["--format", "doc"], "doc"),
        (vec!["--format", "docx", "--scheme", "9"], "9"),
        (vec!["--format", "docx", "--period", "2030"], "2030"),
        (vec!["--format", "docx", "--columns", "grade"], "grade"),
    ] {
        let file = dir.path().join("bad.out");
        let mut all = vec!["export"];
        all.extend(args.iter().copied());
        all.extend(["-o", file.to_str().unwrap()]);
        let out = jixiao(&url, &all);
        assert_eq!(out.status.code(), Some(1), "{all:?}");
        assert!(stderr(&out).contains(mentions), "{all:?}: {}", stderr(&out));
    }
}

#[tokio::test]
async fn the_table_page_offers_its_documents_within_reach() {
    let db = databases().await.remove(0);
    let out = jixiao(&db.url, &["import", fixture("seed.txt").to_str().unwrap()]);
    assert!(out.status.success());
    let server = TestServer::start(db.store().await).await;
    let (_, page) = server.get("/schemes/1/units/1").await;
    assert!(page.contains("/schemes/1/units/1/export/docx?period=2022"));
    let admin = server
        .login_as("boss", jixiao_domain::Role::Admin, "市政府")
        .await;
    for (format, media) in [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("csv", "text/csv; charset=utf-8"),
    ] {
        let (status, headers, bytes) = admin
            .get_bytes(&format!("/schemes/1/units/1/export/{format}"))
            .await;
        assert_eq!(status, 200, "{format}");
        assert_eq!(headers["content-type"], media);
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;")
        );
        assert!(!bytes.is_empty());
    }
    // 得分 and the unit's official total are in the document by default, as on the page.
    let (_, _, csv) = admin.get_bytes("/schemes/1/units/1/export/csv").await;
    let csv = String::from_utf8(csv).unwrap();
    let header = csv.lines().next().unwrap().trim_start_matches('\u{FEFF}');
    assert!(header.ends_with(",得分"), "{header}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("围绕中心") && l.ends_with(",30.00")),
        "a task's score, in the one score format: {csv}"
    );
    let (_, _, html) = admin.get_bytes("/schemes/1/units/1/export/html").await;
    let html = String::from_utf8(html).unwrap();
    let total = &html[html.find("合计</td>").expect("a 合计 row")..];
    let total = &total[..total.find("</tr>").unwrap()];
    assert!(
        total.contains(">134.83<"),
        "the 合计 row carries the total the page shows (caps applied), not the tasks' sum: {total}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.txt");
    let out = jixiao(
        &db.url,
        &[
            "export",
            "--format",
            "txt",
            "--columns",
            "score",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let txt = std::fs::read_to_string(&file).unwrap();
    assert!(txt.trim_end().ends_with("134.83"), "{txt}");
    let outsider = server
        .login_as("other", jixiao_domain::Role::Reporter, "别的单位")
        .await;
    assert_eq!(
        outsider.get_bytes("/schemes/1/units/1/export/docx").await.0,
        404
    );
    assert_eq!(
        admin.get_bytes("/schemes/1/units/1/export/exe").await.0,
        404
    );
}

#[test]
fn a_whole_scheme_exports_to_a_folder_or_a_zip() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    for unit in ["甲单位", "乙/单位", "丙单位"] {
        let out = jixiao(
            &url,
            &[
                "import",
                fixture("seed.txt").to_str().unwrap(),
                "--unit",
                unit,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let folder = dir.path().join("out");
    let out = jixiao(
        &url,
        &[
            "export",
            "--format",
            "docx",
            "--all",
            "-o",
            folder.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已导出 3 个单位"), "{}", stdout(&out));
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["丙单位-2022.docx", "乙_单位-2022.docx", "甲单位-2022.docx"]
    );

    let zip_path = dir.path().join("all.zip");
    let out = jixiao(
        &url,
        &[
            "export",
            "--format",
            "xlsx",
            "--all",
            "-o",
            zip_path.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    assert_eq!(archive.len(), 3);
    let first = archive.by_index(0).unwrap();
    assert!(first.name().unwrap().ends_with(".xlsx"));
    drop(first);
    // Each entry is a table our importer reads back.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_index(1).unwrap(), &mut bytes).unwrap();
    let back = dir.path().join("back.xlsx");
    std::fs::write(&back, bytes).unwrap();
    let again = jixiao(
        "sqlite::memory:",
        &["import", back.to_str().unwrap(), "--dry-run", "--json"],
    );
    assert!(again.status.success(), "{}", stderr(&again));

    let none = jixiao(
        &url,
        &[
            "export",
            "--format",
            "csv",
            "--all",
            "--period",
            "2022Q1",
            "-o",
            dir.path().join("q1").to_str().unwrap(),
        ],
    );
    assert_eq!(none.status.code(), Some(1), "every unit failed");
    assert!(stdout(&none).contains("失败 3 个"));
    assert_eq!(
        stderr(&none).matches("导出失败").count(),
        3,
        "{}",
        stderr(&none)
    );
}
