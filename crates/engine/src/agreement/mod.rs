//! Inter-coder agreement: the statistics, and the turning of codings into the
//! data they are computed from.
//!
//! Everything here is a pure function of its inputs: no project, no database,
//! no I/O. The layers are
//!
//! * [`intervals`]: codings (spans of code points) become *presence counts* —
//!   how many characters, or how many units, each combination of coders
//!   coded with one code in one source. A sweep over sorted interval unions,
//!   never a loop over characters.
//! * [`stats`]: reliability statistics (percent agreement, Cohen's, Light's,
//!   Fleiss' and Brennan–Prediger kappa, Krippendorff's alpha) over
//!   *reliability data* — units × coders, each cell a category or missing —
//!   or over a contingency table of two coders.
//! * [`segments`]: MAXQDA-style matching of whole codings.
//!
//! `docs/methods.md` gives the definitions, with formulas and a worked
//! example, for researchers who have to defend the numbers.
//!
//! Architecture invariant: a statistic that the data cannot determine is
//! [`Statistic::Undefined`] with a reason, never NaN, infinity or a made-up 0.
//!
//! ```
//! use accord_engine::agreement::{BinaryTable, Span, character_counts};
//!
//! // One code in one 1,000-character source: coder A coded 0..150,
//! // coder B coded 100..150 and 400..450.
//! let a = [Span::new(0, 150)?];
//! let b = [Span::new(100, 150)?, Span::new(400, 450)?];
//! let counts = character_counts(1_000, &[&a[..], &b[..]])?;
//! let table = counts.binary_table(0, 1)?;
//! assert_eq!(table, BinaryTable { both: 50, a_only: 100, b_only: 50, neither: 800 });
//!
//! let kappa = table.cohen_kappa().value().expect("both categories occur");
//! assert!((kappa - 0.3182).abs() < 5e-5);
//! # Ok::<(), accord_engine::agreement::AgreementError>(())
//! ```

pub mod intervals;
#[cfg(test)]
mod reference_tests;
mod report;
pub mod segments;
pub mod stats;

pub use intervals::{
    CoderSet, MAX_CODERS, PresenceCounts, SourceUnits, Span, UnitPresence, UnitSelection,
    character_counts,
};
pub use report::{
    AgreementOptions, AgreementReport, CodeAgreement, ReportCoder, ReportFormat, SegmentCounts,
    UnitOfAnalysis, format_statistic, write_reports,
};
pub use segments::{MatchThreshold, MatchedPair, SegmentComparison, match_segments};
pub use stats::{
    AgreementSummary, BinaryTable, Category, ContingencyTable, KappaKind, ReliabilityData,
};

use serde::Serialize;

/// The value of an agreement statistic, or why the data cannot give one.
///
/// Serialised as `{"kind": "defined", "value": 0.318}` or
/// `{"kind": "undefined", "reason": "chance_agreement_is_one"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Statistic {
    /// The statistic has a finite value.
    Defined {
        /// The value; proportions are in [0, 1], coefficients at most 1.
        value: f64,
    },
    /// The statistic is 0/0 (or has no data) for this input.
    Undefined {
        /// Why, in a form the UI can switch on; its `Display` is a sentence.
        reason: UndefinedReason,
    },
}

impl Statistic {
    /// The value, if the statistic is defined.
    pub fn value(&self) -> Option<f64> {
        match *self {
            Statistic::Defined { value } => Some(value),
            Statistic::Undefined { .. } => None,
        }
    }

    /// Why the statistic is undefined, if it is.
    pub fn reason(&self) -> Option<UndefinedReason> {
        match *self {
            Statistic::Defined { .. } => None,
            Statistic::Undefined { reason } => Some(reason),
        }
    }

    /// Whether the statistic has a value.
    pub fn is_defined(&self) -> bool {
        matches!(self, Statistic::Defined { .. })
    }

    /// A defined statistic. Callers establish beforehand that the denominator
    /// is not zero; a non-finite value here is a bug in this module.
    pub(crate) fn defined(value: f64) -> Statistic {
        debug_assert!(value.is_finite(), "a statistic must be finite, got {value}");
        Statistic::Defined { value }
    }

    pub(crate) fn undefined(reason: UndefinedReason) -> Statistic {
        Statistic::Undefined { reason }
    }
}

/// Why a statistic has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum UndefinedReason {
    /// No unit has values from at least two coders.
    NoPairableUnits,
    /// Fleiss' kappa uses only units that every coder coded, and there are none.
    NoCompleteUnits,
    /// Every value is in one and the same category, so the agreement
    /// expected by chance is 1 and kappa is 0/0.
    ChanceAgreementIsOne,
    /// Every pairable value is in one and the same category, so the
    /// disagreement expected by chance is 0 and alpha is 0/0.
    NoDisagreementExpected,
    /// Brennan–Prediger kappa needs at least two possible categories.
    FewerThanTwoCategories,
    /// Neither coder made any coding, so there is nothing to match.
    NoCodings,
}

