//! The first page rendered on a server, so a customer on a slow phone can read and
//! answer it while the wasm is still downloading.
//!
//! The same components render it as in the browser (Yew's server renderer), with the
//! same configuration parsing, so the markup cannot drift from what the widget shows.
//! Nothing here is hydrated: once the wasm starts, [`crate::mount`] renders the widget
//! afresh, carries over what the customer already chose in the server's markup, and
//! removes it. Only built-in questionnaires are prerendered; a dealer's definition is
//! fetched and validated in the browser, as before.

use crate::app::{App, AppProps};
use crate::config::{self, SurveySource};
use std::collections::BTreeMap;
use survey_core::payload::Mode;

/// Marks the server's markup inside a mount point, for the browser to take over.
pub const PRERENDERED_ATTR: &str = "data-sw-prerendered";
use crate::mount::FLOW_ATTR;

/// The HTML to put inside the one mount point of a page, or `None` when the browser
/// must do it alone (a configuration error, which it reports, a fetched definition,
/// or a kiosk on a dealer's page).
///
/// It must never panic: the collector aborts on panic. Every built-in survey, language
/// and mode is rendered by the tests below, so a browser-only call in a render path
/// fails `cargo test` rather than a server.
///
/// `attrs` are the mount point's `data-*` attributes without the prefix, `query` the
/// page URL's parameters, `languages` the browser's (from `Accept-Language`), `phone`
/// whether the browser said it is a phone (its user agent): the survey's own page then
/// starts one question at a time, unless the page sets a flow.
pub fn first_page(
    attrs: &BTreeMap<String, String>,
    query: &[(String, String)],
    languages: &[String],
    phone: bool,
    host: Host,
) -> Option<String> {
    let (config, _warnings) = config::parse(attrs, query, languages);
    let mut config = config.ok()?;
    let kiosk = config.mode == Mode::Kiosk;
    // A kiosk goes a page at a time whatever its browser says (`flow_for`).
    let flow = config.flow_for(phone);
    config.flow = Some(flow);
    let SurveySource::BuiltIn(id) = &config.source else {
        return None;
    };
    // The script tag's loader does not swap a kiosk's welcome for its survey.
    if kiosk && host == Host::ScriptTag {
        return None;
    }
    // A problem is the browser's to show and log (as `app::Loader` does); an error box
    // from here would only show it early, without the console message.
    let def = survey_core::templates::load(id)?.ok()?;
    config.endpoint.check_against(&def).ok()?;
    // The dealer's theme, resolved here as the widget will (the page's settings over the
    // definition's, contrast checked: `config::theme_settings`), so the first page wears
    // it before the wasm runs: its scheme as the attribute the stylesheet reads, its
    // custom properties as one attribute the loader sets through the CSSOM (a strict CSP
    // refuses a style attribute; static/survey-widget.js `wear`).
    let (theme, _) = config::theme_settings(&config.theme, &def.theme);
    let runtime = tokio::runtime::Builder::new_current_thread().build().ok()?;
    let html = if kiosk {
        render_kiosk(&runtime, config, def, theme.logo.clone())?
    } else {
        let props = AppProps {
            config: Ok(config),
            // The browser numbers its mount points from 0; the page has one.
            prefix: PREFIX.into(),
            events: None,
            root: None,
            kiosk_started: false,
        };
        render::<App>(&runtime, props)
    };
    let vars: String = theme
        .vars
        .iter()
        .map(|(name, value)| format!("{name}:{value};"))
        .collect();
    let worn = if vars.is_empty() && theme.scheme == survey_core::theme::Scheme::Auto {
        String::new()
    } else {
        format!(
            " {THEME_ATTR}=\"{}\" data-sw-scheme=\"{}\"",
            attribute(&vars),
            theme.scheme.as_str()
        )
    };
    // static/survey-widget.js takes a fragment only if it starts like this.
    Some(format!(
        "<div {PRERENDERED_ATTR} {FLOW_ATTR}=\"{}\"{worn}>{html}</div>",
        flow.as_str()
    ))
}

