use crate::components::language_switch::LanguageSwitch;
use crate::components::survey::Survey;
use crate::config::WidgetConfig;
use crate::i18n::{self, Msg};
use crate::kiosk::{pin_matches, Kiosk, KioskAction, Screen};
use crate::services::browser::now_ms as now;
use gloo::timers::callback::Interval;
use std::rc::Rc;
use survey_core::{Definition, Locale};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KioskShellProps {
    pub def: Rc<Definition>,
    pub config: WidgetConfig,
    pub locale: Locale,
    pub prefix: AttrValue,
    #[prop_or_default]
    pub events: Option<web_sys::EventTarget>,
    /// Staff chose "exit kiosk mode": the page shows the survey as on its own page.
    pub on_exit: Callback<()>,
    /// The theme's logo, on the welcome screen and in the survey's header.
    #[prop_or_default]
    pub logo: Option<Rc<survey_core::theme::Logo>>,
    /// The customer tapped start on the collector's prerendered welcome before the wasm
    /// ran (`takeover`): the kiosk starts on the survey, whose first page it took over.
    #[prop_or_default]
    pub started: bool,
}

/// A tablet in the waiting lounge: a welcome screen, one survey per customer, a reset
/// a few seconds after the thank-you or after idling (with a countdown), and a staff
/// menu behind a PIN. Each customer gets a new survey component (keyed by the
/// generation) and nothing is kept in session storage.
#[component]
pub fn KioskShell(props: &KioskShellProps) -> Html {
    let config = &props.config;
    let kiosk = {
        let (times, started) = (config.kiosk_times, props.started);
        use_reducer(move || {
            let mut kiosk = Kiosk::new(times);
            if started {
                kiosk.apply(KioskAction::Start { now: now() });
            }
            kiosk
        })
    };
    let clock = use_state(now);
    let locale = use_state(|| props.locale.clone());
    let staff = use_state(|| StaffPanel::Closed);
    {
        let (kiosk, clock) = (kiosk.clone(), clock.clone());
        use_effect_with((), move |_| {
            let interval = Interval::new(1000, move || {
                let t = now();
                kiosk.dispatch(KioskAction::Tick { now: t });
                clock.set(t);
            });
            move || drop(interval)
        });
    }
    {
        // A new customer starts in the default language.
        let (locale, initial) = (locale.clone(), props.locale.clone());
        use_effect_with(kiosk.generation, move |_| {
            locale.set(initial);
            crate::services::outbox::purge_refused();
        });
    }

    let activity = {
        let kiosk = kiosk.dispatcher();
        Callback::from(move |_: Event| kiosk.dispatch(KioskAction::Activity { now: now() }))
    };
    let on_finished = {
        let kiosk = kiosk.dispatcher();
        use_callback((), move |_: (), _| {
            kiosk.dispatch(KioskAction::Finished { now: now() })
        })
    };
    let l = &*locale;
    let countdown = kiosk.countdown(*clock);

    let body = match kiosk.screen {
        Screen::Welcome => {
            let on_start = {
                let kiosk = kiosk.dispatcher();
                Callback::from(move |_: MouseEvent| {
                    kiosk.dispatch(KioskAction::Start { now: now() })
                })
            };
            let on_locale = {
                let locale = locale.clone();
                Callback::from(move |l: Locale| locale.set(l))
            };
            welcome(
                &props.def,
                l,
                &props.prefix,
                props.logo.as_deref(),
                Some(on_start),
                on_locale,
            )
        }
        Screen::Survey | Screen::Thanks { .. } => {
            let banner = match (kiosk.screen, countdown) {
                (Screen::Thanks { .. }, Some(s)) => html! {
                    <p class="sw-kiosk-countdown" role="status">{ i18n::tf(l, Msg::BackToStartIn, &[("n", s)]) }</p>
                },
                (Screen::Survey, Some(s)) => {
                    let keep = {
                        let kiosk = kiosk.dispatcher();
                        Callback::from(move |_: MouseEvent| {
                            kiosk.dispatch(KioskAction::Activity { now: now() })
                        })
                    };
                    // The banner goes on the click that ends the tap, not on touch-down:
                    // gone at touch-down, the rest of the same tap would land on whatever
                    // was under it (a "not applicable" nobody chose).
                    let hold = Callback::from(|e: PointerEvent| e.stop_propagation());
                    html! {
                        <div class="sw-kiosk-idle" role="alertdialog" aria-modal="false" onpointerdown={hold}
                            aria-labelledby={format!("{}-idle-title", props.prefix)}>
                            <p class="sw-kiosk-idle-title" id={format!("{}-idle-title", props.prefix)}>{ i18n::t(l, Msg::StillThere) }</p>
                            <p role="timer" aria-live="off">{ i18n::tf(l, Msg::StartingOverIn, &[("n", s)]) }</p>
                            <button type="button" class="sw-btn sw-btn-primary" onclick={keep}>{ i18n::t(l, Msg::KeepGoing) }</button>
                        </div>
                    }
                }
                _ => html! {},
            };
            let survey = CustomerSurvey {
                def: &props.def,
                config,
                locale: l,
                prefix: &props.prefix,
                generation: kiosk.generation,
                logo: props.logo.clone(),
                events: props.events.clone(),
                on_finished: Some(on_finished),
            };
            html! {
                <>
                    { survey.render() }
                    { banner }
                </>
            }
        }
    };

    html! {
        <div class="sw-kiosk" onpointerdown={activity.reform(Event::from)} onkeydown={activity.reform(Event::from)}
            oninput={activity.reform(Event::from)}>
            { body }
            if let Some(pin) = props.config.kiosk_pin.clone() {
                <StaffMenu pin={pin} state={staff.clone()} kiosk={kiosk.dispatcher()} on_exit={props.on_exit.clone()}
                    locale={props.locale.clone()}
                    station={props.config.endpoint.headers.iter().any(|(n, _)| n == crate::config::KIOSK_KEY_HEADER)
                        .then(|| props.config.context.get("station").cloned().unwrap_or_default())} />
            }
        </div>
    }
}

