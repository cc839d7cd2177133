//! Merging another program's codings into an existing project.
//!
//! The typical case: each investigator codes on their own laptop, in Accord
//! or in another program, and the team brings the codings together. The
//! sources must be the same texts in both; coders, codes and codings are
//! matched so that merging the same file twice changes nothing.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{OptionalExtension, params};

use super::import::{free_coder_name, free_guid};
use super::read::{self, Prepared};
use super::{ExchangeAction, ExchangeReport, step};
use crate::store::codes::CodeFields;
use crate::store::{self, CodeId, CoderId, CodingId, SourceId};
use crate::text::CharIndex;
use crate::{Cancel, Error, Phase, Progress, Project, Result};

/// The first code point where two texts differ.
fn first_difference(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn excerpt_at(text: &str, at: usize) -> String {
    let index = CharIndex::new(text);
    let s = index.slice(text, at, at + 30);
    s.replace('\n', "⏎")
}

/// Which project source each source of the file is, or an error naming the
/// first that cannot be matched.
fn match_sources(
    project: &Project,
    p: &Prepared,
    report: &mut ExchangeReport,
) -> Result<Vec<Option<SourceId>>> {
    let conn = &project.conn;
    let mut by_guid: HashMap<String, SourceId> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, guid FROM sources ORDER BY position, id")?;
    let ids: Vec<(SourceId, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, guid) in &ids {
        by_guid.insert(guid.to_ascii_lowercase(), *id);
    }
    // Texts are compared by hash first; only a matching hash is compared in full.
    let mut by_hash: HashMap<String, Vec<SourceId>> = HashMap::new();
    for (id, _) in &ids {
        let text = store::sources::text(conn, *id)?;
        by_hash
            .entry(store::content_hash(text.as_bytes()))
            .or_default()
            .push(*id);
    }
    let mut out = Vec::with_capacity(p.sources.len());
    for s in &p.sources {
        if let Some(&id) = by_guid.get(&s.guid) {
            let stored = store::sources::text(conn, id)?;
            if stored != s.text {
                let title = store::sources::get(conn, id)?.title;
                let at = first_difference(&stored, &s.text);
                return Err(Error::Conflict(format!(
                    "source \"{}\" of the file has the same GUID as \"{title}\" in the project but a different text (they differ from character {at}: the project has \"{}\", the file \"{}\"); codings cannot be placed on a different text. Nothing was merged",
                    s.title,
                    excerpt_at(&stored, at),
                    excerpt_at(&s.text, at)
                )));
            }
            out.push(Some(id));
            continue;
        }
        let hash = store::content_hash(s.text.as_bytes());
        let mut found = None;
        for id in by_hash.get(&hash).map(Vec::as_slice).unwrap_or_default() {
            if store::sources::text(conn, *id)? == s.text {
                found = Some(*id);
                break;
            }
        }
        match found {
            Some(id) => out.push(Some(id)),
            None if s.coded => {
                return Err(Error::Conflict(format!(
                    "source \"{}\" of the file is not in the project: no source has its GUID or exactly its text (after line ends are normalised). Merging needs the same texts in both; import the source first, or import the file as a new project. Nothing was merged",
                    s.title
                )));
            }
            None => {
                report.warn(
                    format!("source \"{}\"", s.title),
                    "it is not in the project and has no codings in the file; it was skipped",
                );
                out.push(None);
            }
        }
    }
    Ok(out)
}

pub(crate) fn merge_qdpx(
    project: &mut Project,
    path: &Path,
    progress: &mut dyn FnMut(Progress),
    cancel: &Cancel,
) -> Result<ExchangeReport> {
    // The same rule as coding itself (`coding_allowed` in coding.rs): coders'
    // codings are frozen once reconciliation starts.
    let phase = project.phase()?;
    if !matches!(phase, Phase::Setup | Phase::Independent) {
        return Err(Error::NotAllowed(format!(
            "coders' codings are frozen during {} so that agreement can always be recomputed; merging codings is possible during setup and independent coding",
            phase.as_str()
        )));
    }
    let mut report = ExchangeReport::new(ExchangeAction::MergeQdpx, path);
    let loaded = read::load(path, progress, cancel)?;
    let p = read::prepare(loaded, &mut report);
    cancel.check()?;
    step(progress, "Matching sources", 0, 0);
    let sources = match_sources(project, &p, &mut report)?;
    let label = super::file_label(path);

    let (written, matched) = project.change(None, |c| {
        let mut written = super::ExchangeCounts::default();
        let mut matched = super::ExchangeCounts {
            sources: sources.iter().flatten().count() as i64,
            ..Default::default()
        };

        // Only coders with codings to merge are matched or created: a user
        // of the other program who coded nothing here is not a coder here.
        let coding: std::collections::HashSet<usize> = p
            .codings
            .iter()
            .filter(|k| sources[k.source].is_some())
            .filter_map(|k| k.coder)
            .collect();
        let mut coders: Vec<Option<CoderId>> = Vec::with_capacity(p.coders.len());
        for (i, k) in p.coders.iter().enumerate() {
            if !coding.contains(&i) {
                coders.push(None);
                continue;
            }
            if let Some(existing) = store::coders::by_name(c, &k.name)? {
                matched.coders += 1;
                coders.push(Some(existing.id));
                continue;
            }
            let name = free_coder_name(c, &k.name)?;
            let guid = free_guid(c, "coders", &k.guid)?;
            c.execute(
                "INSERT INTO coders(guid, name, created_at) VALUES (?1, ?2, ?3)",
                params![guid, name, store::now()],
            )?;
            written.coders += 1;
            coders.push(Some(CoderId(c.last_insert_rowid())));
        }

        let mut codes: Vec<CodeId> = Vec::with_capacity(p.codes.len());
        for k in &p.codes {
            let parent = k.parent.map(|i| codes[i]);
            let by_guid = store::codes::by_guid(c, &k.guid)?.map(|x| x.id);
            let by_path = || -> Result<Option<CodeId>> {
                Ok(c.query_row(
                    "SELECT id FROM codes WHERE coalesce(parent_id, 0) = coalesce(?1, 0) AND name = ?2 COLLATE NOCASE",
                    params![parent, k.name],
                    |r| r.get(0),
                )
                .optional()?)
            };
            let id = match by_guid {
                Some(id) => Some(id),
                None => by_path()?,
            };
            if let Some(id) = id {
                matched.codes += 1;
                codes.push(id);
                continue;
            }
            let guid = free_guid(c, "codes", &k.guid)?;
            let fields = CodeFields {
                name: Some(k.name.clone()),
                description: Some(k.definition.description.clone()),
                inclusion: Some(k.definition.inclusion.clone()),
                exclusion: Some(k.definition.exclusion.clone()),
                example: Some(k.definition.example.clone()),
                color: k.color.clone(),
            };
            codes.push(store::codes::insert(c, parent, &fields, Some(&guid))?);
            written.codes += 1;
        }

        let total = p.codings.len() as u64;
        for (i, k) in p.codings.iter().enumerate() {
            if i % 1000 == 0 {
                cancel.check()?;
                step(progress, "Merging codings", i as u64, total);
            }
            let Some(source) = sources[k.source] else {
                continue;
            };
            let Some(coder) = k.coder.and_then(|i| coders[i]) else {
                continue;
            };
            let code = codes[k.code];
            if store::codings::by_guid(c, coder, &k.guid)?.is_some() {
                matched.codings += 1;
                continue;
            }
            let same: Option<i64> = c
                .query_row(
                    "SELECT 1 FROM codings WHERE coder_id = ?1 AND code_id = ?2 AND source_id = ?3 AND start = ?4 AND end = ?5",
                    params![coder, code, source, k.start, k.end],
                    |r| r.get(0),
                )
                .optional()?;
            if same.is_some() {
                matched.codings += 1;
                continue;
            }
            let guid = free_guid(c, "codings", &k.guid)?;
            store::codings::insert(
                c,
                &store::codings::Coding {
                    id: CodingId(0),
                    guid,
                    coder,
                    code,
                    source,
                    start: k.start,
                    end: k.end,
                    memo: k.memo.clone(),
                    created_at: k.created_at.clone(),
                    updated_at: k.updated_at.clone(),
                },
            )?;
            written.codings += 1;
        }
        c.log(
            "exchange.merge_qdpx",
            serde_json::json!({ "file": label, "origin": report.origin, "written": written, "matched": matched }),
        )?;
        Ok((written, matched))
    })?;
    report.written = written;
    report.matched = matched;

    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if !p.consensus.is_empty() {
        report.not_carried.push(format!(
            "{} of the file's consensus layer: the consensus is written only by reconciliation in this project",
            plural(p.consensus.len(), "coding", "codings")
        ));
    }
    if !p.memos.is_empty() {
        report.not_carried.push(format!(
            "{} of the file (merging brings codings and their memos only; import the file as a new project to read them)",
            plural(p.memos.len(), "memo", "memos")
        ));
    }
    if !p.cases.is_empty() || !p.attributes.is_empty() {
        report.not_carried.push(format!(
            "{} and {} of the file: merging brings codings only",
            plural(p.cases.len(), "case", "cases"),
            plural(p.attributes.len(), "attribute", "attributes")
        ));
    }
    Ok(report)
}
