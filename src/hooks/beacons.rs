//! The funnel beacons of one visit (one mounted survey): `survey_core::funnel`'s
//! tracker decides what to send, [`crate::services::beacon`] sends it. A hook of its
//! own, so the survey's flow only hands it the state.
//!
//! Signals: shown on mount (on a kiosk, at the first answer instead: a lounge tablet
//! shows the survey to nobody most of the day); the first answer given after mount
//! ("started"; answers restored or filled from the URL are not the customer's); the
//! page showing; completion; the page hidden or closed (`visibilitychange` to hidden,
//! `pagehide`); and no new answer or page for `IDLE_SECONDS` (idle). Times come from
//! the one clock service ([`crate::services::browser::now_ms`]).
//!
//! One effect and one memo, on purpose: each Yew hook instance is generic code of its
//! own in the wasm, and the widget's download is budgeted.

use crate::services::{beacon, browser};
use crate::state::{Phase, SurveyState};
use gloo::timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use survey_core::funnel::{Signal, Tracker, Visit, IDLE_SECONDS};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type Listener = Closure<dyn Fn(web_sys::Event)>;

/// One visit's beacons: the visit, its tracker, where they go, and its timers and
/// listeners.
struct Beacons {
    url: String,
    visit: Visit,
    tracker: RefCell<Tracker>,
    /// How many answers the survey had when it was mounted; `None` before.
    start: Cell<Option<usize>>,
    idle: RefCell<Option<Timeout>>,
    hidden: RefCell<Option<Listener>>,
}

impl Beacons {
    fn fire(&self, signal: Signal) {
        let (next, beacon) = self
            .tracker
            .borrow()
            .step(&self.visit, signal, browser::now_ms());
        *self.tracker.borrow_mut() = next;
        if let Some(b) = beacon {
            beacon::send(&self.url, &b.to_json());
        }
    }

    /// What a render with this page, completion and number of answers tells.
    fn observe(self: &Rc<Self>, page: u32, done: bool, answered: usize) {
        let kiosk = self.visit.channel == survey_core::funnel::Channel::Kiosk;
        match self.start.get() {
            None => {
                self.start.set(Some(answered));
                if !kiosk {
                    self.fire(Signal::Shown);
                }
            }
            Some(start) if answered > start => {
                self.fire(Signal::Shown); // a kiosk's visit starts at its first answer
                self.fire(Signal::Answered);
            }
            Some(_) => {}
        }
        self.fire(if done {
            Signal::Completed
        } else {
            Signal::PageReached(page)
        });
        // Idle from now; the timer this replaces is dropped, which cancels it.
        let me = Rc::downgrade(self);
        *self.idle.borrow_mut() = Some(Timeout::new(IDLE_SECONDS * 1000, move || {
            if let Some(b) = me.upgrade() {
                b.fire(Signal::Idle);
            }
        }));
        self.listen(true);
    }

    /// Adds (or removes) the `pagehide` and `visibilitychange` listeners.
    fn listen(self: &Rc<Self>, on: bool) {
        let mut slot = self.hidden.borrow_mut();
        let me: Weak<Self> = Rc::downgrade(self);
        let f = slot.get_or_insert_with(|| {
            Closure::new(move |e: web_sys::Event| {
                let gone = e.type_() == "pagehide"
                    || web_sys::window()
                        .and_then(|w| w.document())
                        .is_some_and(|d| d.hidden());
                if let Some(b) = me.upgrade().filter(|_| gone) {
                    b.fire(Signal::Hidden);
                }
            })
        });
        let f = f.as_ref().unchecked_ref();
        let window = web_sys::window();
        let targets: [(Option<web_sys::EventTarget>, &str); 2] = [
            (window.clone().map(Into::into), "pagehide"),
            (
                window.and_then(|w| w.document()).map(Into::into),
                "visibilitychange",
            ),
        ];
        for (target, name) in targets {
            if let Some(t) = target {
                let _ = if on {
                    t.add_event_listener_with_callback(name, f)
                } else {
                    t.remove_event_listener_with_callback(name, f)
                };
            }
        }
    }
}

/// Sends the visit's beacons to `url` (`None`: beacons off, or not our collector).
#[hook]
pub fn use_beacons(url: Option<AttrValue>, state: UseReducerHandle<SurveyState>) {
    let beacons = {
        let (def, dealer, mode) = (
            state.def.clone(),
            state.context.get("dealer").cloned(),
            state.mode,
        );
        use_memo((), move |()| {
            // The collector prerenders the first page natively (`ssr`), where there is
            // no browser to ask for randomness: no visit there; the widget's own
            // render in the browser makes it.
            if cfg!(not(target_arch = "wasm32")) {
                return None;
            }
            Some(Rc::new(Beacons {
                url: url?.to_string(),
                visit: Visit::new(
                    browser::new_response_id()?.as_str().into(),
                    def.id.clone(),
                    def.version,
                    dealer,
                    mode,
                ),
                tracker: RefCell::default(),
                start: Cell::new(None),
                idle: RefCell::new(None),
                hidden: RefCell::new(None),
            }))
        })
    };
    // The definition's page in both flows (a screen is a question in the question flow).
    let page = state.session.page_number(&state.def) as u32;
    let done = matches!(state.phase, Phase::Done(_));
    let answered = state.session.answers().len();
    let beacons = (*beacons).clone();
    use_effect_with((page, done, answered), move |&(page, done, answered)| {
        if let Some(b) = &beacons {
            b.observe(page, done, answered);
        }
        move || {
            if let Some(b) = beacons {
                b.listen(false);
                b.idle.borrow_mut().take();
            }
        }
    });
}
