"""Tests for src/figures/charts.py: what each chart says, where it puts its bars and ticks
(figure 1, the platform shares, is tested in test_figures_shares.py)."""

from __future__ import annotations

import matplotlib
import matplotlib.collections
import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from figure_tables import BADGE, WORDS

from src.figures import charts, control_limits, style


def texts(fig) -> str:
    """Every piece of text on a figure, joined, with line breaks as spaces."""
    found = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return " ".join(" ".join(found).split())


def series_table(labels, years, offences, month=4) -> pd.DataFrame:
    """Rows shaped like figure 4's input: annual periods, one a year, in time order."""
    return pd.DataFrame(
        {
            "period_label": labels,
            "period_start": [f"{y}-{month:02d}-01" for y in years],
            "area": "Mercia",
            "offences": offences,
            "forces_responding": 40,
            "forces_note": "",
            "start_year": years,
            "source_table": "tables/series.csv",
            "source_row": range(2, 2 + len(years)),
        }
    )


def bar_centres(ax) -> list[float]:
    """Where each bar of an axes stands, left to right."""
    return sorted(round(bar.get_x() + bar.get_width() / 2, 6) for bar in ax.patches)


def test_series_leaves_a_labelled_gap_for_a_missing_year():
    table = series_table(
        ["2017/18", "year to April 2019", "2020/21"], [2017, 2018, 2020], [1, 2, 3]
    )
    fig, data, alt = charts.series(table, words=WORDS)
    ax = fig.axes[0]
    assert bar_centres(ax) == [0, 1, 3]  # a place for each year, none for the missing one
    ticks = [" ".join(t.get_text().split()) for t in ax.get_xticklabels()]
    assert ticks == ["2017/18", "year to April 2019", "2019/20", "2020/21"]
    marks = [t for t in ax.texts if " ".join(t.get_text().split()) == "not available"]
    assert [t.get_position()[0] for t in marks] == [2]
    assert "2019/20: not available; 2020/21: 3" in alt and "nan" not in alt.lower()
    assert list(data["start_year"]) == [2017, 2018, 2019, 2020]
    assert list(data["available"]) == [True, True, False, True]
    assert list(data["source_row"].astype("object")) == [2, 3, pd.NA, 4]
    assert data["source_table"].isna().tolist() == [False, False, True, False]
    assert list(data.columns[-2:]) == ["source_table", "source_row"]


def test_series_says_the_place_each_bar_covers():
    table = series_table(["2020/21", "2021/22", "2022/23"], [2020, 2021, 2022], [1.0, 2.0, 3.0])
    table["area"] = ["Wessex", "Albion", "Albion"]
    fig, _, alt = charts.series(table, words=WORDS)
    assert "2020/21: 1 (Wessex); 2021/22: 2 (Albion); 2022/23: 3 (Albion)" in alt
    names = [t.get_text() for t in fig.axes[0].texts]
    assert names.count("Wessex") == 1 and names.count("Albion") == 1  # one bracket a run
    assert "Wessex (Albion from 2021/22)" in texts(fig)


def test_series_names_a_missing_calendar_year_as_a_calendar_year():
    table = series_table(["2016", "2018"], [2016, 2018], [5.0, 6.0], month=1)
    fig, _, alt = charts.series(table, words=WORDS)
    assert "2017: not available" in alt
    assert bar_centres(fig.axes[0]) == [0, 2]


def test_series_without_a_gap_has_a_bar_in_every_place():
    table = series_table(["2020/21", "2021/22"], [2020, 2021], [1.0, 2.0])
    fig, data, alt = charts.series(table, words=WORDS)
    assert bar_centres(fig.axes[0]) == [0, 1]
    assert "not available" not in texts(fig) and "not available" not in alt
    assert data["available"].all()


def test_series_bars_keep_the_analysis_function_colour():
    table = series_table(["2020/21", "2022/23"], [2020, 2022], [1.0, 2.0])
    fig, _, _ = charts.series(table, words=WORDS)
    blue = matplotlib.colors.to_rgba(style.colours()["dark_blue"])
    assert {tuple(bar.get_facecolor()) for bar in fig.axes[0].patches} == {blue}


def test_chart_from_published_figures_only_is_not_labelled_simulated():
    series = series_table(["2017/18", "2018/19"], [2017, 2018], [3000.0, 4200.0])
    series["forces_responding"] = [pd.NA, 43]
    series["forces_note"] = ["44 forces asked", ""]
    fig, _, alt = charts.series(series, words=WORDS)
    words = texts(fig)
    assert BADGE not in words and "simulated" not in words.lower()
    assert "simulated" not in alt.lower()
    assert "rose from 3,000 in 2017/18 to 4,200 in 2018/19" in words
    assert "43 forces" in words and "44 forces" in words


