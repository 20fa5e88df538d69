//! Customers' personal data over time: retention, deletion on request, and the audit
//! log of who read it (China's PIPL: purpose, retention, deletion on request).
//!
//! ## What is personal, what stays
//! Personal: the phone and e-mail of a contact-me answer, and free text (comments),
//! which customers fill with names, plates and phone numbers. Scores, alerts, the
//! server's card and the visit context (dealer, advisor, repair order) stay, so
//! reports over past months do not change when their comments go.
//!
//! ## Retention
//! Each dealer has a retention period (`dealer_privacy`, set with `collector retention`;
//! [`DEFAULT_RETENTION_DAYS`] or `--retention-days` without one). A response received
//! more than that many days before "now" loses its personal data: phone and e-mail
//! are removed from contact answers (the consent stays: "asked to be called" still
//! counts), text answers become empty, in `answers` and in the stored `payload` alike,
//! and `personal_purged_at` records when. The serve process purges at start and every
//! [`PURGE_EVERY`]; `collector purge` does it at once. Each run that cleared anything
//! writes one `purge` line to the audit log.
//!
//! ```text
//! now ──plan()──▶ cutoff per dealer (now − its days), cutoff for the rest (now − default)
//!      ──store.purge_batch()──▶ ≤ BATCH rows with received_at < their cutoff and not yet
//!                               purged: scrub() answers and payload, set personal_purged_at
//!      ── repeat until a batch is short ──▶ audit: purge, N rows
//! ```
//! A purged response retried by a phone (same id, original content) is then a 409
//! conflict, not a duplicate; after the retention period no phone still retries.
//!
//! A visit of the follow-up call list (an imported repair order's customer phone) loses
//! its phone number by the same cutoffs, counted from when the collector first knew it
//! (`visits.created_at`); the repair order, advisor and calls stay, as a response's
//! context does.
//!
//! ## Deletion on request
//! `collector customer forget --phone P` deletes **the whole response** of every
//! response whose contact answer has that number (compared by digits, a leading `+86`
//! or `0086` ignored), and removes the number from every visit of the call list that
//! holds it; `--response ID` deletes one response. Whole, not only the contact
//! fields: the repair order in the context leads back to the person through the
//! dealer's DMS, so an anonymous-looking score is still theirs. The audit log records
//! who asked, when, how (by phone or by response id) and how many rows went, never the
//! phone number (a hash of an 11-digit number is reversed in minutes).
//!
//! ## Audit
//! Every read that returns contact data (`GET /v1/responses` for a role that sees it)
//! and every export (`GET /v1/responses.csv`) is recorded: who (`user:<login>` or
//! `token:<id>`), when, the route, the filter as applied (the query and the caller's
//! dealers) and, for a list, the rows returned. Group admins read the log with
//! `GET /v1/audit`.
//!
//! The line is queued ([`AuditLog`]) before the data leaves and written by one task,
//! in order, in batches, not by the read itself: reads never wait for the database's
//! writer (SQLite has one, and a post or another process may hold it), and a list
//! costs no commit of its own.
//! ```text
//! read ──AuditLog::record──▶ queue (≤ QUEUE lines) ──writer task──▶ audit table
//!   │ queue full (the database has refused writes for a while)      │ error: logged,
//!   ▼                                                               │ same batch again in 1 s
//! 503 + Retry-After: no read of contact data goes unrecorded        ▼
//!                                   shutdown: the queue is written out before exit
//! ```
//! Lost only if the process dies (a crash, SIGKILL) with lines still queued, which
//! is at most the last moment's reads.

use crate::auth::principal::Who;
use crate::auth::Principal;
use crate::store::{AuditEntry, PurgePlan, Store, StoreError};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Days personal data is kept for a dealer without its own setting.
pub const DEFAULT_RETENTION_DAYS: u32 = 180;
/// How often the serve process purges.
pub const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// Rows cleared per transaction, so posts wait at most one batch for the writer.
pub const BATCH: u32 = 200;

/// The cutoffs of a purge at `now`: a response received before its dealer's cutoff
/// loses its personal data.
pub fn plan(now: Timestamp, default_days: u32, settings: &[(String, u32)]) -> PurgePlan {
    let cutoff = |days: u32| {
        let back = SignedDuration::from_hours(24 * i64::from(days));
        crate::clock::rfc3339_millis(now.checked_sub(back).unwrap_or(Timestamp::MIN))
    };
    PurgePlan {
        dealers: settings
            .iter()
            .map(|(dealer, days)| (dealer.clone(), cutoff(*days)))
            .collect(),
        default_cutoff: cutoff(default_days),
    }
}

/// `answers` (a JSON object keyed by question id) without personal data; `None` when
/// the text is not such an object (left as it is, and reported by the reads).
pub fn scrub_answers(answers: &str) -> Option<String> {
    let mut value: Value = serde_json::from_str(answers).ok()?;
    scrub_map(&mut value)?;
    serde_json::to_string(&value).ok()
}

