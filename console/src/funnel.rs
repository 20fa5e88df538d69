//! The survey's own funnel (`#funnel`, issue 15's HEART of the survey): per channel,
//! how many visits opened the survey, started, reached each page and completed, as an
//! SVG bar chart (a title and a description for screen readers, and the same numbers
//! as a table), with the completion rate, the median time to complete and the page
//! where most visits that did not complete stopped. One call, `/v1/funnel?by=channel`,
//! for the chosen survey, dealer and period (the dealer's days, like every page).

use crate::api::{self, Failure};
use crate::chart::{self, BAR, BAR_GAP, FUNNEL};
use crate::figures;
use crate::i18n::{funnel_text as ft, t, Lang, F, T};
use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FunnelProps {
    pub lang: Lang,
    pub survey: AttrValue,
    pub dealer: String,
    /// The period's first and last local day; `None` while the period is not valid.
    pub range: Option<(String, String)>,
}

/// `GET /v1/funnel?by=channel`, read from a `Value` by hand as `crate::calls` does: a
/// derived deserialiser costs the console's wasm more than this page's view.
#[derive(Debug, Clone, PartialEq)]
struct Reply {
    rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
struct PageCount {
    page: u32,
    visits: u64,
}

impl Reply {
    fn of(v: &Value) -> Reply {
        let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or(0);
        let pages = |v: &Value, k: &str| -> Vec<PageCount> {
            v[k].as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| PageCount {
                            page: n(p, "page") as u32,
                            visits: n(p, "visits"),
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let rows = v["rows"].as_array().map(Vec::as_slice).unwrap_or_default();
        Reply {
            rows: rows
                .iter()
                .map(|r| Row {
                    channel: r["channel"].as_str().map(str::to_string),
                    opened: n(r, "opened"),
                    started: n(r, "started"),
                    pages: pages(r, "pages"),
                    completed: n(r, "completed"),
                    abandoned: n(r, "abandoned"),
                    stopped: pages(r, "stopped"),
                    completion_rate: r["completion_rate"].as_f64(),
                    median_ms_to_complete: r["median_ms_to_complete"].as_u64(),
                    give_up_page: r["give_up_page"].as_u64().map(|p| p as u32),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    channel: Option<String>,
    opened: u64,
    started: u64,
    pages: Vec<PageCount>,
    completed: u64,
    abandoned: u64,
    stopped: Vec<PageCount>,
    completion_rate: Option<f64>,
    median_ms_to_complete: Option<u64>,
    give_up_page: Option<u32>,
}

impl Row {
    /// The funnel's stages in order, with their visits: opened, started, each page,
    /// completed.
    fn stages(&self, l: Lang) -> Vec<(String, u64)> {
        let mut out = vec![
            (ft(l, F::Opened).to_string(), self.opened),
            (ft(l, F::Started).to_string(), self.started),
        ];
        out.extend(
            self.pages
                .iter()
                .map(|p| (ft(l, F::Page).replace("{n}", &p.page.to_string()), p.visits)),
        );
        out.push((ft(l, F::Completed).to_string(), self.completed));
        out
    }
}

fn channel_name(l: Lang, channel: Option<&str>) -> &'static str {
    match channel {
        Some("qr") => ft(l, F::Qr),
        Some("website") => ft(l, F::Website),
        Some("kiosk") => ft(l, F::Kiosk),
        Some("phone") => ft(l, F::Phone),
        _ => ft(l, F::AllChannels),
    }
}

/// A duration in minutes and seconds, as a manager reads it ("2 min 05 s", "2分05秒").
pub fn duration(l: Lang, ms: u64) -> String {
    let s = (ms + 500) / 1000;
    match l {
        Lang::ZhCn => format!("{}分{:02}秒", s / 60, s % 60),
        Lang::En => format!("{} min {:02} s", s / 60, s % 60),
    }
}

#[component]
pub fn FunnelPage(props: &FunnelProps) -> Html {
    let l = props.lang;
    let reply = use_state(|| None::<Result<Reply, String>>);
    {
        let reply = reply.clone();
        use_effect_with(
            (
                props.survey.clone(),
                props.dealer.clone(),
                props.range.clone(),
            ),
            move |(survey, dealer, range)| {
                let mut stop: Option<Box<dyn FnOnce()>> = None;
                if let Some((from, to)) = range.clone() {
                    let mut pairs = vec![
                        ("by", "channel".to_string()),
                        ("survey", survey.to_string()),
                        ("from", from),
                        ("to", to),
                    ];
                    if !dealer.is_empty() {
                        pairs.push(("dealer", dealer.clone()));
                    }
                    let url = format!("/v1/funnel?{}", api::query(&pairs));
                    reply.set(None);
                    let shown = reply.clone();
                    stop = Some(Box::new(api::spawn_current(
                        async move { api::get::<Value>(&url).await.map(|v| Reply::of(&v)) },
                        move |r| match r {
                            Ok(r) => shown.set(Some(Ok(r))),
                            Err(Failure::SignedOut) => api::sign_in(),
                            Err(e) => shown.set(Some(Err(e.line()))),
                        },
                    )));
                }
                move || {
                    if let Some(stop) = stop {
                        stop();
                    }
                }
            },
        );
    }
    let body = match &*reply {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(r)) if r.rows.is_empty() => html! { <p class="c-note">{ ft(l, F::NoVisits) }</p> },
        Some(Ok(r)) => {
            html! { { for r.rows.iter().enumerate().map(|(i, row)| channel(l, i, row)) } }
        }
    };
    html! {
        <section class="c-funnel" aria-labelledby="c-funnel-heading">
            <p class="c-sub" id="c-funnel-heading">{ ft(l, F::Intro) }</p>
            { body }
        </section>
    }
}

/// One channel: its figures, the chart and its table.
fn channel(l: Lang, i: usize, row: &Row) -> Html {
    let name = channel_name(l, row.channel.as_deref());
    let stages = row.stages(l);
    let counts: Vec<u64> = stages.iter().map(|(_, n)| *n).collect();
    let widths = chart::bar_widths(&counts, &FUNNEL);
    let f = FUNNEL;
    let height = f.top + stages.len() as f64 * (BAR + BAR_GAP);
    let share = |n: u64| {
        if row.opened > 0 {
            figures::percent(n as f64 / row.opened as f64)
        } else {
            "–".into()
        }
    };
    let rate = row
        .completion_rate
        .map(figures::percent)
        .unwrap_or_else(|| "–".into());
    let median = row
        .median_ms_to_complete
        .map(|ms| duration(l, ms))
        .unwrap_or_else(|| "–".into());
    let stopped_at = |p: u32| {
        row.stopped
            .iter()
            .find(|s| s.page == p)
            .map_or(0, |s| s.visits)
    };
    let (give_up, give_up_sub) = match row.give_up_page {
        Some(p) => (
            ft(l, F::PageN).replace("{n}", &p.to_string()),
            ft(l, F::StoppedThere).replace("{k}", &stopped_at(p).to_string()),
        ),
        None => (ft(l, F::GiveUpNone).to_string(), String::new()),
    };
    let title = format!("{} · {}", name, ft(l, F::ChartTitle));
    let desc = stages
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect::<Vec<_>>()
        .join(if l == Lang::ZhCn { "，" } else { ", " });
    let (tid, did, hid) = (
        format!("c-funnel-title-{i}"),
        format!("c-funnel-desc-{i}"),
        format!("c-funnel-h-{i}"),
    );
    html! {
        <section class="c-trend c-funnel-channel" aria-labelledby={hid.clone()} data-channel={row.channel.clone().unwrap_or_default()}>
            <h3 class="c-h3" id={hid}>{ name }</h3>
            <dl class="c-cards">
                <div class="c-card"><dt>{ ft(l, F::CompletionRate) }</dt>
                    <dd class="c-figure" data-figure="completion">{ rate }</dd>
                    <dd class="c-sub">{ format!("{} / {}", row.completed, row.opened) }</dd></div>
                <div class="c-card"><dt>{ ft(l, F::MedianTime) }</dt>
                    <dd class="c-figure" data-figure="median">{ median }</dd></div>
                <div class="c-card"><dt>{ ft(l, F::GiveUp) }</dt>
                    <dd class="c-figure" data-figure="give-up">{ give_up }</dd>
                    <dd class="c-sub">{ give_up_sub }</dd></div>
            </dl>
            <div class="c-trend-body">
                <svg class="c-chart" viewBox={format!("0 0 {} {height}", f.width)} role="img"
                    aria-labelledby={format!("{tid} {did}")}>
                    <title id={tid}>{ title }</title>
                    <desc id={did}>{ desc }</desc>
                    { for stages.iter().zip(&widths).enumerate().map(|(k, ((label, n), w))| {
                        let y = f.top + k as f64 * (BAR + BAR_GAP);
                        html! { <>
                            <text class="c-axis c-bar-label" x={(f.left - 8.0).to_string()} y={format!("{:.1}", y + BAR / 2.0 + 5.0)} text-anchor="end">{ label.clone() }</text>
                            <rect class="c-bar" x={f.left.to_string()} y={format!("{y:.1}")} width={format!("{w:.1}")} height={BAR.to_string()} rx="3" />
                            <text class="c-axis c-bar-value" x={format!("{:.1}", f.left + w + 6.0)} y={format!("{:.1}", y + BAR / 2.0 + 5.0)}>{ n }</text>
                        </> }
                    }) }
                </svg>
                <table class="c-table c-trend-table" data-table="funnel">
                    <caption>{ format!("{} · {}", name, ft(l, F::TableCaption)) }</caption>
                    <thead><tr>
                        <th scope="col">{ ft(l, F::Stage) }</th>
                        <th scope="col" class="c-num">{ ft(l, F::Visits) }</th>
                        <th scope="col" class="c-num">{ ft(l, F::ShareOfOpened) }</th>
                    </tr></thead>
                    <tbody>
                        { for stages.iter().map(|(s, n)| html! {
                            <tr><th scope="row">{ s.clone() }</th><td class="c-num">{ n }</td><td class="c-num">{ share(*n) }</td></tr>
                        }) }
                        <tr><th scope="row">{ ft(l, F::Abandoned) }</th><td class="c-num">{ row.abandoned }</td><td class="c-num">{ share(row.abandoned) }</td></tr>
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(duration(Lang::En, 90_000), "1 min 30 s");
        assert_eq!(duration(Lang::ZhCn, 125_400), "2分05秒");
        assert_eq!(duration(Lang::En, 499), "0 min 00 s");
    }
}
