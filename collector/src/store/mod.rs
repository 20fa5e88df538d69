//! Where responses are kept: one trait, two real backends.
//!
//! - [`sqlite`]: the embedded default for a single dealer (one file, no setup).
//! - [`postgres`]: a dealer group's shared database, so several stateless collector
//!   processes can run behind a load balancer.
//!
//! ## The guarantee
//! A response id is stored at most once, and a survey link's token is used by at most
//! one response per survey, **enforced by the database's own unique constraints**, not
//! by a lock in this process: two collectors racing on the same id (a phone retrying
//! through a load balancer) still store one row. An insert is acknowledged (201/200)
//! only after the database has committed it durably (SQLite: WAL with
//! `synchronous=FULL`; PostgreSQL: its default `synchronous_commit=on`).
//!
//! ## The protocol of an insert
//! ```text
//! INSERT … ON CONFLICT DO NOTHING ──inserted──▶ Created(receipt)
//!        │ nothing inserted
//!        ▼
//! SELECT by id ──same canonical payload──▶ Duplicate(original receipt)
//!        │     └─other payload───────────▶ Conflict
//!        │ no row with this id
//!        ▼
//! the token's unique index refused it ──▶ TokenUsed
//! ```
//!
//! Every backend call has a deadline in the HTTP layer; a database that is locked or
//! slow makes posts answer 503 + `Retry-After` (the widget's outbox retries) while
//! pages, reads and `/healthz` go on, since they never wait for the writer.

pub mod accounts;
pub mod beacons;
pub mod cases;
pub mod definitions;
pub mod followups;
pub mod kiosks;
mod links;
pub mod migrations;
pub mod postgres;
mod postgres_accounts;
mod postgres_beacons;
mod postgres_cases;
mod postgres_followups;
mod postgres_links;
mod postgres_privacy;
mod postgres_targets;
mod postgres_totals;
mod postgres_voc;
pub mod privacy;
pub mod sqlite;
mod sqlite_accounts;
mod sqlite_beacons;
mod sqlite_cases;
mod sqlite_followups;
mod sqlite_links;
mod sqlite_privacy;
mod sqlite_targets;
mod sqlite_totals;
mod sqlite_voc;
pub mod targets;
pub mod totals;
pub mod webhooks;

pub use crate::settings::DealerSettings;
use crate::verify::Verified;
pub use accounts::{LoginOutcome, NewToken, NewUser, Session, Token, User};
use async_trait::async_trait;
pub use cases::{CaseChange, CaseEvent, CaseFilter, CaseRow, NewCase, OwnerFilter, SolveLink};
pub use followups::{
    Added, CoverageFilter, CoverageRow, FollowUpChange, FollowUpFilter, NewVisit, VisitRow,
};
pub use kiosks::{Kiosk, NewKiosk};
pub use privacy::{AuditEntry, AuditRecord, PurgePlan};
use std::fmt;
use survey_core::scoring::totals::Totals;
use survey_core::ResponsePayload;
pub use targets::{TargetCase, TargetFilter, TargetVisit};

/// What happened to a posted response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Insert {
    /// Stored now.
    Created(Receipt),
    /// Stored before with exactly this content: a retry, answered like the first time.
    Duplicate(Receipt),
    /// Stored before with other content under the same id.
    Conflict,
    /// Another response (another id) to the same survey already used this
    /// `context.token`: a survey link is answered once. Nothing stored.
    TokenUsed,
}

/// What the reply to a stored response tells, as stored the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub received_at: String,
    pub score_mismatch: bool,
    /// Alerts in the server's card (0 without one).
    pub alerts: i64,
    /// It came through a valid signed link ([`crate::links`]).
    pub verified: bool,
}

/// One stored row, as the read endpoints need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The storage order; the list cursor.
    pub seq: i64,
    pub id: String,
    pub received_at: String,
    pub survey_id: String,
    pub survey_version: i64,
    pub locale: String,
    pub created_at: String,
    /// JSON text.
    pub context: String,
    /// JSON text.
    pub answers: String,
    /// Canonical JSON text of the payload.
    pub payload: String,
    /// JSON text of the server's score card, if it scored the response.
    pub score: Option<String>,
    /// JSON text of the card the client sent, if any.
    pub client_score: Option<String>,
    pub score_mismatch: bool,
    pub alerts: i64,
    pub follow_up_due: Option<String>,
    pub dealer: Option<String>,
    /// It came through a valid signed link ([`crate::links`]).
    pub verified: bool,
}

