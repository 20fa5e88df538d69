//! A dealer's theme: brand colour, accent, logo, corner radius, font stack and colour
//! scheme, checked against WCAG 2.x contrast before the widget shows any of it.
//!
//! # Contract
//!
//! * **One list.** [`KEYS`] is every theme setting. A definition's `theme` block uses
//!   them as they are (`theme.brand`), the mount point as `data-theme-<key>` (with `-`
//!   for `_`: `data-theme-logo-alt`) or as one JSON object (`data-theme`,
//!   `SurveyWidget.mount({theme: {…}})`). An unknown key is refused with the nearest
//!   known one, as a misspelt widget text key is ([`crate::texts`]).
//! * **Contrast is a rule, not advice.** A colour that fails WCAG AA where the widget
//!   uses it is refused and its default kept:
//!   - `brand` fills the primary buttons and the chosen answer, under white text in
//!     the light scheme (4.5:1 needed) and dark text in the dark one (4.5:1), and must
//!     stand out from the dark background (3:1, non-text);
//!   - `accent` colours the focus ring and the lit stars: 3:1 against the background.
//!
//!   In `auto`, the dark palette is derived from the light one (lightened until it
//!   passes), so a brand that passes in light always has a dark version.
//! * **Derived shades.** Hover/pressed (`brand-dark`: darker in light, lighter in dark,
//!   also the title's colour, so it keeps at least the brand's contrast as text) and
//!   disabled (`brand-off`, half way to the background) come from the brand colour.
//! * **A logo cannot run anything.** A URL must be one the widget would fetch anyway
//!   (same site or https). Inline SVG is refused, not cleaned, when it holds a script,
//!   an event attribute (`onload=`), a reference outside itself (`href` or `url()` not
//!   starting with `#`), `<foreignObject>`, a DOCTYPE/entity or `@import`; what passes
//!   is shown as an image (`<img src="data:image/svg+xml,…">`), where a browser runs no
//!   script and fetches nothing even if this check missed something. A logo needs
//!   `logo_alt`, the words a screen reader says for it.
//!
//! Pure: settings in, CSS custom properties (`--sw-t-*`, read by survey.css) and the
//! problems out; the widget sets the properties through the CSSOM (a strict CSP
//! allows no style attribute) and warns about each problem.

use std::collections::BTreeMap;

/// Every theme setting, in the order the docs list them.
pub const KEYS: [&str; 8] = [
    "brand",
    "accent",
    "logo",
    "logo_alt",
    "logo_height",
    "radius",
    "font",
    "scheme",
];

