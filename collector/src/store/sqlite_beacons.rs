//! SQLite's side of [`super::beacons`].

use super::beacons::{fold, BeaconFilter, NewBeacon, StageRow, StopRow};
use super::privacy::PurgePlan;
use super::StoreError;
use rusqlite::{params, Connection, ToSql};
use std::collections::BTreeMap;
use survey_core::funnel::{median_of_middle, middle, Counts};

/// Stores `b` once per (visit, stage, page); `true` when it is new.
pub fn add(conn: &Connection, b: &NewBeacon) -> Result<bool, StoreError> {
    let n = conn.prepare_cached(
        "INSERT INTO beacons (at, survey_id, survey_version, dealer, channel, visit, stage, page, elapsed_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (visit, stage, page) DO NOTHING",
    )?
    .execute(params![
        b.at,
        b.survey_id,
        b.survey_version,
        b.dealer,
        b.channel,
        b.visit,
        b.stage,
        b.page,
        b.elapsed_ms
    ])?;
    Ok(n == 1)
}

/// Parameters 1-6 are the [`BeaconFilter`]; 7 says whether to group by channel.
const WHERE: &str = "(?1 IS NULL OR survey_id = ?1)
   AND (?2 IS NULL OR dealer = ?2)
   AND (?3 IS NULL OR rtrim(at, 'Z') >= ?3)
   AND (?4 IS NULL OR rtrim(at, 'Z') < ?4)
   AND (?5 IS NULL OR dealer IN (SELECT value FROM json_each(?5)))
   AND (?6 IS NULL OR channel = ?6)";
const GROUP: &str = "CASE WHEN ?7 THEN channel END";

/// The funnel's counts per channel (`by_channel`) or pooled.
pub fn funnel(
    conn: &Connection,
    f: &BeaconFilter,
    by_channel: bool,
) -> Result<BTreeMap<Option<String>, Counts>, StoreError> {
    let dealers = f.dealers.as_ref().map(serde_json::to_string).transpose()?;
    let p: [&dyn ToSql; 7] = [
        &f.survey,
        &f.dealer,
        &f.from,
        &f.to,
        &dealers,
        &f.channel,
        &by_channel,
    ];
    let stages: Vec<StageRow> = conn
        .prepare_cached(&format!(
            "SELECT {GROUP}, stage, page, COUNT(DISTINCT visit) FROM beacons WHERE {WHERE}
             GROUP BY 1, 2, 3"
        ))?
        .query_map(p.as_slice(), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let stops: Vec<StopRow> = conn
        .prepare_cached(&format!(
            "SELECT g, last, COUNT(*) FROM (
                 SELECT {GROUP} AS g, visit,
                        MAX(CASE WHEN stage = 'page' THEN page ELSE 1 END) AS last,
                        MAX(CASE WHEN stage = 'completed' THEN 1 ELSE 0 END) AS done
                 FROM beacons WHERE {WHERE} GROUP BY 1, 2)
             WHERE done = 0 GROUP BY 1, 2"
        ))?
        .query_map(p.as_slice(), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = fold(stages, stops);
    let mut times = conn.prepare_cached(&format!(
        "SELECT elapsed_ms FROM beacons WHERE {WHERE} AND stage = 'completed'
           AND (?7 = 0 OR channel = ?8)
         ORDER BY elapsed_ms LIMIT ?9 OFFSET ?10"
    ))?;
    for (group, c) in out.iter_mut() {
        let range = middle(c.completed);
        let (limit, offset) = (range.len() as i64, range.start as i64);
        let q: [&dyn ToSql; 10] = [
            p[0], p[1], p[2], p[3], p[4], p[5], p[6], group, &limit, &offset,
        ];
        let mid: Vec<i64> = times
            .query_map(q.as_slice(), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mid: Vec<u64> = mid.into_iter().map(|v| v.max(0) as u64).collect();
        c.median_ms_to_complete = median_of_middle(c.completed, &mid);
    }
    Ok(out)
}

/// Deletes the beacons received before their dealer's cutoff (retention, like the
/// responses' personal data); returns how many.
pub fn purge(conn: &Connection, plan: &PurgePlan) -> Result<u64, StoreError> {
    let mut n = 0;
    for (dealer, cutoff) in &plan.dealers {
        n += conn
            .prepare_cached("DELETE FROM beacons WHERE dealer = ?1 AND at < ?2")?
            .execute(params![dealer, cutoff])? as u64;
    }
    n += conn
        .prepare_cached(
            "DELETE FROM beacons WHERE at < ?1
               AND (dealer IS NULL OR dealer NOT IN (SELECT dealer FROM dealer_privacy))",
        )?
        .execute(params![plan.default_cutoff])? as u64;
    Ok(n)
}
