//! `POST /v1/links`: a signed survey link for one visit (see [`crate::links`]).
//!
//! Who: a group admin, a manager of the dealer (session + `X-CSRF-Token`), or the
//! dealer's system with a `write` API token ([`crate::auth::rule::issue_link`]).
//! The link itself is not stored: it carries its context, expiry, token and signature,
//! and the database's one-response-per-token rule makes it single use. A link for a
//! repair order records its visit (once per dealer and RO), which schedules the
//! visit's routine follow-up call and counts it as invited ([`crate::followups`]).

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::auth::rule;
use crate::error::ApiError;
use crate::links;
use axum::extract::{Extension, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use survey_core::context::check_context_value;
use survey_core::ids::is_valid_id;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Create {
    survey: String,
    dealer: String,
    repair_order: Option<String>,
    advisor: Option<String>,
    visit_date: Option<String>,
    /// How the link reaches the customer (`qr`, `sms`, `wechat`, …); default `qr`.
    channel: Option<String>,
    /// Post-call links: the agent and the kind of call.
    agent: Option<String>,
    call_type: Option<String>,
    expires_in_days: Option<u32>,
    /// The survey's language (`lang`; not signed: the customer may change it).
    lang: Option<String>,
    /// Where customers reach this collector (`https://survey.dealer.cn`); default: the
    /// request's own host, https unless it is this machine.
    base: Option<String>,
}

const EXPECTED: &str = r#"{"survey", "dealer", "repair_order", "advisor", "visit_date", "channel", "expires_in_days"}"#;

pub async fn create(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    body: Result<Json<Create>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    let req = super::json_body(body, EXPECTED)?;
    rule::issue_link(&principal.caller, Some(&req.dealer))
        .map_err(|e| ApiError::new(StatusCode::FORBIDDEN, e.0))?;
    if !is_valid_id(&req.survey) {
        return Err(ApiError::bad_request(format!(
            "survey {:?} is not a survey id (e.g. post-service)",
            req.survey
        )));
    }
    let days = req.expires_in_days.unwrap_or(links::DEFAULT_DAYS);
    if !(1..=links::MAX_DAYS).contains(&days) {
        return Err(ApiError::bad_request(format!(
            "expires_in_days must be 1 to {}",
            links::MAX_DAYS
        )));
    }
    let mut context = BTreeMap::new();
    let given = [
        ("dealer", Some(req.dealer)),
        ("repair_order", req.repair_order),
        ("advisor", req.advisor),
        ("visit_date", req.visit_date),
        ("channel", Some(req.channel.unwrap_or_else(|| "qr".into()))),
        ("agent", req.agent),
        ("call_type", req.call_type),
    ];
    for (key, value) in given {
        let Some(value) = value else { continue };
        check_context_value(&value)
            .map_err(|e| ApiError::bad_request(format!("{key} {value:?}: {e}")))?;
        context.insert(key.to_string(), value);
    }
    if let Some(date) = context.get("visit_date") {
        if date.len() != 10 || date.parse::<jiff::civil::Date>().is_err() {
            return Err(ApiError::bad_request(format!(
                "visit_date {date:?} is not a date (YYYY-MM-DD)"
            )));
        }
    }
    let lang = req.lang.unwrap_or_else(|| "zh-CN".into());
    if !matches!(lang.as_str(), "zh-CN" | "zh-TW" | "en") {
        return Err(ApiError::bad_request("lang is zh-CN, zh-TW or en"));
    }
    let base = match req.base {
        Some(b) => checked_base(&b)?,
        None => own_base(&headers)?,
    };
    let now = crate::clock::now();
    let exp = now.as_second() + i64::from(days) * 86_400;
    let token = crate::auth::secret::random_token();
    context.insert("exp".into(), exp.to_string());
    context.insert("token".into(), token.clone());
    // A link for a repair order is a visit: its routine follow-up call is scheduled
    // and coverage counts it as invited ([`crate::followups`]).
    if let Some(ro) = context.get("repair_order").cloned() {
        let dealer = context["dealer"].clone();
        let settings = app
            .db("read the dealer settings", app.store.dealer_settings())
            .await?;
        // Zones are not shared across an await (jiff's zones are not `Sync`).
        let visit = {
            let zones = crate::settings::Zones::of(&settings);
            let zone = zones.of_dealer(Some(&dealer));
            let pickup = context
                .get("visit_date")
                .cloned()
                .unwrap_or_else(|| crate::followups::today(zone));
            crate::followups::new_visit(
                crate::followups::VisitInput {
                    dealer: dealer.clone(),
                    repair_order: ro,
                    advisor: context.get("advisor").cloned(),
                    phone: None,
                    pickup_date: pickup,
                },
                &crate::followups::schedule(zone, app.cases.weekends_count),
                &crate::clock::now_rfc3339(),
                false,
                true,
            )
            .map_err(|e| ApiError::bad_request(format!("visit_date: {e}")))?
        };
        app.db("record the visit", app.store.add_visits(&[visit]))
            .await?;
    }
    let url = signed_url(&app, &req.survey, context.clone(), &lang, &base).await?;
    let expires_at = expiry(exp)?;
    tracing::info!(dealer = %context["dealer"], "survey link made");
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({ "url": url, "token": token, "expires_at": expires_at })),
    )
        .into_response())
}

/// The URL of a signed link: `context` (with its `exp` and `token`) signed with the
/// group's key for `survey`, its values as the widget's link parameters, and `lang`.
/// The one way a link is made, for visits here and for a case's "did we solve it?"
/// ([`super::solve_links`]).
pub(crate) async fn signed_url(
    app: &Shared,
    survey: &str,
    mut context: BTreeMap<String, String>,
    lang: &str,
    base: &str,
) -> Result<String, ApiError> {
    let key = app.link_key().await?;
    let sig = links::sign(&key, survey, &context);
    context.insert("sig".into(), sig);
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("survey", survey);
    for &(param, key) in survey_core::context::LINK_PARAMS {
        if let Some(v) = context.get(key) {
            query.append_pair(param, v);
        }
    }
    query.append_pair("lang", lang);
    Ok(format!("{base}/?{}", query.finish()))
}

/// A link's expiry (Unix seconds) as stored and shown.
pub(crate) fn expiry(exp: i64) -> Result<String, ApiError> {
    jiff::Timestamp::from_second(exp)
        .map(crate::clock::rfc3339_millis)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

/// `https://host[:port]` or `http://…`, nothing after it.
pub(crate) fn checked_base(base: &str) -> Result<String, ApiError> {
    let b = base.trim_end_matches('/');
    let rest = b
        .strip_prefix("https://")
        .or_else(|| b.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)) =>
        {
            Ok(b.to_string())
        }
        _ => Err(ApiError::bad_request(
            "base is where customers reach the collector, e.g. https://survey.dealer.cn",
        )),
    }
}

/// The request's own host (already checked against `--allowed-hosts`): plain http
/// only for this machine.
pub(crate) fn own_base(headers: &HeaderMap) -> Result<String, ApiError> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let scheme = if matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
        "http"
    } else {
        "https"
    };
    checked_base(&format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases() {
        assert!(checked_base("https://survey.dealer.cn/").is_ok());
        assert!(checked_base("http://127.0.0.1:8080").is_ok());
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https://a/b",
            "ftp://x",
            "https://a?b",
        ] {
            assert!(checked_base(bad).is_err(), "{bad}");
        }
    }
}
