//! The built-in questionnaires. Their source is JSON like any dealer's definition
//! (`src/templates/*.json`, compiled in without their indentation by `build.rs`), which
//! the collector serves and validates ([`load`]). The widget builds them with
//! [`built_in`] instead: the same values written as Rust (`built_in.rs`, generated from
//! the JSON by `codegen` and checked against it by this module's tests), so the
//! customer's module parses no definition and carries none of the model's deserializers
//! (issue 18: about 90 KB of the wasm before gzip).

use crate::questionnaire::{Definition, DefinitionError};

#[rustfmt::skip]
mod built_in;
#[cfg(test)]
mod codegen;
mod parts;

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

/// Every built-in template's id: [`BUILT_IN`] and [`CASE_SOLVED_ID`].
pub const ALL: &[&str] = &["post-service", "post-call", CASE_SOLVED_ID];

/// Whether `id` names a built-in template. Asks the list, not [`json`], so a module
/// that only builds templates links none of their JSON text.
pub fn exists(id: &str) -> bool {
    ALL.contains(&id)
}

/// A built-in template as a value, built without parsing (see the module's note). It
/// is the same value [`load`] parses from the JSON, which this module's tests check
/// for each one, and core's tests validate.
pub fn built_in(id: &str) -> Option<Definition> {
    match id {
        "post-service" => Some(built_in::post_service()),
        "post-call" => Some(built_in::post_call()),
        CASE_SOLVED_ID => Some(built_in::case_solved()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The function `built_in.rs` builds a template with: its id in snake case.
    fn parsed() -> Vec<(String, Definition)> {
        ALL.iter()
            .map(|id| match load(id) {
                Some(Ok(def)) => (id.replace('-', "_"), def),
                other => panic!("template {id}: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn built_in_rs_is_written_from_the_json() {
        let defs = parsed();
        let pairs: Vec<(&str, &Definition)> = defs.iter().map(|(n, d)| (n.as_str(), d)).collect();
        let want = codegen::source(&pairs);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/templates/built_in.rs");
        if std::env::var_os("UPDATE_TEMPLATES").is_some() {
            std::fs::write(path, &want).expect("write built_in.rs");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "src/templates/built_in.rs is not what src/templates/*.json make; write it again: \
             UPDATE_TEMPLATES=1 cargo test -p survey-core --lib templates"
        );
    }

    #[test]
    fn built_in_values_are_the_parsed_json() {
        assert!(BUILT_IN.iter().all(|id| ALL.contains(id)));
        for id in ALL {
            let parsed = load(id).and_then(Result::ok);
            assert!(parsed.is_some(), "{id} does not load");
            assert_eq!(built_in(id), parsed, "{id}");
            assert!(exists(id));
        }
        assert_eq!(built_in("nope"), None);
        assert!(!exists("nope"));
    }
}
