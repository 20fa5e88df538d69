//! The widget's state and its reducer: every change goes through [`Action`].
//!
//! No side effects here: ids and clocks come in with the action, sending happens in a
//! hook that watches [`Phase::Sending`]. That keeps the reducer testable natively.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;
use survey_core::payload::{ClientInfo, Mode, SurveyRef, RESPONSE_FORMAT};
use survey_core::scoring::{self, NpsCategory, ScoreCard};
use survey_core::session::SessionError;
use survey_core::{
    Answer, Answers, Definition, Input, Locale, QuestionId, ResponseId, ResponsePayload, Session,
    SurveyId,
};
use yew::Reducible;

/// How the thank-you screen answers what the customer said (peak-end: the last
/// thing they read is remembered).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Thanks {
    /// Nothing in particular stood out.
    #[default]
    Plain,
    /// A hot alert (low score, detractor, not fixed, contact requested): we will call.
    WillCall,
    /// A promoter with no alert: thanks, and perhaps a public review.
    Delighted,
}

impl Thanks {
    /// Chooses the thank-you from the device's own score card.
    pub fn for_card(card: &ScoreCard) -> Self {
        if !card.alerts.is_empty() {
            Thanks::WillCall
        } else if card
            .nps
            .as_ref()
            .is_some_and(|n| n.category == NpsCategory::Promoter)
        {
            Thanks::Delighted
        } else {
            Thanks::Plain
        }
    }
}

/// What the customer sees.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Answering,
    /// Being posted; kept whole so a retry sends the very same response (same id).
    Sending(Rc<ResponsePayload>),
    Failed(Rc<ResponsePayload>),
    Done(Thanks),
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
    /// How the last response left: what the thank-you (or the retry screen) tells
    /// the customer about it.
    pub delivery: Delivery,
}

/// How a response is on its way, as the customer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// Delivered, or stored on the device and being sent: nothing to say.
    #[default]
    Normal,
    /// Stored on the device; it will be sent when the network is back.
    QueuedOffline,
    /// This browser cannot store it (private mode, storage full or blocked): it is
    /// sent directly, and only while the page stays open.
    NotStorable,
}

/// What is kept across a reload: enough to put the customer back where they were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub survey: SurveyId,
    pub version: u32,
    pub page: usize,
    pub locale: Locale,
    pub answers: Answers,
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
    /// The response is safe: delivered, or stored on the device to be sent when the
    /// network is back. `how` is what the customer is told about it.
    Sent {
        how: Delivery,
    },
    /// Not delivered and not stored: the retry screen. `how` says why it could not
    /// wait on the device.
    SendFailed {
        how: Delivery,
    },
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
        Self::with_session(def, locale, context, mode, Session::new())
    }

    /// Puts a customer back where a reload interrupted them. Answers that no longer fit
    /// the questionnaire are dropped; the visit context always comes from the URL.
    pub fn restored(
        def: Rc<Definition>,
        context: BTreeMap<String, String>,
        mode: Mode,
        snapshot: Snapshot,
    ) -> Self {
        let locale = if def.locales.contains(&snapshot.locale) {
            snapshot.locale
        } else {
            def.default_locale.clone()
        };
        let session = Session::restore(&def, snapshot.page, snapshot.answers);
        Self::with_session(def, locale, context, mode, session)
    }

    /// A survey about to be answered from `session`, its hidden fields filled from the
    /// visit context.
    fn with_session(
        def: Rc<Definition>,
        locale: Locale,
        context: BTreeMap<String, String>,
        mode: Mode,
        session: Session,
    ) -> Self {
        let session = fresh_session(&def, &context, session);
        Self {
            def,
            session,
            locale,
            phase: Phase::Answering,
            focus: None,
            context,
            mode,
            delivery: Delivery::Normal,
        }
    }

    /// What to keep across a reload.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            survey: self.def.id.clone(),
            version: self.def.version,
            page: self.session.page(),
            locale: self.locale.clone(),
            answers: self.session.answers().clone(),
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
                        let config = self.def.scoring_config();
                        let score = scoring::score_at(&self.def, &answers, &config, &created_at);
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
                            score: Some(score),
                        }));
                    }
                    Err(e) => self.focus_problem(e),
                }
            }
            (Action::Sent { how }, Phase::Sending(p)) => {
                self.delivery = how;
                self.phase =
                    Phase::Done(p.score.as_ref().map(Thanks::for_card).unwrap_or_default());
                self.session = fresh_session(&self.def, &self.context, Session::new());
                self.move_focus(FocusTarget::Heading);
            }
            (Action::SendFailed { how }, Phase::Sending(p)) => {
                self.delivery = how;
                self.phase = Phase::Failed(p.clone());
            }
            (Action::Retry, Phase::Failed(p)) => self.phase = Phase::Sending(p.clone()),
            _ => {}
        }
    }
}

