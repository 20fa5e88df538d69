//! The advisors' table (post-service) or the call agents' (post-call), and the
//! stations' (lounge kiosks, websites: responses without a station are not a row of
//! it, and it is left out when there is none): one row each,
//! from `/v1/breakdown`, ranked by shrunken CSI (the collector's, from core's ranking);
//! rows with too few responses are shown with their figures, marked "not comparable"
//! and left unranked. Every column sorts, by mouse or keyboard (a button in each
//! header, `aria-sort` on the sorted one).
//!
//! With `by="channel"`, the same table by `context.channel`: phone interviews (the
//! console's, `channel: phone`) against the self-completed responses (a link's `qr`,
//! `sms`, … or none), so a dealer sees whether customers score differently when an
//! agent asks them. One table for both keeps one deserialiser in the console's wasm.

use crate::api::{self, Failure};
use crate::figures;
use crate::i18n::{t, Lang, T};
use crate::sorting::{self, Direction};
use serde::Deserialize;
use survey_core::scoring::aggregate::{MeanSummary, NpsSummary};
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Reply {
    rows: Vec<Row>,
    ranking: Ranking,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Ranking {
    k: f64,
    min_comparable: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Row {
    #[serde(
        alias = "advisor",
        alias = "agent",
        alias = "station",
        alias = "channel"
    )]
    who: Option<String>,
    responses: u64,
    csi: MeanSummary,
    csi_shrunk: Option<f64>,
    comparable: bool,
    rank: Option<u32>,
    nps: Option<NpsSummary>,
    responses_with_alerts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Rank,
    Responses,
    Csi,
    Shrunk,
    Nps,
    Alerts,
}

