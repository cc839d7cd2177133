//! The codebook as a file (CSV, Markdown, Word) and back from CSV.
//!
//! Export lists every code in tree order with its definition and, if asked,
//! how often it was used. Counts obey coder blindness: during independent
//! coding a codebook may carry one coder's own counts (exported on that
//! coder's behalf), never another coder's, and never the consensus, which
//! is derived from comparing coders.
//!
//! Import reads a CSV whose first row names the columns. It is one
//! transaction: every problem of the file is reported at once, with its row
//! number, and nothing is changed unless every row is good.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::store::codes::{self, Code, CodeFields};
use crate::store::{CodeId, CoderId, coders};
use crate::{Error, Phase, Problem, Project, Result};

use super::csv::BOM;

/// A file format the codebook can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum CodebookFormat {
    /// One line per code (`.csv`), UTF-8 with a byte-order mark; it can be
    /// imported again with [`Project::import_codebook_csv`].
    Csv,
    /// A heading per code, nested as the tree is (`.md`).
    Markdown,
    /// A Word document with a heading per code (`.docx`).
    Docx,
}

impl CodebookFormat {
    /// The format of a file extension or format name (`csv`, `md`/`markdown`,
    /// `docx`), ignoring case and a leading dot.
    pub fn from_extension(extension: &str) -> Option<CodebookFormat> {
        match extension
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "csv" => Some(CodebookFormat::Csv),
            "md" | "markdown" => Some(CodebookFormat::Markdown),
            "docx" | "word" => Some(CodebookFormat::Docx),
            _ => None,
        }
    }

    /// The format a file name's extension implies.
    pub fn from_path(path: &Path) -> Option<CodebookFormat> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(CodebookFormat::from_extension)
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            CodebookFormat::Csv => "csv",
            CodebookFormat::Markdown => "md",
            CodebookFormat::Docx => "docx",
        }
    }
}

/// Which usage counts a codebook export carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "coder")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum CodebookCounts {
    /// Definitions only.
    #[default]
    None,
    /// One coder's own codings per code, exported on that coder's behalf
    /// (allowed in every phase).
    Coder(CoderId),
    /// Every coder's codings per code, side by side. Refused during
    /// independent coding, when coders must not see each other's work.
    Coders,
    /// Consensus passages per code. Refused during independent coding.
    Consensus,
}

/// What a codebook import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CodebookImportReport {
    /// Codes added.
    pub created: usize,
    /// Existing codes whose definition changed.
    pub updated: usize,
    /// Existing codes the file describes exactly as they are.
    pub unchanged: usize,
    /// Things ignored that the user may want to know about (unknown columns, ...).
    pub warnings: Vec<Problem>,
}

/// Usage of one code by one coder or by the consensus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    /// Codings (a coder's) or passages (the consensus).
    pub(crate) codings: i64,
    pub(crate) sources: i64,
    pub(crate) cases: i64,
}

/// Whose counts a column set shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Counter {
    /// A coder's name, or "consensus".
    pub(crate) who: String,
    /// "codings" for a coder, "passages" for the consensus.
    pub(crate) noun: &'static str,
}

/// One code as an export prints it.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) code: Code,
    /// 0 at the top of the tree.
    pub(crate) depth: usize,
    /// The parent as a CSV import reads it: its name, or its path when the
    /// name is not unique; empty at the top.
    pub(crate) parent: String,
    /// One per counter, in the same order.
    pub(crate) usage: Vec<Usage>,
}

/// The codebook as the writers see it.
#[derive(Debug, Clone)]
pub(crate) struct Codebook {
    pub(crate) title: String,
    pub(crate) counters: Vec<Counter>,
    pub(crate) entries: Vec<Entry>,
}

