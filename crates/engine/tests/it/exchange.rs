//! REFI-QDA exchange: exports that validate against the schemas, round trips
//! that lose nothing, real files of other programs, hostile files, merging.
//!
//! Every file Accord writes here is checked with the REFI-QDA validator
//! (`fixtures/refi-qda/schema/validate.py`, run by the `.venv` that
//! `scripts/setup` makes).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use accord_engine::{
    AttributeType, Cancel, CodeFields, CodingFilter, ExchangeReport, Phase, Project, SourceId,
};
use rusqlite::params;

use crate::fixture;

// ----- helpers ------------------------------------------------------------

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the REFI-QDA validator on `files`; fails the test with its output.
fn validate(files: &[&Path]) {
    let root = repo_root();
    let python = root.join(".venv/bin/python");
    assert!(
        python.exists(),
        "the REFI-QDA validator needs {}; run scripts/setup (it creates .venv with xmlschema)",
        python.display()
    );
    let out = std::process::Command::new(&python)
        .arg(root.join("fixtures/refi-qda/schema/validate.py"))
        .args(files)
        .output()
        .expect("the validator runs");
    assert!(
        out.status.success(),
        "every exported file must validate against the REFI-QDA schemas:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Code point span of `needle` in `text`.
fn span(text: &str, needle: &str) -> (i64, i64) {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is in the text"));
    let start = text[..byte].chars().count() as i64;
    (start, start + needle.chars().count() as i64)
}

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

fn zip_entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn db(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    conn
}

fn not_carried_mentions(report: &ExchangeReport, words: &str) -> bool {
    report.not_carried.iter().any(|n| n.contains(words))
}

fn warned(report: &ExchangeReport, words: &str) -> bool {
    report
        .warnings
        .iter()
        .any(|w| w.to_string().contains(words))
}

// ----- a project with a little of everything ----------------------------------

const SURVEY: &str = "We both loved hiking 🥾 and talked for hours.\n\nMy mentor, José, always had time — even on weekends.\n\n她总是很耐心。Always patient.";
const TRANSCRIPT: &str = "MODERATOR: Welcome everyone.\nAMARA B.: I felt heard. Really heard.\nJONAS K.: Communication was rare; e\u{301}mails went unanswered.";
const NOTES: &str = "# Notes\nMy mentor was José — always kind 😀.\n\nWe met monthly.";

struct Rich {
    path: PathBuf,
}

/// Builds a project with sources of every kind (units with cases, speakers,
/// timestamps, questions), typed attributes, two coders' codings with memos,
/// memos of every target, consensus codings, decisions, themes and quotes.
fn rich_project(dir: &Path) -> Rich {
    let path = dir.join("mentorship.accord");
    drop(Project::create(&path).unwrap());
    {
        let conn = db(&path);
        let now = "2025-01-10T09:00:00.000Z";
        let cases = [
            ("R-001", "respondent"),
            ("R-002", "respondent"),
            ("R-003", "respondent"),
            ("Moderator", "moderator"),
            ("P-01", "participant"),
            ("P-02", "participant"),
            ("ME-001", "interviewee"),
        ];
        for (i, (name, role)) in cases.iter().enumerate() {
            conn.execute(
                "INSERT INTO cases(guid, name, role, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![
                    format!("5d1e2f3a-0000-4000-8000-00000000000{i}"),
                    name,
                    role,
                    now
                ],
            )
            .unwrap();
        }
        let attributes = [
            ("role", "categorical", None),
            (
                "My mentor was a good match",
                "ordinal",
                Some(r#"["Strongly disagree","Disagree","Neutral","Agree","Strongly agree"]"#),
            ),
            ("Age", "number", None),
            ("Year of training", "number", None),
            ("Interview date", "date", None),
            ("E-mail", "text", None),
        ];
        for (i, (name, kind, scale)) in attributes.iter().enumerate() {
            conn.execute(
                "INSERT INTO attributes(guid, name, type, scale, position) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![format!("5d1e2f3a-0000-4000-8000-0000000000a{i}"), name, kind, scale, i as i64],
            )
            .unwrap();
        }
        let values = [
            (1, 1, "mentee"),
            (2, 1, "mentee"),
            (3, 1, "mentor"),
            (1, 2, "Agree"),
            (2, 2, "Strongly agree"),
            (1, 3, "34"),
            (2, 3, "41"),
            (1, 4, "2.5"),
            (7, 5, "2024-03-05"),
            (7, 6, "me001@example.org"),
        ];
        for (case, attr, value) in values {
            conn.execute(
                "INSERT INTO case_attributes(case_id, attribute_id, value) VALUES (?1, ?2, ?3)",
                params![case, attr, value],
            )
            .unwrap();
        }
        let sources = [
            (
                "7e8f9a0b-0000-4000-8000-000000000001",
                "survey",
                "What made the match work?",
                "mentee-6m.csv",
                SURVEY,
            ),
            (
                "7e8f9a0b-0000-4000-8000-000000000002",
                "transcript",
                "Focus group",
                "focus-group.vtt",
                TRANSCRIPT,
            ),
            (
                "7e8f9a0b-0000-4000-8000-000000000003",
                "notes",
                "Interview ME-001",
                "me-001.md",
                NOTES,
            ),
        ];
        for (i, (guid, kind, title, file, text)) in sources.iter().enumerate() {
            conn.execute(
                "INSERT INTO sources(guid, kind, title, file_name, text, char_len, content_hash, imported_at, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'x', '2025-01-10T09:01:00.000Z', ?7)",
                params![guid, kind, title, file, text, text.chars().count() as i64, i as i64],
            )
            .unwrap();
        }
        let unit = |source: i64, ordinal: i64, text: &str, piece: &str, kind: &str, case: i64| {
            let (s, e) = span(text, piece);
            conn.execute(
                "INSERT INTO units(source_id, ordinal, start, end, kind, case_id, question) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![source, ordinal, s, e, kind, case, (kind == "response").then_some("What made the match work?")],
            )
            .unwrap();
        };
        unit(
            1,
            0,
            SURVEY,
            "We both loved hiking 🥾 and talked for hours.",
            "response",
            1,
        );
        unit(
            1,
            1,
            SURVEY,
            "My mentor, José, always had time — even on weekends.",
            "response",
            2,
        );
        unit(1, 2, SURVEY, "她总是很耐心。Always patient.", "response", 3);
        unit(3, 0, NOTES, "# Notes", "heading", 7);
        unit(
            3,
            1,
            NOTES,
            "My mentor was José — always kind 😀.",
            "paragraph",
            7,
        );
        unit(3, 2, NOTES, "We met monthly.", "paragraph", 7);
        for (ordinal, (line, speaker, case, ms)) in [
            ("MODERATOR: Welcome everyone.", "MODERATOR", 4, 0),
            (
                "AMARA B.: I felt heard. Really heard.",
                "AMARA B.",
                5,
                4_000,
            ),
            (
                "JONAS K.: Communication was rare; e\u{301}mails went unanswered.",
                "JONAS K.",
                6,
                9_500,
            ),
        ]
        .into_iter()
        .enumerate()
        {
            let (s, e) = span(TRANSCRIPT, line);
            conn.execute(
                "INSERT INTO units(source_id, ordinal, start, end, kind, case_id, speaker, start_ms, end_ms)
                 VALUES (2, ?1, ?2, ?3, 'turn', ?4, ?5, ?6, ?7)",
                params![ordinal as i64, s, e, case, speaker, ms, ms + 3_500],
            )
            .unwrap();
        }
    }

    let mut p = Project::open(&path).unwrap();
    let amara = p.add_coder("Amara").unwrap();
    let jonas = p.add_coder("Jonas").unwrap();
    let fields = |name: &str, description: &str, color: &str| CodeFields {
        name: Some(name.into()),
        description: Some(description.into()),
        color: Some(color.into()),
        ..CodeFields::default()
    };
    let qualities = p
        .create_code(
            None,
            &CodeFields {
                inclusion: Some(
                    "Any trait of the mentor the mentee names.\nInclusion criteria:\nnot a heading"
                        .into(),
                ),
                exclusion: Some("Traits of the program.".into()),
                example: Some("\"She always had time.\"\n\n— R-002".into()),
                ..fields(
                    "Mentor qualities",
                    "What mentees valued\tin their mentor 😀 & <more>",
                    "#4e79a7",
                )
            },
        )
        .unwrap();
    let approachable = p
        .create_code(
            Some(qualities.id),
            &fields("Approachable", "Kind, easy to talk to", "#59a14f"),
        )
        .unwrap();
    let available = p
        .create_code(Some(qualities.id), &fields("Available", "", "#f28e2b"))
        .unwrap();
    let _other_a = p
        .create_code(Some(qualities.id), &fields("Other", "", "#bab0ac"))
        .unwrap();
    let communication = p
        .create_code(None, &fields("Communication", "", "#e15759"))
        .unwrap();
    let inadequate = p
        .create_code(
            Some(communication.id),
            &fields("Inadequate communication", "Messages unanswered", "#b07aa1"),
        )
        .unwrap();
    let other_c = p
        .create_code(Some(communication.id), &fields("Other", "", "#9c755f"))
        .unwrap();

    let survey = SourceId(1);
    let transcript = SourceId(2);
    let notes = SourceId(3);
    let (s, e) = span(SURVEY, "always had time");
    let both = p
        .apply_codes(
            amara.id,
            survey,
            s,
            e,
            &[approachable.id, available.id],
            false,
        )
        .unwrap();
    for (c, memo) in both.iter().zip(["warm", "present\r\nand reachable"]) {
        p.update_coding(
            amara.id,
            c.id,
            &accord_engine::CodingChange {
                memo: Some(memo.into()),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let (s, e) = span(TRANSCRIPT, "Communication was rare");
    let c = p
        .apply_codes(amara.id, transcript, s, e, &[inadequate.id], false)
        .unwrap();
    p.update_coding(
        amara.id,
        c[0].id,
        &accord_engine::CodingChange {
            memo: Some("clear case".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let (s, e) = span(NOTES, "always kind 😀");
    p.apply_codes(amara.id, notes, s, e, &[approachable.id], false)
        .unwrap();
    let (s, e) = span(SURVEY, "José, always had time");
    p.apply_codes(jonas.id, survey, s, e, &[approachable.id], false)
        .unwrap();
    let (s, e) = span(TRANSCRIPT, "e\u{301}mails went unanswered");
    p.apply_codes(
        jonas.id,
        transcript,
        s,
        e,
        &[other_c.id, inadequate.id],
        false,
    )
    .unwrap();
    p.set_phase(Phase::Reconciliation).unwrap();
    drop(p);

    {
        let conn = db(&path);
        let (s, e) = span(SURVEY, "always had time");
        conn.execute(
            "INSERT INTO decisions(guid, discrepancy_key, source_id, code_id, kind, note, decided_by, decided_at)
             VALUES ('d0000000-0000-4000-8000-000000000001', 'k1', 1, ?1, 'keep_a', 'Amara''s span is tighter', 'team', '2025-02-01T10:00:00.000Z')",
            [approachable.id.0],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO consensus_codings(guid, code_id, source_id, start, end, memo, decision_id, created_at)
             VALUES ('c0000000-0000-4000-8000-000000000001', ?1, 1, ?2, ?3, 'kept Amara''s', 1, '2025-02-01T10:00:00.000Z')",
            params![approachable.id.0, s, e],
        )
        .unwrap();
        let (s, e) = span(TRANSCRIPT, "Communication was rare");
        conn.execute(
            "INSERT INTO consensus_codings(guid, code_id, source_id, start, end, agreement_key, created_at)
             VALUES ('c0000000-0000-4000-8000-000000000002', ?1, 2, ?2, ?3, 'agree:abc', '2025-02-01T10:05:00.000Z')",
            params![inadequate.id.0, s, e],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO themes(guid, name, description, created_at) VALUES ('e0000000-0000-4000-8000-000000000001', 'Mentor qualities', 'Valued traits', '2025-02-02T10:00:00.000Z')",
            [],
        )
        .unwrap();
        conn.execute("INSERT INTO theme_attributes(theme_id, name, value) VALUES (1, 'influence', 'positive')", []).unwrap();
        let (s, e) = span(SURVEY, "always had time");
        conn.execute(
            "INSERT INTO quotes(guid, theme_id, consensus_coding_id, source_id, start, end, original, created_at, updated_at)
             VALUES ('f0000000-0000-4000-8000-000000000001', 1, 1, 1, ?1, ?2, 'always had time', '2025-02-02T10:00:00.000Z', '2025-02-02T10:00:00.000Z')",
            params![s, e],
        )
        .unwrap();
        for (i, (kind, target, coder, title, text)) in [
            (
                "project",
                None,
                None,
                "Plan",
                "Code all three waves.\nThen reconcile.",
            ),
            (
                "source",
                Some(1),
                Some(1),
                "Survey note",
                "Many answers are short.",
            ),
            (
                "case",
                Some(2),
                Some(2),
                "About R-002",
                "Mentor changed in month 4.",
            ),
            (
                "code",
                Some(approachable.id.0),
                None,
                "Boundary",
                "Overlaps with Available.",
            ),
        ]
        .into_iter()
        .enumerate()
        {
            conn.execute(
                "INSERT INTO memos(guid, target_kind, target_id, coder_id, title, text, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, '2025-01-11T08:00:00.000Z', '2025-01-12T08:00:00.000Z')",
                params![format!("a0000000-0000-4000-8000-00000000000{i}"), kind, target, coder, title, text],
            )
            .unwrap();
        }
    }
    Rich { path }
}

// ----- what both projects say, read through the engine ------------------------

/// Everything the round trip must keep, in a form that compares across projects
/// (GUIDs and names instead of row ids).
fn snapshot(path: &Path) -> BTreeMap<&'static str, String> {
    let p = Project::open(path).unwrap();
    let mut out = BTreeMap::new();
    let codes = p.codes().unwrap();
    let code_guid = |id| {
        codes
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.guid.clone())
            .unwrap()
    };
    let sources = p.sources().unwrap();
    let source_guid = |id| {
        sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.guid.clone())
            .unwrap()
    };
    out.insert(
        "sources",
        format!(
            "{:#?}",
            sources
                .iter()
                .map(|s| (
                    &s.guid,
                    s.kind,
                    &s.title,
                    &s.file_name,
                    s.length,
                    s.units,
                    s.cases,
                    &s.imported_at
                ))
                .collect::<Vec<_>>()
        ),
    );
    let mut texts = String::new();
    for s in &sources {
        let t = p.source_text(s.id).unwrap();
        texts += &format!("{}\n{:?}\n", s.guid, t.text);
        for u in t.units {
            texts += &format!(
                "{} {}..{} {:?} {:?} {:?} {} {:?} {:?} {:?}\n",
                u.ordinal,
                u.start,
                u.end,
                u.kind,
                u.case_name,
                u.speaker,
                u.moderator,
                u.start_ms,
                u.end_ms,
                u.question
            );
        }
    }
    out.insert("texts and units", texts);
    out.insert(
        "codes",
        format!(
            "{:#?}",
            codes
                .iter()
                .map(|c| (
                    &c.guid,
                    c.parent.map(code_guid),
                    c.position,
                    &c.name,
                    &c.description,
                    &c.inclusion,
                    &c.exclusion,
                    &c.example,
                    &c.color
                ))
                .collect::<Vec<_>>()
        ),
    );
    let coders = p.coders().unwrap();
    out.insert(
        "coders",
        format!(
            "{:?}",
            coders
                .iter()
                .map(|c| (&c.guid, &c.name))
                .collect::<Vec<_>>()
        ),
    );
    let mut codings = String::new();
    for c in &coders {
        let list = p.codings(c.id, &CodingFilter::default()).unwrap();
        let texts = p.coding_texts(c.id, &list).unwrap();
        for (k, t) in list.iter().zip(texts) {
            codings += &format!(
                "{} {} {} {} {}..{} {:?} {:?} {} {}\n",
                c.name,
                k.guid,
                code_guid(k.code),
                source_guid(k.source),
                k.start,
                k.end,
                t,
                k.memo,
                k.created_at,
                k.updated_at
            );
        }
    }
    out.insert("codings", codings);
    out.insert(
        "cases",
        format!(
            "{:#?}",
            p.cases()
                .unwrap()
                .iter()
                .map(|c| (&c.guid, &c.name, c.role, &c.attributes, c.units, c.sources))
                .collect::<Vec<_>>()
        ),
    );
    out.insert(
        "attributes",
        format!(
            "{:#?}",
            p.attributes()
                .unwrap()
                .iter()
                .map(|a| (&a.guid, &a.name, a.kind, &a.levels, &a.values))
                .collect::<Vec<_>>()
        ),
    );
    out.insert("phase", format!("{:?}", p.phase().unwrap()));
    drop(p);
    // Memos and the consensus layer have no reading API yet; read the tables.
    let conn = db(path);
    let rows = |sql: &str| -> String {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            (0..n)
                .map(|i| {
                    r.get::<_, rusqlite::types::Value>(i)
                        .map(|v| format!("{v:?}"))
                })
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap()
        .map(|r| r.unwrap().join(" | "))
        .collect::<Vec<_>>()
        .join("\n")
    };
    out.insert(
        "memos",
        rows(
            "SELECT m.guid, m.target_kind,
                    coalesce(s.guid, c.guid, k.guid, ''), coalesce(d.name, ''), m.title, m.text, m.created_at, m.updated_at
             FROM memos m
             LEFT JOIN sources s ON m.target_kind = 'source' AND s.id = m.target_id
             LEFT JOIN cases c ON m.target_kind = 'case' AND c.id = m.target_id
             LEFT JOIN codes k ON m.target_kind = 'code' AND k.id = m.target_id
             LEFT JOIN coders d ON d.id = m.coder_id
             ORDER BY m.guid",
        ),
    );
    out.insert(
        "consensus",
        rows(
            "SELECT x.guid, k.guid, s.guid, x.start, x.end, x.memo, x.created_at
             FROM consensus_codings x JOIN codes k ON k.id = x.code_id JOIN sources s ON s.id = x.source_id
             ORDER BY x.guid",
        ),
    );
    out
}

// ----- export and round trip ---------------------------------------------------

#[test]
fn a_round_trip_through_qdpx_reproduces_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let rich = rich_project(dir.path());
    let before = snapshot(&rich.path);
    let file = dir.path().join("mentorship.qdpx");
    let report = Project::open(&rich.path)
        .unwrap()
        .export_qdpx(&file)
        .unwrap();
    validate(&[&file]);

    assert_eq!(
        (
            report.written.sources,
            report.written.units,
            report.written.codes,
            report.written.coders
        ),
        (3, 9, 7, 2),
        "the report counts what was written: {report:#?}"
    );
    assert_eq!(
        (report.written.codings, report.written.consensus_codings),
        (7, 2)
    );
    assert_eq!(
        (
            report.written.cases,
            report.written.attributes,
            report.written.attribute_values
        ),
        (7, 6, 10)
    );
    assert_eq!(report.written.memos, 4);
    for words in [
        "1 theme with their attributes (1) and 1 quote",
        "reconciliation decisions and their notes (1 decision, 1 with a note)",
        "unit boundaries of 9 units",
        "Likert scale order of 1 attribute",
        "types of 3 attributes",
        "the consensus layer (2 codings) is written as the user \"Consensus\"",
        "1 case memo",
        "the audit log",
    ] {
        assert!(
            not_carried_mentions(&report, words),
            "the report lists {words:?}: {:#?}",
            report.not_carried
        );
    }

    let copy = dir.path().join("copy.accord");
    let (imported, back) = Project::import_qdpx(&file, &copy).unwrap();
    assert!(
        back.origin.as_deref().unwrap_or("").starts_with("Accord"),
        "{back:#?}"
    );
    assert!(
        back.warnings.is_empty(),
        "an Accord file imports without warnings: {:#?}",
        back.warnings
    );
    assert!(
        back.not_carried.is_empty(),
        "nothing of an Accord file is left behind: {:#?}",
        back.not_carried
    );
    assert_eq!(back.written.codings, 7);
    assert_eq!(back.written.consensus_codings, 2);
    assert!(
        imported
            .audit_log(5)
            .unwrap()
            .iter()
            .any(|e| e.action == "exchange.import_qdpx"),
        "the import is in the audit log"
    );
    drop(imported);

    let after = snapshot(&copy);
    for (key, value) in &before {
        assert_eq!(&after[key], value, "the round trip keeps {key} exactly");
    }
    let conn = db(&copy);
    let keys: Vec<String> = conn
        .prepare("SELECT agreement_key FROM consensus_codings ORDER BY guid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        keys,
        [
            "imported:c0000000-0000-4000-8000-000000000001",
            "imported:c0000000-0000-4000-8000-000000000002"
        ],
        "imported consensus rows carry an imported agreement key (decisions do not travel)"
    );

    // The imported project exports again, valid, with the same GUIDs.
    let again = dir.path().join("again.qdpx");
    Project::open(&copy).unwrap().export_qdpx(&again).unwrap();
    validate(&[&again]);
}

#[test]
fn the_schema_fixtures_round_trip() {
    // Projects made by earlier Accords (every table holds a little data).
    for version in 1..=accord_engine::SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = crate::copy_fixture(&format!("schema/v{version}.accord"), dir.path());
        let before = snapshot(&path);
        let file = dir.path().join("fixture.qdpx");
        Project::open(&path).unwrap().export_qdpx(&file).unwrap();
        validate(&[&file]);
        let copy = dir.path().join("copy.accord");
        let (_, report) = Project::import_qdpx(&file, &copy).unwrap();
        assert!(
            report.warnings.is_empty(),
            "v{version}: {:#?}",
            report.warnings
        );
        let after = snapshot(&copy);
        for (key, value) in &before {
            assert_eq!(
                &after[key], value,
                "v{version}: the round trip keeps {key} exactly"
            );
        }
    }
}

#[test]
fn the_archive_holds_the_exact_texts_and_stable_guids() {
    let dir = tempfile::tempdir().unwrap();
    let rich = rich_project(dir.path());
    let p = Project::open(&rich.path).unwrap();
    let (a, b) = (dir.path().join("a.qdpx"), dir.path().join("b.qdpx"));
    p.export_qdpx(&a).unwrap();
    p.export_qdpx(&b).unwrap();
    let entries = zip_entries(&a);
    let names: Vec<&str> = entries.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "accord/extra.json",
            "project.qde",
            "sources/7e8f9a0b-0000-4000-8000-000000000001.txt",
            "sources/7e8f9a0b-0000-4000-8000-000000000002.txt",
            "sources/7e8f9a0b-0000-4000-8000-000000000003.txt",
        ]
    );
    assert_eq!(
        entries["sources/7e8f9a0b-0000-4000-8000-000000000001.txt"],
        SURVEY.as_bytes(),
        "source files hold exactly the stored text, UTF-8 without a BOM"
    );
    let qde = String::from_utf8(entries["project.qde"].clone()).unwrap();
    let guids = |xml: &str| -> Vec<String> {
        xml.split("guid=\"")
            .skip(1)
            .map(|s| s[..36].to_owned())
            .collect()
    };
    let qde_b = String::from_utf8(zip_entries(&b)["project.qde"].clone()).unwrap();
    assert_eq!(
        guids(&qde),
        guids(&qde_b),
        "two exports of the same project use the same GUIDs"
    );
    assert!(
        qde.contains("origin=\"Accord "),
        "files are marked as Accord's"
    );
    assert!(
        qde.contains("name=\"Consensus\""),
        "the consensus layer is a user"
    );
    let (s, e) = span(SURVEY, "José, always had time");
    assert!(
        qde.contains(&format!(
            "name=\"José, always had time\" startPosition=\"{s}\" endPosition=\"{e}\""
        )),
        "positions are code points: {s}..{e}"
    );
    for empty in [
        "<Codes/>",
        "<Cases/>",
        "<Users/>",
        "<Sources/>",
        "<Notes/>",
        "<Variables/>",
    ] {
        assert!(!qde.contains(empty), "no empty container {empty}");
    }
}

#[test]
fn a_whole_project_cannot_be_exported_during_independent_coding_but_its_codebook_can() {
    let dir = tempfile::tempdir().unwrap();
    let rich = rich_project(dir.path());
    let mut p = Project::open(&rich.path).unwrap();
    p.set_phase(Phase::Independent).unwrap();
    let file = dir.path().join("blind.qdpx");
    let err = p.export_qdpx(&file).unwrap_err();
    assert_eq!(err.kind(), "not_allowed", "{err}");
    assert!(err.to_string().contains("independent coding"), "{err}");
    assert!(!file.exists(), "nothing is written");
    let qdc = dir.path().join("codebook.qdc");
    let report = p.export_qdc(&qdc).unwrap();
    assert_eq!(report.written.codes, 7);
    assert!(not_carried_mentions(&report, "1 code memo"), "{report:#?}");
    validate(&[&qdc]);
}

#[test]
fn an_empty_project_exports_a_valid_file_but_no_codebook() {
    let dir = tempfile::tempdir().unwrap();
    let p = Project::create(dir.path().join("empty.accord")).unwrap();
    let file = dir.path().join("empty.qdpx");
    let report = p.export_qdpx(&file).unwrap();
    assert_eq!(report.written, accord_engine::ExchangeCounts::default());
    validate(&[&file]);
    let err = p.export_qdc(dir.path().join("empty.qdc")).unwrap_err();
    assert_eq!(err.kind(), "invalid");
    assert!(err.to_string().contains("at least one code"), "{err}");
    assert!(!dir.path().join("empty.qdc").exists());
}

#[test]
fn a_cancelled_export_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let rich = rich_project(dir.path());
    let p = Project::open(&rich.path).unwrap();
    let file = dir.path().join("cancelled.qdpx");
    let cancel = Cancel::new();
    let mut seen = 0;
    let err = p
        .export_qdpx_with_progress(
            &file,
            &mut |progress| {
                seen += 1;
                if progress.message.starts_with("Writing") {
                    cancel.cancel();
                }
            },
            &cancel,
        )
        .unwrap_err();
    assert_eq!(err.kind(), "cancelled");
    assert!(seen > 0, "progress was reported");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        !left
            .iter()
            .any(|n| n.to_string_lossy().contains("cancelled")),
        "neither the file nor its partial copy remains: {left:?}"
    );
}

