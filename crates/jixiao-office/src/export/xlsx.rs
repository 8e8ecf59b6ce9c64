//! The .xlsx writer, over rust_xlsxwriter.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{
    ExportError, ExportTable, Extra, FIXED_HEADERS, cell_lines, clean, department_line, fonts,
    one_line, spans, total_score, total_weight,
};

/// GB2312 character set, so Excel/WPS substitute a Chinese font when the named one is missing.
const CHARSET_GB2312: u8 = 134;
/// Body font size in points.
const BODY_PT: f64 = 11.0;
/// Height of one line of 11 pt Chinese text, in points (CJK fonts are taller than Calibri).
const LINE_PT: f64 = 15.0;

/// Column widths in Excel's units (characters of '0' in the default font).
fn widths(extras: &[Extra]) -> Vec<f64> {
    let mut w = vec![14.0, 12.0, 18.0, 40.0, 50.0, 9.0];
    w.extend(extras.iter().map(|e| match e {
        Extra::Completion => 9.0,
        Extra::Status => 11.0,
        Extra::Score => 8.0,
    }));
    w
}

/// How wide a text is in '0' widths: CJK and full-width characters count about 2.1, others 1.1.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2.1 } else { 1.1 })
        .sum()
}

/// Lines a text takes in a column of width `w` (at least one).
fn lines_in(text: &str, w: f64) -> usize {
    let usable = (w - 1.0).max(1.0);
    cell_lines(text)
        .iter()
        .map(|l| ((text_width(l) / usable).ceil() as usize).max(1))
        .sum::<usize>()
        .max(1)
}

fn fmt_base(font: &str, size: f64) -> Format {
    Format::new()
        .set_font_name(font)
        .set_font_size(size)
        .set_font_charset(CHARSET_GB2312)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
}

