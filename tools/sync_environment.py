"""Write environment.yml from requirements.in and requirements.lock (run by `make lock`)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


#: conda-forge's names where they differ from PyPI's: Playwright's Python package is
#: playwright-python there, and matplotlib-base is matplotlib without a GUI toolkit (what Binder
#: and a headless build want; the full matplotlib pulls in Qt).
CONDA_NAMES = {"playwright": "playwright-python", "matplotlib": "matplotlib-base"}
#: Installed with pip inside the conda environment: packages conda-forge lacks (or lacks at the
#: locked version). Keep this in step with conda-forge when the lock changes.
PIP_ONLY: set[str] = set()


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.lower())


def read_lock(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[normalise(name)] = version
    return pins


def top_level(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            names.append(normalise(re.split(r"[=<>!~\[ ]", line)[0]))
    return names


def main() -> None:
    lock = read_lock(ROOT / "requirements.lock")
    lines = [
        "# Conda/mamba and Binder environment. Versions mirror requirements.lock (a test checks it);",
        "# regenerate both with `make lock`.",
        "name: barometer",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
    ]
    names = top_level(ROOT / "requirements.in")
    lines += [f"  - {CONDA_NAMES.get(name, name)}={lock[name]}" for name in names if name not in PIP_ONLY]
    lines += ["  - pip:", *(f"      - {name}=={lock[name]}" for name in names if name in PIP_ONLY), "      - -e ."]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
