//! Identifiers with meaning, so a question id can never be passed where a survey id belongs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Identifies one question (or one matrix item) inside a questionnaire; keys the answers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub String);

/// Identifies a questionnaire definition, e.g. `post-service`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SurveyId(pub String);

impl QuestionId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl SurveyId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for SurveyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Ids of questions and surveys: letters, digits, `_` and `-`, 1 to 64 characters.
/// Kept narrow because they become SQL values, CSV headers and DOM ids.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A response's UUID (version 4), made on the device so that a retried send is
/// recognised as the same response by the collector.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResponseId(String);

impl ResponseId {
    /// Builds a version-4 UUID from 16 random bytes (the caller owns the randomness:
    /// `crypto.getRandomValues` in the browser).
    pub fn from_random_bytes(mut bytes: [u8; 16]) -> Self {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self(format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        ))
    }

    /// Accepts a canonical lowercase or uppercase UUID of any version; stores lowercase.
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 36 {
            return None;
        }
        for (i, c) in b.iter().enumerate() {
            let dash = matches!(i, 8 | 13 | 18 | 23);
            if dash != (*c == b'-') || (!dash && !c.is_ascii_hexdigit()) {
                return None;
            }
        }
        Some(Self(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ResponseId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or_else(|| format!("not a UUID: {s:?}"))
    }
}

impl From<ResponseId> for String {
    fn from(id: ResponseId) -> String {
        id.0
    }
}

impl fmt::Display for ResponseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_from_bytes_is_version_4_and_parses_back() {
        let id = ResponseId::from_random_bytes([0xff; 16]);
        assert_eq!(id.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(ResponseId::parse(id.as_str()), Some(id));
    }

    #[test]
    fn uuid_parse_rejects_bad_shapes() {
        assert!(ResponseId::parse("").is_none());
        assert!(ResponseId::parse("ffffffff-ffff-4fff-bfff-fffffffffff").is_none());
        assert!(ResponseId::parse("ffffffffxffff-4fff-bfff-ffffffffffff").is_none());
        assert!(ResponseId::parse("gfffffff-ffff-4fff-bfff-ffffffffffff").is_none());
        assert_eq!(
            ResponseId::parse("AAAAAAAA-ffff-4fff-bfff-ffffffffffff").map(String::from),
            Some("aaaaaaaa-ffff-4fff-bfff-ffffffffffff".to_string())
        );
    }

    #[test]
    fn ids_are_narrow() {
        assert!(is_valid_id("s_wait-2"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id("<script>"));
        assert!(!is_valid_id(&"x".repeat(65)));
    }
}
