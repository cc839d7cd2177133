//! A deterministic generator of study-like corpora for the import and
//! search benchmarks: interview notes (Markdown and plain text), focus-group
//! transcripts (WebVTT) and Google Forms-style survey exports (CSV) whose
//! respondents recur across files, as in a real multi-wave evaluation.
//!
//! Shared by `benches/import.rs`, `benches/search.rs` and
//! `examples/import_corpus.rs` (which writes the full-size corpus and
//! times one import of it).

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A linear congruential generator: fast, deterministic, good enough for text.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % bound as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Words of mentorship-evaluation talk, common and rare, some non-ASCII.
pub const WORDS: &[&str] = &[
    "mentor",
    "mentee",
    "program",
    "meeting",
    "career",
    "research",
    "feedback",
    "time",
    "schedule",
    "clinic",
    "fellowship",
    "network",
    "advice",
    "honest",
    "supportive",
    "helpful",
    "difficult",
    "expectations",
    "contract",
    "job",
    "interview",
    "grant",
    "paper",
    "abstract",
    "conference",
    "rheumatology",
    "pediatric",
    "patients",
    "call",
    "email",
    "video",
    "month",
    "year",
    "week",
    "really",
    "very",
    "quite",
    "always",
    "never",
    "sometimes",
    "often",
    "the",
    "a",
    "and",
    "but",
    "so",
    "because",
    "when",
    "we",
    "she",
    "he",
    "they",
    "I",
    "my",
    "our",
    "her",
    "his",
    "was",
    "were",
    "is",
    "had",
    "have",
    "would",
    "could",
    "should",
    "about",
    "with",
    "from",
    "into",
    "after",
    "before",
    "during",
    "through",
    "practice",
    "academic",
    "private",
    "balance",
    "family",
    "burnout",
    "confidence",
    "identity",
    "sponsorship",
    "visa",
    "waiver",
    "lupus",
    "vasculitis",
    "biologics",
    "ultrasound",
    "teaching",
    "leadership",
    "promotion",
    "café",
    "naïve",
    "Zoë",
    "Łukasz",
    "Núñez",
    "résumé",
    "coöperation",
    "王芳",
    "accountability",
    "perspective",
    "outside",
    "institution",
    "match",
    "mismatch",
    "cancelled",
    "postponed",
    "agenda",
    "goals",
    "plans",
    "writing",
    "manuscript",
];

const NAMES: &[&str] = &[
    "Zoë Hartmann",
    "Łukasz Wiśniewski",
    "Nguyễn Thu Hà",
    "Wang Fang",
    "Kwame Asante",
    "Aisha Rahman",
    "José Núñez",
    "Sunita Mehra",
];

const LIKERT: &[&str] = &[
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
];

