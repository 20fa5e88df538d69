-- Webhooks (issue 16): each dealer's notification address, and the outbox of what is
-- still to be posted there. A new case and an escalation are queued by a trigger on
-- case_events, in the transaction that records the event, so a notification exists
-- exactly when its event does (never lost, never invented); `collector/src/notify.rs`
-- posts them with retries and marks them delivered.
CREATE TABLE dealer_webhooks (
    dealer      TEXT PRIMARY KEY,
    url         TEXT NOT NULL,                  -- http(s)://…
    format      TEXT NOT NULL CHECK (format IN ('plain', 'wecom', 'dingtalk')),
    updated_at  TEXT NOT NULL
);
CREATE TABLE webhook_outbox (
    key           TEXT PRIMARY KEY,             -- <case id>:<event>: the receiver's idempotency key
    case_id       TEXT NOT NULL,
    event         TEXT NOT NULL CHECK (event IN ('open', 'escalate')),
    dealer        TEXT NOT NULL,
    created_at    TEXT NOT NULL,                -- the event's time
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT NOT NULL,                -- not before (RFC 3339 UTC with ms)
    delivered_at  TEXT,
    last_error    TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_at) WHERE delivered_at IS NULL;
CREATE TRIGGER case_events_notify AFTER INSERT ON case_events
WHEN NEW.action IN ('open', 'escalate')
BEGIN
    INSERT OR IGNORE INTO webhook_outbox (key, case_id, event, dealer, created_at, next_at)
    SELECT NEW.case_id || ':' || NEW.action, NEW.case_id, NEW.action, c.dealer, NEW.at, NEW.at
    FROM cases c JOIN dealer_webhooks w ON w.dealer = c.dealer
    WHERE c.id = NEW.case_id;
END;
-- A case deleted on the customer's request takes its pending notifications with it.
CREATE TRIGGER cases_forget_notifications AFTER DELETE ON cases
BEGIN
    DELETE FROM webhook_outbox WHERE case_id = OLD.id;
END;