def funnel_rows(known, share, lowest=None, highest=None, force=None) -> pd.DataFrame:
    """Rows shaped like figure 2's input (:func:`src.figures.inputs.funnel_input`): each
    force's known instances and share (percent) with its exact range (the share itself when
    none is given: no withheld cell)."""
    share = np.asarray(share, float)
    n = len(share)
    force = force or [f"f{i:02d}" for i in range(n)]
    return pd.DataFrame(
        {
            "force": force,
            "force_name": [f"Force {i} Police" for i in range(n)],
            "known": np.asarray(known, float),
            "share": share,
            "share_lowest": share if lowest is None else np.asarray(lowest, float),
            "share_highest": share if highest is None else np.asarray(highest, float),
            "source_table": "tables/force_shares.csv",
            "source_row": np.arange(2, 2 + n),
        }
    )


def _funnel_forces(n: int = 20, seed: int = 3) -> pd.DataFrame:
    """``n`` forces at a share of one half, but the first far above it."""
    rng = np.random.default_rng(seed)
    known = rng.integers(100, 1000, n).astype(float)
    share = 100 * np.round(known * 0.5) / known
    share[0] = 100 * round(known[0] * 0.95) / known[0]  # far above
    return funnel_rows(known, share)


def errorbar_spans(ax) -> dict[float, tuple[float, float]]:
    """Each vertical error bar drawn on ``ax``: its x, and the lowest and highest y it spans."""
    spans = {}
    for collection in ax.collections:
        if isinstance(collection, matplotlib.collections.LineCollection):
            for segment in collection.get_segments():
                (x0, y0), (x1, y1) = segment
                assert x0 == x1
                spans[float(x0)] = (float(min(y0, y1)), float(max(y0, y1)))
    return spans


def points(ax) -> list[tuple[float, float]]:
    """Every point scattered on ``ax``, as (x, y)."""
    return [
        (float(x), float(y))
        for collection in ax.collections
        if isinstance(collection, matplotlib.collections.PathCollection)
        for x, y in collection.get_offsets()
    ]


def test_a_force_with_withheld_cells_is_drawn_at_its_best_estimate_over_its_exact_range():
    # Force b's owner cells are withheld: the returns' totals leave its share anywhere from
    # 45% to 70%, best 59%. It is drawn there, with a bar over that range, never at 0%.
    forces = funnel_rows(
        [300, 44, 500], [50.0, 59.1, 48.0], [50.0, 45.0, 47.5], [50.0, 70.0, 48.6], ["a", "b", "c"]
    )
    fig, data, _ = charts.funnel(forces, 0.5, "Share by force", BADGE, words=WORDS)
    ax = fig.axes[0]
    assert (44.0, 59.1) in points(ax)
    assert all(y > 0 for _, y in points(ax))
    spans = errorbar_spans(ax)
    assert spans[44.0] == pytest.approx((45.0, 70.0))
    assert spans[500.0] == pytest.approx((47.5, 48.6))
    assert spans[300.0] == pytest.approx((50.0, 50.0))  # no withheld cell: no width
    row = data.set_index("force").loc["b"]
    assert (row["share"], row["share_lowest"], row["share_highest"]) == (59.1, 45.0, 70.0)
    # The chart's data publishes shares and ranges, never an owner count.
    assert "facebook_owned" not in data.columns
    assert "best estimate" in texts(fig)


def test_interval_lines_reach_from_each_value_to_the_ends_of_its_range():
    fig, ax = matplotlib.pyplot.subplots()
    drawn = style.interval_lines(ax, [10, 20], [40.0, 60.0], [30.0, 60.0], [45.0, 75.0])
    ends = [sorted(y for _, y in segment) for segment in drawn.lines[2][0].get_segments()]
    assert ends == [[30.0, 45.0], [60.0, 75.0]]
    across = style.interval_lines(ax, 1, 5.0, 4.0, 8.0, horizontal=True)
    assert [sorted(x for x, _ in s) for s in across.lines[2][0].get_segments()] == [[4.0, 8.0]]
    matplotlib.pyplot.close(fig)


