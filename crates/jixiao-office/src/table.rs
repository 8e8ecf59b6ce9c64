//! From cells to a [`ParsedTable`]: the part the three formats share — finding the header by
//! name, filling 一级/二级, skipping empty, header and total rows, reading weights, warnings.

use std::collections::HashSet;

use crate::{Column, ImportError, ImportErrorKind, Location, ParsedTable, Row, Warning};

/// Which reader produced the cells (decides how locations look).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Txt,
    Docx,
    Xlsx,
}

/// One cell as a reader found it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawCell {
    /// The text, trimmed.
    pub text: String,
    /// The row number a person would give this cell (line for .txt).
    pub pos: usize,
    /// True when the text was copied from a merged cell above/left (not written in this cell).
    pub merged: bool,
}

/// One table row; `cells[i]` is grid column `i` (column A = 0 for .xlsx).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawRow {
    pub pos: usize,
    pub cells: Vec<RawCell>,
}

/// One table (.docx: each `w:tbl`; .xlsx: the sheet; .txt: the whole file).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RawBlock {
    pub name: Option<String>,
    pub rows: Vec<RawRow>,
}

/// What a reader hands to [`build`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawDoc {
    pub file: String,
    pub source: Source,
    /// Lines before the table (title, 主管部门 line), with their row numbers.
    pub preamble: Vec<(String, usize)>,
    pub blocks: Vec<RawBlock>,
    pub warnings: Vec<Warning>,
}

/// How many rows from the top of a table the header may be.
const HEADER_SEARCH_ROWS: usize = 10;

/// Normalises a header cell for matching: no whitespace (incl. U+3000), full-width ASCII folded,
/// `*` marks and a trailing parenthesis ("（分）", "(%)") dropped.
pub(crate) fn normalize_header(text: &str) -> String {
    let mut s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .map(fold_width)
        .collect();
    if s.ends_with(')')
        && let Some(open) = s.rfind('(')
        && open > 0
    {
        s.truncate(open);
    }
    s
}

/// Full-width ASCII (U+FF01..U+FF5E) to ASCII; other characters unchanged.
pub(crate) fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The column a header cell names, if any.
pub(crate) fn column_of(header: &str) -> Option<Column> {
    let n = normalize_header(header);
    Column::ALL
        .into_iter()
        .find(|c| c.synonyms().iter().any(|s| *s == n))
}

/// Why a weight cell could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WeightError {
    Empty,
    Unreadable,
    Negative,
}

/// "30分", "30", "30.0", "30 分", "３０分" → 30.0.
pub(crate) fn parse_weight(text: &str) -> Result<f64, WeightError> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(fold_width)
        .collect();
    if s.is_empty() {
        return Err(WeightError::Empty);
    }
    let s = s.strip_suffix('分').unwrap_or(&s);
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let well_formed = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if !well_formed {
        return Err(WeightError::Unreadable);
    }
    let value: f64 = digits.parse().map_err(|_| WeightError::Unreadable)?;
    if negative && value != 0.0 {
        return Err(WeightError::Negative);
    }
    Ok(value)
}

/// The department named in a line such as "主管部门：枣庄市妇联      填报日期：…".
pub(crate) fn department_of(line: &str) -> Option<String> {
    let compact: String = line.chars().map(fold_width).collect();
    let at = compact.find("主管部门")?;
    let rest = compact[at + "主管部门".len()..].trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let name: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    (!name.is_empty()).then_some(name)
}

/// "附件1", "附件 2：", "附件：" — the label above a table in an official document, not its title.
fn is_attachment_label(line: &str) -> bool {
    let n = normalize_header(line);
    n.strip_prefix("附件").is_some_and(|rest| {
        rest.trim_end_matches(':')
            .chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    })
}

fn is_total_label(text: &str) -> bool {
    matches!(
        normalize_header(text).as_str(),
        "合计" | "总计" | "小计" | "总分" | "合计分值" | "分值合计"
    )
}

