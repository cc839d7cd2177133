//! Importers: turn files into sources, units and cases.
//!
//! Each format module is a pure parser — bytes in, [`ParsedSource`]s (and,
//! for surveys, cases with attributes) out — with no access to the project.
//! `Project::import_*` stores what a parser returns in one transaction, so a
//! file either arrives whole or not at all. Parsers collect every problem of
//! a file and report them together as [`crate::Error::Import`].
//!
//! The entry points, one module per format family:
//!
//! - [`detect::detect`] decides from the file name (and a sniff of the
//!   bytes) which parser applies;
//! - [`notes::parse`] reads interview notes (`.txt`, `.md`, `.docx`);
//! - [`transcript::parse`] reads transcripts (`.vtt`, `.srt`, `.txt`, `.docx`);
//! - [`survey::preview`] and [`survey::parse`] read survey exports (`.csv`,
//!   `.tsv`, `.xlsx`) in two steps, so the user can check each column's type;
//! - [`decode()`] and [`docx::paragraphs`] are the building blocks the others
//!   share: bytes to text, and a Word document to its paragraphs.
//!
//! Every parser returns a [`ParsedImport`]: sources with their units, the
//! cases the units belong to (with attributes), the text encoding that was
//! detected and warnings — things that did not stop the import but that the
//! researcher should see in the import report.
//!
//! Architecture invariant: nothing here touches the project, the file system
//! or the clock. The same bytes always give the same result.

use serde::{Deserialize, Serialize};

use crate::Problem;

mod run;
mod store;
pub use run::{FileOutcome, FileStatus, ImportReport, ImportRequest, parse_file, read_for_import};
pub use store::FileAttributes;
pub(crate) use store::store_file;

pub mod decode;
pub mod detect;
pub mod docx;
mod likert;
pub mod notes;
pub mod survey;
mod text;
pub mod transcript;

pub use decode::{Decoded, TextEncoding, decode};
pub use detect::{Detected, FileFormat, detect};

/// The largest survey, notes or transcript file the importers accept, in
/// bytes (200 MB). Larger files are refused before they are parsed.
pub const MAX_FILE_BYTES: usize = 200 * 1024 * 1024;

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

/// Everything a parser made of one file: what the store keeps, and what the
/// import report shows.
///
/// Invariant: every [`ParsedUnit::case`] names a case in [`ParsedImport::cases`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedImport {
    /// The sources, in file order. Notes and transcripts give one; a survey
    /// gives one per free-text question.
    pub sources: Vec<ParsedSource>,
    /// The cases (respondents, interviewees, speakers) the units belong to,
    /// in order of first appearance, each once.
    pub cases: Vec<ParsedCase>,
    /// How the file's bytes were decoded; `None` for Word and Excel files.
    pub encoding: Option<TextEncoding>,
    /// Things the researcher should know that did not stop the import, each
    /// with its place ("line 3", "row 7, column "Age"").
    pub warnings: Vec<Problem>,
}

/// A case (a person) as a parser found it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedCase {
    /// The name, exactly as units refer to it. For surveys this is the
    /// trimmed respondent id, so that several surveys of the same people
    /// join on it.
    pub name: String,
    /// True when the caller named this speaker as a moderator of a focus
    /// group (see [`transcript::TranscriptOptions::moderators`]).
    pub moderator: bool,
    /// The case's attributes; an attribute whose answer was empty is absent.
    pub attributes: Vec<ParsedAttribute>,
}

/// One attribute value of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedAttribute {
    /// The attribute's name (for surveys, the question).
    pub name: String,
    /// How values of this attribute compare.
    pub kind: AttributeKind,
    /// The value: for [`AttributeKind::Likert`] one of `levels`; for
    /// [`AttributeKind::Number`] a decimal number; for
    /// [`AttributeKind::Date`] an ISO 8601 date (`2024-03-14`) or date and
    /// time (`2024-03-14T10:22:01`).
    pub value: String,
    /// For [`AttributeKind::Likert`], every level of the scale from lowest to
    /// highest (also the levels nobody chose); empty otherwise.
    pub levels: Vec<String>,
}

/// How values of an attribute compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AttributeKind {
    /// Unordered categories (multiple choice, yes/no, file-wide labels).
    Categorical,
    /// Ordered levels of a rating scale.
    Likert,
    /// A number.
    Number,
    /// A date, or a date and time.
    Date,
}

impl AttributeKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::Categorical => "categorical",
            AttributeKind::Likert => "likert",
            AttributeKind::Number => "number",
            AttributeKind::Date => "date",
        }
    }
}