/// Which rows a read covers; every part is optional and they combine with AND. Built
/// only by [`crate::query`], so every read route filters the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub survey: Option<String>,
    /// `context.dealer`, exactly.
    pub dealer: Option<String>,
    /// `created_at` at or after this [`crate::query::sort_key`].
    pub from: Option<String>,
    /// `created_at` before this [`crate::query::sort_key`].
    pub to: Option<String>,
    /// Only these dealers (`None`: all): the caller's scope, from [`crate::auth`].
    pub dealers: Option<Vec<String>>,
    /// Only this advisor's responses (a service advisor reading their own).
    pub advisor: Option<String>,
    /// Only responses with alerts (a follow-up agent's work).
    pub alerts_only: bool,
    /// Only responses that came through a signed link (`Some(true)`), only the others
    /// (`Some(false)`), or both (`None`).
    pub verified: Option<bool>,
    /// `context.station`, exactly (a lounge kiosk, a website).
    pub station: Option<String>,
    /// `context.agent`, exactly (the hotline agent of a post-call survey).
    pub agent: Option<String>,
    /// `context.channel`, exactly (`qr`, `sms`, …: how a signed link was handed over).
    pub channel: Option<String>,
    /// Only responses whose server card raised an alert (`Some(true)`), only those
    /// without (`Some(false)`), or both (`None`); `alerts_only` (a role's scope) still
    /// applies on top.
    pub alerts: Option<bool>,
    /// The server card's CSI (0-100) at least this; rows without a CSI are left out.
    pub csi_min: Option<i64>,
    /// The server card's CSI at most this; rows without a CSI are left out.
    pub csi_max: Option<i64>,
    /// A `LIKE` pattern (`%…%`, backslash, `%` and `_` escaped by [`crate::query`]) that some text
    /// answer (a comment) must match, case-insensitively for Latin letters.
    pub text: Option<String>,
}

/// One page of a list: rows after a cursor, in storage order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Only rows after this `seq` in the page's order (a larger one, or with
    /// `newest_first` a smaller one).
    pub after: Option<i64>,
    /// At most this many rows.
    pub limit: u32,
    /// Newest first (`order=newest`, what a manager reading the list wants); oldest
    /// first otherwise (a CRM syncing, the exports).
    pub newest_first: bool,
}

/// The scores of the rows a [`Filter`] selects, as the database sums them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scores {
    /// The sums of the server cards' totals ([`totals`]).
    pub totals: Totals,
    /// Rows without a server card (a survey the collector does not know).
    pub unscored: u64,
    /// Rows whose client card differed from the server's.
    pub mismatches: u64,
    /// The surveys of the scored rows (a summary never pools two).
    pub surveys: std::collections::BTreeSet<String>,
    /// Responses that answered the fixed-first-time question, and how many of them
    /// were fixed ([`totals::fixed_first_time`]).
    pub fixed_first_time: survey_core::scoring::totals::Outcomes,
}

/// What a breakdown groups responses by: a person or place in the visit's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// `context.advisor` (post-service).
    Advisor,
    /// `context.agent` (post-call).
    Agent,
    /// `context.station` (a kiosk).
    Station,
    /// `context.channel`: `phone` (an agent's interview, `routes::interviews`) against
    /// the self-completed ones (a link's `qr`, `sms`, …, or none).
    Channel,
}

impl Group {
    pub fn parse(s: &str) -> Option<Group> {
        match s {
            "advisor" => Some(Group::Advisor),
            "agent" => Some(Group::Agent),
            "station" => Some(Group::Station),
            "channel" => Some(Group::Channel),
            _ => None,
        }
    }

    /// The context key, as in the reply.
    pub fn key(self) -> &'static str {
        match self {
            Group::Advisor => "advisor",
            Group::Agent => "agent",
            Group::Station => "station",
            Group::Channel => "channel",
        }
    }
}

/// A visit's phone number, as deletion on request reads it (matched in Rust by
/// [`crate::privacy::phone_key`], which no SQL LIKE can do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitPhone {
    pub seq: i64,
    pub id: String,
    pub phone: String,
}

