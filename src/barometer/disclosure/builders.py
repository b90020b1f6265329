"""Typed builders: the only way a number computed from microdata becomes publishable.

A chapter asks its builder for measures (properties of organisations over the whole file) and
for counts, shares and means of a measure within a group; the builder computes the number *and*
records the cells it rests on, so that the gate can check it. The builder also declares how
measures relate (a base is the sum of those who have the property and those who do not), which
is what lets the edition ledger follow a hidden count from one table to another.

Typical use in a chapter (``ch`` delegates to its builder)::

    innovators = ch.where("innovated", 1)
    asked = innovators & ch.answered("innovation_type_1")
    ch.share(asked, ch.where("innovation_type_1", 1), wave=2025, sector="Gemeente")
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from barometer.disclosure.population import (
    SPANNING,
    Cell,
    GateError,
    Measure,
    Population,
    describe_group,
)
from barometer.disclosure.values import Value, flatten, statistic

#: Statistics of a variable over a cell, and how each is computed.
SUMMARIES = {
    "mean": lambda v: float(v.mean()) if len(v) else float("nan"),
    "sd": lambda v: float(v.std(ddof=1)) if len(v) > 1 else float("nan"),
    "median": lambda v: float(v.median()) if len(v) else float("nan"),
}


class Builder:
    """Measures, counts, shares and means of one edition's microdata."""

    def __init__(self, data: pd.DataFrame):
        self.data = data
        self.pop = Population(data)
        self._waves = data["wave"].astype(int).astype(str).to_numpy()
        self._columns_of: dict[str, str] = {}  # measure id -> the column a where() tested
        self._series_of: dict[str, pd.Series] = {}
        self._values_of: dict[str, tuple] = {}  # measure id -> (column, values) of a where()
        self._coded: set[str] = set()  # columns whose codes are declared to add up (see _declare_codes)
        self._tallied: set[str] = set()  # derived series checked for being a tally (see _declare_tally)

    # ------------------------------------------------------------------ measures
    def _series(self, column_or_series) -> tuple[pd.Series, str]:
        if isinstance(column_or_series, str):
            if column_or_series in SPANNING:
                raise GateError(f"{column_or_series!r} is a spanning attribute: select it as a group "
                                f"({column_or_series}=...), not as a measure")
            return self.data[column_or_series], column_or_series
        s = column_or_series
        if not isinstance(s, pd.Series):
            raise GateError("a measure is defined by a column name or a Series over all organisations")
        if not s.index.equals(self.data.index):
            raise GateError(f"series {s.name!r} must have one entry per organisation of the file "
                            "(compute it on ch.data, not on a subset)")
        return s, str(s.name or "derived")

    def _domain(self, columns=()) -> frozenset[str]:
        """The waves in which a property can hold: those of the questionnaire that had its
        columns (the codebook says so, not the data: that nobody in a wave gave an answer is
        a finding, not a matter of design), within the waves of the file."""
        from barometer.data import codebook as md

        waves = set()
        for c in columns:
            try:
                waves |= {str(y) for y in md.column(c).years}
            except KeyError:
                return frozenset(self.pop.waves)
        return frozenset(waves & set(self.pop.waves)) if columns else frozenset(self.pop.waves)

    def where(self, column_or_series, values=None, *, name: str | None = None) -> Measure:
        """Organisations whose ``column`` (or a derived series over all of them) takes one of
        ``values``; with ``values`` None, those with any answer."""
        s, label = self._series(column_or_series)
        present = s.notna()
        if values is None:
            mask, text = present, f"{label} answered"
        else:
            vals = list(values) if isinstance(values, (list, tuple, set, frozenset)) else [values]
            mask = s.isin(vals) & present
            text = f"{label} = {'/'.join(map(str, vals))}"
        columns = [column_or_series] if isinstance(column_or_series, str) else []
        supersets = ()
        if values is not None:  # an answer lies within "answered"
            supersets = (self.where(column_or_series, name=f"{label} answered").id,)
        m = self.pop.register(Measure.of(name or text, mask.to_numpy(), self._domain(columns), supersets=supersets))
        if values is not None and len(vals) > 1:
            # "2, 3 or 4 types" is "2 types" plus "3 types" plus "4 types": a reader adds them up
            self.pop.partition(m, [self.where(column_or_series, v, name=f"{label} = {v}" if name else None)
                                   for v in vals])
        if values is not None and not isinstance(column_or_series, str):
            self._declare_tally(s, label)
        if values is not None and isinstance(column_or_series, str):
            self._declare_codes(column_or_series)
            self._columns_of[m.id] = column_or_series
            self._values_of[m.id] = (column_or_series, tuple(vals))
        elif values is not None:
            self._series_of[m.id] = s
        return m

    def _declare_codes(self, column: str) -> None:
        """Those who answered a coded question gave one of its codes (the codebook says which):
        declared once per column, so that the answers add up to "answered" as a reader adds them."""
        from barometer.data import codebook as md

        if column in self._coded:
            return
        self._coded.add(column)
        try:
            col = md.column(column)
        except KeyError:
            return
        codes = [0, 1] if col.kind in ("binary", "option") else list(col.codes or ())
        if len(codes) < 2:
            return
        answered = self.where(column)
        parts = [self.where(column, c) for c in codes]
        try:
            self.pop.partition(answered, parts)
        except GateError:  # an answer outside the codebook's codes: validation should have refused it
            pass

    def _declare_tally(self, s: pd.Series, label: str) -> None:
        """A derived series that counts a question's "yes" answers (the number of types of an
        innovation is the sum of its four type items) ties its values to those answers: the
        innovators with k types, times k, add up to the types named. A reader who sees both
        tables does that sum, so the identity is declared (once per series, checked on every
        row) for the ledger (``Population.tallies``)."""
        from barometer.data import codebook as md

        if label in self._tallied:
            return
        self._tallied.add(label)
        values = pd.to_numeric(s, errors="coerce")
        present = values.notna().to_numpy()
        if not present.any() or (values[present] % 1 != 0).any() or values.min() < 0:
            return
        k = values.fillna(0).to_numpy()
        for variable in dict.fromkeys(c.variable for c in md.schema()):
            cols = [c for c in md.items(variable) if c in self.data and md.column(c).kind in ("binary", "option")]
            if len(cols) < 2:
                continue
            yes = (self.data[cols] == 1).fillna(False).to_numpy().sum(axis=1)
            if np.array_equal(yes, k) and (yes[~present] == 0).all():
                counts = [(self.where(c, 1).id, 1.0) for c in cols]
                levels = sorted({int(v) for v in values[present]} - {0})
                by_level = [(self.where(s, v, name=f"{label} = {v}").id, -float(v)) for v in levels]
                self.pop.tallies.append(tuple(counts + by_level))
                return

    def relations(self):
        """The measures and how they relate, for the ledger."""
        return self.pop.measures, self.pop.partitions, self.pop.subsets

    def answered(self, *columns, how: str = "any", name: str | None = None) -> Measure:
        """Organisations with an answer to any (or all) of ``columns`` (one column: the same
        measure as ``where(column)``)."""
        if len(columns) == 1 and name is None:
            return self.where(columns[0])
        frame = self.data[list(columns)].notna()
        mask = frame.any(axis=1) if how == "any" else frame.all(axis=1)
        text = name or f"answered {how} of {', '.join(columns)}"
        each = tuple(self.where(c).id for c in columns)
        relation = {"subsets": each} if how == "any" else {"supersets": each}
        return self.pop.register(Measure.of(text, mask.to_numpy(), self._domain(columns), **relation))

    def everyone(self) -> Measure:
        return self.pop.register(Measure.of("everyone", np.ones(self.pop.n, dtype=bool),
                                            frozenset(self.pop.waves), design=True))

    def measure(self, mask: pd.Series, name: str, *, design: bool = False, waves=None) -> Measure:
        """A measure from a boolean series over all organisations (a universe of the codebook,
        a derived property). It must not restrict by sector, wave or size: use groups.
        ``design``: it says who was asked by design, not what anyone answered; ``waves``: the
        waves in which it can hold by design (default: every wave of the file)."""
        s, _ = self._series(mask)
        s = s.fillna(False).astype(bool)
        domain = frozenset(str(w) for w in waves) & self.pop.waves if waves is not None else frozenset(self.pop.waves)
        return self.pop.register(Measure.of(name, s.to_numpy(), domain, design=design))

    def universe(self, name: str) -> Measure:
        """The organisations of a universe of the codebook (who was asked), over all waves. One
        concept, one definition: "innovators" is the measure ``innovated = 1`` and "failed" is
        ``failed_attempt = 1``, whichever way a chapter asks for them."""
        from barometer.data import codebook as md

        if name == "all":
            return self.everyone()
        if name == "innovators":
            return self.where("innovated", 1)
        if name == "failed":
            return self.where("failed_attempt", 1)
        if name == "inspired_or_copied":
            # the innovators whose innovation came from elsewhere: two answers of the origin question
            # (as a reader of the routing table adds them up)
            codes = [md.code_of("origin", o) for o in md._origin_elsewhere()]
            m = self.where("innovated", 1) & self.where("origin", codes)
            if not np.array_equal(m.mask, md.universe_mask(self.data, name).to_numpy(dtype=bool)):
                raise GateError("the universe 'inspired_or_copied' is not the origin codes it is defined by")
            return self.pop.register(m)
        return self.measure(md.universe_mask(self.data, name), f"universe: {name}")

    def asked(self, column: str) -> Measure:
        """Who was asked ``column``: its universe, in the waves it was in the questionnaire. For a
        question everyone was asked this is a matter of design (see Measure.design)."""
        from barometer.data import codebook as md

        col = md.column(column)
        universe = self.universe(col.universe)
        years = {str(y) for y in col.years}
        if years >= self.pop.waves:
            return universe
        in_waves = self.measure(self.data["wave"].astype(int).astype(str).isin(years),
                                f"in the questionnaire of {'/'.join(sorted(years))}", design=True, waves=years)
        m = universe & in_waves
        # (its place within the universe is kept: the ledger follows "asked" to "innovated")
        return self.pop.register(Measure.of(m.name, m.mask, m.waves, design=col.universe == "all",
                                            supersets=m.supersets))

    def split(self, base: Measure, parts: Mapping[str, Measure], *, exhaustive: bool = False) -> dict[str, Measure]:
        """``base`` cut by ``parts`` (each intersected with it), declared as a partition of
        ``base``. The result holds each part, ``"(all parts)"`` (the base within any part) and
        ``"(rest)"`` (the base within none). When the parts are every answer the codebook allows
        for one column and nobody in the base is outside them, the parts split the base exactly:
        no rest is declared, as a reader knows that the answers add up to the base."""
        cut = {k: base & m for k, m in parts.items()}
        covered = np.zeros(self.pop.n, dtype=bool)
        for m in cut.values():
            if (covered & m.mask).any():
                raise GateError(f"the parts of {base.name!r} overlap")
            covered |= m.mask
        names = ", ".join(sorted(m.name for m in parts.values()))
        design = base.design and all(m.design for m in parts.values())
        rest = Measure.of(f"({base.name}) & none of ({names})", base.mask & ~covered, base.waves, design=design,
                          supersets=(base.id,))
        if exhaustive and rest.mask.any():
            raise GateError(f"the parts of {base.name!r} do not cover it: {int(rest.mask.sum())} organisations "
                            "are in none of them")
        if (exhaustive or self._exhaustive(parts.values())) and not rest.mask.any():
            self.pop.partition(base, list(cut.values()))
            return {**cut, "(all parts)": base, "(rest)": rest}
        union = Measure.of(f"({base.name}) & any of ({names})", base.mask & covered, base.waves, design=design,
                           supersets=(base.id,), subsets=tuple(m.id for m in cut.values()))
        self.pop.partition(base, [union, rest])
        self.pop.partition(union, list(cut.values()))
        return {**cut, "(all parts)": union, "(rest)": rest}

    def _exhaustive(self, parts) -> bool:
        """Whether ``parts`` are answers of one column that together cover every code the
        codebook allows for it (a binary item: 0 and 1)."""
        from barometer.data import codebook as md

        columns, values = set(), set()
        for m in parts:
            spec = self._values_of.get(m.id)
            if spec is None:
                return False
            columns.add(spec[0])
            values |= set(spec[1])
        if len(columns) != 1:
            return False
        column = columns.pop()
        try:
            col = md.column(column)
        except KeyError:
            return False
        allowed = {0, 1} if col.kind in ("binary", "option") else set(col.codes)
        return bool(allowed) and allowed <= {int(v) for v in values if float(v).is_integer()}

    # ------------------------------------------------------------------ numbers
    def cell(self, measure: Measure, group: dict) -> Cell:
        return self.pop.cell(measure, group)

    def count(self, measure: Measure, **group) -> Value:
        c = self.cell(measure, group)
        return Value("count", c.n, cells=(c,), what=c.label)

    def share(self, base: Measure, hit: Measure, **group) -> Value:
        """Percentage of ``base`` that has ``hit``, within ``group``."""
        inside = base & hit
        rest = base.without(hit)
        self.pop.partition(base, [inside, rest])
        c_base, c_hit, c_rest = (self.cell(m, group) for m in (base, inside, rest))
        value = 100.0 * c_hit.n / c_base.n if c_base.n else float("nan")
        return Value("share", value, cells=(c_hit, c_base, c_rest),
                     what=f"% {hit.name} of {base.name} [{describe_group(group)}]")

    def summary(self, base: Measure, values, stat: str = "mean", **group) -> Value:
        """A mean, SD or median of ``values`` (a column or a series over all organisations)
        among ``base`` within ``group``. Organisations without a value are left out (the
        base becomes ``base`` and "has a value")."""
        s, label = self._series(values)
        has = base & (self.where(values) if isinstance(values, str) else self.where(s, name=f"{label} answered"))
        c = self.cell(has, group)
        rows = self.pop.rows(c)
        v = s.to_numpy()[rows].astype(float)
        value = SUMMARIES[stat](pd.Series(v))
        variable = f"{label}#{hashlib.sha1(np.nan_to_num(s.to_numpy(dtype=float, na_value=np.nan)).tobytes()).hexdigest()[:8]}"
        return Value(stat, value, cells=(c,), magnitudes=((variable, c),), checks=self._code_counts(values, v),
                     what=f"{stat} of {label} among {has.name} [{describe_group(group)}]")

    @staticmethod
    def _code_counts(values, v: np.ndarray) -> tuple[tuple[str, int], ...]:
        """For an answer on a scale of codes (a Likert item): how many gave each code. A mean
        beside the answers' distribution tells the sum of the codes, which with the other counts
        can give a hidden one away, so a mean of a coded answer rests on every code's count."""
        from barometer.data import codebook as md

        if not isinstance(values, str):
            return ()
        try:
            col = md.column(values)
        except KeyError:
            return ()
        if col.kind not in ("likert", "code") or not col.codes:
            return ()
        return tuple((f"{values} = {k}", int((v == float(k)).sum())) for k in col.codes)

    def share_of_group(self, measure: Measure, *, part: dict, whole: dict) -> Value:
        """Percentage of ``measure`` within the group ``whole`` that falls in its subgroup ``part``
        (e.g. the share of one sector among all respondents of a wave)."""
        c_part, c_whole = self.cell(measure, part), self.cell(measure, whole)
        if not c_part.boxes <= c_whole.boxes:
            raise GateError(f"[{describe_group(part)}] is not part of [{describe_group(whole)}]")
        rest_boxes = c_whole.boxes - c_part.boxes
        rest = Cell(c_part.measure, rest_boxes, c_whole.n - c_part.n,
                    f"{measure.name} [{describe_group(whole)} but not {describe_group(part)}]")
        value = 100.0 * c_part.n / c_whole.n if c_whole.n else float("nan")
        return Value("share", value, cells=(c_part, c_whole, rest),
                     what=f"% of {measure.name} [{describe_group(whole)}] in [{describe_group(part)}]")

    def mean(self, base: Measure, values, **group) -> Value:
        return self.summary(base, values, "mean", **group)

    def sd(self, base: Measure, values, **group) -> Value:
        return self.summary(base, values, "sd", **group)

    def median(self, base: Measure, values, **group) -> Value:
        return self.summary(base, values, "median", **group)

    # ------------------------------------------------------------------ tables
    def _axis(self, axis, levels=None) -> list[tuple[str, dict, Measure | None]]:
        """An axis of a table: a spanning attribute (its levels are groups) or a dict of
        labelled measures (parts of the base)."""
        if axis is None:
            return [("", {}, None)]
        if isinstance(axis, str):
            if axis not in SPANNING:
                raise GateError(f"a table axis is a spanning attribute ({', '.join(SPANNING)}) or a dict "
                                f"of measures, not {axis!r}")
            if levels is None:
                raise GateError(f"give the levels of {axis!r} (from the codebook, not from the data: "
                                "a missing level would tell that a group is empty)")
            return [(str(lvl), {axis: lvl}, None) for lvl in levels]
        return [(str(label), {}, m) for label, m in axis.items()]

    def crosstab(self, base: Measure, rows, columns, *, row_levels=None, column_levels=None,
                 percent: str | None = "row", total: bool = True, row_label: str = "",
                 column_format: str = "{} ({})", **group) -> pd.DataFrame:
        """A crosstab of ``base`` within ``group``: counts ``"<column> (n)"`` and, with ``percent``
        (``"row"`` or ``"column"``, or None), percentages ``"<column> (%)"``, plus ``"total (n)"``.

        ``rows`` and ``columns`` are each a spanning attribute (with its ``*_levels``) or a dict
        ``{label: measure}`` of the base's parts (the answers of one question). The first column
        holds the row labels (``row_label``); declare it with ``labels=`` when showing the table."""
        r_axis, c_axis = self._axis(rows, row_levels), self._axis(columns, column_levels)
        c_union = r_union = None
        if isinstance(columns, Mapping):
            c_union = self.split(base, columns)["(all parts)"]
        if isinstance(rows, Mapping):
            r_union = self.split(base, rows)["(all parts)"]
        c_group = self._union_group(columns, column_levels)
        r_group = self._union_group(rows, row_levels)
        out = []
        for r_label, r_g, r_m in r_axis:
            row_base = base & r_m if r_m is not None else base
            row = {row_label: r_label}
            # the row's total: its parts within the columns' parts (the columns' split of it)
            row_total_m = self.split(row_base, columns)["(all parts)"] if c_union is not None else row_base
            row_total_g = {**group, **r_g, **c_group}
            for c_label, c_g, c_m in c_axis:
                cell_m = row_base & c_m if c_m is not None else row_base
                cell_g = {**group, **r_g, **c_g}
                row[column_format.format(c_label, "n")] = self.count(cell_m, **cell_g)
                # A percentage's numerator is the very cell counted beside it.
                if percent == "row":
                    row[column_format.format(c_label, "%")] = (
                        self.share(row_total_m, cell_m, **cell_g) if c_m is not None else
                        self.share_of_group(row_total_m, part=cell_g, whole=row_total_g))
                elif percent == "column":
                    col_total_m = (base & c_m if c_m is not None else base)
                    col_total_m = self.split(col_total_m, rows)["(all parts)"] if r_union is not None else col_total_m
                    col_g = {**group, **c_g, **r_group}
                    row[column_format.format(c_label, "%")] = (
                        self.share(col_total_m, cell_m, **cell_g) if r_m is not None else
                        self.share_of_group(col_total_m, part=cell_g, whole=col_g))
            if total:
                row["total (n)"] = self.count(row_total_m, **row_total_g)
            out.append(row)
        return pd.DataFrame(out)

    def _union_group(self, axis, levels) -> dict:
        if isinstance(axis, str):
            return {axis: list(levels)}
        return {}

    def items(self, base: Measure, items: Mapping[str, Measure], by: str | None = None, levels=None, *,
              total: bool = True, counts: bool = True, total_label: str = "Total",
              column_format: str = "{} ({})", **group) -> pd.DataFrame:
        """One row per level of ``by`` (and a total row): the base ``"n"`` and, per item, the number
        ``"<item> (n)"`` and percentage ``"<item> (%)"`` of the base that has it. An item is a
        measure (e.g. ``where("innovation_type_1", 1)``); its percentage is among those of the
        base who answered its question (``answered(column)`` is taken from the measure's name when
        it is a ``where`` of one column)."""
        groups = [(str(lvl), {**group, by: lvl}) for lvl in levels] if by is not None else []
        if total or by is None:
            groups.append((total_label, {**group, **({by: list(levels)} if by is not None else {})}))
        rows = []
        for label, g in groups:
            row = {by or "": label, "n": self.count(base, **g)}
            for name, m in items.items():
                answered = self._answered_of(m)
                item_base = base & answered if answered is not None else base
                if counts:
                    row[column_format.format(name, "n")] = self.count(item_base & m, **g)
                row[column_format.format(name, "%")] = self.share(item_base, m, **g)
            rows.append(row)
        return pd.DataFrame(rows)

    def _answered_of(self, m: Measure) -> Measure | None:
        column = self._columns_of.get(m.id)
        if column is not None:
            return self.where(column)
        series = self._series_of.get(m.id)
        return self.where(series) if series is not None else None

    def model_sample(self, rows: pd.Index, variables: Iterable[str], name: str, **group) -> Value:
        """The organisations a model was fitted on, as a count: those in ``group`` with every
        variable of the model answered. Checked against the rows the fit used."""
        cols = [v for v in variables if v in self.data.columns]
        complete = self.data[cols].notna().all(axis=1)
        measure = self.measure(complete, f"complete for {name}")
        cell = self.cell(measure, group)
        used = np.zeros(self.pop.n, dtype=bool)
        used[np.asarray(rows, dtype=int)] = True
        if not np.array_equal(used, self.pop.rows(cell)):
            raise GateError(f"model {name}: the rows it used are not the complete cases of its "
                            f"variables within [{describe_group(group)}]; fit it on a group of ch.data")
        return Value("count", cell.n, cells=(cell,), what=f"organisations in model {name}")


def stat_on(value, on, dof=None, what="") -> Value:
    return statistic(value, flatten(on), dof=dof, what=what)


__all__ = ["Builder", "SUMMARIES", "stat_on"]
