// The survey origin's service worker: delivers responses that a page queued and could
// not send (collector down, network lost) after the page is gone.
//
// Why: the widget's outbox (localStorage) drains only while a page of the origin is
// open, so a QR customer who submits while the endpoint is down and closes the tab
// would be sent only if they came back. A service worker outlives the page.
//
// What it reads: the widget's durable journal (IndexedDB "survey-widget", store
// "journal"): one record per queued response, `{id, endpoint, body, headers,
// timeout_ms}` as JSON text (src/services/journal.rs), written before the customer is
// thanked and removed by whichever side sees the endpoint confirm the response.
//
// Exactly once, shared with the pages (core/src/delivery/mod.rs): *at least once*
// because a record leaves the journal only after a 2xx; *at most once* because the
// collector stores an id once (a repeat gets 200 "duplicate"), so this worker and a
// page sending the same response at the same moment cost one extra POST, not a second
// row. To keep such repeats rare the worker (1) looks a record up again right before
// sending it (a page that delivered it has removed it), (2) waits a moment after being
// woken while a page may be sending, and (3) runs one drain at a time, under the Web
// Lock "survey-widget:sw-drain" where the browser has Web Locks. The page's own
// localStorage outbox still lists a response this worker delivered; the page's next
// send of it gets "duplicate" and removes it.
//
// When it runs:
// - `sync` (Background Sync, Chromium): the pages register the tag below when they
//   are hidden; the browser fires it when online, also with no page open, and fires
//   it again later (with its own backoff) when this handler reports failure.
// - `message` "drain" from a page: on every page load of the origin (the "next visit"
//   where there is no Background Sync) and on `pagehide`.
// Within one event it keeps trying, with capped backoff, for DRAIN_BUDGET_MS (the
// browser ends an event after a few minutes), then reports failure for a later retry.
//
// Refused for good (4xx other than 408/429): left in the journal for the page, whose
// outbox keeps it aside and reports it (the worker has no UI and decides nothing).

const DB = 'survey-widget';
const STORE = 'journal';
const SYNC_TAG = 'survey-widget:outbox';
const DRAIN_BUDGET_MS = 150000;
const SETTLE_MS = 2000;
const MAX_PAUSE_MS = 15000;
const DEFAULT_TIMEOUT_MS = 15000;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(drainOrFail());
});

self.addEventListener('message', (event) => {
  if (event.data === 'drain') event.waitUntil(drainOrFail().catch(() => {}));
});

/** Drains; rejects when something is still undelivered, so Background Sync retries. */
async function drainOrFail() {
  const left = await exclusive(() => drain(Date.now() + DRAIN_BUDGET_MS));
  if (left > 0) throw new Error(`${left} response(s) not delivered yet`);
}

/** Runs `f` alone among this origin's drains, where Web Locks exist. */
function exclusive(f) {
  return self.navigator.locks ? self.navigator.locks.request('survey-widget:sw-drain', f) : f();
}

/** Sends the journal until it is empty or `deadline`; returns how many are left to retry. */
async function drain(deadline) {
  await pause(SETTLE_MS);
  let wait = 1000;
  for (;;) {
    const retry = [];
    for (const id of await journalKeys()) {
      const entry = await journalGet(id);
      if (!entry) continue; // a page delivered it meanwhile
      const verdict = await send(entry);
      if (verdict === 'delivered') await journalDelete(id);
      else if (verdict === 'retry') retry.push(id);
    }
    if (retry.length === 0) return 0;
    if (Date.now() + wait > deadline) return retry.length;
    await pause(wait);
    wait = Math.min(wait * 2, MAX_PAUSE_MS);
  }
}

/** One POST, as the page sends it: 'delivered', 'retry' or 'refused'. */
async function send(entry) {
  const headers = new Headers();
  for (const [name, value] of entry.headers || []) {
    try { headers.set(name, value); } catch { /* a header the browser refuses is left out */ }
  }
  headers.set('Content-Type', 'application/json');
  headers.set('Idempotency-Key', entry.id);
  try {
    const response = await fetch(entry.endpoint, {
      method: 'POST',
      headers,
      body: entry.body,
      signal: AbortSignal.timeout(entry.timeout_ms || DEFAULT_TIMEOUT_MS),
    });
    if (response.ok) return 'delivered';
    const s = response.status;
    return s === 408 || s === 429 || s >= 500 ? 'retry' : 'refused';
  } catch {
    return 'retry';
  }
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let opened;
function database() {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => { opened = undefined; reject(req.error); };
  });
  return opened;
}

async function request(mode, f) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode, { durability: 'strict' });
    const req = f(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function journalKeys() {
  return request('readonly', (s) => s.getAllKeys());
}

async function journalGet(id) {
  const text = await request('readonly', (s) => s.get(id));
  if (typeof text !== 'string') return null;
  try { return JSON.parse(text); } catch { return null; }
}

function journalDelete(id) {
  return request('readwrite', (s) => s.delete(id));
}
