//! Finding and measuring the CJK fonts: a system font (Debian `fonts-noto-cjk`, WenQuanYi,
//! AR PL, Droid) or a configured file; glyph ids and advances for line breaking.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use krilla::text::{Font, GlyphId};
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::{FileRef, TableProvider};
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};

use crate::PdfError;

/// The environment variable naming a font file (.ttf/.otf/.ttc) to use for all text.
pub const FONT_ENV: &str = "JIXIAO_PDF_FONT";

/// Where the Debian packages put their CJK fonts, best first: (body, heading) pairs; the
/// heading font falls back to the body font when missing.
const SYSTEM_FONTS: &[(&str, &str)] = &[
    (
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ),
    (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ),
    (
        "/usr/share/fonts/truetype/arphic/uming.ttc",
        "/usr/share/fonts/truetype/arphic/ukai.ttc",
    ),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    ),
];

/// Fonts for the Latin fallback (digits and letters a CJK-only font lacks).
const LATIN_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
];

/// One face of a font file, ready to measure and to draw.
#[derive(Clone)]
pub(crate) struct Face {
    data: Arc<Vec<u8>>,
    index: u32,
    units_per_em: f32,
    font: Font,
    /// Where it came from, for messages.
    pub(crate) path: PathBuf,
}

impl Face {
    fn font_ref(&self) -> Option<FontRef<'_>> {
        FontRef::from_index(self.data.as_slice(), self.index).ok()
    }

    /// The glyph for a character, if the face has one.
    pub(crate) fn glyph(&self, font: &FontRef<'_>, c: char) -> Option<(GlyphId, f32)> {
        let gid = font.charmap().map(c)?;
        if gid.to_u32() == 0 {
            return None;
        }
        let advance = font
            .glyph_metrics(Size::unscaled(), LocationRef::default())
            .advance_width(gid)
            .unwrap_or(self.units_per_em);
        Some((GlyphId::new(gid.to_u32()), advance / self.units_per_em))
    }

    /// The face for krilla.
    pub(crate) fn font(&self) -> Font {
        self.font.clone()
    }
}

/// The fonts one document is drawn with: a body face (serif, like 仿宋), a heading face (sans,
/// like 黑体) and fallbacks tried, in order, for characters a face lacks.
#[derive(Clone)]
pub struct FontSet {
    pub(crate) body: Vec<Face>,
    pub(crate) heading: Vec<Face>,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths = |v: &[Face]| v.iter().map(|x| x.path.clone()).collect::<Vec<_>>();
        f.debug_struct("FontSet")
            .field("body", &paths(&self.body))
            .field("heading", &paths(&self.heading))
            .finish()
    }
}

/// The face of a file to use: in a collection, the one whose family name says Simplified Chinese
/// ("SC"), else the first.
fn pick_index(data: &[u8]) -> Option<u32> {
    match FileRef::new(data).ok()? {
        FileRef::Font(_) => Some(0),
        FileRef::Collection(c) => {
            let n = c.len();
            let sc = (0..n).find(|&i| {
                c.get(i).ok().is_some_and(|f| {
                    f.localized_strings(StringId::FAMILY_NAME)
                        .english_or_first()
                        .is_some_and(|name| {
                            let name: String = name.chars().collect();
                            name.ends_with(" SC") || name.contains("简")
                        })
                })
            });
            Some(sc.unwrap_or(0))
        }
    }
}

