//! The overview of one survey over one period: responses, CSI against its target, NPS
//! and the proportions with their 95% intervals, the SERVQUAL dimensions with the
//! weakest called out, and which alerts fired. Every figure comes from the collector's
//! summary (the server's own score cards); nothing is recomputed here.

use crate::app::SummaryReply;
use crate::figures::{self, Target, MIN_N};
use crate::i18n::{self, t, Lang, T};
use survey_core::scoring::aggregate::ProportionSummary;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OverviewProps {
    pub lang: Lang,
    pub reply: SummaryReply,
    /// More cards after the summary's own (the response rate, fetched apart).
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn Overview(props: &OverviewProps) -> Html {
    let l = props.lang;
    let s = &props.reply.summary;
    let unverified = props.reply.unverified.responses;
    let goal = props.reply.csi_goal();
    let target = figures::csi_target(s, goal);
    let csi_value = s.csi.mean.map(figures::one_decimal);
    let weakest = figures::weakest(&s.dimensions);

    html! {
        <section class="c-overview" aria-live="polite">
            if s.n > 0 && s.n < MIN_N {
                <p class="c-note">{ t(l, T::FewResponses) }</p>
            }
            <dl class="c-cards">
                <div class="c-card" data-figure="responses">
                    <dt>{ t(l, T::Responses) }</dt>
                    <dd class="c-figure">{ s.n }</dd>
                </div>
                { props.children.clone() }
                <div class={classes!("c-card", match target { Target::Met => "c-met", Target::Missed { .. } => "c-missed", Target::Unknown => "" })} data-figure="csi" data-target={goal.to_string()}>
                    <dt>{ t(l, T::Csi) }</dt>
                    <dd class="c-figure">{ csi_value.clone().unwrap_or_else(|| "–".into()) }</dd>
                    <dd class="c-sub">
                        { format!("{} {}", t(l, T::Target), figures::one_decimal(goal)) }
                        { " · " }
                        {
                            match target {
                                Target::Met => t(l, T::TargetMet).to_string(),
                                Target::Missed { by } => format!("{} {}", t(l, T::TargetMissedBy), figures::one_decimal(by)),
                                Target::Unknown => t(l, T::NoData).to_string(),
                            }
                        }
                    </dd>
                </div>
                {
                    match &s.nps {
                        Some(n) => html! {
                            <div class="c-card" data-figure="nps">
                                <dt>{ t(l, T::Nps) }</dt>
                                <dd class="c-figure">{ figures::one_decimal(n.nps) }</dd>
                                <dd class="c-sub">{ format!("{} {} – {}", t(l, T::Interval95), figures::one_decimal(n.low), figures::one_decimal(n.high)) }</dd>
                                <dd class="c-sub">{ format!("{} {} · {} {} · {} {}",
                                    t(l, T::Promoters), n.promoters, t(l, T::Passives), n.passives, t(l, T::Detractors), n.detractors) }</dd>
                            </div>
                        },
                        None => html! {},
                    }
                }
                { fixed_first_time(l, props.reply.fixed_first_time.as_ref()) }
                { proportion(l, T::Csat, "csat", s.csat.as_ref()) }
                { proportion(l, T::Fcr, "fcr", s.fcr.as_ref()) }
            </dl>

            if s.dimensions.iter().any(|d| d.mean.is_some()) {
                <table class="c-table" data-table="dimensions">
                    <caption>
                        { t(l, T::Dimensions) }
                        if let Some(w) = weakest {
                            { format!(" · {}: {}", t(l, T::Weakest), i18n::dimension(l, w)) }
                        }
                    </caption>
                    <thead><tr>
                        <th scope="col">{ t(l, T::Dimension) }</th>
                        <th scope="col" class="c-num">{ t(l, T::Mean) }</th>
                        <th scope="col" class="c-num">{ "n" }</th>
                    </tr></thead>
                    <tbody>
                        { for s.dimensions.iter().map(|d| html! {
                            <tr class={classes!((Some(d.dimension) == weakest).then_some("c-weakest"))}>
                                <th scope="row">{ i18n::dimension(l, d.dimension) }</th>
                                <td class="c-num">{ d.mean.map(figures::one_decimal).unwrap_or_else(|| "–".into()) }</td>
                                <td class="c-num">{ d.n }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }

            if !s.alerts.is_empty() {
                <table class="c-table" data-table="alerts">
                    <caption>{ t(l, T::Alerts) }</caption>
                    <thead><tr>
                        <th scope="col">{ t(l, T::Rule) }</th>
                        <th scope="col" class="c-num">{ t(l, T::AlertResponses) }</th>
                    </tr></thead>
                    <tbody>
                        { for s.alerts.iter().map(|a| html! {
                            <tr>
                                <th scope="row">{ i18n::alert(l, a.rule) }</th>
                                <td class="c-num">{ a.responses }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }

            if unverified > 0 {
                <p class="c-note" data-figure="unverified">
                    {
                        match l {
                            Lang::ZhCn => format!("{}：{unverified} 份。{}", t(l, T::Unverified), t(l, T::UnverifiedNote)),
                            Lang::En => format!("{}: {unverified}. {}", t(l, T::Unverified), t(l, T::UnverifiedNote)),
                        }
                    }
                </p>
            }
        </section>
    }
}

fn proportion(l: Lang, name: T, key: &'static str, p: Option<&ProportionSummary>) -> Html {
    match p {
        Some(p) => html! {
            <div class="c-card" data-figure={key}>
                <dt>{ t(l, name) }</dt>
                <dd class="c-figure">{ figures::percent(p.share) }</dd>
                <dd class="c-sub">{ format!("{} {} – {} · n {}", t(l, T::Interval95),
                    figures::percent(p.low), figures::percent(p.high), p.n) }</dd>
            </div>
        },
        None => html! {},
    }
}

/// Fixed right the first time beside its target, with its interval and n as the other
/// rates; a rate of fewer than [`MIN_N`] answers is marked as too few to judge.
fn fixed_first_time(l: Lang, f: Option<&figures::FixedFirstTime>) -> Html {
    let Some(f) = f else { return html! {} };
    let target = figures::share_target(f.rate.as_ref(), f.target);
    let class = match target {
        Target::Met => "c-met",
        Target::Missed { .. } => "c-missed",
        Target::Unknown => "",
    };
    html! {
        <div class={classes!("c-card", class)} data-figure="fixed-first-time"
            data-share={f.rate.as_ref().map(|p| p.share.to_string())} data-target={f.target.to_string()}>
            <dt>{ t(l, T::FixedFirstTime) }</dt>
            <dd class="c-figure">{ f.rate.as_ref().map(|p| figures::percent(p.share)).unwrap_or_else(|| "–".into()) }</dd>
            <dd class="c-sub">
                { format!("{} {}", t(l, T::Target), figures::percent(f.target)) }
                { " · " }
                {
                    match target {
                        Target::Met => t(l, T::TargetMet).to_string(),
                        // A shortfall of a rate is in percentage points, not a percent of it.
                        Target::Missed { by } => match l {
                            Lang::ZhCn => format!("{} {} 个百分点", t(l, T::TargetMissedBy), figures::one_decimal(by * 100.0)),
                            Lang::En => format!("{} {} points", t(l, T::TargetMissedBy), figures::one_decimal(by * 100.0)),
                        },
                        Target::Unknown => t(l, T::NoData).to_string(),
                    }
                }
            </dd>
            if let Some(p) = &f.rate {
                <dd class="c-sub">{ format!("{} {} – {} · n {}", t(l, T::Interval95),
                    figures::percent(p.low), figures::percent(p.high), p.n) }</dd>
                if p.n < MIN_N {
                    <dd><span class="c-badge" data-few="">{ t(l, T::FewToJudge) }</span></dd>
                }
            }
        </div>
    }
}
