"""McNemar bounds for two options of one multiple-answer question (barometer.analysis.stats)."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import mcnemar

from barometer.analysis import stats


def joint_tables(k1, k2, n):
    """Every 2x2 table of n organisations with k1 choosing option 1 and k2 option 2."""
    for both in range(max(0, k1 + k2 - n), min(k1, k2) + 1):
        yield np.array([[both, k1 - both], [k2 - both, n - k1 - k2 + both]])


def test_bounds_are_the_extremes_over_all_consistent_tables():
    # 73% against 63% of 215 (Table B1-5, 2025): counts 157 and 135.
    low, high = stats.mcnemar_bounds(73, 63, 215)
    ps = [mcnemar(t, exact=False, correction=False).pvalue for t in joint_tables(157, 135, 215)]
    assert low.p_value == pytest.approx(min(ps), rel=1e-9)
    assert high.p_value == pytest.approx(max(ps), rel=1e-9)
    assert low.p_value < 0.05 < high.p_value  # the published margins do not decide this one


def test_bounds_match_statsmodels_at_the_extreme_tables():
    # 66% and 48% of 163: counts 108 and 78; fewest discordant = 30, most = 2*163-186 = 140.
    low, high = stats.mcnemar_bounds(66, 48, 163)
    t_low = np.array([[78, 30], [0, 55]])
    t_high = np.array([[23, 85], [55, 0]])
    assert low.statistic == pytest.approx(mcnemar(t_low, exact=False, correction=False).statistic)
    assert high.statistic == pytest.approx(mcnemar(t_high, exact=False, correction=False).statistic)
    assert high.statistic == pytest.approx(30**2 / 140)
    assert high.p_value < 0.05  # significant whatever the overlap


def test_equal_percentages_give_no_evidence():
    low, high = stats.mcnemar_bounds(40, 40, 100)
    assert low.p_value == 1.0 and high.p_value == 1.0 and low.effect == 0
