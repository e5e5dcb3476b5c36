"""The funnel of forces, the regions against their published figures, the national series and
one platform's share against its share of tip-offs. Every name comes from the build's words
(:class:`~src.figures.inputs.ChartWords`); each returns (figure, data, alt text)."""

from __future__ import annotations

import math
import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.transforms import blended_transform_factory

from src import sdc
from src.figures.control_limits import (
    WINSORISE,
    funnel_limits,
    pearson_dispersion,
    standardised_residuals,
)
from src.figures.inputs import NOT_AVAILABLE, ChartWords, chart_data, place_text, with_gaps
from src.figures.style import (
    FONT_SIZE,
    NOTE_SIZE,
    WIDTH_IN,
    colours,
    count_text,
    fitted_note,
    interval_lines,
    log_ticks,
    new_figure,
    note_height_in,
    percent,
    spaced_labels,
    wrap,
)
from src.vocab import HOLDS, JUDGED

MAX_LABELS = 6


def short_name(name: str) -> str:
    """A force's name without 'Police', 'Constabulary' and the like, for labels."""
    for word in (" Police Service", " Constabulary", " Police"):
        name = name.replace(word, "")
    return name.replace("States of ", "")


def label_outliers(ax, out: pd.DataFrame, grid: np.ndarray) -> None:
    """Label the forces furthest outside the limits (at most MAX_LABELS, by the size of their
    standardised residual ``z``), each beside its point, nudged apart so that no two labels
    overlap, with a thin leader line.
    """
    if out.empty:
        return
    chosen = (
        out.assign(size=out["z"].abs())
        .sort_values(["size", "force"], ascending=[False, True])
        .head(MAX_LABELS)
    )
    middle = math.sqrt(grid.min() * grid.max())
    low, high = ax.get_ylim()
    gap = 0.06 * (high - low)
    for right in (True, False):
        side = chosen[(chosen["known"] < middle) == right].sort_values("share")
        placed: list[float] = []
        for _, row in side.iterrows():
            y = row["share"]
            if placed and y < placed[-1] + gap:
                y = placed[-1] + gap
            placed.append(y)
            x_text = row["known"] * (1.25 if right else 0.8)
            ax.annotate(
                short_name(row["force_name"]),
                (row["known"], row["share"]),
                xytext=(x_text, y),
                textcoords="data",
                ha="left" if right else "right",
                va="center",
                fontsize=NOTE_SIZE,
                arrowprops={
                    "arrowstyle": "-",
                    "color": "0.5",
                    "lw": 0.6,
                    "shrinkA": 0,
                    "shrinkB": 3,
                },
            )


#: The two control limits of the funnel: (level, its name in the data, its shade).
FUNNEL_LEVELS = ((0.998, "998", "0.93"), (0.95, "95", "0.85"))


def funnel_title(outside: int, n: int, adjective: str, simulated: bool) -> str:
    """The funnel's title: how many of the ``n`` forces lie outside the 99.8% limits allowing for
    overdispersion; on simulated returns, said to be illustrative."""
    if outside == 0:
        finding = f"all {n} forces' {adjective} shares lie within the 99.8% limits"
    else:
        verb = "lies" if outside == 1 else "lie"
        finding = f"{outside} of {n} forces' {adjective} shares {verb} outside the 99.8% limits"
    if simulated:
        return f"Illustrative only, as returns are simulated: {finding}"
    return f"{finding[0].upper()}{finding[1:]}, allowing for overdispersion"


