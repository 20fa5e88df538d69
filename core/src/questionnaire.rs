//! The questionnaire definition: what a dealer writes (as JSON) and the widget renders.
//!
//! Loading is one pure function, [`Definition::from_json`], which parses with exact
//! error paths and then checks every rule the renderer relies on, so a broken
//! definition is reported as `pages[1].questions[0].input.points: …` instead of
//! rendering half a survey.

use crate::answers::{
    is_valid_email, is_valid_phone, Answer, AnswerError, Answers, ContactAnswer, MAX_HIDDEN_LENGTH,
};
use crate::ids::{is_valid_id, QuestionId, SurveyId};
use crate::scoring::ItemKind;
use crate::text::{Locale, LocalizedText};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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

impl Condition {
    /// Whether the condition holds for these answers. Pure; an unanswered question and
    /// "not applicable" make `at_most` / `at_least` false (and `not` of them true).
    pub fn eval(&self, answers: &Answers) -> bool {
        match self {
            Condition::All(cs) => cs.iter().all(|c| c.eval(answers)),
            Condition::Any(cs) => cs.iter().any(|c| c.eval(answers)),
            Condition::Not(c) => !c.eval(answers),
            Condition::Answered { question } => answers.contains_key(question),
            Condition::AtMost { question, value } => {
                matches!(answers.get(question), Some(Answer::Scale(v)) if v <= value)
            }
            Condition::AtLeast { question, value } => {
                matches!(answers.get(question), Some(Answer::Scale(v)) if v >= value)
            }
            Condition::Equals { question, value } => answers.get(question) == Some(value),
            Condition::Includes { question, option } => match answers.get(question) {
                Some(Answer::Choice(c)) => c == option,
                Some(Answer::Choices(cs)) => cs.contains(option),
                _ => false,
            },
        }
    }

    /// Every question (or matrix item) id the condition reads, in order of appearance.
    pub fn questions(&self) -> Vec<&QuestionId> {
        let mut out = Vec::new();
        self.collect_questions(&mut out);
        out
    }

    fn collect_questions<'a>(&'a self, out: &mut Vec<&'a QuestionId>) {
        match self {
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().for_each(|c| c.collect_questions(out))
            }
            Condition::Not(c) => c.collect_questions(out),
            Condition::Answered { question }
            | Condition::AtMost { question, .. }
            | Condition::AtLeast { question, .. }
            | Condition::Equals { question, .. }
            | Condition::Includes { question, .. } => out.push(question),
        }
    }
}

/// Which pages and questions are in force for a set of answers.
///
/// Computed in survey order, each condition seeing only the answers of questions that are
/// themselves in force, so a stale answer to a question that has since been hidden never
/// shows a follow-up of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    pub pages: Vec<PageVisibility>,
}

/// One page's part of [`Visibility`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageVisibility {
    /// The page's `show_if` holds (true without one).
    pub condition: bool,
    /// Per question, in page order: the page's and the question's `show_if` hold, so the
    /// question is asked (hidden inputs: filled) and its answer kept.
    pub questions: Vec<bool>,
    /// The page is shown: its condition holds and at least one question to render is in force.
    pub shown: bool,
}

impl Visibility {
    pub fn page_shown(&self, page: usize) -> bool {
        self.pages.get(page).is_some_and(|p| p.shown)
    }

    pub fn question_active(&self, page: usize, question: usize) -> bool {
        self.pages
            .get(page)
            .and_then(|p| p.questions.get(question))
            .copied()
            .unwrap_or(false)
    }

    /// Indices of the shown pages, in order.
    pub fn shown_pages(&self) -> impl Iterator<Item = usize> + '_ {
        self.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.shown)
            .map(|(i, _)| i)
    }
}

/// Where an id is defined, for resolving the question a condition reads.
#[derive(Clone, Copy)]
struct Place<'a> {
    page: usize,
    question: usize,
    /// `None` for a matrix's own id, which has no answer of its own.
    target: Option<Target<'a>>,
}

type Index<'a> = BTreeMap<&'a str, Place<'a>>;

/// What a condition sits on, which decides what "earlier" means.
#[derive(Clone, Copy)]
enum Scope {
    Page(usize),
    Question(usize, usize),
}

fn fail<T>(path: impl Into<String>, problem: impl Into<String>) -> Result<T, DefinitionError> {
    Err(DefinitionError {
        path: path.into(),
        problem: problem.into(),
    })
}

