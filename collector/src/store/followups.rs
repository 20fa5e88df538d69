//! What the store keeps of visits and their routine follow-up calls (see
//! [`crate::followups`] and `survey_core::followups`): the visit, its follow-up's
//! state, the append-only attempt history, and coverage counted by the database.
//!
//! ## Adding visits
//! One visit per (dealer, repair order), held by the table's unique constraint:
//! ```text
//! INSERT … ON CONFLICT (dealer, repair_order) DO NOTHING ──1 row──▶ new
//!        │ 0 rows: known already
//!        ▼
//! UPDATE … SET phone/advisor/imported_at/invited_at = COALESCE(old, new) ──▶ known
//! ```
//! so a link issued for an imported repair order marks it invited, an import of a
//! linked one adds its phone, and the same file imported twice adds nothing. A batch
//! (one import) is one transaction: the whole file or nothing.
//!
//! ## An attempt
//! As a case change: read (version v) → `survey_core::followups::apply` →
//! `UPDATE … WHERE version = v` and the attempt row in one transaction, or nothing
//! (`Ok(false)`: another attempt came first; the caller says reload).

/// A visit to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVisit {
    pub id: String,
    pub dealer: String,
    pub repair_order: String,
    pub advisor: Option<String>,
    pub phone: Option<String>,
    pub pickup_date: String,
    pub imported_at: Option<String>,
    pub invited_at: Option<String>,
    pub created_at: String,
    pub status: String,
    pub due_on: String,
    pub due_at: String,
    pub overdue_at: String,
    /// The `FollowUp` as JSON.
    pub state: String,
}

/// How a batch of visits went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    /// Visits new to the store.
    pub new: u64,
    /// Visits known already (merged, not counted again).
    pub known: u64,
}

/// A stored visit and its follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    pub seq: i64,
    pub id: String,
    pub dealer: String,
    pub repair_order: String,
    pub advisor: Option<String>,
    pub phone: Option<String>,
    pub pickup_date: String,
    pub invited_at: Option<String>,
    pub imported_at: Option<String>,
    pub status: String,
    pub version: i64,
    /// The `FollowUp` as JSON.
    pub state: String,
}

/// Which follow-ups the call list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpFilter {
    /// Only these dealers (`None`: all): the caller's scope.
    pub dealers: Option<Vec<String>>,
    pub dealer: Option<String>,
    /// Only open follow-ups due before this instant (`None`: every open one).
    pub due_before: Option<String>,
    /// Only open follow-ups overdue at this instant.
    pub overdue_at: Option<String>,
    /// Only open follow-ups not yet overdue at this instant or overdue after it: with
    /// `survey_core::followups::lapse_cutoff`, those that have not lapsed.
    pub overdue_after: Option<String>,
    /// Rows at most (a count ignores it).
    pub limit: u32,
}

/// An attempt decided by the state machine, to be written if the visit is still at
/// `expected_version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpChange {
    pub id: String,
    pub expected_version: i64,
    pub status: String,
    pub due_on: String,
    pub due_at: String,
    pub overdue_at: String,
    pub attempts: i64,
    pub updated_at: String,
    pub state: String,
    pub actor: String,
    pub outcome: String,
    /// JSON: the outcome as posted and the note.
    pub detail: String,
}

impl FollowUpChange {
    /// The change that stores `next` after an attempt by `actor` at `at`.
    pub fn of(
        row: &VisitRow,
        next: &survey_core::followups::FollowUp,
        at: &str,
        actor: String,
        outcome: &survey_core::followups::Outcome,
        note: Option<&str>,
    ) -> Result<Self, super::StoreError> {
        Ok(FollowUpChange {
            id: row.id.clone(),
            expected_version: row.version,
            status: next.status.as_str().to_string(),
            due_on: next.window.due_on.clone(),
            due_at: next.window.due_at.clone(),
            overdue_at: next.window.overdue_at.clone(),
            attempts: i64::from(next.attempts),
            updated_at: at.to_string(),
            state: serde_json::to_string(next)?,
            actor,
            outcome: survey_core::followups::outcome_name(outcome).to_string(),
            detail: serde_json::json!({ "outcome": outcome, "note": note }).to_string(),
        })
    }
}

/// Which visits coverage counts: picked up in `from..=to` (local dates), of the
/// caller's dealers, of one dealer or advisor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageFilter {
    pub dealers: Option<Vec<String>>,
    pub dealer: Option<String>,
    pub advisor: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, inclusive.
    pub to: Option<String>,
}

/// One dealer's and advisor's counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRow {
    pub dealer: String,
    pub advisor: Option<String>,
    pub visits: i64,
    pub invited: i64,
    pub responded: i64,
    pub called: i64,
}