def dispersion_note(dispersion: float, outside_exact: int) -> str:
    """What the funnel says of its limits and the overdispersion factor behind them."""
    if not math.isfinite(dispersion):
        return "Limits: exact binomial (Spiegelhalter 2005); overdispersion not estimated."
    if dispersion <= 1:
        return (
            "Limits: exact binomial (Spiegelhalter 2005). The forces' shares vary no more than "
            f"chance would make them (overdispersion factor {dispersion:.1f}), so the limits "
            "are not widened."
        )
    return (
        "Limits: exact binomial (Spiegelhalter 2005), widened because the forces' shares vary "
        f"{dispersion:.1f} times as much as chance alone would make them (overdispersion "
        f"factor, {WINSORISE:.0%} Winsorised): each limit lies {math.sqrt(dispersion):.1f} "
        f"times as far from the line. Without the widening, {outside_exact} would lie outside "
        "the 99.8% limits."
    )


def funnel(
    forces: pd.DataFrame,
    pooled: float,
    subtitle: str,
    badge: str,
    extra_notes: list[str] | None = None,
    *,
    words: ChartWords,
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The funnel: each force's share of the owner group against its instances with a known
    platform, with 95% and 99.8% exact binomial limits around the ``pooled`` share (0 to 1),
    widened for overdispersion (:mod:`src.figures.control_limits`). Forces are named only
    when every return is real.

    ``forces`` has ``force_name``, ``known``, ``share`` and its exact range ``share_lowest`` to
    ``share_highest`` (percent; the error bars), and its source
    (:func:`~src.figures.inputs.funnel_input`).
    """
    c = colours()
    adjective = words.owner_group_adjective
    data = forces[forces["known"] > 0].copy()
    known = np.maximum(1, np.round(data["known"].to_numpy(float)))
    owned = data["share"].to_numpy(float) / 100 * known
    data["z"] = standardised_residuals(owned, known, pooled)
    dispersion = pearson_dispersion(owned, known, pooled)
    data["dispersion"] = dispersion
    for level, name, _ in FUNNEL_LEVELS:
        low, high = funnel_limits(pooled, known, level, dispersion)
        data[f"limit_{name}_low"], data[f"limit_{name}_high"] = 100 * low, 100 * high
    data["outside_998"] = ~data["share"].between(data["limit_998_low"], data["limit_998_high"])
    exact_low, exact_high = funnel_limits(pooled, known, 0.998)
    outside_exact = int((~data["share"].between(100 * exact_low, 100 * exact_high)).sum())
    outside = int(data["outside_998"].sum())
    n = len(data)
    simulated = bool(badge)  # any return simulated: no force is named
    title = funnel_title(outside, n, adjective, simulated)
    if simulated:
        marks = (
            "Diamonds: outside the 99.8% limits. Some returns are simulated, so which forces "
            "these are is an artefact of the simulation: none is named."
        )
    else:
        marks = (
            f"Diamonds: outside the 99.8% limits (the {MAX_LABELS} furthest named; all are "
            "listed in the data file)."
        )
    notes = [
        f"Line: the pooled share ({percent(100 * pooled)}). Shaded: 95% and 99.8% limits for a "
        f"force of that size if every force shared it. {marks}",
        dispersion_note(dispersion, outside_exact),
        "Each force's share is from its return, every withheld cell at its best estimate; "
        "bars: every share its withheld cells can take given the totals the return prints. "
        f"Instances per force rounded to the nearest {sdc.ROUNDING_BASE}, as published.",
        words.source_line,
    ]
    notes = [*(extra_notes or []), *notes]
    left_in, right_in = 0.75, 0.3
    fig, ax = new_figure(2.7, title, subtitle, notes, badge, left_in, right_in)
    ends = (max(5, known.min() * 0.8), known.max() * 1.25)
    # Whole numbers of instances (the limits are binomial), spaced evenly on the log axis.
    grid = np.unique(np.round(np.geomspace(*ends, 400)))
    for level, _, shade in FUNNEL_LEVELS:
        low, high = funnel_limits(pooled, grid, level, dispersion)
        ax.fill_between(grid, 100 * low, 100 * high, color=shade, lw=0, zorder=0)
    ax.axhline(100 * pooled, color=c["dark_blue"], lw=1.2, zorder=1)
    inside = data[~data["outside_998"]]
    out = data[data["outside_998"]]
    for part, colour in ((inside, c["dark_blue"]), (out, c["orange"])):
        low, high = part["share_lowest"], part["share_highest"]
        interval_lines(
            ax,
            part["known"],
            part["share"],
            low,
            high,
            ecolor=colour,
            elinewidth=1,
            capsize=0,
            zorder=2,
        )
    ax.scatter(inside["known"], inside["share"], s=28, color=c["dark_blue"], zorder=3)
    ax.scatter(out["known"], out["share"], s=40, color=c["orange"], marker="D", zorder=3)
    if not simulated:
        label_outliers(ax, out, grid)
    ax.set_xscale("log")
    ax.set_xlim(grid.min(), grid.max())
    # Major ticks spaced so that their labels never overprint; minor ticks unlabelled.
    ticks = log_ticks(grid.min(), grid.max(), WIDTH_IN - left_in - right_in, FONT_SIZE)
    ax.xaxis.set_major_locator(mpl.ticker.FixedLocator(ticks))
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: count_text(v)))
    ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.set_xlabel("Instances with a known platform (log scale)")
    ax.set_ylabel(f"{adjective} share")
    named = ""
    if outside and not simulated:
        named = ": " + ", ".join(out.sort_values("force_name")["force_name"])
    alt = (
        f"Funnel plot of the {adjective} share of known instances in each of {n} forces "
        f"against the force's number of known instances. The pooled share is "
        f"{percent(100 * pooled)}; the limits allow for an overdispersion factor of "
        f"{dispersion:.1f}; {outside} {'force lies' if outside == 1 else 'forces lie'} outside "
        f"the 99.8% control limits{named}."
        + (f" {badge}, so the pattern is illustrative and no force is named." if badge else "")
    )
    columns = [
        "force",
        "force_name",
        "known",
        "share",
        "share_lowest",
        "share_highest",
        "limit_95_low",
        "limit_95_high",
        "limit_998_low",
        "limit_998_high",
        "outside_998",
        "dispersion",
    ]
    return fig, chart_data(data, columns).sort_values("force", ignore_index=True), alt


def regions(
    table: pd.DataFrame,
    subtitle: str,
    badge: str,
    extra_notes: list[str] | None = None,
    *,
    words: ChartWords,
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The regions chart: each region's computed share of the owner group beside the
    published one (``table``: :func:`~src.figures.inputs.regions_input`, passed through)."""
    c = colours()
    data = table.sort_values("computed", ascending=True, ignore_index=True)
    n = len(data)
    adjective = words.owner_group_adjective
    # A verdict only where a region's returns are all real (the regional table's verdict).
    judged = data["verdict"].isin(JUDGED)
    matched = int((data["verdict"] == HOLDS).sum())
    if judged.all():
        title = f"The returns reproduce {matched} of {n} published regional {adjective} shares"
    elif judged.any():
        title = (
            f"Real returns reproduce {matched} of {int(judged.sum())} published regional "
            f"{adjective} shares; the others check the method"
        )
    else:
        title = f"Published regional {adjective} shares beside the returns: a check of the method"
    truncated = data[
        judged
        & ~data["holds"].fillna(False).astype(bool)
        & data["holds_if_truncated"].fillna(False).astype(bool)
    ]
    notes = []
    if not judged.all():
        notes.append(
            "Where a region's returns are simulated (in part or whole), they were drawn to agree "
            "with the release: circle and diamond agree by construction, and say nothing of it."
        )
    if len(truncated):
        notes.append(
            ", ".join(truncated["area"])
            + " matches only if the published figure was truncated rather than rounded."
        )
    if "published_counts_fit" in data:
        for _, row in data.iterrows():
            fit = str(row["published_counts_fit"])
            if "truncated" in fit:
                notes.append(
                    f"{row['area']}: the published counts give "
                    f"{percent(row['published_counts_share'])}, which matches the printed "
                    f"{row['as_published']} only if truncated rather than rounded."
                )
    notes += ["Circles: computed from the returns. Diamonds: as published.", words.source_line]
    notes = [*(extra_notes or []), *notes]
    fig, ax = new_figure(1.9, title, subtitle, notes, badge, left_in=1.9, right_in=0.3)
    y = np.arange(n)
    for yi, (_, row) in zip(y, data.iterrows(), strict=True):
        ax.plot([row["computed"], row["published"]], [yi, yi], color="0.7", lw=2, zorder=1)
    ax.scatter(
        data["published"],
        y,
        marker="D",
        s=60,
        facecolor="white",
        edgecolor=c["orange"],
        linewidth=2,
        zorder=3,
    )
    ax.scatter(data["computed"], y, s=60, color=c["dark_blue"], zorder=4)
    for yi, (_, row) in zip(y, data.iterrows(), strict=True):
        published_left = row["published"] <= row["computed"]
        labels = (
            f"published {percent(row['published'], 0)}",
            f"computed {percent(row['computed'])}",
        )
        left_label, right_label = labels if published_left else labels[::-1]
        left, right = sorted([row["computed"], row["published"]])
        ax.text(left - 1.5, yi, left_label, ha="right", va="center", fontsize=NOTE_SIZE)
        ax.text(right + 1.5, yi, right_label, ha="left", va="center", fontsize=NOTE_SIZE)
    ax.set_yticks(y, data["area"])
    low = float(min(data["computed"].min(), data["published"].min()))
    high = float(max(data["computed"].max(), data["published"].max()))
    ax.set_xlim(low - 16, high + 16)
    ax.set_ylim(-0.6, n - 0.4)
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(f"{adjective} share of known instances")
    alt = (
        f"Dot chart comparing each region's {adjective} share computed from the returns with "
        "the published figure. "
        + "; ".join(
            f"{row['area']}: computed {percent(row['computed'])}, published {row['as_published']}"
            for _, row in data.iterrows()
        )
        + "."
        + (f" {badge}." if badge else "")
    )
    return fig, data, alt


#: What the series chart's data file keeps of its rows (the rest is at each row's source).
SERIES_DATA = [
    "period_label",
    "start_year",
    "area",
    "offences",
    "forces_responding",
    "forces_note",
    "flag",
    "available",
]


def series_years(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of the series with a gap row for each year it misses; a period printed blank
    is not ``available`` either, but keeps its source."""
    data = table.reset_index(drop=True).assign(series=0)
    # A period printed with no number (a blank) is not available either: a gap, as a missing one.
    data["available"] = pd.to_numeric(data["offences"], errors="coerce").notna()
    out = with_gaps(data, "series", [0], lambda _: {})
    columns = [c for c in SERIES_DATA if c in out]
    return chart_data(out, columns)


def series(table: pd.DataFrame, *, words: ChartWords) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The series chart: offences of sexual communication with a child by year, from the
    published figures (:func:`~src.figures.inputs.series_input`), a bar at the year each
    period starts (a missing year is a gap marked "not available"), the forces responding
    above each bar and, under the years, the place (``area``) each bar covers."""
    c = colours()
    data = series_years(table)
    shown = data[data["available"]]
    first, last = shown.iloc[0], shown.iloc[-1]
    verb = "rose" if last["offences"] > first["offences"] else "fell"
    title = (
        f"Recorded sexual communication offences {verb} from {first['offences']:,.0f} in "
        f"{first['period_label']} to {last['offences']:,.0f} in {last['period_label']}"
    )
    subtitle = (
        "Offences of sexual communication with a child recorded by police, "
        f"{place_text(shown)}, {first['period_label']} to {last['period_label']}"
    )
    notes = [
        "Labels above bars: police forces that responded (or as the release described them); "
        "under the years: the place each bar covers. The forces differ between years, so the "
        "series is not like-for-like.",
        words.source_published,
    ]
    if not data["available"].all():
        notes.insert(
            1,
            "Each bar stands at the year its period starts; a year marked "
            f"'{NOT_AVAILABLE}' has no annual figure in the published series.",
        )
    left_in, right_in, plot_in = 0.75, 0.3, 2.6
    slot_in = (WIDTH_IN - left_in - right_in) / len(data)
    ticks = spaced_labels(list(data["period_label"]), slot_in, 9)
    lines = max(t.count("\n") + 1 for t in ticks)
    below_in = 0.2 + 0.16 * lines  # where the years' labels end and the places' begin
    fig, ax = new_figure(
        plot_in, title, subtitle, notes, False, left_in, right_in, bottom_axis_in=below_in + 0.3
    )
    order = [str(y) for y in data["start_year"]]
    bars = shown.assign(year=shown["start_year"].astype(str))
    sns.barplot(
        data=bars,
        x="year",
        y="offences",
        order=order,
        color=c["dark_blue"],
        saturation=1,
        width=0.65,
        errorbar=None,
        ax=ax,
    )
    # The note above each bar (forces responding), or in a gap, wrapped to its slot or, in a
    # slot too narrow for its words, turned upright; the plot leaves room for the tallest.
    room = slot_in * 0.95
    above = {}
    for xi, (_, row) in enumerate(data.iterrows()):
        responded = row["forces_responding"]
        if not row["available"]:
            label = NOT_AVAILABLE
        elif pd.notna(responded) and str(responded) != "":
            label = f"{int(responded)} forces"
        else:
            label = row["forces_note"] or "not stated"
        above[xi] = fitted_note(label, room, 8)
    top = float(shown["offences"].max())
    headroom_in = max(note_height_in(t, r, 8) for t, r in above.values()) + 0.15
    ax.set_ylim(0, top / (1 - min(0.6, headroom_in / plot_in)))
    for xi, (_, row) in enumerate(data.iterrows()):
        text, rotation = above[xi]
        common = {"ha": "center", "va": "bottom", "fontsize": 8, "rotation": rotation}
        if row["available"]:
            ax.text(xi, row["offences"] + top * 0.015, text, **common)
        else:
            ax.text(xi, top * 0.03, text, color="0.3", style="italic", **common)
    place_brackets(ax, data, -below_in / plot_in)
    ax.set_xticks(range(len(data)), ticks, fontsize=9)
    ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: count_text(v)))
    ax.set_xlabel("")
    ax.set_ylabel("Offences recorded")
    alt = (
        "Bar chart of sexual communication with a child offences recorded by police each year. "
        + "; ".join(
            f"{row['period_label']}: "
            + (f"{row['offences']:,.0f} ({row['area']})" if row["available"] else NOT_AVAILABLE)
            for _, row in data.iterrows()
        )
        + ". The number of forces responding differs between years."
    )
    return fig, data, alt


