//! Routine follow-up calls and coverage ([`crate::followups`], `survey_core::followups`).
//!
//! - `GET /v1/followups?due=today|overdue|all&dealer=&limit=` — the call list, scoped by
//!   [`rule::followups`], grouped by due date (the dealer's), oldest first: overdue
//!   calls come first and are marked. Phones for the roles allowed contact data. Today's
//!   and the overdue list leave out calls that have lapsed (`lapse_days` past overdue,
//!   `survey_core::followups`) and count them in `lapsed`; `due=all` lists them too.
//! - `POST /v1/followups/{id}/attempts` — `{"outcome": "no_answer", "note": "…"}`
//!   (outcomes as the cases': reached, no_answer, busy, refused, wrong_number,
//!   `{"call_back_at": time}`), in person with the session's CSRF token; who and when
//!   are the session's user and the collector's clock.
//! - `POST /v1/dealers/{dealer}/repair-orders` — a `text/csv` file of repair orders
//!   ([`crate::repair_orders`]): all of it stored or none, once per (dealer, RO).
//! - `GET /v1/coverage?from=&to=|period=&dealer=&advisor=` — per dealer and advisor:
//!   visits, invited, responded, called, and their rates, counted by the database.

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::auth::rule;
use crate::error::ApiError;
use crate::followups::{self, VisitInput};
use crate::query::{self, Due};
use crate::store::{CoverageFilter, FollowUpFilter};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use survey_core::followups::Outcome;

fn forbidden(e: rule::Denied) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, e.0)
}

fn no_store(status: StatusCode, body: Value) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

async fn zones(app: &Shared) -> Result<crate::settings::Zones, ApiError> {
    let settings = app
        .db("read the dealer settings", app.store.dealer_settings())
        .await?;
    Ok(crate::settings::Zones::of(&settings))
}

/// `GET /v1/followups`.
pub async fn list(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let q = query::parse_followups(super::raw_query(&uri)).map_err(ApiError::bad_request)?;
    let scope = rule::followups(&principal.caller, q.dealer.as_deref()).map_err(forbidden)?;
    let now = crate::clock::now_rfc3339();
    let zones = zones(&app).await?;
    // The store selects by instant; "today" is each dealer's own day, decided per row
    // below from a superset (due within the next day: no zone is a day ahead of UTC).
    let tomorrow = crate::clock::rfc3339_millis(
        crate::clock::now()
            .checked_add(jiff::SignedDuration::from_hours(38))
            .unwrap_or_else(|_| crate::clock::now()),
    );
    // Today's and the overdue list leave out lapsed calls (survey_core::followups,
    // "Lapsed"), and say how many; `all` is every open one.
    let cutoff = survey_core::followups::lapse_cutoff(&now);
    let lists_lapsed = q.due == Due::All;
    let filter = FollowUpFilter {
        dealers: scope.dealers,
        dealer: q.dealer.clone(),
        due_before: match q.due {
            Due::Today => Some(tomorrow),
            Due::Overdue | Due::All => None,
        },
        overdue_at: (q.due == Due::Overdue).then(|| now.clone()),
        overdue_after: if lists_lapsed { None } else { cutoff.clone() },
        limit: q.limit,
    };
    let rows = app
        .db("read the follow-up calls", app.store.followups(&filter))
        .await?;
    let lapsed = if lists_lapsed {
        0
    } else {
        let lapsed = FollowUpFilter {
            due_before: None,
            overdue_at: cutoff,
            overdue_after: None,
            ..filter.clone()
        };
        app.db(
            "count the lapsed follow-up calls",
            app.store.count_followups(&lapsed),
        )
        .await?
    };
    let truncated = rows.len() == q.limit as usize;
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut count = 0;
    for row in &rows {
        let f = followups::state(row)?;
        let zone = zones.of_dealer(Some(&row.dealer));
        if q.due == Due::Today && f.window.due_on > followups::today(zone) {
            continue;
        }
        count += 1;
        groups
            .entry(f.window.due_on.clone())
            .or_default()
            .push(followups::item_json(row, &f, &now, zone, scope.contact));
    }
    if scope.contact && count > 0 {
        super::audit_line(
            &app,
            &principal,
            "read",
            "/v1/followups",
            json!({ "query": q.echo }),
            Some(count),
        )?;
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|(due_on, items)| json!({ "due_on": due_on, "items": items }))
        .collect();
    Ok(no_store(
        StatusCode::OK,
        json!({
            "filter": q.echo, "now": now, "count": count, "truncated": truncated,
            "lapsed": lapsed, "lapse_days": survey_core::followups::LAPSE_DAYS, "groups": groups,
        }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttemptBody {
    outcome: Outcome,
    note: Option<String>,
}

/// `POST /v1/followups/{id}/attempts`.
pub async fn attempt(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<AttemptBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    let Some(actor) = crate::cases::actor(&principal) else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "an API token cannot log calls; sign in as the agent who made the call",
        ));
    };
    let body = super::json_body(
        body,
        r#"{"outcome": "no_answer", "note": "…"}; outcomes: reached, no_answer, busy, refused, wrong_number, {"call_back_at": time}"#,
    )?;
    let row = followups::record_attempt(&app, &id, actor, body.outcome, body.note).await?;
    let f = followups::state(&row)?;
    let zones = zones(&app).await?;
    let now = crate::clock::now_rfc3339();
    let item = followups::item_json(&row, &f, &now, zones.of_dealer(Some(&row.dealer)), false);
    Ok(no_store(StatusCode::OK, json!({ "followup": item })))
}

/// `POST /v1/dealers/{dealer}/repair-orders`.
pub async fn import(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(dealer): Path<String>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    rule::import_visits(&principal.caller, &dealer).map_err(forbidden)?;
    survey_core::context::check_context_value(&dealer)
        .map_err(|e| ApiError::bad_request(format!("dealer {dealer:?}: {e}")))?;
    let csv_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("text/csv"));
    if !csv_type {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the repair orders as Content-Type: text/csv (a file saved as CSV UTF-8)",
        ));
    }
    let max = app.max_body;
    let body: Bytes = axum::body::to_bytes(body, max).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the file is over {max} bytes; split it into smaller files"),
        )
    })?;
    let orders = crate::repair_orders::parse(&body, &dealer).map_err(ApiError::bad_request)?;
    let zones = zones(&app).await?;
    let schedule = followups::schedule(zones.of_dealer(Some(&dealer)), app.cases.weekends_count);
    let now = crate::clock::now_rfc3339();
    let mut visits = Vec::with_capacity(orders.len());
    for order in orders {
        let visit = followups::new_visit(
            VisitInput {
                dealer: dealer.clone(),
                repair_order: order.repair_order,
                advisor: order.advisor,
                phone: order.phone,
                pickup_date: order.pickup_date,
            },
            &schedule,
            &now,
            true,
            false,
        )
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        visits.push(visit);
    }
    let added = app
        .db_within(
            std::time::Duration::from_secs(15),
            "store the repair orders",
            app.store.add_visits(&visits),
        )
        .await?;
    tracing::info!(%dealer, new = added.new, known = added.known, "repair orders imported");
    Ok(no_store(
        StatusCode::OK,
        json!({ "dealer": dealer, "rows": visits.len(), "imported": added.new, "known": added.known }),
    ))
}

