//! Our scan of an .ods `content.xml` before calamine reads it: the sheet-size limits (calamine
//! expands `number-rows-repeated`/`number-columns-repeated` up to a million rows, so a few bytes
//! of XML could ask for gigabytes) and the merged regions (`number-rows-spanned`/
//! `number-columns-spanned`), which calamine does not expose for ODS.

use std::collections::HashMap;

use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::ImportErrorKind;
use crate::limits::{MAX_SHEET_COLUMNS, MAX_SHEET_ROWS};

/// The part holding the sheets.
pub(crate) const CONTENT: &str = "content.xml";

/// Where the scan is inside one `table:table`.
#[derive(Debug, Default)]
struct TableAt {
    name: String,
    /// 0-based index of the current row's first repetition.
    row: u64,
    /// How many times the current row repeats.
    row_repeats: u64,
    /// 0-based column of the next cell in the current row.
    col: u64,
}

/// The merged regions of each top-level sheet, by sheet name; an error when the XML is
/// malformed, declares entities, or puts content beyond [`MAX_SHEET_ROWS`] ×
/// [`MAX_SHEET_COLUMNS`].
pub(crate) fn scan(xml: &[u8]) -> Result<HashMap<String, Vec<Dimensions>>, ImportErrorKind> {
    let malformed = |detail: String, position: u64| ImportErrorKind::MalformedXml {
        part: CONTENT.into(),
        detail,
        position,
    };
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let text = std::str::from_utf8(xml)
        .map_err(|e| malformed(format!("不是 UTF-8 编码：{e}"), e.valid_up_to() as u64))?;
    let mut reader = Reader::from_str(text);
    let mut tables: Vec<TableAt> = Vec::new();
    let mut merges: HashMap<String, Vec<Dimensions>> = HashMap::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(e.to_string(), reader.error_position()))?;
        let at = reader.buffer_position();
        let attr_err = |e: quick_xml::Error| match e {
            quick_xml::Error::Escape(esc) => ImportErrorKind::XmlEntity {
                part: CONTENT.into(),
                what: esc.to_string(),
            },
            other => malformed(other.to_string(), at),
        };
        match event {
            Event::DocType(_) => {
                return Err(ImportErrorKind::XmlEntity {
                    part: CONTENT.into(),
                    what: "DOCTYPE".into(),
                });
            }
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                let name = attr(&e, "table:name").map_err(attr_err)?;
                tables.push(TableAt {
                    name: name.unwrap_or_default(),
                    ..TableAt::default()
                });
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                tables.pop();
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(t) = tables.last_mut() {
                    t.row_repeats = repeats(&e, "table:number-rows-repeated").map_err(attr_err)?;
                    t.col = 0;
                }
            }
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(t) = tables.last_mut() {
                    let n = repeats(&e, "table:number-rows-repeated").map_err(attr_err)?;
                    t.row = t.row.saturating_add(n);
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(t) = tables.last_mut() {
                    t.row = t.row.saturating_add(t.row_repeats);
                    t.row_repeats = 0;
                }
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let has_children = matches!(event, Event::Start(_));
                let depth = tables.len();
                let Some(t) = tables.last_mut() else { continue };
                let n = repeats(e, "table:number-columns-repeated").map_err(attr_err)?;
                let content = has_children
                    || attr(e, "office:value-type").map_err(attr_err)?.is_some()
                    || attr(e, "table:formula").map_err(attr_err)?.is_some();
                if content {
                    let last_row = t.row.saturating_add(t.row_repeats.max(1) - 1);
                    let last_col = t.col.saturating_add(n - 1);
                    if last_row >= MAX_SHEET_ROWS as u64 || last_col >= MAX_SHEET_COLUMNS as u64 {
                        return Err(ImportErrorKind::SheetTooLarge);
                    }
                }
                let rows = repeats(e, "table:number-rows-spanned").map_err(attr_err)?;
                let cols = repeats(e, "table:number-columns-spanned").map_err(attr_err)?;
                if depth == 1 && (rows > 1 || cols > 1) && t.row < MAX_SHEET_ROWS as u64 {
                    let start = (t.row as u32, t.col.min(u32::MAX as u64) as u32);
                    let clamp = |v: u64, max: usize| v.min(max as u64) as u32;
                    let end = (
                        clamp(t.row.saturating_add(rows - 1), MAX_SHEET_ROWS),
                        clamp(t.col.saturating_add(cols - 1), MAX_SHEET_COLUMNS),
                    );
                    merges
                        .entry(t.name.clone())
                        .or_default()
                        .push(Dimensions { start, end });
                }
                t.col = t.col.saturating_add(n);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(merges)
}

