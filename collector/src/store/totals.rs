//! Each response's [`Totals`] as columns of `responses` (migration 0010), written with
//! the row, and summed by the database for the summary and the breakdown: a year of a
//! dealer group is a `SUM` over indexed rows, not 100,000 score cards read into the
//! server (see `survey_core::scoring::totals`).
//!
//! The one list of the columns is here ([`COUNTS`], [`SUMS`]); both backends build
//! their statements from it, and a test checks the migrations create exactly these.
//!
//! Besides the card's totals, a row holds its **fixed-first-time** outcome
//! (`t_fft_n`, `t_fft_yes`, migration 0016): whether the customer said the car was
//! fixed right the first time, on the yes/no questions the questionnaire's alert rules
//! list for it (`AlertRules::not_fixed_first_time`, whose "no" raises that alert). The
//! card has each item's answer but not which items those are, so the collector works
//! it out where it has the definition ([`crate::verify`]) and the overview shows the
//! rate against the dealer's target (domain notes: ≥ 95%).

use super::{Scores, StoreError};
use survey_core::ids::QuestionId;
use survey_core::scoring::totals::{Outcomes, Sum, Totals};
use survey_core::scoring::{ItemKind, ScoreCard};

/// An SQL expression (text) of the label of the period a row's `created_at` falls in,
/// for [`super::Store::scores_by_period`]: `starts` are (label, sort key) pairs in
/// ascending order; rows before the first start are `NULL`. The labels and keys are
/// the collector's own (`2026-11`, `2026-10-31T16:00:00`), checked to hold nothing but
/// digits, `-`, `:`, `.` and `T`, so they are written into the statement as literals;
/// the same text on both backends.
pub fn period_key(starts: &[(String, String)]) -> Result<String, StoreError> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'.' | b'T'))
    };
    if starts.is_empty() {
        return Ok("CAST(NULL AS TEXT)".into());
    }
    let mut sql = String::from("CASE");
    for (label, key) in starts.iter().rev() {
        if !plain(label) || !plain(key) {
            return Err(StoreError::Failed(format!(
                "period {label:?} at {key:?} is not a plain label and time"
            )));
        }
        sql.push_str(&format!(
            " WHEN rtrim(created_at, 'Z') >= '{key}' THEN '{label}'"
        ));
    }
    sql.push_str(" END");
    Ok(sql)
}

/// The integer columns, in the order of [`counts`].
pub const COUNTS: [&str; 29] = [
    "t_n",
    "t_csi_n",
    "t_reliability_n",
    "t_responsiveness_n",
    "t_assurance_n",
    "t_empathy_n",
    "t_tangibles_n",
    "t_promoters",
    "t_passives",
    "t_detractors",
    "t_csat_n",
    "t_csat_yes",
    "t_fcr_n",
    "t_fcr_yes",
    "t_ces_n",
    "t_compliance_n",
    "t_alert_low_overall",
    "t_alert_nps_detractor",
    "t_alert_not_fixed_first_time",
    "t_alert_fcr_no",
    "t_alert_contact_requested",
    "t_alerts_low_overall",
    "t_alerts_nps_detractor",
    "t_alerts_not_fixed_first_time",
    "t_alerts_fcr_no",
    "t_alerts_contact_requested",
    "t_with_alerts",
    "t_fft_n",
    "t_fft_yes",
];

/// The real-number columns, in the order of [`sums`].
pub const SUMS: [&str; 9] = [
    "t_csi_sum",
    "t_reliability_sum",
    "t_responsiveness_sum",
    "t_assurance_sum",
    "t_empathy_sum",
    "t_tangibles_sum",
    "t_ces_value_sum",
    "t_ces_rescaled_sum",
    "t_compliance_sum",
];

/// The column of the card's scoring version: `NULL` until a row's totals are written
/// (an unscored row keeps it `NULL`; the backfill looks for scored rows without it).
pub const VERSION: &str = "t_version";

/// The fixed-first-time outcome of one card: its yes/no items among `listed` that
/// were answered (not skipped, not "not applicable") count as one response, fixed when
/// every one of them says yes; none answered is no outcome (n 0).
pub fn fixed_first_time(card: &ScoreCard, listed: &[QuestionId]) -> Outcomes {
    let answered: Vec<u8> = card
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::YesNo && listed.contains(&i.question))
        .filter_map(|i| i.value)
        .collect();
    if answered.is_empty() {
        return Outcomes::default();
    }
    Outcomes {
        n: 1,
        yes: u64::from(answered.iter().all(|v| *v == 1)),
    }
}

