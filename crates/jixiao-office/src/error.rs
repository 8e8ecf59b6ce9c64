//! Import errors: a location plus a kind; `Display` renders one short Chinese sentence that
//! names the file, the row and the column (or cell) and says how to fix it.

use std::fmt;

use crate::Location;

/// An import that failed: where, and what went wrong.
///
/// `Display` gives the Chinese message shown to users, e.g.
/// `seed.txt 第27行「分值权重」列：无法识别的分值「三十分」，请写成阿拉伯数字，如“30分”`.
/// The web layer (or a future English locale) can render [`ImportErrorKind`] itself.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{location}：{kind}")]
pub struct ImportError {
    /// Where the problem is: always the file, and the sheet/table, row, column and cell when known.
    pub location: Location,
    /// What the problem is.
    pub kind: ImportErrorKind,
}

impl ImportError {
    pub(crate) fn new(location: Location, kind: ImportErrorKind) -> Self {
        Self { location, kind }
    }

    pub(crate) fn at_file(file: &str, kind: ImportErrorKind) -> Self {
        Self::new(Location::file(file), kind)
    }
}

/// A column of the progress table, as the importer understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// 一级指标, e.g. "围绕中心履职尽责（400分）".
    Level1,
    /// 二级指标, e.g. "重点（职能）工作".
    Level2,
    /// 任务要点名称 (the only column without which nothing can be imported).
    Task,
    /// 年度目标.
    Target,
    /// 进度情况.
    Progress,
    /// 分值权重.
    Weight,
}

impl Column {
    /// All columns, in the seed's order.
    pub const ALL: [Column; 6] = [
        Column::Level1,
        Column::Level2,
        Column::Task,
        Column::Target,
        Column::Progress,
        Column::Weight,
    ];

    /// The canonical Chinese header name, as in the seed.
    pub fn name(self) -> &'static str {
        self.synonyms()[0]
    }

    /// The commonest other names of the column for a message: "任务要点、任务名称、…等", or "无".
    pub(crate) fn other_names(self) -> String {
        // Six are enough to show what is meant; the full list is in the documentation.
        const SHOWN: usize = 6;
        let others = &self.synonyms()[1..];
        match others.len() {
            0 => "无".to_string(),
            n if n <= SHOWN => others.join("、"),
            _ => format!("{}等", others[..SHOWN].join("、")),
        }
    }

    /// Header names accepted for this column (after normalisation), canonical first.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Column::Level1 => &["一级指标"],
            Column::Level2 => &["二级指标"],
            // Better names first: when a table has two of them, the first names the task and
            // the other is kept as an attribute. 项目 (民生实事 tables) after the task names;
            // 三级指标 (绩效自评表) and 指标名称 (numeric tables) last. Not 事项: too vague.
            Column::Task => &[
                "任务要点名称",
                "任务要点",
                "任务名称",
                "重点任务",
                "主要任务",
                "工作任务",
                "重点工作",
                "工作内容",
                "项目名称",
                "项目",
                "项目内容",
                "考核项目及内容",
                "考核项目",
                "考核内容",
                "考核指标",
                "衡量指标",
                "指标名称",
                "三级指标",
            ],
            // The numeric target columns (目标值, 年度指标值…) are `NumCol`s in the table reader.
            Column::Target => &[
                "年度目标",
                "目标任务",
                "年度目标任务",
                "目标",
                "工作目标",
                "年度工作目标",
                "目标要求",
                "预期目标",
            ],
            // The numeric progress columns (累计完成, 实际完成值…) likewise.
            Column::Progress => &[
                "进度情况",
                "完成情况",
                "进展情况",
                "完成进度",
                "工作进展",
                "推进情况",
                "进展",
                "当前进度",
                "实际完成情况",
                "工作完成情况",
                "落实情况",
            ],
            Column::Weight => &["分值权重", "分值", "权重"],
        }
    }
}

