//! Importing the demo fixtures and the malformed inputs through
//! `Project::import_files`, and the search index staying in step.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use accord_engine::import::survey::FileAttribute;
use accord_engine::import::{FileStatus, ImportRequest, UnitKind};
use accord_engine::{AttributeType, Cancel, CaseRole, Error, IndexStatus, Project, SearchQuery};

use crate::fixture;

/// A new, empty project in `dir`.
pub fn new_project(dir: &Path) -> Project {
    Project::create(dir.join("study.accord")).expect("a new project")
}

/// Every demo file the importers read, as paths.
pub fn demo_paths() -> Vec<PathBuf> {
    [
        "demo/surveys/mentee-mid-program.csv",
        "demo/surveys/mentee-end-of-program.csv",
        "demo/surveys/mentee-six-months-after.csv",
        "demo/surveys/mentor-end-of-program.csv",
        "demo/interviews/interview-mentee-ME-014.docx",
        "demo/interviews/interview-mentor-MR-03.md",
        "demo/focus-group/focus-group.vtt",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect()
}

fn request(path: &Path) -> ImportRequest {
    ImportRequest::new(path.to_string_lossy())
}

/// The whole content of a project's tables, row by row, as text: what
/// "the project was left as it was" compares. The audit log is included.
pub fn dump(path: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open read-only");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        out.push_str(&format!("== {table}\n"));
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut line = Vec::with_capacity(columns);
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push(format!("{v:?}"));
                }
                Ok(line.join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        for row in rows {
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

fn search_units(project: &mut Project, text: &str) -> Vec<i64> {
    let results = project
        .search(
            None,
            &SearchQuery {
                text: text.into(),
                limit: Some(5_000),
                ..SearchQuery::default()
            },
        )
        .unwrap();
    let mut ids: Vec<i64> = results.hits.iter().map(|h| h.unit_id.0).collect();
    assert_eq!(
        results.units as usize,
        ids.len(),
        "the total of matching units counts each unit once for {text:?}"
    );
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "no unit is returned twice for {text:?}");
    ids
}

/// The unit ids whose text contains `needle` (case-insensitive), straight
/// from the sources: what a correct search for a plain word finds.
fn units_containing(project: &Project, needle: &str) -> Vec<i64> {
    let needle = needle.to_lowercase();
    let mut ids = Vec::new();
    for s in project.sources().unwrap() {
        let st = project.source_text(s.id).unwrap();
        let chars: Vec<char> = st.text.chars().collect();
        for u in &st.units {
            let text: String = chars[u.start as usize..u.end as usize].iter().collect();
            if text.to_lowercase().contains(&needle) {
                ids.push(u.id.0);
            }
        }
    }
    ids.sort();
    ids
}

#[test]
fn the_demo_files_import_with_sources_units_and_joined_cases() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let requests: Vec<ImportRequest> = demo_paths().iter().map(|p| request(p)).collect();
    let report = project
        .import_files(&requests, &mut |_| {}, &Cancel::new())
        .unwrap();
    assert_eq!(
        report.count(FileStatus::Imported),
        7,
        "every demo file imports: {:#?}",
        report.files
    );

    let sources = project.sources().unwrap();
    let by_kind = |k: &str| sources.iter().filter(|s| s.kind.as_str() == k).count();
    // Without column choices the preview's detection applies: besides the 11
    // free-text questions of the README, three closed-ended questions whose
    // answers vary in wording ("Other" answers typed in, checkbox lists) are
    // detected as free text and become sources too; the demo builder (and
    // the import screen) lets the user switch them to categorical.
    assert_eq!(by_kind("survey"), 14, "survey questions as sources");
    assert_eq!(by_kind("notes"), 2);
    assert_eq!(by_kind("transcript"), 1);

    let info = project.info().unwrap();
    assert_eq!(info.sources, 17);
    assert_eq!(
        info.units, 782,
        "111 + 156 + 46 + 75 survey answers, 35 + 35 paragraphs, 324 turns"
    );
    // 37 mentees (ME-011 answered nothing) + 27 mentors + 2 moderators; the
    // six focus-group participants are mentees already counted, and the typed
    // ids "ME-035 ", "me-021" and "mr-17" join their other answers.
    assert_eq!(
        info.cases, 66,
        "cases join on the respondent id across files"
    );

    let cases = project.cases().unwrap();
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    for odd in ["me-021", "ME-035 ", "Wang Fang (ME-022)"] {
        assert!(
            !names.contains(&odd),
            "{odd:?} is not a case of its own: {names:?}"
        );
    }
    // Case names compare without regard to case and surrounding space: no
    // two cases differ only in that. (MR-17 answered one survey only, typing
    // "mr-17"; the case keeps the spelling it was first seen with.)
    let mut folded: Vec<String> = names.iter().map(|n| n.trim().to_uppercase()).collect();
    folded.sort();
    folded.dedup();
    assert_eq!(folded.len(), names.len(), "no duplicate cases: {names:?}");
    let case = |name: &str| {
        cases
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("case {name} exists"))
    };
    // ME-021 typed "me-021" in the six-month survey: that answer joins the
    // other two surveys' answers.
    let me021 = case("ME-021");
    assert!(
        me021
            .attributes
            .contains_key("Are you still in contact with your mentor?"),
        "ME-021's six-month answers join the case: {:?}",
        me021.attributes
    );
    assert!(me021.attributes.contains_key("Fellowship type"));
    // ME-035 typed a trailing space in the end-of-program survey.
    assert!(
        case("ME-035")
            .attributes
            .contains_key("Overall, how satisfied are you with the mentorship program?"),
        "ME-035's end-of-program answers join the case"
    );
    assert!(case("MR-17").sources > 0, "mr-17 joins MR-17");

    // The focus group's "Name (ME-022)" speakers are the mentee cases.
    let fg = sources
        .iter()
        .find(|s| s.kind.as_str() == "transcript")
        .unwrap();
    let st = project.source_text(fg.id).unwrap();
    let wang = st
        .units
        .iter()
        .find(|u| u.speaker.as_deref().is_some_and(|s| s.contains("ME-022")))
        .expect("Wang Fang speaks in the focus group");
    assert_eq!(wang.case_name.as_deref(), Some("ME-022"));
    assert_eq!(wang.kind, UnitKind::Turn);
    assert!(wang.start_ms.is_some(), "turns keep their timestamps");
    let me022 = case("ME-022");
    assert!(me022.sources >= 2, "ME-022 holds survey answers and turns");
    assert_eq!(me022.role, CaseRole::Respondent);
    // Moderators are marked only when the researcher names them (see the
    // next test).
    assert!(!st.units.iter().any(|u| u.moderator));
    assert_eq!(fg.cases, 8, "six participants and two moderators");

    // Likert attributes keep their scale order, low to high.
    let attributes = project.attributes().unwrap();
    let satisfaction = attributes
        .iter()
        .find(|a| a.name.starts_with("Overall, how satisfied"))
        .unwrap();
    assert_eq!(satisfaction.kind, AttributeType::Ordinal);
    assert_eq!(
        satisfaction.levels.first().map(String::as_str),
        Some("Very dissatisfied")
    );
    assert_eq!(
        satisfaction.levels.last().map(String::as_str),
        Some("Very satisfied")
    );
    let frequency = attributes
        .iter()
        .find(|a| a.name.starts_with("How often does your mentor reply"))
        .unwrap();
    assert_eq!(
        frequency.levels,
        ["Never", "Rarely", "Sometimes", "Often", "Always"],
        "frequency scale in order"
    );
    let meetings = attributes
        .iter()
        .find(|a| a.name.starts_with("How many times have you met"))
        .unwrap();
    assert_eq!(meetings.kind, AttributeType::Number);
    let first = attributes
        .iter()
        .find(|a| a.name.starts_with("Date of your first meeting"))
        .unwrap();
    assert_eq!(first.kind, AttributeType::Date);
    assert_eq!(
        case("ME-001").attributes["Date of your first meeting with your mentor"],
        "2023-08-21",
        "dates are stored as ISO 8601"
    );

    // Interview notes: headings kept, paragraphs as units.
    let docx = sources
        .iter()
        .find(|s| s.file_name == "interview-mentee-ME-014.docx")
        .unwrap();
    let st = project.source_text(docx.id).unwrap();
    assert!(st.units.iter().any(|u| u.kind == UnitKind::Heading));
    assert!(st.units.iter().any(|u| u.kind == UnitKind::Paragraph));
    assert!(st.text.contains('\u{201c}'), "Word's curly quotes are kept");
    assert!(!st.text.contains('\r'));
}

