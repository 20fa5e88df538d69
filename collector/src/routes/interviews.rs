//! `POST /v1/interviews`: a phone interview an agent recorded in the console
//! (`/console/interview`, the widget's `mode=interview`; `survey_core::interview`).
//!
//! The body is the widget's response payload, exactly as `POST /v1/responses` takes
//! it, and it goes through the same checks, scoring and idempotent store (the outbox's
//! response id; a replay is `200 duplicate`). What differs is who may post and what the
//! server writes into the context, never trusting the payload for it:
//!
//! - **Signed in, in person**: the session's CSRF token; an API token cannot interview.
//!   The route's rule is the cases' ([`crate::auth::rule::cases`]): admins, managers and
//!   follow-up agents of the dealer; never a service advisor.
//! - `context.channel = "phone"`, `context.agent` = the session's login.
//! - `context.case` (a case the caller may read) or `context.followup` (an opaque id of
//!   the call list, checked by the context alphabet) says what the call was for; one
//!   of them is required. For a case, the visit (dealer, advisor, repair order, visit
//!   date, station) is copied from the case's own response, so the interview is
//!   counted for the advisor the complaint was about, whatever the page sent. Its
//!   alerts open no second case: the case it was made for is already open. It counts as
//!   verified when the case's response was (the visit is vouched for by its link).
//! - `context.called_back_3d` (process item 9): from the visit date and the first call
//!   (the case's earliest attempt, or this interview), in the dealer's zone.
//! - **Refused** (403) when the interviewer is the advisor being rated: the visit's
//!   advisor id against the agent's login and the account's advisor id
//!   ([`survey_core::interview::interviewer_is_rated`]).

use crate::app::Shared;
use crate::auth::principal::{Principal, Who};
use crate::auth::rule::{self, Caller};
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use survey_core::context::check_context_value;
use survey_core::interview::{self, CALLED_BACK_KEY, CASE_KEY, CHANNEL, FOLLOWUP_KEY};
use survey_core::payload::Mode;
use survey_core::ResponsePayload;

/// The context keys the case's response decides for a case interview.
const VISIT_KEYS: [&str; 5] = ["dealer", "advisor", "repair_order", "visit_date", "station"];

/// The signed-in agent making the interview.
pub struct Interviewer {
    pub principal: Principal,
    pub login: String,
    pub advisor: Option<String>,
}

/// `POST /v1/interviews`.
pub async fn post(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let refused = |e: ApiError| axum::response::IntoResponse::into_response(e);
    if let Some(q) = uri.query().filter(|q| !q.is_empty()) {
        return refused(ApiError::bad_request(format!(
            "/v1/interviews takes no query parameters (found {q:?}); the case or follow-up \
             id goes in the response's context"
        )));
    }
    if let Err(e) = principal.check_csrf(&headers) {
        return refused(e);
    }
    let (login, advisor) = match (&principal.who, &principal.caller) {
        (Who::User { login, .. }, Caller::User { advisor, .. }) => (login.clone(), advisor.clone()),
        _ => {
            return refused(ApiError::new(
                StatusCode::FORBIDDEN,
                "an API token cannot record a phone interview; sign in as the agent who calls",
            ))
        }
    };
    let interviewer = Interviewer {
        principal,
        login,
        advisor,
    };
    super::responses::post_as(&app, &headers, body, Some(&interviewer)).await
}

/// What [`prepare`] found: whether the response's alerts may open a case (not for an
/// interview made for a case, which is open already).
pub struct Prepared {
    pub opens_case: bool,
    /// The case's response came through a signed link (or a paired kiosk), or the
    /// follow-up's visit is the collector's own (an imported repair order, a link it
    /// signed): the visit is vouched for, and so is the interview about it.
    pub verified: bool,
    /// The routine follow-up call this interview completes: marked reached once the
    /// response is stored (not on a replay).
    pub followup: Option<String>,
}

