"""The build pipeline: execute the chapter notebooks with papermill, then build the book.

Steps (``barometer build``):

1. every notebook in ``notebooks/`` is executed with papermill into the chapters folder,
   in parallel over the machine's cores, unless its cache key is unchanged; each worker
   keeps one kernel and resets it between notebooks (:mod:`barometer.build.kernels`), and the
   longest notebooks go first; the generated appendices are written meanwhile;
2. executed notebooks are cleaned: parameters cells hidden, papermill's timings and
   absolute paths removed, so the published pages carry nothing machine-specific;
3. ``jupyter-book build`` runs with execution off and warnings as errors, into a work
   folder; only a successful build replaces the site (atomic swap). Sphinx reuses the work
   folder and rewrites only the pages that changed, unless the configuration, the table of
   contents or a static or template file changed, or the folder no longer holds what its last
   build wrote: then it starts from an empty one.

The cache key of a notebook covers its source, the parameters, the package code and the
contents of every data file it read last time (recorded through :mod:`barometer.data.paths`).
jupyter-cache is not used because it does not see data files.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from barometer.book.parameters import DEFAULTS
from barometer.build import language_switch, reader_view
from barometer.data import paths

#: Parameters every chapter notebook accepts, with their defaults (barometer.book.parameters).
DEFAULT_PARAMETERS: dict[str, Any] = DEFAULTS

CACHE_FILE = ".barometer-cache.json"
SITE_STAMP = ".barometer-site.json"
#: Written into each edition's folder: its parameters, for the editions index page.
EDITION_STAMP = ".barometer-edition.json"


class BuildError(RuntimeError):
    """A build step failed; the message says which notebook, cell or step, and where to look."""


@dataclass
class Project:
    """Where a build reads from and writes to. The default is the repository itself."""

    root: Path = paths.ROOT
    notebooks: Path = paths.NOTEBOOKS
    chapters: Path = paths.CHAPTERS
    html: Path = paths.HTML
    work: Path = paths.BUILD / ".work"
    failed: Path = paths.BUILD / "failed"
    package: Path = paths.PACKAGE
    #: Where notebooks read data from (the repository); differs from ``root`` for editions,
    #: whose book sources are staged elsewhere.
    data_root: Path | None = None
    #: An edition's private folder (``DIR/private``): executed notebooks, logs, failed runs,
    #: gate records, the output-checking report, caches. None for the default book.
    private: Path | None = None

    def __post_init__(self) -> None:
        if self.data_root is None:
            self.data_root = self.root

    @property
    def gate(self) -> Path:
        """Where running chapters keep their gate records."""
        return (self.private / "gate") if self.private is not None else self.chapters / ".gate"

    @property
    def raw(self) -> Path:
        """Where executed notebooks of own microdata are kept before the output check renders
        them into ``chapters`` (in the private folder)."""
        return (self.private / "executed") if self.private is not None else self.chapters / ".executed"

    @classmethod
    def at(cls, root: Path) -> Project:
        root = Path(root).resolve()
        return cls(
            root=root,
            notebooks=root / "notebooks",
            chapters=root / "book" / "chapters",
            html=root / "_build" / "html",
            work=root / "_build" / ".work",
            failed=root / "_build" / "failed",
        )

    def notebook_sources(self) -> list[Path]:
        """Chapter notebooks, in name order; files starting with ``_`` are drafts."""
        return sorted(p for p in self.notebooks.glob("*.ipynb") if not p.name.startswith("_"))


@dataclass
class ExecutionReport:
    executed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- parameters


def parse_parameter(raw: str) -> Any:
    """Turn a command-line value into a Python value: ``2021`` -> int, ``None`` -> None."""
    if raw in ("None", "none", "null", ""):
        return None
    value = yaml.safe_load(raw)
    if isinstance(value, (str, int, float, bool)):
        return value
    return raw


def notebook_parameters(nb_path: Path) -> dict[str, Any]:
    """Names of the variables set in the notebook's ``parameters`` cell.

    Read as plain JSON: importing nbformat takes seconds, and a no-change rebuild should not."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            names = {}
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            for line in source.splitlines():
                name, sep, _ = line.partition("=")
                name = name.strip()
                if sep and name.isidentifier():
                    names[name] = True
            return names
    raise BuildError(f"{paths.relative(nb_path)}: no cell tagged 'parameters' (chapter contract)")


# --------------------------------------------------------------------------- cache


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return _sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def package_digest(package: Path) -> str:
    """One digest over the package's Python code: any change re-executes every chapter."""
    return paths.files_digest(sorted(package.rglob("*.py")), base=package)


def is_own(params: dict[str, Any]) -> bool:
    """Whether the parameters point at a user's own microdata file."""
    source = params.get("source")
    return isinstance(source, str) and source != "synthetic"


def cache_key(nb_path: Path, params: dict[str, Any], pkg: str, inputs: dict[str, str | None]) -> str:
    blob = json.dumps(
        {
            "notebook": file_digest(nb_path),
            "parameters": params,
            # An own file lies outside the repository, where the input log does not look.
            "own data": file_digest(Path(params["source"])) if is_own(params) else None,
            "package": pkg,
            "inputs": dict(sorted(inputs.items())),
        },
        sort_keys=True,
        default=str,
    )
    return _sha256(blob.encode())