fn attribute_role(project: &Project, case: &str) -> Option<String> {
    project
        .cases()
        .unwrap()
        .into_iter()
        .find(|c| c.name.eq_ignore_ascii_case(case))
        .and_then(|c| c.attributes.get("role").cloned())
}

#[test]
fn a_file_wide_attribute_and_moderators_are_applied() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let mut mentors = request(&fixture("demo/surveys/mentor-end-of-program.csv"));
    mentors.attributes = vec![FileAttribute {
        name: "role".into(),
        value: "mentor".into(),
    }];
    let mut fg = request(&fixture("demo/focus-group/focus-group.vtt"));
    fg.moderators = vec!["Rachel Goldberg".into(), "Tomás Ibarra".into()];
    fg.attributes = vec![FileAttribute {
        name: "role".into(),
        value: "mentee".into(),
    }];
    let report = project
        .import_files(&[mentors, fg], &mut |_| {}, &Cancel::new())
        .unwrap();
    assert_eq!(report.count(FileStatus::Imported), 2, "{:#?}", report.files);

    assert_eq!(attribute_role(&project, "MR-01").as_deref(), Some("mentor"));
    assert_eq!(attribute_role(&project, "MR-17").as_deref(), Some("mentor"));
    assert_eq!(
        attribute_role(&project, "ME-022").as_deref(),
        Some("mentee")
    );
    assert_eq!(
        attribute_role(&project, "Rachel Goldberg"),
        None,
        "a file-wide attribute describes participants, not moderators"
    );
    let cases = project.cases().unwrap();
    let rachel = cases.iter().find(|c| c.name == "Rachel Goldberg").unwrap();
    assert_eq!(rachel.role, CaseRole::Moderator);
    let tomas = cases.iter().find(|c| c.name == "Tomás Ibarra").unwrap();
    assert_eq!(tomas.role, CaseRole::Moderator);

    let source = project
        .sources()
        .unwrap()
        .into_iter()
        .find(|s| s.kind.as_str() == "transcript")
        .unwrap();
    let st = project.source_text(source.id).unwrap();
    let moderated: Vec<_> = st.units.iter().filter(|u| u.moderator).collect();
    assert!(!moderated.is_empty());
    assert!(moderated.iter().all(|u| matches!(
        u.case_name.as_deref(),
        Some("Rachel Goldberg" | "Tomás Ibarra")
    )));

    // The attribute filter of search sees the file-wide attribute.
    let results = project
        .search(
            None,
            &SearchQuery {
                text: "mentee OR mentees OR program".into(),
                attributes: vec![("role".into(), "mentor".into())],
                ..SearchQuery::default()
            },
        )
        .unwrap();
    assert!(results.units > 0);
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.case_name.as_deref().is_some_and(|c| c.starts_with("MR-"))),
        "role = mentor finds only mentors' answers"
    );

    // Attributes are looked up when searching, so an edited value is seen
    // at once, and the index stays current (no rebuild is needed).
    let mr01 = cases.iter().find(|c| c.name == "MR-01").unwrap().id;
    let mentor_filter = |text: &str, value: &str| SearchQuery {
        text: text.into(),
        attributes: vec![("Role".into(), value.into())],
        limit: Some(5_000),
        ..SearchQuery::default()
    };
    let everything_of_mentors = project.search(None, &mentor_filter("", "MENTOR")).unwrap();
    let mr01_units = everything_of_mentors
        .hits
        .iter()
        .filter(|h| h.case_name.as_deref() == Some("MR-01"))
        .count() as u64;
    assert!(mr01_units > 0, "names and values match regardless of case");
    project
        .set_case_attribute(mr01, "role", Some("former mentor"))
        .unwrap();
    assert_eq!(project.index_status().unwrap(), IndexStatus::Ready);
    let after = project.search(None, &mentor_filter("", "mentor")).unwrap();
    assert_eq!(after.units, everything_of_mentors.units - mr01_units);
    assert_eq!(after.cases, everything_of_mentors.cases - 1);
    let former = project
        .search(None, &mentor_filter("", " Former Mentor "))
        .unwrap();
    assert_eq!(former.units, mr01_units);
    let nobody = project.search(None, &mentor_filter("", "dean")).unwrap();
    assert_eq!(nobody.units, 0, "a value no case has matches nothing");
    // Several filters must all hold: no case is both a mentor and a mentee.
    let both = project
        .search(
            None,
            &SearchQuery {
                attributes: vec![
                    ("role".into(), "mentor".into()),
                    ("role".into(), "mentee".into()),
                ],
                ..SearchQuery::default()
            },
        )
        .unwrap();
    assert_eq!(both.units, 0);
}

