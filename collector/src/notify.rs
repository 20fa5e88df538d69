//! Webhooks: a dealer's new cases and escalations, posted to the address the dealer's
//! manager set (`PUT /v1/dealers/{dealer}/webhook`, `collector webhook`).
//!
//! # Guarantee
//! - **Never lost**: a notification is a row of `webhook_outbox`, written by a trigger
//!   in the transaction that records its event ([`crate::store::webhooks`]). A crash
//!   before it is posted leaves the row; the next collector posts it.
//! - **At least once, idempotent by key**: each post carries `Idempotency-Key:
//!   <case id>:<event>` (and `id` in the body); a receiver that saw the key already
//!   ignores it. A post whose answer was lost is posted again.
//! - **Retried with backoff**: any answer but 2xx (and, for the WeCom and DingTalk
//!   robots, a 2xx whose `errcode` is not 0), a refused connection or a timeout is
//!   retried after `--webhook-retry-ms` × 2^(attempts − 1), at most an hour apart,
//!   until it is taken. Several collectors may drain at once; a receiver can then see
//!   a key twice, which the key makes harmless.
//! - **Nothing personal** leaves: the case id, dealer, event, due time and alert count,
//!   never the customer's answers or contact data (the receiver links to the console).
//!
//! # Shapes (`format`)
//! - `plain`: `{"id", "event": "case.opened" | "case.escalated", "case_id", "dealer",
//!   "at", "due_at"}`.
//! - `wecom` (企业微信群机器人) and `dingtalk` (钉钉自定义机器人): their `markdown`
//!   message, `{"msgtype": "markdown", "markdown": {…}}`, with the same facts in a
//!   short Chinese text. (A DingTalk robot with a keyword filter needs 工单 as its keyword.)
//!
//! ```text
//! every tick: webhooks_due(now) ─▶ post (blocking pool, 10 s) ─2xx─▶ delivered_at
//!                                                           └─else─▶ attempts+1, next_at = now + backoff
//! ```

use crate::store::webhooks::{Attempt, Delivery};
use crate::store::Store;
use serde_json::{json, Value};
use std::time::Duration;

/// Notifications posted per store query.
const BATCH: u32 = 50;
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How long one post may take.
const POST_TIMEOUT: Duration = Duration::from_secs(10);
/// The formats a webhook may have.
pub const FORMATS: [&str; 3] = ["plain", "wecom", "dingtalk"];

/// A webhook address as set by a manager, or why not: `http://` or `https://`, a host,
/// at most 2000 characters, no spaces.
pub fn check_url(url: &str) -> Result<(), String> {
    let u = url.trim();
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .ok_or("a webhook address starts with https:// (or http:// inside your network)")?;
    if u.len() > 2000 || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a webhook address has no spaces and at most 2000 characters".into());
    }
    if rest.split(['/', '?', '#']).next().unwrap_or("").is_empty() {
        return Err("a webhook address names a host, e.g. https://qyapi.weixin.qq.com/…".into());
    }
    Ok(())
}

/// The wait before attempt `attempts + 1`, after `attempts` failed ones.
pub fn backoff(base: Duration, attempts: i64) -> Duration {
    let doublings = attempts.clamp(0, 20) as u32;
    base.saturating_mul(1u32 << doublings).min(MAX_BACKOFF)
}

/// The body posted for `d`.
pub fn body(d: &Delivery) -> Value {
    let event = match d.event.as_str() {
        "escalate" => "case.escalated",
        _ => "case.opened",
    };
    match d.format.as_str() {
        "wecom" | "dingtalk" => {
            let (title, what) = match d.event.as_str() {
                "escalate" => ("回访工单已升级", "已逾期未联系客户，已升级给经理"),
                _ => ("新回访工单", "客户预警生成了新的回访工单"),
            };
            let text = format!(
                "### {title}\n经销商：{}\n{what}\n截止时间（UTC）：{}\n工单：{}",
                d.dealer, d.due_at, d.case_id
            );
            if d.format == "wecom" {
                json!({"msgtype": "markdown", "markdown": {"content": text}})
            } else {
                json!({"msgtype": "markdown", "markdown": {"title": title, "text": text}})
            }
        }
        _ => json!({
            "id": d.key,
            "event": event,
            "case_id": d.case_id,
            "dealer": d.dealer,
            "at": d.created_at,
            "due_at": d.due_at,
        }),
    }
}

