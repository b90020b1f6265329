"""The edition ledger against an independent attacker (property-based).

Hypothesis draws small microdata files (groups of one to a few organisations included) and a
random set of published numbers: counts and shares of a few answers, by wave, sector, size class,
both or none. The ledger decides what is released. Then an attacker that knows nothing of the
ledger's model tries to break it: its unknowns are the numbers of organisations of every *type*
(every combination of wave, sector, size class and answers, present in the file or not), it
knows every released count exactly and that the unknowns are whole and non-negative, and it
solves integer programmes (``scipy.optimize.milp``) for every count the ledger hid. A hidden
disclosive count must keep another possible value outside 1 … min_cell − 1 (a hidden zero: any
other value), and no released count may be disclosive.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize

from barometer.disclosure.builders import Builder
from barometer.disclosure.ledger import Ledger
from barometer.disclosure.rules import RELEASED, Rules

WAVES, SECTORS, SIZES = (2021, 2025), ("A", "B", "C"), ("Klein", "Groot")
X = (0.0, 1.0, None)  # an answer that may be missing
Y = (0.0, 1.0)
TYPES = list(itertools.product(WAVES, SECTORS, SIZES, X, Y))

#: Measures by name: how the builder makes each, and the same property as a predicate on a type.
MEASURES = {
    "everyone": (lambda b: b.everyone(), lambda t: True),
    "x answered": (lambda b: b.where("x"), lambda t: t[3] is not None),
    "x = 1": (lambda b: b.where("x", 1), lambda t: t[3] == 1.0),
    "y = 1": (lambda b: b.where("y", 1), lambda t: t[4] == 1.0),
}
#: Shares: (base, hit) by measure name.
SHARES = [("x answered", "x = 1"), ("everyone", "y = 1"), ("everyone", "x = 1")]
GROUPS = [{}, {"wave": 2025}, {"wave": 2021}, {"sector": "A"}, {"sector": "B"}, {"wave": 2025, "sector": "A"},
          {"wave": 2025, "sector": "B"}, {"wave": 2025, "sector": "C"}, {"wave": 2021, "sector": "A"},
          {"sector": ["B", "C"]}, {"wave": 2025, "size_class": "Groot"}, {"wave": 2025, "sector": "A", "size_class": "Klein"}]


def in_group(t, group) -> bool:
    values = {"wave": t[0], "sector": t[1], "size_class": t[2]}
    for attr, v in group.items():
        allowed = v if isinstance(v, list) else [v]
        if values[attr] not in allowed:
            return False
    return True


rows = st.tuples(st.sampled_from(WAVES), st.sampled_from(SECTORS + ("A",) * 4 + ("B",) * 2),
                 st.sampled_from(SIZES), st.sampled_from(X), st.sampled_from(Y))
requests = st.lists(st.tuples(st.sampled_from(["count", "share"]), st.integers(0, 99), st.sampled_from(range(len(GROUPS)))),
                    min_size=3, max_size=14)


def frame(data) -> pd.DataFrame:
    df = pd.DataFrame(data, columns=["wave", "sector", "size_class", "x", "y"])
    df["national_government_type"] = "Niet nationaal"
    df["x"] = df["x"].astype("float")
    return df


def publish(df, reqs, rules):
    # A count in a group without any organisation is zero by the file's make-up (who took part,
    # not what anyone answered): not disclosive, like a group size of zero.
    """The ledger's decisions for a set of requested numbers, with each value's cells described
    as predicates on types (for the attacker)."""
    b = Builder(df)
    made = {name: make(b) for name, (make, _) in MEASURES.items()}
    pred = {name: p for name, (_, p) in MEASURES.items()}
    values, cells = {}, {}
    for i, (kind, pick, g) in enumerate(reqs):
        group = GROUPS[g]
        uid = f"v{i}"
        empty = b.count(made["everyone"], **group).value == 0
        if kind == "count":
            name = list(MEASURES)[pick % len(MEASURES)]
            values[uid] = b.count(made[name], **group)
            cells[uid] = [(lambda t, p=pred[name], g=group: p(t) and in_group(t, g), values[uid].cells[0].n,
                           name == "everyone" or empty)]
        else:
            base, hit = SHARES[pick % len(SHARES)]
            values[uid] = b.share(made[base], made[hit], **group)
            pb, ph = pred[base], pred[hit]
            n_hit, n_base, n_rest = (c.n for c in values[uid].cells)
            cells[uid] = [(lambda t, pb=pb, ph=ph, g=group: pb(t) and ph(t) and in_group(t, g), n_hit, empty),
                          (lambda t, pb=pb, g=group: pb(t) and in_group(t, g), n_base, base == "everyone" or empty),
                          (lambda t, pb=pb, ph=ph, g=group: pb(t) and not ph(t) and in_group(t, g), n_rest, empty)]
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, rules, b.pop.subsets)
    for uid, v in values.items():
        ledger.add(uid, v)
    return ledger.solve(), cells


def attacker_range_allows(released, target, value, rules) -> bool:
    """Whether an attacker over types finds the target able to take a value that is not
    disclosive: >= min_cell or 0 for a small count, anything else for a zero."""
    a_eq, b_eq = [], []
    for p, n in released:
        a_eq.append([1.0 if p(t) else 0.0 for t in TYPES])
        b_eq.append(n)
    row = np.array([1.0 if target(t) else 0.0 for t in TYPES])
    if not row.any():
        return True  # an empty group: nothing to disclose
    tries = [(1, np.inf)] if value == 0 else [(rules.min_cell, np.inf), (-np.inf, 0)]
    for lo, hi in tries:
        cons = [optimize.LinearConstraint(row.reshape(1, -1), lo, hi)]
        if a_eq:
            cons.append(optimize.LinearConstraint(np.array(a_eq), b_eq, b_eq))
        res = optimize.milp(np.zeros(len(TYPES)), constraints=cons, integrality=np.ones(len(TYPES)),
                            bounds=optimize.Bounds(0, np.inf))
        if res.status == 0:
            return True
    return False


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.lists(rows, min_size=4, max_size=40), reqs=requests, min_cell=st.sampled_from([3, 5]))
def test_no_hidden_count_can_be_pinned_by_an_integer_attacker(data, reqs, min_cell):
    rules = Rules(min_cell=min_cell)
    outcome, cells = publish(frame(data), reqs, rules)
    released = [(p, n) for uid, cs in cells.items() if outcome.decisions[uid].status == RELEASED for p, n, _ in cs]
    for uid, cs in cells.items():
        for p, n, design in cs:
            if not rules.sensitive(n, design):
                continue
            if outcome.decisions[uid].status == RELEASED:
                pytest.fail(f"{uid}: a disclosive count ({n}) was released")
            assert attacker_range_allows(released, p, n, rules), \
                f"{uid}: a hidden count of {n} is pinned down by the released numbers"


def test_the_attacker_of_the_test_finds_the_classic_differencing():
    """The check can fail: with the ledger's decisions ignored (everything not primary-suppressed
    released), a total minus the other sectors gives a small sector away."""
    data = [(2025, "A", "Klein", 1.0, 1.0)] * 2 + [(2025, "B", "Klein", 1.0, 0.0)] * 6 + \
           [(2025, "C", "Groot", 0.0, 0.0)] * 7
    df = frame(data)
    b = Builder(df)
    every = b.everyone()
    values = {s: b.count(every, wave=2025, sector=s) for s in SECTORS} | {"total": b.count(every, wave=2025)}
    rules = Rules(min_cell=5)
    released = [(lambda t, s=s: t[0] == 2025 and t[1] == s, values[s].value) for s in ("B", "C")]
    released.append((lambda t: t[0] == 2025, values["total"].value))
    assert not attacker_range_allows(released, lambda t: t[0] == 2025 and t[1] == "A", 2, rules)
    # and the ledger hides one more sector so that it cannot
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, rules, b.pop.subsets)
    for k, v in values.items():
        ledger.add(k, v)
    outcome = ledger.solve()
    assert outcome.decisions["A"].status != RELEASED
    assert sum(outcome.decisions[k].status != RELEASED for k in ("B", "C", "total")) >= 1


@pytest.mark.parametrize("min_cell", [3, 5, 10])
def test_the_threshold_boundary(min_cell):
    """A count equal to min_cell is shown; one below it is not (turning < into <= fails this)."""
    rules = Rules(min_cell=min_cell)
    assert not rules.sensitive(min_cell)
    assert rules.sensitive(min_cell - 1) if min_cell > 1 else True
    data = [(2025, "A", "Klein", 1.0, 1.0)] * min_cell + [(2025, "B", "Klein", 1.0, 1.0)] * (min_cell - 1) + \
           [(2025, "C", "Klein", 1.0, 1.0)] * (3 * min_cell)
    b = Builder(frame(data))
    every = b.everyone()
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, rules, b.pop.subsets)
    ledger.add("at", b.count(every, sector="A"))
    ledger.add("below", b.count(every, sector="B"))
    outcome = ledger.solve()
    assert outcome.decisions["at"].status == RELEASED
    assert outcome.decisions["below"].status != RELEASED


def _solve(b, rules, values):
    """The ledger's decisions on ``values`` (made with ``b`` before the ledger reads its measures)."""
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, rules, b.pop.subsets,
                    b.pop.tallies)
    for uid, v in values.items():
        ledger.add(uid, v)
    return ledger.solve()


