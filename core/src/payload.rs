//! The response the widget posts and the collector stores (format `survey-response/1`).

use crate::answers::Answers;
use crate::context::{check_context_value, MAX_CONTEXT_KEYS};
use crate::ids::{is_valid_id, ResponseId, SurveyId};
use crate::json_strict;
use crate::questionnaire::Definition;
use crate::text::Locale;
use crate::time;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format tag of a posted response.
pub const RESPONSE_FORMAT: &str = "survey-response/1";

/// The earliest `created_at` the collector takes. No response is older, and a device
/// whose clock was reset (to 1970, or 2000-01-01 on some) says nothing about when the
/// customer answered.
pub const EARLIEST_CREATED_AT: &str = "2000-01-01T00:00:00Z";
/// How far `created_at` may be after the server's receive time: a day covers a device
/// set to the wrong time zone but calling it UTC (at most 14 h off) with room to spare;
/// beyond that the time is made up.
pub const MAX_CREATED_AHEAD_HOURS: i64 = 24;

/// One customer's response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponsePayload {
    pub format: String,
    /// Made on the device; the collector stores a response once per id.
    pub id: ResponseId,
    pub survey: SurveyRef,
    pub locale: Locale,
    /// RFC 3339 UTC time the customer submitted, from the device clock.
    pub created_at: String,
    /// The visit the response is about: dealer, repair order, advisor, visit date.
    #[serde(default)]
    pub context: BTreeMap<String, String>,
    pub answers: Answers,
    pub client: ClientInfo,
    /// The device's own scoring of the answers. The collector recomputes it with the
    /// same code and flags a disagreement, so a tampered client cannot fake a score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<crate::scoring::ScoreCard>,
}

/// Which questionnaire, and which version of it, was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyRef {
    pub id: SurveyId,
    pub version: u32,
}

/// What sent the response, for support and the widget's own HEART signals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientInfo {
    pub widget_version: String,
    pub mode: Mode,
    /// The checklist groups the customer answered with one "All yes" tap
    /// (`crate::flow::all_yes`), each once: the answers are the per-item yes/no
    /// as always; this keeps straight-lining visible to an analyst. Absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_yes: Vec<String>,
}

/// At most this many `client.all_yes` groups (a questionnaire has a few checklists).
pub const MAX_ALL_YES: usize = 32;

/// The way the customer came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The stand-alone page (QR link or direct link).
    Page,
    /// Mounted by a script tag on another site.
    Embed,
    Kiosk,
    /// An agent's phone interview in the console (`crate::interview`): stored only
    /// through the collector's signed-in `/v1/interviews`.
    Interview,
}

/// Why a payload was refused, with the field at fault; the collector sends
/// `to_string()` back as the reason.
pub type PayloadError = crate::path_error::PathError;

impl ResponsePayload {
    /// Parses a posted body; the error names the field at fault.
    pub fn from_json(body: &str) -> Result<Self, PayloadError> {
        crate::path_error::parse(body)
    }

    /// Parses a body as the server must: exactly one JSON document (only whitespace may
    /// follow it) in which no object has a key twice, at any depth. Either would let two
    /// readers of the same bytes see different responses (serde keeps the last of two
    /// `answers.nps`; a proxy or log may keep the first). Checked before the struct is
    /// read; the error names the object holding the duplicate. The widget keeps
    /// [`Self::from_json`], so this check stays out of its wasm.
    pub fn from_json_strict(body: &str) -> Result<Self, PayloadError> {
        match json_strict::check(body) {
            Ok(()) => Self::from_json(body),
            // Not JSON: the struct reader fails at the same place and names the field.
            Err(json_strict::StrictError::Syntax(e)) => {
                Err(Self::from_json(body).err().unwrap_or_else(|| PayloadError {
                    path: String::new(),
                    problem: e.to_string(),
                }))
            }
            Err(e) => Err(PayloadError {
                path: e.path().to_string(),
                problem: e.to_string(),
            }),
        }
    }

    /// Checks that `created_at` is a time the response can have been written at, given
    /// `received_at`, the server's clock when the body arrived: not before
    /// [`EARLIEST_CREATED_AT`] and at most [`MAX_CREATED_AHEAD_HOURS`] after the
    /// receipt. Earlier than the receipt is fine however long: a response can wait in
    /// a device's outbox for days. Core has no clock, hence the argument; a
    /// `received_at` that does not parse (the server's fault, not the customer's)
    /// leaves only the lower bound checked.
    pub fn check_created_at(&self, received_at: &str) -> Result<(), PayloadError> {
        let err = |problem: String| {
            Err(PayloadError {
                path: "created_at".into(),
                problem,
            })
        };
        let created = match time::parse_utc(&self.created_at) {
            Some(t) if is_rfc3339_utc(&self.created_at) => t,
            _ => return err(not_a_utc_time(&self.created_at)),
        };
        let earliest = time::parse_utc(EARLIEST_CREATED_AT);
        if earliest.is_some_and(|e| created.cmp_instant(&e).is_lt()) {
            return err(format!(
                "{:?} is before the earliest accepted time, {EARLIEST_CREATED_AT}",
                self.created_at
            ));
        }
        if let Some(mut latest) = time::parse_utc(received_at) {
            latest.seconds = latest
                .seconds
                .saturating_add(MAX_CREATED_AHEAD_HOURS * 3600);
            if created.cmp_instant(&latest).is_gt() {
                return err(format!(
                    "{:?} is more than {MAX_CREATED_AHEAD_HOURS} hours after the response \
                     was received ({received_at}): the device clock is wrong",
                    self.created_at
                ));
            }
        }
        Ok(())
    }

