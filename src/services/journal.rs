//! A second, durable copy of each queued response in IndexedDB.
//!
//! The outbox lives in localStorage because its tab protocol needs synchronous
//! read–modify–write (see [`super::outbox`]). But Chromium writes localStorage to disk
//! in batches, seconds after the page's write: a kiosk whose power is cut right after
//! the thank-you lost the response in our power-loss test. An IndexedDB transaction
//! with `durability: "strict"` is on disk when it completes, so the customer is
//! thanked only after this copy is written. On the next page load the journal puts
//! back into the outbox whatever the outbox lost; the endpoint's deduplication by id
//! makes a response that was in fact delivered harmless to send again.

use crate::services::delivery::js_message;
use std::cell::RefCell;
use survey_core::delivery::NewEntry;
use survey_core::ResponseId;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction};

const DB: &str = "survey-widget";
const STORE: &str = "journal";

#[wasm_bindgen]
extern "C" {
    /// An `IDBDatabase`, for the one method web-sys has only behind its unstable-API
    /// flag: `db.transaction(store, mode, {durability})`.
    #[wasm_bindgen(js_name = IDBDatabase)]
    type DurableDb;
    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DurableDb,
        store: &str,
        mode: &str,
        options: &JsValue,
    ) -> Result<IdbTransaction, JsValue>;
}

thread_local! {
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// Resolves with the request's result, or rejects with its error.
fn settled(req: &IdbRequest) -> JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let r = req.clone();
        let fail = Closure::once_into_js(move || {
            let e = r
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or(JsValue::NULL);
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(fail.unchecked_ref()));
    });
    JsFuture::from(promise)
}

/// Resolves when the transaction is committed; rejects if it fails or aborts.
fn committed(tx: &IdbTransaction) -> JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject2 = reject.clone();
        let fail = Closure::once_into_js(move || {
            let _ = reject.call1(&JsValue::NULL, &"transaction failed".into());
        });
        let abort = Closure::once_into_js(move || {
            let _ = reject2.call1(&JsValue::NULL, &"transaction aborted".into());
        });
        tx.set_oncomplete(Some(done.unchecked_ref()));
        tx.set_onerror(Some(fail.unchecked_ref()));
        tx.set_onabort(Some(abort.unchecked_ref()));
    });
    JsFuture::from(promise)
}

async fn database() -> Result<IdbDatabase, String> {
    if let Some(db) = OPEN.with(|o| o.borrow().clone()) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(|e| js_message(&e))?
        .ok_or("IndexedDB is not available")?;
    let open = factory.open_with_u32(DB, 1).map_err(|e| js_message(&e))?;
    let upgrade = {
        let open = open.clone();
        Closure::once_into_js(move || {
            if let Ok(db) = open.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
                let _ = db.create_object_store(STORE);
            }
        })
    };
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: IdbDatabase = settled(&open)
        .await
        .map_err(|e| js_message(&e))?
        .dyn_into()
        .map_err(|_| "IndexedDB did not open".to_string())?;
    OPEN.with(|o| *o.borrow_mut() = Some(db.clone()));
    Ok(db)
}

fn transaction(db: &IdbDatabase, mode: &str) -> Result<IdbTransaction, String> {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"durability".into(), &"strict".into());
    db.unchecked_ref::<DurableDb>()
        .transaction_with_options(STORE, mode, &options)
        .map_err(|e| js_message(&e))
}

/// Writes `entry` and resolves once it is on disk.
pub async fn put(entry: &NewEntry) -> Result<(), String> {
    let db = database().await?;
    let tx = transaction(&db, "readwrite")?;
    let json = serde_json::to_string(entry).map_err(|e| e.to_string())?;
    tx.object_store(STORE)
        .and_then(|s| s.put_with_key(&json.into(), &entry.id.as_str().into()))
        .map_err(|e| js_message(&e))?;
    committed(&tx).await.map(|_| ()).map_err(|e| js_message(&e))
}

/// Forgets a delivered response.
pub async fn remove(id: &ResponseId) -> Result<(), String> {
    let db = database().await?;
    let tx = transaction(&db, "readwrite")?;
    tx.object_store(STORE)
        .and_then(|s| s.delete(&id.as_str().into()))
        .map_err(|e| js_message(&e))?;
    committed(&tx).await.map(|_| ()).map_err(|e| js_message(&e))
}

/// Every response in the journal; unreadable records are reported and skipped.
pub async fn all() -> Result<Vec<NewEntry>, String> {
    let db = database().await?;
    let tx = transaction(&db, "readonly")?;
    let req = tx
        .object_store(STORE)
        .and_then(|s| s.get_all())
        .map_err(|e| js_message(&e))?;
    let values = settled(&req).await.map_err(|e| js_message(&e))?;
    let mut entries = Vec::new();
    for v in js_sys::Array::from(&values).iter() {
        let text = v.as_string().unwrap_or_default();
        match survey_core::json_read::read::<NewEntry>(&text) {
            Ok(e) => entries.push(e),
            Err(e) => crate::services::browser::console_error(&format!(
                "journal: a record could not be read ({e}): {text}"
            )),
        }
    }
    Ok(entries)
}
