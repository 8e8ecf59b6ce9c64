//! Whatever the bytes, the importer returns `Ok` or `Err`, never panics (a cheap stand-in for
//! the cargo-fuzz targets of issue 6: random bytes, and the seeds with bytes flipped or cut).

use std::path::PathBuf;

use jixiao_office::read_bytes;
use proptest::prelude::*;

fn seed(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/"));
    std::fs::read(dir.join(name)).unwrap()
}

const NAMES: [&str; 3] = ["seed.txt", "seed.docx", "seed.xlsx"];

proptest! {
    // 256 cases each by default; `PROPTEST_CASES=20000` for a longer run.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), which in 0..3usize) {
        let _ = read_bytes(NAMES[which], &bytes);
    }

    #[test]
    fn seeds_with_flipped_bytes_never_panic(
        which in 0..3usize,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = seed(NAMES[which]);
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = read_bytes(NAMES[which], &bytes);
    }

    #[test]
    fn seeds_cut_anywhere_never_panic(which in 0..3usize, at in any::<prop::sample::Index>()) {
        let bytes = seed(NAMES[which]);
        let cut = at.index(bytes.len());
        let _ = read_bytes(NAMES[which], &bytes[..cut]);
    }

    #[test]
    fn seed_txt_with_random_text_spliced_in_never_panics(at in any::<prop::sample::Index>(), junk in "[\\t\\n 一级指标分值权重合计30分abc：\\u{3000}]{0,40}") {
        let text = String::from_utf8(seed("seed.txt")).unwrap();
        let mut i = at.index(text.len());
        while !text.is_char_boundary(i) { i -= 1; }
        let spliced = format!("{}{}{}", &text[..i], junk, &text[i..]);
        let _ = read_bytes("seed.txt", spliced.as_bytes());
    }
}

/// The seed with `junk` spliced into one XML part at `at`, re-zipped (so the zip itself is valid
/// and the XML readers — ours and calamine's — see the damage).
fn with_xml_junk(name: &str, part: &str, at: prop::sample::Index, junk: &str) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let src = seed(name);
    let mut archive = zip::ZipArchive::new(Cursor::new(&src[..])).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let entry = f.name().unwrap().into_owned();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if entry == part {
            let i = at.index(content.len());
            content.splice(i..i, junk.bytes());
        }
        w.start_file(entry, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const PARTS: [(&str, &str); 4] = [
    ("seed.docx", "word/document.xml"),
    ("seed.xlsx", "xl/worksheets/sheet1.xml"),
    ("seed.xlsx", "xl/workbook.xml"),
    ("seed.xlsx", "xl/styles.xml"),
];

proptest! {
    #[test]
    fn seeds_with_damaged_xml_inside_a_valid_zip_never_panic(
        which in 0..PARTS.len(),
        at in any::<prop::sample::Index>(),
        junk in r#"[<>/="&;#xa-z:0-9 \u{4e00}]{1,12}|<c r="[A-Z]{1,3}[0-9]{1,7}"><v>1</v></c>|<mergeCell ref="A1:[A-Z]{1,3}[0-9]{1,7}"/>|<w:vMerge/>|<w:gridSpan w:val="[0-9]{1,9}"/>|</w:tc>|<w:tc>|</w:tr>|<w:tbl>"#,
    ) {
        let (name, part) = PARTS[which];
        let _ = read_bytes(name, &with_xml_junk(name, part, at, &junk));
    }
}
