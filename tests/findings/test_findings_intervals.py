"""Tests for src/findings/intervals.py on small synthetic tables of the shape of
instances.csv: the bounds over unknown platforms, the Wilson and bootstrap intervals, and
leave-one-out."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from synthetic_instances import grouped, rows, small_instances

from src.findings import intervals, shares


@pytest.fixture
def small():
    return small_instances()


def test_manski_bounds():
    tot = pd.DataFrame(
        {"value": [80.0, 40.0, 20.0]}, index=["all_known", "facebook_owned", "unknown"]
    )
    assert intervals.manski_bounds(tot, "facebook_owned", "all_known") == (40 / 100, 60 / 100)


def _forces(shares, sizes):
    spec = []
    for i, (p, n) in enumerate(zip(shares, sizes, strict=True)):
        fb = round(p * n)
        spec += [(f"f{i:02d}", "instagram", fb), (f"f{i:02d}", "snapchat", n - fb)]
    return grouped(rows(spec))


def test_bootstrap_is_reproducible_and_wider_than_wilson_when_forces_differ():
    rng = np.random.default_rng(1)
    groups = _forces(rng.beta(5, 5, 30), rng.integers(50, 400, 30))
    first = intervals.uncertainty(groups, n_resamples=500)
    second = intervals.uncertainty(groups, n_resamples=500)
    pd.testing.assert_frame_equal(first, second)
    row = first[first["group"] == "instagram"].iloc[0]
    assert row["bootstrap_low"] < row["share"] < row["bootstrap_high"]
    assert row["wilson_low"] < row["share"] < row["wilson_high"]
    width = row["bootstrap_high"] - row["bootstrap_low"]
    assert width > 2 * (row["wilson_high"] - row["wilson_low"])


def test_bootstrap_falls_back_to_percentile_and_says_why_when_every_force_is_alike(recwarn):
    y = np.array([10.0, 20.0, 30.0, 40.0])
    boot = intervals.cluster_bootstrap(y, 2 * y, n_resamples=200, replications=3)
    assert (boot.low, boot.high) == pytest.approx((0.5, 0.5))
    assert boot.method == "percentile"
    assert boot.fallback.startswith("BCa not used: ")
    assert len(boot.fallback) > len("BCa not used: ")  # the reason scipy gave, in words
    assert (boot.mc_error_low, boot.mc_error_high) == pytest.approx((0.0, 0.0))
    assert not recwarn.list


def test_bootstrap_that_uses_bca_records_no_fallback():
    rng = np.random.default_rng(4)
    n = rng.integers(50, 400, 30).astype(float)
    boot = intervals.cluster_bootstrap(np.round(n * rng.beta(5, 5, 30)), n, n_resamples=500)
    assert (boot.method, boot.fallback) == ("BCa", "")


def test_bootstrap_needs_two_forces():
    boot = intervals.cluster_bootstrap(np.array([3.0]), np.array([9.0]))
    assert math.isnan(boot.low) and math.isnan(boot.high) and "fewer than two" in boot.method


def test_monte_carlo_error_of_the_endpoints_falls_with_more_resamples():
    # The spread of an endpoint over runs with other seeds: about 1 / sqrt(resamples), so 16
    # times the resamples give about a quarter of the error.
    rng = np.random.default_rng(5)
    n = rng.integers(50, 400, 30).astype(float)
    y = np.round(n * rng.beta(5, 5, 30))
    few = intervals.cluster_bootstrap(y, n, n_resamples=250, replications=12)
    many = intervals.cluster_bootstrap(y, n, n_resamples=4000, replications=12)
    assert few.replications == many.replications == 12
    assert 0 < many.mc_error < few.mc_error / 2
    assert many.mc_error == max(many.mc_error_low, many.mc_error_high)
    # the first run is the one seeded with the seed: the same with or without replications
    alone = intervals.cluster_bootstrap(y, n, n_resamples=4000, replications=0)
    assert (alone.low, alone.high) == (many.low, many.high)
    assert math.isnan(alone.mc_error) and alone.replications == 0


def test_places_are_those_the_monte_carlo_error_supports():
    # Half a unit of the last place: 0.005 points for two places, 0.05 for one, 0.5 for none.
    assert intervals.supported_places(0.004) == 2
    assert intervals.supported_places(0.005) == 2
    assert intervals.supported_places(0.006) == 1
    assert intervals.supported_places(0.05) == 1
    assert intervals.supported_places(0.12) == 0
    assert intervals.supported_places(3.0) == 0
    assert intervals.supported_places(math.nan) == 2


def test_wilson_interval_against_newcombe_1998():
    # Newcombe, "Two-sided confidence intervals for the single proportion: comparison of seven
    # methods", Statistics in Medicine 17 (1998) 857-872, table II, method 3 (score interval
    # without continuity correction), 95%: 81/263 -> 0.2553 to 0.3662, 15/148 -> 0.0624 to
    # 0.1605, 0/20 -> 0 to 0.1611, 1/29 -> 0.0061 to 0.1718.
    for (count, total), expected in {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 20): (0.0, 0.1611),
        (1, 29): (0.0061, 0.1718),
    }.items():
        low, high = intervals.wilson_interval(count, total)
        assert (round(low, 4), round(high, 4)) == expected


def test_design_effect_of_three_forces_worked_by_hand():
    # y = 10, 30, 20 of n = 50, 50, 100: r = 60 / 200 = 0.3; y - r n = -5, 15, -10, whose
    # squares sum to 25 + 225 + 100 = 350. Design effect
    # k / (k - 1) * 350 / (N r (1 - r)) = 1.5 * 350 / (200 * 0.3 * 0.7) = 525 / 42 = 12.5.
    y, n = np.array([10.0, 30.0, 20.0]), np.array([50.0, 50.0, 100.0])
    assert intervals.design_effect(y, n) == pytest.approx(12.5)
    # Forces with the same share: no variation between them beyond the binomial, none at all.
    assert intervals.design_effect(np.array([15.0, 30.0]), np.array([50.0, 100.0])) == 0.0
    assert math.isnan(intervals.design_effect(np.array([3.0]), np.array([9.0])))


def test_uncertainty_gives_the_design_effect_and_the_bootstrap_s_precision():
    rng = np.random.default_rng(1)
    groups = _forces(rng.beta(5, 5, 30), rng.integers(50, 400, 30))
    unc = intervals.uncertainty(groups, n_resamples=300, replications=5)
    row = unc[unc["group"] == "instagram"].iloc[0]
    table = shares.wide(groups)
    assert row["design_effect"] == pytest.approx(
        intervals.design_effect(table["instagram"].to_numpy(), table["all_known"].to_numpy())
    )
    assert row["design_effect"] > 2  # forces' shares drawn from a beta: clustered
    assert row["bootstrap_replications"] == 5 and row["bootstrap_fallback"] == ""
    assert row["bootstrap_places"] == intervals.supported_places(100 * row["bootstrap_mc_error"])


def test_uncertainty_table_rounds_the_bootstrap_to_its_places():
    from src.findings.national import uncertainty_table

    unc = pd.DataFrame(
        {
            "group": ["instagram", "whatsapp"],
            "denominator": ["all_known", "all_known"],
            "count": [10.0, 5.0],
            "total": [100.0, 100.0],
            "share": [0.1, 0.05],
            "withheld_lowest": [0.09, 0.04],
            "withheld_highest": [0.11, 0.06],
            "wilson_low": [0.055, 0.0215],
            "wilson_high": [0.174, 0.112],
            "design_effect": [14.04, 2.26],
            "bootstrap_low": [0.08345, 0.04125],
            "bootstrap_high": [0.12351, 0.06349],
            "bootstrap_mc_error": [0.0012, 0.0004],
            "bootstrap_places": [0, 1],
            "unknown_bound_low": [0.05, 0.02],
            "unknown_bound_high": [0.5, 0.4],
            "known_share": [0.6, 0.6],
        }
    )
    names = {"instagram": "Instagram", "whatsapp": "WhatsApp", "all_known": "all"}
    out = uncertainty_table(unc, ("instagram",), "facebook_owned", names)
    # 8.345 to 12.351 at no places: 8 to 12; 4.125 to 6.349 at one: 4.1 (half up) to 6.3.
    assert out["bootstrap_low"].tolist() == [8.0, 4.1]
    assert out["bootstrap_high"].tolist() == [12.0, 6.3]
    assert out["bootstrap_mc_error"].tolist() == [0.12, 0.04]  # percentage points
    assert out["design_effect"].tolist() == [14.0, 2.3]
    assert out["wilson_low"].tolist() == [5.5, 2.2]  # one decimal place, as every share


def test_leave_one_out_recomputes_without_each_force(small):
    groups = grouped(small)
    loo = intervals.leave_one_out(groups)
    table = shares.wide(groups)
    row = loo[(loo["force"] == "a") & (loo["group"] == "instagram")].iloc[0]
    b = table.loc["b"]
    assert row["share_without"] == pytest.approx(b["instagram"] / b["all_known"])
    whole = table.sum()
    assert row["change"] == pytest.approx(
        row["share_without"] - whole["instagram"] / whole["all_known"]
    )


def test_leave_one_out_can_use_published_counts(small):
    groups = grouped(small)
    table = shares.wide(groups).round(-1)
    whole = shares.wide(groups).sum()
    loo = intervals.leave_one_out(table=table, whole=whole)
    row = loo[(loo["force"] == "b") & (loo["group"] == "instagram")].iloc[0]
    expected = (whole["instagram"] - table.loc["b", "instagram"]) / (
        whole["all_known"] - table.loc["b", "all_known"]
    )
    assert row["share_without"] == pytest.approx(expected)


# --- Forces that report no count of instances whose platform was not recorded -----------------


def _three_forces():
    """Force c prints no row for instances whose platform was not recorded."""
    return grouped(
        rows(
            [
                ("a", "instagram", 30),
                ("a", "snapchat", 50),
                ("a", "unknown", 20),
                ("b", "instagram", 10),
                ("b", "snapchat", 30),
                ("b", "unknown", 60),
                ("c", "instagram", 90),
                ("c", "snapchat", 10),
            ]
        )
    )


def _fb(unc: pd.DataFrame) -> pd.Series:
    return unc[(unc["group"] == "facebook_owned") & (unc["denominator"] == "all_known")].iloc[0]


def test_unknown_bounds_are_over_the_forces_that_reported_an_unknown_count():
    fb = _fb(intervals.uncertainty(_three_forces(), n_resamples=99, unknown_reported=["a", "b"]))
    # a and b: 40 Facebook-owned of 120 known, 80 unknown, 200 in all.
    assert (fb["unknown_bound_low"], fb["unknown_bound_high"]) == (40 / 200, 120 / 200)
    assert fb["known_share"] == 120 / 200
    assert (fb["unknown_forces"], fb["unknown_not_reported"]) == (2, "c")
    assert (fb["unknown_known"], fb["unknown_instances"]) == (120, 80)
    # the share itself is still over every force: 130 of 220
    assert fb["share"] == 130 / 220


def test_unknown_bounds_are_not_available_when_no_force_reported_one():
    fb = _fb(intervals.uncertainty(_three_forces(), n_resamples=99, unknown_reported=[]))
    for column in ("unknown_bound_low", "unknown_bound_high", "known_share", "unknown_known"):
        assert math.isnan(fb[column]), column
    assert (fb["unknown_forces"], fb["unknown_not_reported"]) == (0, "a; b; c")
    assert not math.isnan(fb["share"]) and not math.isnan(fb["wilson_low"])


def test_without_the_reporting_forces_the_bounds_are_over_every_force_and_say_so():
    fb = _fb(intervals.uncertainty(_three_forces(), n_resamples=99))
    assert (fb["unknown_bound_low"], fb["unknown_bound_high"]) == (130 / 300, 210 / 300)
    assert math.isnan(fb["unknown_forces"]) and fb["unknown_not_reported"] == ""


def test_the_sentences_say_how_many_forces_reported_an_unknown_count():
    from src.findings.text import known_subset_sentence, unknown_interval_sentence

    names = {"c": "Force C"}
    groups = _three_forces()
    some = _fb(intervals.uncertainty(groups, n_resamples=99, unknown_reported=["a", "b"]))
    caveat = known_subset_sentence(some, 3, names)
    assert "2 of the 3 forces" in caveat and "Force C did not" in caveat
    assert "120 of 200 instances had a known platform (60.0%)" in caveat
    assert "would be 60.0%; were none, 20.0%" in caveat
    meaning = unknown_interval_sentence(some, 3, names)
    assert "(20.0% to 60.0%) are taken over the 2 of the 3 forces" in meaning
    assert "leave out Force C" in meaning

    none = _fb(intervals.uncertainty(groups, n_resamples=99, unknown_reported=[]))
    for text in (known_subset_sentence(none, 3, names), unknown_interval_sentence(none, 3, names)):
        assert "None of the 3 forces" in text or "none of the 3 forces" in text
        assert "not available" in text and "not a zero" in text
        assert "100.0%" not in text and "%" not in text

    every = _fb(intervals.uncertainty(groups, n_resamples=99, unknown_reported=["a", "b", "c"]))
    assert "all 3 forces having reported" in known_subset_sentence(every, 3, names)
    assert "over all 3 forces" in unknown_interval_sentence(every, 3, names)


def test_each_share_is_over_the_forces_whose_returns_itemise_it():
    # p's return gives a known total of 100 and itemises Instagram alone: what it does not
    # itemise may be on WhatsApp or any other platform, so it gives Instagram's share but
    # neither WhatsApp's nor the owner group's.
    groups = grouped(
        rows(
            [
                ("p", "instagram", 40),
                ("p", "not_itemised", 60),
                ("q", "instagram", 10),
                ("q", "whatsapp", 20),
                ("q", "snapchat", 70),
                ("r", "instagram", 30),
                ("r", "whatsapp", 10),
                ("r", "snapchat", 60),
            ]
        )
    )
    unc = intervals.uncertainty(groups, n_resamples=99).set_index(["group", "denominator"])
    instagram = unc.loc[("instagram", "all_known")]
    assert (instagram["count"], instagram["total"]) == (80, 300)
    assert (instagram["forces_counted"], instagram["forces_used"]) == (3, "p;q;r")
    whatsapp = unc.loc[("whatsapp", "all_known")]
    assert (whatsapp["count"], whatsapp["total"], whatsapp["share"]) == (30, 200, 30 / 200)
    assert (whatsapp["forces_counted"], whatsapp["forces_used"]) == (2, "q;r")
    owned = unc.loc[("facebook_owned", "all_known")]
    assert (owned["count"], owned["total"], owned["forces_used"]) == (70, 200, "q;r")
    assert unc.loc[("whatsapp", "facebook_owned"), "share"] == 30 / 70


def test_the_nonresponse_bounds_add_the_missing_forces_at_the_responding_extremes():
    # Two forces answered: 30 of 100 (30%) and 80 of 200 (40%). Two more sent nothing: each is
    # taken to hold 200 instances (the largest that answered), all at 30% or all at 40%.
    y, n = np.array([30.0, 80.0]), np.array([100.0, 200.0])
    low, high = intervals.nonresponse_bounds(y, n, missing=2)
    assert low == pytest.approx((110 + 2 * 200 * 0.3) / 700)
    assert high == pytest.approx((110 + 2 * 200 * 0.4) / 700)
    assert low < 110 / 300 < high
    assert all(math.isnan(v) for v in intervals.nonresponse_bounds(y, n, missing=0))
