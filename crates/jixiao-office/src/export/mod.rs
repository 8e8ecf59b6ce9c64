//! # Export: the progress table written back out as offices file it
//!
//! [`ExportTable`] is a plain value (no database types) holding what the official table shows;
//! the writers turn it into the seed's layout:
//!
//! * a title line, a `主管部门：X` line (with the period after it when there is one),
//! * the six columns 一级指标 · 二级指标 · 任务要点名称 · 年度目标 · 进度情况 · 分值权重, weights
//!   written as points ("30分"), then the optional columns 完成率 · 状态 · 得分 ([`ExtraColumns`]),
//! * 一级 cells merged down over consecutive rows with the same 一级指标, 二级 cells over
//!   consecutive rows with the same 一级 *and* 二级 (a 二级 run never crosses a 一级 boundary),
//! * a 合计 row with the sum of the weights (and of the scores when that column is shown),
//! * A4 landscape with the header row repeated on every page, fonts named as government documents
//!   name them: title 方正小标宋简体 (黑体 as the fallback), body 仿宋_GB2312 (仿宋), header 黑体.
//!
//! | function | form | reads back with [`crate::read_bytes`] |
//! |---|---|---|
//! | [`to_docx`] | WordprocessingML written by hand over `zip`: `w:tblGrid` + fixed layout (LibreOffice draws merges wrongly without a grid), `w:vMerge` restart/continue, `w:tblHeader`, landscape section, page-number footer, font table with `w:altName` fallbacks | yes, same rows |
//! | [`to_xlsx`] | rust_xlsxwriter: merged regions, wrapped text, frozen header, print titles, landscape A4 fitted to one page wide, weights as numbers shown as "30分" | yes, same rows |
//! | [`to_txt`] | the seed's text layout: TAB-led cells, a blank line between rows, merged cells left empty | yes, same rows |
//! | [`to_csv`] | data, not layout: one header line and one line per task with 一级/二级 on every line, weights and rates as plain numbers, UTF-8 with BOM, RFC 4180 quoting | — |
//! | [`to_html`] | a standalone printable page (`rowspan` merges, `thead` repeated by the browser when printing, `@page A4 landscape`), every text escaped | — |
//!
//! Nothing here panics on any input: text is stripped of characters XML cannot hold, non-finite
//! numbers are written as empty cells, and the only errors are the zip/xlsx writers' own.
//!
//! ## Text in cells
//! A line break in a cell becomes a new paragraph (.docx), a wrapped line (.xlsx), a continuation
//! line (.txt) or `<br>` (.html); the readers join such lines back without a separator, as they
//! join Chinese text. Title and department are one line each: breaks and tabs there become spaces.

mod docx;
mod list;
mod ranking;
mod text;
mod xlsx;

pub use docx::{ranking_to_docx, to_docx};
pub use list::{ListTable, list_to_xlsx};
pub use ranking::{RankingRow, RankingTable, ranking_to_csv, ranking_to_html, ranking_to_xlsx};
pub use text::{to_csv, to_html, to_txt};
pub use xlsx::to_xlsx;

/// The table to write: what the official table shows, independent of how it was stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportTable {
    /// The title line, e.g. "2022年度服务高质量发展绩效考核工作任务要点完成进度情况".
    pub title: String,
    /// The name written after "主管部门：" ("" writes the label alone).
    pub department: String,
    /// The period, e.g. "2022年第三季度", written after the department as "考核期间：…".
    pub period_label: Option<String>,
    /// The task rows in table order; consecutive rows sharing 一级/二级 are merged.
    pub rows: Vec<ExportRow>,
    /// Which optional columns follow 分值权重.
    pub columns: ExtraColumns,
    /// The unit's official total for the 合计 row's 得分 (indicator caps, 加减分 and 一票否决
    /// applied); `None`: the sum of the rows' scores.
    pub score_total: Option<f64>,
}

/// One task row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExportRow {
    /// 一级指标, e.g. "围绕中心履职尽责（400分）".
    pub level1: String,
    /// 二级指标, e.g. "重点（职能）工作".
    pub level2: String,
    /// 任务要点名称.
    pub task: String,
    /// 年度目标.
    pub target: String,
    /// 进度情况.
    pub progress: String,
    /// 分值权重 in points (written "30分"; a non-finite value is written as an empty cell).
    pub weight: f64,
    /// 完成率 as a fraction (1.0 = 100%), shown when [`ExtraColumns::completion`] is set.
    pub completion: Option<f64>,
    /// 状态, e.g. "正常推进", shown when [`ExtraColumns::status`] is set.
    pub status: Option<String>,
    /// 得分 in points, shown when [`ExtraColumns::score`] is set.
    pub score: Option<f64>,
}

