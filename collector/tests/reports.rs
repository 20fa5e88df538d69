//! Issue 15's report rules over real HTTP against both backends: periods in the
//! dealer's time zone (`to` takes its whole day, a response at 23:30 local on the last
//! day of a month is that month's), the summary's filters and its refusal to pool
//! surveys, and the exports as a spreadsheet reads them: the CSV with Python's `csv`
//! (BOM, CRLF, Chinese labels, defused cells), the XLSX with openpyxl (sheets, frozen
//! header, filter, typed cells, the advisors table).
//!
//! Responses are posted without a signed link, so reads pass `verified=all`.

#[macro_use]
mod support;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde_json::{json, Value};
use std::process::Command;
use support::{
    add_user, new_id, post_service_payload, Auth, Backend, Collector, TempDir, PASSWORD,
};

/// A post-service response at `dealer`, created at `created_at` (UTC), with `context`
/// added.
fn service(dealer: &str, created_at: &str, nps: u8, context: &[(&str, &str)]) -> Value {
    let mut p = post_service_payload(&new_id(), dealer, None, nps, false, None);
    p["created_at"] = json!(created_at);
    for (k, v) in context {
        p["context"][*k] = json!(v);
    }
    p
}

/// A complete post-call response at `dealer` by hotline agent `agent`.
fn call(dealer: &str, agent: &str, nps: u8) -> Value {
    json!({
        "format": "survey-response/1",
        "id": new_id(),
        "survey": { "id": "post-call", "version": 1 },
        "locale": "zh-CN",
        "created_at": "2026-11-23T10:00:00Z",
        "context": { "dealer": dealer, "agent": agent },
        "answers": {
            "csat": { "scale": 5 },
            "fcr": { "yes_no": true },
            "ces": { "scale": 6 },
            "agent_courtesy": { "scale": 5 },
            "agent_knowledge": { "scale": 4 },
            "nps": { "scale": nps }
        },
        "client": { "widget_version": "0.1.0", "mode": "page" }
    })
}

fn post_all(c: &Collector, payloads: &[Value]) {
    for p in payloads {
        let r = c.post(p);
        assert_eq!(r.status, 201, "{}", r.text());
    }
}

/// The summary's `n` for `query` (with `verified=all`), or the status and error.
fn summary_n(c: &Collector, query: &str) -> Result<u64, (u16, String)> {
    let r = c.get(&format!("/v1/summary?verified=all&{query}"));
    if r.status != 200 {
        return Err((r.status, r.error()));
    }
    Ok(r.json()["summary"]["n"].as_u64().expect("n"))
}

/// How many rows the list returns for `query` (with `verified=all`).
fn listed(c: &Collector, query: &str) -> usize {
    let r = c.get(&format!("/v1/responses?verified=all&limit=1000&{query}"));
    assert_eq!(r.status, 200, "{query}: {}", r.text());
    r.json()["items"].as_array().expect("items").len()
}

