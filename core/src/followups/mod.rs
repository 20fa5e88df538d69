//! Routine follow-up calls: when every visit's customer is called, and what each call
//! attempt does to that schedule.
//!
//! The seeds' rule (`shared/domain.md`): "First follow-up call 3 days to 1 week after
//! pickup; a second within 7 days after that." Every visit the collector knows (a
//! signed QR link issued for a repair order, or an imported repair order) gets one
//! [`FollowUp`]; the call list is the follow-ups due now. This module decides the
//! schedule and every change of it — who may log an attempt, from which state, with
//! what — and nothing else: no clock, no ids, no I/O. The time and the actor arrive in
//! the [`Attempt`]; the server stores what [`apply`] returns.
//!
//! # Guarantee
//!
//! - One follow-up per visit, a visit being one (dealer, repair order) (the collector's
//!   unique constraint): importing the same repair orders twice schedules nothing twice.
//! - A follow-up changes only through [`apply`]; a refusal is a [`FollowUpError`] with
//!   one line a dealer can act on and a class ([`ErrorKind`], the cases' own) the server
//!   maps to 403 / 409 / 422. A refused attempt changes nothing and is not recorded.
//! - Every accepted attempt is recorded by the server as a history row (who, when,
//!   outcome, note), as case events are.
//!
//! # Lifecycle
//!
//! ```text
//!                 unreached (no_answer | busy | wrong_number)
//!   ┌─────┐ ───────────────────────────────────────────────▶ ┌───────┐ unreached ┌─────────────┐
//!   │ due │   second attempt: from the next day, within 7    │ retry │ ────────▶ │ unreachable │
//!   └─────┘                                                  └───────┘           └─────────────┘
//!    │  │ ▲ call_back_at(t): due at t again, attempts kept     │  │ ▲
//!    │  │ └──┘                                                 │  │ └──┘ call_back_at(t)
//!    │  └── reached ──▶ ┌─────────┐ ◀── reached ───────────────┘  │
//!    │                  │ reached │                                │
//!    └───── refused ──▶ ┌─────────┐ ◀── refused ───────────────────┘
//!                       │ refused │
//!                       └─────────┘
//!   reached, refused, unreachable: finished; a further attempt is refused (409).
//! ```
//!
//! # The schedule (dealer's calendar)
//!
//! - **First call**: due from 00:00 of pickup + 3 days, dealer time (the customer has
//!   driven the car for a few days), on time through pickup + 7 days, **overdue** from
//!   00:00 of pickup + 8. Days are the dealer's local days ([`Zone`], the offset of the
//!   dealer's `time_zone`), so a visit picked up on the 28th of November in Shanghai is
//!   due from 1 December 00:00 +08:00 (30 November 16:00Z), whatever the UTC date.
//! - **Second attempt** after an unreached one (no answer, busy, wrong number): due from
//!   00:00 of the next local day, overdue from 00:00 of the 8th day after the unreached
//!   call ("a second within 7 days after that"). Wrong number counts as unreached, not
//!   as the end: the dealer can often find the right number in its own system, and the
//!   second attempt is that chance; after it, the follow-up is unreachable either way.
//! - **After the second unreached attempt** the customer is unreachable: the call list
//!   drops it, coverage counts it as called.
//! - **Reached** or **refused** ends it: the customer heard from the dealer.
//! - **Call back at t**: the customer was reached but asked for a later call; the call
//!   is due at t and overdue from the next local midnight after t (a promised time is a
//!   promise), attempts unchanged. t must be after the attempt.
//! - **Too early**: the first call is refused before it is due (a call on the day of
//!   pickup asks a customer who has not driven the car yet); a second attempt may be
//!   made as soon as the agent wants (it is listed from the next day).
//! - **Lapsed**: an open call still not made [`LAPSE_DAYS`] days after it became
//!   overdue (about four weeks after pickup) is no longer a routine follow-up of that
//!   service: the customer has moved on, and a year of such calls at the top of the list
//!   hid this week's (seen on the demo's year of data, where the list's first 100 rows
//!   were all a year old). It leaves the call list ([`lapse_cutoff`]); its status is
//!   unchanged, so coverage and the targets count it as not called, and an attempt may
//!   still be logged if an agent calls anyway. Nothing is written: lapsing is a reading
//!   of the clock, like overdue.
//! - **Weekends count by default** ([`Schedule::weekends_count`], the dealer's cases
//!   setting, one setting for both): the call centre calls seven days a week. A dealer
//!   whose desk works Monday to Friday sets it to `false`; then a due day or a last
//!   on-time day that falls on a Saturday or Sunday moves to the following Monday (the
//!   window is never shorter than in calendar days). Public holidays are not known.
//!
//! # Who may log an attempt ([`authorize`])
//!
//! | actor | may |
//! |---|---|
//! | group admin | any follow-up |
//! | dealer manager, follow-up agent | the follow-ups of their dealers |
//! | service advisor | nothing: the call asks the customer about the advisor's service |
//! | system | nothing: a call is made by a person |

