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
}

/// All answers of one response, keyed by question id (sorted, so serialisation is stable).
pub type Answers = BTreeMap<QuestionId, Answer>;

/// Why an answer is not accepted; the widget turns each into a localized message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    Required,
    OutOfRange { min: u8, max: u8 },
    NotApplicableNotAllowed,
    TooLong { max: u32, found: usize },
    WrongType,
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
        }
    }
}

impl std::error::Error for AnswerError {}
