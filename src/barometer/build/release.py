"""Versioned releases: one version number, stamped everywhere, and checksummed archives.

``make release VERSION=x.y.z`` runs ``python -m barometer.build.release run``, in this order:

1. ``check``: the working tree is clean (a release is a commit anyone can check out again) and
   the version is new and well formed; refuses otherwise, before anything is changed;
2. ``make test``: the tests pass on the tree as it is;
3. ``stamp``: the version and today's date into ``barometer/__init__.py`` (the one place they
   are written) and the copies other tools read (``CITATION.cff``, ``.zenodo.json``, the data
   packages), and the changelog's *Unreleased* heading; committed;
4. ``make book pdf``: the site, the PDFs and the data packages of that commit;
5. ``archive``: one ``.tar.gz`` per artefact (site, PDFs, data packages, the source) and the
   package's wheel with the data it needs (``wheel``: what a downloaded notebook runs on), with a
   ``SHA256SUMS`` file into ``_build/release/``; then the tag ``vX.Y.Z``.

The workflow in ``.github/workflows/`` runs the same target on a tag and uploads what it wrote:
there the tag exists and names the commit, so nothing is stamped or tagged again (``tagged_here``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

from barometer import __version__
from barometer.data import paths

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
#: Files that carry a copy of the version, and how each writes it.
INIT = Path("src/barometer/__init__.py")
CITATION = Path("CITATION.cff")
ZENODO = Path(".zenodo.json")
DATA_PACKAGES = [Path("data/published/datapackage.json"), Path("data/qualitative/datapackage.json")]
CHANGELOG = Path("CHANGELOG.md")
RELEASE_DIR = Path("_build/release")
#: A fixed time for every archive member, so that an archive of the same files has the same bytes.
EPOCH = 946684800  # 2000-01-01


class ReleaseError(RuntimeError):
    pass


def git(*args: str, root: Path) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def tagged_here(version: str, root: Path) -> bool:
    """Whether ``vX.Y.Z`` exists and names the checked-out commit (a release being rebuilt, as
    the workflow does on a tag: nothing to stamp or tag, only to build and archive)."""
    try:
        return git("rev-parse", f"v{version}^{{commit}}", root=root).strip() == git("rev-parse", "HEAD", root=root).strip()
    except subprocess.CalledProcessError:
        return False


def run(version: str, root: Path, *, date: str) -> list[Path]:
    """The whole release (see the module's docstring); returns the archives written."""
    rebuild = tagged_here(version, root)
    if rebuild:
        if __version__ != version:
            raise ReleaseError(f"the tag v{version} is checked out but the package says {__version__}")
        if git("status", "--porcelain", root=root).strip():
            raise ReleaseError("the working tree has uncommitted changes; commit or stash them first")
    else:
        check(version, root)
    make = ["make", "--no-print-directory"]
    subprocess.run([*make, "test"], cwd=root, check=True)
    if not rebuild:
        for path in stamp(version, date, root):
            print(f"stamped {path.relative_to(root)}")
        git("commit", "--quiet", "--all", "--message", f"Release {version}", root=root)
    subprocess.run([*make, "book", "pdf"], cwd=root, check=True)
    out = root / RELEASE_DIR
    made = archive(version, root, site=root / "_build" / "html", pdf=root / "_build" / "pdf", out=out)
    if verify(out):
        raise ReleaseError("an archive does not match its checksum")
    if not rebuild:
        git("tag", "--annotate", f"v{version}", "--message", f"Barometer {version}", root=root)
    return made


def versions_found(root: Path | None = None) -> dict[str, str]:
    """Every copy of the version in the repository, by file (a test checks they agree)."""
    import yaml

    root = root or paths.ROOT
    found = {str(INIT): re.search(r'^__version__ = "([^"]+)"', (root / INIT).read_text(), re.M)[1],
             str(CITATION): str(yaml.safe_load((root / CITATION).read_text())["version"]),
             str(ZENODO): json.loads((root / ZENODO).read_text())["version"]}
    for path in DATA_PACKAGES:
        found[str(path)] = json.loads((root / path).read_text())["version"]
    return found


def check(version: str, root: Path) -> None:
    """Refuse a release from a tree with uncommitted changes, or of a version that is not new."""
    if not VERSION.match(version):
        raise ReleaseError(f"VERSION must look like 1.2.3, not {version!r}")
    dirty = git("status", "--porcelain", "--untracked-files=normal", root=root).strip()
    if dirty:
        raise ReleaseError("the working tree has uncommitted changes; commit or stash them first:\n" + dirty)
    if git("tag", "--list", f"v{version}", root=root).strip():
        raise ReleaseError(f"the tag v{version} exists already")
    if tuple(map(int, version.split("."))) < tuple(map(int, __version__.split("."))):
        raise ReleaseError(f"{version} is older than the current version {__version__}")


def _json_field(path: Path, key: str, value: str, *, after: str | None = None) -> None:
    """Set a top-level string field of a JSON file in place, keeping the file's own layout (a
    rewrite with json.dumps reformatted the whole data package: a release diff of 300 lines for
    one number); a missing field goes on the line after ``after``."""
    text = path.read_text()
    field = re.compile(rf'^(\s*"{re.escape(key)}":\s*)"[^"]*"', re.M)
    if field.search(text):
        text = field.sub(lambda m: f'{m[1]}"{value}"', text, count=1)
    else:
        anchor = re.search(rf'^(\s*)"{re.escape(after)}":.*$', text, re.M)
        text = text[:anchor.end()] + f'\n{anchor[1]}"{key}": "{value}",' + text[anchor.end():]
    json.loads(text)  # still JSON
    path.write_text(text)


def stamp(version: str, date: str, root: Path) -> list[Path]:
    """Write ``version`` and ``date`` into every file that carries them; returns those files."""
    init = root / INIT
    text = re.sub(r'^__version__ = "[^"]+"', f'__version__ = "{version}"', init.read_text(), flags=re.M)
    init.write_text(re.sub(r'^__released__ = "[^"]+"', f'__released__ = "{date}"', text, flags=re.M))
    cff = root / CITATION
    text = re.sub(r"^version: .*$", f"version: {version}", cff.read_text(), flags=re.M)
    cff.write_text(re.sub(r'^date-released: .*$', f'date-released: "{date}"', text, flags=re.M))
    _json_field(root / ZENODO, "version", version)
    _json_field(root / ZENODO, "publication_date", date, after="version")
    for path in DATA_PACKAGES:
        _json_field(root / path, "version", version)
    log = root / CHANGELOG
    text = log.read_text()
    if "## Unreleased" not in text:
        raise ReleaseError(f"{CHANGELOG} has no '## Unreleased' section to release")
    log.write_text(text.replace("## Unreleased", f"## Unreleased\n\n## {version} ({date})", 1))
    return [init, cff, root / ZENODO, *(root / p for p in DATA_PACKAGES), log]


def _tar(target: Path, members: list[tuple[Path, str]]) -> Path:
    """A gzipped tar of ``members`` (file, name in the archive) with fixed times and owners."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path, name in sorted(members, key=lambda m: m[1]):
            info = tar.gettarinfo(str(path), arcname=name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = EPOCH, 0, 0, "", ""
            info.mode = 0o644
            with path.open("rb") as f:
                tar.addfile(info, f)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buffer.getvalue())
    return target


def _folder(folder: Path, prefix: str) -> list[tuple[Path, str]]:
    return [(p, f"{prefix}/{p.relative_to(folder).as_posix()}") for p in sorted(folder.rglob("*")) if p.is_file()]


def archive(version: str, root: Path, *, site: Path, pdf: Path | None, out: Path) -> list[Path]:
    """One archive per artefact into ``out`` and ``SHA256SUMS`` for them; returns the archives."""
    name = f"barometer-{version}"
    made = [_tar(out / f"{name}-site.tar.gz", _folder(site, f"{name}-site"))]
    if pdf is not None and pdf.is_dir():
        made.append(_tar(out / f"{name}-pdf.tar.gz", _folder(pdf, f"{name}-pdf")))
    data = [(root / p, f"{name}-data/{Path(p).relative_to('data').as_posix()}")
            for p in git("ls-files", "data", root=root).splitlines()]
    made.append(_tar(out / f"{name}-data.tar.gz", [(root / "CITATION.cff", f"{name}-data/CITATION.cff"), *data]))
    made.append(wheel(root, out))
    source = [(root / p, f"{name}/{p}") for p in git("ls-files", root=root).splitlines() if (root / p).is_file()]
    made.append(_tar(out / f"{name}-source.tar.gz", source))
    sums = "".join(f"{hashlib.sha256(a.read_bytes()).hexdigest()}  {a.name}\n" for a in made)
    (out / "SHA256SUMS").write_text(sums)
    return made


#: The data folders a wheel carries (what the chapters read; the report's text is not among them).
WHEEL_DATA = ("published", "codebook", "synthetic", "qualitative")


def wheel(root: Path, out: Path) -> Path:
    """A wheel of the package that carries the data its chapters read (under ``barometer/_data``;
    see ``paths.PACKAGED_DATA``), so that a chapter notebook downloaded from the site runs after
    ``pip install`` of this one file. Built from a copy of the committed sources."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="barometer-wheel-") as tmp:
        copy = Path(tmp) / "barometer"
        for name in git("ls-files", "src", "pyproject.toml", "README.md", "LICENSE", "LICENSE-CC-BY-4.0.md",
                        root=root).splitlines():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / name, target)
        for name in git("ls-files", *(f"data/{d}" for d in WHEEL_DATA), root=root).splitlines():
            target = copy / "src" / "barometer" / "_data" / Path(name).relative_to("data")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / name, target)
        pyproject = copy / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace('barometer = ["py.typed"]',
                                                           'barometer = ["py.typed", "_data/**/*"]'))
        # (SOURCE_DATE_EPOCH: the wheel's members get a fixed time, so the same sources give the same bytes)
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)}
        built = Path(tmp) / "dist"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                        "--wheel-dir", str(built), str(copy)], check=True, env=env)
        (made,) = built.glob("barometer-*.whl")  # (named by the version in the sources, stamped or not)
        out.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(made, out / made.name))


