"""One linear programme solved for many objectives, warm-started (HiGHS through ``highspy``).

The ledger's attacker asks the same question of many cells of one model (how far can this cell
move, given what is published?): the constraints stay, only the objective changes, or one row is
set free for a moment. ``scipy.optimize.linprog`` builds and solves each programme from scratch;
keeping one HiGHS instance lets each new objective start from the last optimal basis (the
ledger's time on the own-data test fixture went from 13.5 s to 5.3 s)."""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

OPTIMAL, INFEASIBLE, UNBOUNDED = "optimal", "infeasible", "unbounded"

#: How far an integer search may go: a number of branch-and-bound nodes. A limit in seconds
#: would make the answer depend on the machine and its load (two builds of one own edition hid
#: 52 and 177 counts on a busy machine); HiGHS, on one thread, does the same work for the same
#: programme, so a node limit stops every build at the same point. Measured on the own-data
#: fixture's ledger (3,035 searches, one process): no search that finished under the old limits
#: of 2 and 10 s needed more than 307 nodes; at 200, six stop at the limit (the longest after
#: 42 s on a busy machine), and the ones that used to stall in the root node finish there by
#: themselves (within 5 s). A check stopped at the limit counts the cell as pinned down (the
#: safe side); a plan stopped there keeps the cheapest whole plan found, or the fractional one.
NODE_LIMIT = 200
#: Seconds after which a search stops anyway: a safety net far above any search the node limit
#: leaves (42 s at most, measured), never a budget. A search it stops is counted (clock_stops) and the
#: output-checking report says that the edition may then differ between builds.
SAFETY_SECONDS = 300.0

_clock_stops = 0


def clock_stops() -> int:
    """How many integer searches of this process the safety net stopped so far."""
    return _clock_stops


def _ran(h) -> None:
    """Run ``h`` and count a stop on the safety net."""
    global _clock_stops
    h.run()
    if h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
        _clock_stops += 1


@dataclass
class Solution:
    status: str
    x: np.ndarray | None = None
    fun: float = float("nan")
    eq_duals: np.ndarray | None = None  # one per equality row
    ub_duals: np.ndarray | None = None  # one per at-most row


