//! # jixiao-pdf: the progress table as PDF
//!
//! [`to_pdf`] draws an [`ExportTable`] in the seed's official layout — title, 主管部门 line, the
//! six columns (then 完成率 / 状态 / 得分 when chosen), 一级/二级 merged down, a 合计 row — on A4
//! landscape pages with the header row repeated on every page and "第 N 页，共 M 页" at the foot.
//! The Chinese glyphs are embedded as subsets of a CJK font found on the machine ([`FontSet`]):
//! `JIXIAO_PDF_FONT` if set, else Debian's `fonts-noto-cjk` (Noto Serif CJK SC for the body, as
//! 仿宋 would be; Noto Sans CJK SC Bold for the title and header, as 黑体), WenQuanYi, AR PL or
//! Droid; with none, the error names the package to install.
//!
//! ## Why krilla and our own layout (not typst)
//!
//! The stack notes measured typst at +7 min of clean release build and ~40 MB of binary;
//! krilla builds in about a minute and a half and subsets TrueType and CFF (TTC) fonts. What
//! typst would add — line breaking, table layout, page breaks — is small for one fixed table:
//!
//! * **Line breaking** by measured glyph advances (from the font's `hmtx` via skrifa, the reader
//!   krilla itself uses): a break may fall between any two CJK characters; runs of ASCII letters,
//!   digits, `.` and `%` ("38.69%", "2022") stay together unless wider than the cell; closing
//!   punctuation (，。、；：！？）》”…) never starts a line and opening punctuation (“（《) never
//!   ends one (避头尾: the character before moves down with it). There is no shaping: CJK text
//!   needs none, and Latin ligatures do not matter in a table. A character no font has is drawn
//!   as the .notdef box, never dropped silently.
//! * **Rows** are as tall as their tallest cell; a row that does not fit in what is left of a
//!   page is split line by line when at least four lines fit, else moved to the next page (so
//!   pages are filled as Word fills them); the header row is drawn again at the top of each page.
//! * **Merged cells**: a 一级/二级 run is one cell per page it touches, its text centred in each
//!   part; rows of a run grow if the merged text needs more height than they have.
//!
//! The PDF is deterministic for the same input and fonts (no dates in it).

#![warn(missing_docs)]

use std::path::PathBuf;

use jixiao_office::export::{ExportTable, Grid, RankingTable};
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::KrillaGlyph;

mod fonts;

pub use fonts::{FONT_ENV, FontSet};
use fonts::{Measurer, Placed};

/// Why no PDF could be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No font with Chinese glyphs was found.
    #[error(
        "找不到中文字体，无法生成 PDF：请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk），\
         或用环境变量 JIXIAO_PDF_FONT 指定一个含汉字的 .ttf/.otf/.ttc 字体文件。已查找：{}",
        .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("，")
    )]
    NoCjkFont {
        /// The paths looked at.
        searched: Vec<PathBuf>,
    },
    /// A font file could not be used.
    #[error("字体文件 {path} 不能用：{detail}")]
    BadFont {
        /// The file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// krilla could not write the document.
    #[error("写 PDF 失败：{0}")]
    Write(String),
}

/// A4 landscape, in points.
const PAGE_W: f32 = 841.89;
const PAGE_H: f32 = 595.28;
const MARGIN_X: f32 = 36.0;
const MARGIN_TOP: f32 = 36.0;
/// The table ends this far above the page's bottom edge; the footer sits below it.
const MARGIN_BOTTOM: f32 = 42.0;
const TABLE_W: f32 = PAGE_W - 2.0 * MARGIN_X;

const TITLE_SIZE: f32 = 18.0;
const SUBTITLE_SIZE: f32 = 12.0;
const HEAD_SIZE: f32 = 10.5;
const BODY_SIZE: f32 = 10.0;
const FOOT_SIZE: f32 = 9.0;
const LEADING: f32 = 1.4;
const PAD_X: f32 = 4.0;
const PAD_Y: f32 = 3.0;
const BORDER: f32 = 0.6;
/// A split row leaves at least this many lines on the page it starts on.
const MIN_SPLIT_LINES: usize = 4;