/// Fills the hidden questions from the visit context (dealer, repair order, …), so
/// they travel with the answers; a context value that does not fit is left out.
fn fresh_session(
    def: &Definition,
    context: &BTreeMap<String, String>,
    mut session: Session,
) -> Session {
    for q in def.questions() {
        if let Input::Hidden { source } = &q.input {
            let value = context.get(source).map(|v| Answer::Text(v.clone()));
            let _ = session.answer(def, &q.id, value);
        }
    }
    session
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
        let questions: Vec<_> = s
            .session
            .visible_questions(&s.def)
            .into_iter()
            .cloned()
            .collect();
        for q in questions {
            let answers: Vec<(QuestionId, Answer)> = match q.input {
                Input::Rating { .. } => vec![(q.id, Answer::Scale(3))],
                Input::Nps { .. } => vec![(q.id, Answer::Scale(10))],
                Input::YesNo { .. } => vec![(q.id, Answer::YesNo(false))],
                Input::Text { .. } => vec![(q.id, Answer::Text("ok".into()))],
                Input::SingleChoice { options } => {
                    vec![(q.id, Answer::Choice(options[0].value.clone()))]
                }
                Input::MultiChoice { options, .. } => {
                    vec![(q.id, Answer::Choices(vec![options[0].value.clone()]))]
                }
                Input::Matrix { items, .. } => items
                    .into_iter()
                    .map(|i| (i.id, Answer::Scale(2)))
                    .collect(),
                Input::Contact { .. } => vec![(
                    q.id,
                    Answer::Contact(survey_core::answers::ContactAnswer {
                        consent: true,
                        phone: Some("+86 138 0013 8000".into()),
                        email: None,
                    }),
                )],
                Input::Hidden { .. } => vec![],
            };
            for (id, a) in answers {
                s = s.reduce(Action::Answer(id, Some(a)));
            }
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
        for _ in 0..pages {
            if s.session.is_last_page(&s.def) {
                break;
            }
            s = answer_current_page(s).reduce(Action::Next);
        }
        s = answer_current_page(s).reduce(submit());
        let Phase::Sending(p) = s.phase.clone() else {
            panic!("not sending: {:?}", s.phase)
        };
        p.validate(Some(&s.def))
            .expect("payload valid for its own survey");
        // 8 + 1 process, 9 + 1 ratings, NPS, contact, first use, comment; no follow-up for 3/5 and NPS 10.
        assert_eq!(p.answers.len(), 23);
        assert_eq!(p.locale.as_str(), "en");
        s = s
            .reduce(Action::SendFailed {
                how: Delivery::NotStorable,
            })
            .reduce(Action::Retry);
        let Phase::Sending(again) = s.phase.clone() else {
            panic!("retry did not send")
        };
        assert_eq!(again.id, p.id);
        s = s.reduce(Action::Sent {
            how: Delivery::QueuedOffline,
        });
        assert_eq!(s.delivery, Delivery::QueuedOffline);
        assert!(matches!(s.phase, Phase::Done(_)));
        assert!(
            s.session.answers().is_empty(),
            "answers are gone after submit"
        );
    }

    fn card(answers: &[(&str, Answer)]) -> ScoreCard {
        let def = templates::load("post-service").unwrap().unwrap();
        let answers = answers
            .iter()
            .map(|(id, a)| (QuestionId::new(*id), a.clone()))
            .collect();
        scoring::score(&def, &answers, &def.scoring_config())
    }

    #[test]
    fn thanks_fit_what_the_customer_said() {
        let promoter = card(&[("nps", Answer::Scale(10)), ("s_overall", Answer::Scale(5))]);
        assert_eq!(Thanks::for_card(&promoter), Thanks::Delighted);
        let detractor = card(&[("nps", Answer::Scale(3)), ("s_overall", Answer::Scale(4))]);
        assert_eq!(Thanks::for_card(&detractor), Thanks::WillCall);
        let unhappy_promoter = card(&[("nps", Answer::Scale(9)), ("s_overall", Answer::Scale(1))]);
        assert_eq!(
            Thanks::for_card(&unhappy_promoter),
            Thanks::WillCall,
            "a low overall is an alert"
        );
        let passive = card(&[("nps", Answer::Scale(8)), ("s_overall", Answer::Scale(4))]);
        assert_eq!(Thanks::for_card(&passive), Thanks::Plain);
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
