//! Rendering only: each component turns part of the state into HTML and reports
//! what the customer did as an [`crate::state::Action`].

pub mod choice;
pub mod contact;
pub mod error_box;
pub mod interview;
pub mod kiosk;
pub mod language_switch;
pub mod logo;
pub mod progress;
pub mod question;
pub mod survey;
pub mod text_answer;
pub mod thank_you;
