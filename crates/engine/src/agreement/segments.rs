//! Segment matching, as MAXQDA does it: two coders agree on a coding when
//! they coded nearly the same stretch of text with the same code.
//!
//! For one code in one source, a coding `a` of coder A and a coding `b` of
//! coder B *can match* when
//!
//! ```text
//! overlap(a, b) / union(a, b) ≥ threshold
//! ```
//!
//! where overlap is the number of code points both cover and union is the
//! number from the start of the earlier to the end of the later (for
//! overlapping codings, the code points either covers). Matching is one to
//! one: each coding matches at most one of the other coder's. Candidate pairs
//! are taken greedily, largest overlap first; ties go to the larger ratio
//! (the tighter fit), then to the lower index of A's coding, then of B's, so
//! the result depends only on the inputs' order, never on hashing or sorting
//! details. Agreement is matched ÷ (matched + A only + B only).
//!
//! ```
//! use accord_engine::agreement::{MatchThreshold, Span, match_segments};
//!
//! let a = [Span::new(0, 100)?, Span::new(200, 250)?];
//! let b = [Span::new(5, 100)?, Span::new(300, 320)?];
//! let comparison = match_segments(&a, &b, MatchThreshold::default());
//! assert_eq!(comparison.matched.len(), 1, "95 of 100 code points in common: 0.95 ≥ 0.9");
//! assert_eq!(comparison.a_only, vec![1]);
//! assert_eq!(comparison.b_only, vec![1]);
//! assert_eq!(comparison.agreement.value(), Some(1.0 / 3.0));
//! # Ok::<(), accord_engine::agreement::AgreementError>(())
//! ```

use std::cmp::Ordering;

use serde::Serialize;

use super::{AgreementError, Span, Statistic, UndefinedReason};

/// The share of their union that two codings must have in common to match:
/// greater than 0, at most 1. MAXQDA's default, and ours, is 0.9.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MatchThreshold(f64);

impl MatchThreshold {
    /// A threshold; refused unless 0 < `threshold` ≤ 1.
    pub fn new(threshold: f64) -> Result<MatchThreshold, AgreementError> {
        // Written so that NaN fails too.
        if threshold > 0.0 && threshold <= 1.0 {
            Ok(MatchThreshold(threshold))
        } else {
            Err(AgreementError::InvalidThreshold { threshold })
        }
    }

    /// The threshold as a number.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl Default for MatchThreshold {
    fn default() -> Self {
        MatchThreshold(0.9)
    }
}

/// A coding of coder A matched with one of coder B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MatchedPair {
    /// The index of A's coding in the list given.
    pub a: usize,
    /// The index of B's coding in the list given.
    pub b: usize,
    /// Code points both codings cover.
    pub overlap: usize,
    /// Code points either coding covers.
    pub union: usize,
}

/// The outcome of matching two coders' codings of one code in one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SegmentComparison {
    /// The threshold used.
    pub threshold: MatchThreshold,
    /// The matched pairs, in the order they were taken (largest overlap first).
    pub matched: Vec<MatchedPair>,
    /// Indices of A's codings that matched none of B's, ascending.
    pub a_only: Vec<usize>,
    /// Indices of B's codings that matched none of A's, ascending.
    pub b_only: Vec<usize>,
    /// matched ÷ (matched + A only + B only); undefined when there is no coding at all.
    pub agreement: Statistic,
}

