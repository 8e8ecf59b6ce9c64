//! The spreadsheet forms, through calamine: .xlsx (cells streamed), .xls and .ods (sheets read
//! whole). The first sheet with a recognisable header is the table; merged regions are filled
//! from their top-left cell (.xlsx and .xls from calamine, .ods from our own scan of
//! `content.xml`, since calamine does not expose ODS merges).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Ods, Range, Reader, SheetVisible, Xls, Xlsx};

use crate::limits::{MAX_SHEET_COLUMNS, MAX_SHEET_ROWS};
use crate::table::{RawBlock, RawCell, RawDoc, RawRow, Source, has_header};
use crate::txt::join_onto;
use crate::{
    ColumnMap, FileFormat, ImportError, ImportErrorKind, Location, Warning, ods, zipguard,
};

/// Most cells filled from merged regions in one sheet.
const MAX_MERGE_FILL: usize = 200_000;

/// The sheets of a workbook, visible ones first (each group in workbook order).
fn sheet_order(sheets: &[calamine::Sheet]) -> Vec<String> {
    let mut named: Vec<(String, bool)> = sheets
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    named.sort_by_key(|(_, visible)| !visible); // stable
    named.into_iter().map(|(n, _)| n).collect()
}

/// Picks the first sheet with a header (else the first with content) and wraps it as a doc.
fn choose_sheet(
    file: &str,
    names: Vec<String>,
    map: &ColumnMap,
    mut read: impl FnMut(&str) -> Result<RawBlock, ImportError>,
) -> Result<RawDoc, ImportError> {
    let sheet_count = names.len();
    let mut fallback: Option<RawBlock> = None;
    let mut chosen: Option<RawBlock> = None;
    for name in names {
        let block = read(&name)?;
        if has_header(&block.rows, map) {
            chosen = Some(block);
            break;
        }
        if fallback.is_none() && !block.rows.is_empty() {
            fallback = Some(block);
        }
    }
    let Some(block) = chosen.or(fallback) else {
        return Err(ImportError::at_file(file, ImportErrorKind::NoTable));
    };
    let mut warnings = Vec::new();
    if sheet_count > 1 {
        warnings.push(Warning {
            location: Location::file(file),
            message: format!(
                "工作簿有{sheet_count}个工作表，只导入了「{}」",
                block.name.as_deref().unwrap_or_default()
            ),
        });
    }
    Ok(RawDoc {
        file: file.to_string(),
        source: Source::Xlsx,
        preamble: Vec::new(),
        blocks: vec![block],
        warnings,
    })
}

/// The error for a zip that holds another Office format than its extension says.
fn other_zip_format(
    file: &str,
    extension: &str,
    archive: &zipguard::Archive<'_>,
    part: &str,
) -> ImportError {
    let actual = [
        ("word/document.xml", FileFormat::Docx),
        ("xl/workbook.xml", FileFormat::Xlsx),
        ("content.xml", FileFormat::Ods),
    ]
    .into_iter()
    .find(|(p, _)| archive.index_for_name(p).is_some())
    .map(|(_, f)| f);
    let kind = match actual {
        Some(actual) => ImportErrorKind::FormatMismatch {
            extension: extension.into(),
            actual,
        },
        None => ImportErrorKind::MissingPart { part: part.into() },
    };
    ImportError::at_file(file, kind)
}

/// Reads the .xlsx form into cells.
pub(crate) fn read(file: &str, bytes: &[u8], map: &ColumnMap) -> Result<RawDoc, ImportError> {
    let mut archive = zipguard::open(file, bytes)?;
    if archive.index_for_name("xl/workbook.xml").is_none() {
        return Err(other_zip_format(file, "xlsx", &archive, "xl/workbook.xml"));
    }
    // calamine decompresses without limits: check every entry ourselves first.
    zipguard::verify_all(file, &mut archive)?;
    drop(archive);

    let mut workbook = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ImportError::at_file(file, spreadsheet_error(e)))?;
    let names = sheet_order(workbook.sheets_metadata());
    choose_sheet(file, names, map, |name| {
        read_sheet(file, &mut workbook, name)
    })
}

