"""Build-time benchmarks (``make bench``); prints a table and writes ``_build/bench.md``.

Measured on a temporary copy of the project so that the real site and caches are untouched:

- clean build: ``barometer build`` with no executed chapters and no site (the book in English and
  in Dutch, ``_build/html`` and ``_build/html/nl``);
- clean English edition: ``barometer build --out DIR``, the book in one language (what an own
  edition is compared with);
- no-change rebuild: the same command again;
- one-chapter change: a sentence of one chapter's source edited, then the same command;
- all editions: ``barometer editions`` (every sector);
- PDF: ``barometer pdf`` on the clean build's site (the book and every page), and the book's size;
- own edition: ``barometer build -p source FILE --out DIR`` on the own-data test fixture (execution,
  the output check's ledger and rendering, the site), cold, beside the clean synthetic build; and
  its ledger alone, solved again from the edition's gate records (bench/bench_ledger.py);
- baseline: ``jupyter-book build`` with ``execute_notebooks: force`` on the same notebooks
  (jupyter-book's own serial executor), in the same run, on the same machine.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IGNORE = shutil.ignore_patterns(".venv*", "_build", "chapters", ".git", "__pycache__", ".pytest_cache")


# Runs a command and reports the peak resident memory of its largest process (the launcher's
# children are the command and everything it starts; ru_maxrss of RUSAGE_CHILDREN is their maximum).
LAUNCHER = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)")
PEAK: dict[str, float] = {}


def timed(cmd: list[str], env: dict[str, str], cwd: Path, label: str = "") -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"benchmark command failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    PEAK[label or " ".join(cmd)] = int(proc.stderr.strip().splitlines()[-1]) / 1024
    return seconds


def edit_one_chapter(copy: Path) -> None:
    """Change one sentence of the first chapter's source (what an author does)."""
    import nbformat

    path = sorted((copy / "notebooks").glob("01_*.ipynb"))[0]
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += "\n\nEdited for the benchmark."
    nbformat.write(nb, path)


def baseline_config(copy: Path) -> tuple[Path, Path]:
    config = yaml.safe_load((copy / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": "force", "timeout": 600}
    config["exclude_patterns"] = [p for p in config["exclude_patterns"] if p != "notebooks"]
    toc_text = (copy / "_toc.yml").read_text().replace("book/chapters/", "notebooks/")
    cfg, toc = copy / "_config_baseline.yml", copy / "_toc_baseline.yml"
    cfg.write_text(yaml.safe_dump(config, sort_keys=False))
    toc.write_text(toc_text)
    return cfg, toc


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="barometer-bench-") as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(ROOT, copy, ignore=IGNORE)
        env = {**os.environ, "BAROMETER_ROOT": str(copy), "MPLBACKEND": "Agg"}
        build = [str(BIN / "barometer"), "build", "--no-progress"]
        clean = timed(build, env, copy, "clean")
        rows.append(("clean build, English and Dutch (barometer build)", clean,
                     f"target <= 0.8 x baseline; peak {PEAK['clean']:.0f} MB"))
        english = timed([*build, "--out", str(Path(tmp) / "english")], env, copy, "english")
        rows.append(("clean English edition (barometer build --out)", english,
                     f"one language; peak {PEAK['english']:.0f} MB"))
        pdf_out = Path(tmp) / "pdf"
        printed = timed([str(BIN / "barometer"), "pdf", "--site", str(copy / "_build" / "html"), "--out", str(pdf_out)],
                        env, copy, "pdf")
        book_mb = (pdf_out / "barometer.pdf").stat().st_size / 1e6
        rows.append(("PDF of the book and of each page (barometer pdf)", printed,
                     f"target <= 60 s; the book's PDF {book_mb:.1f} MB (target <= 15 MB); peak {PEAK['pdf']:.0f} MB"))
        fixture = copy / "tests" / "fixtures" / "own_microdata.csv"
        own_cmd = [str(BIN / "barometer"), "build", "-p", "source", str(fixture), "--out", str(Path(tmp) / "own"),
                   "--no-progress"]
        own = timed(own_cmd, env, copy, "own")
        rows.append(("own edition (output check included)", own,
                     f"target <= 1.5 x the clean English edition ({own / english:.2f} x); peak {PEAK['own']:.0f} MB"))
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_ledger import bench_ledger

        ledger = bench_ledger(Path(tmp) / "own")
        rows.append(("own edition's ledger alone (solved again)", ledger["seconds"],
                     f"{ledger['cpu_seconds']:.0f} CPU s over the cores; {ledger['secondary']} secondary "
                     f"suppressions, {ledger['hidden']} hidden cells"))
        nochange = timed(build, env, copy, "nochange")
        rows.append(("no-change rebuild", nochange, f"target <= 5 s; peak {PEAK['nochange']:.0f} MB"))
        edit_one_chapter(copy)
        one = timed(build, env, copy, "one")
        rows.append(("one-chapter change", one, f"one notebook re-executed; peak {PEAK['one']:.0f} MB"))
        editions = [str(BIN / "barometer"), "editions", "--no-progress", "--out", str(Path(tmp) / "editions")]
        all_editions = timed(editions, env, copy, "editions")
        rows.append(("all editions (9 sectors)", all_editions, f"target <= 300 s; peak {PEAK['editions']:.0f} MB"))
        # The baseline starts as cold as the clean build did: without the caches of validated
        # data, highlighted code and drawn figures that the builds above have filled.
        shutil.rmtree(copy / "_build" / "cache", ignore_errors=True)
        cfg, toc = baseline_config(copy)
        jb = [str(BIN / "jupyter-book"), "build", str(copy), "--config", str(cfg), "--toc", str(toc),
              "--path-output", str(Path(tmp) / "baseline"), "--quiet"]
        baseline = timed(jb, env, copy, "baseline")
        rows.append(("baseline: jupyter-book execute_notebooks=force", baseline,
                     f"serial executor; peak {PEAK['baseline']:.0f} MB"))
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_synthesis import bench_synthesis
    from bench_validation import bench_validate

    small = bench_synthesis(None)
    rows.append(("synthesis, both waves (713 organisations)", small["seconds"], f"target <= 5 s (with the fit); peak {small['peak_mb']:.0f} MB"))
    big = bench_synthesis(1_000_000)
    rows.append(("synthesis, 1,000,000 organisations (scaled generator, no fit)", big["seconds"],
                 f"target <= 60 s; peak {big['peak_mb']:.0f} MB"))
    copies = bench_synthesis(1_000_000, replicate=True)
    rows.append(("synthesis, 1,000,000 organisations (fitted waves replicated)", copies["seconds"],
                 f"target <= 60 s; peak {copies['peak_mb']:.0f} MB"))
    val = bench_validate(1_000_000)
    rows.append(("validation, 1,000,000 rows (typed)", val["seconds"], f"target <= 30 s; {val.get('peak_mb', float('nan')):.0f} MB extra"))
    notebooks = len([p for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith("_")])
    lines = [
        f"# Benchmarks ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {platform.python_version()}, {notebooks} notebooks)",
        "",
        "| measurement | seconds | note |",
        "|---|---:|---|",
        *[f"| {name} | {sec:.1f} | {note} |" for name, sec, note in rows],
        f"| ratio clean (both languages) / baseline (English) | {clean / baseline:.2f} | target <= 0.8 |",
        f"| ratio own edition / clean English edition | {own / english:.2f} | target <= 1.5 |",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "bench.md").write_text(text)


if __name__ == "__main__":
    main()
