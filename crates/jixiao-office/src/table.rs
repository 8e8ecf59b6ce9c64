//! From cells to a [`ParsedTable`]: the part the three formats share — finding the header by
//! name (or a wide matrix by its two header rows), filling 一级/二级, splitting tasks that share a
//! merged cell, skipping empty, header and total rows, reading weights, warnings.

use std::collections::HashSet;

use crate::{
    Column, ColumnMap, ColumnRole, ImportError, ImportErrorKind, Location, ParsedTable, Row,
    RowNumbers, Warning,
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

/// How many rows from the top of a table the header may be: a 自评表 puts a block of project
/// lines (项目名称, 主管部门, 资金, 年度目标) above its indicator table.
const HEADER_SEARCH_ROWS: usize = 20;

/// Normalises a header cell for matching: no whitespace (incl. U+3000), full-width ASCII and
/// traditional characters folded ("一級指標" is 一级指标: tables from Hong Kong, Taiwan and
/// machine-converted pages), `*` and `★` marks, a trailing parenthesis ("（分）", "(%)") and a
/// trailing "%" ("1-8月实际完成率%") dropped.
pub(crate) fn normalize_header(text: &str) -> String {
    let mut s: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '★')
        .map(|c| fold_traditional(fold_width(c)))
        .collect();
    if s.ends_with(')')
        && let Some(open) = s.rfind('(')
        && open > 0
    {
        s.truncate(open);
    }
    while s.len() > 1 && s.ends_with('%') {
        s.pop();
    }
    s
}

/// Traditional characters of the header vocabulary, and their simplified forms at the same
/// position of [`级标实际绩单项进况务责权计划数类别动内产质时准评价达预执资额门关牵头体总点业统经会说备注与应属区县镇乡个万亿规发现设费财值报围验检称号编开题证审书线线户积岁劳练训卫医疗农币职将届态隶周养险LIFIED`]. Only what headers need: cell texts are never folded.
const 級標實際績單項進況務責權計劃數類別動內產質時準評價達預執資額門關牽頭體總點業統經會說備註與應屬區縣鎮鄉個萬億規發現設費財値報圍驗檢稱號編開題證審書綫線戶積歲勞練訓衛醫療農幣職將屆態隸週養險ITIONAL: &str = "級標實際績單項進況務責權計劃數類別動內產質時準評價達預執資額門關牽頭體總點業統經會說備註與應屬區縣鎮鄉個萬億規發現設費財値報圍驗檢稱號編開題證審書綫線戶積歲勞練訓衛醫療農幣職將屆態隸週養險";
const 级标实际绩单项进况务责权计划数类别动内产质时准评价达预执资额门关牵头体总点业统经会说备注与应属区县镇乡个万亿规发现设费财值报围验检称号编开题证审书线线户积岁劳练训卫医疗农币职将届态隶周养险LIFIED: &str = "级标实际绩单项进况务责权计划数类别动内产质时准评价达预执资额门关牵头体总点业统经会说备注与应属区县镇乡个万亿规发现设费财值报围验检称号编开题证审书线线户积岁劳练训卫医疗农币职将届态隶周养险";

/// The simplified form of a traditional character of the header vocabulary; others unchanged.
fn fold_traditional(c: char) -> char {
    級標實際績單項進況務責權計劃數類別動內產質時準評價達預執資額門關牽頭體總點業統經會說備註與應屬區縣鎮鄉個萬億規發現設費財値報圍驗檢稱號編開題證審書綫線戶積歲勞練訓衛醫療農幣職將屆態隸週養險ITIONAL
        .chars()
        .position(|t| t == c)
        .and_then(|i| 级标实际绩单项进况务责权计划数类别动内产质时准评价达预执资额门关牵头体总点业统经会说备注与应属区县镇乡个万亿规发现设费财值报围验检称号编开题证审书线线户积岁劳练训卫医疗农币职将届态隶周养险LIFIED.chars().nth(i))
        .unwrap_or(c)
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
    /// 指标性质: the comparator of a target split over three columns (指标性质 "≥" | 指标值
    /// "95" | 度量单位 "%"), put back before the target ("≥95%").
    Comparator,
}

impl NumCol {
    const COUNT: usize = 6;

    const ALL: [NumCol; NumCol::COUNT] = [
        NumCol::Unit,
        NumCol::TargetValue,
        NumCol::ActualValue,
        NumCol::Rate,
        NumCol::Score,
        NumCol::Comparator,
    ];

    fn synonyms(self) -> &'static [&'static str] {
        match self {
            NumCol::Unit => &["单位", "计量单位", "度量单位"],
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
                "累计完成",
                "累计完成数",
                "累计完成值",
                "已完成",
                "已完成数",
            ],
            NumCol::Rate => &["完成率", "完成比例", "完成百分比", "任务完成率"],
            NumCol::Comparator => &["指标性质"],
            NumCol::Score => &["得分", "自评得分", "自评分"],
        }
    }
}

/// The numeric column a header cell names, if any. "完成进度(%)" is a rate; "完成进度" without a
/// percent sign stays the prose 进度情况 column.
pub(crate) fn num_column_of(header: &str) -> Option<NumCol> {
    let n = normalize_header(header);
    if let Some(c) = NumCol::ALL
        .into_iter()
        .find(|c| c.synonyms().contains(&n.as_str()))
    {
        return Some(c);
    }
    // "完成进度(%)", "完成目标(%)": a share of the task done, in percent.
    let percent = header.contains('%') || header.contains('％');
    (percent && (n.starts_with("完成") || n.ends_with("进度"))).then_some(NumCol::Rate)
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
        && !rest.chars().any(|c| {
            c.is_ascii_digit() || "余多以左右上下内约近超逾.-()（）[]【】、，。；：“”".contains(c)
        });
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
    rate_unrounded(text, header_percent, target, actual)
        .map(|r| (r * 10_000.0).round() / 10_000.0)
        .filter(|r| r.is_finite())
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

/// The labels a department line starts with, matched after folding width and traditional
/// characters ("主管部門：", "部門(單位)名稱：").
const DEPARTMENT_LABELS: [&str; 3] = ["主管部门", "部门(单位)名称", "部门名称"];

/// The department named in a line such as "主管部门：枣庄市妇联      填报日期：…", without a
/// code prefix ("主管部门：[155]濉溪县民政局" → "濉溪县民政局"), as written (not folded).
pub(crate) fn department_of(line: &str) -> Option<String> {
    let compact: Vec<char> = line.chars().map(fold_width).collect();
    let folded: String = compact.iter().map(|c| fold_traditional(*c)).collect();
    let (at, label) = DEPARTMENT_LABELS
        .iter()
        .find_map(|l| folded.find(l).map(|at| (at, l)))?;
    let start = folded[..at].chars().count() + label.chars().count();
    let rest: String = compact[start..].iter().collect();
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let rest = strip_code_prefix(rest);
    let name: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    (!name.is_empty()).then_some(name)
}

/// A unit's name without the code a finance system puts before it: "[155]濉溪县民政局",
/// "【155】濉溪县民政局", "［155］ 濉溪县民政局" and "219-池州市贵池区棠溪镇人民政府" are the names
/// after the code.
pub(crate) fn strip_code_prefix(text: &str) -> &str {
    let t = text.trim();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits >= 2
        && let Some(rest) = t[digits..]
            .strip_prefix('-')
            .or_else(|| t[digits..].strip_prefix('－'))
            .filter(|r| !r.trim().is_empty())
    {
        return rest.trim_start();
    }
    for (open, close) in [('[', ']'), ('【', '】'), ('［', '］'), ('〔', '〕')] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(end) = rest.find(close)
        {
            let code = &rest[..end];
            let is_code = !code.is_empty()
                && code
                    .chars()
                    .map(fold_width)
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
            if is_code {
                return rest[end + close.len_utf8()..].trim_start();
            }
        }
    }
    t
}

/// The responsible unit of a 责任单位 cell, without its code prefix; `None` when empty.
fn responsible_of(cell: &str) -> Option<String> {
    Some(strip_code_prefix(cell).to_string()).filter(|s| !s.is_empty())
}

/// The unit a header names in its trailing parenthesis: "目标任务（万元）" → "万元", "累计完成(人)"
/// → "人", "城镇新增就业(人)" → "人". A parenthesis with digits or a time ("截至9月底", "2023年")
/// or longer than a measure word is not a unit.
pub(crate) fn header_unit(header: &str) -> Option<String> {
    let s: String = header
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(fold_width)
        .collect();
    let inner = s.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let unit = &inner[open + 1..];
    let is_unit = open > 0
        && !unit.is_empty()
        && unit.chars().count() <= 5
        && !unit.chars().any(|c| {
            c.is_ascii_digit() || "截止至月年日底季含计注说情况一二三四五六七八九".contains(c)
        });
    is_unit.then(|| unit.to_string())
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

/// What a header cell makes of its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// One of the six columns of the contract.
    Col(Column),
    /// A numeric column.
    Num(NumCol),
    /// 类别/行动: a level when the table has no 一级/二级 column, else an attribute.
    Group,
    /// 责任单位/牵头单位: [`Row::responsible`], and an attribute as well.
    Responsible,
    /// 序号: numbering, dropped.
    Serial,
    /// Mapped away by the user: dropped.
    Ignore,
}

/// 类别/行动 and the like: the grouping above the tasks (工程名称 in 民生工程 tables, where each
/// 工程 groups its 项目).
const GROUP_HEADERS: [&str; 7] = [
    "类别",
    "行动",
    "类型",
    "分类",
    "板块",
    "工程名称",
    "目标类别",
];

