//! The query of `GET /v1/summary`: which stored responses a report covers.
//!
//! `survey=<id>`, `dealer=<context.dealer>`, `from=<time>` (inclusive) and `to=<time>`
//! (exclusive), all optional and combined with AND. A time is RFC 3339
//! (`2026-11-23T18:00:00+08:00`, `2026-11-23T10:00:00.5Z`) or a date (`2026-11-23`,
//! meaning 00:00:00Z that day). Anything else is refused with a reason naming the
//! parameter: a report over the wrong rows is worse than no report.

use crate::static_files;
use crate::store::Filter;
use serde_json::{json, Value};
use survey_core::ids::is_valid_id;
use survey_core::scoring::time::{format_utc, parse_utc, UtcTime};

/// The parameters `/v1/summary` understands.
pub const PARAMETERS: [&str; 4] = ["survey", "dealer", "from", "to"];

/// A parsed query: the filter for the store, and its echo for the reply (times in UTC,
/// as they were applied).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub filter: Filter,
    pub echo: Value,
}

/// Parses a query string (without the `?`).
pub fn parse(query: &str) -> Result<Query, String> {
    let mut values: [Option<String>; 4] = Default::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = static_files::query_text(raw_name)
            .ok_or("a parameter name is not valid percent-encoded UTF-8")?;
        let Some(slot) = PARAMETERS.iter().position(|p| *p == name) else {
            return Err(format!(
                "unknown parameter {name:?}; expected survey, dealer, from or to"
            ));
        };
        if values[slot].is_some() {
            return Err(format!("the {name} parameter is given more than once"));
        }
        let value = static_files::query_text(raw_value)
            .ok_or_else(|| format!("the {name} parameter is not valid percent-encoded UTF-8"))?;
        if value.is_empty() {
            return Err(format!("the {name} parameter is empty"));
        }
        values[slot] = Some(value);
    }
    let [survey, dealer, from, to] = values;
    if let Some(s) = survey.as_deref().filter(|s| !is_valid_id(s)) {
        return Err(format!("the survey parameter {s:?} is not a survey id"));
    }
    let time = |name: &str, v: Option<String>| -> Result<Option<UtcTime>, String> {
        v.map(|v| {
            parse_time(&v).ok_or_else(|| {
                format!(
                    "the {name} parameter {v:?} is not an RFC 3339 time \
                     (2026-11-23T10:00:00Z, 2026-11-23T18:00:00+08:00) or a date (2026-11-23)"
                )
            })
        })
        .transpose()
    };
    let from = time("from", from)?.map(|t| sort_key(&t));
    let to = time("to", to)?.map(|t| sort_key(&t));
    let echo = json!({
        "survey": survey,
        "dealer": dealer,
        "from": from.as_ref().map(|k| format!("{k}Z")),
        "to": to.as_ref().map(|k| format!("{k}Z")),
    });
    Ok(Query {
        filter: Filter {
            survey,
            dealer,
            from,
            to,
        },
        echo,
    })
}

