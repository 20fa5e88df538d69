//! The routine follow-up call list (`#calls`: today's calls grouped by due date,
//! overdue first and marked, a row's call logged with its outcome, the repair-order
//! import) and coverage (`#coverage`). The collector decides everything
//! (`/v1/followups`, `/v1/dealers/{d}/repair-orders`, `/v1/coverage`,
//! collector/src/routes/followups.rs); these pages show its answers and its refusals,
//! word for word.

use crate::api::{self, Failure};
use crate::call_texts::{percent, w, OUTCOMES, W};
use crate::i18n::{t, Lang, T};
use serde_json::{json, Value};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

// The replies are read from `serde_json::Value` by hand, not derived: six derived
// deserialisers cost the console's wasm more than these two pages' views.

fn text(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_default().to_string()
}

fn opt(v: &Value, k: &str) -> Option<String> {
    v[k].as_str().map(str::to_string)
}

fn int(v: &Value, k: &str) -> i64 {
    v[k].as_i64().unwrap_or_default()
}

fn list<T>(v: &Value, k: &str, of: impl Fn(&Value) -> T) -> Vec<T> {
    v[k].as_array()
        .map(|a| a.iter().map(of).collect())
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq)]
struct Item {
    id: String,
    dealer: String,
    repair_order: String,
    advisor: Option<String>,
    phone: Option<String>,
    pickup_date: String,
    status: String,
    attempts: i64,
    overdue: bool,
}

impl Item {
    fn of(v: &Value) -> Item {
        Item {
            id: text(v, "id"),
            dealer: text(v, "dealer"),
            repair_order: text(v, "repair_order"),
            advisor: opt(v, "advisor"),
            phone: opt(v, "phone"),
            pickup_date: text(v, "pickup_date"),
            status: text(v, "status"),
            attempts: int(v, "attempts"),
            overdue: v["overdue"].as_bool().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Group {
    due_on: String,
    items: Vec<Item>,
}

/// `GET /v1/followups`: the groups, and what the list leaves out.
#[derive(Debug, Clone, PartialEq)]
struct CallList {
    groups: Vec<Group>,
    /// Open calls past the lapse (not listed), and after how many days overdue.
    lapsed: i64,
    lapse_days: i64,
    /// Rows listed when the list was cut at its limit.
    cut_at: Option<i64>,
}

impl CallList {
    fn of(v: &Value) -> CallList {
        CallList {
            groups: list(v, "groups", |g| Group {
                due_on: text(g, "due_on"),
                items: list(g, "items", Item::of),
            }),
            lapsed: int(v, "lapsed"),
            lapse_days: int(v, "lapse_days"),
            cut_at: v["truncated"]
                .as_bool()
                .unwrap_or_default()
                .then(|| int(v, "count")),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct CallsProps {
    pub lang: Lang,
    pub csrf: String,
    pub dealers: Vec<String>,
    /// The account may import repair orders (admins and managers).
    pub imports: bool,
}

#[component]
pub fn CallsPage(props: &CallsProps) -> Html {
    let l = props.lang;
    let calls = use_state(|| None::<Result<CallList, String>>);
    let reload = use_state(|| 0u32);
    let status = use_state(String::new);
    let row_error = use_state(|| None::<(String, String)>);
    {
        let calls = calls.clone();
        use_effect_with(*reload, move |_| {
            let shown = calls.clone();
            api::spawn_current(
                async move { api::get::<Value>("/v1/followups?due=today").await },
                move |r| match r {
                    Ok(v) => shown.set(Some(Ok(CallList::of(&v)))),
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            shown.set(Some(Err(e)));
                        }
                    }
                },
            )
        });
    }
    let log = {
        let (reload, status, row_error) = (reload.clone(), status.clone(), row_error.clone());
        let csrf = props.csrf.clone();
        Callback::from(move |(id, ro, outcome): (String, String, String)| {
            let (reload, status, row_error, csrf) = (
                reload.clone(),
                status.clone(),
                row_error.clone(),
                csrf.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/v1/followups/{id}/attempts");
                let r = api::post_json::<serde_json::Value>(
                    &path,
                    &csrf,
                    &json!({ "outcome": outcome }),
                )
                .await;
                match r {
                    Ok(v) => {
                        row_error.set(None);
                        let f = &v["followup"];
                        status.set(format!(
                            "{ro}: {} · {}",
                            f["status"].as_str().unwrap_or(""),
                            f["due_on"].as_str().unwrap_or("")
                        ));
                        reload.set(*reload + 1);
                    }
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            row_error.set(Some((id, e)));
                        }
                    }
                }
            });
        })
    };
    let body = match &*calls {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(v)) => html! {
            <>
            if let Some(n) = v.cut_at {
                <p class="c-note" data-calls="truncated">{ w(l, W::Truncated).replace("{n}", &n.to_string()) }</p>
            }
            if v.lapsed > 0 {
                <p class="c-note" data-calls="lapsed">{
                    w(l, W::Lapsed).replace("{n}", &v.lapsed.to_string()).replace("{d}", &v.lapse_days.to_string())
                }</p>
            }
            if v.groups.is_empty() {
                <p>{ w(l, W::NoCalls) }</p>
            }
            { for v.groups.iter().map(|g| group(l, g, &log, &row_error)) }
            </>
        },
    };
    html! {
        <section class="c-calls" aria-labelledby="calls-h">
            <h2 id="calls-h" class="c-h2">{ w(l, W::Calls) }</h2>
            <p class="c-note">{ w(l, W::CallsIntro) }</p>
            <p class="c-note c-call-status" role="status" data-call-status="">{ (*status).clone() }</p>
            { body }
            if props.imports {
                <ImportForm lang={l} csrf={props.csrf.clone()} dealers={props.dealers.clone()}
                    on_done={Callback::from(move |_| reload.set(*reload + 1))} />
            }
        </section>
    }
}

