//! Reliability statistics for nominal data.
//!
//! Two inputs are accepted:
//!
//! * [`ReliabilityData`]: units × coders, each cell a [`Category`] or missing,
//!   with a weight (multiplicity) per row so that millions of identical
//!   units — characters, typically — are passed as one row and a count.
//! * [`ContingencyTable`] (and its binary special case [`BinaryTable`]): two
//!   coders' cross-tabulated counts. Per-code present/absent data is the main
//!   use, and tables pool by addition.
//!
//! Where the data are two coders without missing values both inputs give the
//! same numbers; the table computes them in exact integer arithmetic up to the
//! final division.
//!
//! Conventions that a researcher needs to know, and that `docs/methods.md`
//! spells out:
//!
//! * Percent agreement is a proportion in [0, 1]. With more than two coders
//!   or missing values it is the proportion of agreeing pairs of values
//!   within units, each unit weighted by its number of values (the diagonal
//!   of Krippendorff's coincidence matrix divided by the number of pairable
//!   values). Units with fewer than two values are not pairable.
//! * Cohen's kappa compares two coders over the units both coded; units where
//!   either value is missing are dropped.
//! * Light's kappa is the mean of Cohen's kappa over all pairs of coders, each
//!   pair over the units both coded; it is undefined when any pair's is.
//! * Fleiss' kappa uses only units that every coder coded.
//! * Krippendorff's alpha uses every pairable unit.
//! * Brennan–Prediger kappa uses the percent agreement above and the number
//!   of categories in the coding scheme, not the number observed.

use serde::Serialize;

use super::{AgreementError, Statistic, UndefinedReason};

/// A nominal value: the index of a category of the coding scheme, `0..q`.
///
/// For per-code data the scheme is binary: `0` is "not coded", `1` "coded".
pub type Category = u32;

/// Units × coders, each cell a category or missing, each row with a weight.
///
/// A row stands for `weight` identical units; a weight of zero is allowed and
/// contributes nothing. The number of categories `q` is that of the coding
/// scheme (every category a coder could have chosen), which matters for
/// Brennan–Prediger kappa.
///
/// ```
/// use accord_engine::agreement::ReliabilityData;
///
/// // Two coders, present/absent, 50 units both, 100 A only, 50 B only, 800 neither.
/// let mut data = ReliabilityData::new(2, 2)?;
/// data.add_units(&[Some(1), Some(1)], 50)?;
/// data.add_units(&[Some(1), Some(0)], 100)?;
/// data.add_units(&[Some(0), Some(1)], 50)?;
/// data.add_units(&[Some(0), Some(0)], 800)?;
/// assert_eq!(data.percent_agreement().value(), Some(0.85));
/// # Ok::<(), accord_engine::agreement::AgreementError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReliabilityData {
    coders: usize,
    categories: Category,
    /// Row-major: row `r` is `values[r * coders..(r + 1) * coders]`.
    values: Vec<Option<Category>>,
    weights: Vec<u64>,
}

impl ReliabilityData {
    /// Empty reliability data for `coders` coders and a scheme of `categories` categories.
    pub fn new(coders: usize, categories: Category) -> Result<Self, AgreementError> {
        if coders < 2 {
            return Err(AgreementError::TooFewCoders { coders });
        }
        if categories == 0 {
            return Err(AgreementError::NoCategories);
        }
        Ok(ReliabilityData {
            coders,
            categories,
            values: Vec::new(),
            weights: Vec::new(),
        })
    }

    /// Adds one unit: one value (or `None` for missing) per coder, in coder order.
    pub fn add_unit(&mut self, values: &[Option<Category>]) -> Result<(), AgreementError> {
        self.add_units(values, 1)
    }

    /// Adds `weight` identical units.
    pub fn add_units(
        &mut self,
        values: &[Option<Category>],
        weight: u64,
    ) -> Result<(), AgreementError> {
        let unit = self.weights.len();
        if values.len() != self.coders {
            return Err(AgreementError::WrongNumberOfValues {
                unit,
                expected: self.coders,
                found: values.len(),
            });
        }
        for (coder, value) in values.iter().enumerate() {
            if let Some(category) = *value
                && category >= self.categories
            {
                return Err(AgreementError::CategoryOutOfRange {
                    unit: Some(unit),
                    coder,
                    category,
                    categories: self.categories,
                });
            }
        }
        self.values.extend_from_slice(values);
        self.weights.push(weight);
        Ok(())
    }

    /// The number of coders.
    pub fn coders(&self) -> usize {
        self.coders
    }

    /// The number of categories of the coding scheme.
    pub fn categories(&self) -> Category {
        self.categories
    }

    /// The number of units, counting each row `weight` times.
    pub fn units(&self) -> u64 {
        self.weights.iter().sum()
    }

    fn rows(&self) -> impl Iterator<Item = (&[Option<Category>], u64)> {
        self.values
            .chunks_exact(self.coders)
            .zip(self.weights.iter().copied())
    }

