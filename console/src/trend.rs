//! The 12-month trend of one survey's headline figure (CSI after a service visit, CSAT
//! after a call) for the chosen dealer: an SVG line with the CSI target, a title and a
//! description for screen readers, and the same numbers as a table (which is also what
//! a printed report keeps). The months come in one call (`/v1/breakdown?by=month`): the
//! database groups the year's rows by local month in one pass, with the same figures
//! as the summary of each month.

use crate::api::{self, Failure};
use crate::chart::{self, FRAME};
use crate::figures;
use crate::i18n::{t, Lang, T};
use crate::period::{self, Month};
use serde::Deserialize;
use survey_core::scoring::aggregate::{MeanSummary, ProportionSummary};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TrendProps {
    pub lang: Lang,
    pub survey: AttrValue,
    pub dealer: String,
    /// The CSI goal drawn as a line (the summary's `csi_target`).
    pub target: f64,
}

/// One month's point: the figure (0–100) and how many responses it is over.
#[derive(Debug, Clone, PartialEq)]
struct Point {
    month: Month,
    value: Option<f64>,
    n: u32,
}

/// `GET /v1/breakdown?by=month`: every month of the range, oldest first.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct MonthsReply {
    rows: Vec<MonthRow>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct MonthRow {
    responses: u32,
    csi: MeanSummary,
    csat: Option<ProportionSummary>,
}

/// The headline figure of a month, 0–100: CSI, or the CSAT share for the post-call survey.
fn headline(survey: &str, row: &MonthRow) -> Option<f64> {
    if survey == "post-call" {
        row.csat.as_ref().map(|c| c.share * 100.0)
    } else {
        row.csi.mean
    }
}

