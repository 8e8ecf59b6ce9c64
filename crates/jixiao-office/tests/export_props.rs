//! Properties of the writers: no input makes them panic, and any ordinary table reads back to
//! the same rows from .docx, .xlsx and .txt.

use jixiao_office::export::{
    ExportRow, ExportTable, ExtraColumns, to_csv, to_docx, to_html, to_txt, to_xlsx,
};
use jixiao_office::read_bytes;
use proptest::prelude::*;

/// Any text: CJK, ASCII, controls, TABs, breaks, XML and CSV specials, header and total words.
fn wild_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[甲乙\t\n\r\u{0}\u{1}\u{FFFE}<>&\"',=合计一级指标 ]{0,30}",
        Just("任务要点名称".to_string()),
        Just("合计".to_string()),
    ]
}

fn wild_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        0.0..1000.0f64
    ]
}

fn wild_row() -> impl Strategy<Value = ExportRow> {
    (
        (
            wild_text(),
            wild_text(),
            wild_text(),
            wild_text(),
            wild_text(),
        ),
        wild_number(),
        proptest::option::of(wild_number()),
        proptest::option::of(wild_text()),
        proptest::option::of(wild_number()),
    )
        .prop_map(
            |((level1, level2, task, target, progress), weight, completion, status, score)| {
                ExportRow {
                    level1,
                    level2,
                    task,
                    target,
                    progress,
                    weight,
                    completion,
                    status,
                    score,
                }
            },
        )
}

fn columns() -> impl Strategy<Value = ExtraColumns> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(completion, status, score)| {
        ExtraColumns {
            completion,
            status,
            score,
        }
    })
}

/// Text a person writes in a cell: no leading/trailing space, none of the header or total words.
fn cell_text() -> impl Strategy<Value = String> {
    "[甲乙丙丁戊a-z0-9（）“”，。%]([甲乙丙丁戊a-z0-9（）“”，。% ]{0,24}[甲乙丙丁戊a-z0-9（）“”，。%])?"
}

fn ordinary_table() -> impl Strategy<Value = ExportTable> {
    let row = (
        prop_oneof![Just("一、甲类（100分）"), Just("二、乙类（50分）")],
        prop_oneof![Just("重点工作"), Just("日常工作")],
        cell_text(),
        cell_text(),
        cell_text(),
        (0u32..200).prop_map(|w| f64::from(w) / 2.0),
    )
        .prop_map(|(l1, l2, task, target, progress, weight)| ExportRow {
            level1: l1.to_string(),
            level2: l2.to_string(),
            task,
            target,
            progress,
            weight,
            ..ExportRow::default()
        });
    (
        cell_text(),
        "[甲乙丙a-z]{1,8}",
        proptest::collection::vec(row, 1..12),
        columns(),
    )
        .prop_map(|(title, department, rows, columns)| ExportTable {
            title,
            department,
            period_label: None,
            rows,
            columns,
            score_total: None,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_table_makes_a_writer_panic(
        title in wild_text(),
        department in wild_text(),
        period in proptest::option::of(wild_text()),
        rows in proptest::collection::vec(wild_row(), 0..6),
        columns in columns(),
    ) {
        let t = ExportTable { title, department, period_label: period, rows, columns, score_total: None };
        let docx = to_docx(&t);
        prop_assert!(docx.is_ok());
        let _ = to_xlsx(&t);
        let _ = to_csv(&t);
        let _ = to_html(&t);
        let txt = to_txt(&t);
        // What was written can be fed to the readers without a panic either.
        let _ = read_bytes("x.txt", txt.as_bytes());
        if let Ok(bytes) = docx {
            let _ = read_bytes("x.docx", &bytes);
        }
    }

    #[test]
    fn ordinary_tables_read_back_to_the_same_rows(t in ordinary_table()) {
        let want: Vec<_> = t
            .rows
            .iter()
            .map(|r| (r.level1.clone(), r.level2.clone(), r.task.clone(), r.target.clone(), r.progress.clone(), Some(r.weight)))
            .collect();
        let forms = [
            ("t.docx", to_docx(&t).unwrap()),
            ("t.xlsx", to_xlsx(&t).unwrap()),
            ("t.txt", to_txt(&t).into_bytes()),
        ];
        for (name, bytes) in forms {
            let got = read_bytes(name, &bytes).unwrap();
            prop_assert_eq!(&got.title, &t.title, "{}", name);
            prop_assert_eq!(got.department.as_deref(), Some(t.department.as_str()), "{}", name);
            let rows: Vec<_> = got
                .rows
                .iter()
                .map(|r| (r.level1.clone(), r.level2.clone(), r.task.clone(), r.target.clone(), r.progress.clone(), r.weight))
                .collect();
            prop_assert_eq!(&rows, &want, "{}", name);
        }
    }
}