/// The optional columns written after 分值权重, in this order: 完成率, 状态, 得分.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtraColumns {
    /// Write 完成率.
    pub completion: bool,
    /// Write 状态.
    pub status: bool,
    /// Write 得分.
    pub score: bool,
}

/// Why a binary document could not be written. Only the zip and xlsx writers fail, and only on
/// I/O into memory, so in practice this is never seen; it is a value, never a panic.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The .docx container could not be written.
    #[error("写 .docx 文件失败：{0}")]
    Docx(String),
    /// The .xlsx workbook could not be written.
    #[error("写 .xlsx 文件失败：{0}")]
    Xlsx(String),
}

impl ExportTable {
    /// The table of an imported file, with no period and no optional columns: what
    /// [`crate::read_path`] gives, ready to write again.
    pub fn from_parsed(parsed: &crate::ParsedTable) -> ExportTable {
        ExportTable {
            title: parsed.title.clone(),
            department: parsed.department.clone().unwrap_or_default(),
            period_label: None,
            rows: parsed
                .rows
                .iter()
                .map(|r| ExportRow {
                    level1: r.level1.clone(),
                    level2: r.level2.clone(),
                    task: r.task.clone(),
                    target: r.target.clone(),
                    progress: r.progress.clone(),
                    // A table without weights exports 0分 until the office sets them.
                    weight: r.weight.unwrap_or(0.0),
                    completion: None,
                    status: None,
                    score: None,
                })
                .collect(),
            columns: ExtraColumns::default(),
            score_total: None,
        }
    }
}

/// The table as texts in its grid, for writers outside this crate (the PDF writer): what every
/// cell says and which 一级/二级 cells merge, so all forms show the same thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// The title, on one line.
    pub title: String,
    /// The line under the title: "主管部门：X" (and "考核期间：P").
    pub subtitle: String,
    /// The header row: the six columns, then the chosen optional ones.
    pub headers: Vec<&'static str>,
    /// One entry per task row, one text per column (weights as "30分", rates as "85.5%"); a
    /// cell's text may hold line breaks.
    pub rows: Vec<Vec<String>>,
    /// Runs of rows whose 一级指标 cell is one merged cell (`start..end` row indices).
    pub level1_runs: Vec<std::ops::Range<usize>>,
    /// Runs of rows whose 二级指标 cell is one merged cell; never crossing a 一级 run's end.
    pub level2_runs: Vec<std::ops::Range<usize>>,
    /// The 合计 row: "合计" (spanning the first five columns), the weight total, then one text
    /// per optional column (the score total under 得分, else "").
    pub total: Vec<String>,
}

impl ExportTable {
    /// The texts of the table in its grid (see [`Grid`]).
    pub fn grid(&self) -> Grid {
        let extras = self.columns.list();
        let (l1, l2) = spans(&self.rows);
        let runs = |v: Vec<Span>| v.into_iter().map(|s| s.start..s.start + s.len).collect();
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let mut cells = vec![
                    clean(&r.level1),
                    clean(&r.level2),
                    clean(&r.task),
                    clean(&r.target),
                    clean(&r.progress),
                    fmt_points(r.weight),
                ];
                cells.extend(extras.iter().map(|e| extra_text(r, *e)));
                cells
            })
            .collect();
        let mut total = vec!["合计".to_string(), fmt_points(total_weight(self))];
        total.extend(extras.iter().map(|e| match e {
            Extra::Score => total_score(self).map(fmt_score).unwrap_or_default(),
            _ => String::new(),
        }));
        Grid {
            title: one_line(&self.title),
            subtitle: department_line(self),
            headers: FIXED_HEADERS
                .iter()
                .copied()
                .chain(extras.iter().map(|e| e.header()))
                .collect(),
            rows,
            level1_runs: runs(l1),
            level2_runs: runs(l2),
            total,
        }
    }
}

/// The six fixed column names, as the seed writes them.
pub(crate) const FIXED_HEADERS: [&str; 6] = [
    "一级指标",
    "二级指标",
    "任务要点名称",
    "年度目标",
    "进度情况",
    "分值权重",
];

/// One of the optional columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    Completion,
    Status,
    Score,
}

impl Extra {
    pub(crate) fn header(self) -> &'static str {
        match self {
            Extra::Completion => "完成率",
            Extra::Status => "状态",
            Extra::Score => "得分",
        }
    }
}

impl ExtraColumns {
    /// The chosen optional columns in their order.
    pub(crate) fn list(self) -> Vec<Extra> {
        let mut out = Vec::with_capacity(3);
        if self.completion {
            out.push(Extra::Completion);
        }
        if self.status {
            out.push(Extra::Status);
        }
        if self.score {
            out.push(Extra::Score);
        }
        out
    }
}

