"""The chapter toolkit and its output gate, without a kernel: parameters, labels, the two parts of
a chapter, typed values, tables, figures and glued numbers, and how own data are kept back until
the ledger has decided."""

from __future__ import annotations

import json
import pickle

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from barometer.book import figures, labels, tables
from barometer.book.chapter import RECORDS, Chapter, GateError, ParameterError, open_chapter
from barometer.book.gate import render
from barometer.book.gate.recorder import RECORD_DIR_ENV, Gate, unsafe_references
from barometer.data import paths
from barometer.disclosure.rules import MARK, Rules

OWN = paths.ROOT / "tests" / "fixtures" / "own_microdata.csv"


class Shown(list):
    """What the gate published (nbformat-like outputs), as text."""

    @property
    def text(self) -> str:
        return "\n".join(str(v) for o in self for v in o[0].values())


@pytest.fixture
def shown(monkeypatch) -> Shown:
    out = Shown()
    monkeypatch.setattr(Gate, "_publish", staticmethod(lambda outputs: out.extend((o["data"], o.get("metadata", {}))
                                                                                  for o in outputs)))
    return out


@pytest.fixture
def chapter(tmp_path, monkeypatch, shown):
    monkeypatch.setenv(paths.OUTPUT_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(RECORD_DIR_ENV, str(tmp_path / "gate"))
    monkeypatch.setattr(figures, "raster_cache_dir", lambda: tmp_path / "kept-figures")

    def make(source="synthetic", **kw):
        return Chapter("99_test", source=source, **kw)

    return make


def problems(tmp_path) -> list[dict]:
    return json.loads((tmp_path / "gate" / "99_test.json").read_text())["problems"]


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


def test_the_published_part_cannot_read_microdata(chapter):
    ch = chapter()
    with pytest.raises(GateError, match="only after ch.microdata"):
        ch.data  # noqa: B018
    with pytest.raises(GateError):
        ch.wave()
    assert ch.waves == [2021, 2025]  # which waves a file holds is not confidential
    ch.microdata()
    assert len(ch.wave(2025)) > 0


def test_typed_values_have_no_arithmetic_and_no_truth_value(chapter):
    ch = chapter()
    ch.microdata()
    k = ch.count(ch.where("innovated", 1), wave=2025)
    with pytest.raises(TypeError):
        k + 1  # noqa: B018
    with pytest.raises(TypeError):
        bool(k)
    assert ch.plain(k) == int((ch.wave(2025)["innovated"] == 1).sum())
    share = ch.share(ch.answered("innovated"), ch.where("innovated", 1), wave=2025, sector="Gemeente")
    hit, base, rest = share.cells
    assert (hit.n, base.n, rest.n) == (int(ch.plain(share) * base.n / 100 + 0.5), base.n, base.n - hit.n)


def test_a_measure_may_not_restrict_by_a_spanning_attribute_or_a_subset(chapter):
    ch = chapter()
    ch.microdata()
    with pytest.raises(GateError, match="spanning attribute"):
        ch.where("sector", "Gemeente")
    with pytest.raises(GateError, match="one entry per organisation"):
        ch.where(ch.wave(2025)["innovated"], 1)


def test_published_tables_are_shown_as_published_and_synthetic_ones_labelled(chapter, shown, tmp_path):
    ch = chapter()
    ch.table(pd.DataFrame({"sector": ["A"], "n": [2]}), "pub", "Published.")
    ch.microdata()
    everyone = ch.everyone()
    syn = pd.DataFrame({"sector": ["Gemeente"], "n": [ch.count(everyone, sector="Gemeente", wave=2025)]})
    ch.table(syn, "syn", "Computed.", labels=("sector",))
    assert pd.read_csv(ch.files / "pub.csv")["data_source"].tolist() == ["published"]
    assert pd.read_csv(ch.files / "syn.csv")["data_source"].tolist() == ["synthetic"]
    assert shown.text.count(tables.SYNTHETIC_PREFIX) == 1  # the caption of the microdata table
    assert "The analyses below run on the **synthetic** stand-in" in shown.text  # and the banner
    assert problems(tmp_path) == []


def test_an_untyped_number_in_the_microdata_part_is_a_problem(chapter, tmp_path):
    ch = chapter()
    ch.microdata()
    n = len(ch.wave(2025))
    ch.table(pd.DataFrame({"sector": ["all"], "n": [n]}), "t", "Plain.", labels=("sector",))
    ch.glue("ch99_n", n)
    ch.glue("ch99_text", f"{n} organisations")
    found = {p["output"] for p in problems(tmp_path)}
    assert found == {"99_test/table/t/0/n", "99_test/glue/ch99_n", "99_test/glue/ch99_text"}


def test_a_caption_with_an_untraced_number_is_a_problem_and_a_template_is_not(chapter, tmp_path):
    ch = chapter()
    ch.microdata()
    k = ch.count(ch.everyone(), wave=2025)
    data = pd.DataFrame({"g": ["all"], "n": [k]})
    ch.table(data, "a", f"Base: {ch.plain(k)} organisations in 2025.", labels=("g",))
    ch.table(data, "b", ch.text("Base: {n} organisations in 2025 (95% interval, Table B1-8).", n=k), labels=("g",))
    ch.table(data, "c", "Organisations of the 2025 wave (Table B1-8, §2.1).", labels=("g",))
    assert [p["output"] for p in problems(tmp_path)] == ["99_test/table/a/caption"]


def test_own_data_are_kept_back_until_the_ledger_has_decided(chapter, shown, tmp_path):
    ch = chapter(source=str(OWN))
    ch.table(pd.DataFrame({"x": [1]}), "pub", "Published.")
    ch.microdata()
    everyone = ch.everyone()
    table = pd.DataFrame([{"sector": s, "n": ch.count(everyone, sector=s, wave=2025)}
                          for s in ("Gemeente", "Hoge Colleges van Staat", "Provincie")])
    ch.table(table, "by_sector", "Organisations by sector.", labels=("sector",))
    ch.glue("ch99_small", ch.count(everyone, sector="Hoge Colleges van Staat", wave=2025))
    # While the chapter runs, only the published part and placeholders are shown.
    assert (ch.files / "pub.csv").exists() and not (ch.files / "by_sector.csv").exists()
    assert "decided by the output check" in shown.text and "Hoge Colleges" not in shown.text
    record = pickle.loads((tmp_path / "gate" / "99_test.pkl").read_bytes())
    outcome = render.solve({"99_test": record}, Rules(min_cell=5))
    status = render.status_function(outcome)
    assert status("99_test/glue/ch99_small") != "released"
    folder = tmp_path / "rendered"
    from barometer.book.gate.outputs import rendered

    out = next(o for o in record["outputs"] if o.name == "by_sector")
    rendered(out, status, record["ctx"], folder)
    csv = pd.read_csv(folder / "by_sector.csv", dtype=str)
    assert csv.loc[csv["sector"] == "Hoge Colleges van Staat", "n"].tolist() == [MARK]  # 2 organisations
    assert csv.loc[csv["sector"] == "Gemeente", "n"].tolist() == ["89"]
    assert set(csv["data_source"]) == {"own"}


def test_a_text_shows_each_field_or_the_mark_with_its_format(chapter, tmp_path):
    from barometer.book.gate.outputs import Context, shown_text

    ch = chapter()
    ch.microdata()
    k = ch.count(ch.everyone(), wave=2025)
    p = ch.statistic(0.123456, [k])
    t = ch.text("{k} organisations, p = {p:.2f}, {word}", k=k, p=p, word=ch.fixed("fine"))
    ctx = Context("99_test", "own", Rules())
    assert shown_text(t, "u", lambda uid: "released", ctx) == f"{ch.plain(k)} organisations, p = 0.12, fine"
    hide = {"u/k"}
    assert shown_text(t, "u", lambda uid: "suppressed" if uid in hide else "released", ctx) == \
        f"{MARK} organisations, p = 0.12, fine"


def test_a_tally_counts_released_values_only(chapter):
    from barometer.book.gate.outputs import Context, shown_text

    ch = chapter()
    ch.microdata()
    rec = ch.reproduce(["B1-1"])
    kept = rec[rec["statistic"] == "count"]
    t = ch.tally(kept, "within", "True")
    ctx = Context("99_test", "own", Rules())
    everything = shown_text(t, "u", lambda uid: "released", ctx)
    assert everything == str(len(kept))  # every sector count is a calibration target
    first = f"{rec.attrs['gate_uid']}/{rec.attrs['gate_rows'][kept.index[0]]}/within"
    assert shown_text(t, "u", lambda uid: "suppressed" if uid == first else "released", ctx) == str(len(kept) - 1)


def _figure():
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    return fig


def test_published_figures_are_saved_with_data_caption_and_alt_text(chapter, shown):
    ch = chapter()
    ch.figure(_figure(), "f1", "A caption.", "Two bars.", data=pd.DataFrame({"x": ["a", "b"], "y": [1, 2]}))
    for ext in ("png", "svg", "csv"):
        assert (ch.files / f"f1.{ext}").stat().st_size > 0
    assert ":alt: Two bars." in shown.text and "files/99_test/f1.png" in shown.text


def test_microdata_figures_are_drawn_by_the_gate_and_labelled_synthetic(chapter, shown, tmp_path):
    ch = chapter()
    ch.microdata()
    data = pd.DataFrame({"x": ["a", "b"], "y": [ch.count(ch.everyone(), wave=2025), ch.count(ch.everyone(), wave=2021)]})
    seen = []

    def draw(d):
        seen.append(d["y"].tolist())
        fig, ax = plt.subplots()
        ax.bar(d["x"], d["y"])
        return fig

    ch.figure(draw, "f5", "Counts by wave.", "Two bars.", data=data, labels=("x",))
    assert seen == [[ch.plain(v) for v in data["y"]]]  # plain numbers, from the gate
    assert "SYNTHETIC DATA" in (ch.files / "f5.svg").read_text()  # the label travels with the image
    assert tables.SYNTHETIC_PREFIX in shown.text
    assert problems(tmp_path) == []


def test_a_figure_drawn_outside_the_gate_is_a_problem(chapter, tmp_path):
    ch = chapter()
    ch.microdata()
    ch.figure(_figure(), "f6", "c", "alt", data=pd.DataFrame({"x": ["a"]}), labels=("x",))
    assert [p["output"] for p in problems(tmp_path)] == ["99_test/figure/f6"]


def test_a_drawing_function_that_refers_to_data_is_refused():
    secret = pd.DataFrame({"score": [1.0, 2.0, 3.0]})
    palette = ["#0072B2"]

    def leaky(d):
        fig, ax = plt.subplots()
        ax.hist(secret["score"])  # individual values, past the gate
        return fig

    def fine(d):
        fig, ax = plt.subplots()
        ax.bar(d["x"], d["y"], color=palette[0])
        fig.axes  # an attribute, not a reference  # noqa: B018
        return fig

    assert unsafe_references(leaky) == ["leaky refers to secret: an object of type DataFrame"]
    assert unsafe_references(fine) == []


def test_figure_files_are_deterministic(chapter):
    ch = chapter()
    data = pd.DataFrame({"x": [1]})
    ch.figure(_figure(), "f2", "c", "alt", data=data)
    first = {ext: (ch.files / f"f2.{ext}").read_bytes() for ext in ("png", "svg")}
    ch2 = chapter()
    ch2.figure(_figure(), "f2", "c", "alt", data=data)
    assert first == {ext: (ch.files / f"f2.{ext}").read_bytes() for ext in ("png", "svg")}


def test_the_png_is_what_savefig_with_a_tight_box_writes(chapter, tmp_path):
    """save() measures the tight box once for PNG and SVG; the PNG must not change by it."""
    figures.style()  # as open_chapter does: a dpi for saving, a tight box
    ch = chapter()
    reference = _figure()
    reference.savefig(tmp_path / "reference.png", bbox_inches="tight", metadata={"Software": None})
    plt.close(reference)
    ch.figure(_figure(), "f4", "c", "alt", data=pd.DataFrame({"x": [1]}))
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
    ch.figure(_figure(), "first", "c", "alt", data=data)
    ch.figure(_figure(), "again", "c", "alt", data=data)  # the same picture
    assert drawn.count == 1
    assert (ch.files / "again.png").read_bytes() == (ch.files / "first.png").read_bytes()
    kept = list((tmp_path / "kept-figures").rglob("*.png"))
    assert len(kept) == 1 and not list((tmp_path / "kept-figures").rglob(".*"))  # nothing half-written
    other = _figure()
    other.axes[0].patches[0].set_height(1.5)
    ch.figure(other, "other", "c", "alt", data=data)
    with matplotlib.rc_context({"text.antialiased": False}):
        ch.figure(_figure(), "jagged", "c", "alt", data=data)
    assert drawn.count == 3
    assert (ch.files / "jagged.svg").read_bytes() == (ch.files / "first.svg").read_bytes()
    assert (ch.files / "jagged.png").read_bytes() != (ch.files / "first.png").read_bytes()


def test_figures_from_own_microdata_are_png_only_and_never_kept(tmp_path, monkeypatch):
    """An own-data figure is drawn when the edition is rendered, from released values, as PNG
    only (an SVG carries exact coordinates), and never kept in the raster cache."""
    from barometer.book.gate.outputs import Context, Output

    figures.style()
    monkeypatch.setattr(figures, "raster_cache_dir", lambda: tmp_path / "kept-figures")
    import cloudpickle

    def draw(d):
        fig, ax = plt.subplots()
        ax.bar(["a"], d["y"].fillna(0))
        return fig

    out = Output("99/figure/f", "figure", "f", "microdata", frame=pd.DataFrame({"y": [1.0]}),
                 draw=cloudpickle.dumps(draw))
    outcome = type("O", (), {"decisions": {}})()
    render._draw(out, lambda uid: "released", Context("99", "own", Rules()), tmp_path / "files", outcome)
    assert sorted(p.name for p in (tmp_path / "files").iterdir()) == ["f.png"]
    assert not (tmp_path / "kept-figures").exists()


def test_figures_need_alt_text(chapter):
    with pytest.raises(ValueError, match="alt text"):
        chapter().figure(_figure(), "f3", "c", "  ", data=pd.DataFrame())


@pytest.mark.parametrize("name", ["../escape", "a/b", "Upper", ""])
def test_download_names_cannot_be_paths(chapter, name):
    with pytest.raises(ValueError, match="download name"):
        chapter().table(pd.DataFrame({"x": [1]}), name, "x")


def test_glue_names_carry_the_chapter_number(chapter):
    with pytest.raises(ValueError, match="must start with 'ch99_'"):
        chapter().glue("rate", 1)


def test_a_number_that_cannot_be_computed_is_glued_as_a_dash(chapter, shown):
    ch = chapter()
    ch.glue("ch99_empty", float("nan"), "{:.0f}%")
    ch.glue("ch99_ratio", np.float64("inf"), "{:.2f}")
    ch.glue("ch99_rate", 0.5, "{:.0%}")
    glued = {m["scrapbook"]["name"]: next(iter(d.values())) for d, m in shown if "scrapbook" in m}
    assert glued == {"ch99_empty": "'–'", "ch99_ratio": "'–'", "ch99_rate": "'50%'"}


def test_reproduction_records_are_saved_for_the_scorecard(chapter):
    ch = chapter()
    ch.microdata()
    rec = ch.reproduce(["B1-1"])
    saved = pd.read_csv(ch.files / RECORDS)
    assert len(saved) == len(rec) > 0
    assert set(saved["chapter"]) == {"99_test"} and set(saved["data_source"]) == {"synthetic"}
    counts = saved[saved["statistic"] == "count"]
    assert counts["within"].all()  # sector counts are calibration targets of the generator


def test_term_label_names_model_terms_in_the_chapters_language():
    from barometer.analysis import models
    from barometer.book.chapter import open_chapter

    ch = open_chapter("00_terms")
    assert ch.term_label("C(size_class, Treatment('Klein'))[T.Groot]") == f"size: {ch.group('Groot', 'size')}"
    assert ch.term_label(f"C(sector_group, Treatment('Gemeente'))[T.{models.OTHER}]") == "sector: Other (small sectors)"
    assert ch.term_label("C(cluster, Treatment('Gemiddeld'))[T.Krachtig]") == \
        f"climate: {ch.group('Krachtig', 'climate_cluster')}"
    assert ch.term_label("C(wave)[T.2025]") == "wave: 2025"
    assert ch.term_label("C(strategy_c)[T.Yes]", {"strategy_c": "strategy"}) == "strategy: Yes"
    assert ch.term_label("climate", {"climate": "innovation climate (per point)"}) == "innovation climate (per point)"
    assert ch.term_label("time") == "time"


@pytest.mark.parametrize(("english", "dutch"), [
    ("76%", "76%"), ("3.63", "3,63"), ("1,234.5", "1.234,5"), ("12,345", "12.345"), ("p = 0.0123", "p = 0,0123"),
    ("z = -2.31", "z = -2,31"), ("4.1e-09", "4,1e-09"), ("(0.12, 0.56)", "(0,12; 0,56)"),
    ("In 2021, 86%", "In 2021, 86%"), ("Table B1-8", "Table B1-8"), ("2023-2024", "2023-2024"),
    ("version 0.1.0", "version 0.1.0"), ("56–92%", "56–92%"),
])
def test_numbers_are_written_in_the_readers_style(english, dutch):
    """The report's Dutch style: decimal comma, a full stop between thousands; nothing else moves."""
    from barometer.book.number_format import localised

    assert localised(english, "nl") == dutch
    assert localised(english, "en") == english


def test_a_dutch_table_and_glue_show_dutch_numbers_and_download_english_ones(tmp_path):
    from barometer.book.gate.outputs import Context, Output, rendered
    from barometer.disclosure.rules import PUBLISHED, Rules
    from barometer.disclosure.values import fixed

    df = pd.DataFrame({"group": ["a", "b"], "share (%)": [12.25, 1234.5]})
    assert list(tables.formatted(df, {"share (%)": "{:,.2f}"}, "nl")["share (%)"]) == ["12,25", "1.234,50"]
    for lang, shown in (("en", "'3.63'"), ("nl", "'3,63'")):
        ctx = Context("99_test", "synthetic", Rules(), (), lang)
        glue = rendered(Output("g", "glue", "ch99_x", PUBLISHED, value=fixed(3.63), fmt="{:.2f}"), lambda u: "released",
                        ctx, tmp_path)
        assert next(iter(glue[0]["data"].values())) == shown
        table = Output("t", "table", "shares", PUBLISHED, frame=df, caption=fixed("Shares."))
        page = rendered(table, lambda u: "released", ctx, tmp_path / lang)
        html_text = page[0]["data"]["text/html"]
        assert ("1234,5" in html_text) == (lang == "nl") and ("1234.5" in html_text) == (lang == "en")
        assert "1234.5" in (tmp_path / lang / "shares.csv").read_text()  # the download: a decimal point
