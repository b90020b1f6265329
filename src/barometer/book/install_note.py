"""The first cell of every chapter notebook: how to run it outside a clone of the compendium.

A student who downloads a chapter's source notebook from the site needs the package and its
data; the release's wheel carries both (``barometer.build.release.wheel``). The cell is tagged
``remove-cell``: the site does not show it (the page still opens with its title and *In brief*),
JupyterLab does. ``tools/new_notebook.py`` starts every new chapter with it, and a test checks
that every notebook does.
"""

TAG = "remove-cell"
MARKER = "<!-- barometer: install -->"

TEXT = MARKER + """
**Running this notebook outside a clone of the compendium.** Install the package with its data
from the release this notebook came from, then run the notebook as it is:

```bash
pip install barometer-<version>-py3-none-any.whl   # the wheel attached to the release
# or straight from the tagged repository:
pip install "barometer @ git+https://github.com/barometer-compendium/barometer@v<version>"
```

Its tables, figures and caches go to `./barometer-output/` beside the notebook; set the environment
variable `BAROMETER_HOME` to choose another folder. In a clone, `make lab` needs none of this.
"""


def cell():
    import nbformat

    return nbformat.v4.new_markdown_cell(TEXT, metadata={"tags": [TAG]})


def has_install_cell(nb) -> bool:
    first = nb.cells[0] if nb.cells else None
    return (first is not None and first.cell_type == "markdown" and first.source.startswith(MARKER)
            and TAG in first.metadata.get("tags", []))