/// Matches coder A's and coder B's codings of one code in one source.
///
/// Codings may be in any order and may overlap each other. An empty coding
/// covers no code point and so never matches.
pub fn match_segments(a: &[Span], b: &[Span], threshold: MatchThreshold) -> SegmentComparison {
    let mut candidates: Vec<MatchedPair> = overlapping_pairs(a, b)
        .filter(|pair| pair.overlap as f64 / pair.union as f64 >= threshold.0)
        .collect();
    candidates.sort_unstable_by(by_preference);

    let mut a_matched = vec![false; a.len()];
    let mut b_matched = vec![false; b.len()];
    let mut matched = Vec::new();
    for pair in candidates {
        if !a_matched[pair.a] && !b_matched[pair.b] {
            a_matched[pair.a] = true;
            b_matched[pair.b] = true;
            matched.push(pair);
        }
    }
    let unmatched = |flags: &[bool]| -> Vec<usize> {
        flags
            .iter()
            .enumerate()
            .filter(|(_, m)| !**m)
            .map(|(i, _)| i)
            .collect()
    };
    let a_only = unmatched(&a_matched);
    let b_only = unmatched(&b_matched);
    let codings = matched.len() + a_only.len() + b_only.len();
    let agreement = if codings == 0 {
        Statistic::undefined(UndefinedReason::NoCodings)
    } else {
        Statistic::defined(matched.len() as f64 / codings as f64)
    };
    SegmentComparison {
        threshold,
        matched,
        a_only,
        b_only,
        agreement,
    }
}

/// Largest overlap first, then the larger overlap ÷ union (compared exactly,
/// by cross-multiplying), then the lower A index, then the lower B index.
fn by_preference(x: &MatchedPair, y: &MatchedPair) -> Ordering {
    y.overlap
        .cmp(&x.overlap)
        .then_with(|| {
            (y.overlap as u128 * x.union as u128).cmp(&(x.overlap as u128 * y.union as u128))
        })
        .then_with(|| x.a.cmp(&y.a))
        .then_with(|| x.b.cmp(&y.b))
}