/// Whether a 2xx answer's body says the robot took the message (WeCom and DingTalk
/// answer 200 with `{"errcode": 0}`, or a non-zero code for a refusal).
fn robot_ok(format: &str, answer: &str) -> Result<(), String> {
    if format == "plain" {
        return Ok(());
    }
    let v: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    match v.get("errcode").and_then(Value::as_i64) {
        Some(0) => Ok(()),
        Some(code) => Err(format!("the robot refused the message (errcode {code})")),
        None => Err("the robot's answer has no errcode".into()),
    }
}

/// Posts `d` once; `Ok` when the receiver took it.
fn post(d: &Delivery) -> Result<(), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(POST_TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let body = body(d).to_string();
    let mut answer = agent
        .post(&d.url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", &d.key)
        .header("User-Agent", "survey-collector-webhook")
        .send(body.as_bytes())
        .map_err(|e| format!("no answer: {e}"))?;
    let status = answer.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    let text = answer
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    robot_ok(&d.format, &text)
}

/// Posts every notification due at the collector's `now`; returns how many were taken.
pub async fn drain(store: &dyn Store, retry: Duration) -> Result<u64, crate::store::StoreError> {
    let mut delivered = 0;
    let now = crate::clock::now_rfc3339();
    let due = store.webhooks_due(&now, BATCH).await?;
    for d in due {
        let job = d.clone();
        let result = tokio::task::spawn_blocking(move || post(&job))
            .await
            .unwrap_or_else(|e| Err(format!("the post did not finish: {e}")));
        let attempt = match result {
            Ok(()) => {
                delivered += 1;
                Attempt::Delivered {
                    at: crate::clock::now_rfc3339(),
                }
            }
            Err(error) => {
                let wait = backoff(retry, d.attempts);
                let next = crate::clock::now()
                    .checked_add(jiff::SignedDuration::try_from(wait).unwrap_or_default())
                    .unwrap_or_else(|_| crate::clock::now());
                // The key names a case, not a person; the error is the receiver's status.
                tracing::warn!(
                    "webhook {} to dealer {}: attempt {} failed ({error}); retrying in {:?}",
                    d.key,
                    d.dealer,
                    d.attempts + 1,
                    wait
                );
                Attempt::Failed {
                    next_at: crate::clock::rfc3339_millis(next),
                    error,
                }
            }
        };
        store.webhook_attempt(&d.key, &attempt).await?;
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(format: &str, event: &str) -> Delivery {
        Delivery {
            key: format!("c1:{event}"),
            case_id: "c1".into(),
            event: event.into(),
            dealer: "D001".into(),
            created_at: "2026-12-04T10:00:00.000Z".into(),
            attempts: 0,
            url: "http://127.0.0.1:9/hook".into(),
            format: format.into(),
            due_at: "2026-12-06T10:00:00.000Z".into(),
        }
    }

    #[test]
    fn addresses_are_checked() {
        assert!(check_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x").is_ok());
        assert!(check_url("http://10.0.0.5:8080/hooks/cases").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https:///path",
            "https://a b",
            "qyapi.weixin.qq.com",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert!(check_url(&format!("https://a/{}", "x".repeat(2000))).is_err());
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 0), Duration::from_secs(30));
        assert_eq!(backoff(base, 1), Duration::from_secs(60));
        assert_eq!(backoff(base, 3), Duration::from_secs(240));
        assert_eq!(backoff(base, 10), MAX_BACKOFF);
        assert_eq!(backoff(base, i64::MAX), MAX_BACKOFF);
    }

    #[test]
    fn the_shapes() {
        let plain = body(&delivery("plain", "escalate"));
        assert_eq!(plain["id"], json!("c1:escalate"));
        assert_eq!(plain["event"], json!("case.escalated"));
        let wecom = body(&delivery("wecom", "open"));
        assert_eq!(wecom["msgtype"], json!("markdown"));
        assert!(wecom["markdown"]["content"]
            .as_str()
            .is_some_and(|t| t.contains("新回访工单") && t.contains("D001")));
        let ding = body(&delivery("dingtalk", "open"));
        assert_eq!(ding["markdown"]["title"], json!("新回访工单"));
        assert!(ding["markdown"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("工单")));
        assert!(robot_ok("wecom", r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(robot_ok(
            "dingtalk",
            r#"{"errcode":310000,"errmsg":"keywords not in content"}"#
        )
        .is_err());
        assert!(robot_ok("plain", "").is_ok());
    }
}
