//! The monthly voice-of-the-customer report: what went wrong, month over month: the
//! reasons customers chose (every choice question of the questionnaire, e.g.
//! post-service's "what went wrong?"), the low items and the alerts that asked for a
//! follow-up call, with the comments behind each bar of the report's month. The
//! database counts them (`GET /v1/voc`, the collector's `voc.rs`, which holds the rule
//! of what counts as low); this module reads its reply, names the rows in the
//! questionnaire's wording and lays out the months. Pure, so it is tested natively;
//! `report.rs` lays it out.

use crate::responses::Questionnaire;
use serde::Deserialize;
use survey_core::scoring::AlertRule;
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

/// `GET /v1/voc` as the collector sends it: the months, responses per month, and the
/// three lists, each row's counts per month and the last month's comments.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Reply {
    pub months: Vec<String>,
    pub responses: Vec<u32>,
    pub reasons: Vec<ReplyRow>,
    pub low: Vec<ReplyRow>,
    pub alerts: Vec<ReplyRow>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReplyRow {
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub option: Option<String>,
    #[serde(default)]
    pub rule: Option<AlertRule>,
    pub counts: Vec<u32>,
    pub comments: Vec<ReplyComment>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReplyComment {
    pub response: String,
    pub created_at: String,
    pub advisor: Option<String>,
    pub text: String,
}

impl Reply {
    /// The report, at most `max_comments` comments per row (the collector's newest
    /// first), in the collector's order; a row of no known shape is left out.
    pub fn report(self, max_comments: usize) -> Report {
        let row = |r: ReplyRow| -> Option<Row> {
            let key = match (r.question, r.option, r.rule) {
                (Some(q), Some(o), _) => Key::Reason(q, o),
                (Some(q), None, _) => Key::Low(q),
                (None, _, Some(rule)) => Key::Alert(rule),
                _ => return None,
            };
            Some(Row {
                key,
                counts: r.counts,
                comments: r
                    .comments
                    .into_iter()
                    .take(max_comments)
                    .map(|c| Comment {
                        response: c.response,
                        created_at: c.created_at,
                        advisor: c.advisor,
                        text: c.text,
                    })
                    .collect(),
            })
        };
        Report {
            responses: self.responses,
            reasons: self.reasons.into_iter().filter_map(row).collect(),
            low: self.low.into_iter().filter_map(row).collect(),
            alerts: self.alerts.into_iter().filter_map(row).collect(),
        }
    }
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

    #[test]
    fn the_collectors_tally_reads_as_the_report() {
        let reply: Reply = serde_json::from_str(
            r#"{"months":["2026-10","2026-11"],"responses":[1,3],
                "reasons":[{"question":"what_went_wrong","option":"waiting","counts":[1,2],
                  "comments":[{"response":"c","created_at":"2026-11-20T01:00:00Z","advisor":"A07","text":"again slow"},
                              {"response":"b","created_at":"2026-11-03T01:00:00Z","advisor":null,"text":"太慢"}]}],
                "low":[{"question":"s_lounge","counts":[1,1],"comments":[]}],
                "alerts":[{"rule":"nps_detractor","counts":[1,1],"comments":[]},{"counts":[1,1],"comments":[]}],
                "filter":{}}"#,
        )
        .expect("the reply");
        let r = reply.report(1);
        assert_eq!(r.responses, [1, 3]);
        let waiting = &r.reasons[0];
        assert_eq!(
            waiting.key,
            Key::Reason("what_went_wrong".into(), "waiting".into())
        );
        assert_eq!(waiting.change(), 1);
        assert_eq!(waiting.comments.len(), 1, "at most 1, the newest");
        assert_eq!(waiting.comments[0].text, "again slow");
        assert_eq!(r.low[0].key, Key::Low("s_lounge".into()));
        assert_eq!(r.alerts.len(), 1, "a row of no known shape is left out");
        assert_eq!(r.alerts[0].key, Key::Alert(AlertRule::NpsDetractor));
        let def = definition("post-service");
        assert_eq!(
            label(def.as_ref(), &waiting.key, Lang::ZhCn).as_deref(),
            Some("等待太久或未按时交车")
        );
        assert!(label(def.as_ref(), &r.low[0].key, Lang::En)
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
