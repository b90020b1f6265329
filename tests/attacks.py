"""Ten ways an outsider could recover a small count from an edition built on own microdata,
using only its publishable folder (``site/``): the ways the issue "Safe outputs" found them.

Each attack returns its findings: small counts (1 … min_cell − 1), or zeros of an answer in a
group, recovered from what the site shows. ``tests/test_safe_outputs.py`` runs them against the
real build (they must find nothing) and against a deliberately weakened one (each must find
something, so that the attacks themselves are shown to work).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MARK = "#"
COUNT = re.compile(r"(^n$|^n \d{4}$|^n both waves$|\(n\)$|^base$|^base_n$|^innovators( \d{4})?$|^asked$|"
                   r"^organisations|^named \d{4}$|^n with type$|^n without$)")
DESIGN_COUNTS = {"not_asked", "nonresponse"}  # zeros of who was asked: not an answer


@dataclass
class Table:
    chapter: str
    name: str
    frame: pd.DataFrame  # as strings, exactly as published

    def number(self, row: int, col: str) -> float | None:
        v = self.frame.iloc[row][col]
        try:
            return float(v)
        except (TypeError, ValueError):
            return None

    def hidden(self, row: int, col: str) -> bool:
        return self.frame.iloc[row][col] == MARK

    def labels(self, row: int) -> tuple:
        """The row's label cells (text that is neither a number nor the mark)."""
        out = []
        for col in self.frame.columns:
            v = self.frame.iloc[row][col]
            if col == "data_source" or v == MARK or v == "":
                continue
            try:
                float(v)
            except ValueError:
                out.append((col, v))
        return tuple(out)


