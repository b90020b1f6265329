"""Write a chapter notebook from a cell list (an authoring aid; the notebook is the source).

Usage from a script::

    from tools.new_notebook import write
    write("notebooks/01_x.ipynb", [("md", "# Title"), ("params", "source = ..."), ("code", "...")])
"""

from __future__ import annotations

import sys

import nbformat


def write(path: str, cells: list[tuple[str, str]]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    from barometer.book import install_note

    nb.cells.append(install_note.cell())  # how to run it outside a clone (hidden on the site)
    for kind, text in cells:
        text = text.strip("\n")
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(text))
        elif kind == "params":
            nb.cells.append(nbformat.v4.new_code_cell(text, metadata={"tags": ["parameters"]}))
        elif kind == "code":
            nb.cells.append(nbformat.v4.new_code_cell(text))
        elif kind == "hidden":  # glue calls: folded on the page, one click away
            nb.cells.append(nbformat.v4.new_code_cell(text, metadata={"tags": ["hide-input"]}))
        else:
            raise ValueError(f"unknown cell kind {kind!r}")
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:03d}"
    nbformat.validate(nb)
    nbformat.write(nb, path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("import this module from an authoring script")