/// Font names, as government documents name them, with the fallback a reader's PC is sure to have.
pub(crate) mod fonts {
    /// Title: 方正小标宋简体.
    pub const TITLE: &str = "方正小标宋简体";
    /// Title fallback.
    pub const TITLE_FALLBACK: &str = "黑体";
    /// Body: 仿宋_GB2312.
    pub const BODY: &str = "仿宋_GB2312";
    /// Body fallback.
    pub const BODY_FALLBACK: &str = "仿宋";
    /// Header row: 黑体.
    pub const HEADER: &str = "黑体";
    /// Latin text and digits.
    pub const LATIN: &str = "Times New Roman";
}

/// A run of consecutive rows sharing a merged cell: `start` and `len` in row indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub len: usize,
}

/// The merged 一级 runs and 二级 runs of the rows. A 二级 run never crosses a 一级 run's end.
pub(crate) fn spans(rows: &[ExportRow]) -> (Vec<Span>, Vec<Span>) {
    let mut l1: Vec<Span> = Vec::new();
    let mut l2: Vec<Span> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let same1 = i > 0 && rows[i - 1].level1 == r.level1;
        match l1.last_mut() {
            Some(s) if same1 => s.len += 1,
            _ => l1.push(Span { start: i, len: 1 }),
        }
        let same2 = same1 && rows[i - 1].level2 == r.level2;
        match l2.last_mut() {
            Some(s) if same2 => s.len += 1,
            _ => l2.push(Span { start: i, len: 1 }),
        }
    }
    (l1, l2)
}

/// For each row: whether it starts its 一级 run and its 二级 run (false = a merged continuation).
pub(crate) fn run_starts(rows: &[ExportRow]) -> Vec<(bool, bool)> {
    let mut out = vec![(false, false); rows.len()];
    let (l1, l2) = spans(rows);
    for s in l1 {
        if let Some(o) = out.get_mut(s.start) {
            o.0 = true;
        }
    }
    for s in l2 {
        if let Some(o) = out.get_mut(s.start) {
            o.1 = true;
        }
    }
    out
}

/// A number as the shortest text that reads back to the same value ("30", "12.5"); "" when not
/// finite. Never uses an exponent.
pub(crate) fn fmt_number(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let v = if v == 0.0 { 0.0 } else { v }; // no "-0"
    format!("{v}")
}

/// A score as every export writes it: two decimals ("675.00", "134.83"); "" when not finite.
/// The same text as the pages' `jixiao_domain::points::score_text` (this crate stands alone;
/// `jixiao-app` tests that the two agree).
pub fn fmt_score(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{:.2}", v + 0.0);
    if s == "-0.00" { "0.00".into() } else { s }
}

/// "30分"; "" when not finite.
pub(crate) fn fmt_points(v: f64) -> String {
    let n = fmt_number(v);
    if n.is_empty() { n } else { n + "分" }
}

/// A completion fraction as a percentage with at most one decimal: 0.855 → "85.5%", 1.0 →
/// "100%"; "" when not finite.
pub(crate) fn fmt_percent(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let p = (v * 1000.0).round() / 10.0;
    if p.is_finite() {
        fmt_number(p) + "%"
    } else {
        String::new()
    }
}

/// The sum of the finite values, rounded to 6 decimals so float noise (0.1 + 0.2) does not show.
pub(crate) fn total(values: impl Iterator<Item = f64>) -> f64 {
    let s: f64 = values.filter(|v| v.is_finite()).sum();
    let r = (s * 1e6).round() / 1e6;
    if r.is_finite() { r } else { s }
}

/// The 合计 of the weights.
pub(crate) fn total_weight(t: &ExportTable) -> f64 {
    total(t.rows.iter().map(|r| r.weight))
}

/// The 合计 of the scores, when any row has one.
pub(crate) fn total_score(t: &ExportTable) -> Option<f64> {
    if let Some(official) = t.score_total.filter(|v| v.is_finite()) {
        return Some(official);
    }
    t.rows
        .iter()
        .any(|r| r.score.is_some_and(f64::is_finite))
        .then(|| total(t.rows.iter().filter_map(|r| r.score)))
}

/// The text of an optional cell of a row.
pub(crate) fn extra_text(row: &ExportRow, e: Extra) -> String {
    match e {
        Extra::Completion => row.completion.map(fmt_percent).unwrap_or_default(),
        Extra::Status => row.status.as_deref().map(clean).unwrap_or_default(),
        Extra::Score => row.score.map(fmt_score).unwrap_or_default(),
    }
}

/// Text without the characters XML 1.0 cannot hold (controls other than TAB/LF, U+FFFE/U+FFFF,
/// lone surrogates cannot occur in a `str`); CR LF and lone CR become LF.
pub(crate) fn clean(s: &str) -> String {
    let s = s.replace("\r\n", "\n");
    s.chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| {
            !(c.is_control() && c != '\t' && c != '\n') && c != '\u{FFFE}' && c != '\u{FFFF}'
        })
        .collect()
}

