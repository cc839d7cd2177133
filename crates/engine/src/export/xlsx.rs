//! The theme table as an Excel workbook: one sheet, "Themes".
//!
//! Layout: an optional title in row 1 (merged across the table), then the
//! header row (bold, frozen so it stays in view, and repeated on every
//! printed page), then for each group a heading row merged across all
//! columns, for each section a merged subheading row, and the theme rows.
//! Every body cell wraps its text and aligns to the top; the quotes of a row
//! share a cell, one per line.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::{Error, Result, ThemeTable};

use super::{Line, clean, column_percentages, counts_text, lines, quote_line};

/// Excel's limit on the characters of one cell.
const MAX_CELL: usize = 32_767;

/// Width of the whole table in Excel's character units.
const TABLE_WIDTH: f64 = 180.0;

pub(super) fn theme_table(table: &ThemeTable, title: Option<&str>) -> Result<Vec<u8>> {
    build(table, title).map_err(|e| match e {
        Failure::Cell(e) => e,
        Failure::Xlsx(e) => Error::Invalid(format!("writing the workbook: {e}")),
    })
}

enum Failure {
    Cell(Error),
    Xlsx(XlsxError),
}

impl From<XlsxError> for Failure {
    fn from(e: XlsxError) -> Self {
        Failure::Xlsx(e)
    }
}

fn build(table: &ThemeTable, title: Option<&str>) -> std::result::Result<Vec<u8>, Failure> {
    let last_col = (table.columns.len().max(1) - 1) as u16;
    let base = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(11)
        .set_align(FormatAlign::Top)
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0x999999));
    let header = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xE8E8E8));
    let group = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xF3F3F3));
    let section = base.clone().set_bold().set_italic();
    let title_format = Format::new()
        .set_font_name("Times New Roman")
        .set_font_size(12)
        .set_bold();

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Themes")?;
    for (i, pct) in column_percentages(table.counts).iter().enumerate() {
        sheet.set_column_width(i as u16, TABLE_WIDTH * f64::from(*pct) / 100.0)?;
    }
    let mut row: u32 = 0;
    if let Some(title) = title {
        sheet.merge_range(0, 0, 0, last_col, &clean(title), &title_format)?;
        row = 1;
    }
    let header_row = row;
    for (col, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, clean(name), &header)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    sheet.set_repeat_rows(header_row, header_row)?;
    row += 1;
    for line in lines(table) {
        match line {
            Line::Group(h) => {
                sheet.merge_range(row, 0, row, last_col, &clean(h), &group)?;
            }
            Line::Section(h) => {
                sheet.merge_range(row, 0, row, last_col, &clean(h), &section)?;
            }
            Line::Row(r) => {
                let quotes: Vec<String> = r
                    .quotes
                    .iter()
                    .map(|q| quote_line(q, table.quote_sources))
                    .collect();
                let mut cells = vec![clean(&r.theme), clean(&r.description), quotes.join("\n")];
                if table.counts {
                    cells.push(counts_text(r.counts.as_ref()));
                }
                for (col, text) in cells.iter().enumerate() {
                    if text.chars().count() > MAX_CELL {
                        return Err(Failure::Cell(Error::Invalid(format!(
                            "the {} of theme \"{}\" are longer than an Excel cell can hold ({MAX_CELL} characters); print fewer quotes or shorten them",
                            if col == 2 { "quotes" } else { "texts" },
                            r.theme
                        ))));
                    }
                    sheet.write_string_with_format(row, col as u16, text, &base)?;
                }
            }
        }
        row += 1;
    }
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TableGroup, TableQuote, TableSection, ThemeRow};

    #[test]
    fn quotes_too_long_for_a_cell_are_refused_with_the_theme_named() {
        let quote = TableQuote {
            text: "x".repeat(20_000),
            source: String::new(),
            case_name: None,
        };
        let table = ThemeTable {
            columns: vec![
                "Theme".into(),
                "Description of theme".into(),
                "Representative quotes".into(),
            ],
            groups: vec![TableGroup {
                heading: None,
                sections: vec![TableSection {
                    heading: None,
                    rows: vec![ThemeRow {
                        theme: "Long".into(),
                        description: String::new(),
                        quotes: vec![quote.clone(), quote],
                        counts: None,
                    }],
                }],
            }],
            counts: false,
            quote_sources: false,
        };
        let err = theme_table(&table, None).unwrap_err();
        assert_eq!(err.kind(), "invalid");
        assert!(
            err.to_string().contains("\"Long\"") && err.to_string().contains("32767"),
            "{err}"
        );
    }
}
