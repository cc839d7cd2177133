//! # Accord engine
//!
//! All of Accord's domain logic — projects, import, search, coding,
//! agreement, reconciliation, themes, export and REFI-QDA exchange — with no
//! knowledge of Tauri, webviews or the UI. The desktop shell (`src-tauri`)
//! and the `accord` command line are thin layers over this crate.
//!
//! A project is one SQLite file; everything else (the search index) is
//! derived from it and rebuilt when missing or stale. Text positions are
//! Unicode code points, end exclusive, everywhere in this crate.
//!
//! ```
//! use accord_engine::Project;
//!
//! let dir = tempfile::tempdir()?;
//! let project = Project::create(dir.path().join("mentorship.accord"))?;
//! let info = project.info()?;
//! assert_eq!(info.sources, 0);
//! assert_eq!(info.schema_version, accord_engine::SCHEMA_VERSION);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod agreement;
pub mod coding;
pub mod demo;
mod error;
pub mod exchange;
pub mod export;
pub mod import;
pub mod merge;
mod migrations;
pub mod progress;
mod project;
pub mod reconcile;
pub mod search;
pub mod store;
pub mod text;
pub mod themes;

pub use coding::{CodeCount, CodeMergeSummary, CodingChange, SpanKind, UndoState};
pub use error::{Error, Problem, Result};
pub use exchange::{ExchangeAction, ExchangeCounts, ExchangeReport};
pub use export::{
    CodebookCounts, CodebookFormat, CodebookImportReport, TableFormat, render_theme_table,
    write_theme_table,
};
pub use progress::{Cancel, Progress};
pub use project::{APPLICATION_ID, Phase, Project, ProjectInfo, SCHEMA_VERSION};
pub use reconcile::{
    CoderPair, ConsensusCoding, Decision, DecisionKind, DecisionRequest, DiffSegment, Discrepancy,
    DiscrepancyFilter, DiscrepancyKind, DiscrepancyList, DiscrepancyView,
};
pub use search::{IndexStatus, SearchHit, SearchQuery, SearchResults};
pub use store::cases::{Attribute, AttributeType, Case, CaseRole};
pub use store::coders::Coder;
pub use store::codes::{Code, CodeFields};
pub use store::codings::{Coding, CodingFilter};
pub use store::sources::{Source, SourceText, Unit};
pub use store::{
    AttributeId, AuditEntry, CaseId, CodeId, CoderId, CodingId, SourceId, ThemeId, UnitId,
};
pub use themes::{
    GroupedCounts, Passage, PassageCounts, Quote, QuoteSelection, TableGroup, TableQuote,
    TableSection, Theme, ThemeBoard, ThemeFields, ThemeRow, ThemeTable, ThemeTableOptions,
};

impl Project {
    /// The newest `limit` entries of the audit log, newest first.
    ///
    /// During independent coding the particulars of coding entries (which
    /// spans of which sources were coded, memos, removed codings) are
    /// withheld, so the log cannot show one coder another's codings; the
    /// entries themselves (who, when, what kind) remain.
    pub fn audit_log(&self, limit: usize) -> Result<Vec<AuditEntry>> {
        let mut entries = store::audit::recent(&self.conn, limit)?;
        if self.phase()? == Phase::Independent {
            for e in &mut entries {
                if e.action.starts_with("coding.") || e.action == "code.delete" {
                    e.details = serde_json::json!({
                        "withheld": "coders are coding blind; shown once the project moves on from independent coding"
                    })
                    .to_string();
                }
            }
        }
        Ok(entries)
    }
}
