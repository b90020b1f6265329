"""The chapter context: a chapter's parameters, its microdata and its outputs in one object.

Every chapter notebook starts with::

    from barometer.chapter import open_chapter
    ch = open_chapter("02_innovation_rate", source=source, year=year, compare_year=compare_year,
                      sector=sector, lang=lang, min_cell=min_cell, seed=seed)

and then uses ``ch`` to read its microdata (``ch.wave(year)``), to glue numbers into the prose
(``ch.glue``), to show tables and figures (``ch.table``, ``ch.figure``: disclosure control,
captions, labels and downloads in one place) and to save its reproduction records
(``ch.reproduce``). The parameters are checked here, once, with messages that name them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from . import figures, labels, paths, reproduce, sdc, tables
from . import microdata as md

SYNTHETIC = "synthetic"
#: The records file; a leading underscore cannot clash with a table or figure name.
RECORDS = "_reproduction.csv"
#: What the prose shows for a number that cannot be computed (an empty group, a zero base).
NOT_COMPUTABLE = "–"


class ParameterError(ValueError):
    """A chapter parameter has a value the chapter cannot use."""


@dataclass
class Chapter:
    slug: str
    source: str = SYNTHETIC
    year: int = 2025
    compare_year: int = 2021
    sector: str | None = None
    lang: str = "en"
    min_cell: int = 5
    seed: int = 2025
    _data: pd.DataFrame | None = field(default=None, repr=False)
    glued: dict[str, object] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ parameters and data
    @property
    def data_kind(self) -> str:
        """'synthetic' or 'own' (a user's real microdata)."""
        return SYNTHETIC if self.source == SYNTHETIC else "own"

    @property
    def synthetic(self) -> bool:
        return self.data_kind == SYNTHETIC

    @property
    def rng(self) -> np.random.Generator:
        """A fresh generator from the chapter's seed (for bootstraps and permutations)."""
        return np.random.default_rng(self.seed)

    @property
    def data(self) -> pd.DataFrame:
        """All waves of the configured microdata (validated against the codebook)."""
        if self._data is None:
            from . import io

            self._data = io.load(self.source)
        return self._data

    @property
    def waves(self) -> list[int]:
        return sorted(int(w) for w in self.data["wave"].unique())

    def has_wave(self, year: int) -> bool:
        return int(year) in self.waves

    def wave(self, year: int | None = None, *, all_sectors: bool = False) -> pd.DataFrame:
        """One wave of the microdata, restricted to ``sector`` when it is set."""
        year = self.year if year is None else int(year)
        df = self.data[self.data["wave"] == year]
        if self.sector is not None and not all_sectors:
            df = df[df["sector"] == self.sector]
        return df.reset_index(drop=True)

    @property
    def files(self) -> Path:
        return paths.chapter_files(self.slug)

    def link(self, path: Path) -> str:
        """A file's link relative to the executed chapter page."""
        return f"{paths.FILES}/{self.slug}/{Path(path).name}"

    # ------------------------------------------------------------------ labels
    def group(self, label: str, breakdown: str = "sector") -> str:
        return labels.group(label, breakdown, self.lang)

    def option(self, variable: str, code_or_label) -> str:
        return labels.option(variable, code_or_label, self.lang)

    def column_label(self, name: str) -> str:
        return labels.column(name, self.lang)

    def question(self, variable: str) -> str:
        return labels.question(variable, self.lang)

    @property
    def sector_label(self) -> str:
        return "all sectors" if self.sector is None else self.group(self.sector)

    # ------------------------------------------------------------------ prose, tables, figures
    def glue(self, name: str, value, fmt: str | None = None) -> None:
        """Insert a computed value into the prose (MyST-NB glue), formatted with ``fmt``.

        Names start with the chapter's number (``ch01_...``) so that they are unique in the book.
        A number that cannot be computed (NaN or infinite: an empty group in a small sector) is
        shown as ``–``, never as "nan%"."""
        from myst_nb import glue

        prefix = f"ch{self.slug[:2]}_"
        if not name.startswith(prefix):
            raise ValueError(f"glue name {name!r} must start with {prefix!r} (unique across chapters)")
        if isinstance(value, (float, np.floating)) and not np.isfinite(value):
            text = NOT_COMPUTABLE
        else:
            text = fmt.format(value) if fmt else str(value)
        self.glued[name] = text
        glue(name, text, display=False)

    def banner(self) -> None:
        """Say which microdata the following analyses are computed on (shown before them)."""
        if self.synthetic:
            display(Markdown(
                ":::{admonition} Synthetic data\n:class: warning\n\n"
                "The analyses below run on the **synthetic** stand-in microdata: seeded, calibrated "
                "to the report's published tables, and not the survey. They show the *method*. "
                "Nothing computed from them is a finding about Dutch government; where they agree "
                "with the report, that is by construction for calibrated numbers.\n:::\n"))
        else:
            n = len(self.data)
            waves = ", ".join(str(w) for w in self.waves)
            display(Markdown(
                ":::{admonition} Your microdata\n:class: important\n\n"
                f"The analyses below run on your file ({n} organisations; waves {waves}). "
                f"Disclosure control: cells resting on fewer than {self.min_cell} organisations "
                f"are suppressed ({sdc.MARK}).\n:::\n"))

    def table(self, df: pd.DataFrame, name: str, caption: str, *, computed: bool,
              spec: sdc.Spec | None = None, formats: dict[str, str] | None = None,
              index: bool = False) -> None:
        tables.show(df, name, caption, chapter=self, computed=computed, spec=spec,
                           formats=formats, index=index)

    def figure(self, fig, name: str, caption: str, alt: str, *, data: pd.DataFrame, computed: bool,
               spec: sdc.Spec | None = None) -> None:
        figures.show(fig, name, caption, alt, chapter=self, data=data, computed=computed, spec=spec)

    def for_plot(self, df: pd.DataFrame, spec: sdc.Spec | None) -> pd.DataFrame:
        return figures.for_plot(df, self, spec)

    # ------------------------------------------------------------------ reproduction
    def reproduce(self, source_ids: list[str], *, keep=None,
                  cuts: tuple[float, float] | None = None) -> pd.DataFrame:
        """Recompute every published number of ``source_ids`` from the microdata and save the
        records (``files/<chapter>/_reproduction.csv``) for the scorecard appendix.

        ``keep``: optional function of the published rows returning a boolean mask of the rows
        that belong to this chapter (for a source shared between chapters, such as the summary).
        ``cuts``: climate-cluster cut points (default ``md.CLUSTER_CUTS``)."""
        rows = reproduce.comparable_published()
        rows = rows[rows["source_id"].isin(source_ids)]
        if keep is not None:
            rows = rows[keep(rows)]
        rec = reproduce.records(self.data, rows, cuts=md.CLUSTER_CUTS if cuts is None else tuple(cuts))
        if rec.empty:
            rec = pd.DataFrame(columns=["source_id", "year", "breakdown", "group", "variable", "item",
                                        "statistic", "published", "recomputed", "difference",
                                        "tolerance", "within", "base_n", "approx", "erratum"])
        rec.insert(0, "chapter", self.slug)
        rec["data_source"] = self.data_kind
        self.files.mkdir(parents=True, exist_ok=True)
        rec.to_csv(self.files / RECORDS, index=False, lineterminator="\n", float_format="%.6g")
        return rec


def _check(name: str, ok: bool, message: str) -> None:
    if not ok:
        raise ParameterError(f"parameter {name}: {message}")


def check_parameters(*, source=SYNTHETIC, year=2025, compare_year=2021, sector=None, lang="en",
                     min_cell=5, seed=2025) -> str:
    """Check the chapter parameters; raises ParameterError naming the first bad one and returns
    the microdata source as an absolute path (or ``"synthetic"``). The command line calls this
    before starting any kernel, so that a typo costs one line, not thirteen failed chapters."""
    _check("year", year in md.WAVES, f"{year!r} is not a wave of the barometer ({', '.join(map(str, md.WAVES))})")
    _check("compare_year", compare_year in md.WAVES and compare_year != year,
           f"{compare_year!r} must be the other wave ({', '.join(str(w) for w in md.WAVES if w != year)})")
    _check("sector", sector is None or sector in md.DESIGN_LABELS["sector"],
           f"{sector!r} is not a sector of the codebook ({', '.join(md.DESIGN_LABELS['sector'])}) or None")
    _check("lang", lang in labels.LANGS, f"{lang!r} must be one of {', '.join(labels.LANGS)}")
    _check("min_cell", isinstance(min_cell, int) and not isinstance(min_cell, bool) and min_cell >= 1,
           f"{min_cell!r} must be a whole number of at least 1")
    _check("seed", isinstance(seed, int) and not isinstance(seed, bool), f"{seed!r} must be a whole number")
    if source != SYNTHETIC:
        path = Path(os.path.expanduser(str(source)))
        if not path.is_absolute():
            path = paths.ROOT / path
        _check("source", path.is_file(), f"no file at {path} (use 'synthetic' or the path of your microdata)")
        source = str(path)
    return str(source)


def open_chapter(slug: str, *, source=SYNTHETIC, year=2025, compare_year=2021, sector=None,
                 lang="en", min_cell=5, seed=2025) -> Chapter:
    """Check the parameters and open the chapter (the microdata load on first use)."""
    from . import io  # noqa: F401  (fail early if the reader cannot be imported)

    source = check_parameters(source=source, year=year, compare_year=compare_year, sector=sector,
                              lang=lang, min_cell=min_cell, seed=seed)
    figures.style()
    return Chapter(slug, str(source), int(year), int(compare_year), sector, lang, int(min_cell), int(seed))


__all__ = ["Chapter", "ParameterError", "check_parameters", "open_chapter", "SYNTHETIC", "RECORDS"]