def place_brackets(ax, data: pd.DataFrame, y: float) -> None:
    """Under the bars, at ``y`` (axes fraction), a bracket for each run of bars of one place
    (``area``), named below it; a gap year inside a run joins it."""
    runs: list[list] = []
    for xi, area in enumerate(data["area"]):
        if pd.notna(area) and runs and runs[-1][0] == area:
            runs[-1][2] = xi
        elif pd.notna(area):
            runs.append([area, xi, xi])
    at = blended_transform_factory(ax.transData, ax.transAxes)
    for area, first, last in runs:
        ax.plot([first - 0.4, last + 0.4], [y, y], color="0.4", lw=0.8, transform=at, clip_on=False)
        ax.text((first + last) / 2, y - 0.02, area, ha="center", va="top", fontsize=8, transform=at)


def period_words(row: pd.Series) -> str:
    """A row's period in words (``2020`` for a calendar year, else ``April 2018 to March
    2019``), blank where it has none."""
    start = pd.to_datetime(row.get("period_start"), errors="coerce")
    end = pd.to_datetime(row.get("period_end"), errors="coerce")
    if pd.isna(start) or pd.isna(end):
        return ""
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year)
    return f"{start:%B %Y} to {end:%B %Y}"


def measure_label(row: pd.Series) -> str:
    """A bar's measure with its own period (any period the measure names in words, in brackets
    at its end, is the release's way of saying it and goes)."""
    measure = re.sub(r"\s*\([^()]*\)$", "", str(row["measure"]))
    return f"{measure}, {period_words(row)}" if period_words(row) else measure