    /// The two coders' values cross-tabulated over the units both coded.
    pub fn pair(&self, first: usize, second: usize) -> Result<ContingencyTable, AgreementError> {
        for coder in [first, second] {
            if coder >= self.coders {
                return Err(AgreementError::NoSuchCoder {
                    coder,
                    coders: self.coders,
                });
            }
        }
        let mut table = ContingencyTable::new(self.categories)?;
        let q = self.categories as usize;
        for (row, weight) in self.rows() {
            if let (Some(a), Some(b)) = (row[first], row[second]) {
                table.counts[a as usize * q + b as usize] += weight;
            }
        }
        Ok(table)
    }

    /// Cohen's kappa of two of the coders, over the units both coded.
    pub fn cohen_kappa(&self, first: usize, second: usize) -> Result<Statistic, AgreementError> {
        Ok(self.pair(first, second)?.cohen_kappa())
    }

    /// The sums over pairable units that percent agreement and alpha are made of.
    fn coincidences(&self) -> Coincidences {
        let q = self.categories as usize;
        let mut tally = Coincidences {
            values: 0,
            marginals: vec![0; q],
            agreeing_pairs_by_values: vec![0; self.coders + 1],
            pairable_units: 0,
        };
        let mut in_unit = vec![0u32; q];
        let mut seen: Vec<usize> = Vec::with_capacity(self.coders);
        for (row, weight) in self.rows() {
            seen.clear();
            let mut m = 0usize;
            for category in row.iter().flatten() {
                let c = *category as usize;
                if in_unit[c] == 0 {
                    seen.push(c);
                }
                in_unit[c] += 1;
                m += 1;
            }
            if m >= 2 && weight > 0 {
                let w = u128::from(weight);
                let mut agreeing = 0u128;
                for &c in &seen {
                    let n_uc = u128::from(in_unit[c]);
                    tally.marginals[c] += w * n_uc;
                    agreeing += n_uc * (n_uc - 1);
                }
                tally.agreeing_pairs_by_values[m] += w * agreeing;
                tally.values += w * m as u128;
                tally.pairable_units += weight;
            }
            for &c in &seen {
                in_unit[c] = 0;
            }
        }
        tally
    }

    /// The proportion of agreeing pairs of values within units, over all
    /// pairable values (see the module documentation).
    pub fn percent_agreement(&self) -> Statistic {
        self.coincidences().percent_agreement()
    }

    /// Krippendorff's alpha for nominal data, over every unit with at least two values.
    pub fn krippendorff_alpha(&self) -> Statistic {
        self.coincidences().krippendorff_alpha()
    }

    /// Brennan–Prediger kappa, `(Po − 1/q) / (1 − 1/q)`, with `Po` the percent agreement.
    pub fn brennan_prediger_kappa(&self) -> Statistic {
        brennan_prediger(self.percent_agreement(), self.categories)
    }

    /// Light's kappa: the mean of Cohen's kappa over every pair of coders.
    ///
    /// For two coders it is Cohen's kappa. It is undefined, with the first
    /// such pair's reason, when any pair's kappa is undefined: averaging only
    /// the defined pairs would report agreement of coders who were never compared.
    pub fn light_kappa(&self) -> Statistic {
        let mut sum = 0.0;
        let mut pairs = 0u32;
        for first in 0..self.coders {
            for second in first + 1..self.coders {
                let table = self
                    .pair(first, second)
                    .expect("coder indices are in range by construction");
                match table.cohen_kappa() {
                    Statistic::Defined { value } => sum += value,
                    undefined @ Statistic::Undefined { .. } => return undefined,
                }
                pairs += 1;
            }
        }
        Statistic::defined(sum / f64::from(pairs))
    }

    /// Fleiss' kappa over the units that every coder coded.
    ///
    /// Fleiss (1971) assumes the same number of ratings per unit; dropping
    /// incomplete units keeps to that assumption rather than mixing in one of
    /// the several incompatible generalisations.
    pub fn fleiss_kappa(&self) -> Statistic {
        self.fleiss().0
    }