def test_a_total_of_those_who_answered_is_the_total_of_those_asked():
    """The red team's first recipe: a sector's size minus another table's total of innovators who
    answered a question (everyone answered it) gives the one non-innovator that the rate table
    hides. The ledger credits the attacker with "answered" = "asked" where the rows agree, so it
    must not release both counts."""
    data = [(2025, "A", "Klein", 1.0, 1.0)] * 5 + [(2025, "A", "Klein", None, 0.0)] + \
           [(2025, "B", "Klein", 1.0, 1.0)] * 6 + [(2025, "B", "Klein", None, 0.0)] * 6
    b = Builder(frame(data))
    innovators = b.where("y", 1)  # (y plays "innovated"; x is asked of innovators only)
    rules = Rules(min_cell=5)
    outcome = _solve(b, rules, {"size": b.count(b.everyone(), sector="A"),
                                "rate": b.share(b.everyone(), innovators, sector="A"),
                                "answered": b.count(innovators & b.where("x"), sector="A")})
    assert outcome.decisions["rate"].status != RELEASED  # primary: one non-innovator
    assert outcome.decisions["size"].status != RELEASED or outcome.decisions["answered"].status != RELEASED


def test_an_answer_everyone_gave_is_not_credited_as_known():
    """Only who answered is linked by rows, never what anyone answered: that every innovator said
    yes (x = 0 is empty) stays protected in a group (the zero is hidden, not structural)."""
    data = [(2025, "A", "Klein", 1.0, 1.0)] * 6 + [(2025, "B", "Klein", 1.0, 1.0)] * 7
    b = Builder(frame(data))
    rules = Rules(min_cell=5)
    answered = b.where("x")
    outcome = _solve(b, rules, {"yes": b.share(answered, b.where("x", 1), sector="A"),
                                "no": b.count(answered & b.where("x", 0), sector="A")})
    assert outcome.structural_zeros == 0
    assert outcome.decisions["no"].status != RELEASED and outcome.decisions["yes"].status != RELEASED



