//! `GET /v1/summary`: the aggregate of the server's cards over the selected rows, with
//! how many rows had no server card (`unscored`) and how many disagreed with their
//! client's card.
//!
//! By default only responses through a signed link count ([`crate::query`],
//! `verified=yes`); the unverified ones of the same filter are shown apart in the
//! `unverified` block (`responses`, and their own `summary`), so a dealer sees both
//! numbers and which one is vouched for.

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::query::{self, Shape};
use axum::extract::{Extension, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::IntoResponse;
use serde_json::json;
use survey_core::scoring::aggregate;

pub async fn get(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<impl IntoResponse, ApiError> {
    let mut q =
        query::parse(super::raw_query(&uri), Shape::Filter).map_err(ApiError::bad_request)?;
    super::scope_read(&mut q.filter, &principal, Resource::Summary)?;
    let scores = app
        .db("read the scores", app.store.scores(&q.filter))
        .await?;
    let apart = crate::store::Filter {
        verified: Some(false),
        ..q.filter.clone()
    };
    let unverified = app.db("read the scores", app.store.scores(&apart)).await?;
    let summarise = |cards| {
        serde_json::to_value(aggregate(cards)).map_err(|e| {
            tracing::error!("summary: {e}");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not summarise the scores",
            )
        })
    };
    let summary = summarise(&scores.cards)?;
    let unverified_summary = summarise(&unverified.cards)?;
    let unverified_n = unverified.cards.len() as u64 + unverified.unscored;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "filter": q.echo,
            "summary": summary,
            "unscored": scores.unscored,
            "score_mismatches": scores.mismatches,
            "unverified": {
                "responses": unverified_n,
                "summary": unverified_summary,
            },
        })),
    ))
}
