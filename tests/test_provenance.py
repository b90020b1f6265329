"""Every glued value knows its provenance (published, synthetic, own), and values computed from
microdata stay out of the places a reader quotes from: a page's title, In brief, its Summary outside
the block of microdata results, and the whole of Key findings. The checks read the provenance the
chapter toolkit records, not the wording of the page. (Unit tests without a kernel; the built book:
the last tests here and test_book.py.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pytest  # noqa: E402

from barometer.book import provenance, tables
from barometer.book.chapter import Chapter, GateError
from barometer.book.gate.outputs import GLUE_PREFIX
from barometer.book.gate.recorder import RECORD_DIR_ENV, Gate
from barometer.data import paths, published
from barometer.synthesis import fidelity

OWN = paths.ROOT / "tests" / "fixtures" / "own_microdata.csv"
CHAPTER_STEMS = sorted(p.stem for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def shown(monkeypatch) -> list:
    out: list = []
    monkeypatch.setattr(Gate, "_publish", staticmethod(lambda outputs: out.extend(outputs)))
    return out


@pytest.fixture
def chapter(tmp_path, monkeypatch, shown):
    monkeypatch.setenv(paths.OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(RECORD_DIR_ENV, str(tmp_path / "gate"))

    def make(source="synthetic", **kw):
        return Chapter("99_test", source=source, **kw)

    return make


def glued_texts(shown: list) -> dict[str, str]:
    """What each glue shows, by name (the gate publishes a glue as the repr of its text)."""
    return {o["metadata"]["scrapbook"]["name"]: ast.literal_eval(o["data"][GLUE_PREFIX + "text/plain"])
            for o in shown if "scrapbook" in o.get("metadata", {})}


# --------------------------------------------------------------------------- provenance of a value


def test_provenance_follows_the_part_of_the_chapter_and_the_kind_of_the_value(chapter, tmp_path):
    ch = chapter()
    ch.glue("ch99_before", 0.5, "{:.2f}")  # the published part cannot read microdata
    ch.headline("rate_2025")
    ch.microdata()
    innovated = ch.where("innovated", 1)
    ch.glue("ch99_share", ch.share(ch.everyone(), innovated, wave=2025), "{:.0f}%")
    ch.glue("ch99_count", ch.count(innovated, wave=2025))
    ch.glue("ch99_report", ch.published(76))
    ch.glue("ch99_label", ch.fixed("all sectors"))
    ch.glue("ch99_mixed", ch.text("{k} of {who}", k=ch.count(innovated, wave=2025), who=ch.fixed("them")))
    ch.glue("ch99_words", ch.text("{who}", who=ch.fixed("them")))
    ch.glue("ch99_verdict", ch.verdict("more", on=[ch.count(innovated, wave=2025)]))
    ch.glue("ch99_plain", 0.25)  # an untyped number of the microdata part: from the microdata
    ch.headline("rate_2021")  # the report's number, in either part
    assert provenance.load(tmp_path / "gate", "99_test") == {
        "ch99_before": "published", "ch99_hl_rate_2025": "published", "ch99_share": "synthetic",
        "ch99_count": "synthetic", "ch99_report": "published", "ch99_label": "published",
        "ch99_mixed": "synthetic", "ch99_words": "published", "ch99_verdict": "synthetic",
        "ch99_plain": "synthetic", "ch99_hl_rate_2021": "published"}


def test_values_of_own_microdata_are_own(chapter, tmp_path):
    ch = chapter(source=str(OWN))
    ch.microdata()
    ch.glue("ch99_share", ch.share(ch.everyone(), ch.where("innovated", 1), wave=2025))
    ch.glue("ch99_label", ch.fixed("all sectors"))
    assert provenance.load(tmp_path / "gate", "99_test") == {"ch99_share": "own", "ch99_label": "published"}


# --------------------------------------------------------------------------- the block of microdata results


def test_the_recap_belongs_to_the_microdata_part(chapter):
    with pytest.raises(GateError, match="microdata part"):
        chapter().recap()


def test_the_recap_of_synthetic_data_says_so_and_states_the_held_out_fidelity_of_one_function(
        chapter, shown, tmp_path, monkeypatch):
    # A change of the measure (here: other numbers) changes every block that states it.
    monkeypatch.setattr(fidelity, "held_out_summary", lambda data=None: fidelity.HeldOut(40, 9, 3.14))
    ch = chapter()
    ch.microdata()
    ch.recap()
    text = glued_texts(shown)
    assert "synthetic" in text["ch99_recap_title"].lower()
    note = text["ch99_recap_note"]
    assert "synthetic" in note and "Of the 40 published numbers" in note and "reproduces 9 within" in note
    assert "3.1 percentage points" in note
    assert provenance.load(tmp_path / "gate", "99_test") == {"ch99_recap_title": "published",
                                                             "ch99_recap_note": "synthetic"}


def test_the_recap_of_own_data_does_not_say_synthetic(chapter):
    ch = chapter(source=str(OWN))
    ch.microdata()
    ch.recap()
    glued = {o.name: o.value.value for o in ch.gate.outputs if o.kind == "glue"}
    assert glued["ch99_recap_title"] == "Your microdata"
    assert not any("synthetic" in str(v).lower() or "generator" in str(v) for v in glued.values())


def test_the_held_out_fidelity_is_what_the_fidelity_appendix_shows():
    from barometer.build import pages

    held = fidelity.held_out_summary()
    # (the summary has one row per measure and one column per kind of number)
    rows = {cells[0]: cells for cells in ([c.strip() for c in line.strip("|").split("|")]
                                          for line in pages.fidelity_page().split("## Summary")[1].splitlines()
                                          if line.startswith("| "))}
    column = rows["measure"].index("held-out")
    assert [rows["numbers compared"][column], rows["within rounding"][column]] == [str(held.numbers), str(held.within)]
    assert float(rows["median error (points)"][column]) == pytest.approx(held.median_error)


# --------------------------------------------------------------------------- the rule, on markdown

SUMMARY = """## Summary

