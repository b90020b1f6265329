"""The book and each chapter as PDF, printed from the reader's view of the built site.

Debian's Chromium, driven by the Playwright of the lock (``executable_path``: no browser download,
no LaTeX), prints the pages of a built site served from a local server with every outside request
refused, so the PDF needs no network either:

* **each chapter** (every page of the table of contents) is printed as it is, with the site's
  print style (``book/_static/print.css``): code cells, navigation, buttons and exercise solutions
  left out; figures, tables, captions and the synthetic-data labels kept; the version and page
  numbers in the running footer;
* **the book** is one document assembled in the browser: a title page with the version, a table of
  contents, then every page's article, each starting on a new page, printed once, so that its
  pages are numbered through and its outline (bookmarks) lists every chapter.

``make pdf`` writes ``_build/pdf/barometer.pdf`` and ``_build/pdf/chapters/<page>.pdf`` and copies
them into the site it printed, whose pages then link them (``link_pdfs``); a site built by
``make book`` alone links no PDF, so no link is ever dead. The Dutch book (``_build/html/nl``) is
printed the same way into ``_build/pdf/nl/``, its title page, contents and footers in Dutch
(:mod:`barometer.book.words`).
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import re
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import yaml

from barometer import __version__
from barometer.book.chapter import SYNTHETIC_BANNER_CLASS
from barometer.book.words import say
from barometer.build.translation import LANGUAGES
from barometer.data import paths

CHROMIUM = Path("/usr/bin/chromium")
BOOK_PDF = "barometer.pdf"
CHAPTER_DIR = "chapters"
#: A4 with margins that leave room for the running footer.
PAGE = {"format": "A4", "margin": {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}}
FOOTER = ('<div style="font-size:8px;width:100%;margin:0 14mm;color:#555;display:flex;'
          'justify-content:space-between;font-family:sans-serif"><span>{title}</span>'
          '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')
#: Everything a page needs is in the site; MathJax signals when it has set the maths.
READY = "() => !window.MathJax || !MathJax.startup || MathJax.startup.promise.then(() => true)"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serving(site: Path):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


def toc_pages(root: Path | None = None) -> list[str]:
    """The site's pages in the order of ``_toc.yml`` (without ``.html``), the root page first."""
    toc = yaml.safe_load(((root or paths.ROOT) / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    return pages


def _footer(title: str) -> str:
    return FOOTER.format(title=html.escape(f"Barometer {__version__} · {title}"))


def _subtitle(lang: str) -> str:
    return say("the Innovatie Barometer Overheid 2025, reproduced", lang)


# The book: every page's article in one document (run in the browser on the first page). Links
# and sources are made absolute first, so that they still work from the assembled page.
_ARTICLE = """() => {
  const article = document.querySelector('article.bd-article');
  for (const el of article.querySelectorAll('[src]')) el.setAttribute('src', el.src);
  for (const el of article.querySelectorAll('a[href]')) el.setAttribute('href', el.href);
  const styles = [...document.querySelectorAll('style')].map(s => s.outerHTML).join('');
  const h1 = article.querySelector('h1');
  return {html: article.innerHTML, styles, title: h1 ? h1.textContent.replace('#', '').trim() : document.title};
}"""
_ASSEMBLE = """([front, chapters, styles]) => {
  const article = document.querySelector('article.bd-article');
  article.innerHTML = front + chapters.map((c, i) =>
    `<section class="print-chapter" id="print-chapter-${i}">${c.html}</section>`).join('');
  document.head.insertAdjacentHTML('beforeend', styles);
  document.body.classList.add('print-book');
}"""


def _front_matter(titles: list[str], synthetic: bool, lang: str = "en") -> str:
    rows = "".join(f'<li><a href="#print-chapter-{i}">{html.escape(t)}</a></li>' for i, t in enumerate(titles))
    note = ('<p class="print-synthetic-note">' + say(
        "The analyses of microdata in this book run on the <strong>synthetic</strong> stand-in: seeded, "
        "calibrated to the report's published tables, and not the survey. Nothing computed from them is a "
        "finding about Dutch government.", lang) + '</p>') if synthetic else ""
    subtitle = say("The <em>Innovatie Barometer Overheid 2025</em>, reproduced: an open research compendium", lang)
    from barometer.build.sphinx_ext import released_on

    version = say("Version {version}, released {released}", lang, version=html.escape(__version__),
                  released=html.escape(released_on(lang)))
    contents = say("Contents", lang)
    return (f'<section class="print-title-page"><h1 class="print-book-title">Barometer</h1>'
            f'<p class="print-subtitle">{subtitle}</p><p class="print-version">{version}</p>'
            f'{note}</section><section class="print-contents"><h2>{contents}</h2>'
            f'<ul class="print-contents-list">{rows}</ul></section>')


#: The banner a chapter shows where its analyses of the synthetic stand-in begin, in any language
#: (barometer.book.chapter.SYNTHETIC_BANNER_CLASS).
SYNTHETIC_BANNER = re.compile(rf'<div class="[^"]*\b{SYNTHETIC_BANNER_CLASS}\b[^"]*">')


def runs_on_synthetic(site: Path, pages: list[str]) -> bool:
    """Whether the site's chapters analyse the synthetic stand-in (their banner says so): then the
    book's title page says it too. An edition of a user's own microdata has no such banner."""
    return any(SYNTHETIC_BANNER.search((site / f"{p}.html").read_text(encoding="utf-8")) for p in pages)


def build(site: Path, out: Path, *, chapters: bool = True, root: Path | None = None, lang: str = "en") -> dict:
    """The book's PDF and (if ``chapters``) one per page into ``out`` (replaced as a whole: a
    failed run leaves the previous PDFs); returns what was printed and how long it took. ``lang``
    is the site's language: the title page, contents and footers are written in it."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make browser` (it installs Chromium with apt-get)")
    landing, *_ = toc_pages(root)
    pages = [p for p in toc_pages(root) if (site / f"{p}.html").exists()]
    synthetic = runs_on_synthetic(site, pages)
    start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=".pdf-", dir=out.parent if out.parent.exists() else None))
    report: dict = {"pages": []}
    try:
        (work / CHAPTER_DIR).mkdir(parents=True)
        with serving(site) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context()
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                          else route.abort())
            page = context.new_page()
            page.emulate_media(media="print")
            articles, styles = [], {}
            for name in pages:
                page.goto(f"{url}/{name}.html", wait_until="load")
                page.wait_for_function(READY)
                got = page.evaluate(_ARTICLE)
                articles.append(got)
                styles.setdefault(got["styles"], None)
                if chapters and name != landing:
                    target = work / CHAPTER_DIR / f"{Path(name).name}.pdf"
                    page.pdf(path=str(target), display_header_footer=True, header_template="<span></span>",
                             footer_template=_footer(got["title"]), outline=True, tagged=True,
                             print_background=True, **PAGE)
                    report["pages"].append({"page": name, "pdf": f"{CHAPTER_DIR}/{target.name}",
                                            "title": got["title"]})
            # The book: the first chapter's page, its article replaced by all of them.
            first = next(name for name in pages if name != landing)
            page.goto(f"{url}/{first}.html", wait_until="load")
            page.wait_for_function(READY)
            body = [a for name, a in zip(pages, articles, strict=True) if name != landing]  # (the entry page)
            page.evaluate(_ASSEMBLE, [_front_matter([a["title"] for a in body], synthetic, lang), body,
                                      "".join(styles)])
            page.pdf(path=str(work / BOOK_PDF), display_header_footer=True, header_template="<span></span>",
                     footer_template=_footer(_subtitle(lang)),
                     outline=True, tagged=True, print_background=True, **PAGE)
            browser.close()
        report.update(book=BOOK_PDF, synthetic=synthetic, lang=lang, seconds=round(time.perf_counter() - start, 1),
                      bytes=(work / BOOK_PDF).stat().st_size, version=__version__)
        (work / "pdf.json").write_text(json.dumps(report, indent=1) + "\n")
        # The folder is swapped in whole (two renames), never left half-written.
        old = out.with_name(out.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        work.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


SITE_PDF = "_pdf"
_PDF_LINE = re.compile(r'\n?<p class="pdf-line">.*?</p>', re.S)


def link_pdfs(site: Path, out: Path, root: Path | None = None, lang: str = "en") -> int:
    """Copy the PDFs of ``out`` into ``site/_pdf/`` and put a line under each page's title that
    links its chapter's PDF and the book's; returns the pages linked. Only a site printed by
    ``barometer pdf`` gets these links, so no site links a PDF it does not hold; a later rebuild
    of the site replaces it with one that has neither links nor PDFs."""
    target = site / SITE_PDF
    shutil.rmtree(target, ignore_errors=True)
    # (a translation's PDFs, in out/<language>/, go to that language's site)
    shutil.copytree(out, target, ignore=shutil.ignore_patterns("*.json", *LANGUAGES))
    linked = 0
    for name in toc_pages(root):
        page = site / f"{name}.html"
        if not page.exists():
            continue
        depth = "../" * name.count("/")
        whole, this = say("the whole book", lang), say("this page", lang)
        parts = [f'<a class="reference download" href="{depth}{SITE_PDF}/{BOOK_PDF}">{whole}</a>']
        chapter = out / CHAPTER_DIR / f"{Path(name).name}.pdf"
        if chapter.exists():
            parts.insert(0, f'<a class="reference download" href="{depth}{SITE_PDF}/{CHAPTER_DIR}/{chapter.name}">'
                            f'{this}</a>')
        lead = say("PDF (printed from this version, without code):", lang)
        line = f'<p class="pdf-line">{lead} {" · ".join(parts)}</p>'
        text = _PDF_LINE.sub("", page.read_text(encoding="utf-8"))
        # under the article's title (the theme's print header, before the article, has one too)
        article = text.find('<article class="bd-article"')
        title = text.find("</h1>", article) if article >= 0 else -1
        if title < 0:
            continue
        text = text[:title] + "</h1>\n" + line + text[title + len("</h1>"):]
        paths.write_atomically(page, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
        linked += 1
    return linked
