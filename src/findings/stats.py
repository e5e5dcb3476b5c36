"""The statistics behind the findings: counts and shares by platform group, their uncertainty,
and the comparison of each published figure with what the returns support.

Everything here works on the tidy ``data/processed/instances.csv`` (one row per source row and
offence group, with ``count`` empty and ``lower``/``upper`` given when a force withheld a small
number). The steps are:

1. :func:`select_instances` keeps one wave, some offence groups, and drops excluded forces.
2. :func:`apply_withheld` fills each withheld cell by the chosen treatment (minimum, midpoint
   or maximum of its range) and keeps each row's minimum and maximum beside it.
3. :func:`force_groups` sums the rows into platform groups per force (the Facebook-owned group
   comes from ``ownership.csv`` as of a date: :func:`owner_group`).
4. :func:`shares`, :func:`uncertainty`, :func:`leave_one_out` and :func:`compare_published`
   turn those sums into the tables the findings notebook publishes.

Shares are proportions (0 to 1) inside this module; the tables in :mod:`src.findings` show them
as percentages, because the published figures are percentages.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from src.data.reference import owner_on
from src.errors import InputError
from src.vocab import CONFIDENCE, GROUP_NAMES, PLATFORM_GROUPS

# --- Platform groups ------------------------------------------------------------------------

GROUPS = PLATFORM_GROUPS

#: The headline shares: (platform group, denominator group).
HEADLINE_SHARES = (
    ("facebook_owned", "all_known"),
    ("instagram", "all_known"),
    ("facebook_messenger", "all_known"),
    ("whatsapp", "all_known"),
    ("whatsapp", "facebook_owned"),
    ("other", "all_known"),
)

#: The platforms named as their own group; every platform is also in ``all_known`` (or
#: ``unknown``) and, depending on its owner on the day, in ``facebook_owned`` or ``other``.
NAMED_PLATFORMS = ("instagram", "facebook_messenger", "whatsapp")

#: The platform whose owner defines "Facebook-owned" (so a renamed owner still counts).
ANCHOR_PLATFORM = "facebook_messenger"

TREATMENTS = {
    "minimum": "minimum",
    "min": "minimum",
    "midpoint": "midpoint",
    "mid": "midpoint",
    "maximum": "maximum",
    "max": "maximum",
}

#: The two-sided error rate of every interval (0.05 for 95%), rounded so that it is exact.
ALPHA = round(1 - CONFIDENCE, 12)

BOOTSTRAP_SEED = 20210326  # the release date: any fixed number would do
BOOTSTRAP_RESAMPLES = 2000


def share_label(group: str, denominator: str) -> str:
    """A short name for a share, e.g. ``facebook_owned_of_all_known``."""
    return f"{group}_of_{denominator}"


# --- Selecting and treating the instances ---------------------------------------------------


def normalise_treatment(treatment: str) -> str:
    """``minimum``, ``midpoint`` or ``maximum`` (``min``/``mid``/``max`` are accepted too)."""
    key = str(treatment).strip().lower()
    if key not in TREATMENTS:
        raise InputError(
            "parameters",
            "withheld_treatment",
            f"'{treatment}' is not a treatment of withheld cells",
            "use one of: minimum, midpoint, maximum",
        )
    return TREATMENTS[key]


def _as_bool(column: pd.Series) -> pd.Series:
    if column.dtype == bool:
        return column
    return column.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def select_instances(
    instances: pd.DataFrame,
    wave: str,
    offence_groups: list[str] | tuple[str, ...],
    exclude_forces: list[str] | tuple[str, ...] = (),
    known_forces: set[str] | None = None,
) -> pd.DataFrame:
    """The rows of one wave and the chosen offence groups, without the excluded forces.

    An excluded force or an offence group that is not in the data is a parameter error (most
    likely a typo), so it stops the run rather than silently changing nothing.
    """
    present_groups = set(instances["offence_group"])
    unknown_groups = sorted(set(offence_groups) - present_groups)
    if unknown_groups or not offence_groups:
        raise InputError(
            "parameters",
            "offence_groups",
            f"no instances for offence group(s) {unknown_groups or '(none given)'}",
            f"use offence groups found in instances.csv: {sorted(present_groups)}",
        )
    forces = known_forces if known_forces is not None else set(instances["force"])
    unknown_forces = sorted(set(exclude_forces) - set(forces))
    if unknown_forces:
        raise InputError(
            "parameters",
            "exclude_forces",
            f"unknown force(s) {unknown_forces}",
            "use force ids from data/reference/forces.csv",
        )
    keep = (
        (instances["wave"] == wave)
        & instances["offence_group"].isin(list(offence_groups))
        & ~instances["force"].isin(list(exclude_forces))
    )
    if not (instances["wave"] == wave).any():
        raise InputError(
            "parameters",
            "wave",
            f"no instances for wave '{wave}'",
            f"use a wave found in instances.csv: {sorted(set(instances['wave']))}",
        )
    return instances.loc[keep].reset_index(drop=True)


def apply_withheld(instances: pd.DataFrame, treatment: str = "midpoint") -> pd.DataFrame:
    """Add ``value`` (the count, or the withheld cell filled by ``treatment``), and ``value_min``
    and ``value_max`` (the count, or the ends of the withheld range), as floats.
    """
    treatment = normalise_treatment(treatment)
    out = instances.copy()
    withheld = _as_bool(out["withheld"])
    count = pd.to_numeric(out["count"], errors="coerce").astype(float)
    lower = pd.to_numeric(out["lower"], errors="coerce").astype(float)
    upper = pd.to_numeric(out["upper"], errors="coerce").astype(float)
    bad = (withheld & (lower.isna() | upper.isna() | (lower > upper))) | (~withheld & count.isna())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            "data/processed/instances.csv",
            f"row {row + 2}",
            "a withheld row needs lower <= upper, and any other row needs a count",
            "rerun notebooks/10-clean.ipynb; if it persists, fix the reading spec of "
            f"{out['source_file'].iloc[row] if 'source_file' in out else 'that return'}",
        )
    low = count.where(~withheld, lower)
    high = count.where(~withheld, upper)
    fill = {"minimum": low, "midpoint": (low + high) / 2, "maximum": high}[treatment]
    out["value"] = fill
    out["value_min"] = low
    out["value_max"] = high
    out["withheld"] = withheld
    return out


# --- Ownership ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerGroup:
    """The platforms of one owner on a date (the release's "Facebook-owned apps")."""

    owner: str
    owner_name: str
    as_of: str
    platforms: tuple[str, ...]


def as_of_date(owner_as_of, wave_end: str) -> str:
    """The date ownership is taken on: ``owner_as_of``, or the wave's last day when it is None."""
    if owner_as_of is None or str(owner_as_of).strip() in ("", "None"):
        return str(wave_end)
    try:
        return dt.date.fromisoformat(str(owner_as_of)[:10]).isoformat()
    except ValueError:
        raise InputError(
            "parameters",
            "owner_as_of",
            f"'{owner_as_of}' is not a date",
            "give a date as YYYY-MM-DD (quoted in YAML), or None for the wave's last day",
        ) from None


def owner_group(ownership: pd.DataFrame, as_of: str, anchor: str = ANCHOR_PLATFORM) -> OwnerGroup:
    """The platforms owned on ``as_of`` by whoever owned ``anchor`` that day.

    Taking the owner of Facebook itself (rather than a fixed owner id) keeps the group right
    across a renaming of the company.
    """
    owner = owner_on(anchor, as_of, ownership)
    if not owner:
        raise InputError(
            "data/reference/ownership.csv",
            f"platform '{anchor}'",
            f"no owner on {as_of}",
            "add an ownership row covering that date, or choose another owner_as_of",
        )
    platforms = sorted(
        p for p in set(ownership["platform"]) if owner_on(p, as_of, ownership) == owner
    )
    names = ownership.loc[ownership["owner"] == owner, "owner_name"]
    return OwnerGroup(owner, names.iloc[0] if len(names) else owner, as_of, tuple(platforms))


# --- Sums by platform group -----------------------------------------------------------------


def force_groups(
    treated: pd.DataFrame,
    owned: tuple[str, ...],
    forces: list[str] | None = None,
    unknown_platforms: tuple[str, ...] = ("unknown",),
) -> pd.DataFrame:
    """One row per force and platform group: ``value``, ``value_min``, ``value_max`` and
    ``withheld_cells`` (how many withheld cells went into it).

    ``owned`` is the Facebook-owned platforms on the day; ``forces`` lists every force that
    should appear (those with no rows get zeros), by default every force in ``treated``.
    """
    cols = ["value", "value_min", "value_max", "withheld_cells"]
    data = treated.assign(withheld_cells=_as_bool(treated["withheld"]).astype(int))
    platform = data["platform"]
    known = ~platform.isin(list(unknown_platforms))
    masks = {
        "all_known": known,
        "facebook_owned": known & platform.isin(list(owned)),
        "instagram": platform == "instagram",
        "facebook_messenger": platform == "facebook_messenger",
        "whatsapp": platform == "whatsapp",
        "other": known & ~platform.isin(list(owned)),
        "facebook_column": known & platform.isin([p for p in owned if p != "instagram"]),
        "unknown": ~known,
    }
    all_forces = sorted(set(forces) if forces is not None else set(data["force"]))
    pieces = []
    for group in GROUPS:
        summed = data.loc[masks[group]].groupby("force")[cols].sum()
        summed = summed.reindex(all_forces, fill_value=0).astype(float)
        summed["withheld_cells"] = summed["withheld_cells"].astype(int)
        pieces.append(summed.assign(group=group).reset_index(names="force"))
    out = pd.concat(pieces, ignore_index=True)
    return out[["force", "group", *cols]].sort_values(["force", "group"], ignore_index=True)


def totals(groups: pd.DataFrame, forces: list[str] | None = None) -> pd.DataFrame:
    """Sums over forces (all, or those in ``forces``), indexed by platform group."""
    data = groups if forces is None else groups[groups["force"].isin(forces)]
    out = data.groupby("group")[["value", "value_min", "value_max", "withheld_cells"]].sum()
    return out.reindex(list(GROUPS), fill_value=0)


def wide(groups: pd.DataFrame, column: str = "value") -> pd.DataFrame:
    """Force by platform group, one column per group."""
    table = groups.pivot(index="force", columns="group", values=column)
    return table.reindex(columns=list(GROUPS)).fillna(0)


# --- Shares ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A share at the chosen treatment, and its extremes over every withheld cell."""

    group: str
    denominator: str
    count: float
    total: float
    value: float
    lowest: float
    highest: float


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def share(tot: pd.DataFrame, group: str, denominator: str) -> Share:
    """``group`` as a share of ``denominator`` (a group that contains it).

    The extremes hold the group's own withheld cells at one end of their ranges and the rest of
    the denominator's at the other end: the share (a + x) / (N + x) rises with the group's own
    cells and falls with everyone else's, so these two corners bound every possible value.
    """
    g, d = tot.loc[group], tot.loc[denominator]
    rest_min, rest_max = d["value_min"] - g["value_min"], d["value_max"] - g["value_max"]
    return Share(
        group=group,
        denominator=denominator,
        count=float(g["value"]),
        total=float(d["value"]),
        value=_ratio(g["value"], d["value"]),
        lowest=_ratio(g["value_min"], g["value_min"] + rest_max),
        highest=_ratio(g["value_max"], g["value_max"] + rest_min),
    )


def shares(tot: pd.DataFrame, pairs=HEADLINE_SHARES) -> list[Share]:
    return [share(tot, g, d) for g, d in pairs]


def treatment_scenarios(groups: pd.DataFrame, pairs=HEADLINE_SHARES) -> pd.DataFrame:
    """Each share with every withheld cell at its minimum, its midpoint and its maximum."""
    tot = totals(groups)
    rows = []
    for group, denominator in pairs:
        row = {"group": group, "denominator": denominator}
        for name, column in (("minimum", "value_min"), ("maximum", "value_max")):
            row[f"all_{name}"] = _ratio(tot.loc[group, column], tot.loc[denominator, column])
        mid = (tot["value_min"] + tot["value_max"]) / 2
        row["all_midpoint"] = _ratio(mid[group], mid[denominator])
        rows.append(row)
    return pd.DataFrame(rows)


def manski_bounds(tot: pd.DataFrame, group: str, denominator: str) -> tuple[float, float]:
    """Bounds on the share if every instance whose platform is unknown could be on any platform:
    lower = count / (known + unknown), upper = (count + unknown) / (known + unknown).
    """
    g, d, u = (tot.loc[k, "value"] for k in (group, denominator, "unknown"))
    return _ratio(g, d + u), _ratio(g + u, d + u)


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
) -> pd.DataFrame:
    """For each share: the value, its withheld-cell range, the pooled Wilson interval, the
    cluster bootstrap over forces, the bounds over unknown platforms and the share known.
    """
    tot = totals(groups)
    table = wide(groups)
    rows = []
    for item in shares(tot, pairs):
        w_low, w_high = wilson_interval(item.count, item.total)
        b_low, b_high, method = cluster_bootstrap(
            table[item.group].to_numpy(), table[item.denominator].to_numpy(), seed, n_resamples
        )
        m_low, m_high = manski_bounds(tot, item.group, item.denominator)
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
                "known_share": _ratio(
                    tot.loc["all_known", "value"],
                    tot.loc["all_known", "value"] + tot.loc["unknown", "value"],
                ),
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
            full = _ratio(whole[group], whole[denominator])
            value = _ratio(without[group], without[denominator])
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


