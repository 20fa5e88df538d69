//! The outbox: queueing, leases between tabs, outcomes, backoff, Retry-After, storage.
//! Times are plain numbers of milliseconds.

use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use survey_core::delivery::{
    format_http_date, jitter_from_u32, parse_http_date, EnqueueError, Enqueued, EntryState,
    IdStatus, LoadError, NewEntry, Outbox, OutboxConfig, Outcome, Recorded, RetryAfter,
    RetryPolicy, Verdict, MAX_RETRY_AFTER_MS,
};
use survey_core::ResponseId;

const LEASE: u64 = 30_000;

fn rid(n: u32) -> ResponseId {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&n.to_be_bytes());
    ResponseId::from_random_bytes(b)
}

fn new_entry(n: u32) -> NewEntry {
    NewEntry {
        id: rid(n),
        endpoint: "/v1/responses".into(),
        body: format!(r#"{{"format":"survey-response/1","n":{n}}}"#),
        headers: Vec::new(),
        timeout_ms: None,
    }
}

fn http(code: u16) -> Outcome {
    Outcome::Status {
        code,
        retry_after: None,
        reason: format!("reason {code}"),
    }
}

fn http_retry_after(code: u16, header: &str, now_ms: u64) -> Outcome {
    Outcome::Status {
        code,
        retry_after: RetryAfter::parse(header, now_ms),
        reason: "busy".into(),
    }
}

/// An outbox holding entry 1, handed to `owner` at `now`.
fn one_sending(owner: &str, now: u64) -> Outbox {
    let mut o = Outbox::new();
    o.enqueue(new_entry(1), now).unwrap();
    assert_eq!(o.due(now, owner, LEASE), vec![rid(1)]);
    o
}

// ---------------------------------------------------------------- enqueue

#[test]
fn enqueue_is_idempotent_on_id() {
    let mut o = Outbox::new();
    assert_eq!(o.enqueue(new_entry(1), 1_000), Ok(Enqueued::Added));
    assert_eq!(
        o.enqueue(new_entry(1), 2_000),
        Ok(Enqueued::AlreadyQueued {
            state: EntryState::Pending,
            same_body: true
        })
    );
    let mut other = new_entry(1);
    other.body = "{\"changed\":true}".into();
    assert_eq!(
        o.enqueue(other, 3_000),
        Ok(Enqueued::AlreadyQueued {
            state: EntryState::Pending,
            same_body: false
        })
    );
    assert_eq!(o.len(), 1);
    let e = o.get(&rid(1)).unwrap();
    assert_eq!(e.body, new_entry(1).body, "the first-built body is kept");
    assert_eq!(
        (e.created_ms, e.next_attempt_ms, e.attempts),
        (1_000, 1_000, 0)
    );

    // Once delivered, the same id is recognised and not queued again.
    assert_eq!(o.due(5_000, "a", LEASE), vec![rid(1)]);
    assert!(matches!(
        o.record(&rid(1), "a", &http(201), 5_100, 0.5),
        Recorded::Delivered { .. }
    ));
    assert_eq!(
        o.enqueue(new_entry(1), 6_000),
        Ok(Enqueued::AlreadyDelivered { at_ms: 5_100 })
    );
    assert!(o.is_empty());
    assert_eq!(o.status(&rid(1)), IdStatus::Delivered { at_ms: 5_100 });
    assert_eq!(o.status(&rid(2)), IdStatus::Unknown);
}

#[test]
fn enqueue_refuses_beyond_the_size_limit_and_changes_nothing() {
    let mut o = Outbox::new();
    assert_eq!(o.bytes(), o.to_json().len());
    o.enqueue(new_entry(1), 0).unwrap();
    assert_eq!(o.bytes(), o.to_json().len());
    let limit = o.bytes() + 50;
    o.set_config(OutboxConfig {
        max_bytes: limit,
        ..OutboxConfig::default()
    });
    let before = o.clone();
    let err = o.enqueue(new_entry(2), 0).unwrap_err();
    let EnqueueError::TooLarge { bytes, max_bytes } = err;
    assert_eq!(max_bytes, limit);
    assert!(bytes > limit);
    assert!(err.to_string().contains("over its limit"));
    assert_eq!(o, before);
    // Non-ASCII bodies are counted in UTF-8 bytes, escapes included.
    let mut big = Outbox::new();
    big.enqueue(
        NewEntry {
            body: "{\"t\":\"很好，谢谢\\n\"}".into(),
            ..new_entry(3)
        },
        0,
    )
    .unwrap();
    assert_eq!(big.bytes(), big.to_json().len());
}

// ---------------------------------------------------------------- leases

#[test]
fn due_hands_an_entry_to_one_owner_only() {
    let mut o = Outbox::new();
    for n in 1..=3 {
        o.enqueue(new_entry(n), n.into()).unwrap();
    }
    assert_eq!(o.due(10, "a", LEASE), vec![rid(1), rid(2), rid(3)]);
    assert_eq!(o.due(11, "b", LEASE), Vec::<ResponseId>::new());
    assert_eq!(o.due(12, "a", LEASE), Vec::<ResponseId>::new(), "not twice");
    for n in 1..=3 {
        assert!(o.confirm_lease(&rid(n), "a", 12));
        assert!(!o.confirm_lease(&rid(n), "b", 12));
        let e = o.get(&rid(n)).unwrap();
        assert_eq!(e.state, EntryState::Sending);
        assert_eq!(e.attempts, 1);
        assert_eq!(e.lease.as_ref().unwrap().until_ms, 10 + LEASE);
    }
    assert!(!o.confirm_lease(&rid(9), "a", 12), "unknown id");
}

#[test]
fn compare_after_write_lets_only_the_last_writer_send() {
    let mut stored = Outbox::new();
    stored.enqueue(new_entry(1), 0).unwrap();
    let stored = stored.to_json();
    // Both tabs read the same stored outbox, both claim, both write: last write wins.
    let mut a = Outbox::from_json(&stored).unwrap().outbox;
    let mut b = Outbox::from_json(&stored).unwrap().outbox;
    assert_eq!(a.due(100, "a", LEASE), vec![rid(1)]);
    assert_eq!(b.due(101, "b", LEASE), vec![rid(1)]);
    let after_a = a.to_json();
    assert!(Outbox::from_json(&after_a)
        .unwrap()
        .outbox
        .confirm_lease(&rid(1), "a", 102));
    let storage = b.to_json(); // b's write lands over a's
    let fresh = Outbox::from_json(&storage).unwrap().outbox;
    assert!(!fresh.confirm_lease(&rid(1), "a", 102), "a must not send");
    assert!(fresh.confirm_lease(&rid(1), "b", 102), "b sends");
    // A lease that has already run out is not confirmed either.
    assert!(!fresh.confirm_lease(&rid(1), "b", 101 + LEASE));
}

#[test]
fn an_expired_lease_is_taken_over_and_the_late_sender_is_stale() {
    let mut o = one_sending("a", 0);
    assert!(
        o.due(LEASE - 1, "b", LEASE).is_empty(),
        "a's lease still holds"
    );
    assert_eq!(o.next_wake(LEASE - 1), Some(1), "wake when it runs out");
    assert_eq!(o.due(LEASE, "b", LEASE), vec![rid(1)], "a died mid-send");
    let e = o.get(&rid(1)).unwrap();
    assert_eq!(e.attempts, 2);
    assert_eq!(e.lease.as_ref().unwrap().owner, "b");
    // a wakes up late with a failure: b holds the entry, nothing changes.
    let before = o.clone();
    assert_eq!(
        o.record(&rid(1), "a", &http(500), LEASE + 5, 0.5),
        Recorded::Stale {
            id: rid(1),
            state: EntryState::Sending
        }
    );
    assert_eq!(o, before);
    // … but a late success from a counts: the endpoint has the response.
    assert!(matches!(
        o.record(&rid(1), "a", &http(200), LEASE + 6, 0.5),
        Recorded::Delivered { .. }
    ));
    // b's answer then finds nothing to do.
    assert_eq!(
        o.record(&rid(1), "b", &http(200), LEASE + 7, 0.5),
        Recorded::Unknown { id: rid(1) }
    );
}

#[test]
fn a_sender_whose_lease_ran_out_unclaimed_still_records() {
    let mut o = one_sending("a", 0);
    let r = o.record(&rid(1), "a", &http(503), LEASE + 10_000, 1.0);
    assert!(matches!(r, Recorded::Retry { attempts: 1, .. }), "{r:?}");
}

#[test]
fn release_gives_the_entry_back_at_once() {
    let mut o = one_sending("a", 0);
    assert!(!o.release(&rid(1), "b"));
    assert!(o.release(&rid(1), "a"));
    assert_eq!(o.get(&rid(1)).unwrap().state, EntryState::Pending);
    assert_eq!(o.due(1, "b", LEASE), vec![rid(1)]);
    assert_eq!(o.get(&rid(1)).unwrap().attempts, 2);
}

#[test]
fn one_owner_gets_at_most_max_in_flight_oldest_first() {
    let mut o = Outbox::new().with_config(OutboxConfig {
        max_in_flight: 2,
        ..OutboxConfig::default()
    });
    for n in [3, 1, 2, 4] {
        o.enqueue(new_entry(n), n.into()).unwrap();
    }
    assert_eq!(o.due(10, "a", LEASE), vec![rid(1), rid(2)]);
    assert!(o.due(11, "a", LEASE).is_empty());
    assert_eq!(o.due(12, "b", LEASE), vec![rid(3), rid(4)]);
    o.record(&rid(1), "a", &Outcome::Delivered, 13, 0.0);
    assert!(o.due(14, "a", LEASE).is_empty(), "nothing else pending");
}

#[test]
fn a_clock_that_jumped_back_does_not_strand_entries() {
    let day = 86_400_000;
    let mut o = one_sending("a", 10 * day);
    o.record(&rid(1), "a", &http(500), 10 * day, 1.0);
    // The device clock is set back a day: the retry time is absurdly far ahead.
    assert_eq!(o.next_wake(9 * day), Some(0));
    assert_eq!(o.due(9 * day, "a", LEASE), vec![rid(1)]);
    // Same for a lease taken before the jump.
    assert_eq!(o.due(8 * day, "b", LEASE), vec![rid(1)]);
}

// ---------------------------------------------------------------- outcomes

#[test]
fn delivered_entries_are_removed_and_handed_back() {
    for outcome in [Outcome::Delivered, http(200), http(201), http(204)] {
        let mut o = one_sending("a", 0);
        let Recorded::Delivered { entry } = o.record(&rid(1), "a", &outcome, 50, 0.5) else {
            panic!("{outcome:?} is a delivery");
        };
        assert_eq!(entry.body, new_entry(1).body);
        assert!(o.is_empty());
        assert_eq!(o.next_wake(50), None);
        assert_eq!(o.status(&rid(1)), IdStatus::Delivered { at_ms: 50 });
    }
}

#[test]
fn a_client_error_is_kept_aside_and_never_due_again() {
    let mut o = one_sending("a", 0);
    let r = o.record(&rid(1), "a", &http(400), 10, 0.5);
    let Recorded::Failed {
        id,
        error,
        status,
        evicted,
    } = r
    else {
        panic!("{r:?}")
    };
    assert_eq!((id, status), (rid(1), Some(400)));
    assert_eq!(error, "HTTP 400: reason 400");
    assert!(evicted.is_empty());
    let e = o.get(&rid(1)).unwrap();
    assert_eq!(e.state, EntryState::Failed);
    assert_eq!(e.last_error.as_deref(), Some("HTTP 400: reason 400"));
    assert!(e.lease.is_none());
    for t in [10, 1_000, 10_000_000, u64::MAX / 2] {
        assert!(o.due(t, "a", LEASE).is_empty());
        assert!(o.due(t, "b", LEASE).is_empty());
    }
    assert_eq!(o.next_wake(20), None, "no timer for failed entries");
    assert_eq!(o.failed().count(), 1);
    assert_eq!(o.undelivered(), 0);
    // Only an explicit requeue sends it again.
    assert!(o.requeue_failed(&rid(1), 500));
    assert_eq!(o.due(500, "a", LEASE), vec![rid(1)]);
    assert_eq!(o.get(&rid(1)).unwrap().attempts, 1);
    assert!(!o.requeue_failed(&rid(1), 600), "not failed any more");
}

#[test]
fn every_other_client_error_is_permanent() {
    for code in [400, 401, 403, 404, 405, 410, 413, 415, 422, 451, 499] {
        let mut o = one_sending("a", 0);
        let r = o.record(&rid(1), "a", &http(code), 10, 0.5);
        assert!(
            matches!(r, Recorded::Failed { status: Some(c), .. } if c == code),
            "{code}: {r:?}"
        );
    }
}

#[test]
fn a_conflict_409_is_a_permanent_failure_not_a_delivery() {
    let mut o = one_sending("a", 0);
    let outcome = Outcome::Status {
        code: 409,
        retry_after: None,
        reason: "response x was already received with different content".into(),
    };
    assert!(matches!(outcome.verdict(), Verdict::Permanent { .. }));
    let r = o.record(&rid(1), "a", &outcome, 10, 0.5);
    let Recorded::Failed { error, .. } = r else {
        panic!("{r:?}")
    };
    assert!(error.contains("different content"), "{error}");
    assert_eq!(o.status(&rid(1)), IdStatus::Queued(EntryState::Failed));
    assert!(o.delivered().is_empty());
}

#[test]
fn transient_failures_are_retried() {
    let outcomes = [
        http(408),
        http(429),
        http(500),
        http(502),
        http(503),
        http(504),
        http(599),
        http(302),
        http(0),
        Outcome::Timeout,
        Outcome::Network("connection reset".into()),
    ];
    for outcome in outcomes {
        let mut o = one_sending("a", 1_000);
        let r = o.record(&rid(1), "a", &outcome, 2_000, 1.0);
        let Recorded::Retry {
            attempts,
            delay_ms,
            next_attempt_ms,
            ref error,
            ..
        } = r
        else {
            panic!("{outcome:?}: {r:?}")
        };
        assert_eq!((attempts, delay_ms, next_attempt_ms), (1, 2_000, 4_000));
        let e = o.get(&rid(1)).unwrap();
        assert_eq!(e.state, EntryState::Pending);
        assert_eq!(e.last_error.as_ref(), Some(error));
        assert!(o.due(3_999, "a", LEASE).is_empty(), "{outcome:?}");
        assert_eq!(o.next_wake(3_000), Some(1_000));
        assert_eq!(o.due(4_000, "a", LEASE), vec![rid(1)], "{outcome:?}");
    }
}

#[test]
fn failed_entries_are_bounded_and_the_evicted_reported() {
    let mut o = Outbox::new().with_config(OutboxConfig {
        max_failed: 2,
        ..OutboxConfig::default()
    });
    for n in 1..=4 {
        o.enqueue(new_entry(n), n.into()).unwrap();
    }
    o.enqueue(new_entry(5), 5).unwrap();
    o.due(10, "a", LEASE);
    let mut evicted_all = Vec::new();
    for n in [2, 1, 3, 4] {
        let Recorded::Failed { evicted, .. } = o.record(&rid(n), "a", &http(422), 20, 0.0) else {
            panic!()
        };
        evicted_all.extend(evicted.into_iter().map(|e| e.id));
    }
    assert_eq!(evicted_all, vec![rid(1), rid(2)], "oldest first");
    assert_eq!(o.failed().count(), 2);
    assert_eq!(o.len(), 3, "the sending entry is untouched");
}

// ---------------------------------------------------------------- backoff

#[test]
fn backoff_doubles_up_to_the_cap() {
    let mut o = Outbox::new();
    o.enqueue(new_entry(1), 0).unwrap();
    let mut now = 0;
    let mut delays = Vec::new();
    for _ in 0..12 {
        assert_eq!(o.due(now, "a", LEASE), vec![rid(1)]);
        let Recorded::Retry { delay_ms, .. } = o.record(&rid(1), "a", &http(500), now, 1.0) else {
            panic!()
        };
        delays.push(delay_ms);
        now += delay_ms;
    }
    assert_eq!(
        delays,
        [
            2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000,
            300_000, 300_000
        ]
    );
    // The smallest jitter still waits the floor.
    assert_eq!(o.due(now, "a", LEASE), vec![rid(1)]);
    let r = o.record(&rid(1), "a", &http(500), now, 0.0);
    assert!(matches!(r, Recorded::Retry { delay_ms: 250, .. }), "{r:?}");
}

#[test]
fn backoff_survives_extreme_attempt_counts_and_jitters() {
    let p = RetryPolicy::default();
    assert_eq!(p.ceiling_ms(0), 2_000);
    assert_eq!(p.ceiling_ms(u32::MAX), 300_000);
    assert_eq!(p.delay_ms(u32::MAX, f64::NAN, None), 250);
    assert_eq!(p.delay_ms(3, f64::INFINITY, None), 8_000);
    assert_eq!(p.delay_ms(3, -4.0, None), 250);
    let huge = RetryPolicy {
        base_ms: u64::MAX / 3,
        cap_ms: u64::MAX,
        ..p
    };
    assert_eq!(huge.ceiling_ms(40), u64::MAX);
    assert!(jitter_from_u32(u32::MAX) < 1.0);
    assert_eq!(jitter_from_u32(0), 0.0);
}

proptest! {
    #[test]
    fn delay_is_within_bounds(
        attempts in 0u32..80,
        jitter in -0.5f64..1.5,
        retry_after in proptest::option::of(0u64..10_000_000),
        base_ms in 0u64..10_000,
        cap_ms in 0u64..1_000_000,
        floor_ms in 0u64..5_000,
    ) {
        let p = RetryPolicy { base_ms, cap_ms, floor_ms, ..RetryPolicy::default() };
        let ra = retry_after.map(RetryAfter::from_ms);
        let d = p.delay_ms(attempts, jitter, ra);
        let ra_ms = ra.map_or(0, |r| r.delay_ms);
        prop_assert!(ra_ms <= MAX_RETRY_AFTER_MS);
        prop_assert!(d >= ra_ms, "below Retry-After: {} < {}", d, ra_ms);
        prop_assert!(d <= cap_ms.max(ra_ms));
        if ra.is_none() {
            prop_assert!(d <= cap_ms);
            prop_assert!(d <= p.ceiling_ms(attempts));
        }
        let j = jitter.clamp(0.0, 1.0);
        if ra.is_none() && p.ceiling_ms(attempts) >= floor_ms {
            prop_assert!(d >= floor_ms);
            prop_assert!(d as f64 <= p.ceiling_ms(attempts) as f64 * j + 1.0 || d == floor_ms);
        }
    }

    /// Whatever the sequence of transient failures, an entry is never handed out
    /// before its `next_attempt_ms`, and is handed out as soon as it comes.
    #[test]
    fn never_retried_before_next_attempt(
        steps in proptest::collection::vec(
            (0usize..6, 0u32..=u32::MAX, proptest::option::of(0u64..7_200), 0u64..5_000),
            1..25,
        )
    ) {
        let mut o = Outbox::new();
        o.enqueue(new_entry(1), 0).unwrap();
        let mut now = 0u64;
        prop_assert_eq!(o.due(now, "a", LEASE), vec![rid(1)]);
        for (kind, r, ra_secs, latency) in steps {
            now += latency;
            let ra = ra_secs.map(|s| s.to_string());
            let outcome = match kind {
                0 => http_retry_after(503, ra.as_deref().unwrap_or(""), now),
                1 => http_retry_after(429, ra.as_deref().unwrap_or(""), now),
                2 => http(500),
                3 => http(408),
                4 => Outcome::Timeout,
                _ => Outcome::Network("offline".into()),
            };
            let Recorded::Retry { delay_ms, next_attempt_ms, .. } =
                o.record(&rid(1), "a", &outcome, now, jitter_from_u32(r)) else {
                panic!("transient outcome not retried");
            };
            prop_assert_eq!(next_attempt_ms, now + delay_ms);
            prop_assert!(delay_ms <= 300_000u64.max(ra_secs.map_or(0, |s| (s * 1000).min(MAX_RETRY_AFTER_MS))));
            if let (Some(s), 0 | 1) = (ra_secs, kind) {
                prop_assert!(delay_ms >= (s * 1000).min(MAX_RETRY_AFTER_MS));
            }
            prop_assert_eq!(o.next_wake(now), Some(delay_ms));
            if delay_ms > 0 {
                prop_assert!(o.due(next_attempt_ms - 1, "a", LEASE).is_empty());
                prop_assert!(o.due(next_attempt_ms - 1, "b", LEASE).is_empty());
            }
            now = next_attempt_ms;
            prop_assert_eq!(o.due(now, "a", LEASE), vec![rid(1)]);
        }
    }
}

// ---------------------------------------------------------------- Retry-After

const NOV_6_1994: u64 = 784_111_777_000;

#[test]
fn retry_after_in_seconds() {
    assert_eq!(
        RetryAfter::parse("120", 5),
        Some(RetryAfter::from_ms(120_000))
    );
    assert_eq!(RetryAfter::parse(" 0 ", 5).unwrap().delay_ms, 0);
    assert_eq!(RetryAfter::parse("\t7", 5).unwrap().delay_ms, 7_000);
    assert_eq!(
        RetryAfter::parse("86400", 5).unwrap().delay_ms,
        MAX_RETRY_AFTER_MS
    );
    assert_eq!(
        RetryAfter::parse("99999999999999999999999999", 5)
            .unwrap()
            .delay_ms,
        MAX_RETRY_AFTER_MS
    );
}

#[test]
fn retry_after_as_an_http_date() {
    let now = NOV_6_1994 - 90_000;
    for h in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "  Sun, 06 Nov 1994 08:49:37 GMT ",
        "sun, 06 nov 1994 08:49:37 GMT",
    ] {
        assert_eq!(
            RetryAfter::parse(h, now).map(|r| r.delay_ms),
            Some(90_000),
            "{h}"
        );
    }
    // In the past: retry now. Far ahead: capped at an hour.
    assert_eq!(
        RetryAfter::parse("Sun, 06 Nov 1994 08:49:37 GMT", NOV_6_1994 + 1),
        Some(RetryAfter::from_ms(0))
    );
    assert_eq!(
        RetryAfter::parse("Fri, 31 Dec 9999 23:59:59 GMT", NOV_6_1994)
            .unwrap()
            .delay_ms,
        MAX_RETRY_AFTER_MS
    );
    assert_eq!(
        RetryAfter::parse("Thu, 01 Jan 1970 00:00:00 GMT", 1_000)
            .unwrap()
            .delay_ms,
        0
    );
}