/// Column widths in points: fixed widths for the short columns (as the .docx grid), the rest
/// shared by target (45%) and progress (55%).
fn column_widths(n_extra_cols: &[&str]) -> Vec<f32> {
    let extra = |h: &&str| match *h {
        "完成率" => 50.0,
        "状态" => 55.0,
        _ => 45.0,
    };
    let fixed: f32 = 75.0 + 65.0 + 110.0 + 55.0 + n_extra_cols.iter().map(extra).sum::<f32>();
    let rest = (TABLE_W - fixed).max(100.0);
    let mut w = vec![75.0, 65.0, 110.0, rest * 0.45, rest * 0.55, 55.0];
    w.extend(n_extra_cols.iter().map(extra));
    w
}

/// One line of text: its glyphs (ranges into `text`) and width in em.
#[derive(Debug, Clone, Default)]
struct Line {
    text: String,
    glyphs: Vec<Placed>,
    width_em: f32,
}

/// Characters that must not start a line (避头尾).
fn no_line_start(c: char) -> bool {
    "，。、；：！？）》」』】〕”’…—%,.;:!?)]}·".contains(c)
}

/// Characters that must not end a line.
fn no_line_end(c: char) -> bool {
    "（《「『【〔“‘([{".contains(c)
}

fn keeps_together(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '%'
}

/// Breaks a text into lines no wider than `width` points at `size`; each `\n` starts a line.
fn wrap(m: &Measurer<'_>, text: &str, size: f32, width: f32) -> Vec<Line> {
    let max_em = (width / size).max(1.0);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        let placed = m.place(para);
        // Tokens: index ranges into `placed`.
        let chars: Vec<char> = para.chars().collect();
        let mut tokens: Vec<std::ops::Range<usize>> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let start = i;
            if keeps_together(chars[i]) {
                while i < chars.len() && keeps_together(chars[i]) {
                    i += 1;
                }
            } else {
                i += 1;
            }
            tokens.push(start..i);
        }
        let mut line: Vec<Placed> = Vec::new();
        let mut w = 0.0f32;
        let flush = |line: &mut Vec<Placed>, w: &mut f32, out: &mut Vec<Line>| {
            // Drop trailing spaces.
            while line
                .last()
                .is_some_and(|p| para[p.range.clone()].trim().is_empty())
            {
                if let Some(p) = line.pop() {
                    *w -= p.advance;
                }
            }
            if line.is_empty() {
                return;
            }
            let start = line[0].range.start;
            let end = line.last().map_or(start, |p| p.range.end);
            let glyphs = line
                .drain(..)
                .map(|mut p| {
                    p.range = p.range.start - start..p.range.end - start;
                    p
                })
                .collect();
            out.push(Line {
                text: para[start..end].to_string(),
                glyphs,
                width_em: *w,
            });
            *w = 0.0;
        };
        for t in tokens {
            let tw: f32 = placed[t.clone()].iter().map(|p| p.advance).sum();
            let first = chars[t.start];
            if line.is_empty() && first == ' ' {
                continue; // no leading spaces
            }
            if w + tw <= max_em + 1e-3 || line.is_empty() && tw <= max_em {
                line.extend_from_slice(&placed[t.clone()]);
                w += tw;
            } else if t.len() == 1 && no_line_start(first) && !line.is_empty() {
                // Closing punctuation may not start a line: take the character before it along
                // to the next line (when that is a lone CJK character), else let it hang.
                let prev = line
                    .last()
                    .and_then(|p| para[p.range.clone()].chars().next())
                    .filter(|c| !keeps_together(*c) && !no_line_start(*c));
                if prev.is_some() && line.len() > 1 {
                    let carried = line.pop();
                    if let Some(c) = &carried {
                        w -= c.advance;
                    }
                    flush(&mut line, &mut w, &mut out);
                    if let Some(c) = carried {
                        w += c.advance;
                        line.push(c);
                    }
                }
                line.extend_from_slice(&placed[t.clone()]);
                w += tw;
            } else if tw > max_em {
                // A word wider than the cell: break it by characters.
                for p in &placed[t.clone()] {
                    if w + p.advance > max_em + 1e-3 && !line.is_empty() {
                        flush(&mut line, &mut w, &mut out);
                    }
                    line.push(p.clone());
                    w += p.advance;
                }
            } else {
                // Opening punctuation may not end a line: it moves to the next one.
                let opening = line
                    .last()
                    .and_then(|p| para[p.range.clone()].chars().next())
                    .is_some_and(no_line_end);
                let carried = if opening && line.len() > 1 {
                    line.pop()
                } else {
                    None
                };
                if let Some(c) = &carried {
                    w -= c.advance;
                }
                flush(&mut line, &mut w, &mut out);
                if let Some(c) = carried {
                    w += c.advance;
                    line.push(c);
                }
                line.extend_from_slice(&placed[t.clone()]);
                w += tw;
            }
        }
        flush(&mut line, &mut w, &mut out);
    }
    out
}

