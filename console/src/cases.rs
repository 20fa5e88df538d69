//! The cases pages (issue 16): the lists a follow-up agent and a manager work from,
//! and one case with everything needed to call the customer back and to record it.
//!
//! ```text
//! #cases ─ tabs: my open cases · unowned · overdue · escalated (managers)
//!    │        GET /v1/cases?<the tab's query>       a row: customer, alerts, due, status, owner
//!    └─▶ #cases/<id> ─ GET /v1/cases/<id>           answers, alerts, contact, call log
//!            forms ─ POST /v1/cases/<id>/events (X-CSRF-Token) ─ok─▶ reload, "saved"
//!                                                  └─refused─▶ the server's one line beside
//!                                                              the form; the form keeps
//!                                                              what was typed
//! ```
//! Every decision is the collector's (its state machine); [`crate::casework`] holds the
//! pure part (which tab asks what, which forms a state offers, the actions' JSON).

use crate::api::{self, Failure};
use crate::app::Me;
use crate::case_texts::{action, c, value, C};
use crate::casework::{
    self as work, CaseDetail, CaseItem, CaseList, ChangeReply, FormError, Route, Tab,
};
use crate::i18n::{alert, t, Lang, T};
use serde_json::Value;
use survey_core::scoring::AlertRule;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

fn describe(l: Lang, f: &Failure) -> String {
    match f {
        Failure::SignedOut => "401".into(),
        Failure::Refused(e) => e.clone(),
        Failure::Network => match l {
            Lang::ZhCn => "无法连接服务器，请稍后重试。".into(),
            Lang::En => "no answer from the collector; try again".into(),
        },
    }
}

/// "A: b" in the page's language (a full-width colon in Chinese).
fn labelled(l: Lang, label: &str, text: &str) -> String {
    match l {
        Lang::ZhCn => format!("{label}：{text}"),
        Lang::En => format!("{label}: {text}"),
    }
}

/// A list's separator in the page's language.
fn list_sep(l: Lang) -> &'static str {
    match l {
        Lang::ZhCn => "、",
        Lang::En => ", ",
    }
}

/// An alert rule's words, from its API name (`nps_detractor`).
fn rule_words(l: Lang, rule: &str) -> String {
    // A match rather than serde: deserialising from a `Value` would ship a second JSON
    // deserialiser in the wasm for five names.
    let r = match rule {
        "low_overall" => AlertRule::LowOverall,
        "nps_detractor" => AlertRule::NpsDetractor,
        "not_fixed_first_time" => AlertRule::NotFixedFirstTime,
        "fcr_no" => AlertRule::FcrNo,
        "contact_requested" => AlertRule::ContactRequested,
        _ => return rule.to_string(),
    };
    alert(l, r).to_string()
}

#[derive(Properties, PartialEq)]
pub struct CasesPageProps {
    pub lang: Lang,
    pub me: Me,
    pub route: Route,
}

