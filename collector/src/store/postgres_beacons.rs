//! PostgreSQL's side of [`super::beacons`], the same statements as SQLite's.

use super::beacons::{fold, BeaconFilter, NewBeacon, StageRow, StopRow};
use super::postgres::pg_err;
use super::privacy::PurgePlan;
use super::StoreError;
use std::collections::BTreeMap;
use survey_core::funnel::{median_of_middle, middle, Counts};
use tokio_postgres::types::ToSql;
use tokio_postgres::Client;

type Param<'a> = &'a (dyn ToSql + Sync);

/// Stores `b` once per (visit, stage, page); `true` when it is new.
pub async fn add(client: &Client, b: &NewBeacon) -> Result<bool, StoreError> {
    let n = client
        .execute(
            "INSERT INTO beacons (at, survey_id, survey_version, dealer, channel, visit, stage, page, elapsed_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (visit, stage, page) DO NOTHING",
            &[
                &b.at,
                &b.survey_id,
                &b.survey_version,
                &b.dealer,
                &b.channel,
                &b.visit,
                &b.stage,
                &b.page,
                &b.elapsed_ms,
            ],
        )
        .await
        .map_err(pg_err)?;
    Ok(n == 1)
}

/// Parameters 1-6 are the [`BeaconFilter`]; 7 says whether to group by channel.
const WHERE: &str = "($1::text IS NULL OR survey_id = $1)
   AND ($2::text IS NULL OR dealer = $2)
   AND ($3::text IS NULL OR rtrim(at, 'Z') >= $3)
   AND ($4::text IS NULL OR rtrim(at, 'Z') < $4)
   AND ($5::text[] IS NULL OR dealer = ANY($5))
   AND ($6::text IS NULL OR channel = $6)";
const GROUP: &str = "CASE WHEN $7::bool THEN channel END";

/// The funnel's counts per channel (`by_channel`) or pooled.
pub async fn funnel(
    client: &Client,
    f: &BeaconFilter,
    by_channel: bool,
) -> Result<BTreeMap<Option<String>, Counts>, StoreError> {
    let p: [Param<'_>; 7] = [
        &f.survey,
        &f.dealer,
        &f.from,
        &f.to,
        &f.dealers,
        &f.channel,
        &by_channel,
    ];
    let stages: Vec<StageRow> = client
        .query(
            &format!(
                "SELECT {GROUP}, stage, page, COUNT(DISTINCT visit) FROM beacons WHERE {WHERE}
                 GROUP BY 1, 2, 3"
            ),
            &p,
        )
        .await
        .map_err(pg_err)?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let stops: Vec<StopRow> = client
        .query(
            &format!(
                "SELECT g, last, COUNT(*) FROM (
                     SELECT {GROUP} AS g, visit,
                            MAX(CASE WHEN stage = 'page' THEN page ELSE 1 END) AS last,
                            MAX(CASE WHEN stage = 'completed' THEN 1 ELSE 0 END) AS done
                     FROM beacons WHERE {WHERE} GROUP BY 1, 2) v
                 WHERE done = 0 GROUP BY 1, 2"
            ),
            &p,
        )
        .await
        .map_err(pg_err)?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let mut out = fold(stages, stops);
    let times = client
        .prepare(&format!(
            "SELECT elapsed_ms FROM beacons WHERE {WHERE} AND stage = 'completed'
               AND (NOT $7::bool OR channel = $8)
             ORDER BY elapsed_ms LIMIT $9 OFFSET $10"
        ))
        .await
        .map_err(pg_err)?;
    for (group, c) in out.iter_mut() {
        let range = middle(c.completed);
        let (limit, offset) = (range.len() as i64, range.start as i64);
        let q: [Param<'_>; 10] = [
            p[0], p[1], p[2], p[3], p[4], p[5], p[6], group, &limit, &offset,
        ];
        let mid: Vec<u64> = client
            .query(&times, &q)
            .await
            .map_err(pg_err)?
            .iter()
            .map(|r| r.get::<_, i64>(0).max(0) as u64)
            .collect();
        c.median_ms_to_complete = median_of_middle(c.completed, &mid);
    }
    Ok(out)
}

/// Deletes the beacons received before their dealer's cutoff; returns how many.
pub async fn purge(client: &Client, plan: &PurgePlan) -> Result<u64, StoreError> {
    let mut n = 0;
    for (dealer, cutoff) in &plan.dealers {
        n += client
            .execute(
                "DELETE FROM beacons WHERE dealer = $1 AND at < $2",
                &[dealer, cutoff],
            )
            .await
            .map_err(pg_err)?;
    }
    n += client
        .execute(
            "DELETE FROM beacons WHERE at < $1
               AND (dealer IS NULL OR dealer NOT IN (SELECT dealer FROM dealer_privacy))",
            &[&plan.default_cutoff],
        )
        .await
        .map_err(pg_err)?;
    Ok(n)
}
