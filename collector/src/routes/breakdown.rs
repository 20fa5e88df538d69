//! `GET /v1/breakdown?by=advisor|agent|station|channel&survey=…&<filter>`: one row per
//! advisor (or call agent, kiosk station, or channel: `phone` interviews against the
//! self-completed, `null` for no channel) with their figures and their place in a
//! ranking that small samples cannot fool ([`survey_core::scoring::ranking`]: shrunken
//! CSI, rows under the minimum n listed but not ranked).
//!
//! `survey=` is required: a row never pools post-service CSI with post-call CSAT.
//! `by` is taken here; every other parameter is the one query module's filter
//! ([`crate::query`], `Shape::Filter`), scoped like the summary (an advisor gets their
//! own row; an agent is refused).

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::query::Shape;
use crate::store::Group;
use axum::extract::{Extension, State};
use axum::http::{header, Uri};
use axum::response::IntoResponse;
use serde_json::json;
use survey_core::scoring::ranking::{self, Evidence, MIN_COMPARABLE, PRIOR_WEIGHT};

pub async fn get(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<impl IntoResponse, ApiError> {
    let (by, rest) = split_by(super::raw_query(&uri))?;
    let (q, _, _) =
        super::read_query_of(&app, &rest, Shape::Filter, &principal, Resource::Summary).await?;
    if q.filter.survey.is_none() {
        return Err(ApiError::bad_request(
            "name the survey (survey=post-service or survey=post-call): figures of different \
             surveys are not pooled",
        ));
    }
    let groups = app
        .db("read the scores", app.store.scores_by(&q.filter, by))
        .await?;
    let summaries: Vec<_> = groups
        .iter()
        .map(|(key, scores)| (key, scores.totals.summary(), scores.unscored))
        .collect();
    let evidence: Vec<Evidence> = summaries
        .iter()
        .map(|(_, s, _)| Evidence {
            n: s.csi.n,
            mean: s.csi.mean,
        })
        .collect();
    let placed = ranking::place(&evidence);
    let rows: Vec<_> = summaries
        .iter()
        .zip(&placed)
        .map(|((key, s, unscored), p)| {
            json!({
                by.key(): key,
                "responses": s.n as u64 + unscored,
                "csi": s.csi,
                "csi_shrunk": p.shrunk,
                "comparable": p.comparable,
                "rank": p.rank,
                "nps": s.nps,
                "csat": s.csat,
                "fcr": s.fcr,
                "responses_with_alerts": s.responses_with_alerts,
            })
        })
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "filter": q.echo,
            "by": by.key(),
            "ranking": {
                "method": "shrunken CSI: (n·mean + k·pool) / (n + k)",
                "k": PRIOR_WEIGHT,
                "pool_csi": ranking::pool_mean(&evidence),
                "min_comparable": MIN_COMPARABLE,
            },
            "rows": rows,
        })),
    ))
}

/// Takes `by=` out of the raw query; the rest is the filter.
fn split_by(raw: &str) -> Result<(Group, String), ApiError> {
    let mut by = None;
    let mut rest = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("by", v)) => {
                if by.is_some() {
                    return Err(ApiError::bad_request(
                        "the by parameter is given more than once",
                    ));
                }
                by = Some(Group::parse(v).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "the by parameter {v:?} is not one of advisor, agent, station, channel"
                    ))
                })?);
            }
            _ => rest.push(pair),
        }
    }
    let by = by.ok_or_else(|| {
        ApiError::bad_request(
            "say what to break down by: by=advisor, by=agent, by=station or by=channel",
        )
    })?;
    Ok((by, rest.join("&")))
}
