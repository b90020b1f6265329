"""A chapter notebook reads like a chapter: its statistics in short code cells, its sentences in
markdown and its plumbing in the package. Measured on the committed notebooks, per chapter: the
share of code among the non-blank lines (the install note excluded: it is the same boilerplate
in every notebook and the site removes it) and the longest code cell. Every code cell counts,
hidden or removed from the page or not: a student running the notebook reads them all. Targets: code at most 35% of the lines, no code cell over 25 lines."""

from __future__ import annotations

import nbformat
import pytest

from barometer.book.install_note import MARKER
from barometer.data import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
MAX_CODE_SHARE = 0.35
MAX_CELL_LINES = 25


def is_install_note(cell) -> bool:
    return cell.source.startswith(MARKER)


def metrics(nb) -> dict:
    code, text, longest = 0, 0, 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and is_install_note(cell):
            continue
        lines = sum(1 for line in cell.source.splitlines() if line.strip())
        if cell.cell_type == "code":
            code += lines
            longest = max(longest, lines)
        elif cell.cell_type == "markdown":
            text += lines
    return {"code": code, "markdown": text, "share": code / max(code + text, 1), "longest": longest}


def test_the_metrics_count_what_they_say():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nOne.\nTwo.", metadata={}),
        nbformat.v4.new_markdown_cell(f"{MARKER}\ninstall note\nlines", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_code_cell("a = 1\n\nb = 2\nc = 3"),
        nbformat.v4.new_code_cell("d = 4", metadata={"tags": ["remove-cell"]}),
    ])
    assert metrics(nb) == {"code": 4, "markdown": 3, "share": 4 / 7, "longest": 3}


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_mostly_prose_with_short_code_cells(nb_path):
    m = metrics(nbformat.read(nb_path, as_version=4))
    print(f"{nb_path.name}: code {m['code']} lines, markdown {m['markdown']}, "
          f"code share {m['share']:.0%}, longest code cell {m['longest']} lines")
    assert m["share"] <= MAX_CODE_SHARE, f"{nb_path.name}: code is {m['share']:.0%} of the lines"
    assert m["longest"] <= MAX_CELL_LINES, f"{nb_path.name}: a code cell of {m['longest']} lines"
