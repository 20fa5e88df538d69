//! New ids for accounts and tokens.

/// A random UUID (version 4), lower-case hex with dashes.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
