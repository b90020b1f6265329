"""The command line as people meet it: every command documented, mistakes answered in one line.

A mistake in a parameter is caught before any kernel starts: the answer is one line that
names the parameter and the rule, and the exit status is non-zero."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from barometer.build import cli


def test_every_command_is_documented_in_the_help():
    runner = CliRunner()
    top = runner.invoke(cli.main, ["--help"])
    assert top.exit_code == 0
    assert set(cli.main.commands) >= {"build", "run", "editions", "validate", "synth", "published", "check", "fidelity"}
    for name, command in cli.main.commands.items():
        assert name in top.output, f"{name} is missing from `barometer --help`"
        assert (command.help or "").strip(), f"`barometer {name}` has no help text"
        result = runner.invoke(cli.main, [name, "--help"])
        assert result.exit_code == 0, name
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert (param.help or "").strip(), f"option {param.opts} of `barometer {name}` has no help"


@pytest.mark.parametrize(("args", "names"), [
    (["build", "-p", "colour", "red"], "unknown parameter colour"),
    (["build", "-p", "sector", "Atlantis"], "parameter sector"),
    (["build", "-p", "year", "2023"], "parameter year"),
    (["build", "-p", "year", "2025", "-p", "compare_year", "2025"], "parameter compare_year"),
    (["build", "-p", "lang", "fr"], "parameter lang"),
    (["build", "-p", "min_cell", "0"], "parameter min_cell"),
    (["run", "01_who_took_part", "-p", "source", "no/such/file.csv"], "parameter source"),
    (["run", "no_such_chapter"], "no chapter notebook named no_such_chapter"),
    (["editions", "--only", "atlantis"], "unknown edition(s) atlantis"),
    (["published", "Z9-9"], "no published source 'Z9-9'"),
])
def test_a_mistake_is_one_line_that_names_it(args, names, monkeypatch):
    from barometer.build import pipeline

    def no_kernels(*a, **k):
        raise AssertionError("a kernel was about to start for a bad command")

    monkeypatch.setattr(pipeline, "_execute_one", no_kernels)
    result = CliRunner().invoke(cli.main, args)
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and names in lines[0], result.output


def test_year_alone_is_compared_with_the_other_wave():
    assert cli._params((("year", "2021"),)) == {"year": 2021, "compare_year": 2025}
    assert cli._params(()) == {}
