//! The VOC tally ("what went wrong", month over month) counted by the database.
//!
//! ## The guarantee
//! `GET /v1/voc` gives, for each local month of the filter's range (the dealer's
//! calendar, through [`crate::query::month_starts`]), how many responses counted under
//! each *mark*, and for the last month the newest comments behind each mark. No
//! response is read into the server to count it: the counts are one `GROUP BY` over
//! the selected rows and their marks, and the comments one windowed read of at most
//! [`COMMENTS`] rows per mark.
//!
//! ## Marks
//! A response's marks are the rows of the report it counts under, each once; they are
//! worked out when it is stored ([`marks`]) and kept in `response_marks` (migration
//! 0017; rows stored before get theirs when the collector starts, `responses.v_marked`
//! telling which are done):
//! - `r\t<question>\t<option>`: an option chosen on a choice question (single or
//!   multiple), e.g. post-service's "what went wrong?";
//! - `l\t<question>`: a scored item answered low: a rating or matrix item in the
//!   bottom two points of its scale (0-25 of 100 on five points); a yes/no answered no
//!   when it judges the service (it has a SERVQUAL dimension or a metric role: "was the
//!   car ready on time?", not "your first online booking?"). NPS is left to its alert;
//! - `a\t<rule>`: an alert rule the server card raised.
//!
//! `responses.v_commented` says whether the response has a comment (a non-empty text
//! answer), so the comments' read picks only rows that have one.
//!
//! ## One SQL for both backends
//! [`count_sql`], [`responses_sql`] and [`comments_sql`] are the statements, with the
//! backend's filter text (its placeholders) put in; SQLite and PostgreSQL run the same
//! text (`ROW_NUMBER() OVER` and `rtrim` are in both).

use crate::store::StoreError;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use survey_core::scoring::{AlertRule, ItemKind, ScoreCard};
use survey_core::{Answer, Answers};

/// Comments kept per mark for the report's month (the newest).
pub const COMMENTS: u32 = 5;

/// Whether a card's item is low (see the module docs).
fn is_low(item: &survey_core::scoring::card::ItemScore) -> bool {
    let judged = item.dimension.is_some() || item.role.is_some();
    match (item.kind, item.rescaled) {
        (ItemKind::Nps, _) | (_, None) => false,
        (ItemKind::YesNo, Some(_)) if !judged => false,
        (_, Some(r)) => r <= 25.0 + 1e-9,
    }
}

/// The name of an alert rule as the API writes it (`nps_detractor`).
fn rule_name(rule: AlertRule) -> String {
    serde_json::to_value(rule)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A response's marks (sorted, each once) and whether it has a comment.
pub fn marks(card: Option<&ScoreCard>, answers: &Answers) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut commented = false;
    for (id, answer) in answers {
        match answer {
            Answer::Choice(c) => out.push(format!("r\t{}\t{c}", id.as_str())),
            Answer::Choices(cs) => {
                out.extend(cs.iter().map(|c| format!("r\t{}\t{c}", id.as_str())))
            }
            Answer::Text(t) if !t.trim().is_empty() => commented = true,
            _ => {}
        }
    }
    if let Some(card) = card {
        out.extend(
            card.items
                .iter()
                .filter(|i| is_low(i))
                .map(|i| format!("l\t{}", i.question.as_str())),
        );
        out.extend(
            card.alerts
                .iter()
                .map(|a| format!("a\t{}", rule_name(a.rule))),
        );
    }
    out.sort();
    out.dedup();
    (out, commented)
}

/// The comment of a response's stored answers: its text answers joined, as the
/// console's list shows it.
pub fn comment(answers: &str) -> String {
    let answers: Answers = serde_json::from_str(answers).unwrap_or_default();
    survey_core::answers::comments(&answers)
}

/// Responses per month: `(month, count)`.
pub fn responses_sql(period: &str, filter: &str) -> String {
    format!("SELECT {period} AS p, COUNT(*) FROM responses WHERE {filter} GROUP BY 1")
}

