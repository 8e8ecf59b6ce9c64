//! # jixiao-office: the progress table read from the documents offices file
//!
//! Reads one *progress table* (任务要点完成进度情况表) — a title line, a `主管部门：…` line and a
//! table with the columns 一级指标 · 二级指标 · 任务要点名称 · 年度目标 · 进度情况 · 分值权重 —
//! from any of five forms (.txt, .docx, .xlsx, .xls, .ods), and gives the same [`ParsedTable`] for
//! each:
//!
//! * **.txt** — the text a Word table is saved as: every cell on its own line starting with a TAB,
//!   rows separated by (one or more) blank lines, a line that does not start with a TAB continues
//!   the previous cell (joined without a separator, as Chinese text is; a space is put back only
//!   between two ASCII letters/digits), an empty cell in the 一级/二级 columns means "merged with
//!   the cell above". One row per line with TAB-separated cells (text copied from Excel) is read
//!   too. Encodings: UTF-8 (with or without BOM), UTF-16 with BOM (Word's "Unicode text"), and
//!   GB18030/GBK (detected with chardetng, decoded with encoding_rs). Anything else is an error,
//!   never mojibake.
//! * **.docx** — `word/document.xml`, read with quick-xml: the paragraphs before the first table
//!   give the title and the department; `w:tbl/w:tr/w:tc` give the cells (`w:vMerge` continuations
//!   take the text of the cell above, a `w:gridSpan` cell's text fills every grid column it spans,
//!   as a merged region of a sheet is filled, and `w:gridBefore` keeps the grid columns right);
//!   the paragraphs of a cell are joined like the .txt continuation lines. A table continued in
//!   several tables (with or without a repeated header) is one table.
//! * **.xlsx** — through calamine: the first sheet with a recognisable header; merged regions are
//!   filled from their top-left cell; rows above the header give the title and the department.
//!   Locations carry the cell reference ("F5").
//! * **.xls** (Excel 97–2003, also what WPS saves by default) and **.ods** (LibreOffice) — the same
//!   reader over calamine's `Xls`/`Ods`, which read every sheet whole when opening (not streamed
//!   like .xlsx). Merged regions: calamine gives them for .xls; for .ods it does not, so our own
//!   scan of `content.xml` (`table:number-rows-spanned`/`-columns-spanned`, positions counted
//!   through `number-*-repeated`) supplies them. An .ods is a zip: the zip guard runs first, then
//!   the scan refuses content beyond the sheet limits *before* calamine expands repeated rows (a
//!   200-byte `content.xml` can ask for a million rows of 16,000 cells). An .xls must start with
//!   the OLE signature; an encrypted workbook or a .doc named .xls is calamine's error.
//!
//! ## Header, columns and rows
//!
//! Columns are found by *name*, after normalising whitespace, full-width letters, traditional
//! characters (一級指標 is 一级指标), `*`/`★` marks, a trailing parenthesis such as "（分）" and a
//! trailing "%", in the first twenty rows; their order does not matter (progress before target,
//! weight first: tested). Synonyms: see [`Column::synonyms`]; when two header cells name the same
//! column, the better synonym wins (任务名称 over 三级指标) and the other is kept as an attribute.
//! A header that is not a synonym is still recognised by its ending, as real headers qualify a
//! name with a period or a scope: "1-8月实际完成情况" (progress), "省重点民生实事项目名称" (task),
//! "市级牵头责任单位" (responsible unit), "年计划投资完成率" and "占年任务之比" (stated
//! completion); a header longer than fourteen characters (a title) is never matched so.
//!
//! A row is the header only when it names the task column **and** something to read about it —
//! a target, the progress, a weight, or a figure column (目标值, 累计完成, 完成率, 得分): a
//! 自评表's project block line "项目名称 | XX项目 | 主管部门 | …" is not a header. A header naming
//! the task and nothing else is reported as a missing 进度情况 column.
//!
//! Where no header name fits, the user maps headers to roles with a [`ColumnMap`]
//! ("进展情况=progress,事项=task"; [`read_bytes_with`], [`read_path_with`]): a mapped header takes
//! its role whatever its name and wins over any synonym. When no task column can be found, the
//! error lists the header cells found, so the user can write the mapping.
//!
//! * **Attributes.** Columns the reader does not map (责任人, 完成时限, 备注, 偏差原因…) are kept per
//!   row in [`Row::extra`] as (header as written, cell text), in column order, empty cells left
//!   out; 序号/编号 columns are numbering and are dropped. A header merged across columns is one
//!   attribute.
//! * **Responsible unit.** 责任单位/牵头单位 (and endings such as 市级牵头责任单位, 考核实施单位)
//!   give [`Row::responsible`], without a code prefix (`[155]`, `【155】`, `219-`); the column is
//!   kept as an attribute too. A "单位" header is always the measure word, never the unit.
//! * **Levels.** 一级指标 and 二级指标; without them, 类别/行动/工程名称 columns stand in, in column
//!   order (a 目标类别 header over two columns gives both levels). A row spanning the table with
//!   one text ("一、稳增长" merged across) is a heading: it sets the level the table has no column
//!   for.
//! * **Figures.** 目标值/年度指标值/计划数/指标值, 完成值/实际完成值/累计完成/已完成数/进度,
//!   完成率/完成比例/完成进度(%)/完成目标(%), 单位/计量单位/度量单位, 得分/自评得分 and 指标性质.
//!   "完成进度" without "%" is the progress column, or the stated completion when the table has
//!   another progress column (1-7月累计完成情况 | 完成进度). Their plain numbers go to
//!   [`Row::numbers`]. The target and progress texts are the cells as written, except:
//!   - a bare number gets its unit: the one its header names in parentheses ("目标任务（万元）"
//!     "30" → "30万元"), else the 单位 column's, else the one the task's name ends with
//!     ("城镇新增就业(人)"), else — in a table with figure columns — the measure word the other
//!     cell is written with ("1000人");
//!   - a 指标性质 comparator goes back before a target split over three columns ("≥" | "95" |
//!     "%" → "≥95%");
//!   - a numeric column stands in for a missing prose one.
//! * **Stated completion.** The 完成率 cell as a fraction in [`Row::stated_completion`] (0.87 for
//!   "87%"; a bare 87 is a percentage, a bare 0.87 a fraction, decided by actual ÷ target where
//!   both are numbers, else by a "%" in the header, else values up to 2 are fractions). In a
//!   table without any target column, a progress that starts with a percentage ("80%（新区实验
//!   幼儿园进度滞后）") states it. The prose reader downstream reads the progress text, so the
//!   stated completion is **added to it** where the progress has no "%" of its own: "已完成主体
//!   工程（完成率87%）", or "完成率87%" alone when the row has no progress.
//! * **Weights.** 分值权重/分值/权重. A table without a weight column (most progress tables
//!   offices publish) imports with `weight: None` and one warning for the file: the assessment
//!   office sets the weights before scores are published. Without a column, a task name ending in
//!   "（5分）" carries its weight (绩效评价得分表). With a column, an empty or unreadable weight
//!   cell is an error: weights are Arabic numbers of points ("30分", "30", "30.0", "30 分",
//!   "３０分"); anything else, and negative numbers, are errors.
//! * **绩效自评表 forms** (一级指标 | 二级指标 | 三级指标 | 分值 | 年度指标值 | 全年实际值 | 得分 |
//!   偏差原因…): 三级指标 is the task (a synonym of 任务要点名称 of lowest rank), 一级 and 二级 the
//!   levels above, the indicator values go through the figure columns, 得分 to
//!   [`RowNumbers::self_score`], the rest to attributes. The usual two-row header (绩效指标
//!   merged over the three levels, the other headers merged down) reads as one.
//! * **Tasks over several rows.** A task cell merged over sub-rows that each have their own
//!   target or progress makes one task per sub-row: `<项目> <子项>` where the task's header spans
//!   a second column naming each sub-item, else `<项目> <the first cell only that sub-row has>`
//!   (a level, an attribute other than the responsible unit, or the target), else `<项目>（2）`.
//! * **Wide matrices** (one row per region; per indicator a group of columns 目标任务 | 进度 |
//!   完成比例(%) under the indicator's name merged over them): detected by the second header row
//!   repeating the target column in at least two groups; one task per region × indicator,
//!   "东坡区 城镇新增就业(人)", with the indicator's unit for bare numbers ("8000人").
//! * **Targets by region** (目标任务分解表): a region column (地区/区县/市州…) and one column per
//!   indicator whose cells are mostly numbers, optionally with a 责任单位 row under the
//!   indicators; or a task column and columns headed by place names (全市 | 巴州区 | 南江县…).
//!   One task per place × indicator with its target and no progress.
//! * The JSON contract: the six keys `level1 level2 task target progress weight` (`weight` null
//!   without a weight column), and `stated_completion` and `responsible` only when present, so
//!   the seed's JSON is unchanged; `extra`, `numbers` and `source` are `#[serde(skip)]`.
//!
//! 任务要点名称 (or a synonym) is **required**. 一级指标, 二级指标, 年度目标 and 进度情况 are
//! **optional**: many offices file a plain task list (no indicator columns) or a list of targets
//! at the start of the year (no progress yet). A missing one gives one warning and empty strings.
//!
//! An empty 一级/二级 cell inherits the value above (a merged cell, or the "same as above" habit);
//! a row with only 一级/二级 text is a section heading and only sets them. Empty rows, repeated
//! header rows (a table continued on a new page) and total rows (合计/总计/小计; their sum is
//! checked, a mismatch is a warning) are skipped. A row with content but no task name is an error.
//! The same task name twice under one 二级指标 is a warning.
//!
//! ## Hostile files
//!
//! Nothing panics on any input (see the property test, and the cargo-fuzz targets `import_txt`,
//! `import_docx`, `import_xlsx` in `fuzz/`, a crate outside the workspace: `RUSTC_BOOTSTRAP=1
//! cargo fuzz run -s none import_xlsx` from this crate's folder). Files over [`limits::MAX_FILE_BYTES`] are
//! refused before reading; the extension decides the reader and the first bytes must agree with
//! it; zip containers are checked for entry count, per-entry and total uncompressed size and
//! expansion ratio, reading every entry through a `take()` limit; XML with a DOCTYPE or an entity
//! other than the five predefined ones is refused (quick-xml never expands entities, and Word never
//! writes them); sheets with more than [`limits::MAX_SHEET_ROWS`] rows or
//! [`limits::MAX_SHEET_COLUMNS`] columns of content are refused. Every error names the file and,
//! where it has one, the row, the column (by its header name) and the cell.
//!
//! ## Writing
//!
//! [`export`] writes the same table back out — .docx, .xlsx, .txt (all three read back to the
//! same rows), CSV and printable HTML — from a plain [`export::ExportTable`].
//!
//! ## What it deliberately does not do
//!
//! * No .doc/.et/.wps (old binary formats) and no .pdf: they are recognised and the user is
//!   asked to save as .docx/.xlsx.
//! * Only the main document part `word/document.xml`; headers, footers, text boxes, comments and
//!   tracked deletions are ignored, and `mc:Fallback` content is skipped so nothing is read twice.
//! * Formulas: the value Excel cached is used (calamine), never recalculated.
//! * No interpretation of the text: targets and progress are returned as written; reading the
//!   quantities in them is `jixiao-prose`'s job, and level-1 points ("（400分）") are the domain's.
//! * Header rows below the twentieth row are not searched; a "单位" header is always the measure
//!   word, never the responsible unit (that is 责任单位/牵头单位).
//! * Tables whose task names are not in the table (region rows with unnamed indicators whose
//!   subject is only in the title or the page), bilingual headers and weights written as
//!   percentages inside names are not read: see `fixtures/layouts/README.md` for the known gaps.
//! * .xls: calamine parses every sheet when opening and lays each out densely over the bounding
//!   box of its cells, so a hostile 20 MiB .xls with cells at A1 and IV65536 on many sheets can
//!   cost about half a GiB per sheet before our row/column limits see it. Only the file-size
//!   limit applies before calamine; a BIFF pre-scan (as the .ods one) would close this. .xls
//!   merges come from calamine's MERGEDCELLS records; .ods merges from our scan.