/// The labelled definition fields, in the order they are printed.
pub(crate) fn fields(code: &Code) -> [(&'static str, &str); 4] {
    [
        ("Description", code.description.as_str()),
        ("Inclusion", code.inclusion.as_str()),
        ("Exclusion", code.exclusion.as_str()),
        ("Example", code.example.as_str()),
    ]
}

/// "12 codings in 3 sources, 8 cases".
pub(crate) fn usage_text(counter: &Counter, usage: &Usage) -> String {
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} in {}, {}",
        plural(
            usage.codings,
            counter.noun.trim_end_matches('s'),
            counter.noun
        ),
        plural(usage.sources, "source", "sources"),
        plural(usage.cases, "case", "cases")
    )
}

/// The names from the top of the tree down to `code`.
fn path_names(all: &[Code], code: &Code) -> Vec<String> {
    let mut names = vec![code.name.clone()];
    let mut parent = code.parent;
    while let Some(p) = parent {
        match all.iter().find(|c| c.id == p) {
            Some(c) => {
                names.push(c.name.clone());
                parent = c.parent;
            }
            None => break,
        }
    }
    names.reverse();
    names
}

fn key(names: &[String]) -> Vec<String> {
    names.iter().map(|n| n.trim().to_lowercase()).collect()
}

impl Project {
    /// The codebook with the counts asked for, as the writers print it.
    pub(crate) fn codebook(&self, counts: CodebookCounts) -> Result<Codebook> {
        let codes = codes::list(&self.conn)?;
        let phase = self.phase()?;
        let refuse = |what: &str| {
            Error::NotAllowed(format!(
                "coders are coding blind: a codebook with {what} can be exported once the project moves on from independent coding; export it with your own counts instead"
            ))
        };
        let mut counters = Vec::new();
        let mut tables: Vec<HashMap<CodeId, Usage>> = Vec::new();
        let coder_usage = |coder: CoderId| -> Result<HashMap<CodeId, Usage>> {
            Ok(self
                .code_counts(coder)?
                .into_iter()
                .map(|c| {
                    (
                        c.code,
                        Usage {
                            codings: c.codings,
                            sources: c.sources,
                            cases: c.cases,
                        },
                    )
                })
                .collect())
        };
        match counts {
            CodebookCounts::None => {}
            CodebookCounts::Coder(id) => {
                let coder = coders::get(&self.conn, id)?;
                counters.push(Counter {
                    who: coder.name,
                    noun: "codings",
                });
                tables.push(coder_usage(id)?);
            }
            CodebookCounts::Coders => {
                if phase == Phase::Independent {
                    return Err(refuse("every coder's counts"));
                }
                for coder in coders::list(&self.conn)? {
                    tables.push(coder_usage(coder.id)?);
                    counters.push(Counter {
                        who: coder.name,
                        noun: "codings",
                    });
                }
            }
            CodebookCounts::Consensus => {
                if phase == Phase::Independent {
                    return Err(refuse("consensus counts"));
                }
                let board = self.theme_board(None)?;
                counters.push(Counter {
                    who: "consensus".into(),
                    noun: "passages",
                });
                tables.push(
                    board
                        .code_counts
                        .into_iter()
                        .map(|(code, c)| {
                            (
                                code,
                                Usage {
                                    codings: c.all.passages,
                                    sources: c.all.sources,
                                    cases: c.all.cases,
                                },
                            )
                        })
                        .collect(),
                );
            }
        }
        let mut name_uses: HashMap<String, usize> = HashMap::new();
        for c in &codes {
            *name_uses.entry(c.name.trim().to_lowercase()).or_default() += 1;
        }
        let entries = codes
            .iter()
            .map(|code| {
                let names = path_names(&codes, code);
                let parent = match code.parent.and_then(|p| codes.iter().find(|c| c.id == p)) {
                    Some(p)
                        if name_uses
                            .get(&p.name.trim().to_lowercase())
                            .copied()
                            .unwrap_or(0)
                            > 1 =>
                    {
                        path_names(&codes, p).join("/")
                    }
                    Some(p) => p.name.clone(),
                    None => String::new(),
                };
                Entry {
                    code: code.clone(),
                    depth: names.len() - 1,
                    parent,
                    usage: tables
                        .iter()
                        .map(|t| t.get(&code.id).cloned().unwrap_or_default())
                        .collect(),
                }
            })
            .collect();
        Ok(Codebook {
            title: format!("Codebook: {}", self.name()),
            counters,
            entries,
        })
    }