/// The kind of a file format, as recognised from its first bytes (used in [`ImportErrorKind::FormatMismatch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Plain text.
    Text,
    /// A Word document (.docx).
    Docx,
    /// An Excel workbook (.xlsx).
    Xlsx,
    /// An OpenDocument spreadsheet (.ods).
    Ods,
    /// A zip archive that is neither .docx, .xlsx nor .ods.
    Zip,
    /// An old binary Office file (.doc/.xls/.ppt), or an encrypted Office file.
    OldOffice,
    /// A PDF file.
    Pdf,
    /// A Rich Text Format file.
    Rtf,
    /// A web page (common: a "spreadsheet" exported by a web system as HTML named .xls).
    Html,
    /// Binary data that is none of the above.
    Binary,
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileFormat::Text => "纯文本",
            FileFormat::Docx => "Word 文档（.docx）",
            FileFormat::Xlsx => "Excel 工作簿（.xlsx）",
            FileFormat::Ods => "OpenDocument 表格（.ods）",
            FileFormat::Zip => "zip 压缩包",
            FileFormat::OldOffice => "旧版或加密的 Office 文件（.doc/.xls）",
            FileFormat::Pdf => "PDF 文件",
            FileFormat::Rtf => "RTF 文件",
            FileFormat::Html => "网页（HTML）",
            FileFormat::Binary => "二进制数据",
        })
    }
}

/// Which zip-bomb limit a .docx/.xlsx broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipLimit {
    /// More entries than [`crate::limits::MAX_ZIP_ENTRIES`].
    TooManyEntries {
        /// Entries in the archive.
        count: usize,
    },
    /// One entry expands beyond [`crate::limits::MAX_ENTRY_BYTES`].
    EntryTooLarge {
        /// The entry's name inside the archive.
        entry: String,
    },
    /// All entries together expand beyond [`crate::limits::MAX_TOTAL_BYTES`].
    TotalTooLarge,
    /// One entry expands more than [`crate::limits::MAX_EXPANSION_RATIO`] times.
    ExpansionRatio {
        /// The entry's name inside the archive.
        entry: String,
    },
}

impl fmt::Display for ZipLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::limits::*;
        match self {
            ZipLimit::TooManyEntries { count } => {
                write!(f, "包含 {count} 个条目，上限 {MAX_ZIP_ENTRIES} 个")
            }
            ZipLimit::EntryTooLarge { entry } => {
                write!(f, "「{entry}」解压后超过 {} MB", MAX_ENTRY_BYTES >> 20)
            }
            ZipLimit::TotalTooLarge => write!(f, "解压后总大小超过 {} MB", MAX_TOTAL_BYTES >> 20),
            ZipLimit::ExpansionRatio { entry } => {
                write!(f, "「{entry}」的压缩比超过 {MAX_EXPANSION_RATIO} 倍")
            }
        }
    }
}

