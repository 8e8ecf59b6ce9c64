//! The text forms: .txt (the seed's layout), CSV (data) and printable HTML.

use std::fmt::Write as _;

use super::{
    ExportTable, Extra, FIXED_HEADERS, cell_lines, clean, department_line, extra_text, fmt_number,
    fmt_points, fmt_score, fonts, one_line, run_starts, spans, total_score, total_weight,
};

/// Writes the table in the seed's text layout, the form Word saves a table as: the title line, a
/// blank line, the 主管部门 line, a blank line, then every cell on its own line starting with a
/// TAB, a blank line after each row. Merged 一级/二级 continuations are empty cells; a cell's
/// further lines follow without a TAB; the last row is 合计. Reads back with
/// [`crate::read_bytes`] to the same rows.
pub fn to_txt(t: &ExportTable) -> String {
    let extras = t.columns.list();
    let mut out = String::with_capacity(4_096 + t.rows.len() * 1_024);
    out.push_str(&one_line(&t.title));
    out.push_str("\n\n");
    out.push_str(&department_line(t));
    out.push_str("\n\n");
    let push_cell = |out: &mut String, text: &str| {
        let lines = cell_lines(text);
        out.push('\t');
        if let Some((first, rest)) = lines.split_first() {
            out.push_str(first);
            for l in rest {
                out.push('\n');
                out.push_str(l);
            }
        }
        out.push('\n');
    };
    for h in FIXED_HEADERS
        .iter()
        .copied()
        .chain(extras.iter().map(|e| e.header()))
    {
        push_cell(&mut out, h);
    }
    out.push('\n');
    for (r, (s1, s2)) in t.rows.iter().zip(run_starts(&t.rows)) {
        push_cell(&mut out, if s1 { &r.level1 } else { "" });
        push_cell(&mut out, if s2 { &r.level2 } else { "" });
        push_cell(&mut out, &r.task);
        push_cell(&mut out, &r.target);
        push_cell(&mut out, &r.progress);
        push_cell(&mut out, &fmt_points(r.weight));
        for e in &extras {
            push_cell(&mut out, &extra_text(r, *e));
        }
        out.push('\n');
    }
    push_cell(&mut out, "合计");
    for _ in 0..4 {
        push_cell(&mut out, "");
    }
    push_cell(&mut out, &fmt_points(total_weight(t)));
    for e in &extras {
        let text = match e {
            Extra::Score => total_score(t).map(fmt_score).unwrap_or_default(),
            _ => String::new(),
        };
        push_cell(&mut out, &text);
    }
    out
}

