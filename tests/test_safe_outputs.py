"""Safe outputs: an edition built from own microdata with groups of one to four organisations,
attacked from its publishable folder only (``tests/attacks.py``), against the real output gate
and against a deliberately weakened one (so that the attacks are shown to work). Also: nothing of
the microdata is written outside the edition folder, the output-checking report lists every
published output, a file with one wave builds, and a file that fails validation is refused
before any kernel starts.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from attacks import ATTACKS, RED_TEAM

from barometer.build.pipeline import build
from barometer.data import paths

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "own_microdata.csv"
MIN_CELL = 5


def attack_file(folder: Path) -> Path:
    """The own-data fixture with one of the two High Councils of State of 2025 left out: groups
    of 1 (that council in 2025), 3 (provinces in 2021), 4 (councils in 2021) and a sector in which
    every organisation innovated (water authorities, 2021: a zero)."""
    data = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    drop = data.index[(data["sector"] == "Hoge Colleges van Staat") & (data["wave"] == "2025")][:1]
    path = folder / "attack_microdata.csv"
    data.drop(index=drop).to_csv(path, index=False)
    return path


def files_newer_than(start: float, roots: list[Path], skip: list[Path]) -> list[str]:
    found = []
    skip = [s.resolve() for s in skip]
    for root in roots:
        for folder, dirs, files in os.walk(root):
            here = Path(folder).resolve()
            if any(here == s or here.is_relative_to(s) for s in skip):
                dirs[:] = []
                continue
            dirs[:] = [d for d in dirs if d not in (".git", "proc")]
            for name in files:
                p = here / name
                try:
                    if p.lstat().st_mtime > start:
                        found.append(str(p))
                except OSError:
                    continue
    return found


@pytest.fixture(scope="session")
def own(tmp_path_factory):
    """The gated edition, built serially; what it left outside its folder is recorded at once."""
    folder = tmp_path_factory.mktemp("attack")
    source = attack_file(folder)
    out = folder / "edition"
    start = time.time()
    time.sleep(0.05)  # mtimes have a coarse clock on some file systems
    build({"source": str(source)}, out=out, progress=False)
    # pytest's own temporary folders hold this edition; everything else must be untouched.
    outside = files_newer_than(start, [paths.ROOT, Path.home(), Path(tempfile.gettempdir())],
                               skip=[out, paths.ROOT / ".pytest_cache", paths.ROOT / ".hypothesis"])
    return {"site": out / "site", "private": out / "private", "outside": outside, "source": source}


@pytest.fixture(scope="session")
def weak(tmp_path_factory):
    """The same edition through a deliberately weakened gate: only small counts and values on
    small bases are hidden, each on its own (no ledger, no zeros rule, statistics and figures
    unchecked and at full precision, SVG kept, printed output kept)."""
    from barometer.book import figures
    from barometer.book.gate import outputs, render
    from barometer.disclosure import ledger
    from barometer.disclosure.rules import RELEASED, SUPPRESSED

    folder = tmp_path_factory.mktemp("weak")
    source = attack_file(folder)

    def weak_solve(self, **_):
        decisions = {}
        for uid, v in self.values.items():
            status = RELEASED
            if "/figure/" not in uid:
                if v.kind == "count" and 0 < v.cells[0].n < MIN_CELL:
                    status = SUPPRESSED
                elif v.kind == "share" and v.cells[1].n < MIN_CELL:
                    status = SUPPRESSED
                elif v.kind in ("mean", "sd", "median") and v.cells[0].n < MIN_CELL:
                    status = SUPPRESSED
            decisions[uid] = ledger.Decision(status, "weak")
        return ledger.Outcome(decisions, set())

    def weak_render_chapter(nb, record, outcome, folder):
        status = render.status_function(outcome)
        folder.mkdir(parents=True, exist_ok=True)
        done = {}
        for out in record["outputs"]:
            if out.phase != "microdata":
                continue
            if out.kind == "figure" and out.draw is not None:
                import pickle

                import cloudpickle  # noqa: F401

                data = outputs.frame_values(out, outputs.all_released, record["ctx"], for_plot=True)
                figures.style()
                files = figures.save(pickle.loads(out.draw)(data), folder, out.name, svg=True, keep_png=False)
                out.figure_files = {k: p.name for k, p in files.items()}
            done[out.uid] = outputs.rendered(out, status, record["ctx"], folder)
        nb = copy.deepcopy(nb)
        for cell in nb.cells:
            kept = []
            for o in cell.get("outputs", []):
                gate = o.get("metadata", {}).get(outputs.META, {})
                if gate.get("pending"):
                    kept += [render._nb_output(x) for x in done.get(gate["gate"], [])]
                else:
                    kept.append(o)
            if cell.get("cell_type") == "code":
                cell["outputs"] = kept
        return nb

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ledger.Ledger, "solve", weak_solve)
        mp.setattr(render, "render_chapter", weak_render_chapter)
        mp.setattr(outputs, "released_value", lambda v, ctx: v.value)
        out = folder / "edition"
        build({"source": str(source)}, out=out, progress=False)
    return {"site": out / "site", "source": source}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_attack_fails_against_the_gate(own, attack):
    truth = pd.read_csv(own["source"], low_memory=False)
    found = ATTACKS[attack](own["site"], truth, MIN_CELL)
    assert found == [], f"{attack} recovered:\n" + "\n".join(found[:20])


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_attack_works_against_a_weakened_gate(weak, attack):
    truth = pd.read_csv(weak["source"], low_memory=False)
    assert ATTACKS[attack](weak["site"], truth, MIN_CELL), f"{attack} found nothing in the weakened build"


@pytest.mark.parametrize("recipe", list(RED_TEAM))
def test_the_red_team_recipe_fails_against_the_gate(own, recipe):
    truth = pd.read_csv(own["source"], low_memory=False)
    found = RED_TEAM[recipe](own["site"], truth, MIN_CELL)
    assert found == [], f"{recipe} recovered:\n" + "\n".join(found[:20])


#: (The weakened gate shows every factor share, on a base of hundreds: nothing is hidden for
#: "factor rows" to find there, the small counts are read directly by "rate times base".)
@pytest.mark.parametrize("recipe", [r for r in RED_TEAM if r != "factor rows"])
def test_the_red_team_recipe_works_against_a_weakened_gate(weak, recipe):
    truth = pd.read_csv(weak["source"], low_memory=False)
    assert RED_TEAM[recipe](weak["site"], truth, MIN_CELL), f"{recipe} found nothing in the weakened build"


def test_nothing_is_written_outside_the_edition_folder(own):
    assert own["outside"] == [], "files written outside the edition:\n" + "\n".join(own["outside"][:20])


def test_the_edition_has_a_site_and_a_private_part(own):
    edition = own["site"].parent
    assert sorted(p.name for p in edition.iterdir()) == ["private", "site"]
    assert (own["private"] / "check" / "report.html").exists()
    assert not list(own["site"].rglob("report.html")) and not list(own["site"].rglob("*.pkl"))
    # The notebooks in the site: the clean sources, and the rendered chapters (Sphinx's page
    # sources): no placeholder and no printed output of a microdata part left in them.
    for nb in own["site"].rglob("*.ipynb"):
        if "_notebooks" in nb.parts:
            assert nb.read_bytes() == (paths.NOTEBOOKS / nb.name).read_bytes()
            continue
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        outputs = [o for c in cells for o in c.get("outputs", [])]
        assert not any(o.get("metadata", {}).get("barometer", {}).get("pending") for o in outputs), nb.name
        start = next((i for i, o in enumerate(outputs)
                      if o.get("metadata", {}).get("barometer", {}).get("phase") == "microdata"), len(outputs))
        assert not any(o["output_type"] == "stream" for o in outputs[start:]), f"{nb.name}: printed output"


def test_the_report_lists_every_published_output(own):
    """Every download and every glued value of the microdata parts is in the output-checking
    report, and every output the report releases is published."""
    results = json.loads((own["private"] / "check" / "results.json").read_text())["results"]
    reported = set(results)
    published = set()
    for page in sorted((own["site"] / "book" / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        for name in set(re.findall(r'href="\.\./\.\./_downloads/[^"]+/([a-z0-9_-]+)\.csv"', html)):
            published.add((page.stem, name))
    private_files = own["private"] / "stage" / "book" / "chapters" / "files"
    own_downloads = {(c, n) for c, n in published
                     if "own" in set(pd.read_csv(private_files / c / f"{n}.csv", dtype=str)["data_source"])}
    assert own_downloads, "no own-data download found"
    for chapter, name in own_downloads:
        assert {f"{chapter}/table/{name}", f"{chapter}/figure/{name}", f"{chapter}/records/{name}"} & reported, \
            f"{chapter}/{name} is published but not in the report"
    for uid, r in results.items():
        chapter, kind, name = uid.split("/", 2)
        if kind in ("table", "figure") and r["status"] != "fail":
            assert (chapter, name) in published, f"{uid} is in the report but not published"
    rows = pd.read_csv(own["private"] / "check" / "outputs.csv", dtype=str, keep_default_na=False)
    glued = {u for u in rows["output"] if "/glue/" in u}
    assert glued and set(rows["status"]) <= {"released", "suppressed", "withheld"}


def test_a_file_with_one_wave_builds_and_says_what_needs_the_other(tmp_path):
    data = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    source = tmp_path / "one_wave.csv"
    data[data["wave"] == "2025"].to_csv(source, index=False)
    out = tmp_path / "edition"
    build({"source": str(source)}, out=out, progress=False)
    chapters = sorted((out / "site" / "book" / "chapters").glob("*.html"))
    assert len(chapters) == len(list(paths.NOTEBOOKS.glob("*.ipynb")))
    def text(stem):
        page = (out / "site" / "book" / "chapters" / f"{stem}.html").read_text(encoding="utf-8")
        return " ".join(re.sub(r"<[^>]+>", " ", page).split())

    assert "the file holds the 2025 wave only, and the wave effect needs the 2021 wave too" in \
        text("07_climate_preconditions")
    assert "The configured data hold only the 2025 wave, so the first model" in text("12_primer")


def test_a_file_that_fails_validation_is_refused_before_any_kernel_starts(tmp_path):
    data = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    data.loc[3, "innovated"] = "7"  # not a code of the question
    source = tmp_path / "bad.csv"
    data.to_csv(source, index=False)
    out = tmp_path / "edition"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "barometer.build.cli", "build", "-p", "source", str(source),
                           "--out", str(out), "--no-progress"], capture_output=True, text=True, cwd=paths.ROOT)
    seconds = time.perf_counter() - start
    assert proc.returncode == 1
    assert "did not pass validation" in proc.stderr and "innovated" in proc.stderr and "row 4" in proc.stderr
    assert not (out / "private" / "executed").exists(), "a chapter ran"
    assert seconds < 60


REPEAT = """
import json, os, sys
from pathlib import Path
os.cpu_count = lambda: 1  # (the build shared the work over the cores)
from barometer.book.gate import render
from barometer.disclosure.rules import Rules
private = Path(sys.argv[1])
rules = json.loads((private / "check" / "results.json").read_text())["rules"]
outcome = render.solve(render.load_records(private / "gate"),
                       Rules(min_cell=rules["threshold"], zeros_are_disclosive=rules["zeros_are_disclosive"],
                             min_dof=rules["safe_dof_threshold"], digits=rules["statistic_digits"]))
print(json.dumps({uid: d.status for uid, d in outcome.decisions.items()}))
"""


def test_another_build_of_the_edition_decides_every_value_alike(own):
    """The edition's ledger solved again from its gate records, as another build would: in another
    process, with another hash seed (sets iterate in another order), on one core, on a machine
    that is as busy as the test run leaves it. Every value gets the status the build gave it: the
    integer searches stop at a number of nodes, not after a number of seconds."""
    private = own["private"]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([sys.executable, "-c", REPEAT, str(private)], env=env, capture_output=True, text=True,
                          check=True)
    again = json.loads(done.stdout.strip().splitlines()[-1])
    built = pd.read_csv(private / "check" / "outputs.csv", dtype=str).set_index("value")["status"].to_dict()
    assert set(again) == set(built)
    differ = sorted(uid for uid in built if again[uid] != built[uid])
    assert differ == [], f"{len(differ)} values decided otherwise, e.g. {differ[:5]}"
    assert "suppressed" in set(built.values())