def own_tables(site: Path) -> list[Table]:
    """Every CSV download of the site computed from own microdata, by chapter (from the links on
    each chapter page)."""
    tables = []
    for page in sorted((site / "book" / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        for link in sorted(set(re.findall(r'href="(\.\./\.\./_downloads/[^"]+\.csv)"', html))):
            path = (page.parent / link).resolve()
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            if "own" in set(frame.get("data_source", [])):
                tables.append(Table(page.stem, path.stem, frame))
    return tables


def every_own_download(site: Path) -> list[Table]:
    """Every CSV in the site's downloads folder computed from own microdata, linked from a page
    or not (a chapter's full reproduction records, ``_reproduction.csv``, are downloads too)."""
    out = []
    for path in sorted((site / "_downloads").glob("*/*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "own" in set(frame.get("data_source", [])):
            out.append(Table(path.parent.name, path.stem, frame))
    return out


def small(v: float | None, m: int) -> bool:
    return v is not None and abs(v - round(v)) < 1e-6 and 1 <= round(v) <= m - 1


# --------------------------------------------------------------------------- the ten attacks

def direct(site, truth, m) -> list[str]:
    """1. Read directly: a count (or the base of a recomputed value) below the threshold."""
    found = []
    for t in own_tables(site):
        for col in t.frame.columns:
            if not COUNT.search(col) or col in DESIGN_COUNTS:
                continue
            for i in range(len(t.frame)):
                v = t.number(i, col)
                if small(v, m):
                    found.append(f"{t.chapter}/{t.name}: {col} = {v:g} in row {t.labels(i)}")
    return found


def _pairs(columns) -> list[tuple[str, str]]:
    """(percentage column, its base column) pairs of a table, as its layout says: a wave's
    percentage beside that wave's n; a crosstab's row percentage beside the row total; an item's
    percentage beside its count and the group's n; a share beside its base; a recomputed
    percentage beside its base."""
    cols = list(columns)
    pairs = []
    for c in cols:
        if c.startswith("% ") and c[2:].isdigit() and f"n {c[2:]}" in cols:
            pairs.append((c, f"n {c[2:]}"))  # a wave's percentage beside the wave's n
        elif c.startswith("% ") and f"n {c[2:]}" in cols:  # a part's percentage beside the part's count
            base = "total (n)" if "total (n)" in cols else "innovators" if "innovators" in cols else None
            if base:
                pairs.append((c, base))
        elif c.endswith(" (%)") and f"{c[:-4]} (n)" in cols:
            base = "total (n)" if "total (n)" in cols else "n" if "n" in cols else "innovators" if "innovators" in cols else None
            if base:
                pairs.append((c, base))
        elif c == "share" and "base" in cols:
            pairs.append((c, "base"))
        elif c == "recomputed" and "base_n" in cols and "statistic" in cols:
            pairs.append((c, "base_n"))
    return pairs


def rate_times_base(site, truth, m) -> list[str]:
    """2. A percentage beside its printed base gives its numerator (and the rest of the base)."""
    found = []
    for t in own_tables(site):
        for pct, base in _pairs(t.frame.columns):
            for i in range(len(t.frame)):
                if pct == "recomputed" and t.frame.iloc[i]["statistic"] not in ("pct", "share"):
                    continue
                p, n = t.number(i, pct), t.number(i, base)
                if p is None or n is None or n < 1:
                    continue
                k = round(p * n / 100)
                if 1 <= k <= m - 1 or 1 <= n - k <= m - 1:
                    found.append(f"{t.chapter}/{t.name}: {pct} {p:g} of {base} {n:g} gives {k} and {n - k:g}")
    return found


def derived_column(site, truth, m) -> list[str]:
    """3. An undeclared derived column: recomputed = published + difference where recomputed is hidden."""
    found = []
    for t in own_tables(site):
        cols = set(t.frame.columns)
        if not {"recomputed", "difference", "published"} <= cols:
            continue
        for i in range(len(t.frame)):
            if t.hidden(i, "recomputed") and t.number(i, "difference") is not None and t.number(i, "published") is not None:
                value = t.number(i, "published") + t.number(i, "difference")
                found.append(f"{t.chapter}/{t.name}: hidden recomputed value is {value:g} (row {t.labels(i)})")
    return found


KEYS = {"wave", "year", "number of types", "types", "code"}


def _keyed(t: Table) -> tuple[frozenset, dict]:
    """A table's cells by (row key, column): the key is the columns that are never a number or
    hidden (labels), and columns that hold category numbers (a wave, a number of types)."""
    f = t.frame
    keys = [c for c in f.columns if c != "data_source" and (c in KEYS or all(
        v != MARK and t.number(i, c) is None for i, v in enumerate(f[c])))]
    cells = {}
    for i in range(len(f)):
        key = tuple(f.iloc[i][k] for k in keys)
        for col in f.columns:
            if col in keys or col == "data_source":
                continue
            v = f.iloc[i][col]
            if v == MARK or t.number(i, col) is not None:
                cells[(key, col)] = v
    return frozenset(keys), cells


def figure_against_table(site, truth, m) -> list[str]:
    """4. Figure data against the table: the same cell hidden in one download and shown in another
    (two downloads of a chapter with the same row keys that agree wherever both show a value)."""
    found = []
    by_chapter = defaultdict(list)
    for t in own_tables(site):
        by_chapter[t.chapter].append(t)
    for chapter, tables in by_chapter.items():
        keyed = [(t, *_keyed(t)) for t in tables]
        for (a, ka, ca), (b, kb, cb) in itertools.combinations(keyed, 2):
            if ka != kb or a.name == b.name:
                continue
            common = set(ca) & set(cb)
            both = [k for k in common if ca[k] != MARK and cb[k] != MARK]
            if len({k[1] for k in both}) < 2 or any(abs(float(ca[k]) - float(cb[k])) > 1e-6 for k in both):
                continue  # not shown to be the same numbers (two columns that agree, none that differ)
            for k in common:
                if (ca[k] == MARK) != (cb[k] == MARK):
                    shown, where = (cb[k], b.name) if ca[k] == MARK else (ca[k], a.name)
                    found.append(f"{chapter}: {k[1]} of {k[0]} hidden in one download, {shown} in {where}")
    return found


TOTAL = re.compile(r"^(total|totaal|all|all sectors|alle sectoren)$", re.IGNORECASE)


def across_tables(site, truth, m) -> list[str]:
    """5. A total minus the other rows (in the table itself or from another table of the chapter)."""
    found = []
    by_chapter = defaultdict(list)
    for t in own_tables(site):
        by_chapter[t.chapter].append(t)
    for chapter, tables in by_chapter.items():
        totals: dict[str, float] = {}
        for t in tables:
            for i in range(len(t.frame)):
                if any(TOTAL.match(str(v)) for _, v in t.labels(i)):
                    for col in t.frame.columns:
                        if t.number(i, col) is not None:
                            totals.setdefault(col, t.number(i, col))
        for t in tables:
            rows = [i for i in range(len(t.frame)) if not any(TOTAL.match(str(v)) for _, v in t.labels(i))]
            for col in t.frame.columns:
                if not COUNT.search(col) or col not in totals:
                    continue
                hidden = [i for i in rows if t.hidden(i, col)]
                if len(hidden) != 1 or any(t.number(i, col) is None for i in rows if i not in hidden):
                    continue
                value = totals[col] - sum(t.number(i, col) for i in rows if i not in hidden)
                if small(value, m):
                    found.append(f"{chapter}/{t.name}: {col} of {t.labels(hidden[0])} = total - others = {value:g}")
    return found


def invert_statistic(site, truth, m) -> list[str]:
    """6. Invert a test statistic: the sector-by-wave chi-square of chapter 1, printed to two
    decimals, and the composition table's row totals leave one filling of its hidden cells."""
    from scipy import stats

    page = (site / "book" / "chapters" / "01_who_took_part.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", page)
    hit = re.search(r"sector x wave: chi2 = ([0-9.]+)", text)
    comp = next((t for t in own_tables(site) if t.name == "composition_microdata"), None)
    if hit is None or comp is None:
        return []
    chi2 = float(hit[1])
    f = comp.frame
    waves = [c for c in f.columns if re.match(r"^n \d{4}$", c)]
    both = "n both waves"
    unknown, fixed_rows = [], []
    for i in range(len(f)):
        row_total = comp.number(i, both)
        values = [comp.number(i, w) for w in waves]
        if row_total is None or len(values) != 2:
            return []
        if all(v is None for v in values):
            unknown.append(range(int(row_total) + 1))
        elif values[0] is None:
            unknown.append([int(row_total - values[1])])
        elif values[1] is None:
            unknown.append([int(values[0])])
        else:
            fixed_rows.append(values)
    if not unknown:
        return []
    totals = [int(r) for r in (comp.number(i, both) for i in range(len(f))) if r is not None]
    del totals
    solutions = []
    unknown_totals = [int(comp.number(i, both)) for i in range(len(f))
                      if any(comp.number(i, w) is None for w in waves)]
    for fill in itertools.product(*unknown):
        rows = fixed_rows + [[a, t - a] for a, t in zip(fill, unknown_totals, strict=True)]
        table = np.array([r for r in rows if sum(r) > 0])
        if table.shape[0] < 2 or (table.sum(axis=0) == 0).any():
            continue
        value = stats.chi2_contingency(table, correction=False)[0]
        if abs(value - chi2) < 0.005:
            solutions.append(fill)
    if len(solutions) == 1:
        return [f"01_who_took_part/composition_microdata: the chi-square {chi2} leaves one filling {solutions[0]}"]
    return []


def across_chapters(site, truth, m) -> list[str]:
    """7. Across chapters and waves: a sector's respondents in both waves minus one wave's, each
    from another download."""
    known: dict[tuple[str, str], float] = {}
    names = _sector_names()
    for t in own_tables(site):
        f = t.frame
        if t.name == "composition_microdata":
            for i in range(len(f)):
                sector = names.get(f.iloc[i]["sector"], f.iloc[i]["sector"])
                for col, wave in (("n 2021", "2021"), ("n 2025", "2025"), ("n both waves", "both")):
                    if col in f and t.number(i, col) is not None:
                        known.setdefault((sector, wave), t.number(i, col))
        if {"source_id", "statistic", "recomputed", "group", "year"} <= set(f.columns):
            for i in range(len(f)):
                r = f.iloc[i]
                if r["source_id"] in ("B1-8", "B1-1") and r["statistic"] in ("n", "count") and r.get("breakdown", "sector") == "sector":
                    v = t.number(i, "recomputed")
                    if v is not None:
                        known.setdefault((r["group"], str(r["year"])), v)
    found = []
    for (sector, wave), both in list(known.items()):
        if wave != "both":
            continue
        for w1, w2 in (("2021", "2025"), ("2025", "2021")):
            if (sector, w1) in known and (sector, w2) not in known:
                value = both - known[(sector, w1)]
                if small(value, m):
                    found.append(f"{sector}: {w2} respondents = both waves - {w1} = {value:g}")
    return found


def _sector_names() -> dict[str, str]:
    from barometer.book import labels
    from barometer.data import codebook as md

    out = {}
    for s in md.DESIGN_LABELS["sector"]:
        for lang in ("en", "nl"):
            out[labels.group(s, lang=lang)] = s
    return out


def svg_coordinates(site, truth, m) -> list[str]:
    """8. SVG coordinates: an own-data figure as SVG carries the exact position of everything drawn."""
    found = []
    own_figures = {t.name for t in own_tables(site)}
    for svg in site.rglob("*.svg"):
        if svg.stem in own_figures and "_static" not in svg.parts:
            found.append(f"{svg.name}: an own-data figure as SVG")
    return found


def prose_and_printed(site, truth, m) -> list[str]:
    """9. Glued prose and printed output: a small 'k of n organisations', or any printed output
    of the microdata part (statistics, model summaries)."""
    found = []
    for page in sorted((site / "book" / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        start = html.find("Your microdata")
        if start < 0:
            continue
        part = html[start:]
        if re.search(r'class="output stream', part):
            found.append(f"{page.stem}: printed output in the microdata part")
        text = " ".join(re.sub(r"<[^>]+>", " ", part).split())
        for k, n in re.findall(r"\b(\d+) of (?:the )?(\d+) (?:responding |innovating )?organisations", text):
            if 1 <= int(k) <= m - 1:
                found.append(f"{page.stem}: '{k} of {n} organisations' in the prose")
    return found


def zeros(site, truth, m) -> list[str]:
    """10. Zeros: nobody in a group gave an answer (a zero count or 0% / 100% of a shown group)."""
    found = []
    for t in own_tables(site):
        for col in t.frame.columns:
            if col in DESIGN_COUNTS or col.startswith(("n ", "total")) or col in ("n", "base", "base_n"):
                continue
            if col.endswith("(n)") or re.match(r"^(innovators|named) \d{4}$", col):
                for i in range(len(t.frame)):
                    if t.number(i, col) == 0:
                        found.append(f"{t.chapter}/{t.name}: {col} = 0 in row {t.labels(i)}")
        for pct, base in _pairs(t.frame.columns):
            for i in range(len(t.frame)):
                p, n = t.number(i, pct), t.number(i, base)
                if p is not None and n and n > 0 and (p == 0 or abs(p - 100) < 1e-9):
                    if pct == "recomputed" and t.frame.iloc[i]["statistic"] not in ("pct", "share"):
                        continue
                    found.append(f"{t.chapter}/{t.name}: {pct} = {p:g} of {n:g} in row {t.labels(i)}")
    return found


ATTACKS = {
    "direct": direct, "rate times base": rate_times_base, "derived column": derived_column,
    "figure against table": figure_against_table, "across tables": across_tables,
    "inverting a test statistic": invert_statistic, "across chapters and waves": across_chapters,
    "SVG coordinates": svg_coordinates, "glued prose and printed output": prose_and_printed, "zeros": zeros,
}


# --------------------------------------------------------------------------- the red team's recipes
# An independent attack (a helper that had seen neither the gate's code nor these tests) recovered
# hidden cells of an earlier build in the ways below. Each recipe links numbers of different
# tables the way that attack did; any value it pins to 0 … min_cell − 1 where the site hides it is
# a finding.

def _by_stem(site: Path) -> dict[str, Table]:
    return {t.name: t for t in own_tables(site)}


def _num(v) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _disclosive(v: float | None, m: int) -> bool:
    return v is not None and abs(v - round(v)) < 1e-6 and 0 <= round(v) <= m - 1


def _eliminate(cells: dict, sums: list[tuple[list, float]]) -> dict:
    """Solve for unknown cells (value None) from equations "these cells add up to this total",
    one unknown at a time, as one would by hand."""
    cells = dict(cells)
    changed = True
    while changed:
        changed = False
        for keys, total in sums:
            unknown = [k for k in keys if cells.get(k) is None]
            if len(unknown) == 1 and all(k in cells for k in keys):
                cells[unknown[0]] = total - sum(cells[k] for k in keys if k != unknown[0])
                changed = True
    return cells


def non_innovators_from_other_totals(site, truth, m) -> list[str]:
    """A/B. A sector's organisations (composition) minus its innovators as another table's total
    by sector gives the non-innovators the rate table hides."""
    tables = _by_stem(site)
    comp, rate = tables.get("composition_microdata"), tables.get("rate_microdata")
    if comp is None or rate is None:
        return []
    found = []
    innovators: dict[str, float] = {}
    for t in tables.values():
        if {"sector", "total (n)"} <= set(t.frame.columns) and t.name.startswith("md_"):
            for _, r in t.frame.iterrows():
                if _num(r["total (n)"]) is not None:
                    innovators.setdefault(r["sector"], _num(r["total (n)"]))
    rate_rows = {r["sector"]: r for _, r in rate.frame.iterrows()}
    for _, r in comp.frame.iterrows():
        n = _num(r.get("n 2025"))
        if n is None and _num(r.get("n both waves")) is not None and _num(r.get("n 2021")) is not None:
            n = _num(r["n both waves"]) - _num(r["n 2021"])
        row = rate_rows.get(r["sector"])
        if n is None or row is None or r["sector"] not in innovators or row["not innovating 2025"] != MARK:
            continue
        v = n - innovators[r["sector"]]
        if _disclosive(v, m):
            found.append(f"non-innovators 2025 of {r['sector']}: {n:g} - {innovators[r['sector']]:g} = {v:g}")
    return found


def answers_add_up(site, truth, m) -> list[str]:
    """C/F. The answers of a single-choice question add up to the innovators: the one answer a
    table hides is the innovators minus the others (origin, technology content, number of
    types)."""
    tables = _by_stem(site)
    rate = tables.get("rate_microdata")
    total = None
    if rate is not None:
        last = rate.frame.iloc[-1]
        total = _num(last.get("innovators 2025"))
    found = []
    for name, col in [("sharing_by_origin", "innovations"), ("technology_content_microdata", "n")]:
        t = tables.get(name)
        base = total if t is None or "base" not in t.frame.columns else _num(t.frame["base"].iloc[0])
        if t is None or base is None:
            continue
        values = [_num(v) for v in t.frame[col]]
        if values.count(None) == 1:
            v = base - sum(x for x in values if x is not None)
            if _disclosive(v, m):
                found.append(f"{name}: the hidden answer is {base:g} - the others = {v:g}")
    spec = tables.get("md_spectrum")
    if spec is not None:
        for wave, part in spec.frame.groupby("wave"):
            counts = {int(k): _num(v) for k, v in zip(part["number of types"], part["n"], strict=True)}
            base = _num(part["base"].iloc[0])
            by_spec = tables.get("goals_by_spectrum")
            sums = [(list(range(5)), base)]
            if by_spec is not None and wave == "2025":
                row = by_spec.frame.iloc[0]
                for col, keys in [("n 0 or 1 type", [0, 1]), ("n multiple (2-4 types)", [2, 3, 4]),
                                  ("n 3-4 types", [3, 4])]:
                    if _num(row.get(col)) is not None:
                        sums.append((keys, _num(row[col])))
            defs = tables.get("md_spectrum_definitions")
            if defs is not None:
                for _, r in defs.frame[defs.frame["wave"] == wave].iterrows():
                    n = _num(r["innovators"])
                    for col, keys in [("multi-type, 2 or more types (%)", [2, 3, 4]),
                                      ("multi-type, 3 or 4 types (%)", [3, 4])]:
                        if n is not None and _num(r[col]) is not None:
                            sums.append((keys, round(_num(r[col]) * n / 100)))
            solved = _eliminate(counts, sums)
            for k, v in solved.items():
                if counts[k] is None and _disclosive(v, m):
                    found.append(f"md_spectrum {wave}: {k} types = {v:g}")
    return found


def answers_by_size(site, truth, m) -> list[str]:
    """D. Innovators by size (another chapter's bases) minus those in the shown origins."""
    tables = _by_stem(site)
    origin, goals = tables.get("origin_by_size_md"), tables.get("goals_by_size")
    if origin is None or goals is None:
        return []
    found = []
    first = goals.frame.iloc[0]
    for _, r in origin.frame.iterrows():
        size = r["size class"]
        n, shown = _num(first.get(f"n {size}")), _num(r.get("innovators"))
        if n is not None and shown is not None and _disclosive(n - shown, m):
            found.append(f"origin 'other / don't know' among {size}: {n:g} - {shown:g} = {n - shown:g}")
    return found


def crosstab_margins(site, truth, m) -> list[str]:
    """G. A crosstab's hidden cells from its row totals and its column totals published in another
    table (strategy × technology content against the technology content of all innovators)."""
    tables = _by_stem(site)
    st, tech = tables.get("md_strategy_by_technology"), tables.get("technology_content_microdata")
    if st is None or tech is None:
        return []
    columns = [c[:-4] for c in st.frame.columns if c.endswith(" (n)") and c != "total (n)"]
    column_totals = [_num(v) for v in tech.frame["n"]]
    cells, sums = {}, []
    for i, r in st.frame.iterrows():
        for c in columns:
            cells[(i, c)] = _num(r[f"{c} (n)"])
        if _num(r["total (n)"]) is not None:
            sums.append(([(i, c) for c in columns], _num(r["total (n)"])))
    for c, total in zip(columns, column_totals, strict=False):
        if total is not None:
            sums.append(([(i, c) for i in range(len(st.frame))], total))
    solved = _eliminate(cells, sums)
    return [f"md_strategy_by_technology: {st.frame.iloc[i]['strategy']} × {c} = {v:g}"
            for (i, c), v in solved.items() if cells[(i, c)] is None and _disclosive(v, m)]


def factor_rows(site, truth, m) -> list[str]:
    """H. A factor's five answers add up to its base; "promoted" and "hindered" (other tables) are
    two of them added up; shares times the base give the shown counts."""
    tables = _by_stem(site)
    fac = tables.get("factors_microdata")
    if fac is None:
        return []
    change, versus = tables.get("change_between_waves"), tables.get("versus_published")
    found = []
    answers = [c for c in fac.frame.columns if c not in ("factor", "base", "data_source")]
    for i, r in fac.frame.iterrows():
        base = _num(r["base"])
        if base is None:
            continue
        cells = {a: (round(_num(r[a]) * base / 100) if _num(r[a]) is not None else None) for a in answers}
        sums = [(answers, base)]
        if change is not None and i < len(change.frame) and _num(change.frame.iloc[i]["promoted 2025 (%)"]) is not None:
            sums.append((answers[3:], round(_num(change.frame.iloc[i]["promoted 2025 (%)"]) * base / 100)))
        if versus is not None:
            rows = versus.frame[versus.frame["share"] == "hindered"]
            if i < len(rows) and _num(rows.iloc[i]["recomputed (%)"]) is not None:
                sums.append((answers[:2], round(_num(rows.iloc[i]["recomputed (%)"]) * base / 100)))
        solved = _eliminate(cells, sums)
        found += [f"factors_microdata: {r['factor']} / {a} = {v:g}" for a, v in solved.items()
                  if cells[a] is None and _disclosive(v, m)]
    return found


def reasons_by_cluster(site, truth, m) -> list[str]:
    """I. A failure reason named by cluster: the total over the clusters (a percentage of the
    failed organisations in another table) minus the shown clusters."""
    tables = _by_stem(site)
    by_cluster, total = tables.get("reasons_by_cluster_microdata"), tables.get("reasons_microdata")
    if by_cluster is None or total is None:
        return []
    found = []
    rebuilt = [c for c in total.frame.columns if c.startswith("rebuilt")]
    for reason, part in by_cluster.frame.groupby("reason", sort=False):
        base = sum(_num(v) or 0 for v in part["n"])
        if any(_num(v) is None for v in part["n"]) or not rebuilt:
            continue
        row = total.frame[total.frame["reason"] == reason]
        if row.empty or _num(row.iloc[0][rebuilt[0]]) is None:
            continue
        named_total = round(_num(row.iloc[0][rebuilt[0]]) * base / 100)
        cells = {c: _num(v) for c, v in zip(part["cluster"], part["named"], strict=True)}
        solved = _eliminate(cells, [(list(cells), named_total)])
        for (c, v), n in zip(solved.items(), part["n"], strict=True):
            if cells[c] is None and v is not None and (_disclosive(v, m) or _disclosive(_num(n) - v, m)):
                found.append(f"reasons_by_cluster: {reason} / {c}: named {v:g} of {n}")
    return found


def small_sectors_from_the_wave_total(site, truth, m) -> list[str]:
    """J (found by a red team that had not seen the gate's code). The wave's total is asked +
    not asked of any routed question, or the base printed beside a sector's count in a
    reproduction record; minus the sectors the composition shows, it is what the hidden
    sectors share. Each hidden sector holds at least as many organisations as any count printed
    for it (its innovators, its respondents to a scale), so the share left to each may pin its
    size, or show it, or its non-innovators, to be small. Checked against the true counts."""
    names = _sector_names()
    totals, sizes, floors, innovators = set(), {}, defaultdict(float), {}
    for t in own_tables(site) + every_own_download(site):
        f = t.frame
        if {"asked", "not_asked"} <= set(f.columns):
            for i in range(len(f)):
                a, b = t.number(i, "asked"), t.number(i, "not_asked")
                if a is not None and b is not None:
                    totals.add(a + b)
        if t.name == "composition_microdata":
            for i in range(len(f)):
                sizes[names.get(f.iloc[i]["sector"], f.iloc[i]["sector"])] = t.number(i, "n 2025")
        if t.name == "rate_microdata" and "innovators 2025" in f:
            for i in range(len(f)):
                sector = names.get(f.iloc[i]["sector"], f.iloc[i]["sector"])
                v = t.number(i, "innovators 2025")
                if v is not None:
                    innovators[sector] = v
                    floors[sector] = max(floors[sector], v)
        if {"source_id", "statistic", "recomputed", "group", "year", "base_n"} <= set(f.columns):
            for i in range(len(f)):
                r = f.iloc[i]
                if str(r["year"]) != "2025" or r.get("breakdown") != "sector":
                    continue
                if r.get("variable") == "response" and r["statistic"] == "count" and t.number(i, "base_n") is not None:
                    totals.add(t.number(i, "base_n"))
                if r["statistic"] == "n" and t.number(i, "recomputed") is not None:
                    floors[r["group"]] = max(floors[r["group"]], t.number(i, "recomputed"))
    hidden = [s for s, v in sizes.items() if v is None]
    if len(totals) != 1 or not hidden:
        return []
    left = totals.pop() - sum(v for v in sizes.values() if v is not None)
    wave = truth[truth["wave"].astype(str) == "2025"]
    found = []
    for s in hidden:
        high = left - sum(floors.get(o, 0.0) for o in hidden if o != s)
        low = high if len(hidden) == 1 else floors.get(s, 0.0)  # (one hidden sector: the rest is its size)
        true_size = float((wave["sector"] == s).sum())
        if not low <= true_size <= high:
            continue  # (a wrong reading of the tables, not a disclosure)
        ranges = {"organisations": (low, high)}
        if s in innovators:
            ranges["non-innovators"] = (low - innovators[s], high - innovators[s])
        for what, (lo, hi) in ranges.items():
            if (lo == hi and _disclosive(lo, m)) or (1 <= lo and hi <= m - 1):
                found.append(f"{s} 2025, {what}: between {lo:g} and {hi:g} (the wave total minus the shown sectors)")
    return found


#: The annex tables whose n by sector is the number of respondents to a scale.
SCALE_TABLES = {"B1-10": "climate", "B1-12": "preconditions"}


def scale_respondents(site: Path) -> dict[tuple[str, str, str], float]:
    """The respondents to each scale by sector and wave, as the reproduction records show them
    (recomputed n of Tables B1-10 and B1-12): {(scale, sector, wave): n}."""
    names = _sector_names()
    out = {}
    for t in every_own_download(site):
        f = t.frame
        if not {"source_id", "statistic", "recomputed", "group", "year"} <= set(f.columns):
            continue
        for i in range(len(f)):
            r = f.iloc[i]
            scale = SCALE_TABLES.get(r["source_id"])
            if scale is not None and r["statistic"] == "n" and t.number(i, "recomputed") is not None:
                out[(scale, names.get(r["group"], r["group"]), str(r["year"]))] = t.number(i, "recomputed")
    return out


def scale_total_from_a_model(site, truth, m) -> list[str]:
    """K (found by a second red team). A model's sample, printed as "N organisations", is
    everyone with the scale's score in that wave when the model needs it; minus the scale's
    respondents in the sectors shown (the reproduction records' n by sector), it leaves the
    one hidden sector's. Every "N organisations" on a chapter page is tried as that total; a
    small remainder that equals the true count is a disclosure."""
    from barometer.data import codebook as md

    names = _sector_names()
    printed = set()
    for page in (site / "book" / "chapters").glob("*.html"):
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
        printed |= {float(n.replace(",", "")) for n in re.findall(r"(\d[\d,]*) organisations", text)}
    sectors = {names.get(r["sector"], r["sector"]) for t in own_tables(site) if t.name == "composition_microdata"
               for _, r in t.frame.iterrows()}
    respondents = scale_respondents(site)
    found = []
    for scale in SCALE_TABLES.values():
        shown = {sector: n for (s, sector, wave), n in respondents.items()
                 if s == scale and wave == "2025" and sector in sectors}
        rest_of = sectors - set(shown)  # (hidden, or not in the table at all)
        if len(rest_of) != 1:
            continue
        (sector,) = rest_of
        wave = truth[(truth["wave"].astype(str) == "2025") & (truth["sector"] == sector)]
        true = int(wave[md.scale_items(scale)].notna().all(axis=1).sum())
        for total in printed:
            rest = total - sum(shown.values())
            if rest == true and _disclosive(rest, m):
                found.append(f"{sector} 2025 with a {scale} score: {total:g} - {sum(shown.values()):g} = {rest:g}")
    return found


def who_skipped_a_scale(site, truth, m) -> list[str]:
    """L (found by the second red team). A sector's size (the composition table) minus its
    respondents to a scale (the reproduction records' n by sector) is how many of the sector
    skipped one of the scale's items: a small count (a zero of it says nothing about anyone's
    answers). Checked against the true counts."""
    from barometer.data import codebook as md

    names = _sector_names()
    sizes = {}
    for t in own_tables(site):
        if t.name == "composition_microdata":
            for i in range(len(t.frame)):
                sector = names.get(t.frame.iloc[i]["sector"], t.frame.iloc[i]["sector"])
                for wave in ("2021", "2025"):
                    if t.number(i, f"n {wave}") is not None:
                        sizes[(sector, wave)] = t.number(i, f"n {wave}")
    found = []
    for (scale, *key), n in scale_respondents(site).items():
        key = tuple(key)
        if key in sizes:
            skipped = sizes[key] - n
            group = truth[(truth["wave"].astype(str) == key[1]) & (truth["sector"] == key[0])]
            true = int((~group[md.scale_items(scale)].notna().all(axis=1)).sum())
            if skipped == true and small(skipped, m):
                found.append(f"{key[0]} {key[1]}: {skipped:g} skipped an item of the {scale} scale")
    return sorted(set(found))


RED_TEAM = {
    "who skipped a scale": who_skipped_a_scale,
    "scale total from a model": scale_total_from_a_model,
    "small sectors from the wave total": small_sectors_from_the_wave_total,
    "non-innovators from other totals": non_innovators_from_other_totals,
    "answers add up to the innovators": answers_add_up, "answers by size": answers_by_size,
    "crosstab margins from another table": crosstab_margins, "factor rows": factor_rows,
    "reasons by cluster": reasons_by_cluster,
}
