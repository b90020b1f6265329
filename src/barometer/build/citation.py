"""How to cite the compendium, the report it reproduces, and each published number.

The cite page shows a BibTeX file and APA references written here from the version
(``barometer.__version__``) and ``CITATION.cff``, so that what a reader copies names the version
they read. Every number of the published layer gets a citation line of its own
(``cite-numbers.csv`` on the downloads page): its row in ``values.csv`` (a stable id within a
version), the report's table, figure or section, and the compendium's version.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

from barometer import __released__, __version__
from barometer.data import paths

REPORT_BIBTEX = """@techreport{bzk_ictu_2025_innovatiebarometer,
  author      = {{Ministerie van Binnenlandse Zaken en Koninkrijksrelaties} and {Stichting ICTU}},
  title       = {Innovatie Barometer Overheid 2025},
  institution = {Ministerie van Binnenlandse Zaken en Koninkrijksrelaties},
  address     = {Den Haag},
  year        = {2025},
  month       = sep,
  language    = {dutch}
}
"""


def metadata(root: Path | None = None) -> dict:
    return yaml.safe_load(((root or paths.ROOT) / "CITATION.cff").read_text(encoding="utf-8"))


def _doi(meta: dict) -> str | None:
    return meta.get("doi") or next((i["value"] for i in meta.get("identifiers", []) if i.get("type") == "doi"), None)


def _authors(meta: dict) -> list[str]:
    return [a.get("name") or f"{a.get('family-names', '')}, {a.get('given-names', '')}".strip(", ")
            for a in meta["authors"]]


def bibtex(root: Path | None = None) -> str:
    """The compendium (this version) and the report, as BibTeX."""
    meta = metadata(root)
    doi = _doi(meta)
    authors = " and ".join(f"{{{a}}}" if "," not in a else a for a in _authors(meta))
    lines = ["@software{barometer_" + __version__.replace(".", "_") + ",",
             f"  author  = {{{authors}}},",
             f"  title   = {{{{{meta['title']}}}}},",
             f"  version = {{{__version__}}},",
             f"  year    = {{{__released__[:4]}}},",
             f"  date    = {{{__released__}}},",
             f"  url     = {{{meta['repository-code']}}},"]
    if doi:
        lines.append(f"  doi     = {{{doi}}},")
    lines.append("  note    = {Numbers computed on its synthetic data are not findings about Dutch government}")
    return "\n".join(lines) + "\n}\n\n" + REPORT_BIBTEX


def apa(root: Path | None = None) -> tuple[str, str]:
    """APA (7th edition) references: the compendium (this version) and the report."""
    meta = metadata(root)
    doi = _doi(meta)
    where = f"https://doi.org/{doi}" if doi else meta["repository-code"]
    compendium = (f"{' & '.join(_authors(meta))}. ({__released__[:4]}). *{meta['title']}* "
                  f"(Version {__version__}) [Computer software]. {where}")
    report = ("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties & Stichting ICTU. (2025). "
              "*Innovatie Barometer Overheid 2025*. Ministerie van Binnenlandse Zaken en Koninkrijksrelaties.")
    return compendium, report


CITE_COLUMNS = ["row", "source_id", "year", "breakdown", "group", "variable", "item", "statistic", "value", "cite"]


def cite_numbers(root: Path | None = None) -> str:
    """One citation line per published number (CSV): the report's table, figure or section, the
    number's row in ``values.csv`` and the compendium's version."""
    source = (root or paths.ROOT) / "data" / "published" / "values.csv"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CITE_COLUMNS)
    with source.open(encoding="utf-8", newline="") as f:
        for row, rec in enumerate(csv.DictReader(f), start=1):
            what = ", ".join(x for x in (rec["group"], rec["item_en"] or rec["item"] or rec["variable"],
                                         rec["statistic"]) if x)
            cite = (f"Innovatie Barometer Overheid 2025, {_source_name(rec['source_id'])} ({rec['year']}; {what}): "
                    f"{rec['value']}. Transcribed in Barometer {__version__}, data/published/values.csv row {row}.")
            writer.writerow([row, rec["source_id"], rec["year"], rec["breakdown"], rec["group"], rec["variable"],
                             rec["item"], rec["statistic"], rec["value"], cite])
    return out.getvalue()


def _source_name(source_id: str) -> str:
    """The report's name for a source id: 'B1-1' a table of annex 1, 'B2-2' and '2-9' figures,
    'text-2.1' a section's prose."""
    if source_id.startswith("B1-"):
        return f"Table {source_id}"
    if source_id.startswith("B2-") or source_id[:1].isdigit():
        return f"Figure {source_id}"
    if source_id.startswith("text-"):
        return f"section {source_id[5:]}"
    return source_id


def references_markdown(root: Path | None = None) -> str:
    compendium, report = apa(root)
    doi = _doi(metadata(root))
    if doi:
        archived = f"This version is archived with the DOI [{doi}](https://doi.org/{doi})."
    else:
        archived = ("No DOI exists yet: the compendium has not been archived on Zenodo. Until it is, "
                    f"cite the version ({__version__}) and, if you used an unreleased state, the commit "
                    "(`git rev-parse --short HEAD`).")
    return "\n".join(["**This compendium (APA).** " + compendium, "",
                      "**The report (APA).** " + report, "", archived, ""])


def write_files(folder: Path) -> list[Path]:
    """The cite page's files into ``folder``: ``barometer.bib``, ``cite-numbers.csv`` and
    ``references.md`` (the APA references and the DOI statement, included by the cite page)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("barometer.bib", bibtex()), ("cite-numbers.csv", cite_numbers()),
                       ("references.md", references_markdown())):
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            paths.write_atomically(path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
        written.append(path)
    return written
