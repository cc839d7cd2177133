//! Agreement through the project: small studies whose right answers are
//! worked out by hand (in the comments), at every unit of analysis.

use accord_engine::agreement::{
    AgreementOptions, ReportFormat, Statistic, UnitOfAnalysis, write_reports,
};
use accord_engine::import::ImportRequest;
use accord_engine::{
    CodeFields, CodeId, CoderId, DecisionKind, DecisionRequest, DiscrepancyFilter, Error, Phase,
    Project, SourceId,
};

struct Study {
    _dir: tempfile::TempDir,
    project: Project,
    source: SourceId,
    a: CoderId,
    b: CoderId,
    x: CodeId,
    y: CodeId,
}

/// A project of one plain-text source with `text`, two coders and two
/// codes, in independent coding.
fn study(text: &str) -> Study {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("text.txt");
    std::fs::write(&file, text).unwrap();
    let mut project = Project::create(dir.path().join("agreement.accord")).unwrap();
    let source = project
        .import_file(&ImportRequest::new(file.to_string_lossy()))
        .unwrap()
        .sources[0];
    let a = project.add_coder("A").unwrap().id;
    let b = project.add_coder("B").unwrap().id;
    let mut code = |name: &str| {
        project
            .create_code(
                None,
                &CodeFields {
                    name: Some(name.into()),
                    ..CodeFields::default()
                },
            )
            .unwrap()
            .id
    };
    let x = code("X");
    let y = code("Y");
    project.set_phase(Phase::Independent).unwrap();
    Study {
        _dir: dir,
        project,
        source,
        a,
        b,
        x,
        y,
    }
}

fn value(s: &Statistic) -> f64 {
    s.value()
        .unwrap_or_else(|| panic!("defined statistic expected, got {s:?}"))
}

fn close(actual: &Statistic, expected: f64, what: &str) {
    let v = value(actual);
    assert!(
        (v - expected).abs() < 1e-4,
        "{what}: {v} (expected {expected})"
    );
}

fn options(unit: UnitOfAnalysis) -> AgreementOptions {
    AgreementOptions {
        unit,
        ..AgreementOptions::default()
    }
}

#[test]
fn nvivos_documented_example_at_character_level() {
    // NVivo's coding comparison example: a 1,000-character source; 50
    // characters coded by both, 100 by A only, 50 by B only, 800 by neither.
    // Agreement (50 + 800) / 1000 = 85 %; chance agreement
    // 0.15 × 0.10 + 0.85 × 0.90 = 0.78; kappa (0.85 − 0.78) / 0.22 = 0.3182.
    let text: String = (0..100).map(|i| format!("word{:05} ", i)).collect();
    let text = text.trim_end().to_owned() + ".";
    assert_eq!(text.chars().count(), 1_000);
    let mut s = study(&text);
    let length = s.project.sources().unwrap()[0].length;
    assert_eq!(length, 1_000, "the stored text is the 1,000 characters");
    let p = &mut s.project;
    p.apply_codes(s.a, s.source, 0, 150, &[s.x], false).unwrap();
    p.apply_codes(s.b, s.source, 0, 50, &[s.x], false).unwrap();
    p.apply_codes(s.b, s.source, 150, 200, &[s.x], false)
        .unwrap();
    p.set_phase(Phase::Reconciliation).unwrap();
    let report = p.agreement(&options(UnitOfAnalysis::Character)).unwrap();
    assert_eq!(report.units, 1_000);
    assert_eq!(report.codes.len(), 1);
    let row = &report.codes[0];
    assert_eq!(row.name, "X");
    assert_eq!(row.codings, [1, 2]);
    close(&row.summary.percent_agreement, 0.85, "percent agreement");
    close(&row.summary.kappa, 0.318_18, "Cohen's kappa");
    assert_eq!(row.summary.units, 1_000);
    // One code: pooled equals the code's figures, and so does the mean.
    close(&report.pooled.kappa, 0.318_18, "pooled kappa");
    close(&report.mean_kappa, 0.318_18, "mean kappa");
    assert_eq!(report.mean_kappa_codes, 1);
    // Segments: A's 0..150 against B's 0..50 overlaps 50 / 150 < 0.9.
    assert_eq!(
        (
            row.segments.matched,
            row.segments.a_only,
            row.segments.b_only
        ),
        (0, 1, 2)
    );

    // Coded characters only: the 800 uncoded characters drop out, leaving
    // 200 (50 both, 100 A, 50 B): agreement 0.25, kappa −0.5
    // (po 0.25; pe = 0.75 × 0.5 + 0.25 × 0.5 = 0.5).
    let coded = p
        .agreement(&AgreementOptions {
            unit: UnitOfAnalysis::Character,
            coded_only: true,
            ..AgreementOptions::default()
        })
        .unwrap();
    assert_eq!(coded.units, 200);
    close(
        &coded.codes[0].summary.percent_agreement,
        0.25,
        "coded only",
    );
    close(&coded.codes[0].summary.kappa, -0.5, "coded only kappa");
}

