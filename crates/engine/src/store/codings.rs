//! Codings (`codings`): one code applied by one coder to a span of a source.
//!
//! Architecture invariant: every statement here that reads or writes
//! codings names the coder in its `WHERE` clause. There is no function that
//! returns codings of "everyone"; comparing coders goes through
//! [`for_coders`], which only the agreement and exchange modules call, and
//! only outside the independent-coding phase.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{CodeId, CoderId, CodingId, SourceId};
use crate::{Error, Result};

/// One application of a code by one coder to a span of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Coding {
    /// Row id.
    pub id: CodingId,
    /// Stable identifier (a REFI-QDA `Coding`), kept through merges.
    pub guid: String,
    /// The coder it belongs to.
    pub coder: CoderId,
    /// The code applied.
    pub code: CodeId,
    /// The source coded.
    pub source: SourceId,
    /// First code point of the span.
    pub start: i64,
    /// One past the last code point.
    pub end: i64,
    /// The coder's note on this coding.
    pub memo: String,
    /// When it was made (UTC).
    pub created_at: String,
    /// When it was last changed (UTC).
    pub updated_at: String,
}

/// Which of a coder's codings to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodingFilter {
    /// Only in this source.
    #[serde(default)]
    pub source: Option<SourceId>,
    /// Only with this code.
    #[serde(default)]
    pub code: Option<CodeId>,
}

const COLUMNS: &str =
    "id, guid, coder_id, code_id, source_id, start, end, memo, created_at, updated_at";

pub(crate) fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Coding> {
    Ok(Coding {
        id: r.get(0)?,
        guid: r.get(1)?,
        coder: r.get(2)?,
        code: r.get(3)?,
        source: r.get(4)?,
        start: r.get(5)?,
        end: r.get(6)?,
        memo: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

/// The coder's codings, by source and position.
pub(crate) fn list(
    conn: &Connection,
    coder: CoderId,
    filter: &CodingFilter,
) -> Result<Vec<Coding>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM codings
         WHERE coder_id = ?1 AND (?2 IS NULL OR source_id = ?2) AND (?3 IS NULL OR code_id = ?3)
         ORDER BY source_id, start, end, id"
    ))?;
    let rows = stmt.query_map(params![coder, filter.source, filter.code], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One of the coder's codings. Another coder's coding is reported as not
/// found, so its existence is not revealed either.
pub(crate) fn get(conn: &Connection, coder: CoderId, id: CodingId) -> Result<Coding> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM codings WHERE id = ?1 AND coder_id = ?2"),
        params![id, coder],
        row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(format!("coding {id}")))
}

pub(crate) fn by_guid(conn: &Connection, coder: CoderId, guid: &str) -> Result<Option<Coding>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM codings WHERE guid = ?1 AND coder_id = ?2"),
            params![guid, coder],
            row,
        )
        .optional()?)
}

/// Inserts a coding with the given guid and times (fresh ones when `None`).
pub(crate) fn insert(conn: &Connection, c: &Coding) -> Result<CodingId> {
    conn.execute(
        "INSERT INTO codings(guid, coder_id, code_id, source_id, start, end, memo, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![c.guid, c.coder, c.code, c.source, c.start, c.end, c.memo, c.created_at, c.updated_at],
    )?;
    Ok(CodingId(conn.last_insert_rowid()))
}

/// Writes a coding's code, span and memo (matched by guid within the coder).
pub(crate) fn update(conn: &Connection, c: &Coding) -> Result<()> {
    let n = conn.execute(
        "UPDATE codings SET code_id = ?3, start = ?4, end = ?5, memo = ?6, updated_at = ?7
         WHERE guid = ?1 AND coder_id = ?2",
        params![
            c.guid,
            c.coder,
            c.code,
            c.start,
            c.end,
            c.memo,
            c.updated_at
        ],
    )?;
    if n == 0 {
        return Err(Error::not_found(format!("coding {}", c.guid)));
    }
    Ok(())
}

pub(crate) fn delete(conn: &Connection, coder: CoderId, guid: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM codings WHERE guid = ?1 AND coder_id = ?2",
        params![guid, coder],
    )?;
    Ok(())
}

/// The codings of several coders at once, for comparing them (agreement,
/// reconciliation, exchange). Callers check the phase first.
pub(crate) fn for_coders(
    conn: &Connection,
    coders: &[CoderId],
    filter: &CodingFilter,
) -> Result<Vec<Coding>> {
    let mut out = Vec::new();
    for coder in coders {
        out.extend(list(conn, *coder, filter)?);
    }
    Ok(out)
}