/// The cases page: the lists, or one case.
#[component]
pub fn CasesPage(props: &CasesPageProps) -> Html {
    match &props.route {
        Route::Case(id) => html! {
            <CaseView lang={props.lang} id={id.clone()} me={props.me.clone()} />
        },
        _ => html! { <CaseLists lang={props.lang} role={props.me.role.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct ListsProps {
    lang: Lang,
    role: String,
}

#[component]
fn CaseLists(props: &ListsProps) -> Html {
    let l = props.lang;
    let tabs = work::tabs(&props.role);
    let first = tabs.first().copied().unwrap_or(Tab::Mine);
    let tab = use_state(|| first);
    let data = use_state(|| Load::<CaseList>::Loading);
    let reload = use_state(|| 0u32);
    // Opened (from the page links or "back"): the heading takes focus, so a keyboard
    // user starts at the top of the lists.
    use_effect_with((), |_| api::focus("c-cases-title"));
    {
        let data = data.clone();
        use_effect_with((*tab, *reload), move |(tab, _)| {
            let url = format!("/v1/cases?{}", tab.query());
            data.set(Load::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                match api::get::<CaseList>(&url).await {
                    Ok(list) => data.set(Load::Ready(list)),
                    Err(Failure::SignedOut) => api::sign_in(),
                    Err(e) => data.set(Load::Failed(describe(l, &e))),
                }
            });
        });
    }
    let name = |t: Tab| match t {
        Tab::Mine => c(l, C::Mine),
        Tab::Unowned => c(l, C::Unowned),
        Tab::Overdue => c(l, C::Overdue),
        Tab::Escalated => c(l, C::Escalated),
    };
    let on_refresh = {
        let reload = reload.clone();
        Callback::from(move |_: MouseEvent| reload.set(*reload + 1))
    };
    // The collector sends a page at a time (oldest first); the next page is appended,
    // so a manager with hundreds of escalated cases can reach every one.
    let on_more = {
        let (data, tab) = (data.clone(), *tab);
        Callback::from(move |_: MouseEvent| {
            let Load::Ready(list) = &*data else { return };
            let Some(after) = list.next.clone() else {
                return;
            };
            let (data, shown) = (data.clone(), list.clone());
            let url = format!(
                "/v1/cases?{}&after={}",
                tab.query(),
                api::path_segment(&after)
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::get::<CaseList>(&url).await {
                    Ok(more) => {
                        let mut items = shown.items;
                        items.extend(more.items);
                        data.set(Load::Ready(CaseList {
                            items,
                            next: more.next,
                        }));
                    }
                    Err(Failure::SignedOut) => api::sign_in(),
                    Err(e) => data.set(Load::Failed(describe(l, &e))),
                }
            });
        })
    };
    html! {
        <section class="c-cases" aria-labelledby="c-cases-title">
            <h2 class="c-h2" id="c-cases-title" tabindex="-1">{ c(l, C::Cases) }</h2>
            <p class="c-sub c-cases-intro">{ c(l, C::CasesIntro) }</p>
            <div class="c-tabs" role="group" aria-label={c(l, C::Lists)}>
                { for tabs.iter().map(|t| {
                    let t = *t;
                    let set = {
                        let tab = tab.clone();
                        Callback::from(move |_: MouseEvent| tab.set(t))
                    };
                    html! {
                        <button type="button" class="c-btn c-tab" data-tab={t.key()}
                            aria-pressed={(*tab == t).to_string()} onclick={set}>{ name(t) }</button>
                    }
                }) }
                <button type="button" class="c-btn c-refresh" onclick={on_refresh}>{ c(l, C::Refresh) }</button>
            </div>
            {
                match &*data {
                    Load::Loading => html! { <p role="status">{ crate::i18n::t(l, crate::i18n::T::Loading) }</p> },
                    Load::Failed(e) => html! { <p class="c-error" role="alert" data-error="list">{ e.clone() }</p> },
                    Load::Ready(list) => {
                        let rows: Vec<&CaseItem> = list.items.iter().filter(|i| tab.keep(i)).collect();
                        html! {
                            <>
                            <CaseTable lang={l} caption={name(*tab)} more={list.next.is_some()}
                                rows={rows.into_iter().cloned().collect::<Vec<_>>()} />
                            if list.next.is_some() {
                                <button type="button" class="c-btn" data-action="more" onclick={on_more}>{ c(l, C::ShowMore) }</button>
                            }
                            </>
                        }
                    }
                }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    lang: Lang,
    caption: &'static str,
    rows: Vec<CaseItem>,
    /// More cases than these: the count says "at least".
    more: bool,
}

#[component]
fn CaseTable(props: &TableProps) -> Html {
    let l = props.lang;
    if props.rows.is_empty() {
        return html! { <p class="c-note" role="status" data-empty="cases">{ c(l, C::NoCases) }</p> };
    }
    html! {
        <table class="c-table c-case-table" data-table="cases">
            <caption>{ format!("{} ({}{})", props.caption, props.rows.len(), if props.more { "+" } else { "" }) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ c(l, C::Customer) }</th>
                    <th scope="col">{ c(l, C::AlertsTitle) }</th>
                    <th scope="col">{ c(l, C::Due) }</th>
                    <th scope="col">{ c(l, C::Status) }</th>
                    <th scope="col">{ c(l, C::Owner) }</th>
                </tr>
            </thead>
            <tbody>
                { for props.rows.iter().map(|k| row(l, k)) }
            </tbody>
        </table>
    }
}

/// How a case is named to a person: its repair order, else the start of its id.
fn case_name(k: &CaseItem) -> String {
    k.visit
        .as_ref()
        .and_then(|v| v.repair_order.clone())
        .unwrap_or_else(|| short(&k.id))
}

/// The line under a case's name: the visit date and the dealer.
fn case_sub(k: &CaseItem) -> String {
    let date = k.visit.as_ref().and_then(|v| v.visit_date.clone());
    [date, k.dealer.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

fn due_cell(l: Lang, k: &CaseItem) -> Html {
    html! {
        <>
            <span class="c-nowrap">{ k.due_local.clone().unwrap_or_else(|| k.due_at.clone()) }</span>
            <span class="c-sub c-block">{ k.time_zone.clone().unwrap_or_default() }</span>
            if k.overdue { <span class="c-flag c-flag-late" data-flag="overdue">{ c(l, C::OverdueBadge) }</span> }
            if k.escalated { <span class="c-flag c-flag-up" data-flag="escalated">{ c(l, C::EscalatedBadge) }</span> }
        </>
    }
}

fn row(l: Lang, k: &CaseItem) -> Html {
    let href = Route::Case(k.id.clone()).hash();
    html! {
        <tr data-case={k.id.clone()}>
            <th scope="row">
                <a class="c-link" href={href}>{ case_name(k) }</a>
                <span class="c-sub c-block">{ case_sub(k) }</span>
            </th>
            <td>{ k.alerts.iter().map(|r| rule_words(l, r)).collect::<Vec<_>>().join(list_sep(l)) }</td>
            <td>{ due_cell(l, k) }</td>
            <td data-status={k.status.clone()}>{ value(l, &k.status) }</td>
            <td>{ k.owner_login.clone().unwrap_or_else(|| c(l, C::NoOwner).to_string()) }</td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    lang: Lang,
    id: String,
    me: Me,
}

/// One case: what the customer said, how to reach them, what was done, the forms.
#[component]
fn CaseView(props: &ViewProps) -> Html {
    let l = props.lang;
    let data = use_state(|| Load::<CaseDetail>::Loading);
    let reload = use_state(|| 0u32);
    // Whether the last change was saved (its line reads in the language shown).
    let saved = use_state(|| false);
    // Where focus goes after the next render (see below).
    let focus_to = use_mut_ref(|| None::<&'static str>);
    {
        let focus_to = focus_to.clone();
        use_effect(move || {
            if let Some(id) = focus_to.borrow_mut().take() {
                api::focus(id);
            }
        });
    }
    {
        let data = data.clone();
        let focus_to = focus_to.clone();
        let first = *reload == 0;
        use_effect_with((props.id.clone(), *reload), move |(id, _)| {
            let url = format!("/v1/cases/{id}");
            if first {
                data.set(Load::Loading);
            }
            wasm_bindgen_futures::spawn_local(async move {
                match api::get::<CaseDetail>(&url).await {
                    Ok(d) => {
                        // Focus where a keyboard user continues: the case's heading when
                        // it opens, the "saved" line after a change (the form that had
                        // focus may be gone, e.g. "take this case" once it is yours).
                        *focus_to.borrow_mut() =
                            Some(if first { "c-case-title" } else { "c-saved" });
                        data.set(Load::Ready(d));
                    }
                    Err(Failure::SignedOut) => api::sign_in(),
                    Err(e) => data.set(Load::Failed(describe(l, &e))),
                }
            });
        });
    }
    let back = html! {
        <p><a class="c-link c-back" href={Route::Cases.hash()}>{ format!("← {}", c(l, C::Back)) }</a></p>
    };
    let detail = match &*data {
        Load::Loading => {
            return html! { <section class="c-case">{ back }<p role="status">{ crate::i18n::t(l, crate::i18n::T::Loading) }</p></section> }
        }
        Load::Failed(e) => {
            return html! { <section class="c-case">{ back }<p class="c-error" role="alert" data-error="case">{ e.clone() }</p></section> }
        }
        Load::Ready(d) => d.clone(),
    };
    let k = &detail.case;
    let done = {
        let reload = reload.clone();
        let saved = saved.clone();
        Callback::from(move |_: ()| {
            saved.set(true);
            reload.set(*reload + 1);
        })
    };
    let forms = work::forms(&k.status, &props.me.role);
    let visit = &detail.response.context;
    let ctx = |key: &str| visit.get(key).and_then(Value::as_str).map(str::to_string);
    let ro = ctx("repair_order");
    let title = format!(
        "{} {}",
        c(l, C::Case),
        ro.clone().unwrap_or_else(|| short(&k.id))
    );
    let f = FormProps {
        lang: l,
        id: k.id.clone(),
        csrf: props.me.csrf.clone(),
        login: props.me.login.clone(),
        owner: k.owner_login.clone(),
        on_done: done,
    };
    html! {
        <section class="c-case" aria-labelledby="c-case-title" data-case-status={k.status.clone()}>
            { back }
            <h2 class="c-h2" id="c-case-title" tabindex="-1">{ title }</h2>
            // The widget in interview mode, on its own page behind the same login: the
            // agent reads the survey to the customer (collector/src/routes/interview_page.rs).
            <p><a class="c-btn c-primary c-interview" data-action="interview"
                href={format!("/console/interview?case={}", k.id)}>{ c(l, C::PhoneInterview) }</a></p>
            <p class="c-saved" id="c-saved" tabindex="-1" role="status" data-saved="">{ if *saved { c(l, C::Saved) } else { "" } }</p>
            <div class="c-case-body">
                <div class="c-case-info">
                    <section class="c-panel" aria-labelledby="c-about">
                        <h3 class="c-h3" id="c-about">{ c(l, C::Summary) }</h3>
                        <dl class="c-facts">
                            <dt>{ c(l, C::Status) }</dt>
                            <dd data-fact="status">{ value(l, &k.status) }</dd>
                            <dt>{ c(l, C::Due) }</dt>
                            <dd data-fact="due">{ due_cell(l, k) }</dd>
                            <dt>{ c(l, C::Owner) }</dt>
                            <dd data-fact="owner">{ k.owner_login.clone().unwrap_or_else(|| c(l, C::NoOwner).to_string()) }</dd>
                            <dt>{ c(l, C::FailedAttempts) }</dt>
                            <dd data-fact="failed">{ k.failed_attempts }</dd>
                            if let Some(d) = &k.dealer {
                                <dt>{ crate::i18n::t(l, crate::i18n::T::Dealer) }</dt><dd>{ d.clone() }</dd>
                            }
                            if let Some(ro) = ro { <dt>{ c(l, C::RepairOrder) }</dt><dd>{ ro }</dd> }
                            if let Some(v) = ctx("visit_date") { <dt>{ c(l, C::VisitDate) }</dt><dd>{ v }</dd> }
                            if let Some(a) = ctx("advisor") { <dt>{ c(l, C::Advisor) }</dt><dd>{ a }</dd> }
                            if let Some(t) = &k.call_back_local { <dt>{ c(l, C::CallBackAt) }</dt><dd>{ t.clone() }</dd> }
                            if let Some(v) = &k.cause { <dt>{ c(l, C::CauseLabel) }</dt><dd data-fact="cause">{ value(l, v) }</dd> }
                            if let Some(v) = &k.severity { <dt>{ c(l, C::SeverityLabel) }</dt><dd>{ value(l, v) }</dd> }
                            if let Some(v) = &k.resolution { <dt>{ c(l, C::ResolutionLabel) }</dt><dd>{ v.clone() }</dd> }
                        </dl>
                    </section>
                    <section class="c-panel" aria-labelledby="c-alerts">
                        <h3 class="c-h3" id="c-alerts">{ c(l, C::AlertsTitle) }</h3>
                        <ul class="c-alert-list">
                            { for detail.alerts.iter().map(|a| html! {
                                <li data-alert={a.rule.clone()}>
                                    { match &a.detail {
                                        Some(d) => labelled(l, &rule_words(l, &a.rule), d),
                                        None => rule_words(l, &a.rule),
                                    } }
                                </li>
                            }) }
                        </ul>
                    </section>
                    <crate::solve::SolvePanel lang={l} case_id={k.id.clone()} status={k.status.clone()}
                        csrf={props.me.csrf.clone()} manager={work::is_manager(&props.me.role)}
                        solve={detail.solve.clone()} on_done={f.on_done.clone()} />
                    { contact_panel(l, &detail.response.answers) }
                    { history_panel(l, &detail) }
                    { answers_panel(l, &detail) }
                </div>
                <div class="c-case-forms">
                    if forms.attempt { <AttemptForm ..f.clone() /> }
                    if forms.status { <StatusForm ..f.clone() /> }
                    if forms.close { <CloseForm ..f.clone() /> }
                    if forms.assign { <AssignForm ..f.clone() /> }
                    if forms.reopen { <ReopenForm ..f.clone() /> }
                </div>
            </div>
        </section>
    }
}

fn contact_panel(l: Lang, answers: &Value) -> Html {
    let fields = work::contact(answers);
    html! {
        <section class="c-panel" aria-labelledby="c-contact" data-panel="contact">
            <h3 class="c-h3" id="c-contact">{ c(l, C::ContactTitle) }</h3>
            if fields.is_empty() {
                <p class="c-sub">{ c(l, C::NoContact) }</p>
            } else {
                <dl class="c-facts">
                    { for fields.into_iter().map(|(k, v)| {
                        let link = (k == "phone").then(|| format!("tel:{v}"));
                        html! {
                            <>
                                <dt>{ value(l, &k) }</dt>
                                <dd data-contact={k.clone()}>
                                    if let Some(href) = link { <a class="c-link" href={href}>{ v }</a> } else { { v } }
                                </dd>
                            </>
                        }
                    }) }
                </dl>
            }
        </section>
    }
}

fn answers_panel(l: Lang, d: &CaseDetail) -> Html {
    let rows = work::answer_rows(
        &d.response.answers,
        &d.questions,
        l.tag(),
        (c(l, C::Yes), c(l, C::No), c(l, C::NotApplicable)),
    );
    html! {
        <section class="c-panel" aria-labelledby="c-answers">
            <h3 class="c-h3" id="c-answers">{ c(l, C::Answers) }</h3>
            <table class="c-table c-compact" data-table="answers">
                <thead><tr><th scope="col">{ c(l, C::Question) }</th><th scope="col">{ c(l, C::Answer) }</th></tr></thead>
                <tbody>
                    { for rows.into_iter().map(|(q, a)| html! { <tr><th scope="row">{ q }</th><td>{ a }</td></tr> }) }
                </tbody>
            </table>
        </section>
    }
}

fn history_panel(l: Lang, d: &CaseDetail) -> Html {
    html! {
        <section class="c-panel" aria-labelledby="c-history">
            <h3 class="c-h3" id="c-history">{ c(l, C::History) }</h3>
            <table class="c-table c-compact" data-table="history">
                <thead>
                    <tr>
                        <th scope="col">{ c(l, C::When) }</th>
                        <th scope="col">{ c(l, C::Who) }</th>
                        <th scope="col">{ c(l, C::What) }</th>
                        <th scope="col">{ c(l, C::Note) }</th>
                    </tr>
                </thead>
                <tbody>
                    { for d.events.iter().map(|e| {
                        let (act, sub) = work::event_summary(e);
                        let what = match sub {
                            Some(s) => labelled(l, &action(l, &act), &value(l, &s)),
                            None => action(l, &act),
                        };
                        html! {
                            <tr data-event={act.clone()} data-outcome={work::event_summary(e).1.unwrap_or_default()}>
                                <td class="c-nowrap">{ e.at_local.clone().unwrap_or_else(|| e.at.clone()) }</td>
                                <td>{ match work::who(e).as_str() {
                                    "system" => c(l, C::System).to_string(),
                                    who => who.to_string(),
                                } }</td>
                                <td>{ what }</td>
                                <td>{ work::event_note(e).unwrap_or_default() }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </section>
    }
}

#[derive(Properties, PartialEq, Clone)]
struct FormProps {
    lang: Lang,
    id: String,
    csrf: String,
    login: String,
    owner: Option<String>,
    on_done: Callback<()>,
}

/// Posts `body` as one event of case `id`; on success clears the error, calls `ok` and
/// the page's `done`; on a refusal shows the server's line and keeps the form as it is.
fn send(
    p: &FormProps,
    body: Value,
    error: UseStateHandle<String>,
    busy: UseStateHandle<bool>,
    ok: impl FnOnce() + 'static,
) {
    if *busy {
        return;
    }
    let url = format!("/v1/cases/{}/events", p.id);
    let csrf = p.csrf.clone();
    let done = p.on_done.clone();
    let l = p.lang;
    busy.set(true);
    wasm_bindgen_futures::spawn_local(async move {
        let r = api::post_json::<ChangeReply>(&url, &csrf, &body).await;
        busy.set(false);
        match r {
            Ok(_) => {
                error.set(String::new());
                ok();
                done.emit(());
            }
            Err(Failure::SignedOut) => api::sign_in(),
            Err(e) => error.set(describe(l, &e)),
        }
    });
}

fn form_error(l: Lang, e: FormError) -> String {
    match e {
        FormError::ChooseOutcome => c(l, C::ChooseOutcome),
        FormError::CallBackTime => c(l, C::NeedCallBackTime),
        FormError::ChooseStatus => c(l, C::ChooseStatus),
    }
    .to_string()
}

/// A text field's or text area's value, from an input event.
fn typed(e: &InputEvent) -> Option<String> {
    e.target_dyn_into::<HtmlInputElement>()
        .map(|i| i.value())
        .or_else(|| {
            e.target_dyn_into::<HtmlTextAreaElement>()
                .map(|t| t.value())
        })
}

fn setter(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        if let Some(v) = typed(&e) {
            state.set(v);
        }
    })
}

/// A radio group: a fieldset with its legend, one 44 px label per choice.
fn radios(
    name: &str,
    legend: &str,
    choices: &[(&str, String)],
    chosen: &UseStateHandle<String>,
    described_by: &str,
) -> Html {
    html! {
        <fieldset class="c-choices">
            <legend>{ legend }</legend>
            { for choices.iter().map(|(v, label)| {
                let id = format!("{name}-{v}");
                let on = {
                    let chosen = chosen.clone();
                    let v = v.to_string();
                    Callback::from(move |_: Event| chosen.set(v.clone()))
                };
                html! {
                    <label class="c-choice" for={id.clone()}>
                        <input type="radio" id={id} name={name.to_string()} value={v.to_string()}
                            checked={**chosen == *v} onchange={on} aria-describedby={described_by.to_string()} />
                        <span>{ label.clone() }</span>
                    </label>
                }
            }) }
        </fieldset>
    }
}

fn submit_row(label: &str, busy: bool, error_id: &str, error: &str) -> Html {
    html! {
        <div class="c-submit">
            <button type="submit" class="c-btn c-primary" aria-disabled={busy.to_string()}>{ label }</button>
            <p class="c-error c-form-error" id={error_id.to_string()} role="alert">{ error }</p>
        </div>
    }
}

#[component]
fn AttemptForm(p: &FormProps) -> Html {
    let l = p.lang;
    let outcome = use_state(String::new);
    let when = use_state(String::new);
    let error = use_state(String::new);
    let busy = use_state(|| false);
    let onsubmit = {
        let (p, outcome, when, error, busy) = (
            p.clone(),
            outcome.clone(),
            when.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let utc = api::local_input_to_utc(&when);
            match work::attempt_action(&outcome, utc.as_deref()) {
                Err(fe) => error.set(form_error(l, fe)),
                Ok(body) => {
                    let (outcome, when) = (outcome.clone(), when.clone());
                    send(&p, body, error.clone(), busy.clone(), move || {
                        outcome.set(String::new());
                        when.set(String::new());
                    })
                }
            }
        })
    };
    let choices: Vec<(&str, String)> = work::OUTCOMES.iter().map(|o| (*o, value(l, o))).collect();
    html! {
        <form class="c-panel c-form" data-form="attempt" aria-labelledby="c-f-attempt" onsubmit={onsubmit} novalidate=true>
            <h3 class="c-h3" id="c-f-attempt">{ c(l, C::LogAttempt) }</h3>
            { radios("c-outcome", c(l, C::Outcome), &choices, &outcome, "c-e-attempt") }
            if *outcome == "call_back" {
                <div class="c-field">
                    <label for="c-callback">{ c(l, C::CallBackTime) }</label>
                    <input id="c-callback" type="datetime-local" value={(*when).clone()} oninput={setter(&when)}
                        aria-describedby="c-e-attempt" required=true />
                </div>
            }
            { submit_row(c(l, C::SaveAttempt), *busy, "c-e-attempt", &error) }
        </form>
    }
}

#[component]
fn StatusForm(p: &FormProps) -> Html {
    let l = p.lang;
    let to = use_state(String::new);
    let note = use_state(String::new);
    let error = use_state(String::new);
    let busy = use_state(|| false);
    let onsubmit = {
        let (p, to, note, error, busy) = (
            p.clone(),
            to.clone(),
            note.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match work::status_action(&to, &note) {
                Err(fe) => error.set(form_error(l, fe)),
                Ok(body) => {
                    let (to, note) = (to.clone(), note.clone());
                    send(&p, body, error.clone(), busy.clone(), move || {
                        to.set(String::new());
                        note.set(String::new());
                    })
                }
            }
        })
    };
    let choices = vec![
        ("resolved", c(l, C::ToResolved).to_string()),
        ("escalate", c(l, C::ToEscalate).to_string()),
    ];
    html! {
        <form class="c-panel c-form" data-form="status" aria-labelledby="c-f-status" onsubmit={onsubmit} novalidate=true>
            <h3 class="c-h3" id="c-f-status">{ c(l, C::ChangeStatus) }</h3>
            { radios("c-status", c(l, C::NewStatus), &choices, &to, "c-e-status") }
            if *to == "resolved" {
                <div class="c-field">
                    <label for="c-status-note">{ c(l, C::WhatWasDone) }</label>
                    <textarea id="c-status-note" rows="2" maxlength="1000" value={(*note).clone()}
                        oninput={setter(&note)} aria-describedby="c-e-status" />
                </div>
            }
            { submit_row(c(l, C::SaveStatus), *busy, "c-e-status", &error) }
        </form>
    }
}

#[component]
fn CloseForm(p: &FormProps) -> Html {
    let l = p.lang;
    let cause = use_state(String::new);
    let severity = use_state(String::new);
    let resolution = use_state(String::new);
    let error = use_state(String::new);
    let busy = use_state(|| false);
    let onsubmit = {
        let (p, cause, severity, resolution, error, busy) = (
            p.clone(),
            cause.clone(),
            severity.clone(),
            resolution.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = work::close_action(&cause, &severity, &resolution);
            let (cause, severity, resolution) =
                (cause.clone(), severity.clone(), resolution.clone());
            send(&p, body, error.clone(), busy.clone(), move || {
                cause.set(String::new());
                severity.set(String::new());
                resolution.set(String::new());
            })
        })
    };
    let causes: Vec<(&str, String)> = work::CAUSES.iter().map(|v| (*v, value(l, v))).collect();
    let severities: Vec<(&str, String)> =
        work::SEVERITIES.iter().map(|v| (*v, value(l, v))).collect();
    html! {
        <form class="c-panel c-form" data-form="close" aria-labelledby="c-f-close" onsubmit={onsubmit} novalidate=true>
            <h3 class="c-h3" id="c-f-close">{ c(l, C::CloseTitle) }</h3>
            { radios("c-cause", c(l, C::CauseLabel), &causes, &cause, "c-e-close") }
            { radios("c-severity", c(l, C::SeverityLabel), &severities, &severity, "c-e-close") }
            <div class="c-field">
                <label for="c-close-note">{ c(l, C::ResolutionLabel) }</label>
                <textarea id="c-close-note" rows="2" maxlength="1000" value={(*resolution).clone()}
                    oninput={setter(&resolution)} aria-describedby="c-e-close" />
            </div>
            { submit_row(c(l, C::CloseBtn), *busy, "c-e-close", &error) }
        </form>
    }
}

#[component]
fn AssignForm(p: &FormProps) -> Html {
    let l = p.lang;
    let login = use_state(String::new);
    let error = use_state(String::new);
    let busy = use_state(|| false);
    let onsubmit = {
        let (p, login, error, busy) = (p.clone(), login.clone(), error.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let reset = login.clone();
            send(
                &p,
                work::assign_action(&login),
                error.clone(),
                busy.clone(),
                move || reset.set(String::new()),
            )
        })
    };
    let take = {
        let (p, error, busy) = (p.clone(), error.clone(), busy.clone());
        Callback::from(move |_: MouseEvent| {
            send(
                &p,
                work::assign_action(&p.login),
                error.clone(),
                busy.clone(),
                || {},
            )
        })
    };
    let mine = p.owner.as_deref() == Some(p.login.as_str());
    html! {
        <form class="c-panel c-form" data-form="assign" aria-labelledby="c-f-assign" onsubmit={onsubmit} novalidate=true>
            <h3 class="c-h3" id="c-f-assign">{ c(l, C::Reassign) }</h3>
            if !mine {
                <p><button type="button" class="c-btn" data-action="take" onclick={take}>{ c(l, C::TakeIt) }</button></p>
            }
            <div class="c-field">
                <label for="c-assign-to">{ c(l, C::AssignTo) }</label>
                <input id="c-assign-to" type="text" autocomplete="off" spellcheck="false" value={(*login).clone()}
                    oninput={setter(&login)} aria-describedby="c-e-assign" />
            </div>
            { submit_row(c(l, C::AssignBtn), *busy, "c-e-assign", &error) }
        </form>
    }
}

#[component]
fn ReopenForm(p: &FormProps) -> Html {
    let l = p.lang;
    let reason = use_state(String::new);
    let error = use_state(String::new);
    let busy = use_state(|| false);
    let onsubmit = {
        let (p, reason, error, busy) = (p.clone(), reason.clone(), error.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let reset = reason.clone();
            send(
                &p,
                work::reopen_action(&reason),
                error.clone(),
                busy.clone(),
                move || reset.set(String::new()),
            )
        })
    };
    html! {
        <form class="c-panel c-form" data-form="reopen" aria-labelledby="c-f-reopen" onsubmit={onsubmit} novalidate=true>
            <h3 class="c-h3" id="c-f-reopen">{ c(l, C::ReopenTitle) }</h3>
            <div class="c-field">
                <label for="c-reopen-reason">{ c(l, C::Reason) }</label>
                <textarea id="c-reopen-reason" rows="2" maxlength="1000" value={(*reason).clone()}
                    oninput={setter(&reason)} aria-describedby="c-e-reopen" />
            </div>
            { submit_row(c(l, C::ReopenBtn), *busy, "c-e-reopen", &error) }
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct NavProps {
    pub lang: Lang,
    pub role: String,
    pub route: Route,
}

/// The console's pages: the overview, and the cases for the roles that work them (a
/// service advisor gets no entry: cases are complaints about their own service).
#[component]
pub fn Nav(props: &NavProps) -> Html {
    let l = props.lang;
    let on_cases = matches!(props.route, Route::Cases | Route::Case(_));
    let current = |yes: bool| yes.then_some("page");
    html! {
        <nav class="c-nav" aria-label={t(l, T::Pages)}>
            { for [(Route::Overview, T::Overview), (Route::Responses, T::ResponsesPage), (Route::Report, T::Report)]
                .into_iter().map(|(r, name)| html! {
                    <a class="c-nav-link" href={r.hash()} aria-current={current(props.route == r)}>{ t(l, name) }</a>
                }) }
            <a class="c-nav-link" href={Route::Funnel.hash()} aria-current={current(props.route == Route::Funnel)}>
                { crate::i18n::funnel_text(l, crate::i18n::F::Nav) }
            </a>
            if work::works_cases(&props.role) {
                <a class="c-nav-link" href={Route::Cases.hash()} aria-current={current(on_cases)}>{ c(l, C::Cases) }</a>
            }
            if work::works_cases(&props.role) {
                <a class="c-nav-link" href={Route::Calls.hash()} aria-current={current(props.route == Route::Calls)}>
                    { crate::call_texts::w(l, crate::call_texts::W::Calls) }
                </a>
            }
            if work::works_cases(&props.role) {
                <a class="c-nav-link" href={Route::Targets.hash()} aria-current={current(props.route == Route::Targets)}>
                    { crate::i18n::target_text(l, crate::i18n::G::Nav) }
                </a>
            }
            if work::reads_coverage(&props.role) {
                <a class="c-nav-link" href={Route::Coverage.hash()} aria-current={current(props.route == Route::Coverage)}>
                    { crate::call_texts::w(l, crate::call_texts::W::Coverage) }
                </a>
            }
            if work::vouches(&props.role) {
                <a class="c-nav-link" href={Route::Kiosks.hash()} aria-current={current(props.route == Route::Kiosks)}>
                    { crate::i18n::kiosk_text(l, crate::i18n::K::Nav) }
                </a>
            }
            if work::vouches(&props.role) {
                <a class="c-nav-link" href={Route::Questionnaires.hash()}
                    aria-current={current(props.route == Route::Questionnaires)}>
                    { crate::questionnaire_texts::q(l, crate::questionnaire_texts::Q::Nav) }
                </a>
            }
            if work::vouches(&props.role) {
                <a class="c-nav-link" href={Route::Notifications.hash()}
                    aria-current={current(props.route == Route::Notifications)}>
                    { crate::webhook_texts::h(l, crate::webhook_texts::H::Nav) }
                </a>
            }
        </nav>
    }
}
