//! Where a dealer's new cases and escalations are posted (issue 16): a manager sets the
//! address and its shape (our JSON, a WeCom or a DingTalk group robot) or removes it.
//! The collector keeps it and delivers with retries (`/v1/dealers/{dealer}/webhook`,
//! collector/src/routes/webhooks.rs, collector/src/notify.rs); this page only shows
//! and changes it.

use crate::api;
use crate::i18n::{t, Lang, T};
use crate::webhook_texts::{h, H};
use serde::Deserialize;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Hook {
    url: String,
    format: String,
    updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Reply {
    webhook: Option<Hook>,
}

#[derive(Properties, PartialEq)]
pub struct WebhookProps {
    pub lang: Lang,
    pub csrf: String,
    /// The dealers this account manages.
    pub dealers: Vec<String>,
}

/// The formats the collector takes, with their names.
const FORMATS: [(&str, H); 3] = [
    ("plain", H::Plain),
    ("wecom", H::WeCom),
    ("dingtalk", H::DingTalk),
];

#[component]
pub fn WebhookPage(props: &WebhookProps) -> Html {
    let l = props.lang;
    let dealer = use_state(|| props.dealers.first().cloned().unwrap_or_default());
    let current = use_state(|| None::<Result<Option<Hook>, String>>);
    // The done line as its text key, so it reads in the language chosen after it.
    let outcome = use_state(|| None::<Result<H, String>>);
    let busy = use_state(|| false);
    // The address being typed, in state: a refusal re-renders the page, and what was
    // typed must stay there to fix (seen emptied by the e2e before this).
    let url_text = use_state(String::new);
    let format_ref = use_node_ref();

    {
        let (current, url_text) = (current.clone(), url_text.clone());
        use_effect_with((*dealer).clone(), move |d| {
            current.set(None);
            let path = format!("/v1/dealers/{}/webhook", api::path_segment(d));
            let shown = current.clone();
            api::spawn_current(
                async move { api::get::<Reply>(&path).await },
                move |r| match r {
                    Ok(reply) => {
                        let url = reply.webhook.as_ref().map(|h| h.url.clone());
                        url_text.set(url.unwrap_or_default());
                        shown.set(Some(Ok(reply.webhook)));
                    }
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            shown.set(Some(Err(e)));
                        }
                    }
                },
            )
        });
    }

    // Saves (`Some` body) or removes (`None`) the dealer's webhook.
    let change = {
        let (dealer, current, outcome, busy) = (
            dealer.clone(),
            current.clone(),
            outcome.clone(),
            busy.clone(),
        );
        let csrf = props.csrf.clone();
        move |body: Option<String>, done: H| {
            if *busy {
                return;
            }
            busy.set(true);
            outcome.set(None);
            let path = format!("/v1/dealers/{}/webhook", api::path_segment(&dealer));
            let method = if body.is_some() { "PUT" } else { "DELETE" };
            let (current, outcome, busy, csrf) =
                (current.clone(), outcome.clone(), busy.clone(), csrf.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let r = api::send(method, &path, &csrf, body)
                    .await
                    .and_then(|text| {
                        serde_json::from_str::<Reply>(&text)
                            .map_err(|e| api::Failure::Refused(e.to_string()))
                    });
                busy.set(false);
                match r {
                    Ok(reply) => {
                        current.set(Some(Ok(reply.webhook)));
                        outcome.set(Some(Ok(done)));
                    }
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            outcome.set(Some(Err(e)));
                        }
                    }
                }
            });
        }
    };
    let on_input = {
        let url_text = url_text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                url_text.set(i.value());
            }
        })
    };
    let on_save = {
        let change = change.clone();
        let (url_text, format_ref) = (url_text.clone(), format_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let url = url_text.trim().to_string();
            let format = format_ref
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let body = serde_json::json!({ "url": url, "format": format }).to_string();
            change(Some(body), H::Saved);
        })
    };
    let on_remove = {
        let change = change.clone();
        Callback::from(move |_: MouseEvent| change(None, H::Removed))
    };
    let on_dealer = {
        let (dealer, outcome) = (dealer.clone(), outcome.clone());
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                outcome.set(None);
                dealer.set(s.value());
            }
        })
    };

    let hook = match &*current {
        Some(Ok(hook)) => hook.clone(),
        _ => None,
    };
    let now = match &*current {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => html! { <p class="c-error" role="alert">{ e.clone() }</p> },
        Some(Ok(None)) => html! { <p data-webhook="none">{ h(l, H::NoneSet) }</p> },
        Some(Ok(Some(hook))) => html! {
            <dl class="c-issued-list" data-webhook={hook.format.clone()}>
                <dt>{ h(l, H::Url) }</dt><dd><code class="c-code">{ hook.url.clone() }</code></dd>
                <dt>{ h(l, H::Format) }</dt>
                <dd>{ FORMATS.iter().find(|(k, _)| *k == hook.format).map_or(hook.format.clone(), |(_, n)| h(l, *n).to_string()) }</dd>
                <dt>{ h(l, H::Updated) }</dt><dd>{ crate::figures::minute(&hook.updated_at) }</dd>
            </dl>
        },
    };
    let result = match &*outcome {
        None => html! { <p id="wh-result" role="status"></p> },
        Some(Ok(done)) => html! { <p id="wh-result" role="status">{ h(l, *done) }</p> },
        Some(Err(e)) => html! { <p id="wh-result" class="c-error" role="alert">{ e.clone() }</p> },
    };
    let chosen = hook
        .as_ref()
        .map_or("plain", |x| x.format.as_str())
        .to_string();
    html! {
        <section class="c-webhook" aria-labelledby="wh-h">
            <h2 id="wh-h" class="c-h2">{ h(l, H::Heading) }</h2>
            <p class="c-note">{ h(l, H::Intro) }</p>
            <div class="c-field">
                <label for="wh-dealer">{ t(l, T::Dealer) }</label>
                <select id="wh-dealer" onchange={on_dealer}>
                    { for props.dealers.iter().map(|d| html! {
                        <option value={d.clone()} selected={*d == *dealer}>{ d.clone() }</option>
                    }) }
                </select>
            </div>
            <h3 class="c-h3">{ h(l, H::Current) }</h3>
            { now }
            <form class="c-form c-definition-form" aria-labelledby="wh-set-h" onsubmit={on_save}>
                <h3 id="wh-set-h" class="c-h3">{ h(l, H::Set) }</h3>
                <div class="c-field">
                    <label for="wh-url">{ h(l, H::Url) }</label>
                    <input id="wh-url" type="url" required=true autocomplete="off" spellcheck="false"
                        value={(*url_text).clone()} oninput={on_input}
                        aria-describedby="wh-url-hint wh-result" />
                    <span id="wh-url-hint" class="c-hint">{ h(l, H::UrlHint) }</span>
                </div>
                <div class="c-field">
                    <label for="wh-format">{ h(l, H::Format) }</label>
                    <select id="wh-format" ref={format_ref}>
                        { for FORMATS.iter().map(|(k, n)| html! {
                            <option value={*k} selected={chosen == *k}>{ h(l, *n) }</option>
                        }) }
                    </select>
                </div>
                <div class="c-submit">
                    <button type="submit" class="c-btn c-btn-primary" disabled={*busy}>{ h(l, H::Save) }</button>
                    if hook.is_some() {
                        <button type="button" class="c-btn c-btn-danger" disabled={*busy} onclick={on_remove}>{ h(l, H::Remove) }</button>
                    }
                    { result }
                </div>
            </form>
        </section>
    }
}
