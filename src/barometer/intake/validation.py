"""Validation of organisation-level microdata against the schema of :mod:`barometer.data.codebook`.

Why this module exists: the survey's microdata are confidential, so the people who run the
chapters on real data are the only ones who ever see them. They must be able to trust that a
file that passes here means what the chapters assume (codes of the codebook, answers only where
the question was asked), and, when it does not pass, be told precisely and kindly what to fix:
file, column, row (and line for text files), the value, and the rule it breaks. No traceback
ever reaches them for bad data: every problem becomes a :class:`Problem`.

How it works, in three passes over the table as read (see :mod:`barometer.intake.reading` for reading):

1. *Structure*: not empty, has data rows, no duplicate column names, every column of the schema
   present (unknown columns are a warning and are dropped).
2. *Types*: each column is parsed into its schema dtype (``Int64`` codes or ``string`` labels).
   Text in a numeric column, or a decimal such as ``3,5`` where whole-number codes are expected,
   is an error with row and value. Parsing works on the distinct values of a column, not per
   row, so that a million rows cost little more than a thousand.
3. *Rules*, with pandera (lazy, so that all problems are collected, never only the first):
   allowed values per column (codebook codes, Likert 1-5, 0/1, design labels), ``org_id``
   present and unique within a wave; then, on the values that passed, the *universes*: an
   answer where the question was not asked is an error, and an item that is empty for everyone
   who was asked in a wave is an error (a wrong column mapping, most likely). Empty cells inside
   a universe are item non-response and are fine.

Rows whose routing answers (``innovated``, ``origin``, ``failed_attempt``, ...) are themselves
invalid are left out of the universe checks, so that one bad value gives one message, not a
cascade of them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from barometer.data import codebook

#: At most this many cell-level problems per column and rule; the rest are summarised in one line.
MAX_CELL_PROBLEMS = 10

#: Optional column: where the rows come from.
DATA_SOURCE = "data_source"
DATA_SOURCES = ("synthetic", "real")

#: Cell contents read as an empty cell (exports from R, SPSS, Stata and Excel).
MISSING_MARKERS = frozenset({"", "NA", "N/A", "n/a", "NaN", "nan", ".", "#N/A", "NULL", "null"})

#: The columns each universe of :data:`codebook.UNIVERSES` is computed from (its routing).
#: Columns each universe is routed by (from ``codebook.UNIVERSE_DEPENDS_ON``, questions expanded).
ROUTING = {
    universe: tuple(c for v in variables for c in (codebook.items(v) or [v]))
    for universe, variables in codebook.UNIVERSE_DEPENDS_ON.items()
}

#: group_labels.csv names some breakdowns differently from the schema's columns.
BREAKDOWN_OF = {"national_government_type": "national_government", "size_class": "size"}



# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, as precise as we can say it.

    ``row`` is the 1-based data row (the header is not a row); ``line`` is the line of a text
    file where that row starts (``row + 1`` unless the file has blank lines or values that span
    lines). ``rule`` is the short name of the rule that was broken (it ends every message, so
    that messages can be searched for); ``detail`` says what is wrong and how to fix it.
    """

    file: str
    column: str | None = None
    row: int | None = None
    value: str | None = None
    rule: str = ""
    severity: str = "error"
    detail: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = []
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (line {self.line})" if self.line is not None else ""))
        head = f"{self.file}: {', '.join(where)}" if where else self.file
        body = f"value '{self.value}' — {self.detail}" if self.value is not None else self.detail
        return f"{head}: {body} [{self.rule}]"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ValidationError(Exception):
    """The microdata did not pass validation; ``problems`` lists everything that was found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.is_error]
        shown = "\n".join(f"  {p}" for p in errors[:20])
        more = f"\n  ... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(
            f"{len(errors)} error{'s' if len(errors) != 1 else ''} in the microdata "
            f"(run `barometer validate FILE` for the full list):\n{shown}{more}"
        )


def show_value(value: object, limit: int = 60) -> str:
    """A cell as it can be printed on one line: control characters escaped, long text cut."""
    text = str(value)
    if not text.isprintable():
        text = repr(text)[1:-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def errors_of(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


class Report:
    """Collects problems for one file; turns row positions into row and line numbers.

    Cell-level problems of one column and rule are capped at :data:`MAX_CELL_PROBLEMS`
    followed by one summary line: a wrong column mapping on a large file should produce a
    readable report, not a million lines.
    """

    def __init__(self, file: str, rows: np.ndarray | None = None, lines: np.ndarray | None = None,
                 raw: pd.DataFrame | None = None):
        self.file = file
        self.rows = rows
        self.lines = lines
        self.raw = raw
        self.problems: list[Problem] = []

    def add(self, rule: str, detail: str, column: str | None = None, severity: str = "error",
            value: object = None, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, column, None,
                                     None if value is None else show_value(value),
                                     rule, severity, detail))

    def row_of(self, pos: int) -> int:
        return int(self.rows[pos]) if self.rows is not None else pos + 1

    def line_of(self, pos: int) -> int | None:
        return int(self.lines[pos]) if self.lines is not None else None

    def where(self, pos: int) -> str:
        line = self.line_of(pos)
        return f"row {self.row_of(pos)}" + (f" (line {line})" if line is not None else "")

    def value_at(self, column: str, pos: int) -> object:
        if self.raw is None or column not in self.raw:
            return None
        value = self.raw[column].iloc[pos]
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def cells(self, column: str, rule: str, positions: np.ndarray,
              detail: str | Callable[[int, object], str], severity: str = "error") -> None:
        positions = np.sort(np.asarray(positions, dtype=np.int64))
        for pos in positions[:MAX_CELL_PROBLEMS]:
            value = self.value_at(column, int(pos))
            text = detail(int(pos), value) if callable(detail) else detail
            self.problems.append(Problem(self.file, column, self.row_of(int(pos)), show_value(value),
                                         rule, severity, text, self.line_of(int(pos))))
        rest = positions[MAX_CELL_PROBLEMS:]
        if len(rest):
            sample = ", ".join(str(self.row_of(int(p))) for p in rest[:5])
            self.add(rule, f"... and {len(rest):,} more row{'s' if len(rest) != 1 else ''} with the "
                     f"same problem (rows {sample}{', …' if len(rest) > 5 else ''})", column, severity)


# --------------------------------------------------------------------------- the schema as rules


def allowed_values(col: codebook.Column) -> tuple:
    """The values a column may hold (after parsing)."""
    return col.codes


@cache
def describe_allowed(name: str) -> str:
    """The allowed values of a column in words, for messages."""
    if name == DATA_SOURCE:
        return "not 'synthetic' or 'real'"
    col = codebook.column(name)
    if col.kind == "label":
        return f"not one of the {name} labels of the codebook ({', '.join(col.codes)})"
    if col.kind == "wave":
        return f"not a wave of the survey ({' or '.join(map(str, col.codes))})"
    if col.kind in ("binary", "option"):
        meaning = "ticked" if col.kind == "option" else "yes"
        return f"not 0 or 1 (0 = no, 1 = {meaning})"
    if col.kind == "likert":
        return "not on the answer scale 1-5 (whole numbers 1, 2, 3, 4, 5)"
    labels = code_labels(name)
    listed = ", ".join(f"{code} = {_short(label)}" for code, label in labels.items())
    if not listed or len(listed) > 160:
        listed = ", ".join(map(str, col.codes))
    return f"not a code of '{col.variable}' in the codebook ({listed})"


@cache
def expected(name: str) -> str:
    """What a numeric column holds, in a few words (for type messages)."""
    col = codebook.column(name)
    if col.kind == "likert":
        return "answers 1-5"
    if col.kind in ("binary", "option"):
        return "0 or 1"
    if col.kind == "wave":
        return "2021 or 2025"
    return f"a code of the codebook: {', '.join(map(str, col.codes))}"


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cache
def code_labels(name: str) -> dict[int, str]:
    """Codebook labels of a coded column's answers: its own options for a single answer
    (``origin``), or those of the answer scale ``<variable>_answer`` for the items of a battery
    (``effect_3``, ``promoting_factor_1``)."""
    col = codebook.column(name)
    scale = col.variable if col.name == col.variable else f"{col.variable}_answer"
    opts = codebook.options_of(scale)
    return {int(c): str(label) for c, label in zip(opts["code"], opts["label_nl"], strict=True)}


def normalise_label(text: object) -> str:
    """Labels compare without regard to case, spacing, curly quotes or a final full stop."""
    norm = " ".join(str(text).replace("‘", "'").replace("’", "'").split()).casefold()
    return norm.rstrip(".")


@cache
def label_aliases(name: str) -> dict[str, str]:
    """For a design-label column: every accepted spelling (normalised) -> canonical label.

    Canonical labels are those of ``codebook.DESIGN_LABELS``; aliases come from
    ``group_labels.csv`` (e.g. 'Gemeenten' -> 'Gemeente') and the codebook's English labels.
    """
    col = codebook.column(name)
    table: dict[str, str] = {}
    for label in col.codes:
        table.setdefault(normalise_label(label), label)
    groups = codebook.group_labels()
    mine = groups[(groups["breakdown"] == BREAKDOWN_OF.get(name, name))
                  & groups["canonical"].isin(col.codes)]
    for label, canonical in zip(mine["label"], mine["canonical"], strict=True):
        table.setdefault(normalise_label(label), canonical)
    opts = codebook.options_of(col.variable)
    for nl, en in zip(opts["label_nl"], opts["label_en"], strict=True):
        if nl in col.codes:
            table.setdefault(normalise_label(en), nl)
    return table


# --------------------------------------------------------------------------- type parsing


@dataclass
class Parsed:
    """A column parsed into its schema dtype; ``bad`` marks cells already reported."""

    values: pd.Series
    bad: np.ndarray


def parse_numeric(name: str, series: pd.Series, rep: Report) -> Parsed:
    """Parse a column of whole-number codes. Accepts numbers, numeric text, decimal commas
    ("2,0"), surrounding spaces and the usual missing markers; reports text and decimals."""
    n = len(series)
    dtype = series.dtype
    if isinstance(dtype, pd.Int64Dtype):
        return Parsed(series, np.zeros(n, bool))
    if pd.api.types.is_bool_dtype(dtype):
        return Parsed(series.astype("Int64"), np.zeros(n, bool))
    if isinstance(dtype, pd.CategoricalDtype):
        series = series.astype(object)
        dtype = series.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        numbers = series.astype("float64").to_numpy(na_value=np.nan)
        missing = np.isnan(numbers)
        text = np.zeros(n, bool)
    elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        # Parse each distinct value once (a column holds a handful), then spread to the rows.
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        parsed = [_number(u) for u in uniques]
        u_numbers = np.array([p[0] for p in parsed] or [np.nan], dtype="float64")
        u_missing = np.array([p[1] for p in parsed] or [True], dtype=bool)
        valid = codes >= 0
        at = np.where(valid, codes, 0)
        numbers = np.where(valid, u_numbers[at], np.nan)
        missing = ~valid | u_missing[at]
        text = ~missing & np.isnan(numbers)
    else:
        rep.add("type", f"the column has type {dtype}; expected whole numbers ({expected(name)})", name)
        return Parsed(pd.Series(pd.NA, index=series.index, dtype="Int64"), ~series.isna().to_numpy())
    with np.errstate(invalid="ignore"):
        integral = np.isfinite(numbers) & (np.mod(numbers, 1) == 0)
        huge = integral & (np.abs(numbers) >= 1e15)            # no code is that large
    whole = integral & ~huge
    decimal = ~missing & ~text & ~integral
    for mask, what in ((text, "text in a numeric column"), (decimal, "not a whole number"),
                       (huge, "a number far too large for a code")):
        if mask.any():
            rep.cells(name, "type", np.flatnonzero(mask), f"{what}; expected a whole number ({expected(name)})")
    values = pd.arrays.IntegerArray(np.where(whole, numbers, 0).astype("int64"), ~whole)
    return Parsed(pd.Series(values, index=series.index), text | decimal | huge)


_NUMBER = re.compile(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?")


def _number(value: object) -> tuple[float, bool]:
    """(number or NaN for text, is-missing) of one distinct cell value. Plain ASCII numbers
    only, with a decimal point or comma: no '1_000', no 'inf', no other digits."""
    text = _as_text(value).strip()
    if text in MISSING_MARKERS:
        return np.nan, True
    if not _NUMBER.fullmatch(text):
        return np.nan, False
    return float(text.replace(",", ".")), False


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def parse_text(name: str, series: pd.Series, rep: Report) -> Parsed:
    """Parse an identifier or label column into ``string``: spaces stripped, missing markers
    empty, numbers written without a trailing '.0' (ids from SPSS come as floats); for design
    labels the aliases of group_labels.csv become the canonical label."""
    n = len(series)
    if pd.api.types.is_datetime64_any_dtype(series.dtype) or isinstance(series.dtype, pd.PeriodDtype):
        rep.add("type", f"the column has type {series.dtype}; expected text", name)
        return Parsed(pd.Series(pd.NA, index=series.index, dtype="string"), ~series.isna().to_numpy())
    dtype = series.dtype
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        texts = series.astype("string").str.strip()                     # vectorised: ids are many
    elif pd.api.types.is_float_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        numbers = series.astype("Float64")
        whole = bool(((numbers % 1 == 0) | numbers.isna()).all())
        texts = (numbers.astype("Int64") if whole else numbers).astype("string")
    else:  # object or categorical: mixed Python values, rendered one distinct value at a time
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        table = np.array([*(_as_text(u).strip() for u in uniques), None], dtype=object)
        texts = pd.Series(pd.array(table[np.where(codes >= 0, codes, len(uniques))], dtype="string"),
                          index=series.index)
    texts = texts.mask(texts.isin(list(MISSING_MARKERS)).to_numpy(dtype=bool, na_value=False))
    if name in codebook.columns() and codebook.column(name).kind == "label":
        aliases = label_aliases(name)
        codes, uniques = pd.factorize(texts, use_na_sentinel=True)     # a handful of labels
        table = np.array([*(aliases.get(normalise_label(u), u) for u in uniques), None], dtype=object)
        texts = pd.Series(pd.array(table[np.where(codes >= 0, codes, len(uniques))], dtype="string"),
                          index=series.index)
    return Parsed(texts, np.zeros(n, bool))


# --------------------------------------------------------------------------- pandera schemas


def _check(fn: Callable[[pd.Series], object], name: str, **kw) -> pa.Check:
    return pa.Check(fn, name=name, ignore_na=False, **kw)


def _in(allowed: Sequence) -> Callable[[pd.Series], pd.Series]:
    """A check function: empty, or one of ``allowed``. Codes that form a range (1-5, 0/1, the
    codes of an option list) are compared with their bounds, which is much faster than isin."""
    allowed = list(allowed)
    ints = all(isinstance(a, int) for a in allowed)
    if ints and allowed and sorted(allowed) == list(range(min(allowed), max(allowed) + 1)):
        low, high = min(allowed), max(allowed)

        def codes_between_bounds(s: pd.Series) -> pd.Series:  # (not 'in_range': pandera's name)
            values = s.to_numpy(dtype="int64", na_value=low)
            return pd.Series((values >= low) & (values <= high), index=s.index)
        return codes_between_bounds
    return lambda s: pd.Series(s.isna().to_numpy() | s.isin(allowed).to_numpy(dtype=bool, na_value=False),
                               index=s.index)


def value_schema(frame: pd.DataFrame, duplicate: np.ndarray | None) -> pa.DataFrameSchema:
    """Pass 1: dtypes, allowed values, org_id present and unique within a wave."""
    cols: dict[str, pa.Column] = {}
    for col in codebook.schema():
        if col.name not in frame:
            continue
        if col.kind == "id":
            checks = [] if duplicate is None else [
                _check(lambda s, d=duplicate: pd.Series(~d, index=s.index), "duplicate id")]
            cols[col.name] = pa.Column("string", checks, nullable=False)
        else:
            cols[col.name] = pa.Column(col.dtype, [_check(_in(allowed_values(col)), "allowed values")],
                                       nullable=col.kind != "wave")
    if DATA_SOURCE in frame:
        cols[DATA_SOURCE] = pa.Column("string", [_check(_in(DATA_SOURCES), "allowed values")], nullable=True)
    return pa.DataFrameSchema(cols)


@dataclass
class Universe:
    """Who was asked, per wave, with the rows whose routing is unknown left out."""

    name: str
    asked: dict[int, np.ndarray]   # wave -> rows asked (routing known)
    unknown: np.ndarray            # rows whose routing answers or wave are invalid


def universes(frame: pd.DataFrame, bad: dict[str, np.ndarray]) -> dict[str, Universe | None]:
    """Every universe of the schema, from the valid values; None where a routing column is
    missing (that is reported already; guessing the universe would only add noise)."""
    wave = frame["wave"].to_numpy(dtype="float64", na_value=np.nan)
    wave_unknown = ~np.isin(wave, codebook.WAVES)
    out: dict[str, Universe | None] = {}
    for name, routing in ROUTING.items():
        if any(c not in frame for c in routing):
            out[name] = None
            continue
        mask = codebook.universe_mask(frame, name).to_numpy(dtype=bool)
        unknown = wave_unknown.copy()
        for c in routing:
            unknown |= bad.get(c, False)
        out[name] = Universe(name, {w: mask & (wave == w) & ~unknown for w in codebook.WAVES}, unknown)
    return out


def design_schema(frame: pd.DataFrame, bad: dict[str, np.ndarray],
                  groups: dict[str, Universe | None]) -> pa.DataFrameSchema:
    """Pass 2: answers only where the question was asked; no item empty for everyone asked."""
    cols: dict[str, pa.Column] = {}
    cache: dict[tuple[str, tuple[int, ...]], np.ndarray] = {}
    for col in codebook.schema():
        if col.kind in ("id", "wave") or col.name not in frame:
            continue
        uni = groups.get(col.universe)
        if uni is None:
            continue
        key = (col.universe, col.years)
        if key not in cache:
            cache[key] = np.logical_or.reduce([uni.asked[w] for w in col.years]) | uni.unknown
        ok_rows = cache[key]
        checks = [_check(lambda s, ok=ok_rows: pd.Series(ok | s.isna().to_numpy(), index=s.index),
                         "universe")]
        if not bad.get(col.name, np.zeros(0, bool)).any():
            for w in col.years:
                asked = uni.asked[w]
                n_asked = int(asked.sum())
                if n_asked:
                    checks.append(_check(lambda s, a=asked: bool((s.notna().to_numpy() & a).any()),
                                         f"all missing|{w}|{n_asked}", element_wise=False))
        cols[col.name] = pa.Column(col.dtype, checks, nullable=True)
    return pa.DataFrameSchema(cols)


def _run(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """All failures of a pandera schema (lazy: every column and check, not the first only)."""
    try:
        schema.validate(frame, lazy=True, inplace=True)  # `frame` is ours: no copy of the data
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases
    return pd.DataFrame(columns=["column", "check", "failure_case", "index"])


# --------------------------------------------------------------------------- messages


def _universe_reason(frame: pd.DataFrame, col: codebook.Column) -> Callable[[int, object], str]:
    def reason(pos: int, _value: object) -> str:
        wave = frame["wave"].iloc[pos]
        if wave not in col.years:
            return (f"answered, but this question was asked only in the "
                    f"{' and '.join(map(str, col.years))} wave and this row is wave {wave}")
        routing = [c for c in ROUTING[col.universe] if not c.startswith("collaboration_partner_")]
        here = [f"{c} = {_fmt(frame[c].iloc[pos])}" for c in routing]
        if col.universe == "collaborated" and _fmt(frame["innovated"].iloc[pos]) == "1":
            here = ["no collaboration partner ticked"]
        return (f"answered, but this question was not asked here: asked only of "
                f"{codebook.UNIVERSES[col.universe]}; this row has {', '.join(here)}")
    return reason


def _fmt(value: object) -> str:
    return "empty" if pd.isna(value) else str(value)


def _did_you_mean(name: str) -> Callable[[int, object], str]:
    col = codebook.column(name)

    def detail(_pos: int, value: object) -> str:
        text = describe_allowed(name)
        close = difflib.get_close_matches(str(value), list(col.codes), n=1, cutoff=0.6)
        return text + (f"; did you mean '{close[0]}'?" if close else "")
    return detail


def _duplicate_detail(frame: pd.DataFrame, rep: Report, positions: np.ndarray) -> Callable[[int, object], str]:
    """Name the other rows with the same id and wave (among the duplicated rows only)."""
    keys = (frame["wave"].astype("string").fillna("") + "\x00"
            + frame["org_id"].fillna("")).to_numpy(dtype=object)[positions]

    def detail(pos: int, _value: object) -> str:
        same = positions[keys == keys[np.searchsorted(positions, pos)]]
        others = [p for p in same if p != pos]
        wave = _fmt(frame["wave"].iloc[pos])
        shown = ", ".join(rep.where(int(p)) for p in others[:3]) + (", …" if len(others) > 3 else "")
        if others and others[0] < pos:
            return f"org_id already used in wave {wave} on {shown}; ids must be unique within a wave"
        return f"org_id used again in wave {wave} on {shown}; ids must be unique within a wave"
    return detail


# --------------------------------------------------------------------------- the checks


def check(frame: pd.DataFrame, file: str = "<data frame>", rows: np.ndarray | None = None,
          lines: np.ndarray | None = None, flagged: dict[str, np.ndarray] | None = None,
          ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate a table as read; return (the data in schema dtypes and order, problems).

    ``rows``/``lines`` give the row and line number of each row (for messages); ``flagged``
    marks cells that reading already reported (e.g. unlabelled SPSS codes), which are treated
    as invalid here and not reported again. The data are returned even when there are errors
    (invalid cells empty); callers decide (see :func:`barometer.intake.reading.validate_file`).
    """
    if frame.shape[1] == 0:
        rep = Report(file)
        rep.add("empty file", "the file has no columns (not even a header)")
        return None, rep.problems
    names = [str(c).strip().lstrip("\ufeff").strip() for c in frame.columns]
    frame = frame.set_axis(names, axis=1).reset_index(drop=True)
    rep = Report(file, rows, lines, frame)
    dup = pd.Index(names).duplicated()
    for name in dict.fromkeys(np.asarray(names, dtype=object)[dup]):
        where = [i + 1 for i, n in enumerate(names) if n == name]
        rep.add("duplicate column", f"the column name appears {len(where)} times (columns "
                f"{', '.join(map(str, where))}); only the first is used — rename or remove the others",
                name)
    if dup.any():
        frame = frame.iloc[:, np.flatnonzero(~dup)]
        rep.raw = frame
    if len(frame) == 0:
        rep.add("no data rows", "the file has a header but no data rows")
        return None, rep.problems

    expected = codebook.columns()
    present = [c for c in expected if c in frame]
    unknown = [c for c in frame.columns if c not in expected and c != DATA_SOURCE]
    if not present:
        head = ", ".join(f"'{show_value(c, 30)}'" for c in list(frame.columns)[:4])
        rep.add("missing column", f"none of the {len(expected)} columns of the schema was found "
                f"(expected org_id, wave, sector, …; the header starts with {head}). Is this the "
                "microdata file? If your columns have other names, map them with a mapping file "
                "(--mapping).")
        return None, rep.problems
    _structure(rep, [c for c in expected if c not in frame], unknown)
    frame = frame[[*present, *([DATA_SOURCE] if DATA_SOURCE in frame else [])]]
    rep.raw = frame

    # Pass 2: types.
    parsed: dict[str, pd.Series] = {}
    bad: dict[str, np.ndarray] = {}
    for name in frame.columns:
        kind = codebook.column(name).kind if name != DATA_SOURCE else "label"
        parse = parse_text if kind in ("id", "label") else parse_numeric
        result = parse(name, frame[name], rep)
        prior = (flagged or {}).get(name)
        if prior is not None and len(prior) == len(frame):
            result.bad = result.bad | prior
            result.values = result.values.mask(prior) if prior.any() else result.values
        parsed[name] = result.values
        bad[name] = result.bad
    clean = pd.DataFrame(parsed, copy=False)

    # Pass 3a: values, ids (pandera).
    duplicate = None
    if "org_id" in clean and "wave" in clean:
        duplicate = (clean.duplicated(["wave", "org_id"], keep=False)
                     & clean["org_id"].notna() & clean["wave"].notna()).to_numpy()
    failures = _run(value_schema(clean, duplicate), clean)
    _report_values(rep, clean, failures, bad)
    for name, mask in bad.items():
        if mask.any():
            clean[name] = clean[name].mask(mask)

    # Pass 3b: universes (pandera), on valid values only.
    if "wave" in clean:
        groups = universes(clean, bad)
        failures = _run(design_schema(clean, bad, groups), clean)
        _report_design(rep, clean, failures)
    return clean, rep.problems


