//! The survey's own funnel (HEART's task success for the survey itself): small anonymous
//! beacons the widget sends as a visit goes on, and the arithmetic the console shows.
//!
//! ## The guarantee
//! A beacon says only *that* a visit reached a stage: which survey (id and version),
//! which dealer, which channel, a random per-visit id made on the device, the stage,
//! the page number for a page, and the milliseconds since the survey was shown. It
//! holds **no answer, no contact data, no link token, no repair order, no customer or
//! advisor id** (the reader refuses any other field: `deny_unknown_fields`), and the
//! collector stores no address or user agent with it. A visit sends at most one beacon
//! per stage (and per page), and the store keeps one row per (visit, stage, page), so a
//! retried beacon is never counted twice.
//!
//! ## The lifecycle of a visit ([`Tracker`])
//! ```text
//!  mount ──Shown──▶ opened ──first Answered──▶ started ──PageReached(n ≥ 2)──▶ page n …
//!                     │                           │                              │
//!                     │     Hidden (pagehide, visibilitychange hidden) or Idle   │
//!                     └──────────────┬────────────┴──────────────────────────────┘
//!                                    ▼  (only before completion, once)
//!                                abandoned            Completed ──▶ completed (once)
//! ```
//! A visit that comes back after `abandoned` (the tab shown again) still sends its later
//! pages and its completion: the funnel counts completions by visit, so a visit that was
//! both abandoned and completed is a completion.
//!
//! ## The protocol
//! `POST /v1/beacons` next to the collector's `/v1/responses`, body one JSON object
//! (`format` `survey-beacon/1`, [`Beacon`]), sent with `navigator.sendBeacon` as text
//! (no CORS preflight; a fetch with `keepalive` when that is refused); answered 202,
//! and the widget never reads the answer: a lost beacon costs a number, never a survey.
//!
//! ## The arithmetic ([`Counts`], [`Funnel`])
//! Per channel: distinct visits per stage and per page; the completion rate
//! (completed / opened); the median milliseconds to complete over the completed
//! visits; and the page where the visits that did not complete stopped (their last
//! page reached; page 1 when they reached none after the first), the most common one
//! being the page where people give up (the earlier page on a tie). The collector
//! computes [`Counts`] with SQL aggregates; [`Counts::from_events`] computes the same
//! from single beacons, for tests and as the definition.

use crate::ids::{is_valid_id, SurveyId};
use crate::path_error::PathError;
use crate::payload::{Mode, SurveyRef};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[cfg(test)]
mod tests;

/// The format tag of a beacon.
pub const BEACON_FORMAT: &str = "survey-beacon/1";
/// The highest page number a beacon may name (no questionnaire has more pages).
pub const MAX_PAGE: u32 = 200;
/// The longest visit a beacon may report: a day (a tab left open overnight is no
/// longer a visit).
pub const MAX_ELAPSED_MS: u64 = 24 * 3600 * 1000;
/// Seconds without an answer after which a visit that has not completed is counted as
/// abandoned (the widget's idle timer).
pub const IDLE_SECONDS: u32 = 120;

