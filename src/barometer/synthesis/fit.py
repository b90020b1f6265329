"""The fitting step: moves a generated wave onto the report's joint tables by climate cluster.

The generator (:mod:`barometer.synthesis.generator`) meets the report's margins; how the
variables relate to the climate clusters comes from its assumed propensities. This step moves
the 2025 population onto the published tables that break results down by climate cluster,
without changing any margin:

- the §2.4 breakdowns: the cluster shares (20/60/20), the innovation rate by cluster, the
  spectrum by cluster and the five differences between strong and limited climates (which
  restate Figure 2-17 and belong to it);
- Figure 2-17: factors (strongly) promoting innovation, by cluster, and its total column (the
  innovators with a cluster, see ``reproduce.CLUSTER_TOTALS``);
- Figure B2-2: positive effects, by cluster.

Everything is deterministic: no random numbers are drawn, ties go to the first candidate, and
the one integer programme runs on one thread without a time limit.

0. **Plan** (:func:`plan`): the organisations and innovators per cluster, chosen so that the
   most printed percentages have a whole count within rounding.
1. **Cluster sizes** (:func:`fit_cluster_sizes`): an integer programme (HiGHS) chooses, per
   stratum (a sector; in Rijksoverheid a national-government type), a new histogram of the
   climate totals (sum of the six scale items) with the same total, so every published mean
   stays exact, every published SD within :data:`SD_MARGIN`, and the cluster sizes those of
   the plan; it changes the histograms as little as it finds within its gap. Totals are
   handed out by rank, so organisations keep their order; a changed total changes single
   items, chosen so that an item's agreement (4-5 or not) stays where it can. Organisations
   with a failed attempt keep their total (the bases of Figure B2-3 are by cluster).
2. **Who has which climate** (:func:`fit_assignment`): organisations of one stratum exchange
   *climate bundles* (the climate items with the failed-attempt answers, so every margin by
   sector and the failure tables by cluster stay exact) until the innovation rate and the
   spectrum by cluster are met; best exchange first, each changed organisation costing
   :data:`CHANGE_COST` points so that bundles move only where a cell needs it.
3. **Answers by cluster** (:func:`fit_answers`): for each factor of 2-17 and each effect of
   B2-2, innovators of different clusters exchange their answers (totals stay those of
   Figures 2-12 and 2-19), and where a cluster count cannot otherwise be reached an answer
   turns into a neighbouring one within the printed rounding of those figures.
4. **Preconditions statements** (:func:`fit_statements`): single items move within a row (the
   row's total kept) onto the shares agreeing of §2.4, which the generator's item model leaves
   4-5 points low. Not a table by cluster: it is never left out.

Leaving a table out (``exclude``) drops its cells from every stage: the leave-one-out measure
(:mod:`barometer.synthesis.leave_one_out`) uses it to see how well the rest of the fit and the
generator's assumptions predict a table they did not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from barometer.analysis import reproduce
from barometer.data import codebook as md

#: Joint tables the fit uses.
TABLES = ("2-17", "B2-2", "text-2.4:shares", "text-2.4:innovated", "text-2.4:spectrum")
#: Tables left out one at a time by the leave-one-out measure (the cluster shares are the frame
#: every other table rests on and are always fitted).
LEAVE_ONE_OUT_TABLES = ("2-17", "B2-2", "text-2.4:innovated", "text-2.4:spectrum")
#: How far a standard deviation may drift from its published value in stage 1 (the fidelity
#: check allows 0.01).
SD_MARGIN = 0.008
CLUSTERS = ("Krachtig", "Gemiddeld", "Beperkt")
#: Tables met by exchanging answers (stage 3) rather than climates (stage 2).
ANSWER_TABLES = ("2-17", "B2-2")
#: The "cluster" of a total over the three clusters.
ALL = "*"
#: Stage 3 looks this many counts beyond a cell's rounding when no whole counts reach them all.
WIDEN = 4
FAILURE_COLUMNS = ("failed_attempt", "failure_phase")
#: Stage 1's integer search: at most this many branch-and-bound nodes, and done within this
#: relative gap (it needs a solution, not the smallest change of the histograms). HiGHS on one
#: thread does the same work for the same programme, so both keep the fit deterministic, which
#: a limit in seconds would not.
NODE_LIMIT = 200
STAGE1_GAP = 0.5
#: Error of one changed organisation, in percentage points of miss (stage 2).
CHANGE_COST = 0.01
#: Stage 2 stops after this many sweeps over the strata at the latest.
MAX_SWEEPS = 200
NATIONAL = ("Kerndepartement", "Diensten en agentschappen", "ZBO")


def table_of(row) -> str | None:
    """Which fitted table a published row belongs to (None: not a cluster table)."""
    if row.source_id in ("2-17", "B2-2"):
        # (the total column of 2-17 counts the innovators with a cluster: reproduce.CLUSTER_TOTALS)
        return row.source_id if row.breakdown == "climate_cluster" or row.source_id in reproduce.CLUSTER_TOTALS \
            else None
    if row.source_id != "text-2.4":
        return None
    if row.variable == "climate_cluster":
        return "text-2.4:shares"
    if row.breakdown != "climate_cluster":
        return None
    if row.variable == "innovated":
        return "text-2.4:innovated"
    if row.variable == "innovation_spectrum":
        return "text-2.4:spectrum"
    if row.variable == "promoting_factor":
        return "2-17"
    return None


@dataclass
class FitReport:
    """What the fit did (for the assumptions page and the tests)."""

    excluded: tuple[str, ...] = ()
    moves: int = 0  # stage 1: pairs of one-point moves of climate totals
    cluster_counts: dict = field(default_factory=dict)
    changed: int = 0  # stage 2: organisations whose type of climate bundle changed
    slack_points: float = 0.0  # stages 2-3: percentage points by which fitted cells miss their rounding
    exchanges: int = 0  # stage 3: answers exchanged between innovators
    statement_changes: int = 0  # stage 4: pairs of items moved within a row
    status: str = ""


# --------------------------------------------------------------------------- stage 1


def _bounds(pct: float, n: int, tol: float = 0.5) -> tuple[int, int]:
    """The whole counts out of ``n`` whose percentage lies within ``tol`` of ``pct``."""
    lo = int(np.ceil((pct - tol) * n / 100 - 1e-9))
    hi = int(np.floor((pct + tol) * n / 100 + 1e-9))
    return max(lo, 0), min(hi, n)


def _cluster_of_total(total: np.ndarray, k: int, cuts=md.CLUSTER_CUTS) -> np.ndarray:
    """0 strong, 1 average, 2 limited (the order of :data:`CLUSTERS`) from item totals."""
    score = total / k
    return np.where(score >= cuts[1], 0, np.where(score >= cuts[0], 1, 2))


def _strata(df: pd.DataFrame) -> np.ndarray:
    sector = df["sector"].astype(str).to_numpy()
    natgov = df["national_government_type"].astype(str).to_numpy()
    return np.where(sector == "Rijksoverheid", sector + "|" + natgov, sector)


def _sd_groups(df: pd.DataFrame, published: pd.DataFrame, year: int) -> list[tuple[np.ndarray, float]]:
    """(rows, published SD of the climate scale) for each group whose SD the report prints."""
    rows = published[(published["year"] == year) & (published["statistic"] == "sd")
                     & published["source_id"].isin(["B1-10", "B1-11"])]
    sector = df["sector"].astype(str).to_numpy()
    natgov = df["national_government_type"].astype(str).to_numpy()
    out = []
    for r in rows.itertuples():
        if r.breakdown == "national_government":
            types = {"Totaal": NATIONAL, "Uitvoering": NATIONAL[1:]}.get(r.group, (r.group,))
            mask = np.isin(natgov, types)
        elif r.breakdown == "none" or r.group == "Totaal":
            mask = np.ones(len(df), dtype=bool)
        elif r.breakdown == "sector":
            mask = sector == md.canonical_group("sector", r.group)
        else:
            continue
        out.append((mask, float(r.value)))
    return out


def fit_cluster_sizes(df: pd.DataFrame, published: pd.DataFrame, year: int,
                      sizes: dict) -> tuple[pd.DataFrame, int, dict]:
    """Stage 1 (see the module's docstring). Returns the frame, the number of one-point moves
    and the cluster counts reached."""
    cols = md.scale_items("climate")
    k = len(cols)
    items = df[cols].to_numpy(dtype="float64", na_value=np.nan)
    answered = ~np.isnan(items).any(axis=1)
    idx = np.flatnonzero(answered)
    items_a = items[idx].astype(int)
    total = items_a.sum(axis=1)
    failed = df["failed_attempt"].fillna(0).to_numpy(dtype=int)[idx] == 1
    strata = _strata(df)[idx]
    shares = published[(published["source_id"] == "text-2.4") & (published["variable"] == "climate_cluster")
                       & (published["year"] == year)].set_index("item")["value"]
    if shares.empty:
        return df, 0, {}
    want = [(sizes[c], sizes[c]) for c in CLUSTERS]
    groups = [(m[idx], t) for m, t in _sd_groups(df, published, year)]
    values = np.arange(k, 5 * k + 1)
    v_cluster = _cluster_of_total(values, k)
    names = list(dict.fromkeys(strata))
    nv = len(values)
    # variables: m[s, v] (organisations without a failed attempt in stratum s with total v),
    # then d[s, v] >= |m - m0| (the change of the histogram)
    n_m = len(names) * nv
    a_rows, lo, hi = [], [], []

    def add(ix, val, low, high):
        a_rows.append((np.asarray(ix), np.asarray(val, dtype=float)))
        lo.append(low)
        hi.append(high)

    m0 = np.zeros(n_m)
    for si, s in enumerate(names):
        free = (strata == s) & ~failed
        m0[si * nv:(si + 1) * nv] = np.bincount(total[free] - k, minlength=nv)
        ix = np.arange(si * nv, (si + 1) * nv)
        add(ix, np.ones(nv), free.sum(), free.sum())
        add(ix, values, total[free].sum(), total[free].sum())
        for j in ix:
            add([j, n_m + j], [1.0, 1.0], m0[j], np.inf)
            add([j, n_m + j], [1.0, -1.0], -np.inf, m0[j])
    for mask, target in groups:
        n_g = mask.sum()
        s1 = total[mask].sum()
        fixed_sq = float((total[mask & failed].astype(float) ** 2).sum())
        ix, val = [], []
        for si, s in enumerate(names):
            if mask[strata == s].all() and (strata == s).any():
                ix.append(np.arange(si * nv, (si + 1) * nv))
                val.append(values.astype(float) ** 2)
        if not ix:
            continue
        # sd within the margin <=> the sum of squares within a band (the sum is fixed)
        band = [((target + e) * k) ** 2 * (n_g - 1) + s1 ** 2 / n_g - fixed_sq for e in (-SD_MARGIN, SD_MARGIN)]
        add(np.concatenate(ix), np.concatenate(val), max(band[0], 0.0), band[1])
    for c in range(3):
        ix = np.concatenate([np.arange(si * nv, (si + 1) * nv)[v_cluster == c] for si in range(len(names))])
        fixed = int(((_cluster_of_total(total, k) == c) & failed).sum())
        add(ix, np.ones(len(ix)), want[c][0] - fixed, want[c][1] - fixed)
    cost = np.concatenate([np.zeros(n_m), np.ones(n_m)])
    x = _solve(a_rows, lo, hi, cost, n_integer=n_m, upper=np.full(2 * n_m, np.inf), gap=STAGE1_GAP)
    if x is None:
        return df, 0, {}
    m = np.rint(x[:n_m]).astype(int).reshape(len(names), nv)
    new_total = total.copy()
    for si, s in enumerate(names):
        rows = np.flatnonzero((strata == s) & ~failed)
        order = rows[np.argsort(total[rows], kind="stable")]
        new_total[order] = np.repeat(values, m[si])  # rank-preserving
    moves = 0
    for r in np.flatnonzero(new_total != total):
        step = 1 if new_total[r] > total[r] else -1
        for _ in range(abs(int(new_total[r] - total[r]))):
            _shift_item(items_a, r, step)
            moves += 1
    out = df.copy()
    for c_i, c in enumerate(cols):
        col = np.zeros(len(df), dtype="int64")
        col[idx] = items_a[:, c_i]
        out[c] = pd.arrays.IntegerArray(col, ~answered)
    counts = np.bincount(_cluster_of_total(new_total, k), minlength=3)
    return out, moves, dict(zip(CLUSTERS, counts.tolist(), strict=True))


def _solve(a_rows, lo, hi, cost, n_integer: int, upper: np.ndarray, gap: float = 0.0):
    """min cost·x with lo <= A x <= hi, 0 <= x <= upper, the first ``n_integer`` entries whole
    (HiGHS, one thread, no time limit). None when no solution was found."""
    import highspy

    nvar = len(cost)
    data = np.concatenate([v for _, v in a_rows])
    indices = np.concatenate([ix for ix, _ in a_rows]).astype(np.int32)
    indptr = np.concatenate([[0], np.cumsum([len(ix) for ix, _ in a_rows])]).astype(np.int32)
    a = sparse.csr_matrix((data, indices, indptr), shape=(len(a_rows), nvar))
    a.sum_duplicates()
    a.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = nvar, a.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.zeros(nvar), np.asarray(upper, dtype=float)
    lp.row_lower_, lp.row_upper_ = np.array(lo, dtype=float), np.array(hi, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = nvar, a.shape[0]
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = a.indptr, a.indices, a.data
    lp.integrality_ = ([highspy.HighsVarType.kInteger] * n_integer
                       + [highspy.HighsVarType.kContinuous] * (nvar - n_integer))
    h = highspy._Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_max_nodes", NODE_LIMIT)
    h.setOptionValue("mip_rel_gap", gap)
    h.passModel(lp)
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return None
    return np.asarray(h.getSolution().col_value)


def _shift_item(items: np.ndarray, row: int, step: int) -> None:
    """Change one item of ``row`` by ``step``, keeping its agreement (4-5) where possible:
    down: a 5, else a 3, else a 2, else a 4; up: a 4, else a 2, else a 1, else a 3 (first such
    item from the left)."""
    order = (5, 3, 2, 4) if step < 0 else (4, 2, 1, 3)
    for v in order:
        hit = np.flatnonzero(items[row] == v)
        if len(hit):
            items[row, hit[0]] += step
            return
    raise ValueError("no item can move")  # (cannot happen: the total is strictly inside its range)


# --------------------------------------------------------------------------- stage 2


def _cells(df: pd.DataFrame, published: pd.DataFrame, year: int, exclude) -> list[dict]:
    """Constraints of stage 2: for each published cell of a fitted table, the 0/1 indicator of
    the organisations it counts, whether it counts innovators only, the cluster, the printed
    percentage, its tolerance, and (for a difference) the second cluster."""
    innov = df["innovated"].fillna(0).to_numpy(dtype=int) == 1
    cells = []
    rows = published[(published["year"] == year)]
    for r in rows.itertuples():
        table = table_of(r)
        if table is None or table in exclude or table == "text-2.4:shares":
            continue
        tol = reproduce.tolerance(r)
        if r.variable == "innovated":
            cells.append(dict(table=table, hit=innov, base="all", cluster=r.group, pct=float(r.value), tol=tol))
            continue
        if r.variable == "innovation_spectrum":
            types = md.spectrum(df).fillna(0).to_numpy()
            multi = types >= 2
            hit = multi if not r.item.startswith("Enkelvoudig") else types == 1
            cells.append(dict(table=table, hit=hit, base="all", cluster=r.group, pct=float(r.value), tol=tol))
            continue
        statement, _, answer = r.item.partition(" | ")
        code = md.code_of(r.variable, statement)
        column = f"{r.variable}_{code}"
        col = df[column].to_numpy(dtype="float64", na_value=np.nan)
        answers = [md.code_of("effect_answer", answer)] if r.variable == "effect" else [4, 5]
        hit = np.isin(col, answers)
        extra = dict(table=table, hit=hit & innov, base="innovators", pct=float(r.value), tol=tol,
                     column=column, answers=answers)
        if r.statistic == "pct_point_diff":
            a, b = r.group.split(" vs ")
            cells.append(dict(extra, cluster=a, minus=b))
        elif r.breakdown == "none":
            cells.append(dict(extra, cluster=ALL))
        else:
            cells.append(dict(extra, cluster=r.group))
    return cells


def plan(df: pd.DataFrame, published: pd.DataFrame, year: int, exclude=()) -> tuple[dict, dict]:
    """The organisations per cluster and the innovators per cluster the fit aims at.

    Cluster sizes within the published shares (20/60/20 of those with a climate score);
    innovators per cluster within the published innovation rate by cluster when that table is
    fitted (else within 10 of the generator's). Among these, the plan gives the most printed
    percentages of the other fitted cells a whole count within rounding (a percentage of 81
    cannot be reached with 66 organisations); ties go to the counts closest to the generator's."""
    cols = md.scale_items("climate")
    k = len(cols)
    items = df[cols].to_numpy(dtype="float64", na_value=np.nan)
    answered = ~np.isnan(items).any(axis=1)
    total = np.where(answered, np.nan_to_num(items).sum(axis=1), 0)
    cluster = np.where(answered, _cluster_of_total(total, k), 3)
    innov = df["innovated"].fillna(0).to_numpy(dtype=int) == 1
    n_scored = int(answered.sum())
    size_now = [int((cluster == j).sum()) for j in range(3)]
    innov_now = [int(((cluster == j) & innov).sum()) for j in range(3)]
    shares = published[(published["source_id"] == "text-2.4") & (published["variable"] == "climate_cluster")
                       & (published["year"] == year)].set_index("item")["value"]
    size_range = [range(*(lambda b: (b[0], b[1] + 1))(_bounds(float(shares[c]), n_scored))) for c in CLUSTERS]
    cells = _cells(df, published, year, exclude)
    rates = {cell["cluster"]: cell["pct"] for cell in cells if cell["table"] == "text-2.4:innovated"}
    n_innov = int(innov.sum())
    n_unscored = int((~answered).sum())

    def hits(cluster_name, base, kind):
        return sum(1 for cell in cells if cell["cluster"] == cluster_name and cell["base"] == kind
                   and "minus" not in cell and cell["table"] != "text-2.4:innovated"
                   and (lambda b: b[0] <= b[1])(_bounds(cell["pct"], base, cell["tol"])))

    best, best_key = None, None
    for ck in size_range[0]:
        for cb in size_range[2]:
            cg = n_scored - ck - cb
            if cg not in size_range[1]:
                continue
            sizes = (ck, cg, cb)
            options = []
            for j, c in enumerate(CLUSTERS):
                if c in rates:
                    lo, hi = _bounds(rates[c], sizes[j])
                else:
                    lo, hi = max(innov_now[j] - 10, 0), min(innov_now[j] + 10, sizes[j])
                options.append([(nc, hits(c, nc, "innovators")) for nc in range(lo, hi + 1)])
            size_hits = sum(hits(c, sizes[j], "all") for j, c in enumerate(CLUSTERS))
            for nk, hk in options[0]:
                for ng, hg in options[1]:
                    for nb, hb in options[2]:
                        if not n_innov - n_unscored <= nk + ng + nb <= n_innov:
                            continue
                        distance = (sum(abs(a - b) for a, b in zip(sizes, size_now, strict=True))
                                    + abs(nk - innov_now[0]) + abs(ng - innov_now[1]) + abs(nb - innov_now[2]))
                        key = (-(hk + hg + hb + size_hits), distance, sizes, (nk, ng, nb))
                        if best_key is None or key < best_key:
                            best, best_key = (sizes, (nk, ng, nb)), key
    if best is None:
        raise RuntimeError("no cluster sizes agree with the published shares and innovation rates")
    return dict(zip(CLUSTERS, best[0], strict=True)), dict(zip(CLUSTERS, best[1], strict=True))


def _swap_search(cells: list[dict], own_type: np.ndarray, strata: np.ndarray, innov: np.ndarray,
                 n_c: dict) -> tuple[np.ndarray, float, int]:
    """Swaps of climate bundles between two organisations of one stratum, best swap first,
    stratum after stratum, while the error falls. Error: the percentage points by which the
    cells miss their printed rounding, plus one point per innovator a cluster is away from
    the plan, plus :data:`CHANGE_COST` per organisation whose type of bundle changed.
    Deterministic (ties go to the first pair). Returns the types, the points of miss left and
    the number of sweeps."""
    typ = own_type.copy()
    hit = np.array([cell["hit"] for cell in cells], dtype=float)  # cells x organisations
    cq = np.array([CLUSTERS.index(cell["cluster"]) for cell in cells])
    cq2 = np.array([CLUSTERS.index(cell["minus"]) if "minus" in cell else -1 for cell in cells])
    on_innov = np.array([cell["base"] == "innovators" for cell in cells])
    target = np.array([cell["pct"] for cell in cells])
    tol = np.array([cell["tol"] for cell in cells]) + 1e-9
    plan_n = np.array([n_c[c] for c in CLUSTERS], dtype=float)
    innov_f = innov.astype(float)

    def state(t):
        cl = t // 2
        onehot = (cl[None, :] == np.arange(4)[:, None]).astype(float)  # 4 x n
        return hit @ onehot.T, onehot @ innov_f, onehot.sum(axis=1)  # counts (cells x 4), innovators, sizes

    def error(a1, a2, n_inn, n_all):
        """Per-cell miss for counts ``a1`` (own cluster) and ``a2`` (second cluster of a difference),
        with innovators ``n_inn`` (…, 4) and sizes ``n_all`` (4)."""
        base1 = np.where(on_innov, np.take_along_axis(n_inn, np.broadcast_to(cq, n_inn.shape[:-1] + cq.shape), -1)
                         if n_inn.ndim > 1 else n_inn[cq], n_all[cq])
        pct = 100 * a1 / np.maximum(base1, 1)
        if (cq2 >= 0).any():
            c2 = np.where(cq2 >= 0, cq2, 0)
            base2 = (np.take_along_axis(n_inn, np.broadcast_to(c2, n_inn.shape[:-1] + c2.shape), -1)
                     if n_inn.ndim > 1 else n_inn[c2])
            pct = pct - np.where(cq2 >= 0, 100 * a2 / np.maximum(base2, 1), 0)
        return np.maximum(np.abs(pct - target) - tol, 0)

    names = list(dict.fromkeys(strata))
    sweeps = 0
    while sweeps < MAX_SWEEPS:
        sweeps += 1
        improved = False
        for s in names:
            rows = np.flatnonzero(strata == s)
            if len(np.unique(typ[rows])) < 2:
                continue
            counts, n_inn, n_all = state(typ)
            a1 = counts[np.arange(len(cells)), cq]
            a2 = np.where(cq2 >= 0, counts[np.arange(len(cells)), np.maximum(cq2, 0)], 0)
            now_err = error(a1, a2, n_inn, n_all).sum() + np.abs(n_inn[:3] - plan_n).sum()
            now_changes = (typ[rows] != own_type[rows]).astype(float)
            cl = typ[rows] // 2
            h = hit[:, rows]  # cells x m
            # swap i <-> j: cell q gains ([cq == c_i] - [cq == c_j]) (h_j - h_i)
            e1 = (cq[:, None] == cl[None, :]).astype(float)  # cells x m: cell's cluster is i's
            dh = h[:, None, :] - h[:, :, None]  # [q, i, j] = h_j - h_i
            d1 = (e1[:, :, None] - e1[:, None, :]) * dh
            e2 = (cq2[:, None] == cl[None, :]).astype(float)
            d2 = (e2[:, :, None] - e2[:, None, :]) * dh
            dinn = innov_f[rows][None, :] - innov_f[rows][:, None]  # [i, j] = innov_j - innov_i
            onehot = (np.arange(4)[:, None] == cl[None, :]).astype(float)  # 4 x m
            dn = (onehot[:, :, None] - onehot[:, None, :]) * dinn[None, :, :]  # [c, i, j]
            new_inn = n_inn[:, None, None] + dn  # 4 x m x m
            err = error((a1[:, None, None] + d1).transpose(1, 2, 0), (a2[:, None, None] + d2).transpose(1, 2, 0),
                        new_inn.transpose(1, 2, 0), n_all).sum(axis=2)
            err = err + np.abs(new_inn[:3] - plan_n[:, None, None]).sum(axis=0)
            t = typ[rows]
            own = own_type[rows]
            new_changes = ((t[None, :] != own[:, None]).astype(float) + (t[:, None] != own[None, :]).astype(float)
                           - now_changes[:, None] - now_changes[None, :])
            total = err + CHANGE_COST * new_changes
            total[t[:, None] == t[None, :]] = np.inf
            flat = int(np.argmin(total))
            i, j = divmod(flat, len(rows))
            if total[i, j] < now_err - 1e-9:
                typ[rows[i]], typ[rows[j]] = typ[rows[j]], typ[rows[i]]
                improved = True
        if not improved:
            break
    counts, n_inn, n_all = state(typ)
    a1 = counts[np.arange(len(cells)), cq]
    a2 = np.where(cq2 >= 0, counts[np.arange(len(cells)), np.maximum(cq2, 0)], 0)
    return typ, float(error(a1, a2, n_inn, n_all).sum()), sweeps


def fit_assignment(df: pd.DataFrame, published: pd.DataFrame, year: int, n_c: dict,
                   exclude=()) -> tuple[pd.DataFrame, int, float, str]:
    """Stage 2 (see the module's docstring). Returns the frame, the organisations whose type
    of bundle changed, the points of miss left and the number of sweeps."""
    cols = md.scale_items("climate")
    k = len(cols)
    n = len(df)
    items = df[cols].to_numpy(dtype="float64", na_value=np.nan)
    answered = ~np.isnan(items).any(axis=1)
    total = np.where(answered, np.nan_to_num(items).sum(axis=1), 0)
    own_cluster = np.where(answered, _cluster_of_total(total, k), 3)  # 3: no score
    failed = df["failed_attempt"].fillna(0).to_numpy(dtype=int)
    own_type = own_cluster * 2 + failed  # 8 types
    strata = _strata(df)
    innov = df["innovated"].fillna(0).to_numpy(dtype=int) == 1
    cells = _cells(df, published, year, exclude)
    search = [cell for cell in cells if cell["table"] not in ANSWER_TABLES]
    new_type, slack, sweeps = _swap_search(search, own_type, strata, innov, n_c)
    status = f"{sweeps} sweeps"

    # Hand the bundles out: who keeps the type keeps the own bundle; the others' bundles go,
    # in row order, to the organisations that receive their type.
    bundle_cols = [c for c in df.columns if c.startswith(("climate_statement_", "failure_reason_"))]
    bundle_cols += list(FAILURE_COLUMNS)
    source = np.arange(n)
    for s in np.unique(strata):
        rows = np.flatnonzero(strata == s)
        for t in np.unique(own_type[rows]):
            donors = rows[(own_type[rows] == t) & (new_type[rows] != t)]
            takers = rows[(new_type[rows] == t) & (own_type[rows] != t)]
            if len(donors) != len(takers):  # (exchanges keep each stratum's bundles)
                raise RuntimeError(f"stratum {s}: {len(donors)} bundles of type {t} for {len(takers)}")
            source[takers] = donors
    out = df.copy()
    for c in bundle_cols:
        out[c] = df[c].take(source).reset_index(drop=True).set_axis(df.index)
    changed = int((new_type != own_type).sum())
    return out, changed, slack, status


def _margins(column: str) -> dict[int, float]:
    """The printed percentage of each answer to ``column`` among all innovators (Figure 2-12 or
    2-19, corrected reading)."""
    from barometer.data import published as pub

    variable, code = column.rsplit("_", 1)
    if variable == "promoting_factor":
        fig, key, answers = pub.figure_2_12(corrected=True), "factor", "promoting_factor_answer"
    else:
        fig, key, answers = pub.figure_2_19(corrected=True), "area", "effect_answer"
    label = md.options_of(variable).set_index("code").loc[int(code), "label_nl"]
    rows = fig[fig[key] == label]
    return {md.code_of(answers, a): float(v) for a, v in zip(rows["answer"], rows["pct"], strict=True)}


def fit_answers(df: pd.DataFrame, published: pd.DataFrame, year: int, exclude=()) -> tuple[pd.DataFrame, int, float]:
    """Stage 3: the answers of Figures 2-17 and B2-2 by cluster. For each factor (each effect),
    answers are exchanged between two innovators of different clusters, one whose answer
    counts (promoted; positive) in a cluster that has too many and one whose answer does not
    in a cluster that has too few, until every cluster's count lies within the printed
    rounding. An exchange keeps every answer's total (Figures 2-12 and 2-19). Of the candidates
    the exchange takes, in the cluster with too many, the innovator who gives that answer to
    the fewest other items of the battery, and in the other the one who gives it to the most,
    so that the items' relations with one another stay as the generator made them. Innovators
    without a climate score take up the difference. Returns the frame, the number of exchanges
    and the percentage points of miss left."""
    cols = md.scale_items("climate")
    k = len(cols)
    items = df[cols].to_numpy(dtype="float64", na_value=np.nan)
    answered = ~np.isnan(items).any(axis=1)
    cluster = np.where(answered, _cluster_of_total(np.nan_to_num(items).sum(axis=1), k), 3)
    innov = df["innovated"].fillna(0).to_numpy(dtype=int) == 1
    cells = [c for c in _cells(df, published, year, exclude) if c["table"] in ANSWER_TABLES]
    out = df.copy()
    exchanges, missed = 0, 0.0
    groups: dict = {}
    for cell in cells:
        groups.setdefault(cell["column"], []).append(cell)
    for column, group in groups.items():
        variable = column.rsplit("_", 1)[0]
        battery = [c for c in md.items(variable)]
        values = out[column].to_numpy(dtype="float64", na_value=np.nan)
        good = group[0]["answers"]
        is_hit = np.isin(values, good) & innov
        members = [np.flatnonzero(innov & (cluster == j)) for j in range(4)]
        base = np.array([len(m) for m in members])
        have = np.array([is_hit[m].sum() for m in members])
        plain = {CLUSTERS.index(c["cluster"]): c for c in group if "minus" not in c and c["cluster"] != ALL}
        totals = [c for c in group if c["cluster"] == ALL]
        diffs = [c for c in group if "minus" in c]
        options = []
        for j in range(3):
            if j in plain:
                lo, hi = _bounds(plain[j]["pct"], base[j], plain[j]["tol"])
                # a few counts either side, for when the printed total (Figure 2-12 or 2-19)
                # leaves no whole counts that reach every cluster's rounding
                options.append(range(max(min(lo, hi) - WIDEN, 0), min(max(lo, hi) + WIDEN, base[j]) + 1))
            else:
                options.append(range(have[j], have[j] + 1))

        # The answers' totals may move within the printed rounding of Figure 2-12 (2-19): that
        # many answers can turn from not counting to counting (up) or back (down).
        margins = _margins(column)
        n_innov = int(innov.sum())
        count = {a: int((values[innov] == a).sum()) for a in margins}
        bounds = {a: _bounds(v, n_innov) for a, v in margins.items()}
        room_in = sum(max(bounds[a][1] - count[a], 0) for a in margins if a in good)
        room_out = sum(max(bounds[a][1] - count[a], 0) for a in margins if a not in good)
        slack_in = sum(max(count[a] - bounds[a][0], 0) for a in margins if a in good)
        slack_out = sum(max(count[a] - bounds[a][0], 0) for a in margins if a not in good)
        up, down = min(room_in, slack_out), min(room_out, slack_in)
        hits_now = int(is_hit[innov].sum())
        grid = np.array(np.meshgrid(*[np.array(o) for o in options], indexing="ij")).reshape(3, -1)
        # what the innovators without a score hold: as close to the total as the total allows
        rest = np.clip(hits_now - grid.sum(axis=0), np.maximum(hits_now - down - grid.sum(axis=0), 0),
                       np.minimum(hits_now + up - grid.sum(axis=0), base[3]))
        keep = (rest >= 0) & (rest <= base[3]) & (grid.sum(axis=0) + rest >= hits_now - down) \
            & (grid.sum(axis=0) + rest <= hits_now + up)
        grid, rest = grid[:, keep], rest[keep]
        bad = np.zeros(grid.shape[1])
        for j, cell in plain.items():
            bad += np.maximum(np.abs(100 * grid[j] / max(base[j], 1) - cell["pct"]) - cell["tol"] - 1e-9, 0)
        for d in diffs:
            a, b = CLUSTERS.index(d["cluster"]), CLUSTERS.index(d["minus"])
            v = 100 * grid[a] / max(base[a], 1) - 100 * grid[b] / max(base[b], 1)
            bad += np.maximum(np.abs(v - d["pct"]) - d["tol"] - 1e-9, 0)
        for d in totals:
            v = 100 * grid.sum(axis=0) / max(base[:3].sum(), 1)
            bad += np.maximum(np.abs(v - d["pct"]) - d["tol"] - 1e-9, 0)
        distance = (np.abs(grid - have[:3, None]).sum(axis=0) + np.abs(rest - have[3])
                    + np.abs(grid.sum(axis=0) + rest - hits_now))
        best = best_key = None
        if grid.shape[1]:
            # least miss, then least change, then the smallest counts (np.lexsort: last key first)
            pick = np.lexsort((grid[2], grid[1], grid[0], distance, np.round(bad, 9)))[0]
            best = np.array([*grid[:, pick], rest[pick]])
            best_key = (float(bad[pick]),)
        if best is None:
            continue
        battery_hits = np.zeros(len(out))
        for c in battery:
            battery_hits += np.isin(out[c].to_numpy(dtype="float64", na_value=np.nan), good)
        change = int(best.sum()) - hits_now
        step = 1 if change > 0 else -1
        for _ in range(abs(change)):
            have = np.array([is_hit[m].sum() for m in members])
            sinks = [a for a in margins if (a in good) == (step > 0) and count[a] < bounds[a][1]]
            done = False
            for group_ in np.flatnonzero((have < best) if step > 0 else (have > best)):
                pool = members[group_][~is_hit[members[group_]] if step > 0 else is_hit[members[group_]]]
                # from the answer with the most slack (among the group's) to the one with most room
                sources = [a for a in margins if (a in good) != (step > 0) and count[a] > bounds[a][0]
                           and (values[pool] == a).any()]
                if not sources or not sinks:
                    continue
                src = max(sources, key=lambda a: (count[a] - bounds[a][0], -a))
                dst = max(sinks, key=lambda a: (bounds[a][1] - count[a], -a))
                cand = pool[values[pool] == src]
                i = cand[np.lexsort((cand, -battery_hits[cand] if step > 0 else battery_hits[cand]))[0]]
                values[i] = dst
                count[src] -= 1
                count[dst] += 1
                is_hit[i] = step > 0
                battery_hits[i] += step
                exchanges += 1
                done = True
                break
            if not done:
                break
        while True:
            have = np.array([is_hit[m].sum() for m in members])
            over = np.flatnonzero(have > best)
            under = np.flatnonzero(have < best)
            if not len(over) or not len(under):
                break
            giver = members[over[0]][is_hit[members[over[0]]]]
            taker = members[under[0]][~is_hit[members[under[0]]]]
            if not len(giver) or not len(taker):
                break
            i = giver[np.lexsort((giver, battery_hits[giver]))[0]]
            j = taker[np.lexsort((taker, -battery_hits[taker]))[0]]
            values[i], values[j] = values[j], values[i]
            is_hit[i], is_hit[j] = False, True
            battery_hits[i] -= 1
            battery_hits[j] += 1
            exchanges += 1
        missed += best_key[0]
        out[column] = pd.arrays.IntegerArray(np.nan_to_num(values).astype("int64"), np.isnan(values))
    return out, exchanges, missed


def fit_statements(df: pd.DataFrame, published: pd.DataFrame, year: int) -> tuple[pd.DataFrame, int]:
    """Stage 4: the shares agreeing with the preconditions statements (§2.4). Within a row, one
    item goes from 3 to 4 (it now agrees) and another down by one, so the row's total, and with it
    every mean and SD of the scale, stays exact. The other item is taken, in this order, from a 5
    (it still agrees, and the row's spread shrinks), from a 3 or a 2 (no agreement changes; the
    spread grows), or from a 4 of a statement whose share may fall (its agreement is lost; only
    while it stays within its own printed tolerance). The statement furthest below its share
    goes first; rows in their order. Returns the frame and the number of changes."""
    cols = md.items("preconditions_statement")
    rows = published[(published["source_id"] == "text-2.4") & (published["variable"] == "preconditions_statement")
                     & (published["year"] == year) & (published["statistic"] == "pct")]
    if rows.empty:
        return df, 0
    items = df[cols].to_numpy(dtype="float64", na_value=np.nan)
    answered = ~np.isnan(items).any(axis=1)
    x = np.nan_to_num(items).astype(int)
    n = int(answered.sum())
    target = {}
    for r in rows.itertuples():
        statement = r.item.partition(" | ")[0]
        j = cols.index(f"preconditions_statement_{md.code_of('preconditions_statement', statement)}")
        target[j] = _bounds(float(r.value), n, reproduce.tolerance(r))
    changes = 0
    while True:
        agree = ((x >= 4) & answered[:, None]).sum(axis=0)
        short = {j: lo - agree[j] for j, (lo, _hi) in target.items() if agree[j] < lo}
        if not short:
            break
        j = max(short, key=lambda q: (short[q], -q))
        # (row, donor): cost 0 from a 5, 1 from a 3 or 2, 2 from a 4 that may lose its agreement
        best = None
        for i in range(len(cols)):
            if i == j:
                continue
            spare = agree[i] - target[i][0] if i in target else np.inf
            for cost, values in ((0, (5,)), (1, (3, 2)), (2, (4,) if spare > 0 else ())):
                cand = np.flatnonzero(answered & (x[:, j] == 3) & np.isin(x[:, i], values))
                if len(cand) and (best is None or (cost, cand[0]) < best[0]):
                    best = ((cost, cand[0]), cand[0], i)
        if best is None:
            break
        _, r, i = best
        x[r, j] += 1
        x[r, i] -= 1
        changes += 1
    out = df.copy()
    for c_i, c in enumerate(cols):
        out[c] = pd.arrays.IntegerArray(x[:, c_i].astype("int64"), ~answered)
    return out, changes


_CACHE: dict = {}


def _published() -> pd.DataFrame:
    """The published rows as compared with microdata (read once per process; not changed)."""
    if "rows" not in _CACHE:
        _CACHE["rows"] = reproduce.comparable_published()
    return _CACHE["rows"]


def has_tables(year: int) -> bool:
    """Whether the report breaks ``year`` down by climate cluster (only 2025 does)."""
    rows = _published()
    return bool(((rows["year"] == year) & (rows["breakdown"] == "climate_cluster")).any())


def fit(df: pd.DataFrame, exclude=(), published: pd.DataFrame | None = None) -> tuple[pd.DataFrame, FitReport]:
    """Both stages on one wave (only 2025 has tables by climate cluster); ``exclude``: tables
    of :data:`TABLES` whose constraints are left out."""
    year = int(df["wave"].iloc[0])
    report = FitReport(excluded=tuple(exclude))
    unknown = set(exclude) - set(TABLES)
    if unknown:
        raise ValueError(f"no such table to leave out: {sorted(unknown)}")
    if not has_tables(year):
        return df, report
    published = _published() if published is None else published
    df = df.reset_index(drop=True)
    sizes, n_c = plan(df, published, year, exclude)
    df, report.moves, report.cluster_counts = fit_cluster_sizes(df, published, year, sizes)
    df, report.changed, report.slack_points, report.status = fit_assignment(df, published, year, n_c, exclude)
    df, report.exchanges, miss = fit_answers(df, published, year, exclude)
    report.slack_points += miss
    df, report.statement_changes = fit_statements(df, published, year)
    return df, report