    fn fleiss(&self) -> (Statistic, u64) {
        let q = self.categories as usize;
        let m = self.coders as u128;
        let mut units = 0u128;
        let mut complete_units = 0u64;
        // Σ_u w·(Σ_c n_uc² − m): the agreeing ordered pairs of ratings.
        let mut agreeing = 0u128;
        let mut totals = vec![0u128; q];
        let mut in_unit = vec![0u128; q];
        for (row, weight) in self.rows() {
            if weight == 0 || row.iter().any(Option::is_none) {
                continue;
            }
            let w = u128::from(weight);
            for category in row.iter().flatten() {
                in_unit[*category as usize] += 1;
            }
            let mut squares = 0u128;
            for category in row.iter().flatten() {
                let c = *category as usize;
                if in_unit[c] > 0 {
                    squares += in_unit[c] * in_unit[c];
                    totals[c] += w * in_unit[c];
                    in_unit[c] = 0;
                }
            }
            agreeing += w * (squares - m);
            units += w;
            complete_units += weight;
        }
        if units == 0 {
            return (Statistic::undefined(UndefinedReason::NoCompleteUnits), 0);
        }
        // κ = (P̄ − P̄e) / (1 − P̄e) with P̄ = agreeing / (N m (m−1)) and
        // P̄e = Σ T_c² / (N m)², multiplied through by (N m)² (m − 1) so that
        // everything but the last division is exact.
        let ratings = units * m;
        let squares: u128 = totals.iter().map(|t| t * t).sum();
        let chance = ratings * ratings - squares;
        if chance == 0 {
            return (
                Statistic::undefined(UndefinedReason::ChanceAgreementIsOne),
                complete_units,
            );
        }
        let numerator = (agreeing * ratings) as i128 - ((m - 1) * squares) as i128;
        let denominator = (m - 1) * chance;
        (
            Statistic::defined(numerator as f64 / denominator as f64),
            complete_units,
        )
    }

    /// Every statistic at once, with the counts of units each one used.
    pub fn summary(&self) -> AgreementSummary {
        let coincidences = self.coincidences();
        let percent_agreement = coincidences.percent_agreement();
        let (fleiss_kappa, complete_units) = self.fleiss();
        AgreementSummary {
            coders: self.coders,
            units: self.units(),
            pairable_units: coincidences.pairable_units,
            complete_units,
            percent_agreement,
            kappa_kind: if self.coders == 2 {
                KappaKind::Cohen
            } else {
                KappaKind::Light
            },
            kappa: self.light_kappa(),
            fleiss_kappa,
            krippendorff_alpha: coincidences.krippendorff_alpha(),
            brennan_prediger_kappa: brennan_prediger(percent_agreement, self.categories),
        }
    }
}

/// What percent agreement and Krippendorff's alpha need from the coincidence
/// matrix: its diagonal and its marginals. Kept as integers, with the
/// division by `m_u − 1` deferred and done once per number of values.
struct Coincidences {
    /// n: the number of pairable values.
    values: u128,
    /// n_c: the number of pairable values in each category.
    marginals: Vec<u128>,
    /// Index m: Σ over units with m values of w·Σ_c n_uc(n_uc − 1).
    agreeing_pairs_by_values: Vec<u128>,
    pairable_units: u64,
}

impl Coincidences {
    /// Σ_c o_cc, the diagonal of the coincidence matrix.
    fn agreeing(&self) -> f64 {
        self.agreeing_pairs_by_values
            .iter()
            .enumerate()
            .skip(2)
            .map(|(m, pairs)| *pairs as f64 / (m - 1) as f64)
            .sum()
    }

    fn percent_agreement(&self) -> Statistic {
        if self.values == 0 {
            return Statistic::undefined(UndefinedReason::NoPairableUnits);
        }
        Statistic::defined(self.agreeing() / self.values as f64)
    }

    fn krippendorff_alpha(&self) -> Statistic {
        let n = self.values;
        if n == 0 {
            return Statistic::undefined(UndefinedReason::NoPairableUnits);
        }
        // Σ_{c≠k} n_c n_k, zero exactly when one category holds every value.
        let expected = n * n - self.marginals.iter().map(|n_c| n_c * n_c).sum::<u128>();
        if expected == 0 {
            return Statistic::undefined(UndefinedReason::NoDisagreementExpected);
        }
        let observed = n as f64 - self.agreeing();
        Statistic::defined(1.0 - (n - 1) as f64 * observed / expected as f64)
    }
}

fn brennan_prediger(percent_agreement: Statistic, categories: Category) -> Statistic {
    if categories < 2 {
        return Statistic::undefined(UndefinedReason::FewerThanTwoCategories);
    }
    match percent_agreement {
        Statistic::Defined { value } => {
            let q = f64::from(categories);
            Statistic::defined((q * value - 1.0) / (q - 1.0))
        }
        undefined => undefined,
    }
}

/// Which kappa [`AgreementSummary::kappa`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum KappaKind {
    /// Cohen's kappa (two coders).
    Cohen,
    /// Light's kappa, the mean of pairwise Cohen's kappas (more than two coders).
    Light,
}

/// Every agreement statistic of one data set, with the numbers of units behind them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AgreementSummary {
    /// The number of coders.
    pub coders: usize,
    /// All units given (characters, for character-level data).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub units: u64,
    /// Units with values from at least two coders: those percent agreement,
    /// alpha and Brennan–Prediger kappa use.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub pairable_units: u64,
    /// Units with a value from every coder: those Fleiss' kappa uses.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub complete_units: u64,
    /// Percent agreement, as a proportion in [0, 1].
    pub percent_agreement: Statistic,
    /// Whether [`AgreementSummary::kappa`] is Cohen's or Light's.
    pub kappa_kind: KappaKind,
    /// Cohen's kappa for two coders, Light's for more.
    pub kappa: Statistic,
    /// Fleiss' kappa (for two coders this is Scott's pi).
    pub fleiss_kappa: Statistic,
    /// Krippendorff's alpha, nominal.
    pub krippendorff_alpha: Statistic,
    /// Brennan–Prediger kappa.
    pub brennan_prediger_kappa: Statistic,
}

