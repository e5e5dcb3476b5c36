"""Two charts of published series over time, from the published figures only: the platform
shares each release printed and each area's offences (one panel an area, seaborn's
``FacetGrid``). A year with no figure is a visible gap, in the chart and as a row of the data
(``available`` False, no source); a value flagged U is drawn hollow or hatched.
"""

from __future__ import annotations

import math
import warnings

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.transforms import blended_transform_factory

from src.figures.charts import short_name
from src.figures.inputs import (
    NOT_AVAILABLE,
    SOURCE_COLUMNS,
    ChartWords,
    axis_years,
    chart_data,
    place_text,
    with_gaps,
)
from src.figures.style import (
    NOTE_SIZE,
    WIDTH_IN,
    colours,
    count_text,
    draw_frame,
    fitted_note,
    frame_layout,
    new_figure,
    percent,
    spaced_labels,
    wrap,
)
from src.vocab import joined

#: How the alt text and the data call a value flagged U.
UNCERTAIN = "uncertain"
#: Each platform group's marker and colour, in the chart's order of groups (shape as well as
#: colour tells the groups apart: colour is never the only means).
MARKERS = ("o", "s", "D", "^", "v", "P")
PALETTE = ("dark_blue", "orange", "dark_pink", "turquoise", "dark_grey", "light_purple")
#: How a title says a value read from words (the published files' ``comparison``).
COMPARISON_WORDS = {"about": "about ", "almost": "almost ", "over": "over "}
#: What each area's year is, in the series-by-area chart's data: a published number, a period
#: printed with its number blank, or a year for which the area has no published period.
PUBLISHED, BLANK, NOT_PUBLISHED = "published", "blank as published", "not published"


def _ordered(out: pd.DataFrame, first: list[str]) -> pd.DataFrame:
    out["source_row"] = out["source_row"].astype("Int64")
    rest = [c for c in out.columns if c not in first and c not in SOURCE_COLUMNS]
    return out[[*first, *rest, *SOURCE_COLUMNS]]


#: What the platform-shares-over-time chart's data file keeps of its rows.
PLATFORM_DATA = [
    "platform_group",
    "label",
    "period_label",
    "start_year",
    "value",
    "as_published",
    "name_as_printed",
    "flag",
    "uncertain",
    "available",
]
#: What the series-by-area chart's data file keeps of its rows.
AREA_DATA = [
    "area",
    "area_name",
    "period_label",
    "start_year",
    "offences",
    "flag",
    "status",
    "available",
    "uncertain",
]


def marker_styles(keys: list) -> dict:
    """Each key's colour and marker, in order (shape as well as colour tells them apart)."""
    c = colours()
    return {
        k: (c[PALETTE[i % len(PALETTE)]], MARKERS[i % len(MARKERS)]) for i, k in enumerate(keys)
    }


# --- Platform shares over time ---------------------------------------------------------------


def group_order(data: pd.DataFrame, first: str = "") -> list[str]:
    """The platform groups in the chart's order: ``first`` (the owner group) first, then by
    how many years have a figure (most first), then by slug."""
    counts = data.groupby("platform_group").size()
    return sorted(counts.index, key=lambda g: (g != first, -int(counts[g]), g))


def group_labels(data: pd.DataFrame) -> dict[str, str]:
    """Each platform group's label: the names the releases printed for it, in time order, so
    that a renaming shows."""
    timed = data.sort_values("start_year", kind="stable")
    return {
        group: " / ".join(dict.fromkeys(rows["name_as_printed"]))
        for group, rows in timed.groupby("platform_group", sort=True)
    }


def platform_years(table: pd.DataFrame, first: str = "") -> pd.DataFrame:
    """The rows of the platform-shares-over-time chart, groups in :func:`group_order`, with a
    gap row for each year a group has no figure; ``label`` from :func:`group_labels`."""
    data = table.reset_index(drop=True).copy()
    data["available"] = True
    data["uncertain"] = data["flag"] == "U"
    labels = group_labels(data)
    data["label"] = data["platform_group"].map(labels)
    out = with_gaps(
        data, "platform_group", group_order(data, first), lambda g: {"label": labels[g]}
    )
    return _ordered(out, PLATFORM_DATA)


