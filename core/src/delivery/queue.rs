//! The persisted outbox and every decision about its entries.

use super::backoff::RetryPolicy;
use super::lease::Lease;
use super::outcome::{Outcome, Verdict, NETWORK_ERROR_PREFIX, TIMEOUT_ERROR};
use crate::ids::ResponseId;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// The format version of a stored outbox. A stored outbox with another version is
/// refused by [`Outbox::from_json`] (and must then be left untouched in storage: it
/// belongs to a newer or older widget).
pub const OUTBOX_VERSION: u32 = 1;

/// Limits and timings of an outbox. Not stored: every page load brings its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxConfig {
    pub retry: RetryPolicy,
    /// [`Outbox::enqueue`] refuses an entry that would make [`Outbox::bytes`] exceed
    /// this (localStorage holds about 5 M characters per origin).
    pub max_bytes: usize,
    /// Failed entries kept for inspection; beyond this the oldest is dropped and
    /// handed back in [`Recorded::Failed::evicted`] so the caller can report it.
    pub max_failed: usize,
    /// At most this many entries are `Sending` for one owner at a time
    /// ([`Outbox::due`] hands out the rest later).
    pub max_in_flight: usize,
    /// Ids of delivered responses remembered, newest kept, so that enqueueing one
    /// again is recognised ([`Enqueued::AlreadyDelivered`]) and so a tab can tell
    /// "delivered" from "lost" ([`Outbox::status`]).
    pub max_delivered_marks: usize,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            max_bytes: 4_000_000,
            max_failed: 200,
            max_in_flight: 6,
            max_delivered_marks: 500,
        }
    }
}

/// The queue of responses not yet confirmed by their endpoint, as stored (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outbox {
    version: u32,
    entries: Vec<Entry>,
    #[serde(default)]
    delivered: Vec<DeliveredMark>,
    #[serde(skip)]
    config: OutboxConfig,
}

/// One response on its way to the dealer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: ResponseId,
    pub endpoint: String,
    /// The JSON to POST, exactly as first built: every attempt sends the same bytes,
    /// which is what lets the endpoint recognise a repeat (same id, same content).
    pub body: String,
    /// Extra request headers from the endpoint's configuration (public routing keys).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// The request timeout configured for this endpoint; `None`: the driver's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u32>,
    pub created_ms: u64,
    /// Attempts started (counted when [`Outbox::due`] hands the entry out).
    pub attempts: u32,
    /// Not to be sent before this time (epoch ms).
    pub next_attempt_ms: u64,
    pub state: EntryState,
    pub last_error: Option<String>,
    /// Present exactly when the state is `Sending`.
    pub lease: Option<Lease>,
}

/// Where an entry stands. Delivered entries are not a state: they are removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting for `next_attempt_ms`.
    Pending,
    /// Handed to a sender, under its lease.
    Sending,
    /// Refused for good (4xx other than 408/429, or 409): kept aside for inspection,
    /// never sent again automatically ([`Outbox::requeue_failed`] does it on request).
    Failed,
}

/// The id of a response known to be delivered, and when that was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveredMark {
    pub id: ResponseId,
    pub at_ms: u64,
}

/// What [`Outbox::enqueue`] needs; the rest is derived. Also what the browser's
/// second, durable copy (the journal) keeps of each response until it is delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    pub id: ResponseId,
    pub endpoint: String,
    pub body: String,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub timeout_ms: Option<u32>,
}

/// What [`Outbox::enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    Added,
    /// The id is already in the outbox; the stored entry is kept as it is.
    /// `same_body` is false when the new body differs (worth a warning: the stored,
    /// first-built body is the one that will be sent).
    AlreadyQueued {
        state: EntryState,
        same_body: bool,
    },
    /// The id was delivered already (remembered among the last
    /// [`OutboxConfig::max_delivered_marks`]); nothing is queued.
    AlreadyDelivered {
        at_ms: u64,
    },
}

/// Why [`Outbox::enqueue`] refused an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnqueueError {
    /// The outbox would exceed [`OutboxConfig::max_bytes`]; the caller should try to
    /// send this response directly, and say that it is not persisted.
    TooLarge { bytes: usize, max_bytes: usize },
}

