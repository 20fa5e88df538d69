//! The widget's state and its reducer: every change goes through [`Action`].
//!
//! No side effects here: ids and clocks come in with the action, sending happens in a
//! hook that watches [`Phase::Sending`]. That keeps the reducer testable natively.

use std::collections::BTreeMap;
use std::rc::Rc;
use survey_core::payload::{ClientInfo, Mode, SurveyRef, RESPONSE_FORMAT};
use survey_core::session::SessionError;
use survey_core::{Answer, Definition, Locale, QuestionId, ResponseId, ResponsePayload, Session};
use yew::Reducible;

/// What the customer sees.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Answering,
    /// Being posted; kept whole so a retry sends the very same response (same id).
    Sending(Rc<ResponsePayload>),
    Failed(Rc<ResponsePayload>),
    Done,
}

/// Where keyboard focus should go after a render; `seq` changes each time it should move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    pub seq: u32,
    pub target: FocusTarget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FocusTarget {
    /// The heading of the page just shown.
    Heading,
    /// The first field with a problem.
    Question(QuestionId),
}

/// The state of one mounted survey.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyState {
    pub def: Rc<Definition>,
    pub session: Session,
    pub locale: Locale,
    pub phase: Phase,
    pub focus: Option<Focus>,
    /// Visit context and mode, copied into the payload.
    pub context: BTreeMap<String, String>,
    pub mode: Mode,
}

/// Everything that can happen to a survey.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Answer(QuestionId, Option<Answer>),
    Next,
    Back,
    /// Submit, with the id and time made on the device by the caller.
    Submit {
        id: ResponseId,
        created_at: String,
    },
    Sent,
    SendFailed,
    Retry,
    SetLocale(Locale),
}

impl SurveyState {
    pub fn new(
        def: Rc<Definition>,
        locale: Locale,
        context: BTreeMap<String, String>,
        mode: Mode,
    ) -> Self {
        Self {
            def,
            session: Session::new(),
            locale,
            phase: Phase::Answering,
            focus: None,
            context,
            mode,
        }
    }

    fn move_focus(&mut self, target: FocusTarget) {
        let seq = self.focus.as_ref().map_or(1, |f| f.seq.wrapping_add(1));
        self.focus = Some(Focus { seq, target });
    }

    fn focus_problem(&mut self, err: SessionError) {
        if let SessionError::Invalid(problems) = err {
            if let Some((id, _)) = problems.into_iter().next() {
                self.move_focus(FocusTarget::Question(id));
            }
        }
    }

    fn apply(&mut self, action: Action) {
        match (action, &self.phase) {
            (Action::SetLocale(l), _) if self.def.locales.contains(&l) => self.locale = l,
            (Action::Answer(id, a), Phase::Answering | Phase::Failed(_)) => {
                if matches!(self.phase, Phase::Failed(_)) {
                    self.phase = Phase::Answering;
                }
                // An unknown id cannot come from our own rendering; ignoring it keeps state sound.
                let _ = self.session.answer(&self.def, &id, a);
            }
            (Action::Next, Phase::Answering) => {
                let before = self.session.page();
                match self.session.next(&self.def) {
                    Ok(()) if self.session.page() != before => {
                        self.move_focus(FocusTarget::Heading)
                    }
                    Ok(()) => {}
                    Err(e) => self.focus_problem(e),
                }
            }
            (Action::Back, Phase::Answering | Phase::Failed(_)) => {
                self.phase = Phase::Answering;
                if self.session.page() > 0 {
                    self.session.back();
                    self.move_focus(FocusTarget::Heading);
                }
            }
            (Action::Submit { id, created_at }, Phase::Answering) => {
                match self.session.finish(&self.def) {
                    Ok(answers) => {
                        self.phase = Phase::Sending(Rc::new(ResponsePayload {
                            format: RESPONSE_FORMAT.to_string(),
                            id,
                            survey: SurveyRef {
                                id: self.def.id.clone(),
                                version: self.def.version,
                            },
                            locale: self.locale.clone(),
                            created_at,
                            context: self.context.clone(),
                            answers,
                            client: ClientInfo {
                                widget_version: crate::WIDGET_VERSION.to_string(),
                                mode: self.mode,
                            },
                        }));
                    }
                    Err(e) => self.focus_problem(e),
                }
            }
            (Action::Sent, Phase::Sending(_)) => {
                self.phase = Phase::Done;
                self.session = Session::new();
                self.move_focus(FocusTarget::Heading);
            }
            (Action::SendFailed, Phase::Sending(p)) => self.phase = Phase::Failed(p.clone()),
            (Action::Retry, Phase::Failed(p)) => self.phase = Phase::Sending(p.clone()),
            _ => {}
        }
    }
}

