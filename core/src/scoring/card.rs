//! One response's scores: [`score`] turns a definition and its answers into a [`ScoreCard`].
//!
//! Rules, all from the domain notes:
//! - every numeric item is rescaled to 0-100 as (x − min)/(max − min) × 100 (rating and
//!   matrix items 1..=points, NPS 0..=10); a yes/no item scores yes = 100, no = 0 when
//!   its `scoring` says what it feeds (role `process` or `fcr`, a dimension or a HEART
//!   category): there "yes" is what was promised. A yes/no without such metadata
//!   (e.g. "first visit?") is a fact, not satisfaction, and is not scored;
//! - "not applicable", unanswered and invalid answers are missing: never 0, never the
//!   midpoint, left out of every mean and denominator;
//! - a dimension's mean is the weighted mean of its answered items, Σwᵢrᵢ / Σwᵢ, where wᵢ
//!   is the item's `scoring.weight` (1 when absent), so a weight of 2 counts an item twice;
//! - a dimension counts when answered items / all its items ≥ `min_answered_share`
//!   (and at least one is answered); "not applicable" counts as not answered there too,
//!   so a survey cannot reach the threshold by ticking N/A;
//! - CSI is Σ Wd·md / Σ Wd over the counted dimensions: the configured weights
//!   renormalised over what the response actually scored.
//!
//! HEART categories take the numeric items tagged with them, and also the questions
//! that give no number (text, single or multiple choice, contact): there the answer is
//! a behavioural signal, "a comment given" is engagement. Such a question scores 100
//! when answered (non-blank text, an option, consent), 0 when it was in force and left
//! unanswered, and is left out when not in force (hidden by `show_if`) or "not
//! applicable".
//!
//! Matrix rows are items of their own: each is scored by its own `scoring` (the matrix
//! question's `scoring`, if any, is not inherited).

use super::alerts::{evaluate_alerts, Alert};
use super::config::{ScoringConfig, DIMENSIONS};
use super::stats::{rescale, weighted_mean_0_100};
use crate::answers::{Answer, Answers};
use crate::ids::{QuestionId, SurveyId};
use crate::questionnaire::{Definition, Dimension, Heart, Input, MetricRole, ScoringMeta};
use crate::time::add_hours;
use serde::{Deserialize, Serialize};

/// Bumped whenever a rule above changes, so stored cards from different rules are never
/// averaged together unknowingly.
/// 2: HEART categories count the non-numeric questions tagged with them (see above).
pub const SCORING_VERSION: u32 = 2;

/// The five HEART categories in the acronym's order.
pub const HEART_CATEGORIES: [Heart; 5] = [
    Heart::Happiness,
    Heart::Engagement,
    Heart::Adoption,
    Heart::Retention,
    Heart::TaskSuccess,
];

/// Everything scored about one response. Field names are stable (they are stored and
/// exported); every number is finite, and `None` (`null`) means "not computable".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreCard {
    /// [`SCORING_VERSION`] of the rules that made this card.
    pub scoring_version: u32,
    pub survey: SurveyId,
    pub survey_version: u32,
    /// Every scorable item of the definition, in definition order, answered or not.
    pub items: Vec<ItemScore>,
    /// The five SERVQUAL dimensions, always all five, in [`DIMENSIONS`] order.
    pub dimensions: Vec<DimensionScore>,
    /// 0-100; `None` when no dimension counts.
    pub csi: Option<f64>,
    pub nps: Option<NpsScore>,
    pub csat: Option<CsatScore>,
    pub ces: Option<CesScore>,
    pub fcr: Option<FcrScore>,
    pub process: ProcessScore,
    /// The five HEART categories, always all five, in [`HEART_CATEGORIES`] order.
    pub heart: Vec<HeartScore>,
    pub alerts: Vec<Alert>,
    /// When the dealer must have answered, as `YYYY-MM-DDTHH:MM:SS(.f…)Z`: submission +
    /// `follow_up_hours`. Only when there is an alert and the time was given ([`score_at`]).
    pub follow_up_due: Option<String>,
}

