"""barometer.analysis.claims against a simulated logistic model with known effects: a strong positive
effect (x), a known null (z), a categorical variable without effect (g) and one with a strong
effect (h). The verdicts must recover what the simulation built in, and the numbers must be
statsmodels' own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats as sps
from scipy.special import expit

from barometer.analysis import claims, models
from barometer.analysis.claims import Claim


@pytest.fixture(scope="module")
def fit():
    rng = np.random.default_rng(11)
    n = 3000
    df = pd.DataFrame({
        "x": rng.normal(size=n),
        "z": rng.normal(size=n),
        "g": rng.choice(["a", "b", "c"], size=n),
        "h": rng.choice(["p", "q", "r"], size=n),
    })
    eta = -0.2 + 1.0 * df["x"] + 1.2 * (df["h"] == "q") - 0.8 * (df["h"] == "r")
    df["y"] = (rng.random(n) < expit(eta)).astype(int)
    return smf.logit("y ~ x + z + C(g) + C(h)", df).fit(disp=0)


def verdict(fit, terms, expected):
    return claims.check(Claim("m", "test", terms, expected), fit)["verdict"]


def test_a_known_positive_effect_is_supported_and_its_opposite_is_flagged(fit):
    assert verdict(fit, ("x",), "positive") == "supported"
    assert verdict(fit, ("x",), "negative") == "opposite"
    assert verdict(fit, ("x",), "none") == "not supported"
    assert verdict(fit, ("x",), "some") == "supported"


def test_a_known_null_is_not_supported_as_an_effect_and_supported_as_none(fit):
    assert verdict(fit, ("z",), "positive") == "not supported"
    assert verdict(fit, ("z",), "negative") == "not supported"
    assert verdict(fit, ("z",), "none") == "supported"


def test_categorical_claims_use_a_joint_test(fit):
    assert verdict(fit, ("C(g)*",), "none") == "supported"
    assert verdict(fit, ("C(h)*",), "none") == "not supported"
    assert verdict(fit, ("C(h)*",), "some") == "supported"
    # the dummies of h point both ways: a directional claim on all of them is not supported
    row = claims.check(Claim("m", "h raises", ("C(h)*",), "positive"), fit)
    assert row["direction"] == "mixed" and row["verdict"] == "not supported"
    # one dummy at a time has a direction
    assert verdict(fit, ("C(h)[T.q]",), "positive") == "supported"
    assert verdict(fit, ("C(h)[T.r]",), "positive") == "opposite"


def test_numbers_are_statsmodels_own(fit):
    row = claims.check(Claim("m", "x", ("x",), "positive"), fit)
    ci = np.exp(fit.conf_int().loc["x"])
    assert row["OR"] == pytest.approx(np.exp(fit.params["x"]))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci[0], ci[1]))
    assert row["p"] == pytest.approx(fit.pvalues["x"])
    # joint test: the Wald statistic b' V^-1 b of the two h dummies, chi-square with 2 df
    terms = ["C(h)[T.q]", "C(h)[T.r]"]
    b = fit.params[terms].to_numpy()
    v = fit.cov_params().loc[terms, terms].to_numpy()
    stat = float(b @ np.linalg.solve(v, b))
    row = claims.check(Claim("m", "h", ("C(h)*",), "some"), fit)
    assert row["p"] == pytest.approx(sps.chi2.sf(stat, 2))
    assert f"{stat:.2f}" in row["test"]


def test_term_matching_by_name_and_prefix():
    names = ["Intercept", "x", "xx", "C(g)[T.b]", "C(g)[T.c]"]
    assert claims.match_terms(names, ["x"]) == ["x"]
    assert claims.match_terms(names, ["C(g)*"]) == ["C(g)[T.b]", "C(g)[T.c]"]
    assert claims.match_terms(names, ["C(g)[T.c]", "x"]) == ["x", "C(g)[T.c]"]
    assert claims.match_terms(names, ["w*"]) == []


def test_untestable_claims_say_why(fit):
    row = claims.check(Claim("m", "missing", ("w",), "positive"), fit)
    assert row["verdict"] == "not testable" and "not in the fitted model" in row["note"]
    row = claims.check(Claim("m", "no fit", ("x",), "positive"), None)
    assert row["verdict"] == "not testable" and "could not be fitted" in row["note"]


def test_claims_table_takes_fits_or_results(fit):
    separated = pd.DataFrame({"y": [0, 0, 0, 1, 1, 1], "x": [1, 2, 3, 4, 5, 6]})
    failed = models.fit_logit("y ~ x", separated)
    assert not failed.ok
    table = claims.claims_table(
        [Claim("a", "x raises y", ("x",), "positive"), Claim("b", "x raises y", ("x",), "positive"),
         Claim("c", "x raises y", ("x",), "positive")],
        {"a": fit, "b": failed})
    assert list(table["verdict"]) == ["supported", "not testable", "not testable"]
    assert list(table.columns[:3]) == ["model", "claim", "expected"]


def test_a_claim_must_say_what_it_expects():
    with pytest.raises(ValueError):
        Claim("m", "x", ("x",), "up")
    assert Claim("m", "x", "x", "none").terms == ("x",)


def test_terms_are_listed_in_model_order_joined_like_a_formula(fit):
    row = claims.check(Claim("m", "h", ("C(h)*",), "some"), fit)
    assert row["terms"] == "C(h)[T.q] + C(h)[T.r]"
