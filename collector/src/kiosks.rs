//! Kiosk device keys: a lounge tablet is bound to its dealer and station, so what its
//! customers answer is counted as theirs, `verified`, like a signed link's response.
//!
//! ## The guarantee
//! A response posted with `X-Kiosk-Key: kiosk_…` whose key is live (issued, not
//! revoked) is stored `verified`, with `context.dealer` and `context.station` set to
//! the key's, whatever the page said: the key, not the page URL, is where the tablet
//! stands. A context that named another dealer or station is **overwritten, not
//! refused**: a refusal would throw away a customer's answers for a staff mistake in
//! the page address, and the key's values are the ones vouched for. The row keeps the
//! id of the kiosk that vouched (`responses.kiosk`).
//!
//! A key that is unknown or revoked never costs the customer's response: it is stored
//! as the page sent it, `unverified`, and the receipt says why
//! (`"verified": false, "unverified_reason": …`, and the header
//! `X-Kiosk-Key-Status: not-accepted`, which the widget reads) so the tablet's staff
//! menu can tell the staff to ask for a new key. A response that carries a signed link (`sig`/`exp`) is
//! judged by the link alone ([`crate::links`]); a kiosk key beside it is not consulted.
//!
//! Keys are 32 random bytes (URL-safe base64) after [`KEY_PREFIX`], shown once when
//! issued and stored only as their SHA-256 ([`crate::auth::secret`]); the key never
//! appears in a log line, a list or an error.
//!
//! ## The lifecycle
//! ```text
//! POST /v1/kiosks {dealer, station, label}      (admin, manager of the dealer, write token)
//! collector kiosk add --dealer D --station S    (first setup, on the server)
//!   └─ key shown once + a pairing address:
//!      /static/kiosk.html?device_key=kiosk_…&station=S
//! staff open the pairing address on the tablet once
//!   └─ the widget keeps the key in its own localStorage entry (not customer data: it
//!      survives every reset), takes it out of the address bar (history.replaceState)
//!      and sends it with each response (X-Kiosk-Key, stored with the outbox entry, so
//!      retries and the journal keep it)
//! POST /v1/responses + X-Kiosk-Key
//!   ├─ signed link in the context ──▶ the link decides; the key is not looked at
//!   ├─ live key ────────────────────▶ dealer, station := the key's; stored verified
//!   └─ unknown or revoked key ──────▶ stored unverified; receipt: unverified_reason
//! DELETE /v1/kiosks/{id} or collector kiosk revoke ID
//!   └─ revoked_at set: the key is refused from the next post on
//! ```
//!
//! A retry of a response first stored through a live key, sent again after the key was
//! revoked, no longer has its context rewritten: it differs from the stored one and is
//! answered 409 (the first copy is kept, verified).

use std::collections::BTreeMap;

/// Device keys start with this, so a leaked one is easy to recognise and search for.
pub const KEY_PREFIX: &str = "kiosk_";

/// The request header a paired kiosk sends its key in (allowed by the posting CORS).
pub const HEADER: &str = "x-kiosk-key";

/// The response header that repeats the receipt's verdict on a key that was not
/// accepted (`not-accepted`), so the widget learns it without reading the body.
pub const STATUS: &str = "x-kiosk-key-status";

/// What the receipt says, and the tablet's staff menu shows, when a key is not accepted.
pub const NOT_ACCEPTED: &str =
    "this tablet's key is not accepted (unknown or revoked); ask the manager for a new one";

/// A new device key, as shown once.
pub fn new_key() -> String {
    format!("{KEY_PREFIX}{}", crate::auth::secret::random_token())
}

/// The key a request sends in [`HEADER`], if it sends one. Whatever it is, it is only
/// ever compared by hash: a malformed one matches nothing and reads as not accepted.
pub fn key_of(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
        .filter(|k| !k.is_empty())
}

/// Puts the key's dealer and station into a response's context, over whatever the
/// page sent (see the guarantee).
pub fn bind(context: &mut BTreeMap<String, String>, dealer: &str, station: &str) {
    context.insert("dealer".into(), dealer.into());
    context.insert("station".into(), station.into());
}

/// The address staff open once on the tablet to pair it (relative to the collector).
pub fn pairing_path(key: &str, station: &str) -> String {
    format!("/static/kiosk.html?device_key={key}&station={station}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    #[test]
    fn keys_are_prefixed_random_and_long() {
        let (a, b) = (new_key(), new_key());
        assert!(a.starts_with("kiosk_") && a.len() == 6 + 43, "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn any_non_empty_header_is_a_key_to_check() {
        let mut h = HeaderMap::new();
        assert_eq!(key_of(&h), None);
        h.insert(HEADER, HeaderValue::from_static("  "));
        assert_eq!(key_of(&h), None);
        h.insert(HEADER, HeaderValue::from_static(" kiosk_abc "));
        assert_eq!(key_of(&h).as_deref(), Some("kiosk_abc"));
        h.insert(HEADER, HeaderValue::from_static("svt_abc"));
        assert_eq!(key_of(&h).as_deref(), Some("svt_abc"));
    }

    #[test]
    fn the_key_overwrites_the_page_s_dealer_and_station() {
        let mut ctx: BTreeMap<String, String> = [
            ("dealer".to_string(), "D002".to_string()),
            ("bay".to_string(), "3".to_string()),
        ]
        .into();
        bind(&mut ctx, "D001", "LOUNGE-1");
        assert_eq!(ctx["dealer"], "D001");
        assert_eq!(ctx["station"], "LOUNGE-1");
        assert_eq!(ctx["bay"], "3", "other context is kept");
    }
}
