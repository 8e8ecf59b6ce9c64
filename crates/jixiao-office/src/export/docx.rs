//! The .docx writer: WordprocessingML written directly into a zip.
//!
//! Written by hand rather than with docx-rs: the parts are few and fixed, the output is exactly
//! what we test (grid, fixed layout, `vMerge`, `tblHeader`), no extra dependency is compiled, and
//! it mirrors the reader, which is our own for the same reasons.

use std::fmt::Write as _;
use std::io::Write as _;

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use super::{
    ExportError, ExportTable, Extra, FIXED_HEADERS, cell_lines, department_line, extra_text,
    fmt_number, fmt_points, fmt_score, fonts, one_line, run_starts, total_score, total_weight,
};

/// A4 landscape in twentieths of a point.
const PAGE_W: u32 = 16838;
const PAGE_H: u32 = 11906;
/// Page margins (2 cm) in dxa.
const MARGIN: u32 = 1134;
/// The width the table fills.
const TABLE_W: u32 = PAGE_W - 2 * MARGIN;

/// Body font size in half-points (五号 = 10.5 pt).
const BODY_SZ: u32 = 21;
/// Title size (小二 = 18 pt).
const TITLE_SZ: u32 = 36;
/// 主管部门 line size (小四 = 12 pt).
const DEPT_SZ: u32 = 24;

/// Column widths in dxa: fixed widths for the short columns, the rest shared by target (45%) and
/// progress (55%).
pub(crate) fn grid(extras: &[Extra]) -> Vec<u32> {
    let extra_w = |e: &Extra| match e {
        Extra::Completion => 1000,
        Extra::Status => 1100,
        Extra::Score => 900,
    };
    let fixed: u32 = 1500 + 1300 + 2200 + 1100 + extras.iter().map(extra_w).sum::<u32>();
    let rest = TABLE_W.saturating_sub(fixed).max(2000);
    let target = rest * 45 / 100;
    let progress = rest - target;
    let mut g = vec![1500, 1300, 2200, target, progress, 1100];
    g.extend(extras.iter().map(extra_w));
    g
}

fn esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// `w:rFonts` naming the East Asian font and the Latin font.
fn rfonts(east_asia: &str) -> String {
    format!(
        r#"<w:rFonts w:ascii="{l}" w:hAnsi="{l}" w:eastAsia="{east_asia}" w:cs="{l}"/>"#,
        l = fonts::LATIN
    )
}

/// How a paragraph looks.
#[derive(Clone, Copy)]
struct Look {
    font: &'static str,
    size: u32,
    center: bool,
}

const BODY: Look = Look {
    font: fonts::BODY,
    size: BODY_SZ,
    center: false,
};
const BODY_CENTER: Look = Look {
    center: true,
    ..BODY
};
const HEAD: Look = Look {
    font: fonts::HEADER,
    size: BODY_SZ,
    center: true,
};

/// A paragraph with one run per line (lines become paragraphs, as Word splits a cell's text).
fn paragraphs(out: &mut String, lines: &[String], look: Look) {
    let ppr = format!(
        r#"<w:pPr><w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="auto"/>{}<w:rPr>{}<w:sz w:val="{}"/><w:szCs w:val="{}"/></w:rPr></w:pPr>"#,
        if look.center {
            r#"<w:jc w:val="center"/>"#
        } else {
            ""
        },
        rfonts(look.font),
        look.size,
        look.size
    );
    if lines.is_empty() {
        out.push_str("<w:p>");
        out.push_str(&ppr);
        out.push_str("</w:p>");
        return;
    }
    for line in lines {
        out.push_str("<w:p>");
        out.push_str(&ppr);
        let _ = write!(
            out,
            r#"<w:r><w:rPr>{}<w:sz w:val="{}"/><w:szCs w:val="{}"/></w:rPr><w:t xml:space="preserve">"#,
            rfonts(look.font),
            look.size,
            look.size
        );
        esc(out, line);
        out.push_str("</w:t></w:r></w:p>");
    }
}

/// What a cell's `w:vMerge` says.
#[derive(Clone, Copy, PartialEq)]
enum Merge {
    None,
    Restart,
    Continue,
}

