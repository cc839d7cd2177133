"""Recompute the reference values that crates/engine/src/agreement's tests hold literally.

Run from the repository root:

    python3 -m venv .venv && .venv/bin/pip install scikit-learn krippendorff numpy statsmodels irrcac
    .venv/bin/python scripts/reference/agreement_reference.py

Every number comes from an established implementation where one exists:

* Cohen's kappa: scikit-learn `cohen_kappa_score` (units where either coder is
  missing are dropped first, as Accord does; scikit-learn has no notion of missing).
* Krippendorff's alpha (nominal): the `krippendorff` package,
  `krippendorff.alpha(reliability_data=..., level_of_measurement='nominal')`.
* Fleiss' kappa: statsmodels `fleiss_kappa` on the units every coder coded.
* Brennan-Prediger kappa and percent agreement on complete data: `irrCAC`
  (a port of Gwet's R package), `CAC(...).bp()` with the category set given.
* Light's kappa: the mean of scikit-learn's pairwise Cohen's kappas.

Percent agreement with missing values follows Accord's definition (agreeing
ordered pairs of values within a unit, units weighted by their number of
values, i.e. the diagonal of Krippendorff's coincidence matrix over n); no
package computes exactly that, so it is computed here directly, and checked
against irrCAC where no value is missing (where the definitions coincide).

"undefined" is printed where the statistic is 0/0: scikit-learn and the
krippendorff package return NaN there.
"""

import itertools
import math
import warnings

import krippendorff
import numpy as np
import pandas as pd
from irrCAC.raw import CAC
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

warnings.filterwarnings("ignore")

N = None  # a missing value

# Each dataset: (name, number of categories q, units x coders; values are
# category indices 0..q-1 or None). The Rust tests hold the same literals.
DATASETS = [
    (
        "binary_two_coders",
        2,
        list(zip(
            [1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0],
            [1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0],
        )),
    ),
    (
        "three_categories_two_coders",
        3,
        list(zip(
            [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0, 1, 2, 0, 0],
            [0, 1, 2, 1, 1, 0, 2, 2, 1, 0, 2, 0, 1, 2, 1, 0],
        )),
    ),
    (
        "two_coders_missing",
        4,
        list(zip(
            [0, 1, N, 3, 2, 2, 1, 0, N, 3, 1, 2, 0, 1],
            [0, 1, 2, N, 2, 1, 1, 0, N, 3, 1, 3, 0, N],
        )),
    ),
    (
        "three_coders_complete",
        3,
        list(zip(
            [0, 1, 2, 0, 1, 1, 2, 0, 0, 2, 1, 0],
            [0, 1, 2, 1, 1, 1, 2, 0, 2, 2, 0, 0],
            [0, 2, 2, 0, 1, 0, 2, 0, 0, 1, 1, 0],
        )),
    ),
    (
        "three_coders_missing",
        4,
        list(zip(
            [0, 1, 2, N, 3, 1, 0, 2, 2, N, 1, 3, 0, 0, 1],
            [0, 1, 2, 3, 3, N, 0, 2, 1, 1, 1, 3, N, 0, 2],
            [0, N, 2, 3, 2, 1, 1, 2, 1, N, N, 3, 0, 0, 1],
        )),
    ),
    (
        # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability",
        # section C: 4 observers, 12 units, values 1..5 (here 0..4), nominal alpha 0.743.
        "krippendorff_2011",
        5,
        list(zip(
            [0, 1, 2, 2, 1, 0, 3, 0, 1, N, N, N],
            [0, 1, 2, 2, 1, 1, 3, 0, 1, 4, N, 2],
            [N, 2, 2, 2, 1, 2, 3, 1, 1, 4, 0, N],
            [0, 1, 2, 2, 1, 3, 3, 0, 1, 4, 0, N],
        )),
    ),
    (
        "single_category",
        2,
        list(zip([1, 1, 1, 1, 1], [1, 1, 1, 1, 1])),
    ),
    (
        "opposite_categories",
        2,
        list(zip([0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1])),
    ),
    (
        "perfect_binary",
        2,
        list(zip([1, 0, 0, 1, 1, 0, 0], [1, 0, 0, 1, 1, 0, 0])),
    ),
    (
        # NVivo's documented example: 1,000 characters, 50 coded by both,
        # 100 by A only, 50 by B only, 800 by neither (85 %, kappa 0.3182).
        "nvivo_1000_characters",
        2,
        [(1, 1)] * 50 + [(1, 0)] * 100 + [(0, 1)] * 50 + [(0, 0)] * 800,
    ),
]

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters,
# 5 categories; counts per category per subject. kappa = 0.210.
WIKIPEDIA_FLEISS_COUNTS = [
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
]


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "undefined"
    return repr(float(x))


