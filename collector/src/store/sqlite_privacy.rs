//! SQLite statements for retention, deletion on request and the audit log; called by
//! [`super::sqlite::SqliteStore`] on its writer or reader connections.

use super::privacy::{self, AuditEntry, AuditRecord, PurgePlan, PurgeRow};
use super::{PageRequest, StoreError};
use rusqlite::{params, Connection, TransactionBehavior};

pub fn retention(conn: &Connection) -> Result<Vec<(String, u32)>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT dealer, retention_days FROM dealer_privacy ORDER BY dealer")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn set_retention(
    conn: &mut Connection,
    dealer: &str,
    days: Option<u32>,
    at: &str,
) -> Result<(), StoreError> {
    match days {
        Some(days) => conn.execute(
            "INSERT INTO dealer_privacy (dealer, retention_days, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (dealer) DO UPDATE SET retention_days = ?2, updated_at = ?3",
            params![dealer, days, at],
        )?,
        None => conn.execute(
            "DELETE FROM dealer_privacy WHERE dealer = ?1",
            params![dealer],
        )?,
    };
    Ok(())
}

/// Clears up to `limit` rows past their cutoff in one transaction.
pub fn purge_batch(
    conn: &mut Connection,
    plan: &PurgePlan,
    at: &str,
    limit: u32,
) -> Result<u64, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut due: Vec<PurgeRow> = Vec::new();
    {
        let mut per_dealer = tx.prepare_cached(
            "SELECT seq, answers, payload FROM responses
             WHERE personal_purged_at IS NULL AND dealer = ?1 AND received_at < ?2
             ORDER BY seq LIMIT ?3",
        )?;
        for (dealer, cutoff) in &plan.dealers {
            let left = i64::from(limit) - due.len() as i64;
            if left <= 0 {
                break;
            }
            let rows = per_dealer.query_map(params![dealer, cutoff, left], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            for row in rows {
                due.push(row?);
            }
        }
        let left = i64::from(limit) - due.len() as i64;
        if left > 0 {
            let mut rest = tx.prepare_cached(
                "SELECT seq, answers, payload FROM responses
                 WHERE personal_purged_at IS NULL AND received_at < ?1
                   AND (dealer IS NULL OR dealer NOT IN (SELECT dealer FROM dealer_privacy))
                 ORDER BY seq LIMIT ?2",
            )?;
            let rows = rest.query_map(params![plan.default_cutoff, left], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
            for row in rows {
                due.push(row?);
            }
        }
        let mut update = tx.prepare_cached(
            "UPDATE responses SET answers = ?2, payload = ?3, personal_purged_at = ?4
             WHERE seq = ?1",
        )?;
        for (seq, answers, payload) in &due {
            let (answers, payload) = privacy::scrubbed(answers, payload);
            update.execute(params![seq, answers, payload, at])?;
        }
    }
    tx.commit()?;
    Ok(due.len() as u64)
}

/// Rows after `after` whose answers may hold a phone number: `(seq, id, answers)`.
pub fn phone_candidates(
    conn: &Connection,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, answers FROM responses
         WHERE seq > ?1 AND instr(answers, '\"phone\"') > 0 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after.unwrap_or(-1), limit], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes the responses `ids` and writes `entry` (with the count) in one transaction.
pub fn forget(
    conn: &mut Connection,
    ids: &[String],
    entry: &AuditEntry,
) -> Result<u64, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut deleted = 0u64;
    {
        let mut delete = tx.prepare_cached("DELETE FROM responses WHERE id = ?1")?;
        // Its VOC marks go with it (crate::voc).
        let mut marks = tx.prepare_cached("DELETE FROM response_marks WHERE response = ?1")?;
        for id in ids {
            deleted += delete.execute(params![id])? as u64;
            marks.execute(params![id])?;
        }
    }
    let entry = AuditEntry {
        rows: i64::try_from(deleted).ok(),
        ..entry.clone()
    };
    insert_audit(&tx, &entry)?;
    tx.commit()?;
    Ok(deleted)
}

pub fn record_audit(conn: &mut Connection, entries: &[AuditEntry]) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for e in entries {
        insert_audit(&tx, e)?;
    }
    tx.commit()?;
    Ok(())
}

fn insert_audit(conn: &Connection, e: &AuditEntry) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO audit (at, actor, action, route, filter_text, row_count)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![e.at, e.actor, e.action, e.route, e.filter, e.rows])?;
    Ok(())
}

pub fn audit(conn: &Connection, page: PageRequest) -> Result<Vec<AuditRecord>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, action, route, filter_text, row_count FROM audit
         WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![page.after.unwrap_or(-1), page.limit], |r| {
        Ok(AuditRecord {
            seq: r.get(0)?,
            entry: AuditEntry {
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                route: r.get(4)?,
                filter: r.get(5)?,
                rows: r.get(6)?,
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
