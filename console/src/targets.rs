//! The targets page (`#targets`): how well each dealer and agent close the loop, from
//! `GET /v1/targets` (the figures and their definitions are survey-core's `targets`;
//! this page shows them). Two tables, per dealer and per agent, over the period of the
//! filter bar; every rate is shown against its goal (the reply's `goals`), a rate over
//! few cases is marked "small n", and every column sorts like the advisors' table
//! ([`crate::sorting`]). Names from the server (dealers, logins) are text nodes: Yew
//! escapes them.

use crate::api::{self, Failure};
use crate::figures::one_decimal;
use crate::i18n::{t, target_text as g, Lang, G, T};
use crate::sorting::{self, Direction};
use serde_json::Value;
use yew::prelude::*;

// Read from `serde_json::Value` by hand, as the call list is: a derived deserialiser per
// nested figure costs the console's wasm more than this page's view.

/// A rate as the collector sends it (`survey_core::targets::Rate`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub met: u64,
    pub of: u64,
    pub percent: Option<f64>,
    pub small_n: bool,
}

impl Rate {
    fn of(v: &Value) -> Rate {
        Rate {
            met: v["met"].as_u64().unwrap_or_default(),
            of: v["of"].as_u64().unwrap_or_default(),
            percent: v["percent"].as_f64(),
            small_n: v["small_n"].as_bool().unwrap_or(true),
        }
    }

    /// `50.0% (2/4)`, or `–` without a denominator.
    pub fn text(&self) -> String {
        match self.percent {
            Some(p) => format!("{}% ({}/{})", one_decimal(p), self.met, self.of),
            None => "–".into(),
        }
    }

    /// Whether the rate reaches `goal` (percent); `None` without a rate.
    pub fn meets(&self, goal: f64) -> Option<bool> {
        self.percent.map(|p| p + 1e-9 >= goal)
    }
}

/// One row of either table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub dealer: String,
    /// The agent's login; `None` in the dealer table, or for unowned cases.
    pub agent: Option<String>,
    pub opened: u64,
    pub contacted: Rate,
    pub pending: u64,
    pub escalated: u64,
    pub unreachable: u64,
    pub first_median: Option<f64>,
    pub first_p90: Option<f64>,
    pub resolution_median: Option<f64>,
    pub resolution_p90: Option<f64>,
    pub calls: Rate,
    pub solved: Rate,
}

impl Row {
    pub fn of(v: &Value) -> Row {
        let c = &v["cases"];
        let n = |x: &Value| x.as_u64().unwrap_or_default();
        Row {
            dealer: v["dealer"].as_str().unwrap_or_default().to_string(),
            agent: v["agent"].as_str().map(str::to_string),
            opened: n(&c["opened"]),
            contacted: Rate::of(&c["contacted_within_due"]),
            pending: n(&c["pending"]),
            escalated: n(&c["escalated"]),
            unreachable: n(&c["unreachable"]),
            first_median: c["first_contact"]["median_hours"].as_f64(),
            first_p90: c["first_contact"]["p90_hours"].as_f64(),
            resolution_median: c["resolution"]["median_hours"].as_f64(),
            resolution_p90: c["resolution"]["p90_hours"].as_f64(),
            calls: Rate::of(&v["calls"]["within_window"]),
            solved: Rate::of(&c["solved"]),
        }
    }
}

/// The sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Opened,
    Contacted,
    Escalated,
    Unreachable,
    FirstMedian,
    FirstP90,
    ResolutionMedian,
    ResolutionP90,
    Calls,
    Solved,
}

impl Column {
    pub fn key(self, r: &Row) -> Option<f64> {
        match self {
            Column::Opened => Some(r.opened as f64),
            Column::Contacted => r.contacted.percent,
            Column::Escalated => Some(r.escalated as f64),
            Column::Unreachable => Some(r.unreachable as f64),
            Column::FirstMedian => r.first_median,
            Column::FirstP90 => r.first_p90,
            Column::ResolutionMedian => r.resolution_median,
            Column::ResolutionP90 => r.resolution_p90,
            Column::Calls => r.calls.percent,
            Column::Solved => r.solved.percent,
        }
    }

    /// Where a column starts when first sorted: worst first, what needs a look (the
    /// lowest rates; the most escalations, the slowest contact).
    pub fn fresh(self) -> Direction {
        match self {
            Column::Contacted | Column::Calls | Column::Solved => Direction::Ascending,
            _ => Direction::Descending,
        }
    }
}

/// The goals of the reply (`goals`), percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goals {
    pub contacted: f64,
    pub calls: f64,
}

impl Goals {
    pub fn of(v: &Value) -> Goals {
        Goals {
            contacted: v["goals"]["contacted_within_due"].as_f64().unwrap_or(100.0),
            calls: v["goals"]["calls_within_window"].as_f64().unwrap_or(100.0),
        }
    }
}

