-- The survey's own funnel (issue 15), as in SQLite.
CREATE TABLE beacons (
    seq             BIGSERIAL PRIMARY KEY,
    at              TEXT COLLATE "C" NOT NULL,
    survey_id       TEXT COLLATE "C" NOT NULL,
    survey_version  BIGINT NOT NULL,
    dealer          TEXT COLLATE "C",
    channel         TEXT COLLATE "C" NOT NULL CHECK (channel IN ('qr', 'website', 'kiosk', 'phone')),
    visit           TEXT COLLATE "C" NOT NULL,
    stage           TEXT COLLATE "C" NOT NULL CHECK (stage IN ('opened', 'started', 'page', 'completed', 'abandoned')),
    page            BIGINT NOT NULL DEFAULT 0,
    elapsed_ms      BIGINT NOT NULL,
    UNIQUE (visit, stage, page)
);
CREATE INDEX beacons_funnel ON beacons (survey_id, dealer, at);
