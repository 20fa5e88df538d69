//! The questionnaire definition: what a dealer writes (as JSON) and the widget renders.
//!
//! Loading is one pure function, [`Definition::from_json`], which parses with exact
//! error paths and then checks every rule the renderer relies on, so a broken
//! definition is reported as `pages[1].questions[0].input.points: …` instead of
//! rendering half a survey.

use crate::answers::{Answer, AnswerError};
use crate::ids::{is_valid_id, QuestionId, SurveyId};
use crate::text::{Locale, LocalizedText};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

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
}

/// One screen of the survey: a question or a small group of questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<LocalizedText>,
    pub questions: Vec<Question>,
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

/// A definition that cannot be used, with the JSON path of the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionError {
    /// e.g. `pages[1].questions[3].input.points`; empty for the document itself.
    pub path: String,
    pub problem: String,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

impl std::error::Error for DefinitionError {}

impl Definition {
    /// Parses and validates a definition. The error names the first field at fault.
    pub fn from_json(json: &str) -> Result<Self, DefinitionError> {
        let de = &mut serde_json::Deserializer::from_str(json);
        let def: Definition =
            serde_path_to_error::deserialize(de).map_err(|e| DefinitionError {
                path: clean_path(&e.path().to_string()),
                problem: e.inner().to_string(),
            })?;
        def.validate()?;
        Ok(def)
    }

