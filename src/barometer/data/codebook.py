"""The organisation-level microdata: one row per organisation per wave.

The schema is derived from the codebook (``data/codebook/``): every question of the
survey becomes one column (single answers, Likert items, binaries) or one 0/1 column per
option (multiple answers). Each column has a *universe*: the organisations that were asked.
Outside its universe a cell is empty **by design**; inside it, an empty cell is **item
non-response**. The two are never confused: :func:`missingness` tells them apart.

Column naming: ``<variable>`` for single answers, ``<variable>_<code>`` for one option of a
multiple-answer question or one statement of a Likert battery (codes as in
``data/codebook/options.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

import pandas as pd

from barometer.data import paths

WAVES = (2021, 2025)

#: Universes: who was asked. Each maps a data frame to a boolean mask of the rows asked.
UNIVERSES = {
    "all": "every organisation",
    "innovators": "organisations that implemented an innovation (innovated = 1)",
    "inspired_or_copied": "innovators whose innovation was inspired by or copied from elsewhere (origin 1 or 3)",
    "collaborated": "innovators that collaborated with others (a partner other than 'no' or 'don't know')",
    "failed": "organisations with a failed innovation attempt (failed_attempt = 1)",
}

#: The answers each universe is decided by (a universe can only be computed once these parse).
UNIVERSE_DEPENDS_ON = {
    "all": (),
    "innovators": ("innovated",),
    "inspired_or_copied": ("innovated", "origin"),
    "collaborated": ("innovated", "collaboration_partner"),
    "failed": ("failed_attempt",),
}

# Variables that are organisation characteristics rather than questions of the codebook.
DESIGN_LABELS = {
    "sector": ["Gemeente", "GR", "Hoge Colleges van Staat", "Privaat", "Provincie", "Recht",
               "Rijksoverheid", "Waterschap", "Zbo"],
    "national_government_type": ["Kerndepartement", "Diensten en agentschappen", "ZBO", "Niet nationaal"],
    "size_class": ["Klein", "Middelgroot", "Groot"],
}

# Questions asked only in the 2025 wave (the report: goals and effects were new in 2025;
# failure and knowledge sharing are reported for 2025 only, so we treat them as new too).
ONLY_2025 = {"goal", "effect", "failed_attempt", "failure_reason", "failure_phase",
             "applicable_elsewhere", "knowledge_sharing_action"}

# Which universe each question has (the codebook's 'universe' in words, made operational).
UNIVERSE_OF = {
    "innovation_officer": "all", "innovated": "all", "climate_statement": "all",
    "preconditions_statement": "all", "failed_attempt": "all",
    "innovation_type": "innovators", "degree_of_change": "innovators", "origin": "innovators",
    "channel": "inspired_or_copied", "initiative_source": "innovators",
    "collaboration_partner": "innovators", "collaboration_phase": "collaborated",
    "funding_source": "innovators", "evaluation": "innovators", "strategy": "innovators",
    "technology_content": "innovators", "promoting_factor": "innovators", "goal": "innovators",
    "effect": "innovators", "applicable_elsewhere": "innovators",
    "knowledge_sharing_action": "innovators", "failure_reason": "failed", "failure_phase": "failed",
}

#: Options of ``collaboration_partner`` that mean "did not collaborate".
NO_COLLABORATION = ("Nee, geen samenwerking met anderen", "Weet niet")


@dataclass(frozen=True)
class Column:
    """One column of the microdata."""

    name: str
    variable: str
    kind: str  # id | wave | label | binary | code | likert | option
    universe: str = "all"
    codes: tuple = ()
    years: tuple[int, ...] = WAVES
    label_nl: str = ""
    label_en: str = ""
    required: bool = True
    labels: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def dtype(self) -> str:
        return "string" if self.kind in ("id", "label") else "Int64"


@lru_cache(maxsize=1)
def codebook() -> tuple[pd.DataFrame, pd.DataFrame]:
    variables = pd.read_csv(paths.record_input(paths.CODEBOOK / "variables.csv"), keep_default_na=False)
    options = pd.read_csv(paths.record_input(paths.CODEBOOK / "options.csv"), keep_default_na=False)
    return variables, options


@cache
def _options_by_variable() -> dict[str, pd.DataFrame]:
    _, options = codebook()
    return {v: g.sort_values("code").reset_index(drop=True) for v, g in options.groupby("variable")}


@lru_cache(maxsize=1)
def group_labels() -> pd.DataFrame:
    """Every printed spelling of a group label (``data/codebook/group_labels.csv``)."""
    return pd.read_csv(paths.record_input(paths.CODEBOOK / "group_labels.csv"), keep_default_na=False)


@lru_cache(maxsize=1)
def _canonical_groups() -> dict[tuple[str, str], str]:
    # A dictionary (first spelling wins, as a filtered first row did): a book asks over a thousand times.
    out: dict[tuple[str, str], str] = {}
    for row in group_labels().itertuples(index=False):
        out.setdefault((row.breakdown, row.label), str(row.canonical))
    return out


def canonical_group(breakdown: str, label: str) -> str:
    """The canonical form of a printed group label ('Rechtswezen' -> 'Recht')."""
    return _canonical_groups().get((breakdown, label), label)


def options_of(variable: str) -> pd.DataFrame:
    return _options_by_variable().get(variable, codebook()[1].iloc[0:0])


def _label(variable: str, lang: str) -> str:
    variables, _ = codebook()
    row = variables[variables["variable"] == variable]
    if row.empty:
        return variable
    return str(row.iloc[0]["label_nl" if lang == "nl" else "label_en"])


@lru_cache(maxsize=1)
def schema() -> tuple[Column, ...]:
    """Every column of the microdata, in file order."""
    cols: list[Column] = [
        Column("org_id", "org_id", "id", label_en="Organisation id (unique within a wave)",
               label_nl="Organisatie-id"),
        Column("wave", "wave", "wave", codes=WAVES, label_en="Survey wave", label_nl="Meting"),
    ]
    for variable, labels in DESIGN_LABELS.items():
        cols.append(Column(variable, variable, "label", codes=tuple(labels),
                           label_nl=_label(variable, "nl"), label_en=_label(variable, "en")))
    cols.append(Column("innovation_officer", "innovation_officer", "binary", codes=(0, 1),
                       label_nl="Innovatiefunctionaris of innovatie-unit aanwezig",
                       label_en="Has an innovation officer or innovation unit"))
    cols.append(Column("innovated", "innovated", "binary", codes=(0, 1),
                       label_nl=_label("innovated", "nl"), label_en=_label("innovated", "en")))

    def years(variable: str) -> tuple[int, ...]:
        return (2025,) if variable in ONLY_2025 else WAVES

    # Multiple-answer questions: one 0/1 column per option.
    for variable in ("innovation_type", "channel", "initiative_source", "collaboration_partner",
                     "collaboration_phase", "funding_source", "goal", "failure_reason"):
        for opt in options_of(variable).itertuples():
            cols.append(Column(f"{variable}_{opt.code}", variable, "option", UNIVERSE_OF[variable],
                               (0, 1), years(variable), opt.label_nl, opt.label_en))
    # Single answers coded by the codebook's options.
    for variable in ("degree_of_change", "origin", "evaluation", "strategy", "technology_content",
                     "failure_phase"):
        opts = options_of(variable)
        cols.append(Column(variable, variable, "code", UNIVERSE_OF[variable], tuple(opts["code"]),
                           years(variable), _label(variable, "nl"), _label(variable, "en"),
                           labels=dict(zip(opts["code"], opts["label_nl"], strict=True))))
    # Likert batteries: one column per statement, answers 1-5.
    for variable in ("promoting_factor", "climate_statement", "preconditions_statement"):
        for opt in options_of(variable).itertuples():
            cols.append(Column(f"{variable}_{opt.code}", variable, "likert", UNIVERSE_OF[variable],
                               (1, 2, 3, 4, 5), years(variable), opt.label_nl, opt.label_en))
    # Effects per result area: answer codes of effect_answer (1 positive ... 4 too early).
    answers = tuple(options_of("effect_answer")["code"])
    for opt in options_of("effect").itertuples():
        cols.append(Column(f"effect_{opt.code}", "effect", "code", "innovators", answers, (2025,),
                           opt.label_nl, opt.label_en))
    for variable in ("failed_attempt", "applicable_elsewhere", "knowledge_sharing_action"):
        cols.append(Column(variable, variable, "binary", UNIVERSE_OF[variable], (0, 1), years(variable),
                           _label(variable, "nl"), _label(variable, "en")))
    return tuple(cols)


def columns() -> list[str]:
    return [c.name for c in schema()]


def column(name: str) -> Column:
    for c in schema():
        if c.name == name:
            return c
    raise KeyError(name)


def items(variable: str) -> list[str]:
    """The columns of one question (options of a multiple-answer question, statements of a battery)."""
    return [c.name for c in schema() if c.variable == variable]


@cache
def _code_index() -> dict[tuple[str, str], int]:
    _, options = codebook()
    return {(v, str(lab).lower()): int(c) for v, lab, c in zip(options["variable"], options["label_nl"], options["code"], strict=True)}


def code_of(variable: str, label: str) -> int:
    """The option code of a label as printed (e.g. in the published layer)."""
    try:
        return _code_index()[(variable, label.lower())]
    except KeyError:
        raise KeyError(f"{variable}: no option labelled {label!r}") from None


# --------------------------------------------------------------------------- universes


def _flag(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name].fillna(0).astype("int64").eq(1) if name in df else pd.Series(False, index=df.index)


def universe_mask(df: pd.DataFrame, universe: str) -> pd.Series:
    """Rows of ``df`` that belong to ``universe`` (see UNIVERSES)."""
    if universe == "all":
        return pd.Series(True, index=df.index)
    innovators = _flag(df, "innovated")
    if universe == "innovators":
        return innovators
    if universe == "inspired_or_copied":
        origin = df["origin"] if "origin" in df else pd.Series(pd.NA, index=df.index)
        return innovators & origin.isin([code_of("origin", o) for o in _origin_elsewhere()])
    if universe == "collaborated":
        partners = [c for c in items("collaboration_partner")
                    if column(c).label_nl not in NO_COLLABORATION and c in df]
        return innovators & (df[partners].fillna(0).astype("int64").sum(axis=1) > 0)
    if universe == "failed":
        return _flag(df, "failed_attempt")
    raise KeyError(f"unknown universe {universe!r}")


def _origin_elsewhere() -> list[str]:
    opts = options_of("origin")["label_nl"]
    return [o for o in opts if "elders" in o]


def asked(df: pd.DataFrame, col: Column) -> pd.Series:
    """Rows that were asked ``col``: its universe, in the waves it was in the questionnaire."""
    in_wave = df["wave"].isin(list(col.years))
    return in_wave & universe_mask(df, col.universe)


def missingness(df: pd.DataFrame) -> pd.DataFrame:
    """Per column: answered, missing by design, and item non-response counts."""
    rows = []
    for col in schema():
        if col.name not in df:
            continue
        was_asked = asked(df, col)
        empty = df[col.name].isna()
        rows.append({
            "column": col.name,
            "universe": col.universe,
            "answered": int((~empty & was_asked).sum()),
            "missing_by_design": int((empty & ~was_asked).sum()),
            "item_nonresponse": int((empty & was_asked).sum()),
            "answered_outside_universe": int((~empty & ~was_asked).sum()),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- scales


SCALES = {
    # The climate scale leaves out the first statement of Figure 2-13 (report, footnote 2).
    "climate": ("climate_statement", slice(1, None)),
    "preconditions": ("preconditions_statement", slice(0, None)),
    # The human-capital scale: the first three factors of Figure 2-12.
    "human_capital": ("promoting_factor", slice(0, 3)),
}


def scale_items(scale: str) -> list[str]:
    variable, part = SCALES[scale]
    return items(variable)[part]


def scale_score(df: pd.DataFrame, scale: str, min_items: int | None = None) -> pd.Series:
    """Mean of the scale's items per organisation; missing when fewer than ``min_items`` answered
    (default: all items, as a report on complete cases would)."""
    cols = scale_items(scale)
    data = df[cols].astype("Float64")
    answered = data.notna().sum(axis=1)
    need = len(cols) if min_items is None else min_items
    score = data.mean(axis=1, skipna=True)
    return score.where(answered >= need).astype("float64").rename(f"{scale}_scale")


CLUSTER_LABELS = ("Beperkt", "Gemiddeld", "Krachtig")
#: Default climate-cluster cut points (erratum E04: the printed ranges overlap; the default
#: keeps the printed outer bounds: beperkt < 3.1 <= gemiddeld < 4.1 <= krachtig).
CLUSTER_CUTS = (3.1, 4.1)


def climate_cluster(score: pd.Series, cuts: tuple[float, float] = CLUSTER_CUTS) -> pd.Series:
    """Assign the three innovation-climate clusters from the climate scale score."""
    low, high = cuts
    out = pd.Series(pd.NA, index=score.index, dtype="string")
    out[score < low] = "Beperkt"
    out[(score >= low) & (score < high)] = "Gemiddeld"
    out[score >= high] = "Krachtig"
    return out


def empty_frame(n: int = 0) -> pd.DataFrame:
    """An all-missing frame with the schema's columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series([pd.NA] * n, dtype=c.dtype) for c in schema()})


def spectrum(df: pd.DataFrame) -> pd.Series:
    """Number of innovation types of the most recent innovation (innovators only)."""
    types = df[items("innovation_type")].astype("Float64")
    return types.sum(axis=1).where(_flag(df, "innovated")).astype("float64")


__all__ = ["Column", "schema", "columns", "column", "items", "code_of", "universe_mask", "asked",
           "missingness", "scale_items", "scale_score", "climate_cluster", "spectrum"]
