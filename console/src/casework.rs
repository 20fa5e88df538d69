//! The cases pages' pure part: the replies of `/v1/cases` as types, which list each tab
//! asks for, which forms a case offers to whom, the action each form posts, and how an
//! answer reads. No browser, no clock: tested natively (`cargo test -p survey-console`).
//!
//! The collector's state machine (`core/src/cases`) is the only judge of an action:
//! the forms offered here only spare a person the ones that cannot apply (no call log
//! on a closed case), and whatever the server refuses is shown as its own one line.

use serde::Deserialize;
use serde_json::{json, Value};

/// One case as `/v1/cases` and `/v1/cases/{id}` show it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CaseItem {
    pub id: String,
    pub response_id: String,
    #[serde(default)]
    pub dealer: Option<String>,
    #[serde(default)]
    pub owner_login: Option<String>,
    pub status: String,
    pub due_at: String,
    /// The due time on the dealer's clock (`YYYY-MM-DD HH:MM`), and that zone.
    #[serde(default)]
    pub due_local: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub escalated: bool,
    #[serde(default)]
    pub failed_attempts: u32,
    #[serde(default)]
    pub call_back_local: Option<String>,
    #[serde(default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub resolution: Option<String>,
    /// The alerts' rules (the list only).
    #[serde(default)]
    pub alerts: Vec<String>,
    /// The visit (the list only): repair order, date, advisor.
    #[serde(default)]
    pub visit: Option<Visit>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Visit {
    #[serde(default)]
    pub repair_order: Option<String>,
    #[serde(default)]
    pub visit_date: Option<String>,
    #[serde(default)]
    pub advisor: Option<String>,
}

/// `GET /v1/cases`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CaseList {
    pub items: Vec<CaseItem>,
    #[serde(default)]
    pub next: Option<String>,
}

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EventLine {
    pub at: String,
    #[serde(default)]
    pub at_local: Option<String>,
    pub actor: String,
    #[serde(default)]
    pub actor_login: Option<String>,
    pub action: String,
    #[serde(default)]
    pub detail: Value,
}

/// One alert of the case's response.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AlertLine {
    pub rule: String,
    #[serde(default)]
    pub question: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
}

/// `GET /v1/cases/{id}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CaseDetail {
    pub case: CaseItem,
    pub events: Vec<EventLine>,
    pub alerts: Vec<AlertLine>,
    pub response: ResponsePart,
    /// The survey's questions in order, with their texts by locale.
    #[serde(default)]
    pub questions: Vec<QuestionText>,
    /// The closed case's "did we solve it?" link and answer (`crate::solve`).
    #[serde(default)]
    pub solve: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QuestionText {
    pub id: String,
    #[serde(default)]
    pub text: std::collections::BTreeMap<String, String>,
}

/// The answers as (question, answer) rows: in the survey's order with the question's
/// text in `locale` (else zh-CN, else its id), then any answer the survey does not
/// list, by its id. The contact block is left out (it is shown apart).
pub fn answer_rows(
    answers: &Value,
    questions: &[QuestionText],
    locale: &str,
    words: (&str, &str, &str),
) -> Vec<(String, String)> {
    let Some(map) = answers.as_object() else {
        return Vec::new();
    };
    let text = |v: &Value| answer_text(v, words.0, words.1, words.2);
    let mut rows = Vec::new();
    for q in questions {
        if let Some(a) = map.get(&q.id).and_then(text) {
            let label = q
                .text
                .get(locale)
                .or_else(|| q.text.get("zh-CN"))
                .cloned()
                .unwrap_or_else(|| q.id.clone());
            rows.push((label, a));
        }
    }
    for (id, v) in map {
        if !questions.iter().any(|q| &q.id == id) {
            if let Some(a) = text(v) {
                rows.push((id.clone(), a));
            }
        }
    }
    rows
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ResponsePart {
    pub id: String,
    #[serde(default)]
    pub context: Value,
    #[serde(default)]
    pub answers: Value,
}

/// `POST /v1/cases/{id}/events`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChangeReply {
    pub case: CaseItem,
}

/// The lists of the cases page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The caller's cases that are not closed.
    Mine,
    /// No one's yet: an agent takes one.
    Unowned,
    /// Past their due time, never reached.
    Overdue,
    /// The manager's list.
    Escalated,
}

