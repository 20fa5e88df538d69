//! Skip logic: evaluating a [`Condition`] on answers, and which pages and questions are
//! in force ([`Visibility`]). Checking that a condition can hold is validation's.

use super::{Condition, Definition};
use crate::answers::Answer;
use crate::answers::Answers;
use crate::ids::QuestionId;

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

impl Definition {
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
}
