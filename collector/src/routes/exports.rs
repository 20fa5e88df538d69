//! `GET /v1/responses.csv`: every selected response as one CSV row, streamed page by
//! page so an export of any size holds one page in memory. A failure after the header
//! was sent ends the transfer without its final chunk, so the client sees a broken
//! download rather than a silently short file.

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::csv::Layout;
use crate::error::ApiError;
use crate::query::{self, Shape};
use crate::store::PageRequest;
use axum::body::Body;
use axum::extract::{Extension, State};
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio_stream::wrappers::ReceiverStream;

/// Rows read per database round trip while streaming.
const PAGE: u32 = 500;

pub async fn csv(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<Response, ApiError> {
    let mut q =
        query::parse(super::raw_query(&uri), Shape::Filter).map_err(ApiError::bad_request)?;
    let contact = super::scope_read(&mut q.filter, &principal, Resource::Export)?;
    // Every export is recorded, with contact data or not; the row count is not known
    // before the stream ends.
    super::audit_read(&app, &principal, "export", "/v1/responses.csv", &q, None).await?;
    let columns = app
        .db("read the responses", app.store.columns(&q.filter))
        .await?;
    let layout = Layout::of(&columns);
    let header_line = layout.header().map_err(|e| {
        tracing::error!("csv export: {e}");
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "could not write the export",
        )
    })?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let filter = q.filter;
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(header_line))).await.is_err() {
            return;
        }
        let mut after = None;
        loop {
            let page = PageRequest { after, limit: PAGE };
            let rows = match app
                .db("read the responses", app.store.page(&filter, page))
                .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e.reason))).await;
                    return;
                }
            };
            // The next page's cursor, taken before the rows are consumed.
            let next = (rows.len() == PAGE as usize)
                .then(|| rows.last().map(|r| r.seq))
                .flatten();
            let mut chunk = Vec::new();
            for mut row in rows {
                if !contact {
                    crate::auth::redact::contact(&mut row);
                }
                match layout.row(&row) {
                    Ok(line) => chunk.extend(line),
                    Err(e) => {
                        tracing::error!("csv export: {e}");
                        let _ = tx.send(Err(std::io::Error::other(e))).await;
                        return;
                    }
                }
            }
            if !chunk.is_empty() && tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return; // the client went away
            }
            match next {
                Some(seq) => after = Some(seq),
                None => return,
            }
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"responses.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(ReceiverStream::new(rx)),
    )
        .into_response())
}
