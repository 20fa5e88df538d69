//! The monthly voice-of-the-customer report: what went wrong, month over month. From
//! the responses of each month (the collector's list, one month per request so the
//! month is the dealer's own), it tallies the reasons customers chose (every choice
//! question of the questionnaire, e.g. post-service's "what went wrong?"), the low
//! items (a scale item in its bottom two points, a scored yes/no answered no) and the
//! alerts that asked for a follow-up call, and keeps the comments behind each bar of
//! the report's month. Pure, so it is tested natively; `report.rs` lays it out.

use crate::responses::{Item, Questionnaire};
use std::collections::BTreeMap;
use survey_core::scoring::{AlertRule, ItemKind};
use survey_core::time::CivilDate;

/// What a tallied row counts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// An option of a choice question: (question id, option value).
    Reason(String, String),
    /// A scored item answered low.
    Low(String),
    /// An alert rule.
    Alert(AlertRule),
}

/// One comment behind a bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub response: String,
    pub created_at: String,
    pub advisor: Option<String>,
    pub text: String,
}

/// One tallied row: its count in each month (oldest first) and, for the report's month
/// (the last), the comments of the responses counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub key: Key,
    pub counts: Vec<u32>,
    pub comments: Vec<Comment>,
}

impl Row {
    /// The report month's count minus the month before's.
    pub fn change(&self) -> i64 {
        let n = self.counts.len();
        match n {
            0 => 0,
            1 => i64::from(self.counts[0]),
            _ => i64::from(self.counts[n - 1]) - i64::from(self.counts[n - 2]),
        }
    }
}

/// The report: responses per month and the three tallies, each sorted by the report
/// month's count (highest first), then by the key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub responses: Vec<u32>,
    pub reasons: Vec<Row>,
    pub low: Vec<Row>,
    pub alerts: Vec<Row>,
}

/// Whether an item of a score card counts as low: a rating or matrix item in the
/// bottom two points of its scale (0-25 of 100 on five points); a yes/no answered no
/// when it judges the service (it has a SERVQUAL dimension or a metric role: "was the
/// car ready on time?", not "your first online booking?"). NPS is left to its alert.
fn is_low(item: &crate::responses::CardItem) -> bool {
    let judged = item.dimension.is_some() || item.role.is_some();
    match (item.kind, item.rescaled) {
        (ItemKind::Nps, _) | (_, None) => false,
        (ItemKind::YesNo, Some(_)) if !judged => false,
        (_, Some(r)) => r <= 25.0 + 1e-9,
    }
}

