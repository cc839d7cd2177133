//! Importers: turn files into sources, units and cases.
//!
//! Each format module is a pure parser — bytes in, [`ParsedSource`]s (and,
//! for surveys, cases with attributes) out — with no access to the project.
//! `Project::import_*` stores what a parser returns in one transaction, so a
//! file either arrives whole or not at all. Parsers collect every problem of
//! a file and report them together as [`crate::Error::Import`].

use serde::{Deserialize, Serialize};

mod store;
pub use store::{ParsedAttribute, ParsedCase, ParsedFile};
pub(crate) use store::store_file;

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum SourceKind {
    /// The answers to one free-text survey question.
    Survey,
    /// Interview notes.
    Notes,
    /// A (focus group) transcript with speaker turns.
    Transcript,
}

impl SourceKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Survey => "survey",
            SourceKind::Notes => "notes",
            SourceKind::Transcript => "transcript",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<SourceKind> {
        match s {
            "survey" => Some(SourceKind::Survey),
            "notes" => Some(SourceKind::Notes),
            "transcript" => Some(SourceKind::Transcript),
            _ => None,
        }
    }
}

/// What kind of natural piece of a source a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum UnitKind {
    /// One respondent's answer to a free-text question.
    Response,
    /// A paragraph (in plain text: a line holding non-whitespace text).
    Paragraph,
    /// A heading of notes.
    Heading,
    /// A speaker turn of a transcript.
    Turn,
}

impl UnitKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Response => "response",
            UnitKind::Paragraph => "paragraph",
            UnitKind::Heading => "heading",
            UnitKind::Turn => "turn",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<UnitKind> {
        match s {
            "response" => Some(UnitKind::Response),
            "paragraph" => Some(UnitKind::Paragraph),
            "heading" => Some(UnitKind::Heading),
            "turn" => Some(UnitKind::Turn),
            _ => None,
        }
    }
}

/// A source as a parser produced it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSource {
    /// What kind of document this is.
    pub kind: SourceKind,
    /// The title shown in the sources panel.
    pub title: String,
    /// The text, with `\n` line ends; unit offsets count its code points.
    pub text: String,
    /// The units, in order, not overlapping.
    pub units: Vec<ParsedUnit>,
}

/// A unit as a parser produced it. Offsets are code points into
/// [`ParsedSource::text`], end exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedUnit {
    /// First code point of the unit.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// What kind of piece this is; `None` is read as a paragraph.
    pub kind: Option<UnitKind>,
    /// The case (respondent, participant) the unit belongs to, by name.
    pub case: Option<String>,
    /// The speaker as written in the transcript.
    pub speaker: Option<String>,
    /// When the turn starts, in milliseconds from the start of the recording.
    pub start_ms: Option<i64>,
    /// When the turn ends, in milliseconds.
    pub end_ms: Option<i64>,
    /// The survey question the response answers.
    pub question: Option<String>,
}