/// Where the first page goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// A page the collector serves (`static/boot.js` loads its widget).
    Page,
    /// The script tag's shadow root on a dealer's page (`static/survey-widget.js`).
    ScriptTag,
}

/// The mount prefix of the page's one mount point (the browser numbers them from 0).
const PREFIX: &str = "sw0";

/// `C` rendered to HTML by Yew's server renderer, not to be hydrated (the widget renders
/// afresh and takes over what the customer did: `takeover`).
fn render<C: yew::BaseComponent>(
    runtime: &tokio::runtime::Runtime,
    props: C::Properties,
) -> String {
    let renderer = yew::LocalServerRenderer::<C>::with_props(props).hydratable(false);
    tokio::task::LocalSet::new().block_on(runtime, renderer.render())
}

/// A kiosk's welcome screen, with its first customer's first page rendered hidden
/// behind it: `static/kiosk-start.js` swaps them when start is tapped, so the survey
/// shows at once even before the wasm runs, and the widget takes over the survey
/// (`takeover`). `None` in a build without the kiosk.
#[cfg(feature = "kiosk")]
fn render_kiosk(
    runtime: &tokio::runtime::Runtime,
    config: config::WidgetConfig,
    def: survey_core::Definition,
    logo: Option<survey_core::theme::Logo>,
) -> Option<String> {
    let props = kiosk::KioskFirstProps {
        locale: def.pick_locale(config.locale_preferences.iter().map(String::as_str)),
        def: std::rc::Rc::new(def),
        config,
        logo: logo.map(std::rc::Rc::new),
    };
    Some(render::<kiosk::KioskFirst>(runtime, props))
}

#[cfg(not(feature = "kiosk"))]
fn render_kiosk(
    _: &tokio::runtime::Runtime,
    _: config::WidgetConfig,
    _: survey_core::Definition,
    _: Option<survey_core::theme::Logo>,
) -> Option<String> {
    None
}

#[cfg(feature = "kiosk")]
mod kiosk {
    use crate::components::kiosk::{welcome, CustomerSurvey};
    use crate::config::WidgetConfig;
    use std::rc::Rc;
    use survey_core::{Definition, Locale};
    use yew::prelude::*;

    #[derive(Properties, PartialEq)]
    pub struct KioskFirstProps {
        pub def: Rc<Definition>,
        pub config: WidgetConfig,
        pub locale: Locale,
        pub logo: Option<Rc<survey_core::theme::Logo>>,
    }

    /// What `components::kiosk::KioskShell` shows on its welcome screen and, after the
    /// tap, for its first customer (generation 0), with the same props; the staff
    /// button comes with the wasm. The survey carries the kiosk's idle time for
    /// `static/kiosk-start.js`, which reloads a page whose wasm never came.
    #[component]
    pub fn KioskFirst(props: &KioskFirstProps) -> Html {
        let config = &props.config;
        let survey = CustomerSurvey {
            def: &props.def,
            config,
            locale: &props.locale,
            prefix: super::PREFIX,
            generation: 0,
            logo: props.logo.clone(),
            events: None,
            on_finished: None,
        };
        html! {
            <div class="sw-kiosk">
                { welcome(&props.def, &props.locale, super::PREFIX, props.logo.as_deref(), None, Callback::noop()) }
                <div hidden=true data-sw-kiosk-survey="" data-sw-idle-ms={config.kiosk_times.idle_ms.to_string()}>
                    { survey.render() }
                </div>
            </div>
        }
    }
}

/// The prerendered first page's theme: `--sw-t-brand:#c8102e;…`, for the loader.
pub const THEME_ATTR: &str = "data-sw-theme";

