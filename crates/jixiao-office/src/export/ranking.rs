//! The ranking table (排名表) as .xlsx, .csv and printable .html: 名次, 类内名次, 单位, 单位类型,
//! 总分, 平均完成率, 待评项, 备注 (e.g. 一票否决).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use super::ExportError;
use super::text::{csv_field, html_escape};
use super::{fmt_number, fmt_percent, fmt_score};

/// A scheme's ranking for one period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RankingTable {
    /// The scheme's title.
    pub title: String,
    /// The period, e.g. "2022年全年".
    pub period_label: String,
    /// The units, best first.
    pub rows: Vec<RankingRow>,
}

/// One unit's place.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RankingRow {
    /// 名次 (competition ranking: 1, 2, 2, 4).
    pub rank: usize,
    /// 类内名次.
    pub type_rank: usize,
    /// 单位.
    pub unit: String,
    /// 单位类型.
    pub unit_type: String,
    /// 总分.
    pub total: f64,
    /// 平均完成率 as a fraction.
    pub mean_completion: Option<f64>,
    /// Tasks still waiting for a score.
    pub pending: usize,
    /// 备注: e.g. "一票否决（重大事故），等次不合格"; empty when nothing to note.
    pub note: String,
}

pub(crate) const HEADERS: [&str; 8] = [
    "名次",
    "类内名次",
    "单位",
    "单位类型",
    "总分",
    "平均完成率",
    "待评项",
    "备注",
];

impl RankingTable {
    /// The texts of the ranking in a [`super::Grid`] (no merged runs, no 合计), for the PDF.
    pub fn grid(&self) -> super::Grid {
        super::Grid {
            title: title_line(self),
            subtitle: String::new(),
            headers: HEADERS.to_vec(),
            rows: self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.rank.to_string(),
                        r.type_rank.to_string(),
                        r.unit.clone(),
                        r.unit_type.clone(),
                        fmt_number(r.total),
                        r.mean_completion.map(fmt_percent).unwrap_or_default(),
                        r.pending.to_string(),
                        r.note.clone(),
                    ]
                })
                .collect(),
            level1_runs: Vec::new(),
            level2_runs: Vec::new(),
            total: Vec::new(),
        }
    }
}

pub(crate) fn title_line(t: &RankingTable) -> String {
    format!("{}排名（{}）", t.title, t.period_label)
}

