//! Versioned schema migrations.
//!
//! Each migration is one SQL script that moves the schema from version N-1
//! to N; the version lives in `PRAGMA user_version`. All pending migrations
//! run in **one** transaction together with the version bump, so an upgrade
//! that fails at any statement leaves the file exactly as it was (SQLite DDL
//! is transactional). Each migration is a step of the whole schema rather
//! than of one table, so they live together here, in order, instead of beside
//! the table modules in `store/`.

use rusqlite::Connection;

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    /// The version the schema has after this step.
    pub version: i64,
    /// The SQL that performs it.
    pub sql: &'static str,
}

/// Every migration, in order. Append only: a released step is never edited,
/// and `fixtures/schema/` keeps a project file of every earlier version.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("v1.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("v2.sql"),
    },
];

/// The schema version this build writes.
pub const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// Applies every migration newer than the file's version, all in one
/// transaction. Returns the version before and after.
pub(crate) fn migrate(
    conn: &mut Connection,
    migrations: &[Migration],
) -> Result<(i64, i64), (i64, rusqlite::Error)> {
    let before: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| (0, e))?;
    let pending: Vec<&Migration> = migrations.iter().filter(|m| m.version > before).collect();
    let Some(last) = pending.last().map(|m| m.version) else {
        return Ok((before, before));
    };
    let tx = conn.transaction().map_err(|e| (before, e))?;
    for m in &pending {
        tx.execute_batch(m.sql).map_err(|e| (m.version, e))?;
    }
    // `user_version` is part of the database header, which SQLite writes in
    // the same transaction; a rollback restores it with everything else.
    tx.pragma_update(None, "user_version", last)
        .map_err(|e| (last, e))?;
    tx.commit().map_err(|e| (last, e))?;
    Ok((before, last))
}
