"""Labels in the reader's language: the ``lang`` parameter of every chapter.

Dutch labels are the report's own wording (kept in the codebook); English labels are ours.
Groups (sectors, size classes, clusters, countries) come from ``data/codebook/group_names.csv``;
answer options and questions from ``options.csv`` and ``variables.csv``.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from barometer.data import codebook as md
from barometer.data import paths

LANGS = ("en", "nl")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


@lru_cache(maxsize=1)
def _groups() -> pd.DataFrame:
    return pd.read_csv(paths.record_input(paths.CODEBOOK / "group_names.csv"), keep_default_na=False)


@lru_cache(maxsize=1)
def _group_names() -> dict[tuple[str, str], dict[str, str]]:
    """(breakdown, canonical group) -> {"en": ..., "nl": ...}; the first row wins, as before.
    A dictionary because chapters ask for group names over a thousand times."""
    names: dict[tuple[str, str], dict[str, str]] = {}
    for row in _groups().itertuples(index=False):
        names.setdefault((row.breakdown, row.group), {"en": str(row.label_en), "nl": str(row.label_nl)})
    return names


def group(label: str, breakdown: str = "sector", lang: str = "en") -> str:
    """A group's name: 'Gemeente' -> 'Municipality' (en) or 'Gemeente' (nl).

    Printed spellings ('Rechtswezen', 'Gemeenten') are first made canonical."""
    canonical = md.canonical_group(breakdown, label)
    hit = _group_names().get((breakdown, canonical))
    if hit is None:
        return label
    return hit[check_lang(lang)]


def groups(labels, breakdown: str = "sector", lang: str = "en") -> list[str]:
    return [group(x, breakdown, lang) for x in labels]


def option(variable: str, code_or_label, lang: str = "en") -> str:
    """An answer option's label from its code or its Dutch label."""
    opts = md.options_of(variable)
    if isinstance(code_or_label, str):
        hit = opts[opts["label_nl"].str.lower() == code_or_label.lower()]
    else:
        hit = opts[opts["code"] == int(code_or_label)]
    if hit.empty:
        return str(code_or_label)
    return str(hit.iloc[0]["label_nl" if check_lang(lang) == "nl" else "label_en"])


def options(variable: str, lang: str = "en") -> dict[int, str]:
    """Code -> label for every option of a question."""
    opts = md.options_of(variable)
    col = "label_nl" if check_lang(lang) == "nl" else "label_en"
    return dict(zip(opts["code"].astype(int), opts[col], strict=True))


def column(name: str, lang: str = "en") -> str:
    """The label of one microdata column (an option or statement of a question)."""
    col = md.column(name)
    return col.label_nl if check_lang(lang) == "nl" else col.label_en


def question(variable: str, lang: str = "en") -> str:
    """The wording of a question (Dutch: as printed or paraphrased in the report)."""
    variables, _ = md.codebook()
    row = variables[variables["variable"] == variable]
    if row.empty:
        return variable
    return str(row.iloc[0]["label_nl" if check_lang(lang) == "nl" else "label_en"])


__all__ = ["LANGS", "check_lang", "group", "groups", "option", "options", "column", "question"]