    /// The codebook as the bytes of a file of `format`.
    pub fn render_codebook(
        &self,
        format: CodebookFormat,
        counts: CodebookCounts,
    ) -> Result<Vec<u8>> {
        let book = self.codebook(counts)?;
        match format {
            CodebookFormat::Csv => csv_bytes(&book),
            CodebookFormat::Markdown => Ok(markdown(&book).into_bytes()),
            CodebookFormat::Docx => super::docx::codebook(&book),
        }
    }

    /// Writes the codebook to `path`: every code in tree order with its
    /// definition, and the usage counts asked for.
    ///
    /// CSV columns are `name,parent,description,inclusion,exclusion,example,color`
    /// (the parent by name, or by path "A/B" when its name is not unique),
    /// followed by three columns per counter, e.g. `codings (Amara Okafor)`,
    /// `sources (Amara Okafor)`, `cases (Amara Okafor)`. The file is replaced
    /// only once complete. Counts of other coders and of the consensus are
    /// refused ([`Error::NotAllowed`]) during independent coding.
    pub fn export_codebook(
        &self,
        path: &Path,
        format: CodebookFormat,
        counts: CodebookCounts,
    ) -> Result<()> {
        let bytes = self.render_codebook(format, counts)?;
        super::write_file(path, &bytes)
    }

    /// Imports codes from a CSV file whose first row names the columns:
    /// `name` (required), `parent`, `description`, `inclusion`, `exclusion`,
    /// `example`, `color` — in any order, in any case (`colour`, `code`,
    /// `definition`, `include`, `exclude` are understood too). Unknown columns
    /// are ignored with a warning.
    ///
    /// `parent` names a code by name or by path ("A/B"); it may be defined
    /// earlier or later in the file or already be in the project. A row whose
    /// code already exists under the same parent updates that code's
    /// definition (the columns the file has; an empty colour keeps the
    /// colour); any other row creates a code. Rows are numbered as a
    /// spreadsheet shows them: the header is row 1.
    ///
    /// The file is read as UTF-8 (a byte-order mark is skipped), or as
    /// Windows-1252 when it is not valid UTF-8; a semicolon- or tab-separated
    /// file is recognised by its header row.
    ///
    /// One transaction: when any row is bad (no name, unknown or ambiguous
    /// parent, a parent cycle, a bad colour, the same code twice) nothing is
    /// changed and [`Error::Import`] lists every problem with its row.
    pub fn import_codebook_csv(&mut self, path: &Path) -> Result<CodebookImportReport> {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let parsed = parse_csv(&file, &decode(&bytes))?;
        let existing = codes::list(&self.conn)?;
        let plan = plan(&file, parsed.rows, parsed.problems, &existing)?;
        let mut report = CodebookImportReport {
            warnings: parsed.warnings,
            ..Default::default()
        };
        let mut created_names = Vec::new();
        let mut updated_names = Vec::new();
        self.change(None, |c| {
            let mut ids: HashMap<Vec<String>, CodeId> =
                existing.iter().map(|code| (key(&path_names(&existing, code)), code.id)).collect();
            for step in &plan {
                let k = key(&step.path);
                let parent = match step.path.len() {
                    1 => None,
                    n => Some(*ids.get(&k[..n - 1]).ok_or_else(|| {
                        Error::Invalid(format!("internal: the parent of \"{}\" was not placed", step.path.join("/")))
                    })?),
                };
                match ids.get(&k) {
                    Some(&id) => {
                        let current = codes::get(c, id)?;
                        if differs(&current, &step.fields) {
                            codes::update(c, id, &step.fields)?;
                            report.updated += 1;
                            updated_names.push(step.path.join("/"));
                        } else {
                            report.unchanged += 1;
                        }
                    }
                    None => {
                        let fields = CodeFields { name: step.path.last().cloned(), ..step.fields.clone() };
                        let id = codes::insert(c, parent, &fields, None)?;
                        ids.insert(k, id);
                        report.created += 1;
                        created_names.push(step.path.join("/"));
                    }
                }
            }
            c.log(
                "codebook.import",
                serde_json::json!({ "file": file, "created": created_names, "updated": updated_names, "unchanged": report.unchanged }),
            )
        })?;
        Ok(report)
    }
}

