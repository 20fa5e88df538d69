//! Writes deterministic pseudo-random responses with their Rust score cards and summaries,
//! for the independent Python cross-check (`tests/crosscheck/crosscheck.py`).
//!
//! ```sh
//! cargo run -p survey-core --example score_fixtures -- target/crosscheck/fixtures.json
//! python3 tests/crosscheck/crosscheck.py target/crosscheck/fixtures.json
//! ```
//!
//! Arguments: the output path (`-` for stdout), then optionally the number of responses
//! per definition (default 400) and the seed (default 20_260_101). A seeded LCG, not the
//! `rand` crate: the same arguments always give the same file.

use serde_json::{json, Value};
use std::process::ExitCode;
use survey_core::answers::ContactAnswer;
use survey_core::questionnaire::Input;
use survey_core::scoring::{
    aggregate, score_at, AlertRules, DimensionWeights, LowScore, ScoringConfig, Z_95,
};
use survey_core::{templates, Answer, Answers, Definition, QuestionId};

/// Knuth's MMIX LCG; the high bits are the random ones.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: u32) -> u32 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

fn text(s: &str) -> Value {
    json!({ "en": s })
}

/// A definition using every scored input: matrix rows with weights, CSAT, CES, FCR, a
/// 10-point overall item, process items with N/A, the fixed-first-time question, contact.
fn fixture_definition() -> Result<Definition, String> {
    let rating = |id: &str, points: u8, allow_na: bool, scoring: Value| {
        json!({ "id": id, "text": text(id),
            "input": { "type": "rating", "points": points, "low": text("low"), "high": text("high"), "allow_na": allow_na },
            "scoring": scoring })
    };
    let yes_no = |id: &str, allow_na: bool, scoring: Value| json!({ "id": id, "text": text(id), "input": { "type": "yes_no", "allow_na": allow_na }, "scoring": scoring });
    let item = |id: &str, scoring: Value| json!({ "id": id, "text": text(id), "scoring": scoring });
    let v = json!({
        "format": "survey-definition/1", "id": "fixture", "version": 2,
        "default_locale": "en", "locales": ["en"], "title": text("fixture"),
        "pages": [
            { "id": "process", "questions": [
                yes_no("p_appointment", false, json!({ "role": "process", "heart": "task_success" })),
                yes_no("p_lounge_food", true, json!({ "role": "process" })),
                yes_no("p_fixed_first_time", true, json!({ "role": "process", "heart": "task_success" })),
                yes_no("fcr", true, json!({ "role": "fcr", "heart": "task_success" })),
                yes_no("first_visit", false, json!(null)),
                yes_no("t_car_clean", true, json!({ "dimension": "tangibles", "heart": "retention" })),
            ]},
            { "id": "ratings", "questions": [
                rating("r_quality", 5, false, json!({ "dimension": "reliability", "weight": 2.0 })),
                rating("r_on_time", 5, true, json!({ "dimension": "reliability" })),
                rating("r_price", 7, true, json!({ "dimension": "reliability", "weight": 0.5 })),
                rating("s_wait", 5, true, json!({ "dimension": "responsiveness" })),
                rating("a_explain", 10, false, json!({ "dimension": "assurance" })),
                { "id": "grid", "text": text("grid"),
                  "input": { "type": "matrix", "points": 7, "low": text("low"), "high": text("high"), "allow_na": true,
                    "items": [
                        item("m_lounge", json!({ "dimension": "tangibles" })),
                        item("m_clean", json!({ "dimension": "tangibles", "weight": 1.5, "heart": "retention" })),
                        item("m_advisor", json!({ "dimension": "empathy" })),
                        item("m_courtesy", json!({ "dimension": "assurance", "weight": 3.0 })),
                    ]}},
            ]},
            { "id": "overall", "questions": [
                rating("overall10", 10, false, json!({ "role": "overall", "heart": "happiness" })),
                rating("csat", 5, false, json!({ "role": "csat", "heart": "happiness" })),
                rating("ces", 7, true, json!({ "role": "ces", "heart": "adoption" })),
                { "id": "nps", "text": text("nps"), "input": { "type": "nps", "low": text("0"), "high": text("10") },
                  "scoring": { "role": "nps", "heart": "happiness" } },
                { "id": "comment", "text": text("comment"), "input": { "type": "text", "max_length": 500 },
                  "scoring": { "heart": "engagement" } },
                { "id": "call_me", "text": text("call me"), "input": { "type": "contact", "channels": ["phone", "email"] } },
            ]},
        ]
    });
    Definition::from_json(&v.to_string()).map_err(|e| format!("fixture definition: {e}"))
}

/// A config unlike the default in every field, so the cross-check reads it rather than
/// assuming the deck's values.
fn fixture_config() -> ScoringConfig {
    ScoringConfig {
        weights: DimensionWeights {
            reliability: 40.0,
            responsiveness: 25.0,
            assurance: 0.0,
            empathy: 20.0,
            tangibles: 15.0,
        },
        min_answered_share: 0.6,
        alerts: AlertRules {
            low_overall: Some(LowScore {
                at_most: 4,
                points: 10,
            }),
            nps_detractor: true,
            not_fixed_first_time: vec![QuestionId::new("p_fixed_first_time")],
            fcr_no: true,
            contact_requested: true,
            follow_up_hours: 36,
        },
    }
}

