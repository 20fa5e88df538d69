//! PostgreSQL's side of [`crate::voc`]: writing a row's marks, filling them in for
//! rows stored before migration 0017, and the tally's three reads (the same statements
//! as SQLite's).

use super::postgres::pg_err;
use super::StoreError;
use crate::voc::{self, Tally};
use survey_core::scoring::ScoreCard;
use survey_core::Answers;
use tokio_postgres::types::ToSql;
use tokio_postgres::GenericClient;

/// Writes the marks of the row `id` (in the caller's transaction).
pub async fn write(
    client: &impl GenericClient,
    id: &str,
    marks: &[String],
    commented: bool,
) -> Result<(), StoreError> {
    if !marks.is_empty() {
        client
            .execute(
                "INSERT INTO response_marks (response, mark)
                 SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
                &[&id, &marks],
            )
            .await
            .map_err(pg_err)?;
    }
    client
        .execute(
            "UPDATE responses SET v_marked = 1, v_commented = $2 WHERE id = $1",
            &[&id, &i32::from(commented)],
        )
        .await
        .map_err(pg_err)?;
    Ok(())
}

/// Gives every row without marks its marks, a batch per transaction; returns how many.
pub async fn backfill(client: &mut deadpool_postgres::Object) -> Result<u64, StoreError> {
    let (mut done, mut after) = (0_u64, -1_i64);
    loop {
        let tx = client.transaction().await.map_err(pg_err)?;
        let batch = tx
            .query(
                "SELECT seq, id, answers, score FROM responses
                 WHERE seq > $1 AND v_marked IS NULL ORDER BY seq LIMIT 500",
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
            let answers: String = r.try_get(2).map_err(pg_err)?;
            let score: Option<String> = r.try_get(3).map_err(pg_err)?;
            let answers: Answers = serde_json::from_str(&answers).unwrap_or_default();
            let card = score
                .as_deref()
                .and_then(|s| serde_json::from_str::<ScoreCard>(s).ok());
            let (marks, commented) = voc::marks(card.as_ref(), &answers);
            write(&*tx, &id, &marks, commented).await?;
            done += 1;
        }
        tx.commit().await.map_err(pg_err)?;
    }
}

/// The tally's reads over the rows `filter` (with `params`) selects.
pub async fn tally(
    client: &impl GenericClient,
    period: &str,
    since: Option<&str>,
    filter: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Tally, StoreError> {
    let mut out = Tally::default();
    for r in client
        .query(&voc::responses_sql(period, filter), params)
        .await
        .map_err(pg_err)?
    {
        if let Some(month) = r.try_get::<_, Option<String>>(0).map_err(pg_err)? {
            out.responses.push((month, r.try_get(1).map_err(pg_err)?));
        }
    }
    for r in client
        .query(&voc::count_sql(period, filter), params)
        .await
        .map_err(pg_err)?
    {
        if let Some(month) = r.try_get::<_, Option<String>>(0).map_err(pg_err)? {
            out.counts.push((
                month,
                r.try_get(1).map_err(pg_err)?,
                r.try_get(2).map_err(pg_err)?,
            ));
        }
    }
    if let Some(since) = since {
        for r in client
            .query(&voc::comments_sql(filter, since), params)
            .await
            .map_err(pg_err)?
        {
            out.comments.push((
                r.try_get(0).map_err(pg_err)?,
                r.try_get(1).map_err(pg_err)?,
                r.try_get(2).map_err(pg_err)?,
                r.try_get(3).map_err(pg_err)?,
                r.try_get(4).map_err(pg_err)?,
            ));
        }
    }
    Ok(out)
}
