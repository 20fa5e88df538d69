//! Where responses go and in what shape: the endpoint's URL, extra headers, the
//! request timeout, and the body — the documented `survey-response/1` document, or
//! flat fields for a CRM webhook that wants one level of `"Name": value`.
//!
//! Everything here is read from a dealer's configuration (the script tag's `data-*`
//! attributes or `SurveyWidget.mount` options), so every error names the attribute
//! and says what to write instead.

use crate::answers::Answer;
use crate::delivery::NewEntry;
use crate::ids::QuestionId;
use crate::payload::ResponsePayload;
use crate::questionnaire::Definition;
use serde_json::{Map, Value};
use std::fmt;

/// A request that has not answered by then is abandoned and retried later.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
/// The accepted range of `data-timeout-seconds`.
pub const TIMEOUT_SECONDS: std::ops::RangeInclusive<u32> = 1..=120;
/// More extra headers than this is a misuse.
pub const MAX_HEADERS: usize = 8;

/// Headers the widget sets itself, or that a browser refuses, or that carry
/// credentials: none of them may come from configuration. Anything in a web page is
/// public, so the widget holds no secrets.
const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "cookie2",
    "set-cookie",
    "content-type",
    "content-length",
    "idempotency-key",
    "host",
    "origin",
    "referer",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "via",
    "expect",
    "date",
];

/// The configured endpoint, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    /// Extra request headers (a public routing key, never a secret).
    pub headers: Vec<(String, String)>,
    pub timeout_ms: u32,
    pub body: BodyFormat,
}

/// The shape of the body posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyFormat {
    /// The documented, versioned `survey-response/1` JSON (docs/response-format.md).
    Response,
    /// One flat JSON object. `None`: every value under its source path as the key
    /// (`"answers.s_overall": 5`); `Some`: the dealer's own field names.
    Flat(Option<FieldMap>),
}

/// Output field name → where its value comes from (sent in name order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMap(pub Vec<(String, Source)>);

/// A value of a response that a flat field can carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Id,
    CreatedAt,
    SurveyId,
    SurveyVersion,
    Locale,
    Mode,
    WidgetVersion,
    /// A visit parameter: `dealer`, `repair_order`, `advisor`, `visit_date`, `token`.
    Context(String),
    /// An answer; for a contact answer, `part` picks `consent`, `phone` or `email`.
    Answer {
        question: QuestionId,
        part: Option<ContactPart>,
    },
    Score(ScoreField),
}

/// The part of a contact answer a field carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactPart {
    Consent,
    Phone,
    Email,
}

/// The scores a flat field can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreField {
    Csi,
    Nps,
    NpsCategory,
    Csat,
    CsatTopBox,
    Ces,
    Fcr,
    ProcessCompliance,
    /// How many follow-up alerts the response raised.
    Alerts,
    /// The rules the alerts came from, comma-separated.
    AlertRules,
    FollowUpDue,
}

const SCORE_FIELDS: &[(&str, ScoreField)] = &[
    ("csi", ScoreField::Csi),
    ("nps", ScoreField::Nps),
    ("nps.category", ScoreField::NpsCategory),
    ("csat", ScoreField::Csat),
    ("csat.top_box", ScoreField::CsatTopBox),
    ("ces", ScoreField::Ces),
    ("fcr", ScoreField::Fcr),
    ("process.compliance", ScoreField::ProcessCompliance),
    ("alerts", ScoreField::Alerts),
    ("alerts.rules", ScoreField::AlertRules),
    ("follow_up_due", ScoreField::FollowUpDue),
];

const FIXED_SOURCES: &[(&str, Source)] = &[
    ("id", Source::Id),
    ("created_at", Source::CreatedAt),
    ("survey.id", Source::SurveyId),
    ("survey.version", Source::SurveyVersion),
    ("locale", Source::Locale),
    ("client.mode", Source::Mode),
    ("client.widget_version", Source::WidgetVersion),
];

