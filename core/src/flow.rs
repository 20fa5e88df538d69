//! How a survey is cut into screens: a page at a time, or one question at a time.
//!
//! # The guarantee
//!
//! Both flows ask the same questions, check them by the same rules and hand back the
//! same answers: a flow only decides what one screen shows. The page flow shows a
//! definition's page; the question flow shows one question of it, except a run of
//! yes/no questions the definition marks with the same `group`, which share one
//! compact checklist screen. The list of screens is a pure function of the definition
//! and the answers ([`screens`]), recomputed after every answer, so a follow-up that an
//! answer brings in is the next screen, and one it hides is gone from the list.
//!
//! # Lifecycle of a screen (question flow)
//!
//! ```text
//!            single choice answered            ~250 ms (0 with reduced motion)
//! shown ──▶ answered ───────────────▶ advancing ─────────────────────────────▶ next screen
//!   │          │ text, several choices,                                      (focus on its
//!   │          │ contact, a checklist: ──Next (valid)──────────────────────▶  legend)
//!   │          └──Next (invalid)──▶ problems shown, focus on the first
//!   └──Back──▶ the screen before (answers kept, nothing checked)
//! ```
//!
//! Which answers move on by themselves is [`advances_by_itself`]: one tap that says it
//! all (a rating, an NPS, a yes/no, one of several options). The reducer that runs the
//! timer lives in the widget (`src/state.rs`); [`crate::Session`] keeps the position.
//!
//! # "All yes" on a checklist
//!
//! A checklist screen offers one more button, "All yes" ([`all_yes`]): it answers
//! every item of the group yes in one tap and moves on like a one-tap answer (the same
//! timer, the same ghost-tap guard). The answers it stores are the per-item yes/no a
//! customer tapping each yes stores; Back shows them, and any item can still be
//! changed. That the shortcut was used travels as `client.all_yes` (the group ids,
//! [`crate::payload::ClientInfo`]), so an analyst can still see straight-lining.
//!
//! # Progress
//!
//! The page flow counts pages ("page 3 of 8"); the question flow counts the questions
//! still to come, the current screen's included ([`Screens::left_from`]), because a
//! customer cares how much is left, and a checklist of four is four questions.

use crate::answers::{Answer, Answers};
use crate::questionnaire::{Definition, Input, Question};

/// How many questions one screen shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Flow {
    /// A definition's page per screen (the widget's first way, unchanged).
    #[default]
    Page,
    /// One question per screen; grouped yes/no questions share one.
    Question,
}

impl Flow {
    /// `page` or `question`, as the `data-flow` setting spells it.
    pub fn parse(s: &str) -> Option<Flow> {
        match s {
            "page" => Some(Flow::Page),
            "question" => Some(Flow::Question),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Page => "page",
            Flow::Question => "question",
        }
    }
}

/// One screen: a page, and which of its questions it renders (their indexes in the
/// page's `questions`, in order: in force and not hidden inputs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    pub page: usize,
    /// With `page`, where the screen stands in the survey: its first question in the
    /// question flow, 0 in the page flow (a page's first question may be hidden).
    pub at: usize,
    pub questions: Vec<usize>,
}

impl Screen {
    /// The position's key, in survey order.
    pub fn key(&self) -> (usize, usize) {
        (self.page, self.at)
    }

    /// A checklist (grouped yes/no questions) rather than a single question.
    pub fn is_checklist(&self) -> bool {
        self.questions.len() > 1
    }
}

/// The screens of a survey for the answers so far, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screens(pub Vec<Screen>);

/// The screens `def` shows in `flow` for `answers`: pages skipped by their `show_if`
/// (or with nothing to render) give none; in the question flow each question in force
/// is one, grouped neighbours sharing theirs.
pub fn screens(def: &Definition, flow: Flow, answers: &Answers) -> Screens {
    let vis = def.visibility(answers);
    let mut out: Vec<Screen> = Vec::new();
    for p in vis.shown_pages() {
        let page = &def.pages[p];
        let shown = page
            .questions
            .iter()
            .enumerate()
            .filter(|(q, question)| vis.question_active(p, *q) && !question.input.is_hidden())
            .map(|(q, _)| q);
        match flow {
            Flow::Page => out.push(Screen {
                page: p,
                at: 0,
                questions: shown.collect(),
            }),
            Flow::Question => {
                let mut last_group: Option<&str> = None;
                for q in shown {
                    let group = page.questions[q].group.as_deref();
                    match (out.last_mut(), group) {
                        (Some(s), Some(g)) if s.page == p && last_group == Some(g) => {
                            s.questions.push(q)
                        }
                        _ => out.push(Screen {
                            page: p,
                            at: q,
                            questions: vec![q],
                        }),
                    }
                    last_group = group;
                }
            }
        }
    }
    Screens(out)
}

impl Screens {
    /// The index of the screen showing question `at` of `page`; when that question is
    /// no longer shown, the first screen after it (or the last screen).
    pub fn position(&self, page: usize, at: usize) -> usize {
        self.0
            .iter()
            .position(|s| s.page == page && (s.at == at || s.questions.contains(&at)))
            .or_else(|| self.0.iter().position(|s| s.key() > (page, at)))
            .unwrap_or(self.0.len().saturating_sub(1))
    }

    /// The questions on screen `i` and every screen after it.
    pub fn left_from(&self, i: usize) -> usize {
        self.0.iter().skip(i).map(|s| s.questions.len()).sum()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&Screen> {
        self.0.get(i)
    }
}

/// An answer to this question says all there is to say in one tap, so the question
/// flow moves on by itself after it: a rating (stars, faces, an effort scale), the
/// NPS, a yes/no, one of several options. Text, several choices, a matrix and the
/// contact request need an explicit Next.
pub fn advances_by_itself(question: &Question) -> bool {
    matches!(
        question.input,
        Input::Rating { .. } | Input::Nps { .. } | Input::YesNo { .. } | Input::SingleChoice { .. }
    )
}

/// The checklist group whose items the screen's `questions` are, when "All yes" may
/// answer them: two or more yes/no questions of one `group` (a checklist screen).
/// `None` for any other screen (one question, or a page of mixed inputs).
pub fn all_yes<'a>(questions: &[&'a Question]) -> Option<&'a str> {
    let group = questions.first()?.group.as_deref()?;
    let checklist = questions.len() > 1
        && questions
            .iter()
            .all(|q| q.group.as_deref() == Some(group) && matches!(q.input, Input::YesNo { .. }));
    checklist.then_some(group)
}

/// The answer the number key `key` gives a single-choice question: a rating's point
/// (1..=points), the NPS's 1–9 with 0 for 10 (its own 0 is a tap away; 10 is the
/// answer a keyboard customer reaches for), yes/no as 1 = yes, 2 = no, 3 = not
/// applicable where allowed, an option by its position. `None` when the key chooses
/// nothing there.
pub fn number_key(question: &Question, key: char) -> Option<Answer> {
    let n = key.to_digit(10)? as u8;
    match &question.input {
        Input::Rating { points, .. } => (1..=*points).contains(&n).then_some(Answer::Scale(n)),
        Input::Nps { .. } => Some(Answer::Scale(if n == 0 { 10 } else { n })),
        Input::YesNo { allow_na } => match n {
            1 => Some(Answer::YesNo(true)),
            2 => Some(Answer::YesNo(false)),
            3 if *allow_na => Some(Answer::NotApplicable),
            _ => None,
        },
        Input::SingleChoice { options } => options
            .get(usize::from(n).checked_sub(1)?)
            .map(|o| Answer::Choice(o.value.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
