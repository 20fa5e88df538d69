use crate::i18n::{self, Msg};
use survey_core::answers::ContactAnswer;
use survey_core::questionnaire::ContactChannel;
use survey_core::{Answer, Locale};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ContactFieldsProps {
    pub id: AttrValue,
    pub channels: Vec<ContactChannel>,
    pub value: Option<ContactAnswer>,
    pub locale: Locale,
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
    pub on_change: Callback<Option<Answer>>,
}

/// "Please contact me": a consent box; the phone and e-mail fields appear once it is
/// ticked. Unticking keeps nothing the customer typed.
#[component]
pub fn ContactFields(props: &ContactFieldsProps) -> Html {
    let l = &props.locale;
    let value = props.value.clone().unwrap_or(ContactAnswer {
        consent: false,
        phone: None,
        email: None,
    });
    let consent_id = format!("{}-consent", props.id);
    let purpose_id = format!("{}-purpose", props.id);
    let purpose_described = match &props.described_by {
        Some(d) => format!("{d} {purpose_id}"),
        None => purpose_id.clone(),
    };
    let on_consent = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| {
            let ticked = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .is_some_and(|el| el.checked());
            cb.emit(Some(Answer::Contact(ContactAnswer {
                consent: ticked,
                phone: None,
                email: None,
            })));
        })
    };
    let field = |channel: ContactChannel| {
        let (kind, autocomplete, label, current) = match channel {
            ContactChannel::Phone => ("tel", "tel", i18n::t(l, Msg::Phone), value.phone.clone()),
            ContactChannel::Email => (
                "email",
                "email",
                i18n::t(l, Msg::Email),
                value.email.clone(),
            ),
        };
        let id = format!("{}-{}", props.id, kind);
        let cb = props.on_change.clone();
        let base = value.clone();
        let on_input = Callback::from(move |e: InputEvent| {
            let Some(text) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|el| el.value())
            else {
                return;
            };
            let text = (!text.trim().is_empty()).then(|| text.trim().to_string());
            let mut next = base.clone();
            match channel {
                ContactChannel::Phone => next.phone = text,
                ContactChannel::Email => next.email = text,
            }
            cb.emit(Some(Answer::Contact(next)));
        });
        html! {
            <div class="sw-contact-field">
                <label for={id.clone()}>{ label }</label>
                <input class="sw-text" type={kind} id={id} autocomplete={autocomplete} maxlength="254"
                    value={current.unwrap_or_default()} aria-describedby={props.described_by.clone()}
                    oninput={on_input} />
            </div>
        }
    };
    html! {
        <div class="sw-contact">
            <label class="sw-check" for={consent_id.clone()}>
                <input type="checkbox" id={consent_id} checked={value.consent} onchange={on_consent}
                    aria-describedby={purpose_described} />
                <span>{ i18n::t(l, Msg::ContactConsent) }</span>
            </label>
            // Purpose and retention, stated before anything is given (PIPL).
            <p class="sw-purpose" id={purpose_id}>{ i18n::t(l, Msg::ContactPurpose) }</p>
            if value.consent {
                { for props.channels.iter().map(|c| field(*c)) }
            }
        </div>
    }
}
