"""Words that code writes into a page, in the reader's language.

The book's prose is translated through Sphinx's message catalogues
(:mod:`barometer.build.translation`). Some words are not in the prose but chosen by the data and
glued into it: a verdict ("statistically significant"), an effect size ("small"), "none". They
are English in the code and go through this module's catalogue, ``locale/<lang>.po`` beside it
(gettext's format, read with Babel as Sphinx reads its own):

* where a word is chosen, the code says it: ``ch.say("overlap")`` in a chapter (the
  chapter's language), :func:`say` elsewhere; a word defined in one place and said in another is
  marked with :func:`N_` where it is defined, so that the catalogue knows it (a word of a layer
  below the book, which cannot mark it, is listed in :func:`said_below`);
* ``barometer catalogue`` brings the catalogue in step with the code (:func:`update`): a new word
  arrives untranslated, a word no longer said is dropped; the tests fail until every word is
  translated, and a word without a translation is shown in English meanwhile.

A word with fields (``"{n} splits"``) is translated first and filled after, so that the
translation can put the number where Dutch wants it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import cache
from pathlib import Path

from barometer.data import paths

CATALOGUES = Path(__file__).parent / "locale"
#: The date written into every catalogue (the book's page catalogues too), not today's: an
#: unchanged catalogue stays byte for byte the same.
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
#: The call names that mark a word (Babel's extraction keywords).
KEYWORDS = {"say": None, "N_": None}


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    """Mark ``text`` as a word the catalogue must hold; returns it unchanged."""
    return text


def said_below() -> dict[str, str]:
    """Words that layers below the book choose and the book says (they do not mark them
    themselves): Cohen's effect-size labels, the synthetic data's fidelity sentence."""
    from barometer.analysis import compare
    from barometer.synthesis import fidelity

    found = {label: "src/barometer/analysis/compare.py" for _, label in compare.MAGNITUDES}
    found[fidelity.HELD_OUT_SENTENCE] = "src/barometer/synthesis/fidelity.py"
    return found


def catalogue_file(lang: str) -> Path:
    return CATALOGUES / f"{lang}.po"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """English word -> its translation (translated and not fuzzy)."""
    from babel.messages import pofile

    path = catalogue_file(lang)
    if not path.exists():
        return {}
    with path.open("rb") as f:
        read = pofile.read_po(f, locale=lang)
    return {str(m.id): str(m.string) for m in read if m.id and m.string and not m.fuzzy}


def say(text: str, lang: str, **fields) -> str:
    """``text`` in ``lang`` (English when it has no translation yet), its fields filled."""
    if lang != "en":
        text = catalogue(lang).get(text, text)
    return text.format(**fields) if fields else text


# --------------------------------------------------------------------------- the catalogue


def said(root: Path = paths.ROOT) -> dict[str, list[str]]:
    """Every word the code says or marks, with the files that do (the package's modules and the
    chapter notebooks' code cells)."""
    from babel.messages.extract import extract

    found: dict[str, list[str]] = {}

    def add(source: bytes, where: str) -> None:
        for _line, message, _comments, _context in _extract(extract, source):
            if isinstance(message, str) and message and where not in found.get(message, []):
                found.setdefault(message, []).append(where)

    for module in sorted((root / "src" / "barometer").rglob("*.py")):
        add(module.read_bytes(), module.relative_to(root).as_posix())
    for word, module in said_below().items():
        found.setdefault(word, []).append(module)
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        code = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        add(code.encode(), notebook.relative_to(root).as_posix())
    return found


def _extract(extract, source: bytes):
    return extract("python", io.BytesIO(source), keywords=KEYWORDS, options={"encoding": "utf-8"})


def update(lang: str, root: Path = paths.ROOT) -> tuple[int, int]:
    """Bring ``locale/<lang>.po`` in step with the code; returns (words, untranslated)."""
    from babel.messages import Catalog, pofile

    path = catalogue_file(lang)
    old = {}
    if path.exists():
        with path.open("rb") as f:
            old = {m.id: m for m in pofile.read_po(f, locale=lang) if m.id}
    new = Catalog(locale=lang, project="Barometer", version="", creation_date=FIXED_DATE,
                  revision_date=FIXED_DATE, last_translator="Barometer", language_team="Barometer")
    new.fuzzy = False
    for word, where in sorted(said(root).items()):
        before = old.get(word)
        new.add(word, before.string if before else "", locations=[(w, None) for w in where],
                flags=before.flags if before else ())
    buffer = io.BytesIO()
    pofile.write_po(buffer, new, width=100, omit_header=False, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    catalogue.cache_clear()
    return len(new), sum(1 for m in new if m.id and not m.string)


__all__ = ["N_", "say", "catalogue", "said", "said_below", "update", "KEYWORDS"]
