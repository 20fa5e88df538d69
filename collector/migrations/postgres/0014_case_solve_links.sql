-- "Did we solve it?" (issue 16): the one survey link a manager makes for a closed case.
-- The link is an ordinary signed survey link (collector/src/links.rs) of the built-in
-- survey `case-solved` whose token is the case's id, so the database's one response
-- per (survey, token) makes it single use and the answer is found by the case's id
-- (`responses.token`). This table holds the link itself, once per case, so that the
-- case page shows the same link again instead of making a second.
CREATE TABLE case_solve_links (
    case_id     TEXT COLLATE "C" PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    url         TEXT NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);
-- The answer is read by (survey, token): the unique index `responses_one_per_token`.
