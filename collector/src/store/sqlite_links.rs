//! SQLite statements for signed survey links ([`crate::links`]).

use super::StoreError;
use rusqlite::{params, Connection};

/// Stores `candidate` as the link key unless one exists, then answers the stored key.
pub fn link_key(conn: &mut Connection, candidate: &str, now: &str) -> Result<String, StoreError> {
    conn.execute(
        "INSERT INTO link_keys (id, key, created_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO NOTHING",
        params![candidate, now],
    )?;
    Ok(conn.query_row("SELECT key FROM link_keys WHERE id = 1", [], |r| r.get(0))?)
}
