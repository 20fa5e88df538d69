//! `GET /v1/dealers`: the dealers the caller may read that have responses (narrowed by
//! the usual filters, e.g. `survey=`), for the console's dealer list. Scoped like the
//! summary: a manager gets their own dealers, an advisor their own dealer.

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::query::Shape;
use axum::extract::{Extension, State};
use axum::http::{header, Uri};
use axum::response::IntoResponse;
use serde_json::json;

pub async fn list(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<impl IntoResponse, ApiError> {
    let (mut q, _, _) =
        super::read_query(&app, &uri, Shape::Filter, &principal, Resource::Summary).await?;
    // Every response, verified or not: a dealer with only unverified ones is still
    // one the console can show (its figures then say so).
    q.filter.verified = None;
    let dealers = app
        .db("read the dealers", app.store.dealers(&q.filter))
        .await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({ "dealers": dealers })),
    ))
}
