//! `POST /v1/users`: a manager adds an account for their own dealers (an admin for
//! any); the first group admin comes from `collector user add`.

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::auth::rule::{self, Role};
use crate::auth::users;
use crate::error::ApiError;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Create {
    login: String,
    password: String,
    role: String,
    #[serde(default)]
    dealers: Vec<String>,
    advisor: Option<String>,
}

pub async fn create(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    body: Result<Json<Create>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    let req = super::json_body(
        body,
        r#"{"login", "password", "role", "dealers", "advisor"}"#,
    )?;
    let Some(role) = Role::parse(&req.role) else {
        return Err(ApiError::bad_request(
            "role is group_admin, dealer_manager, service_advisor or follow_up_agent",
        ));
    };
    let request = users::Request {
        login: req.login,
        password: req.password,
        role,
        dealers: req.dealers,
        advisor: req.advisor,
    };
    rule::manage(&principal.caller, &users::scope_of(&request))
        .map_err(|e| ApiError::new(StatusCode::FORBIDDEN, e.0))?;
    let created_at = crate::clock::now_rfc3339();
    let id = crate::ids::new_id();
    // argon2 is slow on purpose: off the runtime's threads.
    let prepared = tokio::task::spawn_blocking(move || users::prepare(request, id, created_at))
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(ApiError::bad_request)?;
    let (login, role) = (prepared.login.clone(), prepared.role);
    let fresh = app
        .db("create the account", app.store.create_user(prepared, false))
        .await?;
    if !fresh {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("the login {login} is taken"),
        ));
    }
    Ok((
        StatusCode::CREATED,
        Json(json!({ "login": login, "role": role.as_str() })),
    )
        .into_response())
}
