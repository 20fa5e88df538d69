//! SQLite's side of [`super::totals`]: writing a row's totals, summing them per group,
//! and filling them in for rows stored before the columns existed.

use super::totals::{self, COUNTS, SUMS};
use super::{Scores, StoreError};
use rusqlite::{Connection, ToSql};
use survey_core::scoring::totals::{Outcomes, Totals};
use survey_core::scoring::ScoreCard;

/// Writes `t` into the row `id` (in the caller's transaction).
pub fn write(conn: &Connection, id: &str, t: &Totals, fft: Outcomes) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "UPDATE responses SET {} WHERE id = ?1",
        totals::set_list(2, |i| format!("?{i}"))
    ))?;
    let version = t.versions.iter().next().map(|v| i64::from(*v));
    let (c, s) = (totals::counts(t, fft), totals::sums(t));
    let mut params: Vec<&dyn ToSql> = vec![&id, &version];
    params.extend(c.iter().map(|x| x as &dyn ToSql));
    params.extend(s.iter().map(|x| x as &dyn ToSql));
    stmt.execute(params.as_slice())?;
    Ok(())
}

/// The summed scores per value of `key` (an SQL expression) of the rows `filter`
/// selects, in one pass; `params` are the filter's.
pub fn groups(
    conn: &Connection,
    key: &str,
    filter: &str,
    params: &[&dyn ToSql],
) -> Result<Vec<(Option<String>, Scores)>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {key} AS k, survey_id, t_version, {} FROM responses WHERE {filter}
         GROUP BY 1, 2, 3 ORDER BY 1",
        totals::sum_list()
    ))?;
    let mut out = Vec::new();
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        let mut c = [0_i64; COUNTS.len()];
        let mut s = [0_f64; SUMS.len()];
        for (i, v) in c.iter_mut().enumerate() {
            *v = r.get(5 + i)?;
        }
        for (i, v) in s.iter_mut().enumerate() {
            *v = r.get(5 + COUNTS.len() + i)?;
        }
        totals::merge_row(
            &mut out,
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            &c,
            &s,
        )?;
    }
    Ok(out)
}

/// Gives every scored row without totals its totals (rows stored before migration
/// 0010), a batch per transaction; returns how many. A card that cannot be read is
/// left as it is (logged by id): the reports then leave it out, as they would any
/// unreadable card.
pub fn backfill(conn: &mut Connection) -> Result<u64, StoreError> {
    let (mut done, mut after) = (0_u64, -1_i64);
    loop {
        let tx = conn.transaction()?;
        let batch: Vec<(i64, String, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT seq, id, score, survey_id FROM responses
                 WHERE seq > ?1 AND score IS NOT NULL AND (t_version IS NULL OR t_fft_n IS NULL)
                 ORDER BY seq LIMIT 500",
            )?;
            let rows = stmt.query_map([after], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let Some((last, _, _, _)) = batch.last() else {
            return Ok(done);
        };
        after = *last;
        for (_, id, score, survey) in &batch {
            match serde_json::from_str::<ScoreCard>(score) {
                Ok(card) => {
                    let listed = totals::fixed_first_time_questions(survey);
                    let fft = totals::fixed_first_time(&card, &listed);
                    write(&tx, id, &Totals::of(&card), fft)?;
                    done += 1;
                }
                Err(e) => tracing::warn!(response = %id, "totals: unreadable score card: {e}"),
            }
        }
        tx.commit()?;
    }
}
