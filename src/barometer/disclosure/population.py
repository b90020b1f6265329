"""Who a number is about: the edition's organisations, the groups they fall in, and measures.

Every number the gate releases from microdata is a count of organisations (or rests on one).
For the edition ledger to see how numbers in different tables relate, each count is described
logically, not only by the rows it happens to hold:

* a **measure** is a property of an organisation defined over the whole file, both waves and
  all sectors: "innovated", "answered the type question and named a product". Measures are made
  with :func:`where`, :func:`answered` and their combinations, never by slicing by sector or
  wave first (that is what groups are for), so that "this property, in another group" is
  always meaningful;
* a **group** is a box of the *spanning attributes* every organisation has (wave, sector,
  size class, type of national government): ``wave=2025, sector="Gemeente"``;
* a **cell** is a measure within a group. Two tables that show "innovated, Gemeente, 2025"
  show the same cell, and a total over sectors is the sum of the sector cells of the same
  measure. This is the structure an attacker knows, and the one the ledger's integer
  programme is written in (:mod:`barometer.disclosure.ledger`).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: The attributes every organisation has and that groups are made of.
SPANNING = ("wave", "sector", "size_class", "national_government_type")
#: How a missing attribute is spelt in a box (size class may be missing).
MISSING = "(missing)"


class GateError(ValueError):
    """A number was built in a way the gate cannot describe or check."""


def _key(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return MISSING
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Measure:
    """A property of organisations over the whole file (see the module docstring).

    ``mask`` has one entry per row of the edition's data; ``waves`` are the waves in which the
    property can hold at all (a question asked in 2025 only has no 2021 domain). ``design``
    marks properties that say who was in the survey or was asked a question by design, not what
    anyone answered: a zero count of them (no respondent in a group) is not disclosive.

    A measure is identified by its definition (its name) *and* its rows: the same definition
    in two chapters is the same measure, and two definitions that happen to select the same
    organisations in this file stay apart, unless they differ only in who was asked or answered
    (see ``Ledger._answering_links``)."""

    name: str
    mask: np.ndarray = field(repr=False, compare=False)
    waves: frozenset[str] = frozenset()
    id: str = ""
    design: bool = False
    #: ids of measures that contain this one by definition ("x = 1" lies within "x answered";
    #: "a & b" within a and within b) and that it contains ("a | b" contains a and b)
    supersets: tuple[str, ...] = field(default=(), compare=False)
    subsets: tuple[str, ...] = field(default=(), compare=False)

    def __and__(self, other: Measure) -> Measure:
        # "a and a" is a, "everyone and a" is a, and a part and its whole is the part: one
        # concept keeps one definition.
        if self.id == other.id or other.name == "everyone" or other.id in self.supersets \
                or self.id in other.subsets:
            return self
        if self.name == "everyone" or self.id in other.supersets or other.id in self.subsets:
            return other
        # "a and b and c" has one name whatever the order the parts were combined in.
        terms = _narrowest(self.terms | other.terms)
        return Measure.of(" & ".join(f"({t})" for t in sorted(terms)), self.mask & other.mask,
                          self.waves & other.waves, design=self.design and other.design,
                          supersets=(self.id, other.id))

    @property
    def terms(self) -> frozenset[str]:
        """The measures this one is the intersection of (by name); itself when it is not one."""
        if self.name.startswith("(") and " & " in self.name and self.name.endswith(")"):
            parts = self.name[1:-1].split(") & (")
            if all(p.count("(") == p.count(")") for p in parts):
                return frozenset(parts)
        return frozenset([self.name])

    def __or__(self, other: Measure) -> Measure:
        a, b = sorted([self.name, other.name])
        return Measure.of(f"({a}) | ({b})", self.mask | other.mask, self.waves | other.waves,
                          design=self.design and other.design, subsets=(self.id, other.id))

    def without(self, other: Measure) -> Measure:
        """This measure minus the organisations that have ``other``."""
        return Measure.of(f"({self.name}) & not ({other.name})", self.mask & ~other.mask, self.waves,
                          design=self.design and other.design, supersets=(self.id,))

    @property
    def n(self) -> int:
        return int(self.mask.sum())

    @property
    def content(self) -> str:
        """A digest of the rows and domain alone."""
        return hashlib.sha1(np.packbits(self.mask).tobytes() + "|".join(sorted(self.waves)).encode()).hexdigest()[:16]

    @staticmethod
    def of(name: str, mask: np.ndarray, waves: Iterable[str], *, design: bool = False,
           supersets: tuple[str, ...] = (), subsets: tuple[str, ...] = ()) -> Measure:
        mask = np.asarray(mask, dtype=bool)
        waves = frozenset(waves)
        digest = hashlib.sha1(name.encode() + b"|" + np.packbits(mask).tobytes()
                              + "|".join(sorted(waves)).encode()).hexdigest()[:16]
        return Measure(name, mask, waves, digest, design, tuple(supersets), tuple(subsets))

    def __reduce__(self):  # pickled compactly: one bit per organisation
        return (_unpack_measure, (self.name, np.packbits(self.mask).tobytes(), len(self.mask),
                                  tuple(sorted(self.waves)), self.id, self.design, self.supersets, self.subsets))


def _narrowest(terms: frozenset[str]) -> frozenset[str]:
    """Terms of an intersection without those another term lies within: "origin = 1" and
    "origin = 1/2/3" is "origin = 1" (so that the same organisations have one definition)."""
    values: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for t in terms:
        if " = " in t:
            label, v = t.rsplit(" = ", 1)
            values.setdefault(label, []).append((t, frozenset(v.split("/"))))
    dropped = {t for same in values.values() for t, v in same
               if any(u != t and w < v for u, w in same)}
    return frozenset(terms - dropped)


def _unpack_measure(name, packed, n, waves, id_, design=False, supersets=(), subsets=()):
    mask = np.unpackbits(np.frombuffer(packed, dtype=np.uint8), count=n).astype(bool)
    return Measure(name, mask, frozenset(waves), id_, design, tuple(supersets), tuple(subsets))


@dataclass(frozen=True)
class Cell:
    """A measure within a group of boxes: the organisations one count is about."""

    measure: str
    boxes: frozenset[int]
    n: int
    label: str = field(default="", compare=False)
    #: a count of who was in the survey or asked, not of an answer (see Measure.design)
    design: bool = field(default=False, compare=False)

    @functools.cached_property
    def key(self) -> tuple[str, frozenset[int]]:  # (cached: the ledger asks millions of times)
        return (self.measure, self.boxes)


class Population:
    """The rows of an edition's microdata and the boxes of their spanning attributes.

    Row ids are the positions in the validated data (``intake.load`` gives the same order every
    time), so chapters executed separately describe the same organisations with the same ids."""

    def __init__(self, data: pd.DataFrame):
        if not isinstance(data.index, pd.RangeIndex) or data.index.start != 0 or data.index.step != 1:
            raise GateError("the microdata must keep their row ids (a RangeIndex from 0) as index")
        self.n = len(data)
        self.index = data.index
        keys = pd.DataFrame({a: [_key(v) for v in data[a]] if a in data else MISSING for a in SPANNING},
                            index=data.index)
        tuples = list(map(tuple, keys.to_numpy()))
        self.boxes: list[tuple[str, ...]] = sorted(set(tuples))
        position = {b: i for i, b in enumerate(self.boxes)}
        self.box_of_row = np.array([position[t] for t in tuples], dtype=np.int32)
        self.waves = frozenset(keys["wave"])
        self._group_cache: dict = {}
        self._rows_cache: dict = {}
        self.measures: dict[str, Measure] = {}
        #: (parent measure id, child measure ids) that split the parent exactly (declared by builders)
        self.partitions: set[tuple[str, tuple[str, ...]]] = set()
        #: (child id, parent id): the child lies within the parent by definition
        self.subsets: set[tuple[str, str]] = set()
        #: identities sum(coefficient x measure) = 0 that hold on every row (see Builder._declare_tally)
        self.tallies: list[tuple[tuple[str, float], ...]] = []

    # ------------------------------------------------------------------ groups
    def group_boxes(self, group: dict) -> frozenset[int]:
        """The boxes a group spec selects: ``{"wave": 2025, "sector": ["A", "B"]}``; an attribute
        that is None or left out is not restricted."""
        spec = normalise_group(group)
        cached = self._group_cache.get(spec)
        if cached is not None:
            return cached
        chosen = []
        for i, box in enumerate(self.boxes):
            if all(box[SPANNING.index(a)] in values for a, values in spec):
                chosen.append(i)
        out = frozenset(chosen)
        self._group_cache[spec] = out
        return out

    def rows_of(self, boxes: frozenset[int]) -> np.ndarray:
        cached = self._rows_cache.get(boxes)
        if cached is None:
            cached = np.isin(self.box_of_row, np.fromiter(boxes, dtype=np.int32, count=len(boxes)))
            self._rows_cache[boxes] = cached
        return cached

    # ------------------------------------------------------------------ measures
    def register(self, measure: Measure) -> Measure:
        if len(measure.mask) != self.n:
            raise GateError(f"measure {measure.name!r} has {len(measure.mask)} entries for {self.n} organisations")
        known = self.measures.get(measure.id)
        if known is None:
            self.measures[measure.id] = measure
            known = measure
        for parent in measure.supersets:
            self.subsets.add((measure.id, parent))
        for child in measure.subsets:
            self.subsets.add((child, measure.id))
        return known

    def partition(self, parent: Measure, children: list[Measure]) -> None:
        """Declare (and check) that ``children`` split ``parent`` without overlap."""
        total = np.zeros(self.n, dtype=np.int16)
        for c in children:
            total += c.mask
        if not (np.array_equal(total.astype(bool), parent.mask) and total.max(initial=0) <= 1):
            raise GateError(f"the parts of {parent.name!r} do not split it exactly")
        for m in (parent, *children):
            self.register(m)
        self.partitions.add((parent.id, tuple(sorted({c.id for c in children}))))

    def cell(self, measure: Measure, group: dict) -> Cell:
        measure = self.register(measure)
        boxes = self.group_boxes(group)
        n = int((measure.mask & self.rows_of(boxes)).sum()) if boxes else 0
        return Cell(measure.id, boxes, n, f"{measure.name} [{describe_group(group)}]", measure.design)

    def rows(self, cell: Cell) -> np.ndarray:
        return self.measures[cell.measure].mask & self.rows_of(cell.boxes)


def normalise_group(group: dict) -> tuple[tuple[str, frozenset[str]], ...]:
    spec = []
    for attr, value in sorted(group.items()):
        if attr not in SPANNING:
            raise GateError(f"{attr!r} is not a spanning attribute ({', '.join(SPANNING)}); "
                            "make it part of the measure instead")
        if value is None:
            continue
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        spec.append((attr, frozenset(_key(v) for v in values)))
    return tuple(spec)


def describe_group(group: dict) -> str:
    parts = []
    for attr, values in normalise_group(group):
        parts.append(f"{attr} {'/'.join(sorted(values))}")
    return ", ".join(parts) or "everyone"


__all__ = ["SPANNING", "GateError", "Measure", "Cell", "Population", "normalise_group", "describe_group"]
