//! `cargo run -p jixiao-prose --example read -- TARGET PROGRESS`: prints the quantities of both
//! texts and the reading as JSON (a debugging aid).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args.first().map_or("", String::as_str);
    let progress = args.get(1).map_or("", String::as_str);
    for (name, text) in [("target", target), ("progress", progress)] {
        for q in jixiao_prose::extract(text) {
            println!("{name}: {q:?}");
        }
    }
    let r = jixiao_prose::assess(target, progress);
    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
}
