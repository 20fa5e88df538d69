//! The phone interview's own parts (`mode=interview`, `survey_core::interview`): the
//! call-outcome bar, the key shortcuts, and the agent's "recorded" line instead of the
//! customer's thank-you. The survey around them is the ordinary one.

use crate::i18n::{self, Msg};
use crate::services::http;
use std::rc::Rc;
use survey_core::endpoint::Endpoint;
use survey_core::interview::{self, Call, CallOutcome, Ending, Shortcut};
use survey_core::Locale;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Where the call-outcome bar is: 0 nothing chosen, [`REACHED`], [`BUSY`] (logging an
/// attempt), [`FAILED`], [`LOGGED`] (the interview ends without a response). One state
/// in the survey, not a component of its own: the widget's size budget.
pub const REACHED: u8 = 1;
pub const BUSY: u8 = 2;
pub const FAILED: u8 = 3;
pub const LOGGED: u8 = 4;

/// Reached, no answer, refused, call back later: only "reached" goes on to the
/// questions; the others log one attempt on `call`, the case or the call-list row
/// (with the interview endpoint's headers: the page's CSRF token), and end without a
/// response.
pub fn outcome_bar(
    l: &Locale,
    call: &Call,
    endpoint: &Rc<Endpoint>,
    bar: &UseStateHandle<u8>,
) -> Html {
    let now = **bar;
    let button = |outcome: CallOutcome, msg: Msg| {
        let (bar, endpoint, call) = (bar.clone(), endpoint.clone(), call.clone());
        let onclick = Callback::from(move |_: MouseEvent| match interview::ending(outcome) {
            Ending::Interview => {
                bar.set(REACHED);
                focus_first_answer();
            }
            Ending::LogAttempt => {
                let later = js_sys::Date::new(
                    &(js_sys::Date::now() + (interview::CALL_BACK_HOURS * 3_600_000) as f64).into(),
                );
                let Some((path, body)) =
                    call.attempt_request(outcome, &String::from(later.to_iso_string()))
                else {
                    bar.set(FAILED);
                    return;
                };
                bar.set(BUSY);
                let (bar, endpoint) = (bar.clone(), endpoint.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let status = http::post_json(&path, &endpoint.headers, &body).await;
                    bar.set(match status {
                        Ok(s) if (200..300).contains(&s) => LOGGED,
                        _ => FAILED,
                    });
                });
            }
        });
        let pressed = (outcome == CallOutcome::Reached).then(|| (now == REACHED).to_string());
        html! {
            <button type="button" class="sw-btn sw-btn-secondary" aria-pressed={pressed}
                disabled={now == BUSY} onclick={onclick}>{ i18n::t(l, msg) }</button>
        }
    };
    html! {
        <div class="sw-outcomes" role="group" aria-label={i18n::t(l, Msg::CallOutcome)}>
            <span class="sw-outcomes-label" aria-hidden="true">{ i18n::t(l, Msg::CallOutcome) }</span>
            { button(CallOutcome::Reached, Msg::OutcomeReached) }
            { button(CallOutcome::NoAnswer, Msg::OutcomeNoAnswer) }
            { button(CallOutcome::Refused, Msg::OutcomeRefused) }
            { button(CallOutcome::CallBackLater, Msg::OutcomeCallBack) }
            <p class="sw-status" role="status">{ if now == FAILED { i18n::t(l, Msg::AttemptFailed) } else { "" } }</p>
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

/// The end of an interview, for the agent: one line (`line`: the interview, or the
/// attempt without a response), and the way back.
pub fn recorded(l: &Locale, heading_id: &str, line: Msg, back: &str) -> Html {
    html! {
        <section class="sw-done sw-recorded" aria-labelledby={heading_id.to_string()}>
            <h2 id={heading_id.to_string()} tabindex="-1">{ i18n::t(l, line) }</h2>
            <p><a class="sw-btn sw-btn-primary" href={back.to_string()}>{ i18n::t(l, Msg::BackToCase) }</a></p>
        </section>
    }
}