def complete_units(units):
    return [u for u in units if all(v is not None for v in u)]


def cohen(units, a, b):
    pairs = [(u[a], u[b]) for u in units if u[a] is not None and u[b] is not None]
    if not pairs:
        return None
    x, y = zip(*pairs)
    return cohen_kappa_score(x, y)


def alpha(units, q):
    data = np.array(
        [[np.nan if u[c] is None else float(u[c]) for u in units] for c in range(len(units[0]))]
    )
    try:
        return krippendorff.alpha(
            reliability_data=data,
            level_of_measurement="nominal",
            value_domain=list(range(q)),
        )
    except ValueError:
        return None


def fleiss(units):
    complete = complete_units(units)
    if not complete:
        return None
    table, _ = aggregate_raters(np.array(complete))
    return fleiss_kappa(table, method="fleiss")


def percent_agreement(units):
    """Accord's definition: sum over units of agreeing ordered pairs / (m_u - 1), over n."""
    agreeing = 0.0
    n = 0
    for u in units:
        values = [v for v in u if v is not None]
        m = len(values)
        if m < 2:
            continue
        pairs = sum(1 for i, j in itertools.permutations(range(m), 2) if values[i] == values[j])
        agreeing += pairs / (m - 1)
        n += m
    return agreeing / n if n else None


def brennan_prediger(po, q):
    if po is None or q < 2:
        return None
    return (po - 1 / q) / (1 - 1 / q)


def irr(units, q):
    frame = pd.DataFrame([[np.nan if v is None else v for v in u] for u in units])
    cac = CAC(frame, categories=list(range(q)), digits=15)
    return cac.bp()["est"]


def main():
    for name, q, units in DATASETS:
        coders = len(units[0])
        print(f"== {name}: {len(units)} units, {coders} coders, q = {q}")
        po = percent_agreement(units)
        print(f"percent_agreement            {fmt(po)}")
        if coders == 2:
            print(f"cohen_kappa (sklearn)        {fmt(cohen(units, 0, 1))}")
        else:
            kappas = [cohen(units, a, b) for a, b in itertools.combinations(range(coders), 2)]
            for (a, b), k in zip(itertools.combinations(range(coders), 2), kappas):
                print(f"cohen_kappa coders {a},{b}      {fmt(k)}")
            light = None if any(k is None or math.isnan(k) for k in kappas) else sum(kappas) / len(kappas)
            print(f"light_kappa (mean sklearn)   {fmt(light)}")
        print(f"fleiss_kappa (statsmodels)   {fmt(fleiss(units))}")
        print(f"krippendorff_alpha (package) {fmt(alpha(units, q))}")
        print(f"brennan_prediger (formula)   {fmt(brennan_prediger(po, q))}")
        if not complete_units(units) == units:
            continue
        est = irr(units, q)
        print(f"  irrCAC pa                  {fmt(est['pa'])}")
        print(f"  irrCAC brennan_prediger    {fmt(est['coefficient_value'])}")

    print("== wikipedia_fleiss: 10 subjects, 14 raters, q = 5")
    table = np.array(WIKIPEDIA_FLEISS_COUNTS)
    print(f"fleiss_kappa (statsmodels)   {fmt(fleiss_kappa(table, method='fleiss'))}")
    units = [
        [c for c, count in enumerate(row) for _ in range(count)] for row in WIKIPEDIA_FLEISS_COUNTS
    ]
    print(f"krippendorff_alpha (package) {fmt(alpha(units, 5))}")
    print(f"percent_agreement            {fmt(percent_agreement(units))}")


if __name__ == "__main__":
    main()