/// Horizontal alignment of a cell's lines.
#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Center,
}

/// Something to draw on a page.
enum Op {
    /// Lines of text from the top-left of their box, each `line_h` tall.
    Text {
        x: f32,
        y: f32,
        w: f32,
        lines: Vec<Line>,
        size: f32,
        heading: bool,
        align: Align,
    },
    /// A cell border.
    Rect { x: f32, y: f32, w: f32, h: f32 },
}

/// Lines placed in a box: vertically centred when they fit, else from the top.
#[allow(clippy::too_many_arguments)]
fn text_in_box(
    ops: &mut Vec<Op>,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    lines: Vec<Line>,
    size: f32,
    heading: bool,
    align: Align,
) {
    let text_h = lines.len() as f32 * size * LEADING;
    let top = if text_h <= h - 2.0 * PAD_Y {
        y + (h - text_h) / 2.0
    } else {
        y + PAD_Y
    };
    ops.push(Op::Text {
        x: x + PAD_X,
        y: top,
        w: w - 2.0 * PAD_X,
        lines,
        size,
        heading,
        align,
    });
}

/// A piece of a task row on one page: which lines of its cells, where.
struct Frag {
    page: usize,
    row: usize,
    y: f32,
    h: f32,
    first_line: usize,
    lines: usize,
    whole: bool,
}

/// Lays the table out into pages of drawing operations.
/// How a table's columns are drawn: their widths, how many lead columns are merged down their
/// runs (一级/二级), which columns read left-aligned, and whether a 合计 row closes it.
struct Shape {
    widths: Vec<f32>,
    merged: usize,
    left: Vec<usize>,
    total: bool,
}

impl Shape {
    /// The progress table: 一级/二级 merged, task/target/progress left, a 合计 row.
    fn unit_table(g: &Grid) -> Shape {
        let extras: Vec<&str> = g.headers.iter().skip(6).copied().collect();
        Shape {
            widths: column_widths(&extras),
            merged: 2,
            left: vec![2, 3, 4],
            total: true,
        }
    }

    /// The ranking: 名次, 类内名次, 单位, 单位类型, 总分, 平均完成率, 待评项, 备注 — the unit and
    /// the note share what the short columns leave.
    fn ranking() -> Shape {
        let fixed: f32 = 45.0 + 55.0 + 80.0 + 60.0 + 70.0 + 50.0;
        let rest = (TABLE_W - fixed).max(100.0);
        Shape {
            widths: vec![45.0, 55.0, rest * 0.45, 80.0, 60.0, 70.0, 50.0, rest * 0.55],
            merged: 0,
            left: vec![2, 3, 7],
            total: false,
        }
    }
}