def test_funnel_counts_and_names_forces_outside_the_limits_on_real_returns():
    fig, data, alt = charts.funnel(_funnel_forces(), 0.5, "Share by force", "", words=WORDS)
    assert int(data["outside_998"].sum()) == 1
    words = texts(fig)
    assert "1 of 20 forces' Facebook-owned shares lies outside the 99.8% limits" in words
    assert "Force 0" in words and "Force 0 Police" in alt
    assert "Illustrative" not in words and "none is named" not in words
    assert "simulated" not in alt.lower() and "illustrative" not in alt


def test_funnel_on_simulated_returns_is_illustrative_and_names_no_force():
    fig, data, alt = charts.funnel(_funnel_forces(), 0.5, "Share by force", BADGE, words=WORDS)
    words = texts(fig)
    assert "Illustrative only, as returns are simulated: 1 of 20 forces" in words
    assert BADGE in words and alt.endswith(
        f"{BADGE}, so the pattern is illustrative and no force is named."
    )
    assert "none is named" in words
    assert "Force 0" not in words and "Force 0" not in alt
    assert not any(t.get_text().startswith("Force") for t in fig.axes[0].texts)
    assert int(data["outside_998"].sum()) == 1  # the data file still says which it is


def test_funnel_limits_widen_by_the_dispersion_it_states():
    # Shares alternating 40% and 60% of 400: z = (0.1) / sqrt(0.25 / 400) = 4 for every force,
    # so the overdispersion factor is 16 (Winsorising moves nothing: all |z| are equal), the
    # limits lie 4 times as far from one half, and no force is outside the widened limits.
    forces = funnel_rows([400.0] * 10, [40.0, 60.0] * 5)
    fig, data, _ = charts.funnel(forces, 0.5, "Share by force", "", words=WORDS)
    assert data["dispersion"].tolist() == pytest.approx([16.0] * 10)
    # the exact limits for 400 at one half (pinned by hand in test_control_limits.py), widened
    _, exact = control_limits.funnel_limits(0.5, np.array([400]), 0.998)
    widened = 50 + 4 * (100 * float(exact[0]) - 50)
    assert data["limit_998_high"].tolist() == pytest.approx([widened] * 10)
    assert 100 * float(exact[0]) < 60 and not data["outside_998"].any()
    words = texts(fig)
    assert "All 10 forces' Facebook-owned shares lie within the 99.8% limits" in words
    assert "vary 16.0 times as much as chance" in words and "4.0 times as far" in words
    assert "Without the widening, 10 would lie outside" in words


def test_regions_notes_a_printed_share_that_only_truncation_explains():
    regional = pd.DataFrame(
        {
            "area": ["South West", "North West"],
            "computed": [51.2, 52.2],
            "published": [50.0, 52.0],
            "as_published": ["50%", "52%"],
            "holds": [False, True],
            "holds_if_truncated": [False, True],
            "verdict": ["does not hold", "holds"],
            "published_counts_share": [50.82, np.nan],
            "published_counts_fit": [
                "fits the stated total only if truncated rather than rounded",
                "",
            ],
        }
    )
    fig, _, _ = charts.regions(regional, "Share by region", BADGE, words=WORDS)
    words = texts(fig)
    assert "reproduce 1 of 2" in words
    assert "South West: the published counts give 50.8%" in words


def test_regions_on_simulated_returns_make_no_claim_about_the_release():
    regional = pd.DataFrame(
        {
            "area": ["South West", "North West", "East"],
            "computed": [51.2, 52.2, 48.0],
            "published": [50.0, 52.0, 48.0],
            "as_published": ["50%", "52%", "48%"],
            "holds": [pd.NA, pd.NA, True],
            "holds_if_truncated": [pd.NA, pd.NA, False],
            "verdict": [
                "a check of the method, on simulated returns",
                "a check of the method, on simulated returns",
                "holds",
            ],
            "published_counts_share": [np.nan] * 3,
            "published_counts_fit": [""] * 3,
        }
    )
    fig, _, _ = charts.regions(regional, "Share by region", BADGE, words=WORDS)
    words = texts(fig)
    assert "Real returns reproduce 1 of 1 published regional" in words
    assert "agree by construction" in words
    fig, _, _ = charts.regions(regional.iloc[:2], "Share by region", BADGE, words=WORDS)
    assert "a check of the method" in texts(fig) and "reproduce" not in texts(fig)


