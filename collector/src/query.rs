//! The one query module: which stored responses a read covers, for every read route.
//!
//! `survey=<id>`, `dealer=<context.dealer>`, `advisor=`, `station=`, `agent=`,
//! `channel=` (the context values of that name, exactly), `alerts=yes|no` (the server
//! card raised an alert, or not), `csi_min=`/`csi_max=` (the server card's CSI, 0-100,
//! both inclusive), `q=` (words some comment contains, up to 100 characters; Latin
//! letters in any case), `from=` (inclusive), `to=`
//! (inclusive of its whole day when a date, exclusive when a time) or `period=`
//! (`this_month`, `last_month`, `quarter`), and `verified=yes|no|all`, all optional and
//! combined with AND; list routes also take the cursor `after=<seq>` and `limit=<n>`,
//! exports `lang=zh-CN|zh-TW|en` and `ids=row|none` ([`crate::csv`]).
//!
//! The case list (`GET /v1/cases`) takes its own parameters through the same rules
//! ([`parse_cases`]), as do the follow-up call list ([`parse_followups`]) and coverage
//! ([`parse_coverage`], whose dates are pickup dates: local days compared as days).
//!
//! `verified` selects by signed link ([`crate::links`]). Reports (summary, CSV export)
//! count only verified responses unless asked (`yes` by default): a number a dealer is
//! judged by must not be made by whoever found the script tag. The paged list shows
//! every response (`all` by default), each with its `verified` flag, since an unhappy
//! customer who came through an unsigned link still needs the follow-up call.
//!
//! A time is RFC 3339 (`2026-11-23T18:00:00+08:00`, `2026-11-23T10:00:00.5Z`): that
//! instant. A date (`2026-11-23`) and a period are days in the dealer's calendar, so
//! they become instants only with the dealer's time zone: [`parse`] keeps them as local
//! days and [`localise`] turns them into instants with the zone of
//! [`crate::settings::Zones::of_filter`] once the caller's scope is known (the period
//! rule and the choice of zone are in [`crate::settings`]). The reply's `filter` echoes
//! the instants applied, in UTC, and the zone they were counted in.
//!
//! Anything else, an unknown parameter or one given twice, is refused with a reason
//! naming the parameter: a report over the wrong rows is worse than no report.

use crate::settings::{Zone, Zones};
use crate::store::{Filter, PageRequest};
use jiff::Timestamp;
use serde_json::{json, Value};
use survey_core::ids::is_valid_id;
use survey_core::time::{CivilDate, Period};

/// A list page holds this many rows unless `limit` says otherwise.
pub const DEFAULT_LIMIT: u32 = 100;
/// The most rows one list page holds: a page is built in memory.
pub const MAX_LIMIT: u32 = 1000;

/// What a route accepts besides the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The filter: `survey`, `dealer`, `from`, `to`, … (summary).
    Filter,
    /// The filter plus `lang` and `ids` (CSV and XLSX exports).
    Export,
    /// The filter plus `after` and `limit` (paged lists).
    Paged,
    /// `after` and `limit` only: a list that is not of responses (the audit log).
    Page,
    /// `dealer`, the period (`from`, `to`, `period`) and `by`: the follow-up targets
    /// ([`parse_targets`] reads `by`).
    Targets,
}

impl Shape {
    fn parameters(self) -> &'static [&'static str] {
        match self {
            Shape::Filter => &FILTER,
            Shape::Export => &[
                "survey", "dealer", "from", "to", "period", "verified", "advisor", "station",
                "agent", "channel", "alerts", "csi_min", "csi_max", "q", "lang", "ids",
            ],
            Shape::Paged => &[
                "survey", "dealer", "from", "to", "period", "verified", "advisor", "station",
                "agent", "channel", "alerts", "csi_min", "csi_max", "q", "after", "limit", "order",
            ],
            Shape::Page => &["after", "limit"],
            Shape::Targets => &["dealer", "from", "to", "period", "by"],
        }
    }
}

/// The parameters of [`Shape::Filter`], which every other filtering shape extends.
const FILTER: [&str; 14] = [
    "survey", "dealer", "from", "to", "period", "verified", "advisor", "station", "agent",
    "channel", "alerts", "csi_min", "csi_max", "q",
];