/// `date` at `h:m` local in `zone`, as the UTC time a phone sends.
fn local(zone: &str, date: Date, h: i8, m: i8) -> String {
    let tz = TimeZone::get(zone).expect("zone");
    let t = date
        .at(h, m, 0, 0)
        .to_zoned(tz)
        .expect("a local time")
        .timestamp();
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn a_month_is_the_dealers_month(backend: Backend) {
    let c = Collector::start(backend);
    let nov30 = Date::constant(2026, 11, 30);
    let dec1 = Date::constant(2026, 12, 1);
    let nov1 = Date::constant(2026, 11, 1);
    let oct31 = Date::constant(2026, 10, 31);
    // D001 keeps the default zone (Asia/Shanghai); D002 is set to Berlin.
    support::cli(
        &c.db,
        &[
            "settings",
            "--dealer",
            "D002",
            "--time-zone",
            "Europe/Berlin",
        ],
    );
    post_all(
        &c,
        &[
            // 23:30 on 30 November in Shanghai is 15:30Z: November's.
            service("D001", &local("Asia/Shanghai", nov30, 23, 30), 9, &[]),
            service("D001", &local("Asia/Shanghai", dec1, 0, 30), 9, &[]),
            service("D001", &local("Asia/Shanghai", nov1, 0, 0), 9, &[]),
            service("D001", &local("Asia/Shanghai", oct31, 23, 59), 9, &[]),
            // 23:30 on 30 November in Berlin is 22:30Z, already 1 December in Shanghai.
            service("D002", &local("Europe/Berlin", nov30, 23, 30), 9, &[]),
            service("D002", &local("Europe/Berlin", dec1, 0, 30), 9, &[]),
        ],
    );
    assert_eq!(
        local("Asia/Shanghai", nov30, 23, 30),
        "2026-11-30T15:30:00Z"
    );
    let november = "from=2026-11-01&to=2026-11-30";
    let n = |q: &str| summary_n(&c, q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    assert_eq!(n(&format!("dealer=D001&{november}")), 2);
    assert_eq!(n("dealer=D001&from=2026-12-01&to=2026-12-31"), 1);
    assert_eq!(n("dealer=D001&from=2026-10-01&to=2026-10-31"), 1);
    // `to` takes its whole day, `from` starts at its local midnight.
    assert_eq!(n("dealer=D001&to=2026-11-30"), 3);
    assert_eq!(n("dealer=D001&to=2026-11-29"), 2);
    assert_eq!(n("dealer=D001&from=2026-11-30"), 2);
    assert_eq!(n("dealer=D001&from=2026-11-30&to=2026-11-30"), 1);
    // The list counts the same days.
    assert_eq!(listed(&c, &format!("dealer=D001&{november}")), 2);
    assert_eq!(listed(&c, "dealer=D001&to=2026-11-30"), 3);
    // Berlin's November holds Berlin's 23:30 on the 30th.
    assert_eq!(n(&format!("dealer=D002&{november}")), 1);
    assert_eq!(n("dealer=D002&from=2026-12-01"), 1);
    // The reply says which instants and zone were applied.
    let r = c.get(&format!("/v1/summary?verified=all&dealer=D002&{november}"));
    assert_eq!(
        (
            &r.json()["filter"]["from"],
            &r.json()["filter"]["to"],
            &r.json()["filter"]["time_zone"]
        ),
        (
            &json!("2026-10-31T23:00:00Z"),
            &json!("2026-11-30T23:00:00Z"),
            &json!("Europe/Berlin")
        )
    );
    // Group-wide, two zones: local days are refused, instants are not.
    let (status, error) = summary_n(&c, november).expect_err("two zones");
    assert_eq!(status, 400);
    assert!(
        error.contains("Asia/Shanghai, Europe/Berlin") && error.contains("dealer="),
        "{error}"
    );
    let r = c.get(&format!("/v1/responses.csv?verified=all&{november}"));
    assert_eq!(r.status, 400, "the exports follow the same rule");
    // (Shanghai's November as instants: Berlin's 23:30 on the 30th is not in it.)
    assert_eq!(
        n("from=2026-11-01T00:00:00%2B08:00&to=2026-12-01T00:00:00%2B08:00"),
        2
    );
    // A manager of D001 alone reads in D001's zone without naming it.
    add_user(&c.db, "m-d001", "dealer-manager", &["D001"], None);
    let manager = c.login("m-d001", PASSWORD);
    let r = c.get_as(&manager, &format!("/v1/summary?verified=all&{november}"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["summary"]["n"], json!(2));
    // Each row's times in its dealer's zone, with the offset.
    let csv = c
        .get("/v1/responses.csv?verified=all&from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z")
        .text();
    assert!(csv.contains(",2026-11-30T23:30:00+08:00,"), "{csv}");
    assert!(csv.contains(",2026-11-30T23:30:00+01:00,"), "{csv}");
}

both!(a_month_is_the_dealers_month);

fn named_periods_are_local_months_and_quarters(backend: Backend) {
    let c = Collector::start(backend);
    let zone = "Asia/Shanghai";
    let today = jiff::Timestamp::now()
        .to_zoned(TimeZone::get(zone).expect("zone"))
        .date();
    let this_month = today.first_of_month();
    let last_month = this_month
        .checked_sub(jiff::Span::new().months(1))
        .expect("last month");
    post_all(
        &c,
        &[
            service("D001", &local(zone, this_month, 0, 0), 9, &[]),
            service("D001", &local(zone, last_month, 0, 0), 9, &[]),
            service(
                "D001",
                &local(zone, last_month.last_of_month(), 23, 30),
                9,
                &[],
            ),
        ],
    );
    let n = |q: &str| summary_n(&c, q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    assert_eq!(n("period=this_month"), 1);
    assert_eq!(n("period=last_month"), 2);
    let same_quarter = (this_month.month() - 1) % 3 != 0;
    assert_eq!(n("period=quarter"), if same_quarter { 3 } else { 1 });
    let r = c.get("/v1/summary?verified=all&period=last_month");
    assert_eq!(r.json()["filter"]["period"], json!("last_month"));
    assert_eq!(r.json()["filter"]["time_zone"], json!(zone));
    for bad in ["period=week", "period=this_month&from=2026-11-01"] {
        let (status, error) = summary_n(&c, bad).expect_err(bad);
        assert_eq!(status, 400, "{bad}");
        assert!(error.contains("period"), "{bad}: {error}");
    }
}

both!(named_periods_are_local_months_and_quarters);

fn the_summary_filters_and_never_pools_surveys(backend: Backend) {
    let c = Collector::start(backend);
    let at = "2026-11-23T02:00:00Z";
    post_all(
        &c,
        &[
            service("D001", at, 10, &[("advisor", "A07"), ("channel", "qr")]),
            service("D001", at, 3, &[("advisor", "A07"), ("channel", "sms")]),
            service(
                "D001",
                at,
                9,
                &[("advisor", "A08"), ("station", "lounge-2")],
            ),
            call("D001", "hl-042", 9),
            call("D001", "hl-043", 2),
        ],
    );
    // Two surveys in the selection: refused, naming them, unless survey= picks one.
    let (status, error) = summary_n(&c, "").expect_err("pooled");
    assert_eq!(status, 422);
    assert!(
        error.contains("post-call, post-service") && error.contains("survey="),
        "{error}"
    );
    assert_eq!(summary_n(&c, "dealer=D001").map_err(|e| e.0), Err(422));
    let n = |q: &str| summary_n(&c, q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
    assert_eq!(n("survey=post-service"), 3);
    assert_eq!(n("survey=post-call"), 2);
    // One survey in the selection needs no survey=.
    assert_eq!(n("advisor=A07"), 2);
    assert_eq!(n("advisor=A08"), 1);
    assert_eq!(n("station=lounge-2"), 1);
    assert_eq!(n("channel=qr"), 1);
    assert_eq!(n("agent=hl-042"), 1);
    assert_eq!(n("survey=post-service&agent=hl-042"), 0);
    assert_eq!(n("survey=post-service&advisor=A07&channel=sms"), 1);
    let r = c.get("/v1/summary?verified=all&advisor=A07");
    let body = r.json();
    assert_eq!(body["summary"]["nps"]["nps"], json!(0.0), "{body}");
    assert_eq!(body["filter"]["advisor"], json!("A07"));
    // The list takes the same filters.
    assert_eq!(listed(&c, "advisor=A07"), 2);
    assert_eq!(listed(&c, "agent=hl-043"), 1);
    for bad in [
        "advisor=A%2007",
        "station=",
        "agent=a&agent=b",
        "channel=%3Cb%3E",
    ] {
        let (status, _) = summary_n(&c, bad).expect_err(bad);
        assert_eq!(status, 400, "{bad}");
    }
    // A service advisor reads their own, and is refused another's.
    add_user(&c.db, "adv-a07", "service-advisor", &["D001"], Some("A07"));
    let advisor = c.login("adv-a07", PASSWORD);
    let get = |auth: &Auth, q: &str| c.get_as(auth, &format!("/v1/summary?verified=all&{q}"));
    assert_eq!(get(&advisor, "").json()["summary"]["n"], json!(2));
    assert_eq!(
        get(&advisor, "advisor=A07").json()["summary"]["n"],
        json!(2)
    );
    let r = get(&advisor, "advisor=A08");
    assert_eq!(r.status, 403);
    assert!(r.error().contains("your own"), "{}", r.error());
}

both!(the_summary_filters_and_never_pools_surveys);

/// `service` with every rating item at `rating` and a comment.
fn rated(nps: u8, rating: u8, comment: Option<&str>) -> Value {
    let mut p = service("D001", "2026-11-23T02:00:00Z", nps, &[("advisor", "A07")]);
    let answers = p["answers"].as_object_mut().expect("answers");
    for (id, a) in answers.iter_mut() {
        if id != "nps" && a.get("scale").is_some() {
            *a = json!({ "scale": rating });
        }
    }
    if let Some(text) = comment {
        answers.insert("comment".into(), json!({ "text": text }));
    }
    p
}

fn the_list_filters_by_alerts_csi_and_comment_words(backend: Backend) {
    let c = Collector::start(backend);
    post_all(
        &c,
        &[
            rated(10, 4, Some("等待太久, but 100% fixed")),
            rated(2, 2, Some("The Waiting ROOM was dirty")),
            rated(9, 5, None),
            rated(8, 3, Some("a_b c")),
        ],
    );
    let r = c.get("/v1/responses?limit=1000");
    let items = r.json()["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 4);
    let csi: Vec<f64> = items
        .iter()
        .map(|i| i["score"]["csi"].as_f64().expect("a CSI"))
        .collect();
    let alerted = items
        .iter()
        .filter(|i| !i["score"]["alerts"].as_array().expect("alerts").is_empty())
        .count();
    assert!(alerted > 0 && alerted < 4, "{alerted} of 4 with alerts");
    assert_eq!(listed(&c, "alerts=yes"), alerted);
    assert_eq!(listed(&c, "alerts=no"), 4 - alerted);
    let between = |lo: f64, hi: f64| csi.iter().filter(|v| **v >= lo && **v <= hi).count();
    for (q, lo, hi) in [
        ("csi_min=90", 90.0, 100.0),
        ("csi_max=60", 0.0, 60.0),
        ("csi_min=50&csi_max=80", 50.0, 80.0),
        ("csi_min=0&csi_max=100", 0.0, 100.0),
    ] {
        assert_eq!(listed(&c, q), between(lo, hi), "{q} over {csi:?}");
    }
    assert!(
        between(90.0, 100.0) >= 1 && between(0.0, 60.0) >= 1,
        "{csi:?}"
    );
    // Words in a comment, never in the question ids or other answers.
    for (q, n) in [
        ("q=waiting", 1),
        ("q=WAITING%20room", 1),
        ("q=%E7%AD%89%E5%BE%85", 1),
        ("q=100%25", 1),
        ("q=1_0", 0),
        ("q=a_b", 1),
        ("q=a%25b", 0),
        ("q=comment", 0),
        ("q=scale", 0),
        ("q=text", 0),
    ] {
        assert_eq!(listed(&c, q), n, "{q}");
    }
    assert_eq!(listed(&c, "q=waiting&alerts=no"), 0);
    // The summary takes the same filters (one query module).
    assert_eq!(summary_n(&c, "alerts=yes"), Ok(alerted as u64));
    assert_eq!(summary_n(&c, "q=dirty"), Ok(1));
    let echo = c
        .get("/v1/responses?alerts=no&csi_max=70&q=%20dirty%20")
        .json()["filter"]
        .clone();
    assert_eq!(
        (&echo["alerts"], &echo["csi_max"], &echo["q"]),
        (&json!("no"), &json!(70), &json!("dirty"))
    );
    for bad in [
        "alerts=1",
        "csi_min=101",
        "csi_min=9&csi_max=8",
        "q=",
        "q=%0A",
    ] {
        let r = c.get(&format!("/v1/responses?{bad}"));
        assert_eq!(r.status, 400, "{bad}");
        let name = bad.split('=').next().unwrap_or_default();
        assert!(r.error().contains(name), "{bad}: {}", r.error());
    }
}

both!(the_list_filters_by_alerts_csi_and_comment_words);

/// Runs `script` with Python 3 on `file` and parses what it prints as JSON. The
/// modules come from `tests/crosscheck/requirements.txt` (scripts/setup installs it).
fn python(script: &str, file: &std::path::Path) -> Value {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3: {} (pip install -r tests/crosscheck/requirements.txt)",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from python")
}

/// The rows of a CSV file as Python's csv module reads it (as Excel would: utf-8-sig).
const READ_CSV: &str = r#"
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    print(json.dumps(list(csv.reader(f)), ensure_ascii=False))
"#;

/// A column of `rows` by its id in the ids row (row 2).
fn column<'a>(rows: &'a [Value], id: &str) -> Vec<&'a Value> {
    let at = rows[1]
        .as_array()
        .expect("ids")
        .iter()
        .position(|c| c == id)
        .unwrap_or_else(|| panic!("no column {id}"));
    rows.iter().map(|r| &r[at]).collect()
}

/// What customers typed that a spreadsheet would run, and how it must read.
const HOSTILE: [(&str, &str); 6] = [
    ("=1+1", "'=1+1"),
    ("  @SUM(A1)", "  '@SUM(A1)"),
    ("＝HYPERLINK(\"http://x\")", "'＝HYPERLINK(\"http://x\")"),
    ("ok;=cmd|' /C calc'!A0", "ok;'=cmd|' /C calc'!A0"),
    ("－1；fine; +2", "'－1；fine; '+2"),
    ("服务很好，谢谢", "服务很好，谢谢"),
];

fn the_csv_opens_in_chinese_excel(backend: Backend) {
    let c = Collector::start(backend);
    let mut posted = Vec::new();
    for (i, (typed, _)) in HOSTILE.iter().enumerate() {
        let mut p = service("D001", "2026-11-30T15:30:00Z", 9, &[("advisor", "王伟")]);
        p["answers"]["comment"] = json!({ "text": typed });
        if i == 0 {
            // A detractor who asks to be called: two alerts.
            p["answers"]["nps"] = json!({ "scale": 2 });
            p["answers"]["contact_me"] =
                json!({ "contact": { "consent": true, "phone": "13800138000" } });
        }
        posted.push(p);
    }
    post_all(&c, &posted);
    let r = c.get("/v1/responses.csv?verified=all");
    assert_eq!(r.status, 200, "{}", r.text());
    // The bytes: a BOM, every line ended by CRLF, no bare LF.
    assert!(r.body.starts_with(b"\xef\xbb\xbf"), "a UTF-8 BOM");
    assert!(r.body.ends_with(b"\r\n"));
    for (i, b) in r.body.iter().enumerate() {
        if *b == b'\n' {
            assert_eq!(r.body[i - 1], b'\r', "LF without CR at byte {i}");
        }
    }
    let dir = TempDir::new("csv");
    let file = dir.path("responses.csv");
    std::fs::write(&file, &r.body).expect("write");
    let rows = python(READ_CSV, &file);
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 2 + HOSTILE.len());
    // Row 1: labels in zh-CN (the fixed columns', the context's, the questions' own).
    let labels = rows[0].as_array().expect("labels");
    let template = support::template();
    let nps_text = template["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["questions"].as_array().into_iter().flatten())
        .find(|q| q["id"] == "nps")
        .map(|q| q["text"]["zh-CN"].clone())
        .expect("the NPS question");
    for label in [
        json!("答卷编号"),
        json!("服务顾问"),
        json!("经销商"),
        nps_text,
    ] {
        assert!(labels.contains(&label), "{label} in {labels:?}");
    }
    assert_eq!(rows[1][0], json!("id"));
    assert_eq!(column(rows, "context.advisor")[2], &json!("王伟"));
    // Local time with its offset; alerts by name.
    assert_eq!(
        column(rows, "created_at")[2],
        &json!("2026-11-30T23:30:00+08:00")
    );
    assert_eq!(
        column(rows, "alerts")[2],
        &json!("nps_detractor, contact_requested")
    );
    assert_eq!(column(rows, "alerts")[3], &json!(""));
    // Every hostile cell defused, everything else as typed.
    let comments: Vec<&Value> = column(rows, "answer.comment")[2..].to_vec();
    let expected: Vec<Value> = HOSTILE.iter().map(|(_, e)| json!(e)).collect();
    assert_eq!(comments, expected.iter().collect::<Vec<_>>());

    // Other languages, and no ids row on request.
    let en = c
        .get("/v1/responses.csv?verified=all&lang=en&ids=none")
        .text();
    let first = en
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or_default();
    assert!(first.starts_with("Response id,Received,"), "{first}");
    assert!(first.contains("Service advisor"), "{first}");
    assert_eq!(en.lines().count(), 1 + HOSTILE.len(), "no ids row");
    let tw = c.get("/v1/responses.csv?verified=all&lang=zh-TW").text();
    assert!(tw.contains("答卷編號") && tw.contains("服務顧問"), "{tw}");
    for bad in ["lang=fr", "ids=first"] {
        let r = c.get(&format!("/v1/responses.csv?{bad}"));
        assert_eq!(r.status, 400, "{bad}");
    }
}

both!(the_csv_opens_in_chinese_excel);

/// The workbook as openpyxl reads it: sheet names, and per sheet its frozen cell,
/// filter range and cells (value and openpyxl's data type).
const READ_XLSX: &str = r#"
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": book.sheetnames}
for ws in book.worksheets:
    out[ws.title] = {
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "rows": [[c.value for c in row] for row in ws.iter_rows()],
        "types": [[c.data_type for c in row] for row in ws.iter_rows()],
    }
print(json.dumps(out, ensure_ascii=False))
"#;

fn the_xlsx_reads_back_with_openpyxl(backend: Backend) {
    let c = Collector::start(backend);
    let mut posted = Vec::new();
    for (advisor, nps) in [("王伟", 10), ("王伟", 9), ("王伟", 2), ("A08", 7)] {
        let mut p = service("D001", "2026-11-30T15:30:00Z", nps, &[("advisor", advisor)]);
        p["answers"]["comment"] = json!({ "text": "=1+1" });
        posted.push(p);
    }
    post_all(&c, &posted);
    let r = c.get("/v1/responses.xlsx?verified=all");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("Content-Type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert_eq!(
        r.header("Content-Disposition"),
        Some("attachment; filename=\"responses.xlsx\"")
    );
    assert_eq!(
        r.header("Content-Length"),
        Some(r.body.len().to_string().as_str())
    );
    let dir = TempDir::new("xlsx");
    let file = dir.path("responses.xlsx");
    std::fs::write(&file, &r.body).expect("write");
    let book = python(READ_XLSX, &file);
    assert_eq!(book["sheets"], json!(["答卷", "服务顾问"]));

    let sheet = &book["答卷"];
    let rows = sheet["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2 + posted.len());
    let width = rows[0].as_array().expect("labels").len();
    assert_eq!(rows[0][0], json!("答卷编号"));
    assert_eq!(rows[1][0], json!("id"));
    // Both header rows stay in view; the filter sits on the ids row over every row.
    assert_eq!(sheet["freeze"], json!("A3"));
    let last_col = column_letters(width);
    assert_eq!(
        sheet["filter"],
        json!(format!("A2:{last_col}{}", 2 + posted.len()))
    );
    let at = |id: &str| {
        rows[1]
            .as_array()
            .expect("ids")
            .iter()
            .position(|c| c == id)
            .unwrap_or_else(|| panic!("no column {id}"))
    };
    let types = sheet["types"].as_array().expect("types");
    // Numbers are numbers, text is text: a formula typed by a customer stays text.
    assert_eq!(types[2][at("csi")], json!("n"));
    assert_eq!(types[2][at("answer.nps")], json!("n"));
    assert_eq!(rows[2][at("answer.nps")], json!(10));
    assert_eq!(rows[2][at("answer.comment")], json!("=1+1"));
    assert_eq!(types[2][at("answer.comment")], json!("s"));
    assert_eq!(rows[2][at("context.advisor")], json!("王伟"));
    assert_eq!(
        rows[2][at("created_at")],
        json!("2026-11-30T23:30:00+08:00")
    );
    assert_eq!(rows[4][at("alerts")], json!("nps_detractor"));

    let advisors = &book["服务顾问"];
    assert_eq!(advisors["freeze"], json!("A2"));
    assert_eq!(advisors["filter"], json!("A1:H3"));
    let rows = advisors["rows"].as_array().expect("rows");
    assert_eq!(
        rows[0],
        json!([
            "经销商",
            "服务顾问",
            "答卷数",
            "CSI",
            "NPS",
            "NPS 95% 下限",
            "NPS 95% 上限",
            "有预警的答卷"
        ])
    );
    // Sorted by dealer and advisor: A08 (1 passive), then 王伟 (2 promoters, 1 detractor).
    assert_eq!(rows[1][1], json!("A08"));
    assert_eq!(rows[1][4], json!(0));
    assert_eq!(rows[2][1], json!("王伟"));
    assert_eq!(rows[2][2], json!(3));
    let nps = rows[2][4].as_f64().expect("NPS");
    assert!((nps - 100.0 / 3.0).abs() < 1e-9, "{nps}");
    assert!(rows[2][5].as_f64().expect("low") < nps);
    assert!(rows[2][6].as_f64().expect("high") > nps);
    assert_eq!(rows[2][7], json!(1));

    // English sheet names; the filter and scope of the CSV apply.
    let en = c.get("/v1/responses.xlsx?verified=all&lang=en&ids=none&advisor=A08");
    std::fs::write(&file, &en.body).expect("write");
    let book = python(READ_XLSX, &file);
    assert_eq!(book["sheets"], json!(["Responses", "Advisors"]));
    assert_eq!(book["Responses"]["freeze"], json!("A2"));
    assert_eq!(book["Responses"]["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(book["Advisors"]["rows"].as_array().map(Vec::len), Some(2));
    let r = c.get("/v1/responses.xlsx?survey=not%20an%20id");
    assert_eq!(r.status, 400);
}

both!(the_xlsx_reads_back_with_openpyxl);

/// The spreadsheet letters of column `n` (1-based): 1 → A, 27 → AA.
fn column_letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
