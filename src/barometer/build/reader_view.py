"""How an executed chapter shows its code to a reader: collapsed, and plumbing not at all.

A reader comes for the findings; a student opens the code of the statistics with one click; the
downloadable notebook keeps everything. Each code cell of an executed chapter gets one of
jupyter-book's tags:

* ``remove-cell``: the parameters and plumbing that shows nothing (imports, opening the chapter,
  helper definitions, glue calls): not on the page at all;
* ``remove-input``: plumbing whose output is part of the page: the output stays, the code goes;
* ``hide-input``: everything else: the output is shown, the code folded behind "Show code cell
  source".

A cell an author tagged already (``hide-*``, ``remove-*``) keeps its tags."""

from __future__ import annotations

import ast
from typing import Any

REMOVED = "remove-cell"
INPUT_REMOVED = "remove-input"
FOLDED = "hide-input"
#: Tags an author sets by hand to decide a cell's presentation.
PRESENTATION_TAGS = ("remove-cell", "remove-input", "hide-input", "hide-cell", "remove-output", "hide-output")
#: Cells that only set the notebook's parameters.
PARAMETER_TAGS = ("parameters", "injected-parameters")
#: Calls on the chapter object that only insert into the prose what a cell computed.
PLUMBING_CALLS = frozenset({"glue"})
#: The function that opens the chapter (the chapter object).
SETUP_CALLS = frozenset({"open_chapter"})


def is_visible(output: dict[str, Any]) -> bool:
    """Whether the page shows this output (a glued value is stored, not shown)."""
    if output.get("output_type") in ("stream", "error"):
        return True
    return "scrapbook" not in output.get("metadata", {})


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "ch":
            return f.attr if f.attr in PLUMBING_CALLS else None
        if isinstance(f, ast.Name) and f.id in SETUP_CALLS:
            return f.id
    return None


def _is_plumbing(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.Pass)):
        return True
    if isinstance(stmt, ast.Expr):
        return _call_name(stmt.value) is not None or isinstance(stmt.value, ast.Constant)
    if isinstance(stmt, ast.Assign):
        # ``ch = open_chapter(...)`` and constants (``FIRST, LAST = 2021, 2025``)
        return _call_name(stmt.value) is not None or all(
            isinstance(n, ast.Constant) for n in ast.walk(stmt.value) if not isinstance(n, (ast.Tuple, ast.Load)))
    if isinstance(stmt, (ast.If, ast.For)):
        return all(_is_plumbing(s) for s in [*stmt.body, *stmt.orelse])
    return False


def plumbing_share(source: str) -> float:
    """The share of a cell's statements that only set the page up or glue values."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # (IPython magics): counted as computation
        return 0.0
    if not tree.body:
        return 1.0
    return sum(_is_plumbing(s) for s in tree.body) / len(tree.body)


def is_plumbing(cell: dict[str, Any]) -> bool:
    """Plumbing: a cell of set-up and glue calls only, or a cell that shows nothing and is mostly
    glue (the few lines that compute a glued verdict belong with it; the statistics themselves
    are computed in cells that show them)."""
    share = plumbing_share(cell.get("source", ""))
    return share == 1.0 or (share >= 0.5 and not any(is_visible(o) for o in cell.get("outputs", [])))


def presentation_tags(cell: dict[str, Any]) -> list[str]:
    """The tags of a code cell for the reader's view (its own tags, plus the one decided here)."""
    tags = [t for t in cell.get("metadata", {}).get("tags", [])]
    if any(t in tags for t in PARAMETER_TAGS) and REMOVED not in tags:
        return [*tags, REMOVED]
    if any(t.startswith("remove-") for t in tags):
        return tags
    if is_plumbing(cell):
        shows = any(is_visible(o) for o in cell.get("outputs", []))
        return [*(t for t in tags if t not in PRESENTATION_TAGS), INPUT_REMOVED if shows else REMOVED]
    if any(t in tags for t in PRESENTATION_TAGS):
        return tags
    return [*tags, FOLDED]


def apply(nb) -> None:
    """Tag every code cell of an executed notebook for the reader's view (in place)."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.setdefault("metadata", {})["tags"] = presentation_tags(cell)
