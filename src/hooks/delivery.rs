use crate::services::events::{emit, Completed, ErrorDetail};
use crate::services::{browser, delivery};
use crate::state::{Action, Phase, SurveyState};
use yew::prelude::*;

/// Sends the response whenever the state enters [`Phase::Sending`], then reports back.
#[hook]
pub fn use_delivery(
    state: UseReducerHandle<SurveyState>,
    endpoint: AttrValue,
    events: Option<web_sys::EventTarget>,
) {
    let phase = state.phase.clone();
    use_effect_with(phase, move |phase| {
        if let Phase::Sending(payload) = phase {
            let payload = payload.clone();
            let dispatcher = state.dispatcher();
            wasm_bindgen_futures::spawn_local(async move {
                match delivery::post(&endpoint, &payload).await {
                    Ok(()) => {
                        let detail = Completed {
                            survey: payload.survey.id.as_str(),
                            id: payload.id.as_str(),
                            score: payload.score.as_ref(),
                        };
                        emit(events.as_ref(), "survey:complete", &detail);
                        dispatcher.dispatch(Action::Sent);
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
    });
}
