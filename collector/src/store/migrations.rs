//! Versioned schema changes, numbered files under `collector/migrations/<backend>/`.
//!
//! Each backend keeps a `schema_migrations` table of the versions applied; at start the
//! missing ones run in order, each in its own transaction with its version row, so a
//! crash mid-way leaves the database at the previous version. A database whose newest
//! version is above what this build knows is refused: an older collector must not
//! write into a schema it does not understand.

/// One schema change.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// SQLite's migrations, oldest first.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "responses",
        sql: include_str!("../../migrations/sqlite/0001_responses.sql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        sql: include_str!("../../migrations/sqlite/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        name: "links",
        sql: include_str!("../../migrations/sqlite/0003_links.sql"),
    },
    Migration {
        version: 4,
        name: "privacy",
        sql: include_str!("../../migrations/sqlite/0004_privacy.sql"),
    },
    Migration {
        version: 5,
        name: "kiosks",
        sql: include_str!("../../migrations/sqlite/0005_kiosks.sql"),
    },
    Migration {
        version: 6,
        name: "cases",
        sql: include_str!("../../migrations/sqlite/0006_cases.sql"),
    },
    Migration {
        version: 7,
        name: "dealer_settings",
        sql: include_str!("../../migrations/sqlite/0007_dealer_settings.sql"),
    },
    Migration {
        version: 8,
        name: "webhooks",
        sql: include_str!("../../migrations/sqlite/0008_webhooks.sql"),
    },
    Migration {
        version: 10,
        name: "totals",
        sql: include_str!("../../migrations/sqlite/0010_totals.sql"),
    },
    Migration {
        version: 11,
        name: "report_index",
        sql: include_str!("../../migrations/sqlite/0011_report_index.sql"),
    },
    Migration {
        version: 12,
        name: "followups",
        sql: include_str!("../../migrations/sqlite/0012_followups.sql"),
    },
    Migration {
        version: 13,
        name: "beacons",
        sql: include_str!("../../migrations/sqlite/0013_beacons.sql"),
    },
    Migration {
        version: 14,
        name: "case_solve_links",
        sql: include_str!("../../migrations/sqlite/0014_case_solve_links.sql"),
    },
    Migration {
        version: 15,
        name: "definitions",
        sql: include_str!("../../migrations/sqlite/0015_definitions.sql"),
    },
    Migration {
        version: 16,
        name: "fixed_first_time",
        sql: include_str!("../../migrations/sqlite/0016_fixed_first_time.sql"),
    },
    Migration {
        version: 17,
        name: "voc_marks",
        sql: include_str!("../../migrations/sqlite/0017_voc_marks.sql"),
    },
];

/// PostgreSQL's migrations, oldest first.
pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "responses",
        sql: include_str!("../../migrations/postgres/0001_responses.sql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        sql: include_str!("../../migrations/postgres/0002_accounts.sql"),
    },
    Migration {
        version: 3,
        name: "links",
        sql: include_str!("../../migrations/postgres/0003_links.sql"),
    },
    Migration {
        version: 4,
        name: "privacy",
        sql: include_str!("../../migrations/postgres/0004_privacy.sql"),
    },
    Migration {
        version: 5,
        name: "kiosks",
        sql: include_str!("../../migrations/postgres/0005_kiosks.sql"),
    },
    Migration {
        version: 6,
        name: "cases",
        sql: include_str!("../../migrations/postgres/0006_cases.sql"),
    },
    Migration {
        version: 7,
        name: "dealer_settings",
        sql: include_str!("../../migrations/postgres/0007_dealer_settings.sql"),
    },
    Migration {
        version: 8,
        name: "webhooks",
        sql: include_str!("../../migrations/postgres/0008_webhooks.sql"),
    },
    Migration {
        version: 10,
        name: "totals",
        sql: include_str!("../../migrations/postgres/0010_totals.sql"),
    },
    Migration {
        version: 11,
        name: "report_index",
        sql: include_str!("../../migrations/postgres/0011_report_index.sql"),
    },
    Migration {
        version: 12,
        name: "followups",
        sql: include_str!("../../migrations/postgres/0012_followups.sql"),
    },
    Migration {
        version: 13,
        name: "beacons",
        sql: include_str!("../../migrations/postgres/0013_beacons.sql"),
    },
    Migration {
        version: 14,
        name: "case_solve_links",
        sql: include_str!("../../migrations/postgres/0014_case_solve_links.sql"),
    },
    Migration {
        version: 15,
        name: "definitions",
        sql: include_str!("../../migrations/postgres/0015_definitions.sql"),
    },
    Migration {
        version: 16,
        name: "fixed_first_time",
        sql: include_str!("../../migrations/postgres/0016_fixed_first_time.sql"),
    },
    Migration {
        version: 17,
        name: "voc_marks",
        sql: include_str!("../../migrations/postgres/0017_voc_marks.sql"),
    },
];

/// The migrations of `all` still to run on a database at `applied` (the versions
/// present), or why the database cannot be used.
pub fn pending(all: &'static [Migration], applied: &[i64]) -> Result<Vec<Migration>, String> {
    let known = all.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(newer) = applied.iter().copied().filter(|v| *v > known).max() {
        return Err(format!(
            "the database is at schema version {newer}, newer than this collector knows \
             ({known}); run a newer collector"
        ));
    }
    Ok(all
        .iter()
        .filter(|m| !applied.contains(&m.version))
        .copied()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_increasing_and_in_step() {
        for list in [SQLITE, POSTGRES] {
            assert_eq!(list.first().map(|m| m.version), Some(1));
            for pair in list.windows(2) {
                assert!(pair[0].version < pair[1].version, "{}", pair[1].name);
            }
        }
        let versions = |list: &[Migration]| list.iter().map(|m| m.version).collect::<Vec<_>>();
        assert_eq!(
            versions(SQLITE),
            versions(POSTGRES),
            "both backends have every change"
        );
        assert_eq!(
            SQLITE.len(),
            POSTGRES.len(),
            "both backends have every change"
        );
    }

    #[test]
    fn pending_and_too_new() {
        assert_eq!(pending(SQLITE, &[]).map(|p| p.len()), Ok(SQLITE.len()));
        assert_eq!(pending(SQLITE, &[1]).map(|p| p.len()), Ok(SQLITE.len() - 1));
        let err = pending(SQLITE, &[1, 99]).err().unwrap_or_default();
        assert!(err.contains("99"), "{err}");
    }
}