def verify(out: Path) -> list[str]:
    """The archives of ``out`` whose checksum differs from ``SHA256SUMS`` (empty: all verify)."""
    bad = []
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        path = out / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            bad.append(name)
    return bad


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m barometer.build.release", description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["run", "check", "stamp", "archive", "verify", "wheel"])
    parser.add_argument("--version", default=None)
    parser.add_argument("--date", default=dt.date.today().isoformat())
    parser.add_argument("--site", type=Path, default=paths.HTML)
    parser.add_argument("--pdf", type=Path, default=paths.BUILD / "pdf")
    parser.add_argument("--out", type=Path, default=paths.ROOT / RELEASE_DIR)
    args = parser.parse_args(argv)
    root = paths.ROOT
    try:
        if args.step in ("run", "check", "stamp") and not args.version:
            raise ReleaseError("give the version: make release VERSION=x.y.z")
        if args.step == "run":
            for path in run(args.version, root, date=args.date):
                print(f"wrote {path}")
            print(f"released {args.version}: push the commit and the tag (git push --follow-tags)")
        elif args.step == "check":
            check(args.version, root)
        elif args.step == "stamp":
            for path in stamp(args.version, args.date, root):
                print(f"stamped {path.relative_to(root)}")
        elif args.step == "wheel":
            print(f"wrote {wheel(root, args.out)}")
        elif args.step == "archive":
            for path in archive(args.version or __version__, root, site=args.site, pdf=args.pdf, out=args.out):
                print(f"wrote {path}")
        else:
            bad = verify(args.out)
            if bad:
                raise ReleaseError("checksums do not match: " + ", ".join(bad))
            print("every checksum verifies")
    except ReleaseError as exc:
        sys.exit(f"release: {exc}")


if __name__ == "__main__":
    main()
