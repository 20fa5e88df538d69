-- Dealers' own questionnaires (issue 15): each uploaded definition, by survey id and the
-- version its JSON carries. A draft can be replaced (same id and version) until it is
-- published; a published version is never changed, so a response keeps the exact
-- questions it was answered on. A survey id belongs to the dealer that first uploaded
-- it (checked in the transaction that saves, `collector/src/store/definitions.rs`).
CREATE TABLE definitions (
    survey_id     TEXT NOT NULL,
    version       INTEGER NOT NULL,
    dealer        TEXT NOT NULL,
    body          TEXT NOT NULL,                 -- the definition's JSON, as uploaded
    status        TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_by    TEXT NOT NULL,                 -- the uploader's login
    created_at    TEXT NOT NULL,
    published_at  TEXT,
    PRIMARY KEY (survey_id, version)
);
CREATE INDEX definitions_by_dealer ON definitions (dealer, survey_id, version);