fn differs(code: &Code, fields: &CodeFields) -> bool {
    let changed = |new: &Option<String>, old: &str| new.as_deref().is_some_and(|n| n != old);
    changed(&fields.description, &code.description)
        || changed(&fields.inclusion, &code.inclusion)
        || changed(&fields.exclusion, &code.exclusion)
        || changed(&fields.example, &code.example)
        || changed(&fields.color, &code.color)
}

// ----- writing ---------------------------------------------------------------

fn csv_bytes(book: &Codebook) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| Error::Invalid(format!("writing CSV: {e}"));
    let mut out = BOM.to_vec();
    {
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        let mut header: Vec<String> = [
            "name",
            "parent",
            "description",
            "inclusion",
            "exclusion",
            "example",
            "color",
        ]
        .map(String::from)
        .to_vec();
        for counter in &book.counters {
            for noun in [counter.noun, "sources", "cases"] {
                header.push(format!("{noun} ({})", counter.who));
            }
        }
        w.write_record(&header).map_err(|e| fail(&e))?;
        for e in &book.entries {
            let c = &e.code;
            let mut record: Vec<String> = [
                &c.name,
                &e.parent,
                &c.description,
                &c.inclusion,
                &c.exclusion,
                &c.example,
                &c.color,
            ]
            .map(|s| super::clean(s))
            .to_vec();
            for u in &e.usage {
                record.extend([
                    u.codings.to_string(),
                    u.sources.to_string(),
                    u.cases.to_string(),
                ]);
            }
            w.write_record(&record).map_err(|e| fail(&e))?;
        }
        w.flush().map_err(|e| fail(&e))?;
    }
    Ok(out)
}

fn markdown(book: &Codebook) -> String {
    use super::markdown::escape;
    let paragraph = |text: &str| {
        super::clean(text.trim())
            .split('\n')
            .map(escape)
            .collect::<Vec<_>>()
            .join("  \n")
    };
    let mut out = format!("# {}\n\n", escape(&book.title));
    for e in &book.entries {
        let level = "#".repeat((e.depth + 2).min(6));
        out.push_str(&format!(
            "{level} {}\n\n",
            escape(&super::clean(&e.code.name))
        ));
        for (label, text) in fields(&e.code) {
            if text.trim().is_empty() {
                continue;
            }
            let text = if label == "Example" {
                format!("“{}”", text.trim())
            } else {
                text.to_owned()
            };
            out.push_str(&format!("**{label}.** {}\n\n", paragraph(&text)));
        }
        out.push_str(&format!("**Colour.** `{}`\n\n", e.code.color));
        if !book.counters.is_empty() {
            let parts: Vec<String> = book
                .counters
                .iter()
                .zip(&e.usage)
                .map(|(counter, usage)| {
                    format!("{}: {}", escape(&counter.who), usage_text(counter, usage))
                })
                .collect();
            out.push_str(&format!("**Counts.** {}.\n\n", parts.join("; ")));
        }
    }
    out
}

// ----- reading ---------------------------------------------------------------

/// Decodes a CSV file: UTF-8 or UTF-16 with a byte-order mark, UTF-8
/// without one, or else Windows-1252 (what Excel on Windows writes).
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Parent,
    Description,
    Inclusion,
    Exclusion,
    Example,
    Color,
}

fn column(header: &str) -> Option<Column> {
    let h: String = header
        .trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(match h.as_str() {
        "name" | "code" | "code name" | "label" => Column::Name,
        "parent" | "parent code" | "parent name" | "parent path" => Column::Parent,
        "description" | "definition" => Column::Description,
        "inclusion" | "include" | "inclusion criteria" | "when to use" => Column::Inclusion,
        "exclusion" | "exclude" | "exclusion criteria" | "when not to use" => Column::Exclusion,
        "example" | "examples" => Column::Example,
        "color" | "colour" => Column::Color,
        _ => return None,
    })
}

