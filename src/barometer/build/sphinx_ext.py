"""A small Sphinx extension for the book's HTML (loaded from ``_config.yml``).

Eight jobs:

* **The version.** The site says which version of the compendium it shows: a banner on every
  page, a line in the footer, and the substitutions ``{{ version }}`` and ``{{ released }}`` that
  the cite page uses, all read from ``barometer.__version__`` (written once; see
  :mod:`barometer.build.release`).

* **Source notebooks.** A chapter page is rendered from the *executed* notebook under
  ``book/chapters/``, which is not in the repository. Students want the notebook they can change
  and rerun: the clean, parameterised source in ``notebooks/``. Each chapter page gets a line under
  its title linking that source (copied into the site, so the link works offline) and a Binder link
  that opens it in JupyterLab; the theme's launch button (configured in ``_config.yml``) is pointed
  at the same source notebook, because the executed one does not exist in a fresh clone.
* **Duplicate scripts.** Jupyter Book 1 sets up some extensions' scripts twice, so every page
  carried two identical ``<script>`` blocks, one of which declares ``const THEBE_JS_URL`` again:
  the browser logged an error on every page. When the build has finished, a repeated identical
  script line in a page's head is dropped (only exact repeats; nothing else is touched).
* **Highlighted code, kept.** Pygments colouring the code cells was a fifth of a site build
  (profiled), and the book and its editions are eleven sites of the same code. Each block is
  kept in ``_build/cache/highlight/`` under a key made of the code, its language and options,
  and the Sphinx and Pygments versions, and used again by the next build. A block whose
  highlighting raised a warning is not kept, so that the warning (an error in this book's
  builds) is raised again by every build.
* **Sentences chosen by the data.** The ``case`` directive (:mod:`barometer.build.cases`) shows
  the variant of a markdown sentence that a glued word selects.
* **Glued numbers in translated sentences** (:mod:`barometer.build.translated_glue`).
* **The language switch**: each page links the same page in the other language
  (:mod:`barometer.build.language_switch`).
* **Search words stemmed once.** Sphinx remembers stems within one page only; the book's
  pages share most of their words, and stemming them again was an eighth of a site build
  (profiled). The English search language is replaced by one that remembers stems across
  pages (the same stemmer, so the same search index). The Dutch one likewise, and with the
  stemmer the browser uses for the query (see :func:`dutch_as_the_browser_stems`).
* **Page furniture in the book's language** (:mod:`barometer.build.theme_catalogues`): the
  themes' strings, MyST-NB's and the ones written here (the version, the source-notebook line)
  through catalogues of their own.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import posixpath
import re
import shutil
from pathlib import Path

from barometer import __released__, __version__
from barometer.build.theme_catalogues import translate
from barometer.data import paths

_HERE = Path(__file__).parent
#: What this extension sets up besides itself: the site build starts afresh when one changes
#: (barometer.build.pipeline._extension_files).
SITE_INPUTS = [_HERE / f"{module}.py" for module in ("cases", "translated_glue", "language_switch",
                                                                    "theme_catalogues")] + sorted(
    p for folder in ("templates", "static") for p in (_HERE / folder).rglob("*") if p.is_file())

#: Where the source notebooks are copied in the site.
SOURCE_DIR = "_notebooks"
CHAPTER_PREFIX = "book/chapters/"
_LAUNCH_PATH = re.compile(r"(urlpath=(?:lab/)?tree/)[^&\s\"']*")

_SCRIPT = re.compile(r"^\s*<script\b.*</script>\s*$")


def dedupe_page(text: str) -> str:
    head, sep, body = text.partition("</head>")
    if not sep:
        return text
    seen, kept = set(), []
    for line in head.splitlines(keepends=True):
        if _SCRIPT.match(line):
            key = line.strip()
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return "".join(kept) + sep + body


def dedupe_scripts(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = dedupe_page(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def source_notebook(pagename: str) -> Path | None:
    """The source notebook of a chapter page, or None for other pages."""
    if not pagename.startswith(CHAPTER_PREFIX):
        return None
    candidate = paths.NOTEBOOKS / (pagename[len(CHAPTER_PREFIX):] + ".ipynb")
    return candidate if candidate.is_file() else None


def binder_url(theme_options: dict, repo_path: str) -> str | None:
    """A Binder link that opens ``repo_path`` in JupyterLab, from the book's repository and
    launch-button settings (None when either is missing or the repository is not on GitHub)."""
    binderhub = (theme_options.get("launch_buttons") or {}).get("binderhub_url", "").rstrip("/")
    repo_url = (theme_options.get("repository_url") or "").rstrip("/")
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?", repo_url)
    if not binderhub or not match:
        return None
    branch = theme_options.get("repository_branch") or "main"
    return f"{binderhub}/v2/gh/{match[1]}/{match[2]}/{branch}?urlpath=lab/tree/{repo_path}"


def _repoint_launch_buttons(buttons: list, repo_path: str) -> None:
    for button in buttons:
        if button.get("type") == "group":
            _repoint_launch_buttons(button.get("buttons", []), repo_path)
        elif button.get("text") in ("Binder", "JupyterHub") and "url" in button:
            button["url"] = _LAUNCH_PATH.sub(lambda m: m[1] + repo_path, button["url"])


def link_source_notebook(app, pagename, templatename, context, doctree) -> None:
    source = source_notebook(pagename)
    if source is None or "body" not in context:
        return
    repo_path = f"notebooks/{source.name}"
    _repoint_launch_buttons(context.get("header_buttons", []), repo_path)
    href = posixpath.relpath(f"{SOURCE_DIR}/{source.name}", posixpath.dirname(pagename))
    link = (f'<a class="reference download source-notebook" href="{html.escape(href)}" '
            f'download><code>{html.escape(repo_path)}</code></a>')
    parts = [translate("Source notebook: %(link)s (parameterised, without outputs; run it with %(command)s)")
             % {"link": link, "command": "<code>make lab</code>"}]
    binder = binder_url(app.config.html_theme_options, repo_path)
    if binder:
        parts.append(f'<a class="reference external binder-link" href="{html.escape(binder)}">'
                     f'{html.escape(translate("open it on Binder"))}</a>')
    line = f'<p class="source-notebook-line">{" · ".join(parts)}</p>'
    body = context["body"]
    context["body"] = body.replace("</h1>", "</h1>\n" + line, 1) if "</h1>" in body else line + body


def copy_source_notebooks(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    # Every chapter of the book, not only the pages written in this (possibly incremental) build.
    sources = [s for s in map(source_notebook, sorted(app.env.all_docs)) if s is not None]
    target = Path(app.outdir) / SOURCE_DIR
    target.mkdir(exist_ok=True)
    for source in sources:
        shutil.copyfile(source, target / source.name)


class WarningCounter(logging.Handler):
    """Counts the warnings logged, before Sphinx's own filters see them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def highlight_cache_dir() -> Path:
    return paths.cache_dir() / "highlight"