fn group(
    l: Lang,
    g: &Group,
    log: &Callback<(String, String, String)>,
    row_error: &UseStateHandle<Option<(String, String)>>,
) -> Html {
    let late = g.items.iter().any(|i| i.overdue);
    let caption = if late {
        format!("{} {} · {}", w(l, W::DueOn), g.due_on, w(l, W::Overdue))
    } else {
        format!("{} {}", w(l, W::DueOn), g.due_on)
    };
    html! {
        <div class="c-scroll">
        <table class="c-table" data-table="calls" data-due-on={g.due_on.clone()}>
            <caption class="c-h3">{ caption }</caption>
            <thead><tr>
                <th scope="col">{ w(l, W::Ro) }</th>
                <th scope="col">{ w(l, W::Dealer) }</th>
                <th scope="col">{ w(l, W::Advisor) }</th>
                <th scope="col">{ w(l, W::Pickup) }</th>
                <th scope="col">{ w(l, W::Phone) }</th>
                <th scope="col">{ w(l, W::Attempts) }</th>
                <th scope="col">{ w(l, W::Log) }</th>
            </tr></thead>
            <tbody>
                { for g.items.iter().map(|i| row(l, i, log, row_error)) }
            </tbody>
        </table>
        </div>
    }
}

fn row(
    l: Lang,
    i: &Item,
    log: &Callback<(String, String, String)>,
    row_error: &UseStateHandle<Option<(String, String)>>,
) -> Html {
    let error = row_error
        .as_ref()
        .filter(|(id, _)| *id == i.id)
        .map(|(_, e)| e.clone());
    let err_id = format!("call-e-{}", i.id);
    let attempts = if i.status == "retry" {
        format!("{} ({})", i.attempts, w(l, W::Second))
    } else {
        i.attempts.to_string()
    };
    html! {
        <tr data-ro={i.repair_order.clone()} data-status={i.status.clone()}>
            <th scope="row">
                { i.repair_order.clone() }
                if i.overdue { <span class="c-badge c-badge-warn">{ w(l, W::OverdueBadge) }</span> }
            </th>
            <td>{ i.dealer.clone() }</td>
            <td>{ i.advisor.clone().unwrap_or_default() }</td>
            <td class="c-nowrap">{ i.pickup_date.clone() }</td>
            <td>{ i.phone.clone().map(|p| html! { <a href={format!("tel:{p}")}>{ p }</a> }).unwrap_or_default() }</td>
            <td data-attempts="">{ attempts }</td>
            <td>
                <div class="c-actions" role="group" aria-label={format!("{} {}", w(l, W::Log), i.repair_order)}>
                    { for OUTCOMES.iter().map(|(name, label)| {
                        let log = log.clone();
                        let args = (i.id.clone(), i.repair_order.clone(), name.to_string());
                        html! {
                            <button type="button" class="c-btn" data-outcome={*name} aria-describedby={err_id.clone()}
                                onclick={Callback::from(move |_: MouseEvent| log.emit(args.clone()))}>
                                { w(l, *label) }
                            </button>
                        }
                    }) }
                    <a class="c-btn" href={format!("/console/interview?followup={}&dealer={}", i.id, i.dealer)}>{ w(l, W::Interview) }</a>
                </div>
                <p id={err_id} class="c-error" role="alert">{ error.unwrap_or_default() }</p>
            </td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
pub struct ImportProps {
    pub lang: Lang,
    pub csrf: String,
    pub dealers: Vec<String>,
    pub on_done: Callback<()>,
}

#[component]
pub fn ImportForm(props: &ImportProps) -> Html {
    let l = props.lang;
    let (file_ref, dealer_ref) = (use_node_ref(), use_node_ref());
    let result = use_state(|| None::<Result<(i64, i64, i64), String>>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (file_ref, dealer_ref, result, busy) = (
            file_ref.clone(),
            dealer_ref.clone(),
            result.clone(),
            busy.clone(),
        );
        let (csrf, on_done) = (props.csrf.clone(), props.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let dealer = dealer_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            let file = file_ref
                .cast::<HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            let Some(file) = file else { return };
            let (result, busy, csrf, on_done) =
                (result.clone(), busy.clone(), csrf.clone(), on_done.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                // The bytes go as they are (a BOM and all): the collector reads them.
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                let path = format!("/v1/dealers/{}/repair-orders", api::path_segment(&dealer));
                let r = api::post_csv(&path, &csrf, text).await.and_then(|t| {
                    serde_json::from_str::<Value>(&t)
                        .map(|v| (int(&v, "rows"), int(&v, "imported"), int(&v, "known")))
                        .map_err(|e| Failure::Refused(e.to_string()))
                });
                busy.set(false);
                match r {
                    Ok(v) => {
                        result.set(Some(Ok(v)));
                        on_done.emit(());
                    }
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            result.set(Some(Err(e)));
                        }
                    }
                }
            });
        })
    };
    let first = props.dealers.first().cloned().unwrap_or_default();
    html! {
        <form class="c-filters c-import" aria-labelledby="imp-h" {onsubmit}>
            <h3 id="imp-h" class="c-h3 c-form-title">{ w(l, W::Import) }</h3>
            <p id="imp-hint" class="c-hint">{ w(l, W::ImportHint) }</p>
            <div class="c-field">
                <label for="imp-dealer">{ w(l, W::Dealer) }</label>
                <input id="imp-dealer" ref={dealer_ref} type="text" required=true value={first}
                    autocomplete="off" spellcheck="false" />
            </div>
            <div class="c-field">
                <label for="imp-file">{ w(l, W::File) }</label>
                <input id="imp-file" ref={file_ref} type="file" accept=".csv,text/csv" required=true
                    aria-describedby="imp-hint imp-result" />
            </div>
            <div class="c-field c-field-action">
                <button type="submit" class="c-btn c-btn-primary" disabled={*busy}>{ w(l, W::ImportBtn) }</button>
            </div>
            { match &*result {
                Some(Ok((rows, imported, known))) => html! {
                    <p id="imp-result" role="status" data-imported={imported.to_string()}>
                        { format!("{}: {imported} / {rows} ({known} ✓)", w(l, W::Imported)) }
                    </p>
                },
                Some(Err(e)) => html! { <p id="imp-result" class="c-error" role="alert" data-import-error="">{ e.clone() }</p> },
                None => html! { <p id="imp-result" role="status"></p> },
            } }
        </form>
    }
}

