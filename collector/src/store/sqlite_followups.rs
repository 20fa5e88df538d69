//! SQLite statements for visits and follow-up calls ([`super::followups`]).

use super::followups::{
    Added, CoverageFilter, CoverageRow, FollowUpChange, FollowUpFilter, NewVisit, VisitRow,
};
use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension};

const VISIT_COLUMNS: &str = "seq, id, dealer, repair_order, advisor, phone, pickup_date,
    invited_at, imported_at, status, version, state";

fn visit_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<VisitRow> {
    Ok(VisitRow {
        seq: r.get(0)?,
        id: r.get(1)?,
        dealer: r.get(2)?,
        repair_order: r.get(3)?,
        advisor: r.get(4)?,
        phone: r.get(5)?,
        pickup_date: r.get(6)?,
        invited_at: r.get(7)?,
        imported_at: r.get(8)?,
        status: r.get(9)?,
        version: r.get(10)?,
        state: r.get(11)?,
    })
}

/// Adds `visits` in one transaction (see the module docs of [`super::followups`]).
pub fn add(conn: &mut Connection, visits: &[NewVisit]) -> Result<Added, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut added = Added::default();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO visits (id, dealer, repair_order, advisor, phone, pickup_date,
                                 imported_at, invited_at, created_at, status, due_on, due_at,
                                 overdue_at, updated_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?9, ?14)
             ON CONFLICT (dealer, repair_order) DO NOTHING",
        )?;
        let mut merge = tx.prepare_cached(
            "UPDATE visits SET advisor = COALESCE(advisor, ?3), phone = COALESCE(phone, ?4),
                               imported_at = COALESCE(imported_at, ?5),
                               invited_at = COALESCE(invited_at, ?6)
             WHERE dealer = ?1 AND repair_order = ?2",
        )?;
        for v in visits {
            let n = insert.execute(params![
                v.id,
                v.dealer,
                v.repair_order,
                v.advisor,
                v.phone,
                v.pickup_date,
                v.imported_at,
                v.invited_at,
                v.created_at,
                v.status,
                v.due_on,
                v.due_at,
                v.overdue_at,
                v.state
            ])?;
            if n == 1 {
                added.new += 1;
            } else {
                merge.execute(params![
                    v.dealer,
                    v.repair_order,
                    v.advisor,
                    v.phone,
                    v.imported_at,
                    v.invited_at
                ])?;
                added.known += 1;
            }
        }
    }
    tx.commit()?;
    Ok(added)
}

/// The open follow-ups a [`FollowUpFilter`] picks (its parameters `?1`–`?5`): one
/// WHERE for the list and its count.
const OPEN_WHERE: &str = "WHERE status IN ('due', 'retry')
           AND (?1 IS NULL OR dealer IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR dealer = ?2)
           AND (?3 IS NULL OR due_at < ?3)
           AND (?4 IS NULL OR overdue_at <= ?4)
           AND (?5 IS NULL OR overdue_at > ?5)";

pub fn list(conn: &Connection, f: &FollowUpFilter) -> Result<Vec<VisitRow>, StoreError> {
    let dealers = f.dealers.as_ref().map(serde_json::to_string).transpose()?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VISIT_COLUMNS} FROM visits {OPEN_WHERE} ORDER BY due_at, seq LIMIT ?6"
    ))?;
    let rows = stmt.query_map(
        params![
            dealers,
            f.dealer,
            f.due_before,
            f.overdue_at,
            f.overdue_after,
            f.limit
        ],
        visit_of,
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// How many open follow-ups `f` picks (no limit).
pub fn count(conn: &Connection, f: &FollowUpFilter) -> Result<u64, StoreError> {
    let dealers = f.dealers.as_ref().map(serde_json::to_string).transpose()?;
    let n: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM visits {OPEN_WHERE}"))?
        .query_row(
            params![
                dealers,
                f.dealer,
                f.due_before,
                f.overdue_at,
                f.overdue_after
            ],
            |r| r.get(0),
        )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<VisitRow>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = ?1"))?;
    Ok(stmt.query_row(params![id], visit_of).optional()?)
}

pub fn change(conn: &mut Connection, c: &FollowUpChange) -> Result<bool, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let updated = tx.execute(
        "UPDATE visits SET status = ?3, due_on = ?4, due_at = ?5, overdue_at = ?6, attempts = ?7,
                           updated_at = ?8, state = ?9, version = version + 1
         WHERE id = ?1 AND version = ?2",
        params![
            c.id,
            c.expected_version,
            c.status,
            c.due_on,
            c.due_at,
            c.overdue_at,
            c.attempts,
            c.updated_at,
            c.state
        ],
    )?;
    if updated != 1 {
        return Ok(false); // rolled back on drop; nothing was written
    }
    tx.execute(
        "INSERT INTO followup_attempts (visit_id, at, actor, outcome, detail)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![c.id, c.updated_at, c.actor, c.outcome, c.detail],
    )?;
    tx.commit()?;
    Ok(true)
}

pub fn coverage(conn: &Connection, f: &CoverageFilter) -> Result<Vec<CoverageRow>, StoreError> {
    let dealers = f.dealers.as_ref().map(serde_json::to_string).transpose()?;
    let mut stmt = conn.prepare_cached(
        "SELECT v.dealer, v.advisor, COUNT(*),
                SUM(v.invited_at IS NOT NULL),
                SUM(EXISTS (SELECT 1 FROM responses r
                            WHERE r.dealer = v.dealer AND r.ctx_repair_order = v.repair_order)),
                SUM(v.attempts > 0)
         FROM visits v
         WHERE (?1 IS NULL OR v.dealer IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR v.dealer = ?2)
           AND (?3 IS NULL OR v.advisor = ?3)
           AND (?4 IS NULL OR v.pickup_date >= ?4)
           AND (?5 IS NULL OR v.pickup_date <= ?5)
         GROUP BY v.dealer, v.advisor
         ORDER BY v.dealer, v.advisor",
    )?;
    let rows = stmt.query_map(params![dealers, f.dealer, f.advisor, f.from, f.to], |r| {
        Ok(CoverageRow {
            dealer: r.get(0)?,
            advisor: r.get(1)?,
            visits: r.get(2)?,
            invited: r.get(3)?,
            responded: r.get(4)?,
            called: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Removes the phone number of every visit known before its dealer's retention cutoff
/// (`plan`), in the database: one UPDATE per dealer with its own period and one for the
/// rest, so the hourly purge never reads the call list into the server.
pub fn purge_phones(conn: &mut Connection, plan: &super::PurgePlan) -> Result<u64, StoreError> {
    let tx = conn.transaction()?;
    let mut n = 0;
    for (dealer, cutoff) in &plan.dealers {
        n += tx
            .prepare_cached(
                "UPDATE visits SET phone = NULL
                 WHERE dealer = ?1 AND created_at < ?2 AND phone IS NOT NULL",
            )?
            .execute(params![dealer, cutoff])? as u64;
    }
    n += tx
        .prepare_cached(
            "UPDATE visits SET phone = NULL
             WHERE created_at < ?1 AND phone IS NOT NULL
               AND dealer NOT IN (SELECT dealer FROM dealer_privacy)",
        )?
        .execute(params![plan.default_cutoff])? as u64;
    tx.commit()?;
    Ok(n)
}