fn cell(out: &mut String, width: u32, span: u32, merge: Merge, text: &str, look: Look) {
    let _ = write!(out, r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>"#);
    if span > 1 {
        let _ = write!(out, r#"<w:gridSpan w:val="{span}"/>"#);
    }
    match merge {
        Merge::None => {}
        Merge::Restart => out.push_str(r#"<w:vMerge w:val="restart"/>"#),
        Merge::Continue => out.push_str("<w:vMerge/>"),
    }
    out.push_str(r#"<w:vAlign w:val="center"/></w:tcPr>"#);
    let lines = if merge == Merge::Continue {
        Vec::new()
    } else {
        cell_lines(text)
    };
    paragraphs(out, &lines, look);
    out.push_str("</w:tc>");
}

/// Starts a row. The header row never splits and repeats on every page; task rows may split
/// across a page break (a row taller than what is left of a page would otherwise leave the rest
/// blank, and LibreOffice lays out cells of a merged column badly when it has to push rows).
fn row_start(out: &mut String, header: bool) {
    if header {
        out.push_str("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    } else {
        out.push_str("<w:tr>");
    }
}

/// `word/document.xml`.
fn document(t: &ExportTable) -> String {
    let extras = t.columns.list();
    let g = grid(&extras);
    let mut out = String::with_capacity(16_384 + t.rows.len() * 2_048);
    out.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#
    ));
    // Title and 主管部门 line.
    let title = one_line(&t.title);
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:spacing w:before="0" w:after="200"/><w:jc w:val="center"/></w:pPr><w:r><w:rPr>{}<w:sz w:val="{TITLE_SZ}"/><w:szCs w:val="{TITLE_SZ}"/></w:rPr><w:t xml:space="preserve">"#,
        rfonts(fonts::TITLE)
    );
    esc(&mut out, &title);
    out.push_str("</w:t></w:r></w:p>");
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:spacing w:before="0" w:after="120"/></w:pPr><w:r><w:rPr>{}<w:sz w:val="{DEPT_SZ}"/><w:szCs w:val="{DEPT_SZ}"/></w:rPr><w:t xml:space="preserve">"#,
        rfonts(fonts::BODY)
    );
    esc(&mut out, &department_line(t));
    out.push_str("</w:t></w:r></w:p>");

    // The table: width, fixed layout, borders, grid.
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{TABLE_W}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>"#
    );
    for w in &g {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");

    // Header row, repeated on every page.
    row_start(&mut out, true);
    let headers = FIXED_HEADERS
        .iter()
        .copied()
        .chain(extras.iter().map(|e| e.header()));
    for (h, w) in headers.zip(&g) {
        cell(&mut out, *w, 1, Merge::None, h, HEAD);
    }
    out.push_str("</w:tr>");

    // Task rows.
    let starts = run_starts(&t.rows);
    let (spans1, spans2) = super::spans(&t.rows);
    let multi = |spans: &[super::Span], i: usize| {
        spans
            .iter()
            .find(|s| s.start <= i && i < s.start + s.len)
            .is_some_and(|s| s.len > 1)
    };
    for (i, (r, (s1, s2))) in t.rows.iter().zip(starts).enumerate() {
        row_start(&mut out, false);
        let merge = |start: bool, multi: bool| match (start, multi) {
            (true, true) => Merge::Restart,
            (false, _) => Merge::Continue,
            (true, false) => Merge::None,
        };
        cell(
            &mut out,
            g[0],
            1,
            merge(s1, multi(&spans1, i)),
            &r.level1,
            BODY_CENTER,
        );
        cell(
            &mut out,
            g[1],
            1,
            merge(s2, multi(&spans2, i)),
            &r.level2,
            BODY_CENTER,
        );
        cell(&mut out, g[2], 1, Merge::None, &r.task, BODY);
        cell(&mut out, g[3], 1, Merge::None, &r.target, BODY);
        cell(&mut out, g[4], 1, Merge::None, &r.progress, BODY);
        cell(
            &mut out,
            g[5],
            1,
            Merge::None,
            &fmt_points(r.weight),
            BODY_CENTER,
        );
        for (e, w) in extras.iter().zip(&g[6..]) {
            cell(
                &mut out,
                *w,
                1,
                Merge::None,
                &extra_text(r, *e),
                BODY_CENTER,
            );
        }
        out.push_str("</w:tr>");
    }

    // 合计.
    row_start(&mut out, false);
    cell(&mut out, g[..5].iter().sum(), 5, Merge::None, "合计", HEAD);
    cell(
        &mut out,
        g[5],
        1,
        Merge::None,
        &fmt_points(total_weight(t)),
        BODY_CENTER,
    );
    for (e, w) in extras.iter().zip(&g[6..]) {
        let text = match e {
            Extra::Score => total_score(t).map(fmt_number).unwrap_or_default(),
            _ => String::new(),
        };
        cell(&mut out, *w, 1, Merge::None, &text, BODY_CENTER);
    }
    out.push_str("</w:tr></w:tbl>");

    // Landscape A4 section with the page-number footer.
    let _ = write!(
        out,
        r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}" w:orient="landscape"/><w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" w:header="567" w:footer="567" w:gutter="0"/><w:cols w:space="425"/></w:sectPr></w:body></w:document>"#
    );
    out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"#;

const APP: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>jixiao</Application></Properties>"#;

fn styles() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr>{}<w:sz w:val="{BODY_SZ}"/><w:szCs w:val="{BODY_SZ}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style></w:styles>"#,
        rfonts(fonts::BODY)
    )
}