/// A storage failure.
#[derive(Debug)]
pub enum StoreError {
    /// The database did not answer within its deadline (locked, overloaded, down):
    /// answered 503 with `Retry-After`, nothing is lost since the client retries.
    Busy(String),
    /// Anything else: answered 500, logged, and the server goes on.
    Failed(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Busy(m) => write!(f, "database busy: {m}"),
            StoreError::Failed(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Failed(format!("serialising: {e}"))
    }
}

/// The storage every route goes through.
#[async_trait]
pub trait Store: Send + Sync {
    /// Stores a row once per id and once per (survey, token); see the module docs.
    async fn insert(&self, row: NewRow) -> Result<Insert, StoreError>;
    /// Rows of `filter` after the cursor, oldest first.
    async fn page(&self, filter: &Filter, page: PageRequest) -> Result<Vec<Row>, StoreError>;
    /// The context keys and answered question ids of the rows of `filter`, for the CSV
    /// header (computed by the database, so an export never holds every row).
    async fn columns(&self, filter: &Filter) -> Result<Columns, StoreError>;
    /// The server's cards and counts over the rows `filter` selects.
    async fn scores(&self, filter: &Filter) -> Result<Scores, StoreError>;
    /// The scores of the rows `filter` selects per period: `starts` are each period's
    /// label and the [`crate::query::sort_key`] it starts at, ascending (from
    /// [`crate::query::month_starts`]); a row counts in the last period started by its
    /// `created_at`. One pass over the rows, for the console's 12-month trend.
    async fn scores_by_period(
        &self,
        filter: &Filter,
        starts: &[(String, String)],
    ) -> Result<Vec<(Option<String>, Scores)>, StoreError>;
    /// The VOC tally of the rows `filter` selects per period of `starts` (as
    /// [`Store::scores_by_period`]), with the last period's newest comments per mark
    /// ([`crate::voc`]).
    async fn voc(
        &self,
        filter: &Filter,
        starts: &[(String, String)],
    ) -> Result<crate::voc::Tally, StoreError>;
    /// The dealers that have rows `filter` selects, sorted: what the console offers to
    /// choose from (within the caller's scope, which the filter carries).
    async fn dealers(&self, filter: &Filter) -> Result<Vec<String>, StoreError>;
    /// The scores of the rows `filter` selects, per value of `group` (sorted; `None`
    /// for rows without one), for the per-advisor, per-agent and per-station tables.
    async fn scores_by(
        &self,
        filter: &Filter,
        group: Group,
    ) -> Result<Vec<(Option<String>, Scores)>, StoreError>;
    /// Answers a read and a write (rolled back) now: `/readyz`.
    async fn ready(&self) -> Result<(), StoreError>;

    // Accounts, sessions and tokens (see `crate::auth`).

    /// Creates an account; `Ok(false)` when the login is taken, unless `replace`, which
    /// gives the existing account this password, role, dealers and advisor instead.
    async fn create_user(&self, user: NewUser, replace: bool) -> Result<bool, StoreError>;
    /// The account with this login (lower case).
    async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError>;
    /// Counts a failed login or resets the count; locks the account at `now` +
    /// [`accounts::LOCK_MINUTES`] once [`accounts::LOCK_AFTER`] failures are reached.
    async fn record_login(
        &self,
        user_id: &str,
        outcome: LoginOutcome,
        lock_until: &str,
    ) -> Result<(), StoreError>;
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError>;
    /// The live session of this cookie hash (not expired at `now`).
    async fn session(&self, token_hash: &str, now: &str) -> Result<Option<Session>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    async fn create_token(&self, token: NewToken) -> Result<(), StoreError>;
    /// A token that is not revoked, by the hash of its secret.
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<Token>, StoreError>;
    /// Tokens with any dealer in `dealers` (`None`: all tokens).
    async fn tokens(&self, dealers: Option<&[String]>) -> Result<Vec<Token>, StoreError>;
    /// The token with this id (revoked or not).
    async fn token(&self, id: &str) -> Result<Option<Token>, StoreError>;
    /// Marks a token revoked at `at`; `Ok(false)` when there is no such live token.
    async fn revoke_token(&self, id: &str, at: &str) -> Result<bool, StoreError>;

    // Kiosk device keys (see `crate::kiosks`).

    async fn create_kiosk(&self, kiosk: NewKiosk) -> Result<(), StoreError>;
    /// Kiosks as `which` says, of `dealers` only (`None`: any dealer).
    async fn kiosks(
        &self,
        which: kiosks::Which,
        dealers: Option<&[String]>,
    ) -> Result<Vec<Kiosk>, StoreError>;
    /// Marks a kiosk's key revoked at `at`; `Ok(false)` when there is no such live key.
    async fn revoke_kiosk(&self, id: &str, at: &str) -> Result<bool, StoreError>;

    // Customers' privacy (see `crate::privacy`).

