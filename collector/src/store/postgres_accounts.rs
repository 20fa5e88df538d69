//! PostgreSQL statements for accounts, sessions and API tokens; called by
//! [`super::postgres::PgStore`] with a pooled connection.

use super::accounts::{self, LoginOutcome, NewToken, NewUser, Session, Token, User};
use super::postgres::pg_err;
use super::StoreError;
use tokio_postgres::{Client, GenericClient, Row};

pub async fn create_user(
    client: &mut Client,
    u: &NewUser,
    replace: bool,
) -> Result<bool, StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    let inserted = tx
        .execute(
            "INSERT INTO users (id, login, password_hash, role, advisor, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (login) DO NOTHING",
            &[
                &u.id,
                &u.login,
                &u.password_hash,
                &u.role.as_str(),
                &u.advisor,
                &u.created_at,
            ],
        )
        .await
        .map_err(pg_err)?;
    let id: String = if inserted == 1 {
        u.id.clone()
    } else if replace {
        let row = tx
            .query_one(
                "UPDATE users SET password_hash = $2, role = $3, advisor = $4, failed_logins = 0,
                     locked_until = NULL WHERE login = $1 RETURNING id",
                &[&u.login, &u.password_hash, &u.role.as_str(), &u.advisor],
            )
            .await
            .map_err(pg_err)?;
        let id: String = row.get(0);
        tx.execute("DELETE FROM user_dealers WHERE user_id = $1", &[&id])
            .await
            .map_err(pg_err)?;
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id])
            .await
            .map_err(pg_err)?;
        id
    } else {
        return Ok(false);
    };
    for dealer in &u.dealers {
        tx.execute(
            "INSERT INTO user_dealers (user_id, dealer) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&id, dealer],
        )
        .await
        .map_err(pg_err)?;
    }
    tx.commit().await.map_err(pg_err)?;
    Ok(true)
}

async fn dealers_of(
    client: &impl GenericClient,
    sql: &str,
    id: &str,
) -> Result<Vec<String>, StoreError> {
    let rows = client.query(sql, &[&id]).await.map_err(pg_err)?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

async fn user_where(
    client: &impl GenericClient,
    clause: &str,
    value: &str,
) -> Result<Option<User>, StoreError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT id, login, password_hash, role, advisor, failed_logins, locked_until
                 FROM users WHERE {clause}"
            ),
            &[&value],
        )
        .await
        .map_err(pg_err)?;
    let Some(r) = row else {
        return Ok(None);
    };
    let id: String = r.get(0);
    let role = accounts::role_of(r.get::<_, &str>(3));
    let dealers = dealers_of(
        client,
        "SELECT dealer FROM user_dealers WHERE user_id = $1 ORDER BY dealer",
        &id,
    )
    .await?;
    Ok(Some(User {
        login: r.get(1),
        password_hash: r.get(2),
        role,
        scope: accounts::scope_of(role, dealers),
        advisor: r.get(4),
        failed_logins: r.get(5),
        locked_until: r.get(6),
        id,
    }))
}

pub async fn user_by_login(client: &Client, login: &str) -> Result<Option<User>, StoreError> {
    user_where(client, "login = $1", login).await
}

pub async fn record_login(
    client: &Client,
    user_id: &str,
    outcome: LoginOutcome,
    lock_until: &str,
) -> Result<(), StoreError> {
    match outcome {
        LoginOutcome::Success => client
            .execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                &[&user_id],
            )
            .await
            .map_err(pg_err)?,
        LoginOutcome::Failure => client
            .execute(
                "UPDATE users SET failed_logins = failed_logins + 1,
                     locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
                 WHERE id = $1",
                &[&user_id, &accounts::LOCK_AFTER, &lock_until],
            )
            .await
            .map_err(pg_err)?,
    };
    Ok(())
}