/// A configuration problem with the endpoint, named by its attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointError {
    Missing,
    /// Not a usable URL at all (`javascript:`, spaces, protocol-relative…).
    BadUrl(String),
    /// Plain http to another machine, without `data-allow-http`.
    PlainHttp(String),
    /// `data-endpoint-headers` is not a JSON object of strings.
    HeadersNotObject(String),
    BadHeaderName(String),
    BadHeaderValue(String),
    ReservedHeader(String),
    TooManyHeaders(usize),
    Timeout(String),
    Payload(String),
    /// `data-payload-fields` given with the `survey-response/1` body, which has no fields to map.
    FieldsWithoutFlat,
    FieldsNotObject(String),
    BadFieldName(String),
    UnknownSource {
        field: String,
        source: String,
    },
    DuplicateField(String),
    /// The mapping leaves out the response id, so the receiver could not recognise a repeat.
    NoIdField,
    /// A field reads an answer to a question the questionnaire does not have.
    UnknownQuestion {
        field: String,
        question: String,
    },
    BadAllowHttp(String),
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use EndpointError as E;
        match self {
            E::Missing => write!(f, "data-endpoint: missing; give the URL responses are posted to"),
            E::BadUrl(u) => write!(
                f,
                "data-endpoint: {u:?} is not usable; give a path like /v1/responses or an https:// URL"
            ),
            E::PlainHttp(u) => write!(
                f,
                "data-endpoint: {u:?} would send answers unencrypted; use https://, or add \
                 data-allow-http=\"true\" for a test server on your own network"
            ),
            E::HeadersNotObject(e) => write!(
                f,
                "data-endpoint-headers: expected a JSON object of names to texts, like \
                 {{\"X-Dealer-Route\":\"north-7\"}} ({e})"
            ),
            E::BadHeaderName(n) => write!(f, "data-endpoint-headers: {n:?} is not a header name"),
            E::BadHeaderValue(n) => write!(
                f,
                "data-endpoint-headers: the value of {n:?} must be printable text on one line, at most 256 characters"
            ),
            E::ReservedHeader(n) => write!(
                f,
                "data-endpoint-headers: {n:?} cannot be configured (the widget sets it, the browser forbids it, \
                 or it carries credentials; everything in a web page is public, so give only a public routing key)"
            ),
            E::TooManyHeaders(n) => write!(
                f,
                "data-endpoint-headers: {n} headers; at most {MAX_HEADERS}"
            ),
            E::Timeout(t) => write!(
                f,
                "data-timeout-seconds: expected a whole number from {} to {}, found {t:?}",
                TIMEOUT_SECONDS.start(),
                TIMEOUT_SECONDS.end()
            ),
            E::Payload(p) => write!(
                f,
                "data-payload: expected \"survey-response/1\" (the default) or \"flat\", found {p:?}"
            ),
            E::FieldsWithoutFlat => write!(
                f,
                "data-payload-fields: only used with data-payload=\"flat\"; add it, or remove the fields"
            ),
            E::FieldsNotObject(e) => write!(
                f,
                "data-payload-fields: expected a JSON object of field names to sources, like \
                 {{\"ResponseId\":\"id\",\"NPS\":\"score.nps\"}} ({e})"
            ),
            E::BadFieldName(n) => write!(
                f,
                "data-payload-fields: {n:?} is not a usable field name (1 to 64 printable characters)"
            ),
            E::UnknownSource { field, source } => write!(
                f,
                "data-payload-fields: {field:?} reads {source:?}, which is not a value of a response; use one of \
                 {}, context.<key>, answers.<question id>[.consent|.phone|.email], score.<{}>",
                FIXED_SOURCES.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", "),
                SCORE_FIELDS.iter().map(|(p, _)| *p).collect::<Vec<_>>().join("|")
            ),
            E::DuplicateField(n) => write!(f, "data-payload-fields: {n:?} is given twice"),
            E::NoIdField => write!(
                f,
                "data-payload-fields: no field carries the response id; add one like \"ResponseId\":\"id\" \
                 so the receiver can recognise a response sent twice"
            ),
            E::UnknownQuestion { field, question } => write!(
                f,
                "data-payload-fields: {field:?} reads answers.{question}, but the questionnaire has no question {question:?}"
            ),
            E::BadAllowHttp(v) => write!(
                f,
                "data-allow-http: expected \"true\" or \"false\", found {v:?}"
            ),
        }
    }
}

impl std::error::Error for EndpointError {}

/// The endpoint settings as given, before checking (attribute texts; the mount
/// options arrive here as JSON texts too).
#[derive(Debug, Clone, Copy, Default)]
pub struct EndpointSpec<'a> {
    pub url: Option<&'a str>,
    pub headers: Option<&'a str>,
    pub timeout_seconds: Option<&'a str>,
    pub payload: Option<&'a str>,
    pub fields: Option<&'a str>,
    pub allow_http: Option<&'a str>,
}

