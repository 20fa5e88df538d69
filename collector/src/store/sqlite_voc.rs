//! SQLite's side of [`crate::voc`]: writing a row's marks, filling them in for rows
//! stored before migration 0017, and the tally's three reads.

use super::StoreError;
use crate::voc::{self, Tally};
use rusqlite::{params, Connection, ToSql};
use survey_core::scoring::ScoreCard;
use survey_core::Answers;

/// Writes the marks of the row `id` (in the caller's transaction).
pub fn write(
    conn: &Connection,
    id: &str,
    marks: &[String],
    commented: bool,
) -> Result<(), StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO response_marks (response, mark) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;
    for mark in marks {
        insert.execute(params![id, mark])?;
    }
    conn.prepare_cached("UPDATE responses SET v_marked = 1, v_commented = ?2 WHERE id = ?1")?
        .execute(params![id, i64::from(commented)])?;
    Ok(())
}

/// Gives every row without marks its marks, a batch per transaction; returns how many.
/// A stored card that cannot be read counts as none (its reasons still count).
pub fn backfill(conn: &mut Connection) -> Result<u64, StoreError> {
    let (mut done, mut after) = (0_u64, -1_i64);
    loop {
        let tx = conn.transaction()?;
        let batch: Vec<(i64, String, String, Option<String>)> = {
            let mut stmt = tx.prepare(
                "SELECT seq, id, answers, score FROM responses
                 WHERE seq > ?1 AND v_marked IS NULL ORDER BY seq LIMIT 500",
            )?;
            let rows = stmt.query_map([after], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let Some((last, ..)) = batch.last() else {
            return Ok(done);
        };
        after = *last;
        for (_, id, answers, score) in &batch {
            let answers: Answers = serde_json::from_str(answers).unwrap_or_default();
            let card = score
                .as_deref()
                .and_then(|s| serde_json::from_str::<ScoreCard>(s).ok());
            let (marks, commented) = voc::marks(card.as_ref(), &answers);
            write(&tx, id, &marks, commented)?;
            done += 1;
        }
        tx.commit()?;
    }
}

/// The tally's reads over the rows `filter` (with `params`) selects.
pub fn tally(
    conn: &Connection,
    period: &str,
    since: Option<&str>,
    filter: &str,
    params: &[&dyn ToSql],
) -> Result<Tally, StoreError> {
    let mut out = Tally::default();
    let mut stmt = conn.prepare_cached(&voc::responses_sql(period, filter))?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        if let Some(month) = r.get::<_, Option<String>>(0)? {
            out.responses.push((month, r.get(1)?));
        }
    }
    let mut stmt = conn.prepare_cached(&voc::count_sql(period, filter))?;
    let mut rows = stmt.query(params)?;
    while let Some(r) = rows.next()? {
        if let Some(month) = r.get::<_, Option<String>>(0)? {
            out.counts.push((month, r.get(1)?, r.get(2)?));
        }
    }
    if let Some(since) = since {
        let mut stmt = conn.prepare_cached(&voc::comments_sql(filter, since))?;
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            out.comments
                .push((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?));
        }
    }
    Ok(out)
}
