"""Book pages generated from data before each build (they are git-ignored outputs)."""

from __future__ import annotations

from pathlib import Path

from barometer.build.markdown import chapter_title, markdown_table
from barometer.data import paths

GENERATED = ["book/appendices/errata.md", "book/appendices/codebook.md", "book/appendices/fidelity.md",
             "book/appendices/report_index.md"]


def errata_page() -> str:
    from barometer.data import consistency

    errata = consistency.errata()
    findings = {f.check_id: f for f in consistency.run()}
    out = [
        "# Errata of the report",
        "",
        "The report is internally inconsistent in a few places. Each inconsistency below was found "
        "by a mechanical consistency check of the published layer (`barometer.data.consistency`), or by "
        "reading, and is listed with its evidence and with what this compendium does about it. "
        "The printed numbers always stay in `data/published/values.csv`; a correction is applied "
        "only where a chapter says so. Source: `data/published/errata.csv`.",
        "",
        "Confidence: *certain* (the evidence leaves one reading), *likely* (one reading fits all "
        "the evidence, but it is inferred), *undecided* (the evidence is not enough; the "
        "compendium's choice is a documented default).",
        "",
    ]
    for e in errata.itertuples():
        out += [f"## {e.erratum_id}: {e.title}", "", f"**Where:** {e.source_id} · **Confidence:** {e.confidence}", ""]
        out += [f"**Evidence.** {e.evidence}", "", f"**Treatment.** {e.treatment}", ""]
        checks = [c for c in e.checks.split(";") if c and c != "manual"]
        if checks:
            out += ["**Found by:**", ""]
            for c in checks:
                f = findings.get(c)
                detail = f" ({f.rule}): {f.detail}" if f else " (no longer fails)"
                out.append(f"- `{c}`{detail}")
            out.append("")
        else:
            out += ["**Found by:** reading (no mechanical check).", ""]
    return "\n".join(out)


def codebook_page() -> str:
    from barometer.data import codebook as md

    variables, options = md.codebook()
    out = ["# Codebook", "",
           "Every variable of the survey as this compendium encodes it (`data/codebook/`), with the Dutch "
           "wording (as printed in the report or paraphrased from it) and our English label, who was asked "
           "(the universe) and in which waves. Multiple-answer questions and Likert batteries become one "
           "column per option or statement in the microdata: `<variable>_<code>`.", ""]
    for v in variables.itertuples():
        out += [f"## `{v.variable}`", "", f"**{v.label_en}**", "", f"*{v.label_nl}* (lang=nl)", "",
                f"- type: {v.type}; universe: {v.universe}; waves: {v.years.replace(';', ', ')}",
                f"- source in the report: {v.source_id} ({v.wording_source})"]
        if v.note:
            out.append(f"- note: {v.note}")
        opts = options[options["variable"] == v.variable]
        if len(opts):
            out += ["", "| code | Dutch (as in the report) | English |", "|---:|---|---|"]
            out += [f"| {o.code} | {str(o.label_nl).replace('|', '/')} | {str(o.label_en).replace('|', '/')} |"
                    for o in opts.itertuples()]
        out.append("")
    return "\n".join(out)


#: Column names of the fidelity tables as a reader reads them, and how each is rounded.
FIDELITY_COLUMNS = {
    "role": ("kind of number", None), "numbers": ("numbers compared", None),
    "within_tolerance": ("within rounding", None), "within": ("within rounding", None),
    "share_within": ("share within rounding (%)", "pct"), "explained_by_errata": ("explained by an erratum", None),
    "known_misses": ("known misses", None), "median_abs_error_pct_points": ("median error (points)", 2),
    "p90_abs_error_pct_points": ("90th percentile error (points)", 2), "max_abs_error": ("largest error", 2),
    "source_id": ("report table or figure", None), "year": ("wave", None), "group": ("group", None),
    "item": ("item", None), "statistic": ("statistic", None), "published": ("published", 1),
    "recomputed": ("recomputed", 1), "erratum": ("erratum", None), "known_miss": ("known miss", "yes/no"),
    "why": ("why", None),
}