pub async fn create_session(
    client: &Client,
    hash: &str,
    user_id: &str,
    csrf: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    client
        .execute(
            "DELETE FROM sessions WHERE expires_at <= $1",
            &[&created_at],
        )
        .await
        .map_err(pg_err)?;
    client
        .execute(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[&hash, &user_id, &csrf, &created_at, &expires_at],
        )
        .await
        .map_err(pg_err)?;
    Ok(())
}

pub async fn session(
    client: &Client,
    hash: &str,
    now: &str,
) -> Result<Option<Session>, StoreError> {
    let row = client
        .query_opt(
            "SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
            &[&hash, &now],
        )
        .await
        .map_err(pg_err)?;
    let Some(r) = row else {
        return Ok(None);
    };
    let user_id: String = r.get(0);
    Ok(user_where(client, "id = $1", &user_id)
        .await?
        .map(|user| Session {
            user,
            csrf: r.get(1),
            expires_at: r.get(2),
        }))
}

pub async fn delete_session(client: &Client, hash: &str) -> Result<(), StoreError> {
    client
        .execute("DELETE FROM sessions WHERE token_hash = $1", &[&hash])
        .await
        .map_err(pg_err)?;
    Ok(())
}

pub async fn create_token(client: &mut Client, t: &NewToken) -> Result<(), StoreError> {
    let tx = client.transaction().await.map_err(pg_err)?;
    tx.execute(
        "INSERT INTO api_tokens (id, token_hash, name, access, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &t.id,
            &t.token_hash,
            &t.name,
            &t.access,
            &t.created_by,
            &t.created_at,
        ],
    )
    .await
    .map_err(pg_err)?;
    for dealer in &t.dealers {
        tx.execute(
            "INSERT INTO api_token_dealers (token_id, dealer) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&t.id, dealer],
        )
        .await
        .map_err(pg_err)?;
    }
    tx.commit().await.map_err(pg_err)
}

async fn token_of(client: &Client, r: &Row) -> Result<Token, StoreError> {
    let id: String = r.get(0);
    let dealers = dealers_of(
        client,
        "SELECT dealer FROM api_token_dealers WHERE token_id = $1 ORDER BY dealer",
        &id,
    )
    .await?;
    Ok(Token {
        name: r.get(1),
        access: r.get(2),
        dealers,
        created_by: r.get(3),
        created_at: r.get(4),
        revoked_at: r.get(5),
        id,
    })
}

const TOKEN_COLUMNS: &str = "id, name, access, created_by, created_at, revoked_at";

async fn tokens_where(
    client: &Client,
    clause: &str,
    value: Option<&str>,
) -> Result<Vec<Token>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE {clause} ORDER BY created_at, id"
            ),
            &[&value],
        )
        .await
        .map_err(pg_err)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(token_of(client, r).await?);
    }
    Ok(out)
}

pub async fn token_by_hash(client: &Client, hash: &str) -> Result<Option<Token>, StoreError> {
    Ok(
        tokens_where(client, "token_hash = $1 AND revoked_at IS NULL", Some(hash))
            .await?
            .into_iter()
            .next(),
    )
}

pub async fn token(client: &Client, id: &str) -> Result<Option<Token>, StoreError> {
    Ok(tokens_where(client, "id = $1", Some(id))
        .await?
        .into_iter()
        .next())
}

pub async fn tokens(client: &Client, dealers: Option<&[String]>) -> Result<Vec<Token>, StoreError> {
    let all = tokens_where(client, "$1::text IS NULL", None).await?;
    Ok(match dealers {
        None => all,
        Some(mine) => all
            .into_iter()
            .filter(|t| t.dealers.iter().any(|d| mine.contains(d)))
            .collect(),
    })
}

pub async fn revoke_token(client: &Client, id: &str, at: &str) -> Result<bool, StoreError> {
    let n = client
        .execute(
            "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&id, &at],
        )
        .await
        .map_err(pg_err)?;
    Ok(n == 1)
}