impl Definition {
    /// Parses and validates a definition. The error names the first field at fault.
    pub fn from_json(json: &str) -> Result<Self, DefinitionError> {
        let def: Definition = crate::path_error::parse(json)?;
        def.validate()?;
        Ok(def)
    }

    /// Checks every rule rendering, skip logic and scoring rely on.
    pub fn validate(&self) -> Result<(), DefinitionError> {
        if self.format != DEFINITION_FORMAT {
            return fail(
                "format",
                format!("expected \"{DEFINITION_FORMAT}\", found {:?}", self.format),
            );
        }
        for (locale, texts) in &self.widget_texts {
            if !self.locales.iter().any(|l| l.as_str() == locale) {
                return fail(
                    format!("widget_texts.{locale}"),
                    format!("\"{locale}\" is not one of locales"),
                );
            }
            for (key, text) in texts {
                if !is_valid_id(key) {
                    return fail(format!("widget_texts.{locale}"), id_problem(key));
                }
                if text.trim().is_empty() || text.chars().count() > 300 {
                    return fail(
                        format!("widget_texts.{locale}.{key}"),
                        "must be 1 to 300 characters",
                    );
                }
            }
        }
        if let Some(scoring) = &self.scoring {
            scoring.validate().map_err(|e| DefinitionError {
                path: if e.path.is_empty() {
                    "scoring".into()
                } else {
                    format!("scoring.{}", e.path)
                },
                problem: e.problem,
            })?;
        }
        if !is_valid_id(self.id.as_str()) {
            return fail("id", id_problem(self.id.as_str()));
        }
        if self.version == 0 {
            return fail("version", "must be 1 or more");
        }
        if self.locales.is_empty() {
            return fail("locales", "at least one locale is needed");
        }
        let mut seen_locales = BTreeSet::new();
        for (i, l) in self.locales.iter().enumerate() {
            if !Locale::is_well_formed(l.as_str()) {
                return fail(
                    format!("locales[{i}]"),
                    format!("not a language tag: {:?}", l.0),
                );
            }
            if !seen_locales.insert(l.as_str()) {
                return fail(format!("locales[{i}]"), format!("duplicate locale \"{l}\""));
            }
        }
        if !self.locales.contains(&self.default_locale) {
            return fail(
                "default_locale",
                format!("\"{}\" is not one of locales", self.default_locale),
            );
        }
        self.check_text("title", &self.title)?;
        if self.pages.is_empty() {
            return fail("pages", "at least one page is needed");
        }
        let index = self.index();
        let mut page_ids = BTreeSet::new();
        let mut answer_ids = BTreeSet::new();
        for (p, page) in self.pages.iter().enumerate() {
            let at = format!("pages[{p}]");
            if !is_valid_id(&page.id) {
                return fail(format!("{at}.id"), id_problem(&page.id));
            }
            if !page_ids.insert(page.id.as_str()) {
                return fail(
                    format!("{at}.id"),
                    format!("duplicate page id \"{}\"", page.id),
                );
            }
            if let Some(title) = &page.title {
                self.check_text(&format!("{at}.title"), title)?;
            }
            if let Some(c) = &page.show_if {
                check_condition(&format!("{at}.show_if"), c, &index, Scope::Page(p))?;
            }
            if page.questions.is_empty() {
                return fail(
                    format!("{at}.questions"),
                    "a page needs at least one question",
                );
            }
            for (q, question) in page.questions.iter().enumerate() {
                let at = format!("{at}.questions[{q}]");
                self.check_question(&at, question, &mut answer_ids)?;
                if let Some(c) = &question.show_if {
                    check_condition(&format!("{at}.show_if"), c, &index, Scope::Question(p, q))?;
                }
            }
        }
        let first_is_shown = self.pages[0]
            .questions
            .iter()
            .any(|q| q.show_if.is_none() && !q.input.is_hidden());
        if !first_is_shown {
            return fail(
                "pages[0].questions",
                "the first page needs a question that is always shown (not hidden, no show_if)",
            );
        }
        Ok(())
    }

