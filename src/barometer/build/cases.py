"""Sentences chosen by a glued value: the ``case`` directive.

Some of a chapter's sentences depend on how it was run: whether a sector is selected and whether
the report breaks that sector out, whether the microdata are synthetic or the user's own, which wave
is in focus. Written in code, such a sentence is out of reach of a translator and of a reader of
the notebook. Here every variant is written in the notebook's markdown, and the code glues only
*which* variant applies, as one word::

    ```{case} ch02_sector_view highlighted
    The selected sector, {glue:text}`ch02_sector_name`, is highlighted in the figure ...
    ```

    ```{case} ch02_sector_view none
    No sector is selected ...
    ```

The directive's first argument is a glue key of the same notebook, the others the values for which
its content is shown. The content of a case that does not apply is not parsed at all, so its glue
references need not exist in this edition. Sphinx's ``only`` directive does the same for build
tags; a tag cannot say what the data decided (for example whether Table B1-8 breaks the selected
sector out), a glued value can.

In the microdata part of a chapter a plain string is untyped (the output gate withholds it), so a
word chosen there is glued as ``ch.fixed("word")``, for a choice that is not confidential (which
waves a file holds, whether a model could be estimated): a word the gate could withhold would
leave the page with no case to show.

Two checks make a wrong case an error of the build, not an empty paragraph:

* the key must be glued in the notebook, and
* for every key, some case of the page must match its glued value (a value no case names would
  leave the reader without the sentence). The one exception is the output check's mark ``#``: a
  word computed from own microdata that the check held back selects no case (or the case written
  for ``#``, if the page has one), and the build goes on.

For the message catalogues of a translated book (Sphinx's ``gettext`` builder), every case is
parsed, so that every variant is extracted for translation.
"""

from __future__ import annotations

import ast

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from barometer.disclosure.rules import MARK

LOGGER = logging.getLogger(__name__)

#: The builders that see every case (they extract text; they show no page).
EVERY_CASE_BUILDERS = frozenset({"gettext"})


def glued_word(document: nodes.document, key: str) -> str:
    """The value glued under ``key`` in the notebook behind ``document``, as plain text."""
    from myst_nb.ext.glue.utils import retrieve_glue_data

    data = retrieve_glue_data(document, key).data
    text = data.get("text/plain")
    if text is None:
        raise ValueError(f"the glued value {key!r} has no plain-text form (glue a word)")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = text
    return str(value).strip()


class Case(SphinxDirective):
    """``{case} KEY VALUE [VALUE ...]``: the content, where the glued ``KEY`` is one of the values."""

    required_arguments = 2
    optional_arguments = 20
    has_content = True

    def run(self) -> list[nodes.Node]:
        key, values = self.arguments[0], self.arguments[1:]
        every = self.env.app.builder.name in EVERY_CASE_BUILDERS
        try:
            word = glued_word(self.state.document, key)
        except Exception as exc:  # noqa: BLE001 (MyST-NB's RetrievalError and ours alike)
            if every:
                word = None
            else:
                raise self.error(f"case {key!r}: {exc}") from exc
        # What this page declares for the key, checked once the page is read (see check_cases).
        declared = self.env.temp_data.setdefault("barometer_cases", {})
        declared.setdefault(key, {"word": word, "values": set(), "line": self.lineno})["values"].update(values)
        if not every and word not in values:
            return []
        # (the content stands in the page as if written there: no wrapper, nothing to style)
        holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, holder)
        return holder.children


def check_cases(app, doctree: nodes.document) -> None:
    """Every case key of a page has a case for the value it was glued with."""
    declared = app.env.temp_data.pop("barometer_cases", {})
    if app.builder.name in EVERY_CASE_BUILDERS:
        return
    for key, seen in declared.items():
        # (a word the output check held back, on own microdata: no case is shown, unless the page
        # has one for the mark; the output-checking report lists the withheld word)
        if seen["word"] not in seen["values"] and seen["word"] != MARK:
            LOGGER.warning(
                "case %r: glued as %r, but the page's cases name only %s: a reader would see no sentence",
                key, seen["word"], ", ".join(sorted(seen["values"])),
                location=(app.env.docname, seen["line"]),
            )


def setup(app) -> dict:
    """Register the directive (also loadable on its own, as a Sphinx extension)."""
    app.add_directive("case", Case)
    app.connect("doctree-read", check_cases)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
