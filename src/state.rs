//! The widget's state and its reducer: every change goes through [`Action`].
//!
//! No side effects here: ids and clocks come in with the action, sending happens in a
//! hook that watches [`Phase::Sending`]. That keeps the reducer testable natively.
//!
//! # The question flow's moves (issue 17)
//!
//! In the one-question-at-a-time flow (`survey_core::flow`) a one-tap answer moves on
//! by itself:
//!
//! ```text
//! Pick{now} ──▶ advance = Some(seq) ──(use_advance: ADVANCE_MS, 0 with reduced motion)──▶
//!     Advance{seq, now} ──▶ next screen, focus on its question, arrived_at = now
//! ```
//!
//! A pick on the next screen (or a Continue) within [`GHOST_MS`] of an automatic move is
//! dropped: it is the same finger landing twice (an impatient double tap), not a new
//! choice. Back, Next and another pick cancel a pending move (its `seq` no longer
//! matches); the last screen never moves by itself: sending is the customer's tap.
//!
//! "All yes" on a checklist ([`Action::AllYes`], `survey_core::flow::all_yes`) is one
//! pick for the whole group: every item answered yes, the group noted for the
//! payload's `client.all_yes`, and the same scheduled move (none in the page flow,
//! which never moves by itself).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;
use survey_core::flow::{self, Flow};
use survey_core::payload::{ClientInfo, Mode, SurveyRef, RESPONSE_FORMAT};
use survey_core::scoring::{self, AlertRule, NpsCategory, ScoreCard};
use survey_core::session::SessionError;
use survey_core::{
    Answer, Answers, Definition, Input, Locale, QuestionId, ResponseId, ResponsePayload, Session,
    SurveyId,
};
use yew::Reducible;

/// How the thank-you screen answers what the customer said (peak-end: the last
/// thing they read is remembered). It says only what is true: an apology only to a
/// customer who scored us low, a call only to one who asked for it and left a way to
/// be reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Thanks {
    pub tone: Tone,
    /// The customer asked to be contacted and left a phone number or an e-mail address.
    pub will_contact: bool,
    /// A promoter with no alert at all: a public review may be offered.
    pub review: bool,
}

/// The tone of the thank-you.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tone {
    /// Nothing in particular stood out.
    #[default]
    Plain,
    /// Low scores: an overall or CSAT item at or below the alert threshold, or a CSI
    /// below 50 (the middle of the scale). A detractor's NPS alone is not an apology:
    /// a customer who rated everything "satisfied" was not let down.
    Sorry,
    /// A promoter who gave no low score.
    Delighted,
}