#[cfg(test)]
mod tests;

pub use crate::cases::{Actor, Dealers, ErrorKind, Outcome, Role};
use crate::time::{epoch_millis, format_date, format_utc, is_weekend, parse_date, parse_utc};
use crate::time::{UtcTime, Zone};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a follow-up is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The first call is to be made.
    Due,
    /// The first call did not reach the customer; the second is to be made.
    Retry,
    Reached,
    Refused,
    /// Two attempts did not reach the customer.
    Unreachable,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Due,
        Status::Retry,
        Status::Reached,
        Status::Refused,
        Status::Unreachable,
    ];

    /// The stored and shown name (`due`, `retry`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Due => "due",
            Status::Retry => "retry",
            Status::Reached => "reached",
            Status::Refused => "refused",
            Status::Unreachable => "unreachable",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Still to be called (on the call list).
    pub fn is_open(self) -> bool {
        matches!(self, Status::Due | Status::Retry)
    }
}

/// How a dealer's calendar runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The dealer's offset (the collector reads it from the dealer's IANA zone).
    pub zone: Zone,
    /// Whether Saturdays and Sundays are calling days (see the module docs).
    pub weekends_count: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            zone: Zone::SHANGHAI,
            weekends_count: true,
        }
    }
}

impl Schedule {
    /// `day`, or the next Monday when it is a weekend day and weekends do not count.
    fn calling_day(&self, mut day: i64) -> i64 {
        if !self.weekends_count {
            while is_weekend(day) {
                day += 1;
            }
        }
        day
    }

    /// 00:00 of local `day`, as stored (`…T16:00:00.000Z`).
    fn midnight(&self, day: i64) -> Option<String> {
        millis_text(self.zone.utc(day, 0))
    }

    /// The window of a call due on local day `due` and on time through local day
    /// `last`, each moved to a calling day.
    fn window(&self, due: i64, last: i64) -> Option<Window> {
        let due = self.calling_day(due);
        let last = self.calling_day(last).max(due);
        Some(Window {
            due_on: format_date(due),
            due_at: self.midnight(due)?,
            overdue_at: self.midnight(last + 1)?,
        })
    }
}

/// `seconds` as `YYYY-MM-DDTHH:MM:SS.000Z`, like every time the collector stores, so
/// stored times compare as text.
fn millis_text(seconds: i64) -> Option<String> {
    format_utc(&UtcTime {
        seconds,
        fraction: ".000".into(),
    })
}

/// Days past its overdue time after which an open call leaves the call list (see the
/// module docs: "Lapsed").
pub const LAPSE_DAYS: i64 = 21;

/// The call list at `now` (a stored time) holds the open calls that became overdue
/// after this instant (or are not overdue yet); those overdue at or before it have
/// lapsed. `None` when `now` is not a stored time.
pub fn lapse_cutoff(now: &str) -> Option<String> {
    crate::time::add_hours(now, -24 * LAPSE_DAYS)
}

/// When the next call is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// The local date it is due (what the call list groups by).
    pub due_on: String,
    /// 00:00 of `due_on`, dealer time, in UTC: on the list from here.
    pub due_at: String,
    /// Overdue from here (UTC).
    pub overdue_at: String,
}

/// The first call of a visit picked up on `pickup` (`YYYY-MM-DD`, the dealer's date).
pub fn first_call(pickup: &str, schedule: &Schedule) -> Option<Window> {
    let day = parse_date(pickup)?;
    schedule.window(day + 3, day + 7)
}

/// The second attempt after a call that did not reach the customer at `unreached_at`
/// (RFC 3339 UTC).
pub fn second_attempt(unreached_at: &str, schedule: &Schedule) -> Option<Window> {
    let (day, _) = schedule.zone.local(parse_utc(unreached_at)?.seconds);
    schedule.window(day + 1, day + 7)
}

