//! Whatever the bytes, the importer returns `Ok` or `Err`, never panics (a cheap stand-in for
//! the cargo-fuzz targets of issue 6: random bytes, and the seeds with bytes flipped or cut).

use std::path::PathBuf;

use jixiao_office::read_bytes;
use proptest::prelude::*;

fn seed(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/"
    ));
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
