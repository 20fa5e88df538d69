//! The one time module: the calendar and RFC 3339 arithmetic the crate needs (a
//! follow-up due `created_at` + 48 h, a plausible `created_at`, an HTTP-date), written
//! out so that core stays free of a date crate and of the clock, and works the same in
//! wasm, where a date crate would cost the widget's download budget. The tests check it
//! against `jiff` (`tests/time.rs`).
//!
//! Reports count in the dealer's calendar: [`CivilDate`] is a day as the dealer names it
//! and [`Period`] the named periods (this month, last month, this quarter) as local
//! days. Which instant a local midnight is depends on the dealer's time zone, which needs
//! the zone database: the collector does that one step with jiff (`collector/src/query.rs`),
//! the calendar rules stay here.
//!
//! Days are counted from 1970-01-01 with Howard Hinnant's `days_from_civil`, which is
//! exact for the proleptic Gregorian calendar. An RFC 3339 time with a leap second
//! (`:60`) is refused by every parser here: no device clock (JavaScript's `Date`) gives
//! one and Unix time has none, so a time that names one is made up. (An HTTP-date may
//! name one, by its own grammar: see [`crate::delivery::parse_http_date`].)

use std::cmp::Ordering;

/// Seconds per day.
const DAY: i64 = 86_400;

/// A UTC time parsed from `YYYY-MM-DDTHH:MM:SS(.fff)Z`: whole seconds since the Unix
/// epoch, and the fraction digits exactly as written (kept so the output has the input's
/// precision).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtcTime {
    pub seconds: i64,
    pub fraction: String,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // 0..=399
    let m = i64::from(month);
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146096
    era * 146_097 + doe - 719_468
}

/// The date (year, month 1-12, day 1-31) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..=365
    let mp = (5 * doy + 2) / 153; // 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1; // 1..=31
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // 1..=12
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both narrowings are in range by construction (1..=31, 1..=12).
    (year, day_or_month(month), day_or_month(day))
}