impl Reducible for SurveyState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use survey_core::{templates, Input};

    fn state() -> Rc<SurveyState> {
        let def = Rc::new(templates::load("post-service").unwrap().unwrap());
        Rc::new(SurveyState::new(
            def,
            Locale::new("en"),
            BTreeMap::new(),
            Mode::Page,
        ))
    }

    fn answer_current_page(mut s: Rc<SurveyState>) -> Rc<SurveyState> {
        let page = s.def.pages[s.session.page()].clone();
        for q in page.questions {
            let a = match q.input {
                Input::Rating { .. } => Answer::Scale(3),
                Input::Nps { .. } => Answer::Scale(10),
                Input::YesNo { .. } => Answer::YesNo(false),
                Input::Text { .. } => Answer::Text("ok".into()),
            };
            s = s.reduce(Action::Answer(q.id, Some(a)));
        }
        s
    }

    fn submit() -> Action {
        Action::Submit {
            id: ResponseId::from_random_bytes([7; 16]),
            created_at: "2026-11-23T10:00:00Z".into(),
        }
    }

    #[test]
    fn next_on_an_empty_page_focuses_the_first_problem() {
        let s = state().reduce(Action::Next);
        assert_eq!(s.session.page(), 0);
        assert_eq!(
            s.focus.as_ref().map(|f| f.target.clone()),
            Some(FocusTarget::Question(QuestionId::new("p_appointment")))
        );
    }

    #[test]
    fn full_walk_builds_a_valid_payload_and_retry_keeps_its_id() {
        let mut s = state();
        let pages = s.def.pages.len();
        for _ in 0..pages - 1 {
            s = answer_current_page(s).reduce(Action::Next);
        }
        s = answer_current_page(s).reduce(submit());
        let Phase::Sending(p) = s.phase.clone() else {
            panic!("not sending: {:?}", s.phase)
        };
        p.validate(Some(&s.def))
            .expect("payload valid for its own survey");
        assert_eq!(p.answers.len(), 19);
        assert_eq!(p.locale.as_str(), "en");
        s = s.reduce(Action::SendFailed).reduce(Action::Retry);
        let Phase::Sending(again) = s.phase.clone() else {
            panic!("retry did not send")
        };
        assert_eq!(again.id, p.id);
        s = s.reduce(Action::Sent);
        assert_eq!(s.phase, Phase::Done);
        assert!(
            s.session.answers().is_empty(),
            "answers are gone after submit"
        );
    }

    #[test]
    fn submit_with_missing_answers_does_not_send() {
        let s = state().reduce(submit());
        assert_eq!(s.phase, Phase::Answering);
    }

    #[test]
    fn unknown_locale_is_ignored_and_same_state_is_not_re_rendered() {
        let s = state();
        let s2 = s.clone().reduce(Action::SetLocale(Locale::new("fr")));
        assert!(Rc::ptr_eq(&s, &s2));
        let s3 = s.reduce(Action::SetLocale(Locale::new("zh-TW")));
        assert_eq!(s3.locale.as_str(), "zh-TW");
    }
}
