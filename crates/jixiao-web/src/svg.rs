//! Charts as server-rendered SVG: no script, nothing loaded, printable, labelled in the page's
//! language. Every text is escaped; numbers are formatted by the caller.

/// XML text escaping.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One bar.
pub struct Bar {
    /// The label at its left.
    pub label: String,
    /// Its length in the chart's units.
    pub value: f64,
    /// The text after the bar.
    pub shown: String,
    /// A CSS class (e.g. `s-lagging`) for its colour.
    pub class: String,
}

/// A horizontal bar chart. `max` is the value of the full width; `reference`, if given, draws a
/// dashed vertical line at that value with its label (e.g. time progress).
pub fn bars(title: &str, bars: &[Bar], max: f64, reference: Option<(f64, &str)>) -> String {
    let label_w = 190.0;
    let bar_w = 420.0;
    let row_h = 28.0;
    let top = 34.0;
    let height = top + row_h * bars.len() as f64 + 24.0;
    let width = label_w + bar_w + 90.0;
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"{t}\" \
         viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:{width}px\">\
         <title>{t}</title><text x=\"0\" y=\"18\" class=\"chart-title\">{t}</text>",
        t = esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = (b.value.max(0.0) / max).min(1.0) * bar_w;
        out.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"chart-label\">{label}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" class=\"bar {class}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" class=\"chart-value\">{shown}</text>",
            lx = label_w - 8.0,
            ty = y + 14.0,
            label = esc(&b.label),
            class = esc(&b.class),
            vx = label_w + w + 6.0,
            shown = esc(&b.shown),
        ));
    }
    if let Some((value, label)) = reference {
        let x = label_w + (value.max(0.0) / max).min(1.0) * bar_w;
        out.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{y1}\" x2=\"{x:.1}\" y2=\"{y2}\" class=\"chart-ref\"/>\
             <text x=\"{x:.1}\" y=\"{ly}\" text-anchor=\"middle\" class=\"chart-ref-label\">{l}</text>",
            y1 = top - 6.0,
            y2 = height - 18.0,
            ly = height - 4.0,
            l = esc(label)
        ));
    }
    out.push_str("</svg>");
    out
}

/// A line chart of values over periods against a reference line (time progress), both 0..=max.
pub fn trend(title: &str, points: &[(String, f64, f64)], max: f64, series: (&str, &str)) -> String {
    let (w, h, left, top, bottom) = (620.0, 260.0, 50.0, 34.0, 40.0);
    // Room on the right for the last period's label and value, which start at its point.
    let plot_w = w - left - 80.0;
    let plot_h = h - top - bottom;
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let x = |i: usize| {
        if points.len() <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (points.len() - 1) as f64
        }
    };
    let y = |v: f64| top + plot_h * (1.0 - (v.max(0.0) / max).min(1.0));
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"{t}\" \
         viewBox=\"0 0 {w} {h}\" width=\"100%\" style=\"max-width:{w}px\">\
         <title>{t}</title><text x=\"0\" y=\"18\" class=\"chart-title\">{t}</text>\
         <line x1=\"{left}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" class=\"axis\"/>\
         <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" class=\"chart-label\">{m}</text>\
         <text x=\"{lx}\" y=\"{b}\" text-anchor=\"end\" class=\"chart-label\">0%</text>",
        t = esc(title),
        b = top + plot_h,
        r = left + plot_w,
        lx = left - 6.0,
        ty = top + 4.0,
        m = esc(&format!("{:.0}%", max * 100.0)),
    );
    let line = |pick: &dyn Fn(&(String, f64, f64)) -> f64| {
        points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(pick(p))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    out.push_str(&format!(
        "<polyline points=\"{}\" class=\"line-ref\"/><polyline points=\"{}\" class=\"line-main\"/>",
        line(&|p| p.2),
        line(&|p| p.1)
    ));
    // Each period: the completion as a dot with its value, time progress as a tick, so a
    // single period (no line yet) still reads.
    for (i, p) in points.iter().enumerate() {
        out.push_str(&format!(
            "<line x1=\"{tx1:.1}\" y1=\"{ry:.1}\" x2=\"{tx2:.1}\" y2=\"{ry:.1}\" class=\"tick-ref\"/>\
             <circle cx=\"{cx:.1}\" cy=\"{cy:.1}\" r=\"3.5\" class=\"dot\"/>\
             <text x=\"{vx:.1}\" y=\"{vy:.1}\" class=\"chart-value\">{v}</text>\
             <text x=\"{cx:.1}\" y=\"{ly}\" text-anchor=\"middle\" class=\"chart-label\">{l}</text>",
            tx1 = x(i) - 8.0,
            tx2 = x(i) + 8.0,
            ry = y(p.2),
            cx = x(i),
            cy = y(p.1),
            vx = x(i) + 7.0,
            vy = y(p.1) - 6.0,
            v = esc(&format!("{:.1}%", p.1 * 100.0)),
            ly = top + plot_h + 18.0,
            l = esc(&p.0)
        ));
    }
    out.push_str(&format!(
        "<text x=\"{left}\" y=\"{ly}\" class=\"legend-main\">— {a}</text>\
         <text x=\"{l2}\" y=\"{ly}\" class=\"legend-ref\">- - {b}</text></svg>",
        ly = h - 4.0,
        l2 = left + 220.0,
        a = esc(series.0),
        b = esc(series.1)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_labels_and_stay_within_the_width() {
        let svg = bars(
            "状态<分布>",
            &[Bar {
                label: "<script>".into(),
                value: 5.0,
                shown: "5".into(),
                class: "s-lagging".into(),
            }],
            2.0,
            Some((1.0, "时间进度")),
        );
        assert!(svg.contains("<title>状态&lt;分布&gt;</title>"));
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(
            svg.contains("width=\"420.0\""),
            "a value above max fills the width only"
        );
        assert!(svg.contains("时间进度"));
    }

    #[test]
    fn a_trend_has_one_point_per_period() {
        let svg = trend(
            "完成率趋势",
            &[("Q1".into(), 0.2, 0.25), ("Q2".into(), 0.4, 0.5)],
            1.0,
            ("完成率", "时间进度"),
        );
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<title>完成率趋势</title>"));
    }
}
