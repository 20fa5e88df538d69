//! The questionnaire definition: what a dealer writes (as JSON) and the widget renders.
//!
//! Loading is one pure function, [`Definition::from_json`], which parses with exact
//! error paths and then checks every rule the renderer relies on, so a broken
//! definition is reported as `pages[1].questions[0].input.points: …` instead of
//! rendering half a survey.
//!
//! The module is split by what each part does:
//! * here: the model (what the JSON holds), [`Target`], and the definition's read-only
//!   accessors;
//! * [`conditions`]: evaluating skip logic, and which pages and questions are in force;
//! * [`validation`]: [`Definition::from_json`] and [`Definition::validate`], every rule a
//!   definition must meet before anything is rendered;
//! * [`answer_check`]: whether one answer fits its question.

mod answer_check;
mod conditions;
mod validation;

pub use conditions::{PageVisibility, Visibility};

use crate::answers::{Answer, AnswerError, Answers};
use crate::ids::{QuestionId, SurveyId};
use crate::scoring::ItemKind;
use crate::text::{Locale, LocalizedText};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format tag every definition carries; bumped on an incompatible change.
pub const DEFINITION_FORMAT: &str = "survey-definition/1";

/// A whole questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub format: String,
    pub id: SurveyId,
    pub version: u32,
    pub default_locale: Locale,
    pub locales: Vec<Locale>,
    pub title: LocalizedText,
    pub pages: Vec<Page>,
    /// How responses are scored (dimension weights, alert rules); the deck's defaults
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<crate::scoring::ScoringConfig>,
    /// The widget's own words (buttons, messages) for a language the widget does not
    /// ship, or to reword one it does: locale → key (`next`, `submit`, …) → text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub widget_texts: BTreeMap<String, BTreeMap<String, String>>,
    /// The dealer's look (brand colour, accent, logo, radius, font, scheme): key →
    /// text, checked by [`crate::theme`]. The same map type as a `widget_texts`
    /// language, so the widget carries no new reader for it (issue 18).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub theme: BTreeMap<String, String>,
}

/// One screen of the survey: a question or a small group of questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<LocalizedText>,
    pub questions: Vec<Question>,
    /// The page is shown only when this holds (on answers given on earlier pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: QuestionId,
    pub text: LocalizedText,
    #[serde(default)]
    pub required: bool,
    pub input: Input,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<ScoringMeta>,
    /// The question is shown (and its answer kept) only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    /// Yes/no questions next to each other on a page with the same group id share one
    /// screen in the one-question-at-a-time flow, as a compact checklist
    /// ([`crate::flow`]); the page flow ignores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

/// A test on earlier answers, for skip logic. JSON is externally tagged, e.g.
/// `{"at_most": {"question": "s_overall", "value": 2}}` or `{"any": [ … ]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// The question has any answer (including "not applicable").
    Answered {
        question: QuestionId,
    },
    /// A scale answer (rating, NPS, matrix item) is at most `value`; false when unanswered or N/A.
    AtMost {
        question: QuestionId,
        value: u8,
    },
    /// A scale answer is at least `value`; false when unanswered or N/A.
    AtLeast {
        question: QuestionId,
        value: u8,
    },
    /// The answer equals `value` exactly, e.g. `{"yes_no": false}`.
    Equals {
        question: QuestionId,
        value: Answer,
    },
    /// A single or multiple choice answer includes the option `option`.
    Includes {
        question: QuestionId,
        option: String,
    },
}

/// One option of a single or multiple choice question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    /// What is stored, e.g. `price`; an id (letters, digits, `_`, `-`).
    pub value: String,
    pub label: LocalizedText,
}

/// One row of a matrix: its own id (answers are keyed by it) and scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixItem {
    pub id: QuestionId,
    pub text: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<ScoringMeta>,
}

/// How a rating scale looks; the stored value is the same number either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presentation {
    #[default]
    Numbers,
    Stars,
    Faces,
}