/// Hours with one decimal, or `–`.
pub fn hours(h: Option<f64>) -> String {
    h.map(one_decimal).unwrap_or_else(|| "–".into())
}

#[derive(Properties, PartialEq)]
pub struct TargetsProps {
    pub lang: Lang,
    pub dealer: String,
    /// The period's first and last day (`YYYY-MM-DD`), or `None` while it is invalid.
    pub range: Option<(String, String)>,
}

type Reply = Option<Result<Value, String>>;

/// Asks for `/v1/targets?by=…` whenever the dealer or the period changes.
#[hook]
fn use_targets(by: &'static str, dealer: String, range: Option<(String, String)>) -> Reply {
    let data = use_state(|| None::<Result<Value, String>>);
    {
        let data = data.clone();
        use_effect_with((dealer, range), move |(dealer, range)| {
            let mut cleanup: Option<Box<dyn FnOnce()>> = None;
            if let Some((from, to)) = range.clone() {
                let mut pairs = vec![("by", by.to_string()), ("from", from), ("to", to)];
                if !dealer.is_empty() {
                    pairs.push(("dealer", dealer.clone()));
                }
                let url = format!("/v1/targets?{}", api::query(&pairs));
                data.set(None);
                let shown = data.clone();
                cleanup = Some(Box::new(api::spawn_current(
                    async move { api::get::<Value>(&url).await },
                    move |reply| match reply {
                        Ok(v) => shown.set(Some(Ok(v))),
                        Err(Failure::SignedOut) => api::sign_in(),
                        Err(e) => shown.set(Some(Err(e.line()))),
                    },
                )));
            }
            move || {
                if let Some(stop) = cleanup {
                    stop();
                }
            }
        });
    }
    (*data).clone()
}

