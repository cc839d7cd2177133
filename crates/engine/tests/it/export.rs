//! Export: theme tables in every format and the codebook, each read back
//! from the file written (DOCX and XLSX unzipped and parsed, DOCX also
//! rendered by LibreOffice), and codebook CSV import.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use accord_engine::{
    CodeFields, CodebookCounts, CodebookFormat, PassageCounts, Phase, Project, QuoteSelection,
    TableFormat, TableGroup, TableQuote, TableSection, ThemeRow, ThemeTable, ThemeTableOptions,
    write_theme_table,
};

use crate::{copy_fixture, fixture};

// ----- a theme table built by hand --------------------------------------------

fn quote(text: &str, source: &str, case: Option<&str>) -> TableQuote {
    TableQuote {
        text: text.into(),
        source: source.into(),
        case_name: case.map(Into::into),
    }
}

fn row(
    theme: &str,
    description: &str,
    quotes: Vec<TableQuote>,
    counts: Option<(i64, i64, i64)>,
) -> ThemeRow {
    ThemeRow {
        theme: theme.into(),
        description: description.into(),
        quotes,
        counts: counts.map(|(passages, sources, cases)| PassageCounts {
            passages,
            sources,
            cases,
        }),
    }
}

/// Two groups, each split in two sections, with text that every format
/// must escape: `<`, `&`, `"`, `|`, `*`, a line break inside a quote, and
/// non-ASCII names.
fn sample(counts: bool, quote_sources: bool) -> ThemeTable {
    let c = |t: (i64, i64, i64)| counts.then_some(t);
    let mut columns = vec![
        "Theme".to_owned(),
        "Description of theme".to_owned(),
        "Representative quotes".to_owned(),
    ];
    if counts {
        columns.push("Passages (sources, cases)".to_owned());
    }
    ThemeTable {
        columns,
        counts,
        quote_sources,
        groups: vec![
            TableGroup {
                heading: Some("Mentee response".into()),
                sections: vec![
                    TableSection {
                        heading: Some("Themes indicating positive influence".into()),
                        rows: vec![
                            row(
                                "Similar interests",
                                "Shared professional interests & background",
                                vec![
                                    quote(
                                        "We're both interested in lupus <and> vasculitis.",
                                        "Mid-program survey",
                                        Some("ME-003"),
                                    ),
                                    quote(
                                        "She is also an \"IMG\", so she understood.",
                                        "Focus group",
                                        Some("Łukasz Wiśniewski"),
                                    ),
                                ],
                                c((7, 3, 6)),
                            ),
                            row(
                                "Mentor qualities: Approachable",
                                "Easy to talk to | no question too basic",
                                vec![quote(
                                    "No question is too *basic* for her.\nReally.",
                                    "End-of-program survey",
                                    None,
                                )],
                                c((4, 2, 4)),
                            ),
                        ],
                    },
                    TableSection {
                        heading: Some("Themes indicating negative influence".into()),
                        rows: vec![row(
                            "Inadequate communication",
                            "Slow or missing replies",
                            vec![quote(
                                "He missed 3 of our 4 calls.",
                                "Mid-program survey",
                                Some("王芳 Wang Fang"),
                            )],
                            c((5, 2, 3)),
                        )],
                    },
                ],
            },
            TableGroup {
                heading: Some("Mentor response".into()),
                sections: vec![TableSection {
                    heading: Some("Themes indicating positive influence".into()),
                    rows: vec![row(
                        "Rewards of mentoring",
                        "What mentors gain",
                        vec![],
                        c((0, 0, 0)),
                    )],
                }],
            },
        ],
    }
}

/// What a reader should find, row by row, in any format with heading rows.
#[derive(Debug, PartialEq)]
enum Expect {
    Heading(String),
    Row(Vec<String>),
}

fn quote_line(q: &TableQuote, sources: bool) -> String {
    let mut s = format!("“{}”", q.text);
    if sources {
        let mut parts = vec![q.source.clone()];
        parts.extend(q.case_name.clone());
        s.push_str(&format!(" — {}", parts.join(", ")));
    }
    s
}

/// The table's lines as cells (quotes as separate strings joined by `sep`).
fn expected(table: &ThemeTable, sep: &str) -> Vec<Expect> {
    let mut out = Vec::new();
    for g in &table.groups {
        out.extend(g.heading.clone().map(Expect::Heading));
        for s in &g.sections {
            out.extend(s.heading.clone().map(Expect::Heading));
            for r in &s.rows {
                let quotes: Vec<String> = r
                    .quotes
                    .iter()
                    .map(|q| quote_line(q, table.quote_sources))
                    .collect();
                let mut cells = vec![r.theme.clone(), r.description.clone(), quotes.join(sep)];
                if table.counts {
                    let c = r.counts.clone().unwrap();
                    cells.push(format!("{} ({}, {})", c.passages, c.sources, c.cases));
                }
                out.push(Expect::Row(cells));
            }
        }
    }
    out
}