# --- Published statements -------------------------------------------------------------------


def round_half_up(value: float, places: int = 0) -> float:
    """Round as a reader does (0.5 goes up), not as Python's round (to even)."""
    quantum = Decimal(1).scaleb(-int(places))
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def truncate(value: float, places: int = 0) -> float:
    """Cut off after ``places`` decimals (50.8 -> 50)."""
    quantum = Decimal(1).scaleb(-int(places))
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_DOWN))


def one_in(share_: float) -> int | None:
    """The nearest "one in N" for a share (0 to 1)."""
    if not share_ or not math.isfinite(share_) or share_ <= 0:
        return None
    return int(round_half_up(1 / share_, 0))


def _published_n(published: float, unit: str) -> float:
    """The N of a published "one in N": the value itself, or 100 / value for a percentage."""
    return 100.0 / published if unit == "percent" else float(published)


def statement_holds(
    comparison: str, computed: float, published: float, precision=None, unit: str = "count"
) -> bool | None:
    """Whether a published statement holds for a computed value (in the published unit).

    ``exact``: equal; ``rounded``: the computed value rounds (half up, to ``precision``
    decimals) to the published one; ``more_than``: the computed value exceeds it;
    ``approx_one_in``: "one in N" is the nearest whole N to 1 / share.
    """
    if computed is None or not math.isfinite(computed):
        return None
    if comparison == "exact":
        return bool(math.isclose(computed, published, rel_tol=0, abs_tol=1e-9))
    if comparison == "rounded":
        places = 0 if precision is None or pd.isna(precision) else int(precision)
        return round_half_up(computed, places) == float(published)
    if comparison == "more_than":
        return bool(computed > published)
    if comparison == "approx_one_in":
        share_ = computed / 100 if unit == "percent" else computed
        return one_in(share_) == round(_published_n(published, unit))
    raise ValueError(f"unknown comparison rule '{comparison}'")


