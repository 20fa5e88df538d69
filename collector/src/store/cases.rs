//! What the store keeps of hot-alert cases (see [`crate::cases`]): the case, its
//! append-only history, and the one change protocol.
//!
//! ## Opening
//! A case is inserted by [`super::Store::insert`] in the transaction that inserts its
//! response, only when that insert stored a new row: a duplicate POST opens nothing,
//! and no stored response with alerts lacks its case (`UNIQUE (response_id)` holds
//! it to one).
//!
//! ## A change
//! ```text
//! read the case (version v) ─▶ survey_core::cases::apply ─▶ change_case(expected v)
//!                                                              │ UPDATE … WHERE version = v
//!                                                              │   1 row: INSERT the event, commit ─▶ Changed
//!                                                              └─  0 rows: nothing written     ─▶ Stale (409)
//! ```
//! Two agents acting at once cannot overwrite each other: the second is told to reload.

/// A case to open with its response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    pub id: String,
    pub dealer: Option<String>,
    pub owner: Option<String>,
    pub created_at: String,
    pub due_at: String,
    /// The `Case` as JSON.
    pub state: String,
    /// The `open` event's detail (JSON): the alerts' rules.
    pub detail: String,
}

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub seq: i64,
    pub id: String,
    pub response_id: String,
    pub dealer: Option<String>,
    pub owner: Option<String>,
    /// The owner's login, if the account exists.
    pub owner_login: Option<String>,
    pub status: String,
    pub due_at: String,
    pub escalated_at: Option<String>,
    pub updated_at: String,
    pub version: i64,
    /// The `Case` as JSON.
    pub state: String,
}

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: String,
    /// `system` or `user:<id>`.
    pub actor: String,
    pub action: String,
    /// JSON of the action's fields.
    pub detail: String,
    /// The acting person's login, when read back (the account may be gone); not
    /// written: the history names the user id.
    pub actor_login: Option<String>,
}

/// Whose cases a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerFilter {
    /// Unowned cases.
    Nobody,
    /// This user id's.
    User(String),
}

/// Which cases a list covers; the parts combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    /// Only these dealers (`None`: all): the caller's scope.
    pub dealers: Option<Vec<String>>,
    /// `dealer=`, exactly.
    pub dealer: Option<String>,
    pub status: Option<String>,
    pub owner: Option<OwnerFilter>,
    /// `Some((true, now))`: only cases overdue at `now` (never reached, open or
    /// unreachable, due at or before `now`); `Some((false, now))`: only the others.
    pub overdue: Option<(bool, String)>,
    /// Only escalated cases (`Some(true)`), only the others (`Some(false)`).
    pub escalated: Option<bool>,
}

/// A change decided by the state machine, to be written if the case is still at
/// `expected_version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseChange {
    pub id: String,
    pub expected_version: i64,
    pub owner: Option<String>,
    pub status: String,
    pub contacted_at: Option<String>,
    pub escalated_at: Option<String>,
    pub closed_at: Option<String>,
    pub updated_at: String,
    pub state: String,
    pub event: CaseEvent,
}

impl CaseChange {
    /// The change that stores `next` (the state machine's result) with `event`.
    pub fn of(
        row: &CaseRow,
        next: &survey_core::cases::Case,
        event: CaseEvent,
    ) -> Result<Self, super::StoreError> {
        Ok(CaseChange {
            id: row.id.clone(),
            expected_version: row.version,
            owner: next.owner.clone(),
            status: next.status.as_str().to_string(),
            contacted_at: next.contacted_at.clone(),
            escalated_at: next.escalated_at.clone(),
            closed_at: next.closed_at.clone(),
            updated_at: event.at.clone(),
            state: serde_json::to_string(next)?,
            event,
        })
    }
}

/// A case's "did we solve it?" link (one per case; see `routes::solve_links`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolveLink {
    pub case_id: String,
    pub url: String,
    pub expires_at: String,
    /// `user:<id>` of the manager who made it.
    pub created_by: String,
    pub created_at: String,
}
