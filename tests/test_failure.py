"""Fault injection: whatever breaks during a build, the previous site survives, the command
exits non-zero, and the message names the cause."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest
from conftest import make_notebook

from barometer.build import pipeline
from barometer.build.pipeline import BuildError, build

pytestmark = pytest.mark.slow


def snapshot(project) -> dict:
    return {p: p.read_bytes() for p in project.html.rglob("*") if p.is_file()}


@pytest.fixture
def built(mini_project):
    build({}, project=mini_project, progress=False)
    return mini_project


def cli_build(project) -> subprocess.CompletedProcess:
    env = {**os.environ, "BAROMETER_ROOT": str(project.root)}
    return subprocess.run([sys.executable, "-m", "barometer.build.cli", "build", "--no-progress"],
                          capture_output=True, text=True, env=env, cwd=project.root)


def test_a_dying_kernel_is_named_and_the_site_survives(built):
    before = snapshot(built)
    make_notebook(built.notebooks / "03_dies.ipynb", "import os\nos._exit(3)")
    proc = cli_build(built)
    assert proc.returncode == 1
    assert "notebooks/03_dies.ipynb" in proc.stderr and "Dead" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert snapshot(built) == before


def test_a_data_file_vanishing_is_named_and_the_site_survives(built):
    before = snapshot(built)
    (built.root / "data" / "a.csv").unlink()  # the cache sees it gone: its reader runs again
    proc = cli_build(built)
    assert proc.returncode == 1
    assert "notebooks/01_a.ipynb" in proc.stderr and "FileNotFoundError" in proc.stderr, proc.stderr
    assert snapshot(built) == before


def test_a_full_disk_while_writing_the_site_leaves_the_previous_site(built, monkeypatch):
    before = snapshot(built)
    (built.root / "book" / "index.md").write_text("# Mini book\n\nChanged, so the site is rebuilt.\n")

    def full(src, dst, *a, **k):
        os.makedirs(dst)
        (pipeline.Path(dst) / "partial.html").write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline.shutil, "copytree", full)
    with pytest.raises(BuildError, match="No space left on device.*previous site is unchanged"):
        build({}, project=built, progress=False)
    assert snapshot(built) == before
    leftovers = [p.name for p in built.html.parent.iterdir() if p.name.startswith(".html-new")]
    assert leftovers == []


def test_a_raising_chapter_keeps_the_site_and_names_the_cell(built):
    before = snapshot(built)
    make_notebook(built.notebooks / "03_raises.ipynb", "raise ValueError('bad parameter value')")
    with pytest.raises(BuildError, match=r"03_raises.ipynb: cell 2 raised ValueError: bad parameter value"):
        build({}, project=built, progress=False)
    assert snapshot(built) == before