def _load_cache(chapters: Path) -> dict[str, Any]:
    try:
        return json.loads((chapters / CACHE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _save_cache(chapters: Path, cache: dict[str, Any]) -> None:
    tmp = chapters / (CACHE_FILE + ".tmp")
    tmp.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, chapters / CACHE_FILE)


def _current_inputs(recorded: list[str], root: Path) -> dict[str, str | None]:
    return {rel: file_digest(root / rel) for rel in recorded}


def is_fresh(project: Project, nb_path: Path, params: dict[str, Any], pkg: str) -> bool:
    entry = _load_cache(project.chapters).get(nb_path.stem)
    executed = project.raw if is_own(params) else project.chapters
    if not entry or not (executed / nb_path.name).exists():
        return False
    inputs = _current_inputs(entry.get("inputs", []), project.data_root)
    return entry.get("key") == cache_key(nb_path, params, pkg, inputs)


# --------------------------------------------------------------------------- cleaning


def clean_executed(nb, root: Path):
    """Tag the cells for the reader's view and strip papermill's timings and machine paths."""
    nb.metadata.pop("papermill", None)
    root_str = str(root)
    for cell in nb.cells:
        meta = cell.setdefault("metadata", {})
        meta.pop("papermill", None)
        meta.pop("execution", None)
        for out in cell.get("outputs", []):
            _scrub_output(out, root_str)
    reader_view.apply(nb)  # code folded, parameters and plumbing removed
    return nb


def _scrub_output(out: dict[str, Any], root_str: str) -> None:
    """Replace the repository's absolute path in text outputs (tracebacks, warnings)."""
    if "text" in out and isinstance(out["text"], str):
        out["text"] = out["text"].replace(root_str, "<repo>")
    for mime, value in out.get("data", {}).items():
        if mime.startswith("text/") and isinstance(value, str):
            out["data"][mime] = value.replace(root_str, "<repo>")
    if "traceback" in out:
        out["traceback"] = [line.replace(root_str, "<repo>") for line in out["traceback"]]


# --------------------------------------------------------------------------- execution


def _execute_one(
    nb_path: str, out_path: str, params: dict[str, Any], root: str, log_path: str, gate_dir: str | None = None
) -> tuple[float, list[str]]:
    """Run one notebook in a worker process; returns (seconds, data files read).

    The notebook runs in the worker's warm kernel (:mod:`barometer.build.kernels`), reset first."""
    import papermill as pm

    from barometer.build import kernels

    cwd = str(Path(out_path).parent)
    env = {"BAROMETER_ROOT": root, paths.INPUT_LOG_ENV: log_path, paths.OUTPUT_DIR_ENV: cwd,
           paths.RECORD_DIR_ENV: gate_dir or str(Path(cwd) / ".gate")}
    os.environ.update(env)
    os.environ.setdefault("MPLBACKEND", "Agg")
    # One BLAS thread per kernel: several chapters run at once anyway, and multithreaded sums
    # change their order from run to run, which changed the last digits of exported numbers.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    Path(log_path).write_text("", encoding="utf-8")
    start = time.perf_counter()
    kernel = kernels.worker_kernel()
    try:
        km = kernel.prepare(env, cwd)
        pm.execute_notebook(
            nb_path,
            out_path,
            parameters=params,
            cwd=cwd,
            progress_bar=False,
            # The output is written at the start, on failure and at the end, not after every cell.
            request_save_on_cell_execute=False,
            kernel_name="python3",
            language="python",
            km=km,
        )
    except BaseException:
        # A failed notebook may leave the kernel in any state: the next one gets a new kernel.
        kernels.discard_worker_kernel()
        raise
    kernel.release()
    seconds = time.perf_counter() - start
    read = {line.strip() for line in Path(log_path).read_text(encoding="utf-8").splitlines()}
    rels = sorted(
        str(Path(p).relative_to(root)) for p in read if p and Path(p).is_relative_to(root)
    )
    return seconds, rels


def _move_files(staging: Path, chapters: Path, stem: str) -> None:
    """Replace the chapter's downloads with those of the run that just succeeded."""
    new = staging / paths.FILES / stem
    old = chapters / paths.FILES / stem
    if old.exists():
        shutil.rmtree(old)
    if new.exists():
        old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, old)


def _describe_failure(exc: BaseException, nb_path: Path, kept: Path | None) -> str:
    where = paths.relative(nb_path)
    cell = getattr(exc, "cell_index", None)
    if cell is not None:
        ename = getattr(exc, "ename", type(exc).__name__)
        evalue = str(getattr(exc, "evalue", "")).strip().splitlines()
        first = evalue[0] if evalue else ""
        msg = f"{where}: cell {cell} raised {ename}: {first}"
    else:
        text = str(exc).strip().splitlines()
        msg = f"{where}: {type(exc).__name__}: {text[0] if text else 'execution failed'}"
    if kept is not None:
        msg += f" (executed notebook kept at {paths.relative(kept)})"
    return msg


