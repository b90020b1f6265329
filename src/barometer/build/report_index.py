"""Report figures and tables: where each figure and table of the report lives in this book.

A reader with the PDF of *Innovatie Barometer Overheid 2025* open wants to find "Figure 2-17" here.
This module derives the report's figure and table ids from the extracted report text (never from a
list typed in by hand), and writes one index page with a section per id: the caption as printed,
who was asked, what the published layer holds (with a CSV per id) and which chapters analyse it.

How the ids are read from the text (``report_items``):

* A **caption** is a line that starts with ``Figuur`` or ``Tabel`` and an id, followed by a title
  that begins with a capital letter (``Figuur 2-17 Succesfactoren naar ...``). A sentence that
  begins with a reference continues in lower case (``Figuur 2-6 toont ...``), so it is no caption.
  A caption whose title is still open (no closing ``.``, ``)`` or ``?``, or an unclosed
  parenthesis) continues on the next line, unless that line is empty or starts a new page chunk
  (leading white space). A title still open at an empty line is marked as cut off.
* A **reference** is ``Figuur``/``Tabel`` and an id anywhere in the text, across line breaks.
* **Garbled references**: the extraction drops the hyphen of some annex ids (``Figuur B21`` for
  Figure B2-1, ``Figuur B23`` for B2-3). An annex series is ``B`` plus one digit, so ``B`` + digit +
  number is read as that series and number. An id seen only in this spelling is a known gap.
* **Known gaps**: ids the text implies but does not show: seen only garbled, or missing from the
  numbering of a series between ids that are named (the text never names Figure 2-2).
* Extraction repairs in titles: white space is collapsed, the ligatures ``ff``/``tt`` that the
  extraction splits with a space (``Eff ecten``, ``organisatiegroott e``) are joined, and trailing
  footnote asterisks are dropped. Otherwise titles are the report's wording.

The report text is not part of the repository: it is read from ``BAROMETER_REPORT_TEXT`` or from
``../shared/seeds/`` beside it. Without it the page lists only the ids of the published layer and
says why.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from barometer.data import paths

#: The page, relative to the repository root.
PAGE = "book/appendices/report_index.md"
#: Per-id CSVs of the published values (relative to the repository root; linked from the page).
FILES = Path("book") / "appendices" / "files" / "report_index"
REPORT_TEXT_ENV = "BAROMETER_REPORT_TEXT"
REPORT_TEXT_NAME = "002_b6b7eaeabf486543.txt"
#: Suffix of the CSV of values quoted from the report's prose that name an id (``2-1-text.csv``).
QUOTED = "-text"

KINDS = {"figuur": "Figure", "tabel": "Table"}

_ID = r"(B?\d)-(\d{1,2})"
_BLANK = r"[^\S\r\n]"  # white space within a line (the extraction also uses en spaces)
_CAPTION = re.compile(rf"^{_BLANK}*(Figuur|Tabel){_BLANK}+{_ID}{_BLANK}+(\S.*?)\s*$")
_REFERENCE = re.compile(rf"\b(Figuur|Tabel)\s+{_ID}(?![\d-])")
_GARBLED = re.compile(r"\b(Figuur|Tabel)\s+(B\d)(\d{1,2})\b")
_LIGATURE = re.compile(r"(ff|tt) (?=[a-z])")
_PUBLISHED_ID = re.compile(r"^B?\d-\d{1,2}$")


@dataclass
class Item:
    """One figure or table of the report, as the extracted text shows it."""

    id: str
    kind: str = ""  # "Figure" or "Table"
    title: str = ""  # caption title as printed; "" when the text gives no caption
    caption_line: int | None = None  # 1-based line of the (first) caption
    cut_off: bool = False  # the caption stops mid-title in the extracted text
    references: list[int] = field(default_factory=list)  # lines of in-text references
    garbled: list[tuple[str, int]] = field(default_factory=list)  # (spelling, line)
    gap: str = ""  # non-empty: a known gap, and why

    @property
    def series(self) -> str:
        return self.id.split("-")[0]

    @property
    def number(self) -> int:
        return int(self.id.split("-")[1])


def _order(item_id: str) -> tuple:
    """Report order: chapter figures (2-x) before the annexes (B1-x, then B2-x)."""
    series, number = item_id.split("-")
    return (0, int(series), "", int(number)) if series.isdigit() else (1, 0, series, int(number))


def _clean_title(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    title = _LIGATURE.sub(r"\1", title)
    return title.rstrip("*").strip()


def _is_open(title: str) -> bool:
    return title.count("(") > title.count(")") or not title.rstrip("*").rstrip().endswith((".", ")", "?"))


def _captions(lines: list[str]) -> dict[str, list[tuple[int, str, str, bool]]]:
    """Every caption: id -> [(line, kind word, title, cut off)], in text order."""
    out: dict[str, list[tuple[int, str, str, bool]]] = {}
    for i, line in enumerate(lines):
        m = _CAPTION.match(line)
        if not m or not m.group(4)[0].isupper():
            continue
        word, series, number, title = m.groups()
        j = i
        while _is_open(title) and j + 1 < len(lines):
            nxt = lines[j + 1]
            if not nxt.strip() or nxt[0].isspace() or _CAPTION.match(nxt):
                break
            title = f"{title} {nxt.strip()}"
            j += 1
        cut_off = title.count("(") > title.count(")")
        out.setdefault(f"{series}-{int(number)}", []).append((i + 1, word, _clean_title(title), cut_off))
    return out


def report_items(text: str) -> list[Item]:
    """Every figure and table id the text shows or implies, in report order (gaps included)."""
    lines = text.splitlines()
    captions = _captions(lines)
    starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]  # offset of each line

    def line_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos)

    def is_caption(item_id: str, pos: int) -> bool:
        line = line_of(pos)
        return (any(c[0] == line for c in captions.get(item_id, []))
                and not text[starts[line - 1]:pos].strip())

    items: dict[str, Item] = {}
    words: dict[str, Counter] = {}
    for item_id, found in captions.items():
        line, word, title, cut_off = found[0]
        items[item_id] = Item(item_id, title=title, caption_line=line, cut_off=cut_off)
        words.setdefault(item_id, Counter())[word.lower()] += 1
    for m in _REFERENCE.finditer(text):
        word, series, number = m.groups()
        item_id, line = f"{series}-{int(number)}", line_of(m.start())
        if is_caption(item_id, m.start()):
            continue  # the caption itself
        item = items.setdefault(item_id, Item(item_id))
        if line not in item.references:
            item.references.append(line)
        words.setdefault(item_id, Counter())[word.lower()] += 1
    garbled: dict[str, list[tuple[str, int]]] = {}
    for m in _GARBLED.finditer(text):
        word, series, number = m.groups()
        item_id = f"{series}-{int(number)}"
        garbled.setdefault(item_id, []).append((f"{word} {series}{number}", line_of(m.start())))
        words.setdefault(item_id, Counter())[word.lower()] += 1
    for item_id, seen in garbled.items():
        if item_id in items:
            items[item_id].garbled = seen
        else:
            shown = ", ".join(f"'{s}' (line {n})" for s, n in seen)
            items[item_id] = Item(item_id, garbled=seen, gap=(
                f"named only in a garbled spelling, {shown}: the extraction lost the hyphen of the "
                "annex id, and the extracted text has no caption for it"))
    for item_id, item in items.items():
        if words.get(item_id):
            item.kind = KINDS[words[item_id].most_common(1)[0][0]]
    # Gaps in the numbering of a series: implied by the ids named before and after them.
    by_series: dict[str, list[Item]] = {}
    for item in items.values():
        by_series.setdefault(item.series, []).append(item)
    for series, members in by_series.items():
        named = sorted(members, key=lambda it: it.number)
        numbers = {it.number for it in named}
        for number in range(1, max(numbers)):
            if number in numbers:
                continue
            before = [it for it in named if it.number < number]
            after = [it for it in named if it.number > number]
            kinds = Counter(it.kind for it in (before[-1:] + after[:1]) if it.kind)
            kind = kinds.most_common(1)[0][0] if kinds else ""
            context = ", ".join(x for x in (before[-1].id if before else "", after[0].id) if x)
            items[f"{series}-{number}"] = Item(f"{series}-{number}", kind=kind, gap=(
                "never named in the extracted text (no caption, no reference, not even garbled); "
                f"that the report has it follows from the numbering of the ids around it ({context}). "
                "It was presumably an image whose caption did not survive the extraction"))
    return sorted(items.values(), key=lambda it: _order(it.id))


def report_ids(text: str) -> tuple[list[str], dict[str, str]]:
    """The figure and table ids of the report as the text shows them, in report order, and the
    known gaps (ids the text implies but does not show) with the reason for each."""
    items = report_items(text)
    return [it.id for it in items if not it.gap], {it.id: it.gap for it in items if it.gap}


# --------------------------------------------------------------------------- the page


def report_text_path() -> Path:
    env = os.environ.get(REPORT_TEXT_ENV)
    return Path(env) if env else paths.ROOT.parent / "shared" / "seeds" / REPORT_TEXT_NAME


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _chapters(notebooks: Path) -> dict[str, str]:
    """Chapter stem -> the text of its cells (sources only, not outputs)."""
    out = {}
    for nb in sorted(notebooks.glob("*.ipynb")):
        raw = nb.read_text(encoding="utf-8")
        try:
            cells = json.loads(raw).get("cells", [])
            out[nb.stem] = "\n".join("".join(c.get("source", "")) for c in cells)
        except (json.JSONDecodeError, AttributeError):
            out[nb.stem] = raw  # a notebook being edited: search its raw text
    return out


def _names(item_id: str) -> re.Pattern:
    """'Figure 2-17', 'Table B1-8' (also plural or Dutch), but not 'Figure 2-1' in 'Figure 2-17'."""
    return re.compile(rf"\b(?:Figures?|Tables?|Figuur|Tabel)\s+{re.escape(item_id)}(?![\d])")


def chapters_for(item_id: str, chapters: dict[str, str]) -> list[str]:
    """Chapters whose cells name the id ('Figure 2-17', 'Table B1-8', also 'Figures' / Dutch)."""
    pattern = _names(item_id)
    return sorted(stem for stem, text in chapters.items() if pattern.search(text))


def quoted_in_text(item_id: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows of the published layer taken from the report's prose (not from a figure or table)
    whose note names the id: numbers the text quotes from, or beside, that figure or table."""
    pattern = _names(item_id)
    return [r for r in rows if not _PUBLISHED_ID.match(r["source_id"]) and pattern.search(r["note"])]


