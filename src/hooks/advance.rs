use crate::services::browser;
use crate::state::{Action, SurveyState, ADVANCE_MS};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

/// Runs the question flow's move timer: when the reducer schedules a move after a
/// one-tap answer (`SurveyState::advance`), the chosen answer stays in view for
/// [`ADVANCE_MS`] (not at all with reduced motion), then the move is dispatched with
/// the clock's time. A new answer, Back or Next replaces or clears the schedule, and
/// the timer of the old one is dropped with it.
#[hook]
pub fn use_advance(state: UseReducerHandle<SurveyState>) {
    let dispatcher = state.dispatcher();
    use_effect_with(state.advance, move |advance| {
        let timer = advance.map(|seq| {
            let delay = if browser::prefers_reduced_motion() {
                0
            } else {
                ADVANCE_MS
            };
            Timeout::new(delay, move || {
                dispatcher.dispatch(Action::Advance {
                    seq,
                    now_ms: browser::now_ms(),
                })
            })
        });
        move || drop(timer)
    });
}