/// The file name without its folder and last extension, as a default title.
pub(crate) fn file_stem(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    };
    stem.trim().to_owned()
}

/// The lower-case extension of a file name, without the dot.
pub(crate) fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => base[dot + 1..].to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Refuses a file over [`MAX_FILE_BYTES`] before anything reads it.
pub(crate) fn check_size(file_name: &str, bytes: &[u8]) -> crate::Result<()> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(crate::Error::import(
            file_name,
            "",
            format!(
                "the file is {} MB; Accord imports files up to {} MB. Split it into smaller files and import them one by one",
                bytes.len().div_ceil(1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

/// What a binary file probably is, from its first bytes, for messages like
/// "looks like a binary file (PNG image)".
pub(crate) fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a zip archive, such as a Word or Excel file"),
        (b"PK\x05\x06", "an empty zip archive"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "an older Office file (.doc or .xls) or a password-protected Office file",
        ),
        (b"{\\rtf", "a Rich Text (RTF) document"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"ID3", "an MP3 audio file"),
        (b"OggS", "an Ogg audio file"),
        (b"RIFF", "a WAV or AVI media file"),
        (b"\x1a\x45\xdf\xa3", "a WebM or Matroska video"),
    ];
    for (magic, what) in MAGIC {
        if bytes.starts_with(magic) {
            return Some(what);
        }
    }
    if bytes.len() > 12 && &bytes[4..8] == b"ftyp" {
        return Some("an MP4 or QuickTime media file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What every parser promises: units in order, inside the text, not
    /// overlapping, never empty or padded with white space, and every
    /// unit's case listed once among the cases.
    fn check_invariants(parsed: &ParsedImport) {
        let names: Vec<&str> = parsed.cases.iter().map(|c| c.name.as_str()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(
            unique.len(),
            names.len(),
            "each case is listed once: {names:?}"
        );
        for source in &parsed.sources {
            let len = source.text.chars().count();
            assert!(!source.text.contains('\r'), "stored text uses \\n only");
            let mut previous_end = 0;
            for unit in &source.units {
                assert!(
                    previous_end <= unit.start && unit.start < unit.end && unit.end <= len,
                    "unit {}..{} is in order, non-empty and inside the text of {len} code points",
                    unit.start,
                    unit.end
                );
                let body: String = source
                    .text
                    .chars()
                    .skip(unit.start)
                    .take(unit.end - unit.start)
                    .collect();
                assert_eq!(
                    body.trim(),
                    body,
                    "a unit does not start or end with white space"
                );
                if let Some(case) = &unit.case {
                    assert!(
                        names.contains(&case.as_str()),
                        "the unit's case {case:?} is listed"
                    );
                }
                previous_end = unit.end;
            }
        }
    }

    #[test]
    fn every_parser_keeps_the_invariants() {
        let notes = notes::NotesOptions {
            case: Some("Zoë".to_owned()),
            title: None,
        };
        check_invariants(
            &notes::parse("a.txt", "  café  \n\n日本 😀\r\n".as_bytes(), &notes).expect("notes"),
        );
        check_invariants(
            &notes::parse("a.md", "# Olá\n- **x** 😀\n".as_bytes(), &notes).expect("markdown"),
        );
        let transcript = transcript::TranscriptOptions::default();
        check_invariants(
            &transcript::parse("t.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Zoë>café 😀</v>\n\n00:02.000 --> 00:03.000\nno speaker\n".as_bytes(), &transcript)
                .expect("vtt"),
        );
        check_invariants(
            &transcript::parse(
                "t.txt",
                "intro\nAna: olá\n  more  \nBen: 日本\n".as_bytes(),
                &transcript,
            )
            .expect("txt"),
        );
        check_invariants(
            &survey::parse(
                "s.csv",
                "id,comment,q\nP1,\"  café\n\n😀  \",Agree\nP2,,Disagree\nP3,日本 is where I met my mentor for the first time,Agree\n".as_bytes(),
                &survey::SurveyOptions::default(),
            )
            .expect("survey"),
        );
    }

    #[test]
    fn file_names_give_stems_and_extensions() {
        assert_eq!(
            file_stem("C:\\data\\Mentees 6m.final.CSV"),
            "Mentees 6m.final"
        );
        assert_eq!(extension("C:\\data\\Mentees 6m.final.CSV"), "csv");
        assert_eq!(
            extension(".hidden"),
            "",
            "a leading dot is not an extension"
        );
        assert_eq!(file_stem("dir/notes"), "notes");
    }
}
