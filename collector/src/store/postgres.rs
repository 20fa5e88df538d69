//! The shared store for a dealer group: PostgreSQL (`--db postgres://…`).
//!
//! Collector processes keep no state of their own, so any number of them can share one
//! database behind a load balancer: the unique constraints decide which of two racing
//! inserts of an id wins (`INSERT … ON CONFLICT DO NOTHING` waits for the other
//! transaction, then the `SELECT` sees its committed row); a response and the case it
//! opens are inserted in one transaction. Commits are durable with
//! PostgreSQL's default `synchronous_commit = on`. Connections come from a pool whose
//! wait is bounded; reports may be pointed at a read replica by running a separate
//! collector with that replica's URL for the read routes.

use super::accounts::{LoginOutcome, NewToken, NewUser, Session, Token, User};
use super::kiosks::{Kiosk, NewKiosk};
use super::migrations::{self, Migration};
use super::postgres_accounts as acc;
use super::postgres_privacy as privacy;
use super::privacy::{AuditEntry, AuditRecord, PurgePlan};
use super::{
    CaseChange, CaseEvent, CaseFilter, CaseRow, Columns, DealerSettings, Filter, Group, Insert,
    NewRow, PageRequest, Receipt, Row, Scores, Store, StoreError,
};
use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Timeouts};
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::{NoTls, Row as PgRow};

/// Connections per collector process.
const POOL_SIZE: usize = 16;
/// Statements that take longer are cancelled by the server, so a stuck query cannot
/// hold a pooled connection forever.
const STATEMENT_TIMEOUT_MS: u32 = 10_000;

pub struct PgStore {
    pool: Pool,
    shown: String,
}

/// The server's own message when there is one (`db error` alone says nothing).
pub(super) fn pg_err(e: tokio_postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Failed(format!("database: {}: {}", db.code().code(), db.message())),
        None => StoreError::Failed(format!("database: {e}")),
    }
}

fn pool_err(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Timeout(_) => {
            StoreError::Busy("no database connection free".into())
        }
        other => StoreError::Failed(format!("database: {other}")),
    }
}

impl PgStore {
    pub async fn open(url: &str) -> Result<Self, String> {
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|e| format!("the PostgreSQL URL is not valid: {e}"))?;
        // Set once per connection at start-up, not with a round trip per checkout.
        let options = match config.get_options() {
            Some(given) if !given.is_empty() => {
                format!("{given} -c statement_timeout={STATEMENT_TIMEOUT_MS}")
            }
            _ => format!("-c statement_timeout={STATEMENT_TIMEOUT_MS}"),
        };
        config.options(&options);
        let shown = describe(&config);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .timeouts(Timeouts {
                wait: Some(Duration::from_secs(5)),
                create: Some(Duration::from_secs(5)),
                recycle: Some(Duration::from_secs(5)),
            })
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| format!("PostgreSQL pool: {e}"))?;
        let store = PgStore { pool, shown };
        store
            .migrate(migrations::POSTGRES)
            .await
            .map_err(|e| format!("{}: {e}", store.shown))?;
        let filled = async {
            let mut client = store.client().await?;
            super::postgres_totals::backfill(&mut client).await
        }
        .await
        .map_err(|e| format!("filling in the totals of {}: {e}", store.shown))?;
        if filled > 0 {
            tracing::info!(responses = filled, "totals filled in for reports");
        }
        let marked = async {
            let mut client = store.client().await?;
            super::postgres_voc::backfill(&mut client).await
        }
        .await
        .map_err(|e| format!("filling in the VOC marks of {}: {e}", store.shown))?;
        if marked > 0 {
            tracing::info!(responses = marked, "VOC marks filled in");
        }
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pool_err)
    }

    /// Applies the pending migrations under an advisory lock, so collectors starting
    /// together migrate once.
    async fn migrate(&self, all: &'static [Migration]) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_err)?;
        tx.batch_execute(
            "SELECT pg_advisory_xact_lock(7262071);
             CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             );",
        )
        .await
        .map_err(pg_err)?;
        let applied: Vec<i64> = tx
            .query("SELECT version FROM schema_migrations", &[])
            .await
            .map_err(pg_err)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for m in migrations::pending(all, &applied).map_err(StoreError::Failed)? {
            tx.batch_execute(m.sql).await.map_err(pg_err)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[&m.version, &m.name],
            )
            .await
            .map_err(pg_err)?;
        }
        tx.commit().await.map_err(pg_err)
    }
}

