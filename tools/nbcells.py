"""Maintenance helper: print or replace cells of a chapter notebook (sources only, no outputs).

    python tools/nbcells.py show notebooks/01_who_took_part.ipynb [first [last]]
    python tools/nbcells.py set notebooks/01_who_took_part.ipynb 22 cell22.py   # replace cell 22's source
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> None:
    cmd, path = argv[0], Path(argv[1])
    nb = load(path)
    if cmd == "show":
        first = int(argv[2]) if len(argv) > 2 else 0
        last = int(argv[3]) if len(argv) > 3 else len(nb["cells"]) - 1
        for i in range(first, last + 1):
            c = nb["cells"][i]
            print(f"----- [{i}] {c['cell_type']} {c.get('metadata', {}).get('tags', '')}")
            print("".join(c["source"]))
    elif cmd == "set":
        i, text = int(argv[2]), Path(argv[3]).read_text(encoding="utf-8")
        nb["cells"][i]["source"] = text.splitlines(keepends=True)
        save(path, nb)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