/// The responsible unit's column, better names first.
const RESPONSIBLE_HEADERS: [&str; 8] = [
    "责任单位",
    "牵头单位",
    "牵头责任单位",
    "责任部门",
    "牵头部门",
    "主责单位",
    "责任主体",
    "承办单位",
];

/// Header endings that name a role whatever comes before them: real headers qualify a name with
/// a period or a scope ("1-8月实际完成情况", "省重点民生实事项目名称", "市级牵头责任单位",
/// "年计划投资完成率"). Tried after the exact names, in this order.
const SUFFIXES: [(&str, Role); 22] = [
    ("完成率", Role::Num(NumCol::Rate)),
    ("完成比例", Role::Num(NumCol::Rate)),
    ("之比", Role::Num(NumCol::Rate)),
    ("完成情况", Role::Col(Column::Progress)),
    ("进展情况", Role::Col(Column::Progress)),
    ("进度情况", Role::Col(Column::Progress)),
    ("推进情况", Role::Col(Column::Progress)),
    ("落实情况", Role::Col(Column::Progress)),
    ("累计完成", Role::Num(NumCol::ActualValue)),
    ("完成数", Role::Num(NumCol::ActualValue)),
    ("完成值", Role::Num(NumCol::ActualValue)),
    ("目标任务", Role::Col(Column::Target)),
    ("任务目标", Role::Col(Column::Target)),
    ("年度目标", Role::Col(Column::Target)),
    ("目标值", Role::Num(NumCol::TargetValue)),
    ("项目名称", Role::Col(Column::Task)),
    ("任务名称", Role::Col(Column::Task)),
    ("指标名称", Role::Col(Column::Task)),
    ("责任单位", Role::Responsible),
    ("牵头单位", Role::Responsible),
    ("实施单位", Role::Responsible),
    ("类别", Role::Group),
];

/// The longest header (in characters, normalised) matched by its ending.
const MAX_SUFFIXED_HEADER: usize = 14;

/// The role of a header cell and its rank among the names of that role (0 best; a mapped header
/// is 0, so it wins over any synonym; an ending matched is worse than any exact name).
pub(crate) fn role_of(header: &str, map: &ColumnMap) -> Option<(Role, usize)> {
    if let Some(mapped) = map.role_of(header) {
        let role = match mapped {
            ColumnRole::Task => Role::Col(Column::Task),
            ColumnRole::Target => Role::Col(Column::Target),
            ColumnRole::Progress => Role::Col(Column::Progress),
            ColumnRole::Weight => Role::Col(Column::Weight),
            ColumnRole::Level1 => Role::Col(Column::Level1),
            ColumnRole::Level2 => Role::Col(Column::Level2),
            ColumnRole::Completion => Role::Num(NumCol::Rate),
            ColumnRole::Responsible => Role::Responsible,
            ColumnRole::Unit => Role::Num(NumCol::Unit),
            ColumnRole::Ignore => Role::Ignore,
        };
        return Some((role, 0));
    }
    if let Some(col) = num_column_of(header) {
        return Some((Role::Num(col), 1));
    }
    let n = normalize_header(header);
    if let Some(col) = column_of(header) {
        let rank = col.synonyms().iter().position(|s| *s == n).unwrap_or(0);
        return Some((Role::Col(col), rank + 1));
    }
    if let Some(rank) = RESPONSIBLE_HEADERS.iter().position(|s| *s == n) {
        return Some((Role::Responsible, rank + 1));
    }
    if GROUP_HEADERS.contains(&n.as_str()) {
        return Some((Role::Group, 1));
    }
    if is_serial_header(header) {
        return Some((Role::Serial, 1));
    }
    // A header is short; a title ("…任务要点完成进度情况") is not one.
    if n.chars().count() > MAX_SUFFIXED_HEADER {
        return None;
    }
    SUFFIXES
        .iter()
        .position(|(end, _)| n.len() > end.len() && n.ends_with(end))
        .map(|i| (SUFFIXES[i].1, 50 + i))
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
    /// The 责任单位 column (also an attribute).
    responsible: Option<usize>,
    /// Every column naming a responsible unit (all attributes).
    responsible_cols: Vec<usize>,
    /// Columns under the task's header beside the task column: each sub-item's name.
    task_detail: Vec<usize>,
    /// Columns headed by place names in a table without a target column (全市 | 巴州区 | …):
    /// each holds that place's target of the row's task. (grid column, place as written).
    regions: Vec<(usize, String)>,
    /// The unit each header names in a trailing parenthesis ("目标任务（万元）"), by grid column.
    units: Vec<Option<String>>,
    /// The columns kept as attributes: (grid column, header as written).
    extras: Vec<(usize, String)>,
}

impl Header {
    /// The header a row is, if it names the task column.
    fn from_row(row: &RawRow, map: &ColumnMap) -> Option<Header> {
        let mut index = [None; 6];
        let mut rank = [usize::MAX; 6];
        let mut name: [String; 6] = Default::default();
        let mut num = [None; NumCol::COUNT];
        let mut num_rank = [usize::MAX; NumCol::COUNT];
        let mut rate_percent = false;
        let mut responsible: Option<(usize, usize)> = None;
        let mut responsible_cols = Vec::new();
        let mut groups: Vec<(usize, String)> = Vec::new();
        let mut task_detail = Vec::new();
        let mut progress_rate: Option<(usize, String)> = None;
        let mut extras = Vec::new();
        for (i, cell) in row.cells.iter().enumerate() {
            let text = cell.text.trim();
            if text.is_empty() {
                continue;
            }
            // A header merged across columns is one column: its copies are not repeats.
            let copy = cell.merged && i > 0 && row.cells[i - 1].text == cell.text;
            match role_of(text, map) {
                Some((Role::Num(col), r)) => {
                    if r < num_rank[col as usize] {
                        num[col as usize] = Some(i);
                        num_rank[col as usize] = r;
                        if col == NumCol::Rate {
                            rate_percent = text.contains('%') || text.contains('％');
                        }
                    }
                }
                // A task header over two columns (项目 | its sub-item): the second column
                // names the sub-item, part of the task's name.
                Some((Role::Col(Column::Task), _)) if copy => task_detail.push(i),
                Some((Role::Col(Column::Progress), r))
                    if r > 0 && normalize_header(text) == "完成进度" =>
                {
                    progress_rate.get_or_insert((i, text.to_string()));
                }
                Some((Role::Col(col), r)) => {
                    let k = col as usize;
                    if r < rank[k] {
                        // A better name for the column (任务名称 over 三级指标): the other is an
                        // attribute.
                        if let Some(prev) = index[k] {
                            extras.push((prev, name[k].clone()));
                        }
                        index[k] = Some(i);
                        rank[k] = r;
                        name[k] = text.to_string();
                    } else if !copy && !cell.merged {
                        extras.push((i, text.to_string()));
                    }
                }
                Some((Role::Responsible, r)) => {
                    if !copy {
                        if responsible.is_none_or(|(_, best)| r < best) {
                            responsible = Some((i, r));
                        }
                        responsible_cols.push(i);
                        extras.push((i, text.to_string()));
                    }
                }
                // A grouping header over two columns (目标类别 | 目标类别) is two levels.
                Some((Role::Group, _)) => groups.push((i, text.to_string())),
                Some((Role::Serial | Role::Ignore, _)) => {}
                None => {
                    if !copy {
                        extras.push((i, text.to_string()));
                    }
                }
            }
        }
        index[Column::Task as usize]?;
        // 类别/行动 stand for the levels the table does not have, in column order.
        let mut groups = groups.into_iter();
        for level in [Column::Level1, Column::Level2] {
            if index[level as usize].is_none()
                && let Some((i, text)) = groups.next()
            {
                index[level as usize] = Some(i);
                name[level as usize] = text;
            }
        }
        extras.extend(groups.filter(|(i, _)| row.cells.get(*i).is_some_and(|c| !c.merged)));
        // "完成进度" without "%" is the progress column, unless the table has another one
        // (累计完成, 1-7月累计完成情况): then it is the rate beside it.
        if let Some((i, text)) = progress_rate {
            let other_progress = index[Column::Progress as usize].is_some()
                || num[NumCol::ActualValue as usize].is_some();
            if other_progress && num[NumCol::Rate as usize].is_none() {
                num[NumCol::Rate as usize] = Some(i);
            } else if !other_progress {
                index[Column::Progress as usize] = Some(i);
                name[Column::Progress as usize] = text;
            } else {
                extras.push((i, text));
            }
        }
        for col in Column::ALL {
            if name[col as usize].is_empty() {
                name[col as usize] = col.name().to_string();
            }
        }
        extras.retain(|(i, _)| !index.contains(&Some(*i)) && !num.contains(&Some(*i)));
        extras.sort_by_key(|(i, _)| *i);
        extras.dedup_by_key(|(i, _)| *i);
        let targetless = [Column::Target, Column::Progress]
            .iter()
            .all(|c| index[*c as usize].is_none())
            && [NumCol::TargetValue, NumCol::ActualValue]
                .iter()
                .all(|c| num[*c as usize].is_none());
        let mut regions = Vec::new();
        if targetless && extras.iter().filter(|(_, t)| is_place(t)).count() >= 2 {
            (regions, extras) = extras.into_iter().partition(|(_, t)| is_place(t));
        }
        let units = row.cells.iter().map(|c| header_unit(&c.text)).collect();
        Some(Header {
            index,
            name,
            num,
            rate_percent,
            responsible: responsible.map(|(i, _)| i),
            responsible_cols,
            task_detail,
            regions,
            units,
            extras,
        })
    }

