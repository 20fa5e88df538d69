//! The built widget as the collector serves it: tower-http's ServeDir under our
//! headers, over real TCP. Content negotiation, validators, ranges and cache lifetimes
//! decide how fast a phone on slow 4G gets the survey, and whether a new build can be
//! mixed with an old cached half.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    addr: String,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const WASM: &str = "survey_widget_bg-0123456789abcdef.wasm";
const LOGIN_PAGE: &str = "<!doctype html><title>sign in</title>";

/// A dist directory with a page, a hashed wasm (and its gzip copy), a plain script.
fn start() -> Server {
    let dir = std::env::temp_dir().join(format!(
        "collector-static-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let dist = dir.join("dist");
    std::fs::create_dir_all(dist.join("pkg")).expect("mkdir");
    std::fs::create_dir_all(dist.join("static")).expect("mkdir");
    std::fs::write(dist.join("index.html"), "<!doctype html><title>t</title>").expect("write");
    let wasm: Vec<u8> = (0..4096u32).map(|i| (i % 7) as u8).collect();
    std::fs::write(dist.join("pkg").join(WASM), &wasm).expect("write");
    let gz = Command::new("gzip")
        .args(["-9", "-k", "-n"])
        .arg(dist.join("pkg").join(WASM))
        .status()
        .expect("gzip");
    assert!(gz.success());
    std::fs::write(dist.join("static/boot.js"), "console.log('boot');\n").expect("write");
    std::fs::write(dist.join("static/login.html"), LOGIN_PAGE).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_collector"))
        .args(["--addr", "127.0.0.1:0", "--dist"])
        .arg(&dist)
        .arg("--db")
        .arg(dir.join("db.sqlite"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start collector");
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("startup line");
    let addr = line
        .trim()
        .trim_start_matches("collector listening on http://")
        .trim_end_matches('/')
        .to_string();
    Server { child, addr, dir }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn get(addr: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn size(path: &Path) -> usize {
    std::fs::metadata(path)
        .map(|m| m.len() as usize)
        .unwrap_or(0)
}

#[test]
fn gzip_is_negotiated_and_q0_refuses_it() {
    let s = start();
    let path = format!("/pkg/{WASM}");
    let gz = get(&s.addr, &path, &[("Accept-Encoding", "gzip, br")]);
    assert_eq!(gz.status, 200);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("content-type"), Some("application/wasm"));
    assert!(gz
        .header("vary")
        .is_some_and(|v| v.contains("Accept-Encoding")));
    let gz_file = s.dir.join("dist/pkg").join(format!("{WASM}.gz"));
    assert_eq!(gz.body.len(), size(&gz_file));
    for refused in ["gzip;q=0", "identity", "gzip;q=0.0, identity"] {
        let plain = get(&s.addr, &path, &[("Accept-Encoding", refused)]);
        assert_eq!(plain.status, 200, "{refused}");
        assert_eq!(plain.header("content-encoding"), None, "{refused}");
        assert_eq!(plain.body.len(), 4096, "{refused}");
    }
    let none = get(&s.addr, &path, &[]);
    assert_eq!(none.header("content-encoding"), None);
}

#[test]
fn validators_answer_304() {
    let s = start();
    let first = get(&s.addr, "/static/boot.js", &[]);
    assert_eq!(first.status, 200);
    let etag = first.header("etag").expect("an ETag").to_string();
    let modified = first
        .header("last-modified")
        .expect("Last-Modified")
        .to_string();
    let again = get(&s.addr, "/static/boot.js", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let since = get(
        &s.addr,
        "/static/boot.js",
        &[("If-Modified-Since", &modified)],
    );
    assert_eq!(since.status, 304);
    let other = get(
        &s.addr,
        "/static/boot.js",
        &[("If-None-Match", "W/\"nope\"")],
    );
    assert_eq!(other.status, 200);
    // boot.js has no gzip copy here: the same file is sent either way, same tag.
    let same = get(
        &s.addr,
        "/static/boot.js",
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &etag)],
    );
    assert_eq!(same.status, 304);
    // The wasm's gzip copy is another representation, with its own tag: a cache that
    // holds the plain bytes must not be told its copy is the gzip one.
    let path = format!("/pkg/{WASM}");
    let plain = get(&s.addr, &path, &[]);
    let plain_tag = plain.header("etag").expect("an ETag").to_string();
    let gz = get(
        &s.addr,
        &path,
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &plain_tag)],
    );
    assert_eq!(gz.status, 200);
    assert_ne!(gz.header("etag"), Some(plain_tag.as_str()));
}

#[test]
fn ranges_are_served() {
    let s = start();
    let r = get(
        &s.addr,
        &format!("/pkg/{WASM}"),
        &[("Range", "bytes=10-19")],
    );
    assert_eq!(r.status, 206);
    assert_eq!(r.header("content-range"), Some("bytes 10-19/4096"));
    let expected: Vec<u8> = (10..20u32).map(|i| (i % 7) as u8).collect();
    assert_eq!(r.body, expected);
    let bad = get(
        &s.addr,
        &format!("/pkg/{WASM}"),
        &[("Range", "bytes=9000-9999")],
    );
    assert_eq!(bad.status, 416);
}

#[test]
fn hashed_names_are_immutable_and_the_rest_revalidates() {
    let s = start();
    let wasm = get(&s.addr, &format!("/pkg/{WASM}"), &[]);
    assert_eq!(
        wasm.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(wasm.header("access-control-allow-origin"), Some("*"));
    let boot = get(&s.addr, "/static/boot.js", &[]);
    assert_eq!(boot.header("cache-control"), Some("no-cache"));
    let page = get(&s.addr, "/", &[]);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), Some("no-cache"));
    assert!(page
        .header("content-security-policy")
        .is_some_and(|c| c.contains("frame-ancestors 'self'")));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let missing = get(&s.addr, "/pkg/nothing.js", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(
        String::from_utf8_lossy(&missing.body),
        r#"{"error":"not found"}"#
    );
    let traversal = get(&s.addr, "/static/../../etc/passwd", &[]);
    assert_eq!(traversal.status, 400);
}

/// `/login` is the sign-in page (`static/login.html`), served as that page is, with
/// its query (`?next=`) left to the page's script.
#[test]
fn login_is_the_sign_in_page() {
    let s = start();
    let r = get(&s.addr, "/login?next=%2Fstatic%2Fqr.html", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, LOGIN_PAGE.as_bytes());
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r
        .header("content-security-policy")
        .is_some_and(|c| c.contains("form-action 'none'")));
    assert_eq!(get(&s.addr, "/login/x", &[]).status, 404);
}
