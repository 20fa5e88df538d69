use crate::services::{browser, delivery};
use crate::state::{Action, Phase, SurveyState};
use yew::prelude::*;

/// Sends the response whenever the state enters [`Phase::Sending`], then reports back.
#[hook]
pub fn use_delivery(state: UseReducerHandle<SurveyState>, endpoint: AttrValue) {
    let phase = state.phase.clone();
    use_effect_with(phase, move |phase| {
        if let Phase::Sending(payload) = phase {
            let payload = payload.clone();
            let dispatcher = state.dispatcher();
            wasm_bindgen_futures::spawn_local(async move {
                match delivery::post(&endpoint, &payload).await {
                    Ok(()) => dispatcher.dispatch(Action::Sent),
                    Err(e) => {
                        browser::console_error(&format!(
                            "response {} not delivered: {e}",
                            payload.id
                        ));
                        dispatcher.dispatch(Action::SendFailed);
                    }
                }
            });
        }
    });
}
