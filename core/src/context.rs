//! The visit's context values (dealer, repair order, advisor, visit date, token): the one
//! rule for what a value may hold, so the widget, which drops a bad value from the QR
//! link, and the collector, which refuses a posted one, cannot drift apart.
//!
//! The values are identifiers that end up in reports, CSV exports and dealer pages; a
//! short alphabet keeps markup, control characters and stray spaces out of all of them
//! at the source.

use std::fmt;

/// A survey link's query parameters and the context key each fills: the one list the
/// collector writes links with (collector/src/routes/links.rs, in this order) and the
/// widget reads them back with (src/config.rs).
pub const LINK_PARAMS: &[(&str, &str)] = &[
    ("dealer", "dealer"),
    ("ro", "repair_order"),
    ("advisor", "advisor"),
    ("visit", "visit_date"),
    // A signed link (collector/src/links.rs): how it was sent.
    ("channel", "channel"),
    // Post-call links: the agent who took the call and the kind of call (which also
    // fills the post-call survey's hidden `call_type` question).
    ("agent", "agent"),
    ("call", "call_type"),
    ("token", "token"),
    // A signed link's expiry and the collector's signature, carried as they are; the
    // collector checks them.
    ("exp", "exp"),
    ("sig", "sig"),
];

/// Context values are short identifiers, not documents.
pub const MAX_CONTEXT_VALUE: usize = 128;
/// More context keys than this is a misuse, not a visit.
pub const MAX_CONTEXT_KEYS: usize = 16;

/// Why a context value is refused. The widget only asks whether a value is accepted, so
/// the wording ([`fmt::Display`]) is server code its build leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextValueError {
    Empty,
    /// More than [`MAX_CONTEXT_VALUE`] characters.
    TooLong,
    /// The first character outside the alphabet, and its position (0-based, in chars).
    Char {
        found: char,
        at: usize,
    },
}

impl fmt::Display for ContextValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContextValueError::Empty => write!(f, "empty"),
            ContextValueError::TooLong => {
                write!(f, "longer than {MAX_CONTEXT_VALUE} characters")
            }
            ContextValueError::Char { found, at } => write!(
                f,
                "{found:?} at character {} is not allowed; expected letters, digits, \
                 '-', '_', '.', '/' or ':'",
                at + 1
            ),
        }
    }
}

impl std::error::Error for ContextValueError {}

/// Whether `value` may be a context value: 1 to [`MAX_CONTEXT_VALUE`] characters, each a
/// letter or digit (Unicode, so an advisor's name in Chinese is kept) or one of
/// `- _ . / :` (repair orders like `RO-2026/1182`, dates, tokens). So no space at all,
/// leading, trailing or inside, and no NUL, newline or markup.
pub fn check_context_value(value: &str) -> Result<(), ContextValueError> {
    if value.is_empty() {
        return Err(ContextValueError::Empty);
    }
    let mut count = 0;
    for (at, c) in value.chars().enumerate() {
        if !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':')) {
            return Err(ContextValueError::Char { found: c, at });
        }
        count = at + 1;
    }
    if count > MAX_CONTEXT_VALUE {
        return Err(ContextValueError::TooLong);
    }
    Ok(())
}