// ----- codebooks ------------------------------------------------------------------

#[test]
fn a_codebook_round_trip_keeps_tree_definitions_and_colours() {
    let dir = tempfile::tempdir().unwrap();
    let rich = rich_project(dir.path());
    let source = Project::open(&rich.path).unwrap();
    let qdc = dir.path().join("codebook.qdc");
    source.export_qdc(&qdc).unwrap();
    validate(&[&qdc]);

    let mut target = Project::create(dir.path().join("new.accord")).unwrap();
    let report = target.import_qdc(&qdc).unwrap();
    assert_eq!((report.written.codes, report.matched.codes), (7, 0));
    let shape = |p: &Project| {
        let codes = p.codes().unwrap();
        codes
            .iter()
            .map(|c| {
                let parent = c
                    .parent
                    .and_then(|id| codes.iter().find(|x| x.id == id))
                    .map(|x| x.guid.clone());
                (
                    c.guid.clone(),
                    parent,
                    c.position,
                    c.name.clone(),
                    c.description.clone(),
                    c.inclusion.clone(),
                    c.exclusion.clone(),
                    c.example.clone(),
                    c.color.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&target), shape(&source), "codes come back exactly");

    // Importing again updates in place and adds nothing.
    let report = target.import_qdc(&qdc).unwrap();
    assert_eq!(
        (report.written.codes, report.matched.codes),
        (0, 7),
        "{report:#?}"
    );
    assert_eq!(shape(&target), shape(&source));
}

#[test]
fn a_codebook_updates_codes_of_the_same_name_under_the_same_parent() {
    let dir = tempfile::tempdir().unwrap();
    let qdc = dir.path().join("old-namespace.qdc");
    std::fs::write(
        &qdc,
        r##"<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1:0" origin="MAXQDA 2020">
  <Codes>
    <Code guid="{6A1B0000-0000-4000-8000-000000000001}" name="Mentor qualities" isCodable="true" color="#F80">
      <Description>Traits mentees valued.</Description>
      <Code guid="6A1B0000-0000-4000-8000-000000000002" name="approachable" isCodable="true" color="#00ff00"/>
      <Code guid="6A1B0000-0000-4000-8000-000000000003" name="Patient" isCodable="true"/>
    </Code>
  </Codes>
  <Sets><Set guid="6A1B0000-0000-4000-8000-0000000000ff" name="Core"><MemberCode guid="6A1B0000-0000-4000-8000-000000000002"/></Set></Sets>
</CodeBook>"##,
    )
    .unwrap();
    let mut p = Project::create(dir.path().join("p.accord")).unwrap();
    let q = p
        .create_code(
            None,
            &CodeFields {
                name: Some("Mentor qualities".into()),
                inclusion: Some("keep me".into()),
                ..Default::default()
            },
        )
        .unwrap();
    p.create_code(
        Some(q.id),
        &CodeFields {
            name: Some("Approachable".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let report = p.import_qdc(&qdc).unwrap();
    assert_eq!(
        (report.written.codes, report.matched.codes),
        (1, 2),
        "{report:#?}"
    );
    assert!(
        not_carried_mentions(&report, "1 set of codes (\"Core\")"),
        "{report:#?}"
    );
    let codes = p.codes().unwrap();
    let names: Vec<&str> = codes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Mentor qualities", "Approachable", "Patient"],
        "matched by name ignoring case; the new one added"
    );
    assert_eq!(
        codes[0].description, "Traits mentees valued.",
        "the definition is updated"
    );
    assert_eq!(
        codes[0].inclusion, "keep me",
        "fields the file does not carry are kept"
    );
    assert_eq!(codes[0].color, "#ff8800", "#rgb colours are expanded");
    assert_eq!(codes[1].color, "#00ff00");
    assert_eq!(
        codes[2].guid, "6a1b0000-0000-4000-8000-000000000003",
        "GUIDs are stored in lower case"
    );
}

// ----- files of other programs ----------------------------------------------------

#[test]
fn the_atlas_ti_sample_imports() {
    let dir = tempfile::tempdir().unwrap();
    let (p, report) = Project::import_qdpx(
        fixture("refi-qda/samples/ponte_target-atlas-project.qdpx"),
        dir.path().join("a.accord"),
    )
    .unwrap();
    assert_eq!(
        report.origin.as_deref(),
        Some("ATLAS.ti for Windows 23.2.3.27778")
    );
    let coders: Vec<String> = p.coders().unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(
        coders,
        ["Enric Llagostera", "ATLAS.ti"],
        "every user is a coder"
    );
    assert_eq!(
        p.coders().unwrap()[0].guid,
        "088b08ac-d5cd-4adb-8b71-b4f3459c177f",
        "upper-case GUIDs are normalised"
    );
    let codes = p.codes().unwrap();
    assert_eq!(codes.len(), 3);
    assert_eq!(codes[0].name, "Commits");
    assert!(
        codes[1..].iter().all(|c| c.parent == Some(codes[0].id)),
        "sub-codes stay under their parent"
    );
    assert_eq!(codes[1].name, "2022-05-10T02:05:59Z 19e4dce");
    assert_eq!(p.info().unwrap().sources, 0);
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
}

#[test]
fn the_nvivo_sample_imports() {
    let dir = tempfile::tempdir().unwrap();
    let (p, report) = Project::import_qdpx(
        fixture("refi-qda/samples/cproctor_nvivo_project.qdpx"),
        dir.path().join("n.accord"),
    )
    .unwrap();
    assert_eq!(report.origin.as_deref(), Some("NVivo for Mac 15.0.0"));
    assert_eq!(
        p.coders()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect::<Vec<_>>(),
        ["chrisp", "cp"]
    );
    let codes = p.codes().unwrap();
    assert_eq!(codes.len(), 262, "every code of the nested codebook");
    let top: Vec<&str> = codes
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        top,
        [
            "rq1_definition",
            "rq2_curriculum_and_instruction",
            "rq3_process"
        ]
    );
    let programming: Vec<_> = codes.iter().filter(|c| c.name == "programming").collect();
    assert_eq!(
        programming.len(),
        2,
        "the same name under two parents is kept twice"
    );
    assert!(
        codes
            .iter()
            .any(|c| c.guid == "34653336-3766-3235-6466-363134396437"),
        "GUIDs that are not RFC 4122 UUIDs are kept as they are"
    );
    let sources = p.sources().unwrap();
    assert_eq!(
        sources.len(),
        2,
        "both text sources, read from their plain text beside the .docx"
    );
    assert_eq!(sources[0].guid, "d097e6fd-7671-4d95-a8b6-7795fa4a72e1");
    assert_eq!(p.source_text(sources[0].id).unwrap().text, "\n");
    assert_eq!(sources[0].units, 0, "a text of one empty line has no unit");
    assert_eq!(report.written.codings, 0);
    assert!(report.not_carried.is_empty(), "{:#?}", report.not_carried);
}

#[test]
fn the_bare_maxqda_project_imports_what_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let (p, report) = Project::import_qdpx(
        fixture("refi-qda/samples/bedingjd_project.qde"),
        dir.path().join("m.accord"),
    )
    .unwrap();
    assert_eq!(report.origin.as_deref(), Some("MAXQDA 24 (Release 24.7.0)"));
    assert_eq!(
        p.coders()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect::<Vec<_>>(),
        ["johnb"]
    );
    let codes = p.codes().unwrap();
    assert_eq!(codes.len(), 307);
    assert_eq!(codes.iter().filter(|c| c.parent.is_none()).count(), 18);
    assert_eq!(codes[0].name, "Additional Themes and Ideas");
    assert_eq!(codes[0].color, "#ef8256");
    assert!(
        codes[0]
            .description
            .starts_with("This category encompasses"),
        "descriptions come along"
    );
    assert!(
        codes[0].inclusion.is_empty(),
        "another program's description is not split into sections"
    );
    assert_eq!(
        p.info().unwrap().sources,
        0,
        "the sources' texts are not in a bare .qde"
    );
    assert!(
        not_carried_mentions(
            &report,
            "10 sources: their text is not in the file (\"ICLS 2024 3-10\""
        ),
        "the sources without text are listed: {:#?}",
        report.not_carried
    );
    assert!(
        not_carried_mentions(&report, "2 sets (\"ICLS 2024\", \"ICLS 2025\")"),
        "{:#?}",
        report.not_carried
    );
    assert!(
        warned(&report, "bare project (.qde)"),
        "{:#?}",
        report.warnings
    );
}

/// A file with every quirk seen in the wild: upper-case and braced GUIDs, an
/// older namespace, `<name>.qde`, a capitalised `Sources/` folder with a
/// `.root` marker, a BOM and `\r\n` line ends, `.docx` beside the text, a
/// source with only rich text, selections whose names are their text.
fn foreign_file(dir: &Path) -> (PathBuf, &'static str) {
    let text =
        "Interviewer: How was it?\r\nP-01: My mentor was kind 😀 and patient.\r\nThe end.\r\n";
    let (k0, k1) = span(text, "mentor was kind");
    let (p0, p1) = span(text, "and patient");
    let (e0, e1) = span(text, "The end.");
    let qde = format!(
        r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:0:4" name="Foreign" origin="QualCoder 3.5" creatingUserGUID="{{AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAA01}}">
 <Users>
  <User guid="{{AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAA01}}" name="alice"/>
  <User guid="BBBBBBBB-BBBB-4BBB-8BBB-BBBBBBBBBB02" name="Bob"/>
 </Users>
 <CodeBook><Codes>
  <Code guid="C0DE0000-0000-4000-8000-000000000001" name="Mentor qualities" isCodable="false" color="#F80">
   <Description>Parent
line</Description>
   <Code guid="C0DE0000-0000-4000-8000-000000000002" name="Approachable" isCodable="true" color="#59A14F"/>
  </Code>
  <Code guid="C0DE0000-0000-4000-8000-000000000003" name="Communication" isCodable="true"/>
 </Codes></CodeBook>
 <Variables>
  <Variable guid="7A000000-0000-4000-8000-000000000001" name="Age" typeOfVariable="Integer"/>
  <Variable guid="7A000000-0000-4000-8000-000000000002" name="Group" typeOfVariable="Text"/>
 </Variables>
 <Cases>
  <Case guid="CA5E0000-0000-4000-8000-000000000001" name="P-01">
   <VariableValue><VariableRef targetGUID="7A000000-0000-4000-8000-000000000001"/><IntegerValue>34</IntegerValue></VariableValue>
   <VariableValue><VariableRef targetGUID="7A000000-0000-4000-8000-000000000002"/><TextValue>mentee</TextValue></VariableValue>
   <SourceRef targetGUID="{{50000000-0000-4000-8000-0000000000A1}}"/>
  </Case>
 </Cases>
 <Sources>
  <TextSource guid="50000000-0000-4000-8000-0000000000A1" name="Interview one" plainTextPath="internal://50000000-0000-4000-8000-0000000000A1.txt" richTextPath="internal://50000000-0000-4000-8000-0000000000A1.docx">
   <PlainTextSelection guid="5E100000-0000-4000-8000-000000000001" name="mentor was kind" startPosition="{k0}" endPosition="{k1}" creatingUser="AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAA01">
    <Coding guid="C0D10000-0000-4000-8000-000000000001" creatingUser="{{aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaa01}}"><CodeRef targetGUID="c0de0000-0000-4000-8000-000000000002"/></Coding>
    <NoteRef targetGUID="0E000000-0000-4000-8000-000000000001"/>
   </PlainTextSelection>
   <PlainTextSelection guid="5E100000-0000-4000-8000-000000000002" name="something else entirely" startPosition="{p0}" endPosition="{p1}" creatingUser="BBBBBBBB-BBBB-4BBB-8BBB-BBBBBBBBBB02">
    <Coding guid="C0D10000-0000-4000-8000-000000000002"><CodeRef targetGUID="C0DE0000-0000-4000-8000-000000000003"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="5E100000-0000-4000-8000-000000000003" name="The end…" startPosition="{e0}" endPosition="{e1}" creatingUser="BBBBBBBB-BBBB-4BBB-8BBB-BBBBBBBBBB02">
    <Coding guid="C0D10000-0000-4000-8000-000000000003"><CodeRef targetGUID="DEAD0000-0000-4000-8000-000000000000"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="5E100000-0000-4000-8000-000000000004" startPosition="5" endPosition="99999" creatingUser="BBBBBBBB-BBBB-4BBB-8BBB-BBBBBBBBBB02">
    <Coding guid="C0D10000-0000-4000-8000-000000000004"><CodeRef targetGUID="C0DE0000-0000-4000-8000-000000000003"/></Coding>
   </PlainTextSelection>
  </TextSource>
  <TextSource guid="50000000-0000-4000-8000-0000000000A2" name="Rich only" richTextPath="internal://50000000-0000-4000-8000-0000000000A2.docx"/>
  <TextSource guid="50000000-0000-4000-8000-0000000000A3" name="Inline"><PlainTextContent>Inline text here.</PlainTextContent></TextSource>
  <PictureSource guid="50000000-0000-4000-8000-0000000000A4" name="Photo" path="internal://p.png"/>
 </Sources>
 <Notes>
  <Note guid="0E000000-0000-4000-8000-000000000001" name="Memo"><PlainTextContent>Said warmly.</PlainTextContent></Note>
  <Note guid="0E000000-0000-4000-8000-000000000002" name="Loose note" creatingUser="BBBBBBBB-BBBB-4BBB-8BBB-BBBBBBBBBB02"><PlainTextContent>Free-standing.</PlainTextContent></Note>
 </Notes>
 <Sets><Set guid="5E700000-0000-4000-8000-000000000001" name="Wave 1"><MemberSource targetGUID="50000000-0000-4000-8000-0000000000A1"/></Set></Sets>
</Project>"##
    );
    let path = dir.join("foreign.qdpx");
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    write_zip(
        &path,
        &[
            ("Foreign Study.qde", qde.as_bytes()),
            ("Sources/.root", b""),
            (
                "Sources/50000000-0000-4000-8000-0000000000A1.txt",
                &with_bom,
            ),
            (
                "Sources/50000000-0000-4000-8000-0000000000A1.docx",
                b"PK not really a docx",
            ),
            (
                "Sources/50000000-0000-4000-8000-0000000000A2.docx",
                b"PK not really a docx",
            ),
        ],
    );
    (path, text)
}

#[test]
fn quirks_of_other_programs_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = foreign_file(dir.path());
    let (p, report) = Project::import_qdpx(&file, dir.path().join("f.accord")).unwrap();
    assert_eq!(report.origin.as_deref(), Some("QualCoder 3.5"));

    let coders = p.coders().unwrap();
    assert_eq!(
        coders.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["alice", "Bob"]
    );
    assert_eq!(
        coders[0].guid, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaa01",
        "braces and case are dropped"
    );

    let codes = p.codes().unwrap();
    assert_eq!(
        codes.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["Mentor qualities", "Approachable", "Communication"]
    );
    assert_eq!(codes[0].color, "#ff8800");
    assert_eq!(codes[1].color, "#59a14f");
    assert_eq!(codes[0].description, "Parent\nline");
    assert!(warned(&report, "not codable"), "{:#?}", report.warnings);

    let sources = p.sources().unwrap();
    assert_eq!(
        sources.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(),
        ["Interview one", "Inline"]
    );
    let one = p.source_text(sources[0].id).unwrap();
    assert_eq!(
        one.text, "Interviewer: How was it?\nP-01: My mentor was kind 😀 and patient.\nThe end.\n",
        "the byte-order mark is dropped and line ends are normalised"
    );
    assert_eq!(one.units.len(), 3, "each line with text is a unit");
    assert!(
        one.units
            .iter()
            .all(|u| u.case_name.as_deref() == Some("P-01")),
        "the case's SourceRef gives its units"
    );

    // Selections land on the same words after \r\n became \n.
    let alice = &coders[0];
    let codings = p.codings(alice.id, &CodingFilter::default()).unwrap();
    assert_eq!(
        p.coding_texts(alice.id, &codings).unwrap(),
        ["mentor was kind"]
    );
    assert_eq!(
        codings[0].memo, "Said warmly.",
        "the selection's note becomes the coding memo"
    );
    assert_eq!(codings[0].guid, "c0d10000-0000-4000-8000-000000000001");
    let bob = &coders[1];
    let codings = p.codings(bob.id, &CodingFilter::default()).unwrap();
    assert_eq!(p.coding_texts(bob.id, &codings).unwrap(), ["and patient"]);

    assert!(
        warned(
            &report,
            "\"something else entirely\" but the text at these positions is \"and patient\""
        ),
        "{:#?}",
        report.warnings
    );
    assert!(
        !warned(&report, "The end…\""),
        "a name cut short with … agrees with its text"
    );
    assert!(
        warned(&report, "code dead0000-0000-4000-8000-000000000000"),
        "{:#?}",
        report.warnings
    );
    assert!(
        warned(&report, "outside the text"),
        "{:#?}",
        report.warnings
    );
    assert!(
        warned(&report, "Windows line ends"),
        "{:#?}",
        report.warnings
    );
    assert!(
        warned(&report, "only its rich text"),
        "{:#?}",
        report.warnings
    );
    for words in [
        "1 source: their text is not in the file (\"Rich only\")",
        "1 set (\"Wave 1\")",
        "picture: \"Photo\"",
    ] {
        assert!(
            not_carried_mentions(&report, words),
            "{words:?} in {:#?}",
            report.not_carried
        );
    }

    let cases = p.cases().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(
        cases[0].attributes.get("Age").map(String::as_str),
        Some("34")
    );
    assert_eq!(
        cases[0].attributes.get("Group").map(String::as_str),
        Some("mentee")
    );
    let kinds: Vec<AttributeType> = p.attributes().unwrap().iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AttributeType::Number, AttributeType::Categorical]);
    drop(p);
    let conn = db(&dir.path().join("f.accord"));
    let memo: (String, String, String) = conn
        .query_row(
            "SELECT m.target_kind, m.title, d.name FROM memos m JOIN coders d ON d.id = m.coder_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        memo,
        ("project".into(), "Loose note".into(), "Bob".into()),
        "a note nothing refers to is a project memo"
    );
}

