"""Statistical disclosure control for tables computed from real (confidential) microdata.

The survey promised its respondents that no organisation could be singled out. A table
computed from the real microdata therefore goes through :func:`protect` before it is shown
or exported (the shared table and figure helpers do this; chapters never call it directly):

* **primary suppression**: a count below ``min_cell``, and a percentage or mean whose base
  is below ``min_cell``, is replaced by ``#`` (the mark the report itself uses);
* **secondary suppression** (``barometer.sdc.secondary``): see that function.

Synthetic data describe no one and are never suppressed; the chapters say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

MARK = "#"


@dataclass(frozen=True)
class Spec:
    """Which columns of a table are counts and which are statistics on a base column.

    ``counts``: columns holding numbers of organisations.
    ``rates``: ``{column: base column}`` for percentages and means computed on that base
    (the base may be a column or, for a whole table on one base, an int).
    """

    counts: tuple[str, ...] = ()
    rates: dict[str, str | int] = field(default_factory=dict)


def primary_mask(df: pd.DataFrame, spec: Spec, min_cell: int) -> pd.DataFrame:
    """True where a cell must be suppressed because it rests on fewer than ``min_cell`` organisations."""
    mask = pd.DataFrame(False, index=df.index, columns=df.columns)
    for col in spec.counts:
        values = pd.to_numeric(df[col], errors="coerce")
        mask[col] = values.notna() & (values > 0) & (values < min_cell)
    for col, base in spec.rates.items():
        bases = (pd.Series(base, index=df.index) if isinstance(base, int)
                 else pd.to_numeric(df[base], errors="coerce"))
        mask[col] = mask[col] | (bases.notna() & (bases < min_cell))
        if isinstance(base, str) and base in mask:
            mask[base] = mask[base] | (bases.notna() & (bases > 0) & (bases < min_cell))
    return mask


def protect(df: pd.DataFrame, spec: Spec, min_cell: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with every cell that could disclose marked ``#``, and the mask of those cells."""
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    mask = primary_mask(df, spec, min_cell)
    out = df.astype(object).where(~mask, MARK)
    return out, mask


__all__ = ["MARK", "Spec", "primary_mask", "protect"]
