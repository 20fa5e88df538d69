//! What the store keeps for webhooks ([`crate::notify`]): each dealer's address and the
//! outbox of notifications still to post.
//!
//! ## Queueing
//! A trigger on `case_events` (migration 0008) inserts `<case id>:open` or
//! `<case id>:escalate` into `webhook_outbox` in the transaction that records the event,
//! when the case's dealer has a webhook. So a notification exists exactly when its event
//! was committed, and at most once (the key is the primary key).
//!
//! ## Delivery
//! ```text
//! due (delivered_at NULL, next_at ≤ now) ─▶ POST ─2xx─▶ delivered_at = now
//!                                              └─else─▶ attempts + 1, next_at = now + backoff, last_error
//! ```
//! A notification is never dropped: it is retried, the backoff capped, until the
//! receiver takes it. One whose dealer's webhook was removed waits (it is not joined).

use super::postgres::pg_err;
use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension};

/// A dealer's webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub dealer: String,
    pub url: String,
    /// `plain`, `wecom` or `dingtalk` (see [`crate::notify`]).
    pub format: String,
    pub updated_at: String,
}

/// One queued notification, with what posting it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// `<case id>:<event>`: the receiver's idempotency key.
    pub key: String,
    pub case_id: String,
    /// `open` or `escalate`.
    pub event: String,
    pub dealer: String,
    /// When the event happened.
    pub created_at: String,
    pub attempts: i64,
    pub url: String,
    pub format: String,
    /// The case's due time (RFC 3339 UTC).
    pub due_at: String,
}

/// What one attempt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Delivered { at: String },
    Failed { next_at: String, error: String },
}

const DUE: &str = "SELECT o.key, o.case_id, o.event, o.dealer, o.created_at, o.attempts, w.url, w.format, c.due_at
    FROM webhook_outbox o JOIN dealer_webhooks w ON w.dealer = o.dealer JOIN cases c ON c.id = o.case_id
    WHERE o.delivered_at IS NULL AND o.next_at <= ";

pub fn sqlite_get(c: &Connection, dealer: &str) -> Result<Option<Webhook>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT dealer, url, format, updated_at FROM dealer_webhooks WHERE dealer = ?1",
    )?;
    Ok(stmt
        .query_row(params![dealer], |r| {
            Ok(Webhook {
                dealer: r.get(0)?,
                url: r.get(1)?,
                format: r.get(2)?,
                updated_at: r.get(3)?,
            })
        })
        .optional()?)
}

pub fn sqlite_set(
    c: &Connection,
    dealer: &str,
    hook: Option<(&str, &str)>,
    at: &str,
) -> Result<(), StoreError> {
    match hook {
        Some((url, format)) => c.execute(
            "INSERT INTO dealer_webhooks (dealer, url, format, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (dealer) DO UPDATE SET url = excluded.url, format = excluded.format,
             updated_at = excluded.updated_at",
            params![dealer, url, format, at],
        )?,
        None => c.execute(
            "DELETE FROM dealer_webhooks WHERE dealer = ?1",
            params![dealer],
        )?,
    };
    Ok(())
}

pub fn sqlite_due(c: &Connection, now: &str, limit: u32) -> Result<Vec<Delivery>, StoreError> {
    let mut stmt = c.prepare_cached(&format!("{DUE} ?1 ORDER BY o.next_at LIMIT ?2"))?;
    let rows = stmt.query_map(params![now, limit], |r| {
        Ok(Delivery {
            key: r.get(0)?,
            case_id: r.get(1)?,
            event: r.get(2)?,
            dealer: r.get(3)?,
            created_at: r.get(4)?,
            attempts: r.get(5)?,
            url: r.get(6)?,
            format: r.get(7)?,
            due_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn sqlite_record(c: &Connection, key: &str, attempt: &Attempt) -> Result<(), StoreError> {
    match attempt {
        Attempt::Delivered { at } => c.execute(
            "UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = ?2, last_error = NULL
             WHERE key = ?1 AND delivered_at IS NULL",
            params![key, at],
        )?,
        Attempt::Failed { next_at, error } => c.execute(
            "UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ?2, last_error = ?3
             WHERE key = ?1 AND delivered_at IS NULL",
            params![key, next_at, error],
        )?,
    };
    Ok(())
}

pub async fn pg_get(
    c: &tokio_postgres::Client,
    dealer: &str,
) -> Result<Option<Webhook>, StoreError> {
    let row = c
        .query_opt(
            "SELECT dealer, url, format, updated_at FROM dealer_webhooks WHERE dealer = $1",
            &[&dealer],
        )
        .await
        .map_err(pg_err)?;
    Ok(row.map(|r| Webhook {
        dealer: r.get(0),
        url: r.get(1),
        format: r.get(2),
        updated_at: r.get(3),
    }))
}

pub async fn pg_set(
    c: &tokio_postgres::Client,
    dealer: &str,
    hook: Option<(&str, &str)>,
    at: &str,
) -> Result<(), StoreError> {
    match hook {
        Some((url, format)) => c
            .execute(
                "INSERT INTO dealer_webhooks (dealer, url, format, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (dealer) DO UPDATE SET url = excluded.url, format = excluded.format,
                 updated_at = excluded.updated_at",
                &[&dealer, &url, &format, &at],
            )
            .await
            .map_err(pg_err)?,
        None => c
            .execute("DELETE FROM dealer_webhooks WHERE dealer = $1", &[&dealer])
            .await
            .map_err(pg_err)?,
    };
    Ok(())
}

pub async fn pg_due(
    c: &tokio_postgres::Client,
    now: &str,
    limit: u32,
) -> Result<Vec<Delivery>, StoreError> {
    let rows = c
        .query(
            &format!("{DUE} $1 ORDER BY o.next_at LIMIT $2"),
            &[&now, &i64::from(limit)],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows
        .iter()
        .map(|r| Delivery {
            key: r.get(0),
            case_id: r.get(1),
            event: r.get(2),
            dealer: r.get(3),
            created_at: r.get(4),
            attempts: i64::from(r.get::<_, i32>(5)),
            url: r.get(6),
            format: r.get(7),
            due_at: r.get(8),
        })
        .collect())
}

pub async fn pg_record(
    c: &tokio_postgres::Client,
    key: &str,
    attempt: &Attempt,
) -> Result<(), StoreError> {
    match attempt {
        Attempt::Delivered { at } => c
            .execute(
                "UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = $2, last_error = NULL
                 WHERE key = $1 AND delivered_at IS NULL",
                &[&key, &at],
            )
            .await
            .map_err(pg_err)?,
        Attempt::Failed { next_at, error } => c
            .execute(
                "UPDATE webhook_outbox SET attempts = attempts + 1, next_at = $2, last_error = $3
                 WHERE key = $1 AND delivered_at IS NULL",
                &[&key, &next_at, &error],
            )
            .await
            .map_err(pg_err)?,
    };
    Ok(())
}
