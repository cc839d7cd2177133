//! How long agreement takes on a large study: 10,000 sources, 10 codes,
//! 200,000 codings in all (100,000 per coder), two coders.
//!
//! Run with `cargo bench -p accord-engine --bench agreement`. Each benchmark
//! is the whole computation a per-code agreement table needs: counts for
//! every code in every source, pooled per code and overall, and the
//! statistics of each pooled table. The data are synthetic and deterministic
//! (a linear congruential generator), so runs are comparable.

use std::hint::black_box;
use std::time::Duration;

use accord_engine::agreement::{
    AgreementSummary, MatchThreshold, PresenceCounts, SourceUnits, Span, character_counts,
    match_segments,
};
use criterion::{Criterion, criterion_group, criterion_main};

const SOURCES: usize = 10_000;
const CODES: usize = 10;
const CODINGS_PER_CODER: usize = 100_000;

struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % bound as u64) as usize
    }
}

struct Source {
    length: usize,
    units: Vec<Span>,
    /// Indexed by code, then coder.
    codings: Vec<[Vec<Span>; 2]>,
    /// Every coding of each coder in this source, whatever its code.
    all_codings: [Vec<Span>; 2],
}

/// Sources of 1,000–5,000 code points cut into paragraphs of 100–400 code
/// points separated by a line break. Coder A's codings are 20–300 code points
/// long at random places; coder B recodes 70 % of them with the same code,
/// both ends moved by up to 15 code points, and makes the rest of their
/// 100,000 codings with any code anywhere.
fn study() -> Vec<Source> {
    let mut lcg = Lcg(2026);
    let mut sources: Vec<Source> = (0..SOURCES)
        .map(|_| {
            let length = 1_000 + lcg.below(4_001);
            let mut units = Vec::new();
            let mut start = 0;
            while start < length {
                let end = (start + 100 + lcg.below(301)).min(length);
                units.push(Span::new(start, end).unwrap());
                start = end + 1;
            }
            Source {
                length,
                units,
                codings: (0..CODES).map(|_| [Vec::new(), Vec::new()]).collect(),
                all_codings: [Vec::new(), Vec::new()],
            }
        })
        .collect();

    let random_coding = |lcg: &mut Lcg, length: usize| {
        let start = lcg.below(length - 20);
        let end = (start + 20 + lcg.below(281)).min(length);
        Span::new(start, end).unwrap()
    };
    for _ in 0..CODINGS_PER_CODER {
        let (s, code) = (lcg.below(SOURCES), lcg.below(CODES));
        let length = sources[s].length;
        let a = random_coding(&mut lcg, length);
        sources[s].codings[code][0].push(a);
        if lcg.below(10) < 7 {
            let start = (a.start() + lcg.below(31)).saturating_sub(15);
            let end = (a.end() + lcg.below(31))
                .saturating_sub(15)
                .clamp(start, length);
            sources[s].codings[code][1].push(Span::new(start, end).unwrap());
        } else {
            let (s, code) = (lcg.below(SOURCES), lcg.below(CODES));
            let b = random_coding(&mut lcg, sources[s].length);
            sources[s].codings[code][1].push(b);
        }
    }
    for source in &mut sources {
        for code in &mut source.codings {
            // Stored codings come back ordered by start.
            code[0].sort_unstable();
            code[1].sort_unstable();
            source.all_codings[0].extend_from_slice(&code[0]);
            source.all_codings[1].extend_from_slice(&code[1]);
        }
    }
    sources
}

/// Per-code and overall pooled counts, then the statistics of each.
fn summarise(per_code: &[PresenceCounts], overall: &PresenceCounts) -> Vec<AgreementSummary> {
    per_code
        .iter()
        .chain([overall])
        .map(PresenceCounts::summary)
        .collect()
}

fn character_level(sources: &[Source]) -> Vec<AgreementSummary> {
    let mut per_code = vec![PresenceCounts::new(2).unwrap(); CODES];
    let mut overall = PresenceCounts::new(2).unwrap();
    for source in sources {
        for (code, codings) in source.codings.iter().enumerate() {
            let counts = character_counts(source.length, codings).unwrap();
            per_code[code].pool(&counts).unwrap();
            overall.pool(&counts).unwrap();
        }
    }
    summarise(&per_code, &overall)
}

fn unit_level(sources: &[Source], coded_units_only: bool) -> Vec<AgreementSummary> {
    let mut per_code = vec![PresenceCounts::new(2).unwrap(); CODES];
    let mut overall = PresenceCounts::new(2).unwrap();
    for source in sources {
        let units = SourceUnits::new(source.length, source.units.clone()).unwrap();
        let coded = coded_units_only.then(|| units.coded_units(&source.all_codings).unwrap());
        for (code, codings) in source.codings.iter().enumerate() {
            let presence = units.presence(codings).unwrap();
            let counts = match &coded {
                Some(selection) => presence.counts_in(selection).unwrap(),
                None => presence.counts(),
            };
            per_code[code].pool(&counts).unwrap();
            overall.pool(&counts).unwrap();
        }
    }
    summarise(&per_code, &overall)
}

fn segment_level(sources: &[Source]) -> usize {
    let threshold = MatchThreshold::default();
    sources
        .iter()
        .flat_map(|source| &source.codings)
        .map(|[a, b]| match_segments(a, b, threshold).matched.len())
        .sum()
}

fn agreement(c: &mut Criterion) {
    let sources = study();
    let characters: usize = sources.iter().map(|s| s.length).sum();
    let units: usize = sources.iter().map(|s| s.units.len()).sum();
    let codings: usize = sources
        .iter()
        .flat_map(|s| &s.codings)
        .map(|[a, b]| a.len() + b.len())
        .sum();
    let overall = character_level(&sources).pop().unwrap();
    eprintln!(
        "study: {SOURCES} sources, {characters} code points, {units} units, {CODES} codes, {codings} codings; \
         pooled character-level kappa {:?}, alpha {:?}; {} matched segments",
        overall.kappa.value(),
        overall.krippendorff_alpha.value(),
        segment_level(&sources),
    );

    let mut group = c.benchmark_group("agreement");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("character_level", |b| {
        b.iter(|| character_level(black_box(&sources)))
    });
    group.bench_function("unit_level_all_units", |b| {
        b.iter(|| unit_level(black_box(&sources), false))
    });
    group.bench_function("unit_level_coded_units_only", |b| {
        b.iter(|| unit_level(black_box(&sources), true))
    });
    group.bench_function("segment_matching", |b| {
        b.iter(|| segment_level(black_box(&sources)))
    });
    group.finish();
}

criterion_group!(benches, agreement);
criterion_main!(benches);
