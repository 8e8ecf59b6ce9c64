//! Tables beyond the seed's layout: columns in another order, extra columns kept as attributes,
//! numeric target / actual / 完成率 columns, and 绩效自评表 forms — as .txt and as sheets built
//! here with rust_xlsxwriter.

use jixiao_office::{
    Column, ColumnMap, ImportErrorKind, ParsedTable, RowNumbers, read_bytes, read_bytes_with,
};
use rust_xlsxwriter::{Format, Workbook};

/// A cell of a sheet to build: text, a number, or a number shown as a percentage.
#[derive(Clone, Copy)]
enum C<'a> {
    T(&'a str),
    N(f64),
    Pct(f64),
}

/// A one-sheet .xlsx: `rows` from A1 down, then the merged ranges (r1, c1, r2, c2) with the
/// text of their top-left cell.
fn xlsx(rows: &[Vec<C<'_>>], merges: &[(u32, u16, u32, u16)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let pct = Format::new().set_num_format("0.0%");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match *cell {
                C::T("") => {}
                C::T(t) => {
                    ws.write_string(r, c, t).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r, c, n).unwrap();
                }
                C::Pct(n) => {
                    ws.write_number_with_format(r, c, n, &pct).unwrap();
                }
            }
        }
    }
    for &(r1, c1, r2, c2) in merges {
        let text = match rows[r1 as usize][c1 as usize] {
            C::T(t) => t,
            _ => "",
        };
        ws.merge_range(r1, c1, r2, c2, text, &Format::new())
            .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn texts(t: &[&str]) -> Vec<C<'static>> {
    t.iter()
        .map(|s| C::T(Box::leak(s.to_string().into_boxed_str())))
        .collect()
}

/// (level1, level2, task, target, progress, weight) of every row.
fn six(t: &ParsedTable) -> Vec<(String, String, String, String, String, Option<f64>)> {
    t.rows
        .iter()
        .map(|r| {
            (
                r.level1.clone(),
                r.level2.clone(),
                r.task.clone(),
                r.target.clone(),
                r.progress.clone(),
                r.weight,
            )
        })
        .collect()
}

fn row6(
    l1: &str,
    l2: &str,
    task: &str,
    target: &str,
    progress: &str,
    w: f64,
) -> (String, String, String, String, String, Option<f64>) {
    (
        l1.into(),
        l2.into(),
        task.into(),
        target.into(),
        progress.into(),
        Some(w),
    )
}

/// The `--dry-run --json` contract: the six keys of every row, and `stated_completion` and
/// `responsible` only where the row has them.
fn assert_six_keys(t: &ParsedTable) {
    let json = serde_json::to_value(t).unwrap();
    for row in json["rows"].as_array().unwrap() {
        let mut keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for optional in ["stated_completion", "responsible"] {
            assert!(row.get(optional).is_none_or(|v| !v.is_null()), "{optional}");
        }
        keys.retain(|k| !matches!(*k, "stated_completion" | "responsible"));
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["level1", "level2", "progress", "target", "task", "weight"]
        );
    }
}