fn written(
    table: &ThemeTable,
    format: TableFormat,
    title: Option<&str>,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("Table 1.{}", format.extension()));
    write_theme_table(table, format, &path, title)
        .unwrap_or_else(|e| panic!("{format:?} export: {e}"));
    (dir, path)
}

// ----- a small XML reader for DOCX and XLSX parts -----------------------------

#[derive(Debug, Default, Clone)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

#[derive(Debug, Clone)]
enum Node {
    El(El),
    Text(String),
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|n| match n {
            Node::El(e) => Some(e),
            Node::Text(_) => None,
        })
    }
    fn all(&self, name: &str) -> Vec<&El> {
        self.elements().filter(|e| e.name == name).collect()
    }
    fn child(&self, name: &str) -> Option<&El> {
        self.elements().find(|e| e.name == name)
    }
    fn find(&self, name: &str) -> Vec<&El> {
        let mut out = Vec::new();
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            }
            out.extend(e.find(name));
        }
        out
    }
    /// The text below this element; a Word line break (`w:br`) is a `\n`.
    fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::El(e) if e.name == "w:br" => s.push('\n'),
                Node::El(e) => s.push_str(&e.text()),
            }
        }
        s
    }
}

fn parse_xml(xml: &str) -> El {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![El::default()];
    let open = |e: &quick_xml::events::BytesStart| El {
        name: e.name().as_ref().to_owned(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    a.key.as_ref().to_owned(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("attribute value")
                        .into_owned(),
                )
            })
            .collect(),
        children: Vec::new(),
    };
    let push_text =
        |stack: &mut Vec<El>, t: String| stack.last_mut().unwrap().children.push(Node::Text(t));
    loop {
        match reader.read_event().expect("the part is well-formed XML") {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => {
                let el = open(&e);
                stack.last_mut().unwrap().children.push(Node::El(el));
            }
            Event::End(_) => {
                let el = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(Node::El(el));
            }
            Event::Text(t) => push_text(&mut stack, t.to_string()),
            Event::CData(t) => push_text(&mut stack, t.to_string()),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref().expect("valid character reference") {
                    Some(c) => c.to_string(),
                    None => match &*r {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => panic!("unknown entity &{other};"),
                    },
                };
                push_text(&mut stack, text);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "every element is closed");
    stack.pop().unwrap()
}

fn zip_part(path: &Path, part: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file)
        .unwrap_or_else(|e| panic!("{} is a ZIP package: {e}", path.display()));
    let mut entry = archive
        .by_name(part)
        .unwrap_or_else(|e| panic!("{part} is in {}: {e}", path.display()));
    let mut s = String::new();
    entry.read_to_string(&mut s).unwrap();
    s
}

// ----- DOCX -------------------------------------------------------------------

/// The table's rows as Expect values, checking on the way that a heading
/// row is one cell spanning all `columns`.
fn docx_rows(tbl: &El, columns: usize) -> Vec<Expect> {
    tbl.all("w:tr")
        .into_iter()
        .skip(1)
        .map(|tr| {
            let cells = tr.all("w:tc");
            let span = |tc: &El| {
                tc.child("w:tcPr")
                    .and_then(|p| p.child("w:gridSpan"))
                    .and_then(|g| g.attr("w:val"))
                    .map(|v| v.parse::<usize>().unwrap())
            };
            if cells.len() == 1 {
                assert_eq!(
                    span(cells[0]),
                    Some(columns),
                    "a heading row is one cell spanning all {columns} columns"
                );
                Expect::Heading(cells[0].text())
            } else {
                assert_eq!(cells.len(), columns, "a theme row has one cell per column");
                Expect::Row(
                    cells
                        .iter()
                        .map(|tc| {
                            tc.all("w:p")
                                .iter()
                                .map(|p| p.text())
                                .collect::<Vec<_>>()
                                .join("¶")
                        })
                        .collect(),
                )
            }
        })
        .collect()
}

