//! Codes (`codes`): the codebook, a tree of labels with definitions.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::CodeId;
use crate::{Error, Result};

/// A code of the codebook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Code {
    /// Row id.
    pub id: CodeId,
    /// Stable identifier, kept through REFI-QDA exchange and merges.
    pub guid: String,
    /// The parent code, or `None` at the top of the tree.
    pub parent: Option<CodeId>,
    /// Order among its siblings, from 0.
    pub position: i64,
    /// The label.
    pub name: String,
    /// What the code means.
    pub description: String,
    /// When to apply it.
    pub inclusion: String,
    /// When not to apply it.
    pub exclusion: String,
    /// A typical passage.
    pub example: String,
    /// Highlight colour, `#rrggbb`.
    pub color: String,
}

/// The fields of a code a user edits. `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodeFields {
    /// The label.
    #[serde(default)]
    pub name: Option<String>,
    /// What the code means.
    #[serde(default)]
    pub description: Option<String>,
    /// When to apply it.
    #[serde(default)]
    pub inclusion: Option<String>,
    /// When not to apply it.
    #[serde(default)]
    pub exclusion: Option<String>,
    /// A typical passage.
    #[serde(default)]
    pub example: Option<String>,
    /// Highlight colour, `#rrggbb`.
    #[serde(default)]
    pub color: Option<String>,
}

/// A restrained, colour-blind-aware palette (Tableau 10) that new codes
/// cycle through.
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

const COLUMNS: &str =
    "id, guid, parent_id, position, name, description, inclusion, exclusion, example, color";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Code> {
    Ok(Code {
        id: r.get(0)?,
        guid: r.get(1)?,
        parent: r.get(2)?,
        position: r.get(3)?,
        name: r.get(4)?,
        description: r.get(5)?,
        inclusion: r.get(6)?,
        exclusion: r.get(7)?,
        example: r.get(8)?,
        color: r.get(9)?,
    })
}

/// Every code in tree order: parents before children, siblings by position.
pub(crate) fn list(conn: &Connection) -> Result<Vec<Code>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM codes ORDER BY position, id"
    ))?;
    let all: Vec<Code> = stmt.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(all.len());
    fn walk(all: &[Code], parent: Option<CodeId>, out: &mut Vec<Code>) {
        for c in all.iter().filter(|c| c.parent == parent) {
            out.push(c.clone());
            walk(all, Some(c.id), out);
        }
    }
    walk(&all, None, &mut out);
    Ok(out)
}

pub(crate) fn get(conn: &Connection, id: CodeId) -> Result<Code> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM codes WHERE id = ?1"),
        [id],
        row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found(format!("code {id}")))
}

pub(crate) fn by_guid(conn: &Connection, guid: &str) -> Result<Option<Code>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM codes WHERE guid = ?1 COLLATE NOCASE"),
            [guid],
            row,
        )
        .optional()?)
}