def _readable(df, names: dict):
    """A table for a reader: columns renamed, numbers rounded as ``names`` says."""
    import pandas as pd

    out = df.copy()
    for col, (_, rule) in names.items():
        if col not in out.columns or rule is None:
            continue
        if rule == "pct":
            out[col] = (100 * pd.to_numeric(out[col], errors="coerce")).round(1)
        elif rule == "yes/no":
            out[col] = out[col].map({True: "yes", False: "no"}).fillna("")
        else:
            out[col] = pd.to_numeric(out[col], errors="coerce").round(rule)
    return out.rename(columns={c: label for c, (label, _) in names.items()})


def fidelity_page() -> str:
    from barometer.intake import reading
    from barometer.synthesis import fidelity

    df = reading.load("synthetic")
    rec = fidelity.compare(df)
    utility = fidelity.pmse(df)
    summ = fidelity.summary(rec)
    out = ["# Synthetic-data fidelity", "",
           "```{admonition} About synthetic data\n:class: warning\n"
           "This page checks the generator of the synthetic stand-in microdata against the report. "
           "Nothing on it is a finding about Dutch government.\n```", "",
           "The generator (`barometer.synthesis.generator`, assumptions in `data/synthetic/ASSUMPTIONS.md`) is calibrated "
           "to the published tables. Every published number that can be recomputed from organisation-level "
           "data is compared: **calibration targets** (the margins) should be met within the printed rounding; "
           "the **fitted** tables by climate cluster are met by a fitting step (`barometer.synthesis.fit`), so "
           "matching them says nothing about realism; the **held-out** measure does: each of those tables is left "
           "out of the fit in turn and its cells are compared with what the rest of the fit and the generator's "
           "assumptions predict (`barometer fidelity --leave-one-out`, committed with its seed and code digest).", "",
           # (one column per kind of number: nine measures side by side would not fit the page)
           "## Summary", "", markdown_table(_readable(summ, FIDELITY_COLUMNS).map(_number_text)
                                            .set_index("kind of number").T.rename_axis("measure").reset_index()), "",
           "## Calibration targets not met", ""]
    misses = rec[(rec["role"] == "calibration") & ~rec["within"]]
    if misses.empty:
        out.append("None.")
    else:
        cols = ["source_id", "year", "item", "published", "recomputed", "why"]
        misses = misses.assign(
            item=[f"{i or g} ({s})" for i, g, s in zip(misses["item"], misses["group"], misses["statistic"], strict=True)],
            why=[f"erratum {e}" if e else "known miss" if k else "" for e, k in
                 zip(misses["erratum"], misses["known_miss"], strict=True)])
        out.append(markdown_table(_readable(misses[cols], FIDELITY_COLUMNS)))
    from barometer.synthesis import leave_one_out

    fitted = fidelity.by_source(rec[rec["role"] == "fitted"])
    loo = leave_one_out.load()
    # (short headers: the table must fit the page at 1280 px; the sentence before it says what they mean)
    per_table = leave_one_out.summary(loo).rename(columns={
        "table": "left out", "cells": "cells", "within": "within",
        "median_abs_error": "median", "max_abs_error": "largest",
        "unfitted_cells": "cells (unfitted)", "unfitted_within": "unfitted: within",
        "unfitted_median_abs_error": "unfitted: median", "unfitted_max_abs_error": "unfitted: largest"})
    out += ["", "## Fitted tables by source", "", markdown_table(_readable(fitted, FIDELITY_COLUMNS)), "",
            "## Held out: each table left out of the fit", "",
            "Per table left out of the fit: its cells, how many the rest of the fit predicts within rounding, "
            "and the median and largest absolute error (percentage points).", "",
            markdown_table(per_table[["left out", "cells", "within", "median", "largest"]].map(_number_text)), "",
            "The same cells from the generator without the fit:", "",
            markdown_table(per_table[["left out", "unfitted: within", "unfitted: median", "unfitted: largest"]]
                           .rename(columns=lambda c: c.removeprefix("unfitted: ")).map(_number_text)), "",
            f"Seed {loo['seed']}, code digest `{loo['code_digest'][:12]}`. Tables by climate cluster: "
            f"{', '.join(fidelity.HELD_OUT)}. {fidelity.HELD_OUT_NOTE}", "",
            "## The two waves compared", "",
            f"A propensity model that predicts the wave from shared variables reaches a pMSE of "
            f"{utility['pmse']:.4f} against a null expectation of {utility['null_expectation']:.4f} "
            f"(ratio {utility['ratio']:.1f}): the waves differ, as they should, since the report's two waves differ.", ""]
    return "\n".join(out)