def cached_highlighting(highlight_block, salt: str, store: Path, warning_count):
    """``highlight_block`` (a Sphinx PygmentsBridge method) answering from ``store`` when it can.

    ``warning_count()`` tells how many warnings the build has raised so far."""
    def highlight(source, lang, opts=None, force=False, location=None, **kwargs):
        key_text = json.dumps([salt, source, lang, opts, force, kwargs], sort_keys=True, default=repr)
        key = hashlib.sha256(key_text.encode()).hexdigest()
        entry = store / key[:2] / f"{key}.html"
        try:
            return entry.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            pass
        warned = warning_count()
        result = highlight_block(source, lang, opts=opts, force=force, location=location, **kwargs)
        if warning_count() == warned:  # two sites built at once may store the same block
            paths.write_atomically(entry, lambda tmp: tmp.write_text(result, encoding="utf-8"))
        return result
    return highlight


def cache_highlighting(app) -> None:
    bridge = getattr(app.builder, "highlighter", None)
    if bridge is None or app.builder.format != "html":
        return
    import pygments
    import sphinx

    salt = json.dumps([sphinx.__version__, pygments.__version__, bridge.dest,
                       repr(bridge.formatter_args.get("style")), app.config.highlight_language])
    warnings = WarningCounter()
    logging.getLogger("sphinx").addHandler(warnings)  # every Sphinx module logs below "sphinx"
    bridge.highlight_block = cached_highlighting(
        bridge.highlight_block, salt, highlight_cache_dir(), lambda: warnings.count)


