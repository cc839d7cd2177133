//! Importing a `.qdpx` into a new project.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::read::{self, MemoTarget, Prepared};
use super::{ExchangeAction, ExchangeCounts, ExchangeReport, step};
use crate::project::Change;
use crate::store::codes::PALETTE;
use crate::store::{self, AttributeId, CaseId, CodeId, CoderId, CodingId, SourceId};
use crate::{Cancel, Error, Progress, Project, Result};

pub(crate) fn import_qdpx(
    qdpx: &Path,
    new_project: &Path,
    progress: &mut dyn FnMut(Progress),
    cancel: &Cancel,
) -> Result<(Project, ExchangeReport)> {
    if new_project.exists() {
        return Err(Error::Conflict(format!(
            "{} already exists; choose another name for the new project",
            new_project.display()
        )));
    }
    let mut report = ExchangeReport::new(ExchangeAction::ImportQdpx, qdpx);
    let loaded = read::load(qdpx, progress, cancel)?;
    cancel.check()?;
    let prepared = read::prepare(loaded, &mut report);
    let (hash, byte_len) = file_hash(qdpx)?;

    let mut project = Project::create(new_project)?;
    let label = super::file_label(qdpx);
    let result = project.change(None, |c| {
        let stored = store_new(c, &prepared, &label, &hash, byte_len, progress, cancel)?;
        crate::search::bump_generation(c)?;
        c.log(
            "exchange.import_qdpx",
            serde_json::json!({
                "file": label,
                "origin": report.origin,
                "written": stored.counts,
                "not_carried": report.not_carried,
                "warnings": report.warnings.len(),
            }),
        )?;
        Ok(stored)
    });
    let stored = match result {
        Ok(stored) => stored,
        Err(e) => {
            drop(project);
            remove_project_files(new_project);
            return Err(e);
        }
    };
    report.written = stored.counts;
    step(progress, "Indexing for search", 0, 0);
    project.reindex(&stored.sources, &[])?;
    Ok((project, report))
}

/// Removes a project file that a failed import had just created.
fn remove_project_files(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
    let _ = std::fs::remove_dir_all(crate::search::SearchIndex::dir_for(path));
}

/// The SHA-256 of a file, read in pieces, and its length.
fn file_hash(path: &Path) -> Result<(String, i64)> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut len: i64 = 0;
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        len += n as i64;
        hasher.update(&buf[..n]);
    }
    Ok((
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        len,
    ))
}

/// What `store_new` wrote.
pub(crate) struct Stored {
    pub counts: ExchangeCounts,
    pub sources: Vec<SourceId>,
}

/// A coder name not yet taken (names are unique regardless of case).
pub(crate) fn free_coder_name(conn: &rusqlite::Connection, wanted: &str) -> Result<String> {
    let mut name = wanted.to_owned();
    let mut n = 2;
    while store::coders::by_name(conn, &name)?.is_some() {
        name = format!("{wanted} ({n})");
        n += 1;
    }
    Ok(name)
}

/// `guid` if no row of `table` has it, else a new one.
pub(crate) fn free_guid(conn: &rusqlite::Connection, table: &str, guid: &str) -> Result<String> {
    let taken: Option<i64> = conn
        .query_row(
            &format!("SELECT 1 FROM {table} WHERE guid = ?1 COLLATE NOCASE"),
            [guid],
            |r| r.get(0),
        )
        .optional()?;
    Ok(if taken.is_some() {
        store::new_guid()
    } else {
        guid.to_owned()
    })
}