/// Finds a code by name, or by path "Parent/Child" when names repeat.
pub(crate) fn resolve(conn: &Connection, reference: &str) -> Result<Code> {
    let all = list(conn)?;
    let reference = reference.trim();
    let path_of = |c: &Code| -> String {
        let mut parts = vec![c.name.clone()];
        let mut p = c.parent;
        while let Some(pid) = p {
            match all.iter().find(|x| x.id == pid) {
                Some(parent) => {
                    parts.push(parent.name.clone());
                    p = parent.parent;
                }
                None => break,
            }
        }
        parts.reverse();
        parts.join("/")
    };
    let by_path: Vec<&Code> = all
        .iter()
        .filter(|c| path_of(c).eq_ignore_ascii_case(reference))
        .collect();
    if let [one] = by_path.as_slice() {
        return Ok((*one).clone());
    }
    let by_name: Vec<&Code> = all
        .iter()
        .filter(|c| c.name.to_lowercase() == reference.to_lowercase())
        .collect();
    match by_name.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::not_found(format!("code \"{reference}\""))),
        many => Err(Error::Invalid(format!(
            "\"{reference}\" names {} codes ({}); give its path instead",
            many.len(),
            many.iter()
                .map(|c| path_of(c))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Checks a colour is `#rrggbb`.
pub(crate) fn valid_color(color: &str) -> Result<String> {
    let c = color.trim();
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
    if ok {
        Ok(c.to_lowercase())
    } else {
        Err(Error::Invalid(format!(
            "\"{color}\" is not a colour of the form #rrggbb"
        )))
    }
}

pub(crate) fn name_taken(
    conn: &Connection,
    parent: Option<CodeId>,
    name: &str,
    except: Option<CodeId>,
) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0)
           AND name = ?2 COLLATE NOCASE AND id != coalesce(?3, -1)",
        params![parent, name.trim(), except],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Inserts a code at the end of its siblings.
pub(crate) fn insert(
    conn: &Connection,
    parent: Option<CodeId>,
    fields: &CodeFields,
    guid: Option<&str>,
) -> Result<CodeId> {
    let name = fields.name.as_deref().map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(Error::Invalid("a code needs a name".into()));
    }
    if name_taken(conn, parent, name, None)? {
        return Err(Error::Conflict(format!(
            "there is already a code called \"{name}\" here"
        )));
    }
    let count: i64 = conn.query_row("SELECT count(*) FROM codes", [], |r| r.get(0))?;
    let color = match &fields.color {
        Some(c) if !c.trim().is_empty() => valid_color(c)?,
        _ => PALETTE[count as usize % PALETTE.len()].to_owned(),
    };
    let position: i64 = conn.query_row(
        "SELECT coalesce(max(position) + 1, 0) FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0)",
        [parent],
        |r| r.get(0),
    )?;
    conn.execute(
        "INSERT INTO codes(guid, parent_id, position, name, description, inclusion, exclusion, example, color, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            guid.map(str::to_owned).unwrap_or_else(super::new_guid),
            parent,
            position,
            name,
            fields.description.as_deref().unwrap_or_default(),
            fields.inclusion.as_deref().unwrap_or_default(),
            fields.exclusion.as_deref().unwrap_or_default(),
            fields.example.as_deref().unwrap_or_default(),
            color,
            super::now(),
        ],
    )?;
    Ok(CodeId(conn.last_insert_rowid()))
}

/// Applies the given fields to a code.
pub(crate) fn update(conn: &Connection, id: CodeId, fields: &CodeFields) -> Result<()> {
    let current = get(conn, id)?;
    if let Some(name) = &fields.name {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid("a code needs a name".into()));
        }
        if name_taken(conn, current.parent, name, Some(id))? {
            return Err(Error::Conflict(format!(
                "there is already a code called \"{name}\" here"
            )));
        }
    }
    let color = match &fields.color {
        Some(c) => valid_color(c)?,
        None => current.color,
    };
    conn.execute(
        "UPDATE codes SET name = ?2, description = ?3, inclusion = ?4, exclusion = ?5, example = ?6, color = ?7
         WHERE id = ?1",
        params![
            id,
            fields.name.as_deref().map(str::trim).unwrap_or(&current.name),
            fields.description.as_deref().unwrap_or(&current.description),
            fields.inclusion.as_deref().unwrap_or(&current.inclusion),
            fields.exclusion.as_deref().unwrap_or(&current.exclusion),
            fields.example.as_deref().unwrap_or(&current.example),
            color,
        ],
    )?;
    Ok(())
}

/// The code and all its descendants.
pub(crate) fn subtree(conn: &Connection, id: CodeId) -> Result<Vec<CodeId>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE t(id) AS (SELECT ?1 UNION ALL SELECT c.id FROM codes c JOIN t ON c.parent_id = t.id)
         SELECT id FROM t",
    )?;
    let ids = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Renumbers the siblings under `parent` 0, 1, 2, ... in their current order.
pub(crate) fn renumber(conn: &Connection, parent: Option<CodeId>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) ORDER BY position, id",
    )?;
    let ids: Vec<CodeId> = stmt
        .query_map([parent], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for (i, id) in ids.iter().enumerate() {
        conn.execute(
            "UPDATE codes SET position = ?2 WHERE id = ?1",
            params![id, i as i64],
        )?;
    }
    Ok(())
}
