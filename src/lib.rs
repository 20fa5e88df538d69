//! The survey widget: a Yew front end over `survey-core`.
//!
//! The browser layer is kept thin: configuration is read from the page, the survey
//! flow lives in [`state`] (which delegates to `survey_core::Session`), and network
//! and storage work stays in [`services`].

pub mod app;
pub mod components;
pub mod config;
#[cfg(target_arch = "wasm32")]
pub mod embed;
pub mod hooks;
pub mod i18n;
pub mod kiosk;
pub mod mount;
#[cfg(all(feature = "ssr", not(target_arch = "wasm32")))]
pub mod prerender;
pub mod services;
pub mod state;
#[cfg(target_arch = "wasm32")]
pub mod takeover;

/// Shipped in every payload so the collector can tell which widget build answered.
pub const WIDGET_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    mount::mount_all();
}
