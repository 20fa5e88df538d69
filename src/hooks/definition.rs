use crate::config::SurveySource;
#[cfg(feature = "definitions")]
use crate::services::http;
use std::rc::Rc;
use survey_core::{templates, Definition};
use yew::prelude::*;

/// The questionnaire, once known.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    Loading,
    Ready(Rc<Definition>),
    /// What is wrong, naming the field (e.g. `pages[1].questions[0].input.points: …`).
    Failed(String),
}

/// Loads the questionnaire: a built-in template at once, a dealer's definition by
/// fetching it. A dealer's is validated before anything is shown; a built-in one is
/// parsed and validated too where the `definitions` feature is in (the full module,
/// native builds). The customer's module builds it as a value instead
/// (`survey_core::templates::built_in`): it carries neither the validation nor the
/// model's deserializers, and core's tests check each built value against its JSON.
#[hook]
pub fn use_definition(source: SurveySource) -> Loaded {
    let initial = source.clone();
    let loaded = use_state(move || match &initial {
        SurveySource::BuiltIn(id) => from_template(id),
        SurveySource::Url(_) => Loaded::Loading,
    });
    #[cfg(feature = "definitions")]
    {
        let loaded = loaded.clone();
        use_effect_with(source, move |source| {
            if let SurveySource::Url(url) = source {
                let url = url.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    loaded.set(fetch(&url).await);
                });
            }
        });
    }
    (*loaded).clone()
}

fn from_template(id: &str) -> Loaded {
    // The full module carries the model's deserializers for a dealer's definition
    // anyway, and the templates' JSON is smaller than the code that builds them (4.9 KB
    // gzip more when it built them too); the customer's module builds them.
    #[cfg(feature = "definitions")]
    let template = templates::load(id).map(|r| r.map_err(|e| e.to_string()));
    #[cfg(not(feature = "definitions"))]
    let template = templates::built_in(id).map(Ok::<_, String>);
    match template {
        Some(Ok(def)) => {
            crate::i18n::register(&def);
            Loaded::Ready(Rc::new(def))
        }
        Some(Err(e)) => Loaded::Failed(format!("questionnaire \"{id}\": {e}")),
        None => Loaded::Failed(format!("data-survey: no questionnaire called {id:?}")),
    }
}

#[cfg(feature = "definitions")]
async fn fetch(url: &str) -> Loaded {
    let response = match http::get(url).await {
        Ok(r) => r,
        Err(e) => return Loaded::Failed(format!("data-definition: could not load {url:?}: {e}")),
    };
    if !response.ok() {
        return Loaded::Failed(format!(
            "data-definition: {url:?} answered HTTP {}",
            response.status()
        ));
    }
    match http::text(&response).await {
        Ok(text) => match Definition::from_json(&text) {
            Ok(def) => {
                crate::i18n::register(&def);
                Loaded::Ready(Rc::new(def))
            }
            Err(e) => Loaded::Failed(format!("definition {url:?}: {e}")),
        },
        Err(e) => Loaded::Failed(format!("data-definition: could not read {url:?}: {e}")),
    }
}
