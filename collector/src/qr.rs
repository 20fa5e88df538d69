//! QR codes for the dealer page (`static/qr.html`): `GET /v1/qr.svg?data=<text>`.
//!
//! The text is encoded at error-correction level M (readable with about 15% of the code
//! damaged: a creased or smudged repair order) and drawn with the standard quiet zone
//! of four modules. The SVG is built from the modules alone, so nothing of the request
//! ever appears in it as markup.
//!
//! Only SVG: the `qrcode` crate renders PNG through the `image` crate, whose dependency
//! tree is far larger than the rest of the collector, and an SVG prints sharply at any
//! size.

use crate::static_files::percent_decode;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The longest text encoded, in bytes: a survey link is about 150; this leaves room for
/// long tokens while keeping the code scannable from a printed page.
pub const MAX_DATA: usize = 1024;

/// Pixels per module in the SVG's own size; it scales freely (it has a viewBox).
const MODULE_PX: u32 = 8;

/// The `data` parameter of the query, decoded (`+` is a space, as forms send it).
/// `Err` is the one-line reason for a 400.
pub fn data_param(query: &str) -> Result<String, String> {
    let raw = query
        .split('&')
        .find_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name == "data").then_some(value)
        })
        .ok_or("the data parameter is missing")?;
    let bytes = percent_decode(&raw.replace('+', " "))
        .ok_or("the data parameter is not valid percent-encoding")?;
    if bytes.is_empty() {
        return Err("the data parameter is empty".into());
    }
    if bytes.len() > MAX_DATA {
        return Err(format!(
            "the data parameter is {} bytes, limit is {MAX_DATA}",
            bytes.len()
        ));
    }
    String::from_utf8(bytes).map_err(|_| "the data parameter is not UTF-8".into())
}

/// The QR code of `text` as an SVG document (black on white, with the quiet zone).
pub fn svg(text: &str) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot encode the data as a QR code: {e}"))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .module_dimensions(MODULE_PX, MODULE_PX)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_parameter_is_decoded_and_bounded() {
        assert_eq!(
            data_param("x=1&data=https%3A%2F%2Fa.example%2F%3Fro%3DRO-1+x"),
            Ok("https://a.example/?ro=RO-1 x".into())
        );
        assert_eq!(data_param("data=%E6%89%AB"), Ok("扫".into()));
        assert_eq!(data_param(""), Err("the data parameter is missing".into()));
        assert_eq!(
            data_param("datum=x"),
            Err("the data parameter is missing".into())
        );
        assert_eq!(
            data_param("data="),
            Err("the data parameter is empty".into())
        );
        assert_eq!(
            data_param("data=%ff"),
            Err("the data parameter is not UTF-8".into())
        );
        assert_eq!(
            data_param("data=%zz"),
            Err("the data parameter is not valid percent-encoding".into())
        );
        assert!(data_param(&format!("data={}", "a".repeat(MAX_DATA))).is_ok());
        assert_eq!(
            data_param(&format!("data={}", "%41".repeat(MAX_DATA + 1))),
            Err(format!(
                "the data parameter is 1025 bytes, limit is {MAX_DATA}"
            ))
        );
    }

    #[test]
    fn the_svg_has_a_quiet_zone_and_no_request_text() -> Result<(), String> {
        let text = "https://x.example/?survey=post-service&dealer=<b>";
        let out = svg(text)?;
        assert!(out.contains("<svg"), "{out}");
        assert!(out.ends_with("</svg>"));
        assert!(!out.contains("<b>") && !out.contains("dealer"));
        // The code's modules plus four quiet modules on each side, 8 px each.
        let code =
            QrCode::with_error_correction_level(text, EcLevel::M).map_err(|e| e.to_string())?;
        let side = (code.width() as u32 + 8) * MODULE_PX;
        assert!(
            out.contains(&format!("width=\"{side}\" height=\"{side}\"")),
            "{out}"
        );
        // The first dark module is inside the quiet zone's edge.
        assert!(
            out.contains(&format!("M{q} {q}", q = 4 * MODULE_PX)),
            "{out}"
        );
        Ok(())
    }

    #[test]
    fn the_longest_data_still_encodes() {
        assert!(svg(&"é".repeat(MAX_DATA / 2)).is_ok());
        assert!(svg(&"a".repeat(MAX_DATA)).is_ok());
    }
}
