-- Hot-alert cases (issue 16): one case per response with hot alerts, opened in the
-- transaction that stores the response, and the append-only history of what was done.
-- The columns are what lists filter and sort on; `state` is the whole case as
-- survey-core's `cases::Case` (JSON), which the state machine reads and writes.
CREATE TABLE cases (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT, -- the list cursor
    id            TEXT NOT NULL UNIQUE,              -- UUID
    response_id   TEXT NOT NULL UNIQUE,              -- responses.id: one case per response
    dealer        TEXT,
    owner         TEXT,                              -- users.id of the agent; NULL: unowned
    status        TEXT NOT NULL CHECK (status IN ('open', 'contacted', 'resolved', 'closed', 'unreachable')),
    created_at    TEXT NOT NULL,
    due_at        TEXT NOT NULL,                     -- RFC 3339 UTC with ms: compares as text
    contacted_at  TEXT,
    escalated_at  TEXT,
    closed_at     TEXT,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,        -- +1 per event: a racing change is refused, not lost
    state         TEXT NOT NULL
);
CREATE INDEX cases_by_dealer ON cases (dealer, seq);
CREATE INDEX cases_to_escalate ON cases (due_at)
    WHERE escalated_at IS NULL AND status IN ('open', 'unreachable');
CREATE TABLE case_events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id  TEXT NOT NULL REFERENCES cases (id),
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,  -- system, or user:<users.id>
    action   TEXT NOT NULL,  -- open, assign, attempt, resolve, close, reopen, escalate
    detail   TEXT NOT NULL   -- JSON: the action's fields
);
CREATE INDEX case_events_by_case ON case_events (case_id, seq);
-- Append-only: history is never rewritten.
CREATE TRIGGER case_events_append_only BEFORE UPDATE ON case_events
BEGIN
    SELECT RAISE(ABORT, 'case_events is append-only');
END;
-- A response deleted on the customer's request (`collector forget`) takes its case and
-- the case's history with it: they hold the same complaint.
CREATE TRIGGER responses_forget_case AFTER DELETE ON responses
BEGIN
    DELETE FROM case_events WHERE case_id IN (SELECT id FROM cases WHERE response_id = OLD.id);
    DELETE FROM cases WHERE response_id = OLD.id;
END;
-- Each dealer's default follow-up agent: a new case is theirs from the start
-- (`collector case-owner --dealer D001 --login …`); without one a case opens unowned
-- and any agent of the dealer takes it.
CREATE TABLE case_owners (
    dealer      TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,                   -- users.id
    updated_at  TEXT NOT NULL
);
