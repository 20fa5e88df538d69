//! Each dealer's reporting settings: the time zone its periods are counted in and the
//! targets its figures are shown against (`collector settings`, table
//! `dealer_settings`). A dealer without a row has the defaults below.
//!
//! ## The period rule (one for `/v1/summary`, the list and every export)
//! A report's `from` and `to` dates, and `period=`, are days in the dealer's own
//! calendar: `from=2026-11-01` starts at that day's local midnight, `to=2026-11-30`
//! ends at the next local midnight (the whole day is in), `period=this_month` is the
//! local month of today. So a response at 23:30 on 30 November in Shanghai
//! (15:30 UTC) is November's, not December's. A time given with its offset
//! (`2026-11-30T23:30:00+08:00`) is that instant whatever the zone.
//!
//! ## Which zone, when a read covers several dealers
//! The zone of a read is the zone of every dealer it may cover: the `dealer=` asked
//! for; else the caller's dealers; else (a group-wide caller) every dealer, the ones
//! without a row counting with the default. When those dealers keep different zones,
//! "November" names different instants for them and no one answer is right: a read
//! with local dates or a period is refused (400), naming the zones, and asks for
//! `dealer=` or times with offsets. A read without local dates needs no zone.
//! CSV and XLSX exports show each row's times in the zone of that row's dealer.

use crate::store::Filter;
use jiff::tz::TimeZone;
use std::collections::{BTreeMap, BTreeSet};

/// The zone of a dealer without its own: the product's dealers are in China.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";
/// The CSI target of the domain notes' yearly plan.
pub const DEFAULT_CSI_TARGET: f64 = 93.0;
/// "Fixed right the first time" target, percent.
pub const DEFAULT_FIXED_FIRST_TIME_TARGET: f64 = 95.0;

/// One dealer's settings as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct DealerSettings {
    pub dealer: String,
    /// An IANA zone name (`Asia/Shanghai`, `Asia/Taipei`, `Europe/Berlin`).
    pub time_zone: String,
    /// 0-100.
    pub csi_target: f64,
    /// Percent, 0-100.
    pub fixed_first_time_target: f64,
}

impl DealerSettings {
    /// The settings of a dealer without a row.
    pub fn default_for(dealer: &str) -> Self {
        DealerSettings {
            dealer: dealer.to_string(),
            time_zone: DEFAULT_TIME_ZONE.to_string(),
            csi_target: DEFAULT_CSI_TARGET,
            fixed_first_time_target: DEFAULT_FIXED_FIRST_TIME_TARGET,
        }
    }
}

/// The zone of an IANA name, from the zone database built into the collector (jiff's
/// bundled copy, so a slim container without `/usr/share/zoneinfo` counts the same).
pub fn zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| {
        format!("{name:?} is not a time zone name; use an IANA name such as Asia/Shanghai")
    })
}

/// A zone and its name.
#[derive(Debug, Clone)]
pub struct Zone {
    pub name: String,
    pub tz: TimeZone,
}

/// Every dealer's zone, for one read.
#[derive(Debug, Clone)]
pub struct Zones {
    default: Zone,
    dealers: BTreeMap<String, Zone>,
}

impl Zones {
    /// From the stored settings. A stored name the zone database no longer knows (it
    /// was checked when set) is logged and counted as the default.
    pub fn of(settings: &[DealerSettings]) -> Zones {
        let default = Zone {
            name: DEFAULT_TIME_ZONE.to_string(),
            tz: zone(DEFAULT_TIME_ZONE).unwrap_or(TimeZone::fixed(jiff::tz::offset(8))),
        };
        let dealers = settings
            .iter()
            .map(|s| {
                let z = match zone(&s.time_zone) {
                    Ok(tz) => Zone {
                        name: s.time_zone.clone(),
                        tz,
                    },
                    Err(e) => {
                        tracing::warn!("dealer settings of {}: {e}; using the default", s.dealer);
                        default.clone()
                    }
                };
                (s.dealer.clone(), z)
            })
            .collect();
        Zones { default, dealers }
    }

    /// The zone of one dealer's rows (`None`: a response without a dealer).
    pub fn of_dealer(&self, dealer: Option<&str>) -> &Zone {
        dealer
            .and_then(|d| self.dealers.get(d))
            .unwrap_or(&self.default)
    }