fn layout(g: &Grid, shape: &Shape, fonts: &FontSet) -> Vec<Vec<Op>> {
    let body = Measurer::new(&fonts.body);
    let head = Measurer::new(&fonts.heading);
    let widths = shape.widths.clone();
    let xs: Vec<f32> = widths
        .iter()
        .scan(MARGIN_X, |x, w| {
            let at = *x;
            *x += w;
            Some(at)
        })
        .collect();
    let inner = |c: usize| widths[c] - 2.0 * PAD_X;
    let line_h = BODY_SIZE * LEADING;
    let bottom = PAGE_H - MARGIN_BOTTOM;

    // Header.
    let head_lines: Vec<Vec<Line>> = g
        .headers
        .iter()
        .enumerate()
        .map(|(c, h)| wrap(&head, h, HEAD_SIZE, inner(c)))
        .collect();
    let head_h = head_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * HEAD_SIZE * LEADING
        + 2.0 * PAD_Y;

    // Cells of the task rows (columns 2..), and the merged columns' texts.
    let cells: Vec<Vec<Vec<Line>>> = g
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(c, t)| {
                    if c < shape.merged {
                        Vec::new()
                    } else {
                        wrap(&body, t, BODY_SIZE, inner(c))
                    }
                })
                .collect()
        })
        .collect();
    let mut row_lines: Vec<usize> = cells
        .iter()
        .map(|r| r.iter().map(Vec::len).max().unwrap_or(0).max(1))
        .collect();
    // A merged run's rows together must hold the merged text.
    for (col, runs) in [(0usize, &g.level1_runs), (1, &g.level2_runs)] {
        for run in runs {
            let Some(text) = g.rows.get(run.start).and_then(|r| r.get(col)) else {
                continue;
            };
            let need = wrap(&body, text, BODY_SIZE, inner(col)).len();
            let have: usize = row_lines.get(run.clone()).map_or(0, |v| v.iter().sum());
            if need > have
                && let Some(last) = row_lines.get_mut(run.end.saturating_sub(1))
            {
                *last += need - have;
            }
        }
    }

    // Pages.
    let mut pages: Vec<Vec<Op>> = vec![Vec::new()];
    let mut y = MARGIN_TOP;
    let title = wrap(&head, &g.title, TITLE_SIZE, TABLE_W);
    let title_h = title.len() as f32 * TITLE_SIZE * LEADING;
    pages[0].push(Op::Text {
        x: MARGIN_X,
        y,
        w: TABLE_W,
        lines: title,
        size: TITLE_SIZE,
        heading: true,
        align: Align::Center,
    });
    y += title_h + 6.0;
    let sub = wrap(&body, &g.subtitle, SUBTITLE_SIZE, TABLE_W);
    let sub_h = sub.len() as f32 * SUBTITLE_SIZE * LEADING;
    pages[0].push(Op::Text {
        x: MARGIN_X,
        y,
        w: TABLE_W,
        lines: sub,
        size: SUBTITLE_SIZE,
        heading: false,
        align: Align::Left,
    });
    y += sub_h + 4.0;

    let draw_header = |ops: &mut Vec<Op>, y: f32| {
        for (c, lines) in head_lines.iter().enumerate() {
            text_in_box(
                ops,
                xs[c],
                y,
                widths[c],
                head_h,
                lines.clone(),
                HEAD_SIZE,
                true,
                Align::Center,
            );
            ops.push(Op::Rect {
                x: xs[c],
                y,
                w: widths[c],
                h: head_h,
            });
        }
    };
    draw_header(&mut pages[0], y);
    y += head_h;
    let new_page = |pages: &mut Vec<Vec<Op>>| -> f32 {
        let mut ops = Vec::new();
        draw_header(&mut ops, MARGIN_TOP);
        pages.push(ops);
        MARGIN_TOP + head_h
    };

    let mut frags: Vec<Frag> = Vec::new();
    for (i, &n) in row_lines.iter().enumerate() {
        let mut done = 0usize;
        while done < n {
            let left = n - done;
            let need = left as f32 * line_h + 2.0 * PAD_Y;
            let fit = ((bottom - y - 2.0 * PAD_Y) / line_h).floor().max(0.0) as usize;
            let take = if need <= bottom - y {
                left
            } else if fit >= MIN_SPLIT_LINES.min(left) && fit > 0 {
                fit.min(left)
            } else {
                y = new_page(&mut pages);
                continue;
            };
            let h = take as f32 * line_h + 2.0 * PAD_Y;
            frags.push(Frag {
                page: pages.len() - 1,
                row: i,
                y,
                h,
                first_line: done,
                lines: take,
                whole: take == n,
            });
            y += h;
            done += take;
            if done < n {
                y = new_page(&mut pages);
            }
        }
    }

    // Row cells (after the merged columns).
    for f in &frags {
        let ops = &mut pages[f.page];
        for c in shape.merged..widths.len() {
            let lines: Vec<Line> = cells[f.row][c]
                .iter()
                .skip(f.first_line)
                .take(f.lines)
                .cloned()
                .collect();
            let align = if shape.left.contains(&c) {
                Align::Left
            } else {
                Align::Center
            };
            if f.whole {
                text_in_box(
                    ops, xs[c], f.y, widths[c], f.h, lines, BODY_SIZE, false, align,
                );
            } else {
                ops.push(Op::Text {
                    x: xs[c] + PAD_X,
                    y: f.y + PAD_Y,
                    w: inner(c),
                    lines,
                    size: BODY_SIZE,
                    heading: false,
                    align,
                });
            }
            ops.push(Op::Rect {
                x: xs[c],
                y: f.y,
                w: widths[c],
                h: f.h,
            });
        }
    }
    // Merged columns: one box per run and page, the text in each.
    for (col, runs) in [(0usize, &g.level1_runs), (1, &g.level2_runs)] {
        for run in runs {
            let text = g
                .rows
                .get(run.start)
                .and_then(|r| r.get(col))
                .map_or("", String::as_str);
            let mut parts: Vec<(usize, f32, f32)> = Vec::new(); // page, top, bottom
            for f in frags.iter().filter(|f| run.contains(&f.row)) {
                match parts.last_mut() {
                    Some(p) if p.0 == f.page => p.2 = f.y + f.h,
                    _ => parts.push((f.page, f.y, f.y + f.h)),
                }
            }
            for (page, top, bot) in parts {
                let lines = wrap(&body, text, BODY_SIZE, inner(col));
                let ops = &mut pages[page];
                text_in_box(
                    ops,
                    xs[col],
                    top,
                    widths[col],
                    bot - top,
                    lines,
                    BODY_SIZE,
                    false,
                    Align::Center,
                );
                ops.push(Op::Rect {
                    x: xs[col],
                    y: top,
                    w: widths[col],
                    h: bot - top,
                });
            }
        }
    }

    if !shape.total {
        return pages;
    }
    // 合计.
    let total_h = line_h + 2.0 * PAD_Y;
    if y + total_h > bottom {
        y = new_page(&mut pages);
    }
    let last = pages.len() - 1; // `pages` starts with one page and only grows
    let ops = &mut pages[last];
    let span_w: f32 = widths[..5].iter().sum();
    let label = wrap(
        &head,
        g.total.first().map_or("合计", String::as_str),
        HEAD_SIZE,
        span_w,
    );
    text_in_box(
        ops,
        xs[0],
        y,
        span_w,
        total_h,
        label,
        HEAD_SIZE,
        true,
        Align::Center,
    );
    ops.push(Op::Rect {
        x: xs[0],
        y,
        w: span_w,
        h: total_h,
    });
    for (k, text) in g.total.iter().skip(1).enumerate() {
        let c = 5 + k;
        if c >= widths.len() {
            break;
        }
        let lines = wrap(&body, text, BODY_SIZE, inner(c));
        text_in_box(
            ops,
            xs[c],
            y,
            widths[c],
            total_h,
            lines,
            BODY_SIZE,
            false,
            Align::Center,
        );
        ops.push(Op::Rect {
            x: xs[c],
            y,
            w: widths[c],
            h: total_h,
        });
    }
    pages
}

