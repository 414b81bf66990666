//! A server-side SVG bar chart (no JavaScript): one bar per value, labelled below, with a title
//! and a description for screen readers; the page's table holds the same figures as text.

/// `bars` as `(label, value)`; values ≤ 0 draw no bar. Escaped for HTML.
pub fn bars(title: &str, bars: &[(String, i64)]) -> String {
    const H: i64 = 160;
    const BAR: i64 = 14;
    const GAP: i64 = 4;
    let max = bars.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let width = (bars.len() as i64 * (BAR + GAP)).max(BAR + GAP) + 40;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" \
         width=\"{width}\" height=\"{}\" viewBox=\"0 0 {width} {}\" class=\"chart\">\
         <title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{} bars; the table below gives each value.</desc>\
         <line x1=\"30\" y1=\"{H}\" x2=\"{width}\" y2=\"{H}\" stroke=\"#333333\"/>",
        H + 30,
        H + 30,
        escape(title),
        bars.len()
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let x = 34 + i as i64 * (BAR + GAP);
        let h = if *v <= 0 {
            0
        } else {
            (v * (H - 10) / max).max(1)
        };
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"{BAR}\" height=\"{h}\" fill=\"#1f5fa8\" data-label=\"{}\" data-value=\"{v}\"><title>{}: {v}</title></rect>",
            H - h,
            escape(label),
            escape(label)
        ));
        if bars.len() <= 31 || i % 7 == 0 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"9\" fill=\"#333333\" transform=\"rotate(60 {} {})\">{}</text>",
                x + 2,
                H + 10,
                x + 2,
                H + 10,
                escape(label.get(5..).unwrap_or(label))
            ));
        }
    }
    out.push_str("</svg>");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_scale_to_the_largest() {
        let svg = super::bars(
            "Cost <per> day",
            &[("2026-01-01".into(), 50), ("2026-01-02".into(), 100)],
        );
        assert!(svg.contains("Cost &lt;per&gt; day"));
        assert!(svg.contains("height=\"75\""));
        assert!(svg.contains("height=\"150\""));
    }
}
