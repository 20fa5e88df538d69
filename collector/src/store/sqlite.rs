//! The embedded store: one SQLite file, the default for a single dealer.
//!
//! - **Durability.** WAL journal with `synchronous=FULL`: a commit is on disk (the WAL
//!   is fsynced) before the 201 goes out, so an acknowledged response survives a power
//!   cut. `NORMAL` would keep the file consistent but may lose the last commits, which
//!   are exactly the responses phones were told were saved.
//! - **Concurrency.** One writer connection behind an async lock, and a small pool of
//!   read-only connections: in WAL mode readers never wait for the writer, so a post
//!   stuck behind another process's write lock cannot freeze pages, exports or health
//!   checks. All SQLite calls run on tokio's blocking pool, never on the runtime's
//!   threads; the wait for the writer is bounded by `busy_timeout` and by the HTTP
//!   layer's deadline (503 + `Retry-After`).
//! - **Integrity.** A file that is not a database, or fails `PRAGMA quick_check`, is
//!   refused at start with a message saying so, instead of answering 500 to every post.

use super::accounts::{LoginOutcome, NewToken, NewUser, Session, Token, User};
use super::kiosks::{Kiosk, NewKiosk};
use super::migrations::{self, Migration};
use super::privacy::{AuditEntry, AuditRecord, PurgePlan};
use super::sqlite_accounts as acc;
use super::sqlite_privacy as privacy;
use super::{
    CaseChange, CaseEvent, CaseFilter, CaseRow, Columns, DealerSettings, Filter, Group, Insert,
    NewRow, PageRequest, Receipt, Row, Scores, Store, StoreError,
};
use async_trait::async_trait;
use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use survey_core::{templates, ResponsePayload};
use tokio::sync::Semaphore;

/// How long one SQLite call waits for another connection's lock before giving up.
/// Past the HTTP deadline on purpose: the request has been answered 503 by then, and
/// the call ends soon after instead of holding a blocking thread for long.
const BUSY_TIMEOUT: Duration = Duration::from_secs(6);
/// Read-only connections kept open (reads beyond this wait for one).
const READERS: usize = 4;

/// Columns added to `responses` since the first collector, for databases made before
/// the migrations table existed.
const LEGACY_COLUMNS: [(&str, &str); 8] = [
    ("score", "TEXT"),
    ("client_score", "TEXT"),
    ("score_mismatch", "INTEGER NOT NULL DEFAULT 0"),
    ("score_verified", "INTEGER NOT NULL DEFAULT 0"),
    ("alerts", "INTEGER NOT NULL DEFAULT 0"),
    ("follow_up_due", "TEXT"),
    ("dealer", "TEXT"),
    ("token", "TEXT"),
];

pub struct SqliteStore {
    path: PathBuf,
    // Fields drop in this order, and the order matters: SQLite checkpoints the WAL into
    // the file and removes it when the last connection closes, but a read-only
    // connection cannot. With the writer closed first, a clean shutdown after any read
    // left the -wal and -shm files behind.
    readers: Arc<Mutex<Vec<Connection>>>,
    reader_slots: Arc<Semaphore>,
    writer: Arc<tokio::sync::Mutex<Connection>>,
}

fn db_err(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError::Busy(e.to_string())
        }
        _ => StoreError::Failed(format!("database: {e}")),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        db_err(e)
    }
}

/// Runs blocking database work off the runtime's threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Failed(format!("database task: {e}")))?
}

impl SqliteStore {
    /// Opens (creating if missing) the database, checks it, migrates it.
    pub async fn open(path: &Path) -> Result<Self, String> {
        let path = path.to_path_buf();
        let p = path.clone();
        let writer = tokio::task::spawn_blocking(move || open_writer(&p))
            .await
            .map_err(|e| e.to_string())??;
        Ok(SqliteStore {
            path,
            readers: Arc::new(Mutex::new(Vec::new())),
            reader_slots: Arc::new(Semaphore::new(READERS)),
            writer: Arc::new(tokio::sync::Mutex::new(writer)),
        })
    }

    /// Runs `work` on the writer connection.
    async fn write<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let mut conn = Arc::clone(&self.writer).lock_owned().await;
        blocking(move || work(&mut conn)).await
    }

    /// Runs `work` on a read-only connection from the pool.
    async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let permit = Arc::clone(&self.reader_slots)
            .acquire_owned()
            .await
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        let (readers, path) = (Arc::clone(&self.readers), self.path.clone());
        blocking(move || {
            let _permit = permit;
            let pooled = readers.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let conn = match pooled {
                Some(c) => c,
                None => open_reader(&path)?,
            };
            let out = work(&conn);
            readers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(conn);
            out
        })
        .await
    }
}

