//! The browser driver over [`survey_core::delivery::Outbox`]: a response is written to
//! the device before any network attempt, and sent until its endpoint confirms it.
//!
//! **Why localStorage** (and not IndexedDB): each change to the outbox is one
//! synchronous read–modify–write with nothing awaited between the read and the write,
//! which is what the tab protocol in [`survey_core::delivery`] relies on; IndexedDB
//! only offers asynchronous transactions. localStorage is also shared by every tab of
//! the origin (its `storage` event tells the others that something changed) and
//! survives a reload, a closed tab and a power loss. The whole outbox is one JSON value
//! under [`KEY`].
//!
//! One driver per page load (a thread-local singleton, whatever the number of
//! widgets), with a random owner id. It flushes on start, on the `online` and
//! `storage` events, and on a timer set from [`Outbox::next_wake`] (at most 60 s);
//! on `pagehide` it gives back its leases and sends what is due with
//! `fetch(…, {keepalive: true})`.

use crate::services::browser;
use crate::services::delivery::{self, js_message, Request};
use crate::services::events::{emit, ErrorDetail};
use crate::services::journal;
use gloo::timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use survey_core::delivery::{
    jitter_from_u32, Entry, EntryState, IdStatus, LoadError, NewEntry, Outbox, Outcome, Recorded,
};
use survey_core::endpoint::{Endpoint, DEFAULT_TIMEOUT_MS};
use survey_core::{ResponseId, ResponsePayload};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The localStorage key holding the outbox (JSON, [`Outbox::to_json`]).
pub const KEY: &str = "survey-widget:outbox";
/// How much longer a claim on an entry lasts than the longest request timeout of
/// the outbox's entries (the default timeout is 15 s: a 30 s lease).
const LEASE_MARGIN_MS: u64 = 15_000;
/// The longest the driver sleeps: a heartbeat even when nothing seems due.
const MAX_WAKE_MS: u64 = 60_000;
/// The shortest timer, so an entry that is due but cannot be claimed is no busy loop.
const MIN_WAKE_MS: u64 = 100;
/// The pause between storing a claim and reading it back (step 4 of the protocol).
const CONFIRM_DELAY_MS: i32 = 50;
/// The browser's budget for the bodies of all keepalive requests in flight.
const KEEPALIVE_BUDGET: usize = 64 * 1024;

/// localStorage cannot hold the outbox (private mode, quota, disabled, an outbox
/// written by another version of the widget): the caller posts directly instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageUnavailable(pub String);

impl fmt::Display for StorageUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the outbox cannot be stored on this device: {}", self.0)
    }
}

/// What [`enqueue`] did with a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// It is in the outbox (newly, or already from an earlier attempt).
    Queued,
    /// The outbox remembers it as delivered already: nothing more to do.
    AlreadyDelivered,
}

/// How this page's first attempt at a response ended, for what the customer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstAttempt {
    Delivered,
    /// Refused for good (4xx, with its status): kept aside, never sent again.
    Refused(Option<u16>),
    /// Not delivered yet (network, timeout, 5xx, 429): the outbox keeps trying.
    NotYet,
}

type Watcher = Box<dyn FnOnce(FirstAttempt)>;

struct Driver {
    owner: String,
    storage: web_sys::Storage,
    /// Responses this page enqueued and has not seen delivered, with their entry, so
    /// one lost to a racing write of another tab is enqueued again.
    mine: RefCell<Vec<NewEntry>>,
    /// Called once with the outcome (delivered or not) of this page's first attempt.
    watchers: RefCell<Vec<(ResponseId, Watcher)>>,
    timer: RefCell<Option<Timeout>>,
    started: Cell<bool>,
    /// Where the widgets of this page want `survey:error` for a refused response.
    reporters: RefCell<Vec<web_sys::EventTarget>>,
}

thread_local! {
    static DRIVER: RefCell<Option<Rc<Driver>>> = const { RefCell::new(None) };
}

