"""The output-checking report of an own-data edition, for the output checker who signs it off.

It lists every value the edition's microdata part publishes, one row each: the chapter and
output it belongs to, its kind, what it is, the counts it rests on, the rule applied and its
status (released / suppressed / withheld). It is written to the edition's private folder in
three forms:

* ``results.json``: laid out like ACRO's (``{"version": ..., "results": {uid: {...}}}``, a status
  of ``pass`` / ``fail`` per output and the rule per cell), so that tools made for ACRO's output
  can read it;
* ``outputs.csv``: one row per value, for a spreadsheet;
* ``report.html``: the same as a page, with a summary per chapter and per rule.

Nothing in this folder may be published: it holds the suppressed values too.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from barometer import __version__
from barometer.disclosure.ledger import Outcome
from barometer.disclosure.lp import NODE_LIMIT
from barometer.disclosure.rules import ACRO_STATUS, MICRODATA, RELEASED, SUPPRESSED, WITHHELD, Rules
from barometer.disclosure.values import Value


def rows(records: dict[str, dict], outcome: Outcome) -> pd.DataFrame:
    out = []
    for slug, rec in records.items():
        for o in rec["outputs"]:
            if o.phase != MICRODATA:
                continue
            entries = list(o.entries())
            if o.uid in outcome.decisions and o.uid not in dict(entries):
                d = outcome.decisions[o.uid]
                out.append({"chapter": slug, "output": o.uid, "output_kind": o.kind, "value": o.uid,
                            "kind": "figure", "what": o.name, "rests_on": "", "smallest_count": None,
                            "status": d.status, "rule": d.rule, "detail": d.detail, "shown": ""})
            for uid, v in entries:
                d = outcome.decisions[uid]
                out.append({"chapter": slug, "output": o.uid, "output_kind": o.kind, "value": uid,
                            "kind": v.kind, "what": v.what, "rests_on": _bases(v),
                            "smallest_count": min([c.n for c in v.cells] + [n for _, n in v.checks], default=None),
                            "status": d.status, "rule": d.rule, "detail": d.detail,
                            "shown": _plain_text(v)})
    return pd.DataFrame(out, columns=["chapter", "output", "output_kind", "value", "kind", "what", "rests_on",
                                      "smallest_count", "status", "rule", "detail", "shown"])


def _bases(v: Value) -> str:
    parts = [f"{c.label} (n={c.n})" for c in v.cells] + [f"{label} (n={n})" for label, n in v.checks]
    return "; ".join(parts)


def _plain_text(v: Value) -> str:
    try:
        return v.text()
    except Exception:  # noqa: BLE001 - a report row never fails the build
        return repr(v.value)


def write(folder: Path, records: dict[str, dict], outcome: Outcome, rules: Rules, *,
          source_name: str, parameters: dict) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    table = rows(records, outcome)
    files = {"csv": folder / "outputs.csv", "json": folder / "results.json", "html": folder / "report.html"}
    table.to_csv(files["csv"], index=False, lineterminator="\n")
    results = {}
    for output, g in table.groupby("output", sort=False):
        statuses = set(g["status"])
        status = "fail" if statuses == {WITHHELD} else "review" if WITHHELD in statuses else "pass"
        cells = defaultdict(list)
        for r in g.itertuples():
            if r.status != RELEASED:
                cells[r.rule].append(r.value)
        results[output] = {
            "uid": output, "status": status, "type": g["output_kind"].iloc[0],
            "properties": {"chapter": g["chapter"].iloc[0]},
            "sdc": {"summary": {"suppressed": bool((g["status"] != RELEASED).any()),
                                **Counter(g.loc[g["status"] != RELEASED, "rule"])},
                    "cells": dict(cells)},
            "command": "", "summary": "; ".join(f"{k}: {v}" for k, v in Counter(g["status"]).items()),
            "outcome": {r.value: {"status": r.status, "acro": ACRO_STATUS[r.status], "rule": r.rule}
                        for r in g.itertuples()},
            "timestamp": "", "comments": [], "exception": "",
        }
    payload = {"version": f"barometer {__version__}",
               "rules": {"threshold": rules.min_cell, "zeros_are_disclosive": rules.zeros_are_disclosive,
                         "safe_dof_threshold": rules.min_dof, "statistic_digits": rules.digits},
               "source": source_name, "parameters": parameters,
               "ledger": {"exposed_cells_found": outcome.exposed_found, "secondary_suppressions": outcome.secondary,
                          "magnitude_suppressions": outcome.magnitude, "integer_programmes": outcome.programmes,
                          "seconds": round(outcome.seconds, 2), "unprotectable": outcome.unprotectable,
                          "node_limit": NODE_LIMIT, "clock_stops": outcome.clock_stops},
               "results": results}
    files["json"].write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    files["html"].write_text(_page(table, payload), encoding="utf-8")
    return files


def _repeatability(led: dict) -> str:
    """Whether another build of the edition decides the same (see barometer.disclosure.lp)."""
    if not led["clock_stops"]:
        return (f"<p>Every integer search ended by itself or at its limit of {led['node_limit']} nodes: "
                "another build of this edition from the same file decides every value the same way.</p>")
    return (f"<p><strong>{led['clock_stops']} integer searches were stopped by the safety clock</strong> "
            f"(not by their limit of {led['node_limit']} nodes): another build, on another machine or "
            "under another load, may hide other counts. Each such search errs towards hiding more.</p>")


def _page(table: pd.DataFrame, payload: dict) -> str:
    by_status = Counter(table["status"])
    by_rule = table[table["status"] != RELEASED].groupby(["status", "rule"]).size().reset_index(name="values")
    per_chapter = table.pivot_table(index="chapter", columns="status", values="value", aggfunc="count",
                                    fill_value=0).reset_index().rename_axis(columns=None)
    esc = html.escape
    rules = payload["rules"]
    led = payload["ledger"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Output-checking report</title>",
        "<style>body{font-family:sans-serif;margin:2rem;max-width:90rem}table{border-collapse:collapse;"
        "font-size:.85rem}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}"
        ".suppressed{background:#fff4d6}.withheld{background:#fde2e2}</style></head><body>",
        "<h1>Output-checking report</h1>",
        f"<p><strong>Private.</strong> This report holds suppressed values: keep it with the edition's "
        f"private folder. Source: {esc(str(payload['source']))}; made {dt.date.today():%Y-%m-%d}.</p>",
        "<h2>Rules</h2><ul>",
        f"<li>threshold (min_cell): {rules['threshold']}</li>",
        f"<li>zeros are disclosive: {rules['zeros_are_disclosive']}</li>",
        f"<li>minimum residual degrees of freedom: {rules['safe_dof_threshold']}</li>",
        f"<li>statistics rounded to {rules['statistic_digits']} significant digits</li></ul>",
        "<h2>Summary</h2>",
        f"<p>{len(table)} values: {by_status.get(RELEASED, 0)} released, {by_status.get(SUPPRESSED, 0)} "
        f"suppressed, {by_status.get(WITHHELD, 0)} withheld. The edition ledger found {led['exposed_cells_found']} "
        f"disclosive cells that the published numbers would have pinned down and hid "
        f"{led['secondary_suppressions']} more counts to protect them ({led['integer_programmes']} integer "
        f"programmes, {led['seconds']} s); {led['magnitude_suppressions']} means were hidden to protect sums.</p>",
        _repeatability(led),
        by_rule.to_html(index=False, border=0), "<h3>Per chapter</h3>", per_chapter.to_html(index=False, border=0),
        "<h2>Every value</h2><table><thead><tr>"
        + "".join(f"<th>{esc(c)}</th>" for c in ["value", "kind", "what", "rests on", "status", "rule", "detail",
                                                   "value computed"])
        + "</tr></thead><tbody>",
    ]
    for r in table.itertuples():
        parts.append(f"<tr class='{esc(r.status)}'><td>{esc(r.value)}</td><td>{esc(r.kind)}</td><td>{esc(str(r.what))}"
                     f"</td><td>{esc(str(r.rests_on))}</td><td>{esc(r.status)}</td><td>{esc(r.rule)}</td>"
                     f"<td>{esc(str(r.detail))}</td><td>{esc(str(r.shown))}</td></tr>")
    parts.append("</tbody></table></body></html>\n")
    return "\n".join(parts)


__all__ = ["rows", "write"]
