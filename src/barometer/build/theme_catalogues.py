"""The page furniture of a translated book: the themes' own strings, MyST-NB's and ours.

The book's prose goes through one catalogue per page (:mod:`barometer.build.translation`). What
surrounds it on every page (the search box, "Skip to main content", "Back to top", previous and
next, the colour-mode switch, the download buttons' tooltips, the footer, the edition banner, the
prompts of hidden code cells) comes from the themes, from MyST-NB and from our extension. Its
catalogues are committed in ``locale/<lang>/LC_MESSAGES/theme/``, one per gettext domain:

* ``sphinx.po``: the ``sphinx`` domain, Sphinx's own strings and pydata-sphinx-theme's (the theme
  adds its catalogue to Sphinx's domain and ships no Dutch one; Sphinx's Dutch lacks "Link to this
  heading", and its date format is the English one, "dec 08, 2026");
* ``booktheme.po``: sphinx-book-theme's domain. The theme ships a Dutch catalogue, incomplete (no
  "Launch on") and machine-made ("Lancering", "suggereren bewerken");
* ``barometer.po``: ours. The strings our extension writes (the source-notebook line, the
  version), the configuration's text (title, author, footer, search placeholder, figure numbering,
  the edition banner that :func:`barometer.build.pipeline.stage_sources` writes), MyST-NB's prompts
  of hidden code cells (MyST-NB has no catalogue: its prompts are configuration values, translated
  here once MyST-NB has written them), sphinx-copybutton's tooltips (its own table has no Dutch),
  and the few attributes the themes write in English without asking gettext (:data:`FIXED`).

The catalogues are compiled with Babel when the build starts (into the build's doctree folder;
``*.mo`` is not committed) and registered with ``app.add_message_catalog``. Sphinx merges a
domain's catalogues in the order they are registered, the first one winning: ours is put before
those registered earlier (Sphinx's own Dutch, sphinx-book-theme's), which stay behind it as the
fallback for strings ours does not have. An English build registers nothing and changes nothing.
"""

from __future__ import annotations

import html
import json
from gettext import NullTranslations
from pathlib import Path

from sphinx import locale
from sphinx.locale import get_translation

#: Folder of the furniture's catalogues, inside ``locale/<lang>/LC_MESSAGES/``.
FOLDER = "theme"
#: Our own domain.
OURS = "barometer"
#: Where the compiled catalogues go, inside the build's doctree folder.
COMPILED = "theme-catalogues"
#: Attributes the themes and MyST-NB write in English, not through gettext (template text, not
#: a call to ``_()``); their translations are in our catalogue.
FIXED = (("aria-label", "Main"), ("aria-label", "Page"), ("aria-label", "Announcement"),
         ("title", "Toggle primary sidebar"), ("title", "Toggle secondary sidebar"),
         ("aria-label", "Toggle hidden content"), ("alt", "Binder logo"))
#: Strings the browser shows from Sphinx's ``translations.js`` (search results), whose Dutch
#: Sphinx leaves empty; they are added to it from our ``sphinx`` catalogue.
SEARCH_MESSAGES = ("Search finished, found ${resultCount} page(s) matching the search query.",
                   "Your search did not match any documents. Please make sure that all words are "
                   "spelled correctly and that you've selected enough categories.")
#: sphinx-copybutton's messages, by its own keys.
COPY_MESSAGES = {"copy": "Copy", "copy_to_clipboard": "Copy to clipboard", "copy_success": "Copied!",
                 "copy_failure": "Failed to copy"}

_ = get_translation(OURS)
_sphinx = get_translation("sphinx")


def translate(message: str) -> str:
    """``message`` from our catalogue (itself when the build is not translated)."""
    return str(_(message))


def translated(app) -> bool:
    return bool(app.config.language) and app.config.language != "en"


def catalogue_folders(app) -> list[Path]:
    """The folders of the furniture's catalogues in the build's ``locale_dirs``."""
    return [Path(app.srcdir, d, app.config.language, "LC_MESSAGES", FOLDER) for d in app.config.locale_dirs]


def compile_catalogues(folders: list[Path], target: Path, lang: str) -> list[str]:
    """Compile every ``<domain>.po`` of ``folders`` into ``target/<lang>/LC_MESSAGES/<domain>.mo``
    with Babel (fuzzy messages left out, as Sphinx does); returns the domains. A domain found in
    two folders is taken from the first, as Sphinx takes a page's catalogue."""
    from babel.messages import mofile, pofile

    domains: list[str] = []
    for folder in folders:
        for po in sorted(folder.glob("*.po")):
            if po.stem in domains:
                continue
            with po.open("rb") as f:
                catalogue = pofile.read_po(f, locale=lang, domain=po.stem)
            mo = target / lang / "LC_MESSAGES" / f"{po.stem}.mo"
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as f:
                mofile.write_mo(f, catalogue)
            domains.append(po.stem)
    return domains