/// Responses per month and mark: `(month, mark, count)`.
pub fn count_sql(period: &str, filter: &str) -> String {
    format!(
        "SELECT {period} AS p, m.mark, COUNT(*) FROM responses
         JOIN response_marks m ON m.response = responses.id
         WHERE {filter} GROUP BY 1, 2"
    )
}

/// The newest [`COMMENTS`] commented responses per mark from `since` (a
/// [`crate::query::sort_key`], checked plain by [`crate::store::totals::period_key`]
/// before it comes here): `(mark, id, created_at, advisor, answers)`.
pub fn comments_sql(filter: &str, since: &str) -> String {
    format!(
        "SELECT mark, id, created_at, advisor, answers FROM (
           SELECT m.mark AS mark, responses.id AS id, responses.created_at AS created_at,
                  responses.advisor AS advisor, responses.answers AS answers,
                  ROW_NUMBER() OVER (PARTITION BY m.mark
                                     ORDER BY responses.created_at DESC, responses.seq DESC) AS k
           FROM responses JOIN response_marks m ON m.response = responses.id
           WHERE {filter} AND responses.v_commented = 1
             AND rtrim(responses.created_at, 'Z') >= '{since}'
         ) t WHERE k <= {COMMENTS}"
    )
}

/// What the database answered for one tally.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// (month, responses).
    pub responses: Vec<(String, i64)>,
    /// (month, mark, responses).
    pub counts: Vec<(String, String, i64)>,
    /// (mark, response id, created_at, advisor, answers) of the last month.
    pub comments: Vec<(String, String, String, Option<String>, String)>,
}

/// The last month's start, checked to be a plain label and time like every period
/// start written into a statement.
pub fn last_start(starts: &[(String, String)]) -> Result<Option<String>, StoreError> {
    crate::store::totals::period_key(starts)?;
    Ok(starts.last().map(|(_, key)| key.clone()))
}

