//! The .docx form: `word/document.xml` read with quick-xml — paragraphs before the first table,
//! and the cells of every top-level table with vertical merges filled.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use crate::table::{RawBlock, RawCell, RawDoc, RawRow, Source};
use crate::txt::join_onto;
use crate::{FileFormat, ImportError, ImportErrorKind, zipguard};

const DOCUMENT: &str = "word/document.xml";
/// A cell spanning more grid columns than this is treated as spanning this many.
const MAX_GRID_SPAN: usize = 64;

/// Reads the .docx form into cells.
pub(crate) fn read(file: &str, bytes: &[u8]) -> Result<RawDoc, ImportError> {
    let mut archive = zipguard::open(file, bytes)?;
    let Some(xml) = zipguard::read_entry(file, &mut archive, DOCUMENT)? else {
        if archive.index_for_name("xl/workbook.xml").is_some() {
            return Err(ImportError::at_file(
                file,
                ImportErrorKind::FormatMismatch {
                    extension: "docx".into(),
                    actual: FileFormat::Xlsx,
                },
            ));
        }
        return Err(ImportError::at_file(
            file,
            ImportErrorKind::MissingPart {
                part: DOCUMENT.into(),
            },
        ));
    };
    let parsed = parse_document(&xml).map_err(|kind| ImportError::at_file(file, kind))?;
    if parsed.tables.is_empty() {
        return Err(ImportError::at_file(file, ImportErrorKind::NoTable));
    }
    Ok(RawDoc {
        file: file.to_string(),
        source: Source::Docx,
        preamble: parsed.preamble,
        blocks: parsed
            .tables
            .into_iter()
            .enumerate()
            .map(|(i, t)| to_block(i, t))
            .collect(),
        warnings: Vec::new(),
    })
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum VMerge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Debug, Default)]
struct Tc {
    text: String,
    span: usize,
    vmerge: VMerge,
}

#[derive(Debug, Default)]
struct Tr {
    grid_before: usize,
    cells: Vec<Tc>,
}

#[derive(Debug, Default)]
struct Parsed {
    preamble: Vec<(String, usize)>,
    tables: Vec<Vec<Tr>>,
}

fn to_block(index: usize, table: Vec<Tr>) -> RawBlock {
    let mut above: Vec<String> = Vec::new();
    let mut rows = Vec::with_capacity(table.len());
    for (r, tr) in table.into_iter().enumerate() {
        let pos = r + 1;
        let mut cells: Vec<RawCell> = (0..tr.grid_before)
            .map(|_| RawCell {
                pos,
                ..RawCell::default()
            })
            .collect();
        for tc in tr.cells {
            let col = cells.len();
            let (text, merged) = match tc.vmerge {
                VMerge::Continue => (above.get(col).cloned().unwrap_or_default(), true),
                _ => (tc.text, false),
            };
            // The grid columns a cell spans carry its text, as calamine fills a merged region
            // of a sheet: a header over a group of columns names each of them.
            for k in 0..tc.span.clamp(1, MAX_GRID_SPAN) {
                cells.push(RawCell {
                    text: text.clone(),
                    pos,
                    merged: merged || k > 0,
                });
            }
        }
        above = cells.iter().map(|c| c.text.clone()).collect();
        rows.push(RawRow { pos, cells });
    }
    RawBlock {
        name: Some(format!("表格{}", index + 1)),
        rows,
    }
}

fn val_attr(e: &BytesStart<'_>) -> Result<Option<String>, quick_xml::Error> {
    for attr in e.attributes() {
        let attr = attr?;
        if attr.key.local_name().as_ref() == "val" {
            return Ok(Some(
                attr.normalized_value(XmlVersion::Implicit1_0)?.into_owned(),
            ));
        }
    }
    Ok(None)
}

/// The parser's state while walking the events.
#[derive(Default)]
struct Walk {
    out: Parsed,
    /// Nesting of `w:tbl`: rows and cells are those of depth 1; nested tables are text.
    tbl_depth: usize,
    table: Vec<Tr>,
    row: Option<Tr>,
    cell: Option<(Tc, Vec<String>)>,
    /// The current paragraph, in pieces split by `w:br`.
    para: Vec<String>,
    in_run: bool,
    in_text: bool,
    /// Inside content read elsewhere or not at all (`mc:Fallback`, text boxes): its depth.
    skip: usize,
    body_paragraphs: usize,
}

impl Walk {
    fn text(&mut self, s: &str) {
        if self.in_text && self.skip == 0 {
            match self.para.last_mut() {
                Some(p) => p.push_str(s),
                None => self.para.push(s.to_string()),
            }
        }
    }

