"""A chapter's outputs and how each is rendered: the one door through which tables, figures,
glued numbers and notes leave a chapter.

A chapter has two parts. In the **published** part it works on the report's numbers only (the
chapter refuses to hand out microdata there), so what it shows needs no checking. In the
**microdata** part every output is built from typed values (:mod:`barometer.disclosure.values`) and
recorded here with them.

* With synthetic data the outputs are rendered at once, all released (synthetic data describe
  no one), and the gate only notes what it *would* withhold (``problems``): a test keeps that
  list empty, so that every chapter is ready for real microdata.
* With **own** data nothing from the microdata part is rendered while the notebook runs: the
  gate writes a placeholder and keeps the output (values, cells, a pickled drawing function) in
  the edition's private folder. When all chapters have run, the edition ledger decides what may
  be released, and :mod:`barometer.book.gate.render` fills the placeholders. Printed output of that
  part (``print``, reprs, model summaries) never reaches the site.

Rendering is one function for both paths (:func:`rendered`), so a synthetic and an own edition
differ only in which values are shown.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from barometer.book import number_format, tables
from barometer.data import paths
from barometer.disclosure.rules import MARK, MICRODATA, PUBLISHED, RELEASED, WITHHELD, Rules
from barometer.disclosure.values import Value, fixed, is_untyped

#: Metadata key of every output the gate writes.
META = "barometer"
GLUE_PREFIX = "application/papermill.record/"
#: Text of a caption the gate cannot check (own data).
WITHHELD_TEXT = "(withheld by the output check: it holds numbers the gate cannot trace)"
#: Report ids and other references that may carry digits in untyped text.
_REFERENCES = re.compile(r"(?:\b[A-Z]\d-\d+\b|\b\d-\d+\b|§\s?\d+(?:\.\d+)*|\bE\d\d\b|\bA\d\d\b|\b95%|"
                         r"\bQ\d\b|\b1[-–]5\b|\b1 to 5\b|\bchapter \d+\b|\bchapters \d+ (?:to|and) \d+\b)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Context:
    """What rendering a chapter's outputs needs to know (picklable)."""

    slug: str
    microdata_provenance: str  # "synthetic" or "own"
    rules: Rules
    params: tuple[tuple[str, Any], ...] = ()
    #: The reader's language: how the numbers a page shows are written (barometer.book.number_format).
    lang: str = "en"

    @property
    def own(self) -> bool:
        return self.microdata_provenance == "own"

    def link(self, path: Path | str) -> str:
        return f"{paths.FILES}/{self.slug}/{Path(path).name}"

    def provenance_of(self, phase: str) -> str:
        return self.microdata_provenance if phase == MICRODATA else "published"

    def allowed_numbers(self) -> set[str]:
        allowed = {"2021", "2025"}
        for _, v in self.params:
            if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
                allowed.add(str(int(v)))
        return allowed


def untraced_numbers(text: str, ctx: Context) -> list[str]:
    """Numbers in plain text that the gate cannot trace to a parameter or a reference."""
    stripped = _REFERENCES.sub(" ", text)
    allowed = ctx.allowed_numbers()
    return [n for n in _NUMBER.findall(stripped) if n not in allowed]


@dataclass
class Output:
    uid: str
    kind: str  # table, figure, glue, note
    name: str
    phase: str
    caption: Value | None = None
    alt: Value | None = None
    frame: pd.DataFrame | None = None
    labels: tuple[str, ...] = ()
    formats: dict[str, str] | None = None
    index: bool = False
    value: Value | None = None
    fmt: str | None = None
    draw: bytes | None = None
    figure_files: dict[str, str] = field(default_factory=dict)
    forced: dict[str, str] = field(default_factory=dict)  # uid -> reason withheld regardless

    def entries(self) -> Iterator[tuple[str, Value]]:
        """Every value of the output with its uid, for the ledger and the report."""
        if self.phase != MICRODATA:
            return
        for part, v in (("caption", self.caption), ("alt", self.alt)):
            if v is not None:
                yield from _value_entries(f"{self.uid}/{part}", v)
        if self.frame is not None:
            for i, row in enumerate(self.frame.itertuples(index=False)):
                for col, v in zip(self.frame.columns, row, strict=True):
                    if col in self.labels or _missing(v):
                        continue
                    yield from _value_entries(f"{self.uid}/{i}/{col}", v if isinstance(v, Value) else
                                              _as_untyped(v))
        if self.value is not None:
            yield from _value_entries(self.uid, self.value)


