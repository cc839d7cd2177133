//! The demo study builds from the compiled-in fixtures with everything a
//! new user expects to see at once.

use accord_engine::agreement::{AgreementOptions, UnitOfAnalysis};
use accord_engine::{
    Cancel, CaseRole, CodingFilter, DiscrepancyFilter, Phase, Project, SearchQuery, demo,
};

fn build() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let mut steps = 0;
    let project = demo::create(
        &dir.path().join("demo.accord"),
        &mut |_| steps += 1,
        &Cancel::new(),
    )
    .expect("the demo study builds from the fixtures");
    assert!(steps > 0, "building reports progress");
    (dir, project)
}

#[test]
fn the_demo_study_builds_with_its_documented_counts() {
    let (_dir, mut project) = build();
    let info = project.info().unwrap();
    // fixtures/demo/README.md: 11 free-text survey questions (3 + 3 + 2 + 3),
    // two interview notes and one focus group.
    assert_eq!(info.sources, 14);
    // 37 mentees who answered a survey, 27 mentors, 2 moderators.
    assert_eq!(info.cases, 66);
    assert_eq!(info.coders, 2);
    assert_eq!(info.codes, 21, "codebook.csv has 21 codes");
    // codings.csv has 486 rows (244 by Okafor, 242 by Lindqvist); no two
    // rows of one coder overlap with the same code, so none merge.
    assert_eq!(info.codings, 486);
    assert_eq!(info.phase, Phase::Reconciliation);

    let coders = project.coders().unwrap();
    let names: Vec<&str> = coders.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Dr. Amara Okafor", "Dr. Jonas Lindqvist"]);
    let per_coder: Vec<usize> = coders
        .iter()
        .map(|c| {
            project
                .codings(c.id, &CodingFilter::default())
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(per_coder, [244, 242]);
    let memos: usize = coders
        .iter()
        .flat_map(|c| project.codings(c.id, &CodingFilter::default()).unwrap())
        .filter(|c| !c.memo.is_empty())
        .count();
    assert_eq!(memos, 11, "the codings with a memo in codings.csv");

    let sources = project.sources().unwrap();
    let kinds = |k: &str| sources.iter().filter(|s| s.kind.as_str() == k).count();
    assert_eq!(
        (kinds("survey"), kinds("notes"), kinds("transcript")),
        (11, 2, 1)
    );
    let fg = sources
        .iter()
        .find(|s| s.kind.as_str() == "transcript")
        .unwrap();
    assert_eq!(fg.title, "Mentee focus group, 17 July 2024");

    // Roles and moderators as the README describes.
    let cases = project.cases().unwrap();
    let role = |name: &str| {
        cases
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(
        role("MR-03").attributes.get("role").map(String::as_str),
        Some("mentor")
    );
    assert_eq!(
        role("ME-022").attributes.get("role").map(String::as_str),
        Some("mentee")
    );
    assert_eq!(role("Rachel Goldberg").role, CaseRole::Moderator);
    assert_eq!(role("Tomás Ibarra").role, CaseRole::Moderator);
    assert!(
        role("ME-014").units > 0,
        "the ME-014 interview belongs to ME-014"
    );

    // Search works on the demo right away.
    let r = project
        .search(
            None,
            &SearchQuery {
                text: "\"never lined up\"".into(),
                ..SearchQuery::default()
            },
        )
        .unwrap();
    assert!(r.units > 0);
}

#[test]
fn the_demo_is_mid_reconciliation_with_themes_and_quotes() {
    let (_dir, project) = build();
    let all = project
        .discrepancies(&DiscrepancyFilter::default())
        .unwrap();
    assert_eq!(
        all.total - all.resolved,
        demo::UNDECIDED,
        "twelve discrepancies are left for the user"
    );
    assert!(all.resolved > 0 && all.agreements > 0);
    let open = project
        .discrepancies(&DiscrepancyFilter {
            undecided_only: true,
            ..DiscrepancyFilter::default()
        })
        .unwrap();
    assert_eq!(open.items.len(), demo::UNDECIDED);
    assert!(open.items.iter().all(|d| d.decision.is_none()));
    let mut kinds: Vec<_> = all.items.iter().map(|d| format!("{:?}", d.kind)).collect();
    kinds.sort();
    kinds.dedup();
    assert!(
        kinds.len() >= 2,
        "different kinds of disagreement: {kinds:?}"
    );

    // Agreement is available at once, with realistic disagreement.
    let report = project.agreement(&AgreementOptions::default()).unwrap();
    let kappa = report.pooled.kappa.value().expect("pooled kappa");
    assert!((0.5..0.95).contains(&kappa), "pooled kappa {kappa}");
    assert!(report.segments.matched > 0 && report.segments.a_only + report.segments.b_only > 0);
    let sentence = project
        .agreement(&AgreementOptions {
            unit: UnitOfAnalysis::Sentence,
            ..AgreementOptions::default()
        })
        .unwrap();
    assert_eq!(sentence.codes.len(), report.codes.len());

    // Ten themes, each with starred quotes; edited quotes keep the original.
    let themes = project.themes().unwrap();
    assert_eq!(themes.len(), 10);
    let mut quotes = Vec::new();
    for t in &themes {
        let q = project.quotes(t.id).unwrap();
        quotes.extend(q);
    }
    let starred = quotes.iter().filter(|q| q.starred).count();
    // quotes.csv has 34 quotes for the 10 themes; a quote whose passage is
    // among the undecided discrepancies (not yet in the consensus) is left
    // out, so at most 34 are starred.
    assert!((25..=34).contains(&starred), "{starred} starred quotes");
    let themes_with_quotes = themes
        .iter()
        .filter(|t| quotes.iter().any(|q| q.theme == t.id && q.starred))
        .count();
    assert!(
        themes_with_quotes >= 9,
        "{themes_with_quotes} themes have quotes"
    );
    let edited: Vec<_> = quotes.iter().filter(|q| q.edited.is_some()).collect();
    assert!(!edited.is_empty(), "de-identified quotes");
    for q in &edited {
        assert_ne!(q.edited.as_deref(), Some(q.original.as_str()));
        assert_eq!(q.shown(), q.edited.as_deref().unwrap());
        let text = project.source_text(q.source).unwrap().text;
        let original: String = text
            .chars()
            .skip(q.start as usize)
            .take((q.end - q.start) as usize)
            .collect();
        assert_eq!(original, q.original, "the original is the source's text");
    }
    // The board groups the consensus passages under the themes.
    let board = project.theme_board(Some("role")).unwrap();
    assert!(!board.themes.is_empty());
}
