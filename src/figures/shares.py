"""The platform-shares chart: two stacked columns that add to 100% of the instances with a
known platform, the owner group's (made of the platform groups it owned) and the rest's, each
with the 95% interval of its total. Which column a part is in is the table's, never a name.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects

from src.figures.inputs import SOURCE_COLUMNS, ChartWords, stale
from src.figures.style import (
    FONT_SIZE,
    NOTE_SIZE,
    WIDTH_IN,
    colours,
    interval_lines,
    new_figure,
    percent,
    text_width_in,
    wrap,
)

#: Each share is rounded half up to one decimal place, so a part is within 0.05 points of its
#: true value: a column's parts may add to their column's share give or take that much each.
ROUNDING = 0.05
LEFT_IN, RIGHT_IN = 0.75, 0.3
AXES_IN = WIDTH_IN - LEFT_IN - RIGHT_IN
COLUMN_IN = 0.9  # each column's width
MARGIN_IN = 0.25  # from the axes' edges to the first column
LEADER_IN = 0.25  # from a column to its parts' labels
SPACE_IN = 0.1  # at least, between a part's label and the next column
PLOT_IN = 2.7


def drawn_columns(data: pd.DataFrame) -> list[str]:
    """The chart's columns, left to right: the rows that are no column's part and are drawn
    (the owner group's total, then the rest's)."""
    return list(data.loc[(data["part_of"] == "") & data["drawn"], "group"])


def stacked(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (:func:`~src.figures.inputs.shares_input`) with ``interval_drawn``: True for
    the rows whose 95% interval the chart draws (the columns' totals). Stops if a part names a
    column the table has no total for."""
    data = table.reset_index(drop=True).copy()
    columns = drawn_columns(data)
    orphans = sorted(set(data.loc[data["part_of"] != "", "part_of"]) - set(columns))
    if orphans or not columns:
        raise stale(
            "uncertainty",
            f"rows with group {', '.join(orphans) or 'of the owner group'} and denominator "
            "all_known",
            "the platform-shares chart stacks parts in a column the table has no total row for",
        )
    data["interval_drawn"] = (data["part_of"] == "") & data["drawn"]
    columns = [c for c in data.columns if c not in SOURCE_COLUMNS]
    return data[columns + [c for c in SOURCE_COLUMNS if c in data]]


def segments(data: pd.DataFrame, group: str) -> list[tuple[int | None, float, float]]:
    """The stacked segments of ``group``'s column, bottom to top: (row of the part, or None for
    what no listed part holds; bottom; height). Parts may miss their column by rounding, at
    most :data:`ROUNDING` each; more is a fault in the tables.
    """
    total = data[data["group"] == group].iloc[0]
    parts = data[data["part_of"] == group]
    out: list[tuple[int | None, float, float]] = []
    bottom = 0.0
    for i, part in parts.iterrows():
        out.append((int(i), bottom, float(part["share"])))
        bottom += float(part["share"])
    allowed = ROUNDING * (len(parts) + 1) + 1e-9
    if abs(bottom - total["share"]) > allowed:
        raise RuntimeError(
            f"the parts of the chart's column {group} add to {bottom:.2f}%, but its share is "
            f"{total['share']:.2f}%: more apart than rounding allows ({allowed:.2f} points)"
        )
    return out


def part_labels(data: pd.DataFrame) -> dict[int, list[str]]:
    """Each part's label (its group's label and share), wrapped to the room beside columns."""
    texts = {int(i): f"{row['label']} {percent(row['share'])}" for i, row in data.iterrows()}
    parts = data.index[data["part_of"] != ""]
    with_parts = max(1, data.loc[parts, "part_of"].nunique())
    room = (
        (AXES_IN - 2 * MARGIN_IN - len(drawn_columns(data)) * COLUMN_IN) / with_parts
        - LEADER_IN
        - SPACE_IN
    )
    return {int(i): wrap(texts[int(i)], room, NOTE_SIZE + 1) for i in parts}


def column_centres(data: pd.DataFrame, labels: dict[int, list[str]]) -> list[float]:
    """Where each column stands, in inches from the axes' left edge: a column with parts
    leaves room for their labels on its right; the rest is spread evenly.
    """
    widths = []
    for group in drawn_columns(data):
        parts = data.index[data["part_of"] == group]
        beside = max(
            (text_width_in(line, NOTE_SIZE + 1) for i in parts for line in labels[int(i)]),
            default=0.0,
        )
        widths.append(COLUMN_IN + (LEADER_IN + beside + SPACE_IN if len(parts) else 0.0))
    spare = max(0.0, AXES_IN - 2 * MARGIN_IN - sum(widths)) / len(widths)
    centres, x = [], MARGIN_IN
    for width in widths:
        centres.append(x + COLUMN_IN / 2)
        x += width + spare
    return centres


def label_parts(ax, data, group, centre, labels, gap) -> None:
    """Each part's label beside its segment, nudged up so none overlaps the one below, with a
    thin leader from the column's edge."""
    placed = -np.inf
    for row, bottom, height in segments(data, group):
        if row is None:
            continue
        lines = labels[row]
        half = gap * len(lines) / 2
        y = max(bottom + height / 2, placed + half)
        placed = y + half
        x = centre + COLUMN_IN / 2
        ax.annotate(
            "\n".join(lines),
            (x, bottom + height / 2),
            xytext=(x + LEADER_IN, y),
            textcoords="data",
            ha="left",
            va="center",
            fontsize=NOTE_SIZE + 1,
            arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.6, "shrinkA": 2, "shrinkB": 0},
        )


