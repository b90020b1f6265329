"""Fuzzing the loader: whatever bytes arrive, the result is a list of problems, never a
traceback, and nothing is written unless the file passed."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barometer.data import codebook as microdata
from barometer.intake import reading as bio
from barometer.intake import validation

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
COLUMNS = microdata.columns()


@cache
def valid_rows() -> pd.DataFrame:
    return bio.load("synthetic")


def _check_outcome(path: Path, out: Path) -> None:
    status = bio.main(path, None, out)
    assert status in (0, 1)
    data, problems = bio.validate_file(path)
    assert all(isinstance(p, validation.Problem) for p in problems)
    assert (data is None) == any(p.is_error for p in problems) or data is not None
    if status == 1:
        assert not out.exists(), "an output was written although the file failed"
    assert not any(p.rule == "internal error" for p in problems), [str(p) for p in problems]


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes_end_in_a_clean_error(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "input.csv"
    path.write_bytes(data)
    _check_outcome(path, folder / "out.csv")


cell = st.one_of(st.integers(-5, 2030).map(str), st.sampled_from(["", "NA", "ja", "nee", "Gemeente", "2025", "1,5",
                                                                    "\"", "'", ";", "\t", "=1+1", "é"]),
                 st.text(alphabet=string.printable, max_size=6))


@SETTINGS
@given(header=st.lists(st.sampled_from(COLUMNS + ["extra", "", "wave", "org_id"]), min_size=1, max_size=12),
       rows=st.lists(st.lists(cell, min_size=1, max_size=12), max_size=8),
       sep=st.sampled_from([",", ";", "\t"]))
def test_random_tables_with_real_column_names_end_in_problems_not_tracebacks(tmp_path_factory, header, rows, sep):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "input.csv"
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    _check_outcome(path, folder / "out.csv")


@SETTINGS
@given(rows=st.integers(1, 30), column=st.sampled_from(COLUMNS), value=cell, seed=st.integers(0, 10_000))
def test_one_damaged_cell_in_valid_data_is_named(tmp_path_factory, rows, column, value, seed):
    folder = tmp_path_factory.mktemp("fuzz")
    valid = valid_rows().sample(rows, random_state=seed).reset_index(drop=True)
    damaged = valid.astype("string")
    damaged.loc[0, column] = value
    path = folder / "input.csv"
    damaged.to_csv(path, index=False)
    data, problems = bio.validate_file(path)
    assert not any(p.rule == "internal error" for p in problems)
    if data is None:  # rejected: the problem names the file and, for a cell, the column
        errors = [p for p in problems if p.is_error]
        assert errors and all(str(path) in str(p) for p in errors)


@SETTINGS
@given(text=st.text(max_size=300))
def test_random_mapping_files_end_in_problems(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("fuzz")
    mapping = folder / "mapping.yml"
    mapping.write_text(text, encoding="utf-8")
    rules, problems = bio.read_mapping(mapping)
    assert rules is not None or problems


def test_yaml_that_would_run_code_is_refused(tmp_path):
    mapping = tmp_path / "mapping.yml"
    mapping.write_text("columns: !!python/object/apply:os.system ['touch pwned']\n")
    rules, problems = bio.read_mapping(mapping)
    assert rules is None and problems and "not allowed" in str(problems[0])
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_a_formula_in_a_cell_is_data_not_code(tmp_path):
    df = bio.load("synthetic").head(3).astype("string")
    df.loc[0, "sector"] = "=cmd|' /C calc'!A0"
    path = tmp_path / "input.csv"
    df.to_csv(path, index=False)
    data, problems = bio.validate_file(path)
    assert data is None and any(p.column == "sector" for p in problems)
    # the file is left as it was: the formula is still text in its cell, never evaluated
    assert pd.read_csv(path, dtype=str).loc[0, "sector"] == "=cmd|' /C calc'!A0"