impl Endpoint {
    /// Checks a dealer's settings. Question ids in a field map are checked later,
    /// against the loaded questionnaire ([`Endpoint::check_against`]).
    pub fn parse(spec: EndpointSpec<'_>) -> Result<Self, EndpointError> {
        let allow_http = match spec.allow_http {
            None | Some("false") => false,
            Some("true") | Some("") => true,
            Some(other) => return Err(EndpointError::BadAllowHttp(other.into())),
        };
        let url = spec.url.ok_or(EndpointError::Missing)?;
        match url_kind(url) {
            UrlKind::Unusable => return Err(EndpointError::BadUrl(url.into())),
            UrlKind::RemoteHttp if !allow_http => return Err(EndpointError::PlainHttp(url.into())),
            _ => {}
        }
        let headers = match spec.headers {
            Some(json) => parse_headers(json)?,
            None => Vec::new(),
        };
        let timeout_ms = match spec.timeout_seconds {
            None => DEFAULT_TIMEOUT_MS,
            Some(t) => match t.parse::<u32>() {
                Ok(s) if TIMEOUT_SECONDS.contains(&s) => s * 1000,
                _ => return Err(EndpointError::Timeout(t.into())),
            },
        };
        let body = match (spec.payload, spec.fields) {
            (None | Some("survey-response/1"), None) => BodyFormat::Response,
            (None | Some("survey-response/1"), Some(_)) => {
                return Err(EndpointError::FieldsWithoutFlat)
            }
            (Some("flat"), None) => BodyFormat::Flat(None),
            (Some("flat"), Some(json)) => BodyFormat::Flat(Some(FieldMap::parse(json)?)),
            (Some(other), _) => return Err(EndpointError::Payload(other.into())),
        };
        Ok(Self {
            url: url.to_string(),
            headers,
            timeout_ms,
            body,
        })
    }

    /// Checks what needs the questionnaire: every answer a field reads must exist.
    pub fn check_against(&self, def: &Definition) -> Result<(), EndpointError> {
        let BodyFormat::Flat(Some(map)) = &self.body else {
            return Ok(());
        };
        for (field, source) in &map.0 {
            if let Source::Answer { question, .. } = source {
                if def.answer_target(question).is_none() {
                    return Err(EndpointError::UnknownQuestion {
                        field: field.clone(),
                        question: question.as_str().to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// What is stored and sent for `payload`: the body in this endpoint's shape, its
    /// headers, and its timeout (`None` for the default, so entries stay as before).
    pub fn entry(&self, payload: &ResponsePayload) -> NewEntry {
        NewEntry {
            id: payload.id.clone(),
            endpoint: self.url.clone(),
            body: self.body(payload),
            headers: self.headers.clone(),
            timeout_ms: (self.timeout_ms != DEFAULT_TIMEOUT_MS).then_some(self.timeout_ms),
        }
    }

    /// The body to post for `payload`, as JSON text.
    pub fn body(&self, payload: &ResponsePayload) -> String {
        match &self.body {
            BodyFormat::Response => serde_json::to_string(payload).unwrap_or_default(),
            BodyFormat::Flat(map) => {
                let object = match map {
                    Some(map) => map.render(payload),
                    None => flatten_all(payload),
                };
                Value::Object(object).to_string()
            }
        }
    }
}

/// What a URL is, for deciding whether answers may go there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// A path on the page's own origin (absolute or relative).
    SameOrigin,
    Https,
    /// Plain http to this machine (the demo collector).
    LocalHttp,
    /// Plain http to another machine: only with an explicit opt-in.
    RemoteHttp,
    /// Anything else (`javascript:`, `data:`, `//host`, spaces, quotes).
    Unusable,
}

/// Classifies a configured URL.
pub fn url_kind(url: &str) -> UrlKind {
    let dirty = url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'));
    if dirty || url.is_empty() || url.starts_with("//") {
        return UrlKind::Unusable;
    }
    if !url.split('/').next().unwrap_or_default().contains(':') {
        return UrlKind::SameOrigin;
    }
    let lower = url.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        return if rest.is_empty() {
            UrlKind::Unusable
        } else {
            UrlKind::Https
        };
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return UrlKind::Unusable;
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..host_end];
    if authority.is_empty() || authority.contains('@') {
        return UrlKind::Unusable;
    }
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default().to_string()
    };
    if matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
        UrlKind::LocalHttp
    } else {
        UrlKind::RemoteHttp
    }
}

fn parse_headers(json: &str) -> Result<Vec<(String, String)>, EndpointError> {
    let object = match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Err(EndpointError::HeadersNotObject("not an object".into())),
        Err(e) => return Err(EndpointError::HeadersNotObject(e.to_string())),
    };
    if object.len() > MAX_HEADERS {
        return Err(EndpointError::TooManyHeaders(object.len()));
    }
    let mut headers = Vec::new();
    for (name, value) in object {
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            return Err(EndpointError::BadHeaderName(name));
        }
        let lower = name.to_ascii_lowercase();
        if RESERVED_HEADERS.contains(&lower.as_str())
            || lower.starts_with("sec-")
            || lower.starts_with("proxy-")
            || lower.starts_with("access-control-")
        {
            return Err(EndpointError::ReservedHeader(name));
        }
        let Value::String(value) = value else {
            return Err(EndpointError::BadHeaderValue(name));
        };
        if value.chars().count() > 256 || value.chars().any(|c| c.is_control()) {
            return Err(EndpointError::BadHeaderValue(name));
        }
        headers.push((name, value));
    }
    Ok(headers)
}

