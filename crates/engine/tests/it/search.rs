//! Search over the imported demo files: the query language, filters and
//! totals, checked against the sources' own text.

use accord_engine::import::{ImportRequest, SourceKind};
use accord_engine::{Cancel, Project, SearchQuery};

use crate::import::demo_paths;

fn project() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Project::create(dir.path().join("s.accord")).unwrap();
    let requests: Vec<_> = demo_paths()
        .iter()
        .map(|f| ImportRequest::new(f.to_string_lossy()))
        .collect();
    p.import_files(&requests, &mut |_| {}, &Cancel::new())
        .unwrap();
    (dir, p)
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        limit: Some(5_000),
        ..SearchQuery::default()
    }
}

/// The words each hit of `query` highlights, lower-cased, read from the
/// sources' own text at the hits' offsets. Every hit must show a match, in
/// its snippet too.
fn highlighted(p: &mut Project, query: &str) -> Vec<String> {
    let results = p.search(None, &q(query)).unwrap();
    assert!(results.units > 0, "{query} finds something");
    let mut words = Vec::new();
    for h in &results.hits {
        assert!(!h.matches.is_empty(), "{query}: every hit shows a match");
        let text = p.source_text(h.source_id).unwrap().text;
        for (s, e) in &h.matches {
            let m: String = text
                .chars()
                .skip(*s as usize)
                .take((e - s) as usize)
                .collect();
            words.push(m.to_lowercase());
        }
        assert!(
            !h.snippet_matches.is_empty(),
            "{query}: the snippet shows it"
        );
    }
    words
}

#[test]
fn the_query_language_and_filters() {
    let (_dir, mut p) = project();
    let visa = p.search(None, &q("visa")).unwrap();
    let waiver = p.search(None, &q("waiver")).unwrap();
    let and = p.search(None, &q("visa AND waiver")).unwrap();
    let or = p.search(None, &q("visa OR waiver")).unwrap();
    let not = p.search(None, &q("visa NOT waiver")).unwrap();
    assert!(visa.units > 0 && waiver.units > 0);
    assert!(and.units <= visa.units.min(waiver.units));
    assert_eq!(
        or.units + and.units,
        visa.units + waiver.units,
        "inclusion–exclusion"
    );
    assert_eq!(not.units + and.units, visa.units);

    // A phrase matches the words in order and is highlighted as one span,
    // stemmed ("practices" matches "practice"); its words are not
    // highlighted where they stand alone ("matched" in a hit for
    // "good match", which the demo's focus group holds).
    for w in highlighted(&mut p, "\"private practice\"") {
        let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(w.starts_with("private practic"), "{w}");
    }
    let good_match = highlighted(&mut p, "\"good match\"");
    assert!(good_match.len() >= 2, "{good_match:?}");
    for w in &good_match {
        assert_eq!(w.split_whitespace().collect::<Vec<_>>(), ["good", "match"]);
    }
    // Words of a query are highlighted each, wherever they stand; a word
    // aimed at another field is not highlighted in the text.
    for w in highlighted(&mut p, "visa waiver") {
        assert!(w == "visa" || w == "waiver", "{w}");
    }
    for w in highlighted(&mut p, "speaker:Rachel mentor") {
        assert!(w.starts_with("mentor"), "{w}");
    }
    let phrase = p.search(None, &q("\"private practice\"")).unwrap();
    for h in &phrase.hits {
        assert!(h.snippet.to_lowercase().contains("private practice"));
    }
    // Prefix and fuzzy terms find the words they stand for, and each hit
    // highlights those words (tantivy's snippets cannot show them, so the
    // engine does), not the words of a NOT.
    for w in highlighted(&mut p, "spons*") {
        assert!(w.starts_with("spons"), "spons* highlights {w}");
    }
    let sponsor = highlighted(&mut p, "sponsor*");
    assert!(sponsor.iter().any(|w| w == "sponsorship"), "{sponsor:?}");
    let fuzzy = highlighted(&mut p, "sponsorshp~1");
    assert!(
        fuzzy.iter().all(|w| w == "sponsorship"),
        "a typo still finds sponsorship: {fuzzy:?}"
    );
    let negated = highlighted(&mut p, "mentor NOT spons*");
    assert!(
        negated.iter().all(|w| !w.starts_with("spons")),
        "{negated:?}"
    );

    // Filters: source kind.
    let all = p.search(None, &q("mentor")).unwrap();
    let transcripts = p
        .search(
            None,
            &SearchQuery {
                kinds: vec![SourceKind::Transcript],
                ..q("mentor")
            },
        )
        .unwrap();
    assert!(transcripts.units > 0 && transcripts.units < all.units);
    assert!(
        transcripts
            .hits
            .iter()
            .all(|h| h.source_kind == SourceKind::Transcript)
    );
    assert_eq!(transcripts.sources, 1);
    // Hits are ranked best first.
    assert!(all.hits.windows(2).all(|w| w[0].score >= w[1].score));
}
