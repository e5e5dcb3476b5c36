"""The charity's published series as transcribed: every row's geography and area, and the
platform shares each year's release printed, with their wording, flags and sources."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from src.data.manifest import read_manifest
from src.helpers import RAW, REFERENCE

PUBLISHED = RAW / "published"


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    return read(PUBLISHED / "sexual_communication_series.csv")


@pytest.fixture(scope="module")
def platforms() -> pd.DataFrame:
    return read(PUBLISHED / "sexual_communication_platforms.csv")


@pytest.fixture(scope="module")
def forces() -> pd.DataFrame:
    return read(REFERENCE / "forces.csv")


def test_every_series_row_names_its_geography_and_area(series, forces):
    assert set(series["geography"]) <= {"national", "region", "force"}
    assert (series["area"] != "").all()
    force_rows = series[series["geography"] == "force"]
    assert set(force_rows["area"]) <= set(forces["force"])
    # Every row now published is national: England and Wales, or the UK where the row says so.
    assert set(series["geography"]) == {"national"}
    says_uk = series["forces_note"].str.contains("UK")
    assert set(series.loc[says_uk, "area"]) == {"UK"}
    assert set(series.loc[~says_uk, "area"]) == {"England and Wales"}


def test_platform_rows_name_geography_area_and_a_source_of_the_series(platforms, series):
    assert set(platforms["geography"]) == {"national"}
    assert set(platforms["flag"]) <= {"V", "U"}
    assert set(platforms["unit"]) == {"percent"}
    assert set(platforms["comparison"]) <= {"rounded", "about", "almost", "over"}
    pd.to_numeric(platforms["value"], errors="raise")
    # Each share comes from one of the releases of the series, with its source and area.
    sources = set(zip(series["source_title"], series["source_url"], series["area"], strict=True))
    rows = zip(platforms["source_title"], platforms["source_url"], platforms["area"], strict=True)
    assert set(rows) <= sources


def test_shares_printed_in_words_keep_the_words_and_are_flagged_uncertain(platforms):
    words = ~platforms["as_published"].str.contains(r"\d")
    assert words.sum() >= 3  # "almost half", "over a quarter", "~a fifth each"
    assert set(platforms.loc[words, "flag"]) == {"U"}
    approximate = platforms["comparison"].isin(["about", "almost"])
    assert set(platforms.loc[approximate, "flag"]) == {"U"}
    by_words = dict(zip(platforms["as_published"], platforms["value"].astype(float), strict=False))
    assert by_words["almost half"] == 50
    assert by_words["over a quarter"] == 25
    assert by_words["~30%"] == 30


def test_the_owner_group_keeps_the_name_each_release_printed(platforms):
    owner = platforms[platforms["platform_group"] == "facebook_owned"]
    before = owner[owner["period_end"] < "2021-04-01"]
    after = owner[owner["period_start"] >= "2021-04-01"]
    assert len(before) and len(after)
    assert set(before["name_as_printed"]) == {"Facebook-owned"}
    assert set(after["name_as_printed"]) == {"Meta"}


def test_each_release_s_platform_findings_are_transcribed(platforms, series):
    """Every percentage the series file quotes in its platform findings is a platform row of
    the same period (the words as well, for the year that printed words)."""
    for _, row in series.iterrows():
        found = platforms[platforms["source_title"] == row["source_title"]]
        printed = set(re.findall(r"(\d+)%", row["platform_findings"]))
        assert printed <= {v.removesuffix(".0") for v in found["value"]}, row["period_label"]
    year = platforms[platforms["period_label"] == "2020/21"]
    assert set(year["as_published"]) == {"almost half", "32%", "over a quarter"}


def test_printed_counts_give_the_printed_percentages(platforms):
    counted = platforms[(platforms["count"] != "") & (platforms["known"] != "")]
    assert len(counted) == 2
    for _, row in counted.iterrows():
        share = 100 * int(row["count"]) / int(row["known"])
        assert round(share) == float(row["value"]), row["platform_group"]


def test_one_share_per_platform_group_and_period(platforms):
    keys = platforms[["period_start", "period_end", "geography", "area", "platform_group"]]
    assert not keys.duplicated().any()


@pytest.mark.parametrize(
    "name", ["sexual_communication_series.csv", "sexual_communication_platforms.csv"]
)
def test_published_series_files_are_in_the_manifest_as_real_published_files(name):
    manifest = read_manifest(RAW).set_index("path")
    row = manifest.loc[f"published/{name}"]
    assert (row["content"], row["provenance"], row["format"]) == ("published", "real", "csv")
