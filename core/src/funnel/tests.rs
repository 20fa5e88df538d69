use super::*;
use crate::ids::SurveyId;

const V1: &str = "0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e";

fn visit() -> Visit {
    Visit::new(
        V1.into(),
        SurveyId::new("post-service"),
        3,
        Some("dealer-sh-01".into()),
        Mode::Page,
    )
}

fn body(extra: &str) -> String {
    format!(
        r#"{{"format":"survey-beacon/1","survey":{{"id":"post-service","version":3}},"channel":"qr","visit":"{V1}","stage":"opened","elapsed_ms":0{extra}}}"#
    )
}

fn refused(body: &str) -> String {
    match Beacon::from_json_strict(body) {
        Ok(b) => panic!("accepted {b:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_beacon_round_trips_through_its_json() {
    let b = Beacon::of(&visit(), Stage::Page, Some(3), 41_250);
    let json = b.to_json();
    assert_eq!(Beacon::from_json_strict(&json), Ok(b));
    assert_eq!(
        json,
        format!(
            r#"{{"format":"survey-beacon/1","survey":{{"id":"post-service","version":3}},"channel":"qr","visit":"{V1}","stage":"page","elapsed_ms":41250,"dealer":"dealer-sh-01","page":3}}"#
        )
    );
    // A text is escaped, whatever it holds (the dealer comes from the page).
    let mut odd = Beacon::of(&visit(), Stage::Opened, None, 0);
    odd.dealer = Some("a\"b\\c\n".into());
    let back: serde_json::Value = serde_json::from_str(&odd.to_json()).expect("JSON");
    assert_eq!(back["dealer"], "a\"b\\c\n");
    assert!(back.get("page").is_none());
}

#[test]
fn nothing_but_the_stage_may_travel() {
    // An answer, a token or a phone number is an unknown field, refused by name.
    let e = refused(&body(r#","answers":{"nps":{"scale":3}}"#));
    assert!(e.starts_with("answers: unknown field `answers`"), "{e}");
    let e = refused(&body(r#","token":"t.1""#));
    assert!(e.starts_with("token: unknown field `token`"), "{e}");
    let e = refused(&body(r#","context":{"phone":"13800138000"}"#));
    assert!(e.starts_with("context: unknown field `context`"), "{e}");
}

#[test]
fn refusals_name_the_field() {
    let cases: [(&str, &str); 12] = [
        (
            r#"{"format":"x","survey":{"id":"post-service","version":3},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"opened","elapsed_ms":0}"#,
            "format: expected \"survey-beacon/1\", found \"x\"",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"Post Service","version":3},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"opened","elapsed_ms":0}"#,
            "survey.id: \"Post Service\" is not a valid survey id",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":0},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"opened","elapsed_ms":0}"#,
            "survey.version: must be 1 or more, found 0",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"channel":"qr","visit":"visitor-42","stage":"opened","elapsed_ms":0}"#,
            "visit: expected a random UUID like 0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e, found \"visitor-42\"",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"page","elapsed_ms":0}"#,
            "page: a page beacon names its page",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"page","page":1,"elapsed_ms":0}"#,
            "page: must be between 2 and 200 (page 1 is \"opened\"), found 1",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"started","page":2,"elapsed_ms":0}"#,
            "page: only a \"page\" beacon names a page, not \"started\"",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"opened","elapsed_ms":86400001}"#,
            "elapsed_ms: at most 86400000 (a day), found 86400001",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"channel":"fax","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"opened","elapsed_ms":0}"#,
            "channel: unknown variant `fax`, expected one of `qr`, `website`, `kiosk`, `phone`",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"left","elapsed_ms":0}"#,
            "stage: unknown variant `left`",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"opened","elapsed_ms":-5}"#,
            "elapsed_ms: invalid value: integer `-5`",
        ),
        (
            r#"{"format":"survey-beacon/1","survey":{"id":"post-service","version":3},"survey":{"id":"post-call","version":1},"channel":"qr","visit":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","stage":"opened","elapsed_ms":0}"#,
            "duplicate key \"survey\"",
        ),
    ];
    for (body, expected) in cases {
        let e = refused(body);
        assert!(
            e.starts_with(expected),
            "{body}\n  gave {e}\n  expected {expected}"
        );
    }
    let e = refused(&body(r#","dealer":"a b""#));
    assert!(e.starts_with("dealer: "), "{e}");
    let e = refused("{} trailing");
    assert!(e.contains("unexpected data after the JSON document"), "{e}");
}

#[test]
fn a_visit_sends_each_stage_once() {
    let v = visit();
    let t = Tracker::default();
    // Nothing before the survey is shown.
    let (t, b) = t.step(&v, Signal::Answered, 1_000);
    assert_eq!(b, None);
    let (t, b) = t.step(&v, Signal::Shown, 1_000);
    assert_eq!(b.map(|b| (b.stage, b.elapsed_ms)), Some((Stage::Opened, 0)));
    let (t2, b) = t.step(&v, Signal::Shown, 1_500);
    assert_eq!((b, &t2), (None, &t), "a second Shown changes nothing");
    let (t, b) = t.step(&v, Signal::Answered, 4_000);
    assert_eq!(
        b.map(|b| (b.stage, b.elapsed_ms)),
        Some((Stage::Started, 3_000))
    );
    let (t, b) = t.step(&v, Signal::Answered, 5_000);
    assert_eq!(b, None);
    let (t, b) = t.step(&v, Signal::PageReached(1), 5_000);
    assert_eq!(b, None, "page 1 is the opened stage");
    let (t, b) = t.step(&v, Signal::PageReached(2), 9_000);
    assert_eq!(b.map(|b| (b.stage, b.page)), Some((Stage::Page, Some(2))));
    // Back to page 1 and forward again: page 2 is not sent twice.
    let (t, _) = t.step(&v, Signal::PageReached(1), 10_000);
    let (t, b) = t.step(&v, Signal::PageReached(2), 11_000);
    assert_eq!(b, None);
    let (t, b) = t.step(&v, Signal::Hidden, 12_000);
    assert_eq!(
        b.map(|b| (b.stage, b.elapsed_ms)),
        Some((Stage::Abandoned, 11_000))
    );
    let (t, b) = t.step(&v, Signal::Idle, 13_000);
    assert_eq!(b, None, "abandoned once");
    // Back in the tab, the customer finishes: completion still counts.
    let (t, b) = t.step(&v, Signal::PageReached(3), 14_000);
    assert_eq!(b.map(|b| b.page), Some(Some(3)));
    let (t, b) = t.step(&v, Signal::Completed, 61_000);
    assert_eq!(
        b.map(|b| (b.stage, b.elapsed_ms)),
        Some((Stage::Completed, 60_000))
    );
    for s in [
        Signal::Completed,
        Signal::Hidden,
        Signal::PageReached(4),
        Signal::Idle,
    ] {
        let (t2, b) = t.step(&v, s, 70_000);
        assert_eq!((b, &t2), (None, &t), "{s:?} after completion");
    }
}

#[test]
fn an_abandoned_visit_is_not_abandoned_after_completion() {
    let v = visit();
    let (t, _) = Tracker::default().step(&v, Signal::Shown, 0);
    let (t, b) = t.step(&v, Signal::Completed, 30_000);
    assert!(b.is_some());
    let (_, b) = t.step(&v, Signal::Hidden, 31_000);
    assert_eq!(b, None);
}

fn ev(channel: Channel, visit: &str, stage: Stage, page: u32, ms: u64) -> Event {
    Event {
        channel,
        visit: visit.into(),
        stage,
        page,
        elapsed_ms: ms,
    }
}

/// Five QR visits and two kiosk ones, worked by hand:
/// - a: opened, started, p2, p3, completed in 90 s
/// - b: opened, started, p2, abandoned (stopped at 2)
/// - c: opened, abandoned (stopped at 1)
/// - d: opened, started, p2, p3, completed in 150 s; its page 2 beacon sent twice
/// - e: opened, started, p2, completed in 60 s; abandoned before (came back)
/// - kiosk k1: opened, started, p2 (stopped at 2, no abandon beacon yet)
/// - kiosk k2: opened, started, completed in 45 s
///
/// QR: opened 5, started 4, page 2: 4, page 3: 2, completed 3, abandoned 3 beacons
/// (b, c, e); stopped: page 1 → 1 (c), page 2 → 1 (b); completion 3/5 = 0.6; median of
/// 60, 90, 150 s = 90 s; the give-up page is a tie of 1 and 2 → 1.
/// Kiosk: opened 2, started 2, page 2: 1, completed 1, stopped page 2 → 1; median 45 s;
/// completion 0.5; give-up page 2.
#[test]
fn the_funnel_of_hand_counted_visits() {
    use Channel::{Kiosk, Qr};
    use Stage::*;
    let e = vec![
        ev(Qr, "a", Opened, 0, 0),
        ev(Qr, "a", Started, 0, 5_000),
        ev(Qr, "a", Page, 2, 30_000),
        ev(Qr, "a", Page, 3, 60_000),
        ev(Qr, "a", Completed, 0, 90_000),
        ev(Qr, "b", Opened, 0, 0),
        ev(Qr, "b", Started, 0, 4_000),
        ev(Qr, "b", Page, 2, 20_000),
        ev(Qr, "b", Abandoned, 0, 140_000),
        ev(Qr, "c", Opened, 0, 0),
        ev(Qr, "c", Abandoned, 0, 120_000),
        ev(Qr, "d", Opened, 0, 0),
        ev(Qr, "d", Started, 0, 9_000),
        ev(Qr, "d", Page, 2, 50_000),
        ev(Qr, "d", Page, 2, 50_000),
        ev(Qr, "d", Page, 3, 100_000),
        ev(Qr, "d", Completed, 0, 150_000),
        ev(Qr, "e", Opened, 0, 0),
        ev(Qr, "e", Started, 0, 2_000),
        ev(Qr, "e", Abandoned, 0, 10_000),
        ev(Qr, "e", Page, 2, 30_000),
        ev(Qr, "e", Completed, 0, 60_000),
        ev(Kiosk, "k1", Opened, 0, 0),
        ev(Kiosk, "k1", Started, 0, 1_000),
        ev(Kiosk, "k1", Page, 2, 8_000),
        ev(Kiosk, "k2", Opened, 0, 0),
        ev(Kiosk, "k2", Started, 0, 1_000),
        ev(Kiosk, "k2", Completed, 0, 45_000),
    ];
    let counts = Counts::from_events(&e);
    let qr = Funnel::of(counts[&Qr].clone());
    assert_eq!(
        (
            qr.counts.opened,
            qr.counts.started,
            qr.counts.completed,
            qr.counts.abandoned
        ),
        (5, 4, 3, 3)
    );
    assert_eq!(qr.counts.pages, BTreeMap::from([(2, 4), (3, 2)]));
    assert_eq!(qr.counts.stopped, BTreeMap::from([(1, 1), (2, 1)]));
    assert_eq!(qr.counts.median_ms_to_complete, Some(90_000));
    assert_eq!(qr.completion_rate, Some(0.6));
    assert_eq!(qr.give_up_page, Some(1));
    let kiosk = Funnel::of(counts[&Kiosk].clone());
    assert_eq!((kiosk.counts.opened, kiosk.counts.completed), (2, 1));
    assert_eq!(kiosk.counts.stopped, BTreeMap::from([(2, 1)]));
    assert_eq!(kiosk.counts.median_ms_to_complete, Some(45_000));
    assert_eq!(kiosk.completion_rate, Some(0.5));
    assert_eq!(kiosk.give_up_page, Some(2));
}

#[test]
fn medians_of_even_and_odd_counts() {
    assert_eq!(middle(0), 0..0);
    assert_eq!(middle(1), 0..1);
    assert_eq!(middle(4), 1..3);
    assert_eq!(middle(5), 2..3);
    assert_eq!(median_of_middle(0, &[]), None);
    assert_eq!(median_of_middle(3, &[90]), Some(90));
    // 60 and 91 → 75.5 → 75 (down to the millisecond); no overflow near u64::MAX.
    assert_eq!(median_of_middle(4, &[60, 91]), Some(75));
    assert_eq!(median_of_middle(2, &[u64::MAX, u64::MAX]), Some(u64::MAX));
}

#[test]
fn every_visit_completed_has_no_give_up_page() {
    let f = Funnel::of(Counts {
        opened: 2,
        completed: 2,
        ..Counts::default()
    });
    assert_eq!((f.give_up_page, f.completion_rate), (None, Some(1.0)));
    assert_eq!(Funnel::of(Counts::default()).completion_rate, None);
}

#[test]
fn channels_follow_the_widget_mode() {
    assert_eq!(Channel::of_mode(Mode::Page), Channel::Qr);
    assert_eq!(Channel::of_mode(Mode::Embed), Channel::Website);
    assert_eq!(Channel::of_mode(Mode::Kiosk), Channel::Kiosk);
    assert_eq!(Channel::of_mode(Mode::Interview), Channel::Phone);
    for c in Channel::ALL {
        assert_eq!(Channel::parse(c.as_str()), Some(c));
    }
    for s in Stage::ALL {
        assert_eq!(Stage::parse(s.as_str()), Some(s));
    }
}