#[derive(Debug, Clone, PartialEq)]
struct CovRow {
    dealer: String,
    advisor: Option<String>,
    counts: [i64; 4],
    rates: [Option<f64>; 3],
    low: bool,
}

impl CovRow {
    fn of(v: &Value) -> CovRow {
        CovRow {
            dealer: text(v, "dealer"),
            advisor: opt(v, "advisor"),
            counts: ["visits", "invited", "responded", "called"].map(|k| int(v, k)),
            rates: ["invited_rate", "response_rate", "called_rate"].map(|k| v[k].as_f64()),
            low: v["low"].as_bool().unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct CoverageReply {
    items: Vec<CovRow>,
    dealers: Vec<CovRow>,
}

#[derive(Properties, PartialEq)]
pub struct CoverageProps {
    pub lang: Lang,
}

#[component]
pub fn CoveragePage(props: &CoverageProps) -> Html {
    let l = props.lang;
    let data = use_state(|| None::<Result<CoverageReply, String>>);
    // The visits' pickup dates: every visit, or a period as the reports count it.
    let period = use_state(String::new);
    {
        let data = data.clone();
        use_effect_with((*period).clone(), move |period| {
            let shown = data.clone();
            let path = if period.is_empty() {
                "/v1/coverage".to_string()
            } else {
                format!("/v1/coverage?period={period}")
            };
            api::spawn_current(
                async move { api::get::<Value>(&path).await },
                move |r| match r {
                    Ok(v) => shown.set(Some(Ok(CoverageReply {
                        items: list(&v, "items", CovRow::of),
                        dealers: list(&v, "dealers", CovRow::of),
                    }))),
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            shown.set(Some(Err(e)));
                        }
                    }
                },
            )
        });
    }
    let cov_row = |r: &CovRow, total: bool| {
        let who = if total {
            format!("{} · {}", r.dealer, w(l, W::Total))
        } else {
            r.advisor.clone().unwrap_or_else(|| "–".into())
        };
        html! {
            <tr data-dealer={r.dealer.clone()} data-advisor={r.advisor.clone().unwrap_or_default()} data-low={r.low.to_string()}>
                <th scope="row">
                    { who }
                    if r.low { <span class="c-badge c-badge-warn">{ w(l, W::Low) }</span> }
                </th>
                <td>{ r.counts[0] }</td>
                { for (1..4).map(|k| html! {
                    <td>{ format!("{} ({})", r.counts[k], percent(r.rates[k - 1])) }</td>
                }) }
            </tr>
        }
    };
    let body = match &*data {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(v)) if v.items.is_empty() => html! { <p>{ w(l, W::NoVisits) }</p> },
        Some(Ok(v)) => html! {
            { for v.dealers.iter().map(|d| html! {
                // A scrolling box a keyboard can reach (the table has no controls).
                <div class="c-scroll" tabindex="0" role="region" aria-label={format!("{} {} {}", w(l, W::Coverage), w(l, W::Dealer), d.dealer)}>
                <table class="c-table" data-table="coverage">
                    <caption class="c-h3">{ format!("{} {}", w(l, W::Dealer), d.dealer) }</caption>
                    <thead><tr>
                        <th scope="col">{ w(l, W::Advisor) }</th>
                        <th scope="col">{ w(l, W::Visits) }</th>
                        <th scope="col">{ w(l, W::Invited) }</th>
                        <th scope="col">{ w(l, W::Responded) }</th>
                        <th scope="col">{ w(l, W::Called) }</th>
                    </tr></thead>
                    <tbody>
                        { for v.items.iter().filter(|r| r.dealer == d.dealer).map(|r| cov_row(r, false)) }
                        { cov_row(d, true) }
                    </tbody>
                </table>
                </div>
            }) }
        },
    };
    html! {
        <section class="c-coverage" aria-labelledby="cov-h">
            <h2 id="cov-h" class="c-h2">{ w(l, W::Coverage) }</h2>
            <p class="c-note">{ w(l, W::CoverageIntro) }</p>
            <p class="c-note">{ w(l, W::LowNote) }</p>
            <div class="c-filters">
                <div class="c-field">
                    <label for="cov-period">{ w(l, W::Period) }</label>
                    <select id="cov-period" onchange={{
                        let period = period.clone();
                        Callback::from(move |e: Event| {
                            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                                period.set(s.value());
                            }
                        })
                    }}>
                        { for [("", W::AllVisits), ("this_month", W::ThisMonth), ("last_month", W::LastMonth), ("quarter", W::Quarter)]
                            .into_iter().map(|(v, name)| html! {
                                <option value={v} selected={*period == v}>{ w(l, name) }</option>
                            }) }
                    </select>
                </div>
            </div>
            { body }
        </section>
    }
}
