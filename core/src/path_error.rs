//! One error for everything a dealer or a device sends as JSON and we read into a type
//! (a definition, a posted response, a scoring configuration): the JSON path of the field
//! at fault and what is wrong with it, e.g.
//! `pages[1].questions[0].input.points: must be between 2 and 11, found 12`.
//!
//! ## How the path is found, and why not with a wrapping deserializer
//! serde_path_to_error finds the path by wrapping the deserializer, so every serde
//! visitor of the model is compiled again for the wrapper: 63 KB of the widget's wasm
//! (9.5 KB of the gzip download, net of this module) to name a field in an error that
//! a working survey never shows. [`parse`] reads with plain serde_json instead, and
//! only when it fails works the path out from where serde_json stopped: its error
//! carries the line and column, and a small scanner walks the text up to that point,
//! keeping the object keys and array indices it is inside. serde_json stops
//!
//! * just after a key for an unknown field (`…requird: unknown field`), so a key read
//!   but not yet followed by its value still belongs to the path;
//! * just after a value that has the wrong type or is out of range (`version: …`,
//!   `locales[1]: …`), or just before it when serde_json only peeked at it;
//! * just after the closing `}` / `]` for what is checked on the whole object or
//!   array (a missing field, a wrong length, anything inside an internally tagged
//!   enum, whose content serde buffers first), so a value just closed still belongs
//!   to the path.
//!
//! Those rules give the same path serde_path_to_error gives for every error about a
//! value (wrong type, unknown field or variant, missing field, out of range), and the
//! message is serde_json's own (with its line and column), as before. For text that is
//! not JSON, or ends early, the position alone cannot always tell whether serde_json
//! stopped inside a value or between two (`"heart": 1,` and `{"scale": 3,` look alike
//! without the types), so the path may be one step shorter or longer than
//! serde_path_to_error's; the message's line and column still point at the byte.
//! `tests/path_error.rs` checks all of this against serde_path_to_error on about
//! 20,000 broken definitions, responses and configurations.
//!
//! Like serde_path_to_error's `deserialize`, [`parse`] reads one value and ignores
//! what follows it; the collector's strict reading ([`crate::json_strict`]) refuses
//! trailing data before this runs.

use serde::de::DeserializeOwned;
use std::fmt;

/// A value that cannot be used, with the JSON path of the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// e.g. `pages[1].questions[3].input.points`; empty for the document itself.
    pub path: String,
    pub problem: String,
}

impl PathError {
    pub fn new(path: impl Into<String>, problem: impl Into<String>) -> Self {
        PathError {
            path: path.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.problem)
        } else {
            write!(f, "{}: {}", self.path, self.problem)
        }
    }
}

impl std::error::Error for PathError {}

/// Reads one JSON value into `T`; the error names the field at fault.
pub fn parse<T: DeserializeOwned>(json: &str) -> Result<T, PathError> {
    let mut de = serde_json::Deserializer::from_str(json);
    T::deserialize(&mut de).map_err(|e| {
        let problem = e.to_string();
        let variant = problem.starts_with("unknown variant");
        PathError {
            path: path_at(json, e.line(), e.column(), e.is_data(), variant),
            problem,
        }
    })
}

