//! Every statistic checked against established implementations and
//! published worked examples, on fixed data.
//!
//! The expected numbers are literal. `scripts/reference/agreement_reference.py`
//! recomputes them (it holds the same data sets) with scikit-learn 1.9.1
//! (`cohen_kappa_score`), krippendorff 0.9.0 (`krippendorff.alpha`, nominal),
//! statsmodels 0.15.0 (`fleiss_kappa`) and irrCAC 0.4.4 (`CAC.bp`, Gwet's
//! package); these tests do not run Python. Tolerance is 1e-9, absolute:
//! both sides are exact up to a handful of floating-point operations.
//!
//! Where no package computes Accord's definition — percent agreement with
//! missing values, Brennan–Prediger kappa with missing values — the script
//! computes it directly from the definition in `docs/methods.md`; those
//! values are marked "(definition)".

use super::{ContingencyTable, ReliabilityData, Statistic};

/// A missing value in the coder rows below.
const M: i8 = -1;

const TOLERANCE: f64 = 1e-9;

/// One data set: coders' rows (as in the `krippendorff` package's
/// `reliability_data`, coders × units), and what each statistic must be.
/// `None` means the reference implementation gives NaN (0/0): Accord must
/// report the statistic as undefined.
struct Reference {
    name: &'static str,
    categories: u32,
    coders: &'static [&'static [i8]],
    percent_agreement: Option<f64>,
    /// Cohen's kappa for two coders (scikit-learn), Light's for more (the
    /// mean of scikit-learn's pairwise kappas).
    kappa: Option<f64>,
    /// For more than two coders: scikit-learn's Cohen's kappa of each pair
    /// (0,1), (0,2), …, in `itertools.combinations` order.
    pairwise_kappas: &'static [f64],
    fleiss_kappa: Option<f64>,
    krippendorff_alpha: Option<f64>,
    brennan_prediger_kappa: Option<f64>,
}

impl Reference {
    fn data(&self) -> ReliabilityData {
        let units = self.coders[0].len();
        let mut data = ReliabilityData::new(self.coders.len(), self.categories).unwrap();
        for unit in 0..units {
            let row: Vec<Option<u32>> = self
                .coders
                .iter()
                .map(|coder| u32::try_from(coder[unit]).ok())
                .collect();
            data.add_unit(&row).unwrap();
        }
        data
    }
}

fn check_statistic(
    set: &str,
    statistic: &str,
    actual: Statistic,
    expected: Option<f64>,
    source: &str,
) {
    match (actual, expected) {
        (Statistic::Defined { value }, Some(expected)) => assert!(
            (value - expected).abs() < TOLERANCE,
            "{set}: {statistic} is {value}, but {source} gives {expected}"
        ),
        (Statistic::Undefined { .. }, None) => {}
        (actual, expected) => panic!(
            "{set}: {statistic} is {actual:?}; {source} gives {expected:?} (None: NaN, so Accord must say undefined)"
        ),
    }
}

fn check(reference: &Reference) {
    let data = reference.data();
    let summary = data.summary();
    let set = reference.name;
    check_statistic(
        set,
        "percent agreement",
        summary.percent_agreement,
        reference.percent_agreement,
        "irrCAC (complete data) or the definition (missing values)",
    );
    check_statistic(
        set,
        "kappa",
        summary.kappa,
        reference.kappa,
        "scikit-learn cohen_kappa_score",
    );
    let mut pairs = Vec::new();
    for first in 0..data.coders() {
        for second in first + 1..data.coders() {
            pairs.push((first, second));
        }
    }
    if data.coders() > 2 {
        assert_eq!(
            pairs.len(),
            reference.pairwise_kappas.len(),
            "{set}: one reference per pair"
        );
        for (&(first, second), &expected) in pairs.iter().zip(reference.pairwise_kappas) {
            check_statistic(
                set,
                &format!("Cohen's kappa of coders {first} and {second}"),
                data.cohen_kappa(first, second).unwrap(),
                Some(expected),
                "scikit-learn cohen_kappa_score",
            );
        }
    }
    check_statistic(
        set,
        "Fleiss' kappa",
        summary.fleiss_kappa,
        reference.fleiss_kappa,
        "statsmodels fleiss_kappa (complete units)",
    );
    check_statistic(
        set,
        "Krippendorff's alpha",
        summary.krippendorff_alpha,
        reference.krippendorff_alpha,
        "krippendorff.alpha(level_of_measurement='nominal')",
    );
    check_statistic(
        set,
        "Brennan-Prediger kappa",
        summary.brennan_prediger_kappa,
        reference.brennan_prediger_kappa,
        "irrCAC bp() (complete data) or the definition",
    );

    // Two coders with no missing value: the exact integer route through a
    // contingency table must give the same numbers.
    let complete = reference
        .coders
        .iter()
        .all(|coder| coder.iter().all(|&v| v != M));
    if data.coders() == 2 && complete {
        let table: ContingencyTable = data.pair(0, 1).unwrap();
        let t = table.summary();
        check_statistic(
            set,
            "table percent agreement",
            t.percent_agreement,
            reference.percent_agreement,
            "as above",
        );
        check_statistic(set, "table kappa", t.kappa, reference.kappa, "scikit-learn");
        check_statistic(
            set,
            "table Fleiss' kappa",
            t.fleiss_kappa,
            reference.fleiss_kappa,
            "statsmodels",
        );
        check_statistic(
            set,
            "table alpha",
            t.krippendorff_alpha,
            reference.krippendorff_alpha,
            "krippendorff",
        );
        check_statistic(
            set,
            "table BP",
            t.brennan_prediger_kappa,
            reference.brennan_prediger_kappa,
            "irrCAC",
        );
    }
}

