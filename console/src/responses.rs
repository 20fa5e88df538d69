//! What the response list and the detail view say about stored responses: the list's
//! filters as query pairs (checked before asking), one row of `/v1/responses` as typed
//! data, and its answers in the questionnaire's own wording (core's built-in
//! definitions), in definition order. Pure, so it is tested natively; the views in
//! `list.rs` only lay it out.

use crate::i18n::Lang;
use serde::Deserialize;
use std::collections::BTreeMap;
use survey_core::questionnaire::Dimension;
use survey_core::scoring::{AlertRule, ItemKind, NpsCategory};
use survey_core::time::{civil_from_days, days_from_civil};
use survey_core::{Answer, Answers};

/// Rows per page of the list.
pub const PAGE_SIZE: u32 = 25;

/// The list's own filters (survey, dealer and period are the console's shared ones).
/// Text as typed in the form; [`ListFilters::pairs`] checks it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilters {
    /// `context.advisor` (post-service) or `context.agent` (post-call), exactly; empty
    /// for everyone.
    pub advisor: String,
    /// `""`, `yes` or `no`.
    pub alerts: String,
    /// Whole numbers 0-100, or empty.
    pub csi_min: String,
    pub csi_max: String,
    /// `all` (or empty), `yes` or `no`.
    pub verified: String,
    /// Words some comment contains.
    pub words: String,
    /// `context.station` (a lounge kiosk, a website), exactly; empty for every one.
    pub station: String,
}

/// Why the list's filters cannot be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterError {
    /// A CSI bound is not a whole number from 0 to 100.
    BadCsi,
    /// The lower bound is above the upper.
    CsiReversed,
}

impl ListFilters {
    /// The query pairs of these filters (empty ones left out), after the shared ones;
    /// `person` is the context key the advisor field filters (`advisor` or `agent`).
    pub fn pairs(&self, person: &'static str) -> Result<Vec<(&'static str, String)>, FilterError> {
        let bound = |v: &str| -> Result<Option<u8>, FilterError> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            v.parse::<u8>()
                .ok()
                .filter(|n| *n <= 100)
                .map(Some)
                .ok_or(FilterError::BadCsi)
        };
        let (lo, hi) = (bound(&self.csi_min)?, bound(&self.csi_max)?);
        if let (Some(a), Some(b)) = (lo, hi) {
            if a > b {
                return Err(FilterError::CsiReversed);
            }
        }
        let mut out = Vec::new();
        let mut put = |k: &'static str, v: &str| {
            let v = v.trim();
            if !v.is_empty() {
                out.push((k, v.to_string()));
            }
        };
        put(person, &self.advisor);
        put("station", &self.station);
        put("alerts", &self.alerts);
        put("csi_min", &lo.map(|n| n.to_string()).unwrap_or_default());
        put("csi_max", &hi.map(|n| n.to_string()).unwrap_or_default());
        put(
            "verified",
            if self.verified.is_empty() {
                "all"
            } else {
                &self.verified
            },
        );
        put("q", &self.words);
        Ok(out)
    }
}

/// The query of what a page shows, in the one place the console turns its filter state
/// into a query: the shared filters (survey, the period's first and last day, the dealer
/// unless all) and, for the response list, the list's own ([`ListFilters::pairs`]).
/// The page's reads and its exports both take exactly these pairs, so a download holds
/// the rows the page counts. `None` while the period or a list filter is invalid.
pub fn page_query(
    survey: &str,
    dealer: &str,
    range: Option<&(String, String)>,
    list: Option<(&ListFilters, &'static str)>,
) -> Option<Vec<(&'static str, String)>> {
    let (from, to) = range?;
    let mut pairs = vec![
        ("survey", survey.to_string()),
        ("from", from.clone()),
        ("to", to.clone()),
    ];
    if !dealer.is_empty() {
        pairs.push(("dealer", dealer.to_string()));
    }
    if let Some((filters, person)) = list {
        pairs.extend(filters.pairs(person).ok()?);
    }
    Some(pairs)
}

/// The two files an export comes as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Csv,
    Xlsx,
}

