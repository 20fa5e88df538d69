-- The survey's own funnel (issue 15, HEART): one row per beacon the widget sent
-- (survey_core::funnel). No answer, contact data, token, address or user agent: the
-- visit is a random id made on the device. A retried beacon is the same (visit, stage,
-- page) and stored once (page is 0 for every stage but "page"). `at` is when the
-- collector received it (RFC 3339 UTC with ms): the period filter and retention use it.
CREATE TABLE beacons (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    survey_id       TEXT NOT NULL,
    survey_version  INTEGER NOT NULL,
    dealer          TEXT,
    channel         TEXT NOT NULL CHECK (channel IN ('qr', 'website', 'kiosk', 'phone')),
    visit           TEXT NOT NULL,
    stage           TEXT NOT NULL CHECK (stage IN ('opened', 'started', 'page', 'completed', 'abandoned')),
    page            INTEGER NOT NULL DEFAULT 0,
    elapsed_ms      INTEGER NOT NULL,
    UNIQUE (visit, stage, page)
);
CREATE INDEX beacons_funnel ON beacons (survey_id, dealer, at);