def memoising_english():
    """Sphinx's English search language, remembering each word's stem for the whole build."""
    from sphinx.search.en import SearchEnglish

    class MemoisingEnglish(SearchEnglish):
        def init(self, options) -> None:
            super().init(options)
            self._stems: dict[str, str] = {}

        def stem(self, word: str) -> str:
            try:
                return self._stems[word]
            except KeyError:
                stemmed = self._stems[word] = super().stem(word)
                return stemmed

    return MemoisingEnglish


def released_on(language: str | None) -> str:
    """The release date as the book's language writes it (ISO in English: 2026-11-23; Dutch:
    23 november 2026)."""
    if not language or language == "en":
        return __released__
    import datetime as dt

    from babel.dates import format_date

    return format_date(dt.date.fromisoformat(__released__), format="long", locale=language)


def dutch_as_the_browser_stems():
    """Sphinx's Dutch search language, stemming the words of the index as the browser stems the
    words searched for.

    The browser stems a query with the JavaScript stemmer Sphinx 7.4 bundles (Snowball 2.1's Dutch,
    Martin Porter's algorithm); the index is stemmed in Python with ``snowballstemmer``'s
    ``dutch``, which since snowballstemmer 3.0 is another algorithm (Kraaij-Pohlmann:
    "organisaties" becomes "organiseer" in the index and "organisaties" in the browser). Measured
    on the Dutch book: 2,079 of its 5,264 words were indexed under a stem no search could reach. The
    old algorithm is ``dutch_porter`` there (identical stems on all 5,264 words), and ``dutch``
    before 3.0. Stems are remembered for the whole build, as for English."""
    import snowballstemmer
    from sphinx.search.nl import SearchDutch

    algorithm = "dutch_porter" if "dutch_porter" in snowballstemmer.algorithms() else "dutch"

    class DutchAsTheBrowserStems(SearchDutch):
        def init(self, options) -> None:
            super().init(options)
            self.stemmer = snowballstemmer.stemmer(algorithm)
            self._stems: dict[str, str] = {}

        def stem(self, word: str) -> str:
            try:
                return self._stems[word]
            except KeyError:
                stemmed = self._stems[word] = self.stemmer.stemWord(word.lower())
                return stemmed

    return DutchAsTheBrowserStems


def stamp_version(app, config) -> None:
    """The compendium's version into Sphinx's own fields, the theme's banner and footer, and the
    MyST substitutions (see the module's docstring)."""
    config.version = config.release = __version__
    options = dict(config.html_theme_options or {})
    fields = {"version": __version__, "date": released_on(config.language)}
    version = ('<span class="edition-version">'
               f'{html.escape(translate("Barometer %(version)s (released %(date)s)") % fields)}</span>')
    # (an edition's banner already states its parameters: the version follows them)
    edition = options.get("announcement")
    options["announcement"] = f"{edition} · {version}" if edition else version
    footer = options.get("extra_footer", "")
    options["extra_footer"] = f"<p>{html.escape(translate('Barometer %(version)s, released %(date)s.') % fields)}</p>\n{footer}"
    config.html_theme_options = options
    if hasattr(config, "myst_substitutions"):  # (a build with MyST, as the book's)
        config.myst_substitutions = {**(config.myst_substitutions or {}),
                                     "version": __version__, "released": __released__}


def setup(app):
    from sphinx import search

    from barometer.build import cases, theme_catalogues

    # (first: the catalogues of the page furniture, which the handlers below translate through)
    theme_catalogues.setup(app)
    app.connect("config-inited", stamp_version)
    cases.setup(app)
    app.setup_extension("barometer.build.language_switch")  # the same page in the other language
    if "myst_nb" in app.extensions:  # (the book loads it first; a bare Sphinx project has no glue)
        # a glued number inside a sentence translated through a message catalogue
        app.setup_extension("barometer.build.translated_glue")

    # Sphinx looks its search languages up in this table; there is no other way to add one.
    search.languages["en"] = memoising_english()
    search.languages["nl"] = dutch_as_the_browser_stems()
    app.connect("builder-inited", cache_highlighting)
    # After the theme (priority 501) has built its launch buttons, so that they can be repointed.
    app.connect("html-page-context", link_source_notebook, priority=600)
    app.connect("build-finished", copy_source_notebooks)
    app.connect("build-finished", dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
