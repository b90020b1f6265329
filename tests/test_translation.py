"""The Dutch book's message catalogues (barometer.build.translation): in step with the English
text, every message translated with its glued values, roles and code intact, and our own Dutch
(no run of eight words taken from the report)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages import pofile
from conftest import edition_chapters

from barometer.build import translation
from barometer.data import paths

REPORT = paths.ROOT.parent / "shared" / "seeds" / "002_b6b7eaeabf486543.txt"
CATALOGUES = {page: translation.locale_folder() / "nl" / "LC_MESSAGES" / f"{page}.po"
              for page in translation.translated_pages()}


def messages(po: Path) -> dict[str, str]:
    with po.open("rb") as f:
        return {str(m.id): str(m.string or "") for m in pofile.read_po(f) if m.id}


@pytest.mark.slow
def test_the_catalogues_hold_exactly_the_messages_of_the_book(site, tmp_path):
    """Extracted again from the built book (every case of every chapter included), the messages
    are the catalogues' messages: none new (untranslated on the Dutch page), none stale."""
    templates = translation.extract(edition_chapters(site).parent.parent, work=tmp_path / "gettext")
    for page, po in CATALOGUES.items():
        with (templates / f"{page}.pot").open("rb") as f:
            wanted = {str(m.id) for m in pofile.read_po(f) if m.id and translation.needs_translation(str(m.id))}
        have = set(messages(po))
        assert wanted - have == set(), f"{page}: not in the catalogue (run `make catalogues`): {sorted(wanted - have)[:3]}"
        assert have - wanted == set(), f"{page}: stale messages (run `make catalogues`): {sorted(have - wanted)[:3]}"


@pytest.mark.parametrize("page", list(CATALOGUES))
def test_every_message_is_translated_and_keeps_its_markup(page):
    assert translation.problems(CATALOGUES[page]) == []


def test_the_check_finds_what_it_says(tmp_path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "A {glue:text}`k` rate and `code`."\nmsgstr "Een percentage en `code`."\n\n'
                  'msgid "Fine."\nmsgstr ""\n\n#, fuzzy\nmsgid "Old."\nmsgstr "Oud."\n\n'
                  'msgid "2. Title"\nmsgstr "2. Titel"\n\nmsgid "3. Title"\nmsgstr "3\\\\. Titel"\n', encoding="utf-8")
    found = translation.problems(po)
    assert [f.split(":")[0] for f in found] == ["markup changed", "untranslated", "fuzzy", "numbered title not escaped (write 2\\. ...)"]
    assert translation.needs_translation("{glue:text}`ch02_rate`") is False
    assert translation.needs_translation("Total") is True


@pytest.mark.skipif(not REPORT.exists(), reason="the report's text is not beside the repository")
def test_the_dutch_is_our_own_no_run_of_eight_words_from_the_report():
    """Quotations the English already holds (questionnaire wording, the report's terms) are
    exempt: a run that also occurs in the English message is carried over, not taken."""
    report = REPORT.read_text(encoding="utf-8")
    taken = []
    for page, po in CATALOGUES.items():
        for msgid, msgstr in messages(po).items():
            quoted = set(translation.shared_runs(msgid, report))
            taken += [(page, run) for run in translation.shared_runs(msgstr, report) if run not in quoted]
    assert taken == [], taken[:5]
    assert translation.shared_runs("het aandeel organisaties dat een innovatie invoerde steeg sterk in",
                                   "in 2025 steeg het aandeel organisaties dat een innovatie invoerde steeg sterk in")


#: English sentences the Dutch pages may still show, per page (translation.english_sentences):
#: code-written captions, table headers and the generated appendices are not translated yet. The
#: test below lets no page show more; lower a number when a page loses English sentences.
ENGLISH_LEFT = paths.ROOT / "tests" / "fixtures" / "english_left_on_dutch_pages.json"


def test_the_english_measure_finds_english_and_not_dutch():
    page = ('<article class="bd-article"><p>The rate fell between the waves, and that is small.</p>'
            '<p>Het percentage daalde tussen de metingen, en dat is weinig.</p>'
            '<blockquote>The quoted wording of the report stays as it was printed.</blockquote>'
            '<div class="cell_input"><pre>for the code that runs</pre></div></article>')
    assert translation.english_sentences(page) == ["The rate fell between the waves, and that is small."]


@pytest.mark.slow
def test_no_dutch_page_shows_more_english_than_before(site):
    import json

    allowed = json.loads(ENGLISH_LEFT.read_text(encoding="utf-8"))
    dutch = site / "nl"
    found = {p.relative_to(dutch).as_posix(): translation.english_sentences(p.read_text(encoding="utf-8"))
             for p in sorted(dutch.rglob("*.html")) if "_static" not in p.parts}
    assert len(found) > 25
    more = {page: (len(sentences), allowed.get(page, 0), sentences[:2]) for page, sentences in found.items()
            if len(sentences) > allowed.get(page, 0)}
    assert more == {}, "English on a Dutch page (translate it, through the catalogues or ch.say)"
    # the hand-written pages and Key findings are Dutch throughout
    for page in ("book/about.html", "book/appendices/methods.html", "book/appendices/cite.html",
                 "book/chapters/key_findings.html"):
        assert found[page] == [], page
