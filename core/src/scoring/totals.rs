//! The additive part of a [`Summary`]: counts and sums that add up across responses.
//!
//! Why: a dealer group's year is 100,000 responses; reading each one's score card into
//! the server to summarise them took longer than the database deadline (seen in the
//! console benchmark: a 503 for a year of all dealers). Every figure of a summary is a
//! count, or a sum divided by a count, so a response's [`Totals`] are stored beside it
//! and the database adds them up (`SUM`), and [`Totals::summary`] finishes: the
//! divisions and the intervals.
//!
//! [`aggregate`](super::aggregate::aggregate) is itself [`Totals`] folded over the cards,
//! so the in-memory path and the database path compute one thing, not two.

use super::aggregate::{
    AlertCount, CesSummary, DimensionSummary, MeanSummary, NpsSummary, ProportionSummary, Summary,
};
use super::alerts::ALERT_RULES;
use super::card::{NpsCategory, ScoreCard, SCORING_VERSION};
use super::config::DIMENSIONS;
use super::stats::{nps_adjusted_wald, wilson, Z_95};
use std::collections::BTreeSet;

/// How many values and their sum (finite values only, as a mean takes them).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sum {
    pub n: u64,
    pub sum: f64,
}

impl Sum {
    fn of(value: Option<f64>) -> Sum {
        match value.filter(|v| v.is_finite()) {
            Some(v) => Sum { n: 1, sum: v },
            None => Sum::default(),
        }
    }

    fn add(&mut self, other: Sum) {
        self.n += other.n;
        self.sum += other.sum;
    }

    fn mean(self) -> MeanSummary {
        let m = self.sum / (self.n.max(1) as f64);
        MeanSummary {
            n: count(self.n),
            mean: (self.n > 0 && m.is_finite()).then_some(m),
        }
    }
}

/// Yes/no outcomes: how many, how many yes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcomes {
    pub n: u64,
    pub yes: u64,
}

impl Outcomes {
    fn of(outcome: Option<bool>) -> Outcomes {
        outcome.map_or(Outcomes::default(), |yes| Outcomes {
            n: 1,
            yes: u64::from(yes),
        })
    }

    fn add(&mut self, other: Outcomes) {
        self.n += other.n;
        self.yes += other.yes;
    }

    fn proportion(self) -> Option<ProportionSummary> {
        let (n, successes) = (count(self.n), count(self.yes));
        let ci = wilson(successes, n, Z_95)?;
        Some(ProportionSummary {
            n,
            successes,
            share: f64::from(successes) / f64::from(n),
            low: ci.low,
            high: ci.high,
        })
    }
}

/// The counts and sums of any number of responses' cards; adding two is the totals of
/// both sets. Field order follows [`Summary`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    /// The scoring versions of the cards (a set: it adds by union).
    pub versions: BTreeSet<u32>,
    /// Cards.
    pub n: u64,
    pub csi: Sum,
    /// In [`DIMENSIONS`] order.
    pub dimensions: [Sum; 5],
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
    pub csat: Outcomes,
    pub fcr: Outcomes,
    /// The raw effort value and its 0–100 rescaling.
    pub ces_value: Sum,
    pub ces_rescaled: Sum,
    pub compliance: Sum,
    /// Per rule in [`ALERT_RULES`] order: responses with at least one such alert.
    pub alert_responses: [u64; 5],
    /// Per rule in [`ALERT_RULES`] order: alerts.
    pub alerts: [u64; 5],
    pub responses_with_alerts: u64,
}

impl Totals {
    /// One response's card.
    pub fn of(card: &ScoreCard) -> Totals {
        let nps = card.nps.as_ref().map(|n| n.category);
        let ces = card.ces.as_ref();
        let per_rule = |rule| card.alerts.iter().filter(|a| a.rule == rule).count() as u64;
        Totals {
            versions: BTreeSet::from([card.scoring_version]),
            n: 1,
            csi: Sum::of(card.csi),
            dimensions: DIMENSIONS.map(|d| Sum::of(card.dimension(d).and_then(|x| x.mean))),
            promoters: u64::from(nps == Some(NpsCategory::Promoter)),
            passives: u64::from(nps == Some(NpsCategory::Passive)),
            detractors: u64::from(nps == Some(NpsCategory::Detractor)),
            csat: Outcomes::of(card.csat.as_ref().map(|s| s.top_two_box)),
            fcr: Outcomes::of(card.fcr.as_ref().map(|f| f.resolved)),
            ces_value: Sum::of(ces.map(|c| f64::from(c.value))),
            ces_rescaled: Sum::of(ces.map(|c| c.rescaled)),
            compliance: Sum::of(card.process.compliance),
            alert_responses: ALERT_RULES.map(|r| u64::from(per_rule(r) > 0)),
            alerts: ALERT_RULES.map(per_rule),
            responses_with_alerts: u64::from(!card.alerts.is_empty()),
        }
    }

    /// Adds `other`'s responses to these.
    pub fn add(&mut self, other: &Totals) {
        self.versions.extend(other.versions.iter().copied());
        self.n += other.n;
        self.csi.add(other.csi);
        for (a, b) in self.dimensions.iter_mut().zip(other.dimensions) {
            a.add(b);
        }
        self.promoters += other.promoters;
        self.passives += other.passives;
        self.detractors += other.detractors;
        self.csat.add(other.csat);
        self.fcr.add(other.fcr);
        self.ces_value.add(other.ces_value);
        self.ces_rescaled.add(other.ces_rescaled);
        self.compliance.add(other.compliance);
        for i in 0..ALERT_RULES.len() {
            self.alert_responses[i] += other.alert_responses[i];
            self.alerts[i] += other.alerts[i];
        }
        self.responses_with_alerts += other.responses_with_alerts;
    }

    /// The summary of these responses: the divisions and the intervals.
    pub fn summary(&self) -> Summary {
        let (promoters, passives, detractors) = (
            count(self.promoters),
            count(self.passives),
            count(self.detractors),
        );
        let nps = nps_adjusted_wald(promoters, passives, detractors, Z_95).map(|i| NpsSummary {
            n: promoters + passives + detractors,
            promoters,
            passives,
            detractors,
            nps: i.nps,
            adjusted: i.adjusted,
            low: i.low,
            high: i.high,
        });
        let ces = match (self.ces_value.mean().mean, self.ces_rescaled.mean().mean) {
            (Some(mean_value), Some(mean_rescaled)) => Some(CesSummary {
                n: count(self.ces_value.n),
                mean_value,
                mean_rescaled,
            }),
            _ => None,
        };
        Summary {
            scoring_version: SCORING_VERSION,
            card_versions: self.versions.iter().copied().collect(),
            n: count(self.n),
            csi: self.csi.mean(),
            dimensions: DIMENSIONS
                .iter()
                .zip(self.dimensions)
                .map(|(&dimension, s)| {
                    let m = s.mean();
                    DimensionSummary {
                        dimension,
                        n: m.n,
                        mean: m.mean,
                    }
                })
                .collect(),
            nps,
            csat: self.csat.proportion(),
            fcr: self.fcr.proportion(),
            ces,
            process_compliance: self.compliance.mean(),
            alerts: ALERT_RULES
                .iter()
                .enumerate()
                .map(|(i, &rule)| AlertCount {
                    rule,
                    responses: count(self.alert_responses[i]),
                    alerts: count(self.alerts[i]),
                })
                .collect(),
            responses_with_alerts: count(self.responses_with_alerts),
        }
    }
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
