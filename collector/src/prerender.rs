//! Serving a survey page with its first page already in it.
//!
//! On a slow phone most of the wait is the wasm download; with the first page in the
//! HTML the customer reads and answers it meanwhile, and the widget takes over what
//! they chose when it starts (`src/prerender.rs`, `src/mount.rs`). Anything unusual
//! about the page (no mount point, two, a fetched definition, a configuration error)
//! leaves it as it is: the browser then renders everything, as without prerendering.

use crate::static_files::query_text;
use std::collections::BTreeMap;

/// The browser says it is a phone: `Sec-CH-UA-Mobile: ?1` (Chromium), or a user agent
/// with `Mobi` in it (every phone browser's, and no tablet's or desktop's). The widget
/// itself decides by the viewport's width; the server, which sees none, by this, and
/// tells the widget what it chose (`data-sw-flow`).
pub fn is_phone(user_agent: Option<&str>, ch_mobile: Option<&str>) -> bool {
    ch_mobile.map(str::trim) == Some("?1") || user_agent.is_some_and(|ua| ua.contains("Mobi"))
}

/// The marker attribute of the element the widget mounts into.
const MOUNT_ATTR: &str = "data-survey-widget";
/// At most this many languages are taken from `Accept-Language`.
const MAX_LANGUAGES: usize = 12;

/// The one mount point of a page: where its content starts and its `data-*` settings.
#[derive(Debug, PartialEq, Eq)]
pub struct MountPoint {
    /// Byte offset just after the mount element's start tag.
    pub insert_at: usize,
    /// The element's `data-*` attributes, without the `data-` prefix.
    pub attrs: BTreeMap<String, String>,
}

/// The page with the first page of its survey inside the mount point, or `None` to
/// serve the page unchanged.
pub fn page(html: &str, query: &str, accept_language: &str, phone: bool) -> Option<String> {
    let mount = mount_point(html)?;
    let first = survey_widget::prerender::first_page(
        &mount.attrs,
        &page_params(query),
        &languages(accept_language),
        phone,
        survey_widget::prerender::Host::Page,
    )?;
    let mut out = String::with_capacity(html.len() + first.len());
    out.push_str(&html[..mount.insert_at]);
    out.push_str(&first);
    out.push_str(&html[mount.insert_at..]);
    Some(out)
}

/// Finds the single element marked `data-survey-widget` and reads its attributes.
pub fn mount_point(html: &str) -> Option<MountPoint> {
    // Attribute names are case-insensitive; lowercasing ASCII keeps byte offsets.
    let lower = html.to_ascii_lowercase();
    let at = lower.find(MOUNT_ATTR)?;
    if lower[at + MOUNT_ATTR.len()..].contains(MOUNT_ATTR) {
        return None;
    }
    let start = html[..at].rfind('<')?;
    let tag = &html[start..];
    let end = tag_end(tag)?;
    let attrs = attributes(&tag[1..end])?;
    if !attrs.contains_key(MOUNT_ATTR) {
        return None;
    }
    let attrs = attrs
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("data-")?.to_string(), v)))
        .filter(|(k, _)| survey_widget::config::ATTRIBUTES.contains(&k.as_str()))
        .collect();
    Some(MountPoint {
        insert_at: start + end + 1,
        attrs,
    })
}

/// Index of the `>` closing a start tag, skipping `>` inside quoted values.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The attributes of a start tag's inside (`div a="1" b`), names lowercased, values
/// with character references decoded. `None` for anything this reader cannot follow.
fn attributes(inner: &str) -> Option<BTreeMap<String, String>> {
    let mut rest = inner
        .trim_start_matches(|c: char| c.is_ascii_alphanumeric())
        .trim_start();
    let mut out = BTreeMap::new();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        if name.is_empty() || name.contains(['"', '\'', '<', '/']) {
            return None;
        }
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next()? {
                q @ ('"' | '\'') => {
                    let close = after[1..].find(q)? + 1;
                    (&after[1..close], &after[close + 1..])
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = remaining.trim_start();
            decode_references(value)?
        } else {
            String::new()
        };
        out.entry(name).or_insert(value);
    }
    Some(out)
}

/// Decodes the character references a hand-written attribute value may hold; any
/// other `&…;` makes the page unreadable here (it is then served unchanged).
fn decode_references(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';')?;
        let name = &after[..semi];
        let decoded = match name {
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            "lt" => '<',
            "gt" => '>',
            _ => {
                let code = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    name.strip_prefix('#')?.parse().ok()?
                };
                char::from_u32(code)?
            }
        };
        out.push(decoded);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The URL parameters the widget reads, decoded, first occurrence of each (as the
/// browser's `URLSearchParams.get`); undecodable ones are left out.
pub fn page_params(query: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (Some(name), Some(value)) = (query_text(name), query_text(value)) else {
            continue;
        };
        if survey_widget::config::page_params().any(|k| k == name)
            && !out.iter().any(|(k, _)| *k == name)
        {
            out.push((name, value));
        }
    }
    out
}