/// The ranking as CSV (UTF-8 with BOM, CRLF, RFC 4180), one line per unit.
pub fn ranking_to_csv(t: &RankingTable) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    out.push_str(&HEADERS.join(","));
    out.push_str("\r\n");
    for r in &t.rows {
        out.push_str(&format!("{},{},", r.rank, r.type_rank));
        csv_field(&mut out, &r.unit, true);
        out.push(',');
        csv_field(&mut out, &r.unit_type, true);
        out.push(',');
        out.push_str(&fmt_score(r.total));
        out.push(',');
        out.push_str(&r.mean_completion.map(fmt_number).unwrap_or_default());
        out.push_str(&format!(",{},", r.pending));
        csv_field(&mut out, &r.note, true);
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The ranking as a standalone printable HTML page (escaped, no script, nothing loaded).
pub fn ranking_to_html(t: &RankingTable) -> String {
    let mut out =
        String::from("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>");
    html_escape(&mut out, &title_line(t));
    out.push_str(
        "</title><style>@page{size:A4 portrait;margin:15mm}body{font-family:\"仿宋_GB2312\",\"仿宋\",\"FangSong\",serif}\
         h1{font-family:\"方正小标宋简体\",\"黑体\",\"SimHei\",serif;text-align:center;font-size:18pt}\
         table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:4px 6px}\
         th{font-family:\"黑体\",\"SimHei\",sans-serif}td.n{text-align:right}thead{display:table-header-group}</style>\
         </head><body><h1>",
    );
    html_escape(&mut out, &title_line(t));
    out.push_str("</h1><table><thead><tr>");
    for h in HEADERS {
        out.push_str("<th>");
        out.push_str(h);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        out.push_str(&format!(
            "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td>",
            r.rank, r.type_rank
        ));
        html_escape(&mut out, &r.unit);
        out.push_str("</td><td>");
        html_escape(&mut out, &r.unit_type);
        out.push_str(&format!(
            "</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>",
            fmt_score(r.total),
            r.mean_completion.map(fmt_percent).unwrap_or_default(),
            r.pending
        ));
        html_escape(&mut out, &r.note);
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table></body></html>");
    out
}

/// The ranking as an .xlsx sheet: title merged over the columns, header frozen and repeated on
/// printed pages, numbers as numbers.
pub fn ranking_to_xlsx(t: &RankingTable) -> Result<Vec<u8>, ExportError> {
    let x = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx(e.to_string());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("排名").map_err(x)?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_font_name("黑体")
        .set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_font_name("黑体")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let cell = Format::new()
        .set_font_name("仿宋_GB2312")
        .set_border(FormatBorder::Thin);
    let percent = cell.clone().set_num_format("0.0%");
    let points = cell.clone().set_num_format("0.00");
    sheet
        .merge_range(0, 0, 0, (HEADERS.len() - 1) as u16, &title_line(t), &title)
        .map_err(x)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet
            .write_string_with_format(1, c as u16, *h, &head)
            .map_err(x)?;
    }
    for (i, r) in t.rows.iter().enumerate() {
        let row = (i + 2) as u32;
        sheet
            .write_number_with_format(row, 0, r.rank as f64, &cell)
            .map_err(x)?;
        sheet
            .write_number_with_format(row, 1, r.type_rank as f64, &cell)
            .map_err(x)?;
        sheet
            .write_string_with_format(row, 2, &r.unit, &cell)
            .map_err(x)?;
        sheet
            .write_string_with_format(row, 3, &r.unit_type, &cell)
            .map_err(x)?;
        if r.total.is_finite() {
            sheet
                .write_number_with_format(row, 4, r.total, &points)
                .map_err(x)?;
        }
        match r.mean_completion.filter(|m| m.is_finite()) {
            Some(m) => sheet
                .write_number_with_format(row, 5, m, &percent)
                .map_err(x)?,
            None => sheet.write_blank(row, 5, &cell).map_err(x)?,
        };
        sheet
            .write_number_with_format(row, 6, r.pending as f64, &cell)
            .map_err(x)?;
        sheet
            .write_string_with_format(row, 7, &r.note, &cell)
            .map_err(x)?;
    }
    for (c, w) in [6.0, 8.0, 28.0, 14.0, 10.0, 12.0, 8.0, 30.0]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, w).map_err(x)?;
    }
    sheet.set_freeze_panes(2, 0).map_err(x)?;
    sheet.set_repeat_rows(1, 1).map_err(x)?;
    sheet.set_paper_size(9);
    book.save_to_buffer().map_err(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RankingTable {
        RankingTable {
            title: "2023年度考核".into(),
            period_label: "2023年全年".into(),
            rows: vec![
                RankingRow {
                    rank: 1,
                    type_rank: 1,
                    unit: "乙单位".into(),
                    unit_type: "政府部门".into(),
                    total: 100.0,
                    mean_completion: Some(1.5),
                    pending: 0,
                    note: String::new(),
                },
                RankingRow {
                    rank: 2,
                    type_rank: 1,
                    unit: "=cmd|' /C calc'!A0".into(),
                    unit_type: "<b>党群</b>".into(),
                    total: 54.5,
                    mean_completion: None,
                    pending: 2,
                    note: "一票否决（重大事故）".into(),
                },
            ],
        }
    }

    #[test]
    fn the_ranking_csv_has_a_line_per_unit_and_guards_formulas() {
        let csv = String::from_utf8(ranking_to_csv(&table())).unwrap();
        let lines: Vec<&str> = csv.trim_start_matches('\u{FEFF}').lines().collect();
        assert_eq!(
            lines[0],
            "名次,类内名次,单位,单位类型,总分,平均完成率,待评项,备注"
        );
        assert_eq!(lines[1], "1,1,乙单位,政府部门,100.00,1.5,0,");
        assert!(lines[2].starts_with("2,1,\"'=cmd"), "{}", lines[2]);
        assert!(
            lines[2].ends_with(",2,一票否决（重大事故）"),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn the_ranking_html_escapes_names() {
        let html = ranking_to_html(&table());
        assert!(html.contains("&lt;b&gt;党群&lt;/b&gt;"));
        assert!(html.contains("150%") && html.contains("2023年度考核排名（2023年全年）"));
    }

    #[test]
    fn the_ranking_docx_has_a_row_per_unit_with_the_note() {
        let bytes = crate::export::ranking_to_docx(&table()).unwrap();
        let back = crate::read_bytes("排名.docx", &bytes);
        // Our reader wants the progress table's columns, so read the XML itself.
        assert!(back.is_err());
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert_eq!(
            xml.matches("<w:tr>").count(),
            3,
            "the header and a row per unit"
        );
        assert!(xml.contains("2023年度考核排名（2023年全年）"));
        assert!(xml.contains("一票否决（重大事故）") && xml.contains("&lt;b&gt;党群"));
        assert!(
            xml.contains("<w:tblHeader/>"),
            "the header repeats on each page"
        );
    }

    #[test]
    fn the_ranking_xlsx_reads_back() {
        use calamine::{Reader, Xlsx};
        let bytes = ranking_to_xlsx(&table()).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("排名").unwrap();
        assert_eq!(range.get_value((2, 2)).unwrap().to_string(), "乙单位");
        assert_eq!(range.get_value((3, 4)).unwrap().to_string(), "54.5");
    }
}
