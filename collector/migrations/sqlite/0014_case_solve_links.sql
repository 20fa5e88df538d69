-- "Did we solve it?" (issue 16): the one survey link a manager makes for a closed case.
-- The link is an ordinary signed survey link (collector/src/links.rs) of the built-in
-- survey `case-solved` whose token is the case's id, so the database's one response
-- per (survey, token) makes it single use and the answer is found by the case's id
-- (`responses.token`). This table holds the link itself, once per case, so that the
-- case page shows the same link again instead of making a second.
CREATE TABLE case_solve_links (
    case_id     TEXT PRIMARY KEY,  -- cases.id (one link per case)
    url         TEXT NOT NULL,     -- the signed link as given to the manager
    expires_at  TEXT NOT NULL,     -- RFC 3339 UTC
    created_by  TEXT NOT NULL,     -- user:<users.id>
    created_at  TEXT NOT NULL
);
-- A case deleted with its response (`collector forget`) takes its link with it.
CREATE TRIGGER cases_forget_solve_links AFTER DELETE ON cases
BEGIN
    DELETE FROM case_solve_links WHERE case_id = OLD.id;
END;
-- The answer is read by (survey, token): the unique index `responses_one_per_token`.
