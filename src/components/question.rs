use crate::components::choice::{ChoiceGroup, ChoiceOption, Kind};
use crate::components::contact::ContactFields;
use crate::components::text_answer::TextAnswer;
use crate::i18n::{self, Msg};
use survey_core::questionnaire::{Input, Presentation};
use survey_core::session::PageErrors;
use survey_core::{Answer, Answers, Locale, LocalizedText, Question, QuestionId};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuestionViewProps {
    pub question: Question,
    /// All answers so far (a matrix reads one per item).
    pub answers: Answers,
    pub errors: PageErrors,
    pub locale: Locale,
    pub fallback: Locale,
    /// Prefix for DOM ids, unique per mounted widget.
    pub prefix: AttrValue,
    pub on_answer: Callback<(QuestionId, Option<Answer>)>,
    /// A phone interview: the script line before each question, key hints on answers
    /// that are words (numbers are their own key).
    #[prop_or_default]
    pub interview: bool,
    /// The question flow's one question on its screen: its legend is the screen's
    /// heading (this id), large, and takes focus when the screen is shown.
    #[prop_or_default]
    pub heading_id: Option<AttrValue>,
    /// Passed to every choice group (`ChoiceGroup::on_tap`).
    #[prop_or_default]
    pub on_tap: Option<Callback<MouseEvent>>,
}

