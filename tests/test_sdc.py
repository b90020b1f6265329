"""Disclosure control: nothing suppressed can be recovered from what a table still shows.

The property tests play the attacker: given the visible cells and the table's additive
structure (row totals, column totals, percentages adding up to 100), linear programming finds
the smallest and largest value each suppressed cell could have. If the two coincide, the cell
is disclosed and the test fails.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from barometer import sdc


def count_table(body: np.ndarray) -> pd.DataFrame:
    """A k x m table of counts with a total column and a total row, as chapters show them."""
    cols = [f"c{j}" for j in range(body.shape[1])]
    df = pd.DataFrame(body, columns=cols)
    df["total"] = df[cols].sum(axis=1)
    df.insert(0, "group", [f"g{i}" for i in range(len(df))])
    total = df[[*cols, "total"]].sum().to_dict() | {"group": "Totaal"}
    return pd.concat([df, pd.DataFrame([total])], ignore_index=True)


def spec_for(df: pd.DataFrame) -> sdc.Spec:
    cols = tuple(c for c in df.columns if c.startswith("c"))
    return sdc.Spec(counts=(*cols, "total"), totals={"total": cols}, total_row=("group", "Totaal"))


def feasible_range(df: pd.DataFrame, mask: pd.DataFrame, cell: tuple[int, str]) -> tuple[float, float]:
    """Min and max of one suppressed cell given everything visible and the table's sums."""
    cols = [c for c in df.columns if c.startswith("c")] + ["total"]
    hidden = [(i, c) for i in range(len(df)) for c in cols if mask[c].iloc[i]]
    index = {h: k for k, h in enumerate(hidden)}

    def term(i, c):
        return (index[(i, c)], None) if (i, c) in index else (None, float(df[c].iloc[i]))

    a_eq, b_eq = [], []
    body_rows, total_row = range(len(df) - 1), len(df) - 1
    members = cols[:-1]
    equations = [[*[(i, c, 1) for c in members], (i, "total", -1)] for i in range(len(df))]
    equations += [[*[(i, c, 1) for i in body_rows], (total_row, c, -1)] for c in cols]
    for eq in equations:
        row, rhs = np.zeros(len(hidden)), 0.0
        for i, c, sign in eq:
            k, value = term(i, c)
            if k is None:
                rhs -= sign * value
            else:
                row[k] += sign
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
    objective = np.zeros(len(hidden))
    objective[index[cell]] = 1
    lo = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    hi = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    upper = np.inf if hi.status == 3 else -hi.fun  # status 3: unbounded, nothing pins the cell
    return lo.fun, upper


tables = st.integers(2, 5).flatmap(lambda k: st.integers(2, 4).flatmap(
    lambda m: st.lists(st.lists(st.integers(0, 40), min_size=m, max_size=m), min_size=k, max_size=k)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=tables, min_cell=st.integers(3, 10))
def test_no_suppressed_cell_can_be_recovered_from_the_margins(body, min_cell):
    df = count_table(np.array(body))
    shown, mask = sdc.protect(df, spec_for(df), min_cell)
    for i in range(len(df)):
        for c in [c for c in df.columns if c != "group"]:
            value = df[c].iloc[i]
            if 0 < value < min_cell:  # a sensitive cell: hidden, and not recoverable
                assert mask[c].iloc[i], f"primary cell {c}[{i}] = {value} is visible"
                lo, hi = feasible_range(df, mask, (i, c))
                assert hi - lo > 0.5, f"cell {c}[{i}] = {value} is determined by the margins ({lo}..{hi})"
    assert (shown == sdc.MARK).to_numpy().sum() == mask.to_numpy().sum()


@settings(max_examples=100, deadline=None)
@given(shares=st.lists(st.lists(st.integers(0, 100), min_size=3, max_size=5), min_size=2, max_size=6),
       bases=st.lists(st.integers(0, 30), min_size=6, max_size=6))
def test_a_hidden_share_cannot_be_had_as_100_minus_the_others(shares, bases):
    width = min(len(r) for r in shares)
    df = pd.DataFrame([r[:width] for r in shares], columns=[f"p{j}" for j in range(width)])
    df["n"] = bases[:len(df)]
    cols = tuple(f"p{j}" for j in range(width))
    spec = sdc.Spec(counts=("n",), rates={c: "n" for c in cols}, complements=(cols,), known_column_totals=False)
    _, mask = sdc.protect(df, spec, 5)
    for i in range(len(df)):
        hidden = int(mask.loc[i, list(cols)].sum())
        assert hidden != 1, f"row {i}: one hidden share is 100 minus the others"


def test_linked_percentages_and_counts_are_hidden_together_and_waves_share_a_pattern():
    df = pd.DataFrame({"group": ["a", "b", "c"], "n_2021": [30, 3, 20], "n_2025": [25, 12, 40],
                       "pct_2025": [50.0, 40.0, 60.0]})
    spec = sdc.Spec(counts=("n_2021", "n_2025"), rates={"pct_2025": "n_2025"},
                    same_pattern=(("n_2021", "n_2025"),), linked=(("n_2025", "pct_2025"),),
                    known_column_totals=False)
    shown, mask = sdc.protect(df, spec, 5)
    assert shown.loc[1, "n_2021"] == sdc.MARK  # primary
    assert shown.loc[1, "n_2025"] == sdc.MARK  # same pattern across waves
    assert shown.loc[1, "pct_2025"] == sdc.MARK  # linked to the hidden count
    assert not mask.loc[0].any()


def test_two_small_hidden_cells_in_a_line_get_a_third():
    # 1 and 2 hidden in one column with a known total: a reader learns both are tiny.
    df = pd.DataFrame({"group": ["a", "b", "c", "d"], "n": [1, 2, 30, 40]})
    _, mask = sdc.protect(df, sdc.Spec(counts=("n",)), 5)
    assert mask["n"].tolist() == [True, True, True, False]


@pytest.mark.parametrize("min_cell", [0, -1, 2.5, True])
def test_min_cell_must_be_a_positive_whole_number(min_cell):
    with pytest.raises(ValueError, match="min_cell"):
        sdc.protect(pd.DataFrame({"n": [1]}), sdc.Spec(counts=("n",)), min_cell)


def test_a_spec_naming_missing_columns_is_an_error():
    with pytest.raises(KeyError, match="does not have"):
        sdc.protect(pd.DataFrame({"n": [1]}), sdc.Spec(counts=("m",)), 5)
