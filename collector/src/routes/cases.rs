//! `/v1/cases`: hot-alert cases ([`crate::cases`], `survey_core::cases`).
//!
//! - `GET /v1/cases` — the list, scoped by [`rule::cases`]: `dealer`, `status`,
//!   `overdue=yes|no`, `escalated=yes|no` (the manager's list), `owner=me|none|<login>`,
//!   `after`, `limit`. No contact data in the list.
//! - `GET /v1/cases/{id}` — the case, its history, its alerts and the response's
//!   answers, with contact data for the roles allowed it (an audited read).
//!   Its `solve` is the closed case's "did we solve it?" link and answer
//!   ([`super::solve_links`]).
//! - `POST /v1/cases/{id}/events` — one action (`{"action":"attempt","outcome":"no_answer"}`,
//!   …), in person with the session's CSRF token; the state machine decides, a refusal
//!   is 403 (who), 409 (state, or a change that raced another), 422 (what is missing).

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::auth::rule;
use crate::error::ApiError;
use crate::query;
use crate::store::{CaseChange, CaseFilter, CaseRow, OwnerFilter};
use axum::extract::{Extension, Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use survey_core::cases::{self as core, Action};

fn forbidden(e: rule::Denied) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, e.0)
}

fn no_such_case() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such case")
}

fn no_store(body: Value) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// The case `id` if the caller may read its dealer; one outside their scope is "not
/// found", as it would be for a caller who guessed an id.
pub(crate) async fn readable(
    app: &Shared,
    principal: &Principal,
    id: &str,
) -> Result<(CaseRow, rule::CaseScope), ApiError> {
    let scope = rule::cases(&principal.caller, None).map_err(forbidden)?;
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(no_such_case());
    }
    let row = app
        .db("read the case", app.store.case(id))
        .await?
        .ok_or_else(no_such_case)?;
    let visible = match (&scope.dealers, &row.dealer) {
        (None, _) => true,
        (Some(list), Some(d)) => list.contains(d),
        (Some(_), None) => false,
    };
    if !visible {
        return Err(no_such_case());
    }
    Ok((row, scope))
}

/// Every dealer's zone: a case's times are shown on its dealer's clock.
async fn zones(app: &Shared) -> Result<crate::settings::Zones, ApiError> {
    let settings = app
        .db("read the dealer settings", app.store.dealer_settings())
        .await?;
    Ok(crate::settings::Zones::of(&settings))
}

/// The user id of `login`, for `owner=` and `assign`.
async fn user_id(app: &Shared, login: &str) -> Result<Option<crate::store::User>, ApiError> {
    app.db(
        "read the account",
        app.store.user_by_login(&login.trim().to_lowercase()),
    )
    .await
}

