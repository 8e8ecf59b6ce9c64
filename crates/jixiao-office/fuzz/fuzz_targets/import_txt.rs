//! `cd crates/jixiao-office && RUSTC_BOOTSTRAP=1 cargo fuzz run -s none import_txt -- -max_total_time=120`
//! (seed the corpus with `../../../fixtures/seed.txt`): any bytes as a .txt file give `Ok` or
//! `Err`, never a panic, and an `Ok` table has rows with finite, non-negative weights
//! (where the table has weights) and finite stated completions.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(table) = jixiao_office::read_bytes("x.txt", data) {
        assert!(!table.rows.is_empty());
        for row in &table.rows {
            if let Some(w) = row.weight {
                assert!(w.is_finite() && w >= 0.0, "{w}");
            }
            if let Some(c) = row.stated_completion {
                assert!(c.is_finite(), "{c}");
            }
            assert!(!row.task.is_empty());
        }
    }
});
