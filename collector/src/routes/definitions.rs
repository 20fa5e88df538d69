//! Dealers' own questionnaires (issue 15), uploaded and published in the console.
//!
//! - `POST /v1/dealers/{dealer}/definitions` with the definition's JSON as the body → `201`
//!   `{"survey", "version", "dealer", "status": "draft"}`; a definition survey-core
//!   refuses → `422` naming the first field at fault (`pages[1].questions[0].scale.max:
//!   …`), the same words the widget would use; an id that is a built-in survey's or
//!   another dealer's, or a version already published → `409`.
//! - `GET /v1/definitions` → the caller's dealers' questionnaires, newest version first.
//! - `GET /v1/definitions/{survey}/{version}` → the JSON (a draft too), for the preview.
//! - `POST /v1/definitions/{survey}/{version}/publish` → `{"…", "status": "published"}`;
//!   only a version above every published one of the id (`409` otherwise).
//! - `POST /v1/definitions/{survey}/{version}/preview` → the server's score card of a
//!   response to the draft, stored nowhere: what the console's preview posts to.
//! - `GET /v1/surveys/{survey}` and `/v1/surveys/{survey}/{version}` → a *published*
//!   definition, public with CORS `*`: what `data-definition` points at on any site.
//!
//! Uploading and publishing decide what counts as a dealer's scores, so they take the
//! people who make its survey links ([`rule::questionnaires`]); reads take any caller
//! of the dealer. A definition of a dealer the caller may not read is a `404`, as if
//! it did not exist.

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::auth::rule;
use crate::definitions::{check_upload, UploadError};
use crate::error::ApiError;
use crate::store::definitions::{DefinitionRow, NewDefinition, Published, Saved};
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use survey_core::context::check_context_value;
use survey_core::{Definition, ResponsePayload};

/// The largest definition accepted. The built-in post-service survey is about 20 KiB;
/// a questionnaire ten times longer would not be answered by anyone.
pub const MAX_DEFINITION_BYTES: usize = 256 * 1024;

fn forbidden(denied: rule::Denied) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, denied.0)
}

fn conflict(reason: String) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, reason)
}

fn summary(row: &DefinitionRow) -> Value {
    json!({
        "survey": row.survey,
        "version": row.version,
        "dealer": row.dealer,
        "status": row.status,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "published_at": row.published_at,
        "url": format!("/v1/surveys/{}/{}", row.survey, row.version),
    })
}

fn text_of(body: &Bytes) -> Result<&str, ApiError> {
    if body.len() > MAX_DEFINITION_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the definition is {} KiB; at most {} KiB is accepted",
                body.len() / 1024,
                MAX_DEFINITION_BYTES / 1024
            ),
        ));
    }
    std::str::from_utf8(body)
        .map_err(|e| ApiError::bad_request(format!("the definition is not UTF-8: {e}")))
}

/// `POST /v1/dealers/{dealer}/definitions`.
pub async fn upload(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path(dealer): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    check_context_value(&dealer)
        .map_err(|e| ApiError::bad_request(format!("dealer {dealer:?}: {e}")))?;
    rule::questionnaires(&principal.caller, Some(&dealer)).map_err(forbidden)?;
    let text = text_of(&body)?;
    let def = check_upload(text).map_err(|e| match e {
        UploadError::Invalid(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        UploadError::BuiltIn(_) => conflict(e.to_string()),
    })?;
    let (survey, version) = (def.id.as_str().to_string(), def.version);
    let saved = app
        .db(
            "save the questionnaire",
            app.store.save_definition(NewDefinition {
                survey: survey.clone(),
                version,
                dealer: dealer.clone(),
                body: text.to_string(),
                created_by: principal.name(),
                created_at: crate::clock::now_rfc3339(),
            }),
        )
        .await?;
    match saved {
        Saved::Draft => {}
        Saved::OwnedBy(other) if principal.scope().allows(&other) => {
            return Err(conflict(format!(
                "id: \"{survey}\" is dealer {other}'s questionnaire; upload it for {other} \
                 or give this one another id"
            )))
        }
        Saved::OwnedBy(_) => {
            return Err(conflict(format!(
                "id: \"{survey}\" is taken by another dealer; give your questionnaire another id"
            )))
        }
        Saved::Published => {
            return Err(conflict(format!(
                "version: {survey} version {version} is published and cannot change; \
                 raise \"version\" to upload a new one"
            )))
        }
    }
    let row = read(&app, &principal, &survey, version).await?;
    Ok((StatusCode::CREATED, Json(summary(&row))).into_response())
}

/// `GET /v1/definitions`.
pub async fn list(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
) -> Result<Json<Value>, ApiError> {
    let dealers = principal.scope().listed();
    let rows = app
        .db(
            "read the questionnaires",
            app.store.definitions(dealers.as_deref()),
        )
        .await?;
    Ok(Json(json!({
        "definitions": rows.iter().map(summary).collect::<Vec<_>>(),
    })))
}

/// A stored version the caller may read, or 404.
async fn read(
    app: &Shared,
    principal: &Principal,
    survey: &str,
    version: u32,
) -> Result<DefinitionRow, ApiError> {
    let row = app
        .db(
            "read the questionnaire",
            app.store.definition(survey, Some(version), false),
        )
        .await?;
    row.filter(|r| principal.scope().allows(&r.dealer))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no questionnaire {survey} version {version} of your dealers"),
            )
        })
}

