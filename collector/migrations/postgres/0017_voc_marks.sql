-- The VOC tally's marks (collector/src/voc.rs): the rows of the "what went wrong"
-- report each response counts under (a reason chosen, a low item, an alert), written
-- with the response, so the report is a GROUP BY over them instead of every response
-- read to count it. v_marked: 1 once a row's marks are written (rows stored before
-- this version get theirs at the next start); v_commented: 1 when it has a comment.
CREATE TABLE response_marks (
    response TEXT NOT NULL,
    mark     TEXT NOT NULL,
    PRIMARY KEY (response, mark)
);
ALTER TABLE responses ADD COLUMN v_marked INTEGER;
ALTER TABLE responses ADD COLUMN v_commented INTEGER;
