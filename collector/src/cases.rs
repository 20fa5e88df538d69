//! Hot-alert cases on the server: opening one with its response, the escalation sweep,
//! and the mapping from who is signed in to the state machine's actor.
//!
//! Every decision is survey-core's ([`survey_core::cases`]); this module only feeds it
//! the stored case, the caller and the collector's clock, and stores what it returns.
//!
//! ## Escalation
//! ```text
//! every --case-sweep-ms: cases never reached, not escalated, due_at ≤ now (the store)
//!        └─▶ apply(Escalate, actor = system, at = now) ─ok─▶ change_case ─▶ escalated_at set,
//!                                                                          event `escalate`
//! ```
//! A case past its due time is also shown `overdue` at read time, whether the sweep has
//! run yet or not; the sweep makes it a recorded fact (who noticed, when) and puts it on
//! the manager's list (`GET /v1/cases?escalated=yes`). Several collectors sweeping at
//! once are harmless: the version check lets one write each escalation.

use crate::auth::rule::{Caller, Role, Scope};
use crate::auth::Principal;
use crate::store::{CaseChange, CaseEvent, CaseRow, NewCase, Store, StoreError};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};
use survey_core::cases::{self as core, Action, Actor, Case, CaseSettings, ClockSettings, Dealers};
use survey_core::scoring::ScoreCard;
use survey_core::time::Zone;

/// Cases escalated per sweep query (the sweep repeats until fewer come back).
const SWEEP_BATCH: u32 = 100;

/// The offset of `tz` at the instant `at` (RFC 3339 UTC), as core's fixed-offset zone.
pub fn offset_at(tz: &TimeZone, at: &str) -> Option<Zone> {
    let t: Timestamp = at.parse().ok()?;
    Some(Zone {
        offset_minutes: tz.to_offset(t).seconds() / 60,
    })
}

/// When a case opened at `opened_at` is due, counted in its dealer's zone `tz` (the
/// `time_zone` of `dealer_settings`, the zone its reports use: one source of truth).
///
/// Core counts over a fixed offset and has no zone database; the collector gives it
/// the offset valid at the opening instant. When weekends are skipped the due time is a
/// local clock time (Friday 15:00 → Tuesday 15:00); if the zone's offset changed in
/// between (daylight saving), the instant is moved by the change so the local clock
/// time is kept. When weekends count, two days are 48 hours whatever the clocks did.
pub fn due_at(opened_at: &str, weekends_count: bool, tz: &TimeZone) -> Option<String> {
    let zone = offset_at(tz, opened_at)?;
    let due = core::case_due(
        opened_at,
        &ClockSettings {
            zone,
            weekends_count,
        },
    )?;
    if weekends_count {
        return Some(due);
    }
    let later = offset_at(tz, &due)?;
    let shift = i64::from(zone.offset_minutes - later.offset_minutes) * 60;
    if shift == 0 {
        return Some(due);
    }
    let seconds = survey_core::time::parse_utc(&due)?
        .seconds
        .checked_add(shift)?;
    survey_core::time::format_utc(&survey_core::time::UtcTime {
        seconds,
        fraction: ".000".into(),
    })
}

/// The case a new response opens: one when the server's card has hot alerts, owned by
/// the dealer's default agent if it has one (`collector case-owner`). Counted
/// from the same time as the card's `follow_up_due` (the device's `created_at`, or the
/// receipt when the device clock ran ahead), in the dealer's zone `tz` ([`due_at`]).
pub fn for_response(
    card: Option<&ScoreCard>,
    dealer: Option<&str>,
    owner: Option<String>,
    created_at: &str,
    received_at: &str,
    weekends_count: bool,
    tz: &TimeZone,
) -> Result<Option<NewCase>, StoreError> {
    let Some(card) = card.filter(|c| !c.alerts.is_empty()) else {
        return Ok(None);
    };
    let base = survey_core::scoring::follow_up_base(created_at, received_at);
    let due_at = due_at(base, weekends_count, tz)
        .or_else(|| due_at(received_at, weekends_count, tz))
        .ok_or_else(|| StoreError::Failed(format!("no due time from {received_at:?}")))?;
    let case = Case::open(
        dealer.map(str::to_string),
        owner.clone(),
        received_at.to_string(),
        due_at.clone(),
    );
    let rules: Vec<_> = card.alerts.iter().map(|a| a.rule).collect();
    Ok(Some(NewCase {
        id: crate::ids::new_id(),
        dealer: dealer.map(str::to_string),
        owner,
        created_at: received_at.to_string(),
        due_at,
        state: serde_json::to_string(&case)?,
        detail: json!({ "alerts": rules }).to_string(),
    }))
}

/// A refusal of core's rules (a case's or a follow-up call's: they share the kinds) as
/// the API answers it: 403 who, 409 state, 422 what is missing, with the rule's reason.
pub fn refusal(kind: core::ErrorKind, reason: impl std::fmt::Display) -> crate::error::ApiError {
    use axum::http::StatusCode;
    let status = match kind {
        core::ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        core::ErrorKind::Conflict => StatusCode::CONFLICT,
        core::ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
    };
    crate::error::ApiError::new(status, reason.to_string())
}

/// The state machine's actor for a signed-in person; `None` for an API token (a
/// machine is not accountable for a customer's complaint: cases are acted on in person).
pub fn actor(principal: &Principal) -> Option<Actor> {
    let crate::auth::principal::Who::User { id, .. } = &principal.who else {
        return None;
    };
    let Caller::User { role, scope, .. } = &principal.caller else {
        return None;
    };
    Some(Actor::Person {
        id: id.clone(),
        role: match role {
            Role::GroupAdmin => core::Role::GroupAdmin,
            Role::DealerManager => core::Role::DealerManager,
            Role::ServiceAdvisor => core::Role::ServiceAdvisor,
            Role::FollowUpAgent => core::Role::FollowUpAgent,
        },
        dealers: match scope {
            Scope::All => Dealers::All,
            Scope::Dealers(d) => Dealers::Some(d.iter().cloned().collect()),
        },
    })
}

