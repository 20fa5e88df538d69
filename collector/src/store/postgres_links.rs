//! PostgreSQL statements for signed survey links ([`crate::links`]).

use super::postgres::pg_err;
use super::StoreError;

/// Stores `candidate` as the link key unless one exists, then answers the stored key
/// (two processes racing both end with the winner's).
pub async fn link_key(
    client: &tokio_postgres::Client,
    candidate: &str,
    now: &str,
) -> Result<String, StoreError> {
    client
        .execute(
            "INSERT INTO link_keys (id, key, created_at) VALUES (1, $1, $2)
             ON CONFLICT (id) DO NOTHING",
            &[&candidate, &now],
        )
        .await
        .map_err(pg_err)?;
    let row = client
        .query_one("SELECT key FROM link_keys WHERE id = 1", &[])
        .await
        .map_err(pg_err)?;
    Ok(row.get(0))
}
