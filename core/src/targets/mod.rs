//! Follow-up targets: how well a dealer and each agent close the loop, as figures a
//! manager is judged by. Pure arithmetic over facts the collector reads; no clock, no
//! I/O (`now` arrives as an argument).
//!
//! # Contract
//!
//! The collector gives, for one period, the cases opened in it (each with its current
//! [`Case`] and, where its customer answered the "did we solve it?" survey, whether it
//! was solved) and the visits whose first routine call fell due in it (each with its
//! pickup date and its first call attempt). Cases are few (one per unhappy response)
//! and visits one per repair order, so the facts are read per row and counted here: one
//! definition of every figure, tested natively, for both stores.
//!
//! # Definitions
//!
//! **Cases** ([`case_targets`]):
//! - *opened*: cases opened in the period.
//! - *contacted within due*: the customer was first reached (`contacted_at`) at or
//!   before the case's due time. A case reached after its due time, or never reached
//!   while its due time has passed, **misses**. A case not reached yet whose due time is
//!   still ahead is **pending**: it has neither met nor missed the rule, so it is left
//!   out of the rate (counting it as a miss would punish a case opened an hour ago). The
//!   rate is `within / (within + missed)`; its goal is 100% (the seeds: every complaint
//!   answered within 2 days).
//! - *escalated*: cases with an escalation recorded.
//! - *unreachable*: cases never reached that are unreachable, or closed as given up on.
//! - *time to first contact*: `contacted_at − created_at`, hours, over reached cases.
//! - *time to resolution*: `resolved_at − created_at` (or `closed_at` when a reached case
//!   was closed without a separate resolve), hours, over reached cases that are resolved
//!   or closed. A case given up on (never reached) has no resolution time.
//! - *solved*: of the cases whose customer answered "did we solve it?", the share who
//!   said yes.
//!
//! **Routine follow-up calls** ([`call_targets`]): the seeds' rule "first follow-up call
//! 3 days to 1 week after pickup" ([`crate::followups::first_call`] gives the window in
//! the dealer's calendar). Of the visits whose first call is due by `now`, a call is
//! *made within the window* when its first attempt (any outcome: the agent called) is
//! before the window's end; later, or no attempt while the window has closed, misses. A
//! visit whose window is still open and which nobody called yet is pending, as cases
//! are. Goal: 100% (every customer gets the call).
//!
//! **Per agent**, cases count for their owner and calls for the agent who made the first
//! attempt; a visit nobody called counts only in its dealer's row (no one owns it).
//!
//! **Median and p90** use the nearest-rank rule ([`nearest_rank`]): sort the n values,
//! take the value at rank ⌈p/100 · n⌉ (1-based). No interpolation, so every reported
//! figure is a real case's time: a manager can open the case behind the p90.
//!
//! **Small n**: a rate over fewer than [`SMALL_N`] cases or calls is marked: one late
//! call out of three is 67%, and that is not a trend.

#[cfg(test)]
mod tests;

use crate::cases::{Case, Status};
use crate::followups::{first_call, Schedule};
use crate::time::epoch_millis;
use serde::Serialize;

/// Below this many in its denominator a rate is marked as small n.
pub const SMALL_N: u32 = 10;

/// The goal of "contacted within due time", percent.
pub const CONTACT_GOAL: f64 = 100.0;

/// The goal of "routine call within 3 days–1 week", percent (every customer).
pub const CALL_GOAL: f64 = 100.0;

/// `met` of `of`, as a percentage, with the small-n mark.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub met: u32,
    pub of: u32,
    /// `100 · met / of`; `None` when `of` is 0 (no rate, not 0%).
    pub percent: Option<f64>,
    pub small_n: bool,
}

impl Rate {
    pub fn of(met: u32, of: u32) -> Rate {
        Rate {
            met,
            of,
            percent: (of > 0).then(|| 100.0 * f64::from(met) / f64::from(of)),
            small_n: of < SMALL_N,
        }
    }
}

/// The median and p90 of some durations, in hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub n: u32,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

impl Spread {
    /// Of `hours` in any order.
    pub fn of(mut hours: Vec<f64>) -> Spread {
        hours.sort_by(f64::total_cmp);
        Spread {
            n: u32::try_from(hours.len()).unwrap_or(u32::MAX),
            median_hours: nearest_rank(&hours, 50),
            p90_hours: nearest_rank(&hours, 90),
        }
    }
}