def _number_text(v):
    """A number as a reader writes it (584, not 584.0); anything else as it is."""
    import numbers

    return f"{v:g}" if isinstance(v, numbers.Real) and not isinstance(v, bool) and v == v else v


PAGES = {"book/appendices/errata.md": errata_page, "book/appendices/codebook.md": codebook_page,
         "book/appendices/fidelity.md": fidelity_page}


def _report_index_page(root: Path) -> str:
    from barometer.build import report_index

    # (its CSVs beside the page it writes: an edition's stage, not the repository)
    return report_index.index_page(files=root / report_index.FILES)


#: The index of report figures links the chapters that analyse each one and reads the report's
#: text: it has inputs of its own (so that editing a chapter does not regenerate the other pages).
REPORT_INDEX = {"book/appendices/report_index.md": _report_index_page}


def _inputs_digest() -> str:
    """Digest of what the generated pages are made from: skip the work when it is unchanged."""
    return paths.files_digest([*sorted(paths.PUBLISHED.glob("*.csv")), *sorted(paths.CODEBOOK.glob("*.csv")),
                               *sorted(paths.SYNTHETIC.glob("*.csv")), *paths.package_files()])


def _report_index_digest() -> str:
    from barometer.build import report_index

    text = report_index.report_text_path()
    return paths.files_digest([*sorted(paths.PUBLISHED.glob("*.csv")), *paths.package_files(),
                               *sorted(paths.NOTEBOOKS.glob("*.ipynb")), *([text] if text.exists() else [])])


def generate(root: Path | None = None) -> list[Path]:
    """Write every generated page under ``root`` (the repository by default)."""
    root = root or paths.ROOT
    if not (paths.PUBLISHED / "errata.csv").exists() or not (root / APPENDICES).is_dir():
        return []  # a project without the published layer (e.g. a test fixture)
    written = []
    for pages_, digest_of, stamp_name in [(PAGES, _inputs_digest, ".pages-digest"),
                                          (REPORT_INDEX, _report_index_digest, ".report-index-digest")]:
        targets = [root / name for name in pages_]
        stamp = root / "_build" / stamp_name
        digest = digest_of()
        written += targets
        if all(t.exists() for t in targets) and stamp.exists() and stamp.read_text() == digest:
            continue
        for name, make in pages_.items():
            _write(root / name, make(root) if pages_ is REPORT_INDEX else make())
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest)
    return written
    for name, make in PAGES.items():
        _write(root / name, make())
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)
    return targets


# --------------------------------------------------------------------------- after execution
# Pages made from what the chapters produced: written between executing the notebooks and
# building the site, into the project's own book folder (an edition has its own).

APPENDICES = Path("book") / "appendices"
#: Pages written after the chapters ran (from their records and timings).
AFTER_EXECUTION = ["book/appendices/scorecard.md", "book/appendices/status.md", "book/appendices/downloads.md"]
DATA_PACKAGES = ("published", "codebook", "synthetic", "qualitative")
LICENCES = {"published": "CC-BY-4.0 (numbers: the report, BZK/ICTU; transcription ours)",
            "codebook": "CC-BY-4.0", "synthetic": "CC-BY-4.0 (synthetic: describes no one)",
            "qualitative": "CC-BY-4.0 (our summaries of report chapter 3)"}


def after_execution(root: Path, chapters: Path, cache: dict | None = None) -> list[Path]:
    """Write the scorecard, status and downloads appendices; returns the pages written."""
    folder = root / APPENDICES
    if not folder.is_dir():
        return []  # a project without appendices (e.g. a test fixture)
    from barometer.build import citation, scorecard

    citation.write_files(folder / "files")  # (the cite page's BibTeX, APA and citation lines)
    written = []
    rec = scorecard.collect(chapters)
    written.append(_write(folder / "scorecard.md", scorecard.markdown(rec)))
    written.append(_write(folder / "status.md", status_page(chapters, cache or {})))
    written.append(_write(folder / "downloads.md", downloads_page(root, chapters)))
    return written


