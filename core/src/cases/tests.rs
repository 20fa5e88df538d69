//! Every transition and every refusal of the case state machine, and the clock.

use super::*;
use crate::time::Zone;

const T0: &str = "2026-12-01T02:00:00.000Z";
const T1: &str = "2026-12-01T03:00:00.000Z";
const DUE: &str = "2026-12-03T02:00:00.000Z";
const AFTER_DUE: &str = "2026-12-03T02:00:00.001Z";

fn person(id: &str, role: Role, dealers: &[&str]) -> Actor {
    Actor::Person {
        id: id.into(),
        role,
        dealers: if role == Role::GroupAdmin {
            Dealers::All
        } else {
            Dealers::Some(dealers.iter().map(|d| d.to_string()).collect())
        },
    }
}

fn agent() -> Actor {
    person("u-agent", Role::FollowUpAgent, &["D001"])
}
fn manager() -> Actor {
    person("u-manager", Role::DealerManager, &["D001"])
}
fn admin() -> Actor {
    person("u-admin", Role::GroupAdmin, &[])
}

fn open_case(owner: Option<&str>) -> Case {
    Case::open(
        Some("D001".into()),
        owner.map(str::to_string),
        T0.into(),
        DUE.into(),
    )
}

fn ev(actor: &Actor, action: Action) -> Event {
    Event {
        at: T1.into(),
        actor: actor.clone(),
        action,
    }
}

fn attempt(o: Outcome) -> Action {
    Action::Attempt { outcome: o }
}

fn close(cause: Option<Cause>, severity: Option<Severity>, text: &str) -> Action {
    Action::Close {
        cause,
        severity,
        resolution: text.into(),
    }
}

fn run(case: &Case, actor: &Actor, action: Action) -> Result<Case, CaseError> {
    apply(case, &ev(actor, action), &CaseSettings::default())
}

/// A case of the agent in `status`, reached the usual way.
fn case_in(status: Status) -> Case {
    let a = agent();
    let c = open_case(Some("u-agent"));
    let step = |c: &Case, action| run(c, &a, action).expect("step");
    match status {
        Status::Open => c,
        Status::Contacted => step(&c, attempt(Outcome::Reached)),
        Status::Resolved => step(&case_in(Status::Contacted), resolve("fixed")),
        Status::Closed => step(
            &case_in(Status::Resolved),
            close(Some(Cause::Service), Some(Severity::General), "fixed"),
        ),
        Status::Unreachable => step(&c, attempt(Outcome::WrongNumber)),
    }
}

fn resolve(text: &str) -> Action {
    Action::Resolve {
        resolution: text.into(),
    }
}

#[test]
fn the_whole_happy_path() {
    let a = agent();
    let c = open_case(None);
    let c = run(
        &c,
        &a,
        Action::Assign {
            to: "u-agent".into(),
        },
    )
    .expect("take");
    assert_eq!(c.owner.as_deref(), Some("u-agent"));
    let c = run(&c, &a, attempt(Outcome::NoAnswer)).expect("no answer");
    assert_eq!((c.status, c.failed_attempts), (Status::Open, 1));
    let c = run(&c, &a, attempt(Outcome::Reached)).expect("reached");
    assert_eq!(c.status, Status::Contacted);
    assert_eq!(c.contacted_at.as_deref(), Some(T1));
    let c = run(&c, &a, resolve(" replaced the part ")).expect("resolve");
    assert_eq!(c.status, Status::Resolved);
    assert_eq!(c.resolution.as_deref(), Some("replaced the part"));
    let c = run(
        &c,
        &a,
        close(
            Some(Cause::Product),
            Some(Severity::Serious),
            "part replaced",
        ),
    )
    .expect("close");
    assert_eq!(c.status, Status::Closed);
    assert_eq!(c.cause, Some(Cause::Product));
    assert_eq!(c.severity, Some(Severity::Serious));
    assert_eq!(c.closed_at.as_deref(), Some(T1));
    let c = run(
        &c,
        &manager(),
        Action::Reopen {
            reason: "customer called again".into(),
        },
    )
    .expect("reopen");
    assert_eq!(
        (c.status, c.failed_attempts, c.cause),
        (Status::Open, 0, None)
    );
    assert_eq!(c.contacted_at.as_deref(), Some(T1), "history is kept");
}