def _value_entries(uid: str, v: Value) -> Iterator[tuple[str, Value]]:
    if v.kind == "text":
        for k, f in v.fields.items():
            yield from _value_entries(f"{uid}/{k}", f)
    else:
        yield uid, v


def _as_untyped(v) -> Value:
    from barometer.disclosure.values import _untyped

    return _untyped(v)


def _missing(v) -> bool:
    if isinstance(v, Value):
        return False
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- rendering

Status = Callable[[str], str]


def all_released(uid: str) -> str:
    return RELEASED


def shown_text(v: Value | str | None, uid: str, status: Status, ctx: Context, fmt: str | None = None) -> str:
    """A value as text: its formatted value when released, else the mark."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if v.kind == "text":
        return fill_template(v, uid, status, ctx)
    if v.kind == "tally":
        spec = v.value
        return str(sum(1 for u, x in spec["pairs"]
                       if status(u) == RELEASED and (spec["match"] is None or x == spec["match"])))
    if status(uid) != RELEASED:
        return MARK
    value = released_value(v, ctx)
    if isinstance(value, float) and not math.isfinite(value):
        return "–"
    if fmt:
        try:
            return fmt.format(value)
        except (ValueError, TypeError):
            return str(value)
    return v.text() if value is v.value else f"{value:g}" if isinstance(value, float) else str(value)


def fill_template(v: Value, uid: str, status: Status, ctx: Context) -> str:
    """A sentence template with each field shown as released (formatted with the field's spec,
    after the rounding of own-data statistics) or as the mark."""
    import string

    out = []
    for literal, name, spec, _ in string.Formatter().parse(v.value):
        out.append(literal)
        if name is None:
            continue
        f = v.fields[name]
        field_uid = f"{uid}/{name}"
        if f.kind in ("text", "tally") or not spec:
            out.append(shown_text(f, field_uid, status, ctx))
            continue
        if status(field_uid) != RELEASED:
            out.append(MARK)
            continue
        value = released_value(f, ctx)
        if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            out.append("–" if not math.isfinite(float(value)) else format(value, spec))
        else:
            out.append(shown_text(f, field_uid, status, ctx))
    return "".join(out)


def released_value(v: Value, ctx: Context):
    """The value as published: statistics from own data to ``rules.digits`` significant digits."""
    value = v.value
    if ctx.own and v.kind == "statistic" and isinstance(value, (float, int, np.number)) \
            and math.isfinite(float(value)) and value != 0:
        digits = ctx.rules.digits
        value = float(f"{float(value):.{digits}g}")
    if isinstance(value, (np.floating,)):
        value = float(value)
    if isinstance(value, (np.integer,)):
        value = int(value)
    return value


def frame_values(out: Output, status: Status, ctx: Context, *, for_plot: bool = False) -> pd.DataFrame:
    """The output's frame as plain values: released numbers, the mark (or NaN for drawing) for
    the rest, labels as they are."""
    frame = out.frame
    data = {}
    for col in frame.columns:
        values = []
        for i, v in enumerate(frame[col].tolist()):
            uid = f"{out.uid}/{i}/{col}"
            if out.phase != MICRODATA or col in out.labels:
                values.append(v.value if isinstance(v, Value) else v)
            elif _missing(v):
                values.append(np.nan)
            elif isinstance(v, Value) and v.kind != "text" and status(uid) == RELEASED:
                values.append(released_value(v, ctx))
            elif isinstance(v, Value) and v.kind in ("text", "tally"):
                values.append(shown_text(v, uid, status, ctx))
            elif not isinstance(v, Value) and not ctx.own:
                values.append(v)  # synthetic: an untyped value is shown (and listed as a problem)
            else:
                values.append(np.nan if for_plot else MARK)
        data[col] = values
    df = pd.DataFrame(data, index=frame.index)
    if for_plot:  # hidden values are missing (not drawn); numeric columns become numbers again
        for col in df.columns:
            if col not in out.labels and df[col].map(_is_numberish).all():
                df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def _is_numberish(x) -> bool:
    return x is None or (isinstance(x, (int, float, np.number)) and not isinstance(x, bool))


def caption_of(out: Output, status: Status, ctx: Context, part: str = "caption") -> str:
    v = getattr(out, part)
    uid = f"{out.uid}/{part}"
    if v is None:
        return ""
    if v.kind == "fixed" and is_untyped(v):
        if ctx.own and out.phase == MICRODATA:
            return WITHHELD_TEXT
        return str(v.value)
    return shown_text(v, uid, status, ctx)


def rendered(out: Output, status: Status, ctx: Context, folder: Path) -> list[dict]:
    """The notebook outputs (nbformat dicts) of one gate output, writing its files to ``folder``."""
    meta = {META: {"gate": out.uid, "phase": out.phase}}
    provenance = ctx.provenance_of(out.phase)
    if out.kind == "glue":
        text = shown_text(out.value, out.uid, status, ctx, out.fmt) if out.phase == MICRODATA \
            else _published_text(out.value, out.fmt)
        text = number_format.localised(text, ctx.lang)
        return [{"output_type": "display_data", "data": {GLUE_PREFIX + "text/plain": repr(text)},
                 "metadata": {"scrapbook": {"name": out.name, "mime_prefix": GLUE_PREFIX}, **meta}}]
    if out.kind == "note":
        text = shown_text(out.value, out.uid, status, ctx)
        return [{"output_type": "display_data", "data": {"text/markdown": text}, "metadata": meta}]
    if out.kind == "records":
        tables.write_csv(frame_values(out, status, ctx), folder / f"{out.name}.csv", provenance)
        note_file(folder, out.name, "records", "Reproduction records: every published number of this chapter "
                  "that the microdata can recompute, beside its recomputed value (the scorecard's input).", provenance)
        return []
    plain_caption = caption_of(out, status, ctx)
    note_file(folder, out.name, out.kind, plain_caption, provenance)
    caption = tables.caption_text(plain_caption, provenance, ctx.rules.min_cell)
    if out.kind == "table":
        values = frame_values(out, status, ctx)
        shown = values.reset_index() if out.index else values
        path = folder / f"{out.name}.csv"
        tables.write_csv(shown, path, provenance)
        page = tables.to_html(tables.formatted(shown, out.formats, ctx.lang), caption, f"tbl-{ctx.slug}-{out.name}", False)
        link = f"Download this table: {{download}}`{out.name}.csv <{ctx.link(path)}>`"
        return [{"output_type": "display_data", "data": {"text/html": page}, "metadata": meta},
                {"output_type": "display_data", "data": {"text/markdown": link}, "metadata": meta}]
    if out.kind == "figure":
        from barometer.book import figures

        files = {k: folder / v for k, v in out.figure_files.items()}
        if out.frame is not None:
            values = frame_values(out, status, ctx)
            csv = folder / f"{out.name}.csv"
            tables.write_csv(values.reset_index() if out.index else values, csv, provenance)
            files["CSV"] = csv
        alt = caption_of(out, status, ctx, "alt")
        return [{"output_type": "display_data",
                 "data": {"text/markdown": figures.markdown(ctx.slug, ctx.link, out.name, caption, alt, files)},
                 "metadata": meta}]
    raise ValueError(f"unknown output kind {out.kind!r}")


#: Per chapter folder: what each download holds (read by the downloads page).
MANIFEST = "_files.json"


def note_file(folder: Path, name: str, kind: str, caption: str, provenance: str) -> None:
    """Record in the folder's manifest what the files called ``name`` hold: their kind, the first
    sentence of their caption and their data source (sorted, so that builds compare byte for byte)."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MANIFEST
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(str(caption).split()), maxsplit=1)[0]
    entries[name] = {"kind": kind, "title": first, "source": provenance}  # (the key of a downloaded file)
    path.write_text(json.dumps(entries, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _published_text(v: Value | None, fmt: str | None) -> str:
    value = v.value if isinstance(v, Value) else v
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return "–"
    return fmt.format(value) if fmt else str(value)


def placeholder(out: Output) -> list[dict]:
    """What an own-data output shows until the ledger has decided (never published as is)."""
    meta = {META: {"gate": out.uid, "phase": out.phase, "pending": True}}
    if out.kind == "records":
        return []
    if out.kind == "glue":
        return [{"output_type": "display_data", "data": {GLUE_PREFIX + "text/plain": repr(MARK)},
                 "metadata": {"scrapbook": {"name": out.name, "mime_prefix": GLUE_PREFIX}, **meta}}]
    return [{"output_type": "display_data", "data": {"text/plain": f"[{out.kind} {out.name}: decided "
                                                                    "by the output check]"},
             "metadata": meta}]


def html_escape(text: str) -> str:
    return html.escape(text)


def withheld_reason(out: Output) -> dict[str, str]:
    return {uid: reason for uid, reason in out.forced.items()}


__all__ = ["Context", "Output", "rendered", "placeholder", "frame_values", "all_released", "shown_text",
           "untraced_numbers", "META", "PUBLISHED", "MICRODATA", "WITHHELD", "fixed"]