    /// Every id that can be named, at its first definition (duplicates are refused later).
    fn index(&self) -> Index<'_> {
        let mut index = Index::new();
        for (p, page) in self.pages.iter().enumerate() {
            for (q, question) in page.questions.iter().enumerate() {
                let place = |target| Place {
                    page: p,
                    question: q,
                    target,
                };
                if let Input::Matrix { items, .. } = &question.input {
                    index
                        .entry(question.id.as_str())
                        .or_insert_with(|| place(None));
                    for item in items {
                        index.entry(item.id.as_str()).or_insert_with(|| {
                            place(Some(Target::Item {
                                matrix: question,
                                item,
                            }))
                        });
                    }
                } else {
                    index
                        .entry(question.id.as_str())
                        .or_insert_with(|| place(Some(Target::Question(question))));
                }
            }
        }
        index
    }

    fn check_question<'a>(
        &self,
        at: &str,
        question: &'a Question,
        answer_ids: &mut BTreeSet<&'a str>,
    ) -> Result<(), DefinitionError> {
        let mut claim = |path: String, id: &'a QuestionId| {
            if !is_valid_id(id.as_str()) {
                return fail(path, id_problem(id.as_str()));
            }
            if !answer_ids.insert(id.as_str()) {
                return fail(path, format!("duplicate question id \"{id}\""));
            }
            Ok(())
        };
        claim(format!("{at}.id"), &question.id)?;
        self.check_text(&format!("{at}.text"), &question.text)?;
        let input_at = format!("{at}.input");
        self.check_input(&input_at, &question.input)?;
        if let Input::Matrix { items, .. } = &question.input {
            for (i, item) in items.iter().enumerate() {
                let item_at = format!("{input_at}.items[{i}]");
                claim(format!("{item_at}.id"), &item.id)?;
                self.check_text(&format!("{item_at}.text"), &item.text)?;
                if let Some(s) = &item.scoring {
                    let target = Target::Item {
                        matrix: question,
                        item,
                    };
                    check_scoring(&format!("{item_at}.scoring"), s, target)?;
                }
            }
        }
        if question.input.is_hidden() && question.required {
            return fail(
                format!("{at}.required"),
                "a hidden question is never required of the customer",
            );
        }
        if let Some(s) = &question.scoring {
            let at = format!("{at}.scoring");
            match &question.input {
                Input::Hidden { .. } => return fail(at, "a hidden question is not scored"),
                Input::Matrix { .. } => {
                    return fail(
                        at,
                        "a matrix is scored by its items; put scoring on each item",
                    )
                }
                _ => check_scoring(&at, s, Target::Question(question))?,
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
                    return fail(
                        format!("{at}.points"),
                        format!("a rating scale has 2 to 10 points, found {points}"),
                    );
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
                    return fail(
                        format!("{at}.max_length"),
                        format!("must be 1 to 5000 characters, found {max_length}"),
                    );
                }
                Ok(())
            }
            Input::SingleChoice { options } => self.check_options(at, options),
            Input::MultiChoice {
                options,
                min_selected,
                max_selected,
            } => {
                self.check_options(at, options)?;
                let n = options.len();
                if let Some(max) = max_selected {
                    if *max == 0 {
                        return fail(format!("{at}.max_selected"), "must be at least 1");
                    }
                    if usize::from(*max) > n {
                        return fail(
                            format!("{at}.max_selected"),
                            format!("{max} is more than the {n} options"),
                        );
                    }
                }
                if let Some(min) = min_selected {
                    if usize::from(*min) > n {
                        return fail(
                            format!("{at}.min_selected"),
                            format!("{min} is more than the {n} options"),
                        );
                    }
                    if let Some(max) = max_selected.filter(|max| min > max) {
                        return fail(
                            format!("{at}.min_selected"),
                            format!("{min} is more than max_selected ({max})"),
                        );
                    }
                }
                Ok(())
            }
            Input::Matrix {
                points,
                low,
                high,
                items,
                ..
            } => {
                if !(2..=10).contains(points) {
                    return fail(
                        format!("{at}.points"),
                        format!("a matrix scale has 2 to 10 points, found {points}"),
                    );
                }
                self.check_text(&format!("{at}.low"), low)?;
                self.check_text(&format!("{at}.high"), high)?;
                if items.len() < 2 {
                    return fail(
                        format!("{at}.items"),
                        format!(
                            "a matrix needs at least 2 items (use a rating for one), found {}",
                            items.len()
                        ),
                    );
                }
                Ok(())
            }
            Input::Contact { channels } => {
                if channels.is_empty() {
                    return fail(
                        format!("{at}.channels"),
                        "at least one channel (phone, email) is needed",
                    );
                }
                let mut seen = BTreeSet::new();
                for (i, c) in channels.iter().enumerate() {
                    if !seen.insert(c) {
                        return fail(
                            format!("{at}.channels[{i}]"),
                            format!("duplicate channel \"{}\"", channel_name(*c)),
                        );
                    }
                }
                Ok(())
            }
            Input::Hidden { source } => {
                if !is_valid_id(source) {
                    return fail(format!("{at}.source"), id_problem(source));
                }
                Ok(())
            }
        }
    }

    fn check_options(&self, at: &str, options: &[ChoiceOption]) -> Result<(), DefinitionError> {
        if options.len() < 2 {
            return fail(
                format!("{at}.options"),
                format!(
                    "a choice question needs at least 2 options, found {}",
                    options.len()
                ),
            );
        }
        let mut seen = BTreeSet::new();
        for (i, o) in options.iter().enumerate() {
            let at = format!("{at}.options[{i}]");
            if !is_valid_id(&o.value) {
                return fail(format!("{at}.value"), id_problem(&o.value));
            }
            if !seen.insert(o.value.as_str()) {
                return fail(
                    format!("{at}.value"),
                    format!("duplicate option \"{}\"", o.value),
                );
            }
            self.check_text(&format!("{at}.label"), &o.label)?;
        }
        Ok(())
    }

    fn check_text(&self, at: &str, text: &LocalizedText) -> Result<(), DefinitionError> {
        for l in &self.locales {
            if !text.has(l) {
                return fail(at, format!("missing text for locale \"{l}\""));
            }
        }
        Ok(())
    }

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

    /// Which pages are shown and which questions are in force for these answers.
    pub fn visibility(&self, answers: &Answers) -> Visibility {
        self.resolve(answers).0
    }

    /// The answers that count: those of questions in force. A follow-up answered and
    /// then hidden again by a changed answer is left out, as are unknown keys.
    pub fn active_answers(&self, answers: &Answers) -> Answers {
        self.resolve(answers).1
    }

    fn resolve(&self, answers: &Answers) -> (Visibility, Answers) {
        let mut kept = Answers::new();
        let mut pages = Vec::with_capacity(self.pages.len());
        for page in &self.pages {
            let condition = page.show_if.as_ref().is_none_or(|c| c.eval(&kept));
            let mut questions = Vec::with_capacity(page.questions.len());
            let mut shown = false;
            for q in &page.questions {
                let active = condition && q.show_if.as_ref().is_none_or(|c| c.eval(&kept));
                if active {
                    shown |= !q.input.is_hidden();
                    for t in q.targets() {
                        if let Some(a) = answers.get(t.id()) {
                            kept.insert(t.id().clone(), a.clone());
                        }
                    }
                }
                questions.push(active);
            }
            pages.push(PageVisibility {
                condition,
                questions,
                shown,
            });
        }
        (Visibility { pages }, kept)
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

fn check_condition(
    at: &str,
    cond: &Condition,
    index: &Index<'_>,
    scope: Scope,
) -> Result<(), DefinitionError> {
    match cond {
        Condition::All(cs) | Condition::Any(cs) => {
            let name = if matches!(cond, Condition::All(_)) {
                "all"
            } else {
                "any"
            };
            if cs.is_empty() {
                return fail(format!("{at}.{name}"), "needs at least one condition");
            }
            for (i, c) in cs.iter().enumerate() {
                check_condition(&format!("{at}.{name}[{i}]"), c, index, scope)?;
            }
            Ok(())
        }
        Condition::Not(c) => check_condition(&format!("{at}.not"), c, index, scope),
        Condition::Answered { question } => {
            resolve_ref(&format!("{at}.answered"), question, index, scope).map(|_| ())
        }
        Condition::AtMost { question, value } | Condition::AtLeast { question, value } => {
            let name = if matches!(cond, Condition::AtMost { .. }) {
                "at_most"
            } else {
                "at_least"
            };
            let at = format!("{at}.{name}");
            let target = resolve_ref(&at, question, index, scope)?;
            match target.scale() {
                None => fail(
                    at,
                    format!(
                        "{name} needs a rating, nps or matrix item; \"{question}\" is {}",
                        target.kind()
                    ),
                ),
                Some((lo, hi)) if !(lo..=hi).contains(value) => fail(
                    at,
                    format!("value {value} is outside the {lo} to {hi} scale of \"{question}\""),
                ),
                Some(_) => Ok(()),
            }
        }
        Condition::Equals { question, value } => {
            let at = format!("{at}.equals");
            let target = resolve_ref(&at, question, index, scope)?;
            match target.check(Some(value)) {
                Ok(()) => Ok(()),
                Err(e) => fail(
                    at,
                    format!(
                        "\"{question}\" can never have the answer {}: {e}",
                        serde_json::to_string(value).unwrap_or_default()
                    ),
                ),
            }
        }
        Condition::Includes { question, option } => {
            let at = format!("{at}.includes");
            let target = resolve_ref(&at, question, index, scope)?;
            let options = match target {
                Target::Question(q) => q.input.options(),
                Target::Item { .. } => None,
            };
            let Some(options) = options else {
                return fail(
                    at,
                    format!(
                        "includes needs a single_choice or multi_choice question; \"{question}\" is {}",
                        target.kind()
                    ),
                );
            };
            if options.iter().any(|o| &o.value == option) {
                Ok(())
            } else {
                fail(at, format!("\"{question}\" has no option \"{option}\""))
            }
        }
    }
}

/// The target a condition names, if it exists and is answered before the condition applies.
fn resolve_ref<'a>(
    at: &str,
    id: &QuestionId,
    index: &Index<'a>,
    scope: Scope,
) -> Result<Target<'a>, DefinitionError> {
    let Some(place) = index.get(id.as_str()) else {
        return fail(at, format!("unknown question \"{id}\""));
    };
    match scope {
        Scope::Page(p) if place.page >= p => {
            return fail(
                at,
                format!(
                    "\"{id}\" is not on an earlier page (a page's show_if can only use answers from earlier pages)"
                ),
            )
        }
        Scope::Question(p, q) if place.page > p || (place.page == p && place.question >= q) => {
            return fail(
                at,
                format!(
                    "\"{id}\" is not asked before this question (a show_if can only use earlier answers)"
                ),
            )
        }
        _ => {}
    }
    place.target.ok_or_else(|| DefinitionError {
        path: at.to_string(),
        problem: format!("\"{id}\" is a matrix; a condition names one of its items"),
    })
}

