-- Signed survey links (see collector/src/links.rs): the group's link key, one row
-- shared by every collector process, and whether each response came through a
-- signed link. Responses stored before this change were never signed: unverified.
CREATE TABLE link_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    key         TEXT NOT NULL,                -- 32 random bytes, URL-safe base64
    created_at  TEXT NOT NULL
);
ALTER TABLE responses ADD COLUMN verified INTEGER NOT NULL DEFAULT 0; -- 1: a valid signed link
CREATE INDEX responses_by_dealer_verified ON responses (dealer, verified, seq);