def register_first(app, domain: str, locale_dir: Path) -> bool:
    """Register ``domain``'s catalogue in ``locale_dir`` ahead of those registered before it."""
    key = ("general", domain)
    earlier = locale.translators.pop(key, None)
    app.add_message_catalog(domain, str(locale_dir))
    ours = locale.translators.get(key)
    if ours is None or ours.__class__ is NullTranslations:  # (not found: leave things as they were)
        if earlier is not None:
            locale.translators[key] = earlier
        return False
    if earlier is not None and earlier.__class__ is not NullTranslations:
        ours.add_fallback(earlier)
    if domain == "sphinx":
        app.translator = ours  # the templates render with the application's translator
    return True


def register(app) -> list[str]:
    """Compile and register the furniture's catalogues of the build's language; the domains."""
    if not translated(app):
        return []
    target = Path(app.doctreedir) / COMPILED
    domains = compile_catalogues(catalogue_folders(app), target, app.config.language)
    return [d for d in domains if register_first(app, d, target)]


# --------------------------------------------------------------------------- what is translated


def translate_config(app, config) -> None:
    """The configuration's text: before the version is stamped into the banner and the footer."""
    if config.html_title:
        config.html_title = translate(config.html_title)
    if config.author:
        config.author = translate(config.author)
    options = dict(config.html_theme_options or {})
    for key in ("search_bar_text", "extra_footer"):
        if options.get(key):
            text = options[key]
            options[key] = translate(text.strip()) + text[len(text.rstrip()):]
    edition = options.get("announcement") or ""
    prefix = "Edition with parameters: "
    if edition.startswith(prefix):
        options["announcement"] = translate("Edition with parameters: %(parameters)s") % {
            "parameters": edition[len(prefix):]}
    config.html_theme_options = options
    config.numfig_format = {kind: translate(fmt) for kind, fmt in (config.numfig_format or {}).items()}


def translate_fixed(page: str) -> str:
    """A rendered page with the :data:`FIXED` attributes translated."""
    for attribute, english in FIXED:
        dutch = translate(english)
        if dutch != english:
            page = page.replace(f'{attribute}="{english}"', f'{attribute}="{html.escape(dutch)}"')
    return page


def browser_messages(app) -> str:
    """A script adding our translations of the search page's and the copy button's messages."""
    search = {m: str(_sphinx(m)) for m in SEARCH_MESSAGES}
    search = {m: t for m, t in search.items() if t and t != m}
    copy = {key: translate(m) for key, m in COPY_MESSAGES.items()}
    lang = json.dumps(app.config.language)
    script = [f"if (typeof Documentation !== 'undefined') "
              f"{{ Object.assign(Documentation.TRANSLATIONS, {json.dumps(search, ensure_ascii=False)}); }}"]
    # sphinx-copybutton picks its language from a table of its own, when the page loads
    script.append(f"if (typeof messages !== 'undefined' && typeof locale !== 'undefined') "
                  f"{{ messages[{lang}] = {json.dumps(copy, ensure_ascii=False)}; "
                  f"if (document.documentElement.lang === {lang}) {{ locale = {lang}; }} }}")
    return " ".join(script)  # (one line: see sphinx_ext.dedupe_page)


def on_builder_inited(app) -> None:
    if app.builder.format != "html":
        return
    templates = getattr(app.builder, "templates", None)
    if templates is not None:
        render = templates.render
        templates.render = lambda template, context: translate_fixed(render(template, context))
        # Sphinx writes a page again when its source or a template is newer than the page: the
        # furniture's catalogues count as templates, or a changed translation would reach only
        # the pages changed with it.
        newest = templates.newest_template_mtime
        catalogues = max((po.stat().st_mtime for folder in catalogue_folders(app) for po in folder.glob("*.po")),
                         default=0.0)
        templates.newest_template_mtime = lambda: max(newest(), catalogues)


def translate_cell_prompts():
    """A post-transform translating MyST-NB's prompts of hidden code cells ("Show code cell
    source"), after MyST-NB's own (priority 199) has written them."""
    from myst_nb.sphinx_ import HideCodeCellNode
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class TranslateCellPrompts(SphinxPostTransform):
        default_priority = 200
        formats = ("html",)

        def run(self, **kwargs) -> None:
            for node in self.document.findall(HideCodeCellNode):
                for key in ("prompt_show", "prompt_hide"):
                    node[key] = translate(node[key])

    return TranslateCellPrompts


def setup(app) -> list[str]:
    """Called from :mod:`barometer.build.sphinx_ext`'s setup; the domains registered."""
    domains = register(app)
    if OURS not in domains:  # (an English build; the rest needs our catalogue)
        return domains
    app.connect("config-inited", translate_config, priority=400)  # (before the version's stamp)
    app.connect("builder-inited", on_builder_inited)
    # after Sphinx's translations.js and sphinx-copybutton's script (both at the default priority)
    app.add_js_file(None, body=browser_messages(app), priority=700)
    if "myst_nb" in app.extensions:
        app.add_post_transform(translate_cell_prompts())
    return domains
