//! "Did we solve it?": a closed case's customer is asked, through one signed survey link,
//! whether their concern was solved (the built-in survey `case-solved`,
//! `survey_core::templates::CASE_SOLVED`).
//!
//! - `POST /v1/cases/{id}/solve-link` (a manager or group admin of the case's dealer, in
//!   person with the session's CSRF token; body empty or `{"lang": "en"}`) makes the
//!   link, or gives back the one made before: one link per case. The case must be
//!   closed (409 otherwise): a customer is asked once the dealer says it is done.
//! - The link is an ordinary signed link ([`super::links::signed_url`],
//!   [`crate::links`]) whose **token is the case's id**: the response is stored like any
//!   other (`POST /v1/responses`, verified, scored by core: solved as FCR, the handling
//!   as CSAT), the database's one response per (survey, token) makes the link single
//!   use (a second answer is a 409 and the page shows the used-link page), and the
//!   answer is found by the case's id ([`answer_json`]) for the case page and the
//!   targets' share solved.
//! - Sending the link (SMS, WeChat) is not the collector's: the manager copies the URL
//!   or shows its QR code (`/v1/qr.svg?data=<url>`).
//!
//! ```text
//! closed case ──POST solve-link──▶ case_solve_links (once per case) ──▶ {url, expires_at}
//! customer opens url ──▶ widget (survey=case-solved, token=<case id>, sig, exp)
//!   ──POST /v1/responses──▶ responses (verified, token = case id) ──▶ GET /v1/cases/{id}: "solve"
//! ```

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::error::ApiError;
use crate::store::SolveLink;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use survey_core::cases::{Actor, Role, Status};
use survey_core::templates::CASE_SOLVED_ID;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Create {
    /// The survey's language (zh-CN by default; the customer may change it).
    lang: Option<String>,
}

fn link_json(link: &SolveLink, created: bool) -> Value {
    json!({
        "url": link.url,
        "expires_at": link.expires_at,
        "created_at": link.created_at,
        "created": created,
    })
}

/// `POST /v1/cases/{id}/solve-link`.
pub async fn create(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    let actor = crate::cases::actor(&principal);
    let manager = matches!(
        &actor,
        Some(Actor::Person {
            role: Role::DealerManager | Role::GroupAdmin,
            ..
        })
    );
    if !manager {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "a \"did we solve it?\" link is made by the dealer manager, signed in; ask the manager",
        ));
    }
    let req: Create = if body.iter().all(u8::is_ascii_whitespace) {
        Create::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(format!(
                r#"expected nothing or {{"lang": "zh-CN" | "zh-TW" | "en"}}: {e}"#
            ))
        })?
    };
    let lang = req.lang.unwrap_or_else(|| "zh-CN".into());
    if !matches!(lang.as_str(), "zh-CN" | "zh-TW" | "en") {
        return Err(ApiError::bad_request("lang is zh-CN, zh-TW or en"));
    }
    let (row, _) = super::cases::readable(&app, &principal, &id).await?;
    // A manager of another dealer was told "no such case" by `readable`.
    let case = crate::cases::state(&row).map_err(|e| ApiError::store("read a case", e))?;
    if let Some(link) = app
        .db("read the case's link", app.store.solve_link(&row.id))
        .await?
    {
        return Ok(reply(StatusCode::OK, &link, false));
    }
    if case.status != Status::Closed {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!(
                "this case is {}; the customer is asked \"did we solve it?\" once the case is closed",
                case.status.as_str()
            ),
        ));
    }
    let base = super::links::own_base(&headers)?;
    let exp = crate::clock::now().as_second() + i64::from(crate::links::DEFAULT_DAYS) * 86_400;
    let mut context = BTreeMap::new();
    if let Some(dealer) = &row.dealer {
        context.insert("dealer".to_string(), dealer.clone());
    }
    context.insert("exp".into(), exp.to_string());
    context.insert("token".into(), row.id.clone());
    let url = super::links::signed_url(&app, CASE_SOLVED_ID, context, &lang, &base).await?;
    let link = SolveLink {
        case_id: row.id.clone(),
        url,
        expires_at: super::links::expiry(exp)?,
        created_by: actor.map(|a| a.label()).unwrap_or_default(),
        created_at: crate::clock::now_rfc3339(),
    };
    let stored = app
        .db("store the case's link", app.store.add_solve_link(&link))
        .await?;
    if !stored {
        // Another manager made it meanwhile: theirs is the case's one link.
        let theirs = app
            .db("read the case's link", app.store.solve_link(&row.id))
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "the link changed meanwhile; reload the case",
                )
            })?;
        return Ok(reply(StatusCode::OK, &theirs, false));
    }
    tracing::info!(case = %row.id, "solve link made");
    Ok(reply(StatusCode::CREATED, &link, true))
}

fn reply(status: StatusCode, link: &SolveLink, created: bool) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(link_json(link, created)),
    )
        .into_response()
}

/// The case's "did we solve it?" for the case page: the link (if made) and the answer
/// (if given): `{"link": {...} | null, "answer": {"solved": bool, "handling": 1-5,
/// "comment": text, "received_at"} | null}`.
pub async fn answer_json(app: &Shared, case_id: &str) -> Result<Value, ApiError> {
    let link = app
        .db("read the case's link", app.store.solve_link(case_id))
        .await?;
    let response = app
        .db(
            "read the case's answer",
            app.store.response_by_token(CASE_SOLVED_ID, case_id),
        )
        .await?;
    let answer = response.map(|r| {
        let answers: Value = serde_json::from_str(&r.answers).unwrap_or(Value::Null);
        json!({
            "solved": answers["solved"]["yes_no"],
            "handling": answers["handling"]["scale"],
            "comment": answers["comment"]["text"],
            "received_at": r.received_at,
        })
    });
    Ok(json!({
        "link": link.as_ref().map(|l| link_json(l, false)),
        "answer": answer,
    }))
}