/// The languages of an export's labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhCn,
    ZhTw,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
            Lang::En => "en",
        }
    }
}

/// What an export shows besides the rows: labels in `lang`, and the ids row under
/// them (`ids=row`, the default) or not (`ids=none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    pub lang: Lang,
    pub ids_row: bool,
}

/// A bound given as a day in the dealer's calendar, not yet an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocalDays {
    /// `from=<date>`: from this day's local midnight.
    pub from: Option<CivilDate>,
    /// `to=<date>`: up to the local midnight after this day.
    pub to: Option<CivilDate>,
    /// `period=`: its days, on today's local date.
    pub period: Option<Period>,
}

impl LocalDays {
    pub fn is_empty(&self) -> bool {
        self.from.is_none() && self.to.is_none() && self.period.is_none()
    }
}

/// A parsed query: the filter, the page (for [`Shape::Paged`]), the export options
/// (for [`Shape::Export`]), the local days still to be placed in a zone, and the
/// filter's echo for the reply (times in UTC, as they were applied).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub filter: Filter,
    pub page: PageRequest,
    pub export: ExportOptions,
    pub local: LocalDays,
    pub echo: Value,
}

/// Parses a raw query string (without the `?`) for a route of `shape`.
pub fn parse(raw: &str, shape: Shape) -> Result<Query, String> {
    let names = shape.parameters();
    let values = values(raw, names)?;
    let take = |name: &str| -> Option<String> {
        names
            .iter()
            .position(|p| *p == name)
            .and_then(|i| values[i].clone())
    };
    let (survey, dealer) = (take("survey"), take("dealer"));
    if let Some(s) = survey.as_deref().filter(|s| !is_valid_id(s)) {
        return Err(format!("the survey parameter {s:?} is not a survey id"));
    }
    let mut local = LocalDays::default();
    let mut time = |name: &str| -> Result<Option<String>, String> {
        let Some(v) = take(name) else {
            return Ok(None);
        };
        if v.len() == 10 {
            let date = CivilDate::parse(&v)
                .ok_or_else(|| format!("the {name} parameter {v:?} is not a date (2026-11-23)"))?;
            if name == "from" {
                local.from = Some(date);
            } else {
                local.to = Some(date);
            }
            return Ok(None);
        }
        parse_time(&v).map(|t| Some(sort_key(&t))).ok_or_else(|| {
            format!(
                "the {name} parameter {v:?} is not an RFC 3339 time \
                 (2026-11-23T10:00:00Z, 2026-11-23T18:00:00+08:00) or a date (2026-11-23)"
            )
        })
    };
    let (from, to) = (time("from")?, time("to")?);
    if let Some(p) = take("period") {
        if from.is_some() || to.is_some() || local.from.is_some() || local.to.is_some() {
            return Err("give either period or from and to, not both".into());
        }
        local.period = Some(Period::parse(&p).ok_or_else(|| {
            format!("the period parameter {p:?} must be this_month, last_month or quarter")
        })?);
    }
    let context = |name: &str| -> Result<Option<String>, String> {
        take(name)
            .map(|v| {
                survey_core::context::check_context_value(&v)
                    .map(|()| v.clone())
                    .map_err(|e| format!("the {name} parameter {v:?} is not a context value: {e}"))
            })
            .transpose()
    };
    let (advisor, station, agent, channel) = (
        context("advisor")?,
        context("station")?,
        context("agent")?,
        context("channel")?,
    );
    let lang = match take("lang").as_deref() {
        None | Some("zh-CN") => Lang::ZhCn,
        Some("zh-TW") => Lang::ZhTw,
        Some("en") => Lang::En,
        Some(v) => {
            return Err(format!(
                "the lang parameter {v:?} must be zh-CN, zh-TW or en"
            ))
        }
    };
    let ids_row = match take("ids").as_deref() {
        None | Some("row") => true,
        Some("none") => false,
        Some(v) => {
            return Err(format!(
                "the ids parameter {v:?} must be row (column ids under the labels) or none"
            ))
        }
    };
    let verified = match take("verified").as_deref() {
        None => match shape {
            Shape::Filter | Shape::Export => Some(true),
            Shape::Paged | Shape::Page | Shape::Targets => None,
        },
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some("all") => None,
        Some(v) => {
            return Err(format!(
                "the verified parameter {v:?} must be yes (signed links only), no or all"
            ))
        }
    };
    let alerts = match take("alerts").as_deref() {
        None => None,
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some(v) => {
            return Err(format!(
                "the alerts parameter {v:?} must be yes (raised an alert) or no"
            ))
        }
    };
    let csi = |name: &str| -> Result<Option<i64>, String> {
        take(name)
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .filter(|n| (0..=100).contains(n))
                    .ok_or_else(|| {
                        format!("the {name} parameter {v:?} must be a whole number from 0 to 100")
                    })
            })
            .transpose()
    };
    let (csi_min, csi_max) = (csi("csi_min")?, csi("csi_max")?);
    if let (Some(lo), Some(hi)) = (csi_min, csi_max) {
        if lo > hi {
            return Err(format!("csi_min {lo} is above csi_max {hi}"));
        }
    }
    let words = take("q").map(|v| v.trim().to_string());
    if let Some(w) = &words {
        if w.is_empty() || w.chars().count() > 100 || w.chars().any(char::is_control) {
            return Err(
                "the q parameter must be 1 to 100 characters of text, without control characters"
                    .into(),
            );
        }
    }
    let page = page(take)?;
    let echo = json!({
        "survey": survey,
        "dealer": dealer,
        "advisor": advisor,
        "station": station,
        "agent": agent,
        "channel": channel,
        "alerts": alerts.map(|a| if a { "yes" } else { "no" }),
        "csi_min": csi_min,
        "csi_max": csi_max,
        "q": words,
        "from": from.as_ref().map(|k| format!("{k}Z")),
        "to": to.as_ref().map(|k| format!("{k}Z")),
        "period": local.period.map(Period::as_str),
        "time_zone": null,
        "verified": match verified {
            Some(true) => "yes",
            Some(false) => "no",
            None => "all",
        },
    });
    Ok(Query {
        filter: Filter {
            survey,
            dealer,
            from,
            to,
            verified,
            advisor,
            station,
            agent,
            channel,
            alerts,
            csi_min,
            csi_max,
            text: words.as_deref().map(like_pattern),
            ..Filter::default()
        },
        page,
        export: ExportOptions { lang, ids_row },
        local,
        echo,
    })
}

