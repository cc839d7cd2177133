//! Importing files into a project: choose the parser, store what it made,
//! keep the search index in step.
//!
//! A batch runs in one outer transaction with one savepoint per file. A file
//! that fails rolls back its savepoint only, so the rest of the batch still
//! imports and the failed file leaves nothing; cancelling rolls back the
//! outer transaction, so a cancelled batch leaves nothing at all. A file
//! whose bytes were imported before (same SHA-256) is reported as a
//! duplicate and skipped.

use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::notes::NotesOptions;
use super::survey::{FileAttribute, SurveyOptions};
use super::transcript::TranscriptOptions;
use super::{
    MAX_FILE_BYTES, ParsedImport, SourceKind, detect, notes, store_file, survey, transcript,
};
use crate::progress::{Cancel, Progress};
use crate::store::{self, SourceId};
use crate::text::plural;
use crate::{Error, Problem, Project, Result};

/// What the researcher chose for one file before importing it. Everything
/// is optional: by default the format is detected and columns keep their
/// detected types.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(default)]
pub struct ImportRequest {
    /// The file to import.
    pub path: String,
    /// The title of the source (notes, transcripts) or survey.
    pub title: Option<String>,
    /// For surveys: column types, sheet and file-wide attributes.
    pub survey: Option<SurveyOptions>,
    /// For interview notes: the interviewee, as a case name.
    pub case: Option<String>,
    /// For transcripts: speakers who moderated.
    pub moderators: Vec<String>,
    /// Attributes given to every case of the file (e.g. role = mentor).
    /// For surveys they are merged with `survey.attributes`.
    pub attributes: Vec<FileAttribute>,
}

impl ImportRequest {
    /// A request for `path` with every choice left to detection.
    pub fn new(path: impl Into<String>) -> ImportRequest {
        ImportRequest {
            path: path.into(),
            ..ImportRequest::default()
        }
    }
}

/// How one file of a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum FileStatus {
    /// Stored.
    Imported,
    /// The same bytes were imported before; nothing was added.
    Duplicate,
    /// Refused; the message says why and where.
    Failed,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FileOutcome {
    /// The file's name as given.
    pub file: String,
    /// Imported, duplicate or failed.
    pub status: FileStatus,
    /// What the file became, or why it did not.
    pub message: String,
    /// The new sources.
    pub sources: Vec<SourceId>,
    /// How many units the new sources hold.
    pub units: u64,
    /// How many cases the file touched.
    pub cases: u64,
    /// Things that did not stop the import, each with its place.
    pub warnings: Vec<Problem>,
    /// For a failed file, every problem found, each with its place.
    pub problems: Vec<Problem>,
}

/// The outcome of a batch, one entry per file in the order given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ImportReport {
    /// One outcome per file.
    pub files: Vec<FileOutcome>,
}

impl ImportReport {
    /// How many files ended with `status`.
    pub fn count(&self, status: FileStatus) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }
}

/// Parses one file's bytes as `request` asks, without touching a project.
pub fn parse_file(file_name: &str, bytes: &[u8], request: &ImportRequest) -> Result<ParsedImport> {
    let detected = detect(file_name, bytes)?;
    match detected.kind {
        SourceKind::Survey => {
            let mut options = request.survey.clone().unwrap_or_default();
            if options.title.is_none() {
                options.title = request.title.clone();
            }
            survey::parse(file_name, bytes, &options)
        }
        SourceKind::Notes => notes::parse(
            file_name,
            bytes,
            &NotesOptions {
                case: request.case.clone().filter(|c| !c.trim().is_empty()),
                title: request.title.clone(),
            },
        ),
        SourceKind::Transcript => transcript::parse(
            file_name,
            bytes,
            &TranscriptOptions {
                moderators: request.moderators.clone(),
                title: request.title.clone(),
            },
        ),
    }
}

fn file_name_of(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned())
}