/// Two coders' values cross-tabulated: cell (a, b) counts the units coder A
/// put in category a and coder B in category b.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ContingencyTable {
    categories: Category,
    /// Row-major, rows are coder A's categories.
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    counts: Vec<u64>,
}

impl ContingencyTable {
    /// An empty q × q table.
    pub fn new(categories: Category) -> Result<Self, AgreementError> {
        if categories == 0 {
            return Err(AgreementError::NoCategories);
        }
        let cells = categories as usize * categories as usize;
        Ok(ContingencyTable {
            categories,
            counts: vec![0; cells],
        })
    }

    /// A table from its rows (coder A's categories) of counts (by coder B's categories).
    pub fn from_rows<R: AsRef<[u64]>>(rows: &[R]) -> Result<Self, AgreementError> {
        let q = rows.len();
        let categories = Category::try_from(q).map_err(|_| AgreementError::ShapeMismatch {
            what: "categories",
            left: q,
            right: Category::MAX as usize,
        })?;
        let mut table = ContingencyTable::new(categories)?;
        for (a, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != q {
                return Err(AgreementError::ShapeMismatch {
                    what: "columns in a table with as many rows",
                    left: q,
                    right: row.len(),
                });
            }
            table.counts[a * q..(a + 1) * q].copy_from_slice(row);
        }
        Ok(table)
    }

    /// Adds `count` units that coder A put in `first` and coder B in `second`.
    pub fn add(
        &mut self,
        first: Category,
        second: Category,
        count: u64,
    ) -> Result<(), AgreementError> {
        for (coder, category) in [(0, first), (1, second)] {
            if category >= self.categories {
                return Err(AgreementError::CategoryOutOfRange {
                    unit: None,
                    coder,
                    category,
                    categories: self.categories,
                });
            }
        }
        let q = self.categories as usize;
        self.counts[first as usize * q + second as usize] += count;
        Ok(())
    }

    /// The count in cell (`first`, `second`), if both are categories of the table.
    pub fn count(&self, first: Category, second: Category) -> Option<u64> {
        (first < self.categories && second < self.categories)
            .then(|| self.counts[first as usize * self.categories as usize + second as usize])
    }

    /// The number of categories q.
    pub fn categories(&self) -> Category {
        self.categories
    }

