//! Pure survey logic, shared by the browser widget and the native collector.
//!
//! Nothing in here touches the DOM, the network or the clock: every function is a
//! plain transformation, so it is tested natively with `cargo test` and the
//! collector can re-check exactly what the widget checked.

pub mod answers;
pub mod cases;
pub mod context;
pub mod delivery;
pub mod endpoint;
pub mod flow;
pub mod followups;
pub mod funnel;
pub mod ids;
pub mod interview;
pub mod json_read;
pub mod json_strict;
pub mod path_error;
pub mod payload;
pub mod questionnaire;
pub mod scoring;
pub mod session;
pub mod targets;
pub mod templates;
pub mod text;
pub mod texts;
pub mod theme;
pub mod time;

pub use answers::{Answer, Answers};
pub use ids::{QuestionId, ResponseId, SurveyId};
pub use payload::{PayloadError, ResponsePayload};
pub use questionnaire::{Definition, DefinitionError, Input, Page, Question};
pub use session::{Progress, Session, SessionError};
pub use text::{Locale, LocalizedText};
