//! Which parser applies to a file.
//!
//! The extension decides, with a sniff of the contents where one extension
//! serves several kinds: a `.txt`, `.md` or `.docx` file is a transcript
//! when most of its non-empty lines start with a speaker label
//! (`Maria: …`), and notes otherwise; a `.txt` holding WebVTT or SRT is a
//! transcript in that format.

use serde::{Deserialize, Serialize};

use super::{SourceKind, check_size, decode, docx, extension, transcript};
use crate::{Error, Result};

/// The file formats the importers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum FileFormat {
    /// Comma-, semicolon- or tab-separated values (`.csv`, `.tsv`).
    Csv,
    /// An Excel workbook (`.xlsx`, `.xlsm`).
    Xlsx,
    /// WebVTT captions (`.vtt`).
    WebVtt,
    /// SubRip captions (`.srt`).
    Srt,
    /// Plain text (`.txt`).
    Text,
    /// Markdown (`.md`, `.markdown`).
    Markdown,
    /// A Word document (`.docx`).
    Docx,
}

/// What [`detect`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Detected {
    /// The kind of source the file becomes, which names the parser:
    /// [`super::survey`], [`super::notes`] or [`super::transcript`].
    pub kind: SourceKind,
    /// The file's format.
    pub format: FileFormat,
}

/// The formats Accord imports, for messages.
pub const SUPPORTED: &str = "surveys as .csv, .tsv or .xlsx; interview notes as .txt, .md or .docx; transcripts as .vtt, .srt, .txt or .docx";

/// Decides which parser applies to a file, from its name and, for text and
/// Word files, its contents. Unknown extensions are refused with a message
/// that lists the supported formats.
pub fn detect(file_name: &str, bytes: &[u8]) -> Result<Detected> {
    check_size(file_name, bytes)?;
    let ext = extension(file_name);
    let detected = |kind, format| Ok(Detected { kind, format });
    match ext.as_str() {
        "csv" | "tsv" => detected(SourceKind::Survey, FileFormat::Csv),
        "xlsx" | "xlsm" => detected(SourceKind::Survey, FileFormat::Xlsx),
        "vtt" => detected(SourceKind::Transcript, FileFormat::WebVtt),
        "srt" => detected(SourceKind::Transcript, FileFormat::Srt),
        "txt" | "text" | "md" | "markdown" => {
            let text = decode(file_name, bytes)?.text;
            let format = if matches!(ext.as_str(), "md" | "markdown") {
                FileFormat::Markdown
            } else {
                FileFormat::Text
            };
            if transcript::is_vtt(&text) {
                detected(SourceKind::Transcript, FileFormat::WebVtt)
            } else if transcript::is_srt(&text) {
                detected(SourceKind::Transcript, FileFormat::Srt)
            } else if transcript::looks_like_speaker_turns(text.split('\n')) {
                detected(SourceKind::Transcript, format)
            } else {
                detected(SourceKind::Notes, format)
            }
        }
        "docx" => {
            let paragraphs = docx::paragraphs(file_name, bytes)?;
            let lines = paragraphs.iter().flat_map(|p| p.text.split('\n'));
            if transcript::looks_like_speaker_turns(lines) {
                detected(SourceKind::Transcript, FileFormat::Docx)
            } else {
                detected(SourceKind::Notes, FileFormat::Docx)
            }
        }
        other => {
            let hint = match other {
                "doc" => " Open it in Word and save it as .docx.",
                "xls" | "ods" | "numbers" => " Save it as .xlsx or .csv.",
                "pdf" => " Copy its text into a .txt or .docx file.",
                "rtf" | "odt" | "pages" => " Save it as .docx or .txt.",
                _ => "",
            };
            let what = if other.is_empty() {
                "files without an extension".to_owned()
            } else {
                format!(".{other} files")
            };
            Err(Error::import(
                file_name,
                "",
                format!("Accord cannot import {what}; it imports {SUPPORTED}.{hint}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::docx::tests::{docx_of, p};

    fn check(file_name: &str, bytes: &[u8], kind: SourceKind, format: FileFormat) {
        let got = detect(file_name, bytes).unwrap_or_else(|e| panic!("{file_name}: {e}"));
        assert_eq!(got, Detected { kind, format }, "what {file_name} is");
    }

    #[test]
    fn extensions_and_sniffing_choose_the_parser() {
        use FileFormat::*;
        use SourceKind::*;
        check("mentees.CSV", b"a,b\n1,2\n", Survey, Csv);
        check("mentees.xlsx", b"PK..", Survey, Xlsx);
        check("group.vtt", b"WEBVTT\n", Transcript, WebVtt);
        check("group.srt", b"1\n", Transcript, Srt);
        check(
            "notes.txt",
            "Café with Ana.\nShe liked it.\n".as_bytes(),
            Notes,
            Text,
        );
        check("notes.md", b"# Ana\n\nDate: today\n", Notes, Markdown);
        check(
            "group.txt",
            "Maria: olá\nJoão: oi 😀\nMaria: bem-vindos\n".as_bytes(),
            Transcript,
            Text,
        );
        check(
            "zoom.txt",
            b"WEBVTT\n\n00:01.000 --> 00:02.000\nA: b\n",
            Transcript,
            WebVtt,
        );
        check(
            "subs.txt",
            b"1\n00:00:01,000 --> 00:00:02,000\nhi\n",
            Transcript,
            Srt,
        );
        let turns = [p("Maria: olá"), p("João: oi"), p("Maria: tchau")].concat();
        check("group.docx", &docx_of(&turns), Transcript, Docx);
        check(
            "ana.docx",
            &docx_of(&p("Ana told us about her mentor.")),
            Notes,
            Docx,
        );
    }

    #[test]
    fn unknown_extensions_list_the_supported_formats() {
        let message = detect("study.pdf", b"%PDF-1.7")
            .expect_err("pdf")
            .to_string();
        assert!(
            message.contains("cannot import .pdf files; it imports surveys as .csv"),
            "the supported formats are listed: {message}"
        );
        assert!(
            message.contains("Copy its text"),
            "a hint fits the format: {message}"
        );
        let message = detect("README", b"x")
            .expect_err("no extension")
            .to_string();
        assert!(message.contains("files without an extension"), "{message}");
    }
}
