//! Abuse limits on `POST /v1/responses`: a keyed rate limit per client address and per
//! API token, so one script cannot post fifty perfect responses in a fraction of a
//! second, and one busy address cannot starve the others.
//!
//! ## The contract
//! - **Who is counted.** A post with a valid API token (`Authorization: Bearer svt_…`,
//!   a dealer's system) is counted against that token; any other post against its
//!   client address. A token that is unknown or revoked is no token: the post counts
//!   against its address, so inventing tokens buys no fresh allowance.
//! - **The address.** The socket's peer address, unless that peer is in
//!   `--trusted-proxies` (CIDR list): then `X-Forwarded-For` is read from the right,
//!   skipping trusted proxies, and the first address that is not one is the client.
//!   From any other peer `X-Forwarded-For` is ignored (anyone can send one). IPv6
//!   clients are counted per /64, the block one subscriber usually gets.
//! - **The rule.** GCRA (governor): `per_minute` posts a minute on average, with
//!   `burst` at once. Past it: 429 in the one refusal shape, with `Retry-After` in whole
//!   seconds (rounded up), which the widget's outbox honours; CORS exposes the header.
//! - **Memory.** A key is kept only while its allowance is not yet full again (at most
//!   `burst × 60 / per_minute` seconds after its last post); [`Limits::sweep`] drops the
//!   rest and runs every [`SWEEP`], so memory follows the addresses of the last minute,
//!   not of all time.
//!
//! ```text
//! POST /v1/responses ─▶ valid bearer token? ─yes─▶ token bucket ─┐
//!                            │ no                                 ├─ conforming ─▶ handler
//!                            ▼                                    │
//!                 peer in --trusted-proxies? ─yes─▶ X-Forwarded-For (right to left,
//!                            │ no                   skipping trusted hops)
//!                            ▼                                    │
//!                        peer address ─────────▶ address bucket ─┴─ too fast ─▶ 429 + Retry-After
//! ```

use crate::app::Shared;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

/// How often idle keys are dropped.
pub const SWEEP: Duration = Duration::from_secs(30);

/// A rate: `per_minute` on average, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Rate {
    /// The default per client address: a customer answers one survey, a kiosk or a
    /// dealership's shared Wi-Fi a few a minute.
    pub const ADDRESS: Rate = Rate {
        per_minute: 30,
        burst: 10,
    };
    /// Funnel beacons per client address (`POST /v1/beacons`, counted apart from
    /// responses so beacons never use up a customer's allowance to post): the address
    /// rate times this, since a visit that posts one response sends a beacon per stage
    /// and page (13 for the ten-page post-service survey).
    pub const BEACONS_PER_POST: u32 = 16;

    /// The beacon allowance that goes with an address's posting allowance.
    pub fn beacons(self) -> Rate {
        Rate {
            per_minute: self.per_minute.saturating_mul(Self::BEACONS_PER_POST),
            burst: self.burst.saturating_mul(Self::BEACONS_PER_POST),
        }
    }
    /// The default per API token: a dealer's system importing a day's responses.
    pub const TOKEN: Rate = Rate {
        per_minute: 600,
        burst: 100,
    };

    fn quota(self) -> Quota {
        let per_minute = NonZeroU32::new(self.per_minute).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(self.burst).unwrap_or(NonZeroU32::MIN);
        Quota::per_minute(per_minute).allow_burst(burst)
    }
}

/// A block of addresses: `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    /// Parses `addr/bits` or a bare address (all its bits).
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (text, None),
        };
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("{text:?} is not an address or a CIDR block (10.0.0.0/8)"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            None => max,
            Some(b) => b
                .parse::<u8>()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Cidr {
            net: mask(net, bits),
            bits,
        })
    }

    /// Parses a comma-separated list.
    pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
        text.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Cidr::parse)
            .collect()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        ip.is_ipv4() == self.net.is_ipv4() && mask(ip, self.bits) == self.net
    }
}

