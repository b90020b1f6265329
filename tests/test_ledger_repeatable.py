"""Two builds of one own edition decide alike: the ledger's integer searches stop at a number of
nodes, not after a number of seconds (a busy machine once made two builds hide 52 and 177
counts), and a search that the safety clock stopped is reported, not hidden."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import highspy
import pytest

from barometer.disclosure import lp
from barometer.disclosure.rules import Rules

# A file with small groups and published numbers that need a secondary suppression and integer
# searches to find it (one draw of test_ledger's generator).
DATA = [(2025, "A", "Klein", 1.0, 1.0), (2021, "B", "Klein", None, 1.0), (2021, "B", "Groot", 0.0, 0.0),
        (2025, "B", "Groot", 1.0, 0.0), (2025, "C", "Groot", 0.0, 0.0), (2021, "B", "Groot", 1.0, 0.0),
        (2025, "A", "Groot", None, 0.0), (2025, "A", "Groot", 1.0, 0.0), (2021, "A", "Groot", None, 1.0),
        (2021, "A", "Klein", None, 0.0), (2021, "C", "Groot", 1.0, 0.0), (2021, "A", "Klein", 0.0, 1.0),
        (2021, "A", "Groot", None, 1.0), (2021, "B", "Groot", None, 1.0), (2021, "B", "Klein", 0.0, 0.0),
        (2025, "B", "Groot", 1.0, 0.0), (2025, "A", "Groot", 1.0, 1.0), (2021, "B", "Groot", 1.0, 1.0),
        (2025, "A", "Groot", 0.0, 1.0), (2021, "A", "Klein", None, 0.0), (2021, "A", "Groot", 0.0, 1.0),
        (2021, "A", "Groot", 0.0, 0.0)]
REQUESTS = [("count", 13, 10), ("share", 44, 11), ("share", 1, 7), ("share", 83, 8), ("count", 13, 1),
            ("count", 25, 1), ("share", 10, 10), ("share", 3, 3), ("count", 91, 7), ("count", 15, 8),
            ("count", 41, 11), ("share", 95, 9)]


def solve():
    from test_ledger import frame, publish

    outcome, _ = publish(frame(DATA), REQUESTS, Rules())
    return outcome


@pytest.fixture
def options(monkeypatch):
    """Every option value any HiGHS instance is given, serially (no forked workers to lose them)."""
    seen: list[tuple[str, object]] = []
    original = highspy._Highs.setOptionValue

    def record(self, name, value):
        seen.append((name, value))
        return original(self, name, value)

    monkeypatch.setattr(highspy._Highs, "setOptionValue", record)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    return seen


def test_no_integer_search_gets_a_budget_in_seconds(options):
    outcome = solve()
    assert outcome.secondary > 0, "the fixture must make the ledger search (else the check is empty)"
    limits = [v for name, v in options if name == "time_limit"]
    assert limits, "no integer search ran"
    assert min(limits) >= lp.SAFETY_SECONDS, f"a search got a budget in seconds: {sorted(set(limits))}"
    nodes = [v for name, v in options if name == "mip_max_nodes"]
    assert nodes and set(nodes) == {lp.NODE_LIMIT}


def test_a_search_stopped_by_the_clock_is_counted():
    """A market-split programme (hard for branch and bound) with a clock far too short."""
    import numpy as np

    rng = np.random.default_rng(0)
    a = rng.integers(0, 100, (4, 40))
    b = a.sum(axis=1) // 2
    before = lp.clock_stops()
    assert lp.whole_solution([(a, b, b)], 40, time_limit=1e-9)[0] is None  # no answer: the caller errs safe
    assert lp.clock_stops() == before + 1


def test_the_ledger_reports_clock_stops_and_the_report_says_what_they_mean(monkeypatch):
    """Every search counted as stopped by the clock: the outcome carries the count, and the
    output-checking report says that another build may decide otherwise."""
    from barometer.disclosure import report

    original = lp._ran

    def stopped(h):
        original(h)
        lp._clock_stops += 1

    monkeypatch.setattr(lp, "_ran", stopped)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    outcome = solve()
    assert outcome.clock_stops > 0
    text = report._repeatability({"clock_stops": outcome.clock_stops, "node_limit": lp.NODE_LIMIT})
    assert "stopped by the safety clock" in text
    assert "decides every value the same way" in report._repeatability({"clock_stops": 0, "node_limit": 1})


def test_the_same_decisions_whatever_the_hash_seed_and_the_cores(tmp_path):
    """Sets of strings iterate in an order that changes with PYTHONHASHSEED, and the work is shared
    over the cores: neither may change what is released."""
    script = textwrap.dedent(f"""
        import json, os, sys
        sys.path.insert(0, {str(os.path.dirname(__file__))!r})
        if os.environ.get("ONE_CORE"):
            os.cpu_count = lambda: 1
        from test_ledger_repeatable import solve
        out = solve()
        print(json.dumps({{u: [d.status, d.rule] for u, d in out.decisions.items()}}, sort_keys=True))
    """)
    runs = []
    for seed, one_core in (("1", ""), ("2", ""), ("3", "1")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "ONE_CORE": one_core}
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert any(d[0] != "released" for d in runs[0].values()), "the fixture must hide something"
    assert runs[0] == runs[1] == runs[2]


def _sizes(local, indices):
    """A batch's work for the test below (module level: the forked workers unpickle it by name)."""
    return [len(local) * i for i in indices]


def test_the_order_in_which_batches_start_never_changes_the_order_of_their_results(monkeypatch):
    """The ledger starts its hardest neighbourhoods first (see Ledger._hardest_first); the
    results, and the order in which they are merged, stay those of the batches."""
    from types import SimpleNamespace

    from barometer.disclosure.ledger import Ledger

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    batches = [(frozenset(range(k)), [k, k + 1]) for k in range(6)]
    expected = [_sizes(*b) for b in batches]
    assert Ledger._run(_sizes, batches, ()) == expected
    assert Ledger._run(_sizes, batches, (), order=list(reversed(range(6)))) == expected
    # the models that hold a tally (coefficients up to 4) first, the most tallies first
    ledger = SimpleNamespace(tallies=[(("a", 1.0), ("b", -2.0)), ((3, 1.0), (4, -3.0))])
    order = Ledger._hardest_first(ledger, [(frozenset({"a"}), [0]), (frozenset({"a", "b", 3, 4}), [1]),
                                           (frozenset({"a", "b"}), [2]), (frozenset(), [3])])
    assert order == [1, 2, 0, 3]
