//! Export: the theme table as a manuscript prints it (Word, Excel, CSV,
//! Markdown, HTML) and the codebook (CSV, Markdown, Word), plus the
//! codebook's CSV import.
//!
//! Each writer is a pure function from a model ([`ThemeTable`], or the
//! codebook's codes) to bytes; [`write_theme_table`] and
//! [`Project::export_codebook`](crate::Project::export_codebook) put the
//! bytes in place through [`write_file`], which writes a temporary file in
//! the destination's folder and renames it over the destination. A failed
//! export therefore never leaves half a file, and never damages an
//! earlier export of the same name.
//!
//! Architecture invariant: the writers know nothing of the project. What a
//! table shows — which quotes, which counts, whose codings — is decided
//! when the model is built (`Project::theme_table`, the codebook counts
//! with their blindness rule), never while writing.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result, TableQuote, ThemeTable};

mod codebook;
mod csv;
pub(crate) use csv::BOM;
mod docx;
mod html;
mod markdown;
mod xlsx;

pub use codebook::{CodebookCounts, CodebookFormat, CodebookImportReport};

/// A file format a theme table can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum TableFormat {
    /// A Word document with one table (`.docx`).
    Docx,
    /// An Excel workbook with one sheet (`.xlsx`).
    Xlsx,
    /// Comma-separated values, UTF-8 with a byte-order mark (`.csv`).
    Csv,
    /// Markdown with pipe tables (`.md`).
    Markdown,
    /// A self-contained HTML page (`.html`).
    Html,
}

impl TableFormat {
    /// Every format, in the order a menu lists them.
    pub const ALL: [TableFormat; 5] = [
        TableFormat::Docx,
        TableFormat::Xlsx,
        TableFormat::Csv,
        TableFormat::Markdown,
        TableFormat::Html,
    ];

    /// The format of a file extension or format name (`docx`, `xlsx`,
    /// `csv`, `md`/`markdown`, `html`/`htm`), ignoring case and a leading dot.
    pub fn from_extension(extension: &str) -> Option<TableFormat> {
        match extension
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "docx" | "word" => Some(TableFormat::Docx),
            "xlsx" | "excel" => Some(TableFormat::Xlsx),
            "csv" => Some(TableFormat::Csv),
            "md" | "markdown" => Some(TableFormat::Markdown),
            "html" | "htm" => Some(TableFormat::Html),
            _ => None,
        }
    }

    /// The format a file name's extension implies.
    pub fn from_path(path: &Path) -> Option<TableFormat> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(TableFormat::from_extension)
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Docx => "docx",
            TableFormat::Xlsx => "xlsx",
            TableFormat::Csv => "csv",
            TableFormat::Markdown => "md",
            TableFormat::Html => "html",
        }
    }
}

/// The theme table as the bytes of a file of `format`, with `title` (e.g.
/// "Table 1. Themes and representative quotes") above the table where the
/// format has room for one (all but CSV).
pub fn render_theme_table(
    table: &ThemeTable,
    format: TableFormat,
    title: Option<&str>,
) -> Result<Vec<u8>> {
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    match format {
        TableFormat::Docx => docx::theme_table(table, title),
        TableFormat::Xlsx => xlsx::theme_table(table, title),
        TableFormat::Csv => csv::theme_table(table),
        TableFormat::Markdown => Ok(markdown::theme_table(table, title).into_bytes()),
        TableFormat::Html => Ok(html::theme_table(table, title).into_bytes()),
    }
}

/// Writes the theme table to `path` in `format` (see [`render_theme_table`]).
///
/// The file is replaced only once it is complete: on any error the
/// destination is left as it was. I/O failures are [`Error::Io`] naming `path`.
pub fn write_theme_table(
    table: &ThemeTable,
    format: TableFormat,
    path: &Path,
    title: Option<&str>,
) -> Result<()> {
    let bytes = render_theme_table(table, format, title)?;
    write_file(path, &bytes)
}

/// Writes `bytes` to a temporary file beside `path`, flushes it to disk and
/// renames it over `path`, so that readers see the old file or the new one,
/// never a mixture, and a failure leaves no partial file behind.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let io = |e: std::io::Error| Error::io(path, e);
    if path.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a folder; choose a file name",
        )));
    }
    // The temporary file is deleted when dropped, so every early return
    // below cleans up after itself.
    let mut temp = tempfile::Builder::new()
        .prefix(".accord-export-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

// ----- text shared by the writers -------------------------------------------

/// Removes characters XML 1.0 cannot carry (C0 controls other than tab,
/// line feed and carriage return, and U+FFFE/U+FFFF), which Word and Excel
/// refuse, and turns `\r\n` and lone `\r` into `\n`.
pub(crate) fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter(|&c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
        .collect()
}

/// A quote as printed: in typographic quotation marks, followed by its
/// source and case when the table asks for them.
pub(crate) fn quote_line(quote: &TableQuote, with_source: bool) -> String {
    let mut line = quoted(&clean(quote.text.trim()));
    if let Some(attribution) = attribution(quote, with_source) {
        line.push_str(" — ");
        line.push_str(&attribution);
    }
    line
}

/// `text` in typographic quotation marks. A passage that already stands
/// in quotation marks (a transcript line quoting someone, say) keeps one
/// pair, not two: `“"Thirty minutes"”` would print as a stutter.
pub(crate) fn quoted(text: &str) -> String {
    let t = text.trim();
    let pairs = [('"', '"'), ('“', '”'), ('„', '“'), ('«', '»')];
    for (open, close) in pairs {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close))
            && !inner.contains(open)
            && !inner.contains(close)
        {
            return format!("“{}”", inner.trim());
        }
    }
    format!("“{t}”")
}

