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


def test_bootstrap_falls_back_quietly_when_every_force_is_alike(recwarn):
    y = np.array([10.0, 20.0, 30.0, 40.0])
    low, high, method = intervals.cluster_bootstrap(y, 2 * y, n_resamples=200)
    assert (low, high) == pytest.approx((0.5, 0.5))
    assert method == "percentile"
    assert not recwarn.list


def test_bootstrap_needs_two_forces():
    low, high, method = intervals.cluster_bootstrap(np.array([3.0]), np.array([9.0]))
    assert math.isnan(low) and math.isnan(high) and "fewer than two" in method


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
