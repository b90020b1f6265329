"""Typed values: numbers and words that know what they rest on.

pandas keeps no record of where a number came from, so a number computed from microdata
leaves a chapter only as one of these. Each says what kind of number it is and which cells
(counts of organisations, :class:`~barometer.disclosure.population.Cell`) it rests on:

===============  ========================================================================
``count``        the number of organisations in a cell
``share``        a percentage: its numerator, its base and the rest of the base are cells
``mean`` ...     a mean (or SD, median) of a variable over a cell; it also reveals the
                 variable's sum over that cell (a *magnitude*)
``statistic``    a test statistic, p-value, effect size, interval bound, difference or model
                 coefficient: it rests on everything it was computed from
``verdict``      a word or phrase the data chose ("significant"); rests like a statistic
``text``         a sentence template with typed fields; each field is checked on its own
``fixed``        a value that does not come from the microdata (a parameter, a label)
``published``    a number of the report (the published layer)
``tally``        how many of some *released* values say something ("yes"): counted when
                 the page is rendered, over the values the output check released
===============  ========================================================================

``cells`` are released with the value: an attacker who reads the value learns them (a share
printed to two decimals beside its base gives its numerator away). ``checks`` are counts the
value rests on without revealing them (the organisations behind a model term): they must pass
the threshold too. Nothing else is released from microdata; a plain float or string that
reaches the gate in the microdata part of a chapter is *untyped* and withheld.

Typed values deliberately support no arithmetic: ``a - b`` of two shares is an error, not a
number the gate has lost track of. Use :func:`difference`, :func:`statistic` and the builders.
"""

from __future__ import annotations

import dataclasses
import math
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from barometer.disclosure.population import Cell

KINDS = ("count", "share", "mean", "sd", "median", "statistic", "verdict", "text", "fixed", "published", "tally")
#: Kinds whose value is a number computed from microdata (rounded for own data).
NUMERIC_FROM_DATA = ("share", "mean", "sd", "median", "statistic")


@dataclass(frozen=True, eq=False)
class Value:
    kind: str
    value: Any
    cells: tuple[Cell, ...] = ()
    checks: tuple[tuple[str, int], ...] = ()
    magnitudes: tuple[tuple[str, Cell], ...] = ()
    dof: float | None = None
    what: str = ""
    fields: dict[str, Value] = field(default_factory=dict)
    #: What anyone knows from the report about cells of the microdata: (numerator cell, base
    #: cell, low, high), a printed percentage of the numerator in the base with its rounding, or
    #: (cell, None, low, high), a printed count. The report's percentage beside an exact base
    #: from the microdata pins the numerator: the ledger takes these as known, shown or not.
    public: tuple = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")

    # Readable in notebooks (students print them), but never silently a plain number.
    def __repr__(self) -> str:
        return f"<{self.kind} {self.text()}>"

    def __format__(self, spec: str) -> str:
        return format(self.value, spec) if spec else self.text()

    def __float__(self) -> float:
        return float(self.value)

    def text(self, spec: str | None = None) -> str:
        if self.kind == "tally":
            v = self.value
            return str(sum(1 for _, x in v["pairs"] if v["match"] is None or x == v["match"]))
        if self.kind == "text":
            return render_template(self.value, {k: v.text() for k, v in self.fields.items()}, self.fields)
        v = self.value
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            return "–"
        if spec:
            return format(v, spec)
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            return f"{v:.6g}"
        return str(v)

    @property
    def from_data(self) -> bool:
        return self.kind not in ("fixed", "published", "tally")

    def __bool__(self):
        raise TypeError("a typed value has no truth value: compare plain(value) in the notebook, and "
                        "glue the outcome as a verdict that rests on it")


def _cells(parts: Iterable[Value]) -> tuple[tuple[Cell, ...], tuple, tuple, float | None]:
    cells, checks, mags, dofs = [], [], [], []
    for p in parts:
        if not isinstance(p, Value):
            raise TypeError(f"rests on {p!r}, which is not a typed value")
        cells += p.cells
        checks += p.checks
        mags += p.magnitudes
        if p.dof is not None:
            dofs.append(p.dof)
        for f in p.fields.values():
            c, k, m, d = _cells([f])
            cells += c
            checks += k
            mags += m
            if d is not None:
                dofs.append(d)
    return (tuple(dict.fromkeys(cells)), tuple(dict.fromkeys(checks)), tuple(dict.fromkeys(mags)),
            min(dofs) if dofs else None)


def flatten(on) -> list[Value]:
    """Typed values in ``on``: a value, a list of them, or a data frame / series of them."""
    import pandas as pd

    if isinstance(on, Value):
        return [on]
    if isinstance(on, pd.DataFrame):
        return [v for v in on.to_numpy().ravel() if isinstance(v, Value)]
    if isinstance(on, pd.Series):
        return [v for v in on.to_numpy() if isinstance(v, Value)]
    out = []
    for item in on:
        out += flatten(item)
    return out


