"""requirements.lock and environment.yml describe the same versions."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata

import yaml

from barometer.data import paths


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.lower())


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.strip().split("==")
            pins[normalise(name)] = version
    return pins


def _sync():
    """tools/sync_environment.py (not a package module): its name mapping and generator."""
    import runpy

    return runpy.run_path(str(paths.ROOT / "tools" / "sync_environment.py"), run_name="sync")


def environment_pins() -> dict[str, str]:
    """environment.yml's pins under PyPI's names (conda-forge's names mapped back), conda and pip."""
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    pypi = {conda: name for name, conda in _sync()["CONDA_NAMES"].items()}
    pins = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            if "=" in entry and not entry.startswith("-"):
                name, version = re.split(r"==?", entry, maxsplit=1)
                pins[pypi.get(normalise(name), normalise(name))] = version
    return pins


def test_environment_yml_uses_conda_forge_names_and_is_what_the_lock_generates(tmp_path, monkeypatch):
    text = (paths.ROOT / "environment.yml").read_text()
    assert "- playwright-python=" in text and "- matplotlib-base=" in text
    assert not re.search(r"^  - (playwright|matplotlib)=", text, re.M)
    sync = _sync()
    monkeypatch.setitem(sync["main"].__globals__, "ROOT", tmp_path)
    for name in ("requirements.in", "requirements.lock"):
        (tmp_path / name).write_text((paths.ROOT / name).read_text())
    sync["main"]()
    assert (tmp_path / "environment.yml").read_text() == text


def top_level() -> list[str]:
    names = []
    for line in (paths.ROOT / "requirements.in").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.append(normalise(re.split(r"[=<>!~\[ ]", line)[0]))
    return names


def test_every_lock_line_is_an_exact_pin():
    for line in (paths.ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-!]+", line.strip()), line


def test_environment_yml_pins_match_the_lock():
    lock, env = lock_pins(), environment_pins()
    env.pop("python", None)
    mismatched = {k: (v, lock.get(k)) for k, v in env.items() if lock.get(k) != v}
    assert mismatched == {}


def test_every_top_level_requirement_is_in_environment_yml():
    env = environment_pins()
    assert [n for n in top_level() if n not in env] == []


def test_the_running_environment_is_the_locked_one():
    lock = lock_pins()
    for name in ("jupyter-book", "sphinx", "pandas", "papermill", "statsmodels", "pingouin"):
        assert metadata.version(name) == lock[name], name


def test_jupyter_book_is_1x_with_sphinx_7_4():
    assert lock_pins()["jupyter-book"].startswith("1.")
    assert lock_pins()["sphinx"].startswith("7.4")


def test_no_process_builds_the_iri_grammar_on_importing_nbformat():
    """rfc3987-syntax, an optional extra of jupyter-events, compiles a grammar when jsonschema
    imports it: 2 s in every kernel, worker and site build. It is left out of the lock (see
    UNLOCKED in the Makefile), so importing nbformat must not load it."""
    assert not {"rfc3987-syntax", "lark"} & set(lock_pins())
    assert "rfc3987-syntax|lark" in (paths.ROOT / "Makefile").read_text()
    probe = "import sys, nbformat, myst_nb.ext.glue; print(sorted({'rfc3987_syntax', 'lark'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
