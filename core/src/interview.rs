//! The phone interview (`mode=interview`): an agent at a desk reads the survey to a
//! customer on the phone and records the answers. Everything here is pure, so the
//! widget (which draws it) and the collector (which stores it) share one rule each.
//!
//! # Contract
//!
//! * **Nobody reached, nothing posted.** The call-outcome bar ends an interview in one
//!   of two ways ([`ending`]): *reached* runs the questionnaire and posts a response;
//!   *no answer*, *refused* and *call back later* post no response at all and log one
//!   attempt on the case instead (the case API's `attempt` action, [`attempt_body`]),
//!   so an unreached customer never becomes an empty or invented response.
//! * **Who and how are the server's.** A stored interview has `context.channel =
//!   "phone"` ([`CHANNEL`]) and `context.agent` = the signed-in user's login, both set
//!   by the collector from the session, never taken from the payload. The case id
//!   ([`CASE_KEY`]) or the follow-up call id ([`FOLLOWUP_KEY`]) is carried as an
//!   opaque context value, checked by [`crate::context::check_context_value`].
//! * **The interviewer is never the advisor rated** ([`interviewer_is_rated`]): the
//!   collector refuses such an interview.
//! * **Process item 9** ("called back within three days of leaving the dealer") is not
//!   a question: the customer cannot be asked it before the call, and during the call
//!   it is a fact the dealer already holds. [`called_back_within`] derives it from the
//!   visit date and the first call's time, and the collector stores it as the context
//!   value [`CALLED_BACK_KEY`] (`yes` / `no`).
//! * **Keys** ([`shortcut`]): a digit chooses an answer of the focused question, Enter
//!   continues. On a scale that starts at 0 (NPS) the digit is the score itself, so
//!   what the customer says is what the agent types; anywhere else the digit `n` is
//!   the n-th answer (`0` the tenth), as the hints beside the answers show.
//!
//! ```text
//!   outcome bar ─ reached ──────────▶ questions ─ submit ─▶ POST /v1/interviews
//!              ├ no answer ─────────▶ POST /v1/cases/{id}/events {attempt no_answer}
//!              ├ refused ───────────▶ POST /v1/cases/{id}/events {attempt refused}
//!              └ call back later ──▶ POST /v1/cases/{id}/events {attempt call_back_at t+24h}
//!   (the case's state machine, `crate::cases`, then applies the attempt as any other;
//!   an interview from the call list logs on `POST /v1/followups/{id}/attempts` instead,
//!   [`Call::attempt_request`], whose schedule, `crate::followups`, plans the next call)
//! ```

use crate::time::{self, Zone};

/// `context.channel` of a phone interview.
pub const CHANNEL: &str = "phone";
/// The context key of the case an interview was made for.
pub const CASE_KEY: &str = "case";
/// The context key of the routine follow-up call an interview was made for.
pub const FOLLOWUP_KEY: &str = "followup";
/// The context key of process item 9, derived from the call's timestamps.
pub const CALLED_BACK_KEY: &str = "called_back_3d";
/// Days after the visit within which the follow-up call counts as "within three days".
pub const CALLED_BACK_DAYS: i64 = 3;
/// "Call back later" without a time agreed: the same time tomorrow. The case page
/// can set another time; the interview screen stays one click per outcome.
pub const CALL_BACK_HOURS: i64 = 24;

/// What the agent chose on the call-outcome bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Reached,
    NoAnswer,
    Refused,
    CallBackLater,
}

impl CallOutcome {
    /// The bar's buttons, in order.
    pub const ALL: [CallOutcome; 4] = [
        CallOutcome::Reached,
        CallOutcome::NoAnswer,
        CallOutcome::Refused,
        CallOutcome::CallBackLater,
    ];
}

/// What an outcome does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The customer is on the line: ask the questions; the response is posted at the end.
    Interview,
    /// Nobody to interview: post no response; log this attempt on the case
    /// ([`attempt_body`]).
    LogAttempt,
}

/// What `outcome` does.
pub fn ending(outcome: CallOutcome) -> Ending {
    match outcome {
        CallOutcome::Reached => Ending::Interview,
        _ => Ending::LogAttempt,
    }
}

/// "Call back later" chosen at `at` (RFC 3339 UTC): [`CALL_BACK_HOURS`] later. (The
/// widget counts the same hours on the browser's clock, without this parser.)
pub fn call_back_at(at: &str) -> Option<String> {
    time::add_hours(at, CALL_BACK_HOURS)
}

/// The body of `POST /v1/cases/{id}/events` that logs `outcome` as an attempt, with
/// `call_back_at` (RFC 3339 UTC) for "call back later"; `None` for "reached", which
/// logs nothing here, and for a time that is not one. Written out rather than
/// serialised: the widget carries no serialiser for the case API's types.
pub fn attempt_body(outcome: CallOutcome, call_back_at: &str) -> Option<String> {
    let outcome = outcome_json(outcome, call_back_at)?;
    Some(format!("{{\"action\":\"attempt\",\"outcome\":{outcome}}}"))
}

/// An unreached call's outcome as both APIs spell it: `"no_answer"`, `"refused"` or
/// `{"call_back_at": "…"}`.
fn outcome_json(outcome: CallOutcome, call_back_at: &str) -> Option<String> {
    Some(match outcome {
        CallOutcome::Reached => return None,
        CallOutcome::NoAnswer => "\"no_answer\"".to_string(),
        CallOutcome::Refused => "\"refused\"".to_string(),
        CallOutcome::CallBackLater => {
            let ok = !call_back_at.is_empty()
                && call_back_at
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"-:.TZ".contains(&b));
            if !ok {
                return None;
            }
            format!("{{\"call_back_at\":\"{call_back_at}\"}}")
        }
    })
}