// ----- hostile files ----------------------------------------------------------------

/// Rewrites the declared uncompressed size of every entry, as a zip bomb does.
fn declare_sizes(path: &Path, declared: u32) {
    let mut bytes = std::fs::read(path).unwrap();
    for i in 0..bytes.len().saturating_sub(4) {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => bytes[i + 22..i + 26].copy_from_slice(&declared.to_le_bytes()),
            b"PK\x01\x02" => bytes[i + 24..i + 28].copy_from_slice(&declared.to_le_bytes()),
            _ => {}
        }
    }
    std::fs::write(path, bytes).unwrap();
}

const MINIMAL_QDE: &str = r#"<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"><Users><User guid="aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa" name="Eve"/></Users></Project>"#;

#[test]
fn hostile_files_are_refused_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let billion_laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Project xmlns="urn:QDA-XML:project:1.0" name="&lol2;"/>"#;
    let entity_only = r#"<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"><!ENTITY x SYSTEM "file:///etc/passwd"></Project>"#;
    type Build = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Build, &str)> = vec![
        (
            "parent-dir",
            Box::new(|p| {
                write_zip(
                    p,
                    &[
                        ("project.qde", MINIMAL_QDE.as_bytes()),
                        ("sources/../../evil.txt", b"x"),
                    ],
                )
            }),
            "climbs out",
        ),
        (
            "absolute",
            Box::new(|p| {
                write_zip(
                    p,
                    &[
                        ("project.qde", MINIMAL_QDE.as_bytes()),
                        ("/etc/cron.d/evil", b"x"),
                    ],
                )
            }),
            "absolute path",
        ),
        (
            "drive-letter",
            Box::new(|p| {
                write_zip(
                    p,
                    &[
                        ("project.qde", MINIMAL_QDE.as_bytes()),
                        ("C:/Windows/evil.txt", b"x"),
                    ],
                )
            }),
            "drive letter",
        ),
        (
            "too-many-entries",
            Box::new(|p| {
                let names: Vec<String> = (0..10_001).map(|i| format!("sources/{i}.txt")).collect();
                let mut entries: Vec<(&str, &[u8])> =
                    names.iter().map(|n| (n.as_str(), b"".as_slice())).collect();
                entries.push(("project.qde", MINIMAL_QDE.as_bytes()));
                write_zip(p, &entries);
            }),
            "10002 entries, more than the 10000",
        ),
        (
            "entry-declared-too-big",
            Box::new(|p| {
                write_zip(p, &[("project.qde", MINIMAL_QDE.as_bytes())]);
                declare_sizes(p, 201 * 1024 * 1024);
            }),
            "more than the 200 MB Accord accepts per entry",
        ),
        (
            "total-declared-too-big",
            Box::new(|p| {
                let entries: Vec<(String, &[u8])> = (0..6)
                    .map(|i| (format!("sources/{i}.txt"), b"x".as_slice()))
                    .collect();
                let mut refs: Vec<(&str, &[u8])> =
                    entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
                refs.push(("project.qde", MINIMAL_QDE.as_bytes()));
                write_zip(p, &refs);
                declare_sizes(p, 190 * 1024 * 1024);
            }),
            "more than 1024 MB uncompressed in all",
        ),
        (
            "bomb-that-lies",
            Box::new(|p| {
                let zeros = vec![0u8; 4 * 1024 * 1024];
                write_zip(p, &[("project.qde", &zeros)]);
                declare_sizes(p, 100);
            }),
            "zip bomb",
        ),
        (
            "doctype",
            Box::new(move |p| write_zip(p, &[("project.qde", billion_laughs.as_bytes())])),
            "DOCTYPE",
        ),
        (
            "entity",
            Box::new(move |p| write_zip(p, &[("project.qde", entity_only.as_bytes())])),
            "entity declaration",
        ),
        (
            "no-qde",
            Box::new(|p| write_zip(p, &[("sources/a.txt", b"x")])),
            "no project.qde",
        ),
        (
            "not-zip",
            Box::new(|p| std::fs::write(p, b"PK\x03\x04 garbage").unwrap()),
            "not a readable zip",
        ),
    ];
    for (name, build, says) in cases {
        let file = dir.path().join(format!("{name}.qdpx"));
        build(&file);
        let target = dir.path().join(format!("{name}.accord"));
        let err = Project::import_qdpx(&file, &target).unwrap_err();
        assert_eq!(
            err.kind(),
            "import",
            "{name}: refused as an import problem: {err}"
        );
        assert!(
            err.to_string().contains(says),
            "{name}: the message says {says:?}: {err}"
        );
        assert!(!target.exists(), "{name}: no project file is left behind");
    }
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".qdpx"))
        .collect();
    assert!(
        left.is_empty(),
        "nothing but the test files remains: {left:?}"
    );
}