/// The font table: each Chinese font with its fallback (`w:altName`), GB2312 charset, so Word and
/// WPS substitute a font that has the glyphs when the named one is missing.
fn font_table() -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    for (name, alt, family) in [
        (fonts::TITLE, fonts::TITLE_FALLBACK, "script"),
        (fonts::BODY, fonts::BODY_FALLBACK, "modern"),
        (fonts::BODY_FALLBACK, "宋体", "modern"),
        (fonts::HEADER, "SimHei", "modern"),
    ] {
        let _ = write!(
            out,
            r#"<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>"#
        );
    }
    let _ = write!(
        out,
        r#"<w:font w:name="{}"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>"#,
        fonts::LATIN
    );
    out
}

fn footer() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr><w:r><w:rPr>{f}</w:rPr><w:t xml:space="preserve">第 </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:rPr>{f}</w:rPr><w:t>1</w:t></w:r></w:fldSimple><w:r><w:rPr>{f}</w:rPr><w:t xml:space="preserve"> 页，共 </w:t></w:r><w:fldSimple w:instr=" NUMPAGES "><w:r><w:rPr>{f}</w:rPr><w:t>1</w:t></w:r></w:fldSimple><w:r><w:rPr>{f}</w:rPr><w:t xml:space="preserve"> 页</w:t></w:r></w:p></w:ftr>"#,
        f = rfonts(fonts::BODY)
    )
}

fn core(title_text: &str) -> String {
    let mut title = String::new();
    esc(&mut title, &one_line(title_text));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>jixiao</dc:creator></cp:coreProperties>"#
    )
}

/// Writes the table as a Word document (.docx): A4 landscape, the title and 主管部门 line, the
/// table with a fixed grid, 一级/二级 merged down, the header row repeated on every page, a 合计
/// row and a "第 N 页，共 M 页" footer.
pub fn to_docx(t: &ExportTable) -> Result<Vec<u8>, ExportError> {
    package(document(t), &t.title)
}

/// The .docx package around `document_xml`.
fn package(document_xml: String, title: &str) -> Result<Vec<u8>, ExportError> {
    let parts: [(&str, String); 9] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", styles()),
        ("word/settings.xml", SETTINGS.to_string()),
        ("word/fontTable.xml", font_table()),
        ("word/footer1.xml", footer()),
        ("docProps/core.xml", core(title)),
    ];
    let err = |e: &dyn std::fmt::Display| ExportError::Docx(e.to_string());
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(32_768)));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6));
    for (name, body) in parts
        .iter()
        .map(|(n, b)| (*n, b.as_str()))
        .chain([("docProps/app.xml", APP)])
    {
        zip.start_file(name, options).map_err(|e| err(&e))?;
        zip.write_all(body.as_bytes()).map_err(|e| err(&e))?;
    }
    let cursor = zip.finish().map_err(|e| err(&e))?;
    Ok(cursor.into_inner())
}