def platform_shares(
    table: pd.DataFrame,
    subtitle: str,
    badge: str,
    extra_notes: list[str] | None = None,
    *,
    words: ChartWords,
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The platform-shares chart (``table``: :func:`~src.figures.inputs.shares_input`, passed
    through with ``part_of`` and ``interval_drawn``); the title names the larger column."""
    c = colours()
    data = stacked(table)
    columns = drawn_columns(data)
    title = shares_title(data, columns)
    neither = data[(data["part_of"] == "") & ~data["drawn"]]
    notes = [
        f"{row['label']}: {'+' if row['share'] > 0 else ''}{percent(row['share'])} of known "
        "instances, in neither column."
        for _, row in neither.iterrows()
    ]
    if "forces_counted" in data:
        parts = data[data["part_of"] != ""]
        counted, every = (int(parts[c].max()) for c in ("forces_counted", "forces_with_data"))
        if counted < every:
            notes.insert(
                0,
                f"Over the {counted} of {every} forces whose returns itemise the platforms of "
                f"{data.loc[data['group'] == columns[0], 'label'].iloc[0]}; "
                + (
                    "1 force's return does not."
                    if every - counted == 1
                    else f"{every - counted} forces' returns do not."
                ),
            )
    notes += [
        "Lines show each column's 95% interval, from resampling whole forces (fixed seed); "
        "the intervals of its parts are in uncertainty.csv.",
        "An instance is an offence recorded on a platform; one offence can involve several.",
        words.source_line,
    ]
    notes = [*(extra_notes or []), *notes]
    fig, ax = new_figure(PLOT_IN, title, subtitle, notes, badge, LEFT_IN, RIGHT_IN, 0.7)
    top = min(100.0, float(data["bootstrap_high"].max()) * 1.08 + 4)
    ax.set_xlim(0, AXES_IN)
    ax.set_ylim(0, top)
    gap = 0.2 * top / PLOT_IN  # a line of a part's label, in percentage points
    palette = [c[n] for n in ("dark_blue", "turquoise", "dark_pink", "orange", "light_purple")]
    labels = part_labels(data)
    centres = column_centres(data, labels)
    for group, centre in zip(columns, centres, strict=True):
        shade = iter(palette)
        total = data[data["group"] == group].iloc[0]
        for _, bottom, height in segments(data, group):
            colour = next(shade, c["grey"])
            ax.bar(centre, height, COLUMN_IN, bottom, color=colour, edgecolor="white", lw=1)
        ends = total["share"], total["bootstrap_low"], total["bootstrap_high"]
        interval = interval_lines(ax, centre, *ends, ecolor="black", elinewidth=1.2, capsize=4)
        # A white edge keeps the line visible where it crosses a dark part.
        edge = [patheffects.withStroke(linewidth=3, foreground="white")]
        for line in (*interval.lines[1], *interval.lines[2]):
            line.set_path_effects(edge)
        ax.text(
            centre,
            total["bootstrap_high"] + 0.4 * gap,
            percent(total["share"]),
            ha="center",
            va="bottom",
            fontsize=FONT_SIZE,
            fontweight="bold",
        )
        label_parts(ax, data, group, centre, labels, gap)
    names = [data.loc[data["group"] == g, "label"].iloc[0] for g in columns]
    ax.set_xticks(centres, ["\n".join(wrap(name, COLUMN_IN + 0.6)) for name in names])
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.grid(axis="x", visible=False)
    ax.grid(axis="y", visible=True)
    ax.tick_params(axis="x", length=0)
    ax.set_ylabel("Share of known instances")
    alt = "Two stacked columns of the share of instances with a known platform. " + "; ".join(
        column_alt(data, group) for group in columns
    )
    alt += "." + (f" {badge}." if badge else "")
    return fig, data, alt


def shares_title(data: pd.DataFrame, columns: list[str]) -> str:
    """The chart's title: the owner group's share when its column is the larger; otherwise the
    largest platform (a part marked ``is_platform``) when it is larger than the owner group,
    and else the larger column."""
    totals = data[data["group"].isin(columns)].set_index("group")
    owner = totals.loc[columns[0]]
    platforms = data[
        data.get("is_platform", pd.Series(False, index=data.index)).fillna(False).astype(bool)
    ]
    top = platforms.sort_values("share", ascending=False, kind="stable").head(1)
    if len(top) and float(top["share"].iloc[0]) > float(owner["share"]):
        row = top.iloc[0]
        return (
            f"{row['label']} led, in {percent(row['share'], 0)} of instances where the "
            f"platform was known; {owner['label']} had {percent(owner['share'], 0)}"
        )
    largest = totals.sort_values("share", ascending=False, kind="stable").iloc[0]
    return (
        f"{largest['label']} were used in {percent(largest['share'], 0)} of instances where "
        "the platform was known"
    )


def column_alt(data: pd.DataFrame, group: str) -> str:
    """One column in words: its total with its interval, then the parts stacked in it."""
    total = data[data["group"] == group].iloc[0]
    text = (
        f"{total['label']} {percent(total['share'])} (95% interval "
        f"{percent(total['bootstrap_low'])} to {percent(total['bootstrap_high'])})"
    )
    parts = [
        f"{row['label']} {percent(row['share'])}"
        for _, row in data[data["part_of"] == group].iterrows()
    ]
    if not parts:
        return text
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{text}, of which {listed}"
