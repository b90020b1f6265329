"""The index of the report's figures and tables (barometer.build.report_index): the ids are read from the
report text, every id has a section, and each section says what the published layer holds."""

from __future__ import annotations

import csv
import re

import pytest

from barometer.build import report_index
from barometer.data import paths

SEED = paths.ROOT.parent / "shared" / "seeds" / report_index.REPORT_TEXT_NAME
pytestmark = pytest.mark.skipif(not SEED.exists(), reason="the report text (../shared/seeds) is not beside the repository")

#: What the report has, per its own numbering (chapter 2, Annex I, Annex II).
EXPECTED = ([f"2-{i}" for i in range(1, 23)] + [f"B1-{i}" for i in range(1, 13)]
            + [f"B2-{i}" for i in range(1, 5)])


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(text, tmp_path_factory) -> tuple[str, object]:
    files = tmp_path_factory.mktemp("report_index")
    return report_index.index_page(text, files=files), files


def _values() -> dict[str, list[dict[str, str]]]:
    with open(paths.PUBLISHED / "values.csv", encoding="utf-8", newline="") as fh:
        out: dict[str, list[dict[str, str]]] = {}
        for r in csv.DictReader(fh):
            out.setdefault(r["source_id"], []).append(r)
    return out


def _sections(page: str) -> dict[str, str]:
    """Section body by id, from the '(report-<id>)=' targets."""
    parts = re.split(r"^\(report-([0-9a-z-]+)\)=$", page, flags=re.M)
    return {parts[i].upper(): parts[i + 1] for i in range(1, len(parts), 2)}


# --------------------------------------------------------------------------- (a) the ids


def test_ids_cover_the_report_except_known_gaps(text):
    ids, gaps = report_index.report_ids(text)
    assert len(ids) == len(set(ids)), "an id is listed twice"
    assert not set(ids) & set(gaps), "an id is both found and a known gap"
    assert sorted(ids + list(gaps), key=EXPECTED.index) == EXPECTED
    assert ids == [i for i in EXPECTED if i not in gaps], "ids are not in report order"
    assert all(reason.strip() for reason in gaps.values()), gaps


def test_the_known_gaps_are_the_ones_the_text_really_lacks(text):
    ids, gaps = report_index.report_ids(text)
    assert set(gaps) == {"2-2"}
    assert "never named" in gaps["2-2"]
    # The garbled references ('Figuur B21', 'Figuur B23') are recognised, beside the captions.
    items = {it.id: it for it in report_index.report_items(text)}
    assert [s for s, _ in items["B2-1"].garbled] == ["Figuur B21"]
    assert {s for s, _ in items["B2-3"].garbled} == {"Figuur B23"}


def test_captions_are_read_whole_and_sentences_are_not_captions(text):
    items = {it.id: it for it in report_index.report_items(text)}
    # a caption over three lines, a table caption after an en space, a repaired ligature
    assert items["2-16"].title == "Innovatiespectrum naar innovatieklimaat (2025, drie groepen o.b.v. klimaatscore)"
    assert items["B1-2"].title.endswith("ook in uw organisatie geïmplementeerd is?")
    assert items["B2-2"].title.startswith("Effecten van innovatie")
    assert items["B1-10"].title == "Gemiddelde schaalscore innovatieklimaat, naar sector"
    # 'Figuur 2-6 toont ...' is a sentence: 2-6 has references but no caption
    assert items["2-6"].title == "" and items["2-6"].references
    assert items["2-21"].cut_off and not items["2-17"].cut_off
    assert {it.kind for it in items.values() if it.id.startswith("B1")} == {"Table"}
    assert {it.kind for it in items.values() if not it.id.startswith("B1")} == {"Figure"}


def test_every_figure_or_table_of_the_published_layer_is_found(text):
    ids, _ = report_index.report_ids(text)
    published = {s for s in _values() if re.fullmatch(r"B?\d-\d{1,2}", s)}
    assert published <= set(ids), published - set(ids)


# --------------------------------------------------------------------------- (b), (c) the page