    fn end_paragraph(&mut self) {
        let mut text = String::new();
        for piece in self.para.drain(..) {
            join_onto(&mut text, &piece);
        }
        if self.tbl_depth > 0 {
            if let Some((_, paras)) = self.cell.as_mut() {
                paras.push(text);
            }
        } else {
            self.body_paragraphs += 1;
            if self.out.tables.is_empty() && !text.is_empty() {
                self.out.preamble.push((text, self.body_paragraphs));
            }
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), quick_xml::Error> {
        let name = e.local_name();
        let name = name.as_ref();
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return Ok(());
        }
        match name {
            "Fallback" | "txbxContent" if !empty => self.skip = 1,
            "tbl" if !empty => self.tbl_depth += 1,
            "tr" if self.tbl_depth == 1 => {
                self.row = Some(Tr::default());
                if empty {
                    self.end_row();
                }
            }
            "tc" if self.tbl_depth == 1 => {
                self.cell = Some((
                    Tc {
                        span: 1,
                        ..Tc::default()
                    },
                    Vec::new(),
                ));
                if empty {
                    self.end_cell();
                }
            }
            "gridSpan" if self.tbl_depth == 1 => {
                if let Some((tc, _)) = self.cell.as_mut() {
                    tc.span = val_attr(e)?
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(1);
                }
            }
            "gridBefore" if self.tbl_depth == 1 => {
                if let Some(tr) = self.row.as_mut() {
                    tr.grid_before = val_attr(e)?
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0)
                        .min(MAX_GRID_SPAN);
                }
            }
            "vMerge" if self.tbl_depth == 1 => {
                if let Some((tc, _)) = self.cell.as_mut() {
                    tc.vmerge = match val_attr(e)?.as_deref() {
                        Some("restart") => VMerge::Restart,
                        _ => VMerge::Continue,
                    };
                }
            }
            "p" => {
                self.para.clear();
                if empty {
                    self.end_paragraph();
                }
            }
            "r" if !empty => self.in_run = true,
            "t" if !empty && self.in_run => self.in_text = true,
            "tab" if self.in_run => {
                self.in_text = true;
                self.text(" ");
                self.in_text = false;
            }
            "br" | "cr" if self.in_run => self.para.push(String::new()),
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "tbl" => {
                if self.tbl_depth == 1 {
                    let table = std::mem::take(&mut self.table);
                    self.out.tables.push(table);
                }
                self.tbl_depth = self.tbl_depth.saturating_sub(1);
            }
            "tr" if self.tbl_depth == 1 => self.end_row(),
            "tc" if self.tbl_depth == 1 => self.end_cell(),
            "p" => self.end_paragraph(),
            "r" => self.in_run = false,
            "t" => self.in_text = false,
            _ => {}
        }
    }

    fn end_cell(&mut self) {
        if let Some((mut tc, paras)) = self.cell.take() {
            for p in &paras {
                join_onto(&mut tc.text, p);
            }
            if let Some(tr) = self.row.as_mut() {
                tr.cells.push(tc);
            }
        }
    }

    fn end_row(&mut self) {
        if let Some(tr) = self.row.take() {
            self.table.push(tr);
        }
    }
}

const PREDEFINED: [(&str, char); 5] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
];

