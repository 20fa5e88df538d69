//! Signed survey links: the collector vouches for a visit's context, so a response
//! that carries it is counted as a real customer's.
//!
//! ## The guarantee
//! A response is stored `verified` only if its context carries `sig` and `exp` and
//! `sig` is the HMAC-SHA256, under the group's link key, of the [`canonical`] encoding
//! of exactly the fields below as the response carries them, and the link has not
//! expired when the response arrives. Changing any one of them (another dealer,
//! advisor, repair order, visit date, survey, channel, expiry or token) makes the
//! signature not match: the post is refused 422. A response without `sig` and `exp`
//! (the script tag on a public site, a hand-typed link) is stored `unverified`, and
//! reports count verified responses unless asked otherwise ([`crate::query`]).
//!
//! A link is single use through its token: the database stores one response per
//! (survey, token) (see [`crate::store`]), so a second answer on the same link is a 409.
//!
//! ## Signed fields, in order
//! `survey` (the payload's survey id), then the context values `dealer`,
//! `repair_order`, `advisor`, `visit_date`, `channel`, `agent`, `call_type`, `exp` (Unix
//! seconds, UTC) and `token`. An absent value and an empty one are the same (context
//! values are never empty). Context keys outside this list (a kiosk's `station`, a
//! page's `data-context`) are not vouched for.
//!
//! ## The lifecycle
//! ```text
//! first start of any collector of the group
//!   └─ INSERT the candidate key ON CONFLICT DO NOTHING; SELECT the key ─▶ cached per process
//! POST /v1/links (manager / admin / write token, their dealer)
//!   └─ fresh token, exp = now + days ─▶ {url, token, expires_at}; nothing stored
//! POST /v1/responses
//!   ├─ no sig, no exp ───────────────▶ stored unverified
//!   ├─ only one of them / malformed ─▶ 422 "the survey link is damaged"
//!   ├─ sig does not match ───────────▶ 422 "… was changed after it was made"
//!   ├─ matches, now ≥ exp ───────────▶ 422 "… expired on …"
//!   └─ matches, not expired ─────────▶ stored verified (token unique: else 409)
//! ```
//! The key lives in the database (`link_keys`, one row), so every collector process
//! of a group signs and checks with the same key; a copy of the database lets its
//! holder make links, so it is guarded like the responses themselves.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;

type HmacSha256 = Hmac<Sha256>;

/// The context keys signed after the survey id, in the order they are encoded.
pub const SIGNED_CONTEXT: [&str; 9] = [
    "dealer",
    "repair_order",
    "advisor",
    "visit_date",
    "channel",
    "agent",
    "call_type",
    "exp",
    "token",
];

/// Longest and default life of a link, in days.
pub const MAX_DAYS: u32 = 90;
pub const DEFAULT_DAYS: u32 = 30;

/// The group's link key: 32 random bytes.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A new random key, as stored (URL-safe base64).
    pub fn generate() -> String {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The key as stored; `None` for anything that is not 32 bytes of base64.
    pub fn parse(stored: &str) -> Option<Key> {
        let bytes = URL_SAFE_NO_PAD.decode(stored.trim()).ok()?;
        Some(Key(bytes.try_into().ok()?))
    }

    fn mac(&self, message: &[u8]) -> HmacSha256 {
        // HMAC takes a key of any length; 32 bytes cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(message);
        mac
    }
}

/// The bytes signed: a version tag, then each field as its byte length, `:`, the
/// bytes, `;`. Length-prefixed, so no choice of values can make two different
/// contexts encode alike (`a|b` + `c` vs `a` + `b|c`).
pub fn canonical(survey: &str, context: &BTreeMap<String, String>) -> Vec<u8> {
    let mut out = b"survey-link/v1;".to_vec();
    let fields = std::iter::once(survey).chain(
        SIGNED_CONTEXT
            .iter()
            .map(|k| context.get(*k).map_or("", String::as_str)),
    );
    for value in fields {
        out.extend(value.len().to_string().as_bytes());
        out.push(b':');
        out.extend(value.as_bytes());
        out.push(b';');
    }
    out
}

/// The signature of a context (with its `exp` and `token` set), URL-safe base64.
pub fn sign(key: &Key, survey: &str, context: &BTreeMap<String, String>) -> String {
    URL_SAFE_NO_PAD.encode(key.mac(&canonical(survey, context)).finalize().into_bytes())
}

/// What a posted context says about its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// No `sig` and no `exp`: stored, but not counted as a known visit.
    Unsigned,
    /// The signature matches and the link is still valid.
    Verified,
    /// Refused (422) with a line the dealer can act on.
    Refused(String),
}

