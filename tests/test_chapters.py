"""The chapter sources follow the chapter contract (../shared/CHAPTER-CONTRACT.md).

Static checks on the notebooks in ``notebooks/``: no number typed into the prose, every
glued name is computed somewhere, the contract's sections are there, and the chapter opens
its context under its own name. The executed book is checked in test_book.py.
"""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from barometer.book import provenance
from barometer.data import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SECTIONS = ["## In brief", "## Overview", "## Published results", "## Re-analysis on microdata", "## Reproduction check",
            "## Summary", "## Try it yourself", "## Exercises", "## References"]

# What may look like a number in prose without being a finding: references to the report's
# sections, figures and tables, and the report's waves and years.
ALLOWED = [
    r"§\s?\d+(?:\.\d+)*",
    r"\b(?:[Ff]igures?|[Tt]ables?|[Ff]iguur|[Tt]abel|[Ss]ections?|[Cc]hapters?|[Aa]nnex)\s+"
    r"[A-Z]?\d+(?:[.-]\d+)*(?:\s*(?:to|and|,|–|-)\s*[A-Z]?\d+(?:[.-]\d+)*)*",
    # the conventional confidence level of every interval in the book
    r"95\s?%[\s-]*(?:confidence|Wilson|CI\b|interval|betrouwbaarheids)",
]
PERCENT = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)?\s*(?:%|percent\b|per cent\b|procent\b|pct\b)")
DECIMAL = re.compile(r"(?<![\w.])\d+[.,]\d+(?![\w.])")


def prose(text: str) -> str:
    """Markdown without what the scan must not look at: glue roles, code, maths, links' targets."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)             # fenced code
    text = re.sub(r"\{glue(?::\w+)?\}`[^`]*`", " ", text)           # glue roles
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)                 # other roles (download, ref)
    text = re.sub(r"`[^`]*`", " ", text)                            # inline code
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", " ", text, flags=re.S)  # maths
    text = re.sub(r"\]\([^)]*\)", "]", text)                        # link targets
    for pattern in ALLOWED:
        text = re.sub(pattern, " ", text)
    return text


def typed_numbers(text: str) -> list[str]:
    clean = prose(text)
    return [m.group(0) for m in PERCENT.finditer(clean)] + [m.group(0) for m in DECIMAL.finditer(clean)]


@pytest.mark.parametrize(("text", "found"), [
    ("In 2025, 76% innovated.", ["76%"]),
    ("A 95% Wilson interval, a 95% CI, but 95% of them.", ["95%"]),
    ("The mean is 3.63 on a scale.", ["3.63"]),
    ("Een score van 3,6 en 25 procent.", ["25 procent", "3,6"]),
    ("From 62.5% to 37%.", ["62.5%", "37%", "62.5"]),
    ("As {glue:text}`ch01_rate` of them (Figure 2-3, §2.1, Table B1-9).", []),
    ("Use `alpha = 0.05` or $p < 0.05$.", []),
    ("The 2025 barometer and the 2021 wave.", []),
])
def test_the_scan_finds_typed_numbers_and_only_those(text, found):
    assert typed_numbers(text) == found


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_number_is_typed_into_the_prose(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    typed = [(i, n) for i, c in enumerate(nb.cells) if c.cell_type == "markdown" for n in typed_numbers(c.source)]
    assert typed == [], f"{nb_path.name}: numbers typed into markdown cells (glue them): {typed}"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_glued_name_is_computed_in_the_chapter(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = chapter_code(nb)
    used = set(re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", md))
    used |= set(re.findall(r"```\{glue(?::\w+)?\}\s+(\S+)", md))
    prefix = f"ch{nb_path.name[:2]}_"
    computed = glued_names(code, prefix)
    # A name built at run time would hide a made-up one: every glue name is written out.
    built = re.findall(r"glue\(\s*f[\"']", code)
    assert built == [], f"{nb_path.name}: a glue name built with an f-string ({len(built)}): write it out"
    missing = used - computed
    assert not missing, f"{nb_path.name}: glued in prose but never computed: {sorted(missing)}"
    assert all(name.startswith(prefix) for name in computed), f"{nb_path.name}: glue names start with {prefix}"


def chapter_code(nb) -> str:
    """The notebook's code and the source of the chapter modules it imports
    (``from barometer.chapters import name``), where its plumbing lives."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return "\n".join([code, *chapter_modules(code).values()])


def chapter_modules(code: str) -> dict[str, str]:
    """The chapter modules a notebook imports, by the name it uses for them, with their source."""
    found = {}
    for names in re.findall(r"from barometer\.chapters import ([\w, ]+)", code):
        for item in re.split(r"\s*,\s*", names.strip()):
            module, _, alias = item.partition(" as ")
            source = (paths.PACKAGE / "chapters" / f"{module}.py").read_text(encoding="utf-8")
            # (a __future__ import is only legal at the top: the sources are read as one with the notebook)
            found[alias or module] = source.replace("from __future__ import annotations\n", "")
    return found


def called_source(cell: str, modules: dict[str, str]) -> str:
    """The source of the chapter-module functions a cell calls (and of those they call in turn)."""
    import ast

    out, seen = [], set()
    todo = [(alias, name) for alias in modules for name in re.findall(rf"\b{alias}\.(\w+)\(", cell)]
    while todo:
        alias, name = todo.pop()
        if (alias, name) in seen:
            continue
        seen.add((alias, name))
        tree = ast.parse(modules[alias])
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                source = ast.get_source_segment(modules[alias], node)
                out.append(source)
                todo += [(alias, n) for n in re.findall(r"(?<![.\w])(\w+)\(", source) if n != name]
    return "\n".join(out)