/// The values of `names` in a raw query string; an unknown name, a repeated one or an
/// empty value is refused with a reason naming it.
fn values(raw: &str, names: &[&str]) -> Result<Vec<Option<String>>, String> {
    let mut values: Vec<Option<String>> = vec![None; names.len()];
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode(raw_name).ok_or("a parameter name is not valid percent-encoded UTF-8")?;
        let Some(slot) = names.iter().position(|p| *p == name) else {
            return Err(format!(
                "unknown parameter {name:?}; expected {}",
                names.join(", ")
            ));
        };
        if values[slot].is_some() {
            return Err(format!("the {name} parameter is given more than once"));
        }
        let value = decode(raw_value)
            .ok_or_else(|| format!("the {name} parameter is not valid percent-encoded UTF-8"))?;
        if value.is_empty() {
            return Err(format!("the {name} parameter is empty"));
        }
        values[slot] = Some(value);
    }
    Ok(values)
}

/// `after` and `limit` of a list.
fn page(take: impl Fn(&str) -> Option<String>) -> Result<PageRequest, String> {
    let after = take("after")
        .map(|v| {
            v.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                format!("the after parameter {v:?} is not a cursor from a previous page")
            })
        })
        .transpose()?;
    let limit = take("limit")
        .map(|v| {
            v.parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    format!("the limit parameter {v:?} must be a number from 1 to {MAX_LIMIT}")
                })
        })
        .transpose()?
        .unwrap_or(DEFAULT_LIMIT);
    let newest_first = match take("order").as_deref() {
        None | Some("oldest") => false,
        Some("newest") => true,
        Some(v) => {
            return Err(format!(
                "the order parameter {v:?} must be newest or oldest"
            ))
        }
    };
    Ok(PageRequest {
        after,
        limit,
        newest_first,
    })
}