def test_every_id_has_a_section(text, page):
    body, _ = page
    ids, gaps = report_index.report_ids(text)
    assert body.startswith("# Report figures and tables\n")
    sections = _sections(body)
    assert list(sections) == [*sorted([*ids, *gaps], key=EXPECTED.index)]
    items = {it.id: it for it in report_index.report_items(text)}
    for item_id in [*ids, *gaps]:
        it = items[item_id]
        heading = f"## {it.kind} {item_id}: “{it.title}”" if it.title else f"## {it.kind} {item_id}\n"
        assert heading in sections[item_id], heading
    for item_id, reason in gaps.items():
        assert "Known gap" in sections[item_id] and reason in sections[item_id]


def test_sections_say_what_the_published_layer_holds(text, page):
    body, files = page
    values = _values()
    sections = _sections(body)
    for item_id, section in sections.items():
        rows = values.get(item_id, [])
        if rows:
            assert f"**Published values:** {len(rows)} values" in section, item_id
            assert f"<files/report_index/{item_id}.csv>" in section, item_id
            with open(files / f"{item_id}.csv", encoding="utf-8", newline="") as fh:
                written = list(csv.DictReader(fh))
            assert len(written) == len(rows)
            assert {r["data_source"] for r in written} == {"published"}
            assert [r["value"] for r in written] == [r["value"] for r in rows]
        else:
            assert "image only in the report; values not available" in section, item_id
            assert f"{item_id}.csv>" not in section


def test_the_page_and_its_files_are_deterministic(text, page, tmp_path):
    body, files = page
    again = report_index.index_page(text, files=tmp_path)
    assert again == body
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files.iterdir())
    assert all((tmp_path / p.name).read_bytes() == p.read_bytes() for p in files.iterdir())


def test_chapters_are_found_by_the_id_they_name(tmp_path):
    chapters = {"a": "as Figure 2-17 shows", "b": "Figure 2-1 and Table B1-8", "c": "Figure B2-1"}
    assert report_index.chapters_for("2-17", chapters) == ["a"]
    assert report_index.chapters_for("2-1", chapters) == ["b"]  # not 2-17, not B2-1
    assert report_index.chapters_for("B1-8", chapters) == ["b"]


def test_without_the_report_text_the_page_still_builds(tmp_path, monkeypatch):
    monkeypatch.setenv(report_index.REPORT_TEXT_ENV, str(tmp_path / "missing.txt"))
    body = report_index.index_page(files=tmp_path / "files")
    assert "was not available to this build" in body
    assert set(_sections(body)) == {s for s in _values() if re.fullmatch(r"B?\d-\d{1,2}", s)}


# --------------------------------------------------------------------------- (d) mutations


def _without_caption(text: str, item_id: str) -> str:
    kept = [line for line in text.splitlines(keepends=True)
            if not re.match(rf"\s*(?:Figuur|Tabel)\s+{re.escape(item_id)}\s+[A-Z]", line)]
    assert len(kept) < len(text.splitlines(keepends=True)), f"no caption line for {item_id}"
    return "".join(kept)


@pytest.mark.parametrize("item_id, becomes", [
    ("2-21", "gap"),        # named only in its caption; 2-20 and 2-22 are named around it
    ("B1-12", "gone"),      # last of its series, named only in its caption
    ("B2-1", "gap"),        # still referred to, but only as the garbled 'Figuur B21'
    ("B2-4", "gone"),
])
def test_removing_a_caption_loses_the_id(text, item_id, becomes):
    ids, gaps = report_index.report_ids(_without_caption(text, item_id))
    assert item_id not in ids
    if becomes == "gap":
        assert gaps.get(item_id, "").strip()
    else:
        assert item_id not in gaps


def test_removing_a_caption_of_a_referenced_figure_keeps_it_without_title(text):
    items = {it.id: it for it in report_index.report_items(_without_caption(text, "2-17"))}
    assert items["2-17"].title == "" and items["2-17"].references and not items["2-17"].gap