/// `host:port/dbname` without user or password, for logs.
fn describe(config: &tokio_postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(h) => h.clone(),
            tokio_postgres::config::Host::Unix(p) => p.display().to_string(),
        })
        .unwrap_or_default();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "PostgreSQL {host}:{port}/{}",
        config.get_dbname().unwrap_or("")
    )
}

const WHERE_FILTER: &str = "($1::text IS NULL OR survey_id = $1)
   AND ($2::text IS NULL OR dealer = $2)
   AND ($3::text IS NULL OR rtrim(created_at, 'Z') >= $3)
   AND ($4::text IS NULL OR rtrim(created_at, 'Z') < $4)
   AND ($5::text[] IS NULL OR dealer = ANY($5))
   AND ($6::text IS NULL OR advisor = $6)
   AND (NOT $7::bool OR alerts > 0)
   AND ($8::bool IS NULL OR verified = $8)
   AND ($9::text IS NULL OR context::jsonb ->> 'station' = $9)
   AND ($10::text IS NULL OR context::jsonb ->> 'agent' = $10)
   AND ($11::text IS NULL OR context::jsonb ->> 'channel' = $11)
   AND ($12::bool IS NULL OR (alerts > 0) = $12)
   AND ($13::bigint IS NULL OR (t_csi_n = 1 AND t_csi_sum >= $13))
   AND ($14::bigint IS NULL OR (t_csi_n = 1 AND t_csi_sum <= $14))
   AND ($15::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_each(answers::jsonb) a
        WHERE jsonb_typeof(a.value) = 'object' AND a.value ->> 'text' ILIKE $15))";

type Param<'a> = &'a (dyn tokio_postgres::types::ToSql + Sync);

/// The fifteen parameters of [`WHERE_FILTER`].
fn filter_params(f: &Filter) -> [Param<'_>; 15] {
    [
        &f.survey,
        &f.dealer,
        &f.from,
        &f.to,
        &f.dealers,
        &f.advisor,
        &f.alerts_only,
        &f.verified,
        &f.station,
        &f.agent,
        &f.channel,
        &f.alerts,
        &f.csi_min,
        &f.csi_max,
        &f.text,
    ]
}

pub(super) const ROW_COLUMNS: &str =
    "seq, id, received_at, survey_id, survey_version, locale, created_at,
    context, answers, payload, score, client_score, score_mismatch, alerts, follow_up_due, dealer,
    verified";

pub(super) fn row_of(r: &PgRow) -> Row {
    Row {
        seq: r.get(0),
        id: r.get(1),
        received_at: r.get(2),
        survey_id: r.get(3),
        survey_version: r.get(4),
        locale: r.get(5),
        created_at: r.get(6),
        context: r.get(7),
        answers: r.get(8),
        payload: r.get(9),
        score: r.get(10),
        client_score: r.get(11),
        score_mismatch: r.get(12),
        alerts: r.get(13),
        follow_up_due: r.get(14),
        dealer: r.get(15),
        verified: r.get(16),
    }
}

