//! Merging a coder's copy of the project back in.
//!
//! Two coders may code on two machines, each in a copy of the same project
//! file. Merging brings the copy's codings (with their memos) and the
//! coders' memos in under their coder. It only ever adds: nothing in this
//! project is changed or removed, so the other coder's work is untouched,
//! and a coding already present (same coder, code, source and span) is
//! skipped, so merging twice changes nothing.
//!
//! The copies must hold the same sources with the same texts (matched by
//! GUID and content hash): offsets count code points of the text, so a
//! coding means nothing over a different text.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{OpenFlags, OptionalExtension, params};
use serde::Serialize;

use crate::store::{self, CodeId, CoderId, SourceId};
use crate::{Error, Project, Result};

/// One of the copy's codes: guid, name, parent id, description, inclusion,
/// exclusion, example, colour.
type CodeRow = (
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
);
/// One of the copy's codings: code, source, start, end, memo, guid, created, updated.
type CodingRow = (i64, i64, i64, i64, String, String, String, String);
/// One of the copy's memos: guid, target kind, target, title, text, created, updated.
type MemoRow = (String, String, Option<i64>, String, String, String, String);

/// What a merge brought in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MergeReport {
    /// Per coder of the copy: (name, codings added, codings already here).
    pub coders: Vec<MergedCoder>,
    /// Memos added.
    pub memos: u64,
    /// Codes the copy had that this project lacked, created here.
    pub codes_created: Vec<String>,
}

/// One coder's part of a merge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MergedCoder {
    /// The coder's name.
    pub name: String,
    /// Codings added.
    pub added: u64,
    /// Codings that were here already.
    pub present: u64,
}