impl fmt::Display for EnqueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnqueueError::TooLarge { bytes, max_bytes } => write!(
                f,
                "the outbox would hold {bytes} bytes, over its limit of {max_bytes}"
            ),
        }
    }
}

impl std::error::Error for EnqueueError {}

/// What [`Outbox::record`] did, for events (`survey:complete`, `survey:error`) and UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// The endpoint has it: the entry was removed and is handed back.
    Delivered { entry: Entry },
    /// Scheduled again.
    Retry {
        id: ResponseId,
        attempts: u32,
        delay_ms: u64,
        next_attempt_ms: u64,
        error: String,
    },
    /// Refused for good and kept aside. `evicted` are older failed entries dropped to
    /// stay within [`OutboxConfig::max_failed`]: report them (they are lost otherwise).
    Failed {
        id: ResponseId,
        error: String,
        status: Option<u16>,
        evicted: Vec<Entry>,
    },
    /// A failure reported by a sender that no longer holds the entry's lease (its
    /// lease ran out and another sender took over, or another already recorded the
    /// attempt). Nothing changed: the current holder decides.
    Stale { id: ResponseId, state: EntryState },
    /// No such entry (delivered and removed by another tab, or removed by hand).
    /// Nothing changed.
    Unknown { id: ResponseId },
}

/// What the outbox knows about one id ([`Outbox::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdStatus {
    Queued(EntryState),
    Delivered {
        at_ms: u64,
    },
    /// Neither queued nor remembered as delivered. For an id this tab enqueued and
    /// has not seen delivered, it means a concurrent write lost it: enqueue it again.
    Unknown,
}

/// A stored outbox that was read, and the parts of it that could not be.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub outbox: Outbox,
    /// Parts dropped while reading: report them and keep their `raw` text aside.
    pub skipped: Vec<Skipped>,
}

/// A part of a stored outbox that could not be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Which part: `entries[3]`, `delivered[0]`, `field "x"`.
    pub what: String,
    /// Its JSON text, to keep aside.
    pub raw: String,
    pub error: String,
}

/// Why a stored outbox could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// Not JSON, or not the shape of an outbox. Keep the raw text aside, report it,
    /// and start a new outbox.
    Unreadable(String),
    /// Written by a widget with another format version: leave it in storage
    /// untouched (another tab may be running that widget).
    UnsupportedVersion(u64),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Unreadable(e) => write!(f, "stored outbox is unreadable: {e}"),
            LoadError::UnsupportedVersion(v) => write!(
                f,
                "stored outbox has version {v}, this widget reads version {OUTBOX_VERSION}"
            ),
        }
    }
}

impl std::error::Error for LoadError {}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Outbox {
    /// An empty outbox with the default configuration.
    pub fn new() -> Self {
        Self {
            version: OUTBOX_VERSION,
            entries: Vec::new(),
            delivered: Vec::new(),
            config: OutboxConfig::default(),
        }
    }

    pub fn with_config(mut self, config: OutboxConfig) -> Self {
        self.config = config;
        self
    }

    pub fn set_config(&mut self, config: OutboxConfig) {
        self.config = config;
    }

    pub fn config(&self) -> &OutboxConfig {
        &self.config
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    /// All entries, in the order they were enqueued.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn get(&self, id: &ResponseId) -> Option<&Entry> {
        self.entries.iter().find(|e| &e.id == id)
    }