/// The JSON path at the point serde_json reports (1-based line; column = bytes
/// consumed on that line), by the rules in the module doc. `data`: the error is about a
/// value (wrong type, unknown field, …), not the JSON syntax or its end; only such an
/// error can be about an array element serde_json has peeked at but not read. Text that
/// is not JSON yields the path as far as it could be followed. `variant`: the error is
/// an unknown variant, and a key just read (no `:` yet) is then the variant of an
/// externally tagged enum (`{"scale": 3}`), which the path does not include (the tag of
/// an internally tagged one is a value, `"type": "slider"`, and does count).
pub fn path_at(json: &str, line: usize, column: usize, data: bool, variant: bool) -> String {
    let bytes = json.as_bytes();
    let mut end = 0;
    if line > 1 {
        let mut seen = 1;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                seen += 1;
                if seen == line {
                    end = i + 1;
                    break;
                }
            }
        }
    }
    end = (end + column).min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' | b'[' => {
                begin_value(&mut stack);
                stack.push(Frame {
                    object: bytes[i] == b'{',
                    ..Frame::default()
                });
            }
            b'}' | b']' => {
                let empty = stack.pop().is_some_and(|f| !f.started && f.key.is_none());
                end_value(&mut stack, true);
                // A whole-object check points at the value just closed; so does a syntax
                // error at an empty `{}` where an enum needs its variant.
                if i + 1 == end && (data || (empty && end < bytes.len())) {
                    return render(&stack, true);
                }
            }
            b',' => {
                if let Some(f) = stack.last_mut() {
                    f.index += 1;
                    (f.key, f.colon, f.started, f.done) = (None, false, false, false);
                }
            }
            b':' => {
                if let Some(f) = stack.last_mut() {
                    f.colon = true;
                }
            }
            b'"' => {
                let (text, next, closed) = read_string(bytes, i + 1, end);
                match stack.last_mut() {
                    // serde_path_to_error names a key it could not finish reading `?`.
                    Some(f) if f.object && !f.colon => {
                        f.key = Some(if closed { text } else { "?".into() })
                    }
                    _ => {
                        begin_value(&mut stack);
                        end_value(&mut stack, closed);
                    }
                }
                i = next;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => {
                // A number or a literal: complete unless cut off inside a literal.
                let start = i;
                while i < end && !DELIMITERS.contains(&bytes[i]) {
                    i += 1;
                }
                // Stopped inside the token: serde_json peeked at the value's first byte
                // (a number for an enum) or the text ends inside `tru`. Either way it was
                // inside the value, not after it.
                let cut = i == end && end < bytes.len() && !DELIMITERS.contains(&bytes[end]);
                let token = &bytes[start..i];
                let cut = cut
                    || (i == end
                        && [b"true".as_slice(), b"false", b"null"]
                            .iter()
                            .any(|l| l.starts_with(token) && l.len() > token.len()));
                begin_value(&mut stack);
                end_value(&mut stack, !cut);
                continue;
            }
        }
        i += 1;
    }
    if let Some(f) = stack.last_mut() {
        if variant && f.object && !f.colon {
            // A key read without its `:` is the variant of an externally tagged enum
            // when the variant is unknown; the path stops before it.
            f.key = None;
        } else if !data && f.done {
            // A syntax error or the end of the text after a complete member is the
            // container's own: serde_json was between members.
            (f.key, f.started) = (None, false);
        } else if !data && end == bytes.len() && f.object && !f.colon {
            // The text ends where a key belongs (serde_path_to_error names it `?`, as a
            // key cut off inside its quotes), or after a whole key (the object's own).
            f.key = match f.key.take() {
                Some(k) if k == "?" => Some(k),
                Some(_) => None,
                None => Some("?".into()),
            };
        }
    }
    render(&stack, data)
}

/// What ends a number or a literal.
const DELIMITERS: &[u8] = b" \t\n\r,:]}[{\"";

/// Where the scanner is inside one object or array.
#[derive(Default)]
struct Frame {
    object: bool,
    /// An object's current key, once its string is complete, and whether its `:` has
    /// been read.
    key: Option<String>,
    colon: bool,
    /// An array's current element: its index, whether any of it has been read, and
    /// (both kinds) whether the current member's value is complete.
    index: usize,
    started: bool,
    done: bool,
}

fn begin_value(stack: &mut [Frame]) {
    if let Some(f) = stack.last_mut() {
        f.started = true;
    }
}

fn end_value(stack: &mut [Frame], complete: bool) {
    if let Some(f) = stack.last_mut() {
        f.done = complete;
    }
}

/// The path as serde_path_to_error prints it: `a.b[2].c`, `[0].a`. The innermost
/// array's element counts when it has been read, or when `peeked` (a value error at an
/// element serde_json only looked at); an outer array's element always counts.
fn render(stack: &[Frame], peeked: bool) -> String {
    let mut out = String::new();
    for (depth, f) in stack.iter().enumerate() {
        let innermost = depth + 1 == stack.len();
        if f.object {
            if let Some(k) = &f.key {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
        } else if f.started || peeked || !innermost {
            out.push('[');
            out.push_str(&f.index.to_string());
            out.push(']');
        }
    }
    out
}

/// Reads a JSON string starting after its opening quote, unescaped; returns it, the
/// index after its closing quote (or `end`, if it is cut off there) and whether it was
/// closed.
fn read_string(bytes: &[u8], mut i: usize, end: usize) -> (String, usize, bool) {
    let mut out: Vec<u8> = Vec::new();
    while i < end {
        match bytes[i] {
            b'"' => return (String::from_utf8_lossy(&out).into_owned(), i + 1, true),
            b'\\' if i + 1 < end => {
                let c = bytes[i + 1];
                i += 2;
                let simple = match c {
                    b'b' => Some(b'\x08'),
                    b'f' => Some(b'\x0c'),
                    b'n' => Some(b'\n'),
                    b'r' => Some(b'\r'),
                    b't' => Some(b'\t'),
                    b'u' => None,
                    other => Some(other),
                };
                if let Some(b) = simple {
                    out.push(b);
                    continue;
                }
                let hex = |at: usize| {
                    bytes
                        .get(at..at + 4)
                        .filter(|_| at + 4 <= end)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                };
                let Some(mut code) = hex(i) else { break };
                i += 4;
                if (0xD800..0xDC00).contains(&code)
                    && bytes.get(i..i + 2) == Some(b"\\u".as_slice())
                {
                    if let Some(low @ 0xDC00..0xE000) = hex(i + 2) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                        i += 6;
                    }
                }
                let c = char::from_u32(code).unwrap_or('\u{fffd}');
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), end, false)
}
