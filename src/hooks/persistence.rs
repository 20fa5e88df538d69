use crate::state::{Phase, Snapshot, SurveyState};
use gloo::storage::{SessionStorage, Storage};
use survey_core::Definition;
use yew::prelude::*;

/// The answers kept for this tab, if they belong to this very questionnaire version.
/// Session storage (not local storage): a reload keeps them, closing the tab forgets them.
pub fn load_saved(key: &str, def: &Definition) -> Option<Snapshot> {
    let snapshot: Snapshot = SessionStorage::get(key).ok()?;
    (snapshot.survey == def.id && snapshot.version == def.version).then_some(snapshot)
}

/// Keeps the answers in session storage while the survey runs, and removes them once
/// the response is submitted, so nothing of it stays behind on the device.
#[hook]
pub fn use_persistence(key: Option<AttrValue>, state: UseReducerHandle<SurveyState>) {
    let snapshot = state.snapshot();
    let done = matches!(state.phase, Phase::Done(_));
    use_effect_with((snapshot, done), move |(snapshot, done)| {
        let Some(key) = key else { return };
        if *done || snapshot.answers.is_empty() {
            SessionStorage::delete(key.as_str());
        } else if SessionStorage::set(key.as_str(), snapshot).is_err() {
            crate::services::browser::console_warn(
                "session storage is not available; answers will not survive a reload",
            );
        }
    });
}
