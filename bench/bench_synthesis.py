"""Benchmark of the synthetic generator: both waves as published, and one million organisations.

Each measurement runs in a fresh process so that its peak memory (ru_maxrss) is its own."""

from __future__ import annotations

import json
import subprocess
import sys

CODE = """
import json, resource, time
from barometer.synthesis import generator as synthesis
n_total = {n}
n = None if n_total is None else {{2021: n_total // 2, 2025: n_total - n_total // 2}}
synthesis.generate()  # warm the published-layer caches
start = time.perf_counter()
waves = synthesis.replicated(n) if {replicate} else synthesis.generate(n=n)
seconds = time.perf_counter() - start
print(json.dumps({{"rows": sum(len(w) for w in waves.values()), "seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def bench_synthesis(n_total: int | None = None, *, replicate: bool = False) -> dict[str, float]:
    """Both waves (``n_total`` organisations, or as published): the generator scaled, or (with
    ``replicate``) the fitted waves replicated (barometer.synthesis.generator.replicated)."""
    code = CODE.format(n=n_total, replicate=replicate)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    for n in (None, 1_000_000):
        print(bench_synthesis(n))
    print(bench_synthesis(1_000_000, replicate=True))
