//! The root component: turns configuration into a running survey or a readable error.

use crate::components::error_box::ErrorBox;
#[cfg(feature = "kiosk")]
use crate::components::kiosk::KioskShell;
use crate::components::survey::Survey;
use crate::config::{ConfigError, SurveySource, WidgetConfig};
use crate::hooks::{use_definition, Loaded};
use crate::services::browser;
use crate::services::events::{emit, ErrorDetail};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Result<WidgetConfig, ConfigError>,
    /// Prefix for DOM ids, unique per mounted widget.
    pub prefix: AttrValue,
    /// Where `survey:*` events are dispatched (the host element of an embed).
    #[prop_or_default]
    pub events: Option<web_sys::EventTarget>,
    /// The mount point: the theme's custom properties and scheme are set on it.
    #[prop_or_default]
    pub root: Option<web_sys::Element>,
    /// A kiosk's customer already tapped start on the prerendered welcome (`takeover`).
    #[prop_or_default]
    pub kiosk_started: bool,
}

/// Shows the configured survey, or exactly what is wrong with the configuration.
#[component]
pub fn App(props: &AppProps) -> Html {
    // Sends whatever an earlier page load left in the outbox (once per page), even
    // while a kiosk shows its welcome screen and no survey is running.
    // Its permanent failures are reported as `survey:error` on every widget's element.
    let events = props.events.clone();
    use_effect_with((), move |_| crate::services::outbox::start(events));
    match &props.config {
        Err(e) => {
            html! { <Failure message={e.to_string()} events={props.events.clone()} /> }
        }
        Ok(config) => match missing_feature(config) {
            Some(message) => html! { <Failure message={message} events={props.events.clone()} /> },
            None => html! {
                <Loader config={config.clone()} prefix={props.prefix.clone()} events={props.events.clone()} root={props.root.clone()}
                    kiosk_started={props.kiosk_started} />
            },
        },
    }
}

/// What this module was built without that `config` needs, said as a configuration
/// error (a module per mode, see the features in Cargo.toml). The loaders pick the
/// kiosk's module for a kiosk and the full one for an interview and a dealer's
/// definition before fetching anything, so only a page that imports a module by hand
/// sees it.
pub fn missing_feature(config: &WidgetConfig) -> Option<String> {
    use survey_core::payload::Mode;
    let setting = match (&config.mode, &config.source) {
        (Mode::Kiosk, _) if !cfg!(feature = "kiosk") => "data-mode=\"kiosk\"",
        (Mode::Interview, _) if !cfg!(feature = "interview") => "data-mode=\"interview\"",
        (_, SurveySource::Url(_)) if !cfg!(feature = "definitions") => "data-definition",
        _ => return None,
    };
    Some(format!(
        "{setting} needs another widget module than this one (pkg/survey_widget_kiosk.js \
         for a kiosk, pkg/survey_widget_full.js for the rest): load the widget through \
         static/boot.js or static/survey-widget.js, which pick it"
    ))
}

#[derive(Properties, PartialEq)]
struct LoaderProps {
    config: WidgetConfig,
    prefix: AttrValue,
    events: Option<web_sys::EventTarget>,
    root: Option<web_sys::Element>,
    kiosk_started: bool,
}

