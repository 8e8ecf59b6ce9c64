//! From cells to a [`ParsedTable`]: the part the three formats share — finding the header by
//! name, filling 一级/二级, skipping empty, header and total rows, reading weights, warnings.

use std::collections::HashSet;

use crate::{
    Column, ImportError, ImportErrorKind, Location, ParsedTable, Row, RowNumbers, Warning,
};

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

/// Columns beyond the six of the contract: the numbers of numeric tables and 绩效自评表.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumCol {
    /// 单位 (the measure word of target and actual).
    Unit,
    /// 目标值.
    TargetValue,
    /// 完成值.
    ActualValue,
    /// 完成率.
    Rate,
    /// 得分 (self-score).
    Score,
}

impl NumCol {
    const COUNT: usize = 5;

    fn synonyms(self) -> &'static [&'static str] {
        match self {
            NumCol::Unit => &["单位", "计量单位"],
            NumCol::TargetValue => &[
                "目标值",
                "年度目标值",
                "年度指标值",
                "目标任务数",
                "计划数",
                "指标值",
            ],
            NumCol::ActualValue => &[
                "完成值",
                "实际完成",
                "实际完成值",
                "全年实际值",
                "完成数",
                "进度",
                "实际值",
            ],
            NumCol::Rate => &["完成率", "完成比例"],
            NumCol::Score => &["得分", "自评得分", "自评分"],
        }
    }
}

/// The numeric column a header cell names, if any. "完成进度(%)" is a rate; "完成进度" without a
/// percent sign stays the prose 进度情况 column.
pub(crate) fn num_column_of(header: &str) -> Option<NumCol> {
    let n = normalize_header(header);
    let percent = header.contains('%') || header.contains('％');
    if percent && n == "完成进度" {
        return Some(NumCol::Rate);
    }
    [
        NumCol::Unit,
        NumCol::TargetValue,
        NumCol::ActualValue,
        NumCol::Rate,
        NumCol::Score,
    ]
    .into_iter()
    .find(|c| c.synonyms().contains(&n.as_str()))
}

/// 序号 columns: numbering, not an attribute of the task.
fn is_serial_header(header: &str) -> bool {
    matches!(
        normalize_header(header).as_str(),
        "序号" | "序" | "编号" | "No." | "NO."
    )
}

/// A plain number and the measure word after it, as a cell writes it: "2295" → (2295, ""),
/// "2,295个" → (2295, "个"), "１０９５" → (1095, ""), "47.7%" → (47.7, "%"). `None` for anything
/// else: comparators and approximations ("≥95%", "2000余人", "约100"), words ("已完成"), a
/// "unit" longer than four characters or with digits in it.
pub(crate) fn split_number(text: &str) -> Option<(f64, String)> {
    let s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
        .map(fold_width)
        .collect();
    let end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-')))
        .map_or(s.len(), |(i, _)| i);
    let (number, rest) = s.split_at(end);
    let digits = number.strip_prefix('-').unwrap_or(number);
    let well_formed = digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    let plain_unit = rest.chars().count() <= 4
        && !rest
            .chars()
            .any(|c| c.is_ascii_digit() || "余多以左右上下内约近超逾.-".contains(c));
    if !well_formed || !plain_unit {
        return None;
    }
    let v = number.parse::<f64>().ok().filter(|v| v.is_finite())?;
    Some((v, rest.to_string()))
}

/// A plain number in `unit` (or with no unit, or in %): see [`split_number`].
pub(crate) fn parse_number(text: &str, unit: Option<&str>) -> Option<f64> {
    split_number(text)
        .filter(|(_, u)| u.is_empty() || u == "%" || Some(u.as_str()) == unit)
        .map(|(v, _)| v)
}