/// The light scheme's background and the text on the brand colour.
pub const WHITE: Rgb = Rgb(255, 255, 255);
/// The dark scheme's background (survey.css `--sw-bg` in dark).
pub const DARK_BG: Rgb = Rgb(0x15, 0x19, 0x1e);
/// The text on the brand colour in the dark scheme (survey.css `--sw-on-brand` in dark).
pub const DARK_TEXT: Rgb = Rgb(0x0b, 0x1a, 0x2a);

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` or `#rgb` (any case); nothing else, so a value cannot carry CSS.
    pub fn parse(s: &str) -> Option<Rgb> {
        let h = s.strip_prefix('#')?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let d = |i: usize, n: usize| u8::from_str_radix(&h[i..i + n], 16).ok();
        match h.len() {
            3 => Some(Rgb(d(0, 1)? * 17, d(1, 1)? * 17, d(2, 1)? * 17)),
            6 => Some(Rgb(d(0, 2)?, d(2, 2)?, d(4, 2)?)),
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG 2.x relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                pow_2_4((c + 0.055) / 1.055)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    /// `t` of the way (0 to 1) toward `to`, channel by channel.
    pub fn mix(self, to: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(m(self.0, to.0), m(self.1, to.1), m(self.2, to.2))
    }
}

/// `x`^2.4 for `x` in (0, 1]: x² times the fifth root of x², by Newton's method from
/// above (monotone, exact to the last bit after 40 steps). `f64::powf` is libm's `pow`
/// in the wasm, 2 KB for this one use.
fn pow_2_4(x: f64) -> f64 {
    let a = x * x;
    let mut y = 1.0;
    for _ in 0..40 {
        let y4 = y * y * y * y;
        y -= (y4 * y - a) / (5.0 * y4);
    }
    a * y
}

/// WCAG 2.x contrast ratio, 1 to 21, whichever colour is lighter.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (x, y) = (a.luminance(), b.luminance());
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// A ratio as a checker shows it: cut (not rounded) to two decimals, so a pair just
/// under the line never reads as meeting it (`4.47:1`, not `4.5:1`).
pub fn ratio_text(r: f64) -> String {
    let s = format!("{:.2}", (r * 100.0).floor() / 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string() + ":1"
}

/// Light, dark, or the reader's setting (`prefers-color-scheme`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scheme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Auto => "auto",
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

/// The logo as the widget shows it: an image source, its alt text and height in px.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub src: String,
    pub alt: String,
    pub height: u32,
}

/// A theme that passed: what the widget applies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Theme {
    /// CSS custom properties to set on the mount point (`--sw-t-brand`, …); the
    /// stylesheet falls back to its own colours for each one not set.
    pub vars: Vec<(&'static str, String)>,
    pub scheme: Scheme,
    pub logo: Option<Logo>,
}

/// Is `value` usable for `key`, on its own? (Contrast is checked by [`resolve`].)
pub fn check(key: &str, value: &str) -> Result<(), String> {
    let v = value.trim();
    let number = |lo: u32, hi: u32| match v.parse::<u32>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(()),
        _ => Err(format!("expected a whole number from {lo} to {hi} (px)")),
    };
    match key {
        "brand" | "accent" => Rgb::parse(v)
            .map(|_| ())
            .ok_or_else(|| "expected a colour as #rrggbb or #rgb".into()),
        "logo" if v.starts_with("<svg") => svg_problem(v).map_or(Ok(()), Err),
        "logo" => match crate::endpoint::url_kind(v) {
            crate::endpoint::UrlKind::SameOrigin
            | crate::endpoint::UrlKind::Https
            | crate::endpoint::UrlKind::LocalHttp => Ok(()),
            _ => Err("expected an https:// or same-site URL, or inline <svg>…</svg>".into()),
        },
        "logo_alt" if v.is_empty() || v.chars().count() > 120 => {
            Err("expected 1 to 120 characters".into())
        }
        "logo_alt" => Ok(()),
        "logo_height" => number(16, 120),
        "radius" => number(0, 32),
        "font" => {
            let plain = v
                .chars()
                .all(|c| c.is_alphanumeric() || " ,-_'\".".contains(c));
            if plain && !v.is_empty() && v.len() <= 200 {
                Ok(())
            } else {
                Err(
                    "expected font names separated by commas, e.g. \"Noto Sans SC\", sans-serif"
                        .into(),
                )
            }
        }
        "scheme" if matches!(v, "auto" | "light" | "dark") => Ok(()),
        "scheme" => Err("expected light, dark or auto".into()),
        _ => {
            let mut problem = format!("\"{key}\" is not a theme key");
            if let Some(near) = crate::texts::nearest(key, KEYS.into_iter()) {
                problem += &format!("; did you mean \"{near}\"?");
            }
            Err(problem + &format!(" (the keys: {})", KEYS.join(", ")))
        }
    }
}

