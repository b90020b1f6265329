"""Write environment.yml from requirements.in and requirements.lock (run by `make lock`)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
    lines += [f"  - {name}={lock[name]}" for name in top_level(ROOT / "requirements.in")]
    lines += ["  - pip:", "      - -e ."]
    (ROOT / "environment.yml").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