#[test]
fn the_interviewee_can_be_chosen_as_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let mut notes = request(&fixture("demo/interviews/interview-mentor-MR-03.md"));
    notes.case = Some("MR-03".into());
    let outcome = project.import_file(&notes).unwrap();
    assert_eq!(outcome.status, FileStatus::Imported);
    let cases = project.cases().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].name, "MR-03");
    assert_eq!(cases[0].role, CaseRole::Interviewee);
    assert_eq!(cases[0].units, outcome.units as i64);
}

/// What importing each malformed fixture must say, as (file, what the
/// message must contain).
const REFUSED: &[(&str, &[&str])] = &[
    ("bad-quoting.csv", &["bad-quoting.csv", "line 3", "quote"]),
    (
        "broken-timings.vtt",
        &[
            "broken-timings.vtt",
            "line 8",
            "00:01:xx.000",
            "line 12",
            "ends",
        ],
    ),
    ("empty.txt", &["empty.txt", "empty"]),
    ("truncated.docx", &["truncated.docx", "Word"]),
    ("binary.png", &["binary.png", ".png"]),
    ("not-a-project.accord", &["not-a-project.accord"]),
];

#[test]
fn malformed_files_are_refused_naming_the_place_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    project
        .import_file(&request(&fixture(
            "demo/interviews/interview-mentor-MR-03.md",
        )))
        .unwrap();
    let path = project.path().to_owned();
    let info = project.info().unwrap();
    let log = project.audit_log(1_000).unwrap().len();
    let before = dump(&path);
    for (file, expected) in REFUSED {
        let err = project
            .import_file(&request(&fixture(&format!("malformed/{file}"))))
            .expect_err(file);
        let message = err.to_string();
        assert!(matches!(err, Error::Import { .. }), "{file}: {err:?}");
        for part in *expected {
            assert!(
                message.contains(part),
                "the message for {file} names {part:?}: {message}"
            );
        }
        assert_eq!(
            project.info().unwrap(),
            info,
            "{file} left the counts as they were"
        );
        assert_eq!(project.audit_log(1_000).unwrap().len(), log);
        assert_eq!(dump(&path), before, "{file} left every table as it was");
    }
}