/// How far a visit got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The survey was shown (the link was opened, the widget mounted).
    Opened,
    /// The first answer was given.
    Started,
    /// Page `page` (2 or later) was reached.
    Page,
    Completed,
    /// Left before completing: the page was hidden or closed, or idle too long.
    Abandoned,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Opened,
        Stage::Started,
        Stage::Page,
        Stage::Completed,
        Stage::Abandoned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Opened => "opened",
            Stage::Started => "started",
            Stage::Page => "page",
            Stage::Completed => "completed",
            Stage::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Where the customer came in: the funnel is shown per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The stand-alone page: a QR code on the repair order, or a link sent after a call.
    Qr,
    /// The script tag on a dealer's website.
    Website,
    /// The lounge kiosk.
    Kiosk,
    /// An agent's phone interview.
    Phone,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Qr,
        Channel::Website,
        Channel::Kiosk,
        Channel::Phone,
    ];

    /// The channel of a widget mode: one answer per mode, so a beacon needs nothing
    /// from the visit's context to name it.
    pub fn of_mode(mode: Mode) -> Channel {
        match mode {
            Mode::Page => Channel::Qr,
            Mode::Embed => Channel::Website,
            Mode::Kiosk => Channel::Kiosk,
            Mode::Interview => Channel::Phone,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Qr => "qr",
            Channel::Website => "website",
            Channel::Kiosk => "kiosk",
            Channel::Phone => "phone",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One beacon, as posted (see the module docs for what it may hold).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Beacon {
    pub format: String,
    pub survey: SurveyRef,
    /// `context.dealer` of the visit, if the page had one.
    #[serde(default)]
    pub dealer: Option<String>,
    pub channel: Channel,
    /// A random UUID made on the device when the survey was shown; nothing else.
    pub visit: String,
    pub stage: Stage,
    /// The page reached, for [`Stage::Page`] only (2 or later).
    #[serde(default)]
    pub page: Option<u32>,
    /// Milliseconds since the survey was shown.
    pub elapsed_ms: u64,
}

impl Beacon {
    /// The beacon `tracker`'s visit sends for `stage`.
    pub fn of(visit: &Visit, stage: Stage, page: Option<u32>, elapsed_ms: u64) -> Beacon {
        Beacon {
            format: BEACON_FORMAT.into(),
            survey: visit.survey.clone(),
            dealer: visit.dealer.clone(),
            channel: visit.channel,
            visit: visit.id.clone(),
            stage,
            page,
            elapsed_ms,
        }
    }

    /// The body the widget posts. Written with `format!` and serde_json's string
    /// escaping (both in the widget already), not a derived serialiser or a `Value`:
    /// either costs the wasm several KB for ten fields.
    pub fn to_json(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        let mut out = format!(
            "{{\"format\":{},\"survey\":{{\"id\":{},\"version\":{}}},\"channel\":\"{}\",\"visit\":{},\"stage\":\"{}\",\"elapsed_ms\":{}",
            q(&self.format),
            q(self.survey.id.as_str()),
            self.survey.version,
            self.channel.as_str(),
            q(&self.visit),
            self.stage.as_str(),
            self.elapsed_ms
        );
        if let Some(d) = &self.dealer {
            out.push_str(&format!(",\"dealer\":{}", q(d)));
        }
        if let Some(p) = self.page {
            out.push_str(&format!(",\"page\":{p}"));
        }
        out.push('}');
        out
    }

    /// Reads a posted body as the server must ([`crate::json_strict`]: one document, no
    /// key twice) and checks it ([`Self::validate`]); the error names the field.
    pub fn from_json_strict(body: &str) -> Result<Beacon, PathError> {
        if let Err(e) = crate::json_strict::check(body) {
            return Err(match e {
                crate::json_strict::StrictError::Syntax(_) => {
                    crate::path_error::parse::<Beacon>(body)
                        .err()
                        .unwrap_or_else(|| PathError::new("", e.to_string()))
                }
                e => PathError::new(e.path(), e.to_string()),
            });
        }
        let beacon: Beacon = crate::path_error::parse(body)?;
        beacon.validate()?;
        Ok(beacon)
    }

    /// What the types alone do not check: the format, the survey id and version, the
    /// dealer as a context value, the visit as a UUID, a page only (and always) on a
    /// page beacon, and the elapsed time's bound.
    pub fn validate(&self) -> Result<(), PathError> {
        let err = |path: &str, problem: String| Err(PathError::new(path, problem));
        if self.format != BEACON_FORMAT {
            return err(
                "format",
                format!("expected \"{BEACON_FORMAT}\", found {:?}", self.format),
            );
        }
        if !is_valid_id(self.survey.id.as_str()) {
            return err(
                "survey.id",
                format!("{:?} is not a valid survey id", self.survey.id.as_str()),
            );
        }
        if self.survey.version == 0 {
            return err("survey.version", "must be 1 or more, found 0".into());
        }
        if let Some(d) = &self.dealer {
            if let Err(e) = crate::context::check_context_value(d) {
                return err("dealer", e.to_string());
            }
        }
        if crate::ids::ResponseId::parse(&self.visit).is_none() {
            return err(
                "visit",
                format!(
                    "expected a random UUID like 0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e, found {:?}",
                    truncate(&self.visit)
                ),
            );
        }
        match (self.stage, self.page) {
            (Stage::Page, None) => return err("page", "a page beacon names its page".into()),
            (Stage::Page, Some(p)) if !(2..=MAX_PAGE).contains(&p) => {
                return err(
                    "page",
                    format!("must be between 2 and {MAX_PAGE} (page 1 is \"opened\"), found {p}"),
                )
            }
            (Stage::Page, Some(_)) | (_, None) => {}
            (stage, Some(_)) => {
                return err(
                    "page",
                    format!(
                        "only a \"page\" beacon names a page, not {:?}",
                        stage.as_str()
                    ),
                )
            }
        }
        if self.elapsed_ms > MAX_ELAPSED_MS {
            return err(
                "elapsed_ms",
                format!(
                    "at most {MAX_ELAPSED_MS} (a day), found {}",
                    self.elapsed_ms
                ),
            );
        }
        Ok(())
    }
}

/// The first 40 characters of a refused value: an error never echoes a whole body.
fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// What stays the same for every beacon of one visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// A random UUID (the widget's one randomness service makes it).
    pub id: String,
    pub survey: SurveyRef,
    pub dealer: Option<String>,
    pub channel: Channel,
}

impl Visit {
    pub fn new(
        id: String,
        survey: SurveyId,
        version: u32,
        dealer: Option<String>,
        mode: Mode,
    ) -> Self {
        Visit {
            id,
            survey: SurveyRef {
                id: survey,
                version,
            },
            dealer,
            channel: Channel::of_mode(mode),
        }
    }
}

/// What the widget saw happen; the time comes with it (the widget's clock service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Shown,
    /// An answer was given or changed.
    Answered,
    /// Page `n` (1-based) is showing.
    PageReached(u32),
    Completed,
    /// The page was hidden or is being unloaded.
    Hidden,
    /// No answer for [`IDLE_SECONDS`].
    Idle,
}

