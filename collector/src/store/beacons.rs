//! What the store keeps of the survey's own funnel ([`survey_core::funnel`]): one row
//! per beacon, stored once per (visit, stage, page) by the table's unique constraint,
//! so a retried beacon is never counted twice; and the funnel's counts, computed by
//! the database (`COUNT(DISTINCT visit)` per stage and page, each visit's last page,
//! the middle of the completed visits' times), never by loading beacons into the server.
//!
//! The reads take the one [`Filter`] of [`crate::query`]: `survey`, `dealer`, `from`,
//! `to` (compared with the beacon's receipt time `at`), the caller's `dealers` and
//! `channel`; the funnel route refuses every other parameter.

use super::Filter;

/// A beacon as stored: no address, no user agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBeacon {
    /// When the collector received it (RFC 3339 UTC with ms).
    pub at: String,
    pub survey_id: String,
    pub survey_version: i64,
    pub dealer: Option<String>,
    pub channel: String,
    pub visit: String,
    pub stage: String,
    /// The page of a page beacon, 0 for the other stages.
    pub page: i64,
    pub elapsed_ms: i64,
}

impl NewBeacon {
    /// The row of a checked beacon received at `at`.
    pub fn of(b: &survey_core::funnel::Beacon, at: &str) -> NewBeacon {
        NewBeacon {
            at: at.to_string(),
            survey_id: b.survey.id.as_str().to_string(),
            survey_version: i64::from(b.survey.version),
            dealer: b.dealer.clone(),
            channel: b.channel.as_str().to_string(),
            visit: b.visit.clone(),
            stage: b.stage.as_str().to_string(),
            page: i64::from(b.page.unwrap_or(0)),
            elapsed_ms: i64::try_from(b.elapsed_ms).unwrap_or(i64::MAX),
        }
    }
}

/// The part of a [`Filter`] beacons have; the rest is refused by the route.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BeaconFilter {
    pub survey: Option<String>,
    pub dealer: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub dealers: Option<Vec<String>>,
    pub channel: Option<String>,
}

impl BeaconFilter {
    pub fn of(f: &Filter) -> BeaconFilter {
        BeaconFilter {
            survey: f.survey.clone(),
            dealer: f.dealer.clone(),
            from: f.from.clone(),
            to: f.to.clone(),
            dealers: f.dealers.clone(),
            channel: f.channel.clone(),
        }
    }
}

/// One row of the stage query: group (channel, or `None` pooled), stage, page, visits.
pub type StageRow = (Option<String>, String, i64, i64);
/// One row of the stop query: group, the last page of visits that did not complete,
/// how many.
pub type StopRow = (Option<String>, i64, i64);

/// Folds the database's rows into counts per group (`None`: every channel together).
pub fn fold(
    stages: Vec<StageRow>,
    stops: Vec<StopRow>,
) -> std::collections::BTreeMap<Option<String>, survey_core::funnel::Counts> {
    use survey_core::funnel::Stage;
    let mut out: std::collections::BTreeMap<Option<String>, survey_core::funnel::Counts> =
        Default::default();
    for (group, stage, page, n) in stages {
        let c = out.entry(group).or_default();
        let n = u64::try_from(n).unwrap_or(0);
        match Stage::parse(&stage) {
            Some(Stage::Opened) => c.opened = n,
            Some(Stage::Started) => c.started = n,
            Some(Stage::Page) => {
                c.pages.insert(u32::try_from(page).unwrap_or(0), n);
            }
            Some(Stage::Completed) => c.completed = n,
            Some(Stage::Abandoned) => c.abandoned = n,
            None => {}
        }
    }
    for (group, last, n) in stops {
        out.entry(group).or_default().stopped.insert(
            u32::try_from(last).unwrap_or(1),
            u64::try_from(n).unwrap_or(0),
        );
    }
    out
}
