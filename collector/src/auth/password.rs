//! Passwords: argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane),
//! so one guess costs an attacker with a stolen database real memory and time; one
//! login takes tens of milliseconds here (measured in the closing note).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Memory in KiB, passes, lanes.
pub const PARAMS: (u32, u32, u32) = (19 * 1024, 2, 1);

/// The shortest password accepted when an account is created.
pub const MIN_LENGTH: usize = 12;

fn hasher() -> Argon2<'static> {
    let (m, t, p) = PARAMS;
    // The constants are valid argon2 parameters; fall back to the crate's defaults
    // (also argon2id) rather than fail if a future version disagrees.
    let params = Params::new(m, t, p, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string stored for `password`.
pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("hashing the password: {e}"))
}

/// Whether `password` matches the stored PHC string (false for a malformed one).
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash no password matches, checked when the login is unknown so that an unknown
/// login takes as long as a wrong password (no account enumeration by timing).
pub fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password nobody has").unwrap_or_default())
}

/// Why a new password is refused, if it is.
pub fn check_new(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_LENGTH {
        return Err(format!(
            "the password must have at least {MIN_LENGTH} characters"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() -> Result<(), String> {
        let stored = hash("correct horse battery")?;
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterY", &stored));
        assert!(!verify("correct horse battery", "not a hash"));
        assert!(!verify(
            "decoy password nobody has",
            "$argon2id$v=19$broken"
        ));
        assert!(check_new("short").is_err());
        assert!(check_new("long enough pass").is_ok());
        Ok(())
    }
}
