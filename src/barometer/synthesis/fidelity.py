"""How well the synthetic data reproduce the published numbers, and where they cannot.

Every published number that can be recomputed from microdata is compared (see
:mod:`barometer.analysis.reproduce`). They fall in two groups:

- **calibration targets**: the margins the generator was built to match; the target is to match
  them within the printed rounding (±0.5 percentage points, means ±0.01, counts exactly);
- **fitted**: the joint tables by climate cluster of :data:`HELD_OUT` (relations between
  variables), which the fitting step (:mod:`barometer.synthesis.fit`) moves the population onto.
  Matching them says nothing about realism; that is measured by leaving each table out of the
  fit in turn (:mod:`barometer.synthesis.leave_one_out`): the **held-out** measure, read from
  the committed results.

A propensity-score utility measure (pMSE) compares the two synthetic waves with each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from barometer.analysis import reproduce
from barometer.data import codebook as md

#: The joint tables by climate cluster: Figure 2-17 (success factors by climate cluster),
#: Figure B2-2 (effects by climate cluster) and every number of §2.4 broken down by climate
#: cluster (innovation rate, spectrum, the cluster shares themselves). The generator's margins
#: do not use them; the fitting step does, and the leave-one-out measure holds each out in turn.
HELD_OUT = ("2-17", "B2-2", "text-2.4:climate_cluster")
HELD_OUT_NOTE = (
    "These tables are fitted (barometer.synthesis.fit); the held-out measure leaves each out of the fit in turn "
    "and compares its cells with what the rest of the fit and the generator's assumptions predict "
    "(barometer fidelity --leave-one-out; the cluster shares are always fitted, and the five differences of "
    "§2.4 count with Figure 2-17, which they restate). The generative model was frozen (committed) before the "
    "first leave-one-out run; after it, one crash of the fit was fixed without changing any parameter, and a "
    "fourth stage was added that moves the preconditions statements onto their shares agreeing (no table "
    "left out uses them; the leave-one-out cells came out identical). Before "
    "the fitting step existed, the effect strengths of assumption A15 and the innovation propensity of A06 "
    "had been lowered once after a first look at these tables."
)


#: Calibration targets the synthetic data are known to miss, with the reason (measured, not
#: hidden). None at present: the shares agreeing with the preconditions statements (43% and 27%),
#: which the generator's item model left 4-5 points low, are met by the fitting step's stage 4
#: (:func:`barometer.synthesis.fit.fit_statements`).
KNOWN_MISSES: dict[tuple[str, str], str] = {}


def is_held_out(records: pd.DataFrame) -> pd.Series:
    """Rows of the joint tables by climate cluster (:data:`HELD_OUT`): fitted, and held out one
    table at a time by the leave-one-out measure."""
    text_cluster = (records["source_id"] == "text-2.4") & (
        (records["breakdown"] == "climate_cluster") | (records["variable"] == "climate_cluster"))
    return records["source_id"].isin(["2-17", "B2-2"]) | text_cluster


def compare(df: pd.DataFrame) -> pd.DataFrame:
    """Reproduction records of ``df`` with a ``role`` column: calibration or held-out."""
    rec = reproduce.records(df)
    rec["role"] = np.where(is_held_out(rec), "fitted", "calibration")
    rec["explained"] = rec["erratum"].isin(["E07"]) & ~rec["within"]
    known = [(s, v) in KNOWN_MISSES for s, v in zip(rec["source_id"], rec["variable"], strict=True)]
    rec["known_miss"] = np.array(known) & ~rec["within"] & (rec["role"] == "calibration")
    return rec


def summary(rec: pd.DataFrame, held_out: bool = True) -> pd.DataFrame:
    """Per role: numbers compared, share within tolerance, error distribution (absolute); with
    ``held_out``, a last row for the leave-one-out measure of the committed synthetic data."""
    rows = []
    for role, g in rec.groupby("role"):
        err = g["difference"].abs()
        pct = g[g["statistic"] == "pct"]["difference"].abs()
        rows.append({
            "role": role, "numbers": len(g), "within_tolerance": int(g["within"].sum()),
            "share_within": round(float(g["within"].mean()), 3),
            "explained_by_errata": int(g["explained"].sum()),
            "known_misses": int(g["known_miss"].sum()),
            "median_abs_error_pct_points": round(float(pct.median()), 2) if len(pct) else np.nan,
            "p90_abs_error_pct_points": round(float(pct.quantile(0.9)), 2) if len(pct) else np.nan,
            "max_abs_error": round(float(err.max()), 2),
        })
    if held_out:
        from barometer.synthesis import leave_one_out

        g = leave_one_out.held_out_cells()
        err = g["difference"].abs()
        pct = g[g["statistic"].isin(leave_one_out.PCT)]["difference"].abs()
        rows.append({
            "role": "held-out", "numbers": len(g), "within_tolerance": int(g["within"].sum()),
            "share_within": round(float(g["within"].mean()), 3), "explained_by_errata": 0, "known_misses": 0,
            "median_abs_error_pct_points": round(float(pct.median()), 2),
            "p90_abs_error_pct_points": round(float(pct.quantile(0.9)), 2),
            "max_abs_error": round(float(err.max()), 2),
        })
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class HeldOut:
    """How well the synthetic data predict the joint tables when each is left out of the fit."""

    numbers: int  # published numbers of the tables left out, compared
    within: int  # of them, predicted within the printed rounding
    median_error: float  # median absolute error of the percentages (points)


#: The sentence that states :class:`HeldOut` next to every synthetic result a Summary recaps (a
#: template: its fields are typed values). It lives beside the measure so that a change of the
#: measure changes its wording too, on every page.
HELD_OUT_SENTENCE = (
    "These numbers come from the synthetic stand-in data: they show the method and the generator's "
    "assumptions, not Dutch government. Of the {numbers} published numbers on relations between "
    "variables (the tables by climate cluster), each predicted by a fit that left its own table out, "
    "it reproduces {within} within rounding; the median error is {median_error:.1f} percentage points."
)


def held_out_summary() -> HeldOut:
    """The held-out row of :func:`summary` (the leave-one-out measure of the committed synthetic
    data), as the fidelity appendix shows it. Every page that states the generator's fidelity
    takes it from here."""
    row = summary(pd.DataFrame(columns=["role", "difference", "statistic", "within", "explained", "known_miss"]))
    row = row.set_index("role").loc["held-out"]
    return HeldOut(int(row["numbers"]), int(row["within_tolerance"]), float(row["median_abs_error_pct_points"]))


def by_source(rec: pd.DataFrame) -> pd.DataFrame:
    return (rec.groupby(["role", "source_id"], sort=False)
            .agg(numbers=("within", "size"), within=("within", "sum"),
                 max_abs_error=("difference", lambda d: round(float(d.abs().max()), 2)))
            .reset_index())


def pmse(df: pd.DataFrame) -> dict[str, float]:
    """Propensity-score mean squared error between the waves (Snoke et al. 2018).

    A logistic model predicts the wave from variables both waves share. If the waves were
    indistinguishable, pMSE would be near its null expectation (k-1)(1-c)^2 c / N; the ratio
    says how far they are apart (1 = indistinguishable)."""
    import statsmodels.api as sm

    data = pd.DataFrame({
        "y": (df["wave"] == 2025).astype(float),
        "innovated": df["innovated"].astype(float),
        "officer": df["innovation_officer"].astype(float),
        "climate": md.scale_score(df, "climate"),
        "preconditions": md.scale_score(df, "preconditions"),
    })
    dummies = pd.get_dummies(df[["sector", "size_class"]].astype(str), drop_first=True, dtype=float)
    data = pd.concat([data, dummies], axis=1).dropna()
    X = sm.add_constant(data.drop(columns="y"))
    fit = sm.Logit(data["y"], X).fit(disp=0)
    p = fit.predict(X)
    c = float(data["y"].mean())
    n, k = len(data), X.shape[1]
    value = float(((p - c) ** 2).mean())
    null = (k - 1) * (1 - c) ** 2 * c / n
    return {"pmse": value, "null_expectation": null, "ratio": value / null, "n": n, "parameters": k}


def report_text(rec: pd.DataFrame, utility: dict[str, float], held_out: bool = True) -> str:
    summ = summary(rec, held_out=held_out)
    lines = ["Synthetic-data fidelity (SYNTHETIC data: a check of the generator, not a finding)", ""]
    lines.append(summ.to_string(index=False))
    lines.append("")
    misses = rec[(rec["role"] == "calibration") & ~rec["within"]]
    if len(misses):
        lines.append("Calibration targets outside tolerance:")
        for r in misses.itertuples():
            why = f" (explained by erratum {r.erratum})" if r.explained else ""
            if r.known_miss:
                why = " (known miss: " + KNOWN_MISSES[(r.source_id, r.variable)] + ")"
            lines.append(f"  {r.source_id} {r.year} {r.group} {r.item} {r.statistic}: published {r.published:g}, "
                         f"synthetic {r.recomputed:g}{why}")
    lines.append("")
    lines.append(f"pMSE between the waves: {utility['pmse']:.4f} (null expectation {utility['null_expectation']:.4f}, "
                 f"ratio {utility['ratio']:.1f}; the waves differ by design: 2021 and 2025 are different years)")
    lines.append("")
    lines.append("Tables by climate cluster: " + ", ".join(HELD_OUT) + ". " + HELD_OUT_NOTE)
    if held_out:
        from barometer.synthesis import leave_one_out

        lines.append("")
        lines.append("Each table left out of the fit (left out) and on the generator without the fit (unfitted):")
        lines.append(leave_one_out.summary().to_string(index=False))
    return "\n".join(lines)
