//! Writes `built_in.rs`: each built-in template (parsed from its JSON, the source of
//! truth) as the Rust expression that builds the same value with [`super::parts`].
//! Run by the test `built_in_rs_is_written_from_the_json`, which also fails when the
//! file in the tree differs from what the JSON makes.
//!
//! Every struct and variant is taken apart without `..`, so a field added to the model
//! stops this from compiling until it is written here too.

use crate::answers::{Answer, ContactAnswer};
use crate::questionnaire::{
    ChoiceOption, Condition, Definition, Input, MatrixItem, Page, Question, ScoringMeta,
};
use crate::text::LocalizedText;
use std::fmt::Write;

/// The whole file for `(function name, definition)` pairs.
pub(super) fn source(templates: &[(&str, &Definition)]) -> String {
    let mut out = String::from(
        "// Written by `templates::codegen` from src/templates/*.json; do not edit. After\n\
         // changing a template: UPDATE_TEMPLATES=1 cargo test -p survey-core --lib templates\n\
         \n\
         use super::parts::{locale, locales, option, q, s, survey, t};\n\
         #[allow(unused_imports)] // only a template whose condition names an answer needs them\n\
         use crate::answers::{Answer, ContactAnswer};\n\
         use crate::questionnaire::*;\n\
         use std::collections::BTreeMap;\n",
    );
    for (name, def) in templates {
        let _ = write!(out, "\npub(super) fn {name}() -> Definition {{\n    ");
        definition(&mut out, def);
        out.push_str("\n}\n");
    }
    out
}

fn definition(o: &mut String, d: &Definition) {
    let Definition {
        format,
        id,
        version,
        default_locale,
        locales,
        title,
        pages,
        scoring,
        widget_texts,
        theme,
    } = d;
    assert!(
        scoring.is_none(),
        "a built-in template with its own scoring block: teach templates::codegen to write ScoringConfig"
    );
    let _ = write!(
        o,
        "Definition {{\n        format: s({format:?}),\n        id: survey({:?}),\n        \
         version: {version},\n        default_locale: locale({:?}),\n        locales: locales(&{:?}),\n        title: ",
        id.as_str(),
        default_locale.as_str(),
        locales.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
    );
    text(o, title);
    o.push_str(",\n        pages: vec![");
    for p in pages {
        o.push_str("\n            ");
        page(o, p);
        o.push(',');
    }
    o.push_str("\n        ],\n        scoring: None,\n        widget_texts: ");
    if widget_texts.is_empty() {
        o.push_str("BTreeMap::new()");
    } else {
        o.push('[');
        for (lang, texts) in widget_texts {
            let _ = write!(o, "(s({lang:?}), ");
            string_map(o, texts);
            o.push_str("), ");
        }
        o.push_str("].into_iter().collect()");
    }
    o.push_str(",\n        theme: ");
    string_map(o, theme);
    o.push_str(",\n    }");
}

fn string_map(o: &mut String, map: &std::collections::BTreeMap<String, String>) {
    if map.is_empty() {
        o.push_str("BTreeMap::new()");
    } else {
        o.push('[');
        for (k, v) in map {
            let _ = write!(o, "(s({k:?}), s({v:?})), ");
        }
        o.push_str("].into_iter().collect()");
    }
}

fn text(o: &mut String, t: &LocalizedText) {
    o.push_str("t(");
    pairs(o, t);
    o.push(')');
}

/// A text's `(locale, words)` pairs as the slice [`super::parts::t`] and
/// [`super::parts::option`] take.
fn pairs(o: &mut String, t: &LocalizedText) {
    o.push_str("&[");
    for (i, (locale, words)) in t.0.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        let _ = write!(o, "({locale:?}, {words:?})");
    }
    o.push(']');
}

fn optional<T>(o: &mut String, value: &Option<T>, write: impl Fn(&mut String, &T)) {
    match value {
        None => o.push_str("None"),
        Some(v) => {
            o.push_str("Some(");
            write(o, v);
            o.push(')');
        }
    }
}

fn page(o: &mut String, p: &Page) {
    let Page {
        id,
        title,
        questions,
        show_if,
    } = p;
    let _ = write!(
        o,
        "Page {{\n                id: s({id:?}),\n                title: "
    );
    optional(o, title, text);
    o.push_str(",\n                questions: vec![");
    for q in questions {
        o.push_str("\n                    ");
        question(o, q);
        o.push(',');
    }
    o.push_str("\n                ],\n                show_if: ");
    optional(o, show_if, condition);
    o.push_str(",\n            }");
}

fn question(o: &mut String, q: &Question) {
    let Question {
        id,
        text: words,
        required,
        input: kind,
        scoring,
        show_if,
        group,
    } = q;
    let _ = write!(o, "Question {{ id: q({:?}), text: ", id.as_str());
    text(o, words);
    let _ = write!(o, ", required: {required}, input: ");
    input(o, kind);
    o.push_str(", scoring: ");
    optional(o, scoring, scoring_meta);
    o.push_str(", show_if: ");
    optional(o, show_if, condition);
    o.push_str(", group: ");
    optional(o, group, |o, g| {
        let _ = write!(o, "s({g:?})");
    });
    o.push_str(" }");
}

