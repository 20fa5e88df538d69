//! Hot-alert cases: the state machine every follow-up action goes through.
//!
//! A response with hot alerts is an unhappy (or worried) customer the dealer must call
//! back. The seeds' rule is that the complaint is owned, the customer is reached within
//! two days or the case goes to the manager, and it is closed with a cause. This module
//! decides every change of a case — who may do it, from which state, with what — and
//! nothing else: no clock, no ids, no I/O. Times and the actor arrive in the [`Event`]
//! (like the widget's reducer in `src/state.rs`); the server stores what [`apply`]
//! returns and enforces only what it decides.
//!
//! # Guarantee
//!
//! - One case per response with hot alerts (the collector's unique constraint), opened
//!   in the transaction that stores the response.
//! - A case changes only through [`apply`]; every refusal is a [`CaseError`] with one
//!   line a dealer can act on, and a class ([`ErrorKind`]) the server maps to 403 / 409
//!   / 422. A refused event changes nothing and is not recorded.
//! - Every accepted event is appended to the case's history (who, when, what), so
//!   reports and audits read the same story as the case's current state.
//!
//! # Lifecycle
//!
//! ```text
//!             attempt: reached | refused | call_back_at(t)
//!   ┌──────┐ ─────────────────────────────────────────────▶ ┌───────────┐  resolve   ┌──────────┐
//!   │ open │                                                 │ contacted │ ─────────▶ │ resolved │
//!   └──────┘ ◀─┐ attempt: no_answer | busy                   └───────────┘            └──────────┘
//!     │  │  └──┘ (failed attempts + 1)                             │ close                 │ close
//!     │  │                                                         ▼                       ▼
//!     │  └─ N-th failed attempt, or wrong_number ──▶ ┌─────────────┐  close   ┌────────┐
//!     │                                              │ unreachable │ ───────▶ │ closed │
//!     │                                              └─────────────┘          └────────┘
//!     │                        (a later attempt that reaches the customer: ──▶ contacted)
//!     └── escalate(at ≥ due), open or unreachable, once: sets `escalated_at`, state kept
//!
//!   reopen(reason)   resolved | closed ──▶ open (failed attempts back to 0)
//!   assign(to)       any state but closed: the owner changes, the state does not
//! ```
//!
//! Why these edges:
//! - **refused** and **call back at** count as contact: the customer was reached and
//!   heard from the dealer (that is what the two-day rule asks), even if they declined to
//!   talk or asked for a later call. A refusal can then be closed (e.g. cause "service",
//!   resolution "customer declined the call").
//! - **wrong number** makes a case unreachable at once: calling the same wrong number
//!   again helps no one; the manager decides what else to try.
//! - **no answer** and **busy** are failed attempts; after [`CaseSettings::unreachable_after`]
//!   of them (default 3) the case is unreachable.
//! - **resolve** needs a customer who was reached; **close** needs a cause category, a
//!   severity and a resolution, and a case that was reached (resolved, contacted) or
//!   given up on (unreachable). An open case no one called cannot be closed: that would
//!   hide exactly what escalation exists to show.
//! - **reopen** needs a reason (the history must say why a closed complaint came back).
//! - **escalate** is recorded once, by the server's sweep (the system actor), a manager
//!   or the owning agent, when the due time passed and the case is open or unreachable; the state is kept, so the agent
//!   can still call, and the case now also shows on the manager's list.
//!
//! # Who may do what ([`authorize`])
//!
//! | actor | may |
//! |---|---|
//! | group admin | everything, every dealer |
//! | dealer manager | everything, on their dealers' cases |
//! | follow-up agent | on their dealers' cases: take an unowned case (assign to self); log attempts, resolve, close and escalate (ask for help on) cases they own |
//! | service advisor | nothing: the advisor is the person the complaint is about |
//! | system (the server's sweep) | escalate only |
//!
//! Reopening and reassigning someone else's case are the manager's: a closed complaint
//! coming back, or work moving between agents, is a supervisor's decision.

mod clock;

pub use clock::{case_due, is_overdue, needs_escalation, ClockSettings};

use crate::time::epoch_millis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a case is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Contacted,
    Resolved,
    Closed,
    Unreachable,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::Contacted,
        Status::Resolved,
        Status::Closed,
        Status::Unreachable,
    ];

    /// The stored and shown name (`open`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Contacted => "contacted",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Unreachable => "unreachable",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What one call attempt gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Reached,
    NoAnswer,
    Busy,
    Refused,
    WrongNumber,
    /// Reached, and asked to be called again at this time (RFC 3339 UTC).
    CallBackAt(String),
}

/// The seeds' complaint categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Product,
    Service,
    Price,
    Integrity,
}

