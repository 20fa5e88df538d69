//! Small, exact statistics: the 0-100 rescale and the 95% intervals reports quote.
//! Every function returns finite numbers or `None`, never NaN.

use serde::{Deserialize, Serialize};

/// The two-sided 95% normal quantile, Φ⁻¹(0.975), to full f64 precision (the value
/// statsmodels uses), so intervals agree with it to the last digits.
pub const Z_95: f64 = 1.959963984540054;

/// ACSI-style rescale of `x` on `min..=max` to 0-100: (x − min)/(max − min) × 100.
/// `None` for a degenerate scale or a value off the scale.
pub fn rescale(x: u8, min: u8, max: u8) -> Option<f64> {
    if max <= min || x < min || x > max {
        return None;
    }
    Some(f64::from(x - min) / f64::from(max - min) * 100.0)
}

/// A proportion with its interval, all as shares 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Wilson score interval for `successes` of `n`: better than the plain Wald interval
/// for the small samples a single dealer has, and never outside 0..=1. `None` when n = 0.
pub fn wilson(successes: u32, n: u32, z: f64) -> Option<Interval> {
    if n == 0 || successes > n || !z.is_finite() {
        return None;
    }
    let n = f64::from(n);
    let p = f64::from(successes) / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(Interval {
        low: (centre - half).clamp(0.0, 1.0),
        high: (centre + half).clamp(0.0, 1.0),
    })
}

/// NPS with its adjusted-Wald interval, in NPS points (−100..=100).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NpsInterval {
    /// 100 × (promoters − detractors) / n, the NPS everyone quotes.
    pub nps: f64,
    /// 100 × (p′ − d′), the centre of the adjusted interval.
    pub adjusted: f64,
    pub low: f64,
    pub high: f64,
}

/// NPS and its adjusted-Wald interval (n′ = n + 3, p′ = (P + 0.75)/n′,
/// d′ = (D + 0.75)/n′, NPS′ ± z·√((p′ + d′ − (p′ − d′)²)/n′)), which keeps its coverage at
/// small n where the plain Wald interval does not. The bounds are clipped to −100..=100,
/// which they can pass for n ≤ 3 or so. `None` when nobody answered.
pub fn nps_adjusted_wald(
    promoters: u32,
    passives: u32,
    detractors: u32,
    z: f64,
) -> Option<NpsInterval> {
    let n = u64::from(promoters) + u64::from(passives) + u64::from(detractors);
    if n == 0 || !z.is_finite() {
        return None;
    }
    let nf = n as f64;
    let nps = 100.0 * (f64::from(promoters) - f64::from(detractors)) / nf;
    let n_adj = nf + 3.0;
    let p = (f64::from(promoters) + 0.75) / n_adj;
    let d = (f64::from(detractors) + 0.75) / n_adj;
    let centre = p - d;
    let var = (p + d - centre * centre).max(0.0);
    let half = z * (var / n_adj).sqrt();
    Some(NpsInterval {
        nps,
        adjusted: 100.0 * centre,
        low: (100.0 * (centre - half)).clamp(-100.0, 100.0),
        high: (100.0 * (centre + half)).clamp(-100.0, 100.0),
    })
}

/// Weighted mean Σwᵢxᵢ / Σwᵢ of 0-100 values, clamped to 0..=100 against the last-ulp
/// overshoot of rounding. `None` when there is nothing with positive weight.
pub(crate) fn weighted_mean_0_100(pairs: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    let (mut num, mut den) = (0.0_f64, 0.0_f64);
    for (x, w) in pairs {
        if w > 0.0 && w.is_finite() && x.is_finite() {
            num += w * x;
            den += w;
        }
    }
    if den > 0.0 {
        let m = num / den;
        m.is_finite().then(|| m.clamp(0.0, 100.0))
    } else {
        None
    }
}

/// Plain mean; `None` when empty.
pub(crate) fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (mut sum, mut n) = (0.0_f64, 0_u32);
    for v in values {
        if v.is_finite() {
            sum += v;
            n += 1;
        }
    }
    let m = sum / f64::from(n.max(1));
    (n > 0 && m.is_finite()).then_some(m)
}
