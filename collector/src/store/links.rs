//! Whether a survey link's token has been used: the statement of each backend for
//! [`super::Store::token_used`], kept apart from the insert path so it stays small.
//!
//! It reads the same `(survey_id, token)` pair the unique index guards, so "used"
//! here means exactly "a post through this link would be answered 409".

use super::postgres::pg_err;
use super::StoreError;

/// SQLite: a response to `survey` carries `token`.
pub fn sqlite_token_used(
    conn: &rusqlite::Connection,
    survey: &str,
    token: &str,
) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM responses WHERE survey_id = ?1 AND token = ?2)",
        [survey, token],
        |r| r.get(0),
    )?)
}

/// PostgreSQL: a response to `survey` carries `token`.
pub async fn pg_token_used(
    client: &tokio_postgres::Client,
    survey: &str,
    token: &str,
) -> Result<bool, StoreError> {
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM responses WHERE survey_id = $1 AND token = $2)",
            &[&survey, &token],
        )
        .await
        .map_err(pg_err)?;
    Ok(row.get(0))
}