impl Tab {
    pub fn key(self) -> &'static str {
        match self {
            Tab::Mine => "mine",
            Tab::Unowned => "unowned",
            Tab::Overdue => "overdue",
            Tab::Escalated => "escalated",
        }
    }

    /// The query of `/v1/cases` for this tab.
    pub fn query(self) -> &'static str {
        match self {
            Tab::Mine => "owner=me&limit=200",
            Tab::Unowned => "owner=none&limit=200",
            Tab::Overdue => "overdue=yes&limit=200",
            Tab::Escalated => "escalated=yes&limit=200",
        }
    }

    /// The rows of a reply this tab shows: "my open cases" leaves out the closed ones.
    pub fn keep(self, item: &CaseItem) -> bool {
        match self {
            Tab::Mine => item.status != "closed",
            _ => true,
        }
    }
}

/// The roles as `/v1/auth/me` names them.
pub fn is_manager(role: &str) -> bool {
    matches!(role, "dealer_manager" | "group_admin")
}

/// Whether the role works cases at all (a service advisor does not: the cases are
/// complaints about their own service).
pub fn works_cases(role: &str) -> bool {
    matches!(role, "dealer_manager" | "group_admin" | "follow_up_agent")
}

/// Whether the role reads coverage (the collector's summary rule): everyone but
/// follow-up agents, who read the responses that need a call.
pub fn reads_coverage(role: &str) -> bool {
    matches!(role, "dealer_manager" | "group_admin" | "service_advisor")
}

/// Whether the role makes what counts as a dealer's real customers: kiosk device keys,
/// repair-order imports and the dealer's own questionnaires (the collector's one rule
/// behind `auth::rule::kiosks`, `import_visits` and `questionnaires`): admins and
/// managers, never advisors or agents.
pub fn vouches(role: &str) -> bool {
    matches!(role, "dealer_manager" | "group_admin")
}

/// May this role download exports (the collector's `Resource::Export`)? Everyone but a
/// follow-up agent, who reads the responses that need a call, not files of them; the
/// buttons are not offered to whom the collector would refuse.
pub fn exports(role: &str) -> bool {
    role != "follow_up_agent"
}

/// The tabs a role sees, the one it opens on first: an agent's own list; for a
/// manager, the escalated cases (what moves to the manager's list when no one called in
/// time). A manager owns few cases, so opening on "mine" showed an empty list while
/// hundreds were escalated (seen in the demo's year of data).
pub fn tabs(role: &str) -> Vec<Tab> {
    let mut tabs = vec![Tab::Mine, Tab::Unowned, Tab::Overdue];
    if is_manager(role) {
        tabs.insert(0, Tab::Escalated);
    }
    tabs
}

/// Where the console is, from the location's hash: `#cases`, `#cases/<id>`, or the
/// overview (anything else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Overview,
    /// The responses list (crate::list).
    Responses,
    /// The VOC monthly report (crate::report).
    Report,
    Cases,
    Case(String),
    /// Lounge kiosks' device keys (crate::kiosks).
    Kiosks,
    /// Today's routine follow-up calls and the repair-order import (crate::calls).
    Calls,
    /// Visits invited, responded, called per dealer and advisor (crate::calls).
    Coverage,
    /// The dealer's own questionnaires (crate::questionnaires).
    Questionnaires,
    /// Follow-up targets per dealer and agent (crate::targets).
    Targets,
    /// Where new cases and escalations are posted (crate::webhook).
    Notifications,
    /// The survey's own completion funnel per channel (crate::funnel).
    Funnel,
}

impl Route {
    pub fn from_hash(hash: &str) -> Route {
        let h = hash.trim_start_matches('#');
        match h.split_once('/') {
            Some(("cases", id)) if is_id(id) => Route::Case(id.to_string()),
            None if h == "cases" => Route::Cases,
            None if h == "kiosks" => Route::Kiosks,
            None if h == "calls" => Route::Calls,
            None if h == "coverage" => Route::Coverage,
            None if h == "questionnaires" => Route::Questionnaires,
            None if h == "targets" => Route::Targets,
            None if h == "notifications" => Route::Notifications,
            None if h == "responses" => Route::Responses,
            None if h == "report" => Route::Report,
            None if h == "funnel" => Route::Funnel,
            _ => Route::Overview,
        }
    }

