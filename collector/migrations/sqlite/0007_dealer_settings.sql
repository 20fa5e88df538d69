-- Each dealer's reporting settings (issue 15): the time zone its periods are counted
-- in (a date filter's days, this month, last month, the quarter), and the targets
-- its figures are shown against. A dealer without a row uses the defaults in
-- collector/src/settings.rs (Asia/Shanghai, CSI 93, fixed first time 95%).
CREATE TABLE dealer_settings (
    dealer                   TEXT PRIMARY KEY,
    time_zone                TEXT NOT NULL,  -- an IANA name, checked by the collector
    csi_target               REAL NOT NULL CHECK (csi_target >= 0 AND csi_target <= 100),
    fixed_first_time_target  REAL NOT NULL CHECK (fixed_first_time_target >= 0 AND fixed_first_time_target <= 100),
    updated_at               TEXT NOT NULL
);