    /// A header names the task and something to read about it (a target, the progress, a
    /// weight or figures): a 自评表's "项目名称 | XX项目 | 主管部门 | …" line is not one.
    fn qualifies(&self) -> bool {
        !self.regions.is_empty()
            || [Column::Target, Column::Progress, Column::Weight]
                .iter()
                .any(|c| self.index[*c as usize].is_some())
            || [
                NumCol::TargetValue,
                NumCol::ActualValue,
                NumCol::Rate,
                NumCol::Score,
            ]
            .iter()
            .any(|c| self.num[*c as usize].is_some())
    }

    fn get<'a>(&self, row: &'a RawRow, col: Column) -> Option<&'a RawCell> {
        self.index[col as usize].and_then(|i| row.cells.get(i))
    }

    fn text<'a>(&self, row: &'a RawRow, col: Column) -> &'a str {
        self.get(row, col).map_or("", |c| c.text.as_str())
    }

    fn num_text<'a>(&self, row: &'a RawRow, col: NumCol) -> &'a str {
        cell_text(row, self.num[col as usize])
    }

    fn unit(&self, col: Option<usize>) -> Option<&str> {
        col.and_then(|i| self.units.get(i)?.as_deref())
    }

    fn has_numbers(&self) -> bool {
        self.num.iter().any(Option::is_some)
    }

    /// The table states its target or progress as figures (a 目标值, 完成值 or 单位 column, or a
    /// unit in a header): bare numbers there are quantities whose unit may be written elsewhere
    /// in the row. A prose table with only a 完成率 or 得分 column keeps its cells as written.
    fn states_figures(&self) -> bool {
        [NumCol::TargetValue, NumCol::ActualValue, NumCol::Unit]
            .iter()
            .any(|c| self.num[*c as usize].is_some())
            || [Column::Target, Column::Progress]
                .iter()
                .any(|c| self.unit(self.index[*c as usize]).is_some())
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

    /// True when the row has a target or progress of its own (not copied from a merged cell).
    fn has_own_figures(&self, row: &RawRow) -> bool {
        [
            self.index[Column::Target as usize],
            self.index[Column::Progress as usize],
            self.num[NumCol::TargetValue as usize],
            self.num[NumCol::ActualValue as usize],
        ]
        .into_iter()
        .flatten()
        .filter_map(|i| row.cells.get(i))
        .any(|c| !c.merged && !c.text.is_empty())
    }

    /// The target and progress text of a row, with its numbers and stated completion.
    fn compose(&self, row: &RawRow, task: &str) -> Composed {
        let pick = |prose: Column, numeric: NumCol| {
            let p = self.index[prose as usize];
            if cell_text(row, p).is_empty() {
                self.num[numeric as usize]
            } else {
                p
            }
        };
        let target = pick(Column::Target, NumCol::TargetValue);
        let progress = pick(Column::Progress, NumCol::ActualValue);
        compose(Figures {
            target: cell_text(row, target),
            target_unit: self.unit(target),
            progress: cell_text(row, progress),
            progress_unit: self.unit(progress),
            unit: self.num_text(row, NumCol::Unit),
            name_unit: header_unit(task).filter(|_| self.states_figures()),
            comparator: self.num_text(row, NumCol::Comparator),
            rate: self.num_text(row, NumCol::Rate),
            rate_percent: self.rate_percent,
            score: self.num_text(row, NumCol::Score),
            numeric: self.states_figures(),
            targetless: self.index[Column::Target as usize].is_none()
                && self.num[NumCol::TargetValue as usize].is_none(),
        })
    }
}

/// The trimmed text of a row's cell in grid column `col` ("" when there is none).
fn cell_text(row: &RawRow, col: Option<usize>) -> &str {
    col.and_then(|i| row.cells.get(i))
        .map_or("", |c| c.text.trim())
}

/// The cells a row states its figures in, as [`compose`] reads them.
struct Figures<'a> {
    target: &'a str,
    /// The unit the target's header names.
    target_unit: Option<&'a str>,
    progress: &'a str,
    /// The unit the progress's header names.
    progress_unit: Option<&'a str>,
    /// The 单位 column's cell.
    unit: &'a str,
    /// The unit the task's name ends with ("城镇新增就业(人)").
    name_unit: Option<String>,
    /// The 指标性质 cell ("≥", "="), put before the target.
    comparator: &'a str,
    rate: &'a str,
    rate_percent: bool,
    score: &'a str,
    /// The table states figures: a bare number may take the other cell's measure word.
    numeric: bool,
    /// The table has no target column: a progress that starts with a percentage ("80%（…）")
    /// states the completion.
    targetless: bool,
}

/// A row's target and progress as the prose reader downstream will read them.
struct Composed {
    target: String,
    progress: String,
    numbers: RowNumbers,
    /// The stated completion as a fraction (0.87 for "87%").
    stated: Option<f64>,
}

/// Writes the target and progress texts: the cells as written, except that a bare number gets
/// its unit (its header's, else the 单位 column's, else — in a table that states figures — the
/// one the task's name ends with, else the measure word the other cell is written with), a
/// 指标性质 comparator goes before the target ("≥" "95" "%" → "≥95%"), and a stated rate is added
/// where the progress has no percentage of its own: "（完成率87%）" after the progress, or
/// "完成率87%" alone.
fn compose(f: Figures<'_>) -> Composed {
    let measure = [f.target, f.progress]
        .into_iter()
        .filter_map(split_number)
        .map(|(_, u)| u)
        .find(|u| !u.is_empty() && f.numeric);
    let column = Some(f.unit.trim()).filter(|u| !u.is_empty());
    let named = f.name_unit.as_deref();
    let target_unit = f.target_unit.or(column).or(named).or(measure.as_deref());
    let progress_unit = f.progress_unit.or(column).or(named).or(measure.as_deref());
    let target_value = parse_number(f.target, target_unit);
    let actual = parse_number(f.progress, progress_unit);
    let stated_in_progress = if f.rate.trim().is_empty() && f.targetless {
        leading_percentage(f.progress)
    } else {
        None
    };
    let rate = rate_of(
        stated_in_progress.unwrap_or(f.rate),
        f.rate_percent,
        target_value,
        actual,
    );
    let with_unit = |text: &str, unit: Option<&str>| match unit {
        Some(u) if split_number(text).is_some_and(|(_, w)| w.is_empty()) => format!("{text}{u}"),
        _ => text.to_string(),
    };
    let mut target = with_unit(f.target, target_unit);
    let comparator = f.comparator.trim();
    if !comparator.is_empty() && !target.is_empty() && !target.starts_with(comparator) {
        target.insert_str(0, comparator);
    }
    let mut progress = with_unit(f.progress, progress_unit);
    if let Some(r) = rate {
        if progress.is_empty() {
            progress = format!("完成率{}%", fmt_number(r));
        } else if !progress.contains('%') && !progress.contains('％') {
            progress.push_str(&format!("（完成率{}%）", fmt_number(r)));
        }
    }
    Composed {
        target,
        progress,
        numbers: RowNumbers {
            target: target_value,
            actual,
            unit: column
                .or(f.target_unit)
                .or(f.progress_unit)
                .or(measure.as_deref())
                .map(str::to_string),
            rate,
            self_score: parse_number(f.score, Some("分")),
        },
        stated: rate.map(|r| (r / 100.0 * 1e6).round() / 1e6),
    }
}

/// The percentage a text starts with: "80%（新区实验幼儿园进度滞后）" → "80%".
fn leading_percentage(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let end = t
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map(|(i, _)| i)?;
    let rest = &t[end..];
    let sign = rest.chars().next().filter(|c| *c == '%' || *c == '％')?;
    (end > 0).then(|| &t[..end + sign.len_utf8()])
}

/// A wide matrix: one row per region, a group of columns per indicator under a merged indicator
/// header (目标任务 / 进度 / 完成比例(%) repeated below it).
#[derive(Debug, Clone)]
struct Matrix {
    /// The region column and its header.
    region: usize,
    region_name: String,
    indicators: Vec<Indicator>,
}

/// One indicator's group of columns in a [`Matrix`].
#[derive(Debug, Clone, Default)]
struct Indicator {
    /// As the top header row writes it, e.g. "城镇新增就业(人)".
    name: String,
    target: Option<usize>,
    progress: Option<usize>,
    rate: Option<usize>,
    rate_percent: bool,
    /// The unit of the target and progress columns: their own header's, else the indicator's.
    target_unit: Option<String>,
    progress_unit: Option<String>,
}

