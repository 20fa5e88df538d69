//! Who may read what: accounts, roles, sessions, API tokens, and the access rule of
//! every route.
//!
//! ## The guarantee
//! Every route under `/v1/` is declared in [`crate::app::ROUTES`] with an [`Access`]
//! rule, and the router is built only from that table, so a route cannot exist without
//! a rule. A read answers only rows of the dealers the caller may see (the database
//! filters them); contact data (a customer's phone and e-mail) leaves the server only
//! for roles allowed to see it.
//!
//! ## Roles
//! | role | dealers | reads |
//! |---|---|---|
//! | group admin | all | everything |
//! | dealer manager | theirs | everything of their dealers; manages tokens and users there |
//! | service advisor | theirs | their own responses (`context.advisor`) and scores, never contact data |
//! | follow-up agent | theirs | the follow-up work of their dealers (responses with alerts), with contact data |
//!
//! An API token (a dealer's CRM) reads like a manager of the token's dealers, without
//! managing anything.
//!
//! ## Sessions
//! ```text
//! POST /v1/auth/login ──password ok──▶ session row (hash of the cookie, csrf, expiry)
//!        │                                   │  cookie `sid` (HttpOnly, SameSite=Strict,
//!        │ wrong password                    │  Secure behind https); the csrf token in
//!        ▼                                   │  the reply body
//! failed_logins + 1 ─5 in a row─▶ locked 15 min (429 + Retry-After)
//!                                            ▼
//!                          each request: cookie → hash → row, not expired
//!                          state change: X-CSRF-Token must equal the row's csrf
//!                                            ▼
//!                          POST /v1/auth/logout or expiry (12 h) ──▶ row deleted
//! ```
//! Sessions live in the database, so any collector process serves any user. Only hashes
//! of cookies and tokens are stored: a copy of the database lets no one log in.

pub mod password;
pub mod principal;
pub mod redact;
pub mod rule;
pub mod secret;
pub mod throttle;
pub mod users;

pub use principal::Principal;
pub use rule::{Role, Scope};
