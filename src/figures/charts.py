"""Publication-ready charts in the Analysis Function style (``afcharts``).

Every chart has a title that states the finding (computed from the numbers, never typed), a
subtitle with the measure, place and period, direct labels rather than a legend, a source
note, and the label "Per-force returns are simulated" when it is built from the returns. Charts
are 6 inches wide and saved at 100 dots per inch, so the PNG is 600 pixels wide (the ONS limit
for images) and the text stays readable at that width.

:func:`save_figure` writes SVG, PNG and PDF byte-deterministically, with the data behind the
chart as CSV and its alt text as a text file.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import resvg_py
from afcharts.af_colours import get_af_colours
from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg

from src.helpers import csv_text, write_many
from src.vocab import CHART_GROUPS, group_label

SIMULATED_LABEL = "Per-force returns are simulated"
WIDTH_IN = 6.0
DPI = 100
FONT_SIZE = 11
TITLE_SIZE = 13
SUBTITLE_SIZE = 10.5
NOTE_SIZE = 9
TEXT_WIDTH_IN = WIDTH_IN - 0.25  # titles, subtitles and notes: the figure less its margins

#: The one font of every chart (matplotlib's bundled DejaVu Sans), for the SVG rasteriser too.
FONT_FILES = [
    str(Path(mpl.get_data_path(), "fonts", "ttf", f"DejaVuSans{weight}.ttf"))
    for weight in ("", "-Bold")
]
PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None}
SVG_METADATA = {"Date": None}
SVG_HASHSALT = "foi-platforms"

SOURCE_RETURNS = (
    "Source: police force returns to Freedom of Information requests (simulated here); "
    "published figures from the NSPCC release of 26 March 2021 as reported."
)
SOURCE_PUBLISHED = "Source: published figures from NSPCC releases, as reported (see the data file)."


# --- Style ----------------------------------------------------------------------------------


def use_style() -> None:
    """The afcharts style, with a font every machine has (so matplotlib never warns about a
    missing Arial), a fixed SVG hash salt, and sizes that read well at 600 pixels.
    """
    plt.style.use("afcharts.afcharts")
    # DejaVu Sans ships with matplotlib, so the files come out the same on every machine,
    # whatever fonts it has installed (the Analysis Function's Arial is not everywhere).
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    # SVG text stays text (selectable, read by screen readers), not glyph outlines.
    mpl.rcParams["svg.fonttype"] = "none"
    mpl.rcParams["font.size"] = FONT_SIZE
    mpl.rcParams["svg.hashsalt"] = SVG_HASHSALT
    mpl.rcParams["figure.dpi"] = DPI
    mpl.rcParams["savefig.dpi"] = DPI
    mpl.rcParams["figure.figsize"] = (WIDTH_IN, 4.5)
    mpl.rcParams["axes.titlesize"] = TITLE_SIZE
    mpl.rcParams["path.simplify"] = True


def colours() -> dict[str, str]:
    """The Analysis Function categorical palette by name, plus the focus grey."""
    main = get_af_colours("categorical")
    focus = get_af_colours("focus")
    names = ["dark_blue", "turquoise", "dark_pink", "orange", "dark_grey", "light_purple"]
    return {**dict(zip(names, main, strict=True)), "grey": focus[1]}


def text_width_in(text: str, fontsize: float, weight: str = "normal") -> float:
    """How wide ``text`` is, in inches, in the current font (measured, not guessed)."""
    prop = font_manager.FontProperties(
        family=mpl.rcParams["font.family"], size=fontsize, weight=weight
    )
    renderer = RendererAgg(10, 10, DPI)
    width, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return width / DPI


def wrap(
    text: str, width_in: float, fontsize: float = FONT_SIZE, weight: str = "normal"
) -> list[str]:
    """``text`` broken into lines no wider than ``width_in`` inches."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and text_width_in(f"{lines[-1]} {word}", fontsize, weight) <= width_in:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def percent(value: float, places: int = 1) -> str:
    """A percentage as ONS style writes it: no space before the sign."""
    return f"{value:.{places}f}%"


