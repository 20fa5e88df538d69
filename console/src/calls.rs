//! The routine follow-up call list (`#calls`: today's calls grouped by due date,
//! overdue first and marked, a row's call logged with its outcome, the repair-order
//! import) and coverage (`#coverage`). The collector decides everything
//! (`/v1/followups`, `/v1/dealers/{d}/repair-orders`, `/v1/coverage`,
//! collector/src/routes/followups.rs); these pages show its answers and its refusals,
//! word for word.

use crate::api::{self, Failure};
use crate::call_texts::{percent, w, OUTCOMES, W};
use crate::i18n::{t, Lang, T};
use serde::Deserialize;
use serde_json::json;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Item {
    id: String,
    dealer: String,
    repair_order: String,
    #[serde(default)]
    advisor: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    pickup_date: String,
    status: String,
    attempts: u32,
    due_on: String,
    #[serde(default)]
    overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Group {
    due_on: String,
    items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct CallList {
    groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Imported {
    rows: u64,
    imported: u64,
    known: u64,
}

fn describe(f: Failure) -> Option<String> {
    match f {
        Failure::SignedOut => {
            api::sign_in();
            None
        }
        other => Some(other.line()),
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
    let list = use_state(|| None::<Result<CallList, String>>);
    let reload = use_state(|| 0u32);
    let status = use_state(String::new);
    let row_error = use_state(|| None::<(String, String)>);
    {
        let list = list.clone();
        use_effect_with(*reload, move |_| {
            let shown = list.clone();
            api::spawn_current(
                async move { api::get::<CallList>("/v1/followups?due=today").await },
                move |r| match r {
                    Ok(v) => shown.set(Some(Ok(v))),
                    Err(f) => {
                        if let Some(e) = describe(f) {
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
                        if let Some(e) = describe(f) {
                            row_error.set(Some((id, e)));
                        }
                    }
                }
            });
        })
    };
    let body = match &*list {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(v)) if v.groups.is_empty() => html! { <p>{ w(l, W::NoCalls) }</p> },
        Some(Ok(v)) => html! {
            { for v.groups.iter().map(|g| group(l, g, &log, &row_error)) }
        },
    };
    html! {
        <section class="c-calls" aria-labelledby="calls-h">
            <h2 id="calls-h" class="c-h2">{ w(l, W::Calls) }</h2>
            <p class="c-note">{ w(l, W::CallsIntro) }</p>
            <p class="c-note" role="status" data-call-status="">{ (*status).clone() }</p>
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
            <td>{ i.pickup_date.clone() }</td>
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
                    <a class="c-btn" href={format!("/console/interview?followup={}", i.id)}>{ w(l, W::Interview) }</a>
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
    let result = use_state(|| None::<Result<Imported, String>>);
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
                let path = format!("/v1/dealers/{}/repair-orders", urlencode(&dealer));
                let r = api::post_csv(&path, &csrf, text).await.and_then(|t| {
                    serde_json::from_str::<Imported>(&t)
                        .map_err(|e| Failure::Refused(e.to_string()))
                });
                busy.set(false);
                match r {
                    Ok(v) => {
                        result.set(Some(Ok(v)));
                        on_done.emit(());
                    }
                    Err(f) => {
                        if let Some(e) = describe(f) {
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
                Some(Ok(v)) => html! {
                    <p id="imp-result" role="status" data-imported={v.imported.to_string()}>
                        { format!("{}: {} / {} ({} ✓)", w(l, W::Imported), v.imported, v.rows, v.known) }
                    </p>
                },
                Some(Err(e)) => html! { <p id="imp-result" class="c-error" role="alert" data-import-error="">{ e.clone() }</p> },
                None => html! { <p id="imp-result" role="status"></p> },
            } }
        </form>
    }
}

/// A dealer id in a path: percent-encoded, so nothing in it can change the path.
fn urlencode(s: &str) -> String {
    js_sys::encode_uri_component(s)
        .as_string()
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct CovRow {
    dealer: String,
    #[serde(default)]
    advisor: Option<String>,
    visits: i64,
    invited: i64,
    responded: i64,
    called: i64,
    #[serde(default)]
    invited_rate: Option<f64>,
    #[serde(default)]
    response_rate: Option<f64>,
    #[serde(default)]
    called_rate: Option<f64>,
    #[serde(default)]
    low: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
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
    {
        let data = data.clone();
        use_effect_with((), move |_| {
            let shown = data.clone();
            api::spawn_current(
                async move { api::get::<CoverageReply>("/v1/coverage").await },
                move |r| match r {
                    Ok(v) => shown.set(Some(Ok(v))),
                    Err(f) => {
                        if let Some(e) = describe(f) {
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
                <td>{ r.visits }</td>
                <td>{ format!("{} ({})", r.invited, percent(r.invited_rate)) }</td>
                <td>{ format!("{} ({})", r.responded, percent(r.response_rate)) }</td>
                <td>{ format!("{} ({})", r.called, percent(r.called_rate)) }</td>
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
            }) }
        },
    };
    html! {
        <section class="c-coverage" aria-labelledby="cov-h">
            <h2 id="cov-h" class="c-h2">{ w(l, W::Coverage) }</h2>
            <p class="c-note">{ w(l, W::CoverageIntro) }</p>
            <p class="c-note">{ w(l, W::LowNote) }</p>
            { body }
        </section>
    }
}
