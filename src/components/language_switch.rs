use crate::i18n::{self, Msg};
use survey_core::Locale;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LanguageSwitchProps {
    pub locales: Vec<Locale>,
    pub current: Locale,
    pub on_change: Callback<Locale>,
}

/// One button per language, each labelled in its own language.
#[component]
pub fn LanguageSwitch(props: &LanguageSwitchProps) -> Html {
    if props.locales.len() < 2 {
        return html! {};
    }
    html! {
        <div class="sw-lang" role="group" aria-label={i18n::t(&props.current, Msg::Language)}>
            { for props.locales.iter().map(|l| {
                let pressed = *l == props.current;
                let on_change = props.on_change.clone();
                let value = l.clone();
                html! {
                    <button type="button" class="sw-lang-btn" lang={l.to_string()}
                        aria-pressed={pressed.to_string()}
                        onclick={move |_| on_change.emit(value.clone())}>
                        { i18n::language_name(l.as_str()) }
                    </button>
                }
            }) }
        </div>
    }
}
