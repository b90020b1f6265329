"""The site as people use it, in a real browser (Debian's Chromium driven by Playwright).

Every page is opened from a local web server with every request outside that server blocked,
so a page that needs the network to render fails here. Screenshots of the landing page and of
one chapter are saved to ``_build/screenshots/`` for humans to look at.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from barometer.build import pdf
from barometer.data import paths

pytestmark = pytest.mark.slow

CHROMIUM = pdf.CHROMIUM
AXE = paths.ROOT / ".venv" / "axe" / "axe.min.js"
SCREENSHOTS = paths.BUILD / "screenshots"


@pytest.fixture(scope="module")
def server(site):
    with pdf.serving(site) as url:  # (the local server that prints the PDFs)
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (the Makefile installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Visit:
    """One page load with every request outside the local site blocked and every problem noted."""

    def __init__(self, browser, server: str):
        self.server = server
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.blocked: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} ({r.status})"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.server) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def open(self, path: str):
        self.page.goto(f"{self.server}/{path}", wait_until="networkidle")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, server):
    opened = []

    def make():
        v = Visit(browser, server)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.close()


def pages(site: Path) -> list[str]:
    skip = {"search.html", "genindex.html"}
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts and p.name not in skip)


@pytest.fixture(scope="module")
def walked(site, browser, server) -> dict[str, dict]:
    """Every page opened once: what went wrong while loading it, and what axe-core found."""
    assert AXE.exists(), "axe-core missing: run `make browser`"
    found = {}
    for path in pages(site):
        v = Visit(browser, server)
        page = v.open(path)
        # Every image must load; figures in the article must also be visible. (Icons of the
        # header's closed menus, such as the Binder logo of the launch button, load but are hidden.)
        broken = page.eval_on_selector_all(
            "main img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0 && "
                        "(i.getBoundingClientRect().width > 0 || !i.closest('article')))).map(i => i.src)")
        unnamed = page.eval_on_selector_all("main img", "imgs => imgs.filter(i => !i.alt).map(i => i.src)")
        if "math notranslate" in page.content() and not page.locator("mjx-container").count():
            v.errors.append("maths not rendered (MathJax did not run)")
        found[path] = {"console": v.errors, "failed": v.failed, "broken images": broken, "no alt": unnamed,
                       "axe": _axe(page)}
        v.close()
    return found


def test_every_page_loads_offline_without_errors_and_shows_its_figures(walked):
    assert len(walked) > 20
    problems = {path: {k: x for k, x in seen.items() if x and k != "axe"} for path, seen in walked.items()}
    assert {p: x for p, x in problems.items() if x} == {}


def test_accessibility_no_serious_or_critical_violations(walked):
    found = {path: [(x["id"], x["impact"], len(x["nodes"])) for x in seen["axe"]]
             for path, seen in walked.items() if seen["axe"]}
    assert found == {}


def test_search_finds_a_known_term(visit):
    page = visit().open("search.html?q=Wilson")
    page.wait_for_selector("#search-results ul.search li", timeout=15000)
    assert page.locator("#search-results ul.search li").count() >= 1


def test_next_and_previous_and_sidebar_navigation(visit):
    v = visit()
    page = v.open("index.html")
    page.locator("a.right-next").first.click()
    page.wait_for_load_state("networkidle")
    first = page.url
    assert first != f"{v.server}/index.html"
    page.locator("a.left-prev").first.click()
    page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path.endswith("index.html")
    page.locator("nav.bd-links a", has_text="Who took part").first.click()
    page.wait_for_load_state("networkidle")
    assert "01_who_took_part" in page.url and page.locator("h1").first.inner_text().startswith("1.")


def test_download_links_resolve_to_files_that_parse(site, visit):
    import io

    import pandas as pd

    page = visit().open("book/chapters/01_who_took_part.html")
    links = page.eval_on_selector_all("a.download, a[download], a.reference.download",
                                      "as => as.map(a => a.href)")
    assert links, "the chapter links no downloads"
    for link in links:
        response = page.request.get(link)
        assert response.ok, link
        body = response.body()
        if link.endswith(".csv"):
            assert len(pd.read_csv(io.BytesIO(body))) > 0, link
        elif link.endswith(".png"):
            assert body[:4] == b"\x89PNG", link
        elif link.endswith(".svg"):
            assert b"<svg" in body[:500], link
        elif link.endswith(".ipynb"):  # the chapter's source notebook, ready to run
            import nbformat

            nb = nbformat.reads(body.decode("utf-8"), as_version=4)
            assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), link
        else:
            pytest.fail(f"unexpected download {link}")
    assert any(link.endswith(".ipynb") for link in links), "the chapter does not link its source notebook"


def _axe(page, rules: list[str] | None = None) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    # Only violations are wanted: asking axe not to collect passes makes it about three times faster.
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    result = page.evaluate("opts => axe.run(document, opts)", options)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_colour_contrast_holds_in_light_and_dark_themes(visit, theme):
    v = visit()
    page = v.open("book/chapters/01_who_took_part.html")
    # Without transitions: axe otherwise reads colours half-way through the theme's fade
    # (the search button's text failed once in dark mode, and passed on the next run).
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    page.evaluate("t => { document.documentElement.dataset.theme = t; document.documentElement.dataset.mode = t; }", theme)
    violations = _axe(page, ["color-contrast"])
    assert violations == [], [(x["id"], [n["target"] for n in x["nodes"][:5]]) for x in violations]


#: One page of each kind, for people to look at (``_build/screenshots/``).
PAGE_TYPES = {"landing": "index.html", "chapter": "book/chapters/02_innovation_rate.html",
              "chapter-first-screen": "book/chapters/06_promoting_hindering.html",
              "key-findings": "book/chapters/key_findings.html", "primer": "book/chapters/12_primer.html",
              "scorecard": "book/appendices/scorecard.html", "fidelity": "book/appendices/fidelity.html",
              "downloads": "book/appendices/downloads.html", "errata": "book/appendices/errata.html"}


def test_screenshots_for_humans(visit):
    """Each page type in English and in Dutch (``nl-<type>.png``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    v = visit()
    for lang, folder in (("", ""), ("nl-", "nl/")):
        for name, path in PAGE_TYPES.items():
            page = v.open(folder + path)
            shot = SCREENSHOTS / f"{lang}{name}.png"
            page.screenshot(path=str(shot), full_page=name != "chapter-first-screen")
            assert shot.stat().st_size > 10_000, shot.name


@pytest.mark.parametrize(("start", "lang", "other"), [("", "en", "nl"), ("nl/", "nl", "en")])
def test_the_language_switch_leads_to_the_same_page_in_the_other_language(visit, start, lang, other):
    """A reader on chapter 3, its second section, follows the switch: the same chapter in the
    other language, and back again."""
    v = visit()
    path = f"{start}book/chapters/03_innovation_types.html"
    page = v.open(path)
    assert page.locator("html").get_attribute("lang") == lang
    switch = page.locator("a.language-switch")
    assert switch.count() == 1 and switch.get_attribute("hreflang") == other and switch.is_visible()
    switch.click()
    page.wait_for_load_state("networkidle")
    there = urlparse(page.url).path
    assert there.endswith("/book/chapters/03_innovation_types.html") and (there.startswith("/nl/") == (other == "nl"))
    assert page.locator("html").get_attribute("lang") == other
    assert page.locator("h1").first.inner_text().startswith("3.")
    page.locator("a.language-switch").click()
    page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path == "/" + path
    assert v.errors == [] and v.failed == []


def test_the_dutch_book_is_searched_in_dutch(site, visit):
    """The Dutch pages have their own search index, stemmed with Sphinx's Dutch stemmer: the
    singular "randvoorwaarde" (a word the pages use only in the plural, which only the Dutch
    stemmer reduces to the same stem) finds the chapter on preconditions, in the Dutch book."""
    assert "DutchStemmer" in (site / "nl" / "_static" / "language_data.js").read_text(encoding="utf-8")
    page = visit().open("nl/search.html?q=randvoorwaarde")
    page.wait_for_selector("#search-results ul.search li", timeout=15000)
    page.wait_for_load_state("networkidle")
    hits = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    assert any("07_climate_preconditions" in h for h in hits), hits
    assert all(urlparse(h).path.startswith("/nl/book/") for h in hits), hits


def test_in_brief_is_on_the_first_screen_of_every_chapter(site, visit):
    """A reader sees the chapter's findings without scrolling: In brief starts within the first
    800 px of a 1280-px-wide window."""
    v = visit()
    chapters = sorted(p.name for p in (site / "book" / "chapters").glob("[0-9][0-9]_*.html"))
    assert len(chapters) >= 12
    for name in chapters:
        page = v.open(f"book/chapters/{name}")
        top = page.eval_on_selector("section#in-brief", "e => e.getBoundingClientRect().top + window.scrollY")
        assert top < 800, f"{name}: In brief starts at {top:.0f} px"


def test_no_code_is_visible_before_the_reader_opens_it(site, visit):
    """Chapters fold their code (one click shows it) and show no plumbing; the page opens on prose."""
    v = visit()
    chapters = sorted(p.name for p in (site / "book" / "chapters").glob("*.html"))
    assert len(chapters) >= 13
    for name in chapters:
        page = v.open(f"book/chapters/{name}")
        visible = page.eval_on_selector_all(
            # (a closed <details> keeps its content laid out but not rendered: checkVisibility knows)
            ".cell_input", "els => els.filter(e => e.checkVisibility()).length")
        assert visible == 0, f"{name}: {visible} code cells visible"
    # One click shows the code of a folded cell.
    page = v.open("book/chapters/02_innovation_rate.html")
    folded = page.locator("details.hide.above-input").first
    folded.locator("summary").click()
    assert folded.locator(".cell_input").first.is_visible()


def test_key_findings_has_no_code_charts_of_published_numbers_and_links_every_chapter(visit):
    page = visit().open("book/chapters/key_findings.html")
    assert page.locator(".cell_input").count() == 0  # not even folded
    figures = page.locator("article figure img")
    assert figures.count() >= 4
    hrefs = page.eval_on_selector_all("article a[href]", "as => as.map(a => a.getAttribute('href'))")
    linked = {h.split("/")[-1].split(".")[0][:2] for h in hrefs if h.split("/")[-1][:2].isdigit()}
    assert {f"{i:02d}" for i in range(1, 12)} <= linked, sorted(linked)
    # Every link to a section lands on a heading of that chapter.
    for h in hrefs:
        if "#" in h and h.split("/")[-1][:2].isdigit():
            target = h.split("#")[1]
            other = visit().open("book/chapters/" + h.split("/")[-1].split("#")[0])
            assert other.locator(f"[id='{target}']").count() == 1, h


def test_a_long_reference_table_is_collapsed_and_opens_on_a_click_or_a_filter(visit):
    """The case table of chapter 11 (73 rows) takes one line until the reader asks for it: a
    click on its caption shows every row, and so does typing in its filter box."""
    v = visit()
    page = v.open("book/chapters/11_nature_of_innovations.html")
    table = page.locator("#tbl-11_nature_of_innovations-cases")
    details = page.locator("details.barometer-long-table:has(#tbl-11_nature_of_innovations-cases)")
    assert details.count() == 1 and not table.is_visible()
    assert "Show all" in details.locator("summary").inner_text()
    details.locator("summary").click()
    assert table.is_visible()
    page = v.open("book/chapters/11_nature_of_innovations.html")
    page.fill("#filter-tbl-11_nature_of_innovations-cases", "drone")
    assert page.locator("#tbl-11_nature_of_innovations-cases").is_visible()
    shown = page.locator("#tbl-11_nature_of_innovations-cases tbody tr:visible").count()
    assert 0 < shown < 73


def test_one_search_field_in_a_wide_window_and_one_in_a_narrow_one(visit):
    """At 1280 px the sidebar's search field heads the page and the theme's header bar (which
    would repeat it) is hidden; at 800 px the sidebar folds away and the header bar's search
    is the one left. Either way, one visible search field, and it opens the search."""
    v = visit()
    visible = ("els => els.filter(e => e.offsetParent !== null && "
               "getComputedStyle(e).visibility !== 'hidden').length")
    for width in (1280, 800):
        v.page.set_viewport_size({"width": width, "height": 900})
        page = v.open("book/appendices/scorecard.html")
        assert page.eval_on_selector_all("button.search-button__button", visible) == 1, width
        page.locator("button.search-button__button").filter(visible=True).first.click()
        page.wait_for_selector("#pst-search-dialog input, .search-button__wrapper.show input", state="visible",
                               timeout=5000)


def test_the_appendix_tables_fit_the_page_at_1280_px(visit):
    """A reader sees every column of the fidelity and scorecard tables without scrolling sideways
    (the fidelity summary once had nine columns, the last ones cut off at the text's edge)."""
    v = visit()
    for path in ("book/appendices/fidelity.html", "book/appendices/scorecard.html"):
        page = v.open(path)
        wide = page.eval_on_selector_all(
            "article table", "ts => ts.filter(t => t.closest('details:not([open])') === null && "
                             "t.scrollWidth > t.parentElement.clientWidth + 1).map(t => t.innerText.slice(0, 60))")
        assert wide == [], f"{path}: {wide}"