/// `GET /v1/cases`.
pub async fn list(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let q = query::parse_cases(super::raw_query(&uri)).map_err(ApiError::bad_request)?;
    let scope = rule::cases(&principal.caller, q.dealer.as_deref()).map_err(forbidden)?;
    let now = crate::clock::now_rfc3339();
    let owner = match q.owner.as_deref() {
        None => None,
        Some("none") => Some(OwnerFilter::Nobody),
        Some("me") => match &principal.who {
            crate::auth::principal::Who::User { id, .. } => Some(OwnerFilter::User(id.clone())),
            crate::auth::principal::Who::Token { .. } => {
                return Err(ApiError::bad_request(
                    "owner=me needs a signed-in person; an API token owns no cases",
                ))
            }
        },
        Some(login) => match user_id(&app, login).await? {
            Some(u) => Some(OwnerFilter::User(u.id)),
            None => {
                return Err(ApiError::bad_request(format!(
                    "the owner parameter {login:?} is not an account's login (or me, none)"
                )))
            }
        },
    };
    let filter = CaseFilter {
        dealers: scope.dealers,
        dealer: q.dealer.clone(),
        status: q.status.clone(),
        owner,
        overdue: q.overdue.map(|want| (want, now.clone())),
        escalated: q.escalated,
    };
    let rows = app
        .db("read the cases", app.store.cases(&filter, q.page))
        .await?;
    let next = (rows.len() == q.page.limit as usize)
        .then(|| rows.last().map(|r| r.seq.to_string()))
        .flatten();
    let zones = zones(&app).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        let case = crate::cases::state(row).map_err(|e| ApiError::store("read a case", e))?;
        let mut item =
            crate::cases::case_json(row, &case, &now, zones.of_dealer(row.dealer.as_deref()));
        // What a call list needs to tell the cases apart without contact data: the
        // alerts' rules and the visit's repair order and date. One read per row (a
        // page is at most `limit` rows).
        let response = app
            .db(
                "read a case's response",
                app.store.response(&row.response_id),
            )
            .await?;
        if let (Some(map), Some(response)) = (item.as_object_mut(), response) {
            let score = response
                .score
                .as_deref()
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
                .unwrap_or(Value::Null);
            let rules: Vec<Value> = score["alerts"]
                .as_array()
                .map(|a| a.iter().map(|x| x["rule"].clone()).collect())
                .unwrap_or_default();
            map.insert("alerts".into(), Value::Array(rules));
            let payload = serde_json::from_str::<Value>(&response.payload).unwrap_or(Value::Null);
            let context = &payload["context"];
            map.insert(
                "visit".into(),
                json!({
                    "repair_order": context["repair_order"],
                    "visit_date": context["visit_date"],
                    "advisor": context["advisor"],
                }),
            );
        }
        items.push(item);
    }
    Ok(no_store(
        json!({ "filter": q.echo, "items": items, "next": next }),
    ))
}

/// The questions of the response's definition (built in, or a dealer's published
/// version, [`crate::definitions::for_response`]), in the order the customer saw them
/// (matrix items after their question), each with its texts by locale, so a case shows
/// what was asked beside each answer. Empty for a survey the collector does not know.
fn question_texts(def: Option<&survey_core::Definition>) -> Vec<Value> {
    use survey_core::questionnaire::Input;
    let Some(def) = def else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for q in def.pages.iter().flat_map(|p| &p.questions) {
        out.push(json!({ "id": q.id.0, "text": q.text.0 }));
        if let Input::Matrix { items, .. } = &q.input {
            for item in items {
                out.push(json!({ "id": item.id.0, "text": item.text.0 }));
            }
        }
    }
    out
}

/// `GET /v1/cases/{id}`.
pub async fn get(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (row, scope) = readable(&app, &principal, &id).await?;
    let case = crate::cases::state(&row).map_err(|e| ApiError::store("read a case", e))?;
    let events = app
        .db("read the case's history", app.store.case_events(&id))
        .await?;
    let mut response = app
        .db(
            "read the case's response",
            app.store.response(&row.response_id),
        )
        .await?
        .ok_or_else(|| {
            tracing::error!(case = %row.id, "the case's response is missing");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the case's response is missing",
            )
        })?;
    if !scope.contact {
        crate::auth::redact::contact(&mut response);
    }
    let def = crate::definitions::for_response(
        &app,
        &response.survey_id,
        u32::try_from(response.survey_version).unwrap_or(0),
    )
    .await?;
    let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
    let score = response.score.as_deref().map(parse).unwrap_or(Value::Null);
    let payload = parse(&response.payload);
    let zones = zones(&app).await?;
    let zone = zones.of_dealer(row.dealer.as_deref());
    let history: Vec<Value> = events
        .iter()
        .map(|e| {
            json!({
                "at": e.at,
                "at_local": crate::cases::local_time(&e.at, &zone.tz),
                "actor": e.actor,
                "actor_login": e.actor_login,
                "action": e.action,
                "detail": parse(&e.detail),
            })
        })
        .collect();
    if scope.contact {
        super::audit_line(
            &app,
            &principal,
            "read",
            "/v1/cases/{id}",
            json!({ "case": row.id, "response": row.response_id }),
            Some(1),
        )?;
    }
    let now = crate::clock::now_rfc3339();
    Ok(no_store(json!({
        "case": crate::cases::case_json(&row, &case, &now, zone),
        "events": history,
        "alerts": score.get("alerts").cloned().unwrap_or(Value::Array(Vec::new())),
        "response": {
            "id": response.id,
            "received_at": response.received_at,
            "created_at": response.created_at,
            "survey": payload.get("survey").cloned().unwrap_or(Value::Null),
            "context": payload.get("context").cloned().unwrap_or(Value::Null),
            "answers": payload.get("answers").cloned().unwrap_or(Value::Null),
        },
        "questions": question_texts(def.as_ref()),
        "solve": super::solve_links::answer_json(&app, &row.id).await?,
    })))
}

