//! The server's clock: the one place the collector reads the time, through jiff.
//!
//! Tests move it: with `COLLECTOR_TEST_HOOKS=1`, `POST /v1/test/clock` adds an offset
//! to every later reading in the process ([`advance`]), so a test sees a case become
//! overdue and escalated without waiting two days. Without the hooks nothing can set
//! the offset and it stays 0.

use jiff::{tz::TimeZone, SignedDuration, Timestamp};
use std::sync::atomic::{AtomicI64, Ordering};

/// Milliseconds added to the system clock (test hooks only).
static OFFSET_MS: AtomicI64 = AtomicI64::new(0);

/// Now. Logic that depends on the time (the retention purge, the escalation sweep)
/// takes it as a parameter and is tested with given instants; only callers at the edge
/// read it here.
pub fn now() -> Timestamp {
    let real = Timestamp::now();
    let offset = OFFSET_MS.load(Ordering::Relaxed);
    real.checked_add(SignedDuration::from_millis(offset))
        .unwrap_or(real)
}

/// Moves this process's clock forward by `ms` (a test hook; see the module docs).
pub fn advance(ms: i64) {
    OFFSET_MS.fetch_add(ms, Ordering::Relaxed);
}

/// Now, as stored in `received_at`: RFC 3339 UTC with milliseconds,
/// e.g. `2026-11-23T10:00:00.123Z`.
pub fn now_rfc3339() -> String {
    rfc3339_millis(now())
}

/// `t` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339_millis(t: Timestamp) -> String {
    let z = t.to_zoned(TimeZone::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        z.year(),
        z.month(),
        z.day(),
        z.hour(),
        z.minute(),
        z.second(),
        z.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() -> Result<(), jiff::Error> {
        let at = |ms: i64| Timestamp::from_millisecond(ms).map(rfc3339_millis);
        assert_eq!(at(0)?, "1970-01-01T00:00:00.000Z");
        assert_eq!(at(951_782_400_000)?, "2000-02-29T00:00:00.000Z");
        assert_eq!(at(1_795_428_000_123)?, "2026-11-23T10:00:00.123Z");
        assert_eq!(at(-1)?, "1969-12-31T23:59:59.999Z");
        Ok(())
    }

    #[test]
    fn now_is_accepted_by_the_payload_check() {
        assert!(survey_core::payload::is_rfc3339_utc(&now_rfc3339()));
    }
}