/// Checks an interview payload and writes the server's context into it (see the
/// module's list). Deterministic for a given case and session, so a replay of the
/// same response stores the same content and is counted once.
pub async fn prepare(
    app: &Shared,
    who: &Interviewer,
    payload: &mut ResponsePayload,
) -> Result<Prepared, ApiError> {
    let invalid = |m: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, m);
    if payload.client.mode != Mode::Interview {
        return Err(invalid(
            "client.mode must be \"interview\": /v1/interviews records the console's phone \
             interviews"
                .into(),
        ));
    }
    if ["sig", "exp", "token"]
        .iter()
        .any(|k| payload.context.contains_key(*k))
    {
        return Err(invalid(
            "a phone interview carries no survey link (sig, exp, token); open it from the case \
             or the call list"
                .into(),
        ));
    }
    let case_id = payload.context.get(CASE_KEY).cloned();
    let followup = payload.context.get(FOLLOWUP_KEY).cloned();
    if let Some(f) = &followup {
        check_context_value(f).map_err(|e| invalid(format!("context.{FOLLOWUP_KEY}: {e}")))?;
    }
    let mut attempts = Vec::new();
    let verified;
    match (&case_id, &followup) {
        (None, None) => {
            return Err(invalid(format!(
                "context.{CASE_KEY} or context.{FOLLOWUP_KEY} must say which case or call this \
                 interview is for"
            )))
        }
        (Some(id), _) => {
            let (row, _) = super::cases::readable(app, &who.principal, id).await?;
            let response = app
                .db(
                    "read the case's response",
                    app.store.response(&row.response_id),
                )
                .await?
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::CONFLICT,
                        "the case's response is gone (deleted)",
                    )
                })?;
            verified = response.verified;
            let visit: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&response.context).map_err(|e| {
                    ApiError::store(
                        "read the case's response",
                        crate::store::StoreError::from(e),
                    )
                })?;
            for key in VISIT_KEYS {
                match visit.get(key) {
                    Some(v) => payload.context.insert(key.to_string(), v.clone()),
                    None => payload.context.remove(key),
                };
            }
            attempts = app
                .db("read the case's history", app.store.case_events(id))
                .await?
                .into_iter()
                .filter(|e| e.action == "attempt")
                .map(|e| e.at)
                .collect();
        }
        (None, Some(id)) => {
            // The visit is the follow-up's own, whatever the page sent: its dealer (the
            // scope checked), repair order, advisor and pickup date.
            let visit = app
                .db("read the follow-up", app.store.visit(id))
                .await?
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no such follow-up call"))?;
            rule::cases(&who.principal.caller, Some(&visit.dealer))
                .map_err(|d| ApiError::new(StatusCode::FORBIDDEN, d.0))?;
            for key in VISIT_KEYS {
                payload.context.remove(key);
            }
            payload.context.insert("dealer".into(), visit.dealer);
            payload
                .context
                .insert("repair_order".into(), visit.repair_order);
            payload
                .context
                .insert("visit_date".into(), visit.pickup_date);
            if let Some(a) = visit.advisor {
                payload.context.insert("advisor".into(), a);
            }
            verified = true;
        }
    }
    let advisor = payload.context.get("advisor").map(String::as_str);
    if interview::interviewer_is_rated(advisor, &who.login, who.advisor.as_deref()) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "you are the advisor this visit rates ({}); another agent must make this interview",
                advisor.unwrap_or_default()
            ),
        ));
    }
    payload.context.insert("channel".into(), CHANNEL.into());
    payload.context.insert("agent".into(), who.login.clone());
    // Item 9: the first call is the case's earliest attempt, or this interview.
    let first = interview::first_call(
        attempts
            .iter()
            .map(String::as_str)
            .chain([payload.created_at.as_str()]),
    );
    let settings = app
        .db("read the dealer settings", app.store.dealer_settings())
        .await?;
    let zones = crate::settings::Zones::of(&settings);
    let tz = &zones
        .of_dealer(payload.context.get("dealer").map(String::as_str))
        .tz;
    let called = first.and_then(|t| {
        let ts: jiff::Timestamp = t.parse().ok()?;
        let zone = survey_core::time::Zone {
            offset_minutes: tz.to_offset(ts).seconds() / 60,
        };
        interview::called_back_within(
            payload.context.get("visit_date").map(String::as_str),
            t,
            zone,
        )
    });
    match called {
        Some(yes) => payload.context.insert(
            CALLED_BACK_KEY.into(),
            if yes { "yes" } else { "no" }.into(),
        ),
        None => payload.context.remove(CALLED_BACK_KEY),
    };
    Ok(Prepared {
        opens_case: case_id.is_none(),
        verified,
        followup: followup.filter(|_| case_id.is_none()),
    })
}