class LinearProgramme:
    """``a_eq x = b_eq``, ``a_ub x <= b_ub``, ``x >= 0`` (or free), any objective to minimise."""

    def __init__(self, a_eq, b_eq, a_ub=None, b_ub=None, *, nvar: int, free: bool = False):
        blocks = [m for m in (a_eq, a_ub) if m is not None and m.shape[0]]
        a = sparse.vstack(blocks).tocsr() if blocks else sparse.csr_matrix((0, nvar))
        b_eq = np.asarray(b_eq if a_eq is not None else [], dtype=float)
        b_ub = np.asarray(b_ub if a_ub is not None else [], dtype=float)
        self.n_eq, self.nvar = len(b_eq), nvar
        self._lower = np.concatenate([b_eq, np.full(len(b_ub), -np.inf)])
        self._upper = np.concatenate([b_eq, b_ub])
        self._highs = _solver(a, self._lower, self._upper, nvar, lowest=-np.inf if free else 0.0)
        self._columns = np.arange(nvar, dtype=np.int32)

    def minimise(self, cost: np.ndarray) -> Solution:
        h = self._highs
        h.changeColsCost(self.nvar, self._columns, np.asarray(cost, dtype=float))
        h.run()
        status = h.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            # (every programme here holds the true counts, so it is never infeasible)
            return Solution(UNBOUNDED)
        if status == highspy.HighsModelStatus.kInfeasible:
            return Solution(INFEASIBLE)
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the linear programme ended with status {status.name}")
        solution = h.getSolution()
        duals = np.asarray(solution.row_dual)
        return Solution(OPTIMAL, np.asarray(solution.col_value), h.getInfo().objective_function_value,
                        duals[: self.n_eq], duals[self.n_eq:])

    def set_bounds(self, rows: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """Change the bounds of ``rows`` (a row with infinite bounds is no constraint)."""
        rows = np.asarray(rows, dtype=np.int32)
        if len(rows):
            self._lower[rows], self._upper[rows] = lower, upper
            self._highs.changeRowsBounds(len(rows), rows, self._lower[rows], self._upper[rows])

    def add_rows(self, matrix, lower: np.ndarray, upper: np.ndarray) -> None:
        """Append rows (after every row so far: they count with the at-most rows' duals)."""
        matrix = sparse.csr_matrix(matrix)
        if matrix.shape[0]:
            self._highs.addRows(matrix.shape[0], np.asarray(lower, dtype=float), np.asarray(upper, dtype=float),
                                matrix.nnz, matrix.indptr[:-1].astype(np.int32), matrix.indices.astype(np.int32),
                                matrix.data.astype(float))
            self._lower = np.concatenate([self._lower, lower])
            self._upper = np.concatenate([self._upper, upper])

    def free_row(self, i: int) -> None:
        """Drop row ``i`` (its bounds set to infinity) until :meth:`restore_row`."""
        self._highs.changeRowBounds(i, -np.inf, np.inf)

    def restore_row(self, i: int) -> None:
        self._highs.changeRowBounds(i, self._lower[i], self._upper[i])


def whole_solution_exists(blocks: list[tuple], nvar: int, time_limit: float = SAFETY_SECONDS) -> bool | None:
    """Whether whole, non-negative ``x`` with ``lower <= a x <= upper`` for every ``(a, lower,
    upper)`` of ``blocks`` exists (see whole_solution)."""
    return whole_solution(blocks, nvar, time_limit)[0]


def whole_solution(blocks: list[tuple], nvar: int,
                   time_limit: float = SAFETY_SECONDS) -> tuple[bool | None, np.ndarray | None]:
    """Whether whole, non-negative ``x`` with ``lower <= a x <= upper`` for every ``(a, lower,
    upper)`` of ``blocks`` exists, and one if so (HiGHS's MIP solver, called directly: on the
    ledger's programmes it took 35 s where ``scipy.optimize.milp`` took 82 s for the same 67).
    With no objective the search ends at the first whole solution. None: no answer within
    :data:`NODE_LIMIT` nodes (or the safety net's seconds); the caller decides which way is safe."""
    matrices, lower, upper = [], [], []
    for a, lo, hi in blocks:
        a = sparse.csr_matrix(a)
        if a.shape[0]:
            matrices.append(a)
            lower.append(np.broadcast_to(np.asarray(lo, dtype=float), (a.shape[0],)))
            upper.append(np.broadcast_to(np.asarray(hi, dtype=float), (a.shape[0],)))
    a = sparse.vstack(matrices).tocsr() if matrices else sparse.csr_matrix((0, nvar))
    h = _solver(a, np.concatenate(lower) if lower else np.zeros(0), np.concatenate(upper) if upper else np.zeros(0),
                nvar, whole=True)
    h.setOptionValue("time_limit", float(time_limit))
    _ran(h)
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal or h.getInfo().primal_solution_status == 2:
        # (stopped early, a whole solution found on the way answers the question too)
        return True, np.round(np.asarray(h.getSolution().col_value))
    return (False if status == highspy.HighsModelStatus.kInfeasible else None), None


def cheapest_whole_solution(a, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray, whole: int, *,
                            gap: float, time_limit: float = SAFETY_SECONDS,
                            start: np.ndarray | None = None) -> np.ndarray | None:
    """A non-negative ``x`` with ``lower <= a x <= upper`` whose first ``whole`` entries are whole
    numbers, of cost within ``gap`` (relative) of the cheapest, or the cheapest found within
    :data:`NODE_LIMIT` nodes; None if none was found. ``start``: a solution to begin from (the
    search then never comes back empty-handed if it is one)."""
    nvar = a.shape[1]
    h = _solver(sparse.csr_matrix(a), lower, upper, nvar)
    h.changeColsIntegrality(whole, np.arange(whole, dtype=np.int32), np.ones(whole, dtype=np.uint8))
    h.changeColsCost(nvar, np.arange(nvar, dtype=np.int32), np.asarray(cost, dtype=float))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = np.asarray(start, dtype=float)
        solution.value_valid = True
        h.setSolution(solution)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    # No restart: where presolve fixes a few columns after the root node, HiGHS starts the root
    # node again, cut rounds included, and the root's cut rounds are where these searches spend
    # their time. On the own-data fixture's 15 plan searches: 75 s without this, 55 s with it
    # (one process), every plan of the same cost.
    h.setOptionValue("mip_allow_restart", False)
    _ran(h)
    if h.getInfo().primal_solution_status != 2:
        return None
    return np.asarray(h.getSolution().col_value)


def _solver(a, lower: np.ndarray, upper: np.ndarray, nvar: int, *, lowest: float = 0.0, whole: bool = False):
    """A HiGHS instance holding ``lower <= a x <= upper``, ``x >= lowest`` (whole numbers if
    ``whole``), no objective yet. The bare solver class: the ``Highs`` wrapper prints a banner
    on stdout and adds callbacks this does not use. One thread: the ledger runs its checks in
    forked workers, and a child forked while HiGHS's thread pool exists inherits a pool whose
    threads it does not have (it waits for them forever); the cores go to the workers instead."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = nvar, a.shape[0]
    lp.col_cost_ = np.zeros(nvar)
    lp.col_lower_, lp.col_upper_ = np.full(nvar, lowest), np.full(nvar, np.inf)
    lp.row_lower_, lp.row_upper_ = lower, upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = nvar, a.shape[0]
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    if whole:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * nvar
    h = highspy._Highs()
    h.setOptionValue("mip_max_nodes", NODE_LIMIT)  # (the integer searches' deterministic limit)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    # A small cut pool: on the ledger's largest programmes the root node's cut rounds, which
    # HiGHS does not interrupt for its time limit, took seconds and found nothing the search
    # needed (the fixture's ledger: 74 s with the default pool of 10,000, 60 s with 50, the same
    # cells hidden within 1 %).
    h.setOptionValue("mip_pool_soft_limit", 50)
    h.passModel(lp)
    return h