def share_text(row: pd.Series) -> str:
    """A share as the alt text says it: the printed percentage, or for a value flagged U the
    words as printed with our reading of them."""
    if not row["available"]:
        return NOT_AVAILABLE
    value = percent(row["value"], 0)
    if not row["uncertain"]:
        return value
    if str(row["as_published"]).strip() == value:
        return f"{value} ({UNCERTAIN})"
    return f"{row['as_published']} (read as {value}, {UNCERTAIN})"


#: How far apart (in years) the markers of one year that would overlap are drawn.
DODGE = 0.24


def dodged(data: pd.DataFrame, order: list[str], tolerance: float) -> dict[tuple[str, int], float]:
    """Where each available point stands on the time axis: at its year, or, where two or more
    groups' figures of one year lie within ``tolerance`` of each other, spread a little either
    side of it (:data:`DODGE` apart) so that no marker hides another."""
    where: dict[tuple[str, int], float] = {}
    shown = data[data["available"]]
    for year, rows in shown.groupby("start_year"):
        rows = rows.assign(_g=rows["platform_group"].map(order.index))
        rows = rows.sort_values(["value", "_g"])
        clusters: list[list[str]] = []
        last = None
        for group, value in zip(rows["platform_group"], rows["value"].astype(float), strict=True):
            if last is None or value - last > tolerance:
                clusters.append([])
            clusters[-1].append(group)
            last = value
        for cluster in clusters:
            for j, group in enumerate(cluster):
                where[(group, int(year))] = int(year) + (j - (len(cluster) - 1) / 2) * DODGE
    return where


def _title(data: pd.DataFrame) -> str:
    shown = data[data["available"]]
    year = int(shown["start_year"].max())
    latest = shown[shown["start_year"] == year]
    top = latest[latest["value"] == latest["value"].max()]
    names = joined(sorted(top["name_as_printed"]))
    value = percent(float(top["value"].iloc[0]), 0)
    word = COMPARISON_WORDS.get(str(top["comparison"].iloc[0]), "")
    verb = "had" if len(top) == 1 else "shared"
    return (
        f"{names} {verb} the largest published share in {top['period_label'].iloc[0]}: "
        f"{word}{value}"
    )


def _names_note(data: pd.DataFrame, first: str) -> list[str]:
    """A note naming each group that the releases printed under more than one name, with the
    years of each name."""
    shown = data[data["available"]]
    parts = []
    for group in group_order(shown, first):
        rows = shown[shown["platform_group"] == group].sort_values("start_year")
        names = list(dict.fromkeys(rows["name_as_printed"]))
        if len(names) < 2:
            continue
        spans = []
        for name in names:
            labels = list(rows.loc[rows["name_as_printed"] == name, "period_label"])
            spans.append(
                f"{name} ({labels[0]})"
                if len(labels) == 1
                else f"{name} ({labels[0]} to {labels[-1]})"
            )
        parts.append(", ".join(spans))
    if not parts:
        return []
    return ["Named as each release printed it: " + "; ".join(parts) + "."]


def _spread(wanted: list[float], heights: list[float], low: float, high: float) -> list[float]:
    """Centres for labels of ``heights`` near the ``wanted`` centres (sorted ascending), no two
    overlapping and all within ``low`` to ``high``."""
    placed: list[float] = []
    for y, h in zip(wanted, heights, strict=True):
        floor = low + h / 2 if not placed else placed[-1] + (heights[len(placed) - 1] + h) / 2
        placed.append(max(y, floor))
    for i in range(len(placed) - 1, -1, -1):
        ceiling = high - heights[i] / 2
        if i + 1 < len(placed):
            ceiling = min(ceiling, placed[i + 1] - (heights[i] + heights[i + 1]) / 2)
        placed[i] = min(placed[i], ceiling)
    return placed


