//! Blind coding: during independent coding, coder A reaches none of coder
//! B's codings through any engine call made on A's behalf.

use accord_engine::agreement::AgreementOptions;
use accord_engine::import::ImportRequest;
use accord_engine::{
    CodeFields, CodeId, CodebookCounts, CodebookFormat, CoderId, Coding, CodingChange,
    CodingFilter, DiscrepancyFilter, Error, Phase, Project, SearchQuery, SourceId,
    ThemeTableOptions,
};

use crate::fixture;

pub struct Blind {
    pub dir: tempfile::TempDir,
    pub project: Project,
    pub source: SourceId,
    pub a: CoderId,
    pub b: CoderId,
    pub x: CodeId,
    pub y: CodeId,
}

/// A project with the MR-03 interview, two coders, two codes, in the
/// independent phase.
pub fn setup() -> Blind {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::create(dir.path().join("blind.accord")).unwrap();
    let outcome = project
        .import_file(&ImportRequest::new(
            fixture("demo/interviews/interview-mentor-MR-03.md").to_string_lossy(),
        ))
        .unwrap();
    let source = outcome.sources[0];
    let a = project.add_coder("Amara").unwrap().id;
    let b = project.add_coder("Jonas").unwrap().id;
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
    let x = code(&mut project, "Mentor qualities");
    let y = code(&mut project, "Time constraints");
    project.set_phase(Phase::Independent).unwrap();
    Blind {
        dir,
        project,
        source,
        a,
        b,
        x,
        y,
    }
}

fn is_refused<T: std::fmt::Debug>(r: accord_engine::Result<T>, what: &str) {
    match r {
        Err(Error::NotAllowed(m)) => assert!(
            m.contains("blind") || m.contains("independent") || m.contains("reconciliation"),
            "{what}: the refusal says why: {m}"
        ),
        other => panic!("{what} must be refused during independent coding: {other:?}"),
    }
}