#[test]
fn progress_before_target_and_weight_first_read_the_same_from_txt_and_xlsx() {
    let header = [
        "分值权重",
        "进度情况",
        "任务要点名称",
        "年度目标",
        "二级指标",
        "一级指标",
    ];
    let data = [
        [
            "30分",
            "培训妇女2000余人",
            "妇女技能培训",
            "培训妇女1000人",
            "重点工作",
            "履职尽责（50分）",
        ],
        ["20分", "建成38.69%", "美丽庭院", "建成25%", "", ""],
    ];
    let mut txt = String::from("2023年度进度表\n\n主管部门：某局\n\n");
    for row in std::iter::once(&header).chain(data.iter()) {
        for cell in row {
            txt.push('\t');
            txt.push_str(cell);
            txt.push('\n');
        }
        txt.push('\n');
    }
    let mut sheet = vec![
        texts(&["2023年度进度表"]),
        texts(&["主管部门：某局"]),
        texts(&header),
    ];
    sheet.extend(data.iter().map(|r| texts(r)));
    let want = vec![
        row6(
            "履职尽责（50分）",
            "重点工作",
            "妇女技能培训",
            "培训妇女1000人",
            "培训妇女2000余人",
            30.0,
        ),
        row6(
            "履职尽责（50分）",
            "重点工作",
            "美丽庭院",
            "建成25%",
            "建成38.69%",
            20.0,
        ),
    ];
    for (name, bytes) in [
        ("reordered.txt", txt.into_bytes()),
        ("reordered.xlsx", xlsx(&sheet, &[])),
    ] {
        let t = read_bytes(name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(six(&t), want, "{name}");
        assert_eq!(t.title, "2023年度进度表", "{name}");
        assert_eq!(t.department.as_deref(), Some("某局"), "{name}");
        assert!(t.warnings.is_empty(), "{name}: {:?}", t.warnings);
        assert!(
            t.rows
                .iter()
                .all(|r| r.extra.is_empty() && r.numbers.is_none())
        );
    }
}

#[test]
fn extra_columns_are_kept_as_attributes_and_serial_numbers_are_dropped() {
    let header = [
        "序号",
        "任务名称",
        "牵头单位",
        "年度目标",
        "进度情况",
        "分值",
        "责任人",
        "完成时限",
        "备注",
    ];
    let rows = [
        [
            "1",
            "任务一",
            "办公室",
            "目标一",
            "进度一",
            "10",
            "张三",
            "2023年6月底",
            "",
        ],
        [
            "2",
            "任务二",
            "",
            "目标二",
            "进度二",
            "20",
            "李四",
            "",
            "已调整",
        ],
    ];
    let mut sheet = vec![texts(&["标题"]), texts(&["主管部门：某局"]), texts(&header)];
    sheet.extend(rows.iter().map(|r| texts(r)));
    let t = read_bytes("extras.xlsx", &xlsx(&sheet, &[])).unwrap();
    let attrs: Vec<Vec<(&str, &str)>> = t
        .rows
        .iter()
        .map(|r| {
            r.extra
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        })
        .collect();
    assert_eq!(
        attrs,
        [
            vec![
                ("牵头单位", "办公室"),
                ("责任人", "张三"),
                ("完成时限", "2023年6月底")
            ],
            vec![("责任人", "李四"), ("备注", "已调整")],
        ]
    );
    assert_six_keys(&t);
}

#[test]
fn numeric_target_and_actual_columns_become_sentences_the_prose_reader_reads() {
    let sheet = vec![
        texts(&["2023年度重点指标完成情况"]),
        texts(&["主管部门：某局"]),
        texts(&[
            "序号",
            "指标名称",
            "单位",
            "年度目标值",
            "实际完成",
            "完成率",
            "分值",
            "责任单位",
        ]),
        vec![
            C::N(1.0),
            C::T("新增市场主体"),
            C::T("个"),
            C::N(2295.0),
            C::N(1095.0),
            C::Pct(0.4771),
            C::N(20.0),
            C::T("市场监管局"),
        ],
        vec![
            C::N(2.0),
            C::T("城镇新增就业"),
            C::T("万人"),
            C::N(1.2),
            C::N(1.5),
            C::T("125%"),
            C::N(10.0),
            C::T(""),
        ],
        vec![
            C::N(3.0),
            C::T("空气优良天数比例"),
            C::T("%"),
            C::T("≥80%"),
            C::N(83.5),
            C::T(""),
            C::N(10.0),
            C::T(""),
        ],
        vec![
            C::N(4.0),
            C::T("重点项目开工"),
            C::T("个"),
            C::N(10.0),
            C::T("已全部开工"),
            C::T(""),
            C::N(10.0),
            C::T(""),
        ],
        vec![
            C::T("合计"),
            C::T(""),
            C::T(""),
            C::T(""),
            C::T(""),
            C::T(""),
            C::N(50.0),
            C::T(""),
        ],
    ];
    let t = read_bytes("numbers.xlsx", &xlsx(&sheet, &[])).unwrap();
    let got: Vec<(&str, &str, &str)> = t
        .rows
        .iter()
        .map(|r| (r.task.as_str(), r.target.as_str(), r.progress.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("新增市场主体", "2295个", "1095个（完成率47.71%）"),
            ("城镇新增就业", "1.2万人", "1.5万人（完成率125%）"),
            ("空气优良天数比例", "≥80%", "83.5%"),
            ("重点项目开工", "10个", "已全部开工"),
        ]
    );
    let numbers: Vec<RowNumbers> = t.rows.iter().map(|r| r.numbers.clone().unwrap()).collect();
    assert_eq!(
        numbers[0],
        RowNumbers {
            target: Some(2295.0),
            actual: Some(1095.0),
            unit: Some("个".into()),
            rate: Some(47.71),
            self_score: None,
        }
    );
    assert_eq!(numbers[2].target, None, "≥80% is not a plain number");
    assert_eq!(numbers[2].actual, Some(83.5));
    assert_eq!(
        t.rows[0].extra,
        [("责任单位".to_string(), "市场监管局".to_string())]
    );
    // No "missing 年度目标/进度情况 column" warnings: the numbers stand in for them.
    let msgs: Vec<&str> = t.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        msgs.iter()
            .all(|m| !m.contains("年度目标") && !m.contains("进度情况")),
        "{msgs:?}"
    );
    assert_six_keys(&t);
}