/// The nearest-rank `p`-th percentile (1..=100) of `sorted` (ascending): the value at
/// 1-based rank ⌈p · n / 100⌉; `None` for no values.
pub fn nearest_rank(sorted: &[f64], p: u32) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let p = p.clamp(1, 100) as usize;
    let rank = (p * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Hours from `from` to `to` (RFC 3339 UTC), if both parse.
fn hours_between(from: &str, to: &str) -> Option<f64> {
    let (a, b) = (epoch_millis(from)?, epoch_millis(to)?);
    Some((b - a) as f64 / 3_600_000.0)
}

/// One case as targets see it.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFact<'a> {
    pub case: &'a Case,
    /// The customer's answer to "was your concern solved?", if they answered.
    pub solved: Option<bool>,
}

/// The case figures of one dealer or agent (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseTargets {
    pub opened: u32,
    /// Reached at or before due, of the decided (reached or past due) cases.
    pub contacted_within_due: Rate,
    /// Not reached yet, due time ahead.
    pub pending: u32,
    pub escalated: u32,
    pub unreachable: u32,
    pub first_contact: Spread,
    pub resolution: Spread,
    /// Said "solved: yes", of the customers who answered.
    pub solved: Rate,
}

/// The case figures of `cases` at `now` (RFC 3339 UTC).
pub fn case_targets(cases: &[CaseFact<'_>], now: &str) -> CaseTargets {
    let now_ms = epoch_millis(now);
    let (mut within, mut missed, mut pending) = (0u32, 0u32, 0u32);
    let (mut escalated, mut unreachable) = (0u32, 0u32);
    let (mut first, mut resolution) = (Vec::new(), Vec::new());
    let (mut solved_yes, mut solved_answered) = (0u32, 0u32);
    for fact in cases {
        let c = fact.case;
        let due = epoch_millis(&c.due_at);
        match c.contacted_at.as_deref() {
            Some(at) => {
                match (epoch_millis(at), due) {
                    (Some(at), Some(due)) if at <= due => within += 1,
                    _ => missed += 1,
                }
                if let Some(h) = hours_between(&c.created_at, at) {
                    first.push(h);
                }
                let done = c.resolved_at.as_deref().or(c.closed_at.as_deref());
                if let Some(h) = done.and_then(|d| hours_between(&c.created_at, d)) {
                    resolution.push(h);
                }
            }
            None => {
                match (now_ms, due) {
                    (Some(now), Some(due)) if now < due => pending += 1,
                    _ => missed += 1,
                }
                if matches!(c.status, Status::Unreachable | Status::Closed) {
                    unreachable += 1;
                }
            }
        }
        if c.escalated_at.is_some() {
            escalated += 1;
        }
        if let Some(yes) = fact.solved {
            solved_answered += 1;
            solved_yes += u32::from(yes);
        }
    }
    CaseTargets {
        opened: u32::try_from(cases.len()).unwrap_or(u32::MAX),
        contacted_within_due: Rate::of(within, within + missed),
        pending,
        escalated,
        unreachable,
        first_contact: Spread::of(first),
        resolution: Spread::of(resolution),
        solved: Rate::of(solved_yes, solved_answered),
    }
}

/// One visit's routine follow-up as targets see it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitFact<'a> {
    /// The pickup date, `YYYY-MM-DD` in the dealer's calendar.
    pub pickup: &'a str,
    /// The first call attempt (RFC 3339 UTC), if any.
    pub first_attempt_at: Option<&'a str>,
}

/// The routine-call figures of one dealer or agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallTargets {
    /// First call made before the window closed, of the decided (called, or window
    /// closed) visits.
    pub within_window: Rate,
    /// Window still open, not called yet.
    pub pending: u32,
    /// Window closed and never called.
    pub not_made: u32,
}

/// The instant (ms) a visit picked up on `pickup` is first due, in `schedule`'s calendar.
pub fn first_due_millis(pickup: &str, schedule: &Schedule) -> Option<i64> {
    epoch_millis(&first_call(pickup, schedule)?.due_at)
}

/// The routine-call figures of `visits` at `now`. A visit whose pickup date does not
/// parse is left out (the collector stores only dates).
pub fn call_targets(visits: &[VisitFact<'_>], schedule: &Schedule, now: &str) -> CallTargets {
    let now_ms = epoch_millis(now);
    let (mut within, mut late, mut pending, mut not_made) = (0u32, 0u32, 0u32, 0u32);
    for v in visits {
        let Some(window) = first_call(v.pickup, schedule) else {
            continue;
        };
        let Some(end) = epoch_millis(&window.overdue_at) else {
            continue;
        };
        match v.first_attempt_at.and_then(epoch_millis) {
            Some(at) if at < end => within += 1,
            Some(_) => late += 1,
            None => match now_ms {
                Some(now) if now < end => pending += 1,
                _ => not_made += 1,
            },
        }
    }
    CallTargets {
        within_window: Rate::of(within, within + late + not_made),
        pending,
        not_made,
    }
}