fn parse_document(xml: &[u8]) -> Result<Parsed, ImportErrorKind> {
    let malformed = |detail: String, position: u64| ImportErrorKind::MalformedXml {
        part: DOCUMENT.into(),
        detail,
        position,
    };
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let text = std::str::from_utf8(xml)
        .map_err(|e| malformed(format!("不是 UTF-8 编码：{e}"), e.valid_up_to() as u64))?;
    let mut reader = Reader::from_str(text);
    let mut walk = Walk::default();
    let mut open = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(e.to_string(), reader.error_position()))?;
        let at = reader.buffer_position();
        let attr_err = |e: quick_xml::Error| match e {
            quick_xml::Error::Escape(esc) => ImportErrorKind::XmlEntity {
                part: DOCUMENT.into(),
                what: esc.to_string(),
            },
            other => malformed(other.to_string(), at),
        };
        match event {
            Event::Start(e) => {
                open += 1;
                walk.start(&e, false).map_err(attr_err)?;
            }
            Event::Empty(e) => walk.start(&e, true).map_err(attr_err)?,
            Event::End(e) => {
                open = open.saturating_sub(1);
                walk.end(e.local_name().as_ref());
            }
            Event::Text(t) => walk.text(&t.xml10_content()),
            Event::CData(c) => walk.text(&c.xml10_content()),
            Event::GeneralRef(r) => {
                let ch = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    PREDEFINED.iter().find(|(n, _)| **n == *r).map(|(_, c)| *c)
                };
                let Some(ch) = ch else {
                    return Err(ImportErrorKind::XmlEntity {
                        part: DOCUMENT.into(),
                        what: format!("&{};", &*r),
                    });
                };
                walk.text(ch.encode_utf8(&mut [0; 4]));
            }
            Event::DocType(_) => {
                return Err(ImportErrorKind::XmlEntity {
                    part: DOCUMENT.into(),
                    what: "DOCTYPE".into(),
                });
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if open != 0 {
        return Err(malformed(
            "文件在元素闭合之前就结束了".into(),
            reader.buffer_position(),
        ));
    }
    Ok(walk.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        )
    }

    fn cell(text: &str, props: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }

    fn texts(block: &RawBlock) -> Vec<Vec<(&str, bool)>> {
        block
            .rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| (c.text.as_str(), c.merged))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn vertical_merge_continuations_take_the_text_of_the_cell_above() {
        let xml = doc(&format!(
            "<w:p><w:r><w:t>标题</w:t></w:r></w:p><w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell("甲", r#"<w:vMerge w:val="restart"/>"#),
            cell("一", ""),
            "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>",
            cell("二", ""),
        ));
        let parsed = parse_document(xml.as_bytes()).unwrap();
        assert_eq!(parsed.preamble, [("标题".to_string(), 1)]);
        let block = to_block(0, parsed.tables.into_iter().next().unwrap());
        assert_eq!(
            texts(&block),
            [
                vec![("甲", false), ("一", false)],
                vec![("甲", true), ("二", false)]
            ]
        );
        assert_eq!(block.name.as_deref(), Some("表格1"));
    }

    #[test]
    fn grid_span_fills_the_spanned_columns_and_grid_before_keeps_cells_in_their_grid_columns() {
        let xml = doc(&format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}</w:tr></w:tbl>",
            cell("合计", r#"<w:gridSpan w:val="2"/>"#),
            cell("400分", ""),
            cell("x", ""),
        ));
        let parsed = parse_document(xml.as_bytes()).unwrap();
        let block = to_block(0, parsed.tables.into_iter().next().unwrap());
        assert_eq!(
            texts(&block),
            [
                vec![("合计", false), ("合计", true), ("400分", false)],
                vec![("", false), ("x", false)]
            ]
        );
    }

    #[test]
    fn paragraphs_and_breaks_in_a_cell_join_like_txt_continuations_and_entities_resolve() {
        let xml = doc(
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>妇女技能</w:t></w:r></w:p><w:p><w:r><w:t>培训</w:t><w:br/><w:t>工作</w:t><w:tab/><w:t>&amp;&#x41;&lt;</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        let parsed = parse_document(xml.as_bytes()).unwrap();
        assert_eq!(parsed.tables[0][0].cells[0].text, "妇女技能培训工作 &A<");
    }

    #[test]
    fn nested_tables_text_boxes_and_fallbacks_do_not_make_rows_or_double_text() {
        let xml = doc(
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><mc:AlternateContent xmlns:mc=\"m\"><mc:Choice><w:t>选</w:t></mc:Choice><mc:Fallback><w:t>备</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        let parsed = parse_document(xml.as_bytes()).unwrap();
        assert_eq!(parsed.tables.len(), 1);
        assert_eq!(parsed.tables[0].len(), 1);
        assert_eq!(parsed.tables[0][0].cells.len(), 1);
        assert_eq!(parsed.tables[0][0].cells[0].text, "外内选");
    }

    type KindCheck = fn(&ImportErrorKind) -> bool;

    #[test]
    fn hostile_xml_is_an_error_not_a_panic() {
        let cases: [(&str, KindCheck); 5] = [
            (
                r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><w:document><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#,
                |k| matches!(k, ImportErrorKind::XmlEntity { what, .. } if what == "DOCTYPE"),
            ),
            (
                "<w:document><w:body><w:p><w:r><w:t>&lol;</w:t></w:r></w:p></w:body></w:document>",
                |k| matches!(k, ImportErrorKind::XmlEntity { what, .. } if what == "&lol;"),
            ),
            ("<w:document><w:body><w:p></w:body></w:document>", |k| {
                matches!(k, ImportErrorKind::MalformedXml { .. })
            }),
            ("<w:document><w:body><w:tbl><w:tr>", |k| {
                matches!(k, ImportErrorKind::MalformedXml { .. })
            }),
            (
                r#"<w:document><w:body><w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="&x;"/></w:tcPr></w:tc></w:tr></w:tbl></w:body></w:document>"#,
                |k| {
                    matches!(
                        k,
                        ImportErrorKind::XmlEntity { .. } | ImportErrorKind::MalformedXml { .. }
                    )
                },
            ),
        ];
        for (xml, ok) in cases {
            let err = parse_document(xml.as_bytes()).unwrap_err();
            assert!(ok(&err), "{xml}: {err:?}");
        }
        assert!(matches!(
            parse_document(b"<a>\xFF\xFE</a>").unwrap_err(),
            ImportErrorKind::MalformedXml { .. }
        ));
    }
}