fn sentence(rng: &mut Lcg, out: &mut String) {
    let n = 6 + rng.below(18);
    for i in 0..n {
        let w = rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
    out.push_str(match rng.below(8) {
        0 => "?",
        1 => "!",
        _ => ".",
    });
}

fn paragraph(rng: &mut Lcg, sentences: usize, out: &mut String) {
    for i in 0..sentences {
        if i > 0 {
            out.push(' ');
        }
        sentence(rng, out);
    }
}

fn notes(rng: &mut Lcg, target: usize) -> String {
    let mut out = String::with_capacity(target + 512);
    out.push_str("# Interview notes\n\n");
    let mut section = 1;
    while out.len() < target {
        if rng.below(6) == 0 {
            let _ = writeln!(out, "## Topic {section}\n");
            section += 1;
        }
        let n = 1 + rng.below(6);
        paragraph(rng, n, &mut out);
        out.push_str("\n\n");
    }
    out
}

fn ts(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn transcript(rng: &mut Lcg, target: usize) -> String {
    let mut out = String::with_capacity(target + 512);
    out.push_str("WEBVTT\n\n");
    let mut t = 0u64;
    let mut cue = 1;
    while out.len() < target {
        let speaker = if rng.below(5) == 0 {
            "Rachel Goldberg".to_owned()
        } else {
            let n = rng.below(NAMES.len());
            format!("{} (P-{:04})", NAMES[n], 1 + n)
        };
        let len = 2_000 + rng.below(6_000) as u64;
        let _ = writeln!(out, "{cue}\n{} --> {}", ts(t), ts(t + len));
        let mut text = String::new();
        {
            let n = 1 + rng.below(3);
            paragraph(rng, n, &mut text);
        }
        let _ = writeln!(out, "<v {speaker}>{text}</v>\n");
        t += len + 100;
        cue += 1;
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A survey of `respondents` drawn from a pool of 2,000 people, so the same
/// respondents recur across survey files and join into one case.
fn survey(rng: &mut Lcg, wave: usize, target: usize) -> String {
    let mut out = String::with_capacity(target + 1024);
    let _ = writeln!(
        out,
        "Timestamp,Participant ID,Fellowship type,Please rate your agreement. [My mentor was a good match],How many meetings?,What did you value most? (wave {wave}),What could be improved? (wave {wave})"
    );
    let mut row = 0;
    // Each respondent answers a survey once; surveys overlap in who answers.
    let offset = rng.below(2_000);
    while out.len() < target && row < 2_000 {
        let id = 1 + (offset + row) % 2_000;
        let mut a = String::new();
        {
            let n = 1 + rng.below(4);
            paragraph(rng, n, &mut a);
        }
        let mut b = String::new();
        if rng.below(4) != 0 {
            {
                let n = 1 + rng.below(3);
                paragraph(rng, n, &mut b);
            }
        }
        let _ = writeln!(
            out,
            "2024/01/{:02} {}:{:02}:{:02} AM GMT-5,P-{id:04},{},{},{},{},{}",
            1 + row % 28,
            1 + row % 11,
            row % 60,
            (row * 7) % 60,
            ["Adult rheumatology", "Pediatric rheumatology", "Med-peds"][rng.below(3)],
            LIKERT[rng.below(5)],
            rng.below(12),
            csv_field(&a),
            csv_field(&b),
        );
        row += 1;
    }
    out
}

/// What a generated corpus holds.
pub struct Corpus {
    /// The files, in the order they should be imported.
    pub files: Vec<PathBuf>,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// Writes `files` files of about `total_bytes` in all into `dir`: 50 %
/// interview notes (.md and .txt), 30 % transcripts (.vtt), 20 % surveys
/// (.csv). The same arguments always give the same bytes.
pub fn generate(dir: &Path, files: usize, total_bytes: usize) -> Corpus {
    let mut rng = Lcg(0x5eed_acc0_4d00);
    let each = total_bytes / files.max(1);
    let mut out = Vec::with_capacity(files);
    let mut bytes = 0u64;
    for i in 0..files {
        // Sizes vary from half to one and a half times the average.
        let target = each / 2 + rng.below(each.max(1));
        let (name, text) = match i % 10 {
            0..=3 => (format!("interview-{i:04}.md"), notes(&mut rng, target)),
            4 => (
                format!("notes-{i:04}.txt"),
                notes(&mut rng, target).replace("# ", ""),
            ),
            5..=7 => (
                format!("focus-group-{i:04}.vtt"),
                transcript(&mut rng, target),
            ),
            _ => (format!("survey-{i:04}.csv"), survey(&mut rng, i, target)),
        };
        let path = dir.join(name);
        std::fs::write(&path, &text).expect("write corpus file");
        bytes += text.len() as u64;
        out.push(path);
    }
    Corpus { files: out, bytes }
}

/// Writes surveys holding `units` free-text answers in all (two questions
/// per row), for the search benchmark.
/// The values of the categorical "Site" column of [`generate_units`]' surveys.
pub const SITES: [&str; 5] = ["North", "South", "East", "West", "Central"];

/// Survey CSVs holding `units` free-text answers (two per respondent), with a
/// categorical "Site" attribute for filtered searches.
pub fn generate_units(dir: &Path, units: usize) -> Vec<PathBuf> {
    let mut rng = Lcg(0x5ea4_c400);
    let per_file = 2_000;
    let mut files = Vec::new();
    let mut made = 0;
    let mut i = 0;
    while made < units {
        let rows = ((units - made) / 2).min(per_file / 2).max(1);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Timestamp,Participant ID,Site,What did you value most? (file {i}),What could be improved? (file {i})"
        );
        for r in 0..rows {
            let mut a = String::new();
            {
                let n = 1 + rng.below(4);
                paragraph(&mut rng, n, &mut a);
            }
            let mut b = String::new();
            {
                let n = 1 + rng.below(3);
                paragraph(&mut rng, n, &mut b);
            }
            let _ = writeln!(
                out,
                "2024/01/{:02} 9:00:00 AM GMT-5,S{i:03}-{r:05},{},{},{}",
                1 + r % 28,
                SITES[r % SITES.len()],
                csv_field(&a),
                csv_field(&b)
            );
        }
        let path = dir.join(format!("wave-{i:03}.csv"));
        std::fs::write(&path, out).expect("write survey");
        files.push(path);
        made += rows * 2;
        i += 1;
    }
    files
}