#[component]
pub fn Trend(props: &TrendProps) -> Html {
    let l = props.lang;
    let points = use_state(|| None::<Result<Vec<Point>, String>>);
    {
        let points = points.clone();
        use_effect_with(
            (props.survey.clone(), props.dealer.clone()),
            move |(survey, dealer)| {
                let (survey, dealer) = (survey.clone(), dealer.clone());
                points.set(None);
                let shown = points.clone();
                api::spawn_current(
                    async move {
                        let months = period::last_months(api::today(), 12);
                        let (Some(first), Some(last)) = (months.first(), months.last()) else {
                            return Ok(Vec::new());
                        };
                        let mut pairs = vec![
                            ("by", "month".to_string()),
                            ("survey", survey.to_string()),
                            ("from", first.first.to_string()),
                            ("to", last.last.to_string()),
                        ];
                        if !dealer.is_empty() {
                            pairs.push(("dealer", dealer.clone()));
                        }
                        let url = format!("/v1/breakdown?{}", api::query(&pairs));
                        let r = api::get::<MonthsReply>(&url).await?;
                        // The collector lists every month of the range, in order.
                        let out: Vec<Point> = months
                            .into_iter()
                            .zip(&r.rows)
                            .map(|(month, row)| Point {
                                month,
                                value: headline(&survey, row),
                                n: row.responses,
                            })
                            .collect();
                        Ok(out)
                    },
                    move |result: Result<Vec<Point>, Failure>| match result {
                        Ok(out) => shown.set(Some(Ok(out))),
                        Err(Failure::SignedOut) => api::sign_in(),
                        Err(e) => shown.set(Some(Err(e.line()))),
                    },
                )
            },
        );
    }

    let what = if props.survey == "post-call" {
        T::Csat
    } else {
        T::Csi
    };
    let title = format!("{} · {}", t(l, what), t(l, T::Trend12));
    let data = match &*points {
        None => return html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            return html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(p)) => p,
    };
    let values: Vec<Option<f64>> = data.iter().map(|p| p.value).collect();
    let (lo, hi) = (0.0, 100.0);
    let runs = chart::runs(&values, lo, hi, &FRAME);
    let desc = describe(l, data);
    let f = FRAME;
    let target_y = f.y(props.target, lo, hi);
    html! {
        <section class="c-trend" aria-labelledby="c-trend-title">
            <h3 class="c-h3" id="c-trend-title">{ title.clone() }</h3>
            <div class="c-trend-body">
                <svg class="c-chart" viewBox={format!("0 0 {} {}", f.width, f.height)} role="img"
                    aria-labelledby="c-chart-title c-chart-desc">
                    <title id="c-chart-title">{ title }</title>
                    <desc id="c-chart-desc">{ desc }</desc>
                    { for chart::ticks(lo, hi, 25.0).into_iter().map(|v| {
                        let y = f.y(v, lo, hi);
                        html! { <>
                            <line class="c-grid" x1={f.left.to_string()} x2={(f.width - f.right).to_string()}
                                y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                            <text class="c-axis" x={(f.left - 6.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="end">{ v }</text>
                        </> }
                    }) }
                    if props.survey != "post-call" {
                        <line class="c-target" x1={f.left.to_string()} x2={(f.width - f.right).to_string()}
                            y1={format!("{target_y:.1}")} y2={format!("{target_y:.1}")} />
                        <text class="c-target-label" x={(f.width - f.right).to_string()} y={format!("{:.1}", target_y - 5.0)} text-anchor="end">
                            { format!("{} {}", t(l, T::Target), figures::one_decimal(props.target)) }
                        </text>
                    }
                    { for runs.iter().map(|run| html! {
                        <polyline class="c-line" points={chart::points(run)} />
                    }) }
                    { for runs.iter().flatten().map(|(x, y)| html! {
                        <circle class="c-dot" cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="4" />
                    }) }
                    { for data.iter().enumerate().map(|(i, p)| html! {
                        <text class="c-axis" x={format!("{:.1}", f.x(i, data.len()))} y={(f.height - 8.0).to_string()} text-anchor="middle">
                            { format!("{:02}", p.month.first.month) }
                        </text>
                    }) }
                </svg>
                <table class="c-table c-trend-table" data-table="trend">
                    <caption>{ t(l, T::TrendTable) }</caption>
                    <thead><tr>
                        <th scope="col">{ t(l, T::Month) }</th>
                        <th scope="col" class="c-num">{ t(l, what) }</th>
                        <th scope="col" class="c-num">{ "n" }</th>
                    </tr></thead>
                    <tbody>
                        { for data.iter().map(|p| html! {
                            <tr>
                                <th scope="row">{ p.month.label() }</th>
                                <td class="c-num">{ p.value.map(figures::one_decimal).unwrap_or_else(|| "–".into()) }</td>
                                <td class="c-num">{ p.n }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The chart in one sentence: first and last month with data, lowest and highest.
fn describe(l: Lang, data: &[Point]) -> String {
    let with: Vec<&Point> = data.iter().filter(|p| p.value.is_some()).collect();
    let (Some(first), Some(last)) = (with.first(), with.last()) else {
        return t(l, T::NoData).to_string();
    };
    let v = |p: &Point| p.value.map(figures::one_decimal).unwrap_or_default();
    let low = with.iter().min_by(|a, b| {
        a.value
            .partial_cmp(&b.value)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let high = with.iter().max_by(|a, b| {
        a.value
            .partial_cmp(&b.value)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    match (l, low, high) {
        (Lang::ZhCn, Some(lo), Some(hi)) => format!(
            "{} 为 {}，{} 为 {}；最低 {}（{}），最高 {}（{}）。",
            first.month.label(),
            v(first),
            last.month.label(),
            v(last),
            v(lo),
            lo.month.label(),
            v(hi),
            hi.month.label()
        ),
        (_, Some(lo), Some(hi)) => format!(
            "{} in {}, {} in {}; lowest {} ({}), highest {} ({}).",
            v(first),
            first.month.label(),
            v(last),
            last.month.label(),
            v(lo),
            lo.month.label(),
            v(hi),
            hi.month.label()
        ),
        _ => t(l, T::NoData).to_string(),
    }
}