def _target(comparison: str, published: float, precision, unit: str) -> tuple[float, float, bool]:
    """The interval of computed values for which the statement holds: (low, high, high open)."""
    if comparison == "exact":
        return published, published, False
    if comparison == "rounded":
        half = 0.5 * 10 ** -(0 if precision is None or pd.isna(precision) else int(precision))
        return published - half, published + half, True
    if comparison == "more_than":
        return math.nextafter(published, math.inf), math.inf, False
    if comparison == "approx_one_in":
        n = _published_n(published, unit)
        scale = 100 if unit == "percent" else 1
        # one_in(s) == n  <=>  n - 0.5 <= 1/s < n + 0.5  <=>  1/(n+0.5) < s <= 1/(n-0.5)
        return math.nextafter(scale / (n + 0.5), math.inf), scale / (n - 0.5), False
    raise ValueError(f"unknown comparison rule '{comparison}'")


def holds_over_range(
    comparison: str, low: float, high: float, published: float, precision=None, unit="count"
) -> str:
    """Whether the statement holds for every value in [low, high] (the withheld-cell range):
    ``throughout``, ``in part`` or ``no``.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return ""
    t_low, t_high, open_high = _target(comparison, published, precision, unit)
    above_high = (lambda v: v >= t_high) if open_high else (lambda v: v > t_high)
    if low >= t_low and not above_high(high):
        return "throughout"
    if high < t_low or above_high(low):
        return "no"
    return "in part"


def _fmt(value: float, unit: str, places: int = 1) -> str:
    if not math.isfinite(value):
        return "not available"
    if unit == "percent":
        return f"{value:.{places}f}%"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def statement_note(
    comparison: str,
    computed: float,
    published: float,
    as_published: str,
    precision=None,
    unit: str = "count",
) -> str:
    """One sentence on whether (and how) the published statement holds."""
    if computed is None or not math.isfinite(computed):
        return "Not computed: no data for this figure in this build."
    holds = statement_holds(comparison, computed, published, precision, unit)
    shown = _fmt(computed, unit, 2 if unit == "percent" else 1)
    if comparison == "rounded":
        places = 0 if precision is None or pd.isna(precision) else int(precision)
        rounded = round_half_up(computed, places)
        if holds:
            return f"{shown} rounds to {_fmt(rounded, unit, places)}: '{as_published}' holds."
        if truncate(computed, places) == float(published):
            return (
                f"{shown} rounds to {_fmt(rounded, unit, places)}, not "
                f"{_fmt(published, unit, places)}: '{as_published}' holds only if the share was "
                "truncated rather than rounded."
            )
        return f"{shown} rounds to {_fmt(rounded, unit, places)}: '{as_published}' does not hold."
    if comparison == "approx_one_in":
        share_ = computed / 100 if unit == "percent" else computed
        nearest = one_in(share_)
        verdict = "holds" if holds else "does not hold"
        return f"{shown} is nearest to one in {nearest}: '{as_published}' {verdict}."
    if comparison == "more_than":
        verdict = "holds" if holds else "does not hold"
        return f"{shown} against a threshold of {_fmt(published, unit, 2)}: '{as_published}' {verdict}."
    if holds:
        return f"{shown} matches the published {as_published}."
    return f"{shown} against the published {as_published}: a difference of {_fmt(computed - published, unit, 2)}."


# --- Computing the value behind a published figure -----------------------------------------


def area_forces(
    geography: str, area: str, forces_ref: pd.DataFrame, included: list[str]
) -> list[str] | None:
    """The included forces a published figure is about, or None if the area is not known."""
    if geography == "national":
        return list(included)
    if geography == "region":
        members = forces_ref.loc[
            forces_ref["release_region"].str.strip().str.lower() == str(area).strip().lower(),
            "force",
        ]
        return [f for f in members if f in included] if len(members) else None
    if geography == "force":
        if area in set(forces_ref["force"]):
            return [area] if area in included else []
        return None
    return None


def computed_for(
    groups: pd.DataFrame,
    forces: list[str],
    platform_group: str,
    denominator: str,
    unit: str,
) -> tuple[float, float, float]:
    """(value, lowest, highest) for a published figure's definition over ``forces``, in its unit."""
    if not forces:
        return math.nan, math.nan, math.nan
    tot = totals(groups, forces)
    if unit == "percent":
        item = share(tot, platform_group, denominator)
        return 100 * item.value, 100 * item.lowest, 100 * item.highest
    row = tot.loc[platform_group]
    return float(row["value"]), float(row["value_min"]), float(row["value_max"])


