//! The survey's own funnel (issue 15, HEART; [`survey_core::funnel`]).
//!
//! `POST /v1/beacons`: public, like posting a response (the widget on any site, no
//! credentials), with the posting CORS headers and its own rate limit per address
//! ([`crate::limits`]). The body is one beacon, at most [`MAX_BODY`] bytes, as
//! `application/json` or `text/plain` (what `navigator.sendBeacon` sends for a string,
//! which needs no CORS preflight). Answered 202 whether the beacon was new or a retry
//! (stored once per visit, stage and page); a bad one gets the one refusal shape with
//! the field at fault. Nothing of a beacon is logged: the process keeps counts only
//! ([`counts`]), and the store keeps no address or user agent.
//!
//! `GET /v1/funnel?survey=&dealer=&from=&to=&period=&channel=&by=channel`: signed in,
//! scoped like the summary (the caller's dealers), its period in the dealer's zone by
//! the one query module ([`crate::query`]); `survey=` is required (pages of two
//! questionnaires are not the same pages). Without `by=channel` one row pools every
//! channel. Each row: visits per stage and page, completion rate, median time to
//! complete, the page where the visits that did not complete stopped.

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::query::Shape;
use crate::store::beacons::{BeaconFilter, NewBeacon};
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use survey_core::funnel::{Beacon, Funnel};

/// The largest beacon body: a beacon is under 300 bytes.
pub const MAX_BODY: usize = 1024;

static STORED: AtomicU64 = AtomicU64::new(0);
static REPEATED: AtomicU64 = AtomicU64::new(0);
static REFUSED: AtomicU64 = AtomicU64::new(0);

/// Beacons stored, repeated (a retry, not stored again) and refused since start.
pub fn counts() -> (u64, u64, u64) {
    (
        STORED.load(Ordering::Relaxed),
        REPEATED.load(Ordering::Relaxed),
        REFUSED.load(Ordering::Relaxed),
    )
}

/// `POST /v1/beacons`.
pub async fn post(State(app): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    match receive(&app, &headers, body).await {
        Ok(new) => {
            if new {
                STORED.fetch_add(1, Ordering::Relaxed);
            } else {
                REPEATED.fetch_add(1, Ordering::Relaxed);
            }
            (StatusCode::ACCEPTED, [(header::CACHE_CONTROL, "no-store")]).into_response()
        }
        Err(e) => {
            if e.status.is_client_error() {
                REFUSED.fetch_add(1, Ordering::Relaxed);
            }
            e.into_response()
        }
    }
}

async fn receive(app: &Shared, headers: &HeaderMap, body: Body) -> Result<bool, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(d) = declared.filter(|d| *d > MAX_BODY as u64) {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a beacon is {d} bytes, limit is {MAX_BODY}"),
        ));
    }
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let text_plain = media
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/plain"));
    if !(text_plain || super::responses::is_json_content_type(media)) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json or text/plain",
        ));
    }
    let bytes =
        match tokio::time::timeout(app.body_deadline, axum::body::to_bytes(body, MAX_BODY)).await {
            Err(_) => {
                return Err(ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "the beacon took too long to arrive",
                ))
            }
            Ok(Err(_)) => {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("a beacon is at most {MAX_BODY} bytes"),
                ))
            }
            Ok(Ok(b)) => b,
        };
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| ApiError::bad_request(format!("body is not UTF-8: {e}")))?;
    let beacon =
        Beacon::from_json_strict(text).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let row = NewBeacon::of(&beacon, &crate::clock::now_rfc3339());
    app.db("store the beacon", app.store.add_beacon(&row)).await
}

/// `GET /v1/funnel`.
pub async fn funnel(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (by_channel, rest) = split(super::raw_query(&uri))?;
    let (q, _, _) =
        super::read_query_of(&app, &rest, Shape::Filter, &principal, Resource::Summary).await?;
    if q.filter.survey.is_none() {
        return Err(ApiError::bad_request(
            "name the survey (survey=post-service or survey=post-call): the pages of two \
             questionnaires are not the same pages",
        ));
    }
    let groups = app
        .db(
            "read the funnel",
            app.store.funnel(&BeaconFilter::of(&q.filter), by_channel),
        )
        .await?;
    let rows: Vec<_> = groups
        .into_iter()
        .map(|(channel, counts)| {
            let f = Funnel::of(counts);
            let pages: Vec<_> = f
                .counts
                .pages
                .iter()
                .map(|(page, visits)| json!({ "page": page, "visits": visits }))
                .collect();
            let stopped: Vec<_> = f
                .counts
                .stopped
                .iter()
                .map(|(page, visits)| json!({ "page": page, "visits": visits }))
                .collect();
            json!({
                "channel": channel,
                "opened": f.counts.opened,
                "started": f.counts.started,
                "pages": pages,
                "completed": f.counts.completed,
                "abandoned": f.counts.abandoned,
                "stopped": stopped,
                "completion_rate": f.completion_rate,
                "median_ms_to_complete": f.counts.median_ms_to_complete,
                "give_up_page": f.give_up_page,
            })
        })
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "filter": q.echo,
            "by": if by_channel { Some("channel") } else { None },
            "rows": rows,
        })),
    )
        .into_response())
}

/// The parameters the funnel takes besides `by`: beacons have no advisor, score or
/// comment, so any other filter is refused by name rather than ignored.
const PARAMETERS: [&str; 6] = ["survey", "dealer", "from", "to", "period", "channel"];

/// Takes `by=channel` out of the raw query and refuses what beacons cannot filter by.
fn split(raw: &str) -> Result<(bool, String), ApiError> {
    let mut by = None;
    let mut rest = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "by" if by.is_some() => {
                return Err(ApiError::bad_request(
                    "the by parameter is given more than once",
                ))
            }
            "by" if value == "channel" => by = Some(true),
            "by" => {
                return Err(ApiError::bad_request(format!(
                    "the by parameter {:?} must be channel (or left out to pool the channels)",
                    crate::log::printable(value)
                )))
            }
            n if PARAMETERS.contains(&n) => rest.push(pair),
            n => {
                return Err(ApiError::bad_request(format!(
                    "the funnel takes survey, dealer, from, to, period, channel and by; not {:?}",
                    crate::log::printable(n)
                )))
            }
        }
    }
    Ok((by.unwrap_or(false), rest.join("&")))
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn by_channel_and_nothing_beacons_do_not_have() {
        assert_eq!(
            split("survey=s&by=channel&from=2026-11-01").map_err(|e| e.reason),
            Ok((true, "survey=s&from=2026-11-01".into()))
        );
        assert_eq!(
            split("survey=s").map_err(|e| e.reason),
            Ok((false, "survey=s".into()))
        );
        let refused = |raw: &str| split(raw).err().map(|e| e.reason).unwrap_or_default();
        assert!(refused("survey=s&advisor=a1").contains("not \"advisor\""));
        assert!(refused("by=channel&by=channel").contains("more than once"));
        assert!(refused("by=advisor").contains("must be channel"));
    }
}
