"""Headline quantities of the published layer: computed once, from the report's own numbers."""

from __future__ import annotations

from barometer.analysis import stats
from barometer.book import headlines


def test_the_innovation_rate_rests_on_counts_that_round_to_the_printed_rate():
    for year in (headlines.FIRST, headlines.LAST):
        rate = headlines.innovation_rate(year)
        assert round(rate.exact) == rate.pct
        assert rate.low < rate.exact < rate.high


def test_the_decline_is_tested_on_the_innovator_counts_not_the_rounded_rates():
    a, b = headlines.innovation_rate(headlines.LAST), headlines.innovation_rate(headlines.FIRST)
    on_counts = stats.two_proportions(100 * a.count / a.n, a.n, 100 * b.count / b.n, b.n)
    assert headlines.decline().p_value == on_counts.p_value
    assert headlines.decline().p_value != stats.two_proportions(a.pct, a.n, b.pct, b.n).p_value


def test_every_sector_has_both_waves_and_an_interval_around_its_rate():
    data = headlines.rate_by_sector()
    assert (data.groupby("group")["year"].nunique() == 2).all()
    assert ((data["low"] <= data["pct"]) & (data["pct"] <= data["high"])).all()