/// One data row of the file.
#[derive(Debug, Clone)]
struct Row {
    /// As a spreadsheet numbers it (the header is row 1).
    number: usize,
    name: String,
    parent: Option<String>,
    fields: CodeFields,
}

struct Parsed {
    rows: Vec<Row>,
    /// Problems of single rows; the rows stay in `rows` (but for nameless
    /// ones) so that their children can still be placed and checked.
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

fn problem(number: usize, message: impl Into<String>) -> Problem {
    Problem {
        place: format!("row {number}"),
        message: message.into(),
    }
}

fn parse_csv(file: &str, text: &str) -> Result<Parsed> {
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.matches(char::from(*d)).count())
        .filter(|d| first_line.contains(char::from(*d)))
        .unwrap_or(b',');
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(Error::import(
                file,
                "row 1",
                format!("the header row could not be read: {e}"),
            ));
        }
        None => {
            return Err(Error::import(
                file,
                "",
                "the file is empty; a codebook CSV starts with a row naming the columns",
            ));
        }
    };
    let mut warnings = Vec::new();
    let mut columns: Vec<Option<Column>> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim_start_matches('\u{feff}');
        let c = column(h);
        match c {
            None if h.trim().is_empty() => {}
            None => warnings.push(Problem {
                place: format!("row 1, column {}", i + 1),
                message: format!("\"{}\" is not a codebook column; it was ignored", h.trim()),
            }),
            Some(c) if columns.contains(&Some(c)) => {
                warnings.push(Problem {
                    place: format!("row 1, column {}", i + 1),
                    message: format!(
                        "\"{}\" repeats an earlier column; only the first was read",
                        h.trim()
                    ),
                });
                columns.push(None);
                continue;
            }
            Some(_) => {}
        }
        columns.push(c);
    }
    if !columns.contains(&Some(Column::Name)) {
        return Err(Error::import(
            file,
            "row 1",
            "there is no \"name\" column; the first row must name the columns (name, parent, description, inclusion, exclusion, example, color)",
        ));
    }
    let has = |c: Column| columns.contains(&Some(c));
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in records.enumerate() {
        let number = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(number, format!("the row could not be read: {e}")));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |c: Column| -> Option<String> {
            columns
                .iter()
                .position(|x| *x == Some(c))
                .map(|i| record.get(i).unwrap_or_default().to_owned())
        };
        let name = get(Column::Name).unwrap_or_default().trim().to_owned();
        if name.is_empty() {
            problems.push(problem(number, "the code has no name"));
            continue;
        }
        let color = match get(Column::Color)
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
        {
            None => None,
            Some(c) => {
                let with_hash = if c.starts_with('#') {
                    c.clone()
                } else {
                    format!("#{c}")
                };
                match codes::valid_color(&with_hash) {
                    Ok(c) => Some(c),
                    Err(_) => {
                        problems.push(problem(
                            number,
                            format!("\"{c}\" is not a colour of the form #rrggbb (e.g. #4e79a7) for \"{name}\""),
                        ));
                        None
                    }
                }
            }
        };
        let text = |c: Column| {
            if has(c) {
                get(c).map(|v| v.trim().to_owned())
            } else {
                None
            }
        };
        rows.push(Row {
            number,
            parent: get(Column::Parent)
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty()),
            fields: CodeFields {
                name: None,
                description: text(Column::Description),
                inclusion: text(Column::Inclusion),
                exclusion: text(Column::Exclusion),
                example: text(Column::Example),
                color,
            },
            name,
        });
    }
    Ok(Parsed {
        rows,
        problems,
        warnings,
    })
}

/// A code to create or update: its full path of names and its fields.
#[derive(Debug)]
struct Step {
    path: Vec<String>,
    fields: CodeFields,
}

#[derive(Debug, Clone)]
enum State {
    /// The path is not known yet.
    Open,
    Placed(Vec<String>),
    Failed,
}