def _plan(project: Project, params: dict[str, Any], only: list[str] | None, force: bool,
          pkg: str, report: ExecutionReport) -> list[tuple[Path, dict[str, Any]]]:
    """The notebooks of ``project`` whose cache key changed, with the parameters each accepts."""
    project.chapters.mkdir(parents=True, exist_ok=True)
    sources = project.notebook_sources()
    if only:
        wanted = set(only)
        sources = [p for p in sources if p.stem in wanted or p.name in wanted]
        missing = wanted - {p.stem for p in sources} - {p.name for p in sources}
        if missing:
            raise BuildError(f"no chapter notebook named {', '.join(sorted(missing))} in notebooks/")
    todo = []
    for nb_path in sources:
        accepted = notebook_parameters(nb_path)
        nb_params = {k: v for k, v in params.items() if k in accepted}
        if not force and is_fresh(project, nb_path, nb_params, pkg):
            report.skipped.append(nb_path.stem)
        else:
            todo.append((nb_path, nb_params))
    return todo


def _expected_seconds(project: Project, nb_path: Path) -> float:
    """How long a notebook is expected to run: its last recorded time, else its size in bytes
    scaled to about a second per 8 kB (a larger chapter has more cells and figures).

    Workers take notebooks in the order they are submitted; the longest first keeps both
    cores busy to the end instead of leaving one chapter running alone."""
    recorded = _load_cache(project.chapters).get(nb_path.stem, {}).get("seconds")
    return float(recorded) if recorded is not None else nb_path.stat().st_size / 8000


def execute_notebooks(
    project: Project,
    params: dict[str, Any] | None = None,
    *,
    only: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: bool = True,
) -> ExecutionReport:
    """Execute the chapter notebooks whose cache key changed; raise BuildError on failure."""
    return execute_many([(project, dict(params or {}))], only=only, jobs=jobs, force=force,
                        progress=progress)[0]


def execute_many(
    runs: list[tuple[Project, dict[str, Any]]],
    *,
    only: list[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: bool = True,
    on_run_done: Callable[[int], None] | None = None,
) -> list[ExecutionReport]:
    """Execute what changed in several projects (editions) with one pool of workers, so that
    the machine's cores stay busy across editions; raise BuildError naming every failure.

    With ``on_run_done``, the runs are executed one after the other (each longest notebook
    first) and ``on_run_done(k)`` is called as soon as every notebook of run ``k`` has
    succeeded, so that its site can be built while later runs execute."""
    pkg = package_digest(runs[0][0].package) if runs else ""
    reports = [ExecutionReport() for _ in runs]
    todo = [(k, nb_path, nb_params) for k, (project, params) in enumerate(runs)
            for nb_path, nb_params in _plan(project, params, only, force, pkg, reports[k])]
    left = Counter(k for k, _, _ in todo)
    if on_run_done is not None:
        for k in range(len(runs)):
            if not left[k]:
                on_run_done(k)
    if not todo:
        return reports
    if on_run_done is None:
        todo.sort(key=lambda t: _expected_seconds(runs[t[0]][0], t[1]), reverse=True)
    else:
        todo.sort(key=lambda t: (t[0], -_expected_seconds(runs[t[0]][0], t[1])))

    # nbformat only when something runs: its import alone takes seconds. Papermill and the
    # kernels module are what the workers import; they are imported here, before the workers are
    # forked, because the appendices are generated on a thread meanwhile and a worker forked
    # while that thread held a module's import lock (pandas, once) waited for it forever.
    import nbformat
    import papermill  # noqa: F401
    from tqdm.auto import tqdm

    from barometer.build import kernels  # noqa: F401

    staging = {k: Path(tempfile.mkdtemp(prefix="exec-", dir=runs[k][0].chapters)) for k in {t[0] for t in todo}}
    caches = {k: _load_cache(runs[k][0].chapters) for k in staging}
    failures: list[str] = []
    failed_runs: set[int] = set()
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    try:
        with cf.ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(
                    _execute_one,
                    str(nb_path),
                    str(staging[k] / nb_path.name),
                    nb_params,
                    str(runs[k][0].data_root),
                    str(staging[k] / f"{nb_path.stem}.inputs"),
                    str(runs[k][0].gate),
                ): (k, nb_path, nb_params)
                for k, nb_path, nb_params in todo
            }
            bar = tqdm(total=len(futures), desc="executing chapters", unit="nb", disable=not progress)
            for fut in cf.as_completed(futures):
                k, nb_path, nb_params = futures[fut]
                project, stage, cache = runs[k][0], staging[k], caches[k]
                bar.update(1)
                try:
                    seconds, inputs = fut.result()
                except BaseException as exc:  # noqa: BLE001 - reported with the notebook's name
                    kept = None
                    produced = stage / nb_path.name
                    if produced.exists():
                        project.failed.mkdir(parents=True, exist_ok=True)
                        kept = project.failed / nb_path.name
                        shutil.copyfile(produced, kept)
                    label = f" [{describe_params(nb_params)}]" if len(runs) > 1 else ""
                    failures.append(_describe_failure(exc, nb_path, kept) + label)
                    cache.pop(nb_path.stem, None)
                    (project.gate / f"{nb_path.stem}.pkl").unlink(missing_ok=True)
                    failed_runs.add(k)  # never done: its site is not built
                    continue
                nb = nbformat.read(stage / nb_path.name, as_version=4)
                nb = clean_executed(nb, project.data_root)
                nb.metadata["barometer"] = {"parameters": public_params(nb_params), "seconds": round(seconds, 2)}
                nbformat.write(nb, stage / nb_path.name)
                _move_files(stage, project.chapters, nb_path.stem)
                if is_own(nb_params):
                    # Not publishable as it is: the output check renders it into chapters/.
                    project.raw.mkdir(parents=True, exist_ok=True)
                    os.replace(stage / nb_path.name, project.raw / nb_path.name)
                else:
                    os.replace(stage / nb_path.name, project.chapters / nb_path.name)
                cache[nb_path.stem] = {
                    "key": cache_key(nb_path, nb_params, pkg, _current_inputs(inputs, project.data_root)),
                    "inputs": inputs,
                    "parameters": public_params(nb_params),
                    "seconds": round(seconds, 2),
                }
                reports[k].executed.append(nb_path.stem)
                reports[k].durations[nb_path.stem] = seconds
                left[k] -= 1
                if on_run_done is not None and not left[k] and k not in failed_runs:
                    # Its cache is saved first: the site build reads it (and a site built
                    # from chapters whose cache was not saved would be rebuilt next time).
                    _save_cache(project.chapters, cache)
                    shutil.rmtree(stage, ignore_errors=True)
                    on_run_done(k)
            bar.close()
    finally:
        for k, stage in staging.items():
            _save_cache(runs[k][0].chapters, caches[k])
            shutil.rmtree(stage, ignore_errors=True)
    if failures:
        raise BuildError("; ".join(sorted(failures)))
    return reports


