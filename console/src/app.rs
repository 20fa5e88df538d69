//! The console's frame: who is signed in, the filters, and the overview they select.
//! It asks the collector for `/v1/auth/me` first (no session → the sign-in page), then
//! for `/v1/summary` of the chosen survey, dealer and period. A survey is always named:
//! post-service CSI and post-call CSAT are never pooled into one number.

use crate::api::{self, Failure};
use crate::casework::Route;
use crate::i18n::{t, Lang, T};
use crate::kiosks::Kiosks;
use crate::list::ResponseList;
use crate::overview::Overview;
use crate::people::People;
use crate::period::{Period, PeriodError};
use crate::report::VocReport;
use crate::responses::ListFilters;
use crate::trend::Trend;
use serde::Deserialize;
use survey_core::scoring::aggregate::Summary;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// `GET /v1/auth/me` for a signed-in person.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Me {
    pub login: String,
    pub role: String,
    /// `"*"` for every dealer, or the dealers of this account.
    pub dealers: serde_json::Value,
    pub csrf: String,
}

impl Me {
    /// The dealers of this account; empty for a group admin (every dealer).
    fn dealer_list(&self) -> Vec<String> {
        self.dealers
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `GET /v1/summary`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SummaryReply {
    pub summary: Summary,
    /// Fixed right the first time against the dealer's target (a collector before it
    /// sent none).
    #[serde(default)]
    pub fixed_first_time: Option<crate::figures::FixedFirstTime>,
    /// The CSI goal of this report (0-100): the dealer's own, or 93 (a collector before
    /// it sent none).
    #[serde(default)]
    pub csi_target: Option<f64>,
    pub unscored: u64,
    pub unverified: Unverified,
}

impl SummaryReply {
    /// The CSI goal the report is read against.
    pub fn csi_goal(&self) -> f64 {
        self.csi_target
            .unwrap_or(crate::figures::DEFAULT_CSI_TARGET)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Unverified {
    pub responses: u64,
}

/// `GET /v1/dealers`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct DealerList {
    dealers: Vec<String>,
}

/// `GET /v1/definitions`: the dealers' own questionnaires.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct OwnSurveys {
    definitions: Vec<OwnSurvey>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct OwnSurvey {
    survey: String,
    status: String,
}

impl OwnSurveys {
    /// The ids with a published version, once each, in the collector's order.
    fn published(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for d in self.definitions.iter().filter(|d| d.status == "published") {
            if !ids.contains(&d.survey) {
                ids.push(d.survey.clone());
            }
        }
        ids
    }
}

/// A survey's name in the page's language: the built-in ones by name, a dealer's own by
/// its id.
pub fn survey_name(l: Lang, survey: &str) -> String {
    match survey {
        "post-service" => t(l, T::PostService).to_string(),
        "post-call" => t(l, T::PostCall).to_string(),
        own => own.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Filters {
    survey: AttrValue,
    dealer: String,
    period: Period,
}

#[component]
pub fn App() -> Html {
    let lang = use_state(|| Lang::from_tag(&api::browser_language()));
    let list_filters = use_state(ListFilters::default);
    let me = use_state(|| Load::<Me>::Loading);
    let filters = use_state(|| Filters {
        survey: AttrValue::Static("post-service"),
        dealer: String::new(),
        period: Period::ThisMonth,
    });
    let data = use_state(|| Load::<SummaryReply>::Loading);
    let dealers = use_state(Vec::<String>::new);
    let surveys = use_state(Vec::<String>::new);
    // The page, from the location's hash (#responses, #cases/<id>, …): links, Back and
    // Forward.
    let route = use_state(|| Route::from_hash(&api::hash()));
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = api::listen_hash(move |h| route.set(Route::from_hash(&h)));
            move || drop(listener)
        });
    }

    {
        let me = me.clone();
        let filters = filters.clone();
        let dealers = dealers.clone();
        let surveys = surveys.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::get::<Me>("/v1/auth/me").await {
                    Ok(m) => {
                        // The dealers with responses that this account may read.
                        if let Ok(list) = api::get::<DealerList>("/v1/dealers").await {
                            dealers.set(list.dealers);
                        }
                        // Their own questionnaires, once published, beside the built-in ones.
                        if let Ok(list) = api::get::<OwnSurveys>("/v1/definitions").await {
                            surveys.set(list.published());
                        }
                        // A manager of one dealer sees that dealer without choosing.
                        if let [only] = m.dealer_list().as_slice() {
                            filters.set(Filters {
                                dealer: only.clone(),
                                ..(*filters).clone()
                            });
                        }
                        me.set(Load::Ready(m));
                    }
                    Err(Failure::SignedOut) => api::sign_in(),
                    Err(e) => me.set(Load::Failed(e.line())),
                }
            });
        });
    }

    // The summary follows the filters (and waits for the account).
    let range = filters.period.range(api::today());
    {
        let data = data.clone();
        let ready = matches!(*me, Load::Ready(_)) && *route == Route::Overview;
        use_effect_with(((*filters).clone(), ready), move |(f, ready)| {
            let mut cleanup: Option<Box<dyn FnOnce()>> = None;
            if *ready {
                if let Ok((from, to)) = f.period.range(api::today()) {
                    let mut pairs = vec![
                        ("survey", f.survey.to_string()),
                        ("from", from.to_string()),
                        ("to", to.to_string()),
                    ];
                    if !f.dealer.is_empty() {
                        pairs.push(("dealer", f.dealer.clone()));
                    }
                    let url = format!("/v1/summary?{}", api::query(&pairs));
                    data.set(Load::Loading);
                    let shown = data.clone();
                    cleanup = Some(Box::new(api::spawn_current(
                        async move { api::get::<SummaryReply>(&url).await },
                        move |reply| match reply {
                            Ok(r) => shown.set(Load::Ready(r)),
                            Err(Failure::SignedOut) => api::sign_in(),
                            Err(e) => shown.set(Load::Failed(e.line())),
                        },
                    )));
                }
            }
            move || {
                if let Some(stop) = cleanup {
                    stop();
                }
            }
        });
    }

    let l = *lang;
    let account = match &*me {
        Load::Ready(m) => m.clone(),
        Load::Loading => {
            return html! { <main class="c-main"><p role="status">{ t(l, T::Loading) }</p></main> }
        }
        Load::Failed(e) => {
            return html! {
                <main class="c-main"><p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p></main>
            }
        }
    };

    let on_lang = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                lang.set(Lang::from_tag(&s.value()));
            }
        })
    };
    let sign_out = {
        let csrf = account.csrf.clone();
        Callback::from(move |_: MouseEvent| {
            let csrf = csrf.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = api::post("/v1/auth/logout", &csrf).await;
                api::sign_in();
            });
        })
    };

    let drill = {
        let route = route.clone();
        let list_filters = list_filters.clone();
        Callback::from(move |(by, who): (&'static str, String)| {
            list_filters.set(if by == "station" {
                ListFilters {
                    station: who,
                    ..ListFilters::default()
                }
            } else {
                ListFilters {
                    advisor: who,
                    ..ListFilters::default()
                }
            });
            api::set_hash(&Route::Responses.hash());
            route.set(Route::Responses);
        })
    };
    let own_only = account.role == "service_advisor";
    let range_days = range
        .as_ref()
        .ok()
        .map(|(a, b)| (a.to_string(), b.to_string()));
    let current = (*route).clone();
    html! {
        <div class="c-app" lang={l.tag()}>
            <header class="c-header">
                <h1 class="c-title">{ t(l, T::Title) }</h1>
                <div class="c-account">
                    <span class="c-inline">
                        <label for="c-lang">{ t(l, T::Language) }</label>
                        <select id="c-lang" onchange={on_lang}>
                            <option value="zh-CN" selected={l == Lang::ZhCn}>{ "简体中文" }</option>
                            <option value="en" selected={l == Lang::En}>{ "English" }</option>
                        </select>
                    </span>
                    <span>{ format!("{} {}", t(l, T::SignedInAs), account.login) }</span>
                    <button type="button" class="c-btn" onclick={sign_out}>{ t(l, T::SignOut) }</button>
                </div>
            </header>
            <crate::cases::Nav lang={l} role={account.role.clone()} route={current.clone()} />
            <main class="c-main" id="c-main">
            if current == Route::Kiosks && crate::casework::vouches(&account.role) {
                <Kiosks lang={l} csrf={account.csrf.clone()} dealers={offered(&account, &dealers)} />
            } else if current == Route::Notifications && crate::casework::vouches(&account.role) {
                <crate::webhook::WebhookPage lang={l} csrf={account.csrf.clone()}
                    dealers={offered(&account, &dealers)} />
            } else if current == Route::Questionnaires && crate::casework::vouches(&account.role) {
                <crate::questionnaires::Questionnaires lang={l} csrf={account.csrf.clone()}
                    dealers={offered(&account, &dealers)} />
            } else if current == Route::Calls && crate::casework::works_cases(&account.role) {
                <crate::calls::CallsPage lang={l} csrf={account.csrf.clone()} dealers={offered(&account, &dealers)}
                    imports={crate::casework::vouches(&account.role)} />
            } else if current == Route::Coverage && crate::casework::reads_coverage(&account.role) {
                <crate::calls::CoveragePage lang={l} />
            } else if matches!(current, Route::Cases | Route::Case(_)) {
                <crate::cases::CasesPage lang={l} me={account.clone()} route={current.clone()} />
            } else {
                if current == Route::Targets {
                    <h2 class="c-h2" id="c-page-title">{ crate::i18n::target_text(l, crate::i18n::G::Heading) }</h2>
                } else if current == Route::Funnel {
                    <h2 class="c-h2" id="c-page-title">{ crate::i18n::funnel_text(l, crate::i18n::F::Heading) }</h2>
                } else {
                    <h2 class="c-h2" id="c-page-title">{ t(l, current_title(&current)) }</h2>
                }
                <FilterBar lang={l} filters={filters.clone()} dealers={offered(&account, &dealers)} error={range.err()}
                    surveys={(*surveys).clone()}
                    period={current != Route::Report} survey={current != Route::Targets} />
                if current == Route::Targets {
                    if crate::casework::works_cases(&account.role) {
                        <crate::targets::TargetsPage lang={l} dealer={filters.dealer.clone()} range={range_days.clone()} />
                    }
                } else {
                if current == Route::Responses {
                    <ResponseList lang={l} survey={filters.survey.clone()} dealer={filters.dealer.clone()} range={range_days.clone()}
                        filters={list_filters.clone()} {own_only}
                        exports={crate::casework::exports(&account.role)} />
                }
                if current == Route::Report {
                    <VocReport lang={l} survey={filters.survey.clone()} dealer={filters.dealer.clone()} />
                }
                if current == Route::Funnel {
                    <crate::funnel::FunnelPage lang={l} survey={filters.survey.clone()} dealer={filters.dealer.clone()} range={range_days.clone()} />
                }
                if !matches!(current, Route::Responses | Route::Report | Route::Funnel) {
                {
                    match &*data {
                        Load::Loading => html! { <p role="status">{ t(l, T::Loading) }</p> },
                        Load::Failed(e) => html! {
                            <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p>
                        },
                        Load::Ready(reply) => html! {
                            <Overview lang={l} reply={reply.clone()}>
                                // Visits are service visits: no rate for a call survey.
                                if filters.survey == "post-service" {
                                    <crate::response_rate::ResponseRate lang={l} dealer={filters.dealer.clone()} range={range_days.clone()} />
                                }
                            </Overview>
                        },
                    }
                }
                <People lang={l} survey={filters.survey.clone()} dealer={filters.dealer.clone()}
                    by={if filters.survey == "post-call" { "agent" } else { "advisor" }}
                    range={range_days.clone()} on_drill={drill.clone()} />
                <People lang={l} survey={filters.survey.clone()} dealer={filters.dealer.clone()}
                    by="station" range={range_days.clone()} on_drill={drill} />
                // Phone interviews against self-completed: the same table, by channel.
                <People lang={l} survey={filters.survey.clone()} dealer={filters.dealer.clone()}
                    by="channel" range={range_days.clone()} on_drill={Callback::noop()} />
                <Trend lang={l} survey={filters.survey.clone()} dealer={filters.dealer.clone()}
                    target={match &*data { Load::Ready(r) => r.csi_goal(), _ => crate::figures::DEFAULT_CSI_TARGET }} />
                }
                }
            }
            </main>
        </div>
    }
}