def test_the_reports_percentage_beside_an_exact_base_is_known_to_the_attacker():
    """The red team's last recipe: the report prints 15% for a group, the edition prints the
    group's exact base (13), so the count (2) follows although the edition hides it. The ledger
    takes the report's printed percentages as known and hides the base."""
    from barometer.disclosure.values import difference, fixed

    data = [(2025, "A", "Klein", 1.0, 1.0)] * 2 + [(2025, "A", "Klein", 0.0, 1.0)] * 11 + \
           [(2025, "B", "Klein", 1.0, 1.0)] * 9 + [(2025, "B", "Klein", 0.0, 1.0)] * 11
    b = Builder(frame(data))
    base, named = b.where("x"), b.where("x", 1)
    share = b.share(base, named, sector="A")
    report = fixed(15.0)  # 2 of 13 is 15.4%: printed as 15
    values = {"n": b.count(base, sector="A"), "share": share, "difference": difference(share, report)}
    outcome = _solve(b, Rules(min_cell=5), values)
    assert outcome.decisions["share"].status != RELEASED  # primary: 2 named
    assert outcome.decisions["n"].status != RELEASED  # 15% of 13 is 2: the base must go
    # without the report's number the base alone tells nothing about the count
    plain = _solve(b, Rules(min_cell=5), {"n": b.count(base, sector="A"), "share": share})
    assert plain.decisions["n"].status == RELEASED