def glued_names(code: str, prefix: str) -> set[str]:
    """The glue names a chapter's code computes: ``ch.glue("name", ...)``, the headline
    quantities ``ch.headline("key")`` (glued as ``<prefix>hl_<key>``) and the title and note of the
    Summary's block of microdata results (``ch.recap()``)."""
    names = set(re.findall(r"glue\(\s*[\"']([^\"']+)[\"']", code))
    if re.search(r"ch\.recap\(\)", code):
        names |= {prefix + provenance.RECAP_TITLE, prefix + provenance.RECAP_NOTE}
    return names | {f"{prefix}hl_{k}" for k in re.findall(r"ch\.headline\(\s*[\"']([^\"']+)[\"']", code)}


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_has_the_contract_sections_in_order(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    headings = [line.strip() for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()
                if line.startswith("## ")]
    positions = []
    for section in SECTIONS:
        hits = [i for i, h in enumerate(headings) if h.startswith(section)]
        assert hits, f"{nb_path.name}: no '{section}' section"
        positions.append(hits[0])
    assert positions == sorted(positions), f"{nb_path.name}: contract sections out of order"
    titles = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# ")]
    assert len(titles) == 1, f"{nb_path.name}: exactly one '# ' title"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_overview_states_prerequisites_and_a_time_to_learn(nb_path):
    overview = _section(nbformat.read(nb_path, as_version=4), "## Overview")
    assert "**Prerequisites:**" in overview, f"{nb_path.name}: no prerequisites in the overview"
    assert re.search(r"\*\*Time to learn:\*\*[^\n]*\d+ minutes", overview), f"{nb_path.name}: no time to learn"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_have_solutions_hidden_until_opened(nb_path):
    """sphinx-exercise directives: every exercise has a labelled solution that opens on a click."""
    exercises = _section(nbformat.read(nb_path, as_version=4), "## Exercises")
    labels = re.findall(r"```\{exercise\}[^\n]*\n:label: ([\w-]+)", exercises)
    solved = re.findall(r"```\{solution\} ([\w-]+)\n((?::[\w-]+:[^\n]*\n)*)", exercises)
    assert len(labels) >= 2, f"{nb_path.name}: fewer than two exercises"
    assert sorted(labels) == sorted(name for name, _ in solved), f"{nb_path.name}: an exercise without a solution"
    assert all(":class: dropdown" in options for _, options in solved), f"{nb_path.name}: a solution shown open"
    assert all(label.startswith(nb_path.stem[:2] + "-") for label in labels)  # unique across the book


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_opens_its_context_under_its_own_name(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert f'open_chapter("{nb_path.stem}"' in code
    assert "ch.microdata()" in code, f"{nb_path.name}: the microdata part must start with ch.microdata()"
    assert "ch.reproduce(" in code, f"{nb_path.name}: no reproduction records"


def _calls(code: str, method: str):
    import ast

    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "ch":
            yield node


@pytest.mark.parametrize("nb_path", [*NOTEBOOKS, paths.NOTEBOOKS / "key_findings.ipynb"], ids=lambda p: p.name)
def test_sentences_of_the_microdata_part_are_literal_templates(nb_path):
    """A ch.text template is written by the author (a string literal, never an f-string, which
    could carry a computed number past the gate), and ch.fixed never wraps an f-string either:
    fixed says "not from the microdata", which an interpolation cannot promise. (The gate itself
    withholds untraced numbers; this keeps the notebooks from trying.)"""
    import ast

    nb = nbformat.read(nb_path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []))
    code = "\n".join([code, *chapter_modules(code).values()])
    for call in _calls(code, "text"):
        assert call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str), \
            f"{nb_path.name}, line {call.lineno}: ch.text needs a literal template"
    for call in _calls(code, "fixed"):
        assert not any(isinstance(a, ast.JoinedStr) for a in call.args), \
            f"{nb_path.name}, line {call.lineno}: ch.fixed(f'...') - use ch.text with typed fields"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_tables_and_figures_go_through_the_shared_helpers(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    code = chapter_code(nb)
    for forbidden in ("to_csv(", "savefig(", "plt.show(", "display(Markdown(", "myst_nb", "ch.gate.",
                      "publish_display_data"):
        assert forbidden not in code, f"{nb_path.name}: {forbidden} bypasses the output gate"


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text())
    files = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    for nb_path in NOTEBOOKS:
        assert f"book/chapters/{nb_path.stem}" in files, f"{nb_path.name} is not in _toc.yml"


def _section(nb, heading: str) -> str:
    """The markdown of one '## ' section (up to the next '## ')."""
    out, inside = [], False
    for c in nb.cells:
        if c.cell_type != "markdown":
            continue
        for line in c.source.splitlines():
            if line.startswith("## "):
                inside = line.startswith(heading)
            if inside:
                out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_in_brief_states_published_numbers_only(nb_path):
    """A reader quotes from In brief: every value glued there is computed before the chapter
    opens its microdata (``ch.microdata()``), i.e. from the published layer, never from synthetic
    or own data, and In brief comes before any code that reads microdata."""
    nb = nbformat.read(nb_path, as_version=4)
    brief = _section(nb, "## In brief")
    assert brief.strip(), f"{nb_path.name}: no In brief"
    used = set(re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", brief))
    glued_before, seen_microdata = set(), False
    modules = chapter_modules("\n".join(c.source for c in nb.cells if c.cell_type == "code"))
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        if "ch.microdata()" in c.source:
            seen_microdata = True
        if not seen_microdata:
            glued_before |= glued_names(c.source + "\n" + called_source(c.source, modules), f"ch{nb_path.name[:2]}_")
    assert used, f"{nb_path.name}: In brief states no computed number"
    assert used <= glued_before, f"{nb_path.name}: In brief glues values of the microdata part: {sorted(used - glued_before)}"