/// A date (`YYYY-MM-DD`, midnight UTC) or an RFC 3339 time with `Z` or a `±HH:MM`
/// offset, as a UTC time. A `+` sent unencoded arrives as a space; it is read as `+`.
pub fn parse_time(v: &str) -> Option<UtcTime> {
    if !v.is_ascii() {
        return None;
    }
    if v.len() == 10 {
        return parse_utc(&format!("{v}T00:00:00Z"));
    }
    if v.len() < 20 {
        return None;
    }
    let (local, offset_seconds) = if let Some(local) = v.strip_suffix(['Z', 'z']) {
        (local, 0)
    } else {
        let (local, offset) = v.split_at(v.len() - 6);
        let sign = match offset.as_bytes()[0] {
            b'+' | b' ' => 1,
            b'-' => -1,
            _ => return None,
        };
        let (h, m) = offset[1..].split_once(':')?;
        let digits = |s: &str| -> Option<i64> {
            (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let (h, m) = (digits(h)?, digits(m)?);
        if h > 23 || m > 59 {
            return None;
        }
        (local, sign * (h * 3600 + m * 60))
    };
    // `t` is as good as `T` in RFC 3339; parse_utc wants the upper case.
    let mut normal = local.to_string();
    if normal.as_bytes().get(10) == Some(&b't') {
        normal.replace_range(10..11, "T");
    }
    let mut t = parse_utc(&format!("{normal}Z"))?;
    t.seconds = t.seconds.checked_sub(offset_seconds)?;
    // The year must still be one the key can show.
    format_utc(&t)?;
    Some(t)
}

/// A UTC time as the store compares `created_at`: `YYYY-MM-DDTHH:MM:SS` and the
/// fraction without trailing zeros (so `.50` and `.5` are the same bound), no `Z`.
/// Stored times with their `Z` removed sort against it as times do.
pub fn sort_key(t: &UtcTime) -> String {
    let digits = t.fraction.trim_start_matches('.').trim_end_matches('0');
    let trimmed = UtcTime {
        seconds: t.seconds,
        fraction: if digits.is_empty() {
            String::new()
        } else {
            format!(".{digits}")
        },
    };
    let text = format_utc(&trimmed).unwrap_or_default();
    text.trim_end_matches('Z').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(v: &str) -> Option<String> {
        parse_time(v).map(|t| sort_key(&t))
    }

    #[test]
    fn times_and_dates_become_utc_keys() {
        assert_eq!(key("2026-11-23").as_deref(), Some("2026-11-23T00:00:00"));
        assert_eq!(
            key("2026-11-23T10:00:00Z").as_deref(),
            Some("2026-11-23T10:00:00")
        );
        assert_eq!(
            key("2026-11-23t10:00:00.500z").as_deref(),
            Some("2026-11-23T10:00:00.5")
        );
        assert_eq!(
            key("2026-11-23T10:00:00.000Z").as_deref(),
            Some("2026-11-23T10:00:00")
        );
        assert_eq!(
            key("2026-11-23T02:00:00+08:00").as_deref(),
            Some("2026-11-22T18:00:00")
        );
        assert_eq!(
            key("2026-11-23T02:00:00 08:00").as_deref(),
            Some("2026-11-22T18:00:00")
        );
        assert_eq!(
            key("2026-12-31T23:30:00-01:00").as_deref(),
            Some("2027-01-01T00:30:00")
        );
    }

    #[test]
    fn malformed_times_are_refused() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30",
            "2026-11-23T10:00",
            "2026-11-23T10:00:00",
            "2026-11-23 10:00:00Z",
            "2026-11-23T25:00:00Z",
            "2026-11-23T10:00:00+8:00",
            "2026-11-23T10:00:00+24:00",
            "2026-11-23T10:00:00.Z",
            "0000-01-01T00:00:00+01:00",
            "２０２６-11-23",
        ] {
            assert_eq!(key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn queries_parse_and_echo() -> Result<(), String> {
        let q = parse(
            "survey=post-service&dealer=D%201&from=2026-11-20&to=2026-11-23T08:00:00%2B08:00",
        )?;
        assert_eq!(
            q.filter,
            Filter {
                survey: Some("post-service".into()),
                dealer: Some("D 1".into()),
                from: Some("2026-11-20T00:00:00".into()),
                to: Some("2026-11-23T00:00:00".into()),
            }
        );
        assert_eq!(
            q.echo,
            json!({"survey": "post-service", "dealer": "D 1",
                   "from": "2026-11-20T00:00:00Z", "to": "2026-11-23T00:00:00Z"})
        );
        let all = parse("")?;
        assert_eq!(all.filter, Filter::default());
        assert_eq!(
            all.echo,
            json!({"survey": null, "dealer": null, "from": null, "to": null})
        );
        Ok(())
    }

    #[test]
    fn bad_queries_name_the_parameter() {
        for (query, named) in [
            ("from=2026-13-01", "from"),
            ("to=soon", "to"),
            ("dealer=%ff", "dealer"),
            ("dealer=", "dealer"),
            ("survey=a%20b", "survey"),
            ("survey=a&survey=b", "survey"),
            ("dealr=D1", "dealr"),
        ] {
            let reason = parse(query).err().unwrap_or_default();
            assert!(reason.contains(named), "{query}: {reason:?}");
        }
    }
}
