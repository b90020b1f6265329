"""Where every glued value comes from, and the rule that keeps microdata results out of the places
a reader quotes from.

A value glued into a page's prose has one of three provenances:

- ``published``: not computed from microdata: the report's numbers (the published layer), and the
  labels, parameters and constants a page states;
- ``synthetic``: computed from the synthetic stand-in microdata;
- ``own``: computed from a user's own microdata (released by the output check).

The provenance follows from what the gate already knows about a glued value (:mod:`barometer.book.gate`):
the part of the chapter it was glued in (nothing of the published part can come from microdata) and,
in the microdata part, the kind of its typed value (a ``published`` or ``fixed`` value is not from
the microdata; a text is from the microdata when any of its fields is). The chapter toolkit writes
each chapter's glued names with their provenance beside the gate's record (:func:`write`).

**The rule.** A reader quotes from a page's title, its *In brief*, its *Summary* and the whole of
Key findings: those hold published values only. A Summary may recap microdata results in one block,
a MyST admonition of class :data:`RECAP_CLASS` whose title and note are glued by ``ch.recap()``: on
synthetic data the title says so and the note states the generator's held-out fidelity
(:func:`barometer.synthesis.fidelity.held_out_summary`). :func:`violations` checks an executed page against
the rule from the provenance of its glued values, not from its wording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from barometer.book.gate.recorder import glue_prefix
from barometer.disclosure import values as gv

PUBLISHED, SYNTHETIC, OWN = "published", "synthetic", "own"
PROVENANCES = (PUBLISHED, SYNTHETIC, OWN)
#: The class of the Summary's block of microdata results.
RECAP_CLASS = "microdata-results"
#: Glued by ``ch.recap()`` (after the page's prefix): the block's title and its note.
RECAP_TITLE, RECAP_NOTE = "recap_title", "recap_note"
#: The record of a chapter's glued values, beside the gate's record of the chapter.
SUFFIX = ".provenance.json"
#: Pages that are quoted from as a whole (every glued value must be published).
WHOLE_PAGES = ("key_findings",)

_GLUE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`|```\{glue(?::\w+)?\}\s+(\S+)")
# A fenced directive (``:::`` or backticks, three or more) up to the fence that closes it.
_FENCE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}(?P<arg>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
                    re.M | re.S)


def of_value(value, phase: str, microdata_provenance: str) -> str:
    """The provenance of a value glued in ``phase`` ("published" or "microdata") of a chapter whose
    microdata are ``microdata_provenance`` ("synthetic" or "own")."""
    if phase != "microdata":
        return PUBLISHED
    return _of(value, microdata_provenance)


def _of(value, microdata_provenance: str) -> str:
    if not isinstance(value, gv.Value) or gv.is_untyped(value):
        return microdata_provenance  # a plain value that reached the gate in the microdata part
    if value.kind == "text":
        found = {_of(f, microdata_provenance) for f in value.fields.values()}
        return microdata_provenance if microdata_provenance in found else PUBLISHED
    if value.kind in ("fixed", "published"):
        return PUBLISHED
    return microdata_provenance  # counts, shares, means, statistics, verdicts, tallies of released values


def of_gate(gate) -> dict[str, str]:
    """Every name the chapter of ``gate`` has glued, with the provenance of its value."""
    return {o.name: of_value(o.value, o.phase, gate.ctx.microdata_provenance) for o in gate.outputs if o.kind == "glue"}


def record_path(folder: Path, slug: str) -> Path:
    return Path(folder) / f"{slug}{SUFFIX}"


def write(gate) -> Path:
    """Write the provenance of every value the chapter of ``gate`` has glued so far (after every
    glue: a notebook has no last-cell hook), beside the gate's record of the chapter."""
    from barometer.data import paths

    folder = gate.record_dir
    folder.mkdir(parents=True, exist_ok=True)
    record = {"chapter": gate.ctx.slug, "microdata_provenance": gate.ctx.microdata_provenance, "glue": of_gate(gate)}
    target = record_path(folder, gate.ctx.slug)
    return paths.write_atomically(target, lambda tmp: tmp.write_text(json.dumps(record, indent=1, sort_keys=True),
                                                                     encoding="utf-8"))