def new_figure(
    plot_in: float,
    title: str,
    subtitle: str,
    notes: list[str],
    simulated: bool,
    left_in: float = 0.6,
    right_in: float = 0.3,
    bottom_axis_in: float = 0.55,
):
    """A figure 6 inches wide: the title, subtitle and notes placed in inches from the edges,
    and one axes ``plot_in`` inches high between them (the figure grows with the text, so a
    longer note never squeezes the plot). Returns (figure, axes).
    """
    title_lines = wrap(title, TEXT_WIDTH_IN, TITLE_SIZE, "bold")
    subtitle_lines = wrap(subtitle, TEXT_WIDTH_IN, SUBTITLE_SIZE)
    note_lines = [line for note in notes for line in wrap(note, TEXT_WIDTH_IN, NOTE_SIZE)]
    title_top = 0.12
    subtitle_top = title_top + 0.24 * len(title_lines) + 0.06
    top = subtitle_top + 0.2 * len(subtitle_lines) + (0.4 if simulated else 0.2)
    notes_bottom = 0.1
    bottom = notes_bottom + 0.17 * len(note_lines) + bottom_axis_in
    height = round(top + plot_in + bottom, 2)
    fig = plt.figure(figsize=(WIDTH_IN, height))
    text = {"ha": "left", "transform": fig.transFigure}
    fig.text(
        0.1 / WIDTH_IN,
        1 - title_top / height,
        "\n".join(title_lines),
        va="top",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        **text,
    )
    fig.text(
        0.1 / WIDTH_IN,
        1 - subtitle_top / height,
        "\n".join(subtitle_lines),
        va="top",
        fontsize=SUBTITLE_SIZE,
        color="0.25",
        **text,
    )
    fig.text(
        0.1 / WIDTH_IN,
        notes_bottom / height,
        "\n".join(note_lines),
        va="bottom",
        fontsize=NOTE_SIZE,
        color="0.2",
        linespacing=1.3,
        **text,
    )
    ax = fig.add_axes(
        (
            left_in / WIDTH_IN,
            bottom / height,
            1 - (left_in + right_in) / WIDTH_IN,
            plot_in / height,
        )
    )
    if simulated:
        # Also on the plot itself, so a cropped copy still says so.
        ax.text(
            1.0,
            1.0 + 0.12 / plot_in,
            SIMULATED_LABEL,
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=NOTE_SIZE,
            color=colours()["dark_pink"],
            fontweight="bold",
        )
    return fig, ax


# --- Saving ---------------------------------------------------------------------------------


_SVG_SIZE = re.compile(r'width="([\d.]+)pt" height="([\d.]+)pt"')


def svg_to_png(svg: bytes, dpi: float = DPI) -> bytes:
    """Rasterise a chart's SVG with resvg and the bundled DejaVu fonts only.

    The PNG is drawn from the SVG, not by matplotlib's Agg renderer, so that it does not
    depend on the last bits of the floating point numpy computed on this CPU: the SVG holds its
    coordinates to a fixed number of decimals, and resvg draws the same pixels from the same
    text on every machine. (resvg reads sizes in pixels, so the size in points is converted.)
    """
    text = svg.decode("utf-8")
    found = _SVG_SIZE.search(text)
    if found is None:
        raise ValueError("the SVG has no width and height in points")
    width, height = (float(found[i]) * dpi / 72 for i in (1, 2))
    text = text.replace(found[0], f'width="{width:.2f}" height="{height:.2f}"', 1)
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=text,
            skip_system_fonts=True,
            font_files=FONT_FILES,
            background="#ffffff",
        )
    )


def render(fig) -> dict[str, bytes]:
    """The figure as SVG, PNG and PDF bytes, with no dates or software versions inside."""
    out = {}
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "none"}):
        for fmt, metadata in (("svg", SVG_METADATA), ("pdf", PDF_METADATA)):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata)
            out[fmt] = buffer.getvalue()
    out["png"] = svg_to_png(out["svg"])
    return {fmt: out[fmt] for fmt in ("svg", "png", "pdf")}


def save_figure(fig, stem: Path | str, data: pd.DataFrame, alt_text: str) -> list[Path]:
    """Write ``<stem>.svg``, ``.png``, ``.pdf``, ``.csv`` (the data behind the chart) and
    ``.txt`` (its alt text), all or none, leaving unchanged files untouched.
    """
    stem = Path(stem)
    files: dict[Path, str | bytes] = {
        stem.with_suffix(f".{fmt}"): content for fmt, content in render(fig).items()
    }
    files[stem.with_suffix(".csv")] = csv_text(data)
    files[stem.with_suffix(".txt")] = alt_text.strip() + "\n"
    write_many(files)
    return sorted(files)