impl Project {
    /// Merges the codings and memos of `copy` (another `.accord` file of the
    /// same study). With `only`, merges that coder's work only.
    pub fn merge_copy(&mut self, copy: &Path, only: Option<&str>) -> Result<MergeReport> {
        let copy_name = copy.display().to_string();
        // Coders' own codings are frozen once they are compared: adding some
        // afterwards would change the agreement already reported.
        match self.phase()? {
            crate::Phase::Setup | crate::Phase::Independent => {}
            phase => {
                return Err(Error::NotAllowed(format!(
                    "a coder's copy can be merged during setup or independent coding; this project is in {}, where the coders' codings are frozen. Move it back to independent coding to merge",
                    phase.as_str()
                )));
            }
        }
        // Opened read-only and checked like any project, so a foreign or newer
        // file is refused with the usual message and never written to.
        crate::project::probe(copy, crate::SCHEMA_VERSION)?;
        let other = rusqlite::Connection::open_with_flags(copy, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| Error::Invalid(format!("{copy_name}: cannot be opened ({e})")))?;
        let their_version: i64 = other.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if their_version != crate::SCHEMA_VERSION {
            return Err(Error::Invalid(format!(
                "{copy_name} is in project format {their_version}; open it once in this version of Accord (which upgrades it), then merge"
            )));
        }
        // Sources must match one to one.
        let ours: HashMap<String, (SourceId, String)> = self
            .conn
            .prepare("SELECT guid, id, content_hash FROM sources")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        let theirs: Vec<(i64, String, String, String)> = other
            .prepare("SELECT id, guid, content_hash, title FROM sources")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut source_map: HashMap<i64, SourceId> = HashMap::new();
        for (id, guid, hash, title) in &theirs {
            match ours.get(guid) {
                Some((our_id, our_hash)) if our_hash == hash => {
                    source_map.insert(*id, *our_id);
                }
                Some(_) => {
                    return Err(Error::Conflict(format!(
                        "{copy_name}: the text of \u{201c}{title}\u{201d} differs from this project's; the copies are of different sources, so nothing was merged"
                    )));
                }
                None => {
                    return Err(Error::Conflict(format!(
                        "{copy_name}: \u{201c}{title}\u{201d} is not in this project; import the same files in both copies before coding, so nothing was merged"
                    )));
                }
            }
        }
        if theirs.len() != ours.len() {
            return Err(Error::Conflict(format!(
                "{copy_name} has {} sources and this project {}; the copies must hold the same sources, so nothing was merged",
                theirs.len(),
                ours.len()
            )));
        }
        // Their codes, by id: (guid, name, parent id, fields).
        type CodeRow = (
            String,
            String,
            Option<i64>,
            String,
            String,
            String,
            String,
            String,
        );
        let their_codes: HashMap<i64, CodeRow> = other
            .prepare("SELECT id, guid, name, parent_id, description, inclusion, exclusion, example, color FROM codes")?
            .query_map([], |r| {
                Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let coders: Vec<(i64, String)> = other
            .prepare("SELECT id, name FROM coders ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some(name) = only
            && !coders
                .iter()
                .any(|(_, n)| n.eq_ignore_ascii_case(name.trim()))
        {
            return Err(Error::not_found(format!(
                "coder \u{201c}{name}\u{201d} in {copy_name}"
            )));
        }
        let mut codings_stmt = other.prepare(
            "SELECT code_id, source_id, start, end, memo, guid, created_at, updated_at FROM codings WHERE coder_id = ?1 ORDER BY id",
        )?;
        let mut memo_stmt = other.prepare(
            "SELECT guid, target_kind, target_id, title, text, created_at, updated_at FROM memos WHERE coder_id = ?1",
        )?;
        let mut report = MergeReport::default();
        let file = copy_name.clone();
        let actor = self.actor().to_owned();
        self.change(Some(&actor), |c| {
            let mut code_map: HashMap<i64, CodeId> = HashMap::new();
            for (name_id, coder_name) in &coders {
                if only.is_some_and(|o| !o.trim().eq_ignore_ascii_case(coder_name)) {
                    continue;
                }
                let rows: Vec<CodingRow> = codings_stmt
                    .query_map([name_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                let memos: Vec<MemoRow> = memo_stmt
                    .query_map([name_id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                if rows.is_empty() && memos.is_empty() {
                    continue;
                }
                let coder = match c
                    .query_row("SELECT id FROM coders WHERE name = ?1 COLLATE NOCASE", [coder_name], |r| r.get::<_, CoderId>(0))
                    .optional()?
                {
                    Some(id) => id,
                    None => {
                        c.execute(
                            "INSERT INTO coders(guid, name, created_at) VALUES (?1, ?2, ?3)",
                            params![store::new_guid(), coder_name, store::now()],
                        )?;
                        CoderId(c.last_insert_rowid())
                    }
                };
                let mut merged = MergedCoder {
                    name: coder_name.clone(),
                    ..Default::default()
                };
                for (code, source, start, end, memo, guid, created, updated) in rows {
                    let code = map_code(c, &their_codes, &mut code_map, code, &mut report.codes_created)?;
                    let source = source_map[&source];
                    let exists: bool = c.query_row(
                        "SELECT EXISTS(SELECT 1 FROM codings WHERE coder_id = ?1 AND code_id = ?2 AND source_id = ?3 AND start = ?4 AND end = ?5)",
                        params![coder, code, source, start, end],
                        |r| r.get(0),
                    )?;
                    if exists {
                        merged.present += 1;
                        continue;
                    }
                    let guid_taken: bool =
                        c.query_row("SELECT EXISTS(SELECT 1 FROM codings WHERE guid = ?1)", [&guid], |r| r.get(0))?;
                    let guid = if guid_taken { store::new_guid() } else { guid };
                    c.execute(
                        "INSERT INTO codings(guid, coder_id, code_id, source_id, start, end, memo, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        params![guid, coder, code, source, start, end, memo, created, updated],
                    )?;
                    merged.added += 1;
                }
                for (guid, kind, target, title, text, created, updated) in memos {
                    let exists: bool =
                        c.query_row("SELECT EXISTS(SELECT 1 FROM memos WHERE guid = ?1)", [&guid], |r| r.get(0))?;
                    if exists {
                        continue;
                    }
                    let target = match (kind.as_str(), target) {
                        ("source", Some(t)) => source_map.get(&t).map(|s| s.0),
                        ("code", Some(t)) => Some(map_code(c, &their_codes, &mut code_map, t, &mut report.codes_created)?.0),
                        ("case", Some(t)) => {
                            let name: Option<String> = other
                                .query_row("SELECT name FROM cases WHERE id = ?1", [t], |r| r.get(0))
                                .optional()?;
                            match name {
                                Some(n) => c
                                    .query_row("SELECT id FROM cases WHERE name = ?1", [n], |r| r.get(0))
                                    .optional()?,
                                None => None,
                            }
                        }
                        _ => None,
                    };
                    c.execute(
                        "INSERT INTO memos(guid, target_kind, target_id, coder_id, title, text, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![guid, kind, target, coder, title, text, created, updated],
                    )?;
                    report.memos += 1;
                }
                report.coders.push(merged);
            }
            c.log(
                "project.merge",
                serde_json::json!({
                    "copy": file,
                    "coders": report.coders.iter().map(|m| serde_json::json!({"name": m.name, "added": m.added, "present": m.present})).collect::<Vec<_>>(),
                    "memos": report.memos,
                    "codes_created": report.codes_created,
                }),
            )?;
            Ok(())
        })?;
        Ok(report)
    }
}

/// This project's code for one of the copy's codes: same GUID, else same
/// path of names, else created (and reported).
fn map_code(
    c: &rusqlite::Connection,
    theirs: &HashMap<i64, CodeRow>,
    map: &mut HashMap<i64, CodeId>,
    code: i64,
    created: &mut Vec<String>,
) -> Result<CodeId> {
    if let Some(id) = map.get(&code) {
        return Ok(*id);
    }
    let (guid, name, parent, description, inclusion, exclusion, example, color) =
        theirs.get(&code).cloned().ok_or_else(|| {
            Error::Invalid(format!("the copy's coding refers to a missing code {code}"))
        })?;
    let parent = match parent {
        Some(p) => Some(map_code(c, theirs, map, p, created)?),
        None => None,
    };
    let id = if let Some(id) = c
        .query_row("SELECT id FROM codes WHERE guid = ?1", [&guid], |r| r.get::<_, CodeId>(0))
        .optional()?
    {
        id
    } else if let Some(id) = c
        .query_row(
            "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2 COLLATE NOCASE",
            params![parent, name],
            |r| r.get::<_, CodeId>(0),
        )
        .optional()?
    {
        id
    } else {
        let position: i64 = c.query_row(
            "SELECT count(*) FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0)",
            [parent],
            |r| r.get(0),
        )?;
        c.execute(
            "INSERT INTO codes(guid, parent_id, position, name, description, inclusion, exclusion, example, color, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![guid, parent, position, name, description, inclusion, exclusion, example, color, store::now()],
        )?;
        created.push(name.clone());
        CodeId(c.last_insert_rowid())
    };
    map.insert(code, id);
    Ok(id)
}
