//! What the store keeps of dealers' own questionnaires ([`crate::definitions`]).
//!
//! ## Lifecycle of one (survey id, version)
//! ```text
//! upload ─▶ draft ──(upload again: replaced)──▶ draft ──publish──▶ published (never changed)
//! ```
//! - A survey id belongs to the dealer that first uploaded it: an upload or publish of
//!   that id for another dealer is [`Saved::OwnedBy`], checked in the transaction that
//!   writes, so two dealers racing for an id cannot both get it.
//! - A published version is immutable ([`Saved::Published`]): responses keep the
//!   version they were answered on, and the server rescoring one must find the same
//!   questions.
//! - Publishing needs a version above every published one of the id ([`Published::NotNewer`]):
//!   `data-definition` serves the highest, and an older one published later would
//!   silently replace the newer questions on every page.

use super::postgres::pg_err;
use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension};

/// A definition to save as a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDefinition {
    pub survey: String,
    pub version: u32,
    pub dealer: String,
    /// The JSON, checked by survey-core before it gets here.
    pub body: String,
    pub created_by: String,
    pub created_at: String,
}

/// One stored definition; `body` is empty in lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionRow {
    pub survey: String,
    pub version: u32,
    pub dealer: String,
    pub body: String,
    /// `draft` or `published`.
    pub status: String,
    pub created_by: String,
    pub created_at: String,
    pub published_at: Option<String>,
}

/// What saving a draft did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Stored (new, or replacing the draft of the same version).
    Draft,
    /// The id is another dealer's.
    OwnedBy(String),
    /// This version is published and cannot change.
    Published,
}

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    Done,
    /// No such draft (or it is another dealer's).
    NotFound,
    /// Already published: nothing changed.
    Already,
    /// A version at or above this one is published.
    NotNewer(u32),
}

const COLUMNS: &str = "survey_id, version, dealer, status, created_by, created_at, published_at";

fn version_i64(v: u32) -> i64 {
    i64::from(v)
}

