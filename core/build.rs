//! Minifies the built-in templates (`src/templates/*.json`) into `OUT_DIR`, so the
//! widget carries them without their indentation (about 0.7 KB less gzip in the wasm).
//! The files in `src/templates/` stay readable and are the source of truth.

use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").expect("OUT_DIR");
    for name in ["post-service.json", "post-call.json", "case-solved.json"] {
        let src = Path::new("src/templates").join(name);
        println!("cargo:rerun-if-changed={}", src.display());
        let text = fs::read_to_string(&src).expect("template");
        fs::write(Path::new(&out).join(name), minify(&text)).expect("write template");
    }
}

/// Drops the whitespace between JSON tokens; strings (with their escapes) are kept as
/// they are, so the parsed value is the same.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}
