use survey_core::Answer;
use yew::prelude::*;

/// One radio button of a group.
#[derive(Clone, PartialEq)]
pub struct ChoiceOption {
    pub value: Answer,
    /// The visible label, e.g. `7` or `Yes`.
    pub label: String,
    /// Extra words for screen readers only, e.g. the meaning of a scale's end.
    pub hint: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct ChoiceGroupProps {
    /// The `name` shared by the radios, unique on the page.
    pub name: AttrValue,
    pub options: Vec<ChoiceOption>,
    pub selected: Option<Answer>,
    pub on_select: Callback<Answer>,
    /// `sw-scale` (a row of numbers) or `sw-buttons` (words).
    pub class: AttrValue,
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
}

/// Native radio buttons styled as large buttons: arrow keys move between them, Space
/// selects, and the enclosing fieldset's legend names the group.
#[component]
pub fn ChoiceGroup(props: &ChoiceGroupProps) -> Html {
    html! {
        <div class={classes!("sw-choices", props.class.to_string())}>
            { for props.options.iter().enumerate().map(|(i, opt)| {
                let id = format!("{}-{i}", props.name);
                let checked = props.selected.as_ref() == Some(&opt.value);
                let on_select = props.on_select.clone();
                let value = opt.value.clone();
                html! {
                    <label class="sw-choice" for={id.clone()}>
                        <input type="radio" id={id} name={props.name.clone()} checked={checked}
                            aria-describedby={props.described_by.clone()}
                            onchange={move |_| on_select.emit(value.clone())} />
                        <span class="sw-choice-face">
                            { &opt.label }
                            if let Some(hint) = &opt.hint {
                                <span class="sw-visually-hidden">{ format!(" – {hint}") }</span>
                            }
                        </span>
                    </label>
                }
            }) }
        </div>
    }
}
