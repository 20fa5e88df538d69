//! The monthly VOC report, laid out for print: A4, the survey, dealer and month in a
//! running head on every printed page (a table header, which Chromium repeats on each
//! page), bar charts as SVG with a title, a description and their data tables, and the
//! comments behind each bar. Three months side by side: the report's month and the two
//! before it. The tallies are the database's (`GET /v1/voc`, one call for the three
//! months, in the dealer's calendar) over the verified responses (the responses a
//! dealer is judged by, as in the summary).

use crate::api::{self, Failure};
use crate::chart;
use crate::i18n::{alert, t, Lang, T};
use crate::responses;
use crate::voc::{self, Key, Report, Row};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Rows drawn in a chart; the table lists them all.
const CHART_ROWS: usize = 8;
/// Rows whose comments are quoted (the largest of the report's month).
const QUOTED_ROWS: usize = 5;
/// Comments kept behind each row of the report's month.
const COMMENTS: usize = 3;

#[derive(Properties, PartialEq)]
pub struct ReportProps {
    pub lang: Lang,
    pub survey: AttrValue,
    pub dealer: String,
}

#[derive(Debug, Clone, PartialEq)]
struct Loaded {
    months: Vec<String>,
    report: Report,
    /// A dealer's own questionnaire (not compiled in): its newest published version,
    /// for the items' wording.
    own: Option<responses::Questionnaire>,
}

#[component]
pub fn VocReport(props: &ReportProps) -> Html {
    let l = props.lang;
    let today = api::today();
    // The last complete month, unless chosen otherwise.
    let month = use_state(|| {
        let last = today.month_start(-1);
        (last.year, last.month)
    });
    let data = use_state(|| None::<Result<Loaded, String>>);
    // Which request is current: an answer to an earlier choice (another dealer, another
    // month) that arrives late is dropped, not shown under the new heading.
    let generation = use_mut_ref(|| 0u64);
    {
        let data = data.clone();
        use_effect_with(
            (props.survey.clone(), props.dealer.clone(), *month),
            move |(survey, dealer, (y, m))| {
                *generation.borrow_mut() += 1;
                let mine = *generation.borrow();
                let current = move || *generation.borrow() == mine;
                let months = voc::months(*y, *m, 3);
                let survey = survey.to_string();
                let dealer = dealer.clone();
                data.set(None);
                wasm_bindgen_futures::spawn_local(async move {
                    let (Some(first), Some(last)) = (months.first(), months.last()) else {
                        return;
                    };
                    let mut pairs = vec![
                        ("survey", survey.clone()),
                        ("from", first.1.clone()),
                        ("to", last.2.clone()),
                        ("verified", "yes".to_string()),
                    ];
                    if !dealer.is_empty() {
                        pairs.push(("dealer", dealer.clone()));
                    }
                    let url = format!("/v1/voc?{}", api::query(&pairs));
                    let got = api::get::<voc::Reply>(&url).await;
                    if !current() {
                        return;
                    }
                    let reply = match got {
                        Ok(r) => r,
                        Err(Failure::SignedOut) => return api::sign_in(),
                        Err(e) => return data.set(Some(Err(e.line()))),
                    };
                    let own = if responses::definition(&survey).is_none() {
                        let path = format!("/v1/surveys/{}", api::path_segment(&survey));
                        api::get::<responses::Questionnaire>(&path).await.ok()
                    } else {
                        None
                    };
                    if !current() {
                        return;
                    }
                    data.set(Some(Ok(Loaded {
                        months: reply.months.clone(),
                        report: reply.report(COMMENTS),
                        own,
                    })));
                });
            },
        );
    }
    let on_month = {
        let month = month.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                let v = s.value();
                let y = v.get(..4).and_then(|y| y.parse().ok());
                let m = v.get(5..7).and_then(|m| m.parse().ok());
                if let (Some(y), Some(m)) = (y, m) {
                    month.set((y, m));
                }
            }
        })
    };
    let choices = voc::months(today.year, today.month, 12);
    let (y, m) = *month;
    let chosen = format!("{y:04}-{m:02}");
    let dealer = if props.dealer.is_empty() {
        t(l, T::AllDealers).to_string()
    } else {
        props.dealer.clone()
    };
    let survey = crate::app::survey_name(l, &props.survey);
    let running = match l {
        Lang::ZhCn => format!("VOC 月报 · {survey} · 经销商：{dealer} · {chosen}"),
        Lang::En => format!("VOC monthly report · {survey} · Dealer: {dealer} · {chosen}"),
    };
    let body = match &*data {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(loaded)) => body(l, &props.survey, loaded),
    };
    html! {
        <article class="c-report" aria-label={running.clone()}>
            <div class="c-report-controls">
                <div class="c-field">
                    <label for="c-month">{ t(l, T::ReportMonth) }</label>
                    <select id="c-month" onchange={on_month}>
                        { for choices.iter().rev().map(|(label, _, _)| html! {
                            <option value={label.clone()} selected={*label == chosen}>{ label.clone() }</option>
                        }) }
                    </select>
                </div>
                <button type="button" class="c-btn c-primary" onclick={Callback::from(|_: MouseEvent| api::print())}>{ t(l, T::Print) }</button>
            </div>
            <table class="c-print-frame" role="presentation">
                <thead><tr><td><div class="c-running" data-running="">{ running }</div></td></tr></thead>
                <tbody><tr><td>{ body }</td></tr></tbody>
            </table>
        </article>
    }
}