/// The page's driver, made on first use; `None` without usable localStorage.
fn driver() -> Result<Rc<Driver>, StorageUnavailable> {
    if let Some(d) = DRIVER.with(|d| d.borrow().clone()) {
        return Ok(d);
    }
    let window = web_sys::window().ok_or_else(|| StorageUnavailable("no window".into()))?;
    let storage = window
        .local_storage()
        .map_err(|e| StorageUnavailable(js_message(&e)))?
        .ok_or_else(|| StorageUnavailable("localStorage is disabled".into()))?;
    // Private modes may expose a storage that throws on the first write.
    let probe = format!("{KEY}:probe");
    storage
        .set_item(&probe, "1")
        .map_err(|e| StorageUnavailable(js_message(&e)))?;
    let _ = storage.remove_item(&probe);
    let d = Rc::new(Driver {
        owner: format!("tab-{}", random_hex()),
        storage,
        mine: RefCell::new(Vec::new()),
        watchers: RefCell::new(Vec::new()),
        timer: RefCell::new(None),
        started: Cell::new(false),
        reporters: RefCell::new(Vec::new()),
    });
    DRIVER.with(|slot| *slot.borrow_mut() = Some(d.clone()));
    Ok(d)
}

/// Starts the page's driver once (listeners, and a first flush for whatever an
/// earlier page load left in the outbox). Called by every widget, with where it wants
/// refusals reported; cheap after the first.
pub fn start(events: Option<web_sys::EventTarget>) {
    let Ok(d) = driver() else { return };
    if let Some(target) = events {
        d.reporters.borrow_mut().push(target);
    }
    if d.started.replace(true) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_online = Closure::<dyn FnMut()>::new(reconnected);
    let on_storage =
        Closure::<dyn FnMut(web_sys::StorageEvent)>::new(|e: web_sys::StorageEvent| {
            // `key` is null when another tab cleared the whole storage.
            if e.key().is_none_or(|k| k == KEY) {
                flush();
            }
        });
    let on_pagehide = Closure::<dyn FnMut()>::new(pagehide);
    for (name, f) in [
        ("online", on_online.as_ref()),
        ("storage", on_storage.as_ref()),
        ("pagehide", on_pagehide.as_ref()),
    ] {
        let _ = window.add_event_listener_with_callback(name, f.unchecked_ref());
    }
    // The driver lives as long as the page.
    on_online.forget();
    on_storage.forget();
    on_pagehide.forget();
    wasm_bindgen_futures::spawn_local(async {
        restore_from_journal().await;
        reconnected();
    });
}

/// Writes a response to the outbox, then to the durable journal, before any network
/// attempt; resolves once both are written. Idempotent on the response id. Call
/// [`flush`] afterwards.
pub async fn enqueue(
    endpoint: &Endpoint,
    payload: &ResponsePayload,
) -> Result<Stored, StorageUnavailable> {
    let new = endpoint.entry(payload);
    let stored = enqueue_entry(new.clone())?;
    if stored == Stored::Queued {
        if let Err(e) = journal::put(&new).await {
            browser::console_warn(&format!(
                "response {}: no durable copy in IndexedDB ({e}); it is in localStorage only",
                new.id
            ));
        }
    }
    Ok(stored)
}

fn enqueue_entry(new: NewEntry) -> Result<Stored, StorageUnavailable> {
    let d = driver()?;
    let now = now_ms();
    let result = d.modify(|ob| match ob.enqueue(new.clone(), now) {
        Ok(survey_core::delivery::Enqueued::Added) => (Ok(Stored::Queued), true),
        Ok(survey_core::delivery::Enqueued::AlreadyQueued { .. }) => (Ok(Stored::Queued), false),
        Ok(survey_core::delivery::Enqueued::AlreadyDelivered { .. }) => {
            (Ok(Stored::AlreadyDelivered), false)
        }
        Err(e) => (Err(StorageUnavailable(e.to_string())), false),
    })??;
    if result == Stored::Queued {
        let mut mine = d.mine.borrow_mut();
        if !mine.iter().any(|m| m.id == new.id) {
            mine.push(new);
        }
    }
    Ok(result)
}

