"""The release checked against itself, before anything is computed from the returns: each of
its published percentages against the published counts it should come from (over the stated
total and over the sum of the published parts), each count against the release's other counts
of the same thing, and the stated total against the sum of its parts. These are findings about
the release from published figures alone, so they hold whatever the returns are.
"""

from __future__ import annotations

import pandas as pd

from src.findings.published import (
    DISAGREE,
    consistency_sentence,
    implied_shares,
    own_figures,
    published_counts,
)

COLUMNS = ["figure_id", "geography", "area", "as_published", "agrees", "finding"]


def release_checks(published: pd.DataFrame) -> pd.DataFrame:
    """One row per published figure that the release's other figures bear on: ``agrees``
    (whether they agree with it) and ``finding`` in words; disagreements first, then the
    national figures before the regional and force ones."""
    rows = []
    own = own_figures(published)
    implied = implied_shares(published).set_index("figure_id")
    by_id = published.set_index("figure_id")
    said_with = set()  # counts already named as another's counterpart: each pair said once
    for figure_id, said in own.items():
        if figure_id in said_with:
            continue
        row = by_id.loc[figure_id]
        parts = published_counts(published, row["geography"], row["area"])
        if (
            row["platform_group"] == "all_known"
            and parts.get("sum_of_parts", row["value"]) != row["value"]
        ):
            continue  # a stated total against its parts: said once, below
        if figure_id in implied.index:
            finding = consistency_sentence(implied.loc[figure_id])
        else:
            same = published[
                (published["geography"] == row["geography"])
                & (published["area"] == row["area"])
                & (published["platform_group"].fillna("") == (row["platform_group"] or ""))
                & (published["unit"] == row["unit"])
                & (published["figure_id"] != figure_id)
            ]
            others = ", ".join(f"'{v}'" for v in same["as_published"])
            said_with |= set(same["figure_id"])
            finding = (
                f"The release also printed {others}."
                if others
                else "The release's published parts do not add up to it."
            )
        rows.append(
            {
                "figure_id": figure_id,
                "geography": row["geography"],
                "area": row["area"],
                "as_published": row["as_published"],
                "agrees": said != DISAGREE,
                "finding": finding,
            }
        )
    for area, geography in sorted(
        set(zip(published["area"], published["geography"], strict=True)) if len(published) else []
    ):
        counts = published_counts(published, geography, area)
        if "stated_total" in counts and "sum_of_parts" in counts:
            gap = counts["stated_total"] - counts["sum_of_parts"]
            if gap:
                rows.append(
                    {
                        "figure_id": "",
                        "geography": geography,
                        "area": area,
                        "as_published": f"{counts['stated_total']:,.0f}",
                        "agrees": False,
                        "finding": (
                            f"The stated total ({counts['stated_total']:,.0f}) is "
                            f"{abs(gap):,.0f} {'more' if gap > 0 else 'less'} than the sum of the "
                            f"published platform counts ({counts['sum_of_parts']:,.0f})."
                        ),
                    }
                )
    table = pd.DataFrame(rows, columns=COLUMNS)
    order = table["geography"].map({"national": 0, "region": 1, "force": 2}).fillna(3)
    return (
        table.assign(_o=order)
        .sort_values(["agrees", "_o", "area", "figure_id"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
