//! Survey exports (CSV, TSV, XLSX): free-text answers become sources,
//! closed-ended answers become case attributes.
//!
//! Import runs in two steps. [`preview`] reads the file and proposes a
//! [`ColumnType`] for every column, with sample answers; the researcher
//! checks and changes the types; [`parse`] then reads the file with the
//! chosen types ([`SurveyOptions`]).
//!
//! Header rows are recognised for the usual exports:
//!
//! - **Google Forms** and plain tables: one header row.
//! - **Qualtrics**: row 1 holds short names (`Q1`), row 2 the question text
//!   (used as the column's name) and, in newer exports, row 3 holds
//!   `{"ImportId":"QID1"}`.
//! - **SurveyMonkey**: row 1 holds the question (once, over all its
//!   columns), row 2 a sub-label ("Response", "Open-Ended Response", or one
//!   option of a multiple-choice question). A question with one column is
//!   named by the question; otherwise "question - sub-label".
//!
//! What [`parse`] returns:
//!
//! - One [`ParsedSource`] per free-text column, titled "survey title —
//!   question". Its text is the non-empty answers in row order, separated by
//!   one blank line (`\n\n`). An answer keeps its own line breaks, but blank
//!   lines inside it are dropped and its ends trimmed, so `\n\n` always
//!   separates two answers and each answer is exactly one
//!   [`UnitKind::Response`] unit, with the respondent as `case` and the
//!   column's name as `question`.
//! - One [`ParsedCase`] per response row, in row order, named by the
//!   trimmed value of the respondent-id column, or "survey title #n" (n
//!   counting responses from 1) when no column is the respondent id. Its
//!   attributes are the file-wide attributes of [`SurveyOptions::attributes`]
//!   (categorical) followed by the closed-ended answers, in column order.
//!   An empty answer gives no attribute.
//!
//! CSV files are decoded with [`super::decode()`]; the delimiter (comma,
//! semicolon or tab) is the one most used in the first line outside quotes,
//! or the one an Excel `sep=` line names.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde::{Deserialize, Serialize};

use super::docx::{ZIP_LIMITS, open_zip};
use super::text::{TextBuilder, excerpt, tidy_lines, trim};
use super::{
    AttributeKind, ParsedAttribute, ParsedCase, ParsedImport, ParsedSource, SourceKind,
    TextEncoding, UnitKind, decode, likert,
};
use crate::{Error, Problem, Result};

/// What a column holds, as detected or as the researcher chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ColumnType {
    /// Identifies the respondent; its values name the cases. At most one
    /// column has this type.
    RespondentId,
    /// Free-text answers: the column becomes a source to code.
    FreeText,
    /// Unordered categories (multiple choice, yes/no).
    Categorical,
    /// An ordered rating scale.
    Likert {
        /// The levels, lowest first.
        levels: Vec<String>,
    },
    /// Numbers.
    Number,
    /// Dates, or dates and times.
    Date,
    /// Not imported (survey metadata such as IP address or progress).
    Ignore,
}

/// Which survey tool the file looks like it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum SurveyExport {
    /// Google Forms (one header row starting with "Timestamp").
    GoogleForms,
    /// Qualtrics (2 or 3 header rows).
    Qualtrics,
    /// SurveyMonkey (2 header rows).
    SurveyMonkey,
    /// Any other table with one header row.
    Plain,
}

/// One column as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ColumnPreview {
    /// The column's position, from 0; [`SurveyOptions::columns`] is indexed
    /// the same way.
    pub index: usize,
    /// The column's name: the question (see the module documentation),
    /// unique within the file. It becomes the attribute's name or the
    /// units' question.
    pub name: String,
    /// The column's cells in the header rows, as in the file.
    pub header: Vec<String>,
    /// The detected type.
    pub detected: ColumnType,
    /// Up to five distinct answers, shortened to 120 characters.
    pub samples: Vec<String>,
    /// How many responses answered (non-empty cells).
    pub answered: usize,
    /// How many distinct answers there are.
    pub distinct: usize,
}

/// What [`preview`] found in a survey file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SurveyPreview {
    /// The survey tool the layout matches.
    pub export: SurveyExport,
    /// How many header rows precede the responses.
    pub header_rows: usize,
    /// Every column, in file order.
    pub columns: Vec<ColumnPreview>,
    /// How many responses (non-blank rows after the header rows).
    pub rows: usize,
    /// For workbooks, every sheet's name; empty for CSV.
    pub sheets: Vec<String>,
    /// For workbooks, the sheet that was read.
    pub sheet: Option<String>,
    /// For CSV, how the bytes were decoded.
    pub encoding: Option<TextEncoding>,
    /// What the researcher should know (decoding guesses, Excel errors).
    pub warnings: Vec<Problem>,
}

/// A label given to every respondent of a file, such as role = mentor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FileAttribute {
    /// The attribute's name, e.g. "role".
    pub name: String,
    /// Its value for every respondent, e.g. "mentor".
    pub value: String,
}

/// How to read a survey file: the researcher's choices after the preview.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SurveyOptions {
    /// The type of every column, by index; empty means "as detected".
    pub columns: Vec<ColumnType>,
    /// The survey's title; by default the file name without extension.
    pub title: Option<String>,
    /// Attributes given to every respondent of this file.
    pub attributes: Vec<FileAttribute>,
    /// For workbooks, the sheet to read; by default the first.
    pub sheet: Option<String>,
}

/// Reads a survey file and proposes a type for every column.
pub fn preview(file_name: &str, bytes: &[u8]) -> Result<SurveyPreview> {
    preview_sheet(file_name, bytes, None)
}

