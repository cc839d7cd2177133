//! REFI-QDA exchange: `.qdpx` projects and `.qdc` codebooks.
//!
//! REFI-QDA is the exchange standard of NVivo, ATLAS.ti, MAXQDA, QualCoder
//! and others. A `.qdpx` is a zip archive with `project.qde` (XML, namespace
//! `urn:QDA-XML:project:1.0`) at its root and each text source's plain text
//! in `sources/<guid>.txt`; a `.qdc` is a codebook alone
//! (`urn:QDA-XML:codebook:1.0`).
//!
//! How Accord maps onto it:
//!
//! | Accord | REFI-QDA |
//! | --- | --- |
//! | coder | `User`; every selection and coding names its coder in `creatingUser` |
//! | consensus layer | a `User` named "Consensus" with its own selections |
//! | code (name, colour, definition) | `Code` (`name`, `color`, `Description` with the four definition fields as sections) |
//! | coding | a `PlainTextSelection` per coder and span, one `Coding` per code; positions are code points |
//! | coding memo | a `Note` referenced from the selection (or from the coding when a selection holds several) |
//! | memo of the project, a source, a code | a `Note` with a `NoteRef` on the project, `TextSource` or `Code` |
//! | memo of a case | a `Note` and a `Link` from the note to the `Case` (a `Case` cannot hold a `NoteRef`) |
//! | case, attribute | `Case` with `VariableValue`s and a `SourceRef` per source holding its units; `Variable` |
//! | units, source kinds, case roles, attribute types and levels | `accord/extra.json`, an extra archive entry only Accord reads |
//!
//! What a file cannot hold is never dropped silently: every export and
//! import returns an [`ExchangeReport`] that lists it.
//!
//! Architecture invariants:
//!
//! - **A refused file changes nothing.** Imports read and check the whole
//!   file (zip directory, sizes actually inflated, XML without DOCTYPE or
//!   entities, offsets) before the project is touched, then write in one
//!   transaction; a failed import into a new project removes the new file.
//! - **Exports are atomic.** The archive is written beside the target and
//!   renamed into place, so a failed or cancelled export leaves no half file.
//! - **Blindness holds.** A whole-project export reads every coder's codings
//!   and is therefore refused during independent coding; merging writes each
//!   coder's codings as that coder and never reads or changes anyone else's.
//! - **GUIDs are stable.** Exports use the stored GUIDs; anything without
//!   one gets a UUID v5 derived from the project's GUID and a stable key.

mod definition;
mod export;
mod extra;
mod import;
mod merge;
mod qdc;
mod read;
mod refi;
mod safety;
mod xml;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{Cancel, Problem, Progress, Project, Result};

/// The project namespace of REFI-QDA 1.0.
pub(crate) const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
/// The codebook namespace of REFI-QDA 1.0.
pub(crate) const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";
/// Where the schemas are published (for `xsi:schemaLocation`).
pub(crate) const PROJECT_SCHEMA: &str =
    "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd";
pub(crate) const CODEBOOK_SCHEMA: &str =
    "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd";
/// The name REFI-QDA gives the consensus layer's user.
pub const CONSENSUS_USER: &str = "Consensus";

/// The `origin` Accord writes on its files; files whose origin starts with
/// "Accord" are read with Accord's conventions (structured code definitions,
/// the consensus user, `accord/extra.json`).
pub(crate) fn origin() -> String {
    format!("Accord {}", env!("CARGO_PKG_VERSION"))
}

pub(crate) fn is_accord_origin(origin: Option<&str>) -> bool {
    origin.is_some_and(|o| o.trim_start().starts_with("Accord"))
}

/// Counts of what an exchange wrote, imported or found already present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ExchangeCounts {
    /// Sources (text documents).
    pub sources: i64,
    /// Units of those sources.
    pub units: i64,
    /// Codes.
    pub codes: i64,
    /// Coders (REFI-QDA users), not counting the consensus user.
    pub coders: i64,
    /// Codings of coders.
    pub codings: i64,
    /// Codings of the consensus layer.
    pub consensus_codings: i64,
    /// Cases.
    pub cases: i64,
    /// Attributes (REFI-QDA variables).
    pub attributes: i64,
    /// Attribute values of cases.
    pub attribute_values: i64,
    /// Memos (REFI-QDA notes), not counting coding memos.
    pub memos: i64,
}

/// What an exchange did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ExchangeAction {
    /// A project written as `.qdpx`.
    ExportQdpx,
    /// A `.qdpx` read into a new project.
    ImportQdpx,
    /// Another program's codings brought into an existing project.
    MergeQdpx,
    /// The codebook written as `.qdc`.
    ExportQdc,
    /// A `.qdc` codebook read into the project.
    ImportQdc,
}

