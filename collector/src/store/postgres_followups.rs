//! PostgreSQL statements for visits and follow-up calls ([`super::followups`]).

use super::followups::{
    Added, CoverageFilter, CoverageRow, FollowUpChange, FollowUpFilter, NewVisit, VisitRow,
};
use super::postgres::pg_err;
use super::StoreError;
use tokio_postgres::{Client, Row as PgRow};

const VISIT_COLUMNS: &str = "seq, id, dealer, repair_order, advisor, phone, pickup_date,
    invited_at, imported_at, status, version, state";

fn visit_of(r: &PgRow) -> VisitRow {
    VisitRow {
        seq: r.get(0),
        id: r.get(1),
        dealer: r.get(2),
        repair_order: r.get(3),
        advisor: r.get(4),
        phone: r.get(5),
        pickup_date: r.get(6),
        invited_at: r.get(7),
        imported_at: r.get(8),
        status: r.get(9),
        version: r.get(10),
        state: r.get(11),
    }
}

/// Adds `visits` in one transaction (see the module docs of [`super::followups`]).
pub async fn add(client: &mut Client, visits: &[NewVisit]) -> Result<Added, StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    let insert = tx
        .prepare(
            "INSERT INTO visits (id, dealer, repair_order, advisor, phone, pickup_date,
                                 imported_at, invited_at, created_at, status, due_on, due_at,
                                 overdue_at, updated_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $9, $14)
             ON CONFLICT (dealer, repair_order) DO NOTHING",
        )
        .await
        .map_err(pg_err)?;
    let merge = tx
        .prepare(
            "UPDATE visits SET advisor = COALESCE(advisor, $3), phone = COALESCE(phone, $4),
                               imported_at = COALESCE(imported_at, $5),
                               invited_at = COALESCE(invited_at, $6)
             WHERE dealer = $1 AND repair_order = $2",
        )
        .await
        .map_err(pg_err)?;
    let mut added = Added::default();
    for v in visits {
        let n = tx
            .execute(
                &insert,
                &[
                    &v.id,
                    &v.dealer,
                    &v.repair_order,
                    &v.advisor,
                    &v.phone,
                    &v.pickup_date,
                    &v.imported_at,
                    &v.invited_at,
                    &v.created_at,
                    &v.status,
                    &v.due_on,
                    &v.due_at,
                    &v.overdue_at,
                    &v.state,
                ],
            )
            .await
            .map_err(pg_err)?;
        if n == 1 {
            added.new += 1;
        } else {
            tx.execute(
                &merge,
                &[
                    &v.dealer,
                    &v.repair_order,
                    &v.advisor,
                    &v.phone,
                    &v.imported_at,
                    &v.invited_at,
                ],
            )
            .await
            .map_err(pg_err)?;
            added.known += 1;
        }
    }
    tx.commit().await.map_err(pg_err)?;
    Ok(added)
}

/// The open follow-ups a [`FollowUpFilter`] picks (its parameters `$1`–`$5`): one
/// WHERE for the list and its count.
const OPEN_WHERE: &str = "WHERE status IN ('due', 'retry')
                   AND ($1::text[] IS NULL OR dealer = ANY($1))
                   AND ($2::text IS NULL OR dealer = $2)
                   AND ($3::text IS NULL OR due_at < $3)
                   AND ($4::text IS NULL OR overdue_at <= $4)
                   AND ($5::text IS NULL OR overdue_at > $5)";

pub async fn list(client: &Client, f: &FollowUpFilter) -> Result<Vec<VisitRow>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT {VISIT_COLUMNS} FROM visits {OPEN_WHERE} ORDER BY due_at, seq LIMIT $6"
            ),
            &[
                &f.dealers,
                &f.dealer,
                &f.due_before,
                &f.overdue_at,
                &f.overdue_after,
                &i64::from(f.limit),
            ],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows.iter().map(visit_of).collect())
}

