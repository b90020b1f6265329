"""Run chapters through the output gate in throw-away folders and summarise what it did.

    python tools/gate_check.py 03_innovation_types [more chapters] [--own FILE] [--baseline DIR]

For each chapter: executes it on the synthetic data into a temporary chapters folder and lists
the gate's problems (values it would withhold from own data: every chapter should have none);
with ``--baseline DIR`` (a ``book/chapters`` folder of an earlier build) compares the downloads
byte for byte and the glued values one by one. Then builds the chapters on own microdata (default: the test fixture) as an
edition in a temporary folder, runs the output check and prints the ledger's summary and, per
output, how many values were released, suppressed and withheld.
"""

from __future__ import annotations

import argparse
import collections
import csv
import filecmp
import json
import sys
import tempfile
from pathlib import Path

from barometer.build import pipeline
from barometer.data import paths

FIXTURE = paths.ROOT / "tests" / "fixtures" / "own_microdata.csv"


def glued(notebook: Path) -> dict[str, str]:
    """The glued values of an executed notebook, as the page shows them."""
    values = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:  # (glued values are stored under papermill's record MIME types)
                values[name] = json.dumps(out.get("data", {}), sort_keys=True)
    return values


def compare_glue(old: Path, new: Path) -> int:
    """Lists glued values that are new, gone or changed against the baseline's notebook."""
    before, after = glued(old), glued(new)
    bad = 0
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            print(f"    glue {name}: {before.get(name, '(none)')!r} -> {after.get(name, '(none)')!r}")
            bad += 1
    return bad


def synthetic(stems: list[str], baseline: Path | None, keep: Path, params: dict) -> int:
    chapters = keep / "synthetic" / "chapters"
    project = pipeline.Project(chapters=chapters, html=keep / "synthetic" / "html", work=keep / "synthetic" / "work",
                               failed=keep / "synthetic" / "failed")
    pipeline.execute_notebooks(project, params, only=stems, force=True, progress=False)
    bad = 0
    for stem in stems:
        gate = json.loads((chapters / ".gate" / f"{stem}.json").read_text())
        print(f"[synthetic] {stem}: {len(gate['outputs'])} outputs, {len(gate['problems'])} problems")
        for p in gate["problems"]:
            print(f"    problem: {p['output']}: {p['problem']}")
        bad += len(gate["problems"])
        if baseline is not None:
            old, new = baseline / paths.FILES / stem, chapters / paths.FILES / stem
            names = sorted({p.name for p in old.glob("*")} | {p.name for p in new.glob("*")})
            for name in names:
                a, b = old / name, new / name
                if not a.exists() or not b.exists():
                    print(f"    {'only new' if b.exists() else 'only in baseline'}: {name}")
                    bad += 1
                elif not filecmp.cmp(a, b, shallow=False):
                    print(f"    differs from baseline: {name}")
                    bad += 1
            bad += compare_glue(baseline / f"{stem}.ipynb", chapters / f"{stem}.ipynb")
    return bad


def own(stems: list[str], source: Path, keep: Path, params: dict) -> None:
    out = keep / "own"
    params = {**params, "source": str(source)}
    with pipeline.private_environment(out / pipeline.PRIVATE):
        project = pipeline.edition_project(out, params)
        pipeline.execute_notebooks(project, params, only=stems, force=True, progress=False)
        pipeline.publish_checked(project, params)
    results = json.loads((project.private / "check" / "results.json").read_text())
    print(f"[own] ledger: {results['ledger']}")
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    with open(project.private / "check" / "outputs.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            counts[row["output"]][f"{row['status']} ({row['rule']})" if row["status"] != "released" else "released"] += 1
    for output, c in counts.items():
        print(f"    {output}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print(f"[own] files in {project.chapters / paths.FILES}; report {project.private / 'check' / 'report.html'}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="+")
    parser.add_argument("--own", type=Path, default=FIXTURE)
    parser.add_argument("--baseline", type=Path, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="folder for the builds (default: a temporary one)")
    parser.add_argument("--no-own", action="store_true")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="a chapter parameter for both runs, e.g. -p sector Gemeente -p year 2021")
    args = parser.parse_args(argv)
    params = {k: pipeline.parse_parameter(v) for k, v in args.parameter}
    if params.get("year") == 2021 and "compare_year" not in params:
        params["compare_year"] = 2025
    keep = args.keep or Path(tempfile.mkdtemp(prefix="gate-check-"))
    print(f"builds in {keep}")
    bad = synthetic(args.chapters, args.baseline if not params else None, keep, params)
    if not args.no_own:
        own(args.chapters, args.own.resolve(), keep, params)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