/// The ways a customer may ask to be contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    Phone,
    Email,
}

/// How a question is answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Input {
    /// A 1..=points scale with labelled ends, e.g. 1 = very dissatisfied, 5 = very satisfied.
    Rating {
        points: u8,
        low: LocalizedText,
        high: LocalizedText,
        #[serde(default)]
        allow_na: bool,
        #[serde(default)]
        presentation: Presentation,
    },
    /// Likelihood to recommend, 0..=10, with labelled ends.
    Nps {
        low: LocalizedText,
        high: LocalizedText,
    },
    /// Yes / no, optionally with "not applicable".
    YesNo {
        #[serde(default)]
        allow_na: bool,
    },
    /// Free text, limited in length (counted in characters, not bytes).
    Text {
        #[serde(default)]
        multiline: bool,
        max_length: u32,
    },
    /// Exactly one of the options.
    SingleChoice { options: Vec<ChoiceOption> },
    /// Any number of the options, within optional bounds.
    MultiChoice {
        options: Vec<ChoiceOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_selected: Option<u8>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_selected: Option<u8>,
    },
    /// Several items on one 1..=points scale; each item is answered under its own id.
    Matrix {
        points: u8,
        low: LocalizedText,
        high: LocalizedText,
        #[serde(default)]
        allow_na: bool,
        items: Vec<MatrixItem>,
    },
    /// "Please contact me": a consent box and a phone number and/or e-mail address.
    Contact { channels: Vec<ContactChannel> },
    /// Not shown; filled from the visit context (e.g. `dealer`) so it travels with the answers.
    Hidden { source: String },
}

/// What a question feeds in scoring; read by the scoring module, ignored by rendering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<Dimension>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heart: Option<Heart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<MetricRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

/// SERVQUAL (RATER) dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Reliability,
    Responsiveness,
    Assurance,
    Empathy,
    Tangibles,
}

/// Google's HEART categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Heart {
    Happiness,
    Engagement,
    Adoption,
    Retention,
    TaskSuccess,
}

/// The standard metric a question is the source of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricRole {
    Nps,
    Csat,
    Ces,
    Fcr,
    Process,
    Overall,
}

impl MetricRole {
    /// The role's name in JSON, e.g. `csat` (the same as serde writes; checked in tests).
    pub fn name(self) -> &'static str {
        match self {
            MetricRole::Nps => "nps",
            MetricRole::Csat => "csat",
            MetricRole::Ces => "ces",
            MetricRole::Fcr => "fcr",
            MetricRole::Process => "process",
            MetricRole::Overall => "overall",
        }
    }
}

/// A definition that cannot be used, with the JSON path of the field at fault
/// (e.g. `pages[1].questions[3].input.points`; empty for the document itself).
pub type DefinitionError = crate::path_error::PathError;

/// What an answer key names: a question, or one item of a matrix. A matrix's answers are
/// keyed by its items' ids, never by the matrix's own id; item ids share one namespace
/// with question ids, so a key names at most one target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target<'a> {
    Question(&'a Question),
    Item {
        matrix: &'a Question,
        item: &'a MatrixItem,
    },
}