/// `POST /v1/cases/{id}/events`.
pub async fn post_event(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Action>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    let Some(actor) = crate::cases::actor(&principal) else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "an API token cannot act on cases; sign in as the agent or manager",
        ));
    };
    let mut action = super::json_body(
        body,
        r#"one action, e.g. {"action": "attempt", "outcome": "no_answer"}; actions: assign (to), attempt (outcome: reached, no_answer, busy, refused, wrong_number, {"call_back_at": time}), resolve (resolution), close (cause, severity, resolution), reopen (reason), escalate"#,
    )?;
    // Not narrowed to the caller's dealers here: whether this person may act on this
    // case is the state machine's decision (another dealer's case is its 403).
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(no_such_case());
    }
    let row = app
        .db("read the case", app.store.case(&id))
        .await?
        .ok_or_else(no_such_case)?;
    // `assign` names a login; the state machine works with user ids. The assignee is
    // checked after the state machine accepted the caller, so a caller who may not
    // assign at all hears that (403) first.
    let mut assignee = None;
    if let Action::Assign { to } = &mut action {
        if !to.trim().is_empty() {
            assignee = Some(to.clone());
            if let Some(user) = user_id(&app, to).await? {
                assignee = None;
                let works_here = user.scope == rule::Scope::All
                    || row.dealer.as_deref().is_some_and(|d| user.scope.allows(d));
                let can_own = matches!(
                    user.role,
                    rule::Role::FollowUpAgent | rule::Role::DealerManager | rule::Role::GroupAdmin
                );
                if !works_here || !can_own {
                    assignee = Some(to.clone());
                }
                *to = user.id;
            }
        }
    }
    let case = crate::cases::state(&row).map_err(|e| ApiError::store("read a case", e))?;
    let at = crate::clock::now_rfc3339();
    let event = core::Event {
        at: at.clone(),
        actor,
        action,
    };
    let next = core::apply(&case, &event, &app.cases.rules)
        .map_err(|e| crate::cases::refusal(e.kind(), &e))?;
    if let Some(login) = assignee {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{login:?} is not the login of an agent or manager of this case's dealer"),
        ));
    }
    let line = crate::cases::event_of(&at, &event.actor, &event.action)
        .map_err(|e| ApiError::store("record the case event", e))?;
    let change = CaseChange::of(&row, &next, line)
        .map_err(|e| ApiError::store("record the case event", e))?;
    let written = app
        .db("record the case event", app.store.change_case(&change))
        .await?;
    if !written {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "the case changed meanwhile; reload it and try again",
        ));
    }
    let stored = app
        .db("read the case", app.store.case(&id))
        .await?
        .ok_or_else(no_such_case)?;
    let now = crate::clock::now_rfc3339();
    let case = crate::cases::state(&stored).map_err(|e| ApiError::store("read a case", e))?;
    let zones = zones(&app).await?;
    let zone = zones.of_dealer(stored.dealer.as_deref());
    Ok(no_store(
        json!({ "case": crate::cases::case_json(&stored, &case, &now, zone) }),
    ))
}