/// `ip` with all but its first `bits` bits cleared.
fn mask(ip: IpAddr, bits: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let m = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & m).into())
        }
        IpAddr::V6(v6) => {
            let m = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & m).into())
        }
    }
}

/// The client's address: the peer's, or from `X-Forwarded-For` when the peer is a
/// trusted proxy (see the module docs). `forwarded` is every `X-Forwarded-For` value
/// in order.
pub fn client_ip(peer: IpAddr, forwarded: &[&str], trusted: &[Cidr]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.iter().rev().flat_map(|h| h.rsplit(',')) {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            // A hop that is not an address was not written by a proxy we trust: the
            // last good one is as far as the chain can be believed.
            return client;
        };
        client = ip.to_canonical();
        if !is_trusted(client) {
            return client;
        }
    }
    client
}

/// The key an address is counted under: itself (IPv4), its /64 (IPv6).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
        v4 => v4,
    }
}

/// The two keyed limiters and the proxies trusted to name the client.
pub struct Limits {
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    tokens: DefaultKeyedRateLimiter<String>,
    beacons: DefaultKeyedRateLimiter<IpAddr>,
    trusted: Vec<Cidr>,
    clock: DefaultClock,
}

impl Limits {
    pub fn new(address: Rate, token: Rate, trusted: Vec<Cidr>) -> Self {
        Limits {
            addresses: DefaultKeyedRateLimiter::dashmap(address.quota()),
            tokens: DefaultKeyedRateLimiter::dashmap(token.quota()),
            beacons: DefaultKeyedRateLimiter::dashmap(address.beacons().quota()),
            trusted,
            clock: DefaultClock::default(),
        }
    }

    /// The client address of a request from `peer` with these headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        client_ip(peer, &forwarded, &self.trusted)
    }

    /// `Err(wait)` when `ip` has used its allowance.
    pub fn check_address(&self, ip: IpAddr) -> Result<(), Duration> {
        self.addresses
            .check_key(&address_key(ip))
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// `Err(wait)` when `ip` has sent its allowance of funnel beacons.
    pub fn check_beacon(&self, ip: IpAddr) -> Result<(), Duration> {
        self.beacons
            .check_key(&address_key(ip))
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// `Err(wait)` when the token `id` has used its allowance.
    pub fn check_token(&self, id: &str) -> Result<(), Duration> {
        self.tokens
            .check_key(&id.to_string())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Drops the keys whose allowance is full again; returns how many are kept.
    pub fn sweep(&self) -> usize {
        self.addresses.retain_recent();
        self.tokens.retain_recent();
        self.beacons.retain_recent();
        self.addresses.shrink_to_fit();
        self.tokens.shrink_to_fit();
        self.beacons.shrink_to_fit();
        self.addresses.len() + self.tokens.len() + self.beacons.len()
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new(Rate::ADDRESS, Rate::TOKEN, Vec::new())
    }
}

/// Whole seconds to wait, rounded up, at least 1.
fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0).max(u64::from(wait.is_zero()))
}