enum Lookup {
    Found(Vec<String>),
    /// Some candidate rows are not placed yet (their indexes).
    Wait(Vec<usize>),
    Missing,
    Ambiguous(Vec<String>),
    /// A candidate row failed; this one cannot be placed either.
    AfterFailure(usize),
}

/// Places every row in the tree: resolves parents (by path, then by name;
/// among the project's codes and the file's rows, in any order), detects
/// cycles and duplicates, and returns the steps parents-first.
fn plan(
    file: &str,
    rows: Vec<Row>,
    mut problems: Vec<Problem>,
    existing: &[Code],
) -> Result<Vec<Step>> {
    let existing_paths: Vec<Vec<String>> =
        existing.iter().map(|c| path_names(existing, c)).collect();
    let mut state: Vec<State> = vec![State::Open; rows.len()];
    for (i, row) in rows.iter().enumerate() {
        if row.parent.is_none() {
            state[i] = State::Placed(vec![row.name.clone()]);
        }
    }
    let lookup = |i: usize, reference: &str, state: &[State]| -> Lookup {
        let wanted = reference.to_lowercase();
        let segments: Vec<String> = reference.split('/').map(|s| s.trim().to_owned()).collect();
        let mut found: Vec<Vec<String>> = Vec::new();
        let mut waiting = Vec::new();
        fn add(found: &mut Vec<Vec<String>>, p: &[String]) {
            if !found.iter().any(|f| key(f) == key(p)) {
                found.push(p.to_vec());
            }
        }
        // By path first ("A/B"), then by name; a name may itself contain "/".
        for by_path in [true, false] {
            if by_path && segments.len() < 2 {
                continue;
            }
            let matches = |p: &[String]| {
                if by_path {
                    key(p) == key(&segments)
                } else {
                    p.last().is_some_and(|n| n.trim().to_lowercase() == wanted)
                }
            };
            for p in &existing_paths {
                if matches(p) {
                    add(&mut found, p);
                }
            }
            for (j, row) in rows.iter().enumerate() {
                if j == i {
                    continue;
                }
                let last = if by_path {
                    segments.last().map(|s| s.to_lowercase())
                } else {
                    Some(wanted.clone())
                };
                match &state[j] {
                    State::Placed(p) if matches(p) => add(&mut found, p),
                    State::Open if Some(row.name.to_lowercase()) == last => waiting.push(j),
                    State::Failed if Some(row.name.to_lowercase()) == last => {
                        return Lookup::AfterFailure(j);
                    }
                    _ => {}
                }
            }
            if !waiting.is_empty() {
                return Lookup::Wait(waiting);
            }
            if !found.is_empty() {
                break;
            }
        }
        match found.len() {
            0 => Lookup::Missing,
            1 => Lookup::Found(found.remove(0)),
            _ => Lookup::Ambiguous(found.iter().map(|p| p.join("/")).collect()),
        }
    };
    let mut waits: HashMap<usize, Vec<usize>> = HashMap::new();
    loop {
        let mut progress = false;
        for i in 0..rows.len() {
            if !matches!(state[i], State::Open) {
                continue;
            }
            let row = &rows[i];
            let reference = row.parent.as_deref().unwrap_or_default();
            match lookup(i, reference, &state) {
                Lookup::Found(mut p) => {
                    p.push(row.name.clone());
                    state[i] = State::Placed(p);
                    progress = true;
                }
                Lookup::Wait(on) => {
                    waits.insert(i, on);
                }
                Lookup::Missing => {
                    let message = if reference.to_lowercase() == row.name.to_lowercase() {
                        format!("\"{}\" cannot be its own parent", row.name)
                    } else {
                        format!(
                            "the parent \"{reference}\" of \"{}\" is neither in the file nor in the project",
                            row.name
                        )
                    };
                    problems.push(problem(row.number, message));
                    state[i] = State::Failed;
                    progress = true;
                }
                Lookup::Ambiguous(paths) => {
                    problems.push(problem(
                        row.number,
                        format!(
                            "the parent \"{reference}\" of \"{}\" could be any of {}; give its path instead",
                            row.name,
                            paths.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                    state[i] = State::Failed;
                    progress = true;
                }
                Lookup::AfterFailure(j) => {
                    problems.push(problem(
                        row.number,
                        format!(
                            "the parent \"{reference}\" of \"{}\" is the code of row {}, which cannot be imported",
                            row.name, rows[j].number
                        ),
                    ));
                    state[i] = State::Failed;
                    progress = true;
                }
            }
        }
        if !progress {
            break;
        }
    }
    // What is still open waits, directly or not, on a cycle of parents.
    for i in 0..rows.len() {
        if !matches!(state[i], State::Open) {
            continue;
        }
        let mut chain = vec![i];
        let mut current = i;
        let cycle = loop {
            let next = waits.get(&current).and_then(|w| w.first().copied());
            match next {
                Some(n) => match chain.iter().position(|&c| c == n) {
                    Some(start) => break chain[start..].to_vec(),
                    None => {
                        chain.push(n);
                        current = n;
                    }
                },
                None => break Vec::new(),
            }
        };
        let names = |ids: &[usize]| {
            let mut names: Vec<String> = ids
                .iter()
                .map(|&r| format!("\"{}\" (row {})", rows[r].name, rows[r].number))
                .collect();
            names.push(format!("\"{}\"", rows[ids[0]].name));
            names.join(" → ")
        };
        let message = if cycle.contains(&i) {
            format!("parent cycle: {}", names(&cycle))
        } else if cycle.is_empty() {
            format!("the parent of \"{}\" could not be placed", rows[i].name)
        } else {
            format!(
                "\"{}\" sits under a parent cycle: {}",
                rows[i].name,
                names(&cycle)
            )
        };
        problems.push(problem(rows[i].number, message));
    }
    // The same code twice.
    let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
    for (i, s) in state.iter().enumerate() {
        if let State::Placed(p) = s {
            if let Some(&first) = seen.get(&key(p)) {
                problems.push(problem(
                    rows[i].number,
                    format!(
                        "\"{}\" is already defined in row {}",
                        p.join("/"),
                        rows[first].number
                    ),
                ));
            } else {
                seen.insert(key(p), i);
            }
        }
    }
    if !problems.is_empty() {
        // Stable: a row's problems keep the order they were found in.
        problems.sort_by_key(|p| {
            p.place
                .trim_start_matches("row ")
                .parse::<usize>()
                .unwrap_or(0)
        });
        return Err(Error::Import {
            file: file.to_owned(),
            problems,
        });
    }
    let mut steps: Vec<(usize, Step)> = rows
        .into_iter()
        .zip(state)
        .enumerate()
        .filter_map(|(i, (row, s))| match s {
            State::Placed(path) => Some((
                i,
                Step {
                    path,
                    fields: row.fields,
                },
            )),
            _ => None,
        })
        .collect();
    // Parents before children; siblings in file order.
    steps.sort_by_key(|(i, s)| (s.path.len(), *i));
    Ok(steps.into_iter().map(|(_, s)| s).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_and_bom_are_decoded() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFname\n"),
            "name\n",
            "the UTF-8 BOM is dropped"
        );
        assert_eq!(
            decode(b"Work\x96life"),
            "Work–life",
            "0x96 is an en dash in Windows-1252"
        );
        assert_eq!(
            decode("Work–life".as_bytes()),
            "Work–life",
            "valid UTF-8 is kept"
        );
    }

    #[test]
    fn headers_are_matched_loosely() {
        assert_eq!(column(" Colour "), Some(Column::Color));
        assert_eq!(column("NAME"), Some(Column::Name));
        assert_eq!(column("Inclusion  criteria"), Some(Column::Inclusion));
        assert_eq!(column("notes"), None);
    }

    #[test]
    fn semicolon_files_are_recognised() {
        let parsed = parse_csv("x.csv", "name;parent\nA;\nB;A\n").unwrap();
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[1].parent.as_deref(), Some("A"));
    }
}
