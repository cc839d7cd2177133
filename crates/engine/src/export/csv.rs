//! The theme table as CSV: one line per theme row, flat, for analysis in a
//! spreadsheet or a statistics package rather than for print.
//!
//! Columns: `group,section,theme,description,quotes`, and with counts
//! `passages,sources,cases`. The group and section headings are repeated
//! on every row (empty without grouping or splitting). The quotes of a row
//! share one field, one quote per line (`\n` inside the quoted field).
//!
//! The file is UTF-8 with a byte-order mark: without it Excel reads CSV in
//! the system's legacy code page and garbles every non-ASCII character
//! (typographic quotation marks, accented names). Other readers (pandas,
//! R's readr, LibreOffice) skip the mark.

use crate::{Error, Result, ThemeTable};

use super::{clean, quote_line};

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(super) fn theme_table(table: &ThemeTable) -> Result<Vec<u8>> {
    let mut out = BOM.to_vec();
    {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        let mut header = vec!["group", "section", "theme", "description", "quotes"];
        if table.counts {
            header.extend(["passages", "sources", "cases"]);
        }
        w.write_record(&header).map_err(csv_error)?;
        for group in &table.groups {
            for section in &group.sections {
                for row in &section.rows {
                    let quotes: Vec<String> = row
                        .quotes
                        .iter()
                        .map(|q| quote_line(q, table.quote_sources))
                        .collect();
                    let mut record = vec![
                        clean(group.heading.as_deref().unwrap_or_default()),
                        clean(section.heading.as_deref().unwrap_or_default()),
                        clean(&row.theme),
                        clean(&row.description),
                        quotes.join("\n"),
                    ];
                    if table.counts {
                        let c = row.counts.clone().unwrap_or_default();
                        record.extend([
                            c.passages.to_string(),
                            c.sources.to_string(),
                            c.cases.to_string(),
                        ]);
                    }
                    w.write_record(&record).map_err(csv_error)?;
                }
            }
        }
        w.flush()
            .map_err(|e| Error::Invalid(format!("writing CSV: {e}")))?;
    }
    Ok(out)
}

/// Writing into memory fails only on a bug; say so plainly.
fn csv_error(e: ::csv::Error) -> Error {
    Error::Invalid(format!("writing CSV: {e}"))
}
