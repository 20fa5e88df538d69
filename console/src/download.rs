//! "Download CSV" / "Download Excel": the export of exactly what the page shows. The
//! page hands over its query ([`crate::responses::page_query`], the one place filter
//! state becomes a query), so the file holds the rows the page counts; the collector
//! applies its own scope and time zone to it as to the page's reads.
//!
//! The session cookie authenticates the download (no token in an address). A refusal
//! is the collector's one line, shown under the buttons; the buttons are disabled
//! while the period or a filter is invalid, as the page's own reads are not made then.

use crate::api::{self, Failure};
use crate::i18n::{t, Lang, T};
use crate::responses::ExportKind;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DownloadProps {
    pub lang: Lang,
    /// The page's query, or `None` while it is invalid.
    pub query: Option<Vec<(&'static str, String)>>,
    /// Tells the buttons of one table from another's (`responses`, `advisor`, …).
    pub name: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Busy,
    Failed(String),
}

#[component]
pub fn Downloads(props: &DownloadProps) -> Html {
    let l = props.lang;
    let state = use_state(|| State::Idle);
    let start = |kind: ExportKind| {
        let state = state.clone();
        let query = props.query.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(pairs) = query.clone() else { return };
            if *state == State::Busy {
                return;
            }
            let url = kind.url(&pairs, l, api::query);
            let name = kind.file_name(&pairs);
            state.set(State::Busy);
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::download(&url, &name).await {
                    Ok(()) => state.set(State::Idle),
                    Err(Failure::SignedOut) => api::sign_in(),
                    Err(e) => state.set(State::Failed(e.line())),
                }
            });
        })
    };
    let off = props.query.is_none() || *state == State::Busy;
    let note_id = format!("c-dl-note-{}", props.name);
    html! {
        <div class="c-downloads" data-downloads={props.name}>
            <button type="button" class="c-btn" data-export="csv" disabled={off}
                aria-describedby={note_id.clone()} onclick={start(ExportKind::Csv)}>{ t(l, T::DownloadCsv) }</button>
            <button type="button" class="c-btn" data-export="xlsx" disabled={off}
                aria-describedby={note_id.clone()} onclick={start(ExportKind::Xlsx)}>{ t(l, T::DownloadExcel) }</button>
            <p class="c-note" id={note_id}>{ t(l, T::DownloadNote) }</p>
            <p class="c-error" role="alert" data-download-error="">{
                match &*state {
                    State::Failed(e) => format!("{} {e}", t(l, T::DownloadFailed)),
                    _ => String::new(),
                }
            }</p>
            <p class="c-sr" role="status">{ if *state == State::Busy { t(l, T::Downloading) } else { "" } }</p>
        </div>
    }
}
