//! Ranking advisors (or stations, or call agents) by CSI without being fooled by small
//! samples.
//!
//! An advisor with 3 perfect responses has a CSI of 100 and an interval wide enough to
//! hold most of the table; ranking by the raw mean puts them first. We rank by a
//! **shrunken** CSI instead: each mean is pulled towards the mean of everyone in the
//! table by as many "pseudo-responses" as [`PRIOR_WEIGHT`],
//! `(n·mean + k·pool) / (n + k)` (the empirical-Bayes estimate of a mean under a
//! prior worth `k` responses). With 3 responses the pool dominates; with 100 the
//! advisor's own mean does. We chose it over ranking by an interval's lower bound
//! because it ranks a large, solid 92 above a small, lucky 100 *and* a small, unlucky
//! 60 is not ranked last on 3 responses alone; and because a service manager can
//! follow it ("your 3 responses count as 3 of 13"). Rows below [`MIN_COMPARABLE`]
//! are still listed, with their raw figures, but marked as not comparable and not
//! ranked.

/// Below this many responses with a CSI a row is shown but not ranked.
pub const MIN_COMPARABLE: u32 = 10;
/// How many responses at the pool's mean each row's mean is blended with.
pub const PRIOR_WEIGHT: f64 = 10.0;

/// One row's CSI evidence: how many responses carry a CSI, and their mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    pub n: u32,
    pub mean: Option<f64>,
}

/// A row's place: its shrunken CSI and its rank (1 = best) when comparable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub shrunk: Option<f64>,
    pub comparable: bool,
    pub rank: Option<u32>,
}

/// The pool's mean: the mean over every row's responses (each response counts once).
pub fn pool_mean(rows: &[Evidence]) -> Option<f64> {
    let (sum, n) = rows.iter().fold((0.0, 0u64), |(s, n), r| match r.mean {
        Some(m) => (s + m * f64::from(r.n), n + u64::from(r.n)),
        None => (s, n),
    });
    (n > 0).then(|| sum / n as f64)
}

/// Places every row (same order as given); ties share the better rank's order of
/// appearance (stable).
pub fn place(rows: &[Evidence]) -> Vec<Placed> {
    let pool = pool_mean(rows);
    let mut placed: Vec<Placed> = rows
        .iter()
        .map(|r| {
            let shrunk = match (r.mean, pool) {
                (Some(m), Some(p)) => {
                    let n = f64::from(r.n);
                    Some((n * m + PRIOR_WEIGHT * p) / (n + PRIOR_WEIGHT))
                }
                _ => None,
            };
            Placed {
                shrunk,
                comparable: r.n >= MIN_COMPARABLE && r.mean.is_some(),
                rank: None,
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..placed.len())
        .filter(|&i| placed[i].comparable)
        .collect();
    order.sort_by(|&a, &b| {
        placed[b]
            .shrunk
            .partial_cmp(&placed[a].shrunk)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    for (rank, i) in order.into_iter().enumerate() {
        placed[i].rank = Some(rank as u32 + 1);
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(n: u32, mean: f64) -> Evidence {
        Evidence {
            n,
            mean: Some(mean),
        }
    }

    #[test]
    fn three_perfect_responses_do_not_outrank_a_solid_record() {
        let rows = [e(3, 100.0), e(80, 92.0), e(60, 85.0), e(12, 88.0)];
        let p = place(&rows);
        assert!(!p[0].comparable, "3 responses are shown but not comparable");
        assert_eq!(p[0].rank, None);
        assert_eq!(p[1].rank, Some(1));
        assert_eq!(p[3].rank, Some(2), "12 at 88 shrinks less than it gains");
        assert_eq!(p[2].rank, Some(3));
        // Even if it were ranked, its shrunken CSI is below the solid 92.
        assert!(p[0].shrunk.expect("shrunk") < p[1].shrunk.expect("shrunk"));
    }

    #[test]
    fn the_pool_counts_each_response_once_and_shrinking_is_the_blend() {
        let rows = [e(10, 90.0), e(30, 70.0)];
        assert_eq!(pool_mean(&rows), Some(75.0));
        let p = place(&rows);
        assert_eq!(p[0].shrunk, Some((10.0 * 90.0 + 10.0 * 75.0) / 20.0));
        assert_eq!(p[1].shrunk, Some((30.0 * 70.0 + 10.0 * 75.0) / 40.0));
        assert_eq!((p[0].rank, p[1].rank), (Some(1), Some(2)));
    }

    #[test]
    fn rows_without_a_csi_are_listed_but_never_ranked() {
        let rows = [
            Evidence { n: 0, mean: None },
            e(10, 80.0),
            Evidence { n: 40, mean: None },
        ];
        let p = place(&rows);
        assert_eq!(
            p[0],
            Placed {
                shrunk: None,
                comparable: false,
                rank: None
            }
        );
        assert_eq!(p[1].rank, Some(1));
        assert_eq!(p[2].rank, None);
        assert_eq!(pool_mean(&[]), None);
        assert!(place(&[]).is_empty());
    }
}
