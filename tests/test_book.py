"""The real book, built end to end into temporary editions.

Two builds cover every chapter parameter: the default (synthetic data, 2025, English), and a
variant that changes all of them at once: own microdata (a validated file, which switches on
disclosure control), one sector, the 2021 wave in focus, Dutch labels and a stricter
``min_cell``. Each build runs every chapter and builds the site with ``-W`` (warnings fail).
Two builds rather than one per parameter keep the suite within its time budget.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import build_edition, edition_chapters
from test_provenance import figure_cases, figure_problems

import barometer
from barometer.book.chapter import RECORDS
from barometer.data import paths
from barometer.disclosure.rules import MARK
from barometer.synthesis import fidelity

pytestmark = pytest.mark.slow

OWN = Path(__file__).parent / "fixtures" / "own_microdata.csv"
CHAPTERS = sorted(p.stem for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


VARIANT = {"source": str(OWN), "sector": "Gemeente", "year": 2021, "compare_year": 2025, "lang": "nl",
           "min_cell": 6, "seed": 7}


@pytest.fixture(scope="session")
def variant_site(tmp_path_factory):
    yield from build_edition(tmp_path_factory, "variant", VARIANT)


def smallest_sector() -> str:
    """The sector with the fewest organisations in the synthetic 2025 wave (Hoge Colleges van
    Staat: two): the edition where every chapter meets cells, scales and models with almost no data."""
    from barometer.synthesis import generator as synthesis

    return str(synthesis.load(2025)["sector"].value_counts().idxmin())


@pytest.fixture(scope="session")
def smallest_sector_site(tmp_path_factory):
    yield from build_edition(tmp_path_factory, "smallest", {"sector": smallest_sector()})


def chapter_files(site: Path) -> Path:
    """The executed chapters' files folder of the edition that built ``site``."""
    return edition_chapters(site) / paths.FILES


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def chapter_page(site: Path, stem: str) -> str:
    return (site / "book" / "chapters" / f"{stem}.html").read_text(encoding="utf-8")


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_every_chapter_is_built(site):
    for stem in CHAPTERS:
        assert (site / "book" / "chapters" / f"{stem}.html").exists(), stem


def test_no_machine_paths_in_the_html(site):
    home = str(Path.home())
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert str(paths.ROOT) not in text, page
        assert home + "/" not in text, page


def test_parameters_cells_are_not_visible(site):
    for page in html_pages(site / "book" / "chapters"):
        text = page.read_text(encoding="utf-8")
        assert "min_cell = 5" not in text, f"{page.name} shows a parameters cell"
        assert "injected-parameters" not in text, page.name


def test_glued_numbers_are_in_the_prose(site):
    text = visible_text(chapter_page(site, "01_who_took_part"))
    # Table B1-1: 347 responding organisations, a response of 25%; glued, not typed.
    assert re.search(r"answers of\s+347\s+organisations,\s+25%\s+of those approached", text)
    assert "{glue" not in chapter_page(site, "01_who_took_part")  # every glue role was resolved


@pytest.mark.parametrize("stem", CHAPTERS)
def test_synthetic_results_are_labelled_on_every_chapter(site, stem):
    text = " ".join(visible_text(chapter_page(site, stem)).split())
    assert "The analyses below run on the synthetic stand-in microdata" in text
    assert "Synthetic data (a stand-in, not the survey):" in text  # captions of tables and figures


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_download_resolves_to_a_file_that_parses(site, stem):
    page = chapter_page(site, stem)
    links = re.findall(r'href="(\.\./\.\./_downloads/[^"]+)"', page)
    assert links, f"{stem}: no downloads"
    for link in links:
        file = (site / "book" / "chapters" / link).resolve()
        assert file.exists(), link
        if file.suffix == ".csv":
            table = pd.read_csv(file)
            assert len(table) > 0 and "data_source" in table.columns, link
        elif file.suffix == ".png":
            assert file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        elif file.suffix == ".svg":
            assert b"<svg" in file.read_bytes()[:400]
    images = re.findall(r'<img[^>]+src="([^"]+)"[^>]*alt="([^"]*)"', page)
    assert all(alt.strip() for _, alt in images), f"{stem}: an image without alt text"


@pytest.mark.parametrize("stem", [*CHAPTERS, "key_findings"])
def test_every_value_the_chapter_shows_can_be_checked_by_the_gate(site, stem):
    """Synthetic builds go through the gate too; it lists what it would withhold from own data
    (an untyped number, a caption with a number it cannot trace, a figure drawn outside it)."""
    import json

    gate = json.loads((site.parent / "private" / "gate" / f"{stem}.json").read_text(encoding="utf-8"))
    assert gate["problems"] == [], f"{stem}: " + "; ".join(f"{p['output']}: {p['problem']}" for p in gate["problems"])


