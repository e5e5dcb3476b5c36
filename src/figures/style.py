"""The house style of every chart (the Analysis Function's ``afcharts`` colours and font): text
measured and wrapped to fit, tick labels that never overprint, and the 6-inch frame of title,
subtitle and notes (600 pixels wide at 100 dots per inch, the ONS limit for images)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from afcharts.af_colours import get_af_colours
from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg

WIDTH_IN = 6.0
DPI = 100
PRINT_DPI = 200
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
SVG_HASHSALT = "foi-platforms"

# --- Style ----------------------------------------------------------------------------------


def use_style() -> None:
    """The afcharts style, with a font every machine has (so matplotlib never warns about a
    missing Arial), a fixed SVG hash salt, and sizes that read well at 600 pixels.
    """
    plt.style.use("afcharts.afcharts")
    # DejaVu Sans ships with matplotlib, so the files are the same whatever fonts a machine
    # has; SVG text stays text (selectable, read by screen readers).
    mpl.rcParams.update(
        {
            "font.sans-serif": ["DejaVu Sans"],
            "svg.fonttype": "none",
            "font.size": FONT_SIZE,
            "svg.hashsalt": SVG_HASHSALT,
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.figsize": (WIDTH_IN, 4.5),
            "axes.titlesize": TITLE_SIZE,
            "path.simplify": True,
        }
    )


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


#: The least room between two tick labels, in inches: of a log axis, and of evenly spaced
#: slots (each label kept within its own slot, less this).
TICK_GAP_IN = 0.12
SLOT_GAP_IN = 0.06
#: The steps within a decade a log axis may mark, densest first.
LOG_STEPS = ((1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 5), (1, 3), (1,))


def count_text(value: float) -> str:
    """A count as a tick label: whole, with thousands separated."""
    return f"{value:,.0f}"


def log_ticks(low: float, high: float, length_in: float, fontsize: float) -> list[float]:
    """The major ticks of a log axis from ``low`` to ``high``, ``length_in`` inches long: the
    densest steps of :data:`LOG_STEPS` (then every second ... power of ten) whose measured
    labels leave :data:`TICK_GAP_IN` between each other."""
    span = math.log10(high) - math.log10(low)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    choices = [(steps, 1) for steps in LOG_STEPS]
    choices += [((1,), stride) for stride in range(2, last - first + 1)]
    ticks: list[float] = []
    for steps, stride in choices:
        ticks = [
            step * 10.0**exponent
            for exponent in range(first, last + 1)
            if exponent % stride == 0
            for step in steps
            if low <= step * 10.0**exponent <= high
        ]
        at = [length_in * (math.log10(t) - math.log10(low)) / span for t in ticks]
        half = [text_width_in(count_text(t), fontsize) / 2 for t in ticks]
        if all(
            at[i + 1] - at[i] >= half[i] + half[i + 1] + TICK_GAP_IN for i in range(len(at) - 1)
        ):
            return ticks
    return ticks[:1]


def spaced_labels(labels: list[str], slot_in: float, fontsize: float) -> list[str]:
    """Labels for evenly spaced ticks ``slot_in`` inches apart, each wrapped to its room: every
    tick's when every wrapped label fits its slot, else every second's (or third's ...), the
    others left blank, so that no two overprint.
    """
    for stride in range(1, len(labels) + 1):
        room = stride * slot_in - SLOT_GAP_IN
        lines = [wrap(label, room, fontsize) for label in labels[::stride]]
        if all(text_width_in(line, fontsize) <= room for label in lines for line in label):
            break
    return [
        "\n".join(wrap(label, room, fontsize)) if i % stride == 0 else ""
        for i, label in enumerate(labels)
    ]


def fitted_note(text: str, width_in: float, fontsize: float) -> tuple[str, int]:
    """``text`` wrapped to ``width_in`` inches, with no rotation, when every line fits; else on
    one line turned upright (rotation 90), for a note above a narrow bar."""
    lines = wrap(text, width_in, fontsize)
    if all(text_width_in(line, fontsize) <= width_in for line in lines):
        return "\n".join(lines), 0
    return str(text), 90


def note_height_in(text: str, rotation: int, fontsize: float) -> float:
    """How tall a note from :func:`fitted_note` stands, in inches."""
    if rotation:
        return text_width_in(text, fontsize)
    return (text.count("\n") + 1) * fontsize * 1.2 / 72


def interval_lines(ax, at, value, low, high, horizontal: bool = False, **style):
    """Lines from ``low`` to ``high`` through ``value`` (scalars or columns), at ``at`` on the
    other axis: matplotlib's ``errorbar`` without markers."""
    spans = [
        np.atleast_1d(np.clip(np.subtract(*ends), 0, None))
        for ends in ((value, low), (high, value))
    ]
    if horizontal:
        return ax.errorbar(value, at, xerr=spans, fmt="none", **style)
    return ax.errorbar(at, value, yerr=spans, fmt="none", **style)


def percent(value: float, places: int = 1) -> str:
    """A percentage as ONS style writes it: no space before the sign ("not available" for a
    value that is not a number, never "nan%")."""
    if not math.isfinite(float(value)):
        return "not available"
    return f"{value:.{places}f}%"


@dataclass(frozen=True)
class Frame:
    """Where a chart's words go on a figure 6 inches wide: ``height`` of the figure, ``top``
    (from the top edge to the plot) and ``bottom`` (from the bottom edge to the plot), in
    inches, with the title, subtitle and notes already broken into lines."""

    height: float
    top: float
    bottom: float
    title_top: float
    subtitle_top: float
    notes_bottom: float
    title_lines: tuple[str, ...]
    subtitle_lines: tuple[str, ...]
    note_lines: tuple[str, ...]


def frame_layout(
    plot_in: float,
    title: str,
    subtitle: str,
    notes: list[str],
    badge: str,
    bottom_axis_in: float = 0.55,
    top_extra_in: float = 0.0,
) -> Frame:
    """The frame of a figure whose plot is ``plot_in`` inches high: the figure grows with its
    text, so a longer note never squeezes the plot. ``top_extra_in`` leaves room above the
    plot (for the titles of a grid's panels)."""
    title_lines = wrap(title, TEXT_WIDTH_IN, TITLE_SIZE, "bold")
    subtitle_lines = wrap(subtitle, TEXT_WIDTH_IN, SUBTITLE_SIZE)
    note_lines = [line for note in notes for line in wrap(note, TEXT_WIDTH_IN, NOTE_SIZE)]
    title_top = 0.12
    subtitle_top = title_top + 0.24 * len(title_lines) + 0.06
    top = subtitle_top + 0.2 * len(subtitle_lines) + (0.4 if badge else 0.2) + top_extra_in
    notes_bottom = 0.1
    bottom = notes_bottom + 0.17 * len(note_lines) + bottom_axis_in
    return Frame(
        height=round(top + plot_in + bottom, 2),
        top=top,
        bottom=bottom,
        title_top=title_top,
        subtitle_top=subtitle_top,
        notes_bottom=notes_bottom,
        title_lines=tuple(title_lines),
        subtitle_lines=tuple(subtitle_lines),
        note_lines=tuple(note_lines),
    )


def draw_frame(fig, frame: Frame) -> None:
    """The title, subtitle and notes of ``frame`` on ``fig`` (which is ``frame.height`` high)."""
    height = frame.height
    title = {"va": "top", "fontsize": TITLE_SIZE, "fontweight": "bold"}
    subtitle = {"va": "top", "fontsize": SUBTITLE_SIZE, "color": "0.25"}
    notes = {"va": "bottom", "fontsize": NOTE_SIZE, "color": "0.2", "linespacing": 1.3}
    for y, lines, style in (
        (1 - frame.title_top / height, frame.title_lines, title),
        (1 - frame.subtitle_top / height, frame.subtitle_lines, subtitle),
        (frame.notes_bottom / height, frame.note_lines, notes),
    ):
        fig.text(0.1 / WIDTH_IN, y, "\n".join(lines), ha="left", transform=fig.transFigure, **style)


def new_figure(
    plot_in: float,
    title: str,
    subtitle: str,
    notes: list[str],
    badge: str,
    left_in: float = 0.6,
    right_in: float = 0.3,
    bottom_axis_in: float = 0.55,
):
    """A figure 6 inches wide with its title, subtitle and notes (:func:`frame_layout`) and
    one axes ``plot_in`` inches high between them: (figure, axes)."""
    frame = frame_layout(plot_in, title, subtitle, notes, badge, bottom_axis_in)
    height = frame.height
    fig = plt.figure(figsize=(WIDTH_IN, height))
    draw_frame(fig, frame)
    ax = fig.add_axes(
        (
            left_in / WIDTH_IN,
            frame.bottom / height,
            1 - (left_in + right_in) / WIDTH_IN,
            plot_in / height,
        )
    )
    if badge:
        # Also on the plot itself, so a cropped copy still says so.
        ax.text(
            1.0,
            1.0 + 0.12 / plot_in,
            badge,
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=NOTE_SIZE,
            color=colours()["dark_pink"],
            fontweight="bold",
        )
    return fig, ax