// `ImportError` carries a full `Location` by value, as the public API prescribes; errors end an
// import (they are not on a hot path), so the size of `Result<_, ImportError>` does not matter.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

mod docx;
mod error;
pub mod export;
mod map;
mod ods;
mod sniff;
mod table;
mod txt;
mod xlsx;
mod zipguard;

pub use error::{Column, FileFormat, ImportError, ImportErrorKind, ZipLimit};
pub use map::{ColumnMap, ColumnMapError, ColumnRole};

/// The limits that keep hostile files harmless. All sizes are in bytes.
pub mod limits {
    /// Largest file read at all (20 MiB): a progress table is a few hundred KiB.
    pub const MAX_FILE_BYTES: u64 = 20 << 20;
    /// Most entries in a .docx/.xlsx zip.
    pub const MAX_ZIP_ENTRIES: usize = 2_000;
    /// Largest uncompressed size of one zip entry (64 MiB).
    pub const MAX_ENTRY_BYTES: u64 = 64 << 20;
    /// Largest uncompressed size of all entries together (160 MiB).
    pub const MAX_TOTAL_BYTES: u64 = 160 << 20;
    /// Largest expansion (uncompressed ÷ compressed) of an entry, checked once it passes
    /// [`RATIO_CHECK_FLOOR`] bytes. Office XML compresses 5–30×; a zero-filled bomb ≈1000×.
    pub const MAX_EXPANSION_RATIO: u64 = 200;
    /// Entries smaller than this (1 MiB) are not ratio-checked: small repetitive XML is harmless.
    pub const RATIO_CHECK_FLOOR: u64 = 1 << 20;
    /// Most rows with content in a sheet.
    pub const MAX_SHEET_ROWS: usize = 20_000;
    /// Most columns with content in a sheet.
    pub const MAX_SHEET_COLUMNS: usize = 100;
}

