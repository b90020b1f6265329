"""The published layer: schema, codebook coverage, traceability, accessors and CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from frictionless import validate

from barometer.data import paths, published, verification

SEED = paths.ROOT.parent / "shared" / "seeds" / "002_b6b7eaeabf486543.txt"
ANNEX = [f"B1-{i}" for i in range(1, 13)]


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return published.load()


def _report_errors(report) -> list:
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_validates_the_published_package():
    report = validate(str(paths.PUBLISHED / "datapackage.json"))
    assert report.valid, _report_errors(report)


def test_frictionless_validates_the_qualitative_package():
    report = validate(str(paths.DATA / "qualitative" / "datapackage.json"))
    assert report.valid, _report_errors(report)


def test_the_schema_rejects_a_bad_row(tmp_path):
    shutil.copy(paths.PUBLISHED / "datapackage.json", tmp_path)
    (tmp_path / "verification").mkdir()
    shutil.copy(paths.PUBLISHED / "verification" / "second_transcription.csv", tmp_path / "verification")
    shutil.copy(paths.PUBLISHED / "errata.csv", tmp_path)
    text = (paths.PUBLISHED / "values.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",count,", ",percentage_points_or_so,", 1)
    (tmp_path / "values.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    report = validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert any(err[1] == "statistic" for err in _report_errors(report))


def test_every_annex_table_and_key_figure_is_covered(values):
    present = set(values["source_id"])
    for source in [*ANNEX, "2-12", "2-17", "2-19", "B2-1", "B2-2", "B2-3", "B2-4", "summary"]:
        assert source in present, source


def test_both_waves_of_the_two_wave_annex_tables(values):
    for source in ["B1-2", "B1-3", "B1-4", "B1-5", "B1-6", "B1-7", "B1-8", "B1-10", "B1-12"]:
        assert set(values.loc[values["source_id"] == source, "year"]) == {2021, 2025}, source


def test_only_suppressed_cells_have_no_value(values):
    empty = values[values["value"].isna()]
    assert len(empty) > 0
    assert empty["note"].str.contains("suppressed").all()


def test_every_variable_is_in_the_codebook(values):
    variables = pd.read_csv(paths.CODEBOOK / "variables.csv", keep_default_na=False)
    options = pd.read_csv(paths.CODEBOOK / "options.csv", keep_default_na=False)
    assert set(values["variable"]) <= set(variables["variable"])
    assert set(options["variable"]) <= set(variables["variable"])
    assert variables["variable"].is_unique


def test_every_group_label_has_a_canonical_form(values):
    labels = pd.read_csv(paths.CODEBOOK / "group_labels.csv", keep_default_na=False)
    known = set(zip(labels["breakdown"], labels["label"], strict=True))
    rows = values[~values["breakdown"].isin(["case"])]
    missing = {(b, g) for b, g in zip(rows["breakdown"], rows["group"], strict=True)} - known
    assert missing == set()


WORDS = {2: "twee", 20: "twintig", 3: "drie", 4: "vier", 5: "vijf", 7: "zeven", 9: "negen", 17: "zeventien"}


def _printed_forms(value: float, note: str) -> set[str]:
    """How a number can look in the Dutch text: 76, 3,63, ,63, 3,40, 3.500.000, vier, '-'."""
    forms = {f"{value:g}".replace(".", ",")}
    if value != int(value):
        forms.add(f"{value:.2f}".replace(".", ","))
        if 0 < value < 1:
            forms.add(f"{value:.2f}".replace("0.", ","))
    else:
        forms.add(f"{int(value):,}".replace(",", "."))
        if int(value) in WORDS:
            forms.add(WORDS[int(value)])
    if value >= 1_000_000:
        forms.add(f"{value / 1_000_000:g} miljoen".replace(".", ","))
    if value == 0 and "'-'" in note:
        forms.add("-")
    return forms


@pytest.mark.skipif(not SEED.exists(), reason="the report text (../shared/seeds) is not beside the repository")
def test_every_printed_number_stands_on_its_source_line(values):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    missing = []
    for r in values[values["value"].notna()].itertuples():
        if r.approx and re.search(r"words|'[a-z0-9 ]*(helft|kwart|derde|op de)", r.note or "", re.IGNORECASE):
            continue  # a number written as words ('driekwart') or a fraction
        window = " ".join(lines[max(0, r.source_line - 3): r.source_line + 2])
        if r.statistic == "pct_point_diff" and r.group == "Totaal":
            continue  # a change between waves the text states as a difference of two numbers
        forms = _printed_forms(r.value, r.note or "")
        if not any(re.search(rf"(?<![\d,]){re.escape(f)}(?![\d])", window, re.IGNORECASE) for f in forms):
            missing.append((r.source_id, r.source_line, r.value, r.item[:40]))
    # Numbers written as words or derived (differences) are allowed, but must be few and noted.
    assert missing == []


def test_table_and_value_accessors():
    b18 = published.table("B1-8", year=2025, statistic="pct")
    assert len(b18) == 9
    assert published.value("B1-8", year=2025, group="Totaal", statistic="pct") == 76
    assert published.value("B1-8", year=2021, group="Totaal", statistic="n") == 366
    with pytest.raises(published.PublishedValueError, match="matches"):
        published.value("B1-8", year=2025)
    with pytest.raises(published.PublishedValueError, match="no published source"):
        published.table("B9-9")


def test_search_finds_zbo_rows():
    hits = published.search("zbo")
    assert len(hits) >= 5
    assert {"B1-8", "B1-10", "B1-11"} <= set(hits["source_id"])


def test_cli_prints_a_table_and_searches():
    run = [sys.executable, "-m", "barometer.build.cli", "published"]
    table = subprocess.run([*run, "B1-8"], capture_output=True, text=True, check=True).stdout
    assert "Rechtswezen" in table and "366" in table
    found = subprocess.run([*run, "--search", "zbo"], capture_output=True, text=True, check=True).stdout
    assert "B1-11" in found and "ZBO" in found
    bad = subprocess.run([*run, "B9-9"], capture_output=True, text=True)
    assert bad.returncode == 1 and "no published source" in bad.stderr and "Traceback" not in bad.stderr


def test_corrected_figures_keep_every_number(values):
    assert published.figure_2_12(corrected=True)["pct"].sum() == pytest.approx(
        values.loc[values["source_id"] == "2-12", "value"].sum())
    assert len(published.figure_2_19()) == len(values[values["source_id"] == "2-19"])


# --------------------------------------------------------------------------- double transcription


def test_independent_transcriptions_agree_cell_by_cell():
    diff = verification.compare()
    assert diff.empty, diff.to_string()
    second = pd.read_csv(paths.PUBLISHED / verification.SECOND, keep_default_na=False)
    assert len(second) > 450
    assert set(second["source_id"]) == {*ANNEX, "2-17", "B2-2", "B2-3"}


def test_the_comparison_detects_a_changed_cell(values):
    changed = values.copy()
    idx = changed.index[(changed["source_id"] == "B1-9") & (changed["group"] == "GR")][0]
    changed.loc[idx, "value"] = changed.loc[idx, "value"] + 1
    dropped = changed.drop(index=changed.index[changed["source_id"] == "B2-3"][:1])
    diff = verification.compare(primary=dropped)
    assert set(diff["problem"]) == {"values differ", "only in second"}
    assert len(diff) == 2


def test_readme_coverage_table_is_current():
    readme = (paths.PUBLISHED / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- coverage:start -->\n")[1].split("<!-- coverage:end -->")[0].strip()
    assert table == published.coverage_markdown()