/// Draws lines of text with their faces (a run per face).
#[allow(clippy::too_many_arguments)]
fn draw_lines(
    s: &mut Surface<'_>,
    faces: &[fonts::Face],
    x: f32,
    y: f32,
    w: f32,
    lines: &[Line],
    size: f32,
    align: Align,
) {
    let line_h = size * LEADING;
    for (n, line) in lines.iter().enumerate() {
        let width = line.width_em * size;
        let mut pen = match align {
            Align::Left => x,
            Align::Center => x + ((w - width) / 2.0).max(0.0),
        };
        // Baseline: the line box centred on the em box, ascent ≈ 0.88 em for CJK faces.
        let baseline = y + n as f32 * line_h + (line_h - size) / 2.0 + size * 0.88;
        let mut i = 0;
        while i < line.glyphs.len() {
            let face = line.glyphs[i].face;
            let mut j = i;
            while j < line.glyphs.len() && line.glyphs[j].face == face {
                j += 1;
            }
            let start = line.glyphs[i].range.start;
            let end = line.glyphs[j - 1].range.end;
            let run_text = &line.text[start..end];
            let glyphs: Vec<KrillaGlyph> = line.glyphs[i..j]
                .iter()
                .map(|p| {
                    KrillaGlyph::new(
                        p.glyph,
                        p.advance,
                        0.0,
                        0.0,
                        0.0,
                        p.range.start - start..p.range.end - start,
                        None,
                    )
                })
                .collect();
            let run_w: f32 = line.glyphs[i..j].iter().map(|p| p.advance).sum::<f32>() * size;
            if let Some(f) = faces.get(face) {
                s.draw_glyphs(
                    Point::from_xy(pen, baseline),
                    &glyphs,
                    f.font(),
                    run_text,
                    size,
                    false,
                );
            }
            pen += run_w;
            i = j;
        }
    }
}

/// Draws the table as a PDF with the given fonts: A4 landscape, title and 主管部门 line, the
/// header row on every page, 一级/二级 merged, a 合计 row, page numbers; glyphs embedded as
/// subsets.
pub fn to_pdf(t: &ExportTable, fonts: &FontSet) -> Result<Vec<u8>, PdfError> {
    let g = t.grid();
    let shape = Shape::unit_table(&g);
    draw(&g, &shape, fonts)
}

