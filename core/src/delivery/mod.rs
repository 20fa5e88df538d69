//! Delivery that never loses a response: the outbox and every decision about it.
//!
//! A customer answers once; whatever the network or the endpoint does, the answer
//! must reach the dealer exactly once. The browser layer persists the [`Outbox`] in
//! localStorage as JSON and runs the timers and the `fetch` calls; everything it
//! decides — what to send now, what an answer means, when to try again, what to
//! keep aside — is decided here, without a clock, randomness or I/O: time comes in
//! as `now_ms` (epoch milliseconds), randomness as a `jitter` in `[0, 1]`.
//!
//! # Exactly once
//!
//! *At least once* is the outbox's job: a response is removed only when its endpoint
//! confirmed it (2xx); until then it is stored, and retried forever with capped
//! backoff unless the endpoint refuses it for good (then it is kept aside, never
//! dropped silently). *At most once* is the endpoint's: each response carries its
//! own id and the collector stores an id once (a repeat of the same body gets 200
//! `"duplicate": true`), so a second POST of a response — after a timeout whose
//! request did arrive, or from a tab that took over a dead tab's lease — is
//! harmless. The leases below only keep such repeats rare.
//!
//! # Lifecycle of an entry
//!
//! ```text
//! enqueue ──▶ Pending ──due──▶ Sending ──record: 2xx──────────▶ removed (Recorded::Delivered)
//!               ▲                 │ ──record: 408/429/5xx/net──▶ Pending at now + backoff
//!               │                 │ ──record: 409/other 4xx───▶ Failed (kept, never retried)
//!               └── lease expired ┘    (tab died: another owner's `due` takes it over)
//! ```
//!
//! # Protocol for tabs sharing one stored outbox
//!
//! Every tab (more exactly, every page load: one driver per page, even with several
//! widgets) picks a random `owner` id. localStorage has no compare-and-swap, so a
//! claim is made by *compare after write*:
//!
//! 1. read the stored JSON, [`Outbox::from_json`];
//! 2. `let ids = outbox.due(now, owner, LEASE_MS)`; if empty, stop;
//! 3. store [`Outbox::to_json`];
//! 4. wait a moment (a few tens of milliseconds, so a concurrent writer's store
//!    lands), read the store again, and send only the ids for which the fresh copy's
//!    [`Outbox::confirm_lease`]`(id, owner, now)` holds — if two tabs claimed the
//!    same entry, the last write wins and only its writer sends;
//! 5. when a POST ends: read, [`Outbox::record`]`(id, owner, outcome, now, jitter)`,
//!    store; report the returned [`Recorded`].
//!
//! Each step that changes the outbox (enqueue, due, record, release) is one
//! read–modify–write with nothing awaited between the read and the write. Where the
//! browser has the Web Locks API (`navigator.locks.request`), holding a lock around
//! each read–modify–write makes step 4's check always pass; the lease still matters
//! then, for a tab that dies mid-send. Two tabs racing anyway cost at worst a
//! duplicate POST, which the endpoint absorbs.
//!
//! A racing write can also undo another tab's change. For a claim or a record that
//! only delays or repeats a send; for an enqueue it could lose an entry, so after
//! enqueueing, the tab keeps the response in memory and checks
//! [`Outbox::status`] on later reads: [`IdStatus::Unknown`] for an id it enqueued
//! means the entry was overwritten, and it enqueues it again.
//!
//! # Stored shape (version 1)
//!
//! ```json
//! {"version":1,
//!  "entries":[{"id":"0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e","endpoint":"/v1/responses",
//!              "body":"{\"format\":\"survey-response/1\",…}","created_ms":1700000000000,
//!              "attempts":1,"next_attempt_ms":1700000000000,"state":"sending",
//!              "last_error":null,"lease":{"owner":"tab-3f2a","until_ms":1700000030000}}],
//!  "delivered":[{"id":"…","at_ms":1699999990000}]}
//! ```
//!
//! `state` is `pending`, `sending` or `failed`; `lease` is non-null exactly for
//! `sending`. Unknown fields are refused by the strict reader, and kept aside by the
//! tolerant [`Outbox::from_json`].

mod backoff;
mod lease;
mod outcome;
mod queue;
mod retry_after;

pub use backoff::{jitter_from_u32, RetryPolicy};
pub use lease::Lease;
pub use outcome::{Outcome, Verdict};
pub use queue::{
    DeliveredMark, EnqueueError, Enqueued, Entry, EntryState, IdStatus, LoadError, Loaded,
    NewEntry, Outbox, OutboxConfig, Recorded, Skipped, OUTBOX_VERSION,
};
pub use retry_after::{format_http_date, parse_http_date, RetryAfter, MAX_RETRY_AFTER_MS};