#[test]
fn coder_a_reaches_none_of_coder_bs_codings() {
    let Blind {
        dir: _dir,
        mut project,
        source,
        a,
        b,
        x,
        y,
    } = setup();
    // B codes three passages, one with a memo; A codes one that overlaps
    // B's first with the same code.
    project.apply_codes(b, source, 0, 40, &[x], false).unwrap();
    let b2 = project
        .apply_codes(b, source, 100, 180, &[x, y], false)
        .unwrap();
    project
        .update_coding(
            b,
            b2[0].id,
            &CodingChange {
                memo: Some("B's private memo".into()),
                ..CodingChange::default()
            },
        )
        .unwrap();
    let b_codings: Vec<Coding> = project.codings(b, &CodingFilter::default()).unwrap();
    assert_eq!(b_codings.len(), 3);
    let b_ids: Vec<_> = b_codings.iter().map(|c| c.id).collect();

    let a1 = project.apply_codes(a, source, 20, 60, &[x], false).unwrap();
    assert_eq!(a1.len(), 1);
    assert!(
        !b_ids.contains(&a1[0].id),
        "A's overlapping coding with the same code is A's own, not B's grown"
    );
    assert_eq!((a1[0].start, a1[0].end), (20, 60));
    assert_eq!(
        project.codings(b, &CodingFilter::default()).unwrap(),
        b_codings,
        "B's codings did not change when A coded over them"
    );

    // Listing, with every filter.
    let filters = [
        CodingFilter::default(),
        CodingFilter {
            source: Some(source),
            code: None,
        },
        CodingFilter {
            source: None,
            code: Some(x),
        },
        CodingFilter {
            source: Some(source),
            code: Some(y),
        },
    ];
    for f in &filters {
        let seen = project.codings(a, f).unwrap();
        assert!(seen.iter().all(|c| c.coder == a), "{f:?}");
        assert!(seen.iter().all(|c| !b_ids.contains(&c.id)), "{f:?}");
    }
    assert!(
        project
            .codings(
                a,
                &CodingFilter {
                    source: None,
                    code: Some(y)
                }
            )
            .unwrap()
            .is_empty(),
        "only B used code y"
    );

    // Counts.
    let counts = project.code_counts(a).unwrap();
    assert_eq!(counts.len(), 1, "A used one code: {counts:?}");
    assert_eq!((counts[0].code, counts[0].codings), (x, 1));

    // Texts of B's codings, passed in by A.
    match project.coding_texts(a, &b_codings) {
        Err(Error::NotAllowed(_)) => {}
        other => panic!("A cannot read the text of B's codings: {other:?}"),
    }

    // Changing or removing B's codings on A's behalf: not found.
    for id in &b_ids {
        let r = project.update_coding(
            a,
            *id,
            &CodingChange {
                start: Some(0),
                end: Some(5),
                memo: Some("A was here".into()),
                ..CodingChange::default()
            },
        );
        assert!(
            matches!(r, Err(Error::NotFound { .. })),
            "update {id}: {r:?}"
        );
        let r = project.remove_coding(a, *id);
        assert!(
            matches!(r, Err(Error::NotFound { .. })),
            "remove {id}: {r:?}"
        );
    }
    assert_eq!(
        project.codings(b, &CodingFilter::default()).unwrap(),
        b_codings
    );

    // Undo and redo are A's own: A's undo takes back A's coding only.
    assert_eq!(
        project.undo(a).unwrap().as_deref(),
        Some("Apply “Mentor qualities”")
    );
    assert!(
        project
            .codings(a, &CodingFilter::default())
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        project.undo(a).unwrap(),
        None,
        "nothing of B's to undo for A"
    );
    assert_eq!(
        project.codings(b, &CodingFilter::default()).unwrap(),
        b_codings
    );
    assert!(project.redo(a).unwrap().is_some());
    assert_eq!(project.redo(a).unwrap(), None);
    assert_eq!(
        project.codings(b, &CodingFilter::default()).unwrap(),
        b_codings
    );
    assert_eq!(
        project.codings(a, &CodingFilter::default()).unwrap().len(),
        1
    );
    assert!(project.undo_state(a).undo.is_some());
    // B's history is B's: B's undo takes back B's memo, not A's coding.
    assert!(project.undo(b).unwrap().is_some());
    assert_eq!(
        project.codings(a, &CodingFilter::default()).unwrap().len(),
        1
    );

    // Search with a code filter sees A's codings only; without a coder it is
    // refused.
    let by_code = |code| SearchQuery {
        text: "mentee*".into(),
        code: Some(code),
        ..SearchQuery::default()
    };
    let results = project.search(Some(a), &by_code(y)).unwrap();
    assert_eq!(
        results.units, 0,
        "A never used y, so nothing is found with it"
    );
    let results = project.search(Some(b), &by_code(y)).unwrap();
    assert!(results.units <= 2, "B's y codings cover at most two units");
    let all_x = project
        .search(
            Some(a),
            &SearchQuery {
                text: "*".into(),
                code: Some(x),
                ..SearchQuery::default()
            },
        )
        .unwrap();
    let a_span = project.codings(a, &CodingFilter::default()).unwrap()[0].clone();
    assert!(
        all_x
            .hits
            .iter()
            .all(|h| h.unit_start < a_span.end && a_span.start < h.unit_end),
        "hits with x on A's behalf lie under A's coding"
    );
    assert!(matches!(
        project.search(None, &by_code(x)),
        Err(Error::NotAllowed(_))
    ));

    // The codebook with counts: A's own allowed, everyone's or the
    // consensus refused.
    let csv = String::from_utf8(
        project
            .render_codebook(CodebookFormat::Csv, CodebookCounts::Coder(a))
            .unwrap(),
    )
    .unwrap();
    assert!(csv.contains("Amara") && !csv.contains("Jonas"), "{csv}");
    let time_row = csv
        .lines()
        .find(|l| l.starts_with("Time constraints"))
        .unwrap();
    assert!(
        !time_row.contains(",1,") && !time_row.contains(",2,"),
        "A's counts for y are zero or empty: {time_row}"
    );
    for counts in [CodebookCounts::Coders, CodebookCounts::Consensus] {
        for format in [
            CodebookFormat::Csv,
            CodebookFormat::Markdown,
            CodebookFormat::Docx,
        ] {
            is_refused(
                project.render_codebook(format, counts),
                &format!("codebook {format:?} {counts:?}"),
            );
        }
    }

    // Comparing coders is refused.
    is_refused(project.agreement(&AgreementOptions::default()), "agreement");
    is_refused(
        project.agreement_with_consensus(&AgreementOptions::default()),
        "agreement with the consensus",
    );
    is_refused(
        project.discrepancies(&DiscrepancyFilter::default()),
        "discrepancies",
    );
    is_refused(project.discrepancy_view("1"), "a discrepancy");
    // The consensus layer is empty until reconciliation starts.
    match project.consensus(&CodingFilter::default()) {
        Ok(c) => assert!(c.is_empty()),
        Err(e) => assert!(matches!(e, Error::NotAllowed(_)), "{e}"),
    }

    // The audit log records that B coded, but not what.
    let log = project.audit_log(1_000).unwrap();
    let b_entries: Vec<_> = log.iter().filter(|e| e.who == "Jonas").collect();
    assert!(b_entries.iter().any(|e| e.action == "coding.apply"));
    for e in &log {
        assert!(
            !e.details.contains("\"start\"") && !e.details.contains("private memo"),
            "the log shows no spans or memos during independent coding: {e:?}"
        );
    }
    let qdpx = _dir.path().join("all.qdpx");
    is_refused(project.export_qdpx(&qdpx), "a REFI-QDA project export");
    assert!(!qdpx.exists(), "no file was written");

    // Themes read only the consensus layer, which is empty before
    // reconciliation: no coder's codings appear in the board or the table.
    let board = project.theme_board(None).unwrap();
    let json = serde_json::to_string(&board).unwrap();
    assert!(!json.contains("B's private memo"));
    let table = project.theme_table(&ThemeTableOptions::default()).unwrap();
    assert!(
        !serde_json::to_string(&table).unwrap().contains("Sunita"),
        "no passage text in the theme table"
    );
}

#[test]
fn comparing_is_available_once_the_project_moves_on() {
    let Blind {
        dir: _dir,
        mut project,
        source,
        a,
        b,
        x,
        ..
    } = setup();
    project.apply_codes(a, source, 0, 40, &[x], false).unwrap();
    project.apply_codes(b, source, 0, 45, &[x], false).unwrap();
    project.set_phase(Phase::Reconciliation).unwrap();
    let report = project.agreement(&AgreementOptions::default()).unwrap();
    assert_eq!(report.codes.len(), 1);
    assert!(
        project
            .render_codebook(CodebookFormat::Csv, CodebookCounts::Coders)
            .is_ok()
    );
    // The audit log shows the particulars again.
    assert!(
        project
            .audit_log(100)
            .unwrap()
            .iter()
            .any(|e| e.action == "coding.apply" && e.details.contains("\"start\"")),
    );
    // Coders' own codings are frozen now.
    assert!(matches!(
        project.apply_codes(a, source, 50, 60, &[x], false),
        Err(Error::NotAllowed(_))
    ));
}