/// Which beacons a visit has sent: the reducer that keeps it to one per stage (and
/// page) and none after completion but the completion itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tracker {
    /// When the survey was shown (ms on the widget's clock); `None` before.
    pub shown_at: Option<u64>,
    /// The stages sent, one bit per [`Stage`] (a bit set, not a set type: the widget's
    /// wasm carries this).
    pub stages: u8,
    /// The pages sent.
    pub pages: Vec<u32>,
}

impl Tracker {
    fn has(&self, stage: Stage, page: u32) -> bool {
        match stage {
            Stage::Page => self.pages.contains(&page),
            s => self.stages & (1 << s as u8) != 0,
        }
    }
}

impl Tracker {
    /// The tracker after `signal` at `now_ms`, and the beacon to send, if any. Returns
    /// a clone of `self` unchanged (and no beacon) when nothing is to be sent.
    pub fn step(&self, visit: &Visit, signal: Signal, now_ms: u64) -> (Tracker, Option<Beacon>) {
        let done = self.has(Stage::Completed, 0);
        let (stage, page) = match signal {
            Signal::Shown => (Stage::Opened, 0),
            Signal::Answered => (Stage::Started, 0),
            Signal::PageReached(n) if (2..=MAX_PAGE).contains(&n) => (Stage::Page, n),
            Signal::PageReached(_) => return (self.clone(), None),
            Signal::Completed => (Stage::Completed, 0),
            Signal::Hidden | Signal::Idle => (Stage::Abandoned, 0),
        };
        let opened = self.shown_at.is_some();
        let allowed = match stage {
            Stage::Opened => !opened,
            // Nothing before the survey was shown; nothing but nothing after completion.
            Stage::Completed => opened,
            _ => opened && !done,
        };
        if !allowed || self.has(stage, page) {
            return (self.clone(), None);
        }
        let mut next = self.clone();
        if stage == Stage::Opened {
            next.shown_at = Some(now_ms);
        }
        match stage {
            Stage::Page => next.pages.push(page),
            s => next.stages |= 1 << s as u8,
        }
        let elapsed = next
            .shown_at
            .map_or(0, |t| now_ms.saturating_sub(t))
            .min(MAX_ELAPSED_MS);
        let page = (stage == Stage::Page).then_some(page);
        (next, Some(Beacon::of(visit, stage, page, elapsed)))
    }
}

/// One stored beacon as the arithmetic needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub channel: Channel,
    pub visit: String,
    pub stage: Stage,
    /// The page of a page beacon, 0 otherwise.
    pub page: u32,
    pub elapsed_ms: u64,
}

