//! Targets against figures computed by hand (the comments show the arithmetic).

use super::*;
use crate::cases::Case;
use crate::time::Zone;

fn case(created: &str, due: &str) -> Case {
    Case::open(Some("D001".into()), None, created.into(), due.into())
}

const NOW: &str = "2026-12-10T00:00:00.000Z";

#[test]
fn nearest_rank_takes_the_value_at_the_ceiling_rank() {
    let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
    // p50 of 10: rank ⌈5⌉ = 5 → 5; p90: rank 9 → 9.
    assert_eq!(nearest_rank(&v, 50), Some(5.0));
    assert_eq!(nearest_rank(&v, 90), Some(9.0));
    // p90 of 4: rank ⌈3.6⌉ = 4 → the largest; p50 of 4: rank 2.
    let four = [1.0, 2.0, 4.0, 8.0];
    assert_eq!(nearest_rank(&four, 90), Some(8.0));
    assert_eq!(nearest_rank(&four, 50), Some(2.0));
    // p50 of 3: rank ⌈1.5⌉ = 2, the middle value.
    assert_eq!(nearest_rank(&[3.0, 6.0, 9.0], 50), Some(6.0));
    assert_eq!(nearest_rank(&[7.5], 90), Some(7.5));
    assert_eq!(nearest_rank(&[], 50), None);
}

#[test]
fn spread_sorts_before_ranking() {
    let s = Spread::of(vec![10.0, 1.0, 5.0]);
    assert_eq!(s.n, 3);
    assert_eq!(s.median_hours, Some(5.0));
    assert_eq!(s.p90_hours, Some(10.0));
}

#[test]
fn rate_has_no_percentage_without_a_denominator_and_marks_small_n() {
    let r = Rate::of(0, 0);
    assert_eq!(r.percent, None);
    assert!(r.small_n);
    let r = Rate::of(9, 12);
    assert_eq!(r.percent, Some(75.0));
    assert!(!r.small_n);
    assert!(Rate::of(3, 9).small_n);
}

#[test]
fn case_figures_match_the_hand_count() {
    // Four cases opened at 00:00 on the 1st..4th, each due 48 h later.
    // a: reached after 6 h (within), resolved at 30 h.
    let mut a = case("2026-12-01T00:00:00.000Z", "2026-12-03T00:00:00.000Z");
    a.status = Status::Resolved;
    a.contacted_at = Some("2026-12-01T06:00:00.000Z".into());
    a.resolved_at = Some("2026-12-02T06:00:00.000Z".into());
    // b: reached at 60 h (after due: a miss), escalated, closed at 72 h without resolve.
    let mut b = case("2026-12-02T00:00:00.000Z", "2026-12-04T00:00:00.000Z");
    b.status = Status::Closed;
    b.contacted_at = Some("2026-12-04T12:00:00.000Z".into());
    b.escalated_at = Some("2026-12-04T00:01:00.000Z".into());
    b.closed_at = Some("2026-12-05T00:00:00.000Z".into());
    // c: never reached, unreachable, past due at NOW: a miss, escalated.
    let mut c = case("2026-12-03T00:00:00.000Z", "2026-12-05T00:00:00.000Z");
    c.status = Status::Unreachable;
    c.escalated_at = Some("2026-12-05T00:00:00.000Z".into());
    // d: opened at NOW − 1 h, due ahead: pending.
    let d = case("2026-12-09T23:00:00.000Z", "2026-12-11T23:00:00.000Z");
    // e: reached exactly at due (at or before due: within), 48 h.
    let mut e = case("2026-12-01T00:00:00.000Z", "2026-12-03T00:00:00.000Z");
    e.status = Status::Contacted;
    e.contacted_at = Some("2026-12-03T00:00:00.000Z".into());
    let facts = [
        CaseFact {
            case: &a,
            solved: Some(true),
        },
        CaseFact {
            case: &b,
            solved: Some(false),
        },
        CaseFact {
            case: &c,
            solved: None,
        },
        CaseFact {
            case: &d,
            solved: None,
        },
        CaseFact {
            case: &e,
            solved: Some(true),
        },
    ];
    let t = case_targets(&facts, NOW);
    assert_eq!(t.opened, 5);
    // within: a, e; missed: b, c; pending: d → 2 / 4 = 50%.
    assert_eq!(t.contacted_within_due, Rate::of(2, 4));
    assert_eq!(t.contacted_within_due.percent, Some(50.0));
    assert_eq!(t.pending, 1);
    assert_eq!(t.escalated, 2);
    assert_eq!(t.unreachable, 1);
    // First contact hours: a 6, b 60, e 48 → sorted 6, 48, 60: median rank 2 = 48,
    // p90 rank ⌈2.7⌉ = 3 = 60.
    assert_eq!(t.first_contact.n, 3);
    assert_eq!(t.first_contact.median_hours, Some(48.0));
    assert_eq!(t.first_contact.p90_hours, Some(60.0));
    // Resolution hours: a 30 (resolved), b 72 (closed) → median rank 1 = 30, p90 = 72.
    assert_eq!(t.resolution.n, 2);
    assert_eq!(t.resolution.median_hours, Some(30.0));
    assert_eq!(t.resolution.p90_hours, Some(72.0));
    // Solved: yes a, e; no b → 2 / 3.
    assert_eq!(t.solved, Rate::of(2, 3));
}