/// Column letters of a 0-based column index: 0 → "A", 25 → "Z", 26 → "AA".
pub(crate) fn column_letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The header: where each known column is and what it is called there.
#[derive(Debug, Clone)]
struct Header {
    index: [Option<usize>; 6],
    name: [String; 6],
}

impl Header {
    fn from_row(row: &RawRow) -> Option<Header> {
        let mut index = [None; 6];
        let mut name: [String; 6] = Default::default();
        for (i, cell) in row.cells.iter().enumerate() {
            if let Some(col) = column_of(&cell.text) {
                let k = col as usize;
                if index[k].is_none() {
                    index[k] = Some(i);
                    name[k] = cell.text.trim().to_string();
                }
            }
        }
        index[Column::Task as usize]?;
        for col in Column::ALL {
            if name[col as usize].is_empty() {
                name[col as usize] = col.name().to_string();
            }
        }
        Some(Header { index, name })
    }

    fn get<'a>(&self, row: &'a RawRow, col: Column) -> Option<&'a RawCell> {
        self.index[col as usize].and_then(|i| row.cells.get(i))
    }

    fn text<'a>(&self, row: &'a RawRow, col: Column) -> &'a str {
        self.get(row, col).map_or("", |c| c.text.as_str())
    }
}

/// True when one of the first rows is a header naming the task column.
pub(crate) fn has_header(rows: &[RawRow]) -> bool {
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .any(|r| Header::from_row(r).is_some())
}

fn matches_in(row: &RawRow) -> usize {
    row.cells
        .iter()
        .filter(|c| column_of(&c.text).is_some())
        .count()
}

fn non_empty_texts(row: &RawRow) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in &row.cells {
        if !c.text.is_empty() && out.last() != Some(&c.text) {
            out.push(c.text.clone());
        }
    }
    out
}

struct Builder {
    file: String,
    source: Source,
    warnings: Vec<Warning>,
}

impl Builder {
    fn loc(&self, block: &RawBlock, pos: Option<usize>) -> Location {
        Location {
            file: self.file.clone(),
            sheet_or_table: block.name.clone(),
            row: pos,
            column: None,
            cell: None,
        }
    }

    fn cell_loc(&self, block: &RawBlock, header: &Header, row: &RawRow, col: Column) -> Location {
        let cell = header.get(row, col);
        let pos = cell.map_or(row.pos, |c| c.pos);
        let mut loc = self.loc(block, Some(pos));
        loc.column = Some(header.name[col as usize].clone());
        if self.source == Source::Xlsx {
            loc.cell = header.index[col as usize].map(|i| format!("{}{}", column_letters(i), pos));
        }
        loc
    }

    fn warn(&mut self, location: Location, message: impl Into<String>) {
        self.warnings.push(Warning {
            location,
            message: message.into(),
        });
    }
}

