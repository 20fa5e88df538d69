//! The report period a manager picks (this month, last month, this quarter, or two
//! dates) as the `from`/`to` dates the collector's filters take.
//!
//! Pure: "today" comes in as an argument (the browser's date, read in one place,
//! [`crate::api::today`]). The dates are calendar dates; the collector reads them in
//! the dealer's time zone with `to` including its whole day, so "this month" on the
//! 31st at 23:30 in Shanghai still holds that evening's responses.

use survey_core::time::{self, CivilDate};

/// A calendar date: core's, the one the collector reads `from`/`to` as.
pub type Date = CivilDate;

/// What the period selector offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Period {
    ThisMonth,
    LastMonth,
    ThisQuarter,
    /// Two dates as typed (`YYYY-MM-DD`), checked by [`Period::range`].
    Custom {
        from: String,
        to: String,
    },
}

/// Why a custom period cannot be asked for; shown next to the date fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodError {
    BadFrom,
    BadTo,
    Reversed,
}

impl Period {
    /// The first and last day (both included) the period covers, given today.
    pub fn range(&self, today: Date) -> Result<(Date, Date), PeriodError> {
        // Core's named periods (the ones `period=` names on the collector), whose end is
        // exclusive: the last day is the day before, or today when that is later.
        let named = |p: time::Period| {
            let (first, end) = p.dates(today);
            Ok((first, end.plus_days(-1).min(today)))
        };
        match self {
            Period::ThisMonth => named(time::Period::ThisMonth),
            Period::LastMonth => named(time::Period::LastMonth),
            Period::ThisQuarter => named(time::Period::Quarter),
            Period::Custom { from, to } => {
                let from = Date::parse(from.trim()).ok_or(PeriodError::BadFrom)?;
                let to = Date::parse(to.trim()).ok_or(PeriodError::BadTo)?;
                if from > to {
                    return Err(PeriodError::Reversed);
                }
                Ok((from, to))
            }
        }
    }

    /// The selector's value for this period (`custom` for two dates).
    pub fn key(&self) -> &'static str {
        match self {
            Period::ThisMonth => "this_month",
            Period::LastMonth => "last_month",
            Period::ThisQuarter => "quarter",
            Period::Custom { .. } => "custom",
        }
    }

    /// The period a selector value names; a custom one starts from `today`'s month.
    pub fn from_key(key: &str, today: Date) -> Option<Period> {
        Some(match key {
            "this_month" => Period::ThisMonth,
            "last_month" => Period::LastMonth,
            "quarter" => Period::ThisQuarter,
            "custom" => {
                let (from, to) = Period::ThisMonth.range(today).ok()?;
                Period::Custom {
                    from: from.to_string(),
                    to: to.to_string(),
                }
            }
            _ => return None,
        })
    }
}

/// One calendar month of a trend: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub first: Date,
    pub last: Date,
}

impl Month {
    /// `2026-12`, as the trend's axis and table label a month.
    pub fn label(&self) -> String {
        format!("{:04}-{:02}", self.first.year, self.first.month)
    }
}

/// The `count` calendar months up to and including today's, oldest first; the current
/// month ends today (its later days have no responses yet).
pub fn last_months(today: Date, count: u32) -> Vec<Month> {
    (0..i64::from(count))
        .rev()
        .map(|back| {
            let first = today.month_start(-back);
            let last = if back == 0 {
                today
            } else {
                first.month_start(1).plus_days(-1)
            };
            Month { first, last }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect(s)
    }

    fn range(p: Period, today: &str) -> (String, String) {
        let (a, b) = p.range(d(today)).expect("a range");
        (a.to_string(), b.to_string())
    }

    #[test]
    fn presets_from_today() {
        let r = |p, t| range(p, t);
        assert_eq!(
            r(Period::ThisMonth, "2026-12-04"),
            ("2026-12-01".into(), "2026-12-04".into())
        );
        assert_eq!(
            r(Period::LastMonth, "2026-12-04"),
            ("2026-11-01".into(), "2026-11-30".into())
        );
        assert_eq!(
            r(Period::LastMonth, "2026-01-15"),
            ("2025-12-01".into(), "2025-12-31".into())
        );
        assert_eq!(
            r(Period::LastMonth, "2024-03-31"),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(
            r(Period::ThisQuarter, "2026-12-04"),
            ("2026-10-01".into(), "2026-12-04".into())
        );
        assert_eq!(
            r(Period::ThisQuarter, "2026-03-31"),
            ("2026-01-01".into(), "2026-03-31".into())
        );
        assert_eq!(
            r(Period::ThisQuarter, "2026-04-01"),
            ("2026-04-01".into(), "2026-04-01".into())
        );
    }

    #[test]
    fn custom_periods_are_checked() {
        let today = d("2026-12-04");
        let custom = |f: &str, t: &str| Period::Custom {
            from: f.into(),
            to: t.into(),
        };
        assert_eq!(
            custom(" 2026-11-20", "2026-11-20 ").range(today),
            Ok((d("2026-11-20"), d("2026-11-20")))
        );
        assert_eq!(
            custom("2026-11-31", "2026-12-01").range(today),
            Err(PeriodError::BadFrom)
        );
        assert_eq!(
            custom("2026-11-01", "soon").range(today),
            Err(PeriodError::BadTo)
        );
        assert_eq!(
            custom("2026-12-02", "2026-12-01").range(today),
            Err(PeriodError::Reversed)
        );
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2026-1-01"), None);
    }

    #[test]
    fn twelve_months_back_cross_the_year() {
        let months = last_months(d("2026-02-10"), 12);
        let labels: Vec<String> = months.iter().map(Month::label).collect();
        assert_eq!(labels.first().map(String::as_str), Some("2025-03"));
        assert_eq!(labels.last().map(String::as_str), Some("2026-02"));
        assert_eq!(labels.len(), 12);
        assert_eq!(months[10].first, d("2026-01-01"));
        assert_eq!(months[10].last, d("2026-01-31"));
        assert_eq!(
            months[11].last,
            d("2026-02-10"),
            "the current month ends today"
        );
        assert_eq!(months[0].last, d("2025-03-31"));
        assert_eq!(last_months(d("2024-03-05"), 2)[0].last, d("2024-02-29"));
    }

    #[test]
    fn selector_keys_round_trip() {
        let today = d("2026-12-04");
        for p in [Period::ThisMonth, Period::LastMonth, Period::ThisQuarter] {
            assert_eq!(Period::from_key(p.key(), today), Some(p));
        }
        assert_eq!(
            Period::from_key("custom", today),
            Some(Period::Custom {
                from: "2026-12-01".into(),
                to: "2026-12-04".into()
            })
        );
        assert_eq!(Period::from_key("week", today), None);
    }
}