/// One CSV field, quoted when it holds a comma, quote or line break (RFC 4180: quotes doubled).
/// A text that Excel would take for a formula (starting with = + - @ or a TAB/CR) gets a leading
/// apostrophe, so opening the file runs nothing.
pub(crate) fn csv_field(out: &mut String, s: &str, is_text: bool) {
    let s = clean(s).replace('\n', "\r\n");
    let guarded = is_text && s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = guarded || s.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if guarded {
        out.push('\'');
    }
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

/// Writes the rows as CSV for data work: UTF-8 with a BOM (so Excel reads the Chinese), CRLF line
/// ends, RFC 4180 quoting. One header line (the six columns, then the chosen optional ones), then
/// one line per task with 一级/二级 on every line and numbers as plain numbers (weight 30, 完成率
/// 0.855); no title, department or 合计 line, so the file loads straight into a data tool.
pub fn to_csv(t: &ExportTable) -> Vec<u8> {
    let extras = t.columns.list();
    let mut out = String::from("\u{FEFF}");
    let headers: Vec<&str> = FIXED_HEADERS
        .iter()
        .copied()
        .chain(extras.iter().map(|e| e.header()))
        .collect();
    out.push_str(&headers.join(","));
    out.push_str("\r\n");
    for r in &t.rows {
        for (i, text) in [&r.level1, &r.level2, &r.task, &r.target, &r.progress]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                out.push(',');
            }
            csv_field(&mut out, text, true);
        }
        out.push(',');
        out.push_str(&fmt_number(r.weight));
        for e in &extras {
            out.push(',');
            match e {
                Extra::Completion => {
                    out.push_str(&r.completion.map(fmt_number).unwrap_or_default())
                }
                Extra::Status => csv_field(&mut out, r.status.as_deref().unwrap_or(""), true),
                Extra::Score => out.push_str(&r.score.map(fmt_score).unwrap_or_default()),
            }
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

pub(crate) fn html_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// A cell's text, escaped, its lines joined by `<br>`.
fn html_cell(out: &mut String, s: &str) {
    for (i, l) in cell_lines(s).iter().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        html_escape(out, l);
    }
}

/// Writes the table as a standalone printable HTML page: inline `<style>` with `@page { size: A4
/// landscape }`, the header in `<thead>` (browsers repeat it on every printed page), 一级/二级
/// merged with `rowspan`, the 合计 row, the government font names with fallbacks. Every text from
/// the table is escaped; the page loads nothing and runs no script.
pub fn to_html(t: &ExportTable) -> String {
    let extras = t.columns.list();
    let mut out = String::with_capacity(8_192 + t.rows.len() * 1_024);
    let title = one_line(&t.title);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
    );
    html_escape(&mut out, &title);
    let _ = write!(
        out,
        r#"</title>
<style>
@page {{ size: A4 landscape; margin: 15mm 12mm; }}
body {{ font-family: "{body}", "{body_fb}", FangSong, STFangsong, "Noto Serif CJK SC", serif; font-size: 10.5pt; color: #000; margin: 0; }}
h1 {{ font-family: "{title_f}", "{title_fb}", SimHei, "Noto Serif CJK SC", serif; font-weight: normal; font-size: 18pt; text-align: center; margin: 0 0 8pt; }}
p.dept {{ font-size: 12pt; margin: 0 0 6pt; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
th, td {{ border: 0.75pt solid #000; padding: 2pt 4pt; vertical-align: middle; line-height: 1.4; overflow-wrap: anywhere; }}
th, tr.total td.label {{ font-family: "{head}", SimHei, "Noto Sans CJK SC", sans-serif; font-weight: normal; text-align: center; }}
td.c {{ text-align: center; }}
thead {{ display: table-header-group; }}
</style>
</head>
<body>
<h1>"#,
        body = fonts::BODY,
        body_fb = fonts::BODY_FALLBACK,
        title_f = fonts::TITLE,
        title_fb = fonts::TITLE_FALLBACK,
        head = fonts::HEADER,
    );
    html_escape(&mut out, &title);
    out.push_str("</h1>\n<p class=\"dept\">");
    html_escape(&mut out, &department_line(t));
    out.push_str("</p>\n<table>\n<colgroup>");
    // Percentages of the width, as the .docx grid shares the page.
    let mut widths = vec![9.5, 8.0, 12.0, 0.0, 0.0, 7.0];
    widths.extend(extras.iter().map(|e| match e {
        Extra::Completion => 6.5,
        Extra::Status => 7.5,
        Extra::Score => 6.0,
    }));
    let rest = (100.0 - widths.iter().sum::<f64>()).max(20.0);
    widths[3] = rest * 0.45;
    widths[4] = rest * 0.55;
    for w in &widths {
        let _ = write!(out, "<col style=\"width:{w:.1}%\">");
    }
    out.push_str("</colgroup>\n<thead><tr>");
    for h in FIXED_HEADERS
        .iter()
        .copied()
        .chain(extras.iter().map(|e| e.header()))
    {
        out.push_str("<th>");
        out.push_str(h);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let (spans1, spans2) = spans(&t.rows);
    for (i, r) in t.rows.iter().enumerate() {
        out.push_str("<tr>");
        for (spans, text) in [(&spans1, &r.level1), (&spans2, &r.level2)] {
            if let Some(s) = spans.iter().find(|s| s.start == i) {
                if s.len > 1 {
                    let _ = write!(out, "<td class=\"c\" rowspan=\"{}\">", s.len);
                } else {
                    out.push_str("<td class=\"c\">");
                }
                html_cell(&mut out, text);
                out.push_str("</td>");
            }
        }
        for text in [&r.task, &r.target, &r.progress] {
            out.push_str("<td>");
            html_cell(&mut out, text);
            out.push_str("</td>");
        }
        out.push_str("<td class=\"c\">");
        html_escape(&mut out, &fmt_points(r.weight));
        out.push_str("</td>");
        for e in &extras {
            out.push_str("<td class=\"c\">");
            html_cell(&mut out, &extra_text(r, *e));
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("<tr class=\"total\"><td class=\"label\" colspan=\"5\">合计</td><td class=\"c\">");
    html_escape(&mut out, &fmt_points(total_weight(t)));
    out.push_str("</td>");
    for e in &extras {
        out.push_str("<td class=\"c\">");
        if *e == Extra::Score
            && let Some(v) = total_score(t)
        {
            html_escape(&mut out, &fmt_score(v));
        }
        out.push_str("</td>");
    }
    out.push_str("</tr>\n</tbody>\n</table>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{ExportRow, ExtraColumns};

    fn row(l1: &str, l2: &str, task: &str, w: f64) -> ExportRow {
        ExportRow {
            level1: l1.into(),
            level2: l2.into(),
            task: task.into(),
            target: "目标".into(),
            progress: "进度".into(),
            weight: w,
            ..ExportRow::default()
        }
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        let mut t = ExportTable::default();
        t.rows.push(row("甲", "子", "a,\"b\"\nc", 30.0));
        t.rows[0].target = "=1+1".into();
        t.rows[0].progress = "-5%".into();
        let csv = String::from_utf8(to_csv(&t)).unwrap();
        assert!(
            csv.starts_with(
                "\u{FEFF}一级指标,二级指标,任务要点名称,年度目标,进度情况,分值权重\r\n"
            )
        );
        assert!(
            csv.contains("甲,子,\"a,\"\"b\"\"\r\nc\",\"'=1+1\",\"'-5%\",30\r\n"),
            "{csv}"
        );
    }

    #[test]
    fn csv_writes_the_chosen_optional_columns_as_plain_numbers() {
        let mut t = ExportTable::default();
        let mut r = row("甲", "子", "一", 12.5);
        r.completion = Some(0.855);
        r.status = Some("滞后".into());
        t.rows.push(r);
        t.rows.push(row("甲", "子", "二", 10.0));
        t.columns = ExtraColumns {
            completion: true,
            status: true,
            score: true,
        };
        let csv = String::from_utf8(to_csv(&t)).unwrap();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].ends_with(",分值权重,完成率,状态,得分"));
        assert_eq!(lines[1], "甲,子,一,目标,进度,12.5,0.855,滞后,");
        assert_eq!(lines[2], "甲,子,二,目标,进度,10,,,");
    }

    #[test]
    fn html_escapes_every_text_and_merges_with_rowspan() {
        let mut t = ExportTable {
            title: "<script>alert(1)</script>".into(),
            department: "A&B".into(),
            ..ExportTable::default()
        };
        t.rows.push(row("甲", "子", "<b>一</b>", 30.0));
        t.rows.push(row("甲", "丑", "二'\"", 20.0));
        let html = to_html(&t);
        assert!(!html.contains("<script>") && !html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;") && html.contains("A&amp;B"));
        assert!(html.contains("二&#39;&quot;"));
        assert!(html.contains("rowspan=\"2\">甲</td>"));
        assert_eq!(html.matches("rowspan").count(), 1);
        assert!(html.contains("colspan=\"5\">合计</td><td class=\"c\">50分</td>"));
        assert!(html.contains("size: A4 landscape") && html.contains("<thead>"));
    }

    #[test]
    fn txt_leaves_merged_cells_empty_and_puts_further_lines_without_a_tab() {
        let mut t = ExportTable {
            title: "标题\n续".into(),
            department: "某局".into(),
            ..ExportTable::default()
        };
        t.rows.push(row("甲", "子", "妇女技能\n培训工作", 30.0));
        t.rows.push(row("甲", "子", "二", 20.0));
        let txt = to_txt(&t);
        assert!(txt.starts_with("标题 续\n\n主管部门：某局\n\n\t一级指标\n"));
        assert!(txt.contains("\t妇女技能\n培训工作\n"));
        assert!(txt.contains("\n\n\t\n\t\n\t二\n"));
        assert!(txt.ends_with("\t合计\n\t\n\t\n\t\n\t\n\t50分\n"));
    }
}