#[test]
fn every_attempt_outcome() {
    let a = agent();
    for (outcome, status, failed) in [
        (Outcome::Reached, Status::Contacted, 0),
        (Outcome::Refused, Status::Contacted, 0),
        (
            Outcome::CallBackAt("2026-12-02T01:00:00Z".into()),
            Status::Contacted,
            0,
        ),
        (Outcome::NoAnswer, Status::Open, 1),
        (Outcome::Busy, Status::Open, 1),
        (Outcome::WrongNumber, Status::Unreachable, 1),
    ] {
        let c = run(&case_in(Status::Open), &a, attempt(outcome.clone())).expect("attempt");
        assert_eq!(
            (c.status, c.failed_attempts),
            (status, failed),
            "{outcome:?}"
        );
    }
    let c = run(
        &case_in(Status::Open),
        &a,
        attempt(Outcome::CallBackAt("2026-12-02T01:00:00Z".into())),
    )
    .expect("call back");
    assert_eq!(c.call_back_at.as_deref(), Some("2026-12-02T01:00:00Z"));
    // A later reached call clears the call-back time.
    let c = run(&c, &a, attempt(Outcome::Reached)).expect("reached");
    assert_eq!(c.call_back_at, None);
    // Calls go on on a contacted case (a failed one changes nothing but the count),
    // and on an unreachable one (reaching the customer makes it contacted).
    let c = run(&case_in(Status::Contacted), &a, attempt(Outcome::NoAnswer)).expect("again");
    assert_eq!(c.status, Status::Contacted);
    let c = run(&case_in(Status::Unreachable), &a, attempt(Outcome::Busy)).expect("again");
    assert_eq!(c.status, Status::Unreachable);
    let c = run(&case_in(Status::Unreachable), &a, attempt(Outcome::Reached)).expect("late");
    assert_eq!(c.status, Status::Contacted);
}

#[test]
fn unreachable_after_n_failed_attempts() {
    let a = agent();
    for n in [1_u32, 3, 5] {
        let settings = CaseSettings {
            unreachable_after: n,
        };
        let mut c = case_in(Status::Open);
        for i in 1..=n {
            c = apply(&c, &ev(&a, attempt(Outcome::NoAnswer)), &settings).expect("attempt");
            let expect = if i == n {
                Status::Unreachable
            } else {
                Status::Open
            };
            assert_eq!(c.status, expect, "attempt {i} of {n}");
        }
    }
    assert_eq!(CaseSettings::default().unreachable_after, 3);
}

#[test]
fn closing_needs_cause_severity_and_resolution() {
    let a = agent();
    let c = case_in(Status::Resolved);
    let refused = |action| run(&c, &a, action).expect_err("refused");
    assert_eq!(
        refused(close(None, Some(Severity::General), "x")),
        CaseError::MissingCause
    );
    assert_eq!(
        refused(close(Some(Cause::Price), None, "x")),
        CaseError::MissingSeverity
    );
    assert_eq!(
        refused(close(Some(Cause::Price), Some(Severity::General), "  ")),
        CaseError::EmptyResolution
    );
    assert_eq!(refused(resolve("")), CaseError::EmptyResolution);
    let long = "很".repeat(MAX_TEXT_CHARS + 1);
    assert_eq!(refused(resolve(&long)), CaseError::TextTooLong);
    assert_eq!(
        refused(close(Some(Cause::Price), Some(Severity::General), &long)),
        CaseError::TextTooLong
    );
    assert_eq!(
        run(&c, &manager(), Action::Reopen { reason: long }),
        Err(CaseError::TextTooLong)
    );
    let just = "很".repeat(MAX_TEXT_CHARS);
    assert!(run(&case_in(Status::Contacted), &a, resolve(&just)).is_ok());
    // Closing works from contacted, resolved and unreachable; not from open or closed.
    for status in [Status::Contacted, Status::Resolved, Status::Unreachable] {
        let c = run(
            &case_in(status),
            &a,
            close(Some(Cause::Integrity), Some(Severity::Malicious), "done"),
        )
        .expect("close");
        assert_eq!(c.status, Status::Closed, "from {status:?}");
    }
    for status in [Status::Open, Status::Closed] {
        let e = run(
            &case_in(status),
            &a,
            close(Some(Cause::Service), Some(Severity::General), "x"),
        )
        .expect_err("refused");
        assert_eq!(
            e,
            CaseError::NotFrom {
                action: "close",
                status
            }
        );
        assert_eq!(e.kind(), ErrorKind::Conflict);
    }
}

