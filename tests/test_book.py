"""The real book, built end to end into temporary editions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from barometer import paths
from barometer.pipeline import build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "html"
    build({}, out=out, progress=False)
    return out


@pytest.fixture(scope="session")
def gemeente_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gemeente") / "html"
    build({"sector": "Gemeente", "year": 2021}, out=out, progress=False)
    return out


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_index_exists(site):
    assert (site / "index.html").exists()


def test_no_machine_paths_in_the_html(site):
    home = str(Path.home())
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert str(paths.ROOT) not in text, page
        assert home + "/" not in text, page


def test_parameters_cells_are_not_visible(site):
    for page in html_pages(site / "book" / "chapters"):
        text = page.read_text(encoding="utf-8")
        assert "min_cell" not in text, f"{page.name} shows a parameters cell"
        assert "injected-parameters" not in text, page.name


def test_glued_number_is_in_the_prose(site):
    page = (site / "book" / "chapters" / "00_demo.html").read_text(encoding="utf-8")
    # 76% of all organisations innovated in 2025 (Table B1-8); the prose shows the glued value.
    assert re.search(r"organisations\s+innovated", page)
    assert "76%" in page


def test_parameter_change_changes_the_page(gemeente_site):
    page = (gemeente_site / "book" / "chapters" / "00_demo.html").read_text(encoding="utf-8")
    assert "Gemeente" in page and "86%" in page  # Gemeente in 2021, Table B1-8
    assert "Edition with parameters" in page and "sector = Gemeente" in page


def test_maths_is_vendored_and_no_script_loads_from_the_network(site):
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', text)
        assert remote == [], f"{page.name} loads {remote}"
