//! Every transition, refusal and calendar edge of the routine follow-up schedule.

use super::*;

fn person(role: Role, dealers: &[&str]) -> Actor {
    Actor::Person {
        id: format!("u-{role:?}"),
        role,
        dealers: if role == Role::GroupAdmin {
            Dealers::All
        } else {
            Dealers::Some(dealers.iter().map(|d| d.to_string()).collect())
        },
    }
}

fn agent() -> Actor {
    person(Role::FollowUpAgent, &["D001"])
}

fn shanghai() -> Schedule {
    Schedule::default()
}

/// Picked up Saturday 2026-11-28 at D001 (Shanghai): due Tuesday 12-01.
fn visit() -> FollowUp {
    FollowUp::schedule("D001", "2026-11-28", &shanghai()).expect("schedules")
}

/// 2026-12-01 10:00 Shanghai.
const ON_DUE_DAY: &str = "2026-12-01T02:00:00.000Z";

fn attempt(at: &str, outcome: Outcome) -> Attempt {
    Attempt {
        at: at.into(),
        actor: agent(),
        outcome,
        note: None,
    }
}

fn try_(f: &FollowUp, at: &str, outcome: Outcome) -> Result<FollowUp, FollowUpError> {
    apply(f, &attempt(at, outcome), &shanghai())
}

#[test]
fn a_visit_is_due_three_days_after_pickup_and_overdue_after_seven() {
    let f = visit();
    assert_eq!(f.status, Status::Due);
    assert_eq!(f.window.due_on, "2026-12-01");
    // 00:00 of 12-01 in Shanghai is 16:00Z the day before.
    assert_eq!(f.window.due_at, "2026-11-30T16:00:00.000Z");
    // On time through 12-05; overdue from 12-06 00:00 Shanghai.
    assert_eq!(f.window.overdue_at, "2026-12-05T16:00:00.000Z");
    assert!(!f.is_due("2026-11-30T15:59:59.999Z"));
    assert!(f.is_due("2026-11-30T16:00:00.000Z"));
    assert!(!f.is_overdue("2026-12-05T15:59:59.999Z"));
    assert!(f.is_overdue("2026-12-05T16:00:00.000Z"));
    assert!(
        f.is_due("2026-12-05T16:00:00.000Z"),
        "an overdue call stays on the list"
    );
    assert!(!f.is_due("garbage") && !f.is_overdue("garbage"));
}

#[test]
fn the_day_boundary_is_the_dealers_not_utcs() {
    // The same pickup date in UTC and in Shanghai: the due instant differs by 8 hours.
    let utc = Schedule {
        zone: Zone::UTC,
        weekends_count: true,
    };
    let f = FollowUp::schedule("D001", "2026-11-28", &utc).expect("schedules");
    assert_eq!(f.window.due_at, "2026-12-01T00:00:00.000Z");
    // 23:30 Shanghai on 12-01 is 15:30Z: the second attempt is from 12-02 Shanghai.
    let w = second_attempt("2026-12-01T15:30:00Z", &shanghai()).expect("window");
    assert_eq!(w.due_on, "2026-12-02");
    assert_eq!(w.due_at, "2026-12-01T16:00:00.000Z");
    assert_eq!(w.overdue_at, "2026-12-08T16:00:00.000Z");
    // 16:30Z is already 12-02 00:30 in Shanghai: from 12-03.
    let w = second_attempt("2026-12-01T16:30:00Z", &shanghai()).expect("window");
    assert_eq!(w.due_on, "2026-12-03");
    assert_eq!(second_attempt("x", &shanghai()), None);
}

