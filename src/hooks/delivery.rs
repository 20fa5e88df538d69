use crate::services::events::{emit, Completed, ErrorDetail};
use crate::services::outbox::{self, Stored};
use crate::services::{browser, delivery};
use crate::state::{Action, Phase, SurveyState};
use gloo::timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use survey_core::ResponsePayload;
use yew::prelude::*;

/// The longest the thank-you waits for the first attempt of a response that is
/// already safe in the outbox (online, endpoint slow to answer).
const GRACE_MS: u32 = 2_000;

/// Delivers the response whenever the state enters [`Phase::Sending`], then reports
/// back.
///
/// The response is first written to the outbox ([`outbox::enqueue`]); from then on
/// it is safe on the device and the outbox sends it until the endpoint confirms it,
/// so the customer is thanked without waiting for the network: at once when the
/// device is offline, else as soon as the first attempt ends (delivered or not), or
/// after [`GRACE_MS`] at most. Where the outbox cannot be stored (private mode, full
/// storage), the response is posted directly and a failure shows the retry button.
#[hook]
pub fn use_delivery(
    state: UseReducerHandle<SurveyState>,
    endpoint: AttrValue,
    events: Option<web_sys::EventTarget>,
) {
    // Sends whatever an earlier page load left in the outbox (once per page).
    use_effect_with((), |_| outbox::start());

    let phase = state.phase.clone();
    use_effect_with(phase, move |phase| {
        if let Phase::Sending(payload) = phase {
            let payload = payload.clone();
            let dispatcher = state.dispatcher();
            let thank = {
                let events = events.clone();
                let payload = payload.clone();
                let dispatcher = dispatcher.clone();
                let done = Rc::new(Cell::new(false));
                move |queued_offline: bool| {
                    if done.replace(true) {
                        return;
                    }
                    if queued_offline {
                        browser::console_warn(&format!(
                            "response {} is stored on this device and will be sent when the network is back",
                            payload.id
                        ));
                    }
                    completed(events.as_ref(), &payload);
                    dispatcher.dispatch(Action::Sent {
                        offline: queued_offline,
                    });
                }
            };
            match outbox::enqueue(&endpoint, &payload) {
                Ok(Stored::AlreadyDelivered) => thank(false),
                Ok(Stored::Queued) if !outbox::is_online() => {
                    thank(true);
                    outbox::flush();
                }
                Ok(Stored::Queued) => {
                    let on_first = thank.clone();
                    outbox::watch(&payload.id, move |delivered| on_first(!delivered));
                    Timeout::new(GRACE_MS, move || thank(true)).forget();
                    outbox::flush();
                }
                Err(e) => {
                    browser::console_warn(&format!("{e}; posting directly"));
                    post_directly(endpoint.to_string(), payload, dispatcher, events.clone());
                }
            }
        }
    });
}

fn completed(events: Option<&web_sys::EventTarget>, payload: &ResponsePayload) {
    let detail = Completed {
        survey: payload.survey.id.as_str(),
        id: payload.id.as_str(),
        score: payload.score.as_ref(),
    };
    emit(events, "survey:complete", &detail);
}

/// Without an outbox: one POST, and the retry screen if it fails.
fn post_directly(
    endpoint: String,
    payload: Rc<ResponsePayload>,
    dispatcher: UseReducerDispatcher<SurveyState>,
    events: Option<web_sys::EventTarget>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        match delivery::post(&endpoint, &payload).await {
            Ok(()) => {
                completed(events.as_ref(), &payload);
                dispatcher.dispatch(Action::Sent { offline: false });
            }
            Err(e) => {
                let message = format!("response {} not delivered: {e}", payload.id);
                browser::console_error(&message);
                emit(
                    events.as_ref(),
                    "survey:error",
                    &ErrorDetail { message: &message },
                );
                dispatcher.dispatch(Action::SendFailed);
            }
        }
    });
}