/// Puts back what the outbox lost (a power cut before localStorage reached the disk)
/// from the journal, and forgets journal records of delivered responses.
async fn restore_from_journal() {
    let entries = match journal::all().await {
        Ok(e) => e,
        Err(e) => return browser::console_warn(&format!("journal not readable: {e}")),
    };
    let Ok(d) = driver() else { return };
    let Ok(outbox) = d.load() else { return };
    for entry in entries {
        match outbox.status(&entry.id) {
            IdStatus::Queued(_) => {}
            IdStatus::Delivered { .. } => {
                let _ = journal::remove(&entry.id).await;
            }
            IdStatus::Unknown => {
                browser::console_warn(&format!(
                    "response {} was missing from the outbox; restored from the journal",
                    entry.id
                ));
                if let Err(e) = enqueue_entry(entry) {
                    browser::console_error(&e.to_string());
                }
            }
        }
    }
}

/// Connectivity may be back (a new page load, the `online` event): what failed for
/// want of a network is due now, then everything due is sent.
fn reconnected() {
    if let Ok(d) = driver() {
        let now = now_ms();
        let _ = d.modify(|ob| ((), ob.expedite_network_failures(now) > 0));
    }
    flush();
}

/// How many responses the endpoint refused on this device, purged or not: a number
/// only, for the kiosk's staff menu.
const REFUSED_KEY: &str = "survey-widget:refused";

/// A kiosk between two customers (issue 14): every refused response is removed from
/// localStorage (the outbox and any copy kept aside) and from the IndexedDB journal,
/// so nothing of a customer stays on a shared device; only their count is kept, for
/// the staff. Queued responses stay until delivered, when the outbox drops them.
pub fn purge_refused() {
    let Ok(d) = driver() else { return };
    let refused = d.modify(|ob| {
        let ids: Vec<ResponseId> = ob.failed().map(|e| e.id.clone()).collect();
        for id in &ids {
            ob.remove(id);
        }
        let changed = !ids.is_empty();
        (ids, changed)
    });
    let Ok(refused) = refused else { return };
    let aside: Vec<String> = (0..d.storage.length().unwrap_or(0))
        .filter_map(|i| d.storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(&format!("{KEY}:aside:")))
        .collect();
    for k in aside {
        let _ = d.storage.remove_item(&k);
    }
    if refused.is_empty() {
        return;
    }
    let total = stored_refused(&d) + refused.len() as u32;
    let _ = d.storage.set_item(REFUSED_KEY, &total.to_string());
    wasm_bindgen_futures::spawn_local(async move {
        for id in refused {
            if let Err(e) = journal::remove(&id).await {
                browser::console_warn(&format!("journal: {e}"));
            }
        }
    });
}

/// Set while the collector's last receipt said this kiosk's device key was not
/// accepted (collector/src/kiosks.rs), for the staff menu; static/kiosk.js clears it
/// when the tablet is paired with a new key. Device state, not a customer's: no reset
/// clears it.
const KIOSK_KEY_REFUSED: &str = "survey-widget:kiosk-device:refused";

/// Records whether the collector refused the kiosk key a response was sent with
/// (`X-Kiosk-Key-Status`); the response was stored all the same.
pub fn note_kiosk_key(refused: bool) {
    let Ok(d) = driver() else { return };
    let _ = if refused {
        d.storage.set_item(KIOSK_KEY_REFUSED, "1")
    } else {
        d.storage.remove_item(KIOSK_KEY_REFUSED)
    };
}

