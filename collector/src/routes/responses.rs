//! `/v1/responses`: the widget posts here; a dealer's tools read the stored rows back.
//!
//! A post is checked with survey-core (the same code the widget ran), rescored, and
//! stored once per id (see [`crate::store`]); every refusal names its reason and
//! stores nothing.

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::log::ResponseIdTag;
use crate::query::Shape;
use crate::store::{Insert, NewRow, Receipt};
use crate::verify;
use axum::body::Body;
use axum::extract::{Extension, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use survey_core::{Definition, ResponseId, ResponsePayload};

/// CORS for posting only: the widget is embedded on dealers' sites and holds no
/// secrets, so any origin may post (no cookies or credentials are accepted). Reading
/// responses back gets no CORS headers, so no other website can read what customers
/// wrote through a visitor's browser.
const CORS_HEADERS: [(&str, &str); 5] = [
    ("access-control-allow-origin", "*"),
    // A widget on another origin must see when to retry after a 429 or 503, and a
    // paired kiosk whether its device key was accepted ([`crate::kiosks::STATUS`]).
    (
        "access-control-expose-headers",
        "Retry-After, X-Kiosk-Key-Status",
    ),
    ("access-control-allow-methods", "POST, OPTIONS"),
    // A paired kiosk sends its device key (`X-Kiosk-Key`, [`crate::kiosks`]); a dealer
    // may route with extra headers of their own (`data-endpoint-headers`); `*` admits
    // any but `Authorization`, which the widget never sends.
    (
        "access-control-allow-headers",
        "Content-Type, Idempotency-Key, X-Kiosk-Key, *",
    ),
    ("access-control-max-age", "600"),
];

/// Adds the posting CORS headers to every POST/OPTIONS answer of `/v1/responses` (and
/// of the widget's funnel beacons, `/v1/beacons`),
/// including a 503 from the in-flight limit, so a widget on another origin can read it.
pub async fn cors_for_posting(request: Request, next: Next) -> Response {
    let posting = matches!(request.uri().path(), "/v1/responses" | "/v1/beacons")
        && matches!(*request.method(), Method::POST | Method::OPTIONS);
    let mut response = next.run(request).await;
    if posting {
        let headers = response.headers_mut();
        for (name, value) in CORS_HEADERS {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}

pub async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// `application/json`, optionally with `charset=utf-8`; anything else is refused so a
/// browser form post (which CORS lets through without preflight) never gets stored.
pub fn is_json_content_type(value: &str) -> bool {
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return false;
    }
    parts.all(|param| match param.split_once('=') {
        Some((name, v)) if name.trim().eq_ignore_ascii_case("charset") => {
            v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

/// `POST /v1/responses`.
pub async fn post(State(app): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    post_as(&app, &headers, body, None).await
}

/// A posted response, from the open route (`interviewer` `None`) or an agent's phone
/// interview ([`super::interviews`]): the same checks, scoring and store.
pub async fn post_as(
    app: &Shared,
    headers: &HeaderMap,
    body: Body,
    interviewer: Option<&super::interviews::Interviewer>,
) -> Response {
    match receive(app, headers, body, interviewer).await {
        Ok((status, id, receipt_body)) => {
            let refused = receipt_body.get("unverified_reason").is_some();
            let mut response = (status, axum::Json(receipt_body)).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if refused {
                headers.insert(
                    crate::kiosks::STATUS,
                    HeaderValue::from_static("not-accepted"),
                );
            }
            response.extensions_mut().insert(ResponseIdTag(id));
            response
        }
        Err((error, id)) => {
            let mut response = error.into_response();
            if let Some(id) = id {
                response.extensions_mut().insert(ResponseIdTag(id));
            }
            response
        }
    }
}

type Refusal = (ApiError, Option<String>);

fn refuse(status: StatusCode, reason: impl AsRef<str>) -> Refusal {
    (ApiError::new(status, reason), None)
}

async fn receive(
    app: &Shared,
    headers: &HeaderMap,
    body: Body,
    interviewer: Option<&super::interviews::Interviewer>,
) -> Result<(StatusCode, String, Value), Refusal> {
    let max = app.max_body;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(declared) = declared.filter(|d| *d > max as u64) {
        // Answered without reading: hyper closes the connection instead of draining.
        return Err(refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body is {declared} bytes, limit is {max}"),
        ));
    }
    match headers.get(header::CONTENT_TYPE).map(|v| v.to_str()) {
        None => {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Content-Type must be application/json",
            ))
        }
        Some(Ok(ct)) if is_json_content_type(ct) => {}
        Some(ct) => {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "Content-Type must be application/json, found {:?}",
                    ct.unwrap_or("(not text)")
                ),
            ))
        }
    }
    let keys: Vec<String> = headers
        .get_all("idempotency-key")
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
        .collect();

    // Each chunk must come within the client timeout (a layer), and the whole body
    // within `body_deadline`: a client trickling a byte a second would otherwise hold
    // an in-flight slot for as long as it likes.
    let read = tokio::time::timeout(app.body_deadline, axum::body::to_bytes(body, max)).await;
    let Ok(read) = read else {
        return Err(refuse(
            StatusCode::REQUEST_TIMEOUT,
            "the body took too long to arrive; send it again",
        ));
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let too_long = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            // A body that stopped coming (a phone on a weak signal) is a 408, which the
            // widget retries; a 400 would set a valid response aside for good.
            let timed_out = std::iter::successors(std::error::Error::source(&e), |s| s.source())
                .any(|s| s.is::<tower_http::timeout::TimeoutError>());
            return Err(if too_long {
                refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("body is over {max} bytes, limit is {max}"),
                )
            } else if timed_out {
                refuse(
                    StatusCode::REQUEST_TIMEOUT,
                    "the body stopped arriving before it was complete; send it again",
                )
            } else {
                refuse(
                    StatusCode::BAD_REQUEST,
                    format!("could not read the body: {e}"),
                )
            });
        }
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, format!("body is not UTF-8: {e}")))?;
    let mut payload = ResponsePayload::from_json_strict(text)
        .map_err(|e| refuse(StatusCode::BAD_REQUEST, e.to_string()))?;
    let id = payload.id.as_str().to_string();
    let tagged =
        |status: StatusCode, reason: String| (ApiError::new(status, reason), Some(id.clone()));
    for key in &keys {
        if ResponseId::parse(key).as_ref() != Some(&payload.id) {
            return Err(tagged(
                StatusCode::BAD_REQUEST,
                format!(
                    "Idempotency-Key {key:?} does not match the response id {}",
                    payload.id
                ),
            ));
        }
    }
    // An interview's context is the server's (who called, for which case); the open
    // route takes no phone interview, so a customer's post cannot pass for one.
    let (opens_case, vouched, followup) = match interviewer {
        Some(who) => {
            let p = super::interviews::prepare(app, who, &mut payload)
                .await
                .map_err(|e| (e, Some(id.clone())))?;
            (p.opens_case, p.verified, p.followup)
        }
        None => {
            not_an_interview(&payload).map_err(|e| (e, Some(id.clone())))?;
            (true, false, None)
        }
    };
    let received_at = crate::clock::now_rfc3339();
    let known =
        crate::definitions::for_response(app, payload.survey.id.as_str(), payload.survey.version)
            .await
            .map_err(|e| (e, Some(id.clone())))?;
    let def = validate(&payload, &received_at, known).map_err(|e| (e, Some(id.clone())))?;
    let link_verified = check_link(app, &payload)
        .await
        .map_err(|e| (e, Some(id.clone())))?;
    let (kiosk, unverified_reason) = if interviewer.is_some() {
        (None, None)
    } else {
        check_kiosk(app, headers, &mut payload)
            .await
            .map_err(|e| (e, Some(id.clone())))?
    };
    // The server's own card: the one used for alerts and reports, whatever was sent.
    let verified = verify::verify(def.as_ref(), &payload, &received_at);
    let mut row = NewRow::of(&payload, &verified, &received_at)
        .map_err(|e| (ApiError::store("store the response", e), Some(id.clone())))?;
    row.verified = link_verified || kiosk.is_some() || vouched;
    row.kiosk = kiosk;
    let has_alerts = opens_case
        && verified
            .server
            .as_ref()
            .is_some_and(|c| !c.alerts.is_empty());
    let owner = match row.dealer.as_deref() {
        Some(dealer) if has_alerts => app
            .db("read the dealer's case owner", app.store.case_owner(dealer))
            .await
            .map_err(|e| (e, Some(id.clone())))?,
        _ => None,
    };
    // The case's due time is counted in its dealer's zone, the one its reports use.
    let zones = if has_alerts {
        let settings = app
            .db("read the dealer settings", app.store.dealer_settings())
            .await
            .map_err(|e| (e, Some(id.clone())))?;
        crate::settings::Zones::of(&settings)
    } else {
        crate::settings::Zones::of(&[])
    };
    row.case = crate::cases::for_response(
        verified.server.as_ref().filter(|_| opens_case),
        row.dealer.as_deref(),
        owner,
        &payload.created_at,
        &received_at,
        app.cases.weekends_count,
        &zones.of_dealer(row.dealer.as_deref()).tz,
    )
    .map_err(|e| (ApiError::store("open the case", e), Some(id.clone())))?;
    let outcome = app
        .db("store the response", app.store.insert(row))
        .await
        .map_err(|e| (e, Some(id.clone())))?;
    match outcome {
        Insert::Created(receipt) => {
            // The routine call this interview was: reached. The interview is stored
            // whatever happens here (a call already ended, or not yet due, is logged).
            if let (Some(f), Some(actor)) = (
                &followup,
                interviewer.and_then(|who| crate::cases::actor(&who.principal)),
            ) {
                let reached = survey_core::followups::Outcome::Reached;
                if let Err(e) = crate::followups::record_attempt(app, f, actor, reached, None).await
                {
                    tracing::warn!(
                        "interview {id}: follow-up {f} not marked reached: {}",
                        e.reason
                    );
                }
            }
            if verified.mismatch {
                tracing::warn!(
                    "{}",
                    verify::mismatch_line(&id, payload.score.as_ref(), verified.server.as_ref())
                );
            }
            Ok((
                StatusCode::CREATED,
                id.clone(),
                receipt_json(&id, &receipt, false, unverified_reason),
            ))
        }
        Insert::Duplicate(receipt) => Ok((
            StatusCode::OK,
            id.clone(),
            receipt_json(&id, &receipt, true, unverified_reason),
        )),
        Insert::Conflict => Err(tagged(
            StatusCode::CONFLICT,
            format!("response {id} was already received with different content"),
        )),
        Insert::TokenUsed => Err(tagged(
            StatusCode::CONFLICT,
            "this survey link has already been answered".into(),
        )),
    }
}

