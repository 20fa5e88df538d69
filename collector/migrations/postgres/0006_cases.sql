-- Hot-alert cases (issue 16), as in SQLite.
CREATE TABLE cases (
    seq           BIGSERIAL PRIMARY KEY,
    id            TEXT COLLATE "C" NOT NULL UNIQUE,
    response_id   TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES responses (id) ON DELETE CASCADE,
    dealer        TEXT COLLATE "C",
    owner         TEXT COLLATE "C",
    status        TEXT NOT NULL CHECK (status IN ('open', 'contacted', 'resolved', 'closed', 'unreachable')),
    created_at    TEXT COLLATE "C" NOT NULL,
    due_at        TEXT COLLATE "C" NOT NULL,
    contacted_at  TEXT COLLATE "C",
    escalated_at  TEXT COLLATE "C",
    closed_at     TEXT COLLATE "C",
    updated_at    TEXT COLLATE "C" NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    state         TEXT NOT NULL
);
CREATE INDEX cases_by_dealer ON cases (dealer, seq);
CREATE INDEX cases_to_escalate ON cases (due_at)
    WHERE escalated_at IS NULL AND status IN ('open', 'unreachable');
CREATE TABLE case_events (
    seq      BIGSERIAL PRIMARY KEY,
    case_id  TEXT COLLATE "C" NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at       TEXT COLLATE "C" NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, seq);
CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only';
END
$$;
CREATE TRIGGER case_events_append_only BEFORE UPDATE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only();
CREATE TABLE case_owners (
    dealer      TEXT COLLATE "C" PRIMARY KEY,
    owner       TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    updated_at  TEXT COLLATE "C" NOT NULL
);
