//! The small builders `built_in.rs` is written with. Each takes plain `&str` slices and
//! is not generic, so the wasm holds one copy of each and every call site is a pointer
//! and a length into the module's static data (issue 18: the customer's module builds
//! the built-in questionnaires from these instead of parsing JSON, and so carries none
//! of the definition model's deserializers).

use crate::ids::{QuestionId, SurveyId};
use crate::questionnaire::ChoiceOption;
use crate::text::{Locale, LocalizedText};

pub(super) fn s(text: &str) -> String {
    text.to_owned()
}

/// A text in several languages: `(locale, text)` pairs.
pub(super) fn t(pairs: &[(&str, &str)]) -> LocalizedText {
    LocalizedText(pairs.iter().map(|(k, v)| (s(k), s(v))).collect())
}

pub(super) fn q(id: &str) -> QuestionId {
    QuestionId(s(id))
}

pub(super) fn survey(id: &str) -> SurveyId {
    SurveyId(s(id))
}

pub(super) fn locale(tag: &str) -> Locale {
    Locale(s(tag))
}

pub(super) fn locales(tags: &[&str]) -> Vec<Locale> {
    tags.iter().map(|tag| locale(tag)).collect()
}

pub(super) fn option(value: &str, label: &[(&str, &str)]) -> ChoiceOption {
    ChoiceOption {
        value: s(value),
        label: t(label),
    }
}
