//! The theme table as Markdown.
//!
//! Pipe tables cannot span columns, so a heading row cannot be a table row
//! that renders well both on GitHub and through pandoc. Instead each group
//! heading is a `##` heading and each section heading a `###` heading (a
//! `##` when there are no groups), each followed by its own pipe table with
//! the column headings. In Word (via pandoc) and on GitHub this reads as a
//! sequence of short tables under headings, which is how such tables are
//! usually typeset when they cannot be merged.
//!
//! Inside cells, quotes (and line breaks within a quote) are separated by
//! `<br> `: GitHub and pandoc's HTML output break the line there. Pandoc
//! reads `<br>` as raw HTML and drops it when writing Word or LaTeX; the
//! space after it then keeps the quotes apart ("…” “…"). For Word, the DOCX
//! export is the one to use. Text is escaped so that `|`, `*`, `_`, `<` and
//! the like print as themselves.

use crate::ThemeTable;

use super::{Line, clean, counts_text, lines, quote_line};

pub(super) fn theme_table(table: &ThemeTable, title: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(title) = title {
        out.push_str(&format!("# {}\n\n", escape(&clean(title))));
    }
    let has_groups = table.groups.iter().any(|g| g.heading.is_some());
    let section_level = if has_groups { "###" } else { "##" };
    let mut in_table = false;
    let mut any_row = false;
    for line in lines(table) {
        match line {
            Line::Group(h) => {
                if in_table {
                    out.push('\n');
                    in_table = false;
                }
                out.push_str(&format!("## {}\n\n", escape(&clean(h))));
            }
            Line::Section(h) => {
                if in_table {
                    out.push('\n');
                    in_table = false;
                }
                out.push_str(&format!("{section_level} {}\n\n", escape(&clean(h))));
            }
            Line::Row(row) => {
                if !in_table {
                    let header: Vec<String> = table.columns.iter().map(|c| cell(c)).collect();
                    out.push_str(&format!("| {} |\n", header.join(" | ")));
                    out.push_str(&format!("|{}\n", " --- |".repeat(table.columns.len())));
                    in_table = true;
                    any_row = true;
                }
                let quotes: Vec<String> = row
                    .quotes
                    .iter()
                    .map(|q| cell(&quote_line(q, table.quote_sources)))
                    .collect();
                let mut cells = vec![cell(&row.theme), cell(&row.description), quotes.join(BREAK)];
                if table.counts {
                    cells.push(cell(&counts_text(row.counts.as_ref())));
                }
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
        }
    }
    if !any_row {
        // A table with no rows still says what it is.
        let header: Vec<String> = table.columns.iter().map(|c| cell(c)).collect();
        out.push_str(&format!(
            "| {} |\n|{}\n",
            header.join(" | "),
            " --- |".repeat(table.columns.len())
        ));
    }
    out
}

/// A line break inside a cell (see the module documentation).
const BREAK: &str = "<br> ";

/// The text of a table cell: escaped, line breaks as [`BREAK`], no line end.
fn cell(text: &str) -> String {
    clean(text.trim())
        .split('\n')
        .map(escape)
        .collect::<Vec<_>>()
        .join(BREAK)
}

/// Backslash-escapes the ASCII punctuation that Markdown (CommonMark, GFM,
/// pandoc) would read as markup. Any ASCII punctuation may be escaped, so
/// over-escaping is harmless.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '<'
                | '>'
                | '|'
                | '~'
                | '&'
                | '#'
                | '$'
                | '^'
                | '{'
                | '}'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
