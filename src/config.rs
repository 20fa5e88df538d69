//! Widget configuration: which survey, where to send it, which language, the visit.
//!
//! Parsing is pure (key/value pairs in, typed config or warnings out) so it is tested
//! natively; `mount` feeds it the element's `data-*` attributes and the page URL.

use std::collections::BTreeMap;
use survey_core::payload::{Mode, MAX_CONTEXT_VALUE};
use survey_core::Locale;

/// The URL query keys that describe the visit, and the context key each fills.
pub const CONTEXT_PARAMS: &[(&str, &str)] = &[
    ("dealer", "dealer"),
    ("ro", "repair_order"),
    ("advisor", "advisor"),
    ("visit", "visit_date"),
];

/// Everything one mounted widget needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetConfig {
    pub survey: String,
    pub endpoint: String,
    /// Locale preferences, most preferred first: configuration, URL, browser.
    pub locale_preferences: Vec<String>,
    pub mode: Mode,
    pub context: BTreeMap<String, String>,
}

/// A configuration problem a dealer can fix, shown in the widget and the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    MissingSurvey,
    UnknownSurvey(String),
    MissingEndpoint,
    BadEndpoint(String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::MissingSurvey => {
                write!(f, "data-survey: missing; name a questionnaire, e.g. data-survey=\"post-service\"")
            }
            ConfigError::UnknownSurvey(s) => write!(
                f,
                "data-survey: no questionnaire called {s:?}; built in: {}",
                survey_core::templates::BUILT_IN.join(", ")
            ),
            ConfigError::MissingEndpoint => {
                write!(f, "data-endpoint: missing; give the URL responses are posted to")
            }
            ConfigError::BadEndpoint(e) => write!(
                f,
                "data-endpoint: {e:?} is not usable; give a path like /v1/responses or an https:// URL"
            ),
        }
    }
}

/// Reads the configuration. `attrs` are the element's `data-*` values (without the
/// prefix), `query` the page URL's parameters, `browser_languages` `navigator.languages`.
/// Returns the config and warnings about values that were dropped.
pub fn parse(
    attrs: &BTreeMap<String, String>,
    query: &[(String, String)],
    browser_languages: &[String],
) -> (Result<WidgetConfig, ConfigError>, Vec<String>) {
    let mut warnings = Vec::new();
    let q = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim());

    let survey = match attrs
        .get("survey")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => return (Err(ConfigError::MissingSurvey), warnings),
        Some(s) if survey_core::templates::json(s).is_none() => {
            return (Err(ConfigError::UnknownSurvey(s.to_string())), warnings)
        }
        Some(s) => s.to_string(),
    };
    let endpoint = match attrs.get("endpoint").map(|s| s.trim()) {
        None | Some("") => return (Err(ConfigError::MissingEndpoint), warnings),
        Some(e) if !endpoint_is_usable(e) => {
            return (Err(ConfigError::BadEndpoint(e.into())), warnings)
        }
        Some(e) => e.to_string(),
    };

    let mut locale_preferences = Vec::new();
    for (source, tag) in [
        ("data-locale", attrs.get("locale").map(String::as_str)),
        ("?lang", q("lang")),
    ] {
        match tag {
            Some(t) if Locale::is_well_formed(t) => locale_preferences.push(t.to_string()),
            Some(t) => warnings.push(format!("{source}: {t:?} is not a language tag; ignored")),
            None => {}
        }
    }
    locale_preferences.extend(
        browser_languages
            .iter()
            .filter(|t| Locale::is_well_formed(t))
            .cloned(),
    );

    let mode = match attrs.get("mode").map(String::as_str).or(q("mode")) {
        Some("kiosk") => Mode::Kiosk,
        Some("embed") => Mode::Embed,
        _ => Mode::Page,
    };

    let mut context = BTreeMap::new();
    for (param, key) in CONTEXT_PARAMS {
        let Some(value) = q(param) else { continue };
        if value.is_empty() {
            continue;
        }
        if is_context_value(value) {
            context.insert((*key).to_string(), value.to_string());
        } else {
            warnings.push(format!(
                "?{param}: dropped; expected at most {MAX_CONTEXT_VALUE} letters, digits, '-', '_', '.', '/' or ':'"
            ));
        }
    }

    (
        Ok(WidgetConfig {
            survey,
            endpoint,
            locale_preferences,
            mode,
            context,
        }),
        warnings,
    )
}

