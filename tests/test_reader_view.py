"""Which cells a reader sees: parameters and plumbing removed, the statistics folded."""

from __future__ import annotations

from barometer.build import reader_view

GLUE_OUTPUT = {"output_type": "display_data", "data": {"text/plain": "1"}, "metadata": {"scrapbook": {"name": "x"}}}
SHOWN = {"output_type": "stream", "name": "stdout", "text": "chi2 = 3.1"}


def cell(source, outputs=(), tags=()):
    return {"cell_type": "code", "source": source, "outputs": list(outputs), "metadata": {"tags": list(tags)}}


def test_parameters_and_set_up_are_removed():
    assert "remove-cell" in reader_view.presentation_tags(cell("year = 2025", tags=["parameters"]))
    setup = "from barometer.analysis import stats\nch = open_chapter('x')\nFIRST, LAST = 2021, 2025\n\ndef f(x):\n    return x\n"
    assert reader_view.presentation_tags(cell(setup))[-1] == "remove-cell"


def test_glue_cells_are_removed_even_with_a_verdict_computed_in_them():
    glue = "ch.glue('a', 1)\nch.glue('b', 2)\nverdict = 'x' if p < 0.05 else 'y'\nch.glue('c', verdict)\n"
    assert reader_view.presentation_tags(cell(glue, [GLUE_OUTPUT], tags=["hide-input"])) == ["remove-cell"]


def test_statistics_are_folded_not_removed():
    stats_cell = "t = stats.two_proportions(a, n, b, m)\nprint(t)\n"
    assert reader_view.presentation_tags(cell(stats_cell, [SHOWN])) == ["hide-input"]
    # A glue-heavy cell that prints a statistic keeps it on the page, folded.
    mixed = "ch.glue('a', 1)\nch.glue('b', 2)\nprint(t)\n"
    assert reader_view.presentation_tags(cell(mixed, [SHOWN])) == ["hide-input"]


def test_plumbing_that_shows_something_keeps_its_output():
    assert reader_view.presentation_tags(cell("ch.glue('a', 1)", [SHOWN])) == ["remove-input"]


def test_an_authors_remove_tag_is_kept():
    assert reader_view.presentation_tags(cell("x = 1", tags=["remove-input"])) == ["remove-input"]


def test_a_long_table_is_collapsed_under_its_caption_and_a_short_one_is_not():
    import pandas as pd

    from barometer.book import tables

    long = tables.to_html(pd.DataFrame({"x": range(tables.LONG_TABLE_ROWS + 1)}), "Every case.", "tbl-a", False)
    assert long.startswith('<details class="barometer-long-table"') and "<summary>Every case." in long
    assert f"Show all {tables.LONG_TABLE_ROWS + 1} rows" in long and 'id="tbl-a"' in long
    short = tables.to_html(pd.DataFrame({"x": range(tables.LONG_TABLE_ROWS)}), "A few.", "tbl-b", False)
    assert "<details" not in short and short.count('id="tbl-b"') == 1