fn body(l: Lang, survey: &str, loaded: &Loaded) -> Html {
    let def = responses::definition(survey).or_else(|| loaded.own.clone());
    let label = |row: &Row| -> String {
        match &row.key {
            Key::Alert(rule) => alert(l, *rule).to_string(),
            key => voc::label(def.as_ref(), key, l).unwrap_or_default(),
        }
    };
    let months = &loaded.months;
    let r = &loaded.report;
    let offset = api::offset_minutes();
    let counts = months
        .iter()
        .zip(&r.responses)
        .map(|(m, n)| format!("{m}: {n}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let intro = match l {
        Lang::ZhCn => format!("已验证回答数（签名链接）：{counts}。每个项目按报告月份的次数排序，与上月比较。"),
        Lang::En => format!("Verified responses (signed links): {counts}. Each list is ordered by the report month's count and compared with the month before."),
    };
    let section = |id: &str, title: T, rows: &[Row], comments: bool| -> Html {
        html! {
            <section class="c-voc" aria-labelledby={format!("c-voc-{id}")} data-voc={id.to_string()}>
                <h3 class="c-h3" id={format!("c-voc-{id}")}>{ t(l, title) }</h3>
                if rows.is_empty() {
                    <p>{ t(l, T::NoData) }</p>
                } else {
                    { chart(l, id, t(l, title), months, rows, &label) }
                    { table(l, id, months, rows, &label) }
                    if comments {
                        <h4 class="c-h4">{ t(l, T::Behind) }</h4>
                        { for rows.iter().take(QUOTED_ROWS).filter(|r| r.counts.last().copied().unwrap_or(0) > 0).map(|row| html! {
                            <div class="c-behind">
                                <h5 class="c-h5">{ format!("{} ({})", label(row), row.counts.last().copied().unwrap_or(0)) }</h5>
                                if row.comments.is_empty() {
                                    <p class="c-sub">{ t(l, T::NoComments) }</p>
                                } else {
                                    <ul class="c-quotes">
                                        { for row.comments.iter().map(|c| html! {
                                            <li>
                                                <span class="c-sub">{ format!("{} · {}", responses::local_time(&c.created_at, offset).get(..10).unwrap_or(&c.created_at),
                                                    c.advisor.clone().unwrap_or_else(|| "–".into())) }</span>
                                                <q>{ c.text.clone() }</q>
                                            </li>
                                        }) }
                                    </ul>
                                }
                            </div>
                        }) }
                    }
                }
            </section>
        }
    };
    html! {
        <div class="c-report-body">
            <p class="c-note">{ intro }</p>
            { section("reasons", T::Reasons, &r.reasons, true) }
            { section("low", T::LowItems, &r.low, true) }
            { section("alerts", T::FollowUps, &r.alerts, false) }
        </div>
    }
}

/// A grouped horizontal bar chart: the month before (grey) and the report's month
/// (blue) for each of the first rows.
fn chart(
    l: Lang,
    id: &str,
    title: &str,
    months: &[String],
    rows: &[Row],
    label: &dyn Fn(&Row) -> String,
) -> Html {
    const W: f64 = 720.0;
    const LEFT: f64 = 280.0;
    const ROW: f64 = 34.0;
    const TOP: f64 = 30.0;
    // The labels' room left of the bars, in ems of their 13 px (`.c-bar-label`).
    const LABEL_EM: f64 = (LEFT - 8.0) / 13.0;
    let shown: Vec<&Row> = rows.iter().take(CHART_ROWS).collect();
    let n = months.len();
    let max = shown
        .iter()
        .flat_map(|r| r.counts.iter().copied())
        .max()
        .unwrap_or(0);
    let height = TOP + ROW * shown.len() as f64 + 8.0;
    let full = W - LEFT - 50.0;
    let (prev_label, this_label) = (
        months.get(n.wrapping_sub(2)).cloned().unwrap_or_default(),
        months.last().cloned().unwrap_or_default(),
    );
    let desc = shown
        .iter()
        .map(|r| {
            let c = &r.counts;
            format!(
                "{}: {} {}, {} {}",
                label(r),
                prev_label,
                c.get(n.wrapping_sub(2)).copied().unwrap_or(0),
                this_label,
                c.last().copied().unwrap_or(0)
            )
        })
        .collect::<Vec<_>>()
        .join(if l == Lang::ZhCn { "；" } else { "; " });
    let title_id = format!("c-chart-{id}-title");
    let desc_id = format!("c-chart-{id}-desc");
    html! {
        <svg class="c-bars" viewBox={format!("0 0 {W} {height}")} role="img"
            aria-labelledby={format!("{title_id} {desc_id}")} data-chart={id.to_string()}>
            <title id={title_id}>{ format!("{title} · {prev_label} / {this_label}") }</title>
            <desc id={desc_id}>{ desc }</desc>
            <rect x={LEFT.to_string()} y="6" width="12" height="12" class="c-bar-prev" />
            <text x={(LEFT + 18.0).to_string()} y="16" class="c-axis">{ prev_label.clone() }</text>
            <rect x={(LEFT + 110.0).to_string()} y="6" width="12" height="12" class="c-bar-this" />
            <text x={(LEFT + 128.0).to_string()} y="16" class="c-axis">{ this_label.clone() }</text>
            { for shown.iter().enumerate().map(|(i, r)| {
                let y = TOP + ROW * i as f64;
                let prev = r.counts.get(n.wrapping_sub(2)).copied().unwrap_or(0);
                let this = r.counts.last().copied().unwrap_or(0);
                let (wp, wt) = (voc::bar(prev, max, full), voc::bar(this, max, full));
                html! {
                    <g>
                        <text x={(LEFT - 8.0).to_string()} y={(y + 18.0).to_string()} text-anchor="end" class="c-bar-label">
                            { chart::fit_label(&label(r), LABEL_EM) }
                        </text>
                        <rect x={LEFT.to_string()} y={(y + 2.0).to_string()} width={wp.to_string()} height="11" class="c-bar-prev" />
                        <text x={(LEFT + wp + 4.0).to_string()} y={(y + 12.0).to_string()} class="c-axis">{ prev }</text>
                        <rect x={LEFT.to_string()} y={(y + 15.0).to_string()} width={wt.to_string()} height="14" class="c-bar-this" />
                        <text x={(LEFT + wt + 4.0).to_string()} y={(y + 27.0).to_string()} class="c-bar-value">{ this }</text>
                    </g>
                }
            }) }
        </svg>
    }
}

fn table(
    l: Lang,
    id: &str,
    months: &[String],
    rows: &[Row],
    label: &dyn Fn(&Row) -> String,
) -> Html {
    html! {
        <table class="c-table c-voc-table" data-table={format!("voc-{id}")}>
            <thead><tr>
                <th scope="col">{ t(l, T::Item) }</th>
                { for months.iter().map(|m| html! { <th scope="col" class="c-num">{ m.clone() }</th> }) }
                <th scope="col" class="c-num">{ t(l, T::Change) }</th>
            </tr></thead>
            <tbody>
                { for rows.iter().map(|r| {
                    let change = r.change();
                    html! {
                        <tr>
                            <th scope="row">{ label(r) }</th>
                            { for r.counts.iter().map(|c| html! { <td class="c-num">{ *c }</td> }) }
                            <td class="c-num">{ if change > 0 { format!("+{change}") } else { change.to_string() } }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
