"""The gate of one running chapter: it records every output and renders it, or keeps it for the
edition ledger (own data). See :mod:`barometer.book.gate.outputs` for what happens to each output.
"""

from __future__ import annotations

import inspect
import json
import os
import pickle
import types
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from barometer.book import tables
from barometer.book.gate.outputs import (
    MICRODATA,
    PUBLISHED,
    Context,
    Output,
    all_released,
    placeholder,
    rendered,
    untraced_numbers,
)
from barometer.data import paths
from barometer.disclosure.builders import Builder
from barometer.disclosure.population import GateError
from barometer.disclosure.rules import RELEASED
from barometer.disclosure.values import Value, fixed, is_untyped

RECORD_DIR_ENV = paths.RECORD_DIR_ENV

#: Types a drawing function of own data may refer to besides modules, functions and classes.
_SAFE_SCALARS = (str, bytes, int, float, bool, complex, type(None), np.bool_)
_MAX_NUMBERS_IN_CONSTANT = 24


class Gate:
    def __init__(self, ctx: Context, data: Callable[[], pd.DataFrame]):
        self.ctx = ctx
        self._data = data
        self.phase = PUBLISHED
        self.outputs: list[Output] = []
        self.problems: list[dict] = []
        self._builder: Builder | None = None
        self._names: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ state
    @property
    def builder(self) -> Builder:
        if self._builder is None:
            self._builder = Builder(self._data())
        return self._builder

    @property
    def folder(self) -> Path:
        return paths.chapter_files(self.ctx.slug)

    @property
    def record_dir(self) -> Path:
        env = os.environ.get(RECORD_DIR_ENV)
        return Path(env) if env else self.folder.parent.parent / ".gate"

    def enter_microdata(self) -> None:
        self.phase = MICRODATA

    # ------------------------------------------------------------------ outputs
    def _uid(self, kind: str, name: str) -> str:
        key = (kind if kind != "glue" else "glue", name)
        if key in self._names:
            raise GateError(f"{kind} {name!r} is shown twice in this chapter: give each output its own name")
        self._names.add(key)
        return f"{self.ctx.slug}/{kind}/{name}"

    def _text(self, text) -> Value | None:
        if text is None:
            return None
        if isinstance(text, Value):
            return text
        if self.phase == MICRODATA:
            return fixed(str(text)) if not untraced_numbers(str(text), self.ctx) else _untyped_text(str(text))
        return fixed(str(text))

    def table(self, df: pd.DataFrame, name: str, caption, *, labels=(), formats=None, index=False) -> None:
        tables.check_name(name)
        frame = df.copy()
        if index:
            frame = frame.reset_index()
            labels = (*labels, *[c for c in frame.columns if c not in df.columns])
        labels = tuple(labels)
        # A table of labels only (codebook wording) holds nothing computed from microdata.
        phase = PUBLISHED if self.phase == MICRODATA and set(frame.columns) <= set(labels) else self.phase
        out = Output(self._uid("table", name), "table", name, phase, caption=self._text(caption),
                     frame=frame.reset_index(drop=True), labels=labels, formats=formats)
        self._emit(out)
        return out.uid

    def figure(self, fig_or_draw, name: str, caption, alt, *, data: pd.DataFrame | None = None,
               labels=(), index=False) -> None:
        from barometer.book import figures

        tables.check_name(name)
        if not str(getattr(alt, "value", alt)).strip():
            raise ValueError(f"figure {name}: alt text is required")
        frame = None
        if data is not None:
            frame = data.reset_index() if index else data.copy()
            if index:
                labels = (*labels, *[c for c in frame.columns if c not in data.columns])
            frame = frame.reset_index(drop=True)
        out = Output(self._uid("figure", name), "figure", name, self.phase, caption=self._text(caption),
                     alt=self._text(alt), frame=frame, labels=tuple(labels))
        if self.phase == MICRODATA and not callable(fig_or_draw):
            self._problem(out.uid, "figure drawn outside the gate: pass a function that draws it from "
                                   "the gate's data (draw(data) -> figure)")
            if self.ctx.own:
                import matplotlib.pyplot as plt

                plt.close(fig_or_draw)
                out.forced[out.uid] = "figure drawn outside the gate"
                self._emit_withheld_figure(out)
                return
        if self.ctx.own and self.phase == MICRODATA:
            problems = unsafe_references(fig_or_draw)
            if problems:
                for p in problems:
                    self._problem(out.uid, p)
                out.forced[out.uid] = "; ".join(problems)
            else:
                import cloudpickle

                out.draw = cloudpickle.dumps(fig_or_draw)
            self._emit(out)
            return
        # Published part, or synthetic data: draw and save now.
        if callable(fig_or_draw):
            plain = data if out.frame is None or self.phase != MICRODATA else \
                _plot_frame(out, self.ctx)
            fig = fig_or_draw(plain)
        else:
            fig = fig_or_draw
        figures.watermark(fig, self.ctx.provenance_of(self.phase))
        files = figures.save(fig, self.folder, name, svg=True, keep_png=True)
        out.figure_files = {k: p.name for k, p in files.items()}
        self._emit(out)

    def _emit_withheld_figure(self, out: Output) -> None:
        self.outputs.append(out)
        self._publish(placeholder(out) if self.ctx.own else [])
        self._save()

    def glue(self, name: str, value, fmt: str | None = None) -> None:
        prefix = glue_prefix(self.ctx.slug)
        if not name.startswith(prefix):
            raise ValueError(f"glue name {name!r} must start with {prefix!r} (unique across chapters)")
        if not isinstance(value, Value):
            value = fixed(value) if self.phase == PUBLISHED else _untyped_value(value)
        out = Output(self._uid("glue", name), "glue", name, self.phase, value=value, fmt=fmt)
        self._emit(out)

    def records(self, df: pd.DataFrame, filename: str, *, labels=()) -> None:
        """A download that is not shown on the page (the reproduction records), through the gate."""
        name = filename.removesuffix(".csv")
        out = Output(self._uid("records", name), "records", name, self.phase,
                     frame=df.reset_index(drop=True), labels=tuple(labels))
        self._emit(out)
        return out.uid

    def note(self, name: str, text: Value) -> None:
        out = Output(self._uid("note", name), "note", name, self.phase, value=text)
        self._emit(out)

    # ------------------------------------------------------------------ emitting
    def _problem(self, uid: str, what: str) -> None:
        self.problems.append({"output": uid, "problem": what})

    def _check(self, out: Output) -> None:
        if out.phase != MICRODATA:
            return
        for uid, v in out.entries():
            if is_untyped(v):
                self._problem(uid, f"untyped value {v.value!r}" if not isinstance(v.value, str) else
                              f"untyped text with numbers the gate cannot trace: {v.value[:80]!r}")

    def _emit(self, out: Output) -> None:
        self._check(out)
        self.outputs.append(out)
        if self.ctx.own and out.phase == MICRODATA:
            self._publish(placeholder(out))
        else:
            self._publish(rendered(out, all_released, self.ctx, self.folder))
        self._save()

    @staticmethod
    def _publish(outputs: list[dict]) -> None:
        from IPython.display import publish_display_data

        for o in outputs:
            publish_display_data(o["data"], o.get("metadata", {}))

    def _save(self) -> None:
        """Write the chapter's record (after every output: a notebook has no last-cell hook)."""
        folder = self.record_dir
        folder.mkdir(parents=True, exist_ok=True)
        if self.ctx.own:
            pop = self.builder.pop
            record = {"ctx": self.ctx, "outputs": self.outputs, "problems": self.problems,
                      "boxes": pop.boxes, "box_of_row": pop.box_of_row, "measures": pop.measures,
                      "partitions": pop.partitions, "subsets": pop.subsets, "tallies": pop.tallies}
            paths.write_atomically(folder / f"{self.ctx.slug}.pkl",
                                   lambda tmp: tmp.write_bytes(pickle.dumps(record, protocol=5)))
        else:
            summary = {"chapter": self.ctx.slug, "problems": self.problems,
                       "outputs": [{"uid": o.uid, "kind": o.kind, "phase": o.phase} for o in self.outputs]}
            paths.write_atomically(folder / f"{self.ctx.slug}.json",
                                   lambda tmp: tmp.write_text(json.dumps(summary, indent=1), encoding="utf-8"))


