//! The engine's one error type.
//!
//! Variants are the cases a caller treats differently; each carries the
//! context a researcher needs to act on the message (the file, the line or
//! row, what was expected). [`Error::kind`] gives a stable machine name that
//! the desktop UI switches on, so the UI never parses message text.

use std::path::PathBuf;

/// Result alias used throughout the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem found in an input file, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Problem {
    /// Where in the file: "line 12", "row 7, column \"Q3\"", "cue 4", "word/document.xml".
    pub place: String,
    /// What is wrong, in words a researcher understands.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not an Accord project (not SQLite, or SQLite of another program).
    #[error("{path} is not an Accord project: {reason}")]
    NotAProject {
        /// The file that was refused.
        path: PathBuf,
        /// Why it is not a project.
        reason: String,
    },

    /// The project was written by a newer Accord whose schema this one does not know.
    #[error(
        "{path} was saved by a newer version of Accord (project format {found}; this version reads up to {supported}). Update Accord to open it; the file was not changed."
    )]
    NewerVersion {
        /// The file that was refused.
        path: PathBuf,
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this build understands.
        supported: i64,
    },

    /// Upgrading an older project failed; the file is left as it was.
    #[error(
        "{path}: upgrading the project to format {version} failed ({message}); the file was left as it was"
    )]
    Migration {
        /// The project file.
        path: PathBuf,
        /// The schema version whose migration failed.
        version: i64,
        /// The underlying failure.
        message: String,
    },

    /// A file could not be imported; nothing from it was stored.
    #[error("{file}: {}", format_problems(problems))]
    Import {
        /// The file name as the user gave it.
        file: String,
        /// Every problem found in the file (importers report all at once).
        problems: Vec<Problem>,
    },

    /// The same bytes were imported before.
    #[error("{file} was already imported (as \"{existing}\"); it was not imported again")]
    Duplicate {
        /// The file name as the user gave it.
        file: String,
        /// The title of what the earlier import produced.
        existing: String,
    },

    /// A named thing (source, code, coder, ...) does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for, e.g. `code "Trust"`.
        what: String,
    },

    /// The request is not valid as given (empty name, offsets outside the text, ...).
    #[error("{0}")]
    Invalid(String),

    /// The request conflicts with what is stored (a name already taken, ...).
    #[error("{0}")]
    Conflict(String),

    /// The request is not allowed in the project's current phase or for this coder.
    #[error("{0}")]
    NotAllowed(String),

    /// Work was cancelled by the user; nothing was stored.
    #[error("cancelled; nothing was changed")]
    Cancelled,

    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The SQLite store failed.
    #[error("project storage: {0}")]
    Storage(#[from] rusqlite::Error),

    /// The search index failed (it is rebuilt from the project on the next open).
    #[error("search index: {0}")]
    Index(String),
}

fn format_problems(problems: &[Problem]) -> String {
    match problems {
        [] => "could not be imported".to_owned(),
        [one] => one.to_string(),
        many => {
            let shown: Vec<String> = many.iter().take(5).map(ToString::to_string).collect();
            let more = many.len().saturating_sub(5);
            let tail = if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            };
            format!("{} problems: {}{}", many.len(), shown.join("; "), tail)
        }
    }
}

impl Error {
    /// A stable, machine-readable name of the variant, for the UI to switch on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::NotAProject { .. } => "not_a_project",
            Error::NewerVersion { .. } => "newer_version",
            Error::Migration { .. } => "migration",
            Error::Import { .. } => "import",
            Error::Duplicate { .. } => "duplicate",
            Error::NotFound { .. } => "not_found",
            Error::Invalid(_) => "invalid",
            Error::Conflict(_) => "conflict",
            Error::NotAllowed(_) => "not_allowed",
            Error::Cancelled => "cancelled",
            Error::Io { .. } => "io",
            Error::Storage(_) => "storage",
            Error::Index(_) => "index",
        }
    }

    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound { what: what.into() }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Shorthand for an [`Error::Import`] with a single problem.
    pub fn import(
        file: impl Into<String>,
        place: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Import {
            file: file.into(),
            problems: vec![Problem {
                place: place.into(),
                message: message.into(),
            }],
        }
    }
}
