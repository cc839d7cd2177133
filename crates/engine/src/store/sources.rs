//! Sources and their units (`sources`, `units`, `imports`).

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{CaseId, SourceId, UnitId};
use crate::import::{SourceKind, UnitKind};
use crate::{Error, Project, Result};

/// A source as the sources panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Source {
    /// Row id.
    pub id: SourceId,
    /// Stable identifier, kept through REFI-QDA exchange.
    pub guid: String,
    /// Survey question, notes or transcript.
    pub kind: SourceKind,
    /// Title shown to the user.
    pub title: String,
    /// The file it was imported from.
    pub file_name: String,
    /// Length of the text in code points.
    pub length: i64,
    /// Number of units.
    pub units: i64,
    /// Number of distinct cases its units belong to.
    pub cases: i64,
    /// When it was imported (UTC, RFC 3339).
    pub imported_at: String,
}

/// One natural piece of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Unit {
    /// Row id.
    pub id: UnitId,
    /// Position among the source's units, from 0.
    pub ordinal: i64,
    /// First code point.
    pub start: i64,
    /// One past the last code point.
    pub end: i64,
    /// Response, paragraph, heading or speaker turn.
    pub kind: UnitKind,
    /// The case it belongs to.
    pub case_id: Option<CaseId>,
    /// The case's name.
    pub case_name: Option<String>,
    /// The speaker as written in a transcript.
    pub speaker: Option<String>,
    /// Whether the speaker is a moderator.
    pub moderator: bool,
    /// Start of a turn in milliseconds from the start of the recording.
    pub start_ms: Option<i64>,
    /// End of a turn in milliseconds.
    pub end_ms: Option<i64>,
    /// The survey question a response answers.
    pub question: Option<String>,
}

/// A source with its full text and units, for the document view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SourceText {
    /// The source.
    pub source: Source,
    /// Its text; unit and coding offsets count its code points.
    pub text: String,
    /// Its units, in order.
    pub units: Vec<Unit>,
}

const SOURCE_COLUMNS: &str =
    "s.id, s.guid, s.kind, s.title, s.file_name, s.char_len, s.imported_at,
     (SELECT count(*) FROM units u WHERE u.source_id = s.id),
     (SELECT count(DISTINCT u.case_id) FROM units u WHERE u.source_id = s.id)";

fn source_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Source> {
    let kind: String = r.get(2)?;
    Ok(Source {
        id: r.get(0)?,
        guid: r.get(1)?,
        kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Notes),
        title: r.get(3)?,
        file_name: r.get(4)?,
        length: r.get(5)?,
        imported_at: r.get(6)?,
        units: r.get(7)?,
        cases: r.get(8)?,
    })
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<Source>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SOURCE_COLUMNS} FROM sources s ORDER BY s.position, s.id"
    ))?;
    let rows = stmt.query_map([], source_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn get(conn: &Connection, id: SourceId) -> Result<Source> {
    conn.query_row(
        &format!("SELECT {SOURCE_COLUMNS} FROM sources s WHERE s.id = ?1"),
        [id],
        source_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(format!("source {id}")))
}

pub(crate) fn text(conn: &Connection, id: SourceId) -> Result<String> {
    conn.query_row("SELECT text FROM sources WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found(format!("source {id}")))
}

pub(crate) fn units(conn: &Connection, source: SourceId) -> Result<Vec<Unit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.ordinal, u.start, u.end, u.kind, u.case_id, c.name, u.speaker,
                coalesce(c.role = 'moderator', 0), u.start_ms, u.end_ms, u.question
         FROM units u LEFT JOIN cases c ON c.id = u.case_id
         WHERE u.source_id = ?1 ORDER BY u.ordinal",
    )?;
    let rows = stmt.query_map([source], |r| {
        let kind: String = r.get(4)?;
        Ok(Unit {
            id: r.get(0)?,
            ordinal: r.get(1)?,
            start: r.get(2)?,
            end: r.get(3)?,
            kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Paragraph),
            case_id: r.get(5)?,
            case_name: r.get(6)?,
            speaker: r.get(7)?,
            moderator: r.get(8)?,
            start_ms: r.get(9)?,
            end_ms: r.get(10)?,
            question: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Finds a source by id, GUID, exact title or file name (for the CLI).
pub(crate) fn resolve(conn: &Connection, reference: &str) -> Result<SourceId> {
    if let Ok(id) = reference.parse::<i64>()
        && let Some(id) = conn
            .query_row("SELECT id FROM sources WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
    {
        return Ok(id);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM sources WHERE guid = ?1 COLLATE NOCASE OR title = ?1 OR file_name = ?1",
    )?;
    let ids: Vec<SourceId> = stmt
        .query_map([reference], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::not_found(format!("source \"{reference}\""))),
        _ => Err(Error::Invalid(format!(
            "\"{reference}\" names {} sources; give the source's id instead (see `accord sources`)",
            ids.len()
        ))),
    }
}

pub(crate) fn delete(conn: &Connection, id: SourceId) -> Result<()> {
    conn.execute("DELETE FROM sources WHERE id = ?1", params![id])?;
    Ok(())
}

impl Project {
    /// Every source, in import order.
    pub fn sources(&self) -> Result<Vec<Source>> {
        list(&self.conn)
    }

    /// One source with its text and units.
    pub fn source_text(&self, id: SourceId) -> Result<SourceText> {
        Ok(SourceText {
            source: get(&self.conn, id)?,
            text: text(&self.conn, id)?,
            units: units(&self.conn, id)?,
        })
    }

    /// Finds a source by id, GUID, title or file name.
    pub fn resolve_source(&self, reference: &str) -> Result<SourceId> {
        resolve(&self.conn, reference)
    }
}