def test_one_group_under_two_definitions_is_one_group_to_the_attacker():
    """The third attack's recipe: chapters defined the same organisations under different names
    ("has a climate_scale" beside "climate_scale answered", "climate cluster Krachtig" beside
    "climate_cluster = Krachtig"), and a reader who adds up across their tables recovers what
    each table hides. Here a sector's size (6) and its innovators under another name (5) give
    the one non-innovator that the rate table hides."""
    data = [(2025, "A", "Klein", 1.0, 1.0)] * 5 + [(2025, "A", "Klein", 1.0, 0.0)] + \
           [(2025, "B", "Klein", 1.0, 1.0)] * 6 + [(2025, "B", "Klein", 1.0, 0.0)] * 6
    df = frame(data)
    b = Builder(df)
    innovators = b.where("y", 1)
    renamed = b.where(df["y"].rename("innovated (the other chapter's series)"), 1)
    assert renamed.id != innovators.id  # two definitions
    rules = Rules(min_cell=5)
    values = {"size": b.count(b.everyone(), sector="A"), "rate": b.share(b.everyone(), innovators, sector="A"),
              "renamed": b.count(renamed, sector="A")}
    outcome = _solve(b, rules, values)
    assert outcome.decisions["rate"].status != RELEASED  # primary: one non-innovator
    assert outcome.decisions["size"].status != RELEASED or outcome.decisions["renamed"].status != RELEASED


def test_a_coincidence_of_two_definitions_never_makes_a_zero_structural():
    """Everyone who answered x said 1, in the whole file: "x answered" and "x = 1" hold the same
    organisations. Credited as one group, the "no" answers would be empty by the relations alone
    (structural, so not protected), which is the finding the zeros rule protects. The zero of
    sector A stays protected: the answered total and the yes count are not both released."""
    data = [(2025, "A", "Klein", 1.0, 1.0)] * 6 + [(2025, "B", "Klein", 1.0, 1.0)] * 7
    b = Builder(frame(data))
    answered, yes = b.where("x"), b.where("x", 1)
    outcome = _solve(b, Rules(min_cell=5), {"answered": b.count(answered, sector="A"), "yes": b.count(yes, sector="A"),
                                            "share": b.share(answered, yes, sector="A")})
    assert outcome.structural_zeros == 0
    assert outcome.decisions["share"].status != RELEASED  # rests on the zero of "no"
    assert outcome.decisions["answered"].status != RELEASED or outcome.decisions["yes"].status != RELEASED