/// Turns a reader's cells into the table, or the first error.
pub(crate) fn build(raw: RawDoc) -> Result<ParsedTable, ImportError> {
    let RawDoc {
        file,
        source,
        mut preamble,
        blocks,
        warnings,
    } = raw;
    let mut b = Builder {
        file,
        source,
        warnings,
    };
    let mut header: Option<Header> = None;
    let mut header_width = 0usize;
    let mut rows: Vec<Row> = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let (mut level1, mut level2) = (String::new(), String::new());
    let mut sum = 0.0_f64;

    for block in &blocks {
        let found = block
            .rows
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .enumerate()
            .find_map(|(i, r)| Header::from_row(r).map(|h| (i, h)));
        let data_start = match found {
            Some((i, h)) => {
                if header.is_none() {
                    // Rows above the first header are the title and 主管部门 lines.
                    for r in &block.rows[..i] {
                        let texts = non_empty_texts(r);
                        if !texts.is_empty() {
                            preamble.push((texts.join(" "), r.pos));
                        }
                    }
                    check_columns(&mut b, block, &block.rows[i], &h)?;
                }
                header = Some(h);
                header_width = block.rows[i].cells.len();
                i + 1
            }
            None if header.is_some() => {
                // A continuation without a repeated header has the same columns; another
                // table (signatures, notes) does not.
                let width = block.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
                if width != header_width {
                    let loc = b.loc(block, None);
                    b.warn(
                        loc,
                        format!("这个表格有{width}列，任务表有{header_width}列，不像续表，已忽略"),
                    );
                    continue;
                }
                0
            }
            None => continue,
        };
        let Some(h) = header.as_ref() else { continue };

        for row in &block.rows[data_start..] {
            let task = h.text(row, Column::Task);
            let l1 = h.text(row, Column::Level1);
            let l2 = h.text(row, Column::Level2);
            let target = h.text(row, Column::Target);
            let progress = h.text(row, Column::Progress);
            let weight_text = h.text(row, Column::Weight);
            if row.cells.iter().all(|c| c.text.is_empty()) {
                continue;
            }
            if column_of(task) == Some(Column::Task) {
                continue; // the header repeated on a continued table
            }
            let is_total = row
                .cells
                .iter()
                .find(|c| !c.text.is_empty() && !c.merged)
                .is_some_and(|c| is_total_label(&c.text));
            if is_total {
                if let Ok(total) = parse_weight(weight_text)
                    && (total - sum).abs() > 1e-6
                {
                    let loc = b.cell_loc(block, h, row, Column::Weight);
                    b.warn(
                        loc,
                        format!(
                            "合计行写的是{}分，但各任务分值之和是{}分，请核对",
                            fmt_points(total),
                            fmt_points(sum)
                        ),
                    );
                }
                continue;
            }
            if !l1.is_empty() {
                if l1 != level1 {
                    level2.clear();
                }
                level1 = l1.to_string();
            }
            if !l2.is_empty() {
                level2 = l2.to_string();
            }
            if task.is_empty() {
                if target.is_empty() && progress.is_empty() && weight_text.is_empty() {
                    let known: HashSet<usize> = h.index.iter().flatten().copied().collect();
                    if row
                        .cells
                        .iter()
                        .enumerate()
                        .any(|(i, c)| !known.contains(&i) && !c.text.is_empty())
                        && l1.is_empty()
                        && l2.is_empty()
                    {
                        let loc = b.loc(block, Some(row.pos));
                        b.warn(loc, "这一行没有任务要点名称，只有其他列的内容，已跳过");
                    }
                    continue; // a section heading (一级/二级 only) or stray notes
                }
                return Err(ImportError::new(
                    b.cell_loc(block, h, row, Column::Task),
                    ImportErrorKind::MissingTask,
                ));
            }
            let weight = match parse_weight(weight_text) {
                Ok(w) => w,
                Err(e) => {
                    let kind = match e {
                        WeightError::Empty => ImportErrorKind::MissingWeight {
                            task: task.to_string(),
                        },
                        WeightError::Unreadable => ImportErrorKind::BadWeight {
                            value: weight_text.to_string(),
                        },
                        WeightError::Negative => ImportErrorKind::NegativeWeight {
                            value: weight_text.to_string(),
                        },
                    };
                    return Err(ImportError::new(
                        b.cell_loc(block, h, row, Column::Weight),
                        kind,
                    ));
                }
            };
            if h.get(row, Column::Weight).is_some_and(|c| c.merged) {
                let loc = b.cell_loc(block, h, row, Column::Weight);
                b.warn(
                    loc,
                    format!(
                        "分值是合并单元格，已给任务「{task}」也记{}分，请核对是否应分摊",
                        fmt_points(weight)
                    ),
                );
            }
            if !seen.insert((level2.clone(), task.to_string())) {
                let loc = b.cell_loc(block, h, row, Column::Task);
                b.warn(
                    loc,
                    format!("任务「{task}」在「{level2}」下出现了不止一次，请核对是否重复"),
                );
            }
            sum += weight;
            rows.push(Row {
                level1: level1.clone(),
                level2: level2.clone(),
                task: task.to_string(),
                target: target.to_string(),
                progress: progress.to_string(),
                weight,
                source: b.loc(block, Some(row.pos)),
            });
        }
    }

    let Some(_) = header else {
        return Err(missing_task_column(&b, &blocks));
    };
    if rows.is_empty() {
        let first = blocks.first();
        return Err(ImportError::new(
            Location {
                file: b.file.clone(),
                sheet_or_table: first.and_then(|f| f.name.clone()),
                ..Location::default()
            },
            ImportErrorKind::NoRows,
        ));
    }

    let department = preamble.iter().find_map(|(l, _)| department_of(l));
    let title = preamble
        .iter()
        .map(|(l, _)| l.trim())
        .find(|l| !l.is_empty() && !l.contains("主管部门") && !is_attachment_label(l))
        .unwrap_or("")
        .to_string();
    let file_loc = Location::file(&b.file);
    if title.is_empty() {
        b.warn(file_loc.clone(), "表格上方没有找到标题");
    }
    if department.is_none() {
        b.warn(
            file_loc,
            "表格上方没有找到「主管部门：」行，导入时请指定被考核单位",
        );
    }
    Ok(ParsedTable {
        title,
        department,
        rows,
        warnings: b.warnings,
    })
}

