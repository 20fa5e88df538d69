//! The server's own scoring of a response: the same survey-core code the widget ran,
//! so the card a dealer acts on cannot be faked by a tampered client.
//!
//! The client's card is kept (it helps find a widget that scores differently), but only
//! the server's is used for alerts, follow-up times and reports.

use std::panic::{catch_unwind, AssertUnwindSafe};
use survey_core::scoring::totals::Outcomes;
use survey_core::scoring::{follow_up_base, score_at, ScoreCard};
use survey_core::{Definition, ResponsePayload};

/// The outcome of rescoring one response.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The server's card; `None` for a survey the collector has no definition of.
    pub server: Option<ScoreCard>,
    /// The client sent a card and it differs from the server's.
    pub mismatch: bool,
    /// Whether the car was fixed right the first time, on the questions the
    /// definition's alert rules list for it (n 0 when none was answered or unscored).
    pub fixed_first_time: Outcomes,
}

/// Scores `payload` against `def` (its built-in definition, if the collector knows the
/// survey) and compares the result with the card the client sent, if any. Cards are
/// compared as JSON values, numbers within [`RELATIVE_TOLERANCE`]: the client ran the
/// same code on the same answers, so any larger difference is a different scorer or a
/// tampered card.
///
/// `received_at` is the server's clock when the body arrived. The follow-up is due from
/// [`follow_up_base`]: the device's `created_at`, unless that clock runs ahead of the
/// server's. Then the server's card counts from the receipt, and the client's is compared
/// with what an honest widget computes from its own clock, since a wrong clock is not a
/// tampered card.
pub fn verify(def: Option<&Definition>, payload: &ResponsePayload, received_at: &str) -> Verified {
    let Some(def) = def else {
        return Verified {
            server: None,
            mismatch: false,
            fixed_first_time: Outcomes::default(),
        };
    };
    let base = follow_up_base(&payload.created_at, received_at);
    // Scoring is documented never to panic; if it ever did, the response is still
    // stored (unscored) rather than lost.
    let scored = catch_unwind(AssertUnwindSafe(|| {
        let config = def.scoring_config();
        let server = score_at(def, &payload.answers, &config, base);
        let honest_client = (base != payload.created_at)
            .then(|| score_at(def, &payload.answers, &config, &payload.created_at));
        let fixed =
            crate::store::totals::fixed_first_time(&server, &config.alerts.not_fixed_first_time);
        (server, honest_client, fixed)
    }));
    let Ok((server, honest_client, fixed_first_time)) = scored else {
        tracing::error!(response = %payload.id, "scoring the response panicked; stored unscored");
        return Verified {
            server: None,
            mismatch: false,
            fixed_first_time: Outcomes::default(),
        };
    };
    let expected = honest_client.as_ref().unwrap_or(&server);
    let mismatch = payload
        .score
        .as_ref()
        .is_some_and(|client| !same_card(client, expected));
    Verified {
        server: Some(server),
        mismatch,
        fixed_first_time,
    }
}

/// Numbers closer than this, relative to their size, count as equal. Scores are means of
/// rescaled small integers shown to one decimal; a scorer that sums in another order
/// (a browser's float printing, another language) differs around 1e-15. Anything a
/// tampered card changes is far larger.
pub const RELATIVE_TOLERANCE: f64 = 1e-9;

/// Equal as JSON values (what is stored and exported), numbers within
/// [`RELATIVE_TOLERANCE`], everything else exactly.
fn same_card(a: &ScoreCard, b: &ScoreCard) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => same_value(&a, &b),
        _ => false,
    }
}

fn same_value(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => {
                x == y || (x - y).abs() <= RELATIVE_TOLERANCE * x.abs().max(y.abs())
            }
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}