/// The ranking in the same style: title, header repeated on each page, page numbers.
pub fn ranking_to_pdf(t: &RankingTable, fonts: &FontSet) -> Result<Vec<u8>, PdfError> {
    draw(&t.grid(), &Shape::ranking(), fonts)
}

/// [`ranking_to_pdf`] with the fonts of this machine.
pub fn ranking_to_pdf_with_system_fonts(t: &RankingTable) -> Result<Vec<u8>, PdfError> {
    ranking_to_pdf(t, &FontSet::system()?)
}

fn draw(g: &Grid, shape: &Shape, fonts: &FontSet) -> Result<Vec<u8>, PdfError> {
    let pages = layout(g, shape, fonts);
    let total = pages.len();
    let foot = Measurer::new(&fonts.body);
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(g.title.clone())
            .creator("jixiao".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PdfError::Write("页面尺寸无效".into()))?;
    for (n, ops) in pages.iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        s.set_stroke(None);
        s.set_fill(Some(Fill::default()));
        for op in ops {
            if let Op::Text {
                x,
                y,
                w,
                lines,
                size,
                heading,
                align,
            } = op
            {
                let faces = if *heading {
                    &fonts.heading
                } else {
                    &fonts.body
                };
                draw_lines(&mut s, faces, *x, *y, *w, lines, *size, *align);
            }
        }
        let footer = wrap(
            &foot,
            &format!("第 {} 页，共 {} 页", n + 1, total),
            FOOT_SIZE,
            TABLE_W,
        );
        draw_lines(
            &mut s,
            &fonts.body,
            MARGIN_X,
            PAGE_H - MARGIN_BOTTOM + 14.0,
            TABLE_W,
            &footer,
            FOOT_SIZE,
            Align::Center,
        );
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            width: BORDER,
            ..Stroke::default()
        }));
        let mut pb = PathBuilder::new();
        for op in ops {
            if let Op::Rect { x, y, w, h } = op
                && let Some(r) = Rect::from_xywh(*x, *y, *w, *h)
            {
                pb.push_rect(r);
            }
        }
        if let Some(path) = pb.finish() {
            s.draw_path(&path);
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// [`to_pdf`] with the fonts of this machine ([`FontSet::system`]). Loading the fonts takes tens
/// of milliseconds: keep a [`FontSet`] when making many PDFs.
pub fn to_pdf_with_system_fonts(t: &ExportTable) -> Result<Vec<u8>, PdfError> {
    to_pdf(t, &FontSet::system()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Option<FontSet> {
        FontSet::system().ok()
    }

    #[test]
    fn column_widths_fill_the_table_width() {
        for extras in [vec![], vec!["完成率", "状态", "得分"]] {
            let w = column_widths(&extras);
            assert!((w.iter().sum::<f32>() - TABLE_W).abs() < 0.01);
        }
    }

    #[test]
    fn cjk_text_breaks_between_characters_and_never_before_closing_punctuation() {
        let Some(f) = fonts() else {
            eprintln!("NOTE: no CJK font installed; skipped");
            return;
        };
        let m = Measurer::new(&f.body);
        let texts = |t: &str| -> Vec<String> {
            wrap(&m, t, 10.0, 50.0)
                .into_iter()
                .map(|l| l.text)
                .collect()
        };
        // Five characters of 1 em fit in 5 em; the comma takes 五 along to the next line.
        assert_eq!(texts("一二三四五，六七"), ["一二三四", "五，六七"]);
        assert_eq!(texts("一二三四五"), ["一二三四五"]);
        // An opening quote does not end a line.
        assert_eq!(texts("一二三四“五六”"), ["一二三四", "“五六”"]);
        // Digit runs stay together.
        assert_eq!(texts("一二三四2022年"), ["一二三四", "2022年"]);
        // Breaks in the text start lines; empty lines vanish.
        assert_eq!(wrap(&m, "甲\n\n乙", 10.0, 50.0).len(), 2);
    }

    #[test]
    fn a_table_without_rows_is_still_one_page_with_a_total() {
        let Some(f) = fonts() else {
            eprintln!("NOTE: no CJK font installed; skipped");
            return;
        };
        let pdf = to_pdf(&ExportTable::default(), &f).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