#[test]
fn docx_theme_table_is_a_word_table_with_merged_heading_rows() {
    for (counts, sources) in [(false, false), (true, true)] {
        let table = sample(counts, sources);
        let (_dir, path) = written(
            &table,
            TableFormat::Docx,
            Some("Table 1. Themes and representative quotes"),
        );
        let doc = parse_xml(&zip_part(&path, "word/document.xml"));
        let body = &doc.find("w:body")[0];
        let blocks: Vec<&str> = body.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(
            &blocks[..2],
            ["w:p", "w:tbl"],
            "the title paragraph comes first, then the table: {blocks:?}"
        );
        assert_eq!(
            body.all("w:p")[0].text(),
            "Table 1. Themes and representative quotes"
        );
        let tbl = body.child("w:tbl").unwrap();
        let n = table.columns.len();

        let grid: Vec<u32> = tbl
            .child("w:tblGrid")
            .unwrap()
            .all("w:gridCol")
            .iter()
            .map(|c| c.attr("w:w").unwrap().parse().unwrap())
            .collect();
        assert_eq!(grid.len(), n, "one grid column per table column");
        let total: u32 = grid.iter().sum();
        let share = |i: usize| f64::from(grid[i]) / f64::from(total);
        assert!(
            share(2) > 0.4 && share(1) > share(0),
            "quotes get the widest column, then the description: {grid:?}"
        );

        let rows = tbl.all("w:tr");
        let header = rows[0];
        assert!(
            header
                .child("w:trPr")
                .and_then(|p| p.child("w:tblHeader"))
                .is_some(),
            "the header row repeats on every page (w:tblHeader)"
        );
        assert_eq!(
            rows.iter()
                .filter(|r| !r.find("w:tblHeader").is_empty())
                .count(),
            1,
            "only the header row repeats"
        );
        let header_cells: Vec<String> = header.all("w:tc").iter().map(|c| c.text()).collect();
        assert_eq!(
            header_cells, table.columns,
            "header cells are the column names"
        );
        assert!(
            header
                .find("w:r")
                .iter()
                .all(|r| r.child("w:rPr").and_then(|p| p.child("w:b")).is_some()),
            "the header is bold"
        );

        assert_eq!(
            docx_rows(tbl, n),
            expected(&table, "¶"),
            "headings and rows in order, each quote its own paragraph"
        );

        let styles = zip_part(&path, "word/styles.xml");
        assert!(
            styles.contains("Times New Roman"),
            "the document's default font is a serif"
        );
        let borders = tbl
            .child("w:tblPr")
            .and_then(|p| p.child("w:tblBorders"))
            .expect("the table has borders");
        assert!(
            borders.elements().all(|b| b.attr("w:sz") == Some("4")),
            "borders are light (½ pt)"
        );
    }
}

#[test]
fn docx_without_a_title_starts_with_the_table() {
    let (_dir, path) = written(&sample(false, false), TableFormat::Docx, None);
    let doc = parse_xml(&zip_part(&path, "word/document.xml"));
    let body = &doc.find("w:body")[0];
    assert_eq!(
        body.elements().next().unwrap().name,
        "w:tbl",
        "no empty title paragraph"
    );
}