/// Writes everything of `p` into an empty project, inside the caller's transaction.
fn store_new(
    c: &Change<'_>,
    p: &Prepared,
    label: &str,
    hash: &str,
    byte_len: i64,
    progress: &mut dyn FnMut(Progress),
    cancel: &Cancel,
) -> Result<Stored> {
    let now = store::now();
    let mut counts = ExchangeCounts::default();
    c.execute(
        "INSERT INTO imports(file_name, format, content_hash, byte_len, imported_at) VALUES (?1, 'qdpx', ?2, ?3, ?4)",
        params![label, hash, byte_len, now],
    )?;
    let import_id = c.last_insert_rowid();

    let mut coders: Vec<CoderId> = Vec::with_capacity(p.coders.len());
    for k in &p.coders {
        let name = free_coder_name(c, &k.name)?;
        let guid = free_guid(c, "coders", &k.guid)?;
        c.execute(
            "INSERT INTO coders(guid, name, created_at) VALUES (?1, ?2, ?3)",
            params![guid, name, k.created_at],
        )?;
        coders.push(CoderId(c.last_insert_rowid()));
    }
    counts.coders = coders.len() as i64;

    let mut codes: Vec<CodeId> = Vec::with_capacity(p.codes.len());
    let mut next_position: HashMap<Option<usize>, i64> = HashMap::new();
    for (i, k) in p.codes.iter().enumerate() {
        let position = next_position.entry(k.parent).or_default();
        let color = k
            .color
            .clone()
            .unwrap_or_else(|| PALETTE[i % PALETTE.len()].to_owned());
        c.execute(
            "INSERT INTO codes(guid, parent_id, position, name, description, inclusion, exclusion, example, color, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                k.guid,
                k.parent.map(|x| codes[x]),
                *position,
                k.name,
                k.definition.description,
                k.definition.inclusion,
                k.definition.exclusion,
                k.definition.example,
                color,
                k.created_at,
            ],
        )?;
        *position += 1;
        codes.push(CodeId(c.last_insert_rowid()));
    }
    counts.codes = codes.len() as i64;

    let mut attributes: Vec<AttributeId> = Vec::with_capacity(p.attributes.len());
    for (i, a) in p.attributes.iter().enumerate() {
        let scale =
            (!a.levels.is_empty()).then(|| serde_json::to_string(&a.levels).unwrap_or_default());
        c.execute(
            "INSERT INTO attributes(guid, name, type, scale, position) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![a.guid, a.name, a.kind.as_str(), scale, i as i64],
        )?;
        attributes.push(AttributeId(c.last_insert_rowid()));
    }
    counts.attributes = attributes.len() as i64;

    let mut cases: Vec<CaseId> = Vec::with_capacity(p.cases.len());
    for k in &p.cases {
        c.execute(
            "INSERT INTO cases(guid, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![k.guid, k.name, k.role.as_str(), k.created_at],
        )?;
        let id = CaseId(c.last_insert_rowid());
        for (a, value) in &k.values {
            store::cases::set_value(c, id, attributes[*a], value)?;
            counts.attribute_values += 1;
        }
        cases.push(id);
    }
    counts.cases = cases.len() as i64;

    let mut sources: Vec<SourceId> = Vec::with_capacity(p.sources.len());
    let total = p.sources.len() as u64;
    for (i, s) in p.sources.iter().enumerate() {
        cancel.check()?;
        step(progress, &format!("Storing {}", s.title), i as u64, total);
        c.execute(
            "INSERT INTO sources(guid, import_id, kind, title, file_name, text, char_len, content_hash, imported_at, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                s.guid,
                import_id,
                s.kind.as_str(),
                s.title,
                s.file_name,
                s.text,
                crate::text::char_len(&s.text) as i64,
                store::content_hash(s.text.as_bytes()),
                s.imported_at,
                i as i64,
            ],
        )?;
        let id = SourceId(c.last_insert_rowid());
        let mut insert = c.prepare_cached(
            "INSERT INTO units(source_id, ordinal, start, end, kind, case_id, speaker, start_ms, end_ms, question)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (ordinal, u) in s.units.iter().enumerate() {
            insert.execute(params![
                id,
                ordinal as i64,
                u.start,
                u.end,
                u.kind.as_str(),
                u.case.map(|x| cases[x]),
                u.speaker,
                u.start_ms,
                u.end_ms,
                u.question,
            ])?;
        }
        counts.units += s.units.len() as i64;
        sources.push(id);
    }
    counts.sources = sources.len() as i64;

    cancel.check()?;
    step(progress, "Storing codings", total, total);
    for k in &p.codings {
        let coder = coders[k.coder.expect("coder codings name a coder")];
        store::codings::insert(
            c,
            &store::codings::Coding {
                id: CodingId(0),
                guid: k.guid.clone(),
                coder,
                code: codes[k.code],
                source: sources[k.source],
                start: k.start,
                end: k.end,
                memo: k.memo.clone(),
                created_at: k.created_at.clone(),
                updated_at: k.updated_at.clone(),
            },
        )?;
    }
    counts.codings = p.codings.len() as i64;
    for k in &p.consensus {
        // Consensus rows come from an agreement or a decision; decisions do
        // not travel through REFI-QDA, so each imported row is marked as
        // such by its agreement key.
        c.execute(
            "INSERT INTO consensus_codings(guid, code_id, source_id, start, end, memo, agreement_key, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                k.guid,
                codes[k.code],
                sources[k.source],
                k.start,
                k.end,
                k.memo,
                format!("imported:{}", k.guid),
                k.created_at,
            ],
        )?;
    }
    counts.consensus_codings = p.consensus.len() as i64;

    for m in &p.memos {
        let (kind, target) = match m.target {
            MemoTarget::Project => ("project", None),
            MemoTarget::Source(i) => ("source", Some(sources[i].0)),
            MemoTarget::Case(i) => ("case", Some(cases[i].0)),
            MemoTarget::Code(i) => ("code", Some(codes[i].0)),
        };
        c.execute(
            "INSERT INTO memos(guid, target_kind, target_id, coder_id, title, text, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![m.guid, kind, target, m.coder.map(|x| coders[x]), m.title, m.text, m.created_at, m.updated_at],
        )?;
    }
    counts.memos = p.memos.len() as i64;

    if let Some(phase) = p.phase {
        c.execute(
            "INSERT INTO project_meta(key, value) VALUES ('phase', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [phase.as_str()],
        )?;
    }
    Ok(Stored { counts, sources })
}
