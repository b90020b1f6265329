"""Benchmark of the output check's ledger alone: the own edition's gate records solved again in a
fresh process (wall seconds, and CPU seconds of the process and its forked workers), with what
it decided (secondary suppressions, hidden cells), so that a change that makes it faster can be
seen to decide the same.

    python bench/bench_ledger.py DIR    # DIR: an own edition built with --out DIR
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CODE = """
import json, resource, time
from pathlib import Path
from barometer.book.gate import render
from barometer.disclosure.rules import Rules

def cpu():
    return sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for f in ("ru_utime", "ru_stime"))

records = render.load_records(Path({gate!r}))
start, cpu0 = time.perf_counter(), cpu()
outcome = render.solve(records, Rules(min_cell={min_cell}))
print(json.dumps({{"seconds": time.perf_counter() - start, "cpu_seconds": cpu() - cpu0,
                  "secondary": outcome.secondary, "hidden": len(outcome.hidden_cells),
                  "values": len(outcome.decisions), "clock_stops": outcome.clock_stops}}))
"""


def bench_ledger(edition: Path, min_cell: int = 5) -> dict[str, float]:
    gate = Path(edition) / "private" / "gate"
    if not any(gate.glob("*.pkl")):
        raise SystemExit(f"no gate records in {gate}: build an own edition there first")
    out = subprocess.run([sys.executable, "-c", CODE.format(gate=str(gate), min_cell=min_cell)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(bench_ledger(Path(sys.argv[1])))