/// Same-origin paths, https anywhere, and plain http only to the local machine
/// (the demo collector); anything else would send answers in clear text.
pub fn endpoint_is_usable(e: &str) -> bool {
    let local = ["http://localhost", "http://127.0.0.1", "http://[::1]"];
    let no_bad_chars = !e
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<');
    no_bad_chars
        && ((e.starts_with('/') && !e.starts_with("//"))
            || e.starts_with("https://")
            || local.iter().any(|l| {
                e.strip_prefix(l).is_some_and(|rest| {
                    rest.is_empty() || rest.starts_with('/') || rest.starts_with(':')
                })
            }))
}

fn is_context_value(v: &str) -> bool {
    v.chars().count() <= MAX_CONTEXT_VALUE
        && v.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_survey_endpoint_locale_order_and_context() {
        let (cfg, warnings) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("endpoint", "/v1/responses"),
                ("locale", "en"),
            ]),
            &query(&[
                ("lang", "zh-TW"),
                ("dealer", "D001"),
                ("ro", "RO-2026/1182"),
            ]),
            &["zh-CN".into()],
        );
        let cfg = cfg.unwrap();
        assert!(warnings.is_empty());
        assert_eq!(cfg.locale_preferences, ["en", "zh-TW", "zh-CN"]);
        assert_eq!(cfg.context.get("dealer").map(String::as_str), Some("D001"));
        assert_eq!(
            cfg.context.get("repair_order").map(String::as_str),
            Some("RO-2026/1182")
        );
        assert_eq!(cfg.mode, Mode::Page);
    }

    #[test]
    fn drops_malformed_context_with_a_warning() {
        let long = "9".repeat(129);
        let (cfg, warnings) = parse(
            &attrs(&[("survey", "post-service"), ("endpoint", "/v1/responses")]),
            &query(&[
                ("dealer", "<script>"),
                ("ro", &long),
                ("advisor", "王伟"),
                ("lang", "\"x"),
            ]),
            &[],
        );
        let cfg = cfg.unwrap();
        assert_eq!(cfg.context.len(), 1);
        assert_eq!(cfg.context.get("advisor").map(String::as_str), Some("王伟"));
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }

    #[test]
    fn configuration_errors_name_the_attribute() {
        let (r, _) = parse(&attrs(&[("endpoint", "/x")]), &[], &[]);
        assert_eq!(r.unwrap_err(), ConfigError::MissingSurvey);
        let (r, _) = parse(&attrs(&[("survey", "nope"), ("endpoint", "/x")]), &[], &[]);
        assert!(r
            .unwrap_err()
            .to_string()
            .starts_with("data-survey: no questionnaire called \"nope\""));
        let (r, _) = parse(&attrs(&[("survey", "post-service")]), &[], &[]);
        assert_eq!(r.unwrap_err(), ConfigError::MissingEndpoint);
        let (r, _) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("endpoint", "http://evil.example/x"),
            ]),
            &[],
            &[],
        );
        assert!(matches!(r.unwrap_err(), ConfigError::BadEndpoint(_)));
    }

    #[test]
    fn endpoints() {
        assert!(endpoint_is_usable("/v1/responses"));
        assert!(endpoint_is_usable("https://crm.example.com/hook"));
        assert!(endpoint_is_usable("http://127.0.0.1:8080/v1/responses"));
        assert!(endpoint_is_usable("http://localhost:9/v1"));
        assert!(!endpoint_is_usable("//evil.example/x"));
        assert!(!endpoint_is_usable("http://localhost.evil.example/x"));
        assert!(!endpoint_is_usable("javascript:alert(1)"));
        assert!(!endpoint_is_usable("http://10.0.0.2/x"));
    }
}
