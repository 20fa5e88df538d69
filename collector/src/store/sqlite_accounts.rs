//! SQLite statements for accounts, sessions and API tokens; called by
//! [`super::sqlite::SqliteStore`] on its writer or reader connections.

use super::accounts::{self, LoginOutcome, NewToken, NewUser, Session, Token, User};
use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

pub fn create_user(conn: &mut Connection, u: &NewUser, replace: bool) -> Result<bool, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let inserted = tx.execute(
        "INSERT INTO users (id, login, password_hash, role, advisor, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO NOTHING",
        params![
            u.id,
            u.login,
            u.password_hash,
            u.role.as_str(),
            u.advisor,
            u.created_at
        ],
    )?;
    let id: String = if inserted == 1 {
        u.id.clone()
    } else if replace {
        tx.execute(
            "UPDATE users SET password_hash = ?2, role = ?3, advisor = ?4, failed_logins = 0,
                 locked_until = NULL WHERE login = ?1",
            params![u.login, u.password_hash, u.role.as_str(), u.advisor],
        )?;
        let id: String = tx.query_row(
            "SELECT id FROM users WHERE login = ?1",
            params![u.login],
            |r| r.get(0),
        )?;
        tx.execute("DELETE FROM user_dealers WHERE user_id = ?1", params![id])?;
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", params![id])?;
        id
    } else {
        return Ok(false);
    };
    for dealer in &u.dealers {
        tx.execute(
            "INSERT INTO user_dealers (user_id, dealer) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![id, dealer],
        )?;
    }
    tx.commit()?;
    Ok(true)
}

fn dealers_of(
    conn: &Connection,
    table: &str,
    key: &str,
    id: &str,
) -> Result<Vec<String>, StoreError> {
    // `table` and `key` are constants of this module, never input.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT dealer FROM {table} WHERE {key} = ?1 ORDER BY dealer"
    ))?;
    let rows = stmt.query_map(params![id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn user_where(conn: &Connection, clause: &str, value: &str) -> Result<Option<User>, StoreError> {
    let found = conn
        .query_row(
            &format!(
                "SELECT id, login, password_hash, role, advisor, failed_logins, locked_until
                 FROM users WHERE {clause}"
            ),
            params![value],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((id, login, password_hash, role, advisor, failed_logins, locked_until)) = found else {
        return Ok(None);
    };
    let role = accounts::role_of(&role);
    let dealers = dealers_of(conn, "user_dealers", "user_id", &id)?;
    Ok(Some(User {
        id,
        login,
        password_hash,
        role,
        scope: accounts::scope_of(role, dealers),
        advisor,
        failed_logins,
        locked_until,
    }))
}

pub fn user_by_login(conn: &Connection, login: &str) -> Result<Option<User>, StoreError> {
    user_where(conn, "login = ?1", login)
}

pub fn record_login(
    conn: &mut Connection,
    user_id: &str,
    outcome: LoginOutcome,
    lock_until: &str,
) -> Result<(), StoreError> {
    match outcome {
        LoginOutcome::Success => conn.execute(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
            params![user_id],
        )?,
        LoginOutcome::Failure => conn.execute(
            "UPDATE users SET failed_logins = failed_logins + 1,
                 locked_until = CASE WHEN failed_logins + 1 >= ?2 THEN ?3 ELSE locked_until END
             WHERE id = ?1",
            params![user_id, accounts::LOCK_AFTER, lock_until],
        )?,
    };
    Ok(())
}

pub fn create_session(
    conn: &mut Connection,
    hash: &str,
    user_id: &str,
    csrf: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    // Expired sessions go as new ones come, so the table stays small.
    conn.execute(
        "DELETE FROM sessions WHERE expires_at <= ?1",
        params![created_at],
    )?;
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![hash, user_id, csrf, created_at, expires_at],
    )?;
    Ok(())
}

pub fn session(conn: &Connection, hash: &str, now: &str) -> Result<Option<Session>, StoreError> {
    let found: Option<(String, String, String)> = conn
        .query_row(
            "SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
            params![hash, now],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((user_id, csrf, expires_at)) = found else {
        return Ok(None);
    };
    Ok(user_where(conn, "id = ?1", &user_id)?.map(|user| Session {
        user,
        csrf,
        expires_at,
    }))
}

pub fn delete_session(conn: &mut Connection, hash: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM sessions WHERE token_hash = ?1", params![hash])?;
    Ok(())
}

pub fn create_token(conn: &mut Connection, t: &NewToken) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO api_tokens (id, token_hash, name, access, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            t.id,
            t.token_hash,
            t.name,
            t.access,
            t.created_by,
            t.created_at
        ],
    )?;
    for dealer in &t.dealers {
        tx.execute(
            "INSERT INTO api_token_dealers (token_id, dealer) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![t.id, dealer],
        )?;
    }
    tx.commit()?;
    Ok(())
}

const TOKEN_COLUMNS: &str = "id, name, access, created_by, created_at, revoked_at";

fn token_of(conn: &Connection, r: &rusqlite::Row<'_>) -> Result<Token, StoreError> {
    let id: String = r.get(0)?;
    let dealers = dealers_of(conn, "api_token_dealers", "token_id", &id)?;
    Ok(Token {
        id,
        name: r.get(1)?,
        access: r.get(2)?,
        dealers,
        created_by: r.get(3)?,
        created_at: r.get(4)?,
        revoked_at: r.get(5)?,
    })
}

fn tokens_where(
    conn: &Connection,
    clause: &str,
    value: Option<&str>,
) -> Result<Vec<Token>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE {clause} ORDER BY created_at, id"
    ))?;
    let mut rows = stmt.query(params![value])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(token_of(conn, r)?);
    }
    Ok(out)
}

pub fn token_by_hash(conn: &Connection, hash: &str) -> Result<Option<Token>, StoreError> {
    Ok(
        tokens_where(conn, "token_hash = ?1 AND revoked_at IS NULL", Some(hash))?
            .into_iter()
            .next(),
    )
}

pub fn token(conn: &Connection, id: &str) -> Result<Option<Token>, StoreError> {
    Ok(tokens_where(conn, "id = ?1", Some(id))?.into_iter().next())
}

pub fn tokens(conn: &Connection, dealers: Option<&[String]>) -> Result<Vec<Token>, StoreError> {
    let all = tokens_where(conn, "?1 IS NULL", None)?;
    Ok(match dealers {
        None => all,
        Some(mine) => all
            .into_iter()
            .filter(|t| t.dealers.iter().any(|d| mine.contains(d)))
            .collect(),
    })
}

pub fn revoke_token(conn: &mut Connection, id: &str, at: &str) -> Result<bool, StoreError> {
    let n = conn.execute(
        "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, at],
    )?;
    Ok(n == 1)
}