    /// The number of units in the table.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Adds another table's counts to this one: pooling, "all code–unit pairs together".
    pub fn pool(&mut self, other: &ContingencyTable) -> Result<(), AgreementError> {
        if other.categories != self.categories {
            return Err(AgreementError::ShapeMismatch {
                what: "categories",
                left: self.categories as usize,
                right: other.categories as usize,
            });
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        Ok(())
    }

    fn margins(&self) -> TableMargins {
        let q = self.categories as usize;
        let mut rows = vec![0u128; q];
        let mut columns = vec![0u128; q];
        let mut agreeing = 0u128;
        for (a, (row, cells)) in rows.iter_mut().zip(self.counts.chunks_exact(q)).enumerate() {
            for (column, &count) in columns.iter_mut().zip(cells) {
                *row += u128::from(count);
                *column += u128::from(count);
            }
            agreeing += u128::from(cells[a]);
        }
        TableMargins {
            units: rows.iter().sum(),
            agreeing,
            rows,
            columns,
        }
    }

    /// The proportion of units on which the two coders agree.
    pub fn percent_agreement(&self) -> Statistic {
        let m = self.margins();
        if m.units == 0 {
            return Statistic::undefined(UndefinedReason::NoPairableUnits);
        }
        Statistic::defined(m.agreeing as f64 / m.units as f64)
    }

    /// Cohen's kappa, `(Po − Pe) / (1 − Pe)` with `Pe = Σ_c (row_c / N)(column_c / N)`.
    pub fn cohen_kappa(&self) -> Statistic {
        let m = self.margins();
        if m.units == 0 {
            return Statistic::undefined(UndefinedReason::NoPairableUnits);
        }
        // Multiplied through by N²: exact until the final division, and the
        // denominator is zero exactly when both coders used one and the same category.
        let chance: u128 = m.rows.iter().zip(&m.columns).map(|(r, c)| r * c).sum();
        let denominator = m.units * m.units - chance;
        if denominator == 0 {
            return Statistic::undefined(UndefinedReason::ChanceAgreementIsOne);
        }
        let numerator = (m.units * m.agreeing) as i128 - chance as i128;
        Statistic::defined(numerator as f64 / denominator as f64)
    }

    /// Fleiss' kappa for these two coders, which is Scott's pi: chance
    /// agreement from the two coders' pooled category proportions.
    pub fn fleiss_kappa(&self) -> Statistic {
        let m = self.margins();
        if m.units == 0 {
            return Statistic::undefined(UndefinedReason::NoPairableUnits);
        }
        let pooled = m.pooled_squares();
        let denominator = 4 * m.units * m.units - pooled;
        if denominator == 0 {
            return Statistic::undefined(UndefinedReason::ChanceAgreementIsOne);
        }
        let numerator = (4 * m.units * m.agreeing) as i128 - pooled as i128;
        Statistic::defined(numerator as f64 / denominator as f64)
    }

    /// Krippendorff's alpha for these two coders (nominal, no missing values).
    pub fn krippendorff_alpha(&self) -> Statistic {
        let m = self.margins();
        if m.units == 0 {
            return Statistic::undefined(UndefinedReason::NoPairableUnits);
        }
        // n = 2N pairable values; the coincidence diagonal is 2·agreeing;
        // n_c = row_c + column_c.
        let n = 2 * m.units;
        let expected = n * n - m.pooled_squares();
        if expected == 0 {
            return Statistic::undefined(UndefinedReason::NoDisagreementExpected);
        }
        let observed = (n - 1) * (n - 2 * m.agreeing);
        Statistic::defined((expected as i128 - observed as i128) as f64 / expected as f64)
    }

    /// Brennan–Prediger kappa, `(Po − 1/q) / (1 − 1/q)` with q the table's categories.
    pub fn brennan_prediger_kappa(&self) -> Statistic {
        let m = self.margins();
        if self.categories < 2 {
            return Statistic::undefined(UndefinedReason::FewerThanTwoCategories);
        }
        if m.units == 0 {
            return Statistic::undefined(UndefinedReason::NoPairableUnits);
        }
        let q = u128::from(self.categories);
        let numerator = (q * m.agreeing) as i128 - m.units as i128;
        Statistic::defined(numerator as f64 / ((q - 1) * m.units) as f64)
    }

    /// Every statistic at once.
    pub fn summary(&self) -> AgreementSummary {
        let units = self.total();
        AgreementSummary {
            coders: 2,
            units,
            pairable_units: units,
            complete_units: units,
            percent_agreement: self.percent_agreement(),
            kappa_kind: KappaKind::Cohen,
            kappa: self.cohen_kappa(),
            fleiss_kappa: self.fleiss_kappa(),
            krippendorff_alpha: self.krippendorff_alpha(),
            brennan_prediger_kappa: self.brennan_prediger_kappa(),
        }
    }
}

struct TableMargins {
    units: u128,
    agreeing: u128,
    rows: Vec<u128>,
    columns: Vec<u128>,
}

impl TableMargins {
    /// Σ_c (row_c + column_c)²: the squared marginals of the coincidence matrix.
    fn pooled_squares(&self) -> u128 {
        self.rows
            .iter()
            .zip(&self.columns)
            .map(|(r, c)| (r + c) * (r + c))
            .sum()
    }
}

/// Two coders' present/absent counts for one code: the binary contingency table.
///
/// The unit is whatever was counted — characters, units, code–unit pairs.
/// Tables add, so per-source or per-code tables pool by summing
/// ("all code–unit pairs together").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct BinaryTable {
    /// Coded by both coders.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub both: u64,
    /// Coded by coder A only.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub a_only: u64,
    /// Coded by coder B only.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub b_only: u64,
    /// Coded by neither coder.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub neither: u64,
}

impl BinaryTable {
    /// All counted units.
    pub fn total(&self) -> u64 {
        self.both + self.a_only + self.b_only + self.neither
    }

    /// The 2 × 2 contingency table, category 1 meaning "coded".
    pub fn contingency_table(&self) -> ContingencyTable {
        ContingencyTable {
            categories: 2,
            counts: vec![self.neither, self.b_only, self.a_only, self.both],
        }
    }

    /// See [`ContingencyTable::percent_agreement`].
    pub fn percent_agreement(&self) -> Statistic {
        self.contingency_table().percent_agreement()
    }

    /// See [`ContingencyTable::cohen_kappa`].
    pub fn cohen_kappa(&self) -> Statistic {
        self.contingency_table().cohen_kappa()
    }

    /// See [`ContingencyTable::fleiss_kappa`].
    pub fn fleiss_kappa(&self) -> Statistic {
        self.contingency_table().fleiss_kappa()
    }

    /// See [`ContingencyTable::krippendorff_alpha`].
    pub fn krippendorff_alpha(&self) -> Statistic {
        self.contingency_table().krippendorff_alpha()
    }

    /// See [`ContingencyTable::brennan_prediger_kappa`]; q = 2 (coded or not).
    pub fn brennan_prediger_kappa(&self) -> Statistic {
        self.contingency_table().brennan_prediger_kappa()
    }

