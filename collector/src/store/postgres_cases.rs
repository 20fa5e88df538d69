//! PostgreSQL statements for hot-alert cases ([`super::cases`]); called by
//! [`super::postgres::PgStore`] with a pooled connection.

use super::cases::{CaseChange, CaseEvent, CaseFilter, CaseRow, NewCase, OwnerFilter, SolveLink};
use super::postgres::{pg_err, row_of, ROW_COLUMNS};
use super::{PageRequest, Row, StoreError};
use tokio_postgres::{Client, GenericClient, Row as PgRow};

const CASE_COLUMNS: &str = "c.seq, c.id, c.response_id, c.dealer, c.owner, u.login, c.status,
    c.due_at, c.escalated_at, c.updated_at, c.version, c.state";

fn case_of(r: &PgRow) -> CaseRow {
    CaseRow {
        seq: r.get(0),
        id: r.get(1),
        response_id: r.get(2),
        dealer: r.get(3),
        owner: r.get(4),
        owner_login: r.get(5),
        status: r.get(6),
        due_at: r.get(7),
        escalated_at: r.get(8),
        updated_at: r.get(9),
        version: r.get(10),
        state: r.get(11),
    }
}

/// Inserts a case and its `open` event (inside the response's transaction).
pub async fn open(
    tx: &impl GenericClient,
    response_id: &str,
    case: &NewCase,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO cases (id, response_id, dealer, owner, status, created_at, due_at,
                            updated_at, state)
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $5, $7)",
        &[
            &case.id,
            &response_id,
            &case.dealer,
            &case.owner,
            &case.created_at,
            &case.due_at,
            &case.state,
        ],
    )
    .await
    .map_err(pg_err)?;
    tx.execute(
        "INSERT INTO case_events (case_id, at, actor, action, detail)
         VALUES ($1, $2, 'system', 'open', $3)",
        &[&case.id, &case.created_at, &case.detail],
    )
    .await
    .map_err(pg_err)?;
    Ok(())
}

pub async fn list(
    client: &Client,
    f: &CaseFilter,
    page: PageRequest,
) -> Result<Vec<CaseRow>, StoreError> {
    let (owner_nobody, owner) = match &f.owner {
        None => (false, None),
        Some(OwnerFilter::Nobody) => (true, None),
        Some(OwnerFilter::User(id)) => (false, Some(id.clone())),
    };
    let (overdue, now) = match &f.overdue {
        None => (None, None),
        Some((want, now)) => (Some(*want), Some(now.clone())),
    };
    let rows = client
        .query(
            &format!(
                "SELECT {CASE_COLUMNS} FROM cases c LEFT JOIN users u ON u.id = c.owner
                 WHERE ($1::text[] IS NULL OR c.dealer = ANY($1))
                   AND ($2::text IS NULL OR c.dealer = $2)
                   AND ($3::text IS NULL OR c.status = $3)
                   AND (NOT $4::bool OR c.owner IS NULL)
                   AND ($5::text IS NULL OR c.owner = $5)
                   AND ($6::bool IS NULL OR $6 = (c.contacted_at IS NULL
                                                  AND c.status IN ('open', 'unreachable')
                                                  AND c.due_at <= $7::text))
                   AND ($8::bool IS NULL OR $8 = (c.escalated_at IS NOT NULL))
                   AND ($9::bigint IS NULL OR c.seq > $9)
                 ORDER BY c.seq LIMIT $10"
            ),
            &[
                &f.dealers,
                &f.dealer,
                &f.status,
                &owner_nobody,
                &owner,
                &overdue,
                &now,
                &f.escalated,
                &page.after,
                &i64::from(page.limit),
            ],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows.iter().map(case_of).collect())
}

pub async fn get(client: &Client, id: &str) -> Result<Option<CaseRow>, StoreError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {CASE_COLUMNS} FROM cases c LEFT JOIN users u ON u.id = c.owner
                 WHERE c.id = $1"
            ),
            &[&id],
        )
        .await
        .map_err(pg_err)?;
    Ok(row.as_ref().map(case_of))
}

pub async fn events(client: &Client, id: &str) -> Result<Vec<CaseEvent>, StoreError> {
    let rows = client
        .query(
            "SELECT e.at, e.actor, e.action, e.detail, u.login FROM case_events e
             LEFT JOIN users u ON e.actor = 'user:' || u.id WHERE e.case_id = $1 ORDER BY e.seq",
            &[&id],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows
        .iter()
        .map(|r| CaseEvent {
            at: r.get(0),
            actor: r.get(1),
            action: r.get(2),
            detail: r.get(3),
            actor_login: r.get(4),
        })
        .collect())
}

