"""The ``case`` directive (barometer.build.cases): a markdown sentence shown where a glued word
selects it, and a build error where no case matches or the key was never glued."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import nbformat
import pytest

PREFIX = "application/papermill.record/"


def glue_output(key: str, text: str) -> dict:
    """A code cell's output as ``glue`` writes it (MyST-NB reads it as glue data)."""
    return nbformat.v4.new_output("display_data", data={f"{PREFIX}text/plain": repr(text)},
                                  metadata={"scrapbook": {"name": key, "mime_prefix": PREFIX}})


def build(tmp_path, glued: dict[str, str], markdown: str, builder: str = "html") -> tuple[int, str, str]:
    """Build a one-notebook book (already executed) with the extension; the exit code, the
    page's text and the warnings."""
    source = tmp_path / "src"
    source.mkdir(exist_ok=True)
    (source / "conf.py").write_text(
        'extensions = ["myst_nb", "barometer.build.cases"]\n'
        'nb_execution_mode = "off"\nmyst_enable_extensions = ["colon_fence"]\n'
        'exclude_patterns = ["_build"]\n')
    code = nbformat.v4.new_code_cell("ch.glue(...)", outputs=[glue_output(k, v) for k, v in glued.items()])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Page"), code,
                                         nbformat.v4.new_markdown_cell(markdown)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, source / "index.ipynb")
    out = tmp_path / f"out-{builder}"
    warnings = tmp_path / "warnings.txt"
    # (in a process of its own: a Sphinx build with -W leaves its warning handling on the loggers)
    code = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", builder, "-w", str(warnings),
                           str(source), str(out)], capture_output=True).returncode
    page = out / "index.html"
    text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")) if page.exists() else ""
    if builder == "gettext":
        text = (out / "index.pot").read_text(encoding="utf-8")
    return code, " ".join(text.split()), warnings.read_text(encoding="utf-8") if warnings.exists() else ""


CASES = """
:::{case} view none
No sector is chosen.
:::

:::{case} view shown
The sector {glue:text}`name` is shown.
:::

:::{case} view hidden other
The sector {glue:text}`name` is not broken out.
:::
"""


@pytest.mark.parametrize(("word", "shown", "not_shown"), [
    ("none", "No sector is chosen.", ["is shown", "not broken out"]),
    ("shown", "The sector Gemeente is shown.", ["No sector", "not broken out"]),
    ("other", "The sector Gemeente is not broken out.", ["No sector", "is shown"]),
])
def test_the_page_shows_the_case_its_glued_word_selects_and_no_other(tmp_path, word, shown, not_shown):
    code, text, warnings = build(tmp_path, {"view": word, "name": "Gemeente"}, CASES)
    assert code == 0, warnings
    assert shown in text
    assert not any(s in text for s in not_shown), text


def test_a_case_not_taken_may_name_glue_that_this_edition_does_not_have(tmp_path):
    """The default book has no sector: the sector's sentence names glue it never computed."""
    code, text, warnings = build(tmp_path, {"view": "none"}, CASES)
    assert code == 0, warnings
    assert "No sector is chosen." in text


def test_a_glued_word_that_no_case_names_fails_the_build(tmp_path):
    code, _, warnings = build(tmp_path, {"view": "highlighted", "name": "Gemeente"}, CASES)
    assert code != 0
    assert "case 'view': glued as 'highlighted'" in warnings


def test_a_word_the_output_check_held_back_shows_no_case_and_the_build_goes_on(tmp_path):
    code, text, warnings = build(tmp_path, {"view": "#", "name": "#"}, CASES)
    assert code == 0, warnings
    assert not any(s in text for s in ("No sector", "is shown", "not broken out")), text


def test_a_case_whose_key_was_never_glued_fails_the_build(tmp_path):
    code, _, warnings = build(tmp_path, {"name": "Gemeente"}, CASES)
    assert code != 0
    assert "case 'view'" in warnings and "No key 'view'" in warnings


def test_the_message_catalogue_holds_every_case(tmp_path):
    """A translator sees every variant, whichever one this build's data select."""
    code, pot, warnings = build(tmp_path, {"view": "none", "name": "Gemeente"}, CASES, builder="gettext")
    assert code == 0, warnings
    for message in ("No sector is chosen.", "The sector {glue:text}`name` is shown.",
                    "The sector {glue:text}`name` is not broken out."):
        assert json.dumps(message) in pot, pot


def test_every_case_key_of_the_chapters_is_glued_with_a_word_its_cases_name():
    """Statically, in every chapter notebook: a case's key is glued in the chapter's code (or its
    module), and each word the code can glue under it (a literal) has a case. In the microdata part
    of a chapter a word reaches the gate typed, still as a literal: ``ch.fixed("own")`` where the
    data's provenance chooses it, ``ch.verdict("listed", on=...)`` where the data do."""
    from test_chapters import NOTEBOOKS, chapter_code

    keys = 0
    for nb_path in NOTEBOOKS:
        nb = nbformat.read(nb_path, as_version=4)
        md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        code = chapter_code(nb)
        declared: dict[str, set[str]] = {}
        for key, values in re.findall(r"^:{3,}\{case\}\s+(\S+)\s+(.+)$", md, flags=re.M):
            declared.setdefault(key, set()).update(values.split())
        for key, values in declared.items():
            glued = set(re.findall(rf"glue\(\s*\"{key}\",\s*(?:ch\.(?:fixed|verdict)\(\s*)?\"([^\"]+)\"", code))
            assert glued, f"{nb_path.name}: case key {key!r} is never glued with a literal word"
            assert glued <= values, f"{nb_path.name}: {key!r} can be glued as {sorted(glued - values)}, no case names it"
            assert values <= glued, f"{nb_path.name}: {key!r} has cases the code never selects: {sorted(values - glued)}"
        keys += len(declared)
    assert keys, "no chapter uses a case (the check would pass on nothing)"