/// What kind of input an item comes from (it fixes the scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 1..=points.
    Rating,
    /// 0..=10.
    Nps,
    /// One matrix row, 1..=points.
    Matrix,
    /// no = 0, yes = 1 (rescaled 0 / 100).
    YesNo,
}

/// Why an item has, or has no, value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Answered,
    NotApplicable,
    Unanswered,
    /// An answer of the wrong type or off the scale: ignored, like a missing one.
    Invalid,
}

/// One scorable item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemScore {
    pub question: QuestionId,
    pub kind: ItemKind,
    /// The scale's ends (yes/no: 0 and 1).
    pub min: u8,
    pub max: u8,
    pub status: ItemStatus,
    /// The point chosen (yes/no: 1 = yes); `None` unless answered.
    pub value: Option<u8>,
    /// 0-100.
    pub rescaled: Option<f64>,
    /// The highest point (rating, matrix, NPS only): "completely satisfied" customers
    /// are the loyal ones, so the top box is tracked apart from the mean.
    pub top_box: Option<bool>,
    /// One of the two highest points (rating, matrix, NPS only).
    pub top_two_box: Option<bool>,
    pub dimension: Option<Dimension>,
    pub heart: Option<Heart>,
    pub role: Option<MetricRole>,
    /// The weight inside its dimension's mean (1 unless the definition says otherwise).
    pub weight: f64,
}

/// One SERVQUAL dimension of one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionScore {
    pub dimension: Dimension,
    /// Items of the definition in this dimension.
    pub items: u32,
    /// Of those, answered (not N/A, not missing).
    pub answered: u32,
    /// Whether enough was answered for the dimension to count.
    pub counted: bool,
    /// Weighted item mean, 0-100; only when counted.
    pub mean: Option<f64>,
    /// The configured weight.
    pub weight: f64,
    /// The weight's share of the CSI after renormalising over counted dimensions (0-1);
    /// only when counted.
    pub csi_weight: Option<f64>,
}

/// Net-promoter category of a 0-10 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsCategory {
    /// 0-6.
    Detractor,
    /// 7-8.
    Passive,
    /// 9-10.
    Promoter,
}

impl NpsCategory {
    /// The category of a 0..=10 answer; `None` off the scale.
    pub fn of(value: u8) -> Option<Self> {
        match value {
            0..=6 => Some(Self::Detractor),
            7 | 8 => Some(Self::Passive),
            9 | 10 => Some(Self::Promoter),
            _ => None,
        }
    }
}

/// The likelihood-to-recommend answer (role `nps`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpsScore {
    pub question: QuestionId,
    pub value: u8,
    pub category: NpsCategory,
}

/// The satisfaction answer (role `csat`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsatScore {
    pub question: QuestionId,
    pub value: u8,
    pub points: u8,
    /// The highest point.
    pub top_box: bool,
    /// One of the two highest points (4-5 of 5): what counts as "satisfied" in CSAT.
    pub top_two_box: bool,
}

/// The customer-effort answer (role `ces`, normally 1-7 agree).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CesScore {
    pub question: QuestionId,
    pub value: u8,
    pub points: u8,
    /// 0-100.
    pub rescaled: f64,
}

/// The first-contact-resolution answer (role `fcr`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FcrScore {
    pub question: QuestionId,
    pub resolved: bool,
}

/// Process compliance: how many of the promised steps (role `process`) happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessScore {
    /// Process items answered yes or no (N/A and missing left out).
    pub answered: u32,
    pub yes: u32,
    /// yes / answered, 0-1; `None` when none answered.
    pub compliance: Option<f64>,
}

