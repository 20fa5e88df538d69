//! `GET /v1/summary`: the aggregate of the server's cards over the selected rows, with
//! how many rows had no server card and how many disagreed with their client's card.

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
    let summary = serde_json::to_value(aggregate(&scores.cards)).map_err(|e| {
        tracing::error!("summary: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not summarise the scores",
        )
    })?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "filter": q.echo,
            "summary": summary,
            "unverified": scores.unverified,
            "score_mismatches": scores.mismatches,
        })),
    ))
}