def compare_published(
    published: pd.DataFrame,
    groups: pd.DataFrame,
    forces_ref: pd.DataFrame,
    forces_with_data: int,
    published_file: str = "data/raw/published/release_2021_03.csv",
) -> pd.DataFrame:
    """Every published figure beside the value computed from the returns, the difference and
    whether the published statement holds (at the chosen treatment, and over the withheld-cell
    range). Rows about forces or regions not in this build are kept, marked not computed.

    Figures without a platform group (the number of forces) are compared with
    ``forces_with_data``.
    """
    included = sorted(set(groups["force"]))
    rows = []
    for i, row in published.reset_index(drop=True).iterrows():
        unit, comparison = row["unit"], row["comparison"]
        value_pub = float(row["value"])
        platform_group = _text(row["platform_group"])
        denominator = _text(row["denominator"])
        if not platform_group:
            value = low = high = float(forces_with_data)
            members = included
        else:
            members = area_forces(row["geography"], row["area"], forces_ref, included)
            if members is None:
                raise InputError(
                    published_file,
                    f"row {i + 2} ({row['figure_id']}), column 'area'",
                    f"area '{row['area']}' is not a force id or a release_region in forces.csv",
                    "use a force id or a region named in data/reference/forces.csv",
                )
            if unit == "percent" and denominator not in GROUPS:
                raise InputError(
                    published_file,
                    f"row {i + 2} ({row['figure_id']}), column 'denominator'",
                    f"a percentage needs a denominator group, not '{denominator}'",
                    f"use one of {', '.join(GROUPS)}",
                )
            if platform_group not in GROUPS:
                raise InputError(
                    published_file,
                    f"row {i + 2} ({row['figure_id']}), column 'platform_group'",
                    f"unknown platform group '{platform_group}'",
                    f"use one of {', '.join(GROUPS)}",
                )
            value, low, high = computed_for(groups, members, platform_group, denominator, unit)
        precision = row.get("precision")
        precision = None if precision is None or _text(precision) == "" else int(float(precision))
        holds = statement_holds(comparison, value, value_pub, precision, unit)
        over_range = holds_over_range(comparison, low, high, value_pub, precision, unit)
        note = statement_note(comparison, value, value_pub, row["as_published"], precision, unit)
        if comparison == "exact" and not holds and over_range == "in part":
            note += (
                f" The published figure lies within the range the withheld cells allow "
                f"({_fmt(low, unit)} to {_fmt(high, unit)})."
            )
        truncated = None
        if comparison == "rounded" and math.isfinite(value):
            truncated = truncate(value, precision or 0) == value_pub
        rows.append(
            {
                "figure_id": row["figure_id"],
                "geography": row["geography"],
                "area": row["area"],
                "platform_group": platform_group,
                "denominator": denominator,
                "unit": unit,
                "forces_in_build": len(members),
                "computed": value,
                "computed_lowest": low,
                "computed_highest": high,
                "published": value_pub,
                "as_published": row["as_published"],
                "comparison": comparison,
                "precision": precision,
                "difference": value - value_pub if math.isfinite(value) else math.nan,
                "holds": holds,
                "holds_if_truncated": truncated,
                "holds_over_withheld_range": over_range,
                "flag": row["flag"],
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


# --- What the published counts imply ------------------------------------------------------

PARTS = ("instagram", "facebook_messenger", "whatsapp", "other")


def published_counts(published: pd.DataFrame, geography: str, area: str) -> dict[str, float]:
    """The exact counts published for one area, by platform group, with the groups they imply:
    ``facebook_owned`` (Instagram + Facebook or Messenger + WhatsApp, or Instagram + the
    'Facebook' column), ``stated_total`` (the published count of known instances) and
    ``sum_of_parts`` (the four national platform counts added up).
    """
    rows = published[
        (published["geography"] == geography)
        & (published["area"] == area)
        & (published["unit"] == "count")
        & (published["comparison"] == "exact")
        & (published["platform_group"].fillna("") != "")
    ]
    counts = dict(zip(rows["platform_group"], rows["value"].astype(float), strict=True))
    if all(p in counts for p in NAMED_PLATFORMS):
        counts.setdefault("facebook_owned", sum(counts[p] for p in NAMED_PLATFORMS))
        counts.setdefault("facebook_column", counts["facebook_messenger"] + counts["whatsapp"])
    elif "instagram" in counts and "facebook_column" in counts:
        counts.setdefault("facebook_owned", counts["instagram"] + counts["facebook_column"])
    if "all_known" in counts:
        counts["stated_total"] = counts["all_known"]
    if all(p in counts for p in PARTS):
        counts["sum_of_parts"] = sum(counts[p] for p in PARTS)
    return counts


def _fits(results: dict[str, tuple[float, bool | None, bool | None]], counts, denominator) -> str:
    """Which total a published percentage fits, in words."""
    names = {
        "stated_total": f"the stated total ({counts.get('stated_total', math.nan):,.0f})",
        "sum_of_parts": f"the sum of the parts ({counts.get('sum_of_parts', math.nan):,.0f})",
    }
    available = [n for n, (v, _, _) in results.items() if math.isfinite(v)]
    if not available:
        return "the published counts do not give this share"
    if denominator != "all_known":
        ok = results["stated_total"][1]
        same = f"(its denominator, {GROUP_NAMES[denominator]}, is the same under either total)"
        return f"fits both totals {same}" if ok else f"does not hold for them either {same}"
    holds = [n for n in available if results[n][1]]
    truncated = [n for n in available if not results[n][1] and results[n][2]]
    if len(available) == 2 and len(holds) == 2:
        return "fits both totals"
    if holds:
        return "fits " + " and ".join(names[n] for n in holds) + " only"
    if truncated:
        return (
            "fits " + " and ".join(names[n] for n in truncated) + " only if truncated rather "
            "than rounded"
        )
    return "fits neither total"


def implied_shares(published: pd.DataFrame) -> pd.DataFrame:
    """Each published percentage tested against the published counts of the same area: over
    the stated total of known instances and, nationally, over the sum of the four platform
    counts (which is 42 short of the stated total in the March 2021 figures). Says which total
    each statement fits, and whether it fits only if the share was truncated.
    """
    percents = published[published["unit"] == "percent"].reset_index(drop=True)
    rows = []
    for _, row in percents.iterrows():
        counts = published_counts(published, row["geography"], row["area"])
        group, denominator = row["platform_group"], row["denominator"]
        precision = None if _text(row.get("precision")) == "" else int(float(row["precision"]))
        numerator = counts.get(group, math.nan)
        results = {}
        for name in ("stated_total", "sum_of_parts"):
            base = (
                counts.get(name, math.nan)
                if denominator == "all_known"
                else counts.get(denominator, math.nan)
            )
            value = (
                100 * numerator / base
                if math.isfinite(numerator) and base == base and base
                else math.nan
            )
            ok = statement_holds(
                row["comparison"], value, float(row["value"]), precision, "percent"
            )
            truncated = None
            if row["comparison"] == "rounded" and math.isfinite(value):
                truncated = truncate(value, precision or 0) == float(row["value"])
            results[name] = (value, ok, truncated)
        rows.append(
            {
                "figure_id": row["figure_id"],
                "geography": row["geography"],
                "area": row["area"],
                "as_published": row["as_published"],
                "platform_group": group,
                "denominator": denominator,
                "published_count": numerator,
                "stated_total": counts.get("stated_total", math.nan),
                "share_of_stated_total": results["stated_total"][0],
                "holds_with_stated_total": results["stated_total"][1],
                "sum_of_parts": counts.get("sum_of_parts", math.nan),
                "share_of_sum_of_parts": results["sum_of_parts"][0],
                "holds_with_sum_of_parts": results["sum_of_parts"][1],
                "fits": _fits(results, counts, denominator),
            }
        )
    return pd.DataFrame(rows)
