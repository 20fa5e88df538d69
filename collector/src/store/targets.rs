//! What the store gives the follow-up targets (`GET /v1/targets`, `survey_core::targets`):
//! per-row facts, not aggregates. Cases are few compared with responses (one per
//! response with a hot alert) and visits one per repair order, so a period's rows are
//! read and counted in core, where every figure has one definition and native tests;
//! the database only selects the rows (by dealer, scope and period) with the indexes it
//! has (`cases_by_dealer`, `visits_coverage`).

/// "Was your concern solved?" in the answers (JSON text) of a `case-solved` response:
/// the customer's yes or no, if they gave one.
pub fn solved(answers: Option<&str>) -> Option<bool> {
    let v: serde_json::Value = serde_json::from_str(answers?).ok()?;
    v["solved"]["yes_no"].as_bool()
}

/// Which rows a targets read covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFilter {
    /// Only these dealers (`None`: all): the caller's scope.
    pub dealers: Option<Vec<String>>,
    /// `dealer=`, exactly.
    pub dealer: Option<String>,
    /// Cases opened at or after this instant ([`crate::query::sort_key`], no `Z`).
    pub from: Option<String>,
    /// Cases opened before this instant (as `from`).
    pub to: Option<String>,
    /// Visits picked up on or after this date (`YYYY-MM-DD`): a superset the route
    /// narrows to the visits whose first call fell due in the period.
    pub pickup_from: Option<String>,
    /// Visits picked up on or before this date.
    pub pickup_to: Option<String>,
}

/// One case of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetCase {
    pub id: String,
    pub dealer: Option<String>,
    /// The owner's user id and login (the login is `None` if the account is gone).
    pub owner: Option<String>,
    pub owner_login: Option<String>,
    /// The `Case` as JSON.
    pub state: String,
    /// The customer's "was your concern solved?", if they answered the case's link (a
    /// verified `case-solved` response whose token is the case's id).
    pub solved: Option<bool>,
}

/// One visit whose first routine call may fall in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetVisit {
    pub dealer: String,
    pub pickup_date: String,
    /// The first call attempt's time and the agent who made it.
    pub first_attempt_at: Option<String>,
    pub first_actor: Option<String>,
    pub first_actor_login: Option<String>,
}
