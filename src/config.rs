//! Widget configuration: which survey, where to send it, which language, the visit.
//!
//! Parsing is pure (key/value pairs in, typed config or warnings out) so it is tested
//! natively; `mount` feeds it the element's `data-*` attributes and the page URL.

use std::collections::BTreeMap;
use std::rc::Rc;
use survey_core::context::LINK_PARAMS;
use survey_core::context::{check_context_value, MAX_CONTEXT_VALUE};
use survey_core::endpoint::{url_kind, Endpoint, EndpointError, EndpointSpec, UrlKind};
use survey_core::flow::Flow;
use survey_core::payload::Mode;
use survey_core::Locale;

/// The request header a paired kiosk sends its device key in (collector/src/kiosks.rs).
pub const KIOSK_KEY_HEADER: &str = "X-Kiosk-Key";

/// The mount point's `data-*` attributes the widget reads (named without `data-`).
pub const ATTRIBUTES: &[&str] = &[
    "survey",
    "definition",
    "endpoint",
    "endpoint-headers",
    "timeout-seconds",
    "payload",
    "payload-fields",
    "allow-http",
    "locale",
    "mode",
    "review-url",
    "kiosk-pin",
    "idle-seconds",
    // A paired kiosk's device key (`kiosk_…`), sent with every response as
    // `X-Kiosk-Key`; static/kiosk.js keeps it on the tablet and sets it.
    "device-key",
    // Pixels the page covers at the top (a sticky header): after Next the widget's top
    // is scrolled to just below them (issue 13 item 15).
    "scroll-offset",
    // Context the page itself sets (a dealer's site, a lounge kiosk): checked by the
    // same rule as a link's context.
    "dealer",
    "station",
    "context",
    // The theme as one JSON object (`{"brand":"#c8102e"}`, what `SurveyWidget.mount`'s
    // `theme` option becomes); each key also has an attribute of its own,
    // `data-theme-<key>`, from core's one list (see [`theme_key`]).
    "theme",
    // `off`: no funnel beacons (a collector behind a proxy that does not pass
    // `/v1/beacons` on); `on`, the default, sends them to a collector endpoint only
    // (`services::beacon`).
    "beacons",
    // `page` (a definition's page per screen) or `question` (one question per screen,
    // issue 17); without it, the survey's own page on a phone asks one question at a
    // time and everything else a page ([`WidgetConfig::flow_for`]).
    "flow",
];

/// The theme key (`logo_alt`) an attribute name (`theme-logo-alt`) sets, if it is one:
/// `theme-` and a key of `survey_core::theme::KEYS` with `-` for `_`.
pub fn theme_key(name: &str) -> Option<&'static str> {
    let key = name.strip_prefix("theme-")?;
    survey_core::theme::KEYS.into_iter().find(|k| {
        k.len() == key.len()
            && k.bytes()
                .zip(key.bytes())
                .all(|(a, b)| a == b || (a, b) == (b'_', b'-'))
    })
}

/// Is `name` (without `data-`) one of the widget's settings?
pub fn is_setting(name: &str) -> bool {
    ATTRIBUTES.contains(&name) || theme_key(name).is_some()
}

/// `data-*` attributes of the script tag that only the loader (`static/survey-widget.js`)
/// reads: how the widget is shown, not what it does. Not settings, and not warned about.
/// `launcher-position` (bottom-right, bottom-left, top-right, top-left) and
/// `launcher-offset` (px from the corner: `16`, or `16 80` across and up/down) place the
/// floating button clear of the dealer's own sticky bars (issue 13 item 14).
pub const LOADER_ATTRIBUTES: &[&str] = &[
    "display",
    "label",
    "target",
    "launcher-position",
    "launcher-offset",
];

/// One warning per `data-*` name (without `data-`) that is not a setting: a misspelt
/// attribute is reported, as a misspelt value is. The mount point's own marker and the
/// widget's internal `data-sw-*` attributes are not settings either.
pub fn unknown_attributes<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    names
        .into_iter()
        .filter(|n| {
            !(is_setting(n)
                || LOADER_ATTRIBUTES.contains(n)
                || *n == "survey-widget"
                || n.starts_with("sw-"))
        })
        .map(|n| format!("data-{n}: not a setting of the survey widget; ignored"))
        .collect()
}

