-- Accounts, sessions and API tokens (the access issue), and the advisor of each
-- response as a column, so an advisor's reads are filtered by the database.
CREATE TABLE users (
    id              TEXT COLLATE "C" PRIMARY KEY,
    login           TEXT COLLATE "C" NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('group_admin', 'dealer_manager', 'service_advisor', 'follow_up_agent')),
    advisor         TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    failed_logins   BIGINT NOT NULL DEFAULT 0,
    locked_until    TEXT COLLATE "C"
);
CREATE TABLE user_dealers (
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dealer  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, dealer)
);
CREATE TABLE sessions (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE api_tokens (
    id          TEXT COLLATE "C" PRIMARY KEY,
    token_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    access      TEXT NOT NULL CHECK (access IN ('read', 'write')),
    created_by  TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    revoked_at  TEXT COLLATE "C"
);
CREATE TABLE api_token_dealers (
    token_id TEXT COLLATE "C" NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    dealer   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (token_id, dealer)
);
ALTER TABLE responses ADD COLUMN advisor TEXT COLLATE "C";
UPDATE responses SET advisor = context::jsonb ->> 'advisor';
CREATE INDEX responses_by_dealer_advisor ON responses (dealer, advisor, seq);