@pytest.mark.parametrize("stem", CHAPTERS)
def test_microdata_tables_are_labelled_synthetic_in_their_downloads(site, stem):
    files = chapter_files(site) / stem
    sources = {p.name: set(pd.read_csv(p)["data_source"]) for p in files.glob("*.csv")}
    assert sources, stem
    assert all(s <= {"published", "synthetic"} for s in sources.values()), sources
    assert any("synthetic" in s for s in sources.values()), f"{stem}: no table from the microdata"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_reproduction_records_exist_and_calibration_targets_are_met(site, stem):
    rec = pd.read_csv(chapter_files(site) / stem / RECORDS, keep_default_na=False)
    assert len(rec) > 0, f"{stem}: no reproduction records"
    rec["within"] = rec["within"].astype(str) == "True"
    held_out = fidelity.is_held_out(rec)
    known = np.array([(s, v) in fidelity.KNOWN_MISSES for s, v in zip(rec["source_id"], rec["variable"], strict=True)],
                     dtype=bool)
    explained = rec["erratum"].isin(["E07"])
    misses = rec[~rec["within"] & ~held_out & ~known & ~explained]
    assert misses.empty, f"{stem}: calibration targets missed:\n{misses.to_string()}"


def test_the_variant_edition_states_its_parameters_and_differs(variant_site, site):
    page = chapter_page(variant_site, "01_who_took_part")
    # (the variant is the Dutch edition: its banner is Dutch, see test_theme_catalogues)
    assert "Editie met parameters" in page and "sector = Gemeente" in page and "year = 2021" in page
    assert f"Barometer {barometer.__version__} (uitgebracht op " in page  # and its version
    assert "own_microdata.csv" in page and str(OWN.parent) not in page  # the file, not its path
    assert visible_text(chapter_page(site, "01_who_took_part")) != visible_text(page)
    for stem in CHAPTERS:
        assert (variant_site / "book" / "chapters" / f"{stem}.html").exists(), stem


def test_own_data_switch_off_the_synthetic_label_and_switch_on_disclosure_control(variant_site):
    suppressed = 0
    for stem in CHAPTERS:
        text = " ".join(visible_text(chapter_page(variant_site, stem)).split())
        assert "Your microdata" in text, stem
        assert "The analyses below run on the synthetic" not in text, stem
        assert "own-1" not in text, f"{stem}: an organisation id is shown"
        files = chapter_files(variant_site) / stem
        for csv in files.glob("*.csv"):
            table = pd.read_csv(csv, dtype=str, keep_default_na=False)
            assert "synthetic" not in set(table.get("data_source", [])), csv.name
            assert "org_id" not in table.columns, csv.name
            suppressed += int((table == MARK).to_numpy().sum())
    assert suppressed > 0, "no cell was suppressed although small groups are shown"


def test_dutch_labels_replace_english_ones(variant_site):
    text = visible_text(chapter_page(variant_site, "01_who_took_part"))
    assert "Gemeente" in text and "Municipality" not in text


@pytest.mark.parametrize("stem", [*CHAPTERS, "key_findings"])
def test_the_dutch_edition_tells_the_chapter_in_dutch_with_its_glued_numbers(variant_site, stem):
    """The chapter's prose comes from the Dutch catalogue (barometer.build.translation): Dutch
    section titles, no English ones, and the glued values of translated sentences filled in (a
    glued value lost in translation would have been a warning, an error of this build)."""
    import nbformat

    page = chapter_page(variant_site, stem)
    english = next(c.source for c in nbformat.read(paths.NOTEBOOKS / f"{stem}.ipynb", as_version=4).cells
                   if c.cell_type == "markdown" and c.source.startswith("# ")).splitlines()[0][2:].strip()
    title = re.sub(r"<[^>]+>|#|¶", "", re.search(r"<h1[^>]*>(.*?)</h1>", page, flags=re.S).group(1)).strip()
    assert title and title != english, f"{stem}: the title stayed English ({english!r})"
    titles = [re.sub(r"<[^>]+>|#|¶", "", t).strip() for t in re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)]
    if stem != "key_findings":
        assert "In het kort" in titles and "Samenvatting" in titles, titles
    assert not {"In brief", "Summary", "Overview", "Exercises", "References"} & set(titles), titles
    assert "{glue" not in page
    assert re.findall(r'<span class="pasted-text">([^<]*)</span>', page)
    # the sidebar's part captions too (the table of contents is inserted after the translation step)
    import yaml

    english = {part["caption"] for part in yaml.safe_load((paths.ROOT / "_toc.yml").read_text())["parts"]}
    shown = set(re.findall(r'class="caption-text">([^<]*)<', page))
    assert shown and not english & shown, english & shown