def load(folder: Path, slug: str) -> dict[str, str]:
    """The provenance of each name a chapter glued, from its record in ``folder``."""
    return json.loads(record_path(folder, slug).read_text(encoding="utf-8"))["glue"]


# --------------------------------------------------------------------------- the rule


def glue_names(markdown: str) -> list[str]:
    """The glued names a piece of markdown shows, in order."""
    return [a or b for a, b in _GLUE.findall(markdown)]


def recap_blocks(markdown: str) -> list[tuple[str, str]]:
    """The blocks of microdata results in ``markdown``: (title, body) of each admonition of class
    :data:`RECAP_CLASS`."""
    out = []
    for m in _FENCE.finditer(markdown):
        if m["name"] == "admonition" and _has_recap_class(m["body"]):
            out.append((m["arg"].strip(), m["body"]))
    return out


def _has_recap_class(body: str) -> bool:
    for line in body.splitlines():
        if not line.startswith(":"):
            break
        if line.startswith(":class:") and RECAP_CLASS in line.split(":", 2)[2].split():
            return True
    return False


def without_recap_blocks(markdown: str) -> str:
    return _FENCE.sub(lambda m: "" if m["name"] == "admonition" and _has_recap_class(m["body"]) else m[0], markdown)


def _section(markdown: str, heading: str) -> str:
    """The lines of one ``## `` section (up to the next ``## `` heading)."""
    out, inside = [], False
    for line in markdown.splitlines():
        if line.startswith("## "):
            inside = line.startswith(heading)
        if inside:
            out.append(line)
    return "\n".join(out)


def quoted_places(markdown_cells: Iterable[str], stem: str) -> dict[str, str]:
    """The markdown of the places a reader quotes from: the title, In brief and the Summary
    without its block of microdata results (the whole page for Key findings)."""
    markdown = "\n\n".join(markdown_cells)
    titles = "\n".join(line for line in markdown.splitlines() if line.startswith("# "))
    if stem in WHOLE_PAGES:
        return {"title": titles, "page": markdown}
    return {"title": titles, "In brief": _section(markdown, "## In brief"),
            "Summary": without_recap_blocks(_section(markdown, "## Summary"))}


def violations(markdown_cells: Iterable[str], stem: str, glued: dict[str, str]) -> list[str]:
    """Where a page breaks the rule, given the provenance of its glued names (``glued``): a value
    that is not published (or of unknown provenance) in a quoted place, and a block of microdata
    results without the glued title and note of ``ch.recap()``."""
    cells = list(markdown_cells)
    found = []
    for place, markdown in quoted_places(cells, stem).items():
        for name in glue_names(markdown):
            provenance = glued.get(name, "unknown")
            if provenance != PUBLISHED:
                found.append(f"{stem}: {place} shows {name} ({provenance})")
    prefix = glue_prefix(stem)
    for title, body in recap_blocks("\n\n".join(cells)):
        if glue_names(title) != [prefix + RECAP_TITLE] or prefix + RECAP_NOTE not in glue_names(body):
            found.append(f"{stem}: a block of microdata results without the title and note of ch.recap()")
    return found


def check_page(notebook: Path, gate: Path) -> list[str]:
    """:func:`violations` of an executed page (``notebook``), with the provenance recorded for it in
    the gate folder ``gate``; a page without a record is a violation (nothing is assumed)."""
    import nbformat

    notebook = Path(notebook)
    if not record_path(gate, notebook.stem).exists():
        return [f"{notebook.stem}: no provenance record in {gate} (run the page through the build)"]
    cells = [c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown"]
    return violations(cells, notebook.stem, load(gate, notebook.stem))


def check_edition(chapters: Path, gate: Path) -> list[str]:
    """:func:`check_page` for every executed page in ``chapters``."""
    return [v for nb in sorted(Path(chapters).glob("*.ipynb")) for v in check_page(nb, gate)]


__all__ = ["PUBLISHED", "SYNTHETIC", "OWN", "PROVENANCES", "RECAP_CLASS", "RECAP_TITLE", "RECAP_NOTE", "of_value",
           "of_gate", "write", "load", "record_path", "glue_names", "recap_blocks", "without_recap_blocks",
           "quoted_places", "violations", "check_page", "check_edition"]