#[test]
fn a_hostile_file_merged_into_a_project_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rich = rich_project(dir.path());
    let mut p = Project::open(&rich.path).unwrap();
    p.set_phase(Phase::Independent).unwrap();
    let audit = p.audit_log(1000).unwrap().len();
    let file = dir.path().join("evil.qdpx");
    write_zip(
        &file,
        &[("project.qde", MINIMAL_QDE.as_bytes()), ("../evil", b"x")],
    );
    let err = p.merge_qdpx(&file).unwrap_err();
    assert_eq!(err.kind(), "import");
    assert_eq!(
        p.audit_log(1000).unwrap().len(),
        audit,
        "no change was recorded"
    );
    assert_eq!(p.coders().unwrap().len(), 2, "no coder Eve was added");
}

#[test]
fn a_cancelled_import_removes_the_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let rich = rich_project(dir.path());
    let file = dir.path().join("m.qdpx");
    Project::open(&rich.path)
        .unwrap()
        .export_qdpx(&file)
        .unwrap();
    let target = dir.path().join("cancelled.accord");
    let cancel = Cancel::new();
    let err = Project::import_qdpx_with_progress(
        &file,
        &target,
        &mut |progress| {
            if progress.message.starts_with("Storing") {
                cancel.cancel();
            }
        },
        &cancel,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "cancelled");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("cancelled"))
        .collect();
    assert!(
        left.is_empty(),
        "the half-made project is removed: {left:?}"
    );
}

