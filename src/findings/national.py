"""The national tables: the headline figures beside the published ones, the intervals of
each headline share, their sensitivity to withheld cells, each share without each force and
the comparison of one platform's share with its share of tip-offs (figure 5). (The published series are :mod:`src.findings.series`.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from src.findings.coverage import as_read
from src.findings.exact import ExactBounds
from src.findings.intervals import leave_one_out
from src.findings.published import (
    consistency_sentence,
    implied_shares,
    round_half_up,
    rounded,
    total_sentence,
)
from src.findings.shares import (
    HEADLINE_SHARES,
    itemising,
    share,
    share_label,
    shares,
    totals,
    treatment_scenarios,
    wide,
)
from src.vocab import COUNT_PLACES, LOO_PLACES, PERCENT_PLACES, capitalised

#: The measures of the headline table, in order: (platform group, denominator, unit).
HEADLINE_MEASURES = (
    ("", "", "count"),
    ("all_known", "", "count"),
    ("facebook_owned", "", "count"),
    ("instagram", "", "count"),
    ("facebook_messenger", "", "count"),
    ("whatsapp", "", "count"),
    ("other", "", "count"),
    ("unknown", "", "count"),
    ("facebook_owned", "all_known", "percent"),
    ("instagram", "all_known", "percent"),
    ("facebook_messenger", "all_known", "percent"),
    ("whatsapp", "all_known", "percent"),
    ("whatsapp", "facebook_owned", "percent"),
    ("other", "all_known", "percent"),
)


# --- Headline --------------------------------------------------------------------------------


def measure_name(group: str, denominator: str, unit: str, names: dict[str, str]) -> str:
    """A headline measure in words; ``names`` names the platform groups (the build's)."""
    if not group:
        return "police forces with platform counts"
    if unit == "count":
        if group == "all_known":
            return "instances with a known platform"
        return f"instances on {names[group]}"
    return f"{names[group]} as a share of {_denominator_name(denominator, names)}"


def _denominator_name(denominator: str, names: dict[str, str]) -> str:
    if denominator == "all_known":
        return "instances with a known platform"
    return f"instances on {names[denominator]}"


def headline_table(
    groups: pd.DataFrame,
    comparison: pd.DataFrame,
    published: pd.DataFrame,
    names: dict[str, str],
    exact: ExactBounds | None = None,
    force_names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """National figures: every headline measure, as the release would have counted it
    (``computed``: its declared convention) and as the returns best give it (``best_estimate``,
    always within its range), with its withheld-cell range, beside each published statement
    about it (a measure with no published figure appears once).
    ``names`` names the platform groups as on the build's date.

    The range (``withheld_lowest`` to ``withheld_highest``) is ``exact``'s: every value the
    withheld cells can take given the totals the returns print (without ``exact``, given their
    markers only). The comparison's ``holds_over_withheld_range`` is judged over the same range
    when the comparison was made exact (:func:`~src.findings.exact.exact_comparison`).
    """
    national = as_read(comparison[comparison["geography"] == "national"])
    denominators = implied_shares(published).set_index("figure_id")
    every = sorted(set(groups["force"]))
    rows = []
    for group, denominator, unit in HEADLINE_MEASURES:
        counted = itemising(groups, group, denominator) if group else every
        tot = totals(groups, counted)
        value, low, high = _national_value(groups, tot, group, denominator, unit, exact, counted)
        best = _best(exact, counted, group, denominator, unit, value)
        matches = national[
            (national["platform_group"] == group)
            & (national["denominator"] == denominator)
            & (national["unit"] == unit)
        ]
        base = {
            "measure": measure_name(group, denominator, unit, names),
            "platform_group": group,
            "denominator": denominator,
            "unit": unit,
            "forces_counted": len(counted),
            "computed": value,
            "best_estimate": best,
            "withheld_lowest": low,
            "withheld_highest": high,
        }
        over = (
            "" if len(counted) == len(every) else itemised_note(counted, every, force_names or {})
        )
        if matches.empty:
            rows.append({**base, "note": f"{over}No published figure.".strip()})
            continue
        for _, match in matches.iterrows():
            row = {
                **base,
                "figure_id": match["figure_id"],
                "published": match["published"],
                "as_published": match["as_published"],
                "comparison": match["comparison"],
                "difference": match["difference"],
                "holds": match["holds"],
                "holds_if_truncated": match["holds_if_truncated"],
                "holds_over_withheld_range": match["holds_over_withheld_range"],
                "own_figures": match["own_figures"],
                "verdict": match["verdict"],
                "flag": match["flag"],
                "note": match["note"],
            }
            if match["figure_id"] in denominators.index:
                d = denominators.loc[match["figure_id"]]
                row["published_share_of_stated_total"] = d["share_of_stated_total"]
                row["published_share_of_sum_of_parts"] = d["share_of_sum_of_parts"]
                row["published_fits"] = d["fits"]
                row["note"] = f"{row['note']} {consistency_sentence(d)}"
            elif group == "all_known" and match["comparison"] != "exact":
                row["note"] = f"{row['note']} {total_sentence(published, match)}"
            rows.append(row)
    columns = [
        "measure",
        "platform_group",
        "denominator",
        "unit",
        "forces_counted",
        "computed",
        "best_estimate",
        "withheld_lowest",
        "withheld_highest",
        "figure_id",
        "published",
        "as_published",
        "comparison",
        "difference",
        "holds",
        "holds_if_truncated",
        "holds_over_withheld_range",
        "own_figures",
        "verdict",
        "published_share_of_stated_total",
        "published_share_of_sum_of_parts",
        "published_fits",
        "flag",
        "note",
    ]
    table = pd.DataFrame(rows).reindex(columns=columns)
    return rounded(
        table,
        [
            "computed",
            "best_estimate",
            "withheld_lowest",
            "withheld_highest",
            "difference",
            "published_share_of_stated_total",
            "published_share_of_sum_of_parts",
        ],
    )


def itemised_note(counted: list[str], every: list[str], names: dict[str, str]) -> str:
    """Which forces a figure leaves out because their returns do not itemise it."""
    left = sorted(set(every) - set(counted))
    shown = ", ".join(names.get(f, f) for f in left[:5]) + (" and others" if len(left) > 5 else "")
    return (
        f"Over the {len(counted):,} of {len(every):,} forces whose returns itemise it (not "
        f"{shown}). "
    )


def _best(exact, forces, group: str, denominator: str, unit: str, value: float) -> float:
    """A headline measure's best estimate from the returns (:func:`~src.findings.exact.
    best_estimates`: within its exact range, unlike the count a release's convention makes);
    the count itself for the number of forces, or without exact bounds."""
    if not group or exact is None:
        return value
    if unit == "percent":
        return 100 * exact.best_share(forces, group, denominator)
    return exact.best_count(forces, group)


def _national_value(groups, tot, group, denominator, unit, exact=None, forces=None):
    if not group:
        n = float(len(set(groups["force"])))
        return n, n, n
    forces = sorted(set(groups["force"])) if forces is None else forces
    if unit == "percent":
        item = share(tot, group, denominator)
        if exact is not None:
            low, high = exact.share_range(forces, group, denominator)
            return 100 * item.value, 100 * low, 100 * high
        return 100 * item.value, 100 * item.lowest, 100 * item.highest
    row = tot.loc[group]
    if exact is not None:
        low, high = exact.count_range(forces, group)
        return float(row["value"]), low, high
    return float(row["value"]), float(row["value_min"]), float(row["value_max"])


# --- Shares and their uncertainty ------------------------------------------------------------


def _share_label(group: str, denominator: str, names: dict[str, str]) -> str:
    if denominator == "all_known":
        return names[group]
    return f"{names[group]} (of {names[denominator]})"


#: Decimal places of the Monte Carlo error (percentage points) and of the design effect.
MC_ERROR_PLACES = 3
DESIGN_EFFECT_PLACES = 1


def _rounded_to_places(values: pd.Series, places: pd.Series) -> pd.Series:
    """Each value rounded half up to its own number of decimal places (NaN stays NaN)."""
    return pd.Series(
        [
            round_half_up(v, int(p)) if np.isfinite(v) else np.nan
            for v, p in zip(values, places, strict=True)
        ],
        index=values.index,
        dtype=float,
    )


def uncertainty_table(
    unc: pd.DataFrame, owned_platforms: tuple[str, ...], owner_group: str, names: dict[str, str]
) -> pd.DataFrame:
    """The intervals for each headline share, in percent; ``in_owner_group`` marks the owner
    group's own row (``owner_group``) and those of the named platforms it owned on the build's
    date. ``share_of`` names each share (``names``: the platform groups' names on that date).

    The bootstrap endpoints are rounded half up to the places their Monte Carlo error supports
    (``bootstrap_places``, from :func:`~src.findings.intervals.uncertainty`), and that error is
    given in percentage points (``bootstrap_mc_error``); ``design_effect`` is rounded to one
    decimal place.
    """
    out = unc.drop(columns="forces_used", errors="ignore")
    out.insert(
        0,
        "share_of",
        [_share_label(g, d, names) for g, d in zip(out["group"], out["denominator"], strict=True)],
    )
    percent_columns = [
        "share",
        "withheld_lowest",
        "withheld_highest",
        "wilson_low",
        "wilson_high",
        "unknown_bound_low",
        "unknown_bound_high",
        "known_share",
        "nonresponse_low",
        "nonresponse_high",
    ]
    for column in [c for c in percent_columns if c in out]:
        out[column] = (100 * out[column]).round(PERCENT_PLACES)
    for column in ("bootstrap_low", "bootstrap_high"):
        out[column] = _rounded_to_places(100 * out[column], out["bootstrap_places"])
    out["bootstrap_mc_error"] = (100 * out["bootstrap_mc_error"]).round(MC_ERROR_PLACES)
    out["design_effect"] = out["design_effect"].round(DESIGN_EFFECT_PLACES)
    out["count"] = out["count"].round(COUNT_PLACES)
    out["total"] = out["total"].round(COUNT_PLACES)
    out["in_owner_group"] = [g == owner_group or g in owned_platforms for g in out["group"]]
    return out


def withheld_table(
    groups: pd.DataFrame, names: dict[str, str], exact: ExactBounds | None = None
) -> pd.DataFrame:
    """Each headline share with withheld cells at the chosen treatment, its range, and every
    withheld cell at its minimum, midpoint and maximum; whether the rounded figure changes.

    ``lowest`` and ``highest`` are the exact range (``exact``): every value the share can take
    given the withheld cells' markers and the totals the returns print. ``marker_lowest`` and
    ``marker_highest`` are the range the markers alone allow (a sensitivity analysis: the
    printed totals ignored). ``bounded_cells`` counts the withheld cells a printed total covers
    and ``pinned_cells`` those it fixes exactly (they are known); ``range_note`` says so in
    words. Without ``exact`` both ranges are the markers'.
    """
    tot = totals(groups)
    forces = sorted(set(groups["force"]))
    scenarios = treatment_scenarios(groups).set_index(["group", "denominator"])
    rows = []
    for item in shares(tot):
        scenario = scenarios.loc[(item.group, item.denominator)]
        marker_low, marker_high = 100 * item.lowest, 100 * item.highest
        if exact is not None:
            low, high = exact.share_range(forces, item.group, item.denominator)
            lowest, highest = 100 * low, 100 * high
            count_low, count_high = exact.count_range(forces, item.denominator)
            bounded = exact.count(forces, item.denominator, "bounded_cells")
            pinned = exact.count(forces, item.denominator, "pinned_cells")
        else:
            lowest, highest = marker_low, marker_high
            count_low, count_high = (float(tot.loc[item.denominator, c]) for c in COUNT_RANGE)
            bounded = pinned = 0
        cells = int(tot.loc[item.denominator, "withheld_cells"])
        rows.append(
            {
                "share_of": _share_label(item.group, item.denominator, names),
                "group": item.group,
                "denominator": item.denominator,
                "default": 100 * item.value,
                "lowest": lowest,
                "highest": highest,
                "marker_lowest": marker_low,
                "marker_highest": marker_high,
                "all_withheld_at_minimum": 100 * scenario["all_minimum"],
                "all_withheld_at_midpoint": 100 * scenario["all_midpoint"],
                "all_withheld_at_maximum": 100 * scenario["all_maximum"],
                "withheld_cells": cells,
                "bounded_cells": bounded,
                "pinned_cells": pinned,
                "withheld_instances_at_most": float(
                    tot.loc[item.denominator, "value_max"] - tot.loc[item.denominator, "value_min"]
                ),
                "denominator_lowest": count_low,
                "denominator_highest": count_high,
                "whole_percent_changes": bool(
                    round_half_up(lowest, 0) != round_half_up(highest, 0)
                ),
                "range_note": range_note(
                    cells, bounded, pinned, (lowest, highest), (marker_low, marker_high)
                ),
            }
        )
    table = pd.DataFrame(rows)
    for column in (
        "default",
        "lowest",
        "highest",
        "marker_lowest",
        "marker_highest",
        "all_withheld_at_minimum",
        "all_withheld_at_midpoint",
        "all_withheld_at_maximum",
    ):
        table[column] = table[column].round(PERCENT_PLACES)
    return table


#: The columns of :func:`~src.findings.shares.totals` that give a count's marker-only range.
COUNT_RANGE = ("value_min", "value_max")


def range_note(cells: int, bounded: int, pinned: int, exact, marker) -> str:
    """Which range is which, in words: the exact one (given the printed totals) and the one
    the withheld cells' markers alone allow; how many withheld cells the totals cover or fix."""
    if not cells:
        return "No withheld cell: the share is known exactly."

    def span(pair):
        return f"{pair[0]:.{PERCENT_PLACES}f}% to {pair[1]:.{PERCENT_PLACES}f}%"

    known = (
        f"; the totals fix {pinned} of them exactly, so those are known"
        if pinned
        else "; none is fixed exactly by them"
    )
    return (
        f"Lowest and highest: {span(exact)}, every value the {cells} withheld cells can take "
        f"given the totals the returns print ({bounded} of the cells are covered by a printed "
        f"total{known}). The withheld cells' markers alone, ignoring the printed totals, allow "
        f"{span(marker)} (marker_lowest and marker_highest: a sensitivity analysis)."
    )


def leave_one_out_table(
    groups: pd.DataFrame,
    force_names: dict[str, str],
    owner_group: str,
    names: dict[str, str],
) -> pd.DataFrame:
    """Each headline share without each force, and the change in percentage points; forces in
    order of how far they move the owner group's share (``owner_group``).

    Each share is over the forces whose returns give its count
    (:func:`~src.findings.shares.itemising`), and each is left out of it in turn, from the
    returns' own counts before disclosure control (``groups`` at the best estimates,
    :func:`~src.findings.exact.at_best_estimates`: a withheld cell at its best estimate, never
    0): the analysis is on the counts; only what is published of each force is rounded and
    redacted.
    """
    pieces = []
    for pair in HEADLINE_SHARES:
        counted = itemising(groups, *pair)
        table = wide(groups[groups["force"].isin(counted)])
        pieces.append(leave_one_out(table=table, pairs=[pair]))
    loo = pd.concat(pieces, ignore_index=True)
    loo["share_of"] = [
        _share_label(g, d, names) for g, d in zip(loo["group"], loo["denominator"], strict=True)
    ]
    loo["share_without"] = (100 * loo["share_without"]).round(LOO_PLACES)
    loo["change_points"] = (100 * loo["change"]).round(LOO_PLACES)
    loo["force_name"] = loo["force"].map(force_names)
    key = share_label(owner_group, "all_known")
    order = (
        loo[(loo["group"] + "_of_" + loo["denominator"]) == key]
        .assign(size=lambda d: d["change"].abs())
        .sort_values(["size", "force"], ascending=[False, True])["force"]
        .tolist()
    )
    loo["order"] = loo["force"].map({f: i for i, f in enumerate(order)})
    pair_order = {pair: i for i, pair in enumerate(HEADLINE_SHARES)}
    loo["pair"] = [
        pair_order[(g, d)] for g, d in zip(loo["group"], loo["denominator"], strict=True)
    ]
    loo = loo.sort_values(["order", "pair"], ignore_index=True)
    columns = [
        "force",
        "force_name",
        "share_of",
        "group",
        "denominator",
        "share_without",
        "change_points",
    ]
    return loo[columns]


# --- Context ---------------------------------------------------------------------------------


#: The columns of the tip-offs comparison (figure 5), also when it has no rows.
TIPOFF_COLUMNS = [
    "measure",
    "share",
    "low",
    "high",
    "flag",
    "source",
    "period_start",
    "period_end",
    "periods_overlap",
]


def periods_overlap(a: tuple[str, str], b: tuple[str, str]) -> bool | None:
    """Whether two periods (first and last days, YYYY-MM-DD) share a day; None if either is
    not given."""
    if not all(a) or not all(b):
        return None
    return a[0] <= b[1] and b[0] <= a[1]


def whatsapp_table(
    unc: pd.DataFrame,
    context: pd.DataFrame,
    returns: str,
    comparison: dict,
    owner_group: str,
    names: dict[str, str],
    period: tuple[str, str] = ("", ""),
) -> pd.DataFrame:
    """One platform's share of the owner group's instances (computed) beside its share of the
    tip-offs its owner sent to the NCA (as stated in the release), for figure 5.

    ``comparison`` is ``words.yaml``'s ``tipoffs`` (the platform and the figure of
    ``context.csv``); ``returns`` says what the returns were (:func:`~src.findings.text.
    returns_source`); ``names`` names the platform groups. Without that figure, or without the
    platform's share of the owner group, the table has no rows (and figure 5 is not drawn).
    ``period`` is the build's wave; each row states its period, and ``periods_overlap``
    whether the tip-off figure's period shares a day with the wave's (empty if it has none).
    """
    platform, figure = comparison["platform"], comparison["context_figure"]
    rows = unc[(unc["group"] == platform) & (unc["denominator"] == owner_group)]
    tip = context[context["figure_id"] == figure]
    if tip.empty or rows.empty:
        return pd.DataFrame(columns=TIPOFF_COLUMNS)
    row, tip = rows.iloc[0], tip.iloc[0]
    tip_period = (str(tip.get("period_start", "")), str(tip.get("period_end", "")))
    overlap = periods_overlap(period, tip_period)
    return pd.DataFrame(
        [
            {
                "measure": f"{names[platform]} share of police-recorded instances on "
                f"{names[owner_group]}",
                "share": round(100 * row["share"], PERCENT_PLACES),
                "low": round(100 * row["bootstrap_low"], PERCENT_PLACES),
                "high": round(100 * row["bootstrap_high"], PERCENT_PLACES),
                "flag": "",
                "source": returns,
                "period_start": period[0],
                "period_end": period[1],
                "periods_overlap": overlap,
            },
            {
                "measure": capitalised(str(tip["measure"])),
                "share": float(tip["value"]),
                "low": np.nan,
                "high": np.nan,
                "flag": tip["flag"],
                "source": f"{tip['source_title']} ({tip['source_url']})",
                "period_start": tip_period[0],
                "period_end": tip_period[1],
                "periods_overlap": overlap,
            },
        ]
    )[TIPOFF_COLUMNS]