/// `s` fit for a double-quoted attribute (a font stack may hold quotes).
fn attribute(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::{attrs, query};
    use survey_core::templates;

    #[test]
    fn renders_the_first_page_of_every_built_in_survey_in_every_language() {
        for id in templates::BUILT_IN {
            let def = match templates::load(id) {
                Some(Ok(def)) => def,
                other => panic!("template {id}: {other:?}"),
            };
            let first = &def.pages[0].questions[0];
            for (lang, mode) in ["zh-CN", "zh-TW", "en"]
                .into_iter()
                .flat_map(|l| [(l, "qr"), (l, "embed"), (l, "kiosk")])
            {
                let html = first_page(
                    &attrs(&[
                        ("survey", id),
                        ("endpoint", "/v1/responses"),
                        ("mode", mode),
                    ]),
                    &query(&[("lang", lang)]),
                    &[],
                    false,
                    Host::Page,
                )
                .unwrap_or_else(|| panic!("{id} {lang} {mode}: not rendered"));
                let locale = survey_core::Locale::new(lang);
                let prompt = first.text.get(&locale, &def.default_locale);
                // A kiosk numbers its customers: the first one's survey is `sw0-0`.
                let prefix = if mode == "kiosk" { "sw0-0" } else { "sw0" };
                assert!(
                    html.starts_with("<div data-sw-prerendered data-sw-flow=\"page\">"),
                    "{html}"
                );
                assert!(html.contains(&format!("lang=\"{lang}\"")), "{id} {lang}");
                assert!(
                    html.contains(&format!("id=\"{prefix}-q-{}\"", first.id)),
                    "{id} {lang}: no fieldset for {}: {html}",
                    first.id
                );
                assert!(html.contains(prompt), "{id} {lang}: no {prompt:?}");
                assert!(html.contains("type=\"radio\""), "{id} {lang}");
            }
        }
    }

    #[test]
    fn leaves_errors_and_fetched_definitions_to_the_browser() {
        let no_survey = attrs(&[("endpoint", "/v1/responses")]);
        assert_eq!(first_page(&no_survey, &[], &[], false, Host::Page), None);
        let fetched = attrs(&[("definition", "/mine.json"), ("endpoint", "/v1/r")]);
        assert_eq!(first_page(&fetched, &[], &[], false, Host::Page), None);
        let unmapped = attrs(&[
            ("survey", "post-call"),
            ("endpoint", "/v1/r"),
            ("payload", "flat"),
            ("payload-fields", r#"{"Id":"id","X":"answers.nope"}"#),
        ]);
        assert_eq!(first_page(&unmapped, &[], &[], false, Host::Page), None);
        let kiosk = attrs(&[
            ("survey", "post-service"),
            ("endpoint", "/v1/r"),
            ("mode", "kiosk"),
        ]);
        assert_eq!(first_page(&kiosk, &[], &[], true, Host::ScriptTag), None);
    }

    #[test]
    fn a_kiosk_page_gets_its_welcome_with_the_first_customers_page_behind_it() {
        let kiosk = attrs(&[
            ("survey", "post-service"),
            ("endpoint", "/v1/r"),
            ("mode", "kiosk"),
            ("kiosk-pin", "2468"),
        ]);
        // A tablet whose browser says "Mobi" still gets the page flow, as the widget
        // gives a kiosk.
        let html =
            first_page(&kiosk, &query(&[("lang", "en")]), &[], true, Host::Page).expect("rendered");
        assert!(
            html.starts_with(
                "<div data-sw-prerendered data-sw-flow=\"page\"><div class=\"sw-kiosk\">"
            ),
            "{html}"
        );
        let welcome = html.find("sw-kiosk-welcome").expect("the welcome");
        let survey = html.find("<div data-sw-kiosk-survey").expect("the survey");
        assert!(welcome < survey, "{html}");
        // Hidden, with the idle time the widget would use (data-idle-seconds, checked).
        let tag = &html[survey..survey + html[survey..].find('>').expect("its tag")];
        assert!(tag.contains(" hidden=\"hidden\""), "{tag}");
        assert!(tag.contains(" data-sw-idle-ms=\"90000\""), "{tag}");
        // The start button waits for static/kiosk-start.js; the ids are the kiosk's
        // first customer's.
        assert!(
            html.contains(
                "id=\"sw0-start\" disabled=\"disabled\" class=\"sw-btn sw-btn-primary sw-kiosk-start\""
            ),
            "{html}"
        );
        assert!(html.contains("id=\"sw0-0-q-p_appointment\""), "{html}");
        // Nothing of the staff's: the PIN stays in the page's attribute only.
        assert!(
            !html.contains("2468") && !html.contains("sw-staff"),
            "{html}"
        );
    }

    #[test]
    fn picks_the_language_from_accept_language_without_a_lang_parameter() {
        let html = first_page(
            &attrs(&[("survey", "post-service"), ("endpoint", "/v1/responses")]),
            &[],
            &["en-GB".to_string()],
            false,
            Host::Page,
        )
        .expect("rendered");
        assert!(html.contains("lang=\"en\""), "{html}");
    }

    #[test]
    fn escapes_what_the_visit_link_carries() {
        let html = first_page(
            &attrs(&[("survey", "post-service"), ("endpoint", "/v1/responses")]),
            &query(&[
                ("lang", "en\"><script>alert(1)</script>"),
                ("dealer", "<b>"),
            ]),
            &[],
            false,
            Host::Page,
        )
        .expect("rendered");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn a_phone_gets_the_first_question_of_the_question_flow_and_is_told_so() {
        let page = attrs(&[("survey", "post-call"), ("endpoint", "/v1/responses")]);
        let lang = query(&[("lang", "en")]);
        let phone = first_page(&page, &lang, &[], true, Host::Page).expect("rendered");
        assert!(phone.starts_with("<div data-sw-prerendered data-sw-flow=\"question\">"));
        // One question: the rating, and nothing of the page's other questions.
        assert!(phone.contains("id=\"sw0-q-csat\""), "{phone}");
        assert!(!phone.contains("id=\"sw0-q-fcr\""), "{phone}");
        assert!(phone.contains("data-sw-screen=\"0-0\""), "{phone}");
        let desk = first_page(&page, &lang, &[], false, Host::Page).expect("rendered");
        assert!(
            desk.contains("id=\"sw0-q-fcr\""),
            "the page flow shows the page"
        );
        // Set on the page: the page's setting wins over the user agent.
        let set = attrs(&[
            ("survey", "post-call"),
            ("endpoint", "/v1/responses"),
            ("flow", "page"),
        ]);
        let html = first_page(&set, &lang, &[], true, Host::Page).expect("rendered");
        assert!(html.contains("data-sw-flow=\"page\""));
        // Post-service in the question flow: the grouped checklist is the first screen.
        let html = first_page(
            &attrs(&[("survey", "post-service"), ("endpoint", "/v1/responses")]),
            &lang,
            &[],
            true,
            Host::Page,
        )
        .expect("rendered");
        for q in ["p_appointment", "p_lounge_food"] {
            assert!(html.contains(&format!("id=\"sw0-q-{q}\"")), "{q}");
        }
        assert!(html.contains("sw-checklist"));
    }

    #[test]
    fn the_first_page_wears_the_theme_the_widget_will() {
        let base = [
            ("survey", "post-service"),
            ("endpoint", "/v1/responses"),
            ("mode", "embed"),
        ];
        let render = |extra: &[(&str, &str)]| {
            let all: Vec<(&str, &str)> = base.iter().chain(extra).copied().collect();
            first_page(&attrs(&all), &query(&[]), &[], false, Host::Page).expect("rendered")
        };
        let html = render(&[
            ("theme-brand", "#d4af37"),
            ("theme-scheme", "dark"),
            ("theme-font", "\"Noto Sans\", serif"),
        ]);
        assert!(html.contains("data-sw-scheme=\"dark\""), "{html}");
        // Dark only: the brand is the dark scheme's; the font's quotes are escaped.
        assert!(html.contains("--sw-t-d-brand:#d4af37;"), "{html}");
        assert!(html.contains("&quot;Noto Sans&quot;, serif"), "{html}");
        // A brand white text cannot be read on is refused here as in the widget.
        let html = render(&[("theme-brand", "#ffff00")]);
        assert!(!html.contains("data-sw-theme"), "{html}");
        let html = render(&[("theme-brand", "#c8102e")]);
        assert!(html.contains("--sw-t-brand:#c8102e;"), "{html}");
        assert!(html.contains("data-sw-scheme=\"auto\""), "{html}");
    }
}
