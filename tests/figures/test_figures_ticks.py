"""No two tick labels overprint: every chart, drawn from the tables of each build committed
under reports/ and from small synthetic tables shaped like them (wide and narrow ranges of
force sizes, long and gappy series), is rendered, and the window extents of the tick labels on
each axis must not overlap.
"""

from __future__ import annotations

import itertools

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from figure_tables import WORDS

from src.figures import (
    badge,
    build_info,
    chart_words,
    funnel,
    funnel_input,
    platform_shares,
    read_tables,
    regions,
    regions_input,
    series,
    series_input,
    shares_input,
    subtitle,
    variant_notes,
    whatsapp,
    whatsapp_input,
)
from src.helpers import ROOT

#: Every build committed under reports/ (the default, its variants, each wave's), by folder.
BUILDS = {
    path.parent.relative_to(ROOT).as_posix(): path.parent
    for path in sorted((ROOT / "reports").glob("**/tables/build.csv"))
}


def draw_every_chart(tables: dict[str, pd.DataFrame]) -> dict[str, plt.Figure]:
    """Each chart drawn from ``tables`` as notebooks/30-figures.ipynb draws it, and only where
    it draws it: no funnel when no force's share is shown, no regions chart when no regional
    share was published, no tip-off chart without a tip-off figure."""
    info = build_info(tables)
    said, extra = badge(info), variant_notes(info)
    words = chart_words(info) if "owner_group" in info else WORDS
    owner = words.owner_group
    unc = tables["uncertainty"]
    pooled = unc[(unc["group"] == owner) & (unc["denominator"] == "all_known")]
    drawn = {
        "shares": platform_shares(
            shares_input(unc, tables["composition"]),
            subtitle(info, "Share"),
            said,
            extra,
            words=words,
        ),
        "series": series(series_input(tables["series"]), words=words),
    }
    by_force = funnel_input(tables["force_shares"])
    if (by_force["known"] > 0).any():
        drawn["funnel"] = funnel(
            by_force,
            float(pooled["share"].iloc[0]) / 100,
            subtitle(info, "Share by force"),
            said,
            extra,
            words=words,
        )
    by_region = regions_input(tables["regional"], owner)
    if not by_region.empty:
        drawn["regions"] = regions(
            by_region, subtitle(info, "Share", False), said, extra, words=words
        )
    tipoffs = whatsapp_input(tables["whatsapp"])
    if not tipoffs.empty:
        drawn["whatsapp"] = whatsapp(tipoffs, subtitle(info, "Share"), said, extra, words=words)
    return {name: fig for name, (fig, _, _) in drawn.items()}


def tick_label_boxes(axis, renderer) -> list[tuple[str, matplotlib.transforms.Bbox]]:
    """The text and window extent of each tick label the axis draws (major and minor)."""
    # Axis._update_ticks is what Axis.draw calls: the ticks within the view, minor ticks that
    # coincide with a major one left out, their labels set.
    boxes = []
    for tick in axis._update_ticks():
        for label in (tick.label1, tick.label2):
            if label.get_visible() and label.get_text().strip():
                boxes.append((label.get_text(), label.get_window_extent(renderer)))
    return boxes


