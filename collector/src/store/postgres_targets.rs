//! PostgreSQL statements for the follow-up targets ([`super::targets`]).

use super::postgres::pg_err;
use super::targets::{TargetCase, TargetFilter, TargetVisit};
use super::StoreError;
use tokio_postgres::Client;

pub async fn cases(client: &Client, f: &TargetFilter) -> Result<Vec<TargetCase>, StoreError> {
    let rows = client
        .query(
            "SELECT c.id, c.dealer, c.owner, u.login, c.state, r.answers
             FROM cases c LEFT JOIN users u ON u.id = c.owner
             LEFT JOIN responses r
                    ON r.survey_id = 'case-solved' AND r.token = c.id AND r.verified
             WHERE ($1::text[] IS NULL OR c.dealer = ANY($1))
               AND ($2::text IS NULL OR c.dealer = $2)
               AND ($3::text IS NULL OR rtrim(c.created_at, 'Z') >= $3)
               AND ($4::text IS NULL OR rtrim(c.created_at, 'Z') < $4)
             ORDER BY c.seq",
            &[&f.dealers, &f.dealer, &f.from, &f.to],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows
        .iter()
        .map(|r| TargetCase {
            id: r.get(0),
            dealer: r.get(1),
            owner: r.get(2),
            owner_login: r.get(3),
            state: r.get(4),
            solved: super::targets::solved(r.get::<_, Option<String>>(5).as_deref()),
        })
        .collect())
}

pub async fn visits(client: &Client, f: &TargetFilter) -> Result<Vec<TargetVisit>, StoreError> {
    let rows = client
        .query(
            "SELECT v.dealer, v.pickup_date, a.at, a.actor, u.login
             FROM visits v
             LEFT JOIN followup_attempts a
                    ON a.seq = (SELECT MIN(x.seq) FROM followup_attempts x WHERE x.visit_id = v.id)
             LEFT JOIN users u ON a.actor = 'user:' || u.id
             WHERE ($1::text[] IS NULL OR v.dealer = ANY($1))
               AND ($2::text IS NULL OR v.dealer = $2)
               AND ($3::text IS NULL OR v.pickup_date >= $3)
               AND ($4::text IS NULL OR v.pickup_date <= $4)
             ORDER BY v.seq",
            &[&f.dealers, &f.dealer, &f.pickup_from, &f.pickup_to],
        )
        .await
        .map_err(pg_err)?;
    Ok(rows
        .iter()
        .map(|r| TargetVisit {
            dealer: r.get(0),
            pickup_date: r.get(1),
            first_attempt_at: r.get(2),
            first_actor: r.get(3),
            first_actor_login: r.get(4),
        })
        .collect())
}