def _errata_for(item_id: str, errata: list[dict[str, str]]) -> list[str]:
    out = []
    for e in errata:
        named = {i for m in re.finditer(r"\b(?:Figures?|Tables?)\s+(B?\d-\d{1,2}(?:(?:,\s*|\s+and\s+)B?\d-\d{1,2})*)",
                                        e.get("title", ""))
                 for i in re.findall(r"B?\d-\d{1,2}", m.group(1))}
        if e.get("source_id") == item_id or item_id in named:
            out.append(e["erratum_id"])
    return sorted(out)


def _join(values) -> str:
    return ", ".join(str(v) for v in values)


def _asked(rows: list[dict[str, str]]) -> str:
    """Who was asked and how many, per base and wave, from the published rows."""
    parts = []
    for base in sorted({r["base"] for r in rows if r["base"]}):
        waves = []
        for year in sorted({r["year"] for r in rows if r["base"] == base}):
            sub = [r for r in rows if r["base"] == base and r["year"] == year]
            total = [r for r in sub if r["breakdown"] == "none"]
            ns = sorted({int(r["base_n"]) for r in total if r["base_n"]})
            if not ns:  # a printed 'Totaal (n)' row
                ns = sorted({int(float(r["value"])) for r in total if r["statistic"] == "n" and r["value"]})
            if not ns:
                every = sorted({int(r["base_n"]) for r in sub if r["base_n"]})
                if len(every) == 1:
                    ns = every
                elif every:
                    waves.append(f"{year}: n per group {every[0]} to {every[-1]}")
                    continue
            label = f"{year}: " if year else ""
            waves.append(f"{label}n = {' / '.join(str(n) for n in ns)}" if ns else f"{label}n not printed")
        parts.append(f"{base} ({'; '.join(waves)})")
    return "; ".join(parts)


