//! Answers as the customer gave them.

use crate::ids::QuestionId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One answer. "Not applicable" is its own value, never a zero: scoring leaves it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    /// A point on a rating or NPS scale.
    Scale(u8),
    YesNo(bool),
    NotApplicable,
    Text(String),
    /// The `value` of the chosen option of a single choice question.
    Choice(String),
    /// The `value`s of the chosen options of a multiple choice question, in option order.
    Choices(Vec<String>),
    Contact(ContactAnswer),
}

/// A contact-me answer: consent and the means given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactAnswer {
    pub consent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// All answers of one response, keyed by question id (sorted, so serialisation is stable).
pub type Answers = BTreeMap<QuestionId, Answer>;

/// The comments of a response: its text answers, trimmed, the empty ones left out,
/// joined with " / " in answer-key order. One rule for every place that shows a
/// response's words (the console's list, the VOC report's comments behind each bar).
pub fn comments(answers: &Answers) -> String {
    answers
        .values()
        .filter_map(|a| match a {
            Answer::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Why an answer is not accepted; the widget turns each into a localized message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    Required,
    OutOfRange {
        min: u8,
        max: u8,
    },
    NotApplicableNotAllowed,
    TooLong {
        max: u32,
        found: usize,
    },
    WrongType,
    /// A choice that is not one of the question's options.
    UnknownOption(String),
    /// Too few or too many options chosen.
    SelectionCount {
        min: u8,
        max: u8,
    },
    /// Consent was given without a usable phone number or e-mail address.
    ContactMissing,
    InvalidPhone,
    InvalidEmail,
    /// The same option chosen twice in a multiple choice answer.
    DuplicateOption(String),
    /// A phone number or e-mail address sent with `consent: false`: without consent the
    /// customer's contact data is never stored (the session drops it; the collector refuses it).
    ContactWithoutConsent,
    /// A phone number or e-mail address for a channel the question does not offer.
    ChannelNotOffered,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::Required => write!(f, "an answer is required"),
            AnswerError::OutOfRange { min, max } => write!(f, "must be between {min} and {max}"),
            AnswerError::NotApplicableNotAllowed => {
                write!(f, "\"not applicable\" is not offered here")
            }
            AnswerError::TooLong { max, found } => {
                write!(f, "at most {max} characters, found {found}")
            }
            AnswerError::WrongType => write!(f, "wrong kind of answer for this question"),
            AnswerError::UnknownOption(o) => write!(f, "{o:?} is not one of the options"),
            AnswerError::SelectionCount { min, max } => {
                write!(f, "choose between {min} and {max} options")
            }
            AnswerError::ContactMissing => {
                write!(
                    f,
                    "give a phone number or an e-mail address to be contacted"
                )
            }
            AnswerError::InvalidPhone => write!(f, "not a phone number"),
            AnswerError::InvalidEmail => write!(f, "not an e-mail address"),
            AnswerError::DuplicateOption(o) => write!(f, "{o:?} is chosen more than once"),
            AnswerError::ContactWithoutConsent => {
                write!(f, "contact details are only kept with consent")
            }
            AnswerError::ChannelNotOffered => {
                write!(f, "this way of contacting is not offered here")
            }
        }
    }
}

impl std::error::Error for AnswerError {}

/// The longest value a hidden question (filled from the visit context) may hold, in
/// characters; the same limit as a context value in the payload.
pub const MAX_HIDDEN_LENGTH: u32 = 128;

/// The longest e-mail address accepted (the SMTP path limit).
pub const MAX_EMAIL_LENGTH: usize = 254;

/// A phone number as customers type it: 6 to 20 characters of digits, spaces, hyphens and
/// parentheses, with an optional leading `+`, and at least 6 digits.
/// `+86 138-0013-8000` and `(021) 6234 5678` pass; `12345`, `abc-123456` do not.
pub fn is_valid_phone(phone: &str) -> bool {
    let n = phone.chars().count();
    let body = phone.strip_prefix('+').unwrap_or(phone);
    (6..=20).contains(&n)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'))
        && body.chars().filter(char::is_ascii_digit).count() >= 6
}

/// An e-mail address, checked only as far as a typo is likely: exactly one `@`, a
/// non-empty local part, a domain with a dot inside it (not at either end), no spaces
/// or control characters, at most 254 characters.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.chars().count() <= MAX_EMAIL_LENGTH
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::QuestionId;

    fn id(s: &str) -> QuestionId {
        QuestionId::new(s)
    }

    #[test]
    fn comments_are_the_text_answers_trimmed_in_key_order_without_the_empty_ones() {
        let answers: Answers = [
            (id("z_comment"), Answer::Text("  洗车没洗干净 ".into())),
            (id("a_why"), Answer::Text("waited 40 min".into())),
            (id("m_blank"), Answer::Text("   ".into())),
            (id("nps"), Answer::Scale(3)),
            (id("choice"), Answer::Choice("price".into())),
        ]
        .into_iter()
        .collect();
        assert_eq!(comments(&answers), "waited 40 min / 洗车没洗干净");
        assert_eq!(comments(&Answers::new()), "");
    }
}