def _structure(rep: Report, missing: list[str], unknown: list[str]) -> None:
    """Missing columns are errors, unknown ones warnings; both with a hint where one fits."""
    lower_unknown = {u.casefold(): u for u in unknown}
    for i, name in enumerate(missing):
        if i == MAX_CELL_PROBLEMS:
            rest = missing[i:]
            rep.add("missing column", f"... and {len(rest)} more columns missing: {', '.join(rest)}")
            break
        hint = ""
        close = lower_unknown.get(name.casefold()) or next(
            iter(difflib.get_close_matches(name, unknown, n=1, cutoff=0.85)), None)
        if close:
            hint = f"; the file has a column '{close}' — rename it, or map it in a mapping file"
        rep.add("missing column", f"required column missing{hint}", name)
    for i, name in enumerate(unknown):
        if i == MAX_CELL_PROBLEMS:
            rest = unknown[i:]
            rep.add("unknown column", f"... and {len(rest)} more columns that are not in the schema "
                    "(ignored)", severity="warning")
            break
        hint = ""
        close = next(iter(difflib.get_close_matches(name, missing, n=1, cutoff=0.85)), None)
        if close:
            hint = f"; did you mean '{close}'?"
        rep.add("unknown column", f"not a column of the schema; it is ignored{hint}", name,
                severity="warning")