def test_the_dutch_edition_shows_the_themes_and_our_page_furniture_in_dutch(variant_site):
    """Search box, skip link, back to top, previous and next, the colour-mode switch, the header's
    buttons, hidden code cells' prompts, the banner, the footer, the source-notebook line: the
    catalogues of locale/nl/LC_MESSAGES/theme (barometer.build.theme_catalogues), on the pages of
    every kind."""
    from test_theme_catalogues import DUTCH, english_furniture

    pages = {"chapter": chapter_page(variant_site, "02_innovation_rate"),
             "hand-written": (variant_site / "book" / "about.html").read_text(encoding="utf-8"),
             "generated": (variant_site / "book" / "appendices" / "codebook.html").read_text(encoding="utf-8"),
             "search": (variant_site / "search.html").read_text(encoding="utf-8")}
    for kind, page in pages.items():
        assert english_furniture(page) == [], kind
        assert "Naar de inhoud" in page and "Terug naar boven" in page and "Zoeken in dit boek…" in page, kind
    chapter = pages["chapter"]
    assert [s for s in DUTCH if s not in chapter] == []
    assert re.search(r'class="caption-number">Boekfiguur \d+', chapter)


def test_maths_is_vendored_and_no_script_loads_from_the_network(site):
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        remote = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', text)
        assert remote == [], f"{page.name} loads {remote}"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_each_chapter_links_its_source_notebook_and_opens_it_on_binder(site, stem):
    import yaml

    page = chapter_page(site, stem)
    # The download link under the title, to a copy of the clean source notebook inside the site.
    link = re.search(r'<a class="reference download source-notebook" href="([^"]+)"', page)
    assert link, f"{stem} does not link its source notebook"
    copy = (site / "book" / "chapters" / link[1]).resolve()
    assert copy.read_bytes() == (paths.NOTEBOOKS / f"{stem}.ipynb").read_bytes()
    # Both the theme's launch button and our link open that notebook (the executed chapter under
    # book/chapters/ does not exist in a clone) in JupyterLab on Binder, from the configured repository.
    config = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    expected = (f"{config['launch_buttons']['binderhub_url']}/v2/gh/{repo}/{config['repository']['branch']}"
                f"?urlpath=lab/tree/notebooks/{stem}.ipynb")
    launch = re.findall(r'href="(https://mybinder\.org/[^"]+)"', page)
    assert len(launch) == 2 and set(launch) == {expected}, launch
    assert "book/chapters" not in " ".join(launch)


def test_the_smallest_sector_edition_builds_every_chapter_and_says_too_few(smallest_sector_site):
    """`make editions` builds one edition per sector; the smallest one is the hard case."""
    from bs4 import BeautifulSoup

    for stem in CHAPTERS:
        soup = BeautifulSoup(chapter_page(smallest_sector_site, stem), "html.parser")
        main = soup.find("main")
        for code in main.select(".cell_input, pre, script, style"):
            code.decompose()
        prose = " ".join(main.get_text(" ").split())
        assert smallest_sector() in prose or "High Council" in prose, f"{stem} does not name the sector"
        bad = re.findall(r"\b(?:nan|NaN|inf)\b", prose)
        assert not bad, f"{stem}: {bad} in the prose or outputs"


def test_appendix_tables_render_as_tables_with_readable_headers(site):
    """The scorecard's and the fidelity page's tables are HTML tables (no raw Markdown pipes: a
    header with a '|' once broke one), with column names a reader reads, not code names."""
    for name in ("scorecard", "fidelity"):
        page = (site / "book" / "appendices" / f"{name}.html").read_text(encoding="utf-8")
        text = visible_text(page)
        assert "|---|" not in text and "| chapter |" not in text, f"{name}: raw Markdown table"
        assert page.count("<table") >= 2, name
    fidelity_text = visible_text((site / "book" / "appendices" / "fidelity.html").read_text(encoding="utf-8"))
    for code_name in ("within_tolerance", "median_abs_error", "share_within", "known_miss"):
        assert code_name not in fidelity_text, code_name


