//! `/v1/auth/*`: signing in and out of the console, and who is signed in.

use crate::app::Shared;
use crate::auth::password;
use crate::auth::principal::{Principal, Who, COOKIE};
use crate::auth::secret;
use crate::error::ApiError;
use crate::store::accounts::LOCK_MINUTES;
use crate::store::LoginOutcome;
use axum::extract::{ConnectInfo, Extension, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Instant;

/// How long a session lasts (a working day and then some).
pub const SESSION_HOURS: i64 = 12;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    login: String,
    password: String,
}

/// Whether the browser reached us over https (directly or through a proxy that says
/// so), so the cookie is marked `Secure`.
fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

fn session_cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let cookie = cookie::Cookie::build((COOKIE, value.to_string()))
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .path("/")
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

fn throttled(seconds: u64, reason: &str) -> Response {
    let mut r = ApiError::new(StatusCode::TOO_MANY_REQUESTS, reason).into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    r
}

/// `POST /v1/auth/login` `{"login","password"}` → the session cookie and the CSRF token.
pub async fn login(
    State(app): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<Login>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let form = match super::json_body(body, r#"{"login", "password"}"#) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    // Behind a trusted reverse proxy, the client it names (see `crate::limits`): else
    // every login would share the proxy's address, and one guesser lock out everyone.
    let client = app.limits.client(peer.ip(), &headers);
    if let Err(wait) = app.throttle.check(client, Instant::now()) {
        return throttled(
            wait,
            "too many failed logins from this address; wait and try again",
        );
    }
    let login = form.login.trim().to_lowercase();
    let user = match app.db("sign in", app.store.user_by_login(&login)).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let now = crate::clock::now();
    if let Some(until) = user.as_ref().and_then(|u| u.locked_until.as_deref()) {
        if let Ok(until) = until.parse::<jiff::Timestamp>() {
            if until > now {
                let wait = until.duration_since(now).as_secs().max(1) as u64;
                return throttled(
                    wait,
                    "this account is locked after too many failed logins; wait and try again",
                );
            }
        }
    }
    // argon2 is deliberately slow CPU work: off the runtime's threads. An unknown login
    // is checked against a decoy so it takes as long as a wrong password.
    let stored = user.as_ref().map_or_else(
        || password::decoy().to_string(),
        |u| u.password_hash.clone(),
    );
    let given = form.password;
    let ok = tokio::task::spawn_blocking(move || password::verify(&given, &stored))
        .await
        .unwrap_or(false);
    // The account a wrong password counts against, from the row already read.
    let failed_id = user.as_ref().map(|u| u.id.clone());
    let Some(user) = user.filter(|_| ok) else {
        app.throttle.failed(client, Instant::now());
        if let Some(u) = failed_id {
            let lock_until = crate::clock::rfc3339_millis(
                now.checked_add(jiff::SignedDuration::from_mins(LOCK_MINUTES))
                    .unwrap_or(now),
            );
            if let Err(e) = app
                .db(
                    "record the login",
                    app.store
                        .record_login(&u, LoginOutcome::Failure, &lock_until),
                )
                .await
            {
                return e.into_response();
            }
        }
        tracing::info!("failed login");
        return ApiError::new(StatusCode::UNAUTHORIZED, "wrong login or password").into_response();
    };
    // A write on every login only when there are failures to forget.
    let reset = user.failed_logins > 0 || user.locked_until.is_some();
    if reset {
        if let Err(e) = app
            .db(
                "record the login",
                app.store.record_login(&user.id, LoginOutcome::Success, ""),
            )
            .await
        {
            return e.into_response();
        }
    }
    let (cookie_value, csrf) = (secret::random_token(), secret::random_token());
    let expires = now
        .checked_add(jiff::SignedDuration::from_hours(SESSION_HOURS))
        .unwrap_or(now);
    let (created_at, expires_at) = (
        crate::clock::rfc3339_millis(now),
        crate::clock::rfc3339_millis(expires),
    );
    if let Err(e) = app
        .db(
            "start the session",
            app.store.create_session(
                &secret::digest(&cookie_value),
                &user.id,
                &csrf,
                &created_at,
                &expires_at,
            ),
        )
        .await
    {
        return e.into_response();
    }
    tracing::info!(user = %user.id, "signed in");
    let body = json!({
        "login": user.login,
        "role": user.role.as_str(),
        "dealers": dealers_json(&user.scope),
        "advisor": user.advisor,
        "csrf": csrf,
        "expires_at": expires_at,
    });
    let mut response = (StatusCode::OK, Json(body)).into_response();
    let headers_out = response.headers_mut();
    headers_out.insert(
        header::SET_COOKIE,
        session_cookie(&cookie_value, SESSION_HOURS * 3600, over_https(&headers)),
    );
    headers_out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn dealers_json(scope: &crate::auth::Scope) -> serde_json::Value {
    match scope {
        crate::auth::Scope::All => json!("*"),
        crate::auth::Scope::Dealers(d) => json!(d),
    }
}

/// `POST /v1/auth/logout`: ends this session (CSRF-checked) and clears the cookie.
pub async fn logout(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    let Who::User { session, .. } = &principal.who else {
        return Err(ApiError::bad_request("an API token has no session to end"));
    };
    app.db("end the session", app.store.delete_session(session))
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie("", 0, over_https(&headers)),
    );
    Ok(response)
}

/// `GET /v1/auth/me`: the signed-in account, and the CSRF token the console sends back.
pub async fn me(Extension(principal): Extension<Principal>) -> Response {
    let body = match (&principal.who, &principal.caller) {
        (
            Who::User { login, csrf, .. },
            crate::auth::rule::Caller::User {
                role,
                scope,
                advisor,
            },
        ) => json!({
            "login": login,
            "role": role.as_str(),
            "dealers": dealers_json(scope),
            "advisor": advisor,
            "csrf": csrf,
        }),
        (Who::Token { id }, _) => json!({
            "token": id,
            "dealers": dealers_json(principal.scope()),
        }),
        _ => json!({}),
    };
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
