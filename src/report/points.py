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
from src.vocab import JUDGED, OWN_DISAGREE

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
                c: number(row[c])
                for c in ("computed", "withheld_lowest", "withheld_highest", "forces_counted")
                if c in row
            }
    return out


def real_points(checks: pd.DataFrame | None, regional: pd.DataFrame | None) -> list[str]:
    """What is real leads: where the release's own figures disagree with each other
    (``release_checks.csv``), then where real returns disagree with it (``regional.csv``)."""
    points = []
    if checks is not None and len(checks):
        for _, row in checks[checks["agrees"].astype(str) == "False"].head(3).iterrows():
            points.append(f"The release against itself: '{row['as_published']}'. {row['finding']}")
    if regional is not None and "returns" in regional:
        real = regional[
            (regional["returns"] == "real") & regional["verdict"].isin([*JUDGED[1:], OWN_DISAGREE])
        ]
        for _, row in real.head(2).iterrows():
            points.append(
                f"Against the real returns, '{row['as_published']}' ({row['area']}): "
                f"{row['verdict']}. {row['note']}"
            )
    return points


def main_points(
    headline: pd.DataFrame,
    build: dict[str, str],
    forces_asked: int,
    totals: dict[str, str] | None,
    names: dict[str, str],
    checks: pd.DataFrame | None = None,
    regional: pd.DataFrame | None = None,
) -> list[str]:
    """The main points, in order: what is real first (:func:`real_points`), then the figures
    from every return. ``totals`` is the release's stated total and sum of parts
    (:func:`src.report.prose.published_totals`), None when it did not publish both; ``names``
    gives each platform group's name."""
    rows = headline_rows(headline)
    known = rows.get("all_known_count")
    unknown = rows.get("unknown_count")
    points = real_points(checks, regional)
    if build.get("headline"):
        points.append(f"{build['headline']} {build.get('returns_sentence', '')}".strip())
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
    # The owner group's share is the headline sentence's (above); each platform of it follows,
    # over the forces whose returns itemise it when that is fewer than all.
    every = number(forces) if forces else None
    for group in [g.strip() for g in build.get("owned_platforms", "").split(",") if g.strip()]:
        count, part = rows.get(f"{group}_count"), rows.get(f"{group}_of_all_known")
        if count and part and count["computed"] is not None and part["computed"] is not None:
            over = part.get("forces_counted")
            fewer = over is not None and every is not None and over < every
            points.append(
                f"{names.get(group, group)}: {whole(count['computed'])} instances, "
                f"{share_text(part['computed'])} of those with a known platform"
                + (
                    f" at the {over:.0f} of {every:.0f} forces whose returns itemise it"
                    if fewer
                    else ""
                )
                + "."
            )
    if totals and (checks is None or checks.empty):  # else said among the release's checks
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