/// The seeds' complaint severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    General,
    Serious,
    Malicious,
}

/// One thing done to a case. Optional fields are optional so that a missing one is a
/// typed refusal ([`CaseError`]) with a message, not a parse error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Make `to` (a user id) the owner.
    Assign {
        to: String,
    },
    Attempt {
        outcome: Outcome,
    },
    Resolve {
        resolution: String,
    },
    Close {
        cause: Option<Cause>,
        severity: Option<Severity>,
        resolution: String,
    },
    Reopen {
        reason: String,
    },
    /// The due time passed uncontacted; `at` is when that was noticed.
    Escalate,
}

impl Action {
    /// The name stored in the event history (`assign`, `attempt`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Action::Assign { .. } => "assign",
            Action::Attempt { .. } => "attempt",
            Action::Resolve { .. } => "resolve",
            Action::Close { .. } => "close",
            Action::Reopen { .. } => "reopen",
            Action::Escalate => "escalate",
        }
    }
}

/// A person's role, as far as cases care (the collector maps its own roles onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    GroupAdmin,
    DealerManager,
    ServiceAdvisor,
    FollowUpAgent,
}

/// Which dealers an actor works for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dealers {
    All,
    Some(Vec<String>),
}

impl Dealers {
    pub fn allows(&self, dealer: Option<&str>) -> bool {
        match (self, dealer) {
            (Dealers::All, _) => true,
            (Dealers::Some(list), Some(d)) => list.iter().any(|x| x == d),
            (Dealers::Some(_), None) => false,
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The server itself (the escalation sweep).
    System,
    Person {
        /// The user id, as stored in `owner`.
        id: String,
        role: Role,
        dealers: Dealers,
    },
}

impl Actor {
    /// How the history names the actor: `system` or `user:<id>`.
    pub fn label(&self) -> String {
        match self {
            Actor::System => "system".into(),
            Actor::Person { id, .. } => format!("user:{id}"),
        }
    }
}

/// One event: what, when (RFC 3339 UTC), by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: String,
    pub actor: Actor,
    pub action: Action,
}

/// The settings a dealer's cases follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseSettings {
    /// Failed attempts (no answer, busy) after which a case is unreachable.
    pub unreachable_after: u32,
}

impl Default for CaseSettings {
    fn default() -> Self {
        CaseSettings {
            unreachable_after: 3,
        }
    }
}

/// A case as stored (besides its history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub dealer: Option<String>,
    /// The owning user id; `None` until someone takes it.
    pub owner: Option<String>,
    pub status: Status,
    pub created_at: String,
    pub due_at: String,
    pub failed_attempts: u32,
    pub contacted_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub escalated_at: Option<String>,
    pub call_back_at: Option<String>,
    pub cause: Option<Cause>,
    pub severity: Option<Severity>,
    pub resolution: Option<String>,
}

impl Case {
    /// A new case of `dealer`, opened at `created_at`, due at `due_at` (see
    /// [`case_due`]), owned by `owner` if the dealer has a default agent.
    pub fn open(
        dealer: Option<String>,
        owner: Option<String>,
        created_at: String,
        due_at: String,
    ) -> Case {
        Case {
            dealer,
            owner,
            status: Status::Open,
            created_at,
            due_at,
            failed_attempts: 0,
            contacted_at: None,
            resolved_at: None,
            closed_at: None,
            escalated_at: None,
            call_back_at: None,
            cause: None,
            severity: None,
            resolution: None,
        }
    }
}

/// The longest resolution or reopen reason: a short note, not a file.
pub const MAX_TEXT_CHARS: usize = 1000;

/// A note's text, trimmed, or why not.
fn note(text: &str, empty: CaseError) -> Result<String, CaseError> {
    let t = text.trim();
    if t.is_empty() {
        Err(empty)
    } else if t.chars().count() > MAX_TEXT_CHARS {
        Err(CaseError::TextTooLong)
    } else {
        Ok(t.to_string())
    }
}

/// How the server answers a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The actor may not do this (403).
    Forbidden,
    /// Not from the case's current state (409).
    Conflict,
    /// Something the action needs is missing or malformed (422).
    Invalid,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseError {
    /// A service advisor acts on a case.
    AdvisorCannotAct,
    /// The case is of a dealer the actor does not work for.
    OtherDealer {
        dealer: Option<String>,
    },
    /// An agent acts on a case someone else owns, or no one owns yet.
    NotYourCase {
        owner: Option<String>,
    },
    /// An agent gives a case to someone else, or takes one owned by someone else.
    AgentCannotReassign,
    /// Only managers and admins reopen.
    AgentCannotReopen,
    /// The system actor only escalates.
    SystemCannotAct,
    /// An event whose time is not RFC 3339 UTC.
    BadTime,
    /// `call_back_at` that is not RFC 3339 UTC.
    BadCallBackTime,
    EmptyAssignee,
    EmptyResolution,
    /// A resolution or reason over [`MAX_TEXT_CHARS`].
    TextTooLong,
    MissingCause,
    MissingSeverity,
    ReasonRequired,
    /// The action is not possible in this state.
    NotFrom {
        action: &'static str,
        status: Status,
    },
    AlreadyEscalated,
    NotDueYet,
}

