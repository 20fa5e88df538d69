//! Reports over many responses: [`aggregate`] turns score cards into a [`Summary`] with
//! the intervals a dealer needs to tell a real change from noise (one dealer's month is
//! often 20-50 responses).

use super::alerts::AlertRule;
use super::card::ScoreCard;
use super::totals::Totals;
use crate::questionnaire::Dimension;
use serde::{Deserialize, Serialize};

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
/// slice gives n = 0 and every statistic `None`. The same arithmetic as a database's
/// sums of each response's [`Totals`], which is how the collector summarises.
pub fn aggregate(cards: &[ScoreCard]) -> Summary {
    let mut totals = Totals::default();
    for card in cards {
        totals.add(&Totals::of(card));
    }
    totals.summary()
}
