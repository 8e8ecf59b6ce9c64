//! `cargo run -p jixiao-prose --release --example corpus -- FILE.jsonl... [--failures]`: the
//! reader's figures (targets found, precision, actual right, completion within 2 %) on labelled
//! pairs, as BENCHMARKS.md records them; `--failures` lists every pair with a miss.

#[path = "../tests/labels/mod.rs"]
mod labels;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show = args.iter().any(|a| a == "--failures");
    for file in args.iter().filter(|a| !a.starts_with("--")) {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("corpus: cannot read {file}: {e}");
                std::process::exit(1);
            }
        };
        let f = labels::score(&text);
        if show {
            for failure in &f.failures {
                print!("{failure}");
            }
        }
        println!("{}", f.summary(file));
    }
}