impl Matrix {
    /// The matrix whose two header rows are `top` and `sub`: `sub` repeats the target role in at
    /// least two groups, each under one indicator name in `top`.
    fn detect(top: &RawRow, sub: &RawRow, map: &ColumnMap) -> Option<Matrix> {
        let role = |i: usize| {
            sub.cells
                .get(i)
                .and_then(|c| role_of(&c.text, map))
                .map(|(r, _)| r)
        };
        let figure = |r: Option<Role>| {
            matches!(
                r,
                Some(
                    Role::Col(Column::Target | Column::Progress)
                        | Role::Num(NumCol::TargetValue | NumCol::ActualValue | NumCol::Rate)
                )
            )
        };
        if (0..sub.cells.len()).any(|i| role(i) == Some(Role::Col(Column::Task))) {
            return None;
        }
        let top_text = |i: usize| top.cells.get(i).map_or("", |c| c.text.trim());
        let mut indicators = Vec::new();
        let mut in_group = vec![false; sub.cells.len()];
        let mut i = 0;
        while i < sub.cells.len() {
            let name = top_text(i);
            // A header merged down over both rows is not an indicator.
            if !figure(role(i)) || name.is_empty() || name == sub.cells[i].text.trim() {
                i += 1;
                continue;
            }
            let own_unit = header_unit(name);
            let mut g = Indicator {
                name: name.to_string(),
                ..Indicator::default()
            };
            let mut j = i;
            while j < sub.cells.len() && top_text(j) == name && figure(role(j)) {
                let text = &sub.cells[j].text;
                let unit = header_unit(text).or_else(|| own_unit.clone());
                match role(j) {
                    Some(Role::Col(Column::Target) | Role::Num(NumCol::TargetValue))
                        if g.target.is_none() =>
                    {
                        g.target = Some(j);
                        g.target_unit = unit;
                    }
                    Some(Role::Col(Column::Progress) | Role::Num(NumCol::ActualValue))
                        if g.progress.is_none() =>
                    {
                        g.progress = Some(j);
                        g.progress_unit = unit;
                    }
                    Some(Role::Num(NumCol::Rate)) if g.rate.is_none() => {
                        g.rate = Some(j);
                        g.rate_percent = text.contains('%') || text.contains('％');
                    }
                    _ => {}
                }
                in_group[j] = true;
                j += 1;
            }
            if g.target.is_some() {
                indicators.push(g);
            }
            i = j;
        }
        if indicators.len() < 2 {
            return None;
        }
        let label = |i: usize| {
            let t = sub.cells[i].text.trim();
            if t.is_empty() { top_text(i) } else { t }
        };
        let region = (0..sub.cells.len())
            .find(|&i| {
                !in_group[i]
                    && !label(i).is_empty()
                    && !matches!(role(i), Some(Role::Serial | Role::Ignore))
            })
            .or_else(|| (0..sub.cells.len()).find(|&i| !in_group[i]))?;
        Some(Matrix {
            region,
            region_name: label(region).to_string(),
            indicators,
        })
    }
}

/// A targets-by-region table (目标任务分解表, 责任分工表): one row per region, one column per
/// indicator, each cell the region's target; a second header row may name each indicator's
/// responsible unit (责任单位 | 市人社局 | 市残联 …).
#[derive(Debug, Clone)]
struct Breakdown {
    region: usize,
    region_name: String,
    /// (grid column, indicator as written, the responsible unit named under it).
    indicators: Vec<(usize, String, Option<String>)>,
}

/// Headers of a column of region names.
const REGION_HEADERS: [&str; 12] = [
    "地区",
    "区县",
    "县区",
    "县市区",
    "县",
    "市州",
    "市县",
    "乡镇",
    "镇街",
    "街道",
    "区域",
    "县市",
];

/// A place name as a header writes it: "巴州区", "南江县", "经开区", "全市", "市本级".
fn is_place(text: &str) -> bool {
    let n = normalize_header(text);
    let len = n.chars().count();
    let whole = [
        "全市",
        "全县",
        "全区",
        "全省",
        "全州",
        "市本级",
        "县本级",
        "区本级",
        "本级",
        "市直",
        "州直",
        "县直",
    ];
    (2..=10).contains(&len)
        && !n.chars().any(|c| c.is_ascii_digit())
        && !REGION_HEADERS.contains(&n.as_str())
        && (whole.contains(&n.as_str())
            || n.ends_with("街道")
            || n.ends_with(['市', '区', '县', '州', '旗', '镇', '乡', '盟']))
}

/// True when most non-empty cells of these columns in the rows below are plain numbers: the
/// columns are figures, not text.
fn mostly_numbers(data: &[RawRow], cols: &[usize]) -> bool {
    let (mut cells, mut numbers) = (0, 0);
    for row in data.iter().take(30) {
        for &c in cols {
            let t = cell_text(row, Some(c));
            if !t.is_empty() {
                cells += 1;
                numbers += usize::from(split_number(t).is_some());
            }
        }
    }
    cells > 0 && numbers * 2 >= cells
}

impl Breakdown {
    /// The breakdown whose header is `rows[at]`, and where its data starts.
    fn detect(rows: &[RawRow], at: usize, map: &ColumnMap) -> Option<(Breakdown, usize)> {
        let head = rows.get(at)?;
        let region = head.cells.iter().position(|c| {
            !c.text.is_empty() && !matches!(role_of(&c.text, map), Some((Role::Serial, _)))
        })?;
        let region_name = head.cells[region].text.trim();
        if !REGION_HEADERS.contains(&normalize_header(region_name).as_str()) {
            return None;
        }
        let mut indicators = Vec::new();
        for (i, c) in head.cells.iter().enumerate().skip(region + 1) {
            let copy = c.merged && head.cells[i - 1].text == c.text;
            if c.text.is_empty() || copy {
                continue;
            }
            if role_of(&c.text, map).is_some() {
                return None; // a known column: another layout
            }
            indicators.push((i, c.text.trim().to_string(), None));
        }
        if indicators.len() < 2 {
            return None;
        }
        // A row naming each column's responsible unit under the indicators.
        let mut data = at + 1;
        if let Some(next) = rows.get(at + 1)
            && matches!(
                next.cells.get(region).and_then(|c| role_of(&c.text, map)),
                Some((Role::Responsible, _))
            )
        {
            for (i, _, unit) in &mut indicators {
                *unit = responsible_of(cell_text(next, Some(*i)));
            }
            data += 1;
        }
        let cols: Vec<usize> = indicators.iter().map(|(i, _, _)| *i).collect();
        mostly_numbers(rows.get(data..).unwrap_or_default(), &cols).then(|| {
            (
                Breakdown {
                    region,
                    region_name: region_name.to_string(),
                    indicators,
                },
                data,
            )
        })
    }
}

/// How a table lays out its tasks.
#[derive(Debug, Clone)]
enum Layout {
    /// One task per row (or per sub-row under a merged task cell; or per row × region column).
    Rows(Box<Header>),
    /// One task per region × indicator, a group of columns per indicator.
    Matrix(Matrix),
    /// One task per region × indicator, a column per indicator holding targets.
    Breakdown(Breakdown),
}

/// Where a table's header is, where its data starts and how it lays out its tasks.
struct Found {
    header: usize,
    data: usize,
    layout: Layout,
}

/// The layout of a table: the first of its top rows that is a header.
fn find_layout(rows: &[RawRow], map: &ColumnMap) -> Option<Found> {
    (0..rows.len().min(HEADER_SEARCH_ROWS)).find_map(|i| {
        let found = |layout, data| Found {
            header: i,
            data,
            layout,
        };
        if let Some(mut h) = Header::from_row(&rows[i], map) {
            // Columns headed by place names hold each place's target only when their cells
            // are figures.
            let cols: Vec<usize> = h.regions.iter().map(|(c, _)| *c).collect();
            if !mostly_numbers(&rows[i + 1..], &cols) {
                h.extras.append(&mut h.regions);
                h.extras.sort_by_key(|(c, _)| *c);
            }
            if h.qualifies() {
                return Some(found(Layout::Rows(Box::new(h)), i + 1));
            }
        }
        if let Some(top) = i.checked_sub(1).and_then(|t| rows.get(t))
            && let Some(m) = Matrix::detect(top, &rows[i], map)
        {
            return Some(found(Layout::Matrix(m), i + 1));
        }
        // The top row of a two-row matrix header is not a breakdown.
        let below = rows.get(i + 1);
        if below.is_some_and(|b| Matrix::detect(&rows[i], b, map).is_some()) {
            return None;
        }
        Breakdown::detect(rows, i, map).map(|(d, data)| found(Layout::Breakdown(d), data))
    })
}

/// True when one of the first rows is a header naming the task column (or a wide matrix's).
pub(crate) fn has_header(rows: &[RawRow], map: &ColumnMap) -> bool {
    find_layout(rows, map).is_some()
}

