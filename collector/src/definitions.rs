//! Dealers' own questionnaires: which definition a survey id and version mean.
//!
//! A built-in survey (`post-service`, `post-call`) is compiled in; any other id is a
//! dealer's, uploaded in the console and kept by the store ([`crate::store::definitions`]
//! has the draft → published lifecycle). A response is checked and scored against the
//! *published* definition of its own id and version, so a dealer's questionnaire gets
//! the server's score card, its alerts and cases like a built-in one, and a later
//! version never rescored an older response. A response to an id or version the
//! collector has not published is stored with structural checks only, unscored (a
//! dealer hosting their JSON elsewhere, as before this module).

use crate::app::App;
use crate::error::ApiError;
use survey_core::{templates, Definition};

/// Why an upload is refused before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadError {
    /// Not a valid definition: `path: problem`, the path of the first field at fault.
    Invalid(String),
    /// The id is a built-in survey's.
    BuiltIn(String),
}

impl std::fmt::Display for UploadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UploadError::Invalid(e) => write!(f, "{e}"),
            UploadError::BuiltIn(id) => write!(
                f,
                "id: \"{id}\" is a built-in survey; give your questionnaire its own id \
                 (e.g. \"{id}-mine\")"
            ),
        }
    }
}

/// Parses and validates an uploaded definition with survey-core's own checks (the
/// widget runs the same ones), and refuses a built-in survey's id.
pub fn check_upload(json: &str) -> Result<Definition, UploadError> {
    let def = Definition::from_json(json).map_err(|e| UploadError::Invalid(e.to_string()))?;
    let id = def.id.as_str();
    if templates::BUILT_IN.contains(&id) {
        return Err(UploadError::BuiltIn(id.to_string()));
    }
    Ok(def)
}

/// The definition a response to `survey` `version` is checked and scored against:
/// the built-in one, else the dealer's published one of that version, else `None`.
///
/// A built-in one that fails to parse is an error of this build (500, logged); a stored
/// one that no longer parses (a newer core tightened a rule) is logged and treated as
/// unknown, so its responses are still stored rather than refused.
pub async fn for_response(
    app: &App,
    survey: &str,
    version: u32,
) -> Result<Option<Definition>, ApiError> {
    if let Some(built_in) = templates::load(survey) {
        return built_in.map(Some).map_err(|e| {
            tracing::error!("built-in survey {survey} is invalid: {e}");
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "the built-in survey definition is invalid",
            )
        });
    }
    let stored = app
        .db(
            "read the published questionnaire",
            app.store.definition(survey, Some(version), true),
        )
        .await?;
    Ok(
        stored.and_then(|row| match Definition::from_json(&row.body) {
            Ok(def) => Some(def),
            Err(e) => {
                tracing::error!(
                    "published questionnaire {survey} v{version} no longer parses: {e}"
                );
                None
            }
        }),
    )
}

/// The newest published definition of every dealer's own survey among an export's
/// columns, for its question labels (a survey of several versions is labelled by its
/// newest; a question only an older version had keeps its id as its label).
pub async fn published_among(
    app: &App,
    columns: &crate::store::Columns,
) -> Result<Vec<Definition>, ApiError> {
    let surveys: std::collections::BTreeSet<&str> = columns
        .answers
        .iter()
        .map(|(s, _)| s.as_str())
        .filter(|s| !templates::BUILT_IN.contains(s))
        .collect();
    let mut out = Vec::new();
    for survey in surveys {
        let row = app
            .db(
                "read the published questionnaire",
                app.store.definition(survey, None, true),
            )
            .await?;
        if let Some(def) = row.and_then(|r| Definition::from_json(&r.body).ok()) {
            out.push(def);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mine(id: &str) -> String {
        let built_in = templates::json("post-call").unwrap_or_default();
        let mut value: serde_json::Value = serde_json::from_str(built_in).unwrap_or_default();
        value["id"] = serde_json::Value::String(id.into());
        value.to_string()
    }

    #[test]
    fn an_upload_is_checked_by_core_and_may_not_take_a_built_in_id() {
        assert!(check_upload(&mine("north-7-service")).is_ok());
        assert_eq!(
            check_upload(&mine("post-service")),
            Err(UploadError::BuiltIn("post-service".into()))
        );
        let Err(UploadError::Invalid(e)) = check_upload(r#"{"format": "x"}"#) else {
            panic!("a broken definition is refused");
        };
        assert!(!e.is_empty());
    }
}