impl ExportKind {
    /// The collector's address of this export of `pairs`, labels in `lang`.
    pub fn url(
        self,
        pairs: &[(&'static str, String)],
        lang: Lang,
        encode: impl Fn(&[(&str, String)]) -> String,
    ) -> String {
        let mut all: Vec<(&str, String)> = pairs.to_vec();
        all.push(("lang", lang.tag().to_string()));
        let path = match self {
            ExportKind::Csv => "/v1/responses.csv",
            ExportKind::Xlsx => "/v1/responses.xlsx",
        };
        format!("{path}?{}", encode(&all))
    }

    /// The saved file's name: the survey, dealer and period it holds, so two downloads
    /// of different filters do not overwrite each other as `responses.csv`.
    pub fn file_name(self, pairs: &[(&'static str, String)]) -> String {
        let get = |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        let mut parts = vec!["responses"];
        parts.extend(
            ["survey", "dealer", "advisor", "agent", "from", "to"]
                .iter()
                .filter_map(|k| get(k)),
        );
        let safe: String = parts
            .join("_")
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!(
            "{safe}.{}",
            match self {
                ExportKind::Csv => "csv",
                ExportKind::Xlsx => "xlsx",
            }
        )
    }
}

/// `GET /v1/responses`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Page {
    pub items: Vec<Item>,
    pub next: Option<String>,
}

/// One stored response as the list returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Item {
    pub id: String,
    pub received_at: String,
    pub payload: Payload,
    /// The server's score card (`None` for a survey it does not know).
    pub score: Option<Card>,
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Payload {
    pub survey: SurveyRef,
    pub created_at: String,
    #[serde(default)]
    pub context: BTreeMap<String, String>,
    pub answers: Answers,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SurveyRef {
    pub id: String,
    pub version: u32,
}

impl Item {
    pub fn context(&self, key: &str) -> Option<&str> {
        self.payload.context.get(key).map(String::as_str)
    }

    /// Every text answer (comments), in answer-key order, joined.
    pub fn comment(&self) -> String {
        survey_core::answers::comments(&self.payload.answers)
    }

    pub fn csi(&self) -> Option<f64> {
        self.score.as_ref().and_then(|s| s.csi)
    }

    pub fn nps(&self) -> Option<u8> {
        self.score
            .as_ref()
            .and_then(|s| s.nps.as_ref().map(|n| n.value))
    }

    pub fn alert_rules(&self) -> Vec<AlertRule> {
        let mut rules: Vec<_> = self
            .score
            .as_ref()
            .map(|s| s.alerts.iter().map(|a| a.rule).collect())
            .unwrap_or_default();
        rules.dedup();
        rules
    }
}

/// The first `max` characters of `text`, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// What the console reads of core's score card (serde skips the rest). Core's own
/// `ScoreCard` and `Definition` would do, but their parsers and checks doubled the
/// console's download (+111 KB gzip, measured): the console only reads them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Card {
    pub csi: Option<f64>,
    pub nps: Option<CardNps>,
    pub fcr: Option<CardFcr>,
    #[serde(default)]
    pub dimensions: Vec<CardDimension>,
    #[serde(default)]
    pub items: Vec<CardItem>,
    #[serde(default)]
    pub alerts: Vec<CardAlert>,
    pub follow_up_due: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CardNps {
    pub value: u8,
    pub category: NpsCategory,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CardFcr {
    pub resolved: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CardDimension {
    pub dimension: Dimension,
    pub mean: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CardItem {
    pub question: String,
    pub kind: ItemKind,
    pub rescaled: Option<f64>,
    /// A SERVQUAL dimension or a metric role (process, FCR, …): an item that judges the
    /// service, not one that only describes the visit (a HEART-only "first use?").
    pub dimension: Option<Dimension>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CardAlert {
    pub rule: AlertRule,
    pub detail: String,
}

/// What the console reads of a questionnaire definition: its questions' ids, wording,
/// scales and options (core's JSON; serde skips the rest).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Questionnaire {
    pub default_locale: String,
    pub pages: Vec<QuestionPage>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QuestionPage {
    pub questions: Vec<Question>,
}

pub type Texts = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: Texts,
    pub input: QuestionInput,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct QuestionInput {
    #[serde(rename = "type")]
    pub kind: String,
    pub points: Option<u8>,
    #[serde(default)]
    pub options: Vec<ChoiceOption>,
    #[serde(default)]
    pub items: Vec<MatrixItem>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChoiceOption {
    pub value: String,
    pub label: Texts,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MatrixItem {
    pub id: String,
    pub text: Texts,
}

/// An answer key of a questionnaire: a question, or a matrix's item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target<'a> {
    pub id: &'a str,
    pub text: &'a Texts,
    pub question: &'a Question,
}

impl Questionnaire {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|p| p.questions.iter())
    }

    /// Every answer key, in questionnaire order (a matrix gives its items).
    pub fn targets(&self) -> Vec<Target<'_>> {
        let mut out = Vec::new();
        for q in self.questions() {
            if q.input.kind == "matrix" {
                out.extend(q.input.items.iter().map(|i| Target {
                    id: &i.id,
                    text: &i.text,
                    question: q,
                }));
            } else if q.input.kind != "hidden" {
                out.push(Target {
                    id: &q.id,
                    text: &q.text,
                    question: q,
                });
            }
        }
        out
    }

    /// A text in the page's language, else the questionnaire's own default.
    pub fn say(&self, texts: &Texts, l: Lang) -> String {
        texts
            .get(l.tag())
            .or_else(|| texts.get(&self.default_locale))
            .or_else(|| texts.values().next())
            .cloned()
            .unwrap_or_default()
    }

    /// The label of option `value` of question `question`.
    pub fn option_label(&self, question: &str, value: &str, l: Lang) -> Option<String> {
        self.questions()
            .find(|q| q.id == question)
            .and_then(|q| q.input.options.iter().find(|o| o.value == value))
            .map(|o| self.say(&o.label, l))
    }

    /// The wording of answer key `id` (a question or a matrix item).
    pub fn target_text(&self, id: &str, l: Lang) -> Option<String> {
        self.targets()
            .into_iter()
            .find(|t| t.id == id)
            .map(|t| self.say(t.text, l))
    }
}

impl Question {
    /// The top of its scale (rating, matrix: its points; NPS: 10).
    fn scale_max(&self) -> Option<u8> {
        match self.input.kind.as_str() {
            "nps" => Some(10),
            "rating" | "matrix" => self.input.points,
            _ => None,
        }
    }
}

/// A built-in questionnaire by id (`None` for a dealer's own: the response's detail
/// fetches that from `/v1/definitions/{id}/{version}`).
pub fn definition(survey: &str) -> Option<Questionnaire> {
    serde_json::from_str(survey_core::templates::json(survey)?).ok()
}

/// What an answer says, ready to be worded in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// A point of a scale: the point and the scale's top (`4 / 5`, `9 / 10`).
    Scale {
        value: u8,
        max: u8,
    },
    Yes,
    No,
    NotApplicable,
    Text(String),
    /// Chosen options, by their labels in the questionnaire.
    Chosen(Vec<String>),
    /// The contact-me answer: consent, and the means given (empty when the role may
    /// not see them: the collector removes them).
    Contact {
        consent: bool,
        phone: Option<String>,
        email: Option<String>,
    },
}

/// One answer with the question's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: String,
    pub label: String,
    pub shown: Shown,
}

/// The answers of a response, in the definition's order with its wording; answers the
/// definition does not know (another version, a dealer's own questionnaire) follow,
/// labelled by their ids.
pub fn lines(def: Option<&Questionnaire>, answers: &Answers, l: Lang) -> Vec<Line> {
    let mut out = Vec::new();
    let mut known = std::collections::BTreeSet::new();
    if let Some(def) = def {
        for target in def.targets() {
            let Some((id, answer)) = answers.iter().find(|(k, _)| k.as_str() == target.id) else {
                continue;
            };
            known.insert(id.as_str().to_string());
            out.push(Line {
                id: id.as_str().to_string(),
                label: def.say(target.text, l),
                shown: shown(Some((def, target.question)), answer, l),
            });
        }
    }
    for (id, answer) in answers {
        if !known.contains(id.as_str()) {
            out.push(Line {
                id: id.as_str().to_string(),
                label: id.as_str().to_string(),
                shown: shown(None, answer, l),
            });
        }
    }
    out
}

fn shown(question: Option<(&Questionnaire, &Question)>, answer: &Answer, l: Lang) -> Shown {
    let label = |value: &str| -> String {
        question
            .and_then(|(def, q)| {
                q.input
                    .options
                    .iter()
                    .find(|o| o.value == value)
                    .map(|o| def.say(&o.label, l))
            })
            .unwrap_or_else(|| value.to_string())
    };
    match answer {
        Answer::Scale(v) => Shown::Scale {
            value: *v,
            max: question.and_then(|(_, q)| q.scale_max()).unwrap_or(*v),
        },
        Answer::YesNo(true) => Shown::Yes,
        Answer::YesNo(false) => Shown::No,
        Answer::NotApplicable => Shown::NotApplicable,
        Answer::Text(t) => Shown::Text(t.clone()),
        Answer::Choice(c) => Shown::Chosen(vec![label(c)]),
        Answer::Choices(cs) => Shown::Chosen(cs.iter().map(|c| label(c)).collect()),
        Answer::Contact(c) => Shown::Contact {
            consent: c.consent,
            phone: c.phone.clone().filter(|p| !p.is_empty()),
            email: c.email.clone().filter(|e| !e.is_empty()),
        },
    }
}

/// Whether a contact block has anything to show: the phone or the e-mail. An advisor's
/// copy has neither (the collector removes them), so no empty block is drawn for them.
pub fn has_contact_details(shown: &Shown) -> bool {
    matches!(shown, Shown::Contact { phone, email, .. } if phone.is_some() || email.is_some())
}

/// A stored UTC time (`2026-11-30T15:30:00Z`) as `YYYY-MM-DD HH:MM` at `offset_minutes`
/// east of UTC (the browser's, which for the dealers is their zone); the text as it is
/// when it is not such a time.
pub fn local_time(utc: &str, offset_minutes: i64) -> String {
    let parsed = (|| {
        let b = utc.get(..16)?;
        let num = |r: std::ops::Range<usize>| b.get(r)?.parse::<i64>().ok();
        let (y, mo, d, h, mi) = (
            num(0..4)?,
            u32::try_from(num(5..7)?).ok()?,
            u32::try_from(num(8..10)?).ok()?,
            num(11..13)?,
            num(14..16)?,
        );
        let days = days_from_civil(y, mo, d);
        let total = days * 1440 + h * 60 + mi + offset_minutes;
        let (day, minute) = (total.div_euclid(1440), total.rem_euclid(1440));
        let (y, m, d) = civil_from_days(day);
        Some(format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}",
            minute / 60,
            minute % 60
        ))
    })();
    parsed.unwrap_or_else(|| utc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_pairs_and_bad_bounds_are_refused() {
        let f = ListFilters {
            advisor: " A07 ".into(),
            alerts: "yes".into(),
            csi_min: "60".into(),
            csi_max: "".into(),
            verified: "".into(),
            words: "等待".into(),
            station: "LOUNGE-1".into(),
        };
        assert_eq!(
            f.pairs("advisor"),
            Ok(vec![
                ("advisor", "A07".to_string()),
                ("station", "LOUNGE-1".to_string()),
                ("alerts", "yes".to_string()),
                ("csi_min", "60".to_string()),
                ("verified", "all".to_string()),
                ("q", "等待".to_string()),
            ])
        );
        let bad = |min: &str, max: &str| {
            ListFilters {
                csi_min: min.into(),
                csi_max: max.into(),
                ..ListFilters::default()
            }
            .pairs("agent")
            .err()
        };
        assert_eq!(bad("101", ""), Some(FilterError::BadCsi));
        assert_eq!(bad("", "7.5"), Some(FilterError::BadCsi));
        assert_eq!(bad("-1", ""), Some(FilterError::BadCsi));
        assert_eq!(bad("80", "60"), Some(FilterError::CsiReversed));
        assert_eq!(bad("60", "60"), None);
    }

    #[test]
    fn a_page_and_its_exports_ask_for_the_same_rows() {
        let f = ListFilters {
            advisor: "A07".into(),
            alerts: "yes".into(),
            ..ListFilters::default()
        };
        let range = ("2026-11-01".to_string(), "2026-11-30".to_string());
        let q =
            page_query("post-service", "D001", Some(&range), Some((&f, "advisor"))).expect("valid");
        assert_eq!(
            q,
            vec![
                ("survey", "post-service".to_string()),
                ("from", "2026-11-01".to_string()),
                ("to", "2026-11-30".to_string()),
                ("dealer", "D001".to_string()),
                ("advisor", "A07".to_string()),
                ("alerts", "yes".to_string()),
                ("verified", "all".to_string()),
            ]
        );
        // All dealers: no dealer pair; the advisors table: no list filters, so the
        // collector's default (verified only) applies to the table and its export alike.
        let table = page_query("post-call", "", Some(&range), None).expect("valid");
        assert_eq!(table.len(), 3);
        assert_eq!(page_query("post-service", "", None, None), None);
        let bad = ListFilters {
            csi_min: "x".into(),
            ..ListFilters::default()
        };
        assert_eq!(
            page_query("post-service", "", Some(&range), Some((&bad, "advisor"))),
            None
        );
        let plain = |p: &[(&str, String)]| {
            p.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        };
        assert_eq!(
            ExportKind::Csv.url(&table, Lang::En, plain),
            "/v1/responses.csv?survey=post-call&from=2026-11-01&to=2026-11-30&lang=en"
        );
        assert!(ExportKind::Xlsx
            .url(&q, Lang::ZhCn, plain)
            .starts_with("/v1/responses.xlsx?survey=post-service&"));
        assert_eq!(
            ExportKind::Xlsx.file_name(&q),
            "responses_post-service_D001_A07_2026-11-01_2026-11-30.xlsx"
        );
        let odd = vec![
            ("survey", "a/b".to_string()),
            ("advisor", "王 五".to_string()),
        ];
        assert_eq!(ExportKind::Csv.file_name(&odd), "responses_a-b_王-五.csv");
    }

    fn answers(json: &str) -> Answers {
        serde_json::from_str(json).expect("answers")
    }

    #[test]
    fn answers_read_in_the_questionnaires_wording_and_order() {
        let def = definition("post-service").expect("built in");
        let a = answers(
            r#"{"comment":{"text":"太慢了"},"nps":{"scale":3},"p_appointment":"not_applicable",
                "p_on_time":{"yes_no":false},"what_went_wrong":{"choices":["waiting"]},
                "contact_me":{"contact":{"consent":true,"phone":"13800138000"}},"zz_extra":{"scale":2}}"#,
        );
        let zh = lines(Some(&def), &a, Lang::ZhCn);
        let ids: Vec<&str> = zh.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "p_appointment",
                "p_on_time",
                "nps",
                "what_went_wrong",
                "contact_me",
                "comment",
                "zz_extra"
            ]
        );
        let nps = &zh[2];
        assert!(nps.label.contains("推荐"), "{}", nps.label);
        assert_eq!(nps.shown, Shown::Scale { value: 3, max: 10 });
        assert_eq!(zh[0].shown, Shown::NotApplicable);
        assert_eq!(zh[1].shown, Shown::No);
        assert_eq!(
            zh[3].shown,
            Shown::Chosen(vec!["等待太久或未按时交车".into()])
        );
        assert!(has_contact_details(&zh[4].shown));
        assert_eq!(zh[5].shown, Shown::Text("太慢了".into()));
        assert_eq!(zh[6].label, "zz_extra");
        let en = lines(Some(&def), &a, Lang::En);
        assert!(en[2].label.contains("recommend"), "{}", en[2].label);
        assert_eq!(
            en[3].shown,
            Shown::Chosen(vec!["Long wait, or the car was late".into()])
        );
        // An advisor's copy: consent kept, phone removed by the collector.
        let redacted = answers(r#"{"contact_me":{"contact":{"consent":true}}}"#);
        let l = lines(Some(&def), &redacted, Lang::En);
        assert!(!has_contact_details(&l[0].shown));
    }

    #[test]
    fn times_are_local_and_excerpts_cut() {
        assert_eq!(local_time("2026-11-30T15:30:00Z", 480), "2026-11-30 23:30");
        assert_eq!(
            local_time("2026-11-30T16:30:00.5Z", 480),
            "2026-12-01 00:30"
        );
        assert_eq!(local_time("2026-01-01T00:10:00Z", -60), "2025-12-31 23:10");
        assert_eq!(local_time("2024-02-28T20:00:00Z", 480), "2024-02-29 04:00");
        assert_eq!(local_time("soon", 0), "soon");
        assert_eq!(excerpt("等待太久了", 3), "等待太…");
        assert_eq!(excerpt("ok", 3), "ok");
    }
}
