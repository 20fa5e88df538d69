//! Strict reading of a posted body: exactly one JSON document, and no key twice in any
//! object.
//!
//! serde_json alone is lenient on both counts. A caller that does not call
//! `Deserializer::end` accepts `{…} garbage`, and a map keeps the last of two values for
//! one key, so `{"nps":{"scale":0},"nps":{"scale":10}}` is read as a promoter while a
//! proxy, a log or another parser in front may have read the detractor. The server
//! refuses both rather than guess which reading was meant. The widget never calls this
//! (it parses only what it wrote itself), so its wasm does not carry it.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// Why a body is not exactly one JSON document with unique keys.
#[derive(Debug)]
pub enum StrictError {
    /// A key appears twice in the object at `path` (`answers`, `items[2]`; empty for the
    /// top-level object). Keys are compared after unescaping, so `"a"` and `"\u0061"`
    /// are the same key.
    DuplicateKey { path: String, key: String },
    /// Something other than whitespace follows the document, first at this position
    /// (1-based).
    TrailingData { line: usize, column: usize },
    /// Not JSON at all, or nested deeper than serde_json's recursion limit (128).
    Syntax(serde_json::Error),
}

impl fmt::Display for StrictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrictError::DuplicateKey { key, .. } => write!(f, "duplicate key {key:?}"),
            StrictError::TrailingData { line, column } => write!(
                f,
                "unexpected data after the JSON document at line {line} column {column}"
            ),
            StrictError::Syntax(e) => write!(f, "{e}"),
        }
    }
}

impl StrictError {
    /// The object at fault for a duplicate key; empty otherwise (the whole body).
    pub fn path(&self) -> &str {
        match self {
            StrictError::DuplicateKey { path, .. } => path,
            _ => "",
        }
    }
}

impl std::error::Error for StrictError {}

/// Checks that `body` is one JSON document, optionally surrounded by whitespace, in
/// which no object has a key twice. Reads the body once, keeping only the keys of the
/// objects on the current path; nesting is bounded by serde_json's recursion limit, so a
/// hostile `[[[[…` is an error, not a stack overflow.
pub fn check(body: &str) -> Result<(), StrictError> {
    let mut de = serde_json::Deserializer::from_str(body);
    let mut walk = Walk::default();
    if let Err(e) = (&mut walk).deserialize(&mut de) {
        return Err(walk.duplicate.take().unwrap_or(StrictError::Syntax(e)));
    }
    de.end().map_err(|e| StrictError::TrailingData {
        line: e.line(),
        column: e.column(),
    })
}

/// One step from a value to a child: an object's key or an array's index.
enum Step {
    Key(String),
    Index(usize),
}

/// The state of one walk over a document: where it is, and the duplicate it stopped at.
#[derive(Default)]
struct Walk {
    path: Vec<Step>,
    duplicate: Option<StrictError>,
}

impl Walk {
    /// The path as the payload's errors write it: `answers.nps`, `items[2].question`.
    fn path_text(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) if out.is_empty() => out.push_str(k),
                Step::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

impl<'de> DeserializeSeed<'de> for &mut Walk {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut Walk {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.path.push(Step::Index(index));
            let more = seq.next_element_seed(&mut *self)?;
            self.path.pop();
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                let path = self.path_text();
                self.duplicate = Some(StrictError::DuplicateKey { path, key });
                return Err(de::Error::custom("duplicate key"));
            }
            self.path.push(Step::Key(key));
            map.next_value_seed(&mut *self)?;
            if let Some(Step::Key(key)) = self.path.pop() {
                seen.insert(key);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate(body: &str) -> Option<(String, String)> {
        match check(body) {
            Err(StrictError::DuplicateKey { path, key }) => Some((path, key)),
            _ => None,
        }
    }

    fn at(path: &str, key: &str) -> Option<(String, String)> {
        Some((path.into(), key.into()))
    }

    #[test]
    fn one_document_with_unique_keys_passes() {
        for ok in [
            r#"{"a":1,"b":{"a":1},"c":[{"a":1},{"a":2}],"d":null}"#,
            " \t\r\n[1, 2.5, -3, true, false, null, \"x\", {}] \n",
            r#"{"x":{"x":{"x":1}}}"#,
            r#"{"A":1,"a":2}"#,
            "7",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn a_duplicate_is_named_with_its_path() {
        assert_eq!(duplicate(r#"{"a":1,"a":1}"#), at("", "a"));
        assert_eq!(
            duplicate(r#"{"answers":{"nps":{"scale":0},"s":1,"nps":{"scale":10}}}"#),
            at("answers", "nps")
        );
        assert_eq!(
            duplicate(r#"{"a":{"b":{"c":{"d":1,"d":2}}}}"#),
            at("a.b.c", "d")
        );
        assert_eq!(
            duplicate(r#"{"items":[{"q":1},{"q":1,"q":2}]}"#),
            at("items[1]", "q")
        );
        assert_eq!(
            duplicate(r#"[[0,{"k":[]}],[{"k":1,"k":1}]]"#),
            at("[1][0]", "k")
        );
    }

    #[test]
    fn keys_are_compared_after_unescaping() {
        assert_eq!(duplicate(r#"{"a":1,"\u0061":2}"#), at("", "a"));
        assert_eq!(duplicate(r#"{"é":1,"\u00e9":2}"#), at("", "é"));
        assert_eq!(duplicate(r#"{"a\"b":1,"a\u0022b":2}"#), at("", "a\"b"));
        assert_eq!(
            check(r#"{"a":1,"a":2}"#).map_err(|e| e.to_string()),
            Err("duplicate key \"a\"".to_string())
        );
    }

    #[test]
    fn trailing_data_is_refused_with_its_position() {
        for (body, line, column) in [
            (r#"{"a":1} x"#, 1, 9),
            ("{\"a\":1}\n{\"a\":2}", 2, 1),
            ("[1]]", 1, 4),
            ("1 2", 1, 3),
        ] {
            match check(body) {
                Err(StrictError::TrailingData { line: l, column: c }) => {
                    assert_eq!((l, c), (line, column), "{body:?}")
                }
                other => panic!("{body:?}: {other:?}"),
            }
        }
        let e = check(r#"{"a":1} x"#).map_err(|e| e.to_string());
        assert_eq!(
            e,
            Err("unexpected data after the JSON document at line 1 column 9".to_string())
        );
    }

    #[test]
    fn not_json_is_a_syntax_error() {
        for bad in ["", "{", r#"{"a":}"#, "{'a':1}", r#"{"a":1,}"#, "\u{feff}{}"] {
            assert!(matches!(check(bad), Err(StrictError::Syntax(_))), "{bad:?}");
        }
    }

    /// serde_json allows 127 levels; deeper is refused before the walk's own recursion
    /// can exhaust the stack, even for a body of a million brackets.
    #[test]
    fn nesting_is_bounded_by_the_recursion_limit() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(check(&nested(127)).is_ok());
        match check(&nested(128)) {
            Err(StrictError::Syntax(e)) => {
                assert!(e.to_string().contains("recursion limit"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            check(&"[{\"a\":".repeat(1_000_000)),
            Err(StrictError::Syntax(_))
        ));
        let deep_duplicate = format!(
            "{}{{\"k\":1,\"k\":2}}{}",
            "{\"a\":".repeat(100),
            "}".repeat(100)
        );
        let path = vec!["a"; 100].join(".");
        assert_eq!(duplicate(&deep_duplicate), Some((path, "k".into())));
    }
}
