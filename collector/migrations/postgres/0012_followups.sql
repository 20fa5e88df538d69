-- Routine follow-up calls (issue 16), as in SQLite.
CREATE TABLE visits (
    seq           BIGSERIAL PRIMARY KEY,
    id            TEXT COLLATE "C" NOT NULL UNIQUE,
    dealer        TEXT COLLATE "C" NOT NULL,
    repair_order  TEXT COLLATE "C" NOT NULL,
    advisor       TEXT COLLATE "C",
    phone         TEXT,
    pickup_date   TEXT COLLATE "C" NOT NULL,
    imported_at   TEXT COLLATE "C",
    invited_at    TEXT COLLATE "C",
    created_at    TEXT COLLATE "C" NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('due', 'retry', 'reached', 'refused', 'unreachable')),
    due_on        TEXT COLLATE "C" NOT NULL,
    due_at        TEXT COLLATE "C" NOT NULL,
    overdue_at    TEXT COLLATE "C" NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    updated_at    TEXT COLLATE "C" NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    state         TEXT NOT NULL,
    UNIQUE (dealer, repair_order)
);
CREATE INDEX visits_call_list ON visits (due_at) WHERE status IN ('due', 'retry');
CREATE INDEX visits_coverage ON visits (dealer, pickup_date, advisor);
CREATE TABLE followup_attempts (
    seq       BIGSERIAL PRIMARY KEY,
    visit_id  TEXT COLLATE "C" NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    at        TEXT COLLATE "C" NOT NULL,
    actor     TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX followup_attempts_by_visit ON followup_attempts (visit_id, seq);
CREATE FUNCTION followup_attempts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'followup_attempts is append-only';
END
$$;
CREATE TRIGGER followup_attempts_append_only BEFORE UPDATE ON followup_attempts
    FOR EACH ROW EXECUTE FUNCTION followup_attempts_append_only();
-- COLLATE "C" like every key column here, so the coverage query's comparison uses it.
CREATE INDEX responses_by_repair_order ON responses (dealer, ((context::jsonb ->> 'repair_order') COLLATE "C"));
