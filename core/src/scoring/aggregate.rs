//! Reports over many responses: [`aggregate`] turns score cards into a [`Summary`] with
//! the intervals a dealer needs to tell a real change from noise (one dealer's month is
//! often 20-50 responses).

use super::alerts::{AlertRule, ALERT_RULES};
use super::card::{NpsCategory, ScoreCard, SCORING_VERSION};
use super::config::DIMENSIONS;
use super::stats::{mean, nps_adjusted_wald, wilson, Z_95};
use crate::questionnaire::Dimension;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The aggregate of many score cards. Shares are 0-1, indices 0-100, NPS −100..=100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// [`SCORING_VERSION`] of this code.
    pub scoring_version: u32,
    /// The distinct versions of the cards aggregated; more than one means rules were mixed.
    pub card_versions: Vec<u32>,
    /// Cards aggregated.
    pub n: u32,
    /// Mean CSI over cards that have one.
    pub csi: MeanSummary,
    /// Per dimension, the mean over cards where it counted, in [`DIMENSIONS`] order.
    pub dimensions: Vec<DimensionSummary>,
    pub nps: Option<NpsSummary>,
    /// Share of top-2-box answers to the role `csat` question, with its Wilson interval.
    pub csat: Option<ProportionSummary>,
    /// Share of "yes, resolved" to the role `fcr` question, with its Wilson interval.
    pub fcr: Option<ProportionSummary>,
    pub ces: Option<CesSummary>,
    /// Mean over cards of their process compliance (each 0-1).
    pub process_compliance: MeanSummary,
    /// Per rule, in [`ALERT_RULES`] order.
    pub alerts: Vec<AlertCount>,
    /// Cards with at least one alert.
    pub responses_with_alerts: u32,
}

/// A mean and how many values it is over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanSummary {
    pub n: u32,
    pub mean: Option<f64>,
}

/// One dimension across responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionSummary {
    pub dimension: Dimension,
    pub n: u32,
    pub mean: Option<f64>,
}

/// NPS over the responses that answered it, with the adjusted-Wald 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpsSummary {
    pub n: u32,
    pub promoters: u32,
    pub passives: u32,
    pub detractors: u32,
    /// 100 × (promoters − detractors) / n.
    pub nps: f64,
    /// The adjusted-Wald centre, 100 × (p′ − d′); the interval is around this, not `nps`.
    pub adjusted: f64,
    pub low: f64,
    pub high: f64,
}

/// A proportion with its Wilson 95% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProportionSummary {
    pub n: u32,
    pub successes: u32,
    /// successes / n.
    pub share: f64,
    pub low: f64,
    pub high: f64,
}

/// Customer effort across responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CesSummary {
    pub n: u32,
    /// Mean of the raw answers (on mixed scales this mixes scales: prefer `mean_rescaled`).
    pub mean_value: f64,
    /// Mean of the 0-100 rescales.
    pub mean_rescaled: f64,
}

/// How often a rule fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertCount {
    pub rule: AlertRule,
    /// Cards where it fired at least once.
    pub responses: u32,
    /// Alerts raised (a card may raise one rule on several questions).
    pub alerts: u32,
}

/// Aggregates score cards. Pure and order-independent up to float rounding; an empty
/// slice gives n = 0 and every statistic `None`.
pub fn aggregate(cards: &[ScoreCard]) -> Summary {
    let n = count(cards.len());
    let card_versions: BTreeSet<u32> = cards.iter().map(|c| c.scoring_version).collect();

    let csi_values: Vec<f64> = cards.iter().filter_map(|c| c.csi).collect();
    let dimensions = DIMENSIONS
        .iter()
        .map(|&d| {
            let values: Vec<f64> = cards
                .iter()
                .filter_map(|c| c.dimension(d).and_then(|x| x.mean))
                .collect();
            DimensionSummary {
                dimension: d,
                n: count(values.len()),
                mean: mean(values),
            }
        })
        .collect();

    let (mut promoters, mut passives, mut detractors) = (0_u32, 0_u32, 0_u32);
    for c in cards.iter().filter_map(|c| c.nps.as_ref()) {
        match c.category {
            NpsCategory::Promoter => promoters += 1,
            NpsCategory::Passive => passives += 1,
            NpsCategory::Detractor => detractors += 1,
        }
    }
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

    let csat = proportion(
        cards
            .iter()
            .filter_map(|c| c.csat.as_ref().map(|s| s.top_two_box)),
    );
    let fcr = proportion(
        cards
            .iter()
            .filter_map(|c| c.fcr.as_ref().map(|f| f.resolved)),
    );

    let ces_cards: Vec<_> = cards.iter().filter_map(|c| c.ces.as_ref()).collect();
    let ces = match (
        mean(ces_cards.iter().map(|c| f64::from(c.value))),
        mean(ces_cards.iter().map(|c| c.rescaled)),
    ) {
        (Some(mean_value), Some(mean_rescaled)) => Some(CesSummary {
            n: count(ces_cards.len()),
            mean_value,
            mean_rescaled,
        }),
        _ => None,
    };

    let compliance: Vec<f64> = cards.iter().filter_map(|c| c.process.compliance).collect();
    let alerts = ALERT_RULES
        .iter()
        .map(|&rule| {
            let per_card = cards
                .iter()
                .map(|c| c.alerts.iter().filter(|a| a.rule == rule).count());
            let (mut responses, mut alerts) = (0_u32, 0_u32);
            for k in per_card {
                responses += u32::from(k > 0);
                alerts = alerts.saturating_add(count(k));
            }
            AlertCount {
                rule,
                responses,
                alerts,
            }
        })
        .collect();

    Summary {
        scoring_version: SCORING_VERSION,
        card_versions: card_versions.into_iter().collect(),
        n,
        csi: MeanSummary {
            n: count(csi_values.len()),
            mean: mean(csi_values),
        },
        dimensions,
        nps,
        csat,
        fcr,
        ces,
        process_compliance: MeanSummary {
            n: count(compliance.len()),
            mean: mean(compliance),
        },
        alerts,
        responses_with_alerts: count(cards.iter().filter(|c| !c.alerts.is_empty()).count()),
    }
}

fn proportion(outcomes: impl Iterator<Item = bool>) -> Option<ProportionSummary> {
    let (mut n, mut successes) = (0_u32, 0_u32);
    for ok in outcomes {
        n += 1;
        successes += u32::from(ok);
    }
    let ci = wilson(successes, n, Z_95)?;
    Some(ProportionSummary {
        n,
        successes,
        share: f64::from(successes) / f64::from(n),
        low: ci.low,
        high: ci.high,
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
