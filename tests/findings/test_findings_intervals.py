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
