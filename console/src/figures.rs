//! What the overview says about a summary, beyond printing its numbers: whether CSI
//! meets the dealer's target, which SERVQUAL dimension is weakest, how numbers are
//! written. Pure, so the rules are tested natively and the view only lays them out.

use serde::Deserialize;
use survey_core::questionnaire::Dimension;
use survey_core::scoring::aggregate::{DimensionSummary, ProportionSummary, Summary};

/// The CSI goal from the domain notes (CSI ≥ 93), until a dealer sets their own.
pub const DEFAULT_CSI_TARGET: f64 = 93.0;

/// Below this many responses a figure is shown but marked as too few to judge.
pub const MIN_N: u32 = 30;

/// CSI against its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    Met,
    Missed {
        by: f64,
    },
    /// No CSI in this period.
    Unknown,
}

pub fn csi_target(summary: &Summary, target: f64) -> Target {
    match summary.csi.mean {
        Some(m) if m >= target => Target::Met,
        Some(m) => Target::Missed { by: target - m },
        None => Target::Unknown,
    }
}

/// The summary's `fixed_first_time`: the rate (Wilson 95% interval; `None` when no
/// response answered the question) and the dealer's target, both shares of 1.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FixedFirstTime {
    pub rate: Option<ProportionSummary>,
    pub target: f64,
}

/// A rate against its target (fixed first time ≥ 95%): met when the rate reaches it;
/// `by` is the shortfall as a share.
pub fn share_target(rate: Option<&ProportionSummary>, target: f64) -> Target {
    match rate {
        Some(p) if p.share >= target => Target::Met,
        Some(p) => Target::Missed {
            by: target - p.share,
        },
        None => Target::Unknown,
    }
}

/// The dimension with the lowest mean (ties: the first in SERVQUAL order), when at
/// least two dimensions have a mean: with one there is nothing to compare.
pub fn weakest(dimensions: &[DimensionSummary]) -> Option<Dimension> {
    let scored: Vec<(&DimensionSummary, f64)> = dimensions
        .iter()
        .filter_map(|d| d.mean.map(|m| (d, m)))
        .collect();
    if scored.len() < 2 {
        return None;
    }
    scored
        .iter()
        .fold(
            None::<(&DimensionSummary, f64)>,
            |best, &(d, m)| match best {
                Some((_, bm)) if bm <= m => best,
                _ => Some((d, m)),
            },
        )
        .map(|(d, _)| d.dimension)
}

/// One decimal, as the reports print CSI and means: a half rounds away from zero
/// (22.25 → 22.3, as Excel's ROUND and a manager's pencil do), where Rust's `{:.1}`
/// alone rounds an exact half to even (22.2).
pub fn one_decimal(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    format!("{r:.1}")
}

/// A share as a whole percentage with one decimal ("87.5%").
pub fn percent(share: f64) -> String {
    format!("{}%", one_decimal(share * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dim(dimension: Dimension, mean: Option<f64>) -> DimensionSummary {
        DimensionSummary {
            dimension,
            n: 1,
            mean,
        }
    }

    #[test]
    fn the_weakest_dimension_needs_two_to_compare() {
        use Dimension::*;
        let dims = [
            dim(Reliability, Some(90.0)),
            dim(Responsiveness, Some(80.0)),
            dim(Assurance, None),
            dim(Empathy, Some(80.0)),
        ];
        assert_eq!(weakest(&dims), Some(Responsiveness), "the first of a tie");
        assert_eq!(weakest(&dims[..1]), None);
        assert_eq!(
            weakest(&[dim(Tangibles, Some(50.0)), dim(Empathy, None)]),
            None
        );
        assert_eq!(weakest(&[]), None);
    }

    #[test]
    fn a_rate_meets_its_target_only_when_it_reaches_it() {
        let p = |successes: u32, n: u32| ProportionSummary {
            n,
            successes,
            share: f64::from(successes) / f64::from(n),
            low: 0.0,
            high: 1.0,
        };
        assert_eq!(share_target(Some(&p(19, 20)), 0.95), Target::Met);
        assert_eq!(share_target(Some(&p(20, 20)), 0.95), Target::Met);
        match share_target(Some(&p(18, 20)), 0.95) {
            Target::Missed { by } => assert!((by - 0.05).abs() < 1e-12, "{by}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(share_target(None, 0.95), Target::Unknown);
    }

    #[test]
    fn numbers_are_written_as_the_reports_write_them() {
        assert_eq!(one_decimal(92.96), "93.0");
        assert_eq!(one_decimal(22.25), "22.3", "a half away from zero");
        assert_eq!(one_decimal(-12.25), "-12.3");
        assert_eq!(percent(0.1225), "12.3%");
        assert_eq!(percent(0.875), "87.5%");
        assert_eq!(percent(1.0), "100.0%");
    }
}

/// A time as the collector stores it (`2026-12-04T08:30:00.123Z`) to the minute, in UTC.
pub fn minute(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(m) => format!("{} UTC", m.replace('T', " ")),
        None => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod minute_tests {
    use super::minute;

    #[test]
    fn times_show_to_the_minute_in_utc() {
        assert_eq!(minute("2026-12-04T08:30:59.123Z"), "2026-12-04 08:30 UTC");
        assert_eq!(minute("soon"), "soon");
    }
}