/// An attribute's unescaped value.
fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, quick_xml::Error> {
    for a in e.attributes() {
        let a = a?;
        if a.key.as_ref() == name {
            return Ok(Some(
                a.normalized_value(XmlVersion::Implicit1_0)?.into_owned(),
            ));
        }
    }
    Ok(None)
}

/// A repeat or span count: 1 when absent, at least 1, and unreadable counts are 1 (calamine
/// refuses them itself; here only an upper bound matters).
fn repeats(e: &BytesStart<'_>, name: &str) -> Result<u64, quick_xml::Error> {
    Ok(attr(e, name)?
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="表1">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    const CELL: &str =
        r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#;

    #[test]
    fn spans_become_merged_regions_at_positions_counted_through_repeats() {
        let xml = content(&format!(
            r#"<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell table:number-rows-spanned="3" table:number-columns-spanned="2" office:value-type="string"><text:p>甲</text:p></table:table-cell><table:covered-table-cell/>{CELL}</table:table-row>"#
        ));
        let merges = scan(xml.as_bytes()).unwrap();
        assert_eq!(
            merges["表1"],
            [Dimensions {
                start: (2, 2),
                end: (4, 3)
            }]
        );
    }

    #[test]
    fn content_beyond_the_sheet_limits_is_refused_and_empty_repeats_are_not() {
        for (rows, too_large) in [
            // LibreOffice's filler: a million empty rows of 1024 empty cells.
            (
                format!(
                    r#"<table:table-row>{CELL}</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#
                ),
                false,
            ),
            (
                format!(
                    r#"<table:table-row table:number-rows-repeated="20000">{CELL}</table:table-row>"#
                ),
                false,
            ),
            (
                format!(
                    r#"<table:table-row table:number-rows-repeated="20001">{CELL}</table:table-row>"#
                ),
                true,
            ),
            (
                format!(
                    r#"<table:table-row table:number-rows-repeated="30000"><table:table-cell/></table:table-row><table:table-row>{CELL}</table:table-row>"#
                ),
                true,
            ),
            (
                format!(
                    r#"<table:table-row><table:table-cell table:number-columns-repeated="100"/>{CELL}</table:table-row>"#
                ),
                true,
            ),
        ] {
            let got = scan(content(&rows).as_bytes());
            assert_eq!(
                matches!(got, Err(ImportErrorKind::SheetTooLarge)),
                too_large,
                "{rows}: {got:?}"
            );
        }
    }

    #[test]
    fn doctype_unknown_entities_and_broken_xml_are_errors() {
        let cases: [(Vec<u8>, bool); 4] = [
            (
                br#"<!DOCTYPE x [<!ENTITY a "b">]><table:table table:name="a"/>"#.to_vec(),
                true,
            ),
            (br#"<table:table table:name="&lol;">"#.to_vec(), true),
            (content("<table:table-row>").into_bytes(), false),
            (b"\xFF not UTF-8".to_vec(), false),
        ];
        for (xml, entity) in cases {
            let shown = String::from_utf8_lossy(&xml).into_owned();
            match scan(&xml) {
                Err(ImportErrorKind::XmlEntity { .. }) => assert!(entity, "{shown}"),
                Err(ImportErrorKind::MalformedXml { .. }) => assert!(!entity, "{shown}"),
                other => panic!("{shown}: {other:?}"),
            }
        }
    }
}