def test_the_types_named_add_up_to_the_innovators_by_number_of_types():
    """The third attack's weighted sum: the types named add up to the innovators with k types,
    times k. With every type count but one and the distribution of the number of types
    published, the hidden type (3 organisations) follows; the ledger must hide one more."""
    from barometer.data import codebook as md

    sets = [{1}] * 5 + [{2}] * 5 + [{3}] * 5 + [{1, 4}] * 3 + [{2, 3}] * 2 + [{1, 2, 3}] * 5
    df = pd.DataFrame({"wave": 2025, "sector": "A", "size_class": "Klein", "national_government_type": "Niet nationaal",
                       "innovated": 1, **{f"innovation_type_{t}": [int(t in s) for s in sets] for t in range(1, 5)}})
    df = pd.concat([df, df.assign(sector="B")], ignore_index=True)
    b = Builder(df)
    innovators = b.where("innovated", 1)
    types = md.spectrum(df).rename("number of types")
    values = {f"type {t}": b.count(innovators & b.where(f"innovation_type_{t}", 1), sector="A") for t in range(1, 5)}
    values |= {f"{k} types": b.count(innovators & b.where(types, k), sector="A") for k in (1, 2, 3)}
    assert values["type 4"].cells[0].n == 3
    outcome = _solve(b, Rules(min_cell=5), values)
    assert outcome.decisions["type 4"].status != RELEASED
    assert any(outcome.decisions[k].status != RELEASED for k in values if k != "type 4")


def test_the_cheapest_plan_leaves_a_point_the_attacker_cannot_rule_out():
    """The plan for a pinned cell (the total minus two sectors gives the third away) names
    counts to hide and a whole point: with those counts hidden the point meets everything the
    attacker knows and puts the cell out of its range; with them released it does not (so the
    point is no proof by itself), and the ledger's own check agrees."""
    from barometer.disclosure.ledger import _CoverModel

    data = [(2025, "A", "Klein", 1.0, 1.0)] * 2 + [(2025, "B", "Klein", 1.0, 0.0)] * 6 + \
           [(2025, "C", "Groot", 0.0, 0.0)] * 7
    b = Builder(frame(data))
    every = b.everyone()
    values = {s: b.count(every, wave=2025, sector=s) for s in SECTORS} | {"total": b.count(every, wave=2025)}
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, Rules(min_cell=5),
                    b.pop.subsets)
    for k, v in values.items():
        ledger.add(k, v)
    cells, holders, _ = ledger._cells()
    ledger.holder_count = {k: len(v) for k, v in holders.items()}
    target = ledger.canonical(values["A"].cells[0])
    released = {ledger.canonical(values[k].cells[0]).key for k in ("B", "C", "total")}
    model = _CoverModel(ledger, ledger.local_measures(target.measure), cells)
    assert not model.check(target, released, 10.0)[0]
    plan, witness, _ = model.plan(target, released, 10.0)
    assert plan and set(plan) <= released
    assert witness is not None
    assert not model.witnessed(target, released, [witness])
    assert model.witnessed(target, released - set(plan), [witness])
    assert model.check(target, released - set(plan), 10.0)[0]
    # one count is enough here (the others may stay), and a point off a kept count is refused
    kept = released - set(plan)
    assert len(plan) == 1 and len(kept) == 2
    assert not model.witnessed(target, kept, [witness + 1])


def _three_sectors_model():
    """A model in which the total minus two sectors gives the third (2 organisations) away."""
    from barometer.disclosure.ledger import _CoverModel

    data = [(2025, "A", "Klein", 1.0, 1.0)] * 2 + [(2025, "B", "Klein", 1.0, 0.0)] * 6 + \
           [(2025, "C", "Groot", 0.0, 0.0)] * 7
    b = Builder(frame(data))
    every = b.everyone()
    values = {s: b.count(every, wave=2025, sector=s) for s in SECTORS} | {"total": b.count(every, wave=2025)}
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, Rules(min_cell=5),
                    b.pop.subsets)
    for k, v in values.items():
        ledger.add(k, v)
    cells, _, _ = ledger._cells()
    target = ledger.canonical(values["A"].cells[0])
    keys = {k: ledger.canonical(values[k].cells[0]).key for k in ("B", "C", "total")}

    def model():
        return _CoverModel(ledger, ledger.local_measures(target.measure), cells)
    return model, target, keys


