//! Storing what the parsers produced: sources, units, cases and attribute
//! values, inside the caller's transaction.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::{AttributeKind, ParsedImport, UnitKind};
use crate::store::cases::{self, AttributeType, CaseRole};
use crate::store::{self, CaseId, SourceId};
use crate::text::char_len;
use crate::{Error, Result};

/// Attribute values given for every case of one imported file, such as
/// `role = mentor` for a survey of mentors.
pub type FileAttributes = [(String, String)];

fn attribute_type(kind: AttributeKind) -> AttributeType {
    match kind {
        AttributeKind::Categorical => AttributeType::Categorical,
        AttributeKind::Likert => AttributeType::Ordinal,
        AttributeKind::Number => AttributeType::Number,
        AttributeKind::Date => AttributeType::Date,
    }
}

/// The case a name refers to. A speaker written with an identifier in
/// brackets, as in "Wang Fang (ME-022)", is the case with that identifier,
/// so a focus-group turn joins the same person's survey answers. Names
/// without one are their own case.
pub(crate) fn case_key(name: &str) -> &str {
    let name = name.trim();
    if let Some(inner) = name
        .strip_suffix(')')
        .and_then(|n| n.rsplit_once('('))
        .map(|(_, id)| id.trim())
        && !inner.is_empty()
        && !inner.contains(char::is_whitespace)
        && inner.chars().any(|c| c.is_ascii_digit())
    {
        return inner;
    }
    name
}

/// Stores `file`'s sources, units and cases. Returns the new sources' ids
/// and the ids of every case that was touched.
pub(crate) fn store_file(
    conn: &rusqlite::Connection,
    import_id: Option<i64>,
    file_name: &str,
    file: &ParsedImport,
    file_attributes: &FileAttributes,
) -> Result<(Vec<SourceId>, Vec<CaseId>)> {
    let now = store::now();
    let mut case_ids: HashMap<String, CaseId> = HashMap::new();
    let moderators: Vec<String> = file
        .cases
        .iter()
        .filter(|c| c.moderator)
        .map(|c| c.name.trim().to_lowercase())
        .collect();
    let mut lookup: Option<cases::CaseLookup> = None;
    let mut case_for = |name: &str, kind: Option<UnitKind>| -> Result<CaseId> {
        if let Some(id) = case_ids.get(name) {
            return Ok(*id);
        }
        let full = name;
        let name = case_key(name);
        let role = match kind {
            Some(UnitKind::Response) => CaseRole::Respondent,
            Some(UnitKind::Turn) if moderators.contains(&name.trim().to_lowercase()) => {
                CaseRole::Moderator
            }
            Some(UnitKind::Turn) => CaseRole::Participant,
            Some(UnitKind::Paragraph | UnitKind::Heading) | None => CaseRole::Interviewee,
        };
        let lookup = match &mut lookup {
            Some(l) => l,
            None => lookup.insert(cases::CaseLookup::load(conn)?),
        };
        let id = lookup.upsert(conn, name, role)?;
        case_ids.insert(full.to_owned(), id);
        Ok(id)
    };
    for case in &file.cases {
        if case.attributes.is_empty() {
            continue;
        }
        let id = case_for(&case.name, Some(UnitKind::Response))?;
        for a in &case.attributes {
            let attr = cases::upsert_attribute(conn, &a.name, attribute_type(a.kind), &a.levels)?;
            cases::set_value(conn, id, attr, &a.value)?;
        }
    }
    // Positions grow with ids (every writer appends), so the newest source
    // holds the largest. Reading one row, not `max(position)`: `position`
    // follows the text in each row, so a scan would read every source's text.
    let first_position: i64 = conn
        .query_row(
            "SELECT position + 1 FROM sources ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let mut source_ids = Vec::with_capacity(file.sources.len());
    for (position, source) in (first_position..).zip(&file.sources) {
        let length = char_len(&source.text);
        let mut previous_end = 0;
        for (i, u) in source.units.iter().enumerate() {
            if u.start >= u.end || u.end > length || u.start < previous_end {
                return Err(Error::import(
                    file_name,
                    format!("unit {}", i + 1),
                    format!(
                        "the importer produced an invalid unit ({}..{} in a text of {length} characters); please report this file",
                        u.start, u.end
                    ),
                ));
            }
            previous_end = u.end;
        }
        conn.prepare_cached(
            "INSERT INTO sources(guid, import_id, kind, title, file_name, text, char_len, content_hash, imported_at, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
                store::new_guid(),
                import_id,
                source.kind.as_str(),
                source.title,
                file_name,
                source.text,
                length as i64,
                store::content_hash(source.text.as_bytes()),
                now,
                position,
            ],
        )?;
        let source_id = SourceId(conn.last_insert_rowid());
        source_ids.push(source_id);
        let mut insert = conn.prepare_cached(
            "INSERT INTO units(source_id, ordinal, start, end, kind, case_id, speaker, start_ms, end_ms, question)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (ordinal, u) in source.units.iter().enumerate() {
            let case = match u.case.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                Some(name) => Some(case_for(name, u.kind)?),
                None => None,
            };
            insert.execute(params![
                source_id,
                ordinal as i64,
                u.start as i64,
                u.end as i64,
                u.kind.unwrap_or(UnitKind::Paragraph).as_str(),
                case,
                u.speaker,
                u.start_ms,
                u.end_ms,
                u.question,
            ])?;
        }
    }
    // File-wide attributes describe the file's respondents or participants,
    // not the moderators who ran the group.
    let moderator_ids: Vec<CaseId> = file
        .cases
        .iter()
        .filter(|c| c.moderator)
        .filter_map(|c| case_ids.get(&c.name).copied())
        .collect();
    for (key, value) in file_attributes {
        let attr = cases::upsert_attribute(conn, key, AttributeType::Categorical, &[])?;
        for id in case_ids.values().filter(|id| !moderator_ids.contains(id)) {
            cases::set_value(conn, *id, attr, value)?;
        }
    }
    let mut touched: Vec<CaseId> = case_ids.into_values().collect();
    touched.sort();
    Ok((source_ids, touched))
}