/// Reads a file for import, refusing folders and files over the size limit
/// before reading them.
pub fn read_for_import(path: &Path) -> Result<Vec<u8>> {
    let name = file_name_of(&path.to_string_lossy());
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::import(&name, "", format!("cannot be read: {e}")))?;
    if meta.is_dir() {
        return Err(Error::import(
            &name,
            "",
            "is a folder; choose the files inside it",
        ));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(Error::import(
            &name,
            "",
            format!(
                "the file is {} MB; Accord imports files up to {} MB",
                meta.len().div_ceil(1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    std::fs::read(path).map_err(|e| Error::import(&name, "", format!("cannot be read: {e}")))
}

impl Project {
    /// Imports one file as `request` asks, in its own transaction. A file
    /// imported before is reported as [`FileStatus::Duplicate`]; a bad file
    /// is an [`Error::Import`] and leaves the project as it was.
    pub fn import_file(&mut self, request: &ImportRequest) -> Result<FileOutcome> {
        let report = self.import_files(
            std::slice::from_ref(request),
            &mut crate::progress::ignore,
            &Cancel::new(),
        )?;
        let outcome = report
            .files
            .into_iter()
            .next()
            .expect("one file in, one outcome out");
        match outcome.status {
            FileStatus::Failed => Err(Error::Import {
                file: outcome.file,
                problems: outcome.problems,
            }),
            _ => Ok(outcome),
        }
    }

    /// Imports a batch of files. Each file imports whole or not at all; a
    /// failed file is reported and the others still import. Cancelling
    /// ([`Error::Cancelled`]) leaves the project as it was before the batch.
    pub fn import_files(
        &mut self,
        requests: &[ImportRequest],
        progress: &mut dyn FnMut(Progress),
        cancel: &Cancel,
    ) -> Result<ImportReport> {
        self.require_setup_or_independent("import files")?;
        let total_bytes: u64 = requests
            .iter()
            .map(|r| std::fs::metadata(&r.path).map(|m| m.len()).unwrap_or(0))
            .sum();
        let files_total = requests.len() as u64;
        let who = self.actor().to_owned();
        // Each stored file's units go to the index writer at once, so its
        // threads analyse them while the next file is parsed; they become
        // visible only after the transaction commits, and are dropped if it
        // does not.
        let staging = self.begin_staging()?;
        let result = self.import_batch(requests, total_bytes, progress, cancel, &who, staging);
        let outcomes = match result {
            Ok(outcomes) => outcomes,
            Err(e) => {
                self.discard_staged();
                return Err(e);
            }
        };
        progress(Progress {
            message: "Updating the search index".into(),
            done: total_bytes,
            total: total_bytes,
            files_done: files_total,
            files_total,
        });
        if staging {
            self.commit_staged();
        }
        Ok(ImportReport { files: outcomes })
    }

    /// The files of a batch, in one transaction committed at the end; with
    /// `staging`, each stored source is handed to the index writer.
    fn import_batch(
        &mut self,
        requests: &[ImportRequest],
        total_bytes: u64,
        progress: &mut dyn FnMut(Progress),
        cancel: &Cancel,
        who: &str,
        mut staging: bool,
    ) -> Result<Vec<FileOutcome>> {
        let files_total = requests.len() as u64;
        let mut done_bytes = 0u64;
        let mut outcomes = Vec::with_capacity(requests.len());
        let mut added: Vec<SourceId> = Vec::new();
        let mut tx = self.conn.transaction()?;
        for (i, request) in requests.iter().enumerate() {
            cancel.check()?;
            let file = file_name_of(&request.path);
            progress(Progress {
                message: format!("Importing {file}"),
                done: done_bytes,
                total: total_bytes,
                files_done: i as u64,
                files_total,
            });
            let outcome = import_one(&mut tx, who, request, &file, cancel);
            let outcome = match outcome {
                Ok(o) => o,
                Err(Error::Cancelled) => return Err(Error::Cancelled),
                Err(e) => failed(&file, &e),
            };
            if outcome.status == FileStatus::Imported {
                added.extend(&outcome.sources);
                if staging {
                    let staged = outcome
                        .sources
                        .iter()
                        .try_for_each(|s| Project::stage_source(&mut self.search, &tx, *s));
                    if let Err(e) = staged {
                        // The index is a cache: the import goes on without
                        // it, and the next search rebuilds it.
                        tracing::warn!("search index update failed, it will be rebuilt: {e}");
                        self.search = None;
                        staging = false;
                    }
                }
            }
            done_bytes += std::fs::metadata(&request.path)
                .map(|m| m.len())
                .unwrap_or(0);
            outcomes.push(outcome);
        }
        cancel.check()?;
        if !added.is_empty() {
            crate::search::bump_generation(&tx)?;
        }
        tx.commit()?;
        Ok(outcomes)
    }

    /// Removes a source with its units (and, in setup, nothing else can
    /// refer to it). Refused once anyone has coded it.
    pub fn remove_source(&mut self, source: SourceId) -> Result<()> {
        self.require_setup_or_independent("remove a source")?;
        self.change(None, |c| {
            let title: String = c
                .query_row("SELECT title FROM sources WHERE id = ?1", [source], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::not_found(format!("source {source}")))?;
            let codings: i64 = c.query_row("SELECT count(*) FROM codings WHERE source_id = ?1", [source], |r| r.get(0))?;
            if codings > 0 {
                return Err(Error::NotAllowed(format!(
                    "\u{201c}{title}\u{201d} has {codings} codings; a coded source cannot be removed"
                )));
            }
            let import: Option<i64> = c.query_row(
                "SELECT import_id FROM sources WHERE id = ?1",
                [source],
                |r| r.get(0),
            )?;
            store::sources::delete(c, source)?;
            // The file's record goes with its last source, so the same file
            // can be imported again (say, with other options) instead of
            // being reported as a duplicate of nothing.
            c.execute(
                "DELETE FROM imports WHERE id = ?1
                   AND NOT EXISTS (SELECT 1 FROM sources WHERE import_id = ?1)",
                [import],
            )?;
            crate::search::bump_generation(c)?;
            c.log("source.remove", serde_json::json!({ "source": source.0, "title": title }))
        })?;
        self.reindex(&[], &[source])
    }

    fn require_setup_or_independent(&self, what: &str) -> Result<()> {
        match self.phase()? {
            crate::Phase::Setup | crate::Phase::Independent => Ok(()),
            phase => Err(Error::NotAllowed(format!(
                "cannot {what} during {}: sources are fixed once coders compare their work",
                phase.as_str()
            ))),
        }
    }
}

fn failed(file: &str, e: &Error) -> FileOutcome {
    let problems = match e {
        Error::Import { problems, .. } => problems.clone(),
        other => vec![Problem {
            place: String::new(),
            message: other.to_string(),
        }],
    };
    FileOutcome {
        problems,
        file: file.to_owned(),
        status: FileStatus::Failed,
        message: e.to_string(),
        sources: Vec::new(),
        units: 0,
        cases: 0,
        warnings: Vec::new(),
    }
}

/// Imports one file inside a savepoint of the batch's transaction.
fn import_one(
    tx: &mut rusqlite::Transaction<'_>,
    who: &str,
    request: &ImportRequest,
    file: &str,
    cancel: &Cancel,
) -> Result<FileOutcome> {
    let bytes = read_for_import(&PathBuf::from(&request.path))?;
    let hash = store::content_hash(&bytes);
    if let Some(previous) = tx
        .query_row(
            "SELECT file_name, imported_at FROM imports WHERE content_hash = ?1",
            [&hash],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?
    {
        return Ok(FileOutcome {
            file: file.to_owned(),
            status: FileStatus::Duplicate,
            message: format!(
                "already imported (same contents as {} imported {}); nothing was added",
                previous.0,
                &previous.1[..previous.1.len().min(10)]
            ),
            sources: Vec::new(),
            units: 0,
            cases: 0,
            warnings: Vec::new(),
            problems: Vec::new(),
        });
    }
    let parsed = parse_file(file, &bytes, request)?;
    cancel.check()?;
    if parsed.sources.is_empty() {
        return Err(Error::import(
            file,
            "",
            "holds no text to code (no free-text answers, paragraphs or turns)",
        ));
    }
    let mut attributes: Vec<(String, String)> = request
        .attributes
        .iter()
        .chain(request.survey.iter().flat_map(|s| s.attributes.iter()))
        .filter(|a| !a.name.trim().is_empty() && !a.value.trim().is_empty())
        .map(|a| (a.name.trim().to_owned(), a.value.trim().to_owned()))
        .collect();
    attributes.dedup();
    let sp = tx.savepoint()?;
    let format = detect(file, &bytes)?.format;
    sp.execute(
        "INSERT INTO imports(file_name, format, content_hash, byte_len, imported_at, options) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            file,
            format!("{format:?}").to_lowercase(),
            hash,
            bytes.len() as i64,
            store::now(),
            serde_json::to_string(request).unwrap_or_default(),
        ],
    )?;
    let import_id = sp.last_insert_rowid();
    let (sources, cases) = store_file(&sp, Some(import_id), file, &parsed, &attributes)?;
    let units: u64 = parsed.sources.iter().map(|s| s.units.len() as u64).sum();
    store::audit::append(
        &sp,
        who,
        "import.file",
        &serde_json::json!({
            "file": file,
            "hash": hash,
            "sources": sources.iter().map(|s| s.0).collect::<Vec<_>>(),
            "units": units,
        }),
    )?;
    sp.commit()?;
    let kinds = match parsed.sources.first().map(|s| s.kind) {
        Some(SourceKind::Survey) => {
            plural(parsed.sources.len(), "survey question", "survey questions")
        }
        Some(SourceKind::Transcript) => "a transcript".to_owned(),
        _ => "interview notes".to_owned(),
    };
    Ok(FileOutcome {
        file: file.to_owned(),
        status: FileStatus::Imported,
        message: format!(
            "imported as {kinds}: {}, {}",
            plural(units, "unit", "units"),
            plural(cases.len(), "case", "cases")
        ),
        sources,
        units,
        cases: cases.len() as u64,
        warnings: parsed.warnings,
        problems: Vec::new(),
    })
}
