use crate::components::interview;
use crate::components::language_switch::LanguageSwitch;
use crate::components::progress::Progress;
use crate::components::question::QuestionView;
use crate::components::thank_you::ThankYou;
use crate::hooks::{
    load_saved, use_advance, use_beacons, use_delivery, use_focus, use_link_status,
    use_page_events, use_persistence, use_reveal, LinkStatus,
};
use crate::i18n::{self, Msg};
use crate::services::browser;
use crate::state::{Action, Delivery, Phase, SurveyState};
use std::collections::BTreeMap;
use std::rc::Rc;
use survey_core::flow::{self, Flow};
use survey_core::payload::Mode;
use survey_core::{Definition, Input, Locale};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SurveyProps {
    pub def: Rc<Definition>,
    pub locale: Locale,
    pub endpoint: Rc<survey_core::endpoint::Endpoint>,
    pub context: BTreeMap<String, String>,
    /// The page URL's parameters a hidden question may be filled from, by its id.
    #[prop_or_default]
    pub url_fields: BTreeMap<String, String>,
    pub mode: Mode,
    /// Prefix for DOM ids, unique per mounted widget.
    pub prefix: AttrValue,
    /// Where the answers are kept across a reload (session storage); `None` on a
    /// kiosk, where the next customer must never see the previous one's answers.
    #[prop_or_default]
    pub storage_key: Option<AttrValue>,
    /// Called once the response is submitted (the kiosk starts its reset countdown).
    #[prop_or_default]
    pub on_finished: Option<Callback<()>>,
    /// Where a delighted customer may leave a public review.
    #[prop_or_default]
    pub review_url: Option<AttrValue>,
    /// Where `survey:*` events are dispatched (the host element of an embed).
    #[prop_or_default]
    pub events: Option<web_sys::EventTarget>,
    /// What the host page covers at the top (px): a new page is scrolled below it.
    #[prop_or_default]
    pub scroll_offset: u32,
    /// The theme's logo, in the header.
    #[prop_or_default]
    pub logo: Option<Rc<survey_core::theme::Logo>>,
    /// Where the funnel beacons go (`None`: nowhere; `crate::hooks::use_beacons`).
    #[prop_or_default]
    pub beacons: Option<AttrValue>,
    /// A page per screen, or one question per screen (issue 17).
    #[prop_or_default]
    pub flow: Flow,
}