/// The account of one export or import: what was written, what the format
/// (or Accord) could not carry, and what looked wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ExchangeReport {
    /// What was done.
    pub action: ExchangeAction,
    /// The exchange file written or read.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: PathBuf,
    /// The program that wrote the file (its `origin`), on import.
    pub origin: Option<String>,
    /// What was written to the file (export) or to the project (import, merge).
    pub written: ExchangeCounts,
    /// What was already in the project and left as it was (merge), or
    /// matched and updated (codebook import).
    pub matched: ExchangeCounts,
    /// What the file could not carry, or Accord could not take, each with
    /// how much of it there was.
    pub not_carried: Vec<String>,
    /// Things that look wrong in the file and how they were handled.
    pub warnings: Vec<Problem>,
}

impl ExchangeReport {
    pub(crate) fn new(action: ExchangeAction, file: &Path) -> ExchangeReport {
        ExchangeReport {
            action,
            file: file.to_path_buf(),
            origin: None,
            written: ExchangeCounts::default(),
            matched: ExchangeCounts::default(),
            not_carried: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub(crate) fn warn(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Problem {
            place: place.into(),
            message: message.into(),
        });
    }
}

/// Normalises a GUID as Accord stores it: no braces, lower case. A value
/// that is not of the 8-4-4-4-12 hexadecimal form (some programs write
/// other identifiers) is replaced by a UUID v5 derived from it, so that
/// every reference to it still agrees. Returns whether it had the form.
pub(crate) fn normalize_guid(raw: &str) -> (String, bool) {
    let trimmed = raw.trim();
    let bare = trimmed
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(trimmed)
        .to_ascii_lowercase();
    let shaped = bare.len() == 36
        && bare.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if shaped {
        (bare, true)
    } else {
        (derived_guid_for(&format!("refi-id:{trimmed}")), false)
    }
}

/// A UUID v5 in Accord's own namespace, for identifiers that have no other anchor.
pub(crate) fn derived_guid_for(key: &str) -> String {
    // Accord's namespace: the v5 UUID of "accord" in the URL namespace.
    let namespace = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        b"https://accord.invalid/refi-qda",
    );
    uuid::Uuid::new_v5(&namespace, key.as_bytes()).to_string()
}

/// A UUID v5 derived from the project's GUID and a stable key, for things
/// that have no stored GUID (the consensus user, selections, coding notes).
pub(crate) fn project_derived_guid(project_guid: &str, key: &str) -> String {
    match uuid::Uuid::parse_str(project_guid) {
        Ok(ns) => uuid::Uuid::new_v5(&ns, key.as_bytes()).to_string(),
        Err(_) => derived_guid_for(&format!("{project_guid}:{key}")),
    }
}

/// A REFI-QDA `xsd:dateTime` as Accord stores times: RFC 3339 in UTC. A
/// value already in that form is kept as written (so round trips are
/// exact); other offsets are converted; a time without a zone is read as
/// UTC. `None` when the value is not a date-time.
pub(crate) fn utc_time(value: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    let v = value.trim();
    if let Ok(t) = time::OffsetDateTime::parse(v, &Rfc3339) {
        if v.ends_with('Z') || v.ends_with('z') {
            return Some(v.replace('z', "Z"));
        }
        return t.to_offset(time::UtcOffset::UTC).format(&Rfc3339).ok();
    }
    let with_zone = format!("{v}Z");
    time::OffsetDateTime::parse(&with_zone, &Rfc3339)
        .ok()
        .map(|_| with_zone)
}

/// Reports progress of one step of an exchange.
pub(crate) fn step(progress: &mut dyn FnMut(Progress), message: &str, done: u64, total: u64) {
    progress(Progress {
        message: message.to_owned(),
        done,
        total,
        files_done: 0,
        files_total: 1,
    });
}

/// The file name of a path, for messages and reports.
pub(crate) fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

impl Project {
    /// Writes the whole project as a REFI-QDA `.qdpx` archive: sources,
    /// codes, every coder's codings, the consensus layer (as the user
    /// "Consensus"), cases, attributes and memos, plus `accord/extra.json`
    /// for what only Accord reads.
    ///
    /// Refused with [`crate::Error::NotAllowed`] during independent coding,
    /// when reading several coders' codings is not allowed. The archive is
    /// written beside `path` and renamed into place.
    pub fn export_qdpx(&self, path: impl AsRef<Path>) -> Result<ExchangeReport> {
        self.export_qdpx_with_progress(path, &mut crate::progress::ignore, &Cancel::new())
    }

