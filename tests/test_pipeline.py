"""The build pipeline on a miniature project: injection, caching, failure, atomic site swap."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
from conftest import executed_text, make_notebook

from barometer.build.pipeline import (
    BuildError,
    build,
    clean_executed,
    execute_notebooks,
    parse_parameter,
)


def test_parameters_are_injected_and_outputs_land_in_chapters(mini_project):
    report = execute_notebooks(mini_project, {"label": "injected", "sector": "Gemeente"}, progress=False)
    assert sorted(report.executed) == ["01_a", "02_b"]
    assert executed_text(mini_project, "01_a").strip() == "label injected sector Gemeente sum 3"
    assert executed_text(mini_project, "02_b").strip() == "label injected sector Gemeente sum 30"
    assert not list(mini_project.chapters.glob("exec-*")), "staging folder left behind"


def test_parameters_a_notebook_does_not_declare_are_not_injected(mini_project):
    execute_notebooks(mini_project, {"label": "x", "unknown_param": 1}, progress=False)
    nb = nbformat.read(mini_project.chapters / "01_a.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert "unknown_param" not in injected[0].source
    assert 'label = "x"' in injected[0].source


def test_second_run_with_nothing_changed_executes_nothing(mini_project):
    execute_notebooks(mini_project, {"label": "x"}, progress=False)
    again = execute_notebooks(mini_project, {"label": "x"}, progress=False)
    assert again.executed == []
    assert sorted(again.skipped) == ["01_a", "02_b"]


def test_changing_a_data_file_reexecutes_exactly_its_readers(mini_project):
    execute_notebooks(mini_project, {}, progress=False)
    data = mini_project.root / "data" / "b.csv"
    data.write_text(data.read_text() + "5\n")
    report = execute_notebooks(mini_project, {}, progress=False)
    assert report.executed == ["02_b"]
    assert report.skipped == ["01_a"]
    assert "sum 35" in executed_text(mini_project, "02_b")


def test_changing_a_parameter_or_the_notebook_reexecutes(mini_project):
    execute_notebooks(mini_project, {"label": "one"}, progress=False)
    assert sorted(execute_notebooks(mini_project, {"label": "two"}, progress=False).executed) == ["01_a", "02_b"]
    nb_path = mini_project.notebooks / "01_a.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print('more')"))
    nbformat.write(nb, nb_path)
    assert execute_notebooks(mini_project, {"label": "two"}, progress=False).executed == ["01_a"]


def test_executed_notebooks_carry_no_machine_paths_and_hide_parameters(mini_project):
    execute_notebooks(mini_project, {"label": "x"}, progress=False)
    nb = nbformat.read(mini_project.chapters / "01_a.ipynb", as_version=4)
    assert "papermill" not in nb.metadata
    for cell in nb.cells:
        assert "papermill" not in cell.metadata and "execution" not in cell.metadata
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            assert "remove-cell" in tags
    raw = (mini_project.chapters / "01_a.ipynb").read_text()
    assert str(mini_project.root) not in raw


def test_clean_executed_scrubs_root_from_tracebacks(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("error", ename="E", evalue="v", traceback=[f"File {tmp_path}/x.py"])]
    nb.cells = [cell]
    cleaned = clean_executed(nb, tmp_path)
    assert str(tmp_path) not in json.dumps(cleaned)


def test_a_raising_notebook_is_named_with_its_cell_and_kept(mini_project):
    make_notebook(mini_project.notebooks / "03_bad.ipynb", "raise ValueError('deliberate failure')")
    with pytest.raises(BuildError) as err:
        execute_notebooks(mini_project, {}, progress=False)
    message = str(err.value)
    assert "notebooks/03_bad.ipynb" in message
    assert "cell 2" in message and "ValueError" in message and "deliberate failure" in message
    assert (mini_project.failed / "03_bad.ipynb").exists()
    # The good notebooks still ran and were cached; the bad one was not cached.
    cache = json.loads((mini_project.chapters / ".barometer-cache.json").read_text())
    assert set(cache) == {"01_a", "02_b"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2021", 2021), ("None", None), ("Gemeente", "Gemeente"), ("nl", "nl"), ("0.5", 0.5)],
)
def test_parse_parameter(raw, expected):
    assert parse_parameter(raw) == expected


@pytest.mark.slow
def test_build_swaps_site_in_and_keeps_it_on_failure(mini_project):
    report, rebuilt = build({"label": "site"}, project=mini_project, progress=False)
    assert rebuilt and (mini_project.html / "index.html").exists()
    page = (mini_project.html / "book" / "chapters" / "01_a.html").read_text()
    assert "label site" in page
    assert str(mini_project.root) not in page
    # No change: nothing executes and the site is not rebuilt.
    report, rebuilt = build({"label": "site"}, project=mini_project, progress=False)
    assert report.executed == [] and rebuilt is False
    before = {p: p.read_bytes() for p in mini_project.html.rglob("*.html")}
    make_notebook(mini_project.notebooks / "03_bad.ipynb", "1/0")
    with pytest.raises(BuildError, match="03_bad"):
        build({"label": "site"}, project=mini_project, progress=False)
    after = {p: p.read_bytes() for p in mini_project.html.rglob("*.html")}
    assert after == before


@pytest.mark.slow
def test_cli_build_exits_nonzero_and_names_the_cell(mini_project):
    make_notebook(mini_project.notebooks / "03_bad.ipynb", "x = 1\nraise RuntimeError('boom in cell')")
    env = {**os.environ, "BAROMETER_ROOT": str(mini_project.root)}
    proc = subprocess.run(
        [sys.executable, "-m", "barometer.build.cli", "build", "--no-progress"],
        capture_output=True, text=True, env=env, cwd=mini_project.root,
    )
    assert proc.returncode == 1
    assert "notebooks/03_bad.ipynb: cell 2 raised RuntimeError: boom in cell" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (mini_project.root / "_build" / "html").exists()


@pytest.mark.slow
def test_book_build_warning_fails_and_keeps_previous_site(mini_project):
    build({}, project=mini_project, progress=False)
    index = mini_project.html / "index.html"
    before = index.read_bytes()
    (mini_project.root / "book" / "index.md").write_text("# Mini\n\n{ref}`a-label-that-does-not-exist`\n")
    with pytest.raises(BuildError, match="jupyter-book build failed"):
        build({}, project=mini_project, progress=False)
    assert index.read_bytes() == before



def with_static_files(project, files: dict[str, str]) -> None:
    """Give the mini book a static folder (``book/_static``) holding ``files``, its stylesheet
    linked from every page, as the real book's ``_config.yml`` does."""
    import yaml

    config = yaml.safe_load((project.root / "_config.yml").read_text())
    config["sphinx"]["config"].update(html_static_path=["book/_static"], html_css_files=["site.css"])
    (project.root / "_config.yml").write_text(yaml.safe_dump(config))
    static = project.root / "book" / "_static"
    static.mkdir(exist_ok=True)
    for name, text in files.items():
        (static / name).write_text(text)