impl Thanks {
    /// Chooses the thank-you from the device's own score card and the answers.
    pub fn for_response(card: &ScoreCard, answers: &Answers) -> Self {
        let low = card.alerts.iter().any(|a| a.rule == AlertRule::LowOverall)
            || card.csi.is_some_and(|c| c < 50.0);
        let promoter = card
            .nps
            .as_ref()
            .is_some_and(|n| n.category == NpsCategory::Promoter);
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
        let will_contact = answers.values().any(|a| {
            matches!(a, Answer::Contact(c) if c.consent && (given(&c.phone) || given(&c.email)))
        });
        Thanks {
            tone: match (low, promoter) {
                (true, _) => Tone::Sorry,
                (false, true) => Tone::Delighted,
                (false, false) => Tone::Plain,
            },
            will_contact,
            review: promoter && !low && card.alerts.is_empty(),
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
    /// The page URL's parameters a hidden question may be filled from, by its id.
    pub url_fields: BTreeMap<String, String>,
    /// A required question an answer just brought into the page, to be scrolled into
    /// view (focus stays where the customer is); `seq` changes each time.
    pub reveal: Option<Focus>,
    /// The question flow's pending move after a one-tap answer: the `seq` the timer
    /// hands back in [`Action::Advance`]; `None`: nothing pending.
    pub advance: Option<u32>,
    advance_seq: u32,
    /// When (epoch ms) the last automatic move showed this screen, for [`GHOST_MS`].
    arrived_at: Option<u64>,
    /// The checklist groups answered with "All yes", each once, for the payload.
    pub all_yes: Vec<String>,
}

/// How long a chosen answer stays in view before the question flow moves on (ms);
/// none under `prefers-reduced-motion` (`hooks::use_advance`).
pub const ADVANCE_MS: u32 = 250;
/// Taps on a screen this soon (ms) after the flow moved to it by itself are dropped:
/// the finger that chose on the last screen, landing again.
pub const GHOST_MS: u64 = 400;

/// How a response is on its way, as the customer is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delivery {
    /// Delivered, or stored on the device and being sent: nothing to say.
    #[default]
    Normal,
    /// Stored on the device; it will be sent when the network is back.
    QueuedOffline,
    /// Stored on the device while it is online: the endpoint did not answer (down,
    /// 5xx, timeout); the outbox sends it by itself later.
    ServerDown,
    /// Refused with 409: this link was answered already. Nothing was stored and
    /// nothing will be sent.
    AlreadyAnswered,
    /// Refused for good (another 4xx): not stored, and not sent again.
    Refused,
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
    /// The question flow's screen on the page: its first question (0 in the page flow).
    #[serde(default)]
    pub at: usize,
    pub locale: Locale,
    pub answers: Answers,
    /// The groups answered with "All yes" so far (absent before issue 17's button).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_yes: Vec<String>,
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
    /// The question flow: a tap or a number key chose an answer at `now_ms`; a one-tap
    /// answer schedules the move to the next screen.
    Pick {
        id: QuestionId,
        answer: Option<Answer>,
        now_ms: u64,
    },
    /// The question flow's move timer `seq` ran out.
    Advance {
        seq: u32,
        now_ms: u64,
    },
    /// The question flow's Next (button or Enter) at `now_ms`.
    Continue {
        now_ms: u64,
    },
    /// "All yes" on a checklist screen, tapped at `now_ms`.
    AllYes {
        now_ms: u64,
    },
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
        let mut state = Self::with_session(def, locale, context, mode, session);
        state.all_yes = snapshot.all_yes;
        state
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
        let session = fresh_session(&def, &context, &BTreeMap::new(), session);
        Self {
            def,
            session,
            locale,
            phase: Phase::Answering,
            focus: None,
            context,
            mode,
            delivery: Delivery::Normal,
            url_fields: BTreeMap::new(),
            reveal: None,
            advance: None,
            advance_seq: 0,
            arrived_at: None,
            all_yes: Vec::new(),
        }
    }

    /// The same survey walked in `flow`, standing on the screen of question `at` of
    /// its page (a snapshot's, after a reload; 0 for the page's first).
    pub fn in_flow(mut self, flow: Flow, at: usize) -> Self {
        self.session = self.session.in_flow(&self.def, flow, at);
        self
    }

    /// A tap landing on a screen the flow moved to by itself a moment ago.
    pub fn ghost(&self, now_ms: u64) -> bool {
        self.arrived_at
            .is_some_and(|t| now_ms < t.saturating_add(GHOST_MS))
    }

    /// The screen shows one question whose answer says it all, and it is not the last.
    fn moves_by_itself(&self) -> bool {
        let shown = self.session.visible_questions(&self.def);
        self.session.flow() == Flow::Question
            && shown.len() == 1
            && flow::advances_by_itself(shown[0])
            && !self.session.is_last_page(&self.def)
    }

    fn next_screen(&mut self) {
        let before = (self.session.page(), self.session.at());
        match self.session.next(&self.def) {
            Ok(()) if (self.session.page(), self.session.at()) != before => {
                self.move_focus(FocusTarget::Heading)
            }
            Ok(()) => {}
            Err(e) => self.focus_problem(e),
        }
    }

