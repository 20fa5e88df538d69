//! `GET /v1/summary`: the aggregate of the server's cards over the selected rows (the
//! database sums each row's stored totals: `crate::store::totals`), with
//! how many rows had no server card (`unscored`) and how many disagreed with their
//! client's card; and `fixed_first_time`: the `rate` of responses fixed right the first
//! time (Wilson 95% interval, like CSAT and FCR) and the `target` it is read against
//! ([`crate::settings::fixed_first_time_target`]), both as shares of 1; and `csi_target`,
//! the CSI goal (0-100) the report is read against ([`crate::settings::csi_target`]:
//! the dealer's own, set with `collector settings --csi-target`, else 93).
//!
//! By default only responses through a signed link count ([`crate::query`],
//! `verified=yes`); the unverified ones of the same filter are shown apart in the
//! `unverified` block (`responses`, and their own `summary`), so a dealer sees both
//! numbers and which one is vouched for.
//!
//! One summary is of one survey: a post-service CSI and a post-call CSAT are different
//! questions to different customers, and their mean is no one's number. A request
//! whose scored rows (verified or not) come from more than one survey is refused (422)
//! naming them, unless `survey=` picks one; a selection of one survey needs no
//! `survey=`. Rows the collector cannot score (a survey it does not know) are pooled
//! with nothing: they are only counted, in `unscored`.

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::query::Shape;
use axum::extract::{Extension, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::json;
use std::collections::BTreeSet;

pub async fn get(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<impl IntoResponse, ApiError> {
    let (q, _, _) =
        super::read_query(&app, &uri, Shape::Filter, &principal, Resource::Summary).await?;
    let scores = app
        .db("read the scores", app.store.scores(&q.filter))
        .await?;
    let apart = crate::store::Filter {
        verified: Some(false),
        ..q.filter.clone()
    };
    let unverified = app.db("read the scores", app.store.scores(&apart)).await?;
    let surveys: BTreeSet<&str> = scores
        .surveys
        .iter()
        .chain(&unverified.surveys)
        .map(String::as_str)
        .collect();
    if q.filter.survey.is_none() && surveys.len() > 1 {
        let names: Vec<&str> = surveys.into_iter().collect();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "these responses come from {} surveys ({}), whose scores are not one \
                 number; add survey= with one of them",
                names.len(),
                names.join(", ")
            ),
        ));
    }
    let summarise = |scores: &crate::store::Scores| {
        serde_json::to_value(scores.totals.summary()).map_err(|e| {
            tracing::error!("summary: {e}");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not summarise the scores",
            )
        })
    };
    let summary = summarise(&scores)?;
    let settings = app
        .db("read the dealer settings", app.store.dealer_settings())
        .await?;
    let fixed_first_time = json!({
        "rate": fixed_first_time(scores.fixed_first_time),
        "target": crate::settings::fixed_first_time_target(&settings, &q.filter) / 100.0,
    });
    let unverified_summary = summarise(&unverified)?;
    let unverified_n = unverified.totals.n + unverified.unscored;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "filter": q.echo,
            "summary": summary,
            "fixed_first_time": fixed_first_time,
            "csi_target": crate::settings::csi_target(&settings, &q.filter),
            "unscored": scores.unscored,
            "score_mismatches": scores.mismatches,
            "unverified": {
                "responses": unverified_n,
                "summary": unverified_summary,
            },
        })),
    ))
}

/// The fixed-first-time rate with its Wilson 95% interval, in the shape of the
/// summary's other proportions (`n`, `successes`, `share`, `low`, `high`); `null` when
/// no response answered the question.
fn fixed_first_time(o: survey_core::scoring::totals::Outcomes) -> serde_json::Value {
    let (n, yes) = (
        u32::try_from(o.n).unwrap_or(u32::MAX),
        u32::try_from(o.yes).unwrap_or(u32::MAX),
    );
    match survey_core::scoring::stats::wilson(yes, n, survey_core::scoring::stats::Z_95) {
        Some(ci) => json!({
            "n": n,
            "successes": yes,
            "share": f64::from(yes) / f64::from(n),
            "low": ci.low,
            "high": ci.high,
        }),
        None => serde_json::Value::Null,
    }
}
