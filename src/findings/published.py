"""The published figures against the returns and against each other: how a reader rounds,
whether each published statement holds for a computed value (and over the withheld-cell range),
the value the returns give for each published figure, and the shares the published counts
themselves imply.
"""

from __future__ import annotations

import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from src.errors import InputError
from src.findings.coverage import (
    coverage_problem,
    not_comparable_note,
    release_coverage,
    verdict,
)
from src.findings.readings import tolerance
from src.findings.shares import NAMED_PLATFORMS, group_order, itemising, share, totals
from src.vocab import COUNT_PLACES, PERCENT_PLACES

# --- Rounding --------------------------------------------------------------------------------


def finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def rounded(table: pd.DataFrame, columns: list[str], unit_column: str = "unit") -> pd.DataFrame:
    """Round percentages to PERCENT_PLACES and counts to COUNT_PLACES, row by row."""
    out = table.copy()
    places = np.where(out[unit_column] == "percent", PERCENT_PLACES, COUNT_PLACES)
    for column in columns:
        if column in out:
            values = pd.to_numeric(out[column], errors="coerce").astype(float)
            out[column] = [
                round(v, int(p)) if finite(v) else np.nan
                for v, p in zip(values, places, strict=True)
            ]
    return out


# --- Published statements --------------------------------------------------------------------


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
    ``approx_one_in``: "one in N" is the nearest whole N to 1 / share; ``almost``
    ("nearly half"): below the published value by less than its tolerance, in points (a
    percentage) or per cent of it (any other unit). Each reading and its tolerance is
    ``data/reference/readings.csv``'s (:mod:`src.findings.readings`).
    """
    if computed is None or not math.isfinite(computed):
        return None
    tolerance(comparison)  # an unknown wording stops here, naming the known ones
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
    if comparison == "almost":
        low, high, _ = _target(comparison, published, precision, unit)
        return bool(low <= computed < high)
    raise ValueError(f"unknown comparison rule '{comparison}'")


def _target(comparison: str, published: float, precision, unit: str) -> tuple[float, float, bool]:
    """The interval of computed values for which the statement holds: (low, high, high open)."""
    if comparison == "exact":
        return published, published, False
    if comparison == "rounded":
        places = 0 if precision is None or pd.isna(precision) else int(precision)
        half = tolerance(comparison) * 10**-places
        return published - half, published + half, True
    if comparison == "more_than":
        return math.nextafter(published, math.inf), math.inf, False
    if comparison == "almost":
        points = tolerance(comparison)
        below = points if unit == "percent" else published * points / 100
        return published - below, published, True
    if comparison == "approx_one_in":
        n = _published_n(published, unit)
        scale = 100 if unit == "percent" else 1
        # one_in(s) == n  <=>  n - 0.5 <= 1/s < n + 0.5  <=>  1/(n+0.5) < s <= 1/(n-0.5)
        half = tolerance(comparison)
        return math.nextafter(scale / (n + half), math.inf), scale / (n - half), False
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
    if comparison == "almost":
        low, _, _ = _target(comparison, published, precision, unit)
        verdict = "holds" if holds else "does not hold"
        return (
            f"{shown} against 'almost' {_fmt(published, unit, 2)} (read as from "
            f"{_fmt(low, unit, 2)} to under {_fmt(published, unit, 2)}): '{as_published}' "
            f"{verdict}."
        )
    if holds:
        return f"{shown} matches the published {as_published}."
    return f"{shown} against the published {as_published}: a difference of {_fmt(computed - published, unit, 2)}."


# --- Computing the value behind a published figure -------------------------------------------


def published_for_wave(published: pd.DataFrame, wave: pd.Series) -> pd.DataFrame:
    """The published figures of the releases about this wave (their ``wave`` column), less
    the statements that compare it with another wave (``compares_with``), which the
    comparison of waves judges. None for a wave no release is about."""
    mine = published["wave"] == wave["wave"]
    if "compares_with" in published.columns:
        mine &= published["compares_with"].fillna("").str.strip() == ""
    return published[mine].reset_index(drop=True)


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
    days: int = 1,
) -> tuple[float, float, float]:
    """(value, lowest, highest) for a published figure's definition over ``forces``, in its
    unit: a count, a percentage of ``denominator``, or a count a day (``per_day``: over the
    ``days`` of the wave)."""
    if not forces:
        return math.nan, math.nan, math.nan
    tot = totals(groups, forces)
    if unit == "percent":
        item = share(tot, platform_group, denominator)
        return 100 * item.value, 100 * item.lowest, 100 * item.highest
    row = tot.loc[platform_group]
    per = days if unit == "per_day" else 1
    return float(row["value"]) / per, float(row["value_min"]) / per, float(row["value_max"]) / per


#: The columns of :func:`compare_published` (an empty table keeps them).
COMPARISON_COLUMNS = [
    "figure_id",
    "release",
    "geography",
    "area",
    "platform_group",
    "denominator",
    "unit",
    "forces_in_build",
    "forces_counted",
    "forces_used",
    "computed",
    "computed_lowest",
    "computed_highest",
    "published",
    "as_published",
    "comparison",
    "precision",
    "difference",
    "holds",
    "holds_if_truncated",
    "holds_over_withheld_range",
    "own_figures",
    "verdict",
    "flag",
    "note",
    "coverage_note",
    "returns",
]

#: What the release's other figures say of a figure (:func:`own_figures`).
AGREE, DISAGREE = "agree", "disagree"


def own_figures(published: pd.DataFrame) -> dict[str, str]:
    """Whether each figure agrees with the release's other figures, judged from the published
    figures alone (figure id -> ``agree``, ``disagree``; no entry when nothing published
    bears on it):

    - a percentage against the published counts of the same area (its share of the stated
      total, :func:`implied_shares`);
    - a count against every exact count of the same measure, area and group in the same
      release (two numbers of police forces; a "more than" figure against the exact one), and a stated
      total of known instances against the sum of the published platform counts of the area
      when the release printed every part.
    """
    out: dict[str, str] = {}
    implied = implied_shares(published)
    for row in implied.itertuples(index=False):
        if finite(row.share_of_stated_total):
            out[row.figure_id] = AGREE if row.holds_with_stated_total else DISAGREE
    counts = published[published["unit"] == "count"]
    key = ["release", "geography", "area", "platform_group"]
    for _, group in counts.groupby(key, sort=False):
        exact = group[group["comparison"] == "exact"]
        for _, row in group.iterrows():
            precision = None if _text(row.get("precision")) == "" else int(float(row["precision"]))
            others = exact[exact["figure_id"] != row["figure_id"]]
            verdicts = [
                statement_holds(
                    row["comparison"], float(v), float(row["value"]), precision, "count"
                )
                for v in others["value"]
            ]
            if verdicts:
                out[row["figure_id"]] = AGREE if all(verdicts) else DISAGREE
    for _, row in counts[counts["platform_group"] == "all_known"].iterrows():
        parts = published_counts(
            published[published["release"] == row["release"]], row["geography"], row["area"]
        )
        if "sum_of_parts" in parts and row["comparison"] == "exact":
            agrees = parts["sum_of_parts"] == float(row["value"])
            if not agrees or row["figure_id"] not in out:
                out[row["figure_id"]] = AGREE if agrees else DISAGREE
    return out


def compare_published(
    published: pd.DataFrame,
    groups: pd.DataFrame,
    forces_ref: pd.DataFrame,
    forces_with_data: int,
    published_file: str = "the published figures",
    days: int = 1,
    provenance: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Every published figure beside the value computed from the returns, the difference and
    whether the published statement holds (at the chosen treatment, and over the withheld-cell
    range). Rows about forces or regions not in this build are kept, marked not computed.
    ``provenance`` is each force's return's (real or simulated): ``returns`` says which the
    figure was computed from, and a figure computed from any simulated return is a check of the
    method (:func:`verdict`).

    Figures without a platform group (the number of forces) are compared with
    ``forces_with_data``. A figure about an area none of whose forces is in the build is kept
    and said to be not comparable. A figure is computed over the forces of its area whose
    returns give its count (:func:`~src.findings.shares.itemising`), and compared only when
    those are the forces the release covered (its ``forces``, else every force of the area in
    the build): otherwise its verdict is "not comparable", with the reason
    (:func:`coverage_problem`). With no published figures the table has its columns and no rows.
    """
    included = sorted(set(groups["force"]))
    own = own_figures(published)
    names = dict(zip(forces_ref["force"], forces_ref["name"], strict=True))
    rows = []
    for i, row in published.reset_index(drop=True).iterrows():
        unit, comparison = row["unit"], row["comparison"]
        value_pub = float(row["value"])
        # A message names the file and row the figure was read from (when known).
        where = _text(row.get("source_file")) or published_file
        at = int(row["source_row"]) if _text(row.get("source_row")) else i + 2
        platform_group = _text(row["platform_group"])
        denominator = _text(row["denominator"])
        groups_known = group_order(groups)
        problem = ""
        if not platform_group:
            value = low = high = float(forces_with_data)
            members = counted = included
        else:
            members = area_forces(row["geography"], row["area"], forces_ref, included)
            if members is None:
                raise InputError(
                    where,
                    f"row {at} ({row['figure_id']}), column 'area'",
                    f"area '{row['area']}' is not a force id or a release_region in forces.csv",
                    "use a force id or a region named in data/reference/forces.csv",
                )
            if unit == "percent" and denominator not in groups_known:
                raise InputError(
                    where,
                    f"row {at} ({row['figure_id']}), column 'denominator'",
                    f"a percentage needs a denominator group, not '{denominator}'",
                    f"use one of {', '.join(groups_known)}",
                )
            if platform_group not in groups_known:
                raise InputError(
                    where,
                    f"row {at} ({row['figure_id']}), column 'platform_group'",
                    f"unknown platform group '{platform_group}'",
                    f"use a group of groups.csv or a platform of platforms.csv: "
                    f"{', '.join(groups_known)}",
                )
            counted = itemising(groups, platform_group, denominator, forces=members)
            problem = coverage_problem(members, counted, release_coverage(row.get("forces")), names)
            value, low, high = computed_for(
                groups, counted, platform_group, denominator, unit, days
            )
        precision = row.get("precision")
        precision = None if precision is None or _text(precision) == "" else int(float(precision))
        holds = statement_holds(comparison, value, value_pub, precision, unit)
        over_range = holds_over_range(comparison, low, high, value_pub, precision, unit)
        note = statement_note(comparison, value, value_pub, row["as_published"], precision, unit)
        if platform_group and not members:
            problem = not_comparable_note(row["geography"], row["area"])
            note = problem
        elif problem:
            note = f"{problem} {note}"
        if comparison == "exact" and not holds and over_range == "in part":
            note += (
                f" The published figure lies within the range the withheld cells allow "
                f"({_fmt(low, unit)} to {_fmt(high, unit)})."
            )
        truncated = None
        if comparison == "rounded" and math.isfinite(value):
            truncated = truncate(value, precision or 0) == value_pub
        # Without provenance given, the returns are taken as they come (real).
        kinds = {provenance.get(f, "simulated") for f in counted} if provenance else {"real"}
        kind = kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "")
        rows.append(
            {
                "figure_id": row["figure_id"],
                "release": _text(row.get("release")),
                "geography": row["geography"],
                "area": row["area"],
                "platform_group": platform_group,
                "denominator": denominator,
                "unit": unit,
                "forces_in_build": len(members),
                "forces_counted": len(counted),
                "forces_used": ";".join(counted),
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
                "own_figures": own.get(row["figure_id"], ""),
                "verdict": verdict(
                    holds,
                    own.get(row["figure_id"], ""),
                    not (platform_group and not members) and not problem,
                    simulated=kind != "real",
                    over_range=over_range,
                    truncated=truncated,
                ),
                "flag": row["flag"],
                "note": note,
                "coverage_note": problem,
                "returns": kind,
            }
        )
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


