"""The house style of every chart: the Analysis Function look (``afcharts``), its colours and
font, text measured and wrapped to fit, and the figure frame with title, subtitle and notes.

Every chart has a title that states the finding (computed from the numbers, never typed), a
subtitle with the measure, place and period, direct labels rather than a legend, a source
note, and the label "Per-force returns are simulated" when it is built from the returns. Charts
are 6 inches wide and saved at 100 dots per inch, so the PNG is 600 pixels wide (the ONS limit
for images) and the text stays readable at that width.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
from afcharts.af_colours import get_af_colours
from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg

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
