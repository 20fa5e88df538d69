//! The response list: `/v1/responses` for the console's survey, dealer and period and
//! the list's own filters (advisor, alerts, CSI range, source, words in a comment), 25
//! a page, newest first, with the collector's cursor, the total from `/v1/summary` of exactly the same
//! filters; and one response read in full (its answers in the questionnaire's wording,
//! its server score card and alerts, contact details only when the collector sent them).

use crate::api::{self, Failure};
use crate::app::SummaryReply;
use crate::figures;
use crate::i18n::{alert, dimension, t, Lang, T};
use crate::responses::{
    self, excerpt, has_contact_details, lines, FilterError, Item, ListFilters, Page, Shown,
    PAGE_SIZE,
};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ListProps {
    pub lang: Lang,
    pub survey: AttrValue,
    pub dealer: String,
    /// The period's first and last day, or `None` while it is invalid.
    pub range: Option<(String, String)>,
    /// The list's own filters (the advisors table sets the advisor when drilling in).
    pub filters: UseStateHandle<ListFilters>,
    /// A service advisor reads only their own: no advisor field.
    pub own_only: bool,
    /// The account may download exports ([`crate::casework::exports`]).
    pub exports: bool,
}

#[component]
pub fn ResponseList(props: &ListProps) -> Html {
    let l = props.lang;
    let person = if props.survey == "post-call" {
        "agent"
    } else {
        "advisor"
    };
    // The cursors of the pages seen so far: page i starts after cursors[i].
    let cursors = use_state(|| vec![None::<String>]);
    let page = use_state(|| None::<Result<Page, String>>);
    let total = use_state(|| None::<u64>);
    let open = use_state(|| None::<Item>);
    // The form's fields: `draft` for rendering, `latest` for the submit. A state
    // handle's value is that of its render, so a submit in the same turn as the last
    // keystroke (Enter) would read the fields as they were before it; `latest` holds
    // every change at once.
    let draft = use_state(|| (*props.filters).clone());
    let latest = use_mut_ref(|| (*props.filters).clone());
    let filter_error = use_state(|| None::<FilterError>);

    // Filters changed elsewhere (a drill-in from the advisors table): the form follows.
    {
        let draft = draft.clone();
        let latest = latest.clone();
        let cursors = cursors.clone();
        use_effect_with((*props.filters).clone(), move |f| {
            *latest.borrow_mut() = f.clone();
            draft.set(f.clone());
            cursors.set(vec![None]);
        });
    }
    let base = responses::page_query(
        &props.survey,
        &props.dealer,
        props.range.as_ref(),
        Some((&props.filters, person)),
    );
    // A late answer to an earlier filter is dropped (api::spawn_current).
    {
        let page = page.clone();
        let total = total.clone();
        let after = cursors.last().cloned().flatten();
        use_effect_with((base.clone(), after), move |(base, after)| {
            let mut cleanup: Option<Box<dyn FnOnce()>> = None;
            if let Some(base) = base.clone() {
                let mut pairs = base.clone();
                pairs.push(("limit", PAGE_SIZE.to_string()));
                // A manager reads what came in last first.
                pairs.push(("order", "newest".to_string()));
                if let Some(a) = after {
                    pairs.push(("after", a.clone()));
                }
                let list_url = format!("/v1/responses?{}", api::query(&pairs));
                let sum_url = format!("/v1/summary?{}", api::query(&base));
                page.set(None);
                let (page, total) = (page.clone(), total.clone());
                cleanup = Some(Box::new(api::spawn_current(
                    async move {
                        let got = api::get::<Page>(&list_url).await;
                        (got, api::get::<SummaryReply>(&sum_url).await)
                    },
                    move |(got, counted)| {
                        match got {
                            Ok(p) => page.set(Some(Ok(p))),
                            Err(Failure::SignedOut) => api::sign_in(),
                            Err(e) => page.set(Some(Err(e.line()))),
                        }
                        total.set(counted.ok().map(|s| u64::from(s.summary.n) + s.unscored));
                    },
                )));
            }
            move || {
                if let Some(stop) = cleanup {
                    stop();
                }
            }
        });
    }
    // Back from a response: the focus returns to its row's button.
    let back = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| {
            let id = open.as_ref().map(|i| format!("c-open-{}", i.id));
            open.set(None);
            if let Some(id) = id {
                gloo_focus_later(id);
            }
        })
    };
    if let Some(item) = &*open {
        return html! { <Detail lang={l} item={item.clone()} on_back={back} /> };
    }

    let set = |change: fn(&mut ListFilters, String)| {
        let (draft, latest) = (draft.clone(), latest.clone());
        Callback::from(move |e: Event| {
            if let Some(v) = api::field_value(&e) {
                change(&mut latest.borrow_mut(), v);
                draft.set(latest.borrow().clone());
            }
        })
    };
    // Typed fields follow every keystroke: Yew writes a field's value back from the
    // state whenever the list draws (a page or its count arriving), so a field kept
    // only on `change` lost what was typed before it (the e2e caught an advisor's id
    // emptied while the period's list loaded; CI saw it as a flaky filter).
    let typed = |change: fn(&mut ListFilters, String)| set(change).reform(Event::from);
    let on_submit = {
        let latest = latest.clone();
        let filters = props.filters.clone();
        let filter_error = filter_error.clone();
        let cursors = cursors.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let current = latest.borrow().clone();
            match current.pairs(person) {
                Ok(_) => {
                    filter_error.set(None);
                    cursors.set(vec![None]);
                    filters.set(current);
                }
                Err(err) => filter_error.set(Some(err)),
            }
        })
    };
    let on_clear = {
        let filters = props.filters.clone();
        let (draft, latest) = (draft.clone(), latest.clone());
        let filter_error = filter_error.clone();
        let own_only = props.own_only;
        Callback::from(move |_: MouseEvent| {
            filter_error.set(None);
            let mut fresh = ListFilters::default();
            if own_only {
                fresh.advisor.clear();
            }
            // The form too: with nothing sent yet the filters do not change, and the
            // typed fields would stay.
            *latest.borrow_mut() = fresh.clone();
            draft.set(fresh.clone());
            filters.set(fresh);
        })
    };
    let d = (*draft).clone();
    let error_text = filter_error.map(|e| match e {
        FilterError::BadCsi => t(l, T::BadCsi),
        FilterError::CsiReversed => t(l, T::CsiReversed),
    });
    let invalid = filter_error.is_some().to_string();
    let form = html! {
        <form class="c-filters" aria-label={t(l, T::ResponsesPage)} onsubmit={on_submit}>
            if !props.own_only {
                <div class="c-field">
                    <label for="c-l-advisor">{ t(l, if person == "agent" { T::Agents } else { T::Advisor }) }</label>
                    <input id="c-l-advisor" type="text" value={d.advisor.clone()} oninput={typed(|f, v| f.advisor = v)} />
                </div>
            }
            <div class="c-field">
                <label for="c-l-station">{ crate::i18n::kiosk_text(l, crate::i18n::K::Station) }</label>
                <input id="c-l-station" type="text" value={d.station.clone()} oninput={typed(|f, v| f.station = v)} />
            </div>
            <div class="c-field">
                <label for="c-l-alerts">{ t(l, T::Alerts) }</label>
                <select id="c-l-alerts" onchange={set(|f, v| f.alerts = v)}>
                    <option value="" selected={d.alerts.is_empty()}>{ t(l, T::All) }</option>
                    <option value="yes" selected={d.alerts == "yes"}>{ t(l, T::WithAlerts) }</option>
                    <option value="no" selected={d.alerts == "no"}>{ t(l, T::WithoutAlerts) }</option>
                </select>
            </div>
            <div class="c-field c-narrow">
                <label for="c-l-min">{ t(l, T::CsiMin) }</label>
                <input id="c-l-min" type="number" min="0" max="100" step="1" inputmode="numeric"
                    value={d.csi_min.clone()} oninput={typed(|f, v| f.csi_min = v)}
                    aria-invalid={invalid.clone()} aria-describedby="c-l-error" />
            </div>
            <div class="c-field c-narrow">
                <label for="c-l-max">{ t(l, T::CsiMax) }</label>
                <input id="c-l-max" type="number" min="0" max="100" step="1" inputmode="numeric"
                    value={d.csi_max.clone()} oninput={typed(|f, v| f.csi_max = v)}
                    aria-invalid={invalid} aria-describedby="c-l-error" />
            </div>
            <div class="c-field">
                <label for="c-l-source">{ t(l, T::Source) }</label>
                <select id="c-l-source" onchange={set(|f, v| f.verified = v)}>
                    <option value="all" selected={d.verified.is_empty() || d.verified == "all"}>{ t(l, T::All) }</option>
                    <option value="yes" selected={d.verified == "yes"}>{ t(l, T::VerifiedYes) }</option>
                    <option value="no" selected={d.verified == "no"}>{ t(l, T::VerifiedNo) }</option>
                </select>
            </div>
            <div class="c-field">
                <label for="c-l-q">{ t(l, T::Search) }</label>
                <input id="c-l-q" type="search" maxlength="100" value={d.words.clone()} oninput={typed(|f, v| f.words = v)} />
            </div>
            <div class="c-actions">
                <button type="submit" class="c-btn c-primary">{ t(l, T::Show) }</button>
                <button type="button" class="c-btn" onclick={on_clear}>{ t(l, T::Clear) }</button>
            </div>
            <p class="c-error" id="c-l-error" role="alert">{ error_text.unwrap_or_default() }</p>
        </form>
    };

    let body = match &*page {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(p)) if p.items.is_empty() && cursors.len() == 1 => {
            html! { <p class="c-note" role="status" data-count="0">{ t(l, T::NoResponses) }</p> }
        }
        Some(Ok(p)) => {
            let first = (cursors.len() - 1) * PAGE_SIZE as usize + 1;
            let last = first + p.items.len() - 1;
            let status = match (l, *total) {
                (Lang::ZhCn, Some(n)) => format!("共 {n} 条回答，当前第 {first}–{last} 条"),
                (Lang::En, Some(n)) => format!("{n} responses; showing {first}–{last}"),
                (Lang::ZhCn, None) => format!("当前第 {first}–{last} 条"),
                (Lang::En, None) => format!("Showing {first}–{last}"),
            };
            let offset = api::offset_minutes();
            let prev = {
                let cursors = cursors.clone();
                Callback::from(move |_: MouseEvent| {
                    let mut c = (*cursors).clone();
                    if c.len() > 1 {
                        c.pop();
                        cursors.set(c);
                    }
                })
            };
            let next = {
                let cursors = cursors.clone();
                let cursor = p.next.clone();
                Callback::from(move |_: MouseEvent| {
                    if let Some(n) = cursor.clone() {
                        let mut c = (*cursors).clone();
                        c.push(Some(n));
                        cursors.set(c);
                    }
                })
            };
            html! {
                <>
                    <p class="c-count" role="status" data-total={total.map(|n| n.to_string())}
                        data-first={first.to_string()} data-last={last.to_string()}>{ status }</p>
                    <div class="c-scroll">
                    <table class="c-table c-list" data-table="responses">
                        <caption class="c-sr">{ t(l, T::ListTable) }</caption>
                        <thead><tr>
                            <th scope="col">{ t(l, T::Submitted) }</th>
                            <th scope="col">{ t(l, T::Dealer) }</th>
                            <th scope="col">{ t(l, if person == "agent" { T::Agents } else { T::Advisor }) }</th>
                            <th scope="col" class="c-num">{ "CSI" }</th>
                            <th scope="col" class="c-num">{ "NPS" }</th>
                            <th scope="col">{ t(l, T::Alerts) }</th>
                            <th scope="col">{ t(l, T::Verified) }</th>
                            <th scope="col">{ t(l, T::Comment) }</th>
                            <th scope="col"><span class="c-sr">{ t(l, T::Open) }</span></th>
                        </tr></thead>
                        <tbody>
                        { for p.items.iter().map(|item| {
                            let when = responses::local_time(&item.payload.created_at, offset);
                            let open_it = {
                                let open = open.clone();
                                let item = item.clone();
                                Callback::from(move |_: MouseEvent| {
                                    open.set(Some(item.clone()));
                                })
                            };
                            let rules = item.alert_rules();
                            html! {
                                <tr data-id={item.id.clone()}>
                                    <td class="c-nowrap">{ when.clone() }</td>
                                    <td>{ item.context("dealer").unwrap_or("–").to_string() }</td>
                                    <td>{ item.context(person).unwrap_or("–").to_string() }</td>
                                    <td class="c-num">{ item.csi().map(figures::one_decimal).unwrap_or_else(|| "–".into()) }</td>
                                    <td class="c-num">{ item.nps().map(|n| n.to_string()).unwrap_or_else(|| "–".into()) }</td>
                                    <td>{ if rules.is_empty() { "–".to_string() } else {
                                        rules.iter().map(|r| alert(l, *r)).collect::<Vec<_>>().join(if l == Lang::ZhCn { "、" } else { ", " })
                                    } }</td>
                                    <td>{ t(l, if item.verified { T::Yes } else { T::No }) }</td>
                                    <td class="c-comment">{ excerpt(&item.comment(), 60) }</td>
                                    <td><button type="button" class="c-btn c-open" id={format!("c-open-{}", item.id)}
                                        aria-label={format!("{} {when}", t(l, T::Open))} onclick={open_it}>{ t(l, T::Open) }</button></td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                    </div>
                    <nav class="c-pager" aria-label={t(l, T::ResponsesPage)}>
                        <button type="button" class="c-btn" onclick={prev} disabled={cursors.len() == 1}>{ t(l, T::Previous) }</button>
                        <button type="button" class="c-btn" onclick={next} disabled={p.next.is_none()}>{ t(l, T::Next) }</button>
                    </nav>
                </>
            }
        }
    };
    html! {
        <section class="c-responses" aria-labelledby="c-page-title">
            { form }
            if props.exports {
                <crate::download::Downloads lang={l} query={base.clone()} name="responses" />
            }
            { body }
        </section>
    }
}

/// Focuses an element once the view that holds it is drawn.
fn gloo_focus_later(id: String) {
    wasm_bindgen_futures::spawn_local(async move {
        // One turn of the event loop: Yew draws the list first.
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(
            &wasm_bindgen::JsValue::NULL,
        ))
        .await;
        api::focus(&id);
    });
}

/// Where a dealer questionnaire's wording stands for the response being read.
enum Wording {
    Loading,
    Read(responses::Questionnaire),
    /// The collector's one line on why it could not be read.
    Unreadable(String),
}

#[derive(Properties, PartialEq)]
struct DetailProps {
    lang: Lang,
    item: Item,
    on_back: Callback<MouseEvent>,
}

#[component]
fn Detail(props: &DetailProps) -> Html {
    let l = props.lang;
    let item = &props.item;
    use_effect_with(item.id.clone(), |_| {
        gloo_focus_later("c-detail-title".into())
    });
    // A dealer's own questionnaire is not compiled in: its published version (the one
    // this response was answered on) comes from the collector, for its wording. Until it
    // arrives the answers say so rather than showing question ids that then change under
    // the reader; if it cannot be read, the ids are shown with the reason.
    let fetched = use_state(|| Wording::Loading);
    {
        let fetched = fetched.clone();
        let survey = item.payload.survey.clone();
        use_effect_with(survey, move |s| {
            fetched.set(Wording::Loading);
            let mut cleanup: Option<Box<dyn FnOnce()>> = None;
            if responses::definition(&s.id).is_none() {
                let path = format!("/v1/definitions/{}/{}", api::path_segment(&s.id), s.version);
                cleanup = Some(Box::new(api::spawn_current(
                    async move { api::get::<responses::Questionnaire>(&path).await },
                    move |r| {
                        fetched.set(match r {
                            Ok(def) => Wording::Read(def),
                            Err(e) => Wording::Unreadable(e.line()),
                        })
                    },
                )));
            }
            move || {
                if let Some(c) = cleanup {
                    c();
                }
            }
        });
    }
    let (def, wording_note) = match responses::definition(&item.payload.survey.id) {
        Some(d) => (Some(d), None),
        None => match &*fetched {
            Wording::Loading => (
                None,
                Some(html! {
                    <p class="c-note" role="status" data-wording="loading">{ t(l, T::WordingLoading) }</p>
                }),
            ),
            Wording::Read(d) => (Some(d.clone()), None),
            Wording::Unreadable(why) => (
                None,
                Some(html! {
                    <p class="c-note" role="status" data-wording="unreadable">{ format!("{} ({why})", t(l, T::WordingUnreadable)) }</p>
                }),
            ),
        },
    };
    let loading = matches!(&*fetched, Wording::Loading) && def.is_none();
    let all = lines(def.as_ref(), &item.payload.answers, l);
    let offset = api::offset_minutes();
    let when = responses::local_time(&item.payload.created_at, offset);
    let shown = |s: &Shown| -> Html {
        match s {
            Shown::Scale { value, max } => {
                html! { <span class="c-nowrap">{ format!("{value} / {max}") }</span> }
            }
            Shown::Yes => html! { t(l, T::Yes) },
            Shown::No => html! { t(l, T::No) },
            Shown::NotApplicable => html! { t(l, T::NotApplicable) },
            Shown::Text(text) => html! { <span class="c-text">{ text.clone() }</span> },
            Shown::Chosen(labels) => html! {
                <ul class="c-chosen">{ for labels.iter().map(|x| html! { <li>{ x.clone() }</li> }) }</ul>
            },
            Shown::Contact { consent, .. } => {
                html! { t(l, if *consent { T::ConsentYes } else { T::ConsentNo }) }
            }
        }
    };
    let contact = all.iter().find(|x| has_contact_details(&x.shown)).map(|x| match &x.shown {
        Shown::Contact { phone, email, .. } => html! {
            <section class="c-panel c-contact" aria-labelledby="c-contact-title" data-block="contact">
                <h4 class="c-h4" id="c-contact-title">{ t(l, T::Contact) }</h4>
                <dl class="c-pairs">
                    if let Some(p) = phone { <dt>{ t(l, T::Phone) }</dt><dd>{ p.clone() }</dd> }
                    if let Some(e) = email { <dt>{ t(l, T::Email) }</dt><dd>{ e.clone() }</dd> }
                </dl>
            </section>
        },
        _ => Html::default(),
    });
    let context_keys = [
        "dealer",
        "advisor",
        "agent",
        "station",
        "channel",
        "repair_order",
        "visit_date",
    ];
    let label_of = |k: &str| -> String {
        match (l, k) {
            (_, "dealer") => t(l, T::Dealer).to_string(),
            (_, "advisor") => t(l, T::Advisor).to_string(),
            (_, "agent") => t(l, T::Agents).to_string(),
            (Lang::ZhCn, "station") => "站点".into(),
            (Lang::ZhCn, "channel") => "渠道".into(),
            (Lang::ZhCn, "repair_order") => "工单号".into(),
            (Lang::ZhCn, "visit_date") => "到店日期".into(),
            (Lang::En, "station") => "Station".into(),
            (Lang::En, "channel") => "Channel".into(),
            (Lang::En, "repair_order") => "Repair order".into(),
            (Lang::En, "visit_date") => "Visit date".into(),
            _ => k.to_string(),
        }
    };
    let card = item.score.as_ref();
    html! {
        <article class="c-detail" aria-labelledby="c-detail-title" data-response={item.id.clone()}>
            <button type="button" class="c-btn" onclick={props.on_back.clone()}>{ format!("← {}", t(l, T::Back)) }</button>
            <h3 class="c-h3 c-detail-title" id="c-detail-title" tabindex="-1">{ format!("{} · {when}", t(l, T::Response)) }</h3>
            <div class="c-detail-grid">
                <section class="c-panel" aria-labelledby="c-visit-title">
                    <h4 class="c-h4" id="c-visit-title">{ t(l, T::Context) }</h4>
                    <dl class="c-pairs">
                        { for context_keys.iter().filter_map(|k| item.context(k).map(|v| html! {
                            <><dt>{ label_of(k) }</dt><dd>{ v.to_string() }</dd></>
                        })) }
                        <dt>{ t(l, T::Verified) }</dt><dd>{ t(l, if item.verified { T::Yes } else { T::No }) }</dd>
                    </dl>
                </section>
                <section class="c-panel" aria-labelledby="c-card-title" data-block="score">
                    <h4 class="c-h4" id="c-card-title">{ t(l, T::ScoreCard) }</h4>
                    {
                        match card {
                            None => html! { <p>{ t(l, T::NoData) }</p> },
                            Some(c) => html! {
                                <>
                                <dl class="c-pairs">
                                    <dt>{ "CSI" }</dt><dd data-figure="csi">{ c.csi.map(figures::one_decimal).unwrap_or_else(|| "–".into()) }</dd>
                                    if let Some(n) = &c.nps {
                                        <dt>{ "NPS" }</dt><dd>{ format!("{} / 10 · {}", n.value, {
                                            use survey_core::scoring::NpsCategory::*;
                                            match (l, n.category) {
                                                (Lang::ZhCn, Promoter) => "推荐者",
                                                (Lang::ZhCn, Passive) => "中立者",
                                                (Lang::ZhCn, Detractor) => "贬损者",
                                                (Lang::En, Promoter) => "promoter",
                                                (Lang::En, Passive) => "passive",
                                                (Lang::En, Detractor) => "detractor",
                                            }
                                        }) }</dd>
                                    }
                                    if let Some(f) = &c.fcr {
                                        <dt>{ t(l, T::Fcr) }</dt><dd>{ t(l, if f.resolved { T::Yes } else { T::No }) }</dd>
                                    }
                                    { for c.dimensions.iter().filter_map(|d| d.mean.map(|m| html! {
                                        <><dt>{ dimension(l, d.dimension) }</dt><dd>{ figures::one_decimal(m) }</dd></>
                                    })) }
                                    if let Some(due) = &c.follow_up_due {
                                        <dt>{ t(l, T::FollowUpDue) }</dt><dd>{ responses::local_time(due, offset) }</dd>
                                    }
                                </dl>
                                <h5 class="c-h5">{ t(l, T::Alerts) }</h5>
                                if c.alerts.is_empty() {
                                    <p>{ t(l, T::NoAlerts) }</p>
                                } else {
                                    <ul class="c-alerts" data-block="alerts">
                                        { for c.alerts.iter().map(|a| html! {
                                            <li><strong>{ alert(l, a.rule) }</strong>{ format!(" · {}", a.detail) }</li>
                                        }) }
                                    </ul>
                                }
                                </>
                            },
                        }
                    }
                </section>
                { contact.unwrap_or_default() }
            </div>
            { wording_note.unwrap_or_default() }
            if !loading {
                <table class="c-table c-answers" data-table="answers">
                    <caption>{ t(l, T::Answers) }</caption>
                    <thead><tr><th scope="col">{ t(l, T::Question) }</th><th scope="col">{ t(l, T::Answer) }</th></tr></thead>
                    <tbody>
                        { for all.iter().map(|x| html! {
                            <tr data-question={x.id.clone()}><th scope="row">{ x.label.clone() }</th><td>{ shown(&x.shown) }</td></tr>
                        }) }
                    </tbody>
                </table>
            }
        </article>
    }
}