#[test]
fn state_refusals() {
    let a = agent();
    let not_from = |action: &'static str, status| CaseError::NotFrom { action, status };
    for status in [
        Status::Open,
        Status::Unreachable,
        Status::Resolved,
        Status::Closed,
    ] {
        assert_eq!(
            run(&case_in(status), &a, resolve("x")),
            Err(not_from("resolve", status))
        );
    }
    for status in [Status::Resolved, Status::Closed] {
        assert_eq!(
            run(&case_in(status), &a, attempt(Outcome::Reached)),
            Err(not_from("attempt", status))
        );
    }
    for status in [Status::Open, Status::Contacted, Status::Unreachable] {
        assert_eq!(
            run(
                &case_in(status),
                &manager(),
                Action::Reopen {
                    reason: "why".into()
                }
            ),
            Err(not_from("reopen", status))
        );
    }
    assert_eq!(
        run(
            &case_in(Status::Closed),
            &a,
            Action::Assign {
                to: "u-agent".into()
            }
        ),
        Err(not_from("assign", Status::Closed))
    );
    let c = run(
        &case_in(Status::Resolved),
        &manager(),
        Action::Reopen { reason: "r".into() },
    );
    assert_eq!(c.map(|c| c.status), Ok(Status::Open));
    // Every message is one line that says what to do.
    for status in Status::ALL {
        for action in [
            "resolve", "close", "attempt", "reopen", "escalate", "assign",
        ] {
            let m = not_from(action, status).to_string();
            assert!(!m.contains('\n') && m.contains(status.as_str()), "{m}");
        }
    }
}

#[test]
fn reopening_needs_a_reason() {
    for reason in ["", "   "] {
        assert_eq!(
            run(
                &case_in(Status::Closed),
                &manager(),
                Action::Reopen {
                    reason: reason.into()
                }
            ),
            Err(CaseError::ReasonRequired)
        );
    }
    assert_eq!(CaseError::ReasonRequired.kind(), ErrorKind::Invalid);
}

#[test]
fn who_may_act() {
    let c = case_in(Status::Contacted); // owned by u-agent
    let other_agent = person("u-other", Role::FollowUpAgent, &["D001"]);
    let other_dealer_agent = person("u-agent", Role::FollowUpAgent, &["D002"]);
    let other_manager = person("u-m2", Role::DealerManager, &["D002"]);
    let advisor = person("u-adv", Role::ServiceAdvisor, &["D001"]);
    let done = close(Some(Cause::Service), Some(Severity::General), "ok");
    // The owner, the dealer's manager and an admin may close.
    for actor in [agent(), manager(), admin()] {
        assert!(run(&c, &actor, done.clone()).is_ok(), "{actor:?}");
    }
    assert_eq!(
        run(&c, &other_agent, done.clone()),
        Err(CaseError::NotYourCase {
            owner: Some("u-agent".into())
        })
    );
    // Another dealer's agent, even with the owner's id, and another dealer's manager.
    for actor in [other_dealer_agent, other_manager] {
        let e = run(&c, &actor, done.clone()).expect_err("other dealer");
        assert_eq!(
            e,
            CaseError::OtherDealer {
                dealer: Some("D001".into())
            }
        );
        assert_eq!(e.kind(), ErrorKind::Forbidden);
    }
    assert_eq!(
        run(&c, &advisor, done.clone()),
        Err(CaseError::AdvisorCannotAct)
    );
    assert_eq!(
        run(&c, &Actor::System, done),
        Err(CaseError::SystemCannotAct)
    );
    // An unowned case: an agent takes it for themselves, not for someone else, and
    // cannot work it before taking it.
    let free = open_case(None);
    assert_eq!(
        run(&free, &agent(), attempt(Outcome::Reached)),
        Err(CaseError::NotYourCase { owner: None })
    );
    assert_eq!(
        run(
            &free,
            &agent(),
            Action::Assign {
                to: "u-other".into()
            }
        ),
        Err(CaseError::AgentCannotReassign)
    );
    assert_eq!(
        run(
            &c,
            &other_agent,
            Action::Assign {
                to: "u-other".into()
            }
        ),
        Err(CaseError::AgentCannotReassign),
        "taking someone else's case"
    );
    assert!(run(
        &free,
        &agent(),
        Action::Assign {
            to: "u-agent".into()
        }
    )
    .is_ok());
    // A manager reassigns; an empty assignee is refused.
    let moved = run(
        &c,
        &manager(),
        Action::Assign {
            to: "u-other".into(),
        },
    )
    .expect("move");
    assert_eq!(moved.owner.as_deref(), Some("u-other"));
    assert_eq!(
        run(&c, &manager(), Action::Assign { to: " ".into() }),
        Err(CaseError::EmptyAssignee)
    );
    // Reopening is the manager's.
    assert_eq!(
        run(
            &case_in(Status::Closed),
            &agent(),
            Action::Reopen { reason: "r".into() }
        ),
        Err(CaseError::AgentCannotReopen)
    );
    // A case with no dealer: only those who see every dealer.
    let mut nowhere = open_case(Some("u-agent"));
    nowhere.dealer = None;
    assert!(matches!(
        run(&nowhere, &agent(), attempt(Outcome::Reached)),
        Err(CaseError::OtherDealer { dealer: None })
    ));
    assert!(run(&nowhere, &admin(), attempt(Outcome::Reached)).is_ok());
}

