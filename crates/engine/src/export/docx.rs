//! Word documents, written with `docx-rs`: the theme table as a
//! manuscript table, and the codebook as a document with a heading per code.
//!
//! The theme table is a real Word table (`w:tbl`) on an A4 page with 1-inch
//! margins, in Times New Roman 11 pt: a bold header row that Word repeats on
//! every page, group and section headings as rows of one cell spanning all
//! columns (`w:gridSpan`), thin grey borders, fixed column widths (theme
//! 20 %, description 30 %, quotes 50 %), and each quote its own paragraph in
//! the quotes cell. A title paragraph ("Table 1. …") sits above the table.
//!
//! `docx-rs` has no setter for `w:tblHeader` (repeat a row as a header row
//! on each page). The header row is the only row built with
//! `w:cantSplit`, and [`mark_header_row`] adds `<w:tblHeader />` beside it
//! in the generated `word/document.xml` before the package is zipped. This
//! is the one place where Accord touches Word's XML itself.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts,
    Shading, ShdType, Style, StyleType, Table, TableBorder, TableBorderPosition, TableBorders,
    TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use crate::{Error, Result, ThemeTable};

use super::codebook::{Codebook, fields, usage_text};
use super::{Line, clean, column_percentages, counts_text, lines};

/// A4, in twentieths of a point.
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
/// One inch.
const MARGIN: i32 = 1_440;
/// The width between the margins, which the table fills.
const TEXT_WIDTH: usize = PAGE_WIDTH as usize - 2 * MARGIN as usize;
const FONT: &str = "Times New Roman";
/// Font sizes in half-points.
const BODY_SIZE: usize = 22;
const TITLE_SIZE: usize = 24;
const BORDER_COLOUR: &str = "999999";

fn document() -> Docx {
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN)
                .header(720)
                .footer(720),
        )
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(BODY_SIZE)
}

/// A paragraph of `text` whose line breaks become Word line breaks, each
/// run passed through `style`.
fn lines_paragraph(mut p: Paragraph, text: &str, style: impl Fn(Run) -> Run) -> Paragraph {
    for (i, line) in clean(text).split('\n').enumerate() {
        let mut run = Run::new();
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        p = p.add_run(style(run.add_text(line)));
    }
    p
}

fn plain(r: Run) -> Run {
    r
}

fn spaced(after: u32) -> LineSpacing {
    LineSpacing::new().before(0).after(after)
}

fn zip(docx: Docx, patch: impl FnOnce(&mut Vec<u8>) -> Result<()>) -> Result<Vec<u8>> {
    let mut xml = docx.build();
    patch(&mut xml.document)?;
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| Error::Invalid(format!("writing the Word document: {e}")))?;
    Ok(out.into_inner())
}

/// Adds `<w:tblHeader />` to the one row that carries `<w:cantSplit />`.
fn mark_header_row(document: &mut Vec<u8>) -> Result<()> {
    const MARK: &str = "<w:cantSplit />";
    let text = String::from_utf8(std::mem::take(document))
        .map_err(|e| Error::Invalid(format!("writing the Word document: {e}")))?;
    if text.matches(MARK).count() != 1 {
        return Err(Error::Invalid(
            "writing the Word document: the header row could not be marked to repeat on each page"
                .into(),
        ));
    }
    *document = text
        .replacen(MARK, "<w:cantSplit /><w:tblHeader />", 1)
        .into_bytes();
    Ok(())
}

