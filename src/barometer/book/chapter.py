"""The chapter context: a chapter's parameters, its microdata and its outputs in one object.

Every chapter notebook starts with::

    from barometer.book.chapter import open_chapter
    ch = open_chapter("02_innovation_rate", source=source, year=year, compare_year=compare_year,
                      sector=sector, lang=lang, min_cell=min_cell, seed=seed)

A chapter has two parts. The **published** part works on the report's numbers (``published``)
and may show anything. ``ch.microdata()`` starts the **microdata** part: from then on the
chapter can read its microdata (``ch.data``, ``ch.wave()``), and everything it shows leaves
through the output gate (:mod:`barometer.book.gate`): numbers are built with the typed builders
(``ch.where``, ``ch.count``, ``ch.share``, ``ch.mean``, ``ch.statistic``, ``ch.text`` ...), and
``ch.table``, ``ch.figure`` and ``ch.glue`` show them. Before ``ch.microdata()`` the microdata
cannot be read, so nothing shown there can come from them.

Every glued value's provenance (published, synthetic, own) is recorded with it
(:mod:`barometer.book.provenance`): a page's title, In brief and Summary state published values only,
and a Summary recaps microdata results only in the block whose title and note ``ch.recap()`` glues.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from barometer.analysis import models
from barometer.book import figures, labels, provenance, words
from barometer.book.gate.outputs import Context
from barometer.book.gate.recorder import Gate, glue_prefix
from barometer.book.parameters import SYNTHETIC, ParameterError, Parameters
from barometer.data import codebook as md
from barometer.data import paths
from barometer.disclosure import values as gv
from barometer.disclosure.population import GateError
from barometer.disclosure.rules import MARK, Rules

#: The records file; a leading underscore cannot clash with a table or figure name.
RECORDS = "_reproduction.csv"
#: What the prose shows for a number that cannot be computed (an empty group, a zero base).
NOT_COMPUTABLE = "–"


#: The class of the banner that opens a chapter's analyses of the synthetic stand-in (the PDF's
#: title page looks for it: its title is translated, its class is not).
SYNTHETIC_BANNER_CLASS = "synthetic-data"


@dataclass
class Chapter:
    slug: str
    # (the chapter parameters, with their defaults from barometer.book.parameters)
    source: str = Parameters.source
    year: int = Parameters.year
    compare_year: int = Parameters.compare_year
    sector: str | None = Parameters.sector
    lang: str = Parameters.lang
    min_cell: int = Parameters.min_cell
    seed: int = Parameters.seed
    _data: pd.DataFrame | None = field(default=None, repr=False)
    _gate: Gate | None = field(default=None, repr=False)
    #: Read by the gate's check of a figure's drawing function (gate.recorder), which may refer to
    #: the chapter: it travels without its microdata and outputs (see __getstate__).
    pickles_without_data: ClassVar[bool] = True

    def __getstate__(self):
        # A chapter travels with an own-data figure's drawing function (for labels): never
        # with its microdata or its outputs.
        state = dict(self.__dict__)
        state["_data"] = None
        state["_gate"] = None
        state["_pickled"] = True
        return state

    # ------------------------------------------------------------------ parameters and data
    @property
    def microdata_provenance(self) -> str:
        """The provenance of the microdata part: 'synthetic' or 'own' (a user's real microdata)."""
        return SYNTHETIC if self.source == SYNTHETIC else "own"

    @property
    def synthetic(self) -> bool:
        return self.microdata_provenance == SYNTHETIC

    @property
    def rules(self) -> Rules:
        return Rules(min_cell=self.min_cell)

    @property
    def gate(self) -> Gate:
        if self._gate is None:
            params = (("year", self.year), ("compare_year", self.compare_year), ("min_cell", self.min_cell),
                      ("seed", self.seed))
            self._gate = Gate(Context(self.slug, self.microdata_provenance, self.rules, params, self.lang),
                              self._load)
        return self._gate

    @property
    def rng(self) -> np.random.Generator:
        """A fresh generator from the chapter's seed (for bootstraps and permutations)."""
        return np.random.default_rng(self.seed)

    def _load(self) -> pd.DataFrame:
        if self.__dict__.get("_pickled"):
            raise GateError("a drawing function cannot read microdata: it draws the data it is given")
        if self._data is None:
            from barometer.intake import reading

            self._data = reading.load(self.source)
        return self._data

    @property
    def data(self) -> pd.DataFrame:
        """All waves of the configured microdata (validated against the codebook). Row ids
        (the index) identify organisations for the output gate: keep them."""
        if self.gate.phase != "microdata":
            raise GateError("the microdata are read only after ch.microdata(): what the published part "
                            "of a chapter shows must not come from them")
        return self._load()

    @property
    def waves(self) -> list[int]:
        """The waves in the configured data (which waves a file holds is not confidential)."""
        return sorted(int(w) for w in self._load()["wave"].unique())

    def has_wave(self, year: int) -> bool:
        return int(year) in self.waves

    def wave(self, year: int | None = None, *, all_sectors: bool = False) -> pd.DataFrame:
        """One wave of the microdata, restricted to ``sector`` when it is set (row ids kept)."""
        year = self.year if year is None else int(year)
        df = self.data[self.data["wave"] == year]
        if self.sector is not None and not all_sectors:
            df = df[df["sector"] == self.sector]
        return df

    def group(self, label: str, breakdown: str = "sector") -> str:
        return labels.group(label, breakdown, self.lang)

    def single_wave_phrase(self, wave: int) -> str:
        """How the year parameter applies in a chapter whose questions were asked in one wave only
        (a phrase for a markdown sentence)."""
        if self.year == wave:
            phrase = "every number in this chapter comes from that wave"
        else:
            phrase = (f"you chose year = {self.year}, which has nothing to show, so this chapter shows the {wave} "
                      "wave throughout")
        if not self.has_wave(wave):
            phrase += f"; the configured data have no {wave} wave, so the microdata sections have nothing to analyse"
        return phrase

    def term_label(self, term: str, names: dict[str, str] | None = None) -> str:
        """A readable name for a model term: ``C(size_class, Treatment('Klein'))[T.Groot]`` becomes
        "size: Large". ``names`` names the other terms (``{"climate": "innovation climate (per
        point)"}``) and the variables of other categorical terms (``{"strategy_c": "strategy"}``)."""
        names = names or {}
        parts = models.term_parts(term)
        if parts is None:
            return names.get(term, term)
        variable, level = parts
        if variable == "size_class":
            return f"size: {self.group(level, 'size')}"
        if variable == "sector_group":
            return "sector: " + ("Other (small sectors)" if level == models.OTHER else self.group(level))
        if variable == "cluster":
            return f"climate: {self.group(level, 'climate_cluster')}"
        return f"{names.get(variable, variable)}: {level}" if variable in names or variable == "wave" \
            else names.get(term, term)

    def focus(self, year: int | None = None, *, all_sectors: bool = False) -> dict:
        """The gate group of the chapter's focus: ``{"wave": year, "sector": sector}``."""
        return {"wave": self.year if year is None else int(year),
                "sector": None if all_sectors else self.sector}

    @property
    def files(self) -> Path:
        return paths.chapter_files(self.slug)

    def link(self, path: Path) -> str:
        """A file's link relative to the executed chapter page."""
        return f"{paths.FILES}/{self.slug}/{Path(path).name}"

    # ------------------------------------------------------------------ labels
    def option(self, variable: str, code_or_label) -> str:
        return labels.option(variable, code_or_label, self.lang)

    def column_label(self, name: str) -> str:
        return labels.column(name, self.lang)

    def question(self, variable: str) -> str:
        return labels.question(variable, self.lang)

    @property
    def sector_label(self) -> str:
        return "all sectors" if self.sector is None else self.group(self.sector)

    # ------------------------------------------------------------------ the two parts
    def microdata(self) -> None:
        """Start the microdata part: say which microdata the following analyses use."""
        self.gate.enter_microdata()
        if self.synthetic:
            self.gate.note("banner", gv.fixed(
                f":::{{admonition}} Synthetic data\n:class: warning {SYNTHETIC_BANNER_CLASS}\n\n"
                "The analyses below run on the **synthetic** stand-in microdata: seeded, calibrated "
                "to the report's published tables, and not the survey. They show the *method*. "
                "Nothing computed from them is a finding about Dutch government; where they agree "
                "with the report, that is by construction for calibrated numbers.\n:::\n"))
        else:
            waves = ", ".join(str(w) for w in self.waves)
            self.gate.note("banner", gv.text(
                ":::{{admonition}} Your microdata\n:class: important\n\n"
                "The analyses below run on your file ({n} organisations; waves {waves}). Everything "
                "they show passed the output check: numbers resting on fewer than {m} organisations, "
                "and numbers that would let one work such a number out, are shown as " + MARK + ".\n:::\n",
                n=self.count(self.everyone()), waves=gv.fixed(waves), m=gv.fixed(self.min_cell)))

    # ------------------------------------------------------------------ typed builders
    def where(self, column, values=None, *, name: str | None = None):
        return self.gate.builder.where(column, values, name=name)

    def answered(self, *columns, how: str = "any", name: str | None = None):
        return self.gate.builder.answered(*columns, how=how, name=name)

    def everyone(self):
        return self.gate.builder.everyone()

    def universe(self, name: str):
        """The organisations of a universe of the codebook (who was asked), over all waves."""
        self.data  # noqa: B018  (only in the microdata part)
        return self.gate.builder.universe(name)

    def measure(self, mask: pd.Series, name: str, *, design: bool = False):
        return self.gate.builder.measure(mask, name, design=design)

    def asked(self, column: str):
        """Who was asked ``column`` (its universe, in the waves it was in the questionnaire)."""
        return self.gate.builder.asked(column)

    def split(self, base, parts: dict, *, exhaustive: bool = False):
        """``base`` cut into ``parts`` (see :meth:`barometer.disclosure.builders.Builder.split`); with
        ``exhaustive`` the parts cover the base by definition (checked on the data)."""
        return self.gate.builder.split(base, parts, exhaustive=exhaustive)

    def split_exactly(self, whole, parts, *, lenient: bool = False) -> dict:
        """Tell the output check that ``parts`` split ``whole`` exactly, as a reader knows from the
        codebook: one answer each, a 0/1 item answered 0 or 1, a number of types 0 to 4, "entirely
        or largely" = "entirely" + "an important part". :meth:`split` alone adds a remainder part
        that the check must treat as unknown, so it would not add the parts up to the whole as a
        reader does, and a hidden count could follow from a total while the check thinks it safe.
        ``parts``: a mapping, or a sequence (numbered). Raises when the parts do not cover the
        whole on the data; with ``lenient``, such parts are declared as an ordinary split instead.
        Returns the parts, cut by ``whole``."""
        named = dict(parts) if isinstance(parts, Mapping) else {str(i): p for i, p in enumerate(parts)}
        exact = True
        if lenient:
            cover = np.zeros(len(whole.mask), dtype=int)
            for part in named.values():
                cover += part.mask
            exact = np.array_equal(cover, whole.mask.astype(int))
        cut = self.split(whole, named, exhaustive=exact)
        return {k: cut[k] for k in named}

    def count(self, measure, **group):
        return self.gate.builder.count(measure, **group)

    def share(self, base, hit, **group):
        return self.gate.builder.share(base, hit, **group)

    def share_of_group(self, measure, *, part: dict, whole: dict):
        return self.gate.builder.share_of_group(measure, part=part, whole=whole)

    def mean(self, base, values, **group):
        return self.gate.builder.mean(base, values, **group)

    def sd(self, base, values, **group):
        return self.gate.builder.sd(base, values, **group)

    def median(self, base, values, **group):
        return self.gate.builder.median(base, values, **group)

    def crosstab(self, base, rows, columns, **options):
        """A typed crosstab of ``base`` (see :meth:`barometer.disclosure.builders.Builder.crosstab`)."""
        return self.gate.builder.crosstab(base, rows, columns, **options)

    def items(self, base, items: dict, by: str | None = None, levels=None, **options):
        """Per group, the base and each item's count and share (see
        :meth:`barometer.disclosure.builders.Builder.items`)."""
        return self.gate.builder.items(base, items, by, levels, **options)

    def logit(self, formula: str, frame: pd.DataFrame, *, name: str = "", **group):
        """Fit a logistic regression on the rows of ``frame`` (one per organisation of the file:
        a copy of ``ch.data`` with derived columns) in ``group``; its numbers are typed
        (:class:`barometer.book.gate.models.TypedModel`)."""
        from barometer.book.gate.models import TypedModel

        return TypedModel(self.gate.builder, formula, frame, name or formula, group)

    def model_sample(self, rows, variables, name: str, **group):
        return self.gate.builder.model_sample(rows, variables, name, **group)

    @staticmethod
    def statistic(value, on, *, dof=None, what: str = ""):
        return gv.statistic(value, on, dof=dof, what=what)

    @staticmethod
    def verdict(text: str, on, *, what: str = ""):
        return gv.verdict(text, on, what=what)

    @staticmethod
    def difference(a, b, *, what: str = ""):
        return gv.difference(a, b, what=what)

    @staticmethod
    def text(template: str, **fields):
        return gv.text(template, **fields)

    @staticmethod
    def join(parts, sep: str = " "):
        """Typed texts joined into one (each part shown or hidden on its own)."""
        return gv.join(parts, sep)

    @staticmethod
    def published(value, what: str = ""):
        """A number of the report (the published layer), in the microdata part of a chapter."""
        return gv.published(value, what)

    @staticmethod
    def fixed(value, what: str = ""):
        return gv.fixed(value, what)

    @staticmethod
    def plain(value):
        return gv.plain(value)

    # ------------------------------------------------------------------ prose, tables, figures
    def say(self, word: str, **fields) -> str:
        """A word the data choose for the prose ("overlap", "small"), in the chapter's language
        (:mod:`barometer.book.words`; write the English literally: the catalogue is extracted
        from the calls)."""
        return words.say(word, self.lang, **fields)

    def glue(self, name: str, value, fmt: str | None = None) -> None:
        """Insert a value into the prose (MyST-NB glue), formatted with ``fmt``. Names start with
        the chapter's number (``ch01_...``) so that they are unique in the book. A number that
        cannot be computed (NaN: an empty group) is shown as ``–``, never as "nan%"; one the
        output check does not release as ``#``. The value's provenance (published, synthetic,
        own: :mod:`barometer.book.provenance`) is recorded with it."""
        self.gate.glue(name, value, fmt)
        provenance.write(self.gate)

    def headline(self, key: str) -> None:
        """Glue a headline quantity of the report (``barometer.book.headlines.HEADLINES``) under
        ``<prefix>hl_<key>``: every page that states it states the same value, computed once."""
        from barometer.book import headlines

        h = headlines.headline(key)
        # typed as the report's number, so that it is published in either part of a chapter
        self.glue(f"{glue_prefix(self.slug)}hl_{key}", gv.published(h.value, h.where), h.fmt)

    def recap(self) -> None:
        """Glue the title and the note of the Summary's block of microdata results
        (``<prefix>recap_title``, ``<prefix>recap_note``), the one place of a Summary that may
        recap them (see :mod:`barometer.book.provenance`). On synthetic data the title says so and the
        note states how well the synthetic data predict the joint tables each left out of the fit
        (:func:`barometer.synthesis.fidelity.held_out_summary`, as the fidelity appendix shows it); on
        own data the block holds your results, which passed the output check."""
        from barometer.synthesis import fidelity

        if self.gate.phase != "microdata":
            raise GateError("ch.recap() belongs to the microdata part (after ch.microdata()): it recaps its results")
        prefix = glue_prefix(self.slug)
        if self.synthetic:
            held = fidelity.held_out_summary()
            title = gv.fixed(self.say("Synthetic data: the method, not a finding"))
            # numbers computed from the synthetic data (about the generator): synthetic provenance
            note = gv.text(self.say(fidelity.HELD_OUT_SENTENCE), **{
                name: gv.statistic(getattr(held, name), [], what=f"held-out fidelity: {name}")
                for name in ("numbers", "within", "median_error")})
        else:
            title = gv.fixed(self.say("Your microdata"))
            note = gv.fixed(self.say("These numbers come from your microdata; each passed the output check."))
        self.glue(prefix + provenance.RECAP_TITLE, title)
        self.glue(prefix + provenance.RECAP_NOTE, note)

    def table(self, df: pd.DataFrame, name: str, caption, *, labels=(), formats: dict[str, str] | None = None,
              index: bool = False) -> None:
        """Show a table with its caption and CSV download. In the microdata part, cells are typed
        values; ``labels`` names the columns that hold labels (not computed from microdata)."""
        uid = self.gate.table(df, name, caption, labels=labels, formats=formats, index=index)
        # So that ch.tally can count the released values of this table (or of rows kept from it).
        df.attrs["gate_uid"] = uid
        df.attrs["gate_rows"] = {label: i for i, label in enumerate(df.index)}

    def figure(self, fig_or_draw, name: str, caption, alt, *, data: pd.DataFrame | None = None,
               labels=(), index: bool = False) -> None:
        """Show a figure with its caption, alt text and downloads. In the microdata part, pass a
        function ``draw(data) -> figure`` and the typed ``data`` it draws: the gate calls it with
        the values the output check releases (missing where a value is not shown)."""
        self.gate.figure(fig_or_draw, name, caption, alt, data=data, labels=labels, index=index)

    # ------------------------------------------------------------------ reproduction
    def reproduce(self, source_ids: list[str], *, keep=None,
                  cuts: tuple[float, float] | None = None) -> pd.DataFrame:
        """Recompute every published number of ``source_ids`` from the microdata (typed values)
        and save the records (``files/<chapter>/_reproduction.csv``, through the gate) for the
        scorecard appendix.

        ``keep``: optional function of the published rows returning a boolean mask of the rows
        that belong to this chapter (for a source shared between chapters, such as the summary).
        ``cuts``: climate-cluster cut points (default ``md.CLUSTER_CUTS``)."""
        from barometer.analysis import reproduce

        self.data  # noqa: B018  (only in the microdata part)
        rows = reproduce.comparable_published()
        rows = rows[rows["source_id"].isin(source_ids)]
        if keep is not None:
            rows = rows[keep(rows)]
        rec = reproduce.typed_records(self.gate.builder, rows,
                                      cuts=md.CLUSTER_CUTS if cuts is None else tuple(cuts))
        rec.insert(0, "chapter", self.slug)
        uid = self.gate.records(rec, RECORDS, labels=("chapter", *reproduce.LABELS))
        rec.attrs["gate_uid"] = uid
        rec.attrs["gate_rows"] = {label: i for i, label in enumerate(rec.index)}
        return rec

    @staticmethod
    def tally(table: pd.DataFrame, column: str, match=None, *, values=None):
        """How many values of ``column`` of a table already shown (``ch.table``, ``ch.shown``) or
        of the reproduction records (``ch.reproduce``), or of rows kept from either, the output
        check releases and equal ``match`` (any, when None): counted over released values only,
        when the page is rendered. ``values``: what to compare with ``match`` instead of the
        column's own values (one per row, e.g. a verdict derived from it)."""
        uid, rows = table.attrs.get("gate_uid"), table.attrs.get("gate_rows")
        if uid is None or rows is None:
            raise GateError("tally counts the values of a table shown with ch.table or of ch.reproduce's records")
        compared = table[column] if values is None else list(values)
        return gv.tally(((f"{uid}/{rows[i]}/{column}", v) for i, v in zip(table.index, compared, strict=True)),
                        match, what=f"{column} = {match}")

    def shown(self, name: str) -> pd.DataFrame:
        """The typed frame of a table this chapter has shown (for ``ch.tally``)."""
        found = [o for o in self.gate.outputs if o.kind == "table" and o.name == name]
        if not found:
            raise GateError(f"no table {name!r} has been shown in this chapter")
        frame = found[-1].frame.copy()
        frame.attrs["gate_uid"] = found[-1].uid
        frame.attrs["gate_rows"] = {label: i for i, label in enumerate(frame.index)}
        return frame


def check_parameters(**given) -> str:
    """Check the chapter parameters (:meth:`Parameters.checked`); raises ParameterError naming
    the first bad one and returns the microdata source as an absolute path (or ``"synthetic"``)."""
    return Parameters(**given).checked().source


def open_chapter(slug: str, **given) -> Chapter:
    """Check the parameters (:class:`~barometer.book.parameters.Parameters`: the seven of every
    chapter's parameters cell; a missing one takes its default) and open the chapter (the
    microdata load on first use)."""
    from barometer.intake import reading  # noqa: F401  (fail early if the reader cannot be imported)

    p = Parameters(**given).checked()
    figures.style()
    return Chapter(slug, p.source, p.year, p.compare_year, p.sector, p.lang, p.min_cell, p.seed)


__all__ = ["Chapter", "ParameterError", "check_parameters", "open_chapter", "SYNTHETIC", "RECORDS", "GateError"]
