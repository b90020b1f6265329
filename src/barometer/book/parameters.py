"""The chapter parameters: their names, defaults and rules, written once.

Every chapter notebook takes the same seven parameters (its ``parameters`` cell lists them with
these defaults, for papermill and for a reader; a test keeps the two the same). The command line
(``-p NAME VALUE``), the build pipeline and the chapter toolkit (``open_chapter``) all read them
from :class:`Parameters`:

============  ==============  ==========================================================
name          default         meaning
============  ==============  ==========================================================
source        ``synthetic``   the microdata: the synthetic stand-in, or the path of your file
year          2025            the wave the chapter reports
compare_year  2021            the wave it compares with (always the other one)
sector        None            one sector of the codebook, or None for all
lang          ``en``          the language of labels (``en`` or ``nl``)
min_cell      5               the output check's threshold (own data): smaller counts are hidden
seed          2025            the seed of every random step (bootstraps, permutations)
============  ==============  ==========================================================

One rule joins two of them: a lone ``year`` compares with the other wave (``-p year 2021`` means
2021 against 2025, not 2021 against 2021), see :meth:`Parameters.with_overrides`.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SYNTHETIC = "synthetic"


class ParameterError(ValueError):
    """A chapter parameter has a value the chapter cannot use."""


@dataclass(frozen=True)
class Parameters:
    source: str = SYNTHETIC
    year: int = 2025
    compare_year: int = 2021
    sector: str | None = None
    lang: str = "en"
    min_cell: int = 5
    seed: int = 2025

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def with_overrides(cls, given: dict[str, Any]) -> dict[str, Any]:
        """The parameters ``given`` (e.g. on the command line), with the rule that a lone
        ``year`` compares with the other wave applied; refuses an unknown name."""
        unknown = sorted(set(given) - set(cls.names()))
        if unknown:
            raise ParameterError(f"unknown parameter {', '.join(unknown)}; chapter parameters: "
                                 f"{', '.join(cls.names())}")
        out = dict(given)
        if "year" in out and "compare_year" not in out:
            from barometer.data import codebook as md

            others = [w for w in md.WAVES if w != out["year"]]
            if len(others) == 1 and out["year"] in md.WAVES:
                out["compare_year"] = others[0]
        return out

    def checked(self) -> Parameters:
        """These parameters checked (ParameterError names the first bad one), with ``source`` as
        an absolute path (or ``"synthetic"``). The command line checks before starting any kernel,
        so that a typo costs one line, not thirteen failed chapters."""
        from barometer.book import labels
        from barometer.data import codebook as md
        from barometer.data import paths

        def check(name: str, ok: bool, message: str) -> None:
            if not ok:
                raise ParameterError(f"parameter {name}: {message}")

        year, compare_year = self.year, self.compare_year
        check("year", year in md.WAVES, f"{year!r} is not a wave of the barometer ({', '.join(map(str, md.WAVES))})")
        check("compare_year", compare_year in md.WAVES and compare_year != year,
              f"{compare_year!r} must be the other wave ({', '.join(str(w) for w in md.WAVES if w != year)})")
        check("sector", self.sector is None or self.sector in md.DESIGN_LABELS["sector"],
              f"{self.sector!r} is not a sector of the codebook ({', '.join(md.DESIGN_LABELS['sector'])}) or None")
        check("lang", self.lang in labels.LANGS, f"{self.lang!r} must be one of {', '.join(labels.LANGS)}")
        whole = isinstance(self.min_cell, int) and not isinstance(self.min_cell, bool)
        check("min_cell", whole and self.min_cell >= 1, f"{self.min_cell!r} must be a whole number of at least 1")
        check("seed", isinstance(self.seed, int) and not isinstance(self.seed, bool),
              f"{self.seed!r} must be a whole number")
        source = str(self.source)
        if source != SYNTHETIC:
            path = Path(os.path.expanduser(source))
            if not path.is_absolute():
                path = paths.ROOT / path
            check("source", path.is_file(), f"no file at {path} (use 'synthetic' or the path of your microdata)")
            source = str(path)
        return dataclasses.replace(self, source=source, year=int(year), compare_year=int(compare_year))


#: The defaults as a dictionary (the build's cache keys and the notebooks' parameters cell).
DEFAULTS: dict[str, Any] = Parameters().as_dict()