impl CaseError {
    pub fn kind(&self) -> ErrorKind {
        use CaseError::*;
        match self {
            AdvisorCannotAct
            | OtherDealer { .. }
            | NotYourCase { .. }
            | AgentCannotReassign
            | AgentCannotReopen
            | SystemCannotAct => ErrorKind::Forbidden,
            NotFrom { .. } | AlreadyEscalated | NotDueYet => ErrorKind::Conflict,
            BadTime | BadCallBackTime | EmptyAssignee | EmptyResolution | TextTooLong
            | MissingCause | MissingSeverity | ReasonRequired => ErrorKind::Invalid,
        }
    }
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CaseError::*;
        match self {
            AdvisorCannotAct => f.write_str(
                "a service advisor cannot act on cases, which are about their own service; ask the follow-up agent or the manager",
            ),
            OtherDealer { dealer } => write!(
                f,
                "this case is of dealer {}, which you do not work for",
                dealer.as_deref().unwrap_or("(none)")
            ),
            NotYourCase { owner: None } => f.write_str(
                "this case has no owner yet; take it (assign it to yourself) first",
            ),
            NotYourCase { owner: Some(_) } => f.write_str(
                "this case is assigned to another agent; ask the manager to reassign it",
            ),
            AgentCannotReassign => f.write_str(
                "an agent can only take an unowned case for themselves; ask the manager to reassign it",
            ),
            AgentCannotReopen => {
                f.write_str("only a manager can reopen a case; ask the dealer manager")
            }
            SystemCannotAct => f.write_str("the server only escalates cases"),
            BadTime => f.write_str("the event's time is not an RFC 3339 UTC time"),
            BadCallBackTime => f.write_str(
                "call_back_at must be an RFC 3339 UTC time, e.g. 2026-12-05T09:30:00Z",
            ),
            EmptyAssignee => f.write_str("say whom to assign the case to"),
            EmptyResolution => f.write_str("write a short resolution: what was done for the customer"),
            TextTooLong => write!(
                f,
                "keep a resolution or reason under {MAX_TEXT_CHARS} characters; details belong in the dealer's own records"
            ),
            MissingCause => f.write_str(
                "a case is closed with a cause: product, service, price or integrity",
            ),
            MissingSeverity => f.write_str(
                "a case is closed with a severity: general, serious or malicious",
            ),
            ReasonRequired => f.write_str("a case is reopened only with a reason; write why"),
            NotFrom { action, status } => write!(f, "{}", not_from(action, *status)),
            AlreadyEscalated => f.write_str("this case is escalated already"),
            NotDueYet => f.write_str("this case is not past its due time yet"),
        }
    }
}

/// The one-liner for an action refused in a state: what to do instead.
fn not_from(action: &str, status: Status) -> String {
    let hint = match (action, status) {
        (_, Status::Closed) => "it is closed; reopen it with a reason first",
        ("resolve", Status::Resolved) => "it is resolved already",
        ("resolve", Status::Open | Status::Unreachable) => {
            "log the call that reached the customer first"
        }
        ("close", Status::Open) => {
            "no one has reached the customer yet; log the calls first (an unreachable case can be closed)"
        }
        ("attempt", Status::Resolved) => "it is resolved; reopen it to call again",
        ("reopen", _) => "only a resolved or closed case can be reopened",
        ("escalate", _) => "the customer has been reached, so there is nothing to escalate",
        _ => "not possible in this state",
    };
    format!("cannot {action} a case that is {}: {hint}", status.as_str())
}