def show(fig, stem: Path | str) -> None:
    """Close ``fig`` and show the SVG that :func:`save_figure` wrote for it, ``<stem>.svg``.

    The notebook then shows the published figure itself, and matplotlib does not draw the
    figure a second time for the notebook (its inline backend would, as a PNG). Outside a
    notebook, IPython's ``display`` prints a one-line description instead.
    """
    from IPython.display import SVG, display  # only the notebooks display anything

    plt.close(fig)
    display(SVG(filename=str(Path(stem).with_suffix(".svg"))))


# --- The charts -----------------------------------------------------------------------------


def platform_shares(
    table: pd.DataFrame, subtitle: str, simulated: bool, extra_notes: list[str] | None = None
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """Figure 1: each platform group's share of instances with a known platform, as labelled
    horizontal bars with 95% intervals from resampling forces; Facebook-owned apps grouped.

    ``table`` has one row per group (``group``, ``label``, ``share``, ``bootstrap_low``,
    ``bootstrap_high``, ``in_facebook_owned``), shares in percent, in display order.
    """
    c = colours()
    data = table.reset_index(drop=True)
    top = data.iloc[0]
    title = (
        f"{top['label']} were used in {percent(top['share'], 0)} of instances where the "
        "platform was known"
    )
    notes = [
        "Lines show 95% intervals from resampling whole forces (2,000 resamples, fixed seed).",
        "An instance is an offence recorded on a platform; one offence can involve several.",
        SOURCE_RETURNS,
    ]
    notes = [*(extra_notes or []), *notes]
    fig, ax = new_figure(2.4, title, subtitle, notes, simulated, left_in=2.1, right_in=0.45)
    y = np.arange(len(data))[::-1]
    grouped = data["in_facebook_owned"].to_numpy(bool)
    bar_colours = [c["dark_blue"] if g else c["grey"] for g in grouped]
    ax.barh(y, data["share"], color=bar_colours, height=0.62)
    err = np.vstack([data["share"] - data["bootstrap_low"], data["bootstrap_high"] - data["share"]])
    ax.errorbar(data["share"], y, xerr=err, fmt="none", ecolor="black", elinewidth=1.2, capsize=3)
    for yi, (_, row) in zip(y, data.iterrows(), strict=True):
        ax.text(
            row["bootstrap_high"] + 1.0,
            yi,
            percent(row["share"]),
            va="center",
            ha="left",
            fontsize=FONT_SIZE,
        )
    labels = [
        ("   " if g and i else "") + lbl
        for i, (g, lbl) in enumerate(zip(grouped, data["label"], strict=True))
    ]
    ax.set_yticks(y, labels)
    group_rows = y[grouped]
    if len(group_rows):
        ax.axhspan(group_rows.min() - 0.45, group_rows.max() + 0.45, color="0.94", zorder=0)
    ax.set_xlim(0, min(100, float(data["bootstrap_high"].max()) + 14))
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Share of instances with a known platform")
    alt = (
        "Horizontal bar chart of the share of instances with a known platform by app or "
        "platform group. "
        + "; ".join(
            f"{row['label']} {percent(row['share'])} (95% interval {percent(row['bootstrap_low'])} "
            f"to {percent(row['bootstrap_high'])})"
            for _, row in data.iterrows()
        )
        + "."
        + (f" {SIMULATED_LABEL}." if simulated else "")
    )
    return fig, data, alt


def funnel_limits(pooled: float, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Binomial control limits around a pooled share (0 to 1) for denominators ``n``."""
    spread = z * np.sqrt(pooled * (1 - pooled) / n)
    return np.clip(pooled - spread, 0, 1), np.clip(pooled + spread, 0, 1)


MAX_LABELS = 6


def short_name(name: str) -> str:
    """A force's name without 'Police', 'Constabulary' and the like, for labels."""
    for word in (" Police Service", " Constabulary", " Police"):
        name = name.replace(word, "")
    return name.replace("States of ", "")


def label_outliers(ax, out: pd.DataFrame, pooled: float, grid: np.ndarray) -> None:
    """Label the forces furthest outside the limits (at most MAX_LABELS), each beside its point,
    nudged apart so that no two labels overlap, with a thin leader line.
    """
    if out.empty:
        return
    spread = np.sqrt(pooled * (1 - pooled) / out["known"].to_numpy(float))
    z = np.abs(out["share"].to_numpy(float) / 100 - pooled) / spread
    chosen = out.assign(z=z).sort_values(["z", "force"], ascending=[False, True]).head(MAX_LABELS)
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


def funnel(
    forces: pd.DataFrame,
    pooled: float,
    subtitle: str,
    simulated: bool,
    extra_notes: list[str] | None = None,
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """Figure 2: each force's Facebook-owned share against its number of instances with a known
    platform, with 95% and 99.8% control limits around the pooled share (a funnel plot).

    ``forces`` has ``force_name``, ``known`` and ``facebook_owned`` (counts after disclosure
    control); ``pooled`` is the national share (0 to 1).
    """
    c = colours()
    data = forces[forces["known"] > 0].copy()
    data["share"] = 100 * data["facebook_owned"] / data["known"]
    lo95, hi95 = funnel_limits(pooled, data["known"].to_numpy(float), 1.96)
    lo998, hi998 = funnel_limits(pooled, data["known"].to_numpy(float), 3.09)
    data["limit_95_low"], data["limit_95_high"] = 100 * lo95, 100 * hi95
    data["limit_998_low"], data["limit_998_high"] = 100 * lo998, 100 * hi998
    data["outside_998"] = (data["share"] < data["limit_998_low"]) | (
        data["share"] > data["limit_998_high"]
    )
    outside = int(data["outside_998"].sum())
    n = len(data)
    if outside == 0:
        title = f"All {n} forces' Facebook-owned shares lie within the expected range"
    else:
        title = f"{outside} of {n} forces' Facebook-owned shares lie outside the 99.8% limits"
    notes = [
        f"Line: the pooled share ({percent(100 * pooled)}). Shaded: 95% and 99.8% limits for a "
        "force of that size if every force shared it. Diamonds: outside the 99.8% limits "
        f"(the {MAX_LABELS} furthest named; all are listed in the data file).",
        "Counts per force after disclosure control (rounded to 5; redacted cells count as 0).",
        SOURCE_RETURNS,
    ]
    notes = [*(extra_notes or []), *notes]
    fig, ax = new_figure(2.7, title, subtitle, notes, simulated, left_in=0.75)
    grid = np.geomspace(max(5, data["known"].min() * 0.8), data["known"].max() * 1.25, 200)
    for z, shade in ((3.09, "0.93"), (1.96, "0.85")):
        low, high = funnel_limits(pooled, grid, z)
        ax.fill_between(grid, 100 * low, 100 * high, color=shade, lw=0, zorder=0)
    ax.axhline(100 * pooled, color=c["dark_blue"], lw=1.2, zorder=1)
    inside = data[~data["outside_998"]]
    out = data[data["outside_998"]]
    ax.scatter(inside["known"], inside["share"], s=28, color=c["dark_blue"], zorder=3)
    ax.scatter(out["known"], out["share"], s=40, color=c["orange"], marker="D", zorder=3)
    label_outliers(ax, out, pooled, grid)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.set_xlabel("Instances with a known platform (log scale)")
    ax.set_ylabel("Facebook-owned share")
    alt = (
        f"Funnel plot of the Facebook-owned share of known instances in each of {n} forces "
        f"against the force's number of known instances. The pooled share is "
        f"{percent(100 * pooled)}; {outside} forces lie outside the 99.8% control limits"
        + (": " + ", ".join(out.sort_values("force_name")["force_name"]) if outside else "")
        + "."
        + (f" {SIMULATED_LABEL}." if simulated else "")
    )
    columns = [
        "force",
        "force_name",
        "known",
        "facebook_owned",
        "share",
        "limit_95_low",
        "limit_95_high",
        "limit_998_low",
        "limit_998_high",
        "outside_998",
    ]
    return fig, data[columns].sort_values("force", ignore_index=True), alt


def regions(
    table: pd.DataFrame, subtitle: str, simulated: bool, extra_notes: list[str] | None = None
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """Figure 3: each region's computed Facebook-owned share beside the published figure.

    ``table`` has ``area``, ``computed`` and ``published`` (percent), ``as_published``,
    ``holds`` and ``holds_if_truncated``.
    """
    c = colours()
    data = table.sort_values("computed", ascending=True, ignore_index=True)
    matched = int(data["holds"].fillna(False).astype(bool).sum())
    n = len(data)
    title = f"The returns reproduce {matched} of {n} published regional Facebook-owned shares"
    truncated = data[
        ~data["holds"].fillna(False).astype(bool)
        & data["holds_if_truncated"].fillna(False).astype(bool)
    ]
    notes = []
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
    notes += ["Circles: computed from the returns. Diamonds: as published.", SOURCE_RETURNS]
    notes = [*(extra_notes or []), *notes]
    fig, ax = new_figure(1.9, title, subtitle, notes, simulated, left_in=1.9, right_in=0.3)
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
    ax.set_xlabel("Facebook-owned share of known instances")
    alt = (
        "Dot chart comparing each region's Facebook-owned share computed from the returns with "
        "the published figure. "
        + "; ".join(
            f"{row['area']}: computed {percent(row['computed'])}, published {row['as_published']}"
            for _, row in data.iterrows()
        )
        + "."
        + (f" {SIMULATED_LABEL}." if simulated else "")
    )
    return fig, data, alt


def series(table: pd.DataFrame, subtitle: str) -> tuple[plt.Figure, pd.DataFrame, str]:
    """Figure 4: sexual communication with a child offences by year, from the published
    figures, with the number of forces responding marked on each bar.

    ``table`` has ``period_label``, ``offences``, ``forces_responding`` (may be empty) and
    ``forces_note``, annual periods only, in time order.
    """
    c = colours()
    data = table.reset_index(drop=True)
    first, last = data.iloc[0], data.iloc[-1]
    verb = "rose" if last["offences"] > first["offences"] else "fell"
    title = (
        f"Recorded sexual communication offences {verb} from {first['offences']:,.0f} in "
        f"{first['period_label']} to {last['offences']:,.0f} in {last['period_label']}"
    )
    notes = [
        "Labels above bars: police forces that responded (or as the release described them). "
        "The forces differ between years, so the series is not like-for-like.",
        SOURCE_PUBLISHED,
    ]
    fig, ax = new_figure(2.6, title, subtitle, notes, simulated=False, left_in=0.75)
    x = np.arange(len(data))
    ax.bar(x, data["offences"], color=c["dark_blue"], width=0.65)
    for xi, (_, row) in zip(x, data.iterrows(), strict=True):
        responded = row["forces_responding"]
        label = (
            f"{int(responded)} forces"
            if pd.notna(responded) and str(responded) != ""
            else (row["forces_note"] or "not stated")
        )
        ax.text(
            xi,
            row["offences"] + data["offences"].max() * 0.015,
            "\n".join(wrap(label, 0.75, 8)),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    ax.set_xticks(x, ["\n".join(wrap(p, 0.7, 9)) for p in data["period_label"]], fontsize=9)
    ax.set_ylim(0, data["offences"].max() * 1.22)
    ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylabel("Offences recorded")
    alt = (
        "Bar chart of sexual communication with a child offences recorded by police each year. "
        + "; ".join(f"{row['period_label']}: {row['offences']:,.0f}" for _, row in data.iterrows())
        + ". The number of forces responding differs between years."
    )
    return fig, data, alt


def whatsapp(
    table: pd.DataFrame, subtitle: str, simulated: bool, extra_notes: list[str] | None = None
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """Figure 5: WhatsApp's share of police-recorded Facebook-owned instances beside its stated
    share of Facebook's child-abuse tip-offs to the NCA.

    ``table`` has ``measure``, ``share``, ``low``, ``high`` (may be empty), ``flag``, in order.
    """
    c = colours()
    data = table.reset_index(drop=True)
    police, tipoffs = data.iloc[0], data.iloc[1]
    title = (
        f"WhatsApp: {percent(police['share'], 0)} of police-recorded Facebook-owned instances, "
        f"but {percent(tipoffs['share'])} of Facebook's tip-offs"
    )
    notes = [
        "Tip-off share as stated in the release (previous year); no primary source was found, "
        "so it is flagged unconfirmed (U).",
        "Line: 95% interval from resampling whole forces.",
        SOURCE_RETURNS,
    ]
    notes = [*(extra_notes or []), *notes]
    fig, ax = new_figure(1.5, title, subtitle, notes, simulated, left_in=2.5, right_in=0.3)
    y = np.arange(len(data))[::-1]
    ax.barh(y, data["share"], color=[c["dark_blue"], c["orange"]], height=0.55)
    for yi, (_, row) in zip(y, data.iterrows(), strict=True):
        end = row["share"]
        if pd.notna(row["low"]) and pd.notna(row["high"]):
            ax.errorbar(
                row["share"],
                yi,
                xerr=[[row["share"] - row["low"]], [row["high"] - row["share"]]],
                fmt="none",
                ecolor="black",
                capsize=3,
            )
            end = row["high"]
        flag = " (unconfirmed, U)" if row["flag"] == "U" else ""
        ax.text(end + 0.4, yi, percent(row["share"]) + flag, va="center", ha="left")
    ax.set_yticks(y, ["\n".join(wrap(m, 2.2, 10)) for m in data["measure"]], fontsize=10)
    ax.set_xlim(0, max(20, float(np.nanmax(data[["share", "high"]].to_numpy(float))) * 1.6))
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.tick_params(axis="y", length=0)
    alt = (
        f"Bar chart: WhatsApp was {percent(police['share'])} of police-recorded instances on "
        f"Facebook-owned apps, against {percent(tipoffs['share'])} of Facebook's child-abuse "
        "tip-offs to the NCA as stated in the release (unconfirmed)."
        + (f" {SIMULATED_LABEL}." if simulated else "")
    )
    return fig, data, alt


# --- From the tables of notebook 20 to the charts -------------------------------------------


def read_tables(tables_dir: Path | str) -> dict[str, pd.DataFrame]:
    """The CSV tables notebook 20 wrote, by name."""
    return {
        p.stem: pd.read_csv(p, keep_default_na=True) for p in sorted(Path(tables_dir).glob("*.csv"))
    }


def build_info(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The build's parameters and context (``build.csv``) as a dictionary of text."""
    build = tables["build"].fillna("")
    return dict(zip(build["key"].astype(str), build["value"].astype(str), strict=True))


def subtitle(info: dict[str, str], measure: str, forces: bool = True) -> str:
    """Measure, place and period (and how many forces) for a chart's subtitle."""
    who = f", {info['forces_with_data']} police forces" if forces else ""
    return f"{measure}{who}, {info['place']}, {info['period']}; {info['offence_groups']}"


def is_simulated(info: dict[str, str]) -> bool:
    return info.get("simulated", "True") == "True"


def variant_notes(info: dict[str, str]) -> list[str]:
    """A note for charts of a build that differs from the release (a variant)."""
    if info.get("like_for_like", "True") == "True":
        return []
    without = f"; without {info['exclude_forces']}" if info.get("exclude_forces") else ""
    return [
        f"This build differs from the release ({info['offence_groups']}{without}), so it need "
        "not match the published figures."
    ]


def shares_input(uncertainty: pd.DataFrame, owned: str) -> pd.DataFrame:
    """Rows of figure 1 from ``uncertainty.csv``: shares of all known instances, in order."""
    rows = uncertainty[uncertainty["denominator"] == "all_known"].set_index("group")
    data = rows.loc[[g for g in CHART_GROUPS if g in rows.index]].reset_index()
    data["label"] = data["group"].map(group_label)
    owned_names = {s.strip() for s in owned.split(",")}
    in_group = {"Instagram", "WhatsApp", "Facebook or Messenger"} & owned_names
    data["in_facebook_owned"] = (data["group"] == "facebook_owned") | data["label"].isin(in_group)
    columns = [
        "group",
        "label",
        "share",
        "bootstrap_low",
        "bootstrap_high",
        "wilson_low",
        "wilson_high",
        "count",
        "total",
        "in_facebook_owned",
    ]
    return data[columns]


def funnel_input(forces: pd.DataFrame) -> pd.DataFrame:
    """Rows of figure 2 from ``forces.csv`` (the per-force counts after disclosure control)."""
    data = forces[["force", "force_name", "all_known", "facebook_owned"]].copy()
    data = data.rename(columns={"all_known": "known"})
    data["known"] = pd.to_numeric(data["known"], errors="coerce").fillna(0)
    data["facebook_owned"] = pd.to_numeric(data["facebook_owned"], errors="coerce").fillna(0)
    return data


def regions_input(regional: pd.DataFrame) -> pd.DataFrame:
    """Rows of figure 3: each region's Facebook-owned share, computed and published."""
    rows = regional[
        (regional["geography"] == "region")
        & (regional["platform_group"] == "facebook_owned")
        & (regional["unit"] == "percent")
        & regional["computed"].notna()
    ]
    columns = [
        "area",
        "computed",
        "published",
        "as_published",
        "holds",
        "holds_if_truncated",
        "published_counts_share",
        "published_counts_fit",
        "flag",
    ]
    out = rows[columns].copy()
    for column in ("holds", "holds_if_truncated"):
        out[column] = out[column].map(lambda v: str(v) == "True")
    return out


def series_input(series: pd.DataFrame) -> pd.DataFrame:
    """Rows of figure 4: the annual periods of the published series, in time order."""
    data = series[series["annual"].astype(str) == "True"].copy()
    data["forces_note"] = data["forces_note"].fillna("")
    return data.sort_values("period_start", ignore_index=True)
