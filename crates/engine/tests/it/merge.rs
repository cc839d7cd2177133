//! Two coders on two machines: each codes in a copy of the project file,
//! and `merge_copy` brings one copy's work into the other.

use std::path::{Path, PathBuf};

use accord_engine::import::ImportRequest;
use accord_engine::{
    CodeFields, CodeId, CodingChange, CodingFilter, Error, Phase, Project, SourceId,
};

use crate::fixture;
use crate::import::dump;

struct Copies {
    _dir: tempfile::TempDir,
    original: PathBuf,
    copy: PathBuf,
    sources: Vec<SourceId>,
    x: CodeId,
    y: CodeId,
}

/// A project set up for independent coding (sources, two coders, the
/// codebook), closed, and copied for the second coder's laptop.
fn copies() -> Copies {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("amara.accord");
    let mut p = Project::create(&original).unwrap();
    let mut sources = Vec::new();
    for f in [
        "demo/interviews/interview-mentor-MR-03.md",
        "demo/surveys/mentee-six-months-after.csv",
    ] {
        sources.extend(
            p.import_file(&ImportRequest::new(fixture(f).to_string_lossy()))
                .unwrap()
                .sources,
        );
    }
    p.add_coder("Amara").unwrap();
    p.add_coder("Jonas").unwrap();
    let code = |p: &mut Project, name: &str| {
        p.create_code(
            None,
            &CodeFields {
                name: Some(name.into()),
                ..CodeFields::default()
            },
        )
        .unwrap()
        .id
    };
    let x = code(&mut p, "Mentor qualities");
    let y = code(&mut p, "Time constraints");
    p.set_phase(Phase::Independent).unwrap();
    drop(p);
    let copy = dir.path().join("jonas.accord");
    std::fs::copy(&original, &copy).unwrap();
    Copies {
        _dir: dir,
        original,
        copy,
        sources,
        x,
        y,
    }
}

/// The rows of codings and memos, for comparing before and after.
fn coding_rows(path: &Path) -> String {
    let all = dump(path);
    all.split("== ")
        .filter(|t| {
            t.starts_with("codings\n") || t.starts_with("memos\n") || t.starts_with("codes\n")
        })
        .collect::<Vec<_>>()
        .join("== ")
}

fn add_memo(path: &Path, coder: &str, text: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "INSERT INTO memos(guid, target_kind, target_id, coder_id, title, text, created_at, updated_at)
         VALUES (lower(hex(randomblob(16))), 'source', 1, (SELECT id FROM coders WHERE name = ?1), 'Memo', ?2, '2024-07-20T10:00:00Z', '2024-07-20T10:00:00Z')",
        (coder, text),
    )
    .unwrap();
}

#[test]
fn a_copy_brings_in_its_coders_codings_and_memos_once() {
    let c = copies();
    let s = c.sources[0];
    let survey = c.sources[1];

    // Amara codes in the original.
    let mut amara_project = Project::open(&c.original).unwrap();
    let amara = amara_project.coder_by_name("Amara").unwrap().id;
    amara_project
        .apply_codes(amara, s, 0, 30, &[c.x], false)
        .unwrap();
    amara_project
        .apply_codes(amara, survey, 0, 20, &[c.y], false)
        .unwrap();
    let amara_before = amara_project
        .codings(amara, &CodingFilter::default())
        .unwrap();
    drop(amara_project);

    // Jonas codes in his copy, with a memo on one coding and a memo on the
    // source.
    let mut jonas_copy = Project::open(&c.copy).unwrap();
    let jonas = jonas_copy.coder_by_name("Jonas").unwrap().id;
    jonas_copy
        .apply_codes(jonas, s, 0, 30, &[c.x], false)
        .unwrap();
    let coded = jonas_copy
        .apply_codes(jonas, s, 200, 260, &[c.x, c.y], false)
        .unwrap();
    jonas_copy
        .update_coding(
            jonas,
            coded[1].id,
            &CodingChange {
                memo: Some("clinic days clash".into()),
                ..CodingChange::default()
            },
        )
        .unwrap();
    let jonas_codings = jonas_copy.codings(jonas, &CodingFilter::default()).unwrap();
    assert_eq!(jonas_codings.len(), 3);
    drop(jonas_copy);
    add_memo(
        &c.copy,
        "Jonas",
        "Sunita's account matches ME-006's survey.",
    );
    let copy_before = std::fs::read(&c.copy).unwrap();

    let mut project = Project::open(&c.original).unwrap();
    let report = project.merge_copy(&c.copy, None).unwrap();
    assert_eq!(
        report.coders.len(),
        1,
        "only Jonas has work in the copy: {report:?}"
    );
    assert_eq!(report.coders[0].name, "Jonas");
    assert_eq!((report.coders[0].added, report.coders[0].present), (3, 0));
    assert_eq!(report.memos, 1);
    assert!(report.codes_created.is_empty());
    assert_eq!(
        std::fs::read(&c.copy).unwrap(),
        copy_before,
        "the copy is only read"
    );

    let merged = project.codings(jonas, &CodingFilter::default()).unwrap();
    let key = |v: &[accord_engine::Coding]| {
        let mut k: Vec<_> = v
            .iter()
            .map(|c| {
                (
                    c.guid.clone(),
                    c.code,
                    c.source,
                    c.start,
                    c.end,
                    c.memo.clone(),
                )
            })
            .collect();
        k.sort();
        k
    };
    assert_eq!(
        key(&merged),
        key(&jonas_codings),
        "Jonas's codings arrive as they were"
    );
    assert_eq!(
        project.codings(amara, &CodingFilter::default()).unwrap(),
        amara_before,
        "Amara's codings are untouched"
    );
    let texts = project.coding_texts(jonas, &merged).unwrap();
    assert!(texts.iter().all(|t| !t.is_empty()));

    // Twice changes nothing.
    let before = coding_rows(&c.original);
    let again = project.merge_copy(&c.copy, None).unwrap();
    assert_eq!((again.coders[0].added, again.coders[0].present), (0, 3));
    assert_eq!(again.memos, 0);
    assert_eq!(
        coding_rows(&c.original),
        before,
        "merging twice changes nothing"
    );
    assert!(
        project
            .audit_log(10)
            .unwrap()
            .iter()
            .any(|e| e.action == "project.merge"),
        "merges are logged"
    );
}