/// The collector's last receipt said this kiosk's key is not accepted.
pub fn kiosk_key_refused() -> bool {
    driver().is_ok_and(|d| {
        d.storage
            .get_item(KIOSK_KEY_REFUSED)
            .ok()
            .flatten()
            .is_some()
    })
}

fn stored_refused(d: &Driver) -> u32 {
    d.storage
        .get_item(REFUSED_KEY)
        .ok()
        .flatten()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Responses refused on this device: purged ones and those still kept aside.
pub fn refused_count() -> u32 {
    let Ok(d) = driver() else { return 0 };
    let waiting = d.load().map_or(0, |ob| ob.failed().count() as u32);
    stored_refused(&d) + waiting
}

/// Calls `f` once with how this page's first attempt at sending `id` ended.
pub fn watch(id: &ResponseId, f: impl FnOnce(FirstAttempt) + 'static) {
    if let Ok(d) = driver() {
        d.watchers.borrow_mut().push((id.clone(), Box::new(f)));
    }
}

/// The browser's idea of connectivity (`navigator.onLine`; true when unknown).
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Sends whatever is due now, in the background.
pub fn flush() {
    if let Ok(d) = driver() {
        wasm_bindgen_futures::spawn_local(d.flush());
    }
}

impl Driver {
    /// Reads the stored outbox. An unreadable one is kept aside under another key
    /// and replaced by an empty one; one of another version is left alone (error).
    fn load(&self) -> Result<Outbox, StorageUnavailable> {
        let raw = self
            .storage
            .get_item(KEY)
            .map_err(|e| StorageUnavailable(js_message(&e)))?;
        let Some(raw) = raw else {
            return Ok(Outbox::new());
        };
        match Outbox::from_json(&raw) {
            Ok(loaded) => {
                for s in loaded.skipped {
                    browser::console_error(&format!(
                        "outbox: {} could not be read ({}), kept aside: {}",
                        s.what, s.error, s.raw
                    ));
                    self.aside(&s.raw);
                }
                Ok(loaded.outbox)
            }
            Err(LoadError::Unreadable(e)) => {
                browser::console_error(&format!("outbox unreadable ({e}); kept aside"));
                self.aside(&raw);
                Ok(Outbox::new())
            }
            Err(e @ LoadError::UnsupportedVersion(_)) => Err(StorageUnavailable(e.to_string())),
        }
    }

    fn aside(&self, raw: &str) {
        let key = format!("{KEY}:aside:{}", now_ms());
        let _ = self.storage.set_item(&key, raw);
    }

    /// One read–modify–write: nothing is awaited between the read and the write.
    /// `f` says whether it changed the outbox; unchanged, nothing is written.
    fn modify<R>(&self, f: impl FnOnce(&mut Outbox) -> (R, bool)) -> Result<R, StorageUnavailable> {
        let mut outbox = self.load()?;
        let (result, changed) = f(&mut outbox);
        if changed {
            self.storage
                .set_item(KEY, &outbox.to_json())
                .map_err(|e| StorageUnavailable(js_message(&e)))?;
        }
        Ok(result)
    }

    /// Enqueues again what this page enqueued and a racing write lost; forgets what
    /// has been delivered. Returns whether the outbox changed.
    fn restore_lost(&self, outbox: &mut Outbox, now: u64) -> bool {
        let mut changed = false;
        self.mine
            .borrow_mut()
            .retain(|m| match outbox.status(&m.id) {
                IdStatus::Queued(_) => true,
                IdStatus::Delivered { .. } => false,
                IdStatus::Unknown => {
                    browser::console_warn(&format!(
                        "outbox: response {} was lost by a concurrent write; queued again",
                        m.id
                    ));
                    changed |= outbox.enqueue(m.clone(), now).is_ok();
                    true
                }
            });
        changed
    }

    async fn flush(self: Rc<Self>) {
        if !is_online() {
            // Nothing to gain from attempts now; the `online` event flushes.
            self.arm(MAX_WAKE_MS);
            return;
        }
        let now = now_ms();
        let claimed = self.modify(|ob| {
            let restored = self.restore_lost(ob, now);
            let ids = ob.due(now, &self.owner, lease_ms(ob));
            let changed = restored || !ids.is_empty();
            (ids, changed)
        });
        let ids = match claimed {
            Ok(ids) => ids,
            Err(e) => return browser::console_error(&e.to_string()),
        };
        if ids.is_empty() {
            return self.reschedule();
        }
        // Let a concurrent writer's claim land, then send only what is still ours.
        let _ = sleep(CONFIRM_DELAY_MS).await;
        let Ok(fresh) = self.load() else { return };
        let now = now_ms();
        for id in ids {
            if fresh.confirm_lease(&id, &self.owner, now) {
                if let Some(entry) = fresh.get(&id).cloned() {
                    wasm_bindgen_futures::spawn_local(self.clone().send(entry));
                }
            }
        }
        // Each load parses the whole outbox: wake from this copy, not another read.
        self.wake_in(fresh.next_wake(now));
    }

    async fn send(self: Rc<Self>, entry: Entry) {
        let outcome = delivery::send(&Request::from(&entry)).await;
        let now = now_ms();
        let jitter = jitter_from_u32(random_u32());
        let mut next_wake = None;
        let recorded = self.modify(|ob| {
            let r = ob.record(&entry.id, &self.owner, &outcome, now, jitter);
            let changed = !matches!(r, Recorded::Stale { .. } | Recorded::Unknown { .. });
            next_wake = ob.next_wake(now);
            (r, changed)
        });
        let recorded_ok = recorded.is_ok();
        let first = match recorded {
            Ok(Recorded::Delivered { .. }) => {
                self.mine.borrow_mut().retain(|m| m.id != entry.id);
                if let Err(e) = journal::remove(&entry.id).await {
                    browser::console_warn(&format!("journal: {e}"));
                }
                FirstAttempt::Delivered
            }
            Ok(Recorded::Retry {
                attempts,
                delay_ms,
                error,
                ..
            }) => {
                browser::console_warn(&format!(
                    "response {} not delivered yet (attempt {attempts}: {error}); next attempt in {delay_ms} ms",
                    entry.id
                ));
                FirstAttempt::NotYet
            }
            Ok(Recorded::Failed {
                error,
                evicted,
                status,
                ..
            }) => {
                let message = format!(
                    "response {} refused by {} ({error}); kept aside in localStorage[\"{KEY}\"], not retried",
                    entry.id, entry.endpoint
                );
                browser::console_error(&message);
                self.report(&message, &entry.id);
                for e in evicted {
                    browser::console_error(&format!(
                        "outbox full of refused responses: dropped {} ({}): {}",
                        e.id,
                        e.last_error.unwrap_or_default(),
                        e.body
                    ));
                }
                FirstAttempt::Refused(status)
            }
            Ok(Recorded::Stale { .. } | Recorded::Unknown { .. }) => FirstAttempt::NotYet,
            Err(e) => {
                browser::console_error(&e.to_string());
                FirstAttempt::NotYet
            }
        };
        self.notify(&entry.id, first);
        if recorded_ok {
            self.wake_in(next_wake);
        } else {
            self.reschedule();
        }
    }

    /// `survey:error` on every widget of the page (on `window` when none asked).
    fn report(&self, message: &str, id: &ResponseId) {
        let detail = ErrorDetail {
            message,
            response: Some(id.as_str()),
        };
        let reporters = self.reporters.borrow().clone();
        if reporters.is_empty() {
            let window = web_sys::window().map(web_sys::EventTarget::from);
            emit(window.as_ref(), "survey:error", &detail);
        }
        for target in &reporters {
            emit(Some(target), "survey:error", &detail);
        }
    }

    fn notify(&self, id: &ResponseId, first: FirstAttempt) {
        let ready: Vec<Watcher> = {
            let mut watchers = self.watchers.borrow_mut();
            let (ready, rest) = watchers.drain(..).partition(|(w, _)| w == id);
            *watchers = rest;
            ready.into_iter().map(|(_, f)| f).collect()
        };
        for f in ready {
            f(first);
        }
    }

    /// Sets the timer from the stored outbox's next wake.
    fn reschedule(self: &Rc<Self>) {
        let Ok(outbox) = self.load() else { return };
        self.wake_in(outbox.next_wake(now_ms()));
    }

    /// Sets the timer to `next_wake` ([`Outbox::next_wake`]), or clears it for `None`.
    fn wake_in(self: &Rc<Self>, next_wake: Option<u64>) {
        match next_wake {
            Some(ms) => self.arm(ms.clamp(MIN_WAKE_MS, MAX_WAKE_MS)),
            None => {
                self.timer.borrow_mut().take();
            }
        }
    }

    fn arm(self: &Rc<Self>, ms: u64) {
        let this = self.clone();
        let timer = Timeout::new(ms as u32, move || {
            wasm_bindgen_futures::spawn_local(this.flush());
        });
        // Replacing the old timer cancels it.
        *self.timer.borrow_mut() = Some(timer);
    }
}

/// `pagehide`: give back this page's leases so another tab can send at once, and send
/// what is due with `keepalive` so it may still arrive after the page is gone. These
/// sends are not claimed: the next flush (here after a back-forward restore, in
/// another tab, or on the next load) may repeat one, which the endpoint absorbs.
fn pagehide() {
    let Ok(d) = driver() else { return };
    d.timer.borrow_mut().take();
    let now = now_ms();
    let due = d.modify(|ob| {
        let mine: Vec<ResponseId> = ob
            .entries()
            .iter()
            .filter(|e| {
                e.state == EntryState::Sending
                    && e.lease.as_ref().is_some_and(|l| l.owner == d.owner)
            })
            .map(|e| e.id.clone())
            .collect();
        let released = mine
            .iter()
            .fold(false, |acc, id| ob.release(id, &d.owner) | acc);
        let due: Vec<Entry> = ob
            .entries()
            .iter()
            .filter(|e| e.state == EntryState::Pending && e.next_attempt_ms <= now)
            .cloned()
            .collect();
        (due, released)
    });
    let Ok(due) = due else { return };
    if !is_online() {
        return;
    }
    let mut budget = KEEPALIVE_BUDGET;
    for entry in due {
        if entry.body.len() > budget {
            continue;
        }
        budget -= entry.body.len();
        let Some(promise) = delivery::start(&Request::from(&entry), None, true) else {
            continue;
        };
        // If the page lives on (back-forward cache), a confirmation is recorded.
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(resp) = JsFuture::from(promise).await {
                let ok = resp.dyn_into::<web_sys::Response>().is_ok_and(|r| r.ok());
                if let (true, Ok(d)) = (ok, driver()) {
                    let _ = d.modify(|ob| {
                        let r = ob.record(&entry.id, &d.owner, &Outcome::Delivered, now_ms(), 0.0);
                        ((), matches!(r, Recorded::Delivered { .. }))
                    });
                }
            }
        });
    }
}

/// A lease outlasts the longest request timeout of the outbox's entries.
fn lease_ms(outbox: &Outbox) -> u64 {
    let longest = outbox
        .entries()
        .iter()
        .map(|e| e.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS))
        .max()
        .unwrap_or(DEFAULT_TIMEOUT_MS);
    u64::from(longest) + LEASE_MARGIN_MS
}

fn sleep(ms: i32) -> JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    JsFuture::from(promise)
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No crypto: Math.random is good enough for jitter and a tab id.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

fn random_u32() -> u32 {
    u32::from_le_bytes(random_bytes::<4>())
}

fn random_hex() -> String {
    random_bytes::<8>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
