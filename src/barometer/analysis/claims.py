"""Claims of the report about a model, checked against a fitted model ("claims table").

The report describes its regression models only in words: "the climate raises the chance of a
better service", "sector and size play no role". A :class:`Claim` writes such a sentence down
as something a fitted model can answer: which term(s) of the formula it is about and which
direction it expects. :func:`check` answers it from a fitted statsmodels result;
:func:`claims_table` does that for a list of claims and a dict of fits.

Verdicts:

* ``supported``: a directional claim whose term is significant (p < alpha) in the expected
  direction; a claim of *no* effect whose term(s) are not significant (absence of evidence,
  which is weaker than evidence of absence: the table shows the interval so that a reader can
  judge what "no effect" rules out);
* ``not supported``: a directional claim whose term is not significant; a claim of no effect
  whose term(s) are significant;
* ``opposite``: a directional claim whose term is significant in the other direction;
* ``not testable``: the model could not be fitted, or the term is not in it (a category merged
  or dropped for the data at hand).

One term is tested with the model's Wald z (its odds ratio and interval are shown); several terms
together (the dummies of one categorical variable) with a joint Wald chi-square test, and their
direction is that of all their odds ratios (``mixed`` when they disagree).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

POSITIVE, NEGATIVE, NONE, SOME = "positive", "negative", "none", "some"
EXPECTATIONS = (POSITIVE, NEGATIVE, NONE, SOME)
SUPPORTED, NOT_SUPPORTED, OPPOSITE, NOT_TESTABLE = "supported", "not supported", "opposite", "not testable"


@dataclass(frozen=True)
class Claim:
    """One claim of the report about one model.

    ``terms``: names of model terms as statsmodels prints them (``"climate"``,
    ``"C(size_class, Treatment('Klein'))[T.Groot]"``); a name ending in ``*`` stands for every
    term starting with what precedes it (``"C(size_class*"``: all size dummies).
    ``expected``: ``positive`` / ``negative`` (direction of the effect on the chance of the
    outcome), ``none`` (no effect) or ``some`` (an effect, direction not stated)."""

    model: str
    text: str
    terms: tuple[str, ...]
    expected: str
    note: str = ""

    def __post_init__(self):
        if self.expected not in EXPECTATIONS:
            raise ValueError(f"expected must be one of {EXPECTATIONS}, not {self.expected!r}")
        if isinstance(self.terms, str):
            object.__setattr__(self, "terms", (self.terms,))
        if not self.terms:
            raise ValueError("a claim needs at least one model term")


def match_terms(names: Sequence[str], patterns: Sequence[str]) -> list[str]:
    """The model terms that ``patterns`` select (exact names, or prefixes ending in ``*``), in model order."""
    out = []
    for name in names:
        for pat in patterns:
            hit = name.startswith(pat[:-1]) if pat.endswith("*") else name == pat
            if hit and name not in out:
                out.append(name)
    return out


def _direction(odds: np.ndarray) -> str:
    if np.all(odds > 1):
        return POSITIVE
    if np.all(odds < 1):
        return NEGATIVE
    return "mixed"


def _verdict(expected: str, direction: str, significant: bool) -> str:
    if expected == NONE:
        return NOT_SUPPORTED if significant else SUPPORTED
    if expected == SOME:
        return SUPPORTED if significant else NOT_SUPPORTED
    if not significant:
        return NOT_SUPPORTED
    if direction == expected:
        return SUPPORTED
    if direction in (POSITIVE, NEGATIVE):
        return OPPOSITE
    return NOT_SUPPORTED  # significant jointly, but the terms point both ways


def check(claim: Claim, result, alpha: float = 0.05, level: float = 0.95) -> dict:
    """The claim beside what the fitted model says: terms used (joined with " + "), direction, OR and CI (one term),
    test, p-value and verdict. ``result``: a fitted statsmodels result, or None (no fit)."""
    row = {"model": claim.model, "claim": claim.text, "expected": claim.expected, "terms": "",
           "direction": "", "OR": np.nan, "ci_low": np.nan, "ci_high": np.nan, "test": "",
           "p": np.nan, "verdict": NOT_TESTABLE, "note": claim.note}
    if result is None:
        row["note"] = "; ".join(filter(None, [claim.note, "the model could not be fitted"]))
        return row
    names = list(result.params.index)
    used = match_terms(names, claim.terms)
    if not used:
        row["note"] = "; ".join(filter(None, [claim.note, "term not in the fitted model"]))
        return row
    row["terms"] = " + ".join(used)
    params = result.params[used].to_numpy(dtype=float)
    odds = np.exp(params)
    if len(used) == 1:
        ci = np.exp(result.conf_int(alpha=1 - level).loc[used[0]].to_numpy(dtype=float))
        p = float(result.pvalues[used[0]])
        row.update({"OR": float(odds[0]), "ci_low": float(ci[0]), "ci_high": float(ci[1]),
                    "test": "Wald z", "p": p})
    else:
        restriction = np.zeros((len(used), len(names)))
        for i, term in enumerate(used):
            restriction[i, names.index(term)] = 1.0
        wald = result.wald_test(restriction, scalar=True)
        p = float(wald.pvalue)
        row.update({"test": f"Wald χ²({len(used)}) = {float(wald.statistic):.2f}", "p": p})
    direction = _direction(odds)
    row["direction"] = direction
    row["verdict"] = _verdict(claim.expected, direction, p < alpha)
    return row


def claims_table(claims: Sequence[Claim], fits: Mapping[str, object], alpha: float = 0.05,
                 level: float = 0.95) -> pd.DataFrame:
    """One row per claim (see :func:`check`); ``fits`` maps a claim's ``model`` to its fitted
    result (or to None, or to an object with a ``result`` attribute such as ``models.Fit``)."""
    rows = []
    for claim in claims:
        fit = fits.get(claim.model)
        result = getattr(fit, "result", fit)
        rows.append(check(claim, result, alpha, level))
    return pd.DataFrame(rows, columns=["model", "claim", "expected", "terms", "direction", "OR", "ci_low",
                                       "ci_high", "test", "p", "verdict", "note"])


__all__ = ["Claim", "EXPECTATIONS", "POSITIVE", "NEGATIVE", "NONE", "SOME", "SUPPORTED", "NOT_SUPPORTED",
           "OPPOSITE", "NOT_TESTABLE", "match_terms", "check", "claims_table"]