#[test]
fn the_coder_restriction_merges_one_coder_only() {
    let c = copies();
    let s = c.sources[0];
    // On Jonas's laptop, both coded (Amara tried something there too).
    let mut copy = Project::open(&c.copy).unwrap();
    let amara = copy.coder_by_name("Amara").unwrap().id;
    let jonas = copy.coder_by_name("Jonas").unwrap().id;
    copy.apply_codes(amara, s, 50, 90, &[c.y], false).unwrap();
    copy.apply_codes(jonas, s, 10, 40, &[c.x], false).unwrap();
    drop(copy);

    let mut project = Project::open(&c.original).unwrap();
    let report = project.merge_copy(&c.copy, Some("jonas")).unwrap();
    assert_eq!(report.coders.len(), 1);
    assert_eq!(report.coders[0].added, 1);
    assert!(
        project
            .codings(amara, &CodingFilter::default())
            .unwrap()
            .is_empty(),
        "Amara's codings of the copy were left out"
    );
    assert_eq!(
        project
            .codings(jonas, &CodingFilter::default())
            .unwrap()
            .len(),
        1
    );
    let err = project.merge_copy(&c.copy, Some("Nobody")).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("Nobody"), "{err}");
}

#[test]
fn a_copy_of_other_sources_is_refused_and_nothing_changes() {
    let c = copies();
    let mut copy = Project::open(&c.copy).unwrap();
    let jonas = copy.coder_by_name("Jonas").unwrap().id;
    copy.apply_codes(jonas, c.sources[0], 0, 30, &[c.x], false)
        .unwrap();
    drop(copy);
    // The copy's interview text was edited (one word changed).
    {
        let conn = rusqlite::Connection::open(&c.copy).unwrap();
        conn.execute(
            "UPDATE sources SET text = replace(text, 'mentee', 'mentees'), content_hash = 'edited' WHERE id = ?1",
            [c.sources[0].0],
        )
        .unwrap();
    }
    let before = dump(&c.original);
    let mut project = Project::open(&c.original).unwrap();
    let err = project.merge_copy(&c.copy, None).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    assert!(
        message.contains("jonas.accord"),
        "names the copy: {message}"
    );
    assert!(message.contains("differs"), "says what is wrong: {message}");
    assert!(message.contains("nothing was merged"), "{message}");
    assert!(message.contains("MR-03"), "names the source: {message}");
    drop(project);
    assert_eq!(dump(&c.original), before, "nothing changed");

    // A project of other files altogether.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.accord");
    let mut p = Project::create(&other).unwrap();
    p.import_file(&ImportRequest::new(
        fixture("malformed/crlf.txt").to_string_lossy(),
    ))
    .unwrap();
    drop(p);
    let mut project = Project::open(&c.original).unwrap();
    let err = project.merge_copy(&other, None).unwrap_err().to_string();
    assert!(err.contains("not in this project"), "{err}");
    // Not a project at all.
    let err = project
        .merge_copy(&fixture("malformed/not-a-project.accord"), None)
        .unwrap_err();
    assert!(matches!(err, Error::NotAProject { .. }), "{err}");
    drop(project);
    assert_eq!(dump(&c.original), before, "nothing changed");
}

#[test]
fn merging_is_refused_once_coders_are_compared() {
    let c = copies();
    let mut copy = Project::open(&c.copy).unwrap();
    let jonas = copy.coder_by_name("Jonas").unwrap().id;
    copy.apply_codes(jonas, c.sources[0], 0, 30, &[c.x], false)
        .unwrap();
    drop(copy);
    let mut project = Project::open(&c.original).unwrap();
    project.set_phase(Phase::Reconciliation).unwrap();
    let err = project.merge_copy(&c.copy, None).unwrap_err();
    assert!(matches!(err, Error::NotAllowed(_)), "{err:?}");
    assert!(err.to_string().contains("frozen"), "{err}");
    assert!(
        project
            .codings(jonas, &CodingFilter::default())
            .unwrap()
            .is_empty()
    );
}
