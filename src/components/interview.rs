//! The phone interview's own parts (`mode=interview`, `survey_core::interview`): the
//! call-outcome bar, the key shortcuts, and the agent's "recorded" line instead of the
//! customer's thank-you. The survey around them is the ordinary one.

use crate::i18n::{self, Msg};
use crate::services::{browser, http};
use std::rc::Rc;
use survey_core::endpoint::Endpoint;
use survey_core::interview::{self, CallOutcome, Ending, Shortcut};
use survey_core::Locale;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OutcomeBarProps {
    pub locale: Locale,
    /// The case the call is for; the attempt is logged on it.
    pub case: AttrValue,
    /// The interview endpoint's headers (the page's CSRF token) go with the attempt.
    pub endpoint: Rc<Endpoint>,
    /// The attempt is logged: the interview ends without a response.
    pub on_logged: Callback<()>,
}

/// Reached, no answer, refused, call back later: only "reached" goes on to the
/// questions; the others log one attempt on the case and end without a response.
#[component]
pub fn OutcomeBar(props: &OutcomeBarProps) -> Html {
    let l = &props.locale;
    let busy = use_state(|| false);
    let failed = use_state(|| false);
    let reached = use_state(|| false);
    let (is_reached, is_busy) = (*reached, *busy);
    let pressed = move |o: CallOutcome| (o == CallOutcome::Reached).then(|| is_reached.to_string());
    let button = |outcome: CallOutcome, msg: Msg| {
        let (busy, failed, reached) = (busy.clone(), failed.clone(), reached.clone());
        let (case, endpoint, on_logged) = (
            props.case.to_string(),
            props.endpoint.clone(),
            props.on_logged.clone(),
        );
        let onclick = Callback::from(move |_: MouseEvent| {
            match interview::ending(outcome, &browser::now_rfc3339()) {
                Some(Ending::Interview) => {
                    reached.set(true);
                    focus_first_answer();
                }
                Some(Ending::LogAttempt(o)) => {
                    let Some(path) = interview::attempt_path(&case) else {
                        failed.set(true);
                        return;
                    };
                    busy.set(true);
                    let (busy, failed, on_logged, endpoint) = (
                        busy.clone(),
                        failed.clone(),
                        on_logged.clone(),
                        endpoint.clone(),
                    );
                    wasm_bindgen_futures::spawn_local(async move {
                        let body = interview::attempt_body(&o);
                        let status = http::post_json(&path, &endpoint.headers, &body).await;
                        busy.set(false);
                        match status {
                            Ok(s) if (200..300).contains(&s) => on_logged.emit(()),
                            _ => failed.set(true),
                        }
                    });
                }
                None => failed.set(true),
            }
        });
        html! {
            <button type="button" class="sw-btn sw-btn-secondary" aria-pressed={pressed(outcome)}
                disabled={is_busy} onclick={onclick}>{ i18n::t(l, msg) }</button>
        }
    };
    html! {
        <div class="sw-outcomes" role="group" aria-label={i18n::t(l, Msg::CallOutcome)}>
            <span class="sw-outcomes-label" aria-hidden="true">{ i18n::t(l, Msg::CallOutcome) }</span>
            { button(CallOutcome::Reached, Msg::OutcomeReached) }
            { button(CallOutcome::NoAnswer, Msg::OutcomeNoAnswer) }
            { button(CallOutcome::Refused, Msg::OutcomeRefused) }
            { button(CallOutcome::CallBackLater, Msg::OutcomeCallBack) }
            <p class="sw-status" role="status">{ if *failed { i18n::t(l, Msg::AttemptFailed) } else { "" } }</p>
        </div>
    }
}

/// Moves focus to the first answer of the page: the agent goes on from the keyboard.
fn focus_first_answer() {
    let found = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(".sw-form input, .sw-form textarea")
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(e) = found {
        let _ = e.focus();
    }
}

/// The form's keys in an interview: a digit chooses an answer of the question that
/// holds the focus, Enter on an answer continues. Typing in a text field is left alone.
pub fn on_key(e: KeyboardEvent) {
    let Some(target) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    if !matches!(target.type_().as_str(), "radio" | "checkbox") {
        return;
    }
    let Some(group) = target.closest("fieldset").ok().flatten() else {
        return;
    };
    let Ok(list) = group.query_selector_all("input") else {
        return;
    };
    let zero_based = group.has_attribute("data-sw-zero");
    match interview::shortcut(&e.key(), zero_based, list.length() as usize) {
        Some(Shortcut::Choose(i)) => {
            if let Some(input) = list
                .item(i as u32)
                .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                e.prevent_default();
                input.click();
                let _ = input.focus();
            }
        }
        Some(Shortcut::Continue) => {
            if let Some(form) = target.form() {
                e.prevent_default();
                let _ = form.request_submit();
            }
        }
        None => {}
    }
}

#[derive(Properties, PartialEq)]
pub struct RecordedProps {
    pub locale: Locale,
    pub heading_id: AttrValue,
    /// What was recorded: the interview, or the attempt (no response).
    pub line: Msg,
    pub back: AttrValue,
}

/// The end of an interview, for the agent: one line, and the way back.
#[component]
pub fn Recorded(props: &RecordedProps) -> Html {
    let l = &props.locale;
    html! {
        <section class="sw-done sw-recorded" aria-labelledby={props.heading_id.clone()}>
            <h2 id={props.heading_id.clone()} tabindex="-1">{ i18n::t(l, props.line) }</h2>
            <p><a class="sw-btn sw-btn-primary" href={props.back.clone()}>{ i18n::t(l, Msg::BackToCase) }</a></p>
        </section>
    }
}
