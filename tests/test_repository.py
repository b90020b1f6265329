"""The repository itself: layout, notebooks without outputs, no large files, CI entry point."""

from __future__ import annotations

import subprocess

import nbformat
import pytest

from barometer.book.parameters import Parameters
from barometer.data import paths

LAYOUT = [
    "book", "notebooks", "data", "_config.yml", "_toc.yml", "environment.yml", "README.md",
    "Makefile", "pyproject.toml", "src/barometer", "tests", "bench", ".ci/run", "CITATION.cff",
    ".zenodo.json", "LICENSE", "LICENSE-CC-BY-4.0.md", "requirements.lock", ".pre-commit-config.yaml",
]


@pytest.mark.parametrize("name", LAYOUT)
def test_layout(name):
    assert (paths.ROOT / name).exists(), f"{name} is missing"


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


@pytest.mark.parametrize("nb_path", sorted(paths.NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_source_notebooks_carry_no_outputs(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{nb_path.name} cell {i} has outputs (run nbstripout)"
            assert cell.execution_count is None, f"{nb_path.name} cell {i} has an execution count"


@pytest.mark.parametrize("nb_path", sorted(paths.NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_chapter_notebooks_follow_the_parameter_contract(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{nb_path.name}: exactly one cell tagged 'parameters'"
    names = {}
    exec(cells[0].source, {}, names)  # our own notebook source, not user data
    assert names == Parameters().as_dict()  # the defaults, written once in barometer.book.parameters
    assert "barometer.book.parameters.Parameters" in cells[0].source  # where a reader finds what they mean


def test_no_tracked_file_is_larger_than_1_mb():
    big = [f for f in tracked_files() if (paths.ROOT / f).is_file() and (paths.ROOT / f).stat().st_size > 1_000_000]
    assert big == []


def test_ci_runs_the_readme_test_command():
    ci = (paths.ROOT / ".ci" / "run").read_text()
    readme = (paths.ROOT / "README.md").read_text()
    assert "make test" in ci and "make test" in readme and "make book" in readme


def test_every_toc_chapter_has_a_notebook_or_page():
    import yaml

    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    from barometer.build import pages

    generated = set(pages.GENERATED) | set(pages.AFTER_EXECUTION)
    for f in files:
        if f + ".md" in generated:
            continue  # written by every build (git-ignored)
        if f.startswith("book/chapters/"):
            assert (paths.NOTEBOOKS / (f.split("/")[-1] + ".ipynb")).exists(), f
        else:
            assert (paths.ROOT / (f + ".md")).exists(), f


def test_ruff_is_clean():
    proc = subprocess.run(
        [str(paths.ROOT / ".venv" / "bin" / "ruff"), "check", "src", "tests", "bench", "tools"],
        cwd=paths.ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout


def test_the_book_and_the_citation_name_the_same_repository():
    import yaml

    config = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert config["repository"]["url"] == citation["repository-code"]
    assert config["launch_buttons"]["binderhub_url"].startswith("https://")
