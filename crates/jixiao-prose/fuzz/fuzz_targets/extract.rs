//! `cd crates/jixiao-prose && cargo +nightly fuzz run extract`: any bytes that are UTF-8, as one
//! text and as a target/progress pair split at the first NUL; no panic, no span outside the
//! text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn spans_ok(text: &str, span: &std::ops::Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (target, progress) = s.split_once('\0').unwrap_or((s, s));
    for text in [s, target, progress] {
        for q in jixiao_prose::extract(text) {
            assert!(spans_ok(text, &q.span));
        }
    }
    let r = jixiao_prose::assess(target, progress);
    for p in &r.pairs {
        if let Some(sp) = &p.target_span {
            assert!(spans_ok(target, sp));
        }
        if let Some(sp) = &p.actual_span {
            assert!(spans_ok(progress, sp));
        }
    }
});