/// One progress table as an office files it: the title, the supervising department and the rows,
/// with merged cells filled.
///
/// Serialises to the `jixiao import --dry-run --json` contract:
/// `{"title","department","rows":[{"level1","level2","task","target","progress","weight"}],"warnings":[…]}`,
/// a row having `"stated_completion"` and `"responsible"` too when the table states them, and
/// `"weight": null` when the table has no weight column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedTable {
    /// The title line, e.g. "2022年度服务高质量发展绩效考核工作任务要点完成进度情况" ("" if none).
    pub title: String,
    /// The name after "主管部门：", e.g. "枣庄市妇联".
    pub department: Option<String>,
    /// The task rows, in document order.
    pub rows: Vec<Row>,
    /// Things the user should check; the import can still go ahead.
    pub warnings: Vec<Warning>,
}

/// One task row of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// 一级指标 as written, e.g. "围绕中心履职尽责（400分）" (merged cells filled).
    pub level1: String,
    /// 二级指标, e.g. "重点（职能）工作" (merged cells filled).
    pub level2: String,
    /// 任务要点名称.
    pub task: String,
    /// 年度目标 ("" when the table has no target column).
    pub target: String,
    /// 进度情况 ("" when the table has no progress column).
    pub progress: String,
    /// 分值权重 in points ("30分" → 30.0); `None` when the table has no weight column (most
    /// progress tables published by offices: the assessment office sets the weights).
    pub weight: Option<f64>,
    /// The completion the table states (完成率 / 完成比例 / 完成进度(%)), as a fraction: 0.87 for
    /// "87%". Serialised only when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stated_completion: Option<f64>,
    /// The responsible unit (责任单位 / 牵头单位) without a code prefix (`[155]`). The column is
    /// kept in [`Row::extra`] as well. Serialised only when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible: Option<String>,
    /// Where the row was; not part of the JSON contract.
    #[serde(skip)]
    pub source: Location,
    /// The row's cells in columns the reader does not map (牵头单位, 责任单位, 责任人, 备注,
    /// 完成时限, 偏差原因 …) as (header as written, cell text), in column order; empty cells and
    /// 序号 columns are left out. Not part of the JSON contract.
    #[serde(skip)]
    pub extra: Vec<(String, String)>,
    /// The numbers of a table with numeric columns (目标值 · 完成值 · 完成率 · 单位 · 得分);
    /// `None` when the table has none of them. Not part of the JSON contract.
    #[serde(skip)]
    pub numbers: Option<RowNumbers>,
}