/// Loads one face of a font file.
pub(crate) fn load(path: &Path) -> Result<Face, PdfError> {
    let bad = |detail: String| PdfError::BadFont {
        path: path.to_path_buf(),
        detail,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let index = pick_index(&bytes).ok_or_else(|| bad("不是 TrueType/OpenType 字体文件".into()))?;
    let units_per_em = FontRef::from_index(bytes.as_slice(), index)
        .map_err(|e| bad(e.to_string()))?
        .head()
        .map(|h| f32::from(h.units_per_em()))
        .map_err(|e| bad(e.to_string()))?;
    if units_per_em <= 0.0 {
        return Err(bad("units_per_em 为 0".into()));
    }
    let data = Arc::new(bytes);
    let font =
        Font::new(data.clone().into(), index).ok_or_else(|| bad("krilla 无法读取".into()))?;
    Ok(Face {
        data,
        index,
        units_per_em,
        font,
        path: path.to_path_buf(),
    })
}

fn has_han(face: &Face) -> bool {
    face.font_ref()
        .is_some_and(|f| face.glyph(&f, '中').is_some() && face.glyph(&f, '绩').is_some())
}

impl FontSet {
    /// The fonts of this machine: the file named by `JIXIAO_PDF_FONT` if set (for every text),
    /// else the first CJK font found among the Debian packages' paths (Noto Serif CJK for the
    /// body and Noto Sans CJK Bold for headings when `fonts-noto-cjk` is installed).
    ///
    /// Errors: [`PdfError::NoCjkFont`], naming the packages to install, when there is none.
    pub fn system() -> Result<FontSet, PdfError> {
        match std::env::var_os(FONT_ENV) {
            Some(p) if !p.is_empty() => FontSet::from_file(Path::new(&p)),
            _ => FontSet::search(SYSTEM_FONTS),
        }
    }

    /// All text from one font file (.ttf/.otf, or .ttc: the Simplified Chinese face is chosen);
    /// it must have Chinese glyphs.
    pub fn from_file(path: &Path) -> Result<FontSet, PdfError> {
        let face = load(path)?;
        if !has_han(&face) {
            return Err(PdfError::BadFont {
                path: path.to_path_buf(),
                detail: "字体里没有汉字".into(),
            });
        }
        Ok(FontSet::with_fallbacks(vec![face.clone()], vec![face]))
    }

    fn search(candidates: &[(&str, &str)]) -> Result<FontSet, PdfError> {
        for (body, heading) in candidates {
            let Ok(b) = load(Path::new(body)) else {
                continue;
            };
            if !has_han(&b) {
                continue;
            }
            let h = load(Path::new(heading))
                .ok()
                .filter(has_han)
                .unwrap_or_else(|| b.clone());
            return Ok(FontSet::with_fallbacks(vec![b], vec![h]));
        }
        Err(PdfError::NoCjkFont {
            searched: candidates.iter().map(|(b, _)| PathBuf::from(b)).collect(),
        })
    }

    /// Adds the other face as a fallback of each list, and a Latin font for digits and letters.
    fn with_fallbacks(mut body: Vec<Face>, mut heading: Vec<Face>) -> FontSet {
        let latin = LATIN_FONTS.iter().find_map(|p| load(Path::new(p)).ok());
        let (b0, h0) = (body[0].clone(), heading[0].clone());
        if h0.path != b0.path {
            body.push(h0);
            heading.push(b0);
        }
        if let Some(l) = latin {
            body.push(l.clone());
            heading.push(l);
        }
        FontSet { body, heading }
    }

    /// The files in use, body first.
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = Vec::new();
        for f in self.body.iter().chain(&self.heading) {
            if !v.contains(&f.path) {
                v.push(f.path.clone());
            }
        }
        v
    }
}

/// A font list and the parsed faces, for measuring many texts.
pub(crate) struct Measurer<'a> {
    faces: &'a [Face],
    refs: Vec<Option<FontRef<'a>>>,
}

/// One glyph placed by the measurer: which face of the list, which glyph, its advance in em,
/// the bytes of the text it stands for.
#[derive(Debug, Clone)]
pub(crate) struct Placed {
    pub face: usize,
    pub glyph: GlyphId,
    pub advance: f32,
    pub range: std::ops::Range<usize>,
}

impl<'a> Measurer<'a> {
    pub(crate) fn new(faces: &'a [Face]) -> Measurer<'a> {
        Measurer {
            faces,
            refs: faces.iter().map(Face::font_ref).collect(),
        }
    }

    /// The glyphs of a text, each from the first face that has it; characters no face has get
    /// the first face's .notdef glyph with half an em of advance (drawn as a box, never lost
    /// silently from the layout).
    pub(crate) fn place(&self, text: &str) -> Vec<Placed> {
        let mut out = Vec::with_capacity(text.len() / 2);
        for (i, c) in text.char_indices() {
            let range = i..i + c.len_utf8();
            let found = self.refs.iter().enumerate().find_map(|(k, r)| {
                r.as_ref()
                    .and_then(|r| self.faces[k].glyph(r, c))
                    .map(|(g, a)| (k, g, a))
            });
            let (face, glyph, advance) = found.unwrap_or((0, GlyphId::new(0), 0.5));
            out.push(Placed {
                face,
                glyph,
                advance,
                range,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_no_cjk_font_the_error_names_the_package_to_install() {
        let err = FontSet::search(&[("/nonexistent/a.ttc", "/nonexistent/b.ttc")]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("fonts-noto-cjk"), "{msg}");
        assert!(
            msg.contains("JIXIAO_PDF_FONT") && msg.contains("/nonexistent/a.ttc"),
            "{msg}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_font_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.ttf");
        std::fs::write(&p, b"not a font").unwrap();
        let msg = FontSet::from_file(&p).unwrap_err().to_string();
        assert!(msg.contains("x.ttf") && msg.contains("不是"), "{msg}");
        let missing = FontSet::from_file(&dir.path().join("none.ttf")).unwrap_err();
        assert!(matches!(missing, PdfError::BadFont { .. }));
    }

    #[test]
    fn the_simplified_chinese_face_of_a_collection_is_chosen() {
        let path = Path::new("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc");
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("NOTE: fonts-noto-cjk not installed; skipped");
            return;
        };
        let i = pick_index(&bytes).unwrap();
        let f = FontRef::from_index(bytes.as_slice(), i).unwrap();
        let name: String = f
            .localized_strings(StringId::FAMILY_NAME)
            .english_or_first()
            .unwrap()
            .chars()
            .collect();
        assert_eq!(name, "Noto Serif CJK SC");
    }
}
