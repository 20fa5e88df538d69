//! SQLite storage of received responses.
//!
//! One connection behind a mutex: the collector's load is a few responses a minute,
//! and a single writer makes "insert once per id" trivially race-free. The column
//! names are a contract: other tools read the table directly.

use crate::verify::Verified;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use survey_core::scoring::ScoreCard;
use survey_core::{templates, ResponsePayload};

/// The table as a new database gets it. An existing one is brought up to it by
/// [`migrate`], which adds the columns of [`ADDED_COLUMNS`] that it lacks.
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
    payload        TEXT NOT NULL, -- canonical JSON of the whole payload
    score          TEXT,          -- the server's score card (JSON); NULL for an unknown survey
    client_score   TEXT,          -- the card the client sent (JSON), NULL if none
    score_mismatch INTEGER NOT NULL DEFAULT 0, -- 1: the client's card differs from the server's
    score_verified INTEGER NOT NULL DEFAULT 0, -- 1: `score` was computed by the server
    alerts         INTEGER NOT NULL DEFAULT 0, -- alerts in the server's card
    follow_up_due  TEXT,          -- from the server's card
    dealer         TEXT,          -- context.dealer, for filtering
    token          TEXT           -- context.token: one response per survey link
);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses (survey_id, seq);
";

/// Indexes on columns that an old database only has after [`migrate`].
const INDEXES_AFTER_MIGRATION: &str = "
CREATE INDEX IF NOT EXISTS responses_by_dealer ON responses (dealer, seq);
CREATE UNIQUE INDEX IF NOT EXISTS responses_one_per_token
    ON responses (survey_id, token) WHERE token IS NOT NULL;
";

/// Columns added since the first schema, with their definitions for `ALTER TABLE`.
const ADDED_COLUMNS: [(&str, &str); 8] = [
    ("score", "TEXT"),
    ("client_score", "TEXT"),
    ("score_mismatch", "INTEGER NOT NULL DEFAULT 0"),
    ("score_verified", "INTEGER NOT NULL DEFAULT 0"),
    ("alerts", "INTEGER NOT NULL DEFAULT 0"),
    ("follow_up_due", "TEXT"),
    ("dealer", "TEXT"),
    ("token", "TEXT"),
];

/// The response store.
pub struct Store {
    conn: Mutex<Connection>,
}

/// What happened to a posted response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Insert {
    /// Stored now.
    Created(Receipt),
    /// Stored before with exactly this content: a retry, answered like the first time.
    Duplicate(Receipt),
    /// Stored before with other content under the same id.
    Conflict,
    /// Another response (another id) to the same survey already used this
    /// `context.token`: a survey link is answered once. Nothing stored.
    TokenUsed,
}

/// What the reply to a stored response tells, as stored the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub received_at: String,
    pub score_mismatch: bool,
    /// Alerts in the server's card (0 without one).
    pub alerts: i64,
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
    /// JSON text of the server's score card, if it scored the response.
    pub score: Option<String>,
    /// JSON text of the card the client sent, if any.
    pub client_score: Option<String>,
    pub score_mismatch: bool,
    pub alerts: i64,
    pub follow_up_due: Option<String>,
    pub dealer: Option<String>,
}

/// Which rows a report covers; every part is optional and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub survey: Option<String>,
    /// `context.dealer`, exactly.
    pub dealer: Option<String>,
    /// `created_at` at or after this [`crate::filter::sort_key`].
    pub from: Option<String>,
    /// `created_at` before this [`crate::filter::sort_key`].
    pub to: Option<String>,
}

/// The scores of the rows a [`Filter`] selects.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// The server's cards, in received order.
    pub cards: Vec<ScoreCard>,
    /// Rows without a server card (a survey the collector does not know).
    pub unverified: u64,
    /// Rows whose client card differed from the server's.
    pub mismatches: u64,
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
/// the payload's maps are sorted and its struct fields have a fixed order. It includes
/// the client's score as sent, so a retry with another card is a conflict.
pub fn canonical_json(payload: &ResponsePayload) -> Result<String, StoreError> {
    Ok(serde_json::to_string(payload)?)
}