fn version_of(raw: &str) -> Result<u32, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("{raw:?} is not a version number"),
        )
    })
}

fn json_response(body: String, cache: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    r
}

/// `GET /v1/definitions/{survey}/{version}`: the JSON as uploaded.
pub async fn get(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path((survey, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let row = read(&app, &principal, &survey, version_of(&version)?).await?;
    Ok(json_response(row.body, "no-store"))
}

/// `POST /v1/definitions/{survey}/{version}/publish`.
pub async fn publish(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path((survey, version)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    principal.check_csrf(&headers)?;
    let row = read(&app, &principal, &survey, version_of(&version)?).await?;
    rule::questionnaires(&principal.caller, Some(&row.dealer)).map_err(forbidden)?;
    let at = crate::clock::now_rfc3339();
    let done = app
        .db(
            "publish the questionnaire",
            app.store
                .publish_definition(&row.survey, row.version, &row.dealer, &at),
        )
        .await?;
    match done {
        Published::Done | Published::Already => {}
        Published::NotFound => return Err(ApiError::not_found()),
        Published::NotNewer(newest) => {
            return Err(conflict(format!(
                "version {} of {survey} is not above the published version {newest}; \
                 upload it with \"version\": {}",
                row.version,
                newest + 1
            )))
        }
    }
    let row = read(&app, &principal, &row.survey, row.version).await?;
    Ok(Json(summary(&row)))
}

/// `POST /v1/definitions/{survey}/{version}/preview`: a response to the draft, checked
/// and scored as a real one would be, and stored nowhere.
pub async fn preview(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    Path((survey, version)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    principal.check_csrf(&headers)?;
    let row = read(&app, &principal, &survey, version_of(&version)?).await?;
    let def = Definition::from_json(&row.body).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the stored draft no longer passes the checks: {e}"),
        )
    })?;
    let text = std::str::from_utf8(&body)
        .map_err(|e| ApiError::bad_request(format!("body is not UTF-8: {e}")))?;
    let payload = ResponsePayload::from_json_strict(text)
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    payload
        .validate(Some(&def))
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    let received_at = crate::clock::now_rfc3339();
    let verified = crate::verify::verify(Some(&def), &payload, &received_at);
    Ok(Json(json!({
        "id": payload.id.as_str(),
        "stored": false,
        "score": verified.server,
    })))
}

async fn published(app: &Shared, survey: &str, version: Option<u32>) -> Response {
    let row = app
        .db(
            "read the published questionnaire",
            app.store.definition(survey, version, true),
        )
        .await;
    match row {
        Ok(Some(row)) => {
            // A fixed version never changes; "the newest" changes when one is published.
            let cache = if version.is_some() {
                "public, max-age=86400, immutable"
            } else {
                "public, max-age=60"
            };
            json_response(row.body, cache)
        }
        Ok(None) => ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no published questionnaire {survey}; publish it in the console first"),
        )
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /v1/surveys/{survey}`: the newest published version.
pub async fn newest(State(app): State<Shared>, Path(survey): Path<String>) -> Response {
    super::any_origin(published(&app, &survey, None).await)
}

/// `GET /v1/surveys/{survey}/{version}`.
pub async fn version(
    State(app): State<Shared>,
    Path((survey, version)): Path<(String, String)>,
) -> Response {
    super::any_origin(match version_of(&version) {
        Ok(v) => published(&app, &survey, Some(v)).await,
        Err(e) => e.into_response(),
    })
}