/// Converts Word files to PDF with LibreOffice and returns each PDF's text.
/// Fails (does not skip) when LibreOffice or pdftotext is missing: the
/// project's setup script installs them.
fn libreoffice_text(files: &[&Path], dir: &Path) -> Vec<String> {
    let profile = dir.join("lo-profile");
    let out = dir.join("pdf");
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(files)
        .output()
        .expect("LibreOffice (soffice) must be installed to check Word exports: apt-get install libreoffice-writer-nogui");
    assert!(
        status.status.success(),
        "LibreOffice converts: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    files
        .iter()
        .map(|f| {
            let pdf = out.join(f.with_extension("pdf").file_name().unwrap());
            assert!(
                pdf.exists(),
                "LibreOffice wrote {}: {}",
                pdf.display(),
                String::from_utf8_lossy(&status.stdout)
            );
            let text = Command::new("pdftotext")
                .args(["-raw", "-enc", "UTF-8"])
                .arg(&pdf)
                .arg("-")
                .output()
                .expect(
                    "pdftotext must be installed to read the PDF: apt-get install poppler-utils",
                );
            assert!(text.status.success(), "pdftotext reads {}", pdf.display());
            String::from_utf8(text.stdout).unwrap()
        })
        .collect()
}

/// Drops all whitespace, so that text wrapped inside a narrow cell (even
/// inside a word, where a substituted font is wider than Times New Roman)
/// compares equal; undoes ligatures.
fn words(s: &str) -> String {
    s.replace('ﬁ', "fi")
        .replace('ﬂ', "fl")
        .split_whitespace()
        .collect()
}

#[test]
fn docx_renders_in_libreoffice_with_every_text_and_the_header_on_each_page() {
    let dir = tempfile::tempdir().unwrap();
    let table = sample(true, true);
    let short = dir.path().join("short.docx");
    write_theme_table(
        &table,
        TableFormat::Docx,
        &short,
        Some("Table 1. Themes and representative quotes"),
    )
    .unwrap();

    // A table long enough to run over several pages.
    let mut long = sample(false, false);
    let filler = "The program gave me a mentor outside my institution who read my drafts closely and told me what she thought. ";
    long.groups[0].sections[0].rows = (1..=30)
        .map(|i| {
            row(
                &format!("Theme number {i}"),
                "A description",
                vec![quote(&filler.repeat(3), "Survey", None); 2],
                None,
            )
        })
        .collect();
    let long_path = dir.path().join("long.docx");
    write_theme_table(
        &long,
        TableFormat::Docx,
        &long_path,
        Some("Table 2. A long table"),
    )
    .unwrap();

    let texts = libreoffice_text(&[&short, &long_path], dir.path());
    let short_text = words(&texts[0]);
    let mut wanted = vec!["Table 1. Themes and representative quotes".to_owned()];
    wanted.extend(table.columns.iter().cloned());
    for e in expected(&table, " ") {
        match e {
            Expect::Heading(h) => wanted.push(h),
            Expect::Row(cells) => wanted.extend(cells),
        }
    }
    for w in wanted {
        let w = words(&w);
        assert!(
            short_text.contains(&w),
            "the PDF shows {w:?}; it reads:\n{short_text}"
        );
    }

    let pages: Vec<&str> = texts[1]
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(
        pages.len() >= 3,
        "the long table runs over several pages ({} pages)",
        pages.len()
    );
    for (i, page) in pages.iter().enumerate() {
        assert!(
            words(page).contains(&words("Representative quotes")),
            "page {} repeats the header row; it begins: {}",
            i + 1,
            words(page).chars().take(300).collect::<String>()
        );
    }
    assert!(
        words(pages[0]).contains(&words("Table 2. A long table"))
            && !words(pages[1]).contains(&words("Table 2.")),
        "the title is printed once"
    );
}

// ----- XLSX -------------------------------------------------------------------

#[test]
fn xlsx_has_a_frozen_bold_header_merged_headings_and_wrapped_quotes() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let table = sample(true, true);
    let (_dir, path) = written(&table, TableFormat::Xlsx, Some("Table 1. Themes"));
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), vec!["Themes".to_owned()], "one sheet");
    let range = book.worksheet_range("Themes").unwrap();
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("({r}, {c}) holds {other:?}, not text"),
    };
    let n = table.columns.len() as u32;
    assert_eq!(
        text(0, 0),
        "Table 1. Themes",
        "the title is in the first row"
    );
    let header: Vec<String> = (0..n).map(|c| text(1, c)).collect();
    assert_eq!(header, table.columns, "the header row follows the title");

    let merged = book.merge_cells_by_sheet_name("Themes").unwrap();
    let is_merged_row = |r: u32| {
        merged
            .iter()
            .any(|d| d.start == (r, 0) && d.end == (r, n - 1))
    };
    let mut got = Vec::new();
    let mut r = 2;
    while !text(r, 0).is_empty() {
        if is_merged_row(r) {
            got.push(Expect::Heading(text(r, 0)));
        } else {
            got.push(Expect::Row((0..n).map(|c| text(r, c)).collect()));
        }
        r += 1;
    }
    assert_eq!(
        got,
        expected(&table, "\n"),
        "headings are merged rows; quotes one per line in their cell"
    );
    assert!(is_merged_row(0), "the title spans the table");

    let styles = book.worksheet_style("Themes").unwrap();
    let style = |r: u32, c: u32| {
        styles
            .get((r, c))
            .cloned()
            .unwrap_or_else(|| panic!("({r}, {c}) has a style"))
    };
    assert!(
        style(1, 0).font.as_ref().is_some_and(|f| f.is_bold()),
        "the header is bold"
    );
    assert!(
        style(2, 0).font.as_ref().is_some_and(|f| f.is_bold()),
        "a group heading is bold"
    );
    let quotes_row = got
        .iter()
        .position(|e| matches!(e, Expect::Row(_)))
        .unwrap() as u32
        + 2;
    assert!(
        style(quotes_row, 2)
            .alignment
            .as_ref()
            .is_some_and(|a| a.wrap_text),
        "quote cells wrap their text"
    );

    let sheet = zip_part(&path, "xl/worksheets/sheet1.xml");
    let pane = parse_xml(&sheet)
        .find("pane")
        .into_iter()
        .next()
        .cloned()
        .expect("the sheet has a frozen pane");
    assert_eq!(pane.attr("state"), Some("frozen"));
    assert_eq!(
        pane.attr("ySplit"),
        Some("2"),
        "title and header rows stay in view"
    );
    let widths: Vec<f64> = parse_xml(&sheet)
        .find("col")
        .iter()
        .map(|c| c.attr("width").unwrap().parse().unwrap())
        .collect();
    assert!(
        widths.len() >= 3 && widths[2] > widths[1] && widths[1] > widths[0],
        "column widths are set: {widths:?}"
    );
}

// ----- CSV, Markdown, HTML ----------------------------------------------------

#[test]
fn csv_is_flat_utf8_with_bom_and_one_line_per_theme() {
    let table = sample(true, true);
    let (_dir, path) = written(&table, TableFormat::Csv, Some("ignored"));
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a UTF-8 byte-order mark lets Excel read the file as UTF-8"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "group",
            "section",
            "theme",
            "description",
            "quotes",
            "passages",
            "sources",
            "cases"
        ]
    );
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(
        records.len(),
        4,
        "one line per theme row; headings are columns, not lines"
    );
    assert_eq!(
        records[1],
        [
            "Mentee response",
            "Themes indicating positive influence",
            "Mentor qualities: Approachable",
            "Easy to talk to | no question too basic",
            "“No question is too *basic* for her.\nReally.” — End-of-program survey",
            "4",
            "2",
            "4"
        ]
    );
    assert_eq!(
        records[0][4],
        "“We're both interested in lupus <and> vasculitis.” — Mid-program survey, ME-003\n“She is also an \"IMG\", so she understood.” — Focus group, Łukasz Wiśniewski",
        "quotes share a field, one per line"
    );
    assert_eq!(
        records[3][0], "Mentor response",
        "the group is repeated on each of its rows"
    );

    let plain = sample(false, false);
    let (_dir, path) = written(&plain, TableFormat::Csv, None);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("\u{feff}group,section,theme,description,quotes\r\n"),
        "no count columns without counts: {text}"
    );
}

