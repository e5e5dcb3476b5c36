"""Figure 1: the share of instances with a known platform, as two stacked columns that add to
100%: the owner group's, made of the platform groups it owned, and the rest of the known
instances'.

The parts are stacked inside the column of their group, so they cannot be read as
alternatives to it. Which column a part belongs to is the table's ``in_owner_group`` column,
never a display name; every label is the table's own text. The lines are the 95% intervals
of each column's total; the parts' intervals are in the data file.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects

from src.errors import InputError
from src.figures.inputs import SOURCE_COLUMNS, ChartWords, source_table
from src.figures.style import (
    FONT_SIZE,
    NOTE_SIZE,
    SIMULATED_LABEL,
    WIDTH_IN,
    colours,
    new_figure,
    percent,
    text_width_in,
    wrap,
)
from src.vocab import REST_GROUP

#: Parts may add to a little less or more than their column (each share is rounded).
ROUNDING = 0.05
LEFT_IN, RIGHT_IN = 0.75, 0.3
AXES_IN = WIDTH_IN - LEFT_IN - RIGHT_IN
COLUMN_IN = 0.9  # each column's width
MARGIN_IN = 0.25  # from the axes' edges to the first column
LEADER_IN = 0.25  # from a column to its parts' labels
SPACE_IN = 0.1  # at least, between a part's label and the next column
PLOT_IN = 2.7


def columns_of(owner_group: str) -> tuple[str, str]:
    """The two columns of figure 1, left to right: the owner group and the rest of the known."""
    return (owner_group, REST_GROUP)


def drawn_columns(data: pd.DataFrame) -> tuple[str, str]:
    """The columns of :func:`stacked` rows: the owner group's (the total that is not the
    rest's), then the rest's."""
    totals = [g for g in data.loc[data["part_of"] == "", "group"] if g != REST_GROUP]
    return columns_of(totals[0])


def stacked(table: pd.DataFrame, owner_group: str) -> pd.DataFrame:
    """``table`` with what each row is drawn as: ``part_of`` is the column a part is stacked in
    (the owner group's for the groups the table marks ``in_owner_group``, the rest's
    otherwise) and empty for a column's own row; ``interval_drawn`` is True for the rows whose
    95% interval the chart draws (the columns' totals).
    """
    data = table.reset_index(drop=True).copy()
    for group in columns_of(owner_group):
        if not (data["group"] == group).any():
            raise InputError(
                source_table("uncertainty"),
                f"rows with group {group} and denominator all_known",
                f"figure 1 draws a column for the group {group}, but the table has no row for it",
                "rerun step 20 (notebooks/20-findings.ipynb) to write the tables again",
            )
    total = data["group"].isin(columns_of(owner_group))
    owned = data["in_owner_group"].astype(bool)
    data["part_of"] = np.where(total, "", np.where(owned, owner_group, REST_GROUP))
    data["interval_drawn"] = total
    columns = [c for c in data.columns if c not in SOURCE_COLUMNS]
    return data[columns + [c for c in SOURCE_COLUMNS if c in data]]


def segments(data: pd.DataFrame, group: str) -> list[tuple[int | None, float, float]]:
    """The stacked segments of ``group``'s column, bottom to top: (row of the part, or None for
    the share of the total that no listed part holds; bottom; height).
    """
    total = data[data["group"] == group].iloc[0]
    parts = data[data["part_of"] == group]
    out: list[tuple[int | None, float, float]] = []
    bottom = 0.0
    for i, part in parts.iterrows():
        out.append((int(i), bottom, float(part["share"])))
        bottom += float(part["share"])
    if bottom > total["share"] + ROUNDING:
        raise InputError(
            source_table("uncertainty"),
            f"rows of the groups stacked in {group}",
            f"the parts add to {bottom:.2f}%, more than the group's own share "
            f"({total['share']:.2f}%)",
            "check in_owner_group and the shares in step 20's uncertainty table",
        )
    if total["share"] - bottom > ROUNDING:
        out.append((None, bottom, float(total["share"]) - bottom))
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
    simulated: bool,
    extra_notes: list[str] | None = None,
    *,
    words: ChartWords,
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """Figure 1: the owner group's share of instances with a known platform as a column made of
    the platform groups it owned, beside the rest of the known instances, each column with its
    95% interval from resampling forces.

    ``table`` has one row per group (``group``, ``label``, ``share``, ``bootstrap_low``,
    ``bootstrap_high``, ``in_owner_group``), shares in percent, in display order. The parts
    stacked in the owner group's column are the rows the data marks ``in_owner_group``, whatever
    their labels; a part it does not mark is stacked in the rest's column. Every column passes
    through to the data, with ``part_of`` and ``interval_drawn`` added before ``source_table``
    and ``source_row``. The owner group and the source line are ``words``' (``build.csv``);
    the title names whichever column holds the larger share.
    """
    c = colours()
    data = stacked(table, words.owner_group)
    columns = drawn_columns(data)
    totals = data[data["group"].isin(columns)]
    largest = totals.sort_values("share", ascending=False, kind="stable").iloc[0]
    title = (
        f"{largest['label']} were used in {percent(largest['share'], 0)} of instances where "
        "the platform was known"
    )
    notes = [
        "Lines show each column's 95% interval, from resampling whole forces (2,000 resamples, "
        "fixed seed); the intervals of its parts are in the data file.",
        "An instance is an offence recorded on a platform; one offence can involve several.",
        words.source_line,
    ]
    notes = [*(extra_notes or []), *notes]
    fig, ax = new_figure(PLOT_IN, title, subtitle, notes, simulated, LEFT_IN, RIGHT_IN, 0.7)
    top = min(100.0, float(data["bootstrap_high"].max()) * 1.08 + 4)
    ax.set_xlim(0, AXES_IN)
    ax.set_ylim(0, top)
    gap = 0.2 * top / PLOT_IN  # a line of a part's label, in percentage points
    palette = [c[name] for name in ("dark_blue", "turquoise", "dark_pink", "orange")]
    labels = part_labels(data)
    centres = column_centres(data, labels)
    shade = iter(palette)
    for group, centre in zip(columns, centres, strict=True):
        total = data[data["group"] == group].iloc[0]
        for row, bottom, height in segments(data, group):
            colour = c["grey"] if row is None else next(shade)
            ax.bar(centre, height, COLUMN_IN, bottom, color=colour, edgecolor="white", lw=1)
        interval = ax.errorbar(
            centre,
            total["share"],
            yerr=[
                [total["share"] - total["bootstrap_low"]],
                [total["bootstrap_high"] - total["share"]],
            ],
            fmt="none",
            ecolor="black",
            elinewidth=1.2,
            capsize=4,
        )
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
    alt += "." + (f" {SIMULATED_LABEL}." if simulated else "")
    return fig, data, alt


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