/// A parsed `GET /v1/cases` query.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseQuery {
    pub dealer: Option<String>,
    pub status: Option<String>,
    /// `yes`: only overdue cases; `no`: only the others.
    pub overdue: Option<bool>,
    /// `yes`: only escalated cases (the manager's list); `no`: only the others.
    pub escalated: Option<bool>,
    /// `me`, `none` or a login, as given.
    pub owner: Option<String>,
    pub page: PageRequest,
    pub echo: Value,
}

/// Parses the query of the case list: `dealer`, `status`
/// (open|contacted|resolved|closed|unreachable), `overdue=yes|no`, `escalated=yes|no`,
/// `owner=me|none|<login>`, and the cursor `after`, `limit`.
pub fn parse_cases(raw: &str) -> Result<CaseQuery, String> {
    let names = [
        "dealer",
        "status",
        "overdue",
        "escalated",
        "owner",
        "after",
        "limit",
    ];
    let values = values(raw, &names)?;
    let take = |name: &str| -> Option<String> {
        names
            .iter()
            .position(|p| *p == name)
            .and_then(|i| values[i].clone())
    };
    let status = take("status");
    if let Some(s) = status.as_deref() {
        if survey_core::cases::Status::parse(s).is_none() {
            return Err(format!(
                "the status parameter {s:?} must be open, contacted, resolved, closed or unreachable"
            ));
        }
    }
    let yes_no = |name: &str| -> Result<Option<bool>, String> {
        match take(name).as_deref() {
            None => Ok(None),
            Some("yes") => Ok(Some(true)),
            Some("no") => Ok(Some(false)),
            Some(v) => Err(format!("the {name} parameter {v:?} must be yes or no")),
        }
    };
    let (overdue, escalated) = (yes_no("overdue")?, yes_no("escalated")?);
    let (dealer, owner) = (take("dealer"), take("owner"));
    let page = page(take)?;
    let echo = json!({
        "dealer": dealer,
        "status": status,
        "overdue": overdue,
        "escalated": escalated,
        "owner": owner,
    });
    Ok(CaseQuery {
        dealer,
        status,
        overdue,
        escalated,
        owner,
        page,
        echo,
    })
}

/// How the targets are grouped (`by=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetsBy {
    Dealer,
    Agent,
}

/// Parses `GET /v1/targets`: `by=dealer|agent` (`dealer` by default), then `dealer`
/// and the period exactly as every report takes them ([`parse`] with
/// [`Shape::Targets`]; the period is placed in the dealer's zone by [`localise`]).
pub fn parse_targets(raw: &str) -> Result<(Query, TargetsBy), String> {
    let names = Shape::Targets.parameters();
    let values = values(raw, names)?;
    let at = names.iter().position(|p| *p == "by");
    let by = match at.and_then(|i| values[i].as_deref()) {
        None | Some("dealer") => TargetsBy::Dealer,
        Some("agent") => TargetsBy::Agent,
        Some(v) => return Err(format!("the by parameter {v:?} must be dealer or agent")),
    };
    let mut q = parse(raw, Shape::Targets)?;
    q.echo = json!({
        "dealer": q.echo["dealer"],
        "from": q.echo["from"],
        "to": q.echo["to"],
        "period": q.echo["period"],
        "time_zone": null,
        "by": match by { TargetsBy::Dealer => "dealer", TargetsBy::Agent => "agent" },
    });
    Ok((q, by))
}

/// Which follow-ups the call list shows (`due=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Due by the end of today, the dealer's day (overdue ones included, marked).
    Today,
    /// Past their window only.
    Overdue,
    /// Every open follow-up, due or not yet.
    All,
}

/// A parsed `GET /v1/followups` query.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpQuery {
    pub due: Due,
    pub dealer: Option<String>,
    pub limit: u32,
    pub echo: Value,
}

/// Parses the call list's query: `due=today|overdue|all` (`today` by default),
/// `dealer`, `limit` (at most [`MAX_LIMIT`]).
pub fn parse_followups(raw: &str) -> Result<FollowUpQuery, String> {
    let names = ["due", "dealer", "limit"];
    let values = values(raw, &names)?;
    let take = |name: &str| -> Option<String> {
        names
            .iter()
            .position(|p| *p == name)
            .and_then(|i| values[i].clone())
    };
    let due = match take("due").as_deref() {
        None | Some("today") => Due::Today,
        Some("overdue") => Due::Overdue,
        Some("all") => Due::All,
        Some(v) => {
            return Err(format!(
                "the due parameter {v:?} must be today, overdue or all"
            ))
        }
    };
    let dealer = take("dealer");
    let limit = page(|name| if name == "limit" { take(name) } else { None })?.limit;
    let echo = json!({
        "due": match due { Due::Today => "today", Due::Overdue => "overdue", Due::All => "all" },
        "dealer": dealer,
    });
    Ok(FollowUpQuery {
        due,
        dealer,
        limit,
        echo,
    })
}

