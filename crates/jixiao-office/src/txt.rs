//! The .txt form: the text Word writes for a table (TAB-led cell lines, blank-line rows), in
//! UTF-8, UTF-16 (with BOM) or GB18030/GBK.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use crate::table::{RawBlock, RawCell, RawDoc, RawRow, Source, column_of, num_column_of};
use crate::{Column, ImportError, ImportErrorKind, Location, Warning};

/// Decodes the bytes to text: BOM first, then strict UTF-8, then chardetng's guess if it is a
/// Chinese encoding. Never returns replacement characters.
pub(crate) fn decode(file: &str, bytes: &[u8]) -> Result<String, ImportError> {
    let fail = |detail: String| ImportError::at_file(file, ImportErrorKind::Undecodable { detail });
    let (encoding, body): (&'static Encoding, &[u8]) = if let Some(rest) =
        bytes.strip_prefix(b"\xEF\xBB\xBF")
    {
        (UTF_8, rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (UTF_16BE, rest)
    } else if std::str::from_utf8(bytes).is_ok() {
        (UTF_8, bytes)
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
        if guess == encoding_rs::GBK || guess == GB18030 {
            (GB18030, bytes)
        } else if guess == encoding_rs::BIG5 {
            (guess, bytes)
        } else {
            return Err(fail(format!(
                "不是 UTF-8，也不像 GBK/GB18030，更像 {}",
                guess.name()
            )));
        }
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        return Err(fail(format!("按 {} 解码时有无效字节", encoding.name())));
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    {
        return Err(fail(format!(
            "含有控制字符 U+{:04X}，不像文本文件",
            c as u32
        )));
    }
    Ok(text.into_owned())
}

/// Joins a continuation onto a cell: directly (Chinese), with a space only between two ASCII
/// letters/digits.
pub(crate) fn join_onto(cell: &mut String, more: &str) {
    let more = more.trim();
    if more.is_empty() {
        return;
    }
    if cell
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && more
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        cell.push(' ');
    }
    cell.push_str(more);
}

/// Reads the .txt form into cells.
pub(crate) fn read(file: &str, bytes: &[u8]) -> Result<RawDoc, ImportError> {
    let text = decode(file, bytes)?;
    Ok(parse(file, &text))
}

/// A line of TAB-separated cells that names at least one column the reader knows (a task, a
/// target, a progress, a weight, a completion rate …): a header copied from Excel. A header
/// whose task column has an unknown name is still a header, so the error can name its cells
/// (and a column mapping can name the task).
fn is_tsv_header(line: &str) -> bool {
    let cells: Vec<&str> = line.split('\t').collect();
    cells.len() >= 3
        && cells
            .iter()
            .any(|c| column_of(c).is_some() || num_column_of(c).is_some())
}

/// Splits decoded text into preamble lines and rows of cells.
pub(crate) fn parse(file: &str, text: &str) -> RawDoc {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut preamble = Vec::new();
    let mut warnings = Vec::new();
    let first_cell = lines
        .iter()
        .position(|l| l.starts_with('\t') || is_tsv_header(l))
        .unwrap_or(lines.len());
    for (i, l) in lines[..first_cell].iter().enumerate() {
        if !l.trim().is_empty() {
            preamble.push((l.trim().to_string(), i + 1));
        }
    }

    let mut rows: Vec<RawRow> = Vec::new();
    if lines.get(first_cell).is_some_and(|l| {
        is_tsv_header(l.trim_start_matches('\t')) && l.trim_start_matches('\t').contains('\t')
    }) {
        // One row per line, cells separated by TABs (copied from Excel).
        for (i, l) in lines.iter().enumerate().skip(first_cell) {
            if l.trim().is_empty() {
                continue;
            }
            let pos = i + 1;
            let cells = l
                .split('\t')
                .map(|c| RawCell {
                    text: c.trim().to_string(),
                    pos,
                    merged: false,
                })
                .collect();
            rows.push(RawRow { pos, cells });
        }
    } else {
        let mut current: Vec<RawCell> = Vec::new();
        let mut after_blank = false;
        for (i, l) in lines.iter().enumerate().skip(first_cell) {
            let pos = i + 1;
            if let Some(cell) = l.strip_prefix('\t') {
                current.push(RawCell {
                    text: cell.trim().to_string(),
                    pos,
                    merged: false,
                });
                after_blank = false;
            } else if l.trim().is_empty() {
                if !current.is_empty() {
                    let pos = current[0].pos;
                    rows.push(RawRow {
                        pos,
                        cells: std::mem::take(&mut current),
                    });
                }
                after_blank = true;
            } else if let (false, Some(last)) = (after_blank, current.last_mut()) {
                join_onto(&mut last.text, l);
            } else {
                warnings.push(Warning {
                    location: Location {
                        row: Some(pos),
                        ..Location::file(file)
                    },
                    message: format!(
                        "这一行不在表格里（行首不是制表符），已忽略：「{}」",
                        l.trim()
                    ),
                });
            }
        }
        if !current.is_empty() {
            let pos = current[0].pos;
            rows.push(RawRow {
                pos,
                cells: current,
            });
        }
        rows = split_run_together_rows(rows);
    }

    RawDoc {
        file: file.to_string(),
        source: Source::Txt,
        preamble,
        blocks: vec![RawBlock { name: None, rows }],
        warnings,
    }
}

/// When rows are not separated by blank lines, a "row" holds several rows' cells; split it by the
/// header's width when its length is an exact multiple.
fn split_run_together_rows(rows: Vec<RawRow>) -> Vec<RawRow> {
    let Some(width) = rows
        .iter()
        .find(|r| {
            r.cells
                .iter()
                .any(|c| column_of(&c.text) == Some(Column::Task))
        })
        .map(|r| {
            // The header is the part of its row up to the last header name.
            let last = r
                .cells
                .iter()
                .rposition(|c| column_of(&c.text).is_some())
                .unwrap_or(0);
            last + 1
        })
    else {
        return rows;
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if width > 1 && row.cells.len() > width && row.cells.len() % width == 0 {
            for chunk in row.cells.chunks(width) {
                out.push(RawRow {
                    pos: chunk[0].pos,
                    cells: chunk.to_vec(),
                });
            }
        } else {
            out.push(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &RawDoc) -> Vec<Vec<&str>> {
        doc.blocks[0]
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn cells_are_tab_led_lines_and_rows_end_at_blank_lines() {
        let doc = parse(
            "t.txt",
            "标题\n\n主管部门：甲\n\n\t任务名称\n\t分值\n\n\n\n\t任务一\n\t30分 \n",
        );
        assert_eq!(
            texts(&doc),
            [vec!["任务名称", "分值"], vec!["任务一", "30分"]]
        );
        assert_eq!(
            doc.preamble,
            [("标题".to_string(), 1), ("主管部门：甲".to_string(), 3)]
        );
        assert_eq!(doc.blocks[0].rows[1].pos, 10);
        assert_eq!(doc.blocks[0].rows[1].cells[1].pos, 11);
    }

    #[test]
    fn a_line_without_tab_continues_the_cell_without_a_separator() {
        let doc = parse(
            "t.txt",
            "\t任务名称\n\t分值\n\n\t妇女技能\n培训工作\n\t30分\n",
        );
        assert_eq!(texts(&doc)[1], ["妇女技能培训工作", "30分"]);
    }

    #[test]
    fn continuation_between_ascii_words_keeps_a_space() {
        let mut s = "Project".to_string();
        join_onto(&mut s, "Alpha ");
        assert_eq!(s, "Project Alpha");
        let mut s = "第1".to_string();
        join_onto(&mut s, "期");
        assert_eq!(s, "第1期");
    }

    #[test]
    fn a_stray_line_after_a_blank_line_is_ignored_with_a_warning() {
        let doc = parse("t.txt", "\t任务名称\n\t分值\n\n续表\n\t任务一\n\t30分\n");
        assert_eq!(texts(&doc).len(), 2);
        assert_eq!(doc.warnings.len(), 1);
        assert_eq!(doc.warnings[0].location.row, Some(4));
    }

    #[test]
    fn rows_run_together_without_blank_lines_are_split_by_the_header_width() {
        let doc = parse(
            "t.txt",
            "\t任务名称\n\t分值\n\n\t任务一\n\t30分\n\t任务二\n\t20分\n",
        );
        assert_eq!(
            texts(&doc),
            [
                vec!["任务名称", "分值"],
                vec!["任务一", "30分"],
                vec!["任务二", "20分"]
            ]
        );
    }

    #[test]
    fn tab_separated_rows_one_per_line_are_read_too() {
        let doc = parse(
            "t.txt",
            "标题\n任务名称\t年度目标\t分值\n任务一\t目标\t30分\n",
        );
        assert_eq!(
            texts(&doc),
            [
                vec!["任务名称", "年度目标", "分值"],
                vec!["任务一", "目标", "30分"]
            ]
        );
    }

    #[test]
    fn utf8_with_and_without_bom_utf16_and_gb18030_decode_to_the_same_text() {
        let text = "主管部门：枣庄市妇联\n\t“十四五”妇女儿童发展规划";
        let (gb, _, _) = GB18030.encode(text);
        let mut utf16le = vec![0xFF, 0xFE];
        utf16le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        for bytes in [text.as_bytes().to_vec(), bom, utf16le, gb.into_owned()] {
            assert_eq!(decode("t.txt", &bytes).unwrap(), text);
        }
    }

    #[test]
    fn a_short_gbk_table_is_still_recognised_as_gbk() {
        for text in [
            "\t任务名称\n\t分值\n\n\t妇女技能培训工作\n\t30分\n",
            "主管部门：枣庄市妇联\n\t一级指标\n\t任务要点名称\n\t分值权重\n",
        ] {
            let (gbk, _, _) = encoding_rs::GBK.encode(text);
            assert_eq!(decode("t.txt", &gbk).unwrap(), text);
        }
    }

    #[test]
    fn binary_garbage_is_refused_rather_than_decoded_to_mojibake() {
        let garbage: Vec<u8> = (0..2000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let err = decode("t.txt", &garbage).unwrap_err();
        assert!(
            matches!(err.kind, ImportErrorKind::Undecodable { .. }),
            "{err}"
        );
        assert!(err.to_string().starts_with("t.txt："), "{err}");
    }
}
