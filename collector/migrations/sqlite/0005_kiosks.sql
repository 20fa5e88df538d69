-- Kiosk device keys (see collector/src/kiosks.rs): a lounge tablet is bound to its
-- dealer and station by a key issued in the console or with `collector kiosk add`.
-- Only the key's SHA-256 is kept; a revoked key stays listed with revoked_at.
CREATE TABLE kiosks (
    id          TEXT PRIMARY KEY,                 -- UUID, shown in lists
    key_hash    TEXT NOT NULL UNIQUE,             -- SHA-256 of the key, hex
    dealer      TEXT NOT NULL,
    station     TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,                    -- user:<id>, token:<id> or command line
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX kiosks_by_dealer ON kiosks (dealer, created_at);
-- The kiosk whose key vouched for a response (NULL: none did).
ALTER TABLE responses ADD COLUMN kiosk TEXT;