@pytest.mark.slow
def test_a_changed_static_file_reaches_the_site(mini_project):
    """A stylesheet is not a page: when only a static file changed, Sphinx finds no page out of
    date and, left to itself, copies no static file, so the site kept the old stylesheet. Such a
    change starts the site build afresh; a file of the static folder that is removed leaves."""
    with_static_files(mini_project, {"site.css": "body { color: black; }\n", "old.js": "// old\n"})
    build({}, project=mini_project, progress=False)
    css = mini_project.html / "_static" / "site.css"
    assert css.read_text() == "body { color: black; }\n"
    assert 'href="../../_static/site.css' in (mini_project.html / "book" / "chapters" / "01_a.html").read_text()

    (mini_project.root / "book" / "_static" / "site.css").write_text("body { color: navy; }\n")
    (mini_project.root / "book" / "_static" / "old.js").unlink()
    report, rebuilt = build({}, project=mini_project, progress=False)
    assert report.executed == [] and rebuilt
    assert css.read_text() == "body { color: navy; }\n"
    assert not (mini_project.html / "_static" / "old.js").exists()
    _, rebuilt = build({}, project=mini_project, progress=False)
    assert rebuilt is False  # and nothing changed since: the site stays


@pytest.mark.slow
def test_a_file_lost_from_the_work_folder_is_not_lost_from_the_site(mini_project):
    """Sphinx rewrites only the pages that changed and copies only their images: a file deleted
    from the work folder (here the image of an unchanged page) would leave the next site without
    it. A work folder that no longer holds what its last build wrote is not reused."""
    with_static_files(mini_project, {"site.css": "body { color: black; }\n"})
    (mini_project.root / "book" / "pic.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2"/></svg>\n')
    (mini_project.root / "book" / "about.md").write_text("# About\n\n![a black square](pic.svg)\n")
    toc = mini_project.root / "_toc.yml"
    toc.write_text(toc.read_text() + "  - file: book/about\n")
    build({}, project=mini_project, progress=False)
    assert (mini_project.html / "_images" / "pic.svg").exists()
    work_html = mini_project.work / "_build" / "html"
    (work_html / "_images" / "pic.svg").unlink()
    (work_html / "_static" / "site.css").unlink()
    (mini_project.root / "data" / "a.csv").write_text("x\n1\n5\n")  # one chapter changes, the page not
    report, rebuilt = build({}, project=mini_project, progress=False)
    assert report.executed == ["01_a"] and rebuilt
    assert "sum 6" in (mini_project.html / "book" / "chapters" / "01_a.html").read_text()
    assert (mini_project.html / "_images" / "pic.svg").exists()
    assert (mini_project.html / "_static" / "site.css").read_text() == "body { color: black; }\n"


@pytest.mark.slow
def test_editions_share_one_pool_state_their_parameters_and_get_an_index(mini_project, tmp_path):
    from barometer.build.pipeline import build_editions

    out = tmp_path / "editions"
    editions = {"gr": {"sector": "GR"}, "gemeente": {"sector": "Gemeente"}, "zbo": {"sector": "Zbo"}}
    built = build_editions(editions, out, progress=False, root=mini_project.root)
    assert built == {"gr": True, "gemeente": True, "zbo": True}
    index = (out / "index.html").read_text()
    assert 'href="gr/site/index.html"' in index and 'href="gemeente/site/index.html"' in index
    for name, sector in (("gr", "GR"), ("gemeente", "Gemeente")):
        # Each edition's folder: its site, and a private part with everything else.
        assert sorted(p.name for p in (out / name).iterdir() if not p.name.startswith(".")) == ["private", "site"]
        page = (out / name / "site" / "book" / "chapters" / "01_a.html").read_text()
        assert f"sector = {sector}" in page  # the banner of every page
        assert f"sector {sector} sum 3" in page  # the chapter ran with the edition's parameter
    again = build_editions(editions, out, progress=False, root=mini_project.root)
    assert again == {"gr": False, "gemeente": False, "zbo": False}  # nothing changed: nothing rebuilt
    # Building one edition later keeps the others on the index page.
    only = build_editions({"gr": {"sector": "GR"}}, out, progress=False, root=mini_project.root)
    assert only == {"gr": False}
    index = (out / "index.html").read_text()
    assert 'href="gr/site/index.html"' in index and 'href="gemeente/site/index.html"' in index


@pytest.mark.slow
def test_an_edition_whose_chapter_fails_keeps_its_site_while_the_others_are_built(mini_project, tmp_path):
    """Sites are built as soon as an edition's chapters are done, so a failure in one edition
    must neither stop the others' sites nor replace the failed edition's previous site."""
    from barometer.build.pipeline import build_editions

    out = tmp_path / "editions"
    # Three editions: the middle one's site is the one held back for the end (see build_editions).
    editions = {"gr": {"sector": "GR"}, "zbo": {"sector": "Zbo"}, "recht": {"sector": "Recht"}}
    assert build_editions(editions, out, progress=False, root=mini_project.root) == dict.fromkeys(editions, True)
    zbo_before = (out / "zbo" / "site" / "book" / "chapters" / "01_a.html").read_bytes()
    make_notebook(mini_project.root / "notebooks" / "01_a.ipynb",
                  "if sector == 'Zbo':\n    raise ValueError('no Zbo today')\nprint('sector', sector, 'changed')\n")
    with pytest.raises(BuildError, match=r"01_a.*no Zbo today.*sector = Zbo"):
        build_editions(editions, out, progress=False, root=mini_project.root)
    for name, sector in (("gr", "GR"), ("recht", "Recht")):
        assert f"sector {sector} changed" in (out / name / "site" / "book" / "chapters" / "01_a.html").read_text()
    assert (out / "zbo" / "site" / "book" / "chapters" / "01_a.html").read_bytes() == zbo_before
    assert (out / "zbo" / "private" / "failed" / "01_a.ipynb").exists()  # kept in its private part
    index = (out / "index.html").read_text()
    assert all(f'href="{name}/site/index.html"' in index for name in editions)


def test_each_edition_keeps_its_failed_notebooks_apart(mini_project, tmp_path):
    from barometer.build.pipeline import edition_project

    a = edition_project(tmp_path / "editions" / "zbo", {"sector": "Zbo"}, root=mini_project.root)
    b = edition_project(tmp_path / "editions" / "recht", {"sector": "Recht"}, root=mini_project.root)
    # Both failing in the same chapter must not overwrite each other's executed notebook, and a
    # failed notebook stays in its edition's private part.
    assert a.failed != b.failed
    assert a.failed == tmp_path / "editions" / "zbo" / "private" / "failed"
    assert a.html == tmp_path / "editions" / "zbo" / "site"


def test_files_digest_covers_names_and_contents(tmp_path):
    from barometer.data.paths import files_digest

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("1\n"), b.write_text("1\n")
    assert files_digest([a]) != files_digest([b])  # same content, other name
    before = files_digest([a, b])
    b.write_text("2\n")
    assert files_digest([a, b]) != before
    assert files_digest([a], base=tmp_path) == files_digest([a])  # a bare name is the same here


def test_write_atomically_replaces_whole_or_leaves_the_old_file(tmp_path):
    from barometer.data.paths import write_atomically

    target = tmp_path / "sub" / "kept.txt"
    write_atomically(target, lambda tmp: tmp.write_text("first"))
    assert target.read_text() == "first" and oct(target.stat().st_mode & 0o777) == "0o600"

    def fails(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, fails)
    assert target.read_text() == "first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["kept.txt"]  # no temporary left
    write_atomically(target, lambda tmp: tmp.write_text("second"), mode=0o644)
    assert target.read_text() == "second" and oct(target.stat().st_mode & 0o777) == "0o644"


def test_a_chapter_worker_imports_nothing_the_appendix_thread_may_be_importing():
    """Workers are forked while a thread generates the appendices (pandas, matplotlib). A worker
    forked while that thread held an import lock, and then importing the same module, hung for
    ever (seen once in a fresh-clone build): what a worker imports must not pull those in."""
    import ast
    import inspect

    from barometer.build import pipeline

    statements = []
    for node in ast.walk(ast.parse(inspect.getsource(pipeline._execute_one).lstrip())):
        if isinstance(node, ast.ImportFrom) and node.level:
            node.module, node.level = ".".join(filter(None, ["barometer.build", node.module])), 0
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            statements.append(ast.unparse(node))
    assert any("papermill" in s for s in statements)  # the worker's imports were found
    code = "\n".join([
        "import sys", "from barometer.build import pipeline", *statements,
        "print(sorted(m for m in ('pandas', 'matplotlib', 'seaborn', 'scipy') if m in sys.modules))",
    ])
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_books_own_sphinx_extension_is_an_input_of_the_site():
    """The book's Sphinx extension (``barometer.build.sphinx_ext``) shapes every page, but Sphinx
    re-reads no page when only it changed: its source is one of the site's layout files, so a
    change to it starts the site build afresh. Extensions of installed packages are not (they
    change with the lock)."""
    from barometer.build.pipeline import Project, _extension_files, _layout_files
    from barometer.data import paths as barometer_paths

    own = barometer_paths.PACKAGE / "build" / "sphinx_ext.py"
    found = _extension_files({"extra_extensions": ["barometer.build.sphinx_ext", "sphinx_copybutton"]})
    build = barometer_paths.PACKAGE / "build"
    assert found[0] == own and all(f.is_relative_to(build) for f in found)
    # what it sets up: the language switch's module, template and stylesheet among them
    for part in ("language_switch.py", "templates/language-switch.html", "static/language-switch.css"):
        assert build / part in found, part
    assert own in _layout_files(Project.at(barometer_paths.ROOT))


def with_language_parameter(project) -> None:
    """A third chapter that fails in any language but English (its ``lang`` parameter)."""
    make_notebook(project.notebooks / "03_lang.ipynb", "assert lang == 'en', 'not English'\nprint('lang', lang)",
                  parameters='lang = "en"')


def test_the_book_in_two_languages_is_one_site_with_a_switch_on_every_page(mini_project):
    """The translation is built beside the book and published in its ``nl/`` folder; each page
    links the same page in the other language; nothing changed, nothing is rebuilt."""
    import yaml

    config = yaml.safe_load((mini_project.root / "_config.yml").read_text())
    config["sphinx"]["config"]["barometer_other_languages"] = {"nl": "nl/"}  # as the book's _config.yml
    config["sphinx"]["extra_extensions"] = ["barometer.build.sphinx_ext"]
    (mini_project.root / "_config.yml").write_text(yaml.safe_dump(config))
    report, rebuilt = build({"label": "site"}, project=mini_project, languages=("en", "nl"), progress=False)
    site = mini_project.html
    assert rebuilt and (site / "index.html").exists() and (site / "nl" / "index.html").exists()
    assert sorted(report.executed) == ["01_a", "01_a (nl)", "02_b", "02_b (nl)"]
    for page in ("book/index.html", "book/chapters/01_a.html"):
        english, dutch = (site / page).read_text(), (site / "nl" / page).read_text()
        assert '<html lang="nl"' in dutch and '<html lang="en"' in english
        depth = "../" * page.count("/")
        assert f'href="{depth}nl/{page}" hreflang="nl" lang="nl"' in english
        assert f'href="{depth}../{page}" hreflang="en" lang="en"' in dutch
        assert f'<link rel="alternate" hreflang="nl" href="{depth}nl/{page}" />' in english
    assert "label site" in (site / "nl" / "book" / "chapters" / "01_a.html").read_text()
    report, rebuilt = build({"label": "site"}, project=mini_project, languages=("en", "nl"), progress=False)
    assert report.executed == [] and rebuilt is False


def test_a_failure_in_one_language_keeps_both_languages_previous_site(mini_project):
    import yaml

    config = yaml.safe_load((mini_project.root / "_config.yml").read_text())
    config["sphinx"]["extra_extensions"] = ["barometer.build.sphinx_ext"]  # (the Dutch half's switch)
    (mini_project.root / "_config.yml").write_text(yaml.safe_dump(config))
    build({}, project=mini_project, languages=("en", "nl"), progress=False)
    before = {p: p.read_bytes() for p in mini_project.html.rglob("*.html")}
    assert any(p.is_relative_to(mini_project.html / "nl") for p in before)
    with_language_parameter(mini_project)
    with pytest.raises(BuildError, match=r"03_lang.*not English"):
        build({}, project=mini_project, languages=("en", "nl"), progress=False)
    after = {p: p.read_bytes() for p in mini_project.html.rglob("*.html")}
    assert after == before
    assert not list(mini_project.html.parent.glob(".html-new-*"))  # nothing half-written beside it


def test_an_edition_in_one_language_has_no_language_switch(mini_project, tmp_path):
    from barometer.build.pipeline import stage_sources

    stage = tmp_path / "stage"
    stage.mkdir()
    stage_sources(stage, {"lang": "nl"}, mini_project.root)
    import yaml

    config = yaml.safe_load((stage / "_config.yml").read_text())["sphinx"]["config"]
    assert "barometer_other_languages" not in config and config["language"] == "nl"


@pytest.mark.parametrize(("page", "folder", "expected"), [
    ("index", "nl/", "nl/index.html"),
    ("book/chapters/02_x", "nl/", "../../nl/book/chapters/02_x.html"),
    ("book/about", "../", "../../book/about.html"),
    ("index", "../", "../index.html"),
])
def test_the_same_page_in_another_language(page, folder, expected):
    from barometer.build.language_switch import same_page

    assert same_page(page, folder) == expected


def test_the_default_book_refuses_a_language_of_its_own():
    with pytest.raises(BuildError, match="every language.*--out"):
        build({"lang": "nl"}, progress=False)


def test_the_books_configuration_links_every_language_it_is_built_in():
    """The English book's switch comes from ``_config.yml``; the languages built beside it from
    :data:`barometer.build.translation.LANGUAGES`: the two must agree."""
    import yaml

    from barometer.build import translation
    from barometer.data import paths

    config = yaml.safe_load((paths.ROOT / "_config.yml").read_text())["sphinx"]["config"]
    assert config["barometer_other_languages"] == {lang: f"{lang}/" for lang in translation.LANGUAGES}