_ORDER = {name: i for i, name in enumerate([*codebook.columns(), DATA_SOURCE])}


def _groups(failures: pd.DataFrame, rep: Report):
    """Failure cases per (column, check), in schema order; index values as row positions.

    A check that raised (rather than failed) shows up without a row index: that is reported
    as an internal error, so that a broken check can never pass silently."""
    if failures.empty:
        return
    failures = failures.assign(_order=failures["column"].map(_ORDER).fillna(len(_ORDER)))
    for (column, check), part in failures.sort_values("_order", kind="stable").groupby(
            ["column", "check"], sort=False):
        positions = pd.to_numeric(part["index"], errors="coerce")
        scalar = str(check).startswith("all missing|")
        raised = (part["failure_case"].astype(str) != "False").any() if scalar else positions.isna().any()
        if raised:
            rep.problems.append(internal_problem(rep.file, RuntimeError(
                f"check '{check}' of column '{column}' failed to run: {part['failure_case'].iloc[0]}")))
            continue
        yield str(column), str(check), positions.dropna().astype("int64").to_numpy()


def _report_values(rep: Report, clean: pd.DataFrame, failures: pd.DataFrame,
                   bad: dict[str, np.ndarray]) -> None:
    for column, check, positions in _groups(failures, rep):
        if check == "allowed values":
            positions = positions[~bad[column][positions]]
            is_label = column in codebook.columns() and codebook.column(column).kind == "label"
            detail = _did_you_mean(column) if is_label else describe_allowed(column)
            rep.cells(column, "allowed values", positions, detail)
            bad[column][positions] = True
        elif check == "not_nullable":
            positions = positions[~bad[column][positions]]
            what = "every row needs an org_id" if column == "org_id" else "every row needs a wave (2021 or 2025)"
            rep.cells(column, "missing id" if column == "org_id" else "missing wave", positions, what)
            bad[column][positions] = True
        elif check == "duplicate id":
            positions = np.sort(positions)
            rep.cells(column, "duplicate id", positions, _duplicate_detail(clean, rep, positions))
        else:  # a dtype or other structural failure we did not foresee: still a Problem
            rep.add("type", f"failed the check {check}", column)