fn open_writer(path: &Path) -> Result<Connection, String> {
    let shown = path.display();
    let mut conn =
        Connection::open(path).map_err(|e| format!("cannot open SQLite database {shown}: {e}"))?;
    let damaged = |e: &dyn std::fmt::Display| {
        format!(
            "{shown} is not a usable SQLite database ({e}); restore it from a backup \
             (`collector backup`) or move it aside to start a new one"
        )
    };
    // A sound file the process may not write is not damaged: advising to restore or
    // replace it would be wrong. SQLite opens a write-protected file read-only without
    // an error, and the collector would then start, answer /readyz, and fail every post.
    let unwritable = |e: &dyn std::fmt::Display| {
        format!(
            "{shown} cannot be written by the collector ({e}); give its user write access \
             to the file and to its directory (SQLite creates the -wal and -shm files there)"
        )
    };
    let refused = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(
            rusqlite::ErrorCode::ReadOnly
            | rusqlite::ErrorCode::CannotOpen
            | rusqlite::ErrorCode::PermissionDenied,
        ) => unwritable(&e),
        _ => damaged(&e),
    };
    if conn.is_readonly(rusqlite::MAIN_DB).map_err(refused)? {
        return Err(unwritable(&"the file is read-only"));
    }
    conn.busy_timeout(BUSY_TIMEOUT).map_err(refused)?;
    let check: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(refused)?;
    if check != "ok" {
        return Err(damaged(&check));
    }
    // Returns the resulting mode ("memory" for an in-memory database); either is fine.
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(refused)?;
    conn.execute_batch("PRAGMA synchronous = FULL")
        .map_err(refused)?;
    migrate(&mut conn, migrations::SQLITE).map_err(|e| format!("migrating {shown}: {e}"))?;
    let filled = super::sqlite_totals::backfill(&mut conn)
        .map_err(|e| format!("filling in the totals of {shown}: {e}"))?;
    if filled > 0 {
        tracing::info!(responses = filled, "totals filled in for reports");
    }
    let marked = super::sqlite_voc::backfill(&mut conn)
        .map_err(|e| format!("filling in the VOC marks of {shown}: {e}"))?;
    if marked > 0 {
        tracing::info!(responses = marked, "VOC marks filled in");
    }
    Ok(conn)
}

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Creates the migrations table, upgrades a database made before it existed, then
/// applies what is pending, each version in one transaction.
fn migrate(conn: &mut Connection, all: &'static [Migration]) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let had_table: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |r| r.get(0),
    )?;
    if !had_table {
        tx.execute_batch(
            "CREATE TABLE schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
             )",
        )?;
        upgrade_legacy(&tx)?;
    }
    tx.commit()?;

    let applied: Vec<i64> = {
        let mut stmt = conn.prepare("SELECT version FROM schema_migrations")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    for m in migrations::pending(all, &applied).map_err(StoreError::Failed)? {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            params![m.version, m.name],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// A `responses` table from a collector older than the migrations: adds the columns it
/// lacks and fills them for the rows already stored (rescoring responses to a built-in
/// survey at the version it still has). Migration 1 then adds the missing indexes.
fn upgrade_legacy(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let present: Vec<String> = {
        let mut stmt = tx.prepare("PRAGMA table_info(responses)")?;
        let names = stmt.query_map([], |r| r.get::<_, String>(1))?;
        names.collect::<Result<_, _>>()?
    };
    if present.is_empty() {
        return Ok(()); // a new database
    }
    let mut added = 0;
    for (name, declaration) in LEGACY_COLUMNS {
        if !present.iter().any(|p| p == name) {
            // Names and declarations are the constants above, never input.
            tx.execute_batch(&format!(
                "ALTER TABLE responses ADD COLUMN {name} {declaration}"
            ))?;
            added += 1;
        }
    }
    if added > 0 {
        backfill(tx)?;
    }
    Ok(())
}

/// Fills the derived columns of every stored row. A row that no longer parses is left
/// as it is (unscored) and named on stderr; its answers stay where they were. Where
/// rows stored before tokens were enforced share a (survey, token), the first keeps it
/// and the later ones are named on stderr and left without one, so the unique index
/// can be built and nothing is lost.
fn backfill(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let rows: Vec<(i64, String, String, String)> = {
        let mut stmt =
            tx.prepare("SELECT seq, id, payload, received_at FROM responses ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
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
    for (seq, id, text, received_at) in rows {
        let payload = match ResponsePayload::from_json(&text) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(response = %id, "migrating: stored response is unreadable: {e}");
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
        let verified = crate::verify::verify(def, &payload, &received_at);
        let mut d = NewRow::of(&payload, &verified, &received_at)?;
        if let Some(token) = d.token.take() {
            if tokens.insert((payload.survey.id.as_str().to_string(), token.clone())) {
                d.token = Some(token);
            } else {
                tracing::warn!(
                    response = %id,
                    "migrating: stored response reuses the survey link of an earlier response; both are kept"
                );
            }
        }
        update.execute(params![
            seq,
            d.score,
            d.client_score,
            d.score_mismatch,
            d.score_verified,
            d.alerts,
            d.follow_up_due,
            d.dealer,
            d.token,
        ])?;
    }
    Ok(())
}

/// The WHERE clause every read shares, up to its last line: parameters 1-14 of the
/// [`Filter`]. `created_at` is compared as a [`crate::query::sort_key`]: the stored text
/// without its `Z`, which sorts as time does (fixed-width date and time, then the
/// fraction's digits). Every column it reads is in the report index (migration 0011),
/// so a report's sums never read the rows themselves.
macro_rules! where_filter {
    ($last:literal) => {
        concat!(
            "(?1 IS NULL OR survey_id = ?1)
   AND (?2 IS NULL OR dealer = ?2)
   AND (?3 IS NULL OR rtrim(created_at, 'Z') >= ?3)
   AND (?4 IS NULL OR rtrim(created_at, 'Z') < ?4)
   AND (?5 IS NULL OR dealer IN (SELECT value FROM json_each(?5)))
   AND (?6 IS NULL OR advisor = ?6)
   AND (?7 = 0 OR alerts > 0)
   AND (?8 IS NULL OR verified = ?8)
   AND (?9 IS NULL OR ctx_station = ?9)
   AND (?10 IS NULL OR ctx_agent = ?10)
   AND (?11 IS NULL OR ctx_channel = ?11)
   AND (?12 IS NULL OR (alerts > 0) = ?12)
   AND (?13 IS NULL OR (t_csi_n = 1 AND t_csi_sum >= ?13))
   AND (?14 IS NULL OR (t_csi_n = 1 AND t_csi_sum <= ?14))
   AND ",
            $last
        )
    };
}

/// [`where_filter!`] with parameter 15, words in a comment: it reads the answers, so
/// only a read that asks for words uses it.
const WHERE_FILTER_TEXT: &str = where_filter!(
    "EXISTS (SELECT 1 FROM json_tree(responses.answers) t
        WHERE t.key = 'text' AND t.type = 'text' AND t.value LIKE ?15 ESCAPE '\\')"
);

/// [`where_filter!`] when no words are asked for (parameter 15 is then NULL).
const WHERE_FILTER_NO_TEXT: &str = where_filter!("?15 IS NULL");

/// The WHERE clause of `f`: parameters 1-15 are the [`Filter`] ([`filter_params`]).
fn where_filter(f: &Filter) -> &'static str {
    if f.text.is_some() {
        WHERE_FILTER_TEXT
    } else {
        WHERE_FILTER_NO_TEXT
    }
}

/// How many parameters [`where_filter`] takes.
const FILTER_PARAMS: usize = 15;

/// The parameters of [`where_filter`].
fn filter_params(
    f: &Filter,
) -> Result<[Box<dyn rusqlite::ToSql + Send>; FILTER_PARAMS], StoreError> {
    let dealers = f.dealers.as_ref().map(serde_json::to_string).transpose()?;
    Ok([
        Box::new(f.survey.clone()),
        Box::new(f.dealer.clone()),
        Box::new(f.from.clone()),
        Box::new(f.to.clone()),
        Box::new(dealers),
        Box::new(f.advisor.clone()),
        Box::new(f.alerts_only),
        Box::new(f.verified),
        Box::new(f.station.clone()),
        Box::new(f.agent.clone()),
        Box::new(f.channel.clone()),
        Box::new(f.alerts),
        Box::new(f.csi_min),
        Box::new(f.csi_max),
        Box::new(f.text.clone()),
    ])
}

/// The filter's parameters followed by `extra`, as rusqlite takes them.
fn with_filter<'a>(
    fixed: &'a [Box<dyn rusqlite::ToSql + Send>; FILTER_PARAMS],
    extra: &'a [&'a dyn rusqlite::ToSql],
) -> Vec<&'a dyn rusqlite::ToSql> {
    fixed
        .iter()
        .map(|b| b.as_ref() as &dyn rusqlite::ToSql)
        .chain(extra.iter().copied())
        .collect()
}

