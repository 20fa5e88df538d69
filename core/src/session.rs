//! The survey flow as pure state: which page is shown, what was answered, what is wrong.
//!
//! The widget's reducer delegates here, so paging and validation are tested natively.
//! The flow follows the skip logic: a page whose `show_if` fails, or whose questions are
//! all hidden, is skipped by [`Session::next`] and [`Session::back`] and not counted in
//! [`Session::progress`]; only the questions in force are checked; and
//! [`Session::finish`] hands back only the answers of questions in force at the end.
//!
//! A session walks one [`Flow`]: a page per screen (the default), or one question per
//! screen ([`crate::flow`] cuts the screens). The position is a page and, in the question
//! flow, the first question of the screen on it; everything else (answers, checks,
//! what `finish` returns) is the same in both flows.

use crate::answers::{Answer, AnswerError, Answers, ContactAnswer};
use crate::flow::{screens, Flow, Screen, Screens};
use crate::ids::QuestionId;
use crate::questionnaire::{Definition, Page, Question, Target};

/// Where the customer is in the survey.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    page: usize,
    /// In the question flow, the first question (index on the page) of the screen
    /// shown; always 0 in the page flow.
    at: usize,
    flow: Flow,
    /// The screens shown before this one (page, first question), in order;
    /// [`Session::back`] returns to the last.
    trail: Vec<(usize, usize)>,
    answers: Answers,
    /// Problems on the current page, shown next to their fields after a failed "next".
    errors: PageErrors,
}

/// The problems on the current page, in the order its questions are shown: a few
/// entries at most, so a list rather than a map (a `BTreeMap` of these compiled its
/// whole search tree for this one key and value type: about 16 KB of the widget's wasm).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageErrors(Vec<(QuestionId, AnswerError)>);

impl PageErrors {
    /// The problem with this question or matrix item, if any.
    pub fn get(&self, id: &QuestionId) -> Option<&AnswerError> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, e)| e)
    }

    pub fn contains_key(&self, id: &QuestionId) -> bool {
        self.get(id).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// In the order the questions are shown.
    pub fn iter(&self) -> impl Iterator<Item = (&QuestionId, &AnswerError)> {
        self.0.iter().map(|(k, e)| (k, e))
    }
}

/// "Page 3 of 8", for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// 1-based.
    pub current: usize,
    pub total: usize,
    /// Questions on this screen and the screens after it, for the answers so far
    /// ("3 questions left" in the question flow).
    pub left: usize,
}

/// Why the flow could not move on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    /// The current page has problems (in page order); the first one should get focus.
    Invalid(Vec<(QuestionId, AnswerError)>),
    /// The answer names a question (or matrix item) this survey does not have.
    UnknownQuestion(QuestionId),
}

impl Session {
    pub fn new() -> Self {
        Self::default()
    }

    /// Restores answers kept from an earlier visit (e.g. after a reload); answers that
    /// no longer fit the definition are dropped rather than trusted. A page that is no
    /// longer shown gives way to the nearest shown page before it.
    pub fn restore(def: &Definition, page: usize, answers: Answers) -> Self {
        let answers: Answers = answers
            .into_iter()
            .filter(|(id, a)| {
                def.answer_target(id)
                    .is_some_and(|t| t.check(Some(a)).is_ok())
            })
            .collect();
        let shown: Vec<usize> = def.visibility(&answers).shown_pages().collect();
        let page = page.min(def.pages.len().saturating_sub(1));
        let page = shown
            .iter()
            .copied()
            .rev()
            .find(|&p| p <= page)
            .unwrap_or(0);
        Self {
            page,
            at: 0,
            flow: Flow::Page,
            trail: shown
                .into_iter()
                .filter(|&p| p < page)
                .map(|p| (p, 0))
                .collect(),
            answers,
            errors: PageErrors::default(),
        }
    }

    /// The same session walked in `flow`; in the question flow it stands on the
    /// screen of question `at` of its page (0: the page's first screen), the screens
    /// before it making the way back.
    pub fn in_flow(mut self, def: &Definition, flow: Flow, at: usize) -> Self {
        self.flow = flow;
        self.at = 0;
        if flow == Flow::Question {
            let all = screens(def, flow, &self.answers);
            let i = all.position(self.page, at);
            if let Some(s) = all.get(i) {
                self.page = s.page;
                self.at = s.at;
            }
            self.trail = all.0[..i].iter().map(|s| s.key()).collect();
        }
        self
    }

