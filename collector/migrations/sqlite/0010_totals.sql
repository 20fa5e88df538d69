-- Each response's totals (collector/src/store/totals.rs, survey_core::scoring::totals):
-- the counts and sums of its server card, written with the row, so reports are the
-- database's SUM over the selected rows instead of every card read into the server.
-- NULL until written; rows stored before this version get theirs at the next start
-- (the backfill in the store's open), unscored rows keep NULL.
ALTER TABLE responses ADD COLUMN t_version INTEGER;
ALTER TABLE responses ADD COLUMN t_n INTEGER;
ALTER TABLE responses ADD COLUMN t_csi_n INTEGER;
ALTER TABLE responses ADD COLUMN t_reliability_n INTEGER;
ALTER TABLE responses ADD COLUMN t_responsiveness_n INTEGER;
ALTER TABLE responses ADD COLUMN t_assurance_n INTEGER;
ALTER TABLE responses ADD COLUMN t_empathy_n INTEGER;
ALTER TABLE responses ADD COLUMN t_tangibles_n INTEGER;
ALTER TABLE responses ADD COLUMN t_promoters INTEGER;
ALTER TABLE responses ADD COLUMN t_passives INTEGER;
ALTER TABLE responses ADD COLUMN t_detractors INTEGER;
ALTER TABLE responses ADD COLUMN t_csat_n INTEGER;
ALTER TABLE responses ADD COLUMN t_csat_yes INTEGER;
ALTER TABLE responses ADD COLUMN t_fcr_n INTEGER;
ALTER TABLE responses ADD COLUMN t_fcr_yes INTEGER;
ALTER TABLE responses ADD COLUMN t_ces_n INTEGER;
ALTER TABLE responses ADD COLUMN t_compliance_n INTEGER;
ALTER TABLE responses ADD COLUMN t_alert_low_overall INTEGER;
ALTER TABLE responses ADD COLUMN t_alert_nps_detractor INTEGER;
ALTER TABLE responses ADD COLUMN t_alert_not_fixed_first_time INTEGER;
ALTER TABLE responses ADD COLUMN t_alert_fcr_no INTEGER;
ALTER TABLE responses ADD COLUMN t_alert_contact_requested INTEGER;
ALTER TABLE responses ADD COLUMN t_alerts_low_overall INTEGER;
ALTER TABLE responses ADD COLUMN t_alerts_nps_detractor INTEGER;
ALTER TABLE responses ADD COLUMN t_alerts_not_fixed_first_time INTEGER;
ALTER TABLE responses ADD COLUMN t_alerts_fcr_no INTEGER;
ALTER TABLE responses ADD COLUMN t_alerts_contact_requested INTEGER;
ALTER TABLE responses ADD COLUMN t_with_alerts INTEGER;
ALTER TABLE responses ADD COLUMN t_csi_sum REAL;
ALTER TABLE responses ADD COLUMN t_reliability_sum REAL;
ALTER TABLE responses ADD COLUMN t_responsiveness_sum REAL;
ALTER TABLE responses ADD COLUMN t_assurance_sum REAL;
ALTER TABLE responses ADD COLUMN t_empathy_sum REAL;
ALTER TABLE responses ADD COLUMN t_tangibles_sum REAL;
ALTER TABLE responses ADD COLUMN t_ces_value_sum REAL;
ALTER TABLE responses ADD COLUMN t_ces_rescaled_sum REAL;
ALTER TABLE responses ADD COLUMN t_compliance_sum REAL;
