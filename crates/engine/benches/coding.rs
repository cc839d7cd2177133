//! Coding in a long transcript: a 300,000-character focus group (about
//! 3,000 speaker turns) that already holds 3,000 codings of one coder.
//!
//! Run with `cargo bench -p accord-engine --bench coding`. Two measurements
//! bound what the document view waits for:
//!
//! - `apply_codes`: one selection coded with one code, snapped to whole
//!   words, through the engine call the desktop command makes (a
//!   transaction with its audit entry and the undo record). Each iteration's
//!   coding is undone outside the timed part, so the project stays at 3,000.
//! - `open document`: what the view loads before its first paint, the
//!   source's text and units plus the coder's codings of it, serialised to
//!   JSON as IPC does.
//!
//! The transcript is synthetic and deterministic (a linear congruential
//! generator), with accented and CJK speaker names and some astral
//! characters in the text, so code point arithmetic is exercised.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use accord_engine::import::ImportRequest;
use accord_engine::{Cancel, CodeFields, CodingFilter, Phase, Project};
use criterion::{Criterion, criterion_group, criterion_main};

const TARGET_CHARS: usize = 300_000;
const CODINGS: usize = 3_000;
const CODES: usize = 20;

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

const WORDS: &[&str] = &[
    "mentor",
    "meeting",
    "time",
    "research",
    "honestly",
    "really",
    "program",
    "clinic",
    "feedback",
    "writing",
    "career",
    "fellowship",
    "call",
    "email",
    "schedule",
    "paper",
    "abstract",
    "lupus",
    "vasculitis",
    "match",
    "helpful",
    "questions",
    "family",
    "Zoë",
    "naïve",
    "café",
    "王芳",
    "😀",
    "the",
    "and",
    "we",
    "she",
    "was",
    "about",
    "because",
];
const SPEAKERS: &[&str] = &[
    "Rachel Goldberg",
    "Zoë Hartmann (ME-003)",
    "Łukasz Wiśniewski (ME-009)",
    "王芳 Wang Fang (ME-022)",
    "Aisha Rahman (ME-031)",
    "Kwame Asante (ME-027)",
];

/// A WebVTT transcript of about `TARGET_CHARS` code points of speech.
fn transcript(lcg: &mut Lcg) -> String {
    let mut out = String::from("WEBVTT\n\n");
    let mut chars = 0;
    let mut cue = 0;
    let mut ms = 4_000;
    while chars < TARGET_CHARS {
        cue += 1;
        // Alternate speakers so each cue is its own turn.
        let speaker = SPEAKERS[(cue + lcg.below(SPEAKERS.len() - 1)) % SPEAKERS.len()];
        let mut line = String::new();
        let words = 12 + lcg.below(14);
        for w in 0..words {
            if w > 0 {
                line.push(' ');
            }
            line.push_str(WORDS[lcg.below(WORDS.len())]);
            if lcg.below(9) == 0 {
                line.push_str(if lcg.below(2) == 0 { "." } else { "," });
            }
        }
        line.push('.');
        chars += line.chars().count() + 1;
        let (a, b) = (ms, ms + 3_000 + lcg.below(6_000));
        ms = b + 200;
        let t = |x: usize| {
            format!(
                "{:02}:{:02}:{:02}.{:03}",
                x / 3_600_000,
                x / 60_000 % 60,
                x / 1000 % 60,
                x % 1000
            )
        };
        let _ = write!(
            out,
            "{cue}\n{} --> {}\n<v {speaker}>{line}</v>\n\n",
            t(a),
            t(b)
        );
    }
    out
}

struct Setup {
    _dir: tempfile::TempDir,
    project: Project,
    coder: accord_engine::CoderId,
    source: accord_engine::SourceId,
    length: i64,
    codes: Vec<accord_engine::CodeId>,
}

fn setup() -> Setup {
    let mut lcg = Lcg(2026);
    let dir = tempfile::tempdir().unwrap();
    let vtt = dir.path().join("long-focus-group.vtt");
    std::fs::write(&vtt, transcript(&mut lcg)).unwrap();
    let mut project = Project::create(dir.path().join("bench.accord")).unwrap();
    let report = project
        .import_files(
            &[ImportRequest::new(vtt.to_string_lossy())],
            &mut |_| {},
            &Cancel::new(),
        )
        .unwrap();
    assert_eq!(report.files.len(), 1);
    let source = project.sources().unwrap()[0].clone();
    assert!(
        source.length >= TARGET_CHARS as i64,
        "the transcript has {} code points",
        source.length
    );
    let codes: Vec<_> = (0..CODES)
        .map(|i| {
            project
                .create_code(
                    None,
                    &CodeFields {
                        name: Some(format!("Code {i}")),
                        ..CodeFields::default()
                    },
                )
                .unwrap()
                .id
        })
        .collect();
    let coder = project.add_coder("Coder A").unwrap().id;
    project.set_phase(Phase::Independent).unwrap();
    // 3,000 codings of 20–400 code points at random places, random codes.
    // Same-code overlaps merge, so keep adding until there are 3,000.
    let mut n = 0;
    while n < CODINGS {
        let start = lcg.below(source.length as usize - 500) as i64;
        let end = start + 20 + lcg.below(380) as i64;
        project
            .apply_codes(
                coder,
                source.id,
                start,
                end,
                &[codes[lcg.below(CODES)]],
                true,
            )
            .unwrap();
        n = project
            .codings(coder, &CodingFilter::default())
            .unwrap()
            .len();
    }
    Setup {
        _dir: dir,
        project,
        coder,
        source: source.id,
        length: source.length,
        codes,
    }
}

fn coding(c: &mut Criterion) {
    let mut s = setup();
    // Leave something on the redo stack (see the undo below).
    let spare = s
        .project
        .create_code(
            None,
            &CodeFields {
                name: Some("Spare".into()),
                ..CodeFields::default()
            },
        )
        .unwrap();
    s.project
        .apply_codes(s.coder, s.source, 0, 10, &[spare.id], true)
        .unwrap();
    s.project.undo(s.coder).unwrap();
    let mut lcg = Lcg(7);
    let mut group =
        c.benchmark_group("coding in a 300,000-character transcript with 3,000 codings");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(10));

    group.bench_function("apply_codes (one selection, snapped to words)", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = lcg.below(s.length as usize - 300) as i64;
                let end = start + 10 + lcg.below(250) as i64;
                let code = s.codes[lcg.below(CODES)];
                let t = Instant::now();
                let out = s
                    .project
                    .apply_codes(s.coder, s.source, start, end, &[code], true)
                    .unwrap();
                total += t.elapsed();
                black_box(out);
                // A span already coded alike records nothing to undo; the
                // redo stack, filled by the previous undo, tells the cases apart.
                if s.project.undo_state(s.coder).redo.is_none() {
                    s.project.undo(s.coder).unwrap();
                }
            }
            total
        });
    });

    group.bench_function(
        "open document (text, units and the coder's codings, as JSON)",
        |b| {
            b.iter(|| {
                let text = s.project.source_text(s.source).unwrap();
                let codings = s
                    .project
                    .codings(
                        s.coder,
                        &CodingFilter {
                            source: Some(s.source),
                            code: None,
                        },
                    )
                    .unwrap();
                assert_eq!(codings.len(), CODINGS);
                black_box((
                    serde_json::to_string(&text).unwrap(),
                    serde_json::to_string(&codings).unwrap(),
                ))
            });
        },
    );
    group.finish();
}

criterion_group!(benches, coding);
criterion_main!(benches);