/// Like [`preview`], for a chosen sheet of a workbook.
pub fn preview_sheet(file_name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<SurveyPreview> {
    let survey = read(file_name, bytes, sheet)?;
    Ok(SurveyPreview {
        export: survey.export,
        header_rows: survey.header_rows,
        columns: survey.columns,
        rows: survey.rows.len(),
        sheets: survey.table.sheets,
        sheet: survey.table.sheet,
        encoding: survey.table.encoding,
        warnings: survey.table.warnings,
    })
}

/// Reads a survey file with the chosen column types.
pub fn parse(file_name: &str, bytes: &[u8], options: &SurveyOptions) -> Result<ParsedImport> {
    let survey = read(file_name, bytes, options.sheet.as_deref())?;
    let mut problems = Vec::new();
    let mut warnings = survey.table.warnings.clone();
    let types: Vec<ColumnType> = if options.columns.is_empty() {
        survey.columns.iter().map(|c| c.detected.clone()).collect()
    } else {
        if options.columns.len() != survey.columns.len() {
            problems.push(Problem {
                place: String::new(),
                message: format!(
                    "the import options give types for {} columns, but the file has {}",
                    options.columns.len(),
                    survey.columns.len()
                ),
            });
        }
        options.columns.clone()
    };
    let ids: Vec<usize> = (0..types.len().min(survey.columns.len()))
        .filter(|&i| types[i] == ColumnType::RespondentId)
        .collect();
    if ids.len() > 1 {
        let names: Vec<String> = ids
            .iter()
            .map(|&i| format!("\"{}\"", survey.columns[i].name))
            .collect();
        problems.push(Problem {
            place: String::new(),
            message: format!(
                "only one column can be the respondent id, but {} are: {}",
                ids.len(),
                names.join(", ")
            ),
        });
    }
    for (i, t) in types.iter().enumerate().take(survey.columns.len()) {
        if let ColumnType::Likert { levels } = t
            && levels.iter().all(|l| trim(l).is_empty())
        {
            problems.push(Problem {
                place: format!("column \"{}\"", survey.columns[i].name),
                message: "a Likert column needs its levels, lowest first".to_owned(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(import_error(file_name, problems));
    }

    let title = options
        .title
        .as_deref()
        .map(trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| super::file_stem(file_name));

    // Case names.
    let id_column = ids.first().copied();
    let mut names: Vec<String> = Vec::with_capacity(survey.rows.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, row) in survey.rows.iter().enumerate() {
        let name = match id_column {
            Some(c) => {
                let id = trim(&row.cells[c]).to_owned();
                let place = survey.place(row, c);
                if id.is_empty() {
                    problems.push(Problem {
                        place,
                        message: "the respondent id is empty".to_owned(),
                    });
                } else if let Some(first) = seen.get(&id) {
                    problems.push(Problem {
                        place,
                        message: format!(
                            "the respondent id \"{id}\" was already used in row {first}"
                        ),
                    });
                } else {
                    seen.insert(id.clone(), row.number);
                }
                id
            }
            None => format!("{title} #{}", n + 1),
        };
        names.push(name);
    }
    if !problems.is_empty() {
        return Err(import_error(file_name, problems));
    }

    // Closed-ended answers.
    let day_first: Vec<bool> = (0..survey.columns.len())
        .map(|c| day_first(survey.rows.iter().map(|r| r.cells[c].as_str())))
        .collect();
    let file_wide: Vec<ParsedAttribute> = options
        .attributes
        .iter()
        .filter(|a| !trim(&a.name).is_empty() && !trim(&a.value).is_empty())
        .map(|a| ParsedAttribute {
            name: trim(&a.name).to_owned(),
            kind: AttributeKind::Categorical,
            value: trim(&a.value).to_owned(),
            levels: Vec::new(),
        })
        .collect();
    let mut cases = Vec::with_capacity(survey.rows.len());
    for (row, name) in survey.rows.iter().zip(&names) {
        let mut attributes = file_wide.clone();
        for (c, column) in survey.columns.iter().enumerate() {
            let value = trim(&row.cells[c]);
            if value.is_empty() {
                continue;
            }
            let (kind, value, levels) = match &types[c] {
                ColumnType::Categorical => {
                    (AttributeKind::Categorical, value.to_owned(), Vec::new())
                }
                ColumnType::Likert { levels } => match likert::level_index(levels, value) {
                    Some(i) => (AttributeKind::Likert, levels[i].clone(), levels.clone()),
                    None => {
                        warnings.push(Problem {
                            place: survey.place(row, c),
                            message: format!(
                                "\"{}\" is not one of the scale's levels; it was left out",
                                excerpt(value, 60)
                            ),
                        });
                        continue;
                    }
                },
                ColumnType::Number => match parse_number(value) {
                    Some(number) => (AttributeKind::Number, number, Vec::new()),
                    None => {
                        warnings.push(Problem {
                            place: survey.place(row, c),
                            message: format!(
                                "\"{}\" is not a number; it was left out",
                                excerpt(value, 60)
                            ),
                        });
                        continue;
                    }
                },
                ColumnType::Date => match parse_date(value, day_first[c]) {
                    Some(date) => (AttributeKind::Date, date, Vec::new()),
                    None => {
                        warnings.push(Problem {
                            place: survey.place(row, c),
                            message: format!(
                                "\"{}\" is not a date; it was left out",
                                excerpt(value, 60)
                            ),
                        });
                        continue;
                    }
                },
                ColumnType::RespondentId | ColumnType::FreeText | ColumnType::Ignore => continue,
            };
            attributes.push(ParsedAttribute {
                name: column.name.clone(),
                kind,
                value,
                levels,
            });
        }
        cases.push(ParsedCase {
            name: name.clone(),
            moderator: false,
            attributes,
        });
    }

    // Free-text sources.
    let mut sources = Vec::new();
    for (c, column) in survey.columns.iter().enumerate() {
        if types[c] != ColumnType::FreeText {
            continue;
        }
        let mut builder = TextBuilder::default();
        let mut units = Vec::new();
        for (row, name) in survey.rows.iter().zip(&names) {
            let answer = tidy_lines(&row.cells[c]);
            if answer.is_empty() {
                continue;
            }
            if !builder.is_empty() {
                builder.push("\n\n");
            }
            let mut unit = builder.push_unit(&answer, UnitKind::Response);
            unit.case = Some(name.clone());
            unit.question = Some(column.name.clone());
            units.push(unit);
        }
        if units.is_empty() {
            warnings.push(Problem {
                place: format!("column \"{}\"", column.name),
                message: "nobody answered this free-text question; no source was made for it"
                    .to_owned(),
            });
            continue;
        }
        sources.push(ParsedSource {
            kind: SourceKind::Survey,
            title: format!("{title} — {}", column.name),
            text: builder.finish(),
            units,
        });
    }

    Ok(ParsedImport {
        sources,
        cases,
        encoding: survey.table.encoding,
        warnings,
    })
}

fn import_error(file_name: &str, problems: Vec<Problem>) -> Error {
    Error::Import {
        file: file_name.to_owned(),
        problems: super::transcript::capped(problems),
    }
}

// ---------------------------------------------------------------------------
// Reading the table

/// One row of cells, with where it is in the file.
#[derive(Debug, Clone)]
struct Row {
    cells: Vec<String>,
    /// 1-based row number: the CSV record or the spreadsheet row.
    number: usize,
    /// For CSV, the 1-based line the record starts on.
    line: Option<usize>,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Row>,
    encoding: Option<TextEncoding>,
    warnings: Vec<Problem>,
    sheets: Vec<String>,
    sheet: Option<String>,
}

/// A table with its header rows understood.
struct Survey {
    table: Table,
    export: SurveyExport,
    header_rows: usize,
    columns: Vec<ColumnPreview>,
    rows: Vec<Row>,
}

impl Survey {
    fn place(&self, row: &Row, column: usize) -> String {
        format!(
            "{}, column \"{}\"",
            row_place(row),
            self.columns[column].name
        )
    }
}

fn row_place(row: &Row) -> String {
    match row.line {
        Some(line) if line != row.number => format!("row {} (line {line})", row.number),
        _ => format!("row {}", row.number),
    }
}

fn read(file_name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Survey> {
    let mut table = match super::extension(file_name).as_str() {
        "xlsx" | "xlsm" => read_xlsx(file_name, bytes, sheet)?,
        ext => read_csv(file_name, bytes, ext == "tsv")?,
    };
    let all = std::mem::take(&mut table.rows);
    let width = all.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let (export, header_rows) = layout(&all);
    if all.len() <= header_rows || width == 0 {
        return Err(Error::import(
            file_name,
            "",
            if all.is_empty() {
                "the survey has no rows".to_owned()
            } else {
                "the survey has no responses, only header rows".to_owned()
            },
        ));
    }
    let mut rows: Vec<Row> = all[header_rows..].to_vec();
    for row in &mut rows {
        row.cells.resize(width, String::new());
    }
    let headers: Vec<Vec<String>> = (0..width)
        .map(|c| {
            all[..header_rows]
                .iter()
                .map(|r| r.cells.get(c).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    let names = column_names(export, &headers);
    let columns = detect_columns(&names, &headers, &rows);
    Ok(Survey {
        table,
        export,
        header_rows,
        columns,
        rows,
    })
}

fn read_csv(file_name: &str, bytes: &[u8], tsv: bool) -> Result<Table> {
    let decoded = decode(file_name, bytes)?;
    let mut text = decoded.text.as_str();
    let mut first_line = 1;
    let mut delimiter = if tsv { b'\t' } else { sniff_delimiter(text) };
    // Excel's "sep=;" hint line.
    if let Some(rest) = text.strip_prefix("sep=") {
        let mut chars = rest.chars();
        if let (Some(d), Some('\n')) = (chars.next(), chars.next())
            && d.is_ascii()
        {
            delimiter = d as u8;
            text = &rest[2..];
            first_line = 2;
        }
    }
    if let Some(problem) = unterminated_quote(text, delimiter as char, first_line) {
        return Err(import_error(file_name, vec![problem]));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut header_width = None;
    for (index, record) in reader.records().enumerate() {
        let number = index + 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize) + first_line - 1;
                problems.push(Problem {
                    place: format!("line {line}"),
                    message: format!("this line cannot be read as CSV ({e})"),
                });
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| p.line() as usize + first_line - 1);
        let mut cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if cells.iter().all(|c| trim(c).is_empty()) {
            continue;
        }
        let width = *header_width.get_or_insert(cells.len());
        // Trailing empty fields beyond the header are harmless.
        while cells.len() > width && cells.last().is_some_and(|c| trim(c).is_empty()) {
            cells.pop();
        }
        let row = Row {
            cells,
            number,
            line,
        };
        if row.cells.len() != width {
            problems.push(Problem {
                place: row_place(&row),
                message: format!(
                    "this row has {} field{}, but the header has {width}; a quote or a {} inside an answer may be missing its quotes",
                    row.cells.len(),
                    if row.cells.len() == 1 { "" } else { "s" },
                    match delimiter {
                        b'\t' => "tab",
                        b';' => "semicolon",
                        _ => "comma",
                    }
                ),
            });
        }
        rows.push(row);
    }
    if !problems.is_empty() {
        return Err(import_error(file_name, problems));
    }
    Ok(Table {
        rows,
        encoding: Some(decoded.encoding),
        warnings: decoded.warnings,
        ..Table::default()
    })
}

/// The delimiter used most in the first line, outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            _ if !quoted => {
                for (d, n) in &mut counts {
                    if c as u32 == u32::from(*d) {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(d, n)| (*n, *d == b','))
        .map_or(b',', |(d, _)| *d)
}

/// Finds a quoted field that never closes, which would swallow the rest of
/// the file into one answer.
fn unterminated_quote(text: &str, delimiter: char, first_line: usize) -> Option<Problem> {
    let mut line = first_line;
    let mut quoted_since: Option<usize> = None;
    let mut field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted_since.is_some() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    quoted_since = None;
                }
            }
        } else if c == '"' && field_start {
            quoted_since = Some(line);
        }
        if c == '\n' {
            line += 1;
        }
        field_start = quoted_since.is_none() && (c == delimiter || c == '\n');
    }
    quoted_since.map(|start| Problem {
        place: format!("line {start}"),
        message: "a quoted field starts here but its closing quote is missing, so the rest of the file would be one answer".to_owned(),
    })
}

fn read_xlsx(file_name: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table> {
    // The same zip-bomb checks as Word files, before calamine inflates anything.
    drop(open_zip(file_name, bytes, "Excel workbook", ZIP_LIMITS)?);
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        Error::import(
            file_name,
            "",
            format!("is not an Excel workbook that Accord can read ({e}); save it again as .xlsx or .csv"),
        )
    })?;
    let sheets = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => sheets
            .iter()
            .find(|s| s.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                Error::import(
                    file_name,
                    "",
                    format!(
                        "the workbook has no sheet \"{wanted}\"; its sheets are {}",
                        sheets.join(", ")
                    ),
                )
            })?,
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| Error::import(file_name, "", "the workbook has no sheets"))?,
    };
    let range = workbook.worksheet_range(&name).map_err(|e| {
        Error::import(
            file_name,
            format!("sheet \"{name}\""),
            format!("cannot be read ({e})"),
        )
    })?;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let number = first_row as usize + i + 1;
        let cells: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                cell_text(cell).unwrap_or_else(|error| {
                    errors.push((number, first_column as usize + c, error));
                    String::new()
                })
            })
            .collect();
        if cells.iter().all(|c| trim(c).is_empty()) {
            continue;
        }
        rows.push(Row {
            cells,
            number,
            line: None,
        });
    }
    let warnings = errors
        .into_iter()
        .map(|(row, column, error)| Problem {
            place: format!("row {row}, column {}", column_letter(column)),
            message: format!("the cell holds the Excel error {error}; it was read as empty"),
        })
        .collect();
    Ok(Table {
        rows,
        encoding: None,
        warnings,
        sheets,
        sheet: Some(name),
    })
}

