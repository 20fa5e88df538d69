//! Scoring: the domain's test vectors, hand-computed CSI cases, each metric and alert
//! rule, the +48 h arithmetic, and property tests (ranges, order, N/A, monotonicity).

use serde_json::{json, Value};
use survey_core::answers::ContactAnswer;
use survey_core::questionnaire::{Dimension, Heart};
use survey_core::scoring::*;
use survey_core::time::{add_hours, days_from_civil, epoch_millis};
use survey_core::{templates, Answer, Answers, Definition, QuestionId};

// ---------------------------------------------------------------- definition builder

fn text(s: &str) -> Value {
    json!({ "en": s })
}

fn rating(id: &str, points: u8, scoring: Value) -> Value {
    json!({
        "id": id, "text": text(id),
        "input": { "type": "rating", "points": points, "low": text("low"), "high": text("high"), "allow_na": true },
        "scoring": scoring
    })
}

/// A 5-point rating in a dimension, weight 1.
fn dim(id: &str, d: &str) -> Value {
    rating(id, 5, json!({ "dimension": d }))
}

fn nps_q(id: &str) -> Value {
    json!({
        "id": id, "text": text(id),
        "input": { "type": "nps", "low": text("0"), "high": text("10") },
        "scoring": { "role": "nps", "heart": "happiness" }
    })
}

fn yes_no(id: &str, scoring: Value) -> Value {
    json!({
        "id": id, "text": text(id),
        "input": { "type": "yes_no", "allow_na": true },
        "scoring": scoring
    })
}

fn matrix(id: &str, points: u8, items: &[(&str, Value)]) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|(i, s)| json!({ "id": i, "text": text(i), "scoring": s }))
        .collect();
    json!({
        "id": id, "text": text(id),
        "input": { "type": "matrix", "points": points, "low": text("low"), "high": text("high"), "allow_na": true, "items": items }
    })
}

fn contact(id: &str) -> Value {
    json!({ "id": id, "text": text(id), "input": { "type": "contact", "channels": ["phone", "email"] } })
}

fn comment(id: &str) -> Value {
    json!({
        "id": id, "text": text(id),
        "input": { "type": "text", "max_length": 500 },
        "scoring": { "heart": "engagement" }
    })
}

/// One definition with the questions split over pages as given.
fn paged(pages: Vec<Vec<Value>>) -> Definition {
    let pages: Vec<Value> = pages
        .into_iter()
        .enumerate()
        .map(|(i, qs)| json!({ "id": format!("page{i}"), "questions": qs }))
        .collect();
    let v = json!({
        "format": "survey-definition/1", "id": "test", "version": 3,
        "default_locale": "en", "locales": ["en"], "title": text("test"),
        "pages": pages
    });
    match Definition::from_json(&v.to_string()) {
        Ok(d) => d,
        Err(e) => panic!("test definition refused: {e}"),
    }
}

fn def(questions: Vec<Value>) -> Definition {
    paged(vec![questions])
}

fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs
        .iter()
        .map(|(id, a)| (QuestionId::new(*id), a.clone()))
        .collect()
}