/// Reads the .xls form (BIFF8, Excel 97–2003 and WPS) into cells. calamine parses every sheet
/// when opening; the file size limit is the protection.
pub(crate) fn read_xls(file: &str, bytes: &[u8], map: &ColumnMap) -> Result<RawDoc, ImportError> {
    let mut workbook = Xls::new(Cursor::new(bytes))
        .map_err(|e| ImportError::at_file(file, spreadsheet_error(e)))?;
    let names = sheet_order(workbook.sheets_metadata());
    choose_sheet(file, names, map, |name| {
        let at_sheet = |e: calamine::XlsError| sheet_error(file, name, spreadsheet_error(e));
        let range = workbook.worksheet_range(name).map_err(at_sheet)?;
        let merges = workbook.merge_cells_by_sheet_name(name).map_err(at_sheet)?;
        block_of_range(file, name, &range, &merges)
    })
}

/// Reads the .ods form (OpenDocument, LibreOffice and WPS) into cells: the zip guard first, then
/// our scan of `content.xml` (limits and merges), then calamine.
pub(crate) fn read_ods(file: &str, bytes: &[u8], map: &ColumnMap) -> Result<RawDoc, ImportError> {
    let mut archive = zipguard::open(file, bytes)?;
    if archive.index_for_name(ods::CONTENT).is_none() {
        return Err(other_zip_format(file, "ods", &archive, ods::CONTENT));
    }
    zipguard::verify_all(file, &mut archive)?;
    let content = zipguard::read_entry(file, &mut archive, ods::CONTENT)?.unwrap_or_default();
    drop(archive);
    let merges = ods::scan(&content).map_err(|kind| ImportError::at_file(file, kind))?;

    let mut workbook = Ods::new(Cursor::new(bytes))
        .map_err(|e| ImportError::at_file(file, spreadsheet_error(e)))?;
    let names = sheet_order(workbook.sheets_metadata());
    choose_sheet(file, names, map, |name| {
        let range = workbook
            .worksheet_range(name)
            .map_err(|e| sheet_error(file, name, spreadsheet_error(e)))?;
        let none = Vec::new();
        let sheet_merges = merges.get(name).unwrap_or(&none);
        block_of_range(file, name, &range, sheet_merges)
    })
}

/// The text of a value of a sheet read whole.
fn data_text(value: &Data) -> String {
    let as_ref = match value {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::SharedString(s),
        Data::DurationIso(s) => DataRef::SharedString(s),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    };
    cell_text(&as_ref)
}

/// The text of a cell value; numbers without a needless ".0", errors as Excel shows them.
fn cell_text(value: &DataRef<'_>) -> String {
    let raw = match value {
        DataRef::Empty => return String::new(),
        DataRef::String(s) => s.as_str(),
        DataRef::SharedString(s) => s,
        DataRef::Int(i) => return i.to_string(),
        DataRef::Float(f) => {
            return if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            };
        }
        DataRef::Bool(b) => return if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => return d.to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.as_str(),
        DataRef::Error(e) => return e.to_string(),
    };
    // A line break inside a cell (Alt+Enter) joins like a .txt continuation line.
    let mut text = String::new();
    for line in raw.split('\n') {
        join_onto(&mut text, line);
    }
    text
}

/// The cells of one sheet with content, by (row, column), 0-based like calamine.
#[derive(Default)]
struct SheetCells {
    grid: BTreeMap<u32, BTreeMap<u32, RawCell>>,
    max_row: u32,
    max_col: u32,
}

impl SheetCells {
    /// Puts a cell's text (empty texts are skipped); `false` when the cell is beyond the limits.
    fn put(&mut self, r: u32, c: u32, text: String) -> bool {
        if text.is_empty() {
            return true;
        }
        if r as usize >= MAX_SHEET_ROWS || c as usize >= MAX_SHEET_COLUMNS {
            return false;
        }
        self.max_row = self.max_row.max(r);
        self.max_col = self.max_col.max(c);
        self.grid.entry(r).or_default().insert(
            c,
            RawCell {
                text,
                pos: r as usize + 1,
                merged: false,
            },
        );
        true
    }

