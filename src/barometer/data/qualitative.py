"""The qualitative chapter's data: clusters, cases, interviews, OECD trends and reflections.

Report chapter 3 describes innovations in words, not numbers. ``data/qualitative/`` holds it as
tables (see its README for every judgement call); this module reads them and derives the counts
and matrices the chapter shows. Every table is read through :func:`barometer.data.paths.data_file`,
so the build cache re-runs the chapter when one of them changes.

List columns (``technologies`` of the cases, ``themes`` of the interviews) are ``;``-separated
controlled vocabularies. An empty ``technologies`` cell means the report names no technology;
``none`` means it describes a non-technological innovation.
"""

from __future__ import annotations

import html
import json

import pandas as pd

from barometer.data import paths

FOLDER = "qualitative"
TABLES = ("clusters", "cases", "interviews", "oecd_trends", "cluster_trends", "reflections")
#: Row label for cases the report does not place in a cluster.
NO_CLUSTER = "no_cluster"
NO_CLUSTER_NAMES = {"en": "(no cluster)", "nl": "(geen cluster)"}
#: Cluster-trend relations as numbers (for the matrix): the report cites the cluster's own
#: examples (strong) or its wording implies the link (partial).
RELATION_SCORE = {"strong": 2, "partial": 1}

#: Labels of the controlled vocabularies (codes are ours, so are both labels).
TECHNOLOGY_LABELS = {
    "ai": ("AI", "AI"),
    "generative_ai": ("generative AI", "generatieve AI"),
    "machine_learning": ("machine learning", "machine learning"),
    "rpa": ("robotic process automation", "robotisering (RPA)"),
    "drones": ("drones", "drones"),
    "sensors_iot": ("sensors / IoT", "sensoren / IoT"),
    "data_platform": ("data platform", "dataplatform"),
    "dashboard": ("dashboard", "dashboard"),
    "chatbot": ("chatbot", "chatbot"),
    "app": ("app", "app"),
    "digital_twin": ("digital twin", "digitale tweeling"),
    "gis": ("maps / GIS", "kaarten / GIS"),
    "cloud": ("cloud", "cloud"),
    "blockchain": ("blockchain", "blockchain"),
    "vr_ar": ("VR / AR", "VR / AR"),
    "robotics": ("robotics", "robotica"),
    "camera_image_recognition": ("cameras / image recognition", "camera's / beeldherkenning"),
    "other": ("other technology", "andere technologie"),
    "none": ("no technology (non-technological)", "geen technologie (niet-technologisch)"),
}
THEME_LABELS = {
    "culture": ("culture", "cultuur"),
    "collaboration": ("collaboration", "samenwerking"),
    "scaling": ("scaling up", "opschaling"),
    "technology": ("technology", "technologie"),
    "people": ("people and skills", "mensen en vaardigheden"),
    "leadership": ("leadership and steering", "leiderschap en sturing"),
    "funding": ("funding", "financiering"),
    "citizens": ("citizens and users", "burgers en gebruikers"),
    "data": ("data", "data"),
    "regulation": ("regulation and supervision", "regelgeving en toezicht"),
    "knowledge_sharing": ("knowledge sharing", "kennisdeling"),
    "experimentation": ("experimenting and learning", "experimenteren en leren"),
}
ORGANISATION_TYPE_LABELS = {
    "municipality": ("municipality", "gemeente"),
    "province": ("province", "provincie"),
    "water_authority": ("water authority", "waterschap"),
    "national_department": ("ministry", "kerndepartement"),
    "executive_agency": ("executive agency", "uitvoeringsorganisatie / agentschap"),
    "zbo": ("independent administrative body (ZBO)", "zelfstandig bestuursorgaan (zbo)"),
    "joint_arrangement": ("joint arrangement (GR)", "gemeenschappelijke regeling"),
    "judiciary": ("judiciary", "rechtspraak"),
    "private_public": ("private-law public body", "privaatrechtelijke publieke organisatie"),
    "other": ("other", "anders"),
    "unknown": ("not stated", "niet vermeld"),
}
#: Which organisation types of the cases belong to a sector of the survey (the codebook's
#: sectors). Central government holds both ministries and their executive agencies; the
#: High Councils of State have no case in the chapter's vocabulary.
SECTOR_TYPES = {
    "Gemeente": ("municipality",),
    "GR": ("joint_arrangement",),
    "Hoge Colleges van Staat": (),
    "Privaat": ("private_public",),
    "Provincie": ("province",),
    "Recht": ("judiciary",),
    "Rijksoverheid": ("national_department", "executive_agency"),
    "Waterschap": ("water_authority",),
    "Zbo": ("zbo",),
}


def _label(labels: dict[str, tuple[str, str]], code: str, lang: str) -> str:
    en, nl = labels.get(code, (code, code))
    return nl if lang == "nl" else en


def technology_label(code: str, lang: str = "en") -> str:
    return _label(TECHNOLOGY_LABELS, code, lang)


def theme_label(code: str, lang: str = "en") -> str:
    return _label(THEME_LABELS, code, lang)


