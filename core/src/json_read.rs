//! How the widget reads JSON it stored or was handed (its saved progress, its journal,
//! a mount option): the text into a [`Value`] first, then the type from the value.
//!
//! Why not straight from the text: serde compiles each type's visitors once per
//! deserializer. The outbox must go through a `Value` anyway (it salvages entries one by
//! one, `delivery::queue`), so reading everything else the same way keeps one set of
//! visitors per type in the wasm, plus one reader of JSON text (the `Value`'s), instead
//! of a second set per type for the text (issue 18). Errors lose serde_json's line and
//! column, which for a document the widget wrote itself name nothing a person could fix.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Reads `text` as JSON into `T`; the error is serde_json's, as one line.
pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    T::deserialize(&value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn reads_a_type_and_says_what_is_wrong() {
        let map: BTreeMap<String, String> = read(r##"{"brand":"#c8102e"}"##).unwrap();
        assert_eq!(map["brand"], "#c8102e");
        let wrong = read::<BTreeMap<String, String>>(r#"{"brand":1}"#).unwrap_err();
        assert!(
            wrong.contains("invalid type: integer `1`, expected a string"),
            "{wrong}"
        );
        let broken = read::<BTreeMap<String, String>>("{").unwrap_err();
        assert!(broken.contains("EOF while parsing"), "{broken}");
    }
}
