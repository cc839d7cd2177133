//! Search latency over 100,000 units (free-text survey answers): word,
//! phrase, boolean, prefix and fuzzy queries, each returning the best 200
//! hits with snippets and the totals; and a word limited to the cases of one
//! site (a case attribute, resolved in SQLite at query time).
//!
//! `cargo bench -p accord-engine --bench search` prints, before criterion's
//! own figures, the p50 and p95 of 200 timed runs of each query (criterion
//! reports means and medians, and the target is a 95th percentile).

mod corpus;

use std::time::Instant;

use accord_engine::import::ImportRequest;
use accord_engine::{Cancel, Project, SearchQuery};
use criterion::{Criterion, criterion_group, criterion_main};

const UNITS: usize = 100_000;

/// A case attribute filter: (attribute, value).
type Filter = Option<(&'static str, &'static str)>;

/// (name, query text, attribute filter)
const QUERIES: &[(&str, &str, Filter)] = &[
    ("word", "sponsorship", None),
    ("common word", "mentor", None),
    ("phrase", "\"honest feedback\"", None),
    (
        "boolean",
        "career AND (grant OR manuscript) NOT burnout",
        None,
    ),
    ("prefix", "vascul*", None),
    ("fuzzy", "sponsorshp~1", None),
    ("word + site", "sponsorship", Some(("Site", "North"))),
];

fn project() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let files = corpus::generate_units(dir.path(), UNITS);
    let mut p = Project::create(dir.path().join("search.accord")).unwrap();
    let requests: Vec<ImportRequest> = files
        .iter()
        .map(|f| ImportRequest::new(f.to_string_lossy()))
        .collect();
    p.import_files(&requests, &mut |_| {}, &Cancel::new())
        .unwrap();
    assert_eq!(p.info().unwrap().units as usize, UNITS);
    (dir, p)
}

fn query(text: &str, attribute: Option<(&str, &str)>) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        attributes: attribute
            .map(|(n, v)| vec![(n.to_owned(), v.to_owned())])
            .unwrap_or_default(),
        ..SearchQuery::default()
    }
}

fn search(c: &mut Criterion) {
    let (_dir, mut p) = project();
    // Warm up: the first search opens (here: builds) the index.
    p.search(None, &query("mentor", None)).unwrap();
    println!("search over {UNITS} units, 200 runs each:");
    for (name, text, attribute) in QUERIES {
        let mut times: Vec<f64> = (0..200)
            .map(|_| {
                let t = Instant::now();
                let r = p.search(None, &query(text, *attribute)).unwrap();
                std::hint::black_box(r);
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let hits = p.search(None, &query(text, *attribute)).unwrap();
        println!(
            "  {name:<12} {text:<48} {:>6} units  p50 {:>6.2} ms  p95 {:>6.2} ms  max {:>6.2} ms",
            hits.units,
            times[times.len() / 2],
            times[times.len() * 95 / 100],
            times[times.len() - 1],
        );
    }
    let mut group = c.benchmark_group("search 100k units");
    for (name, text, attribute) in QUERIES {
        group.bench_function(*name, |b| {
            b.iter(|| p.search(None, &query(text, *attribute)).unwrap());
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