def organisation_type_label(code: str, lang: str = "en") -> str:
    return _label(ORGANISATION_TYPE_LABELS, code, lang)


# --------------------------------------------------------------------------- reading


def read(name: str) -> pd.DataFrame:
    """One table of ``data/qualitative`` (empty cells as empty strings: "no link", not missing)."""
    if name not in TABLES:
        raise KeyError(f"unknown qualitative table {name!r} (one of {', '.join(TABLES)})")
    path = paths.data_file(FOLDER, f"{name}.csv")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def datapackage() -> dict:
    return json.loads(paths.data_file(FOLDER, "datapackage.json").read_text(encoding="utf-8"))


def split(cell: str) -> list[str]:
    """The codes of a ``;``-separated list cell (empty cell: no codes)."""
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def clusters(lang: str = "en") -> pd.DataFrame:
    """The clusters in the report's order, with ``name`` in ``lang``."""
    df = read("clusters")
    return df.assign(name=df["name_nl" if lang == "nl" else "name_en"])


def cluster_names(lang: str = "en", *, include_unclustered: bool = True) -> dict[str, str]:
    names = dict(zip(clusters(lang)["cluster_id"], clusters(lang)["name"], strict=True))
    if include_unclustered:
        names[NO_CLUSTER] = NO_CLUSTER_NAMES["nl" if lang == "nl" else "en"]
    return names


def cases() -> pd.DataFrame:
    """The cases, with ``cluster`` = the cluster id or :data:`NO_CLUSTER`."""
    df = read("cases")
    return df.assign(cluster=df["cluster_id"].where(df["cluster_id"] != "", NO_CLUSTER))


def interviews() -> pd.DataFrame:
    return read("interviews")


def oecd_trends(lang: str = "en") -> pd.DataFrame:
    """The five OECD trends in the report's order, with ``name`` in ``lang``."""
    df = read("oecd_trends")
    return df.assign(name=df["name_nl" if lang == "nl" else "name_en"])


def reflections() -> pd.DataFrame:
    return read("reflections")


# --------------------------------------------------------------------------- counts and matrices


def cases_per_cluster(lang: str = "en", *, include_unclustered: bool = True) -> pd.DataFrame:
    """Number of cases the report names per cluster (report order; clusters with none get 0)."""
    names = cluster_names(lang, include_unclustered=include_unclustered)
    counts = cases()["cluster"].value_counts()
    out = pd.DataFrame({"cluster_id": list(names), "cluster": list(names.values())})
    out["cases"] = [int(counts.get(c, 0)) for c in out["cluster_id"]]
    return out


def case_technologies() -> pd.DataFrame:
    """One row per (case, technology) pair; cases that name no technology have no row."""
    rows = [(r.case_id, r.cluster, t) for r in cases().itertuples() for t in split(r.technologies)]
    return pd.DataFrame(rows, columns=["case_id", "cluster", "technology"])


def technology_codes(used_only: bool = True) -> list[str]:
    """Technology codes in vocabulary order (``other`` and ``none`` last)."""
    codes = list(TECHNOLOGY_LABELS)
    if used_only:
        used = set(case_technologies()["technology"])
        codes = [c for c in codes if c in used]
    return codes


def technology_matrix(by: str = "case") -> pd.DataFrame:
    """Cases x technologies (0/1), or clusters x technologies (number of cases) with ``by="cluster"``.

    Every case is a row (a case without a named technology is a row of zeros), and every
    cluster is a row (plus :data:`NO_CLUSTER`), so the matrix sums to the number of pairs."""
    pairs = case_technologies()
    codes = technology_codes()
    if by == "case":
        index = cases()["case_id"]
        key = "case_id"
    elif by == "cluster":
        index = pd.Index(list(cluster_names()), name="cluster")
        key = "cluster"
    else:
        raise ValueError("by must be 'case' or 'cluster'")
    matrix = pd.crosstab(pairs[key], pairs["technology"])
    matrix = matrix.reindex(index=index, columns=codes, fill_value=0).fillna(0).astype(int)
    matrix.index.name, matrix.columns.name = key, "technology"
    return matrix


def technology_counts(lang: str = "en") -> pd.DataFrame:
    """Per technology: the number of cases that name it (a case can name several)."""
    counts = case_technologies()["technology"].value_counts()
    codes = technology_codes()
    return pd.DataFrame({"technology_code": codes, "technology": [technology_label(c, lang) for c in codes],
                         "cases": [int(counts[c]) for c in codes]})


def technology_status(case_frame: pd.DataFrame | None = None) -> pd.Series:
    """Per case: 'named' (a technology is named), 'non_technological' (``none``), or 'not_stated'."""
    df = cases() if case_frame is None else case_frame
    codes = df["technologies"].map(split)
    status = codes.map(lambda c: "not_stated" if not c else ("non_technological" if c == ["none"] else "named"))
    return pd.Series(status.to_numpy(), index=df["case_id"].to_numpy(), name="technology_status")


