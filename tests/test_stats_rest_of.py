"""stats.rest_of: the organisations outside a group, from a group row and the total row."""

from __future__ import annotations

import pytest
from scipy import stats as sps

from barometer.analysis import stats


def test_rest_of_subtracts_reconstructed_counts():
    # Table B1-9 (2025), process innovation: total 78% of 264, municipalities 88% of 65.
    # 0.78 * 264 = 205.9 -> 206; 0.88 * 65 = 57.2 -> 57; the rest: 149 of 199.
    assert stats.rest_of(78, 264, 88, 65) == (149, 199)


def test_rest_of_gives_back_a_hidden_group():
    # Two groups of 40 (10 yes) and 60 (30 yes): the total is 40% of 100.
    assert stats.rest_of(40, 100, 25, 40) == (30, 60)
    assert stats.rest_of(40, 100, 50, 60) == (10, 40)


def test_rest_of_feeds_an_exact_test():
    k, n = stats.rest_of(78, 264, 88, 65)
    group = stats.count_from_pct(88, 65)
    odds, p = sps.fisher_exact([[group, 65 - group], [k, n - k]])
    assert odds == pytest.approx((57 * 50) / (8 * 149))
    assert 0 < p < 0.05


@pytest.mark.parametrize(("args", "message"), [
    ((50, 10, 50, 20), "not larger"),       # the group is bigger than the whole table
    ((10, 100, 90, 50), "incompatible"),    # 45 yes in the group but only 10 in the total
    ((100, 100, 0, 50), "incompatible"),    # the rest would need 100 yes out of 50
])
def test_rest_of_refuses_impossible_rows(args, message):
    with pytest.raises(ValueError, match=message):
        stats.rest_of(*args)
