"""Glued numbers survive translation (barometer.build.translated_glue): a sentence translated
through a message catalogue keeps its glued value, formatted as the role says; without the
extension MyST-NB drops it (the test shows the failure it prevents)."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest
from babel.messages import mofile, pofile

PREFIX = "application/papermill.record/"
SENTENCE = "In 2025, {glue:text}`rate` of organisations innovated; the mean was {glue:text}`mean:.1f`."
TRANSLATION = "In 2025 innoveerde {glue:text}`rate` van de organisaties; het gemiddelde was {glue:text}`mean:.1f`."


def glue_output(key: str, value) -> dict:
    return nbformat.v4.new_output("display_data", data={f"{PREFIX}text/plain": repr(value)},
                                  metadata={"scrapbook": {"name": key, "mime_prefix": PREFIX}})


def build(tmp_path, extensions: list[str], language: str) -> tuple[int, str, str]:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(f"extensions = {extensions!r}\nnb_execution_mode = 'off'\n"
                                    "locale_dirs = ['locale']\ngettext_compact = False\n")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Page"),
        nbformat.v4.new_code_cell("glue", outputs=[glue_output("rate", "76%"), glue_output("mean", 3.6349)]),
        nbformat.v4.new_markdown_cell(SENTENCE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source / "index.ipynb")
    messages = source / "locale" / "nl" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "index.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        f'msgid "{SENTENCE}"\nmsgstr "{TRANSLATION}"\n', encoding="utf-8")
    with open(messages / "index.po", "rb") as po, open(messages / "index.mo", "wb") as mo:
        mofile.write_mo(mo, pofile.read_po(po))
    warnings = tmp_path / "warnings.txt"
    # (in a process of its own: Sphinx keeps the translations it loaded for the rest of a process)
    code = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", f"language={language}",
                           "-w", str(warnings), str(source), str(tmp_path / "html")]).returncode
    page = re.sub(r"<[^>]+>", "", (tmp_path / "html" / "index.html").read_text(encoding="utf-8"))
    return code, " ".join(page.split()), warnings.read_text(encoding="utf-8")


EXTENSIONS = ["myst_nb", "barometer.build.translated_glue"]


def test_a_translated_sentence_keeps_its_glued_values_and_their_format(tmp_path):
    code, page, warnings = build(tmp_path, EXTENSIONS, "nl")
    assert code == 0 and warnings == "", warnings
    assert "In 2025 innoveerde 76% van de organisaties; het gemiddelde was 3.6." in page


def test_an_untranslated_page_reads_as_before(tmp_path):
    code, page, warnings = build(tmp_path, EXTENSIONS, "en")
    assert code == 0 and warnings == "", warnings
    assert "In 2025, 76% of organisations innovated; the mean was 3.6." in page


@pytest.mark.parametrize("extensions", [["myst_nb"]], ids=["myst-nb alone"])
def test_without_the_extension_the_translation_loses_its_numbers(tmp_path, extensions):
    """What the extension is for: MyST-NB alone warns and drops the glued value."""
    _, page, warnings = build(tmp_path, extensions, "nl")
    assert "No key 'rate' found in glue data" in warnings
    assert "innoveerde van de organisaties" in page
