//! Hooks that carry the widget's side effects, so components only render.

mod advance;
mod beacons;
mod definition;
mod delivery;
mod events;
mod focus;
mod link;
mod persistence;

pub use advance::use_advance;
pub use beacons::use_beacons;
pub use definition::{use_definition, Loaded};
pub use delivery::use_delivery;
pub use events::use_page_events;
pub use focus::{use_focus, use_reveal};
pub use link::{use_link_status, LinkStatus};
pub use persistence::{load_saved, use_persistence};