const REFERENCES: &[Reference] = &[
    Reference {
        name: "binary_two_coders",
        categories: 2,
        coders: &[
            &[1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0],
            &[1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0],
        ],
        percent_agreement: Some(0.8),
        kappa: Some(0.6),
        pairwise_kappas: &[],
        fleiss_kappa: Some(0.6000000000000001),
        krippendorff_alpha: Some(0.6100000000000001),
        brennan_prediger_kappa: Some(0.6),
    },
    Reference {
        name: "three_categories_two_coders",
        categories: 3,
        coders: &[
            &[0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0, 1, 2, 0, 0],
            &[0, 1, 2, 1, 1, 0, 2, 2, 1, 0, 2, 0, 1, 2, 1, 0],
        ],
        percent_agreement: Some(0.75),
        kappa: Some(0.6257309941520468),
        pairwise_kappas: &[],
        fleiss_kappa: Some(0.624633431085044),
        krippendorff_alpha: Some(0.6363636363636364),
        brennan_prediger_kappa: Some(0.625),
    },
    Reference {
        // Units where either coder is missing are dropped before scikit-learn
        // sees them; Krippendorff's alpha gets the missing values as NaN.
        name: "two_coders_missing",
        categories: 4,
        coders: &[
            &[0, 1, M, 3, 2, 2, 1, 0, M, 3, 1, 2, 0, 1],
            &[0, 1, 2, M, 2, 1, 1, 0, M, 3, 1, 3, 0, M],
        ],
        percent_agreement: Some(0.8),
        kappa: Some(0.7297297297297297),
        pairwise_kappas: &[],
        fleiss_kappa: Some(0.7241379310344829),
        krippendorff_alpha: Some(0.7379310344827587),
        // (definition): 4 categories, Po = 0.8.
        brennan_prediger_kappa: Some(0.7333333333333334),
    },
    Reference {
        name: "three_coders_complete",
        categories: 3,
        coders: &[
            &[0, 1, 2, 0, 1, 1, 2, 0, 0, 2, 1, 0],
            &[0, 1, 2, 1, 1, 1, 2, 0, 2, 2, 0, 0],
            &[0, 2, 2, 0, 1, 0, 2, 0, 0, 1, 1, 0],
        ],
        percent_agreement: Some(0.6666666666666666),
        kappa: Some(0.4959677419354838),
        pairwise_kappas: &[0.625, 0.6129032258064516, 0.25],
        fleiss_kappa: Some(0.4917647058823529),
        krippendorff_alpha: Some(0.5058823529411764),
        brennan_prediger_kappa: Some(0.5),
    },
    Reference {
        name: "three_coders_missing",
        categories: 4,
        coders: &[
            &[0, 1, 2, M, 3, 1, 0, 2, 2, M, 1, 3, 0, 0, 1],
            &[0, 1, 2, 3, 3, M, 0, 2, 1, 1, 1, 3, M, 0, 2],
            &[0, M, 2, 3, 2, 1, 1, 2, 1, M, M, 3, 0, 0, 1],
        ],
        // (definition)
        percent_agreement: Some(0.7837837837837838),
        kappa: Some(0.6647173489278752),
        pairwise_kappas: &[0.7555555555555555, 0.6333333333333333, 0.6052631578947368],
        fleiss_kappa: Some(0.5955056179775282),
        krippendorff_alpha: Some(0.7170923379174853),
        // (definition)
        brennan_prediger_kappa: Some(0.7117117117117117),
    },
    Reference {
        // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability",
        // section C (nominal data, any number of observers, missing data):
        // observers A–D, 12 units, values 1–5 (here 0–4). Published alpha 0.743.
        name: "krippendorff_2011",
        categories: 5,
        coders: &[
            &[0, 1, 2, 2, 1, 0, 3, 0, 1, M, M, M],
            &[0, 1, 2, 2, 1, 1, 3, 0, 1, 4, M, 2],
            &[M, 2, 2, 2, 1, 2, 3, 1, 1, 4, 0, M],
            &[0, 1, 2, 2, 1, 3, 3, 0, 1, 4, 0, M],
        ],
        // (definition)
        percent_agreement: Some(0.8),
        kappa: Some(0.7001626371070886),
        pairwise_kappas: &[
            0.8448275862068966,
            0.4782608695652174,
            0.85,
            0.5423728813559321,
            0.8701298701298701,
            0.6153846153846154,
        ],
        fleiss_kappa: Some(0.6414565826330533),
        krippendorff_alpha: Some(0.743421052631579),
        // (definition)
        brennan_prediger_kappa: Some(0.7500000000000001),
    },
    Reference {
        // Degenerate: scikit-learn, statsmodels and krippendorff all give NaN.
        name: "single_category",
        categories: 2,
        coders: &[&[1, 1, 1, 1, 1], &[1, 1, 1, 1, 1]],
        percent_agreement: Some(1.0),
        kappa: None,
        pairwise_kappas: &[],
        fleiss_kappa: None,
        krippendorff_alpha: None,
        brennan_prediger_kappa: Some(1.0),
    },
    Reference {
        // Degenerate the other way: each coder used one category, not the same one.
        name: "opposite_categories",
        categories: 2,
        coders: &[&[0, 0, 0, 0, 0, 0], &[1, 1, 1, 1, 1, 1]],
        percent_agreement: Some(0.0),
        kappa: Some(0.0),
        pairwise_kappas: &[],
        fleiss_kappa: Some(-1.0),
        krippendorff_alpha: Some(-0.8333333333333333),
        brennan_prediger_kappa: Some(-1.0),
    },
    Reference {
        name: "perfect_binary",
        categories: 2,
        coders: &[&[1, 0, 0, 1, 1, 0, 0], &[1, 0, 0, 1, 1, 0, 0]],
        percent_agreement: Some(1.0),
        kappa: Some(1.0),
        pairwise_kappas: &[],
        fleiss_kappa: Some(1.0),
        krippendorff_alpha: Some(1.0),
        brennan_prediger_kappa: Some(1.0),
    },
];

