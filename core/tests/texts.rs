//! The widget's own texts (issue 13 item 18): a definition's `widget_texts` is refused
//! with the exact path when a key is not in the one list or a text does not fit its
//! placeholders, and the JSON Schema and the format's documentation say the same as
//! the list (`survey_core::texts::TEXTS`).

use serde_json::{json, Map, Value};
use survey_core::texts::Msg;
use survey_core::{templates, Definition};

const SCHEMA: &str = include_str!("../../docs/survey-definition.schema.json");
const FORMAT_DOC: &str = include_str!("../../docs/definition-format.md");

fn template() -> Value {
    serde_json::from_str(templates::POST_SERVICE).expect("template is JSON")
}

fn error_of(v: &Value) -> String {
    match Definition::from_json(&v.to_string()) {
        Ok(_) => panic!("broken definition was accepted"),
        Err(e) => e.to_string(),
    }
}

fn with_texts(texts: Value) -> Value {
    let mut v = template();
    v["widget_texts"] = texts;
    v
}

fn schema_errors(v: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    jsonschema::draft202012::new(&schema)
        .expect("schema compiles")
        .iter_errors(v)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// A `widget_texts` block for `locale` with every key, in the words of a dealer who
/// adds a language (the built-in English, marked, with the key's placeholders).
fn full_block() -> Value {
    let mut block = Map::new();
    for m in Msg::ALL {
        block.insert(m.key().into(), json!(format!("«{}»", m.built_in("en"))));
    }
    Value::Object(block)
}

#[test]
fn a_misspelt_key_is_refused_with_its_path_and_the_key_meant() {
    assert_eq!(
        error_of(&with_texts(
            json!({"en": {"next": "Onward", "thanks_tilte": "Merci"}})
        )),
        "widget_texts.en.thanks_tilte: \"thanks_tilte\" is not a widget text key; did you mean \
         \"thanks_title\"? (the keys are listed in docs/definition-format.md)"
    );
    assert_eq!(
        error_of(&with_texts(json!({"zh-CN": {"colour": "红"}}))),
        "widget_texts.zh-CN.colour: \"colour\" is not a widget text key (the keys are listed in \
         docs/definition-format.md)"
    );
    // Not even an id: the same refusal, at the key's path.
    assert!(error_of(&with_texts(json!({"en": {"next page": "On"}})))
        .starts_with("widget_texts.en.next page: \"next page\" is not a widget text key"));
}

#[test]
fn a_text_must_carry_the_placeholders_of_its_key_and_no_other() {
    assert_eq!(
        error_of(&with_texts(json!({"en": {"page_of": "Page {current}"}}))),
        "widget_texts.en.page_of: must contain {total} (page_of takes {current} {total})"
    );
    assert_eq!(
        error_of(&with_texts(
            json!({"en": {"starting_over_in": "Again in {seconds} s"}})
        )),
        "widget_texts.en.starting_over_in: {seconds} is not a placeholder here \
         (starting_over_in takes {n})"
    );
    assert_eq!(
        error_of(&with_texts(json!({"en": {"staff": "Staff {n}"}}))),
        "widget_texts.en.staff: {n} is not a placeholder here (staff takes none)"
    );
    let ok =
        with_texts(json!({"en": {"characters_left": "{n} left", "too_long": "≤ {max} ({found})"}}));
    Definition::from_json(&ok.to_string()).expect("fitting placeholders load");
}

#[test]
fn a_full_block_of_every_key_loads_and_matches_the_schema() {
    let mut v = template();
    v["locales"].as_array_mut().unwrap().push(json!("ja"));
    add_locale(&mut v, "ja");
    v["widget_texts"] = json!({ "ja": full_block() });
    Definition::from_json(&v.to_string()).expect("every key is accepted");
    assert_eq!(schema_errors(&v), Vec::<String>::new());
}

/// Gives `locale` a text wherever the definition has an English one.
fn add_locale(v: &mut Value, locale: &str) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(en)) = m.get("en").cloned() {
                m.insert(locale.into(), json!(format!("{en} ({locale})")));
            }
            for (k, x) in m.iter_mut() {
                if k != "widget_texts" {
                    add_locale(x, locale);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| add_locale(x, locale)),
        _ => {}
    }
}

#[test]
fn the_schema_refuses_what_the_loader_refuses() {
    for texts in [
        json!({"en": {"thanks_tilte": "Merci"}}),
        json!({"en": {"page_of": "Page {current}"}}),
        json!({"en": {"back_to_start_in": "Back soon"}}),
        json!({"en": {"next": "Onward {n}"}}),
        json!({"en": {"too_long": "{max} {found} {min}"}}),
        json!({"en": {"next": ""}}),
    ] {
        let v = with_texts(texts.clone());
        assert!(Definition::from_json(&v.to_string()).is_err(), "{texts}");
        assert!(!schema_errors(&v).is_empty(), "the schema accepted {texts}");
    }
    let v = with_texts(json!({"en": {"next": "Onward {:-)} { }", "page_of": "{current}/{total}"}}));
    Definition::from_json(&v.to_string()).expect("loads");
    assert_eq!(schema_errors(&v), Vec::<String>::new());
}

/// What `$defs.widget_texts` of the schema must be, from the one list.
fn schema_for_texts() -> Value {
    let mut properties = Map::new();
    for m in Msg::ALL {
        properties.insert(m.key().into(), schema_for(*m));
    }
    json!({
        "type": "object",
        "description": "The widget's own texts of one language: key → text. The keys and their placeholders are the list in core/src/texts.rs (docs/definition-format.md, \"The widget's own texts\").",
        "properties": properties,
        "additionalProperties": false
    })
}

fn schema_for(m: Msg) -> Value {
    let names: Vec<&str> = m.placeholders().collect();
    let mut all = vec![json!({"$ref": "#/$defs/widget_text"})];
    for p in &names {
        all.push(json!({"pattern": format!("\\{{{p}\\}}")}));
    }
    let unknown = if names.is_empty() {
        "\\{[a-z_]+\\}".to_string()
    } else {
        format!("\\{{(?!(?:{})\\}})[a-z_]+\\}}", names.join("|"))
    };
    all.push(json!({"not": {"pattern": unknown}}));
    json!({ "allOf": all })
}

#[test]
fn the_schema_lists_exactly_the_keys_and_placeholders_of_the_one_list() {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let expected = schema_for_texts();
    assert!(
        schema["$defs"]["widget_texts"] == expected,
        "docs/survey-definition.schema.json: $defs.widget_texts must be\n{}",
        serde_json::to_string_pretty(&expected).unwrap()
    );
    assert_eq!(
        schema["properties"]["widget_texts"]["additionalProperties"],
        json!({"$ref": "#/$defs/widget_texts"})
    );
}

/// The table of keys in docs/definition-format.md, from the one list.
fn doc_table() -> String {
    let mut out = String::from(
        "| key | placeholders | English (built in also in zh-CN, zh-TW) |\n|---|---|---|\n",
    );
    for m in Msg::ALL {
        let ph: Vec<String> = m.placeholders().map(|p| format!("`{{{p}}}`")).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            m.key(),
            ph.join(" "),
            m.built_in("en").replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn the_format_doc_lists_every_key() {
    let begin = "<!-- widget-texts:begin (generated from core/src/texts.rs; core/tests/texts.rs checks it) -->\n";
    let end = "<!-- widget-texts:end -->";
    let found = FORMAT_DOC
        .split_once(begin)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(table, _)| table);
    let expected = doc_table();
    assert!(
        found == Some(expected.as_str()),
        "docs/definition-format.md: between the markers must be\n{begin}{expected}{end}"
    );
}
