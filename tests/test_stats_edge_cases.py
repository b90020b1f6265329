"""Edge cases of the statistics helpers: a test that cannot be computed says so, the same way
everywhere ("not computable": NaN numbers, never an exception, a negative statistic or a verdict
that reads like a result), and the chi-square test of a 2 x 2 table is the same test as the
two-proportion z-test (no silent continuity correction)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from barometer.analysis import scales, stats


def not_computable(result: stats.TestResult) -> bool:
    return math.isnan(result.statistic) and math.isnan(result.p_value) and result.verdict() == stats.NOT_COMPUTABLE


def test_a_two_by_two_chi_square_is_the_uncorrected_test_unless_yates_is_asked_for():
    pcts, ns = [[60, 40], [40, 60]], [50, 50]
    plain = stats.chi_square_from_pcts(pcts, ns)
    z = stats.two_proportions(60, 50, 40, 50)
    assert plain.statistic == pytest.approx(z.statistic**2) and plain.p_value == pytest.approx(z.p_value)
    assert plain.statistic == pytest.approx(4.0) and plain.p_value == pytest.approx(0.0455, abs=1e-4)
    yates = stats.chi_square_from_pcts(pcts, ns, yates=True)
    assert yates.statistic == pytest.approx(3.24) and yates.p_value > plain.p_value
    # larger tables have no correction to choose
    three = [[50, 30, 20], [30, 30, 40]]
    assert stats.chi_square_from_pcts(three, ns).statistic == stats.chi_square_from_pcts(three, ns, yates=True).statistic


def test_a_missing_p_value_gives_no_verdict():
    missing = stats.TestResult(float("nan"), float("nan"), float("nan"), "Cohen's h")
    assert missing.verdict() == stats.NOT_COMPUTABLE
    for claimed in (True, False):
        assert stats.claim_check(claimed, missing).startswith("not testable")
    assert stats.format_p(float("nan")) == "p not computable"


@pytest.mark.parametrize("call", [
    lambda: stats.welch_from_stats(3.0, 1.0, 0, 3.2, 1.0, 10),
    lambda: stats.welch_from_stats(3.0, 1.0, 1, 3.2, 1.0, 1),
    lambda: stats.two_proportions(50, 0, 40, 10),
    lambda: stats.chi_square_from_pcts([[50, 50], [40, 60]], [0, 0]),
], ids=["welch n=0", "welch n=1 each", "two proportions n=0", "chi-square empty"])
def test_tests_on_no_organisations_are_not_computable(call):
    assert not_computable(call())


def test_mcnemar_bounds_on_no_organisations_are_not_computable():
    low, high = stats.mcnemar_bounds(40, 30, 0)
    assert not_computable(low) and not_computable(high)


def test_an_interval_on_no_organisations_is_not_computable():
    lo, hi = stats.wilson_ci(0, 0)
    assert math.isnan(lo) and math.isnan(hi)
    lo, hi = stats.pct_ci(50, 0)
    assert math.isnan(lo) and math.isnan(hi)


def test_the_rest_of_a_group_that_is_the_whole_is_empty_and_contradictions_still_raise():
    assert stats.rest_of(40, 0, 40, 0) == (0, 0)
    assert stats.rest_of(40, 10, 40, 10) == (0, 0)
    with pytest.raises(ValueError, match="incompatible"):
        stats.rest_of(10, 100, 90, 50)
    with pytest.raises(ValueError, match="not larger"):
        stats.rest_of(10, 10, 10, 20)


def test_bartlett_with_too_few_organisations_is_not_computable():
    rng = np.random.default_rng(1)
    items = pd.DataFrame(rng.normal(size=(200, 8)))
    corr = items.corr()
    few = scales.bartlett_sphericity(corr, 3)  # n <= p: the statistic's factor is negative
    assert math.isnan(few.statistic) and math.isnan(few.p_value)
    enough = scales.bartlett_sphericity(corr, 200)
    assert enough.statistic > 0 and 0 <= enough.p_value <= 1


def test_a_heywood_case_gives_no_omega():
    # one item almost a copy of another: its uniqueness runs to zero (a Heywood case)
    rng = np.random.default_rng(3)
    f = rng.normal(size=300)
    items = pd.DataFrame({f"x{i}": 0.6 * f + rng.normal(size=300) for i in range(4)})
    items["copy"] = items["x0"] + rng.normal(scale=1e-4, size=300)
    model = scales.one_factor(items)
    assert not model.converged
    assert math.isnan(model.omega) and math.isnan(scales.mcdonald_omega(items))
    healthy = scales.one_factor(items.drop(columns="copy"))
    assert healthy.converged and 0 < healthy.omega < 1