#[test]
fn bad_quoting_points_at_the_row_and_column_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let err = project
        .import_file(&request(&fixture("malformed/bad-quoting.csv")))
        .unwrap_err();
    let Error::Import { file, problems } = err else {
        panic!("an import error")
    };
    assert_eq!(file, "bad-quoting.csv");
    assert!(
        problems.iter().any(|p| p.place.contains("line 3")),
        "{problems:?}"
    );
}

#[test]
fn text_encodings_and_line_ends_are_read_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let expected_1252 =
        "Mentor: Dr. Renée Gauthier\nShe said “take the 0.8 job” over coffee at the café.";
    for (file, expected) in [
        ("windows-1252.txt", expected_1252),
        ("utf16-bom.txt", expected_1252),
        ("utf8-bom.txt", expected_1252),
    ] {
        let outcome = project
            .import_file(&request(&fixture(&format!("malformed/{file}"))))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let st = project.source_text(outcome.sources[0]).unwrap();
        assert_eq!(st.text.trim_end(), expected, "{file} reads exactly");
        assert!(
            !st.text.starts_with('\u{feff}'),
            "{file}: no BOM in the text"
        );
        assert_eq!(st.units.len(), 2, "{file}: one unit per line");
        if file == "windows-1252.txt" {
            assert!(
                outcome
                    .warnings
                    .iter()
                    .any(|w| w.place == "line 1" && w.message.contains("Windows-1252")),
                "the fallback is reported at line 1: {:?}",
                outcome.warnings
            );
        }
    }
    let outcome = project
        .import_file(&request(&fixture("malformed/crlf.txt")))
        .unwrap();
    let st = project.source_text(outcome.sources[0]).unwrap();
    assert!(!st.text.contains('\r'));
    assert_eq!(st.units.len(), 3);
    assert!(st.text.contains("Zoë") && st.text.contains("王芳"));

    // invalid-utf8.txt: only line 2 is invalid. Whatever the decoding, the
    // researcher is told where.
    let outcome = project
        .import_file(&request(&fixture("malformed/invalid-utf8.txt")))
        .unwrap();
    assert!(
        outcome.warnings.iter().any(|w| w.place == "line 2"),
        "the warning names line 2: {:?}",
        outcome.warnings
    );
}

