//! The theme table as a self-contained HTML page: one `<table>` with a
//! `<thead>`, group and section headings as rows of one cell spanning all
//! columns, each quote its own paragraph. The page has an inline style
//! sheet and nothing else — no scripts, fonts, images or links — so it opens
//! the same offline, in a mail attachment, or pasted into a word processor.
//! All text is escaped.

use crate::ThemeTable;

use super::{Line, clean, column_percentages, counts_text, lines, quote_line};

const STYLE: &str = "\
body { font-family: \"Times New Roman\", Times, serif; font-size: 11pt; margin: 2em; color: #000; background: #fff; }
table { border-collapse: collapse; width: 100%; }
caption { caption-side: top; text-align: left; font-weight: bold; margin-bottom: 0.5em; }
th, td { border: 1px solid #999; padding: 4px 6px; vertical-align: top; text-align: left; }
thead th { font-weight: bold; background: #e8e8e8; }
tr.group th { background: #f3f3f3; font-weight: bold; }
tr.section th { font-weight: bold; font-style: italic; }
td.quotes p { margin: 0 0 0.4em 0; }
td.quotes p:last-child { margin-bottom: 0; }
@media print { thead { display: table-header-group; } tr { break-inside: avoid; } }
";

pub(super) fn theme_table(table: &ThemeTable, title: Option<&str>) -> String {
    let n = table.columns.len();
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(&format!(
        "<title>{}</title>\n",
        escape(title.unwrap_or("Themes"))
    ));
    out.push_str(&format!(
        "<style>\n{STYLE}</style>\n</head>\n<body>\n<table>\n"
    ));
    if let Some(title) = title {
        out.push_str(&format!("<caption>{}</caption>\n", escape(title)));
    }
    out.push_str("<colgroup>");
    for w in column_percentages(table.counts) {
        out.push_str(&format!("<col style=\"width: {w}%\">"));
    }
    out.push_str("</colgroup>\n<thead>\n<tr>");
    for c in &table.columns {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape(c)));
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for line in lines(table) {
        match line {
            Line::Group(h) => out.push_str(&format!(
                "<tr class=\"group\"><th colspan=\"{n}\" scope=\"colgroup\">{}</th></tr>\n",
                escape(h)
            )),
            Line::Section(h) => out.push_str(&format!(
                "<tr class=\"section\"><th colspan=\"{n}\" scope=\"colgroup\">{}</th></tr>\n",
                escape(h)
            )),
            Line::Row(row) => {
                out.push_str("<tr>");
                out.push_str(&format!("<td class=\"theme\">{}</td>", escape(&row.theme)));
                out.push_str(&format!(
                    "<td class=\"description\">{}</td>",
                    escape(&row.description)
                ));
                out.push_str("<td class=\"quotes\">");
                for q in &row.quotes {
                    out.push_str(&format!(
                        "<p>{}</p>",
                        escape(&quote_line(q, table.quote_sources))
                    ));
                }
                out.push_str("</td>");
                if table.counts {
                    out.push_str(&format!(
                        "<td class=\"counts\">{}</td>",
                        escape(&counts_text(row.counts.as_ref()))
                    ));
                }
                out.push_str("</tr>\n");
            }
        }
    }
    out.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    out
}

/// Escapes text for element content and quoted attribute values; line
/// breaks inside a text become `<br>`.
pub(crate) fn escape(text: &str) -> String {
    let text = clean(text.trim());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}
