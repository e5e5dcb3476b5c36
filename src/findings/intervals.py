"""The uncertainty of each share: the pooled Wilson interval, the cluster bootstrap over
forces, the bounds over instances whose platform is unknown, and each share without each force
in turn (leave-one-out).

Shares are proportions (0 to 1) here, as in :mod:`src.findings.shares`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from src.findings.shares import HEADLINE_SHARES, itemising, ratio, share, totals, wide
from src.vocab import CONFIDENCE

#: The two-sided error rate of every interval (0.05 for 95%), rounded so that it is exact.
ALPHA = round(1 - CONFIDENCE, 12)


BOOTSTRAP_SEED = 20210326  # the release date: any fixed number would do


#: Resamples of one bootstrap run: enough for a Monte Carlo error of the endpoints of a few
#: hundredths of a percentage point on the committed data (see ``bootstrap_mc_error``).
BOOTSTRAP_RESAMPLES = 20000


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
    """The pooled Wilson score interval, as if every instance were an independent draw: it
    ignores that instances cluster within forces (:func:`design_effect` says by how much)."""
    if total <= 0:
        return math.nan, math.nan
    low, high = proportion_confint(count, total, alpha=alpha, method="wilson")
    return float(low), float(high)


def design_effect(counts: np.ndarray, totals_: np.ndarray) -> float:
    """The design effect of the pooled share r = sum(y) / sum(n) over k forces: its variance as
    a ratio estimator over whole forces, divided by the binomial variance r (1 - r) / N that
    the Wilson interval assumes (N = sum(n)).

    The ratio estimator's (linearised) variance with forces as clusters drawn with replacement
    (Kish, Survey Sampling, 1965, section 6.3; Cochran, Sampling Techniques, 1977, 6.9) is
    k / (k - 1) * sum((y_i - r n_i)^2) / N^2, so the design effect is
    k / (k - 1) * sum((y_i - r n_i)^2) / (N r (1 - r)). A design effect of d means the Wilson
    interval is about sqrt(d) times too narrow for variation between forces. NaN for fewer than
    two forces or a share of 0 or 1.
    """
    y = np.asarray(counts, dtype=float)
    n = np.asarray(totals_, dtype=float)
    k, big_n = len(y), n.sum()
    if k < 2 or big_n <= 0:
        return math.nan
    r = y.sum() / big_n
    if r <= 0 or r >= 1:
        return math.nan
    return float(k / (k - 1) * ((y - r * n) ** 2).sum() / (big_n * r * (1 - r)))


#: How many further bootstrap runs, each with its own seed, estimate the Monte Carlo error of
#: the endpoints of one run.
BOOTSTRAP_REPLICATIONS = 20

#: The finest precision an interval endpoint is given to (decimal places of a percentage).
MAX_PLACES = 2


@dataclass(frozen=True)
class Bootstrap:
    """A cluster bootstrap interval (proportions) and what it rests on.

    ``method`` is the method that produced the endpoints (``BCa`` or ``percentile``);
    ``fallback`` says why BCa was not used ("" when it was). ``mc_error_low`` and
    ``mc_error_high`` are the Monte Carlo standard errors of the endpoints: the standard
    deviation of each endpoint over ``replications`` further runs of the same bootstrap, each
    with its own random stream (NaN when there are none).
    """

    low: float
    high: float
    method: str
    fallback: str = ""
    mc_error_low: float = math.nan
    mc_error_high: float = math.nan
    replications: int = 0

    @property
    def mc_error(self) -> float:
        """The larger of the two endpoints' Monte Carlo standard errors."""
        return max(self.mc_error_low, self.mc_error_high)


def _ratio_of_sums(a, b, axis=-1):
    with np.errstate(invalid="ignore", divide="ignore"):
        return a.sum(axis=axis) / b.sum(axis=axis)


def _one_bootstrap(y, n, rng_seed, n_resamples, confidence) -> tuple[float, float, str, str]:
    """(low, high, method, why BCa was not used) of one run of the bootstrap."""
    reasons = []
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = sps.bootstrap(
                (y, n),
                _ratio_of_sums,
                paired=True,
                vectorized=True,
                n_resamples=n_resamples,
                confidence_level=confidence,
                method=method,
                rng=np.random.default_rng(rng_seed),
            )
        low, high = (float(v) for v in result.confidence_interval)
        finite = np.isfinite(low) and np.isfinite(high)
        if method == "percentile" or (finite and not caught):
            return low, high, method, "; ".join(reasons)
        messages = sorted({" ".join(str(w.message).split()) for w in caught})
        if not finite:
            messages.insert(0, "an endpoint could not be computed")
        reasons.append("BCa not used: " + "; ".join(messages))
    raise AssertionError("unreachable")  # pragma: no cover


def cluster_bootstrap(
    counts: np.ndarray,
    totals_: np.ndarray,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    confidence: float = CONFIDENCE,
    replications: int = BOOTSTRAP_REPLICATIONS,
) -> Bootstrap:
    """A bootstrap interval for the pooled share sum(counts) / sum(totals), resampling whole
    forces (each force's pair of numbers stays together): it measures how much the share
    varies with which forces answered and how they record, not the sampling error of a random
    sample. BCa, falling back to the percentile interval when BCa cannot be computed (for
    example when every force has the same share), and saying so (``fallback``).

    The endpoints are those of one run seeded with ``seed``; their Monte Carlo error is the
    standard deviation of each endpoint over ``replications`` further runs, whose random streams
    are spawned from ``seed`` (``numpy.random.SeedSequence``), so independent of the first.
    """
    y = np.asarray(counts, dtype=float)
    n = np.asarray(totals_, dtype=float)
    if len(y) < 2 or n.sum() <= 0:
        return Bootstrap(math.nan, math.nan, "none (fewer than two forces)")
    low, high, method, fallback = _one_bootstrap(y, n, seed, n_resamples, confidence)
    mc_low = mc_high = math.nan
    if replications >= 2:
        children = np.random.SeedSequence(seed).spawn(replications)
        ends = np.array(
            [_one_bootstrap(y, n, c, n_resamples, confidence)[:2] for c in children], dtype=float
        )
        mc_low, mc_high = (float(v) for v in ends.std(axis=0, ddof=1))
    return Bootstrap(low, high, method, fallback, mc_low, mc_high, max(replications, 0))


