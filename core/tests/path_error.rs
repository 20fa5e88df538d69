//! `path_error::parse` names the same field serde_path_to_error names, with the same
//! message, for every broken document we can make from real ones: each value replaced
//! by values of other types, each object given an unknown key or missing one of its
//! own, and the text cut off anywhere, compact and indented (other lines and columns).
//! serde_path_to_error is only a dev-dependency now: the reference this is checked
//! against, not something the widget carries.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use survey_core::path_error::parse;
use survey_core::scoring::ScoringConfig;
use survey_core::{templates, Definition, ResponsePayload};

/// What serde_path_to_error says, printed as the collector always did (`.` = no path),
/// and whether it is about the JSON syntax or its end rather than a value.
fn reference_and_kind<T: DeserializeOwned>(json: &str) -> Option<(String, String, bool)> {
    let de = &mut serde_json::Deserializer::from_str(json);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(_) => None,
        Err(e) => {
            let syntax = !e.inner().is_data();
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            Some((path, e.inner().to_string(), syntax))
        }
    }
}

fn ours<T: DeserializeOwned>(json: &str) -> Option<(String, String)> {
    parse::<T>(json).err().map(|e| (e.path, e.problem))
}

/// Every JSON pointer in `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(c, format!("{at}/{k}"), out)
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out)
            }
        }
        _ => {}
    }
}

/// Broken copies of `v`: each value replaced, each object with an unknown key and
/// without each of its keys.
fn mutations(v: &Value) -> Vec<Value> {
    let replacements = [
        json!(300),
        json!(-1),
        json!(1.5),
        json!("x y"),
        json!(null),
        json!(true),
        json!([]),
        json!([[1]]),
        json!({}),
        json!({"zz": 1}),
    ];
    let mut ps = Vec::new();
    pointers(v, String::new(), &mut ps);
    let mut out = Vec::new();
    for p in ps.iter().skip(1) {
        for r in &replacements {
            let mut m = v.clone();
            *m.pointer_mut(p).unwrap() = r.clone();
            out.push(m);
        }
    }
    for p in &ps {
        if let Some(Value::Object(obj)) = v.pointer(p) {
            let mut m = v.clone();
            m.pointer_mut(p)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert("zz\"é\\u".into(), json!(1));
            out.push(m);
            for k in obj.keys() {
                let mut m = v.clone();
                m.pointer_mut(p).unwrap().as_object_mut().unwrap().remove(k);
                out.push(m);
            }
        }
    }
    out
}

/// Checks every mutation of `v`, compact and indented, and `v` cut off every few bytes.
/// The message is always the same; so is the path for every error about a value (wrong
/// type, unknown field or variant, missing field, out of range). For text that is not
/// JSON or ends early, serde_json's position alone cannot always tell whether it stopped
/// inside a value or between two (`"heart": 1,` or `{"scale": 3,` look alike without
/// the types), so there the path may be one step shorter or longer; the message's line
/// and column still point at the byte. The counts are printed.
fn same_as_reference<T: DeserializeOwned>(v: &Value) -> usize {
    let mut errors = 0;
    let mut syntax_paths_differing = 0;
    let mut check = |text: &str| {
        let want = reference_and_kind::<T>(text);
        errors += usize::from(want.is_some());
        let got = ours::<T>(text);
        match want {
            Some((path, problem, true)) => {
                let (got_path, got_problem) = got.expect("an error");
                assert_eq!(got_problem, problem, "{text}");
                if got_path != path {
                    syntax_paths_differing += 1;
                    let parent = |p: &str| p.rfind(['.', '[']).map_or("", |i| &p[..i]).to_string();
                    assert!(
                        parent(&got_path) == path || parent(&path) == got_path,
                        "{path:?} vs ours {got_path:?}: {problem}"
                    );
                }
            }
            other => assert_eq!(got, other.map(|(p, m, _)| (p, m)), "{text}"),
        }
    };
    for m in mutations(v) {
        check(&m.to_string());
        check(&serde_json::to_string_pretty(&m).unwrap());
    }
    let text = serde_json::to_string_pretty(v).unwrap();
    for cut in (0..text.len())
        .step_by(7)
        .filter(|&i| text.is_char_boundary(i))
    {
        check(&text[..cut]);
    }
    eprintln!("{errors} errors, {syntax_paths_differing} (syntax, EOF) one step off");
    errors
}

#[test]
fn definitions_name_the_same_field_as_serde_path_to_error() {
    for id in templates::BUILT_IN {
        let v: Value = serde_json::from_str(templates::json(id).unwrap()).unwrap();
        let errors = same_as_reference::<Definition>(&v);
        assert!(errors > 3000, "{id}: only {errors} broken definitions");
    }
}

#[test]
fn responses_and_scoring_configs_name_the_same_field() {
    let def = templates::load("post-call").unwrap().unwrap();
    let mut answers = serde_json::Map::new();
    for q in def.questions() {
        answers.insert(q.id.to_string(), json!({"scale": 3}));
    }
    answers.insert(
        "c".into(),
        json!({"contact": {"channels": ["phone"], "phone": "1"}}),
    );
    let payload = json!({
        "format": "survey-response/1",
        "id": "0b7e4f5c-7a3e-4c11-9f0e-3d2a1b0c9d8e",
        "survey": {"id": "post-call", "version": 1},
        "locale": "zh-CN",
        "created_at": "2026-11-23T10:00:00.123Z",
        "context": {"dealer": "D001"},
        "answers": answers,
        "client": {"widget_version": "0.1.0", "mode": "page"}
    });
    assert!(same_as_reference::<ResponsePayload>(&payload) > 300);
    let config = serde_json::to_value(ScoringConfig::default()).unwrap();
    assert!(same_as_reference::<ScoringConfig>(&config) > 50);
}

#[test]
fn a_path_is_read_at_the_position_serde_json_gives() {
    use survey_core::path_error::path_at;
    let text = "{\"a\": [1, {\"b\\u00e9\": [true, {\"c\": 1}]}]}";
    // After `1` inside `c`.
    let at = text.find("1}").unwrap() + 1;
    assert_eq!(path_at(text, 1, at, true, false), "a[1].bé[1].c");
    // After the `]` that closes `bé`: the array itself.
    let at = text.find("}]}").unwrap() + 2;
    assert_eq!(path_at(text, 1, at, true, false), "a[1].bé");
    // On the second line.
    assert_eq!(path_at("[0,\n {\"k\": 2}]", 2, 7, true, false), "[1].k");
}
