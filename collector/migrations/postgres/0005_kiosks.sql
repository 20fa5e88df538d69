-- Kiosk device keys (see collector/src/kiosks.rs), as in SQLite.
CREATE TABLE kiosks (
    id          TEXT COLLATE "C" PRIMARY KEY,
    key_hash    TEXT COLLATE "C" NOT NULL UNIQUE,
    dealer      TEXT COLLATE "C" NOT NULL,
    station     TEXT COLLATE "C" NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    revoked_at  TEXT COLLATE "C"
);
CREATE INDEX kiosks_by_dealer ON kiosks (dealer, created_at);
ALTER TABLE responses ADD COLUMN kiosk TEXT COLLATE "C";