def test_downloads_page_says_what_each_file_holds_and_where_it_comes_from(site):
    page = (site / "book" / "appendices" / "downloads.html").read_text(encoding="utf-8")
    text = " ".join(visible_text(page).split())
    assert "2. How many organisations innovate" in text  # chapters by title, not by file name
    per_chapter = page[page.index("Per chapter, each table"):]  # (after the data packages' table)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", per_chapter, flags=re.S)
    chapter_rows = [r for r in rows if "_downloads/" in r]
    assert len(chapter_rows) > 50
    for row in chapter_rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        title = re.sub(r"<[^>]+>", "", cells[0]).strip()
        source = re.sub(r"<[^>]+>", "", cells[1]).strip()
        assert source in ("published", "synthetic"), row[:200]
        assert " " in title and not title.endswith(".csv"), f"no human title: {title}"


def test_a_headline_quantity_has_one_value_on_every_page(site):
    """A headline quantity (the rates, the decline and its test, Denmark) is glued through
    ``ch.headline`` under one id on every page that states it; one id with two values anywhere in
    the book fails (the decline's p once read 0.00065 on one page and 0.0013 on another)."""
    import nbformat

    values: dict[str, set[str]] = {}
    pages: dict[str, set[str]] = {}
    for path in sorted(edition_chapters(site).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                name = out.get("metadata", {}).get("scrapbook", {}).get("name", "")
                if "_hl_" in name:
                    text = next(v for k, v in out["data"].items() if k.endswith("text/plain"))
                    key = name.split("_hl_", 1)[1]
                    values.setdefault(key, set()).add(text)
                    pages.setdefault(key, set()).add(path.stem)
    assert {"rate_2025", "rate_2021", "decline_p", "decline_h"} <= set(values)
    assert len(pages["decline_p"]) >= 2, pages["decline_p"]  # stated on more than one page, the same
    assert all(len(v) == 1 for v in values.values()), {k: v for k, v in values.items() if len(v) > 1}


def gate_folder(site: Path) -> Path:
    """The gate records (and provenance records) of the edition that built ``site``."""
    return site.parent / "private" / "gate"


def recap_blocks(site: Path, stem: str) -> list[str]:
    """The visible text of each block of microdata results on a chapter page."""
    from bs4 import BeautifulSoup

    from barometer.book import provenance

    soup = BeautifulSoup(chapter_page(site, stem), "html.parser")
    return [" ".join(div.get_text(" ").split()) for div in soup.select(f"div.admonition.{provenance.RECAP_CLASS}")]


@pytest.mark.parametrize("stem", [*CHAPTERS, "key_findings"])
def test_quoted_places_hold_published_values_only(site, stem):
    """Title, In brief, the Summary outside its block of microdata results, and all of Key findings:
    every value glued there has published provenance (recorded by the chapter toolkit)."""
    from barometer.book import provenance

    assert provenance.check_page(edition_chapters(site) / f"{stem}.ipynb", gate_folder(site)) == []


def test_a_summary_recaps_synthetic_results_only_in_a_block_that_says_so_with_the_held_out_fidelity(site):
    held = fidelity.held_out_summary()
    pages = {stem: recap_blocks(site, stem) for stem in CHAPTERS}
    assert sum(len(b) for b in pages.values()) >= 6, pages  # chapters 2, 6, 7, 8, 10 and the primer
    for stem, blocks in pages.items():
        for text in blocks:
            assert text.startswith("Synthetic data"), f"{stem}: {text[:80]}"
            assert f"Of the {held.numbers} published numbers" in text and f"reproduces {held.within} within" in text, \
                f"{stem}: {text}"
            assert f"{held.median_error:.1f} percentage points" in text, f"{stem}: {text}"


def test_the_own_data_edition_keeps_own_values_out_of_quoted_places_and_its_blocks_say_so(variant_site):
    from barometer.book import provenance

    assert provenance.check_edition(edition_chapters(variant_site), gate_folder(variant_site)) == []
    blocks = [text for stem in CHAPTERS for text in recap_blocks(variant_site, stem)]
    assert len(blocks) >= 6
    from barometer.book import words

    title = words.say("Your microdata", VARIANT["lang"])  # (the block's title in the edition's language)
    for text in blocks:
        assert text.startswith(title), text[:80]
        assert "synthetic" not in text.lower() and "generator" not in text, text


@pytest.mark.parametrize("stem", figure_cases())
def test_synthetic_figures_say_so_and_stand_in_for_no_report_figure(site, stem):
    assert figure_problems(edition_chapters(site), stem) == []


def test_the_books_figures_are_numbered_apart_from_the_reports(site):
    """The book numbers its own figures through the book ("Book figure 9"): a reader who quotes
    one cannot take it for the report's Figure 2-9; a figure that redraws a report figure names
    the report's id in its caption instead."""
    for folder, figure, exercise in ((site, "Book figure", "Exercise "), (site / "nl", "Boekfiguur", "Opgave ")):
        pages = [p for p in html_pages(folder) if folder == site / "nl" or not p.is_relative_to(site / "nl")]
        numbers = [re.sub(r"\s+", " ", n).strip() for page in pages
                   for n in re.findall(r'class="caption-number">([^<]*)<', page.read_text(encoding="utf-8"))]
        numbers = [n for n in numbers if not n.startswith(exercise)]  # (sphinx-exercise's titles)
        assert len(numbers) >= 40
        assert all(re.fullmatch(rf"{figure} \d+", n) for n in numbers), sorted(set(numbers))[:5]
        assert len(set(numbers)) == len(numbers)  # one number, one figure


CASE_BLOCK = re.compile(r"^(:{3,})\{case\}[ \t]+(\S+)[ \t]+([^\n]+)\n(.*?)^\1[ \t]*$", flags=re.M | re.S)


def glued_in_prose(notebook: Path, executed: Path | None = None) -> set[str]:
    """The glue names a notebook's markdown uses (roles and directives); with the ``executed``
    chapter, only in the case blocks its glued words select (barometer.build.cases: the others
    are not on the page)."""
    import nbformat

    md = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown")
    if executed is not None:
        words = glued_words(executed)
        md = CASE_BLOCK.sub(lambda m: m.group(4) if words.get(m.group(2)) in m.group(3).split() else "", md)
    return set(re.findall(r"\{glue(?::\w+)?\}`([^`]+)`", md)) | set(re.findall(r"```\{glue(?::\w+)?\}\s+(\S+)", md))


def glued_words(executed: Path) -> dict[str, str]:
    """Each glued name of an executed chapter with its value as plain text."""
    import ast

    import nbformat

    words = {}
    for c in nbformat.read(executed, as_version=4).cells:
        for o in c.get("outputs", []):
            if "scrapbook" in o.get("metadata", {}):
                text = next((v for k, v in o.get("data", {}).items() if k.endswith("text/plain")), "")
                try:
                    text = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    pass
                words[o["metadata"]["scrapbook"]["name"]] = str(text).strip()
    return words


def glued_by_run(executed: Path) -> set[str]:
    """The glue names an executed chapter holds (MyST-NB reads them from these outputs)."""
    import nbformat

    return {o["metadata"]["scrapbook"]["name"] for c in nbformat.read(executed, as_version=4).cells
            for o in c.get("outputs", []) if "scrapbook" in o.get("metadata", {})}


@pytest.mark.parametrize("stem", [*CHAPTERS, "key_findings"])
def test_every_name_glued_in_the_prose_was_glued_by_the_run(site, stem):
    """Read from the executed chapter, so that names the code builds (f-strings) are checked too:
    a made-up name in the prose fails here whatever the code looks like."""
    executed = edition_chapters(site) / f"{stem}.ipynb"
    used = glued_in_prose(paths.NOTEBOOKS / f"{stem}.ipynb", executed)
    assert used, stem
    missing = used - glued_by_run(executed)
    assert missing == set(), f"{stem}: glued in prose but not by the run: {sorted(missing)}"


def test_every_page_links_the_same_page_in_the_other_language(site):
    """The book is one site in two languages (English at the root, Dutch in ``nl/``): each page
    of either says its language and has one switch, to the same page in the other language."""
    from bs4 import BeautifulSoup

    english = [p for p in html_pages(site) if "nl" not in p.relative_to(site).parts[:1]]
    dutch = [p for p in html_pages(site / "nl")]
    built = [p for p in english if p != site / "index.html"]  # (the root's redirect to book/index)
    assert len(built) > 20 and len(dutch) == len(english)
    for page in built + [p for p in dutch if p != site / "nl" / "index.html"]:
        in_dutch = page.is_relative_to(site / "nl")
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == ("nl" if in_dutch else "en"), page
        switches = soup.select("a.language-switch")
        assert len(switches) == 1, page
        target = (page.parent / switches[0]["href"]).resolve()
        same = (site / page.relative_to(site / "nl")) if in_dutch else (site / "nl" / page.relative_to(site))
        assert target == same.resolve() and target.exists(), page
        assert switches[0]["hreflang"] == ("en" if in_dutch else "nl")