/// The heading of the pages the filters serve.
fn current_title(route: &Route) -> T {
    match route {
        Route::Responses => T::ResponsesPage,
        Route::Report => T::Report,
        _ => T::Overview,
    }
}

/// The dealers to offer: those with responses, and an account's own even before they
/// have any (a manager of one dealer always sees it, never an empty list).
fn offered(account: &Me, with_data: &[String]) -> Vec<String> {
    let own = account.dealer_list();
    if own.is_empty() {
        return with_data.to_vec();
    }
    own
}

#[derive(Properties, PartialEq)]
struct FilterBarProps {
    lang: Lang,
    filters: UseStateHandle<Filters>,
    dealers: Vec<String>,
    error: Option<PeriodError>,
    /// The report picks its own month: no period there.
    period: bool,
    /// The published ids of the dealers' own questionnaires.
    surveys: Vec<String>,
    /// The targets count cases and calls of every survey: no survey there.
    survey: bool,
}

/// Survey, dealer and period; each change asks for the summary again.
#[component]
fn FilterBar(props: &FilterBarProps) -> Html {
    let l = props.lang;
    let f = (*props.filters).clone();
    let set = |change: fn(&mut Filters, String)| api::field_setter(&props.filters, change);
    let on_survey = set(|f, v| f.survey = AttrValue::from(v));
    let on_dealer = set(|f, v| f.dealer = v);
    let on_period = set(|f, v| {
        if let Some(p) = Period::from_key(&v, api::today()) {
            f.period = p;
        }
    });
    let on_from = set(|f, v| {
        if let Period::Custom { from, .. } = &mut f.period {
            *from = v;
        }
    });
    let on_to = set(|f, v| {
        if let Period::Custom { to, .. } = &mut f.period {
            *to = v;
        }
    });
    let error = props.error.map(|e| match e {
        PeriodError::BadFrom => t(l, T::BadFrom),
        PeriodError::BadTo => t(l, T::BadTo),
        PeriodError::Reversed => t(l, T::Reversed),
    });
    let period_key = f.period.key();
    html! {
        <form class="c-filters" aria-label={t(l, T::Filters)} onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            if props.survey {
            <div class="c-field">
                <label for="c-survey">{ t(l, T::Survey) }</label>
                <select id="c-survey" onchange={on_survey}>
                    <option value="post-service" selected={f.survey == "post-service"}>{ t(l, T::PostService) }</option>
                    <option value="post-call" selected={f.survey == "post-call"}>{ t(l, T::PostCall) }</option>
                    // The dealers' own questionnaires, once published (never pooled either).
                    { for props.surveys.iter().map(|s| html! {
                        <option value={s.clone()} selected={f.survey == s.as_str()}>{ s.clone() }</option>
                    }) }
                </select>
            </div>
            }
            <div class="c-field">
                <label for="c-dealer">{ t(l, T::Dealer) }</label>
                <select id="c-dealer" onchange={on_dealer}>
                    if props.dealers.len() != 1 {
                        <option value="" selected={f.dealer.is_empty()}>{ t(l, T::AllDealers) }</option>
                    }
                    { for props.dealers.iter().map(|d| html! {
                        <option value={d.clone()} selected={*d == f.dealer}>{ d.clone() }</option>
                    }) }
                </select>
            </div>
            if props.period {
            <div class="c-field">
                <label for="c-period">{ t(l, T::Period) }</label>
                <select id="c-period" onchange={on_period}>
                    <option value="this_month" selected={period_key == "this_month"}>{ t(l, T::ThisMonth) }</option>
                    <option value="last_month" selected={period_key == "last_month"}>{ t(l, T::LastMonth) }</option>
                    <option value="quarter" selected={period_key == "quarter"}>{ t(l, T::ThisQuarter) }</option>
                    <option value="custom" selected={period_key == "custom"}>{ t(l, T::Custom) }</option>
                </select>
            </div>
            if let Period::Custom { from, to } = &f.period {
                <div class="c-field">
                    <label for="c-from">{ t(l, T::From) }</label>
                    <input id="c-from" type="date" value={from.clone()} onchange={on_from} aria-describedby="c-period-error"
                        aria-invalid={matches!(props.error, Some(PeriodError::BadFrom | PeriodError::Reversed)).to_string()} />
                </div>
                <div class="c-field">
                    <label for="c-to">{ t(l, T::To) }</label>
                    <input id="c-to" type="date" value={to.clone()} onchange={on_to} aria-describedby="c-period-error"
                        aria-invalid={matches!(props.error, Some(PeriodError::BadTo)).to_string()} />
                </div>
            }
            }
            <p class="c-error" id="c-period-error" role="alert">{ error.unwrap_or_default() }</p>
        </form>
    }
}
