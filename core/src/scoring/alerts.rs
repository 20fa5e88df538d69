//! Hot alerts: a response the dealer must act on within two days (a low overall score,
//! a detractor, a car not fixed the first time, an unresolved contact, a request to be
//! called). They travel in the score card so the collector can route them at once.

use super::card::{FcrScore, ItemKind, ItemScore, NpsCategory, NpsScore};
use super::config::ScoringConfig;
use crate::answers::{Answer, Answers};
use crate::ids::QuestionId;
use crate::questionnaire::{Definition, Input, MetricRole};
use serde::{Deserialize, Serialize};

/// Which rule raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertRule {
    /// An overall-satisfaction item (role `overall` or `csat`) at or below the threshold.
    LowOverall,
    /// NPS 0-6.
    NpsDetractor,
    /// A "fixed right the first time?" question answered no.
    NotFixedFirstTime,
    /// First contact resolution answered no.
    FcrNo,
    /// The customer asked to be contacted.
    ContactRequested,
}

/// Every rule, in the order alerts are listed.
pub const ALERT_RULES: [AlertRule; 5] = [
    AlertRule::LowOverall,
    AlertRule::NpsDetractor,
    AlertRule::NotFixedFirstTime,
    AlertRule::FcrNo,
    AlertRule::ContactRequested,
];

/// One raised alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub rule: AlertRule,
    /// The question that raised it.
    pub question: QuestionId,
    /// Short, for a person reading the alert list: e.g. `2 of 5`, `no`, `phone, email`.
    /// Contact details themselves are not copied here; they stay in the answers.
    pub detail: String,
}

/// The alerts of one response, grouped by rule (in [`ALERT_RULES`] order), then in
/// definition order.
pub(crate) fn evaluate_alerts(
    def: &Definition,
    answers: &Answers,
    items: &[ItemScore],
    nps: Option<&NpsScore>,
    fcr: Option<&FcrScore>,
    config: &ScoringConfig,
) -> Vec<Alert> {
    let rules = &config.alerts;
    let mut out = Vec::new();
    if let Some(low) = &rules.low_overall {
        for i in items {
            let overall = matches!(i.role, Some(MetricRole::Overall | MetricRole::Csat))
                && matches!(i.kind, ItemKind::Rating | ItemKind::Matrix);
            if let (true, Some(v)) = (overall, i.value) {
                if low.matches(v, i.max) {
                    out.push(Alert {
                        rule: AlertRule::LowOverall,
                        question: i.question.clone(),
                        detail: format!("{v} of {}", i.max),
                    });
                }
            }
        }
    }
    if rules.nps_detractor {
        if let Some(n) = nps.filter(|n| n.category == NpsCategory::Detractor) {
            out.push(Alert {
                rule: AlertRule::NpsDetractor,
                question: n.question.clone(),
                detail: format!("{} of 10", n.value),
            });
        }
    }
    for q in def.questions() {
        let listed = rules.not_fixed_first_time.contains(&q.id);
        if listed
            && matches!(q.input, Input::YesNo { .. })
            && answers.get(&q.id) == Some(&Answer::YesNo(false))
        {
            out.push(Alert {
                rule: AlertRule::NotFixedFirstTime,
                question: q.id.clone(),
                detail: "no".into(),
            });
        }
    }
    if rules.fcr_no {
        if let Some(f) = fcr.filter(|f| !f.resolved) {
            out.push(Alert {
                rule: AlertRule::FcrNo,
                question: f.question.clone(),
                detail: "no".into(),
            });
        }
    }
    if rules.contact_requested {
        for q in def.questions() {
            if !matches!(q.input, Input::Contact { .. }) {
                continue;
            }
            if let Some(Answer::Contact(c)) = answers.get(&q.id) {
                if c.consent {
                    let given =
                        |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty());
                    let mut means = Vec::new();
                    if given(&c.phone) {
                        means.push("phone");
                    }
                    if given(&c.email) {
                        means.push("email");
                    }
                    out.push(Alert {
                        rule: AlertRule::ContactRequested,
                        question: q.id.clone(),
                        detail: if means.is_empty() {
                            "consent".into()
                        } else {
                            means.join(", ")
                        },
                    });
                }
            }
        }
    }
    out
}
