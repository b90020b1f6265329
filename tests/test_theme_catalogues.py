"""The page furniture of the Dutch book (barometer.build.theme_catalogues): the themes' strings,
MyST-NB's and ours are Dutch; the English book is unchanged; the Dutch search finds Dutch words.

A small book is built with the book's theme, extensions and furniture catalogues (in a process of
its own: Sphinx keeps the translations it loaded for the rest of a process). The real Dutch book is
checked the same way in test_book.py, on the Dutch edition it builds anyway.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from babel.messages import pofile

from barometer.build import theme_catalogues, translation

FURNITURE = translation.locale_folder() / "nl" / "LC_MESSAGES" / theme_catalogues.FOLDER
#: English furniture that a Dutch page must not show (text or attributes), as the themes, MyST-NB
#: and our extension write it.
ENGLISH = ("Skip to main content", "Back to top", '"Search this book..."', 'title="Search"',
           'search-button__default-text">Search<',
           "Color mode", 'title="Light"', 'title="Dark"', "System Settings", "On this page", "previous page",
           "next page", 'prev-next-subtitle">previous<', 'prev-next-subtitle">next<', "Site navigation", "Version warning", 'aria-label="Announcement"',
           'aria-label="Main"', 'aria-label="Page"', "Toggle primary sidebar", "Toggle secondary sidebar",
           "Toggle hidden content", "Launch interactive content", "Launch on", "Download this page",
           "Download source file", "Print to PDF", "Fullscreen mode", "Binder logo", "Show code cell",
           "Hide code cell", "Edition with parameters", "Source notebook:", "open it on Binder", "(released ",
           ", released ", "By Barometer contributors", "Link to this heading", "Last updated on",
           "Code MIT, text and figures", "Book figure", "Barometer: the Innovatie Barometer Overheid")
#: A little of the Dutch that replaces it.
DUTCH = ("Naar de inhoud", "Terug naar boven", 'placeholder="Zoeken in dit boek…"', "Kleurweergave",
         "Op deze pagina", "Code van deze cel tonen", "Editie met parameters: ",
         "Bronnotebook:", "Door de makers van Barometer", "Laatst bijgewerkt op ",
         'title="Navigatie tonen of verbergen"', 'title="Openen in Binder"', 'title="Bronbestand downloaden"')


def english_furniture(page: str) -> list[str]:
    """The English furniture a rendered page shows (scripts and the source notebook's own text
    left out)."""
    page = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    page = re.sub(r"<!--.*?-->", "", page, flags=re.S)
    return [s for s in ENGLISH if s in page]


# --------------------------------------------------------------------------- the catalogues


@pytest.mark.parametrize("domain", ["sphinx", "booktheme", "barometer"])
def test_every_furniture_message_is_translated_and_keeps_its_placeholders(domain):
    with (FURNITURE / f"{domain}.po").open("rb") as f:
        catalogue = pofile.read_po(f)
    assert len(catalogue) > 10
    for m in catalogue:
        if not m.id:
            continue
        assert m.string and not m.fuzzy, m.id
        placeholders = re.compile(r"%\([a-z_]+\)s|%[sbdYB-]+|\$\{\w+\}")
        assert sorted(placeholders.findall(m.id)) == sorted(placeholders.findall(m.string)) or m.id == "%b %d, %Y", m.id


def test_the_theme_domains_are_the_ones_the_themes_translate_with():
    """pydata-sphinx-theme adds its catalogue to Sphinx's domain, sphinx-book-theme uses its own:
    a catalogue under another name would translate nothing."""
    import pydata_sphinx_theme
    import sphinx_book_theme

    assert sphinx_book_theme.MESSAGE_CATALOG_NAME == "booktheme"
    assert 'add_message_catalog("sphinx"' in Path(pydata_sphinx_theme.__file__).read_text(encoding="utf-8")
    assert {p.stem for p in FURNITURE.glob("*.po")} == {"sphinx", "booktheme", "barometer"}


# --------------------------------------------------------------------------- a small book

CONF = """
extensions = ["myst_nb", "sphinx_book_theme", "sphinx_copybutton", "barometer.build.sphinx_ext"]
nb_execution_mode = "off"
html_theme = "sphinx_book_theme"
html_title = "Barometer: the Innovatie Barometer Overheid 2025, reproduced"
author = "Barometer contributors"
locale_dirs = ["locale"]
gettext_compact = False
html_last_updated_fmt = ""
numfig = True
numfig_format = {"figure": "Book figure %s", "table": "Book table %s"}
html_theme_options = {
    "search_bar_text": "Search this book...",
    "announcement": "Edition with parameters: lang = nl",
    "extra_footer": "Code MIT, text and figures CC-BY-4.0. Numbers computed on synthetic data are labelled as such.\\n",
    "repository_url": "https://github.com/barometer-compendium/barometer",
    "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    "use_download_button": True, "use_fullscreen_button": True,
}
"""


@pytest.fixture(scope="module")
def small_book(tmp_path_factory) -> Path:
    """The sources of a small book: a chapter page (a real chapter's name, so that it links its
    source notebook) with a hidden code cell and a figure, and the furniture's catalogues."""
    source = tmp_path_factory.mktemp("furniture") / "src"
    chapters = source / "book" / "chapters"
    chapters.mkdir(parents=True)
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    (source / "index.md").write_text("# Barometer\n\n```{toctree}\nbook/chapters/02_innovation_rate\n```\n",
                                     encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Hoeveel organisaties innoveren\n\nDe organisaties innoveerden vaker."),
        nbformat.v4.new_code_cell("print(1)", metadata={"tags": ["hide-input"]},
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="1\n")]),
        nbformat.v4.new_markdown_cell("## Overheidsorganisaties\n\n```{figure} figure.svg\nEen figuur.\n```")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, chapters / "02_innovation_rate.ipynb")
    (chapters / "figure.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    shutil.copytree(FURNITURE, source / "locale" / "nl" / "LC_MESSAGES" / theme_catalogues.FOLDER,
                    ignore=shutil.ignore_patterns("*.mo"))
    return source