def cluster_trend_matrix(lang: str = "en", *, names: bool = False) -> pd.DataFrame:
    """Clusters x OECD trends: 2 where the report cites the cluster's examples for the trend,
    1 where its wording implies the link, 0 otherwise. One row per cluster, one column per trend."""
    links = read("cluster_trends")
    cl, tr = clusters(lang), oecd_trends(lang)
    matrix = pd.DataFrame(0, index=pd.Index(cl["cluster_id"], name="cluster_id"),
                          columns=pd.Index(tr["trend_id"], name="trend_id"))
    for row in links.itertuples():
        matrix.loc[row.cluster_id, row.trend_id] = RELATION_SCORE[row.relation]
    if names:
        matrix = matrix.rename(index=dict(zip(cl["cluster_id"], cl["name"], strict=True)),
                               columns=dict(zip(tr["trend_id"], tr["name"], strict=True)))
        matrix.index.name, matrix.columns.name = "cluster", "trend"
    return matrix


def interview_theme_matrix() -> pd.DataFrame:
    """Interviews x themes (0/1), themes in vocabulary order (only those that occur)."""
    df = interviews()
    codes = [t for t in THEME_LABELS if any(t in split(c) for c in df["themes"])]
    return pd.DataFrame([[int(t in split(c)) for t in codes] for c in df["themes"]],
                        index=pd.Index(df["interview_id"], name="interview_id"),
                        columns=pd.Index(codes, name="theme"))


def interview_themes(lang: str = "en") -> pd.DataFrame:
    """Per theme: the number of interviews that touch on it, most frequent first."""
    matrix = interview_theme_matrix()
    counts = matrix.sum().sort_values(ascending=False, kind="stable")
    return pd.DataFrame({"theme_code": counts.index, "theme": [theme_label(t, lang) for t in counts.index],
                         "interviews": counts.to_numpy().astype(int)}).reset_index(drop=True)


def organisation_types(lang: str = "en") -> pd.DataFrame:
    """Cases per organisation type, most frequent first."""
    counts = cases()["organisation_type"].value_counts()
    return pd.DataFrame({"organisation_type_code": counts.index,
                         "organisation type": [organisation_type_label(t, lang) for t in counts.index],
                         "cases": counts.to_numpy().astype(int)}).reset_index(drop=True)


def cases_in_sector(sector: str | None) -> pd.DataFrame:
    """The cases of a survey sector (all cases for ``None``); empty when the sector maps to no case type."""
    df = cases()
    if sector is None:
        return df
    if sector not in SECTOR_TYPES:
        raise KeyError(f"unknown sector {sector!r}")
    return df[df["organisation_type"].isin(SECTOR_TYPES[sector])].reset_index(drop=True)


# --------------------------------------------------------------------------- presentation


def filter_box(anchor: str, placeholder: str = "Filter the table…") -> str:
    """A search box that hides the rows of the HTML table ``id=anchor`` that do not contain the
    typed text. Self-contained inline HTML and JavaScript: nothing is loaded from anywhere."""
    box = f"filter-{anchor}"
    return (
        f'<p><label for="{html.escape(box)}">{html.escape(placeholder)}</label> '
        f'<input type="search" id="{html.escape(box)}" placeholder="{html.escape(placeholder)}" '
        f'style="width:60%;padding:2px 6px"> <span id="{html.escape(box)}-count"></span></p>\n'
        "<script>\n(function () {\n"
        f"  var input = document.getElementById({json.dumps(box)});\n"
        f"  var count = document.getElementById({json.dumps(box + '-count')});\n"
        "  function apply() {\n"
        f"    var table = document.getElementById({json.dumps(anchor)});\n"
        "    if (!table || !input) { return; }\n"
        "    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);\n"
        "    var rows = table.tBodies.length ? table.tBodies[0].rows : [];\n"
        "    var shown = 0;\n"
        "    for (var i = 0; i < rows.length; i++) {\n"
        "      var text = rows[i].textContent.toLowerCase();\n"
        "      var keep = words.every(function (w) { return text.indexOf(w) !== -1; });\n"
        "      rows[i].style.display = keep ? '' : 'none';\n"
        "      if (keep) { shown++; }\n"
        "    }\n"
        "    if (count) { count.textContent = shown + ' / ' + rows.length; }\n"
        "  }\n"
        "  function reveal() {  // a collapsed long table (tables.LONG_TABLE_ROWS) opens as one filters it\n"
        f"    var table = document.getElementById({json.dumps(anchor)});\n"
        "    var details = table && table.closest('details');\n"
        "    if (details && input.value) { details.open = true; }\n"
        "  }\n"
        "  if (input) { input.addEventListener('input', function () { reveal(); apply(); }); }\n"
        "  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', apply); }\n"
        "  else { apply(); }\n"
        "})();\n</script>"
    )


__all__ = ["read", "datapackage", "split", "clusters", "cluster_names", "cases", "interviews", "oecd_trends",
           "reflections", "cases_per_cluster", "case_technologies", "technology_codes", "technology_matrix",
           "technology_counts", "technology_status", "cluster_trend_matrix", "interview_theme_matrix",
           "interview_themes", "organisation_types", "cases_in_sector", "filter_box", "technology_label",
           "theme_label", "organisation_type_label", "NO_CLUSTER", "SECTOR_TYPES"]