#[test]
fn markdown_has_a_heading_per_group_and_section_and_escaped_pipe_tables() {
    let (_dir, path) = written(
        &sample(true, false),
        TableFormat::Markdown,
        Some("Table 1. Themes"),
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let expected = "\
# Table 1. Themes

## Mentee response

### Themes indicating positive influence

| Theme | Description of theme | Representative quotes | Passages (sources, cases) |
| --- | --- | --- | --- |
| Similar interests | Shared professional interests \\& background | “We're both interested in lupus \\<and\\> vasculitis.”<br> “She is also an \"IMG\", so she understood.” | 7 (3, 6) |
| Mentor qualities: Approachable | Easy to talk to \\| no question too basic | “No question is too \\*basic\\* for her.<br> Really.” | 4 (2, 4) |

### Themes indicating negative influence

| Theme | Description of theme | Representative quotes | Passages (sources, cases) |
| --- | --- | --- | --- |
| Inadequate communication | Slow or missing replies | “He missed 3 of our 4 calls.” | 5 (2, 3) |

## Mentor response

### Themes indicating positive influence

| Theme | Description of theme | Representative quotes | Passages (sources, cases) |
| --- | --- | --- | --- |
| Rewards of mentoring | What mentors gain |  | 0 (0, 0) |
";
    assert_eq!(text, expected);
}

#[test]
fn markdown_without_groups_uses_second_level_section_headings() {
    let mut table = sample(false, false);
    table.groups.truncate(1);
    table.groups[0].heading = None;
    let (_dir, path) = written(&table, TableFormat::Markdown, None);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("## Themes indicating positive influence\n\n| Theme |"),
        "{text}"
    );
}

#[test]
fn html_is_self_contained_escaped_and_uses_colspan_headings() {
    let table = sample(true, true);
    let (_dir, path) = written(
        &table,
        TableFormat::Html,
        Some("Table 1. <Themes> & quotes"),
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "a complete document");
    for forbidden in [
        "<script", "<link", "<img", "src=", "href=", "http://", "https://", "@import", "url(",
    ] {
        assert!(
            !html.contains(forbidden),
            "no scripts or external resources ({forbidden})"
        );
    }
    assert!(html.contains("<style>"), "styles are inline");
    assert_eq!(html.matches("<table").count(), 1, "one table");
    assert!(
        html.contains("<caption>Table 1. &lt;Themes&gt; &amp; quotes</caption>"),
        "the title is the escaped caption"
    );
    assert!(
        html.contains("<thead>\n<tr><th scope=\"col\">Theme</th><th scope=\"col\">Description of theme</th><th scope=\"col\">Representative quotes</th><th scope=\"col\">Passages (sources, cases)</th></tr>\n</thead>"),
        "the header row is in <thead>"
    );
    assert!(
        html.contains(
            "<tr class=\"group\"><th colspan=\"4\" scope=\"colgroup\">Mentee response</th></tr>"
        ),
        "a group heading spans all columns"
    );
    assert!(
        html.contains("<tr class=\"section\"><th colspan=\"4\" scope=\"colgroup\">Themes indicating negative influence</th></tr>"),
        "a section heading spans all columns"
    );
    assert!(
        html.contains("<td class=\"quotes\"><p>“We&#39;re both interested in lupus &lt;and&gt; vasculitis.” — Mid-program survey, ME-003</p><p>“She is also an &quot;IMG&quot;, so she understood.” — Focus group, Łukasz Wiśniewski</p></td>"),
        "each quote is an escaped paragraph"
    );
    assert!(
        html.contains("Shared professional interests &amp; background"),
        "descriptions are escaped"
    );
    assert!(
        html.contains("“No question is too *basic* for her.<br>Really.”"),
        "a line break inside a quote is kept"
    );
    assert!(!html.contains("<and>"), "no raw markup from the data");
}

#[test]
fn a_failed_export_leaves_no_file_and_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-folder").join("t.docx");
    let err = write_theme_table(&sample(false, false), TableFormat::Docx, &path, None).unwrap_err();
    assert_eq!(err.kind(), "io");
    assert!(
        err.to_string().contains("missing-folder"),
        "the message names the file: {err}"
    );

    // Replacing an existing export keeps no temporary file beside it.
    let path = dir.path().join("t.md");
    std::fs::write(&path, "old").unwrap();
    write_theme_table(&sample(false, false), TableFormat::Markdown, &path, None).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["t.md"]);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Similar interests")
    );
}

// ----- from a project: theme table end to end on the v2 fixture ------------