#[test]
fn a_failed_file_in_a_batch_leaves_the_others_imported() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let requests = [
        request(&fixture("demo/interviews/interview-mentor-MR-03.md")),
        request(&fixture("malformed/bad-quoting.csv")),
        request(&fixture("demo/surveys/mentee-six-months-after.csv")),
    ];
    let report = project
        .import_files(&requests, &mut |_| {}, &Cancel::new())
        .unwrap();
    let statuses: Vec<FileStatus> = report.files.iter().map(|f| f.status).collect();
    assert_eq!(
        statuses,
        [
            FileStatus::Imported,
            FileStatus::Failed,
            FileStatus::Imported
        ]
    );
    let failed = &report.files[1];
    assert_eq!(failed.file, "bad-quoting.csv");
    assert!(failed.message.contains("line 3"), "{}", failed.message);
    assert!(!failed.problems.is_empty());
    let info = project.info().unwrap();
    assert_eq!(info.sources as usize, 1 + report.files[2].sources.len());
    // Nothing of the bad file: its respondents ME-014 etc. are not cases
    // unless the six-month survey has them.
    let files: Vec<String> = project
        .sources()
        .unwrap()
        .into_iter()
        .map(|s| s.file_name)
        .collect();
    assert!(!files.iter().any(|f| f == "bad-quoting.csv"));
    let imports = project
        .audit_log(100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "import.file")
        .count();
    assert_eq!(imports, 2, "only the imported files are logged");
}

#[test]
fn the_same_file_again_is_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let md = fixture("demo/interviews/interview-mentor-MR-03.md");
    project.import_file(&request(&md)).unwrap();
    let before = dump(project.path());
    let again = project.import_file(&request(&md)).unwrap();
    assert_eq!(again.status, FileStatus::Duplicate);
    assert!(
        again.message.contains("already imported"),
        "{}",
        again.message
    );
    assert!(again.sources.is_empty());
    // The same bytes under another name are the same file.
    let copy = dir.path().join("renamed.md");
    std::fs::copy(&md, &copy).unwrap();
    let renamed = project.import_file(&request(&copy)).unwrap();
    assert_eq!(renamed.status, FileStatus::Duplicate);
    assert!(renamed.message.contains("interview-mentor-MR-03.md"));
    assert_eq!(dump(project.path()), before, "a duplicate adds nothing");
    assert_eq!(project.info().unwrap().sources, 1);
}