#[test]
fn statistics_match_reference_implementations() {
    for reference in REFERENCES {
        check(reference);
    }
}

#[test]
fn krippendorff_2011_published_alpha() {
    // Krippendorff (2011), section C, reports alpha = 0.743 to three places.
    let data = REFERENCES
        .iter()
        .find(|r| r.name == "krippendorff_2011")
        .unwrap()
        .data();
    let alpha = data.krippendorff_alpha().value().unwrap();
    assert_eq!(
        (alpha * 1000.0).round() / 1000.0,
        0.743,
        "the published value, got {alpha}"
    );
}

#[test]
fn nvivo_documented_example() {
    // NVivo's documentation of its coding comparison query: a source of 1,000
    // characters, 50 coded by both users, 100 by A only, 50 by B only, 800 by
    // neither: agreement 85 %, kappa 0.3182 (to 4 places). scikit-learn on
    // the 1,000 characters: 0.31818181818181823; krippendorff: 0.3146285714285715;
    // statsmodels Fleiss (Scott's pi): 0.31428571428571417; irrCAC BP: 0.7.
    let table = super::BinaryTable {
        both: 50,
        a_only: 100,
        b_only: 50,
        neither: 800,
    };
    let s = table.summary();
    assert_eq!(
        s.percent_agreement.value(),
        Some(0.85),
        "850 of 1,000 characters agree"
    );
    let kappa = s.kappa.value().unwrap();
    assert_eq!(
        (kappa * 10_000.0).round() / 10_000.0,
        0.3182,
        "NVivo's documented kappa, got {kappa}"
    );
    check_statistic(
        "nvivo",
        "kappa",
        s.kappa,
        Some(0.31818181818181823),
        "scikit-learn",
    );
    check_statistic(
        "nvivo",
        "alpha",
        s.krippendorff_alpha,
        Some(0.3146285714285715),
        "krippendorff",
    );
    check_statistic(
        "nvivo",
        "Fleiss' kappa",
        s.fleiss_kappa,
        Some(0.31428571428571417),
        "statsmodels",
    );
    check_statistic("nvivo", "BP", s.brennan_prediger_kappa, Some(0.7), "irrCAC");

    // The same data as 4 weighted rows of reliability data.
    let mut data = ReliabilityData::new(2, 2).unwrap();
    for (a, b, count) in [(1, 1, 50), (1, 0, 100), (0, 1, 50), (0, 0, 800)] {
        data.add_units(&[Some(a), Some(b)], count).unwrap();
    }
    let d = data.summary();
    check_statistic(
        "nvivo rows",
        "kappa",
        d.kappa,
        Some(0.31818181818181823),
        "scikit-learn",
    );
    check_statistic(
        "nvivo rows",
        "alpha",
        d.krippendorff_alpha,
        Some(0.3146285714285715),
        "krippendorff",
    );
}