/// One HEART category: which items fed it and how they scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeartScore {
    pub category: Heart,
    /// The answered items tagged with this category, in definition order.
    pub items: Vec<HeartItem>,
    /// Unweighted mean of their rescaled values, 0-100.
    pub mean: Option<f64>,
}

/// One item's contribution to a HEART category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeartItem {
    pub question: QuestionId,
    /// 0-100.
    pub rescaled: f64,
}

/// Scores one response. Never panics: answers that do not fit their question, or name
/// no question, are ignored; a definition that was not validated scores what it can.
pub fn score(def: &Definition, answers: &Answers, config: &ScoringConfig) -> ScoreCard {
    let items = score_items(def, answers);
    let dimensions = score_dimensions(&items, config);
    let csi = weighted_mean_0_100(
        dimensions
            .iter()
            .filter_map(|d| d.mean.map(|m| (m, d.weight))),
    );
    let nps = first_answered(&items, MetricRole::Nps, ItemKind::Nps).and_then(|i| {
        let value = i.value?;
        Some(NpsScore {
            question: i.question.clone(),
            value,
            category: NpsCategory::of(value)?,
        })
    });
    let csat = first_rated(&items, MetricRole::Csat).and_then(|i| {
        Some(CsatScore {
            question: i.question.clone(),
            value: i.value?,
            points: i.max,
            top_box: i.top_box?,
            top_two_box: i.top_two_box?,
        })
    });
    let ces = first_rated(&items, MetricRole::Ces).and_then(|i| {
        Some(CesScore {
            question: i.question.clone(),
            value: i.value?,
            points: i.max,
            rescaled: i.rescaled?,
        })
    });
    let fcr = first_answered(&items, MetricRole::Fcr, ItemKind::YesNo).and_then(|i| {
        Some(FcrScore {
            question: i.question.clone(),
            resolved: i.value? == 1,
        })
    });
    let process = score_process(&items);
    let signals = heart_signals(def, answers, &items);
    let heart = HEART_CATEGORIES
        .iter()
        .map(|&category| {
            let fed: Vec<HeartItem> = signals
                .iter()
                .filter(|(h, _)| *h == category)
                .map(|(_, item)| item.clone())
                .collect();
            let mean = super::stats::mean(fed.iter().map(|h| h.rescaled));
            HeartScore {
                category,
                items: fed,
                mean,
            }
        })
        .collect();
    let alerts = evaluate_alerts(def, answers, &items, nps.as_ref(), fcr.as_ref(), config);
    ScoreCard {
        scoring_version: SCORING_VERSION,
        survey: def.id.clone(),
        survey_version: def.version,
        items,
        dimensions,
        csi,
        nps,
        csat,
        ces,
        fcr,
        process,
        heart,
        alerts,
        follow_up_due: None,
    }
}

/// [`score`], plus `follow_up_due` = `submitted_at` + `follow_up_hours` when the response
/// raised an alert. `submitted_at` is the payload's `created_at`
/// (`YYYY-MM-DDTHH:MM:SS(.f…)Z`); if it does not parse, `follow_up_due` stays `None`.
pub fn score_at(
    def: &Definition,
    answers: &Answers,
    config: &ScoringConfig,
    submitted_at: &str,
) -> ScoreCard {
    let mut card = score(def, answers, config);
    if !card.alerts.is_empty() {
        card.follow_up_due = add_hours(submitted_at, i64::from(config.alerts.follow_up_hours));
    }
    card
}

impl ScoreCard {
    /// The item scored for a question (or matrix row) id.
    pub fn item(&self, id: &str) -> Option<&ItemScore> {
        self.items.iter().find(|i| i.question.as_str() == id)
    }

    /// The score of one dimension.
    pub fn dimension(&self, d: Dimension) -> Option<&DimensionScore> {
        self.dimensions.iter().find(|x| x.dimension == d)
    }

    /// The summary of one HEART category.
    pub fn heart(&self, h: Heart) -> Option<&HeartScore> {
        self.heart.iter().find(|x| x.category == h)
    }
}