    /// Checks every rule rendering and scoring rely on.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        let err = |path: String, problem: String| Err(DefinitionError { path, problem });
        if self.format != DEFINITION_FORMAT {
            return err(
                "format".into(),
                format!("expected \"{DEFINITION_FORMAT}\", found {:?}", self.format),
            );
        }
        if !is_valid_id(self.id.as_str()) {
            return err("id".into(), id_problem(self.id.as_str()));
        }
        if self.version == 0 {
            return err("version".into(), "must be 1 or more".into());
        }
        if self.locales.is_empty() {
            return err("locales".into(), "at least one locale is needed".into());
        }
        let mut seen_locales = BTreeSet::new();
        for (i, l) in self.locales.iter().enumerate() {
            if !Locale::is_well_formed(l.as_str()) {
                return err(
                    format!("locales[{i}]"),
                    format!("not a language tag: {:?}", l.0),
                );
            }
            if !seen_locales.insert(l.as_str()) {
                return err(format!("locales[{i}]"), format!("duplicate locale \"{l}\""));
            }
        }
        if !self.locales.contains(&self.default_locale) {
            return err(
                "default_locale".into(),
                format!("\"{}\" is not one of locales", self.default_locale),
            );
        }
        self.check_text("title", &self.title)?;
        if self.pages.is_empty() {
            return err("pages".into(), "at least one page is needed".into());
        }
        let mut page_ids = BTreeSet::new();
        let mut question_ids = BTreeSet::new();
        for (p, page) in self.pages.iter().enumerate() {
            let at = format!("pages[{p}]");
            if !is_valid_id(&page.id) {
                return err(format!("{at}.id"), id_problem(&page.id));
            }
            if !page_ids.insert(page.id.as_str()) {
                return err(
                    format!("{at}.id"),
                    format!("duplicate page id \"{}\"", page.id),
                );
            }
            if let Some(title) = &page.title {
                self.check_text(&format!("{at}.title"), title)?;
            }
            if page.questions.is_empty() {
                return err(
                    format!("{at}.questions"),
                    "a page needs at least one question".into(),
                );
            }
            for (q, question) in page.questions.iter().enumerate() {
                let at = format!("{at}.questions[{q}]");
                if !is_valid_id(question.id.as_str()) {
                    return err(format!("{at}.id"), id_problem(question.id.as_str()));
                }
                if !question_ids.insert(question.id.as_str()) {
                    return err(
                        format!("{at}.id"),
                        format!("duplicate question id \"{}\"", question.id),
                    );
                }
                self.check_text(&format!("{at}.text"), &question.text)?;
                self.check_input(&format!("{at}.input"), &question.input)?;
                if let Some(w) = question.scoring.as_ref().and_then(|s| s.weight) {
                    if !(w.is_finite() && w > 0.0) {
                        return err(
                            format!("{at}.scoring.weight"),
                            format!("must be a positive number, found {w}"),
                        );
                    }
                }
            }
        }
        Ok(())
    }

    fn check_input(&self, at: &str, input: &Input) -> Result<(), DefinitionError> {
        match input {
            Input::Rating {
                points, low, high, ..
            } => {
                if !(2..=10).contains(points) {
                    return Err(DefinitionError {
                        path: format!("{at}.points"),
                        problem: format!("a rating scale has 2 to 10 points, found {points}"),
                    });
                }
                self.check_text(&format!("{at}.low"), low)?;
                self.check_text(&format!("{at}.high"), high)
            }
            Input::Nps { low, high } => {
                self.check_text(&format!("{at}.low"), low)?;
                self.check_text(&format!("{at}.high"), high)
            }
            Input::YesNo { .. } => Ok(()),
            Input::Text { max_length, .. } => {
                if !(1..=5000).contains(max_length) {
                    return Err(DefinitionError {
                        path: format!("{at}.max_length"),
                        problem: format!("must be 1 to 5000 characters, found {max_length}"),
                    });
                }
                Ok(())
            }
        }
    }

    fn check_text(&self, at: &str, text: &LocalizedText) -> Result<(), DefinitionError> {
        for l in &self.locales {
            if !text.has(l) {
                return Err(DefinitionError {
                    path: at.to_string(),
                    problem: format!("missing text for locale \"{l}\""),
                });
            }
        }
        Ok(())
    }

    /// Every question, in order, across pages.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|p| p.questions.iter())
    }

    pub fn question(&self, id: &QuestionId) -> Option<&Question> {
        self.questions().find(|q| &q.id == id)
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

impl Question {
    /// Checks one answer against this question's input; `None` means unanswered.
    pub fn check(&self, answer: Option<&Answer>) -> Result<(), AnswerError> {
        let Some(answer) = answer else {
            return if self.required {
                Err(AnswerError::Required)
            } else {
                Ok(())
            };
        };
        match (&self.input, answer) {
            (Input::Rating { points, .. }, Answer::Scale(v)) => {
                if (1..=*points).contains(v) {
                    Ok(())
                } else {
                    Err(AnswerError::OutOfRange {
                        min: 1,
                        max: *points,
                    })
                }
            }
            (Input::Nps { .. }, Answer::Scale(v)) => {
                if *v <= 10 {
                    Ok(())
                } else {
                    Err(AnswerError::OutOfRange { min: 0, max: 10 })
                }
            }
            (Input::Rating { allow_na: true, .. }, Answer::NotApplicable)
            | (Input::YesNo { allow_na: true }, Answer::NotApplicable) => Ok(()),
            (Input::Rating { .. }, Answer::NotApplicable)
            | (Input::YesNo { .. }, Answer::NotApplicable) => {
                Err(AnswerError::NotApplicableNotAllowed)
            }
            (Input::YesNo { .. }, Answer::YesNo(_)) => Ok(()),
            (Input::Text { max_length, .. }, Answer::Text(t)) => {
                let len = t.chars().count();
                if len > *max_length as usize {
                    Err(AnswerError::TooLong {
                        max: *max_length,
                        found: len,
                    })
                } else if t.trim().is_empty() && self.required {
                    Err(AnswerError::Required)
                } else {
                    Ok(())
                }
            }
            _ => Err(AnswerError::WrongType),
        }
    }
}

fn id_problem(id: &str) -> String {
    format!("{id:?} is not a valid id (1-64 letters, digits, '_' or '-')")
}

/// serde_path_to_error prints `.` for the root; we print nothing.
fn clean_path(p: &str) -> String {
    if p == "." {
        String::new()
    } else {
        p.to_string()
    }
}
