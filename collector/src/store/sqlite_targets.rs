//! SQLite statements for the follow-up targets ([`super::targets`]).

use super::targets::{TargetCase, TargetFilter, TargetVisit};
use super::StoreError;
use rusqlite::{params, Connection};

pub fn cases(conn: &Connection, f: &TargetFilter) -> Result<Vec<TargetCase>, StoreError> {
    let dealers = f.dealers.as_ref().map(serde_json::to_string).transpose()?;
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.dealer, c.owner, u.login, c.state, r.answers
         FROM cases c LEFT JOIN users u ON u.id = c.owner
         LEFT JOIN responses r
                ON r.survey_id = 'case-solved' AND r.token = c.id AND r.verified = 1
         WHERE (?1 IS NULL OR c.dealer IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR c.dealer = ?2)
           AND (?3 IS NULL OR rtrim(c.created_at, 'Z') >= ?3)
           AND (?4 IS NULL OR rtrim(c.created_at, 'Z') < ?4)
         ORDER BY c.seq",
    )?;
    let rows = stmt.query_map(params![dealers, f.dealer, f.from, f.to], |r| {
        Ok(TargetCase {
            id: r.get(0)?,
            dealer: r.get(1)?,
            owner: r.get(2)?,
            owner_login: r.get(3)?,
            state: r.get(4)?,
            solved: super::targets::solved(r.get::<_, Option<String>>(5)?.as_deref()),
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn visits(conn: &Connection, f: &TargetFilter) -> Result<Vec<TargetVisit>, StoreError> {
    let dealers = f.dealers.as_ref().map(serde_json::to_string).transpose()?;
    let mut stmt = conn.prepare_cached(
        "SELECT v.dealer, v.pickup_date, a.at, a.actor, u.login
         FROM visits v
         LEFT JOIN followup_attempts a
                ON a.seq = (SELECT MIN(x.seq) FROM followup_attempts x WHERE x.visit_id = v.id)
         LEFT JOIN users u ON a.actor = 'user:' || u.id
         WHERE (?1 IS NULL OR v.dealer IN (SELECT value FROM json_each(?1)))
           AND (?2 IS NULL OR v.dealer = ?2)
           AND (?3 IS NULL OR v.pickup_date >= ?3)
           AND (?4 IS NULL OR v.pickup_date <= ?4)
         ORDER BY v.seq",
    )?;
    let rows = stmt.query_map(
        params![dealers, f.dealer, f.pickup_from, f.pickup_to],
        |r| {
            Ok(TargetVisit {
                dealer: r.get(0)?,
                pickup_date: r.get(1)?,
                first_attempt_at: r.get(2)?,
                first_actor: r.get(3)?,
                first_actor_login: r.get(4)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