#[test]
fn importing_onto_an_existing_file_is_refused_without_touching_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("keep.accord");
    std::fs::write(&target, b"precious").unwrap();
    let err = Project::import_qdpx(
        fixture("refi-qda/samples/ponte_target-atlas-project.qdpx"),
        &target,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "conflict");
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
}

// ----- merging ----------------------------------------------------------------------

/// Two laptops start from the same file; each coder codes on their own.
fn two_laptops(dir: &Path) -> (PathBuf, PathBuf) {
    let rich = rich_project(dir);
    {
        let conn = db(&rich.path);
        // Start over from setup with no codings: the team shares sources and codebook.
        conn.execute("DELETE FROM consensus_codings", []).unwrap();
        conn.execute("DELETE FROM codings", []).unwrap();
        conn.execute(
            "UPDATE project_meta SET value = 'setup' WHERE key = 'phase'",
            [],
        )
        .unwrap();
    }
    let shared = dir.join("shared.qdpx");
    Project::open(&rich.path)
        .unwrap()
        .export_qdpx(&shared)
        .unwrap();
    let (amara, jonas) = (dir.join("amara.accord"), dir.join("jonas.accord"));
    Project::import_qdpx(&shared, &amara).unwrap();
    Project::import_qdpx(&shared, &jonas).unwrap();
    (amara, jonas)
}

