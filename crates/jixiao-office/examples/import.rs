//! Prints what importing each file gives: the `--dry-run --json` contract, or the error.
//!
//! `cargo run -p jixiao-office --example import -- fixtures/seed.docx`

use std::path::Path;

fn main() {
    let mut failed = false;
    for arg in std::env::args().skip(1) {
        match jixiao_office::read_path(Path::new(&arg)) {
            Ok(table) => println!(
                "{}",
                serde_json::to_string_pretty(&table).unwrap_or_default()
            ),
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    std::process::exit(i32::from(failed));
}