/// A point on 1..=points (or 0..=10), leaning towards the top as real answers do.
fn point(rng: &mut Lcg, min: u8, max: u8) -> u8 {
    let span = u32::from(max - min) + 1;
    let offset = if rng.chance(50) {
        span - 1 - rng.below(2.min(span))
    } else {
        rng.below(span)
    };
    min + u8::try_from(offset).unwrap_or(0)
}

fn respond(rng: &mut Lcg, def: &Definition) -> Answers {
    let mut a = Answers::new();
    let scale = |rng: &mut Lcg, id: &QuestionId, min: u8, max: u8, allow_na: bool| {
        let ans = if rng.chance(7) {
            None
        } else if allow_na && rng.chance(10) {
            Some(Answer::NotApplicable)
        } else {
            Some(Answer::Scale(point(rng, min, max)))
        };
        ans.map(|x| (id.clone(), x))
    };
    for q in def.questions() {
        let given = match &q.input {
            Input::Rating {
                points, allow_na, ..
            } => scale(rng, &q.id, 1, *points, *allow_na)
                .into_iter()
                .collect(),
            Input::Nps { .. } => scale(rng, &q.id, 0, 10, false).into_iter().collect(),
            Input::Matrix {
                points,
                allow_na,
                items,
                ..
            } => items
                .iter()
                .filter_map(|i| scale(rng, &i.id, 1, *points, *allow_na))
                .collect(),
            Input::YesNo { allow_na } => {
                let ans = if rng.chance(7) {
                    None
                } else if *allow_na && rng.chance(10) {
                    Some(Answer::NotApplicable)
                } else {
                    Some(Answer::YesNo(rng.chance(80)))
                };
                ans.map(|x| (q.id.clone(), x)).into_iter().collect()
            }
            Input::Contact { .. } => {
                let consent = rng.chance(25);
                let phone = rng.chance(60).then(|| "13800138000".to_string());
                let email = rng.chance(40).then(|| "kehu@example.cn".to_string());
                vec![(
                    q.id.clone(),
                    Answer::Contact(ContactAnswer {
                        consent,
                        phone,
                        email,
                    }),
                )]
            }
            Input::Text { .. } if rng.chance(30) => {
                vec![(q.id.clone(), Answer::Text("很好 good".into()))]
            }
            _ => Vec::new(),
        };
        a.extend(given);
    }
    a
}

/// A submission time, often near the end of a month or year and around leap days.
fn submitted_at(rng: &mut Lcg) -> String {
    let year = 2023 + rng.below(6) as i64; // 2023..=2028: leap years 2024, 2028
    let month = 1 + rng.below(12);
    let dim = survey_core::time::days_in_month(year, month);
    let day = if rng.chance(40) {
        dim - rng.below(3)
    } else {
        1 + rng.below(dim)
    };
    let fraction = match rng.below(3) {
        0 => String::new(),
        1 => format!(".{:03}", rng.below(1000)),
        _ => format!(".{:06}", rng.below(1_000_000)),
    };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{fraction}Z",
        rng.below(24),
        rng.below(60),
        rng.below(60)
    )
}

fn set(
    name: &str,
    def: &Definition,
    config: &ScoringConfig,
    n: u32,
    rng: &mut Lcg,
) -> Result<Value, String> {
    let mut responses = Vec::new();
    let mut cards = Vec::new();
    for _ in 0..n {
        let answers = respond(rng, def);
        let at = submitted_at(rng);
        let card = score_at(def, &answers, config, &at);
        responses.push(json!({ "submitted_at": at, "answers": answers, "card": card }));
        cards.push(card);
    }
    let summary = aggregate(&cards);
    Ok(json!({
        "name": name,
        "definition": def,
        "config": config,
        "responses": responses,
        "summary": summary,
    }))
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.first().cloned().unwrap_or_else(|| "-".into());
    let n: u32 = match args.get(1) {
        Some(s) => s.parse().map_err(|_| format!("not a count: {s:?}"))?,
        None => 400,
    };
    let seed: u64 = match args.get(2) {
        Some(s) => s.parse().map_err(|_| format!("not a seed: {s:?}"))?,
        None => 20_260_101,
    };
    let mut rng = Lcg(seed);
    let mut sets = Vec::new();
    for id in templates::BUILT_IN {
        let template = templates::load(id)
            .ok_or_else(|| format!("no template {id}"))?
            .map_err(|e| format!("{id} template: {e}"))?;
        sets.push(set(id, &template, &ScoringConfig::default(), n, &mut rng)?);
    }
    sets.push(set(
        "fixture",
        &fixture_definition()?,
        &fixture_config(),
        n,
        &mut rng,
    )?);
    let sets_len = sets.len();
    let doc = json!({ "seed": seed, "z": Z_95, "sets": sets });
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    if out == "-" {
        println!("{text}");
    } else {
        if let Some(dir) = std::path::Path::new(&out).parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(&out, text).map_err(|e| format!("{out}: {e}"))?;
        eprintln!(
            "wrote {n} responses for each of {} definitions to {out}",
            sets_len
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("score_fixtures: {e}");
            ExitCode::FAILURE
        }
    }
}