    /// Fills merged regions from their top-left cell and lays the rows out as a block.
    /// `None` when the merges would fill more than [`MAX_MERGE_FILL`] cells.
    fn into_block(mut self, name: &str, merges: &[Dimensions]) -> Option<RawBlock> {
        let mut filled = 0usize;
        for m in merges {
            let (r0, c0) = m.start;
            let Some(top_left) = self
                .grid
                .get(&r0)
                .and_then(|row| row.get(&c0))
                .map(|c| c.text.clone())
            else {
                continue; // an empty merged region
            };
            for r in r0..=m.end.0.min(self.max_row) {
                for c in c0..=m.end.1.min(self.max_col) {
                    if (r, c) == (r0, c0) {
                        continue;
                    }
                    filled += 1;
                    if filled > MAX_MERGE_FILL {
                        return None;
                    }
                    self.grid.entry(r).or_default().insert(
                        c,
                        RawCell {
                            text: top_left.clone(),
                            pos: r as usize + 1,
                            merged: true,
                        },
                    );
                }
            }
        }
        let rows = self
            .grid
            .into_iter()
            .map(|(r, cells)| {
                let pos = r as usize + 1;
                let width = cells.keys().next_back().map_or(0, |c| *c as usize + 1);
                let mut row: Vec<RawCell> = (0..width)
                    .map(|_| RawCell {
                        pos,
                        ..RawCell::default()
                    })
                    .collect();
                for (c, cell) in cells {
                    row[c as usize] = cell;
                }
                RawRow { pos, cells: row }
            })
            .collect();
        Some(RawBlock {
            name: Some(name.to_string()),
            rows,
        })
    }
}

fn sheet_error(file: &str, name: &str, kind: ImportErrorKind) -> ImportError {
    ImportError::new(
        Location {
            sheet_or_table: Some(name.to_string()),
            ..Location::file(file)
        },
        kind,
    )
}

fn spreadsheet_error(e: impl std::fmt::Display) -> ImportErrorKind {
    ImportErrorKind::Spreadsheet {
        detail: e.to_string(),
    }
}

fn read_sheet(
    file: &str,
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> Result<RawBlock, ImportError> {
    let at_sheet = |kind| sheet_error(file, name, kind);
    let calamine_err = |e: calamine::XlsxError| at_sheet(spreadsheet_error(e));

    let mut cells = SheetCells::default();
    {
        let mut reader = workbook
            .worksheet_cells_reader(name)
            .map_err(calamine_err)?;
        while let Some(cell) = reader.next_cell().map_err(calamine_err)? {
            let (r, c) = cell.get_position();
            if !cells.put(r, c, cell_text(cell.get_value())) {
                return Err(at_sheet(ImportErrorKind::SheetTooLarge));
            }
        }
    }
    let merges = workbook
        .merge_cells_by_sheet_name(name)
        .map_err(calamine_err)?;
    cells
        .into_block(name, &merges)
        .ok_or_else(|| at_sheet(ImportErrorKind::SheetTooLarge))
}

/// The cells of a sheet calamine has read whole (.xls, .ods), with the merged regions.
fn block_of_range(
    file: &str,
    name: &str,
    range: &Range<Data>,
    merges: &[Dimensions],
) -> Result<RawBlock, ImportError> {
    let at_sheet = |kind| sheet_error(file, name, kind);
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut cells = SheetCells::default();
    for (r, c, value) in range.used_cells() {
        let (r, c) = (r0.saturating_add(r as u32), c0.saturating_add(c as u32));
        if !cells.put(r, c, data_text(value)) {
            return Err(at_sheet(ImportErrorKind::SheetTooLarge));
        }
    }
    cells
        .into_block(name, merges)
        .ok_or_else(|| at_sheet(ImportErrorKind::SheetTooLarge))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_lose_a_needless_decimal_and_line_breaks_join_like_txt() {
        for (value, text) in [
            (DataRef::Float(30.0), "30"),
            (DataRef::Float(12.5), "12.5"),
            (DataRef::Int(7), "7"),
            (
                DataRef::String("妇女技能\n培训工作 ".into()),
                "妇女技能培训工作",
            ),
            (DataRef::Empty, ""),
        ] {
            assert_eq!(cell_text(&value), text);
        }
    }
}
