//! CSV export of stored responses, for dealers who analyse in a spreadsheet.
//!
//! Written with the `csv` crate (RFC 4180 quoting) and streamed: the header comes from
//! the keys the database reports for the selection, then each page of rows is written
//! as it is read, so an export of any size holds one page in memory. The file starts
//! with a UTF-8 byte order mark, without which Excel opens Chinese text as mojibake.
//! Every cell that a spreadsheet would run as a formula is defused: answers are typed
//! by customers, so they are untrusted.

use crate::store::{Columns, Row};
use std::collections::{BTreeMap, BTreeSet};
use survey_core::{templates, Answer};

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

/// The export's columns: `context.<key>` for every key any selected row has (sorted),
/// then `answer.<question>` for every question any row answered, in the
/// questionnaire's order for built-in surveys and sorted after that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    context_keys: Vec<String>,
    question_ids: Vec<String>,
}

impl Layout {
    pub fn of(columns: &Columns) -> Self {
        let mut remaining: BTreeSet<&str> =
            columns.answers.iter().map(|(_, q)| q.as_str()).collect();
        let surveys: BTreeSet<&str> = columns.answers.iter().map(|(s, _)| s.as_str()).collect();
        let mut question_ids = Vec::with_capacity(remaining.len());
        for survey in templates::BUILT_IN {
            if !surveys.contains(survey) {
                continue;
            }
            let Some(Ok(def)) = templates::load(survey) else {
                continue;
            };
            // Targets, not questions: a matrix's items each get a column, in survey order.
            for target in def.targets() {
                if remaining.remove(target.id().as_str()) {
                    question_ids.push(target.id().as_str().to_string());
                }
            }
        }
        question_ids.extend(remaining.into_iter().map(str::to_string));
        let mut context_keys = columns.context_keys.clone();
        context_keys.sort();
        context_keys.dedup();
        Layout {
            context_keys,
            question_ids,
        }
    }

    /// The BOM and the header line.
    pub fn header(&self) -> Result<Vec<u8>, String> {
        let cells = FIXED_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(self.context_keys.iter().map(|k| format!("context.{k}")))
            .chain(self.question_ids.iter().map(|q| format!("answer.{q}")));
        let mut out = BOM.as_bytes().to_vec();
        out.extend(record(cells)?);
        Ok(out)
    }

    /// One row's line.
    pub fn row(&self, row: &Row) -> Result<Vec<u8>, String> {
        let p = parse_row(row)?;
        let fixed = [
            row.id.clone(),
            row.received_at.clone(),
            row.survey_id.clone(),
            row.survey_version.to_string(),
            row.locale.clone(),
            row.created_at.clone(),
            p.mode.clone(),
            p.score
                .as_ref()
                .and_then(|s| s["csi"].as_f64())
                .map(|csi| format!("{csi:.1}"))
                .unwrap_or_default(),
            p.score
                .as_ref()
                .and_then(|s| s["nps"]["category"].as_str())
                .unwrap_or_default()
                .to_string(),
            p.score
                .as_ref()
                .map(|_| row.alerts.to_string())
                .unwrap_or_default(),
            row.follow_up_due.clone().unwrap_or_default(),
            row.score_mismatch.to_string(),
            row.verified.to_string(),
        ];
        let context = self
            .context_keys
            .iter()
            .map(|k| p.context.get(k).cloned().unwrap_or_default());
        let answers = self
            .question_ids
            .iter()
            .map(|q| p.answers.get(q).map(answer_cell).unwrap_or_default());
        record(fixed.into_iter().chain(context).chain(answers))
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
pub fn export(columns: &Columns, rows: &[Row]) -> Result<String, String> {
    let layout = Layout::of(columns);
    let mut out = layout.header()?;
    for row in rows {
        out.extend(layout.row(row)?);
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

/// A leading `'` before anything a spreadsheet treats as a formula (`= + - @`, tab,
/// carriage return); quoting is the csv writer's.
pub fn defuse(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
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
        scored.score = Some(r#"{"csi":83.33333333333334,"nps":{"category":"promoter"}}"#.into());
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
        let csv = export(&columns_of(&rows), &rows)?;
        let csv = csv.strip_prefix(BOM).unwrap_or_default();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "id,received_at,survey_id,survey_version,locale,created_at,mode,\
             csi,nps_category,alerts,follow_up_due,score_mismatch,verified,context.advisor,\
             context.dealer,\
             answer.p_appointment,answer.s_lounge,answer.nps,answer.comment,answer.aa,answer.zz"
        );
        assert_eq!(
            lines[1],
            "a,2026-11-23T10:00:01.000Z,post-service,1,zh-CN,2026-11-23T10:00:00Z,kiosk,\
             83.3,promoter,2,2026-11-25T10:00:00Z,true,false,,D1,yes,n/a,9,fine,,"
        );
        assert_eq!(
            lines[2],
            "b,2026-11-23T10:00:01.000Z,custom,1,zh-CN,2026-11-23T10:00:00Z,kiosk,,,,,false,false,A7,,,,,,2,no"
        );
        assert_eq!(lines[3], "");
        Ok(())
    }

    #[test]
    fn no_rows_is_just_the_header() -> Result<(), String> {
        assert_eq!(
            export(&Columns::default(), &[])?,
            format!("{BOM}{}\r\n", FIXED_COLUMNS.join(","))
        );
        Ok(())
    }

    #[test]
    fn a_corrupt_row_is_named() {
        let bad = row("bad-row", "custom", "{", "{}");
        assert!(export(&Columns::default(), &[bad])
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
