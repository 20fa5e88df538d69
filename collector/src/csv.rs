//! CSV export of stored responses, for dealers who analyse in a spreadsheet; the cells
//! are shared with the XLSX export ([`crate::routes::exports`]).
//!
//! ## The file
//! - UTF-8 with a byte order mark, lines ending CRLF: what Chinese Excel and WPS need to
//!   open Chinese text as text, not mojibake.
//! - Row 1: column labels in the chosen language (`lang=zh-CN|zh-TW|en`, zh-CN by
//!   default): the fixed columns', the context keys' (经销商, 服务顾问, …), and each
//!   question's own wording from its questionnaire (a matrix item's text). Row 2: the
//!   column ids (`id`, `context.dealer`, `answer.nps`, …), stable for programs, unless
//!   `ids=none`. The data starts on row 3 (row 2 with `ids=none`).
//! - Times (`received_at`, `created_at`, `follow_up_due`) in the time zone of the row's
//!   dealer, RFC 3339 with the offset (`2026-11-30T23:30:00+08:00`) so they read as
//!   local and still name one instant.
//! - `alerts` names the rules that fired (`nps_detractor, contact_requested`), not a count.
//! - Written with the `csv` crate (RFC 4180 quoting) and streamed: the header comes from
//!   the keys the database reports for the selection, then each page of rows is written
//!   as it is read, so an export of any size holds one page in memory.
//!
//! ## Formula cells are defused
//! Answers are typed by customers, so they are untrusted: a cell a spreadsheet would run
//! as a formula gets a `'` before its first character. That is a cell whose first
//! character, after any spaces, is `=`, `+`, `-`, `@`, a tab or a carriage return, or
//! their full-width forms `＝ ＋ － ＠` (an IME types those, and some spreadsheets read
//! them as formulas); and the same after every `;`, since a spreadsheet in a locale
//! whose list separator is `;` may split the cell there.

use crate::query::{ExportOptions, Lang};
use crate::settings::Zones;
use crate::store::{Columns, Row};
use std::collections::{BTreeMap, BTreeSet};
use survey_core::{templates, Answer, Definition, Locale};

/// The byte order mark the file starts with.
pub const BOM: &str = "\u{feff}";

/// The fixed leading columns. The score columns come from the server's card and are
/// empty when the collector could not score the response (a survey it does not know).
pub const FIXED_COLUMNS: [&str; 13] = [
    "id",
    "received_at",
    "survey_id",
    "survey_version",
    "locale",
    "created_at",
    "mode",
    "csi",
    "nps_category",
    "alerts",
    "follow_up_due",
    "score_mismatch",
    // `true`: the response came through a signed link (`crate::links`).
    "verified",
];

/// Labels of the fixed columns and of the usual context keys: zh-CN, zh-TW, en.
const LABELS: [(&str, [&str; 3]); 22] = [
    ("id", ["答卷编号", "答卷編號", "Response id"]),
    ("received_at", ["收到时间", "收到時間", "Received"]),
    ("survey_id", ["问卷", "問卷", "Survey"]),
    ("survey_version", ["问卷版本", "問卷版本", "Survey version"]),
    ("locale", ["语言", "語言", "Language"]),
    ("created_at", ["提交时间", "提交時間", "Submitted"]),
    ("mode", ["模式", "模式", "Mode"]),
    ("csi", ["CSI", "CSI", "CSI"]),
    ("nps_category", ["NPS 类别", "NPS 類別", "NPS category"]),
    ("alerts", ["预警", "預警", "Alerts"]),
    (
        "follow_up_due",
        ["回访截止时间", "回訪截止時間", "Follow-up due"],
    ),
    (
        "score_mismatch",
        ["评分不一致", "評分不一致", "Score mismatch"],
    ),
    ("verified", ["签名链接", "簽名連結", "Signed link"]),
    ("context.dealer", ["经销商", "經銷商", "Dealer"]),
    (
        "context.advisor",
        ["服务顾问", "服務顧問", "Service advisor"],
    ),
    (
        "context.repair_order",
        ["维修工单", "維修工單", "Repair order"],
    ),
    ("context.visit_date", ["到店日期", "到店日期", "Visit date"]),
    ("context.station", ["站点", "站點", "Station"]),
    ("context.agent", ["客服专员", "客服專員", "Agent"]),
    ("context.channel", ["渠道", "渠道", "Channel"]),
    ("context.call_type", ["通话类型", "通話類型", "Call type"]),
    ("context.token", ["链接令牌", "連結權杖", "Link token"]),
];

