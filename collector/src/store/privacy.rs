//! What the store keeps for customers' privacy (see [`crate::privacy`]): each dealer's
//! retention period, the purge, deletion on request, and the audit log.

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// RFC 3339 UTC.
    pub at: String,
    /// `user:<login>`, `token:<id>`, `command line (<operator>)` or the collector itself.
    pub actor: String,
    /// `read` (contact data returned), `export`, `forget` or `purge`.
    pub action: String,
    /// The route read, for `read` and `export`.
    pub route: Option<String>,
    /// The filter as applied, or what a command covered (never a phone number).
    pub filter: String,
    /// Rows returned, deleted or cleared; `None` when not known in advance (a streamed
    /// export).
    pub rows: Option<i64>,
}

/// A stored audit line with its cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: i64,
    pub entry: AuditEntry,
}

/// The cutoffs of one purge ([`crate::privacy::plan`]): rows received before their
/// dealer's cutoff lose their personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgePlan {
    /// Dealers with their own retention period.
    pub dealers: Vec<(String, String)>,
    /// Every other row (another dealer, or none).
    pub default_cutoff: String,
}

/// A row the purge rewrites: `(seq, answers, payload)`.
pub type PurgeRow = (i64, String, String);

/// The new `(answers, payload)` of a row being purged; text that does not parse is
/// kept as it is (it holds nothing the reads could show either).
pub fn scrubbed(answers: &str, payload: &str) -> (String, String) {
    (
        crate::privacy::scrub_answers(answers).unwrap_or_else(|| answers.to_string()),
        crate::privacy::scrub_payload(payload).unwrap_or_else(|| payload.to_string()),
    )
}