/// How many cells of a row name a column the reader knows.
fn matches_in(row: &RawRow, map: &ColumnMap) -> usize {
    row.cells
        .iter()
        .enumerate()
        .filter(|(i, c)| !(c.merged && *i > 0 && row.cells[i - 1].text == c.text))
        .map(|(_, c)| c)
        .filter(|c| {
            role_of(&c.text, map).is_some_and(|(r, _)| !matches!(r, Role::Serial | Role::Ignore))
        })
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

/// A row spanning the table with one text ("一、稳增长" merged across all columns): a heading.
fn heading_of(row: &RawRow) -> Option<&str> {
    let mut texts = row
        .cells
        .iter()
        .map(|c| c.text.trim())
        .filter(|t| !t.is_empty());
    let first = texts.next()?;
    let mut count = 1;
    for t in texts {
        if t != first {
            return None;
        }
        count += 1;
    }
    (count >= 2 && split_number(first).is_none()).then_some(first)
}

/// The task name of every row ("" where the task cell is empty): the task cell, with the
/// sub-item named beside it under the same header ("<项目> <子项>"). Rows that share a merged task
/// cell and have their own target or progress are each a task: where the sub-item does not
/// already tell them apart, "<项目> <the first cell only this sub-row has>" (a level, an
/// attribute other than the responsible unit, or the target sentence), else "<项目>（2）".
fn task_names(h: &Header, data: &[RawRow]) -> Vec<String> {
    let task_col = h.index[Column::Task as usize];
    let mut names: Vec<String> = data
        .iter()
        .map(|row| {
            let task = cell_text(row, task_col);
            let mut name = task.to_string();
            for &d in &h.task_detail {
                let detail = cell_text(row, Some(d));
                let own = row.cells.get(d).is_some_and(|c| !c.merged);
                if !task.is_empty() && !detail.is_empty() && own && detail != task {
                    name.push(' ');
                    name.push_str(detail);
                }
            }
            name
        })
        .collect();
    let mut labels: Vec<usize> = h
        .extras
        .iter()
        .map(|(i, _)| *i)
        .filter(|i| !h.responsible_cols.contains(i))
        .chain(
            [
                h.index[Column::Level1 as usize],
                h.index[Column::Level2 as usize],
                h.index[Column::Target as usize],
            ]
            .into_iter()
            .flatten(),
        )
        .collect();
    labels.sort_unstable();
    let mut start = 0;
    while start < data.len() {
        let task = cell_text(&data[start], task_col);
        let mut end = start + 1;
        while !task.is_empty()
            && end < data.len()
            && task_col
                .and_then(|c| data[end].cells.get(c))
                .is_some_and(|c| c.merged && c.text.trim() == task)
        {
            end += 1;
        }
        let group = &data[start..end];
        let distinct = names[start..end]
            .iter()
            .enumerate()
            .all(|(k, n)| !names[start..start + k].contains(n));
        if group.len() >= 2 && !distinct && group[1..].iter().any(|r| h.has_own_figures(r)) {
            for (k, row) in group.iter().enumerate() {
                let own = labels.iter().find_map(|&c| {
                    let text = cell_text(row, Some(c));
                    let alone = group
                        .iter()
                        .filter(|r| cell_text(r, Some(c)) == text)
                        .count()
                        == 1;
                    (!text.is_empty() && alone).then_some(text)
                });
                let name = &mut names[start + k];
                *name = match own {
                    Some(label) => format!("{name} {label}"),
                    None => format!("{name}（{}）", k + 1),
                };
            }
        }
        start = end;
    }
    names
}

/// A weight written into the task's name, when the table has no weight column: "相关性(5分)" is
/// the task 相关性 worth 5 points.
fn weight_in_name(name: &str) -> Option<(&str, f64)> {
    let trimmed = name.trim_end();
    let inner = trimmed
        .strip_suffix(')')
        .or_else(|| trimmed.strip_suffix('）'))?;
    let open = inner.rfind(['(', '（'])?;
    let points = &inner[open..];
    let points = points
        .strip_prefix('(')
        .or_else(|| points.strip_prefix('（'))?;
    if !points.ends_with('分') {
        return None;
    }
    let w = parse_weight(points).ok()?;
    let task = inner[..open].trim_end();
    (!task.is_empty()).then_some((task, w))
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

/// What the rows read so far carry to the next: the levels in force, the tasks seen, the sum of
/// the weights.
#[derive(Default)]
struct Flow {
    rows: Vec<Row>,
    seen: HashSet<(String, String)>,
    level1: String,
    level2: String,
    sum: f64,
}

/// Turns a reader's cells into the table, or the first error.
pub(crate) fn build(raw: RawDoc, map: &ColumnMap) -> Result<ParsedTable, ImportError> {
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
    let mut layout: Option<Layout> = None;
    let mut header_width = 0usize;
    let mut flow = Flow::default();

    for block in &blocks {
        let data_start = match find_layout(&block.rows, map) {
            Some(Found {
                header: i,
                data,
                layout: found,
            }) => {
                if layout.is_none() {
                    // Rows above the first header are the title and 主管部门 lines; the top row
                    // of a two-row header is not one of them.
                    let top_of_header = match &found {
                        Layout::Matrix(_) => true,
                        Layout::Rows(_) | Layout::Breakdown(_) => {
                            block.rows[i].cells.iter().enumerate().any(|(c, cell)| {
                                cell.merged
                                    && i > 0
                                    && block.rows[i - 1].cells.get(c).map(|a| &a.text)
                                        == Some(&cell.text)
                            })
                        }
                    };
                    let above = if top_of_header {
                        i.saturating_sub(1)
                    } else {
                        i
                    };
                    for r in &block.rows[..above] {
                        let texts = non_empty_texts(r);
                        if !texts.is_empty() {
                            preamble.push((texts.join(" "), r.pos));
                        }
                    }
                    match &found {
                        Layout::Rows(h) => check_columns(&mut b, block, &block.rows[i], h),
                        Layout::Matrix(m) => {
                            let loc = b.loc(block, Some(block.rows[i].pos));
                            b.warn(
                                loc,
                                format!(
                                    "表格按「{}」逐行、按指标分组列出（{}等{}项指标），已拆成「{}×指标」的任务导入",
                                    m.region_name,
                                    m.indicators[0].name,
                                    m.indicators.len(),
                                    m.region_name
                                ),
                            );
                        }
                        Layout::Breakdown(d) => {
                            let loc = b.loc(block, Some(block.rows[i].pos));
                            b.warn(
                                loc,
                                format!(
                                    "表格按「{}」逐行列出各项指标的目标（{}等{}项），已拆成「{}×指标」的任务导入，没有进度",
                                    d.region_name,
                                    d.indicators[0].1,
                                    d.indicators.len(),
                                    d.region_name
                                ),
                            );
                        }
                    }
                }
                layout = Some(found);
                header_width = block.rows[i].cells.len();
                data
            }
            None if layout.is_some() => {
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
        match &layout {
            Some(Layout::Rows(h)) => {
                task_rows(&mut b, block, h, &block.rows[data_start..], &mut flow)?
            }
            Some(Layout::Matrix(m)) => {
                matrix_rows(&mut b, block, m, &block.rows[data_start..], &mut flow)
            }
            Some(Layout::Breakdown(d)) => {
                breakdown_rows(&mut b, block, d, &block.rows[data_start..], &mut flow)
            }
            None => {}
        }
    }

    let Some(layout) = layout else {
        return Err(missing_task_column(&b, &blocks, map));
    };
    let rows = flow.rows;
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
    let weighted = matches!(&layout, Layout::Rows(h) if h.index[Column::Weight as usize].is_some());
    if !weighted && rows.iter().all(|r| r.weight.is_none()) {
        b.warn(
            Location::file(&b.file),
            "表中没有分值列，各任务未设分值：导入后请由考核办设置分值，再公布得分",
        );
    }

    let department = preamble.iter().find_map(|(l, _)| department_of(l));
    let title = preamble
        .iter()
        .map(|(l, _)| l.trim())
        .find(|l| {
            !l.is_empty()
                && !l.contains("主管部门")
                && department_of(l).is_none()
                && !is_attachment_label(l)
        })
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

/// The task rows of a table with one task per row.
fn task_rows(
    b: &mut Builder,
    block: &RawBlock,
    h: &Header,
    data: &[RawRow],
    flow: &mut Flow,
) -> Result<(), ImportError> {
    let weighted = h.index[Column::Weight as usize].is_some();
    let names = task_names(h, data);
    let task_header = normalize_header(&h.name[Column::Task as usize]);
    for (row, name) in data.iter().zip(names) {
        let task_cell = h.text(row, Column::Task);
        let l1 = h.text(row, Column::Level1);
        let l2 = h.text(row, Column::Level2);
        let target = h.text(row, Column::Target);
        let progress = h.text(row, Column::Progress);
        let weight_text = h.text(row, Column::Weight);
        if row.cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        let task_norm = normalize_header(task_cell);
        if task_norm == task_header || column_of(task_cell) == Some(Column::Task) {
            continue; // the header repeated on a continued table
        }
        let is_total = row
            .cells
            .iter()
            .find(|c| !c.text.is_empty() && !c.merged)
            .is_some_and(|c| is_total_label(&c.text));
        if is_total {
            if weighted
                && let Ok(total) = parse_weight(weight_text)
                && (total - flow.sum).abs() > 1e-6
            {
                let loc = b.cell_loc(block, h, row, Column::Weight);
                b.warn(
                    loc,
                    format!(
                        "合计行写的是{}分，但各任务分值之和是{}分，请核对",
                        fmt_points(total),
                        fmt_points(flow.sum)
                    ),
                );
            }
            continue;
        }
        if let Some(heading) = heading_of(row) {
            // A heading across the table groups the tasks below it: the level the table has
            // no column for.
            if h.index[Column::Level1 as usize].is_none() {
                if heading != flow.level1 {
                    flow.level2.clear();
                }
                flow.level1 = heading.to_string();
            } else if h.index[Column::Level2 as usize].is_none() {
                flow.level2 = heading.to_string();
            }
            continue;
        }
        if !l1.is_empty() {
            if l1 != flow.level1 {
                flow.level2.clear();
            }
            flow.level1 = l1.to_string();
        }
        if !l2.is_empty() {
            flow.level2 = l2.to_string();
        }
        let has_figures = !target.is_empty()
            || !progress.is_empty()
            || !h.num_text(row, NumCol::TargetValue).is_empty()
            || !h.num_text(row, NumCol::ActualValue).is_empty();
        if task_cell.is_empty() {
            if !has_figures && weight_text.is_empty() {
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
        let (task, named_weight) = match weight_in_name(&name).filter(|_| !weighted) {
            Some((task, w)) => (task.to_string(), Some(w)),
            None => (name, None),
        };
        let weight = if weighted {
            let w = match parse_weight(weight_text) {
                Ok(w) => w,
                Err(e) => {
                    let kind = match e {
                        WeightError::Empty => ImportErrorKind::MissingWeight { task: task.clone() },
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
                        fmt_points(w)
                    ),
                );
            }
            flow.sum += w;
            Some(w)
        } else {
            named_weight
        };
        if !flow.seen.insert((flow.level2.clone(), task.clone())) {
            let loc = b.cell_loc(block, h, row, Column::Task);
            b.warn(
                loc,
                format!(
                    "任务「{task}」在「{}」下出现了不止一次，请核对是否重复",
                    flow.level2
                ),
            );
        }
        let c = h.compose(row, &task);
        if !h.regions.is_empty() {
            // One task per place with a target in this row.
            for (col, place) in &h.regions {
                let cell = cell_text(row, Some(*col));
                if cell.is_empty() {
                    continue;
                }
                let c = compose(Figures {
                    target: cell,
                    target_unit: None,
                    progress: "",
                    progress_unit: None,
                    unit: h.num_text(row, NumCol::Unit),
                    name_unit: header_unit(&task),
                    comparator: "",
                    rate: "",
                    rate_percent: false,
                    score: "",
                    numeric: true,
                    targetless: false,
                });
                flow.rows.push(Row {
                    level1: flow.level1.clone(),
                    level2: flow.level2.clone(),
                    task: format!("{place} {task}"),
                    target: c.target,
                    progress: c.progress,
                    weight,
                    stated_completion: None,
                    responsible: h
                        .responsible
                        .and_then(|i| responsible_of(cell_text(row, Some(i)))),
                    source: b.loc(block, Some(row.pos)),
                    extra: h.extra(row),
                    numbers: Some(c.numbers),
                });
            }
            continue;
        }
        flow.rows.push(Row {
            level1: flow.level1.clone(),
            level2: flow.level2.clone(),
            task,
            target: c.target,
            progress: c.progress,
            weight,
            stated_completion: c.stated,
            responsible: h
                .responsible
                .and_then(|i| responsible_of(cell_text(row, Some(i)))),
            source: b.loc(block, Some(row.pos)),
            extra: h.extra(row),
            numbers: h.has_numbers().then_some(c.numbers),
        });
    }
    Ok(())
}

/// The tasks of a wide matrix: one per region row and indicator with any figure.
fn matrix_rows(b: &mut Builder, block: &RawBlock, m: &Matrix, data: &[RawRow], flow: &mut Flow) {
    for row in data {
        if row.cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        let region = cell_text(row, Some(m.region));
        if region == m.region_name || is_total_label(region) {
            continue; // the header repeated, or the 合计 row
        }
        if region.is_empty() {
            let loc = b.loc(block, Some(row.pos));
            b.warn(loc, format!("这一行没有「{}」名称，已跳过", m.region_name));
            continue;
        }
        for g in &m.indicators {
            let c = compose(Figures {
                target: cell_text(row, g.target),
                target_unit: g.target_unit.as_deref(),
                progress: cell_text(row, g.progress),
                progress_unit: g.progress_unit.as_deref(),
                unit: "",
                rate: cell_text(row, g.rate),
                rate_percent: g.rate_percent,
                score: "",
                numeric: true,
                name_unit: None,
                comparator: "",
                targetless: false,
            });
            if c.target.is_empty() && c.progress.is_empty() {
                continue;
            }
            flow.rows.push(Row {
                level1: String::new(),
                level2: String::new(),
                task: format!("{region} {}", g.name),
                target: c.target,
                progress: c.progress,
                weight: None,
                stated_completion: c.stated,
                responsible: None,
                source: b.loc(block, Some(row.pos)),
                extra: Vec::new(),
                numbers: Some(c.numbers),
            });
        }
    }
}

/// The tasks of a targets-by-region table: one per region row and indicator with a target.
fn breakdown_rows(
    b: &mut Builder,
    block: &RawBlock,
    d: &Breakdown,
    data: &[RawRow],
    flow: &mut Flow,
) {
    for row in data {
        if row.cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        let region = cell_text(row, Some(d.region));
        if region == d.region_name || is_total_label(region) {
            continue;
        }
        if region.is_empty() {
            let loc = b.loc(block, Some(row.pos));
            b.warn(loc, format!("这一行没有「{}」名称，已跳过", d.region_name));
            continue;
        }
        for (col, indicator, responsible) in &d.indicators {
            let c = compose(Figures {
                target: cell_text(row, Some(*col)),
                target_unit: None,
                progress: "",
                progress_unit: None,
                unit: "",
                name_unit: header_unit(indicator),
                comparator: "",
                rate: "",
                rate_percent: false,
                score: "",
                numeric: true,
                targetless: false,
            });
            if c.target.is_empty() {
                continue;
            }
            flow.rows.push(Row {
                level1: String::new(),
                level2: String::new(),
                task: format!("{region} {indicator}"),
                target: c.target,
                progress: c.progress,
                weight: None,
                stated_completion: None,
                responsible: responsible.clone(),
                source: b.loc(block, Some(row.pos)),
                extra: Vec::new(),
                numbers: Some(c.numbers),
            });
        }
    }
}

/// "30" for 30.0, "12.5" for 12.5.
fn fmt_points(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// One warning for each optional column the header lacks (and nothing stands in for).
fn check_columns(b: &mut Builder, block: &RawBlock, row: &RawRow, h: &Header) {
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
                    col.other_names()
                ),
            );
        }
    }
}

/// The error for a table without a recognisable header: names the likeliest header row. A row
/// that names the task but nothing to read about it lacks the progress column.
fn missing_task_column(b: &Builder, blocks: &[RawBlock], map: &ColumnMap) -> ImportError {
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
        .max_by_key(|(i, (_, r))| (matches_in(r, map), std::cmp::Reverse(*i)))
        .map(|(_, x)| x);
    match candidate {
        Some((block, row)) => {
            let column = if Header::from_row(row, map).is_some() {
                Column::Progress
            } else {
                Column::Task
            };
            ImportError::new(
                b.loc(block, Some(row.pos)),
                ImportErrorKind::MissingColumn {
                    column,
                    found: non_empty_texts(row),
                },
            )
        }
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
    fn department_is_the_name_after_the_label_up_to_whitespace_without_its_code() {
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
            ("主管部门：[155]濉溪县民政局", Some("濉溪县民政局")),
            ("主管部门：【155】 濉溪县民政局", Some("濉溪县民政局")),
            (
                "主管部门：219-池州市贵池区棠溪镇人民政府",
                Some("池州市贵池区棠溪镇人民政府"),
            ),
            (
                "主管部門：麗江市自然資源和規劃局",
                Some("麗江市自然資源和規劃局"),
            ),
            (
                "部門(單位)名稱：岳陽樓區價格認證鑒定中心",
                Some("岳陽樓區價格認證鑒定中心"),
            ),
            ("单位:个、亿元", None),
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
        assert_eq!(read(d).unwrap().title, "标题");
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

    /// A row of cells; a text written "^甲" is "甲" copied from a merged cell.
    fn row(pos: usize, texts: &[&str]) -> RawRow {
        RawRow {
            pos,
            cells: texts
                .iter()
                .map(|t| RawCell {
                    text: t.trim_start_matches('^').to_string(),
                    pos,
                    merged: t.starts_with('^'),
                })
                .collect(),
        }
    }

    fn read(d: RawDoc) -> Result<ParsedTable, ImportError> {
        build(d, &ColumnMap::new())
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
        let t = read(doc(vec![
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
                ("甲（100分）", "乙", "任务一", Some(60.0)),
                ("甲（100分）", "乙", "任务二", Some(40.0))
            ]
        );
        // target and progress columns are missing: one warning each, nothing else.
        assert_eq!(t.warnings.len(), 2, "{:?}", t.warnings);
        assert_eq!(t.rows[1].target, "");
    }

    #[test]
    fn a_total_row_that_disagrees_with_the_sum_is_a_warning() {
        let t = read(doc(vec![
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
        let t = read(doc(vec![
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
            let err = read(doc(vec![row(1, &base), row(7, &data)])).unwrap_err();
            assert_eq!(err.kind, kind);
            assert_eq!(err.location.row, Some(7));
            assert_eq!(err.location.column.as_deref(), Some(column));
        }
    }

    #[test]
    fn a_table_without_weights_imports_with_one_warning_for_the_file() {
        let t = read(doc(vec![
            row(3, &["任务名称", "年度目标"]),
            row(4, &["任务一", "目标"]),
            row(5, &["任务二", "目标"]),
        ]))
        .unwrap();
        assert_eq!(
            t.rows.iter().map(|r| r.weight).collect::<Vec<_>>(),
            [None, None]
        );
        let no_weight: Vec<&Warning> = t
            .warnings
            .iter()
            .filter(|w| w.message.contains("没有分值列"))
            .collect();
        assert_eq!(no_weight.len(), 1, "{:?}", t.warnings);
        assert_eq!(no_weight[0].location, Location::file("t.txt"));
        assert!(no_weight[0].message.contains("考核办设置分值"));
        let json = serde_json::to_value(&t).unwrap();
        assert!(json["rows"][0]["weight"].is_null());
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
        let err = read(d).unwrap_err();
        assert_eq!(err.location.cell.as_deref(), Some("B4"));
        assert_eq!(
            err.to_string(),
            "a.xlsx 工作表「Sheet1」第4行「分值」列（B4单元格）：无法识别的分值「三十分」，请写成阿拉伯数字，如“30分”"
        );
    }

    /// (task, target, progress) of every row.
    fn ttp(t: &ParsedTable) -> Vec<(&str, &str, &str)> {
        t.rows
            .iter()
            .map(|r| (r.task.as_str(), r.target.as_str(), r.progress.as_str()))
            .collect()
    }

    #[test]
    fn header_units_are_measure_words_in_a_trailing_parenthesis_not_periods_or_notes() {
        for (header, unit) in [
            ("目标任务（万元）", Some("万元")),
            ("累计完成(人)", Some("人")),
            ("城镇新增就业(人)", Some("人")),
            ("城镇登记失业率低于(%)", Some("%")),
            ("劳务品牌培训（人次）", Some("人次")),
            ("进度情况（截至9月底）", None),
            ("年度目标（2023年）", None),
            ("完成情况（1-6月）", None),
            ("目标任务（含续建）", None),
            ("(万元)", None),
            ("目标任务", None),
        ] {
            assert_eq!(header_unit(header).as_deref(), unit, "{header}");
        }
    }

    #[test]
    fn code_prefixes_before_unit_names_are_removed() {
        for (text, name) in [
            ("[155]濉溪县民政局", "濉溪县民政局"),
            ("【155】濉溪县民政局", "濉溪县民政局"),
            ("［１５５］ 濉溪县民政局", "濉溪县民政局"),
            (
                "219001-池州市贵池区棠溪镇人民政府",
                "池州市贵池区棠溪镇人民政府",
            ),
            ("县人社局", "县人社局"),
            ("【重点】县人社局", "【重点】县人社局"),
            ("12345", "12345"),
        ] {
            assert_eq!(strip_code_prefix(text), name, "{text}");
        }
    }

    #[test]
    fn real_headers_map_by_synonym_traditional_characters_or_their_ending() {
        let none = ColumnMap::new();
        let role = |h: &str| role_of(h, &none).map(|(r, _)| r);
        for (header, want) in [
            ("项目", Some(Role::Col(Column::Task))),
            ("项 目 内 容", Some(Role::Col(Column::Task))),
            ("重点任务", Some(Role::Col(Column::Task))),
            ("省重点民生实事项目名称", Some(Role::Col(Column::Task))),
            ("三級指標", Some(Role::Col(Column::Task))),
            ("事项", None),
            ("目标", Some(Role::Col(Column::Target))),
            ("年度目标任务", Some(Role::Col(Column::Target))),
            ("*指標值", Some(Role::Num(NumCol::TargetValue))),
            ("进展情况", Some(Role::Col(Column::Progress))),
            ("1- 8月实际完成情况", Some(Role::Col(Column::Progress))),
            ("累计完成(人)", Some(Role::Num(NumCol::ActualValue))),
            ("已完成数", Some(Role::Num(NumCol::ActualValue))),
            ("完成率", Some(Role::Num(NumCol::Rate))),
            ("1-8月实际完成率%", Some(Role::Num(NumCol::Rate))),
            ("占年任务之比", Some(Role::Num(NumCol::Rate))),
            ("完成目标(%)", Some(Role::Num(NumCol::Rate))),
            ("度量單位", Some(Role::Num(NumCol::Unit))),
            ("指标性质", Some(Role::Num(NumCol::Comparator))),
            ("牵头单位", Some(Role::Responsible)),
            ("市级牵头责任单位", Some(Role::Responsible)),
            ("類別", Some(Role::Group)),
            ("行动", Some(Role::Group)),
            ("序號", Some(Role::Serial)),
            ("备注", None),
            (
                "2022年度服务高质量发展绩效考核工作任务要点完成进度情况",
                None,
            ),
        ] {
            assert_eq!(role(header), want, "{header}");
        }
    }

    #[test]
    fn a_project_block_line_naming_the_project_alone_is_not_the_header() {
        let mut d = doc(vec![
            row(
                1,
                &["项目名称", "养老服务补贴", "主管部门", "[155]濉溪县民政局"],
            ),
            row(2, &["一级指标", "二级指标", "三级指标", "年度指标值"]),
            row(3, &["产出指标", "数量指标", "补贴人数", "1200人"]),
        ]);
        d.preamble.truncate(1); // the 主管部门 line is the block's
        let t = read(d).unwrap();
        assert_eq!(ttp(&t), [("补贴人数", "1200人", "")]);
        assert_eq!(t.department.as_deref(), Some("濉溪县民政局"));
        assert_eq!(t.title, "标题");
    }

    #[test]
    fn a_header_naming_the_task_and_nothing_to_read_is_a_missing_progress_column() {
        let err = read(doc(vec![
            row(1, &["序号", "项目名称", "满意", "不满意"]),
            row(2, &["1", "老旧小区改造", "26", "3"]),
        ]))
        .unwrap_err();
        assert!(matches!(
            err.kind,
            ImportErrorKind::MissingColumn {
                column: Column::Progress,
                ..
            }
        ));
        assert!(!err.to_string().contains("--"), "{err}");
    }

    #[test]
    fn a_mapped_header_takes_its_role_whatever_its_name() {
        let map: ColumnMap = "事项=task,情况=progress,备注=responsible,完成进度=ignore"
            .parse()
            .unwrap();
        let d = doc(vec![
            row(1, &["事项", "情况", "完成情况", "备注", "完成进度"]),
            row(2, &["任务一", "进度一", "别的", "[1]县人社局", "50%"]),
        ]);
        let t = build(d, &map).unwrap();
        assert_eq!(ttp(&t), [("任务一", "", "进度一")]);
        assert_eq!(t.rows[0].responsible.as_deref(), Some("县人社局"));
        assert_eq!(t.rows[0].stated_completion, None, "完成进度 is ignored");
        assert_eq!(
            t.rows[0].extra,
            [
                ("完成情况".to_string(), "别的".to_string()),
                ("备注".to_string(), "[1]县人社局".to_string())
            ]
        );
    }

    #[test]
    fn a_prose_progress_carries_the_stated_completion_for_the_prose_reader() {
        let t = read(doc(vec![
            row(
                1,
                &["序号", "行动", "项目", "进展情况", "目标任务", "完成率"],
            ),
            row(
                2,
                &["1", "一、就业", "新增就业", "完成870人", "1000人", "87%"],
            ),
            row(
                3,
                &[
                    "2",
                    "^一、就业",
                    "公益岗位",
                    "已完成(完成30%)",
                    "30%",
                    "100%",
                ],
            ),
            row(4, &["3", "^一、就业", "技能培训", "", "500人", "0.2"]),
            row(5, &["4", "^一、就业", "见习岗位", "推进中", "325个", ""]),
        ]))
        .unwrap();
        assert_eq!(
            ttp(&t),
            [
                ("新增就业", "1000人", "完成870人（完成率87%）"),
                ("公益岗位", "30%", "已完成(完成30%)"),
                ("技能培训", "500人", "完成率20%"),
                ("见习岗位", "325个", "推进中"),
            ]
        );
        let stated: Vec<Option<f64>> = t.rows.iter().map(|r| r.stated_completion).collect();
        assert_eq!(stated, [Some(0.87), Some(1.0), Some(0.2), None]);
        assert!(t.rows.iter().all(|r| r.level1 == "一、就业"));
    }

    #[test]
    fn a_bare_number_takes_the_unit_its_header_names_or_the_unit_column() {
        let t = read(doc(vec![
            row(1, &["项目", "目标任务（万元）", "累计完成(人)", "单位"]),
            row(2, &["投资", "30", "7965", ""]),
            row(3, &["培训", "约30", "7965人次", ""]),
            row(4, &["筛查", "2500", "", "人次"]),
        ]))
        .unwrap();
        assert_eq!(
            ttp(&t),
            [
                ("投资", "30万元", "7965人"),
                ("培训", "约30", "7965人次"),
                ("筛查", "2500万元", ""),
            ]
        );
    }

    #[test]
    fn group_columns_stand_in_for_missing_levels_and_a_spanning_row_is_a_heading() {
        let t = read(doc(vec![
            row(1, &["类别", "重点任务", "牵头单位", "目标", "完成情况"]),
            row(
                2,
                &[
                    "一、稳增长",
                    "^一、稳增长",
                    "^一、稳增长",
                    "^一、稳增长",
                    "^一、稳增长",
                ],
            ),
            row(3, &["经济", "任务一", "【3】发改委", "目标一", "进度一"]),
            row(4, &["^经济", "任务二", "统计局", "目标二", "进度二"]),
        ]))
        .unwrap();
        let got: Vec<(&str, &str, &str, Option<&str>)> = t
            .rows
            .iter()
            .map(|r| {
                (
                    r.level1.as_str(),
                    r.level2.as_str(),
                    r.task.as_str(),
                    r.responsible.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("经济", "", "任务一", Some("发改委")),
                ("经济", "", "任务二", Some("统计局")),
            ]
        );
        // Without a level column, the heading is level1 for the tasks below it.
        let t = read(doc(vec![
            row(1, &["重点任务", "目标", "完成情况"]),
            row(2, &["一、稳增长", "^一、稳增长", "^一、稳增长"]),
            row(3, &["任务一", "目标一", "进度一"]),
        ]))
        .unwrap();
        assert_eq!(t.rows[0].level1, "一、稳增长");
    }

    #[test]
    fn sub_rows_under_a_merged_task_are_tasks_named_by_what_only_they_have() {
        let t = read(doc(vec![
            row(1, &["序号", "项目名称", "指标", "目标任务", "进展情况"]),
            row(2, &["1", "就业", "城镇新增就业", "1100人", "1063人"]),
            row(3, &["^1", "^就业", "充分就业社区", "4个", "4个"]),
            row(4, &["2", "家政", "", "613人次", "626人次"]),
            row(5, &["^2", "^家政", "", "275人", "284人"]),
            row(6, &["3", "托育", "", "目标", "进度"]),
            row(7, &["^3", "^托育", "", "^目标", "^进度"]),
        ]))
        .unwrap();
        let tasks: Vec<&str> = t.rows.iter().map(|r| r.task.as_str()).collect();
        assert_eq!(
            tasks,
            [
                "就业 城镇新增就业",
                "就业 充分就业社区",
                "家政 613人次",
                "家政 275人",
                "托育",
                "托育",
            ]
        );
        // Only the one task written over two rows without figures of its own is a repeat.
        let repeats: Vec<&Warning> = t
            .warnings
            .iter()
            .filter(|w| w.message.contains("不止一次"))
            .collect();
        assert_eq!(repeats.len(), 1, "{:?}", t.warnings);
        assert_eq!(repeats[0].location.row, Some(7));

        // A second column under the task's header names the sub-items.
        let t = read(doc(vec![
            row(1, &["序号", "项目内容", "^项目内容", "目标任务", "进度"]),
            row(2, &["1", "促进就业", "城镇新增就业(人)", "26000", "32095"]),
            row(3, &["2", "^促进就业", "登记失业率(%)", "4.3", "4.17"]),
            row(4, &["3", "养老床位", "", "71个", "55"]),
        ]))
        .unwrap();
        assert_eq!(
            ttp(&t),
            [
                ("促进就业 城镇新增就业(人)", "26000人", "32095人"),
                ("促进就业 登记失业率(%)", "4.3%", "4.17%"),
                ("养老床位", "71个", "55个"),
            ]
        );
    }

    #[test]
    fn a_wide_matrix_becomes_one_task_per_region_and_indicator() {
        let t = read(doc(vec![
            row(
                1,
                &[
                    "地区",
                    "城镇新增就业(人)",
                    "^城镇新增就业(人)",
                    "^城镇新增就业(人)",
                    "失业率(%)",
                    "^失业率(%)",
                    "^失业率(%)",
                ],
            ),
            row(
                2,
                &[
                    "^地区",
                    "目标任务",
                    "进度",
                    "完成比例(%)",
                    "目标任务",
                    "进度",
                    "完成比例(%)",
                ],
            ),
            row(3, &["全市", "27800", "52242", "187.9", "4.3", "3.57", ""]),
            row(4, &["市本级", "", "", "", "", "", ""]),
            row(5, &["东坡区", "8000", "22921", "286.5", "4.3", "3.48", ""]),
        ]))
        .unwrap();
        assert_eq!(
            ttp(&t),
            [
                (
                    "全市 城镇新增就业(人)",
                    "27800人",
                    "52242人（完成率187.9%）"
                ),
                ("全市 失业率(%)", "4.3%", "3.57%"),
                (
                    "东坡区 城镇新增就业(人)",
                    "8000人",
                    "22921人（完成率286.5%）"
                ),
                ("东坡区 失业率(%)", "4.3%", "3.48%"),
            ]
        );
        assert_eq!(t.rows[0].stated_completion, Some(1.879));
        assert_eq!(t.rows[0].weight, None);
        assert_eq!(t.title, "标题", "the top header row is not the title");
        assert!(t.warnings.iter().any(|w| w.message.contains("地区×指标")));
    }

    #[test]
    fn a_targets_by_region_table_becomes_one_task_per_place_either_way_round() {
        // Regions down, an indicator per column, a 责任单位 row under the indicators.
        let t = read(doc(vec![
            row(1, &["地区", "劳务品牌培训(人)", "家政培训(人)"]),
            row(2, &["责任单位", "市人社局", "[9]市商务局"]),
            row(3, &["全市", "2400", "完成年度目标任务"]),
            row(4, &["东坡区", "400", ""]),
        ]))
        .unwrap();
        assert_eq!(
            ttp(&t),
            [
                ("全市 劳务品牌培训(人)", "2400人", ""),
                ("全市 家政培训(人)", "完成年度目标任务", ""),
                ("东坡区 劳务品牌培训(人)", "400人", ""),
            ]
        );
        assert_eq!(t.rows[1].responsible.as_deref(), Some("市商务局"));
        // Places across, an indicator per row.
        let t = read(doc(vec![
            row(1, &["考核项目", "全市", "巴州区", "经开区", "分值"]),
            row(2, &["地区生产总值(亿元)", "466", "112", "", "15"]),
        ]))
        .unwrap();
        assert_eq!(
            ttp(&t),
            [
                ("全市 地区生产总值(亿元)", "466亿元", ""),
                ("巴州区 地区生产总值(亿元)", "112亿元", ""),
            ]
        );
        assert_eq!(t.rows[1].weight, Some(15.0));
        // Place-named columns of text are attributes, not targets.
        let t = read(doc(vec![
            row(1, &["任务名称", "巴州区", "南江县", "完成情况"]),
            row(2, &["任务一", "牵头", "配合", "进度一"]),
        ]))
        .unwrap();
        assert_eq!(ttp(&t), [("任务一", "", "进度一")]);
        assert_eq!(t.rows[0].extra.len(), 2);
    }

    #[test]
    fn a_weight_in_the_task_name_counts_when_the_table_has_no_weight_column() {
        for (name, want) in [
            ("相关性(5分)", Some(("相关性", 5.0))),
            (
                "市级财力专项预算分配时限（1分）",
                Some(("市级财力专项预算分配时限", 1.0)),
            ),
            ("推展會展活動(6%)", None),
            ("城镇新增就业(人)", None),
            ("(5分)", None),
        ] {
            assert_eq!(weight_in_name(name), want, "{name}");
        }
        let t = read(doc(vec![
            row(1, &["一级指标", "二级指标", "三级指标", "得分"]),
            row(2, &["部门决策(25分)", "目标任务(15分)", "相关性(5分)", ""]),
        ]))
        .unwrap();
        assert_eq!(
            (
                t.rows[0].task.as_str(),
                t.rows[0].weight,
                t.rows[0].level1.as_str()
            ),
            ("相关性", Some(5.0), "部门决策(25分)")
        );
        assert!(t.warnings.iter().all(|w| !w.message.contains("没有分值列")));
    }

    #[test]
    fn a_progress_starting_with_a_percentage_states_the_completion_when_there_is_no_target() {
        for (text, want) in [
            ("80%(新区实验幼儿园进度滞后)", Some("80%")),
            ("98.4%", Some("98.4%")),
            ("完成80%", None),
            ("80", None),
            ("%", None),
        ] {
            assert_eq!(leading_percentage(text), want, "{text}");
        }
        let t = read(doc(vec![
            row(1, &["序号", "项目内容", "当前进度", "牵头单位"]),
            row(2, &["1", "建设四好农村路55公里。", "95%", "县交通局"]),
            row(3, &["2", "新建公办园5所", "80%(进度滞后)", "县教育局"]),
        ]))
        .unwrap();
        let stated: Vec<Option<f64>> = t.rows.iter().map(|r| r.stated_completion).collect();
        assert_eq!(stated, [Some(0.95), Some(0.8)]);
        assert_eq!(t.rows[1].progress, "80%(进度滞后)");
    }

    #[test]
    fn completion_progress_without_percent_is_the_rate_beside_another_progress_column() {
        let t = read(doc(vec![
            row(
                1,
                &[
                    "指标名称",
                    "单位",
                    "目标任务",
                    "1-7月累计完成情况",
                    "完成进度",
                ],
            ),
            row(2, &["增加公办幼儿园学位", "个", "2295", "1095", "47.7%"]),
        ]))
        .unwrap();
        assert_eq!(
            ttp(&t),
            [("增加公办幼儿园学位", "2295个", "1095个（完成率47.7%）")]
        );
        assert_eq!(t.rows[0].stated_completion, Some(0.477));
        // Alone, 完成进度 is the progress.
        let t = read(doc(vec![
            row(1, &["任务名称", "完成进度"]),
            row(2, &["任务一", "主体完工"]),
        ]))
        .unwrap();
        assert_eq!(ttp(&t), [("任务一", "", "主体完工")]);
    }

    proptest::proptest! {
        /// Any cells under any header, merged or not: a table or an error, never a panic.
        #[test]
        fn any_cells_under_any_header_build_without_panicking(
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    (
                        proptest::sample::select(vec![
                            "", "任务名称", "项目", "目标任务（万元）", "进度", "完成率", "完成进度",
                            "单位", "分值", "地区", "全市", "巴州区", "类别", "责任单位", "指标性质",
                            "一级指标", "三级指标", "合计", "30", "80%(滞后)", "0.5", "≥", "1*2",
                            "[155]某局", "219-某局", "相关性(5分)", "城镇新增就业(人)", "-3",
                            "1e400", "99999999999999999999999999999999999999", "一、稳增长",
                        ]),
                        proptest::bool::ANY,
                    ),
                    0..8,
                ),
                0..8,
            ),
            map in proptest::sample::select(vec!["", "地区=task", "30=weight,单位=ignore"]),
        ) {
            let rows = rows
                .into_iter()
                .enumerate()
                .map(|(r, cells)| RawRow {
                    pos: r + 1,
                    cells: cells
                        .into_iter()
                        .map(|(t, merged)| RawCell { text: t.to_string(), pos: r + 1, merged })
                        .collect(),
                })
                .collect();
            let map: ColumnMap = map.parse().unwrap();
            if let Ok(t) = build(doc(rows), &map) {
                for r in &t.rows {
                    proptest::prop_assert!(r.weight.is_none_or(|w| w.is_finite() && w >= 0.0));
                    proptest::prop_assert!(r.stated_completion.is_none_or(f64::is_finite));
                }
            }
        }
    }
}