/// The stored payload without personal data (its `answers` scrubbed).
pub fn scrub_payload(payload: &str) -> Option<String> {
    let mut value: Value = serde_json::from_str(payload).ok()?;
    scrub_map(value.get_mut("answers")?)?;
    serde_json::to_string(&value).ok()
}

fn scrub_map(answers: &mut Value) -> Option<()> {
    for answer in answers.as_object_mut()?.values_mut() {
        let Some(answer) = answer.as_object_mut() else {
            continue; // "not_applicable"
        };
        if let Some(contact) = answer.get_mut("contact").and_then(Value::as_object_mut) {
            contact.remove("phone");
            contact.remove("email");
        }
        if let Some(text) = answer.get_mut("text") {
            *text = Value::String(String::new());
        }
    }
    Some(())
}

/// A phone number as compared: its digits, without a leading `86` country code
/// (`+86 138 0013 8000`, `0086-13800138000` and `13800138000` are one number).
/// `None` for fewer than 5 digits: too short to single out one customer.
pub fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = digits
        .strip_prefix("0086")
        .or_else(|| digits.strip_prefix("86").filter(|rest| rest.len() == 11))
        .unwrap_or(&digits);
    (national.len() >= 5).then(|| national.to_string())
}

/// Does a contact answer in `answers` carry the phone number of `key`?
pub fn has_phone(answers: &str, key: &str) -> bool {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(answers) else {
        return false;
    };
    map.values()
        .filter_map(|a| a.get("contact")?.get("phone")?.as_str())
        .any(|p| phone_key(p).as_deref() == Some(key))
}

/// Who a request's caller is, as the audit log names them.
pub fn actor(principal: &Principal) -> String {
    match &principal.who {
        Who::User { .. } => format!("user:{}", principal.name()),
        Who::Token { .. } => principal.name(),
    }
}

/// Clears the personal data past retention at `now`; returns the rows cleared.
pub async fn purge(
    store: &dyn Store,
    now: Timestamp,
    default_days: u32,
) -> Result<u64, StoreError> {
    let settings = store.retention().await?;
    let plan = plan(now, default_days, &settings);
    let at = crate::clock::rfc3339_millis(now);
    let mut total = 0;
    loop {
        let n = store.purge_batch(&plan, &at, BATCH).await?;
        total += n;
        if n < u64::from(BATCH) {
            break;
        }
    }
    // The funnel's beacons (nothing personal in them, but a visit's trail is kept no
    // longer than its response's personal data), by the same cutoffs.
    let beacons = store.purge_beacons(&plan).await?;
    if beacons > 0 {
        tracing::info!("retention: {beacons} funnel beacons deleted");
    }
    // The call list's phone numbers, by the same cutoffs.
    let visits = store.purge_visit_phones(&plan).await?;
    if total > 0 || visits > 0 {
        store
            .record_audit(&[AuditEntry {
                at,
                actor: "collector (retention)".into(),
                action: "purge".into(),
                route: None,
                filter: format!(
                    "default {default_days} days; {} dealer settings; {visits} call-list phone numbers",
                    settings.len()
                ),
                rows: i64::try_from(total).ok(),
            }])
            .await?;
    }
    Ok(total)
}

/// Removes the phone number of every visit `due` picks (deletion on request); returns
/// how many.
async fn clear_visit_phones(
    store: &dyn Store,
    due: impl Fn(&crate::store::VisitPhone) -> bool,
) -> Result<u64, StoreError> {
    let (mut ids, mut after) = (Vec::new(), None);
    loop {
        let page = store.visit_phones(after, 500).await?;
        let Some(last) = page.last().map(|v| v.seq) else {
            break;
        };
        after = Some(last);
        ids.extend(page.into_iter().filter(|v| due(v)).map(|v| v.id));
    }
    if ids.is_empty() {
        return Ok(0);
    }
    store.clear_visit_phones(&ids).await
}

/// Audit lines queued at most; past this, reads of contact data are refused.
pub const QUEUE: usize = 10_000;
/// Lines written per transaction.
const AUDIT_BATCH: usize = 500;

/// The queue of audit lines and its one writer (see the module docs).
pub struct AuditLog {
    tx: mpsc::Sender<AuditEntry>,
    /// Lines queued or being written.
    pending: Arc<AtomicUsize>,
}

