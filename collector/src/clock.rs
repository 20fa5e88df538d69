//! The server's clock: the one place the collector reads the time, through jiff.

use jiff::{tz::TimeZone, Timestamp};

/// Now. Logic that depends on the time (the retention purge) takes it as a parameter
/// and is tested with given instants; only callers at the edge read it here.
pub fn now() -> Timestamp {
    Timestamp::now()
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