/// A running survey: one page at a time, progress, back/next/submit, thank-you.
#[component]
pub fn Survey(props: &SurveyProps) -> Html {
    let state = {
        let (def, locale, context, mode) = (
            props.def.clone(),
            props.locale.clone(),
            props.context.clone(),
            props.mode,
        );
        let key = props.storage_key.clone();
        let fields = props.url_fields.clone();
        let flow = props.flow;
        use_reducer(move || {
            match key.and_then(|k| load_saved(&k, &def)) {
                Some(saved) => {
                    let at = saved.at;
                    SurveyState::restored(def, context, mode, saved).in_flow(flow, at)
                }
                None => SurveyState::new(def, locale, context, mode).in_flow(flow, 0),
            }
            .with_url_fields(fields)
        })
    };
    use_advance(state.clone());
    use_delivery(state.clone(), props.endpoint.clone(), props.events.clone());
    use_page_events(props.events.clone(), state.clone());
    use_beacons(props.beacons.clone(), state.clone());
    let root = use_node_ref();
    use_focus(
        state.focus.clone(),
        props.prefix.clone(),
        root.clone(),
        props.scroll_offset,
    );
    use_reveal(state.reveal.clone(), props.prefix.clone(), root.clone());
    use_persistence(props.storage_key.clone(), state.clone());
    {
        let on_finished = props.on_finished.clone();
        let done = matches!(state.phase, Phase::Done(_));
        use_effect_with(done, move |done| {
            if let (true, Some(cb)) = (*done, on_finished) {
                cb.emit(());
            }
        });
    }

    let link = use_link_status(
        &props.endpoint.url,
        props.def.id.as_str(),
        props.context.get("token").map(String::as_str),
    );

    // Interview mode: the attempt logged from the outcome bar ends it without a response.
    // Only the full module has it (the `interview` feature): in the customer's, every
    // branch below is dead and the outcome bar, shortcuts and agent lines are left out.
    let interview = cfg!(feature = "interview") && props.mode == Mode::Interview;
    let bar = use_state(|| 0u8);
    let call = survey_core::interview::Call::of_context(&props.context);
    let case = props.context.get(survey_core::interview::CASE_KEY).cloned();
    let back = survey_core::interview::back_link(case.as_deref());

    let def = &state.def;
    let l = &state.locale;
    let prefix = &props.prefix;
    let heading_id = format!("{prefix}-heading");
    // The loader's dialog (`data-display="button"`) labels its Close button with this,
    // so it speaks the survey's language, a dealer-added one included.
    let close = i18n::t(l, Msg::Close);
    match link {
        LinkStatus::Checking => return html! { <div class="sw sw-loading" aria-busy="true"></div> },
        // Before any question: this link was answered already (issue 13 item 1).
        LinkStatus::Used => {
            return html! {
                <div class="sw" lang={l.to_string()} data-sw-close={close} ref={root}>
                    <section class="sw-done sw-link-used" aria-labelledby={heading_id.clone()}>
                        <h2 id={heading_id} tabindex="-1">{ i18n::t(l, Msg::AlreadyAnswered) }</h2>
                        <p>{ i18n::t(l, Msg::OnceOnly) }</p>
                    </section>
                </div>
            }
        }
        LinkStatus::Open => {}
    }
    let on_locale = {
        let state = state.clone();
        Callback::from(move |l: Locale| state.dispatch(Action::SetLocale(l)))
    };
    let header = html! {
        <header class="sw-header">
            { crate::components::logo::logo(props.logo.as_deref()) }
            // The survey is the page's main heading on its own page and on a kiosk; in
            // someone else's page it is not, so it stays a paragraph there.
            if props.mode == Mode::Embed {
                <p class="sw-title">{ def.title.get(l, &def.default_locale) }</p>
            } else {
                <h1 class="sw-title">{ def.title.get(l, &def.default_locale) }</h1>
            }
            <LanguageSwitch locales={def.locales.clone()} current={l.clone()} on_change={on_locale} />
        </header>
    };

    if interview && *bar == interview::LOGGED {
        return html! {
            <div class="sw sw-interview" lang={l.to_string()} ref={root}>
                { interview::recorded(l, &heading_id, Msg::AttemptRecorded, &back) }
            </div>
        };
    }
    if let Phase::Done(thanks) = state.phase {
        // The agent's line, not the customer's thanks (unless it was not recorded).
        if interview
            && !matches!(
                state.delivery,
                Delivery::Refused | Delivery::AlreadyAnswered
            )
        {
            return html! {
                <div class="sw sw-interview" lang={l.to_string()} ref={root}>
                    { interview::recorded(l, &heading_id, Msg::InterviewRecorded, &back) }
                </div>
            };
        }
        // No language switch: the survey is over (issue 13 item 16).
        let title = def.title.get(l, &def.default_locale);
        return html! {
            <div class="sw" lang={l.to_string()} data-sw-close={close} ref={root}>
                <header class="sw-header">
                    { crate::components::logo::logo(props.logo.as_deref()) }
                    if props.mode == Mode::Embed {
                        <p class="sw-title">{ title }</p>
                    } else {
                        <h1 class="sw-title">{ title }</h1>
                    }
                </header>
                <ThankYou locale={l.clone()} heading_id={heading_id} thanks={thanks}
                    review_url={props.review_url.clone()} delivery={state.delivery} />
            </div>
        };
    }

    let session = &state.session;
    let page_index = session.page();
    let Some(page) = def.pages.get(page_index) else {
        return html! {};
    };
    let progress = session.progress(def);
    let last = session.is_last_page(def);
    let question_flow = session.flow() == Flow::Question;
    let shown = session.visible_questions(def);
    // The question flow's one question (not a text field, which is labelled, not a
    // fieldset) is the screen's heading; a checklist and a text keep the page's title.
    let one = (question_flow && shown.len() == 1 && !matches!(shown[0].input, Input::Text { .. }))
        .then(|| shown[0].clone());
    let sending = matches!(state.phase, Phase::Sending(_));
    let failed = matches!(state.phase, Phase::Failed(_));

    let on_submit = {
        let state = state.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !state.session.is_last_page(&state.def) {
                state.dispatch(if state.session.flow() == Flow::Question {
                    Action::Continue {
                        now_ms: browser::now_ms(),
                    }
                } else {
                    Action::Next
                });
            } else if let Some(id) = browser::new_response_id() {
                state.dispatch(Action::Submit {
                    id,
                    created_at: browser::now_rfc3339(),
                });
            } else {
                browser::console_error(
                    "this browser offers no crypto.getRandomValues; cannot number the response",
                );
            }
        })
    };
    let on_back = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Back))
    };
    let on_retry = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Retry))
    };
    let page_title = page
        .title
        .as_ref()
        .map(|t| t.get(l, &def.default_locale).to_string())
        .unwrap_or_else(|| def.title.get(l, &def.default_locale).to_string());
    let primary = if sending {
        i18n::t(l, Msg::Sending)
    } else if last {
        i18n::t(l, Msg::Submit)
    } else if question_flow {
        i18n::t(l, Msg::NextQuestion)
    } else {
        i18n::t(l, Msg::Next)
    };

    let outcome_bar = match (&call, interview) {
        (Some(call), true) => interview::outcome_bar(l, call, &props.endpoint, &bar),
        _ => html! {},
    };
    let on_key = if interview {
        Some(Callback::from(interview::on_key))
    } else if question_flow {
        Some(on_screen_key(state.clone(), one.clone()))
    } else {
        None
    };
    let (left, total_questions) = if question_flow {
        let (all, i) = session.screens(def);
        (all.left_from(i), all.left_from(0))
    } else {
        (0, 0)
    };
    let progress_view = if question_flow {
        html! {
            <Progress current={total_questions - left} total={total_questions}
                label={i18n::questions_left(l, left)} id={format!("{prefix}-progress")} />
        }
    } else {
        html! {
            <Progress current={progress.current} total={progress.total}
                label={i18n::progress(l, progress.current, progress.total)} id={format!("{prefix}-progress")} />
        }
    };
    let on_answer = {
        let state = state.clone();
        Callback::from(move |(id, answer)| {
            state.dispatch(if question_flow {
                Action::Pick {
                    id,
                    answer,
                    now_ms: browser::now_ms(),
                }
            } else {
                Action::Answer(id, answer)
            })
        })
    };
    // The same rule as the reducer's, before the radio is drawn chosen.
    let on_tap = question_flow.then(|| {
        let state = state.clone();
        Callback::from(move |e: MouseEvent| {
            if state.ghost(browser::now_ms()) {
                e.prevent_default();
            }
        })
    });
    // A checklist's "All yes" (`survey_core::flow::all_yes`): with Back and Next, after
    // the items in reading and tab order, and in view with them under a long checklist
    // (the nav stays on screen; a button under the items was below the 1280x800 kiosk's
    // fold).
    let all_yes = flow::all_yes(&shown).is_some().then(|| {
        let state = state.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            state.dispatch(Action::AllYes {
                now_ms: browser::now_ms(),
            })
        });
        html! {
            <button type="button" class="sw-btn sw-btn-secondary sw-all-yes" onclick={onclick} disabled={sending}>
                { i18n::t(l, Msg::AllYes) }
            </button>
        }
    });
    let screen_key = format!("{page_index}-{}", session.at());
    let checklist = question_flow && shown.len() > 1;
    html! {
        <div class={classes!("sw", interview.then_some("sw-interview"))} lang={l.to_string()} data-sw-close={close} ref={root}>
            { header }
            { outcome_bar }
            if interview {
                <p class="sw-keys">{ i18n::t(l, Msg::InterviewKeys) }</p>
            }
            { progress_view }
            <form class={classes!("sw-form", question_flow.then_some("sw-flow-question"))} novalidate=true
                onsubmit={on_submit} onkeydown={on_key} aria-labelledby={heading_id.clone()}
                data-sw-screen={question_flow.then(|| screen_key.clone())}>
                // Keyed by the screen in the question flow: a new element for each
                // question, so it comes in with its own short transition.
                <div class={classes!("sw-screen", checklist.then_some("sw-checklist"))} key={screen_key}>
                if one.is_some() {
                    <p class="sw-section">{ page_title }</p>
                } else {
                    <h2 class="sw-page-title" id={heading_id.clone()} tabindex="-1">{ page_title }</h2>
                }
                <p class="sw-status" role="status">
                    { if session.errors().is_empty() { "" } else { i18n::t(l, Msg::FixProblems) } }
                </p>
                { for shown.into_iter().map(|q| {
                    html! {
                        <QuestionView key={q.id.to_string()} question={q.clone()}
                            answers={session.answers().clone()} errors={session.errors().clone()}
                            locale={l.clone()} fallback={def.default_locale.clone()} prefix={prefix.clone()} interview={interview}
                            heading_id={one.is_some().then(|| AttrValue::from(heading_id.clone()))}
                            on_answer={on_answer.clone()} on_tap={on_tap.clone()} />
                    }
                }) }
                </div>
                if failed {
                    <div class="sw-send-failed" role="alert">
                        <p>{ i18n::t(l, Msg::SendFailed) }</p>
                        if state.delivery == Delivery::NotStorable {
                            <p class="sw-not-storable">{ i18n::t(l, Msg::NotStorableRetry) }</p>
                        }
                        <button type="button" class="sw-btn sw-btn-primary" onclick={on_retry}>{ i18n::t(l, Msg::TryAgain) }</button>
                    </div>
                }
                <div class="sw-nav">
                    if progress.current > 1 {
                        <button type="button" class="sw-btn sw-btn-secondary" onclick={on_back} disabled={sending}>
                            { i18n::t(l, if question_flow { Msg::BackQuestion } else { Msg::Back }) }
                        </button>
                    }
                    { for all_yes }
                    <button type="submit" class="sw-btn sw-btn-primary" disabled={sending || failed}>{ primary }</button>
                </div>
            </form>
        </div>
    }
}