    /// Entries kept aside after a permanent failure.
    pub fn failed(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| e.state == EntryState::Failed)
    }

    /// Remembered deliveries, oldest first.
    pub fn delivered(&self) -> &[DeliveredMark] {
        &self.delivered
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries still to be delivered (pending or sending; not failed).
    pub fn undelivered(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.state != EntryState::Failed)
            .count()
    }

    pub fn status(&self, id: &ResponseId) -> IdStatus {
        if let Some(e) = self.get(id) {
            IdStatus::Queued(e.state)
        } else if let Some(m) = self.delivered.iter().find(|m| &m.id == id) {
            IdStatus::Delivered { at_ms: m.at_ms }
        } else {
            IdStatus::Unknown
        }
    }

    /// Reads a stored outbox, keeping whatever can be kept.
    ///
    /// * not JSON, not an object, no numeric `version`, no `entries` array →
    ///   [`LoadError::Unreadable`];
    /// * a `version` other than [`OUTBOX_VERSION`] → [`LoadError::UnsupportedVersion`];
    /// * otherwise every entry that reads is kept, and each one that does not (or
    ///   repeats an id already read, or is an unknown field) is listed in
    ///   [`Loaded::skipped`] with its raw JSON.
    ///
    /// A `Sending` entry without a lease becomes `Pending`; a lease on an entry that
    /// is not `Sending` is dropped. A key written twice (a hand-edited store) counts
    /// with its last value. The configuration is the default one.
    pub fn from_json(s: &str) -> Result<Loaded, LoadError> {
        // Read as a JSON value first, then into the outbox: the salvage below reads
        // entries from the value anyway, so the wasm carries one set of the outbox's
        // serde visitors (for `&Value`) instead of a second one for the JSON text
        // (about 14 KB before gzip).
        let value: Value =
            serde_json::from_str(s).map_err(|e| LoadError::Unreadable(format!("not JSON: {e}")))?;
        let mut loaded = match Outbox::deserialize(&value) {
            Ok(outbox) if outbox.version != OUTBOX_VERSION => {
                return Err(LoadError::UnsupportedVersion(outbox.version.into()))
            }
            Ok(outbox) => Loaded {
                outbox,
                skipped: Vec::new(),
            },
            Err(_) => Self::salvage(value)?,
        };
        loaded.outbox.normalize(&mut loaded.skipped);
        Ok(loaded)
    }

    /// The slow path of [`Outbox::from_json`]: piece by piece.
    fn salvage(value: Value) -> Result<Loaded, LoadError> {
        let Value::Object(mut map) = value else {
            return Err(LoadError::Unreadable("not a JSON object".into()));
        };
        let version = map
            .remove("version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| LoadError::Unreadable("no numeric \"version\"".into()))?;
        if version != u64::from(OUTBOX_VERSION) {
            return Err(LoadError::UnsupportedVersion(version));
        }
        let Some(Value::Array(raw_entries)) = map.remove("entries") else {
            return Err(LoadError::Unreadable("no \"entries\" array".into()));
        };
        let mut outbox = Outbox::new();
        let mut skipped = Vec::new();
        for (i, raw) in raw_entries.into_iter().enumerate() {
            match Entry::deserialize(&raw) {
                Ok(entry) if outbox.get(&entry.id).is_some() => skipped.push(Skipped {
                    what: format!("entries[{i}]"),
                    raw: raw.to_string(),
                    error: format!("repeats id {}", entry.id),
                }),
                Ok(entry) => outbox.entries.push(entry),
                Err(e) => skipped.push(Skipped {
                    what: format!("entries[{i}]"),
                    raw: raw.to_string(),
                    error: e.to_string(),
                }),
            }
        }
        match map.remove("delivered") {
            None => {}
            Some(Value::Array(marks)) => {
                for (i, raw) in marks.into_iter().enumerate() {
                    match DeliveredMark::deserialize(&raw) {
                        Ok(mark) => outbox.delivered.push(mark),
                        Err(e) => skipped.push(Skipped {
                            what: format!("delivered[{i}]"),
                            raw: raw.to_string(),
                            error: e.to_string(),
                        }),
                    }
                }
            }
            Some(other) => skipped.push(Skipped {
                what: "delivered".into(),
                raw: other.to_string(),
                error: "not an array".into(),
            }),
        }
        for (key, raw) in map {
            skipped.push(Skipped {
                what: format!("field {key:?}"),
                raw: raw.to_string(),
                error: "unknown field".into(),
            });
        }
        Ok(Loaded { outbox, skipped })
    }

    /// Restores the invariants a hand-edited or half-written store may break.
    fn normalize(&mut self, skipped: &mut Vec<Skipped>) {
        let mut kept: Vec<Entry> = Vec::with_capacity(self.entries.len());
        for (i, mut e) in std::mem::take(&mut self.entries).into_iter().enumerate() {
            if kept.iter().any(|k| k.id == e.id) {
                skipped.push(Skipped {
                    what: format!("entries[{i}]"),
                    raw: serde_json::to_string(&e).unwrap_or_default(),
                    error: format!("repeats id {}", e.id),
                });
                continue;
            }
            match (e.state, &e.lease) {
                (EntryState::Sending, None) => e.state = EntryState::Pending,
                (EntryState::Pending | EntryState::Failed, Some(_)) => e.lease = None,
                _ => {}
            }
            kept.push(e);
        }
        self.entries = kept;
    }

    /// The JSON to store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an outbox always serializes")
    }

    /// The exact length in bytes of [`Outbox::to_json`] (UTF-8; never fewer than the
    /// UTF-16 units localStorage counts), computed without building the string.
    pub fn bytes(&self) -> usize {
        struct Count(usize);
        impl std::io::Write for Count {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0 += buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut count = Count(0);
        serde_json::to_writer(&mut count, self).expect("an outbox always serializes");
        count.0
    }

    /// Queues a response, due at once. Idempotent on the id: an id already queued
    /// (in any state) or remembered as delivered is not queued again, and the stored
    /// entry is left exactly as it is.
    pub fn enqueue(&mut self, new: NewEntry, now_ms: u64) -> Result<Enqueued, EnqueueError> {
        if let Some(e) = self.get(&new.id) {
            return Ok(Enqueued::AlreadyQueued {
                state: e.state,
                same_body: e.body == new.body,
            });
        }
        if let Some(m) = self.delivered.iter().find(|m| m.id == new.id) {
            return Ok(Enqueued::AlreadyDelivered { at_ms: m.at_ms });
        }
        self.entries.push(Entry {
            id: new.id,
            endpoint: new.endpoint,
            body: new.body,
            headers: new.headers,
            timeout_ms: new.timeout_ms,
            created_ms: now_ms,
            attempts: 0,
            next_attempt_ms: now_ms,
            state: EntryState::Pending,
            last_error: None,
            lease: None,
        });
        let bytes = self.bytes();
        if bytes > self.config.max_bytes {
            self.entries.pop();
            return Err(EnqueueError::TooLarge {
                bytes,
                max_bytes: self.config.max_bytes,
            });
        }
        Ok(Enqueued::Added)
    }

    /// Claims the entries `owner` may send now, oldest first, marks them `Sending`
    /// under a lease `{owner, until_ms: now_ms + lease_ms}`, counts the attempt, and
    /// returns their ids.
    ///
    /// An entry is due when it is `Pending` (and not leased by another live owner),
    /// or `Sending` under a lease that has run out (its sender died mid-send: the
    /// POST may or may not have arrived, and sending it again is safe because the
    /// endpoint stores an id once); and its `next_attempt_ms` has come. At most
    /// [`OutboxConfig::max_in_flight`] entries are leased to one owner at a time.
    ///
    /// `lease_ms` must exceed the caller's request timeout by a margin (e.g. a 15 s
    /// timeout, a 30 s lease): a send outliving its lease may be taken over and sent
    /// twice — harmless to the count, since the endpoint deduplicates, but wasted.
    ///
    /// A `next_attempt_ms` or lease further ahead than any this policy could have set
    /// means the clock jumped backwards; such an entry is due now rather than stuck.
    ///
    /// The claim is only real once it is stored and read back: see the protocol in
    /// the [module documentation](super) and [`Outbox::confirm_lease`].
    pub fn due(&mut self, now_ms: u64, owner: &str, lease_ms: u64) -> Vec<ResponseId> {
        let horizon = now_ms.saturating_add(self.config.retry.horizon_ms());
        let held = self
            .entries
            .iter()
            .filter(|e| {
                e.state == EntryState::Sending
                    && e.lease
                        .as_ref()
                        .is_some_and(|l| l.owner == owner && l.in_force(now_ms, lease_ms))
            })
            .count();
        let room = self.config.max_in_flight.saturating_sub(held);
        let mut picks: Vec<usize> = (0..self.entries.len())
            .filter(|&i| {
                let e = &self.entries[i];
                let time_come = e.next_attempt_ms <= now_ms || e.next_attempt_ms > horizon;
                let free = match e.state {
                    EntryState::Pending => !e
                        .lease
                        .as_ref()
                        .is_some_and(|l| l.blocks(owner, now_ms, lease_ms)),
                    EntryState::Sending => !e
                        .lease
                        .as_ref()
                        .is_some_and(|l| l.in_force(now_ms, lease_ms)),
                    EntryState::Failed => false,
                };
                time_come && free
            })
            .collect();
        picks.sort_by(|&a, &b| {
            let (a, b) = (&self.entries[a], &self.entries[b]);
            (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id))
        });
        picks.truncate(room);
        let until_ms = now_ms.saturating_add(lease_ms);
        picks
            .into_iter()
            .map(|i| {
                let e = &mut self.entries[i];
                e.state = EntryState::Sending;
                e.attempts = e.attempts.saturating_add(1);
                e.lease = Some(Lease {
                    owner: owner.to_string(),
                    until_ms,
                });
                e.id.clone()
            })
            .collect()
    }

    /// True when `owner` holds a live lease on `id`: the check after re-reading the
    /// store, just before sending. Send only what this confirms.
    pub fn confirm_lease(&self, id: &ResponseId, owner: &str, now_ms: u64) -> bool {
        self.get(id).is_some_and(|e| {
            e.state == EntryState::Sending
                && e.lease.as_ref().is_some_and(|l| l.held_by(owner, now_ms))
        })
    }

    /// Gives back a lease without an outcome (the page is being hidden or closed
    /// before the send started), so another tab can send the entry at once. Returns
    /// whether `owner` held it. The attempt stays counted.
    pub fn release(&mut self, id: &ResponseId, owner: &str) -> bool {
        match self.entries.iter_mut().find(|e| &e.id == id) {
            Some(e)
                if e.state == EntryState::Sending
                    && e.lease.as_ref().is_some_and(|l| l.owner == owner) =>
            {
                e.state = EntryState::Pending;
                e.lease = None;
                true
            }
            _ => false,
        }
    }

    /// Applies the outcome of `owner`'s attempt to send `id`, observed at `now_ms`;
    /// `jitter` is a uniform random number in `[0, 1]`.
    ///
    /// * delivered (2xx) → the entry is removed and returned, its id remembered;
    ///   this is honoured from anyone, in any state: the endpoint has the response;
    /// * retry (408, 429, 5xx, network, timeout) → `Pending` again, not before
    ///   `now_ms + delay` ([`RetryPolicy::delay_ms`], honouring `Retry-After`);
    /// * permanent (409, other 4xx) → `Failed`, kept aside with the reason; the
    ///   oldest failed entries beyond [`OutboxConfig::max_failed`] are evicted and
    ///   returned.
    ///
    /// A failure is applied only for the sender holding the entry's lease (even if it
    /// ran out, as long as nobody took over); anyone else's is [`Recorded::Stale`].
    pub fn record(
        &mut self,
        id: &ResponseId,
        owner: &str,
        outcome: &Outcome,
        now_ms: u64,
        jitter: f64,
    ) -> Recorded {
        let Some(i) = self.entries.iter().position(|e| &e.id == id) else {
            return Recorded::Unknown { id: id.clone() };
        };
        let verdict = outcome.verdict();
        if verdict == Verdict::Delivered {
            let entry = self.entries.remove(i);
            self.remember_delivered(entry.id.clone(), now_ms);
            return Recorded::Delivered { entry };
        }
        let policy = self.config.retry;
        let e = &mut self.entries[i];
        let holder =
            e.state == EntryState::Sending && e.lease.as_ref().is_some_and(|l| l.owner == owner);
        if !holder {
            return Recorded::Stale {
                id: id.clone(),
                state: e.state,
            };
        }
        e.lease = None;
        match verdict {
            Verdict::Delivered => unreachable!("handled above"),
            Verdict::Retry { error, retry_after } => {
                let delay_ms = policy.delay_ms(e.attempts, jitter, retry_after);
                e.state = EntryState::Pending;
                e.next_attempt_ms = now_ms.saturating_add(delay_ms);
                e.last_error = Some(error.clone());
                Recorded::Retry {
                    id: id.clone(),
                    attempts: e.attempts,
                    delay_ms,
                    next_attempt_ms: e.next_attempt_ms,
                    error,
                }
            }
            Verdict::Permanent { error, status } => {
                e.state = EntryState::Failed;
                e.last_error = Some(error.clone());
                Recorded::Failed {
                    id: id.clone(),
                    error,
                    status,
                    evicted: self.evict_failed(),
                }
            }
        }
    }

    /// Drops the oldest failed entries beyond the limit, and returns them.
    fn evict_failed(&mut self) -> Vec<Entry> {
        let mut evicted = Vec::new();
        while self.failed().count() > self.config.max_failed {
            let oldest = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.state == EntryState::Failed)
                .min_by_key(|(_, e)| e.created_ms)
                .map(|(i, _)| i);
            match oldest {
                Some(i) => evicted.push(self.entries.remove(i)),
                None => break,
            }
        }
        evicted
    }

    fn remember_delivered(&mut self, id: ResponseId, at_ms: u64) {
        self.delivered.retain(|m| m.id != id);
        self.delivered.push(DeliveredMark { id, at_ms });
        let excess = self
            .delivered
            .len()
            .saturating_sub(self.config.max_delivered_marks);
        self.delivered.drain(..excess);
    }

    /// Milliseconds from `now_ms` until something may become due (0: now), or `None`
    /// when nothing is waiting (empty, or only failed entries). Sending entries count
    /// at their lease's end, when they could be taken over.
    ///
    /// Other tabs change the store too: also run [`Outbox::due`] on the `storage`
    /// and `online` events, and cap the timer (e.g. at 60 s) as a heartbeat.
    pub fn next_wake(&self, now_ms: u64) -> Option<u64> {
        let horizon = now_ms.saturating_add(self.config.retry.horizon_ms());
        self.entries
            .iter()
            .filter_map(|e| match e.state {
                EntryState::Pending => Some(e.next_attempt_ms),
                EntryState::Sending => Some(e.lease.as_ref().map_or(now_ms, |l| l.until_ms)),
                EntryState::Failed => None,
            })
            .map(|at| if at > horizon { now_ms } else { at })
            .min()
            .map(|at| at.saturating_sub(now_ms))
    }

    /// Makes pending entries whose last attempt found no network (a network error or a
    /// timeout, as [`Outcome::verdict`] words them) due now; returns how many. Call it
    /// when connectivity may have come back: the `online` event, a new page load
    /// (a kiosk powered up again). Their backoff measured our own connection, which
    /// has changed; entries the endpoint asked to wait (429/503 `Retry-After`, 5xx)
    /// keep their time.
    pub fn expedite_network_failures(&mut self, now_ms: u64) -> usize {
        let mut n = 0;
        for e in &mut self.entries {
            let offline = e
                .last_error
                .as_deref()
                .is_some_and(|err| err.starts_with(NETWORK_ERROR_PREFIX) || err == TIMEOUT_ERROR);
            if e.state == EntryState::Pending && offline && e.next_attempt_ms > now_ms {
                e.next_attempt_ms = now_ms;
                n += 1;
            }
        }
        n
    }

    /// Puts a failed entry back in the queue, due at once with a fresh attempt count
    /// (an operator's decision, never automatic). Returns whether it was failed.
    pub fn requeue_failed(&mut self, id: &ResponseId, now_ms: u64) -> bool {
        match self.entries.iter_mut().find(|e| &e.id == id) {
            Some(e) if e.state == EntryState::Failed => {
                e.state = EntryState::Pending;
                e.attempts = 0;
                e.next_attempt_ms = now_ms;
                true
            }
            _ => false,
        }
    }

    /// Removes an entry whatever its state (e.g. a failed one an operator has dealt
    /// with) and returns it.
    pub fn remove(&mut self, id: &ResponseId) -> Option<Entry> {
        let i = self.entries.iter().position(|e| &e.id == id)?;
        Some(self.entries.remove(i))
    }
}
