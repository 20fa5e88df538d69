//! Visits and their routine follow-up calls on the server: scheduling a visit when it
//! becomes known, recording a call attempt, and the call list's JSON.
//!
//! Every decision is survey-core's ([`survey_core::followups`]); this module feeds it
//! the stored follow-up, the caller (as the cases' actor, [`crate::cases::actor`]), the
//! collector's clock ([`crate::clock`]) and the dealer's calendar, and stores what it
//! returns.
//!
//! ## Where visits come from
//! ```text
//! POST /v1/links with a repair_order ──▶ visit (invited_at = now, pickup = visit_date or today)
//! POST /v1/dealers/{d}/repair-orders  ──▶ visits (imported_at = now), whole file or nothing
//!                        both ──▶ Store::add_visits: once per (dealer, RO), merged
//! ```
//!
//! ## The dealer's calendar
//! Days are the dealer's (`dealer_settings.time_zone`, the zone its reports and cases
//! use); weekends count unless the collector runs with `--case-weekends skip` (the
//! cases' setting: one desk, one rule). Core counts over a fixed offset: the offset of
//! the dealer's zone now, which for the region's zones (no daylight saving) is exact.
//!
//! ## Recording an attempt ([`record_attempt`])
//! The one way an attempt is stored, for the call list's `POST /v1/followups/{id}/attempts`
//! and for a phone interview recorded from a call-list row (`followup=<id>` in its
//! context): read the follow-up → `survey_core::followups::apply` → write it with the
//! attempt row if nobody came first.

use crate::app::App;
use crate::error::ApiError;
use crate::settings::Zone as DealerZone;
use crate::store::{FollowUpChange, NewVisit, VisitRow};
use axum::http::StatusCode;
use serde_json::{json, Value};
use survey_core::followups::{self as core, Actor, FollowUp, Outcome, Schedule};

/// The dealer's calendar for scheduling now.
pub fn schedule(zone: &DealerZone, weekends_count: bool) -> Schedule {
    let now = crate::clock::now_rfc3339();
    Schedule {
        // The collector's own clock always parses; the default zone is never reached.
        zone: crate::cases::offset_at(&zone.tz, &now).unwrap_or(survey_core::time::Zone::SHANGHAI),
        weekends_count,
    }
}

/// Today's date on `zone`'s calendar (`YYYY-MM-DD`).
pub fn today(zone: &DealerZone) -> String {
    crate::clock::now()
        .to_zoned(zone.tz.clone())
        .date()
        .to_string()
}

/// What a visit needs besides where it came from.
pub struct VisitInput {
    pub dealer: String,
    pub repair_order: String,
    pub advisor: Option<String>,
    pub phone: Option<String>,
    pub pickup_date: String,
}

/// A new visit and its scheduled follow-up; `imported` / `invited` say where it came
/// from (both stamped `now`).
pub fn new_visit(
    input: VisitInput,
    schedule: &Schedule,
    now: &str,
    imported: bool,
    invited: bool,
) -> Result<NewVisit, core::FollowUpError> {
    let f = FollowUp::schedule(&input.dealer, &input.pickup_date, schedule)?;
    Ok(NewVisit {
        id: crate::ids::new_id(),
        dealer: input.dealer,
        repair_order: input.repair_order,
        advisor: input.advisor,
        phone: input.phone,
        pickup_date: input.pickup_date,
        imported_at: imported.then(|| now.to_string()),
        invited_at: invited.then(|| now.to_string()),
        created_at: now.to_string(),
        status: f.status.as_str().to_string(),
        due_on: f.window.due_on.clone(),
        due_at: f.window.due_at.clone(),
        overdue_at: f.window.overdue_at.clone(),
        state: serde_json::to_string(&f).map_err(|_| core::FollowUpError::BadTime)?,
    })
}

/// The stored follow-up's state.
pub fn state(row: &VisitRow) -> Result<FollowUp, ApiError> {
    serde_json::from_str(&row.state).map_err(|e| {
        tracing::error!(visit = %row.id, "unreadable follow-up state: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "a follow-up's stored state is damaged; see the collector's log",
        )
    })
}

fn no_such_followup() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such follow-up call")
}

/// Records one attempt at follow-up `id` by `actor` at the collector's now, as the
/// state machine decides; the stored row after it. A refusal is 403 (who), 409 (state,
/// or an attempt that raced another), 422 (what is wrong with it). The interview mode
/// calls this when a phone interview is recorded from a call-list row.
pub async fn record_attempt(
    app: &App,
    id: &str,
    actor: Actor,
    outcome: Outcome,
    note: Option<String>,
) -> Result<VisitRow, ApiError> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(no_such_followup());
    }
    let row = app
        .db("read the follow-up", app.store.visit(id))
        .await?
        .ok_or_else(no_such_followup)?;
    let followup = state(&row)?;
    let settings = app
        .db("read the dealer settings", app.store.dealer_settings())
        .await?;
    let zones = crate::settings::Zones::of(&settings);
    let schedule = schedule(zones.of_dealer(Some(&row.dealer)), app.cases.weekends_count);
    let at = crate::clock::now_rfc3339();
    let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    let attempt = core::Attempt {
        at: at.clone(),
        actor,
        outcome,
        note: note.clone(),
    };
    let next = core::apply(&followup, &attempt, &schedule)
        .map_err(|e| crate::cases::refusal(e.kind(), &e))?;
    let change = FollowUpChange::of(
        &row,
        &next,
        &at,
        attempt.actor.label(),
        &attempt.outcome,
        note.as_deref(),
    )
    .map_err(|e| ApiError::store("record the call", e))?;
    let written = app
        .db("record the call", app.store.change_followup(&change))
        .await?;
    if !written {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "this follow-up changed meanwhile; reload the list and try again",
        ));
    }
    app.db("read the follow-up", app.store.visit(id))
        .await?
        .ok_or_else(no_such_followup)
}

/// A follow-up as the API shows it; the phone only when `contact` (the caller's role may
/// see contact data).
pub fn item_json(
    row: &VisitRow,
    f: &FollowUp,
    now: &str,
    zone: &DealerZone,
    contact: bool,
) -> Value {
    json!({
        "id": row.id,
        "dealer": row.dealer,
        "repair_order": row.repair_order,
        "advisor": row.advisor,
        "phone": if contact { json!(row.phone) } else { Value::Null },
        "pickup_date": row.pickup_date,
        "status": f.status.as_str(),
        "attempts": f.attempts,
        "unreached": f.unreached,
        "due_on": f.window.due_on,
        "due_at": f.window.due_at,
        "overdue_at": f.window.overdue_at,
        "due": f.is_due(now),
        "overdue": f.is_overdue(now),
        "last_attempt_at": f.last_attempt_at,
        "last_attempt_local": f.last_attempt_at.as_deref().and_then(|t| crate::cases::local_time(t, &zone.tz)),
        "invited": row.invited_at.is_some(),
        "imported": row.imported_at.is_some(),
        "time_zone": zone.name,
    })
}
