//! Hooks that carry the widget's side effects, so components only render.

mod delivery;
mod focus;

pub use delivery::use_delivery;
pub use focus::use_focus;
