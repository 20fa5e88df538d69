//! Phone interviews against self-completed responses, on the overview: one row per
//! `context.channel` from `/v1/breakdown?by=channel` (the same filter as the rest of
//! the page), so a dealer sees whether customers score differently when an agent asks
//! them (`phone`, the console's interviews) than when they answer alone (a link's
//! `qr`, `sms`, … or none).

use crate::api::{self, Failure};
use crate::figures;
use crate::i18n::{t, Lang, T};
use serde::Deserialize;
use survey_core::scoring::aggregate::{MeanSummary, NpsSummary};
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Reply {
    rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Row {
    channel: Option<String>,
    responses: u64,
    csi: MeanSummary,
    nps: Option<NpsSummary>,
}

#[derive(Properties, PartialEq)]
pub struct ChannelsProps {
    pub lang: Lang,
    pub survey: &'static str,
    pub dealer: String,
    /// The period's first and last day, or `None` while it is invalid.
    pub range: Option<(String, String)>,
}

/// What a channel is called: the phone, or self-completed (with the link's channel).
fn name(l: Lang, channel: Option<&str>) -> String {
    match (l, channel) {
        (Lang::ZhCn, Some("phone")) => "电话访问".into(),
        (Lang::En, Some("phone")) => "Phone interview".into(),
        (Lang::ZhCn, Some(c)) => format!("自助填写（{c}）"),
        (Lang::En, Some(c)) => format!("Self-completed ({c})"),
        (Lang::ZhCn, None) => "自助填写".into(),
        (Lang::En, None) => "Self-completed".into(),
    }
}

#[component]
pub fn Channels(props: &ChannelsProps) -> Html {
    let l = props.lang;
    let data = use_state(|| None::<Result<Reply, String>>);
    {
        let data = data.clone();
        use_effect_with(
            (props.survey, props.dealer.clone(), props.range.clone()),
            move |(survey, dealer, range)| {
                let mut cleanup: Option<Box<dyn FnOnce()>> = None;
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
                    let url = format!("/v1/breakdown?{}", api::query(&pairs));
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
    let title = match l {
        Lang::ZhCn => "电话访问与自助填写",
        Lang::En => "Phone interviews and self-completed",
    };
    let body = match &*data {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(r)) => html! {
            <table class="c-table" data-table="channels">
                <thead><tr>
                    <th scope="col">{ match l { Lang::ZhCn => "渠道", Lang::En => "Channel" } }</th>
                    <th scope="col" class="c-num">{ t(l, T::Responses) }</th>
                    <th scope="col" class="c-num">{ t(l, T::Csi) }</th>
                    <th scope="col" class="c-num">{ t(l, T::Nps) }</th>
                </tr></thead>
                <tbody>
                    { for r.rows.iter().map(|row| html! {
                        <tr data-channel={row.channel.clone().unwrap_or_default()}>
                            <th scope="row">{ name(l, row.channel.as_deref()) }</th>
                            <td class="c-num">{ row.responses }</td>
                            <td class="c-num">{ row.csi.mean.map(figures::one_decimal).unwrap_or_else(|| "–".into()) }</td>
                            <td class="c-num">{ row.nps.as_ref().map(|n| figures::one_decimal(n.nps)).unwrap_or_else(|| "–".into()) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        },
    };
    html! {
        <section class="c-channels" aria-labelledby="c-channels-title">
            <h3 class="c-h3" id="c-channels-title">{ title }</h3>
            { body }
        </section>
    }
}