/// One question: a fieldset with a legend for choices, a labelled field for text, and
/// its error message, linked with `aria-describedby` and announced when it appears.
#[component]
pub fn QuestionView(props: &QuestionViewProps) -> Html {
    let q = &props.question;
    let l = &props.locale;
    let fb = &props.fallback;
    let txt = |t: &LocalizedText| t.get(l, fb).to_string();
    let base = format!("{}-q-{}", props.prefix, q.id);
    let error_id = |id: &QuestionId| format!("{}-err-{id}", props.prefix);
    let error_of = |id: &QuestionId| {
        let e = props.errors.get(id);
        html! {
            <p class="sw-field-error" id={error_id(id)} aria-live="polite">
                { e.map(|e| i18n::answer_error(l, e)).unwrap_or_default() }
            </p>
        }
    };
    let described = |id: &QuestionId| {
        props
            .errors
            .contains_key(id)
            .then(|| AttrValue::from(error_id(id)))
    };
    let answer_of = |id: &QuestionId| props.answers.get(id).cloned();
    let emit = |id: QuestionId| {
        let cb = props.on_answer.clone();
        Callback::from(move |a: Option<Answer>| cb.emit((id.clone(), a)))
    };
    // A choice question's options as buttons, each answering with its value.
    let choice_options =
        |options: &[survey_core::questionnaire::ChoiceOption]| -> Vec<ChoiceOption> {
            options
                .iter()
                .map(|o| ChoiceOption {
                    value: Answer::Choice(o.value.clone()),
                    label: html! { txt(&o.label) },
                    hint: None,
                })
                .collect()
        };
    let pick = |id: QuestionId| {
        let cb = props.on_answer.clone();
        Callback::from(move |a: Answer| cb.emit((id.clone(), Some(a))))
    };
    let invalid = props.errors.contains_key(&q.id);
    let required_mark = if q.required {
        html! { <span class="sw-required" aria-hidden="true">{" *"}</span> }
    } else {
        html! {}
    };

    let scale = |id: &QuestionId,
                 points: u8,
                 low: &LocalizedText,
                 high: &LocalizedText,
                 allow_na: bool,
                 presentation: Presentation,
                 start: u8| {
        let (low, high) = (txt(low), txt(high));
        let chosen = match answer_of(id) {
            Some(Answer::Scale(v)) => v,
            _ => 0,
        };
        let options: Vec<ChoiceOption> = (start..=points)
            .map(|n| ChoiceOption {
                value: Answer::Scale(n),
                label: face(presentation, n, points, chosen),
                // Stars and faces say their number out of the scale ("4 of 5"): a
                // drawn icon has no text of its own for a screen reader to read.
                hint: Some({
                    let n_text = if presentation == Presentation::Numbers {
                        n.to_string()
                    } else {
                        format!("{n} of {points}")
                    };
                    if n == start {
                        format!("{n_text} – {low}")
                    } else if n == points {
                        format!("{n_text} – {high}")
                    } else {
                        n_text
                    }
                }),
            })
            .collect();
        // `sw-p<count>`: the stylesheet lays each count out as one row, or as a
        // balanced grid where the row does not fit.
        let class = format!(
            "sw-scale sw-p{}{}",
            points - start + 1,
            if presentation == Presentation::Numbers {
                ""
            } else {
                " sw-icons"
            }
        );
        let na = allow_na.then(|| ChoiceOption {
            value: Answer::NotApplicable,
            label: html! { i18n::t(l, Msg::NotApplicable) },
            hint: None,
        });
        html! {
            <>
                <ChoiceGroup name={format!("{}-q-{id}-r", props.prefix)} options={options} selected={answer_of(id)}
                    on_select={pick(id.clone())} class={class} described_by={described(id)} on_tap={props.on_tap.clone()} />
                <div class="sw-ends" aria-hidden="true">
                    <span>{ format!("{start} = {low}") }</span><span>{ format!("{points} = {high}") }</span>
                </div>
                if let Some(na) = na {
                    <ChoiceGroup name={format!("{}-q-{id}-r", props.prefix)} options={vec![na]} selected={answer_of(id)}
                        on_select={pick(id.clone())} class="sw-buttons sw-na" described_by={described(id)}
                        first_index={usize::from(points) + 1} keys={props.interview} key_from={usize::from(points - start + 1)} on_tap={props.on_tap.clone()} />
                }
            </>
        }
    };

    let body = match &q.input {
        Input::Hidden { .. } => return html! {},
        Input::Rating {
            points,
            low,
            high,
            allow_na,
            presentation,
        } => scale(&q.id, *points, low, high, *allow_na, *presentation, 1),
        Input::Nps { low, high } => scale(&q.id, 10, low, high, false, Presentation::Numbers, 0),
        Input::YesNo { allow_na } => {
            let mut options = vec![
                ChoiceOption {
                    value: Answer::YesNo(true),
                    label: html! { i18n::t(l, Msg::Yes) },
                    hint: None,
                },
                ChoiceOption {
                    value: Answer::YesNo(false),
                    label: html! { i18n::t(l, Msg::No) },
                    hint: None,
                },
            ];
            if *allow_na {
                options.push(ChoiceOption {
                    value: Answer::NotApplicable,
                    label: html! { i18n::t(l, Msg::NotApplicable) },
                    hint: None,
                });
            }
            html! {
                <ChoiceGroup name={format!("{base}-r")} options={options} selected={answer_of(&q.id)}
                    on_select={pick(q.id.clone())} class="sw-buttons" described_by={described(&q.id)} keys={props.interview} on_tap={props.on_tap.clone()} />
            }
        }
        Input::SingleChoice { options } => {
            let options = choice_options(options);
            html! {
                <ChoiceGroup name={format!("{base}-r")} options={options} selected={answer_of(&q.id)}
                    on_select={pick(q.id.clone())} class="sw-list" described_by={described(&q.id)} keys={props.interview} on_tap={props.on_tap.clone()} />
            }
        }
        Input::MultiChoice { options, .. } => {
            let chosen: Vec<String> = match answer_of(&q.id) {
                Some(Answer::Choices(c)) => c,
                _ => Vec::new(),
            };
            let order: Vec<String> = options.iter().map(|o| o.value.clone()).collect();
            let on_toggle = {
                let cb = emit(q.id.clone());
                let chosen = chosen.clone();
                Callback::from(move |a: Answer| {
                    let Answer::Choice(v) = a else { return };
                    let mut next: Vec<String> = order
                        .iter()
                        .filter(|o| chosen.contains(o) != (**o == v))
                        .cloned()
                        .collect();
                    next.dedup();
                    cb.emit((!next.is_empty()).then_some(Answer::Choices(next)));
                })
            };
            let opts = choice_options(options);
            html! {
                <ChoiceGroup name={format!("{base}-c")} options={opts} kind={Kind::Checkbox}
                    checked={chosen.into_iter().map(Answer::Choice).collect::<Vec<_>>()}
                    on_select={on_toggle} class="sw-list" described_by={described(&q.id)} keys={props.interview} on_tap={props.on_tap.clone()} />
            }
        }
        Input::Matrix {
            points,
            low,
            high,
            allow_na,
            items,
        } => {
            html! {
                <div class="sw-matrix">
                    { for items.iter().map(|item| html! {
                        <fieldset class={classes!("sw-matrix-item", props.errors.contains_key(&item.id).then_some("sw-invalid"))}
                            id={format!("{}-q-{}", props.prefix, item.id)}>
                            <legend class="sw-item-legend">{ txt(&item.text) }</legend>
                            { scale(&item.id, *points, low, high, *allow_na, Presentation::Numbers, 1) }
                            { error_of(&item.id) }
                        </fieldset>
                    }) }
                </div>
            }
        }
        Input::Contact { channels } => {
            let value = match answer_of(&q.id) {
                Some(Answer::Contact(c)) => Some(c),
                _ => None,
            };
            html! {
                <ContactFields id={base.clone()} channels={channels.clone()} value={value} locale={l.clone()}
                    described_by={described(&q.id)} on_change={emit(q.id.clone())} />
            }
        }
        Input::Text {
            multiline,
            max_length,
        } => {
            let value = match answer_of(&q.id) {
                Some(Answer::Text(t)) => t,
                _ => String::new(),
            };
            let cb = emit(q.id.clone());
            return html! {
                <div class={classes!("sw-q", invalid.then_some("sw-invalid"))} id={base.clone()}>
                    <TextAnswer id={format!("{base}-text")} label={txt(&q.text)} value={value} max_length={*max_length}
                        multiline={*multiline} required={q.required} locale={l.clone()}
                        error_id={described(&q.id)} on_input={Callback::from(move |v: String| cb.emit(Some(Answer::Text(v))))} />
                    { error_of(&q.id) }
                </div>
            };
        }
    };

    // NPS starts at 0: its digits are its scores (`survey_core::interview::shortcut`).
    let zero = (props.interview && matches!(q.input, Input::Nps { .. })).then_some("");
    html! {
        <fieldset class={classes!("sw-q", invalid.then_some("sw-invalid"))} id={base} data-sw-zero={zero}>
            <legend class={classes!("sw-legend", props.heading_id.is_some().then_some("sw-legend-big"))}
                id={props.heading_id.clone()} tabindex={props.heading_id.as_ref().map(|_| "-1")}>
                if props.interview {
                    <span class="sw-script">{ i18n::t(l, Msg::InterviewScript) }</span>
                }
                { txt(&q.text) }{ required_mark }
            </legend>
            { body }
            { error_of(&q.id) }
        </fieldset>
    }
}