#[component]
pub fn TargetsPage(props: &TargetsProps) -> Html {
    let l = props.lang;
    let dealers = use_targets("dealer", props.dealer.clone(), props.range.clone());
    let agents = use_targets("agent", props.dealer.clone(), props.range.clone());
    html! {
        <>
            <p class="c-note">{ g(l, G::Intro) }</p>
            <TargetTable lang={l} by="dealer" reply={dealers} />
            <TargetTable lang={l} by="agent" reply={agents} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    lang: Lang,
    by: &'static str,
    reply: Reply,
}

#[component]
fn TargetTable(props: &TableProps) -> Html {
    let l = props.lang;
    let by = props.by;
    let sort = use_state(|| (Column::Contacted, Direction::Ascending));
    let title = if by == "agent" {
        g(l, G::ByAgent)
    } else {
        g(l, G::ByDealer)
    };
    let id = format!("c-targets-{by}");
    let reply = match &props.reply {
        None => return html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            return html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(v)) => v,
    };
    let goals = Goals::of(reply);
    let rows: Vec<Row> = reply["items"]
        .as_array()
        .map(|a| a.iter().map(Row::of).collect())
        .unwrap_or_default();
    let (column, direction) = *sort;
    let keys: Vec<Option<f64>> = rows.iter().map(|r| column.key(r)).collect();
    let order = sorting::order(&keys, direction);
    // A header: the figure's name, and under it what it counts in (goal, unit), so
    // the columns stay narrow enough to read without wrapping word by word.
    let header = |c: Column, label: &str, sub: String| {
        let sort = sort.clone();
        let on = Callback::from(move |_: MouseEvent| {
            let (current, dir) = *sort;
            sort.set((
                c,
                if current == c {
                    dir.flipped()
                } else {
                    c.fresh()
                },
            ));
        });
        let aria = (column == c).then(|| direction.aria());
        html! {
            <th scope="col" class="c-num" aria-sort={aria}>
                <button type="button" class="c-sort" data-sort={format!("{c:?}")} onclick={on}>
                    { label.to_string() }
                    if !sub.is_empty() { <span class="c-sub">{ sub }</span> }
                </button>
            </th>
        }
    };
    let rate = |r: &Rate, goal: Option<f64>| {
        let verdict = goal.and_then(|goal| r.meets(goal)).map(|met| {
            if met {
                html! { <span class="c-badge">{ g(l, G::GoalMet) }</span> }
            } else {
                html! { <span class="c-badge c-badge-warn">{ g(l, G::BelowGoal) }</span> }
            }
        });
        html! {
            <td class="c-num c-rate">
                <span class="c-nowrap">{ r.text() }</span>
                { verdict.unwrap_or_default() }
                if r.small_n && r.of > 0 {
                    <span class="c-badge" title={g(l, G::SmallN)}>{ g(l, G::SmallN) }</span>
                }
            </td>
        }
    };
    html! {
        // Not a landmark itself: the table's scrolling region below is, named by the
        // heading (two landmarks of one name would be a duplicate).
        <section class="c-targets">
            <h3 class="c-h3" id={id.clone()}>{ title }</h3>
            if rows.is_empty() {
                <p>{ g(l, G::NoRows) }</p>
            } else {
            <div class="c-scroll" tabindex="0" role="region" aria-labelledby={id}>
            <table class="c-table c-targets-table" data-table={format!("targets-{by}")}>
                <thead><tr>
                    <th scope="col">{ g(l, G::Dealer) }</th>
                    if by == "agent" { <th scope="col">{ g(l, G::Agent) }</th> }
                    { header(Column::Opened, g(l, G::Opened), String::new()) }
                    { header(Column::Contacted, g(l, G::ContactedInTime), format!("{} {:.0}%", g(l, G::Goal), goals.contacted)) }
                    { header(Column::Escalated, g(l, G::Escalated), String::new()) }
                    { header(Column::Unreachable, g(l, G::Unreachable), String::new()) }
                    { header(Column::FirstMedian, g(l, G::FirstContact), format!("{}, {}", g(l, G::Median), g(l, G::Hours))) }
                    { header(Column::FirstP90, g(l, G::FirstContact), format!("{}, {}", g(l, G::P90), g(l, G::Hours))) }
                    { header(Column::ResolutionMedian, g(l, G::Resolution), format!("{}, {}", g(l, G::Median), g(l, G::Hours))) }
                    { header(Column::ResolutionP90, g(l, G::Resolution), format!("{}, {}", g(l, G::P90), g(l, G::Hours))) }
                    { header(Column::Calls, g(l, G::Calls), format!("{}, {} {:.0}%", g(l, G::CallsWindow), g(l, G::Goal), goals.calls)) }
                    { header(Column::Solved, g(l, G::Solved), String::new()) }
                </tr></thead>
                <tbody>
                    { for order.iter().map(|&i| {
                        let r = &rows[i];
                        html! {
                            <tr data-dealer={r.dealer.clone()} data-agent={r.agent.clone().unwrap_or_default()}>
                                <th scope="row">{ r.dealer.clone() }</th>
                                if by == "agent" {
                                    <td>{ r.agent.clone().unwrap_or_else(|| g(l, G::Unowned).to_string()) }</td>
                                }
                                <td class="c-num" data-figure="opened">{ r.opened }</td>
                                { rate(&r.contacted, Some(goals.contacted)) }
                                <td class="c-num" data-figure="escalated">{ r.escalated }</td>
                                <td class="c-num">{ r.unreachable }</td>
                                <td class="c-num">{ hours(r.first_median) }</td>
                                <td class="c-num">{ hours(r.first_p90) }</td>
                                <td class="c-num">{ hours(r.resolution_median) }</td>
                                <td class="c-num">{ hours(r.resolution_p90) }</td>
                                { rate(&r.calls, Some(goals.calls)) }
                                { rate(&r.solved, None) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
            }
            if by == "dealer" && rows.iter().any(|r| r.pending > 0) {
                <p class="c-note">{ format!("{}: {}", g(l, G::Pending), rows.iter().map(|r| r.pending).sum::<u64>()) }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_row_reads_the_collectors_figures() {
        let v = json!({
            "dealer": "D001", "agent": "ann",
            "cases": {
                "opened": 4, "pending": 1, "escalated": 1, "unreachable": 1,
                "contacted_within_due": {"met": 2, "of": 4, "percent": 50.0, "small_n": true},
                "first_contact": {"n": 3, "median_hours": 12.0, "p90_hours": 60.0},
                "resolution": {"n": 0, "median_hours": null, "p90_hours": null},
                "solved": {"met": 0, "of": 0, "percent": null, "small_n": true}
            },
            "calls": {"within_window": {"met": 1, "of": 3, "percent": 33.333333, "small_n": true}, "pending": 0, "not_made": 1}
        });
        let r = Row::of(&v);
        assert_eq!(r.agent.as_deref(), Some("ann"));
        assert_eq!(r.contacted.text(), "50.0% (2/4)");
        assert_eq!(r.calls.text(), "33.3% (1/3)");
        assert_eq!(r.solved.text(), "–");
        assert_eq!(hours(r.first_p90), "60.0");
        assert_eq!(hours(r.resolution_median), "–");
        assert_eq!(Column::Contacted.key(&r), Some(50.0));
        assert_eq!(Column::ResolutionP90.key(&r), None);
    }

    #[test]
    fn a_rate_meets_its_goal_only_when_it_reaches_it() {
        let full = Rate {
            met: 4,
            of: 4,
            percent: Some(100.0),
            small_n: true,
        };
        assert_eq!(full.meets(100.0), Some(true));
        let short = Rate {
            percent: Some(99.9),
            ..full
        };
        assert_eq!(short.meets(100.0), Some(false));
        let none = Rate {
            percent: None,
            ..full
        };
        assert_eq!(none.meets(100.0), None);
        assert_eq!(Column::Contacted.fresh(), Direction::Ascending);
        assert_eq!(Column::FirstP90.fresh(), Direction::Descending);
    }
}
