"""Shared fixtures: a throw-away miniature project for pipeline tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from barometer.build.pipeline import Project, build
from barometer.data import paths

FIXTURES = Path(__file__).parent / "fixtures"


def make_notebook(path: Path, body: str, parameters: str = 'label = "default"\nsector = None') -> None:
    """A chapter-like notebook: a parameters cell, then ``body``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Fixture chapter"),
        nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    nbformat.write(nb, path)


@pytest.fixture
def mini_project(tmp_path: Path) -> Project:
    """A project with two notebooks reading two different data files, and a tiny book."""
    root = tmp_path / "proj"
    (root / "notebooks").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "book").mkdir()
    (root / "data" / "a.csv").write_text("x\n1\n2\n")
    (root / "data" / "b.csv").write_text("x\n10\n20\n")
    reader = (
        "import pandas as pd\n"
        "from barometer.data import paths\n"
        "df = pd.read_csv(paths.data_file('{name}'))\n"
        "print('label', label, 'sector', sector, 'sum', int(df.x.sum()))\n"
    )
    make_notebook(root / "notebooks" / "01_a.ipynb", reader.format(name="a.csv"))
    make_notebook(root / "notebooks" / "02_b.ipynb", reader.format(name="b.csv"))
    shutil.copyfile(FIXTURES / "_config.yml", root / "_config.yml")
    shutil.copyfile(FIXTURES / "_toc.yml", root / "_toc.yml")
    (root / "book" / "index.md").write_text("# Mini book\n\nA fixture.\n")
    (root / "pyproject.toml").write_text("[project]\nname='mini'\n")
    project = Project.at(root)
    project.package = paths.PACKAGE
    return project


def executed_text(project: Project, stem: str) -> str:
    nb = nbformat.read(project.chapters / f"{stem}.ipynb", as_version=4)
    return "".join(
        out.get("text", "") for cell in nb.cells for out in cell.get("outputs", [])
    )


def build_edition(tmp_path_factory, name: str, params: dict, languages: tuple[str, ...] | None = None):
    """Build the book with ``params`` (in ``languages``, the first in the site's root, each
    other in its folder) into a temporary edition folder; yields its site, then removes the
    edition."""
    import os

    ready = os.environ.get("BAROMETER_TEST_SITE")  # developers: reuse a built site (browser tests)
    if ready and not params:
        yield Path(ready)
        return
    out = tmp_path_factory.mktemp(name) / "edition"
    build(params, out=out, progress=False, languages=languages)
    yield out / "site"
    shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The default book (synthetic data, 2025) as ``make book`` builds it: English, and Dutch
    in its ``nl/`` folder, built into a temporary edition."""
    from barometer.build import translation

    yield from build_edition(tmp_path_factory, "site", {}, ("en", *translation.LANGUAGES))


def edition_chapters(site: Path) -> Path:
    """The executed chapters folder of the edition whose site is ``site`` (in its private part)."""
    return site.parent / "private" / "stage" / "book" / "chapters"
