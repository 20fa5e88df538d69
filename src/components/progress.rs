use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub current: usize,
    pub total: usize,
    pub label: AttrValue,
    pub id: AttrValue,
}

/// A native `<progress>`: accessible as it is, and styled without inline styles so it
/// works under a strict Content Security Policy.
#[component]
pub fn Progress(props: &ProgressProps) -> Html {
    html! {
        <div class="sw-progress">
            <span class="sw-progress-label" id={props.id.clone()}>{props.label.clone()}</span>
            <progress max={props.total.to_string()} value={props.current.to_string()}
                aria-labelledby={props.id.clone()}></progress>
        </div>
    }
}
