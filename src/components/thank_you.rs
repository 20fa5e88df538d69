use crate::i18n::{self, Msg};
use survey_core::Locale;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ThankYouProps {
    pub locale: Locale,
    pub heading_id: AttrValue,
}

/// The end of the survey; focus moves to its heading so a screen reader announces it.
#[component]
pub fn ThankYou(props: &ThankYouProps) -> Html {
    html! {
        <section class="sw-done" aria-labelledby={props.heading_id.clone()}>
            <div class="sw-done-mark" aria-hidden="true">{"✓"}</div>
            <h2 id={props.heading_id.clone()} tabindex="-1">{ i18n::t(&props.locale, Msg::ThanksTitle) }</h2>
            <p>{ i18n::t(&props.locale, Msg::ThanksBody) }</p>
        </section>
    }
}