/// A call-back the customer asked for at `t` (RFC 3339 UTC): due at `t`, overdue from
/// the next local midnight.
pub fn call_back(t: &str, schedule: &Schedule) -> Option<Window> {
    let parsed = parse_utc(t)?;
    let (day, _) = schedule.zone.local(parsed.seconds);
    Some(Window {
        due_on: format_date(day),
        due_at: millis_text(parsed.seconds)?,
        overdue_at: schedule.midnight(day + 1)?,
    })
}

/// A visit's routine follow-up, as stored (besides its history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub dealer: String,
    /// The pickup date, `YYYY-MM-DD` in the dealer's calendar.
    pub pickup: String,
    pub status: Status,
    /// Attempts that did not reach the customer.
    pub unreached: u32,
    /// Every attempt logged.
    pub attempts: u32,
    /// The next call (for a finished follow-up: the last one it had).
    pub window: Window,
    pub last_attempt_at: Option<String>,
    /// When it was reached, refused or given up on.
    pub finished_at: Option<String>,
}

impl FollowUp {
    /// The follow-up of a visit of `dealer` picked up on `pickup`.
    pub fn schedule(
        dealer: &str,
        pickup: &str,
        schedule: &Schedule,
    ) -> Result<FollowUp, FollowUpError> {
        let window = first_call(pickup, schedule).ok_or_else(|| FollowUpError::BadPickup {
            given: pickup.to_string(),
        })?;
        Ok(FollowUp {
            dealer: dealer.to_string(),
            pickup: pickup.to_string(),
            status: Status::Due,
            unreached: 0,
            attempts: 0,
            window,
            last_attempt_at: None,
            finished_at: None,
        })
    }

    /// On the call list at `now`: still open and due (an overdue one included).
    pub fn is_due(&self, now: &str) -> bool {
        match (epoch_millis(now), epoch_millis(&self.window.due_at)) {
            (Some(now), Some(due)) => self.status.is_open() && now >= due,
            _ => false,
        }
    }

    /// Still open and past its window at `now`.
    pub fn is_overdue(&self, now: &str) -> bool {
        match (epoch_millis(now), epoch_millis(&self.window.overdue_at)) {
            (Some(now), Some(overdue)) => self.status.is_open() && now >= overdue,
            _ => false,
        }
    }
}

/// The longest note on an attempt: a line, not a file.
pub const MAX_NOTE_CHARS: usize = 500;

/// One call attempt: when (RFC 3339 UTC), by whom, what it gave, a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub at: String,
    pub actor: Actor,
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// Why an attempt was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUpError {
    AdvisorCannotCall,
    SystemCannotCall,
    OtherDealer {
        dealer: String,
    },
    /// The attempt's time is not RFC 3339 UTC.
    BadTime,
    BadCallBackTime,
    /// A call-back time not after the attempt.
    CallBackInPast,
    NoteTooLong,
    /// A pickup date that is not `YYYY-MM-DD` (scheduling).
    BadPickup {
        given: String,
    },
    /// The first call before its due day.
    NotDueYet {
        due_on: String,
    },
    /// Reached, refused or unreachable already.
    Finished {
        status: Status,
    },
}

impl FollowUpError {
    pub fn kind(&self) -> ErrorKind {
        use FollowUpError::*;
        match self {
            AdvisorCannotCall | SystemCannotCall | OtherDealer { .. } => ErrorKind::Forbidden,
            NotDueYet { .. } | Finished { .. } => ErrorKind::Conflict,
            BadTime | BadCallBackTime | CallBackInPast | NoteTooLong | BadPickup { .. } => {
                ErrorKind::Invalid
            }
        }
    }
}

impl fmt::Display for FollowUpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FollowUpError::*;
        match self {
            AdvisorCannotCall => f.write_str(
                "a service advisor does not make the follow-up calls about their own service; ask a follow-up agent",
            ),
            SystemCannotCall => f.write_str("a follow-up call is logged by the person who made it"),
            OtherDealer { dealer } => {
                write!(f, "this visit is of dealer {dealer}, which you do not work for")
            }
            BadTime => f.write_str("the attempt's time is not an RFC 3339 UTC time"),
            BadCallBackTime => f.write_str(
                "call_back_at must be an RFC 3339 UTC time, e.g. 2026-12-05T09:30:00Z",
            ),
            CallBackInPast => f.write_str("call_back_at must be later than now"),
            NoteTooLong => write!(f, "keep the note under {MAX_NOTE_CHARS} characters"),
            BadPickup { given } => {
                write!(f, "pickup date {given:?} is not a date (YYYY-MM-DD)")
            }
            NotDueYet { due_on } => write!(
                f,
                "this call is due from {due_on} (3 days after pickup); call then"
            ),
            Finished { status } => write!(
                f,
                "this follow-up is {} already; nothing is left to call",
                status.as_str()
            ),
        }
    }
}

