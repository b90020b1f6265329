"""The Sphinx extension's highlighting cache: the same HTML as Pygments, from the store the
second time, and never a stored block whose highlighting warned."""

from __future__ import annotations

import logging

import pytest
from sphinx.highlighting import PygmentsBridge

from barometer.build import sphinx_ext

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


def test_a_sphinx_build_fills_its_own_store_and_the_next_build_reads_it(tmp_path, monkeypatch):
    """A Sphinx build with the extension, with a store of its own (not whatever _build/cache
    holds): the first build stores each code block, the second writes the same page from the store
    without calling Pygments."""
    from sphinx.cmd.build import build_main

    monkeypatch.setenv("BAROMETER_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["barometer.build.sphinx_ext"]\n')
    blocks = [f"x{i} = sum(range({i}))\nprint(x{i})" for i in range(3)]
    (source / "index.rst").write_text("Page\n====\n\n" + "".join(
        ".. code-block:: python\n\n" + "".join(f"   {line}\n" for line in b.splitlines()) + "\n" for b in blocks))
    assert build_main(["-q", "-b", "html", str(source), str(tmp_path / "out1")]) == 0
    stored = list((tmp_path / "cache" / "highlight").rglob("*.html"))
    assert len(stored) == len(blocks)
    first = (tmp_path / "out1" / "index.html").read_text(encoding="utf-8")
    assert all(entry.read_text(encoding="utf-8") in first for entry in stored)
    calls = []
    original = PygmentsBridge.highlight_block
    monkeypatch.setattr(PygmentsBridge, "highlight_block",
                        lambda self, *a, **k: calls.append(a) or original(self, *a, **k))
    assert build_main(["-q", "-b", "html", str(source), str(tmp_path / "out2")]) == 0
    assert calls == []  # every block came from the store
    assert (tmp_path / "out2" / "index.html").read_text(encoding="utf-8") == first


def test_the_remembering_stemmer_gives_sphinxs_stems():
    from sphinx.search.en import SearchEnglish

    words = "innovations innovating organisations organisation municipalities running ran the".split()
    plain, remembering = SearchEnglish({}), sphinx_ext.memoising_english()({})
    assert [remembering.stem(w) for w in words * 2] == [plain.stem(w) for w in words * 2]
    assert len(remembering._stems) == len(set(words))
