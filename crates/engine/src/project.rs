//! Creating and opening projects: one SQLite file per study.
//!
//! Opening is careful with files that are not ours: the first 100 bytes are
//! read with plain file I/O and the SQLite header is checked before SQLite
//! touches the file, and the application id and schema version are read
//! through a read-only connection. Only an Accord project of this or an
//! older version is ever opened for writing, so a refused file's bytes are
//! never changed.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction};
use serde::Serialize;

use crate::migrations::{self, MIGRATIONS, Migration};
use crate::store;
use crate::{Error, Result};

/// The SQLite `application_id` that marks a file as an Accord project ("ACCD").
pub const APPLICATION_ID: i32 = 0x4143_4344;

/// The newest project format (schema version) this build reads and writes.
pub const SCHEMA_VERSION: i64 = migrations::LATEST;

/// The stage of the method a project is in. Moving between phases is an
/// explicit, logged step (see [`Project::set_phase`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Phase {
    /// Importing sources and agreeing on the codebook.
    Setup,
    /// Each coder codes on their own, blind to the others.
    Independent,
    /// The team resolves discrepancies into the consensus.
    Reconciliation,
    /// Agreed codes are organised into themes.
    Themes,
}

impl Phase {
    /// The stored name of the phase.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Setup => "setup",
            Phase::Independent => "independent",
            Phase::Reconciliation => "reconciliation",
            Phase::Themes => "themes",
        }
    }

    /// Parses a stored or typed phase name.
    pub fn parse(s: &str) -> Result<Phase> {
        match s.trim().to_ascii_lowercase().as_str() {
            "setup" => Ok(Phase::Setup),
            "independent" | "independent coding" | "coding" => Ok(Phase::Independent),
            "reconciliation" | "reconcile" => Ok(Phase::Reconciliation),
            "themes" => Ok(Phase::Themes),
            other => Err(Error::Invalid(format!(
                "unknown phase \"{other}\"; expected setup, independent, reconciliation or themes"
            ))),
        }
    }
}

/// A summary of a project, as `accord info` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ProjectInfo {
    /// The project's name (its file name without `.accord`).
    pub name: String,
    /// The project file.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    /// The schema version of the file.
    pub schema_version: i64,
    /// The current phase.
    pub phase: Phase,
    /// Number of sources.
    pub sources: i64,
    /// Number of units over all sources.
    pub units: i64,
    /// Number of cases.
    pub cases: i64,
    /// Number of coders.
    pub coders: i64,
    /// Number of codes.
    pub codes: i64,
    /// Number of codings over all coders.
    pub codings: i64,
}

/// An open project. All reads and writes of a study go through it.
pub struct Project {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Who is recorded in the audit log for changes not made by a coder.
    actor: String,
    /// The search index, opened on first use.
    pub(crate) search: Option<crate::search::SearchIndex>,
    /// Each coder's undo and redo stacks for this session.
    pub(crate) history: std::collections::HashMap<crate::store::CoderId, crate::coding::History>,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project").field("path", &self.path).finish()
    }
}