/// The screen a kiosk waits on between customers. Also rendered by the collector into
/// the kiosk page (`prerender`), so the tablet shows it before the wasm runs; there
/// `on_start` is `None` and the button is rendered disabled, for
/// `static/kiosk-start.js` to enable once it can show the first page on a tap. A
/// function, not a component: it has no state of its own, and a component's machinery
/// costs the kiosk's module about a kilobyte of gzip.
pub fn welcome(
    def: &Definition,
    l: &Locale,
    prefix: &str,
    logo: Option<&survey_core::theme::Logo>,
    on_start: Option<Callback<MouseEvent>>,
    on_locale: Callback<Locale>,
) -> Html {
    html! {
        <section class="sw sw-kiosk-welcome" lang={l.to_string()} aria-labelledby={format!("{prefix}-welcome")}>
            { crate::components::logo::logo(logo) }
            <LanguageSwitch locales={def.locales.clone()} current={l.clone()} on_change={on_locale} />
            <h1 id={format!("{prefix}-welcome")}>{ def.title.get(l, &def.default_locale) }</h1>
            <p class="sw-kiosk-lead">{ i18n::t(l, Msg::KioskWelcome) }</p>
            <button type="button" id={format!("{prefix}-{START_ID}")} class="sw-btn sw-btn-primary sw-kiosk-start"
                disabled={on_start.is_none()} onclick={on_start}>
                { i18n::t(l, Msg::KioskStart) }
            </button>
        </section>
    }
}

/// One customer's survey on a kiosk, as `KioskShell` shows it and as the collector
/// prerenders the first customer's (generation 0) behind the welcome: one place for
/// its props and ids (`<prefix>-<generation>-…`), which the takeover must find again.
pub struct CustomerSurvey<'a> {
    pub def: &'a Rc<Definition>,
    pub config: &'a WidgetConfig,
    pub locale: &'a Locale,
    pub prefix: &'a str,
    /// The kiosk's count of customers: the survey's key and part of its ids.
    pub generation: u32,
    pub logo: Option<Rc<survey_core::theme::Logo>>,
    pub events: Option<web_sys::EventTarget>,
    pub on_finished: Option<Callback<()>>,
}

impl CustomerSurvey<'_> {
    pub fn render(self) -> Html {
        let config = self.config;
        html! {
            <Survey key={self.generation} def={self.def.clone()} locale={self.locale.clone()}
                endpoint={config.endpoint.clone()} context={config.context.clone()}
                url_fields={config.url_fields.clone()} mode={config.mode}
                prefix={format!("{}-{}", self.prefix, self.generation)} storage_key={None::<AttrValue>}
                on_finished={self.on_finished} events={self.events} logo={self.logo}
                beacons={config.beacons.clone().map(AttrValue::from)}
                flow={config.flow_for(false)} />
        }
    }
}

