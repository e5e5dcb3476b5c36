"""The largest-platforms chart: each of the build's largest named platforms' share of the
instances with a known platform, with its range over the withheld cells, the owner group's
platforms in their own colour (``table``: step 20's ``platforms`` table, with its source)."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from src.figures.inputs import ChartWords, chart_data
from src.figures.style import NOTE_SIZE, colours, interval_lines, new_figure, percent

PLATFORMS_DATA = [
    "rank",
    "platform",
    "name",
    "in_owner_group",
    "count",
    "share",
    "share_lowest",
    "share_highest",
    "forces",
]


def largest_platforms(
    table: pd.DataFrame, subtitle: str, badge: str, *, words: ChartWords
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The largest-platforms chart (see the module's docstring)."""
    c = colours()
    data = table.sort_values("rank", ignore_index=True)
    owned = data["in_owner_group"].astype(str).str.lower() == "true"
    top = data.iloc[0]
    title = (
        f"{top['name']} was the largest platform: {percent(float(top['share']))} of instances "
        "with a known platform"
    )
    notes = [
        f"Dark bars: {words.owner_group_name}; light bars: other platforms. Lines: the range "
        "the small counts forces withheld allow.",
        "A platform is counted once for each instance it was recorded in; categories (such as "
        "online gaming) and unknown platforms are not ranked.",
        words.source_line,
    ]
    fig, ax = new_figure(
        0.42 * len(data) + 0.3, title, subtitle, notes, badge, left_in=1.9, right_in=0.6
    )
    y = np.arange(len(data))[::-1]
    ax.barh(
        y, data["share"], color=[c["dark_blue"] if o else c["turquoise"] for o in owned], height=0.6
    )
    low, high = data["share_lowest"], data["share_highest"]
    interval_lines(ax, y, data["share"], low, high, True, ecolor="black", capsize=3, lw=1)
    for yi, (_, row) in zip(y, data.iterrows(), strict=True):
        ax.text(
            float(row["share_highest"]) + 1,
            yi,
            percent(float(row["share"])),
            va="center",
            fontsize=NOTE_SIZE,
        )
    ax.set_yticks(y, data["name"])
    ax.set_xlim(0, min(100, float(data["share_highest"].max()) * 1.2 + 5))
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Share of instances with a known platform")
    alt = (
        f"Bar chart of the {len(data)} largest named platforms by share of instances with a "
        "known platform: "
        + "; ".join(
            f"{row['name']} {percent(float(row['share']))}"
            + (f" ({words.owner_group_name})" if o else "")
            for o, (_, row) in zip(owned, data.iterrows(), strict=True)
        )
        + "."
        + (f" {badge}." if badge else "")
    )
    return fig, chart_data(data, PLATFORMS_DATA), alt