def glue_prefix(slug: str) -> str:
    """Glue names are unique in the book: ``chNN_`` for chapter NN, the initials of the page's
    name otherwise (``kf_`` for key_findings)."""
    if slug[:2].isdigit():
        return f"ch{slug[:2]}_"
    return "".join(word[0] for word in slug.split("_") if word) + "_"


def _untyped_value(v) -> Value:
    from barometer.disclosure.values import _untyped

    return _untyped(v)


def _untyped_text(text: str) -> Value:
    return _untyped_value(text)


def _plot_frame(out: Output, ctx: Context) -> pd.DataFrame:
    from barometer.book.gate.outputs import frame_values

    return frame_values(out, all_released, ctx, for_plot=True)


def _global_names(code) -> set[str]:
    """Names a code object reads as globals (attribute names such as ``fig.axes`` are not),
    including those of functions and comprehensions defined inside it."""
    import dis

    names = {ins.argval for ins in dis.get_instructions(code) if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def unsafe_references(fn) -> list[str]:
    """What a drawing function of own data refers to besides its data argument, modules,
    functions, classes and small constants: each such reference could carry microdata past the
    gate (a data frame in a closure), so the figure is withheld."""
    problems: list[str] = []
    seen: set[int] = set()

    def walk(f, where: str) -> None:
        if id(f) in seen:
            return
        seen.add(id(f))
        if not isinstance(f, types.FunctionType):
            return
        referenced = {}
        for name in _global_names(f.__code__):
            if name in f.__globals__:
                referenced[name] = f.__globals__[name]
        for name, cell in zip(f.__code__.co_freevars, f.__closure__ or (), strict=False):
            try:
                referenced[name] = cell.cell_contents
            except ValueError:  # an empty cell
                continue
        for name, obj in referenced.items():
            check(obj, f"{where} refers to {name}")

    def check(obj, where: str) -> None:
        if isinstance(obj, (types.ModuleType, type)) or inspect.isbuiltin(obj):
            return
        if isinstance(obj, types.FunctionType):
            walk(obj, where)
            return
        if isinstance(obj, _SAFE_SCALARS):
            return
        if getattr(type(obj), "pickles_without_data", False):
            return  # a chapter: pickled without its data (Chapter.__getstate__)
        if isinstance(obj, (list, tuple, set, frozenset)):
            numbers = sum(isinstance(x, (int, float, np.number)) and not isinstance(x, bool) for x in obj)
            if numbers > _MAX_NUMBERS_IN_CONSTANT:
                problems.append(f"{where}: a collection of {numbers} numbers")
                return
            for x in obj:
                check(x, where)
            return
        if isinstance(obj, dict):
            for k, x in obj.items():
                check(k, where)
                check(x, where)
            return
        if callable(obj) and str(getattr(obj, "__module__", "") or "").split(".")[0] in (
                "matplotlib", "seaborn", "numpy", "pandas", "barometer", "scipy", "textwrap"):
            return  # library functions and objects (formatters, colour maps)
        problems.append(f"{where}: an object of type {type(obj).__name__}")

    walk(fn, getattr(fn, "__name__", "the drawing function"))
    return problems


__all__ = ["Gate", "RECORD_DIR_ENV", "unsafe_references", "RELEASED"]