/// Why an inline SVG logo is refused, if it is: anything that could run or fetch.
fn svg_problem(svg: &str) -> Option<String> {
    let s = svg.to_ascii_lowercase();
    if s.len() > 20_000 || !s.trim_end().ends_with("</svg>") {
        return Some("inline SVG must be one <svg>…</svg> element of at most 20,000 bytes".into());
    }
    for bad in [
        "<script",
        "javascript:",
        "<foreignobject",
        "<!",
        "@import",
        "<iframe",
        "<embed",
        "<object",
    ] {
        if s.contains(bad) {
            return Some(format!("inline SVG may not contain {bad}"));
        }
    }
    // References must stay inside the image: href="#id", url(#id).
    let after = |i: usize| s[i..].trim_start_matches([' ', '=', '"', '\'', '(']);
    for (i, _) in s.match_indices("href") {
        if !after(i + 4).starts_with('#') {
            return Some("inline SVG may only link inside itself (href=\"#…\")".into());
        }
    }
    for (i, _) in s.match_indices("url(") {
        if !after(i + 4).starts_with('#') {
            return Some("inline SVG may only refer inside itself (url(#…))".into());
        }
    }
    // An event attribute: `on…=` after a space or a slash.
    for (i, _) in s.match_indices("on") {
        let before = s[..i].chars().last().unwrap_or('<');
        let name_end = s[i..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(s.len(), |n| i + n);
        if (before.is_whitespace() || before == '/') && s[name_end..].trim_start().starts_with('=')
        {
            return Some(format!(
                "inline SVG may not have event attributes ({})",
                &s[i..name_end]
            ));
        }
    }
    None
}

/// The first of `from` lightened step by step toward white that passes `ok` (white
/// itself when none does before).
fn lighten_until(from: Rgb, ok: impl Fn(Rgb) -> bool) -> Rgb {
    (0..=10)
        .map(|i| from.mix(WHITE, f64::from(i) / 10.0))
        .find(|c| ok(*c))
        .unwrap_or(WHITE)
}

/// The theme the settings give, and every setting refused with why (key, problem);
/// a refused setting keeps its default. `settings` are key → value, already merged
/// from wherever they came (see the widget's precedence).
pub fn resolve(settings: &BTreeMap<String, String>) -> (Theme, Vec<(String, String)>) {
    let mut problems = Vec::new();
    // A list, not a map: one more BTreeMap type costs the widget a few KB (issue 18).
    let mut usable: Vec<(&str, &str)> = Vec::new();
    for (k, v) in settings {
        match check(k, v) {
            Ok(()) => usable.push((k, v.trim())),
            Err(p) => problems.push((k.clone(), p)),
        }
    }
    let get = |k: &str| usable.iter().find(|(u, _)| *u == k).map(|(_, v)| *v);
    let mut theme = Theme {
        scheme: match get("scheme") {
            Some("light") => Scheme::Light,
            Some("dark") => Scheme::Dark,
            _ => Scheme::Auto,
        },
        ..Theme::default()
    };
    let dark_only = theme.scheme == Scheme::Dark;
    let mut set = |name: &'static str, c: Rgb| theme.vars.push((name, c.hex()));
    let mut refuse = |key: &str, problem: String| problems.push((key.to_string(), problem));

    if let Some(b) = get("brand").and_then(Rgb::parse) {
        let (on, needs) = if dark_only {
            (contrast(DARK_TEXT, b), "dark")
        } else {
            (contrast(WHITE, b), "white")
        };
        let against_dark = contrast(b, DARK_BG);
        if on < 4.5 {
            refuse(
                "brand",
                format!("{needs} text on it is {}, AA needs 4.5:1", ratio_text(on)),
            );
        } else if dark_only && against_dark < 3.0 {
            refuse(
                "brand",
                format!(
                    "against the dark background it is {}, AA needs 3:1",
                    ratio_text(against_dark)
                ),
            );
        } else {
            let dark = if dark_only {
                b
            } else {
                set("--sw-t-brand", b);
                set("--sw-t-brand-dark", b.mix(Rgb(0, 0, 0), 0.25));
                set("--sw-t-brand-off", b.mix(WHITE, 0.5));
                lighten_until(b, |c| {
                    contrast(DARK_TEXT, c) >= 4.5 && contrast(c, DARK_BG) >= 4.5
                })
            };
            set("--sw-t-d-brand", dark);
            set(
                "--sw-t-d-brand-dark",
                lighten_until(dark.mix(WHITE, 0.3), |c| contrast(c, DARK_BG) >= 4.5),
            );
            set("--sw-t-d-brand-off", dark.mix(DARK_BG, 0.5));
        }
    }
    if let Some(a) = get("accent").and_then(Rgb::parse) {
        let (bg, name) = if dark_only {
            (DARK_BG, "dark")
        } else {
            (WHITE, "white")
        };
        let c = contrast(a, bg);
        if c < 3.0 {
            refuse(
                "accent",
                format!(
                    "against the {name} background it is {}, AA needs 3:1",
                    ratio_text(c)
                ),
            );
        } else {
            if !dark_only {
                set("--sw-t-accent", a);
            }
            set(
                "--sw-t-d-accent",
                lighten_until(a, |c| contrast(c, DARK_BG) >= 3.0),
            );
        }
    }
    if let Some(r) = get("radius") {
        theme.vars.push(("--sw-t-radius", format!("{r}px")));
    }
    if let Some(f) = get("font") {
        theme.vars.push(("--sw-t-font", f.to_string()));
    }
    if let Some(src) = get("logo") {
        match get("logo_alt") {
            None => refuse(
                "logo",
                "needs logo_alt, the words a screen reader says for it".into(),
            ),
            Some(alt) => {
                theme.logo = Some(Logo {
                    src: if src.starts_with("<svg") {
                        svg_data_url(src)
                    } else {
                        src.to_string()
                    },
                    alt: alt.to_string(),
                    height: get("logo_height")
                        .and_then(|h| h.parse().ok())
                        .unwrap_or(40),
                })
            }
        }
    }
    (theme, problems)
}

/// The SVG as a `data:` URL: every byte but letters and digits percent-encoded.
fn svg_data_url(svg: &str) -> String {
    let mut out = String::from("data:image/svg+xml,");
    for b in svg.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            out += &format!("%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(s: &str) -> Rgb {
        Rgb::parse(s).unwrap()
    }

    fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_power_without_libm_is_powf() {
        for i in 1..=1000 {
            let x = f64::from(i) / 1000.0;
            assert!((pow_2_4(x) - x.powf(2.4)).abs() < 1e-12, "{x}");
        }
    }

    #[test]
    fn contrast_ratios_match_known_values() {
        assert_eq!(contrast(rgb("#fff"), rgb("#000")), 21.0);
        assert_eq!(contrast(rgb("#000"), rgb("#fff")), 21.0);
        let grey = contrast(rgb("#777"), rgb("#fff"));
        assert!((grey - 4.48).abs() < 0.01, "{grey}");
        assert_eq!(ratio_text(grey), "4.47:1");
        // As Python computes them from the WCAG formula: #0b4f8a on white 8.40:1, #767676 on white 4.54:1.
        let blue = contrast(rgb("#0b4f8a"), WHITE);
        assert!((blue - 8.40).abs() < 0.01, "{blue}");
        assert!((contrast(rgb("#767676"), WHITE) - 4.54).abs() < 0.01);
        assert_eq!(contrast(rgb("#abc"), rgb("#AABBCC")), 1.0);
        assert_eq!(rgb("#aBc"), Rgb(0xaa, 0xbb, 0xcc));
        for bad in ["red", "#12", "#12345g", "rgb(1,2,3)", "#1234567", "#ééé"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
        assert_eq!(rgb("#0B4F8A").hex(), "#0b4f8a");
        assert_eq!(ratio_text(21.0), "21:1");
    }

    #[test]
    fn a_brand_white_text_cannot_be_read_on_is_refused_with_its_ratio() {
        let (theme, problems) = resolve(&settings(&[("brand", "#ffdd00")]));
        assert_eq!(
            problems,
            [(
                "brand".to_string(),
                "white text on it is 1.34:1, AA needs 4.5:1".to_string()
            )]
        );
        assert!(theme.vars.is_empty(), "the default stays: {:?}", theme.vars);
        // #777 is just under the line, #767676 just over it.
        assert_eq!(resolve(&settings(&[("brand", "#777")])).1.len(), 1);
        assert_eq!(resolve(&settings(&[("brand", "#767676")])).1.len(), 0);
    }

    #[test]
    fn derived_shades_keep_the_contrast_of_their_use() {
        let (theme, problems) = resolve(&settings(&[("brand", "#c8102e"), ("accent", "#b26a00")]));
        assert_eq!(problems, []);
        let var = |n: &str| rgb(&theme.vars.iter().find(|(k, _)| *k == n).unwrap().1);
        assert_eq!(var("--sw-t-brand"), rgb("#c8102e"));
        assert!(contrast(WHITE, var("--sw-t-brand-dark")) > contrast(WHITE, var("--sw-t-brand")));
        // Auto: a lighter red for the dark scheme, with dark text on it.
        let d = var("--sw-t-d-brand");
        assert!(
            contrast(DARK_TEXT, d) >= 4.5 && contrast(d, DARK_BG) >= 4.5,
            "{d:?}"
        );
        assert!(contrast(var("--sw-t-d-brand-dark"), DARK_BG) >= 4.5);
        assert!(contrast(var("--sw-t-d-accent"), DARK_BG) >= 3.0);
        assert_eq!(theme.scheme, Scheme::Auto);
    }

    #[test]
    fn the_dark_scheme_checks_dark_text_and_the_dark_background() {
        let dark = |brand: &str| resolve(&settings(&[("brand", brand), ("scheme", "dark")]));
        let (theme, problems) = dark("#d4af37");
        assert_eq!(problems, []);
        assert_eq!(theme.scheme, Scheme::Dark);
        assert!(theme.vars.iter().all(|(k, _)| k.starts_with("--sw-t-d-")));
        assert_eq!(
            dark("#0b4f8a").1,
            [(
                "brand".to_string(),
                "dark text on it is 2.09:1, AA needs 4.5:1".to_string()
            )]
        );
        let (_, problems) = resolve(&settings(&[("accent", "#333333"), ("scheme", "dark")]));
        assert_eq!(
            problems[0].1,
            "against the dark background it is 1.39:1, AA needs 3:1"
        );
        let (_, problems) = resolve(&settings(&[("accent", "#ffbf47")]));
        assert_eq!(
            problems[0].1,
            "against the white background it is 1.64:1, AA needs 3:1"
        );
    }

    #[test]
    fn every_setting_is_checked_and_unknown_keys_named() {
        let (theme, problems) = resolve(&settings(&[
            ("brnad", "#c8102e"),
            ("radius", "40"),
            ("font", "Inter; background: url(x)"),
            ("scheme", "dim"),
            ("logo_height", "12"),
            ("logo", "javascript:alert(1)"),
        ]));
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["brnad", "font", "logo", "logo_height", "radius", "scheme"]
        );
        assert!(problems[0]
            .1
            .starts_with("\"brnad\" is not a theme key; did you mean \"brand\"?"));
        assert_eq!(problems[4].1, "expected a whole number from 0 to 32 (px)");
        assert_eq!(theme, Theme::default());
        let (theme, problems) = resolve(&settings(&[
            ("radius", "0"),
            ("font", "\"Noto Sans SC\", 'PingFang SC', sans-serif"),
            ("logo", "https://dealer.example/logo.png"),
        ]));
        assert_eq!(
            problems,
            [(
                "logo".to_string(),
                "needs logo_alt, the words a screen reader says for it".to_string()
            )]
        );
        assert_eq!(theme.vars[0], ("--sw-t-radius", "0px".to_string()));
        assert_eq!(theme.logo, None);
    }

    #[test]
    fn an_inline_svg_logo_that_could_run_or_fetch_is_refused() {
        let ok = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/><use href="#g"/><text x="1" y="8">Only font</text></svg>"##;
        assert_eq!(check("logo", ok), Ok(()));
        for bad in [
            r#"<svg><script>alert(1)</script></svg>"#,
            r#"<svg onload="alert(1)"></svg>"#,
            r#"<svg><rect ONclick = "x()"/></svg>"#,
            r#"<svg><image href="https://tracker.example/p.png"/></svg>"#,
            r#"<svg><a xlink:href="javascript:alert(1)">x</a></svg>"#,
            r#"<svg><rect style="fill:url(https://x.example/a)"/></svg>"#,
            r#"<svg><foreignObject><div/></foreignObject></svg>"#,
            r#"<!DOCTYPE svg [<!ENTITY x "y">]><svg></svg>"#,
            r#"<svg><style>@import "https://x.example/a.css";</style></svg>"#,
            r#"<svg><rect/>"#,
        ] {
            assert!(check("logo", bad).is_err(), "{bad}");
        }
        let (theme, problems) = resolve(&settings(&[
            ("logo", ok),
            ("logo_alt", "Great Wall Motors"),
            ("logo_height", "48"),
        ]));
        assert_eq!(problems, []);
        let logo = theme.logo.unwrap();
        assert!(
            logo.src.starts_with("data:image/svg+xml,%3Csvg%20xmlns%3D"),
            "{}",
            logo.src
        );
        assert!(!logo.src[19..].contains(['<', '"', ' ', '#']));
        assert_eq!((logo.alt.as_str(), logo.height), ("Great Wall Motors", 48));
    }
}
