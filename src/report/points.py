"""The report's "Main points": a few sentences in plain numbers for a reader who reads nothing
else. Counts are whole numbers (with the range the withheld cells leave, where they leave one),
shares have one decimal place, and the chain of denominators is spelt out: the forces asked,
those whose returns gave platforms, the instances, those with a known platform, those on the
owner group's apps; and, where the release published both, its stated total against the sum of
its published parts.

Every number comes from the build's tables (``headline.csv``, ``published_consistency.csv``) and
``coverage.csv``; nothing here computes a statistic.
"""

from __future__ import annotations

import math

import pandas as pd

from src.report.numbers import measure_key, number

#: Shares in the main points: one decimal place, for a lay reader.
POINT_PLACES = 1


def whole(value: float) -> str:
    """A count as a whole number with thousands separators (halves up)."""
    return f"{math.floor(value + 0.5):,}"


def count_text(row: dict) -> str:
    """A count, and its range over the withheld cells where that range is more than one value:
    '<count> (between <lowest> and <highest>, allowing for withheld counts)'."""
    text = whole(row["computed"])
    low, high = row.get("withheld_lowest"), row.get("withheld_highest")
    if low is None or high is None or whole(low) == whole(high):
        return text
    return f"{text} (between {whole(low)} and {whole(high)}, allowing for withheld counts)"


def share_text(value: float) -> str:
    return f"{value:.{POINT_PLACES}f}%"


def headline_rows(headline: pd.DataFrame) -> dict[str, dict]:
    """The first row of each headline measure, keyed as :func:`measure_key` names it, with its
    numbers as floats (None where empty)."""
    out: dict[str, dict] = {}
    for _, row in headline.iterrows():
        key = measure_key(row)
        if key not in out:
            out[key] = {
                c: number(row[c]) for c in ("computed", "withheld_lowest", "withheld_highest")
            }
    return out


def main_points(
    headline: pd.DataFrame,
    build: dict[str, str],
    forces_asked: int,
    totals: dict[str, str] | None,
    names: dict[str, str],
) -> list[str]:
    """The main points, in order. ``totals`` is the release's stated total and sum of parts
    (:func:`src.report.prose.published_totals`), None when it did not publish both; ``names``
    gives each platform group's name."""
    rows = headline_rows(headline)
    owner = build.get("owner_group", "")
    known = rows.get("all_known_count")
    unknown = rows.get("unknown_count")
    points = [build["headline"]] if build.get("headline") else []
    forces = build.get("forces_with_data", "")
    points.append(
        f"{forces_asked:,} police forces were asked; the returns of {forces} of them gave the "
        "platform of the instances they recorded."
    )
    if known and known["computed"] is not None:
        instances = known["computed"] + ((unknown["computed"] or 0) if unknown else 0)
        points.append(
            f"They recorded {whole(instances)} instances (an offence counts once for each "
            f"platform recorded against it). The platform was known for "
            f"{count_text(known)}, and these are the denominator of every share."
        )
    owned = rows.get(f"{owner}_count")
    share = rows.get(f"{owner}_of_all_known")
    if owned and share and owned["computed"] is not None and share["computed"] is not None:
        low, high = share["withheld_lowest"], share["withheld_highest"]
        spread = (
            ""
            if low is None or high is None
            else f" (between {share_text(low)} and {share_text(high)} allowing for withheld counts)"
        )
        points.append(
            f"{count_text(owned)} of them were on {build.get('owner_group_name', owner)}: "
            f"{share_text(share['computed'])}{spread}."
        )
    for group in [g.strip() for g in build.get("owned_platforms", "").split(",") if g.strip()]:
        count, part = rows.get(f"{group}_count"), rows.get(f"{group}_of_all_known")
        if count and part and count["computed"] is not None and part["computed"] is not None:
            points.append(
                f"{names.get(group, group)}: {whole(count['computed'])} instances, "
                f"{share_text(part['computed'])} of those with a known platform."
            )
    if totals:
        gap = number(totals["gap"]) or 0
        differs = (
            f"{whole(abs(gap))} {'fewer' if gap > 0 else 'more'}" if gap else "the same number"
        )
        points.append(
            f"The release stated {totals['stated_total']} instances with a known platform; the "
            f"platform counts it published add up to {totals['sum_of_parts']}, {differs}. "
            "Its percentages are set against both."
        )
    return points