def test_a_whole_point_found_before_answers_a_search_only_where_it_meets_every_released_count(monkeypatch):
    """The integer searches reuse the whole points found before in the same model (and the
    answers of the same search asked before). A point found with a count hidden must not answer
    the question with that count released (the cell is pinned then: total minus B minus C), and a
    pinned cell's search is run, not answered from memory of another question."""
    from barometer.disclosure import ledger as ledger_module

    model, target, keys = _three_sectors_model()
    released = set(keys.values())
    lo, hi = -np.inf, 0.0  # (the cell down to zero)
    first = model()
    t = first.row_of(target)
    found, x = first._whole_solution(t, lo, hi, released - {keys["B"]}, 10.0)
    assert found and t @ x == 0
    searches = []
    real = ledger_module.whole_solution

    def counted(*args, **kwargs):
        searches.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger_module, "whole_solution", counted)
    second = model()
    second._found.append(x)
    # with every count released the point breaks B's count: the search runs, and finds nothing
    assert second._whole_solution(t, lo, hi, released, 10.0)[0] is False
    assert len(searches) == 1
    # the same question again: the same answer, no second search
    assert second._whole_solution(t, lo, hi, released, 10.0)[0] is False
    assert len(searches) == 1
    # with B hidden the point meets everything: it answers, no search
    found, again = second._whole_solution(t, lo, hi, released - {keys["B"]}, 10.0)
    assert found and np.array_equal(again, x) and len(searches) == 1
    # and a point that puts the cell elsewhere does not answer for this range
    assert second._whole_solution(t, 5.0, np.inf, released - {keys["B"]}, 10.0)[0]
    assert len(searches) == 2
    assert not second.witnessed(target, released, [x]) and second.witnessed(target, released - {keys["B"]}, [x])


def test_a_count_the_report_pins_is_not_given_again_by_two_of_the_editions_counts():
    """The report prints a sector's 3 organisations: the edition cannot take that back, but it
    must not let its own total minus its other sector say it again to someone who reads only
    the edition (before, such a cell was left alone, and the attack suite's differencing of
    two waves found it)."""
    from barometer.disclosure.values import fixed, printed

    data = [(2025, "A", "Klein", 1.0, 1.0)] * 3 + [(2025, "B", "Klein", 1.0, 0.0)] * 8
    b = Builder(frame(data))
    every = b.everyone()
    a = b.count(every, wave=2025, sector="A")
    values = {"A": a, "B": b.count(every, wave=2025, sector="B"), "total": b.count(every, wave=2025),
              "report": printed(fixed(3.0), a)}
    outcome = _solve(b, Rules(min_cell=5), values)
    assert outcome.decisions["A"].status != RELEASED
    assert outcome.public_known == 1  # the report pins it
    assert sum(outcome.decisions[k].status != RELEASED for k in ("B", "total")) == 1


@pytest.mark.parametrize("families", [True, False])
def test_a_hubs_total_that_its_released_parts_give_is_known_to_every_model(families, monkeypatch):
    """The routing table's "asked" and "not asked" of a question add up to the wave's
    respondents. Everyone is a hub (in a partition for every question), and a model holds a
    hub's partitions only where they touch what it holds. Sector A has 6 organisations (never
    shown), 5 of them with y = 1 (shown): its one y = 0 is A's size minus 5, and A's size is the
    total (asked + not asked) minus B and C, as a red team found. With the sums of hub
    partitions (Ledger._families) one of those counts is hidden; without them (the check that
    this test can fail), all stay released."""
    data = [(2025, "A", "Klein", 1.0, 1.0)] * 5 + [(2025, "A", "Klein", 0.0, 0.0)] + \
           [(2025, "B", "Klein", 0.0, 1.0)] * 6 + [(2025, "C", "Groot", 1.0, 0.0)] * 7
    b = Builder(frame(data))
    every = b.everyone()
    parts = b.split(every, {"asked": b.where("x", 1)})
    values = {s: b.count(every, wave=2025, sector=s) for s in ("B", "C")}  # (A's size is never shown)
    ys = b.split(every, {"y = 1": b.where("y", 1), "y = 0": b.where("y", 0)})
    values |= {f"{y} {s}": b.count(ys[y], wave=2025, sector=s) for s in ("A", "B", "C") for y in ("y = 1", "y = 0")}
    values |= {"asked": b.count(parts["(all parts)"], wave=2025), "not asked": b.count(parts["(rest)"], wave=2025)}
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, Rules(min_cell=5),
                    b.pop.subsets)
    ledger.HUB = 0  # (everyone is a hub here: its partitions stay out of models that do not touch them)
    if not families:
        monkeypatch.setattr(Ledger, "_families", lambda self, cells: [])
    for k, v in values.items():
        ledger.add(k, v)
    out = ledger.solve()
    released = {k for k in values if out.status(k) == RELEASED}
    assert "y = 0 A" not in released  # (the one y = 0 of A)
    assert ({"B", "C", "asked", "not asked", "y = 1 A"} <= released) is not families, released


