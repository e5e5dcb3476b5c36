"""The simulation study: its summary measures what it says (bias, coverage and their Monte Carlo
errors, from hand-made draws), its truth varies from draw to draw, and its tables, whatever
waves they are of, have that structure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulation.generate import WAVE, vary_table
from simulation.study import COLUMNS, INTERVALS, POINTS, RANGES, run_study, summarise
from src.helpers import RAW


def _draw(known: float, share: float, shift: float, share_range, interval) -> dict:
    """A hand-made draw: every point ``shift`` from the truth, the given range and interval."""
    return {
        "known": {
            "truth": known,
            "points": {name: known + shift for name in POINTS},
            "ranges": {name: (known - 1, known + 1) for name in RANGES},
        },
        "owner_share": {
            "truth": share,
            "points": {name: share + shift for name in POINTS},
            "ranges": {name: share_range for name in RANGES},
            "intervals": {name: interval for name in INTERVALS},
        },
    }


@pytest.fixture
def table() -> pd.DataFrame:
    draws = [
        _draw(100, 40.0, 1.0, (39.0, 41.0), (44.0, 46.0)),  # interval holds 45
        _draw(110, 50.0, 3.0, (45.0, 49.0), (40.0, 44.0)),  # range misses 50; interval misses
        _draw(90, 44.0, 2.0, (44.0, 44.5), (45.0, 47.0)),  # range holds at its edge
        _draw(120, 46.0, 2.0, (40.0, 50.0), (43.0, 48.0)),
    ]
    return summarise("w", draws, {"owner_share": 45.0}).set_index(["measure", "treatment"])


def test_the_table_has_a_row_per_measure_and_treatment(table):
    assert sorted(table.reset_index().columns) == sorted(COLUMNS)
    assert len(table.loc["known"]) == len(POINTS) + len(RANGES)
    assert len(table.loc["owner_share"]) == len(POINTS) + len(RANGES) + len(INTERVALS)


def test_a_point_gives_its_bias_and_the_bias_monte_carlo_error(table):
    row = table.loc[("known", "convention")]
    errors = np.array([1.0, 3.0, 2.0, 2.0])
    assert row["mean_error"] == pytest.approx(2.0)
    assert row["bias_mc_error"] == pytest.approx(round(errors.std(ddof=1) / 2, 4))
    assert row["mean_abs_error"] == pytest.approx(2.0)
    assert row["target"] == "realised truth"
    assert row["mean_target"] == pytest.approx(105.0)
    assert row["sd_target"] == pytest.approx(round(np.std([100, 110, 90, 120], ddof=1), 4))
    assert row["coverage"] == row["coverage_mc_error"] == row["mean_width"] == ""


def test_a_range_covers_the_realised_truth_with_its_monte_carlo_error(table):
    row = table.loc[("owner_share", "exact_range")]
    assert row["target"] == "realised truth"
    assert row["coverage"] == 0.75
    assert row["coverage_mc_error"] == pytest.approx(round(math.sqrt(0.75 * 0.25 / 4), 4))
    assert row["mean_width"] == pytest.approx((2 + 4 + 0.5 + 10) / 4)
    assert row["mean_error"] == row["bias_mc_error"] == ""


def test_an_interval_covers_the_expected_share_not_the_realised_truth(table):
    row = table.loc[("owner_share", "wilson_95")]
    assert row["target"] == "expected share"
    assert row["mean_target"] == 45.0 and row["sd_target"] == 0.0
    # 45 lies in the 1st, 3rd (at its edge) and 4th intervals; the realised truths in none.
    assert row["coverage"] == 0.75
    assert row["coverage_mc_error"] == pytest.approx(round(math.sqrt(0.75 * 0.25 / 4), 4))


def test_a_varied_table_keeps_its_expectation_and_varies():
    table = pd.DataFrame({"a": [0, 40], "b": [200, 5]}, index=["f", "g"])
    rng = np.random.default_rng(1)
    draws = np.stack([vary_table(table, 25.0, rng).to_numpy() for _ in range(4000)])
    assert (draws[:, 0, 0] == 0).all()  # a cell expected to be empty stays empty
    mean, se = draws.mean(axis=0), draws.std(axis=0) / math.sqrt(len(draws))
    assert (abs(mean - table.to_numpy()) < 4 * se + 1e-12).all()
    # Overdispersed: the variance is the mean plus mean^2 / size, more than a Poisson's.
    assert draws[:, 0, 1].var() > 1.5 * 200


@pytest.mark.slow
def test_each_draw_of_the_study_has_its_own_truth():
    table = run_study(2, [WAVE])[WAVE]
    truth = table[table["target"] == "realised truth"]
    assert (truth["sd_target"] > 0).all()
    intervals = table[table["treatment"].isin(INTERVALS)]
    assert len(intervals) == len(INTERVALS) and (intervals["mean_width"] > 0).all()


# --- The committed tables ---

TABLES = sorted((RAW / "simulation-study").glob("*.csv"))


@pytest.fixture(params=TABLES, ids=[p.stem for p in TABLES])
def study_table(request) -> pd.DataFrame:
    return pd.read_csv(request.param, keep_default_na=False, dtype={"target": str})


def test_the_table_has_every_column_and_row(study_table):
    assert list(study_table.columns) == COLUMNS
    assert study_table["draws"].nunique() == 1 and study_table["draws"].iloc[0] > 1
    for _, rows in study_table.groupby("measure"):
        assert set(POINTS) | set(RANGES) <= set(rows["treatment"])
    assert set(INTERVALS) <= set(study_table["treatment"])


def test_each_coverage_comes_with_its_monte_carlo_error(study_table):
    covered = study_table[study_table["treatment"].isin(RANGES + INTERVALS)]
    draws = int(study_table["draws"].iloc[0])
    for _, row in covered.iterrows():
        c = float(row["coverage"])
        assert 0 <= c <= 1
        assert float(row["coverage_mc_error"]) == pytest.approx(
            math.sqrt(c * (1 - c) / draws), abs=1e-3
        )
        assert float(row["mean_width"]) >= 0


def test_the_truth_varies_and_intervals_aim_at_the_expected_share(study_table):
    assert set(study_table["target"]) == {"realised truth", "expected share"}
    realised = study_table[study_table["target"] == "realised truth"]
    assert (realised["sd_target"].astype(float) > 0).all()
    assert set(study_table.loc[study_table["target"] == "expected share", "treatment"]) == set(
        INTERVALS
    )


def test_each_point_gives_its_bias_with_its_monte_carlo_error(study_table):
    points = study_table[study_table["treatment"].isin(POINTS)]
    assert (points["bias_mc_error"].astype(float) >= 0).all()
    assert (
        points["mean_abs_error"].astype(float) >= points["mean_error"].astype(float).abs()
    ).all()