#[async_trait]
impl Store for PgStore {
    async fn insert(&self, row: NewRow) -> Result<Insert, StoreError> {
        // One transaction: the response and, if it is new and has alerts, its case.
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_err)?;
        let inserted = tx
            .execute(
                "INSERT INTO responses
                     (id, received_at, survey_id, survey_version, locale, created_at, context,
                      answers, payload, score, client_score, score_mismatch, score_verified,
                      alerts, follow_up_due, dealer, token, advisor, verified, kiosk)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                         $19, $20)
                 ON CONFLICT DO NOTHING",
                &[
                    &row.id,
                    &row.received_at,
                    &row.survey_id,
                    &row.survey_version,
                    &row.locale,
                    &row.created_at,
                    &row.context,
                    &row.answers,
                    &row.payload,
                    &row.score,
                    &row.client_score,
                    &row.score_mismatch,
                    &row.score_verified,
                    &row.alerts,
                    &row.follow_up_due,
                    &row.dealer,
                    &row.token,
                    &row.advisor,
                    &row.verified,
                    &row.kiosk,
                ],
            )
            .await
            .map_err(pg_err)?;
        if inserted == 1 {
            if let Some(totals) = &row.totals {
                super::postgres_totals::write(&*tx, &row.id, totals, row.fixed_first_time).await?;
            }
            super::postgres_voc::write(&*tx, &row.id, &row.marks, row.commented).await?;
            if let Some(case) = &row.case {
                super::postgres_cases::open(&*tx, &row.id, case).await?;
            }
            tx.commit().await.map_err(pg_err)?;
            return Ok(Insert::Created(row.receipt()));
        }
        let existing = tx
            .query_opt(
                "SELECT received_at, payload, score_mismatch, alerts, verified
                 FROM responses WHERE id = $1",
                &[&row.id],
            )
            .await
            .map_err(pg_err)?;
        Ok(match existing {
            Some(r) if r.get::<_, String>(1) == row.payload => Insert::Duplicate(Receipt {
                received_at: r.get(0),
                score_mismatch: r.get(2),
                alerts: r.get(3),
                verified: r.get(4),
            }),
            Some(_) => Insert::Conflict,
            None if row.token.is_some() => Insert::TokenUsed,
            None => {
                return Err(StoreError::Failed(
                    "the insert was refused for no known reason".into(),
                ))
            }
        })
    }

    async fn page(&self, filter: &Filter, page: PageRequest) -> Result<Vec<Row>, StoreError> {
        let client = self.client().await?;
        // `seq > coalesce(…)` lets the primary key start the page at the cursor; an
        // `IS NULL OR` form cannot use it in a generic plan (see the SQLite store).
        let (cursor, order) = if page.newest_first {
            (
                "seq < coalesce($16::bigint, 9223372036854775807)",
                "seq DESC",
            )
        } else {
            ("seq > coalesce($16::bigint, -1)", "seq")
        };
        let rows = client
            .query(
                &format!(
                    "SELECT {ROW_COLUMNS} FROM responses
                     WHERE {WHERE_FILTER} AND {cursor}
                     ORDER BY {order} LIMIT $17"
                ),
                &[
                    filter_params(filter).as_slice(),
                    &[&page.after, &i64::from(page.limit)],
                ]
                .concat(),
            )
            .await
            .map_err(pg_err)?;
        Ok(rows.iter().map(row_of).collect())
    }

    async fn columns(&self, filter: &Filter) -> Result<Columns, StoreError> {
        let client = self.client().await?;
        let params = filter_params(filter);
        let keys = client
            .query(
                &format!(
                    "SELECT DISTINCT k COLLATE \"C\" FROM responses, jsonb_object_keys(context::jsonb) AS k
                     WHERE {WHERE_FILTER} ORDER BY 1"
                ),
                &params,
            )
            .await
            .map_err(pg_err)?;
        let pairs = client
            .query(
                &format!(
                    "SELECT DISTINCT survey_id, k COLLATE \"C\" FROM responses, jsonb_object_keys(answers::jsonb) AS k
                     WHERE {WHERE_FILTER} ORDER BY 1, 2"
                ),
                &params,
            )
            .await
            .map_err(pg_err)?;
        Ok(Columns {
            context_keys: keys.iter().map(|r| r.get(0)).collect(),
            answers: pairs.iter().map(|r| (r.get(0), r.get(1))).collect(),
        })
    }

    async fn dealers(&self, filter: &Filter) -> Result<Vec<String>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT DISTINCT dealer FROM responses WHERE {WHERE_FILTER} \
                     AND dealer IS NOT NULL ORDER BY dealer"
                ),
                &filter_params(filter),
            )
            .await
            .map_err(pg_err)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn scores_by(
        &self,
        filter: &Filter,
        group: Group,
    ) -> Result<Vec<(Option<String>, Scores)>, StoreError> {
        let key = match group {
            Group::Advisor => "advisor COLLATE \"C\"",
            Group::Agent => "(context::jsonb ->> 'agent') COLLATE \"C\"",
            Group::Station => "(context::jsonb ->> 'station') COLLATE \"C\"",
            Group::Channel => "(context::jsonb ->> 'channel') COLLATE \"C\"",
        };
        let client = self.client().await?;
        super::postgres_totals::groups(&**client, key, WHERE_FILTER, &filter_params(filter)).await
    }

    async fn scores_by_period(
        &self,
        filter: &Filter,
        starts: &[(String, String)],
    ) -> Result<Vec<(Option<String>, Scores)>, StoreError> {
        let key = format!("({}) COLLATE \"C\"", super::totals::period_key(starts)?);
        let client = self.client().await?;
        super::postgres_totals::groups(&**client, &key, WHERE_FILTER, &filter_params(filter)).await
    }

    async fn voc(
        &self,
        filter: &Filter,
        starts: &[(String, String)],
    ) -> Result<crate::voc::Tally, StoreError> {
        let period = super::totals::period_key(starts)?;
        let since = crate::voc::last_start(starts)?;
        let client = self.client().await?;
        super::postgres_voc::tally(
            &**client,
            &period,
            since.as_deref(),
            WHERE_FILTER,
            &filter_params(filter),
        )
        .await
    }

    async fn scores(&self, filter: &Filter) -> Result<Scores, StoreError> {
        let client = self.client().await?;
        let all = super::postgres_totals::groups(
            &**client,
            "CAST(NULL AS TEXT)",
            WHERE_FILTER,
            &filter_params(filter),
        )
        .await?;
        Ok(all.into_iter().next().map(|(_, s)| s).unwrap_or_default())
    }

    async fn ready(&self) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg_err)?;
        tx.query_one("SELECT count(*) FROM schema_migrations", &[])
            .await
            .map_err(pg_err)?;
        // A write the database must accept (a read replica or a full disk refuses it).
        tx.batch_execute("CREATE TEMPORARY TABLE readyz_probe (x int) ON COMMIT DROP")
            .await
            .map_err(pg_err)?;
        tx.rollback().await.map_err(pg_err)
    }

    async fn cases(
        &self,
        filter: &CaseFilter,
        page: PageRequest,
    ) -> Result<Vec<CaseRow>, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::list(&client, filter, page).await
    }

    async fn case(&self, id: &str) -> Result<Option<CaseRow>, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::get(&client, id).await
    }

    async fn case_events(&self, id: &str) -> Result<Vec<CaseEvent>, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::events(&client, id).await
    }

    async fn response(&self, id: &str) -> Result<Option<Row>, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::response(&client, id).await
    }

    async fn change_case(&self, change: &CaseChange) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        super::postgres_cases::change(&mut client, change).await
    }

    async fn case_owner(&self, dealer: &str) -> Result<Option<String>, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::owner(&client, dealer).await
    }

    async fn set_case_owner(
        &self,
        dealer: &str,
        owner: Option<&str>,
        at: &str,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        super::postgres_cases::set_owner(&client, dealer, owner, at).await
    }

    async fn add_visits(&self, visits: &[super::NewVisit]) -> Result<super::Added, StoreError> {
        let mut client = self.client().await?;
        super::postgres_followups::add(&mut client, visits).await
    }

    async fn followups(
        &self,
        filter: &super::FollowUpFilter,
    ) -> Result<Vec<super::VisitRow>, StoreError> {
        let client = self.client().await?;
        super::postgres_followups::list(&client, filter).await
    }

    async fn count_followups(&self, filter: &super::FollowUpFilter) -> Result<u64, StoreError> {
        let client = self.client().await?;
        super::postgres_followups::count(&client, filter).await
    }

    async fn visit(&self, id: &str) -> Result<Option<super::VisitRow>, StoreError> {
        let client = self.client().await?;
        super::postgres_followups::get(&client, id).await
    }

    async fn visit_phones(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<super::VisitPhone>, StoreError> {
        let client = self.client().await?;
        let rows = client
            .query(
                "SELECT seq, id, phone FROM visits
                 WHERE phone IS NOT NULL AND seq > coalesce($1::bigint, -1) ORDER BY seq LIMIT $2",
                &[&after, &i64::from(limit)],
            )
            .await
            .map_err(pg_err)?;
        rows.iter()
            .map(|r| {
                Ok(super::VisitPhone {
                    seq: r.try_get(0).map_err(pg_err)?,
                    id: r.try_get(1).map_err(pg_err)?,
                    phone: r.try_get(2).map_err(pg_err)?,
                })
            })
            .collect()
    }

    async fn clear_visit_phones(&self, ids: &[String]) -> Result<u64, StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE visits SET phone = NULL WHERE id = ANY($1) AND phone IS NOT NULL",
                &[&ids],
            )
            .await
            .map_err(pg_err)
    }

    async fn purge_visit_phones(&self, plan: &PurgePlan) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        super::postgres_followups::purge_phones(&mut client, plan).await
    }

    async fn change_followup(&self, change: &super::FollowUpChange) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        super::postgres_followups::change(&mut client, change).await
    }

    async fn coverage(
        &self,
        filter: &super::CoverageFilter,
    ) -> Result<Vec<super::CoverageRow>, StoreError> {
        let client = self.client().await?;
        super::postgres_followups::coverage(&client, filter).await
    }

    async fn solve_link(&self, case_id: &str) -> Result<Option<super::SolveLink>, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::solve_link(&client, case_id).await
    }

    async fn add_solve_link(&self, link: &super::SolveLink) -> Result<bool, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::add_solve_link(&client, link).await
    }

    async fn response_by_token(
        &self,
        survey: &str,
        token: &str,
    ) -> Result<Option<Row>, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::by_token(&client, survey, token).await
    }

    async fn target_cases(
        &self,
        filter: &super::TargetFilter,
    ) -> Result<Vec<super::TargetCase>, StoreError> {
        let client = self.client().await?;
        super::postgres_targets::cases(&client, filter).await
    }

    async fn target_visits(
        &self,
        filter: &super::TargetFilter,
    ) -> Result<Vec<super::TargetVisit>, StoreError> {
        let client = self.client().await?;
        super::postgres_targets::visits(&client, filter).await
    }

    async fn cases_to_escalate(&self, now: &str, limit: u32) -> Result<Vec<CaseRow>, StoreError> {
        let client = self.client().await?;
        super::postgres_cases::to_escalate(&client, now, limit).await
    }

    async fn webhook(&self, dealer: &str) -> Result<Option<super::webhooks::Webhook>, StoreError> {
        let client = self.client().await?;
        super::webhooks::pg_get(&client, dealer).await
    }

    async fn set_webhook(
        &self,
        dealer: &str,
        hook: Option<(&str, &str)>,
        at: &str,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        super::webhooks::pg_set(&client, dealer, hook, at).await
    }

    async fn webhooks_due(
        &self,
        now: &str,
        limit: u32,
    ) -> Result<Vec<super::webhooks::Delivery>, StoreError> {
        let client = self.client().await?;
        super::webhooks::pg_due(&client, now, limit).await
    }

    async fn webhook_attempt(
        &self,
        key: &str,
        attempt: &super::webhooks::Attempt,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        super::webhooks::pg_record(&client, key, attempt).await
    }

    fn describe(&self) -> String {
        self.shown.clone()
    }

    async fn create_user(&self, user: NewUser, replace: bool) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        acc::create_user(&mut client, &user, replace).await
    }

    async fn user_by_login(&self, login: &str) -> Result<Option<User>, StoreError> {
        acc::user_by_login(&*self.client().await?, login).await
    }

    async fn record_login(
        &self,
        user_id: &str,
        outcome: LoginOutcome,
        lock_until: &str,
    ) -> Result<(), StoreError> {
        acc::record_login(&*self.client().await?, user_id, outcome, lock_until).await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf: &str,
        created_at: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let client = self.client().await?;
        acc::create_session(&client, token_hash, user_id, csrf, created_at, expires_at).await
    }

    async fn session(&self, token_hash: &str, now: &str) -> Result<Option<Session>, StoreError> {
        acc::session(&*self.client().await?, token_hash, now).await
    }

    async fn link_key(&self, candidate: &str, now: &str) -> Result<String, StoreError> {
        super::postgres_links::link_key(&*self.client().await?, candidate, now).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        acc::delete_session(&*self.client().await?, token_hash).await
    }

    async fn create_token(&self, token: NewToken) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        acc::create_token(&mut client, &token).await
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<Token>, StoreError> {
        acc::token_by_hash(&*self.client().await?, token_hash).await
    }

    async fn tokens(&self, dealers: Option<&[String]>) -> Result<Vec<Token>, StoreError> {
        acc::tokens(&*self.client().await?, dealers).await
    }

    async fn token(&self, id: &str) -> Result<Option<Token>, StoreError> {
        acc::token(&*self.client().await?, id).await
    }

    async fn revoke_token(&self, id: &str, at: &str) -> Result<bool, StoreError> {
        acc::revoke_token(&*self.client().await?, id, at).await
    }

    async fn create_kiosk(&self, kiosk: NewKiosk) -> Result<(), StoreError> {
        super::kiosks::pg_create(&*self.client().await?, &kiosk).await
    }

    async fn kiosks(
        &self,
        which: super::kiosks::Which,
        dealers: Option<&[String]>,
    ) -> Result<Vec<Kiosk>, StoreError> {
        super::kiosks::pg_find(&*self.client().await?, &which, dealers).await
    }

    async fn revoke_kiosk(&self, id: &str, at: &str) -> Result<bool, StoreError> {
        super::kiosks::pg_revoke(&*self.client().await?, id, at).await
    }

    async fn dealer_settings(&self) -> Result<Vec<DealerSettings>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT dealer, time_zone, csi_target, fixed_first_time_target
                 FROM dealer_settings ORDER BY dealer",
                &[],
            )
            .await
            .map_err(pg_err)?;
        Ok(rows
            .iter()
            .map(|r| DealerSettings {
                dealer: r.get(0),
                time_zone: r.get(1),
                csi_target: r.get(2),
                fixed_first_time_target: r.get(3),
            })
            .collect())
    }

    async fn set_dealer_settings(&self, s: &DealerSettings, at: &str) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO dealer_settings
                     (dealer, time_zone, csi_target, fixed_first_time_target, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (dealer) DO UPDATE SET time_zone = $2, csi_target = $3,
                     fixed_first_time_target = $4, updated_at = $5",
                &[
                    &s.dealer,
                    &s.time_zone,
                    &s.csi_target,
                    &s.fixed_first_time_target,
                    &at,
                ],
            )
            .await
            .map_err(pg_err)?;
        Ok(())
    }

    async fn retention(&self) -> Result<Vec<(String, u32)>, StoreError> {
        privacy::retention(&*self.client().await?).await
    }

    async fn set_retention(
        &self,
        dealer: &str,
        days: Option<u32>,
        at: &str,
    ) -> Result<(), StoreError> {
        privacy::set_retention(&*self.client().await?, dealer, days, at).await
    }

    async fn add_beacon(&self, beacon: &super::beacons::NewBeacon) -> Result<bool, StoreError> {
        super::postgres_beacons::add(&*self.client().await?, beacon).await
    }

    async fn funnel(
        &self,
        filter: &super::beacons::BeaconFilter,
        by_channel: bool,
    ) -> Result<std::collections::BTreeMap<Option<String>, survey_core::funnel::Counts>, StoreError>
    {
        super::postgres_beacons::funnel(&*self.client().await?, filter, by_channel).await
    }

    async fn purge_beacons(&self, plan: &PurgePlan) -> Result<u64, StoreError> {
        super::postgres_beacons::purge(&*self.client().await?, plan).await
    }

    async fn purge_batch(&self, plan: &PurgePlan, at: &str, limit: u32) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        privacy::purge_batch(&mut client, plan, at, limit).await
    }

    async fn phone_candidates(
        &self,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        privacy::phone_candidates(&*self.client().await?, after, limit).await
    }

    async fn forget(&self, ids: &[String], entry: &AuditEntry) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        privacy::forget(&mut client, ids, entry).await
    }

    async fn record_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        privacy::record_audit(&mut client, entries).await
    }

    async fn audit(&self, page: PageRequest) -> Result<Vec<AuditRecord>, StoreError> {
        privacy::audit(&*self.client().await?, page).await
    }

    async fn save_definition(
        &self,
        definition: super::definitions::NewDefinition,
    ) -> Result<super::definitions::Saved, StoreError> {
        let mut client = self.client().await?;
        super::definitions::pg_save(&mut client, &definition).await
    }

    async fn publish_definition(
        &self,
        survey: &str,
        version: u32,
        dealer: &str,
        at: &str,
    ) -> Result<super::definitions::Published, StoreError> {
        let mut client = self.client().await?;
        super::definitions::pg_publish(&mut client, survey, version, dealer, at).await
    }

    async fn definitions(
        &self,
        dealers: Option<&[String]>,
    ) -> Result<Vec<super::definitions::DefinitionRow>, StoreError> {
        super::definitions::pg_list(&*self.client().await?, dealers).await
    }

    async fn definition(
        &self,
        survey: &str,
        version: Option<u32>,
        published_only: bool,
    ) -> Result<Option<super::definitions::DefinitionRow>, StoreError> {
        super::definitions::pg_get(&*self.client().await?, survey, version, published_only).await
    }

    async fn token_used(&self, survey: &str, token: &str) -> Result<bool, StoreError> {
        super::links::pg_token_used(&*self.client().await?, survey, token).await
    }
}