pub(super) fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: r.get(0)?,
        id: r.get(1)?,
        received_at: r.get(2)?,
        survey_id: r.get(3)?,
        survey_version: r.get(4)?,
        locale: r.get(5)?,
        created_at: r.get(6)?,
        context: r.get(7)?,
        answers: r.get(8)?,
        payload: r.get(9)?,
        score: r.get(10)?,
        client_score: r.get(11)?,
        score_mismatch: r.get(12)?,
        alerts: r.get(13)?,
        follow_up_due: r.get(14)?,
        dealer: r.get(15)?,
        verified: r.get(16)?,
    })
}

pub(super) const ROW_COLUMNS: &str =
    "seq, id, received_at, survey_id, survey_version, locale, created_at,
    context, answers, payload, score, client_score, score_mismatch, alerts, follow_up_due, dealer,
    verified";

/// The insert protocol of the module docs, in one immediate transaction.
fn insert_row(conn: &mut Connection, row: &NewRow) -> Result<Insert, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let inserted = tx.execute(
        "INSERT INTO responses
             (id, received_at, survey_id, survey_version, locale, created_at, context, answers,
              payload, score, client_score, score_mismatch, score_verified, alerts,
              follow_up_due, dealer, token, advisor, verified, kiosk)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20)
         ON CONFLICT DO NOTHING",
        params![
            row.id,
            row.received_at,
            row.survey_id,
            row.survey_version,
            row.locale,
            row.created_at,
            row.context,
            row.answers,
            row.payload,
            row.score,
            row.client_score,
            row.score_mismatch,
            row.score_verified,
            row.alerts,
            row.follow_up_due,
            row.dealer,
            row.token,
            row.advisor,
            row.verified,
            row.kiosk,
        ],
    )?;
    let outcome = if inserted == 1 {
        if let Some(totals) = &row.totals {
            super::sqlite_totals::write(&tx, &row.id, totals, row.fixed_first_time)?;
        }
        super::sqlite_voc::write(&tx, &row.id, &row.marks, row.commented)?;
        if let Some(case) = &row.case {
            super::sqlite_cases::open(&tx, &row.id, case)?;
        }
        Insert::Created(row.receipt())
    } else {
        let existing: Option<(String, String, bool, i64, bool)> = tx
            .query_row(
                "SELECT received_at, payload, score_mismatch, alerts, verified
                 FROM responses WHERE id = ?1",
                params![row.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        match existing {
            Some((first, stored, score_mismatch, alerts, verified)) if stored == row.payload => {
                Insert::Duplicate(Receipt {
                    received_at: first,
                    score_mismatch,
                    alerts,
                    verified,
                })
            }
            Some(_) => Insert::Conflict,
            None if row.token.is_some() => Insert::TokenUsed,
            None => {
                return Err(StoreError::Failed(
                    "the insert was refused for no known reason".into(),
                ))
            }
        }
    };
    tx.commit()?;
    Ok(outcome)
}

#[async_trait]
impl Store for SqliteStore {
    async fn insert(&self, row: NewRow) -> Result<Insert, StoreError> {
        self.write(move |conn| insert_row(conn, &row)).await
    }

    async fn page(&self, filter: &Filter, page: PageRequest) -> Result<Vec<Row>, StoreError> {
        let f = filter.clone();
        self.read(move |conn| {
            // The cursor as `seq > coalesce(…)`, not `(? IS NULL OR seq > ?)`: SQLite
            // starts a page at the cursor in the rowid only for the first form, and with
            // the second read every earlier row again on every page (an export of 100 000
            // responses went from 49 s to a fraction of that).
            let w = where_filter(&f);
            let (cursor, order) = if page.newest_first {
                ("seq < coalesce(?16, 9223372036854775807)", "seq DESC")
            } else {
                ("seq > coalesce(?16, -1)", "seq")
            };
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM responses
                 WHERE {w} AND {cursor}
                 ORDER BY {order} LIMIT ?17"
            ))?;
            let fixed = filter_params(&f)?;
            let rows = stmt.query_map(
                with_filter(&fixed, &[&page.after, &page.limit]).as_slice(),
                row_of,
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn columns(&self, filter: &Filter) -> Result<Columns, StoreError> {
        let f = filter.clone();
        self.read(move |conn| {
            let w = where_filter(&f);
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT DISTINCT j.key FROM responses, json_each(responses.context) AS j
                 WHERE {w} ORDER BY j.key"
            ))?;
            let fixed = filter_params(&f)?;
            let keys = stmt.query_map(with_filter(&fixed, &[]).as_slice(), |r| r.get(0))?;
            let context_keys = keys.collect::<Result<Vec<String>, _>>()?;
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT DISTINCT survey_id, j.key FROM responses, json_each(responses.answers) AS j
                 WHERE {w} ORDER BY survey_id, j.key"
            ))?;
            let pairs = stmt.query_map(with_filter(&fixed, &[]).as_slice(), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            Ok(Columns {
                context_keys,
                answers: pairs.collect::<Result<Vec<_>, _>>()?,
            })
        })
        .await
    }

    async fn dealers(&self, filter: &Filter) -> Result<Vec<String>, StoreError> {
        let f = filter.clone();
        self.read(move |conn| {
            let w = where_filter(&f);
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT DISTINCT dealer FROM responses WHERE {w} AND dealer IS NOT NULL \
                 ORDER BY dealer"
            ))?;
            let fixed = filter_params(&f)?;
            let rows = stmt.query_map(with_filter(&fixed, &[]).as_slice(), |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
        .await
    }

    async fn scores_by(
        &self,
        filter: &Filter,
        group: Group,
    ) -> Result<Vec<(Option<String>, Scores)>, StoreError> {
        let f = filter.clone();
        let key = match group {
            Group::Advisor => "advisor",
            Group::Agent => "ctx_agent",
            Group::Station => "ctx_station",
            Group::Channel => "ctx_channel",
        };
        self.read(move |conn| {
            let fixed = filter_params(&f)?;
            super::sqlite_totals::groups(conn, key, where_filter(&f), &with_filter(&fixed, &[]))
        })
        .await
    }

    async fn scores_by_period(
        &self,
        filter: &Filter,
        starts: &[(String, String)],
    ) -> Result<Vec<(Option<String>, Scores)>, StoreError> {
        let f = filter.clone();
        let key = super::totals::period_key(starts)?;
        self.read(move |conn| {
            let fixed = filter_params(&f)?;
            super::sqlite_totals::groups(conn, &key, where_filter(&f), &with_filter(&fixed, &[]))
        })
        .await
    }

    async fn voc(
        &self,
        filter: &Filter,
        starts: &[(String, String)],
    ) -> Result<crate::voc::Tally, StoreError> {
        let f = filter.clone();
        let period = super::totals::period_key(starts)?;
        let since = crate::voc::last_start(starts)?;
        self.read(move |conn| {
            let fixed = filter_params(&f)?;
            super::sqlite_voc::tally(
                conn,
                &period,
                since.as_deref(),
                where_filter(&f),
                &with_filter(&fixed, &[]),
            )
        })
        .await
    }

    async fn scores(&self, filter: &Filter) -> Result<Scores, StoreError> {
        let f = filter.clone();
        self.read(move |conn| {
            let fixed = filter_params(&f)?;
            let all = super::sqlite_totals::groups(
                conn,
                "CAST(NULL AS TEXT)",
                where_filter(&f),
                &with_filter(&fixed, &[]),
            )?;
            Ok(all.into_iter().next().map(|(_, s)| s).unwrap_or_default())
        })
        .await
    }

    async fn ready(&self) -> Result<(), StoreError> {
        self.read(|conn| {
            conn.query_row("SELECT count(*) FROM schema_migrations", [], |r| {
                r.get::<_, i64>(0)
            })?;
            Ok(())
        })
        .await?;
        // Taking the write lock and letting it go proves a post could commit now.
        self.write(|conn| {
            conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK")?;
            Ok(())
        })
        .await
    }

    fn describe(&self) -> String {
        format!("SQLite {}", self.path.display())
    }

    async fn dealer_settings(&self) -> Result<Vec<DealerSettings>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT dealer, time_zone, csi_target, fixed_first_time_target
                 FROM dealer_settings ORDER BY dealer",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(DealerSettings {
                    dealer: r.get(0)?,
                    time_zone: r.get(1)?,
                    csi_target: r.get(2)?,
                    fixed_first_time_target: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn set_dealer_settings(
        &self,
        settings: &DealerSettings,
        at: &str,
    ) -> Result<(), StoreError> {
        let (s, at) = (settings.clone(), at.to_string());
        self.write(move |conn| {
            conn.execute(
                "INSERT INTO dealer_settings
                     (dealer, time_zone, csi_target, fixed_first_time_target, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (dealer) DO UPDATE SET time_zone = ?2, csi_target = ?3,
                     fixed_first_time_target = ?4, updated_at = ?5",
                params![
                    s.dealer,
                    s.time_zone,
                    s.csi_target,
                    s.fixed_first_time_target,
                    at
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn cases(
        &self,
        filter: &CaseFilter,
        page: PageRequest,
    ) -> Result<Vec<CaseRow>, StoreError> {
        let f = filter.clone();
        self.read(move |c| super::sqlite_cases::list(c, &f, page))
            .await
    }

    async fn case(&self, id: &str) -> Result<Option<CaseRow>, StoreError> {
        let id = id.to_string();
        self.read(move |c| super::sqlite_cases::get(c, &id)).await
    }

    async fn case_events(&self, id: &str) -> Result<Vec<CaseEvent>, StoreError> {
        let id = id.to_string();
        self.read(move |c| super::sqlite_cases::events(c, &id))
            .await
    }

    async fn response(&self, id: &str) -> Result<Option<Row>, StoreError> {
        let id = id.to_string();
        self.read(move |c| super::sqlite_cases::response(c, &id))
            .await
    }

    async fn change_case(&self, change: &CaseChange) -> Result<bool, StoreError> {
        let change = change.clone();
        self.write(move |c| super::sqlite_cases::change(c, &change))
            .await
    }

    async fn case_owner(&self, dealer: &str) -> Result<Option<String>, StoreError> {
        let dealer = dealer.to_string();
        self.read(move |c| super::sqlite_cases::owner(c, &dealer))
            .await
    }

    async fn set_case_owner(
        &self,
        dealer: &str,
        owner: Option<&str>,
        at: &str,
    ) -> Result<(), StoreError> {
        let (dealer, owner, at) = (
            dealer.to_string(),
            owner.map(str::to_string),
            at.to_string(),
        );
        self.write(move |c| super::sqlite_cases::set_owner(c, &dealer, owner.as_deref(), &at))
            .await
    }

    async fn add_visits(&self, visits: &[super::NewVisit]) -> Result<super::Added, StoreError> {
        let visits = visits.to_vec();
        self.write(move |c| super::sqlite_followups::add(c, &visits))
            .await
    }

    async fn followups(
        &self,
        filter: &super::FollowUpFilter,
    ) -> Result<Vec<super::VisitRow>, StoreError> {
        let f = filter.clone();
        self.read(move |c| super::sqlite_followups::list(c, &f))
            .await
    }

    async fn count_followups(&self, filter: &super::FollowUpFilter) -> Result<u64, StoreError> {
        let f = filter.clone();
        self.read(move |c| super::sqlite_followups::count(c, &f))
            .await
    }

    async fn visit(&self, id: &str) -> Result<Option<super::VisitRow>, StoreError> {
        let id = id.to_string();
        self.read(move |c| super::sqlite_followups::get(c, &id))
            .await
    }

    async fn visit_phones(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<super::VisitPhone>, StoreError> {
        self.read(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, id, phone FROM visits
                 WHERE phone IS NOT NULL AND seq > coalesce(?1, -1) ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(rusqlite::params![after, limit], |r| {
                Ok(super::VisitPhone {
                    seq: r.get(0)?,
                    id: r.get(1)?,
                    phone: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn clear_visit_phones(&self, ids: &[String]) -> Result<u64, StoreError> {
        let ids = ids.to_vec();
        self.write(move |c| {
            let tx = c.transaction()?;
            let mut n = 0;
            {
                let mut stmt = tx.prepare_cached(
                    "UPDATE visits SET phone = NULL WHERE id = ?1 AND phone IS NOT NULL",
                )?;
                for id in &ids {
                    n += stmt.execute([id])? as u64;
                }
            }
            tx.commit()?;
            Ok(n)
        })
        .await
    }

    async fn purge_visit_phones(&self, plan: &PurgePlan) -> Result<u64, StoreError> {
        let plan = plan.clone();
        self.write(move |c| super::sqlite_followups::purge_phones(c, &plan))
            .await
    }

    async fn change_followup(&self, change: &super::FollowUpChange) -> Result<bool, StoreError> {
        let change = change.clone();
        self.write(move |c| super::sqlite_followups::change(c, &change))
            .await
    }

    async fn coverage(
        &self,
        filter: &super::CoverageFilter,
    ) -> Result<Vec<super::CoverageRow>, StoreError> {
        let f = filter.clone();
        self.read(move |c| super::sqlite_followups::coverage(c, &f))
            .await
    }

    async fn solve_link(&self, case_id: &str) -> Result<Option<super::SolveLink>, StoreError> {
        let id = case_id.to_string();
        self.read(move |c| super::sqlite_cases::solve_link(c, &id))
            .await
    }

    async fn add_solve_link(&self, link: &super::SolveLink) -> Result<bool, StoreError> {
        let link = link.clone();
        self.write(move |c| super::sqlite_cases::add_solve_link(c, &link))
            .await
    }

    async fn response_by_token(
        &self,
        survey: &str,
        token: &str,
    ) -> Result<Option<Row>, StoreError> {
        let (survey, token) = (survey.to_string(), token.to_string());
        self.read(move |c| super::sqlite_cases::by_token(c, &survey, &token))
            .await
    }

    async fn target_cases(
        &self,
        filter: &super::TargetFilter,
    ) -> Result<Vec<super::TargetCase>, StoreError> {
        let f = filter.clone();
        self.read(move |c| super::sqlite_targets::cases(c, &f))
            .await
    }

    async fn target_visits(
        &self,
        filter: &super::TargetFilter,
    ) -> Result<Vec<super::TargetVisit>, StoreError> {
        let f = filter.clone();
        self.read(move |c| super::sqlite_targets::visits(c, &f))
            .await
    }

    async fn cases_to_escalate(&self, now: &str, limit: u32) -> Result<Vec<CaseRow>, StoreError> {
        let now = now.to_string();
        self.read(move |c| super::sqlite_cases::to_escalate(c, &now, limit))
            .await
    }

    async fn webhook(&self, dealer: &str) -> Result<Option<super::webhooks::Webhook>, StoreError> {
        let dealer = dealer.to_string();
        self.read(move |c| super::webhooks::sqlite_get(c, &dealer))
            .await
    }

    async fn set_webhook(
        &self,
        dealer: &str,
        hook: Option<(&str, &str)>,
        at: &str,
    ) -> Result<(), StoreError> {
        let (dealer, at) = (dealer.to_string(), at.to_string());
        let hook = hook.map(|(u, f)| (u.to_string(), f.to_string()));
        self.write(move |c| {
            let hook = hook.as_ref().map(|(u, f)| (u.as_str(), f.as_str()));
            super::webhooks::sqlite_set(c, &dealer, hook, &at)
        })
        .await
    }

    async fn webhooks_due(
        &self,
        now: &str,
        limit: u32,
    ) -> Result<Vec<super::webhooks::Delivery>, StoreError> {
        let now = now.to_string();
        self.read(move |c| super::webhooks::sqlite_due(c, &now, limit))
            .await
    }

    async fn webhook_attempt(
        &self,
        key: &str,
        attempt: &super::webhooks::Attempt,
    ) -> Result<(), StoreError> {
        let (key, attempt) = (key.to_string(), attempt.clone());
        self.write(move |c| super::webhooks::sqlite_record(c, &key, &attempt))
            .await
    }

    async fn link_key(&self, candidate: &str, now: &str) -> Result<String, StoreError> {
        let (candidate, now) = (candidate.to_string(), now.to_string());
        self.write(move |c| super::sqlite_links::link_key(c, &candidate, &now))
            .await
    }

    async fn create_user(&self, user: NewUser, replace: bool) -> Result<bool, StoreError> {
        self.write(move |c| acc::create_user(c, &user, replace))
            .await
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        let login = login.to_string();
        self.read(move |c| acc::user_by_login(c, &login)).await
    }

    async fn record_login(
        &self,
        user_id: &str,
        outcome: LoginOutcome,
        lock_until: &str,
    ) -> Result<(), StoreError> {
        let (id, until) = (user_id.to_string(), lock_until.to_string());
        self.write(move |c| acc::record_login(c, &id, outcome, &until))
            .await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let a = [token_hash, user_id, csrf, created_at, expires_at].map(str::to_string);
        self.write(move |c| acc::create_session(c, &a[0], &a[1], &a[2], &a[3], &a[4]))
            .await
    }

    async fn session(&self, token_hash: &str, now: &str) -> Result<Option<Session>, StoreError> {
        let (h, n) = (token_hash.to_string(), now.to_string());
        self.read(move |c| acc::session(c, &h, &n)).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let h = token_hash.to_string();
        self.write(move |c| acc::delete_session(c, &h)).await
    }

    async fn create_token(&self, token: NewToken) -> Result<(), StoreError> {
        self.write(move |c| acc::create_token(c, &token)).await
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<Token>, StoreError> {
        let h = token_hash.to_string();
        self.read(move |c| acc::token_by_hash(c, &h)).await
    }

    async fn tokens(&self, dealers: Option<&[String]>) -> Result<Vec<Token>, StoreError> {
        let d = dealers.map(<[String]>::to_vec);
        self.read(move |c| acc::tokens(c, d.as_deref())).await
    }

    async fn token(&self, id: &str) -> Result<Option<Token>, StoreError> {
        let id = id.to_string();
        self.read(move |c| acc::token(c, &id)).await
    }

    async fn revoke_token(&self, id: &str, at: &str) -> Result<bool, StoreError> {
        let (id, at) = (id.to_string(), at.to_string());
        self.write(move |c| acc::revoke_token(c, &id, &at)).await
    }

    async fn create_kiosk(&self, kiosk: NewKiosk) -> Result<(), StoreError> {
        self.write(move |c| super::kiosks::sqlite_create(c, &kiosk))
            .await
    }

    async fn kiosks(
        &self,
        which: super::kiosks::Which,
        dealers: Option<&[String]>,
    ) -> Result<Vec<Kiosk>, StoreError> {
        let dealers = dealers.map(<[String]>::to_vec);
        self.read(move |c| super::kiosks::sqlite_find(c, &which, dealers.as_deref()))
            .await
    }

    async fn revoke_kiosk(&self, id: &str, at: &str) -> Result<bool, StoreError> {
        let (id, at) = (id.to_string(), at.to_string());
        self.write(move |c| super::kiosks::sqlite_revoke(c, &id, &at))
            .await
    }

    async fn retention(&self) -> Result<Vec<(String, u32)>, StoreError> {
        self.read(privacy::retention).await
    }

    async fn set_retention(
        &self,
        dealer: &str,
        days: Option<u32>,
        at: &str,
    ) -> Result<(), StoreError> {
        let (dealer, at) = (dealer.to_string(), at.to_string());
        self.write(move |c| privacy::set_retention(c, &dealer, days, &at))
            .await
    }

    async fn add_beacon(&self, beacon: &super::beacons::NewBeacon) -> Result<bool, StoreError> {
        let b = beacon.clone();
        self.write(move |c| super::sqlite_beacons::add(c, &b)).await
    }

    async fn funnel(
        &self,
        filter: &super::beacons::BeaconFilter,
        by_channel: bool,
    ) -> Result<BTreeMap<Option<String>, survey_core::funnel::Counts>, StoreError> {
        let f = filter.clone();
        self.read(move |c| super::sqlite_beacons::funnel(c, &f, by_channel))
            .await
    }

    async fn purge_beacons(&self, plan: &PurgePlan) -> Result<u64, StoreError> {
        let plan = plan.clone();
        self.write(move |c| super::sqlite_beacons::purge(c, &plan))
            .await
    }

    async fn purge_batch(&self, plan: &PurgePlan, at: &str, limit: u32) -> Result<u64, StoreError> {
        let (plan, at) = (plan.clone(), at.to_string());
        self.write(move |c| privacy::purge_batch(c, &plan, &at, limit))
            .await
    }

    async fn phone_candidates(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        self.read(move |c| privacy::phone_candidates(c, after, limit))
            .await
    }

    async fn forget(&self, ids: &[String], entry: &AuditEntry) -> Result<u64, StoreError> {
        let (ids, entry) = (ids.to_vec(), entry.clone());
        self.write(move |c| privacy::forget(c, &ids, &entry)).await
    }

    async fn record_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let entries = entries.to_vec();
        self.write(move |c| privacy::record_audit(c, &entries))
            .await
    }

    async fn audit(&self, page: PageRequest) -> Result<Vec<AuditRecord>, StoreError> {
        self.read(move |c| privacy::audit(c, page)).await
    }

    async fn save_definition(
        &self,
        definition: super::definitions::NewDefinition,
    ) -> Result<super::definitions::Saved, StoreError> {
        self.write(move |c| super::definitions::sqlite_save(c, &definition))
            .await
    }

    async fn publish_definition(
        &self,
        survey: &str,
        version: u32,
        dealer: &str,
        at: &str,
    ) -> Result<super::definitions::Published, StoreError> {
        let (survey, dealer, at) = (survey.to_string(), dealer.to_string(), at.to_string());
        self.write(move |c| super::definitions::sqlite_publish(c, &survey, version, &dealer, &at))
            .await
    }

    async fn definitions(
        &self,
        dealers: Option<&[String]>,
    ) -> Result<Vec<super::definitions::DefinitionRow>, StoreError> {
        let dealers = dealers.map(<[String]>::to_vec);
        self.read(move |c| super::definitions::sqlite_list(c, dealers.as_deref()))
            .await
    }

    async fn definition(
        &self,
        survey: &str,
        version: Option<u32>,
        published_only: bool,
    ) -> Result<Option<super::definitions::DefinitionRow>, StoreError> {
        let survey = survey.to_string();
        self.read(move |c| super::definitions::sqlite_get(c, &survey, version, published_only))
            .await
    }

    async fn token_used(&self, survey: &str, token: &str) -> Result<bool, StoreError> {
        let (s, t) = (survey.to_string(), token.to_string());
        self.read(move |c| super::links::sqlite_token_used(c, &s, &t))
            .await
    }
}

/// `collector backup FILE`: a consistent copy of a live database, WAL included, made
/// with `VACUUM INTO` (a read transaction: posts go on meanwhile). Refuses to
/// overwrite an existing file.
pub fn backup(db: &Path, to: &Path) -> Result<(), String> {
    if to.exists() {
        return Err(format!(
            "{} already exists; choose a new file",
            to.display()
        ));
    }
    let conn = open_reader(db).map_err(|e| format!("cannot open {}: {e}", db.display()))?;
    let target = to
        .to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", to.display()))?;
    conn.execute("VACUUM INTO ?1", params![target])
        .map_err(|e| format!("backing up {} to {}: {e}", db.display(), to.display()))?;
    Ok(())
}