impl UndefinedReason {
    /// The reason as a sentence for a researcher.
    pub fn explanation(self) -> &'static str {
        match self {
            UndefinedReason::NoPairableUnits => {
                "no unit has values from at least two coders, so there is nothing to compare"
            }
            UndefinedReason::NoCompleteUnits => {
                "no unit was coded by every coder, and Fleiss' kappa uses only those units"
            }
            UndefinedReason::ChanceAgreementIsOne => {
                "the coders used a single category, and the same one, so the agreement expected by chance is 1 and kappa is undefined (0/0)"
            }
            UndefinedReason::NoDisagreementExpected => {
                "all values are in a single category, so the disagreement expected by chance is 0 and alpha is undefined (0/0)"
            }
            UndefinedReason::FewerThanTwoCategories => {
                "there are fewer than two categories, so agreement by chance is certain and the coefficient is undefined"
            }
            UndefinedReason::NoCodings => {
                "neither coder made a coding, so there is nothing to match"
            }
        }
    }
}

impl std::fmt::Display for UndefinedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.explanation())
    }
}

/// What can be wrong with the input to an agreement computation.
///
/// Each variant carries the indices a caller needs to find the offending
/// unit, coder or coding.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AgreementError {
    /// Agreement needs at least two coders.
    #[error("agreement needs at least two coders, got {coders}")]
    TooFewCoders {
        /// The number of coders given.
        coders: usize,
    },

    /// Presence patterns are bit sets, which limits how many coders can be compared at once.
    #[error("at most {max} coders can be compared at once, got {coders}", max = MAX_CODERS)]
    TooManyCoders {
        /// The number of coders given.
        coders: usize,
    },

    /// A coding scheme needs at least one category.
    #[error("a coding scheme needs at least one category")]
    NoCategories,

    /// A unit's row of values has the wrong length.
    #[error("unit {unit} has {found} values but there are {expected} coders")]
    WrongNumberOfValues {
        /// The unit (row) index, counting rows as they were added.
        unit: usize,
        /// The number of coders.
        expected: usize,
        /// The number of values in the row.
        found: usize,
    },

    /// A value is not one of the declared categories.
    #[error("{}coder {coder} gave category {category}, but there are only {categories} categories", unit.map(|u| format!("unit {u}: ")).unwrap_or_default())]
    CategoryOutOfRange {
        /// The unit (row) index, when the value came from a unit's row.
        unit: Option<usize>,
        /// The coder (column) index.
        coder: usize,
        /// The offending category index.
        category: Category,
        /// The number of categories declared.
        categories: Category,
    },

    /// A coder index beyond the number of coders.
    #[error("there is no coder {coder}; there are {coders} coders")]
    NoSuchCoder {
        /// The index asked for.
        coder: usize,
        /// The number of coders.
        coders: usize,
    },

    /// Two tables or counts cannot be pooled because their shapes differ.
    #[error("cannot pool data of different shapes: {left} and {right} {what}")]
    ShapeMismatch {
        /// What differs: "categories", "coders" or "units".
        what: &'static str,
        /// The size on the left.
        left: usize,
        /// The size on the right.
        right: usize,
    },

    /// A span whose end comes before its start.
    #[error("span {start}..{end} ends before it starts")]
    ReversedSpan {
        /// First code point.
        start: usize,
        /// One past the last code point.
        end: usize,
    },

    /// A unit reaches past the end of its source.
    #[error(
        "unit {index} ({start}..{end}) reaches past the end of the source ({length} code points)"
    )]
    UnitOutsideSource {
        /// The unit's index.
        index: usize,
        /// First code point.
        start: usize,
        /// One past the last code point.
        end: usize,
        /// The source's length in code points.
        length: usize,
    },

    /// Units must be sorted and must not overlap.
    #[error(
        "unit {index} starts at {start}, before the previous unit ends at {previous_end}; units must be sorted and must not overlap"
    )]
    UnitsOutOfOrder {
        /// The unit's index.
        index: usize,
        /// Its first code point.
        start: usize,
        /// One past the last code point of the unit before it.
        previous_end: usize,
    },

    /// A coding reaches past the end of its source.
    #[error(
        "coding {index} of coder {coder} ({start}..{end}) reaches past the end of the source ({length} code points)"
    )]
    CodingOutsideSource {
        /// The coder's index.
        coder: usize,
        /// The coding's index in that coder's list.
        index: usize,
        /// First code point.
        start: usize,
        /// One past the last code point.
        end: usize,
        /// The source's length in code points.
        length: usize,
    },

    /// A segment-matching threshold outside (0, 1].
    #[error("the match threshold must be greater than 0 and at most 1, got {threshold}")]
    InvalidThreshold {
        /// The threshold given.
        threshold: f64,
    },
}