/// The current-version fixture: one source ("Interview ME-001"), coders Amara
/// and Jonas who both coded "Approachable", and one consensus passage of it
/// ("always kind").
fn fixture_project(dir: &Path) -> Project {
    let path = copy_fixture(
        &format!("schema/v{}.accord", accord_engine::SCHEMA_VERSION),
        dir,
    );
    Project::open(path).unwrap()
}

#[test]
fn a_project_theme_table_is_written_in_every_format() {
    // The fixture's theme "Mentor qualities" (influence = positive) holds the
    // code of that name; its child "Approachable" has the consensus passage
    // "always kind", starred as the theme's quote; its case ME-001 has
    // role = mentee. Putting "Approachable" in the theme brings the passage in.
    let dir = tempfile::tempdir().unwrap();
    let mut p = fixture_project(dir.path());
    let theme = p.themes().unwrap().remove(0).id;
    let approachable = p.resolve_code("Approachable").unwrap().id;
    p.assign_code(approachable, Some(theme), 1).unwrap();
    let options = ThemeTableOptions {
        group_by: Some("role".into()),
        split_by: Some("influence".into()),
        quotes: QuoteSelection::Starred,
        counts: true,
        quote_sources: true,
        ..Default::default()
    };
    let table = p.theme_table(&options).unwrap();
    for format in TableFormat::ALL {
        let path = dir.path().join(format!("themes.{}", format.extension()));
        write_theme_table(&table, format, &path, Some("Table 1")).unwrap();
        let content = match format {
            TableFormat::Docx => parse_xml(&zip_part(&path, "word/document.xml")).text(),
            TableFormat::Xlsx => parse_xml(&zip_part(&path, "xl/sharedStrings.xml")).text(),
            _ => std::fs::read_to_string(&path).unwrap(),
        };
        for wanted in [
            "Mentee response",
            "Themes indicating positive influence",
            "Mentor qualities",
            "Valued traits",
            "“always kind” — Interview ME-001, ME-001",
        ] {
            assert!(
                content.contains(wanted),
                "{format:?} shows {wanted:?}: {content}"
            );
        }
    }
}

// ----- codebook ---------------------------------------------------------------

fn new_project(dir: &Path, name: &str) -> Project {
    Project::create(dir.join(name)).unwrap()
}

/// The codebook as (path, description, inclusion, exclusion, example, colour), in tree order.
fn tree(p: &Project) -> Vec<[String; 6]> {
    let codes = p.codes().unwrap();
    codes
        .iter()
        .map(|c| {
            let mut path = vec![c.name.clone()];
            let mut parent = c.parent;
            while let Some(id) = parent {
                let x = codes.iter().find(|x| x.id == id).unwrap();
                path.insert(0, x.name.clone());
                parent = x.parent;
            }
            [
                path.join("/"),
                c.description.clone(),
                c.inclusion.clone(),
                c.exclusion.clone(),
                c.example.clone(),
                c.color.clone(),
            ]
        })
        .collect()
}

#[test]
fn the_demo_codebook_imports_with_its_tree() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path(), "demo.accord");
    let report = p
        .import_codebook_csv(&fixture("demo/codebook.csv"))
        .unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (21, 0, 0),
        "21 codes are created"
    );
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let t = tree(&p);
    assert_eq!(t.len(), 21);
    assert_eq!(t[0][0], "Similar interests");
    assert_eq!(
        t[1][0], "Similar interests/Shared professional interests",
        "children follow their parent"
    );
    assert_eq!(t[1][5], "#5fae6e", "colours are kept");
    let balance = t
        .iter()
        .find(|r| r[0] == "Work–life balance")
        .expect("non-ASCII names survive");
    assert!(
        balance[2].starts_with("Parenthood, part-time"),
        "fields are read: {balance:?}"
    );
    assert!(
        t.iter().find(|r| r[0] == "Similar interests").unwrap()[2].contains("(\"we just clicked\""),
        "doubled quotes in a field are read as quotes"
    );
    assert!(
        p.audit_log(1).unwrap()[0].action == "codebook.import",
        "the import is logged"
    );

    // The same file again changes nothing.
    let again = p
        .import_codebook_csv(&fixture("demo/codebook.csv"))
        .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 21));
    assert_eq!(tree(&p), t);
}

