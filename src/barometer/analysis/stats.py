"""Statistics on published numbers: intervals, tests and effect sizes from percentages and bases.

The report prints percentages, means, SDs and bases, rarely intervals or tests. These helpers
add them, using statsmodels and scipy for the computations and adding only what those do not
give: reconstructing counts from rounded percentages, effect sizes, and a plain-language verdict.

A test or interval that cannot be computed (no organisations, one in a group whose spread is
needed, too few for the statistic) says so one way everywhere: its numbers are NaN, never an
exception or a number that reads like a result, and its verdict is :data:`NOT_COMPUTABLE`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pingouin as pg
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

#: The verdict of a test that could not be computed (see the module's docstring).
NOT_COMPUTABLE = "not computable"
NAN = float("nan")


def count_from_pct(pct: float, n: int) -> int:
    """The whole count out of ``n`` closest to a printed percentage."""
    return int(min(max(round(pct * n / 100), 0), n))


def wilson_ci(count: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion, in percent.

    The interval always contains the observed share. In floating point it did not quite: for 7 of
    7, statsmodels returns an upper bound 1.1e-16 below 1, and an error bar from 100% to it has a
    negative length (matplotlib refuses it). The bounds are clamped to the share and to [0, 100].
    With no organisations (``n`` = 0) there is no share: both bounds are NaN."""
    if n <= 0:
        return NAN, NAN
    lo, hi = proportion_confint(count, n, alpha=1 - level, method="wilson")
    share = 100 * count / n
    return max(0.0, min(100 * float(lo), share)), min(100.0, max(100 * float(hi), share))


def format_p(p: float | None) -> str:
    """A p-value for prose: ``p < 0.001`` below that, else three decimals; says so when a test
    could not be computed (None or NaN: too few organisations)."""
    if p is None or not np.isfinite(p):
        return "p not computable"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def pct_ci(pct: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson interval for a printed percentage with base ``n`` (count reconstructed)."""
    return wilson_ci(count_from_pct(pct, n), n, level)


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h for two proportions given in percent (0.2 small, 0.5 medium, 0.8 large)."""
    return 2 * math.asin(math.sqrt(p1 / 100)) - 2 * math.asin(math.sqrt(p2 / 100))


@dataclass(frozen=True)
class TestResult:
    statistic: float
    p_value: float
    effect: float
    effect_name: str
    df: float | None = None

    def verdict(self, alpha: float = 0.05) -> str:
        if not np.isfinite(self.p_value):
            return NOT_COMPUTABLE
        return "significant" if self.p_value < alpha else "not significant"

    @property
    def computable(self) -> bool:
        return bool(np.isfinite(self.p_value))


def not_computable(effect_name: str, df: float | None = None) -> TestResult:
    """The result of a test that could not be computed (every number NaN)."""
    return TestResult(NAN, NAN, NAN, effect_name, df)


def two_proportions(pct1: float, n1: int, pct2: float, n2: int) -> TestResult:
    """Two-sided z-test of two independent proportions from printed percentages and bases."""
    if n1 <= 0 or n2 <= 0:
        return not_computable("Cohen's h")
    counts = np.array([count_from_pct(pct1, n1), count_from_pct(pct2, n2)])
    z, p = proportions_ztest(counts, np.array([n1, n2]))
    return TestResult(float(z), float(p), cohens_h(100 * counts[0] / n1, 100 * counts[1] / n2), "Cohen's h")


def welch_from_stats(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> TestResult:
    """Welch's t-test from means, SDs and bases, with Hedges' g (pooled SD, small-sample corrected).
    Each group needs two organisations at least (a spread of one is not defined)."""
    if n1 < 2 or n2 < 2:
        return not_computable("Hedges' g")
    t, p = sps.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False)
    v1, v2 = s1**2 / n1, s2**2 / n2
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    pooled = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    correction = 1 - 3 / (4 * (n1 + n2) - 9)
    return TestResult(float(t), float(p), (m1 - m2) / pooled * correction, "Hedges' g", float(df))


def chi_square_from_pcts(pcts: list[list[float]], ns: list[int], *, yates: bool = False) -> TestResult:
    """Chi-square test of independence on counts reconstructed from a table of percentages
    (rows: groups with bases ``ns``; columns: categories of one single-answer question).

    No continuity correction unless ``yates``: scipy applies Yates' correction to a 2 x 2 table by
    default, which made this test disagree with :func:`two_proportions` on the same numbers
    (chi-square 3.857, p 0.0495 against z^2 4.762, p 0.029); uncorrected, a 2 x 2 chi-square is
    the two-proportion z-test squared. Not computable with fewer than two groups or two answers
    that anyone gave."""
    table = np.array([[count_from_pct(p, n) for p in row] for row, n in zip(pcts, ns, strict=True)])
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0] if table.size else table
    if table.ndim != 2 or min(table.shape) < 2:
        return not_computable("Cramér's V")
    chi2, p, dof, _ = sps.chi2_contingency(table, correction=yates)
    n = table.sum()
    v = math.sqrt(chi2 / (n * (min(table.shape) - 1)))
    return TestResult(float(chi2), float(p), v, "Cramér's V", float(dof))