@pytest.mark.parametrize("links", [True, False])
def test_two_measures_equal_within_one_wave_are_one_group_there(links):
    """A 2025 model's sample ("complete on x") holds the same organisations as "x answered" in
    2025, but not in 2021, where the model has none: a reader who sees the model's n beside the
    answered by sector takes the hidden sector as the difference (a second red team did). With
    the links within one wave (Ledger._wave_synonyms) a count is hidden; without them (the check
    that this test can fail), everything but the small cell stays released."""
    data = [(2021, "A", "Klein", 1.0, 0.0)] * 2 + [(2021, "B", "Klein", 1.0, 0.0)] * 3 + \
           [(2025, "A", "Klein", 1.0, 0.0)] + [(2025, "B", "Klein", 0.0, 0.0)] * 6 + \
           [(2025, "C", "Groot", 1.0, 0.0)] * 7
    df = frame(data)
    b = Builder(df)
    answered = b.where("x")
    model = b.where(df["x"].where(df["wave"] == 2025), name="complete on x (a 2025 model)")
    values = {s: b.count(answered, wave=2025, sector=s) for s in ("A", "B", "C")}  # (A's 1: suppressed)
    values["model n"] = b.count(model, wave=2025)
    values["answered 2021"] = b.count(answered, wave=2021)
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, Rules(min_cell=5),
                    b.pop.subsets)
    if not links:
        ledger.wave_synonyms, ledger.wave_equal = [], {}
    for k, v in values.items():
        ledger.add(k, v)
    out = ledger.solve()
    released = {k for k in values if out.status(k) == RELEASED}
    assert "A" not in released
    assert ({"B", "C", "model n"} <= released) is not links, released


@pytest.mark.parametrize("skipped", [True, False])
def test_a_groups_size_minus_those_who_answered_is_a_count_the_check_protects(skipped, monkeypatch):
    """A sector's size and its respondents to a question, both published, give how many of the
    sector skipped it (a second red team read 1 to 4 skipped in many sectors this way). With
    Ledger._skipped that difference is a count the check protects (one of the two is hidden);
    without it (the check that this test can fail), both stay released."""
    data = [(2025, "A", "Klein", 1.0, 0.0)] * 7 + [(2025, "A", "Klein", None, 0.0)] * 2 + \
           [(2025, "B", "Groot", 1.0, 0.0)] * 8
    b = Builder(frame(data))
    every = b.everyone()
    values = {"size A": b.count(every, wave=2025, sector="A"), "answered A": b.count(b.where("x"), wave=2025, sector="A"),
              "size B": b.count(every, wave=2025, sector="B")}
    ledger = Ledger(b.pop.boxes, b.pop.box_of_row, b.pop.measures, b.pop.partitions, Rules(min_cell=5),
                    b.pop.subsets)
    if not skipped:
        monkeypatch.setattr(Ledger, "_skipped", lambda self, cells: None)
    for k, v in values.items():
        ledger.add(k, v)
    out = ledger.solve()
    released = {k for k in values if out.status(k) == RELEASED}
    assert ({"size A", "answered A"} <= released) is not skipped, released
