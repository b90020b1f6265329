"""The Sphinx extension's highlighting cache: the same HTML as Pygments, from the store the
second time, and never a stored block whose highlighting warned."""

from __future__ import annotations

import logging

import pytest
from sphinx.highlighting import PygmentsBridge

from barometer import sphinx_ext

CODE = "import pandas as pd\nshares = pd.Series([0.5, 0.25])  # a comment\nprint(f'{shares.sum():.0%}')\n"


class Calls:
    """A highlight_block that records its calls and logs a warning when told to."""

    def __init__(self, warn: bool = False) -> None:
        self.bridge = PygmentsBridge("html", "sphinx")
        self.warn = warn
        self.count = 0

    def __call__(self, source, lang, opts=None, force=False, location=None, **kwargs):
        self.count += 1
        if self.warn:
            logging.getLogger("sphinx.sphinx.highlighting").warning("Lexing literal_block failed")
        return self.bridge.highlight_block(source, lang, opts=opts, force=force, location=location, **kwargs)


@pytest.fixture
def counter():
    warnings = sphinx_ext.WarningCounter()
    logging.getLogger("sphinx").addHandler(warnings)
    yield warnings
    logging.getLogger("sphinx").removeHandler(warnings)


def test_a_block_is_highlighted_once_and_then_read_back_identical(tmp_path, counter):
    calls = Calls()
    highlight = sphinx_ext.cached_highlighting(calls, "salt", tmp_path, lambda: counter.count)
    first = highlight(CODE, "ipython3", opts={}, linenos=False)
    again = highlight(CODE, "ipython3", opts={}, linenos=False)
    assert calls.count == 1
    assert first == again == PygmentsBridge("html", "sphinx").highlight_block(CODE, "ipython3", opts={}, linenos=False)
    assert '<span class="kn">import</span>' in first
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no half-written entry left


def test_code_language_options_and_salt_each_change_the_key(tmp_path, counter):
    calls = Calls()
    highlight = sphinx_ext.cached_highlighting(calls, "salt", tmp_path, lambda: counter.count)
    highlight(CODE, "ipython3")
    highlight(CODE + "x = 1\n", "ipython3")
    highlight(CODE, "python")
    highlight(CODE, "ipython3", linenos=True)
    sphinx_ext.cached_highlighting(calls, "other versions", tmp_path, lambda: counter.count)(CODE, "ipython3")
    assert calls.count == 5
    assert len(list(tmp_path.rglob("*.html"))) == 5


def test_a_block_whose_highlighting_warned_is_not_kept(tmp_path, counter):
    calls = Calls(warn=True)
    highlight = sphinx_ext.cached_highlighting(calls, "salt", tmp_path, lambda: counter.count)
    highlight(CODE, "ipython3")
    highlight(CODE, "ipython3")
    assert calls.count == 2 and counter.count == 2  # the warning is raised by every build
    assert not list(tmp_path.rglob("*.html"))


def test_the_extension_stores_the_books_code_blocks(site):
    """The book's own build went through the cache: its code cells are in the store."""
    entries = list(sphinx_ext.highlight_cache_dir().rglob("*.html"))
    assert len(entries) > 100
    page = (site / "book" / "chapters" / "02_innovation_rate.html").read_text(encoding="utf-8")
    assert sum(entry.read_text(encoding="utf-8") in page for entry in entries) > 10


def test_the_remembering_stemmer_gives_sphinxs_stems():
    from sphinx.search.en import SearchEnglish

    words = "innovations innovating organisations organisation municipalities running ran the".split()
    plain, remembering = SearchEnglish({}), sphinx_ext.memoising_english()({})
    assert [remembering.stem(w) for w in words * 2] == [plain.stem(w) for w in words * 2]
    assert len(remembering._stems) == len(set(words))