/// The numbers a row of a numeric table (指标名称 | 单位 | 目标值 | 完成值 | 完成率 | 分值) or of a
/// 绩效自评表 (… | 年度指标值 | 全年实际值 | 得分) states, as read from its cells. A cell that is
/// not a plain number ("≥95%", "已完成") gives `None` here and stays in the row's text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowNumbers {
    /// The target value (目标值/年度目标值/年度指标值/目标任务数/计划数), in `unit`.
    pub target: Option<f64>,
    /// The actual value (完成值/实际完成/全年实际值/完成数/进度), in `unit`.
    pub actual: Option<f64>,
    /// The measure word of the 单位/计量单位 column, e.g. "个", "%".
    pub unit: Option<String>,
    /// The stated completion rate (完成率/完成比例/完成进度(%)) in percent: 47.7 for 47.7%. A
    /// cell holding a fraction (0.477, as Excel stores a percent-formatted cell) is scaled.
    pub rate: Option<f64>,
    /// The self-score (得分/自评得分) in points.
    pub self_score: Option<f64>,
}

/// A place in an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Location {
    /// The file's name as given (for [`read_path`], its last component).
    pub file: String,
    /// The sheet name (.xlsx) or "表格N" (.docx, N counting top-level tables from 1).
    pub sheet_or_table: Option<String>,
    /// 1-based row as a person counts in that file: the line for .txt, the table row for .docx
    /// (the header row is 1), the sheet row for .xlsx.
    pub row: Option<usize>,
    /// The column's header as written, e.g. "分值权重".
    pub column: Option<String>,
    /// The cell reference, e.g. "F5" (.xlsx only).
    pub cell: Option<String>,
}