/// A stored version number back to `u32` (the column only ever holds what a `u32` wrote).
fn version_u32(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// The decision both backends take once they read the id's owner and this version's
/// status inside their transaction.
fn save_decision(owner: Option<String>, status: Option<String>, dealer: &str) -> Option<Saved> {
    match (owner, status) {
        (Some(owner), _) if owner != dealer => Some(Saved::OwnedBy(owner)),
        (_, Some(s)) if s == "published" => Some(Saved::Published),
        _ => None,
    }
}

fn publish_decision(
    row: Option<(String, String)>,
    dealer: &str,
    newest: Option<i64>,
    version: u32,
) -> Option<Published> {
    match row {
        None => Some(Published::NotFound),
        Some((owner, _)) if owner != dealer => Some(Published::NotFound),
        Some((_, status)) if status == "published" => Some(Published::Already),
        _ => match newest {
            Some(n) if n >= version_i64(version) => Some(Published::NotNewer(version_u32(n))),
            _ => None,
        },
    }
}

pub fn sqlite_save(c: &mut Connection, d: &NewDefinition) -> Result<Saved, StoreError> {
    let tx = c.transaction()?;
    let owner: Option<String> = tx
        .query_row(
            "SELECT dealer FROM definitions WHERE survey_id = ?1 LIMIT 1",
            params![d.survey],
            |r| r.get(0),
        )
        .optional()?;
    let status: Option<String> = tx
        .query_row(
            "SELECT status FROM definitions WHERE survey_id = ?1 AND version = ?2",
            params![d.survey, version_i64(d.version)],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(refused) = save_decision(owner, status, &d.dealer) {
        return Ok(refused);
    }
    tx.execute(
        "INSERT INTO definitions (survey_id, version, dealer, body, status, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6)
         ON CONFLICT (survey_id, version) DO UPDATE SET body = excluded.body,
             created_by = excluded.created_by, created_at = excluded.created_at",
        params![
            d.survey,
            version_i64(d.version),
            d.dealer,
            d.body,
            d.created_by,
            d.created_at
        ],
    )?;
    tx.commit()?;
    Ok(Saved::Draft)
}

pub fn sqlite_publish(
    c: &mut Connection,
    survey: &str,
    version: u32,
    dealer: &str,
    at: &str,
) -> Result<Published, StoreError> {
    let tx = c.transaction()?;
    let row: Option<(String, String)> = tx
        .query_row(
            "SELECT dealer, status FROM definitions WHERE survey_id = ?1 AND version = ?2",
            params![survey, version_i64(version)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let newest: Option<i64> = tx.query_row(
        "SELECT max(version) FROM definitions WHERE survey_id = ?1 AND status = 'published'",
        params![survey],
        |r| r.get(0),
    )?;
    if let Some(refused) = publish_decision(row, dealer, newest, version) {
        return Ok(refused);
    }
    tx.execute(
        "UPDATE definitions SET status = 'published', published_at = ?3
         WHERE survey_id = ?1 AND version = ?2",
        params![survey, version_i64(version), at],
    )?;
    tx.commit()?;
    Ok(Published::Done)
}

fn sqlite_row(r: &rusqlite::Row<'_>, body: String) -> rusqlite::Result<DefinitionRow> {
    Ok(DefinitionRow {
        survey: r.get(0)?,
        version: version_u32(r.get(1)?),
        dealer: r.get(2)?,
        status: r.get(3)?,
        created_by: r.get(4)?,
        created_at: r.get(5)?,
        published_at: r.get(6)?,
        body,
    })
}

/// Every definition of `dealers` (all of them for `None`), newest version first per id.
pub fn sqlite_list(
    c: &Connection,
    dealers: Option<&[String]>,
) -> Result<Vec<DefinitionRow>, StoreError> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM definitions ORDER BY survey_id, version DESC"
    ))?;
    let rows = stmt.query_map([], |r| sqlite_row(r, String::new()))?;
    let all = rows.collect::<Result<Vec<_>, _>>()?;
    Ok(scoped(all, dealers))
}

/// One version with its body; `published_only` leaves drafts out; `version: None` is
/// the highest published one.
pub fn sqlite_get(
    c: &Connection,
    survey: &str,
    version: Option<u32>,
    published_only: bool,
) -> Result<Option<DefinitionRow>, StoreError> {
    let sql = get_sql("?1", "?2", version.is_some(), published_only);
    let mut stmt = c.prepare_cached(&sql)?;
    Ok(stmt
        .query_row(params![survey, version.map(version_i64)], |r| {
            let body: String = r.get(7)?;
            sqlite_row(r, body)
        })
        .optional()?)
}

/// The one read of a version for both backends (their placeholders given): a given
/// version, or the highest; drafts only for a given version when not `published_only`.
fn get_sql(survey: &str, version: &str, versioned: bool, published_only: bool) -> String {
    let filter = if published_only || !versioned {
        " AND status = 'published'"
    } else {
        ""
    };
    format!(
        "SELECT {COLUMNS}, body FROM definitions WHERE survey_id = {survey} \
         AND ({version} IS NULL OR version = {version}){filter} ORDER BY version DESC LIMIT 1"
    )
}

fn scoped(all: Vec<DefinitionRow>, dealers: Option<&[String]>) -> Vec<DefinitionRow> {
    match dealers {
        None => all,
        Some(d) => all.into_iter().filter(|r| d.contains(&r.dealer)).collect(),
    }
}

pub async fn pg_save(
    c: &mut tokio_postgres::Client,
    d: &NewDefinition,
) -> Result<Saved, StoreError> {
    let tx = c.transaction().await.map_err(pg_err)?;
    // Serialises uploads of one id, so the owner read below stays true until commit.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('definitions:' || $1))",
        &[&d.survey],
    )
    .await
    .map_err(pg_err)?;
    let owner: Option<String> = tx
        .query_opt(
            "SELECT dealer FROM definitions WHERE survey_id = $1 LIMIT 1",
            &[&d.survey],
        )
        .await
        .map_err(pg_err)?
        .map(|r| r.get(0));
    let status: Option<String> = tx
        .query_opt(
            "SELECT status FROM definitions WHERE survey_id = $1 AND version = $2",
            &[&d.survey, &version_i64(d.version)],
        )
        .await
        .map_err(pg_err)?
        .map(|r| r.get(0));
    if let Some(refused) = save_decision(owner, status, &d.dealer) {
        return Ok(refused);
    }
    tx.execute(
        "INSERT INTO definitions (survey_id, version, dealer, body, status, created_by, created_at)
         VALUES ($1, $2, $3, $4, 'draft', $5, $6)
         ON CONFLICT (survey_id, version) DO UPDATE SET body = excluded.body,
             created_by = excluded.created_by, created_at = excluded.created_at",
        &[
            &d.survey,
            &version_i64(d.version),
            &d.dealer,
            &d.body,
            &d.created_by,
            &d.created_at,
        ],
    )
    .await
    .map_err(pg_err)?;
    tx.commit().await.map_err(pg_err)?;
    Ok(Saved::Draft)
}

