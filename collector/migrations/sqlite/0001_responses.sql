-- The responses table. Column names are a contract: other tools read it directly.
CREATE TABLE IF NOT EXISTS responses (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    id             TEXT NOT NULL UNIQUE,
    received_at    TEXT NOT NULL,
    survey_id      TEXT NOT NULL,
    survey_version INTEGER NOT NULL,
    locale         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    context        TEXT NOT NULL, -- JSON object of strings
    answers        TEXT NOT NULL, -- JSON object keyed by question id
    payload        TEXT NOT NULL, -- canonical JSON of the whole payload
    score          TEXT,          -- the server's score card (JSON); NULL for an unknown survey
    client_score   TEXT,          -- the card the client sent (JSON), NULL if none
    score_mismatch INTEGER NOT NULL DEFAULT 0, -- 1: the client's card differs from the server's
    score_verified INTEGER NOT NULL DEFAULT 0, -- 1: `score` was computed by the server
    alerts         INTEGER NOT NULL DEFAULT 0, -- alerts in the server's card
    follow_up_due  TEXT,          -- from the server's card
    dealer         TEXT,          -- context.dealer, for filtering
    token          TEXT           -- context.token: one response per survey link
);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses (survey_id, seq);
CREATE INDEX IF NOT EXISTS responses_by_dealer ON responses (dealer, seq);
CREATE UNIQUE INDEX IF NOT EXISTS responses_one_per_token
    ON responses (survey_id, token) WHERE token IS NOT NULL;
