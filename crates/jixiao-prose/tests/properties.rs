//! For any input: `extract` and `assess` never panic, and every span lies within its text on
//! char boundaries.

use jixiao_prose::{assess, extract};
use proptest::prelude::*;

fn spans_ok(text: &str, span: &std::ops::Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// Strings built from the pieces the reader reacts to, so the properties reach its rules.
fn prose() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("0"),
        Just("7"),
        Just("123"),
        Just("1,000"),
        Just("1，000"),
        Just("."),
        Just("．"),
        Just("３"),
        Just("%"),
        Just("％"),
        Just("万"),
        Just("萬"),
        Just("亿"),
        Just("億"),
        Just("百"),
        Just("千"),
        Just("十"),
        Just("一"),
        Just("两"),
        Just("兩"),
        Just("三"),
        Just("零"),
        Just("〇"),
        Just("半"),
        Just("点"),
        Just("余"),
        Just("多"),
        Just("近"),
        Just("约"),
        Just("逾"),
        Just("超"),
        Just("以上"),
        Just("以下"),
        Just("左右"),
        Just("不少于"),
        Just("不超过"),
        Just("控制在"),
        Just("低于"),
        Just("≥"),
        Just(">="),
        Just("<"),
        Just("人"),
        Just("人次"),
        Just("名"),
        Just("个"),
        Just("個"),
        Just("户"),
        Just("元"),
        Just("元/人*月"),
        Just("/"),
        Just("-"),
        Just("至"),
        Just(":"),
        Just("*"),
        Just("("),
        Just(")"),
        Just("（"),
        Just("）"),
        Just("|"),
        Just(" "),
        Just("\n"),
        Just("“"),
        Just("”"),
        Just("《"),
        Just("》"),
        Just("第"),
        Just("年"),
        Just("月"),
        Just("岁"),
        Just("完成率"),
        Just("任务的"),
        Just("超额完成"),
        Just("超任务"),
        Just("个百分点"),
        Just("倍"),
        Just("百分之"),
        Just("分别"),
        Just("和"),
        Just("共"),
        Just("已完成"),
        Just("正在"),
        Just("名额"),
        Just("比"),
        Just("，"),
        Just("。"),
        Just("；"),
        Just("的"),
        Just("培训妇女"),
        Just("★"),
        Just("*1."),
        Just("3.90"),
        Just("é"),
        Just("😀"),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn check(target: &str, progress: &str) {
    for text in [target, progress] {
        for q in extract(text) {
            assert!(spans_ok(text, &q.span), "{text:?} {q:?}");
            assert!(q.value.is_finite(), "{text:?} {q:?}");
        }
    }
    let r = assess(target, progress);
    for p in &r.pairs {
        if let Some(s) = &p.target_span {
            assert!(spans_ok(target, s), "{target:?} {p:?}");
        }
        if let Some(s) = &p.actual_span {
            assert!(spans_ok(progress, s), "{progress:?} {p:?}");
        }
    }
    if let Some(c) = r.completion {
        assert!(c.is_finite(), "{r:?}");
    }
    let _ = r.completion_by_mean();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string_reads_without_panic_and_spans_stay_inside(t in any::<String>(), p in any::<String>()) {
        check(&t, &p);
    }

    #[test]
    fn prose_like_strings_read_without_panic_and_spans_stay_inside(t in prose(), p in prose()) {
        check(&t, &p);
    }
}

#[test]
fn long_inputs_read_in_linear_time() {
    let started = std::time::Instant::now();
    for unit in [
        "1 ",
        "培训1人",
        "一",
        "十",
        "1",
        "“1",
        "|1",
        "1:",
        "完成率1%和",
    ] {
        let text = unit.repeat(20_000);
        let q = extract(&text);
        assert!(q.iter().all(|q| spans_ok(&text, &q.span)));
        let _ = assess(&text, &text);
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}
