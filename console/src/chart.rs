//! The geometry of a line chart: where each month's value sits in the SVG, where the
//! line breaks (a month without data is a gap, not a zero), and the axis ticks. Pure,
//! so the drawing is tested natively; the view only writes the SVG elements.

/// The drawing area inside the SVG's viewBox, in user units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    /// Room on the left for the y labels, at the bottom for the x labels.
    pub left: f64,
    pub bottom: f64,
    pub top: f64,
    pub right: f64,
}

pub const FRAME: Frame = Frame {
    width: 720.0,
    height: 260.0,
    left: 44.0,
    bottom: 30.0,
    top: 12.0,
    right: 12.0,
};

impl Frame {
    /// The x of the `i`-th of `count` points, spread evenly.
    pub fn x(&self, i: usize, count: usize) -> f64 {
        let inner = self.width - self.left - self.right;
        if count <= 1 {
            return self.left + inner / 2.0;
        }
        self.left + inner * i as f64 / (count - 1) as f64
    }

    /// The y of `value` on the scale `lo..=hi` (clamped into it).
    pub fn y(&self, value: f64, lo: f64, hi: f64) -> f64 {
        let inner = self.height - self.top - self.bottom;
        let v = value.clamp(lo, hi);
        self.top + inner * (1.0 - (v - lo) / (hi - lo))
    }
}

/// The polylines of a series: consecutive months with a value are joined; a month
/// without one ends the line (each run is `points` for one `<polyline>`).
pub fn runs(values: &[Option<f64>], lo: f64, hi: f64, frame: &Frame) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => current.push((frame.x(i, values.len()), frame.y(*v, lo, hi))),
            None => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `points="x,y x,y"` of a run, to one decimal.
pub fn points(run: &[(f64, f64)]) -> String {
    run.iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ticks every `step` from `lo` to `hi`.
pub fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut v = lo;
    while v <= hi + 1e-9 {
        out.push(v);
        v += step;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_cut_by_its_width_not_its_characters() {
        let zh = "这次是否一次就把车修好了（无需为同一问题再次返厂）？";
        let fitted = fit_label(zh, 19.0);
        assert_eq!(fitted, "这次是否一次就把车修好了（无需为同一…");
        assert_eq!(
            fitted.chars().count(),
            19,
            "18 wide characters and the ellipsis"
        );
        assert_eq!(
            fit_label("Was it fixed right the first time?", 19.0)
                .chars()
                .count(),
            31
        );
        assert_eq!(
            fit_label("收费的合理程度", 19.0),
            "收费的合理程度",
            "a short label is kept"
        );
        let long_latin = "Did the service advisor explain the work and the charges?";
        let cut = fit_label(long_latin, 19.0);
        assert!(cut.ends_with('…') && cut.chars().count() == 31, "{cut}");
    }

    #[test]
    fn a_month_without_data_breaks_the_line() {
        let f = FRAME;
        let r = runs(&[Some(90.0), Some(100.0), None, Some(0.0)], 0.0, 100.0, &f);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].len(), 2);
        assert_eq!(r[1].len(), 1);
        // 100 at the top of the drawing area, 0 at its bottom.
        assert_eq!(r[0][1].1, f.top);
        assert_eq!(r[1][0].1, f.height - f.bottom);
        assert_eq!(r[0][0].0, f.left);
        assert_eq!(r[1][0].0, f.width - f.right);
        assert!(runs(&[None, None], 0.0, 100.0, &f).is_empty());
    }

    #[test]
    fn values_outside_the_scale_are_clamped_and_one_point_is_centred() {
        let f = FRAME;
        assert_eq!(f.y(120.0, 0.0, 100.0), f.top);
        assert_eq!(f.y(-5.0, 0.0, 100.0), f.height - f.bottom);
        assert_eq!(f.x(0, 1), f.left + (f.width - f.left - f.right) / 2.0);
        assert_eq!(points(&[(1.0, 2.25), (3.0, 4.0)]), "1.0,2.2 3.0,4.0");
        assert_eq!(ticks(0.0, 100.0, 25.0), vec![0.0, 25.0, 50.0, 75.0, 100.0]);
    }
}

/// `text` cut to fit `em` widths of the label's font size, with an ellipsis when cut.
/// A Chinese (or other wide) character takes a whole em, a Latin letter, digit or
/// space about 0.6: an SVG label is not wrapped or clipped by the browser, so a label
/// cut by its character count alone ran past the chart's left edge in Chinese.
pub fn fit_label(text: &str, em: f64) -> String {
    // In tenths of an em, so that the sums are exact.
    let width = |c: char| if (c as u32) < 0x2E80 { 6 } else { 10 };
    let room = (em * 10.0) as u32;
    if text.chars().map(width).sum::<u32>() <= room {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 10; // the ellipsis
    for c in text.chars() {
        used += width(c);
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// The bars of a funnel, one per stage, drawn across [`FUNNEL`]: each bar's width in
/// proportion to the largest count (the first stage, usually), at least a sliver for a
/// stage with visits so it is seen, none for a stage without.
pub fn bar_widths(counts: &[u64], frame: &Frame) -> Vec<f64> {
    let inner = frame.width - frame.left - frame.right;
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&n| match (n, max) {
            (0, _) | (_, 0) => 0.0,
            (n, max) => (inner * n as f64 / max as f64).max(2.0),
        })
        .collect()
}

/// The funnel chart's frame: labels on the left, counts at the bar's end.
pub const FUNNEL: Frame = Frame {
    width: 720.0,
    height: 0.0,
    left: 190.0,
    bottom: 0.0,
    top: 8.0,
    right: 90.0,
};

/// The height of one funnel bar and the gap below it.
pub const BAR: f64 = 26.0;
pub const BAR_GAP: f64 = 10.0;

#[cfg(test)]
mod funnel_tests {
    use super::*;

    #[test]
    fn funnel_bars_are_proportional_to_the_widest_stage() {
        let inner = FUNNEL.width - FUNNEL.left - FUNNEL.right;
        let w = bar_widths(&[10, 1, 0, 1000], &FUNNEL);
        assert_eq!(w[3], inner);
        assert_eq!(w[0], inner / 100.0);
        assert_eq!(w[1], 2.0, "a sliver, not nothing");
        assert_eq!(w[2], 0.0);
        assert!(bar_widths(&[0, 0], &FUNNEL).iter().all(|w| *w == 0.0));
    }
}
