//! Login throttling per client address, in this process's memory (per account it is
//! in the database, so it holds across processes; see [`crate::store::accounts`]).
//!
//! A fixed window per address: at most [`MAX_FAILURES`] failed logins in
//! [`WINDOW`]; past that, every login from there is answered 429 until the window
//! ends. Pure over an explicit `now`, so it is tested without a clock.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Addresses remembered at most; the oldest windows are dropped past this.
const MAX_ADDRESSES: usize = 100_000;

#[derive(Default)]
pub struct Throttle {
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Throttle {
    /// `Err(seconds to wait)` when `addr` has used up its failures.
    pub fn check(&self, addr: IpAddr, now: Instant) -> Result<(), u64> {
        let windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match windows.get(&addr) {
            Some((start, n)) if *n >= MAX_FAILURES && now.duration_since(*start) < WINDOW => {
                Err((WINDOW - now.duration_since(*start)).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed login from `addr`.
    pub fn failed(&self, addr: IpAddr, now: Instant) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= MAX_ADDRESSES {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_stopped_then_let_go() {
        let t = Throttle::default();
        let (a, b): (IpAddr, IpAddr) = ([10, 0, 0, 1].into(), [10, 0, 0, 2].into());
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert!(t.check(a, start).is_ok());
            t.failed(a, start);
        }
        assert!(t.check(a, start).is_err());
        assert!(t.check(b, start).is_ok(), "another address is not affected");
        assert!(t.check(a, start + WINDOW).is_ok(), "the window ends");
    }
}
