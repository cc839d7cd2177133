//! The one error shape that crosses to the UI: `{kind, message}`.
//!
//! `kind` is the engine's stable variant name ([`accord_engine::Error::kind`])
//! or one of the shell's own (`no_project`, `internal`); the UI switches on it
//! and shows `message` to the user as written.

use serde::Serialize;

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(export, rename = "CommandError"))]
pub struct CommandError {
    /// A stable machine name of what went wrong.
    pub kind: String,
    /// A message for the researcher, naming the file and place where known.
    pub message: String,
}

impl CommandError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        CommandError {
            kind: kind.to_owned(),
            message: message.into(),
        }
    }

    pub fn no_project() -> Self {
        CommandError::new("no_project", "No project is open.")
    }
}

impl From<accord_engine::Error> for CommandError {
    fn from(e: accord_engine::Error) -> Self {
        CommandError::new(e.kind(), e.to_string())
    }
}

impl From<tauri::Error> for CommandError {
    fn from(e: tauri::Error) -> Self {
        CommandError::new("internal", e.to_string())
    }
}

/// What every command returns.
pub type CommandResult<T> = Result<T, CommandError>;