    /// The one zone of every dealer `filter` may cover (see the module docs), or why
    /// there is none.
    pub fn of_filter(&self, filter: &Filter) -> Result<&Zone, String> {
        let mut found: BTreeMap<&str, &Zone> = BTreeMap::new();
        match (&filter.dealer, &filter.dealers) {
            (Some(d), _) => {
                let z = self.of_dealer(Some(d));
                found.insert(&z.name, z);
            }
            (None, Some(list)) => {
                for d in list {
                    let z = self.of_dealer(Some(d));
                    found.insert(&z.name, z);
                }
            }
            (None, None) => {
                found.insert(&self.default.name, &self.default);
                for z in self.dealers.values() {
                    found.insert(&z.name, z);
                }
            }
        }
        let names: BTreeSet<&str> = found.keys().copied().collect();
        match (found.values().next(), names.len()) {
            (Some(z), 1) => Ok(z),
            (None, _) => Ok(&self.default),
            _ => Err(format!(
                "the dealers of this report keep different time zones ({}), so a date \
                 or period would mean different hours for each; add dealer= or give \
                 from and to as times with an offset (2026-11-01T00:00:00+08:00)",
                names.into_iter().collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

/// The CSI target a report over `filter` is shown against (0-100), by the rule of
/// [`report_target`].
pub fn csi_target(settings: &[DealerSettings], filter: &Filter) -> f64 {
    report_target(settings, filter, |s| s.csi_target, DEFAULT_CSI_TARGET)
}

/// The fixed-first-time target a report over `filter` is shown against (percent), by
/// the rule of [`report_target`].
pub fn fixed_first_time_target(settings: &[DealerSettings], filter: &Filter) -> f64 {
    report_target(
        settings,
        filter,
        |s| s.fixed_first_time_target,
        DEFAULT_FIXED_FIRST_TIME_TARGET,
    )
}

/// One rule for every goal a report is read against: the dealer's own when the report
/// covers one dealer; when it covers several, theirs if they all keep the same one,
/// else the domain notes' `default` (a group's report has no one dealer's goal).
fn report_target(
    settings: &[DealerSettings],
    filter: &Filter,
    goal: impl Fn(&DealerSettings) -> f64,
    default: f64,
) -> f64 {
    let of = |d: &str| {
        settings
            .iter()
            .find(|s| s.dealer == d)
            .map_or(default, &goal)
    };
    let targets: Vec<f64> = match (&filter.dealer, &filter.dealers) {
        (Some(d), _) => vec![of(d)],
        (None, Some(list)) => list.iter().map(|d| of(d)).collect(),
        (None, None) => std::iter::once(default)
            .chain(settings.iter().map(&goal))
            .collect(),
    };
    match targets.first() {
        Some(&t) if targets.iter().all(|x| *x == t) => t,
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csi_target_is_the_dealers_or_the_default_by_the_same_rule() {
        let with = |dealer: &str, csi: f64| DealerSettings {
            csi_target: csi,
            fixed_first_time_target: 99.0,
            ..DealerSettings::default_for(dealer)
        };
        let settings = [with("D001", 90.0), with("D002", 95.0)];
        let one = Filter {
            dealer: Some("D001".into()),
            ..Filter::default()
        };
        assert_eq!(
            csi_target(&settings, &one),
            90.0,
            "the dealer's own, not the FFT goal"
        );
        let unknown = Filter {
            dealer: Some("D009".into()),
            ..Filter::default()
        };
        assert_eq!(csi_target(&settings, &unknown), DEFAULT_CSI_TARGET);
        let mixed = Filter {
            dealers: Some(vec!["D001".into(), "D002".into()]),
            ..Filter::default()
        };
        assert_eq!(csi_target(&settings, &mixed), DEFAULT_CSI_TARGET);
        assert_eq!(
            csi_target(&settings, &Filter::default()),
            DEFAULT_CSI_TARGET
        );
    }

    #[test]
    fn the_fixed_first_time_target_is_the_dealers_or_the_default() {
        let with = |dealer: &str, t: f64| DealerSettings {
            fixed_first_time_target: t,
            ..DealerSettings::default_for(dealer)
        };
        let settings = [with("D001", 97.0), with("D002", 97.0), with("D003", 90.0)];
        let one = Filter {
            dealer: Some("D003".into()),
            ..Filter::default()
        };
        assert_eq!(fixed_first_time_target(&settings, &one), 90.0);
        let two = Filter {
            dealers: Some(vec!["D001".into(), "D002".into()]),
            ..Filter::default()
        };
        assert_eq!(fixed_first_time_target(&settings, &two), 97.0);
        let mixed = Filter {
            dealers: Some(vec!["D001".into(), "D003".into()]),
            ..Filter::default()
        };
        assert_eq!(fixed_first_time_target(&settings, &mixed), 95.0);
        assert_eq!(fixed_first_time_target(&settings, &Filter::default()), 95.0);
        assert_eq!(fixed_first_time_target(&[], &Filter::default()), 95.0);
        let unset = Filter {
            dealer: Some("D009".into()),
            ..Filter::default()
        };
        assert_eq!(fixed_first_time_target(&settings, &unset), 95.0);
    }

    fn set(dealer: &str, zone: &str) -> DealerSettings {
        DealerSettings {
            time_zone: zone.into(),
            ..DealerSettings::default_for(dealer)
        }
    }

    #[test]
    fn one_zone_per_read_or_a_reason() {
        let zones = Zones::of(&[set("D1", "Asia/Shanghai"), set("D2", "Europe/Berlin")]);
        let name = |f: Filter| zones.of_filter(&f).map(|z| z.name.clone());
        let dealer = |d: &str| Filter {
            dealer: Some(d.into()),
            ..Filter::default()
        };
        assert_eq!(name(dealer("D2")).as_deref(), Ok("Europe/Berlin"));
        assert_eq!(name(dealer("D9")).as_deref(), Ok("Asia/Shanghai"));
        let scoped = |list: &[&str]| Filter {
            dealers: Some(list.iter().map(|d| d.to_string()).collect()),
            ..Filter::default()
        };
        assert_eq!(name(scoped(&["D1", "D9"])).as_deref(), Ok("Asia/Shanghai"));
        let mixed = name(scoped(&["D1", "D2"])).err().unwrap_or_default();
        assert!(mixed.contains("Asia/Shanghai, Europe/Berlin"), "{mixed}");
        assert!(name(Filter::default()).is_err(), "a group with two zones");
        let one = Zones::of(&[set("D1", "Asia/Shanghai")]);
        assert_eq!(
            one.of_filter(&Filter::default()).map(|z| z.name.as_str()),
            Ok("Asia/Shanghai")
        );
    }

    #[test]
    fn zone_names_are_checked() {
        assert!(zone("Asia/Taipei").is_ok());
        assert!(zone("Mars/Olympus").is_err());
        assert!(zone("").is_err());
    }
}