    /// Every dealer's own retention period in days.
    async fn retention(&self) -> Result<Vec<(String, u32)>, StoreError>;
    /// Sets a dealer's retention period; `None` returns it to the default.
    async fn set_retention(
        &self,
        dealer: &str,
        days: Option<u32>,
        at: &str,
    ) -> Result<(), StoreError>;
    /// Clears the personal data of up to `limit` rows received before their cutoff in
    /// `plan` and not cleared yet, marking them cleared `at`; returns how many.
    async fn purge_batch(&self, plan: &PurgePlan, at: &str, limit: u32) -> Result<u64, StoreError>;
    /// `(seq, id, answers)` of rows after `after` whose answers may hold a phone number.
    async fn phone_candidates(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(i64, String, String)>, StoreError>;
    /// Deletes the responses `ids` and writes `entry` with the count deleted, in one
    /// transaction; returns the count.
    async fn forget(&self, ids: &[String], entry: &AuditEntry) -> Result<u64, StoreError>;
    /// Writes audit lines, in order, in one transaction.
    async fn record_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError>;
    /// Audit lines after the cursor, oldest first.
    async fn audit(&self, page: PageRequest) -> Result<Vec<AuditRecord>, StoreError>;
    /// The group's signed-link key: stores `candidate` if there is none yet (the first
    /// process to ask wins, in the database), then answers the stored one, so every
    /// collector of a group signs with the same key ([`crate::links`]).
    async fn link_key(&self, candidate: &str, now: &str) -> Result<String, StoreError>;
    /// Whether a response to `survey` used this link `token` already (a post through
    /// the link would be answered 409): `GET /v1/links/status`.
    async fn token_used(&self, survey: &str, token: &str) -> Result<bool, StoreError>;
    /// Every dealer's own reporting settings (time zone, targets), by dealer.
    async fn dealer_settings(&self) -> Result<Vec<DealerSettings>, StoreError>;
    /// Sets one dealer's reporting settings, replacing what it had.
    async fn set_dealer_settings(
        &self,
        settings: &DealerSettings,
        at: &str,
    ) -> Result<(), StoreError>;

    // Hot-alert cases (see `crate::cases` and `cases`): opened by `insert`.

    /// Cases of `filter` after the cursor, oldest first.
    async fn cases(
        &self,
        filter: &CaseFilter,
        page: PageRequest,
    ) -> Result<Vec<CaseRow>, StoreError>;
    /// The case with this id.
    async fn case(&self, id: &str) -> Result<Option<CaseRow>, StoreError>;
    /// A case's history, oldest first.
    async fn case_events(&self, id: &str) -> Result<Vec<CaseEvent>, StoreError>;
    /// The stored response with this id.
    async fn response(&self, id: &str) -> Result<Option<Row>, StoreError>;
    /// Writes `change` and its event in one transaction if the case is still at its
    /// expected version; `Ok(false)` (nothing written) if another change came first.
    async fn change_case(&self, change: &CaseChange) -> Result<bool, StoreError>;
    /// The user id a new case of `dealer` is given to, if the dealer has a default agent.
    async fn case_owner(&self, dealer: &str) -> Result<Option<String>, StoreError>;
    /// Sets (or with `None` removes) a dealer's default agent.
    async fn set_case_owner(
        &self,
        dealer: &str,
        owner: Option<&str>,
        at: &str,
    ) -> Result<(), StoreError>;
    /// Up to `limit` cases never reached, not escalated, due at or before `now`.
    async fn cases_to_escalate(&self, now: &str, limit: u32) -> Result<Vec<CaseRow>, StoreError>;
    /// The "did we solve it?" link of a case, if one was made.
    async fn solve_link(&self, case_id: &str) -> Result<Option<SolveLink>, StoreError>;
    /// Stores a case's link unless it has one (one per case); whether it was stored.
    async fn add_solve_link(&self, link: &SolveLink) -> Result<bool, StoreError>;
    /// The verified response of `survey` that came through the link with `token`.
    async fn response_by_token(&self, survey: &str, token: &str)
        -> Result<Option<Row>, StoreError>;
    /// A dealer's webhook ([`webhooks`]).
    async fn webhook(&self, dealer: &str) -> Result<Option<webhooks::Webhook>, StoreError>;
    /// Sets (`Some((url, format))`) or removes a dealer's webhook.
    async fn set_webhook(
        &self,
        dealer: &str,
        hook: Option<(&str, &str)>,
        at: &str,
    ) -> Result<(), StoreError>;
    /// Up to `limit` notifications to post at `now`, oldest first.
    async fn webhooks_due(
        &self,
        now: &str,
        limit: u32,
    ) -> Result<Vec<webhooks::Delivery>, StoreError>;
    /// Records one attempt at notification `key`.
    async fn webhook_attempt(
        &self,
        key: &str,
        attempt: &webhooks::Attempt,
    ) -> Result<(), StoreError>;

    // Visits and their routine follow-up calls (see `crate::followups` and `followups`).

    /// Adds visits once per (dealer, repair order), all in one transaction.
    async fn add_visits(&self, visits: &[NewVisit]) -> Result<Added, StoreError>;
    /// Open follow-ups of `filter`, by due time.
    async fn followups(&self, filter: &FollowUpFilter) -> Result<Vec<VisitRow>, StoreError>;
    /// How many open follow-ups `filter` picks (its limit ignored).
    async fn count_followups(&self, filter: &FollowUpFilter) -> Result<u64, StoreError>;
    /// The visit with this id.
    async fn visit(&self, id: &str) -> Result<Option<VisitRow>, StoreError>;
    /// Writes an attempt and the follow-up after it in one transaction if the visit is
    /// still at its expected version; `Ok(false)` (nothing written) if another came first.
    async fn change_followup(&self, change: &FollowUpChange) -> Result<bool, StoreError>;
    /// Visits after `after` (by `seq`) that still hold a phone number, at most `limit`:
    /// what deletion on request looks through ([`crate::privacy`]).
    async fn visit_phones(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<VisitPhone>, StoreError>;
    /// Removes the phone number of the visits `ids`; returns how many lost one.
    async fn clear_visit_phones(&self, ids: &[String]) -> Result<u64, StoreError>;
    /// Removes the phone number of every visit known before its dealer's cutoff in
    /// `plan` (the retention purge); returns how many lost one.
    async fn purge_visit_phones(&self, plan: &PurgePlan) -> Result<u64, StoreError>;
    /// Visits, invitations, responses and calls per dealer and advisor, counted by the
    /// database.
    async fn coverage(&self, filter: &CoverageFilter) -> Result<Vec<CoverageRow>, StoreError>;
    /// Saves a dealer's questionnaire as a draft ([`definitions`] says when it is refused).
    async fn save_definition(
        &self,
        definition: definitions::NewDefinition,
    ) -> Result<definitions::Saved, StoreError>;
    /// Publishes the draft `survey` `version` of `dealer`.
    async fn publish_definition(
        &self,
        survey: &str,
        version: u32,
        dealer: &str,
        at: &str,
    ) -> Result<definitions::Published, StoreError>;
    /// The definitions of `dealers` (every dealer's for `None`), without their bodies.
    async fn definitions(
        &self,
        dealers: Option<&[String]>,
    ) -> Result<Vec<definitions::DefinitionRow>, StoreError>;
    /// One definition with its body: `version` or the highest published; drafts only
    /// when `published_only` is false and a version is given.
    async fn definition(
        &self,
        survey: &str,
        version: Option<u32>,
        published_only: bool,
    ) -> Result<Option<definitions::DefinitionRow>, StoreError>;
    /// The cases opened in `filter`'s period, oldest first, for the targets
    /// ([`targets`]: per-row facts, counted in core).
    async fn target_cases(&self, filter: &TargetFilter) -> Result<Vec<TargetCase>, StoreError>;
    /// The visits picked up in `filter`'s pickup dates, each with its first call attempt.
    async fn target_visits(&self, filter: &TargetFilter) -> Result<Vec<TargetVisit>, StoreError>;
    /// A line for the startup log: which backend, where (no password).
    /// Stores a funnel beacon once per (visit, stage, page) ([`beacons`]); `true`
    /// when it is new.
    async fn add_beacon(&self, beacon: &beacons::NewBeacon) -> Result<bool, StoreError>;
    /// The funnel's counts per channel (`by_channel`) or pooled (the key `None`).
    async fn funnel(
        &self,
        filter: &beacons::BeaconFilter,
        by_channel: bool,
    ) -> Result<std::collections::BTreeMap<Option<String>, survey_core::funnel::Counts>, StoreError>;
    /// Deletes the beacons past retention ([`crate::privacy`]); returns how many.
    async fn purge_beacons(&self, plan: &PurgePlan) -> Result<u64, StoreError>;
    fn describe(&self) -> String;
}

/// The keys the CSV export makes columns of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// Every context key of the selected rows.
    pub context_keys: Vec<String>,
    /// `(survey id, question id)` for every answered question.
    pub answers: Vec<(String, String)>,
}

/// A row ready to insert: the payload and everything derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRow {
    pub id: String,
    pub received_at: String,
    pub survey_id: String,
    pub survey_version: i64,
    pub locale: String,
    pub created_at: String,
    pub context: String,
    pub answers: String,
    /// Compared to detect a changed retry (see [`canonical_json`]).
    pub payload: String,
    pub score: Option<String>,
    pub client_score: Option<String>,
    pub score_mismatch: bool,
    pub score_verified: bool,
    pub alerts: i64,
    pub follow_up_due: Option<String>,
    pub dealer: Option<String>,
    /// `context.token`; an empty one is no token.
    pub token: Option<String>,
    /// `context.advisor`, for an advisor's own reads.
    pub advisor: Option<String>,
    /// It came through a valid signed link ([`crate::links`]) or a live kiosk key.
    pub verified: bool,
    /// The kiosk whose key vouched for it ([`crate::kiosks`]).
    pub kiosk: Option<String>,
    /// The case to open with it (the response has hot alerts), in the same
    /// transaction, only if the response is stored now.
    pub case: Option<NewCase>,
    /// The server card's totals, stored beside it for the database to sum
    /// ([`totals`]); `None` for an unscored response.
    pub totals: Option<Totals>,
    /// Its fixed-first-time outcome, stored beside the totals ([`Verified`]).
    pub fixed_first_time: survey_core::scoring::totals::Outcomes,
    /// Its VOC marks and whether it has a comment ([`crate::voc`]).
    pub marks: Vec<String>,
    pub commented: bool,
}

impl NewRow {
    /// The columns of a validated, rescored payload received at `received_at`.
    pub fn of(
        payload: &ResponsePayload,
        verified: &Verified,
        received_at: &str,
    ) -> Result<Self, StoreError> {
        let server = verified.server.as_ref();
        let marks = crate::voc::marks(server, &payload.answers);
        Ok(NewRow {
            id: payload.id.as_str().to_string(),
            received_at: received_at.to_string(),
            survey_id: payload.survey.id.as_str().to_string(),
            survey_version: i64::from(payload.survey.version),
            locale: payload.locale.as_str().to_string(),
            created_at: payload.created_at.clone(),
            context: serde_json::to_string(&payload.context)?,
            answers: serde_json::to_string(&payload.answers)?,
            payload: canonical_json(payload)?,
            score: server.map(serde_json::to_string).transpose()?,
            client_score: payload
                .score
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?,
            score_mismatch: verified.mismatch,
            score_verified: server.is_some(),
            alerts: server.map_or(0, |c| i64::try_from(c.alerts.len()).unwrap_or(i64::MAX)),
            follow_up_due: server.and_then(|c| c.follow_up_due.clone()),
            dealer: payload.context.get("dealer").cloned(),
            token: payload
                .context
                .get("token")
                .filter(|t| !t.is_empty())
                .cloned(),
            advisor: payload.context.get("advisor").cloned(),
            verified: false,
            kiosk: None,
            case: None,
            totals: server.map(Totals::of),
            fixed_first_time: verified.fixed_first_time,
            marks: marks.0,
            commented: marks.1,
        })
    }

    /// The receipt of this row when it is the one stored.
    pub fn receipt(&self) -> Receipt {
        Receipt {
            received_at: self.received_at.clone(),
            score_mismatch: self.score_mismatch,
            alerts: self.alerts,
            verified: self.verified,
        }
    }
}

/// The text stored in `payload` and compared to detect a changed retry. Stable because
/// the payload's maps are sorted and its struct fields have a fixed order. It includes
/// the client's score as sent, so a retry with another card is a conflict.
pub fn canonical_json(payload: &ResponsePayload) -> Result<String, StoreError> {
    Ok(serde_json::to_string(payload)?)
}

/// Where the responses are: a SQLite file, or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; anything else a SQLite path.
    pub fn parse(db: &str) -> Self {
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            Location::Postgres(db.to_string())
        } else {
            Location::Sqlite(db.into())
        }
    }
}

/// Opens (creating and migrating as needed) the store at `location`.
pub async fn open(location: &Location) -> Result<std::sync::Arc<dyn Store>, String> {
    Ok(match location {
        Location::Sqlite(path) => std::sync::Arc::new(sqlite::SqliteStore::open(path).await?),
        Location::Postgres(url) => std::sync::Arc::new(postgres::PgStore::open(url).await?),
    })
}
