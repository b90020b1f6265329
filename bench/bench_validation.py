"""Benchmark of microdata validation: ``python bench/bench_validation.py [N_ROWS]``.

Builds a valid frame of ``n_rows`` organisations by repeating the valid base of the test corpus
(``tests/fixtures/valid_small.csv``) with new, unique ids, and times ``validate(df)`` on it.
Target (not asserted anywhere): 1,000,000 rows in at most 30 s on 2 cores.

Two inputs are measured: ``typed`` (schema dtypes, as from Parquet or a previous load) and,
with ``--text``, ``text`` (every cell a string, as read from a CSV file: parsing included).
Peak memory is what validation allocates on top of its input, traced with ``tracemalloc`` in a
second, separate run so that tracing does not slow the timed one.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from barometer.intake import reading as bio
from barometer.intake.validation import errors_of, validate

BASE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "valid_small.csv"


def build_frame(n_rows: int, text: bool = False) -> pd.DataFrame:
    """A valid frame of ``n_rows`` rows: the valid base repeated, every row a new organisation."""
    base = bio.load(BASE)
    if text:
        base = base.astype(object).where(base.notna(), "").astype(str)
    frame = base.iloc[np.resize(np.arange(len(base)), n_rows)].reset_index(drop=True)
    ids = pd.Series(np.arange(n_rows)).astype(str).radd("B")
    frame["org_id"] = ids.to_numpy(dtype=object) if text else pd.array(ids, dtype="string")
    return frame


def bench_validate(n_rows: int = 1_000_000, text: bool = False) -> dict:
    """Time ``validate`` on a valid frame of ``n_rows`` rows; report seconds and peak MB."""
    frame = build_frame(n_rows, text)
    start = time.perf_counter()
    problems = validate(frame)
    seconds = time.perf_counter() - start
    if errors_of(problems):
        raise RuntimeError(f"the benchmark frame should be valid: {problems[:3]}")
    tracemalloc.start()
    validate(frame)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    input_mb = frame.memory_usage(deep=True).sum() / 1e6
    return {
        "n_rows": n_rows,
        "input": "text" if text else "typed",
        "seconds": round(seconds, 2),
        "peak_mb": round(peak / 1e6, 1),
        "input_mb": round(input_mb, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--text", action="store_true", help="also measure a frame of strings (as from CSV)")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, pandas {pd.__version__}")
    runs = [bench_validate(args.n_rows)]
    if args.text:
        runs.append(bench_validate(args.n_rows, text=True))
    for r in runs:
        print(f"validate({r['n_rows']:,} rows, {r['input']}): {r['seconds']:.2f} s, "
              f"peak {r['peak_mb']:.0f} MB allocated by validation (input {r['input_mb']:.0f} MB; "
              f"process max RSS {r['max_rss_mb']:.0f} MB)  [target: 1,000,000 rows <= 30 s]")


if __name__ == "__main__":
    main()