/// The welcome's start button's id, after the mount prefix: a keyboard's focus on the
/// prerendered one is found again on the widget's by it (`takeover` keeps ids).
pub const START_ID: &str = "start";

/// The staff corner: closed, asking for the PIN, or open.
#[derive(Debug, Clone, PartialEq)]
pub enum StaffPanel {
    Closed,
    AskPin { wrong: bool },
    Open,
}

#[derive(Properties, PartialEq)]
struct StaffMenuProps {
    pin: String,
    state: UseStateHandle<StaffPanel>,
    kiosk: UseReducerDispatcher<Kiosk>,
    on_exit: Callback<()>,
    /// The kiosk's default language: staff read the menu in it, whatever the last
    /// customer chose.
    locale: Locale,
    /// The station this tablet is paired as, if it is.
    station: Option<String>,
}

/// Staff-only: reset the kiosk now or leave kiosk mode, behind the configured PIN.
#[component]
fn StaffMenu(props: &StaffMenuProps) -> Html {
    let state = props.state.clone();
    let input = use_node_ref();
    let t = |msg| i18n::t(&props.locale, msg);
    match (*state).clone() {
        StaffPanel::Closed => {
            let open =
                Callback::from(move |_: MouseEvent| state.set(StaffPanel::AskPin { wrong: false }));
            html! { <button type="button" class="sw-staff-btn" onclick={open}>{ t(Msg::Staff) }</button> }
        }
        StaffPanel::AskPin { wrong } => {
            let (pin, st, field) = (props.pin.clone(), state.clone(), input.clone());
            let submit = Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let entered = field
                    .cast::<web_sys::HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default();
                st.set(if pin_matches(&pin, &entered) {
                    StaffPanel::Open
                } else {
                    StaffPanel::AskPin { wrong: true }
                });
            });
            let cancel = {
                let st = state.clone();
                Callback::from(move |_: MouseEvent| st.set(StaffPanel::Closed))
            };
            html! {
                <form class="sw-staff" onsubmit={submit} aria-label={t(Msg::Staff)}>
                    <label for="sw-staff-pin">{ t(Msg::StaffPin) }</label>
                    <input id="sw-staff-pin" ref={input} class="sw-text" type="password" inputmode="numeric"
                        autocomplete="off" aria-describedby="sw-staff-err" />
                    <p id="sw-staff-err" class="sw-field-error" role="alert">{ if wrong { t(Msg::StaffWrongPin) } else { "" } }</p>
                    <button type="submit" class="sw-btn sw-btn-primary">{ t(Msg::StaffOk) }</button>
                    <button type="button" class="sw-btn sw-btn-secondary" onclick={cancel}>{ t(Msg::StaffCancel) }</button>
                </form>
            }
        }
        StaffPanel::Open => {
            let reset = {
                let (st, kiosk) = (state.clone(), props.kiosk.clone());
                Callback::from(move |_: MouseEvent| {
                    kiosk.dispatch(KioskAction::Reset);
                    st.set(StaffPanel::Closed);
                })
            };
            let exit = props.on_exit.reform(|_: MouseEvent| ());
            let close = {
                let st = state.clone();
                Callback::from(move |_: MouseEvent| st.set(StaffPanel::Closed))
            };
            html! {
                <div class="sw-staff" role="group" aria-label={t(Msg::Staff)}>
                    <button type="button" class="sw-btn sw-btn-secondary" onclick={reset}>{ t(Msg::StaffReset) }</button>
                    <button type="button" class="sw-btn sw-btn-secondary" onclick={exit}>{ t(Msg::StaffExit) }</button>
                    <button type="button" class="sw-btn sw-btn-secondary" onclick={close}>{ t(Msg::StaffClose) }</button>
                    // Refused by the endpoint: staff can tell the dealer's web people.
                    <p class="sw-staff-refused">{ i18n::tf(&props.locale, Msg::StaffRefused, &[("n", crate::services::outbox::refused_count().into())]) }</p>
                    // The station the collector counts this tablet's responses for
                    // (never the key), and whether its last receipt refused the key.
                    <p class="sw-staff-paired">{ match &props.station {
                        None => t(Msg::StaffNotPaired).to_string(),
                        Some(s) if crate::services::outbox::kiosk_key_refused() => {
                            format!("{}: {s} — {}", t(Msg::StaffPaired), t(Msg::StaffKeyRefused))
                        }
                        Some(s) => format!("{}: {s}", t(Msg::StaffPaired)),
                    } }</p>
                </div>
            }
        }
    }
}
