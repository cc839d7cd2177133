//! `accord/extra.json`: what REFI-QDA cannot hold, for Accord's own round trip.
//!
//! A `.qdpx` written by Accord carries this entry beside `project.qde` and
//! `sources/`. Other programs ignore it and the schema never sees it. When
//! Accord imports a file that has it, units (with their cases, speakers,
//! timestamps and questions), source kinds, case roles, attribute types and
//! Likert levels come back exactly. Every field has a default, so an entry
//! from an older or newer Accord still reads; anything that does not fit the
//! file's text (a unit past the end, say) is ignored with a warning.

use serde::{Deserialize, Serialize};

/// The name of the entry inside the archive.
pub(crate) const ENTRY: &str = "accord/extra.json";

/// Marks the entry as Accord's.
pub(crate) const FORMAT: &str = "accord-refi-extra";

/// The whole entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Extra {
    /// Always [`FORMAT`].
    pub format: String,
    /// Layout version of this entry (1).
    pub version: u32,
    /// The Accord that wrote it.
    pub accord: String,
    /// The project.
    pub project: ExtraProject,
    /// GUID of the REFI `User` that stands for the consensus layer.
    pub consensus_user: Option<String>,
    /// Coders by GUID.
    pub coders: Vec<ExtraCoder>,
    /// Codes by GUID.
    pub codes: Vec<ExtraCode>,
    /// Sources by GUID, with their units.
    pub sources: Vec<ExtraSource>,
    /// Cases by GUID.
    pub cases: Vec<ExtraCase>,
    /// Attributes by GUID.
    pub attributes: Vec<ExtraAttribute>,
    /// When each coding was last changed, by coding GUID.
    pub codings: Vec<ExtraCoding>,
}

/// Project-wide facts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExtraProject {
    pub guid: String,
    pub phase: String,
    pub created_at: String,
}

/// A coder.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExtraCoder {
    pub guid: String,
    pub created_at: String,
}

/// A code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExtraCode {
    pub guid: String,
    pub created_at: String,
}

/// A source.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExtraSource {
    pub guid: String,
    pub kind: String,
    pub file_name: String,
    pub units: Vec<ExtraUnit>,
}

/// A unit of a source; offsets are code points, end exclusive.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExtraUnit {
    pub start: i64,
    pub end: i64,
    pub kind: String,
    /// GUID of the case.
    pub case: Option<String>,
    pub speaker: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub question: Option<String>,
}

/// A case.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExtraCase {
    pub guid: String,
    pub role: String,
    pub created_at: String,
}

/// An attribute.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExtraAttribute {
    pub guid: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub levels: Vec<String>,
}

/// A coding's last change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ExtraCoding {
    pub guid: String,
    pub updated_at: String,
}