/// A cell: text, or a number a spreadsheet can sum (the XLSX export writes it as one).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A number and how the CSV writes it.
    Number(f64, String),
    Empty,
}

impl Cell {
    fn text(self) -> String {
        match self {
            Cell::Text(t) | Cell::Number(_, t) => t,
            Cell::Empty => String::new(),
        }
    }
}

/// The export's columns: `context.<key>` for every key any selected row has (sorted),
/// then `answer.<question>` for every question any row answered, in the
/// questionnaire's order for built-in surveys and sorted after that; and their labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    context_keys: Vec<String>,
    question_ids: Vec<String>,
    /// Row 1: a label per column.
    labels: Vec<String>,
    ids_row: bool,
}

impl Layout {
    /// `own`: the dealers' own questionnaires among the selected surveys (their newest
    /// published versions, [`own_definitions`]), labelled like the built-in ones.
    pub fn of(columns: &Columns, options: ExportOptions, own: &[Definition]) -> Self {
        let locale = Locale::new(options.lang.as_str());
        let lang = match options.lang {
            Lang::ZhCn => 0,
            Lang::ZhTw => 1,
            Lang::En => 2,
        };
        let mut remaining: BTreeSet<&str> =
            columns.answers.iter().map(|(_, q)| q.as_str()).collect();
        let surveys: BTreeSet<&str> = columns.answers.iter().map(|(s, _)| s.as_str()).collect();
        let mut question_ids = Vec::with_capacity(remaining.len());
        let mut question_labels = BTreeMap::new();
        let built_in = templates::BUILT_IN
            .iter()
            .filter(|s| surveys.contains(*s))
            .filter_map(|s| templates::load(s).and_then(Result::ok));
        let defs: Vec<Definition> = built_in
            .chain(
                own.iter()
                    .filter(|d| surveys.contains(d.id.as_str()))
                    .cloned(),
            )
            .collect();
        for def in &defs {
            // Targets, not questions: a matrix's items each get a column, in survey order.
            for target in def.targets() {
                let id = target.id().as_str();
                if remaining.remove(id) {
                    question_ids.push(id.to_string());
                    let label = target.text().get(&locale, &def.default_locale);
                    question_labels.insert(id.to_string(), label.to_string());
                }
            }
        }
        question_ids.extend(remaining.into_iter().map(str::to_string));
        let mut context_keys = columns.context_keys.clone();
        context_keys.sort();
        context_keys.dedup();
        let fixed_label = |id: &str| {
            LABELS
                .iter()
                .find(|(k, _)| *k == id)
                .map_or_else(|| id.to_string(), |(_, l)| l[lang].to_string())
        };
        let labels = FIXED_COLUMNS
            .iter()
            .map(|c| fixed_label(c))
            .chain(context_keys.iter().map(|k| {
                let id = format!("context.{k}");
                match LABELS.iter().any(|(l, _)| *l == id) {
                    true => fixed_label(&id),
                    false => k.clone(),
                }
            }))
            .chain(
                question_ids
                    .iter()
                    .map(|q| question_labels.get(q).cloned().unwrap_or_else(|| q.clone())),
            )
            .collect();
        Layout {
            context_keys,
            question_ids,
            labels,
            ids_row: options.ids_row,
        }
    }

    /// Row 1: a label per column.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Whether row 2 holds the column ids.
    pub fn ids_row(&self) -> bool {
        self.ids_row
    }

    /// The column ids (`id`, …, `context.dealer`, …, `answer.nps`, …).
    pub fn ids(&self) -> Vec<String> {
        FIXED_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(self.context_keys.iter().map(|k| format!("context.{k}")))
            .chain(self.question_ids.iter().map(|q| format!("answer.{q}")))
            .collect()
    }

    /// The BOM and the header lines.
    pub fn header(&self) -> Result<Vec<u8>, String> {
        let mut out = BOM.as_bytes().to_vec();
        out.extend(record(self.labels.iter().cloned())?);
        if self.ids_row {
            out.extend(record(self.ids().into_iter())?);
        }
        Ok(out)
    }

    /// One row's line.
    pub fn row(&self, row: &Row, zones: &Zones) -> Result<Vec<u8>, String> {
        record(self.cells(row, zones)?.into_iter().map(Cell::text))
    }

