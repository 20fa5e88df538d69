use crate::components::choice::{ChoiceGroup, ChoiceOption};
use crate::components::text_answer::TextAnswer;
use crate::i18n::{self, Msg};
use survey_core::answers::AnswerError;
use survey_core::questionnaire::Input;
use survey_core::{Answer, Locale, Question};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuestionViewProps {
    pub question: Question,
    pub answer: Option<Answer>,
    pub error: Option<AnswerError>,
    pub locale: Locale,
    pub fallback: Locale,
    /// Prefix for DOM ids, unique per mounted widget.
    pub prefix: AttrValue,
    pub on_answer: Callback<Option<Answer>>,
}

/// One question: a fieldset with a legend for choices, a labelled field for text, and
/// its error message, linked with `aria-describedby` and announced when it appears.
#[component]
pub fn QuestionView(props: &QuestionViewProps) -> Html {
    let q = &props.question;
    let l = &props.locale;
    let text = q.text.get(l, &props.fallback).to_string();
    let base = format!("{}-q-{}", props.prefix, q.id);
    let error_id = format!("{}-err-{}", props.prefix, q.id);
    let has_error = props.error.is_some();
    let error = html! {
        <p class="sw-field-error" id={error_id.clone()} aria-live="polite">
            { props.error.as_ref().map(|e| i18n::answer_error(l, e)).unwrap_or_default() }
        </p>
    };
    let described = has_error.then(|| AttrValue::from(error_id.clone()));
    let select = {
        let cb = props.on_answer.clone();
        Callback::from(move |a: Answer| cb.emit(Some(a)))
    };

    let required_mark = if q.required {
        html! { <span class="sw-required" aria-hidden="true">{" *"}</span> }
    } else {
        html! {}
    };

    let choices = |options: Vec<ChoiceOption>, class: &'static str| {
        html! {
            <ChoiceGroup name={format!("{base}-r")} options={options} selected={props.answer.clone()}
                on_select={select.clone()} class={class} described_by={described.clone()} />
        }
    };

    let body = match &q.input {
        Input::Rating {
            points,
            low,
            high,
            allow_na,
        } => {
            let (low, high) = (low.get(l, &props.fallback), high.get(l, &props.fallback));
            let mut options: Vec<ChoiceOption> = (1..=*points)
                .map(|n| ChoiceOption {
                    value: Answer::Scale(n),
                    label: n.to_string(),
                    hint: if n == 1 {
                        Some(low.to_string())
                    } else if n == *points {
                        Some(high.to_string())
                    } else {
                        None
                    },
                })
                .collect();
            let na = allow_na.then(|| ChoiceOption {
                value: Answer::NotApplicable,
                label: i18n::t(l, Msg::NotApplicable).into(),
                hint: None,
            });
            html! {
                <>
                    { choices(std::mem::take(&mut options), "sw-scale") }
                    <div class="sw-ends" aria-hidden="true"><span>{ format!("1 = {low}") }</span><span>{ format!("{points} = {high}") }</span></div>
                    if let Some(na) = na { { choices(vec![na], "sw-buttons sw-na") } }
                </>
            }
        }
        Input::Nps { low, high } => {
            let (low, high) = (low.get(l, &props.fallback), high.get(l, &props.fallback));
            let options = (0..=10u8)
                .map(|n| ChoiceOption {
                    value: Answer::Scale(n),
                    label: n.to_string(),
                    hint: match n {
                        0 => Some(low.to_string()),
                        10 => Some(high.to_string()),
                        _ => None,
                    },
                })
                .collect();
            html! {
                <>
                    { choices(options, "sw-scale sw-nps") }
                    <div class="sw-ends" aria-hidden="true"><span>{ format!("0 = {low}") }</span><span>{ format!("10 = {high}") }</span></div>
                </>
            }
        }
        Input::YesNo { allow_na } => {
            let mut options = vec![
                ChoiceOption {
                    value: Answer::YesNo(true),
                    label: i18n::t(l, Msg::Yes).into(),
                    hint: None,
                },
                ChoiceOption {
                    value: Answer::YesNo(false),
                    label: i18n::t(l, Msg::No).into(),
                    hint: None,
                },
            ];
            if *allow_na {
                options.push(ChoiceOption {
                    value: Answer::NotApplicable,
                    label: i18n::t(l, Msg::NotApplicable).into(),
                    hint: None,
                });
            }
            choices(options, "sw-buttons")
        }
        Input::Text {
            multiline,
            max_length,
        } => {
            let value = match &props.answer {
                Some(Answer::Text(t)) => t.clone(),
                _ => String::new(),
            };
            let cb = props.on_answer.clone();
            return html! {
                <div class={classes!("sw-q", has_error.then_some("sw-invalid"))} id={base.clone()}>
                    <TextAnswer id={format!("{base}-text")} label={text} value={value} max_length={*max_length}
                        multiline={*multiline} required={q.required} locale={l.clone()}
                        error_id={described.clone()} on_input={Callback::from(move |v: String| cb.emit(Some(Answer::Text(v))))} />
                    { error }
                </div>
            };
        }
    };

    html! {
        <fieldset class={classes!("sw-q", has_error.then_some("sw-invalid"))} id={base}>
            <legend class="sw-legend">{ text }{ required_mark }</legend>
            { body }
            { error }
        </fieldset>
    }
}