    pub fn hash(&self) -> String {
        match self {
            Route::Overview => "#overview".into(),
            Route::Cases => "#cases".into(),
            Route::Case(id) => format!("#cases/{id}"),
            Route::Kiosks => "#kiosks".into(),
            Route::Calls => "#calls".into(),
            Route::Coverage => "#coverage".into(),
            Route::Questionnaires => "#questionnaires".into(),
            Route::Targets => "#targets".into(),
            Route::Notifications => "#notifications".into(),
            Route::Responses => "#responses".into(),
            Route::Report => "#report".into(),
            Route::Funnel => "#funnel".into(),
        }
    }
}

/// A case id as the collector writes them (a UUID's alphabet): nothing else goes into
/// a request path.
fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// Which forms a case offers. The server decides; these only leave out what cannot
/// apply in the case's state or to the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forms {
    pub attempt: bool,
    pub status: bool,
    pub assign: bool,
    pub close: bool,
    pub reopen: bool,
}

pub fn forms(status: &str, role: &str) -> Forms {
    if !works_cases(role) {
        return Forms::default();
    }
    let live = matches!(status, "open" | "contacted" | "unreachable");
    Forms {
        attempt: live,
        status: live,
        assign: status != "closed",
        close: matches!(status, "contacted" | "resolved" | "unreachable"),
        reopen: is_manager(role) && matches!(status, "resolved" | "closed"),
    }
}

/// The outcomes of a call, as the API names them.
pub const OUTCOMES: [&str; 6] = [
    "reached",
    "no_answer",
    "busy",
    "refused",
    "wrong_number",
    "call_back",
];
pub const CAUSES: [&str; 4] = ["product", "service", "price", "integrity"];
pub const SEVERITIES: [&str; 3] = ["general", "serious", "malicious"];

/// A form the console checks before asking the server: only what the request cannot
/// be written without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormError {
    ChooseOutcome,
    /// "Call back at" without a time (or one the browser could not read).
    CallBackTime,
    ChooseStatus,
}

/// The `attempt` action; `call_back_utc` is the "call back at" time already in UTC.
pub fn attempt_action(outcome: &str, call_back_utc: Option<&str>) -> Result<Value, FormError> {
    match outcome {
        "call_back" => match call_back_utc {
            Some(t) if !t.is_empty() => {
                Ok(json!({"action": "attempt", "outcome": {"call_back_at": t}}))
            }
            _ => Err(FormError::CallBackTime),
        },
        o if OUTCOMES.contains(&o) => Ok(json!({"action": "attempt", "outcome": o})),
        _ => Err(FormError::ChooseOutcome),
    }
}

/// The status change: `resolved` (with what was done) or `escalate` (ask the manager).
pub fn status_action(to: &str, note: &str) -> Result<Value, FormError> {
    match to {
        "resolved" => Ok(json!({"action": "resolve", "resolution": note})),
        "escalate" => Ok(json!({"action": "escalate"})),
        _ => Err(FormError::ChooseStatus),
    }
}

/// `close`: a missing cause or severity is sent as missing, so the server's own line
/// says which.
pub fn close_action(cause: &str, severity: &str, resolution: &str) -> Value {
    let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
    json!({
        "action": "close",
        "cause": some(cause),
        "severity": some(severity),
        "resolution": resolution,
    })
}

pub fn assign_action(login: &str) -> Value {
    json!({"action": "assign", "to": login.trim()})
}

pub fn reopen_action(reason: &str) -> Value {
    json!({"action": "reopen", "reason": reason})
}

/// An answer as a person reads it: `4`, `yes`, the text, the choices; `None` for the
/// contact block (shown apart, for the roles that may see it).
pub fn answer_text(v: &Value, yes: &str, no: &str, not_applicable: &str) -> Option<String> {
    if v.as_str() == Some("not_applicable") {
        return Some(not_applicable.into());
    }
    let o = v.as_object()?;
    if o.contains_key("contact") {
        return None;
    }
    if let Some(n) = o.get("scale").and_then(Value::as_f64) {
        return Some(format!("{n}"));
    }
    if let Some(b) = o.get("yes_no").and_then(Value::as_bool) {
        return Some(if b { yes } else { no }.into());
    }
    if let Some(t) = o.get("text").and_then(Value::as_str) {
        return Some(t.into());
    }
    if let Some(c) = o.get("choice").and_then(Value::as_str) {
        return Some(c.into());
    }
    if let Some(list) = o.get("choices").and_then(Value::as_array) {
        let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        return Some(names.join(", "));
    }
    Some(v.to_string())
}