#[test]
fn http_dates_parse_to_the_right_instant() {
    let now = 1_800_000_000_000; // 2027
    let cases = [
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
        ("Sun, 06 Nov 1994 08:49:37 GMT", NOV_6_1994),
        ("Tue, 29 Feb 2000 12:00:00 GMT", 951_825_600_000),
        ("Sat, 31 Dec 2016 23:59:60 GMT", 1_483_228_800_000),
        ("Mon, 01 Jan 2024 00:00:00 GMT", 1_704_067_200_000),
        ("Mon, 01 Mar 2100 00:00:00 GMT", 4_107_542_400_000),
        ("Wednesday, 01-Jan-25 00:00:00 GMT", 1_735_689_600_000),
        ("Wednesday, 01-Jan-70 00:00:00 GMT", 3_155_760_000_000),
        ("Wed Jan  1 00:00:00 2025", 1_735_689_600_000),
        ("Fri Jan 31 23:59:59 2025", 1_738_367_999_000),
    ];
    for (s, ms) in cases {
        assert_eq!(parse_http_date(s, now), Some(ms), "{s}");
    }
    // A two-digit year is this century's unless that is more than 50 years ahead.
    assert_eq!(
        parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", now),
        Some(NOV_6_1994)
    );
    assert_eq!(
        format_http_date(NOV_6_1994),
        "Sun, 06 Nov 1994 08:49:37 GMT"
    );
    assert_eq!(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

#[test]
fn garbage_retry_after_is_ignored() {
    for h in [
        "",
        "   ",
        "-5",
        "+5",
        "1.5",
        "5s",
        "soon",
        "0x10",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 GMT trailing",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 29 Feb 1900 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun,06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT\u{0}",
        "Sun, ٠٦ Nov 1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "2026-11-23T10:00:00Z",
    ] {
        assert_eq!(RetryAfter::parse(h, NOV_6_1994), None, "{h:?}");
    }
}

#[test]
fn retry_after_sets_the_next_attempt_on_429_and_503() {
    // Seconds: even with the smallest jitter, wait at least what the server asked.
    let mut o = one_sending("a", 0);
    let r = o.record(
        &rid(1),
        "a",
        &http_retry_after(429, "120", 1_000),
        1_000,
        0.0,
    );
    assert!(
        matches!(
            r,
            Recorded::Retry {
                delay_ms: 120_000,
                next_attempt_ms: 121_000,
                ..
            }
        ),
        "{r:?}"
    );
    assert!(o.due(120_999, "a", LEASE).is_empty());
    assert_eq!(o.due(121_000, "a", LEASE), vec![rid(1)]);

    // An HTTP-date 10 minutes ahead: beyond the 5-minute cap, still honoured.
    let now = NOV_6_1994 - 600_000;
    let mut o = one_sending("a", now);
    let header = format_http_date(NOV_6_1994);
    let r = o.record(&rid(1), "a", &http_retry_after(503, &header, now), now, 1.0);
    assert!(
        matches!(
            r,
            Recorded::Retry {
                delay_ms: 600_000,
                ..
            }
        ),
        "{r:?}"
    );
    assert!(o.due(NOV_6_1994 - 1, "b", LEASE).is_empty());
    assert_eq!(o.due(NOV_6_1994, "b", LEASE), vec![rid(1)]);

    // A short Retry-After does not shorten the backoff.
    let mut o = one_sending("a", 0);
    let r = o.record(&rid(1), "a", &http_retry_after(503, "1", 0), 0, 1.0);
    assert!(
        matches!(
            r,
            Recorded::Retry {
                delay_ms: 2_000,
                ..
            }
        ),
        "{r:?}"
    );

    // Retry-After on a permanent refusal changes nothing.
    let mut o = one_sending("a", 0);
    let r = o.record(&rid(1), "a", &http_retry_after(400, "5", 0), 0, 1.0);
    assert!(matches!(r, Recorded::Failed { .. }), "{r:?}");
}

proptest! {
    #[test]
    fn http_dates_round_trip(secs in 0u64..253_402_300_800) {
        let ms = secs * 1000;
        let s = format_http_date(ms);
        prop_assert_eq!(parse_http_date(&s, 0), Some(ms), "{}", s);
    }

    #[test]
    fn retry_after_never_panics_and_stays_capped(s in "\\PC{0,40}", now in 0u64..u64::MAX / 2) {
        if let Some(r) = RetryAfter::parse(&s, now) {
            prop_assert!(r.delay_ms <= MAX_RETRY_AFTER_MS);
        }
    }
}

// ---------------------------------------------------------------- storage

/// An outbox with a pending (retried), a sending, a failed and a fresh entry, and a
/// delivered mark.
fn every_state() -> Outbox {
    let mut o = Outbox::new();
    for n in 1..=5 {
        o.enqueue(new_entry(n), 1_000 + u64::from(n)).unwrap();
    }
    o.due(2_000, "tab-a", LEASE);
    o.record(&rid(1), "tab-a", &http(503), 2_100, 0.5);
    o.record(&rid(2), "tab-a", &http(400), 2_200, 0.5);
    o.record(&rid(3), "tab-a", &http(201), 2_300, 0.5);
    o.release(&rid(5), "tab-a");
    o
}

#[test]
fn an_outbox_in_every_state_round_trips_through_json() {
    let o = every_state();
    let states: Vec<_> = o.entries().iter().map(|e| e.state).collect();
    assert_eq!(
        states,
        [
            EntryState::Pending,
            EntryState::Failed,
            EntryState::Sending,
            EntryState::Pending
        ]
    );
    let json = o.to_json();
    let loaded = Outbox::from_json(&json).unwrap();
    assert!(loaded.skipped.is_empty());
    assert_eq!(loaded.outbox, o);
    assert_eq!(loaded.outbox.to_json(), json);

    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["entries"][0],
        json!({
            "id": rid(1).as_str(),
            "endpoint": "/v1/responses",
            "body": new_entry(1).body,
            "created_ms": 1_001,
            "attempts": 1,
            "next_attempt_ms": 2_100 + 1_000,
            "state": "pending",
            "last_error": "HTTP 503: reason 503",
            "lease": null
        })
    );
    assert_eq!(v["entries"][1]["state"], "failed");
    assert_eq!(
        v["entries"][2]["lease"],
        json!({"owner": "tab-a", "until_ms": 2_000 + LEASE})
    );
    assert_eq!(v["entries"][2]["state"], "sending");
    assert_eq!(
        v["delivered"],
        json!([{"id": rid(3).as_str(), "at_ms": 2_300}])
    );
    // An empty outbox, and one written without the optional `delivered` list.
    let empty = Outbox::from_json(r#"{"version":1,"entries":[]}"#).unwrap();
    assert!(empty.outbox.is_empty() && empty.skipped.is_empty());
    assert_eq!(empty.outbox.to_json(), Outbox::new().to_json());
}

#[test]
fn unreadable_storage_is_an_error() {
    let json = every_state().to_json();
    for bad in [
        "",
        "null",
        "[]",
        "42",
        "{",
        &json[..json.len() / 2],
        "{\"entries\":[]}",
        "{\"version\":\"1\",\"entries\":[]}",
        "{\"version\":1}",
        "{\"version\":1,\"entries\":{}}",
        "\u{feff}{\"version\":1,\"entries\":[]}",
    ] {
        let err = Outbox::from_json(bad).unwrap_err();
        assert!(matches!(err, LoadError::Unreadable(_)), "{bad:?}: {err:?}");
        assert!(err.to_string().starts_with("stored outbox is unreadable"));
    }
}

#[test]
fn a_key_written_twice_reads_its_last_value() {
    // A hand-edited store: an entry's `attempts` twice, and `version` twice. Read as
    // before the outbox went through a JSON value first (then via the salvage, which
    // also kept the last value): nothing lost, nothing skipped.
    let json = every_state().to_json();
    let twice = json
        .replacen("\"attempts\":1,", "\"attempts\":7,\"attempts\":1,", 1)
        .replacen("{\"version\":1,", "{\"version\":1,\"version\":1,", 1);
    assert_ne!(twice, json);
    let loaded = Outbox::from_json(&twice).unwrap();
    assert!(loaded.skipped.is_empty(), "{:?}", loaded.skipped);
    assert_eq!(loaded.outbox, every_state());
}

#[test]
fn an_unknown_version_is_refused() {
    for (s, v) in [
        (r#"{"version":2,"entries":[]}"#, 2),
        (r#"{"version":0,"entries":[]}"#, 0),
        (r#"{"version":2,"entries":[],"queues":{}}"#, 2),
        (r#"{"version":9999999999,"entries":"x"}"#, 9_999_999_999),
    ] {
        assert_eq!(
            Outbox::from_json(s).unwrap_err(),
            LoadError::UnsupportedVersion(v)
        );
    }
}

#[test]
fn a_damaged_entry_does_not_lose_the_others() {
    let mut v: Value = serde_json::from_str(&every_state().to_json()).unwrap();
    let entries = v["entries"].as_array_mut().unwrap();
    entries[1]["state"] = json!("exploded");
    entries.insert(0, json!("not an entry"));
    let dup = entries[1].clone();
    entries.push(dup);
    v["delivered"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "x"}));
    v["extra"] = json!(true);

    let loaded = Outbox::from_json(&v.to_string()).unwrap();
    let ids: Vec<_> = loaded
        .outbox
        .entries()
        .iter()
        .map(|e| e.id.clone())
        .collect();
    assert_eq!(ids, vec![rid(1), rid(4), rid(5)]);
    let what: BTreeMap<_, _> = loaded
        .skipped
        .iter()
        .map(|s| (s.what.as_str(), s.error.as_str()))
        .collect();
    assert_eq!(
        what.keys().copied().collect::<Vec<_>>(),
        [
            "delivered[1]",
            "entries[0]",
            "entries[2]",
            "entries[5]",
            "field \"extra\""
        ]
    );
    assert!(what["entries[5]"].contains("repeats id"), "{what:?}");
    let raw2 = &loaded
        .skipped
        .iter()
        .find(|s| s.what == "entries[2]")
        .unwrap()
        .raw;
    assert!(raw2.contains("exploded"), "raw kept for inspection: {raw2}");
    assert_eq!(loaded.outbox.delivered().len(), 1);
}

#[test]
fn loading_repairs_inconsistent_leases() {
    let mut v: Value = serde_json::from_str(&every_state().to_json()).unwrap();
    v["entries"][2]["lease"] = Value::Null; // sending without a lease
    v["entries"][0]["lease"] = json!({"owner": "ghost", "until_ms": u64::MAX}); // pending with one
    let o = Outbox::from_json(&v.to_string()).unwrap().outbox;
    assert_eq!(o.entries()[2].state, EntryState::Pending);
    assert!(o.entries()[0].lease.is_none());
}

// ---------------------------------------------------------------- next_wake

#[test]
fn next_wake_is_the_earliest_thing_to_do() {
    let mut o = Outbox::new();
    assert_eq!(o.next_wake(0), None);
    o.enqueue(new_entry(1), 100).unwrap();
    assert_eq!(o.next_wake(50), Some(50));
    assert_eq!(o.next_wake(150), Some(0));
    o.due(150, "a", LEASE);
    assert_eq!(o.next_wake(150), Some(LEASE));
    o.record(&rid(1), "a", &http(500), 1_000, 0.5);
    assert_eq!(o.next_wake(1_000), Some(1_000));
    o.enqueue(new_entry(2), 1_200).unwrap();
    assert_eq!(o.next_wake(1_100), Some(100));
}

// ---------------------------------------------------------------- soak

/// A tiny deterministic generator, so the soak is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n
    }
}

/// The endpoint: down (500, 503 with Retry-After, unreachable, hanging) until
/// `up_at`, then storing each id once like the real collector.
struct Collector {
    up_at: u64,
    stored: HashMap<ResponseId, String>,
    created: HashMap<ResponseId, u32>,
    posts: u32,
    duplicates: Vec<ResponseId>,
}

/// A request on its way: the outcome its sender will see, and when.
struct InFlight {
    id: ResponseId,
    done_at: u64,
    outcome: Outcome,
}

struct Tab {
    owner: String,
    alive: bool,
    in_flight: Vec<InFlight>,
}

const TIMEOUT: u64 = 15_000;

/// The shared localStorage of the tabs: a read is a copy, a write replaces it. Every
/// 25th write goes through JSON and must come back identical (doing it every time
/// would make this test slow in a debug build).
#[derive(Default)]
struct Storage {
    outbox: Outbox,
    writes: u32,
}

impl Storage {
    fn read(&self) -> Outbox {
        self.outbox.clone()
    }
    fn write(&mut self, o: &Outbox) {
        self.writes = (self.writes + 1) % 25;
        if self.writes == 0 {
            let loaded = Outbox::from_json(&o.to_json()).unwrap();
            assert!(loaded.skipped.is_empty());
            assert_eq!(&loaded.outbox, o);
        }
        self.outbox = o.clone();
    }
}

#[test]
fn soak_500_responses_collector_down_then_up_two_tabs_one_crash() {
    const N: u32 = 500;
    let mut rng = Lcg(0x5eed);
    let mut collector = Collector {
        up_at: 240_000,
        stored: HashMap::new(),
        created: HashMap::new(),
        posts: 0,
        duplicates: Vec::new(),
    };
    let bodies: HashMap<ResponseId, String> = (0..N).map(|n| (rid(n), new_entry(n).body)).collect();
    let mut tabs = vec![
        Tab {
            owner: "tab-a".into(),
            alive: true,
            in_flight: Vec::new(),
        },
        Tab {
            owner: "tab-b".into(),
            alive: true,
            in_flight: Vec::new(),
        },
    ];
    let crash_at = 250_500; // tab a dies just after the collector is back
    let reload_at = 400_000; // and a new tab c opens later
    let mut storage = Storage::default();
    // Ids whose POST reached the collector without its sender learning the result:
    // the only ones allowed to be posted again.
    let mut ambiguous: HashSet<ResponseId> = HashSet::new();
    let mut not_before: HashMap<ResponseId, u64> = HashMap::new();
    let mut delivered: HashMap<ResponseId, u32> = HashMap::new();
    let mut now = 0u64;
    let mut steps = 0;
    let mut arrived = 0u32;
    let mut lost_races = 0;

    loop {
        steps += 1;
        assert!(steps < 20_000, "no progress");
        // Responses are answered over the first 100 s, one every 200 ms.
        if arrived < N {
            let mut o = storage.read();
            while arrived < N && u64::from(arrived) * 200 <= now {
                assert_eq!(o.enqueue(new_entry(arrived), now), Ok(Enqueued::Added));
                arrived += 1;
            }
            storage.write(&o);
        }
        if now >= crash_at && tabs[0].alive {
            tabs[0].alive = false;
            for f in tabs[0].in_flight.drain(..) {
                if collector.stored.contains_key(&f.id) {
                    ambiguous.insert(f.id);
                }
            }
        }
        if now >= reload_at && tabs.len() == 2 {
            tabs.push(Tab {
                owner: "tab-c".into(),
                alive: true,
                in_flight: Vec::new(),
            });
        }

        // 1. Finished requests: one read–record–write per tab, in a shuffled order.
        let mut order: Vec<usize> = (0..tabs.len()).filter(|&t| tabs[t].alive).collect();
        if order.len() > 1 && rng.below(2) == 1 {
            order.reverse();
        }
        for &t in &order {
            let (done, rest): (Vec<_>, Vec<_>) =
                tabs[t].in_flight.drain(..).partition(|f| f.done_at <= now);
            tabs[t].in_flight = rest;
            if done.is_empty() {
                continue;
            }
            let mut o = storage.read();
            for f in done {
                let jitter = jitter_from_u32(rng.next());
                match o.record(&f.id, &tabs[t].owner, &f.outcome, now, jitter) {
                    Recorded::Delivered { entry } => {
                        assert!(now >= collector.up_at);
                        assert_eq!(entry.body, bodies[&entry.id]);
                        *delivered.entry(entry.id).or_default() += 1;
                    }
                    Recorded::Retry {
                        id,
                        next_attempt_ms,
                        ..
                    } => {
                        assert!(next_attempt_ms >= now);
                        not_before.insert(id, next_attempt_ms);
                    }
                    other => panic!("unexpected {other:?}"),
                }
            }
            storage.write(&o);
        }

        // 2. Claims, racing: every live tab reads, then each writes its claim, then
        //    each re-reads and sends only what it still holds.
        let copies: Vec<(usize, Outbox)> = order.iter().map(|&t| (t, storage.read())).collect();
        let mut claims: Vec<(usize, Vec<ResponseId>)> = Vec::new();
        for (t, mut o) in copies {
            let ids = o.due(now, &tabs[t].owner, LEASE);
            if !ids.is_empty() {
                storage.write(&o);
                claims.push((t, ids));
            }
        }
        let fresh = storage.read();
        for (t, ids) in claims {
            for id in ids {
                if !fresh.confirm_lease(&id, &tabs[t].owner, now) {
                    lost_races += 1;
                    continue;
                }
                let body = fresh.get(&id).unwrap().body.clone();
                for other in tabs.iter().filter(|x| x.alive) {
                    assert!(
                        !other.in_flight.iter().any(|f| f.id == id),
                        "{id} sent while {} is sending it",
                        other.owner
                    );
                }
                assert!(now >= not_before.get(&id).copied().unwrap_or(0));
                let latency = 100 * u64::from(1 + rng.below(20));
                let (done_at, outcome) = collector.post(&id, &body, now, latency, &mut rng);
                if matches!(outcome, Outcome::Timeout) && collector.stored.contains_key(&id) {
                    ambiguous.insert(id.clone());
                }
                tabs[t].in_flight.push(InFlight {
                    id,
                    done_at,
                    outcome,
                });
            }
        }

        // 3. Sleep until the next thing: a reply, the outbox's timer, a scripted event.
        let o = storage.read();
        let in_flight = tabs.iter().filter(|t| t.alive).flat_map(|t| &t.in_flight);
        if o.is_empty() && in_flight.clone().next().is_none() && arrived == N {
            break;
        }
        let mut next = in_flight.map(|f| f.done_at).min().unwrap_or(u64::MAX);
        if let Some(wake) = o.next_wake(now).filter(|&w| w > 0) {
            next = next.min(now + wake);
        }
        // Entries blocked only by the in-flight limit wait for a reply; otherwise a
        // 60 s heartbeat, and the scripted arrivals, crash and reload.
        next = next.min(now + 60_000);
        if arrived < N {
            next = next.min(now + 1_000);
        }
        for at in [crash_at, reload_at] {
            if now < at {
                next = next.min(at);
            }
        }
        now = next.max(now + 1);
    }

    assert_eq!(collector.stored.len(), N as usize, "every response stored");
    for (id, body) in &collector.stored {
        assert_eq!(body, &bodies[id]);
        assert_eq!(collector.created[id], 1, "{id} created twice");
    }
    for id in &collector.duplicates {
        assert!(ambiguous.contains(id), "{id} posted again without cause");
    }
    assert_eq!(delivered.len(), N as usize);
    assert!(delivered.values().all(|&c| c == 1), "delivered twice");
    let o = storage.read();
    assert!(o.is_empty());
    assert!((0..N).all(|n| matches!(o.status(&rid(n)), IdStatus::Delivered { .. })));
    // The scenario did exercise what it is about.
    assert!(collector.posts > 2 * N, "{} posts", collector.posts);
    assert!(
        !collector.duplicates.is_empty(),
        "no lost replies simulated"
    );
    assert!(lost_races > 0, "no racing claims simulated");
}

impl Collector {
    /// Handles a POST sent at `now`; returns when the sender sees what.
    fn post(
        &mut self,
        id: &ResponseId,
        body: &str,
        now: u64,
        latency: u64,
        rng: &mut Lcg,
    ) -> (u64, Outcome) {
        self.posts += 1;
        if now < self.up_at {
            return match rng.below(4) {
                0 => (now + latency, http(500)),
                1 => (
                    now + latency,
                    http_retry_after(503, &(5 + rng.below(30)).to_string(), now),
                ),
                2 => (now + latency, Outcome::Network("connection refused".into())),
                _ => (now + TIMEOUT, Outcome::Timeout),
            };
        }
        let outcome = match self.stored.get(id) {
            Some(b) if b == body => {
                self.duplicates.push(id.clone());
                http(200)
            }
            Some(_) => http(409),
            None => {
                self.stored.insert(id.clone(), body.to_string());
                *self.created.entry(id.clone()).or_default() += 1;
                http(201)
            }
        };
        // One reply in twelve is lost on the way back: the sender times out although
        // the response is stored.
        if rng.below(12) == 0 {
            (now + TIMEOUT, Outcome::Timeout)
        } else {
            (now + latency, outcome)
        }
    }
}

// ---------------------------------------------------------------- endpoint settings

#[test]
fn headers_and_timeout_travel_with_the_entry_and_older_entries_still_read() {
    let mut o = Outbox::new();
    o.enqueue(
        NewEntry {
            headers: vec![("X-Dealer-Route".into(), "north-7".into())],
            timeout_ms: Some(3000),
            ..new_entry(1)
        },
        10,
    )
    .unwrap();
    o.enqueue(new_entry(2), 10).unwrap();
    let json = o.to_json();
    assert!(
        json.contains(r#""headers":[["X-Dealer-Route","north-7"]],"timeout_ms":3000"#),
        "{json}"
    );
    let back = Outbox::from_json(&json).unwrap();
    assert!(back.skipped.is_empty());
    let e = back.outbox.get(&rid(1)).unwrap();
    assert_eq!(
        e.headers,
        [("X-Dealer-Route".to_string(), "north-7".to_string())]
    );
    assert_eq!(e.timeout_ms, Some(3000));
    // An entry stored before these settings existed has neither, and is read as is.
    let e2 = back.outbox.get(&rid(2)).unwrap();
    assert!(e2.headers.is_empty() && e2.timeout_ms.is_none());
    assert!(!json.contains(&format!(r#""id":"{}","endpoint":"/v1/responses","body":"{{\"format\":\"survey-response/1\",\"n\":2}}","headers""#, rid(2))));
}

#[test]
fn reconnecting_expedites_network_failures_but_not_what_the_endpoint_asked_to_wait() {
    let mut o = Outbox::new();
    for n in 1..=3 {
        o.enqueue(new_entry(n), 0).unwrap();
    }
    let ids = o.due(0, "tab-a", 30_000);
    assert_eq!(ids.len(), 3);
    o.record(
        &rid(1),
        "tab-a",
        &Outcome::Network("Failed to fetch".into()),
        10,
        1.0,
    );
    o.record(&rid(2), "tab-a", &Outcome::Timeout, 10, 1.0);
    o.record(
        &rid(3),
        "tab-a",
        &Outcome::Status {
            code: 503,
            retry_after: RetryAfter::parse("120", 10),
            reason: "busy".into(),
        },
        10,
        1.0,
    );
    let waits: Vec<u64> = (1..=3)
        .map(|n| o.get(&rid(n)).unwrap().next_attempt_ms)
        .collect();
    assert!(waits.iter().all(|&w| w > 100), "{waits:?}");
    assert_eq!(o.expedite_network_failures(100), 2);
    assert_eq!(o.get(&rid(1)).unwrap().next_attempt_ms, 100);
    assert_eq!(o.get(&rid(2)).unwrap().next_attempt_ms, 100);
    assert_eq!(
        o.get(&rid(3)).unwrap().next_attempt_ms,
        waits[2],
        "Retry-After is honoured"
    );
    assert_eq!(o.due(100, "tab-b", 30_000).len(), 2);
    assert_eq!(
        o.expedite_network_failures(100),
        0,
        "sending entries are left alone"
    );
}
