//! From codings to presence counts: which coders coded what, with one code in
//! one source, counted by characters or by units.
//!
//! Both levels start from each coder's *union* of codings: codings of one
//! coder that overlap or touch are merged first, so a passage a coder coded
//! twice counts once. Then
//!
//! * **character level** ([`character_counts`]): one sweep over the sorted
//!   boundaries of all coders' unions counts the code points of every
//!   presence pattern — coded by both, by A only, by B only, by neither (for
//!   n coders, by each subset of coders). Cost O(c log c) in the number of
//!   codings c, independent of the source's length.
//! * **unit level** ([`SourceUnits::presence`]): a coder *marks* a unit with
//!   a code when at least one of their codings with that code overlaps the
//!   unit by at least one code point. A two-pointer walk over the sorted
//!   units and the sorted union decides every unit in O(u + c log c).
//!
//! "Coded units only" ([`SourceUnits::coded_units`]) keeps the units that
//! some coder marked with some code; it needs every code's codings of the
//! source, which is why it is computed once per source and then applied to
//! each code's [`UnitPresence`].
//!
//! ```
//! use accord_engine::agreement::{CoderSet, SourceUnits, Span};
//!
//! // Three paragraphs; coder A coded into the first and the second, coder B
//! // only the first. "Trust" is the code being compared; "Mentor
//! // qualities" is another code that coder B applied to the third paragraph.
//! let units = SourceUnits::new(30, vec![Span::new(0, 10)?, Span::new(10, 20)?, Span::new(20, 30)?])?;
//! let trust_a = [Span::new(5, 12)?];
//! let trust_b = [Span::new(0, 4)?];
//! let qualities_b = [Span::new(22, 25)?];
//!
//! let trust = units.presence(&[&trust_a[..], &trust_b[..]])?;
//! assert_eq!(trust.coders_marking(0), Some(CoderSet::from_bits(0b11)));
//! assert_eq!(trust.coders_marking(1), Some(CoderSet::from_bits(0b01)));
//!
//! // All units: the third counts as "neither".
//! assert_eq!(trust.counts().binary_table(0, 1)?.neither, 1);
//! // Coded units only: the third is still in, because B coded it with another code.
//! let all_codes_a: Vec<Span> = trust_a.to_vec();
//! let all_codes_b: Vec<Span> = [&trust_b[..], &qualities_b[..]].concat();
//! let coded = units.coded_units(&[all_codes_a, all_codes_b])?;
//! assert_eq!(trust.counts_in(&coded)?.binary_table(0, 1)?.neither, 1);
//! # Ok::<(), accord_engine::agreement::AgreementError>(())
//! ```

use serde::Serialize;

use super::AgreementError;
use super::stats::{AgreementSummary, BinaryTable, ReliabilityData};

/// The largest number of coders compared at once. Presence patterns are bit
/// sets with one table entry per subset of coders (2^coders of them), and
/// real studies have two to a handful of coders.
pub const MAX_CODERS: usize = 16;

/// A span of a source's text: code points `start..end`, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// The span `start..end`; refused when it ends before it starts.
    pub fn new(start: usize, end: usize) -> Result<Span, AgreementError> {
        if end < start {
            return Err(AgreementError::ReversedSpan { start, end });
        }
        Ok(Span { start, end })
    }

    /// The first code point.
    pub fn start(self) -> usize {
        self.start
    }

    /// One past the last code point.
    pub fn end(self) -> usize {
        self.end
    }

    /// The number of code points.
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the span holds no code point.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The number of code points the two spans have in common.
    pub fn overlap(self, other: Span) -> usize {
        self.end
            .min(other.end)
            .saturating_sub(self.start.max(other.start))
    }
}

/// A set of coders (by index): those who coded a character, or marked a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CoderSet(u32);

impl CoderSet {
    /// No coder.
    pub const EMPTY: CoderSet = CoderSet(0);