    /// One row's cells, not yet defused (the writers defuse).
    pub fn cells(&self, row: &Row, zones: &Zones) -> Result<Vec<Cell>, String> {
        let p = parse_row(row)?;
        let zone = zones.of_dealer(row.dealer.as_deref());
        let local = |t: &str| Cell::Text(local_time(t, &zone.tz));
        let text = |t: String| {
            if t.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(t)
            }
        };
        let score = p.score.as_ref();
        let fixed = [
            text(row.id.clone()),
            local(&row.received_at),
            text(row.survey_id.clone()),
            Cell::Number(row.survey_version as f64, row.survey_version.to_string()),
            text(row.locale.clone()),
            local(&row.created_at),
            text(p.mode.clone()),
            score
                .and_then(|s| s["csi"].as_f64())
                .map_or(Cell::Empty, |csi| Cell::Number(csi, format!("{csi:.1}"))),
            text(
                score
                    .and_then(|s| s["nps"]["category"].as_str())
                    .unwrap_or_default()
                    .to_string(),
            ),
            text(score.map(alert_names).unwrap_or_default()),
            row.follow_up_due.as_deref().map_or(Cell::Empty, local),
            Cell::Text(row.score_mismatch.to_string()),
            Cell::Text(row.verified.to_string()),
        ];
        let context = self
            .context_keys
            .iter()
            .map(|k| text(p.context.get(k).cloned().unwrap_or_default()));
        let answers = self.question_ids.iter().map(|q| match p.answers.get(q) {
            Some(Answer::Scale(v)) => Cell::Number(f64::from(*v), v.to_string()),
            Some(a) => text(answer_cell(a)),
            None => Cell::Empty,
        });
        Ok(fixed.into_iter().chain(context).chain(answers).collect())
    }
}

/// The rules of a card's alerts, each once, in the order they fired.
pub fn alert_names(card: &serde_json::Value) -> String {
    let mut names: Vec<&str> = Vec::new();
    for alert in card["alerts"].as_array().into_iter().flatten() {
        if let Some(rule) = alert["rule"].as_str() {
            if !names.contains(&rule) {
                names.push(rule);
            }
        }
    }
    names.join(", ")
}

/// A stored UTC time in `zone`, RFC 3339 with its offset; a stored text that is not a
/// time is shown as it is.
pub fn local_time(utc: &str, zone: &jiff::tz::TimeZone) -> String {
    match utc.parse::<jiff::Timestamp>() {
        Ok(t) => t
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
            .to_string(),
        Err(_) => utc.to_string(),
    }
}

struct Parsed {
    mode: String,
    /// The server's card as JSON, if any.
    score: Option<serde_json::Value>,
    context: BTreeMap<String, String>,
    answers: BTreeMap<String, Answer>,
}

/// Renders rows as a whole CSV text (for tests; the route streams).
#[cfg(test)]
pub fn export(columns: &Columns, rows: &[Row], options: ExportOptions) -> Result<String, String> {
    let layout = Layout::of(columns, options, &[]);
    let mut out = layout.header()?;
    let zones = Zones::of(&[]);
    for row in rows {
        out.extend(layout.row(row, &zones)?);
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// One CRLF-terminated record, each cell defused, quoted by the csv crate.
fn record(cells: impl Iterator<Item = String>) -> Result<Vec<u8>, String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(cells.map(|c| defuse(&c)))
        .map_err(|e| format!("writing CSV: {e}"))?;
    writer
        .into_inner()
        .map_err(|e| format!("writing CSV: {}", e.error()))
}

fn parse_row(row: &Row) -> Result<Parsed, String> {
    let unreadable = |what: &str, e: serde_json::Error| {
        format!("stored response {} has unreadable {what}: {e}", row.id)
    };
    let payload: serde_json::Value =
        serde_json::from_str(&row.payload).map_err(|e| unreadable("payload", e))?;
    let mode = payload
        .get("client")
        .and_then(|c| c.get("mode"))
        .and_then(|m| m.as_str())
        .unwrap_or_default()
        .to_string();
    let score = row
        .score
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| unreadable("score", e))?;
    Ok(Parsed {
        mode,
        score,
        context: serde_json::from_str(&row.context).map_err(|e| unreadable("context", e))?,
        answers: serde_json::from_str(&row.answers).map_err(|e| unreadable("answers", e))?,
    })
}