- The rate fell to {glue:text}`ch99_pub`.

:::{admonition} {glue:text}`ch99_recap_title`
:class: microdata-results

On the microdata: alpha {glue:text}`ch99_syn`.

{glue:text}`ch99_recap_note`
:::

## Try it yourself
"""
GLUED = {"ch99_pub": "published", "ch99_syn": "synthetic", "ch99_own": "own",
         "ch99_recap_title": "published", "ch99_recap_note": "synthetic"}


def page(brief="In brief: {glue:text}`ch99_pub`.", summary=SUMMARY, title="# 99. A chapter"):
    return [title, f"## In brief\n\n{brief}", "## Overview\n\nAlpha is {glue:text}`ch99_syn` here.", summary]


def test_a_page_with_microdata_results_only_in_the_block_passes():
    assert provenance.violations(page(), "99_test", GLUED) == []


@pytest.mark.parametrize(("cells", "found"), [
    (page(brief="In brief: {glue:text}`ch99_syn`."), "In brief shows ch99_syn (synthetic)"),
    (page(brief="In brief: {glue:text}`ch99_own`."), "In brief shows ch99_own (own)"),
    (page(summary=SUMMARY.replace("- The rate", "- Alpha is {glue:text}`ch99_syn`; the rate")),
     "Summary shows ch99_syn (synthetic)"),
    (page(summary=SUMMARY.replace(":::\n\n## Try", ":::\n\nAfter it: {glue:text}`ch99_syn`.\n\n## Try")),
     "Summary shows ch99_syn"),
    (page(summary=SUMMARY.replace(":class: microdata-results", ":class: note")), "Summary shows ch99_syn"),
    (page(summary=SUMMARY.replace("{glue:text}`ch99_recap_title`", "Results")), "without the title and note"),
    (page(summary=SUMMARY.replace("{glue:text}`ch99_recap_note`", "")), "without the title and note"),
    (page(title="# 99. Alpha is {glue:text}`ch99_syn`"), "title shows ch99_syn"),
    (page(brief="In brief: {glue:text}`ch99_unknown`."), "In brief shows ch99_unknown (unknown)"),
])
def test_a_microdata_value_in_a_quoted_place_is_found(cells, found):
    assert any(found in v for v in provenance.violations(cells, "99_test", GLUED)), \
        provenance.violations(cells, "99_test", GLUED)


def test_key_findings_is_quoted_as_a_whole():
    cells = ["# Key findings", "## Fewer organisations innovate\n\n{glue:text}`kf_a`", "Later: {glue:text}`kf_b`."]
    assert provenance.violations(cells, "key_findings", {"kf_a": "published", "kf_b": "published"}) == []
    assert provenance.violations(cells, "key_findings", {"kf_a": "published", "kf_b": "synthetic"}) == \
        ["key_findings: page shows kf_b (synthetic)"]


# --------------------------------------------------------------------------- figures drawn from microdata

#: Report ids that the published layer holds values for; any other report figure is an image only.
_REPORT_ID = re.compile(r"\b(?:Figures?|Tables?|Figuur|Tabel)\s+((?:B\d-)?\d+-?\d*)")
#: Words that put the report's numbers on a drawing (a reference line, a marker, a legend entry).
_PUBLISHED_WORDS = re.compile(r"publish|report|gepubliceerd|rapport", re.I)


def microdata_figures(notebook: Path) -> list[tuple[str, str]]:
    """(name, caption) of every figure a page drew in its microdata part."""
    out = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        for o in cell.get("outputs", []):
            text = o.get("data", {}).get("text/markdown", "")
            if o.get("metadata", {}).get("barometer", {}).get("phase") == "microdata" and text.startswith(":::{figure}"):
                name = re.search(r":name: fig-[^\n]*?-(\S+)\n", text)[1].split(f"{notebook.stem}-", 1)[-1]
                caption = text.split("\n\n", 1)[1].split("\n\nDownload:", 1)[0]
                out.append((name, caption))
    return out


def figure_problems(chapters: Path, stem: str) -> list[str]:
    """A figure drawn from synthetic data says so in its caption (its title), carries no published
    reference (no word of the drawing names the report's numbers) and does not stand in for a
    report figure that the report prints only as an image."""
    with_values = set(published.load()["source_id"])
    problems = []
    for name, caption in microdata_figures(chapters / f"{stem}.ipynb"):
        if not caption.startswith(tables.SYNTHETIC_PREFIX):
            problems.append(f"{stem}/{name}: the caption does not start with the synthetic mark")
        image_only = [i for i in _REPORT_ID.findall(caption) if i not in with_values]
        if image_only:
            problems.append(f"{stem}/{name}: stands for report figure(s) printed only as an image: {image_only}")
        svg = chapters / paths.FILES / stem / f"{name}.svg"
        words = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.read_text(encoding="utf-8"))
                 if _PUBLISHED_WORDS.search(t)]
        if words:
            problems.append(f"{stem}/{name}: a published reference drawn on synthetic data: {words}")
    return problems


def figure_cases():
    """Every chapter: each one's synthetic figures keep the rule (none is excused)."""
    return list(CHAPTER_STEMS)


# --------------------------------------------------------------------------- the book built by `make book`

BUILT_GATE = paths.CHAPTERS / ".gate"
needs_built_book = pytest.mark.skipif(not list(BUILT_GATE.glob(f"*{provenance.SUFFIX}")),
                                      reason="the book is not built with provenance records (make book)")


@needs_built_book
@pytest.mark.parametrize("stem", [*CHAPTER_STEMS, "key_findings"])
def test_the_built_book_keeps_microdata_values_out_of_quoted_places(stem):
    assert provenance.check_page(paths.CHAPTERS / f"{stem}.ipynb", BUILT_GATE) == []


@needs_built_book
@pytest.mark.parametrize("stem", figure_cases())
def test_the_built_books_synthetic_figures_say_so_and_stand_in_for_nothing(stem):
    assert figure_problems(paths.CHAPTERS, stem) == []
