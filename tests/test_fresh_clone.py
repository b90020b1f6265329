"""From a fresh clone with a fresh .venv, the README's two commands work."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import edition_chapters

from barometer.data import paths

pytestmark = [pytest.mark.slow, pytest.mark.clone]


@pytest.mark.skipif(os.environ.get("BAROMETER_IN_CLONE_TEST") == "1", reason="already inside the clone test")
def test_make_book_and_make_test_from_a_fresh_clone(tmp_path, site):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(paths.ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("BAROMETER_ROOT", "VIRTUAL_ENV", "PYTHONPATH")}
    env["BAROMETER_IN_CLONE_TEST"] = "1"
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if ".venv" not in p)
    book = subprocess.run(["make", "book"], cwd=clone, env=env, capture_output=True, text=True)
    assert book.returncode == 0, book.stdout[-3000:] + book.stderr[-3000:]
    assert (clone / "_build" / "html" / "index.html").exists()
    # Determinism: the clone's clean build and the suite's own clean build of the same book
    # (other folder, other process) export byte-identical tables, figure data and figures.
    # The Dutch book's exports too (its run lies in the build's translations/nl folder).
    dutch = ("translations", "nl", "private", "stage", "book", "chapters", paths.FILES)
    for ours, theirs in ((edition_chapters(site) / paths.FILES, clone / "book" / "chapters" / paths.FILES),
                         (site.parent.joinpath("private", *dutch), clone.joinpath("_build", *dutch))):
        same_exports(ours, theirs)
    assert (clone / "_build" / "html" / "nl" / "index.html").exists()
    # The outer run executes every test; inside the clone, the repository and chapter checks
    # prove that `make test` works with the clone's own fresh environment (the whole suite
    # again would double the time of CI without testing anything new).
    test = subprocess.run(
        ["make", "test", "ARGS=-q tests/test_repository.py tests/test_chapters.py"],
        cwd=clone, env=env, capture_output=True, text=True,
    )
    assert test.returncode == 0, test.stdout[-3000:] + test.stderr[-3000:]
    assert " passed" in test.stdout


def same_exports(ours, theirs) -> None:
    """Two clean builds of one book (other folder, other process) export byte-identical tables,
    figure data and figures."""
    exported = sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
    assert exported, "the suite's build exported nothing"
    assert exported == sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file())
    differ = [str(p) for p in exported if (ours / p).read_bytes() != (theirs / p).read_bytes()]
    detail = []
    for p in differ[:3]:  # show where, so that a difference can be traced
        a, b = (ours / p).read_bytes().splitlines(), (theirs / p).read_bytes().splitlines()
        first = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        detail.append(f"{p} line {first + 1}: {a[first:first + 1]} != {b[first:first + 1]}")
    assert differ == [], f"two clean builds differ in {differ}: {detail}"