/// Scoring metadata must fit the answer: only a scored kind of item (rating, NPS,
/// yes/no, matrix item) gives a number, and each role needs its own kind.
fn check_scoring(at: &str, s: &ScoringMeta, target: Target<'_>) -> Result<(), DefinitionError> {
    let kind = target.item_kind();
    let name = target.kind();
    if s.dimension.is_some() && kind.is_none() {
        return fail(
            format!("{at}.dimension"),
            format!("a {name} question gives no number to score"),
        );
    }
    if let Some(w) = s.weight {
        if kind.is_none() {
            return fail(
                format!("{at}.weight"),
                format!("a {name} question gives no number to weigh"),
            );
        }
        if !(w.is_finite() && w > 0.0) {
            return fail(
                format!("{at}.weight"),
                format!("must be a positive number, found {w}"),
            );
        }
    }
    if let Some(role) = s.role {
        let (fits, needs) = match role {
            MetricRole::Nps => (kind == Some(ItemKind::Nps), "an nps"),
            MetricRole::Csat | MetricRole::Ces | MetricRole::Overall => (
                matches!(kind, Some(ItemKind::Rating | ItemKind::Matrix)),
                "a rating (or matrix item)",
            ),
            MetricRole::Fcr | MetricRole::Process => (kind == Some(ItemKind::YesNo), "a yes_no"),
        };
        if !fits {
            return fail(
                format!("{at}.role"),
                format!(
                    "role \"{}\" needs {needs} question, not {name}",
                    role.name()
                ),
            );
        }
    }
    Ok(())
}

