"""Refuse files over 1 MB (pre-commit hook; tests/test_repository.py checks the tree too)."""

import sys
from pathlib import Path

LIMIT = 1_000_000


def main(argv: list[str]) -> int:
    big = [p for p in argv if Path(p).is_file() and Path(p).stat().st_size > LIMIT]
    for p in big:
        print(f"{p}: {Path(p).stat().st_size} bytes is over the {LIMIT} byte limit")
    return 1 if big else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
