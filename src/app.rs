//! The root component: turns configuration into a running survey or a readable error.

use crate::components::error_box::ErrorBox;
use crate::components::survey::Survey;
use crate::config::{ConfigError, SurveySource, WidgetConfig};
use crate::hooks::{use_definition, Loaded};
use crate::services::browser;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Result<WidgetConfig, ConfigError>,
    /// Prefix for DOM ids, unique per mounted widget.
    pub prefix: AttrValue,
}

/// Shows the configured survey, or exactly what is wrong with the configuration.
#[component]
pub fn App(props: &AppProps) -> Html {
    match &props.config {
        Err(e) => html! { <Failure message={e.to_string()} /> },
        Ok(config) => html! { <Loader config={config.clone()} prefix={props.prefix.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
struct LoaderProps {
    config: WidgetConfig,
    prefix: AttrValue,
}

/// Loads and validates the questionnaire before showing anything of it.
#[component]
fn Loader(props: &LoaderProps) -> Html {
    let config = &props.config;
    let loaded = use_definition(config.source.clone());
    match loaded {
        Loaded::Loading => html! { <div class="sw sw-loading" aria-busy="true"></div> },
        Loaded::Failed(message) => html! { <Failure message={message} /> },
        Loaded::Ready(def) => {
            let locale = def.pick_locale(config.locale_preferences.iter().map(String::as_str));
            let storage_key = match &config.source {
                SurveySource::BuiltIn(id) => format!("survey-widget:{id}:{}", props.prefix),
                SurveySource::Url(url) => format!("survey-widget:{url}:{}", props.prefix),
            };
            html! {
                <Survey def={def} locale={locale} endpoint={config.endpoint.clone()}
                    context={config.context.clone()} mode={config.mode} prefix={props.prefix.clone()}
                    storage_key={storage_key} review_url={config.review_url.clone().map(AttrValue::from)} />
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct FailureProps {
    message: String,
}

/// The error box, also logged to the console once.
#[component]
fn Failure(props: &FailureProps) -> Html {
    use_effect_with(props.message.clone(), |m| browser::console_error(m));
    html! { <ErrorBox message={props.message.clone()} /> }
}
