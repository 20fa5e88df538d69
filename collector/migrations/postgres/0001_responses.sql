-- The responses table, as in SQLite. Text that is compared or sorted (times, ids) uses
-- the "C" collation: a locale collation ignores punctuation at first, so
-- '2026-11-23T10:00:00.5' would not sort as the time it is.
CREATE TABLE IF NOT EXISTS responses (
    seq            BIGSERIAL PRIMARY KEY,
    id             TEXT COLLATE "C" NOT NULL UNIQUE,
    received_at    TEXT COLLATE "C" NOT NULL,
    survey_id      TEXT COLLATE "C" NOT NULL,
    survey_version BIGINT NOT NULL,
    locale         TEXT NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    context        TEXT NOT NULL,
    answers        TEXT NOT NULL,
    payload        TEXT NOT NULL,
    score          TEXT,
    client_score   TEXT,
    score_mismatch BOOLEAN NOT NULL DEFAULT FALSE,
    score_verified BOOLEAN NOT NULL DEFAULT FALSE,
    alerts         BIGINT NOT NULL DEFAULT 0,
    follow_up_due  TEXT COLLATE "C",
    dealer         TEXT COLLATE "C",
    token          TEXT COLLATE "C"
);
CREATE INDEX IF NOT EXISTS responses_by_survey ON responses (survey_id, seq);
CREATE INDEX IF NOT EXISTS responses_by_dealer ON responses (dealer, seq);
CREATE UNIQUE INDEX IF NOT EXISTS responses_one_per_token
    ON responses (survey_id, token) WHERE token IS NOT NULL;
