//! The built-in questionnaires, shipped as JSON definitions like any dealer's own.

use crate::questionnaire::{Definition, DefinitionError};

/// Post-service CSI survey (from the carmaker's phone survey in the domain notes).
pub const POST_SERVICE: &str = include_str!("templates/post-service.json");

/// Ids of the built-in templates, in the order they are offered.
pub const BUILT_IN: &[&str] = &["post-service"];

/// The JSON text of a built-in template.
pub fn json(id: &str) -> Option<&'static str> {
    match id {
        "post-service" => Some(POST_SERVICE),
        _ => None,
    }
}

/// A built-in template, parsed and validated.
pub fn load(id: &str) -> Option<Result<Definition, DefinitionError>> {
    json(id).map(Definition::from_json)
}