/// How an answer reads in a cell.
pub fn answer_cell(answer: &Answer) -> String {
    match answer {
        Answer::Scale(v) => v.to_string(),
        Answer::YesNo(true) => "yes".into(),
        Answer::YesNo(false) => "no".into(),
        Answer::NotApplicable => "n/a".into(),
        Answer::Text(t) => t.clone(),
        Answer::Choice(c) => c.clone(),
        Answer::Choices(c) => c.join("; "),
        Answer::Contact(c) if !c.consent => "no".into(),
        Answer::Contact(c) => {
            let means: Vec<&str> = [c.phone.as_deref(), c.email.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            format!("yes: {}", means.join(", "))
        }
    }
}

/// The characters that start a formula (see the module docs).
const FORMULA_START: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A `'` before the first character of the cell, and of every `;`-separated part of it,
/// that a spreadsheet would read as the start of a formula, spaces before it skipped
/// (see the module docs); quoting is the csv writer's.
pub fn defuse(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 1);
    let mut at_start = true;
    for c in value.chars() {
        if at_start {
            if matches!(c, ' ' | '\u{3000}' | '\u{a0}') {
                out.push(c);
                continue;
            }
            if FORMULA_START.contains(&c) {
                out.push('\'');
            }
            at_start = false;
        }
        out.push(c);
        if c == ';' {
            at_start = true;
        }
    }
    out
}

