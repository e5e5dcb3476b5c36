"""The uncertainty of each share: the pooled Wilson interval, the cluster bootstrap over
forces, the bounds over instances whose platform is unknown, and each share without each force
in turn (leave-one-out).

Shares are proportions (0 to 1) here, as in :mod:`src.findings.shares`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from src.findings.shares import HEADLINE_SHARES, ratio, shares, totals, wide
from src.vocab import CONFIDENCE

#: The two-sided error rate of every interval (0.05 for 95%), rounded so that it is exact.
ALPHA = round(1 - CONFIDENCE, 12)


BOOTSTRAP_SEED = 20210326  # the release date: any fixed number would do


BOOTSTRAP_RESAMPLES = 2000


def manski_bounds(tot: pd.DataFrame, group: str, denominator: str) -> tuple[float, float]:
    """Bounds on the share if every instance whose platform is unknown could be on any platform:
    lower = count / (known + unknown), upper = (count + unknown) / (known + unknown).

    ``tot`` must be the totals of forces that reported a count of instances whose platform was
    not recorded (:func:`unknown_base`): over a force that reported none, the bounds would take
    a missing count for a zero and collapse to a point.
    """
    g, d, u = (tot.loc[k, "value"] for k in (group, denominator, "unknown"))
    return ratio(g, d + u), ratio(g + u, d + u)


def unknown_base(groups: pd.DataFrame, unknown_reported=None) -> tuple[list[str], list[str]]:
    """(the forces the bounds over unknown platforms are taken over, the forces left out).

    ``unknown_reported`` is the forces whose returns report a count of instances whose platform
    was not recorded (``coverage.csv``); None means every force did. Both lists are of the
    forces in ``groups``, sorted.
    """
    forces = sorted(set(groups["force"]))
    if unknown_reported is None:
        return forces, []
    reported = set(unknown_reported)
    return [f for f in forces if f in reported], [f for f in forces if f not in reported]


def wilson_interval(count: float, total: float, alpha: float = ALPHA) -> tuple[float, float]:
    """The pooled Wilson score interval, as if every instance were an independent draw."""
    if total <= 0:
        return math.nan, math.nan
    low, high = proportion_confint(count, total, alpha=alpha, method="wilson")
    return float(low), float(high)


def cluster_bootstrap(
    counts: np.ndarray,
    totals_: np.ndarray,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    confidence: float = CONFIDENCE,
) -> tuple[float, float, str]:
    """A bootstrap interval for the pooled share sum(counts) / sum(totals), resampling whole
    forces (each force's pair of numbers stays together). BCa, falling back to the percentile
    interval when BCa cannot be computed (for example when every force has the same share).
    Returns (low, high, method used).
    """
    y = np.asarray(counts, dtype=float)
    n = np.asarray(totals_, dtype=float)
    if len(y) < 2 or n.sum() <= 0:
        return math.nan, math.nan, "none (fewer than two forces)"

    def ratio(a, b, axis=-1):
        with np.errstate(invalid="ignore", divide="ignore"):
            return a.sum(axis=axis) / b.sum(axis=axis)

    for method in ("BCa", "percentile"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = sps.bootstrap(
                (y, n),
                ratio,
                paired=True,
                vectorized=True,
                n_resamples=n_resamples,
                confidence_level=confidence,
                method=method,
                rng=np.random.default_rng(seed),
            )
        low, high = result.confidence_interval
        if not caught and np.isfinite(low) and np.isfinite(high):
            return float(low), float(high), method
    return float(low), float(high), "percentile"


def uncertainty(
    groups: pd.DataFrame,
    pairs=HEADLINE_SHARES,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    unknown_reported=None,
) -> pd.DataFrame:
    """For each share: the value, its withheld-cell range, the pooled Wilson interval, the
    cluster bootstrap over forces, the bounds over unknown platforms and the share known.

    The bounds over unknown platforms and the share known use only what is known: they are
    taken over the forces that reported a count of instances whose platform was not recorded
    (``unknown_reported``; None means every force), which ``unknown_forces`` counts and
    ``unknown_not_reported`` names the others of (joined with "; "); ``unknown_known`` and
    ``unknown_instances`` are those forces' instances with a known platform and without one.
    When no force reported such a count they are not available (NaN), never a collapsed
    interval. Without ``unknown_reported`` the bounds are over every force and
    ``unknown_forces`` is NaN: which forces reported such a count is then not known, and the
    sentences of :mod:`src.findings.text` claim nothing about it.
    """
    tot = totals(groups)
    table = wide(groups)
    base, left_out = unknown_base(groups, unknown_reported)
    base_tot = totals(groups, base)
    known, unknown = (float(base_tot.loc[k, "value"]) for k in ("all_known", "unknown"))
    rows = []
    for item in shares(tot, pairs):
        w_low, w_high = wilson_interval(item.count, item.total)
        b_low, b_high, method = cluster_bootstrap(
            table[item.group].to_numpy(), table[item.denominator].to_numpy(), seed, n_resamples
        )
        if base:
            m_low, m_high = manski_bounds(base_tot, item.group, item.denominator)
        else:
            m_low, m_high = math.nan, math.nan
        rows.append(
            {
                "group": item.group,
                "denominator": item.denominator,
                "count": item.count,
                "total": item.total,
                "share": item.value,
                "withheld_lowest": item.lowest,
                "withheld_highest": item.highest,
                "wilson_low": w_low,
                "wilson_high": w_high,
                "bootstrap_low": b_low,
                "bootstrap_high": b_high,
                "bootstrap_method": method,
                "bootstrap_resamples": n_resamples,
                "bootstrap_seed": seed,
                "forces": int((table["all_known"] + table["unknown"] > 0).sum()),
                "unknown_bound_low": m_low,
                "unknown_bound_high": m_high,
                "known_share": ratio(known, known + unknown) if base else math.nan,
                "unknown_forces": len(base) if unknown_reported is not None else math.nan,
                "unknown_not_reported": "; ".join(left_out),
                "unknown_known": known if base else math.nan,
                "unknown_instances": unknown if base else math.nan,
            }
        )
    return pd.DataFrame(rows)


def leave_one_out(
    groups: pd.DataFrame | None = None,
    pairs=HEADLINE_SHARES,
    table: pd.DataFrame | None = None,
    whole: pd.Series | None = None,
) -> pd.DataFrame:
    """Each share recomputed without each force in turn, and the change that makes (a
    jackknife): long format, one row per force and share.

    By default the force counts are those in ``groups`` and the totals their sums. A caller may
    instead give ``table`` (force by group, e.g. the published counts after disclosure control)
    and ``whole`` (the totals with every force), so that the shares use only published numbers.
    """
    table = wide(groups) if table is None else table
    whole = table.sum() if whole is None else whole
    rows = []
    for force in table.index:
        without = whole - table.loc[force]
        for group, denominator in pairs:
            full = ratio(whole[group], whole[denominator])
            value = ratio(without[group], without[denominator])
            rows.append(
                {
                    "force": force,
                    "group": group,
                    "denominator": denominator,
                    "share_without": value,
                    "change": value - full,
                }
            )
    return pd.DataFrame(rows)
