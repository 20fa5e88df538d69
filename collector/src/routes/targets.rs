//! `GET /v1/targets?dealer=&from=&to=|period=&by=dealer|agent`: how well each dealer
//! and agent close the loop (`survey_core::targets`, which defines every figure).
//!
//! Scoped like the case list ([`rule::cases`]): the caller's dealers, never a service
//! advisor; `dealer=` outside the scope is a 403. The period is the report filter's
//! ([`query::parse_targets`], placed in the dealer's time zone by [`query::localise`]):
//! cases count when they were **opened** in it, routine calls when their **first call
//! fell due** in it (3 days after pickup, the dealer's calendar). `by=agent` groups
//! cases by their owner and calls by the agent who made the first attempt; unowned
//! cases form a row without an agent, and calls nobody made count only per dealer.

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::auth::rule;
use crate::error::ApiError;
use crate::query::{self, TargetsBy};
use crate::store::TargetFilter;
use axum::extract::{Extension, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use survey_core::cases::Case;
use survey_core::targets::{self as core, CaseFact, VisitFact};
use survey_core::time::{epoch_millis, CivilDate};

/// Visits picked up this many days before the period's first day may still fall due
/// in it (3 days, a weekend moved to Monday, a zone a day off UTC).
const PICKUP_LEAD_DAYS: i64 = 7;

/// The date part of a [`query::sort_key`], shifted by `days`.
fn key_date(key: &str, days: i64) -> Option<String> {
    CivilDate::parse(key.get(..10)?).map(|d| d.plus_days(days).to_string())
}

/// A [`query::sort_key`] as epoch milliseconds.
fn key_millis(key: &str) -> Option<i64> {
    epoch_millis(&format!("{key}Z"))
}

/// Rows of one group: its cases and its visits.
#[derive(Default)]
struct Group<'a> {
    cases: Vec<CaseFact<'a>>,
    visits: Vec<VisitFact<'a>>,
}

/// `GET /v1/targets`.
pub async fn get(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (mut q, by) =
        query::parse_targets(super::raw_query(&uri)).map_err(ApiError::bad_request)?;
    let scope = rule::cases(&principal.caller, q.filter.dealer.as_deref())
        .map_err(|e| ApiError::new(StatusCode::FORBIDDEN, e.0))?;
    q.filter.dealers = scope.dealers.clone();
    let settings = app
        .db("read the dealer settings", app.store.dealer_settings())
        .await?;
    let zones = crate::settings::Zones::of(&settings);
    query::localise(&mut q, &zones, crate::clock::now()).map_err(ApiError::bad_request)?;
    let (from, to) = (q.filter.from.clone(), q.filter.to.clone());
    let filter = TargetFilter {
        dealers: scope.dealers,
        dealer: q.filter.dealer.clone(),
        from: from.clone(),
        to: to.clone(),
        pickup_from: from.as_deref().and_then(|k| key_date(k, -PICKUP_LEAD_DAYS)),
        pickup_to: to.as_deref().and_then(|k| key_date(k, 0)),
    };
    let cases = app
        .db("read the cases", app.store.target_cases(&filter))
        .await?;
    let visits = app
        .db("read the visits", app.store.target_visits(&filter))
        .await?;
    let states: Vec<Case> = cases
        .iter()
        .map(|row| {
            serde_json::from_str(&row.state)
                .map_err(|e| ApiError::store("read a case", crate::store::StoreError::from(e)))
        })
        .collect::<Result<_, _>>()?;
    let now = crate::clock::now_rfc3339();
    let (from_ms, to_ms) = (
        from.as_deref().and_then(key_millis),
        to.as_deref().and_then(key_millis),
    );
    // (dealer, agent) → rows; the agent is `None` in `by=dealer` and for unowned cases.
    let mut groups: BTreeMap<(String, Option<String>), Group<'_>> = BTreeMap::new();
    for (row, case) in cases.iter().zip(&states) {
        let agent = match by {
            TargetsBy::Dealer => None,
            TargetsBy::Agent => row.owner_login.clone().or_else(|| row.owner.clone()),
        };
        let dealer = row.dealer.clone().unwrap_or_default();
        groups
            .entry((dealer, agent))
            .or_default()
            .cases
            .push(CaseFact {
                case,
                solved: row.solved,
            });
    }
    for v in &visits {
        let schedule =
            crate::followups::schedule(zones.of_dealer(Some(&v.dealer)), app.cases.weekends_count);
        let Some(due) = core::first_due_millis(&v.pickup_date, &schedule) else {
            continue;
        };
        if from_ms.is_some_and(|f| due < f) || to_ms.is_some_and(|t| due >= t) {
            continue;
        }
        let agent = match by {
            TargetsBy::Dealer => None,
            TargetsBy::Agent => match v.first_actor_login.clone().or_else(|| {
                v.first_actor
                    .as_deref()
                    .map(|a| a.trim_start_matches("user:").to_string())
            }) {
                Some(agent) => Some(agent),
                None => continue, // nobody called: only the dealer's row counts it
            },
        };
        groups
            .entry((v.dealer.clone(), agent))
            .or_default()
            .visits
            .push(VisitFact {
                pickup: &v.pickup_date,
                first_attempt_at: v.first_attempt_at.as_deref(),
            });
    }
    let items: Vec<Value> = groups
        .iter()
        .map(|((dealer, agent), g)| {
            let schedule =
                crate::followups::schedule(zones.of_dealer(Some(dealer)), app.cases.weekends_count);
            json!({
                "dealer": dealer,
                "agent": agent,
                "cases": core::case_targets(&g.cases, &now),
                "calls": core::call_targets(&g.visits, &schedule, &now),
            })
        })
        .collect();
    let echo = q.echo;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "filter": echo,
            "now": now,
            "goals": {
                "contacted_within_due": core::CONTACT_GOAL,
                "calls_within_window": core::CALL_GOAL,
            },
            "small_n": core::SMALL_N,
            "items": items,
        })),
    )
        .into_response())
}