/// The page URL's parameters besides the visit's: they change what is shown, so the
/// collector's `/v1/first-page` takes them from the host page too (the script-tag
/// loader sends them as `page.<name>`).
pub const PAGE_SETTINGS: [&str; 4] = ["lang", "mode", "survey", "flow"];

/// The page URL's parameters the widget reads: the visit, `lang`, `mode`, `survey`.
/// The browser and a server prerendering the page both take exactly these.
pub fn page_params() -> impl Iterator<Item = &'static str> {
    LINK_PARAMS.iter().map(|(k, _)| *k).chain(PAGE_SETTINGS)
}

/// Where the questionnaire comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SurveySource {
    /// A template shipped in the widget, by id (`post-service`, `post-call`).
    BuiltIn(String),
    /// A dealer's own definition (JSON), fetched from this URL.
    Url(String),
}

/// Everything one mounted widget needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct WidgetConfig {
    pub source: SurveySource,
    /// Where responses go, with what headers, timeout and body shape.
    pub endpoint: Rc<Endpoint>,
    /// Locale preferences, most preferred first: configuration, URL, browser.
    pub locale_preferences: Vec<String>,
    pub mode: Mode,
    pub context: BTreeMap<String, String>,
    /// The page URL's other parameters that look like context values: a hidden
    /// question is filled from the one named by its own id (`?service=express`).
    pub url_fields: BTreeMap<String, String>,
    /// A public review page offered to delighted customers (`data-review-url`).
    pub review_url: Option<String>,
    /// What the host page covers at the top, in px (`data-scroll-offset`).
    pub scroll_offset: u32,
    /// Kiosk mode: the staff PIN (`data-kiosk-pin`) and timings (`data-idle-seconds`).
    pub kiosk_pin: Option<String>,
    pub kiosk_times: crate::kiosk::KioskTimes,
    /// The page's theme settings: (key, where it was set, for warnings, value), a key
    /// once: `data-theme-<key>` over `data-theme`'s object; the definition's `theme`
    /// comes under both ([`theme_settings`]). A list: another map type costs KBs.
    pub theme: Vec<(String, String, String)>,
    /// Where the funnel beacons go (`data-beacons`, [`crate::services::beacon::url`]);
    /// `None`: nowhere.
    pub beacons: Option<String>,
    /// `data-flow` (or, on the survey's own page, `?flow=`); `None`: the default for
    /// the mode and the screen ([`WidgetConfig::flow_for`]).
    pub flow: Option<Flow>,
}

/// Touch screens at most this wide (CSS px) are phones: the survey's own page asks one
/// question at a time there unless told otherwise (`services::browser::phone_screen`).
/// The collector, which sees no screen, takes a user agent that says "Mobile" for one
/// (collector/src/prerender.rs `is_phone`); where it rendered the first page, its
/// choice stands.
pub const PHONE_MAX_WIDTH: u32 = 600;
/// [`PHONE_MAX_WIDTH`] as the media query the browser asks (a touch screen that wide).
pub const PHONE_QUERY: &str = "(max-width: 600px) and (pointer: coarse)";

impl WidgetConfig {
    /// The flow this widget runs: the one set; else, on the survey's own page (a QR
    /// link), one question at a time on a phone (`phone`) and a page at a time on a
    /// larger screen; an embedded widget and a kiosk a page at a time. A phone
    /// interview always goes a page at a time: the agent reads a page's questions out.
    pub fn flow_for(&self, phone: bool) -> Flow {
        debug_assert!(PHONE_QUERY.contains(&format!("{PHONE_MAX_WIDTH}px")));
        match (self.mode, self.flow) {
            (Mode::Interview, _) => Flow::Page,
            (_, Some(f)) => f,
            (Mode::Page, None) if phone => Flow::Question,
            _ => Flow::Page,
        }
    }
}

