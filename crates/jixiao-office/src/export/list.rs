//! A work list (待办, 预警, 完成情况 …) as an .xlsx sheet: a title, a header row, rows of text.
//! Lists are data to filter and forward, not official tables: no merges, the header frozen and
//! an autofilter over it.

use rust_xlsxwriter::{Format, FormatBorder, Workbook};

use super::ExportError;

/// A list as a page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListTable {
    /// The title line, e.g. "待办 · 待审核（2026-12-03 导出）".
    pub title: String,
    /// The column headers.
    pub headers: Vec<String>,
    /// The rows, one string per column.
    pub rows: Vec<Vec<String>>,
}

/// The list as an .xlsx workbook of one sheet.
pub fn list_to_xlsx(t: &ListTable) -> Result<Vec<u8>, ExportError> {
    let x = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = Format::new().set_bold().set_font_size(14);
    let head = Format::new().set_bold().set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    sheet
        .write_string_with_format(0, 0, super::clean(&t.title), &bold)
        .map_err(x)?;
    for (c, h) in t.headers.iter().enumerate() {
        let c = u16::try_from(c).map_err(|_| ExportError::Xlsx("too many columns".into()))?;
        sheet
            .write_string_with_format(1, c, super::clean(h), &head)
            .map_err(x)?;
        sheet.set_column_width(c, 18).map_err(x)?;
    }
    for (i, row) in t.rows.iter().enumerate() {
        let r = u32::try_from(i + 2).map_err(|_| ExportError::Xlsx("too many rows".into()))?;
        for (c, v) in row.iter().enumerate().take(t.headers.len()) {
            sheet
                .write_string_with_format(r, c as u16, super::clean(v), &cell)
                .map_err(x)?;
        }
    }
    if !t.headers.is_empty() {
        let last_col = (t.headers.len() - 1) as u16;
        let last_row = (t.rows.len() + 1) as u32;
        sheet.autofilter(1, 0, last_row, last_col).map_err(x)?;
        sheet.set_freeze_panes(2, 0).map_err(x)?;
    }
    book.save_to_buffer().map_err(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_reads_back_as_the_rows_it_was_given() {
        let t = ListTable {
            title: "待办 · 待审核".into(),
            headers: vec!["任务".into(), "单位".into()],
            rows: vec![
                vec!["技能培训".into(), "甲一单位".into()],
                vec!["=1+1".into(), "乙一单位\u{0}".into()],
            ],
        };
        let bytes = list_to_xlsx(&t).unwrap();
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        let cells: Vec<Vec<String>> = range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(cells[1], ["任务", "单位"]);
        assert_eq!(cells[2], ["技能培训", "甲一单位"]);
        // A formula-like text stays text; a character XML cannot hold is dropped.
        assert_eq!(cells[3], ["=1+1", "乙一单位"]);
    }
}
