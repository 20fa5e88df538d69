//! `/healthz`: the process answers. `/readyz`: the database answers a read and accepts
//! a write within the deadline, so a load balancer stops sending posts to a collector
//! whose database is damaged, locked or gone.

use crate::app::Shared;
use crate::error::ApiError;
use axum::extract::State;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(app): State<Shared>) -> Result<&'static str, ApiError> {
    app.db("check the database", app.store.ready()).await?;
    Ok("ready")
}

/// Only with `COLLECTOR_TEST_HOOKS=1`: proves a panicking handler answers 500 and the
/// process serves on.
pub async fn panic_for_tests() -> &'static str {
    panic!("the test hook panics on purpose")
}

/// Only with `COLLECTOR_TEST_HOOKS=1`: `POST /v1/test/clock?advance_ms=N` moves this
/// process's clock forward ([`crate::clock::advance`]); what depends on the time (the
/// escalation sweep, sessions, overdue at read time) follows on its own.
pub async fn advance_clock_for_tests(
    uri: axum::http::Uri,
) -> Result<axum::Json<serde_json::Value>, crate::error::ApiError> {
    let ms = uri
        .query()
        .and_then(|q| q.strip_prefix("advance_ms="))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|ms| *ms >= 0)
        .ok_or_else(|| crate::error::ApiError::bad_request("expected ?advance_ms=<ms>"))?;
    crate::clock::advance(ms);
    Ok(axum::Json(
        serde_json::json!({ "now": crate::clock::now_rfc3339() }),
    ))
}
