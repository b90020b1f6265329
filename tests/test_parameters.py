"""One Parameters object: the defaults written once and read by the command line, the pipeline,
the chapter toolkit and the notebooks; its checks; the rule that a lone year compares with the
other wave."""

from __future__ import annotations

import inspect

import pytest

from barometer.book import chapter
from barometer.book.parameters import DEFAULTS, ParameterError, Parameters
from barometer.build import cli, pipeline


def test_every_reader_takes_the_defaults_from_parameters():
    assert pipeline.DEFAULT_PARAMETERS == DEFAULTS == Parameters().as_dict()
    fields = {name: getattr(chapter.Chapter, name) for name in Parameters.names()}
    assert fields == DEFAULTS  # the chapter's own fields
    opened = chapter.open_chapter("99_test")
    assert {name: getattr(opened, name) for name in Parameters.names()} == DEFAULTS
    # no second copy of a default in the signatures
    assert list(inspect.signature(chapter.open_chapter).parameters) == ["slug", "given"]


@pytest.mark.parametrize(("given", "expected"), [
    ({"year": 2021}, {"year": 2021, "compare_year": 2025}),
    ({"year": 2025}, {"year": 2025, "compare_year": 2021}),
    ({"year": 2021, "compare_year": 2021}, {"year": 2021, "compare_year": 2021}),  # (then refused by checked)
    ({"sector": "Gemeente"}, {"sector": "Gemeente"}),
])
def test_a_lone_year_compares_with_the_other_wave(given, expected):
    assert Parameters.with_overrides(given) == expected


def test_an_unknown_name_is_refused_with_the_known_ones():
    with pytest.raises(ParameterError, match="unknown parameter colour; chapter parameters: source, year"):
        Parameters.with_overrides({"colour": "red"})


@pytest.mark.parametrize(("given", "message"), [
    ({"year": 2019}, "parameter year: 2019 is not a wave"),
    ({"year": 2021, "compare_year": 2021}, "parameter compare_year: 2021 must be the other wave"),
    ({"sector": "Atlantis"}, "parameter sector: 'Atlantis' is not a sector"),
    ({"lang": "fr"}, "parameter lang: 'fr' must be one of"),
    ({"min_cell": 0}, "parameter min_cell: 0 must be a whole number of at least 1"),
    ({"min_cell": True}, "parameter min_cell"),
    ({"seed": 1.5}, "parameter seed: 1.5 must be a whole number"),
    ({"source": "no/such/file.csv"}, "parameter source: no file at"),
])
def test_a_bad_value_is_named(given, message):
    with pytest.raises(ParameterError, match=message):
        Parameters(**Parameters.with_overrides(given)).checked()
    with pytest.raises(ParameterError, match=message):
        chapter.open_chapter("99_test", **Parameters.with_overrides(given))


def test_a_source_file_becomes_an_absolute_path(tmp_path, monkeypatch):
    own = tmp_path / "own.csv"
    own.write_text("org_id\n")
    monkeypatch.chdir(tmp_path)
    assert Parameters(source=str(own)).checked().source == str(own)
    assert Parameters().checked().source == "synthetic"


def test_the_command_line_applies_the_same_rules(capsys):
    assert cli._params((("year", "2021"),)) == {"year": 2021, "compare_year": 2025}
    with pytest.raises(SystemExit):
        cli._params((("colour", "red"),))
    assert "unknown parameter colour" in capsys.readouterr().err