fn channel_name(c: ContactChannel) -> &'static str {
    match c {
        ContactChannel::Phone => "phone",
        ContactChannel::Email => "email",
    }
}

impl Question {
    /// Checks one answer against this question's input; `None` means unanswered. For a
    /// matrix this is the check of one of its items (each item is answered on its own).
    ///
    /// A hidden question is never required; its value is text of at most 128 characters.
    /// A contact question is answered by `consent: false` (the customer declined) or by
    /// `consent: true` with at least one valid means the question offers; contact data
    /// sent without consent is refused.
    pub fn check(&self, answer: Option<&Answer>) -> Result<(), AnswerError> {
        let Some(answer) = answer else {
            return if self.required && !self.input.is_hidden() {
                Err(AnswerError::Required)
            } else {
                Ok(())
            };
        };
        match (&self.input, answer) {
            (Input::Rating { points, .. } | Input::Matrix { points, .. }, Answer::Scale(v)) => {
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
            (
                Input::Rating { allow_na, .. }
                | Input::Matrix { allow_na, .. }
                | Input::YesNo { allow_na },
                Answer::NotApplicable,
            ) => {
                if *allow_na {
                    Ok(())
                } else {
                    Err(AnswerError::NotApplicableNotAllowed)
                }
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
            (Input::Hidden { .. }, Answer::Text(t)) => {
                let len = t.chars().count();
                if len > MAX_HIDDEN_LENGTH as usize {
                    Err(AnswerError::TooLong {
                        max: MAX_HIDDEN_LENGTH,
                        found: len,
                    })
                } else {
                    Ok(())
                }
            }
            (Input::SingleChoice { options }, Answer::Choice(c)) => {
                if options.iter().any(|o| &o.value == c) {
                    Ok(())
                } else {
                    Err(AnswerError::UnknownOption(c.clone()))
                }
            }
            (
                Input::MultiChoice {
                    options,
                    min_selected,
                    max_selected,
                },
                Answer::Choices(chosen),
            ) => {
                let mut seen = BTreeSet::new();
                for c in chosen {
                    if !options.iter().any(|o| &o.value == c) {
                        return Err(AnswerError::UnknownOption(c.clone()));
                    }
                    if !seen.insert(c) {
                        return Err(AnswerError::DuplicateOption(c.clone()));
                    }
                }
                if chosen.is_empty() {
                    return if self.required {
                        Err(AnswerError::Required)
                    } else {
                        Ok(())
                    };
                }
                let min = min_selected.unwrap_or(1).max(1);
                let max = max_selected.unwrap_or(u8::try_from(options.len()).unwrap_or(u8::MAX));
                if (usize::from(min)..=usize::from(max)).contains(&chosen.len()) {
                    Ok(())
                } else {
                    Err(AnswerError::SelectionCount { min, max })
                }
            }
            (Input::Contact { channels }, Answer::Contact(c)) => check_contact(channels, c),
            _ => Err(AnswerError::WrongType),
        }
    }

    /// The answer keys of this question: its own id, or each item of a matrix.
    pub fn targets(&self) -> Vec<Target<'_>> {
        match &self.input {
            Input::Matrix { items, .. } => items
                .iter()
                .map(|item| Target::Item { matrix: self, item })
                .collect(),
            _ => vec![Target::Question(self)],
        }
    }

    /// Checks every answer this question takes (a matrix: each item), in order.
    pub fn check_in(&self, answers: &Answers) -> Vec<(QuestionId, AnswerError)> {
        self.targets()
            .into_iter()
            .filter_map(|t| {
                t.check(answers.get(t.id()))
                    .err()
                    .map(|e| (t.id().clone(), e))
            })
            .collect()
    }
}

fn check_contact(channels: &[ContactChannel], c: &ContactAnswer) -> Result<(), AnswerError> {
    if !c.consent {
        return if c.phone.is_some() || c.email.is_some() {
            Err(AnswerError::ContactWithoutConsent)
        } else {
            Ok(())
        };
    }
    if let Some(phone) = &c.phone {
        if !channels.contains(&ContactChannel::Phone) {
            return Err(AnswerError::ChannelNotOffered);
        }
        if !is_valid_phone(phone) {
            return Err(AnswerError::InvalidPhone);
        }
    }
    if let Some(email) = &c.email {
        if !channels.contains(&ContactChannel::Email) {
            return Err(AnswerError::ChannelNotOffered);
        }
        if !is_valid_email(email) {
            return Err(AnswerError::InvalidEmail);
        }
    }
    if c.phone.is_none() && c.email.is_none() {
        return Err(AnswerError::ContactMissing);
    }
    Ok(())
}

fn id_problem(id: &str) -> String {
    format!("{id:?} is not a valid id (1-64 letters, digits, '_' or '-')")
}