/// Every pair of non-empty codings, one of A's and one of B's, that share
/// at least one code point. A sweep by start position: each coding, when
/// reached, pairs with the other coder's codings still open, so only
/// overlapping pairs are ever looked at.
fn overlapping_pairs<'s>(a: &'s [Span], b: &'s [Span]) -> impl Iterator<Item = MatchedPair> + 's {
    // (start, coder, index); at equal starts A's come first, so that a B
    // coding starting at the same point finds them open, and each pair is
    // produced exactly once (by whichever of the two comes later).
    let mut starts: Vec<(usize, u8, usize)> = a
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_empty())
        .map(|(i, s)| (s.start(), 0, i))
        .chain(
            b.iter()
                .enumerate()
                .filter(|(_, s)| !s.is_empty())
                .map(|(i, s)| (s.start(), 1, i)),
        )
        .collect();
    starts.sort_unstable();

    let mut open: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let mut pairs = Vec::new();
    let lists = [a, b];
    for (start, coder, index) in starts {
        let coder = coder as usize;
        let other = 1 - coder;
        open[other].retain(|&i| lists[other][i].end() > start);
        for &j in &open[other] {
            let (ai, bi) = if coder == 0 { (index, j) } else { (j, index) };
            let (sa, sb) = (a[ai], b[bi]);
            pairs.push(MatchedPair {
                a: ai,
                b: bi,
                overlap: sa.overlap(sb),
                union: sa.end().max(sb.end()) - sa.start().min(sb.start()),
            });
        }
        open[coder].push(index);
    }
    pairs.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(pairs: &[(usize, usize)]) -> Vec<Span> {
        pairs
            .iter()
            .map(|&(s, e)| Span::new(s, e).unwrap())
            .collect()
    }

    fn indices(comparison: &SegmentComparison) -> Vec<(usize, usize)> {
        comparison.matched.iter().map(|p| (p.a, p.b)).collect()
    }

    #[test]
    fn the_threshold_is_inclusive() {
        // overlap 9, union 10: exactly 0.9.
        let a = spans(&[(0, 10)]);
        let b = spans(&[(1, 10)]);
        let at = match_segments(&a, &b, MatchThreshold::new(0.9).unwrap());
        assert_eq!(indices(&at), vec![(0, 0)], "9/10 meets a threshold of 0.9");
        assert_eq!(at.matched[0].overlap, 9);
        assert_eq!(at.matched[0].union, 10);
        let above = match_segments(&a, &b, MatchThreshold::new(0.91).unwrap());
        assert!(above.matched.is_empty(), "9/10 falls short of 0.91");
        assert_eq!(above.agreement.value(), Some(0.0), "two codings, no match");
    }

    #[test]
    fn matching_is_one_to_one_largest_overlap_first() {
        // B's two codings both fit A's first; the larger overlap wins it and
        // the other is left to match A's second coding if it can.
        let a = spans(&[(0, 100), (0, 95)]);
        let b = spans(&[(2, 100), (0, 94)]);
        let comparison = match_segments(&a, &b, MatchThreshold::new(0.5).unwrap());
        // Overlaps: (0,0)=98, (0,1)=94, (1,0)=93, (1,1)=94.
        assert_eq!(
            indices(&comparison),
            vec![(0, 0), (1, 1)],
            "the 98-point pair is taken first, then the best pair left"
        );
        assert!(comparison.a_only.is_empty() && comparison.b_only.is_empty());
        assert_eq!(comparison.agreement.value(), Some(1.0));
    }

    #[test]
    fn ties_go_to_the_tighter_fit_then_the_lower_index() {
        // Both of A's codings overlap B's by 50; A's first is the tighter fit.
        let a = spans(&[(0, 60), (0, 50)]);
        let b = spans(&[(0, 50)]);
        let comparison = match_segments(&a, &b, MatchThreshold::new(0.5).unwrap());
        assert_eq!(indices(&comparison), vec![(1, 0)], "50/50 beats 50/60");
        assert_eq!(comparison.a_only, vec![0]);

        // Identical codings: the lower index wins, whatever the input order.
        let a = spans(&[(10, 20), (10, 20)]);
        let b = spans(&[(10, 20)]);
        let comparison = match_segments(&a, &b, MatchThreshold::default());
        assert_eq!(
            indices(&comparison),
            vec![(0, 0)],
            "lower A index on a full tie"
        );
    }

    #[test]
    fn codings_that_only_touch_or_are_empty_never_match() {
        let a = spans(&[(0, 10), (20, 20)]);
        let b = spans(&[(10, 20), (20, 20)]);
        let comparison = match_segments(&a, &b, MatchThreshold::new(f64::MIN_POSITIVE).unwrap());
        assert!(
            comparison.matched.is_empty(),
            "no shared code point, however low the threshold"
        );
        assert_eq!(comparison.a_only, vec![0, 1]);
        assert_eq!(comparison.b_only, vec![0, 1]);
    }

    #[test]
    fn agreement_is_undefined_without_codings() {
        let comparison = match_segments(&[], &[], MatchThreshold::default());
        assert_eq!(
            comparison.agreement.reason(),
            Some(UndefinedReason::NoCodings)
        );
        let one_sided = match_segments(&spans(&[(0, 5)]), &[], MatchThreshold::default());
        assert_eq!(
            one_sided.agreement.value(),
            Some(0.0),
            "one coder's coding unmatched is disagreement"
        );
    }

    #[test]
    fn threshold_must_be_in_zero_one() {
        for bad in [0.0, -0.1, 1.0000001, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(
                    MatchThreshold::new(bad),
                    Err(AgreementError::InvalidThreshold { .. })
                ),
                "{bad} is not a share of a union"
            );
        }
        assert_eq!(MatchThreshold::new(1.0).map(MatchThreshold::value), Ok(1.0));
        assert_eq!(MatchThreshold::default().value(), 0.9);
    }

    #[test]
    fn the_sweep_finds_exactly_the_overlapping_pairs() {
        let a = spans(&[(50, 60), (0, 100), (5, 5), (70, 80), (95, 120)]);
        let b = spans(&[(55, 75), (0, 1), (100, 101), (120, 130)]);
        let mut found: Vec<(usize, usize)> =
            overlapping_pairs(&a, &b).map(|p| (p.a, p.b)).collect();
        found.sort_unstable();
        let mut expected = Vec::new();
        for (i, x) in a.iter().enumerate() {
            for (j, y) in b.iter().enumerate() {
                if x.overlap(*y) > 0 {
                    expected.push((i, j));
                }
            }
        }
        assert_eq!(
            found, expected,
            "every overlapping pair once, no other pair"
        );
    }
}
