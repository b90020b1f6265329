"""Words that code glues into the prose, in the reader's language (barometer.book.words)."""

from __future__ import annotations

import re
import string

import pytest
from bs4 import BeautifulSoup

from barometer.analysis.compare import MAGNITUDES
from barometer.book import words
from barometer.build import translation


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", translation.LANGUAGES)
def test_the_catalogue_holds_exactly_the_words_the_code_says_each_translated(lang):
    """A word said in code but missing from the catalogue, a word no longer said, an empty or
    fuzzy translation, or a translation that drops a field all fail (`barometer catalogue` brings
    the catalogue in step, a translator does the rest)."""
    from babel.messages import pofile

    said = words.said()
    assert len(said) > 20
    with words.catalogue_file(lang).open("rb") as f:
        read = {str(m.id): m for m in pofile.read_po(f, locale=lang) if m.id}
    assert sorted(set(said) - set(read)) == [], "said in code, not in the catalogue: run `make catalogues`"
    assert sorted(set(read) - set(said)) == [], "in the catalogue, no longer said: run `make catalogues`"
    assert [w for w, m in read.items() if not m.string or m.fuzzy] == []
    assert [w for w, m in read.items() if _fields(w) != _fields(str(m.string))] == []


def test_the_words_of_the_layers_below_are_in_the_catalogue():
    from barometer.synthesis import fidelity

    said = words.said()
    assert {label for _, label in MAGNITUDES} | {fidelity.HELD_OUT_SENTENCE} <= set(said)


def test_a_word_is_said_in_the_readers_language_with_its_fields_filled():
    assert words.say("small", "en") == "small"
    assert words.say("small", "nl") == "klein"
    assert words.say("{n} splits", "nl", n=3) == "3 verdelingen"
    assert words.say("a word nobody translated", "nl") == "a word nobody translated"  # (the test above fails)


def test_the_catalogue_update_adds_new_words_and_drops_old_ones(tmp_path, monkeypatch):
    (tmp_path / "src" / "barometer").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "src" / "barometer" / "m.py").write_text('x = ch.say("kept")\ny = N_("new")\n')
    monkeypatch.setattr(words, "CATALOGUES", tmp_path / "locale")
    (tmp_path / "locale").mkdir()
    words.catalogue_file("nl").write_text('msgid "kept"\nmsgstr "behouden"\n\nmsgid "gone"\nmsgstr "weg"\n')
    below = len(words.said_below())  # (said by the layers below the book, wherever the code is)
    assert words.update("nl", tmp_path) == (2 + below, 1 + below)
    assert words.catalogue("nl") == {"kept": "behouden"}
    assert "gone" not in words.catalogue_file("nl").read_text() and 'msgid "new"' in words.catalogue_file("nl").read_text()
    words.catalogue.cache_clear()


#: The glued words of the English catalogue that a Dutch page must not show.
def _english_only(lang: str) -> set[str]:
    return {w for w, t in words.catalogue(lang).items() if w != t and not _fields(w) and len(w) > 3}


@pytest.mark.slow
def test_no_glued_word_of_a_dutch_page_is_english(site):
    """Every value pasted into the Dutch chapters' prose that the code chose as a word is Dutch,
    and a verdict of chapter 2 reads as the catalogue says."""
    english = _english_only("nl")
    chapters = sorted((site / "nl" / "book" / "chapters").glob("*.html"))
    assert len(chapters) >= 12
    found = {}
    for page in chapters:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        pasted = {span.get_text() for span in soup.select("span.pasted-text")}
        if bad := sorted(pasted & english):
            found[page.name] = bad
    assert found == {}
    text = " ".join(BeautifulSoup((site / "nl" / "book" / "chapters" / "02_innovation_rate.html").read_text(
        encoding="utf-8"), "html.parser").get_text().split())
    assert re.search(r"De daling is (op het 5%-niveau niet )?statistisch significant", text)


def test_no_word_is_said_inside_an_f_string():
    """Babel reads an f-string as one string: a word said inside one never reaches the catalogue."""
    import json

    from barometer.data import paths

    hidden = re.compile(r"\{(?:\w+\.)?say\(")
    sources = {p: p.read_text(encoding="utf-8") for p in (paths.ROOT / "src" / "barometer").rglob("*.py")}
    for nb in (paths.ROOT / "notebooks").glob("*.ipynb"):
        sources[nb] = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"])
    assert [str(p) for p, text in sources.items() if hidden.search(text)] == []
