//! PostgreSQL's side of [`super::totals`]: writing a row's totals, summing them per
//! group, and filling them in for rows stored before the columns existed.

use super::postgres::pg_err;
use super::totals::{self, COUNTS, SUMS};
use super::{Scores, StoreError};
use survey_core::scoring::totals::{Outcomes, Totals};
use survey_core::scoring::ScoreCard;
use tokio_postgres::types::ToSql;
use tokio_postgres::GenericClient;

/// Writes `t` into the row `id` (in the caller's transaction).
pub async fn write(
    client: &impl GenericClient,
    id: &str,
    t: &Totals,
    fft: Outcomes,
) -> Result<(), StoreError> {
    let sql = format!(
        "UPDATE responses SET {} WHERE id = $1",
        totals::set_list(2, |i| format!("${i}"))
    );
    let version = t
        .versions
        .iter()
        .next()
        .map(|v| i32::try_from(*v).unwrap_or(i32::MAX));
    let (c, s) = (totals::counts(t, fft), totals::sums(t));
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&id, &version];
    params.extend(c.iter().map(|x| x as &(dyn ToSql + Sync)));
    params.extend(s.iter().map(|x| x as &(dyn ToSql + Sync)));
    client.execute(&sql, &params).await.map_err(pg_err)?;
    Ok(())
}

/// The summed scores per value of `key` (an SQL expression of type text) of the rows
/// `filter` selects, in one pass; `params` are the filter's.
pub async fn groups(
    client: &impl GenericClient,
    key: &str,
    filter: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<(Option<String>, Scores)>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT {key} AS k, survey_id, t_version, {} FROM responses WHERE {filter}
                 GROUP BY 1, 2, 3 ORDER BY 1",
                totals::sum_list()
            ),
            params,
        )
        .await
        .map_err(pg_err)?;
    let mut out = Vec::new();
    for r in &rows {
        let mut c = [0_i64; COUNTS.len()];
        let mut s = [0_f64; SUMS.len()];
        for (i, v) in c.iter_mut().enumerate() {
            *v = r.try_get(5 + i).map_err(pg_err)?;
        }
        for (i, v) in s.iter_mut().enumerate() {
            *v = r.try_get(5 + COUNTS.len() + i).map_err(pg_err)?;
        }
        let version: Option<i32> = r.try_get(2).map_err(pg_err)?;
        totals::merge_row(
            &mut out,
            r.try_get(0).map_err(pg_err)?,
            r.try_get(1).map_err(pg_err)?,
            version.map(i64::from),
            r.try_get(3).map_err(pg_err)?,
            r.try_get(4).map_err(pg_err)?,
            &c,
            &s,
        )?;
    }
    Ok(out)
}

/// Gives every scored row without totals its totals (rows stored before migration
/// 0010), a batch per transaction; returns how many. An unreadable card is left as it
/// is (logged by id).
pub async fn backfill(client: &mut deadpool_postgres::Object) -> Result<u64, StoreError> {
    let (mut done, mut after) = (0_u64, -1_i64);
    loop {
        let tx = client.transaction().await.map_err(pg_err)?;
        let batch = tx
            .query(
                "SELECT seq, id, score, survey_id FROM responses
                 WHERE seq > $1 AND score IS NOT NULL AND (t_version IS NULL OR t_fft_n IS NULL)
                 ORDER BY seq LIMIT 500",
                &[&after],
            )
            .await
            .map_err(pg_err)?;
        let Some(last) = batch.last() else {
            return Ok(done);
        };
        after = last.try_get(0).map_err(pg_err)?;
        for r in &batch {
            let id: String = r.try_get(1).map_err(pg_err)?;
            let score: String = r.try_get(2).map_err(pg_err)?;
            let survey: String = r.try_get(3).map_err(pg_err)?;
            match serde_json::from_str::<ScoreCard>(&score) {
                Ok(card) => {
                    let listed = totals::fixed_first_time_questions(&survey);
                    let fft = totals::fixed_first_time(&card, &listed);
                    write(&*tx, &id, &Totals::of(&card), fft).await?;
                    done += 1;
                }
                Err(e) => tracing::warn!(response = %id, "totals: unreadable score card: {e}"),
            }
        }
        tx.commit().await.map_err(pg_err)?;
    }
}