def supported_places(mc_error_points: float, max_places: int = MAX_PLACES) -> int:
    """The decimal places a percentage can be quoted to when its Monte Carlo standard error is
    ``mc_error_points`` percentage points: the most places (up to ``max_places``) for which the
    error is at most half a unit of the last place shown (0.05 points for one place, 0.5 for
    none). With no estimate of the error (NaN), ``max_places``.
    """
    if not math.isfinite(mc_error_points):
        return max_places
    places = max_places
    while places > 0 and mc_error_points > 0.5 * 10.0**-places:
        places -= 1
    return places


def nonresponse_bounds(y: np.ndarray, n: np.ndarray, missing: int) -> tuple[float, float]:
    """A share's bounds over the forces that sent no counts, under a stated assumption: each of
    the ``missing`` forces held as many instances of the denominator as the largest responding
    force (``n``), all at the lowest share of any responding force, or all at the highest (of
    ``y / n``). Not a range of every possible value: a force that did not answer could hold
    anything. NaN when none is missing or no force responded."""
    has = n > 0
    if missing <= 0 or not has.any():
        return math.nan, math.nan
    size = float(n.max())
    shares = y[has] / n[has]
    denominator = float(n.sum()) + missing * size
    return tuple(  # type: ignore[return-value]
        (float(y.sum()) + missing * size * extreme) / denominator
        for extreme in (shares.min(), shares.max())
    )


def uncertainty(
    groups: pd.DataFrame,
    pairs=HEADLINE_SHARES,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    unknown_reported=None,
    replications: int = BOOTSTRAP_REPLICATIONS,
    missing: int = 0,
) -> pd.DataFrame:
    """For each share: the value, its withheld-cell range, the pooled Wilson interval (which
    ignores clustering within forces; ``design_effect`` says how much that matters), the
    cluster bootstrap over forces, the bounds over unknown platforms and the share known.

    The bootstrap (:func:`cluster_bootstrap`) measures variation between forces. It names its
    method (``bootstrap_method``) and why BCa was not used, if it was not
    (``bootstrap_fallback``); ``bootstrap_mc_error`` is the larger Monte Carlo standard error
    of its two endpoints (a proportion, over ``bootstrap_replications`` further runs) and
    ``bootstrap_places`` the decimal places of a percentage that error supports
    (:func:`supported_places`).

    The bounds over unknown platforms and the share known use only what is known: they are
    taken over the forces that reported a count of instances whose platform was not recorded
    (``unknown_reported``; None means every force), which ``unknown_forces`` counts and
    ``unknown_not_reported`` names the others of (joined with "; "); ``unknown_known`` and
    ``unknown_instances`` are those forces' instances with a known platform and without one.
    When no force reported such a count they are not available (NaN), never a collapsed
    interval. Without ``unknown_reported`` the bounds are over every force and
    ``unknown_forces`` is NaN: which forces reported such a count is then not known, and the
    sentences of :mod:`src.findings.text` claim nothing about it.

    ``nonresponse_low`` and ``nonresponse_high`` bound each share over the ``missing`` forces
    asked that sent no counts (:func:`nonresponse_bounds`).
    """
    base, left_out = unknown_base(groups, unknown_reported)
    base_tot = totals(groups, base)
    known, unknown = (float(base_tot.loc[k, "value"]) for k in ("all_known", "unknown"))
    rows = []
    for group, denominator in pairs:
        counted = itemising(groups, group, denominator)
        item = share(totals(groups, counted), group, denominator)
        table = wide(groups[groups["force"].isin(counted)])
        w_low, w_high = wilson_interval(item.count, item.total)
        y, n = table[item.group].to_numpy(), table[item.denominator].to_numpy()
        boot = cluster_bootstrap(y, n, seed, n_resamples, replications=replications)
        r_low, r_high = nonresponse_bounds(y, n, missing)
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
                "design_effect": design_effect(y, n),
                "bootstrap_low": boot.low,
                "bootstrap_high": boot.high,
                "bootstrap_method": boot.method,
                "bootstrap_resamples": n_resamples,
                "bootstrap_seed": seed,
                "bootstrap_fallback": boot.fallback,
                "bootstrap_replications": boot.replications,
                "bootstrap_mc_error": boot.mc_error,
                "bootstrap_places": supported_places(100 * boot.mc_error),
                "forces": int((table["all_known"] + table["unknown"] > 0).sum()),
                "forces_counted": len(counted),
                "forces_used": ";".join(counted),
                "unknown_bound_low": m_low,
                "unknown_bound_high": m_high,
                "known_share": ratio(known, known + unknown) if base else math.nan,
                "unknown_forces": len(base) if unknown_reported is not None else math.nan,
                "unknown_not_reported": "; ".join(left_out),
                "unknown_known": known if base else math.nan,
                "unknown_instances": unknown if base else math.nan,
                "nonresponse_forces": missing,
                "nonresponse_low": r_low,
                "nonresponse_high": r_high,
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