    /// The set whose bit `i` says whether coder `i` is in it.
    pub fn from_bits(bits: u32) -> CoderSet {
        CoderSet(bits)
    }

    /// Bit `i` is set when coder `i` is in the set.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Whether coder `coder` is in the set.
    pub fn contains(self, coder: usize) -> bool {
        coder < 32 && self.0 & (1 << coder) != 0
    }

    /// The number of coders in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether no coder is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The coders in the set, in increasing order.
    pub fn coders(self) -> impl Iterator<Item = usize> {
        (0..32).filter(move |&coder| self.contains(coder))
    }
}

/// How many characters (or units) each set of coders coded with one code:
/// for two coders, the both / A only / B only / neither counts.
///
/// Counts pool by addition ([`PresenceCounts::pool`]), so a code's counts
/// over a whole project are the sum of its per-source counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PresenceCounts {
    coders: usize,
    /// Indexed by [`CoderSet::bits`].
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    counts: Vec<u64>,
}

impl PresenceCounts {
    /// All-zero counts for `coders` coders.
    pub fn new(coders: usize) -> Result<Self, AgreementError> {
        check_coders(coders)?;
        Ok(PresenceCounts {
            coders,
            counts: vec![0; 1 << coders],
        })
    }

    /// The number of coders.
    pub fn coders(&self) -> usize {
        self.coders
    }

    /// The count for exactly this set of coders (0 for coders beyond the number of coders).
    pub fn count(&self, set: CoderSet) -> u64 {
        self.counts.get(set.bits() as usize).copied().unwrap_or(0)
    }

    /// Adds `count` to the count of `set`.
    pub fn add(&mut self, set: CoderSet, count: u64) -> Result<(), AgreementError> {
        let slot = self
            .counts
            .get_mut(set.bits() as usize)
            .ok_or(AgreementError::NoSuchCoder {
                coder: set.coders().last().unwrap_or(0),
                coders: self.coders,
            })?;
        *slot += count;
        Ok(())
    }

    /// The number of characters (or units) counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Every set of coders with a non-zero count, in order of [`CoderSet::bits`].
    pub fn iter(&self) -> impl Iterator<Item = (CoderSet, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(bits, count)| (CoderSet(bits as u32), *count))
    }

    /// Adds another source's (or code's) counts to these.
    pub fn pool(&mut self, other: &PresenceCounts) -> Result<(), AgreementError> {
        if other.coders != self.coders {
            return Err(AgreementError::ShapeMismatch {
                what: "coders",
                left: self.coders,
                right: other.coders,
            });
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        Ok(())
    }

    /// Two of the coders' counts, the others ignored.
    pub fn binary_table(&self, first: usize, second: usize) -> Result<BinaryTable, AgreementError> {
        for coder in [first, second] {
            if coder >= self.coders {
                return Err(AgreementError::NoSuchCoder {
                    coder,
                    coders: self.coders,
                });
            }
        }
        let mut table = BinaryTable::default();
        for (set, count) in self.iter() {
            match (set.contains(first), set.contains(second)) {
                (true, true) => table.both += count,
                (true, false) => table.a_only += count,
                (false, true) => table.b_only += count,
                (false, false) => table.neither += count,
            }
        }
        Ok(table)
    }

    /// The counts as weighted reliability data: one row per set of coders,
    /// each coder's value 1 (coded) or 0 (not coded), the count its weight.
    pub fn reliability_data(&self) -> ReliabilityData {
        let mut data =
            ReliabilityData::new(self.coders, 2).expect("2..=MAX_CODERS coders and two categories");
        let mut row = vec![None; self.coders];
        for (set, count) in self.iter() {
            for (coder, value) in row.iter_mut().enumerate() {
                *value = Some(u32::from(set.contains(coder)));
            }
            data.add_units(&row, count)
                .expect("rows have one binary value per coder");
        }
        data
    }

    /// Every statistic at once; for two coders computed from the exact 2 × 2 table.
    pub fn summary(&self) -> AgreementSummary {
        if self.coders == 2 {
            self.binary_table(0, 1).expect("two coders").summary()
        } else {
            self.reliability_data().summary()
        }
    }
}