/// The reply to a stored response (first time or retry). An unverified one sent with
/// a kiosk key that was not accepted says so, for the tablet's staff menu.
fn receipt_json(
    id: &str,
    receipt: &Receipt,
    duplicate: bool,
    unverified_reason: Option<&str>,
) -> Value {
    let mut body = json!({
        "id": id,
        "received_at": receipt.received_at,
        "duplicate": duplicate,
        "score_mismatch": receipt.score_mismatch,
        "alerts": receipt.alerts,
        "verified": receipt.verified,
    });
    if let Some(reason) = unverified_reason.filter(|_| !receipt.verified) {
        body["unverified_reason"] = json!(reason);
    }
    body
}

/// The open route refuses what only a signed-in agent's interview may say: the
/// interview mode, and the phone channel on an unsigned post (a signed link's channel
/// is the link's, checked by its signature).
fn not_an_interview(payload: &ResponsePayload) -> Result<(), ApiError> {
    let phone = payload.context.get("channel").map(String::as_str)
        == Some(survey_core::interview::CHANNEL)
        && !payload.context.contains_key("sig");
    if payload.client.mode == survey_core::payload::Mode::Interview || phone {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a phone interview is recorded by a signed-in agent (POST /v1/interviews from the \
             console's interview page), not posted here",
        ));
    }
    Ok(())
}