def overprinting(fig) -> list[str]:
    """Every pair of tick labels on one axis of ``fig`` whose boxes overlap."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            boxes = tick_label_boxes(axis, renderer)
            for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
                wide = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
                high = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
                if wide > 0 and high > 0:
                    found.append(f"{name} axis: {a!r} overprints {b!r}")
    return found


# --- Synthetic tables shaped like step 20's ------------------------------------------------


def uncertainty_table(shares: dict[str, float]) -> pd.DataFrame:
    rows = []
    for group, share in shares.items():
        rows.append(
            {
                "share_of": group,
                "group": group,
                "denominator": "all_known",
                "count": share * 10,
                "total": 1000.0,
                "share": share,
                "wilson_low": share - 1,
                "wilson_high": share + 1,
                "bootstrap_low": share - 3,
                "bootstrap_high": share + 3,
                "in_owner_group": group != "other",
            }
        )
    return pd.DataFrame(rows)


def composition_table(shares: dict[str, float]) -> pd.DataFrame:
    """The parts of figure 1's columns: the owner group's platforms, and the rest whole."""
    parts = [(g, "facebook_owned") for g in shares if g not in ("facebook_owned", "other")]
    parts.append(("other", "other"))
    return pd.DataFrame(
        {
            "part": [g for g, _ in parts],
            "label": [g.replace("_", " ") for g, _ in parts],
            "column": [c for _, c in parts],
            "is_platform": [g != "other" for g, _ in parts],
            "count": [shares[g] * 10 for g, _ in parts],
            "share": [shares[g] for g, _ in parts],
            "forces_counted": 10,
            "forces_with_data": 10,
        }
    )


def force_shares_table(known: list[float], share: float = 0.5) -> pd.DataFrame:
    known_arr = np.asarray(known, float)
    shares = 100 * np.round(known_arr * share) / known_arr
    shares[0] = 95.0  # one force far above, labelled
    return pd.DataFrame(
        {
            "force": [f"force-{i:02d}" for i in range(len(known))],
            "force_name": [f"Force Number {i} Constabulary" for i in range(len(known))],
            "known": known_arr,
            "share": shares,
            "share_lowest": shares - 2,
            "share_highest": np.minimum(100, shares + 3),
        }
    )


def regional_table(areas: list[str]) -> pd.DataFrame:
    n = len(areas)
    return pd.DataFrame(
        {
            "geography": "region",
            "area": areas,
            "platform_group": "facebook_owned",
            "unit": "percent",
            "computed": np.linspace(40, 65, n),
            "published": np.linspace(42, 60, n).round(),
            "as_published": [f"{v:.0f}%" for v in np.linspace(42, 60, n).round()],
            "holds": [i % 2 == 0 for i in range(n)],
            "holds_if_truncated": [i % 2 == 0 for i in range(n)],
            "verdict": ["holds" if i % 2 == 0 else "does not hold" for i in range(n)],
            "published_counts_share": np.nan,
            "published_counts_fit": "",
            "flag": "V",
        }
    )


def series_table(years: list[int], month: int = 4, long_labels: bool = False) -> pd.DataFrame:
    def label(y: int) -> str:
        if long_labels:
            return f"year to {['April', 'September'][y % 2]} {y + 1}"
        return str(y) if month == 1 else f"{y}/{(y + 1) % 100:02d}"

    return pd.DataFrame(
        {
            "period_label": [label(y) for y in years],
            "period_start": [f"{y}-{month:02d}-01" for y in years],
            "period_end": [f"{y + 1}-{month:02d}-01" for y in years],
            "area": "Mercia",
            "annual": True,
            "offences": [1000.0 + 900 * i for i in range(len(years))],
            "forces_responding": [40 + i % 3 if i % 2 else np.nan for i in range(len(years))],
            "forces_note": ["" if i % 2 else "All UK forces but one asked" for i in years],
            "flag": "V",
        }
    )


WHATSAPP = pd.DataFrame(
    {
        "measure": [
            "Share of police-recorded instances on Facebook-owned apps",
            "Share of Facebook's child-abuse tip-offs to the NCA (previous year)",
        ],
        "share": [11.7, 1.3],
        "low": [9.9, np.nan],
        "high": [15.6, np.nan],
        "flag": ["", "U"],
    }
)

BUILD = pd.DataFrame(
    {
        "key": ["place", "period", "offence_groups", "forces_with_data", "badge"],
        "value": ["A place", "a period", "some offences", "12", "2 of 12 real, 10 simulated"],
    }
)

SHARES = {
    "facebook_owned": 52.9,
    "instagram": 34.0,
    "facebook_messenger": 12.7,
    "whatsapp": 6.2,
    "other": 47.1,
}

SYNTHETIC = {
    "narrow force sizes": dict(known=[40, 45, 52, 58, 63, 70], years=[2017, 2018, 2020]),
    "force sizes as in images-only": dict(
        known=[20, 25, 30, 35, 45, 50, 55, 70, 90, 100, 120, 150, 220, 300],
        years=[2017, 2018, 2020, 2021, 2022, 2023, 2024],
    ),
    "wide force sizes": dict(
        known=[5, 9, 30, 80, 200, 650, 1500, 4000, 9000, 20000],
        years=list(range(2010, 2025)),
    ),
    "very wide force sizes, long labels": dict(
        known=[1, 3, 10, 100, 1000, 10000, 100000, 1000000],
        years=[2015, 2016, 2019, 2020, 2023],
        long_labels=True,
    ),
    "calendar years with gaps": dict(known=[10, 200], years=[2012, 2014, 2015, 2019], month=1),
}


def synthetic_tables(tmp_path, known, years, month=4, long_labels=False):
    """Tables written as CSV and read back the way the notebook reads them."""
    frames = {
        "uncertainty": uncertainty_table(SHARES),
        "composition": composition_table(SHARES),
        "force_shares": force_shares_table(known),
        "regional": regional_table(
            ["North East", "North West", "South West", "East of England", "Wales"]
        ),
        "series": series_table(years, month, long_labels),
        "whatsapp": WHATSAPP,
        "build": BUILD,
    }
    for name, frame in frames.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    return read_tables(tmp_path)


@pytest.mark.parametrize("case", list(SYNTHETIC))
def test_no_tick_labels_overprint_on_synthetic_tables(tmp_path, case):
    for name, fig in draw_every_chart(synthetic_tables(tmp_path, **SYNTHETIC[case])).items():
        assert overprinting(fig) == [], f"{case}: {name}"


@pytest.mark.parametrize("build", list(BUILDS))
def test_no_tick_labels_overprint_on_each_build_s_tables(build):
    for name, fig in draw_every_chart(read_tables(BUILDS[build])).items():
        assert overprinting(fig) == [], f"{build}: {name}"


def test_overprinting_tick_labels_are_found():
    fig, ax = plt.subplots()
    ax.set_xscale("log")
    ax.set_xlim(16, 375)  # matplotlib's own log labels: the minor ones overprint here
    ax.set_yticks([0, 0.01], ["a long tick label", "another long one"])
    found = overprinting(fig)
    assert any(problem.startswith("x axis") for problem in found)
    assert "y axis: 'a long tick label' overprints 'another long one'" in found