/// A configuration problem a dealer can fix, shown in the widget and the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    MissingSurvey,
    BothSurveyAndDefinition,
    UnknownSurvey(String),
    BadDefinitionUrl(String),
    Endpoint(EndpointError),
    /// The options object given to `SurveyWidget.mount` could not be read.
    BadOptions(String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::MissingSurvey => write!(
                f,
                "data-survey: missing; name a built-in questionnaire (data-survey=\"post-service\") \
                 or give data-definition=\"URL of a definition\""
            ),
            ConfigError::BothSurveyAndDefinition => write!(
                f,
                "data-definition: give either data-survey or data-definition, not both"
            ),
            ConfigError::UnknownSurvey(s) => write!(
                f,
                "data-survey: no questionnaire called {s:?}; built in: {}",
                survey_core::templates::BUILT_IN.join(", ")
            ),
            ConfigError::BadDefinitionUrl(u) => write!(
                f,
                "data-definition: {u:?} is not usable; give a path like /surveys/mine.json or an https:// URL"
            ),
            ConfigError::Endpoint(e) => write!(f, "{e}"),
            ConfigError::BadOptions(e) => write!(f, "SurveyWidget.mount options: {e}"),
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
    let attr = |key: &str| attrs.get(key).map(|s| s.trim()).filter(|s| !s.is_empty());

    let mode = match attr("mode").or(q("mode")) {
        Some("kiosk") => Mode::Kiosk,
        Some("embed") => Mode::Embed,
        // The console's phone interview page (collector/src/routes/interview_page.rs).
        Some("interview") => Mode::Interview,
        Some("page") | None => Mode::Page,
        Some(m) => {
            warnings.push(format!(
                "data-mode: {m:?} is not page, embed, kiosk or interview; using page"
            ));
            Mode::Page
        }
    };

    // On the stand-alone survey page (a QR link), `?survey=` picks the questionnaire;
    // a widget embedded in someone else's page ignores the host page's URL for that.
    let url_survey =
        q("survey").filter(|s| mode == Mode::Page && survey_core::templates::exists(s));
    let source = match (url_survey, attr("survey"), attr("definition")) {
        (Some(s), _, _) => SurveySource::BuiltIn(s.to_string()),
        (None, Some(_), Some(_)) => return (Err(ConfigError::BothSurveyAndDefinition), warnings),
        (None, None, None) => return (Err(ConfigError::MissingSurvey), warnings),
        (None, None, Some(url)) if !url_is_usable(url) => {
            return (Err(ConfigError::BadDefinitionUrl(url.into())), warnings)
        }
        (None, None, Some(url)) => SurveySource::Url(url.to_string()),
        (None, Some(s), None) if !survey_core::templates::exists(s) => {
            return (Err(ConfigError::UnknownSurvey(s.to_string())), warnings)
        }
        (None, Some(s), None) => SurveySource::BuiltIn(s.to_string()),
    };
    // Only a kiosk sends a device key: it vouches for a lounge tablet, not a page.
    // A key that is not one the collector accepts is still sent: the collector stores
    // the response unverified and the staff menu says the key was not accepted.
    let device_key = attr("device-key").filter(|_| {
        if mode != Mode::Kiosk {
            warnings.push("data-device-key: only a kiosk sends one; ignored".into());
        }
        mode == Mode::Kiosk
    });
    let endpoint = match Endpoint::parse(EndpointSpec {
        url: attr("endpoint"),
        headers: attr("endpoint-headers"),
        timeout_seconds: attr("timeout-seconds"),
        payload: attr("payload"),
        fields: attr("payload-fields"),
        allow_http: attrs.get("allow-http").map(|s| s.trim()),
    }) {
        Ok(mut e) => {
            if let Some(key) = device_key {
                e.headers.push((KIOSK_KEY_HEADER.into(), key.into()));
            }
            Rc::new(e)
        }
        Err(e) => return (Err(ConfigError::Endpoint(e)), warnings),
    };

    let mut locale_preferences = Vec::new();
    for (source, tag) in [("data-locale", attr("locale")), ("?lang", q("lang"))] {
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

    let mut context = BTreeMap::new();
    for (param, key) in LINK_PARAMS {
        let Some(value) = q(param).filter(|v| !v.is_empty()) else {
            continue;
        };
        // The collector refuses what this drops: both ask survey-core's one rule.
        if check_context_value(value).is_ok() {
            context.insert((*key).to_string(), value.to_string());
        } else {
            warnings.push(format!(
                "?{param}: dropped; expected at most {MAX_CONTEXT_VALUE} letters, digits, '-', '_', '.', '/' or ':'"
            ));
        }
    }

    page_context(&attr, &mut context, &mut warnings);
    let mut url_fields = BTreeMap::new();
    for (k, v) in query {
        let known = page_params().any(|p| p == k);
        if !known && survey_core::ids::is_valid_id(k) && check_context_value(v).is_ok() {
            url_fields.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }

    let review_url = match attr("review-url") {
        Some(u) if url_is_usable(u) => Some(u.to_string()),
        Some(u) => {
            warnings.push(format!(
                "data-review-url: {u:?} is not usable; no review prompt"
            ));
            None
        }
        None => None,
    };

    // A PIN keeps customers out of the staff menu; it is not a secret from anyone
    // who reads the page source, and the widget holds no secrets.
    let kiosk_pin = attr("kiosk-pin").map(str::to_string);
    let mut kiosk_times = crate::kiosk::KioskTimes::default();
    match attr("idle-seconds").map(str::parse::<u64>) {
        Some(Ok(s)) if (30..=3600).contains(&s) => kiosk_times.idle_ms = s * 1000,
        Some(_) => warnings.push("data-idle-seconds: expected 30 to 3600; using 90".into()),
        None => {}
    }

    // The survey's own page may take it from its link (`?flow=question`), as `mode`.
    let flow_param = attr("flow").or(q("flow").filter(|_| mode == Mode::Page));
    let flow = match flow_param.map(|f| (f, Flow::parse(f))) {
        Some((_, Some(f))) => Some(f),
        Some((f, None)) => {
            warnings.push(format!(
                "data-flow: {f:?} is not page or question; using the default"
            ));
            None
        }
        None => None,
    };

    let scroll_offset = match attr("scroll-offset").map(str::parse::<u32>) {
        Some(Ok(px)) if px <= 500 => px,
        Some(_) => {
            warnings.push("data-scroll-offset: expected 0 to 500 (px); using 0".into());
            0
        }
        None => 0,
    };

    let mut theme: Vec<(String, String, String)> = Vec::new();
    let mut set_theme = |key: String, name: String, value: String| {
        theme.retain(|(k, _, _)| *k != key);
        theme.push((key, name, value));
    };
    if let Some(json) = attr("theme") {
        // Through a JSON value, like everything the widget reads (survey_core::json_read);
        // the loader writes a mount option's numbers as text.
        match survey_core::json_read::read::<BTreeMap<String, String>>(json) {
            Ok(map) => {
                for (k, v) in map {
                    set_theme(k.clone(), format!("theme.{k}"), v);
                }
            }
            Err(e) => warnings.push(format!(
                "data-theme: expected a JSON object of strings, e.g. {{\"brand\":\"#c8102e\"}}; ignored ({e})"
            )),
        }
    }
    for (name, value) in attrs {
        if let Some(key) = theme_key(name) {
            set_theme(key.into(), format!("data-{name}"), value.trim().into());
        }
    }

    let (beacons, warning) = crate::services::beacon::url(&endpoint.url, attr("beacons"));
    warnings.extend(warning);
    let config = WidgetConfig {
        beacons,
        source,
        endpoint,
        locale_preferences,
        mode,
        context,
        url_fields,
        review_url,
        scroll_offset,
        kiosk_pin,
        kiosk_times,
        theme,
        flow,
    };
    (Ok(config), warnings)
}

/// The theme of this widget: the page's settings over the definition's, key by key,
/// resolved by core (contrast included). Each setting refused is a warning naming
/// where it was set; its default is used.
pub fn theme_settings(
    page: &[(String, String, String)],
    definition: &BTreeMap<String, String>,
) -> (survey_core::theme::Theme, Vec<String>) {
    let mut settings = definition.clone();
    for (k, _, v) in page {
        settings.insert(k.clone(), v.clone());
    }
    let (theme, problems) = survey_core::theme::resolve(&settings);
    let warnings = problems
        .into_iter()
        .map(|(k, p)| {
            let from_page = page.iter().find(|(pk, _, _)| *pk == k);
            let name = from_page.map_or(format!("theme.{k}"), |(_, n, _)| n.clone());
            let value = settings.get(&k).map(String::as_str).unwrap_or_default();
            format!("{name}={value:?}: {p}; using the default")
        })
        .collect();
    (theme, warnings)
}

/// The context the page itself sets: `data-context` (a JSON object of free keys), then
/// `data-dealer` and `data-station`. The page's own settings win over the URL's; a free
/// key may not take a key the link or a named attribute owns. Each value is checked by
/// the same rule as a link's; what does not pass is dropped with a warning.
fn page_context<'a>(
    attr: &impl Fn(&str) -> Option<&'a str>,
    context: &mut BTreeMap<String, String>,
    warnings: &mut Vec<String>,
) {
    let owned =
        |k: &str| matches!(k, "dealer" | "station") || LINK_PARAMS.iter().any(|(_, key)| *key == k);
    // (where it came from, key, value), in the order they are applied.
    let mut given: Vec<(String, String, String)> = Vec::new();
    if let Some(json) = attr("context") {
        // Read as any JSON value, then taken only if an object: serde_json's map is the
        // same sorted map, and the wasm needs no reader of its own for this one type.
        match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::Object(map)) => {
                for (k, v) in map {
                    let name = format!("data-context.{k}");
                    match v {
                        _ if owned(&k) => warnings.push(format!(
                            "{name}: dropped; set by its own attribute or the link"
                        )),
                        serde_json::Value::String(v) => given.push((name, k, v.trim().into())),
                        _ => warnings.push(format!("{name}: dropped; expected a string")),
                    }
                }
            }
            _ => warnings.push(
                "data-context: expected a JSON object of strings, e.g. {\"bay\":\"3\"}; ignored"
                    .into(),
            ),
        }
    }
    for key in ["dealer", "station"] {
        if let Some(v) = attr(key) {
            given.push((format!("data-{key}"), key.into(), v.into()));
        }
    }
    let max = survey_core::context::MAX_CONTEXT_KEYS;
    for (name, key, value) in given {
        if !survey_core::ids::is_valid_id(&key) || check_context_value(&value).is_err() {
            warnings.push(format!(
                "{name}: dropped; expected at most {MAX_CONTEXT_VALUE} letters, digits, '-', '_', '.', '/' or ':'"
            ));
        } else if context.len() >= max && !context.contains_key(&key) {
            warnings.push(format!("{name}: dropped; at most {max} context keys"));
        } else {
            context.insert(key, value);
        }
    }
}