pub async fn pg_publish(
    c: &mut tokio_postgres::Client,
    survey: &str,
    version: u32,
    dealer: &str,
    at: &str,
) -> Result<Published, StoreError> {
    let tx = c.transaction().await.map_err(pg_err)?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('definitions:' || $1))",
        &[&survey],
    )
    .await
    .map_err(pg_err)?;
    let row: Option<(String, String)> = tx
        .query_opt(
            "SELECT dealer, status FROM definitions WHERE survey_id = $1 AND version = $2",
            &[&survey, &version_i64(version)],
        )
        .await
        .map_err(pg_err)?
        .map(|r| (r.get(0), r.get(1)));
    let newest: Option<i64> = tx
        .query_one(
            "SELECT max(version) FROM definitions WHERE survey_id = $1 AND status = 'published'",
            &[&survey],
        )
        .await
        .map_err(pg_err)?
        .get(0);
    if let Some(refused) = publish_decision(row, dealer, newest, version) {
        return Ok(refused);
    }
    tx.execute(
        "UPDATE definitions SET status = 'published', published_at = $3
         WHERE survey_id = $1 AND version = $2",
        &[&survey, &version_i64(version), &at],
    )
    .await
    .map_err(pg_err)?;
    tx.commit().await.map_err(pg_err)?;
    Ok(Published::Done)
}

fn pg_row(r: &tokio_postgres::Row, body: String) -> DefinitionRow {
    DefinitionRow {
        survey: r.get(0),
        version: version_u32(r.get(1)),
        dealer: r.get(2),
        status: r.get(3),
        created_by: r.get(4),
        created_at: r.get(5),
        published_at: r.get(6),
        body,
    }
}

pub async fn pg_list(
    c: &tokio_postgres::Client,
    dealers: Option<&[String]>,
) -> Result<Vec<DefinitionRow>, StoreError> {
    let rows = c
        .query(
            &format!("SELECT {COLUMNS} FROM definitions ORDER BY survey_id, version DESC"),
            &[],
        )
        .await
        .map_err(pg_err)?;
    let all = rows.iter().map(|r| pg_row(r, String::new())).collect();
    Ok(scoped(all, dealers))
}

pub async fn pg_get(
    c: &tokio_postgres::Client,
    survey: &str,
    version: Option<u32>,
    published_only: bool,
) -> Result<Option<DefinitionRow>, StoreError> {
    let sql = get_sql("$1", "$2::BIGINT", version.is_some(), published_only);
    let row = c
        .query_opt(&sql, &[&survey, &version.map(version_i64)])
        .await
        .map_err(pg_err)?;
    Ok(row.map(|r| {
        let body: String = r.get(7);
        pg_row(&r, body)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_first_dealers_and_a_published_version_never_changes() {
        assert_eq!(save_decision(None, None, "d1"), None);
        assert_eq!(save_decision(Some("d1".into()), None, "d1"), None);
        assert_eq!(
            save_decision(Some("d1".into()), Some("draft".into()), "d1"),
            None
        );
        assert_eq!(
            save_decision(Some("d2".into()), None, "d1"),
            Some(Saved::OwnedBy("d2".into()))
        );
        assert_eq!(
            save_decision(Some("d1".into()), Some("published".into()), "d1"),
            Some(Saved::Published)
        );
    }

    #[test]
    fn only_a_newer_draft_of_ones_own_is_published() {
        let draft = || Some(("d1".to_string(), "draft".to_string()));
        assert_eq!(publish_decision(draft(), "d1", None, 1), None);
        assert_eq!(publish_decision(draft(), "d1", Some(1), 2), None);
        assert_eq!(
            publish_decision(draft(), "d1", Some(2), 2),
            Some(Published::NotNewer(2))
        );
        assert_eq!(
            publish_decision(draft(), "d1", Some(3), 2),
            Some(Published::NotNewer(3))
        );
        assert_eq!(
            publish_decision(draft(), "d2", None, 1),
            Some(Published::NotFound)
        );
        assert_eq!(
            publish_decision(None, "d1", None, 1),
            Some(Published::NotFound)
        );
        assert_eq!(
            publish_decision(Some(("d1".into(), "published".into())), "d1", Some(1), 1),
            Some(Published::Already)
        );
    }
}