/// A cell as text; `Err` names an Excel error value.
fn cell_text(cell: &Data) -> std::result::Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_float(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => format_float(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// "A" for 0, "AA" for 26.
fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

// ---------------------------------------------------------------------------
// Header rows and column names

fn normalized_name(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn layout(rows: &[Row]) -> (SurveyExport, usize) {
    let cell_names = |i: usize| -> Vec<String> {
        rows.get(i)
            .map(|r| r.cells.iter().map(|c| normalized_name(c)).collect())
            .unwrap_or_default()
    };
    let first = cell_names(0);
    let second = cell_names(1);
    let has = |cells: &[String], name: &str| cells.iter().any(|c| c == name);
    if let Some(third) = rows.get(2) {
        let filled: Vec<&String> = third.cells.iter().filter(|c| !trim(c).is_empty()).collect();
        let import_ids = filled
            .iter()
            .filter(|c| trim(c).starts_with("{\"ImportId\""))
            .count();
        if !filled.is_empty() && import_ids * 2 >= filled.len() {
            return (SurveyExport::Qualtrics, 3);
        }
    }
    if (has(&first, "responseid") || has(&first, "v1"))
        && (has(&second, "responseid") || has(&second, "startdate"))
    {
        return (SurveyExport::Qualtrics, 2);
    }
    if has(&first, "respondentid") && has(&first, "collectorid") {
        return (SurveyExport::SurveyMonkey, 2);
    }
    if first.first().is_some_and(|c| c == "timestamp") {
        return (SurveyExport::GoogleForms, 1);
    }
    (SurveyExport::Plain, 1)
}

/// A unique name for every column; see the module documentation.
fn column_names(export: SurveyExport, headers: &[Vec<String>]) -> Vec<String> {
    let cell = |c: usize, r: usize| -> String {
        headers[c]
            .get(r)
            .map(|s| tidy_lines(s).replace('\n', " "))
            .unwrap_or_default()
    };
    let mut names: Vec<String> = match export {
        SurveyExport::Qualtrics => (0..headers.len())
            .map(|c| {
                let text = cell(c, 1);
                if text.is_empty() { cell(c, 0) } else { text }
            })
            .collect(),
        SurveyExport::SurveyMonkey => {
            let mut questions = Vec::with_capacity(headers.len());
            let mut current = String::new();
            for c in 0..headers.len() {
                let q = cell(c, 0);
                if !q.is_empty() {
                    current = q;
                }
                questions.push(current.clone());
            }
            (0..headers.len())
                .map(|c| {
                    let q = &questions[c];
                    let sub = cell(c, 1);
                    let group = questions.iter().filter(|x| *x == q).count();
                    let generic = matches!(
                        sub.to_lowercase().as_str(),
                        "" | "response" | "open-ended response"
                    );
                    if (group == 1 && generic) || sub.is_empty() {
                        q.clone()
                    } else if q.is_empty() {
                        sub
                    } else {
                        format!("{q} - {sub}")
                    }
                })
                .collect()
        }
        SurveyExport::GoogleForms | SurveyExport::Plain => {
            (0..headers.len()).map(|c| cell(c, 0)).collect()
        }
    };
    for (c, name) in names.iter_mut().enumerate() {
        if name.is_empty() {
            *name = format!("Column {}", column_letter(c));
        }
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for name in &names {
        *counts.entry(name.clone()).or_default() += 1;
    }
    for (c, name) in names.iter_mut().enumerate() {
        if counts[name.as_str()] > 1 {
            *name = format!("{name} (column {})", column_letter(c));
        }
    }
    names
}

// ---------------------------------------------------------------------------
// Column types

/// Survey metadata that is not an answer.
const METADATA: &[&str] = &[
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "durationinseconds",
    "duration",
    "finished",
    "recordeddate",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
    "collectorid",
    "firstname",
    "lastname",
    "customdata",
    "customdata1",
    "userid",
    "useragent",
    "browser",
];

/// Column names that identify respondents, most specific first.
const ID_NAMES: &[&str] = &[
    "participantid",
    "participant",
    "participantcode",
    "participantnumber",
    "respondentid",
    "respondent",
    "studyid",
    "subjectid",
    "pid",
    "id",
    "caseid",
    "recordid",
    "externalreference",
    "externaldatareference",
    "responseid",
    "emailaddress",
    "email",
    "username",
    "name",
    "yourname",
    "fullname",
];

fn id_rank(name: &str) -> Option<usize> {
    let n = normalized_name(name);
    if let Some(rank) = ID_NAMES.iter().position(|x| *x == n) {
        return Some(rank);
    }
    let lower = name.to_lowercase();
    (n.contains("participant")
        || n.contains("respondent")
        || lower.ends_with(" id")
        || name.ends_with("ID")
        || lower.ends_with("_id"))
    .then_some(ID_NAMES.len())
}

fn is_email_name(name: &str) -> bool {
    normalized_name(name).contains("email")
}

fn detect_columns(names: &[String], headers: &[Vec<String>], rows: &[Row]) -> Vec<ColumnPreview> {
    let values: Vec<Vec<&str>> = (0..names.len())
        .map(|c| {
            rows.iter()
                .map(|r| trim(&r.cells[c]))
                .filter(|v| !v.is_empty())
                .collect()
        })
        .collect();
    // The respondent id: the best-ranked id-like column whose values are all
    // present and unique.
    let id_column = (0..names.len())
        .filter_map(|c| id_rank(&names[c]).map(|rank| (rank, c)))
        .filter(|&(_, c)| {
            let v = &values[c];
            v.len() == rows.len()
                && v.iter().all(|x| x.chars().count() <= 100)
                && v.iter().collect::<std::collections::HashSet<_>>().len() == v.len()
        })
        .min()
        .map(|(_, c)| c);
    (0..names.len())
        .map(|c| {
            let v = &values[c];
            let mut distinct: Vec<&str> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for x in v {
                if seen.insert(*x) {
                    distinct.push(x);
                }
            }
            let detected = if Some(c) == id_column {
                ColumnType::RespondentId
            } else {
                detect_type(&names[c], &headers[c], v, distinct.len())
            };
            ColumnPreview {
                index: c,
                name: names[c].clone(),
                header: headers[c].clone(),
                detected,
                samples: distinct.iter().take(5).map(|s| excerpt(s, 120)).collect(),
                answered: v.len(),
                distinct: distinct.len(),
            }
        })
        .collect()
}

fn detect_type(name: &str, header: &[String], values: &[&str], distinct: usize) -> ColumnType {
    let normalized = normalized_name(name);
    if values.is_empty() {
        return ColumnType::Ignore;
    }
    if normalized == "timestamp" {
        let first = day_first(values.iter().copied());
        return if values.iter().all(|v| parse_date(v, first).is_some()) {
            ColumnType::Date
        } else {
            ColumnType::Ignore
        };
    }
    if METADATA.contains(&normalized.as_str())
        || header
            .iter()
            .any(|h| METADATA.contains(&normalized_name(h).as_str()))
        || normalized.starts_with("q_")
        || name.starts_with("Q_")
        || is_email_name(name)
        || (id_rank(name).is_some() && distinct * 10 >= values.len() * 9 && values.len() > 1)
    {
        return ColumnType::Ignore;
    }
    let first = day_first(values.iter().copied());
    if values.iter().all(|v| parse_date(v, first).is_some()) {
        return ColumnType::Date;
    }
    if values.iter().all(|v| parse_number(v).is_some()) {
        return ColumnType::Number;
    }
    if let Some(levels) = likert::detect(values.iter().copied()) {
        return ColumnType::Likert { levels };
    }
    let mut lengths: Vec<usize> = values.iter().map(|v| v.chars().count()).collect();
    lengths.sort_unstable();
    let median = lengths[lengths.len() / 2];
    let mean = lengths.iter().sum::<usize>() as f64 / lengths.len() as f64;
    let spaced = values
        .iter()
        .filter(|v| v.contains(char::is_whitespace))
        .count();
    let varied = values.len() >= 5
        && distinct * 10 > values.len() * 8
        && spaced * 2 >= values.len()
        && mean > 15.0;
    let lower = name.to_lowercase();
    let asks_for_text = [
        "please specify",
        "please explain",
        "explain",
        "describe",
        "comment",
        "why",
        "what",
        "how",
    ]
    .iter()
    .any(|w| lower.contains(w));
    // Answers picked from a short list repeat: "What is your current
    // academic rank?" asks in words but has four answers among 27.
    let repeats = values.len() >= 8 && distinct * 3 <= values.len();
    if median > 30
        || varied
        || (asks_for_text && !repeats && median > 15 && spaced * 2 >= values.len())
    {
        ColumnType::FreeText
    } else {
        ColumnType::Categorical
    }
}

// ---------------------------------------------------------------------------
// Values

/// A decimal number, with `.` as the decimal mark ("3,5" → "3.5"); `None`
/// for anything else (also "1,000" and exponents).
pub(crate) fn parse_number(s: &str) -> Option<String> {
    let s = trim(s);
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let negative = s.starts_with('-');
    let (whole, fraction) = match unsigned.find(['.', ',']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let valid = match fraction {
        None => digits(whole),
        Some(f) => {
            digits(f)
                && (whole.is_empty() || digits(whole))
                // "1,000" is a thousands separator, not a decimal comma.
                && !(unsigned.as_bytes()[whole.len()] == b',' && f.len() == 3)
        }
    };
    if !valid {
        return None;
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(if whole.is_empty() { "0" } else { whole });
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// True when slashed dates in these values put the day first: some first
/// part is over 12 (31/01/2024) and no second part is.
fn day_first<'a>(values: impl Iterator<Item = &'a str>) -> bool {
    let mut first_over = false;
    let mut second_over = false;
    for v in values {
        let date = trim(v).split_whitespace().next().unwrap_or("");
        let parts: Vec<&str> = date.split('/').collect();
        if parts.len() == 3 && parts[0].len() <= 2 {
            first_over |= parts[0].parse::<u32>().is_ok_and(|n| n > 12);
            second_over |= parts[1].parse::<u32>().is_ok_and(|n| n > 12);
        }
    }
    first_over && !second_over
}

/// A date as ISO 8601 (`2024-03-14`), or date and time
/// (`2024-03-14T10:22:01`). Reads ISO dates (with `T` or a space before the
/// time, with seconds' fractions and a time zone that is dropped),
/// `YYYY/MM/DD`, `M/D/YYYY` (or `D/M/YYYY` when `day_first`), `D.M.YYYY`,
/// each optionally followed by a time `H:MM[:SS]` with AM/PM and a time
/// zone name (Google Forms writes "10:22:01 AM GMT+1").
pub(crate) fn parse_date(s: &str, day_first: bool) -> Option<String> {
    let s = trim(s);
    let (date, time) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], Some(trim(&s[i + 1..]))),
        None => (s, None),
    };
    let number = |p: &str, max: usize| -> Option<u32> {
        (!p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = if date.contains('-') {
        let p: Vec<&str> = date.split('-').collect();
        match p.as_slice() {
            [y, m, d] if y.len() == 4 => (number(y, 4)?, number(m, 2)?, number(d, 2)?),
            _ => return None,
        }
    } else if date.contains('/') {
        let p: Vec<&str> = date.split('/').collect();
        match p.as_slice() {
            [y, m, d] if y.len() == 4 => (number(y, 4)?, number(m, 2)?, number(d, 2)?),
            [a, b, y] if y.len() == 4 => {
                let (a, b) = (number(a, 2)?, number(b, 2)?);
                if day_first {
                    (number(y, 4)?, b, a)
                } else {
                    (number(y, 4)?, a, b)
                }
            }
            _ => return None,
        }
    } else if date.contains('.') {
        let p: Vec<&str> = date.split('.').collect();
        match p.as_slice() {
            [d, m, y] if y.len() == 4 => (number(y, 4)?, number(m, 2)?, number(d, 2)?),
            _ => return None,
        }
    } else {
        return None;
    };
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    time::Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()?;
    let iso = format!("{y:04}-{m:02}-{d:02}");
    let Some(time) = time.filter(|t| !t.is_empty()) else {
        return Some(iso);
    };
    let mut words = time.split_whitespace();
    let clock = words.next()?;
    let clock = clock.split(['.', 'Z', '+']).next()?;
    let clock = clock.split('-').next()?;
    let parts: Vec<&str> = clock.split(':').collect();
    let (mut h, mi, sec) = match parts.as_slice() {
        [h, m] => (number(h, 2)?, number(m, 2)?, 0),
        [h, m, s] => (number(h, 2)?, number(m, 2)?, number(s, 2)?),
        _ => return None,
    };
    match words.next().map(str::to_ascii_uppercase).as_deref() {
        Some("PM") if h < 12 => h += 12,
        Some("AM") if h == 12 => h = 0,
        Some("AM" | "PM") | None => {}
        Some(zone)
            if zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-:".contains(c)) => {}
        Some(_) => return None,
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    Some(format!("{iso}T{h:02}:{mi:02}:{sec:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnType::*;

    fn likert(levels: &[&str]) -> ColumnType {
        Likert {
            levels: levels.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    const AGREE5: &[&str] = &[
        "Strongly disagree",
        "Disagree",
        "Neither agree nor disagree",
        "Agree",
        "Strongly agree",
    ];

    /// Previews `input` as a file named `file_name` and checks the detected
    /// (name, type) of every column.
    fn check(file_name: &str, input: &[u8], expected: &[(&str, ColumnType)]) -> SurveyPreview {
        let preview =
            preview(file_name, input).unwrap_or_else(|e| panic!("{file_name} previews: {e}"));
        let got: Vec<(&str, ColumnType)> = preview
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.detected.clone()))
            .collect();
        let expected: Vec<(&str, ColumnType)> = expected.to_vec();
        assert_eq!(
            got, expected,
            "column names and detected types of {file_name}"
        );
        preview
    }

    fn problems_of(file_name: &str, input: &[u8], options: &SurveyOptions) -> Vec<String> {
        match parse(file_name, input, options) {
            Err(Error::Import { problems, .. }) => {
                problems.iter().map(ToString::to_string).collect()
            }
            other => panic!("{file_name} must be refused with problems, got {other:?}"),
        }
    }

    /// The text each unit's code-point offsets select.
    fn unit_texts(source: &ParsedSource) -> Vec<String> {
        source
            .units
            .iter()
            .map(|u| {
                source
                    .text
                    .chars()
                    .skip(u.start)
                    .take(u.end - u.start)
                    .collect()
            })
            .collect()
    }

    const GOOGLE: &str = "Timestamp,Participant ID,Role,My mentor was a good match,How often did you meet?,What did you value most in your mentor?,Age,Email Address\n\
3/14/2024 10:22:01,P01,Mentee,Agree,Often,\"She listened, and gave honest feedback — café chats ☕\",34,a@x.org\n\
3/15/2024 9:02:11,P02,Mentee,Strongly agree,Sometimes,\"Her network.\nShe introduced me to 日本 colleagues 😀\n\n\",29,b@x.org\n\
3/16/2024 18:40:00,P03,Mentor,Neutral,Never,,41,c@x.org\n\
3/17/2024 8:00:00, P04 ,Mentee,Disagree,Rarely,Nothing really; we rarely met because of schedules,38,d@x.org\n";

    #[test]
    fn google_forms_columns_are_detected() {
        let preview = check(
            "Mentees 6 months.csv",
            GOOGLE.as_bytes(),
            &[
                ("Timestamp", Date),
                ("Participant ID", RespondentId),
                ("Role", Categorical),
                (
                    "My mentor was a good match",
                    likert(&[
                        "Strongly disagree",
                        "Disagree",
                        "Neutral",
                        "Agree",
                        "Strongly agree",
                    ]),
                ),
                (
                    "How often did you meet?",
                    likert(&["Never", "Rarely", "Sometimes", "Often", "Always"]),
                ),
                ("What did you value most in your mentor?", FreeText),
                ("Age", Number),
                ("Email Address", Ignore),
            ],
        );
        assert_eq!(preview.export, SurveyExport::GoogleForms);
        assert_eq!(
            (preview.header_rows, preview.rows),
            (1, 4),
            "one header row, four responses"
        );
        assert_eq!(
            preview.columns[2].samples,
            vec!["Mentee", "Mentor"],
            "distinct samples in order"
        );
        assert_eq!(
            (preview.columns[5].answered, preview.columns[5].distinct),
            (3, 3)
        );
        assert_eq!(preview.encoding, Some(TextEncoding::Utf8));
    }

    #[test]
    fn a_question_answered_from_a_short_list_is_categorical() {
        let ranks = [
            "Assistant Professor",
            "Associate Professor",
            "Professor",
            "Private practice (no academic appointment)",
        ];
        let mut csv = String::from(
            "Participant ID,What is your current academic rank or position?,What did you gain?\n",
        );
        for i in 0..27 {
            csv.push_str(&format!(
                "MR-{i:02},{},I learned how another program teaches fellows number {i}\n",
                ranks[i % 4]
            ));
        }
        check(
            "mentors.csv",
            csv.as_bytes(),
            &[
                ("Participant ID", RespondentId),
                (
                    "What is your current academic rank or position?",
                    Categorical,
                ),
                ("What did you gain?", FreeText),
            ],
        );
    }

    #[test]
    fn parse_makes_sources_of_free_text_and_attributes_of_the_rest() {
        let options = SurveyOptions {
            title: Some("Mentees 6m".to_owned()),
            attributes: vec![FileAttribute {
                name: "wave".to_owned(),
                value: "6 months".to_owned(),
            }],
            ..SurveyOptions::default()
        };
        let parsed = parse("m.csv", GOOGLE.as_bytes(), &options).expect("valid survey");
        assert_eq!(parsed.sources.len(), 1, "one free-text column, one source");
        let source = &parsed.sources[0];
        assert_eq!(
            source.title,
            "Mentees 6m — What did you value most in your mentor?"
        );
        assert_eq!(
            unit_texts(source),
            vec![
                "She listened, and gave honest feedback — café chats ☕",
                "Her network.\nShe introduced me to 日本 colleagues 😀",
                "Nothing really; we rarely met because of schedules",
            ],
            "each non-empty answer is one unit; offsets are code points"
        );
        assert_eq!(
            source.text,
            "She listened, and gave honest feedback — café chats ☕\n\nHer network.\nShe introduced me to 日本 colleagues 😀\n\nNothing really; we rarely met because of schedules",
            "answers are separated by one blank line and hold none themselves"
        );
        let cases: Vec<Option<&str>> = source.units.iter().map(|u| u.case.as_deref()).collect();
        assert_eq!(
            cases,
            vec![Some("P01"), Some("P02"), Some("P04")],
            "ids are trimmed"
        );
        assert!(
            source
                .units
                .iter()
                .all(|u| u.kind == Some(UnitKind::Response)
                    && u.question.as_deref() == Some("What did you value most in your mentor?"))
        );

        let names: Vec<&str> = parsed.cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["P01", "P02", "P03", "P04"],
            "every response row is a case"
        );
        let p03 = &parsed.cases[2];
        let attrs: Vec<(&str, AttributeKind, &str)> = p03
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.kind, a.value.as_str()))
            .collect();
        assert_eq!(
            attrs,
            vec![
                ("wave", AttributeKind::Categorical, "6 months"),
                ("Timestamp", AttributeKind::Date, "2024-03-16T18:40:00"),
                ("Role", AttributeKind::Categorical, "Mentor"),
                (
                    "My mentor was a good match",
                    AttributeKind::Likert,
                    "Neutral"
                ),
                ("How often did you meet?", AttributeKind::Likert, "Never"),
                ("Age", AttributeKind::Number, "41"),
            ],
            "file-wide attributes first, then closed answers; no free text, id or ignored column"
        );
        assert_eq!(
            p03.attributes[3].levels.len(),
            5,
            "Likert attributes carry the whole scale"
        );
    }

    #[test]
    fn without_an_id_column_cases_get_stable_generated_names() {
        let csv = "Q,Comment\nYes,It was a really useful program for me overall\nNo,\n";
        let options = SurveyOptions {
            columns: vec![Categorical, FreeText],
            ..SurveyOptions::default()
        };
        let parsed = parse("Mentors end.csv", csv.as_bytes(), &options).expect("valid");
        let names: Vec<&str> = parsed.cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["Mentors end #1", "Mentors end #2"]);
        assert_eq!(
            parsed.sources[0].units[0].case.as_deref(),
            Some("Mentors end #1")
        );
    }

    #[test]
    fn chosen_types_override_detection_and_bad_values_warn() {
        let csv = "id,score,when,scale\nA,12,2024-01-05,agree\nB,about 3,someday,Maybe\n";
        let options = SurveyOptions {
            columns: vec![RespondentId, Number, Date, likert(AGREE5)],
            ..SurveyOptions::default()
        };
        let parsed = parse("s.csv", csv.as_bytes(), &options).expect("valid");
        let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            vec![
                "row 3, column \"score\": \"about 3\" is not a number; it was left out",
                "row 3, column \"when\": \"someday\" is not a date; it was left out",
                "row 3, column \"scale\": \"Maybe\" is not one of the scale's levels; it was left out",
            ]
        );
        assert_eq!(
            parsed.cases[0].attributes[2].value, "Agree",
            "answers take the level's spelling"
        );
    }

    #[test]
    fn qualtrics_three_header_rows() {
        let csv = "StartDate,EndDate,Status,IPAddress,Progress,ResponseId,Q1,Q2,Q3\n\
Start Date,End Date,Response Type,IP Address,Progress,Response ID,How satisfied were you with your mentor?,Why?,Year of training\n\
\"{\"\"ImportId\"\":\"\"startDate\"\"}\",\"{\"\"ImportId\"\":\"\"endDate\"\"}\",\"{\"\"ImportId\"\":\"\"status\"\"}\",\"{\"\"ImportId\"\":\"\"ipAddress\"\"}\",\"{\"\"ImportId\"\":\"\"progress\"\"}\",\"{\"\"ImportId\"\":\"\"_recordId\"\"}\",\"{\"\"ImportId\"\":\"\"QID1\"\"}\",\"{\"\"ImportId\"\":\"\"QID2_TEXT\"\"}\",\"{\"\"ImportId\"\":\"\"QID3\"\"}\"\n\
2024-05-01 10:00:00,2024-05-01 10:05:00,0,1.2.3.4,100,R_1a,Extremely satisfied,Because she always made time for me despite her own clinical load,PGY2\n\
2024-05-02 11:00:00,2024-05-02 11:09:00,0,1.2.3.5,100,R_2b,Somewhat dissatisfied,We did not have much in common and meetings were often cancelled,PGY3\n";
        let preview = check(
            "qualtrics.csv",
            csv.as_bytes(),
            &[
                ("Start Date", Ignore),
                ("End Date", Ignore),
                ("Response Type", Ignore),
                ("IP Address", Ignore),
                ("Progress", Ignore),
                ("Response ID", RespondentId),
                (
                    "How satisfied were you with your mentor?",
                    likert(&[
                        "Extremely dissatisfied",
                        "Somewhat dissatisfied",
                        "Neither satisfied nor dissatisfied",
                        "Somewhat satisfied",
                        "Extremely satisfied",
                    ]),
                ),
                ("Why?", FreeText),
                ("Year of training", Categorical),
            ],
        );
        assert_eq!(
            (preview.export, preview.header_rows, preview.rows),
            (SurveyExport::Qualtrics, 3, 2)
        );
        assert_eq!(
            preview.columns[6].header[0], "Q1",
            "the raw header cells are kept"
        );
    }

    #[test]
    fn surveymonkey_two_header_rows_with_grouped_questions() {
        let csv = "Respondent ID,Collector ID,Start Date,End Date,IP Address,Which topics did you discuss?,,,What would you change?\n\
,,,,,Career,Research,Other (please specify),Open-Ended Response\n\
114001,4001,05/01/2024 10:00:00 AM,05/01/2024 10:04:00 AM,1.2.3.4,Career,,Work–life balance,More structured goals for each meeting please\n\
114002,4001,05/02/2024 11:00:00 AM,05/02/2024 11:04:00 AM,1.2.3.5,,Research,,I would want more frequent check-ins with my mentor\n";
        let preview = check(
            "monkey.csv",
            csv.as_bytes(),
            &[
                ("Respondent ID", RespondentId),
                ("Collector ID", Ignore),
                ("Start Date", Ignore),
                ("End Date", Ignore),
                ("IP Address", Ignore),
                ("Which topics did you discuss? - Career", Categorical),
                ("Which topics did you discuss? - Research", Categorical),
                (
                    "Which topics did you discuss? - Other (please specify)",
                    FreeText,
                ),
                ("What would you change?", FreeText),
            ],
        );
        assert_eq!(
            (preview.export, preview.header_rows),
            (SurveyExport::SurveyMonkey, 2)
        );
    }

    #[test]
    fn malformed_csv_names_lines_and_rows() {
        let problems = problems_of(
            "bad.csv",
            b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n",
            &SurveyOptions::default(),
        );
        assert_eq!(
            problems,
            vec![
                "row 3: this row has 2 fields, but the header has 3; a quote or a comma inside an answer may be missing its quotes",
                "row 4: this row has 4 fields, but the header has 3; a quote or a comma inside an answer may be missing its quotes",
            ],
            "every short or long row is reported with its row number"
        );
        let problems = problems_of(
            "bad.csv",
            b"a,b\n1,\"ok\"\n2,\"multi\nline\"\n3,\"never closed\n4,x\n",
            &SurveyOptions::default(),
        );
        assert_eq!(
            problems,
            vec![
                "line 5: a quoted field starts here but its closing quote is missing, so the rest of the file would be one answer"
            ]
        );
        let problems = problems_of(
            "bad.csv",
            b"a,b\n\"x\ny\",1\n2\n",
            &SurveyOptions::default(),
        );
        assert_eq!(
            problems,
            vec![
                "row 3 (line 4): this row has 1 field, but the header has 2; a quote or a comma inside an answer may be missing its quotes"
            ],
            "after a multi-line answer, the line differs from the row"
        );
    }

    #[test]
    fn option_problems_are_reported_together() {
        let csv = b"id,email,x\nA,a@x,1\nA,,2\n";
        let problems = problems_of(
            "s.csv",
            csv,
            &SurveyOptions {
                columns: vec![RespondentId, Categorical, likert(&[])],
                ..SurveyOptions::default()
            },
        );
        assert_eq!(
            problems,
            vec!["column \"x\": a Likert column needs its levels, lowest first"]
        );
        let problems = problems_of(
            "s.csv",
            csv,
            &SurveyOptions {
                columns: vec![RespondentId, RespondentId],
                ..SurveyOptions::default()
            },
        );
        assert_eq!(
            problems.len(),
            2,
            "the column count and the two ids: {problems:?}"
        );
        let problems = problems_of(
            "s.csv",
            b"id,x\nA,1\nA,2\n ,3\n",
            &SurveyOptions {
                columns: vec![RespondentId, Number],
                ..SurveyOptions::default()
            },
        );
        assert_eq!(
            problems,
            vec![
                "row 3, column \"id\": the respondent id \"A\" was already used in row 2",
                "row 4, column \"id\": the respondent id is empty",
            ]
        );
    }

    #[test]
    fn encodings_delimiters_and_excel_hints() {
        // Windows-1252 from Excel, semicolons, CRLF.
        let bytes = b"Nom;Commentaire\r\nZo\xeb;\x93Caf\xe9 au lait\x94 was our weekly ritual with the mentor\r\n";
        let parsed = parse(
            "fr.csv",
            bytes,
            &SurveyOptions {
                columns: vec![RespondentId, FreeText],
                ..SurveyOptions::default()
            },
        )
        .expect("valid");
        assert_eq!(parsed.encoding, Some(TextEncoding::Windows1252));
        assert_eq!(parsed.cases[0].name, "Zoë");
        assert_eq!(
            unit_texts(&parsed.sources[0]),
            vec!["\u{201c}Café au lait\u{201d} was our weekly ritual with the mentor"]
        );
        assert!(
            !parsed.warnings.is_empty(),
            "the encoding guess is reported"
        );

        let mut utf16 = vec![0xff, 0xfe];
        for u in "id\tnote\r\nP1\t日本 😀\r\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let tsv = preview("excel unicode.tsv", &utf16).expect("valid");
        assert_eq!(tsv.columns[1].samples, vec!["日本 😀"]);

        let hinted = preview("hint.csv", b"sep=;\na;b\n1,5;x\n").expect("valid");
        assert_eq!(hinted.columns.len(), 2, "the sep= line names the delimiter");
        assert_eq!(hinted.columns[0].detected, Number, "1,5 is a decimal comma");
    }

    #[test]
    fn values_parse() {
        for (s, n) in [
            ("12", Some("12")),
            ("-3.5", Some("-3.5")),
            ("3,5", Some("3.5")),
            (".5", Some("0.5")),
            ("1,000", None),
            ("1e5", None),
            ("NaN", None),
            ("", None),
        ] {
            assert_eq!(parse_number(s).as_deref(), n, "number {s:?}");
        }
        for (s, day_first, d) in [
            ("2024-03-14", false, Some("2024-03-14")),
            (
                "2024-03-14T10:22:01.123Z",
                false,
                Some("2024-03-14T10:22:01"),
            ),
            (
                "3/14/2024 10:22:01 PM GMT+1",
                false,
                Some("2024-03-14T22:22:01"),
            ),
            ("14/03/2024", true, Some("2024-03-14")),
            ("14.03.2024 8:05", false, Some("2024-03-14T08:05:00")),
            ("2024/03/14", false, Some("2024-03-14")),
            ("2023-02-29", false, None),
            ("13/13/2024", false, None),
            ("PGY2", false, None),
            ("3/14/2024 sometime", false, None),
        ] {
            assert_eq!(parse_date(s, day_first).as_deref(), d, "date {s:?}");
        }
        assert!(day_first(["31/01/2024", "02/03/2024"].into_iter()));
        assert!(!day_first(["01/31/2024", "02/03/2024"].into_iter()));
    }

    fn xlsx_of(rows: &[&[&str]]) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Responses").expect("name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Ok(n) = cell.parse::<f64>() {
                    sheet.write_number(r as u32, c as u16, n).expect("write");
                } else if !cell.is_empty() {
                    sheet
                        .write_string(r as u32, c as u16, *cell)
                        .expect("write");
                }
            }
        }
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 14).expect("date");
        let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet
            .write_string(0, rows[0].len() as u16, "Date")
            .expect("write");
        for r in 1..rows.len() {
            sheet
                .write_datetime_with_format(r as u32, rows[0].len() as u16, &date, &format)
                .expect("write");
        }
        workbook.add_worksheet().set_name("Second").expect("name");
        workbook.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn xlsx_first_sheet_with_numbers_and_dates() {
        let bytes = xlsx_of(&[
            &["Respondent", "Age", "Comment"],
            &[
                "R1",
                "34",
                "Café com leite e conversas longas sobre carreira 😀",
            ],
            &["R2", "29.5", ""],
            &[
                "R3",
                "41",
                "日本の研究者を紹介してくれた、とても良い経験でした",
            ],
        ]);
        let preview = check(
            "wave.xlsx",
            &bytes,
            &[
                ("Respondent", RespondentId),
                ("Age", Number),
                ("Comment", FreeText),
                ("Date", Date),
            ],
        );
        assert_eq!(preview.sheets, vec!["Responses", "Second"]);
        assert_eq!(preview.sheet.as_deref(), Some("Responses"));
        assert_eq!(preview.encoding, None);
        let parsed = parse("wave.xlsx", &bytes, &SurveyOptions::default()).expect("valid");
        assert_eq!(
            unit_texts(&parsed.sources[0]),
            vec![
                "Café com leite e conversas longas sobre carreira 😀",
                "日本の研究者を紹介してくれた、とても良い経験でした"
            ]
        );
        let r2: Vec<(&str, &str)> = parsed.cases[1]
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect();
        assert_eq!(
            r2,
            vec![("Age", "29.5"), ("Date", "2024-03-14")],
            "numbers and dates read from cells"
        );
        let err = preview_sheet("wave.xlsx", &bytes, Some("Missing"))
            .expect_err("no such sheet")
            .to_string();
        assert!(
            err.contains("no sheet \"Missing\"; its sheets are Responses, Second"),
            "{err}"
        );
    }

    #[test]
    fn not_a_workbook_gets_a_clear_message() {
        let err = preview("x.xlsx", b"Name,Age\n")
            .expect_err("csv named xlsx")
            .to_string();
        assert!(
            err.contains("is not an Excel workbook: it looks like plain text"),
            "{err}"
        );
        let docx = crate::import::docx::tests::docx_of("<w:p/>");
        let err = preview("x.xlsx", &docx)
            .expect_err("a Word file")
            .to_string();
        assert!(
            err.contains("is not an Excel workbook that Accord can read"),
            "{err}"
        );
        let bytes = xlsx_of(&[&["a"], &["1"]]);
        let err = preview("x.xlsx", &bytes[..bytes.len() / 2])
            .expect_err("cut")
            .to_string();
        assert!(
            err.contains("is not a complete Excel workbook (the zip archive is cut short"),
            "{err}"
        );
    }

    #[test]
    fn hostile_workbooks_are_refused_before_calamine_inflates_them() {
        let mut bytes = xlsx_of(&[&["a"], &["1"]]);
        crate::import::docx::tests::declare_size(&mut bytes, 150 * 1024 * 1024);
        let err = preview("bomb.xlsx", &bytes)
            .expect_err("declares too much")
            .to_string();
        assert!(
            err.contains("declares 150 MB uncompressed (the limit is 100 MB)"),
            "{err}"
        );
    }

    #[test]
    fn options_round_trip_through_json_for_the_ui() {
        let options = SurveyOptions {
            columns: vec![FreeText, likert(&["Low", "High"]), Ignore],
            title: Some("T".to_owned()),
            attributes: vec![FileAttribute {
                name: "role".to_owned(),
                value: "mentor".to_owned(),
            }],
            sheet: None,
        };
        let json = serde_json::to_string(&options).expect("serialize");
        assert!(
            json.contains(r#"{"type":"likert","levels":["Low","High"]}"#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<SurveyOptions>(&json).expect("deserialize"),
            options
        );
    }
}