#[test]
fn month_and_year_ends_and_leap_days() {
    let s = shanghai();
    let f = |pickup: &str| first_call(pickup, &s).expect("window");
    assert_eq!(f("2026-11-29").due_on, "2026-12-02");
    assert_eq!(f("2026-01-30").due_on, "2026-02-02");
    assert_eq!(f("2027-12-29").due_on, "2028-01-01");
    // 2028 is a leap year: 02-26 + 3 = 02-29, on time through 03-04.
    let w = f("2028-02-26");
    assert_eq!(w.due_on, "2028-02-29");
    assert_eq!(w.overdue_at, "2028-03-04T16:00:00.000Z");
    // 2027 is not: 02-29 does not exist.
    assert_eq!(first_call("2027-02-29", &s), None);
    assert_eq!(
        FollowUp::schedule("D001", "2026/13/01", &s),
        Err(FollowUpError::BadPickup {
            given: "2026/13/01".into()
        })
    );
}

#[test]
fn weekends_move_to_monday_when_they_do_not_count() {
    let weekdays = Schedule {
        zone: Zone::SHANGHAI,
        weekends_count: false,
    };
    // Picked up Wednesday 2026-12-02: +3 is Saturday 12-05 → Monday 12-07; +7 is
    // Wednesday 12-09, on time through it.
    let w = first_call("2026-12-02", &weekdays).expect("window");
    assert_eq!(w.due_on, "2026-12-07");
    assert_eq!(w.overdue_at, "2026-12-09T16:00:00.000Z");
    // With weekends counting it is Saturday.
    assert_eq!(
        first_call("2026-12-02", &shanghai()).expect("w").due_on,
        "2026-12-05"
    );
    // Picked up Sunday 11-29: +7 is Sunday 12-06 → on time through Monday 12-07.
    let w = first_call("2026-11-29", &weekdays).expect("window");
    assert_eq!(w.due_on, "2026-12-02");
    assert_eq!(w.overdue_at, "2026-12-07T16:00:00.000Z");
    // Unreached on Friday 12-04: the second attempt from Monday 12-07 (not Saturday).
    let w = second_attempt("2026-12-04T02:00:00Z", &weekdays).expect("window");
    assert_eq!(w.due_on, "2026-12-07");
    let w = second_attempt("2026-12-04T02:00:00Z", &shanghai()).expect("window");
    assert_eq!(w.due_on, "2026-12-05");
}

#[test]
fn unreached_twice_is_unreachable() {
    for first in [Outcome::NoAnswer, Outcome::Busy, Outcome::WrongNumber] {
        let f = try_(&visit(), ON_DUE_DAY, first.clone()).expect("first attempt");
        assert_eq!(f.status, Status::Retry, "{first:?}");
        assert_eq!((f.unreached, f.attempts), (1, 1));
        assert_eq!(f.last_attempt_at.as_deref(), Some(ON_DUE_DAY));
        assert_eq!(f.window.due_on, "2026-12-02");
        assert_eq!(f.window.overdue_at, "2026-12-08T16:00:00.000Z");
        assert!(f.finished_at.is_none());
        // A second try the same day is allowed (a busy line an hour later).
        let later = "2026-12-01T03:00:00.000Z";
        let g = try_(&f, later, Outcome::Busy).expect("second attempt");
        assert_eq!(g.status, Status::Unreachable);
        assert_eq!((g.unreached, g.attempts), (2, 2));
        assert_eq!(g.finished_at.as_deref(), Some(later));
        assert!(!g.is_due("2026-12-03T00:00:00.000Z"));
    }
}

#[test]
fn reached_or_refused_ends_it_at_either_attempt() {
    for (outcome, status) in [
        (Outcome::Reached, Status::Reached),
        (Outcome::Refused, Status::Refused),
    ] {
        let f = try_(&visit(), ON_DUE_DAY, outcome.clone()).expect("first");
        assert_eq!(f.status, status);
        assert_eq!(f.finished_at.as_deref(), Some(ON_DUE_DAY));
        assert_eq!((f.unreached, f.attempts), (0, 1));
        let retry = try_(&visit(), ON_DUE_DAY, Outcome::NoAnswer).expect("unreached");
        let g = try_(&retry, "2026-12-02T02:00:00.000Z", outcome).expect("second");
        assert_eq!(g.status, status);
        assert_eq!((g.unreached, g.attempts), (1, 2));
    }
}