/// The keys one response counts under (each once).
fn keys_of(item: &Item) -> Vec<Key> {
    let mut keys = Vec::new();
    for (id, answer) in &item.payload.answers {
        let chosen: Vec<&String> = match answer {
            survey_core::Answer::Choice(c) => vec![c],
            survey_core::Answer::Choices(cs) => cs.iter().collect(),
            _ => Vec::new(),
        };
        for c in chosen {
            keys.push(Key::Reason(id.as_str().to_string(), c.clone()));
        }
    }
    if let Some(card) = &item.score {
        for i in &card.items {
            if is_low(i) {
                keys.push(Key::Low(i.question.clone()));
            }
        }
        for a in &card.alerts {
            keys.push(Key::Alert(a.rule));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Tallies `months` (oldest first; each the responses of one month). Comments are kept
/// for the last month only, at most `max_comments` per row (the newest).
pub fn tally(months: &[Vec<Item>], max_comments: usize) -> Report {
    let count = months.len();
    let mut rows: BTreeMap<Key, Row> = BTreeMap::new();
    for (m, items) in months.iter().enumerate() {
        for item in items {
            let text = item.comment();
            for key in keys_of(item) {
                let row = rows.entry(key.clone()).or_insert_with(|| Row {
                    key,
                    counts: vec![0; count],
                    comments: Vec::new(),
                });
                row.counts[m] += 1;
                if m + 1 == count && !text.is_empty() {
                    row.comments.push(Comment {
                        response: item.id.clone(),
                        created_at: item.payload.created_at.clone(),
                        advisor: item.context("advisor").map(str::to_string),
                        text: text.clone(),
                    });
                }
            }
        }
    }
    let mut report = Report {
        responses: months.iter().map(|m| m.len() as u32).collect(),
        ..Report::default()
    };
    for (_, mut row) in rows {
        row.comments.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        row.comments.truncate(max_comments);
        match row.key {
            Key::Reason(..) => report.reasons.push(row),
            Key::Low(_) => report.low.push(row),
            Key::Alert(_) => report.alerts.push(row),
        }
    }
    for list in [&mut report.reasons, &mut report.low, &mut report.alerts] {
        list.sort_by(|a, b| {
            b.counts
                .last()
                .cmp(&a.counts.last())
                .then_with(|| a.key.cmp(&b.key))
        });
    }
    report
}

/// The label of a reason or low item in the questionnaire's wording (`None` for an
/// alert, whose name is the console's).
pub fn label(def: Option<&Questionnaire>, key: &Key, lang: crate::i18n::Lang) -> Option<String> {
    match key {
        Key::Reason(q, option) => Some(
            def.and_then(|d| d.option_label(q, option, lang))
                .unwrap_or_else(|| format!("{q}: {option}")),
        ),
        Key::Low(q) => Some(
            def.and_then(|d| d.target_text(q, lang))
                .unwrap_or_else(|| q.clone()),
        ),
        Key::Alert(_) => None,
    }
}

/// The months of a report: `count` months ending with `(year, month)`, oldest first,
/// each with its first and last day (`YYYY-MM-DD`).
pub fn months(year: i64, month: u32, count: u32) -> Vec<(String, String, String)> {
    let end = CivilDate {
        year,
        month,
        day: 1,
    };
    (0..count)
        .rev()
        .map(|back| {
            let first = end.month_start(-i64::from(back));
            let last = first.month_start(1).plus_days(-1);
            (
                format!("{:04}-{:02}", first.year, first.month),
                first.to_string(),
                last.to_string(),
            )
        })
        .collect()
}

/// The width (0-`full`) of a bar for `value` on a scale up to `max`; a non-zero value
/// gets at least 2 units, so it is never invisible.
pub fn bar(value: u32, max: u32, full: f64) -> f64 {
    if max == 0 || value == 0 {
        return 0.0;
    }
    (full * f64::from(value) / f64::from(max)).max(2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::responses::definition;

    fn item(id: &str, created: &str, answers: &str, score: Option<&str>) -> Item {
        serde_json::from_str(&format!(
            r#"{{"id":"{id}","received_at":"{created}","verified":true,"score":{},
                "payload":{{"survey":{{"id":"post-service","version":1}},"created_at":"{created}",
                "context":{{"dealer":"D001","advisor":"A07"}},"answers":{answers}}}}}"#,
            score.unwrap_or("null")
        ))
        .expect("an item")
    }

    fn card(items: &str, alerts: &str) -> String {
        format!(
            r#"{{"scoring_version":1,"survey":"post-service","survey_version":1,"items":[{items}],
                "dimensions":[],"csi":50.0,"nps":null,"csat":null,"ces":null,"fcr":null,
                "process":{{"answered":0,"yes":0,"compliance":null}},"heart":[],"alerts":[{alerts}],"follow_up_due":null}}"#
        )
    }

    fn scored(q: &str, kind: &str, rescaled: f64) -> String {
        let role = if kind == "yes_no" && q != "first_use" {
            r#""process""#
        } else {
            "null"
        };
        format!(
            r#"{{"question":"{q}","kind":"{kind}","min":1,"max":5,"status":"answered","value":1,
                "rescaled":{rescaled},"top_box":false,"top_two_box":false,"dimension":null,"heart":null,
                "role":{role},"weight":1.0}}"#
        )
    }

    #[test]
    fn reasons_low_items_and_alerts_month_over_month() {
        let low = card(
            &[
                scored("s_lounge", "rating", 25.0),
                scored("s_quality", "rating", 50.0),
                scored("nps", "nps", 0.0),
                scored("p_on_time", "yes_no", 0.0),
                scored("first_use", "yes_no", 0.0),
            ]
            .join(","),
            r#"{"rule":"nps_detractor","question":"nps","detail":"2"}"#,
        );
        let months = vec![
            vec![item(
                "a",
                "2026-10-03T01:00:00Z",
                r#"{"what_went_wrong":{"choices":["waiting"]}}"#,
                Some(&low),
            )],
            vec![
                item(
                    "b",
                    "2026-11-03T01:00:00Z",
                    r#"{"what_went_wrong":{"choices":["waiting","price"]},"comment":{"text":"太慢"}}"#,
                    Some(&low),
                ),
                item(
                    "c",
                    "2026-11-20T01:00:00Z",
                    r#"{"what_went_wrong":{"choices":["waiting"]},"comment":{"text":"again slow"}}"#,
                    None,
                ),
                item(
                    "d",
                    "2026-11-21T01:00:00Z",
                    r#"{"comment":{"text":"fine"}}"#,
                    None,
                ),
            ],
        ];
        let r = tally(&months, 1);
        assert_eq!(r.responses, [1, 3]);
        let waiting = &r.reasons[0];
        assert_eq!(
            waiting.key,
            Key::Reason("what_went_wrong".into(), "waiting".into())
        );
        assert_eq!(waiting.counts, [1, 2]);
        assert_eq!(waiting.change(), 1);
        // The newest comment only (max 1), of the report's month.
        assert_eq!(waiting.comments.len(), 1);
        assert_eq!(waiting.comments[0].text, "again slow");
        assert_eq!(r.reasons[1].counts, [0, 1]);
        let low: Vec<&Key> = r.low.iter().map(|r| &r.key).collect();
        assert_eq!(
            low,
            [&Key::Low("p_on_time".into()), &Key::Low("s_lounge".into())],
            "25 is low, 50 is not, NPS is its alert, a HEART-only yes/no judges nothing"
        );
        assert_eq!(r.low[1].counts, [1, 1]);
        assert_eq!(r.alerts[0].key, Key::Alert(AlertRule::NpsDetractor));
        let def = definition("post-service");
        assert_eq!(
            label(def.as_ref(), &waiting.key, Lang::ZhCn).as_deref(),
            Some("等待太久或未按时交车")
        );
        assert!(label(def.as_ref(), &r.low[1].key, Lang::En)
            .is_some_and(|l| l.to_lowercase().contains("lounge")));
    }

    #[test]
    fn months_and_bars() {
        assert_eq!(
            months(2026, 2, 3),
            [
                (
                    "2025-12".to_string(),
                    "2025-12-01".to_string(),
                    "2025-12-31".to_string()
                ),
                (
                    "2026-01".to_string(),
                    "2026-01-01".to_string(),
                    "2026-01-31".to_string()
                ),
                (
                    "2026-02".to_string(),
                    "2026-02-01".to_string(),
                    "2026-02-28".to_string()
                ),
            ]
        );
        assert_eq!(months(2024, 2, 1)[0].2, "2024-02-29");
        assert_eq!(bar(0, 10, 300.0), 0.0);
        assert_eq!(bar(5, 10, 300.0), 150.0);
        assert_eq!(bar(1, 1000, 300.0), 2.0);
        assert_eq!(bar(3, 0, 300.0), 0.0);
    }
}