def platform_shares_over_time(
    table: pd.DataFrame, *, words: ChartWords
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The platform-shares-over-time chart (``table``:
    :func:`~src.figures.inputs.platform_series_input`): a line through consecutive years only,
    a marker for each figure (hollow when flagged U), each group labelled at its last figure;
    the title names the largest share of the latest year."""
    first = words.owner_group
    data = platform_years(table, first)
    years = axis_years(data[data["available"]])
    order = group_order(data[data["available"]], first)
    shown = data[data["available"]]
    first_label, last_label = years[0][1], years[-1][1]
    place = place_text(shown)
    subtitle = (
        "Published share of offences of sexual communication with a child where the platform "
        f"was known, by platform, {place}, {first_label} to {last_label}"
    )
    notes = [
        "Filled markers: a printed percentage. Hollow markers: a share printed in words or as "
        "approximate, read as a number (U, uncertain).",
        "A line joins consecutive years only: a break is a year with no published figure for "
        f"that platform ({NOT_AVAILABLE}). Each release printed different platforms, and the "
        "forces answering differ between years. Periods other than a year are in the table "
        "platform_series, not drawn.",
        *_names_note(data, first),
        words.source_published,
    ]
    left_in, right_in, plot_in = 0.8, 1.65, 2.8
    axes_in = WIDTH_IN - left_in - right_in
    slot_in = axes_in / len(years)
    ticks = spaced_labels([label for _, label in years], slot_in, 9)
    lines = max(t.count("\n") + 1 for t in ticks)
    fig, ax = new_figure(
        plot_in,
        _title(data),
        subtitle,
        notes,
        False,
        left_in,
        right_in,
        bottom_axis_in=0.2 + 0.16 * lines,
    )
    x = [year for year, _ in years]
    top = math.ceil(float(shown["value"].max()) * 1.15 / 10) * 10
    ax.set_ylim(0, top)
    ax.set_xlim(x[0] - 0.5, x[-1] + 0.5)
    style = marker_styles(order)
    where = dodged(data, order, top * 0.03)
    for group in order:
        colour, marker = style[group]
        rows = data[data["platform_group"] == group].set_index("start_year")
        at = [where.get((group, year), year) for year in x]
        y = [
            float(rows.loc[year, "value"]) if rows.loc[year, "available"] else np.nan for year in x
        ]
        # A missing year is NaN, so the line breaks there: it never joins across a gap.
        ax.plot(at, y, color=colour, lw=1.8, zorder=2)
        for uncertain, face in ((False, colour), (True, "white")):
            points = rows[rows["available"] & (rows["uncertain"] == uncertain)]
            ax.scatter(
                [where[(group, int(year))] for year in points.index],
                points["value"].astype(float),
                marker=marker,
                s=38,
                facecolor=face,
                edgecolor=colour,
                linewidth=1.5,
                zorder=3,
            )
    # Each group's label beside the plot, at the height of its last figure, nudged apart.
    label_in = right_in - 0.35
    per_in = top / plot_in
    last = [
        (float(rows.sort_values("start_year")["value"].iloc[-1]), order.index(g), g)
        for g, rows in shown.groupby("platform_group")
    ]
    last.sort()
    texts = [
        "\n".join(wrap(data.loc[data["platform_group"] == g, "label"].iloc[0], label_in, NOTE_SIZE))
        for _, _, g in last
    ]
    heights = [(t.count("\n") + 1) * NOTE_SIZE * 1.25 / 72 * per_in for t in texts]
    centres = _spread([y for y, _, _ in last], heights, 0, top)
    blend = blended_transform_factory(ax.transAxes, ax.transData)
    for (_, _, group), text, y in zip(last, texts, centres, strict=True):
        colour, marker = style[group]
        ax.plot(
            [1 + 0.12 / axes_in],
            [y],
            marker=marker,
            markersize=6,
            color=colour,
            linestyle="none",
            transform=blend,
            clip_on=False,
        )
        ax.text(
            1 + 0.25 / axes_in,
            y,
            text,
            transform=blend,
            ha="left",
            va="center",
            fontsize=NOTE_SIZE,
            linespacing=1.1,
        )
    ax.set_xticks(x, ticks, fontsize=9)
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.set_ylabel("Share of offences")
    alt = (
        "Line chart of the published share of sexual communication with a child offences "
        f"where the platform was known, by platform and year, {first_label} to {last_label}, "
        "from published figures only. "
        + " ".join(_group_alt(data[data["platform_group"] == g]) for g in order)
    )
    return fig, chart_data(data, PLATFORM_DATA), alt


def _group_alt(rows: pd.DataFrame) -> str:
    shown = rows[rows["available"]]
    missing = list(rows.loc[~rows["available"], "period_label"])
    text = f"{rows['label'].iloc[0]}: " + ", ".join(
        f"{row['period_label']} {share_text(row)}" for _, row in shown.iterrows()
    )
    if missing:
        text += f"; {NOT_AVAILABLE} for " + ", ".join(missing)
    return text + "."


# --- The series of each area -----------------------------------------------------------------


def area_years(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the series-by-area chart, with a gap row for each year an area has no
    period; ``status`` says :data:`PUBLISHED`, :data:`BLANK` or :data:`NOT_PUBLISHED`."""
    data = table.reset_index(drop=True).copy()
    data["offences"] = pd.to_numeric(data["offences"], errors="coerce")
    data["available"] = data["offences"].notna()
    data["status"] = np.where(data["available"], PUBLISHED, BLANK)
    data["uncertain"] = data["available"] & (data["flag"] == "U")
    first = data.drop_duplicates("area").set_index("area")
    out = with_gaps(
        data,
        "area",
        list(first.index),
        lambda a: {
            "geography": first.loc[a, "geography"],
            "area_name": first.loc[a, "area_name"],
            "status": NOT_PUBLISHED,
        },
    )
    return _ordered(out, ["geography", *AREA_DATA])


def offences_text(row: pd.Series) -> str:
    """An area's year as the alt text says it."""
    if row["status"] == BLANK:
        return f"{NOT_AVAILABLE} (printed blank)"
    if not row["available"]:
        return NOT_AVAILABLE
    value = count_text(row["offences"])
    return f"{value} ({UNCERTAIN}, U)" if row["uncertain"] else value


PANEL_IN = 1.3
TITLE_IN = 0.3
GAP_W_IN = 0.35


def _panel(*, data: pd.DataFrame, years: list[int], top: float, room: float, **_) -> None:
    """One area's bars on the time axis of ``years`` (FacetGrid's ``map_dataframe``)."""
    ax = plt.gca()
    c = colours()
    where = {year: i for i, year in enumerate(years)}
    shown = data[data["available"]]
    for uncertain in (False, True):
        bars = shown[shown["uncertain"] == uncertain]
        ax.bar(
            [where[y] for y in bars["start_year"]],
            bars["offences"].astype(float),
            width=0.65,
            color="white" if uncertain else c["dark_blue"],
            edgecolor=c["dark_blue"],
            hatch="////" if uncertain else None,
            linewidth=1 if uncertain else 0,
            zorder=2,
        )
    for _, row in data.iterrows():
        xi = where[int(row["start_year"])]
        if row["uncertain"]:
            ax.text(xi, row["offences"] + top * 0.02, "U", ha="center", va="bottom", fontsize=8)
        elif not row["available"]:
            text, rotation = fitted_note(NOT_AVAILABLE, room, 7)
            ax.text(
                xi,
                top * 0.03,
                text,
                ha="center",
                va="bottom",
                rotation=rotation,
                fontsize=7,
                color="0.3",
                style="italic",
            )


def _area_title(data: pd.DataFrame) -> str:
    shown = data[data["available"]]
    rose = fell = 0
    for _, rows in shown.groupby("area", sort=False):
        if len(rows) < 2:
            continue
        first, last = rows["offences"].iloc[0], rows["offences"].iloc[-1]
        rose += int(last > first)
        fell += int(last < first)
    compared = shown.groupby("area").size().ge(2).sum()
    if compared == 0:
        return "No area has two years of published figures to compare"
    areas = "area" if compared == 1 else "areas"
    share = f"all {compared}" if rose == compared > 1 else f"{rose} of {compared}"
    return (
        f"Recorded offences rose in {share} {areas} from their first to their last published year"
    )


GEOGRAPHY_WORDS = {"force": "police force", "region": "region"}


def series_by_area(
    table: pd.DataFrame, *, words: ChartWords
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The series-by-area chart (``table``: :func:`~src.figures.inputs.series_by_area_input`,
    not empty): one panel an area sharing both axes, a bar for each published number (hatched
    and marked U when uncertain), "not available" for a year without one."""
    data = area_years(table)
    years = axis_years(data[data["status"] != NOT_PUBLISHED])
    year_list = [year for year, _ in years]
    names = list(dict.fromkeys(data["area_name"]))
    n = len(names)
    ncol = 1 if n == 1 else 2
    nrow = math.ceil(n / ncol)
    left_in, right_in = 0.75, 0.3
    panel_w = (WIDTH_IN - left_in - right_in - (ncol - 1) * GAP_W_IN) / ncol
    slot_in = panel_w / len(years)
    ticks = spaced_labels([label for _, label in years], slot_in, 8)
    tick_in = 0.12 + 0.14 * max(t.count("\n") + 1 for t in ticks)
    plot_in = nrow * PANEL_IN + (nrow - 1) * (TITLE_IN + tick_in)
    geographies = set(data["geography"])
    by = GEOGRAPHY_WORDS.get(geographies.pop(), "area") if len(geographies) == 1 else "area"
    subtitle = (
        f"Offences of sexual communication with a child recorded by police, by {by}, "
        f"{years[0][1]} to {years[-1][1]}"
    )
    notes = [
        "Hatched bars marked U: uncertain (conflicting or unconfirmed). "
        f"'{NOT_AVAILABLE}': no figure published for that year, or the figure printed blank.",
        "Each bar stands at the year its period starts; the panels share both axes.",
        words.source_published,
    ]
    frame = frame_layout(
        plot_in, _area_title(data), subtitle, notes, False, tick_in + 0.1, top_extra_in=TITLE_IN
    )
    # The tallest bar sets the shared axis (1 if every year is blank, so the axis still has a
    # height and each panel says "not available").
    top = float(data.loc[data["available"], "offences"].max()) if data["available"].any() else 1.0
    # seaborn fits the grid with tight_layout, which may warn that a small figure has no room;
    # the grid is placed by subplots_adjust below, in inches, so that fit is never used.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Tight layout not applied", UserWarning)
        grid = sns.FacetGrid(
            data,
            col="area_name",
            col_order=names,
            col_wrap=ncol if n > 1 else None,
            sharex=False,
            sharey=True,
            height=PANEL_IN,
            aspect=panel_w / PANEL_IN,
            despine=False,
        )
        grid.map_dataframe(_panel, years=year_list, top=top, room=slot_in * 0.95)
    fig = grid.figure
    fig.set_size_inches(WIDTH_IN, frame.height)
    draw_frame(fig, frame)
    for ax, name in zip(grid.axes.flat, names, strict=True):
        ax.set_title(short_name(name), fontsize=10, loc="left", pad=4)
        ax.set_xticks(range(len(year_list)), ticks, fontsize=8)
        ax.set_xlim(-0.5, len(year_list) - 0.5)
        ax.set_ylim(0, top * 1.2)
        ax.tick_params(labelbottom=True, axis="x", length=0)
        ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: count_text(v)))
        ax.set_xlabel("")
        ax.set_ylabel("")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for i, ax in enumerate(grid.axes.flat):
        if i % ncol == 0:
            ax.set_ylabel("Offences", fontsize=9)
        else:
            ax.tick_params(axis="y", labelleft=False)
    fig.subplots_adjust(
        left=left_in / WIDTH_IN,
        right=1 - right_in / WIDTH_IN,
        top=1 - frame.top / frame.height,
        bottom=frame.bottom / frame.height,
        wspace=GAP_W_IN / panel_w,
        hspace=(TITLE_IN + tick_in) / PANEL_IN,
    )
    alt = (
        f"Bar charts, one panel for each of {n} areas, of sexual communication with a child "
        "offences recorded by police each year, from published figures only. "
        + " ".join(
            f"{name}: "
            + "; ".join(
                f"{row['period_label']} {offences_text(row)}"
                for _, row in data[data["area_name"] == name].iterrows()
            )
            + "."
            for name in names
        )
    )
    return fig, chart_data(data, AREA_DATA), alt