fn s(v: u8) -> Answer {
    Answer::Scale(v)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[track_caller]
fn assert_close(actual: Option<f64>, expected: f64) {
    match actual {
        Some(a) if close(a, expected) => {}
        other => panic!("expected {expected}, found {other:?}"),
    }
}

fn dim_mean(card: &ScoreCard, d: Dimension) -> Option<f64> {
    card.dimension(d).and_then(|x| x.mean)
}

// ------------------------------------------------------------------- test vectors

#[test]
fn nps_adjusted_wald_matches_the_domain_vector() {
    // 10 promoters, 6 passives, 4 detractors: NPS = 100 × (10 − 4)/20 = +30.
    // n' = 23, p' = 10.75/23, d' = 4.75/23, centre 100 × 6/23 = 26.087,
    // half-width 1.96 × √((15.5/23 − (6/23)²)/23) × 100 = 31.81 → −5.7..57.9.
    let i = nps_adjusted_wald(10, 6, 4, Z_95).expect("n > 0");
    assert!(close(i.nps, 30.0));
    assert_eq!(format!("{:.1}", i.adjusted), "26.1");
    assert_eq!(format!("{:.1}", i.low), "-5.7");
    assert_eq!(format!("{:.1}", i.high), "57.9");
    assert!(nps_adjusted_wald(0, 0, 0, Z_95).is_none());
}

#[test]
fn wilson_matches_the_domain_vector() {
    // CSAT 16/20: p = 0.8, z² = 3.8415; centre (0.8 + 0.0960)/1.1921 = 0.7517,
    // half 1.96 × √(0.008 + 0.0024)/1.1921 = 0.1677 → 0.584..0.919.
    let i = wilson(16, 20, Z_95).expect("n > 0");
    assert_eq!(format!("{:.3}", i.low), "0.584");
    assert_eq!(format!("{:.3}", i.high), "0.919");
    assert!(wilson(0, 0, Z_95).is_none());
    assert!(wilson(3, 2, Z_95).is_none());
    let all = wilson(5, 5, Z_95).expect("n > 0");
    assert!(all.high <= 1.0 && all.low > 0.0);
    let none = wilson(0, 5, Z_95).expect("n > 0");
    assert_eq!(none.low, 0.0);
}

#[test]
fn aggregate_reproduces_the_vectors_from_score_cards() {
    let d = def(vec![
        nps_q("nps"),
        rating("csat", 5, json!({ "role": "csat" })),
    ]);
    let config = ScoringConfig::default();
    let mut cards = Vec::new();
    // NPS: 10 promoters, 6 passives, 4 detractors; CSAT: 16 of 20 give 4 or 5.
    let nps_values = [
        [10, 9].repeat(5),
        [7, 8, 7, 8, 7, 8].to_vec(),
        vec![0, 6, 3, 5],
    ]
    .concat();
    let csat_values = [[5, 4].repeat(8), vec![3, 2, 1, 3]].concat();
    for (n, c) in nps_values.iter().zip(&csat_values) {
        let a = answers(&[("nps", s(*n)), ("csat", s(*c))]);
        cards.push(score(&d, &a, &config));
    }
    let sum = aggregate(&cards);
    assert_eq!(sum.n, 20);
    let nps = sum.nps.expect("answered");
    assert_eq!((nps.promoters, nps.passives, nps.detractors), (10, 6, 4));
    assert!(close(nps.nps, 30.0));
    assert_eq!(format!("{:.1}", nps.adjusted), "26.1");
    assert_eq!(format!("{:.1}..{:.1}", nps.low, nps.high), "-5.7..57.9");
    let csat = sum.csat.expect("answered");
    assert_eq!((csat.successes, csat.n), (16, 20));
    assert!(close(csat.share, 0.8));
    assert_eq!(format!("{:.3}..{:.3}", csat.low, csat.high), "0.584..0.919");
    // 3 of the 4 detractor cards alert on NPS; the CSAT answers 1 and 2 alert low_overall.
    let count = |r: AlertRule| sum.alerts.iter().find(|a| a.rule == r).map(|a| a.responses);
    assert_eq!(count(AlertRule::NpsDetractor), Some(4));
    assert_eq!(count(AlertRule::LowOverall), Some(2));
    assert_eq!(sum.card_versions, vec![SCORING_VERSION]);
}

/// A database sums each response's totals in its own order and in groups; whatever
/// the split, the counts are the same and the means agree to rounding.
#[test]
fn totals_add_up_in_any_split_to_the_aggregate() {
    use survey_core::scoring::totals::Totals;
    let d = def([
        vec![nps_q("nps"), rating("csat", 5, json!({ "role": "csat" }))],
        five_dims(),
    ]
    .concat());
    let config = ScoringConfig::default();
    let cards: Vec<ScoreCard> = (0..17u8)
        .map(|i| {
            let a = answers(&[
                ("nps", s(i % 11)),
                ("csat", s(1 + i % 5)),
                ("r1", s(1 + (i * 3) % 5)),
                ("r2", s(1 + (i * 7) % 5)),
                ("s1", s(1 + (i * 2) % 5)),
                ("a1", s(5 - i % 5)),
                ("e1", s(1 + (i + 2) % 5)),
                ("t1", s(1 + (i * 4) % 5)),
            ]);
            score(&d, &a, &config)
        })
        .collect();
    let all = aggregate(&cards);
    assert_eq!(all.n, 17);
    for k in 0..=cards.len() {
        let (mut left, mut right) = (Totals::default(), Totals::default());
        // The right part added backwards: another order, as a database may.
        cards[..k].iter().for_each(|c| left.add(&Totals::of(c)));
        cards[k..]
            .iter()
            .rev()
            .for_each(|c| right.add(&Totals::of(c)));
        left.add(&right);
        let split = left.summary();
        assert_eq!(
            (split.n, split.responses_with_alerts),
            (all.n, all.responses_with_alerts)
        );
        assert_eq!(split.alerts, all.alerts);
        assert_eq!(
            split
                .nps
                .as_ref()
                .map(|n| (n.promoters, n.passives, n.detractors)),
            all.nps
                .as_ref()
                .map(|n| (n.promoters, n.passives, n.detractors))
        );
        assert_eq!(
            split.csat.as_ref().map(|c| (c.n, c.successes)),
            all.csat.as_ref().map(|c| (c.n, c.successes))
        );
        assert!(close(
            split.csi.mean.expect("csi"),
            all.csi.mean.expect("csi")
        ));
        for (a, b) in split.dimensions.iter().zip(&all.dimensions) {
            assert_eq!((a.dimension, a.n), (b.dimension, b.n));
            assert!(
                close(a.mean.unwrap_or(-1.0), b.mean.unwrap_or(-1.0)),
                "{a:?} {b:?}"
            );
        }
    }
}

#[test]
fn aggregate_of_nothing_is_empty_not_nan() {
    let sum = aggregate(&[]);
    assert_eq!(sum.n, 0);
    assert!(sum.nps.is_none() && sum.csat.is_none() && sum.fcr.is_none() && sum.ces.is_none());
    assert!(sum.csi.mean.is_none());
    assert!(sum.dimensions.iter().all(|d| d.mean.is_none() && d.n == 0));
    let json = serde_json::to_string(&sum).expect("serialises");
    assert!(!json.contains("NaN"));
}

// ------------------------------------------------------------- hand-computed CSI

/// Reliability r1, r2; responsiveness s1; assurance a1; empathy e1; tangibles t1 (1-5).
fn five_dims() -> Vec<Value> {
    vec![
        dim("r1", "reliability"),
        dim("r2", "reliability"),
        dim("s1", "responsiveness"),
        dim("a1", "assurance"),
        dim("e1", "empathy"),
        dim("t1", "tangibles"),
    ]
}

fn case_a() -> Vec<(&'static str, Answer)> {
    vec![
        ("r1", s(5)),
        ("r2", s(4)),
        ("s1", s(3)),
        ("a1", s(4)),
        ("e1", s(2)),
        ("t1", s(1)),
    ]
}

#[test]
fn csi_with_all_five_dimensions() {
    // Rescale (x − 1)/4 × 100: 5 → 100, 4 → 75, 3 → 50, 2 → 25, 1 → 0.
    // reliability (100 + 75)/2 = 87.5; responsiveness 50; assurance 75; empathy 25; tangibles 0.
    // CSI = (32·87.5 + 22·50 + 19·75 + 16·25 + 11·0) / 100
    //     = (2800 + 1100 + 1425 + 400 + 0) / 100 = 57.25.
    let card = score(
        &def(five_dims()),
        &answers(&case_a()),
        &ScoringConfig::default(),
    );
    assert_close(dim_mean(&card, Dimension::Reliability), 87.5);
    assert_close(dim_mean(&card, Dimension::Responsiveness), 50.0);
    assert_close(dim_mean(&card, Dimension::Assurance), 75.0);
    assert_close(dim_mean(&card, Dimension::Empathy), 25.0);
    assert_close(dim_mean(&card, Dimension::Tangibles), 0.0);
    assert_close(card.csi, 57.25);
    let rel = card.dimension(Dimension::Reliability).expect("listed");
    assert_eq!((rel.items, rel.answered, rel.counted), (2, 2, true));
    assert_close(rel.csi_weight, 0.32);
    assert_eq!(card.dimensions.len(), 5);
}

#[test]
fn csi_renormalises_weights_over_answered_dimensions() {
    // Tangibles unanswered: it drops out and the other weights share 100%:
    // CSI = (2800 + 1100 + 1425 + 400) / (32 + 22 + 19 + 16) = 5725 / 89 = 64.3258…
    let mut a = case_a();
    a.retain(|(id, _)| *id != "t1");
    let card = score(&def(five_dims()), &answers(&a), &ScoringConfig::default());
    let t = card.dimension(Dimension::Tangibles).expect("listed");
    assert_eq!((t.items, t.answered, t.counted), (1, 0, false));
    assert_eq!(t.mean, None, "missing, never 0");
    assert_eq!(t.csi_weight, None);
    assert_close(card.csi, 5725.0 / 89.0);
    assert_close(
        card.dimension(Dimension::Reliability)
            .and_then(|d| d.csi_weight),
        32.0 / 89.0,
    );
    // The same when the dimension is not in the definition at all.
    let mut qs = five_dims();
    qs.pop();
    let card = score(&def(qs), &answers(&a), &ScoringConfig::default());
    assert_close(card.csi, 5725.0 / 89.0);
}

#[test]
fn a_dimension_with_too_few_answers_does_not_count() {
    // Reliability has four items, only r1 = 5 answered: 1/4 < 0.5, so it does not count.
    // CSI = (22·50 + 19·75 + 16·25 + 11·0) / (22 + 19 + 16 + 11) = 2925 / 68 = 43.0147…
    let mut qs = five_dims();
    qs.push(dim("r3", "reliability"));
    qs.push(dim("r4", "reliability"));
    let d = def(qs);
    let mut a = case_a();
    a.retain(|(id, _)| *id != "r2");
    let card = score(&d, &answers(&a), &ScoringConfig::default());
    let rel = card.dimension(Dimension::Reliability).expect("listed");
    assert_eq!((rel.items, rel.answered, rel.counted), (4, 1, false));
    assert_eq!(rel.mean, None);
    assert_close(card.csi, 2925.0 / 68.0);
    // Two of four (exactly 0.5) is enough: reliability (100 + 75)/2 = 87.5 → 57.25 as in case A.
    let card = score(&d, &answers(&case_a()), &ScoringConfig::default());
    assert_close(card.csi, 57.25);
    // With min share 0.75, 2 of 4 is not enough any more.
    let strict = ScoringConfig {
        min_answered_share: 0.75,
        ..ScoringConfig::default()
    };
    let card = score(&d, &answers(&case_a()), &strict);
    assert_close(card.csi, 2925.0 / 68.0);
}

#[test]
fn not_applicable_is_missing_not_zero_nor_midpoint() {
    // r2 = N/A: reliability is r1 alone, 1 of 2 answered (= 0.5, counts), mean 100.
    // CSI = (32·100 + 1100 + 1425 + 400 + 0) / 100 = 61.25.
    // (Were N/A 0, reliability would be 50 and CSI 45.25; were it the midpoint, 75 → 53.25.)
    let d = def(five_dims());
    let mut a = case_a();
    a[1].1 = Answer::NotApplicable;
    let card = score(&d, &answers(&a), &ScoringConfig::default());
    assert_close(dim_mean(&card, Dimension::Reliability), 100.0);
    assert_close(card.csi, 61.25);
    let r2 = card.item("r2").expect("listed");
    assert_eq!(r2.status, ItemStatus::NotApplicable);
    assert_eq!((r2.value, r2.rescaled, r2.top_box), (None, None, None));
    // N/A and unanswered score the same.
    a.remove(1);
    let unanswered = score(&d, &answers(&a), &ScoringConfig::default());
    assert_eq!(unanswered.csi, card.csi);
    assert_eq!(unanswered.dimensions, card.dimensions);
    assert_eq!(
        unanswered.item("r2").map(|i| i.status),
        Some(ItemStatus::Unanswered)
    );
}

#[test]
fn custom_dimension_weights() {
    // Weights 3/1/0/0/0: CSI = (3·87.5 + 1·50) / 4 = 312.5 / 4 = 78.125.
    let config = ScoringConfig {
        weights: DimensionWeights {
            reliability: 3.0,
            responsiveness: 1.0,
            assurance: 0.0,
            empathy: 0.0,
            tangibles: 0.0,
        },
        ..ScoringConfig::default()
    };
    let card = score(&def(five_dims()), &answers(&case_a()), &config);
    assert_close(card.csi, 78.125);
    // A zero-weight dimension still reports its mean; it just has no share of the CSI.
    let a = card.dimension(Dimension::Assurance).expect("listed");
    assert_close(a.mean, 75.0);
    assert_close(a.csi_weight, 0.0);
    // Equal weights: the plain mean of the dimension means, (87.5+50+75+25+0)/5 = 47.5.
    let equal = ScoringConfig {
        weights: DimensionWeights {
            reliability: 1.0,
            responsiveness: 1.0,
            assurance: 1.0,
            empathy: 1.0,
            tangibles: 1.0,
        },
        ..ScoringConfig::default()
    };
    let card = score(&def(five_dims()), &answers(&case_a()), &equal);
    assert_close(card.csi, 47.5);
}

#[test]
fn per_item_weights_weight_the_dimension_mean() {
    // r1 = 5 with weight 3, r2 = 1 with weight 1: reliability = (3·100 + 1·0)/4 = 75.
    // CSI = (32·75 + 22·50 + 19·75 + 16·25 + 0) / 100 = (2400 + 2925) / 100 = 53.25.
    let mut qs = five_dims();
    qs[0] = rating(
        "r1",
        5,
        json!({ "dimension": "reliability", "weight": 3.0 }),
    );
    let mut a = case_a();
    a[1].1 = s(1);
    let card = score(&def(qs), &answers(&a), &ScoringConfig::default());
    assert_close(dim_mean(&card, Dimension::Reliability), 75.0);
    assert_close(card.csi, 53.25);
    assert_eq!(card.item("r1").map(|i| i.weight), Some(3.0));
}

#[test]
fn no_dimension_counted_means_no_csi() {
    let card = score(
        &def(five_dims()),
        &Answers::new(),
        &ScoringConfig::default(),
    );
    assert_eq!(card.csi, None);
    assert!(card
        .dimensions
        .iter()
        .all(|d| !d.counted && d.mean.is_none()));
}

// ------------------------------------------------------------------- each metric

fn metrics_def() -> Definition {
    def(vec![
        rating(
            "overall",
            5,
            json!({ "role": "overall", "heart": "happiness" }),
        ),
        rating("csat", 5, json!({ "role": "csat", "heart": "happiness" })),
        rating("ces", 7, json!({ "role": "ces" })),
        yes_no("fcr", json!({ "role": "fcr", "heart": "task_success" })),
        yes_no("p1", json!({ "role": "process", "heart": "task_success" })),
        yes_no("p2", json!({ "role": "process" })),
        yes_no("p3", json!({ "role": "process" })),
        yes_no("p_fixed_first_time", json!({ "role": "process" })),
        yes_no("first_visit", json!(null)),
        nps_q("nps"),
        matrix(
            "grid",
            7,
            &[
                ("m_clean", json!({ "dimension": "tangibles" })),
                ("m_staff", json!({ "dimension": "empathy", "weight": 2.0 })),
            ],
        ),
        comment("comment"),
        contact("call_me"),
    ])
}

#[test]
fn items_are_rescaled_on_their_own_scale() {
    let a = answers(&[
        ("overall", s(4)),
        ("ces", s(5)),
        ("nps", s(7)),
        ("m_clean", s(4)),
        ("p1", Answer::YesNo(true)),
        ("p2", Answer::YesNo(false)),
        ("first_visit", Answer::YesNo(true)),
    ]);
    let card = score(&metrics_def(), &a, &ScoringConfig::default());
    let r = |id: &str| card.item(id).and_then(|i| i.rescaled);
    assert_close(r("overall"), 75.0); // (4 − 1)/4
    assert_close(r("ces"), 400.0 / 6.0); // (5 − 1)/6
    assert_close(r("nps"), 70.0); // 7/10
    assert_close(r("m_clean"), 50.0); // (4 − 1)/6
    assert_close(r("p1"), 100.0);
    assert_close(r("p2"), 0.0);
    assert!(card.item("first_visit").is_none(), "no scoring metadata");
    assert!(
        card.item("grid").is_none(),
        "the matrix itself is not an item"
    );
    assert!(card.item("comment").is_none() && card.item("call_me").is_none());
    let m = card.item("m_staff").expect("matrix row");
    assert_eq!(
        (m.kind, m.min, m.max, m.status, m.weight),
        (ItemKind::Matrix, 1, 7, ItemStatus::Unanswered, 2.0)
    );
    let ids: Vec<&str> = card.items.iter().map(|i| i.question.as_str()).collect();
    assert_eq!(
        ids,
        [
            "overall",
            "csat",
            "ces",
            "fcr",
            "p1",
            "p2",
            "p3",
            "p_fixed_first_time",
            "nps",
            "m_clean",
            "m_staff"
        ],
        "definition order"
    );
}

#[test]
fn a_yes_no_with_a_dimension_enters_its_mean() {
    // Tangibles: t1 = 4 of 5 (75) and "car washed?" yes (100) → 87.5; with "no" (0) → 37.5.
    let d = def(vec![
        dim("t1", "tangibles"),
        yes_no("t_washed", json!({ "dimension": "tangibles" })),
        yes_no("first_visit", json!(null)),
    ]);
    let config = ScoringConfig::default();
    for (washed, mean) in [(true, 87.5), (false, 37.5)] {
        let a = answers(&[
            ("t1", s(4)),
            ("t_washed", Answer::YesNo(washed)),
            ("first_visit", Answer::YesNo(false)),
        ]);
        let card = score(&d, &a, &config);
        assert_close(dim_mean(&card, Dimension::Tangibles), mean);
        assert_close(card.csi, mean);
        assert_eq!(card.process.answered, 0, "not a process item");
        assert!(card.item("first_visit").is_none());
    }
}

#[test]
fn top_box_flags() {
    let d = metrics_def();
    let config = ScoringConfig::default();
    for (v, top, top2) in [(5, true, true), (4, false, true), (3, false, false)] {
        let card = score(&d, &answers(&[("overall", s(v))]), &config);
        let i = card.item("overall").expect("listed");
        assert_eq!(
            (i.top_box, i.top_two_box),
            (Some(top), Some(top2)),
            "{v} of 5"
        );
    }
    for (v, top, top2) in [(7, true, true), (6, false, true), (5, false, false)] {
        let card = score(&d, &answers(&[("m_clean", s(v))]), &config);
        let i = card.item("m_clean").expect("listed");
        assert_eq!(
            (i.top_box, i.top_two_box),
            (Some(top), Some(top2)),
            "{v} of 7"
        );
    }
    let card = score(&d, &answers(&[("p1", Answer::YesNo(true))]), &config);
    assert_eq!(card.item("p1").and_then(|i| i.top_box), None, "not rated");
}

#[test]
fn nps_categories_at_the_boundaries() {
    let d = metrics_def();
    let config = ScoringConfig::default();
    for (v, cat) in [
        (0, NpsCategory::Detractor),
        (6, NpsCategory::Detractor),
        (7, NpsCategory::Passive),
        (8, NpsCategory::Passive),
        (9, NpsCategory::Promoter),
        (10, NpsCategory::Promoter),
    ] {
        let card = score(&d, &answers(&[("nps", s(v))]), &config);
        let nps = card.nps.expect("answered");
        assert_eq!((nps.value, nps.category), (v, cat));
        assert_eq!(nps.question.as_str(), "nps");
    }
    assert!(score(&d, &Answers::new(), &config).nps.is_none());
    assert_eq!(NpsCategory::of(11), None);
}

#[test]
fn csat_ces_fcr_and_process() {
    let d = metrics_def();
    let config = ScoringConfig::default();
    let a = answers(&[
        ("csat", s(4)),
        ("ces", s(6)),
        ("fcr", Answer::YesNo(true)),
        ("p1", Answer::YesNo(true)),
        ("p2", Answer::YesNo(false)),
        ("p3", Answer::NotApplicable),
        ("p_fixed_first_time", Answer::YesNo(true)),
    ]);
    let card = score(&d, &a, &config);
    let csat = card.csat.expect("answered");
    assert_eq!(
        (csat.value, csat.points, csat.top_box, csat.top_two_box),
        (4, 5, false, true)
    );
    let ces = card.ces.expect("answered");
    assert_eq!((ces.value, ces.points), (6, 7));
    assert!(close(ces.rescaled, 500.0 / 6.0));
    assert_eq!(card.fcr.map(|f| f.resolved), Some(true));
    // Process: p1 yes, p2 no, p3 N/A (left out), fixed-first-time yes → 2 of 3.
    assert_eq!((card.process.answered, card.process.yes), (3, 2));
    assert_close(card.process.compliance, 2.0 / 3.0);
    let card = score(&d, &answers(&[("csat", s(3))]), &config);
    assert_eq!(card.csat.map(|c| c.top_two_box), Some(false));
    assert_eq!(card.process.compliance, None);
    assert_eq!(card.fcr, None);
    assert_eq!(card.ces, None);
}

#[test]
fn csat_on_a_seven_point_scale_uses_its_top_two_points() {
    let d = def(vec![rating("csat7", 7, json!({ "role": "csat" }))]);
    for (v, top2) in [(7, true), (6, true), (5, false)] {
        let card = score(&d, &answers(&[("csat7", s(v))]), &ScoringConfig::default());
        assert_eq!(card.csat.map(|c| c.top_two_box), Some(top2), "{v} of 7");
    }
}

#[test]
fn heart_lists_the_items_that_fed_each_category() {
    let a = answers(&[
        ("overall", s(5)),
        ("csat", s(3)),
        ("nps", s(10)),
        ("fcr", Answer::YesNo(false)),
        ("p1", Answer::YesNo(true)),
        ("comment", Answer::Text("fine".into())),
    ]);
    let card = score(&metrics_def(), &a, &ScoringConfig::default());
    let happiness = card.heart(Heart::Happiness).expect("listed");
    let fed: Vec<(&str, f64)> = happiness
        .items
        .iter()
        .map(|h| (h.question.as_str(), h.rescaled))
        .collect();
    assert_eq!(fed, [("overall", 100.0), ("csat", 50.0), ("nps", 100.0)]);
    assert_close(happiness.mean, 250.0 / 3.0);
    let task = card.heart(Heart::TaskSuccess).expect("listed");
    assert_eq!(task.items.len(), 2);
    assert_close(task.mean, 50.0);
    // A comment given is engagement (issue 13): 100 for the comment written.
    let engagement = card.heart(Heart::Engagement).expect("listed");
    assert_eq!(engagement.items.len(), 1);
    assert_close(engagement.mean, 100.0);
    assert_eq!(card.heart.len(), 5);
}

#[test]
fn matrix_rows_feed_their_dimensions_with_their_weights() {
    // m_clean 7 of 7 → 100 (tangibles), m_staff 4 of 7 → 50 (empathy, weight 2 alone).
    // CSI = (16·50 + 11·100) / (16 + 11) = 1900 / 27.
    let a = answers(&[("m_clean", s(7)), ("m_staff", s(4))]);
    let card = score(&metrics_def(), &a, &ScoringConfig::default());
    assert_close(dim_mean(&card, Dimension::Tangibles), 100.0);
    assert_close(dim_mean(&card, Dimension::Empathy), 50.0);
    assert_close(card.csi, 1900.0 / 27.0);
}

#[test]
fn wrong_answers_are_ignored_never_a_panic() {
    let a = answers(&[
        ("overall", s(9)),                  // off a 5-point scale
        ("csat", Answer::Text("5".into())), // wrong type
        ("nps", s(11)),                     // off 0-10
        ("p1", s(1)),                       // scale on yes/no
        ("fcr", Answer::Choices(vec![])),   // wrong type
        ("m_clean", s(0)),                  // below 1
        ("no_such_question", s(3)),         // unknown id
        ("call_me", Answer::YesNo(true)),   // wrong type for contact
    ]);
    let card = score(&metrics_def(), &a, &ScoringConfig::default());
    for id in ["overall", "csat", "nps", "p1", "fcr", "m_clean"] {
        assert_eq!(
            card.item(id).map(|i| i.status),
            Some(ItemStatus::Invalid),
            "{id}"
        );
    }
    assert!(card.csi.is_none() && card.nps.is_none() && card.csat.is_none());
    assert!(card.alerts.is_empty());
}

#[test]
fn a_config_that_was_never_validated_still_scores() {
    let config = ScoringConfig {
        weights: DimensionWeights {
            reliability: f64::NAN,
            responsiveness: -5.0,
            assurance: f64::INFINITY,
            empathy: 0.0,
            tangibles: 0.0,
        },
        min_answered_share: f64::NAN,
        ..ScoringConfig::default()
    };
    assert!(config.validate().is_err());
    let card = score(&def(five_dims()), &answers(&case_a()), &config);
    assert_eq!(card.csi, None, "no usable weight");
    let json = serde_json::to_string(&card).expect("serialises");
    assert!(!json.contains("NaN") && !json.contains("inf"));
}

// ------------------------------------------------------------------------ alerts

fn rules(card: &ScoreCard) -> Vec<(AlertRule, &str, &str)> {
    card.alerts
        .iter()
        .map(|a| (a.rule, a.question.as_str(), a.detail.as_str()))
        .collect()
}

#[test]
fn every_default_alert_rule_fires() {
    let a = answers(&[
        ("overall", s(2)),
        ("csat", s(1)),
        ("nps", s(6)),
        ("p_fixed_first_time", Answer::YesNo(false)),
        ("fcr", Answer::YesNo(false)),
        (
            "call_me",
            Answer::Contact(ContactAnswer {
                consent: true,
                phone: Some("13800138000".into()),
                email: None,
            }),
        ),
    ]);
    let card = score(&metrics_def(), &a, &ScoringConfig::default());
    assert_eq!(
        rules(&card),
        [
            (AlertRule::LowOverall, "overall", "2 of 5"),
            (AlertRule::LowOverall, "csat", "1 of 5"),
            (AlertRule::NpsDetractor, "nps", "6 of 10"),
            (AlertRule::NotFixedFirstTime, "p_fixed_first_time", "no"),
            (AlertRule::FcrNo, "fcr", "no"),
            (AlertRule::ContactRequested, "call_me", "phone"),
        ]
    );
    assert_eq!(card.follow_up_due, None, "no time given");
}

#[test]
fn no_alert_on_a_happy_response() {
    let a = answers(&[
        ("overall", s(3)),
        ("csat", s(5)),
        ("nps", s(7)),
        ("p_fixed_first_time", Answer::YesNo(true)),
        ("fcr", Answer::NotApplicable),
        (
            "call_me",
            Answer::Contact(ContactAnswer {
                consent: false,
                phone: Some("13800138000".into()),
                email: None,
            }),
        ),
    ]);
    let card = score_at(
        &metrics_def(),
        &a,
        &ScoringConfig::default(),
        "2026-01-01T00:00:00Z",
    );
    assert!(card.alerts.is_empty(), "{:?}", card.alerts);
    assert_eq!(card.follow_up_due, None, "nothing to follow up");
}

#[test]
fn alert_rules_can_be_switched_off_and_retargeted() {
    let a = answers(&[
        ("overall", s(3)),
        ("nps", s(0)),
        ("p2", Answer::YesNo(false)),
        ("p_fixed_first_time", Answer::YesNo(false)),
        ("fcr", Answer::YesNo(false)),
        (
            "call_me",
            Answer::Contact(ContactAnswer {
                consent: true,
                phone: None,
                email: Some("a@b.cn".into()),
            }),
        ),
    ]);
    let config = ScoringConfig {
        alerts: AlertRules {
            low_overall: Some(LowScore {
                at_most: 3,
                points: 5,
            }),
            nps_detractor: false,
            not_fixed_first_time: vec![QuestionId::new("p2")],
            fcr_no: false,
            contact_requested: true,
            follow_up_hours: 24,
        },
        ..ScoringConfig::default()
    };
    let card = score_at(&metrics_def(), &a, &config, "2026-03-31T09:30:00Z");
    assert_eq!(
        rules(&card),
        [
            (AlertRule::LowOverall, "overall", "3 of 5"),
            (AlertRule::NotFixedFirstTime, "p2", "no"),
            (AlertRule::ContactRequested, "call_me", "email"),
        ]
    );
    assert_eq!(card.follow_up_due.as_deref(), Some("2026-04-01T09:30:00Z"));
    let off = ScoringConfig {
        alerts: AlertRules {
            low_overall: None,
            nps_detractor: false,
            not_fixed_first_time: vec![],
            fcr_no: false,
            contact_requested: false,
            follow_up_hours: 48,
        },
        ..ScoringConfig::default()
    };
    assert!(score(&metrics_def(), &a, &off).alerts.is_empty());
}

#[test]
fn low_overall_compares_other_scales_on_the_rescale() {
    // 2 of 5 is 25 on 0-100: on a 10-point scale 1..=3 (22.2) match, 4 (33.3) does not.
    let d = def(vec![rating("o10", 10, json!({ "role": "overall" }))]);
    let config = ScoringConfig::default();
    for (v, fires) in [(1, true), (3, true), (4, false), (10, false)] {
        let card = score(&d, &answers(&[("o10", s(v))]), &config);
        assert_eq!(!card.alerts.is_empty(), fires, "{v} of 10");
    }
    assert!(LowScore::default().matches(2, 5));
    assert!(!LowScore::default().matches(3, 5));
    assert!(
        !LowScore {
            at_most: 2,
            points: 1
        }
        .matches(1, 5),
        "degenerate rule"
    );
}

#[test]
fn follow_up_is_due_48_hours_after_submission() {
    let a = answers(&[("nps", s(2))]);
    let d = metrics_def();
    let config = ScoringConfig::default();
    let due = |t: &str| score_at(&d, &a, &config, t).follow_up_due;
    assert_eq!(
        due("2026-11-23T10:00:00Z").as_deref(),
        Some("2026-11-25T10:00:00Z")
    );
    assert_eq!(
        due("2026-11-23T10:00:00.123Z").as_deref(),
        Some("2026-11-25T10:00:00.123Z")
    );
    assert_eq!(due("yesterday"), None, "unparseable: no due time, no panic");
}

#[test]
fn adding_hours_across_month_year_and_leap_day_boundaries() {
    let cases = [
        ("2026-01-30T12:00:00Z", "2026-02-01T12:00:00Z"),
        ("2026-04-29T23:59:59Z", "2026-05-01T23:59:59Z"),
        ("2025-12-31T01:02:03.456Z", "2026-01-02T01:02:03.456Z"),
        ("2025-12-30T00:00:00Z", "2026-01-01T00:00:00Z"),
        ("2024-02-27T23:00:00Z", "2024-02-29T23:00:00Z"),
        ("2024-02-28T12:00:00Z", "2024-03-01T12:00:00Z"),
        ("2024-02-29T00:00:00.5Z", "2024-03-02T00:00:00.5Z"),
        ("2023-02-28T12:00:00Z", "2023-03-02T12:00:00Z"),
        ("2000-02-28T00:00:00Z", "2000-03-01T00:00:00Z"), // 2000 is a leap year
        ("2100-02-28T00:00:00Z", "2100-03-02T00:00:00Z"), // 2100 is not
        ("1999-12-31T23:59:59.999999Z", "2000-01-02T23:59:59.999999Z"),
    ];
    for (from, to) in cases {
        assert_eq!(add_hours(from, 48).as_deref(), Some(to), "{from}");
    }
    assert_eq!(
        add_hours("2026-03-01T00:00:00Z", -48).as_deref(),
        Some("2026-02-27T00:00:00Z")
    );
    for bad in [
        "2023-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-06-30T23:59:60Z", // no device clock gives a leap second
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:00+08:00",
        "2026-01-01 00:00:00Z",
        "2026-01-01T00:00:00.Z",
        "２026-01-01T00:00:00Z",
        "",
    ] {
        assert_eq!(add_hours(bad, 48), None, "{bad:?}");
    }
    assert_eq!(
        add_hours("9999-12-31T00:00:00Z", 48),
        None,
        "past year 9999"
    );
    assert_eq!(epoch_millis("1970-01-01T00:00:01.5Z"), Some(1500));
    assert_eq!(
        epoch_millis("2026-01-01T00:00:00Z"),
        Some(days_from_civil(2026, 1, 1) * 86_400_000)
    );
}

// ------------------------------------------------------------- config and JSON

#[test]
fn default_config_is_the_decks() {
    let c = ScoringConfig::default();
    let w = c.weights;
    assert_eq!(
        [
            w.reliability,
            w.responsiveness,
            w.assurance,
            w.empathy,
            w.tangibles
        ],
        [32.0, 22.0, 19.0, 16.0, 11.0]
    );
    assert_eq!(c.min_answered_share, 0.5);
    assert_eq!(c.alerts.follow_up_hours, 48);
    assert_eq!(
        c.alerts.not_fixed_first_time,
        [QuestionId::new("p_fixed_first_time")]
    );
    assert!(c.validate().is_ok());
}

#[test]
fn config_json_round_trips_fills_defaults_and_refuses_typos() {
    let c = ScoringConfig::default();
    let json = serde_json::to_string(&c).expect("serialises");
    assert_eq!(ScoringConfig::from_json(&json), Ok(c.clone()));
    let partial = ScoringConfig::from_json(
        r#"{"weights": {"empathy": 30}, "alerts": {"low_overall": null}}"#,
    )
    .expect("valid");
    assert_eq!(partial.weights.empathy, 30.0);
    assert_eq!(partial.weights.reliability, 32.0);
    assert_eq!(partial.alerts.low_overall, None);
    assert!(partial.alerts.nps_detractor);
    let err = |j: &str| {
        ScoringConfig::from_json(j)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    let top = err(r#"{"weight": {}}"#);
    assert!(top.starts_with("weight: unknown field `weight`"), "{top}");
    assert!(
        !err("1").starts_with('.'),
        "the document itself has no path"
    );
    assert!(err(r#"{"weights": {"empthy": 1}}"#).starts_with("weights"));
    assert_eq!(
        err(r#"{"weights": {"empathy": -1}}"#),
        "weights.empathy: must be a number 0 or more, found -1"
    );
    assert!(err(r#"{"min_answered_share": 1.5}"#).starts_with("min_answered_share"));
    assert!(err(
        r#"{"weights": {"reliability": 0, "responsiveness": 0, "assurance": 0, "empathy": 0, "tangibles": 0}}"#
    )
    .starts_with("weights:"));
    assert!(
        err(r#"{"alerts": {"low_overall": {"at_most": 6, "points": 5}}}"#)
            .starts_with("alerts.low_overall.at_most")
    );
}

#[test]
fn score_card_json_has_stable_field_names_and_round_trips() {
    let a = answers(&[
        ("overall", s(1)),
        ("nps", s(9)),
        ("p1", Answer::YesNo(true)),
    ]);
    let card = score_at(
        &metrics_def(),
        &a,
        &ScoringConfig::default(),
        "2026-02-27T08:00:00Z",
    );
    let v = serde_json::to_value(&card).expect("serialises");
    let keys: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "alerts",
            "ces",
            "csat",
            "csi",
            "dimensions",
            "fcr",
            "follow_up_due",
            "heart",
            "items",
            "nps",
            "process",
            "scoring_version",
            "survey",
            "survey_version"
        ]
    );
    assert_eq!(v["scoring_version"], 2);
    assert_eq!(v["follow_up_due"], "2026-03-01T08:00:00Z");
    assert_eq!(v["nps"]["category"], "promoter");
    assert_eq!(v["alerts"][0]["rule"], "low_overall");
    assert_eq!(v["items"][0]["status"], "answered");
    assert_eq!(v["dimensions"][0]["dimension"], "reliability");
    assert_eq!(v["heart"][4]["category"], "task_success");
    let back: ScoreCard = serde_json::from_value(v).expect("deserialises");
    assert_eq!(back, card);
}

#[test]
fn the_built_in_templates_score() {
    for id in templates::BUILT_IN {
        let d = templates::load(id).expect("built in").expect("valid");
        // The next-to-top point everywhere: 4 of 5 → 75, 6 of 7 → 83.3, NPS 9, all yes.
        let mut a = Answers::new();
        for q in d.questions() {
            match &q.input {
                survey_core::Input::Rating { points, .. } => {
                    a.insert(q.id.clone(), s(points - 1));
                }
                survey_core::Input::Matrix { points, items, .. } => {
                    for i in items {
                        a.insert(i.id.clone(), s(points - 1));
                    }
                }
                survey_core::Input::Nps { .. } => {
                    a.insert(q.id.clone(), s(9));
                }
                survey_core::Input::YesNo { .. } => {
                    a.insert(q.id.clone(), Answer::YesNo(true));
                }
                _ => {}
            }
        }
        let card = score(&d, &a, &ScoringConfig::default());
        assert!(card.alerts.is_empty(), "{id}: {:?}", card.alerts);
        assert_eq!(
            card.nps.map(|n| n.category),
            Some(NpsCategory::Promoter),
            "{id}"
        );
        for dim in card.dimensions.iter().filter(|x| x.items > 0) {
            assert!(dim.counted, "{id}: {:?}", dim.dimension);
        }
        assert!(
            card.csi.is_some_and(|c| c > 74.0 && c < 100.0),
            "{id}: {:?}",
            card.csi
        );
        assert!(card.items.iter().all(|i| i.top_box != Some(true)), "{id}");
    }
    // post-service: every rated item 4 of 5 → 75 in every dimension → CSI 75, and the
    // eight process items plus fixed-first-time all yes.
    let d = templates::load("post-service")
        .expect("built in")
        .expect("valid");
    let mut a = Answers::new();
    for q in d.questions() {
        match &q.input {
            survey_core::Input::Rating { .. } => a.insert(q.id.clone(), s(4)),
            survey_core::Input::YesNo { .. } => a.insert(q.id.clone(), Answer::YesNo(true)),
            _ => continue,
        };
    }
    let card = score(&d, &a, &ScoringConfig::default());
    assert_close(card.csi, 75.0);
    assert!(card.dimensions.iter().all(|x| x.counted));
    assert_close(card.process.compliance, 1.0);
    // The template's fixed-first-time question is the default alert rule's.
    a.insert(QuestionId::new("p_fixed_first_time"), Answer::YesNo(false));
    let card = score(&d, &a, &ScoringConfig::default());
    assert_eq!(
        rules(&card),
        [(AlertRule::NotFixedFirstTime, "p_fixed_first_time", "no")]
    );
}

// ------------------------------------------------------------------ properties

mod props {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::Config;

    const DIMS: [&str; 5] = [
        "reliability",
        "responsiveness",
        "assurance",
        "empathy",
        "tangibles",
    ];

    /// What a generated item is and how it was answered.
    #[derive(Debug, Clone)]
    enum Kind {
        /// points, dimension index (5 = none), weight, overall/csat role
        Rating(u8, usize, Option<f64>, bool),
        Nps,
        Process,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Given {
        Missing,
        NotApplicable,
        /// A fraction of the scale, mapped onto the item's points.
        Point(u8),
    }

    fn kind() -> impl Strategy<Value = Kind> {
        prop_oneof![
            6 => (2u8..=10, 0usize..=5, proptest::option::of(0.25f64..4.0), any::<bool>())
                .prop_map(|(p, d, w, o)| Kind::Rating(p, d, w, o)),
            1 => Just(Kind::Nps),
            2 => Just(Kind::Process),
        ]
    }

    fn given() -> impl Strategy<Value = Given> {
        prop_oneof![
            1 => Just(Given::Missing),
            1 => Just(Given::NotApplicable),
            5 => any::<u8>().prop_map(Given::Point),
        ]
    }

    fn items() -> impl Strategy<Value = Vec<(Kind, Given)>> {
        proptest::collection::vec((kind(), given()), 1..14)
    }

    fn question(i: usize, k: &Kind) -> Value {
        let id = format!("q{i}");
        match k {
            Kind::Rating(points, d, w, overall) => {
                let mut sc = serde_json::Map::new();
                if let Some(d) = DIMS.get(*d) {
                    sc.insert("dimension".into(), json!(d));
                }
                if let Some(w) = w {
                    sc.insert("weight".into(), json!(w));
                }
                if *overall {
                    sc.insert(
                        "role".into(),
                        json!(if i.is_multiple_of(2) {
                            "overall"
                        } else {
                            "csat"
                        }),
                    );
                    sc.insert("heart".into(), json!("happiness"));
                }
                rating(&id, *points, Value::Object(sc))
            }
            Kind::Nps => nps_q(&id),
            Kind::Process => yes_no(&id, json!({ "role": "process", "heart": "task_success" })),
        }
    }

    fn answer(k: &Kind, g: Given) -> Option<Answer> {
        match (g, k) {
            (Given::Missing, _) => None,
            (Given::NotApplicable, _) => Some(Answer::NotApplicable),
            (Given::Point(p), Kind::Rating(points, ..)) => Some(s(1 + p % points)),
            (Given::Point(p), Kind::Nps) => Some(s(p % 11)),
            (Given::Point(p), Kind::Process) => Some(Answer::YesNo(p % 2 == 0)),
        }
    }

    fn build(spec: &[(Kind, Given)], order: &[usize], per_page: usize) -> (Definition, Answers) {
        let qs: Vec<Value> = order.iter().map(|&i| question(i, &spec[i].0)).collect();
        let pages = qs.chunks(per_page.max(1)).map(|c| c.to_vec()).collect();
        let mut a = Answers::new();
        for &i in order {
            if let Some(ans) = answer(&spec[i].0, spec[i].1) {
                a.insert(QuestionId::new(format!("q{i}")), ans);
            }
        }
        (paged(pages), a)
    }

    fn config() -> impl Strategy<Value = ScoringConfig> {
        (proptest::array::uniform5(0.0f64..50.0), 0.0f64..=1.0).prop_map(|(w, share)| {
            ScoringConfig {
                weights: DimensionWeights {
                    reliability: w[0] + 0.5,
                    responsiveness: w[1],
                    assurance: w[2],
                    empathy: w[3],
                    tangibles: w[4],
                },
                min_answered_share: share,
                ..ScoringConfig::default()
            }
        })
    }

    /// Every score of a card, without item statuses (which say *why* a value is missing).
    fn scores(c: &ScoreCard) -> String {
        let items: Vec<_> = c.items.iter().map(|i| (i.value, i.rescaled)).collect();
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            c.csi, c.dimensions, c.nps, c.csat, c.ces, c.fcr, c.process, c.heart, c.alerts, items
        )
    }

    fn in_0_100(x: f64) -> bool {
        x.is_finite() && (0.0..=100.0).contains(&x)
    }

    proptest! {
        #![proptest_config(Config { cases: 256, ..Config::default() })]

        #[test]
        fn every_score_is_in_range(spec in items(), config in config()) {
            let order: Vec<usize> = (0..spec.len()).collect();
            let (d, a) = build(&spec, &order, 3);
            let c = score(&d, &a, &config);
            prop_assert!(c.csi.is_none_or(in_0_100));
            for dim in &c.dimensions {
                prop_assert!(dim.mean.is_none_or(in_0_100));
                prop_assert!(dim.csi_weight.is_none_or(|w| (0.0..=1.0).contains(&w)));
                prop_assert!(dim.answered <= dim.items);
            }
            for i in &c.items {
                prop_assert!(i.rescaled.is_none_or(in_0_100));
            }
            for h in &c.heart {
                prop_assert!(h.mean.is_none_or(in_0_100));
            }
            prop_assert!(c.process.compliance.is_none_or(|p| (0.0..=1.0).contains(&p)));
            let sum = aggregate(&[c.clone(), c]);
            if let Some(n) = &sum.nps {
                for x in [n.nps, n.adjusted, n.low, n.high] {
                    prop_assert!(x.is_finite() && (-100.0..=100.0).contains(&x));
                }
            }
            let json = serde_json::to_string(&sum).expect("serialises");
            prop_assert!(!json.contains("NaN"));
        }

        #[test]
        fn intervals_are_in_range_and_contain_their_centre(p in 0u32..400, pa in 0u32..400, de in 0u32..400) {
            if let Some(i) = nps_adjusted_wald(p, pa, de, Z_95) {
                for x in [i.nps, i.adjusted, i.low, i.high] {
                    prop_assert!(x.is_finite() && (-100.0..=100.0).contains(&x));
                }
                prop_assert!(i.low <= i.adjusted && i.adjusted <= i.high);
            }
            if let Some(w) = wilson(p.min(pa), pa, Z_95) {
                let share = f64::from(p.min(pa)) / f64::from(pa);
                prop_assert!(0.0 <= w.low && w.low <= share + 1e-12);
                prop_assert!(share - 1e-12 <= w.high && w.high <= 1.0);
            }
        }

        #[test]
        fn csi_does_not_depend_on_question_order(
            (spec, order) in items().prop_flat_map(|spec| {
                let order: Vec<usize> = (0..spec.len()).collect();
                (Just(spec), Just(order).prop_shuffle())
            }),
            per_page in 1usize..5,
            config in config(),
        ) {
            let straight: Vec<usize> = (0..spec.len()).collect();
            let (d1, a1) = build(&spec, &straight, 100);
            let (d2, a2) = build(&spec, &order, per_page);
            let c1 = score(&d1, &a1, &config);
            let c2 = score(&d2, &a2, &config);
            match (c1.csi, c2.csi) {
                (None, None) => {}
                (Some(x), Some(y)) => prop_assert!((x - y).abs() < 1e-9, "{x} vs {y}"),
                other => prop_assert!(false, "{other:?}"),
            }
            prop_assert_eq!(c1.process, c2.process);
            prop_assert_eq!(c1.nps.is_some(), c2.nps.is_some());
        }

        #[test]
        fn not_applicable_instead_of_unanswered_changes_no_score(
            spec in items(), pick in any::<prop::sample::Index>(), config in config()
        ) {
            let order: Vec<usize> = (0..spec.len()).collect();
            let missing: Vec<usize> = order.iter().copied().filter(|&i| spec[i].1 == Given::Missing).collect();
            prop_assume!(!missing.is_empty());
            let i = missing[pick.index(missing.len())];
            let (d, a) = build(&spec, &order, 4);
            let before = score(&d, &a, &config);
            let mut a2 = a.clone();
            a2.insert(QuestionId::new(format!("q{i}")), Answer::NotApplicable);
            let after = score(&d, &a2, &config);
            prop_assert_eq!(scores(&before), scores(&after));
        }

        #[test]
        fn raising_a_rated_answer_never_lowers_csi(
            spec in items(), pick in any::<prop::sample::Index>(), up in 1u8..10, config in config()
        ) {
            let order: Vec<usize> = (0..spec.len()).collect();
            let (d, a) = build(&spec, &order, 4);
            let rated: Vec<usize> = order.iter().copied().filter(|&i| {
                matches!(spec[i].0, Kind::Rating(..)) && matches!(spec[i].1, Given::Point(_))
            }).collect();
            prop_assume!(!rated.is_empty());
            let i = rated[pick.index(rated.len())];
            let id = QuestionId::new(format!("q{i}"));
            let (Kind::Rating(points, ..), Some(Answer::Scale(v))) = (&spec[i].0, a.get(&id)) else {
                return Err(TestCaseError::fail("a rated item"));
            };
            let mut a2 = a.clone();
            a2.insert(id, s((*v).saturating_add(up).min(*points)));
            let before = score(&d, &a, &config).csi;
            let after = score(&d, &a2, &config).csi;
            match (before, after) {
                (None, None) => {}
                (Some(x), Some(y)) => prop_assert!(y >= x, "{x} → {y}"),
                other => prop_assert!(false, "{other:?}"),
            }
        }

        #[test]
        fn arbitrary_answers_never_panic(
            spec in items(),
            junk in proptest::collection::vec((0usize..16, any::<u8>(), 0u8..5), 0..10),
        ) {
            let order: Vec<usize> = (0..spec.len()).collect();
            let (d, mut a) = build(&spec, &order, 2);
            for (i, v, t) in junk {
                let ans = match t {
                    0 => Answer::Scale(v),
                    1 => Answer::YesNo(v % 2 == 0),
                    2 => Answer::Text(v.to_string()),
                    3 => Answer::Choice(v.to_string()),
                    _ => Answer::NotApplicable,
                };
                a.insert(QuestionId::new(format!("q{i}")), ans);
            }
            let c = score_at(&d, &a, &ScoringConfig::default(), "2024-02-28T23:59:59Z");
            prop_assert!(c.csi.is_none_or(in_0_100));
            prop_assert_eq!(c.follow_up_due.is_some(), !c.alerts.is_empty());
        }
    }
}

// ------------------------------------------------------------- follow-up clock

#[test]
fn the_follow_up_counts_from_the_device_unless_its_clock_runs_ahead() {
    use survey_core::scoring::follow_up_base;
    let received = "2026-11-23T10:00:00Z";
    for (created, base) in [
        // Ordinary: the device's time, so the server's card is the widget's.
        ("2026-11-23T09:59:58.250Z", "2026-11-23T09:59:58.250Z"),
        // Queued offline for days: still the device's time.
        ("2026-11-19T17:45:00Z", "2026-11-19T17:45:00Z"),
        // A little ahead is drift.
        ("2026-11-23T10:05:00Z", "2026-11-23T10:05:00Z"),
        ("2026-11-23T10:05:00.000Z", "2026-11-23T10:05:00.000Z"),
        // More than five minutes ahead: the clock is wrong.
        ("2026-11-23T10:05:00.001Z", received),
        ("2026-11-24T09:00:00Z", received),
        // Nothing to go by but the receipt.
        ("yesterday", received),
        ("2026-11-23T10:00:60Z", received),
    ] {
        assert_eq!(follow_up_base(created, received), base, "{created}");
    }
    assert_eq!(
        follow_up_base("2026-11-23T12:00:00Z", "not a time"),
        "2026-11-23T12:00:00Z",
        "no receipt time to correct it with"
    );
}

/// HEART Engagement counts a comment given, and Adoption the templates' first-use item.
#[test]
fn heart_engagement_counts_a_comment_and_adoption_the_first_use_item() {
    for survey in ["post-service", "post-call"] {
        let def = templates::load(survey).unwrap().unwrap();
        let cfg = def.scoring_config();
        let card = score(
            &def,
            &answers(&[
                (
                    "comment",
                    Answer::Text("the lounge coffee was great".into()),
                ),
                ("first_use", Answer::YesNo(true)),
            ]),
            &cfg,
        );
        let engagement = card.heart(Heart::Engagement).unwrap();
        assert_eq!(engagement.items.len(), 1, "{survey}");
        assert_eq!(engagement.items[0].question.as_str(), "comment");
        assert_close(engagement.mean, 100.0);
        let adoption = card.heart(Heart::Adoption).unwrap();
        assert_eq!(adoption.items[0].question.as_str(), "first_use", "{survey}");
        assert_close(adoption.mean, 100.0);
        // Left blank: an observed "no comment", 0; first use not applicable: missing.
        let card = score(
            &def,
            &answers(&[
                ("comment", Answer::Text("  ".into())),
                ("first_use", Answer::NotApplicable),
            ]),
            &cfg,
        );
        assert_close(card.heart(Heart::Engagement).unwrap().mean, 0.0);
        assert_eq!(card.heart(Heart::Adoption).unwrap().mean, None);
    }
    // A tagged question hidden by its show_if is left out, not counted as 0.
    let mut hidden = comment("note");
    hidden["scoring"] = json!({"heart": "engagement"});
    hidden["show_if"] = json!({"answered": {"question": "q1"}});
    let d = def(vec![rating("q1", 5, json!({})), hidden]);
    let card = score(&d, &answers(&[]), &d.scoring_config());
    assert_eq!(card.heart(Heart::Engagement).unwrap().mean, None);
}

/// "Did we solve it?" (the closed case's survey) is scored by the same rules: solved is
/// its FCR, the handling its CSAT, and a "no" is an unresolved contact's alert.
#[test]
fn the_case_solved_survey_scores_fcr_and_csat() {
    let def = templates::load(templates::CASE_SOLVED_ID).unwrap().unwrap();
    assert_eq!(def.id.as_str(), "case-solved");
    assert!(
        !templates::BUILT_IN.contains(&"case-solved"),
        "made from a case only"
    );
    let cfg = def.scoring_config();
    let card = score(
        &def,
        &answers(&[
            ("solved", Answer::YesNo(true)),
            ("handling", Answer::Scale(5)),
        ]),
        &cfg,
    );
    let fcr = card.fcr.clone().expect("fcr");
    assert!(fcr.resolved);
    assert_eq!(fcr.question.as_str(), "solved");
    let csat = card.csat.clone().expect("csat");
    assert_eq!((csat.value, csat.points, csat.top_box), (5, 5, true));
    assert!(card.alerts.is_empty(), "{:?}", card.alerts);
    let card = score(
        &def,
        &answers(&[
            ("solved", Answer::YesNo(false)),
            ("handling", Answer::Scale(2)),
        ]),
        &cfg,
    );
    assert_eq!(card.fcr.map(|f| f.resolved), Some(false));
    let rules: Vec<AlertRule> = card.alerts.iter().map(|a| a.rule).collect();
    assert!(rules.contains(&AlertRule::FcrNo), "{rules:?}");
}
