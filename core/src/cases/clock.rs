//! The case clock: when a case is due and when it is overdue. Pure over given instants;
//! the calendar is [`crate::time`]'s. The routine follow-up calls' schedule is
//! [`crate::followups`]'s.
//!
//! # Rules (the seeds' follow-up rules, `shared/domain.md`)
//!
//! - **A case** is due 2 days after it opened, counted in the dealer's time zone
//!   (default Asia/Shanghai). Not contacted by then, it is overdue and is escalated to
//!   the manager. This crate has no zone database: [`ClockSettings::zone`] is the
//!   dealer's offset at the opening instant, which the collector reads from the dealer's
//!   IANA zone (`dealer_settings.time_zone`, the zone its reports use) and, when a
//!   daylight-saving change falls inside the 2 days, corrects so the local clock time
//!   is kept (`collector/src/cases.rs`, `due_at`).
//! - **Weekends count by default** ([`ClockSettings::weekends_count`] = `true`): a 4S
//!   store's service department is open seven days a week (Saturday and Sunday are its
//!   busiest days), and the customer's wait does not pause for the weekend. A dealer whose
//!   follow-up desk works Monday to Friday sets it to `false`: then 2 *working* days are
//!   counted, a case opened on Friday 15:00 is due Tuesday 15:00, and one opened on a
//!   weekend counts from Monday 00:00 (due Wednesday 00:00). Public holidays are not
//!   known here.

use super::{Case, Status};
use crate::time::{epoch_millis, format_utc, is_weekend, parse_utc};
use crate::time::{UtcTime, Zone};

const DAY: i64 = 86_400;

/// How a dealer's clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSettings {
    pub zone: Zone,
    /// Whether Saturdays and Sundays count towards the 2 days (see the module docs).
    pub weekends_count: bool,
}

impl Default for ClockSettings {
    fn default() -> Self {
        ClockSettings {
            zone: Zone::SHANGHAI,
            weekends_count: true,
        }
    }
}

/// `seconds` as `YYYY-MM-DDTHH:MM:SS.000Z`: with milliseconds like every time the
/// collector stores, so stored times compare as text.
fn millis_text(seconds: i64) -> Option<String> {
    format_utc(&UtcTime {
        seconds,
        fraction: ".000".into(),
    })
}

/// When a case opened at `opened_at` (RFC 3339 UTC) is due; `None` if it does not parse.
pub fn case_due(opened_at: &str, settings: &ClockSettings) -> Option<String> {
    let t = parse_utc(opened_at)?.seconds;
    if settings.weekends_count {
        // A fixed offset: two local days are exactly 48 hours.
        return millis_text(t.checked_add(2 * DAY)?);
    }
    let zone = settings.zone;
    let (mut day, mut second) = zone.local(t);
    if is_weekend(day) {
        while is_weekend(day) {
            day += 1;
        }
        second = 0;
    }
    for _ in 0..2 {
        day += 1;
        while is_weekend(day) {
            day += 1;
        }
    }
    millis_text(zone.utc(day, second))
}

/// A case is overdue when its customer was never reached and `now` is at or past its
/// due time.
pub fn is_overdue(case: &Case, now: &str) -> bool {
    let (Some(now), Some(due)) = (epoch_millis(now), epoch_millis(&case.due_at)) else {
        return false;
    };
    case.contacted_at.is_none()
        && matches!(case.status, Status::Open | Status::Unreachable)
        && now >= due
}

/// Overdue and not escalated yet: the sweep escalates it.
pub fn needs_escalation(case: &Case, now: &str) -> bool {
    case.escalated_at.is_none() && is_overdue(case, now)
}