impl FieldMap {
    /// Reads `{"Field name": "source path", …}`.
    pub fn parse(json: &str) -> Result<Self, EndpointError> {
        let object = match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Err(EndpointError::FieldsNotObject("not an object".into())),
            Err(e) => return Err(EndpointError::FieldsNotObject(e.to_string())),
        };
        let mut fields: Vec<(String, Source)> = Vec::new();
        for (field, source) in object {
            if field.is_empty() || field.chars().count() > 64 || field.chars().any(char::is_control)
            {
                return Err(EndpointError::BadFieldName(field));
            }
            if fields.iter().any(|(f, _)| *f == field) {
                return Err(EndpointError::DuplicateField(field));
            }
            let Value::String(path) = source else {
                return Err(EndpointError::UnknownSource {
                    field,
                    source: source.to_string(),
                });
            };
            let Some(source) = Source::parse(&path) else {
                return Err(EndpointError::UnknownSource {
                    field,
                    source: path,
                });
            };
            fields.push((field, source));
        }
        if !fields.iter().any(|(_, s)| *s == Source::Id) {
            return Err(EndpointError::NoIdField);
        }
        Ok(Self(fields))
    }

    /// One flat object: each field with its value, `null` where the response has none.
    pub fn render(&self, payload: &ResponsePayload) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(field, source)| (field.clone(), source.value(payload)))
            .collect()
    }
}

impl Source {
    /// Reads a source path: `id`, `context.dealer`, `answers.s_overall`, `score.nps`…
    pub fn parse(path: &str) -> Option<Self> {
        if let Some((_, s)) = FIXED_SOURCES.iter().find(|(p, _)| *p == path) {
            return Some(s.clone());
        }
        if let Some(key) = path.strip_prefix("context.") {
            return crate::ids::is_valid_id(key).then(|| Source::Context(key.to_string()));
        }
        if let Some(rest) = path.strip_prefix("answers.") {
            let (id, part) = match rest.rsplit_once('.') {
                Some((id, "consent")) => (id, Some(ContactPart::Consent)),
                Some((id, "phone")) => (id, Some(ContactPart::Phone)),
                Some((id, "email")) => (id, Some(ContactPart::Email)),
                _ => (rest, None),
            };
            return crate::ids::is_valid_id(id).then(|| Source::Answer {
                question: QuestionId(id.to_string()),
                part,
            });
        }
        let score = path.strip_prefix("score.")?;
        SCORE_FIELDS
            .iter()
            .find(|(p, _)| *p == score)
            .map(|(_, f)| Source::Score(*f))
    }