#[test]
fn a_self_assessment_form_reads_level3_as_the_task_and_keeps_score_and_deviation() {
    let sheet = vec![
        texts(&["2023年度项目支出绩效自评表"]),
        texts(&["主管部门：市财政局"]),
        texts(&[
            "绩效指标",
            "",
            "",
            "分值",
            "年度指标值",
            "全年实际值",
            "得分",
            "偏差原因分析及改进措施",
        ]),
        texts(&["一级指标", "二级指标", "三级指标", "", "", "", "", ""]),
        vec![
            C::T("产出指标（50分）"),
            C::T("数量指标"),
            C::T("培训人数"),
            C::N(20.0),
            C::T("1000人"),
            C::T("1200人"),
            C::N(20.0),
            C::T(""),
        ],
        vec![
            C::T(""),
            C::T(""),
            C::T("举办活动场次"),
            C::N(10.0),
            C::N(50.0),
            C::N(45.0),
            C::N(9.0),
            C::T("疫情影响"),
        ],
        vec![
            C::T(""),
            C::T("质量指标"),
            C::T("培训合格率"),
            C::N(20.0),
            C::T("≥95%"),
            C::T("98%"),
            C::N(20.0),
            C::T(""),
        ],
        vec![
            C::T("满意度指标（10分）"),
            C::T("服务对象满意度"),
            C::T("受训人员满意度"),
            C::N(10.0),
            C::T("≥90%"),
            C::T("96%"),
            C::N(10.0),
            C::T(""),
        ],
    ];
    // 一级 merged down over its three rows; the two-row header merged like the real forms.
    let merges = [
        (2, 0, 2, 2),
        (2, 3, 3, 3),
        (2, 4, 3, 4),
        (2, 5, 3, 5),
        (2, 6, 3, 6),
        (2, 7, 3, 7),
        (4, 0, 6, 0),
        (4, 1, 5, 1),
    ];
    let t = read_bytes("自评表.xlsx", &xlsx(&sheet, &merges)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t.title, "2023年度项目支出绩效自评表");
    assert_eq!(
        six(&t),
        [
            row6(
                "产出指标（50分）",
                "数量指标",
                "培训人数",
                "1000人",
                "1200人",
                20.0
            ),
            row6(
                "产出指标（50分）",
                "数量指标",
                "举办活动场次",
                "50",
                "45",
                10.0
            ),
            row6(
                "产出指标（50分）",
                "质量指标",
                "培训合格率",
                "≥95%",
                "98%",
                20.0
            ),
            row6(
                "满意度指标（10分）",
                "服务对象满意度",
                "受训人员满意度",
                "≥90%",
                "96%",
                10.0
            ),
        ]
    );
    let scores: Vec<Option<f64>> = t
        .rows
        .iter()
        .map(|r| r.numbers.as_ref().and_then(|n| n.self_score))
        .collect();
    assert_eq!(scores, [Some(20.0), Some(9.0), Some(20.0), Some(10.0)]);
    let first = t.rows[0].numbers.clone().unwrap();
    assert_eq!(
        (first.target, first.actual, first.unit.as_deref()),
        (Some(1000.0), Some(1200.0), Some("人")),
        "the measure word comes from the cells when there is no 单位 column"
    );
    assert_eq!(t.rows[1].numbers.as_ref().unwrap().target, Some(50.0));
    assert_eq!(
        t.rows[1].extra,
        [("偏差原因分析及改进措施".to_string(), "疫情影响".to_string())]
    );
    assert_six_keys(&t);
}

#[test]
fn a_task_column_wins_over_level3_which_is_then_an_attribute() {
    let txt = "标题\n主管部门：某局\n\n\t一级指标\n\t三级指标\n\t任务名称\n\t分值\n\n\t甲\n\t丙\n\t任务一\n\t10\n";
    let t = read_bytes("both.txt", txt.as_bytes()).unwrap();
    assert_eq!(t.rows[0].task, "任务一");
    assert_eq!(
        t.rows[0].extra,
        [("三级指标".to_string(), "丙".to_string())]
    );
}

#[test]
fn a_table_with_an_unknown_task_header_reads_once_the_header_is_mapped() {
    let txt = "标题\n主管部门：某局\n\n\t事项\n\t年度目标\n\t分值\n\n\t任务一\n\t目标一\n\t10\n";
    let e = read_bytes("m.txt", txt.as_bytes()).unwrap_err();
    assert!(matches!(
        e.kind,
        ImportErrorKind::MissingColumn {
            column: Column::Task,
            ..
        }
    ));
    // The headers found, for the user to write a mapping; the command line adds its own hint.
    let message = e.to_string();
    assert!(message.contains("事项、年度目标、分值"), "{message}");
    assert!(!message.contains("--"), "{message}");
    let map: ColumnMap = "事项=task".parse().unwrap();
    let t = read_bytes_with("m.txt", txt.as_bytes(), &map).unwrap();
    assert_eq!(
        (t.rows[0].task.as_str(), t.rows[0].weight),
        ("任务一", Some(10.0))
    );
}