/// One line: [`clean`], then breaks and tabs as spaces, trimmed.
pub(crate) fn one_line(s: &str) -> String {
    clean(s)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The line under the title: "主管部门：X", then "考核期间：P" after a wide gap when there is a
/// period. The gap is ideographic spaces, which end the department name for the readers.
pub(crate) fn department_line(t: &ExportTable) -> String {
    let mut line = format!("主管部门：{}", one_line(&t.department));
    if let Some(p) = t.period_label.as_deref().map(one_line)
        && !p.is_empty()
    {
        line.push_str("\u{3000}\u{3000}\u{3000}\u{3000}考核期间：");
        line.push_str(&p);
    }
    line
}

/// The lines of a cell's text: split at breaks, each trimmed, empty ones dropped.
pub(crate) fn cell_lines(s: &str) -> Vec<String> {
    clean(s)
        .split('\n')
        .map(|l| l.replace('\t', " ").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_holds_every_cells_text_the_merges_and_the_total() {
        let mut t = ExportTable {
            title: "标题".into(),
            department: "某局".into(),
            columns: ExtraColumns {
                completion: false,
                status: false,
                score: true,
            },
            ..ExportTable::default()
        };
        for (l2, w) in [("子", 30.0), ("子", 20.5), ("丑", 10.0)] {
            let mut r = row("甲", l2);
            r.task = "任务".into();
            r.weight = w;
            r.score = Some(w);
            t.rows.push(r);
        }
        let g = t.grid();
        assert_eq!(g.headers.len(), 7);
        assert_eq!(g.headers[6], "得分");
        assert_eq!(g.rows[1][5], "20.5分");
        assert_eq!(g.rows[1][6], "20.50", "a score in the one format");
        assert_eq!(g.level1_runs, vec![0..3]);
        assert_eq!(g.level2_runs, vec![0..2, 2..3]);
        assert_eq!(g.total, ["合计", "60.5分", "60.50"]);
        assert_eq!(g.subtitle, "主管部门：某局");
    }

    fn row(l1: &str, l2: &str) -> ExportRow {
        ExportRow {
            level1: l1.into(),
            level2: l2.into(),
            ..ExportRow::default()
        }
    }

    #[test]
    fn level2_runs_stop_where_level1_runs_stop() {
        let rows = [
            row("甲", "子"),
            row("甲", "子"),
            row("乙", "子"),
            row("乙", "丑"),
        ];
        let (l1, l2) = spans(&rows);
        assert_eq!(
            l1,
            vec![Span { start: 0, len: 2 }, Span { start: 2, len: 2 }]
        );
        assert_eq!(
            l2,
            vec![
                Span { start: 0, len: 2 },
                Span { start: 2, len: 1 },
                Span { start: 3, len: 1 }
            ]
        );
        assert_eq!(
            run_starts(&rows),
            vec![(true, true), (false, false), (true, true), (false, true)]
        );
    }

    #[test]
    fn numbers_are_written_shortest_and_non_finite_ones_as_nothing() {
        assert_eq!(fmt_points(30.0), "30分");
        assert_eq!(fmt_points(12.5), "12.5分");
        assert_eq!(fmt_points(-0.0), "0分");
        assert_eq!(fmt_points(f64::NAN), "");
        assert_eq!(fmt_number(1e21), "1000000000000000000000");
        assert_eq!(fmt_percent(0.855), "85.5%");
        assert_eq!(fmt_percent(1.0), "100%");
        assert_eq!(fmt_percent(f64::INFINITY), "");
        assert_eq!(total([0.1, 0.2, f64::NAN].into_iter()), 0.3);
    }

    #[test]
    fn text_loses_what_xml_cannot_hold_and_one_line_text_loses_its_breaks() {
        assert_eq!(clean("a\u{0}b\r\nc\rd\u{FFFF}"), "ab\nc\nd");
        assert_eq!(one_line(" 标题\n第二行\t尾 "), "标题 第二行 尾");
        assert_eq!(
            cell_lines("妇女技能\n\n 培训工作\t甲 "),
            ["妇女技能", "培训工作 甲"]
        );
    }

    #[test]
    fn the_department_line_carries_the_period_after_a_gap_the_reader_stops_at() {
        let mut t = ExportTable {
            department: "枣庄市妇联".into(),
            ..ExportTable::default()
        };
        assert_eq!(department_line(&t), "主管部门：枣庄市妇联");
        t.period_label = Some("2022年第三季度".into());
        let line = department_line(&t);
        assert_eq!(
            crate::table::department_of(&line).as_deref(),
            Some("枣庄市妇联")
        );
        assert!(line.ends_with("考核期间：2022年第三季度"));
    }
}