/// A parsed `GET /v1/coverage` query: pickup dates, not yet resolved if a period.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageQuery {
    pub dealer: Option<String>,
    pub advisor: Option<String>,
    pub from: Option<CivilDate>,
    pub to: Option<CivilDate>,
    pub period: Option<Period>,
}

/// Parses coverage's query: `dealer`, `advisor`, and the visits' pickup dates as
/// `from=`/`to=` (dates, both inclusive) or `period=` (as every report takes it).
pub fn parse_coverage(raw: &str) -> Result<CoverageQuery, String> {
    let names = ["dealer", "advisor", "from", "to", "period"];
    let values = values(raw, &names)?;
    let take = |name: &str| -> Option<String> {
        names
            .iter()
            .position(|p| *p == name)
            .and_then(|i| values[i].clone())
    };
    let date = |name: &str| -> Result<Option<CivilDate>, String> {
        take(name)
            .map(|v| {
                CivilDate::parse(&v).ok_or_else(|| {
                    format!("the {name} parameter {v:?} is a pickup date: YYYY-MM-DD (2026-11-23)")
                })
            })
            .transpose()
    };
    let (from, to) = (date("from")?, date("to")?);
    let period = take("period")
        .map(|p| {
            Period::parse(&p).ok_or_else(|| {
                format!("the period parameter {p:?} must be this_month, last_month or quarter")
            })
        })
        .transpose()?;
    if period.is_some() && (from.is_some() || to.is_some()) {
        return Err("give either period or from and to, not both".into());
    }
    let advisor = take("advisor")
        .map(|v| {
            survey_core::context::check_context_value(&v)
                .map(|()| v.clone())
                .map_err(|e| format!("the advisor parameter {v:?} is not a context value: {e}"))
        })
        .transpose()?;
    Ok(CoverageQuery {
        dealer: take("dealer"),
        advisor,
        from,
        to,
        period,
    })
}

/// Places the query's local days in the zone of the dealers it covers (call it after
/// the caller's scope is applied, which may narrow the dealers), `now` being today's
/// date there for a period. A query without local days needs no zone and is left as
/// it is; one whose dealers keep different zones is refused ([`crate::settings`]).
pub fn localise(q: &mut Query, zones: &Zones, now: Timestamp) -> Result<(), String> {
    if q.local.is_empty() {
        return Ok(());
    }
    let zone = zones.of_filter(&q.filter)?;
    let (from, to) = local_range(&q.local, zone, now);
    if let Some(d) = from {
        q.filter.from = Some(midnight(d, zone)?);
        q.echo["from"] = json!(format!("{}Z", midnight(d, zone)?));
    }
    if let Some(d) = to {
        q.filter.to = Some(midnight(d, zone)?);
        q.echo["to"] = json!(format!("{}Z", midnight(d, zone)?));
    }
    q.echo["time_zone"] = json!(zone.name);
    Ok(())
}

/// The local days a query covers, `[from, end)` (`end` the day after `to=`), with a
/// period placed on today's date in `zone`.
fn local_range(
    local: &LocalDays,
    zone: &Zone,
    now: Timestamp,
) -> (Option<CivilDate>, Option<CivilDate>) {
    match local.period {
        Some(period) => {
            let today = now.to_zoned(zone.tz.clone()).date();
            let today = CivilDate {
                year: i64::from(today.year()),
                month: u32::try_from(today.month()).unwrap_or(1),
                day: u32::try_from(today.day()).unwrap_or(1),
            };
            let (first, end) = period.dates(today);
            (Some(first), Some(end))
        }
        None => (local.from, local.to.map(CivilDate::next_day)),
    }
}