    /// Every statistic at once.
    pub fn summary(&self) -> AgreementSummary {
        self.contingency_table().summary()
    }
}

impl From<BinaryTable> for ContingencyTable {
    fn from(table: BinaryTable) -> Self {
        table.contingency_table()
    }
}

impl std::ops::AddAssign for BinaryTable {
    fn add_assign(&mut self, other: BinaryTable) {
        self.both += other.both;
        self.a_only += other.a_only;
        self.b_only += other.b_only;
        self.neither += other.neither;
    }
}

impl std::ops::Add for BinaryTable {
    type Output = BinaryTable;

    fn add(mut self, other: BinaryTable) -> BinaryTable {
        self += other;
        self
    }
}

impl std::iter::Sum for BinaryTable {
    fn sum<I: Iterator<Item = BinaryTable>>(iter: I) -> BinaryTable {
        iter.fold(BinaryTable::default(), |total, table| total + table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NVIVO: BinaryTable = BinaryTable {
        both: 50,
        a_only: 100,
        b_only: 50,
        neither: 800,
    };

    fn data(categories: Category, units: &[&[Option<Category>]]) -> ReliabilityData {
        let mut data = ReliabilityData::new(units[0].len(), categories).unwrap();
        for unit in units {
            data.add_unit(unit).unwrap();
        }
        data
    }

    fn close(actual: Statistic, expected: f64, why: &str) {
        let value = actual
            .value()
            .unwrap_or_else(|| panic!("{why}: expected {expected}, got {actual:?}"));
        assert!(
            (value - expected).abs() < 1e-12,
            "{why}: expected {expected}, got {value}"
        );
    }

    #[test]
    fn weighted_rows_count_as_that_many_identical_units() {
        let mut weighted = ReliabilityData::new(3, 3).unwrap();
        weighted.add_units(&[Some(0), Some(0), Some(1)], 3).unwrap();
        weighted.add_units(&[Some(2), None, Some(2)], 2).unwrap();
        weighted.add_units(&[Some(1), Some(1), Some(1)], 1).unwrap();
        weighted.add_units(&[Some(0), Some(2), Some(1)], 0).unwrap();
        let expanded = data(
            3,
            &[
                &[Some(0), Some(0), Some(1)],
                &[Some(0), Some(0), Some(1)],
                &[Some(0), Some(0), Some(1)],
                &[Some(2), None, Some(2)],
                &[Some(2), None, Some(2)],
                &[Some(1), Some(1), Some(1)],
            ],
        );
        assert_eq!(weighted.units(), 6, "a zero weight adds no unit");
        let (w, e) = (weighted.summary(), expanded.summary());
        assert_eq!(
            w.pairable_units, e.pairable_units,
            "weights are multiplicities"
        );
        assert_eq!(
            w.complete_units, 4,
            "the unit with a missing value is not complete"
        );
        for (name, a, b) in [
            ("percent", w.percent_agreement, e.percent_agreement),
            ("kappa", w.kappa, e.kappa),
            ("fleiss", w.fleiss_kappa, e.fleiss_kappa),
            ("alpha", w.krippendorff_alpha, e.krippendorff_alpha),
            ("bp", w.brennan_prediger_kappa, e.brennan_prediger_kappa),
        ] {
            close(
                a,
                b.value().unwrap(),
                &format!("{name}: a weight means identical repeated units"),
            );
        }
    }

    #[test]
    fn two_coder_data_and_its_table_agree_on_every_statistic() {
        let mut data = ReliabilityData::new(2, 3).unwrap();
        let mut table = ContingencyTable::new(3).unwrap();
        for (a, b, count) in [
            (0, 0, 7),
            (0, 1, 2),
            (1, 1, 5),
            (2, 0, 1),
            (2, 2, 4),
            (1, 2, 3),
        ] {
            data.add_units(&[Some(a), Some(b)], count).unwrap();
            table.add(a, b, count).unwrap();
        }
        // A unit with one value is not pairable, so it must change nothing.
        data.add_unit(&[Some(2), None]).unwrap();
        let (d, t) = (data.summary(), table.summary());
        assert_eq!(d.pairable_units, t.units, "the half-coded unit is dropped");
        for (name, a, b) in [
            ("percent", d.percent_agreement, t.percent_agreement),
            ("kappa", d.kappa, t.kappa),
            ("fleiss", d.fleiss_kappa, t.fleiss_kappa),
            ("alpha", d.krippendorff_alpha, t.krippendorff_alpha),
            ("bp", d.brennan_prediger_kappa, t.brennan_prediger_kappa),
        ] {
            close(
                a,
                b.value().unwrap(),
                &format!("{name}: the table is the same data"),
            );
        }
        assert_eq!(
            d.kappa_kind,
            KappaKind::Cohen,
            "two coders get Cohen's kappa"
        );
    }

    #[test]
    fn nvivo_example_by_hand() {
        // Po = 850/1000; Pe = (150·100 + 850·900)/1000² = 0.78; κ = 0.07/0.22.
        close(
            NVIVO.percent_agreement(),
            0.85,
            "850 of 1,000 characters agree",
        );
        close(
            NVIVO.cohen_kappa(),
            0.07 / 0.22,
            "NVivo documents kappa 0.3182",
        );
        close(NVIVO.brennan_prediger_kappa(), 0.7, "(0.85 − 0.5)/0.5");
    }

    #[test]
    fn binary_table_cells_map_to_coded_categories() {
        let table = NVIVO.contingency_table();
        assert_eq!(
            table.count(1, 1),
            Some(50),
            "category 1 means coded, for both coders"
        );
        assert_eq!(table.count(1, 0), Some(100), "rows are coder A");
        assert_eq!(table.count(0, 1), Some(50), "columns are coder B");
        assert_eq!(table.count(0, 0), Some(800));
        assert_eq!(table.count(2, 0), None, "a binary table has two categories");
    }

    #[test]
    fn pooling_sums_tables() {
        let parts = [
            BinaryTable {
                both: 20,
                a_only: 60,
                b_only: 0,
                neither: 300,
            },
            BinaryTable {
                both: 30,
                a_only: 40,
                b_only: 50,
                neither: 500,
            },
        ];
        let pooled: BinaryTable = parts.iter().copied().sum();
        assert_eq!(pooled, NVIVO, "pooling adds cell by cell");

        let mut table = ContingencyTable::from(parts[0]);
        table.pool(&parts[1].into()).unwrap();
        assert_eq!(
            table,
            NVIVO.contingency_table(),
            "k × k tables pool the same way"
        );
        let three = ContingencyTable::new(3).unwrap();
        assert!(
            matches!(
                table.pool(&three),
                Err(AgreementError::ShapeMismatch { .. })
            ),
            "tables of different schemes cannot be pooled"
        );
    }

    #[test]
    fn kappa_is_undefined_not_zero_when_both_coders_used_one_category() {
        let table = BinaryTable {
            both: 0,
            a_only: 0,
            b_only: 0,
            neither: 40,
        };
        let s = table.summary();
        assert_eq!(
            s.percent_agreement.value(),
            Some(1.0),
            "they agree on every unit"
        );
        assert_eq!(
            s.kappa.reason(),
            Some(UndefinedReason::ChanceAgreementIsOne)
        );
        assert_eq!(
            s.fleiss_kappa.reason(),
            Some(UndefinedReason::ChanceAgreementIsOne)
        );
        assert_eq!(
            s.krippendorff_alpha.reason(),
            Some(UndefinedReason::NoDisagreementExpected)
        );
        assert_eq!(
            s.brennan_prediger_kappa.value(),
            Some(1.0),
            "BP's chance agreement is 1/q, not observed"
        );

        let general = data(2, &[&[Some(0), Some(0)], &[Some(0), Some(0)]]).summary();
        assert_eq!(
            general.kappa.reason(),
            Some(UndefinedReason::ChanceAgreementIsOne)
        );
        assert_eq!(
            general.krippendorff_alpha.reason(),
            Some(UndefinedReason::NoDisagreementExpected)
        );
        assert_eq!(
            general.fleiss_kappa.reason(),
            Some(UndefinedReason::ChanceAgreementIsOne)
        );
    }

    #[test]
    fn empty_data_gives_reasons_not_numbers() {
        let empty = BinaryTable::default().summary();
        for s in [
            empty.percent_agreement,
            empty.kappa,
            empty.fleiss_kappa,
            empty.krippendorff_alpha,
            empty.brennan_prediger_kappa,
        ] {
            assert_eq!(
                s.reason(),
                Some(UndefinedReason::NoPairableUnits),
                "no units, no statistic"
            );
        }

        // Every unit has at most one value: nothing is pairable, nothing complete.
        let lonely = data(2, &[&[Some(0), None, None], &[None, Some(1), None]]).summary();
        assert_eq!(lonely.pairable_units, 0);
        assert_eq!(
            lonely.percent_agreement.reason(),
            Some(UndefinedReason::NoPairableUnits)
        );
        assert_eq!(
            lonely.krippendorff_alpha.reason(),
            Some(UndefinedReason::NoPairableUnits)
        );
        assert_eq!(
            lonely.kappa.reason(),
            Some(UndefinedReason::NoPairableUnits)
        );
        assert_eq!(
            lonely.fleiss_kappa.reason(),
            Some(UndefinedReason::NoCompleteUnits)
        );
    }

    #[test]
    fn light_kappa_is_undefined_when_a_pair_is() {
        // Coders 0 and 1 both used only category 0; coder 2 varies.
        let d = data(
            2,
            &[
                &[Some(0), Some(0), Some(1)],
                &[Some(0), Some(0), Some(0)],
                &[Some(0), Some(0), Some(1)],
            ],
        );
        assert_eq!(
            d.light_kappa().reason(),
            Some(UndefinedReason::ChanceAgreementIsOne),
            "averaging only the defined pairs would hide the undefined one"
        );
        assert_eq!(d.summary().kappa_kind, KappaKind::Light);
    }

    #[test]
    fn brennan_prediger_needs_two_categories() {
        let one = data(1, &[&[Some(0), Some(0)]]);
        assert_eq!(
            one.brennan_prediger_kappa().reason(),
            Some(UndefinedReason::FewerThanTwoCategories)
        );
        let table = ContingencyTable::from_rows(&[[5u64]]).unwrap();
        assert_eq!(
            table.brennan_prediger_kappa().reason(),
            Some(UndefinedReason::FewerThanTwoCategories)
        );
    }

    #[test]
    fn brennan_prediger_uses_the_scheme_not_the_observed_categories() {
        // Same observed data, 2 v. 4 possible categories: chance agreement 1/2 v. 1/4.
        let two = data(2, &[&[Some(0), Some(0)], &[Some(1), Some(0)]]);
        let four = data(4, &[&[Some(0), Some(0)], &[Some(1), Some(0)]]);
        close(two.brennan_prediger_kappa(), 0.0, "(0.5 − 1/2)/(1 − 1/2)");
        close(
            four.brennan_prediger_kappa(),
            1.0 / 3.0,
            "(0.5 − 1/4)/(1 − 1/4)",
        );
    }

    #[test]
    fn invalid_input_is_refused_with_where() {
        assert_eq!(
            ReliabilityData::new(1, 2),
            Err(AgreementError::TooFewCoders { coders: 1 })
        );
        assert_eq!(
            ReliabilityData::new(2, 0),
            Err(AgreementError::NoCategories)
        );
        let mut d = ReliabilityData::new(2, 2).unwrap();
        d.add_unit(&[Some(0), Some(1)]).unwrap();
        assert_eq!(
            d.add_unit(&[Some(0)]),
            Err(AgreementError::WrongNumberOfValues {
                unit: 1,
                expected: 2,
                found: 1
            })
        );
        assert_eq!(
            d.add_unit(&[Some(0), Some(2)]),
            Err(AgreementError::CategoryOutOfRange {
                unit: Some(1),
                coder: 1,
                category: 2,
                categories: 2
            })
        );
        assert_eq!(d.units(), 1, "refused rows are not added");
        assert_eq!(
            d.pair(0, 2),
            Err(AgreementError::NoSuchCoder {
                coder: 2,
                coders: 2
            })
        );
        assert!(matches!(
            ContingencyTable::from_rows(&[vec![1u64, 2], vec![3]]),
            Err(AgreementError::ShapeMismatch { .. })
        ));
        let message = AgreementError::CategoryOutOfRange {
            unit: Some(4),
            coder: 1,
            category: 7,
            categories: 5,
        }
        .to_string();
        assert_eq!(
            message,
            "unit 4: coder 1 gave category 7, but there are only 5 categories"
        );
    }

    #[test]
    fn huge_counts_do_not_overflow_or_lose_the_value() {
        // A billion-fold NVivo example: the statistics are scale-free.
        let scale = 1_000_000_000;
        let big = BinaryTable {
            both: NVIVO.both * scale,
            a_only: NVIVO.a_only * scale,
            b_only: NVIVO.b_only * scale,
            neither: NVIVO.neither * scale,
        };
        close(
            big.cohen_kappa(),
            NVIVO.cohen_kappa().value().unwrap(),
            "kappa depends on proportions only",
        );
        close(
            big.krippendorff_alpha(),
            big.fleiss_kappa().value().unwrap(),
            "alpha's small-sample correction vanishes, leaving Scott's pi",
        );
        let mut d = ReliabilityData::new(2, 2).unwrap();
        d.add_units(&[Some(1), Some(1)], big.both).unwrap();
        d.add_units(&[Some(1), Some(0)], big.a_only).unwrap();
        d.add_units(&[Some(0), Some(1)], big.b_only).unwrap();
        d.add_units(&[Some(0), Some(0)], big.neither).unwrap();
        close(
            d.fleiss_kappa(),
            big.fleiss_kappa().value().unwrap(),
            "both paths are exact to the last division",
        );
    }

    #[test]
    fn statistics_serialise_with_a_kind_tag() {
        let json = serde_json::to_value(NVIVO.summary()).unwrap();
        assert_eq!(json["kappa"]["kind"], "defined");
        assert_eq!(json["kappa_kind"], "cohen");
        assert_eq!(
            json["both"],
            serde_json::Value::Null,
            "the summary holds no cells"
        );
        let undefined = serde_json::to_value(BinaryTable::default().cohen_kappa()).unwrap();
        assert_eq!(
            undefined,
            serde_json::json!({"kind": "undefined", "reason": "no_pairable_units"}),
            "the UI switches on the reason's stable name"
        );
    }
}
