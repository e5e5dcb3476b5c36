"""Tests for src/stats.py on small synthetic tables of the shape of instances.csv, and on the
published figures file where a function is about the published figures themselves."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from src.errors import InputError
from src.findings import stats
from src.helpers import RAW

WAVE = "2019-10_2020-09"
OWNED = ("facebook_messenger", "instagram", "whatsapp")


def rows(spec):
    """instances.csv rows from (force, platform, count or (lower, upper)) triples."""
    out = []
    for i, (force, platform, value) in enumerate(spec):
        withheld = isinstance(value, tuple)
        low, high = value if withheld else (value, value)
        out.append(
            {
                "wave": WAVE,
                "force": force,
                "period_start": "2019-10-01",
                "period_end": "2020-03-31",
                "half": "H1",
                "offence_group": "online_sexual",
                "raw_label": platform,
                "platform": platform,
                "count": "" if withheld else str(value),
                "lower": str(low),
                "upper": str(high),
                "withheld": str(withheld),
                "source_file": f"{force}/return.csv",
                "source_place": f"row {i + 2}",
            }
        )
    return pd.DataFrame(out)


@pytest.fixture
def small():
    return rows(
        [
            ("a", "instagram", 30),
            ("a", "facebook_messenger", 10),
            ("a", "whatsapp", (1, 4)),
            ("a", "snapchat", 40),
            ("a", "unknown", 20),
            ("b", "instagram", 5),
            ("b", "whatsapp", 5),
            ("b", "snapchat", (1, 4)),
            ("b", "unknown", 10),
        ]
    )


def grouped(instances, treatment="midpoint", owned=OWNED):
    treated = stats.apply_withheld(instances, treatment)
    return stats.force_groups(treated, owned)


# --- Treatment and selection ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("treatment", "expected"),
    [("minimum", 1.0), ("midpoint", 2.5), ("maximum", 4.0), ("min", 1.0), ("MAX", 4.0)],
)
def test_withheld_cell_takes_the_treatment(small, treatment, expected):
    treated = stats.apply_withheld(small, treatment)
    cell = treated[(treated["force"] == "a") & (treated["platform"] == "whatsapp")].iloc[0]
    assert cell["value"] == expected
    assert (cell["value_min"], cell["value_max"]) == (1.0, 4.0)
    exact = treated[~treated["withheld"]]
    assert (exact["value"] == exact["value_min"]).all()
    assert (exact["value"] == exact["value_max"]).all()


def test_unknown_treatment_is_a_parameter_error(small):
    with pytest.raises(InputError, match="withheld_treatment"):
        stats.apply_withheld(small, "median")


def test_withheld_row_without_bounds_is_an_input_error(small):
    broken = small.copy()
    broken.loc[2, "upper"] = ""
    with pytest.raises(InputError, match="row 4"):
        stats.apply_withheld(broken)


def test_select_drops_excluded_forces_and_other_groups(small):
    mixed = pd.concat([small, small.assign(offence_group="indecent_images")], ignore_index=True)
    kept = stats.select_instances(mixed, WAVE, ["indecent_images"], ["b"])
    assert set(kept["force"]) == {"a"}
    assert set(kept["offence_group"]) == {"indecent_images"}


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"offence_groups": ["images"]}, "offence_groups"),
        ({"offence_groups": ["online_sexual"], "exclude_forces": ["zz"]}, "exclude_forces"),
        ({"offence_groups": ["online_sexual"], "wave": "2020-10_2021-09"}, "wave"),
    ],
)
def test_selection_typos_stop_the_run(small, kwargs, key):
    args = {"wave": WAVE, "exclude_forces": [], **kwargs}
    with pytest.raises(InputError, match=key):
        stats.select_instances(small, args["wave"], args["offence_groups"], args["exclude_forces"])


# --- Ownership ------------------------------------------------------------------------------

OWNERSHIP = pd.DataFrame(
    {
        "platform": ["facebook_messenger", "facebook_messenger", "instagram", "whatsapp"],
        "owner": ["facebook_inc", "meta", "facebook_inc", "facebook_inc"],
        "owner_name": ["Facebook", "Meta", "Facebook", "Facebook"],
        "owned_from": ["2004-02-04", "2021-10-28", "2012-09-06", "2014-10-06"],
        "owned_to": ["2021-10-27", "", "", "2021-10-27"],
    }
)


def test_owner_group_follows_the_date():
    assert stats.owner_group(OWNERSHIP, "2013-01-01").platforms == (
        "facebook_messenger",
        "instagram",
    )
    assert stats.owner_group(OWNERSHIP, "2020-09-30").platforms == OWNED


def test_owner_group_follows_a_renamed_owner():
    group = stats.owner_group(OWNERSHIP, "2022-01-01")
    assert group.owner == "meta"
    assert group.platforms == ("facebook_messenger",)


def test_no_owner_on_the_day_is_an_input_error():
    with pytest.raises(InputError, match="no owner"):
        stats.owner_group(OWNERSHIP, "2000-01-01")


def test_as_of_defaults_to_the_wave_end_and_checks_dates():
    assert stats.as_of_date(None, "2020-09-30") == "2020-09-30"
    assert stats.as_of_date("2013-05-01", "2020-09-30") == "2013-05-01"
    with pytest.raises(InputError, match="owner_as_of"):
        stats.as_of_date("last year", "2020-09-30")


# --- Groups and shares ----------------------------------------------------------------------


def test_groups_add_up(small):
    tot = stats.totals(grouped(small))["value"]
    assert tot["all_known"] == 30 + 10 + 2.5 + 40 + 5 + 5 + 2.5
    assert tot["facebook_owned"] == tot["instagram"] + tot["facebook_messenger"] + tot["whatsapp"]
    assert tot["other"] == tot["all_known"] - tot["facebook_owned"]
    assert tot["facebook_column"] == tot["facebook_messenger"] + tot["whatsapp"]
    assert tot["unknown"] == 30


def test_platforms_not_owned_on_the_day_count_as_other(small):
    tot = stats.totals(grouped(small, owned=("facebook_messenger", "instagram")))["value"]
    assert tot["facebook_owned"] == tot["instagram"] + tot["facebook_messenger"]
    assert tot["other"] == tot["all_known"] - tot["facebook_owned"]


def test_a_force_with_no_rows_still_appears(small):
    treated = stats.apply_withheld(small)
    groups = stats.force_groups(treated, OWNED, forces=["a", "b", "c"])
    assert stats.wide(groups).loc["c"].sum() == 0


def _brute_force_share(instances, group, denominator):
    """Every corner of the withheld ranges: the smallest and largest share."""
    withheld = instances.index[instances["withheld"].eq("True")]
    values = []
    for corner in itertools.product(("lower", "upper"), repeat=len(withheld)):
        filled = instances.copy()
        for i, end in zip(withheld, corner, strict=True):
            filled.loc[i, ["count", "lower", "upper"]] = filled.loc[i, end]
            filled.loc[i, "withheld"] = "False"
        tot = stats.totals(grouped(filled))["value"]
        values.append(tot[group] / tot[denominator])
    return min(values), max(values)


@pytest.mark.parametrize(("group", "denominator"), stats.HEADLINE_SHARES)
def test_share_extremes_match_every_corner(small, group, denominator):
    item = stats.share(stats.totals(grouped(small)), group, denominator)
    low, high = _brute_force_share(small, group, denominator)
    assert item.lowest == pytest.approx(low)
    assert item.highest == pytest.approx(high)
    assert item.lowest <= item.value <= item.highest


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["instagram", "whatsapp", "snapchat", "unknown"]),
            st.one_of(st.integers(0, 60), st.sampled_from([(1, 4), (0, 4), (1, 9)])),
        ),
        min_size=2,
        max_size=7,
    )
)
def test_share_extremes_bound_every_corner(spec):
    instances = rows(spec)
    tot = stats.totals(grouped(instances))
    if tot.loc["all_known", "value_min"] == 0:
        return
    item = stats.share(tot, "instagram", "all_known")
    # Every corner, by plain arithmetic on the cells.
    ranges = [v if isinstance(v, tuple) else (v, v) for _, _, v in spec]
    is_instagram = np.array([p == "instagram" for _, p, _ in spec])
    known = np.array([p != "unknown" for _, p, _ in spec])
    shares = []
    for corner in itertools.product(*ranges):
        values = np.array(corner, dtype=float)
        shares.append(values[is_instagram].sum() / values[known].sum())
    low, high = min(shares), max(shares)
    assert item.lowest == pytest.approx(low)
    assert item.highest == pytest.approx(high)


def test_manski_bounds():
    tot = pd.DataFrame(
        {"value": [80.0, 40.0, 20.0]}, index=["all_known", "facebook_owned", "unknown"]
    )
    assert stats.manski_bounds(tot, "facebook_owned", "all_known") == (40 / 100, 60 / 100)


# --- Intervals ------------------------------------------------------------------------------


def _forces(shares, sizes):
    spec = []
    for i, (p, n) in enumerate(zip(shares, sizes, strict=True)):
        fb = round(p * n)
        spec += [(f"f{i:02d}", "instagram", fb), (f"f{i:02d}", "snapchat", n - fb)]
    return grouped(rows(spec))


def test_bootstrap_is_reproducible_and_wider_than_wilson_when_forces_differ():
    rng = np.random.default_rng(1)
    groups = _forces(rng.beta(5, 5, 30), rng.integers(50, 400, 30))
    first = stats.uncertainty(groups, n_resamples=500)
    second = stats.uncertainty(groups, n_resamples=500)
    pd.testing.assert_frame_equal(first, second)
    row = first[first["group"] == "instagram"].iloc[0]
    assert row["bootstrap_low"] < row["share"] < row["bootstrap_high"]
    assert row["wilson_low"] < row["share"] < row["wilson_high"]
    width = row["bootstrap_high"] - row["bootstrap_low"]
    assert width > 2 * (row["wilson_high"] - row["wilson_low"])


def test_bootstrap_falls_back_quietly_when_every_force_is_alike(recwarn):
    y = np.array([10.0, 20.0, 30.0, 40.0])
    low, high, method = stats.cluster_bootstrap(y, 2 * y, n_resamples=200)
    assert (low, high) == pytest.approx((0.5, 0.5))
    assert method == "percentile"
    assert not recwarn.list


def test_bootstrap_needs_two_forces():
    low, high, method = stats.cluster_bootstrap(np.array([3.0]), np.array([9.0]))
    assert math.isnan(low) and math.isnan(high) and "fewer than two" in method


def test_leave_one_out_recomputes_without_each_force(small):
    groups = grouped(small)
    loo = stats.leave_one_out(groups)
    table = stats.wide(groups)
    row = loo[(loo["force"] == "a") & (loo["group"] == "instagram")].iloc[0]
    b = table.loc["b"]
    assert row["share_without"] == pytest.approx(b["instagram"] / b["all_known"])
    whole = table.sum()
    assert row["change"] == pytest.approx(
        row["share_without"] - whole["instagram"] / whole["all_known"]
    )


def test_leave_one_out_can_use_published_counts(small):
    groups = grouped(small)
    table = stats.wide(groups).round(-1)
    whole = stats.wide(groups).sum()
    loo = stats.leave_one_out(table=table, whole=whole)
    row = loo[(loo["force"] == "b") & (loo["group"] == "instagram")].iloc[0]
    expected = (whole["instagram"] - table.loc["b", "instagram"]) / (
        whole["all_known"] - table.loc["b", "all_known"]
    )
    assert row["share_without"] == pytest.approx(expected)


# --- Published statements -------------------------------------------------------------------


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
    assert stats.statement_holds(comparison, computed, published, precision, unit) is expected


def test_missing_value_neither_holds_nor_fails():
    assert stats.statement_holds("exact", math.nan, 1.0) is None


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
    assert stats.holds_over_range(comparison, low, high, published, 0, "percent") == expected


def test_note_says_when_only_truncation_fits():
    note = stats.statement_note("rounded", 50.82, 50, "50%", 0, "percent")
    assert "truncated rather than rounded" in note
    assert "51%" in note


@pytest.fixture(scope="module")
def published():
    df = pd.read_csv(RAW / "published" / "release_2021_03.csv", dtype=str, keep_default_na=False)
    df["value"] = df["value"].astype(float)
    return df


def test_implied_shares_use_the_published_counts(published):
    implied = stats.implied_shares(published).set_index("figure_id")
    national = published[(published["geography"] == "national") & (published["unit"] == "count")]
    exact = national[(national["comparison"] == "exact") & (national["platform_group"] != "")]
    counts = dict(zip(exact["platform_group"], exact["value"], strict=True))
    parts = sum(counts[p] for p in stats.PARTS)
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
        expected = stats.statement_holds("rounded", 100 * owned / total, fb["value"], 0, "percent")
        assert row[column] is expected


def test_south_west_share_fits_only_if_truncated(published):
    implied = stats.implied_shares(published)
    south_west = implied[
        (implied["geography"] == "region") & implied["share_of_stated_total"].notna()
    ]
    assert len(south_west) == 1
    row = south_west.iloc[0]
    printed = published.set_index("figure_id").loc[row["figure_id"], "value"]
    assert stats.round_half_up(row["share_of_stated_total"]) != printed
    assert stats.truncate(row["share_of_stated_total"]) == printed
    assert "only if truncated" in row["fits"]


def test_published_figure_about_an_unknown_area_is_an_input_error(small, published):
    bad = published.head(1).assign(geography="region", area="Atlantis")
    forces = pd.DataFrame({"force": ["a", "b"], "release_region": ["North", "North"]})
    with pytest.raises(InputError, match="Atlantis"):
        stats.compare_published(bad, grouped(small), forces, forces_with_data=2)


def test_compare_published_uses_the_area_forces(small, published):
    forces = pd.DataFrame({"force": ["a", "b"], "release_region": ["North", ""]})
    row = (
        published[published["unit"] == "percent"]
        .head(1)
        .assign(
            geography="region", area="North", platform_group="instagram", denominator="all_known"
        )
    )
    result = stats.compare_published(row, grouped(small), forces, forces_with_data=2).iloc[0]
    a = stats.wide(grouped(small)).loc["a"]
    assert result["computed"] == pytest.approx(100 * a["instagram"] / a["all_known"])
    assert result["forces_in_build"] == 1