#[test]
fn wikipedia_fleiss_example() {
    // Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5
    // categories, given as counts per category. Published kappa 0.210 and
    // P̄ = 0.378; statsmodels: 0.20993070442195522; krippendorff: 0.21557405653322692.
    // Which rater gave which rating is not given and does not matter to
    // either statistic, so the raters are filled in category order.
    let counts: [[u8; 5]; 10] = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ];
    let mut data = ReliabilityData::new(14, 5).unwrap();
    for subject in counts {
        let row: Vec<Option<u32>> = subject
            .iter()
            .enumerate()
            .flat_map(|(category, &n)| std::iter::repeat_n(Some(category as u32), n as usize))
            .collect();
        data.add_unit(&row).unwrap();
    }
    let kappa = data.fleiss_kappa().value().unwrap();
    assert_eq!(
        (kappa * 1000.0).round() / 1000.0,
        0.210,
        "the published value, got {kappa}"
    );
    check_statistic(
        "wikipedia",
        "Fleiss' kappa",
        data.fleiss_kappa(),
        Some(0.20993070442195522),
        "statsmodels",
    );
    check_statistic(
        "wikipedia",
        "alpha",
        data.krippendorff_alpha(),
        Some(0.21557405653322692),
        "krippendorff",
    );
    // With every rater rating every subject, percent agreement is Fleiss' P̄.
    let p_bar = data.percent_agreement().value().unwrap();
    assert_eq!(
        (p_bar * 1000.0).round() / 1000.0,
        0.378,
        "Wikipedia's P̄, got {p_bar}"
    );
}

#[test]
fn methods_document_unit_level_example() {
    // docs/methods.md, "A unit-level example": ten survey answers, the code
    // "Trust". If this test changes, the document must change with it.
    use super::{SourceUnits, Span};
    let span = |start, end| Span::new(start, end).unwrap();
    let units = SourceUnits::new(
        1200,
        vec![
            span(0, 120),
            span(121, 300),
            span(301, 420),
            span(421, 600),
            span(601, 700),
            span(701, 800),
            span(801, 900),
            span(901, 1000),
            span(1001, 1100),
            span(1101, 1200),
        ],
    )
    .unwrap();
    let trust_a = vec![span(10, 60), span(290, 330), span(450, 500)];
    let trust_b = vec![span(15, 70), span(305, 400), span(650, 690)];
    let mentor_qualities_b = vec![span(720, 780)];

    let presence = units.presence(&[&trust_a, &trust_b]).unwrap();
    let table = presence.counts().binary_table(0, 1).unwrap();
    assert_eq!(
        table,
        super::BinaryTable {
            both: 2,
            a_only: 2,
            b_only: 1,
            neither: 5
        },
        "A marks U1–U4 (290–330 reaches into U2 and U3), B marks U1, U3, U5"
    );
    let s = table.summary();
    check_statistic(
        "methods",
        "percent",
        s.percent_agreement,
        Some(0.7),
        "7 of 10 units",
    );
    check_statistic(
        "methods",
        "kappa",
        s.kappa,
        Some(0.16 / 0.46),
        "(0.70 − 0.54)/(1 − 0.54)",
    );
    check_statistic(
        "methods",
        "alpha",
        s.krippendorff_alpha,
        Some(1.0 - 114.0 / 182.0),
        "1 − 19·6/182",
    );
    check_statistic(
        "methods",
        "BP",
        s.brennan_prediger_kappa,
        Some(0.4),
        "(0.70 − 0.5)/0.5",
    );

    let every_a = trust_a.clone();
    let every_b = [trust_b.clone(), mentor_qualities_b].concat();
    let coded = units.coded_units(&[every_a, every_b]).unwrap();
    assert_eq!(coded.selected(), 6, "U1–U6 carry a coding; U7–U10 none");
    let table = presence
        .counts_in(&coded)
        .unwrap()
        .binary_table(0, 1)
        .unwrap();
    assert_eq!(table.neither, 1, "only U6 remains an agreed absence");
    let s = table.summary();
    check_statistic(
        "methods coded",
        "percent",
        s.percent_agreement,
        Some(0.5),
        "3 of 6 units",
    );
    check_statistic(
        "methods coded",
        "kappa",
        s.kappa,
        Some(0.0),
        "Po = Pe = 0.5",
    );
}