/// The stored case's state; a row whose JSON does not parse is a store failure.
pub fn state(row: &CaseRow) -> Result<Case, StoreError> {
    serde_json::from_str(&row.state)
        .map_err(|e| StoreError::Failed(format!("case {}: unreadable state: {e}", row.id)))
}

/// The history line of an accepted action.
pub fn event_of(at: &str, actor: &Actor, action: &Action) -> Result<CaseEvent, StoreError> {
    let mut detail = serde_json::to_value(action)?;
    if let Some(map) = detail.as_object_mut() {
        map.remove("action");
    }
    Ok(CaseEvent {
        at: at.to_string(),
        actor: actor.label(),
        action: action.name().to_string(),
        detail: detail.to_string(),
        actor_login: None,
    })
}

/// `at` (RFC 3339 UTC) as a local wall-clock time in `tz`, `YYYY-MM-DD HH:MM`, for
/// people who work in their dealer's zone; `None` if it does not parse.
pub fn local_time(at: &str, tz: &TimeZone) -> Option<String> {
    let t: Timestamp = at.parse().ok()?;
    Some(
        t.to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
    )
}

/// A case as the API shows it: the state, plus `overdue` at `now`, and its due time
/// on its dealer's clock (`time_zone`, `due_local`) so no client needs a zone database.
pub fn case_json(row: &CaseRow, case: &Case, now: &str, zone: &crate::settings::Zone) -> Value {
    json!({
        "time_zone": zone.name,
        "due_local": local_time(&case.due_at, &zone.tz),
        "call_back_local": case.call_back_at.as_deref().and_then(|t| local_time(t, &zone.tz)),
        "id": row.id,
        "response_id": row.response_id,
        "dealer": row.dealer,
        "owner": row.owner,
        "owner_login": row.owner_login,
        "status": case.status,
        "created_at": case.created_at,
        "due_at": case.due_at,
        "overdue": core::is_overdue(case, now),
        "escalated": case.escalated_at.is_some(),
        "escalated_at": case.escalated_at,
        "failed_attempts": case.failed_attempts,
        "contacted_at": case.contacted_at,
        "call_back_at": case.call_back_at,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
        "cause": case.cause,
        "severity": case.severity,
        "resolution": case.resolution,
        "updated_at": row.updated_at,
    })
}

/// Escalates every case past its due time at `now`; returns how many.
pub async fn sweep(store: &dyn Store, now: &str, rules: &CaseSettings) -> Result<u64, StoreError> {
    let mut total = 0;
    loop {
        let due = store.cases_to_escalate(now, SWEEP_BATCH).await?;
        let mut written = 0;
        for row in &due {
            let case = state(row)?;
            let event = core::Event {
                at: now.to_string(),
                actor: Actor::System,
                action: Action::Escalate,
            };
            // The store's query and the state machine agree; if they ever did not, the
            // state machine wins and the case is left as it is.
            let Ok(next) = core::apply(&case, &event, rules) else {
                continue;
            };
            let change = CaseChange::of(
                row,
                &next,
                event_of(now, &Actor::System, &Action::Escalate)?,
            )?;
            if store.change_case(&change).await? {
                written += 1;
            }
        }
        total += written;
        if due.len() < SWEEP_BATCH as usize || written == 0 {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> TimeZone {
        crate::settings::zone(name).expect("a zone")
    }

    #[test]
    fn due_times_are_counted_in_the_dealers_zone() {
        // Friday 2026-12-04 20:00Z: Saturday 04:00 in Shanghai, Friday 21:00 in Berlin.
        let friday = "2026-12-04T20:00:00.000Z";
        // Weekends count: 48 hours in every zone.
        for name in ["Asia/Shanghai", "Europe/Berlin", "America/New_York"] {
            assert_eq!(
                due_at(friday, true, &tz(name)).as_deref(),
                Some("2026-12-06T20:00:00.000Z"),
                "{name}"
            );
        }
        // Weekends skipped: Shanghai counts from Monday 00:00 (due Wednesday 00:00 =
        // Tuesday 16:00Z); Berlin from Friday 21:00 (due Tuesday 21:00 = 20:00Z).
        assert_eq!(
            due_at(friday, false, &tz("Asia/Shanghai")).as_deref(),
            Some("2026-12-08T16:00:00.000Z")
        );
        assert_eq!(
            due_at(friday, false, &tz("Europe/Berlin")).as_deref(),
            Some("2026-12-08T20:00:00.000Z")
        );
    }

    #[test]
    fn a_daylight_saving_change_keeps_the_local_clock_time() {
        // Friday 2026-03-27 15:00 in Berlin (CET, 14:00Z); clocks go forward on Sunday
        // the 29th. Due Tuesday 15:00 CEST = 13:00Z, not 14:00Z.
        assert_eq!(
            due_at("2026-03-27T14:00:00.000Z", false, &tz("Europe/Berlin")).as_deref(),
            Some("2026-03-31T13:00:00.000Z")
        );
        // And back: Friday 2026-10-23 15:00 CEST (13:00Z) → Tuesday 15:00 CET = 14:00Z.
        assert_eq!(
            due_at("2026-10-23T13:00:00.000Z", false, &tz("Europe/Berlin")).as_deref(),
            Some("2026-10-27T14:00:00.000Z")
        );
        assert_eq!(due_at("not a time", false, &tz("Europe/Berlin")), None);
    }
}
