-- Customers' privacy (issue 14), as in SQLite.
CREATE TABLE dealer_privacy (
    dealer          TEXT COLLATE "C" PRIMARY KEY,
    retention_days  INTEGER NOT NULL CHECK (retention_days > 0),
    updated_at      TEXT NOT NULL
);
ALTER TABLE responses ADD COLUMN personal_purged_at TEXT COLLATE "C";
CREATE INDEX responses_to_purge ON responses (dealer, received_at)
    WHERE personal_purged_at IS NULL;
CREATE TABLE audit (
    seq     BIGSERIAL PRIMARY KEY,
    at      TEXT COLLATE "C" NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL CHECK (action IN ('read', 'export', 'forget', 'purge')),
    route   TEXT,
    filter_text TEXT NOT NULL DEFAULT '',
    row_count BIGINT
);
