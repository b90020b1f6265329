"""The chapter toolkit: parameters, labels, tables, figures and disclosure control in one place."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from barometer import figures, labels, paths, sdc, tables  # noqa: E402
from barometer.chapter import RECORDS, Chapter, ParameterError, open_chapter  # noqa: E402


class Shown(list):
    """What the helpers displayed (HTML tables and MyST markdown), as text."""

    @property
    def text(self) -> str:
        return "\n".join(self)


@pytest.fixture
def shown(monkeypatch) -> Shown:
    out = Shown()
    record = lambda obj: out.append(obj.data)  # noqa: E731
    monkeypatch.setattr(tables, "display", record)
    monkeypatch.setattr(figures, "display", record)
    return out


@pytest.fixture
def chapter(tmp_path, monkeypatch, shown):
    monkeypatch.setenv(paths.OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(figures, "raster_cache_dir", lambda: tmp_path / "kept-figures")

    def make(source="synthetic", **kw):
        return Chapter("99_test", source=source, **kw)

    return make


@pytest.mark.parametrize(("param", "value", "words"), [
    ("year", 2023, "not a wave"),
    ("compare_year", 2025, "must be the other wave"),
    ("sector", "Gemeenten", "not a sector of the codebook"),
    ("lang", "de", "must be one of en, nl"),
    ("min_cell", 0, "at least 1"),
    ("min_cell", 2.5, "whole number"),
    ("seed", "x", "whole number"),
    ("source", "no/such/file.csv", "no file at"),
])
def test_bad_parameters_are_named_with_the_rule(param, value, words):
    with pytest.raises(ParameterError, match=rf"parameter {param}: .*{words}"):
        open_chapter("99_test", **{param: value})


def test_labels_follow_lang():
    assert labels.group("Gemeente", lang="en") == "Municipality"
    assert labels.group("Rechtswezen", lang="en") == "Judiciary"  # printed spelling made canonical
    assert labels.group("Gemeente", lang="nl") == "Gemeente"
    assert labels.option("innovation_type", 1, lang="nl") != labels.option("innovation_type", 1, lang="en")
    with pytest.raises(ValueError, match="lang"):
        labels.group("Gemeente", lang="fr")


def test_primary_suppression_marks_small_counts_and_rates_on_small_bases():
    df = pd.DataFrame({"group": ["a", "b", "c"], "n": [40, 3, 0], "pct": [50.0, 66.7, 10.0]})
    spec = sdc.Spec(counts=("n",), rates={"pct": "n"}, known_column_totals=False)  # primary only
    shown, mask = sdc.protect(df, spec, min_cell=5)
    assert list(shown["n"]) == [40, sdc.MARK, 0]
    assert list(shown["pct"]) == [50.0, sdc.MARK, sdc.MARK]  # a base of 0 or 3 is below 5
    assert mask.loc[1, "n"] and not mask.loc[0, "pct"]


def test_a_table_from_real_data_is_protected_in_page_and_download(chapter, shown):
    ch = chapter(source="own.csv", min_cell=5)
    df = pd.DataFrame({"sector": ["A", "B", "C"], "n": [12, 2, 30], "share": [27.3, 4.5, 68.2]})
    ch.table(df, "t1", "Organisations by sector.", computed=True,
             spec=sdc.Spec(counts=("n",), rates={"share": "n"}, linked=(("n", "share"),)))
    csv = pd.read_csv(ch.files / "t1.csv", dtype=str)
    # B is below 5; A goes too, or B would be the published total minus A and C.
    assert list(csv["n"]) == ["#", "#", "30"] and list(csv["share"]) == ["#", "#", "68.2"]
    assert set(csv["data_source"]) == {"own"}
    assert "4.5" not in shown.text and "27.3" not in shown.text and tables.OWN_PREFIX in shown.text


def test_a_table_from_real_data_without_a_spec_is_refused(chapter):
    with pytest.raises(ValueError, match="sdc.Spec"):
        chapter(source="own.csv").table(pd.DataFrame({"n": [1]}), "t", "x", computed=True)


def test_synthetic_tables_are_labelled_and_published_tables_are_not(chapter, shown):
    ch = chapter()
    df = pd.DataFrame({"sector": ["A"], "n": [2]})
    ch.table(df, "syn", "Computed.", computed=True)
    ch.table(df, "pub", "Published.", computed=False)
    assert pd.read_csv(ch.files / "syn.csv")["data_source"].tolist() == ["synthetic"]
    assert pd.read_csv(ch.files / "pub.csv")["data_source"].tolist() == ["published"]
    assert shown.text.count(tables.SYNTHETIC_PREFIX) == 1
    assert pd.read_csv(ch.files / "syn.csv")["n"].tolist() == [2]  # synthetic data are not suppressed


@pytest.mark.parametrize("name", ["../escape", "a/b", "Upper", ""])
def test_download_names_cannot_be_paths(chapter, name):
    with pytest.raises(ValueError, match="download name"):
        chapter().table(pd.DataFrame({"x": [1]}), name, "x", computed=False)


def _figure():
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    return fig


def test_figures_are_saved_with_data_caption_and_alt_text(chapter, shown):
    ch = chapter()
    ch.figure(_figure(), "f1", "A caption.", "Two bars.", data=pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}),
              computed=True)
    for ext in ("png", "svg", "csv"):
        assert (ch.files / f"f1.{ext}").stat().st_size > 0
    out = shown.text
    assert ":alt: Two bars." in out and tables.SYNTHETIC_PREFIX in out and "files/99_test/f1.png" in out
    assert "SYNTHETIC DATA" in (ch.files / "f1.svg").read_text()  # the label travels with the image


def test_figure_files_are_deterministic(chapter):
    ch = chapter()
    data = pd.DataFrame({"x": [1]})
    ch.figure(_figure(), "f2", "c", "alt", data=data, computed=False)
    first = {ext: (ch.files / f"f2.{ext}").read_bytes() for ext in ("png", "svg")}
    ch.figure(_figure(), "f2", "c", "alt", data=data, computed=False)
    assert first == {ext: (ch.files / f"f2.{ext}").read_bytes() for ext in ("png", "svg")}


def test_the_png_is_what_savefig_with_a_tight_box_writes(chapter, tmp_path):
    """show() measures the tight box once for PNG and SVG; the PNG must not change by it."""
    figures.style()  # as open_chapter does: a dpi for saving, a tight box
    ch = chapter()
    reference = _figure()
    figures.watermark(reference, "synthetic")
    reference.savefig(tmp_path / "reference.png", bbox_inches="tight", metadata={"Software": None})
    plt.close(reference)
    ch.figure(_figure(), "f4", "c", "alt", data=pd.DataFrame({"x": [1]}), computed=True)
    assert (ch.files / "f4.png").read_bytes() == (tmp_path / "reference.png").read_bytes()


class PngDrawings:
    """Counts the PNGs that matplotlib draws (SVGs and copies are not counted)."""

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        savefig = plt.Figure.savefig

        def counting(fig, fname, *args, **kwargs):
            self.count += str(fname).endswith(".png")
            return savefig(fig, fname, *args, **kwargs)

        monkeypatch.setattr(plt.Figure, "savefig", counting)


def test_a_kept_png_is_used_again_only_for_the_same_picture(chapter, tmp_path, monkeypatch):
    figures.style()
    drawn = PngDrawings(monkeypatch)
    ch = chapter()
    data = pd.DataFrame({"x": [1]})
    ch.figure(_figure(), "first", "c", "alt", data=data, computed=True)
    ch.figure(_figure(), "again", "c", "alt", data=data, computed=True)  # the same picture
    assert drawn.count == 1
    assert (ch.files / "again.png").read_bytes() == (ch.files / "first.png").read_bytes()
    kept = list((tmp_path / "kept-figures").rglob("*.png"))
    assert len(kept) == 1 and not list((tmp_path / "kept-figures").rglob(".*"))  # nothing half-written
    # Another bar height, or a setting that only the raster reads (the SVG is the same), is drawn anew.
    other = _figure()
    other.axes[0].patches[0].set_height(1.5)
    ch.figure(other, "other", "c", "alt", data=data, computed=True)
    with matplotlib.rc_context({"text.antialiased": False}):
        ch.figure(_figure(), "jagged", "c", "alt", data=data, computed=True)
    assert drawn.count == 3
    assert (ch.files / "jagged.svg").read_bytes() == (ch.files / "first.svg").read_bytes()
    assert (ch.files / "jagged.png").read_bytes() != (ch.files / "first.png").read_bytes()
    # A kept PNG equals a fresh drawing byte for byte.
    fresh = tmp_path / "fresh.png"
    with matplotlib.rc_context({"svg.hashsalt": "barometer"}):
        reference = _figure()
        figures.watermark(reference, "synthetic")
        reference.savefig(fresh, bbox_inches="tight", metadata={"Software": None})
    assert (ch.files / "again.png").read_bytes() == fresh.read_bytes()


def test_figures_from_own_microdata_are_never_kept(chapter, tmp_path, monkeypatch):
    figures.style()
    drawn = PngDrawings(monkeypatch)
    ch = chapter(source="own.csv")
    spec = sdc.Spec(counts=("n",))
    for name in ("a", "b"):
        ch.figure(_figure(), name, "c", "alt", data=pd.DataFrame({"n": [40]}), computed=True, spec=spec)
    assert drawn.count == 2
    assert not (tmp_path / "kept-figures").exists()


def test_figures_need_alt_text(chapter):
    with pytest.raises(ValueError, match="alt text"):
        chapter().figure(_figure(), "f3", "c", "  ", data=pd.DataFrame(), computed=False)


def test_for_plot_hides_suppressed_cells_only_for_real_data(chapter):
    df = pd.DataFrame({"n": [2, 30], "pct": [10.0, 90.0]})
    spec = sdc.Spec(counts=("n",), rates={"pct": "n"})
    assert chapter().for_plot(df, spec).equals(df)
    safe = chapter(source="own.csv").for_plot(df, spec)
    assert safe["pct"].isna().tolist() == [True, False]


def test_glue_names_carry_the_chapter_number(chapter):
    with pytest.raises(ValueError, match="must start with 'ch99_'"):
        chapter().glue("rate", 1)


def test_a_number_that_cannot_be_computed_is_glued_as_a_dash(chapter):
    ch = chapter()
    ch.glue("ch99_empty", float("nan"), "{:.0f}%")
    ch.glue("ch99_ratio", np.float64("inf"), "{:.2f}")
    ch.glue("ch99_rate", 0.5, "{:.0%}")
    assert ch.glued == {"ch99_empty": "–", "ch99_ratio": "–", "ch99_rate": "50%"}


def test_reproduction_records_are_saved_for_the_scorecard(chapter):
    ch = chapter()
    rec = ch.reproduce(["B1-1"])
    saved = pd.read_csv(ch.files / RECORDS)
    assert len(saved) == len(rec) > 0
    assert set(saved["chapter"]) == {"99_test"} and set(saved["data_source"]) == {"synthetic"}
    counts = saved[saved["statistic"] == "count"]
    assert counts["within"].all()  # sector counts are calibration targets of the generator
