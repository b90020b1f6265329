"""Does the build's speed code earn its place? Clean builds (median of three) with all of it, and
with each piece switched off in turn, on a temporary copy of the project (``--editions``: all
editions instead; a piece that caches across builds can only pay off there).

Each piece is switched off from outside the package: a ``sitecustomize`` module on the build's
``PYTHONPATH`` patches the named function when its module is first imported, in every process of
the build (the pipeline, its workers and the jupyter-book subprocess). A piece stays if the clean
build or all editions are at least 5% slower without it (the criterion of the issue on notebooks
and layout).

    python bench/speed_code.py [--runs 3]   # prints a table and writes _build/bench-speed-code.md
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IGNORE = shutil.ignore_patterns(".venv*", "_build", "chapters", ".git", "__pycache__", ".pytest_cache")

#: What each piece is, and the patch that switches it off (run after its module is imported).
PIECES = {
    "warm kernel reused between notebooks (kernels.WarmKernel)": (
        "barometer.build.kernels",
        "_release = module.WarmKernel.release\n"
        "def release(self):\n"
        "    _release(self)\n"
        "    module.discard_worker_kernel()\n"
        "    module._WORKER_KERNEL = None\n"
        "module.WarmKernel.release = release\n"),
    "quick readiness check (kernels.ready_client_class)": (
        "barometer.build.kernels",
        "from jupyter_client.asynchronous import AsyncKernelClient\n"
        "module.ready_client_class = lambda: AsyncKernelClient\n"),
    "highlighted-code cache (sphinx_ext.cache_highlighting)": (
        "barometer.build.sphinx_ext",
        "module.cache_highlighting = lambda app: None\n"),
    "remembered search stems (sphinx_ext.memoising_english)": (
        "barometer.build.sphinx_ext",
        "from sphinx.search.en import SearchEnglish\n"
        "module.memoising_english = lambda: SearchEnglish\n"),
}

SITECUSTOMIZE = '''
import importlib.abc, importlib.util, sys
TARGET, PATCH = {target!r}, {patch!r}

class _Patch(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name != TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        self.inner = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module):
        self.inner.exec_module(module)
        exec(PATCH, {{"module": module}})

sys.meta_path.insert(0, _Patch())
'''


def clean_build(tmp: Path, patch: tuple[str, str] | None, editions: bool = False) -> float:
    copy = tmp / "project"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(ROOT, copy, ignore=IGNORE)
    env = {**os.environ, "BAROMETER_ROOT": str(copy), "MPLBACKEND": "Agg"}
    if patch is not None:
        site = tmp / "site"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE.format(target=patch[0], patch=patch[1]))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    command = ([str(BIN / "barometer"), "editions", "--no-progress", "--out", str(tmp / "editions")] if editions
               else [str(BIN / "barometer"), "build", "--no-progress"])
    shutil.rmtree(tmp / "editions", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=copy, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--editions", action="store_true", help="time all editions instead of the clean build")
    parser.add_argument("--only", nargs="*", default=None, help="words of the pieces to measure (default: all)")
    args = parser.parse_args()
    runs, editions = args.runs, args.editions
    what = "all editions" if editions else "the clean build"
    pieces = {name: patch for name, patch in PIECES.items()
              if args.only is None or any(word in name for word in args.only)}
    rows = []
    with tempfile.TemporaryDirectory(prefix="barometer-speed-code-") as tmp:
        tmp = Path(tmp)
        times = [clean_build(tmp, None, editions) for _ in range(runs)]
        with_all = statistics.median(times)
        rows.append(("all speed code on", with_all, times, ""))
        for name, patch in pieces.items():
            times = [clean_build(tmp, patch, editions) for _ in range(runs)]
            without = statistics.median(times)
            saves = (without - with_all) / with_all
            rows.append((f"without the {name}", without, times,
                         f"saves {100 * saves:.0f}% of {what}: {'keep' if saves >= 0.05 else 'below 5%'}"))
    lines = [f"# Speed code ({what}, median of {runs}; {os.cpu_count()} cores)", "",
             "| build | median s | runs | verdict |", "|---|---:|---|---|",
             *[f"| {n} | {m:.1f} | {', '.join(f'{t:.1f}' for t in ts)} | {v} |" for n, m, ts, v in rows]]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / f"bench-speed-code{'-editions' if editions else ''}.md").write_text(text)


if __name__ == "__main__":
    main()
