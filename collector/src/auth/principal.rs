//! Who is calling: a signed-in person (the `sid` session cookie) or a dealer's system
//! (`Authorization: Bearer <token>`). Extracting a [`Principal`] is what makes a route
//! non-public: without credentials the request is answered 401 before the handler runs.

use super::rule::{Caller, Scope};
use super::secret;
use crate::app::Shared;
use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};

/// The session cookie's name.
pub const COOKIE: &str = "sid";
/// The header a signed-in console sends with every state-changing request.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// API tokens start with this, so a leaked one is easy to recognise and search for.
pub const TOKEN_PREFIX: &str = "svt_";

/// Who is calling, and for a person, their session's CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub caller: Caller,
    pub who: Who,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    User {
        id: String,
        login: String,
        csrf: String,
        /// The hash of the session cookie (for logout).
        session: String,
    },
    Token {
        id: String,
    },
}

impl Principal {
    /// A state-changing request from a browser session must carry the session's CSRF
    /// token in [`CSRF_HEADER`]: a page on another site can make the browser send the
    /// cookie (SameSite=Strict already stops most), never read the token. Token callers
    /// send no cookie, so they need none.
    pub fn check_csrf(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let Who::User { csrf, .. } = &self.who else {
            return Ok(());
        };
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if secret::same(sent, csrf) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "missing or wrong X-CSRF-Token header; reload the console",
            ))
        }
    }

    /// Who the caller is, as a page shows it: a person's login, or `token:<id>` for an
    /// API token (its name can change; its id cannot). The audit log prefixes a person
    /// with `user:` ([`crate::privacy::actor`]), so its lines never read as a token.
    pub fn name(&self) -> String {
        match &self.who {
            Who::User { login, .. } => login.clone(),
            Who::Token { id } => format!("token:{id}"),
        }
    }

    /// The dealers of the caller.
    pub fn scope(&self) -> &Scope {
        match &self.caller {
            Caller::User { scope, .. } | Caller::Token { scope, .. } => scope,
        }
    }
}

/// The value of the `sid` cookie, if the request has one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .map(|c| c.value().to_string())
}

fn unauthorized(reason: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, reason)
}

impl FromRequestParts<Shared> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, ApiError> {
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let value = auth.to_str().unwrap_or("");
            let Some(secret) = value
                .strip_prefix("Bearer ")
                .filter(|s| s.starts_with(TOKEN_PREFIX))
            else {
                return Err(unauthorized(
                    "the Authorization header must be \"Bearer svt_…\" with an API token",
                ));
            };
            let hash = secret::digest(secret.trim());
            let token = app
                .db("check the API token", app.store.token_by_hash(&hash))
                .await?;
            let Some(token) = token else {
                return Err(unauthorized("the API token is not valid or was revoked"));
            };
            return Ok(Principal {
                caller: Caller::Token {
                    write: token.access == "write",
                    scope: Scope::Dealers(token.dealers.into_iter().collect()),
                },
                who: Who::Token { id: token.id },
            });
        }
        let Some(cookie) = session_cookie(&parts.headers) else {
            return Err(unauthorized(
                "sign in first (POST /v1/auth/login), or send an API token",
            ));
        };
        let hash = secret::digest(&cookie);
        let now = crate::clock::now_rfc3339();
        let session = app
            .db("check the session", app.store.session(&hash, &now))
            .await?;
        let Some(session) = session else {
            return Err(unauthorized("your session has ended; sign in again"));
        };
        let user = session.user;
        Ok(Principal {
            caller: Caller::User {
                role: user.role,
                scope: user.scope,
                advisor: user.advisor,
            },
            who: Who::User {
                id: user.id,
                login: user.login,
                csrf: session.csrf,
                session: hash,
            },
        })
    }
}
