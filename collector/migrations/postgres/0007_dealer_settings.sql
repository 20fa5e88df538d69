-- Each dealer's reporting settings (issue 15), as in SQLite.
CREATE TABLE dealer_settings (
    dealer                   TEXT COLLATE "C" PRIMARY KEY,
    time_zone                TEXT NOT NULL,
    csi_target               DOUBLE PRECISION NOT NULL CHECK (csi_target >= 0 AND csi_target <= 100),
    fixed_first_time_target  DOUBLE PRECISION NOT NULL CHECK (fixed_first_time_target >= 0 AND fixed_first_time_target <= 100),
    updated_at               TEXT COLLATE "C" NOT NULL
);
