-- Customers' privacy (issue 14): each dealer's retention period, when a response's
-- personal data (contact details, free text) was cleared, and the audit log of reads
-- of contact data, exports, deletions and purges.
CREATE TABLE dealer_privacy (
    dealer          TEXT PRIMARY KEY,
    retention_days  INTEGER NOT NULL CHECK (retention_days > 0),
    updated_at      TEXT NOT NULL
);
ALTER TABLE responses ADD COLUMN personal_purged_at TEXT;
-- The purge looks for old rows not yet cleared.
CREATE INDEX responses_to_purge ON responses (dealer, received_at)
    WHERE personal_purged_at IS NULL;
CREATE TABLE audit (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,           -- user:<login>, token:<id>, command line (<operator>)
    action  TEXT NOT NULL CHECK (action IN ('read', 'export', 'forget', 'purge')),
    route   TEXT,
    filter_text TEXT NOT NULL DEFAULT '', -- as applied; never a phone number
    row_count INTEGER
);