/// The questions whose "no" means not fixed the first time, for rows stored before
/// 0016 (the backfill has the card and the survey id, not the definition): a built-in
/// survey's own rules, else the default rules. A dealer's questionnaire published
/// before 0016 with a list of its own would be counted by the default list.
pub fn fixed_first_time_questions(survey: &str) -> Vec<QuestionId> {
    survey_core::templates::load(survey)
        .and_then(Result::ok)
        .map(|d| d.scoring_config().alerts.not_fixed_first_time)
        .unwrap_or_else(|| survey_core::scoring::AlertRules::default().not_fixed_first_time)
}

/// A response's counts, in [`COUNTS`] order.
pub fn counts(t: &Totals, fft: Outcomes) -> [i64; 29] {
    let d = &t.dimensions;
    let v = [
        t.n,
        t.csi.n,
        d[0].n,
        d[1].n,
        d[2].n,
        d[3].n,
        d[4].n,
        t.promoters,
        t.passives,
        t.detractors,
        t.csat.n,
        t.csat.yes,
        t.fcr.n,
        t.fcr.yes,
        t.ces_value.n,
        t.compliance.n,
        t.alert_responses[0],
        t.alert_responses[1],
        t.alert_responses[2],
        t.alert_responses[3],
        t.alert_responses[4],
        t.alerts[0],
        t.alerts[1],
        t.alerts[2],
        t.alerts[3],
        t.alerts[4],
        t.responses_with_alerts,
        fft.n,
        fft.yes,
    ];
    v.map(|x| i64::try_from(x).unwrap_or(i64::MAX))
}

/// A response's sums, in [`SUMS`] order.
pub fn sums(t: &Totals) -> [f64; 9] {
    let d = &t.dimensions;
    [
        t.csi.sum,
        d[0].sum,
        d[1].sum,
        d[2].sum,
        d[3].sum,
        d[4].sum,
        t.ces_value.sum,
        t.ces_rescaled.sum,
        t.compliance.sum,
    ]
}

/// Totals and the fixed-first-time outcomes from summed columns (the versions come
/// apart: they add by union).
pub fn from_columns(c: &[i64; 29], s: &[f64; 9]) -> (Totals, Outcomes) {
    let u = |i: usize| u64::try_from(c[i]).unwrap_or(0);
    let sum = |n: usize, s: f64| Sum { n: u(n), sum: s };
    let mut t = Totals {
        n: u(0),
        csi: sum(1, s[0]),
        dimensions: [
            sum(2, s[1]),
            sum(3, s[2]),
            sum(4, s[3]),
            sum(5, s[4]),
            sum(6, s[5]),
        ],
        promoters: u(7),
        passives: u(8),
        detractors: u(9),
        ces_value: sum(14, s[6]),
        ces_rescaled: sum(14, s[7]),
        compliance: sum(15, s[8]),
        responses_with_alerts: u(26),
        ..Totals::default()
    };
    t.csat.n = u(10);
    t.csat.yes = u(11);
    t.fcr.n = u(12);
    t.fcr.yes = u(13);
    for i in 0..5 {
        t.alert_responses[i] = u(16 + i);
        t.alerts[i] = u(21 + i);
    }
    (
        t,
        Outcomes {
            n: u(27),
            yes: u(28),
        },
    )
}