#[test]
fn merging_brings_in_another_laptops_codings_exactly_and_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (amara_path, jonas_path) = two_laptops(dir.path());
    let mut a = Project::open(&amara_path).unwrap();
    let mut j = Project::open(&jonas_path).unwrap();
    a.set_phase(Phase::Independent).unwrap();
    let amara = a.coder_by_name("Amara").unwrap();
    let approachable = a.resolve_code("Mentor qualities/Approachable").unwrap();
    let (s, e) = span(SURVEY, "always had time");
    a.apply_codes(amara.id, SourceId(1), s, e, &[approachable.id], false)
        .unwrap();

    let jonas = j.coder_by_name("Jonas").unwrap();
    let code = j
        .resolve_code("Communication/Inadequate communication")
        .unwrap();
    let (s, e) = span(TRANSCRIPT, "e\u{301}mails went unanswered");
    let made = j
        .apply_codes(jonas.id, SourceId(2), s, e, &[code.id], false)
        .unwrap();
    j.update_coding(
        jonas.id,
        made[0].id,
        &accord_engine::CodingChange {
            memo: Some("no replies".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let fresh = j
        .create_code(
            None,
            &CodeFields {
                name: Some("Scheduling".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let (s, e) = span(NOTES, "We met monthly.");
    j.apply_codes(jonas.id, SourceId(3), s, e, &[fresh.id], false)
        .unwrap();
    let from_jonas = dir.path().join("jonas.qdpx");
    j.export_qdpx(&from_jonas).unwrap();

    let amara_before = a.codings(amara.id, &CodingFilter::default()).unwrap();
    let report = a.merge_qdpx(&from_jonas).unwrap();
    assert_eq!(report.written.codings, 2, "{report:#?}");
    assert_eq!(report.written.codes, 1, "the new code is created");
    assert_eq!(
        (report.matched.coders, report.written.coders),
        (1, 0),
        "the coder with codings is matched by name; Amara, with none in the file, is left alone"
    );
    assert_eq!(report.matched.sources, 3);
    assert_eq!(
        a.codings(amara.id, &CodingFilter::default()).unwrap(),
        amara_before,
        "Amara's codings are untouched"
    );
    let jonas_here = a.coder_by_name("jonas").unwrap();
    let merged = a.codings(jonas_here.id, &CodingFilter::default()).unwrap();
    assert_eq!(
        a.coding_texts(jonas_here.id, &merged).unwrap(),
        ["e\u{301}mails went unanswered", "We met monthly."],
        "codings land on the same text"
    );
    assert_eq!(merged[0].memo, "no replies");
    assert_eq!(merged[0].guid, made[0].guid, "coding GUIDs are kept");
    assert!(a.resolve_code("Scheduling").is_ok());

    let info = a.info().unwrap();
    let audit = a.audit_log(10_000).unwrap().len();
    let again = a.merge_qdpx(&from_jonas).unwrap();
    assert_eq!(
        (
            again.written.codings,
            again.written.codes,
            again.written.coders
        ),
        (0, 0, 0),
        "{again:#?}"
    );
    assert_eq!(again.matched.codings, 2);
    assert_eq!(a.info().unwrap(), info, "merging twice changes nothing");
    assert_eq!(
        a.audit_log(10_000).unwrap().len(),
        audit + 1,
        "only the merge itself is logged"
    );
}

#[test]
fn merging_another_programs_file_matches_sources_by_text_coders_by_name_and_codes_by_path() {
    let dir = tempfile::tempdir().unwrap();
    let (amara_path, _) = two_laptops(dir.path());
    let mut a = Project::open(&amara_path).unwrap();
    // The other program's text has Windows line ends; its offsets count them.
    let crlf = NOTES.replace('\n', "\r\n");
    let (k0, k1) = span(&crlf, "always kind");
    let (m0, m1) = span(&crlf, "We met monthly.");
    let qde = format!(
        r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="from NVivo" origin="NVivo 14">
 <Users><User guid="11111111-2222-4333-8444-555555555555" name="AMARA"/><User guid="11111111-2222-4333-8444-666666666666" name="Zoë"/></Users>
 <CodeBook><Codes>
  <Code guid="99999999-0000-4000-8000-000000000001" name="mentor qualities" isCodable="true">
   <Code guid="99999999-0000-4000-8000-000000000002" name="APPROACHABLE" isCodable="true"/>
  </Code>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="99999999-0000-4000-8000-0000000000aa" name="ME-001 notes" plainTextPath="internal://notes.txt">
   <PlainTextSelection guid="99999999-0000-4000-8000-0000000000b1" startPosition="{k0}" endPosition="{k1}" creatingUser="11111111-2222-4333-8444-666666666666">
    <Coding guid="99999999-0000-4000-8000-0000000000c1" creatingUser="11111111-2222-4333-8444-666666666666"><CodeRef targetGUID="99999999-0000-4000-8000-000000000002"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="99999999-0000-4000-8000-0000000000b2" startPosition="{m0}" endPosition="{m1}" creatingUser="11111111-2222-4333-8444-555555555555">
    <Coding guid="99999999-0000-4000-8000-0000000000c2"><CodeRef targetGUID="99999999-0000-4000-8000-000000000001"/></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>"##
    );
    let file = dir.path().join("nvivo.qdpx");
    write_zip(
        &file,
        &[
            ("project.qde", qde.as_bytes()),
            ("sources/notes.txt", crlf.as_bytes()),
        ],
    );
    let codes_before = a.codes().unwrap().len();
    let report = a.merge_qdpx(&file).unwrap();
    assert_eq!(
        report.matched.sources, 1,
        "matched by identical normalised text: {report:#?}"
    );
    assert_eq!(
        (report.matched.coders, report.written.coders),
        (1, 1),
        "AMARA is Amara; Zoë is new"
    );
    assert_eq!(
        report.matched.codes, 2,
        "codes matched by path, ignoring case"
    );
    assert_eq!(a.codes().unwrap().len(), codes_before);
    let zoe = a.coder_by_name("Zoë").unwrap();
    let codings = a.codings(zoe.id, &CodingFilter::default()).unwrap();
    assert_eq!(a.coding_texts(zoe.id, &codings).unwrap(), ["always kind"]);
    assert_eq!(
        codings[0].code,
        a.resolve_code("Mentor qualities/Approachable").unwrap().id
    );
    let amara = a.coder_by_name("Amara").unwrap();
    let codings = a.codings(amara.id, &CodingFilter::default()).unwrap();
    assert_eq!(
        a.coding_texts(amara.id, &codings).unwrap(),
        ["We met monthly."],
        "AMARA's coding went to Amara"
    );
    assert_eq!(
        codings[0].code,
        a.resolve_code("Mentor qualities").unwrap().id
    );
}

#[test]
fn merging_refuses_a_different_text_and_a_frozen_phase() {
    let dir = tempfile::tempdir().unwrap();
    let (amara_path, jonas_path) = two_laptops(dir.path());
    {
        let conn = db(&jonas_path);
        conn.execute(
            "UPDATE sources SET text = replace(text, 'monthly', 'weekly') WHERE id = 3",
            [],
        )
        .unwrap();
    }
    let mut j = Project::open(&jonas_path).unwrap();
    let jonas = j.coder_by_name("Jonas").unwrap();
    let code = j.resolve_code("Communication").unwrap();
    j.apply_codes(jonas.id, SourceId(3), 0, 3, &[code.id], false)
        .unwrap();
    let file = dir.path().join("changed.qdpx");
    j.export_qdpx(&file).unwrap();

    let mut a = Project::open(&amara_path).unwrap();
    let info = a.info().unwrap();
    let err = a.merge_qdpx(&file).unwrap_err();
    assert_eq!(err.kind(), "conflict", "{err}");
    let message = err.to_string();
    assert!(
        message.contains("\"Interview ME-001\""),
        "the message names the source: {message}"
    );
    assert!(
        message.contains("weekly"),
        "and shows where it differs: {message}"
    );
    assert_eq!(a.info().unwrap(), info, "nothing was merged");

    a.set_phase(Phase::Reconciliation).unwrap();
    let err = a.merge_qdpx(&file).unwrap_err();
    assert_eq!(err.kind(), "not_allowed", "{err}");
}

#[test]
fn merging_an_accord_file_leaves_its_consensus_to_reconciliation() {
    let dir = tempfile::tempdir().unwrap();
    let rich = rich_project(dir.path());
    let file = dir.path().join("rich.qdpx");
    Project::open(&rich.path)
        .unwrap()
        .export_qdpx(&file)
        .unwrap();
    let (copy, _) = Project::import_qdpx(&file, dir.path().join("copy.accord")).unwrap();
    drop(copy);
    let conn = db(&dir.path().join("copy.accord"));
    conn.execute("DELETE FROM codings", []).unwrap();
    conn.execute("DELETE FROM consensus_codings", []).unwrap();
    conn.execute(
        "UPDATE project_meta SET value = 'independent' WHERE key = 'phase'",
        [],
    )
    .unwrap();
    drop(conn);
    let mut p = Project::open(dir.path().join("copy.accord")).unwrap();
    let report = p.merge_qdpx(&file).unwrap();
    assert_eq!(report.written.codings, 7);
    assert!(
        not_carried_mentions(&report, "2 codings of the file's consensus layer"),
        "{report:#?}"
    );
    assert_eq!(
        p.info().unwrap().coders,
        2,
        "the consensus user is not a coder"
    );
}