def public_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as they may be shown: a microdata path is reduced to its file name."""
    out = dict(params)
    if isinstance(out.get("source"), str) and out["source"] != "synthetic":
        out["source"] = Path(out["source"]).name
    return out


def describe_params(params: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in sorted(public_params(params).items())) or "defaults"


# --------------------------------------------------------------------------- book


#: Sphinx options naming folders whose files Sphinx copies or renders without tracking them per page.
_UNTRACKED_FOLDERS = ("html_static_path", "html_extra_path", "templates_path")
#: In the work folder: what its last successful build wrote (see :func:`_listing`).
WORK_OUTPUT = ".output"


def _layout_files(project: Project) -> list[Path]:
    """The inputs of the site that Sphinx does not track per page: the table of contents, the
    configuration, and every file of the static, extra and template folders it names (with the
    ``_static`` folder that jupyter-book adds when the book has one). Sphinx copies static files
    only when it writes a page: a changed stylesheet alone would never reach the site."""
    config_file = project.root / "_config.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8")) if config_file.exists() else None
    sphinx_config = ((config or {}).get("sphinx") or {}).get("config") or {}
    folders = {"_static"}
    for option in _UNTRACKED_FOLDERS:
        entries = sphinx_config.get(option) or []
        folders.update([entries] if isinstance(entries, str) else entries)
    files = [project.root / name for name in ("_toc.yml", "_config.yml")]
    for folder in sorted(folders):
        files += sorted(p for p in (project.root / folder).rglob("*") if p.is_file())
    files += _extension_files((config or {}).get("sphinx") or {})
    return [f for f in files if f.exists()]


def _extension_files(sphinx: dict) -> list[Path]:
    """The source of each Sphinx extension the configuration names that lives in this package
    (``barometer.build.sphinx_ext``), with the files it names as its own (``SITE_INPUTS``: the
    modules it sets up, its templates and stylesheets): they shape every page, and Sphinx re-reads
    no page when only an extension changed. (Extensions from installed packages change with the
    lock.)"""
    names = sphinx.get("extra_extensions") or []
    found = []
    for name in [names] if isinstance(names, str) else names:
        if not str(name).startswith(f"{__package__.split('.')[0]}."):
            continue
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            found.append(Path(spec.origin))
            found += getattr(importlib.import_module(name), "SITE_INPUTS", [])
    return found


def _layout_digest(project: Project) -> str:
    """Digest of :func:`_layout_files`: when it changes, Sphinx starts from an empty work folder."""
    return paths.files_digest(_layout_files(project), base=project.root)


def _listing(folder: Path) -> str:
    """What ``folder`` holds: the relative path and size of every file, one a line, sorted (a
    stat of each file, no reading)."""
    if not folder.is_dir():
        return ""
    entries = []
    for parent, _dirs, names in os.walk(folder):
        for name in names:
            f = Path(parent) / name
            entries.append(f"{f.relative_to(folder).as_posix()}\t{f.stat().st_size}")
    return "\n".join(sorted(entries))


def site_digest(project: Project) -> str:
    """Digest of everything the book build reads: config, toc, static and template files, pages,
    executed chapters."""
    files = _layout_files(project)
    files += sorted(p for p in (project.root / "book").rglob("*") if p.is_file())
    for extra in ("references.bib", "CITATION.cff"):
        if (project.root / extra).exists():
            files.append(project.root / extra)
    # A translated edition reads the message catalogues (see barometer.build.translation).
    config = yaml.safe_load((project.root / "_config.yml").read_text(encoding="utf-8")) or {}
    for folder in ((config.get("sphinx") or {}).get("config") or {}).get("locale_dirs") or []:
        files += sorted(Path(folder).rglob("*.po"))
    read = [f for f in dict.fromkeys(files) if not (f.name.startswith(".barometer") or "/exec-" in str(f))]
    return paths.files_digest(read, base=project.root)


def build_book(project: Project, *, force: bool = False, quiet: bool = True,
               translations: dict[str, Project] | None = None) -> bool:
    """Build the site into a work folder and swap it in; False when already up to date.

    ``translations`` (language -> project) are the same book in other languages: each is built
    in its own work folder, at the same time, and published in the site's ``<language>/``
    folder; the languages are swapped in together, so that a reader never meets one language's
    new pages beside the other's old ones."""
    translations = translations or {}
    digest = site_digest(project)
    if translations:
        digest = _sha256("".join([digest, *(f"{lang}:{site_digest(p)}" for lang, p in sorted(translations.items()))]).encode())
    stamp = project.html / SITE_STAMP
    if not force and stamp.exists() and json.loads(stamp.read_text())["digest"] == digest:
        return False
    projects = [project, *translations.values()]
    if len(projects) == 1:
        built = [_sphinx_build(project, quiet)]
    else:  # two Sphinx processes side by side: each is mostly one core's work
        with cf.ThreadPoolExecutor(max_workers=len(projects)) as pool:
            futures = [pool.submit(_sphinx_build, p, quiet) for p in projects]
            cf.wait(futures)
            built = [f.result() for f in futures]
    _swap_in(built[0], project.html, dict(zip(translations, built[1:], strict=True)))
    (project.html / SITE_STAMP).write_text(json.dumps({"digest": digest}))
    return True