impl Column {
    fn key(self, r: &Row) -> Option<f64> {
        match self {
            // Rank 1 is best: sort by it ascending means "best first".
            Column::Rank => r.rank.map(f64::from),
            Column::Responses => Some(r.responses as f64),
            Column::Csi => r.csi.mean,
            Column::Shrunk => r.csi_shrunk,
            Column::Nps => r.nps.as_ref().map(|n| n.nps),
            Column::Alerts => Some(f64::from(r.responses_with_alerts)),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PeopleProps {
    pub lang: Lang,
    pub survey: AttrValue,
    pub dealer: String,
    /// The period's first and last day (`YYYY-MM-DD`), or `None` while it is invalid.
    pub range: Option<(String, String)>,
    /// `advisor`, `agent`, `station` or `channel` (phone interviews against
    /// self-completed): what a row is.
    pub by: &'static str,
    /// Opens the response list of one row: (`by`, its name).
    pub on_drill: Callback<(&'static str, String)>,
}

#[component]
pub fn People(props: &PeopleProps) -> Html {
    let l = props.lang;
    let by = props.by;
    let data = use_state(|| None::<Result<Reply, String>>);
    let sort = use_state(|| (Column::Rank, Direction::Ascending));
    {
        let data = data.clone();
        use_effect_with(
            (
                props.survey.clone(),
                props.dealer.clone(),
                props.range.clone(),
            ),
            move |(survey, dealer, range)| {
                let mut cleanup: Option<Box<dyn FnOnce()>> = None;
                if let Some(table) =
                    crate::responses::page_query(survey, dealer, range.as_ref(), None)
                {
                    let mut pairs = vec![("by", by.to_string())];
                    pairs.extend(table);
                    let url = format!("/v1/breakdown?{}", api::query(&pairs));
                    data.set(None);
                    let shown = data.clone();
                    cleanup = Some(Box::new(api::spawn_current(
                        async move { api::get::<Reply>(&url).await },
                        move |reply| match reply {
                            Ok(r) => shown.set(Some(Ok(r))),
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
            },
        );
    }
    let title = match (by, l) {
        ("channel", Lang::ZhCn) => "电话访问与自助填写",
        ("channel", Lang::En) => "Phone interviews and self-completed",
        ("agent", _) => t(l, T::Agents),
        ("station", _) => t(l, T::Stations),
        _ => t(l, T::Advisors),
    };
    let reply = match &*data {
        None => return html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            return html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(r)) => r,
    };
    // A station table lists stations: the rest of the responses came without one.
    let rows: Vec<&Row> = reply
        .rows
        .iter()
        .filter(|r| by != "station" || r.who.is_some())
        .collect();
    if by == "station" && rows.is_empty() {
        return Html::default();
    }
    let id = format!("c-people-title-{by}");
    let (column, direction) = *sort;
    let keys: Vec<Option<f64>> = rows.iter().map(|r| column.key(r)).collect();
    let order = sorting::order(&keys, direction);
    let header = |c: Column, label: T| {
        let sort = sort.clone();
        let on = Callback::from(move |_: MouseEvent| {
            let (current, dir) = *sort;
            // A new column starts best-first (rank ascending, figures descending).
            let fresh = if c == Column::Rank {
                Direction::Ascending
            } else {
                Direction::Descending
            };
            sort.set((c, if current == c { dir.flipped() } else { fresh }));
        });
        let aria = (column == c).then(|| direction.aria());
        html! {
            <th scope="col" class="c-num" aria-sort={aria}>
                <button type="button" class="c-sort" onclick={on}>{ t(l, label) }</button>
            </th>
        }
    };
    html! {
        <section class="c-people" aria-labelledby={id.clone()}>
            <h3 class="c-h3" id={id}>{ title }</h3>
            if by != "channel" {
            <p class="c-note">{
                match l {
                    Lang::ZhCn => format!("排名按收缩后的 CSI：每人的平均分与全体平均按 {} 份虚拟回答加权，少于 {} 份回答的不参与排名。",
                        reply.ranking.k, reply.ranking.min_comparable),
                    Lang::En => format!("Ranked by shrunken CSI: each mean is blended with everyone's by {} pseudo-responses; rows with fewer than {} responses are not ranked.",
                        reply.ranking.k, reply.ranking.min_comparable),
                }
            }</p>
            }
            <table class="c-table c-people-table" data-table={match by { "station" => "stations", "channel" => "channels", _ => "people" }}>
                <thead><tr>
                    { header(Column::Rank, T::Rank) }
                    <th scope="col">{ match (by, l) {
                        ("channel", Lang::ZhCn) => "渠道",
                        ("channel", Lang::En) => "Channel",
                        _ => title,
                    } }</th>
                    { header(Column::Responses, T::Responses) }
                    { header(Column::Csi, T::Csi) }
                    { header(Column::Shrunk, T::CsiShrunk) }
                    { header(Column::Nps, T::Nps) }
                    { header(Column::Alerts, T::Alerts) }
                </tr></thead>
                <tbody>
                    { for order.iter().map(|&i| {
                        let r = rows[i];
                        let name = match (by, r.who.as_deref(), l) {
                            ("channel", Some("phone"), Lang::ZhCn) => "电话访问".to_string(),
                            ("channel", Some("phone"), Lang::En) => "Phone interview".to_string(),
                            ("channel", c, Lang::ZhCn) => format!("自助填写 {}", c.unwrap_or_default()),
                            ("channel", c, Lang::En) => format!("Self-completed {}", c.unwrap_or_default()),
                            (_, w, _) => w.map(str::to_string).unwrap_or_else(|| t(l, T::NoName).to_string()),
                        };
                        html! {
                            <tr class={classes!((!r.comparable).then_some("c-not-comparable"))}>
                                <td class="c-num">{ r.rank.map(|x| x.to_string()).unwrap_or_else(|| "–".into()) }</td>
                                <th scope="row">
                                    { name.clone() }
                                    if by == "channel" {
                                    } else if r.who.is_none() {
                                        <span class="c-badge">{ t(l, T::NotRanked) }</span>
                                    } else if !r.comparable {
                                        <span class="c-badge">{ t(l, T::NotComparable) }</span>
                                    }
                                    if let Some(who) = r.who.clone().filter(|_| by != "channel") {
                                        <button type="button" class="c-link-btn" data-drill={who.clone()}
                                            aria-label={match l { Lang::ZhCn => format!("查看回答（{name}）"), Lang::En => format!("Responses of {name}") }}
                                            onclick={let cb = props.on_drill.clone(); Callback::from(move |_: MouseEvent| cb.emit((by, who.clone())))}>
                                            { t(l, T::DrillTo) }
                                        </button>
                                    }
                                </th>
                                <td class="c-num">{ r.responses }</td>
                                <td class="c-num">{ r.csi.mean.map(figures::one_decimal).unwrap_or_else(|| "–".into()) }</td>
                                <td class="c-num">{ r.csi_shrunk.map(figures::one_decimal).unwrap_or_else(|| "–".into()) }</td>
                                <td class="c-num">{
                                    r.nps.as_ref().map(|n| format!("{} ({}–{})", figures::one_decimal(n.nps),
                                        figures::one_decimal(n.low), figures::one_decimal(n.high))).unwrap_or_else(|| "–".into())
                                }</td>
                                <td class="c-num">{ r.responses_with_alerts }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            // The advisors' (or agents') table comes as the Excel file's second sheet,
            // beside the responses of exactly this survey, dealer and period.
            if matches!(by, "advisor" | "agent") {
                <crate::download::Downloads lang={l} name={by}
                    query={crate::responses::page_query(&props.survey, &props.dealer, props.range.as_ref(), None)} />
            }
        </section>
    }
}