fn check_coders(coders: usize) -> Result<(), AgreementError> {
    if coders < 2 {
        return Err(AgreementError::TooFewCoders { coders });
    }
    if coders > MAX_CODERS {
        return Err(AgreementError::TooManyCoders { coders });
    }
    Ok(())
}

/// The sorted, disjoint union of one coder's codings, into `union`.
///
/// Empty codings cover no code point and are left out; codings that touch
/// are merged, which changes no count and saves boundaries.
fn union_into(
    coder: usize,
    codings: &[Span],
    length: usize,
    union: &mut Vec<Span>,
) -> Result<(), AgreementError> {
    union.clear();
    for (index, coding) in codings.iter().enumerate() {
        if coding.end > length {
            return Err(AgreementError::CodingOutsideSource {
                coder,
                index,
                start: coding.start,
                end: coding.end,
                length,
            });
        }
        if !coding.is_empty() {
            union.push(*coding);
        }
    }
    // Codings usually arrive sorted (they are stored by start), which the
    // sort recognises in linear time.
    union.sort_unstable();
    let mut merged = 0;
    for i in 0..union.len() {
        let next = union[i];
        if merged > 0 && next.start <= union[merged - 1].end {
            let last = &mut union[merged - 1];
            last.end = last.end.max(next.end);
        } else {
            union[merged] = next;
            merged += 1;
        }
    }
    union.truncate(merged);
    Ok(())
}

/// Character-level presence counts of one code in one source: for every set
/// of coders, the number of code points coded by exactly those coders.
///
/// `codings[i]` is coder `i`'s codings with the code in the source, in any
/// order; they may overlap. The counts add up to `source_length`.
pub fn character_counts<C: AsRef<[Span]>>(
    source_length: usize,
    codings: &[C],
) -> Result<PresenceCounts, AgreementError> {
    let mut counts = PresenceCounts::new(codings.len())?;
    let mut union = Vec::new();
    // (position, coder bit): each coder's presence toggles at each boundary
    // of their union, which is disjoint, so a set-bit XOR tracks who is inside.
    let mut boundaries: Vec<(usize, u32)> = Vec::new();
    for (coder, list) in codings.iter().enumerate() {
        union_into(coder, list.as_ref(), source_length, &mut union)?;
        let bit = 1u32 << coder;
        for span in &union {
            boundaries.push((span.start, bit));
            boundaries.push((span.end, bit));
        }
    }
    boundaries.sort_unstable();
    let mut inside = 0u32;
    let mut at = 0usize;
    for (position, bit) in boundaries {
        counts.counts[inside as usize] += (position - at) as u64;
        at = position;
        inside ^= bit;
    }
    debug_assert_eq!(inside, 0, "every union span closes");
    counts.counts[0] += (source_length - at) as u64;
    Ok(counts)
}

/// The units of analysis of one source: sorted, non-overlapping spans within it.
///
/// Validated once, then used for every code and coder of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceUnits {
    length: usize,
    units: Vec<Span>,
}

impl SourceUnits {
    /// The units of a source of `length` code points. Units may leave gaps
    /// (text outside every unit is not analysed at unit level) but must be
    /// in order and must not overlap.
    pub fn new(length: usize, units: Vec<Span>) -> Result<Self, AgreementError> {
        let mut previous_end = 0;
        for (index, unit) in units.iter().enumerate() {
            if unit.end > length {
                return Err(AgreementError::UnitOutsideSource {
                    index,
                    start: unit.start,
                    end: unit.end,
                    length,
                });
            }
            if index > 0 && unit.start < previous_end {
                return Err(AgreementError::UnitsOutOfOrder {
                    index,
                    start: unit.start,
                    previous_end,
                });
            }
            previous_end = unit.end;
        }
        Ok(SourceUnits { length, units })
    }

