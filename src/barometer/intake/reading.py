"""Reading users' microdata files, and loading validated microdata for the chapters.

Why a reading step of its own: the confidential microdata reach academics in whatever form the
data holder exports them: CSV from Excel (semicolons, decimal commas, Windows-1252, a BOM),
SPSS ``.sav``, Stata ``.dta`` or Parquet, with their own column names. Reading turns each of
these into one *raw table*: the cells as they are in the file (text stays text, so that
validation can quote the value it rejects), with the row and line number of every row, the
user's column/value mapping applied, and SPSS/Stata value labels resolved through the codebook.
:mod:`barometer.intake.validation` then checks that table against the schema.

Reading never raises for bad input: whatever goes wrong becomes a
:class:`~barometer.intake.validation.Problem`.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import logging
import os
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from barometer.data import codebook, paths
from barometer.intake.validation import (
    DATA_SOURCE,
    MAX_CELL_PROBLEMS,
    Problem,
    Report,
    ValidationError,
    check,
    code_labels,
    errors_of,
    internal_problem,
    label_aliases,
    normalise_label,
    show_value,
)

#: Readers by file extension.
FORMATS = {".csv": "text", ".txt": "text", ".sav": "spss", ".zsav": "spss", ".dta": "stata",
           ".parquet": "parquet"}
FORMAT_NAMES = {"text": "CSV/text", "spss": "SPSS", "stata": "Stata", "parquet": "Parquet"}

#: Separators a text file may use; the header line decides which one.
SEPARATORS = (",", ";", "\t")
#: Excel writes (and reads) a first line 'sep=;' to name the separator.
EXCEL_SEP = re.compile(r'"?sep=(.)"?')
#: Separators we do not read but recognise, to say why a header would not split.
OTHER_SEPARATORS = ("|", ":", "^", "~", "#", " ")

#: Value labels that mean yes / no (binary questions) or ticked / not ticked (options).
YES = ("ja", "yes", "waar", "true", "gekozen", "geselecteerd", "aangevinkt", "selected", "checked",
       "ticked")
NO = ("nee", "no", "onwaar", "false", "niet gekozen", "niet geselecteerd", "niet aangevinkt",
      "not selected", "not checked", "unchecked", "not ticked")

#: The first bytes of files that are not text, to say what a misnamed file probably is.
MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?)"),
    (b"\xd0\xcf\x11\xe0", "an Office document (an Excel .xls workbook?)"),
    (b"$FL2", "an SPSS .sav file"),
    (b"$FL3", "an SPSS .zsav file"),
    (b"PAR1", "a Parquet file"),
    (b"<stata_dta>", "a Stata .dta file"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
)

SYNTHETIC_FILES = ("synthetic_2021.csv", "synthetic_2025.csv")

log = logging.getLogger(__name__)


@dataclass
class RawTable:
    """A file as read, before validation.

    ``rows`` are the 1-based data row numbers and ``lines`` the line numbers (text files only)
    of the frame's rows; ``flagged`` marks cells that reading reported already (per column).
    ``frame`` is None when the file could not be read at all.
    """

    file: str
    frame: pd.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    rows: np.ndarray | None = None
    lines: np.ndarray | None = None
    flagged: dict[str, np.ndarray] = field(default_factory=dict)


class _Unreadable(Exception):
    """A reader gives up on a file; carries the problem to report."""

    def __init__(self, rule: str, detail: str):
        super().__init__(detail)
        self.rule, self.detail = rule, detail


# --------------------------------------------------------------------------- entry points


def read_table(path: str | os.PathLike, mapping: str | os.PathLike | None = None) -> RawTable:
    """Read one data file (and apply the mapping file, if any) into a :class:`RawTable`."""
    path = Path(path)
    name = str(path)
    problems: list[Problem] = []
    rules = None
    if mapping is not None:
        rules, problems = read_mapping(mapping)
        if rules is None:
            return RawTable(name, None, problems)
    paths.record_input(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        return RawTable(name, None, problems + [Problem(name, rule="format", detail=(
            f"cannot read files ending in '{path.suffix or '(no extension)'}'; save the data as "
            "CSV (.csv, .txt), SPSS (.sav), Stata (.dta) or Parquet (.parquet)"))])
    if not path.exists():
        return RawTable(name, None, problems + [Problem(name, rule="unreadable", detail="file not found")])
    if path.is_dir():
        return RawTable(name, None, problems + [Problem(name, rule="unreadable", detail="this is a folder, not a file")])
    rep = Report(name)
    try:
        frame, lines, labels = READERS[kind](path, rep)
    except _Unreadable as exc:
        return RawTable(name, None, problems + rep.problems + [Problem(name, rule=exc.rule, detail=exc.detail)])
    except OSError as exc:
        return RawTable(name, None, problems + [Problem(name, rule="unreadable", detail=(
            f"cannot read the file: {exc.strerror or exc}"))])
    except Exception as exc:  # noqa: BLE001 - any library error on a damaged file is a Problem
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return RawTable(name, None, problems + [Problem(name, rule="unreadable", detail=(
            f"cannot read the file as {FORMAT_NAMES[kind]}: {show_value(first, 200)}"))])
    rows = np.asarray(frame.index, dtype=np.int64) + 1
    frame = frame.reset_index(drop=True)
    found = rep.problems
    rep = Report(name, rows, lines, frame)
    rep.problems = problems + found
    flagged: dict[str, np.ndarray] = {}
    if rules is not None:
        frame, labels, replaced = apply_mapping(frame, labels, rules, rep, name)
    else:
        replaced = {}
    if labels:
        rep.raw = frame
        frame, flagged = apply_value_labels(frame, labels, replaced, rep)
    return RawTable(name, frame, rep.problems, rows, lines, flagged)


def load(source: str | os.PathLike = "synthetic", mapping: str | os.PathLike | None = None,
         *, cache: bool = True) -> pd.DataFrame:
    """The microdata, validated: ``"synthetic"`` for the synthetic stand-in (both waves), or the
    path of your own file. Raises :class:`ValidationError` with every problem if the data do
    not pass; warnings (e.g. ignored extra columns) do not stop loading.

    The validated synthetic data are kept in ``_build/cache`` (see :func:`_synthetic_cache`);
    ``cache=False`` validates them again. Your own microdata are never copied anywhere."""
    if str(source) == "synthetic":
        files = [paths.SYNTHETIC / name for name in SYNTHETIC_FILES]
        cached = _synthetic_cache(files) if cache and mapping is None else None
        if cached is not None and cached.exists():
            try:
                return pd.read_parquet(cached)
            except Exception:  # noqa: BLE001 - a damaged cache file is validated again below
                cached.unlink(missing_ok=True)
    else:
        files = [Path(source)]
        cached = None
    frames, problems = [], []
    for file in files:
        data, found = validate_file(file, mapping)
        problems += found
        frames.append(data)
    if any(p.is_error for p in problems) or any(f is None for f in frames):
        raise ValidationError(problems)
    for problem in problems:  # warnings (e.g. ignored extra columns) do not stop loading
        log.warning("%s", problem)
    data = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    repeated = data.duplicated(["wave", "org_id"], keep="first")
    if repeated.any():  # the same organisation and wave in two files
        raise ValidationError([Problem(str(source), "org_id", rule="duplicate id", detail=(
            f"{int(repeated.sum())} organisation(s) appear in more than one file for the same wave, "
            f"e.g. '{data.loc[repeated, 'org_id'].iloc[0]}'"))])
    if cached is not None and not problems:
        paths.write_atomically(cached, data.to_parquet)  # two chapters may load at once
    return data


def _synthetic_cache(files: list[Path]) -> Path | None:
    """Where the validated synthetic data are kept: a Parquet file named by a digest of
    everything validation depends on (the synthetic files, the codebook, the package's code).

    Validating the two synthetic waves took most of a second in every chapter, the same work
    each time. The data files are recorded as inputs of the running notebook, as when they were
    read for validation, so the build cache still sees a change to any of them (the package's
    code is part of every notebook's cache key already)."""
    data = [*files, *sorted(paths.CODEBOOK.glob("*.csv"))]
    if not all(f.is_file() for f in data):
        return None  # validation names what is missing
    for f in data:
        paths.record_input(f)
    digest = paths.files_digest([*data, *paths.package_files()])
    return paths.cache_dir() / f"synthetic-{digest[:20]}.parquet"


# --------------------------------------------------------------------------- text files


def _read_text(path: Path, rep: Report) -> tuple[pd.DataFrame, np.ndarray | None, dict]:
    data = path.read_bytes()
    if not data.strip():
        raise _Unreadable("empty file", "the file is empty (0 bytes)" if not data
                          else "the file contains only white space")
    what = _binary_kind(data)
    if what:
        raise _Unreadable("not a text file", (
            f"this is not a text (CSV) file: it looks like {what}. Export the data as CSV, or give "
            "the file the extension of its format (.sav, .dta, .parquet)"))
    text = _decode(data, rep)
    header_line = next((ln for ln in io.StringIO(text) if ln.strip()), "")
    declared = EXCEL_SEP.fullmatch(header_line.strip())
    if declared:  # Excel's 'sep=;' first line names the separator; the header follows it
        sep = declared.group(1)
        if sep not in SEPARATORS:
            raise _Unreadable("delimiter", f"the first line declares the separator '{sep}'; "
                              "save the file with comma, semicolon or tab separators")
        text = text.split("\n", 1)[1] if "\n" in text else ""
        offset = 1
    else:
        sep, offset = _sniff(header_line), 0
    frame, lines = _parse_csv(text, sep, rep)
    if offset and lines is not None:
        lines = lines + offset
        for i, problem in enumerate(rep.problems):
            if problem.line is not None:
                rep.problems[i] = replace(problem, line=problem.line + offset)
    return frame, lines, {}


def _binary_kind(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    for magic, what in MAGIC:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if b"\x00" in head:
        return "binary data (it contains NUL bytes)"
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if control > 0.05 * len(head):
        return "binary data (many control characters)"
    return None


def _decode(data: bytes, rep: Report) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1 (which
    decodes anything): Dutch diacritics survive whichever of these the file was saved in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _Unreadable("unreadable", f"the file starts as UTF-16 text but is damaged: {exc.reason}") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if any(mark in text for mark in ("Ã«", "Ã©", "Ã¨", "Ã¶", "Ã¯", "â€")):
        rep.add("encoding", "the file is not valid UTF-8 and was read as Windows-1252, but some "
                "characters look garbled (e.g. 'Ã«' for 'ë'): the file may mix encodings; save it "
                "again as UTF-8", severity="warning")
    return text


def _fields(line: str, sep: str) -> list[str]:
    return next(csv.reader([line], delimiter=sep), [])


def _sniff(header: str) -> str:
    """The separator of the header line: comma, semicolon or tab, whichever splits it most.
    A header that none of them splits but '|' (or similar) does is an error with a hint."""
    counts = {sep: len(_fields(header, sep)) for sep in SEPARATORS}
    best = max(counts, key=counts.get)
    if counts[best] > 1:
        return best
    known = set(codebook.columns())
    for sep in OTHER_SEPARATORS:
        parts = [p.strip() for p in _fields(header, sep)]
        if len(parts) > 1 and known.intersection(parts):
            shown = show_value(header, 50)
            name = "a space" if sep == " " else f"'{sep}'"
            raise _Unreadable("delimiter", (
                f"the header '{shown}' could not be split into columns with a comma, semicolon or "
                f"tab: the file seems to use {name} as separator. Save it with comma, semicolon or "
                "tab separators (in Excel: Save As > CSV)"))
    return ","


def _parse_csv(text: str, sep: str, rep: Report) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Parse with pandas (fast), and with the csv module for what pandas does not tell us:
    the line where each row starts (values may span lines; blank lines are skipped) and rows
    with more or fewer values than the header has columns."""
    header: list[str] | None = None
    header_end = 0
    starts: list[int] = []
    counts: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    previous_end = 0
    raw_widest = 0  # fields as pandas will see them, trailing empty ones included
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if header is None:
                header, header_end = record, reader.line_num
                continue
            raw_widest = max(raw_widest, len(record))
            while len(record) > len(header) and not record[-1].strip():
                record.pop()  # trailing separators without values are harmless
            starts.append(start)
            counts.append(len(record))
    except csv.Error as exc:
        raise _Unreadable("quote", (
            f"line {previous_end + 1}: {exc}; probably a quote (\") that is opened but never "
            "closed — check that line")) from None
    if header is None:
        raise _Unreadable("empty file", "the file contains no header")
    width = len(header)
    # Every row in `widest` columns, so that pandas keeps (pads) every row, as the csv module did;
    # trailing separators count here, or pandas warns that it drops the empty values after them.
    widest = max(width, raw_widest)
    frame = pd.read_csv(io.StringIO(text, newline=""), sep=sep, header=None, names=list(range(widest)),
                        skiprows=header_end, dtype=str, keep_default_na=False, na_filter=False,
                        skip_blank_lines=True, index_col=False, engine="c")
    lines = np.asarray(starts, dtype=np.int64) if len(frame) == len(starts) else None
    ragged = np.flatnonzero(np.asarray(counts, dtype=np.int64) != width) if lines is not None else []
    for i, pos in enumerate(ragged):
        if i == MAX_CELL_PROBLEMS:
            rep.add("field count", f"... and {len(ragged) - i} more rows with a wrong number of values")
            break
        n = counts[pos]
        values = f"{n} value{'s' if n != 1 else ''}"
        why = ("a separator inside a value that is not in quotes?" if n > width
               else "the row is cut short; the missing values would be read as empty cells")
        rep.problems.append(Problem(rep.file, None, int(pos) + 1, None, "field count", "error",
                                    f"the row has {values} but the header has {width} columns: {why}",
                                    int(lines[pos])))
    frame = frame.iloc[:, :width].fillna("")
    frame.columns = [h.strip() or f"(unnamed column {i + 1})" for i, h in enumerate(header)]
    # A trailing separator on every line leaves a nameless, empty column: not data.
    unnamed = [i for i, c in enumerate(frame.columns) if c.startswith("(unnamed column")]
    drop = [i for i in unnamed if _blank(frame.iloc[:, i]).all()]
    if drop:
        frame = frame.iloc[:, [i for i in range(frame.shape[1]) if i not in drop]]
    # Rows without any value (Excel leaves ';;;;' rows behind) carry no data.
    empty = np.ones(len(frame), bool)
    for i in range(frame.shape[1]):
        empty &= _blank(frame.iloc[:, i])
        if not empty.any():
            break
    if empty.any():
        where = np.flatnonzero(empty) + 1
        shown = ", ".join(map(str, where[:5])) + (", …" if len(where) > 5 else "")
        rep.add("empty rows", f"{len(where)} row{'s' if len(where) != 1 else ''} without any value "
                f"ignored (rows {shown})", severity="warning")
        frame = frame[~empty]
        if lines is not None:
            lines = lines[~empty]
    return frame, lines


def _blank(column: pd.Series) -> np.ndarray:
    return (column.str.strip() == "").to_numpy(dtype=bool, na_value=True)


# --------------------------------------------------------------------------- binary formats


def _read_spss(path: Path, rep: Report) -> tuple[pd.DataFrame, None, dict]:
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False)
    return frame, None, dict(meta.variable_value_labels)


def _read_stata(path: Path, rep: Report) -> tuple[pd.DataFrame, None, dict]:
    import pyreadstat

    frame, meta = pyreadstat.read_dta(str(path), apply_value_formats=False)
    return frame, None, dict(meta.variable_value_labels)


def _read_parquet(path: Path, rep: Report) -> tuple[pd.DataFrame, None, dict]:
    frame = pd.read_parquet(path, dtype_backend="numpy_nullable")
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()  # an index written by pandas (e.g. org_id) is a column to us
    frame.index = pd.RangeIndex(len(frame))
    return frame, None, {}


READERS = {"text": _read_text, "spss": _read_spss, "stata": _read_stata, "parquet": _read_parquet}


# --------------------------------------------------------------------------- value labels


@cache
def label_table(name: str) -> dict[str, object]:
    """For one schema column: value-label text (normalised) -> our value, from the codebook.

    Table-driven, so that no column needs code of its own: design labels map to their canonical
    label (aliases included), waves to the year, binaries through yes/no words, options through
    yes/no words and their own option label, coded answers through the codebook labels of their
    options (or of the battery's answer scale ``<variable>_answer``).
    """
    col = codebook.column(name)
    table: dict[str, object] = {}
    if col.kind == "label":
        return dict(label_aliases(name))
    if col.kind == "wave":
        opts = codebook.options_of("wave")
        for nl, en in zip(opts["label_nl"], opts["label_en"], strict=True):
            year = int(nl)
            table[normalise_label(nl)] = table[normalise_label(en)] = year
        return table
    if col.kind in ("binary", "option"):
        table.update({w: 1 for w in YES})
        table.update({w: 0 for w in NO})
        if col.kind == "option":
            table.setdefault(normalise_label(col.label_nl), 1)
            table.setdefault(normalise_label(col.label_en), 1)
        return table
    variable = col.variable if col.name == col.variable else f"{col.variable}_answer"
    opts = codebook.options_of(variable)
    for code, nl, en in zip(opts["code"], opts["label_nl"], opts["label_en"], strict=True):
        table.setdefault(normalise_label(nl), int(code))
        table.setdefault(normalise_label(en), int(code))
    return table


def apply_value_labels(frame: pd.DataFrame, labels: dict[str, dict], replaced: dict[str, np.ndarray],
                       rep: Report) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Resolve SPSS/Stata value labels through the codebook.

    A labelled code becomes our value when its label is one the codebook knows ('Gemeente',
    'Ja' -> 1); otherwise the code is kept (with a warning when the codebook gives that code
    another meaning). A code without a label in a labelled categorical column is an error
    ("unlabelled code"): its meaning is unknown. Exceptions: Likert items (scales are often
    labelled at their ends only) and an unlabelled 0 in an option column whose 1 is labelled
    (the usual 'ticked' coding).
    """
    known = set(codebook.columns())
    flagged: dict[str, np.ndarray] = {}
    frame = frame.copy()
    mismatch: dict[tuple, list[str]] = {}
    for name, value_labels in labels.items():
        if name not in frame or name not in known or not value_labels:
            continue
        col = codebook.column(name)
        if col.kind == "id":
            continue
        series = frame[name]
        if isinstance(series, pd.DataFrame):  # a duplicated column name: validation reports it
            continue
        table = label_table(name)
        resolved: dict[object, object] = {}
        odd: list[tuple[object, str]] = []
        for code, label in value_labels.items():
            ours = _lookup(table, label)
            if ours is None:
                if col.kind == "label":
                    ours = " ".join(str(label).split())  # validation says whether it is a label
                else:
                    ours = code
                    odd.append((code, str(label)))
            resolved[code] = ours
        if odd and col.kind != "label":
            mismatch.setdefault((col.variable, tuple(odd)), []).append(name)
        todo = series.notna().to_numpy() & ~replaced.get(name, np.zeros(len(series), bool))
        is_labelled = series.isin(list(value_labels)).to_numpy()
        unlabelled = todo & ~is_labelled
        if col.kind == "likert":
            unlabelled[:] = False
        elif col.kind == "option":
            unlabelled &= ~(pd.to_numeric(series, errors="coerce") == 0).to_numpy()
        new = series.astype(object).copy()
        mapped = todo & is_labelled
        if mapped.any():
            new[mapped] = series[mapped].map(resolved)
        if unlabelled.any():
            known_codes = ", ".join(f"{_code(c)} = {show_value(v, 25)}" for c, v in value_labels.items())
            rep.cells(name, "unlabelled code", np.flatnonzero(unlabelled), (
                f"this code has no value label in the file (labelled codes: {show_value(known_codes, 150)}), "
                "so its meaning is unknown"))
            new[unlabelled] = None
            flagged[name] = unlabelled
        frame[name] = new
    for (variable, odd), names in mismatch.items():
        _warn_labels(rep, variable, odd, names)
    return frame, flagged


def _lookup(table: dict[str, object], label: object) -> object:
    """Our value for a value label; a long label may be cut short (SPSS keeps 120 bytes), so a
    label of 40 characters or more also matches the one codebook label it begins."""
    norm = normalise_label(label)
    if norm in table:
        return table[norm]
    if len(norm) >= 40:
        hits = {value for key, value in table.items() if key.startswith(norm)}
        if len(hits) == 1:
            return hits.pop()
    return None


def _code(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _warn_labels(rep: Report, variable: str, odd: tuple, names: list[str]) -> None:
    col = codebook.column(names[0])
    said = []
    for code, label in odd[:3]:
        expected = None
        if col.kind in ("code", "likert"):
            try:
                expected = code_labels(names[0]).get(int(code))
            except (ValueError, TypeError, KeyError):
                expected = None
        said.append(f"{_code(code)} = '{show_value(label, 40)}'"
                    + (f" (codebook: '{show_value(expected, 40)}')" if expected else ""))
    columns = names[0] if len(names) == 1 else f"{names[0]} … {names[-1]} ({len(names)} columns)"
    kind = "a yes/no label" if col.kind in ("binary", "option") else "a label of the codebook"
    rep.add("value labels", f"value labels {'; '.join(said)}{' …' if len(odd) > 3 else ''} are not "
            f"{kind}; the codes are kept as they are — check that they mean what the codebook "
            f"says ({variable})", columns, severity="warning")


# --------------------------------------------------------------------------- mapping files


@dataclass(frozen=True)
class Mapping:
    """A user's mapping file: their column names -> ours, and per column their values -> ours."""

    file: str
    columns: dict[str, str]
    values: dict[str, dict[str, object]]


def _targets() -> list[str]:
    return [*codebook.columns(), DATA_SOURCE]


def read_mapping(path: str | os.PathLike) -> tuple[Mapping | None, list[Problem]]:
    """Read and check a mapping file (YAML, safe loading only: no tags that build objects)."""
    path = Path(path)
    name = str(path)
    paths.record_input(path)

    def problem(detail: str, column: str | None = None) -> Problem:
        return Problem(name, column, rule="mapping", detail=detail)

    if not path.is_file():
        return None, [problem("mapping file not found")]
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [problem("the mapping file is not UTF-8 text")]
    except OSError as exc:
        return None, [problem(f"cannot read the mapping file: {exc.strerror or exc}")]
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "python/" in str(exc):
            tag = str(exc).split("tag '", 1)[-1].split("'", 1)[0]
            return None, [problem(
                f"{where}the tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed: mapping "
                "files are read with safe loading and may hold only names and values (a "
                "python/object tag could run code)")]
        return None, [problem(f"{where}not valid YAML: {what}")]
    if spec is None:
        return None, [problem("the mapping file is empty; it needs 'columns:' and/or 'values:'")]
    if not isinstance(spec, dict):
        return None, [problem("the mapping file must be a YAML mapping with the keys 'columns' "
                              "and/or 'values'")]
    problems: list[Problem] = []
    for key in spec:
        if key not in ("columns", "values"):
            problems.append(problem(f"unknown key '{key}'; a mapping file has only 'columns' "
                                    "(their name: our name) and 'values' (our column: {their value: our value})"))
    targets = _targets()
    columns: dict[str, str] = {}
    raw_columns = spec.get("columns") or {}
    if not isinstance(raw_columns, dict):
        problems.append(problem("'columns' must map each of your column names to one of ours "
                                "(e.g.  Sector: sector)"))
        raw_columns = {}
    seen: dict[str, str] = {}
    for theirs, ours in raw_columns.items():
        if isinstance(theirs, bool) or isinstance(ours, bool):
            problems.append(problem(_bool_hint(theirs, ours)))
            continue
        if not isinstance(ours, str):
            problems.append(problem(f"column '{theirs}' is mapped to {ours!r}, which is not a column "
                                    "name", str(theirs)))
            continue
        if ours not in targets:
            close = difflib.get_close_matches(ours, targets, n=1, cutoff=0.6)
            problems.append(problem(f"'{theirs}' is mapped to '{ours}', which is not a column of the "
                                    f"schema{_maybe(close)}", ours))
            continue
        if ours in seen:
            problems.append(problem(f"both '{seen[ours]}' and '{theirs}' are mapped to '{ours}'", ours))
            continue
        seen[ours] = str(theirs)
        columns[str(theirs)] = ours
    values: dict[str, dict[str, object]] = {}
    raw_values = spec.get("values") or {}
    if not isinstance(raw_values, dict):
        problems.append(problem("'values' must map our column names to {their value: our value} "
                                "(e.g.  innovated: {'ja': 1, 'nee': 0})"))
        raw_values = {}
    for ours, table in raw_values.items():
        if ours not in targets:
            close = difflib.get_close_matches(str(ours), targets, n=1, cutoff=0.6)
            problems.append(problem(f"values are given for '{ours}', which is not a column of the "
                                    f"schema{_maybe(close)}", str(ours)))
            continue
        if not isinstance(table, dict):
            problems.append(problem("the values must be a mapping {their value: our value}", ours))
            continue
        clean: dict[str, object] = {}
        for theirs, value in table.items():
            if isinstance(theirs, bool) or isinstance(value, bool):
                problems.append(problem(_bool_hint(theirs, value), ours))
            elif isinstance(value, (list, dict)) or isinstance(theirs, (list, dict)):
                problems.append(problem(f"'{theirs}' must map to one value, not a list or mapping", ours))
            else:
                clean[_key(theirs)] = value
        values[ours] = clean
    if problems:
        return None, problems
    return Mapping(name, columns, values), []


def _maybe(close: list[str]) -> str:
    return f"; did you mean '{close[0]}'?" if close else ""


def _bool_hint(theirs: object, ours: object) -> str:
    return (f"'{theirs}: {ours}': an unquoted yes/no/on/off/true/false, which YAML reads as "
            "true/false; put such values in quotes ('yes': 1) and write 0/1 for our binary codes")


def _key(value: object) -> str:
    """How a cell or a mapping key is compared: as text, without spaces, integral numbers
    without '.0' (SPSS stores 2 as 2.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def apply_mapping(frame: pd.DataFrame, labels: dict, rules: Mapping, rep: Report, data_name: str,
                  ) -> tuple[pd.DataFrame, dict, dict[str, np.ndarray]]:
    """Rename columns and replace values as the mapping file says. Returns the frame, value
    labels under our column names, and per column the cells the user's value mapping set
    (their value labels no longer apply there)."""
    for theirs in rules.columns:
        if theirs not in frame.columns:
            rep.add("mapping", f"the mapping renames '{theirs}', but {data_name} has no such column",
                    theirs, severity="warning", file=rules.file)
    frame = frame.rename(columns=rules.columns)
    labels = {rules.columns.get(k, k): v for k, v in labels.items()}
    replaced: dict[str, np.ndarray] = {}
    for ours, table in rules.values.items():
        if ours not in frame.columns:
            rep.add("mapping", f"the mapping gives values for '{ours}', but {data_name} has no such "
                    "column (after renaming)", ours, severity="warning", file=rules.file)
            continue
        series = frame[ours]
        if isinstance(series, pd.DataFrame):  # duplicate names: validation reports them
            continue
        uniques = pd.unique(series.dropna())
        swap = {u: table[_key(u)] for u in uniques if _key(u) in table}
        if not swap:
            continue
        hit = series.isin(list(swap)).to_numpy()
        new = series.astype(object).copy()
        new[hit] = series[hit].map(swap)
        frame[ours] = new
        replaced[ours] = hit
    return frame, labels, replaced


__all__ = ["RawTable", "Mapping", "read_table", "read_mapping", "load", "label_table",
           "ValidationError", "FORMATS"]


# --------------------------------------------------------------------------- read and validate
# (here, not in validation: checking a frame does not need to know how files are read)

def validate_file(path: str | os.PathLike, mapping: str | os.PathLike | None = None,
                  ) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read and validate one file; the data (schema dtypes and order) only if there are no errors."""
    name = str(path)
    try:
        raw = read_table(path, mapping)
        if raw.frame is None:
            return None, raw.problems
        data, problems = check(raw.frame, raw.file, raw.rows, raw.lines, raw.flagged)
        problems = raw.problems + problems
    except Exception as exc:  # noqa: BLE001 - the promise: problems, never a traceback
        return None, [internal_problem(name, exc)]
    if errors_of(problems) or data is None:
        return None, problems
    return data, problems


OUTPUT_SUFFIXES = (".csv", ".parquet")


def write_atomic(df: pd.DataFrame, out: Path) -> None:
    """Write ``df`` to ``out`` (CSV or Parquet by extension) so that ``out`` is either the whole
    new file or untouched: write a temporary file next to it, then rename it in one step. The
    temporary file is private to the user (mode 0600), which suits confidential data."""
    def write(tmp: Path) -> None:
        if out.suffix.lower() == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())

    paths.write_atomically(out, write)


def _check_out(path: Path, out: Path) -> list[Problem]:
    name = str(out)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        return [Problem(name, rule="output", detail="the output file must end in .csv or .parquet")]
    same = out.resolve() == path.resolve()
    if not same and out.exists() and path.exists():
        same = os.path.samefile(out, path)
    if same:
        return [Problem(name, rule="output", detail="the output file is the input file; choose another "
                        "name (the input is never overwritten)")]
    if not out.parent.is_dir():
        return [Problem(name, rule="output", detail=f"the folder {out.parent} does not exist")]
    return []


def main(path: str | os.PathLike, mapping: str | os.PathLike | None = None,
         out: str | os.PathLike | None = None) -> int:
    """``barometer validate PATH [--mapping FILE] [--out FILE]``: print every problem (errors
    first) and a summary; with ``out``, write the cleaned data when there are no errors.
    Returns the exit status: 1 on any error, else 0."""
    path = Path(path)
    problems: list[Problem] = []
    if out is not None:
        problems += _check_out(path, Path(out))
    data, found = validate_file(path, mapping)
    problems = found + problems
    if out is not None and data is not None and not errors_of(problems):
        try:
            write_atomic(data, Path(out))
        except Exception as exc:  # noqa: BLE001 - report, do not crash
            reason = getattr(exc, "strerror", None) or show_value(str(exc), 200)
            problems.append(Problem(str(out), rule="output", detail=f"could not write the file: {reason}"))
    errors = errors_of(problems)
    warnings = [p for p in problems if not p.is_error]
    for problem in [*errors, *warnings]:
        print(f"{problem.severity}: {problem}")
    if data is not None and not errors:
        waves = data["wave"].value_counts().sort_index()
        per_wave = ", ".join(f"{n} in wave {w}" for w, n in waves.items())
        print(f"{len(data)} rows ({per_wave}), {data.shape[1]} columns")
    print(f"{len(errors)} error{'s' if len(errors) != 1 else ''}, "
          f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} in {path}")
    if out is not None:
        print(f"wrote {out}" if not errors else f"nothing written to {out} (fix the errors first)")
    return 1 if errors else 0