/// The visible face of scale point `n`: the number, one star (lit up to the chosen
/// point, so a row of stars reads as the rating), or a face drawn in SVG (emoji fonts
/// differ between phones, and some have none).
fn face(presentation: Presentation, n: u8, points: u8, chosen: u8) -> Html {
    match presentation {
        Presentation::Numbers => Html::from(n.to_string()),
        // Drawn, not the ★ glyph: fonts draw it at different sizes and weights, and
        // some phones have none.
        Presentation::Stars => html! {
            <svg class={if n <= chosen { "sw-star sw-star-on" } else { "sw-star" }} viewBox="0 0 24 24"
                width="24" height="24" focusable="false">
                <path d="M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z"
                    fill="currentColor" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />
            </svg>
        },
        Presentation::Faces => {
            // Mouth curvature from -1 (sad) to 1 (happy) across the scale.
            let span = f64::from(points.max(2) - 1);
            let mood = (f64::from(n.saturating_sub(1)) / span) * 2.0 - 1.0;
            let mouth = format!("M9 22 Q16 {:.1} 23 22", 22.0 + mood * 6.0);
            html! {
                <svg class="sw-face" viewBox="0 0 32 32" width="32" height="32" focusable="false">
                    <circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" stroke-width="2" />
                    <circle cx="11" cy="13" r="1.8" fill="currentColor" />
                    <circle cx="21" cy="13" r="1.8" fill="currentColor" />
                    <path d={mouth} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                </svg>
            }
        }
    }
}