/// The one stderr line for a disagreement: ids and scores only, no customer data.
pub fn mismatch_line(id: &str, client: Option<&ScoreCard>, server: Option<&ScoreCard>) -> String {
    let csi = |card: Option<&ScoreCard>| match card.and_then(|c| c.csi) {
        Some(v) => v.to_string(),
        None => "null".into(),
    };
    format!(
        "score mismatch for response {id}: client csi={} server csi={}",
        csi(client),
        csi(server)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use survey_core::templates;

    /// When the test responses arrive: a minute after their `created_at`.
    const RECEIVED: &str = "2026-11-23T10:01:00Z";

    fn payload(nps: u8, with_score: bool) -> (Definition, ResponsePayload) {
        payload_at(nps, with_score, "2026-11-23T10:00:00Z")
    }

    /// A response made at `created_at` by the device's clock, with the honest card that
    /// clock gives if `with_score`.
    fn payload_at(nps: u8, with_score: bool, created_at: &str) -> (Definition, ResponsePayload) {
        let def = match templates::load("post-service") {
            Some(Ok(d)) => d,
            other => panic!("post-service template: {other:?}"),
        };
        let json = format!(
            r#"{{"format":"survey-response/1","id":"0f8fad5b-d9cb-469f-a165-70867728950e",
               "survey":{{"id":"post-service","version":{}}},"locale":"en",
               "created_at":"{created_at}","context":{{}},
               "answers":{{"nps":{{"scale":{nps}}}}},
               "client":{{"widget_version":"0.1.0","mode":"page"}}}}"#,
            def.version
        );
        let mut p = match ResponsePayload::from_json(&json) {
            Ok(p) => p,
            Err(e) => panic!("test payload: {e}"),
        };
        if with_score {
            p.score = Some(score_at(
                &def,
                &p.answers,
                &def.scoring_config(),
                &p.created_at,
            ));
        }
        (def, p)
    }

    #[test]
    fn an_honest_card_matches() {
        let (def, p) = payload(3, true);
        let v = verify(Some(&def), &p, RECEIVED);
        assert!(!v.mismatch);
        assert_eq!(v.server, p.score);
        let due = v.server.and_then(|c| c.follow_up_due);
        assert_eq!(due.as_deref(), Some("2026-11-25T10:00:00Z"));
    }

    /// A clock ahead of the server's would put the dealer's call late: the server counts
    /// from the receipt, and the honest card of the wrong clock is still no mismatch.
    #[test]
    fn a_device_clock_ahead_counts_from_the_receipt() {
        let (def, p) = payload_at(3, true, "2026-11-23T13:00:00Z");
        let v = verify(Some(&def), &p, RECEIVED);
        assert!(!v.mismatch);
        let due = v.server.and_then(|c| c.follow_up_due);
        assert_eq!(due.as_deref(), Some("2026-11-25T10:01:00Z"));
        let client_due = p.score.and_then(|c| c.follow_up_due);
        assert_eq!(client_due.as_deref(), Some("2026-11-25T13:00:00Z"));
        // A changed card is still caught when the clocks disagree.
        let (def, mut p) = payload_at(3, true, "2026-11-23T13:00:00Z");
        if let Some(card) = p.score.as_mut() {
            card.alerts.clear();
        }
        assert!(verify(Some(&def), &p, RECEIVED).mismatch);
    }

    /// A response queued offline for days keeps its own time: the customer has waited
    /// since they answered.
    #[test]
    fn a_response_queued_for_days_counts_from_its_creation() {
        let (def, p) = payload_at(3, true, "2026-11-20T08:30:00Z");
        let v = verify(Some(&def), &p, RECEIVED);
        assert!(!v.mismatch);
        let due = v.server.and_then(|c| c.follow_up_due);
        assert_eq!(due.as_deref(), Some("2026-11-22T08:30:00Z"));
    }

    #[test]
    fn a_changed_card_does_not() {
        let (def, mut p) = payload(3, true);
        if let Some(card) = p.score.as_mut() {
            card.alerts.clear();
        }
        let v = verify(Some(&def), &p, RECEIVED);
        assert!(v.mismatch);
        assert_eq!(v.server.map(|c| c.alerts.len()), Some(1));
    }

    #[test]
    fn no_card_or_no_definition_is_no_mismatch() {
        let (def, p) = payload(9, false);
        let v = verify(Some(&def), &p, RECEIVED);
        assert!(!v.mismatch);
        assert!(v.server.is_some());
        let (_, p) = payload(9, true);
        assert_eq!(
            verify(None, &p, RECEIVED),
            Verified {
                server: None,
                mismatch: false,
                fixed_first_time: Outcomes::default(),
            }
        );
    }

    /// The widget writes floats with the shortest round-trip text; the collector must read
    /// them back bit for bit, or an honest card would be flagged (serde_json needs its
    /// `float_roundtrip` feature for that: without it, 1/11 reads one bit off).
    #[test]
    fn a_card_survives_the_json_round_trip_exactly() -> Result<(), serde_json::Error> {
        let (def, mut p) = payload(3, true);
        if let Some(card) = p.score.as_mut() {
            card.csi = Some(1.0 / 11.0);
            card.process.compliance = Some(10.0 / 11.0);
        }
        let back = ResponsePayload::from_json(&serde_json::to_string(&p)?)
            .map_err(|e| serde::de::Error::custom(e.to_string()))?;
        assert_eq!(back.score, p.score);
        let mut honest = back.clone();
        honest.score = verify(Some(&def), &back, RECEIVED).server;
        let honest = ResponsePayload::from_json(&serde_json::to_string(&honest)?)
            .map_err(|e| serde::de::Error::custom(e.to_string()))?;
        assert!(!verify(Some(&def), &honest, RECEIVED).mismatch);
        Ok(())
    }

    #[test]
    fn the_log_line_has_scores_only() {
        let (def, mut p) = payload(3, true);
        let server = verify(Some(&def), &p, RECEIVED).server;
        if let Some(card) = p.score.as_mut() {
            card.csi = Some(100.0);
        }
        assert_eq!(
            mismatch_line("abc", p.score.as_ref(), server.as_ref()),
            "score mismatch for response abc: client csi=100 server csi=null"
        );
    }

    #[test]
    fn float_noise_is_not_a_mismatch_but_a_real_change_is() {
        let (def, mut p) = payload(3, true);
        let nudge = |p: &mut ResponsePayload, by: f64| {
            let Some(item) = p
                .score
                .as_mut()
                .and_then(|c| c.items.iter_mut().find(|i| i.rescaled.is_some()))
            else {
                panic!("a scored item");
            };
            item.rescaled = item.rescaled.map(|r| r * (1.0 + by));
        };
        nudge(&mut p, 1e-15);
        assert!(
            !verify(Some(&def), &p, RECEIVED).mismatch,
            "1e-15 relative is noise"
        );
        nudge(&mut p, 1e-3);
        assert!(
            verify(Some(&def), &p, RECEIVED).mismatch,
            "0.1% is a change"
        );
    }
}