def periods_note(data: pd.DataFrame) -> str:
    """Whether the tip-off chart's two bars are about the same time, from the rows' periods."""
    police, tipoffs = data.iloc[0], data.iloc[1]
    spans = [period_words(row) or "no stated period" for row in (police, tipoffs)]
    overlap = str(police.get("periods_overlap", "")).strip().lower()
    verdict = {
        "true": "the periods overlap",
        "false": "the periods do not overlap: the two bars are about different years",
    }.get(overlap, "whether the periods match is not known")
    return f"Periods: police figures {spans[0]}; tip-offs {spans[1]}; {verdict}."


def whatsapp(
    table: pd.DataFrame,
    subtitle: str,
    badge: str,
    extra_notes: list[str] | None = None,
    *,
    words: ChartWords,
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The tip-off chart: a platform's share of the police-recorded instances on its owner
    group's apps beside its stated share of the owner's tip-offs to the NCA, each bar labelled
    with its own period (``table``: :func:`~src.figures.inputs.whatsapp_input`, passed through)."""
    c = colours()
    data = table.reset_index(drop=True)
    police, tipoffs = data.iloc[0], data.iloc[1]
    platform, company = words.tipoff_platform_name, words.tipoff_company
    adjective = words.owner_group_adjective
    title = (
        f"{platform}: {percent(police['share'], 0)} of police-recorded {adjective} instances, "
        f"but {percent(tipoffs['share'])} of {company}'s tip-offs"
    )
    notes = [
        "Tip-off share as stated in the release; no primary source was found, so it is flagged "
        "unconfirmed (U).",
        periods_note(data),
        "Line: 95% interval from resampling whole forces.",
        words.source_line,
    ]
    notes = [*(extra_notes or []), *notes]
    fig, ax = new_figure(1.5, title, subtitle, notes, badge, left_in=2.5, right_in=0.3)
    y = np.arange(len(data))[::-1]
    ax.barh(y, data["share"], color=[c["dark_blue"], c["orange"]], height=0.55)
    for yi, (_, row) in zip(y, data.iterrows(), strict=True):
        end = row["share"]
        if pd.notna(row["low"]) and pd.notna(row["high"]):
            interval_lines(
                ax, yi, row["share"], row["low"], row["high"], True, ecolor="black", capsize=3
            )
            end = row["high"]
        flag = " (unconfirmed, U)" if row["flag"] == "U" else ""
        ax.text(end + 0.4, yi, percent(row["share"]) + flag, va="center", ha="left")
    labels = [measure_label(row) for _, row in data.iterrows()]
    ax.set_yticks(y, ["\n".join(wrap(m, 2.2, 10)) for m in labels], fontsize=10)
    ax.set_xlim(0, max(20, float(np.nanmax(data[["share", "high"]].to_numpy(float))) * 1.6))
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.tick_params(axis="y", length=0)
    alt = (
        f"Bar chart: {platform} was {percent(police['share'])} of police-recorded instances on "
        f"{words.owner_group_name}, against {percent(tipoffs['share'])} of {company}'s "
        "child-abuse tip-offs to the NCA as stated in the release (unconfirmed). "
        + periods_note(data)
        + (f" {badge}." if badge else "")
    )
    return fig, data, alt