def test_funnel_data_keeps_each_force_s_source_row_after_dropping_and_sorting():
    forces = funnel_rows([100.0, 0.0, 200.0], [50.0, 0.0, 45.0], force=["c", "a", "b"])
    _, data, _ = charts.funnel(forces, 0.5, "Share by force", BADGE, words=WORDS)
    assert list(data["force"]) == ["b", "c"]  # no instances: no point; sorted by force
    assert list(data["source_row"]) == [4, 2]
    assert list(data.columns[-2:]) == ["source_table", "source_row"]


def test_funnel_log_axis_labels_only_spaced_major_ticks():
    forces = funnel_rows([20.0, 90.0, 300.0], [50.0] * 3)
    fig, _, _ = charts.funnel(forces, 0.5, "Share by force", BADGE, words=WORDS)
    ax = fig.axes[0]
    fig.canvas.draw()
    low, high = ax.get_xlim()
    shown = [t for t in ax.xaxis.get_majorticklocs() if low <= t <= high]
    assert shown == [20, 50, 100, 200]  # 16 to 375: 1-2-5 steps fit, every step does not
    assert all(t.get_text() == "" for t in ax.xaxis.get_minorticklabels())


# --- Words from the build's tables --------------------------------------------------------------


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text)).replace("\n", " ")


def test_titles_labels_alt_text_and_source_lines_are_the_builds_words():
    from figure_tables import META_WORDS

    forces = funnel_rows([100.0, 200.0], [50.0, 50.0])
    fig, _, alt = charts.funnel(forces, 0.5, "Share by force", "", words=META_WORDS)
    drawn = _texts(fig)
    assert "All 2 forces' Meta-owned shares lie within the 99.8% limits" in drawn
    assert "Meta-owned share" in drawn and META_WORDS.source_line in drawn
    assert "Facebook" not in drawn and "Facebook" not in alt
    assert alt.startswith("Funnel plot of the Meta-owned share")
    tipoffs = pd.DataFrame(
        {
            "measure": ["Chatly share of police-recorded instances", "Chatly share of tip-offs"],
            "share": [12.0, 1.5],
            "low": [10.0, float("nan")],
            "high": [14.0, float("nan")],
            "flag": ["", "U"],
            "source_table": "tables/whatsapp.csv",
            "source_row": [2, 3],
        }
    )
    fig, _, alt = charts.whatsapp(tipoffs, "Shares", "", words=META_WORDS)
    drawn = _texts(fig)
    assert "Chatly: 12% of police-recorded Meta-owned instances, but 1.5% of Meta's tip-offs" in (
        drawn
    )
    assert alt.startswith("Bar chart: Chatly was 12.0% of police-recorded instances on Meta-owned")
    assert "Meta's child-abuse tip-offs" in alt


def test_figure_5_says_whether_its_two_periods_overlap():
    from src.figures.charts import periods_note

    rows = pd.DataFrame(
        [
            {"period_start": "2018-04-01", "period_end": "2019-03-31", "periods_overlap": False},
            {"period_start": "2020-01-01", "period_end": "2020-12-31", "periods_overlap": False},
        ]
    )
    note = periods_note(rows)
    assert note == (
        "Periods: police figures April 2018 to March 2019; tip-offs 2020; "
        "the periods do not overlap: the two bars are about different years."
    )
    rows["periods_overlap"] = True
    assert periods_note(rows).endswith("the periods overlap.")
    rows.loc[1, ["period_start", "period_end"]] = ""
    rows["periods_overlap"] = ""
    assert "tip-offs no stated period; whether the periods match is not known" in periods_note(rows)


def test_figure_5_labels_each_bar_with_its_own_period_not_the_release_s_words():
    rows = pd.DataFrame(
        {
            "measure": ["Chatly share of instances", "Chatly share of tip-offs (last year)"],
            "share": [12.0, 1.5],
            "low": [10.0, float("nan")],
            "high": [14.0, float("nan")],
            "flag": ["", "U"],
            "period_start": ["2016-04-01", "2015-01-01"],
            "period_end": ["2017-03-31", "2015-12-31"],
            "periods_overlap": [False, False],
            "source_table": "tables/whatsapp.csv",
            "source_row": [2, 3],
        }
    )
    fig, _, alt = charts.whatsapp(rows, "Shares", "", words=WORDS)
    ticks = [" ".join(t.get_text().split()) for t in fig.axes[0].get_yticklabels()]
    assert ticks == [
        "Chatly share of instances, April 2016 to March 2017",
        "Chatly share of tip-offs, 2015",
    ]
    assert "last year" not in _texts(fig) and "previous year" not in _texts(fig) + alt
    assert "tip-offs 2015" in alt