/// The contact data in the answers (`name`, `phone`, `email`, …), in a stable order;
/// empty when there is none or the server left it out for this role.
pub fn contact(answers: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(map) = answers.as_object() {
        for v in map.values() {
            if let Some(c) = v.get("contact").and_then(Value::as_object) {
                for key in ["name", "phone", "email", "wechat", "preferred_time"] {
                    if let Some(s) = c.get(key).and_then(Value::as_str) {
                        if !s.is_empty() {
                            out.push((key.to_string(), s.to_string()));
                        }
                    }
                }
            }
        }
    }
    out
}

/// What a history line did, in the API's words: `attempt: no_answer`, `close: service,
/// serious`, `assign`.
pub fn event_summary(e: &EventLine) -> (String, Option<String>) {
    let d = &e.detail;
    let text = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_string);
    let sub = match e.action.as_str() {
        "attempt" => match d.get("outcome") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) if o.contains_key("call_back_at") => Some("call_back".into()),
            _ => None,
        },
        "close" => text("cause"),
        _ => None,
    };
    (e.action.clone(), sub)
}

/// The free text of a history line (a resolution, a reason), if any.
pub fn event_note(e: &EventLine) -> Option<String> {
    ["resolution", "reason"]
        .iter()
        .find_map(|k| e.detail.get(*k).and_then(Value::as_str))
        .map(str::to_string)
}