/// "Source, case" after a quote, or `None` when not asked for or empty.
pub(crate) fn attribution(quote: &TableQuote, with_source: bool) -> Option<String> {
    if !with_source {
        return None;
    }
    let parts: Vec<String> = [Some(quote.source.as_str()), quote.case_name.as_deref()]
        .into_iter()
        .flatten()
        .map(|s| clean(s.trim()))
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The counts column's text: "passages (sources, cases)".
pub(crate) fn counts_text(counts: Option<&crate::PassageCounts>) -> String {
    counts
        .map(|c| format!("{} ({}, {})", c.passages, c.sources, c.cases))
        .unwrap_or_default()
}

/// Column widths in per cent of the table: the quotes get half the width,
/// the description more than the theme's name, the counts what they need.
pub(crate) fn column_percentages(counts: bool) -> &'static [u32] {
    if counts {
        &[18, 26, 42, 14]
    } else {
        &[20, 30, 50]
    }
}

/// Walks a table's rows in order with the headings that precede them, so
/// that every writer lays the same table out the same way.
pub(crate) enum Line<'a> {
    /// A group heading ("Mentee response").
    Group(&'a str),
    /// A section heading ("Themes indicating positive influence").
    Section(&'a str),
    /// A theme row.
    Row(&'a crate::ThemeRow),
}

pub(crate) fn lines(table: &ThemeTable) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for group in &table.groups {
        if let Some(h) = &group.heading {
            out.push(Line::Group(h));
        }
        for section in &group.sections {
            if let Some(h) = &section.heading {
                out.push(Line::Section(h));
            }
            out.extend(section.rows.iter().map(Line::Row));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions() {
        for (ext, format) in [
            ("docx", TableFormat::Docx),
            (".XLSX", TableFormat::Xlsx),
            ("csv", TableFormat::Csv),
            ("md", TableFormat::Markdown),
            ("markdown", TableFormat::Markdown),
            ("htm", TableFormat::Html),
        ] {
            assert_eq!(TableFormat::from_extension(ext), Some(format), "{ext}");
        }
        assert_eq!(
            TableFormat::from_extension("pdf"),
            None,
            "PDF is not written"
        );
        for f in TableFormat::ALL {
            assert_eq!(
                TableFormat::from_extension(f.extension()),
                Some(f),
                "extension round trip"
            );
        }
        assert_eq!(
            TableFormat::from_path(Path::new("out/Table 1.docx")),
            Some(TableFormat::Docx)
        );
    }

    #[test]
    fn control_characters_are_dropped_and_line_ends_normalised() {
        assert_eq!(clean("a\u{1}b\r\nc\rd\te\u{b}"), "ab\nc\nd\te");
    }

    #[test]
    fn quotes_carry_typographic_marks_and_attribution() {
        let q = TableQuote {
            text: " She listened. ".into(),
            source: "Survey Q3".into(),
            case_name: Some("ME-001".into()),
        };
        assert_eq!(quote_line(&q, false), "“She listened.”");
        assert_eq!(
            quoted("\"Thirty minutes,\" she said"),
            "“\"Thirty minutes,\" she said”"
        );
        assert_eq!(quoted("\"It went an hour.\""), "“It went an hour.”");
        assert_eq!(quoted("“It went an hour.”"), "“It went an hour.”");
        assert_eq!(quote_line(&q, true), "“She listened.” — Survey Q3, ME-001");
        let q = TableQuote {
            case_name: None,
            ..q
        };
        assert_eq!(quote_line(&q, true), "“She listened.” — Survey Q3");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("table.csv");
        write_file(&path, b"old").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"new",
            "an export replaces the earlier file"
        );
        let missing = dir.path().join("no-such-folder").join("t.csv");
        let err = write_file(&missing, b"x").unwrap_err();
        assert_eq!(err.kind(), "io");
        assert!(
            err.to_string().contains("no-such-folder"),
            "the error names the path: {err}"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("table.csv")],
            "no temporary file is left behind"
        );
    }
}
