//! Exponential backoff with full jitter, bounded below by the server's `Retry-After`.

use super::retry_after::{RetryAfter, MAX_RETRY_AFTER_MS};
use serde::{Deserialize, Serialize};

/// How long to wait after a failed attempt that is worth retrying.
///
/// After the `n`-th attempt of an entry failed (`n ≥ 1`), the ceiling is
/// `min(cap_ms, base_ms · 2^(n-1))`: 2 s, 4 s, 8 s … 5 min with the defaults. The
/// delay is that ceiling scaled by the caller's jitter (full jitter: uniform in
/// `[0, ceiling]`, which spreads the retries of many devices after an outage),
/// raised to `floor_ms` (so a jitter near 0 cannot make a tight loop against a dead
/// network) but never above the ceiling, and finally raised to the server's
/// `Retry-After` (itself capped at `max_retry_after_ms`).
///
/// So the delay is always in `[0, max(cap_ms, retry_after)]`, in `[0, cap_ms]`
/// without a `Retry-After`, and never below the (capped) `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    pub base_ms: u64,
    pub cap_ms: u64,
    pub floor_ms: u64,
    pub max_retry_after_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base_ms: 2_000,
            cap_ms: 300_000,
            floor_ms: 250,
            max_retry_after_ms: MAX_RETRY_AFTER_MS,
        }
    }
}

impl RetryPolicy {
    /// The upper bound of the jittered delay after `attempts` attempts (0 is treated
    /// as 1): `min(cap_ms, base_ms · 2^(attempts-1))`, without overflow.
    pub fn ceiling_ms(&self, attempts: u32) -> u64 {
        let exp = attempts.saturating_sub(1).min(63);
        self.base_ms.saturating_mul(1u64 << exp).min(self.cap_ms)
    }

    /// The delay before the next attempt. `jitter` is a uniform random number in
    /// `[0, 1]` from the caller (values outside are clamped, NaN counts as 0).
    pub fn delay_ms(&self, attempts: u32, jitter: f64, retry_after: Option<RetryAfter>) -> u64 {
        let ceiling = self.ceiling_ms(attempts);
        let j = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        // `as` saturates; the product never exceeds `ceiling` since j ≤ 1.
        let jittered = ((ceiling as f64) * j) as u64;
        let delay = jittered.min(ceiling).max(self.floor_ms.min(ceiling));
        match retry_after {
            Some(ra) => delay.max(ra.delay_ms.min(self.max_retry_after_ms)),
            None => delay,
        }
    }

    /// The furthest in the future a retry can ever be scheduled by this policy; used
    /// to notice a clock that jumped backwards.
    pub fn horizon_ms(&self) -> u64 {
        self.cap_ms.max(self.max_retry_after_ms)
    }
}

/// Turns a random `u32` (e.g. from `crypto.getRandomValues`) into a jitter in `[0, 1)`.
pub fn jitter_from_u32(r: u32) -> f64 {
    f64::from(r) / (f64::from(u32::MAX) + 1.0)
}
