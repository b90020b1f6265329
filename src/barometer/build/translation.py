"""The book's prose in other languages, through message catalogues (the Sphinx way).

``barometer catalogue`` extracts every translatable message of the book's hand-written pages and
chapters with Sphinx's ``gettext`` builder (one catalogue per page: ``gettext_compact`` off) and
updates ``locale/<lang>/LC_MESSAGES/<page>.po`` with Babel, the library Sphinx itself uses for
catalogues:

* a new English message arrives untranslated;
* a changed English message keeps its old translation marked *fuzzy*, so that a translator reviews
  it instead of the Dutch silently saying something else;
* a message that no longer exists is dropped.

A ``lang`` edition (``-p lang nl``) builds with Sphinx's ``language`` and these catalogues; Sphinx
compiles them itself (``gettext_auto_build``). A translated sentence keeps its glued numbers
(:mod:`barometer.build.translated_glue`), and every variant of a ``case`` is in the catalogue
(:mod:`barometer.build.cases`).

The words that code chooses and glues into a sentence (a verdict, an effect size) are not in the
prose: they have their own catalogue (:mod:`barometer.book.words`), which ``barometer catalogue``
updates too.

What is not here: the generated appendices (:data:`barometer.build.pages.GENERATED`, the scorecard
and the downloads page) are written by code and follow the ``lang`` parameter there, like
captions, labels and the verdict words the chapters glue; a message with no words (a number, a
glued value alone, code, maths) is not a message to translate.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from barometer.book import words
from barometer.data import paths

LOCALE = "locale"
LANGUAGES = ("nl",)
LANGUAGE_NAMES = {"nl": "Dutch"}
FIXED_DATE = words.FIXED_DATE
#: The book's hand-written pages; the chapters are the notebooks (book/chapters/<stem>).
HAND_WRITTEN = ("book/index", "book/about", "book/appendices/methods", "book/appendices/cite",
                "book/appendices/references")
#: Sphinx settings every catalogue build and every translated build share.
SPHINX_SETTINGS = {"gettext_compact": False, "gettext_uuid": False, "gettext_location": False,
                   "gettext_last_translator": "Barometer", "gettext_language_team": "Barometer"}

_MARKUP = re.compile(r"\{[\w:-]+\}`[^`]*`|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|https?://\S+", re.S)


def translated_pages() -> list[str]:
    """The pages whose prose goes through the catalogues, as Sphinx names them."""
    chapters = [f"book/chapters/{p.stem}" for p in sorted(paths.NOTEBOOKS.glob("*.ipynb"))]
    return [*HAND_WRITTEN, *chapters]


def needs_translation(message: str) -> bool:
    """Whether a message holds words to translate (not a number, a glued value alone, code or maths)."""
    return bool(re.search(r"[A-Za-z]{2,}", _MARKUP.sub(" ", message)))


def locale_folder(root: Path = paths.ROOT) -> Path:
    return root / LOCALE


def sphinx_config(lang: str, root: Path = paths.ROOT) -> dict:
    """What a translated build adds to the book's Sphinx configuration."""
    return {**SPHINX_SETTINGS, "language": lang, "locale_dirs": [str(locale_folder(root))]}


def extract(root: Path = paths.ROOT, *, work: Path | None = None) -> Path:
    """Run Sphinx's gettext builder over the book at ``root`` (the repository, or an edition's
    stage; its executed chapters as the site has them); returns the folder of the ``.pot``
    templates."""
    work = Path(work or tempfile.mkdtemp(prefix="barometer-gettext-"))
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx.update(SPHINX_SETTINGS)
    config_file = work / "_config.yml"
    work.mkdir(parents=True, exist_ok=True)
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    cmd = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()", "build", str(root),
           "--config", str(config_file), "--path-output", str(work), "--builder", "custom",
           "--custom-builder", "gettext", "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    templates = work / "_build" / "gettext"
    if proc.returncode != 0 or not templates.is_dir():
        raise RuntimeError(f"the gettext build failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return templates


@dataclass
class Counts:
    """A page's catalogue: how many messages, and how many still need a translator."""

    messages: int = 0
    untranslated: int = 0
    fuzzy: int = 0


def update(templates: Path, lang: str, root: Path = paths.ROOT) -> dict[str, Counts]:
    """Bring ``locale/<lang>`` in step with the templates (see the module docstring)."""
    from babel.messages import pofile

    out = {}
    for page in translated_pages():
        pot = templates / f"{page}.pot"
        if not pot.exists():
            raise FileNotFoundError(f"{pot}: the gettext build wrote no template for {page}")
        with pot.open("rb") as f:
            template = pofile.read_po(f)
        for message in [m for m in template if m.id and not needs_translation(str(m.id))]:
            template.delete(message.id, message.context)
        po = locale_folder(root) / lang / "LC_MESSAGES" / f"{page}.po"
        if po.exists():
            with po.open("rb") as f:
                catalogue = pofile.read_po(f, locale=lang)
            catalogue.update(template, update_header_comment=False)
            catalogue.obsolete.clear()
        else:
            catalogue = template
            catalogue.locale = lang  # type: ignore[assignment]
        # (one fixed date, not today's: an unchanged catalogue stays byte for byte the same)
        catalogue.creation_date = catalogue.revision_date = FIXED_DATE
        catalogue.project, catalogue.version = "Barometer", ""
        catalogue.fuzzy = False  # (the header: Babel marks a fresh template's header fuzzy)
        catalogue.header_comment = (f"# {LANGUAGE_NAMES[lang]} messages of the Barometer book: {page}.\n"
                                    "# Translate msgstr only. `barometer catalogue` keeps this file in step with the\n"
                                    "# English text: a changed message comes back fuzzy, for review.")
        po.parent.mkdir(parents=True, exist_ok=True)
        with po.open("wb") as f:
            pofile.write_po(f, catalogue, width=0, omit_header=False, sort_output=False, no_location=True)
        out[page] = counts(po)
    return out


def counts(po: Path) -> Counts:
    from babel.messages import pofile

    with po.open("rb") as f:
        catalogue = pofile.read_po(f)
    found = Counts()
    for m in catalogue:
        if not m.id:
            continue
        found.messages += 1
        found.untranslated += not m.string
        found.fuzzy += m.fuzzy
    return found


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="barometer catalogue",
                                     description="Extract the book's messages and update the catalogues.")
    parser.add_argument("--lang", default="nl", choices=LANGUAGES)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="barometer-gettext-"))
    try:
        found = update(extract(work=work), args.lang)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for page, c in found.items():
        print(f"{page}: {c.messages} messages, {c.untranslated} untranslated, {c.fuzzy} fuzzy")
    from barometer.book import words

    said, untranslated = words.update(args.lang)
    print(f"{paths.relative(words.catalogue_file(args.lang))} (words the code glues): {said} words, "
          f"{untranslated} untranslated")
    return 0