/// The columns derived from a payload and its rescoring.
struct Derived {
    score: Option<String>,
    client_score: Option<String>,
    mismatch: bool,
    verified: bool,
    alerts: i64,
    follow_up_due: Option<String>,
    dealer: Option<String>,
    /// `context.token`; an empty one is no token.
    token: Option<String>,
}

impl Derived {
    fn of(payload: &ResponsePayload, verified: &Verified) -> Result<Self, StoreError> {
        let server = verified.server.as_ref();
        Ok(Derived {
            score: server.map(serde_json::to_string).transpose()?,
            client_score: payload
                .score
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
            mismatch: verified.mismatch,
            verified: server.is_some(),
            alerts: server.map_or(0, |c| i64::try_from(c.alerts.len()).unwrap_or(i64::MAX)),
            follow_up_due: server.and_then(|c| c.follow_up_due.clone()),
            dealer: payload.context.get("dealer").cloned(),
            token: payload
                .context
                .get("token")
                .filter(|t| !t.is_empty())
                .cloned(),
        })
    }
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

    fn init(mut conn: Connection) -> Result<Self, StoreError> {
        conn.busy_timeout(Duration::from_secs(5))?;
        // Returns the resulting mode ("memory" for an in-memory database); either is fine.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.execute_batch(SCHEMA)?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// A panic while the lock was held cannot leave SQLite half-written (an open
    /// transaction is rolled back when dropped), so a poisoned lock is still usable.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a validated payload and its rescoring once per id, and once per
    /// (survey, `context.token`) when it carries a token. Check and insert run in one
    /// immediate transaction under the lock, so two concurrent retries cannot both be
    /// "created"; the unique indexes enforce both rules even for other writers.
    pub fn insert(
        &self,
        payload: &ResponsePayload,
        verified: &Verified,
        received_at: &str,
    ) -> Result<Insert, StoreError> {
        let canonical = canonical_json(payload)?;
        let context = serde_json::to_string(&payload.context)?;
        let answers = serde_json::to_string(&payload.answers)?;
        let d = Derived::of(payload, verified)?;
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let inserted = tx.execute(
            "INSERT INTO responses
                 (id, received_at, survey_id, survey_version, locale, created_at, context, answers,
                  payload, score, client_score, score_mismatch, score_verified, alerts,
                  follow_up_due, dealer, token)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
             ON CONFLICT DO NOTHING",
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
                d.score,
                d.client_score,
                d.mismatch,
                d.verified,
                d.alerts,
                d.follow_up_due,
                d.dealer,
                d.token,
            ],
        )?;
        let outcome = if inserted == 1 {
            Insert::Created(Receipt {
                received_at: received_at.to_string(),
                score_mismatch: d.mismatch,
                alerts: d.alerts,
            })
        } else {
            let existing: Option<(String, String, bool, i64)> = tx
                .query_row(
                    "SELECT received_at, payload, score_mismatch, alerts
                     FROM responses WHERE id = ?1",
                    params![payload.id.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            match existing {
                Some((first, stored, score_mismatch, alerts)) if stored == canonical => {
                    Insert::Duplicate(Receipt {
                        received_at: first,
                        score_mismatch,
                        alerts,
                    })
                }
                Some(_) => Insert::Conflict,
                // Not this id, so the other unique rule: the token was used.
                None => {
                    let used: bool = tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM responses
                                        WHERE survey_id = ?1 AND token = ?2)",
                        params![payload.survey.id.as_str(), d.token],
                        |r| r.get(0),
                    )?;
                    if !used {
                        return Err(StoreError(
                            "the insert was refused for no known reason".into(),
                        ));
                    }
                    Insert::TokenUsed
                }
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// All stored rows in the order they were received, optionally of one survey.
    pub fn list(&self, survey: Option<&str>) -> Result<Vec<Row>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id, received_at, survey_id, survey_version, locale, created_at, context,
                    answers, payload, score, client_score, score_mismatch, alerts,
                    follow_up_due, dealer
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
                score: r.get(9)?,
                client_score: r.get(10)?,
                score_mismatch: r.get(11)?,
                alerts: r.get(12)?,
                follow_up_due: r.get(13)?,
                dealer: r.get(14)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The server's cards and the counts a report needs, over the rows `filter` selects.
    /// `created_at` is compared as a [`crate::filter::sort_key`]: the stored text without
    /// its `Z`, which sorts as time does (fixed-width date and time, then the fraction's
    /// digits, a shorter fraction first).
    pub fn scores(&self, filter: &Filter) -> Result<Scores, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id, score, score_mismatch
             FROM responses
             WHERE (?1 IS NULL OR survey_id = ?1)
               AND (?2 IS NULL OR dealer = ?2)
               AND (?3 IS NULL OR rtrim(created_at, 'Z') >= ?3)
               AND (?4 IS NULL OR rtrim(created_at, 'Z') < ?4)
             ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![
            filter.survey,
            filter.dealer,
            filter.from,
            filter.to
        ])?;
        let mut out = Scores {
            cards: Vec::new(),
            unverified: 0,
            mismatches: 0,
        };
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let score: Option<String> = r.get(1)?;
            let mismatch: bool = r.get(2)?;
            out.mismatches += u64::from(mismatch);
            match score {
                Some(text) => out.cards.push(serde_json::from_str(&text).map_err(|e| {
                    StoreError(format!("stored response {id} has an unreadable score: {e}"))
                })?),
                None => out.unverified += 1,
            }
        }
        Ok(out)
    }
}

