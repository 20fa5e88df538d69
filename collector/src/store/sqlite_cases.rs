//! SQLite statements for hot-alert cases ([`super::cases`]); called by
//! [`super::sqlite::SqliteStore`] on its connections.

use super::cases::{CaseChange, CaseEvent, CaseFilter, CaseRow, NewCase, OwnerFilter, SolveLink};
use super::sqlite::{row_of, ROW_COLUMNS};
use super::{PageRequest, Row, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

const CASE_COLUMNS: &str = "c.seq, c.id, c.response_id, c.dealer, c.owner, u.login, c.status,
    c.due_at, c.escalated_at, c.updated_at, c.version, c.state";

fn case_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        seq: r.get(0)?,
        id: r.get(1)?,
        response_id: r.get(2)?,
        dealer: r.get(3)?,
        owner: r.get(4)?,
        owner_login: r.get(5)?,
        status: r.get(6)?,
        due_at: r.get(7)?,
        escalated_at: r.get(8)?,
        updated_at: r.get(9)?,
        version: r.get(10)?,
        state: r.get(11)?,
    })
}

/// Inserts a case and its `open` event (inside the response's transaction).
pub fn open(tx: &Transaction<'_>, response_id: &str, case: &NewCase) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO cases (id, response_id, dealer, owner, status, created_at, due_at,
                            updated_at, state)
         VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?5, ?7)",
        params![
            case.id,
            response_id,
            case.dealer,
            case.owner,
            case.created_at,
            case.due_at,
            case.state
        ],
    )?;
    tx.execute(
        "INSERT INTO case_events (case_id, at, actor, action, detail)
         VALUES (?1, ?2, 'system', 'open', ?3)",
        params![case.id, case.created_at, case.detail],
    )?;
    Ok(())
}

pub fn list(
    conn: &Connection,
    f: &CaseFilter,
    page: PageRequest,
) -> Result<Vec<CaseRow>, StoreError> {
    let dealers = f.dealers.as_ref().map(serde_json::to_string).transpose()?;
    let (owner_nobody, owner) = match &f.owner {
        None => (false, None),
        Some(OwnerFilter::Nobody) => (true, None),
        Some(OwnerFilter::User(id)) => (false, Some(id.clone())),
    };
    let (overdue, now) = match &f.overdue {
        None => (None, None),
        Some((want, now)) => (Some(*want), Some(now.clone())),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CASE_COLUMNS} FROM cases c LEFT JOIN users u ON u.id = c.owner
         WHERE (?1 IS NULL OR c.dealer IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR c.dealer = ?2)
           AND (?3 IS NULL OR c.status = ?3)
           AND (?4 = 0 OR c.owner IS NULL)
           AND (?5 IS NULL OR c.owner = ?5)
           AND (?6 IS NULL OR ?6 = (c.contacted_at IS NULL
                                    AND c.status IN ('open', 'unreachable')
                                    AND c.due_at <= ?7))
           AND (?8 IS NULL OR ?8 = (c.escalated_at IS NOT NULL))
           AND (?9 IS NULL OR c.seq > ?9)
         ORDER BY c.seq LIMIT ?10"
    ))?;
    let rows = stmt.query_map(
        params![
            dealers,
            f.dealer,
            f.status,
            owner_nobody,
            owner,
            overdue,
            now,
            f.escalated,
            page.after,
            page.limit
        ],
        case_of,
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<CaseRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CASE_COLUMNS} FROM cases c LEFT JOIN users u ON u.id = c.owner WHERE c.id = ?1"
    ))?;
    Ok(stmt.query_row(params![id], case_of).optional()?)
}

pub fn events(conn: &Connection, id: &str) -> Result<Vec<CaseEvent>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.at, e.actor, e.action, e.detail, u.login FROM case_events e
         LEFT JOIN users u ON e.actor = 'user:' || u.id WHERE e.case_id = ?1 ORDER BY e.seq",
    )?;
    let rows = stmt.query_map(params![id], |r| {
        Ok(CaseEvent {
            at: r.get(0)?,
            actor: r.get(1)?,
            action: r.get(2)?,
            detail: r.get(3)?,
            actor_login: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn response(conn: &Connection, id: &str) -> Result<Option<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM responses WHERE id = ?1"
    ))?;
    Ok(stmt.query_row(params![id], row_of).optional()?)
}

pub fn change(conn: &mut Connection, c: &CaseChange) -> Result<bool, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let updated = tx.execute(
        "UPDATE cases SET owner = ?3, status = ?4, contacted_at = ?5, escalated_at = ?6,
                          closed_at = ?7, updated_at = ?8, state = ?9, version = version + 1
         WHERE id = ?1 AND version = ?2",
        params![
            c.id,
            c.expected_version,
            c.owner,
            c.status,
            c.contacted_at,
            c.escalated_at,
            c.closed_at,
            c.updated_at,
            c.state
        ],
    )?;
    if updated != 1 {
        return Ok(false); // the transaction rolls back on drop; nothing was written
    }
    tx.execute(
        "INSERT INTO case_events (case_id, at, actor, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            c.id,
            c.event.at,
            c.event.actor,
            c.event.action,
            c.event.detail
        ],
    )?;
    tx.commit()?;
    Ok(true)
}

pub fn to_escalate(conn: &Connection, now: &str, limit: u32) -> Result<Vec<CaseRow>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CASE_COLUMNS} FROM cases c LEFT JOIN users u ON u.id = c.owner
         WHERE c.escalated_at IS NULL AND c.status IN ('open', 'unreachable')
           AND c.contacted_at IS NULL AND c.due_at <= ?1
         ORDER BY c.due_at LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![now, limit], case_of)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn owner(conn: &Connection, dealer: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT owner FROM case_owners WHERE dealer = ?1",
            params![dealer],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn set_owner(
    conn: &Connection,
    dealer: &str,
    owner: Option<&str>,
    at: &str,
) -> Result<(), StoreError> {
    match owner {
        Some(o) => conn.execute(
            "INSERT INTO case_owners (dealer, owner, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (dealer) DO UPDATE SET owner = ?2, updated_at = ?3",
            params![dealer, o, at],
        )?,
        None => conn.execute("DELETE FROM case_owners WHERE dealer = ?1", params![dealer])?,
    };
    Ok(())
}

pub fn solve_link(conn: &Connection, case_id: &str) -> Result<Option<SolveLink>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, url, expires_at, created_by, created_at FROM case_solve_links
         WHERE case_id = ?1",
    )?;
    Ok(stmt
        .query_row(params![case_id], |r| {
            Ok(SolveLink {
                case_id: r.get(0)?,
                url: r.get(1)?,
                expires_at: r.get(2)?,
                created_by: r.get(3)?,
                created_at: r.get(4)?,
            })
        })
        .optional()?)
}

/// Stores `link` unless the case has one; whether it was stored.
pub fn add_solve_link(conn: &Connection, link: &SolveLink) -> Result<bool, StoreError> {
    let n = conn.execute(
        "INSERT INTO case_solve_links (case_id, url, expires_at, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (case_id) DO NOTHING",
        params![
            link.case_id,
            link.url,
            link.expires_at,
            link.created_by,
            link.created_at
        ],
    )?;
    Ok(n == 1)
}

/// The verified response of `survey` whose link token is `token`.
pub fn by_token(conn: &Connection, survey: &str, token: &str) -> Result<Option<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ROW_COLUMNS} FROM responses
         WHERE survey_id = ?1 AND token = ?2 AND verified = 1"
    ))?;
    Ok(stmt.query_row(params![survey, token], row_of).optional()?)
}
