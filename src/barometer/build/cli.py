"""The ``barometer`` command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from barometer import __version__
from barometer.build.pipeline import BuildError, Project, build, execute_notebooks, parse_parameter
from barometer.data import paths


def _params(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """Parse ``-p NAME VALUE`` pairs and check them before any kernel starts (one clear line on error)."""
    from barometer.book.parameters import ParameterError, Parameters

    try:
        params = Parameters.with_overrides({name: parse_parameter(value) for name, value in pairs})
    except ParameterError as exc:
        _fail(str(exc))
    # A microdata path is taken relative to where the command runs, not to the kernel's folder.
    source = params.get("source")
    if isinstance(source, str) and source != "synthetic" and Path(source).expanduser().exists():
        params["source"] = str(Path(source).expanduser().resolve())
    if params:
        try:
            Parameters(**params).checked()
        except ParameterError as exc:
            _fail(f"{exc} (see `barometer build --help`)")
    return params


def _fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


PARAM_HELP = (
    "Override a chapter parameter, e.g. -p sector Gemeente -p lang nl -p year 2021. "
    "Chapter parameters: source, year, compare_year, sector, lang, min_cell, seed."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="barometer")
def main() -> None:
    """Barometer: reproduce the Innovatie Barometer Overheid 2025 as a Jupyter Book.

    Typical use: `barometer build` executes the chapter notebooks that changed and builds
    the site into _build/html; `barometer run CHAPTER` executes one chapter.
    """


@main.command("build")
@click.option("-p", "--parameter", "pairs", multiple=True, nargs=2, metavar="NAME VALUE", help=PARAM_HELP)
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Build an edition into this folder instead of _build/html.")
@click.option("-j", "--jobs", type=int, default=None, help="Notebooks executed at once (default: cores).")
@click.option("--force", is_flag=True, help="Execute every notebook and rebuild the site, ignoring the cache.")
@click.option("--no-progress", is_flag=True, help="Do not show progress bars.")
def build_cmd(pairs, out, jobs, force, no_progress) -> None:
    """Execute the chapters (only those whose inputs changed) and build the book."""
    params = _params(pairs)
    try:
        report, rebuilt = build(params, out=out, jobs=jobs, force=force, progress=not no_progress)
    except BuildError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{exc.strerror or exc}: {exc.filename or ''} (while building; nothing was replaced)")
    target = Path(out) / "site" if out is not None else paths.HTML
    click.echo(
        f"executed {len(report.executed)} chapter(s), {len(report.skipped)} up to date; "
        f"site {'rebuilt' if rebuilt else 'up to date'}: {Path(target) / 'index.html'}"
    )


@main.command("editions")
@click.option("--out", type=click.Path(path_type=Path), default=Path("_build/editions"), show_default=True,
              help="Folder for the editions and their index page.")
@click.option("--only", multiple=True, metavar="NAME",
              help="Build only these editions (e.g. gemeente, nl); default: every sector and nl.")
@click.option("-j", "--jobs", type=int, default=None, help="Notebooks executed at once (default: cores).")
@click.option("--force", is_flag=True, help="Execute every notebook and rebuild every site.")
@click.option("--no-progress", is_flag=True, help="Do not show progress bars.")
def editions_cmd(out, only, jobs, force, no_progress) -> None:
    """Build one edition per sector of the report, and one with Dutch labels, in parallel."""
    from barometer.build.pipeline import build_editions, standard_editions

    editions = standard_editions()
    if only:
        unknown = sorted(set(only) - set(editions))
        if unknown:
            _fail(f"unknown edition(s) {', '.join(unknown)}; known: {', '.join(editions)}")
        editions = {k: v for k, v in editions.items() if k in only}
    try:
        built = build_editions(editions, out, jobs=jobs, force=force, progress=not no_progress)
    except BuildError as exc:
        _fail(str(exc))
    click.echo(f"{len(built)} edition(s), {sum(built.values())} rebuilt: {Path(out) / 'index.html'}")


@main.command("pdf")
@click.option("--site", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="The built site to print (default: _build/html).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder for the PDFs (default: _build/pdf).")
@click.option("--book-only", is_flag=True, help="Only the book's PDF, not one per chapter.")
def pdf_cmd(site, out, book_only) -> None:
    """Print the built book, and each chapter, to PDF (reader's view, no code)."""
    from barometer.build import pdf

    site = site or paths.HTML
    out = out or paths.BUILD / "pdf"
    if not (site / "index.html").exists():
        _fail(f"no built site in {site}: run `make book` first")
    # The site's own language, then each translation it holds (site/<lang>/, PDFs in out/<lang>/).
    from barometer.build.translation import LANGUAGES

    printed = [("en", site, out), *((lang, site / lang, out / lang) for lang in LANGUAGES
                                    if (site / lang / "index.html").exists())]
    for lang, lang_site, lang_out in printed:
        try:
            report = pdf.build(lang_site.resolve(), lang_out.resolve(), chapters=not book_only, lang=lang)
        except RuntimeError as exc:
            _fail(str(exc))
        linked = pdf.link_pdfs(lang_site, lang_out, lang=lang)
        click.echo(f"{lang_out / pdf.BOOK_PDF}: {report['bytes'] / 1e6:.1f} MB, {len(report['pages'])} chapter "
                   f"PDFs, {report['seconds']} s; linked from {linked} pages of {lang_site}")


@main.command("catalogue")
@click.option("--lang", default="nl", show_default=True, help="The language whose catalogues to update.")
def catalogue_cmd(lang) -> None:
    """Extract the book's messages (after `make book`) and update locale/<lang>'s catalogues."""
    from barometer.build import translation

    if not any(paths.CHAPTERS.glob("*.ipynb")):
        _fail("no executed chapters: run `make book` first")
    try:
        translation.main(["--lang", lang])
    except (RuntimeError, FileNotFoundError) as exc:
        _fail(str(exc))


@main.command("run")
@click.argument("chapter")
@click.option("-p", "--parameter", "pairs", multiple=True, nargs=2, metavar="NAME VALUE", help=PARAM_HELP)
@click.option("--force", is_flag=True, help="Execute even when the cache says it is up to date.")
def run_cmd(chapter, pairs, force) -> None:
    """Execute one chapter notebook (by file name or stem) into book/chapters/."""
    params = _params(pairs)
    if isinstance(params.get("source"), str) and params["source"] != "synthetic":
        _fail("own microdata are run as a whole edition, so that the output check sees every chapter: "
              "barometer build -p source FILE --out DIR")
    try:
        report = execute_notebooks(Project(), params, only=[chapter], force=force, progress=False)
    except BuildError as exc:
        _fail(str(exc))
    state = "executed" if report.executed else "up to date"
    click.echo(f"{chapter}: {state} -> {paths.relative(paths.CHAPTERS)}")


@main.command("published")
@click.argument("source_id", required=False)
@click.option("--search", "text", default=None, help="Find rows whose labels or notes contain TEXT.")
@click.option("--year", type=int, default=None, help="Only this wave.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of an aligned table.")
def published_cmd(source_id, text, year, as_csv) -> None:
    """Print a table of the published layer (e.g. B1-8) or search it (--search zbo)."""
    import pandas as pd

    from barometer.data import published

    if not source_id and not text:
        df = published.load()
        counts = df.groupby("source_id", sort=False).size().rename("rows")
        click.echo(counts.to_string())
        return
    try:
        rows = published.table(source_id) if source_id else published.load()
    except published.PublishedValueError as exc:
        _fail(str(exc))
    if text:
        rows = published.search(text)
        if source_id:
            rows = rows[rows["source_id"] == source_id]
    if year is not None:
        rows = rows[rows["year"] == year]
    if rows.empty:
        _fail(f"no published rows match (source {source_id or 'any'}, search {text!r}, year {year})")
    cols = ["source_id", "year", "country", "group", "variable", "item", "statistic", "value", "base_n", "approx"]
    if as_csv:
        click.echo(rows.to_csv(index=False), nl=False)
    else:
        with pd.option_context("display.max_rows", None, "display.max_colwidth", 60, "display.width", 200):
            click.echo(rows[cols].to_string(index=False))


@main.command("check")
def check_cmd() -> None:
    """Run the consistency checks of the published layer against the errata."""
    from barometer.data import consistency

    findings = consistency.run()
    errata = consistency.errata()
    owner = {c.strip(): e for e, cell in zip(errata["erratum_id"], errata["checks"], strict=True)
             for c in cell.split(";")}
    for f in findings:
        tag = owner.get(f.check_id, "UNEXPLAINED")
        click.echo(f"{tag:12s} {f.source_id:9s} {f.rule}: {f.detail}")
    unexplained, stale = consistency.explained(findings, errata)
    click.echo(f"{len(findings)} findings, {len(unexplained)} unexplained, {len(stale)} stale errata checks")
    if unexplained or stale:
        _fail("the published layer has findings no erratum explains, or errata that no longer fail "
              "(see data/published/errata.csv)")


@main.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--mapping", type=click.Path(path_type=Path), default=None,
              help="YAML file mapping your column names (and values) to the codebook's.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the cleaned data here (CSV or Parquet), only if there are no errors.")
