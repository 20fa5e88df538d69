//! Scoring, in the browser and in the collector alike: CSI over the SERVQUAL dimensions,
//! NPS, CSAT, CES, FCR, process compliance, a HEART summary, hot alerts, and aggregates
//! with intervals over many responses.
//!
//! Pure: no web APIs, no clock, no threads (times come in as strings), so the widget can
//! show a score and the collector recompute the very same one. See [`card`] for the rules.

pub mod aggregate;
pub mod alerts;
pub mod card;
pub mod config;
pub mod follow_up;
pub mod ranking;
pub mod stats;
pub mod totals;

pub use aggregate::{
    aggregate, AlertCount, CesSummary, DimensionSummary, MeanSummary, NpsSummary,
    ProportionSummary, Summary,
};
pub use alerts::{Alert, AlertRule, ALERT_RULES};
pub use card::{
    score, score_at, CesScore, CsatScore, DimensionScore, FcrScore, HeartItem, HeartScore,
    ItemKind, ItemScore, ItemStatus, NpsCategory, NpsScore, ProcessScore, ScoreCard,
    HEART_CATEGORIES, SCORING_VERSION,
};
pub use config::{
    AlertRules, DimensionWeights, LowScore, ScoringConfig, ScoringConfigError, DIMENSIONS,
};
pub use follow_up::{follow_up_base, MAX_DEVICE_CLOCK_LEAD_SECONDS};
pub use stats::{nps_adjusted_wald, rescale, wilson, Interval, NpsInterval, Z_95};