/// What went wrong in an import. Each variant's `Display` is a short Chinese sentence with the fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportErrorKind {
    /// The file could not be read from disk.
    #[error("无法读取文件（{detail}）。请确认文件存在且有读取权限")]
    Io {
        /// The operating system's message.
        detail: String,
    },
    /// The file has no content.
    #[error("文件是空的，没有可导入的内容。请确认选择了正确的文件")]
    Empty,
    /// The file is larger than [`crate::limits::MAX_FILE_BYTES`].
    #[error("文件过大（{} MB），上限 {} MB。请删去图片等无关内容或拆分后再导入", .size >> 20, crate::limits::MAX_FILE_BYTES >> 20)]
    TooLarge {
        /// Size in bytes.
        size: u64,
    },
    /// The extension is not one the importer reads.
    #[error("不支持的文件类型「{}」。请另存为 .txt、.docx、.xlsx、.xls 或 .ods 后再导入", if .extension.is_empty() { "无扩展名".to_string() } else { format!(".{}", .extension) })]
    UnsupportedExtension {
        /// The extension, lower case, without the dot ("" when there is none).
        extension: String,
    },
    /// The extension says one format, the content is another.
    #[error(
        "扩展名是 .{extension}，但文件内容实际是{actual}。请用对应的软件打开后另存为 .{extension}，或改正扩展名"
    )]
    FormatMismatch {
        /// The extension, lower case, without the dot.
        extension: String,
        /// What the content looks like.
        actual: FileFormat,
    },
    /// A text file in an encoding that is neither UTF-8 nor GB18030/GBK (or binary garbage).
    #[error("无法识别的文本编码（{detail}）。请在记事本/WPS 中另存为 UTF-8 编码的文本文件")]
    Undecodable {
        /// What was detected, e.g. "按 GBK 解码时有无效字节".
        detail: String,
    },
    /// The zip container of a .docx/.xlsx is truncated or corrupt.
    #[error("文件已损坏或不完整（{detail}），无法打开。请重新保存或重新下载该文件")]
    CorruptZip {
        /// The zip library's message.
        detail: String,
    },
    /// A .docx/.xlsx that expands suspiciously (a zip bomb).
    #[error(
        "文件解压后异常庞大（{limit}），疑似“压缩炸弹”，已拒绝导入。请用 Word/WPS/Excel 重新保存后再试"
    )]
    ZipBomb {
        /// Which limit was hit.
        limit: ZipLimit,
    },
    /// A part the format needs is missing from the zip.
    #[error("文件中缺少「{part}」，不是完整的 Office 文档。请用 Word/WPS/Excel 重新保存后再导入")]
    MissingPart {
        /// The part's name in the zip, e.g. "word/document.xml".
        part: String,
    },
    /// An XML part is not well-formed.
    #[error(
        "「{part}」的 XML 格式错误（{detail}，第 {position} 字节）。文件可能已损坏，请用 Word/WPS 重新保存"
    )]
    MalformedXml {
        /// The part's name in the zip.
        part: String,
        /// The XML parser's message.
        detail: String,
        /// Byte offset in the part.
        position: u64,
    },
    /// An XML part declares a DOCTYPE or uses an entity other than the five predefined ones
    /// (the door to "billion laughs" entity expansion; Word never writes these).
    #[error(
        "「{part}」中含有不允许的 XML 实体或 DOCTYPE 声明（{what}），已拒绝导入。请用 Word/WPS 重新保存"
    )]
    XmlEntity {
        /// The part's name in the zip.
        part: String,
        /// The entity reference or "DOCTYPE".
        what: String,
    },
    /// A document with no table at all.
    #[error(
        "文件中没有找到表格。请把任务要点整理成表格（表头含「任务要点名称」「分值权重」等列）后再导入"
    )]
    NoTable,
    /// No header row names the task column (任务要点名称 or a synonym), or the one that does
    /// names nothing to read about it (no target, progress, weight or figures: `column` is then
    /// 进度情况). `found` lists the header cells of the likeliest header row.
    #[error("找不到「{}」列（也可写作：{}）。表头中的列：{}。请在表头中加上该列", .column.name(), .column.other_names(), if .found.is_empty() { "（无）".to_string() } else { .found.join("、") })]
    MissingColumn {
        /// The missing column.
        column: Column,
        /// The non-empty header cells that were found, in order.
        found: Vec<String>,
    },
    /// A header but not a single task row.
    #[error("表头下面没有任务行。请确认表格内容完整")]
    NoRows,
    /// A row with a target, progress or weight but no task name.
    #[error("这一行有内容但没有任务要点名称。请填写任务名称，或删除这一行")]
    MissingTask,
    /// A task without a weight.
    #[error("任务「{task}」没有填写分值。请填写分值，如“30分”")]
    MissingWeight {
        /// The task's name.
        task: String,
    },
    /// A weight that is not an Arabic number of points.
    #[error("无法识别的分值「{value}」，请写成阿拉伯数字，如“30分”")]
    BadWeight {
        /// The cell's text.
        value: String,
    },
    /// A negative weight.
    #[error("分值「{value}」是负数，分值权重不能为负。请改为正数，如“30分”")]
    NegativeWeight {
        /// The cell's text.
        value: String,
    },
    /// A sheet with far more content than any progress table.
    #[error(
        "工作表过大（有内容的单元格超过 {} 行或 {} 列），不像任务进度表。请删去无关内容后再导入",
        crate::limits::MAX_SHEET_ROWS,
        crate::limits::MAX_SHEET_COLUMNS
    )]
    SheetTooLarge,
    /// calamine could not read the workbook.
    #[error("无法读取 Excel 工作簿（{detail}）。请用 Excel/WPS 重新保存为 .xlsx")]
    Spreadsheet {
        /// calamine's message.
        detail: String,
    },
}