/// One cell as it reads in the file: defused, then quoted where needed.
#[cfg(test)]
fn escape_cell(value: &str) -> String {
    let line = record(std::iter::once(value.to_string())).unwrap_or_default();
    let text = String::from_utf8(line).unwrap_or_default();
    text.trim_end_matches("\r\n").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, survey: &str, context: &str, answers: &str) -> Row {
        Row {
            seq: 1,
            id: id.into(),
            received_at: "2026-11-23T10:00:01.000Z".into(),
            survey_id: survey.into(),
            survey_version: 1,
            locale: "zh-CN".into(),
            created_at: "2026-11-23T10:00:00Z".into(),
            context: context.into(),
            answers: answers.into(),
            payload: r#"{"client":{"widget_version":"0.1.0","mode":"kiosk"}}"#.into(),
            score: None,
            client_score: None,
            score_mismatch: false,
            alerts: 0,
            follow_up_due: None,
            dealer: None,
            verified: false,
        }
    }

    /// What the database reports for these rows.
    fn columns_of(rows: &[Row]) -> Columns {
        let mut out = Columns::default();
        for r in rows {
            let context: BTreeMap<String, String> =
                serde_json::from_str(&r.context).unwrap_or_default();
            out.context_keys.extend(context.into_keys());
            let answers: BTreeMap<String, serde_json::Value> =
                serde_json::from_str(&r.answers).unwrap_or_default();
            out.answers
                .extend(answers.into_keys().map(|q| (r.survey_id.clone(), q)));
        }
        out
    }

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(escape_cell("plain"), "plain");
        assert_eq!(escape_cell("a,b"), "\"a,b\"");
        assert_eq!(escape_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(escape_cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(escape_cell("=1+1"), "'=1+1");
        assert_eq!(escape_cell("+1"), "'+1");
        assert_eq!(escape_cell("-1"), "'-1");
        assert_eq!(escape_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(escape_cell("\tx"), "'\tx");
        assert_eq!(escape_cell("\rx"), "\"'\rx\"");
        assert_eq!(
            escape_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        // A lone empty cell is quoted so the line is not blank.
        assert_eq!(escape_cell(""), "\"\"");
        // After leading spaces, in full width, and after each `;`.
        assert_eq!(escape_cell("  =1+1"), "  '=1+1");
        assert_eq!(escape_cell("\u{3000}@x"), "\u{3000}'@x");
        assert_eq!(escape_cell("＝1＋1"), "'＝1＋1");
        assert_eq!(escape_cell("＋86"), "'＋86");
        assert_eq!(escape_cell("－1"), "'－1");
        assert_eq!(escape_cell("＠SUM(A1)"), "'＠SUM(A1)");
        assert_eq!(escape_cell("ok;=1+1"), "ok;'=1+1");
        assert_eq!(escape_cell("a; -2;  +3"), "a; '-2;  '+3");
        assert_eq!(escape_cell("wait; price"), "wait; price");
        assert_eq!(escape_cell("1-2=3"), "1-2=3");
        assert_eq!(escape_cell("服务很好=满分"), "服务很好=满分");
    }

    #[test]
    fn columns_follow_the_questionnaire_then_sort() -> Result<(), String> {
        let mut scored = row(
            "a",
            "post-service",
            r#"{"dealer":"D1"}"#,
            r#"{"comment":{"text":"fine"},"nps":{"scale":9},"p_appointment":{"yes_no":true},"s_lounge":"not_applicable"}"#,
        );
        // Only the fields the export reads; a real card has many more.
        scored.score = Some(
            r#"{"csi":83.33333333333334,"nps":{"category":"promoter"},"alerts":[
                {"rule":"nps_detractor","question":"nps"},
                {"rule":"contact_requested","question":"contact_me"},
                {"rule":"nps_detractor","question":"nps2"}]}"#
                .into(),
        );
        scored.score_mismatch = true;
        scored.alerts = 2;
        scored.follow_up_due = Some("2026-11-25T10:00:00Z".into());
        let rows = [
            scored,
            row(
                "b",
                "custom",
                r#"{"advisor":"A7"}"#,
                r#"{"zz":{"yes_no":false},"aa":{"scale":2}}"#,
            ),
        ];
        let en = ExportOptions {
            lang: Lang::En,
            ids_row: true,
        };
        let csv = export(&columns_of(&rows), &rows, en)?;
        let csv = csv.strip_prefix(BOM).unwrap_or_default();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Response id,Received,Survey,Survey version,Language,Submitted,Mode,CSI,\
             NPS category,Alerts,Follow-up due,Score mismatch,Signed link,Service advisor,\
             Dealer,Did we offer you an appointment? (Came without one? Choose “Not applicable”.),\
             Comfort of the lounge,\
             How likely are you to recommend our service to a friend or relative?,\
             Anything else you would like to tell us? (optional),aa,zz"
        );
        assert_eq!(
            lines[1],
            "id,received_at,survey_id,survey_version,locale,created_at,mode,\
             csi,nps_category,alerts,follow_up_due,score_mismatch,verified,context.advisor,\
             context.dealer,\
             answer.p_appointment,answer.s_lounge,answer.nps,answer.comment,answer.aa,answer.zz"
        );
        // Times in the dealer's zone (Asia/Shanghai by default), alerts by name.
        assert_eq!(
            lines[2],
            "a,2026-11-23T18:00:01+08:00,post-service,1,zh-CN,2026-11-23T18:00:00+08:00,kiosk,\
             83.3,promoter,\"nps_detractor, contact_requested\",2026-11-25T18:00:00+08:00,true,false,,D1,yes,n/a,9,fine,,"
        );
        assert_eq!(
            lines[3],
            "b,2026-11-23T18:00:01+08:00,custom,1,zh-CN,2026-11-23T18:00:00+08:00,kiosk,,,,,false,false,A7,,,,,,2,no"
        );
        assert_eq!(lines[4], "");
        let zh = export(
            &columns_of(&rows),
            &rows,
            ExportOptions {
                lang: Lang::ZhCn,
                ids_row: false,
            },
        )?;
        let first: Vec<&str> = zh.split("\r\n").take(2).collect();
        assert!(
            first[0].starts_with("\u{feff}答卷编号,收到时间,问卷,"),
            "{}",
            first[0]
        );
        assert!(first[0].contains("服务顾问,经销商,"), "{}", first[0]);
        assert!(first[1].starts_with("a,"), "no ids row: {}", first[1]);
        Ok(())
    }

    #[test]
    fn no_rows_is_just_the_header() -> Result<(), String> {
        let ids_only = ExportOptions {
            lang: Lang::En,
            ids_row: true,
        };
        let text = export(&Columns::default(), &[], ids_only)?;
        assert_eq!(
            text.split("\r\n").nth(1),
            Some(FIXED_COLUMNS.join(",").as_str())
        );
        assert_eq!(text.matches("\r\n").count(), 2);
        Ok(())
    }

    #[test]
    fn a_corrupt_row_is_named() {
        let bad = row("bad-row", "custom", "{", "{}");
        let options = ExportOptions {
            lang: Lang::ZhCn,
            ids_row: true,
        };
        assert!(export(&Columns::default(), &[bad], options)
            .unwrap_err()
            .contains("bad-row"));
    }
}

#[cfg(test)]
mod answer_cell_tests {
    use super::answer_cell;
    use survey_core::answers::ContactAnswer;
    use survey_core::Answer;

    #[test]
    fn choices_and_contact_read_plainly() {
        assert_eq!(answer_cell(&Answer::Choice("phone".into())), "phone");
        assert_eq!(
            answer_cell(&Answer::Choices(vec!["wait".into(), "price".into()])),
            "wait; price"
        );
        let declined = ContactAnswer {
            consent: false,
            phone: None,
            email: None,
        };
        assert_eq!(answer_cell(&Answer::Contact(declined)), "no");
        let both = ContactAnswer {
            consent: true,
            phone: Some("+86 138 0013 8000".into()),
            email: Some("li@example.com".into()),
        };
        assert_eq!(
            answer_cell(&Answer::Contact(both)),
            "yes: +86 138 0013 8000, li@example.com"
        );
    }
}
