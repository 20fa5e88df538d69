//! Side effects the widget needs: the browser's clock and randomness, and sending.

pub mod beacon;
pub mod browser;
pub mod delivery;
pub mod events;
pub mod http;
pub mod journal;
pub mod outbox;