def holm(p_values: list[float], alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Holm-corrected p-values and rejections for a family of tests.

    A missing p-value (a test that could not be computed) stays missing and is not counted in the
    family: for [0.01, NaN, 0.03] the family has two tests. (statsmodels counted it: three.)"""
    # pingouin, not statsmodels' multipletests: the latter runs a full garbage collection on
    # every Holm call, a tenth of a second each in a notebook with the microdata loaded.
    reject, corrected = pg.multicomp(np.asarray(p_values, dtype=float), alpha=alpha, method="holm")
    return corrected, reject


def claim_check(claimed_significant: bool, result: TestResult, alpha: float = 0.05) -> str:
    """Does the published data support the report's claim of a (non-)difference? A test that
    could not be computed neither supports nor contradicts it."""
    if not result.computable:
        return "not testable: the published numbers are too few for the test"
    found = result.p_value < alpha
    if found == claimed_significant:
        return "supported"
    if claimed_significant:
        return "not supported: the published numbers do not show a significant difference"
    return "not supported: the published numbers show a significant difference"


def consistent_range(pct: float, n: int, n_other: int, alpha: float = 0.05) -> tuple[float, float]:
    """The percentages a second sample of ``n_other`` could show without differing significantly
    from ``pct`` of ``n`` (two-sided pooled z-test of :func:`two_proportions`, level ``alpha``).

    What a report's "no significant difference" implies when only one side of the comparison is
    printed: the other side lies in this range (whole counts out of ``n_other``, in percent)."""
    k1 = count_from_pct(pct, n)
    kept = []
    for k in range(n_other + 1):
        other = 100 * k / n_other
        if k1 + k in (0, n + n_other):  # both samples all 0 or all 100: no difference to test
            kept.append(other)
        elif two_proportions(pct, n, other, n_other).p_value >= alpha:
            kept.append(other)
    return min(kept), max(kept)


def mcnemar_bounds(pct1: float, pct2: float, n: int) -> tuple[TestResult, TestResult]:
    """McNemar's test of two options of one multiple-answer question, asked of the same ``n``
    organisations, when only their two percentages are printed.

    The test needs the organisations that chose exactly one of the two (the discordant pairs),
    which the margins do not give. Every joint table consistent with the reconstructed counts
    k1 and k2 has the same difference k1 - k2 and between |k1 - k2| and
    min(k1 + k2, 2n - k1 - k2) discordant pairs. Returns the test at the fewest discordant pairs
    (largest possible overlap: smallest p) and at the most (smallest overlap: largest p); a claim
    is decided by the published numbers only if both agree. Chi-square without continuity
    correction (statistic: chi-square, 1 df); effect: Cohen's h of the two percentages.
    Not computable with no organisations."""
    if n <= 0:
        return not_computable("Cohen's h", 1.0), not_computable("Cohen's h", 1.0)
    k1, k2 = count_from_pct(pct1, n), count_from_pct(pct2, n)
    h = cohens_h(100 * k1 / n, 100 * k2 / n)
    fewest = abs(k1 - k2)
    most = min(k1 + k2, 2 * n - k1 - k2)

    def test(discordant: int) -> TestResult:
        if discordant == 0:
            return TestResult(0.0, 1.0, h, "Cohen's h", 1.0)
        chi2 = (k1 - k2) ** 2 / discordant
        return TestResult(float(chi2), float(sps.chi2.sf(chi2, 1)), h, "Cohen's h", 1.0)

    return test(fewest), test(most)


def rest_of(pct_total: float, n_total: int, pct_group: float, n_group: int) -> tuple[int, int]:
    """Count and base of the organisations *outside* a group, from the printed percentages of
    the total and of the group (counts reconstructed with :func:`count_from_pct`).

    For a test of one sector against the rest when only the sector row and the total row of a
    table are printed. A group that is the whole leaves an empty rest, ``(0, 0)`` (a test against
    it is not computable). Raises ValueError when the printed numbers cannot both be right (the
    group's count would exceed the total's, or the group's base the total's)."""
    if n_group > n_total:
        raise ValueError(f"the total base {n_total} is not larger than the group's base {n_group}")
    k_total, k_group = count_from_pct(pct_total, n_total), count_from_pct(pct_group, n_group)
    n_rest, k_rest = n_total - n_group, k_total - k_group
    if not 0 <= k_rest <= n_rest:
        raise ValueError(f"{pct_group}% of {n_group} is incompatible with {pct_total}% of {n_total}")
    return k_rest, n_rest
