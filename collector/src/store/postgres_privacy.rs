//! PostgreSQL statements for retention, deletion on request and the audit log; called
//! by [`super::postgres::PgStore`] with a pooled connection.

use super::postgres::pg_err;
use super::privacy::{self, AuditEntry, AuditRecord, PurgePlan, PurgeRow};
use super::{PageRequest, StoreError};
use tokio_postgres::{Client, GenericClient};

pub async fn retention(client: &Client) -> Result<Vec<(String, u32)>, StoreError> {
    let rows = client
        .query(
            "SELECT dealer, retention_days FROM dealer_privacy ORDER BY dealer",
            &[],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows
        .iter()
        .map(|r| {
            let days: i32 = r.get(1);
            (r.get(0), u32::try_from(days).unwrap_or(1))
        })
        .collect())
}

pub async fn set_retention(
    client: &Client,
    dealer: &str,
    days: Option<u32>,
    at: &str,
) -> Result<(), StoreError> {
    match days {
        Some(days) => {
            let days = i32::try_from(days)
                .map_err(|_| StoreError::Failed("retention period out of range".into()))?;
            client
                .execute(
                    "INSERT INTO dealer_privacy (dealer, retention_days, updated_at)
                     VALUES ($1, $2, $3)
                     ON CONFLICT (dealer) DO UPDATE SET retention_days = $2, updated_at = $3",
                    &[&dealer, &days, &at],
                )
                .await
        }
        None => {
            client
                .execute("DELETE FROM dealer_privacy WHERE dealer = $1", &[&dealer])
                .await
        }
    }
    .map_err(pg_err)?;
    Ok(())
}

/// Clears up to `limit` rows past their cutoff in one transaction; rows another
/// collector is clearing at the same time are skipped, not waited for.
pub async fn purge_batch(
    client: &mut Client,
    plan: &PurgePlan,
    at: &str,
    limit: u32,
) -> Result<u64, StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    let mut due: Vec<PurgeRow> = Vec::new();
    for (dealer, cutoff) in &plan.dealers {
        let left = i64::from(limit) - due.len() as i64;
        if left <= 0 {
            break;
        }
        let rows = tx
            .query(
                "SELECT seq, answers, payload FROM responses
                 WHERE personal_purged_at IS NULL AND dealer = $1 AND received_at < $2
                 ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED",
                &[dealer, cutoff, &left],
            )
            .await
            .map_err(pg_err)?;
        due.extend(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))));
    }
    let left = i64::from(limit) - due.len() as i64;
    if left > 0 {
        let rows = tx
            .query(
                "SELECT seq, answers, payload FROM responses
                 WHERE personal_purged_at IS NULL AND received_at < $1
                   AND (dealer IS NULL OR dealer NOT IN (SELECT dealer FROM dealer_privacy))
                 ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED",
                &[&plan.default_cutoff, &left],
            )
            .await
            .map_err(pg_err)?;
        due.extend(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))));
    }
    for (seq, answers, payload) in &due {
        let (answers, payload) = privacy::scrubbed(answers, payload);
        tx.execute(
            "UPDATE responses SET answers = $2, payload = $3, personal_purged_at = $4
             WHERE seq = $1",
            &[seq, &answers, &payload, &at],
        )
        .await
        .map_err(pg_err)?;
    }
    tx.commit().await.map_err(pg_err)?;
    Ok(due.len() as u64)
}

/// Rows after `after` whose answers may hold a phone number: `(seq, id, answers)`.
pub async fn phone_candidates(
    client: &Client,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let rows = client
        .query(
            "SELECT seq, id, answers FROM responses
             WHERE seq > $1 AND strpos(answers, '\"phone\"') > 0 ORDER BY seq LIMIT $2",
            &[&after.unwrap_or(-1), &i64::from(limit)],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}

/// Deletes the responses `ids` and writes `entry` (with the count) in one transaction.
pub async fn forget(
    client: &mut Client,
    ids: &[String],
    entry: &AuditEntry,
) -> Result<u64, StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    let deleted = tx
        .execute("DELETE FROM responses WHERE id = ANY($1)", &[&ids])
        .await
        .map_err(pg_err)?;
    // Its VOC marks go with it (crate::voc).
    tx.execute(
        "DELETE FROM response_marks WHERE response = ANY($1)",
        &[&ids],
    )
    .await
    .map_err(pg_err)?;
    let entry = AuditEntry {
        rows: i64::try_from(deleted).ok(),
        ..entry.clone()
    };
    insert_audit(&tx, &entry).await?;
    tx.commit().await.map_err(pg_err)?;
    Ok(deleted)
}

pub async fn record_audit(client: &mut Client, entries: &[AuditEntry]) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    for e in entries {
        insert_audit(&tx, e).await?;
    }
    tx.commit().await.map_err(pg_err)
}

async fn insert_audit(client: &impl GenericClient, e: &AuditEntry) -> Result<(), StoreError> {
    client
        .execute(
            "INSERT INTO audit (at, actor, action, route, filter_text, row_count)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&e.at, &e.actor, &e.action, &e.route, &e.filter, &e.rows],
        )
        .await
        .map_err(pg_err)?;
    Ok(())
}

pub async fn audit(client: &Client, page: PageRequest) -> Result<Vec<AuditRecord>, StoreError> {
    let rows = client
        .query(
            "SELECT seq, at, actor, action, route, filter_text, row_count FROM audit
             WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&page.after.unwrap_or(-1), &i64::from(page.limit)],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows
        .iter()
        .map(|r| AuditRecord {
            seq: r.get(0),
            entry: AuditEntry {
                at: r.get(1),
                actor: r.get(2),
                action: r.get(3),
                route: r.get(4),
                filter: r.get(5),
                rows: r.get(6),
            },
        })
        .collect())
}
