//! What a survey may tune in scoring: dimension weights, the answered share a dimension
//! needs, and the hot-alert rules. Serialisable with unknown fields refused, so a
//! definition can later embed its own and a typo is an error rather than a silent default.

use crate::ids::QuestionId;
use crate::questionnaire::Dimension;
use serde::{Deserialize, Serialize};

/// Scoring settings; `ScoringConfig::default()` is the training deck's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringConfig {
    /// Relative weight of each SERVQUAL dimension in the CSI; renormalised over the
    /// dimensions a response actually scores, so they need not sum to 100.
    pub weights: DimensionWeights,
    /// A dimension counts only when at least this share (0..=1) of its items is answered;
    /// "not applicable" counts as not answered.
    pub min_answered_share: f64,
    pub alerts: AlertRules,
}

impl Default for ScoringConfig {
    fn default() -> Self {
        Self {
            weights: DimensionWeights::default(),
            min_answered_share: 0.5,
            alerts: AlertRules::default(),
        }
    }
}

/// One weight per SERVQUAL dimension. Studies disagree on one universal order, so each
/// survey may set its own; the default is the deck's 32/22/19/16/11.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DimensionWeights {
    pub reliability: f64,
    pub responsiveness: f64,
    pub assurance: f64,
    pub empathy: f64,
    pub tangibles: f64,
}

impl Default for DimensionWeights {
    fn default() -> Self {
        Self {
            reliability: 32.0,
            responsiveness: 22.0,
            assurance: 19.0,
            empathy: 16.0,
            tangibles: 11.0,
        }
    }
}

impl DimensionWeights {
    /// The weight of one dimension as configured (not yet renormalised).
    pub fn get(&self, d: Dimension) -> f64 {
        match d {
            Dimension::Reliability => self.reliability,
            Dimension::Responsiveness => self.responsiveness,
            Dimension::Assurance => self.assurance,
            Dimension::Empathy => self.empathy,
            Dimension::Tangibles => self.tangibles,
        }
    }
}

/// The hot-alert rules: a response matching any of them needs a call from the dealer
/// (a complaint goes to the supervisor within two days). Each rule can be switched off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertRules {
    /// A low answer on an overall-satisfaction item (role `overall` or `csat`);
    /// `null` switches the rule off.
    pub low_overall: Option<LowScore>,
    /// An NPS detractor (0-6).
    pub nps_detractor: bool,
    /// Yes/no questions whose "no" means the car was not fixed right the first time.
    pub not_fixed_first_time: Vec<QuestionId>,
    /// The first-contact-resolution question (role `fcr`) answered "no".
    pub fcr_no: bool,
    /// The customer ticked "please contact me" on a contact question.
    pub contact_requested: bool,
    /// How long the dealer has to answer an alert, in hours, for `follow_up_due`.
    pub follow_up_hours: u32,
}

impl Default for AlertRules {
    fn default() -> Self {
        Self {
            low_overall: Some(LowScore::default()),
            nps_detractor: true,
            not_fixed_first_time: vec![QuestionId::new("p_fixed_first_time")],
            fcr_no: true,
            contact_requested: true,
            follow_up_hours: 48,
        }
    }
}

/// "At most `at_most` on a `points`-point scale", e.g. 2 of 5. An item on another scale
/// is compared on the 0-100 rescale, so 2 of 5 (25) also matches 1-3 of 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LowScore {
    pub at_most: u8,
    pub points: u8,
}

impl Default for LowScore {
    fn default() -> Self {
        Self {
            at_most: 2,
            points: 5,
        }
    }
}

impl LowScore {
    /// Whether `value` on a 1..=`item_points` scale is at or below the threshold.
    /// Compared by cross-multiplication, so it is exact (no floating point).
    pub fn matches(&self, value: u8, item_points: u8) -> bool {
        if self.points < 2 || item_points < 2 || value < 1 || self.at_most < 1 {
            return false;
        }
        let lhs = u32::from(value - 1) * u32::from(self.points - 1);
        let rhs = u32::from(self.at_most - 1) * u32::from(item_points - 1);
        lhs <= rhs
    }
}

/// A setting that cannot be used, with the field at fault (e.g. `weights.empathy`;
/// empty for the document itself).
pub type ScoringConfigError = crate::path_error::PathError;

impl ScoringConfig {
    /// Parses and checks a configuration; the error names the first field at fault.
    pub fn from_json(json: &str) -> Result<Self, ScoringConfigError> {
        let config: ScoringConfig = crate::path_error::parse(json)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types do not. Scoring never panics on an unchecked configuration
    /// (a bad weight counts as 0, a bad share as the default), but a dealer should be told.
    pub fn validate(&self) -> Result<(), ScoringConfigError> {
        let err = |path: &str, problem: String| {
            Err(ScoringConfigError {
                path: path.into(),
                problem,
            })
        };
        let w = &self.weights;
        for (name, v) in [
            ("reliability", w.reliability),
            ("responsiveness", w.responsiveness),
            ("assurance", w.assurance),
            ("empathy", w.empathy),
            ("tangibles", w.tangibles),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return err(
                    &format!("weights.{name}"),
                    format!("must be a number 0 or more, found {v}"),
                );
            }
        }
        if DIMENSIONS.iter().all(|d| w.get(*d) == 0.0) {
            return err("weights", "at least one weight must be above 0".into());
        }
        if !(self.min_answered_share.is_finite() && (0.0..=1.0).contains(&self.min_answered_share))
        {
            return err(
                "min_answered_share",
                format!("must be 0 to 1, found {}", self.min_answered_share),
            );
        }
        if let Some(low) = &self.alerts.low_overall {
            if low.points < 2 {
                return err(
                    "alerts.low_overall.points",
                    format!("a scale has 2 or more points, found {}", low.points),
                );
            }
            if !(1..=low.points).contains(&low.at_most) {
                return err(
                    "alerts.low_overall.at_most",
                    format!("must be 1 to {}, found {}", low.points, low.at_most),
                );
            }
        }
        Ok(())
    }

    /// The weight scoring uses: a negative or non-finite one counts as 0.
    pub(crate) fn effective_weight(&self, d: Dimension) -> f64 {
        let w = self.weights.get(d);
        if w.is_finite() && w > 0.0 {
            w
        } else {
            0.0
        }
    }

    /// The share scoring uses: out of range is clamped, NaN is the default 0.5.
    pub(crate) fn effective_min_share(&self) -> f64 {
        let s = self.min_answered_share;
        if s.is_nan() {
            0.5
        } else {
            s.clamp(0.0, 1.0)
        }
    }
}

/// The five dimensions in the deck's order (by default weight); reports list them so.
pub const DIMENSIONS: [Dimension; 5] = [
    Dimension::Reliability,
    Dimension::Responsiveness,
    Dimension::Assurance,
    Dimension::Empathy,
    Dimension::Tangibles,
];
