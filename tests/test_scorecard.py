"""The scorecard, status and downloads appendices are generated from what the chapters saved."""

from __future__ import annotations

import pandas as pd
import pytest

from barometer.build import pages, scorecard
from barometer.data import paths


def record(chapter: str, source_id: str, published: float, recomputed: float, within: bool) -> dict:
    return {"chapter": chapter, "source_id": source_id, "year": 2025, "breakdown": "none", "group": "Totaal",
            "variable": "innovated", "item": "", "statistic": "pct", "published": published,
            "recomputed": recomputed, "difference": recomputed - published, "tolerance": 0.5,
            "within": within, "base_n": 347, "approx": False, "erratum": "", "data_source": "synthetic"}


@pytest.fixture
def chapters(tmp_path):
    root = tmp_path / "chapters"
    for chapter, rows in {"01_a": [record("01_a", "B1-8", 76, 76.1, True)],
                          "02_b": [record("02_b", "2-17", 30, 40, False), record("02_b", "B1-9", 37, 37.2, True)]}.items():
        folder = root / paths.FILES / chapter
        folder.mkdir(parents=True)
        pd.DataFrame(rows).to_csv(folder / scorecard.RECORDS, index=False)
    return root


def test_records_are_collected_with_their_role(chapters):
    rec = scorecard.collect(chapters)
    assert len(rec) == 3
    assert rec.set_index("source_id")["role"].to_dict() == {"B1-8": "calibration", "2-17": "fitted",
                                                          "B1-9": "calibration"}


def test_summary_counts_per_chapter_and_overall(chapters):
    summ = scorecard.summary(scorecard.collect(chapters)).set_index(["chapter", "role"])
    assert summ.loc[("all chapters", "all"), "compared"] == 3
    assert summ.loc[("all chapters", "all"), "within"] == 2
    assert summ.loc[("02_b", "fitted"), "within"] == 0


def test_a_number_two_chapters_compare_is_counted_once_among_the_distinct_numbers(chapters):
    folder = chapters / paths.FILES / "03_c"
    folder.mkdir(parents=True)
    pd.DataFrame([record("03_c", "B1-8", 76, 76.1, True)]).to_csv(folder / scorecard.RECORDS, index=False)
    text = scorecard.markdown(scorecard.collect(chapters))
    assert "4 comparisons of 3 distinct published numbers" in text


def test_changing_one_record_changes_the_scorecard(chapters):
    before = scorecard.markdown(scorecard.collect(chapters))
    path = chapters / paths.FILES / "01_a" / scorecard.RECORDS
    rec = pd.read_csv(path)
    rec.loc[0, ["recomputed", "within"]] = [80.0, False]
    rec.to_csv(path, index=False)
    after = scorecard.markdown(scorecard.collect(chapters))
    assert before != after
    assert "2 of 3 comparisons lie outside their tolerance" in after
    assert "1 of 3 comparisons lie outside their tolerance" in before


def test_synthetic_records_carry_the_warning(chapters):
    assert "Computed on synthetic data" in scorecard.markdown(scorecard.collect(chapters))


def test_after_execution_writes_the_appendix_pages(chapters, tmp_path):
    root = tmp_path / "proj"
    (root / pages.APPENDICES).mkdir(parents=True)
    (chapters / "01_a.ipynb").write_text("{}")
    written = pages.after_execution(root, chapters, {"01_a": {"seconds": 3.2, "parameters": {"sector": "GR"}}})
    names = {p.name for p in written}
    assert names == {"scorecard.md", "status.md", "downloads.md"}
    status = (root / pages.APPENDICES / "status.md").read_text()
    assert "| 01_a | 3.2 | sector = GR |" in status
    downloads = (root / pages.APPENDICES / "downloads.md").read_text()
    assert f"../chapters/files/02_b/{scorecard.RECORDS}" in downloads
    assert (root / pages.APPENDICES / "files" / "published.zip").exists()


def test_data_package_zips_are_byte_identical_across_builds(tmp_path):
    a = pages._zip_package("codebook", tmp_path / "a.zip").read_bytes()
    b = pages._zip_package("codebook", tmp_path / "b.zip").read_bytes()
    assert a == b
