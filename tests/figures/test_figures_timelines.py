"""Tests for src/figures/timelines.py (figures 6 and 7) and their inputs: a missing or blank
year is a visible gap in the chart, its data and its alt text; a value flagged U is drawn and
said to be uncertain; labels sit on the data (no legend); titles come from the data."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from figure_tables import WORDS
from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle

from src.errors import InputError
from src.figures import charts, inputs, run, timelines
from src.figures.inputs import NOT_AVAILABLE

FORCES = {
    "avon-and-somerset": "Avon and Somerset Constabulary",
    "devon-and-cornwall": "Devon & Cornwall Police",
    "dorset": "Dorset Police",
    "wiltshire": "Wiltshire Police",
}


def by_area_table() -> pd.DataFrame:
    """series_by_area.csv as step 20 writes it: four forces, 2019/20 to 2022/23; Avon and
    Somerset has no 2021/22, Dorset's 2020/21 is printed blank, Wiltshire's 2021/22 is U."""
    rows = []
    for i, (force, name) in enumerate(FORCES.items()):
        for year in (2019, 2020, 2021, 2022):
            if force == "avon-and-somerset" and year == 2021:
                continue
            blank = force == "dorset" and year == 2020
            rows.append(
                {
                    "geography": "force",
                    "area": force,
                    "area_name": name,
                    "period_label": f"{year}/{(year + 1) % 100:02d}",
                    "period_start": f"{year}-04-01",
                    "period_end": f"{year + 1}-03-31",
                    "annual": True,
                    "offences": "" if blank else str(100 * (i + 1) + (year - 2019) * 10),
                    "forces_responding": "",
                    "forces_note": "",
                    "flag": "U" if force == "wiltshire" and year == 2021 else "V",
                    "source_title": "A synthetic release",
                    "source_url": "",
                    "note": "",
                }
            )
    return pd.DataFrame(rows)


def as_read(table: pd.DataFrame) -> pd.DataFrame:
    """A table written as CSV and read back as step 30 reads it (run.read_tables)."""
    return pd.read_csv(io.StringIO(table.to_csv(index=False)), keep_default_na=True)


PLATFORMS = """\
period_label,period_start,period_end,annual,geography,area,platform_group,name_as_printed,value,unit,comparison,as_published,count,known,flag,source_title,source_url,note
2017/18,2017-04-01,2018-03-31,True,national,England and Wales,snapchat,Snapchat,20.0,percent,about,about a fifth,,,U,A,,
April to June 2020,2020-04-01,2020-06-30,False,national,England and Wales,facebook_owned,Facebook-owned,51.0,percent,rounded,51%,,,V,B,,
2020/21,2020-04-01,2021-03-31,True,national,England and Wales,facebook_owned,Facebook-owned,50.0,percent,almost,almost half,,,U,C,,
2020/21,2020-04-01,2021-03-31,True,national,England and Wales,snapchat,Snapchat,25.0,percent,over,over a quarter,,,U,C,,
2021/22,2021-04-01,2022-03-31,True,national,UK,facebook_owned,Meta,38.0,percent,rounded,38%,,,V,D,,
2021/22,2021-04-01,2022-03-31,True,national,UK,snapchat,Snapchat,33.0,percent,rounded,33%,,,V,D,,
2021/22,2021-04-01,2022-03-31,True,force,dorset,snapchat,Snapchat,90.0,percent,rounded,90%,,,V,E,,
2023/24,2023-04-01,2024-03-31,True,national,UK,snapchat,Snapchat,48.0,percent,rounded,48%,,,V,F,,
2023/24,2023-04-01,2024-03-31,True,national,UK,whatsapp,WhatsApp,12.0,percent,rounded,12%,,,V,F,,
"""


@pytest.fixture
def platform_series() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(PLATFORMS))


# --- Figure 7: the series of each area ---------------------------------------------------------


@pytest.fixture
def drawn():
    return timelines.series_by_area(
        inputs.series_by_area_input(as_read(by_area_table())), words=WORDS
    )


def test_every_area_has_every_year_and_each_gap_says_why(drawn):
    _, data, _ = drawn
    assert list(data.columns[-2:]) == ["source_table", "source_row"]
    assert len(data) == 4 * 4  # four areas, four years each, gaps included
    status = data.set_index(["area", "period_label"])["status"]
    assert status[("avon-and-somerset", "2021/22")] == timelines.NOT_PUBLISHED
    assert status[("dorset", "2020/21")] == timelines.BLANK
    assert (
        status.drop([("avon-and-somerset", "2021/22"), ("dorset", "2020/21")]) == "published"
    ).all()
    gaps = data[~data["available"]]
    assert set(zip(gaps["area"], gaps["period_label"], strict=True)) == {
        ("avon-and-somerset", "2021/22"),
        ("dorset", "2020/21"),
    }
    # The blank keeps its source row (it was printed); the missing year has none.
    source = data.set_index(["area", "period_label"])["source_row"]
    assert pd.isna(source[("avon-and-somerset", "2021/22")])
    table = by_area_table()
    blank_line = int(table.index[(table["area"] == "dorset") & (table["offences"] == "")][0]) + 2
    assert source[("dorset", "2020/21")] == blank_line


def test_uncertain_values_are_marked_in_the_data_the_chart_and_the_alt_text(drawn):
    fig, data, alt = drawn
    assert list(data.loc[data["uncertain"], "area"]) == ["wiltshire"]
    panel = {ax.get_title(loc="left"): ax for ax in fig.axes}["Wiltshire"]
    hatched = [p for p in panel.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 1
    assert hatched[0].get_height() == pytest.approx(420.0)  # Wiltshire 2021/22
    assert "U" in [t.get_text() for t in panel.texts]
    assert "Wiltshire Police:" in alt and "2021/22 420 (uncertain, U)" in alt


def test_gaps_are_labelled_not_available_in_their_panels(drawn):
    fig, _, alt = drawn
    panels = {ax.get_title(loc="left"): ax for ax in fig.axes}
    assert sorted(panels) == ["Avon and Somerset", "Devon & Cornwall", "Dorset", "Wiltshire"]
    for name, gap_x in (("Avon and Somerset", 2), ("Dorset", 1)):
        ax = panels[name]
        notes = [t for t in ax.texts if t.get_text().replace("\n", " ") == NOT_AVAILABLE]
        assert [t.get_position()[0] for t in notes] == [gap_x]
        bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
        assert len(bars) == 3
        assert all(abs(b.get_x() + b.get_width() / 2 - gap_x) > 0.5 for b in bars)
    for name in ("Devon & Cornwall", "Wiltshire"):
        assert not any(NOT_AVAILABLE in t.get_text() for t in panels[name].texts)
    assert "Dorset Police: 2019/20 300; 2020/21 not available (printed blank)" in alt
    assert "Avon and Somerset Constabulary: 2019/20 100; 2020/21 110; 2021/22 not available;" in alt
    assert "nan" not in alt.lower()


def test_the_title_and_source_come_from_the_data(drawn):
    fig, _, _ = drawn
    words = " ".join(t.get_text() for t in fig.texts)
    # Every area's last published year is above its first.
    assert "rose in all 4 areas" in words.replace("\n", " ")
    assert WORDS.source_published in words.replace("\n", " ")


def test_an_area_whose_last_year_fell_is_counted(drawn):
    table = by_area_table()
    last = table.index[(table["area"] == "dorset") & (table["period_label"] == "2022/23")][0]
    table.loc[last, "offences"] = "1"
    fig, _, _ = timelines.series_by_area(inputs.series_by_area_input(as_read(table)), words=WORDS)
    words = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "rose in 3 of 4 areas" in words


def test_an_empty_per_area_table_gives_no_rows():
    header = ",".join(by_area_table().columns) + "\n"
    table = pd.read_csv(io.StringIO(header))
    assert inputs.series_by_area_input(table).empty


def test_two_periods_of_one_area_in_one_year_are_an_input_error():
    table = by_area_table()
    table.loc[len(table)] = {**table.iloc[0].to_dict(), "period_end": "2020-03-30"}
    with pytest.raises(InputError, match="for area 'avon-and-somerset' start in 2019"):
        inputs.series_by_area_input(as_read(table))


def test_the_missing_table_names_the_step_to_rerun():
    with pytest.raises(InputError, match="rerun step 20"):
        inputs.table({}, "series_by_area")


# --- Figure 6: platform shares over time -------------------------------------------------------


def test_platform_input_takes_national_annual_shares(platform_series):
    data = inputs.platform_series_input(platform_series)
    assert set(data["geography"]) == {"national"}
    assert data["annual"].astype(str).eq("True").all()
    assert list(data["start_year"]) == [2017, 2020, 2020, 2021, 2021, 2023, 2023]
    assert list(data.columns[-2:]) == ["source_table", "source_row"]


def _line(ax, colour_of_marker) -> np.ndarray:
    return next(line for line in ax.lines if line.get_color() == colour_of_marker).get_ydata()


def test_a_year_with_no_figure_breaks_the_line(platform_series):
    fig, data, alt = timelines.platform_shares_over_time(
        inputs.platform_series_input(platform_series), words=WORDS
    )
    ax = fig.axes[0]
    assert ax.get_legend() is None
    snapchat = data[data["platform_group"] == "snapchat"]
    assert list(snapchat["period_label"]) == [
        "2017/18",
        "2018/19",
        "2019/20",
        "2020/21",
        "2021/22",
        "2022/23",
        "2023/24",
    ]
    assert list(snapchat["available"]) == [True, False, False, True, True, False, True]
    assert snapchat.loc[~snapchat["available"], "source_row"].isna().all()
    # The drawn line has no value in the years without a figure, so it is broken there.
    lines = [line for line in ax.lines if len(line.get_ydata()) == 7]
    ys = [list(np.isnan(np.asarray(line.get_ydata(), float))) for line in lines]
    assert [False, True, True, False, False, True, False] in ys
    assert "Snapchat: 2017/18 about a fifth (read as 20%, uncertain)" in alt
    assert "not available for 2018/19, 2019/20, 2022/23" in alt
    assert "nan" not in alt.lower()


def test_uncertain_shares_are_hollow_and_printed_ones_filled(platform_series):
    fig, data, _ = timelines.platform_shares_over_time(
        inputs.platform_series_input(platform_series), words=WORDS
    )
    ax = fig.axes[0]
    hollow = filled = 0
    for points in ax.collections:
        if not isinstance(points, PathCollection) or not len(points.get_offsets()):
            continue
        face = points.get_facecolors()[0]
        white = np.allclose(face[:3], 1.0)
        hollow += len(points.get_offsets()) if white else 0
        filled += 0 if white else len(points.get_offsets())
    shown = data[data["available"]]
    assert hollow == int(shown["uncertain"].sum()) == 3
    assert filled == int((~shown["uncertain"]).sum()) == 4


def test_groups_are_labelled_beside_the_plot_with_the_names_printed(platform_series):
    fig, data, _ = timelines.platform_shares_over_time(
        inputs.platform_series_input(platform_series), words=WORDS
    )
    ax = fig.axes[0]
    labels = [t.get_text().replace("\n", " ") for t in ax.texts]
    assert sorted(labels) == ["Facebook-owned / Meta", "Snapchat", "WhatsApp"]
    owner = data[(data["platform_group"] == "facebook_owned") & data["available"]]
    assert list(owner["name_as_printed"]) == ["Facebook-owned", "Meta"]
    words = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "Facebook-owned (2020/21), Meta (2021/22)" in words
    assert "England and Wales (UK from 2021/22)" in words
    assert WORDS.source_published in words


def test_the_title_names_the_largest_share_of_the_latest_year(platform_series):
    fig, _, _ = timelines.platform_shares_over_time(
        inputs.platform_series_input(platform_series), words=WORDS
    )
    title = fig.texts[0].get_text().replace("\n", " ")
    assert title == "Snapchat had the largest published share in 2023/24: 48%"
    changed = platform_series.copy()
    changed.loc[changed["name_as_printed"] == "WhatsApp", "value"] = 60.0
    fig, _, _ = timelines.platform_shares_over_time(
        inputs.platform_series_input(changed), words=WORDS
    )
    assert fig.texts[0].get_text().replace("\n", " ").startswith("WhatsApp had the largest")
    # A share read from words keeps their sense in the title ("over a quarter": over 25%).
    earlier = platform_series[platform_series["period_start"] < "2021"]
    fig, _, _ = timelines.platform_shares_over_time(
        inputs.platform_series_input(earlier), words=WORDS
    )
    title = fig.texts[0].get_text().replace("\n", " ")
    assert title == "Facebook-owned had the largest published share in 2020/21: almost 50%"


def test_overlapping_points_of_one_year_are_drawn_apart(platform_series):
    tied = platform_series.copy()
    tied.loc[tied["name_as_printed"] == "WhatsApp", "value"] = 48.0
    fig, _, _ = timelines.platform_shares_over_time(inputs.platform_series_input(tied), words=WORDS)
    xs = [
        float(x) for points in fig.axes[0].collections for x, y in points.get_offsets() if y == 48.0
    ]
    assert len(xs) == 2 and abs(xs[0] - xs[1]) == pytest.approx(timelines.DODGE)


# --- Figure 4 and the files -------------------------------------------------------------------


def test_the_national_chart_draws_national_rows_only():
    series = pd.DataFrame(
        {
            "period_label": ["2020/21", "2020/21", "2021/22"],
            "period_start": ["2020-04-01", "2020-04-01", "2021-04-01"],
            "period_end": ["2021-03-31", "2021-03-31", "2022-03-31"],
            "geography": ["national", "force", "national"],
            "area": ["England and Wales", "dorset", "UK"],
            "annual": [True, True, True],
            "offences": [5000.0, 90.0, 6000.0],
            "forces_responding": [42, np.nan, 41],
            "forces_note": ["", "", ""],
        }
    )
    data = inputs.series_input(series)
    assert list(data["area"]) == ["England and Wales", "UK"]
    _, drawn, alt = charts.series(data, words=WORDS)
    assert list(drawn["offences"]) == [5000.0, 6000.0]
    assert "90" not in alt


def test_a_national_year_printed_blank_is_a_gap():
    series = pd.DataFrame(
        {
            "period_label": ["2020/21", "2021/22", "2022/23"],
            "period_start": ["2020-04-01", "2021-04-01", "2022-04-01"],
            "start_year": [2020, 2021, 2022],
            "area": "Mercia",
            "offences": [5000.0, np.nan, 6000.0],
            "forces_responding": [42, 41, 40],
            "forces_note": ["", "", ""],
            "source_table": "tables/series.csv",
            "source_row": [2, 3, 4],
        }
    )
    fig, data, alt = charts.series(series, words=WORDS)
    assert list(data["available"]) == [True, False, True]
    assert "2021/22: not available" in alt
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert NOT_AVAILABLE in texts and "41 forces" not in texts


def test_discard_figure_removes_only_that_figure_s_files(tmp_path):
    for name in (
        "7-x.svg",
        "7-x.png",
        "7-x-print.png",
        "7-x.pdf",
        "7-x.csv",
        "7-x.txt",
        "6-x-y.svg",
    ):
        (tmp_path / name).write_text("x")
    # Whatever number the chart had in an earlier build, its files go; another chart's stay.
    removed = run.discard_figure(tmp_path / "3-x")
    assert [p.name for p in removed] == sorted(
        ["7-x-print.png", "7-x.csv", "7-x.pdf", "7-x.png", "7-x.svg", "7-x.txt"]
    )
    assert [p.name for p in tmp_path.iterdir()] == ["6-x-y.svg"]
    assert run.discard_figure(tmp_path / "7-x") == []


def test_figures_are_numbered_in_the_order_they_are_saved(tmp_path):
    saved = []
    for name in ("a", "b"):
        stem = run.figure_stem(tmp_path, saved, name)
        fig, ax = plt.subplots()
        saved += run.save_figure(fig, stem, pd.DataFrame({"v": [1]}), name)
        plt.close(fig)
    assert sorted({p.stem.replace("-print", "") for p in saved}) == ["1-a", "2-b"]
    # Saved under a new number, a chart leaves no file of its old one.
    fig, ax = plt.subplots()
    run.save_figure(fig, run.figure_stem(tmp_path, [], "b"), pd.DataFrame({"v": [1]}), "b")
    plt.close(fig)
    assert not list(tmp_path.glob("2-b*")) and (tmp_path / "1-b.svg").is_file()


def test_one_area_with_every_year_blank_is_all_gaps():
    table = by_area_table()
    table = table[table["area"] == "dorset"].copy()
    table["offences"] = ""
    fig, data, alt = timelines.series_by_area(
        inputs.series_by_area_input(as_read(table)), words=WORDS
    )
    assert len(fig.axes) == 1
    assert not data["available"].any()
    assert set(data["status"]) == {timelines.BLANK}
    assert alt.count("not available (printed blank)") == 4
    words = " ".join(t.get_text() for t in fig.texts).replace("\n", " ")
    assert "No area has two years of published figures" in words


def test_an_empty_platform_table_gives_no_rows():
    header = PLATFORMS.splitlines()[0] + "\n"
    assert inputs.platform_series_input(pd.read_csv(io.StringIO(header))).empty