/// The layer: counts every `POST /v1/responses` (see the module docs) and answers 429
/// past the allowance before the body is read.
pub async fn limit_posts(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    match request.uri().path() {
        "/v1/responses" => {}
        // Funnel beacons: their own allowance per address, no token.
        "/v1/beacons" => {
            let client = app.limits.client(peer, request.headers());
            return match app.limits.check_beacon(client) {
                Ok(()) => next.run(request).await,
                Err(wait) => too_many(wait, "too many beacons from this address"),
            };
        }
        _ => return next.run(request).await,
    }
    let token = match bearer_token_id(&app, request.headers()).await {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let checked = match token {
        Some(id) => app.limits.check_token(&id),
        None => {
            let client = app.limits.client(peer, request.headers());
            app.limits.check_address(client)
        }
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(wait) => too_many(wait, "too many responses from this sender"),
    }
}

/// The 429 of a sender past its allowance, with `Retry-After`.
fn too_many(wait: Duration, what: &str) -> Response {
    let secs = retry_after_secs(wait);
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("{what}; retry in {secs} s"),
    )
    .into_response();
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// The id of the live API token the request carries, if any.
async fn bearer_token_id(app: &Shared, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(secret) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|s| s.starts_with(crate::auth::principal::TOKEN_PREFIX))
    else {
        return Ok(None);
    };
    let hash = crate::auth::secret::digest(secret);
    let token = app
        .db("check the API token", app.store.token_by_hash(&hash))
        .await?;
    Ok(token.map(|t| t.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([255, 255, 255, 255]))
    }

    #[test]
    fn cidr_blocks() -> Result<(), String> {
        let ten = Cidr::parse("10.0.0.0/8")?;
        assert!(ten.contains(ip("10.200.3.4")));
        assert!(!ten.contains(ip("11.0.0.1")));
        assert!(ten.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped");
        assert!(!ten.contains(ip("::1")));
        let one = Cidr::parse("192.0.2.7")?;
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = Cidr::parse("2001:db8::/32")?;
        assert!(v6.contains(ip("2001:db8:1::9")) && !v6.contains(ip("2001:db9::1")));
        assert!(Cidr::parse("0.0.0.0/0")?.contains(ip("8.8.8.8")));
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("proxy.local").is_err());
        assert_eq!(Cidr::parse_list("10.0.0.0/8, ::1")?.len(), 2);
        Ok(())
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() -> Result<(), String> {
        let trusted = Cidr::parse_list("10.0.0.0/8")?;
        // An untrusted peer's header is ignored.
        assert_eq!(
            client_ip(ip("203.0.113.9"), &["198.51.100.1"], &trusted),
            ip("203.0.113.9")
        );
        // From a trusted proxy: the rightmost address that is not a trusted proxy, so a
        // client cannot put a fake address in front of the real one.
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                &["1.1.1.1, 198.51.100.1, 10.0.0.3"],
                &trusted
            ),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &["1.1.1.1", "198.51.100.1"], &trusted),
            ip("198.51.100.1"),
            "several headers read as one list"
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &[], &trusted),
            ip("10.0.0.2"),
            "no header: the proxy itself"
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &["garbage, 10.0.0.4"], &trusted),
            ip("10.0.0.4"),
            "stops at a hop that is not an address"
        );
        assert_eq!(
            client_ip(ip("10.0.0.2"), &["198.51.100.1"], &[]),
            ip("10.0.0.2")
        );
        Ok(())
    }

    #[test]
    fn ipv6_is_counted_per_64() {
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            address_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            address_key(ip("2001:db8:1:2::1")),
            address_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(ip("192.0.2.1")), ip("192.0.2.1"));
    }

    #[test]
    fn burst_then_refused_then_swept() {
        let limits = Limits::new(
            Rate {
                per_minute: 60,
                burst: 3,
            },
            Rate {
                per_minute: 60,
                burst: 1,
            },
            Vec::new(),
        );
        let a = ip("192.0.2.1");
        for _ in 0..3 {
            assert_eq!(limits.check_address(a), Ok(()));
        }
        let wait = limits.check_address(a).err().unwrap_or_default();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert_eq!(
            limits.check_address(ip("192.0.2.2")),
            Ok(()),
            "another address"
        );
        assert_eq!(limits.check_token("t1"), Ok(()));
        assert!(limits.check_token("t1").is_err());
        assert_eq!(limits.check_token("t2"), Ok(()));
        assert!(limits.sweep() >= 1, "keys in use are kept");
    }

    #[test]
    fn idle_keys_are_dropped() {
        // One post a millisecond: a key's allowance is full again 1 ms after its post.
        let fast = Rate {
            per_minute: 60_000,
            burst: 1,
        };
        let limits = Limits::new(fast, fast, Vec::new());
        for i in 0..10_000u32 {
            let _ = limits.check_address(IpAddr::from(i.to_be_bytes()));
        }
        let _ = limits.check_token("t");
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(limits.sweep(), 0, "every key idle: none kept");
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(2000)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2001)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
