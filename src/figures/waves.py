"""The waves chart: every wave side by side, each platform group's share of the instances with
a known platform over all the forces with data in each wave and over those with data in every
wave (like for like). ``table`` is step 20's ``waves`` table, with its source.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from src.figures.inputs import chart_data
from src.figures.style import NOTE_SIZE, new_figure, percent
from src.figures.timelines import marker_styles

#: How the notes name each marker of :data:`~src.figures.timelines.MARKERS`.
MARKER_NAMES = {
    "o": "circles",
    "s": "squares",
    "D": "diamonds",
    "^": "triangles",
    "v": "inverted triangles",
    "P": "crosses",
}
#: The group of every known instance: its share is 100% in every wave, so it is not drawn.
TOTAL_GROUP = "all_known"
#: What the chart's data file keeps of its rows.
WAVES_DATA = [
    "wave",
    "wave_label",
    "scope",
    "same_scope",
    "basis",
    "forces",
    "group",
    "label",
    "count",
    "known",
    "share",
    "share_lowest",
    "share_highest",
    "real_returns",
    "returns",
]


def _rows(data: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(group, basis, row label) for each line of the chart, top to bottom: groups in the
    table's order, each over all forces, then like for like. A group named differently in
    different waves (an owner renamed) shows each name."""
    out = []
    bases = list(dict.fromkeys(data["basis"]))
    for group, rows in data.groupby("group", sort=False):
        label = " / ".join(dict.fromkeys(rows.sort_values("period_start")["label"]))
        for basis in bases:
            forces = rows.loc[rows["basis"] == basis, "forces"]
            if len(forces):
                counted = sorted(set(forces.astype(int)))
                n = " or ".join(str(f) for f in counted)
                shown = label[:1].upper() + label[1:]
                out.append((group, basis, f"{shown}\n{basis} ({n} forces)"))
    return out


def wave_notes(
    data: pd.DataFrame, waves: list[str], labels: dict[str, str], key: dict
) -> list[str]:
    """What the notes say of each wave: its marker and the provenance of its returns, and of
    the waves of another offence scope (hollow markers), which offences they count."""
    first = data.drop_duplicates("wave").set_index("wave")
    parts = []
    for w in waves:
        row = first.loc[w]
        returns = str(row.get("returns", ""))
        said = (
            f"{int(row['real_returns'])} of {int(row['forces_with_data'])} forces' returns real"
            if returns == "mixed"
            else f"returns {returns}"
        )
        parts.append(f"{key[w]}: {labels[w]} ({said})")
    notes = ["; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + "."]
    apart = first[~first["same_scope"].astype(str).eq("True")]
    if len(apart):
        notes.append(
            "Hollow markers: waves of other offences, not comparable with the rest ("
            + "; ".join(f"{labels[w]}: {apart.loc[w, 'scope']}" for w in apart.index)
            + ")."
        )
    return notes


def waves_chart(
    table: pd.DataFrame, subtitle: str, source: str, badge: str
) -> tuple[plt.Figure, pd.DataFrame, str]:
    """The waves chart (see the module's docstring): the title says how the largest group's share
    moved between the first and the last wave over all forces; ``source`` is the build's
    source line."""
    data = table[table["group"] != TOTAL_GROUP].reset_index(drop=True)
    # A group no return of a wave itemises has no share there: not drawn, nor said.
    data = data[data["share"].notna()].reset_index(drop=True)
    waves = list(dict.fromkeys(data.sort_values("period_start")["wave"]))
    labels = dict(zip(data["wave"], data["wave_label"], strict=False))
    lines = _rows(data)
    everyone = data[data["basis"] == data["basis"].iloc[0]]
    last = everyone[everyone["wave"] == waves[-1]].sort_values("share", ascending=False)
    top = last.iloc[0]
    since = "the only wave with returns"
    if len(waves) > 1:
        first = everyone[(everyone["wave"] == waves[0]) & (everyone["group"] == top["group"])]
        before = percent(float(first["share"].iloc[0])) if len(first) else "not available"
        since = f"against {before} in {labels[waves[0]]}"
    title = (
        f"{top['label']}: {percent(float(top['share']))} of known instances in "
        f"{labels[waves[-1]]}, {since}"
    )
    style = marker_styles(waves)
    key = {w: MARKER_NAMES[style[w][1]] for w in waves}
    notes = [
        *wave_notes(data, waves, labels, key),
        "Each line: one platform group over the forces whose returns give its count in each "
        "wave, or over the forces with data in every wave (like for like). The forces "
        "answering differ between waves, so only the like-for-like lines compare the same "
        "forces.",
        source,
    ]
    same = dict(zip(data["wave"], data["same_scope"].astype(str).eq("True"), strict=False))
    plot_in = 0.38 * len(lines) + 0.3
    fig, ax = new_figure(plot_in, title, subtitle, notes, badge, left_in=2.2, right_in=0.3)
    y = np.arange(len(lines))[::-1]
    for yi, (group, basis, _) in zip(y, lines, strict=True):
        rows = data[(data["group"] == group) & (data["basis"] == basis)].set_index("wave")
        shown = [w for w in waves if w in rows.index]
        xs = [float(rows.loc[w, "share"]) for w in shown]
        ax.plot(xs, [yi] * len(xs), color="0.75", lw=2, zorder=1)
        for w in shown:
            colour, marker = style[w]
            face = colour if same[w] else "white"
            ax.scatter(
                [float(rows.loc[w, "share"])],
                [yi],
                marker=marker,
                s=50,
                facecolors=face,
                edgecolors=colour,
                zorder=3,
            )
    ax.set_yticks(y, [label for _, _, label in lines], fontsize=NOTE_SIZE)
    ax.set_ylim(-0.6, len(lines) - 0.4)
    high = float(data["share"].max())
    ax.set_xlim(0, min(100, high * 1.15 + 5))
    ax.xaxis.set_major_formatter(mpl.ticker.PercentFormatter(decimals=0))
    ax.grid(axis="x", visible=True)
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Share of instances with a known platform")
    alt = (
        "Dot chart of each platform group's share of instances with a known platform in each "
        "wave, over all forces and like for like. "
        + " ".join(
            f"{label.replace(chr(10), ', ')}: "
            + "; ".join(
                f"{labels[w]} {percent(float(r['share']))}"
                for w in waves
                for _, r in data[
                    (data["group"] == group) & (data["basis"] == basis) & (data["wave"] == w)
                ].iterrows()
            )
            + "."
            for group, basis, label in lines
        )
        + (f" {badge}." if badge else "")
    )
    return fig, chart_data(data, WAVES_DATA), alt
