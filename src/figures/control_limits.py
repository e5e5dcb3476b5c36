"""The statistics of the funnel plot (the funnel): exact binomial control limits around a target
share and the multiplicative allowance for overdispersion, both as in Spiegelhalter, "Funnel
plots for comparing institutional performance", Statistics in Medicine 24 (2005) 1185-1202
(appendix A.1.1 for the limits, section 6 for overdispersion).

Shares are proportions (0 to 1) here; nothing reads or writes a file.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps
from scipy.stats import mstats

#: The share of the most extreme standardised residuals at each end that the dispersion
#: estimate pulls in (Winsorises) before averaging, as Spiegelhalter (2005) recommends.
WINSORISE = 0.1


def binomial_limit(p0: float, n, probability: float) -> np.ndarray:
    """The control limit at ``probability`` (e.g. 0.999 for the upper 99.8% limit) for an
    observed share of ``n`` trials whose true share is ``p0``: the binomial quantile, with
    Spiegelhalter's interpolation between the attainable shares.

    With R ~ Binomial(n, p0) and F its distribution function, r is the smallest count with
    F(r) >= probability; then alpha = (F(r) - probability) / (F(r) - F(r - 1)) and the limit
    is (r - alpha) / n. ``n`` is a whole number or an array of them (at least 1).
    """
    n = np.asarray(n, dtype=float)
    if np.any(n < 1) or np.any(n != np.round(n)):
        raise ValueError("the limits need whole numbers of trials, at least 1")
    r = sps.binom.ppf(probability, n, p0)
    at_r = sps.binom.cdf(r, n, p0)
    below = sps.binom.cdf(r - 1, n, p0)
    alpha = (at_r - probability) / (at_r - below)
    return (r - alpha) / n


def funnel_limits(
    p0: float, n, level: float, dispersion: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """The lower and upper control limits (proportions) holding ``level`` (0.95, 0.998) of a
    force's share around ``p0`` for ``n`` instances: exact binomial (:func:`binomial_limit`),
    and, when ``dispersion`` (phi, :func:`pearson_dispersion`) is above 1, each limit moved
    sqrt(phi) times as far from ``p0`` (the multiplicative overdispersion model). Clipped to
    0 and 1.
    """
    tail = (1 - level) / 2
    low, high = binomial_limit(p0, n, tail), binomial_limit(p0, n, 1 - tail)
    if dispersion > 1:
        scale = math.sqrt(dispersion)
        low, high = p0 - scale * (p0 - low), p0 + scale * (high - p0)
    return np.clip(low, 0, 1), np.clip(high, 0, 1)


def standardised_residuals(y, n, p0: float) -> np.ndarray:
    """Each force's Pearson residual z_i = (y_i / n_i - p0) / sqrt(p0 (1 - p0) / n_i), for
    counts ``y`` of ``n`` instances around the target share ``p0``."""
    y, n = np.asarray(y, dtype=float), np.asarray(n, dtype=float)
    return (y / n - p0) / np.sqrt(p0 * (1 - p0) / n)


def winsorised(z, fraction: float = WINSORISE) -> np.ndarray:
    """``z`` with its ``fraction`` lowest and highest values pulled in to the next (scipy's
    ``winsorize``), in the order given."""
    return np.asarray(mstats.winsorize(np.asarray(z, dtype=float), limits=(fraction, fraction)))


def pearson_dispersion(y, n, p0: float, fraction: float = WINSORISE) -> float:
    """The overdispersion factor phi, the mean square of the forces' standardised residuals
    after Winsorising ``fraction`` at each end: 1 when they vary as chance alone would; NaN with
    no force."""
    z = standardised_residuals(y, n, p0)
    if len(z) == 0:
        return math.nan
    return float(np.mean(winsorised(z, fraction) ** 2))
