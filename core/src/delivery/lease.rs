//! Who is sending an entry right now, and until when.

use serde::{Deserialize, Serialize};

/// A claim by one sender (a tab's widget driver) on one entry. It lets several tabs
/// that share one stored outbox avoid posting the same response at the same time,
/// and it runs out on its own, so an entry claimed by a tab that was closed or
/// crashed mid-send is taken over by another once `until_ms` has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lease {
    /// The sender's id: random per page load, so a reloaded tab is a new owner.
    pub owner: String,
    /// Epoch milliseconds after which the claim is void.
    pub until_ms: u64,
}

impl Lease {
    /// Still in force at `now_ms`.
    pub fn is_live(&self, now_ms: u64) -> bool {
        now_ms < self.until_ms
    }

    /// In force at `now_ms` and held by `owner`.
    pub fn held_by(&self, owner: &str, now_ms: u64) -> bool {
        self.owner == owner && self.is_live(now_ms)
    }

    /// In force at `now_ms` as far as a sender using `lease_ms` can tell. A lease
    /// ending further away than `lease_ms` can only come from a clock that has since
    /// jumped backwards: it counts as expired rather than blocking the entry that long.
    pub(crate) fn in_force(&self, now_ms: u64, lease_ms: u64) -> bool {
        self.is_live(now_ms) && self.until_ms <= now_ms.saturating_add(lease_ms)
    }

    /// In force, and for someone other than `owner`.
    pub(crate) fn blocks(&self, owner: &str, now_ms: u64, lease_ms: u64) -> bool {
        self.owner != owner && self.in_force(now_ms, lease_ms)
    }
}