#[test]
fn a_cancelled_batch_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    project
        .import_file(&request(&fixture("malformed/crlf.txt")))
        .unwrap();
    // Searching once opens the index, so the batch below hands its units to
    // the index writer as it goes: the cancel must drop those too.
    assert!(search_units(&mut project, "rheumatology").is_empty());
    let before = dump(project.path());
    let info = project.info().unwrap();
    let requests: Vec<ImportRequest> = demo_paths().iter().map(|p| request(p)).collect();
    let cancel = Cancel::new();
    let flag = cancel.clone();
    let mut reports = Vec::new();
    let result = project.import_files(
        &requests,
        &mut |p| {
            if p.files_done >= 1 {
                flag.cancel();
            }
            reports.push(p);
        },
        &cancel,
    );
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    assert!(
        reports
            .iter()
            .any(|p| p.files_done == 1 && p.files_total == 7 && p.done > 0),
        "progress counts files and bytes: {reports:?}"
    );
    assert_eq!(project.info().unwrap(), info);
    assert_eq!(
        dump(project.path()),
        before,
        "the first file was rolled back too"
    );
    // The index still agrees: nothing of the cancelled batch is found.
    assert!(search_units(&mut project, "rheumatology").is_empty());
    // And the batch can be imported afterwards (no hash was kept).
    let report = project
        .import_files(&requests, &mut |_| {}, &Cancel::new())
        .unwrap();
    assert_eq!(report.count(FileStatus::Imported), 7);
    assert!(
        !search_units(&mut project, "rheumatology").is_empty(),
        "the units of the batch imported afterwards are indexed"
    );
}

#[test]
fn large_and_binary_files_are_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let big = dir.path().join("recording.vtt");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(accord_engine::import::MAX_FILE_BYTES as u64 + 1)
        .unwrap(); // sparse
    drop(f);
    let started = Instant::now();
    let err = project.import_file(&request(&big)).unwrap_err().to_string();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refused before reading"
    );
    assert!(err.contains("recording.vtt") && err.contains("MB"), "{err}");

    // Binary content under a text extension is recognised by its bytes.
    let disguised = dir.path().join("notes.txt");
    std::fs::copy(fixture("malformed/binary.png"), &disguised).unwrap();
    let err = project
        .import_file(&request(&disguised))
        .unwrap_err()
        .to_string();
    assert!(err.contains("notes.txt"), "{err}");
    assert!(
        err.to_lowercase().contains("png"),
        "names what it is: {err}"
    );

    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let err = project
        .import_file(&request(&folder))
        .unwrap_err()
        .to_string();
    assert!(err.contains("folder"), "{err}");
    assert_eq!(project.info().unwrap().sources, 0);
}

fn remove_index(index: &Path) {
    let mut last = None;
    for _ in 0..1_000 {
        match std::fs::remove_dir_all(index) {
            Ok(()) => return,
            Err(e) => last = Some(e),
        }
        std::thread::yield_now();
    }
    panic!("cannot remove {}: {last:?}", index.display());
}