def build(source: Path, out: Path, language: str) -> Path:
    warnings = out.parent / f"warnings-{language}.txt"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", f"language={language}",
                           "-w", str(warnings), str(source), str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def dutch_site(small_book) -> Path:
    return build(small_book, small_book.parent / "nl", "nl")


def test_a_dutch_page_shows_its_furniture_in_dutch(dutch_site):
    page = (dutch_site / "book" / "chapters" / "02_innovation_rate.html").read_text(encoding="utf-8")
    assert english_furniture(page) == []
    missing = [s for s in DUTCH if s not in page]
    assert missing == [], missing
    assert "Boekfiguur 1" in page and "Editie met parameters: lang = nl" in page
    # the release date and the date of the last update, in Dutch
    assert re.search(r"uitgebracht op \d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|"
                     r"oktober|november|december) \d{4}", page)
    assert re.search(r"Laatst bijgewerkt op \d{1,2} [a-z]+ \d{4}\.", page)
    search = (dutch_site / "search.html").read_text(encoding="utf-8")
    assert english_furniture(search) == [] and "Zoeken werkt alleen als JavaScript aan staat." in search


def test_the_search_page_and_the_copy_button_speak_dutch_in_the_browser(dutch_site):
    """What the browser writes (search results, the copy button's tooltip) comes from scripts: our
    translations are added to Sphinx's and sphinx-copybutton's tables after them."""
    page = (dutch_site / "book" / "chapters" / "02_innovation_rate.html").read_text(encoding="utf-8")
    ours = page.index("Gekopieerd")
    assert page.index("_static/translations.js") < ours and page.index("_static/copybutton.js") < ours
    assert "Zoeken klaar: ${resultCount} pagina" in page


def test_the_english_book_keeps_its_furniture(small_book):
    site = build(small_book, small_book.parent / "en", "en")
    page = (site / "book" / "chapters" / "02_innovation_rate.html").read_text(encoding="utf-8")
    for english in ("Skip to main content", "Back to top", 'placeholder="Search this book..."',
                    "Show code cell source", "Edition with parameters: lang = nl", "Source notebook:",
                    "By Barometer contributors", "Book figure 1", 'title="Toggle primary sidebar"'):
        assert english in page, english
    assert "Naar de inhoud" not in page and "Gekopieerd" not in page


def test_the_dutch_search_index_finds_dutch_words_as_the_browser_stems_them(dutch_site):
    """The browser stems a query with Sphinx's JavaScript Dutch stemmer; the index must hold the
    same stems (snowballstemmer 3's "dutch" is another algorithm; see sphinx_ext)."""
    import snowballstemmer

    assert "DutchStemmer" in (dutch_site / "_static" / "language_data.js").read_text(encoding="utf-8")
    text = (dutch_site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    browser = snowballstemmer.stemmer("dutch_porter")  # Snowball 2's Dutch, as Sphinx's JavaScript
    for word in ("organisaties", "innoveerden", "overheidsorganisaties"):
        assert browser.stemWord(word) in index["terms"] or browser.stemWord(word) in index["titleterms"], word


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run Sphinx's JavaScript stemmer")
def test_the_index_stems_dutch_words_exactly_as_sphinxs_javascript_stemmer(tmp_path):
    """The stems of the index (Python) and of the query (the browser) agree word for word."""
    import sphinx

    from barometer.build import sphinx_ext

    js = Path(sphinx.__file__).parent / "search" / "non-minified-js"
    words = ["organisaties", "innovatie", "innovaties", "gemeenten", "overheid", "aanbeveling", "aandelen",
             "aangepaste", "samenvatting", "bevindingen", "kennisdeling", "mislukte", "uitvoeringsorganisaties"]
    script = tmp_path / "stem.js"
    script.write_text((js / "base-stemmer.js").read_text() + (js / "dutch-stemmer.js").read_text()
                      + f"\nconst s = new DutchStemmer(); console.log(JSON.stringify({json.dumps(words)}"
                      ".map(w => s.stemWord(w))));\n", encoding="utf-8")
    browser = json.loads(subprocess.run(["node", str(script)], capture_output=True, text=True, check=True).stdout)
    dutch = sphinx_ext.dutch_as_the_browser_stems()({})
    assert [dutch.stem(w) for w in words] == browser
