-- Each scored response's fixed-first-time outcome (collector/src/store/totals.rs):
-- 1 in t_fft_n when the customer answered a question the questionnaire's alert rules
-- list as "fixed right the first time", and 1 in t_fft_yes when every such answer was
-- yes. Summed by the database like the other totals, for the overview's rate against
-- the dealer's target. NULL until written; rows stored before this version get theirs
-- at the next start (the backfill in the store's open).
ALTER TABLE responses ADD COLUMN t_fft_n BIGINT;
ALTER TABLE responses ADD COLUMN t_fft_yes BIGINT;