#[test]
fn search_finds_imported_text_and_survives_a_lost_or_damaged_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let path = project.path().to_owned();
    project
        .import_file(&request(&fixture("demo/surveys/mentee-mid-program.csv")))
        .unwrap();
    // A new project's first import leaves a current index: the first search
    // needs no rebuild. Reopening reads the same index from disk.
    assert_eq!(project.index_status().unwrap(), IndexStatus::Ready);
    drop(project);
    let mut project = Project::open(&path).unwrap();
    assert_eq!(project.index_status().unwrap(), IndexStatus::Ready);
    // The next import updates it incrementally.
    let first = search_units(&mut project, "visa");
    assert_eq!(first, units_containing(&project, "visa"));
    project
        .import_file(&request(&fixture("demo/surveys/mentee-end-of-program.csv")))
        .unwrap();
    project
        .import_file(&request(&fixture("demo/focus-group/focus-group.vtt")))
        .unwrap();
    // Words only in the new files are found, once per unit.
    for word in ["visa", "sponsorship", "crosstalk"] {
        let found = search_units(&mut project, word);
        assert!(!found.is_empty(), "{word} is found after import");
        assert_eq!(found, units_containing(&project, word), "{word}");
    }
    // English stemming: "accountability" also finds "accountable".
    let stemmed = search_units(&mut project, "accountability");
    let literal = units_containing(&project, "accountability");
    assert!(!literal.is_empty());
    assert!(
        literal.iter().all(|u| stemmed.contains(u)),
        "{stemmed:?} ⊇ {literal:?}"
    );
    let phrase = search_units(&mut project, "\"private practice\"");
    assert_eq!(phrase, units_containing(&project, "private practice"));
    drop(project);

    let index = {
        let mut name = path.clone().into_os_string();
        name.push(".index");
        PathBuf::from(name)
    };
    assert!(index.is_dir(), "the index lives beside the project");

    // Deleted: rebuilt on the next search. (tantivy may still be removing
    // merged segment files right after the project closes, so the folder
    // can change under remove_dir_all; try again until it is gone.)
    remove_index(&index);
    let mut project = Project::open(&path).unwrap();
    assert_eq!(
        search_units(&mut project, "sponsorship"),
        units_containing(&project, "sponsorship")
    );
    drop(project);

    // Damaged: every file in it overwritten with garbage.
    for entry in std::fs::read_dir(&index).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::write(&p, b"garbage, not an index").unwrap();
        }
    }
    let mut project = Project::open(&path).unwrap();
    assert_eq!(
        search_units(&mut project, "visa"),
        units_containing(&project, "visa")
    );
    assert_eq!(
        search_units(&mut project, "sponsorship"),
        units_containing(&project, "sponsorship")
    );
    drop(project);

    // Emptied: only the folder left.
    remove_index(&index);
    std::fs::create_dir(&index).unwrap();
    let mut project = Project::open(&path).unwrap();
    assert_eq!(
        search_units(&mut project, "crosstalk"),
        units_containing(&project, "crosstalk")
    );
}

#[test]
fn removing_a_source_removes_it_from_search_and_never_stamps_a_stale_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = new_project(dir.path());
    let path = project.path().to_owned();
    project
        .import_files(
            &[
                request(&fixture("demo/surveys/mentee-mid-program.csv")),
                request(&fixture("demo/focus-group/focus-group.vtt")),
            ],
            &mut |_| {},
            &Cancel::new(),
        )
        .unwrap();
    let transcript = project
        .sources()
        .unwrap()
        .into_iter()
        .find(|s| s.kind.as_str() == "transcript")
        .unwrap();
    assert!(!search_units(&mut project, "crosstalk").is_empty());
    let visa = search_units(&mut project, "visa");

    // With the index open: the source's units leave the index with it.
    project.remove_source(transcript.id).unwrap();
    assert!(search_units(&mut project, "crosstalk").is_empty());
    assert_eq!(search_units(&mut project, "visa"), visa, "the survey stays");
    assert_eq!(project.index_status().unwrap(), IndexStatus::Ready);

    // An index left behind by a crash (the project changed after the index
    // last committed; here the generation is bumped by hand, as a change
    // whose index update never ran) must not be updated with the next
    // change alone and stamped current: it is rebuilt instead.
    // The removed file can be imported again: it is not a duplicate of a
    // source that no longer exists.
    let again = project
        .import_file(&request(&fixture("demo/focus-group/focus-group.vtt")))
        .unwrap();
    assert_eq!(again.status, FileStatus::Imported, "{}", again.message);
    let fg = project
        .sources()
        .unwrap()
        .into_iter()
        .find(|s| s.kind.as_str() == "transcript")
        .unwrap();
    drop(project);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute(
            "UPDATE project_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'index_generation'",
            [],
        )
        .unwrap();
    }
    let mut project = Project::open(&path).unwrap();
    project.remove_source(fg.id).unwrap();
    assert_eq!(
        project.index_status().unwrap(),
        IndexStatus::NeedsRebuild,
        "the stale index is not stamped current"
    );
    assert!(search_units(&mut project, "crosstalk").is_empty());
    assert_eq!(search_units(&mut project, "visa"), visa);
}
