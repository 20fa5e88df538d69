//! What came back from one attempt, and what it means for the entry.

use super::retry_after::RetryAfter;

/// How a retry after a network error is worded (then the browser's message).
pub(crate) const NETWORK_ERROR_PREFIX: &str = "network error: ";
/// How a retry after a timeout is worded.
pub(crate) const TIMEOUT_ERROR: &str = "timed out";

/// The result of one POST, as the browser layer observed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The endpoint confirmed it holds the response (any 2xx; the reference
    /// collector answers 201 the first time and 200 `"duplicate": true` after).
    Delivered,
    /// The endpoint answered with an HTTP status. A 2xx here counts as delivered.
    Status {
        code: u16,
        /// The parsed `Retry-After` header, if any ([`RetryAfter::parse`]).
        retry_after: Option<RetryAfter>,
        /// A short description: the `{"error": …}` of the body, or the status text.
        reason: String,
    },
    /// No HTTP answer at all: offline, DNS, connection reset, CORS refusal.
    Network(String),
    /// The caller gave up waiting (its own timeout, which must be shorter than the
    /// lease: see [`super::Outbox::due`]).
    Timeout,
}

/// How an [`Outcome`] is handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The endpoint has the response: remove the entry.
    Delivered,
    /// Worth trying again later.
    Retry {
        error: String,
        retry_after: Option<RetryAfter>,
    },
    /// Trying again with the same body cannot succeed: keep the entry aside, marked
    /// failed, for inspection; it is never sent again automatically.
    Permanent { error: String, status: Option<u16> },
}

impl Outcome {
    /// The classification of an outcome:
    ///
    /// | outcome | verdict |
    /// |---|---|
    /// | `Delivered`, 2xx | delivered |
    /// | 408, 429, 5xx, network error, timeout | retry (honouring `Retry-After`) |
    /// | 409 | permanent |
    /// | other 4xx | permanent |
    /// | 1xx, 3xx, anything outside 100–599 | retry (not a verdict on the response) |
    ///
    /// **Why 409 is not "delivered".** The collector stores a response once per id
    /// and answers a repeat of the *same* body with 200 `"duplicate": true` — that is
    /// the delivered case. It answers 409 only when it already holds that id with
    /// *different* content. The outbox keeps the body exactly as first built, so the
    /// 409 means the dealer holds some other content under this id (an id reused by
    /// a bug, or a body rebuilt differently): treating it as delivered would drop
    /// this customer's answer silently, and retrying would get 409 forever. So it is
    /// a permanent failure, kept aside with its reason for someone to look at.
    pub fn verdict(&self) -> Verdict {
        match self {
            Outcome::Delivered => Verdict::Delivered,
            Outcome::Network(e) => Verdict::Retry {
                error: format!("{NETWORK_ERROR_PREFIX}{e}"),
                retry_after: None,
            },
            Outcome::Timeout => Verdict::Retry {
                error: TIMEOUT_ERROR.into(),
                retry_after: None,
            },
            Outcome::Status {
                code,
                retry_after,
                reason,
            } => {
                let code = *code;
                match code {
                    200..=299 => Verdict::Delivered,
                    409 => Verdict::Permanent {
                        error: format!(
                            "HTTP 409: the endpoint already holds this response id with \
                             different content: {reason}"
                        ),
                        status: Some(code),
                    },
                    408 | 429 | 500..=599 => Verdict::Retry {
                        error: format!("HTTP {code}: {reason}"),
                        retry_after: *retry_after,
                    },
                    400..=499 => Verdict::Permanent {
                        error: format!("HTTP {code}: {reason}"),
                        status: Some(code),
                    },
                    _ => Verdict::Retry {
                        error: format!("unexpected HTTP {code}: {reason}"),
                        retry_after: *retry_after,
                    },
                }
            }
        }
    }
}