/// A number for a sentence: at most four decimals, no needless zeros ("47.7", "2295").
pub(crate) fn fmt_number(v: f64) -> String {
    let r = (v * 10_000.0).round() / 10_000.0;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// True when the text starts like a number (so "完成" can be put before it).
fn starts_numeric(text: &str) -> bool {
    text.chars()
        .next()
        .map(fold_width)
        .is_some_and(|c| c.is_ascii_digit() || c == '.')
}

/// The rate in percent from a 完成率 cell: "47.7%" is 47.7; a bare number is a percentage or a
/// fraction (Excel stores 47.7% as 0.477), decided by which agrees with actual ÷ target, else by
/// a "%" in the header, else fractions are numbers up to 2 (200%).
fn rate_of(
    text: &str,
    header_percent: bool,
    target: Option<f64>,
    actual: Option<f64>,
) -> Option<f64> {
    // 0.477 × 100 is 47.699999999999996: a rate has no more than four decimals.
    rate_unrounded(text, header_percent, target, actual).map(|r| (r * 10_000.0).round() / 10_000.0)
}

/// [`rate_of`] before rounding.
fn rate_unrounded(
    text: &str,
    header_percent: bool,
    target: Option<f64>,
    actual: Option<f64>,
) -> Option<f64> {
    let v = parse_number(text, None)?;
    let folded: String = text.chars().map(fold_width).collect();
    if folded.trim_end().ends_with('%') {
        return Some(v);
    }
    if let (Some(t), Some(a)) = (target, actual)
        && t != 0.0
    {
        let want = a / t * 100.0;
        return Some(if (v * 100.0 - want).abs() < (v - want).abs() {
            v * 100.0
        } else {
            v
        });
    }
    if header_percent || v > 2.0 {
        Some(v)
    } else {
        Some(v * 100.0)
    }
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
    if !value.is_finite() {
        return Err(WeightError::Unreadable); // "1" and 400 zeros
    }
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
    /// Where the numeric columns are ([`NumCol`] as index).
    num: [Option<usize>; NumCol::COUNT],
    /// The 完成率 header says "%": its bare numbers are percentages.
    rate_percent: bool,
    /// The columns kept as attributes: (grid column, header as written).
    extras: Vec<(usize, String)>,
}

impl Header {
    fn from_row(row: &RawRow) -> Option<Header> {
        let mut index = [None; 6];
        let mut rank = [usize::MAX; 6];
        let mut name: [String; 6] = Default::default();
        let mut num = [None; NumCol::COUNT];
        let mut rate_percent = false;
        let mut extras = Vec::new();
        for (i, cell) in row.cells.iter().enumerate() {
            let text = cell.text.trim();
            if text.is_empty() {
                continue;
            }
            if let Some(col) = num_column_of(text) {
                if num[col as usize].is_none() {
                    num[col as usize] = Some(i);
                    if col == NumCol::Rate {
                        rate_percent = text.contains('%') || text.contains('％');
                    }
                }
                continue;
            }
            if let Some(col) = column_of(text) {
                let k = col as usize;
                let n = normalize_header(text);
                let r = col.synonyms().iter().position(|s| *s == n).unwrap_or(0);
                if r < rank[k] {
                    // A better name for the column (任务名称 over 三级指标): the other is an
                    // attribute.
                    if let Some(prev) = index[k] {
                        extras.push((prev, name[k].clone()));
                    }
                    index[k] = Some(i);
                    rank[k] = r;
                    name[k] = text.to_string();
                } else if !cell.merged {
                    extras.push((i, text.to_string()));
                }
                continue;
            }
            // A header merged across columns is one attribute; one merged down from a header
            // row above (two-row headers of 自评表 forms) is not a repeat.
            let repeat = cell.merged && i > 0 && row.cells[i - 1].text == cell.text;
            if repeat || is_serial_header(text) {
                continue;
            }
            extras.push((i, text.to_string()));
        }
        index[Column::Task as usize]?;
        for col in Column::ALL {
            if name[col as usize].is_empty() {
                name[col as usize] = col.name().to_string();
            }
        }
        extras.retain(|(i, _)| !index.contains(&Some(*i)));
        extras.sort_by_key(|(i, _)| *i);
        Some(Header {
            index,
            name,
            num,
            rate_percent,
            extras,
        })
    }

    fn get<'a>(&self, row: &'a RawRow, col: Column) -> Option<&'a RawCell> {
        self.index[col as usize].and_then(|i| row.cells.get(i))
    }

    fn text<'a>(&self, row: &'a RawRow, col: Column) -> &'a str {
        self.get(row, col).map_or("", |c| c.text.as_str())
    }

    fn num_text<'a>(&self, row: &'a RawRow, col: NumCol) -> &'a str {
        self.num[col as usize]
            .and_then(|i| row.cells.get(i))
            .map_or("", |c| c.text.as_str())
    }

    fn has_numbers(&self) -> bool {
        self.num.iter().any(Option::is_some)
    }

    /// The row's attributes: non-empty cells of the extra columns.
    fn extra(&self, row: &RawRow) -> Vec<(String, String)> {
        self.extras
            .iter()
            .filter_map(|(i, name)| {
                let cell = row.cells.get(*i)?;
                (!cell.text.is_empty()).then(|| (name.clone(), cell.text.clone()))
            })
            .collect()
    }

    /// The row's numbers, and the target and progress sentences written from them.
    fn numbers(&self, row: &RawRow) -> (RowNumbers, String, String) {
        let target_text = self.num_text(row, NumCol::TargetValue).trim();
        let actual_text = self.num_text(row, NumCol::ActualValue).trim();
        // The 单位 column, else the measure word the target or the actual is written with.
        let unit = Some(self.num_text(row, NumCol::Unit).trim().to_string())
            .filter(|u| !u.is_empty())
            .or_else(|| {
                [target_text, actual_text]
                    .into_iter()
                    .filter_map(split_number)
                    .map(|(_, u)| u)
                    .find(|u| !u.is_empty())
            })
            .unwrap_or_default();
        let unit = unit.as_str();
        let unit_opt = (!unit.is_empty()).then_some(unit);
        let target = parse_number(target_text, unit_opt);
        let actual = parse_number(actual_text, unit_opt);
        let rate = rate_of(
            self.num_text(row, NumCol::Rate),
            self.rate_percent,
            target,
            actual,
        );
        let self_score = parse_number(self.num_text(row, NumCol::Score), Some("分"));
        // A bare number gets the unit; text that has its own ("≥95%", "100人") stays as written.
        let with_unit = |text: &str| {
            if split_number(text).is_some_and(|(_, u)| u.is_empty()) {
                format!("{text}{unit}")
            } else {
                text.to_string()
            }
        };
        let target_sentence = if target_text.is_empty() {
            String::new()
        } else {
            with_unit(target_text)
        };
        let mut parts = Vec::new();
        if !actual_text.is_empty() {
            let a = with_unit(actual_text);
            parts.push(if starts_numeric(&a) {
                format!("完成{a}")
            } else {
                a
            });
        }
        if let Some(r) = rate {
            parts.push(format!("完成率{}%", fmt_number(r)));
        }
        let numbers = RowNumbers {
            target,
            actual,
            unit: unit_opt.map(str::to_string),
            rate,
            self_score,
        };
        (numbers, target_sentence, parts.join("，"))
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
            let (numbers, target, progress) = if h.has_numbers() {
                let (n, t, p) = h.numbers(row);
                // Prose wins where the table has it; the numbers' sentences fill in.
                let pick = |prose: &str, made: String| {
                    if prose.is_empty() {
                        made
                    } else {
                        prose.to_string()
                    }
                };
                (Some(n), pick(target, t), pick(progress, p))
            } else {
                (None, target.to_string(), progress.to_string())
            };
            rows.push(Row {
                level1: level1.clone(),
                level2: level2.clone(),
                task: task.to_string(),
                target,
                progress,
                weight,
                source: b.loc(block, Some(row.pos)),
                extra: h.extra(row),
                numbers,
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
        let stand_in = match col {
            Column::Target => h.num[NumCol::TargetValue as usize].is_some(),
            Column::Progress => {
                h.num[NumCol::ActualValue as usize].is_some()
                    || h.num[NumCol::Rate as usize].is_some()
            }
            _ => false,
        };
        if h.index[col as usize].is_none() && !stand_in {
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
    fn plain_numbers_split_from_their_measure_word_and_anything_vaguer_is_not_a_number() {
        for (text, want) in [
            ("2295", Some((2295.0, ""))),
            ("2,295个", Some((2295.0, "个"))),
            ("１０９５ 人", Some((1095.0, "人"))),
            ("47.7%", Some((47.7, "%"))),
            ("1.2万人", Some((1.2, "万人"))),
            ("-3", Some((-3.0, ""))),
            ("≥95%", None),
            ("2000余人", None),
            ("约100", None),
            ("已完成", None),
            ("1.2.3", None),
            ("100个项目已开工", None),
            ("", None),
        ] {
            let got = split_number(text);
            assert_eq!(got.as_ref().map(|(v, u)| (*v, u.as_str())), want, "{text}");
        }
    }

    #[test]
    fn a_rate_cell_is_read_in_percent_whether_written_as_percent_or_fraction() {
        for (text, header_percent, target, actual, want) in [
            ("47.7%", false, None, None, Some(47.7)),
            ("0.477", false, Some(2295.0), Some(1095.0), Some(47.7)),
            ("47.7", false, Some(2295.0), Some(1095.0), Some(47.7)),
            ("1.25", false, None, None, Some(125.0)),
            ("1.25", true, None, None, Some(1.25)),
            ("95", false, None, None, Some(95.0)),
            ("—", false, None, None, None),
            ("", false, None, None, None),
        ] {
            assert_eq!(
                rate_of(text, header_percent, target, actual),
                want,
                "{text}"
            );
        }
    }

    #[test]
    fn numeric_headers_map_by_synonym_and_a_percent_sign_makes_progress_a_rate() {
        for (text, col) in [
            ("年度指标值", Some(NumCol::TargetValue)),
            ("目标任务数", Some(NumCol::TargetValue)),
            ("全年实际值", Some(NumCol::ActualValue)),
            ("实际完成", Some(NumCol::ActualValue)),
            ("完成率", Some(NumCol::Rate)),
            ("完成率（%）", Some(NumCol::Rate)),
            ("完成进度(%)", Some(NumCol::Rate)),
            ("完成进度", None),
            ("计量单位", Some(NumCol::Unit)),
            ("自评得分", Some(NumCol::Score)),
            ("责任单位", None),
        ] {
            assert_eq!(num_column_of(text), col, "{text}");
        }
        assert_eq!(column_of("完成进度"), Some(Column::Progress));
        assert_eq!(column_of("三级指标"), Some(Column::Task));
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
