"""Glued numbers and section anchors in translated pages.

Sphinx translates a page by parsing each translated message (from a ``.po`` catalogue) as a small
document of its own and putting it in place of the original paragraph. MyST-NB resolves a
``{glue:text}`` role while it parses, from the notebook behind the document; the small document
has no notebook, so the role finds nothing ("No key 'rate' found in glue data for this document")
and the Dutch sentence loses its number.

Here the ``glue:text`` role, when it meets a document without a notebook (that is: a translated
message), leaves a pending reference to the page being read instead. MyST-NB's own post-transform
(``ReplacePendingGlueReferences``, which serves glue from other pages) fills it in after the
translation step, from the glue data the page's notebook left in the build folder, with the same
format specification. A page that is not translated takes MyST-NB's path unchanged.

Section anchors: Sphinx translates a heading by parsing it as a small document too, and MyST, at
the end of every parse, stores that document's heading slugs as the page's. After the last
translated heading the page knew one slug, the Dutch one, and every link to an English anchor
(``03_innovation_types.ipynb#the-innovation-spectrum``) failed. The page's own slugs are kept
across the translation step (the section ids Sphinx keeps are the English ones), so that a link
reaches the same section in every language.

Table-of-contents captions: jupyter-book's table of contents (sphinx-external-toc) puts the
toctrees into the root page after the translation step, so their captions ("Climate and
conditions") stayed English in the sidebar of every page although the catalogue translates them.
They are translated from the root page's catalogue once inserted.
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import PendingGlueReference
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import Locale


class GlueTextInTranslations(PasteTextRole):
    """``{glue:text}`key[:format]``` that also works in a translated message."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        if "nb_renderer" in self.document or "::" in self.text:
            return super().run()
        key, _, fmt_spec = self.text.rpartition(":") if ":" in self.text else (self.text, "", "s")
        ref = PendingGlueReference(refdoc=self.document.settings.env.docname, key=key, inline=True, gtype="text", fmt_spec=fmt_spec)
        ref.source, ref.line = self.source, self.line
        return [ref], []


class KeepSlugs(SphinxTransform):
    """Before the translation step: note the page's heading slugs (MyST's, English)."""

    default_priority = Locale.default_priority - 1

    def apply(self, **kwargs) -> None:
        slugs = self.env.metadata.get(self.env.docname, {}).get("myst_slugs")
        if slugs is not None:
            self.env.temp_data["barometer_slugs"] = dict(slugs)


class RestoreSlugs(SphinxTransform):
    """After it: the page's slugs as they were (see the module docstring)."""

    default_priority = Locale.default_priority + 1

    def apply(self, **kwargs) -> None:
        slugs = self.env.temp_data.pop("barometer_slugs", None)
        if slugs is not None:
            self.env.metadata[self.env.docname]["myst_slugs"] = slugs


class TranslateTocCaptions(SphinxTransform):
    """After sphinx-external-toc's InsertToctrees (priority 100): the captions from the catalogue."""

    default_priority = 101

    def apply(self, **kwargs) -> None:
        from os import path

        from sphinx import addnodes
        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain

        toctrees = [t for t in self.document.findall(addnodes.toctree) if t.get("caption")]
        if not toctrees or not self.config.language or self.config.language == "en":
            return
        dirs = [path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        catalog, found = init_locale(dirs, self.config.language, domain)
        if found:
            for toctree in toctrees:
                toctree["caption"] = catalog.gettext(toctree["caption"])


def setup(app) -> dict:
    """Replace MyST-NB's ``glue:text`` role (load after ``myst_nb``); keep the anchors."""
    app.add_role_to_domain("glue", "text", GlueTextInTranslations(), override=True)
    app.add_transform(KeepSlugs)
    app.add_transform(RestoreSlugs)
    app.add_transform(TranslateTocCaptions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
