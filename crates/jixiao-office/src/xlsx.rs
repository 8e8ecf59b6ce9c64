//! The .xlsx form, through calamine: the first sheet with a recognisable header, merged regions
//! filled from their top-left cell.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetVisible, Xlsx};

use crate::limits::{MAX_SHEET_COLUMNS, MAX_SHEET_ROWS};
use crate::table::{RawBlock, RawCell, RawDoc, RawRow, Source, has_header};
use crate::txt::join_onto;
use crate::{FileFormat, ImportError, ImportErrorKind, Location, Warning, zipguard};

/// Most cells filled from merged regions in one sheet.
const MAX_MERGE_FILL: usize = 200_000;

/// Reads the .xlsx form into cells.
pub(crate) fn read(file: &str, bytes: &[u8]) -> Result<RawDoc, ImportError> {
    let mut archive = zipguard::open(file, bytes)?;
    if archive.index_for_name("xl/workbook.xml").is_none() {
        let kind = if archive.index_for_name("word/document.xml").is_some() {
            ImportErrorKind::FormatMismatch {
                extension: "xlsx".into(),
                actual: FileFormat::Docx,
            }
        } else {
            ImportErrorKind::MissingPart {
                part: "xl/workbook.xml".into(),
            }
        };
        return Err(ImportError::at_file(file, kind));
    }
    // calamine decompresses without limits: check every entry ourselves first.
    zipguard::verify_all(file, &mut archive)?;
    drop(archive);

    let calamine_err = |e: calamine::XlsxError| {
        ImportError::at_file(
            file,
            ImportErrorKind::Spreadsheet {
                detail: e.to_string(),
            },
        )
    };
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(calamine_err)?;
    let mut sheets: Vec<(String, bool)> = workbook
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    sheets.sort_by_key(|(_, visible)| !visible); // stable: visible sheets first, in order
    let sheet_count = sheets.len();

    let mut fallback: Option<RawBlock> = None;
    let mut chosen: Option<RawBlock> = None;
    for (name, _) in sheets {
        let block = read_sheet(file, &mut workbook, &name)?;
        if has_header(&block.rows) {
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

fn read_sheet(
    file: &str,
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> Result<RawBlock, ImportError> {
    let at_sheet = |kind| {
        ImportError::new(
            Location {
                sheet_or_table: Some(name.to_string()),
                ..Location::file(file)
            },
            kind,
        )
    };
    let calamine_err = |e: calamine::XlsxError| {
        at_sheet(ImportErrorKind::Spreadsheet {
            detail: e.to_string(),
        })
    };

    // (row, col) → text, only cells with content.
    let mut grid: BTreeMap<u32, BTreeMap<u32, RawCell>> = BTreeMap::new();
    let (mut max_row, mut max_col) = (0u32, 0u32);
    {
        let mut reader = workbook
            .worksheet_cells_reader(name)
            .map_err(calamine_err)?;
        while let Some(cell) = reader.next_cell().map_err(calamine_err)? {
            let text = cell_text(cell.get_value());
            if text.is_empty() {
                continue;
            }
            let (r, c) = cell.get_position();
            if r as usize >= MAX_SHEET_ROWS || c as usize >= MAX_SHEET_COLUMNS {
                return Err(at_sheet(ImportErrorKind::SheetTooLarge));
            }
            max_row = max_row.max(r);
            max_col = max_col.max(c);
            grid.entry(r).or_default().insert(
                c,
                RawCell {
                    text,
                    pos: r as usize + 1,
                    merged: false,
                },
            );
        }
    }

    let merges = workbook
        .merge_cells_by_sheet_name(name)
        .map_err(calamine_err)?;
    let mut filled = 0usize;
    for m in merges {
        let (r0, c0) = m.start;
        let Some(top_left) = grid
            .get(&r0)
            .and_then(|row| row.get(&c0))
            .map(|c| c.text.clone())
        else {
            continue; // an empty merged region
        };
        for r in r0..=m.end.0.min(max_row) {
            for c in c0..=m.end.1.min(max_col) {
                if (r, c) == (r0, c0) {
                    continue;
                }
                filled += 1;
                if filled > MAX_MERGE_FILL {
                    return Err(at_sheet(ImportErrorKind::SheetTooLarge));
                }
                grid.entry(r).or_default().insert(
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

    let rows = grid
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
    Ok(RawBlock {
        name: Some(name.to_string()),
        rows,
    })
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
