//! The funnel beacons of one visit (one mounted survey): `survey_core::funnel`'s
//! tracker decides what to send, [`crate::services::beacon`] sends it. A hook of its
//! own, so the survey's flow only hands it the state.
//!
//! Signals: shown on mount (on a kiosk, at the first touch of the screen instead: a
//! lounge tablet shows the survey to nobody most of the day); an answer given or
//! changed (the first one is "started"); the page showing; completion; the page
//! hidden or closed (`visibilitychange` to hidden, `pagehide`); and no answer for
//! `IDLE_SECONDS` (idle). Times come from the one clock service
//! ([`crate::services::browser::now_ms`]).

use crate::services::{beacon, browser};
use crate::state::{Phase, SurveyState};
use std::cell::RefCell;
use std::rc::Rc;
use survey_core::funnel::{Signal, Tracker, Visit, IDLE_SECONDS};
use survey_core::payload::Mode;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// One visit's beacons: the visit, its tracker and where they go.
struct Beacons {
    url: String,
    visit: Visit,
    tracker: RefCell<Tracker>,
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
            let id = browser::new_response_id()?;
            Some(Rc::new(Beacons {
                url: url?.to_string(),
                visit: Visit::new(
                    id.as_str().into(),
                    def.id.clone(),
                    def.version,
                    dealer,
                    mode,
                ),
                tracker: RefCell::new(Tracker::default()),
            }))
        })
    };
    let kiosk = state.mode == Mode::Kiosk;
    {
        let beacons = (*beacons).clone();
        use_effect_with((), move |()| {
            let listeners = beacons.map(|b| {
                if !kiosk {
                    b.fire(Signal::Shown);
                }
                let hidden = {
                    let b = Rc::clone(&b);
                    Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
                        let gone = e.type_() == "pagehide"
                            || web_sys::window()
                                .and_then(|w| w.document())
                                .is_some_and(|d| d.hidden());
                        if gone {
                            b.fire(Signal::Hidden);
                        }
                    })
                };
                let f = hidden.as_ref().unchecked_ref();
                let window = web_sys::window();
                let document = window.as_ref().and_then(|w| w.document());
                if let Some(w) = &window {
                    let _ = w.add_event_listener_with_callback("pagehide", f);
                }
                if let Some(d) = &document {
                    let _ = d.add_event_listener_with_callback("visibilitychange", f);
                }
                (hidden, window, document)
            });
            move || {
                if let Some((hidden, window, document)) = listeners {
                    let f = hidden.as_ref().unchecked_ref();
                    if let Some(w) = window {
                        let _ = w.remove_event_listener_with_callback("pagehide", f);
                    }
                    if let Some(d) = document {
                        let _ = d.remove_event_listener_with_callback("visibilitychange", f);
                    }
                }
            }
        });
    }
    let answers = state.session.answers().clone();
    {
        // The answers the survey starts with (restored, or filled from the URL) are
        // not the customer's: only a change after mount is.
        let beacons = (*beacons).clone();
        let first = use_mut_ref(|| true);
        use_effect_with(answers, move |_| {
            if !first.replace(false) {
                if let Some(b) = &beacons {
                    if kiosk {
                        b.fire(Signal::Shown);
                    }
                    b.fire(Signal::Answered);
                }
            }
            // Idle: no answer for IDLE_SECONDS from now; a new answer restarts it.
            let idle = beacons.map(|b| {
                gloo::timers::callback::Timeout::new(IDLE_SECONDS * 1000, move || {
                    b.fire(Signal::Idle)
                })
            });
            move || drop(idle)
        });
    }
    let page = state.session.progress(&state.def).current as u32;
    let done = matches!(state.phase, Phase::Done(_));
    let beacons = (*beacons).clone();
    use_effect_with((page, done), move |(page, done)| {
        if let Some(b) = &beacons {
            b.fire(if *done {
                Signal::Completed
            } else {
                Signal::PageReached(*page)
            });
        }
    });
}