def _write(path: Path, text: str) -> Path:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def status_page(chapters: Path, cache: dict) -> str:
    import datetime as dt
    import platform
    from importlib import metadata

    out = ["# Build status", "",
           "How this edition of the book was made: when, with what, and how long each chapter took to run.", "",
           f"- Built on: {dt.datetime.now(dt.UTC):%Y-%m-%d} (UTC)",
           f"- Python {platform.python_version()} on {platform.system()}", ""]
    out += ["## Chapters", "", "| chapter | seconds | parameters |", "|---|---:|---|"]
    for stem in sorted(p.stem for p in chapters.glob("*.ipynb")):
        entry = cache.get(stem, {})
        params = ", ".join(f"{k} = {v}" for k, v in sorted(entry.get("parameters", {}).items())) or "defaults"
        # (the cache already stores a microdata path as its file name only)
        out.append(f"| {stem} | {entry.get('seconds', '')} | {params} |")
    out += ["", "## Packages", "", "| package | version |", "|---|---|"]
    for name in ("barometer", "jupyter-book", "sphinx", "myst-nb", "papermill", "pandas", "numpy", "scipy",
                 "statsmodels", "pingouin", "seaborn", "matplotlib"):
        try:
            out.append(f"| {name} | {metadata.version(name)} |")
        except metadata.PackageNotFoundError:
            out.append(f"| {name} | not installed |")
    return "\n".join(out) + "\n"


def _zip_package(name: str, target: Path) -> Path:
    """A data package as one zip with fixed timestamps (the same bytes on every build)."""
    import zipfile

    source = paths.DATA / name
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(p for p in source.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{name}/{f.relative_to(source)}", date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, f.read_bytes())
    if target.exists() and target.read_bytes() == tmp.read_bytes():
        tmp.unlink()
    else:
        tmp.replace(target)
    return target


def downloads_page(root: Path, chapters: Path) -> str:
    folder = root / APPENDICES
    out = ["# Data and downloads", "",
           "Everything behind the book can be downloaded: the data packages (each with a "
           "`datapackage.json` that describes its tables and columns) and, per chapter, every table "
           "(CSV) and figure (PNG, SVG and the data behind it as CSV). Tables computed from synthetic "
           "data say so in their `data_source` column.", "",
           "## Data packages", "", "| package | licence | download |", "|---|---|---|"]
    for name in DATA_PACKAGES:
        if (paths.DATA / name).is_dir():
            _zip_package(name, folder / "files" / f"{name}.zip")
            out.append(f"| {name} | {LICENCES[name]} | {{download}}`{name}.zip <files/{name}.zip>` |")
    out += ["", "Load them in Python with `pandas.read_csv` or `frictionless.Package('datapackage.json')`, "
            "in R with `read.csv` or the `frictionless` package.", "",
            "To cite one of the report's numbers: {download}`cite-numbers.csv <files/cite-numbers.csv>` "
            "gives each a citation line (its table, figure or section, its row in the published data and "
            "this compendium's version; see [How to cite](cite.md)).", ""]
    files = chapters / paths.FILES
    out += ["Per chapter, each table and figure with what it holds (the first sentence of its caption) and "
            "the data it comes from: *published* (the report's numbers), *synthetic* (the stand-in "
            "microdata: describes no one) or *own* (your microdata, through the output check).", ""]
    for chapter in sorted(p.name for p in files.iterdir() if p.is_dir()) if files.is_dir() else []:
        items = sorted(p.name for p in (files / chapter).iterdir() if p.is_file() and p.name != MANIFEST)
        if not items:
            continue
        out += [f"## {chapter_title(chapter)}", "", "| what it holds | data | files |", "|---|---|---|"]
        manifest = _manifest(files / chapter)
        by_name: dict[str, list[str]] = {}
        for item in items:
            by_name.setdefault(item.rsplit(".", 1)[0], []).append(item)
        for name, group in sorted(by_name.items(), key=lambda kv: (manifest.get(kv[0], {}).get("kind") == "records", kv[0])):
            entry = manifest.get(name, {})
            title = entry.get("title") or name.replace("_", " ")
            links = ", ".join(f"{{download}}`{i.rsplit('.', 1)[1].upper()} <../chapters/{paths.FILES}/{chapter}/{i}>`"
                              for i in group)
            out.append(f"| {title.replace('|', '/')} | {entry.get('source', '')} | {links} |")
        out.append("")
    return "\n".join(out)


MANIFEST = "_files.json"  # (written by barometer.book.gate.outputs.note_file)


def _manifest(folder: Path) -> dict:
    import json

    path = folder / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
