//! `/v1/tokens`: API tokens for a dealer's CRM, created and revoked by a manager,
//! scoped to dealers, stored only as a hash and shown once.

use crate::app::Shared;
use crate::auth::principal::{Principal, Who, TOKEN_PREFIX};
use crate::auth::rule::{self, Scope};
use crate::auth::secret;
use crate::error::ApiError;
use crate::store::{NewToken, Token};
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use survey_core::context::check_context_value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Create {
    name: String,
    dealers: Vec<String>,
    #[serde(default = "read_access")]
    access: String,
}

fn read_access() -> String {
    "read".into()
}

fn forbidden(e: rule::Denied) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, e.0)
}

fn shown(t: &Token) -> Value {
    json!({
        "id": t.id,
        "name": t.name,
        "access": t.access,
        "dealers": t.dealers,
        "created_by": t.created_by,
        "created_at": t.created_at,
        "revoked_at": t.revoked_at,
    })
}

/// `POST /v1/tokens` `{"name","dealers":[…],"access":"read"}` → 201 with the secret,
/// which is never shown again.
pub async fn create(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    body: Result<Json<Create>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    let req = super::json_body(body, r#"{"name", "dealers": [..], "access": "read"}"#)?;
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "name the token (1 to 100 characters), e.g. the CRM it is for",
        ));
    }
    if req.access != "read" && req.access != "write" {
        return Err(ApiError::bad_request("access is \"read\" or \"write\""));
    }
    if req.dealers.is_empty() {
        return Err(ApiError::bad_request("a token needs at least one dealer"));
    }
    for d in &req.dealers {
        check_context_value(d).map_err(|e| ApiError::bad_request(format!("dealer {d:?}: {e}")))?;
    }
    let target = Scope::Dealers(req.dealers.iter().cloned().collect());
    rule::manage(&principal.caller, &target).map_err(forbidden)?;
    let Who::User { id: creator, .. } = &principal.who else {
        return Err(forbidden(rule::Denied(
            "sign in as a manager to create tokens".into(),
        )));
    };
    let secret_value = format!("{TOKEN_PREFIX}{}", secret::random_token());
    let token = NewToken {
        id: crate::ids::new_id(),
        token_hash: secret::digest(&secret_value),
        name,
        access: req.access,
        dealers: req.dealers,
        created_by: creator.clone(),
        created_at: crate::clock::now_rfc3339(),
    };
    app.db("create the token", app.store.create_token(token.clone()))
        .await?;
    tracing::info!(token = %token.id, "API token created");
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": token.id,
            "token": secret_value,
            "name": token.name,
            "access": token.access,
            "dealers": token.dealers,
            "note": "copy the token now: it is not shown again",
        })),
    )
        .into_response())
}

/// `GET /v1/tokens`: the tokens of the caller's dealers (never their secrets).
pub async fn list(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, ApiError> {
    rule::manage(&principal.caller, &Scope::Dealers(Default::default())).map_err(forbidden)?;
    let dealers = principal.scope().listed();
    let tokens = app
        .db("list the tokens", app.store.tokens(dealers.as_deref()))
        .await?;
    Ok(Json(json!({ "items": tokens.iter().map(shown).collect::<Vec<_>>() })).into_response())
}

/// `DELETE /v1/tokens/{id}`: revokes a token of the caller's dealers at once.
pub async fn revoke(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    principal.check_csrf(&headers)?;
    let token = app.db("find the token", app.store.token(&id)).await?;
    let Some(token) = token else {
        return Err(ApiError::not_found());
    };
    let target = Scope::Dealers(token.dealers.iter().cloned().collect());
    rule::manage(&principal.caller, &target).map_err(forbidden)?;
    let now = crate::clock::now_rfc3339();
    if !app
        .db("revoke the token", app.store.revoke_token(&id, &now))
        .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "this token was already revoked",
        ));
    }
    tracing::info!(token = %id, "API token revoked");
    Ok(StatusCode::NO_CONTENT)
}
