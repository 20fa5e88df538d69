-- Webhooks (issue 16), as in SQLite: the dealers' addresses, the outbox, and the
-- trigger that queues a notification in the transaction that records its event.
CREATE TABLE dealer_webhooks (
    dealer      TEXT COLLATE "C" PRIMARY KEY,
    url         TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('plain', 'wecom', 'dingtalk')),
    updated_at  TEXT COLLATE "C" NOT NULL
);
CREATE TABLE webhook_outbox (
    key           TEXT COLLATE "C" PRIMARY KEY,
    case_id       TEXT COLLATE "C" NOT NULL,
    event         TEXT NOT NULL CHECK (event IN ('open', 'escalate')),
    dealer        TEXT COLLATE "C" NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT COLLATE "C" NOT NULL,
    delivered_at  TEXT COLLATE "C",
    last_error    TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_at) WHERE delivered_at IS NULL;
CREATE FUNCTION case_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_outbox (key, case_id, event, dealer, created_at, next_at)
    SELECT NEW.case_id || ':' || NEW.action, NEW.case_id, NEW.action, c.dealer, NEW.at, NEW.at
    FROM cases c JOIN dealer_webhooks w ON w.dealer = c.dealer
    WHERE c.id = NEW.case_id
    ON CONFLICT (key) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER case_events_notify AFTER INSERT ON case_events
    FOR EACH ROW WHEN (NEW.action IN ('open', 'escalate')) EXECUTE FUNCTION case_events_notify();
CREATE FUNCTION cases_forget_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM webhook_outbox WHERE case_id = OLD.id;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_forget_notifications AFTER DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_forget_notifications();
