//! The hand-written calendar and RFC 3339 code of `survey_core::time` (kept because the
//! widget's wasm cannot afford a date crate), checked against `jiff` on every day of
//! five centuries and on random instants, offsets and precisions.

use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::Timestamp;
use proptest::prelude::*;
use std::cmp::Ordering;
use survey_core::time::{
    civil_from_days, days_from_civil, days_in_month, epoch_millis, format_date, format_utc,
    is_leap_year, parse_date, parse_rfc3339_any, parse_utc, weekday, UtcTime, Zone,
};

/// Seconds since the epoch of a jiff date at midnight UTC, by jiff's civil arithmetic
/// (its `Timestamp` stops short of 9999-12-31, its dates do not).
fn midnight(date: Date) -> i64 {
    let days = (date - Date::constant(1970, 1, 1)).get_days();
    i64::from(days) * 86_400
}

fn utc(seconds: i64, fraction: &str) -> UtcTime {
    UtcTime {
        seconds,
        fraction: fraction.into(),
    }
}

#[test]
fn every_day_from_1900_to_2400_agrees_with_jiff() {
    let mut date = Date::constant(1900, 1, 1);
    let end = Date::constant(2401, 1, 1);
    let mut checked = 0;
    while date < end {
        let (y, m, d) = (
            i64::from(date.year()),
            date.month() as u32,
            date.day() as u32,
        );
        let seconds = midnight(date);
        let days = seconds / 86_400;
        assert_eq!(days_from_civil(y, m, d), days, "{date}");
        assert_eq!(civil_from_days(days), (y, m, d), "{date}");
        assert_eq!(days_in_month(y, m), date.days_in_month() as u32, "{date}");
        assert_eq!(is_leap_year(y), date.in_leap_year(), "{date}");
        // The follow-up clock's weekdays and dates.
        let monday_is_0 = date.weekday().to_monday_zero_offset();
        assert_eq!(
            weekday(days),
            u32::try_from(monday_is_0).unwrap_or(9),
            "{date}"
        );
        assert_eq!(format_date(days), date.to_string());
        assert_eq!(parse_date(&date.to_string()), Some(days), "{date}");
        // A time late in the day, so the day boundary is crossed by the parse too.
        let t = utc(seconds + 86_399, ".5");
        let text = format_utc(&t).unwrap_or_default();
        assert_eq!(text, format!("{date}T23:59:59.5Z"));
        assert_eq!(parse_utc(&text), Some(t));
        date = date
            .tomorrow()
            .unwrap_or_else(|e| panic!("after {date}: {e}"));
        checked += 1;
    }
    assert_eq!(checked, 182_987);
}

#[test]
fn the_calendar_edges_agree_with_jiff() {
    for (y, m, d) in [
        (0, 1, 1),
        (1, 1, 1),
        (1969, 12, 31),
        (1970, 1, 1),
        (9999, 12, 31),
    ] {
        let date = Date::new(y, m, d).unwrap_or_else(|e| panic!("{e}"));
        let days = midnight(date) / 86_400;
        let ours = (i64::from(y), m as u32, d as u32);
        assert_eq!(days_from_civil(ours.0, ours.1, ours.2), days, "{date}");
        assert_eq!(civil_from_days(days), ours, "{date}");
    }
    // Outside the four-digit years, no text; just inside, exactly jiff's.
    let first = midnight(Date::constant(0, 1, 1));
    let last = midnight(Date::constant(9999, 12, 31)) + 86_399;
    assert_eq!(format_utc(&utc(first - 1, "")), None);
    assert_eq!(format_utc(&utc(last + 1, "")), None);
    assert_eq!(
        format_utc(&utc(first, "")).as_deref(),
        Some("0000-01-01T00:00:00Z")
    );
    assert_eq!(
        format_utc(&utc(last, "")).as_deref(),
        Some("9999-12-31T23:59:59Z")
    );
}

/// jiff reads a leap second as `:59`; ours refuses it, as no clock gives one.
#[test]
fn a_leap_second_is_refused_where_jiff_would_clamp_it() {
    for text in ["2016-12-31T23:59:60Z", "2016-12-31T23:59:60.5Z"] {
        assert!(text.parse::<Timestamp>().is_ok(), "jiff takes {text}");
        assert_eq!(parse_utc(text), None, "{text}");
        assert_eq!(parse_rfc3339_any(text), None, "{text}");
        assert_eq!(epoch_millis(text), None, "{text}");
    }
    assert_eq!(parse_rfc3339_any("2017-01-01T07:59:60+08:00"), None);
}

