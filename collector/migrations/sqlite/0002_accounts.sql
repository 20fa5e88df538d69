-- Accounts, sessions and API tokens (the access issue), and the advisor of each
-- response as a column, so an advisor's reads are filtered by the database.
CREATE TABLE users (
    id              TEXT PRIMARY KEY,             -- UUID
    login           TEXT NOT NULL UNIQUE,         -- lower case
    password_hash   TEXT NOT NULL,                -- argon2id PHC string
    role            TEXT NOT NULL CHECK (role IN ('group_admin', 'dealer_manager', 'service_advisor', 'follow_up_agent')),
    advisor         TEXT,                         -- a service advisor's own id (context.advisor)
    created_at      TEXT NOT NULL,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT
);
CREATE TABLE user_dealers (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dealer  TEXT NOT NULL,
    PRIMARY KEY (user_id, dealer)
);
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,                 -- SHA-256 of the cookie value, hex
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,                 -- UUID, shown in lists
    token_hash  TEXT NOT NULL UNIQUE,             -- SHA-256 of the secret, hex
    name        TEXT NOT NULL,
    access      TEXT NOT NULL CHECK (access IN ('read', 'write')),
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE TABLE api_token_dealers (
    token_id TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    dealer   TEXT NOT NULL,
    PRIMARY KEY (token_id, dealer)
);
ALTER TABLE responses ADD COLUMN advisor TEXT;
UPDATE responses SET advisor = json_extract(context, '$.advisor');
CREATE INDEX responses_by_dealer_advisor ON responses (dealer, advisor, seq);