impl Location {
    pub(crate) fn file(file: &str) -> Self {
        Location {
            file: file.to_string(),
            ..Location::default()
        }
    }
}

impl std::fmt::Display for Location {
    /// "seed.txt 第27行「分值权重」列", "seed.xlsx 工作表「进度情况」第5行「分值权重」列（F5单元格）".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        let mut space = " ";
        if let Some(s) = &self.sheet_or_table {
            if sniff::extension(&self.file) == "docx" {
                write!(f, " {s}")?;
            } else {
                write!(f, " 工作表「{s}」")?;
                space = "";
            }
        }
        if let Some(r) = self.row {
            write!(f, "{space}第{r}行")?;
        }
        if let Some(c) = &self.column {
            write!(f, "「{c}」列")?;
        }
        if let Some(c) = &self.cell {
            write!(f, "（{c}单元格）")?;
        }
        Ok(())
    }
}

/// Something the user should check; serialises with the location's fields flattened beside
/// `message`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// What, in Chinese.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.location, self.message)
    }
}

/// Reads a progress table from a file, refusing files over [`limits::MAX_FILE_BYTES`] before
/// reading them. Errors name the file by its last path component.
pub fn read_path(path: &Path) -> Result<ParsedTable, ImportError> {
    read_path_with(path, &ColumnMap::new())
}

