//! Import throughput, end to end: reading, parsing, storing in SQLite and
//! updating the search index, for a generated corpus of interview notes,
//! focus-group transcripts and surveys (see `corpus/mod.rs`).
//!
//! `cargo bench -p accord-engine --bench import` measures a 100-file, 5 MB
//! slice of the full corpus (same mix and file sizes) ten times; the
//! full-size 1,000-file, 50 MB import is timed once by
//! `cargo run --release -p accord-engine --example import_corpus`.

mod corpus;

use std::time::Duration;

use accord_engine::import::ImportRequest;
use accord_engine::{Cancel, Project, SearchQuery};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

fn import(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = corpus::generate(dir.path(), 100, 5_000_000);
    let requests: Vec<ImportRequest> = corpus
        .files
        .iter()
        .map(|p| ImportRequest::new(p.to_string_lossy()))
        .collect();
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Bytes(corpus.bytes));
    let mut n = 0;
    group.bench_function("100 files, 5 MB, with indexing", |b| {
        b.iter_batched(
            || {
                n += 1;
                let path = dir.path().join(format!("p{n}.accord"));
                let mut p = Project::create(&path).unwrap();
                p.search(
                    None,
                    &SearchQuery {
                        text: "x".into(),
                        ..SearchQuery::default()
                    },
                )
                .unwrap();
                p
            },
            |mut p| {
                let report = p
                    .import_files(&requests, &mut |_| {}, &Cancel::new())
                    .unwrap();
                assert_eq!(report.files.len(), 100);
                p
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
