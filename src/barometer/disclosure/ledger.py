"""The edition ledger: every value an edition publishes from own microdata, checked together.

Each chapter's gate records the typed values of its tables, figures and glued numbers (with the
cells they rest on). After every chapter has run, the ledger decides what may be released:

1. **Primary rules** (:mod:`barometer.disclosure.rules`): a value resting on a disclosive count
   (below ``min_cell``, or zero) is suppressed; an untyped value, or a model with too few
   residual degrees of freedom, is withheld.
2. **The attacker.** What is left is everything an outsider reads. The attacker knows every
   released count exactly, how counts relate (a measure within a group is the sum of the same
   measure within the group's boxes; a base is the sum of its parts, wherever those are
   published: across tables, chapters and waves; the whole of a hub's partition, such as the
   respondents as asked plus not asked, wherever all its parts are: see ``Ledger.derived``), and
   that counts are whole and non-negative.
   For each disclosive cell that is hidden, an integer programme (HiGHS's MIP solver)
   asks whether the published numbers leave it another value outside 1 … ``min_cell`` − 1 (for a
   zero: any other value). If not, the cell is *exposed*.
3. **Secondary suppression.** For an exposed cell, one linear programme per direction (up to
   ``min_cell``, down to zero) lets every released count differ from its true value at a price
   (the values resting on it; see ``Ledger.weight``) and finds the cheapest point at which the
   cell has left its range; where that point is fractional, an integer search finds a whole
   point once its counts are hidden (else the cheapest whole point). The counts that differ at
   the point are hidden everywhere they are published (and every value resting on them with
   them): the point is then an answer the attacker cannot rule out, which is checked against
   everything still released (``_CoverModel.witnessed``). Such points are kept: one found for a
   cell often answers the next cell of the same small group, with no programme; every whole
   point any search of a model finds is kept the same way, and answers a later check or search
   of that model wherever it meets everything then released (``_CoverModel._known_point``: a
   point is proof, whoever found it), and a search asked twice is answered once. Where no whole point
   is found, the cell is checked again, and the linear relaxation's dual names the released
   counts that pin it down; of these (cheapest first, see ``Ledger.cost``) the first that
   protects the cell on its own, else the cheapest, is hidden, until the cell is safe. Hiding
   never helps the attacker, so a cell found safe stays safe.

The attacker also knows the report's printed numbers (``Value.public``: a percentage of a cell,
printed rounded, or a count), and cells no value publishes but two published ones imply (see
``_implied``). A cell the report alone shows to be small keeps only its exact value protected;
one the report pins exactly was disclosed by the report, and is protected from a reader of this
edition alone (the attacker without the report's numbers: two of this edition's counts must not
give it again).
4. **Magnitudes.** A mean reveals its variable's sum over its cell. Where the sum over a
   disclosive group follows from released means (same variable, related cells), one of those
   means is hidden too.

The attacker's variables are the counts of each measure in each *box* of the spanning
attributes (wave × sector × size × type of national government), merged where no published
cell tells boxes apart. Boxes, not organisations, are the unknowns: an attacker does not know
which answers each organisation gave, only the published tables.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from barometer.disclosure import lp as searches
from barometer.disclosure.lp import (
    OPTIMAL,
    UNBOUNDED,
    LinearProgramme,
    cheapest_whole_solution,
    whole_solution,
    whole_solution_exists,
)
from barometer.disclosure.population import Cell, Measure
from barometer.disclosure.rules import RELEASED, SUPPRESSED, WITHHELD, Rules
from barometer.disclosure.values import Value, is_untyped


@dataclass
class Decision:
    status: str
    rule: str = ""
    detail: str = ""


@dataclass
class Outcome:
    """What the ledger decided, and what it measured while deciding."""

    decisions: dict[str, Decision]
    hidden_cells: set[tuple[str, frozenset[int]]]
    exposed_found: int = 0
    secondary: int = 0
    magnitude: int = 0
    programmes: int = 0
    seconds: float = 0.0
    unprotectable: list[str] = field(default_factory=list)
    structural_zeros: int = 0
    #: small cells the report's printed numbers alone pin down exactly, protected from a reader of
    #: the edition alone (see Ledger._beyond_protection)
    public_known: int = 0
    #: cells that equal definitions would pin with nothing released, judged without them
    #: (see Ledger._beyond_protection)
    judged_without_synonyms: int = 0
    #: integer searches stopped by the safety net's clock rather than by their node limit: where
    #: there are any, another build (another machine, another load) may decide differently
    clock_stops: int = 0

    def status(self, uid: str) -> str:
        return self.decisions[uid].status


class Ledger:
    def __init__(self, boxes: list[tuple[str, ...]], box_of_row: np.ndarray, measures: dict[str, Measure],
                 partitions: set[tuple[str, tuple[str, ...]]], rules: Rules,
                 subsets: set[tuple[str, str]] = frozenset(), tallies: list = ()):
        self.boxes = boxes
        self.box_wave = [b[0] for b in boxes]
        self.box_of_row = box_of_row
        self.rules = rules
        # Measures are linked by their definition, not by rows alone: two definitions that
        # happen to select the same organisations in this file stay apart, or the attacker would
        # be credited with coincidences it cannot know (and zeros they force would count as
        # structural). The one exception: definitions that differ only in who was asked or
        # answered, which a reader links as soon as the totals agree (see _answering_links).
        # Those of one domain become one measure (the alias); across domains they are equal
        # box by box (self.equalities).
        self.measures = measures
        derived = self._distributed(partitions, np.asarray(self.box_wave)[box_of_row])
        carried = self._carried_tallies(tallies)
        self.alias, links = self._answering_links(np.asarray(self.box_wave)[box_of_row])
        self.tallies = sorted({tuple(sorted((self.alias[m], c) for m, c in t)) for t in carried})
        self.measures = {mid: m for mid, m in measures.items() if self.alias[mid] == mid}
        self.equalities = sorted({(self.alias[a], self.alias[b]) for a, b in links
                                  if self.alias[a] != self.alias[b]})
        parts = set()
        for p, c in set(partitions) | derived:
            if p in self.alias and all(x in self.alias for x in c):
                parent = self.alias[p]
                children = tuple(sorted({self.alias[x] for x in c} - {parent}))
                parts.add((parent, children, len(children) < len(set(c))))
        self.partitions = sorted(parts)
        self.subsets = sorted({(self.alias[c], self.alias[p]) for c, p in subsets
                               if c in self.alias and p in self.alias and self.alias[c] != self.alias[p]})
        # Which measures are related (a part and its whole, a subset and its superset).
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        self.partition_of: dict[str, list[tuple]] = defaultdict(list)
        for entry in self.partitions:
            parent, children, _ = entry
            for m in (parent, *children):
                self.partition_of[m].append(entry)
                self.neighbours[m] |= {parent, *children} - {m}
        for c, p in self.subsets:
            self.neighbours[c].add(p)
            self.neighbours[p].add(c)
        for tally in self.tallies:
            for m, _ in tally:
                self.neighbours[m] |= {x for x, _ in tally} - {m}
        self.equal_to: dict[str, set[str]] = defaultdict(set)
        for c, p in self.equalities:
            self.equal_to[c].add(p)
            self.equal_to[p].add(c)
        self.synonyms = self._synonyms()
        for a, b in self.synonyms:
            self.equal_to[a].add(b)
            self.equal_to[b].add(a)
        #: each measure with a synonym: its class's first member (see _CoverModel)
        self.synonym_class = {b: a for a, b in self.synonyms} | {a: a for a, _ in self.synonyms}
        self.wave_synonyms = self._wave_synonyms(np.asarray(self.box_wave)[box_of_row])
        self.wave_equal: dict[str, set[str]] = defaultdict(set)
        for a, b, _ in self.wave_synonyms:
            self.wave_equal[a].add(b)
            self.wave_equal[b].add(a)
        self.values: dict[str, Value] = {}
        self.forced: dict[str, Decision] = {}
        #: what the report printed about cells (see Value.public), collected by solve()
        self.public: list[tuple] = []
        self.public_exact: set = set()
        #: cells the report shows to be small: only their exact value is protected (see _beyond_protection)
        self.exact_only: set = set()
        #: how many values rest on each cell (see cost), set by solve
        self.holder_count: dict = {}
        #: partitions whose members are all cells, and what hiding a count that follows costs
        #: (see _families, derived), set by solve
        self.families: list[tuple] = []
        self.family_cells: dict = {}
        self.derived_weight: dict = {}
        #: lower bounds on respondents by measure and its released cells (see _CoverModel)
        self.bounds_of: dict = {}
        self.everyone_id = next((mid for mid, m in self.measures.items() if m.name == "everyone"), None)

    def _distributed(self, partitions, row_wave: np.ndarray) -> set[tuple[str, tuple[str, ...]]]:
        """Partitions a reader derives from the declared ones: where ``p`` is split into parts
        (the strategies; "2 to 4 types" into 2, 3 and 4), any published ``p & x`` is split the
        same way into ``part & x`` (the innovators with no technology, by strategy), when those
        are published too, under any definition that differs from ``part & x`` only in who
        answered (see _answering_links). Without this, a crosstab's column totals published
        elsewhere would not be tied to the crosstab's columns, and a hidden cell would follow
        from the margins unnoticed. Each derived partition is checked on the rows."""
        core = {mid: frozenset(t for t in m.terms if not _answering_term(t)) for mid, m in self.measures.items()}
        with_term: dict[str, set[str]] = defaultdict(set)
        by_core: dict[frozenset, list[str]] = defaultdict(list)
        for mid, m in self.measures.items():
            by_core[core[mid]].append(mid)
            for t in m.terms:
                with_term[t].add(mid)
        out = set()
        for p, children in partitions:
            if p not in self.measures or not all(c in self.measures for c in children):
                continue
            base = self.measures[p].terms
            candidates = set.intersection(*(with_term[t] for t in base)) if base else set()
            for mid in sorted(candidates):
                whole = self.measures[mid]
                x = frozenset(t for t in whole.terms - base if not _answering_term(t))
                if mid == p or not x:
                    continue
                in_domain = np.isin(row_wave, list(whole.waves))
                parts = []
                for c in children:
                    target = self.measures[c].mask & whole.mask
                    found = next((n for n in by_core.get(core[c] | x, ())
                                  if np.array_equal(self.measures[n].mask & in_domain, target)), None)
                    if found is None:
                        break
                    parts.append(found)
                else:
                    # (a part of a wider domain counts within the whole's waves only: see _CoverModel)
                    masks = np.array([self.measures[n].mask & in_domain for n in parts], dtype=np.int16)
                    if masks.sum(axis=0).max(initial=0) <= 1 and np.array_equal(masks.sum(axis=0).astype(bool),
                                                                                 whole.mask):
                        out.add((mid, tuple(sorted(set(parts)))))
        return out

    def _carried_tallies(self, tallies) -> list[tuple[tuple[str, float], ...]]:
        """Each declared tally (see Builder._declare_tally: the types named add up to the
        innovators with k types, times k) carried over to every group of published measures
        that restricts all its members in the same way (the innovators of one degree of change,
        under any definition that differs only in who answered). Checked on the rows."""
        core = {mid: frozenset(t for t in m.terms if not _answering_term(t)) for mid, m in self.measures.items()}
        by_core: dict[frozenset, list[str]] = defaultdict(list)
        for mid in sorted(self.measures, key=lambda x: (len(self.measures[x].name), x)):
            by_core[core[mid]].append(mid)
        out = []
        for tally in tallies:
            if not all(m in self.measures for m, _ in tally):
                continue
            own = [core[m] for m, _ in tally]
            # the restrictions x under which every member is published
            contexts = None
            for terms in own:
                found = {c - terms for c in by_core if terms <= c}
                contexts = found if contexts is None else contexts & found
            for x in sorted(contexts or (), key=sorted):
                members = [by_core[terms | x] for terms in own]
                chosen = [(ms[0], c) for ms, (_, c) in zip(members, tally, strict=True)]
                total = sum(c * self.measures[m].mask.astype(float) for m, c in chosen)
                if not np.any(total):
                    out.append(tuple(chosen))
        return out

    def _answering_links(self, row_wave: np.ndarray) -> tuple[dict[str, str], list[tuple[str, str]]]:
        """Measures whose definitions differ only in who was asked or answered (``x & q
        answered`` and ``x & r answered``, ``x & asked``, ``x & complete on the model's
        variables``) and that hold the same organisations in this file. A reader who sees that a
        table's totals are the innovators wherever both are shown assumes the same where they
        are not (nobody skipped the question), so the attacker is credited with their equality.
        What that forces empty is who skipped a question, never what anyone answered: measures
        that differ in an *answer* (``x & y = 1``) are never linked, whatever their rows, as
        "everyone in x said yes" is what the zeros rule protects.

        Returns the alias of every measure (one measure per such class within one domain of
        waves) and the pairs (a, b) where a, of a smaller domain, equals b within a's waves."""
        core = {mid: frozenset(t for t in m.terms if not _answering_term(t)) for mid, m in self.measures.items()}
        alias = {mid: mid for mid in self.measures}
        classes: dict[tuple, list[str]] = defaultdict(list)
        for mid, m in self.measures.items():
            if m.mask.any():  # (empty measures are the coincidences: never linked)
                classes[(core[mid], m.waves, np.packbits(m.mask).tobytes())].append(mid)
        for members in classes.values():
            # everyone, if it is one of them, then the shortest definition names the class
            rep = min(members, key=lambda x: (self.measures[x].name != "everyone", len(self.measures[x].name), x))
            for x in members:
                alias[x] = rep
        # Across domains: b restricted to a's waves holds a's organisations.
        domains = {w for _, w, _ in classes}
        within: dict[tuple, set[str]] = defaultdict(set)
        for (c, wider, _), members in classes.items():
            m = self.measures[alias[members[0]]]
            for w in domains:
                if w < wider:
                    within[(c, w, np.packbits(m.mask & np.isin(row_wave, list(w))).tobytes())].add(alias[members[0]])
        links = [(alias[members[0]], b) for key, members in classes.items() for b in sorted(within.get(key, ()))]
        return alias, sorted(set(links))

    def _synonyms(self) -> list[tuple[str, str]]:
        """Measures of one domain that hold the same organisations under different definitions:
        "climate cluster Krachtig" in one chapter and "climate_cluster = Krachtig" in another,
        "has a climate_scale" and "climate_scale answered". A reader sees one group under two
        names and adds up across both chapters' tables, so the attacker is credited with their
        equality, box by box, whatever the names say.

        Some such pairs are coincidences (two answers the same few organisations gave), which a
        reader cannot know. Crediting them only makes the attacker stronger (more is hidden),
        except where it would make a zero look *structural* and so exempt from protection: the
        structural zeros and the cells the report alone pins are therefore found without the
        synonyms, and a zero the synonyms alone would pin is judged without them (see solve)."""
        groups: dict[tuple, list[str]] = defaultdict(list)
        for mid, m in self.measures.items():
            if m.mask.any():  # (empty measures are the coincidences: never linked)
                groups[(m.waves, np.packbits(m.mask).tobytes())].append(mid)
        pairs = set()
        for members in groups.values():
            members = sorted(members)
            pairs |= {(members[0], x) for x in members[1:]}
        known = set(self.equalities)
        return sorted(pairs - known - {(b, a) for a, b in known})

    def _wave_synonyms(self, row_wave: np.ndarray) -> list[tuple[str, str, str]]:
        """Measures that hold the same organisations within one wave but not in every wave (the
        2025 failure model's sample, "complete on failed, size, cluster, sector", and everyone
        with a climate score, which in 2021 has organisations the model cannot have): a reader
        who sees both counts agree in 2025 takes them as one group there, as a red team did.
        Credited like the synonyms (see _synonyms), wave by wave: (a, b, wave)."""
        groups: dict[tuple, list[str]] = defaultdict(list)
        for mid, m in self.measures.items():
            if len(m.waves) < 2:
                continue
            for w in sorted(m.waves):
                mask = m.mask & (row_wave == w)
                if mask.any():
                    groups[(w, np.packbits(mask).tobytes())].append(mid)
        known = {frozenset(p) for p in [*self.synonyms, *self.equalities]}
        out = set()
        for (w, _), members in groups.items():
            members = sorted(members)
            out |= {(members[0], x, w) for x in members[1:] if frozenset((members[0], x)) not in known}
        return sorted(out)

    def canonical(self, cell: Cell) -> Cell:
        mid = self.alias.get(cell.measure, cell.measure)
        if mid == cell.measure:
            return cell
        return Cell(mid, cell.boxes, cell.n, cell.label, cell.design)

    def add(self, uid: str, value: Value, *, withheld: str | None = None) -> None:
        """Record one published value (``uid`` unique in the edition). ``withheld``: a reason
        decided outside the ledger (e.g. an SVG of own data)."""
        if uid in self.values:
            raise KeyError(f"value {uid!r} recorded twice")
        self.values[uid] = value
        if withheld:
            self.forced[uid] = Decision(WITHHELD, withheld)

    def forced_output(self, uid: str, reason: str) -> None:
        """An output withheld as a whole (a figure whose drawing function could carry data)."""
        self.forced[uid] = Decision(WITHHELD, "untyped", reason)

    # ------------------------------------------------------------------ structure
    def _cells(self) -> tuple[dict[tuple, Cell], dict[tuple, list[str]], dict[str, tuple[Cell, ...]]]:
        """Every cell (canonical), the values that release each, and each value's cells."""
        cells: dict[tuple, Cell] = {}
        holders: dict[tuple, list[str]] = defaultdict(list)
        of_value: dict[str, tuple[Cell, ...]] = {}
        for uid, v in self.values.items():
            own = tuple(self.canonical(c) for c in v.cells)
            of_value[uid] = own
            for c in own:
                cells.setdefault(c.key, c)
                holders[c.key].append(uid)
        return cells, holders, of_value

    def _implied(self, cells: dict) -> dict[tuple, Cell]:
        """Cells no value publishes but published ones determine: in every group where a
        partition's whole or one of its parts is published, the whole and each part (the
        innovators of one origin by size class, when the innovators by size class and the other
        origins are published). They are checked like the cells of published values: an
        attacker who pins one down learns a count nobody meant to publish."""
        out: dict[tuple, Cell] = {}
        boxes_of: dict[str, set[frozenset]] = defaultdict(set)
        for c in cells.values():
            if c.boxes:
                boxes_of[c.measure].add(c.boxes)
        rows_of: dict[frozenset, np.ndarray] = {}
        for parent, children, _ in self.partitions:
            members = (parent, *children)
            seen = [boxes_of.get(m, set()) for m in members]
            # (a group in which two of them are published: where the rest follows by subtraction)
            groups = {b for i, bs in enumerate(seen) for b in bs if any(b in other for other in seen[i + 1:])}
            for boxes in groups:
                rows = rows_of.get(boxes)
                if rows is None:
                    rows = rows_of[boxes] = np.isin(self.box_of_row, np.fromiter(boxes, dtype=np.int32))
                for m in members:
                    if (m, boxes) not in cells and (m, boxes) not in out:
                        measure = self.measures[m]
                        out[(m, boxes)] = Cell(m, boxes, int(np.count_nonzero(measure.mask & rows)),
                                               f"{measure.name} (implied by published counts)", measure.design)
        return out

    def _skipped(self, cells: dict) -> None:
        """Who skipped: where a measure of who answered (``x answered``, ``complete on ...``,
        ``has a ... scale``) and a measure it lies within are both published for one group, their
        difference is a count too (those of the group who did not answer), as a second red team
        found (a sector's size minus its respondents to a scale; its innovators minus a model's
        sample). The wholes: everyone, the declared supersets, and every published measure that
        holds each organisation of the answered (by rows: a reader knows that a model of
        innovators is fitted on innovators), where the remainder is small in a group both are
        published for. Each such pair becomes a partition, whole = answered + skipped, with the skipped
        as a measure of its own, so that ``_implied`` checks it like any published count. A
        zero of it (nobody skipped) says nothing about anyone's answers (``design``)."""
        groups: dict[str, set[frozenset]] = defaultdict(set)
        for c in cells.values():
            if c.boxes:
                groups[c.measure].add(c.boxes)
        supersets: dict[str, set[str]] = defaultdict(set)
        for c, p in self.subsets:
            supersets[c].add(p)
        for a in sorted(groups):
            name = self.measures[a].name
            if a == self.everyone_id or not (_answering_term(name) or name.startswith("has a ")):
                continue
            mask, waves = self.measures[a].mask, self.measures[a].waves
            holding = {q for q in groups if q != a and groups[q] & groups[a] and waves <= self.measures[q].waves
                       and not (mask & ~self.measures[q].mask).any()}
            for p in sorted(holding | supersets[a] | ({self.everyone_id} if self.everyone_id else set())):
                if p not in self.measures or not groups[a] & groups.get(p, set()):
                    continue
                whole, part = self.measures[p], self.measures[a]
                # (only where the remainder is small in a group both are published for: elsewhere
                # it is no count to protect, and the partition would only make models larger)
                if not any(self.rules.sensitive(int(np.count_nonzero(whole.mask & ~part.mask & rows)), True)
                           for rows in (self._rows_in(b) for b in groups[a] & groups[p])):
                    continue
                rest = Measure.of(f"({whole.name}) & not ({part.name})", whole.mask & ~part.mask, whole.waves,
                                  design=True, supersets=(p,))
                if not rest.mask.any() or rest.id in self.measures:
                    continue
                self.measures[rest.id] = rest
                self.alias[rest.id] = rest.id
                entry = (p, tuple(sorted((a, rest.id))), False)
                self.partitions.append(entry)
                # Only the skipped's own model needs the partition: in any other it adds an
                # unknown with one equation (nothing about the rest), and would crowd out the
                # near relations (see local_measures).
                self.partition_of[rest.id].append(entry)
                self.neighbours[rest.id] |= {p, a}
        self.partitions.sort()

    def _rows_in(self, boxes: frozenset) -> np.ndarray:
        """Which rows of the file lie in ``boxes``."""
        return np.isin(self.box_of_row, np.fromiter(boxes, dtype=np.int32))

    #: The largest number of measures in one attacker's model (see local_measures).
    MAX_LOCAL = 120
    #: A measure in more partitions than this is a hub (see local_measures).
    HUB = 20
    #: How many measures equal to the model's within one wave a model holds beyond MAX_LOCAL.
    MAX_WAVE_LINKED = 10

    def local_measures(self, m0: str) -> frozenset[str]:
        """The measures the attacker's model of a cell of ``m0`` holds:

        * ``m0``, the partitions it is in (a base and all its parts: a total minus its other
          parts), and its direct subsets and supersets (an answer within its question's
          answered, a part within its whole);
        * the partitions each of those is in (the answered and its other answers; the whole and
          its other parts), one step further;
        * everyone (the respondents), which every measure lies within.

        Farther relations (a superset's other subsets, which do not add up to it) are left out:
        they bound nothing about ``m0`` that these do not, and hubs such as "innovated" have
        hundreds of them. Should the set still exceed MAX_LOCAL measures, the nearest are kept."""
        order = [m0]
        seen = {m0}

        def add(ms):
            todo = list(ms)
            while todo:
                m = todo.pop(0)
                if m not in seen:
                    seen.add(m)
                    order.append(m)
                    # a measure comes with those it equals (see _answering_links): one count, two names
                    todo += sorted(self.equal_to.get(m, ()))

        def partition_members(m, hub=False):
            out = []
            for parent, children, _ in self.partition_of.get(m, ()):
                # of a hub's partitions, those that tie it to what the model holds already
                if not hub or seen & {parent, *children} - {m}:
                    out += [parent, *children]
            return out

        add(sorted(self.equal_to.get(m0, ())) + sorted(self.wave_equal.get(m0, ())))
        add(partition_members(m0))
        add(sorted(self.neighbours.get(m0, ())))
        # one step further, the measures in few partitions first: a hub such as "innovated" is
        # in hundreds (every share of innovators), which would crowd out the near relations
        for m in sorted(order[1:], key=lambda x: (len(self.partition_of.get(x, ())), order.index(x))):
            add(partition_members(m, hub=len(self.partition_of.get(m, ())) > self.HUB))
        chosen = order[: self.MAX_LOCAL]
        # The measures equal to one of these within one wave (see _wave_synonyms) come last, a
        # few: they must not crowd out the near relations (the model's own partitions).
        linked = dict.fromkeys(x for m in chosen for x in sorted(self.wave_equal.get(m, ())) if x not in seen)
        chosen += list(linked)[: self.MAX_WAVE_LINKED]
        if self.everyone_id is not None:
            chosen.append(self.everyone_id)
        return frozenset(chosen)

    def _families(self, cells: dict) -> list[tuple]:
        """Each partition of a hub (see local_measures) in each group of boxes where its whole and
        every part are cells (published, or implied: see _implied), as the keys of the whole and
        its parts. Where every part is released, the whole follows (see derived), whatever model
        a cell is judged in: a hub's partitions (everyone = asked + not asked, for every question
        of the routing table) are too many for every model to hold, but their sums are not. (A
        model holds every partition of a measure it is built for, and of its near relations.)"""
        groups: dict[str, set[frozenset]] = defaultdict(set)
        for c in cells.values():
            if c.boxes:
                groups[c.measure].add(c.boxes)
        out = []
        for parent, children, degenerate in self.partitions:
            if degenerate or not children or len(self.partition_of.get(parent, ())) <= self.HUB:
                continue
            waves = self.measures[parent].waves
            for boxes in groups.get(parent, ()):
                # (outside the whole's waves a part may hold organisations the whole does not)
                if not all(self.box_wave[b] in waves for b in boxes):
                    continue
                # a part that is published under another name holding the same organisations
                # (the routing table's "asked" for everyone's part that was asked): see _synonyms
                parts = [next(((x, boxes) for x in (m, *sorted(self.equal_to.get(m, ()))) if (x, boxes) in cells), None)
                         for m in children]
                if None not in parts and cells[(parent, boxes)].n == sum(cells[k].n for k in parts):
                    out.append(((parent, boxes), *parts))
        return out

    def derived(self, released: set) -> set:
        """``released`` with the whole of every hub partition whose parts are all released (see
        _families), until nothing more follows. (Sound: every count added is one the attacker
        works out. A count below the threshold is not added: it is judged in a model that holds
        the partition, where the same sum pins it.)"""
        out = set(released)
        sensitive = self.rules.cell_sensitive
        as_part: dict[tuple, list[int]] = defaultdict(list)
        for i, family in enumerate(self.families):
            for k in family[1:]:
                as_part[k].append(i)
        todo = list(range(len(self.families)))
        while todo:
            whole, *parts = self.families[todo.pop()]
            if whole not in out and all(k in out for k in parts) and not sensitive(self.family_cells[whole]):
                out.add(whole)
                todo += as_part[whole]
        return out

    def sources(self, key: tuple, released: set) -> list[list[tuple]]:
        """The parts of each hub partition that gives ``key`` from ``released`` (see derived)."""
        return [list(family[1:]) for family in self.families
                if family[0] == key and all(k in released for k in family[1:])]

    def _structural_zeros(self, cells) -> set[tuple]:
        """Zero cells that the relations between measures alone pin at zero, whatever is
        published: hiding them protects nothing (see :mod:`barometer.disclosure.rules`)."""
        zeros = [c for c in cells.values() if c.n == 0 and c.boxes and self.rules.cell_sensitive(c)]
        return {z.key for z, pinned in zip(zeros, self._structural_in_parallel(zeros, cells),
                                            strict=True) if pinned}

    def _structural_in_parallel(self, targets: list[Cell], cells: dict) -> list[bool]:
        """For each target, whether the relations alone (without the synonyms) force it to zero,
        over the machine's cores (the models of one neighbourhood are built once per worker)."""
        batches = self._batches(targets)
        results: list[bool] = [False] * len(targets)
        for (_, idx), found in zip(batches, self._run(_structural_batch, batches, (self, targets, cells)), strict=True):
            for i, r in zip(idx, found, strict=True):
                results[i] = r
        return results

    def _batches(self, targets: list[Cell]) -> list[tuple[frozenset, list[int]]]:
        """The targets grouped by their neighbourhood (one attacker's model each); the largest
        models first, so that the cores finish together."""
        groups: dict[frozenset, list[int]] = defaultdict(list)
        for i, t in enumerate(targets):
            groups[self.local_measures(t.measure)].append(i)
        return sorted(groups.items(), key=lambda kv: (-len(kv[0]) * len(kv[1]), kv[1][0]))

    def _hardest_first(self, batches: list[tuple[frozenset, list[int]]]) -> list[int]:
        """The order in which to start ``batches`` on the cores (never the order of their
        results): those whose model holds the most tallies first. A tally's relation has
        coefficients up to 4 where every other has 1, and the integer searches in such models
        are the longest by far (on the own-data fixture's ledger, the three batches of one cell
        each whose models hold five tallies took 51, 18 and 13 s of 226 s; sorted by size they
        started last, and the one core that ran them finished long after the other)."""
        def tallies(local: frozenset) -> int:
            return sum(all(m in local for m, _ in tally) for tally in self.tallies)
        return sorted(range(len(batches)), key=lambda i: (-tallies(batches[i][0]), i))

    @staticmethod
    def _run(function, batches: list, shared: tuple, order: list[int] | None = None) -> list:
        """``function(local, indices)`` for every batch, over the machine's cores (forked
        workers read ``shared``); the results in the order of ``batches``, whatever the cores
        and whatever ``order`` (the order in which the batches are started: the longest first,
        so that the cores finish together).
        The searches a worker's safety clock stopped are added to :data:`_FORKED_CLOCK_STOPS`."""
        import concurrent.futures as cf
        import multiprocessing
        import os

        global _SHARED, _FORKED_CLOCK_STOPS
        _SHARED = shared
        workers = min(os.cpu_count() or 1, len(batches))
        try:
            if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
                return [function(local, idx) for local, idx in batches]
            context = multiprocessing.get_context("fork")
            with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {i: pool.submit(_counting_clock_stops, function, *batches[i])
                           for i in (range(len(batches)) if order is None else order)}
                done = [futures[i].result() for i in range(len(batches))]
            _FORKED_CLOCK_STOPS += sum(stops for _, stops in done)
            return [result for result, _ in done]
        finally:
            _SHARED = None

    # ------------------------------------------------------------------ primary
    def _primary(self, of_value, structural: set) -> dict[str, Decision]:
        out = {uid: d for uid, d in self.forced.items() if uid not in self.values}
        r = self.rules
        for uid, v in self.values.items():
            if uid in self.forced:
                out[uid] = self.forced[uid]
            elif is_untyped(v):
                out[uid] = Decision(WITHHELD, "untyped", "not built with the typed builders")
            elif v.kind == "tally":
                out[uid] = Decision(RELEASED, "counts released values only")
            elif not v.from_data and v.kind != "text":
                out[uid] = Decision(RELEASED, "not from microdata")
            elif v.kind == "text":
                out[uid] = Decision(RELEASED, "template")  # its fields are checked one by one
            elif v.dof is not None and v.dof < r.min_dof:
                out[uid] = Decision(WITHHELD, "dof", f"{v.dof:g} residual degrees of freedom < {r.min_dof}")
            else:
                small = [(c.label, c.n) for c in of_value[uid] if r.cell_sensitive(c) and c.key not in structural]
                small += [(label, n) for label, n in v.checks if r.sensitive(n)]
                if small:
                    label, n = small[0]
                    out[uid] = Decision(SUPPRESSED, r.rule_for(n),
                                        f"rests on {label} (n {'=' if n == 0 else '<'} {0 if n == 0 else r.min_cell})")
                else:
                    out[uid] = Decision(RELEASED, "passes")
        return out

    # ------------------------------------------------------------------ attacker
    def solve(self, *, time_limit: float | None = None) -> Outcome:
        """Decide every value (see the class). Each integer search stops after
        :data:`~barometer.disclosure.lp.NODE_LIMIT` nodes, so that two builds decide alike;
        ``time_limit`` is only a safety net per search (default :data:`lp.SAFETY_SECONDS`)."""
        time_limit = searches.SAFETY_SECONDS if time_limit is None else time_limit
        start = time.perf_counter()
        stops_before = searches.clock_stops() + _FORKED_CLOCK_STOPS
        cells, holders, of_value = self._cells()
        self._skipped(cells)
        cells.update(self._implied(cells))
        self.holder_count = {k: len(v) for k, v in holders.items()}
        # Structural means zero by the relations alone: decided before the report's numbers are
        # known to the attacker (a zero the report pins is the report's disclosure; this
        # edition's own values resting on it stay suppressed by the primary rules).
        self.public = []
        structural = self._structural_zeros(cells)
        self.public = [(self.canonical(hit), self.canonical(base) if base is not None else None, lo, hi)
                       for v in self.values.values() for hit, base, lo, hi in v.public]
        self.public_exact = {hit.key for hit, base, lo, hi in self.public if base is None and lo == hi}
        self.exact_only = set()
        decisions = self._primary(of_value, structural)
        outcome = Outcome(decisions, set())
        outcome.structural_zeros = len(structural)

        def released_keys() -> set:
            return {c.key for uid, own in of_value.items() if decisions[uid].status == RELEASED for c in own}

        self.families, self.family_cells = self._families(cells), cells
        released = self.derived(released_keys())
        # (a count that only follows from others costs what hiding one of each set of them costs)
        self.derived_weight = {k: sum(min(self.weight(cells[m]) for m in others)
                                      for others in self.sources(k, released))
                               for k in released - released_keys()}
        targets = sorted((c for c in cells.values() if self.rules.cell_sensitive(c) and c.key not in structural),
                         key=lambda c: (c.measure, sorted(c.boxes)))
        # Each neighbourhood's disclosive cells are checked, and protected where the published
        # numbers pin them down, on their own (over the cores), all starting from the same
        # released counts; then every count any of them hid is hidden. A cell found safe with
        # more released stays safe with less (hiding never helps the attacker), so the union
        # protects them all, whatever the number of cores.
        batches = self._batches(targets)
        shared = (self, targets, cells, released, holders, of_value, decisions, time_limit)
        for hides, unprotectable, counts in self._run(_protect_batch, batches, shared, self._hardest_first(batches)):
            outcome.programmes += counts["programmes"]
            outcome.exposed_found += counts["exposed"]
            outcome.public_known += counts["public_known"]
            outcome.judged_without_synonyms += counts["without_synonyms"]
            outcome.unprotectable += unprotectable
            for key, rule, detail in hides:
                if any(decisions[uid].status == RELEASED for uid in holders[key]):
                    self._hide(key, holders, decisions, outcome, rule, detail)
        self._magnitudes(decisions, outcome)
        outcome.hidden_cells = set(cells) - released_keys()
        outcome.seconds = time.perf_counter() - start
        outcome.clock_stops = searches.clock_stops() + _FORKED_CLOCK_STOPS - stops_before
        return outcome

    def _protect(self, local: frozenset, targets: list[Cell], cells: dict, released: set, holders, of_value,
                 decisions: dict[str, Decision], time_limit: float) -> tuple[list, list[str], dict]:
        """Hide released counts (the cheapest plan, see _CoverModel.plan; where that leaves the
        integers a hold, one at a time, see cost) until no target of this neighbourhood is pinned
        down (``decisions`` is changed). Returns the hidden keys with their rule and
        reason, the targets that could not be protected short of hiding every count of their
        model, and what was counted (programmes solved, targets found exposed, targets the
        report alone pins, targets judged without the synonyms)."""
        outcome = Outcome(decisions, set())
        hides: list = []

        def shown() -> set:
            """The counts a released value of this neighbourhood's copy shows."""
            return {k for k in released if any(decisions[u].status == RELEASED for u in holders.get(k, ()))}

        def hide(key, rule, detail, seen=None):
            seen = set() if seen is None else seen
            seen.add(key)
            if key in shown():
                hides.append((key, rule, detail))
                self._hide(key, holders, decisions, outcome, rule, detail)
            # A cell stays released while any value that shows it is released, or while it
            # follows from released ones (see Ledger.derived): then one of each set of counts it
            # follows from goes too, the cheapest.
            now = self.derived(shown())
            for others in self.sources(key, now) if key in now else ():
                if all(k in now for k in others):
                    k = min((k for k in others if k not in seen), key=lambda k: self.cost(cells[k]), default=None)
                    if k is not None:
                        now = hide(k, rule, detail, seen)
            return now

        def without(key):
            """``released`` after hiding ``key`` everywhere (nothing changed)."""
            saved, hidden = dict(decisions), set(outcome.hidden_cells)
            n_hides, count = len(hides), outcome.secondary
            try:
                return hide(key, "", "")
            finally:
                decisions.clear()
                decisions.update(saved)
                del hides[n_hides:]
                outcome.secondary, outcome.hidden_cells = count, hidden

        strong = _CoverModel(self, local, cells)
        weak = site = middle = None

        def middle_model():
            """The attacker with the synonyms but not those within one wave (built once)."""
            nonlocal middle
            middle = middle or _CoverModel(self, local, cells, wave_links=False)
            return middle
        for t in targets:
            # A whole point found for another cell of this neighbourhood often answers this one
            # too (it moved the same small group): then no programme is needed.
            if strong.witnessed(t, released):
                continue
            safe, candidates, used = strong.check(t, released, time_limit, points=strong.points)
            outcome.programmes += used
            if safe:
                continue
            # The cheapest set of counts to hide, with a whole point the attacker could not then
            # rule out (see _CoverModel.plan). Found in the stronger attacker's model, that point
            # also shows that nothing but this edition's counts pins the cell: only where none
            # is found is that asked (_beyond_protection), and the plan sought again in the
            # model and for the question the answer decides (a cell safe under the strict
            # question and the stronger attacker is safe under the looser one and the weaker one
            # too).
            model = strong
            plan, witness, used = strong.plan(t, released, time_limit)
            outcome.programmes += used
            if witness is None:
                weak = weak or _CoverModel(self, local, cells, synonyms=False)
                points: list = []
                verdict, used = self._beyond_protection(t, strong, weak, time_limit, points, middle_model)
                outcome.programmes += used
                if verdict == "report":
                    # The report disclosed it; what this edition adds must not disclose it
                    # again to a reader of this edition alone (a difference of two of its
                    # counts): judged by the attacker without the report (nor the synonyms).
                    outcome.public_known += 1
                    site = site or _CoverModel(self, local, cells, synonyms=False, report=False)
                    model = site
                    safe, candidates, used = model.check(t, released, time_limit)
                    outcome.programmes += used
                    if safe:
                        continue
                else:
                    model = middle_model() if verdict == "wave links" else weak if verdict == "synonyms" else strong
                outcome.judged_without_synonyms += verdict == "synonyms"
                plan, witness, used = model.plan(t, released, time_limit, start=points[-1] if points else None)
                outcome.programmes += used
            outcome.exposed_found += 1
            for k in sorted(plan, key=lambda key: self.cost(cells[key])):
                if k in released:
                    released = hide(k, "secondary", f"protects {t.label}")
            # (the greedy search below takes over only where the whole numbers still pin it)
            safe = witness is not None and model.witnessed(t, released, [witness])
            if safe:
                model.points.append(witness)
            else:
                safe, candidates, used = model.check(t, released, time_limit)
                outcome.programmes += used
            rounds = 0
            while not safe:
                rounds += 1
                candidates = [k for k in candidates if k in released]
                if not candidates or rounds > 4 * len(model.cells) + 10:
                    # Fail closed: nothing published about the cell's measures stays.
                    outcome.unprotectable.append(t.label)
                    for k in list(model.cells):
                        if k in released:
                            released = hide(k, "secondary",
                                            f"protects {t.label} (no smaller choice pinned it down)")
                    break
                k = self._choose(model, t, candidates, cells, released, without, time_limit, outcome)
                released = hide(k, "secondary", f"protects {t.label}")
                safe, candidates, used = model.check(t, released, time_limit)
                outcome.programmes += used
        counts = {"programmes": outcome.programmes, "exposed": outcome.exposed_found,
                  "public_known": outcome.public_known, "without_synonyms": outcome.judged_without_synonyms}
        return hides, outcome.unprotectable, counts

    def _beyond_protection(self, t: Cell, strong, weak, time_limit: float, points: list,
                           middle=None) -> tuple[str, int]:
        """What pins ``t`` with nothing of this edition released (the programmes solved with it):

        * "report": the report's printed numbers pin it exactly (by the attacker without the
          synonyms). The report disclosed it; hiding this edition's counts cannot protect it
          from a reader of the report, so it is protected from a reader of this edition alone
          (its own values stay suppressed by the primary rules all the same).
        * "synonyms": the synonyms pin it (alone, or with the report's numbers). They may rest
          on a coincidence of two definitions a reader cannot know; hiding this edition's
          counts could not protect it from that attacker, who would hide everything near it in
          vain, so it is judged by the attacker without them (see _synonyms).
        * "wave links": of the synonyms, those within one wave only (see _wave_synonyms) pin
          it: it is judged by the attacker with the other synonyms (``middle()``, if given).
        * "": neither. Where the report's numbers show it to be small, only its exact value
          is protected from then on (``exact_only``): it cannot be kept from looking small.

        ``points`` receives the whole solutions found on the way: the last is one at which the
        cell leaves its range in the model it is to be judged by (with nothing released).
        """
        # (the stronger attacker first: a cell it cannot pin with nothing released, the weaker
        # one cannot either, nor show it to be small)
        safe, _, used = strong.check(t, set(), time_limit, certificate=False, points=points)
        if safe:
            return "", used
        if self.public:
            safe, _, n = weak.check(t, set(), time_limit, certificate=False, points=points)
            used += n
            if not safe:
                self.exact_only.add(t.key)
                safe, _, n = weak.check(t, set(), time_limit, certificate=False, points=points)
                used += n
                if not safe:
                    return "report", used
                safe, _, n = strong.check(t, set(), time_limit, certificate=False, points=points)
                used += n
                if safe:
                    return "", used
        if middle is not None:
            # (the links within one wave are the likeliest coincidences: without them alone first)
            safe, _, n = middle().check(t, set(), time_limit, certificate=False, points=points)
            used += n
            if safe:
                return "wave links", used
        return "synonyms", used

    def escapes(self, target: Cell) -> list[tuple[float, float]]:
        """The ranges, any one of which the attacker must not be able to rule out for ``target``
        to be safe: a zero is safe when it could be anything else; a small count when it could be
        zero or at least min_cell (then it is neither pinned nor shown to lie in 1 ... min_cell - 1);
        a count the report shows to be small (``exact_only``) when it could be another value."""
        v, m = target.n, self.rules.min_cell
        if target.key in self.exact_only:
            return [(v + 1, np.inf), (-np.inf, v - 1)] if v > 0 else [(1, np.inf)]
        return [(1, np.inf)] if v == 0 else [(m, np.inf), (-np.inf, 0)]

    #: How many of a pinned cell's candidates are tried, one at a time, before the smallest is hidden.
    LOOKAHEAD = 3

    def _choose(self, model, target: Cell, candidates: list, cells: dict, released: set, without, time_limit,
                outcome) -> tuple:
        """Which released count to hide for ``target``: the first (cheapest first, see cost) that protects
        it on its own, else the cheapest. A count the report printed exactly is never chosen
        (hiding it protects nothing). Trying before hiding keeps one stubborn cell (whose
        neighbours the report's percentages bound closely) from hiding its whole model."""
        order = sorted((k for k in candidates if k not in self.public_exact), key=lambda key: self.cost(cells[key])) or \
            sorted(candidates, key=lambda key: self.cost(cells[key]))
        for k in order[: self.LOOKAHEAD]:
            safe, _, used = model.check(target, without(k), time_limit, certificate=False)
            outcome.programmes += used
            if safe:
                return k
        return order[0]

    def weight(self, cell: Cell) -> float:
        """The price of hiding a cell, for the cheapest protection (_CoverModel.plan): the
        values that rest on it, ten times over for a zero (see cost)."""
        if cell.key in self.derived_weight:
            return self.derived_weight[cell.key]
        return (1.0 + self.holder_count.get(cell.key, 0)) * (10.0 if cell.n == 0 else 1.0)

    def cost(self, cell: Cell) -> tuple:
        """What hiding a cell costs the reader, for choosing what to hide (least first): zeros
        last (hiding one rarely helps), then the number of values that rest on the cell (the
        innovators of a wave are the base of thousands of shares), then its size."""
        return (cell.n == 0, self.holder_count.get(cell.key, 0), cell.n, len(cell.boxes))

    def _hide(self, key, holders, decisions, outcome, rule, detail) -> None:
        outcome.hidden_cells.add(key)
        outcome.secondary += 1
        for uid in holders[key]:
            if decisions[uid].status == RELEASED:
                decisions[uid] = Decision(SUPPRESSED, rule, detail)

    # ------------------------------------------------------------------ magnitudes
    def _magnitudes(self, decisions, outcome) -> None:
        """Hide means whose variable's sum over a disclosive cell follows from released means."""
        by_var: dict[str, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
        cell_of: dict[tuple, Cell] = {}
        for uid, v in self.values.items():
            for var, c in v.magnitudes:
                c = self.canonical(c)
                by_var[var][c.key].append(uid)
                cell_of[c.key] = c
        for var, entries in by_var.items():
            changed = True
            while changed:
                changed = False
                released = [k for k, uids in entries.items()
                            if any(decisions[u].status == RELEASED for u in uids)]
                targets = [k for k in entries if self.rules.cell_sensitive(cell_of[k]) and k not in released]
                for t in targets:
                    local = self.local_measures(t[0])
                    rows = [k for k in released if k[0] in local]
                    if not rows:
                        continue
                    model = _CoverModel(self, local, {k: cell_of[k] for k in {*rows, t}}, bridge=False)
                    pinned, certificate = model.linear_pinned(t, rows, counts=False)
                    if pinned:
                        k = min(certificate, key=lambda key: (cell_of[key].n, len(key[1])))
                        for u in entries[k]:
                            if decisions[u].status == RELEASED:
                                decisions[u] = Decision(SUPPRESSED, "magnitude",
                                                        f"the sum of {var.split('#')[0]} over {cell_of[t].label} "
                                                        "would follow from the other means")
                        outcome.magnitude += 1
                        changed = True
                        break


#: How the names of measures that say who was asked or answered begin or end (builders.py).
#: (Not "universe: ...": some universes are answers, e.g. who collaborated.)
_ANSWERING_PREFIXES = ("answered ", "in the questionnaire of ", "complete on ", "complete for ")


def _answering_term(name: str) -> bool:
    """Whether a term of a measure's definition says who was in the survey, asked or answered,
    not what anyone answered."""
    return name == "everyone" or name.endswith(" answered") or name.startswith(_ANSWERING_PREFIXES)


_SHARED = None  # what the forked workers of Ledger._run read
#: integer searches that a forked worker's safety clock stopped, over the life of this process
_FORKED_CLOCK_STOPS = 0


def _structural_batch(local: frozenset, indices: list[int]) -> list[bool]:
    ledger, targets, cells = _SHARED
    # What exempts a cell from protection is decided without the synonyms (Ledger._synonyms).
    model = _CoverModel(ledger, local, cells, synonyms=False)
    return [model.structurally_zero(targets[i]) for i in indices]


def _counting_clock_stops(function, local: frozenset, indices: list[int]) -> tuple:
    """``function``'s result in a forked worker, with the searches its safety clock stopped there."""
    before = searches.clock_stops()
    result = function(local, indices)
    return result, searches.clock_stops() - before


def _protect_batch(local: frozenset, indices: list[int]) -> tuple[list, list[str], dict]:
    ledger, targets, cells, released, holders, of_value, decisions, time_limit = _SHARED
    decisions = {uid: d for uid, d in decisions.items()}  # this neighbourhood's own copy
    return ledger._protect(local, [targets[i] for i in indices], cells, set(released), holders, of_value,
                           decisions, time_limit)


class _CoverModel:
    """The attacker's integer programme for one component of related measures.

    Unknowns: the count of each measure of the component in each *super-box* (the boxes no
    cell tells apart, merged). Equalities: partitions (a base is the sum of its parts) and the
    released counts. Every measure is part of *everyone* (the respondents), so the model also
    holds everyone's counts, with each measure's count at most everyone's in every box; and the
    model of everyone's own component takes from every other released count the lower bound it
    puts on the number of respondents in its group (a count of innovators in a group says the
    group has at least that many organisations; a total minus its released parts says as much
    of the rest)."""

    def __init__(self, ledger: Ledger, local: frozenset[str], all_cells: dict, *, bridge: bool = True,
                 synonyms: bool = True, report: bool = True, wave_links: bool = True):
        self.ledger = ledger
        self.everyone = ledger.everyone_id if bridge else None
        measures = sorted(local if bridge else local - {ledger.everyone_id})
        comp_cells = [c for c in all_cells.values() if c.measure in local]
        self.is_everyone = self.everyone is not None
        extra: list[Cell] = []
        # Lower bounds on the respondents come from every released count outside the model.
        self.bound_cells: list[Cell] = [c for c in all_cells.values() if c.measure not in local and c.boxes] \
            if self.is_everyone else []
        self.cells = {c.key: c for c in [*comp_cells, *extra]}
        signature_cells = list(self.cells.values()) + self.bound_cells
        relevant = sorted(set().union(*(c.boxes for c in signature_cells))) if signature_cells else []
        # Boxes that no cell tells apart are one unknown.
        distinct = list(dict.fromkeys(c.boxes for c in signature_cells))
        signature: dict[int, tuple] = {b: tuple(i for i, boxes in enumerate(distinct) if b in boxes)
                                       for b in relevant}
        groups: dict[tuple, list[int]] = defaultdict(list)
        for b, sig in signature.items():
            groups[sig].append(b)
        self.super_boxes = [frozenset(bs) for bs in groups.values()]
        # Synonyms (Ledger._synonyms) hold the same organisations in every box: with them, the
        # measures of one class share their unknowns (the same programme as equality rows
        # between them, with half the unknowns: a model often holds each group under two names).
        same = ledger.synonym_class if synonyms else {}
        self.var: dict[tuple[str, int], int] = {}
        columns: dict[tuple[str, int], int] = {}
        for m in measures:
            waves = ledger.measures[m].waves
            for j, sb in enumerate(self.super_boxes):
                if any(ledger.box_wave[b] in waves for b in sb):
                    self.var[(m, j)] = columns.setdefault((same.get(m, m), j), len(columns))
        self.nvar = len(columns)
        # Partition rows (always true, whatever is released).
        rows, data_, cols = [], [], []
        nrow = 0

        def add_row(terms, j, nrow) -> int:
            """One homogeneous row sum(coefficient x measure) = 0 in super-box j, over the measures
            that have an unknown there; the next row's number."""
            entries = [(self.var.get((m, j)), c) for m, c in terms]
            entries = [(v, c) for v, c in entries if v is not None]
            if not entries:
                return nrow
            for v, c in entries:
                rows.append(nrow)
                cols.append(v)
                data_.append(c)
            return nrow + 1

        for p, children, degenerate in ledger.partitions:
            if p not in local or not all(c in local for c in children):
                continue
            for j in range(len(self.super_boxes)):
                # A part equal to the whole (linked measures): the other parts are empty.
                # (outside the whole's waves a part may hold organisations: no row there)
                if not degenerate and self.var.get((p, j)) is None:
                    continue
                head = [] if degenerate else [(p, 1.0)]
                nrow = add_row(head + [(c, -1.0) for c in children], j, nrow)
        # Equalities between measures that differ only in who answered (Ledger._answering_links),
        # and between definitions that hold the same organisations (Ledger._synonyms).
        for c, p in ledger.equalities:
            if c not in local or p not in local:
                continue
            for j in range(len(self.super_boxes)):
                vc, vp = self.var.get((c, j)), self.var.get((p, j))
                if vc is None or vp is None or vc == vp:
                    continue
                rows += [nrow, nrow]
                cols += [vc, vp]
                data_ += [1.0, -1.0]
                nrow += 1
        # Measures equal within one wave (Ledger._wave_synonyms), in that wave's super-boxes.
        for c, p, w in ledger.wave_synonyms if synonyms and wave_links else ():
            if c not in local or p not in local:
                continue
            for j, sb in enumerate(self.super_boxes):
                vc, vp = self.var.get((c, j)), self.var.get((p, j))
                if vc is None or vp is None or vc == vp or any(ledger.box_wave[b] != w for b in sb):
                    continue
                rows += [nrow, nrow]
                cols += [vc, vp]
                data_ += [1.0, -1.0]
                nrow += 1
        # Tallies: the types named add up to the innovators with k types, times k (box by box).
        for tally in ledger.tallies:
            if not all(m in local for m, _ in tally):
                continue
            for j in range(len(self.super_boxes)):
                nrow = add_row(tally, j, nrow)
        self.partition_rows = (rows, cols, data_, nrow)
        # A subset's count is at most its superset's, box by box; every measure lies within
        # everyone (the respondents).
        # Rows the others imply are left out (the programme is the same, and solved faster): a
        # part's bound by its whole (the whole is the sum of non-negative parts), and a measure's
        # bound by everyone where it lies within another measure of the model (which lies within
        # everyone, or within another, in turn).
        urows, ucols, udata = [], [], []
        nu = 0
        whole_of = {(c, p) for p, children, degenerate in ledger.partitions if not degenerate
                    and p in local and all(c in local for c in children) for c in children}
        pairs = [(c, p) for c, p in ledger.subsets if c in local and p in local and (c, p) not in whole_of]
        if self.everyone is not None:
            up: dict[str, set[str]] = defaultdict(set)
            for c, p in [*pairs, *whole_of]:
                if p != self.everyone:
                    up[c].add(p)
            tops = {m for m in measures if m != self.everyone and not up[m]}
            for m in measures:  # (a cycle of supersets would reach no top: such a measure keeps its row)
                seen, todo = set(), [m]
                while todo and not (seen & tops):
                    seen |= {x for x in todo}
                    todo = [p for x in todo for p in up[x] if p not in seen]
                if m != self.everyone and (m in tops or not (seen & tops)):
                    pairs.append((m, self.everyone))
        for c, p in pairs:
            for j in range(len(self.super_boxes)):
                vc, vp = self.var.get((c, j)), self.var.get((p, j))
                if vc is None or vc == vp:
                    continue
                urows += [nu] * (2 if vp is not None else 1)
                ucols += [vc] + ([vp] if vp is not None else [])
                udata += [1.0] + ([-1.0] if vp is not None else [])
                nu += 1
        self.subset_rows = (urows, ucols, udata, nu)
        self._partitions = sparse.csr_matrix((data_, (rows, cols)), shape=(nrow, self.nvar))
        self._subset_matrix = sparse.csr_matrix((udata, (urows, ucols)), shape=(nu, self.nvar))
        self._cell_matrix = None  # every cell's row, built on first use (see _released_rows)
        self._rows: dict = {}
        self._milp_cached = None
        self._live = None  # the attacker's programme, kept across released sets (see _programme)
        self._live_equalities = None  # the same without inequalities (see linear_pinned)
        self._sums: dict = {}
        #: whole points found for this model's cells, each feasible for the released counts it
        #: was found with, and so for any fewer (hiding only removes constraints): see witnessed
        self.points: list[np.ndarray] = []
        #: every whole point any search of this model found, in the order found (see _known_point)
        self._found: list[np.ndarray] = []
        #: the answers of the integer searches asked so far, by question (see _whole_solution)
        self._searched: dict = {}
        self._pool_matrix = None  # (the points of _found and points side by side, see _known_point)
        self._relevant = frozenset(self.cells) | frozenset(c.key for c in self.bound_cells)
        # The true counts: a feasible point, used to check the model itself.
        self.truth = np.zeros(self.nvar)
        in_box = [np.isin(ledger.box_of_row, np.fromiter(sb, dtype=np.int32)) for sb in self.super_boxes]
        for (m, j), v in self.var.items():
            self.truth[v] = float(np.count_nonzero(ledger.measures[m].mask & in_box[j]))
        if report:
            self._public_rows()
        else:  # (the attacker who reads this edition only)
            self._subset_rhs = np.zeros(self._subset_matrix.shape[0])

    def _public_rows(self) -> None:
        """What the report printed about cells of the model (Value.public): known, shown or not,
        as rows ``a x <= b`` after the subset rows (each checked on the true counts)."""
        extra, rhs = [], []
        for hit, base, lo, hi in self.ledger.public:
            if hit.key not in self.cells or (base is not None and base.key not in self.cells):
                continue
            r_hit = self.row_of(hit)
            if base is None:
                rows_, bounds = [r_hit, -r_hit], [hi, -lo]
            else:
                r_base = self.row_of(base)
                rows_, bounds = [100.0 * r_hit - hi * r_base, lo * r_base - 100.0 * r_hit], [0.0, 0.0]
            if all(r @ self.truth <= b + 1e-7 for r, b in zip(rows_, bounds, strict=True)):
                extra += rows_
                rhs += bounds
        self._subset_rhs = np.concatenate([np.zeros(self._subset_matrix.shape[0]), rhs])
        if extra:
            self._subset_matrix = sparse.vstack([self._subset_matrix, sparse.csr_matrix(np.vstack(extra))]).tocsr()

    def structurally_zero(self, cell: Cell) -> bool:
        """Whether the relations alone (nothing released) force this cell to zero."""
        if self.nvar == 0:
            return True
        t = self.row_of(cell)
        if not t.any():
            return True
        # (a search that cannot decide leaves the zero protected)
        return whole_solution_exists([(t.reshape(1, -1), 1, np.inf), *self._milp_constraints(frozenset())],
                                     self.nvar) is False

    def row_of(self, cell: Cell, measure: str | None = None) -> np.ndarray:
        key = (measure or cell.measure, cell.boxes)
        row = self._rows.get(key)
        if row is None:
            row = np.zeros(self.nvar)
            for j, sb in enumerate(self.super_boxes):
                if sb <= cell.boxes:
                    v = self.var.get((key[0], j))
                    if v is not None:
                        row[v] = 1.0
            row.flags.writeable = False
            self._rows[key] = row
        return row

    def _lower_bounds(self, released) -> list[tuple[frozenset, float, tuple]]:
        """For everyone's component: from each released count of another measure, a lower bound
        on the respondents of its group; from a released count and released counts of the same
        measure inside its group (disjoint), a lower bound on the rest of the group. Of the
        bounds on one group only the largest is kept (one row per group, not per count)."""
        if not self.is_everyone:
            return []
        best: dict[frozenset, tuple[int, tuple]] = {}

        def offer(boxes: frozenset, bound: int, key) -> None:
            if bound > 0 and (boxes not in best or bound > best[boxes][0]):
                best[boxes] = (bound, key)

        by_measure: dict[str, list[Cell]] = defaultdict(list)
        for c in self.bound_cells:
            if c.key in released:
                by_measure[c.measure].append(c)
        for measure, cells in by_measure.items():
            signature = (measure, frozenset(c.key for c in cells))
            offers = self.ledger.bounds_of.get(signature)
            if offers is None:  # (the same in every model; a hidden count changes its measure's only)
                offers = self.ledger.bounds_of[signature] = self._offers(cells)
            for boxes, bound, key in offers:
                offer(boxes, bound, key)
        return [(boxes, float(bound), key) for boxes, (bound, key) in best.items()]

    def _everyone_in(self, boxes: frozenset) -> np.ndarray:
        return self.row_of(Cell(self.everyone, boxes, 0))

    @staticmethod
    def _offers(cells: list[Cell]) -> list[tuple[frozenset, int, tuple]]:
        """The lower bounds the released counts of one measure put on groups of respondents."""
        out = []
        for outer in cells:
            if outer.n == 0:
                continue
            out.append((outer.boxes, outer.n, outer.key))
            inner, covered = [], frozenset()
            for c in sorted((c for c in cells if c.boxes < outer.boxes), key=lambda c: -len(c.boxes)):
                if not (c.boxes & covered):
                    inner.append(c)
                    covered |= c.boxes
            if inner and covered < outer.boxes:
                out.append((outer.boxes - covered, outer.n - sum(c.n for c in inner), outer.key))
        return out

    def _released_rows(self, released) -> tuple:
        """The equalities: the partitions, then one row per released cell of the model."""
        if self._cell_matrix is None:
            self._cell_keys = list(self.cells)
            self._cell_pos = {k: i for i, k in enumerate(self._cell_keys)}
            self._cell_matrix = sparse.csr_matrix(np.vstack([self.row_of(self.cells[k]) for k in self._cell_keys])) \
                if self._cell_keys else sparse.csr_matrix((0, self.nvar))
        keys = [k for k in self._cell_keys if k in released]
        idx = [self._cell_pos[k] for k in keys]
        a = sparse.vstack([self._partitions, self._cell_matrix[idx]]).tocsr()
        b = np.concatenate([np.zeros(self._partitions.shape[0]), [float(self.cells[k].n) for k in keys]])
        return a, b, [None] * self._partitions.shape[0] + keys

    def _milp_constraints(self, released) -> list:
        """The constraints for ``released`` as ``(matrix, lower, upper)`` (for whole_solution_exists)."""
        relevant = frozenset(k for k in released if k in self._relevant)
        if self._milp_cached is not None and self._milp_cached[0] == relevant:
            return self._milp_cached[1]
        a, b, _ = self._released_rows(relevant)
        bounds = self._lower_bounds(relevant)
        cons = []
        if a.shape[0]:
            cons.append((a, b, b))
        if self._subset_matrix.shape[0]:
            cons.append((self._subset_matrix, -np.inf, self._subset_rhs))
        if bounds:
            cons.append((np.vstack([self._everyone_in(g) for g, _, _ in bounds]), [b for _, b, _ in bounds], np.inf))
        self._milp_cached = (relevant, cons)
        return cons

    def _programme(self, released) -> tuple[LinearProgramme, list, list]:
        """The attacker's linear relaxation for ``released``, with the released key behind each
        equality row and each inequality row (None: a relation).

        One programme serves every released set this model sees: the partitions, a row for
        every cell of the model (without bounds while the cell is hidden), the subset rows and a
        lower-bound row for each group of respondents that some released count bounds; when
        what is released changes, bounds change in place, so that each solve starts from the
        last optimal basis instead of from scratch."""
        relevant = frozenset(k for k in released if k in self._relevant)
        live = self._live
        if live is None:
            self._released_rows(frozenset())  # (builds the cell matrix)
            n = np.array([float(self.cells[k].n) for k in self._cell_keys])
            if len(n) and not np.allclose(self._cell_matrix @ self.truth, n):
                raise AssertionError("the ledger's model does not hold for the true counts (a builder "
                                     "described a cell wrongly)")
            a_eq = sparse.vstack([self._partitions, self._cell_matrix]).tocsr()
            n_p, nu = self._partitions.shape[0], self._subset_matrix.shape[0]
            programme = LinearProgramme(a_eq, np.concatenate([np.zeros(n_p), n]), self._subset_matrix,
                                        self._subset_rhs, nvar=self.nvar)
            live = self._live = {"programme": programme, "n": n, "first_cell": n_p,
                                 "shown": np.ones(len(n), dtype=bool), "released": None,
                                 "first_bound": n_p + len(n) + nu, "bound_row": {}, "bound_key": [],
                                 "bound_truth": []}
        if live["released"] != relevant:
            self._apply(live, relevant)
        p0 = live["first_cell"]
        eq_keys = [None] * p0 + [k if shown else None for k, shown in zip(self._cell_keys, live["shown"], strict=True)]
        ub_keys = [None] * self._subset_matrix.shape[0] + live["bound_key"]
        return live["programme"], eq_keys, ub_keys

    def _apply(self, live: dict, relevant: frozenset) -> None:
        programme = live["programme"]
        self._show_cells(live, relevant)
        offered = {boxes: (bound, key) for boxes, bound, key in self._lower_bounds(relevant)}
        rows, lower, keys_now = [], [], live["bound_key"]
        for boxes, j in live["bound_row"].items():
            bound, key = offered.pop(boxes, (-np.inf, None))
            if bound > live["bound_truth"][j] + 1e-9:
                raise AssertionError("the ledger's bounds do not hold for the true counts")
            rows.append(live["first_bound"] + j)
            lower.append(bound)
            keys_now[j] = key
        programme.set_bounds(np.array(rows, dtype=np.int32), np.array(lower, dtype=float), np.full(len(rows), np.inf))
        if offered:  # groups no released count bounded before
            new = list(offered.items())
            matrix = np.vstack([self._everyone_in(boxes) for boxes, _ in new])
            bounds = np.array([bound for _, (bound, _) in new])
            truth = matrix @ self.truth
            if not (truth >= bounds - 1e-9).all():
                raise AssertionError("the ledger's bounds do not hold for the true counts")
            programme.add_rows(matrix, bounds, np.full(len(new), np.inf))
            live["bound_truth"] += truth.tolist()
            for boxes, (_, key) in new:
                live["bound_row"][boxes] = len(keys_now)
                keys_now.append(key)
        live["released"] = relevant

    def _show_cells(self, live: dict, relevant: frozenset) -> None:
        """Bound the rows of the released cells to their counts and free the others."""
        shown = np.fromiter((k in relevant for k in self._cell_keys), dtype=bool, count=len(self._cell_keys))
        changed = np.flatnonzero(shown != live["shown"])
        live["programme"].set_bounds(live["first_cell"] + changed,
                                     np.where(shown[changed], live["n"][changed], -np.inf),
                                     np.where(shown[changed], live["n"][changed], np.inf))
        live["shown"] = shown

    def check(self, target: Cell, released: set, time_limit: float, *, certificate: bool = True,
              relaxed: bool = False, points: list | None = None) -> tuple[bool, list, int]:
        """Whether ``target`` keeps another value an attacker cannot rule out; if not, the
        released cells that pin it down (from the linear relaxation's dual). ``relaxed``: the
        linear relaxation's answer only (a cell it finds pinned is pinned; one it finds free
        may not be: for choosing what to hide, never for deciding that a cell is safe).
        ``points``: where a safe cell's whole solution (one at which it has left its range) is
        appended."""
        if self.nvar == 0:
            return True, [], 0
        t = self.row_of(target)
        # A whole point found before that meets everything released and puts the cell out of
        # its range answers at once (see _known_point): no programme.
        for lo, hi in self.ledger.escapes(target):
            known = self._known_point(t, lo, hi, released)
            if known is not None:
                if points is not None:
                    points.append(known)
                return True, [], 0
        programme, eq_keys, ub_keys = self._programme(released)
        used = 0
        solved = []
        for lo, hi in self.ledger.escapes(target):
            used += 1
            # The linear relaxation first: if even it cannot reach the bound, no integer
            # solution can; if its optimum is whole, that is an integer solution.
            sign = -1.0 if np.isfinite(lo) else 1.0  # push the cell up towards lo, or down to hi
            lp = programme.minimise(sign * t)
            if lp.status == OPTIMAL:
                solved.append(lp)
                reach = t @ lp.x
                if (np.isfinite(lo) and reach < lo - 1e-7) or (np.isfinite(hi) and reach > hi + 1e-7):
                    continue
                if np.allclose(lp.x, np.round(lp.x), atol=1e-7):
                    self._found.append(np.round(lp.x))
                    if points is not None:
                        points.append(np.round(lp.x))
                    return True, [], used
            elif lp.status == UNBOUNDED:  # unbounded upwards: any value can be reached
                if np.isfinite(lo):
                    return True, [], used
            if relaxed:
                return True, [], used
            # (a search out of time without an answer counts as pinned: the cell is protected)
            found, x = self._whole_solution(t, lo, hi, released, time_limit)
            if found:
                if points is not None:
                    points.append(x)
                return True, [], used
        return False, self._certificate(eq_keys, ub_keys, programme, t, released, solved) if certificate else [], used

    def plan(self, target: Cell, released: set, time_limit: float, *,
             start: np.ndarray | None = None) -> tuple[list, np.ndarray | None, int]:
        """The released counts to hide so that ``target`` can leave its range (Ledger.escapes),
        a point of the attacker's programme without them at which it has (whole numbers; None
        if none was found in time) and the programmes solved.

        Each released count may differ from its true value at a price (its weight, see
        Ledger.weight, for each unit of difference): a count of the model in its equality row, a
        count of another model in the lower bound it puts on a group of respondents; the
        relations and the report's numbers hold. The cheapest point at which the cell has left
        its range names the counts that must go: hiding them leaves that point to the attacker.
        The linear relaxation chooses the direction (up or down). Where its point is
        fractional, any whole point without the counts it moved is sought first (a quick search
        that usually succeeds), then the cheapest whole point, from ``start`` (a whole point with
        nothing released) if given: a fractional point may leave the cell pinned by the
        integers, and proving that takes the integer solver far longer than finding a whole
        point."""
        relevant = frozenset(k for k in released if k in self._relevant)
        a, b, keys = self._released_rows(relevant)
        rows = [i for i, k in enumerate(keys) if k is not None]
        bounds = self._lower_bounds(relevant)
        if (not rows and not bounds) or self.nvar == 0:
            return [], None, 0
        n, nb = len(rows), len(bounds)
        # row . x + over - under = count, for each released count of the model
        slack = sparse.csr_matrix((np.tile([1.0, -1.0], n), (np.repeat(rows, 2), np.arange(2 * n))),
                                  shape=(a.shape[0], 2 * n + nb))
        a_eq = sparse.hstack([a, slack]).tocsr()
        # - everyone in the group - short <= - bound, for each group a released count bounds;
        # then the subset rows and the report's numbers; then the target's row, last
        n_sub = self._subset_matrix.shape[0]
        blocks = [(-sparse.csr_matrix(np.vstack([self._everyone_in(g) for g, _, _ in bounds])) if bounds
                   else sparse.csr_matrix((0, self.nvar)),
                   sparse.csr_matrix((-np.ones(nb), (np.arange(nb), 2 * n + np.arange(nb))), shape=(nb, 2 * n + nb))),
                  (self._subset_matrix, sparse.csr_matrix((n_sub, 2 * n + nb))),
                  (sparse.csr_matrix(self.row_of(target).reshape(1, -1)), sparse.csr_matrix((1, 2 * n + nb)))]
        a_ub = sparse.vstack([sparse.hstack(block) for block in blocks]).tocsr()
        b_ub = np.concatenate([-np.array([bound for _, bound, _ in bounds]), self._subset_rhs, [np.inf]])
        programme = LinearProgramme(a_eq, b, a_ub, b_ub, nvar=self.nvar + 2 * n + nb)
        others = {c.key: c for c in self.bound_cells}
        cost = np.concatenate([np.zeros(self.nvar),
                               np.repeat([self.ledger.weight(self.cells[keys[i]]) for i in rows], 2),
                               [self.ledger.weight(others[key]) for _, _, key in bounds]])
        last = programme.n_eq + a_ub.shape[0] - 1
        found, used = [], 0
        for lo, hi in self.ledger.escapes(target):
            programme.set_bounds(np.array([last]), np.array([lo]), np.array([hi]))
            res = programme.minimise(cost)
            used += 1
            if res.status == OPTIMAL:
                found.append((res.fun, lo, hi, res.x))
        found.sort(key=lambda f: f[0])  # (the cheaper direction first)
        names = [keys[i] for i in rows] + [key for _, _, key in bounds]

        def moved(x) -> list:
            differ = np.concatenate([x[self.nvar: self.nvar + 2 * n].reshape(-1, 2).sum(axis=1),
                                     x[self.nvar + 2 * n:]]) > 1e-7
            return list(dict.fromkeys(k for k, m in zip(names, differ, strict=True) if m))

        def completed(x0: np.ndarray) -> np.ndarray:
            """``x0`` with the differences that make it a point of the plan's programme."""
            d = b[rows] - a[rows] @ x0
            short = np.array([bound for _, bound, _ in bounds]) - (a_ub[:nb, : self.nvar] @ x0 if nb else 0)
            return np.concatenate([x0, np.column_stack([np.maximum(d, 0), np.maximum(-d, 0)]).ravel(),
                                   np.maximum(short, 0)])

        t = self.row_of(target)
        for _, lo, hi, x in found:
            if not np.allclose(x[: self.nvar], np.round(x[: self.nvar]), atol=1e-7):
                # The fractional point's counts hidden, the integers usually leave the cell a
                # whole answer too: finding one is a quick search, far quicker than the
                # cheapest whole point (below, where none is found).
                gone = moved(x)
                exists, w = self._whole_solution(t, lo, hi, released - set(gone), time_limit)
                used += 1
                if exists:
                    return gone, w, used
                lower = np.concatenate([b, np.full(len(b_ub), -np.inf)])
                upper = np.concatenate([b, b_ub])
                lower[-1], upper[-1] = lo, hi
                begin = completed(start) if start is not None and lo - 1e-7 <= t @ start <= hi + 1e-7 else None
                x = cheapest_whole_solution(sparse.vstack([a_eq, a_ub]).tocsr(), lower, upper, cost, self.nvar,
                                            time_limit=time_limit, gap=self.PLAN_GAP,
                                            start=begin)
                used += 1
            if x is not None:
                self._found.append(np.round(x[: self.nvar]))
                return moved(x), np.round(x[: self.nvar]), used
        return (moved(found[0][3]) if found else []), None, used

    def _whole_solution(self, t: np.ndarray, lo: float, hi: float, released: set,
                        time_limit: float) -> tuple[bool | None, np.ndarray | None]:
        """Whether a whole point of the attacker's programme for ``released`` puts ``t @ x`` in
        ``lo`` … ``hi``, and one if so (see lp.whole_solution). First among the whole points this
        model has found before (each is checked against every constraint for ``released``: any
        that passes answers the question as surely as a search), then the answer of the same
        search asked before (the search is deterministic), then the search itself."""
        known = self._known_point(t, lo, hi, released)
        if known is not None:
            return True, known
        relevant = frozenset(k for k in released if k in self._relevant)
        key = (t.tobytes(), float(lo), float(hi), relevant)
        answer = self._searched.get(key)
        if answer is None:
            answer = self._searched[key] = whole_solution([(t.reshape(1, -1), lo, hi),
                                                          *self._milp_constraints(relevant)], self.nvar, time_limit)
            if answer[0]:
                self._found.append(answer[1])
        return answer

    def _known_point(self, t: np.ndarray, lo: float, hi: float, released: set) -> np.ndarray | None:
        """The first whole point found so far in this model (see _found, points) that meets
        every constraint of the attacker's programme for ``released`` and puts ``t @ x`` in
        ``lo`` … ``hi``; None if there is none."""
        pool = self._found + self.points
        if not pool or self.nvar == 0:
            return None
        if self._pool_matrix is None or self._pool_matrix.shape[1] != len(pool):
            self._pool_matrix = np.column_stack(pool)
        x = self._pool_matrix
        v = t @ x
        ok = (v >= lo - 1e-7) & (v <= hi + 1e-7) & (x >= 0).all(axis=0)
        ok &= self._meets(x, released, ok)
        first = np.flatnonzero(ok)
        return pool[first[0]].copy() if len(first) else None

    def _meets(self, x: np.ndarray, released: set, ok: np.ndarray | None = None) -> np.ndarray:
        """Which columns of ``x`` meet every constraint for ``released`` (only those of ``ok``
        still in question are worth the work: the rest come back False)."""
        ok = np.ones(x.shape[1], dtype=bool) if ok is None else ok.copy()
        for a, lo, hi in self._milp_constraints(released):
            if not ok.any():
                break
            ax = a @ x
            lo, hi = (np.asarray(bound, dtype=float) for bound in (lo, hi))
            ok &= ((ax >= (lo.reshape(-1, 1) if lo.ndim else lo) - 1e-7)
                   & (ax <= (hi.reshape(-1, 1) if hi.ndim else hi) + 1e-7)).all(axis=0)
        return ok

    #: How far from the cheapest plan the integer search may stop (it also stops at the node limit).
    PLAN_GAP = 0.2

    def witnessed(self, target: Cell, released: set, points: list[np.ndarray] | None = None) -> bool:
        """Whether one of the whole, non-negative ``points`` (default: those found so far,
        :attr:`points`) meets every constraint the attacker has for ``released`` and puts
        ``target`` outside its range: then the cell is safe (the point is an answer the
        attacker cannot rule out), no programme needed. Every point is checked here, whatever
        the released counts it was found with."""
        points = self.points if points is None else points
        if not points or self.nvar == 0:
            return False
        x = np.column_stack(points)
        v = self.row_of(target) @ x
        ok = np.zeros(x.shape[1], dtype=bool)
        for lo, hi in self.ledger.escapes(target):
            ok |= (v >= lo - 1e-7) & (v <= hi + 1e-7)
        ok &= (x >= 0).all(axis=0)
        for a, lo, hi in self._milp_constraints(released):
            if not ok.any():
                return False
            ax = a @ x
            lo, hi = (np.asarray(bound, dtype=float) for bound in (lo, hi))
            ok &= ((ax >= (lo.reshape(-1, 1) if lo.ndim else lo) - 1e-7)
                   & (ax <= (hi.reshape(-1, 1) if hi.ndim else hi) + 1e-7)).all(axis=0)
        return bool(ok.any())

    def _certificate(self, keys, ub_keys, programme: LinearProgramme, t, released, solved=()) -> list:
        found = []
        if not solved:  # maximise, then minimise, the target
            solved = [programme.minimise(sign * t) for sign in (-1.0, 1.0)]
        for res in solved:  # the dual of the relaxation that could not move the cell far enough
            if res.status != OPTIMAL:
                continue
            found += [keys[i] for i in np.flatnonzero(np.abs(res.eq_duals) > 1e-9) if keys[i] is not None]
            found += [ub_keys[i] for i in np.flatnonzero(np.abs(res.ub_duals) > 1e-9) if ub_keys[i] is not None]
        rel = [k for k in dict.fromkeys([*keys, *ub_keys]) if k is not None]
        if not found:  # pinned by integrality alone: any released cell sharing a box
            found = [k for k in rel if k in self.cells and (self.row_of(self.cells[k]) * (t > 0)).any()]
        if not found:
            found = rel
        found = list(dict.fromkeys(found))
        # Hiding a count that the other released counts determine protects nothing: the first
        # candidate (cheapest first) that would really be unknown.
        cells = {**{c.key: c for c in self.bound_cells}, **self.cells}
        found.sort(key=lambda k: self.ledger.cost(cells[k]) if k in cells else (True, 0, 0, 0))
        for k in found[:3]:  # (the rest: rarely better, and each costs two programmes)
            if k not in self.cells or not self.linear_pinned(k, released)[0]:
                return [k]
        return found

    def linear_pinned(self, target_key, released_keys, *, counts: bool = True) -> tuple[bool, list]:
        """Whether the target is fixed by the other released cells (and the partitions) in the
        linear relaxation; if so, the released keys the dual names. (The target's own row, if it
        is released, does not count: the question is what the others tell.) For counts the
        unknowns are non-negative; for sums of a variable (magnitudes) they are free (and only
        the partitions and the released sums count)."""
        keys = frozenset(k for k in released_keys if k in self.cells)
        programme, row_keys, position = self._equality_programme(keys, counts)
        if programme is None:
            return False, []
        t = self.row_of(self.cells[target_key])
        own_row = position.get(target_key)
        if own_row is not None:
            programme.free_row(own_row)
        try:
            values, cert = [], []
            for sign in (-1.0, 1.0):
                res = programme.minimise(sign * t)
                if res.status != OPTIMAL:
                    return False, []
                values.append(sign * res.fun)
                if abs(values[-1] - t @ self.truth) > 1e-7:
                    return False, []  # the true count is feasible: another value is reachable
                cert += [row_keys[i] for i in np.flatnonzero(np.abs(res.eq_duals) > 1e-9) if row_keys[i] is not None]
        finally:
            if own_row is not None:
                programme.restore_row(own_row)
        if abs(values[0] - values[1]) > 1e-7:
            return False, []
        return True, list(dict.fromkeys(cert))

    def _equality_programme(self, keys: frozenset, counts: bool):
        """The partitions and the rows of ``keys`` as one programme, the key behind each row
        and each key's row. For counts, one programme kept for the model (its cell rows bounded
        or freed as ``keys`` changes, like :meth:`_programme`); for sums, the last one."""
        if counts:
            live = self._live_equalities
            if live is None:
                self._released_rows(frozenset())
                n = np.array([float(self.cells[k].n) for k in self._cell_keys])
                a = sparse.vstack([self._partitions, self._cell_matrix]).tocsr()
                if a.shape[0] == 0:
                    return None, [], {}
                n_p = self._partitions.shape[0]
                programme = LinearProgramme(a, np.concatenate([np.zeros(n_p), n]), nvar=self.nvar)
                live = self._live_equalities = {"programme": programme, "n": n, "first_cell": n_p,
                                                "shown": np.ones(len(n), dtype=bool),
                                                "position": {k: n_p + i for i, k in enumerate(self._cell_keys)}}
            self._show_cells(live, keys)
            row_keys = [None] * live["first_cell"] + [k if shown else None
                                                      for k, shown in zip(self._cell_keys, live["shown"], strict=True)]
            return live["programme"], row_keys, {k: i for k, i in live["position"].items() if k in keys}
        cached = self._sums.get(keys)
        if cached is None:
            a, _, row_keys = self._sum_constraints(keys)[1]
            b = a @ self.truth  # any consistent right-hand side: free unknowns make it irrelevant
            programme = LinearProgramme(a, b, nvar=self.nvar, free=True) if a.shape[0] else None
            cached = (programme, row_keys, {k: i for i, k in enumerate(row_keys) if k is not None})
            self._sums = {keys: cached}  # one at a time: each holds a solver
        return cached

    def _sum_constraints(self, keys):
        rows, cols, data_, nrow = self.partition_rows
        rows, cols, data_ = list(rows), list(cols), list(data_)
        row_keys: list = [None] * nrow
        for key in keys:
            nz = np.flatnonzero(self.row_of(self.cells[key]))
            rows += [nrow] * len(nz)
            cols += nz.tolist()
            data_ += [1.0] * len(nz)
            row_keys.append(key)
            nrow += 1
        a = sparse.csr_matrix((data_, (rows, cols)), shape=(nrow, self.nvar))
        return None, (a, np.zeros(nrow), row_keys), None


__all__ = ["Ledger", "Outcome", "Decision"]