/// `rate` of `part` in `whole`, `null` when there is nothing to divide.
fn rate(part: i64, whole: i64) -> Value {
    if whole > 0 {
        json!((part as f64) / (whole as f64))
    } else {
        Value::Null
    }
}

/// `GET /v1/coverage`.
pub async fn coverage(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let q = query::parse_coverage(super::raw_query(&uri)).map_err(ApiError::bad_request)?;
    let scope = rule::read(
        &principal.caller,
        rule::Resource::Summary,
        q.dealer.as_deref(),
    )
    .map_err(forbidden)?;
    let advisor = match (scope.advisor, q.advisor.clone()) {
        (Some(own), Some(asked)) if own != asked => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "you may read only your own coverage (advisor {own}), not advisor {asked}'s"
                ),
            ))
        }
        (Some(own), _) => Some(own),
        (None, asked) => asked,
    };
    let (mut from, mut to) = (q.from, q.to);
    let mut zone_name = None;
    if let Some(period) = q.period {
        let zones = zones(&app).await?;
        let probe = crate::store::Filter {
            dealer: q.dealer.clone(),
            dealers: scope.dealers.clone(),
            ..Default::default()
        };
        let zone = zones.of_filter(&probe).map_err(ApiError::bad_request)?;
        let today =
            survey_core::time::CivilDate::parse(&followups::today(zone)).ok_or_else(|| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "today is not a date")
            })?;
        let (first, end) = period.dates(today);
        from = Some(first);
        to = Some(end.plus_days(-1));
        zone_name = Some(zone.name.clone());
    }
    let filter = CoverageFilter {
        dealers: scope.dealers,
        dealer: q.dealer.clone(),
        advisor: advisor.clone(),
        from: from.map(|d| d.to_string()),
        to: to.map(|d| d.to_string()),
    };
    let rows = app
        .db("count the coverage", app.store.coverage(&filter))
        .await?;
    let mut dealers: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            let t = dealers.entry(r.dealer.clone()).or_default();
            for (sum, n) in t
                .iter_mut()
                .zip([r.visits, r.invited, r.responded, r.called])
            {
                *sum += n;
            }
            let c = survey_core::followups::Coverage {
                visits: r.visits,
                invited: r.invited,
                responded: r.responded,
                called: r.called,
            };
            json!({
                "dealer": r.dealer,
                "advisor": r.advisor,
                "visits": r.visits,
                "invited": r.invited,
                "responded": r.responded,
                "called": r.called,
                "invited_rate": rate(r.invited, r.visits),
                "response_rate": rate(r.responded, r.visits),
                "called_rate": rate(r.called, r.visits),
                "low": c.is_low(),
            })
        })
        .collect();
    let totals: Vec<Value> = dealers
        .into_iter()
        .map(|(dealer, [visits, invited, responded, called])| {
            let c = survey_core::followups::Coverage {
                visits,
                invited,
                responded,
                called,
            };
            json!({
                "dealer": dealer,
                "visits": visits,
                "invited": invited,
                "responded": responded,
                "called": called,
                "invited_rate": rate(invited, visits),
                "response_rate": rate(responded, visits),
                "called_rate": rate(called, visits),
                "low": c.is_low(),
            })
        })
        .collect();
    Ok(no_store(
        StatusCode::OK,
        json!({
            "filter": {
                "dealer": q.dealer,
                "advisor": advisor,
                "from": filter.from,
                "to": filter.to,
                "time_zone": zone_name,
            },
            "low_below": survey_core::followups::LOW_COVERAGE,
            "items": items,
            "dealers": totals,
        }),
    ))
}