/// The question flow's keys: a number chooses on a one-question screen
/// (`survey_core::flow::number_key`: 1–9, 0 for the NPS's 10), Enter continues (as Next;
/// not in a text area, where it starts a new line, nor on a button, which it presses).
fn on_screen_key(
    state: UseReducerHandle<SurveyState>,
    one: Option<survey_core::Question>,
) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || e.is_composing() {
            return;
        }
        let target = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let tag = target.as_ref().map(|el| el.tag_name()).unwrap_or_default();
        let key = e.key();
        if key == "Enter" {
            if tag != "TEXTAREA" && tag != "BUTTON" {
                e.prevent_default();
                // Yew listens at its root: the form is found from the target.
                if let Some(form) = target
                    .and_then(|t| t.closest("form").ok().flatten())
                    .and_then(|f| {
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlFormElement>(f).ok()
                    })
                {
                    let _ = form.request_submit();
                }
            }
            return;
        }
        let mut chars = key.chars();
        let (Some(c), None, Some(q)) = (chars.next(), chars.next(), one.as_ref()) else {
            return;
        };
        if let Some(answer) = flow::number_key(q, c) {
            e.prevent_default();
            state.dispatch(Action::Pick {
                id: q.id.clone(),
                answer: Some(answer),
                now_ms: browser::now_ms(),
            });
        }
    })
}
