//! The append-only audit log (`audit_log`). Triggers in the schema refuse
//! updates and deletes, so the log can only grow.

use rusqlite::Connection;

use super::AuditEntry;
use crate::Result;

pub(crate) fn append(
    conn: &Connection,
    who: &str,
    action: &str,
    details: &serde_json::Value,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log(at, who, action, details) VALUES (?1, ?2, ?3, ?4)",
        (super::now(), who, action, details.to_string()),
    )?;
    Ok(())
}

/// The newest `limit` entries, newest first.
pub(crate) fn recent(conn: &Connection, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, who, action, details FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            who: r.get(1)?,
            action: r.get(2)?,
            details: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