    /// Checks what the types alone do not: the format tag, the timestamp, context limits,
    /// and, when the questionnaire is known, every answer against its question.
    pub fn validate(&self, def: Option<&Definition>) -> Result<(), PayloadError> {
        let err = |path: &str, problem: String| {
            Err(PayloadError {
                path: path.into(),
                problem,
            })
        };
        if self.format != RESPONSE_FORMAT {
            return err(
                "format",
                format!("expected \"{RESPONSE_FORMAT}\", found {:?}", self.format),
            );
        }
        if !is_valid_id(self.survey.id.as_str()) {
            return err(
                "survey.id",
                format!("{:?} is not a valid survey id", self.survey.id.0),
            );
        }
        if !Locale::is_well_formed(self.locale.as_str()) {
            return err("locale", format!("not a language tag: {:?}", self.locale.0));
        }
        if !is_rfc3339_utc(&self.created_at) {
            return err("created_at", not_a_utc_time(&self.created_at));
        }
        if self.context.len() > MAX_CONTEXT_KEYS {
            return err("context", format!("at most {MAX_CONTEXT_KEYS} keys"));
        }
        for (k, v) in &self.context {
            if !is_valid_id(k) {
                return err("context", format!("{k:?} is not a valid key"));
            }
            if let Err(e) = check_context_value(v) {
                return err(&format!("context.{k}"), e.to_string());
            }
        }
        if self.client.widget_version.len() > 32 {
            return err("client.widget_version", "longer than 32 characters".into());
        }
        if self.client.all_yes.len() > MAX_ALL_YES {
            return err("client.all_yes", format!("at most {MAX_ALL_YES} groups"));
        }
        for (i, g) in self.client.all_yes.iter().enumerate() {
            if !is_valid_id(g) {
                return err("client.all_yes", format!("{g:?} is not a valid group id"));
            }
            if self.client.all_yes[..i].contains(g) {
                return err("client.all_yes", format!("group {g:?} is listed twice"));
            }
        }
        let Some(def) = def else { return Ok(()) };
        if let Some(g) = self.client.all_yes.iter().find(|g| {
            !def.questions()
                .any(|q| q.group.as_deref() == Some(g.as_str()))
        }) {
            return err(
                "client.all_yes",
                format!("survey \"{}\" has no checklist group {g:?}", def.id),
            );
        }
        if def.version != self.survey.version {
            return err(
                "survey.version",
                format!(
                    "survey \"{}\" is at version {}, found {}",
                    def.id, def.version, self.survey.version
                ),
            );
        }
        let in_force = def.active_answers(&self.answers);
        for (id, answer) in &self.answers {
            let Some(target) = def.answer_target(id) else {
                return err(
                    &format!("answers.{id}"),
                    format!("survey \"{}\" has no question \"{id}\"", def.id),
                );
            };
            if let Err(e) = target.check(Some(answer)) {
                return err(&format!("answers.{id}"), e.to_string());
            }
            if !in_force.contains_key(id) {
                return err(
                    &format!("answers.{id}"),
                    "not asked: a show_if hides this question for these answers".into(),
                );
            }
        }
        let visibility = def.visibility(&self.answers);
        for (p, page) in def.pages.iter().enumerate() {
            for (q, question) in page.questions.iter().enumerate() {
                if !visibility.question_active(p, q) {
                    continue;
                }
                if let Some((id, e)) = question.check_in(&self.answers).into_iter().next() {
                    return err(&format!("answers.{id}"), e.to_string());
                }
            }
        }
        Ok(())
    }
}

/// The problem of a `created_at` that is not [`is_rfc3339_utc`].
fn not_a_utc_time(found: &str) -> String {
    format!("expected an RFC 3339 UTC time like 2026-11-23T10:00:00Z, found {found:?}")
}

/// `YYYY-MM-DDTHH:MM:SS[.f…]Z`, a time that exists ([`time::parse_utc`]), with at most
/// nine fraction digits (nanoseconds; no clock gives more, and the store keeps the text).
pub fn is_rfc3339_utc(s: &str) -> bool {
    s.len() <= 30 && time::parse_utc(s).is_some()
}
