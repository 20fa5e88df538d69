//! The built-in questionnaires, shipped as JSON definitions like any dealer's own
//! (`src/templates/*.json`, compiled in without their indentation by `build.rs`).

use crate::questionnaire::{Definition, DefinitionError};

/// Post-service CSI survey (from the carmaker's phone survey in the domain notes), with
/// fixed-first-time, return intent, a "what went wrong?" follow-up and a contact request.
pub const POST_SERVICE: &str = include_str!(concat!(env!("OUT_DIR"), "/post-service.json"));

/// After a hotline or follow-up call: CSAT, FCR (with a follow-up when not resolved),
/// CES 2.0, the agent's courtesy and knowledge, NPS, a comment and a contact request.
pub const POST_CALL: &str = include_str!(concat!(env!("OUT_DIR"), "/post-call.json"));

/// "Did we solve it?": sent to the customer of a closed hot-alert case through a signed
/// link whose token is the case's id (collector/src/routes/solve_links.rs): was the
/// concern solved (yes/no, scored as FCR), satisfaction with the handling (1-5, CSAT),
/// an optional comment. Not in [`BUILT_IN`]: it is never offered for a visit's QR code,
/// only made from a case.
pub const CASE_SOLVED: &str = include_str!(concat!(env!("OUT_DIR"), "/case-solved.json"));

/// The id of [`CASE_SOLVED`].
pub const CASE_SOLVED_ID: &str = "case-solved";

/// Ids of the built-in templates, in the order they are offered.
pub const BUILT_IN: &[&str] = &["post-service", "post-call"];

/// The JSON text of a built-in template.
pub fn json(id: &str) -> Option<&'static str> {
    match id {
        "post-service" => Some(POST_SERVICE),
        "post-call" => Some(POST_CALL),
        CASE_SOLVED_ID => Some(CASE_SOLVED),
        _ => None,
    }
}

/// A built-in template, parsed and validated.
pub fn load(id: &str) -> Option<Result<Definition, DefinitionError>> {
    json(id).map(Definition::from_json)
}