/// The kiosk key's verdict ([`crate::kiosks`]): for a live key, its kiosk's id, with
/// the context's dealer and station made the key's; for a key that is not accepted,
/// the reason the receipt gives (the response is still stored, unverified). A post
/// without a key, or carrying a signed link, is not looked at. The key is never logged.
async fn check_kiosk(
    app: &Shared,
    headers: &HeaderMap,
    payload: &mut ResponsePayload,
) -> Result<(Option<String>, Option<&'static str>), ApiError> {
    let signed = payload.context.contains_key("sig") || payload.context.contains_key("exp");
    let Some(key) = crate::kiosks::key_of(headers).filter(|_| !signed) else {
        return Ok((None, None));
    };
    let which = crate::store::kiosks::Which::LiveHash(crate::auth::secret::digest(&key));
    let found = app
        .db("check the kiosk key", app.store.kiosks(which, None))
        .await?;
    Ok(match found.into_iter().next() {
        Some(k) => {
            crate::kiosks::bind(&mut payload.context, &k.dealer, &k.station);
            (Some(k.id), None)
        }
        None => (None, Some(crate::kiosks::NOT_ACCEPTED)),
    })
}

/// The signed link's verdict ([`crate::links`]): `true` for a valid signed link,
/// `false` for none, a 422 for an altered, damaged or expired one. The key is read
/// only when the response carries a signature, so unsigned posts never wait for it.
async fn check_link(app: &Shared, payload: &ResponsePayload) -> Result<bool, ApiError> {
    let context = &payload.context;
    if !context.contains_key("sig") && !context.contains_key("exp") {
        return Ok(false);
    }
    let key = app.link_key().await?;
    let now = crate::clock::now().as_second();
    match crate::links::check(&key, payload.survey.id.as_str(), context, now) {
        crate::links::Check::Verified => Ok(true),
        crate::links::Check::Unsigned => Ok(false),
        crate::links::Check::Refused(reason) => {
            Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, reason))
        }
    }
}

