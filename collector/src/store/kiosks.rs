//! What the store keeps of kiosk device keys ([`crate::kiosks`]), and the statements of
//! each backend. The key itself is never stored: only its SHA-256.

use super::postgres::pg_err;
use super::StoreError;
use rusqlite::{params, Connection};

/// A kiosk as lists show it (never its key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kiosk {
    pub id: String,
    pub dealer: String,
    pub station: String,
    pub label: String,
    /// `user:<id>`, `token:<id>` or `command line`.
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A new kiosk: its fields and the hash of its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKiosk {
    pub kiosk: Kiosk,
    pub key_hash: String,
}

const COLUMNS: &str = "id, dealer, station, label, created_by, created_at, revoked_at";

/// Which kiosks a read is after; the value is bound as one text parameter.
#[derive(Debug, Clone)]
pub enum Which {
    /// The live kiosk of this key hash.
    LiveHash(String),
    /// This id, revoked or not.
    Id(String),
    /// All of them.
    All,
}

impl Which {
    /// The WHERE clause for SQLite or PostgreSQL, and its one parameter.
    fn clause(&self, sqlite: bool) -> (&'static str, Option<&str>) {
        let (lite, pg, value) = match self {
            Which::LiveHash(h) => (
                "key_hash = ?1 AND revoked_at IS NULL",
                "key_hash = $1 AND revoked_at IS NULL",
                Some(h.as_str()),
            ),
            Which::Id(id) => ("id = ?1", "id = $1", Some(id.as_str())),
            Which::All => ("?1 IS NULL", "$1::text IS NULL", None),
        };
        (if sqlite { lite } else { pg }, value)
    }
}

/// Keeps the kiosks of `dealers` (`None`: all).
fn scoped(all: Vec<Kiosk>, dealers: Option<&[String]>) -> Vec<Kiosk> {
    match dealers {
        None => all,
        Some(mine) => all
            .into_iter()
            .filter(|k| mine.contains(&k.dealer))
            .collect(),
    }
}

// ---- SQLite ----

pub fn sqlite_create(conn: &mut Connection, k: &NewKiosk) -> Result<(), StoreError> {
    let n = &k.kiosk;
    conn.execute(
        "INSERT INTO kiosks (id, key_hash, dealer, station, label, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            n.id,
            k.key_hash,
            n.dealer,
            n.station,
            n.label,
            n.created_by,
            n.created_at
        ],
    )?;
    Ok(())
}

pub fn sqlite_find(
    conn: &Connection,
    which: &Which,
    dealers: Option<&[String]>,
) -> Result<Vec<Kiosk>, StoreError> {
    let (clause, value) = which.clause(true);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM kiosks WHERE {clause} ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map(params![value], |r| {
        Ok(Kiosk {
            id: r.get(0)?,
            dealer: r.get(1)?,
            station: r.get(2)?,
            label: r.get(3)?,
            created_by: r.get(4)?,
            created_at: r.get(5)?,
            revoked_at: r.get(6)?,
        })
    })?;
    Ok(scoped(rows.collect::<Result<_, _>>()?, dealers))
}

pub fn sqlite_revoke(conn: &mut Connection, id: &str, at: &str) -> Result<bool, StoreError> {
    let n = conn.execute(
        "UPDATE kiosks SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, at],
    )?;
    Ok(n == 1)
}

// ---- PostgreSQL ----

pub async fn pg_create(client: &tokio_postgres::Client, k: &NewKiosk) -> Result<(), StoreError> {
    let n = &k.kiosk;
    client
        .execute(
            "INSERT INTO kiosks (id, key_hash, dealer, station, label, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &n.id,
                &k.key_hash,
                &n.dealer,
                &n.station,
                &n.label,
                &n.created_by,
                &n.created_at,
            ],
        )
        .await
        .map_err(pg_err)?;
    Ok(())
}

pub async fn pg_find(
    client: &tokio_postgres::Client,
    which: &Which,
    dealers: Option<&[String]>,
) -> Result<Vec<Kiosk>, StoreError> {
    let (clause, value) = which.clause(false);
    let rows = client
        .query(
            &format!("SELECT {COLUMNS} FROM kiosks WHERE {clause} ORDER BY created_at, id"),
            &[&value],
        )
        .await
        .map_err(pg_err)?;
    let all = rows
        .iter()
        .map(|r| Kiosk {
            id: r.get(0),
            dealer: r.get(1),
            station: r.get(2),
            label: r.get(3),
            created_by: r.get(4),
            created_at: r.get(5),
            revoked_at: r.get(6),
        })
        .collect();
    Ok(scoped(all, dealers))
}

pub async fn pg_revoke(
    client: &tokio_postgres::Client,
    id: &str,
    at: &str,
) -> Result<bool, StoreError> {
    let n = client
        .execute(
            "UPDATE kiosks SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&id, &at],
        )
        .await
        .map_err(pg_err)?;
    Ok(n == 1)
}
