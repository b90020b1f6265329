"""Leave-one-table-out: how well the fit predicts a joint table it did not see.

Once the fit (:mod:`barometer.synthesis.fit`) uses a table, matching it says nothing about how
realistic the synthetic data are. For each table of :data:`fit.LEAVE_ONE_OUT_TABLES` the
population is generated and fitted *without* that table, and the table's published cells are
compared with what comes out: cells within the printed rounding, median and maximum error. The
same cells are compared on the generator without any fit (the measure of the stand-in before
the fitting step). The refits take a few seconds each, too slow for every build: ``barometer
fidelity --leave-one-out`` computes them and writes :data:`RESULTS` with the seed and a digest
of the code they came from; the fidelity page and every statement of held-out fidelity read
that file, and a test recomputes one table's refit and compares.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from barometer.data import paths
from barometer.synthesis import fit

#: The committed results (beside the synthetic files they describe).
RESULTS = "leave_one_out.json"
#: Source files whose code decides the results (their digest is stored with them).
CODE = ("synthesis/generator.py", "synthesis/fit.py", "analysis/reproduce.py", "data/codebook.py")
PCT = ("pct", "pct_point_diff")


def code_digest() -> str:
    """SHA-256 over the source files of :data:`CODE` (the results are stale when it changes)."""
    h = hashlib.sha256()
    for name in CODE:
        h.update(name.encode())
        h.update((paths.PACKAGE / name).read_bytes())
    return h.hexdigest()


def cells_of(rec: pd.DataFrame, table: str) -> pd.DataFrame:
    """The reproduction records of one joint table (see :func:`fit.table_of`)."""
    mask = np.array([fit.table_of(r) == table for r in rec.itertuples()], dtype=bool)
    return rec[mask]


def _records(waves: dict[int, pd.DataFrame]) -> pd.DataFrame:
    from barometer.analysis import reproduce

    return reproduce.records(pd.concat(waves.values(), ignore_index=True))


def _stats(cells: pd.DataFrame) -> dict:
    err = cells["difference"].abs()
    pct = cells[cells["statistic"].isin(PCT)]["difference"].abs()
    return {"cells": len(cells), "within": int(cells["within"].sum()),
            "median_abs_error": round(float(pct.median()), 2) if len(pct) else None,
            "max_abs_error": round(float(err.max()), 2) if len(err) else None}


def refit(table: str, seed: int) -> pd.DataFrame:
    """The cells of ``table`` as they come out of a fit without it: one row per published cell
    with the published and recomputed value and whether it is within rounding."""
    from barometer.synthesis import generator

    waves = generator.generate(config=generator.Config(seed=seed, exclude=(table,)))
    cells = cells_of(_records(waves), table)
    return _cell_frame(cells)


def _cell_frame(cells: pd.DataFrame) -> pd.DataFrame:
    out = cells[["source_id", "group", "item", "statistic", "published", "recomputed", "difference", "within"]]
    return out.reset_index(drop=True)


def run(seed: int) -> dict:
    """Leave each table out in turn; also the generator without any fit, on the same cells."""
    from barometer.synthesis import generator

    unfitted = _records(generator.generate(config=generator.Config(seed=seed, fit=False)))
    tables = []
    for table in fit.LEAVE_ONE_OUT_TABLES:
        cells = refit(table, seed)
        before = _cell_frame(cells_of(unfitted, table))
        tables.append({"table": table, "left_out": _stats(cells), "unfitted_generator": _stats(before),
                       "cells": json.loads(cells.to_json(orient="records")),
                       "unfitted_cells": json.loads(before.to_json(orient="records"))})
    return {"synthetic": True, "seed": seed, "code_digest": code_digest(), "tables": tables,
            "note": "SYNTHETIC data: each table's cells as predicted by the fit without that table "
                    "(left_out) and by the generator without any fit (unfitted_generator)."}


def write(folder: Path | None = None, seed: int | None = None) -> Path:
    from barometer.synthesis import generator

    folder = Path(folder or paths.SYNTHETIC)
    result = run(generator.SEED if seed is None else seed)
    path = folder / RESULTS
    paths.write_atomically(path, lambda tmp: tmp.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                                                           encoding="utf-8", newline="\n"), mode=0o644)
    return path


def load(folder: Path | None = None) -> dict:
    """The committed results."""
    path = Path(folder or paths.SYNTHETIC) / RESULTS
    return json.loads(paths.record_input(path).read_text(encoding="utf-8"))


def summary(result: dict | None = None) -> pd.DataFrame:
    """One row per table left out: cells, within rounding and errors, left out and unfitted,
    and a total row over the tables."""
    result = load() if result is None else result
    rows = []
    for t in result["tables"]:
        rows.append({"table": t["table"], **{f"{k}": v for k, v in t["left_out"].items()},
                     **{f"unfitted_{k}": v for k, v in t["unfitted_generator"].items()}})
    cells = pd.DataFrame([c for t in result["tables"] for c in t["cells"]])
    before = pd.DataFrame([c for t in result["tables"] for c in t["unfitted_cells"]])
    rows.append({"table": "all", **_stats(cells), **{f"unfitted_{k}": v for k, v in _stats(before).items()}})
    return pd.DataFrame(rows)


def held_out_cells(result: dict | None = None) -> pd.DataFrame:
    """Every cell of every table, as predicted with its own table left out."""
    result = load() if result is None else result
    return pd.DataFrame([{"table": t["table"], **c} for t in result["tables"] for c in t["cells"]])


__all__ = ["RESULTS", "code_digest", "refit", "run", "write", "load", "summary", "held_out_cells"]
