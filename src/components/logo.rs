//! The dealer's logo from the theme (`theme.logo`), next to the survey's title.

use survey_core::theme::Logo;
use yew::prelude::*;

/// The logo as an image (an inline SVG one too, as a `data:` URL: an image runs no
/// script and fetches nothing), at the theme's height; nothing without a theme logo.
/// A function, not a component read from a context: a context provider costs the
/// widget about 3 KB of wasm, a prop on the two places that show it almost nothing.
pub fn logo(logo: Option<&Logo>) -> Html {
    match logo {
        Some(l) => html! {
            <img class="sw-logo" src={l.src.clone()} alt={l.alt.clone()} height={l.height.to_string()} />
        },
        None => html! {},
    }
}
