//! The root component: turns configuration into a running survey or a readable error.

use crate::components::error_box::ErrorBox;
use crate::components::survey::Survey;
use crate::config::{ConfigError, WidgetConfig};
use crate::services::browser;
use std::rc::Rc;
use survey_core::templates;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Result<WidgetConfig, ConfigError>,
    /// Prefix for DOM ids, unique per mounted widget.
    pub prefix: AttrValue,
}

/// Loads the questionnaire named by the configuration and shows it, or shows exactly
/// what is wrong (in the widget and the console).
#[component]
pub fn App(props: &AppProps) -> Html {
    let loaded = use_memo(props.config.clone(), |config| {
        let config = config.clone().map_err(|e| e.to_string())?;
        let def = match templates::load(&config.survey) {
            Some(Ok(def)) => def,
            Some(Err(e)) => return Err(format!("questionnaire \"{}\": {e}", config.survey)),
            None => return Err(ConfigError::UnknownSurvey(config.survey).to_string()),
        };
        Ok((config, Rc::new(def)))
    });
    let error = (*loaded).as_ref().err().cloned();
    use_effect_with(error, |error| {
        if let Some(e) = error {
            browser::console_error(e);
        }
    });
    match &*loaded {
        Err(e) => html! { <ErrorBox message={e.clone()} /> },
        Ok((config, def)) => {
            let locale = def.pick_locale(config.locale_preferences.iter().map(String::as_str));
            html! {
                <Survey def={def.clone()} locale={locale} endpoint={config.endpoint.clone()}
                    context={config.context.clone()} mode={config.mode} prefix={props.prefix.clone()} />
            }
        }
    }
}