/// Every HEART contribution in definition order: the answered numeric items tagged
/// with a category, and the non-numeric questions tagged with one (see the module docs).
fn heart_signals(
    def: &Definition,
    answers: &Answers,
    items: &[ItemScore],
) -> Vec<(Heart, HeartItem)> {
    let visibility = def.visibility(answers);
    let mut out = Vec::new();
    for (p, page) in def.pages.iter().enumerate() {
        for (n, q) in page.questions.iter().enumerate() {
            let signal = matches!(
                q.input,
                Input::Text { .. }
                    | Input::SingleChoice { .. }
                    | Input::MultiChoice { .. }
                    | Input::Contact { .. }
            );
            if !signal {
                for t in q.targets() {
                    if let Some(i) = items.iter().find(|i| i.question == *t.id()) {
                        if let (Some(h), Some(r)) = (i.heart, i.rescaled) {
                            out.push((
                                h,
                                HeartItem {
                                    question: i.question.clone(),
                                    rescaled: r,
                                },
                            ));
                        }
                    }
                }
                continue;
            }
            let Some(h) = q.scoring.as_ref().and_then(|m| m.heart) else {
                continue;
            };
            if !visibility.question_active(p, n) {
                continue;
            }
            let given = match answers.get(&q.id) {
                None => false,
                Some(Answer::NotApplicable) => continue,
                Some(Answer::Text(t)) => !t.trim().is_empty(),
                Some(Answer::Choices(c)) => !c.is_empty(),
                Some(Answer::Contact(c)) => c.consent,
                Some(_) => true,
            };
            let rescaled = if given { 100.0 } else { 0.0 };
            out.push((
                h,
                HeartItem {
                    question: q.id.clone(),
                    rescaled,
                },
            ));
        }
    }
    out
}

/// A scorable item of the definition before its answer is looked at.
struct Source<'a> {
    id: &'a QuestionId,
    kind: ItemKind,
    min: u8,
    max: u8,
    meta: Option<&'a ScoringMeta>,
}