/// Runs survey-core's checks: the device clock's plausibility, then the definition the
/// collector knows for the survey (built in or a dealer's published one,
/// [`crate::definitions::for_response`]), structural only for a survey it does not
/// know. Returns the definition the response was checked against.
fn validate(
    payload: &ResponsePayload,
    received_at: &str,
    known: Option<Definition>,
) -> Result<Option<Definition>, ApiError> {
    let unprocessable =
        |e: &dyn std::fmt::Display| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string());
    payload
        .check_created_at(received_at)
        .map_err(|e| unprocessable(&e))?;
    let checked = catch_unwind(AssertUnwindSafe(|| {
        payload.validate(known.as_ref()).map(|()| known)
    }));
    match checked {
        Ok(Ok(def)) => Ok(def),
        Ok(Err(e)) => Err(unprocessable(&e)),
        Err(_) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the response could not be checked",
        )),
    }
}

/// `GET /v1/responses?survey=&dealer=&from=&to=&after=&limit=`: one page of stored
/// responses, oldest first, with the server's and the client's cards, and the cursor of
/// the next page (`null` on the last).
pub async fn list(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (q, contact, _) =
        super::read_query(&app, &uri, Shape::Paged, &principal, Resource::Responses).await?;
    let mut rows = app
        .db("read the responses", app.store.page(&q.filter, q.page))
        .await?;
    if !contact {
        rows.iter_mut().for_each(crate::auth::redact::contact);
    }
    let next = (rows.len() == q.page.limit as usize)
        .then(|| rows.last().map(|r| r.seq.to_string()))
        .flatten();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let parse = |text: Option<&str>| -> Result<Value, serde_json::Error> {
            text.map_or(Ok(Value::Null), serde_json::from_str)
        };
        match (
            parse(Some(&row.payload)),
            parse(row.score.as_deref()),
            parse(row.client_score.as_deref()),
        ) {
            (Ok(payload), Ok(score), Ok(client_score)) => items.push(json!({
                "id": row.id,
                "received_at": row.received_at,
                "payload": payload,
                "score": score,
                "client_score": client_score,
                "score_mismatch": row.score_mismatch,
                "verified": row.verified,
            })),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                tracing::error!(response = %row.id, "stored response is unreadable: {e}");
                return Err(ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("stored response {} is unreadable", row.id),
                ));
            }
        }
    }
    if contact {
        super::audit_read(
            &app,
            &principal,
            "read",
            "/v1/responses",
            &q,
            Some(items.len()),
        )
        .await?;
    }
    let body = json!({ "filter": q.echo, "items": items, "next": next });
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("Application/JSON; charset=UTF-8"));
        assert!(is_json_content_type("application/json;charset=\"utf-8\""));
        assert!(!is_json_content_type("application/json; charset=latin1"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type("application/x-www-form-urlencoded"));
        assert!(!is_json_content_type("application/jsonx"));
        assert!(!is_json_content_type(""));
    }
}