/// The reply of `/v1/voc`: the months, responses per month, and the three lists
/// (reasons, low items, alerts), each row with its count per month (oldest first) and
/// the last month's comments, sorted by the last month's count (highest first), then
/// by the mark.
pub fn reply(months: &[String], tally: &Tally) -> Value {
    let at = |m: &str| months.iter().position(|x| x == m);
    let mut responses = vec![0_i64; months.len()];
    for (m, n) in &tally.responses {
        if let Some(i) = at(m) {
            responses[i] += n;
        }
    }
    let mut rows: BTreeMap<&str, (Vec<i64>, Vec<Value>)> = BTreeMap::new();
    for (m, mark, n) in &tally.counts {
        if let Some(i) = at(m) {
            let row = rows
                .entry(mark)
                .or_insert_with(|| (vec![0; months.len()], Vec::new()));
            row.0[i] += n;
        }
    }
    let mut comments = tally.comments.clone();
    comments.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    for (mark, id, created_at, advisor, answers) in &comments {
        if let Some(row) = rows.get_mut(mark.as_str()) {
            let text = comment(answers);
            if !text.is_empty() {
                row.1.push(json!({
                    "response": id, "created_at": created_at, "advisor": advisor, "text": text,
                }));
            }
        }
    }
    let (mut reasons, mut low, mut alerts) = (Vec::new(), Vec::new(), Vec::new());
    for (mark, (counts, comments)) in rows {
        let mut parts = mark.splitn(3, '\t');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("r"), Some(q), Some(option)) => reasons.push(
                json!({ "question": q, "option": option, "counts": counts, "comments": comments }),
            ),
            (Some("l"), Some(q), None) => {
                low.push(json!({ "question": q, "counts": counts, "comments": comments }))
            }
            (Some("a"), Some(rule), None) => {
                alerts.push(json!({ "rule": rule, "counts": counts, "comments": comments }))
            }
            _ => tracing::warn!("voc: a mark of no known shape"),
        }
    }
    for list in [&mut reasons, &mut low, &mut alerts] {
        // Stable: rows came in mark order, so equal counts keep it.
        list.sort_by(|a, b| {
            let last = |v: &Value| v["counts"].as_array().and_then(|c| c.last()?.as_i64());
            last(b).cmp(&last(a))
        });
    }
    json!({
        "months": months,
        "responses": responses,
        "reasons": reasons,
        "low": low,
        "alerts": alerts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(answers: &str) -> (Option<ScoreCard>, Answers) {
        let def = match survey_core::templates::load("post-service") {
            Some(Ok(d)) => d,
            other => panic!("post-service: {other:?}"),
        };
        let answers: Answers = serde_json::from_str(answers).expect("answers");
        let card = survey_core::scoring::score(&def, &answers, &def.scoring_config());
        (Some(card), answers)
    }

    #[test]
    fn a_response_counts_under_its_reasons_low_items_and_alerts_once_each() {
        let (card, answers) = scored(
            r#"{"nps":{"scale":3},"p_on_time":{"yes_no":false},"p_appointment":"not_applicable",
                "what_went_wrong":{"choices":["waiting","price"]},"comment":{"text":" 太慢了 "}}"#,
        );
        let (m, commented) = marks(card.as_ref(), &answers);
        assert!(commented);
        assert!(
            m.contains(&"r\twhat_went_wrong\twaiting".to_string()),
            "{m:?}"
        );
        assert!(
            m.contains(&"r\twhat_went_wrong\tprice".to_string()),
            "{m:?}"
        );
        assert!(m.contains(&"l\tp_on_time".to_string()), "{m:?}");
        assert!(m.contains(&"a\tnps_detractor".to_string()), "{m:?}");
        assert!(
            !m.iter().any(|k| k == "l\tnps"),
            "NPS is its alert, not a low item"
        );
        assert!(!m.iter().any(|k| k.contains("p_appointment")));
        let mut sorted = m.clone();
        sorted.dedup();
        assert_eq!(sorted, m);
        // Unscored: only the reasons; a blank comment is no comment.
        let (m, commented) = marks(
            None,
            &answers_of(r#"{"what_went_wrong":{"choices":["price"]},"comment":{"text":"  "}}"#),
        );
        assert_eq!(m, vec!["r\twhat_went_wrong\tprice".to_string()]);
        assert!(!commented);
    }

    fn answers_of(json: &str) -> Answers {
        serde_json::from_str(json).expect("answers")
    }

    #[test]
    fn the_reply_lists_each_month_and_sorts_by_the_last() {
        let months = vec!["2026-10".to_string(), "2026-11".to_string()];
        let t = Tally {
            responses: vec![("2026-10".into(), 4), ("2026-11".into(), 6)],
            counts: vec![
                ("2026-10".into(), "r\tw\tprice".into(), 3),
                ("2026-11".into(), "r\tw\tprice".into(), 1),
                ("2026-11".into(), "r\tw\twaiting".into(), 2),
                ("2026-11".into(), "l\tp_on_time".into(), 1),
                ("2026-11".into(), "a\tnps_detractor".into(), 1),
            ],
            comments: vec![
                (
                    "r\tw\twaiting".into(),
                    "b".into(),
                    "2026-11-02T01:00:00Z".into(),
                    None,
                    r#"{"c":{"text":"old"}}"#.into(),
                ),
                (
                    "r\tw\twaiting".into(),
                    "c".into(),
                    "2026-11-20T01:00:00Z".into(),
                    Some("A1".into()),
                    r#"{"c":{"text":"new"}}"#.into(),
                ),
            ],
        };
        let r = reply(&months, &t);
        assert_eq!(r["responses"], json!([4, 6]));
        assert_eq!(r["reasons"][0]["option"], json!("waiting"));
        assert_eq!(r["reasons"][0]["counts"], json!([0, 2]));
        assert_eq!(r["reasons"][1]["counts"], json!([3, 1]));
        assert_eq!(r["reasons"][0]["comments"][0]["text"], json!("new"));
        assert_eq!(r["reasons"][0]["comments"][0]["advisor"], json!("A1"));
        assert_eq!(r["reasons"][0]["comments"][1]["text"], json!("old"));
        assert_eq!(r["low"][0]["question"], json!("p_on_time"));
        assert_eq!(r["alerts"][0]["rule"], json!("nps_detractor"));
    }
}
