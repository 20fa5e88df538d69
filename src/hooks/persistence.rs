use crate::state::{Phase, Snapshot, SurveyState};
use survey_core::Definition;
use yew::prelude::*;

/// This tab's session storage; `None` where the browser refuses it (site data
/// blocked, some private modes), which must cost the customer nothing but the
/// reload-survival of their answers.
fn session_storage() -> Option<web_sys::Storage> {
    #[cfg(target_arch = "wasm32")]
    return web_sys::window()?.session_storage().ok().flatten();
    // Rendered on a server (`prerender`), there is no tab and nothing saved.
    #[cfg(not(target_arch = "wasm32"))]
    None
}

/// The answers kept for this tab, if they belong to this very questionnaire version.
/// Session storage (not local storage): a reload keeps them, closing the tab forgets them.
pub fn load_saved(key: &str, def: &Definition) -> Option<Snapshot> {
    let raw = session_storage()?.get_item(key).ok().flatten()?;
    let snapshot: Snapshot = survey_core::json_read::read(&raw).ok()?;
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
        let storage = session_storage();
        if *done || snapshot.answers.is_empty() {
            if let Some(s) = storage {
                let _ = s.remove_item(&key);
            }
            return;
        }
        let stored = storage
            .zip(serde_json::to_string(snapshot).ok())
            .map(|(s, json)| s.set_item(&key, &json));
        if !matches!(stored, Some(Ok(()))) {
            crate::services::browser::console_warn(
                "session storage is not available; answers will not survive a reload",
            );
        }
    });
}
