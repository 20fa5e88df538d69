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