/// The ranking table (排名表) as a Word document: A4 portrait, the title, the header row
/// repeated on every page, one row per unit, the page-number footer.
pub fn ranking_to_docx(t: &super::RankingTable) -> Result<Vec<u8>, ExportError> {
    const PORTRAIT_W: u32 = PAGE_H - 2 * MARGIN;
    let widths: [u32; 8] = [700, 900, 2600, 1300, 900, 1100, 800, 0];
    let used: u32 = widths.iter().sum();
    let mut g = widths;
    g[7] = PORTRAIT_W.saturating_sub(used);
    let mut out = String::with_capacity(8_192 + t.rows.len() * 1_024);
    out.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>"#
    ));
    let _ = write!(
        out,
        r#"<w:p><w:pPr><w:spacing w:before="0" w:after="200"/><w:jc w:val="center"/></w:pPr><w:r><w:rPr>{}<w:sz w:val="{TITLE_SZ}"/><w:szCs w:val="{TITLE_SZ}"/></w:rPr><w:t xml:space="preserve">"#,
        rfonts(fonts::TITLE)
    );
    esc(&mut out, &super::ranking::title_line(t));
    out.push_str("</w:t></w:r></w:p>");
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{PORTRAIT_W}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>"#
    );
    for w in &g {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");
    row_start(&mut out, true);
    for (h, w) in super::ranking::HEADERS.iter().zip(&g) {
        cell(&mut out, *w, 1, Merge::None, h, HEAD);
    }
    out.push_str("</w:tr>");
    for r in &t.rows {
        row_start(&mut out, false);
        let cells = [
            (r.rank.to_string(), BODY_CENTER),
            (r.type_rank.to_string(), BODY_CENTER),
            (r.unit.clone(), BODY),
            (r.unit_type.clone(), BODY_CENTER),
            (fmt_score(r.total), BODY_CENTER),
            (
                r.mean_completion
                    .map(super::fmt_percent)
                    .unwrap_or_default(),
                BODY_CENTER,
            ),
            (r.pending.to_string(), BODY_CENTER),
            (r.note.clone(), BODY),
        ];
        for ((text, look), w) in cells.iter().zip(&g) {
            cell(&mut out, *w, 1, Merge::None, text, *look);
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    let _ = write!(
        out,
        r#"<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/><w:pgSz w:w="{PAGE_H}" w:h="{PAGE_W}"/><w:pgMar w:top="{MARGIN}" w:right="{MARGIN}" w:bottom="{MARGIN}" w:left="{MARGIN}" w:header="567" w:footer="567" w:gutter="0"/><w:cols w:space="425"/></w:sectPr></w:body></w:document>"#
    );
    package(out, &super::ranking::title_line(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{ExportRow, ExtraColumns};

    fn table() -> ExportTable {
        let row = |l1: &str, l2: &str, task: &str, w: f64| ExportRow {
            level1: l1.into(),
            level2: l2.into(),
            task: task.into(),
            target: "目标<&>".into(),
            progress: "第一行\n第二行".into(),
            weight: w,
            completion: Some(0.5),
            status: Some("正常推进".into()),
            score: Some(w / 2.0),
        };
        ExportTable {
            title: "标题".into(),
            department: "某局".into(),
            period_label: None,
            rows: vec![
                row("甲", "子", "一", 30.0),
                row("甲", "子", "二", 20.0),
                row("甲", "丑", "三", 10.0),
            ],
            columns: ExtraColumns {
                completion: true,
                status: true,
                score: true,
            },
            score_total: None,
        }
    }

    #[test]
    fn the_grid_fills_the_landscape_page_width_with_or_without_extra_columns() {
        for extras in [vec![], vec![Extra::Completion, Extra::Status, Extra::Score]] {
            let g = grid(&extras);
            assert_eq!(g.len(), 6 + extras.len());
            assert_eq!(g.iter().sum::<u32>(), TABLE_W);
        }
    }

    #[test]
    fn the_document_has_a_grid_fixed_layout_merges_a_repeated_header_and_a_landscape_page() {
        let xml = document(&table());
        assert!(xml.contains(r#"<w:tblLayout w:type="fixed"/>"#));
        assert_eq!(xml.matches("<w:gridCol ").count(), 9);
        assert_eq!(xml.matches("<w:tblHeader/>").count(), 1);
        // 甲 over three rows (restart + 2 continues), 子 over two (restart + 1 continue).
        assert_eq!(xml.matches(r#"<w:vMerge w:val="restart"/>"#).count(), 2);
        assert_eq!(xml.matches("<w:vMerge/>").count(), 3);
        assert!(xml.contains(r#"<w:gridSpan w:val="5"/>"#));
        assert!(xml.contains(r#"w:orient="landscape""#));
        assert!(xml.contains("目标&lt;&amp;&gt;"));
        assert!(
            xml.contains("60分") && xml.contains(">30<"),
            "totals of weight and score"
        );
        assert!(xml.contains("50%") && xml.contains("正常推进"));
    }

    #[test]
    fn paragraph_properties_come_in_schema_order_as_word_demands() {
        // Word refuses files whose pPr children are out of order: spacing, then jc, then rPr.
        let xml = document(&table());
        assert!(!xml.contains("<w:jc w:val=\"center\"/><w:spacing"));
        for (i, _) in xml.match_indices("<w:pPr>") {
            let ppr = &xml[i..i + xml[i..].find("</w:pPr>").unwrap_or(0)];
            let at = |tag: &str| ppr.find(tag);
            if let (Some(s), Some(j)) = (at("<w:spacing"), at("<w:jc")) {
                assert!(s < j, "{ppr}");
            }
            if let (Some(j), Some(r)) = (at("<w:jc"), at("<w:rPr>")) {
                assert!(j < r, "{ppr}");
            }
        }
    }

    #[test]
    fn a_table_without_rows_still_makes_a_document() {
        let bytes = to_docx(&ExportTable::default()).unwrap();
        assert!(bytes.starts_with(b"PK"));
    }
}