/// May `actor` do `action` on `case`? The one permission check; the server calls it
/// (through [`apply`]) and enforces nothing of its own beyond reading scope.
pub fn authorize(case: &Case, actor: &Actor, action: &Action) -> Result<(), CaseError> {
    let (id, role, dealers) = match actor {
        Actor::System => {
            return match action {
                Action::Escalate => Ok(()),
                _ => Err(CaseError::SystemCannotAct),
            }
        }
        Actor::Person { id, role, dealers } => (id, *role, dealers),
    };
    if role == Role::ServiceAdvisor {
        return Err(CaseError::AdvisorCannotAct);
    }
    if !dealers.allows(case.dealer.as_deref()) {
        return Err(CaseError::OtherDealer {
            dealer: case.dealer.clone(),
        });
    }
    if role != Role::FollowUpAgent {
        return Ok(()); // admins and managers, within their dealers
    }
    match action {
        Action::Assign { to } => {
            if to == id && case.owner.as_ref().is_none_or(|o| o == id) {
                Ok(())
            } else {
                Err(CaseError::AgentCannotReassign)
            }
        }
        Action::Reopen { .. } => Err(CaseError::AgentCannotReopen),
        // An agent escalating a case they own is asking the manager for help.
        Action::Escalate
        | Action::Attempt { .. }
        | Action::Resolve { .. }
        | Action::Close { .. } => {
            if case.owner.as_deref() == Some(id.as_str()) {
                Ok(())
            } else {
                Err(CaseError::NotYourCase {
                    owner: case.owner.clone(),
                })
            }
        }
    }
}

/// The case after `event`, or why not. Permission first (an outsider learns nothing of
/// the case's state from the refusal), then the event's own fields, then the state.
pub fn apply(case: &Case, event: &Event, settings: &CaseSettings) -> Result<Case, CaseError> {
    authorize(case, &event.actor, &event.action)?;
    let at = epoch_millis(&event.at).ok_or(CaseError::BadTime)?;
    let mut next = case.clone();
    let refuse = |action: &'static str| CaseError::NotFrom {
        action,
        status: case.status,
    };
    match &event.action {
        Action::Assign { to } => {
            if to.trim().is_empty() {
                return Err(CaseError::EmptyAssignee);
            }
            if case.status == Status::Closed {
                return Err(refuse("assign"));
            }
            next.owner = Some(to.clone());
        }
        Action::Attempt { outcome } => {
            if let Outcome::CallBackAt(t) = outcome {
                epoch_millis(t).ok_or(CaseError::BadCallBackTime)?;
            }
            if matches!(case.status, Status::Resolved | Status::Closed) {
                return Err(refuse("attempt"));
            }
            match outcome {
                Outcome::Reached | Outcome::Refused | Outcome::CallBackAt(_) => {
                    next.status = Status::Contacted;
                    if next.contacted_at.is_none() {
                        next.contacted_at = Some(event.at.clone());
                    }
                    next.call_back_at = match outcome {
                        Outcome::CallBackAt(t) => Some(t.clone()),
                        _ => None,
                    };
                }
                Outcome::NoAnswer | Outcome::Busy => {
                    next.failed_attempts = case.failed_attempts.saturating_add(1);
                    if case.status == Status::Open
                        && next.failed_attempts >= settings.unreachable_after.max(1)
                    {
                        next.status = Status::Unreachable;
                    }
                }
                Outcome::WrongNumber => {
                    next.failed_attempts = case.failed_attempts.saturating_add(1);
                    if case.status == Status::Open {
                        next.status = Status::Unreachable;
                    }
                }
            }
        }
        Action::Resolve { resolution } => {
            let resolution = note(resolution, CaseError::EmptyResolution)?;
            if case.status != Status::Contacted {
                return Err(refuse("resolve"));
            }
            next.status = Status::Resolved;
            next.resolved_at = Some(event.at.clone());
            next.resolution = Some(resolution);
        }
        Action::Close {
            cause,
            severity,
            resolution,
        } => {
            let cause = cause.ok_or(CaseError::MissingCause)?;
            let severity = severity.ok_or(CaseError::MissingSeverity)?;
            let resolution = note(resolution, CaseError::EmptyResolution)?;
            if !matches!(
                case.status,
                Status::Contacted | Status::Resolved | Status::Unreachable
            ) {
                return Err(refuse("close"));
            }
            next.status = Status::Closed;
            next.closed_at = Some(event.at.clone());
            next.cause = Some(cause);
            next.severity = Some(severity);
            next.resolution = Some(resolution);
        }
        Action::Reopen { reason } => {
            note(reason, CaseError::ReasonRequired)?;
            if !matches!(case.status, Status::Resolved | Status::Closed) {
                return Err(refuse("reopen"));
            }
            next.status = Status::Open;
            next.failed_attempts = 0;
            next.resolved_at = None;
            next.closed_at = None;
            next.cause = None;
            next.severity = None;
            next.resolution = None;
        }
        Action::Escalate => {
            if case.escalated_at.is_some() {
                return Err(CaseError::AlreadyEscalated);
            }
            if !matches!(case.status, Status::Open | Status::Unreachable) {
                return Err(refuse("escalate"));
            }
            let due = epoch_millis(&case.due_at).ok_or(CaseError::BadTime)?;
            if at < due {
                return Err(CaseError::NotDueYet);
            }
            next.escalated_at = Some(event.at.clone());
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests;