/// Who did it: the login, `system` for the server's sweep, or the stored label.
pub fn who(e: &EventLine) -> String {
    match (&e.actor_login, e.actor.as_str()) {
        (Some(login), _) => login.clone(),
        (None, actor) => actor.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(status: &str) -> CaseItem {
        serde_json::from_value(json!({
            "id": "c1", "response_id": "r1", "status": status,
            "due_at": "2026-12-06T10:00:00.000Z", "due_local": "2026-12-06 18:00",
            "time_zone": "Asia/Shanghai", "alerts": ["nps_detractor"],
            "visit": {"repair_order": "RO-1", "visit_date": "2026-12-01"}
        }))
        .expect("a case")
    }

    #[test]
    fn tabs_by_role_and_what_they_keep() {
        assert_eq!(
            tabs("follow_up_agent"),
            [Tab::Mine, Tab::Unowned, Tab::Overdue]
        );
        assert_eq!(tabs("dealer_manager").first(), Some(&Tab::Escalated));
        assert_eq!(tabs("group_admin").len(), 4);
        assert!(!works_cases("service_advisor"));
        assert!(Tab::Mine.keep(&item("open")));
        assert!(!Tab::Mine.keep(&item("closed")));
        assert!(Tab::Escalated.keep(&item("closed")));
        assert_eq!(Tab::Unowned.query(), "owner=none&limit=200");
    }

    #[test]
    fn routes_from_the_hash() {
        assert_eq!(Route::from_hash("#cases"), Route::Cases);
        assert_eq!(Route::from_hash("#kiosks"), Route::Kiosks);
        for r in [
            Route::Overview,
            Route::Responses,
            Route::Report,
            Route::Cases,
            Route::Kiosks,
            Route::Calls,
            Route::Coverage,
            Route::Targets,
            Route::Questionnaires,
            Route::Notifications,
        ] {
            assert_eq!(Route::from_hash(&r.hash()), r);
        }
        assert_eq!(Route::from_hash(&Route::Kiosks.hash()), Route::Kiosks);
        assert!(vouches("dealer_manager") && !vouches("service_advisor"));
        assert!(!vouches("follow_up_agent"));
        assert!(
            !exports("follow_up_agent") && exports("service_advisor") && exports("dealer_manager")
        );
        let id = "0b7c9a2e-51f4-4c3e-9d7a-2f1e8b6c4d10";
        assert_eq!(
            Route::from_hash(&format!("#cases/{id}")),
            Route::Case(id.into())
        );
        assert_eq!(Route::Case(id.into()).hash(), format!("#cases/{id}"));
        assert_eq!(Route::from_hash(""), Route::Overview);
        assert_eq!(Route::from_hash("#cases/../../v1/users"), Route::Overview);
        assert_eq!(Route::from_hash("#cases/"), Route::Overview);
    }

    #[test]
    fn forms_follow_the_state_and_the_role() {
        let open = forms("open", "follow_up_agent");
        assert!(open.attempt && open.status && open.assign && !open.close && !open.reopen);
        let contacted = forms("contacted", "follow_up_agent");
        assert!(contacted.close && contacted.attempt);
        let closed = forms("closed", "follow_up_agent");
        assert_eq!(closed, Forms::default(), "an agent cannot reopen");
        let closed = forms("closed", "dealer_manager");
        assert!(closed.reopen && !closed.assign && !closed.attempt);
        assert_eq!(forms("open", "service_advisor"), Forms::default());
    }

    #[test]
    fn actions_as_the_api_takes_them() {
        assert_eq!(
            attempt_action("no_answer", None),
            Ok(json!({"action": "attempt", "outcome": "no_answer"}))
        );
        assert_eq!(
            attempt_action("call_back", Some("2026-12-05T01:30:00.000Z")),
            Ok(
                json!({"action": "attempt", "outcome": {"call_back_at": "2026-12-05T01:30:00.000Z"}})
            )
        );
        assert_eq!(
            attempt_action("call_back", None),
            Err(FormError::CallBackTime)
        );
        assert_eq!(
            attempt_action("call_back", Some("")),
            Err(FormError::CallBackTime)
        );
        assert_eq!(attempt_action("", None), Err(FormError::ChooseOutcome));
        assert_eq!(
            attempt_action("shouted", None),
            Err(FormError::ChooseOutcome)
        );
        assert_eq!(
            status_action("resolved", "fixed"),
            Ok(json!({"action": "resolve", "resolution": "fixed"}))
        );
        assert_eq!(status_action("", ""), Err(FormError::ChooseStatus));
        assert_eq!(
            close_action("service", "", "refund"),
            json!({"action": "close", "cause": "service", "severity": null, "resolution": "refund"})
        );
        assert_eq!(
            assign_action(" li "),
            json!({"action": "assign", "to": "li"})
        );
        assert_eq!(
            reopen_action("came back"),
            json!({"action": "reopen", "reason": "came back"})
        );
    }

    #[test]
    fn answers_and_contact_read_as_people_read_them() {
        let t = |v: Value| answer_text(&v, "yes", "no", "n/a");
        assert_eq!(t(json!({"scale": 4})), Some("4".into()));
        assert_eq!(t(json!({"yes_no": false})), Some("no".into()));
        assert_eq!(t(json!("not_applicable")), Some("n/a".into()));
        assert_eq!(t(json!({"choices": ["a", "b"]})), Some("a, b".into()));
        assert_eq!(t(json!({"contact": {"phone": "1"}})), None);
        let answers = json!({
            "q1": {"scale": 2},
            "contact_me": {"contact": {"consent": true, "phone": "13800138000", "name": "王"}}
        });
        assert_eq!(
            contact(&answers),
            vec![
                ("name".into(), "王".into()),
                ("phone".into(), "13800138000".into())
            ]
        );
        assert!(contact(&json!({"q1": {"scale": 2}})).is_empty());
    }

    #[test]
    fn answers_follow_the_survey_with_its_texts() {
        let questions: Vec<QuestionText> = serde_json::from_value(json!([
            {"id": "nps", "text": {"zh-CN": "推荐", "en": "Recommend"}},
            {"id": "s_overall", "text": {"zh-CN": "总体"}},
            {"id": "contact_me", "text": {"en": "Contact"}}
        ]))
        .expect("questions");
        let answers = json!({
            "s_overall": {"scale": 2}, "nps": {"scale": 3}, "extra": {"text": "x"},
            "contact_me": {"contact": {"phone": "1"}}
        });
        let rows = answer_rows(&answers, &questions, "en", ("yes", "no", "n/a"));
        assert_eq!(
            rows,
            vec![
                ("Recommend".into(), "3".into()),
                ("总体".into(), "2".into()),
                ("extra".into(), "x".into())
            ]
        );
    }

    #[test]
    fn history_lines() {
        let line: EventLine = serde_json::from_value(json!({
            "at": "2026-12-04T10:00:00.000Z", "actor": "user:u1", "actor_login": "li",
            "action": "attempt", "detail": {"outcome": {"call_back_at": "2026-12-05T01:00:00Z"}}
        }))
        .expect("a line");
        assert_eq!(
            event_summary(&line),
            ("attempt".into(), Some("call_back".into()))
        );
        assert_eq!(who(&line), "li");
        let close: EventLine = serde_json::from_value(json!({
            "at": "t", "actor": "system", "action": "close",
            "detail": {"cause": "price", "resolution": "refund"}
        }))
        .expect("a line");
        assert_eq!(event_summary(&close).1.as_deref(), Some("price"));
        assert_eq!(event_note(&close).as_deref(), Some("refund"));
        assert_eq!(who(&close), "system");
    }
}
