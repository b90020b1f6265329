"""The edition ledger: every value an edition publishes from own microdata, checked together.

Each chapter's gate records the typed values of its tables, figures and glued numbers (with the
cells they rest on). After every chapter has run, the ledger decides what may be released:

1. **Primary rules** (:mod:`barometer.gate.rules`): a value resting on a disclosive count
   (below ``min_cell``, or zero) is suppressed; an untyped value, or a model with too few
   residual degrees of freedom, is withheld.
2. **The attacker.** What is left is everything an outsider reads. The attacker knows every
   released count exactly, how counts relate (a measure within a group is the sum of the same
   measure within the group's boxes; a base is the sum of its parts, wherever those are
   published: across tables, chapters and waves), and that counts are whole and non-negative.
   For each disclosive cell that is hidden, an integer programme (``scipy.optimize.milp``)
   asks whether the published numbers leave it another value outside 1 … ``min_cell`` − 1 (for a
   zero: any other value). If not, the cell is *exposed*.
3. **Secondary suppression.** For an exposed cell, the linear relaxation's dual names the
   released counts that pin it down; the smallest is hidden everywhere it is published (and every
   value resting on it with it), and the cell is checked again. Hiding never helps the attacker,
   so a cell found safe stays safe and the loop ends.
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
from scipy import optimize, sparse

from .population import Cell, Measure
from .rules import RELEASED, SUPPRESSED, WITHHELD, Rules
from .values import Value, is_untyped


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

    def status(self, uid: str) -> str:
        return self.decisions[uid].status


class _Components:
    """Union-find over measure ids, joined by declared partitions."""

    def __init__(self, ids):
        self.parent = {i: i for i in ids}

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


class Ledger:
    def __init__(self, boxes: list[tuple[str, ...]], box_of_row: np.ndarray, measures: dict[str, Measure],
                 partitions: set[tuple[str, tuple[str, ...]]], rules: Rules):
        self.boxes = boxes
        self.box_wave = [b[0] for b in boxes]
        self.box_of_row = box_of_row
        self.rules = rules
        # Two definitions that select the same organisations are linked when the set is large
        # (then the equality is no accident: "asked the type question" and "innovated" in a
        # file where every innovator was asked); small equal sets stay apart, or the attacker
        # would be credited with coincidences it cannot know.
        link_min = max(2 * rules.min_cell, 10)
        self.alias: dict[str, str] = {}
        by_content: dict[str, str] = {}
        for mid in sorted(measures):
            m = measures[mid]
            if m.n >= link_min:
                self.alias[mid] = by_content.setdefault(m.content, mid)
            else:
                self.alias[mid] = mid
        self.measures = {mid: m for mid, m in measures.items() if self.alias[mid] == mid}
        parts = set()
        for p, c in partitions:
            if p in self.alias and all(x in self.alias for x in c):
                parent = self.alias[p]
                children = tuple(sorted({self.alias[x] for x in c} - {parent}))
                parts.add((parent, children, len(children) < len(set(c))))
        self.partitions = sorted(parts)
        self.values: dict[str, Value] = {}
        self.forced: dict[str, Decision] = {}

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

    def _components(self) -> _Components:
        comps = _Components(self.measures)
        for p, children, _ in self.partitions:
            for c in children:
                comps.union(p, c)
        return comps

    def _structural_zeros(self, cells, comps) -> set[tuple]:
        """Zero cells that the relations between measures alone pin at zero, whatever is
        published: hiding them protects nothing (see :mod:`barometer.gate.rules`)."""
        zeros = [c for c in cells.values() if c.n == 0 and c.boxes and self.rules.cell_sensitive(c)]
        by_comp: dict[str, list[Cell]] = defaultdict(list)
        for c in cells.values():
            by_comp[comps.find(c.measure)].append(c)
        found = set()
        for comp in {comps.find(z.measure) for z in zeros}:
            comp_zeros = [z for z in zeros if comps.find(z.measure) == comp]
            model = _CoverModel(self, comp, comps, by_comp[comp])
            for z in comp_zeros:
                if model.structurally_zero(z):
                    found.add(z.key)
        return found

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
    def solve(self, *, time_limit: float = 10.0) -> Outcome:
        start = time.perf_counter()
        cells, holders, of_value = self._cells()
        comps = self._components()
        structural = self._structural_zeros(cells, comps)
        decisions = self._primary(of_value, structural)
        outcome = Outcome(decisions, set())
        outcome.structural_zeros = len(structural)

        def released_keys() -> set:
            return {c.key for uid, own in of_value.items() if decisions[uid].status == RELEASED for c in own}

        by_comp: dict[str, list[Cell]] = defaultdict(list)
        for c in cells.values():
            by_comp[comps.find(c.measure)].append(c)
        released = released_keys()
        for comp, comp_cells in by_comp.items():
            comp_targets = [c for c in comp_cells if self.rules.cell_sensitive(c) and c.key not in structural]
            if not comp_targets:
                continue
            model = _CoverModel(self, comp, comps, comp_cells)
            for t in comp_targets:
                rounds = 0
                while True:
                    rounds += 1
                    safe, candidates, used = model.check(t, released, time_limit)
                    outcome.programmes += used
                    if safe:
                        break
                    outcome.exposed_found += rounds == 1
                    candidates = [k for k in candidates if k in released]
                    if not candidates or rounds > 4 * len(comp_cells) + 10:
                        # Fail closed: nothing published in this component stays.
                        outcome.unprotectable.append(t.label)
                        for c in comp_cells:
                            if c.key in released:
                                self._hide(c.key, holders, decisions, outcome, "secondary",
                                           f"protects {t.label} (no smaller choice pinned it down)")
                        released = released_keys()
                        break
                    k = min(candidates, key=lambda key: (cells[key].n == 0, cells[key].n, len(key[1])))
                    self._hide(k, holders, decisions, outcome, "secondary", f"protects {t.label}")
                    released = released_keys()
        self._magnitudes(decisions, outcome, comps)
        outcome.hidden_cells = set(cells) - released_keys()
        outcome.seconds = time.perf_counter() - start
        return outcome

    def _hide(self, key, holders, decisions, outcome, rule, detail) -> None:
        outcome.hidden_cells.add(key)
        outcome.secondary += 1
        for uid in holders[key]:
            if decisions[uid].status == RELEASED:
                decisions[uid] = Decision(SUPPRESSED, rule, detail)

    # ------------------------------------------------------------------ magnitudes
    def _magnitudes(self, decisions, outcome, comps) -> None:
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
                    comp = comps.find(t[0])
                    rows = [k for k in released if comps.find(k[0]) == comp]
                    if not rows:
                        continue
                    model = _CoverModel(self, comp, comps, [cell_of[k] for k in {*rows, t}])
                    pinned, certificate = model.linear_pinned(t, rows)
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


class _CoverModel:
    """The attacker's integer programme for one component of related measures."""

    def __init__(self, ledger: Ledger, comp: str, comps: _Components, comp_cells: list[Cell]):
        self.ledger = ledger
        measures = sorted({m for m in ledger.measures if comps.find(m) == comp})
        comp_cells = [ledger.canonical(c) for c in comp_cells]
        self.cells = {c.key: c for c in comp_cells}
        relevant = sorted(set().union(*(c.boxes for c in comp_cells)))
        # Boxes that no cell of the component tells apart are one unknown.
        signature: dict[int, tuple] = {b: tuple(sorted(i for i, c in enumerate(comp_cells) if b in c.boxes))
                                       for b in relevant}
        groups: dict[tuple, list[int]] = defaultdict(list)
        for b, sig in signature.items():
            groups[sig].append(b)
        self.super_boxes = [frozenset(bs) for bs in groups.values()]
        self.var: dict[tuple[str, int], int] = {}
        for m in measures:
            waves = ledger.measures[m].waves
            for j, sb in enumerate(self.super_boxes):
                if any(ledger.box_wave[b] in waves for b in sb):
                    self.var[(m, j)] = len(self.var)
        self.nvar = len(self.var)
        # Partition rows (always true, whatever is released).
        rows, data_, cols = [], [], []
        nrow = 0
        for p, children, degenerate in ledger.partitions:
            if comps.find(p) != comp:
                continue
            for j in range(len(self.super_boxes)):
                # A part equal to the whole (linked measures): the other parts are empty.
                head = [] if degenerate else [(self.var.get((p, j)), 1.0)]
                entries = head + [(self.var.get((c, j)), -1.0) for c in children]
                entries = [(v, w) for v, w in entries if v is not None]
                if not entries:
                    continue
                for v, w in entries:
                    rows.append(nrow)
                    cols.append(v)
                    data_.append(w)
                nrow += 1
        self.partition_rows = (rows, cols, data_, nrow)
        # The true counts: a feasible point, used to check the model itself.
        self.truth = np.zeros(self.nvar)
        for (m, j), v in self.var.items():
            rows_in = np.isin(ledger.box_of_row, np.fromiter(self.super_boxes[j], dtype=np.int32))
            self.truth[v] = float((ledger.measures[m].mask & rows_in).sum())

    def structurally_zero(self, cell: Cell) -> bool:
        """Whether the relations alone (nothing released) force this cell to zero."""
        if self.nvar == 0:
            return True
        t = self.row_of(cell)
        if not t.any():
            return True
        a, b, _ = self._equalities(set())
        cons = [optimize.LinearConstraint(t.reshape(1, -1), 1, np.inf)]
        if a.shape[0]:
            cons.append(optimize.LinearConstraint(a, b, b))
        res = optimize.milp(np.zeros(self.nvar), constraints=cons, integrality=np.ones(self.nvar),
                            bounds=optimize.Bounds(0, np.inf))
        return res.status != 0

    def row_of(self, cell: Cell) -> np.ndarray:
        row = np.zeros(self.nvar)
        for j, sb in enumerate(self.super_boxes):
            if sb <= cell.boxes:
                v = self.var.get((cell.measure, j))
                if v is not None:
                    row[v] = 1.0
        return row

    def _equalities(self, released: set) -> tuple[sparse.csr_matrix, np.ndarray, list]:
        rows, cols, data_, nrow = self.partition_rows
        rows, cols, data_ = list(rows), list(cols), list(data_)
        rhs = [0.0] * nrow
        keys: list = [None] * nrow
        for key, c in self.cells.items():
            if key not in released:
                continue
            r = self.row_of(c)
            nz = np.flatnonzero(r)
            rows += [nrow] * len(nz)
            cols += nz.tolist()
            data_ += [1.0] * len(nz)
            rhs.append(float(c.n))
            keys.append(key)
            nrow += 1
        a = sparse.csr_matrix((data_, (rows, cols)), shape=(nrow, self.nvar))
        b = np.asarray(rhs)
        if nrow and not np.allclose(a @ self.truth, b):
            raise AssertionError("the ledger's model does not hold for the true counts (a builder "
                                 "described a cell wrongly)")
        return a, b, keys

    def check(self, target: Cell, released: set, time_limit: float) -> tuple[bool, list, int]:
        """Whether ``target`` keeps another value an attacker cannot rule out; if not, the
        released cells that pin it down (from the linear relaxation's dual)."""
        if self.nvar == 0:
            return True, [], 0
        a, b, keys = self._equalities(released)
        t = self.row_of(target)
        m = self.ledger.rules.min_cell
        v = target.n
        # A zero is safe when it could be anything else; a small count when it could be zero or
        # at least min_cell (then it is neither pinned nor shown to lie in 1 ... min_cell - 1).
        tries = [(1, np.inf)] if v == 0 else [(m, np.inf), (-np.inf, 0)]
        used = 0
        for lo, hi in tries:
            used += 1
            cons = [optimize.LinearConstraint(t.reshape(1, -1), lo, hi)]
            if a.shape[0]:
                cons.append(optimize.LinearConstraint(a, b, b))
            res = optimize.milp(np.zeros(self.nvar), constraints=cons, integrality=np.ones(self.nvar),
                                bounds=optimize.Bounds(0, np.inf), options={"time_limit": time_limit})
            if res.status == 0:
                return True, [], used
        return False, self._certificate(a, b, keys, t, v), used

    def _certificate(self, a, b, keys, t, v) -> list:
        found = []
        if a.shape[0] == 0:
            return found
        for sign in (-1.0, 1.0):  # maximise, then minimise, the target
            res = optimize.linprog(sign * t, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            if res.status == 0 and res.eqlin is not None:
                duals = np.asarray(res.eqlin.marginals)
                found += [keys[i] for i in np.flatnonzero(np.abs(duals) > 1e-9) if keys[i] is not None]
        if not found:  # pinned by integrality alone: any released cell sharing a box
            found = [k for k in keys if k is not None and (self.row_of(self.cells[k]) * (t > 0)).any()]
        if not found:
            found = [k for k in keys if k is not None]
        found = list(dict.fromkeys(found))
        # Hiding a count that the other released counts determine protects nothing: prefer the
        # ones that would really be unknown.
        released = [k for k in keys if k is not None]
        useful = [k for k in found if not self.linear_pinned(k, [r for r in released if r != k])[0]]
        return useful or found

    def linear_pinned(self, target_key, released_keys) -> tuple[bool, list]:
        """For sums (magnitudes): whether the target's sum is a linear function of released sums
        (partitions hold for sums too); if so, the released keys of one such combination."""
        rows, cols, data_, nrow = self.partition_rows
        base = sparse.csr_matrix((data_, (rows, cols)), shape=(nrow, self.nvar)).toarray() if nrow else \
            np.zeros((0, self.nvar))
        rel = [k for k in released_keys if k in self.cells]
        a = np.vstack([base] + [self.row_of(self.cells[k])[None, :] for k in rel]) if rel else base
        if a.shape[0] == 0:
            return False, []
        t = self.row_of(self.cells[target_key])
        lam, *_ = np.linalg.lstsq(a.T, t, rcond=None)
        if np.linalg.norm(a.T @ lam - t) > 1e-7:
            return False, []
        cert = [rel[i - nrow] for i in range(nrow, a.shape[0]) if abs(lam[i]) > 1e-9]
        return bool(cert), cert


__all__ = ["Ledger", "Outcome", "Decision"]
