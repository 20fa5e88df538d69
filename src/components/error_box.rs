use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorBoxProps {
    /// What is wrong, naming the field, e.g. `pages[1].questions[0].input.points: …`.
    pub message: AttrValue,
    /// The heading in the survey's language, when a definition has loaded (its
    /// `error_title`); bilingual otherwise, as there are no words to take.
    #[prop_or_default]
    pub title: Option<&'static str>,
}

/// Shown instead of the survey when its configuration or definition is broken, so the
/// dealer sees what to fix instead of a blank space.
#[component]
pub fn ErrorBox(props: &ErrorBoxProps) -> Html {
    html! {
        <div class="sw sw-error-box" role="alert">
            <h2 class="sw-error-title">
                if let Some(title) = props.title {
                    { title }
                } else {
                    <span lang="zh-CN">{"问卷无法显示"}</span>{" / "}<span lang="en">{"This survey cannot be shown"}</span>
                }
            </h2>
            <p class="sw-error-detail"><code>{props.message.clone()}</code></p>
        </div>
    }
}
