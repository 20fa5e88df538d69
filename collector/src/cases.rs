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
use serde_json::{json, Value};
use survey_core::cases::{self as core, Action, Actor, Case, CaseSettings, ClockSettings, Dealers};
use survey_core::scoring::ScoreCard;

/// Cases escalated per sweep query (the sweep repeats until fewer come back).
const SWEEP_BATCH: u32 = 100;

/// The case a new response opens: one when the server's card has hot alerts, owned by
/// the dealer's default agent if it has one (`collector case-owner`). Counted
/// from the same time as the card's `follow_up_due` (the device's `created_at`, or the
/// receipt when the device clock ran ahead), in the dealer's zone.
pub fn for_response(
    card: Option<&ScoreCard>,
    dealer: Option<&str>,
    owner: Option<String>,
    created_at: &str,
    received_at: &str,
    clock: &ClockSettings,
) -> Result<Option<NewCase>, StoreError> {
    let Some(card) = card.filter(|c| !c.alerts.is_empty()) else {
        return Ok(None);
    };
    let base = survey_core::scoring::follow_up_base(created_at, received_at);
    let due_at = core::case_due(base, clock)
        .or_else(|| core::case_due(received_at, clock))
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
    })
}

/// A case as the API shows it: the state, plus `overdue` at `now`.
pub fn case_json(row: &CaseRow, case: &Case, now: &str) -> Value {
    json!({
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
