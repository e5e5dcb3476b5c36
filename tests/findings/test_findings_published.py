"""Tests for src/findings/published.py: the rules of each published statement, on synthetic
values, and the published figures file where a function is about the published figures
themselves."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from synthetic_instances import grouped, small_instances

from src.errors import InputError
from src.findings import published as pub
from src.findings import shares
from src.helpers import RAW


@pytest.fixture
def small():
    return small_instances()


@pytest.mark.parametrize(
    ("comparison", "computed", "published", "precision", "unit", "expected"),
    [
        ("rounded", 52.5, 53, 0, "percent", True),  # half up, not to even
        ("rounded", 52.49, 52, 0, "percent", True),
        ("rounded", 50.82, 50, 0, "percent", False),
        ("rounded", 12.65, 12.7, 1, "percent", True),
        ("exact", 3212, 3212, None, "count", True),
        ("exact", 3211.5, 3212, None, "count", False),
        ("more_than", 34.04, 100 / 3, None, "percent", True),
        ("more_than", 33.2, 100 / 3, None, "percent", False),
        ("approx_one_in", 10.2, 10, None, "percent", True),
        ("approx_one_in", 11.43, 10, None, "percent", False),  # nearer one in 9
    ],
)
def test_statement_rules(comparison, computed, published, precision, unit, expected):
    assert pub.statement_holds(comparison, computed, published, precision, unit) is expected


def test_missing_value_neither_holds_nor_fails():
    assert pub.statement_holds("exact", math.nan, 1.0) is None


@pytest.mark.parametrize(
    ("comparison", "low", "high", "published", "expected"),
    [
        ("rounded", 51.6, 52.4, 52, "throughout"),
        ("rounded", 51.0, 52.4, 52, "in part"),
        ("rounded", 52.5, 53.0, 52, "no"),  # 52.5 rounds up
        ("exact", 3180, 3231, 3212, "in part"),
        ("exact", 3212, 3212, 3212, "throughout"),
        ("more_than", 33.5, 36, 100 / 3, "throughout"),
        ("more_than", 32, 36, 100 / 3, "in part"),
    ],
)
def test_statement_over_a_range(comparison, low, high, published, expected):
    assert pub.holds_over_range(comparison, low, high, published, 0, "percent") == expected


def test_note_says_when_only_truncation_fits():
    note = pub.statement_note("rounded", 50.82, 50, "50%", 0, "percent")
    assert "truncated rather than rounded" in note
    assert "51%" in note


@pytest.fixture(scope="module")
def published():
    df = pd.read_csv(RAW / "published" / "release_2021_03.csv", dtype=str, keep_default_na=False)
    df["value"] = df["value"].astype(float)
    return df


def test_implied_shares_use_the_published_counts(published):
    implied = pub.implied_shares(published).set_index("figure_id")
    national = published[(published["geography"] == "national") & (published["unit"] == "count")]
    exact = national[(national["comparison"] == "exact") & (national["platform_group"] != "")]
    counts = dict(zip(exact["platform_group"], exact["value"], strict=True))
    parts = sum(counts[p] for p in pub.PARTS)
    owned = counts["instagram"] + counts["facebook_messenger"] + counts["whatsapp"]
    row = implied.loc["national_facebook_owned_share"]
    assert row["share_of_stated_total"] == pytest.approx(100 * owned / counts["all_known"])
    assert row["share_of_sum_of_parts"] == pytest.approx(100 * owned / parts)
    assert row["stated_total"] != row["sum_of_parts"]
    # The verdict follows the rule applied to each total.
    fb = published.set_index("figure_id").loc["national_facebook_owned_share"]
    for column, total in (
        ("holds_with_stated_total", counts["all_known"]),
        ("holds_with_sum_of_parts", parts),
    ):
        expected = pub.statement_holds("rounded", 100 * owned / total, fb["value"], 0, "percent")
        assert row[column] is expected


def test_south_west_share_fits_only_if_truncated(published):
    implied = pub.implied_shares(published)
    south_west = implied[
        (implied["geography"] == "region") & implied["share_of_stated_total"].notna()
    ]
    assert len(south_west) == 1
    row = south_west.iloc[0]
    printed = published.set_index("figure_id").loc[row["figure_id"], "value"]
    assert pub.round_half_up(row["share_of_stated_total"]) != printed
    assert pub.truncate(row["share_of_stated_total"]) == printed
    assert "only if truncated" in row["fits"]


def test_published_figure_about_an_unknown_area_is_an_input_error(small, published):
    bad = published.head(1).assign(geography="region", area="Atlantis")
    forces = pd.DataFrame({"force": ["a", "b"], "release_region": ["North", "North"]})
    with pytest.raises(InputError, match="Atlantis"):
        pub.compare_published(bad, grouped(small), forces, forces_with_data=2)


def test_compare_published_uses_the_area_forces(small, published):
    forces = pd.DataFrame({"force": ["a", "b"], "release_region": ["North", ""]})
    row = (
        published[published["unit"] == "percent"]
        .head(1)
        .assign(
            geography="region", area="North", platform_group="instagram", denominator="all_known"
        )
    )
    result = pub.compare_published(row, grouped(small), forces, forces_with_data=2).iloc[0]
    a = shares.wide(grouped(small)).loc["a"]
    assert result["computed"] == pytest.approx(100 * a["instagram"] / a["all_known"])
    assert result["forces_in_build"] == 1
