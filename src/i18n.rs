//! The widget's own texts (buttons, messages) as a customer or staff member reads them.
//!
//! Questionnaire texts come from the definition; these are the words around them. The
//! list of them, their placeholders and their built-in wording in zh-CN, zh-TW and en
//! are core's ([`survey_core::texts`], also what the definition's validator checks
//! `widget_texts` against); here they are looked up, a definition's own wording first.

use survey_core::answers::AnswerError;
pub use survey_core::texts::Msg;
use survey_core::texts::{fill, find};
use survey_core::Locale;

thread_local! {
    /// Texts a definition supplied (`widget_texts`): (locale, index in the list, text).
    /// Leaked once per loaded definition so `t` can keep returning `&'static str`; a
    /// page loads a few. A list, not a map: a few dozen entries, and a `BTreeMap` keyed
    /// by `(String, usize)` compiled a search tree of its own (about 5 KB of wasm).
    static OVERRIDES: std::cell::RefCell<Vec<(String, usize, &'static str)>> =
        Default::default();
}

/// Makes a definition's own widget texts (a dealer's added language, or rewording)
/// take precedence over the built-in ones.
pub fn register(def: &survey_core::Definition) {
    OVERRIDES.with(|o| {
        let mut o = o.borrow_mut();
        for (locale, texts) in &def.widget_texts {
            for (key, text) in texts {
                // The validator refused any key not in the list.
                let Some(msg) = find(key) else { continue };
                let at = o
                    .iter()
                    .position(|(l, m, _)| l == locale && *m == msg as usize);
                // The same text again (a server rendering the same survey per request)
                // must not leak another copy.
                if at.is_some_and(|i| o[i].2 == text.as_str()) {
                    continue;
                }
                let text: &'static str = Box::leak(text.clone().into_boxed_str());
                match at {
                    Some(i) => o[i].2 = text,
                    None => o.push((locale.clone(), msg as usize, text)),
                }
            }
        }
    });
}

fn lookup(locale: &Locale, msg: Msg) -> Option<&'static str> {
    OVERRIDES.with(|o| {
        o.borrow()
            .iter()
            .find(|(l, m, _)| l == locale.as_str() && *m == msg as usize)
            .map(|(_, _, t)| *t)
    })
}

/// The name of a language in itself, for the language switch (its tag where neither
/// the definition nor the widget has one).
pub fn language_name(tag: &str) -> &str {
    let locale = Locale::new(tag);
    lookup(&locale, Msg::LanguageName).unwrap_or_else(|| {
        if survey_core::texts::BUILT_IN_LOCALES.contains(&tag) {
            Msg::LanguageName.built_in(tag)
        } else {
            tag
        }
    })
}

/// The text for `msg` in `locale`: the definition's, else the built-in one (English
/// where the widget has no such language).
pub fn t(locale: &Locale, msg: Msg) -> &'static str {
    lookup(locale, msg).unwrap_or_else(|| msg.built_in(locale.as_str()))
}

/// The text for `msg` with its placeholders (`{n}`, …) filled in.
pub fn tf(locale: &Locale, msg: Msg, values: &[(&str, u64)]) -> String {
    fill(t(locale, msg), values)
}

/// "181 characters left" in `locale`.
pub fn characters_left(locale: &Locale, n: usize) -> String {
    if n == 1 {
        return t(locale, Msg::CharactersLeftOne).to_string();
    }
    tf(locale, Msg::CharactersLeft, &[("n", n as u64)])
}

/// "3 questions left" in `locale` (the question flow's progress).
pub fn questions_left(locale: &Locale, n: usize) -> String {
    if n == 1 {
        return t(locale, Msg::QuestionsLeftOne).to_string();
    }
    tf(locale, Msg::QuestionsLeft, &[("n", n as u64)])
}

/// "Page 3 of 8" in `locale`.
pub fn progress(locale: &Locale, current: usize, total: usize) -> String {
    tf(
        locale,
        Msg::PageOf,
        &[("current", current as u64), ("total", total as u64)],
    )
}