#[test]
fn a_call_back_reschedules_without_counting_as_unreached() {
    let t = "2026-12-03T06:30:00Z";
    let f = try_(&visit(), ON_DUE_DAY, Outcome::CallBackAt(t.into())).expect("call back");
    assert_eq!(f.status, Status::Due);
    assert_eq!((f.unreached, f.attempts), (0, 1));
    assert_eq!(f.window.due_on, "2026-12-03");
    assert_eq!(f.window.due_at, "2026-12-03T06:30:00.000Z");
    assert_eq!(f.window.overdue_at, "2026-12-03T16:00:00.000Z");
    // From a retry it stays a retry.
    let retry = try_(&visit(), ON_DUE_DAY, Outcome::NoAnswer).expect("unreached");
    let g = try_(
        &retry,
        "2026-12-02T02:00:00.000Z",
        Outcome::CallBackAt(t.into()),
    )
    .expect("call back");
    assert_eq!((g.status, g.unreached), (Status::Retry, 1));
}

#[test]
fn every_refusal() {
    let f = visit();
    let other = Attempt {
        actor: person(Role::DealerManager, &["D002"]),
        ..attempt(ON_DUE_DAY, Outcome::Reached)
    };
    assert_eq!(
        apply(&f, &other, &shanghai()),
        Err(FollowUpError::OtherDealer {
            dealer: "D001".into()
        })
    );
    let advisor = Attempt {
        actor: person(Role::ServiceAdvisor, &["D001"]),
        ..attempt(ON_DUE_DAY, Outcome::Reached)
    };
    assert_eq!(
        apply(&f, &advisor, &shanghai()),
        Err(FollowUpError::AdvisorCannotCall)
    );
    let system = Attempt {
        actor: Actor::System,
        ..attempt(ON_DUE_DAY, Outcome::Reached)
    };
    assert_eq!(
        apply(&f, &system, &shanghai()),
        Err(FollowUpError::SystemCannotCall)
    );
    for ok in [
        person(Role::GroupAdmin, &[]),
        person(Role::DealerManager, &["D001"]),
    ] {
        let a = Attempt {
            actor: ok,
            ..attempt(ON_DUE_DAY, Outcome::Reached)
        };
        assert!(apply(&f, &a, &shanghai()).is_ok());
    }
    assert_eq!(
        try_(&f, "yesterday", Outcome::Reached),
        Err(FollowUpError::BadTime)
    );
    assert_eq!(
        try_(&f, ON_DUE_DAY, Outcome::CallBackAt("soon".into())),
        Err(FollowUpError::BadCallBackTime)
    );
    assert_eq!(
        try_(&f, ON_DUE_DAY, Outcome::CallBackAt(ON_DUE_DAY.into())),
        Err(FollowUpError::CallBackInPast)
    );
    let long = Attempt {
        note: Some("x".repeat(MAX_NOTE_CHARS + 1)),
        ..attempt(ON_DUE_DAY, Outcome::Reached)
    };
    assert_eq!(
        apply(&f, &long, &shanghai()),
        Err(FollowUpError::NoteTooLong)
    );
    let fits = Attempt {
        note: Some("x".repeat(MAX_NOTE_CHARS)),
        ..attempt(ON_DUE_DAY, Outcome::Reached)
    };
    assert!(apply(&f, &fits, &shanghai()).is_ok());
    // The first call before its day: 23:59:59.999 Shanghai on 11-30.
    assert_eq!(
        try_(&f, "2026-11-30T15:59:59.999Z", Outcome::Reached),
        Err(FollowUpError::NotDueYet {
            due_on: "2026-12-01".into()
        })
    );
    assert!(try_(&f, "2026-11-30T16:00:00.000Z", Outcome::Reached).is_ok());
    for done in [Outcome::Reached, Outcome::Refused] {
        let finished = try_(&f, ON_DUE_DAY, done).expect("finishes");
        let again = try_(&finished, ON_DUE_DAY, Outcome::Reached);
        assert_eq!(
            again,
            Err(FollowUpError::Finished {
                status: finished.status
            })
        );
    }
    let once = try_(&f, ON_DUE_DAY, Outcome::NoAnswer).expect("once");
    let unreachable = try_(&once, ON_DUE_DAY, Outcome::NoAnswer).expect("twice");
    assert_eq!(
        try_(&unreachable, ON_DUE_DAY, Outcome::NoAnswer),
        Err(FollowUpError::Finished {
            status: Status::Unreachable
        })
    );
}

