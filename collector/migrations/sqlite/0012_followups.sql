-- Routine follow-up calls (issue 16): every visit the collector knows, from a signed
-- link issued for a repair order or an imported repair order, once per (dealer, RO),
-- with the schedule of its follow-up call (survey-core's `followups::FollowUp`, JSON in
-- `state`; the columns are what the call list and coverage filter and group on) and
-- the append-only history of call attempts.
CREATE TABLE visits (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,      -- UUID: the follow-up's id
    dealer        TEXT NOT NULL,
    repair_order  TEXT NOT NULL,
    advisor       TEXT,
    phone         TEXT,                      -- personal data: shown only to roles with contact data
    pickup_date   TEXT NOT NULL,             -- YYYY-MM-DD, the dealer's calendar
    imported_at   TEXT,                      -- first imported from a repair-order file
    invited_at    TEXT,                      -- a signed survey link was issued for it
    created_at    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('due', 'retry', 'reached', 'refused', 'unreachable')),
    due_on        TEXT NOT NULL,             -- the local date the next call is due
    due_at        TEXT NOT NULL,             -- RFC 3339 UTC with ms: compares as text
    overdue_at    TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1, -- +1 per attempt: a racing attempt is refused, not lost
    state         TEXT NOT NULL,
    UNIQUE (dealer, repair_order)
);
CREATE INDEX visits_call_list ON visits (due_at) WHERE status IN ('due', 'retry');
CREATE INDEX visits_coverage ON visits (dealer, pickup_date, advisor);
CREATE TABLE followup_attempts (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    visit_id  TEXT NOT NULL REFERENCES visits (id),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,   -- user:<users.id>
    outcome   TEXT NOT NULL,   -- reached, no_answer, busy, refused, wrong_number, call_back_at
    detail    TEXT NOT NULL    -- JSON: the outcome as posted, the note
);
CREATE INDEX followup_attempts_by_visit ON followup_attempts (visit_id, seq);
CREATE TRIGGER followup_attempts_append_only BEFORE UPDATE ON followup_attempts
BEGIN
    SELECT RAISE(ABORT, 'followup_attempts is append-only');
END;
-- Coverage asks "is there a response for this repair order?" per visit: the context's
-- repair order as a generated column, indexed with the dealer.
ALTER TABLE responses ADD COLUMN ctx_repair_order TEXT GENERATED ALWAYS AS (json_extract(context, '$.repair_order')) VIRTUAL;
CREATE INDEX responses_by_repair_order ON responses (dealer, ctx_repair_order);