/// The [`sort_key`] of the first instant of local day `d` in `zone`. At a gap (a zone
/// whose clocks skip midnight) the day starts at the first instant after it, as jiff's
/// "compatible" rule places it.
fn midnight(d: CivilDate, zone: &Zone) -> Result<String, String> {
    let date = i16::try_from(d.year)
        .ok()
        .and_then(|y| {
            jiff::civil::Date::new(y, i8::try_from(d.month).ok()?, i8::try_from(d.day).ok()?).ok()
        })
        .ok_or_else(|| format!("the date {d} is out of range"))?;
    let t = date
        .to_zoned(zone.tz.clone())
        .map_err(|e| format!("the date {d} has no midnight in {}: {e}", zone.name))?
        .timestamp();
    Ok(sort_key(&t))
}

/// At most this many months in one `by=month` breakdown (three years of a trend).
pub const MAX_MONTHS: usize = 36;

/// The calendar months of the query's local days in the dealers' zone, each as its
/// label (`2026-11`) and the [`sort_key`] it starts at (the first month starts at
/// `from`): what `by=month` groups by, so a response at 23:30 on the last day of a
/// month counts in that month wherever the server is. Needs `from` and `to` (or a
/// period), each a local day.
pub fn month_starts(
    q: &Query,
    zones: &Zones,
    now: Timestamp,
) -> Result<Vec<(String, String)>, String> {
    let zone = zones.of_filter(&q.filter)?;
    let (Some(from), Some(end)) = local_range(&q.local, zone, now) else {
        return Err("by=month needs from= and to= (local days) or a period".into());
    };
    let mut out = Vec::new();
    let mut start = from;
    while start < end {
        if out.len() == MAX_MONTHS {
            return Err(format!(
                "by=month covers at most {MAX_MONTHS} months; narrow from= and to="
            ));
        }
        out.push((
            format!("{:04}-{:02}", start.year, start.month),
            midnight(start, zone)?,
        ));
        start = start.month_start(1);
    }
    Ok(out)
}