fn day_or_month(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(1)
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days in a month (0 for a month outside 1-12).
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS(.f…)Z` (UTC only, upper-case `T` and `Z`, as the widget
/// sends it). A date that does not exist (e.g. 02-30) and a leap second (`:60`) are
/// refused.
pub fn parse_utc(s: &str) -> Option<UtcTime> {
    let local = s.strip_suffix('Z')?;
    if local.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    parse_local(local)
}

/// Parses any RFC 3339 date-time (§5.6): `T` or `t`, and `Z`, `z` or a `±HH:MM` offset
/// (`-00:00` included), as the UTC time it names. Leap seconds are refused as in
/// [`parse_utc`], and so is a time whose UTC year leaves 0000-9999, so [`format_utc`]
/// always succeeds on the result. For times a person types, e.g. a report's bounds; a
/// response's `created_at` must be [`parse_utc`]'s form.
pub fn parse_rfc3339_any(s: &str) -> Option<UtcTime> {
    let (local, offset_seconds) = if let Some(local) = s.strip_suffix(['Z', 'z']) {
        (local, 0)
    } else {
        let split = s.len().checked_sub(6)?;
        let (local, offset) = (s.get(..split)?, s.get(split..)?.as_bytes());
        let sign = match offset[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        if offset[3] != b':' {
            return None;
        }
        let hours = two_digits(&offset[1..3])?;
        let minutes = two_digits(&offset[4..6])?;
        if hours > 23 || minutes > 59 {
            return None;
        }
        (local, sign * i64::from(hours * 3600 + minutes * 60))
    };
    if !matches!(local.as_bytes().get(10), Some(b'T' | b't')) {
        return None;
    }
    let mut t = parse_local(local)?;
    t.seconds = t.seconds.checked_sub(offset_seconds)?;
    format_utc(&t)?;
    Some(t)
}

/// Two ASCII digits as a number.
fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [h @ b'0'..=b'9', l @ b'0'..=b'9'] => Some(u32::from(h - b'0') * 10 + u32::from(l - b'0')),
        _ => None,
    }
}

/// `YYYY-MM-DD?HH:MM:SS(.f…)`, the separator at index 10 left to the caller, as a time
/// in UTC (the caller applies any offset).
fn parse_local(s: &str) -> Option<UtcTime> {
    let b = s.as_bytes();
    if !s.is_ascii() || b.len() < 19 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        let part = s.get(from..to)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let year = num(0, 4)?;
    let month = num(5, 7)?;
    let day = num(8, 10)?;
    let hour = num(11, 13)?;
    let minute = num(14, 16)?;
    let second = num(17, 19)?;
    let fraction = s.get(19..)?;
    if !fraction.is_empty() {
        let digits = fraction.strip_prefix('.')?;
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let year = i64::from(year);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * DAY
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    Some(UtcTime {
        seconds,
        fraction: fraction.to_string(),
    })
}

impl UtcTime {
    /// Which of two times is earlier, as instants: `.5` and `.50` are the same time,
    /// though the derived `==` (which compares the text kept for output) says they differ.
    pub fn cmp_instant(&self, other: &Self) -> Ordering {
        let digits = |t: &Self| {
            t.fraction
                .trim_start_matches('.')
                .trim_end_matches('0')
                .to_owned()
        };
        // Without trailing zeros, fraction digits compare as text: a shorter one that is
        // a prefix of the other is the smaller.
        self.seconds
            .cmp(&other.seconds)
            .then_with(|| digits(self).cmp(&digits(other)))
    }
}

/// Formats a time as `YYYY-MM-DDTHH:MM:SS(.f…)Z`; `None` outside years 0000-9999, which
/// the four-digit year cannot show.
pub fn format_utc(t: &UtcTime) -> Option<String> {
    let days = t.seconds.div_euclid(DAY);
    let secs = t.seconds.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        t.fraction
    ))
}

/// `timestamp` plus `hours`, in the same format and precision; `None` when the
/// timestamp is not `YYYY-MM-DDTHH:MM:SS(.f…)Z` or the result leaves years 0000-9999.
pub fn add_hours(timestamp: &str, hours: i64) -> Option<String> {
    let t = parse_utc(timestamp)?;
    let seconds = t.seconds.checked_add(hours.checked_mul(3600)?)?;
    format_utc(&UtcTime {
        seconds,
        fraction: t.fraction,
    })
}

/// Milliseconds since the Unix epoch of a timestamp (fraction truncated to ms), for
/// callers that compare times (e.g. "is this follow-up overdue?" given their own `now`).
pub fn epoch_millis(timestamp: &str) -> Option<i64> {
    let t = parse_utc(timestamp)?;
    let digits = t.fraction.trim_start_matches('.');
    let mut ms: i64 = 0;
    for i in 0..3 {
        let d = digits.as_bytes().get(i).map_or(0, |c| i64::from(c - b'0'));
        ms = ms * 10 + d;
    }
    t.seconds.checked_mul(1000)?.checked_add(ms)
}

/// A calendar date (proleptic Gregorian), as a dealer's staff name a day: no zone,
/// no time. The collector turns one into an instant with the dealer's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CivilDate {
    pub year: i64,
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
}

impl CivilDate {
    /// Parses `YYYY-MM-DD` exactly (ASCII digits, a date that exists).
    pub fn parse(s: &str) -> Option<CivilDate> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let (year, month, day) = (i64::from(digits(0..4)?), digits(5..7)?, digits(8..10)?);
        ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day))
            .then_some(CivilDate { year, month, day })
    }

    /// The next day.
    pub fn next_day(self) -> CivilDate {
        self.plus_days(1)
    }

    /// `days` later (earlier when negative).
    pub fn plus_days(self, days: i64) -> CivilDate {
        let (year, month, day) =
            civil_from_days(days_from_civil(self.year, self.month, self.day) + days);
        CivilDate { year, month, day }
    }

    /// The first day of this date's month, `months` months later (earlier when negative).
    pub fn month_start(self, months: i64) -> CivilDate {
        let index = self.year * 12 + i64::from(self.month) - 1 + months;
        CivilDate {
            year: index.div_euclid(12),
            month: u32::try_from(index.rem_euclid(12) + 1).unwrap_or(1),
            day: 1,
        }
    }
}

impl std::fmt::Display for CivilDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A named reporting period, in the dealer's calendar: the console's period filter and
/// `period=` of the report routes. Each covers whole local days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The month of today, from its first day to its last.
    ThisMonth,
    /// The month before it, whole.
    LastMonth,
    /// The calendar quarter of today (January-March, April-June, …), whole: the
    /// quarter a dealer's CSI plan is reviewed by, not the last 90 days.
    Quarter,
}

impl Period {
    /// `this_month`, `last_month` or `quarter`.
    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "this_month" => Some(Period::ThisMonth),
            "last_month" => Some(Period::LastMonth),
            "quarter" => Some(Period::Quarter),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Period::ThisMonth => "this_month",
            Period::LastMonth => "last_month",
            Period::Quarter => "quarter",
        }
    }

    /// The local days the period covers when it is `today` where the dealer is: the
    /// first day, and the day after the last (an exclusive end, so a caller turns both
    /// into the instants their midnights are).
    pub fn dates(self, today: CivilDate) -> (CivilDate, CivilDate) {
        match self {
            Period::ThisMonth => (today.month_start(0), today.month_start(1)),
            Period::LastMonth => (today.month_start(-1), today.month_start(0)),
            Period::Quarter => {
                let back = i64::from((today.month - 1) % 3);
                (today.month_start(-back), today.month_start(3 - back))
            }
        }
    }
}

/// A dealer's time zone as the follow-up clock needs it: a fixed offset from UTC.
///
/// Core has no time-zone database (it would cost the widget's budget), so only zones
/// without daylight saving time are named here: every dealer of the seeds is in one
/// (mainland China, Taiwan, Hong Kong, Macau have had no DST since 1991). A zone with
/// DST is refused by [`Zone::parse`] rather than silently off by an hour half the year;
/// a fixed offset (`+08:00`) is accepted as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    /// Minutes east of UTC.
    pub offset_minutes: i32,
}

impl Zone {
    /// China Standard Time, UTC+8: the default dealer zone.
    pub const SHANGHAI: Zone = Zone {
        offset_minutes: 8 * 60,
    };
    pub const UTC: Zone = Zone { offset_minutes: 0 };

    /// `Asia/Shanghai` (and the other DST-free zones of the region), `UTC`, or a fixed
    /// offset `±HH:MM`. `None` for anything else.
    pub fn parse(name: &str) -> Option<Zone> {
        let name = name.trim();
        let hours = |h: i32| {
            Some(Zone {
                offset_minutes: h * 60,
            })
        };
        match name {
            "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Harbin" | "PRC" | "Asia/Taipei"
            | "Asia/Hong_Kong" | "Asia/Macau" | "Asia/Singapore" | "Asia/Kuala_Lumpur"
            | "Asia/Manila" => hours(8),
            "Asia/Tokyo" | "Asia/Seoul" => hours(9),
            "Asia/Bangkok" | "Asia/Ho_Chi_Minh" | "Asia/Jakarta" => hours(7),
            "UTC" | "Etc/UTC" | "Z" => hours(0),
            _ => {
                let b = name.as_bytes();
                if b.len() != 6 || b[3] != b':' {
                    return None;
                }
                let sign = match b[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let h = two_digits(&b[1..3])?;
                let m = two_digits(&b[4..6])?;
                if h > 14 || m > 59 {
                    return None;
                }
                let minutes = i32::try_from(h * 60 + m).ok()?;
                Some(Zone {
                    offset_minutes: sign * minutes,
                })
            }
        }
    }

    fn offset_seconds(self) -> i64 {
        i64::from(self.offset_minutes) * 60
    }

    /// The local day (days since 1970-01-01) and second of that day of a UTC instant.
    pub fn local(self, utc_seconds: i64) -> (i64, i64) {
        let local = utc_seconds + self.offset_seconds();
        (local.div_euclid(DAY), local.rem_euclid(DAY))
    }

    /// The UTC instant of a local day and second of that day.
    pub fn utc(self, day: i64, second_of_day: i64) -> i64 {
        day * DAY + second_of_day - self.offset_seconds()
    }
}

/// The day of the week of a day count since 1970-01-01: 0 = Monday … 6 = Sunday
/// (1970-01-01 was a Thursday).
pub fn weekday(days: i64) -> u32 {
    // 3 = Thursday; rem_euclid is 0..=6.
    u32::try_from((days + 3).rem_euclid(7)).unwrap_or(0)
}

/// Saturday or Sunday.
pub fn is_weekend(days: i64) -> bool {
    weekday(days) >= 5
}

/// Parses a calendar date `YYYY-MM-DD` as days since 1970-01-01.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !s.is_ascii() {
        return None;
    }
    if !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year: i64 = s.get(0..4)?.parse().ok()?;
    let month = two_digits(&b[5..7])?;
    let day = two_digits(&b[8..10])?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

/// Formats days since 1970-01-01 as `YYYY-MM-DD`.
pub fn format_date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Formats whole seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_seconds(seconds: i64) -> Option<String> {
    format_utc(&UtcTime {
        seconds,
        fraction: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips_over_four_centuries() {
        let start = days_from_civil(1900, 1, 1);
        let end = days_from_civil(2300, 1, 1);
        let mut expect = (1900_i64, 1_u32, 1_u32);
        for d in start..end {
            assert_eq!(civil_from_days(d), expect, "day {d}");
            assert_eq!(days_from_civil(expect.0, expect.1, expect.2), d);
            let (y, m, dd) = expect;
            expect = if dd < days_in_month(y, m) {
                (y, m, dd + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    fn date(s: &str) -> CivilDate {
        CivilDate::parse(s).unwrap_or(CivilDate {
            year: 0,
            month: 1,
            day: 1,
        })
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(date("2026-02-28").to_string(), "2026-02-28");
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "2026-01-01T00:00:00Z",
            "+026-01-01",
            "２０２６-01-01",
            "",
        ] {
            assert_eq!(CivilDate::parse(bad), None, "{bad}");
        }
        assert_eq!(date("2028-02-28").next_day(), date("2028-02-29"));
        assert_eq!(date("2026-12-31").next_day(), date("2027-01-01"));
    }

    #[test]
    fn periods_cover_whole_months_and_quarters() {
        let p = |period: Period, today: &str| {
            let (a, b) = period.dates(date(today));
            (a.to_string(), b.to_string())
        };
        let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            p(Period::ThisMonth, "2026-11-30"),
            pair("2026-11-01", "2026-12-01")
        );
        assert_eq!(
            p(Period::ThisMonth, "2026-12-01"),
            pair("2026-12-01", "2027-01-01")
        );
        assert_eq!(
            p(Period::LastMonth, "2027-01-15"),
            pair("2026-12-01", "2027-01-01")
        );
        assert_eq!(
            p(Period::LastMonth, "2026-03-31"),
            pair("2026-02-01", "2026-03-01")
        );
        assert_eq!(
            p(Period::Quarter, "2026-11-30"),
            pair("2026-10-01", "2027-01-01")
        );
        assert_eq!(
            p(Period::Quarter, "2026-01-01"),
            pair("2026-01-01", "2026-04-01")
        );
        assert_eq!(
            p(Period::Quarter, "2026-06-30"),
            pair("2026-04-01", "2026-07-01")
        );
        for name in ["this_month", "last_month", "quarter"] {
            assert_eq!(Period::parse(name).map(Period::as_str), Some(name));
        }
        assert_eq!(Period::parse("month"), None);
    }

    #[test]
    fn zones_weekdays_and_dates() {
        assert_eq!(Zone::parse("Asia/Shanghai"), Some(Zone::SHANGHAI));
        assert_eq!(Zone::parse("+05:30").map(|z| z.offset_minutes), Some(330));
        assert_eq!(Zone::parse("-03:00").map(|z| z.offset_minutes), Some(-180));
        assert_eq!(Zone::parse("Europe/Berlin"), None, "a DST zone is refused");
        assert_eq!(Zone::parse("+8"), None);
        // 2026-12-04 is a Friday; 2026-11-30 a Monday; 2027-01-03 a Sunday.
        assert_eq!(weekday(days_from_civil(2026, 12, 4)), 4);
        assert_eq!(weekday(days_from_civil(2026, 11, 30)), 0);
        assert!(is_weekend(days_from_civil(2027, 1, 3)));
        assert_eq!(weekday(0), 3);
        assert_eq!(parse_date("2028-02-29"), Some(days_from_civil(2028, 2, 29)));
        assert_eq!(parse_date("2027-02-29"), None);
        assert_eq!(parse_date("2027-2-01"), None);
        assert_eq!(format_date(days_from_civil(2026, 12, 31)), "2026-12-31");
        // 2026-11-30T20:00Z is 2026-12-01 04:00 in Shanghai.
        let t = days_from_civil(2026, 11, 30) * DAY + 20 * 3600;
        assert_eq!(
            Zone::SHANGHAI.local(t),
            (days_from_civil(2026, 12, 1), 4 * 3600)
        );
        assert_eq!(
            Zone::SHANGHAI.utc(days_from_civil(2026, 12, 1), 4 * 3600),
            t
        );
    }
}