# --- What the published counts imply ---------------------------------------------------------

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
        same = "(its denominator is the same under either total)"
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


#: The columns of :func:`implied_shares` (an empty table keeps them).
IMPLIED_COLUMNS = [
    "figure_id",
    "geography",
    "area",
    "as_published",
    "platform_group",
    "denominator",
    "published_count",
    "stated_total",
    "share_of_stated_total",
    "holds_with_stated_total",
    "sum_of_parts",
    "share_of_sum_of_parts",
    "holds_with_sum_of_parts",
    "fits",
]


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
    return pd.DataFrame(rows, columns=IMPLIED_COLUMNS)


def consistency_table(published: pd.DataFrame) -> pd.DataFrame:
    """Each published percentage against the published counts it should come from."""
    table = implied_shares(published)
    for column in ("share_of_stated_total", "share_of_sum_of_parts"):
        table[column] = table[column].round(PERCENT_PLACES)
    return table


def consistency_sentence(row: pd.Series) -> str:
    """What the published counts of the same area say about a published percentage."""
    stated, parts = row["share_of_stated_total"], row["share_of_sum_of_parts"]
    if not finite(stated):
        return ""
    text = (
        f"The published counts give {stated:.2f}% of the stated total ({row['stated_total']:,.0f})"
    )
    if finite(parts) and row["denominator"] == "all_known":
        text += f" and {parts:.2f}% of the sum of the parts ({row['sum_of_parts']:,.0f})"
    return f"{text}: the published statement {row['fits']}."


def total_sentence(published: pd.DataFrame, match: pd.Series) -> str:
    """Whether a loose statement about the national total ("more than 9,470") fits the stated
    total and the sum of the published platform counts."""
    counts = published_counts(published, "national", match["area"])
    if "stated_total" not in counts or "sum_of_parts" not in counts:
        return ""
    verdicts = []
    for name, label in (
        ("stated_total", "the stated total"),
        ("sum_of_parts", "the sum of the parts"),
    ):
        ok = statement_holds(match["comparison"], counts[name], match["published"])
        verdicts.append(f"{label} ({counts[name]:,.0f}) {'fits' if ok else 'does not fit'} it")
    return f"Of the published figures, {verdicts[0]}; {verdicts[1]}."
