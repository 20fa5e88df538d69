-- Reports read only this index (SQLite): a covering index of every column the report
-- filter (collector/src/store/sqlite.rs WHERE_FILTER) and the totals' sums
-- (collector/src/store/totals.rs) touch. Without it, summing a year of a dealer group
-- walked every row's JSON (about 7 KB each, the totals stored after it): 1.5-2.7 s for
-- 100k responses, past the 3 s database deadline under load.
-- The context keys the filter takes are generated columns, so the index holds them too.
ALTER TABLE responses ADD COLUMN ctx_station TEXT GENERATED ALWAYS AS (json_extract(context, '$.station')) VIRTUAL;
ALTER TABLE responses ADD COLUMN ctx_agent TEXT GENERATED ALWAYS AS (json_extract(context, '$.agent')) VIRTUAL;
ALTER TABLE responses ADD COLUMN ctx_channel TEXT GENERATED ALWAYS AS (json_extract(context, '$.channel')) VIRTUAL;
CREATE INDEX responses_reports ON responses (
    survey_id,
    created_at,
    dealer,
    advisor,
    alerts,
    verified,
    ctx_station,
    ctx_agent,
    ctx_channel,
    score_mismatch,
    t_version,
    t_n,
    t_csi_n,
    t_reliability_n,
    t_responsiveness_n,
    t_assurance_n,
    t_empathy_n,
    t_tangibles_n,
    t_promoters,
    t_passives,
    t_detractors,
    t_csat_n,
    t_csat_yes,
    t_fcr_n,
    t_fcr_yes,
    t_ces_n,
    t_compliance_n,
    t_alert_low_overall,
    t_alert_nps_detractor,
    t_alert_not_fixed_first_time,
    t_alert_fcr_no,
    t_alert_contact_requested,
    t_alerts_low_overall,
    t_alerts_nps_detractor,
    t_alerts_not_fixed_first_time,
    t_alerts_fcr_no,
    t_alerts_contact_requested,
    t_with_alerts,
    t_csi_sum,
    t_reliability_sum,
    t_responsiveness_sum,
    t_assurance_sum,
    t_empathy_sum,
    t_tangibles_sum,
    t_ces_value_sum,
    t_ces_rescaled_sum,
    t_compliance_sum
);
