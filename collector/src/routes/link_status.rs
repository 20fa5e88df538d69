//! `GET /v1/links/status?survey=<id>&token=<token>` → `{"used": true|false}`: whether a
//! survey link was answered already, so the widget can say so before the first
//! question instead of after the last (issue 13 item 1).
//!
//! Public, with CORS for any origin (a `GET` without custom headers, so no preflight):
//! the widget asks from wherever it is embedded, before anyone could sign in. It
//! reveals one bit about a token the caller already holds, and tokens are
//! unguessable; nothing else of the response (when, by whom, what) is told.
//! Both parameters are required, each once; anything else is a 400.

use crate::app::Shared;
use crate::error::ApiError;
use crate::query::decode;
use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use survey_core::context::check_context_value;
use survey_core::ids::is_valid_id;

pub async fn status(State(app): State<Shared>, uri: Uri) -> Response {
    let response = match answer(&app, super::raw_query(&uri)).await {
        Ok(used) => (
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(json!({ "used": used })),
        )
            .into_response(),
        Err(e) => e.into_response(),
    };
    super::any_origin(response)
}

async fn answer(app: &Shared, raw: &str) -> Result<bool, ApiError> {
    let (survey, token) = parse(raw).map_err(ApiError::bad_request)?;
    app.db(
        "read a link's status",
        app.store.token_used(&survey, &token),
    )
    .await
}

/// `survey` (a survey id) and `token` (a context value), each exactly once.
fn parse(raw: &str) -> Result<(String, String), String> {
    let (mut survey, mut token) = (None, None);
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value).ok_or("a parameter is not valid percent-encoded UTF-8")?;
        let slot = match decode(name).as_deref() {
            Some("survey") => &mut survey,
            Some("token") => &mut token,
            _ => return Err("unknown parameter; expected survey and token".into()),
        };
        if slot.replace(value).is_some() {
            return Err("survey and token are each given once".into());
        }
    }
    let survey = survey
        .filter(|s| is_valid_id(s))
        .ok_or("survey: expected a survey id")?;
    let token = token
        .filter(|t| check_context_value(t).is_ok())
        .ok_or("token: expected the token of a survey link")?;
    Ok((survey, token))
}
