//! `GET /v1/audit?after=&limit=`: the audit log (see [`crate::privacy`]), oldest first,
//! for group admins only (the route's rule in [`crate::app::ROUTES`]).

use crate::app::Shared;
use crate::error::ApiError;
use crate::query::{self, Shape};
use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub async fn list(State(app): State<Shared>, uri: Uri) -> Result<Response, ApiError> {
    let q = query::parse(super::raw_query(&uri), Shape::Page).map_err(ApiError::bad_request)?;
    let records = app
        .db("read the audit log", app.store.audit(q.page))
        .await?;
    let next = (records.len() == q.page.limit as usize)
        .then(|| records.last().map(|r| r.seq.to_string()))
        .flatten();
    let items: Vec<_> = records
        .into_iter()
        .map(|r| {
            json!({
                "seq": r.seq,
                "at": r.entry.at,
                "actor": r.entry.actor,
                "action": r.entry.action,
                "route": r.entry.route,
                "filter": r.entry.filter,
                "rows": r.entry.rows,
            })
        })
        .collect();
    let body = json!({ "items": items, "next": next });
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response())
}