def _report_design(rep: Report, clean: pd.DataFrame, failures: pd.DataFrame) -> None:
    for column, check, positions in _groups(failures, rep):
        col = codebook.column(column)
        if check == "universe":
            rep.cells(column, "universe", positions, _universe_reason(clean, col))
        elif check.startswith("all missing|"):
            _, wave, n_asked = check.split("|")
            rep.add("all missing", f"all values missing in wave {wave}, although {n_asked} "
                    f"organisation{'s were' if n_asked != '1' else ' was'} asked "
                    f"({codebook.UNIVERSES[col.universe]}): wrong column mapping?", column)
        else:
            rep.add("universe", f"failed the check {check}", column)


# --------------------------------------------------------------------------- public API


def validate(df: pd.DataFrame, file: str = "<data frame>") -> list[Problem]:
    """Every problem of a data frame against the schema (errors and warnings)."""
    try:
        return check(df, str(file))[1]
    except Exception as exc:  # noqa: BLE001 - the promise: problems, never a traceback
        return [internal_problem(str(file), exc)]


def internal_problem(file: str, exc: Exception) -> Problem:
    first = (str(exc).strip().splitlines() or [""])[0]
    return Problem(file, rule="internal error", detail=(
        f"validation stopped on an unexpected error ({type(exc).__name__}: {show_value(first, 200)}). "
        "This is a bug in barometer, not necessarily in your file: please report it "
        "(without the confidential data)."))


__all__ = ["Problem", "ValidationError", "validate", "check", "errors_of", "internal_problem",
           "MAX_CELL_PROBLEMS", "MISSING_MARKERS", "ROUTING"]
