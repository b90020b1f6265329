"""Every path of the compendium, anchored at the repository root.

Notebooks run with papermill in a working directory of papermill's choosing, so no
notebook may open a file by a relative path. They ask this module instead. The pipeline
sets ``BAROMETER_ROOT`` for the kernel, so an executed notebook reads the same files as the
process that started it, and ``BAROMETER_INPUT_LOG`` so that every data file a notebook
reads is recorded: the build cache re-executes a notebook when one of those files changes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT_MARKERS = ("_toc.yml", "pyproject.toml")
#: The package folder (this module lives in its data subpackage).
PACKAGE = Path(__file__).resolve().parent.parent
#: The data a wheel of the package carries (barometer.build.release.wheel puts them there), so that a
#: chapter notebook downloaded from the site runs without a clone.
PACKAGED_DATA = PACKAGE / "_data"
#: Outside a clone: the folder a chapter writes its outputs and caches into (default
#: ``./barometer-output`` beside the notebook being run).
HOME_ENV = "BAROMETER_HOME"


def _find_root() -> Path:
    env = os.environ.get("BAROMETER_ROOT")
    if env:
        return Path(env).resolve()
    # An editable install keeps the package at <root>/src/barometer.
    for candidate in (PACKAGE.parent.parent, *Path.cwd().resolve().parents, Path.cwd().resolve()):
        if all((candidate / m).exists() for m in ROOT_MARKERS):
            return candidate
    if PACKAGED_DATA.is_dir():  # installed from the release's wheel
        return Path(os.environ.get(HOME_ENV) or Path.cwd() / "barometer-output").resolve()
    raise RuntimeError(
        "cannot find the repository root (a folder with _toc.yml and pyproject.toml); "
        "set BAROMETER_ROOT, or install the package from the release's wheel"
    )


ROOT = _find_root()
INSTALLED = not all((ROOT / m).exists() for m in ROOT_MARKERS) and PACKAGED_DATA.is_dir()
DATA = PACKAGED_DATA if INSTALLED else ROOT / "data"
PUBLISHED = DATA / "published"
CODEBOOK = DATA / "codebook"
SYNTHETIC = DATA / "synthetic"
NOTEBOOKS = ROOT / "notebooks"
BOOK = ROOT / "book"
CHAPTERS = BOOK / "chapters"
BUILD = ROOT / "_build"
HTML = BUILD / "html"

INPUT_LOG_ENV = "BAROMETER_INPUT_LOG"
#: Where a running chapter writes its downloads and records (set by the pipeline to the
#: chapter's staging folder, so that a failed run leaves nothing half-written in the book).
OUTPUT_DIR_ENV = "BAROMETER_OUTPUT_DIR"
#: Folder, next to the executed chapters, that holds each chapter's files (``files/<chapter>/``).
FILES = "files"
#: Where the build keeps what later builds can reuse (default ``_build/cache``). An edition built
#: from own microdata points it into the edition's private folder, so that nothing derived from
#: the microdata lands outside it.
CACHE_DIR_ENV = "BAROMETER_CACHE_DIR"
#: Set by the pipeline: where a running chapter keeps its output-gate record (the edition's private
#: folder for own data). Without it (JupyterLab), the record goes beside the chapter's files.
RECORD_DIR_ENV = "BAROMETER_GATE_DIR"


def package_files() -> list[Path]:
    """Every Python file of the package, subpackages included (the key of every cache that
    depends on the code)."""
    return sorted(PACKAGE.rglob("*.py"))


def cache_dir() -> Path:
    env = os.environ.get(CACHE_DIR_ENV)
    return Path(env) if env else BUILD / "cache"


def chapter_files(chapter: str) -> Path:
    """Folder for a chapter's downloadable tables, figures and reproduction records.

    Links in the chapter are relative (``files/<chapter>/...``), so the folder sits beside
    the executed notebook. Outside the pipeline (JupyterLab) it goes under ``_build/lab``.
    """
    base = Path(os.environ.get(OUTPUT_DIR_ENV) or BUILD / "lab")
    return base / FILES / chapter


def record_input(path: Path | str) -> Path:
    """Note that the running notebook read ``path`` (for the build cache) and return it."""
    path = Path(path).resolve()
    log = os.environ.get(INPUT_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{path}\n")
    return path


def data_file(*parts: str) -> Path:
    """Path of a file under ``data/``, recorded as an input of the running notebook."""
    return record_input(DATA.joinpath(*parts))


def relative(path: Path | str) -> str:
    """``path`` relative to the repository root when it lies inside it (for messages)."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def files_digest(files: Iterable[Path], base: Path | None = None) -> str:
    """One SHA-256 over the names and contents of ``files``, in the order given (names relative
    to ``base``, else bare file names, as for a file outside ``base``): the key of every cache in
    the build."""
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.relative_to(base) if base is not None and f.is_relative_to(base) else f.name).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def write_atomically(target: Path, write: Callable[[Path], object], *, mode: int | None = None) -> Path:
    """Write ``target`` whole or not at all: ``write(tmp)`` fills a temporary file next to it,
    which then replaces ``target`` in one step. A reader, or another process writing the same
    file at the same time, never sees half a file, and a failed write leaves nothing behind.
    The temporary file is private to the user (mode 0600) unless ``mode`` says otherwise."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