/// How many open follow-ups `f` picks (no limit).
pub async fn count(client: &Client, f: &FollowUpFilter) -> Result<u64, StoreError> {
    let row = client
        .query_one(
            &format!("SELECT COUNT(*) FROM visits {OPEN_WHERE}"),
            &[
                &f.dealers,
                &f.dealer,
                &f.due_before,
                &f.overdue_at,
                &f.overdue_after,
            ],
        )
        .await
        .map_err(pg_err)?;
    let n: i64 = row.try_get(0).map_err(pg_err)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub async fn get(client: &Client, id: &str) -> Result<Option<VisitRow>, StoreError> {
    let row = client
        .query_opt(
            &format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = $1"),
            &[&id],
        )
        .await
        .map_err(pg_err)?;
    Ok(row.as_ref().map(visit_of))
}

pub async fn change(client: &mut Client, c: &FollowUpChange) -> Result<bool, StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    let updated = tx
        .execute(
            "UPDATE visits SET status = $3, due_on = $4, due_at = $5, overdue_at = $6,
                               attempts = $7, updated_at = $8, state = $9, version = version + 1
             WHERE id = $1 AND version = $2",
            &[
                &c.id,
                &c.expected_version,
                &c.status,
                &c.due_on,
                &c.due_at,
                &c.overdue_at,
                &c.attempts,
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
        "INSERT INTO followup_attempts (visit_id, at, actor, outcome, detail)
         VALUES ($1, $2, $3, $4, $5)",
        &[&c.id, &c.updated_at, &c.actor, &c.outcome, &c.detail],
    )
    .await
    .map_err(pg_err)?;
    tx.commit().await.map_err(pg_err)?;
    Ok(true)
}

pub async fn coverage(client: &Client, f: &CoverageFilter) -> Result<Vec<CoverageRow>, StoreError> {
    let rows = client
        .query(
            "SELECT v.dealer, v.advisor, COUNT(*)::bigint,
                    COUNT(v.invited_at)::bigint,
                    COUNT(*) FILTER (WHERE EXISTS (
                        SELECT 1 FROM responses r
                        WHERE r.dealer = v.dealer
                          AND ((r.context::jsonb ->> 'repair_order') COLLATE \"C\") = v.repair_order))::bigint,
                    COUNT(*) FILTER (WHERE v.attempts > 0)::bigint
             FROM visits v
             WHERE ($1::text[] IS NULL OR v.dealer = ANY($1))
               AND ($2::text IS NULL OR v.dealer = $2)
               AND ($3::text IS NULL OR v.advisor = $3)
               AND ($4::text IS NULL OR v.pickup_date >= $4)
               AND ($5::text IS NULL OR v.pickup_date <= $5)
             GROUP BY v.dealer, v.advisor
             ORDER BY v.dealer, v.advisor",
            &[&f.dealers, &f.dealer, &f.advisor, &f.from, &f.to],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows
        .iter()
        .map(|r| CoverageRow {
            dealer: r.get(0),
            advisor: r.get(1),
            visits: r.get(2),
            invited: r.get(3),
            responded: r.get(4),
            called: r.get(5),
        })
        .collect())
}

/// Removes the phone number of every visit known before its dealer's retention cutoff
/// (`plan`), in the database (the SQLite twin says why).
pub async fn purge_phones(client: &mut Client, plan: &super::PurgePlan) -> Result<u64, StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    let mut n = 0;
    for (dealer, cutoff) in &plan.dealers {
        n += tx
            .execute(
                "UPDATE visits SET phone = NULL
                 WHERE dealer = $1 AND created_at < $2 AND phone IS NOT NULL",
                &[dealer, cutoff],
            )
            .await
            .map_err(pg_err)?;
    }
    n += tx
        .execute(
            "UPDATE visits SET phone = NULL
             WHERE created_at < $1 AND phone IS NOT NULL
               AND dealer NOT IN (SELECT dealer FROM dealer_privacy)",
            &[&plan.default_cutoff],
        )
        .await
        .map_err(pg_err)?;
    tx.commit().await.map_err(pg_err)?;
    Ok(n)
}