/// May `actor` log a call on `followup`? The one permission check.
pub fn authorize(followup: &FollowUp, actor: &Actor) -> Result<(), FollowUpError> {
    match actor {
        Actor::System => Err(FollowUpError::SystemCannotCall),
        Actor::Person {
            role: Role::ServiceAdvisor,
            ..
        } => Err(FollowUpError::AdvisorCannotCall),
        Actor::Person { dealers, .. } if !dealers.allows(Some(&followup.dealer)) => {
            Err(FollowUpError::OtherDealer {
                dealer: followup.dealer.clone(),
            })
        }
        Actor::Person { .. } => Ok(()),
    }
}

/// The follow-up after `attempt`, or why not. Permission first (an outsider learns
/// nothing of the state from the refusal), then the attempt's own fields, then state.
pub fn apply(
    followup: &FollowUp,
    attempt: &Attempt,
    schedule: &Schedule,
) -> Result<FollowUp, FollowUpError> {
    authorize(followup, &attempt.actor)?;
    let at = epoch_millis(&attempt.at).ok_or(FollowUpError::BadTime)?;
    if let Outcome::CallBackAt(t) = &attempt.outcome {
        let when = epoch_millis(t).ok_or(FollowUpError::BadCallBackTime)?;
        if when <= at {
            return Err(FollowUpError::CallBackInPast);
        }
    }
    if attempt
        .note
        .as_deref()
        .is_some_and(|n| n.trim().chars().count() > MAX_NOTE_CHARS)
    {
        return Err(FollowUpError::NoteTooLong);
    }
    if !followup.status.is_open() {
        return Err(FollowUpError::Finished {
            status: followup.status,
        });
    }
    if followup.status == Status::Due
        && followup.attempts == 0
        && epoch_millis(&followup.window.due_at).is_some_and(|due| at < due)
    {
        return Err(FollowUpError::NotDueYet {
            due_on: followup.window.due_on.clone(),
        });
    }
    let mut next = followup.clone();
    next.attempts = followup.attempts.saturating_add(1);
    next.last_attempt_at = Some(attempt.at.clone());
    let finish = |next: &mut FollowUp, status: Status| {
        next.status = status;
        next.finished_at = Some(attempt.at.clone());
    };
    match &attempt.outcome {
        Outcome::Reached => finish(&mut next, Status::Reached),
        Outcome::Refused => finish(&mut next, Status::Refused),
        Outcome::CallBackAt(t) => {
            next.window = call_back(t, schedule).ok_or(FollowUpError::BadCallBackTime)?;
        }
        Outcome::NoAnswer | Outcome::Busy | Outcome::WrongNumber => {
            next.unreached = followup.unreached.saturating_add(1);
            if next.unreached >= 2 {
                finish(&mut next, Status::Unreachable);
            } else {
                next.status = Status::Retry;
                next.window =
                    second_attempt(&attempt.at, schedule).ok_or(FollowUpError::BadTime)?;
            }
        }
    }
    Ok(next)
}

/// The name of an outcome as stored in the history and shown (`no_answer`, …).
pub fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Reached => "reached",
        Outcome::NoAnswer => "no_answer",
        Outcome::Busy => "busy",
        Outcome::Refused => "refused",
        Outcome::WrongNumber => "wrong_number",
        Outcome::CallBackAt(_) => "call_back_at",
    }
}

/// Below this share of visits invited or called, coverage is marked low: a dealer who
/// hands the survey only to the customers it expects to be happy shows here.
pub const LOW_COVERAGE: f64 = 0.8;

/// One dealer's or advisor's visits and what came of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    pub visits: i64,
    /// Visits a survey link was issued for.
    pub invited: i64,
    /// Visits with a response for their repair order.
    pub responded: i64,
    /// Visits whose follow-up call was attempted.
    pub called: i64,
}

impl Coverage {
    /// Fewer than [`LOW_COVERAGE`] of the visits invited or called (none is not low:
    /// there is nothing to cover).
    pub fn is_low(&self) -> bool {
        if self.visits <= 0 {
            return false;
        }
        let share = |n: i64| n as f64 / self.visits as f64;
        share(self.invited) < LOW_COVERAGE || share(self.called) < LOW_COVERAGE
    }
}