#[test]
fn codebook_csv_export_imports_back_into_an_empty_project_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = new_project(dir.path(), "a.accord");
    a.import_codebook_csv(&fixture("demo/codebook.csv"))
        .unwrap();
    // A repeated name, so that a parent must be written as a path, and text with
    // line breaks, commas and quotes.
    let career = a.resolve_code("Career development").unwrap().id;
    let guidance = a.resolve_code("Career guidance").unwrap().id;
    a.create_code(
        Some(guidance),
        &CodeFields {
            name: Some("Other".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let other = a
        .create_code(
            Some(career),
            &CodeFields {
                name: Some("Other".into()),
                ..Default::default()
            },
        )
        .unwrap();
    a.create_code(
        Some(other.id),
        &CodeFields {
            name: Some("Under the second Other".into()),
            description: Some("Line one,\n\"line two\"".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let file = dir.path().join("codebook.csv");
    a.export_codebook(&file, CodebookFormat::Csv, CodebookCounts::None)
        .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("\u{feff}name,parent,description,inclusion,exclusion,example,color\r\n"),
        "{text}"
    );
    assert!(
        text.contains("Under the second Other,Career development/Other,"),
        "a parent whose name is not unique is written as its path"
    );

    let mut b = new_project(dir.path(), "b.accord");
    let report = b.import_codebook_csv(&file).unwrap();
    assert_eq!(report.created, 24);
    assert_eq!(tree(&b), tree(&a), "same tree, order and fields");
}

#[test]
fn codebook_markdown_and_docx_show_every_definition() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path(), "study.accord");
    p.import_codebook_csv(&fixture("demo/codebook.csv"))
        .unwrap();

    let md = dir.path().join("codebook.md");
    p.export_codebook(&md, CodebookFormat::Markdown, CodebookCounts::None)
        .unwrap();
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# Codebook: study\n\n## Similar interests\n\n**Description.** The mentee and mentor share"), "{text}");
    assert!(
        text.contains("\n### Shared professional interests\n"),
        "a child code is one heading level down"
    );
    assert!(
        text.contains("**Example.** “We were on the same wavelength from the first call.”"),
        "examples are quoted"
    );
    assert!(text.contains("**Colour.** `#2f7d4a`"));
    assert_eq!(
        text.matches("\n## ").count() + text.matches("\n### ").count(),
        21,
        "a heading per code"
    );

    let docx = dir.path().join("codebook.docx");
    p.export_codebook(&docx, CodebookFormat::Docx, CodebookCounts::None)
        .unwrap();
    let doc = parse_xml(&zip_part(&docx, "word/document.xml"));
    let paragraphs = doc.find("w:p");
    let style = |p: &El| {
        p.child("w:pPr")
            .and_then(|x| x.child("w:pStyle"))
            .and_then(|s| s.attr("w:val"))
            .map(String::from)
    };
    let headings: Vec<(String, String)> = paragraphs
        .iter()
        .filter_map(|p| {
            style(p)
                .filter(|s| s.starts_with("Heading"))
                .map(|s| (s, p.text()))
        })
        .collect();
    assert_eq!(headings.len(), 21, "a heading per code");
    assert_eq!(
        headings[0],
        ("Heading1".into(), "■ Similar interests".into())
    );
    assert_eq!(
        headings[1],
        ("Heading2".into(), "■ Shared professional interests".into()),
        "children are a level down"
    );
    let all: Vec<String> = paragraphs.iter().map(|p| p.text()).collect();
    assert!(
        all.iter()
            .any(|t| t.starts_with("Exclusion: Statements that the match was poor")),
        "labelled definition paragraphs"
    );
    assert!(
        zip_part(&docx, "word/styles.xml").contains("Heading 1"),
        "headings are Word heading styles (navigation pane)"
    );
}

#[test]
fn codebook_counts_respect_blindness() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = fixture_project(dir.path());
    let amara = p.coder_by_name("Amara").unwrap().id;
    let csv_of = |p: &Project, counts| {
        let bytes = p.render_codebook(CodebookFormat::Csv, counts).unwrap();
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        (header, rows)
    };

    let (header, rows) = csv_of(&p, CodebookCounts::Coders);
    assert_eq!(
        &header[7..],
        [
            "codings (Amara)",
            "sources (Amara)",
            "cases (Amara)",
            "codings (Jonas)",
            "sources (Jonas)",
            "cases (Jonas)"
        ]
    );
    assert_eq!(rows[1][0], "Approachable");
    assert_eq!(
        &rows[1][7..],
        ["1", "1", "1", "1", "1", "1"],
        "each coder coded Approachable once"
    );
    assert_eq!(
        &rows[0][7..],
        ["0", "0", "0", "0", "0", "0"],
        "unused codes count zero"
    );

    let (header, rows) = csv_of(&p, CodebookCounts::Consensus);
    assert_eq!(
        &header[7..],
        [
            "passages (consensus)",
            "sources (consensus)",
            "cases (consensus)"
        ]
    );
    assert_eq!(&rows[1][7..], ["1", "1", "1"]);

    p.set_phase(Phase::Independent).unwrap();
    for counts in [CodebookCounts::Coders, CodebookCounts::Consensus] {
        let err = p
            .render_codebook(CodebookFormat::Markdown, counts)
            .unwrap_err();
        assert_eq!(
            err.kind(),
            "not_allowed",
            "{counts:?} would show another coder's work during independent coding"
        );
    }
    let file = dir.path().join("mine.md");
    p.export_codebook(
        &file,
        CodebookFormat::Markdown,
        CodebookCounts::Coder(amara),
    )
    .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("**Counts.** Amara: 1 coding in 1 source, 1 case."),
        "a coder's own counts: {text}"
    );
    assert!(!text.contains("Jonas"), "no other coder appears");
}