pub async fn response(client: &Client, id: &str) -> Result<Option<Row>, StoreError> {
    let row = client
        .query_opt(
            &format!("SELECT {ROW_COLUMNS} FROM responses WHERE id = $1"),
            &[&id],
        )
        .await
        .map_err(pg_err)?;
    Ok(row.as_ref().map(row_of))
}

pub async fn change(client: &mut Client, c: &CaseChange) -> Result<bool, StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    let updated = tx
        .execute(
            "UPDATE cases SET owner = $3, status = $4, contacted_at = $5, escalated_at = $6,
                              closed_at = $7, updated_at = $8, state = $9, version = version + 1
             WHERE id = $1 AND version = $2",
            &[
                &c.id,
                &c.expected_version,
                &c.owner,
                &c.status,
                &c.contacted_at,
                &c.escalated_at,
                &c.closed_at,
                &c.updated_at,
                &c.state,
            ],
        )
        .await
        .map_err(pg_err)?;
    if updated != 1 {
        return Ok(false); // rolled back on drop; nothing was written
    }
    tx.execute(
        "INSERT INTO case_events (case_id, at, actor, action, detail)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &c.id,
            &c.event.at,
            &c.event.actor,
            &c.event.action,
            &c.event.detail,
        ],
    )
    .await
    .map_err(pg_err)?;
    tx.commit().await.map_err(pg_err)?;
    Ok(true)
}

pub async fn to_escalate(
    client: &Client,
    now: &str,
    limit: u32,
) -> Result<Vec<CaseRow>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT {CASE_COLUMNS} FROM cases c LEFT JOIN users u ON u.id = c.owner
                 WHERE c.escalated_at IS NULL AND c.status IN ('open', 'unreachable')
                   AND c.contacted_at IS NULL AND c.due_at <= $1
                 ORDER BY c.due_at LIMIT $2"
            ),
            &[&now, &i64::from(limit)],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows.iter().map(case_of).collect())
}

pub async fn owner(client: &Client, dealer: &str) -> Result<Option<String>, StoreError> {
    let row = client
        .query_opt(
            "SELECT owner FROM case_owners WHERE dealer = $1",
            &[&dealer],
        )
        .await
        .map_err(pg_err)?;
    Ok(row.map(|r| r.get(0)))
}

pub async fn set_owner(
    client: &Client,
    dealer: &str,
    owner: Option<&str>,
    at: &str,
) -> Result<(), StoreError> {
    match owner {
        Some(o) => {
            client
                .execute(
                    "INSERT INTO case_owners (dealer, owner, updated_at) VALUES ($1, $2, $3)
                     ON CONFLICT (dealer) DO UPDATE SET owner = $2, updated_at = $3",
                    &[&dealer, &o, &at],
                )
                .await
        }
        None => {
            client
                .execute("DELETE FROM case_owners WHERE dealer = $1", &[&dealer])
                .await
        }
    }
    .map_err(pg_err)?;
    Ok(())
}

pub async fn solve_link(client: &Client, case_id: &str) -> Result<Option<SolveLink>, StoreError> {
    let row = client
        .query_opt(
            "SELECT case_id, url, expires_at, created_by, created_at FROM case_solve_links
             WHERE case_id = $1",
            &[&case_id],
        )
        .await
        .map_err(pg_err)?;
    Ok(row.map(|r| SolveLink {
        case_id: r.get(0),
        url: r.get(1),
        expires_at: r.get(2),
        created_by: r.get(3),
        created_at: r.get(4),
    }))
}

/// Stores `link` unless the case has one; whether it was stored.
pub async fn add_solve_link(client: &Client, link: &SolveLink) -> Result<bool, StoreError> {
    let n = client
        .execute(
            "INSERT INTO case_solve_links (case_id, url, expires_at, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (case_id) DO NOTHING",
            &[
                &link.case_id,
                &link.url,
                &link.expires_at,
                &link.created_by,
                &link.created_at,
            ],
        )
        .await
        .map_err(pg_err)?;
    Ok(n == 1)
}

/// The verified response of `survey` whose link token is `token`.
pub async fn by_token(
    client: &Client,
    survey: &str,
    token: &str,
) -> Result<Option<Row>, StoreError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {ROW_COLUMNS} FROM responses
                 WHERE survey_id = $1 AND token = $2 AND verified"
            ),
            &[&survey, &token],
        )
        .await
        .map_err(pg_err)?;
    Ok(row.as_ref().map(row_of))
}