impl<'a> Target<'a> {
    /// The key the answer is stored under.
    pub fn id(&self) -> &'a QuestionId {
        match self {
            Target::Question(q) => &q.id,
            Target::Item { item, .. } => &item.id,
        }
    }

    /// The question asked: the question itself, or the matrix an item belongs to.
    pub fn question(&self) -> &'a Question {
        match self {
            Target::Question(q) | Target::Item { matrix: q, .. } => q,
        }
    }

    /// The text of the question, or of the matrix item.
    pub fn text(&self) -> &'a LocalizedText {
        match self {
            Target::Question(q) => &q.text,
            Target::Item { item, .. } => &item.text,
        }
    }

    /// Scoring metadata: the question's, or the item's own.
    pub fn scoring(&self) -> Option<&'a ScoringMeta> {
        match self {
            Target::Question(q) => q.scoring.as_ref(),
            Target::Item { item, .. } => item.scoring.as_ref(),
        }
    }

    /// `(lowest, highest)` when the answer is a point on a scale (rating, NPS, matrix item).
    pub fn scale(&self) -> Option<(u8, u8)> {
        self.question().input.scale()
    }

    /// Checks one answer for this target; `None` means unanswered.
    pub fn check(&self, answer: Option<&Answer>) -> Result<(), AnswerError> {
        self.question().check(answer)
    }

    /// What the item gives scoring: a point on a scale or a yes/no; `None` for what
    /// gives no number (text, choices, contact, hidden).
    pub fn item_kind(&self) -> Option<ItemKind> {
        match self {
            Target::Item { .. } => Some(ItemKind::Matrix),
            Target::Question(q) => match q.input {
                Input::Rating { .. } => Some(ItemKind::Rating),
                Input::Nps { .. } => Some(ItemKind::Nps),
                Input::YesNo { .. } => Some(ItemKind::YesNo),
                _ => None,
            },
        }
    }

    /// The input type's JSON name, or `matrix item`.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Question(q) => q.input.type_name(),
            Target::Item { .. } => "matrix item",
        }
    }
}

impl Input {
    /// The `type` tag of this input in JSON, e.g. `yes_no`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Input::Rating { .. } => "rating",
            Input::Nps { .. } => "nps",
            Input::YesNo { .. } => "yes_no",
            Input::Text { .. } => "text",
            Input::SingleChoice { .. } => "single_choice",
            Input::MultiChoice { .. } => "multi_choice",
            Input::Matrix { .. } => "matrix",
            Input::Contact { .. } => "contact",
            Input::Hidden { .. } => "hidden",
        }
    }

    /// `(lowest, highest)` point of a scale input (for a matrix, of each of its items).
    pub fn scale(&self) -> Option<(u8, u8)> {
        match self {
            Input::Rating { points, .. } | Input::Matrix { points, .. } => Some((1, *points)),
            Input::Nps { .. } => Some((0, 10)),
            _ => None,
        }
    }

    /// Never rendered: filled by the widget from the visit context.
    pub fn is_hidden(&self) -> bool {
        matches!(self, Input::Hidden { .. })
    }

    /// The options of a single or multiple choice input.
    pub fn options(&self) -> Option<&[ChoiceOption]> {
        match self {
            Input::SingleChoice { options } | Input::MultiChoice { options, .. } => Some(options),
            _ => None,
        }
    }
}

impl Definition {
    /// The scoring settings in force: the definition's own, else the deck's defaults.
    pub fn scoring_config(&self) -> crate::scoring::ScoringConfig {
        self.scoring.clone().unwrap_or_default()
    }

    /// Every question, in order, across pages.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|p| p.questions.iter())
    }

    /// A question by its own id (a matrix by the matrix's id; its items are not questions).
    pub fn question(&self, id: &QuestionId) -> Option<&Question> {
        self.questions().find(|q| &q.id == id)
    }

    /// What an answer keyed `id` answers: a plain question or a matrix item. `None` for an
    /// unknown id and for a matrix's own id (its answers are keyed by its items).
    pub fn answer_target(&self, id: &QuestionId) -> Option<Target<'_>> {
        self.targets().find(|t| t.id() == id)
    }

    /// Every answer key of the survey, in order (a matrix contributes its items).
    pub fn targets(&self) -> impl Iterator<Item = Target<'_>> {
        self.questions().flat_map(Question::targets)
    }

    /// The locale to show: the first of `preferences` the definition offers, else its default.
    pub fn pick_locale<'a>(&self, preferences: impl IntoIterator<Item = &'a str>) -> Locale {
        preferences
            .into_iter()
            .find_map(|p| Locale::negotiate(p, &self.locales))
            .cloned()
            .unwrap_or_else(|| self.default_locale.clone())
    }
}
