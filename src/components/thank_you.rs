use crate::i18n::{self, Msg};
use crate::state::{Delivery, Thanks, Tone};
use survey_core::Locale;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ThankYouProps {
    pub locale: Locale,
    pub heading_id: AttrValue,
    pub thanks: Thanks,
    /// A public review page, offered only to a delighted customer.
    #[prop_or_default]
    pub review_url: Option<AttrValue>,
    /// How the response left: queued for the network, or sent without a copy.
    #[prop_or_default]
    pub delivery: Delivery,
}

/// The end of the survey, fitted to what the customer said: an apology after low
/// scores, a promise to call only to a customer who asked and left a number or an
/// address, a review prompt for a promoter. Focus moves to the heading so a screen
/// reader announces it.
#[component]
pub fn ThankYou(props: &ThankYouProps) -> Html {
    let l = &props.locale;
    let thanks = props.thanks;
    // A refused response was not recorded: say so, and promise nothing.
    if let Some(title) = refused_title(props.delivery) {
        return html! {
            <section class="sw-done" aria-labelledby={props.heading_id.clone()}>
                <h2 id={props.heading_id.clone()} tabindex="-1">{ i18n::t(l, title) }</h2>
                <p role="status">{ i18n::t(l, Msg::NotRecorded) }</p>
            </section>
        };
    }
    let (mark, title, body) = match thanks.tone {
        Tone::Sorry => (
            "sw-done-mark sw-done-sorry",
            Msg::SorryTitle,
            Msg::SorryBody,
        ),
        Tone::Delighted => ("sw-done-mark", Msg::ThanksTitle, Msg::DelightedBody),
        Tone::Plain => ("sw-done-mark", Msg::ThanksTitle, Msg::ThanksBody),
    };
    let review = match &props.review_url {
        Some(url) if thanks.review => html! {
            <p><a class="sw-btn sw-btn-primary sw-review" href={url.clone()} target="_blank" rel="noopener noreferrer">
                { i18n::t(l, Msg::LeaveReview) }
            </a></p>
        },
        _ => html! {},
    };
    html! {
        <section class="sw-done" aria-labelledby={props.heading_id.clone()}>
            <div class={mark} aria-hidden="true">{ if thanks.will_contact { "☎" } else { "✓" } }</div>
            <h2 id={props.heading_id.clone()} tabindex="-1">{ i18n::t(l, title) }</h2>
            <p>{ i18n::t(l, body) }</p>
            if thanks.will_contact {
                <p class="sw-will-contact">{ i18n::t(l, Msg::WillContact) }</p>
            }
            if let Some(note) = delivery_note(props.delivery) {
                <p class="sw-done-note" role="status">{ i18n::t(l, note) }</p>
            }
            { review }
        </section>
    }
}

/// The heading instead of the thanks when the endpoint refused the response.
fn refused_title(delivery: Delivery) -> Option<Msg> {
    match delivery {
        Delivery::AlreadyAnswered => Some(Msg::AlreadyAnswered),
        Delivery::Refused => Some(Msg::RefusedTitle),
        _ => None,
    }
}

/// The quiet line under the thanks, when there is something to say about delivery.
fn delivery_note(delivery: Delivery) -> Option<Msg> {
    match delivery {
        Delivery::QueuedOffline => Some(Msg::QueuedOffline),
        Delivery::ServerDown => Some(Msg::ServerDown),
        Delivery::NotStorable => Some(Msg::NotStorable),
        _ => None,
    }
}