impl Project {
    /// Creates a new, empty project file. Refuses to overwrite an existing file.
    pub fn create(path: impl AsRef<Path>) -> Result<Project> {
        let path = path.as_ref().to_path_buf();
        if path.exists() {
            return Err(Error::Conflict(format!(
                "{} already exists; choose another name or open it",
                path.display()
            )));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(Error::io(
                parent,
                std::io::Error::new(std::io::ErrorKind::NotFound, "folder does not exist"),
            ));
        }
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        let mut project = Project::configure(conn, path.clone())?;
        let result = project.upgrade(MIGRATIONS).and_then(|_| {
            let now = store::now();
            project.change(None, |c| {
                c.execute(
                    "INSERT INTO project_meta(key, value) VALUES ('guid', ?1), ('created_at', ?2), ('phase', 'setup')",
                    (store::new_guid(), &now),
                )?;
                c.log("project.create", serde_json::json!({ "schema_version": SCHEMA_VERSION }))
            })
        });
        if let Err(e) = result {
            drop(project);
            // A half-made file would later be refused as "not a project";
            // remove it so the user can simply try again.
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        Ok(project)
    }

    /// Opens an existing project, upgrading an older format in place.
    ///
    /// Refuses, without changing a byte, a file that is not an Accord
    /// project or was written by a newer Accord.
    pub fn open(path: impl AsRef<Path>) -> Result<Project> {
        Project::open_with(path.as_ref(), MIGRATIONS)
    }

    pub(crate) fn open_with(path: &Path, migrations: &[Migration]) -> Result<Project> {
        let latest = migrations.last().map_or(0, |m| m.version);
        let version = probe(path, latest)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut project = Project::configure(conn, path.to_path_buf())?;
        if version < latest {
            let (from, to) = project.upgrade(migrations)?;
            project.change(None, |c| {
                c.log(
                    "project.migrate",
                    serde_json::json!({ "from": from, "to": to }),
                )
            })?;
        }
        Ok(project)
    }

    fn configure(conn: Connection, path: PathBuf) -> Result<Project> {
        // WAL lets the UI read while a long import writes; foreign keys are
        // off by default in SQLite and must be switched on per connection.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let actor = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        Ok(Project {
            conn,
            path,
            actor,
            search: None,
            history: Default::default(),
        })
    }

    fn upgrade(&mut self, migrations: &[Migration]) -> Result<(i64, i64)> {
        migrations::migrate(&mut self.conn, migrations).map_err(|(version, e)| Error::Migration {
            path: self.path.clone(),
            version,
            message: e.to_string(),
        })
    }

    /// The project file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The project's name: its file name without the extension.
    pub fn name(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Untitled".to_owned())
    }

    /// Sets who the audit log names for changes not made on behalf of a coder
    /// (by default the operating-system user).
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }

    /// Who the audit log names for changes not made on behalf of a coder.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Counts and version of the project.
    pub fn info(&self) -> Result<ProjectInfo> {
        let count = |table: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(ProjectInfo {
            name: self.name(),
            path: self.path.clone(),
            schema_version: self
                .conn
                .pragma_query_value(None, "user_version", |r| r.get(0))?,
            phase: self.phase()?,
            sources: count("sources")?,
            units: count("units")?,
            cases: count("cases")?,
            coders: count("coders")?,
            codes: count("codes")?,
            codings: count("codings")?,
        })
    }

    /// The project's current phase.
    pub fn phase(&self) -> Result<Phase> {
        let stored: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM project_meta WHERE key = 'phase'",
                [],
                |r| r.get(0),
            )
            .ok();
        stored.map_or(Ok(Phase::Setup), |s| Phase::parse(&s))
    }

    /// Moves the project to another phase; the step is logged.
    pub fn set_phase(&mut self, phase: Phase) -> Result<()> {
        let from = self.phase()?;
        if from == phase {
            return Ok(());
        }
        self.change(None, |c| {
            c.execute(
                "INSERT INTO project_meta(key, value) VALUES ('phase', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [phase.as_str()],
            )?;
            c.log(
                "project.phase",
                serde_json::json!({ "from": from.as_str(), "to": phase.as_str() }),
            )
        })
    }

    /// Runs `f` as one transaction: all of its writes and its audit entries
    /// land together or not at all. `who` is the coder acting, or `None` for
    /// the project's actor.
    pub(crate) fn change<T>(
        &mut self,
        who: Option<&str>,
        f: impl FnOnce(&Change<'_>) -> Result<T>,
    ) -> Result<T> {
        let who = who.unwrap_or(&self.actor).to_owned();
        let tx = self.conn.transaction()?;
        let change = Change { tx, who };
        let value = f(&change)?;
        change.tx.commit()?;
        Ok(value)
    }
}

