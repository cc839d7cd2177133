//! Generates the full-size import corpus (1,000 files, about 50 MB: interview
//! notes, focus-group transcripts, surveys) and times one import of all of it
//! into a new project, including the search index, as the user experiences
//! it. The figure for `docs/benchmarks.md`.
//!
//! ```text
//! cargo run --release -p accord-engine --example import_corpus [FILES] [MB] [--keep DIR]
//! ```

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::time::Instant;

use accord_engine::import::{FileStatus, ImportRequest};
use accord_engine::{Cancel, Project, SearchQuery};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let files: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let mb: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let dir = tempfile::tempdir().expect("temporary folder");

    let started = Instant::now();
    let corpus = corpus::generate(dir.path(), files, mb * 1_000_000);
    println!(
        "generated {} files, {:.1} MB in {:.1} s",
        corpus.files.len(),
        corpus.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let path = dir.path().join("corpus.accord");
    let mut project = Project::create(&path).expect("new project");
    // Open the (empty) index first, so the import updates it in the same
    // operation, as in the app.
    project
        .search(
            None,
            &SearchQuery {
                text: "mentor".into(),
                ..SearchQuery::default()
            },
        )
        .expect("search");
    let requests: Vec<ImportRequest> = corpus
        .files
        .iter()
        .map(|p| ImportRequest::new(p.to_string_lossy()))
        .collect();
    let started = Instant::now();
    let mut stored_at = None;
    let report = project
        .import_files(
            &requests,
            &mut |p| {
                if p.files_done == p.files_total && stored_at.is_none() {
                    stored_at = Some(started.elapsed().as_secs_f64());
                }
            },
            &Cancel::new(),
        )
        .expect("import");
    let import = started.elapsed().as_secs_f64();
    if let Some(stored) = stored_at {
        println!(
            "  reading, parsing and storing: {stored:.2} s; updating the index: {:.2} s",
            import - stored
        );
    }
    let failed: Vec<_> = report
        .files
        .iter()
        .filter(|f| f.status != FileStatus::Imported)
        .collect();
    assert!(
        failed.is_empty(),
        "every file imports: {:?}",
        failed.first()
    );
    let info = project.info().expect("info");
    let started = Instant::now();
    let hits = project
        .search(
            None,
            &SearchQuery {
                text: "sponsorship".into(),
                ..SearchQuery::default()
            },
        )
        .expect("search");
    let first_search = started.elapsed().as_secs_f64();
    println!(
        "imported {} sources, {} units, {} cases in {:.2} s: {:.1} MB/s (including indexing)",
        info.sources,
        info.units,
        info.cases,
        import,
        corpus.bytes as f64 / 1e6 / import
    );
    println!(
        "first search afterwards: {} units in {:.1} ms (the index was current)",
        hits.units,
        first_search * 1e3
    );
}