    /// Fills the hidden questions the visit context left empty from the URL parameter
    /// named by the question's own id (`?service=express`).
    pub fn with_url_fields(mut self, fields: BTreeMap<String, String>) -> Self {
        self.url_fields = fields;
        self.session = fresh_session(&self.def, &self.context, &self.url_fields, self.session);
        self
    }

    /// What to keep across a reload.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            survey: self.def.id.clone(),
            version: self.def.version,
            page: self.session.page(),
            at: self.session.at(),
            locale: self.locale.clone(),
            answers: self.session.answers().clone(),
            all_yes: self.all_yes.clone(),
        }
    }

    fn move_focus(&mut self, target: FocusTarget) {
        let seq = self.focus.as_ref().map_or(1, |f| f.seq.wrapping_add(1));
        self.focus = Some(Focus { seq, target });
    }

    /// The required questions the current page shows.
    fn required_shown(&self) -> Vec<QuestionId> {
        self.session
            .visible_questions(&self.def)
            .into_iter()
            .filter(|q| q.required)
            .map(|q| q.id.clone())
            .collect()
    }

    fn focus_problem(&mut self, err: SessionError) {
        if let SessionError::Invalid(problems) = err {
            if let Some((id, _)) = problems.into_iter().next() {
                self.move_focus(FocusTarget::Question(id));
            }
        }
    }

    fn apply(&mut self, action: Action) {
        // Whatever happens, a pending move is for the screen and answer it was made on.
        if !matches!(action, Action::Advance { .. } | Action::SetLocale(_)) {
            self.advance = None;
        }
        match (action, &self.phase) {
            (Action::Pick { id, answer, now_ms }, Phase::Answering | Phase::Failed(_)) => {
                if self.ghost(now_ms) {
                    return;
                }
                let given = answer.is_some();
                self.apply(Action::Answer(id.clone(), answer));
                let this = self.session.visible_questions(&self.def);
                if given
                    && this.len() == 1
                    && this[0].id == id
                    && self.moves_by_itself()
                    && matches!(self.phase, Phase::Answering)
                {
                    self.advance_seq = self.advance_seq.wrapping_add(1);
                    self.advance = Some(self.advance_seq);
                }
            }
            (Action::AllYes { now_ms }, Phase::Answering | Phase::Failed(_)) => {
                if self.ghost(now_ms) {
                    return;
                }
                let shown = self.session.visible_questions(&self.def);
                let Some(group) = flow::all_yes(&shown).map(str::to_string) else {
                    return;
                };
                let ids: Vec<QuestionId> = shown.iter().map(|q| q.id.clone()).collect();
                for id in ids {
                    self.apply(Action::Answer(id, Some(Answer::YesNo(true))));
                }
                if !self.all_yes.contains(&group) {
                    self.all_yes.push(group);
                }
                if self.session.flow() == Flow::Question
                    && !self.session.is_last_page(&self.def)
                    && matches!(self.phase, Phase::Answering)
                {
                    self.advance_seq = self.advance_seq.wrapping_add(1);
                    self.advance = Some(self.advance_seq);
                }
            }
            (Action::Advance { seq, now_ms }, Phase::Answering) if self.advance == Some(seq) => {
                self.advance = None;
                self.next_screen();
                self.arrived_at = Some(now_ms);
            }
            (Action::Continue { now_ms }, Phase::Answering) if !self.ghost(now_ms) => {
                self.arrived_at = None;
                self.next_screen();
            }
            (Action::SetLocale(l), _) if self.def.locales.contains(&l) => self.locale = l,
            (Action::Answer(id, a), Phase::Answering | Phase::Failed(_)) => {
                if matches!(self.phase, Phase::Failed(_)) {
                    self.phase = Phase::Answering;
                }
                let shown = self.required_shown();
                // An unknown id cannot come from our own rendering; ignoring it keeps state sound.
                let _ = self.session.answer(&self.def, &id, a);
                if let Some(new) = self
                    .required_shown()
                    .into_iter()
                    .find(|q| !shown.contains(q))
                {
                    let seq = self.reveal.as_ref().map_or(1, |f| f.seq.wrapping_add(1));
                    self.reveal = Some(Focus {
                        seq,
                        target: FocusTarget::Question(new),
                    });
                }
            }
            (Action::Next, Phase::Answering) => self.next_screen(),
            (Action::Back, Phase::Answering | Phase::Failed(_)) => {
                self.phase = Phase::Answering;
                self.arrived_at = None;
                if self.session.progress(&self.def).current > 1 {
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
                                all_yes: self.all_yes.clone(),
                            },
                            score: Some(score),
                        }));
                    }
                    Err(e) => self.focus_problem(e),
                }
            }
            (Action::Sent { how }, Phase::Sending(p)) => {
                self.delivery = how;
                self.phase = Phase::Done(
                    p.score
                        .as_ref()
                        .map(|c| Thanks::for_response(c, &p.answers))
                        .unwrap_or_default(),
                );
                let flow = self.session.flow();
                self.all_yes.clear();
                self.session =
                    fresh_session(&self.def, &self.context, &self.url_fields, Session::new())
                        .in_flow(&self.def, flow, 0);
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

/// Fills the hidden questions from the visit context (dealer, repair order, …), or
/// else from the URL parameter of the question's own id, so they travel with the
/// answers; a value that does not fit is left out.
fn fresh_session(
    def: &Definition,
    context: &BTreeMap<String, String>,
    url_fields: &BTreeMap<String, String>,
    mut session: Session,
) -> Session {
    for q in def.questions() {
        if let Input::Hidden { source } = &q.input {
            let value = context
                .get(source)
                .or_else(|| url_fields.get(q.id.as_str()))
                .map(|v| Answer::Text(v.clone()));
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

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs
            .iter()
            .map(|(id, a)| (QuestionId::new(*id), a.clone()))
            .collect()
    }

    fn thanks(pairs: &[(&str, Answer)]) -> Thanks {
        let def = templates::load("post-service").unwrap().unwrap();
        let answers = answers(pairs);
        Thanks::for_response(
            &scoring::score(&def, &answers, &def.scoring_config()),
            &answers,
        )
    }

    fn contact(phone: Option<&str>) -> Answer {
        Answer::Contact(survey_core::answers::ContactAnswer {
            consent: true,
            phone: phone.map(str::to_string),
            email: None,
        })
    }

    /// Every satisfaction item of post-service at `v`.
    fn all_rated(v: u8) -> Vec<(&'static str, Answer)> {
        [
            "s_wait_reception",
            "s_lounge",
            "s_explanation",
            "s_fair_price",
            "s_clean",
            "s_duration",
            "s_quality",
            "s_advisor",
            "s_overall",
        ]
        .into_iter()
        .map(|id| (id, Answer::Scale(v)))
        .collect()
    }

    #[test]
    fn thanks_say_only_what_is_true() {
        let with = |mut base: Vec<(&'static str, Answer)>, more: &[(&'static str, Answer)]| {
            base.extend(more.iter().cloned());
            thanks(&base)
        };
        // Satisfied (4 everywhere) but NPS 6, no contact asked: no apology, no promise.
        let t = with(all_rated(4), &[("nps", Answer::Scale(6))]);
        assert_eq!((t.tone, t.will_contact), (Tone::Plain, false));
        // Delighted, and asked to be called with a number: thanks and a promise, no sorry.
        let t = with(
            all_rated(5),
            &[
                ("nps", Answer::Scale(10)),
                ("contact_me", contact(Some("13800138000"))),
            ],
        );
        assert_eq!((t.tone, t.will_contact), (Tone::Delighted, true));
        assert!(!t.review, "an alert (contact requested): no review prompt");
        let t = with(all_rated(5), &[("nps", Answer::Scale(10))]);
        assert_eq!(
            (t.tone, t.will_contact, t.review),
            (Tone::Delighted, false, true)
        );
        // Low scores, asked but left no way to be reached (a kiosk): sorry, no promise.
        let t = with(
            all_rated(1),
            &[
                ("nps", Answer::Scale(2)),
                ("contact_me", contact(Some("  "))),
            ],
        );
        assert_eq!((t.tone, t.will_contact), (Tone::Sorry, false));
        let t = with(
            all_rated(2),
            &[
                ("nps", Answer::Scale(3)),
                ("contact_me", contact(Some("13800138000"))),
            ],
        );
        assert_eq!((t.tone, t.will_contact), (Tone::Sorry, true));
        // A low overall alone is a low score.
        let t = thanks(&[("nps", Answer::Scale(9)), ("s_overall", Answer::Scale(1))]);
        assert_eq!(t.tone, Tone::Sorry);
    }

    #[test]
    fn a_required_question_brought_in_by_an_answer_is_revealed() {
        let def = Rc::new(templates::load("post-call").unwrap().unwrap());
        let s = Rc::new(SurveyState::new(
            def,
            Locale::new("en"),
            BTreeMap::new(),
            Mode::Page,
        ));
        let s = s.reduce(Action::Answer(
            QuestionId::new("csat"),
            Some(Answer::Scale(4)),
        ));
        assert_eq!(s.reveal, None);
        let s = s.reduce(Action::Answer(
            QuestionId::new("fcr"),
            Some(Answer::YesNo(false)),
        ));
        assert_eq!(
            s.reveal.as_ref().map(|f| f.target.clone()),
            Some(FocusTarget::Question(QuestionId::new("open_issue")))
        );
        assert_eq!(s.focus, None, "focus stays where the customer is");
    }

    #[test]
    fn hidden_questions_fill_from_the_url_parameter_of_their_own_id() {
        let def = Rc::new(templates::load("post-call").unwrap().unwrap());
        let fields = [("call_type".to_string(), "complaint".to_string())].into();
        let s = SurveyState::new(def, Locale::new("en"), BTreeMap::new(), Mode::Page)
            .with_url_fields(fields);
        assert_eq!(
            s.session.answers().get(&QuestionId::new("call_type")),
            Some(&Answer::Text("complaint".into()))
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

    // ---------- the question flow (issue 17) ----------

    fn question_flow() -> Rc<SurveyState> {
        let s = state();
        Rc::new((*s).clone().in_flow(Flow::Question, 0))
    }

    fn shown(s: &SurveyState) -> Vec<String> {
        s.session
            .visible_questions(&s.def)
            .iter()
            .map(|q| q.id.to_string())
            .collect()
    }

    fn pick(id: &str, a: Answer, now_ms: u64) -> Action {
        Action::Pick {
            id: QuestionId::new(id),
            answer: Some(a),
            now_ms,
        }
    }

    /// Past the two checklists, onto the first rating.
    fn at_first_rating() -> Rc<SurveyState> {
        let mut s = question_flow();
        for _ in 0..2 {
            s = answer_current_page(s);
            s = s.reduce(Action::Continue { now_ms: 1_000 });
        }
        assert_eq!(shown(&s), ["s_wait_reception"]);
        s
    }

    #[test]
    fn a_one_tap_answer_moves_on_when_its_timer_runs_out_and_only_then() {
        let s = at_first_rating();
        let s = s.reduce(pick("s_wait_reception", Answer::Scale(5), 2_000));
        let seq = s.advance.expect("a move is scheduled");
        assert_eq!(shown(&s), ["s_wait_reception"], "not before the timer");
        let stale = s.clone().reduce(Action::Advance {
            seq: seq.wrapping_add(1),
            now_ms: 2_250,
        });
        assert!(
            Rc::ptr_eq(&stale, &s),
            "another timer's end changes nothing"
        );
        let s = s.reduce(Action::Advance { seq, now_ms: 2_250 });
        assert_eq!(shown(&s), ["s_lounge"]);
        assert_eq!(s.advance, None);
        assert_eq!(
            s.focus.as_ref().map(|f| &f.target),
            Some(&FocusTarget::Heading)
        );
        // Back cancels nothing it should not, and returns with the answer kept.
        let back = s.clone().reduce(Action::Back);
        assert_eq!(shown(&back), ["s_wait_reception"]);
        assert_eq!(
            back.session
                .answers()
                .get(&QuestionId::new("s_wait_reception")),
            Some(&Answer::Scale(5))
        );
    }

    #[test]
    fn back_or_another_pick_cancels_a_pending_move() {
        let s = at_first_rating().reduce(pick("s_wait_reception", Answer::Scale(4), 2_000));
        let seq = s.advance.unwrap();
        let backed = s.clone().reduce(Action::Back);
        assert_eq!(backed.advance, None);
        let after = backed.reduce(Action::Advance { seq, now_ms: 2_250 });
        assert_eq!(shown(&after).len(), 4, "still on the checklist");
        let again = s.reduce(pick("s_wait_reception", Answer::Scale(2), 2_100));
        assert_ne!(again.advance, Some(seq), "the new choice has its own timer");
    }

    #[test]
    fn the_tap_that_chose_does_not_also_answer_the_next_screen() {
        let s = at_first_rating().reduce(pick("s_wait_reception", Answer::Scale(5), 2_000));
        let seq = s.advance.unwrap();
        let s = s.reduce(Action::Advance { seq, now_ms: 2_250 });
        // The same finger, 100 ms later, on the next screen: dropped.
        let ghost = s.clone().reduce(pick("s_lounge", Answer::Scale(1), 2_350));
        assert!(Rc::ptr_eq(&ghost, &s));
        let ghost = s.clone().reduce(Action::Continue { now_ms: 2_400 });
        assert!(Rc::ptr_eq(&ghost, &s));
        // A real choice, later, counts.
        let real = s.reduce(pick("s_lounge", Answer::Scale(1), 2_700));
        assert!(real.advance.is_some());
        assert_eq!(
            real.session.answers().get(&QuestionId::new("s_lounge")),
            Some(&Answer::Scale(1))
        );
    }

    #[test]
    fn a_checklist_text_and_the_last_screen_wait_for_next() {
        let s = question_flow().reduce(pick("p_appointment", Answer::YesNo(true), 1_000));
        assert_eq!(s.advance, None, "a checklist item does not move on");
        // Walk to the end and check the last screen never moves by itself.
        let mut s = at_first_rating();
        let mut guard = 0;
        while !s.session.is_last_page(&s.def) && guard < 40 {
            guard += 1;
            s = answer_current_page(s);
            s = s.reduce(Action::Continue { now_ms: 10_000 });
        }
        assert_eq!(shown(&s), ["comment"]);
        let s = s.reduce(Action::Pick {
            id: QuestionId::new("comment"),
            answer: Some(Answer::Text("fine".into())),
            now_ms: 20_000,
        });
        assert_eq!(s.advance, None);
        let s = s.reduce(submit());
        assert!(matches!(s.phase, Phase::Sending(_)));
        let s = s.reduce(Action::Sent {
            how: Delivery::Normal,
        });
        assert_eq!(s.session.flow(), Flow::Question, "the next customer too");
    }

    #[test]
    fn a_reload_returns_to_the_same_question() {
        let s = at_first_rating().reduce(pick("s_wait_reception", Answer::Scale(5), 2_000));
        let seq = s.advance.unwrap();
        let s = s.reduce(Action::Advance { seq, now_ms: 2_250 });
        let snap = s.snapshot();
        assert_eq!((snap.page, snap.at), (2, 1));
        let back = SurveyState::restored(s.def.clone(), BTreeMap::new(), Mode::Page, snap)
            .in_flow(Flow::Question, 1);
        assert_eq!(shown(&back), ["s_lounge"]);
        // A snapshot from before the question flow has no `at`: the page's first screen.
        let old: Snapshot = serde_json::from_str(
            r#"{"survey":"post-service","version":1,"page":2,"locale":"en","answers":{}}"#,
        )
        .unwrap();
        assert_eq!(old.at, 0);
    }

    fn yes_no(s: &SurveyState, ids: &[&str]) -> Vec<Option<Answer>> {
        ids.iter()
            .map(|id| s.session.answers().get(&QuestionId::new(*id)).cloned())
            .collect()
    }

    const BOOKING: [&str; 4] = [
        "p_appointment",
        "p_cost_estimate",
        "p_time_estimate",
        "p_lounge_food",
    ];

    #[test]
    fn all_yes_answers_the_checklist_and_moves_on_like_a_pick() {
        let s = question_flow().reduce(Action::AllYes { now_ms: 1_000 });
        assert_eq!(
            yes_no(&s, &BOOKING),
            vec![Some(Answer::YesNo(true)); 4],
            "every item yes, as four taps on yes"
        );
        assert_eq!(s.all_yes, ["booking"]);
        let seq = s.advance.expect("a move is scheduled");
        assert_eq!(shown(&s).len(), 4, "not before the timer");
        let s = s.reduce(Action::Advance { seq, now_ms: 1_250 });
        assert_eq!(shown(&s)[0], "p_inspect_invite");
        // The same finger landing on the next checklist's "All yes" is dropped.
        let ghost = s.clone().reduce(Action::AllYes { now_ms: 1_300 });
        assert!(Rc::ptr_eq(&ghost, &s));
        // Back shows the answers; one item changed to no stays no, the rest yes.
        let back = s.reduce(Action::Back);
        assert_eq!(shown(&back), BOOKING);
        let changed = back.reduce(pick("p_lounge_food", Answer::YesNo(false), 5_000));
        assert_eq!(changed.advance, None, "a checklist item does not move on");
        assert_eq!(
            yes_no(&changed, &BOOKING[2..]),
            [Some(Answer::YesNo(true)), Some(Answer::YesNo(false))]
        );
        // On to the payload: the per-item answers, and the group noted once.
        let mut s = changed
            .reduce(Action::AllYes { now_ms: 6_000 })
            .reduce(pick("p_lounge_food", Answer::YesNo(false), 6_500))
            .reduce(Action::Continue { now_ms: 7_000 });
        assert_eq!(s.all_yes, ["booking"]);
        let mut guard = 0;
        while !s.session.is_last_page(&s.def) && guard < 40 {
            guard += 1;
            s = answer_current_page(s).reduce(Action::Continue { now_ms: 10_000 });
        }
        let s = answer_current_page(s).reduce(submit());
        let Phase::Sending(p) = s.phase.clone() else {
            panic!("not sending: {:?}", s.phase)
        };
        assert_eq!(p.client.all_yes, ["booking"]);
        assert_eq!(
            p.answers.get(&QuestionId::new("p_lounge_food")),
            Some(&Answer::YesNo(false))
        );
        p.validate(Some(&s.def)).expect("a valid payload");
        let s = s.reduce(Action::Sent {
            how: Delivery::Normal,
        });
        assert!(s.all_yes.is_empty(), "the next customer starts afresh");
    }

    #[test]
    fn all_yes_is_nothing_off_a_checklist_and_never_moves_the_page_flow() {
        let s = at_first_rating();
        let same = s.clone().reduce(Action::AllYes { now_ms: 9_000 });
        assert!(Rc::ptr_eq(&same, &s), "a rating screen has no All yes");
        // The page flow's booking page is the same checklist: answered, not moved.
        let s = state().reduce(Action::AllYes { now_ms: 1_000 });
        assert_eq!(yes_no(&s, &BOOKING), vec![Some(Answer::YesNo(true)); 4]);
        assert_eq!((s.advance, s.session.page()), (None, 0));
        // A reload keeps the note.
        let snap = s.snapshot();
        let back = SurveyState::restored(s.def.clone(), BTreeMap::new(), Mode::Page, snap);
        assert_eq!(back.all_yes, ["booking"]);
    }
}