fn err(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

/// A cell's text with its lines joined by line breaks (Excel's Alt+Enter).
fn cell_text(s: &str) -> String {
    cell_lines(s).join("\n")
}

fn write_sheet(sheet: &mut Worksheet, t: &ExportTable) -> Result<(), XlsxError> {
    let extras = t.columns.list();
    let w = widths(&extras);
    let ncols = w.len() as u16;
    let last = ncols - 1;

    let title = fmt_base(fonts::TITLE, 18.0).set_align(FormatAlign::Center);
    let dept = fmt_base(fonts::BODY, 12.0).set_align(FormatAlign::Left);
    let border = |f: Format| f.set_border(FormatBorder::Thin);
    let head = border(fmt_base(fonts::HEADER, BODY_PT).set_align(FormatAlign::Center));
    let body = border(fmt_base(fonts::BODY, BODY_PT));
    let center = body.clone().set_align(FormatAlign::Center);
    let points = center.clone().set_num_format("General\"分\"");
    let percent = center.clone().set_num_format("0.0%");
    // Scores in the one format of every page and export: two decimals.
    let number = center.clone().set_num_format("0.00");

    sheet.set_name("绩效考核表")?;
    for (i, width) in w.iter().enumerate() {
        sheet.set_column_width(i as u16, *width)?;
    }

    // Title, 主管部门 line.
    sheet.merge_range(0, 0, 0, last, &one_line(&t.title), &title)?;
    sheet.set_row_height(0, 36)?;
    sheet.merge_range(1, 0, 1, last, &department_line(t), &dept)?;
    sheet.set_row_height(1, 22)?;

    // Header.
    let header_row = 2;
    let headers = FIXED_HEADERS
        .iter()
        .copied()
        .chain(extras.iter().map(|e| e.header()));
    for (c, h) in headers.enumerate() {
        sheet.write_string_with_format(header_row, c as u16, h, &head)?;
    }
    sheet.set_row_height(header_row, 24)?;

    // Rows.
    let first = header_row + 1;
    for (i, r) in t.rows.iter().enumerate() {
        let row = first + i as u32;
        sheet.write_string_with_format(row, 0, cell_text(&r.level1), &center)?;
        sheet.write_string_with_format(row, 1, cell_text(&r.level2), &center)?;
        sheet.write_string_with_format(row, 2, cell_text(&r.task), &body)?;
        sheet.write_string_with_format(row, 3, cell_text(&r.target), &body)?;
        sheet.write_string_with_format(row, 4, cell_text(&r.progress), &body)?;
        if r.weight.is_finite() {
            sheet.write_number_with_format(row, 5, r.weight, &points)?;
        } else {
            sheet.write_blank(row, 5, &center)?;
        }
        for (k, e) in extras.iter().enumerate() {
            let col = 6 + k as u16;
            match e {
                Extra::Completion => match r.completion.filter(|v| v.is_finite()) {
                    Some(v) => sheet.write_number_with_format(row, col, v, &percent)?,
                    None => sheet.write_blank(row, col, &center)?,
                },
                Extra::Status => match r.status.as_deref().map(clean) {
                    Some(s) => sheet.write_string_with_format(row, col, &s, &center)?,
                    None => sheet.write_blank(row, col, &center)?,
                },
                Extra::Score => match r.score.filter(|v| v.is_finite()) {
                    Some(v) => sheet.write_number_with_format(row, col, v, &number)?,
                    None => sheet.write_blank(row, col, &center)?,
                },
            };
        }
        let lines = [
            (&r.task, w[2]),
            (&r.target, w[3]),
            (&r.progress, w[4]),
            (&r.level1, w[0]),
            (&r.level2, w[1]),
        ]
        .iter()
        .map(|(s, w)| lines_in(s, *w))
        .max()
        .unwrap_or(1);
        sheet.set_row_height(row, (lines as f64 * LINE_PT + 6.0).min(409.0))?;
    }

    // Merge 一级 and 二级 down (the value goes in the merge's first cell).
    let (spans1, spans2) = spans(&t.rows);
    for (col, spans) in [(0u16, spans1), (1, spans2)] {
        for s in spans.into_iter().filter(|s| s.len > 1) {
            let r0 = first + s.start as u32;
            let r1 = r0 + s.len as u32 - 1;
            let text = t.rows.get(s.start).map_or(String::new(), |r| {
                cell_text(if col == 0 { &r.level1 } else { &r.level2 })
            });
            sheet.merge_range(r0, col, r1, col, &text, &center)?;
        }
    }

    // 合计.
    let total_row = first + t.rows.len() as u32;
    sheet.merge_range(total_row, 0, total_row, 4, "合计", &head)?;
    sheet.write_number_with_format(total_row, 5, total_weight(t), &points)?;
    for (k, e) in extras.iter().enumerate() {
        let col = 6 + k as u16;
        match (e, total_score(t)) {
            (Extra::Score, Some(v)) => {
                sheet.write_number_with_format(total_row, col, v, &number)?
            }
            _ => sheet.write_blank(total_row, col, &center)?,
        };
    }
    sheet.set_row_height(total_row, 22)?;

    // Page: A4 landscape, one page wide, header row repeated, frozen under the header.
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_repeat_rows(header_row, header_row)?;
    sheet.set_freeze_panes(header_row + 1, 0)?;
    sheet.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// Writes the table as an Excel workbook (.xlsx) with one sheet "绩效考核表": title and 主管部门
/// rows merged across, the header (frozen, and repeated on every printed page), 一级/二级 merged
/// down, wrapped text with row heights that fit it, weights as numbers shown "30分", a 合计 row,
/// A4 landscape fitted to one page wide.
///
/// Errors: rust_xlsxwriter's own limits (e.g. a cell over 32,767 characters, more than a million
/// rows).
pub fn to_xlsx(t: &ExportTable) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_sheet(sheet, t).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::ExportRow;

    #[test]
    fn row_heights_grow_with_the_lines_a_text_needs() {
        assert_eq!(lines_in("", 10.0), 1);
        assert_eq!(lines_in("一二三四", 10.0), 1);
        assert_eq!(lines_in("一二三四五六七八九十", 10.0), 3);
        assert_eq!(lines_in("甲\n乙", 10.0), 2);
    }

    fn part(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn the_sheet_is_a4_landscape_with_a_frozen_repeated_header_and_merged_levels() {
        let row = |l2: &str, w: f64| ExportRow {
            level1: "甲".into(),
            level2: l2.into(),
            task: "任务".into(),
            weight: w,
            ..ExportRow::default()
        };
        let t = ExportTable {
            title: "标题".into(),
            rows: vec![row("子", 30.0), row("子", 20.0), row("丑", 10.0)],
            ..ExportTable::default()
        };
        let bytes = to_xlsx(&t).unwrap();
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"paperSize="9""#) && sheet.contains(r#"orientation="landscape""#));
        assert!(sheet.contains(r#"ySplit="3""#), "frozen under the header");
        assert!(sheet.contains(r#"fitToHeight="0""#), "one page wide");
        // Title, department, 一级 A4:A6, 二级 B4:B5, 合计 A7:E7.
        for range in ["A1:F1", "A2:F2", "A4:A6", "B4:B5", "A7:E7"] {
            assert!(sheet.contains(&format!(r#"ref="{range}""#)), "{range}");
        }
        assert!(!sheet.contains(r#"ref="B6:B6""#));
        let book = part(&bytes, "xl/workbook.xml");
        assert!(
            book.contains("_xlnm.Print_Titles") && book.contains("$3:$3"),
            "{book}"
        );
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains("General&quot;分&quot;") || styles.contains("General\"分\""));
        assert!(
            styles.contains("仿宋_GB2312")
                && styles.contains("黑体")
                && styles.contains("方正小标宋简体")
        );
    }

    #[test]
    fn a_cell_over_excels_limit_is_an_error_not_a_panic() {
        let t = ExportTable {
            rows: vec![ExportRow {
                task: "长".repeat(40_000),
                ..ExportRow::default()
            }],
            ..ExportTable::default()
        };
        assert!(matches!(to_xlsx(&t), Err(ExportError::Xlsx(_))));
    }
}
