"""Tests for src/figures/control_limits.py: the funnel's exact binomial limits and its
overdispersion factor, each against arithmetic written out here (binomial probabilities from
math.comb, never from the code under test or from scipy)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from src.figures import control_limits as cl


def _cdf(r: int, n: int, p: float) -> float:
    """P(R <= r) for R ~ Binomial(n, p), summed from math.comb."""
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(r + 1))


def test_the_binomial_cdf_helper_matches_the_table_of_binomial_10_one_half():
    # Binomial(10, 1/2): the counts C(10, k) are 1, 10, 45, 120, 210, 252, ... of 1024.
    assert _cdf(1, 10, 0.5) == pytest.approx(11 / 1024)
    assert _cdf(8, 10, 0.5) == pytest.approx(1013 / 1024)


def test_limits_for_ten_trials_at_one_half_worked_by_hand():
    # Spiegelhalter (2005), appendix A.1.1: r_p is the smallest r with F(r) >= p,
    # alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)), the limit is (r_p - alpha) / n.
    #
    # Upper 95% limit, p = 0.975: F(7) = 968/1024 = 0.945 < 0.975 <= F(8) = 1013/1024, so
    # r = 8 and alpha = (1013/1024 - 0.975) / (45/1024) = (1013 - 998.4) / 45 = 14.6 / 45.
    upper = (8 - 14.6 / 45) / 10  # 0.767556
    # Lower, p = 0.025: F(1) = 11/1024 = 0.0107 < 0.025 <= F(2) = 56/1024, so r = 2 and
    # alpha = (56/1024 - 0.025) / (45/1024) = (56 - 25.6) / 45 = 30.4 / 45.
    lower = (2 - 30.4 / 45) / 10  # 0.132444
    assert cl.binomial_limit(0.5, 10, 0.975) == pytest.approx(upper, abs=1e-12)
    assert cl.binomial_limit(0.5, 10, 0.025) == pytest.approx(lower, abs=1e-12)
    # 99.8%: p = 0.999: F(8) = 0.989 < 0.999 <= F(9) = 1023/1024; alpha = (1023 - 1022.976)/10.
    assert cl.binomial_limit(0.5, 10, 0.999) == pytest.approx((9 - 0.024 / 10) / 10, abs=1e-12)
    # p = 0.001: F(0) = 1/1024 < 0.001 <= F(1) = 11/1024; alpha = (11 - 1.024) / 10.
    assert cl.binomial_limit(0.5, 10, 0.001) == pytest.approx((1 - 9.976 / 10) / 10, abs=1e-12)
    # Not the normal approximation: 0.5 + 1.96 * sqrt(0.25 / 10) = 0.80990.
    assert cl.binomial_limit(0.5, 10, 0.975) != pytest.approx(0.5 + 1.96 * math.sqrt(0.025))


def test_limits_for_four_trials_at_three_tenths_from_math_comb():
    n, p0 = 4, 0.3
    # F = 0.2401, 0.6517, 0.9163, 0.9919, 1: the upper 95% quantile is r = 3.
    assert _cdf(2, n, p0) < 0.975 <= _cdf(3, n, p0)
    alpha = (_cdf(3, n, p0) - 0.975) / (_cdf(3, n, p0) - _cdf(2, n, p0))  # 0.0169 / 0.0756
    upper = (3 - alpha) / n  # 0.694114
    assert upper == pytest.approx(0.694114, abs=1e-6)
    # The lower quantile is r = 0 (F(0) = 0.2401 >= 0.025), alpha = (0.2401 - 0.025) / 0.2401:
    # the limit (0 - 0.896) / 4 lies below 0, and funnel_limits clips it there.
    assert cl.binomial_limit(p0, n, 0.975) == pytest.approx(upper, abs=1e-12)
    assert cl.binomial_limit(p0, n, 0.025) == pytest.approx(-(0.2401 - 0.025) / 0.2401 / 4)
    low, high = cl.funnel_limits(p0, np.array([n]), 0.95)
    assert (float(low[0]), float(high[0])) == pytest.approx((0.0, upper), abs=1e-12)


def test_overdispersion_moves_each_limit_sqrt_phi_times_as_far_from_the_target():
    n, p0 = 4, 0.3
    upper = 0.694114  # the exact upper 95% limit above
    low, high = cl.funnel_limits(p0, np.array([n]), 0.95, dispersion=2.25)
    assert float(high[0]) == pytest.approx(p0 + 1.5 * (upper - p0), abs=1e-6)  # 0.891171
    assert float(low[0]) == 0.0  # 0.3 - 1.5 * (0.3 + 0.224) is below 0: clipped
    # Ten trials at one half, 99.8%: the upper limit 0.89976 moves to 0.5 + 1.1 x 0.39976, the
    # lower, 0.00024, to 0.5 - 1.1 x 0.49976, below 0: clipped.
    low, high = cl.funnel_limits(0.5, np.array([10]), 0.998, dispersion=1.21)
    assert float(high[0]) == pytest.approx(0.5 + 1.1 * 0.39976, abs=1e-9)
    assert float(low[0]) == 0.0
    # A factor at or below 1 leaves the exact limits as they are.
    same = cl.funnel_limits(0.5, np.array([10]), 0.998, dispersion=0.7)
    assert float(same[1][0]) == pytest.approx(0.89976, abs=1e-9)


def test_limits_need_whole_numbers_of_trials():
    with pytest.raises(ValueError):
        cl.binomial_limit(0.5, np.array([10.5]), 0.975)


def test_dispersion_of_four_forces_worked_by_hand():
    # p0 = 1/2, so sqrt(p0 (1 - p0) / n) is 0.05 for n = 100, 0.1 for 25 and 0.025 for 400.
    # z = (0.60 - 0.5) / 0.05 = 2, (0.45 - 0.5) / 0.05 = -1, (0.60 - 0.5) / 0.1 = 1,
    # (0.50 - 0.5) / 0.025 = 0; phi = (4 + 1 + 1 + 0) / 4 = 1.5.
    y, n = np.array([60, 45, 15, 200]), np.array([100, 100, 25, 400])
    assert list(cl.standardised_residuals(y, n, 0.5)) == pytest.approx([2, -1, 1, 0])
    assert cl.pearson_dispersion(y, n, 0.5, fraction=0) == pytest.approx(1.5)
    # Four forces: 10% of 4 is 0.4, so Winsorising changes none of them.
    assert cl.pearson_dispersion(y, n, 0.5) == pytest.approx(1.5)


def test_dispersion_of_ten_forces_winsorised_at_ten_percent_by_hand():
    # n = 100 and p0 = 1/2: z = (y - 50) / 5, so y = 50 + 5 z for
    # z = -3, -1, -1, 0, 0, 0, 1, 1, 2, 4: phi = (9 + 1 + 1 + 0 + 0 + 0 + 1 + 1 + 4 + 16) / 10 = 3.3.
    z = np.array([-3, -1, -1, 0, 0, 0, 1, 1, 2, 4])
    y, n = 50 + 5 * z, np.full(10, 100)
    assert cl.pearson_dispersion(y, n, 0.5, fraction=0) == pytest.approx(3.3)
    # 10% of 10 is 1: the lowest (-3) becomes the next lowest (-1), the highest (4) the next
    # highest (2): phi = (1 + 1 + 1 + 0 + 0 + 0 + 1 + 1 + 4 + 4) / 10 = 1.3.
    assert list(cl.winsorised(z)) == [-1, -1, -1, 0, 0, 0, 1, 1, 2, 2]
    assert cl.pearson_dispersion(y, n, 0.5) == pytest.approx(1.3)
