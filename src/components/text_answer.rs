use crate::i18n;
use survey_core::Locale;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TextAnswerProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub max_length: u32,
    pub multiline: bool,
    pub required: bool,
    pub locale: Locale,
    pub on_input: Callback<String>,
    #[prop_or_default]
    pub error_id: Option<AttrValue>,
}

/// A labelled text field with a visible count of the characters left.
#[component]
pub fn TextAnswer(props: &TextAnswerProps) -> Html {
    let counter_id = format!("{}-count", props.id);
    let left = (props.max_length as usize).saturating_sub(props.value.chars().count());
    let described = match &props.error_id {
        Some(e) => format!("{counter_id} {e}"),
        None => counter_id.clone(),
    };
    let on_input = {
        let cb = props.on_input.clone();
        move |e: InputEvent| {
            let value = e.target().and_then(|t| {
                t.clone()
                    .dyn_into::<web_sys::HtmlTextAreaElement>()
                    .map(|el| el.value())
                    .or_else(|_| {
                        t.dyn_into::<web_sys::HtmlInputElement>()
                            .map(|el| el.value())
                    })
                    .ok()
            });
            if let Some(v) = value {
                cb.emit(v);
            }
        }
    };
    let field = if props.multiline {
        html! {
            <textarea id={props.id.clone()} class="sw-text" rows="5" maxlength={props.max_length.to_string()}
                aria-describedby={described} aria-required={props.required.to_string()}
                value={props.value.clone()} oninput={on_input} />
        }
    } else {
        html! {
            <input type="text" id={props.id.clone()} class="sw-text" maxlength={props.max_length.to_string()}
                aria-describedby={described} aria-required={props.required.to_string()}
                value={props.value.clone()} oninput={on_input} />
        }
    };
    html! {
        <>
            <label class="sw-legend" for={props.id.clone()}>{ props.label.clone() }</label>
            { field }
            <p class="sw-count" id={counter_id}>{ i18n::characters_left(&props.locale, left) }</p>
        </>
    }
}
