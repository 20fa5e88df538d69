//! The report period a manager picks (this month, last month, this quarter, or two
//! dates) as the `from`/`to` dates the collector's filters take.
//!
//! Pure: "today" comes in as an argument (the browser's date, read in one place,
//! [`crate::api::today`]). The dates are calendar dates; the collector reads them in
//! the dealer's time zone with `to` including its whole day, so "this month" on the
//! 31st at 23:30 in Shanghai still holds that evening's responses.

use survey_core::time::days_in_month;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// `YYYY-MM-DD` with a real month and day, or `None`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year: i64 = s[0..4].parse().ok()?;
        let month: u32 = s[5..7].parse().ok()?;
        let day: u32 = s[8..10].parse().ok()?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

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
        let first = |year, month| Date {
            year,
            month,
            day: 1,
        };
        match self {
            Period::ThisMonth => Ok((first(today.year, today.month), today)),
            Period::LastMonth => {
                let (y, m) = if today.month == 1 {
                    (today.year - 1, 12)
                } else {
                    (today.year, today.month - 1)
                };
                let last = Date {
                    year: y,
                    month: m,
                    day: days_in_month(y, m),
                };
                Ok((first(y, m), last))
            }
            Period::ThisQuarter => {
                let m = (today.month - 1) / 3 * 3 + 1;
                Ok((first(today.year, m), today))
            }
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
    let index = today.year * 12 + i64::from(today.month) - 1;
    (0..i64::from(count))
        .rev()
        .map(|back| {
            let i = index - back;
            let (year, month) = (i.div_euclid(12), (i.rem_euclid(12) + 1) as u32);
            let first = Date {
                year,
                month,
                day: 1,
            };
            let last = if back == 0 {
                today
            } else {
                Date {
                    year,
                    month,
                    day: days_in_month(year, month),
                }
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