def _write_csvs(folder: Path, fieldnames: list[str], by_name: dict[str, list[dict[str, str]]]) -> None:
    """One CSV per name (rows in the order of values.csv, plus data_source), rewritten only when
    changed; other CSVs in the folder (of ids no longer published) are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for item_id, rows in sorted(by_name.items()):
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([*fieldnames, "data_source"])
        for r in rows:
            writer.writerow([*(r[c] for c in fieldnames), "published"])
        target = folder / f"{item_id}.csv"
        wanted.add(target.name)
        if not target.exists() or target.read_text(encoding="utf-8") != buf.getvalue():
            target.write_text(buf.getvalue(), encoding="utf-8")
    for stale in folder.glob("*.csv"):
        if stale.name not in wanted:
            stale.unlink()


INTRO = (
    "This page is for readers who have the report *Innovatie Barometer Overheid 2025* (BZK/ICTU) "
    "open and want to know what this book does with a given figure or table. It follows the "
    "report's own numbering, from the figures of chapter 2 to the tables of Annex I and the figures "
    "of Annex II. Each entry quotes the caption as the report prints it (in Dutch), says who was "
    "asked, counts the numbers of that figure or table that are in the published layer "
    "(`data/published/values.csv`, downloadable per entry as CSV) and links the chapters that "
    "analyse it. Many figures were images in the PDF: their numbers could not be taken from the "
    "extracted text, so for those only what the report's prose quotes is available. The list itself "
    "is read from the extracted report text by `barometer.build.report_index`, from every caption and "
    "every in-text reference; ids the extraction garbled or never names are shown as known gaps."
)


def index_page(text: str | None = None, *, values: Path | None = None, notebooks: Path | None = None,
               errata: Path | None = None, files: Path | None = None) -> str:
    """The index page (MyST Markdown). Also writes the per-id CSVs into ``files``
    (default ``book/appendices/files/report_index``), which the page links."""
    if text is None:
        source = report_text_path()
        text = source.read_text(encoding="utf-8") if source.exists() else None
    fieldnames, rows = _read_csv(values or paths.PUBLISHED / "values.csv")
    by_id: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        if _PUBLISHED_ID.match(r["source_id"]):
            by_id.setdefault(r["source_id"], []).append(r)
    errata_path = errata or paths.PUBLISHED / "errata.csv"
    errata_rows = _read_csv(errata_path)[1] if errata_path.exists() else []
    chapters = _chapters(notebooks or paths.NOTEBOOKS)
    link_base = FILES.relative_to(Path(PAGE).parent).as_posix()

    out = ["# Report figures and tables", "", INTRO, ""]
    if text is None:
        items = [Item(i) for i in sorted(by_id, key=_order)]
        out += ["```{admonition} The report text was not available to this build\n:class: warning\n"
                f"The extracted report text ({REPORT_TEXT_NAME}) was not found, so this page lists only "
                "the figures and tables that have values in the published layer, without their "
                f"captions. Set `{REPORT_TEXT_ENV}` to the file to list them all.\n```", ""]
    else:
        items = report_items(text)
    quoted = {it.id: q for it in items if (q := quoted_in_text(it.id, rows))}
    _write_csvs(files or paths.ROOT / FILES, fieldnames,
                {**by_id, **{f"{i}{QUOTED}": q for i, q in quoted.items()}})
    with_values = sum(1 for it in items if it.id in by_id)
    gaps = [it for it in items if it.gap]
    out += [f"The report text shows {len(items) - len(gaps)} figures and tables"
            + (f" and implies {len(gaps)} more ({'a known gap' if len(gaps) == 1 else 'known gaps'})" if gaps else "")
            + f"; {with_values} of them have values in the published layer.", ""]
    out += ["| report | values in the published layer | analysed in |", "|---|---:|---|"]
    for it in items:
        name = f"{it.kind} {it.id}".strip()
        n = len(by_id.get(it.id, []))
        where = ", ".join(f"{{doc}}`../chapters/{c}`" for c in chapters_for(it.id, chapters)) or "no chapter"
        held = str(n) if n else "known gap" if it.gap else "image only"
        out.append(f"| {{ref}}`{name} <report-{it.id.lower()}>` | {held} | {where} |")
    out.append("")
    for it in items:
        out += _section(it, by_id.get(it.id, []), quoted.get(it.id, []), chapters, errata_rows, link_base)
    return "\n".join(out).rstrip("\n") + "\n"


def _section(it: Item, rows: list[dict[str, str]], quoted: list[dict[str, str]], chapters: dict[str, str],
             errata_rows: list[dict[str, str]], link_base: str) -> list[str]:
    name = f"{it.kind} {it.id}".strip()
    heading = f"## {name}: “{it.title}”" if it.title else f"## {name}"
    out = [f"(report-{it.id.lower()})=", heading, ""]
    facts = []
    if it.gap:
        facts.append(f"**Known gap.** This id is {it.gap}.")
    elif it.title:
        where = f"quoted in the heading as printed (Dutch), from line {it.caption_line} of the extracted report text"
        if it.cut_off:
            where += "; the caption is cut off there, so the title is incomplete"
        facts.append(f"**Caption:** {where}.")
    elif it.references:
        facts.append("**Caption:** the extracted text gives no caption for it (the figure was an image).")
    if it.references:
        facts.append(f"**Referred to** in the report text at line{'s' if len(it.references) > 1 else ''} "
                     f"{_join(it.references)}.")
    if it.garbled and not it.gap:
        facts.append("**Also referred to** in a garbled spelling (hyphen lost in the extraction): "
                     + _join(f"'{s}' (line {n})" for s, n in it.garbled) + ".")
    if rows:
        asked = _asked(rows)
        if asked:
            facts.append(f"**Who was asked:** {asked}.")
        empty = sum(1 for r in rows if not r["value"])
        breakdowns = sorted({r["breakdown"] for r in rows} - {"none", ""})
        text = (f"**Published values:** {len(rows)} values"
                + (f" ({empty} of them not printed in the report)" if empty else "")
                + f"; statistics: {_join(sorted({r['statistic'] for r in rows}))}"
                + f"; waves: {_join(sorted({r['year'] for r in rows if r['year']}))}"
                + (f"; broken down by {_join(f'`{b}`' for b in breakdowns)}" if breakdowns else "")
                + f"; variables: {_join(f'`{v}`' for v in sorted({r['variable'] for r in rows}))}. "
                + f"{{download}}`Download the {len(rows)} values as CSV <{link_base}/{it.id}.csv>`.")
        facts.append(text)
    else:
        facts.append("**Published values:** image only in the report; values not available.")
    if quoted:
        sources = _join(sorted({r["source_id"] for r in quoted}))
        facts.append(f"**Quoted in the report's text:** {len(quoted)} values of the published layer come "
                     f"from the report's prose ({sources}) and name this {it.kind.lower() or 'item'} in their note. "
                     f"{{download}}`Download them as CSV <{link_base}/{it.id}{QUOTED}.csv>`.")
    errata = _errata_for(it.id, errata_rows)
    if errata:
        facts.append(f"**Errata:** {_join(errata)} (see {{doc}}`errata`).")
    where = chapters_for(it.id, chapters)
    facts.append("**Analysed in:** " + (_join(f"{{doc}}`../chapters/{c}`" for c in where) if where
                                        else "no chapter names it."))
    out += [f"- {f}" for f in facts]
    out.append("")
    return out
