//! The survey flow as pure state: which page is shown, what was answered, what is wrong.
//!
//! The widget's reducer delegates here, so paging and validation are tested natively.

use crate::answers::{Answer, AnswerError, Answers};
use crate::ids::QuestionId;
use crate::questionnaire::Definition;
use std::collections::BTreeMap;

/// Where the customer is in the survey.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    page: usize,
    answers: Answers,
    /// Problems on the current page, shown next to their fields after a failed "next".
    errors: BTreeMap<QuestionId, AnswerError>,
}

/// "Page 3 of 8", for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// 1-based.
    pub current: usize,
    pub total: usize,
}

/// Why the flow could not move on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    /// The current page has problems (in page order); the first one should get focus.
    Invalid(Vec<(QuestionId, AnswerError)>),
    /// The answer names a question this survey does not have.
    UnknownQuestion(QuestionId),
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Restores answers kept from an earlier visit (e.g. after a reload); answers that
    /// no longer fit the definition are dropped rather than trusted.
    pub fn restore(def: &Definition, page: usize, answers: Answers) -> Self {
        let answers = answers
            .into_iter()
            .filter(|(id, a)| def.question(id).is_some_and(|q| q.check(Some(a)).is_ok()))
            .collect();
        Self {
            page: page.min(def.pages.len().saturating_sub(1)),
            answers,
            errors: BTreeMap::new(),
        }
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    pub fn errors(&self) -> &BTreeMap<QuestionId, AnswerError> {
        &self.errors
    }

    pub fn is_last_page(&self, def: &Definition) -> bool {
        self.page + 1 >= def.pages.len()
    }

    pub fn progress(&self, def: &Definition) -> Progress {
        Progress {
            current: self.page + 1,
            total: def.pages.len(),
        }
    }

    /// Records (or, with `None`, clears) an answer. A fixed field loses its error at once,
    /// so the message disappears as soon as the customer acts on it.
    pub fn answer(
        &mut self,
        def: &Definition,
        id: &QuestionId,
        answer: Option<Answer>,
    ) -> Result<(), SessionError> {
        let question = def
            .question(id)
            .ok_or_else(|| SessionError::UnknownQuestion(id.clone()))?;
        let answer = answer.filter(|a| !matches!(a, Answer::Text(t) if t.trim().is_empty()));
        match answer {
            Some(a) => {
                self.answers.insert(id.clone(), a);
            }
            None => {
                self.answers.remove(id);
            }
        }
        if self.errors.contains_key(id) {
            match question.check(self.answers.get(id)) {
                Ok(()) => {
                    self.errors.remove(id);
                }
                Err(e) => {
                    self.errors.insert(id.clone(), e);
                }
            }
        }
        Ok(())
    }

    /// Problems on the current page, in the order the questions are shown.
    pub fn check_page(&self, def: &Definition) -> Vec<(QuestionId, AnswerError)> {
        def.pages
            .get(self.page)
            .map(|p| {
                p.questions
                    .iter()
                    .filter_map(|q| {
                        q.check(self.answers.get(&q.id))
                            .err()
                            .map(|e| (q.id.clone(), e))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Moves to the next page if the current one is complete; otherwise keeps the
    /// problems for display and returns them.
    pub fn next(&mut self, def: &Definition) -> Result<(), SessionError> {
        self.validate_page(def)?;
        if !self.is_last_page(def) {
            self.page += 1;
        }
        Ok(())
    }

    /// Goes back one page; answers are kept and nothing is validated.
    pub fn back(&mut self) {
        self.errors.clear();
        self.page = self.page.saturating_sub(1);
    }

    /// Checks every page before submitting; on a problem, jumps to the first page that has one.
    pub fn finish(&mut self, def: &Definition) -> Result<Answers, SessionError> {
        for p in 0..def.pages.len() {
            self.page = p;
            self.validate_page(def)?;
        }
        Ok(self.answers.clone())
    }

    fn validate_page(&mut self, def: &Definition) -> Result<(), SessionError> {
        let problems = self.check_page(def);
        self.errors = problems.iter().cloned().collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SessionError::Invalid(problems))
        }
    }
}