// ----- codebook import: what is refused and what is understood -----------------

fn import(
    p: &mut Project,
    dir: &Path,
    name: &str,
    content: &[u8],
) -> accord_engine::Result<accord_engine::CodebookImportReport> {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    p.import_codebook_csv(&path)
}

#[test]
fn a_bad_codebook_changes_nothing_and_reports_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path(), "p.accord");
    p.import_codebook_csv(&fixture("demo/codebook.csv"))
        .unwrap();
    let before = tree(&p);
    let log_before = p.audit_log(1000).unwrap().len();
    let file = "\
name,parent,color,description
Fine,,#123456,a good row
,Fine,,no name
Orphan,Nowhere,,
Loop A,Loop B,,
Loop B,Loop A,,
Blue,,blue,
Similar interests,,,updated but the file is bad
Fine,,,the same code again
Self,Self,,
Under loop,Loop A,,
";
    let err = import(&mut p, dir.path(), "bad.csv", file.as_bytes()).unwrap_err();
    let accord_engine::Error::Import { file, problems } = &err else {
        panic!("an import error: {err}")
    };
    assert_eq!(file, "bad.csv");
    let places: Vec<&str> = problems.iter().map(|p| p.place.as_str()).collect();
    assert_eq!(
        places,
        [
            "row 3", "row 4", "row 5", "row 6", "row 7", "row 9", "row 10", "row 11"
        ],
        "{problems:#?}"
    );
    let says = |row: &str, what: &str| {
        let m = &problems.iter().find(|p| p.place == row).unwrap().message;
        assert!(m.contains(what), "{row}: {m:?} says {what:?}");
    };
    says("row 3", "no name");
    says("row 4", "\"Nowhere\"");
    says("row 5", "parent cycle");
    says("row 6", "parent cycle");
    says("row 7", "#rrggbb");
    says("row 9", "row 2");
    says("row 10", "its own parent");
    says("row 11", "cycle");
    assert_eq!(tree(&p), before, "nothing was changed");
    assert_eq!(
        p.audit_log(1000).unwrap().len(),
        log_before,
        "nothing was logged"
    );
}

#[test]
fn parents_may_come_later_by_path_or_from_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path(), "p.accord");
    p.import_codebook_csv(&fixture("demo/codebook.csv"))
        .unwrap();
    let file = "\
Colour,Notes,PARENT,Name,Definition
#aabbcc,x,Later,Early child,
,,Mentor qualities,Patient,Takes time
,,Mentor qualities/Patient,Very patient,
,,,Later,
,,,Similar interests,A new description
";
    let report = import(&mut p, dir.path(), "more.csv", file.as_bytes()).unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (4, 1, 0)
    );
    assert_eq!(
        report.warnings.len(),
        1,
        "the unknown column is reported: {:?}",
        report.warnings
    );
    assert!(report.warnings[0].message.contains("Notes"));
    let t = tree(&p);
    let get = |path: &str| {
        t.iter()
            .find(|r| r[0] == path)
            .unwrap_or_else(|| panic!("{path} exists: {t:#?}"))
            .clone()
    };
    assert_eq!(
        get("Later/Early child")[5],
        "#aabbcc",
        "a parent defined later in the file"
    );
    assert_eq!(
        get("Mentor qualities/Patient")[1],
        "Takes time",
        "a parent already in the project"
    );
    get("Mentor qualities/Patient/Very patient");
    let similar = get("Similar interests");
    assert_eq!(
        similar[1], "A new description",
        "an existing code's definition is updated"
    );
    assert!(
        similar[2].starts_with("Use a child code"),
        "columns absent from the file are left as they were"
    );
    assert_eq!(similar[5], "#2f7d4a", "an empty colour keeps the colour");
}

#[test]
fn ambiguous_parents_and_missing_name_column_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path(), "p.accord");
    let err = import(
        &mut p,
        dir.path(),
        "x.csv",
        b"code,parent\nA,\nB,\nOther,A\nOther,B\nChild,Other\n",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("row 6") && err.to_string().contains("\"A/Other\""),
        "{err}"
    );
    let err = import(&mut p, dir.path(), "y.csv", b"title,description\nA,x\n").unwrap_err();
    assert!(err.to_string().contains("no \"name\" column"), "{err}");
    let err = import(&mut p, dir.path(), "z.csv", b"").unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    assert!(p.codes().unwrap().is_empty(), "nothing was created");
}

#[test]
fn windows_1252_semicolon_codebooks_from_excel_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = new_project(dir.path(), "p.accord");
    // "Work–life balance" with an en dash (0x96) and "Café" (0xE9), as Excel
    // on Windows saves "CSV (semicolon)".
    let report = import(
        &mut p,
        dir.path(),
        "excel.csv",
        b"name;description\r\nWork\x96life balance;Caf\xE9 talks\r\n",
    )
    .unwrap();
    assert_eq!(report.created, 1);
    let code = p.resolve_code("Work–life balance").unwrap();
    assert_eq!(code.description, "Café talks");
}
