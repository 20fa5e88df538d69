//! The `Retry-After` response header (RFC 9110 §10.2.3): either a number of seconds
//! or an HTTP-date, turned into a delay from "now".
//!
//! The date parser is written here rather than pulled in: the three formats HTTP
//! allows are fixed-width enough that a few dozen lines cover them, and the widget's
//! wasm stays small. The calendar is [`crate::time`]'s.

use crate::time::{civil_from_days, days_from_civil, days_in_month};

/// The longest wait a server can impose through `Retry-After`: one hour. A header
/// asking for more (or a date far in the future) is read as one hour, so a
/// misconfigured server cannot park a customer's answer for days.
pub const MAX_RETRY_AFTER_MS: u64 = 3_600_000;

/// A server-imposed minimum delay before the next attempt, in milliseconds from the
/// moment the response was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryAfter {
    pub delay_ms: u64,
}

impl RetryAfter {
    /// A delay given directly (capped at [`MAX_RETRY_AFTER_MS`]).
    pub fn from_ms(delay_ms: u64) -> Self {
        Self {
            delay_ms: delay_ms.min(MAX_RETRY_AFTER_MS),
        }
    }

    /// Reads a `Retry-After` header value received at `now_ms` (epoch milliseconds).
    ///
    /// * `120` → 120 s; a number too long for `u64` saturates, then is capped;
    /// * `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), and the two obsolete forms
    ///   HTTP recipients must still accept (`Sunday, 06-Nov-94 08:49:37 GMT`,
    ///   `Sun Nov  6 08:49:37 1994`) → the time left until then, 0 when it is past;
    /// * anything else (negative, fractional, empty, a malformed date) → `None`:
    ///   the header is ignored and the ordinary backoff applies.
    ///
    /// The result is capped at [`MAX_RETRY_AFTER_MS`].
    pub fn parse(header: &str, now_ms: u64) -> Option<Self> {
        let h = header.trim_matches(|c| c == ' ' || c == '\t');
        if h.is_empty() {
            return None;
        }
        let delay_ms = if h.bytes().all(|b| b.is_ascii_digit()) {
            h.parse::<u64>().unwrap_or(u64::MAX).saturating_mul(1000)
        } else {
            parse_http_date(h, now_ms)?.saturating_sub(now_ms)
        };
        Some(Self::from_ms(delay_ms))
    }
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAYS_LONG: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an HTTP-date into epoch milliseconds. `now_ms` is only used for the
/// two-digit year of the obsolete RFC 850 form (a year more than 50 years in the
/// future means the previous century, RFC 9110 §5.6.7). Dates before 1970 give 0.
///
/// The weekday must be a weekday name but is not checked against the date (a
/// server that gets it wrong still means the date it wrote).
pub fn parse_http_date(s: &str, now_ms: u64) -> Option<u64> {
    let s = s.trim_matches(|c| c == ' ' || c == '\t');
    imf_fixdate(s)
        .or_else(|| rfc850_date(s, now_ms))
        .or_else(|| asctime_date(s))
}

/// Formats epoch milliseconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`);
/// sub-second precision is dropped.
pub fn format_http_date(epoch_ms: u64) -> String {
    let secs = epoch_ms / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    // 1970-01-01 was a Thursday (index 3 from Monday).
    let weekday = DAYS[((days + 3).rem_euclid(7)) as usize];
    format!(
        "{weekday}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`
fn imf_fixdate(s: &str) -> Option<u64> {
    let mut c = Cursor(s);
    c.name(&DAYS)?;
    c.lit(", ")?;
    let day = c.digits(2)?;
    c.lit(" ")?;
    let month = c.name(&MONTHS)? as u32 + 1;
    c.lit(" ")?;
    let year = c.digits(4)? as i64;
    c.lit(" ")?;
    let (h, mi, sec) = c.time()?;
    c.lit(" GMT")?;
    c.end()?;
    to_epoch_ms(year, month, day, h, mi, sec)
}

/// `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete, two-digit year)
fn rfc850_date(s: &str, now_ms: u64) -> Option<u64> {
    let mut c = Cursor(s);
    c.name(&DAYS_LONG)?;
    c.lit(", ")?;
    let day = c.digits(2)?;
    c.lit("-")?;
    let month = c.name(&MONTHS)? as u32 + 1;
    c.lit("-")?;
    let yy = c.digits(2)? as i64;
    c.lit(" ")?;
    let (h, mi, sec) = c.time()?;
    c.lit(" GMT")?;
    c.end()?;
    let (this_year, _, _) = civil_from_days((now_ms / 86_400_000) as i64);
    let mut year = this_year - this_year.rem_euclid(100) + yy;
    if year > this_year + 50 {
        year -= 100;
    }
    to_epoch_ms(year, month, day, h, mi, sec)
}

/// `Sun Nov  6 08:49:37 1994` (obsolete C asctime; the day is space-padded)
fn asctime_date(s: &str) -> Option<u64> {
    let mut c = Cursor(s);
    c.name(&DAYS)?;
    c.lit(" ")?;
    let month = c.name(&MONTHS)? as u32 + 1;
    c.lit(" ")?;
    let day = if c.lit(" ").is_some() {
        c.digits(1)?
    } else {
        c.digits(2)?
    };
    c.lit(" ")?;
    let (h, mi, sec) = c.time()?;
    c.lit(" ")?;
    let year = c.digits(4)? as i64;
    c.end()?;
    to_epoch_ms(year, month, day, h, mi, sec)
}

/// A tiny left-to-right reader over the ASCII header value.
struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    fn lit(&mut self, lit: &str) -> Option<()> {
        self.0 = self.0.strip_prefix(lit)?;
        Some(())
    }

    /// One of `names` (ASCII case-insensitive); returns its index.
    fn name(&mut self, names: &[&str]) -> Option<usize> {
        let (i, n) = names.iter().enumerate().find(|(_, n)| {
            self.0
                .get(..n.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(n))
        })?;
        self.0 = &self.0[n.len()..];
        Some(i)
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let head = self.0.get(..n)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.0 = &self.0[n..];
        head.parse().ok()
    }

    /// `HH:MM:SS`
    fn time(&mut self) -> Option<(u32, u32, u32)> {
        let h = self.digits(2)?;
        self.lit(":")?;
        let m = self.digits(2)?;
        self.lit(":")?;
        let s = self.digits(2)?;
        Some((h, m, s))
    }

    fn end(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }
}

/// Checks the ranges and converts. Unlike an RFC 3339 time ([`crate::time`]), a 60th
/// second is allowed, read as the next minute's first: HTTP's grammar names it
/// (RFC 9110 §5.6.7, `00:00:00 - 23:59:60 (leap second)`), and a server that sends one
/// still means a moment about then.
fn to_epoch_ms(y: i64, m: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<u64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let secs = days_from_civil(y, m, d) * 86_400 + i64::from(h * 3600 + mi * 60 + s);
    Some(u64::try_from(secs).unwrap_or(0).saturating_mul(1000))
}
