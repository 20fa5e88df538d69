use crate::services::events::{emit, PageShown};
use crate::state::SurveyState;
use yew::prelude::*;

/// Tells the host page that the survey started and which page is showing.
#[hook]
pub fn use_page_events(target: Option<web_sys::EventTarget>, state: UseReducerHandle<SurveyState>) {
    let survey = state.def.id.to_string();
    {
        let (target, survey) = (target.clone(), survey.clone());
        use_effect_with((), move |_| {
            emit(
                target.as_ref(),
                "survey:start",
                &serde_json::json!({ "survey": survey }),
            );
        });
    }
    let progress = state.session.progress(&state.def);
    let done = matches!(state.phase, crate::state::Phase::Done(_));
    use_effect_with(
        (progress.current, progress.total, done),
        move |(page, total, done)| {
            if !*done {
                emit(
                    target.as_ref(),
                    "survey:page",
                    &PageShown {
                        survey,
                        page: *page,
                        total: *total,
                    },
                );
            }
        },
    );
}