/// The `SET` list of the statement that writes a row's totals, with placeholders from
/// `first` on, in the order [`VERSION`], [`COUNTS`], [`SUMS`]; `placeholder(i)` spells
/// the i-th (`?i` for SQLite, `$i` for PostgreSQL).
pub fn set_list(first: usize, placeholder: fn(usize) -> String) -> String {
    std::iter::once(VERSION)
        .chain(COUNTS)
        .chain(SUMS)
        .enumerate()
        .map(|(i, c)| format!("{c} = {}", placeholder(first + i)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The select list that sums a group's rows: unscored rows, mismatches, then [`COUNTS`]
/// and [`SUMS`]; portable between SQLite and PostgreSQL (whose `SUM` of a `bigint` is
/// a `numeric`, hence the casts).
pub fn sum_list() -> String {
    let mut parts = vec![
        // Unscored: no card, so no totals (rows stored before 0010 have theirs filled
        // in before the collector serves).
        "CAST(COALESCE(SUM(CASE WHEN t_version IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT)"
            .to_string(),
        "CAST(COALESCE(SUM(CASE WHEN score_mismatch THEN 1 ELSE 0 END), 0) AS BIGINT)".to_string(),
    ];
    parts.extend(
        COUNTS
            .iter()
            .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT)")),
    );
    parts.extend(
        SUMS.iter()
            .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS DOUBLE PRECISION)")),
    );
    parts.join(", ")
}

/// Merges one summed row of a group query (`key, survey_id, t_version`, then the
/// [`sum_list`] values), in key order, into `groups`: a key's rows of different surveys
/// and scoring versions add up, and the surveys and versions are kept apart.
#[allow(clippy::too_many_arguments)]
pub fn merge_row(
    groups: &mut Vec<(Option<String>, Scores)>,
    key: Option<String>,
    survey: String,
    version: Option<i64>,
    unscored: i64,
    mismatches: i64,
    c: &[i64; 29],
    s: &[f64; 9],
) -> Result<(), StoreError> {
    if groups.last().map(|(k, _)| k) != Some(&key) {
        groups.push((key, Scores::default()));
    }
    let Some((_, scores)) = groups.last_mut() else {
        return Ok(());
    };
    let (totals, fft) = from_columns(c, s);
    scores.totals.add(&totals);
    scores.fixed_first_time.n += fft.n;
    scores.fixed_first_time.yes += fft.yes;
    scores.unscored += u64::try_from(unscored).unwrap_or(0);
    scores.mismatches += u64::try_from(mismatches).unwrap_or(0);
    if let Some(v) = version {
        let v = u32::try_from(v)
            .map_err(|_| StoreError::Failed(format!("scoring version {v} out of range")))?;
        scores.totals.versions.insert(v);
        scores.surveys.insert(survey);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip() {
        let mut t = Totals {
            n: 3,
            csi: Sum { n: 2, sum: 150.5 },
            promoters: 1,
            detractors: 2,
            ces_value: Sum { n: 2, sum: 9.0 },
            ces_rescaled: Sum { n: 2, sum: 120.0 },
            compliance: Sum { n: 1, sum: 0.5 },
            alert_responses: [1, 2, 0, 0, 1],
            alerts: [1, 3, 0, 0, 1],
            responses_with_alerts: 2,
            ..Totals::default()
        };
        t.dimensions[4] = Sum { n: 1, sum: 75.0 };
        t.csat.n = 3;
        t.csat.yes = 2;
        t.fcr.n = 1;
        let fft = Outcomes { n: 4, yes: 3 };
        assert_eq!(from_columns(&counts(&t, fft), &sums(&t)), (t, fft));
    }

    #[test]
    fn the_migrations_create_exactly_these_columns() {
        for sql in [
            concat!(
                include_str!("../../migrations/sqlite/0010_totals.sql"),
                include_str!("../../migrations/sqlite/0016_fixed_first_time.sql")
            ),
            concat!(
                include_str!("../../migrations/postgres/0010_totals.sql"),
                include_str!("../../migrations/postgres/0016_fixed_first_time.sql")
            ),
        ] {
            let made: Vec<&str> = sql
                .split("ADD COLUMN ")
                .skip(1)
                .filter_map(|rest| rest.split_whitespace().next())
                .collect();
            let mut made = made;
            let mut listed: Vec<&str> =
                std::iter::once(VERSION).chain(COUNTS).chain(SUMS).collect();
            made.sort_unstable();
            listed.sort_unstable();
            assert_eq!(made, listed);
        }
    }

    #[test]
    fn the_set_list_names_every_column_once() {
        let set = set_list(1, |i| format!("?{i}"));
        assert!(set.starts_with("t_version = ?1, t_n = ?2,"));
        assert!(set.ends_with("t_compliance_sum = ?39"));
        assert_eq!(set.matches(" = ").count(), 1 + COUNTS.len() + SUMS.len());
    }

    /// Fixed when every listed yes/no item answered says yes; skipped and "not
    /// applicable" are no outcome; a yes/no item that is not listed does not count.
    #[test]
    fn fixed_first_time_reads_the_listed_yes_no_items() {
        let def = match survey_core::templates::load("post-service") {
            Some(Ok(d)) => d,
            other => panic!("post-service: {other:?}"),
        };
        let listed = fixed_first_time_questions("post-service");
        assert_eq!(listed, vec![QuestionId::new("p_fixed_first_time")]);
        let outcome = |answers: &str| {
            let answers: survey_core::Answers = serde_json::from_str(answers).expect("answers");
            let card = survey_core::scoring::score(&def, &answers, &def.scoring_config());
            fixed_first_time(&card, &listed)
        };
        assert_eq!(
            outcome(r#"{"p_fixed_first_time":{"yes_no":true}}"#),
            Outcomes { n: 1, yes: 1 }
        );
        assert_eq!(
            outcome(r#"{"p_fixed_first_time":{"yes_no":false},"p_on_time":{"yes_no":true}}"#),
            Outcomes { n: 1, yes: 0 }
        );
        assert_eq!(
            outcome(r#"{"p_fixed_first_time":"not_applicable"}"#),
            Outcomes::default()
        );
        assert_eq!(
            outcome(r#"{"p_on_time":{"yes_no":false}}"#),
            Outcomes::default()
        );
        // A survey the collector has no template of: the default rules' list.
        assert_eq!(fixed_first_time_questions("dealer-own"), listed);
    }
}