#[test]
fn offsets_and_lower_case_are_read_as_rfc_3339_says() {
    let cases = [
        ("2026-11-23T18:00:00+08:00", "2026-11-23T10:00:00Z"),
        ("2026-11-23t10:00:00.500z", "2026-11-23T10:00:00.500Z"),
        ("2026-11-23T00:30:00-05:30", "2026-11-23T06:00:00Z"),
        ("2026-01-01T00:00:00+00:01", "2025-12-31T23:59:00Z"),
        ("2026-11-23T10:00:00-00:00", "2026-11-23T10:00:00Z"),
        ("2026-11-23T10:00:00+23:59", "2026-11-22T10:01:00Z"),
        ("9999-12-30T22:30:00+01:00", "9999-12-30T21:30:00Z"),
    ];
    for (text, expected) in cases {
        let ours = parse_rfc3339_any(text);
        assert_eq!(
            ours.as_ref().and_then(format_utc).as_deref(),
            Some(expected),
            "{text}"
        );
        let jiff = text
            .parse::<Timestamp>()
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(ours.map(|t| t.seconds), Some(jiff.as_second()), "{text}");
    }
    // The last second ours can write, past jiff's last `Timestamp`.
    assert_eq!(
        parse_rfc3339_any("9999-12-31T23:59:59-00:00")
            .as_ref()
            .and_then(format_utc)
            .as_deref(),
        Some("9999-12-31T23:59:59Z")
    );
    for bad in [
        "2026-11-23T10:00:00",
        "2026-11-23T10:00:00+08",
        "2026-11-23T10:00:00+0800",
        "2026-11-23T10:00:00+24:00",
        "2026-11-23T10:00:00+08:60",
        "2026-11-23T10:00:00 08:00",
        "2026-11-23T10:00:00+8:00",
        "2026-11-23T10:00:00+08:0a",
        "2026-11-23 10:00:00Z",
        "2026-11-23T10:00:00.Z",
        "2026-02-29T10:00:00Z",
        "2026-11-23",
        "0000-01-01T00:30:00+01:00",
        "9999-12-31T23:30:00-01:00",
        "2026-11-23T10:00:00+08:00é",
        "2026-11-23T10:00:00é08:00",
        "",
    ] {
        assert_eq!(parse_rfc3339_any(bad), None, "{bad:?}");
    }
}

#[test]
fn instants_compare_regardless_of_trailing_zeros() {
    let a = parse_utc("2026-11-23T10:00:00.5Z");
    let b = parse_utc("2026-11-23T10:00:00.500Z");
    let c = parse_utc("2026-11-23T10:00:00.49999Z");
    let d = parse_utc("2026-11-23T10:00:01Z");
    let (Some(a), Some(b), Some(c), Some(d)) = (a, b, c, d) else {
        panic!("test times")
    };
    assert_eq!(a.cmp_instant(&b), Ordering::Equal);
    assert_ne!(a, b, "== compares the text kept for output");
    assert_eq!(c.cmp_instant(&a), Ordering::Less);
    assert_eq!(a.cmp_instant(&d), Ordering::Less);
    assert_eq!(d.cmp_instant(&c), Ordering::Greater);
}

/// Instants from 0000-01-01 to jiff's last (9999-12-30T22:00:00Z, short of our
/// 9999-12-31T23:59:59.999999999Z so it can carry any offset).
fn instant() -> impl Strategy<Value = i128> {
    let first = i128::from(midnight(Date::constant(0, 1, 1))) * 1_000_000_000;
    first..=Timestamp::MAX.as_nanosecond()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// Text jiff writes, with 0 to 9 fraction digits, ours reads as the same instant
    /// and writes back identically.
    #[test]
    fn random_instants_agree_with_jiff(nanos in instant(), digits in 0u32..=9) {
        let ts = Timestamp::from_nanosecond(nanos).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let text = format!("{ts:.0$}", digits as usize);
        // What the text can show: jiff truncates to its precision.
        let step = 10_i128.pow(9 - digits);
        let shown = nanos.div_euclid(step) * step;
        let back = text.parse::<Timestamp>().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.as_nanosecond(), shown, "{}", text);
        let parsed = parse_utc(&text);
        prop_assert!(parsed.is_some(), "{}", text);
        let parsed = parsed.unwrap_or_else(|| utc(0, ""));
        prop_assert_eq!(i128::from(parsed.seconds), shown.div_euclid(1_000_000_000), "{}", text);
        prop_assert_eq!(format_utc(&parsed), Some(text.clone()));
        prop_assert_eq!(epoch_millis(&text).map(i128::from), Some(shown.div_euclid(1_000_000)), "{}", text);
    }

    /// The same instant written in a random offset's local time.
    #[test]
    fn random_offsets_agree_with_jiff(nanos in instant(), offset_minutes in -1439i32..=1439) {
        let ts = Timestamp::from_nanosecond(nanos).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let offset = Offset::from_seconds(offset_minutes * 60).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let local = offset.to_datetime(ts);
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let text = format!(
            "{local:.9}{sign}{:02}:{:02}",
            offset_minutes.abs() / 60,
            offset_minutes.abs() % 60
        );
        let jiff = text.parse::<Timestamp>().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(jiff, ts);
        match parse_rfc3339_any(&text) {
            Some(t) => {
                prop_assert_eq!(i128::from(t.seconds), nanos.div_euclid(1_000_000_000), "{}", text);
                prop_assert_eq!(format_utc(&t), Some(format!("{ts:.9}")));
            }
            // Only a local time whose UTC instant leaves the four-digit years; jiff's
            // local year stays in 0000-9999 here, so the offset carried it out.
            None => prop_assert!(!(0..=9999).contains(&local.year()), "{text}"),
        }
    }
}

proptest! {
    /// A zone's local day and second agree with jiff's fixed offsets.
    #[test]
    fn local_days_agree_with_jiff(seconds in 0_i64..4_102_444_800, minutes in -720_i32..=840) {
        let zone = Zone { offset_minutes: minutes };
        let (day, second) = zone.local(seconds);
        let offset = Offset::from_seconds(minutes * 60).expect("offset");
        let zoned = Timestamp::from_second(seconds)
            .expect("timestamp")
            .to_zoned(jiff::tz::TimeZone::fixed(offset));
        prop_assert_eq!(format_date(day), zoned.date().to_string());
        let expect = i64::from(zoned.hour()) * 3600
            + i64::from(zoned.minute()) * 60
            + i64::from(zoned.second());
        prop_assert_eq!(second, expect);
        prop_assert_eq!(zone.utc(day, second), seconds);
    }
}