/// Brings a database made by an earlier collector up to [`SCHEMA`]: adds the missing
/// columns, then fills them for the rows already stored (rescoring responses to a
/// built-in survey at the version it still has), all in one transaction.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let present: Vec<String> = {
        let mut stmt = tx.prepare("PRAGMA table_info(responses)")?;
        let names = stmt.query_map([], |r| r.get::<_, String>(1))?;
        names.collect::<Result<_, _>>()?
    };
    let mut added = 0;
    for (name, declaration) in ADDED_COLUMNS {
        if !present.iter().any(|p| p == name) {
            // Names and declarations are the constants above, never input.
            tx.execute_batch(&format!(
                "ALTER TABLE responses ADD COLUMN {name} {declaration}"
            ))?;
            added += 1;
        }
    }
    if added > 0 {
        backfill(&tx)?;
    }
    tx.execute_batch(INDEXES_AFTER_MIGRATION)?;
    tx.commit()?;
    Ok(())
}

/// Fills the derived columns of every stored row. A row that no longer parses is left
/// as it is (unscored) and named on stderr; its answers stay where they were. Where
/// rows stored before tokens were enforced share a (survey, token), the first keeps it
/// and the later ones are named on stderr and left without one, so the unique index
/// can be built and nothing is lost.
fn backfill(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, String)> = {
        let mut stmt = tx.prepare("SELECT seq, id, payload FROM responses ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut definitions = BTreeMap::new();
    let mut tokens = BTreeSet::new();
    let mut update = tx.prepare(
        "UPDATE responses
         SET score = ?2, client_score = ?3, score_mismatch = ?4, score_verified = ?5,
             alerts = ?6, follow_up_due = ?7, dealer = ?8, token = ?9
         WHERE seq = ?1",
    )?;
    for (seq, id, text) in rows {
        let payload = match ResponsePayload::from_json(&text) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("collector: migrating: stored response {id} is unreadable: {e}");
                continue;
            }
        };
        let survey = payload.survey.id.as_str().to_string();
        let def = definitions
            .entry(survey)
            .or_insert_with_key(|s| match templates::load(s) {
                Some(Ok(def)) => Some(def),
                _ => None,
            })
            .as_ref()
            .filter(|def| def.version == payload.survey.version);
        let mut d = Derived::of(&payload, &crate::verify::verify(def, &payload))?;
        if let Some(token) = d.token.take() {
            if tokens.insert((payload.survey.id.as_str().to_string(), token.clone())) {
                d.token = Some(token);
            } else {
                eprintln!(
                    "collector: migrating: stored response {id} reuses the survey link of an \
                     earlier response; both are kept"
                );
            }
        }
        update.execute(params![
            seq,
            d.score,
            d.client_score,
            d.mismatch,
            d.verified,
            d.alerts,
            d.follow_up_due,
            d.dealer,
            d.token,
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::verify;

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

    fn unscored() -> Verified {
        Verified {
            server: None,
            mismatch: false,
        }
    }

    fn receipt(at: &str) -> Receipt {
        Receipt {
            received_at: at.into(),
            score_mismatch: false,
            alerts: 0,
        }
    }

    #[test]
    fn insert_once_then_duplicate_then_conflict() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let first = store.insert(&payload(id, "ok"), &unscored(), "2026-11-23T10:00:01.000Z")?;
        assert_eq!(first, Insert::Created(receipt("2026-11-23T10:00:01.000Z")));
        let again = store.insert(&payload(id, "ok"), &unscored(), "2026-11-23T10:05:00.000Z")?;
        assert_eq!(
            again,
            Insert::Duplicate(receipt("2026-11-23T10:00:01.000Z"))
        );
        assert_eq!(
            store.insert(&payload(id, "changed"), &unscored(), "x")?,
            Insert::Conflict
        );

        let rows = store.list(None)?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].answers, r#"{"q1":{"scale":3},"q2":{"text":"ok"}}"#);
        assert_eq!(rows[0].context, r#"{"dealer":"D1"}"#);
        assert_eq!(rows[0].survey_version, 2);
        assert_eq!(rows[0].dealer.as_deref(), Some("D1"));
        assert_eq!(rows[0].score, None);
        Ok(())
    }

    fn with_token(id: &str, survey: &str, token: &str) -> ResponsePayload {
        let mut p = payload(id, "ok");
        p.survey.id = survey_core::SurveyId::new(survey);
        p.context.insert("token".into(), token.into());
        p
    }

    #[test]
    fn a_token_is_answered_once_per_survey() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let none = unscored();
        let (a, b, c) = (
            "00000000-0000-4000-8000-00000000000a",
            "00000000-0000-4000-8000-00000000000b",
            "00000000-0000-4000-8000-00000000000c",
        );
        let first = store.insert(&with_token(a, "custom", "tk-1"), &none, "t1")?;
        assert_eq!(first, Insert::Created(receipt("t1")));
        // The same response again is still a retry, not a second answer.
        assert_eq!(
            store.insert(&with_token(a, "custom", "tk-1"), &none, "t2")?,
            Insert::Duplicate(receipt("t1"))
        );
        // Another response through the same link is refused; changed content under
        // the first id stays a conflict of ids.
        assert_eq!(
            store.insert(&with_token(b, "custom", "tk-1"), &none, "t3")?,
            Insert::TokenUsed
        );
        let mut changed = with_token(a, "custom", "tk-1");
        changed.context.insert("dealer".into(), "D2".into());
        assert_eq!(store.insert(&changed, &none, "t4")?, Insert::Conflict);
        // Another token, another survey, or no token at all are separate.
        assert!(matches!(
            store.insert(&with_token(b, "custom", "tk-2"), &none, "t5")?,
            Insert::Created(_)
        ));
        assert!(matches!(
            store.insert(&with_token(c, "other", "tk-1"), &none, "t6")?,
            Insert::Created(_)
        ));
        // An empty token is no token.
        for i in 0..2 {
            let id = format!("00000000-0000-4000-8000-0000000000e{i}");
            assert!(matches!(
                store.insert(&with_token(&id, "custom", ""), &none, "t7")?,
                Insert::Created(_)
            ));
        }
        for i in 0..2 {
            let id = format!("00000000-0000-4000-8000-0000000000f{i}");
            assert!(matches!(
                store.insert(&payload(&id, "no token"), &none, "t8")?,
                Insert::Created(_)
            ));
        }
        let conn = store.lock();
        let tokens: Vec<Option<String>> = conn
            .prepare("SELECT token FROM responses ORDER BY seq")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        assert_eq!(
            tokens,
            [
                Some("tk-1".to_string()),
                Some("tk-2".to_string()),
                Some("tk-1".to_string()),
                None,
                None,
                None,
                None
            ]
        );
        // The database itself refuses a second row, whoever writes it.
        let raw = conn.execute(
            "INSERT INTO responses (id, received_at, survey_id, survey_version, locale,
                 created_at, context, answers, payload, token)
             VALUES ('x', 't', 'custom', 2, 'en', 't', '{}', '{}', '{}', 'tk-1')",
            [],
        );
        assert!(raw.is_err(), "{raw:?}");
        Ok(())
    }

    #[test]
    fn list_filters_by_survey_and_keeps_order() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let none = unscored();
        store.insert(
            &payload("00000000-0000-4000-8000-000000000002", "b"),
            &none,
            "t1",
        )?;
        store.insert(
            &payload("00000000-0000-4000-8000-000000000001", "a"),
            &none,
            "t2",
        )?;
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

    /// Fractions of a second sort as time does, although `Z` sorts after `.` as text.
    #[test]
    fn time_filters_compare_as_times() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let times = [
            "2026-11-23T10:00:00Z",
            "2026-11-23T10:00:00.5Z",
            "2026-11-23T10:00:00.500Z",
            "2026-11-23T10:00:00.25Z",
            "2026-11-23T10:00:01Z",
        ];
        for (i, t) in times.iter().enumerate() {
            let mut p = payload(&format!("00000000-0000-4000-8000-00000000000{i}"), "x");
            p.created_at = (*t).into();
            store.insert(&p, &unscored(), "t")?;
        }
        let count = |from: Option<&str>, to: Option<&str>| -> Result<u64, StoreError> {
            let s = store.scores(&Filter {
                from: from.map(str::to_string),
                to: to.map(str::to_string),
                ..Filter::default()
            })?;
            Ok(s.unverified)
        };
        assert_eq!(count(None, None)?, 5);
        assert_eq!(count(Some("2026-11-23T10:00:00.5"), None)?, 3);
        assert_eq!(count(None, Some("2026-11-23T10:00:00.5"))?, 2);
        assert_eq!(
            count(Some("2026-11-23T10:00:00"), Some("2026-11-23T10:00:01"))?,
            4
        );
        assert_eq!(count(Some("2026-11-23T10:00:00.3"), None)?, 3);
        assert_eq!(count(None, Some("2026-11-23T10:00:00.25"))?, 1);
        Ok(())
    }

    #[test]
    fn scores_count_mismatches_and_unverified() -> Result<(), StoreError> {
        let store = Store::open_in_memory()?;
        let def = match templates::load("post-service") {
            Some(Ok(d)) => d,
            other => panic!("template: {other:?}"),
        };
        let mut p = payload("00000000-0000-4000-8000-000000000001", "x");
        p.survey.id = survey_core::SurveyId::new("post-service");
        p.survey.version = def.version;
        p.answers = serde_json::from_str(r#"{"nps":{"scale":2}}"#)?;
        let v = verify(Some(&def), &p);
        let mut lying = v.clone();
        lying.mismatch = true;
        store.insert(&p, &v, "t")?;
        p.id = survey_core::ResponseId::parse("00000000-0000-4000-8000-000000000002")
            .ok_or_else(|| StoreError("id".into()))?;
        store.insert(&p, &lying, "t")?;
        p.id = survey_core::ResponseId::parse("00000000-0000-4000-8000-000000000003")
            .ok_or_else(|| StoreError("id".into()))?;
        store.insert(&p, &unscored(), "t")?;
        let s = store.scores(&Filter::default())?;
        assert_eq!((s.cards.len(), s.unverified, s.mismatches), (2, 1, 1));
        assert_eq!(s.cards[0].alerts.len(), 1);
        let rows = store.list(Some("post-service"))?;
        assert_eq!(rows[0].alerts, 1);
        assert_eq!(
            rows[0].follow_up_due.as_deref(),
            Some("2026-11-25T10:00:00Z")
        );
        Ok(())
    }
}
