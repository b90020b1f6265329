"""No repeated code in the package or in the notebooks: pylint's duplicate-code check (six lines or
more, imports, comments, docstrings and signatures ignored) over the package and the notebooks'
code cells exported as scripts. The parameters cell is left out: papermill needs it in every
notebook, and its defaults are documented in one place (barometer.book.parameters)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

from barometer.data import paths

OPTIONS = ["--disable=all", "--enable=duplicate-code", "--min-similarity-lines=6", "--ignore-imports=yes",
           "--ignore-comments=yes", "--ignore-docstrings=yes", "--ignore-signatures=yes", "--score=no",
           "--persistent=no"]


def export_notebooks(folder: Path) -> list[Path]:
    scripts = []
    for nb_path in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        code = "\n\n".join(c.source for c in nb.cells
                           if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []))
        script = folder / f"notebook_{nb_path.stem}.py"
        script.write_text(code + "\n", encoding="utf-8")
        scripts.append(script)
    return scripts


def duplicates(files: list[Path]) -> str:
    out = subprocess.run([sys.executable, "-m", "pylint", *OPTIONS, *map(str, files)],
                         capture_output=True, text=True, cwd=paths.ROOT)
    assert "Traceback" not in out.stderr, out.stderr
    return out.stdout


def test_the_check_finds_a_repeated_block(tmp_path):
    block = "".join(f"total_{i} = compute({i}) * {i + 1}\n" for i in range(7))
    (tmp_path / "one.py").write_text("first = 1\n" + block)
    (tmp_path / "two.py").write_text("second = 2\n" + block)
    assert "R0801" in duplicates([tmp_path / "one.py", tmp_path / "two.py"])


def test_no_code_is_repeated_in_the_package_or_the_notebooks(tmp_path):
    scripts = export_notebooks(tmp_path)
    assert len(scripts) >= 13
    report = duplicates([paths.PACKAGE, *scripts])
    assert "R0801" not in report, report
