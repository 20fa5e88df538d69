//! What the store keeps of accounts, sessions and API tokens (see [`crate::auth`]).
//! Secrets are never stored: sessions and tokens by the SHA-256 of their value,
//! passwords as argon2id hashes.

use crate::auth::{Role, Scope};

/// An account as the store has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub login: String,
    pub password_hash: String,
    pub role: Role,
    /// The dealers of a non-admin account; a group admin's is [`Scope::All`].
    pub scope: Scope,
    pub advisor: Option<String>,
    pub failed_logins: i64,
    /// RFC 3339 UTC; logins are refused until then.
    pub locked_until: Option<String>,
}

/// A new account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub id: String,
    pub login: String,
    pub password_hash: String,
    pub role: Role,
    pub dealers: Vec<String>,
    pub advisor: Option<String>,
    pub created_at: String,
}

/// A live session with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_at: String,
}

/// An API token as lists show it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub id: String,
    pub name: String,
    pub access: String,
    pub dealers: Vec<String>,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A new API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub id: String,
    pub token_hash: String,
    pub name: String,
    pub access: String,
    pub dealers: Vec<String>,
    pub created_by: String,
    pub created_at: String,
}

/// How a login attempt changes the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    /// Reset the failure count.
    Success,
    /// Count a failure; lock until the given time when this reaches the limit.
    Failure,
}

/// Failed logins in a row that lock an account.
pub const LOCK_AFTER: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// A stored role name back to a role (a CHECK constraint keeps the column valid).
pub fn role_of(text: &str) -> Role {
    Role::parse(text).unwrap_or(Role::ServiceAdvisor)
}

/// A role and its dealer rows as a scope: a group admin sees every dealer.
pub fn scope_of(role: Role, dealers: Vec<String>) -> Scope {
    if role == Role::GroupAdmin {
        Scope::All
    } else {
        Scope::Dealers(dealers.into_iter().collect())
    }
}