#[test]
fn a_refused_attempt_changes_nothing() {
    let f = visit();
    let before = f.clone();
    let _ = try_(&f, "2026-11-29T00:00:00.000Z", Outcome::Reached);
    assert_eq!(f, before);
}

#[test]
fn every_refusal_is_one_line_with_its_class() {
    use FollowUpError::*;
    let all = [
        (AdvisorCannotCall, ErrorKind::Forbidden),
        (SystemCannotCall, ErrorKind::Forbidden),
        (OtherDealer { dealer: "D".into() }, ErrorKind::Forbidden),
        (BadTime, ErrorKind::Invalid),
        (BadCallBackTime, ErrorKind::Invalid),
        (CallBackInPast, ErrorKind::Invalid),
        (NoteTooLong, ErrorKind::Invalid),
        (BadPickup { given: "x".into() }, ErrorKind::Invalid),
        (
            NotDueYet {
                due_on: "2026-12-01".into(),
            },
            ErrorKind::Conflict,
        ),
        (
            Finished {
                status: Status::Reached,
            },
            ErrorKind::Conflict,
        ),
    ];
    for (e, kind) in all {
        let m = e.to_string();
        assert_eq!(e.kind(), kind, "{m}");
        assert!(!m.is_empty() && !m.contains('\n') && m.len() < 160, "{m}");
    }
}

#[test]
fn statuses_and_outcomes_have_stored_names() {
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    assert_eq!(Status::parse("open"), None);
    assert_eq!(outcome_name(&Outcome::NoAnswer), "no_answer");
    assert_eq!(
        outcome_name(&Outcome::CallBackAt("t".into())),
        "call_back_at"
    );
}

#[test]
fn low_coverage() {
    let c = |visits, invited, called| Coverage {
        visits,
        invited,
        responded: 0,
        called,
    };
    assert!(!c(0, 0, 0).is_low(), "no visits: nothing to cover");
    assert!(!c(10, 8, 8).is_low());
    assert!(c(10, 7, 10).is_low(), "selective invitations");
    assert!(c(10, 10, 7).is_low(), "calls not made");
}

#[test]
fn an_open_call_lapses_three_weeks_after_it_became_overdue() {
    // Picked up 1 Nov (Shanghai): on time through 8 Nov, overdue from 9 Nov 00:00
    // +08:00 = 8 Nov 16:00Z.
    let w = first_call("2026-11-01", &shanghai()).expect("a window");
    assert_eq!(w.overdue_at, "2026-11-08T16:00:00.000Z");
    // On the list while its overdue time is after the cutoff; lapsed from 21 days on.
    let listed = |now: &str| w.overdue_at > lapse_cutoff(now).expect("a cutoff");
    assert!(listed("2026-11-29T15:59:59.999Z"));
    assert!(!listed("2026-11-29T16:00:00.000Z"));
    assert_eq!(
        lapse_cutoff("2026-11-29T16:00:00.000Z").as_deref(),
        Some("2026-11-08T16:00:00.000Z")
    );
    assert_eq!(lapse_cutoff("not a time"), None);
}
