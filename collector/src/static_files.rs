//! Serving the built widget from the dist directory, so one process can host both the
//! survey page and the endpoint it posts to.
//!
//! A request path is mapped to a file only through plain, decoded segments: no `..`,
//! no dot-files, no backslashes or drive letters, and the final file must still lie
//! inside the dist directory after symlinks are resolved.

use std::path::{Path, PathBuf};

/// Why no file is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The path is malformed or tries to leave the dist directory (answered 400).
    BadPath,
    /// Nothing servable there (answered 404).
    NotFound,
}

/// A file chosen for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFile {
    /// The file to send (the `.gz` sibling when `gzip` is set).
    pub path: PathBuf,
    /// The file the URL names, uncompressed (`path` itself unless `gzip`).
    pub source: PathBuf,
    /// Content-Type of the original file.
    pub content_type: &'static str,
    /// Send with `Content-Encoding: gzip`.
    pub gzip: bool,
}

/// Picks the file for a URL path (query already removed). `accepts_gzip` allows a
/// precompressed `<file>.gz` next to the file to be sent instead.
pub fn resolve(dist: &Path, url_path: &str, accepts_gzip: bool) -> Result<StaticFile, Refusal> {
    let rel = relative_path(url_path)?;
    let root = dist.canonicalize().map_err(|_| Refusal::NotFound)?;
    let mut path = root
        .join(&rel)
        .canonicalize()
        .map_err(|_| Refusal::NotFound)?;
    if !path.starts_with(&root) {
        return Err(Refusal::BadPath);
    }
    if path.is_dir() {
        path = path
            .join("index.html")
            .canonicalize()
            .map_err(|_| Refusal::NotFound)?;
        if !path.starts_with(&root) {
            return Err(Refusal::BadPath);
        }
    }
    if !path.is_file() {
        return Err(Refusal::NotFound);
    }
    let content_type = content_type(&path);
    if accepts_gzip {
        let mut gz = path.clone().into_os_string();
        gz.push(".gz");
        let gz = PathBuf::from(gz);
        if let Ok(real) = gz.canonicalize() {
            if real.starts_with(&root) && real.is_file() {
                return Ok(StaticFile {
                    path: real,
                    source: path,
                    content_type,
                    gzip: true,
                });
            }
        }
    }
    Ok(StaticFile {
        source: path.clone(),
        path,
        content_type,
        gzip: false,
    })
}

/// Turns `/a/b.js` into `a/b.js` and `/` or `/dir/` into `.../index.html`, refusing
/// anything that is not a plain relative path.
fn relative_path(url_path: &str) -> Result<PathBuf, Refusal> {
    let Some(rest) = url_path.strip_prefix('/') else {
        return Err(Refusal::BadPath);
    };
    let decoded = percent_decode(rest).ok_or(Refusal::BadPath)?;
    let decoded = String::from_utf8(decoded).map_err(|_| Refusal::BadPath)?;
    let mut rel = PathBuf::new();
    let segments: Vec<&str> = decoded.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        if seg.is_empty() {
            if i == last {
                break; // trailing slash: the directory's index
            }
            return Err(Refusal::BadPath); // `//`, which could make an absolute path
        }
        if seg.starts_with('.') {
            // `..`, `.` and dot-files such as `.env` are never served
            return Err(Refusal::BadPath);
        }
        if seg.chars().any(|c| c == '\\' || c == ':' || c.is_control()) {
            return Err(Refusal::BadPath);
        }
        rel.push(seg);
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        rel.push("index.html");
    }
    Ok(rel)
}

/// True for a public asset a dealer's own website may load from another origin: a
/// script, wasm, stylesheet, SVG or JSON file under `/pkg/` or `/static/`. Such files
/// get `Access-Control-Allow-Origin: *` so the one-tag embed works everywhere; pages
/// and the API do not.
pub fn is_public_asset(url_path: &str) -> bool {
    let Ok(rel) = relative_path(url_path) else {
        return false;
    };
    let mut parts = rel.components();
    let top = parts.next().and_then(|c| c.as_os_str().to_str());
    let ext = rel
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    matches!(top, Some("pkg" | "static"))
        && parts.next().is_some()
        && matches!(ext.as_str(), "js" | "mjs" | "wasm" | "css" | "svg" | "json")
}

