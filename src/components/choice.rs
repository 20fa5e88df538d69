use survey_core::Answer;
use yew::prelude::*;

/// One option of a group.
#[derive(Clone, PartialEq)]
pub struct ChoiceOption {
    pub value: Answer,
    /// What is shown, e.g. `7`, a star, a drawn face or `Yes`.
    pub label: Html,
    /// What a screen reader says instead of the label, e.g. `1 – Very dissatisfied`
    /// for the end of a scale, or `3` for three stars.
    pub hint: Option<String>,
}

/// Radio buttons (one answer) or checkboxes (several).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum Kind {
    #[default]
    Radio,
    Checkbox,
}

#[derive(Properties, PartialEq)]
pub struct ChoiceGroupProps {
    /// The `name` shared by the inputs, unique on the page.
    pub name: AttrValue,
    pub options: Vec<ChoiceOption>,
    /// The chosen answer, for radios.
    #[prop_or_default]
    pub selected: Option<Answer>,
    /// The ticked options, for checkboxes.
    #[prop_or_default]
    pub checked: Vec<Answer>,
    #[prop_or_default]
    pub kind: Kind,
    /// Called with the option's value when it is chosen (or, for checkboxes, toggled).
    pub on_select: Callback<Answer>,
    /// `sw-scale` (a row of numbers), `sw-buttons` (words), `sw-list` (a column).
    pub class: AttrValue,
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
    /// Numbering of the inputs' ids starts here, so a second group sharing the same
    /// `name` (the "not applicable" of a scale) never repeats an id.
    #[prop_or_default]
    pub first_index: usize,
    /// A phone interview: show each answer's key (`survey_core::interview::key_hint`),
    /// counted from `key_from` (the answers before this group in its question).
    #[prop_or_default]
    pub keys: bool,
    #[prop_or_default]
    pub key_from: usize,
    /// Sees each click on an input first: the question flow cancels one that lands
    /// right after it moved on by itself (the finger that chose, landing again), so
    /// the radio is never shown chosen when the answer was not taken.
    #[prop_or_default]
    pub on_tap: Option<Callback<MouseEvent>>,
}

/// Native inputs styled as large buttons: arrow keys move within a radio group, Space
/// selects or ticks, and the enclosing fieldset's legend names the group.
#[component]
pub fn ChoiceGroup(props: &ChoiceGroupProps) -> Html {
    let input_type = match props.kind {
        Kind::Radio => "radio",
        Kind::Checkbox => "checkbox",
    };
    html! {
        <div class={classes!("sw-choices", props.class.to_string())}>
            { for props.options.iter().enumerate().map(|(i, opt)| {
                let id = format!("{}-{}", props.name, props.first_index + i);
                let checked = match props.kind {
                    Kind::Radio => props.selected.as_ref() == Some(&opt.value),
                    Kind::Checkbox => props.checked.contains(&opt.value),
                };
                let on_select = props.on_select.clone();
                let value = opt.value.clone();
                html! {
                    <label class="sw-choice" for={id.clone()}>
                        <input type={input_type} id={id} name={props.name.clone()} checked={checked}
                            aria-describedby={props.described_by.clone()} onclick={props.on_tap.clone()}
                            onchange={move |_| on_select.emit(value.clone())} />
                        <span class="sw-choice-face">
                            if let Some(hint) = &opt.hint {
                                <span aria-hidden="true">{ opt.label.clone() }</span>
                                <span class="sw-visually-hidden">{ hint }</span>
                            } else {
                                { opt.label.clone() }
                            }
                        </span>
                        if props.keys {
                            if let Some(k) = survey_core::interview::key_hint(props.key_from + i, false) {
                                <kbd class="sw-key" aria-hidden="true">{ k }</kbd>
                            }
                        }
                    </label>
                }
            }) }
        </div>
    }
}