/// A transaction in progress, with the person it is recorded under.
pub(crate) struct Change<'a> {
    tx: Transaction<'a>,
    who: String,
}

impl<'a> std::ops::Deref for Change<'a> {
    type Target = Transaction<'a>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl Change<'_> {
    /// Appends an entry to the audit log, inside this transaction.
    pub(crate) fn log(&self, action: &str, details: serde_json::Value) -> Result<()> {
        store::audit::append(&self.tx, &self.who, action, &details)
    }

    /// Who this change is recorded under.
    #[allow(dead_code)]
    pub(crate) fn who(&self) -> &str {
        &self.who
    }
}

/// Reads the SQLite header with plain file I/O, then the application id and
/// schema version through a read-only connection. Returns the schema version.
pub(crate) fn probe(path: &Path, latest: i64) -> Result<i64> {
    let not_project = |reason: &str| Error::NotAProject {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file
            .read(&mut header[read..])
            .map_err(|e| Error::io(path, e))?
        {
            0 => break,
            n => read += n,
        }
    }
    if read == 0 {
        return Err(not_project("the file is empty"));
    }
    if read < header.len() || &header[..16] != b"SQLite format 3\0" {
        return Err(not_project("it is not an SQLite database"));
    }
    drop(file);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| not_project(&format!("it could not be read as a database ({e})")))?;
    let app_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|e| not_project(&format!("it could not be read as a database ({e})")))?;
    if app_id != APPLICATION_ID {
        return Err(not_project(
            "it is an SQLite database written by another program",
        ));
    }
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > latest {
        return Err(Error::NewerVersion {
            path: path.to_path_buf(),
            found: version,
            supported: latest,
        });
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_bytes(path: &Path) -> Vec<u8> {
        std::fs::read(path).expect("test file is readable")
    }

    #[test]
    fn a_failing_migration_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("study.accord");
        {
            let mut p = Project::create(&path).unwrap();
            p.set_phase(Phase::Independent).unwrap();
        }
        let before = file_bytes(&path);
        // Version 2 succeeds in its first statements and fails in its last:
        // the whole upgrade, including the table it made, must be rolled back.
        let broken = [
            MIGRATIONS[0],
            Migration {
                version: SCHEMA_VERSION + 1,
                sql: "CREATE TABLE half_done(x INTEGER);
                      INSERT INTO half_done VALUES (1);
                      ALTER TABLE codes ADD COLUMN extra TEXT;
                      INSERT INTO no_such_table VALUES (1);",
            },
        ];
        let err = Project::open_with(&path, &broken).unwrap_err();
        assert_eq!(
            err.kind(),
            "migration",
            "the failure is reported as a migration error: {err}"
        );
        assert_eq!(
            file_bytes(&path),
            before,
            "a rolled-back upgrade must not change the file's bytes"
        );
        let p = Project::open(&path).unwrap();
        assert_eq!(p.info().unwrap().schema_version, SCHEMA_VERSION);
        let half: i64 = p
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(half, 0, "no table of the failed upgrade may remain");
        assert_eq!(
            p.phase().unwrap(),
            Phase::Independent,
            "earlier data is intact"
        );
    }

    #[test]
    fn create_refuses_an_existing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.accord");
        std::fs::write(&path, b"keep me").unwrap();
        let err = Project::create(&path).unwrap_err();
        assert_eq!(err.kind(), "conflict");
        assert_eq!(
            file_bytes(&path),
            b"keep me",
            "an existing file is never overwritten"
        );
    }

    #[test]
    fn phase_changes_are_logged() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Project::create(dir.path().join("p.accord")).unwrap();
        p.set_phase(Phase::Independent).unwrap();
        let log = store::audit::recent(&p.conn, 10).unwrap();
        assert!(
            log.iter()
                .any(|e| e.action == "project.phase" && e.details.contains("\"independent\"")),
            "the phase step must appear in the audit log: {log:?}"
        );
    }
}
