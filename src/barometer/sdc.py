"""Statistical disclosure control for tables computed from real (confidential) microdata.

The survey promised its respondents that no organisation could be singled out. A table
computed from the real microdata therefore goes through :func:`protect` before it is shown
or exported (the shared table and figure helpers do this; chapters never call it directly).

1. **Primary suppression**: a count below ``min_cell``, and a percentage or mean whose base
   is below ``min_cell``, is replaced by ``#`` (the mark the report itself uses).
2. **Secondary suppression**: a suppressed cell must not be recoverable by arithmetic. Every
   *line* of the table whose cells add up to something the reader knows (a row with its
   total column, a column with its total row or a published total, percentages that add up
   to 100) is checked: if it holds exactly one suppressed cell, or suppressed cells that add
   up to less than ``min_cell`` (which would tell the reader each is small), the smallest
   other cell of the line is suppressed as well, and so on until nothing changes. Then an
   **audit** plays the attacker: linear programming over all the table's sums at once finds
   the range each sensitive cell could take; while one is pinned down, one more cell of its
   lines is hidden.
3. **Linked cells**: a percentage and the count it was computed from are suppressed together
   (one gives away the other through the base), and columns that compare waves share one
   suppression pattern (a cell hidden in 2021 is hidden in 2025).

Synthetic data describe no one and are never suppressed; the chapters say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MARK = "#"


@dataclass(frozen=True)
class Spec:
    """What the cells of a table are, so that they can be protected.

    counts: columns holding numbers of organisations.
    rates: ``{column: base}`` for percentages and means; the base is a column or an int.
    totals: ``{total column: (member columns...)}``: the total is the sum of the members, row by row.
    total_row: ``(column, value)`` identifying a row that holds the column totals (e.g. ``("sector", "Totaal")``).
    known_column_totals: counts whose column total the reader knows from elsewhere (the report prints
        totals), so a column with one suppressed cell gives it away. On by default: the safe choice.
    complements: groups of columns that add up to 100 in every row (the answers of one question).
    linked: pairs of columns suppressed together in a row (a percentage and its count).
    same_pattern: groups of columns that must share one suppression pattern (e.g. the two waves).
    """

    counts: tuple[str, ...] = ()
    rates: dict[str, str | int] = field(default_factory=dict)
    totals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    total_row: tuple[str, object] | None = None
    known_column_totals: bool = True
    complements: tuple[tuple[str, ...], ...] = ()
    linked: tuple[tuple[str, str], ...] = ()
    same_pattern: tuple[tuple[str, ...], ...] = ()


def primary_mask(df: pd.DataFrame, spec: Spec, min_cell: int) -> pd.DataFrame:
    """True where a cell rests on fewer than ``min_cell`` organisations."""
    mask = pd.DataFrame(False, index=df.index, columns=df.columns)
    for col in spec.counts:
        values = pd.to_numeric(df[col], errors="coerce")
        mask[col] = values.notna() & (values > 0) & (values < min_cell)
    for col, base in spec.rates.items():
        bases = (pd.Series(base, index=df.index) if isinstance(base, int)
                 else pd.to_numeric(df[base], errors="coerce"))
        small = bases.notna() & (bases < min_cell)
        mask[col] = mask[col] | small
        if isinstance(base, str) and base in mask:
            mask[base] = mask[base] | (small & (bases > 0))
    return mask


def _equations(df: pd.DataFrame, spec: Spec) -> list[tuple[list[tuple[int, str]], bool]]:
    """Additive lines of the table: (cells, whether the last cell is the total of the others).
    A line without a total cell adds up to something the reader knows from elsewhere."""
    lines: list[tuple[list[tuple[int, str]], bool]] = []
    rows = range(len(df))
    body = list(rows)
    if spec.total_row is not None:
        col, value = spec.total_row
        total_pos = [i for i in rows if df[col].iloc[i] == value]
        body = [i for i in rows if i not in total_pos]
        for c in spec.counts:  # a column and its total row
            lines += [([(i, c) for i in body] + [(t, c)], True) for t in total_pos]
    elif spec.known_column_totals:
        lines += [([(i, c) for i in body], False) for c in spec.counts]
    for total, members in spec.totals.items():  # a row and its total column
        lines += [([(i, m) for m in members] + [(i, total)], True) for i in rows]
    for group in spec.complements:  # percentages adding up to 100
        lines += [([(i, c) for c in group], False) for i in rows]
    return lines


def _lines(df: pd.DataFrame, spec: Spec) -> list[list[tuple[int, str]]]:
    return [cells for cells, _ in _equations(df, spec)]


def feasible_range(df: pd.DataFrame, equations, mask: pd.DataFrame, cell: tuple[int, str]) -> tuple[float, float]:
    """The smallest and largest value a suppressed cell can take given everything visible and the
    table's sums (the attacker's linear programme); (0, inf) when nothing bounds it."""
    from scipy.optimize import linprog

    usable = [(cells, has_total) for cells, has_total in equations
              if all(_value(df, i, c) < np.inf for i, c in cells) and any(mask[c].iloc[i] for i, c in cells)]
    hidden = sorted({(i, c) for cells, _ in usable for i, c in cells if mask[c].iloc[i]})
    if cell not in hidden:
        return 0.0, np.inf
    index = {h: k for k, h in enumerate(hidden)}
    a_eq, b_eq = [], []
    for cells, has_total in usable:
        row, rhs = np.zeros(len(hidden)), 0.0
        total_sum = sum(_value(df, i, c) for i, c in (cells[:-1] if has_total else cells))
        for pos, (i, c) in enumerate(cells):
            sign = -1.0 if has_total and pos == len(cells) - 1 else 1.0
            if (i, c) in index:
                row[index[(i, c)]] += sign
            else:
                rhs -= sign * _value(df, i, c)
        if not has_total:
            rhs += total_sum
        a_eq.append(row)
        b_eq.append(rhs)
    objective = np.zeros(len(hidden))
    objective[index[cell]] = 1.0
    lo = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    hi = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if lo.status != 0:
        return 0.0, np.inf
    return float(lo.fun), (np.inf if hi.status != 0 else float(-hi.fun))


def _value(df: pd.DataFrame, i: int, col: str) -> float:
    v = pd.to_numeric(pd.Series([df[col].iloc[i]]), errors="coerce").iloc[0]
    return float(v) if pd.notna(v) else np.inf


def secondary_mask(df: pd.DataFrame, spec: Spec, min_cell: int, mask: pd.DataFrame) -> pd.DataFrame:
    """Extend ``mask`` until no suppressed cell can be recovered from what remains visible."""
    mask = mask.copy()
    lines = _lines(df, spec)
    changed = True
    while changed:
        changed = False
        for a, b in spec.linked:
            both = mask[a] | mask[b]
            if not (both.equals(mask[a]) and both.equals(mask[b])):
                mask[a], mask[b], changed = both, both, True
        for group in spec.same_pattern:
            union = mask[list(group)].any(axis=1)
            for c in group:
                if not union.equals(mask[c]):
                    mask[c], changed = mask[c] | union, True
        for line in lines:
            hidden = [(i, c) for i, c in line if mask[c].iloc[i]]
            if not hidden:
                continue
            hidden_sum = sum(_value(df, i, c) for i, c in hidden)
            if len(hidden) >= 2 and hidden_sum >= min_cell:
                continue
            candidates = [(i, c) for i, c in line if not mask[c].iloc[i] and _value(df, i, c) < np.inf]
            if not candidates:
                continue
            # Prefer a non-zero cell (hiding a zero protects less), then the smallest.
            i, c = min(candidates, key=lambda ic: (_value(df, *ic) == 0, _value(df, *ic)))
            mask.iloc[i, mask.columns.get_loc(c)] = True
            changed = True
    return mask


def audit(df: pd.DataFrame, spec: Spec, min_cell: int, primary: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """Play the attacker: while a sensitive (primary) cell can be pinned down by linear
    programming over the table's sums, hide one more cell of a line it is in."""
    equations = _equations(df, spec)
    sensitive = [(i, c) for c in primary.columns for i in range(len(df)) if primary[c].iloc[i]]
    for _ in range(4 * df.size + 1):
        exposed = next((cell for cell in sensitive
                        if (lambda r: r[1] - r[0] < 1.0)(feasible_range(df, equations, mask, cell))), None)
        if exposed is None:
            return mask
        candidates = [(i, c) for cells, _ in equations if exposed in cells for i, c in cells
                      if not mask[c].iloc[i] and _value(df, i, c) < np.inf]
        if not candidates:
            return mask  # nothing left to hide in its lines: the cell is as protected as it can be
        i, c = min(candidates, key=lambda ic: (_value(df, *ic) == 0, _value(df, *ic)))
        mask.iloc[i, mask.columns.get_loc(c)] = True
        mask = secondary_mask(df, spec, min_cell, mask)
    return mask


def protect(df: pd.DataFrame, spec: Spec, min_cell: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with every cell that could disclose marked ``#``, and the mask of those cells."""
    if isinstance(min_cell, bool) or not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
        raise ValueError(f"min_cell must be a whole number of at least 1, got {min_cell!r}")
    unknown = [c for c in [*spec.counts, *spec.rates, *spec.totals] if c not in df.columns]
    if unknown:
        raise KeyError(f"sdc.Spec names columns the table does not have: {unknown}")
    df = df.reset_index(drop=True)
    primary = primary_mask(df, spec, int(min_cell))
    mask = secondary_mask(df, spec, int(min_cell), primary)
    mask = audit(df, spec, int(min_cell), primary, mask)
    return df.astype(object).where(~mask, MARK), mask


__all__ = ["MARK", "Spec", "primary_mask", "secondary_mask", "audit", "feasible_range", "protect"]