/// Checks a posted context at `now` (Unix seconds). The signature is compared in
/// constant time (the `hmac` crate's `verify_slice`).
pub fn check(key: &Key, survey: &str, context: &BTreeMap<String, String>, now: i64) -> Check {
    let (sig, exp) = (context.get("sig"), context.get("exp"));
    let (sig, exp) = match (sig, exp) {
        (None, None) => return Check::Unsigned,
        (Some(sig), Some(exp)) => (sig, exp),
        _ => return damaged(),
    };
    let Ok(sig) = URL_SAFE_NO_PAD.decode(sig) else {
        return damaged();
    };
    let Ok(exp) = exp.parse::<i64>() else {
        return damaged();
    };
    if sig.len() != 32 {
        return damaged();
    }
    if key
        .mac(&canonical(survey, context))
        .verify_slice(&sig)
        .is_err()
    {
        return Check::Refused(
            "this survey link was changed after it was made (dealer, repair order, advisor, \
             visit date, survey, channel, expiry or token differ); make a new link on the QR page"
                .into(),
        );
    }
    if now >= exp {
        let when = jiff::Timestamp::from_second(exp)
            .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|_| exp.to_string());
        return Check::Refused(format!(
            "this survey link expired on {when}; make a new link on the QR page"
        ));
    }
    Check::Verified
}

fn damaged() -> Check {
    Check::Refused(
        "this survey link is damaged (its sig or exp is missing or malformed); \
         make a new link on the QR page"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key::parse(&Key::generate()).expect("a generated key parses")
    }

    fn visit() -> BTreeMap<String, String> {
        [
            ("dealer", "D001"),
            ("repair_order", "RO-2026/1182"),
            ("advisor", "A07"),
            ("visit_date", "2026-12-01"),
            ("channel", "qr"),
            ("exp", "2000000000"),
            ("token", "tkn-1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn signed(key: &Key) -> BTreeMap<String, String> {
        let mut c = visit();
        c.insert("sig".into(), sign(key, "post-service", &c));
        c
    }

    #[test]
    fn a_signed_context_verifies_until_it_expires() {
        let k = key();
        let c = signed(&k);
        assert_eq!(
            check(&k, "post-service", &c, 1_900_000_000),
            Check::Verified
        );
        let Check::Refused(why) = check(&k, "post-service", &c, 2_000_000_000) else {
            panic!("expired");
        };
        assert!(why.contains("expired on 2033-05-18"), "{why}");
    }

    #[test]
    fn any_altered_field_is_refused() {
        let k = key();
        let now = 1_900_000_000;
        assert!(matches!(
            check(&k, "post-call", &signed(&k), now),
            Check::Refused(_)
        ));
        for field in SIGNED_CONTEXT {
            let mut c = signed(&k);
            c.insert(field.to_string(), "2000000001".into());
            assert!(
                matches!(check(&k, "post-service", &c, now), Check::Refused(ref w) if w.contains("changed")),
                "{field}"
            );
            let mut c = signed(&k);
            if c.remove(field).is_some() {
                assert!(
                    matches!(check(&k, "post-service", &c, now), Check::Refused(_)),
                    "{field} removed"
                );
            }
        }
        // Another key (another group's collector) does not verify it either.
        assert!(matches!(
            check(&key(), "post-service", &signed(&k), now),
            Check::Refused(_)
        ));
    }

    #[test]
    fn unsigned_and_damaged() {
        let k = key();
        let mut unsigned = visit();
        unsigned.remove("exp");
        assert_eq!(check(&k, "post-service", &unsigned, 0), Check::Unsigned);
        let mut only_sig = signed(&k);
        only_sig.remove("exp");
        let mut bad_sig = signed(&k);
        bad_sig.insert("sig".into(), "not*base64".into());
        let mut short_sig = signed(&k);
        short_sig.insert("sig".into(), "AAAA".into());
        let mut bad_exp = signed(&k);
        bad_exp.insert("exp".into(), "soon".into());
        for c in [only_sig, bad_sig, short_sig, bad_exp] {
            assert!(
                matches!(check(&k, "post-service", &c, 0), Check::Refused(ref w) if w.contains("damaged")),
                "{c:?}"
            );
        }
    }

    #[test]
    fn the_encoding_is_unambiguous() {
        let mut a = visit();
        a.insert("dealer".into(), "D0".into());
        a.insert("repair_order".into(), "01RO".into());
        let mut b = visit();
        b.insert("dealer".into(), "D001".into());
        b.insert("repair_order".into(), "RO".into());
        assert_ne!(canonical("s", &a), canonical("s", &b));
        assert!(Key::parse("short").is_none());
    }
}
