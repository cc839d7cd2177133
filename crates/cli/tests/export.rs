//! `accord themes export` and `accord codebook export|import`, run as a user runs them.

mod common;
use common::{accord, fixture, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Command;

use accord_engine::{Phase, Project};

fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// The current-version fixture with its theme "Mentor qualities" holding
/// "Approachable", whose consensus passage "always kind" is the theme's
/// starred quote (case ME-001, role = mentee).
fn project_with_a_theme(dir: &Path) -> PathBuf {
    let path = dir.join("study.accord");
    std::fs::copy(
        fixture(&format!("schema/v{}.accord", accord_engine::SCHEMA_VERSION)),
        &path,
    )
    .unwrap();
    let mut p = Project::open(&path).unwrap();
    let theme = p.themes().unwrap().remove(0).id;
    let approachable = p.resolve_code("Approachable").unwrap().id;
    p.assign_code(approachable, Some(theme), 1).unwrap();
    path
}

#[test]
fn themes_export_writes_every_format_and_says_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_a_theme(dir.path());
    for ext in ["docx", "xlsx", "csv", "md", "html"] {
        let out = dir.path().join(format!("Table 1.{ext}"));
        let o = accord(&[
            "themes",
            "export",
            s(&project),
            "--out",
            s(&out),
            "--group-by",
            "role",
            "--split-by",
            "influence",
            "--quotes",
            "starred",
            "--counts",
            "--sources",
            "--title",
            "Table 1. Themes and representative quotes",
        ]);
        assert!(o.status.success(), "{ext}: {}", stderr(&o));
        assert_eq!(
            stdout(&o),
            format!("wrote {}: 1 theme row, 1 quote, 1 group\n", out.display()),
            "{ext}: a one-line summary"
        );
        assert!(
            std::fs::metadata(&out).unwrap().len() > 0,
            "{ext}: the file is written"
        );
    }
    let md = std::fs::read_to_string(dir.path().join("Table 1.md")).unwrap();
    assert!(
        md.starts_with("# Table 1. Themes and representative quotes\n\n## Mentee response\n\n"),
        "{md}"
    );
    assert!(md.contains("| Mentor qualities | Valued traits | “always kind” — Interview ME-001, ME-001 | 1 (1, 1) |"), "{md}");

    // --format overrides the extension; --quotes takes a number.
    let out = dir.path().join("table.txt");
    let o = accord(&[
        "themes",
        "export",
        s(&project),
        "--format",
        "md",
        "--out",
        s(&out),
        "--quotes",
        "0",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("0 quotes"),
        "at most 0 quotes per row: {}",
        stdout(&o)
    );
}

#[test]
fn themes_export_refuses_what_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_a_theme(dir.path());
    let pdf = dir.path().join("t.pdf");
    let o = accord(&["themes", "export", s(&project), "--out", s(&pdf)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("cannot tell the format"),
        "{}",
        stderr(&o)
    );
    assert!(!pdf.exists(), "nothing is written");

    let o = accord(&[
        "themes",
        "export",
        s(&project),
        "--out",
        s(&dir.path().join("t.md")),
        "--quotes",
        "some",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("not starred, all or a number"),
        "{}",
        stderr(&o)
    );

    let missing = dir.path().join("no-folder").join("t.docx");
    let o = accord(&["themes", "export", s(&project), "--out", s(&missing)]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no-folder"),
        "the error names the file: {}",
        stderr(&o)
    );
}

#[test]
fn codebook_import_then_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.accord");
    let b = dir.path().join("b.accord");
    for p in [&a, &b] {
        assert!(accord(&["new", s(p)]).status.success());
    }
    let demo = fixture("demo/codebook.csv");
    let o = accord(&["codebook", "import", s(&a), s(&demo)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        format!(
            "imported {}: 21 created, 0 updated, 0 unchanged\n",
            demo.display()
        )
    );

    let first = dir.path().join("first.csv");
    let o = accord(&["codebook", "export", s(&a), s(&first)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("wrote {}: 21 codes\n", first.display()));

    let o = accord(&["codebook", "import", s(&b), s(&first)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("21 created"), "{}", stdout(&o));
    let second = dir.path().join("second.csv");
    assert!(
        accord(&["codebook", "export", s(&b), s(&second)])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap(),
        "the same codebook, byte for byte"
    );

    for (file, format) in [
        ("book.md", None),
        ("book.docx", None),
        ("book.txt", Some("md")),
    ] {
        let out = dir.path().join(file);
        let mut args = vec!["codebook", "export", s(&a), s(&out)];
        if let Some(f) = format {
            args.extend(["--format", f]);
        }
        let o = accord(&args);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        assert!(out.exists(), "{file} is written");
    }
}

#[test]
fn a_bad_codebook_is_refused_with_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.accord");
    assert!(accord(&["new", s(&project)]).status.success());
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "name,parent,color,remarks\nA,,#12345z,\n,A,,\nB,Nowhere,,\n",
    )
    .unwrap();
    let o = accord(&["codebook", "import", s(&project), s(&bad)]);
    assert!(!o.status.success(), "a bad file is refused");
    let err = stderr(&o);
    for row in ["row 2", "row 3", "row 4"] {
        assert!(
            err.contains(row),
            "every bad row is reported ({row}): {err}"
        );
    }
    let o = accord(&["info", s(&project), "--json"]);
    let info: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(info["codes"], 0, "nothing was imported");

    let ok = dir.path().join("ok.csv");
    std::fs::write(&ok, "name,remarks\nA,x\n").unwrap();
    let o = accord(&["codebook", "import", s(&project), s(&ok)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning") && stderr(&o).contains("remarks"),
        "unknown columns are warned about: {}",
        stderr(&o)
    );
}

#[test]
fn codebook_counts_follow_the_blindness_rule() {
    let dir = tempfile::tempdir().unwrap();
    let project = project_with_a_theme(dir.path());
    let out = dir.path().join("book.csv");
    let o = accord(&["codebook", "export", s(&project), s(&out), "--all-coders"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("codings (Amara)") && text.contains("codings (Jonas)"),
        "{text}"
    );

    Project::open(&project)
        .unwrap()
        .set_phase(Phase::Independent)
        .unwrap();
    for flag in ["--all-coders", "--consensus"] {
        let o = accord(&["codebook", "export", s(&project), s(&out), flag]);
        assert!(
            !o.status.success(),
            "{flag} is refused during independent coding"
        );
        assert!(stderr(&o).contains("blind"), "{}", stderr(&o));
    }
    let o = accord(&["codebook", "export", s(&project), s(&out), "--as", "jonas"]);
    assert!(o.status.success(), "a coder's own counts: {}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("codings (Jonas)") && !text.contains("Amara"),
        "{text}"
    );

    let o = accord(&[
        "codebook",
        "export",
        s(&project),
        s(&out),
        "--as",
        "Jonas",
        "--consensus",
    ]);
    assert!(
        !o.status.success(),
        "--as and --consensus exclude each other"
    );
}

/// The text of an exported file with markup, escapes and all whitespace
/// removed, so that a quote broken over lines or runs still reads as one.
fn squashed_text(path: &Path) -> String {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let unzip = |entry: &str| {
        let o = Command::new("unzip")
            .arg("-p")
            .arg(path)
            .arg(entry)
            .output()
            .expect("the unzip command runs (it reads the Word and Excel files back)");
        assert!(o.status.success(), "{} holds {entry}", path.display());
        String::from_utf8(o.stdout).expect("the XML is UTF-8")
    };
    let raw = match ext {
        "docx" => unzip("word/document.xml"),
        "xlsx" => {
            let mut x = unzip("xl/worksheets/sheet1.xml");
            if let Ok(o) = Command::new("unzip")
                .arg("-p")
                .arg(path)
                .arg("xl/sharedStrings.xml")
                .output()
                && o.status.success()
            {
                x.push_str(&String::from_utf8_lossy(&o.stdout));
            }
            x
        }
        _ => std::fs::read_to_string(path).expect("the export is UTF-8"),
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in raw.chars() {
        match c {
            '<' if ext != "csv" => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let mut text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    if ext == "md" {
        // Markdown escapes ASCII punctuation with a backslash.
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
                out.push(chars.next().unwrap());
            } else {
                out.push(c);
            }
        }
        text = out;
    }
    if ext == "csv" {
        text = text.replace("\"\"", "\"");
    }
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Issue 6, "Done when": the CLI exports every format from the demo study
/// and each is checked against the table the engine builds.
#[test]
fn every_format_of_the_demo_study_carries_its_theme_table() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.accord");
    let o = accord(&["demo", s(&demo)]);
    assert!(o.status.success(), "{}", stderr(&o));

    let options = accord_engine::ThemeTableOptions {
        group_by: Some("role".into()),
        split_by: Some("influence".into()),
        quotes: accord_engine::QuoteSelection::Starred,
        counts: true,
        quote_sources: true,
        group_heading: None,
        split_heading: None,
    };
    let table = Project::open(&demo).unwrap().theme_table(&options).unwrap();
    let rows: Vec<_> = table
        .groups
        .iter()
        .flat_map(|g| g.sections.iter().flat_map(|s| &s.rows))
        .collect();
    assert!(rows.len() >= 10, "the demo's themes fill the table");
    let quotes: Vec<_> = rows.iter().flat_map(|r| &r.quotes).collect();
    assert!(quotes.len() >= 20, "the demo has starred quotes");
    let headings: Vec<String> = table
        .groups
        .iter()
        .flat_map(|g| {
            g.heading
                .iter()
                .cloned()
                .chain(g.sections.iter().filter_map(|s| s.heading.clone()))
        })
        .collect();
    assert!(
        headings.iter().any(|h| h == "Mentee response")
            && headings.iter().any(|h| h == "Mentor response")
            && headings
                .iter()
                .any(|h| h == "Themes indicating negative influence"),
        "grouped by role and split by influence: {headings:?}"
    );

    for ext in ["docx", "xlsx", "csv", "md", "html"] {
        let out = dir.path().join(format!("themes.{ext}"));
        let o = accord(&[
            "themes",
            "export",
            s(&demo),
            "--out",
            s(&out),
            "--group-by",
            "role",
            "--split-by",
            "influence",
            "--quotes",
            "starred",
            "--counts",
            "--sources",
            "--title",
            "Table 2. Themes",
        ]);
        assert!(o.status.success(), "{ext}: {}", stderr(&o));
        let text = squashed_text(&out);
        if ext != "csv" {
            // A CSV file is the table alone: a title line would be read as a row.
            assert!(
                text.contains("Table2.Themes"),
                "{ext}: the title is printed"
            );
        }
        // CSV is long-format data (group, section, theme, description, quotes, counts).
        for column in table.columns.iter().filter(|_| ext != "csv") {
            assert!(
                text.contains(&squash(column)),
                "{ext}: the column \"{column}\" is there"
            );
        }
        // Headings in the order of the model: groups, then their splits. An
        // Excel file keeps its strings once each in a shared table, so there
        // only their presence can be read without parsing cell references.
        for h in &headings {
            assert!(
                text.contains(&squash(h)),
                "{ext}: the heading \"{h}\" is printed"
            );
        }
        let mut from = 0;
        for h in headings.iter().filter(|_| ext != "xlsx") {
            let at = text[from..]
                .find(&squash(h))
                .unwrap_or_else(|| panic!("{ext}: the heading \"{h}\" follows the one before it"));
            from += at + squash(h).len();
        }
        for r in &rows {
            assert!(
                text.contains(&squash(&r.theme)),
                "{ext}: the theme \"{}\" has a row",
                r.theme
            );
            assert!(
                text.contains(&squash(&r.description)),
                "{ext}: the description of \"{}\" is printed",
                r.theme
            );
        }
        for q in &quotes {
            let t = q.text.trim();
            let inner = t
                .strip_prefix('“')
                .and_then(|x| x.strip_suffix('”'))
                .unwrap_or(t);
            assert!(
                text.contains(&squash(&format!("“{inner}”"))),
                "{ext}: the quote \"{inner}\" is printed in quotation marks"
            );
            assert!(
                text.contains(&squash(&q.source)),
                "{ext}: the quote's source is printed"
            );
        }
        if ext == "docx" {
            let xml = Command::new("unzip")
                .arg("-p")
                .arg(&out)
                .arg("word/document.xml")
                .output()
                .unwrap();
            let xml = String::from_utf8_lossy(&xml.stdout);
            assert!(xml.contains("<w:tbl>"), "docx: a real Word table");
            assert!(
                xml.contains("<w:tblHeader"),
                "docx: the header row repeats on each page"
            );
            assert!(
                xml.contains("w:gridSpan"),
                "docx: group headings are merged rows"
            );
        }
        if ext == "xlsx" {
            let xml = Command::new("unzip")
                .arg("-p")
                .arg(&out)
                .arg("xl/worksheets/sheet1.xml")
                .output()
                .unwrap();
            assert!(
                String::from_utf8_lossy(&xml.stdout).contains("<mergeCell "),
                "xlsx: group headings span the columns"
            );
        }
    }

    // The codebook, in each of its formats, with consensus counts.
    let codes = Project::open(&demo).unwrap().codes().unwrap();
    for ext in ["csv", "md", "docx"] {
        let out = dir.path().join(format!("codebook.{ext}"));
        let o = accord(&["codebook", "export", s(&demo), s(&out), "--consensus"]);
        assert!(o.status.success(), "codebook {ext}: {}", stderr(&o));
        let text = squashed_text(&out);
        for c in &codes {
            assert!(
                text.contains(&squash(&c.name)),
                "codebook {ext}: the code \"{}\" is there",
                c.name
            );
            assert!(
                text.contains(&squash(&c.description)),
                "codebook {ext}: the definition of \"{}\" is there",
                c.name
            );
        }
    }
}
