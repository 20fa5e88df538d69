//! `/v1/dealers/{dealer}/webhook`: where a dealer's new cases and escalations are posted
//! ([`crate::notify`]). Group admins and the dealer's managers, in person; setting and
//! removing carry the session's CSRF token.
//!
//! - `GET` → `{"dealer", "webhook": {"url", "format", "updated_at"} | null}`
//! - `PUT {"url": "https://…", "format": "plain" | "wecom" | "dingtalk"}` → the same
//! - `DELETE` → `{"dealer", "webhook": null}` (queued notifications wait until one is set)

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::auth::rule::{self, Scope};
use crate::error::ApiError;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use survey_core::context::check_context_value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetWebhook {
    url: String,
    #[serde(default)]
    format: Option<String>,
}

fn may_manage(principal: &Principal, dealer: &str) -> Result<(), ApiError> {
    check_context_value(dealer)
        .map_err(|e| ApiError::bad_request(format!("dealer {dealer:?}: {e}")))?;
    let target = Scope::Dealers([dealer.to_string()].into_iter().collect());
    rule::manage(&principal.caller, &target).map_err(|e| ApiError::new(StatusCode::FORBIDDEN, e.0))
}

async fn reply(app: &Shared, dealer: &str) -> Result<Json<Value>, ApiError> {
    let hook = app
        .db("read the dealer's webhook", app.store.webhook(dealer))
        .await?;
    Ok(Json(json!({
        "dealer": dealer,
        "webhook": hook.map(|h| json!({"url": h.url, "format": h.format, "updated_at": h.updated_at})),
    })))
}

/// `GET /v1/dealers/{dealer}/webhook`.
pub async fn get(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(dealer): Path<String>,
) -> Result<Json<Value>, ApiError> {
    may_manage(&principal, &dealer)?;
    reply(&app, &dealer).await
}

/// `PUT /v1/dealers/{dealer}/webhook`.
pub async fn put(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(dealer): Path<String>,
    headers: HeaderMap,
    body: Result<Json<SetWebhook>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    principal.check_csrf(&headers)?;
    may_manage(&principal, &dealer)?;
    let req = super::json_body(
        body,
        r#"{"url": "https://…", "format": "plain" | "wecom" | "dingtalk"}"#,
    )?;
    let url = req.url.trim().to_string();
    crate::notify::check_url(&url).map_err(ApiError::bad_request)?;
    let format = req.format.unwrap_or_else(|| "plain".into());
    if !crate::notify::FORMATS.contains(&format.as_str()) {
        return Err(ApiError::bad_request(
            "format is plain (our JSON), wecom (企业微信群机器人) or dingtalk (钉钉机器人)",
        ));
    }
    let at = crate::clock::now_rfc3339();
    app.db(
        "set the dealer's webhook",
        app.store.set_webhook(&dealer, Some((&url, &format)), &at),
    )
    .await?;
    reply(&app, &dealer).await
}

/// `DELETE /v1/dealers/{dealer}/webhook`.
pub async fn delete(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(dealer): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    principal.check_csrf(&headers)?;
    may_manage(&principal, &dealer)?;
    let at = crate::clock::now_rfc3339();
    app.db(
        "remove the dealer's webhook",
        app.store.set_webhook(&dealer, None, &at),
    )
    .await?;
    reply(&app, &dealer).await
}
