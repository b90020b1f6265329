"""The language switch: every page of the book links the same page in the other language.

The book in ``_build/html`` is built in English and, beside it, in each translation
(``_build/html/nl/``; see :func:`barometer.build.pipeline.build`). Both have the same pages under
the same names, so the same page in another language is the same path under that language's
folder. The pipeline tells each build where the other languages' sites are, relative to its own
(the configuration value :data:`CONFIG`: ``{"nl": "nl/"}`` for the English book, ``{"en": "../"}``
for the Dutch one; empty for an edition in one language, whose pages get no switch).

Each page gets a link in its header (the theme's ``article_header_end``), written in the language
it leads to (``lang`` and ``hreflang`` say so, for screen readers and search engines), and a
``<link rel="alternate">`` in its head.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path

#: The configuration value: language -> the folder of its site, relative to this site's root.
CONFIG = "barometer_other_languages"
TEMPLATE = "language-switch.html"
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
STYLESHEET = "language-switch.css"
#: Each language's name in itself, and "this page in <language>" in that language.
NAMES = {"en": "English", "nl": "Nederlands"}
TITLES = {"en": "This page in English", "nl": "Deze pagina in het Nederlands"}


def same_page(pagename: str, folder: str) -> str:
    """The relative address, from page ``pagename``, of the same page in the site at ``folder``
    (relative to this site's root): ``same_page("book/about", "nl/")`` is ``../nl/book/about.html``."""
    return posixpath.relpath(posixpath.join(folder, f"{pagename}.html"), posixpath.dirname(pagename) or ".")


def links(pagename: str, others: dict[str, str]) -> list[dict[str, str]]:
    """The switch's links of one page, one per other language."""
    return [{"lang": lang, "href": same_page(pagename, folder), "name": NAMES.get(lang, lang),
             "title": TITLES.get(lang, NAMES.get(lang, lang))} for lang, folder in sorted(others.items())]


def add_links(app, pagename, templatename, context, doctree) -> None:
    others = app.config[CONFIG] or {}
    if not others:
        return
    context["barometer_languages"] = found = links(pagename, others)
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{html.escape(link["lang"])}" href="{html.escape(link["href"])}" />'
        for link in found)


def add_template(app, config) -> None:
    """The switch goes first in the article header's end (before the theme's buttons)."""
    if not config[CONFIG]:
        return
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    app.add_css_file(STYLESHEET)
    options = dict(config.html_theme_options or {})
    end = options.get("article_header_end", "article-header-buttons.html")
    end = [t.strip() for t in end.split(",")] if isinstance(end, str) else list(end)
    options["article_header_end"] = [TEMPLATE, *(t for t in end if t != TEMPLATE)]
    config.html_theme_options = options


def setup(app):
    app.add_config_value(CONFIG, {}, "html", dict)
    app.connect("config-inited", add_template)
    app.connect("html-page-context", add_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
