use crate::services::browser;
use crate::services::delivery::{self, Request};
use crate::services::events::{emit, Completed, ErrorDetail};
use crate::services::outbox::{self, FirstAttempt, Stored};
use crate::state::{Action, Delivery, Phase, SurveyState};
use gloo::timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use survey_core::delivery::Verdict;
use survey_core::endpoint::Endpoint;
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
/// or blocked storage), the response is posted directly, the customer is told that
/// it could not be kept on the device, and a failure shows the retry button.
#[hook]
pub fn use_delivery(
    state: UseReducerHandle<SurveyState>,
    endpoint: Rc<Endpoint>,
    events: Option<web_sys::EventTarget>,
) {
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
                move |how: Delivery| {
                    if done.replace(true) {
                        return;
                    }
                    if matches!(how, Delivery::QueuedOffline | Delivery::ServerDown) {
                        browser::console_warn(&format!(
                            "response {} is stored on this device and will be sent later",
                            payload.id
                        ));
                    }
                    // A refused response is not complete: the outbox reported it as
                    // `survey:error` already.
                    if !matches!(how, Delivery::AlreadyAnswered | Delivery::Refused) {
                        completed(events.as_ref(), &payload);
                    }
                    dispatcher.dispatch(Action::Sent { how });
                }
            };
            let endpoint = endpoint.clone();
            let events = events.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match outbox::enqueue(&endpoint, &payload).await {
                    Ok(Stored::AlreadyDelivered) => thank(Delivery::Normal),
                    Ok(Stored::Queued) if !outbox::is_online() => {
                        thank(Delivery::QueuedOffline);
                        outbox::flush();
                    }
                    Ok(Stored::Queued) => {
                        let on_first = thank.clone();
                        outbox::watch(&payload.id, move |first| {
                            on_first(match first {
                                FirstAttempt::Delivered => Delivery::Normal,
                                FirstAttempt::Refused(Some(409)) => Delivery::AlreadyAnswered,
                                FirstAttempt::Refused(_) => Delivery::Refused,
                                FirstAttempt::NotYet => waiting(),
                            })
                        });
                        Timeout::new(GRACE_MS, move || thank(waiting())).forget();
                        outbox::flush();
                    }
                    Err(e) => {
                        browser::console_warn(&format!("{e}; posting directly"));
                        post_directly(endpoint, payload, dispatcher, events);
                    }
                }
            });
        }
    });
}

/// Queued and not delivered yet: offline, or online with the endpoint not answering
/// (down, 5xx, timeout), which the customer is told apart.
fn waiting() -> Delivery {
    if outbox::is_online() {
        Delivery::ServerDown
    } else {
        Delivery::QueuedOffline
    }
}

fn completed(events: Option<&web_sys::EventTarget>, payload: &ResponsePayload) {
    let detail = Completed {
        survey: payload.survey.id.as_str(),
        id: payload.id.as_str(),
        score: payload.score.as_ref(),
    };
    emit(events, "survey:complete", &detail);
}

/// Without an outbox: one POST (same headers, body and timeout as the outbox would
/// send), and the retry screen if it fails; the answers stay in the page meanwhile.
fn post_directly(
    endpoint: Rc<Endpoint>,
    payload: Rc<ResponsePayload>,
    dispatcher: UseReducerDispatcher<SurveyState>,
    events: Option<web_sys::EventTarget>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let entry = endpoint.entry(&payload);
        let how = Delivery::NotStorable;
        match delivery::send(&Request::from(&entry)).await.verdict() {
            Verdict::Delivered => {
                completed(events.as_ref(), &payload);
                dispatcher.dispatch(Action::Sent { how });
            }
            Verdict::Retry { error, .. } | Verdict::Permanent { error, .. } => {
                let message = format!(
                    "response {} not delivered (not stored on this device): {error}",
                    payload.id
                );
                browser::console_error(&message);
                emit(
                    events.as_ref(),
                    "survey:error",
                    &ErrorDetail {
                        message: &message,
                        response: Some(payload.id.as_str()),
                    },
                );
                dispatcher.dispatch(Action::SendFailed { how });
            }
        }
    });
}
