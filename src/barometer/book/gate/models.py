"""Models through the gate: a fitted model's numbers as typed values.

A regression published from microdata rests on its estimation sample (released: the ``n``
beside it), on the organisations behind each term, and on its residual degrees of freedom.
ACRO checks the degrees of freedom; here every term is checked too, because a dummy of a
category with three organisations, or one in which every organisation has the outcome, says
something about those three. So:

* the sample is a count (a cell: "complete on the model's variables", within the group);
* the outcome's two counts are *checks* of every number of the model;
* each category of a factor and each 0/1 predictor adds checks to its own coefficient: the
  organisations with it, and those with it and with and without the outcome (a zero there is
  separation);
* every coefficient, interval, p-value and fit statistic is a statistic resting on that, with
  the residual degrees of freedom (rule ``dof``); the organisations behind a term are a count.

The sample is declared as a part of everyone (complete ⊎ incomplete), so that "used" beside
"left out for a missing answer" is followed by the ledger like any other pair of counts.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from barometer.analysis import models
from barometer.disclosure.population import SPANNING, GateError, describe_group
from barometer.disclosure.values import Value, fixed, statistic, text, verdict

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class TypedModel:
    """A fitted logistic model whose numbers leave the chapter through the gate."""

    def __init__(self, builder, formula: str, frame: pd.DataFrame, name: str, group: dict):
        if not frame.index.equals(builder.data.index):
            raise GateError(f"model {name}: fit it on a frame with one row per organisation of the file "
                            "(add derived columns to a copy of ch.data); the group selects the rows")
        self.builder, self.frame = builder, frame
        self.formula, self.name, self.group = formula, name, group
        rows = builder.pop.rows_of(builder.pop.group_boxes(group))
        self.fit = models.fit_logit(formula, frame[rows])
        variables = [v for v in dict.fromkeys(_IDENTIFIER.findall(formula)) if v in frame.columns]
        self.variables = variables
        complete = frame[variables].notna().all(axis=1)
        self.complete = builder.measure(complete, f"complete on {', '.join(variables)}")
        parts = builder.split(builder.everyone(), {"complete": self.complete})
        self.n = builder.count(self.complete, **group)
        self.excluded = builder.count(parts["(rest)"], **group)
        self.term_checks: dict[str, tuple] = {}
        if self.fit.ok:
            used = pd.Index(self.fit.result.model.data.row_labels)
            expected = frame.index[rows & complete.to_numpy()]
            if not used.equals(expected):
                raise GateError(f"model {name}: the fit used other rows than the complete cases of "
                                f"[{describe_group(group)}]")
            self.dof = float(self.fit.result.df_resid)
            y = np.asarray(self.fit.result.model.endog).astype(float)
            self.checks = (("outcome = 1", int((y == 1).sum())), ("outcome = 0", int((y == 0).sum())))
            self.term_checks = _term_checks(self.fit.result, frame.loc[used])
        else:
            self.dof = None
            self.checks = ()
        #: What every number of the model rests on: its sample, the outcome's two counts, its
        #: residual degrees of freedom. A term's numbers rest on its own counts too.
        self.carrier = Value("statistic", float("nan"), cells=self.n.cells, checks=self.checks, dof=self.dof,
                             what=f"model {name}")

    @property
    def ok(self) -> bool:
        return self.fit.ok

    @property
    def result(self):
        return self.fit.result

    def stat(self, value, what: str = "", *, term: str | None = None) -> Value:
        """A number of the model (a fit statistic; with ``term``, a coefficient of that term,
        which rests on the organisations behind the term as well) as a typed statistic."""
        carrier = self.carrier
        if term is not None:
            carrier = Value("statistic", float("nan"), cells=self.n.cells,
                            checks=self.checks + self.term_checks.get(term, ()), dof=self.dof,
                            what=f"model {self.name}, term {term}")
        return statistic(value, [carrier], what=what or f"{self.name}: statistic")

    def status(self) -> Value:
        """Whether the model could be estimated, in words (it rests on the model's data)."""
        return verdict("estimated" if self.ok else f"not estimated ({self.fit.message})", [self.n],
                       what=f"{self.name}: estimated or not")

    def term_n(self, term: str) -> Value:
        """The organisations behind a term, as a count the ledger can follow: those in the
        category (a factor), with 1 (a 0/1 predictor), or the whole sample (a score)."""
        b, frame = self.builder, self.frame
        parts = models.term_parts(term)
        if parts is not None:
            column, level = parts
            if column in SPANNING:
                return b.count(self.complete, **{**self.group, column: level})
            for attr in SPANNING:  # a factor derived from a spanning attribute (merged sectors)
                if attr in frame.columns and (frame.groupby(attr, observed=True)[column].nunique(dropna=False) <= 1).all():
                    values = sorted(frame.loc[frame[column].astype(str) == level, attr].dropna().unique(), key=str)
                    return b.count(self.complete, **{**self.group, attr: values})
            return b.count(self.complete & b.where(frame[column].astype(str).rename(column), level), **self.group)
        if term in frame.columns and set(frame[term].dropna().unique()) <= {0, 1}:
            return b.count(self.complete & b.where(frame[term].rename(term), 1), **self.group)
        return self.n

    def odds_ratios(self, label=lambda term: term, *, intercept: bool = False) -> pd.DataFrame:
        """One row per term: its label (fixed), the organisations behind it, the odds ratio with
        its 95% interval and p, each resting on the model and the term."""
        if not self.ok:
            return pd.DataFrame(columns=["term", "n", "odds ratio", "95% CI low", "95% CI high", "p"])
        t = models.odds_ratios(self.result)
        if not intercept:
            t = t.drop(index="Intercept", errors="ignore")
        rows = []
        for term, r in t.iterrows():
            rows.append({"term": label(term), "n": self.term_n(term),
                         "odds ratio": self.stat(r["OR"], f"{self.name}: odds ratio of {term}", term=term),
                         "95% CI low": self.stat(r["ci_low"], f"{self.name}: lower bound of {term}", term=term),
                         "95% CI high": self.stat(r["ci_high"], f"{self.name}: upper bound of {term}", term=term),
                         "p": self.stat(r["p"], f"{self.name}: p of {term}", term=term)})
        return pd.DataFrame(rows)


    def odds_ratio_text(self, term: str) -> Value:
        """'OR (95% CI lo–hi, p = …)' of one term, typed on the model and the term, for a sentence
        in markdown; 'p < 0.001' below that, and 'not available' when the model or the term is not
        estimated."""
        if not self.ok or term not in self.result.params.index:
            return verdict("not available", [self.n])
        r = models.odds_ratios(self.result).loc[term]
        p = self.stat(r["p"], f"{self.name}: p of {term}", term=term)
        p_text = (verdict("p not computable", [p]) if not np.isfinite(r["p"]) else
                  verdict("p < 0.001", [p]) if r["p"] < 0.001 else text("p = {p:.3f}", p=p))
        return text("{or_:.2f} (95% CI {lo:.2f}–{hi:.2f}, {p})",
                    or_=self.stat(r["OR"], f"{self.name}: odds ratio of {term}", term=term),
                    lo=self.stat(r["ci_low"], f"{self.name}: lower bound of {term}", term=term),
                    hi=self.stat(r["ci_high"], f"{self.name}: upper bound of {term}", term=term), p=p_text)


def _term_checks(result, frame: pd.DataFrame) -> dict[str, tuple]:
    """Per term, the counts it rests on: the organisations with it (a category of a factor, a
    0/1 predictor at 1 and at 0), with and without the outcome; a factor's terms also rest on
    its reference category (the baseline every dummy is compared with)."""
    y = np.asarray(result.model.endog).astype(float)
    out: dict[str, tuple] = {}
    for term in result.model.exog_names:
        if term == "Intercept":
            continue
        parts = models.term_parts(term)
        if parts is not None:
            variable, level = parts
            column = frame[variable].astype(str).to_numpy()
            levels = {models.term_parts(t)[1] for t in result.model.exog_names
                      if models.term_parts(t) and models.term_parts(t)[0] == variable}
            ref = ~np.isin(column, list(levels))
            out[term] = (*_split(f"{variable} = {level}", column == level, y),
                         *_split(f"{variable}: reference category", ref, y))
        elif term in frame.columns and set(pd.Series(frame[term]).dropna().unique()) <= {0, 1}:
            x = np.asarray(frame[term])
            out[term] = (*_split(f"{term} = 1", x == 1, y), *_split(f"{term} = 0", x == 0, y))
    return out


def _split(label: str, has: np.ndarray, y: np.ndarray) -> list[tuple[str, int]]:
    return [(label, int(has.sum())), (f"{label} and outcome = 1", int((has & (y == 1)).sum())),
            (f"{label} and outcome = 0", int((has & (y == 0)).sum()))]


__all__ = ["TypedModel", "fixed"]