    /// This source's value in `payload`: a number, text, true/false, or `null`.
    pub fn value(&self, payload: &ResponsePayload) -> Value {
        match self {
            Source::Id => payload.id.as_str().into(),
            Source::CreatedAt => payload.created_at.clone().into(),
            Source::SurveyId => payload.survey.id.as_str().into(),
            Source::SurveyVersion => payload.survey.version.into(),
            Source::Locale => payload.locale.as_str().into(),
            Source::Mode => mode_name(payload).into(),
            Source::WidgetVersion => payload.client.widget_version.clone().into(),
            Source::Context(key) => payload
                .context
                .get(key)
                .map_or(Value::Null, |v| v.clone().into()),
            Source::Answer { question, part } => payload
                .answers
                .get(question)
                .map_or(Value::Null, |a| answer_value(a, *part)),
            Source::Score(field) => score_value(payload, *field),
        }
    }
}

fn mode_name(payload: &ResponsePayload) -> &'static str {
    match payload.client.mode {
        crate::payload::Mode::Page => "page",
        crate::payload::Mode::Embed => "embed",
        crate::payload::Mode::Kiosk => "kiosk",
        crate::payload::Mode::Interview => "interview",
    }
}

fn answer_value(answer: &Answer, part: Option<ContactPart>) -> Value {
    match (answer, part) {
        (Answer::Contact(c), Some(ContactPart::Phone)) => {
            c.phone.clone().map_or(Value::Null, Value::from)
        }
        (Answer::Contact(c), Some(ContactPart::Email)) => {
            c.email.clone().map_or(Value::Null, Value::from)
        }
        (Answer::Contact(c), _) => c.consent.into(),
        (_, Some(_)) => Value::Null,
        (Answer::Scale(n), None) => (*n).into(),
        (Answer::YesNo(b), None) => (*b).into(),
        (Answer::NotApplicable, None) => "not_applicable".into(),
        (Answer::Text(t) | Answer::Choice(t), None) => t.clone().into(),
        (Answer::Choices(c), None) => c.join(",").into(),
    }
}

fn number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn score_value(payload: &ResponsePayload, field: ScoreField) -> Value {
    let Some(card) = &payload.score else {
        return Value::Null;
    };
    match field {
        ScoreField::Csi => card.csi.map_or(Value::Null, number),
        ScoreField::Nps => card.nps.as_ref().map_or(Value::Null, |n| n.value.into()),
        ScoreField::NpsCategory => card.nps.as_ref().map_or(Value::Null, |n| {
            serde_json::to_value(n.category).unwrap_or(Value::Null)
        }),
        ScoreField::Csat => card.csat.as_ref().map_or(Value::Null, |c| c.value.into()),
        ScoreField::CsatTopBox => card.csat.as_ref().map_or(Value::Null, |c| c.top_box.into()),
        ScoreField::Ces => card.ces.as_ref().map_or(Value::Null, |c| c.value.into()),
        ScoreField::Fcr => card.fcr.as_ref().map_or(Value::Null, |f| f.resolved.into()),
        ScoreField::ProcessCompliance => card.process.compliance.map_or(Value::Null, number),
        ScoreField::Alerts => card.alerts.len().into(),
        ScoreField::AlertRules => card
            .alerts
            .iter()
            .filter_map(|a| serde_json::to_value(a.rule).ok())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect::<Vec<_>>()
            .join(",")
            .into(),
        ScoreField::FollowUpDue => card.follow_up_due.clone().map_or(Value::Null, Value::from),
    }
}

/// The default flat body: every value the response has, keyed by its source path.
fn flatten_all(payload: &ResponsePayload) -> Map<String, Value> {
    let mut sources: Vec<(String, Source)> = FIXED_SOURCES
        .iter()
        .map(|(p, s)| (p.to_string(), s.clone()))
        .collect();
    for key in payload.context.keys() {
        sources.push((format!("context.{key}"), Source::Context(key.clone())));
    }
    for (id, answer) in &payload.answers {
        let parts: &[(Option<ContactPart>, &str)] = match answer {
            Answer::Contact(_) => &[
                (Some(ContactPart::Consent), ".consent"),
                (Some(ContactPart::Phone), ".phone"),
                (Some(ContactPart::Email), ".email"),
            ],
            _ => &[(None, "")],
        };
        for (part, suffix) in parts {
            sources.push((
                format!("answers.{}{suffix}", id.as_str()),
                Source::Answer {
                    question: id.clone(),
                    part: *part,
                },
            ));
        }
    }
    if payload.score.is_some() {
        for (p, f) in SCORE_FIELDS {
            sources.push((format!("score.{p}"), Source::Score(*f)));
        }
    }
    FieldMap(sources).render(payload)
}