#[test]
fn escalation() {
    let c = case_in(Status::Open);
    let at = |t: &str, actor: &Actor| Event {
        at: t.into(),
        actor: actor.clone(),
        action: Action::Escalate,
    };
    let s = CaseSettings::default();
    assert_eq!(
        apply(&c, &at(T1, &Actor::System), &s),
        Err(CaseError::NotDueYet)
    );
    let e = apply(&c, &at(DUE, &Actor::System), &s).expect("at due");
    assert_eq!(e.escalated_at.as_deref(), Some(DUE));
    assert_eq!(e.status, Status::Open, "the state is kept");
    assert_eq!(
        apply(&e, &at(AFTER_DUE, &Actor::System), &s),
        Err(CaseError::AlreadyEscalated)
    );
    // An unreachable case escalates too; a reached one does not.
    assert!(apply(
        &case_in(Status::Unreachable),
        &at(AFTER_DUE, &Actor::System),
        &s
    )
    .is_ok());
    for status in [Status::Contacted, Status::Resolved, Status::Closed] {
        assert_eq!(
            apply(&case_in(status), &at(AFTER_DUE, &Actor::System), &s),
            Err(CaseError::NotFrom {
                action: "escalate",
                status
            })
        );
    }
    // The owner and the manager may escalate; another agent may not.
    assert!(apply(&c, &at(AFTER_DUE, &agent()), &s).is_ok());
    assert!(apply(&c, &at(AFTER_DUE, &manager()), &s).is_ok());
    let other = person("u-other", Role::FollowUpAgent, &["D001"]);
    assert!(apply(&c, &at(AFTER_DUE, &other), &s).is_err());
}

#[test]
fn malformed_times_are_refused() {
    let mut e = ev(&agent(), attempt(Outcome::Reached));
    e.at = "yesterday".into();
    assert_eq!(
        apply(&case_in(Status::Open), &e, &CaseSettings::default()),
        Err(CaseError::BadTime)
    );
    assert_eq!(
        run(
            &case_in(Status::Open),
            &agent(),
            attempt(Outcome::CallBackAt("tomorrow 9am".into()))
        ),
        Err(CaseError::BadCallBackTime)
    );
}

