//! Locales and texts given in several languages.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A BCP 47 language tag as the widget uses it (`zh-CN`, `zh-TW`, `en`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Locale(pub String);

impl Locale {
    pub fn new(tag: impl Into<String>) -> Self {
        Self(tag.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Tags are short ASCII letters, digits and hyphens; anything else is refused
    /// before it reaches storage or the DOM's `lang` attribute.
    pub fn is_well_formed(tag: &str) -> bool {
        (2..=16).contains(&tag.len())
            && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && tag.as_bytes()[0].is_ascii_alphabetic()
    }

    /// Picks the best of `available` for a requested tag: exact match (case-insensitive),
    /// then a script/region alias (`zh-Hant`, `zh-HK` → `zh-TW`; `zh`, `zh-Hans` → `zh-CN`),
    /// then the same primary language (`en-GB` → `en`).
    pub fn negotiate<'a>(requested: &str, available: &'a [Locale]) -> Option<&'a Locale> {
        let req = requested.trim().to_ascii_lowercase();
        if req.is_empty() {
            return None;
        }
        let find = |tag: &str| available.iter().find(|l| l.0.eq_ignore_ascii_case(tag));
        if let Some(l) = find(&req) {
            return Some(l);
        }
        let alias = match req.as_str() {
            "zh-hant" | "zh-hk" | "zh-mo" | "zh-hant-tw" | "zh-hant-hk" => Some("zh-TW"),
            "zh" | "zh-hans" | "zh-sg" | "zh-hans-cn" => Some("zh-CN"),
            _ => None,
        };
        if let Some(l) = alias.and_then(find) {
            return Some(l);
        }
        let primary = req.split('-').next().unwrap_or_default();
        available.iter().find(|l| {
            l.0.split('-')
                .next()
                .unwrap_or_default()
                .eq_ignore_ascii_case(primary)
        })
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text in several languages, keyed by locale tag: `{"zh-CN": "…", "en": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalizedText(pub BTreeMap<String, String>);

impl LocalizedText {
    /// The text in `locale`, else in `fallback`, else any text at all: a survey shows
    /// something readable rather than nothing. Validation makes sure every declared
    /// locale is present, so the fallbacks only matter for partial dealer definitions.
    pub fn get<'a>(&'a self, locale: &Locale, fallback: &Locale) -> &'a str {
        self.0
            .get(locale.as_str())
            .or_else(|| self.0.get(fallback.as_str()))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn has(&self, locale: &Locale) -> bool {
        self.0
            .get(locale.as_str())
            .is_some_and(|t| !t.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locales() -> Vec<Locale> {
        ["zh-CN", "zh-TW", "en"].map(Locale::new).to_vec()
    }

    #[test]
    fn negotiation_prefers_exact_then_alias_then_primary() {
        let av = locales();
        assert_eq!(Locale::negotiate("EN", &av).map(Locale::as_str), Some("en"));
        assert_eq!(
            Locale::negotiate("en-GB", &av).map(Locale::as_str),
            Some("en")
        );
        assert_eq!(
            Locale::negotiate("zh-HK", &av).map(Locale::as_str),
            Some("zh-TW")
        );
        assert_eq!(
            Locale::negotiate("zh", &av).map(Locale::as_str),
            Some("zh-CN")
        );
        assert_eq!(
            Locale::negotiate("zh-tw", &av).map(Locale::as_str),
            Some("zh-TW")
        );
        assert_eq!(Locale::negotiate("fr", &av), None);
        assert_eq!(Locale::negotiate("", &av), None);
    }

    #[test]
    fn text_falls_back() {
        let mut t = LocalizedText::default();
        t.0.insert("en".into(), "Hello".into());
        assert_eq!(t.get(&Locale::new("zh-CN"), &Locale::new("en")), "Hello");
        assert!(!t.has(&Locale::new("zh-CN")));
    }

    #[test]
    fn well_formed_tags() {
        assert!(Locale::is_well_formed("zh-CN"));
        assert!(!Locale::is_well_formed("zh CN"));
        assert!(!Locale::is_well_formed("\"><img>"));
        assert!(!Locale::is_well_formed("1x"));
    }
}