    /// [`Project::export_qdpx`], reporting progress and checking `cancel` between sources.
    pub fn export_qdpx_with_progress(
        &self,
        path: impl AsRef<Path>,
        progress: &mut dyn FnMut(Progress),
        cancel: &Cancel,
    ) -> Result<ExchangeReport> {
        export::export_qdpx(self, path.as_ref(), progress, cancel)
    }

    /// Reads a REFI-QDA project (`.qdpx`, or a bare `.qde`) written by
    /// Accord or another program into a new project file at
    /// `new_project_path`, which must not exist.
    ///
    /// The file's users become coders, its codes, sources, codings, cases,
    /// variables and notes come along; units are rebuilt from the plain
    /// text (or restored exactly from `accord/extra.json`). A file that is
    /// unsafe or unreadable is refused and no project file is left behind.
    pub fn import_qdpx(
        qdpx_path: impl AsRef<Path>,
        new_project_path: impl AsRef<Path>,
    ) -> Result<(Project, ExchangeReport)> {
        Project::import_qdpx_with_progress(
            qdpx_path,
            new_project_path,
            &mut crate::progress::ignore,
            &Cancel::new(),
        )
    }

    /// [`Project::import_qdpx`], reporting progress and checking `cancel`.
    pub fn import_qdpx_with_progress(
        qdpx_path: impl AsRef<Path>,
        new_project_path: impl AsRef<Path>,
        progress: &mut dyn FnMut(Progress),
        cancel: &Cancel,
    ) -> Result<(Project, ExchangeReport)> {
        import::import_qdpx(
            qdpx_path.as_ref(),
            new_project_path.as_ref(),
            progress,
            cancel,
        )
    }

    /// Brings another program's (or another Accord's) codings into this
    /// project. Every source of the file that has codings must be in the
    /// project with the same text (matched by GUID, else by identical text);
    /// coders are matched by name ignoring case, codes by GUID or by path, and
    /// created when missing. Codings already present (same GUID, or same
    /// coder, code, source and span) are left alone, so merging twice changes
    /// nothing; codings of coders not in the file are never touched.
    ///
    /// Allowed while coders may change their codings (setup and independent
    /// coding), like coding itself.
    pub fn merge_qdpx(&mut self, path: impl AsRef<Path>) -> Result<ExchangeReport> {
        self.merge_qdpx_with_progress(path, &mut crate::progress::ignore, &Cancel::new())
    }

    /// [`Project::merge_qdpx`], reporting progress and checking `cancel`.
    pub fn merge_qdpx_with_progress(
        &mut self,
        path: impl AsRef<Path>,
        progress: &mut dyn FnMut(Progress),
        cancel: &Cancel,
    ) -> Result<ExchangeReport> {
        merge::merge_qdpx(self, path.as_ref(), progress, cancel)
    }

    /// Writes the codebook as a REFI-QDA `.qdc` file: codes nested, with
    /// colours and definitions. Allowed in every phase.
    pub fn export_qdc(&self, path: impl AsRef<Path>) -> Result<ExchangeReport> {
        qdc::export_qdc(self, path.as_ref())
    }

    /// Adds the codes of a `.qdc` codebook. A code already in the project
    /// (same GUID, or same name under the same parent) is updated with the
    /// file's definition and colour; the others are created.
    pub fn import_qdc(&mut self, path: impl AsRef<Path>) -> Result<ExchangeReport> {
        qdc::import_qdc(self, path.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_normalised() {
        assert_eq!(
            normalize_guid("{088B08AC-D5CD-4ADB-8B71-B4F3459C177F}"),
            ("088b08ac-d5cd-4adb-8b71-b4f3459c177f".to_owned(), true)
        );
        // NVivo writes 8-4-4-4-12 hex that is not an RFC 4122 UUID: kept as it is.
        assert_eq!(
            normalize_guid("34653336-3766-3235-6466-363134396437"),
            ("34653336-3766-3235-6466-363134396437".to_owned(), true)
        );
        let (odd, shaped) = normalize_guid("node-17");
        assert!(!shaped);
        assert_eq!(normalize_guid("node-17").0, odd, "derived GUIDs are stable");
        assert_eq!(odd.len(), 36);
    }

    #[test]
    fn times_become_utc() {
        assert_eq!(
            utc_time("2025-01-10T09:00:00.000Z").as_deref(),
            Some("2025-01-10T09:00:00.000Z")
        );
        assert_eq!(
            utc_time("2024-09-15T17:36:45+02:00").as_deref(),
            Some("2024-09-15T15:36:45Z")
        );
        assert_eq!(
            utc_time("2024-09-15T15:36:45").as_deref(),
            Some("2024-09-15T15:36:45Z")
        );
        assert_eq!(utc_time("yesterday"), None);
    }
}
