//! Reporting progress of long work and asking it to stop.
//!
//! Long operations (imports, index rebuilds, exports) take a
//! [`&mut dyn FnMut(Progress)`](Progress) and a [`Cancel`] flag; they report
//! now and then and check the flag between steps. A cancelled operation
//! returns [`crate::Error::Cancelled`] and leaves the project as it was.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

/// How far a long operation has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Progress {
    /// What is being done, e.g. "Importing focus-group.vtt".
    pub message: String,
    /// Steps (files, units, bytes) done so far.
    pub done: u64,
    /// Steps in all (0 when unknown).
    pub total: u64,
    /// Files done so far, for batch imports.
    pub files_done: u64,
    /// Files in all.
    pub files_total: u64,
}

/// A shareable "please stop" flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Wraps an existing flag (the desktop shell keeps one per task).
    pub fn from_flag(flag: Arc<AtomicBool>) -> Cancel {
        Cancel(flag)
    }

    /// Asks the work to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether stopping was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err(Cancelled)` when stopping was asked for.
    pub fn check(&self) -> crate::Result<()> {
        if self.is_cancelled() {
            Err(crate::Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// A progress sink that ignores reports (for callers that don't show progress).
pub fn ignore(_: Progress) {}