def validate_cmd(path, mapping, out) -> None:
    """Check a microdata file (CSV, SPSS .sav, Stata .dta, Parquet) against the codebook.

    Lists every problem with file, column, row and rule; exits 1 on any error, 0 when clean.
    """
    from barometer.intake import reading

    sys.exit(reading.main(path, mapping=mapping, out=out))


@main.command("synth")
@click.option("--seed", type=int, default=2025, show_default=True, help="Seed of every random step.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder for the files (default: data/synthetic).")
def synth_cmd(seed, out) -> None:
    """Generate the SYNTHETIC microdata (both waves) with its data package and assumptions."""
    from barometer.synthesis import generator

    folder = out or paths.SYNTHETIC
    try:
        written = generator.write(folder, seed=seed)
    except OSError as exc:
        _fail(f"cannot write to {folder}: {exc.strerror or exc}")
    for path in written:
        click.echo(f"wrote {paths.relative(path)}")
    click.echo("These files are SYNTHETIC: not survey data (see ASSUMPTIONS.md).")


@main.command("fidelity")
@click.option("--source", default="synthetic", show_default=True,
              help="'synthetic' (the committed files) or a microdata file.")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), default=None,
              help="Also write every comparison to this CSV file.")
@click.option("--leave-one-out", "leave_one_out", is_flag=True,
              help="Refit the synthetic data without each joint table in turn and write how well each is "
                   "predicted (data/synthetic/leave_one_out.json, with the seed and the code digest).")
@click.option("--seed", type=int, default=2025, show_default=True, help="Seed of the refits (--leave-one-out).")
def fidelity_cmd(source, csv_out, leave_one_out, seed) -> None:
    """Compare microdata with every published number it can reproduce (calibration targets, fitted
    tables; for the synthetic data also the held-out measure: each table left out of the fit)."""
    from barometer.intake import reading
    from barometer.synthesis import fidelity

    if leave_one_out:
        from barometer.synthesis import leave_one_out as loo

        path = loo.write(seed=seed)
        click.echo(f"wrote {paths.relative(path)} (SYNTHETIC data: a check of the generator, not a finding)")
        click.echo(loo.summary(loo.load(path.parent)).to_string(index=False))
        return

    try:
        df = reading.load(source)
    except reading.ValidationError as exc:
        _fail(f"{source} did not pass validation ({len(exc.problems)} problems); run: barometer validate {source}")
    rec = fidelity.compare(df)
    click.echo(fidelity.report_text(rec, fidelity.pmse(df), held_out=source == "synthetic"))
    if csv_out:
        rec.to_csv(csv_out, index=False)
        click.echo(f"wrote {csv_out}")


if __name__ == "__main__":  # pragma: no cover
    main()