/// Loads and validates the questionnaire before showing anything of it.
#[component]
fn Loader(props: &LoaderProps) -> Html {
    let config = &props.config;
    let loaded = use_definition(config.source.clone());
    // Staff left kiosk mode from the staff menu: the same survey, as on its own page.
    #[cfg(feature = "kiosk")]
    let left_kiosk = use_state(|| false);
    // The theme: the page's settings over the definition's, once it has loaded; set
    // on the mount point (and taken off when the widget goes), its refusals warned.
    let def = match &loaded {
        Loaded::Ready(def) => Some(def.clone()),
        _ => None,
    };
    // Worked out on each render of this component (a handful per page), not memoised:
    // use_memo's code costs the widget more than resolving a theme costs the phone.
    let theme = def
        .as_ref()
        .map(|d| crate::config::theme_settings(&config.theme, &d.theme));
    {
        let root = props.root.clone();
        use_effect_with(theme.clone(), move |t| {
            let undo = match (root, t) {
                (Some(root), Some((theme, warnings))) => {
                    warnings.iter().for_each(|w| browser::console_warn(w));
                    Some(browser::apply_theme(&root, theme))
                }
                _ => None,
            };
            move || undo.into_iter().for_each(|u| u())
        });
    }
    let logo = theme.and_then(|(t, _)| t.logo.map(std::rc::Rc::new));
    match loaded {
        Loaded::Loading => html! { <div class="sw sw-loading" aria-busy="true"></div> },
        Loaded::Failed(message) => {
            html! { <Failure message={message} events={props.events.clone()} /> }
        }
        Loaded::Ready(def) => {
            // A field map naming a question this questionnaire lacks would send empty
            // fields forever: say so now, like any other configuration error.
            let locale = def.pick_locale(config.locale_preferences.iter().map(String::as_str));
            if let Err(e) = config.endpoint.check_against(&def) {
                let title = crate::i18n::t(&locale, crate::i18n::Msg::ErrorTitle);
                return html! { <Failure message={e.to_string()} events={props.events.clone()} title={Some(title)} /> };
            }
            let mut storage_key = match &config.source {
                SurveySource::BuiltIn(id) => format!("survey-widget:{id}:{}", props.prefix),
                SurveySource::Url(url) => format!("survey-widget:{url}:{}", props.prefix),
            };
            // An interview's answers are one customer's: kept per case (or call), so the
            // next call in the same tab never starts with the last customer's answers.
            for key in [
                survey_core::interview::CASE_KEY,
                survey_core::interview::FOLLOWUP_KEY,
            ] {
                if let Some(v) = config.context.get(key) {
                    storage_key.push(':');
                    storage_key.push_str(v);
                }
            }
            let kiosk = config.mode == survey_core::payload::Mode::Kiosk;
            #[cfg(feature = "kiosk")]
            if kiosk && !*left_kiosk {
                let on_exit = Callback::from(move |()| left_kiosk.set(true));
                return html! {
                    <KioskShell def={def} config={config.clone()} locale={locale}
                        prefix={props.prefix.clone()} events={props.events.clone()} on_exit={on_exit} logo={logo}
                        started={props.kiosk_started} />
                };
            }
            // The screen's width decides only where nothing else did; a server
            // rendering the first page has no screen and always decides first.
            let phone =
                config.flow.is_none() && cfg!(target_arch = "wasm32") && browser::phone_screen();
            let mode = if kiosk {
                survey_core::payload::Mode::Page
            } else {
                config.mode
            };
            html! {
                <Survey def={def} locale={locale} endpoint={config.endpoint.clone()}
                    context={config.context.clone()} url_fields={config.url_fields.clone()}
                    mode={mode} prefix={props.prefix.clone()}
                    storage_key={Some(AttrValue::from(storage_key))} review_url={config.review_url.clone().map(AttrValue::from)}
                    events={props.events.clone()} scroll_offset={config.scroll_offset} logo={logo}
                    beacons={config.beacons.clone().map(AttrValue::from)}
                    flow={config.flow_for(phone)} />
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct FailureProps {
    message: String,
    events: Option<web_sys::EventTarget>,
    /// The box's heading in the survey's language, once a definition has loaded.
    #[prop_or_default]
    title: Option<&'static str>,
}

/// The error box, also logged to the console and reported as `survey:error` once.
#[component]
fn Failure(props: &FailureProps) -> Html {
    let events = props.events.clone();
    use_effect_with(props.message.clone(), move |m| {
        browser::console_error(m);
        emit(
            events.as_ref(),
            "survey:error",
            &ErrorDetail {
                message: m,
                response: None,
            },
        );
    });
    html! { <ErrorBox message={props.message.clone()} title={props.title} /> }
}
