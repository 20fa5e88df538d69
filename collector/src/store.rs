//! SQLite storage of received responses.
//!
//! One connection behind a mutex: the collector's load is a few responses a minute,
//! and a single writer makes "insert once per id" trivially race-free. The column
//! names are a contract: other tools read the table directly.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use survey_core::ResponsePayload;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS responses (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    received_at    TEXT NOT NULL,
    survey_id      TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    locale         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    context        TEXT NOT NULL, -- JSON object of strings
    answers        TEXT NOT NULL, -- JSON object keyed by question id
    payload        TEXT NOT NULL  -- canonical JSON of the whole payload
);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses (survey_id, seq);
";

/// The response store.
pub struct Store {
    conn: Mutex<Connection>,
}

/// What happened to a posted response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Insert {
    /// Stored now.
    Created { received_at: String },
    /// Stored before with exactly this content: a retry, answered like the first time.
    Duplicate { received_at: String },
    /// Stored before with other content under the same id.
    Conflict,
}

/// One stored row, as the export endpoints need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub received_at: String,
    pub survey_id: String,
    pub survey_version: i64,
    pub locale: String,
    pub created_at: String,
    /// JSON text.
    pub context: String,
    /// JSON text.
    pub answers: String,
    /// Canonical JSON text of the payload.
    pub payload: String,
}

/// A storage failure; the request gets a 500 and the server goes on.
#[derive(Debug)]
pub struct StoreError(String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("database: {e}"))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError(format!("serialising: {e}"))
    }
}

/// The text stored in `payload` and compared to detect a changed retry. Stable because
/// the payload's maps are sorted and its struct fields have a fixed order.
pub fn canonical_json(payload: &ResponsePayload) -> Result<String, StoreError> {
    Ok(serde_json::to_string(payload)?)
}

impl Store {
    /// Opens (creating if needed) the database, in WAL mode so readers such as the
    /// `sqlite3` shell or end-to-end tests never block a POST.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// A private in-memory store, for unit tests.
    #[cfg(test)]
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(Duration::from_secs(5))?;
        // Returns the resulting mode ("memory" for an in-memory database); either is fine.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// A panic while the lock was held cannot leave SQLite half-written (an open
    /// transaction is rolled back when dropped), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a validated payload once per id. Check and insert run in one immediate
    /// transaction under the lock, so two concurrent retries cannot both be "created".
    pub fn insert(
        &self,
        payload: &ResponsePayload,
        received_at: &str,
    ) -> Result<Insert, StoreError> {
        let canonical = canonical_json(payload)?;
        let context = serde_json::to_string(&payload.context)?;
        let answers = serde_json::to_string(&payload.answers)?;
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT INTO responses
                 (id, received_at, survey_id, survey_version, locale, created_at, context, answers, payload)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO NOTHING",
            params![
                payload.id.as_str(),
                received_at,
                payload.survey.id.as_str(),
                i64::from(payload.survey.version),
                payload.locale.as_str(),
                payload.created_at,
                context,
                answers,
                canonical,
            ],
        )?;
        let outcome = if inserted == 1 {
            Insert::Created {
                received_at: received_at.to_string(),
            }
        } else {
            let existing: Option<(String, String)> = tx
                .query_row(
                    "SELECT received_at, payload FROM responses WHERE id = ?1",
                    params![payload.id.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match existing {
                Some((first, stored)) if stored == canonical => {
                    Insert::Duplicate { received_at: first }
                }
                Some(_) => Insert::Conflict,
                None => return Err(StoreError("row vanished during insert".into())),
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// All stored rows in the order they were received, optionally of one survey.
    pub fn list(&self, survey: Option<&str>) -> Result<Vec<Row>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id, received_at, survey_id, survey_version, locale, created_at, context, answers, payload
             FROM responses
             WHERE ?1 IS NULL OR survey_id = ?1
             ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![survey], |r| {
            Ok(Row {
                id: r.get(0)?,
                received_at: r.get(1)?,
                survey_id: r.get(2)?,
                survey_version: r.get(3)?,
                locale: r.get(4)?,
                created_at: r.get(5)?,
                context: r.get(6)?,
                answers: r.get(7)?,
                payload: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(id: &str, comment: &str) -> ResponsePayload {
        let json = format!(
            r#"{{"format":"survey-response/1","id":"{id}","survey":{{"id":"custom","version":2}},
               "locale":"en","created_at":"2026-11-23T10:00:00Z","context":{{"dealer":"D1"}},
               "answers":{{"q1":{{"scale":3}},"q2":{{"text":"{comment}"}}}},
               "client":{{"widget_version":"0.1.0","mode":"embed"}}}}"#
        );
        match ResponsePayload::from_json(&json) {
            Ok(p) => p,
            Err(e) => panic!("test payload: {e}"),
        }
    }

    #[test]
    fn insert_once_then_duplicate_then_conflict() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let first = store.insert(&payload(id, "ok"), "2026-11-23T10:00:01.000Z")?;
        assert_eq!(
            first,
            Insert::Created {
                received_at: "2026-11-23T10:00:01.000Z".into()
            }
        );
        let again = store.insert(&payload(id, "ok"), "2026-11-23T10:05:00.000Z")?;
        assert_eq!(
            again,
            Insert::Duplicate {
                received_at: "2026-11-23T10:00:01.000Z".into()
            }
        );
        assert_eq!(
            store.insert(&payload(id, "changed"), "x")?,
            Insert::Conflict
        );

        let rows = store.list(None)?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].answers, r#"{"q1":{"scale":3},"q2":{"text":"ok"}}"#);
        assert_eq!(rows[0].context, r#"{"dealer":"D1"}"#);
        assert_eq!(rows[0].survey_version, 2);
        Ok(())
    }

    #[test]
    fn list_filters_by_survey_and_keeps_order() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        store.insert(&payload("00000000-0000-4000-8000-000000000002", "b"), "t1")?;
        store.insert(&payload("00000000-0000-4000-8000-000000000001", "a"), "t2")?;
        let ids: Vec<String> = store
            .list(Some("custom"))?
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(
            ids,
            [
                "00000000-0000-4000-8000-000000000002",
                "00000000-0000-4000-8000-000000000001"
            ]
        );
        assert!(store.list(Some("post-service"))?.is_empty());
        Ok(())
    }
}