/// A channel's visits per stage, as the database counts them (`COUNT(DISTINCT visit)`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub opened: u64,
    pub started: u64,
    /// Visits that reached page n (n ≥ 2), by page.
    pub pages: BTreeMap<u32, u64>,
    pub completed: u64,
    pub abandoned: u64,
    /// Visits that did not complete, by the last page they reached (1 when none
    /// after the first).
    pub stopped: BTreeMap<u32, u64>,
    /// The median of the completed visits' milliseconds to complete.
    pub median_ms_to_complete: Option<u64>,
}

impl Counts {
    /// The counts per channel of single beacons: the definition the SQL follows.
    pub fn from_events(events: &[Event]) -> BTreeMap<Channel, Counts> {
        type Seen = BTreeMap<(Stage, u32), BTreeSet<String>>;
        let mut seen: BTreeMap<Channel, Seen> = BTreeMap::new();
        // Per visit: its last page and whether it completed; per channel the times.
        let mut visits: BTreeMap<(Channel, String), (u32, bool)> = BTreeMap::new();
        let mut times: BTreeMap<Channel, BTreeMap<String, u64>> = BTreeMap::new();
        for e in events {
            seen.entry(e.channel)
                .or_default()
                .entry((e.stage, e.page))
                .or_default()
                .insert(e.visit.clone());
            let v = visits
                .entry((e.channel, e.visit.clone()))
                .or_insert((1, false));
            if e.stage == Stage::Page {
                v.0 = v.0.max(e.page);
            }
            if e.stage == Stage::Completed {
                v.1 = true;
                times
                    .entry(e.channel)
                    .or_default()
                    .insert(e.visit.clone(), e.elapsed_ms);
            }
        }
        let mut out = BTreeMap::new();
        for (channel, stages) in seen {
            let n = |stage: Stage| stages.get(&(stage, 0)).map_or(0, |s| s.len() as u64);
            let mut c = Counts {
                opened: n(Stage::Opened),
                started: n(Stage::Started),
                completed: n(Stage::Completed),
                abandoned: n(Stage::Abandoned),
                ..Counts::default()
            };
            for ((stage, page), who) in &stages {
                if *stage == Stage::Page {
                    c.pages.insert(*page, who.len() as u64);
                }
            }
            for ((ch, _), (last, done)) in &visits {
                if *ch == channel && !done {
                    *c.stopped.entry(*last).or_default() += 1;
                }
            }
            let mut ms: Vec<u64> = times
                .get(&channel)
                .map(|t| t.values().copied().collect())
                .unwrap_or_default();
            ms.sort_unstable();
            c.median_ms_to_complete =
                median_of_middle(ms.len() as u64, &ms[middle(ms.len() as u64)]);
            out.insert(channel, c);
        }
        out
    }
}

/// The indices of the middle one or two of `n` sorted values: what a database reads
/// with `ORDER BY … LIMIT 2 OFFSET (n - 1) / 2` (one value when `n` is odd).
pub fn middle(n: u64) -> std::ops::Range<usize> {
    if n == 0 {
        return 0..0;
    }
    let first = ((n - 1) / 2) as usize;
    first..first + if n.is_multiple_of(2) { 2 } else { 1 }
}

/// The median of `n` sorted values given their [`middle`] (one value for odd `n`, two
/// for even, whose mean is rounded down to the millisecond); `None` for none.
pub fn median_of_middle(n: u64, middle: &[u64]) -> Option<u64> {
    match (n, middle) {
        (0, _) => None,
        (n, [a, b, ..]) if n % 2 == 0 => Some(a / 2 + b / 2 + (a % 2 + b % 2) / 2),
        (_, [a, ..]) => Some(*a),
        _ => None,
    }
}

/// A channel's funnel as the console shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    #[serde(flatten)]
    pub counts: Counts,
    /// completed / opened (0-1); `None` without an opened visit.
    pub completion_rate: Option<f64>,
    /// The page where most visits that did not complete stopped (the earlier page on
    /// a tie); `None` when every visit completed.
    pub give_up_page: Option<u32>,
}

impl Funnel {
    pub fn of(counts: Counts) -> Funnel {
        let completion_rate =
            (counts.opened > 0).then(|| counts.completed as f64 / counts.opened as f64);
        let give_up_page = counts
            .stopped
            .iter()
            .filter(|(_, n)| **n > 0)
            // max_by_key keeps the last of equal keys: reverse to keep the earliest page.
            .rev()
            .max_by_key(|(_, n)| **n)
            .map(|(p, _)| *p);
        Funnel {
            counts,
            completion_rate,
            give_up_page,
        }
    }
}