# --------------------------------------------------------------------------- checks

_KEPT = re.compile(r"\{[\w:-]+\}`[^`]*`|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\]\([^)]*\)", re.S)


def kept_markup(text: str) -> list[str]:
    """What a translation must carry over unchanged: roles (glued values, downloads, references),
    inline code, maths and link targets."""
    return sorted(_KEPT.findall(text))


def problems(po: Path) -> list[str]:
    """What is wrong with a catalogue: untranslated or fuzzy messages, and translations that lost
    or changed a role, inline code, maths or a link target."""
    from babel.messages import pofile

    with po.open("rb") as f:
        catalogue = pofile.read_po(f)
    found = []
    for m in catalogue:
        if not m.id:
            continue
        msgid, msgstr = str(m.id), str(m.string or "")
        if not msgstr:
            found.append(f"untranslated: {msgid[:70]!r}")
        elif m.fuzzy:
            found.append(f"fuzzy: {msgid[:70]!r}")
        elif kept_markup(msgid) != kept_markup(msgstr):
            found.append(f"markup changed: {msgid[:70]!r}")
        elif re.match(r"\d+\. ", msgstr):
            # Sphinx parses a translated title on its own: "2. Hoeveel ..." would be a list item
            # there, and the page would keep its English title.
            found.append(f"numbered title not escaped (write 2\\. ...): {msgstr[:70]!r}")
    return found


def words(text: str) -> list[str]:
    """Lower-case words, markup and punctuation removed (for comparing running text)."""
    return re.findall(r"[a-zà-ÿ0-9]+", _MARKUP.sub(" ", text).lower())


def shared_runs(text: str, source: str, n: int = 8) -> list[str]:
    """Runs of ``n`` consecutive words of ``text`` that also occur in ``source``."""
    grams = {tuple(w[i:i + n]) for w in [words(source)] for i in range(len(w) - n + 1)}
    mine = words(text)
    return [" ".join(mine[i:i + n]) for i in range(len(mine) - n + 1) if tuple(mine[i:i + n]) in grams]


# --------------------------------------------------------------------------- English left on a page

#: Short English words that Dutch does not have (``of`` and ``in`` it has): a sentence with two of
#: them is English.
ENGLISH_ONLY = frozenset("the and with which that this from are were for than their its been would could "
                         "should these those there where when what into about between against".split())
#: What a reader's text excludes: code, its output, the bibliography (titles of works stay in their
#: language), and marked quotations (questionnaire wording, report titles).
NOT_PROSE = ("div.cell_input", "pre", "code", "div.highlight", "div.citation", "dl.citation", ".bibliography",
             "q", "blockquote", ".quoted")


def english_sentences(page_html: str) -> list[str]:
    """The sentences of a page's article that read as English (two or more English-only words):
    the measure of how much of a translated page is still English."""
    from bs4 import BeautifulSoup

    article = BeautifulSoup(page_html, "html.parser").select_one("article.bd-article")
    if article is None:
        return []
    for element in article.select(", ".join(NOT_PROSE)):
        element.decompose()
    text = " ".join(article.get_text(" ").split())
    return [s for s in re.split(r"(?<=[.!?:])\s+", text)
            if sum(w.lower() in ENGLISH_ONLY for w in re.findall(r"[A-Za-z]+", s)) >= 2]