def _sphinx_build(project: Project, quiet: bool) -> Path:
    """Run ``jupyter-book build`` for one project into its work folder; the built site's path."""
    marker = project.work / ".failed"
    layout = project.work / ".layout"
    output = project.work / WORK_OUTPUT
    built = project.work / "_build" / "html"
    layout_digest = _layout_digest(project)
    if (marker.exists() or (layout.exists() and layout.read_text() != layout_digest)
            or not output.exists() or output.read_text() != _listing(built)):
        # Sphinx does not re-read an unchanged page, so a warning it raised last time
        # would not be raised again: after a failure, start from scratch. Likewise when the
        # table of contents or the configuration changed (pages of removed chapters would
        # stay), when a static or template file changed (Sphinx copies static files only when
        # it writes a page), and when the work folder no longer holds what its last build
        # wrote (an interrupted build, a file deleted: Sphinx writes only the changed pages
        # and their images, so a lost file would be missing from every later site).
        shutil.rmtree(project.work, ignore_errors=True)
    project.work.mkdir(parents=True, exist_ok=True)
    layout.write_text(layout_digest)
    output.unlink(missing_ok=True)  # written again when this build has succeeded
    cmd = [
        sys.executable, "-c", "from jupyter_book.cli.main import main; main()",
        "build", str(project.root),
        "--path-output", str(project.work), "--warningiserror", "--keep-going",
    ]
    if quiet:
        cmd.append("--quiet")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not (built / "index.html").exists():
        marker.write_text("failed\n")
        log = project.work / "jupyter-book.log"
        log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
        lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if "WARNING" in ln or "ERROR" in ln]
        first = lines[0].replace(str(project.root) + "/", "") if lines else "jupyter-book build failed"
        raise BuildError(
            f"jupyter-book build failed: {first} (full log: {paths.relative(log)}; "
            "the previous site is unchanged)"
        )
    marker.unlink(missing_ok=True)
    output.write_text(_listing(built))
    return built