#[test]
fn an_uncontacted_case_misses_once_its_due_time_is_reached() {
    let c = case("2026-12-01T00:00:00.000Z", "2026-12-03T00:00:00.000Z");
    let facts = [CaseFact {
        case: &c,
        solved: None,
    }];
    let before = case_targets(&facts, "2026-12-02T23:59:59.999Z");
    assert_eq!((before.pending, before.contacted_within_due.of), (1, 0));
    let at = case_targets(&facts, "2026-12-03T00:00:00.000Z");
    assert_eq!((at.pending, at.contacted_within_due), (0, Rate::of(0, 1)));
}

#[test]
fn no_cases_no_figures() {
    let t = case_targets(&[], NOW);
    assert_eq!(t.opened, 0);
    assert_eq!(t.contacted_within_due.percent, None);
    assert_eq!(t.first_contact.median_hours, None);
}

#[test]
fn routine_calls_count_the_first_attempt_against_the_3_to_7_day_window() {
    // Shanghai, weekends count. Pickup 2026-11-28: due from 2026-12-01 00:00 +08
    // (2026-11-30T16:00Z), on time through 12-05, overdue from 12-06 00:00 +08
    // (2026-12-05T16:00Z).
    let s = Schedule {
        zone: Zone::SHANGHAI,
        weekends_count: true,
    };
    let visits = [
        // Called on the first due day: within.
        VisitFact {
            pickup: "2026-11-28",
            first_attempt_at: Some("2026-11-30T16:00:00.000Z"),
        },
        // Called in the last minute of the window: within.
        VisitFact {
            pickup: "2026-11-28",
            first_attempt_at: Some("2026-12-05T15:59:59.000Z"),
        },
        // Called as the window closed: late.
        VisitFact {
            pickup: "2026-11-28",
            first_attempt_at: Some("2026-12-05T16:00:00.000Z"),
        },
        // Never called, window closed by NOW (12-10): not made.
        VisitFact {
            pickup: "2026-11-28",
            first_attempt_at: None,
        },
        // Picked up 12-07: window 12-10..12-14 still open at NOW, not called: pending.
        VisitFact {
            pickup: "2026-12-07",
            first_attempt_at: None,
        },
        // Not a date: left out.
        VisitFact {
            pickup: "28/11/2026",
            first_attempt_at: None,
        },
    ];
    let t = call_targets(&visits, &s, NOW);
    // 2 within of 4 decided (2 within + 1 late + 1 not made) = 50%.
    assert_eq!(t.within_window, Rate::of(2, 4));
    assert_eq!(t.pending, 1);
    assert_eq!(t.not_made, 1);
    assert_eq!(
        first_due_millis("2026-11-28", &s),
        epoch_millis("2026-11-30T16:00:00Z")
    );
}
