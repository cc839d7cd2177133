//! Coders (`coders`): the investigators who code.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::CoderId;
use crate::{Error, Project, Result};

/// An investigator. Every coding belongs to exactly one coder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Coder {
    /// Row id.
    pub id: CoderId,
    /// Stable identifier (a REFI-QDA `User`).
    pub guid: String,
    /// The coder's name.
    pub name: String,
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<Coder>> {
    let mut stmt = conn.prepare_cached("SELECT id, guid, name FROM coders ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Coder {
            id: r.get(0)?,
            guid: r.get(1)?,
            name: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn get(conn: &Connection, id: CoderId) -> Result<Coder> {
    conn.query_row(
        "SELECT id, guid, name FROM coders WHERE id = ?1",
        [id],
        |r| {
            Ok(Coder {
                id: r.get(0)?,
                guid: r.get(1)?,
                name: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found(format!("coder {id}")))
}

pub(crate) fn by_name(conn: &Connection, name: &str) -> Result<Option<Coder>> {
    Ok(conn
        .query_row(
            "SELECT id, guid, name FROM coders WHERE name = ?1 COLLATE NOCASE",
            [name.trim()],
            |r| {
                Ok(Coder {
                    id: r.get(0)?,
                    guid: r.get(1)?,
                    name: r.get(2)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn insert(conn: &Connection, name: &str, guid: Option<&str>) -> Result<CoderId> {
    conn.execute(
        "INSERT INTO coders(guid, name, created_at) VALUES (?1, ?2, ?3)",
        (
            guid.map(str::to_owned).unwrap_or_else(super::new_guid),
            name,
            super::now(),
        ),
    )?;
    Ok(CoderId(conn.last_insert_rowid()))
}

impl Project {
    /// The project's coders, in the order they were added.
    pub fn coders(&self) -> Result<Vec<Coder>> {
        list(&self.conn)
    }

    /// Adds a coder. Names are unique regardless of case.
    pub fn add_coder(&mut self, name: &str) -> Result<Coder> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid("a coder needs a name".into()));
        }
        if by_name(&self.conn, name)?.is_some() {
            return Err(Error::Conflict(format!(
                "there is already a coder called \"{name}\""
            )));
        }
        let id = self.change(None, |c| {
            let id = insert(c, name, None)?;
            c.log("coder.add", serde_json::json!({ "coder": name }))?;
            Ok(id)
        })?;
        get(&self.conn, id)
    }

    /// Finds a coder by name (ignoring case).
    pub fn coder_by_name(&self, name: &str) -> Result<Coder> {
        by_name(&self.conn, name)?.ok_or_else(|| {
            let known = list(&self.conn)
                .map(|c| c.into_iter().map(|c| c.name).collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            Error::not_found(if known.is_empty() {
                format!("coder \"{name}\" (the project has no coders yet; add one first)")
            } else {
                format!("coder \"{name}\" (coders: {known})")
            })
        })
    }
}
