-- Signed survey links (see collector/src/links.rs): the group's link key, one row
-- shared by every collector process, and whether each response came through a
-- signed link. Responses stored before this change were never signed: unverified.
CREATE TABLE link_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    key         TEXT NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);
ALTER TABLE responses ADD COLUMN verified BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX responses_by_dealer_verified ON responses (dealer, verified, seq);