/// The message shown next to a field that is not answered right.
pub fn answer_error(locale: &Locale, e: &AnswerError) -> String {
    // Each text takes at most these; validation refused any other placeholder.
    let (msg, min, max, found) = match *e {
        AnswerError::Required => (Msg::Required, 0, 0, 0),
        AnswerError::OutOfRange { min, max } => (Msg::OutOfRange, min, max.into(), 0),
        AnswerError::TooLong { max, found } => (Msg::TooLong, 0, max, found),
        AnswerError::SelectionCount { min, max } => (Msg::SelectionCount, min, max.into(), 0),
        AnswerError::ContactMissing => (Msg::ContactMissing, 0, 0, 0),
        AnswerError::InvalidPhone => (Msg::InvalidPhone, 0, 0, 0),
        AnswerError::InvalidEmail => (Msg::InvalidEmail, 0, 0, 0),
        _ => (Msg::Invalid, 0, 0, 0),
    };
    // A definition that rewords only `invalid` (all there was before the precise
    // keys) keeps its wording for every problem it did not reword.
    let text = lookup(locale, msg)
        .or_else(|| (msg != Msg::Required).then(|| lookup(locale, Msg::Invalid))?)
        .unwrap_or_else(|| msg.built_in(locale.as_str()));
    fill(
        text,
        &[
            ("min", min.into()),
            ("max", max.into()),
            ("found", found as u64),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14 (privacy): the contact question says what the details are for and how
    /// long they are kept, in every language the widget ships.
    #[test]
    fn issue_14_the_contact_question_states_purpose_and_retention() {
        for (tag, days, purpose) in [
            ("zh-CN", "180 天", "就本次反馈联系您"),
            ("zh-TW", "180 天", "就本次回饋聯絡您"),
            ("en", "180 days", "follow up"),
        ] {
            let text = t(&Locale::new(tag), Msg::ContactPurpose);
            assert!(
                text.contains(days) && text.contains(purpose),
                "{tag}: {text}"
            );
        }
    }

    /// Every text of core's one list is shown somewhere by the widget: a key a dealer
    /// may set that nothing reads would be a silent no-op again (issue 13 item 18).
    #[test]
    fn every_text_in_the_list_is_used_by_the_widget() {
        fn sources(dir: &std::path::Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).expect("src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("source");
                    // Not the tests: what they name is not shown.
                    out.push_str(text.split("#[cfg(test)]").next().unwrap_or_default());
                }
            }
        }
        let mut all = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut all,
        );
        for msg in Msg::ALL {
            assert!(
                all.contains(&format!("Msg::{msg:?}")),
                "Msg::{msg:?} ({}) is in the list but the widget never shows it",
                msg.key()
            );
        }
    }

    /// A dealer-added language with every key shows none of the built-in texts, for
    /// every message the widget composes (counters, countdowns, field errors).
    #[test]
    fn a_full_block_for_a_new_language_replaces_every_text() {
        let json = survey_core::templates::json("post-call").unwrap_or_default();
        let mut v: serde_json::Value = serde_json::from_str(json).expect("template");
        let mut block = serde_json::Map::new();
        for m in Msg::ALL {
            let ph: String = m.placeholders().map(|p| format!(" {{{p}}}")).collect();
            block.insert(m.key().into(), format!("ko:{}{ph}", m.key()).into());
        }
        v["locales"] = serde_json::json!(["ko"]);
        v["default_locale"] = serde_json::json!("ko");
        // Every text of the template in Korean (here: its English, marked).
        fn ko(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::String(en)) = m.get("en").cloned() {
                        m.clear();
                        m.insert("ko".into(), en.into());
                    }
                    m.values_mut().for_each(ko);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(ko),
                _ => {}
            }
        }
        ko(&mut v);
        v.as_object_mut().expect("object").remove("scoring");
        v["widget_texts"] = serde_json::json!({ "ko": block });
        let def = survey_core::Definition::from_json(&v.to_string()).expect("valid");
        register(&def);
        let l = Locale::new("ko");
        for m in Msg::ALL {
            assert!(t(&l, *m).starts_with("ko:"), "{m:?}");
        }
        assert_eq!(language_name("ko"), "ko:language_name");
        assert_eq!(characters_left(&l, 5), "ko:characters_left 5");
        assert_eq!(characters_left(&l, 1), "ko:characters_left_one");
        assert_eq!(progress(&l, 2, 9), "ko:page_of 2 9");
        assert_eq!(
            tf(&l, Msg::StartingOverIn, &[("n", 12)]),
            "ko:starting_over_in 12"
        );
        for (e, want) in [
            (AnswerError::Required, "ko:required"),
            (
                AnswerError::OutOfRange { min: 1, max: 5 },
                "ko:out_of_range 1 5",
            ),
            (
                AnswerError::TooLong { max: 9, found: 12 },
                "ko:too_long 9 12",
            ),
            (
                AnswerError::SelectionCount { min: 1, max: 2 },
                "ko:selection_count 1 2",
            ),
            (AnswerError::ContactMissing, "ko:contact_missing"),
            (AnswerError::InvalidPhone, "ko:invalid_phone"),
            (AnswerError::InvalidEmail, "ko:invalid_email"),
            (AnswerError::WrongType, "ko:invalid"),
        ] {
            assert_eq!(answer_error(&l, &e), want);
        }
    }

    #[test]
    fn built_in_messages_fill_their_numbers() {
        let en = Locale::new("en");
        assert_eq!(characters_left(&en, 1), "1 character left");
        assert_eq!(characters_left(&en, 181), "181 characters left");
        assert_eq!(progress(&Locale::new("zh-CN"), 3, 8), "第 3 页，共 8 页");
        assert_eq!(
            answer_error(
                &Locale::new("zh-TW"),
                &AnswerError::TooLong { max: 10, found: 12 }
            ),
            "最多 10 字，目前 12 字。"
        );
        assert_eq!(language_name("zh-TW"), "繁體中文");
        assert_eq!(language_name("x-unknown"), "x-unknown");
    }

    #[test]
    fn a_definition_can_add_the_widget_texts_of_a_new_language() {
        let json = survey_core::templates::json("post-call").unwrap_or_default();
        let mut v: serde_json::Value = serde_json::from_str(json).expect("template");
        v["widget_texts"] = serde_json::json!({"en": {"next": "Onward", "page_of": "{current}/{total}", "required": "Needed."}});
        let def = survey_core::Definition::from_json(&v.to_string()).expect("valid");
        let en = Locale::new("en");
        assert_eq!(t(&en, Msg::Next), "Next");
        register(&def);
        assert_eq!(t(&en, Msg::Next), "Onward");
        assert_eq!(
            t(&en, Msg::Back),
            "Back",
            "what is not given stays built in"
        );
        assert_eq!(progress(&en, 2, 3), "2/3");
        assert_eq!(answer_error(&en, &AnswerError::Required), "Needed.");
        assert_eq!(t(&Locale::new("zh-CN"), Msg::Next), "下一页");
    }
}