/// True when the file name carries its content's hash, as the build names the wasm
/// and its glue (`survey_widget-3f2a9c1d0b7e6a54.js`): 8 or more hex digits after the
/// last `-` of the stem. Such a file never changes under its name.
pub fn has_content_hash(url_path: &str) -> bool {
    let name = url_path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() >= 8 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// A query string's name or value as text: `+` as a space (as forms send queries),
/// `%XX` decoded; `None` for a broken escape or bytes that are not UTF-8.
pub fn query_text(raw: &str) -> Option<String> {
    percent_decode(&raw.replace('+', " ")).and_then(|b| String::from_utf8(b).ok())
}

/// Decodes `%XX` escapes; `None` for a broken escape (percent-encoding would pass
/// it through as it is, which a path or a filter must not accept).
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let broken = bytes.iter().enumerate().any(|(i, b)| {
        *b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if broken {
        return None;
    }
    Some(percent_encoding::percent_decode(bytes).collect())
}

/// The Content-Type for a file by its extension; unknown kinds are plain bytes, which
/// with `nosniff` a browser will not execute.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// True when an `Accept-Encoding` value allows gzip (and does not say `q=0`).
pub fn accepts_gzip(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct TempDir(PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn dist() -> std::io::Result<TempDir> {
        let root = std::env::temp_dir().join(format!(
            "collector-static-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = fs::remove_dir_all(&root);
        let d = TempDir(root);
        fs::create_dir_all(d.0.join("dist/assets"))?;
        fs::write(d.0.join("dist/index.html"), "<!doctype html>")?;
        fs::write(d.0.join("dist/assets/app.wasm"), [0u8, 97, 115, 109])?;
        fs::write(d.0.join("dist/assets/app.js"), "1")?;
        fs::write(d.0.join("dist/assets/app.js.gz"), "gz")?;
        fs::write(d.0.join("dist/.env"), "SECRET=1")?;
        fs::write(d.0.join("secret.txt"), "outside")?;
        Ok(d)
    }

    #[test]
    fn serves_files_and_indexes() -> std::io::Result<()> {
        let d = dist()?;
        let root = d.0.join("dist");
        let index =
            resolve(&root, "/", false).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        assert!(index.path.ends_with("index.html"));
        assert_eq!(index.content_type, "text/html; charset=utf-8");
        let wasm = resolve(&root, "/assets/app.wasm", true);
        assert_eq!(
            wasm.map(|f| (f.content_type, f.gzip)),
            Ok(("application/wasm", false))
        );
        let js = resolve(&root, "/assets/app.js", true);
        assert_eq!(
            js.as_ref().map(|f| (f.content_type, f.gzip)),
            Ok(("text/javascript; charset=utf-8", true))
        );
        assert!(
            js.is_ok_and(|f| f.path.ends_with("app.js.gz") && f.source.ends_with("assets/app.js"))
        );
        assert_eq!(
            resolve(&root, "/assets/app.js", false).map(|f| f.gzip),
            Ok(false)
        );
        assert_eq!(
            resolve(&root, "/assets/%61pp.js", false).map(|f| f.gzip),
            Ok(false)
        );
        Ok(())
    }

    #[test]
    fn refuses_escapes_and_hidden_files() -> std::io::Result<()> {
        let d = dist()?;
        let root = d.0.join("dist");
        for bad in [
            "/../secret.txt",
            "/assets/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%2fsecret.txt",
            "/..\\secret.txt",
            "/%5c..%5csecret.txt",
            "//etc/passwd",
            "/%2fetc/passwd",
            "/C:/Windows/win.ini",
            "/.env",
            "/index.html%00.png",
            "/%zz",
            "/%ff",
            "relative",
        ] {
            assert_eq!(resolve(&root, bad, false), Err(Refusal::BadPath), "{bad}");
        }
        assert_eq!(resolve(&root, "/missing.js", false), Err(Refusal::NotFound));
        assert_eq!(
            resolve(&root.join("nope"), "/", false),
            Err(Refusal::NotFound)
        );
        Ok(())
    }

    #[test]
    fn public_assets_are_scripts_styles_and_wasm_under_pkg_and_static() {
        for yes in [
            "/pkg/survey_widget.js",
            "/pkg/survey_widget_bg.wasm",
            // The kiosk's and the full module (interview, preview; issue 18): a kiosk or
            // an interview may be embedded on another origin too.
            "/pkg/survey_widget_kiosk_bg-0123456789abcdef.wasm",
            "/pkg/survey_widget_full-0123456789abcdef.js",
            "/pkg/survey_widget_full_bg-0123456789abcdef.wasm",
            "/static/survey.css",
            "/static/favicon.svg",
            "/static/survey-widget.js",
            "/static/templates/post-service.json",
            "/%70kg/app.JS",
        ] {
            assert!(is_public_asset(yes), "{yes}");
        }
        for no in [
            "/",
            "/index.html",
            "/static/qr.html",
            "/static/",
            "/pkg.js",
            "/other/app.js",
            "/static/.hidden.js",
            "/static/../pkg/app.js",
            "/v1/qr.svg",
            "/static/notes.txt",
        ] {
            assert!(!is_public_asset(no), "{no}");
        }
    }

    #[test]
    fn every_widget_module_carries_its_content_hash() {
        // scripts/build's names: the customer's module, the kiosk's and the full one
        // (issue 18).
        for hashed in [
            "/pkg/survey_widget-f7f1c27176f5d9e4.js",
            "/pkg/survey_widget_bg-7deffb5cce4c2971.wasm",
            "/pkg/survey_widget_kiosk-0b1c2d3e4f5a6b7c.js",
            "/pkg/survey_widget_kiosk_bg-8d9e0f1a2b3c4d5e.wasm",
            "/pkg/survey_widget_full-f87be890c9dfcadb.js",
            "/pkg/survey_widget_full_bg-995a47adc9c3e06a.wasm",
        ] {
            assert!(has_content_hash(hashed), "{hashed}");
        }
        for plain in [
            "/pkg/survey_widget.js",
            "/pkg/survey_widget_full_bg.wasm",
            "/static/boot.js",
        ] {
            assert!(!has_content_hash(plain), "{plain}");
        }
    }

    #[test]
    fn gzip_negotiation() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("br, deflate"));
        assert!(!accepts_gzip(""));
    }
}