impl AuditLog {
    /// Starts the writer on the current runtime.
    pub fn start(store: Arc<dyn Store>) -> AuditLog {
        let (tx, mut rx) = mpsc::channel::<AuditEntry>(QUEUE);
        let pending = Arc::new(AtomicUsize::new(0));
        let written = Arc::clone(&pending);
        tokio::spawn(async move {
            let mut batch = Vec::new();
            while rx.recv_many(&mut batch, AUDIT_BATCH).await > 0 {
                while let Err(e) = store.record_audit(&batch).await {
                    tracing::warn!(
                        "audit log: {} lines not written yet ({e}); retrying in 1 s",
                        batch.len()
                    );
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                written.fetch_sub(batch.len(), Ordering::SeqCst);
                batch.clear();
            }
        });
        AuditLog { tx, pending }
    }

    /// Queues a line; `Err` when the queue is full (the caller refuses the read).
    pub fn record(&self, entry: AuditEntry) -> Result<(), ()> {
        self.pending.fetch_add(1, Ordering::SeqCst);
        self.tx.try_send(entry).map_err(|_| {
            self.pending.fetch_sub(1, Ordering::SeqCst);
        })
    }

    /// Waits until every queued line is written, at most `limit`; `false` if some
    /// were not.
    pub async fn flush(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while self.pending.load(Ordering::SeqCst) > 0 {
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }
}

/// Whose data a deletion covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forget {
    Phone(String),
    Response(String),
}

/// Deletes the responses of `target` and records it as done by `by`; returns how many
/// rows were deleted.
pub async fn forget(
    store: &dyn Store,
    target: &Forget,
    by: &str,
    now: Timestamp,
) -> Result<u64, String> {
    let (ids, how) = match target {
        Forget::Response(id) => (vec![id.clone()], format!("response {id}")),
        Forget::Phone(phone) => {
            let key = phone_key(phone)
                .ok_or("the phone number needs at least 5 digits to single out one customer")?;
            let mut ids = Vec::new();
            let mut after = None;
            loop {
                let page = store
                    .phone_candidates(after, 500)
                    .await
                    .map_err(|e| e.to_string())?;
                let last = page.last().map(|(seq, _, _)| *seq);
                ids.extend(
                    page.into_iter()
                        .filter(|(_, _, answers)| has_phone(answers, &key))
                        .map(|(_, id, _)| id),
                );
                match last {
                    Some(seq) => after = Some(seq),
                    None => break,
                }
            }
            // The call list's visits keep their repair order, not the number.
            let cleared = clear_visit_phones(store, |v| {
                phone_key(&v.phone).as_deref() == Some(key.as_str())
            })
            .await
            .map_err(|e| e.to_string())?;
            // The number itself is never written down, only that one was given.
            let how = match cleared {
                0 => "by phone number".to_string(),
                n => format!("by phone number; {n} call-list visits lost it"),
            };
            (ids, how)
        }
    };
    let entry = AuditEntry {
        at: crate::clock::rfc3339_millis(now),
        actor: by.to_string(),
        action: "forget".into(),
        route: None,
        filter: how,
        rows: None,
    };
    store.forget(&ids, &entry).await.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn cutoffs_per_dealer_from_a_given_now() {
        let p = plan(
            at("2026-12-04T03:00:00Z"),
            180,
            &[("D001".into(), 30), ("D002".into(), 365)],
        );
        assert_eq!(p.default_cutoff, "2026-06-07T03:00:00.000Z");
        assert_eq!(
            p.dealers,
            [
                ("D001".to_string(), "2026-11-04T03:00:00.000Z".to_string()),
                ("D002".to_string(), "2025-12-04T03:00:00.000Z".to_string())
            ]
        );
        // A row received just before the cutoff is purged, one at it is kept: the
        // store compares `received_at < cutoff` as text, which sorts as time.
        assert!("2026-11-04T02:59:59.999Z" < p.dealers[0].1.as_str());
        assert!("2026-11-04T03:00:00.000Z" >= p.dealers[0].1.as_str());
    }

    #[test]
    fn scrub_keeps_scores_and_consent() {
        let answers = r#"{"comment":{"text":"call me on 13800138000"},"contact_me":{"contact":{"consent":true,"email":"a@b.cn","phone":"13800138000"}},"nps":{"scale":3},"wait":"not_applicable"}"#;
        let scrubbed = scrub_answers(answers).unwrap_or_default();
        assert_eq!(
            scrubbed,
            r#"{"comment":{"text":""},"contact_me":{"contact":{"consent":true}},"nps":{"scale":3},"wait":"not_applicable"}"#
        );
        let payload = format!(r#"{{"answers":{answers},"context":{{"dealer":"D001"}},"id":"x"}}"#);
        let scrubbed = scrub_payload(&payload).unwrap_or_default();
        assert!(!scrubbed.contains("13800138000") && !scrubbed.contains("a@b.cn"));
        assert!(scrubbed.contains(r#""dealer":"D001""#) && scrubbed.contains(r#""scale":3"#));
        assert_eq!(scrub_answers("not json"), None);
    }

    #[test]
    fn phone_numbers_compare_by_digits() {
        let key = phone_key("13800138000");
        assert_eq!(key.as_deref(), Some("13800138000"));
        for same in ["+86 138 0013 8000", "0086-138-0013-8000", "138 0013 8000"] {
            assert_eq!(phone_key(same), key, "{same}");
        }
        assert_eq!(phone_key("8613"), None);
        assert_eq!(
            phone_key("86123"),
            Some("86123".into()),
            "short: not a country code"
        );
        let answers = r#"{"contact_me":{"contact":{"consent":true,"phone":"+86 138 0013 8000"}}}"#;
        assert!(has_phone(answers, "13800138000"));
        assert!(!has_phone(answers, "13800138001"));
        assert!(!has_phone(r#"{"c":{"text":"13800138000"}}"#, "13800138000"));
    }
}