/// `Accept-Language` as the browser's `navigator.languages`: most preferred first.
pub fn languages(header: &str) -> Vec<String> {
    let mut weighted: Vec<(u16, String)> = header
        .split(',')
        .filter_map(|part| {
            let mut fields = part.split(';');
            let tag = fields.next()?.trim();
            if tag.is_empty() || tag == "*" || tag.len() > 35 {
                return None;
            }
            let q = fields
                .filter_map(|f| f.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then(|| ((q.clamp(0.0, 1.0) * 1000.0) as u16, tag.to_string()))
        })
        .take(MAX_LANGUAGES)
        .collect();
    weighted.sort_by_key(|(q, _)| std::cmp::Reverse(*q));
    weighted.into_iter().map(|(_, tag)| tag).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = include_str!("../../index.html");
    const KIOSK: &str = include_str!("../../static/kiosk.html");

    #[test]
    fn finds_the_mount_point_of_the_demo_page() {
        let m = mount_point(DEMO).expect("the demo page has one mount point");
        assert_eq!(
            m.attrs.get("survey").map(String::as_str),
            Some("post-service")
        );
        assert_eq!(
            m.attrs.get("endpoint").map(String::as_str),
            Some("/v1/responses")
        );
        assert!(DEMO[..m.insert_at].ends_with("data-endpoint=\"/v1/responses\">"));
    }

    #[test]
    fn renders_the_first_page_inside_the_mount_point() {
        let page = page(
            DEMO,
            "dealer=D1&ro=RO%2042&lang=en",
            "zh-CN,zh;q=0.9",
            false,
        )
        .expect("prerendered");
        let inside = page
            .split_once("data-endpoint=\"/v1/responses\">")
            .map(|(_, rest)| rest)
            .expect("mount point kept");
        assert!(
            inside.starts_with("<div data-sw-prerendered data-sw-flow=\"page\"><div lang=\"en\""),
            "{inside}"
        );
        assert!(inside.contains("<fieldset id=\"sw0-q-"), "{inside}");
        assert!(page.ends_with(
            DEMO.split_once("data-endpoint=\"/v1/responses\">")
                .map(|p| p.1)
                .unwrap_or("")
        ));
    }

    #[test]
    fn the_kiosk_page_gets_its_welcome_with_the_first_page_behind_it() {
        assert!(mount_point(KIOSK).is_some());
        // A tablet whose browser says it is a phone still gets the kiosk's page flow.
        let page = page(KIOSK, "", "en", true).expect("prerendered");
        let (_, inside) = page
            .split_once("data-idle-seconds=\"90\">")
            .expect("the mount point");
        assert!(
            inside.starts_with(
                "<div data-sw-prerendered data-sw-flow=\"page\"><div class=\"sw-kiosk\"><section lang=\"en\""
            ),
            "{inside}"
        );
        assert!(inside.contains("class=\"sw sw-kiosk-welcome\""), "{inside}");
        assert!(
            inside.contains(
                "<div data-sw-kiosk-survey=\"\" data-sw-idle-ms=\"90000\" hidden=\"hidden\">"
            ),
            "{inside}"
        );
    }

    #[test]
    fn leaves_unusual_pages_alone() {
        let two = format!("{DEMO}<div data-survey-widget data-survey=\"post-call\"></div>");
        assert_eq!(page(&two, "", "", false), None);
        assert_eq!(page("<p>no widget</p>", "", "", false), None);
        let unknown = "<div data-survey-widget data-survey=\"nope\" data-endpoint=\"/v1/r\"></div>";
        assert_eq!(
            page(unknown, "", "", false),
            None,
            "the browser shows the error"
        );
        let broken = "<div data-survey-widget data-survey=\"post-service";
        assert_eq!(page(broken, "", "", false), None);
    }

    #[test]
    fn reads_attributes_as_a_browser_would() {
        let m = mount_point(
            "<DIV class=a DATA-SURVEY-WIDGET data-survey='post-call' \
             data-review-url=\"https://x.test/?a=1&amp;b=&#50;&#x33;\" data-endpoint=/v1/r data-note=\"a>b\">",
        )
        .expect("mount point");
        assert_eq!(m.attrs.get("survey").map(String::as_str), Some("post-call"));
        assert_eq!(
            m.attrs.get("review-url").map(String::as_str),
            Some("https://x.test/?a=1&b=23")
        );
        assert_eq!(m.attrs.get("endpoint").map(String::as_str), Some("/v1/r"));
        assert!(
            !m.attrs.contains_key("note"),
            "only the widget's own settings"
        );
        assert_eq!(
            mount_point("<div data-survey-widget data-x=\"&bogus;\">"),
            None
        );
    }

    #[test]
    fn takes_the_widget_parameters_from_the_query() {
        assert_eq!(
            page_params("lang=en&dealer=D%201&dealer=D2&utm=x&ro=A+B&bad=%ZZ&advisor=%FF"),
            vec![
                ("lang".to_string(), "en".to_string()),
                ("dealer".to_string(), "D 1".to_string()),
                ("ro".to_string(), "A B".to_string()),
            ]
        );
    }

    #[test]
    fn orders_accept_language_by_weight() {
        assert_eq!(
            languages("en;q=0.5, zh-TW, *;q=0.1, fr;q=0, zh-CN;q=0.8"),
            vec!["zh-TW", "zh-CN", "en"]
        );
        assert!(languages("").is_empty());
    }

    #[test]
    fn a_phone_is_told_by_its_user_agent_or_client_hint() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
        let ipad = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
        assert!(is_phone(Some(iphone), None));
        assert!(is_phone(Some(android), None));
        assert!(!is_phone(Some(ipad), None));
        assert!(is_phone(None, Some("?1")));
        assert!(!is_phone(Some("HeadlessChrome"), Some("?0")));
        assert!(!is_phone(None, None));
        let phone = page(DEMO, "lang=en", "", true).expect("prerendered");
        assert!(phone.contains("data-sw-flow=\"question\""), "{phone}");
    }
}