/// The case API path that logs an attempt on `case`; `None` for an id that is not a
/// context value (it would otherwise be pasted into a URL).
pub fn attempt_path(case: &str) -> Option<String> {
    path_id(case).map(|id| format!("/v1/cases/{id}/events"))
}

/// `id` if it may go into a URL path: a context value without `/` or `.`.
fn path_id(id: &str) -> Option<&str> {
    crate::context::check_context_value(id).ok()?;
    (!id.contains('/') && !id.contains('.')).then_some(id)
}

/// What an interview is for: a hot-alert case, or a routine follow-up call of the call
/// list. Both log an unreached call the same way, each on its own API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Case(String),
    FollowUp(String),
}

impl Call {
    /// The call an interview's context names ([`CASE_KEY`] first, then [`FOLLOWUP_KEY`]).
    pub fn of_context(context: &std::collections::BTreeMap<String, String>) -> Option<Call> {
        match (context.get(CASE_KEY), context.get(FOLLOWUP_KEY)) {
            (Some(case), _) => Some(Call::Case(case.clone())),
            (None, Some(f)) => Some(Call::FollowUp(f.clone())),
            (None, None) => None,
        }
    }

    /// The request that logs `outcome` on this call, `(path, JSON body)`: the case API's
    /// `attempt` action ([`attempt_body`]), or the call list's
    /// `POST /v1/followups/{id}/attempts {"outcome": …}` (which schedules the second
    /// attempt). `None` for "reached", an id that is not a path segment, or a bad time.
    pub fn attempt_request(
        &self,
        outcome: CallOutcome,
        call_back_at: &str,
    ) -> Option<(String, String)> {
        match self {
            Call::Case(id) => Some((attempt_path(id)?, attempt_body(outcome, call_back_at)?)),
            Call::FollowUp(id) => {
                let path = format!("/v1/followups/{}/attempts", path_id(id)?);
                Some((
                    path,
                    format!("{{\"outcome\":{}}}", outcome_json(outcome, call_back_at)?),
                ))
            }
        }
    }
}

/// Where "back" leads the agent: the case's page in the console, or the call list.
pub fn back_link(case: Option<&str>) -> String {
    match case.filter(|c| attempt_path(c).is_some()) {
        Some(c) => format!("/console#cases/{c}"),
        None => "/console#calls".to_string(),
    }
}

/// What a key pressed in an interview does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// Choose the answer at this index (0-based, in the question's order).
    Choose(usize),
    /// Go on (next page, or submit on the last).
    Continue,
}

/// The shortcut of `key` (a `KeyboardEvent.key`) on a question with `count` answers,
/// whose first answer is the score 0 when `zero_based` (NPS). `None`: not a shortcut
/// here, the browser keeps the key.
pub fn shortcut(key: &str, zero_based: bool, count: usize) -> Option<Shortcut> {
    if key == "Enter" {
        return Some(Shortcut::Continue);
    }
    let mut chars = key.chars();
    let digit = chars.next()?.to_digit(10)? as usize;
    if chars.next().is_some() {
        return None;
    }
    let index = match (zero_based, digit) {
        (true, d) => d,
        (false, 0) => 9,
        (false, d) => d - 1,
    };
    (index < count).then_some(Shortcut::Choose(index))
}

/// The key shown beside the answer at `index` (the inverse of [`shortcut`]).
pub fn key_hint(index: usize, zero_based: bool) -> Option<char> {
    let digit = match (zero_based, index) {
        (true, i) if i <= 9 => i,
        (false, 9) => 0,
        (false, i) if i < 9 => i + 1,
        _ => return None,
    };
    char::from_digit(digit as u32, 10)
}

/// Whether the interviewer would rate themself: the response's `advisor` (the visit's
/// advisor id from the repair order or QR link, e.g. `A07`) is the agent's own advisor
/// id (the account's `advisor`, set for an advisor's account) or the agent's login
/// (small dealers log in with the advisor code). Compared trimmed and ignoring ASCII
/// case, as logins are. A response without an advisor rates nobody.
pub fn interviewer_is_rated(
    advisor: Option<&str>,
    agent_login: &str,
    agent_advisor: Option<&str>,
) -> bool {
    let Some(advisor) = advisor.map(str::trim).filter(|a| !a.is_empty()) else {
        return false;
    };
    let same = |other: &str| {
        let other = other.trim();
        !other.is_empty() && other.eq_ignore_ascii_case(advisor)
    };
    same(agent_login) || agent_advisor.is_some_and(same)
}

/// Process item 9: whether the first call (`first_call`, RFC 3339) came within
/// [`CALLED_BACK_DAYS`] calendar days after the visit (`visit_date`, `YYYY-MM-DD` in the
/// dealer's zone `zone`). `None` when either is missing or unreadable (not asked,
/// never guessed), or when the call is dated before the visit.
pub fn called_back_within(visit_date: Option<&str>, first_call: &str, zone: Zone) -> Option<bool> {
    let visit = time::parse_date(visit_date?)?;
    let call = time::epoch_millis(first_call)?.div_euclid(1000);
    let (call_day, _) = zone.local(call);
    let after = call_day - visit;
    (after >= 0).then_some(after <= CALLED_BACK_DAYS)
}

/// The earliest of the given UTC times (`…Z`, as the collector stores them: the case's
/// attempts and this call); an unreadable one is skipped.
pub fn first_call<'a>(times: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    times
        .into_iter()
        .filter_map(|t| time::epoch_millis(t).map(|ms| (ms, t)))
        .min_by_key(|(ms, _)| *ms)
        .map(|(_, t)| t)
}

#[cfg(test)]
mod tests;