fn input(o: &mut String, i: &Input) {
    match i {
        Input::Rating {
            points,
            low,
            high,
            allow_na,
            presentation,
        } => {
            let _ = write!(o, "Input::Rating {{ points: {points}, low: ");
            text(o, low);
            o.push_str(", high: ");
            text(o, high);
            let _ = write!(
                o,
                ", allow_na: {allow_na}, presentation: Presentation::{presentation:?} }}"
            );
        }
        Input::Nps { low, high } => {
            o.push_str("Input::Nps { low: ");
            text(o, low);
            o.push_str(", high: ");
            text(o, high);
            o.push_str(" }");
        }
        Input::YesNo { allow_na } => {
            let _ = write!(o, "Input::YesNo {{ allow_na: {allow_na} }}");
        }
        Input::Text {
            multiline,
            max_length,
        } => {
            let _ = write!(
                o,
                "Input::Text {{ multiline: {multiline}, max_length: {max_length} }}"
            );
        }
        Input::SingleChoice { options } => {
            o.push_str("Input::SingleChoice { options: ");
            choice_options(o, options);
            o.push_str(" }");
        }
        Input::MultiChoice {
            options,
            min_selected,
            max_selected,
        } => {
            o.push_str("Input::MultiChoice { options: ");
            choice_options(o, options);
            let _ = write!(
                o,
                ", min_selected: {min_selected:?}, max_selected: {max_selected:?} }}"
            );
        }
        Input::Matrix {
            points,
            low,
            high,
            allow_na,
            items,
        } => {
            let _ = write!(o, "Input::Matrix {{ points: {points}, low: ");
            text(o, low);
            o.push_str(", high: ");
            text(o, high);
            let _ = write!(o, ", allow_na: {allow_na}, items: vec![");
            for item in items {
                let MatrixItem {
                    id,
                    text: words,
                    scoring,
                } = item;
                let _ = write!(o, "MatrixItem {{ id: q({:?}), text: ", id.as_str());
                text(o, words);
                o.push_str(", scoring: ");
                optional(o, scoring, scoring_meta);
                o.push_str(" }, ");
            }
            o.push_str("] }");
        }
        Input::Contact { channels } => {
            o.push_str("Input::Contact { channels: vec![");
            for c in channels {
                let _ = write!(o, "ContactChannel::{c:?}, ");
            }
            o.push_str("] }");
        }
        Input::Hidden { source } => {
            let _ = write!(o, "Input::Hidden {{ source: s({source:?}) }}");
        }
    }
}

fn choice_options(o: &mut String, options: &[ChoiceOption]) {
    o.push_str("vec![");
    for ChoiceOption { value, label } in options {
        let _ = write!(o, "option({value:?}, ");
        pairs(o, label);
        o.push_str("), ");
    }
    o.push(']');
}

fn scoring_meta(o: &mut String, m: &ScoringMeta) {
    let ScoringMeta {
        dimension,
        heart,
        role,
        weight,
    } = m;
    o.push_str("ScoringMeta { dimension: ");
    optional(o, dimension, |o, d| {
        let _ = write!(o, "Dimension::{d:?}");
    });
    o.push_str(", heart: ");
    optional(o, heart, |o, h| {
        let _ = write!(o, "Heart::{h:?}");
    });
    o.push_str(", role: ");
    optional(o, role, |o, r| {
        let _ = write!(o, "MetricRole::{r:?}");
    });
    // `{:?}` writes a float with its point (`1.0`), so it stays an f64 literal.
    let _ = write!(o, ", weight: {weight:?} }}");
}

fn condition(o: &mut String, c: &Condition) {
    match c {
        Condition::All(all) | Condition::Any(all) => {
            let which = if matches!(c, Condition::All(_)) {
                "All"
            } else {
                "Any"
            };
            let _ = write!(o, "Condition::{which}(vec![");
            for c in all {
                condition(o, c);
                o.push_str(", ");
            }
            o.push_str("])");
        }
        Condition::Not(inner) => {
            o.push_str("Condition::Not(Box::new(");
            condition(o, inner);
            o.push_str("))");
        }
        Condition::Answered { question } => {
            let _ = write!(
                o,
                "Condition::Answered {{ question: q({:?}) }}",
                question.as_str()
            );
        }
        Condition::AtMost { question, value } => {
            let _ = write!(
                o,
                "Condition::AtMost {{ question: q({:?}), value: {value} }}",
                question.as_str()
            );
        }
        Condition::AtLeast { question, value } => {
            let _ = write!(
                o,
                "Condition::AtLeast {{ question: q({:?}), value: {value} }}",
                question.as_str()
            );
        }
        Condition::Equals { question, value } => {
            let _ = write!(
                o,
                "Condition::Equals {{ question: q({:?}), value: ",
                question.as_str()
            );
            answer(o, value);
            o.push_str(" }");
        }
        Condition::Includes { question, option } => {
            let _ = write!(
                o,
                "Condition::Includes {{ question: q({:?}), option: s({option:?}) }}",
                question.as_str()
            );
        }
    }
}

fn answer(o: &mut String, a: &Answer) {
    match a {
        Answer::Scale(n) => {
            let _ = write!(o, "Answer::Scale({n})");
        }
        Answer::YesNo(b) => {
            let _ = write!(o, "Answer::YesNo({b})");
        }
        Answer::NotApplicable => o.push_str("Answer::NotApplicable"),
        Answer::Text(x) => {
            let _ = write!(o, "Answer::Text(s({x:?}))");
        }
        Answer::Choice(x) => {
            let _ = write!(o, "Answer::Choice(s({x:?}))");
        }
        Answer::Choices(xs) => {
            o.push_str("Answer::Choices(vec![");
            for x in xs {
                let _ = write!(o, "s({x:?}), ");
            }
            o.push_str("])");
        }
        Answer::Contact(ContactAnswer {
            consent,
            phone,
            email,
        }) => {
            let _ = write!(
                o,
                "Answer::Contact(ContactAnswer {{ consent: {consent}, phone: {}, email: {} }})",
                phone
                    .as_ref()
                    .map_or("None".into(), |p| format!("Some(s({p:?}))")),
                email
                    .as_ref()
                    .map_or("None".into(), |e| format!("Some(s({e:?}))")),
            );
        }
    }
}