/// "30" for 30.0, "12.5" for 12.5.
fn fmt_points(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn check_columns(
    b: &mut Builder,
    block: &RawBlock,
    row: &RawRow,
    h: &Header,
) -> Result<(), ImportError> {
    if h.index[Column::Weight as usize].is_none() {
        return Err(ImportError::new(
            b.loc(block, Some(row.pos)),
            ImportErrorKind::MissingColumn {
                column: Column::Weight,
                found: non_empty_texts(row),
            },
        ));
    }
    for col in [
        Column::Level1,
        Column::Level2,
        Column::Target,
        Column::Progress,
    ] {
        if h.index[col as usize].is_none() {
            let loc = b.loc(block, Some(row.pos));
            b.warn(
                loc,
                format!(
                    "表头中没有「{}」列（也可写作：{}），这一列按空白导入",
                    col.name(),
                    if col.synonyms().len() > 1 {
                        col.synonyms()[1..].join("、")
                    } else {
                        "无".into()
                    }
                ),
            );
        }
    }
    Ok(())
}

/// The error for a table without a 任务要点名称 column: names the likeliest header row.
fn missing_task_column(b: &Builder, blocks: &[RawBlock]) -> ImportError {
    let candidate = blocks
        .iter()
        .flat_map(|bl| {
            bl.rows
                .iter()
                .take(HEADER_SEARCH_ROWS)
                .map(move |r| (bl, r))
        })
        .filter(|(_, r)| r.cells.iter().any(|c| !c.text.is_empty()))
        .enumerate()
        .max_by_key(|(i, (_, r))| (matches_in(r), std::cmp::Reverse(*i)))
        .map(|(_, x)| x);
    match candidate {
        Some((block, row)) => ImportError::new(
            b.loc(block, Some(row.pos)),
            ImportErrorKind::MissingColumn {
                column: Column::Task,
                found: non_empty_texts(row),
            },
        ),
        None if blocks.is_empty() => ImportError::at_file(&b.file, ImportErrorKind::NoTable),
        None => ImportError::at_file(&b.file, ImportErrorKind::Empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_written_as_arabic_points_are_read_as_numbers() {
        for (text, points) in [
            ("30分", 30.0),
            ("30", 30.0),
            ("30.0", 30.0),
            ("30 分", 30.0),
            (" ３０分 ", 30.0),
            ("12.5分", 12.5),
            ("0分", 0.0),
            ("+5", 5.0),
        ] {
            assert_eq!(parse_weight(text), Ok(points), "{text}");
        }
    }

    #[test]
    fn weights_in_words_or_garbage_or_negative_are_refused() {
        for (text, err) in [
            ("", WeightError::Empty),
            ("  ", WeightError::Empty),
            ("三十分", WeightError::Unreadable),
            ("abc", WeightError::Unreadable),
            ("分", WeightError::Unreadable),
            ("1.2.3", WeightError::Unreadable),
            ("30分分", WeightError::Unreadable),
            ("1e9", WeightError::Unreadable),
            ("NaN", WeightError::Unreadable),
            ("-5分", WeightError::Negative),
        ] {
            assert_eq!(parse_weight(text), Err(err), "{text}");
        }
    }

    #[test]
    fn header_names_and_synonyms_map_to_columns_after_normalising() {
        for (text, col) in [
            ("任务要点名称", Some(Column::Task)),
            (" 任务 要点\u{3000}名称 ", Some(Column::Task)),
            ("工作任务", Some(Column::Task)),
            ("年度目标任务", Some(Column::Target)),
            ("目标任务", Some(Column::Target)),
            ("完成情况", Some(Column::Progress)),
            ("进度情况（截至9月底）", Some(Column::Progress)),
            ("分值（分）", Some(Column::Weight)),
            ("权重(%)", Some(Column::Weight)),
            ("*分值权重", Some(Column::Weight)),
            ("一级指标", Some(Column::Level1)),
            ("二级指标", Some(Column::Level2)),
            ("序号", None),
            ("备注", None),
            ("任务", None),
        ] {
            assert_eq!(column_of(text), col, "{text}");
        }
    }

    #[test]
    fn department_is_the_name_after_the_label_up_to_whitespace() {
        for (line, dept) in [
            (
                "主管部门：枣庄市妇联                    ",
                Some("枣庄市妇联"),
            ),
            ("主管部门: 枣庄市妇联", Some("枣庄市妇联")),
            (
                "填报单位：某中心  主管部门：市妇联  日期：2022",
                Some("市妇联"),
            ),
            ("主管部门：", None),
            ("2022年度绩效考核", None),
        ] {
            assert_eq!(department_of(line).as_deref(), dept, "{line}");
        }
    }

    #[test]
    fn an_attachment_label_above_the_title_is_not_the_title() {
        let mut d = doc(vec![
            row(1, &["任务名称", "分值"]),
            row(2, &["任务一", "30分"]),
        ]);
        d.preamble.insert(0, ("附件 1：".into(), 1));
        assert_eq!(build(d).unwrap().title, "标题");
        for (line, is_label) in [
            ("附件1", true),
            ("附件二", true),
            ("附件：", true),
            ("附件材料清单", false),
        ] {
            assert_eq!(is_attachment_label(line), is_label, "{line}");
        }
    }

    #[test]
    fn column_letters_count_like_excel() {
        for (i, s) in [
            (0, "A"),
            (5, "F"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(column_letters(i), s);
        }
    }

    fn row(pos: usize, texts: &[&str]) -> RawRow {
        RawRow {
            pos,
            cells: texts
                .iter()
                .map(|t| RawCell {
                    text: t.to_string(),
                    pos,
                    merged: false,
                })
                .collect(),
        }
    }

    fn doc(rows: Vec<RawRow>) -> RawDoc {
        RawDoc {
            file: "t.txt".into(),
            source: Source::Txt,
            preamble: vec![("标题".into(), 1), ("主管部门：某部门".into(), 2)],
            blocks: vec![RawBlock { name: None, rows }],
            warnings: vec![],
        }
    }

    #[test]
    fn empty_level_cells_inherit_from_above_and_section_rows_only_set_them() {
        let t = build(doc(vec![
            row(1, &["一级指标", "二级指标", "任务名称", "分值"]),
            row(2, &["甲（100分）", "", "", ""]),
            row(3, &["", "乙", "任务一", "60分"]),
            row(4, &["", "", "任务二", "40"]),
            row(5, &["合计", "", "", "100分"]),
        ]))
        .unwrap();
        let got: Vec<_> = t
            .rows
            .iter()
            .map(|r| {
                (
                    r.level1.as_str(),
                    r.level2.as_str(),
                    r.task.as_str(),
                    r.weight,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("甲（100分）", "乙", "任务一", 60.0),
                ("甲（100分）", "乙", "任务二", 40.0)
            ]
        );
        // target and progress columns are missing: one warning each, nothing else.
        assert_eq!(t.warnings.len(), 2, "{:?}", t.warnings);
        assert_eq!(t.rows[1].target, "");
    }

    #[test]
    fn a_total_row_that_disagrees_with_the_sum_is_a_warning() {
        let t = build(doc(vec![
            row(
                1,
                &[
                    "任务名称",
                    "年度目标",
                    "进度情况",
                    "分值",
                    "一级指标",
                    "二级指标",
                ],
            ),
            row(2, &["任务一", "", "", "60分", "甲", "乙"]),
            row(3, &["合计", "", "", "90分", "", ""]),
        ]))
        .unwrap();
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.warnings.len(), 1);
        assert!(t.warnings[0].message.contains("90分"), "{}", t.warnings[0]);
        assert_eq!(t.warnings[0].location.column.as_deref(), Some("分值"));
    }

    #[test]
    fn the_same_task_twice_under_one_level2_is_a_warning_not_an_error() {
        let t = build(doc(vec![
            row(
                1,
                &[
                    "一级指标",
                    "二级指标",
                    "任务名称",
                    "年度目标",
                    "进度情况",
                    "分值",
                ],
            ),
            row(2, &["甲", "乙", "任务一", "", "", "10"]),
            row(3, &["", "", "任务一", "", "", "10"]),
            row(4, &["", "丙", "任务一", "", "", "10"]),
        ]))
        .unwrap();
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.warnings.len(), 1);
        assert_eq!(t.warnings[0].location.row, Some(3));
    }

    #[test]
    fn rows_with_content_but_no_task_or_no_weight_are_errors_at_their_cell() {
        let base = [
            "一级指标",
            "二级指标",
            "任务名称",
            "年度目标",
            "进度情况",
            "分值",
        ];
        for (data, kind, column) in [
            (
                ["甲", "乙", "", "目标", "", "10"],
                ImportErrorKind::MissingTask,
                "任务名称",
            ),
            (
                ["甲", "乙", "任务一", "目标", "", ""],
                ImportErrorKind::MissingWeight {
                    task: "任务一".into(),
                },
                "分值",
            ),
            (
                ["甲", "乙", "任务一", "目标", "", "-3"],
                ImportErrorKind::NegativeWeight { value: "-3".into() },
                "分值",
            ),
        ] {
            let err = build(doc(vec![row(1, &base), row(7, &data)])).unwrap_err();
            assert_eq!(err.kind, kind);
            assert_eq!(err.location.row, Some(7));
            assert_eq!(err.location.column.as_deref(), Some(column));
        }
    }

    #[test]
    fn a_header_without_weight_column_is_an_error_listing_the_columns_found() {
        let err = build(doc(vec![
            row(3, &["任务名称", "年度目标"]),
            row(4, &["任务一", "目标"]),
        ]))
        .unwrap_err();
        assert_eq!(
            err.kind,
            ImportErrorKind::MissingColumn {
                column: Column::Weight,
                found: vec!["任务名称".into(), "年度目标".into()]
            }
        );
        assert_eq!(err.location.row, Some(3));
    }

    #[test]
    fn xlsx_locations_carry_the_cell_reference() {
        let mut d = doc(vec![
            row(3, &["任务名称", "分值"]),
            row(4, &["任务一", "三十分"]),
        ]);
        d.source = Source::Xlsx;
        d.file = "a.xlsx".into();
        d.blocks[0].name = Some("Sheet1".into());
        let err = build(d).unwrap_err();
        assert_eq!(err.location.cell.as_deref(), Some("B4"));
        assert_eq!(
            err.to_string(),
            "a.xlsx 工作表「Sheet1」第4行「分值」列（B4单元格）：无法识别的分值「三十分」，请写成阿拉伯数字，如“30分”"
        );
    }
}
