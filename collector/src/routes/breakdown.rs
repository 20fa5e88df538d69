//! `GET /v1/breakdown?by=advisor|agent|station|channel&survey=…&<filter>`: one row per
//! advisor (or call agent, kiosk station, or channel: `phone` interviews against the
//! self-completed, `null` for no channel) with their figures and their place in a
//! ranking that small samples cannot fool ([`survey_core::scoring::ranking`]: shrunken
//! CSI, rows under the minimum n listed but not ranked).
//!
//! `by=month` (with `from=` and `to=` or a period): one row per calendar month in the
//! dealer's zone, every month of the range listed (an empty one with 0 responses), in
//! one pass over the rows: the console's 12-month trend in one call instead of twelve.
//! Months are not ranked.
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
) -> Result<axum::response::Response, ApiError> {
    let (by, rest) = split_by(super::raw_query(&uri))?;
    let (q, _, zones) =
        super::read_query_of(&app, &rest, Shape::Filter, &principal, Resource::Summary).await?;
    if q.filter.survey.is_none() {
        return Err(ApiError::bad_request(
            "name the survey (survey=post-service or survey=post-call): figures of different \
             surveys are not pooled",
        ));
    }
    let by = match by {
        By::Group(group) => group,
        By::Month => {
            return months(&app, &q, &zones)
                .await
                .map(IntoResponse::into_response)
        }
    };
    let groups = app
        .db("read the scores", app.store.scores_by(&q.filter, by))
        .await?;
    let summaries: Vec<_> = groups
        .iter()
        .map(|(key, scores)| (key, scores.totals.summary(), scores.unscored))
        .collect();
    // The row of responses without an advisor (a lounge kiosk, a website) is nobody:
    // listed with its figures, but neither ranked nor part of the pool the people are
    // shrunk towards.
    let evidence: Vec<Evidence> = summaries
        .iter()
        .map(|(key, s, _)| match key {
            Some(_) => Evidence {
                n: s.csi.n,
                mean: s.csi.mean,
            },
            None => Evidence { n: 0, mean: None },
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
    )
        .into_response())
}

/// What a breakdown is by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    Group(Group),
    Month,
}

/// `by=month`: every month of the range, in order, with its figures.
async fn months(
    app: &Shared,
    q: &crate::query::Query,
    zones: &crate::settings::Zones,
) -> Result<impl IntoResponse, ApiError> {
    let starts =
        crate::query::month_starts(q, zones, crate::clock::now()).map_err(ApiError::bad_request)?;
    let groups = app
        .db(
            "read the scores",
            app.store.scores_by_period(&q.filter, &starts),
        )
        .await?;
    let rows: Vec<_> = starts
        .iter()
        .map(|(month, _)| {
            let found = groups
                .iter()
                .find(|(k, _)| k.as_deref() == Some(month.as_str()))
                .map(|(_, s)| s);
            let s = found.map(|s| (s.totals.summary(), s.unscored));
            let (summary, unscored) =
                s.unwrap_or_else(|| (crate::store::Scores::default().totals.summary(), 0));
            json!({
                "month": month,
                "responses": summary.n as u64 + unscored,
                "csi": summary.csi,
                "nps": summary.nps,
                "csat": summary.csat,
                "fcr": summary.fcr,
                "responses_with_alerts": summary.responses_with_alerts,
            })
        })
        .collect();
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({ "filter": q.echo, "by": "month", "rows": rows })),
    ))
}

/// Takes `by=` out of the raw query; the rest is the filter.
fn split_by(raw: &str) -> Result<(By, String), ApiError> {
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
                by = Some(match v {
                    "month" => By::Month,
                    _ => By::Group(Group::parse(v).ok_or_else(|| {
                        ApiError::bad_request(format!(
                            "the by parameter {v:?} is not one of advisor, agent, station, channel, month"
                        ))
                    })?),
                });
            }
            _ => rest.push(pair),
        }
    }
    let by = by.ok_or_else(|| {
        ApiError::bad_request(
            "say what to break down by: by=advisor, by=agent, by=station, by=channel or by=month",
        )
    })?;
    Ok((by, rest.join("&")))
}