    /// The source's length in code points.
    pub fn length(&self) -> usize {
        self.length
    }

    /// The units, in order.
    pub fn units(&self) -> &[Span] {
        &self.units
    }

    /// The number of units.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Whether the source has no unit.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Calls `marked` with the index of every unit that the union overlaps
    /// by at least one code point. Empty units are never marked.
    fn mark(&self, union: &[Span], mut marked: impl FnMut(usize)) {
        // Both lists are sorted and disjoint, so the coding pointer only moves forward.
        let mut next = 0;
        for (index, unit) in self.units.iter().enumerate() {
            if unit.is_empty() {
                continue;
            }
            while next < union.len() && union[next].end <= unit.start {
                next += 1;
            }
            if next < union.len() && union[next].start < unit.end {
                marked(index);
            }
        }
    }

    /// Which coders mark each unit with one code. `codings[i]` is coder `i`'s
    /// codings with the code in this source.
    pub fn presence<C: AsRef<[Span]>>(
        &self,
        codings: &[C],
    ) -> Result<UnitPresence, AgreementError> {
        check_coders(codings.len())?;
        let mut sets = vec![CoderSet::EMPTY; self.units.len()];
        let mut union = Vec::new();
        for (coder, list) in codings.iter().enumerate() {
            union_into(coder, list.as_ref(), self.length, &mut union)?;
            let bit = 1u32 << coder;
            self.mark(&union, |unit| sets[unit].0 |= bit);
        }
        Ok(UnitPresence {
            coders: codings.len(),
            sets,
        })
    }

    /// The units that at least one coder marked with at least one code, for
    /// "coded units only". `codings[i]` is *every* coding coder `i` made in
    /// this source, whatever its code.
    pub fn coded_units<C: AsRef<[Span]>>(
        &self,
        codings: &[C],
    ) -> Result<UnitSelection, AgreementError> {
        let mut included = vec![false; self.units.len()];
        let mut union = Vec::new();
        for (coder, list) in codings.iter().enumerate() {
            union_into(coder, list.as_ref(), self.length, &mut union)?;
            self.mark(&union, |unit| included[unit] = true);
        }
        Ok(UnitSelection { included })
    }
}

/// For one code in one source, the set of coders marking each unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPresence {
    coders: usize,
    sets: Vec<CoderSet>,
}

impl UnitPresence {
    /// The number of coders.
    pub fn coders(&self) -> usize {
        self.coders
    }

    /// The number of units.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// Whether there is no unit.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The coders marking unit `unit`, if there is such a unit.
    pub fn coders_marking(&self, unit: usize) -> Option<CoderSet> {
        self.sets.get(unit).copied()
    }

    /// The coders marking each unit, in unit order.
    pub fn sets(&self) -> &[CoderSet] {
        &self.sets
    }

    /// Unit-level presence counts over all units of the source.
    pub fn counts(&self) -> PresenceCounts {
        let mut counts =
            PresenceCounts::new(self.coders).expect("coders were checked when marking");
        for set in &self.sets {
            counts.counts[set.bits() as usize] += 1;
        }
        counts
    }

    /// Unit-level presence counts over the selected units only.
    pub fn counts_in(&self, selection: &UnitSelection) -> Result<PresenceCounts, AgreementError> {
        if selection.included.len() != self.sets.len() {
            return Err(AgreementError::ShapeMismatch {
                what: "units",
                left: self.sets.len(),
                right: selection.included.len(),
            });
        }
        let mut counts =
            PresenceCounts::new(self.coders).expect("coders were checked when marking");
        for (set, included) in self.sets.iter().zip(&selection.included) {
            if *included {
                counts.counts[set.bits() as usize] += 1;
            }
        }
        Ok(counts)
    }
}

/// Which units of a source take part in a unit-level comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSelection {
    included: Vec<bool>,
}