/// Same-origin paths (absolute or relative), https anywhere, and plain http only to
/// the local machine (the demo collector); anything else would fetch in clear text
/// or follow a `javascript:` URL.
pub fn url_is_usable(url: &str) -> bool {
    matches!(
        url_kind(url),
        UrlKind::SameOrigin | UrlKind::Https | UrlKind::LocalHttp
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `data-*` attributes as `mount` reads them (also used by `prerender`'s tests).
    pub(crate) fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// URL parameters as `mount::page_query` reads them.
    pub(crate) fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_flow_is_set_or_follows_the_mode_and_the_screen() {
        let flow = |a: &[(&str, &str)], q: &[(&str, &str)], narrow: bool| {
            let mut all = vec![("survey", "post-service"), ("endpoint", "/v1/responses")];
            all.extend_from_slice(a);
            let (cfg, warnings) = parse(&attrs(&all), &query(q), &[]);
            (cfg.unwrap().flow_for(narrow), warnings)
        };
        // The survey's own page: one question at a time on a phone only.
        assert_eq!(flow(&[], &[], true).0, Flow::Question);
        assert_eq!(flow(&[], &[], false).0, Flow::Page);
        // Set: on every screen; the attribute over the link.
        assert_eq!(flow(&[("flow", "page")], &[], true).0, Flow::Page);
        assert_eq!(flow(&[("flow", "question")], &[], false).0, Flow::Question);
        assert_eq!(flow(&[], &[("flow", "question")], false).0, Flow::Question);
        assert_eq!(
            flow(&[("flow", "page")], &[("flow", "question")], true).0,
            Flow::Page
        );
        // Embedded: a page at a time unless the dealer asks, and the host page's URL
        // does not decide it.
        let embed = [("mode", "embed")];
        assert_eq!(flow(&embed, &[], true).0, Flow::Page);
        assert_eq!(flow(&embed, &[("flow", "question")], true).0, Flow::Page);
        assert_eq!(
            flow(&[("mode", "embed"), ("flow", "question")], &[], false).0,
            Flow::Question
        );
        assert_eq!(
            flow(&[("mode", "interview"), ("flow", "question")], &[], true).0,
            Flow::Page
        );
        let (f, warnings) = flow(&[("flow", "slides")], &[], false);
        assert_eq!(f, Flow::Page);
        assert_eq!(
            warnings,
            ["data-flow: \"slides\" is not page or question; using the default"]
        );
        assert!(unknown_attributes(["flow"]).is_empty());
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
        assert_eq!(cfg.source, SurveySource::BuiltIn("post-service".into()));
        assert_eq!(cfg.locale_preferences, ["en", "zh-TW", "zh-CN"]);
        assert_eq!(cfg.context.get("dealer").map(String::as_str), Some("D001"));
        assert_eq!(
            cfg.context.get("repair_order").map(String::as_str),
            Some("RO-2026/1182")
        );
        assert_eq!(cfg.mode, Mode::Page);
        assert_eq!(cfg.review_url, None);
    }

    #[test]
    fn review_link_must_be_a_safe_url() {
        let base = [("survey", "post-service"), ("endpoint", "/v1/responses")];
        let with = |url: &str| {
            let mut a = attrs(&base);
            a.insert("review-url".into(), url.into());
            parse(&a, &[], &[])
        };
        let (cfg, warnings) = with("https://reviews.example.com/dealer/42");
        assert_eq!(
            cfg.unwrap().review_url.as_deref(),
            Some("https://reviews.example.com/dealer/42")
        );
        assert!(warnings.is_empty());
        let (cfg, warnings) = with("javascript:alert(1)");
        assert_eq!(cfg.unwrap().review_url, None);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn a_signed_link_carries_its_channel_expiry_and_signature() {
        let page = attrs(&[("survey", "post-service"), ("endpoint", "/v1/responses")]);
        let sig = "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDvCw0";
        let q = query(&[
            ("dealer", "D001"),
            ("channel", "qr"),
            ("exp", "1796000000"),
            ("sig", sig),
        ]);
        let (cfg, warnings) = parse(&page, &q, &[]);
        let context = cfg.unwrap().context;
        let get = |k: &str| context.get(k).map(String::as_str);
        assert_eq!(
            (get("channel"), get("exp"), get("sig")),
            (Some("qr"), Some("1796000000"), Some(sig))
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn the_qr_link_picks_the_survey_and_carries_the_token_on_the_page_only() {
        let page = attrs(&[("survey", "post-service"), ("endpoint", "/v1/responses")]);
        let q = query(&[("survey", "post-call"), ("token", "tkn.AbC-123_x")]);
        let (cfg, _) = parse(&page, &q, &[]);
        let cfg = cfg.unwrap();
        assert_eq!(cfg.source, SurveySource::BuiltIn("post-call".into()));
        assert_eq!(
            cfg.context.get("token").map(String::as_str),
            Some("tkn.AbC-123_x")
        );
        let mut embed = page.clone();
        embed.insert("mode".into(), "embed".into());
        let (cfg, _) = parse(&embed, &q, &[]);
        assert_eq!(
            cfg.unwrap().source,
            SurveySource::BuiltIn("post-service".into())
        );
        let (cfg, _) = parse(&page, &query(&[("survey", "no-such")]), &[]);
        assert_eq!(
            cfg.unwrap().source,
            SurveySource::BuiltIn("post-service".into())
        );
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
        assert_eq!(
            r.unwrap_err(),
            ConfigError::Endpoint(EndpointError::Missing)
        );
        let (r, _) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("endpoint", "http://evil.example/x"),
            ]),
            &[],
            &[],
        );
        assert!(matches!(
            r.unwrap_err(),
            ConfigError::Endpoint(EndpointError::PlainHttp(_))
        ));
    }

    #[test]
    fn a_dealer_definition_url_instead_of_a_built_in() {
        let (cfg, _) = parse(
            &attrs(&[
                ("definition", "surveys/mine.json"),
                ("endpoint", "/v1/responses"),
            ]),
            &[],
            &[],
        );
        assert_eq!(
            cfg.unwrap().source,
            SurveySource::Url("surveys/mine.json".into())
        );
        let (r, _) = parse(
            &attrs(&[
                ("definition", "x.json"),
                ("survey", "post-service"),
                ("endpoint", "/x"),
            ]),
            &[],
            &[],
        );
        assert_eq!(r.unwrap_err(), ConfigError::BothSurveyAndDefinition);
        let (r, _) = parse(
            &attrs(&[("definition", "javascript:alert(1)"), ("endpoint", "/x")]),
            &[],
            &[],
        );
        assert!(matches!(r.unwrap_err(), ConfigError::BadDefinitionUrl(_)));
    }

    #[test]
    fn endpoint_settings_come_from_their_attributes() {
        let (cfg, _) = parse(
            &attrs(&[
                ("survey", "post-call"),
                ("endpoint", "http://192.168.1.20:9000/hook"),
                ("allow-http", "true"),
                ("endpoint-headers", r#"{"X-Dealer-Route":"north-7"}"#),
                ("timeout-seconds", "4"),
                ("payload", "flat"),
                ("payload-fields", r#"{"ResponseId":"id","NPS":"score.nps"}"#),
            ]),
            &[],
            &[],
        );
        let e = cfg.unwrap().endpoint;
        assert_eq!(e.url, "http://192.168.1.20:9000/hook");
        assert_eq!(e.headers, [("X-Dealer-Route".into(), "north-7".into())]);
        assert_eq!(e.timeout_ms, 4000);
        assert!(matches!(
            e.body,
            survey_core::endpoint::BodyFormat::Flat(Some(_))
        ));
        let (r, _) = parse(
            &attrs(&[
                ("survey", "post-call"),
                ("endpoint", "/v1/responses"),
                ("endpoint-headers", r#"{"Authorization":"Bearer x"}"#),
            ]),
            &[],
            &[],
        );
        assert!(r
            .unwrap_err()
            .to_string()
            .starts_with("data-endpoint-headers: \"Authorization\" cannot be configured"));
    }

    #[test]
    fn the_page_sets_dealer_station_and_free_context_by_the_link_rule() {
        let (cfg, warnings) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("endpoint", "/v1/responses"),
                ("dealer", "D001"),
                ("station", "lounge-2"),
                (
                    "context",
                    r#"{"bay":"3","campaign":"winter/2026","bad":"<b>","token":"x","n":7}"#,
                ),
            ]),
            &query(&[("dealer", "D999"), ("ro", "RO-1")]),
            &[],
        );
        let cfg = cfg.unwrap();
        let get = |k: &str| cfg.context.get(k).map(String::as_str);
        assert_eq!(get("dealer"), Some("D001"), "the page's own setting wins");
        assert_eq!(get("station"), Some("lounge-2"));
        assert_eq!(get("bay"), Some("3"));
        assert_eq!(get("campaign"), Some("winter/2026"));
        assert_eq!(get("repair_order"), Some("RO-1"));
        assert_eq!((get("bad"), get("token"), get("n")), (None, None, None));
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        let (cfg, warnings) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("endpoint", "/v1/responses"),
                ("station", "lounge 2"),
                ("context", "not json"),
            ]),
            &[],
            &[],
        );
        assert!(cfg.unwrap().context.is_empty());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn post_call_links_carry_agent_and_call_and_fill_hidden_questions_by_id() {
        let (cfg, _) = parse(
            &attrs(&[("survey", "post-call"), ("endpoint", "/v1/responses")]),
            &query(&[
                ("agent", "hl-042"),
                ("call", "complaint"),
                ("service", "express"),
                ("utm", "<x>"),
                ("lang", "en"),
            ]),
            &[],
        );
        let cfg = cfg.unwrap();
        assert_eq!(cfg.context.get("agent").map(String::as_str), Some("hl-042"));
        assert_eq!(
            cfg.context.get("call_type").map(String::as_str),
            Some("complaint")
        );
        assert_eq!(
            cfg.url_fields.into_iter().collect::<Vec<_>>(),
            [("service".to_string(), "express".to_string())]
        );
    }

    #[test]
    fn the_console_mounts_an_interview() {
        // What collector/src/routes/interview_page.rs writes: mode, endpoint, the CSRF
        // header and the case as free context.
        let (cfg, warnings) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("mode", "interview"),
                ("endpoint", "/v1/interviews"),
                ("endpoint-headers", r#"{"X-CSRF-Token":"abc"}"#),
                (
                    "context",
                    r#"{"case":"0b5e1c9e-4f7a-4b59-9a53-3f7c2f4d8e11"}"#,
                ),
                ("dealer", "D001"),
            ]),
            &[],
            &[],
        );
        let cfg = cfg.expect("config");
        assert_eq!(warnings, Vec::<String>::new());
        assert_eq!(cfg.mode, Mode::Interview);
        assert_eq!(
            cfg.endpoint.headers,
            vec![("X-CSRF-Token".to_string(), "abc".to_string())]
        );
        assert_eq!(
            cfg.context.get("case").map(String::as_str),
            Some("0b5e1c9e-4f7a-4b59-9a53-3f7c2f4d8e11")
        );
    }

    #[test]
    fn unknown_attributes_and_modes_warn() {
        assert_eq!(
            unknown_attributes(["survey", "endpiont", "survey-widget", "sw-next", "display"]),
            ["data-endpiont: not a setting of the survey widget; ignored"]
        );
        let (cfg, warnings) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("endpoint", "/v1/responses"),
                ("mode", "kisok"),
            ]),
            &[],
            &[],
        );
        assert_eq!(cfg.unwrap().mode, Mode::Page);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn a_paired_kiosk_sends_its_device_key_with_each_response() {
        let key = "kiosk_AbC-d_0123456789";
        let with = |mode: &str, key: &str| {
            parse(
                &attrs(&[
                    ("survey", "post-service"),
                    ("endpoint", "/v1/responses"),
                    ("mode", mode),
                    ("device-key", key),
                    ("station", "LOUNGE-1"),
                ]),
                &[],
                &[],
            )
        };
        let (cfg, warnings) = with("kiosk", key);
        let cfg = cfg.unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(cfg.endpoint.headers, [("X-Kiosk-Key".into(), key.into())]);
        assert!(
            !cfg.context.values().any(|v| v == key),
            "never in the context"
        );
        assert_eq!(cfg.context["station"], "LOUNGE-1");
        // Not a kiosk: not sent, said once.
        for (mode, key) in [("page", key), ("embed", key)] {
            let (cfg, warnings) = with(mode, key);
            assert_eq!(cfg.unwrap().endpoint.headers.len(), 0, "{mode} {key}");
            assert_eq!(warnings.len(), 1, "{warnings:?}");
        }
    }

    #[test]
    fn theme_settings_come_from_attributes_over_the_object_over_the_definition() {
        let (cfg, warnings) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("endpoint", "/v1/responses"),
                ("theme", r##"{"brand":"#0b4f8a","radius":"4"}"##),
                ("theme-brand", "#ffdd00"),
                ("theme-logo-alt", "Dealer"),
            ]),
            &[],
            &[],
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let cfg = cfg.unwrap();
        let get = |k: &str| cfg.theme.iter().find(|(key, _, _)| key == k).cloned();
        assert_eq!(
            get("brand"),
            Some(("brand".into(), "data-theme-brand".into(), "#ffdd00".into()))
        );
        assert_eq!(
            get("radius"),
            Some(("radius".into(), "theme.radius".into(), "4".into()))
        );
        assert_eq!(cfg.theme.len(), 3, "brand once: {:?}", cfg.theme);
        let (_, warnings) = parse(
            &attrs(&[
                ("survey", "post-service"),
                ("endpoint", "/v1/responses"),
                ("theme", "{\"radius\":4}"),
            ]),
            &[],
            &[],
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("data-theme: expected a JSON object of strings"));
        let definition = attrs(&[("brand", "#c8102e"), ("radius", "12"), ("scheme", "light")]);
        let (theme, warnings) = theme_settings(&cfg.theme, &definition);
        assert_eq!(
            warnings,
            ["data-theme-brand=\"#ffdd00\": white text on it is 1.34:1, AA needs 4.5:1; using the default"]
        );
        assert!(
            !theme.vars.iter().any(|(k, _)| k.contains("brand")),
            "the default brand, not the definition's"
        );
        assert!(
            theme.vars.contains(&("--sw-t-radius", "4px".into())),
            "the page's radius"
        );
        assert_eq!(
            theme.scheme,
            survey_core::theme::Scheme::Light,
            "the definition's scheme"
        );
        assert!(unknown_attributes(["theme-brand", "theme-logo-height", "theme"]).is_empty());
        assert_eq!(unknown_attributes(["theme-colour"]).len(), 1);
    }

    #[test]
    fn urls() {
        assert!(url_is_usable("/v1/responses"));
        assert!(url_is_usable("fixtures/dealer-survey.json"));
        assert!(url_is_usable("https://crm.example.com/hook"));
        assert!(url_is_usable("http://127.0.0.1:8080/v1/responses"));
        assert!(url_is_usable("http://localhost:9/v1"));
        assert!(!url_is_usable("//evil.example/x"));
        assert!(!url_is_usable("http://localhost.evil.example/x"));
        assert!(!url_is_usable("javascript:alert(1)"));
        assert!(!url_is_usable("JavaScript:alert(1)"));
        assert!(!url_is_usable("data:text/html,x"));
        assert!(!url_is_usable("http://10.0.0.2/x"));
        assert!(!url_is_usable(""));
    }
}
