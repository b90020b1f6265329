"""After every chapter of an own-data edition has run: decide, then render.

1. :func:`load_records` reads each chapter's gate record from the edition's private folder;
2. :func:`solve` puts every value of every chapter into one :class:`~barometer.disclosure.ledger.Ledger`
   and lets it decide;
3. :func:`render_chapter` turns a raw executed notebook into the published one: each gate
   placeholder becomes the rendered table, figure or glued value (files written with it), and
   every other output of the microdata part (printed text, reprs, model summaries) is dropped.
"""

from __future__ import annotations

import copy
import hashlib
import pickle
from pathlib import Path

from barometer.book.gate.outputs import META, MICRODATA, Context, Output, frame_values, rendered
from barometer.disclosure.ledger import Ledger, Outcome
from barometer.disclosure.rules import RELEASED, WITHHELD, Rules


def load_records(folder: Path) -> dict[str, dict]:
    """Every chapter's record in ``folder`` (``<chapter>.pkl``), by chapter."""
    return {p.stem: pickle.loads(p.read_bytes()) for p in sorted(folder.glob("*.pkl"))}


def records_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.glob("*.pkl")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def ledger_of(records: dict[str, dict], rules: Rules) -> Ledger:
    """One ledger over all chapters (they share row ids, boxes and measures by construction)."""
    first = next(iter(records.values()))
    measures, partitions, subsets, tallies = {}, set(), set(), set()
    for slug, rec in records.items():
        if rec["boxes"] != first["boxes"] or not (rec["box_of_row"] == first["box_of_row"]).all():
            raise RuntimeError(f"chapter {slug} saw other microdata than the others")
        measures.update(rec["measures"])
        partitions |= set(rec["partitions"])
        subsets |= set(rec.get("subsets", ()))
        tallies |= set(rec.get("tallies", ()))
    ledger = Ledger(first["boxes"], first["box_of_row"], measures, partitions, rules, subsets, sorted(tallies))
    for rec in records.values():
        for out in rec["outputs"]:
            for uid, value in out.entries():
                ledger.add(uid, value, withheld=out.forced.get(uid))
            if out.kind == "figure" and out.uid in out.forced:
                ledger.forced_output(out.uid, out.forced[out.uid])
    return ledger


def solve(records: dict[str, dict], rules: Rules) -> Outcome:
    return ledger_of(records, rules).solve()


def status_function(outcome: Outcome):
    def status(uid: str) -> str:
        d = outcome.decisions.get(uid)
        return d.status if d is not None else RELEASED  # labels and published values
    return status


def render_chapter(nb, record: dict, outcome: Outcome, folder: Path):
    """The published notebook of one chapter (a copy of ``nb``), its files written to ``folder``."""
    ctx: Context = record["ctx"]
    status = status_function(outcome)
    folder.mkdir(parents=True, exist_ok=True)
    rendered_outputs: dict[str, list[dict]] = {}
    for out in record["outputs"]:
        if out.phase != MICRODATA:
            continue
        if out.kind == "figure":
            _draw(out, status, ctx, folder, outcome)
        rendered_outputs[out.uid] = rendered(out, status, ctx, folder) if out.figure_files or out.kind != "figure" \
            else _withheld_figure(out, outcome)
    nb = copy.deepcopy(nb)
    in_microdata = False
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for o in cell.get("outputs", []):
            gate = o.get("metadata", {}).get(META, {})
            if gate.get("phase") == MICRODATA:
                in_microdata = True
            if not gate:
                if not in_microdata:
                    kept.append(o)  # published part: the report's numbers, printed or shown
                continue  # microdata part: nothing leaves but what the gate rendered
            if gate.get("pending"):
                kept += [_nb_output(x) for x in rendered_outputs.get(gate["gate"], [])]
            else:
                kept.append(o)  # rendered while the chapter ran: published part, the banner
        cell["outputs"] = kept
        cell["execution_count"] = cell.get("execution_count")
    return nb


def _nb_output(o: dict):
    import nbformat

    return nbformat.from_dict(o)


def _draw(out: Output, status, ctx: Context, folder: Path, outcome: Outcome) -> None:
    """Draw an own-data figure from the values the ledger released (PNG only)."""
    from barometer.book import figures

    out.figure_files = {}
    if out.draw is None or outcome.decisions.get(out.uid, None) is not None and \
            outcome.decisions[out.uid].status == WITHHELD:
        return
    import cloudpickle  # noqa: F401  (registers what unpickling the drawing function needs)

    draw = pickle.loads(out.draw)
    data = frame_values(out, status, ctx, for_plot=True)
    figures.style()
    fig = draw(data)
    files = figures.save(fig, folder, out.name, svg=False, keep_png=False)
    out.figure_files = {k: p.name for k, p in files.items()}


def _withheld_figure(out: Output, outcome: Outcome) -> list[dict]:
    reason = out.forced.get(out.uid) or "it could not be drawn from released values"
    text = (f"```{{note}}\nFigure {out.name} is withheld by the output check ({reason}).\n```\n")
    return [{"output_type": "display_data", "data": {"text/markdown": text},
             "metadata": {META: {"gate": out.uid, "phase": out.phase}}}]


__all__ = ["load_records", "records_digest", "ledger_of", "solve", "render_chapter", "status_function"]