/// `words` anywhere in a text: `%words%` with the `LIKE` wildcards and the escape
/// character (backslash) in the words escaped, so `100%` finds "100%", not "1000".
pub fn like_pattern(words: &str) -> String {
    let mut p = String::with_capacity(words.len() + 2);
    p.push('%');
    for c in words.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// A query string's name or value as text (the one decoder, shared with pages).
pub fn decode(raw: &str) -> Option<String> {
    crate::static_files::query_text(raw)
}

/// An RFC 3339 time with `Z` or a `±HH:MM` offset (a date is a local day: see
/// [`localise`]). jiff parses; the shape is checked first because jiff is more lenient than
/// a filter should be (a space for `T`, offsets past ±23:59, second 60 read as 59). A
/// `+` sent unencoded arrives as a space; it is read as `+`.
pub fn parse_time(v: &str) -> Option<Timestamp> {
    if !v.is_ascii() {
        return None;
    }
    let b = v.as_bytes();
    if v.len() < 20 || !matches!(b[10], b'T' | b't') || &v[17..19] == "60" {
        return None;
    }
    let mut text = v.to_string();
    if !matches!(b[b.len() - 1], b'Z' | b'z') {
        let sign_at = v.len() - 6;
        let hours: u32 = v.get(sign_at + 1..sign_at + 3)?.parse().ok()?;
        if !matches!(b[sign_at], b'+' | b'-' | b' ') || hours > 23 || b[sign_at + 3] != b':' {
            return None;
        }
        if b[sign_at] == b' ' {
            text.replace_range(sign_at..sign_at + 1, "+");
        }
    }
    let t: Timestamp = text.parse().ok()?;
    // Keys are four-digit years.
    (1..=9999)
        .contains(&t.to_zoned(jiff::tz::TimeZone::UTC).year())
        .then_some(t)
}

/// A UTC time as the store compares `created_at`: `YYYY-MM-DDTHH:MM:SS` and the
/// fraction without trailing zeros (so `.50` and `.5` are the same bound), no `Z`.
/// Stored times with their `Z` removed sort against it as times do.
pub fn sort_key(t: &Timestamp) -> String {
    let utc = t.to_zoned(jiff::tz::TimeZone::UTC);
    let mut key = utc.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = utc.subsec_nanosecond();
    if nanos > 0 {
        let digits = format!("{nanos:09}");
        key.push('.');
        key.push_str(digits.trim_end_matches('0'));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(v: &str) -> Option<String> {
        parse_time(v).map(|t| sort_key(&t))
    }

    #[test]
    fn times_become_utc_keys() {
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
            "2026-11-23",
            "2026-13-01",
            "2026-02-30",
            "2026-11-23T10:00",
            "2026-11-23T10:00:00",
            "2026-11-23 10:00:00Z",
            "2026-11-23T25:00:00Z",
            "2026-11-23T10:00:00+8:00",
            "2026-11-23T10:00:00+24:00",
            "2026-11-23T10:00:00.Z",
            "2026-11-23T23:59:60Z",
            "0000-01-01T00:00:00+01:00",
            "２０２６-11-23",
        ] {
            assert_eq!(key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn queries_parse_and_echo() -> Result<(), String> {
        let mut q = parse(
            "survey=post-service&dealer=D%201&from=2026-11-20&to=2026-11-23T08:00:00%2B08:00&advisor=王伟",
            Shape::Filter,
        )?;
        assert_eq!(
            q.local,
            LocalDays {
                from: CivilDate::parse("2026-11-20"),
                ..LocalDays::default()
            }
        );
        localise(&mut q, &Zones::of(&[]), Timestamp::UNIX_EPOCH)?;
        assert_eq!(
            q.filter,
            Filter {
                survey: Some("post-service".into()),
                dealer: Some("D 1".into()),
                from: Some("2026-11-19T16:00:00".into()),
                to: Some("2026-11-23T00:00:00".into()),
                verified: Some(true),
                advisor: Some("王伟".into()),
                ..Filter::default()
            }
        );
        assert_eq!(
            q.echo,
            json!({"survey": "post-service", "dealer": "D 1", "advisor": "王伟",
                   "station": null, "agent": null, "channel": null,
                   "alerts": null, "csi_min": null, "csi_max": null, "q": null,
                   "from": "2026-11-19T16:00:00Z", "to": "2026-11-23T00:00:00Z",
                   "period": null, "time_zone": "Asia/Shanghai", "verified": "yes"})
        );
        let export = parse("lang=en&ids=none&station=lounge-2", Shape::Export)?;
        assert_eq!(
            export.export,
            ExportOptions {
                lang: Lang::En,
                ids_row: false
            }
        );
        assert_eq!(export.filter.station.as_deref(), Some("lounge-2"));
        assert_eq!(
            parse("", Shape::Export)?.export,
            ExportOptions {
                lang: Lang::ZhCn,
                ids_row: true
            }
        );
        assert_eq!(parse("verified=all", Shape::Filter)?.filter.verified, None);
        assert_eq!(
            parse("verified=no", Shape::Paged)?.filter.verified,
            Some(false)
        );
        let all = parse("", Shape::Paged)?;
        assert_eq!(all.filter, Filter::default());
        assert_eq!(
            all.page,
            PageRequest {
                after: None,
                limit: DEFAULT_LIMIT,
                newest_first: false,
            }
        );
        let paged = parse("after=42&limit=7&order=newest", Shape::Paged)?;
        assert_eq!(
            paged.page,
            PageRequest {
                after: Some(42),
                limit: 7,
                newest_first: true,
            }
        );
        Ok(())
    }

    #[test]
    fn bad_queries_name_the_parameter() {
        for (query, shape, named) in [
            ("from=2026-13-01", Shape::Filter, "from"),
            ("to=soon", Shape::Filter, "to"),
            ("dealer=%ff", Shape::Filter, "dealer"),
            ("dealer=%f", Shape::Filter, "dealer"),
            ("dealer=", Shape::Filter, "dealer"),
            ("survey=a%20b", Shape::Filter, "survey"),
            ("survey=a&survey=b", Shape::Filter, "survey"),
            ("dealr=D1", Shape::Filter, "dealr"),
            ("after=1", Shape::Filter, "after"),
            ("limit=0", Shape::Paged, "limit"),
            ("limit=1001", Shape::Paged, "limit"),
            ("after=-1", Shape::Paged, "after"),
            ("order=latest", Shape::Paged, "order"),
            ("order=newest", Shape::Export, "order"),
            ("after=x", Shape::Paged, "after"),
            ("verified=true", Shape::Filter, "verified"),
            ("from=2026-02-30", Shape::Filter, "from"),
            ("period=week", Shape::Filter, "period"),
            ("period=quarter&from=2026-01-01", Shape::Filter, "period"),
            ("advisor=A%2007", Shape::Filter, "advisor"),
            ("channel=%3Cb%3E", Shape::Filter, "channel"),
            ("lang=fr", Shape::Export, "lang"),
            ("ids=first", Shape::Export, "ids"),
            ("lang=en", Shape::Filter, "lang"),
            ("alerts=true", Shape::Paged, "alerts"),
            ("csi_min=-1", Shape::Paged, "csi_min"),
            ("csi_max=100.5", Shape::Paged, "csi_max"),
            ("csi_min=80&csi_max=60", Shape::Paged, "csi_min"),
            ("q=%20%20", Shape::Paged, "q"),
            ("q=a%0Ab", Shape::Paged, "q"),
        ] {
            let reason = parse(query, shape).err().unwrap_or_default();
            assert!(reason.contains(named), "{query}: {reason:?}");
        }
    }

    #[test]
    fn list_filters_parse() -> Result<(), String> {
        let q = parse(
            "alerts=no&csi_min=0&csi_max=60&q=%20100%25_a%5Cb%20",
            Shape::Paged,
        )?;
        assert_eq!(q.filter.alerts, Some(false));
        assert_eq!((q.filter.csi_min, q.filter.csi_max), (Some(0), Some(60)));
        assert_eq!(q.filter.text.as_deref(), Some(r"%100\%\_a\\b%"));
        assert_eq!(q.echo["q"], json!(r"100%_a\b"));
        assert_eq!(
            parse("alerts=yes", Shape::Filter)?.filter.alerts,
            Some(true)
        );
        Ok(())
    }

    fn local(query: &str, zones: &Zones, now: &str) -> Result<(Value, Value), String> {
        let mut q = parse(query, Shape::Filter)?;
        let now: Timestamp = now.parse().map_err(|e| format!("{e}"))?;
        localise(&mut q, zones, now)?;
        Ok((q.echo["from"].clone(), q.echo["to"].clone()))
    }

    #[test]
    fn local_days_are_the_dealers_days() -> Result<(), String> {
        let shanghai = Zones::of(&[]);
        let pair = |a: &str, b: &str| (json!(a), json!(b));
        // `to` takes its whole day: 23:30 local on 30 November (15:30Z) is in.
        assert_eq!(
            local(
                "from=2026-11-01&to=2026-11-30",
                &shanghai,
                "2026-12-04T00:00:00Z"
            )?,
            pair("2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z")
        );
        // Today in Shanghai is already 1 December at 16:30Z on 30 November.
        assert_eq!(
            local("period=this_month", &shanghai, "2026-11-30T16:30:00Z")?,
            pair("2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z")
        );
        assert_eq!(
            local("period=last_month", &shanghai, "2026-11-30T16:30:00Z")?,
            pair("2026-10-31T16:00:00Z", "2026-11-30T16:00:00Z")
        );
        assert_eq!(
            local("period=quarter", &shanghai, "2026-11-15T00:00:00Z")?,
            pair("2026-09-30T16:00:00Z", "2026-12-31T16:00:00Z")
        );
        // A zone with summer time: the last Sunday of March is 23 hours long in Berlin.
        let berlin = Zones::of(&[crate::settings::DealerSettings {
            time_zone: "Europe/Berlin".into(),
            ..crate::settings::DealerSettings::default_for("D2")
        }]);
        assert_eq!(
            local(
                "dealer=D2&from=2026-03-29&to=2026-03-29",
                &berlin,
                "2026-04-01T00:00:00Z"
            )?,
            pair("2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")
        );
        // Group-wide with two zones: refused, unless the bounds are instants.
        let err = local("from=2026-11-01", &berlin, "2026-12-01T00:00:00Z")
            .err()
            .unwrap_or_default();
        assert!(err.contains("Europe/Berlin"), "{err}");
        assert_eq!(
            local(
                "from=2026-11-01T00:00:00%2B08:00",
                &berlin,
                "2026-12-01T00:00:00Z"
            )?,
            (json!("2026-10-31T16:00:00Z"), Value::Null)
        );
        Ok(())
    }
}