pub(super) fn theme_table(table: &ThemeTable, title: Option<&str>) -> Result<Vec<u8>> {
    let widths: Vec<usize> = column_percentages(table.counts)
        .iter()
        .map(|p| TEXT_WIDTH * *p as usize / 100)
        .collect();
    let span = table.columns.len();
    let cell = |i: usize| {
        TableCell::new()
            .width(widths.get(i).copied().unwrap_or(0), WidthType::Dxa)
            .vertical_align(VAlignType::Top)
    };
    let mut rows = Vec::new();
    let header: Vec<TableCell> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            cell(i)
                .shading(
                    Shading::new()
                        .shd_type(ShdType::Clear)
                        .color("auto")
                        .fill("E8E8E8"),
                )
                .add_paragraph(lines_paragraph(
                    Paragraph::new().line_spacing(spaced(0)),
                    name,
                    |r| r.bold(),
                ))
        })
        .collect();
    rows.push(TableRow::new(header).cant_split());
    let heading_row = |text: &str, italic: bool, fill: Option<&str>| {
        let mut c = TableCell::new()
            .width(TEXT_WIDTH, WidthType::Dxa)
            .grid_span(span);
        if let Some(fill) = fill {
            c = c.shading(
                Shading::new()
                    .shd_type(ShdType::Clear)
                    .color("auto")
                    .fill(fill),
            );
        }
        let p = Paragraph::new().keep_next(true).line_spacing(spaced(0));
        let p = lines_paragraph(
            p,
            text,
            |r| if italic { r.bold().italic() } else { r.bold() },
        );
        TableRow::new(vec![c.add_paragraph(p)])
    };
    for line in lines(table) {
        match line {
            Line::Group(h) => rows.push(heading_row(h, false, Some("F3F3F3"))),
            Line::Section(h) => rows.push(heading_row(h, true, None)),
            Line::Row(r) => {
                let mut cells = vec![
                    cell(0).add_paragraph(lines_paragraph(
                        Paragraph::new().line_spacing(spaced(0)),
                        &r.theme,
                        plain,
                    )),
                    cell(1).add_paragraph(lines_paragraph(
                        Paragraph::new().line_spacing(spaced(0)),
                        &r.description,
                        plain,
                    )),
                ];
                let mut quotes = cell(2);
                if r.quotes.is_empty() {
                    quotes = quotes.add_paragraph(Paragraph::new().line_spacing(spaced(0)));
                }
                for (i, q) in r.quotes.iter().enumerate() {
                    let last = i + 1 == r.quotes.len();
                    let p = Paragraph::new().line_spacing(spaced(if last { 0 } else { 100 }));
                    let p = lines_paragraph(p, &super::quoted(q.text.trim()), plain);
                    let p = match super::attribution(q, table.quote_sources) {
                        Some(a) => p.add_run(Run::new().add_text(format!(" — {a}"))),
                        None => p,
                    };
                    quotes = quotes.add_paragraph(p);
                }
                cells.push(quotes);
                if table.counts {
                    cells.push(
                        cell(3).add_paragraph(
                            Paragraph::new()
                                .line_spacing(spaced(0))
                                .add_run(Run::new().add_text(counts_text(r.counts.as_ref()))),
                        ),
                    );
                }
                rows.push(TableRow::new(cells));
            }
        }
    }
    let border = |position| {
        TableBorder::new(position)
            .border_type(BorderType::Single)
            .size(4)
            .color(BORDER_COLOUR)
    };
    let borders = TableBorders::new()
        .set(border(TableBorderPosition::Top))
        .set(border(TableBorderPosition::Bottom))
        .set(border(TableBorderPosition::Left))
        .set(border(TableBorderPosition::Right))
        .set(border(TableBorderPosition::InsideH))
        .set(border(TableBorderPosition::InsideV));
    let word_table = Table::new(rows)
        .set_grid(widths.clone())
        .width(TEXT_WIDTH, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(borders);
    let mut docx = document();
    if let Some(title) = title {
        docx = docx.add_paragraph(lines_paragraph(
            Paragraph::new().keep_next(true).line_spacing(spaced(160)),
            title,
            |r| r.bold().size(TITLE_SIZE),
        ));
    }
    zip(docx.add_table(word_table), mark_header_row)
}

pub(super) fn codebook(book: &Codebook) -> Result<Vec<u8>> {
    let mut docx = document().add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .bold()
            .size(32)
            .line_spacing(spaced(240)),
    );
    for level in 1..=6 {
        let size = match level {
            1 => 28,
            2 => 26,
            3 => 24,
            _ => 22,
        };
        docx = docx.add_style(
            Style::new(format!("Heading{level}"), StyleType::Paragraph)
                .name(format!("Heading {level}"))
                .bold()
                .size(size)
                .outline_lvl(level - 1)
                .line_spacing(LineSpacing::new().before(240).after(80)),
        );
    }
    docx = docx.add_paragraph(
        Paragraph::new()
            .style("Title")
            .add_run(Run::new().add_text(clean(&book.title))),
    );
    for e in &book.entries {
        let level = (e.depth + 1).min(6);
        let colour = e.code.color.trim_start_matches('#').to_owned();
        docx = docx.add_paragraph(
            Paragraph::new()
                .style(&format!("Heading{level}"))
                .keep_next(true)
                .add_run(Run::new().add_text("■ ").color(colour))
                .add_run(Run::new().add_text(clean(&e.code.name))),
        );
        let labelled = |label: &str, text: &str| {
            let p = Paragraph::new()
                .line_spacing(spaced(80))
                .align(AlignmentType::Left)
                .add_run(Run::new().add_text(format!("{label}: ")).bold());
            lines_paragraph(p, text, plain)
        };
        for (label, text) in fields(&e.code) {
            if text.trim().is_empty() {
                continue;
            }
            let text = if label == "Example" {
                format!("“{}”", text.trim())
            } else {
                text.trim().to_owned()
            };
            docx = docx.add_paragraph(labelled(label, &text));
        }
        docx = docx.add_paragraph(labelled("Colour", &e.code.color));
        for (counter, usage) in book.counters.iter().zip(&e.usage) {
            docx = docx.add_paragraph(labelled(
                &format!("Counts ({})", counter.who),
                &usage_text(counter, usage),
            ));
        }
    }
    zip(docx, |_| Ok(()))
}