/// Six lines (units), eight sentences:
///
/// ```text
/// L0  "Alpha one. Alpha two."   s0 s1   X: A codes s0, B codes s1
/// L1  "Beta one. Beta two."     s2 s3   X: A codes the line
/// L2  "Gamma one."              s4      X: B codes the line
/// L3  "Delta one."              s5      Y: A codes 0..10, B 0..9 of the line
/// L4  "Epsilon one."            s6
/// L5  "Zeta one."               s7
/// ```
const LINES: &str =
    "Alpha one. Alpha two.\nBeta one. Beta two.\nGamma one.\nDelta one.\nEpsilon one.\nZeta one.\n";

fn line_span(text: &str, line: usize) -> (i64, i64) {
    let mut start = 0;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.chars().count();
        if i == line {
            return (start as i64, (start + len) as i64);
        }
        start += len + 1;
    }
    panic!("no line {line}")
}

fn coded_lines() -> Study {
    let mut s = study(LINES);
    let p = &mut s.project;
    let (src, a, b, x, y) = (s.source, s.a, s.b, s.x, s.y);
    let l0 = line_span(LINES, 0);
    p.apply_codes(a, src, l0.0, l0.0 + 10, &[x], false).unwrap(); // "Alpha one."
    p.apply_codes(b, src, l0.0 + 11, l0.1, &[x], false).unwrap(); // "Alpha two."
    let l1 = line_span(LINES, 1);
    p.apply_codes(a, src, l1.0, l1.1, &[x], false).unwrap();
    let l2 = line_span(LINES, 2);
    p.apply_codes(b, src, l2.0, l2.1, &[x], false).unwrap();
    let l3 = line_span(LINES, 3);
    assert_eq!(l3.1 - l3.0, 10);
    p.apply_codes(a, src, l3.0, l3.1, &[y], false).unwrap();
    p.apply_codes(b, src, l3.0, l3.1 - 1, &[y], false).unwrap();
    p.set_phase(Phase::Reconciliation).unwrap();
    s
}