impl UnitSelection {
    /// Every one of `units` units.
    pub fn all(units: usize) -> UnitSelection {
        UnitSelection {
            included: vec![true; units],
        }
    }

    /// Whether unit `unit` is selected.
    pub fn contains(&self, unit: usize) -> bool {
        self.included.get(unit).copied().unwrap_or(false)
    }

    /// The number of units of the source the selection is over.
    pub fn units(&self) -> usize {
        self.included.len()
    }

    /// The number of selected units.
    pub fn selected(&self) -> usize {
        self.included.iter().filter(|included| **included).count()
    }
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

    fn set(coders: &[usize]) -> CoderSet {
        CoderSet(coders.iter().map(|c| 1u32 << c).sum())
    }

    /// A small linear congruential generator: deterministic test data without a dependency.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, bound: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % bound as u64) as usize
        }

        fn spans(&mut self, length: usize, count: usize) -> Vec<Span> {
            (0..count)
                .map(|_| {
                    let start = self.below(length + 1);
                    let end = start + self.below(length - start + 1);
                    Span::new(start, end).unwrap()
                })
                .collect()
        }
    }

    /// The obvious per-character computation the sweep must reproduce.
    fn counts_by_character(length: usize, codings: &[Vec<Span>]) -> Vec<u64> {
        let mut counts = vec![0u64; 1 << codings.len()];
        for position in 0..length {
            let mut inside = 0;
            for (coder, list) in codings.iter().enumerate() {
                if list.iter().any(|s| s.start <= position && position < s.end) {
                    inside |= 1 << coder;
                }
            }
            counts[inside] += 1;
        }
        counts
    }

    #[test]
    fn nvivo_example_from_codings() {
        let a = spans(&[(0, 100), (100, 150)]);
        let b = spans(&[(100, 150), (400, 450)]);
        let table = character_counts(1000, &[a, b])
            .unwrap()
            .binary_table(0, 1)
            .unwrap();
        assert_eq!(
            table,
            BinaryTable {
                both: 50,
                a_only: 100,
                b_only: 50,
                neither: 800
            },
            "coder A covers 0..150, coder B 100..150 and 400..450"
        );
    }

    #[test]
    fn a_passage_coded_twice_by_one_coder_counts_once() {
        let a = spans(&[(10, 30), (20, 40), (20, 25), (35, 35)]);
        let b = spans(&[]);
        let counts = character_counts(50, &[a, b]).unwrap();
        assert_eq!(
            counts.count(set(&[0])),
            30,
            "the union of A's codings is 10..40"
        );
        assert_eq!(counts.count(CoderSet::EMPTY), 20);
        assert_eq!(
            counts.total(),
            50,
            "every code point is counted exactly once"
        );
    }

    #[test]
    fn sweep_matches_counting_character_by_character() {
        let mut lcg = Lcg(7);
        for round in 0..300 {
            let coders = 2 + round % 3;
            let length = 1 + lcg.below(60);
            let codings: Vec<Vec<Span>> = (0..coders)
                .map(|_| {
                    let count = lcg.below(6);
                    lcg.spans(length, count)
                })
                .collect();
            let counts = character_counts(length, &codings).unwrap();
            assert_eq!(
                counts.counts,
                counts_by_character(length, &codings),
                "round {round}: the sweep must equal the per-character definition for {codings:?}"
            );
        }
    }

    #[test]
    fn marking_needs_one_shared_code_point() {
        let units = SourceUnits::new(40, spans(&[(0, 10), (10, 20), (20, 30), (30, 40)])).unwrap();
        let a = spans(&[(9, 10)]); // the last code point of unit 0 only
        let b = spans(&[(10, 10), (20, 20), (30, 40)]); // empty codings mark nothing
        let presence = units.presence(&[a, b]).unwrap();
        assert_eq!(
            presence.sets(),
            &[set(&[0]), CoderSet::EMPTY, CoderSet::EMPTY, set(&[1])],
            "a coding ending where a unit starts does not overlap it"
        );
    }

    #[test]
    fn one_coding_across_several_units_marks_each() {
        let units = SourceUnits::new(100, spans(&[(0, 10), (15, 20), (25, 30), (60, 70)])).unwrap();
        let a = spans(&[(5, 27)]);
        let b = spans(&[(11, 14), (65, 66)]); // the first lies in a gap between units
        let presence = units.presence(&[a, b]).unwrap();
        assert_eq!(
            presence.sets(),
            &[set(&[0]), set(&[0]), set(&[0]), set(&[1])]
        );
        let table = presence.counts().binary_table(0, 1).unwrap();
        assert_eq!(
            table,
            BinaryTable {
                both: 0,
                a_only: 3,
                b_only: 1,
                neither: 0
            }
        );
    }

    #[test]
    fn marking_matches_the_definition_on_random_data() {
        let mut lcg = Lcg(11);
        for round in 0..300 {
            let length = 1 + lcg.below(80);
            let mut bounds: Vec<usize> =
                (0..lcg.below(10)).map(|_| lcg.below(length + 1)).collect();
            bounds.sort_unstable();
            // Consecutive pairs of sorted bounds give ordered units with gaps.
            let unit_spans: Vec<Span> = bounds
                .chunks_exact(2)
                .map(|pair| Span::new(pair[0], pair[1]).unwrap())
                .collect();
            let units = SourceUnits::new(length, unit_spans.clone()).unwrap();
            let codings: Vec<Vec<Span>> = (0..3)
                .map(|_| {
                    let count = lcg.below(5);
                    lcg.spans(length, count)
                })
                .collect();
            let presence = units.presence(&codings).unwrap();
            for (index, unit) in unit_spans.iter().enumerate() {
                for (coder, list) in codings.iter().enumerate() {
                    let expected = list.iter().any(|c| c.overlap(*unit) >= 1);
                    assert_eq!(
                        presence.coders_marking(index).unwrap().contains(coder),
                        expected,
                        "round {round}: coder {coder} marks unit {unit:?} iff a coding of {list:?} overlaps it"
                    );
                }
            }
        }
    }

    #[test]
    fn coded_units_only_drops_units_nobody_coded_with_any_code() {
        let units = SourceUnits::new(40, spans(&[(0, 10), (10, 20), (20, 30), (30, 40)])).unwrap();
        // The compared code: A marks unit 0, B marks unit 0 and unit 1.
        let code_a = spans(&[(0, 5)]);
        let code_b = spans(&[(2, 12)]);
        let presence = units.presence(&[&code_a[..], &code_b[..]]).unwrap();
        // Another code: A marks unit 2. Unit 3 is marked by no one with anything.
        let every_a = [code_a.clone(), spans(&[(25, 26)])].concat();
        let every_b = code_b.clone();
        let coded = units.coded_units(&[every_a, every_b]).unwrap();
        assert_eq!(coded.selected(), 3, "units 0, 1, 2 carry some coding");
        assert!(!coded.contains(3));

        let all = presence.counts().binary_table(0, 1).unwrap();
        let only_coded = presence
            .counts_in(&coded)
            .unwrap()
            .binary_table(0, 1)
            .unwrap();
        assert_eq!(
            all.neither, 2,
            "all units: units 2 and 3 are agreed absences"
        );
        assert_eq!(
            only_coded.neither, 1,
            "coded units only: unit 2 stays (coded with another code), unit 3 goes"
        );
        assert_eq!(
            only_coded.both + only_coded.b_only,
            2,
            "the marked units are unaffected"
        );
        assert!(matches!(
            presence.counts_in(&UnitSelection::all(3)),
            Err(AgreementError::ShapeMismatch { what: "units", .. })
        ));
    }

    #[test]
    fn three_coders_give_counts_per_presence_pattern() {
        let counts = character_counts(
            20,
            &[spans(&[(0, 10)]), spans(&[(5, 15)]), spans(&[(8, 20)])],
        )
        .unwrap();
        let expected = [
            (set(&[0]), 5),
            (set(&[0, 1]), 3),
            (set(&[0, 1, 2]), 2),
            (set(&[1, 2]), 5),
            (set(&[2]), 5),
        ];
        let mut found: Vec<(CoderSet, u64)> = counts.iter().collect();
        found.sort_by_key(|(s, _)| s.coders().collect::<Vec<_>>());
        let mut wanted = expected.to_vec();
        wanted.sort_by_key(|(s, _)| s.coders().collect::<Vec<_>>());
        assert_eq!(
            found, wanted,
            "0..5 A, 5..8 AB, 8..10 ABC, 10..15 BC, 15..20 C"
        );
        let pair = counts.binary_table(0, 2).unwrap();
        assert_eq!(
            pair,
            BinaryTable {
                both: 2,
                a_only: 8,
                b_only: 10,
                neither: 0
            },
            "a pair's table ignores the third coder"
        );
        let data = counts.reliability_data();
        assert_eq!(
            data.units(),
            20,
            "one weighted row per pattern, weight = characters"
        );
    }

    #[test]
    fn pooled_counts_are_sums_over_sources() {
        let first = character_counts(10, &[spans(&[(0, 4)]), spans(&[(2, 6)])]).unwrap();
        let second = character_counts(5, &[spans(&[]), spans(&[(0, 5)])]).unwrap();
        let mut pooled = first.clone();
        pooled.pool(&second).unwrap();
        assert_eq!(
            pooled.binary_table(0, 1).unwrap(),
            first.binary_table(0, 1).unwrap() + second.binary_table(0, 1).unwrap(),
            "pooling counts equals pooling tables"
        );
        let three = PresenceCounts::new(3).unwrap();
        assert!(matches!(
            pooled.pool(&three),
            Err(AgreementError::ShapeMismatch { .. })
        ));
    }

    #[test]
    fn invalid_spans_and_units_are_refused_with_where() {
        assert_eq!(
            Span::new(5, 4),
            Err(AgreementError::ReversedSpan { start: 5, end: 4 })
        );
        assert_eq!(
            SourceUnits::new(10, spans(&[(0, 5), (5, 11)])),
            Err(AgreementError::UnitOutsideSource {
                index: 1,
                start: 5,
                end: 11,
                length: 10
            })
        );
        assert_eq!(
            SourceUnits::new(10, spans(&[(0, 5), (4, 8)])),
            Err(AgreementError::UnitsOutOfOrder {
                index: 1,
                start: 4,
                previous_end: 5
            }),
            "overlapping units would let one coding be counted in two units' places"
        );
        assert_eq!(
            character_counts(10, &[spans(&[(0, 3)]), spans(&[(2, 4), (8, 12)])]),
            Err(AgreementError::CodingOutsideSource {
                coder: 1,
                index: 1,
                start: 8,
                end: 12,
                length: 10
            })
        );
        assert_eq!(
            character_counts::<Vec<Span>>(10, &[vec![]]),
            Err(AgreementError::TooFewCoders { coders: 1 })
        );
        let many = vec![Vec::<Span>::new(); MAX_CODERS + 1];
        assert_eq!(
            character_counts(10, &many),
            Err(AgreementError::TooManyCoders {
                coders: MAX_CODERS + 1
            })
        );
    }

    #[test]
    fn summary_of_counts_uses_the_exact_table_for_two_coders() {
        let counts = character_counts(
            1000,
            &[spans(&[(0, 150)]), spans(&[(100, 150), (400, 450)])],
        )
        .unwrap();
        let via_table = counts.summary();
        let via_data = counts.reliability_data().summary();
        let (a, b) = (
            via_table.kappa.value().unwrap(),
            via_data.kappa.value().unwrap(),
        );
        assert!(
            (a - b).abs() < 1e-12,
            "both routes compute the same kappa: {a} v. {b}"
        );
        assert_eq!(via_table.units, 1000);
    }
}
