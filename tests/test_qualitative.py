"""The qualitative chapter's counts, checked against the CSV files read independently (csv module)."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from barometer.data import paths, qualitative

FOLDER = paths.DATA / "qualitative"


def rows(name: str) -> list[dict[str, str]]:
    with open(FOLDER / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def codes(cell: str) -> list[str]:
    return [c for c in cell.split(";") if c]


def test_every_table_is_read_in_full():
    for name in qualitative.TABLES:
        assert len(qualitative.read(name)) == len(rows(name)), name
    with pytest.raises(KeyError):
        qualitative.read("nonexistent")


def test_tables_are_recorded_as_inputs_for_the_build_cache(tmp_path, monkeypatch):
    log = tmp_path / "inputs.txt"
    monkeypatch.setenv(paths.INPUT_LOG_ENV, str(log))
    qualitative.cases_per_cluster()
    qualitative.cluster_trend_matrix()
    read = set(log.read_text().split())
    for name in ("cases", "clusters", "cluster_trends", "oecd_trends"):
        assert str((FOLDER / f"{name}.csv").resolve()) in read


def test_cases_per_cluster_match_the_csv():
    expected = Counter(r["cluster_id"] or qualitative.NO_CLUSTER for r in rows("cases"))
    got = qualitative.cases_per_cluster()
    assert list(got["cluster_id"]) == [r["cluster_id"] for r in rows("clusters")] + [qualitative.NO_CLUSTER]
    assert dict(zip(got["cluster_id"], got["cases"], strict=True)) == {
        c: expected.get(c, 0) for c in got["cluster_id"]}
    assert got["cases"].sum() == len(rows("cases"))
    # Values the data README states.
    counts = dict(zip(got["cluster_id"], got["cases"], strict=True))
    assert counts["sustainability"] == 8 and counts["socially_engaged_judiciary"] == 1
    assert counts[qualitative.NO_CLUSTER] == 7
    without = qualitative.cases_per_cluster(include_unclustered=False)
    assert len(without) == len(rows("clusters")) and without["cases"].sum() == len(rows("cases")) - 7


def test_cluster_names_follow_lang():
    nl = qualitative.cases_per_cluster("nl")
    assert list(nl["cluster"])[:-1] == [r["name_nl"] for r in rows("clusters")]
    assert list(qualitative.cases_per_cluster("en")["cluster"])[:-1] == [r["name_en"] for r in rows("clusters")]


def test_technology_matrix_by_case():
    pairs = [(r["case_id"], t) for r in rows("cases") for t in codes(r["technologies"])]
    matrix = qualitative.technology_matrix("case")
    assert list(matrix.index) == [r["case_id"] for r in rows("cases")]
    assert int(matrix.to_numpy().sum()) == len(pairs)
    assert set(matrix.to_numpy().ravel()) <= {0, 1}
    for case_id, tech in pairs:
        assert matrix.loc[case_id, tech] == 1
    empty = [r["case_id"] for r in rows("cases") if not r["technologies"]]
    assert len(empty) == 13  # the README's count of cases that name no technology
    assert (matrix.loc[empty].sum(axis=1) == 0).all()
    assert matrix.loc["c41", "machine_learning"] == 1 and matrix.loc["c41", "dashboard"] == 1


def test_technology_matrix_by_cluster_has_one_row_per_cluster_and_sums_to_the_pairs():
    pairs = [(r["cluster_id"] or qualitative.NO_CLUSTER, t) for r in rows("cases") for t in codes(r["technologies"])]
    matrix = qualitative.technology_matrix("cluster")
    assert list(matrix.index) == [r["cluster_id"] for r in rows("clusters")] + [qualitative.NO_CLUSTER]
    assert int(matrix.to_numpy().sum()) == len(pairs)
    for (cluster, tech), n in Counter(pairs).items():
        assert matrix.loc[cluster, tech] == n
    assert matrix.loc["drone_supervision", "drones"] == 5
    assert set(matrix.columns) == {t for _, t in pairs}
    with pytest.raises(ValueError):
        qualitative.technology_matrix("organisation")


def test_technology_counts_and_status():
    expected = Counter(t for r in rows("cases") for t in codes(r["technologies"]))
    got = qualitative.technology_counts()
    assert dict(zip(got["technology_code"], got["cases"], strict=True)) == dict(expected)
    status = qualitative.technology_status()
    assert (status == "not_stated").sum() == sum(1 for r in rows("cases") if not r["technologies"])
    assert (status == "non_technological").sum() == sum(1 for r in rows("cases") if r["technologies"] == "none")
    assert (status == "named").sum() == sum(1 for r in rows("cases") if r["technologies"] not in ("", "none"))
    assert status["c36"] == "non_technological" and status["c02"] == "not_stated" and status["c01"] == "named"


def test_cluster_trend_matrix():
    links = rows("cluster_trends")
    matrix = qualitative.cluster_trend_matrix()
    assert list(matrix.index) == [r["cluster_id"] for r in rows("clusters")]
    assert list(matrix.columns) == [r["trend_id"] for r in rows("oecd_trends")]
    assert int((matrix > 0).to_numpy().sum()) == len(links)
    assert int((matrix == 2).to_numpy().sum()) == sum(r["relation"] == "strong" for r in links)
    for link in links:
        assert matrix.loc[link["cluster_id"], link["trend_id"]] == qualitative.RELATION_SCORE[link["relation"]]
    # The report names no example for the two trends it judges a weak match.
    weak = [r["trend_id"] for r in rows("oecd_trends") if r["match"] == "weak"]
    assert weak and (matrix[weak] == 0).all().all()
    named = qualitative.cluster_trend_matrix("nl", names=True)
    assert list(named.columns) == [r["name_nl"] for r in rows("oecd_trends")]


def test_interview_themes():
    expected = Counter(t for r in rows("interviews") for t in codes(r["themes"]))
    got = qualitative.interview_themes()
    assert dict(zip(got["theme_code"], got["interviews"], strict=True)) == dict(expected)
    assert list(got["interviews"]) == sorted(got["interviews"], reverse=True)
    assert got.iloc[0]["theme_code"] == "collaboration" and got.iloc[0]["interviews"] == 6
    matrix = qualitative.interview_theme_matrix()
    assert matrix.shape == (len(rows("interviews")), len(expected))
    assert int(matrix.to_numpy().sum()) == sum(expected.values())
    assert list(qualitative.interview_themes("nl")["theme"])[0] == "samenwerking"


def test_organisation_types_and_sectors():
    expected = Counter(r["organisation_type"] for r in rows("cases"))
    got = qualitative.organisation_types()
    assert dict(zip(got["organisation_type_code"], got["cases"], strict=True)) == dict(expected)
    assert expected["unknown"] == 35 and expected["municipality"] == 15  # the README's counts
    assert len(qualitative.cases_in_sector("Gemeente")) == 15
    assert len(qualitative.cases_in_sector("Rijksoverheid")) == expected["executive_agency"] + expected["national_department"]
    assert qualitative.cases_in_sector("Hoge Colleges van Staat").empty
    assert len(qualitative.cases_in_sector(None)) == len(rows("cases"))
    with pytest.raises(KeyError):
        qualitative.cases_in_sector("Gemeenten")


def test_every_vocabulary_code_has_labels():
    package = qualitative.datapackage()
    fields = {(r["name"], f["name"]): f for r in package["resources"] for f in r["schema"]["fields"]}
    enum = fields[("cases", "organisation_type")]["constraints"]["enum"]
    assert set(enum) <= set(qualitative.ORGANISATION_TYPE_LABELS)
    tech_pattern = fields[("cases", "technologies")]["constraints"]["pattern"]
    for code in qualitative.TECHNOLOGY_LABELS:
        assert f"|{code}|" in tech_pattern.replace("(", "|").replace(")", "|")
    for r in rows("cases"):
        assert all(t in qualitative.TECHNOLOGY_LABELS for t in codes(r["technologies"]))
    for r in rows("interviews"):
        assert all(t in qualitative.THEME_LABELS for t in codes(r["themes"]))


def test_filter_box_is_self_contained():
    box = qualitative.filter_box("tbl-x-cases")
    assert 'getElementById("tbl-x-cases")' in box
    assert "src=" not in box and "http" not in box