def _swap_in(built: Path, target: Path, inside: dict[str, Path] | None = None) -> None:
    """Replace ``target`` by a copy of ``built`` (with each site of ``inside`` copied into its
    sub-folder) so that a reader never sees half a site."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".html-new-", dir=target.parent))
    shutil.rmtree(fresh)
    try:
        shutil.copytree(built, fresh)
        for folder, site in (inside or {}).items():
            if (fresh / folder).exists():
                raise BuildError(f"the site already has a folder {folder}/ where its {folder} "
                                 "translation belongs (the previous site is unchanged)")
            shutil.copytree(site, fresh / folder)
    except (OSError, BuildError) as exc:
        shutil.rmtree(fresh, ignore_errors=True)  # nothing half-written stays behind
        if isinstance(exc, BuildError):
            raise
        raise BuildError(f"could not write the site to {paths.relative(target)}: "
                         f"{exc.strerror or exc} (the previous site is unchanged)") from exc
    old = target.parent / (target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)


_PUBLISHING = None  # (project, records, outcome) for the workers of publish_checked


def _publish_one(task: tuple) -> tuple:
    """In a worker: write the output-checking report, or render one raw executed chapter with
    what the ledger released."""
    import nbformat

    from barometer.book.gate import render
    from barometer.disclosure import report

    project, records, outcome = _PUBLISHING
    if task[0] == "report":
        _, source_name, parameters, rules = task
        report.write(project.private / "check", records, outcome, rules, source_name=source_name,
                     parameters=parameters)
        return task
    _, name, _key = task
    stem = Path(name).stem
    nb = nbformat.read(project.raw / name, as_version=4)
    if stem in records:
        nb = render.render_chapter(nb, records[stem], outcome, project.chapters / paths.FILES / stem)
    else:  # nothing was checked: nothing of its output is published
        for cell in nb.cells:
            if cell.get("cell_type") == "code":
                cell["outputs"] = []
    nbformat.write(nb, project.chapters / name)
    return task


def _over_cores(function, tasks: list) -> list:
    """``function(task)`` for every task, in forked workers over the machine's cores (in this
    process where there is one core, one task or no fork); results in the order of ``tasks``."""
    import multiprocessing

    workers = min(os.cpu_count() or 1, len(tasks))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(t) for t in tasks]
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(function, tasks))


# --------------------------------------------------------------------------- editions


def edition_project(out: Path, params: dict[str, Any], root: Path = paths.ROOT, *,
                    sources: bool = True, other_languages: tuple[str, ...] = ()) -> Project:
    """An edition: the book built with other parameters into its own folder ``out``.

    ``out/site/`` holds what may be published (the site); ``out/private/`` everything else: the
    staged book sources and executed chapters, the build cache, failed notebooks, logs and, for
    own microdata, the gate records and the output-checking report. Each edition keeps its own
    executed chapters and cache, so building the Gemeente edition does not invalidate the
    default one. With ``sources=False`` the book's sources are not copied yet
    (:func:`stage_sources`), for when they are still being generated."""
    out = Path(out).resolve()
    private = out / PRIVATE
    stage = private / "stage"
    stage.mkdir(parents=True, exist_ok=True)
    if sources:
        stage_sources(stage, params, root, other_languages={lang: f"{lang}/" for lang in other_languages})
    book = stage / "book"
    return Project(
        root=stage,
        notebooks=root / "notebooks",
        chapters=book / "chapters",
        html=out / SITE,
        work=stage / "_work",
        # One folder per edition: two editions failing in the same chapter keep both notebooks.
        failed=private / "failed",
        data_root=root,
        private=private,
    )


def stage_sources(stage: Path, params: dict[str, Any], root: Path = paths.ROOT, *,
                  other_languages: dict[str, str] | None = None, announce: bool = True) -> None:
    """Copy the book's configuration and pages (not its executed chapters) into an edition's
    stage, with the edition's parameters announced on every page (``announce``). The generated
    appendices of an own-data edition are written in its stage, not in the repository.

    ``other_languages`` (language -> the folder of its site, relative to this one's) are the
    languages the language switch of each page leads to; none, the switch is left out."""
    for name in ("_toc.yml", "references.bib", "CITATION.cff"):
        if (root / name).exists():
            shutil.copyfile(root / name, stage / name)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    if announce:
        config.setdefault("html", {})["announcement"] = f"Edition with parameters: {describe_params(params)}"
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config.pop(language_switch.CONFIG, None)  # (the book's own: English beside Dutch)
    if other_languages:
        sphinx_config[language_switch.CONFIG] = dict(other_languages)
    lang = params.get("lang", "en")
    if lang != "en":
        from barometer.build import translation

        # The prose through the message catalogues of locale/<lang> (the labels follow `lang` in
        # code), copied into the stage: Sphinx compiles them there, not in the repository.
        catalogues = translation.locale_folder(stage) / lang
        shutil.rmtree(catalogues, ignore_errors=True)
        if (translation.locale_folder(root) / lang).is_dir():  # (a project without catalogues: labels only)
            shutil.copytree(translation.locale_folder(root) / lang, catalogues, ignore=shutil.ignore_patterns("*.mo"))
        sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
        sphinx.update(translation.sphinx_config(lang, stage))
    (stage / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    book = stage / "book"
    if book.exists():
        for child in book.iterdir():
            if child.name != "chapters":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(root / "book", book, dirs_exist_ok=True, ignore=shutil.ignore_patterns("chapters"))
    if is_own(params):
        from barometer.build import pages

        pages.generate(stage)


# --------------------------------------------------------------------------- entry point


def build(
    params: dict[str, Any] | None = None,
    *,
    out: Path | None = None,
    project: Project | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: bool = True,
    languages: tuple[str, ...] | None = None,
) -> tuple[ExecutionReport, bool]:
    """Execute what changed and rebuild the site; the previous site survives any failure.

    The book in ``_build/html`` (no ``out``) is built in every language: English there and each
    translation (:data:`barometer.build.translation.LANGUAGES`) in ``_build/html/<language>/``,
    each page linking the same page in the other language. An edition (``out``) is built in the
    language of its ``lang`` parameter, or in ``languages`` (the first in ``DIR/site``).

    With own microdata (``source`` a file) the build needs an edition folder (``out``); the
    file is validated before any kernel starts, everything runs with its temporary and cache
    folders inside ``out/private``, and the output check (:mod:`barometer.book.gate`) decides what
    the site shows before it is built."""
    from concurrent.futures import ThreadPoolExecutor

    from barometer.build import pages, translation

    params = dict(params or {})
    own = is_own(params)
    if own and out is None and project is None:
        raise BuildError("a book from your own microdata is built into an edition folder: add --out DIR "
                         "(the site goes to DIR/site, everything else stays in DIR/private)")
    default_book = project is None and out is None
    if default_book and params.get("lang", "en") != "en":
        raise BuildError(f"the book in {paths.relative(paths.HTML)} is built in every language (English there, "
                         f"Dutch in {paths.relative(paths.HTML / 'nl')}); the lang parameter chooses the "
                         "language of an edition: add --out DIR")
    if languages is None:
        languages = ("en", *translation.LANGUAGES) if default_book else (params.get("lang", "en"),)
    if own and len(languages) > 1:
        raise BuildError("a book from your own microdata is built in one language (its lang parameter)")
    if own:
        validate_source(params["source"])
    private = Path(out).resolve() / PRIVATE if out is not None else project.private if project else None
    with private_environment(private) if own else contextlib.nullcontext():
        with ThreadPoolExecutor(max_workers=1) as side:
            generated = None
            if default_book:
                # The generated appendices are read only by the site build, so they are written
                # while the chapters run (the main process would otherwise wait idle).
                generated = side.submit(pages.generate)
                project = Project()
            elif project is None:
                if not own:
                    pages.generate()  # before the edition copies the book's sources
                first = {**params, "lang": languages[0]}
                project = edition_project(out, first, other_languages=languages[1:])
            translations = {lang: translation_project(project, lang) for lang in languages[1:]}
            runs = [(project, {**params, "lang": languages[0]} if len(languages) > 1 else params),
                    *((translations[lang], {**params, "lang": lang}) for lang in translations)]
            reports = execute_many(runs, jobs=jobs, force=force, progress=progress)
            if generated is not None:
                generated.result()
        if own:
            publish_checked(project, params)
        for lang, sibling in translations.items():
            stage_sources(sibling.root, {**params, "lang": lang}, project.data_root,
                          other_languages={languages[0]: "../"}, announce=not default_book)
        for each in (project, *translations.values()):
            pages.after_execution(each.root, each.chapters, _load_cache(each.chapters))
        rebuilt = build_book(project, force=force, translations=translations)
    report = reports[0]
    for lang, more in zip(translations, reports[1:], strict=True):  # "03_innovation_types (nl)"
        report.executed += [f"{stem} ({lang})" for stem in more.executed]
        report.skipped += [f"{stem} ({lang})" for stem in more.skipped]
        report.durations.update({f"{stem} ({lang})": s for stem, s in more.durations.items()})
    return report, rebuilt


def translation_project(project: Project, lang: str) -> Project:
    """The book of ``project`` in another language: an edition of its own (staged sources,
    executed chapters, cache, work folder) under ``translations/<lang>`` of the project's build
    or private folder, published in ``<site>/<lang>/``."""
    base = project.private if project.private is not None else project.root / "_build"
    sibling = edition_project(base / "translations" / lang, {"lang": lang}, project.data_root, sources=False)
    sibling.html = project.html / lang
    return sibling


PRIVATE, SITE = "private", "site"


def validate_source(source: str) -> None:
    """Validate an own microdata file before anything runs: a file that fails is refused with
    the validation report, and no kernel starts."""
    from barometer.intake import reading
    from barometer.intake.validation import ValidationError

    try:
        reading.load(source)
    except ValidationError as exc:
        raise BuildError(f"{Path(source).name} did not pass validation, so nothing was run. {exc}") from None


@contextlib.contextmanager
def private_environment(private: Path):
    """Run an own-data build with every temporary, cache and configuration folder of the build,
    its workers, kernels and the site builder inside the edition's private folder: nothing
    derived from the microdata (a kernel's history, a font cache, a highlighted output, a
    temporary file) is written anywhere else."""
    private = Path(private)
    home = private / "home"
    folders = {
        "HOME": home, "TMPDIR": private / "tmp", "IPYTHONDIR": home / ".ipython",
        "MPLCONFIGDIR": home / ".config" / "matplotlib", "JUPYTER_RUNTIME_DIR": home / ".local" / "runtime",
        "JUPYTER_CONFIG_DIR": home / ".jupyter", "XDG_CACHE_HOME": home / ".cache",
        "XDG_CONFIG_HOME": home / ".config", "XDG_DATA_HOME": home / ".local" / "share",
        paths.CACHE_DIR_ENV: private / "cache",
    }
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    # Where a chapter run logs its inputs and writes its files is set per notebook by the
    # pipeline; values left over in this process (from a run in it before) would point outside.
    inherited = [paths.INPUT_LOG_ENV, paths.OUTPUT_DIR_ENV, paths.RECORD_DIR_ENV]
    saved = {k: os.environ.get(k) for k in [*folders, *inherited, "PYTHONDONTWRITEBYTECODE"]}
    saved_tempdir = tempfile.tempdir
    for k in inherited:
        os.environ.pop(k, None)
    os.environ.update({k: str(v) for k, v in folders.items()})
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    tempfile.tempdir = str(folders["TMPDIR"])
    try:
        yield
    finally:
        tempfile.tempdir = saved_tempdir
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def publish_checked(project: Project, params: dict[str, Any]) -> None:
    """The output check of an own-data edition: one ledger over every chapter's outputs, then
    each raw executed chapter rendered with what the ledger releases, and the output-checking
    report written to the private folder. Skipped for chapters and decisions that did not change."""
    import pickle

    from barometer.book.gate import render
    from barometer.disclosure.rules import Rules

    rules = Rules(min_cell=int(params.get("min_cell", DEFAULT_PARAMETERS["min_cell"])))
    records = render.load_records(project.gate)
    stems = {p.stem for p in project.notebook_sources()}
    records = {k: v for k, v in records.items() if k in stems}
    state_file = project.private / "check" / "state.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    digest = _sha256((render.records_digest(project.gate) + repr(rules)).encode())
    outcome_file = project.private / "check" / "ledger.pkl"
    tasks: list[tuple] = []
    if state.get("records") == digest and outcome_file.exists():
        outcome = pickle.loads(outcome_file.read_bytes())
    else:
        outcome = render.solve(records, rules) if records else None
        outcome_file.parent.mkdir(parents=True, exist_ok=True)
        outcome_file.write_bytes(pickle.dumps(outcome))
        if records:
            tasks.append(("report", Path(params["source"]).name, public_params(params), rules))
    rendered = state.get("rendered", {})
    for nb_path in project.notebook_sources():
        raw = project.raw / nb_path.name
        if not raw.exists():
            continue  # a notebook without the source parameter: executed straight into chapters/
        key = _sha256(raw.read_bytes() + digest.encode())
        if rendered.get(nb_path.stem) != key or not (project.chapters / nb_path.name).exists():
            tasks.append(("chapter", nb_path.name, key))
    global _PUBLISHING
    _PUBLISHING = (project, records, outcome)
    try:  # the report and the chapters over the cores (forked workers read _PUBLISHING)
        for done in _over_cores(_publish_one, tasks):
            if done[0] == "chapter":
                rendered[Path(done[1]).stem] = done[2]
    finally:
        _PUBLISHING = None
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps({"records": digest, "rendered": rendered}, indent=1))


# --------------------------------------------------------------------------- editions


def edition_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def standard_editions() -> dict[str, dict[str, Any]]:
    """One edition per sector the report distinguishes (the Dutch book is part of the default
    one: ``_build/html/nl/``)."""
    from barometer.data import codebook as md

    return {edition_slug(s): {"sector": s} for s in md.DESIGN_LABELS["sector"]}


def build_editions(editions: dict[str, dict[str, Any]], out_root: Path, *, jobs: int | None = None,
                   force: bool = False, progress: bool = True, root: Path = paths.ROOT) -> dict[str, bool]:
    """Build several editions: all their chapters in one pool of workers, each edition's site
    as soon as its chapters are done (while the next editions' chapters run), then an index
    page linking them. Returns, per edition, whether its site was rebuilt.

    If a chapter fails, the editions whose chapters all ran still get their sites; the failed
    edition keeps its previous site, and BuildError names the failure."""
    from concurrent.futures import ThreadPoolExecutor

    from barometer.build import pages

    out_root = Path(out_root).resolve()
    names = list(editions)
    projects = {name: edition_project(out_root / name, editions[name], root, sources=False) for name in names}
    # At most two sites at a time. The appendices are generated first, on one of these threads,
    # while the first chapters run; each edition copies the book's sources, generated pages
    # included, before its site is built.
    with ThreadPoolExecutor(max_workers=max(1, min(2, jobs or os.cpu_count() or 1))) as pool:
        generated = pool.submit(pages.generate, root)

        def build_site(name: str) -> bool:
            generated.result()
            project = projects[name]
            stage_sources(project.root, editions[name], root)
            pages.after_execution(project.root, project.chapters, _load_cache(project.chapters))
            return build_book(project, force=force)

        sites_started: dict[str, cf.Future] = {}
        # The last edition's site would be built alone at the end, one core idle: the site of
        # the edition before it waits for the last chapters, and the two are built side by side.
        held_back = names[-2] if len(names) > 2 else None
        ready_and_held: list[str] = []

        def start_site(k: int) -> None:
            if names[k] == held_back:
                ready_and_held.append(names[k])
            else:
                sites_started[names[k]] = pool.submit(build_site, names[k])

        failure: BuildError | None = None
        try:
            execute_many([(projects[n], editions[n]) for n in names], jobs=jobs, force=force,
                         progress=progress, on_run_done=start_site)
        except BuildError as exc:
            failure = exc
        finally:
            for name in ready_and_held:
                sites_started[name] = pool.submit(build_site, name)
            cf.wait([generated, *sites_started.values()])
        generated.result()
        built = {name: sites_started[name].result() for name in names if name in sites_started}
    for name in built:
        (out_root / name / EDITION_STAMP).write_text(json.dumps(public_params(editions[name]), sort_keys=True))
    # The index lists every edition in the folder, also those built by an earlier `--only` run.
    present = {d.name: json.loads((d / EDITION_STAMP).read_text())
               for d in sorted(out_root.iterdir()) if (d / EDITION_STAMP).is_file()}
    write_editions_index(out_root, present | {name: editions[name] for name in built})
    if failure is not None:
        raise failure
    return built


def write_editions_index(out_root: Path, editions: dict[str, dict[str, Any]]) -> Path:
    import html as html_lib

    items = "\n".join(
        f'    <li><a href="{name}/{SITE}/index.html">{html_lib.escape(describe_params(params))}</a></li>'
        for name, params in editions.items())
    page = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Barometer: editions</title>
<style>body {{ font-family: sans-serif; max-width: 42rem; margin: 2rem auto; line-height: 1.5; color: #222; }}
a {{ color: #0b5394; }}</style></head>
<body>
<main>
  <h1>Barometer: editions</h1>
  <p>Each edition is the whole book built with other parameters; every page of an edition states them.
  An edition's folder holds its site (<code>site/</code>, what may be published) and a private part
  (<code>private/</code>: executed notebooks, logs, caches).</p>
  <ul>
{items}
  </ul>
</main>
</body>
</html>
"""
    out_root.mkdir(parents=True, exist_ok=True)
    target = out_root / "index.html"
    target.write_text(page, encoding="utf-8")
    return target