    pub fn flow(&self) -> Flow {
        self.flow
    }

    /// The first question (index on the page) of the screen shown; 0 in the page flow.
    pub fn at(&self) -> usize {
        self.at
    }

    /// The screens for the answers so far, and which of them is shown.
    pub fn screens(&self, def: &Definition) -> (Screens, usize) {
        let all = screens(def, self.flow, &self.answers);
        let i = all.position(self.page, self.at);
        (all, i)
    }

    /// The screen shown, for the answers so far.
    pub fn screen(&self, def: &Definition) -> Option<Screen> {
        let (mut all, i) = self.screens(def);
        (i < all.len()).then(|| all.0.swap_remove(i))
    }

    /// Index of the current page in `def.pages`.
    pub fn page(&self) -> usize {
        self.page
    }

    /// The current page.
    pub fn current_page<'d>(&self, def: &'d Definition) -> Option<&'d Page> {
        def.pages.get(self.page)
    }

    /// The questions to render on the current page, in order: those whose `show_if`
    /// holds, less hidden inputs. Follows the answers, so a follow-up appears as soon as
    /// the answer it depends on is given on the same page.
    pub fn visible_questions<'d>(&self, def: &'d Definition) -> Vec<&'d Question> {
        if self.flow == Flow::Question {
            return match (self.screen(def), self.current_page(def)) {
                (Some(s), Some(page)) if s.page == self.page => {
                    s.questions.iter().map(|&q| &page.questions[q]).collect()
                }
                _ => Vec::new(),
            };
        }
        let vis = def.visibility(&self.answers);
        self.current_page(def)
            .map(|page| {
                page.questions
                    .iter()
                    .enumerate()
                    .filter(|(q, question)| {
                        vis.question_active(self.page, *q) && !question.input.is_hidden()
                    })
                    .map(|(_, question)| question)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every answer given so far, including those of questions now hidden (kept in case
    /// the customer changes their mind back; [`Session::finish`] leaves them out).
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    pub fn errors(&self) -> &PageErrors {
        &self.errors
    }

    /// No page after this one is shown, given the answers so far.
    pub fn is_last_page(&self, def: &Definition) -> bool {
        self.next_shown(def).is_none()
    }

    /// The position among the pages shown for the answers so far; the total can change
    /// as answers show or hide follow-up pages.
    /// The shown page's number among the pages that have a screen (1-based): the page
    /// flow's `progress().current`, and in the question flow the page of the question
    /// shown, so the survey's funnel (`crate::funnel`) counts the definition's pages in
    /// both flows rather than screens in one and pages in the other.
    pub fn page_number(&self, def: &Definition) -> usize {
        let (all, _) = self.screens(def);
        let mut pages: Vec<usize> = all
            .0
            .iter()
            .filter(|s| s.key() <= (self.page, self.at))
            .map(|s| s.page)
            .collect();
        pages.dedup();
        pages.len().max(1)
    }

    pub fn progress(&self, def: &Definition) -> Progress {
        let (all, i) = self.screens(def);
        let before = all
            .0
            .iter()
            .filter(|s| s.key() < (self.page, self.at))
            .count();
        Progress {
            current: before + 1,
            total: all.len().max(before + 1),
            left: all.left_from(i),
        }
    }

    /// Records (or, with `None`, clears) an answer, keyed by question id or matrix item id.
    ///
    /// The answer is tidied first: blank text and an empty selection are no answer;
    /// multiple choices are put in option order; a contact answer has its phone and
    /// e-mail trimmed (blank ones dropped), and without consent both are dropped, so a
    /// number typed and then un-consented is never kept. A hidden question's value that
    /// does not fit (over 128 characters) is not kept at all. A fixed field loses its
    /// error at once, and errors of questions the answer hides disappear with them.
    pub fn answer(
        &mut self,
        def: &Definition,
        id: &QuestionId,
        answer: Option<Answer>,
    ) -> Result<(), SessionError> {
        let target = def
            .answer_target(id)
            .ok_or_else(|| SessionError::UnknownQuestion(id.clone()))?;
        let answer = answer
            .and_then(|a| tidy(&target, a))
            .filter(|a| !target.question().input.is_hidden() || target.check(Some(a)).is_ok());
        match answer {
            Some(a) => {
                self.answers.insert(id.clone(), a);
            }
            None => {
                self.answers.remove(id);
            }
        }
        if let Some(at) = self.errors.0.iter().position(|(k, _)| k == id) {
            match target.check(self.answers.get(id)) {
                Ok(()) => {
                    self.errors.0.remove(at);
                }
                Err(e) => self.errors.0[at].1 = e,
            }
        }
        if !self.errors.is_empty() {
            let visible: Vec<QuestionId> = self
                .visible_questions(def)
                .into_iter()
                .flat_map(|q| q.targets().into_iter().map(|t| t.id().clone()))
                .collect();
            self.errors.0.retain(|(id, _)| visible.contains(id));
        }
        Ok(())
    }

    /// Problems on the current page, in the order the questions are shown (a matrix's
    /// items in order); questions hidden by their `show_if` are not checked.
    pub fn check_page(&self, def: &Definition) -> Vec<(QuestionId, AnswerError)> {
        self.visible_questions(def)
            .into_iter()
            .flat_map(|q| q.check_in(&self.answers))
            .collect()
    }

    /// Moves to the next shown screen (page, or question) if the current one is
    /// complete; otherwise keeps the problems for display and returns them. On the last
    /// shown screen it stays put.
    pub fn next(&mut self, def: &Definition) -> Result<(), SessionError> {
        self.validate_page(def)?;
        if let Some((p, at)) = self.next_shown(def) {
            self.trail.push((self.page, self.at));
            self.page = p;
            self.at = at;
        }
        Ok(())
    }

    /// Goes back to the screen shown before this one; answers are kept and nothing is
    /// validated.
    pub fn back(&mut self) {
        self.errors.0.clear();
        (self.page, self.at) = self
            .trail
            .pop()
            .unwrap_or_else(|| (self.page.saturating_sub(1), 0));
    }

    /// Checks every shown page before submitting; on a problem, jumps to the first page
    /// that has one. Returns the answers in force: those of questions hidden at the end
    /// (a follow-up answered before the customer changed their mind) are left out.
    pub fn finish(&mut self, def: &Definition) -> Result<Answers, SessionError> {
        let shown: Vec<(usize, usize)> = screens(def, self.flow, &self.answers)
            .0
            .iter()
            .map(|s| s.key())
            .collect();
        for (i, &(p, at)) in shown.iter().enumerate() {
            self.page = p;
            self.at = at;
            self.trail = shown[..i].to_vec();
            self.validate_page(def)?;
        }
        Ok(def.active_answers(&self.answers))
    }

    fn next_shown(&self, def: &Definition) -> Option<(usize, usize)> {
        screens(def, self.flow, &self.answers)
            .0
            .iter()
            .map(|s| s.key())
            .find(|&key| key > (self.page, self.at))
    }

    fn validate_page(&mut self, def: &Definition) -> Result<(), SessionError> {
        let problems = self.check_page(def);
        self.errors = PageErrors(problems.clone());
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SessionError::Invalid(problems))
        }
    }
}

/// The canonical form of an answer, or `None` when it amounts to no answer.
fn tidy(target: &Target<'_>, answer: Answer) -> Option<Answer> {
    match answer {
        Answer::Text(t) if t.trim().is_empty() => None,
        Answer::Choices(c) if c.is_empty() => None,
        Answer::Choices(mut chosen) => {
            if let Some(options) = target.question().input.options() {
                chosen.sort_by_key(|c| {
                    options
                        .iter()
                        .position(|o| &o.value == c)
                        .unwrap_or(usize::MAX)
                });
            }
            Some(Answer::Choices(chosen))
        }
        Answer::Contact(c) => {
            let keep = |v: Option<String>| {
                v.map(|s| s.trim().to_string())
                    .filter(|s| c.consent && !s.is_empty())
            };
            Some(Answer::Contact(ContactAnswer {
                consent: c.consent,
                phone: keep(c.phone.clone()),
                email: keep(c.email.clone()),
            }))
        }
        a => Some(a),
    }
}
