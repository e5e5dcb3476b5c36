"""Tests for src/figures/inputs.py: the rows each chart draws, which bars are the owner's (from
the data, never from display names), and the table and row each figure's data came from.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
from figure_tables import WORDS

from src import sdc
from src.errors import InputError
from src.figures import charts, inputs, run, shares
from src.helpers import ROOT

#: uncertainty.csv, in an order unlike the chart's, with the one row of another denominator.
UNCERTAINTY = """\
share_of,group,denominator,count,total,share,wilson_low,wilson_high,bootstrap_low,bootstrap_high,in_owner_group
other apps and platforms,other,all_known,4439.0,9422.0,47.11,46.11,48.12,43.2,50.8,False
WhatsApp (of Facebook-owned apps),whatsapp,facebook_owned,583.5,4983.0,11.71,10.85,12.63,9.94,15.59,True
Instagram,instagram,all_known,3205.5,9422.0,34.02,33.07,34.98,29.49,38.99,True
Facebook-owned apps,facebook_owned,all_known,4983.0,9422.0,52.89,51.88,53.89,49.2,56.8,True
WhatsApp,whatsapp,all_known,583.5,9422.0,6.19,5.72,6.7,5.11,8.19,True
Facebook or Messenger,facebook_messenger,all_known,1194.0,9422.0,12.67,12.02,13.36,9.62,16.09,True
"""

#: composition.csv: the parts stacked in figure 1's columns (the last in neither).
COMPOSITION = """\
part,label,column,is_platform,count,share,forces_counted,forces_with_data
instagram,Instagram,facebook_owned,True,3205.5,34.02,3,3
facebook_messenger,Facebook or Messenger,facebook_owned,True,1194.0,12.67,3,3
whatsapp,WhatsApp,facebook_owned,True,583.5,6.19,3,3
other,other apps and platforms,other,False,4156.0,44.11,3,3
not_itemised,Not itemised by the return,other,False,283.0,3.0,3,3
withheld_remainder,"Withheld cells, not attributed to a platform",,False,1.0,0.01,3,3
"""

#: force_shares.csv: a force whose share would give away a small count has none.
FORCE_SHARES = """\
force,force_name,known,share,share_lowest,share_highest
dorset,Dorset Police,50,41.2,36.0,44.5
avon-and-somerset,Avon and Somerset Constabulary,420,54.8,54.8,54.8
cheshire,Cheshire Constabulary,20,,,
bedfordshire,Bedfordshire Police,155,45.2,43.0,47.1
"""

REGIONAL = """\
geography,area,platform_group,unit,computed,published,as_published,holds,holds_if_truncated,verdict,published_counts_share,published_counts_fit,flag
region,North West,all_known,count,1991.0,1993.0,"1,993",False,,does not hold,,,V
region,North West,facebook_owned,percent,52.18,52.0,52%,True,True,holds,,the published counts do not give this share,V
force,dorset,facebook_owned,percent,51.0,50.0,50%,False,False,does not hold,,,V
region,South West,facebook_owned,percent,51.2,50.0,50%,False,False,does not hold,50.82,fits only if truncated,V
region,East of England,facebook_owned,percent,48.11,48.0,48%,True,True,holds,,the published counts do not give this share,V
"""

SERIES = """\
period_label,period_start,period_end,area,annual,offences,forces_responding,forces_note,flag
2020/21,2020-04-01,2021-03-31,Mercia,True,5441.0,42,,V
2017/18,2017-04-01,2018-03-31,Mercia,True,3171.0,,44 forces asked,U
April to June 2020,2020-04-01,2020-06-30,Mercia,False,1220.0,38,,V
year to April 2019,2018-04-01,2019-03-31,Mercia,True,4373.0,43,,V
"""

WHATSAPP = """\
measure,share,low,high,flag,source
Share of police-recorded instances on Facebook-owned apps,11.71,9.94,15.59,,police returns
Share of Facebook's child-abuse tip-offs to the NCA (previous year),1.3,,,U,press release
"""

BUILD = """\
key,value
place,"England, Wales and the Channel Islands"
period,October 2019 to September 2020
offence_groups,online child sexual offences
owned_platforms,"facebook_messenger, instagram, whatsapp"
forces_with_data,3
simulated,True
badge,"1 of 3 forces' returns are real, 2 simulated"
like_for_like,True
"""

TEXTS = {
    "uncertainty": UNCERTAINTY,
    "composition": COMPOSITION,
    "force_shares": FORCE_SHARES,
    "regional": REGIONAL,
    "series": SERIES,
    "whatsapp": WHATSAPP,
    "build": BUILD,
}


@pytest.fixture
def tables(tmp_path):
    for name, text in TEXTS.items():
        (tmp_path / f"{name}.csv").write_text(text)
    return run.read_tables(tmp_path)


def line(name: str, number: int) -> dict[str, str]:
    """Row ``number`` of the table ``name`` as a spreadsheet shows it (the header is row 1)."""
    rows = list(csv.reader(io.StringIO(TEXTS[name])))
    return dict(zip(rows[0], rows[number - 1], strict=True))


def figures(tables) -> dict[str, pd.DataFrame]:
    """The data file of each figure, drawn from ``tables`` the way the notebook draws it."""
    sub = "A subtitle"
    badge = inputs.badge(inputs.build_info(tables))
    drawn = {
        "shares": shares.platform_shares(
            inputs.shares_input(tables["uncertainty"], tables["composition"]),
            sub,
            badge,
            words=WORDS,
        ),
        "funnel": charts.funnel(
            inputs.funnel_input(tables["force_shares"]), 0.5, sub, badge, words=WORDS
        ),
        "regions": charts.regions(
            inputs.regions_input(tables["regional"], "facebook_owned"), sub, badge, words=WORDS
        ),
        "series": charts.series(inputs.series_input(tables["series"]), words=WORDS),
        "whatsapp": charts.whatsapp(
            inputs.whatsapp_input(tables["whatsapp"]), sub, badge, words=WORDS
        ),
    }
    return {figure: data for figure, (_, data, _) in drawn.items()}


def test_every_figure_s_data_ends_with_the_table_and_row_it_came_from(tables):
    expected = {
        "shares": {"tables/uncertainty.csv", "tables/composition.csv"},
        "funnel": {"tables/force_shares.csv"},
        "regions": {"tables/regional.csv"},
        "series": {"tables/series.csv"},
        "whatsapp": {"tables/whatsapp.csv"},
    }
    for figure, data in figures(tables).items():
        assert list(data.columns[-2:]) == ["source_table", "source_row"], figure
        assert set(data["source_table"].dropna()) == expected[figure], figure
        # Only a year the series lacks (drawn as a gap) has no source.
        unsourced = data[data["source_table"].isna()]
        assert unsourced.empty or not unsourced["available"].any(), figure
        assert unsourced["source_row"].isna().all(), figure


def test_source_row_is_the_line_of_the_source_table_each_row_came_from(tables):
    data = figures(tables)
    # Each figure's rows are in the chart's order, not the table's, so the numbers are not
    # simply 2, 3, ...: each must point at the very row of the CSV the figure's row shows.
    # The columns' totals (uncertainty.csv), then their parts (composition.csv).
    shown = data["shares"]
    assert list(zip(shown["source_table"], shown["source_row"], strict=True)) == [
        ("tables/uncertainty.csv", 5),
        ("tables/uncertainty.csv", 2),
        *(("tables/composition.csv", n) for n in range(2, 8)),
    ]
    for _, row in shown.iterrows():
        if row["source_table"] == "tables/uncertainty.csv":
            source = line("uncertainty", row["source_row"])
            assert (source["group"], source["denominator"]) == (row["group"], "all_known")
        else:
            source = line("composition", row["source_row"])
            assert (source["part"], source["column"]) == (row["group"], row["part_of"])
        assert float(source["share"]) == row["share"]
    assert list(data["funnel"]["source_row"]) == [3, 5, 2]  # cheshire, no share: no point
    for _, row in data["funnel"].iterrows():
        source = line("force_shares", row["source_row"])
        assert source["force"] == row["force"]
        for column in ("known", "share", "share_lowest", "share_highest"):
            assert float(source[column]) == row[column]
    for _, row in data["regions"].iterrows():
        source = line("regional", row["source_row"])
        assert (source["geography"], source["area"]) == ("region", row["area"])
        assert (source["platform_group"], source["unit"]) == ("facebook_owned", "percent")
    # 2017/18, the year to April 2019, the missing 2019/20 (a gap: no source), 2020/21.
    assert list(data["series"]["source_row"].astype("object")) == [3, 5, pd.NA, 2]
    for _, row in data["series"][data["series"]["available"]].iterrows():
        source = line("series", row["source_row"])
        assert source["period_label"] == row["period_label"]
        assert int(source["period_start"][:4]) == row["start_year"]
    for _, row in data["whatsapp"].iterrows():
        assert line("whatsapp", row["source_row"])["measure"] == row["measure"]


def test_owner_group_comes_from_the_table_not_from_display_names(tables):
    composition = tables["composition"].copy()
    # Renamed display names in the tables cannot move a part out of its column ...
    composition["label"] = composition["label"].map(lambda name: f"{name} (renamed)")
    data = inputs.shares_input(tables["uncertainty"], composition)
    parts = data[data["source_table"] == "tables/composition.csv"]
    assert dict(zip(parts["group"], parts["part_of"], strict=True)) == {
        "instagram": "facebook_owned",
        "facebook_messenger": "facebook_owned",
        "whatsapp": "facebook_owned",
        "other": "other",
        "not_itemised": "other",
        "withheld_remainder": "",
    }
    assert list(parts["drawn"]) == [True] * 5 + [False]
    assert list(parts["is_platform"]) == [True, True, True, False, False, False]
    # ... and a platform the table puts in the rest's column is stacked there, whatever its name.
    composition.loc[composition["part"] == "whatsapp", "column"] = "other"
    uncertainty = tables["uncertainty"].copy()
    columns = ["share", "bootstrap_low", "bootstrap_high"]
    uncertainty.loc[uncertainty["group"] == "facebook_owned", columns] = [46.69, 43.0, 50.0]
    uncertainty.loc[uncertainty["group"] == "other", columns] = [53.3, 49.5, 57.0]
    data = inputs.shares_input(uncertainty, composition)
    assert list(data.loc[data["group"] == "whatsapp", "part_of"]) == ["other"]
    fig, drawn, _ = shares.platform_shares(data, "A subtitle", "", words=WORDS)
    part_of = dict(zip(drawn["group"], drawn["part_of"], strict=False))
    assert part_of["instagram"] == "facebook_owned"
    assert part_of["whatsapp"] == "other"
    # Drawn so: the owner's column stacks Instagram and Facebook or Messenger; WhatsApp is
    # stacked in the rest's column, before its other parts.
    ax = fig.axes[0]
    heights: dict[float, list[float]] = {}
    for bar in ax.patches:
        heights.setdefault(round(bar.get_x(), 6), []).append(round(bar.get_height(), 2))
    owner_column, rest_column = (heights[x] for x in sorted(heights))
    assert owner_column == [34.02, 12.67]
    assert rest_column == [6.19, 44.11, 3.0]


def test_series_input_places_each_period_by_the_year_it_starts(tables):
    data = inputs.series_input(tables["series"])
    assert list(data["start_year"]) == [2017, 2018, 2020]
    assert list(data.columns[-3:]) == ["start_year", "source_table", "source_row"]


def test_two_annual_periods_starting_in_one_year_are_an_input_error(tables):
    series = tables["series"].copy()
    series.loc[series["period_label"] == "April to June 2020", "annual"] = True
    with pytest.raises(InputError, match="rows 2, 4, column period_start") as raised:
        inputs.series_input(series)
    assert "two annual periods start in 2020" in str(raised.value)


def test_a_period_start_that_is_not_a_date_is_an_input_error(tables):
    series = tables["series"].copy()
    series.loc[series["period_label"] == "2017/18", "period_start"] = "April 2017"
    with pytest.raises(InputError, match="row 3, column period_start"):
        inputs.series_input(series)


def test_shares_input_needs_the_columns_it_reads(tables):
    with pytest.raises(InputError, match="column column") as raised:
        inputs.shares_input(tables["uncertainty"], tables["composition"].drop(columns="column"))
    assert raised.value.file.endswith("tables/composition.csv")
    with pytest.raises(InputError, match="column group") as raised:
        inputs.shares_input(tables["uncertainty"].drop(columns="group"), tables["composition"])
    assert raised.value.file.endswith("tables/uncertainty.csv")


def test_build_info_reads_owned_platforms_as_slugs_and_nothing_depends_on_them(tables):
    info = inputs.build_info(tables)
    assert info["owned_platforms"] == "facebook_messenger, instagram, whatsapp"
    assert inputs.badge(info) == "1 of 3 forces' returns are real, 2 simulated"
    assert inputs.variant_notes(info) == []
    assert inputs.subtitle(info, "Share").startswith("Share, 3 police forces, England")


def test_the_badge_is_blank_when_build_csv_gives_none(tables):
    info = inputs.build_info(tables)
    # every return real: the badge row is blank (read as missing), or absent from older builds
    assert inputs.badge({**info, "badge": ""}) == ""
    assert inputs.badge({k: v for k, v in info.items() if k != "badge"}) == ""
    blank = tables["build"].copy()
    blank.loc[blank["key"] == "badge", "value"] = float("nan")
    assert inputs.badge(inputs.build_info({"build": blank})) == ""


#: The figure 2 data file of every build on disk (the default, its variants, each wave's).
FUNNELS = sorted(ROOT.glob("reports/**/figures/*-forces-funnel.csv"), key=str)


@pytest.mark.parametrize(
    "path", FUNNELS, ids=lambda p: p.parent.parent.relative_to(ROOT).as_posix()
)
def test_every_build_s_funnel_draws_each_force_within_its_range_from_the_returns(path):
    data = pd.read_csv(path)
    tables = run.read_tables(path.parent.parent / "tables")
    owner = inputs.build_info(tables)["owner_group"]
    # Shares and their ranges, never the owner group's count; known instances as the rule
    # publishes a count.
    assert {"share", "share_lowest", "share_highest"} <= set(data.columns)
    assert owner not in data.columns
    assert (data["known"] % sdc.ROUNDING_BASE == 0).all()
    assert (data["known"] > sdc.REDACTION_THRESHOLD).all()
    inside = data["share"].between(data["share_lowest"], data["share_highest"])
    assert inside.all(), data.loc[~inside, "force"].tolist()
    # Each row is its force's row of force_shares.csv, not of the table after disclosure control.
    assert set(data["source_table"]) == {"tables/force_shares.csv"}
    shares = tables["force_shares"]
    for _, row in data.iterrows():
        source = shares.iloc[row["source_row"] - 2]
        assert (source["force"], source["share"]) == (row["force"], row["share"])
    # A force with a count redacted in the per-force table is drawn at its share from the
    # returns: at 0 only where every value its withheld cells can take gives 0.
    audit = tables["forces_audit"]
    redacted = set(audit.loc[audit["reason"].isin([sdc.SMALL_COUNT, sdc.SECONDARY]), "force"])
    at_zero = data[data["force"].isin(redacted) & (data["share"] == 0)]
    assert (at_zero["share_highest"] == 0).all(), at_zero["force"].tolist()
    # The subtitle, the title and the alt text count the same forces: the rows drawn.
    svg = path.with_suffix(".svg").read_text(encoding="utf-8")
    drawn = " ".join(" ".join(re.findall(r">([^<>]+)<", svg)).split())
    n = len(data)
    assert f", {n} police forces," in drawn and f" {n} forces'" in drawn
    assert f"each of {n} forces" in path.with_suffix(".txt").read_text(encoding="utf-8")


def test_a_subtitle_counts_the_forces_it_is_given():
    info = {"forces_with_data": "9", "place": "Wessex", "period": "1066", "offence_groups": "x"}
    assert inputs.subtitle(info, "Share") == "Share, 9 police forces, Wessex, 1066; x"
    assert inputs.subtitle(info, "Share", forces=4) == "Share, 4 police forces, Wessex, 1066; x"
    assert inputs.subtitle(info, "Share", forces=False) == "Share, Wessex, 1066; x"


def test_the_funnel_s_rows_are_the_forces_with_known_instances_and_a_share():
    shares = pd.DataFrame(
        {
            "force": ["a", "b", "c", "d"],
            "force_name": ["A", "B", "C", "D"],
            "known": [20, 0, None, 30],
            "share": [50.0, None, None, 40.0],
            "share_lowest": [45.0, None, None, 35.0],
            "share_highest": [55.0, None, None, 45.0],
        }
    )
    assert list(inputs.funnel_input(shares)["force"]) == ["a", "d"]