def statistic(value, on, *, dof: float | None = None, what: str = "") -> Value:
    """A number computed from typed values (a test, a p-value, an effect size, an interval
    bound, a model coefficient): it rests on everything in ``on``."""
    cells, checks, mags, d = _cells(flatten(on))
    if dof is not None:
        d = dof if d is None else min(d, dof)
    return Value("statistic", _plain_number(value), cells, checks, mags, d, what)


def verdict(text: str, on, *, what: str = "") -> Value:
    """A word or phrase chosen by the data; it rests on what it was chosen from."""
    cells, checks, mags, d = _cells(flatten(on))
    return Value("verdict", str(text), cells, checks, mags, d, what)


def difference(a: Value, b: Value, *, what: str = "") -> Value:
    out = statistic(_plain_number(a.value) - _plain_number(b.value), [a, b], what=what or "difference")
    if a.kind == "share" and b.kind in ("fixed", "published"):  # a recomputed share against the report's
        out = dataclasses.replace(out, public=printed(b, a).public)
    return out


def printed(number: Value, recomputed: Value, tolerance: float | None = None) -> Value:
    """``number`` (printed in the report) as knowledge about the cells of ``recomputed`` (the
    same number computed from the microdata): a percentage printed to whole percents unless it
    has decimals (``tolerance``: half its last digit), or a count printed exactly."""
    v = _plain_number(number.value)
    if recomputed.kind not in ("share", "count") or not isinstance(v, float) or not math.isfinite(v):
        return number
    if recomputed.kind == "count":
        return dataclasses.replace(number, public=((recomputed.cells[0], None, v - (tolerance or 0), v + (tolerance or 0)),))
    if tolerance is None:
        tolerance = 0.5 if float(v).is_integer() else 0.05
    return dataclasses.replace(number, public=((recomputed.cells[0], recomputed.cells[1], v - tolerance, v + tolerance),))


def fixed(value, what: str = "") -> Value:
    """A value that does not come from the microdata: a parameter, a label, a constant."""
    return Value("fixed", value, what=what)


def published(value, what: str = "") -> Value:
    """A number of the report, from the published layer."""
    return Value("published", value, what=what)


def text(template: str, **values) -> Value:
    """A sentence with typed fields: ``text("{k} of {n} organisations", k=..., n=...)``.

    The template is written by the author (a literal); each field is released or shown as
    ``#`` on its own, so the sentence still reads."""
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    missing = names - set(values)
    if missing:
        raise KeyError(f"text template needs {sorted(missing)}")
    typed = {}
    for k, v in values.items():
        typed[k] = v if isinstance(v, Value) else _untyped(v)
    return Value("text", template, fields=typed, what="text")


def join(parts, sep: str = " ") -> Value:
    """Typed texts (and other typed values) joined into one text: each part is shown or hidden on
    its own. ``sep`` is a literal separator."""
    parts = list(parts)
    escaped = sep.replace("{", "{{").replace("}", "}}")
    return text(escaped.join(f"{{p{i}}}" for i in range(len(parts))), **{f"p{i}": p for i, p in enumerate(parts)})


class Untyped(Value):
    """A plain value that reached the gate from microdata: withheld for own data."""


def _untyped(v) -> Value:
    return Untyped("fixed", v, what="untyped")


def is_untyped(v) -> bool:
    return isinstance(v, Untyped)


def render_template(template: str, texts: dict[str, str], fields: dict[str, Value]) -> str:
    """Fill a template: a field with a format spec (``{p:.3f}``) formats its value when it is a
    number and shown, else the field's text (``#`` when withheld)."""
    out = []
    for literal, name, spec, _conv in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        shown = texts[name]
        f = fields.get(name)
        if spec and f is not None and shown == f.text() and isinstance(f.value, (int, float, np.number)) \
                and not (isinstance(f.value, float) and not math.isfinite(f.value)):
            shown = format(f.value, spec)
        out.append(shown)
    return "".join(out)


def tally(pairs, match=None, *, what: str = "") -> Value:
    """How many of the values ``pairs`` (``(uid, plain value)``, e.g. the ``within`` column of a
    chapter's reproduction records) are released and equal ``match`` (any, when None). It is
    counted over released values only, so it tells nothing the released values do not."""
    pairs = tuple((str(u), plain(v)) for u, v in pairs)
    return Value("tally", {"pairs": pairs, "match": match}, what=what or f"released values equal to {match!r}")


def plain(v):
    """The plain value of a typed value (for further computation in the notebook)."""
    return v.value if isinstance(v, Value) else v


def _plain_number(v):
    v = plain(v)
    if v is None:
        return float("nan")
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


__all__ = ["Value", "KINDS", "statistic", "verdict", "difference", "fixed", "published", "text", "join", "plain", "tally",
           "flatten", "is_untyped", "render_template", "Untyped"]