#[test]
fn actions_parse_from_the_api_shape() {
    let parse = |s: &str| serde_json::from_str::<Action>(s);
    assert_eq!(
        parse(r#"{"action":"attempt","outcome":"no_answer"}"#).ok(),
        Some(attempt(Outcome::NoAnswer))
    );
    assert_eq!(
        parse(r#"{"action":"attempt","outcome":{"call_back_at":"2026-12-02T01:00:00Z"}}"#).ok(),
        Some(attempt(Outcome::CallBackAt("2026-12-02T01:00:00Z".into())))
    );
    assert_eq!(
        parse(r#"{"action":"close","resolution":"ok"}"#).ok(),
        Some(close(None, None, "ok")),
        "a missing cause is the state machine's refusal, with its message"
    );
    assert!(parse(r#"{"action":"close","cause":"weather","resolution":"ok"}"#).is_err());
    assert_eq!(
        parse(r#"{"action":"escalate"}"#).ok(),
        Some(Action::Escalate)
    );
}

// ---- the clock -------------------------------------------------------------------------

fn due(opened: &str, weekends_count: bool) -> String {
    case_due(
        opened,
        &ClockSettings {
            zone: Zone::SHANGHAI,
            weekends_count,
        },
    )
    .expect("due")
}

#[test]
fn a_case_is_due_two_days_later() {
    // Weekends count (the default): 48 hours, across a month end and a year end.
    assert!(ClockSettings::default().weekends_count);
    assert_eq!(
        due("2026-11-30T10:00:00Z", true),
        "2026-12-02T10:00:00.000Z"
    );
    assert_eq!(
        due("2026-12-31T20:00:00.5Z", true),
        "2027-01-02T20:00:00.000Z"
    );
    assert_eq!(
        due("2028-02-28T01:00:00Z", true),
        "2028-03-01T01:00:00.000Z"
    );
    // Friday 2026-12-04 15:00 Shanghai (07:00Z): working days → Tuesday 15:00.
    assert_eq!(
        due("2026-12-04T07:00:00Z", false),
        "2026-12-08T07:00:00.000Z"
    );
    assert_eq!(
        due("2026-12-04T07:00:00Z", true),
        "2026-12-06T07:00:00.000Z"
    );
    // Thursday 15:00 → Monday 15:00.
    assert_eq!(
        due("2026-12-03T07:00:00Z", false),
        "2026-12-07T07:00:00.000Z"
    );
    // Monday → Wednesday.
    assert_eq!(
        due("2026-11-30T02:00:00Z", false),
        "2026-12-02T02:00:00.000Z"
    );
    // Saturday 2026-12-05 10:00 Shanghai: counted from Monday 00:00 → Wednesday 00:00
    // Shanghai = Tuesday 16:00Z.
    assert_eq!(
        due("2026-12-05T02:00:00Z", false),
        "2026-12-08T16:00:00.000Z"
    );
    // The time zone decides the day: Friday 2026-12-04 20:00Z is already Saturday
    // 04:00 in Shanghai (a weekend), but still Friday in UTC.
    assert_eq!(
        due("2026-12-04T20:00:00Z", false),
        "2026-12-08T16:00:00.000Z"
    );
    let utc = ClockSettings {
        zone: Zone::UTC,
        weekends_count: false,
    };
    assert_eq!(
        case_due("2026-12-04T20:00:00Z", &utc).as_deref(),
        Some("2026-12-08T20:00:00.000Z")
    );
    // Friday 2026-01-30 → Tuesday 2026-02-03 (a month end inside the weekend skip).
    assert_eq!(
        due("2026-01-30T07:00:00Z", false),
        "2026-02-03T07:00:00.000Z"
    );
    assert_eq!(case_due("not a time", &ClockSettings::default()), None);
}

#[test]
fn overdue_and_escalation_are_about_contact() {
    let c = open_case(Some("u-agent"));
    assert!(!is_overdue(&c, "2026-12-03T01:59:59.999Z"));
    assert!(is_overdue(&c, DUE));
    assert!(needs_escalation(&c, AFTER_DUE));
    let reached = case_in(Status::Contacted);
    assert!(!is_overdue(&reached, AFTER_DUE));
    assert!(is_overdue(&case_in(Status::Unreachable), AFTER_DUE));
    let mut escalated = c.clone();
    escalated.escalated_at = Some(DUE.into());
    assert!(is_overdue(&escalated, AFTER_DUE));
    assert!(!needs_escalation(&escalated, AFTER_DUE));
    assert!(!is_overdue(&c, "garbage"));
}

#[test]
fn every_refusal_is_one_line_with_its_class() {
    use CaseError::*;
    let all = [
        (AdvisorCannotAct, ErrorKind::Forbidden),
        (OtherDealer { dealer: None }, ErrorKind::Forbidden),
        (NotYourCase { owner: None }, ErrorKind::Forbidden),
        (
            NotYourCase {
                owner: Some("u".into()),
            },
            ErrorKind::Forbidden,
        ),
        (AgentCannotReassign, ErrorKind::Forbidden),
        (AgentCannotReopen, ErrorKind::Forbidden),
        (SystemCannotAct, ErrorKind::Forbidden),
        (BadTime, ErrorKind::Invalid),
        (BadCallBackTime, ErrorKind::Invalid),
        (EmptyAssignee, ErrorKind::Invalid),
        (EmptyResolution, ErrorKind::Invalid),
        (TextTooLong, ErrorKind::Invalid),
        (MissingCause, ErrorKind::Invalid),
        (MissingSeverity, ErrorKind::Invalid),
        (ReasonRequired, ErrorKind::Invalid),
        (
            NotFrom {
                action: "close",
                status: Status::Open,
            },
            ErrorKind::Conflict,
        ),
        (AlreadyEscalated, ErrorKind::Conflict),
        (NotDueYet, ErrorKind::Conflict),
    ];
    for (e, kind) in all {
        let m = e.to_string();
        assert_eq!(e.kind(), kind, "{m}");
        assert!(!m.is_empty() && !m.contains('\n') && m.len() < 160, "{m}");
    }
}