#[test]
fn unit_level_presence_and_statistics() {
    let s = coded_lines();
    let report = s.project.agreement(&options(UnitOfAnalysis::Unit)).unwrap();
    assert_eq!(report.units, 6, "six lines, six units");
    let x = report.codes.iter().find(|c| c.name == "X").unwrap();
    let y = report.codes.iter().find(|c| c.name == "Y").unwrap();
    // X: both L0, A only L1, B only L2, neither L3–L5.
    // po = 4/6; pA = pB = 2/6; pe = 1/9 + 4/9 = 5/9; kappa = (2/3 − 5/9)/(4/9) = 0.25.
    close(&x.summary.percent_agreement, 4.0 / 6.0, "X agreement");
    close(&x.summary.kappa, 0.25, "X kappa");
    // Krippendorff's alpha: 12 values, 4 ones, 8 zeros; 4 disagreeing
    // pairs. Do = 4/12, De = 2·4·8/(12·11) = 64/132; alpha = 1 − Do/De = 0.3125.
    close(&x.summary.krippendorff_alpha, 0.3125, "X alpha");
    // Brennan–Prediger with two categories: (po − 1/2)/(1/2) = 1/3.
    close(
        &x.summary.brennan_prediger_kappa,
        1.0 / 3.0,
        "X Brennan–Prediger",
    );
    // Y: both on L3, neither elsewhere: kappa 1.
    close(&y.summary.kappa, 1.0, "Y kappa");
    close(&y.summary.percent_agreement, 1.0, "Y agreement");
    // Pooled over the 12 code–unit pairs: both 2, A only 1, B only 1,
    // neither 8. po = 10/12; pA = pB = 3/12; pe = 1/16 + 9/16 = 10/16;
    // kappa = (5/6 − 5/8)/(3/8) = 5/9.
    assert_eq!(report.pooled.units, 12);
    close(
        &report.pooled.percent_agreement,
        10.0 / 12.0,
        "pooled agreement",
    );
    close(&report.pooled.kappa, 5.0 / 9.0, "pooled kappa");
    // The unweighted mean of 0.25 and 1.
    close(&report.mean_kappa, 0.625, "mean kappa");
    assert_eq!(report.mean_kappa_codes, 2);

    // Segment matching: X's codings never overlap (2 A only, 2 B only);
    // Y's overlap 9 of a union of 10 = 0.9, a match at the default 0.9.
    assert_eq!(
        (x.segments.matched, x.segments.a_only, x.segments.b_only),
        (0, 2, 2)
    );
    assert_eq!(
        (y.segments.matched, y.segments.a_only, y.segments.b_only),
        (1, 0, 0)
    );
    assert_eq!(
        (
            report.segments.matched,
            report.segments.a_only,
            report.segments.b_only
        ),
        (1, 2, 2)
    );
    close(
        &report.segments.agreement,
        0.2,
        "segment agreement 1/(1+2+2)",
    );
    // At a threshold of 0.95 Y's pair no longer matches.
    let strict = s
        .project
        .agreement(&AgreementOptions {
            threshold: 0.95,
            ..options(UnitOfAnalysis::Unit)
        })
        .unwrap();
    assert_eq!(
        (
            strict.segments.matched,
            strict.segments.a_only,
            strict.segments.b_only
        ),
        (0, 3, 3)
    );
    assert!(matches!(
        s.project.agreement(&AgreementOptions {
            threshold: 1.5,
            ..options(UnitOfAnalysis::Unit)
        }),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn coded_units_only_drops_units_nobody_coded() {
    let s = coded_lines();
    let report = s
        .project
        .agreement(&AgreementOptions {
            coded_only: true,
            ..options(UnitOfAnalysis::Unit)
        })
        .unwrap();
    // L0–L3 were coded by someone with some code; L4 and L5 drop out.
    assert_eq!(report.units, 4);
    let x = report.codes.iter().find(|c| c.name == "X").unwrap();
    // X over L0–L3: both, A, B, neither: po = 1/2, pe = 1/2, kappa 0.
    close(&x.summary.percent_agreement, 0.5, "X agreement");
    close(&x.summary.kappa, 0.0, "X kappa");
    let y = report.codes.iter().find(|c| c.name == "Y").unwrap();
    close(&y.summary.kappa, 1.0, "Y kappa");
}

#[test]
fn sentence_and_source_levels() {
    let s = coded_lines();
    let report = s
        .project
        .agreement(&options(UnitOfAnalysis::Sentence))
        .unwrap();
    assert_eq!(report.units, 8, "eight sentences");
    let x = report.codes.iter().find(|c| c.name == "X").unwrap();
    // X by sentence: s0 A, s1 B, s2 A, s3 A, s4 B, s5–s7 neither.
    // po = 3/8; pA = 3/8, pB = 2/8; pe = 6/64 + 30/64 = 36/64;
    // kappa = (24/64 − 36/64)/(28/64) = −3/7.
    assert_eq!(
        x.presence.iter().map(|(_, n)| n).sum::<u64>(),
        8,
        "presence counts cover every sentence: {:?}",
        x.presence
    );
    close(&x.summary.percent_agreement, 3.0 / 8.0, "X agreement");
    close(&x.summary.kappa, -3.0 / 7.0, "X kappa");

    // The whole source as the unit: both coders used both codes, so there
    // is no variation and kappa is undefined, with a reason.
    let source = s
        .project
        .agreement(&options(UnitOfAnalysis::Source))
        .unwrap();
    assert_eq!(source.units, 1);
    for row in &source.codes {
        close(&row.summary.percent_agreement, 1.0, "source agreement");
        assert!(
            matches!(row.summary.kappa, Statistic::Undefined { .. }),
            "kappa with no variation is undefined, not 0 or NaN: {:?}",
            row.summary.kappa
        );
        assert!(row.summary.kappa.reason().is_some());
    }
    assert!(matches!(source.mean_kappa, Statistic::Undefined { .. }));
    assert_eq!(source.mean_kappa_codes, 0);
    let json = serde_json::to_string(&source).unwrap();
    assert!(!json.contains("NaN") && !json.contains("null"), "{json}");
    assert!(json.contains("\"undefined\""), "{json}");
    let md = source.render(ReportFormat::Markdown);
    assert!(md.contains("undefined"), "{md}");
}

#[test]
fn reports_render_as_markdown_html_and_csv_with_the_numbers() {
    let s = coded_lines();
    let report = s.project.agreement(&options(UnitOfAnalysis::Unit)).unwrap();
    for format in [
        ReportFormat::Markdown,
        ReportFormat::Html,
        ReportFormat::Csv,
    ] {
        let out = report.render(format);
        for needle in ["X", "Y", "0.250", "1.000", "0.556", "0.625", "0.312"] {
            assert!(out.contains(needle), "{format:?} holds {needle}:\n{out}");
        }
        assert!(out.contains('A') && out.contains('B'), "names the coders");
    }
    let html = report.render(ReportFormat::Html);
    assert!(html.contains("<table"), "{html}");
    assert!(ReportFormat::from_extension("pdf").is_err());

    // Written to a file: a CSV starts with the UTF-8 byte-order mark Excel
    // needs to read names such as "Tomás" right; Markdown does not.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("agreement.csv");
    std::fs::write(&csv, "an older report").unwrap();
    write_reports(std::slice::from_ref(&report), ReportFormat::Csv, &csv).unwrap();
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM first");
    assert_eq!(&bytes[3..], report.render(ReportFormat::Csv).as_bytes());
    let md = dir.path().join("agreement.md");
    write_reports(
        &[report.clone(), report.clone()],
        ReportFormat::Markdown,
        &md,
    )
    .unwrap();
    let text = std::fs::read_to_string(&md).unwrap();
    assert_eq!(
        text.matches("# Inter-coder agreement").count(),
        2,
        "both reports"
    );
    assert!(!text.starts_with('\u{feff}'));
    // Into a folder that does not exist: an error, and no file anywhere.
    let missing = dir.path().join("no such folder").join("a.csv");
    assert!(write_reports(&[report], ReportFormat::Csv, &missing).is_err());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "nothing left behind"
    );
}

#[test]
fn agreement_of_each_coder_with_the_consensus() {
    let mut s = coded_lines();
    assert!(
        matches!(
            s.project
                .agreement_with_consensus(&AgreementOptions::default()),
            Err(Error::NotAllowed(_))
        ) || s.project.phase().unwrap() == Phase::Reconciliation
    );
    s.project.start_reconciliation(None).unwrap();
    // Keep A's coding wherever they differ: the consensus becomes A's coding.
    let list = s
        .project
        .discrepancies(&DiscrepancyFilter::default())
        .unwrap();
    assert!(list.total > 0);
    for d in &list.items {
        let kind = if d.a.is_empty() {
            DecisionKind::Drop
        } else {
            DecisionKind::KeepA
        };
        s.project
            .decide(
                &d.key,
                &DecisionRequest {
                    kind,
                    span: None,
                    code: None,
                    note: "A's reading".into(),
                },
            )
            .unwrap();
    }
    let reports = s
        .project
        .agreement_with_consensus(&options(UnitOfAnalysis::Unit))
        .unwrap();
    assert_eq!(reports.len(), 2, "one report per coder");
    let a = &reports[0];
    assert_eq!(a.coders[0].name, "A");
    assert_eq!(a.coders[1].name, "Consensus");
    close(&a.pooled.percent_agreement, 1.0, "A against the consensus");
    close(&a.pooled.kappa, 1.0, "A against the consensus");
    // B against a consensus that is A's coding: the A-versus-B figures.
    let b = &reports[1];
    assert_eq!(b.coders[0].name, "B");
    close(&b.pooled.kappa, 5.0 / 9.0, "B against the consensus");
}