/// [`read_path`] with a column mapping for headers the reader does not know by name.
pub fn read_path_with(path: &Path, map: &ColumnMap) -> Result<ParsedTable, ImportError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let io = |e: std::io::Error| {
        ImportError::at_file(
            &name,
            ImportErrorKind::Io {
                detail: e.to_string(),
            },
        )
    };
    let file = File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("这是一个文件夹")));
    }
    if meta.len() > limits::MAX_FILE_BYTES {
        return Err(ImportError::at_file(
            &name,
            ImportErrorKind::TooLarge { size: meta.len() },
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between metadata and read: the take() keeps the limit anyway.
    file.take(limits::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    read_bytes_with(&name, &bytes, map)
}

/// Reads a progress table from the bytes of a file called `file_name`. The format is chosen by
/// the extension (.txt, .docx, .xlsx/.xlsm, .xls, .ods) and checked against the content's first
/// bytes.
pub fn read_bytes(file_name: &str, bytes: &[u8]) -> Result<ParsedTable, ImportError> {
    read_bytes_with(file_name, bytes, &ColumnMap::new())
}

/// [`read_bytes`] with a column mapping: a header the mapping names takes the role given there
/// whatever its name ("进展情况=progress,事项=task"), for tables whose headers the reader does
/// not know. An empty mapping reads by names alone.
pub fn read_bytes_with(
    file_name: &str,
    bytes: &[u8],
    map: &ColumnMap,
) -> Result<ParsedTable, ImportError> {
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(ImportError::at_file(
            file_name,
            ImportErrorKind::TooLarge {
                size: bytes.len() as u64,
            },
        ));
    }
    let extension = sniff::extension(file_name);
    let expected = match extension.as_str() {
        "txt" => FileFormat::Text,
        "docx" => FileFormat::Docx,
        "xlsx" | "xlsm" => FileFormat::Xlsx,
        "xls" => FileFormat::OldOffice,
        "ods" => FileFormat::Ods,
        _ => {
            return Err(ImportError::at_file(
                file_name,
                ImportErrorKind::UnsupportedExtension { extension },
            ));
        }
    };
    if sniff::is_blank(bytes) {
        return Err(ImportError::at_file(file_name, ImportErrorKind::Empty));
    }
    let actual = sniff::sniff(bytes);
    let agrees = match expected {
        // Binary "text" goes to the text reader, which says why it cannot decode it.
        FileFormat::Text => matches!(actual, FileFormat::Text | FileFormat::Binary),
        // An OLE compound file: .xls, but also .doc or an encrypted .xlsx, which calamine refuses.
        FileFormat::OldOffice => actual == FileFormat::OldOffice,
        _ => actual == FileFormat::Zip, // which zip it is, the reader checks by its parts
    };
    if !agrees {
        let actual = match actual {
            FileFormat::Zip => sniff::zip_kind(bytes),
            other => other,
        };
        return Err(ImportError::at_file(
            file_name,
            ImportErrorKind::FormatMismatch { extension, actual },
        ));
    }
    let raw = match expected {
        FileFormat::Text => txt::read(file_name, bytes)?,
        FileFormat::Docx => docx::read(file_name, bytes)?,
        FileFormat::OldOffice => xlsx::read_xls(file_name, bytes, map)?,
        FileFormat::Ods => xlsx::read_ods(file_name, bytes, map)?,
        _ => xlsx::read(file_name, bytes, map)?,
    };
    table::build(raw, map)
}