fn sources(def: &Definition) -> Vec<Source<'_>> {
    let mut out = Vec::new();
    for q in def.questions() {
        let meta = q.scoring.as_ref();
        match &q.input {
            Input::Rating { points, .. } if *points >= 2 => out.push(Source {
                id: &q.id,
                kind: ItemKind::Rating,
                min: 1,
                max: *points,
                meta,
            }),
            Input::Nps { .. } => out.push(Source {
                id: &q.id,
                kind: ItemKind::Nps,
                min: 0,
                max: 10,
                meta,
            }),
            Input::YesNo { .. } if meta.is_some_and(yes_no_is_scored) => out.push(Source {
                id: &q.id,
                kind: ItemKind::YesNo,
                min: 0,
                max: 1,
                meta,
            }),
            Input::Matrix { points, items, .. } if *points >= 2 => {
                for item in items {
                    out.push(Source {
                        id: &item.id,
                        kind: ItemKind::Matrix,
                        min: 1,
                        max: *points,
                        meta: item.scoring.as_ref(),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// A yes/no counts when its metadata says what it feeds (see the module docs).
fn yes_no_is_scored(m: &ScoringMeta) -> bool {
    matches!(m.role, Some(MetricRole::Process | MetricRole::Fcr))
        || m.dimension.is_some()
        || m.heart.is_some()
}

fn score_items(def: &Definition, answers: &Answers) -> Vec<ItemScore> {
    sources(def)
        .into_iter()
        .map(|s| {
            let (status, value) = match (s.kind, answers.get(s.id)) {
                (_, None) => (ItemStatus::Unanswered, None),
                (_, Some(Answer::NotApplicable)) => (ItemStatus::NotApplicable, None),
                (ItemKind::YesNo, Some(Answer::YesNo(b))) => {
                    (ItemStatus::Answered, Some(u8::from(*b)))
                }
                (ItemKind::Rating | ItemKind::Nps | ItemKind::Matrix, Some(Answer::Scale(v)))
                    if (s.min..=s.max).contains(v) =>
                {
                    (ItemStatus::Answered, Some(*v))
                }
                _ => (ItemStatus::Invalid, None),
            };
            let rated = s.kind != ItemKind::YesNo;
            let weight = s
                .meta
                .and_then(|m| m.weight)
                .filter(|w| w.is_finite() && *w > 0.0)
                .unwrap_or(1.0);
            ItemScore {
                question: s.id.clone(),
                kind: s.kind,
                min: s.min,
                max: s.max,
                status,
                value,
                rescaled: value.and_then(|v| rescale(v, s.min, s.max)),
                top_box: value.filter(|_| rated).map(|v| v == s.max),
                top_two_box: value.filter(|_| rated).map(|v| v >= s.max - 1),
                dimension: s.meta.and_then(|m| m.dimension),
                heart: s.meta.and_then(|m| m.heart),
                role: s.meta.and_then(|m| m.role),
                weight,
            }
        })
        .collect()
}

fn score_dimensions(items: &[ItemScore], config: &ScoringConfig) -> Vec<DimensionScore> {
    let min_share = config.effective_min_share();
    let mut out: Vec<DimensionScore> = DIMENSIONS
        .iter()
        .map(|&dimension| {
            let of_dim: Vec<&ItemScore> = items
                .iter()
                .filter(|i| i.dimension == Some(dimension))
                .collect();
            let total = count(of_dim.len());
            let answered_items: Vec<&ItemScore> = of_dim
                .iter()
                .copied()
                .filter(|i| i.rescaled.is_some())
                .collect();
            let answered = count(answered_items.len());
            // answered / total ≥ share, compared without dividing.
            let counted = answered > 0 && f64::from(answered) >= min_share * f64::from(total);
            let mean = if counted {
                weighted_mean_0_100(
                    answered_items
                        .iter()
                        .filter_map(|i| i.rescaled.map(|r| (r, i.weight))),
                )
            } else {
                None
            };
            let weight = config.effective_weight(dimension);
            DimensionScore {
                dimension,
                items: total,
                answered,
                counted: mean.is_some(),
                mean,
                weight,
                csi_weight: None,
            }
        })
        .collect();
    let total_weight: f64 = out.iter().filter(|d| d.counted).map(|d| d.weight).sum();
    if total_weight > 0.0 {
        for d in out.iter_mut().filter(|d| d.counted) {
            d.csi_weight = Some(d.weight / total_weight);
        }
    }
    out
}

fn score_process(items: &[ItemScore]) -> ProcessScore {
    let answered: Vec<u8> = items
        .iter()
        .filter(|i| i.kind == ItemKind::YesNo && i.role == Some(MetricRole::Process))
        .filter_map(|i| i.value)
        .collect();
    let yes = count(answered.iter().filter(|v| **v == 1).count());
    let n = count(answered.len());
    ProcessScore {
        answered: n,
        yes,
        compliance: (n > 0).then(|| f64::from(yes) / f64::from(n)),
    }
}

/// The first answered item with `role` and `kind`, in definition order. A survey should
/// have one such question; with several, the first answered one speaks.
fn first_answered(items: &[ItemScore], role: MetricRole, kind: ItemKind) -> Option<&ItemScore> {
    items
        .iter()
        .find(|i| i.role == Some(role) && i.kind == kind && i.value.is_some())
}

/// The first answered rating or matrix item with `role`.
fn first_rated(items: &[ItemScore], role: MetricRole) -> Option<&ItemScore> {
    items.iter().find(|i| {
        i.role == Some(role)
            && matches!(i.kind, ItemKind::Rating | ItemKind::Matrix)
            && i.value.is_some()
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
