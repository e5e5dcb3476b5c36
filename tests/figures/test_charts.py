"""Tests for src/charts.py: style, deterministic files, and what each chart says."""

from __future__ import annotations

import logging
import struct

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from src.figures import charts  # noqa: E402


@pytest.fixture(autouse=True)
def style():
    charts.use_style()
    yield
    plt.close("all")


def texts(fig) -> str:
    """Every piece of text on a figure, joined, with line breaks as spaces."""
    found = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return " ".join(" ".join(found).split())


def shares_table():
    return pd.DataFrame(
        {
            "group": ["facebook_owned", "instagram", "facebook_messenger", "whatsapp", "other"],
            "label": [
                "Facebook-owned apps",
                "Instagram",
                "Facebook or Messenger",
                "WhatsApp",
                "Other",
            ],
            "share": [61.7, 40.1, 14.2, 7.4, 38.3],
            "bootstrap_low": [58.0, 36.0, 12.0, 6.0, 35.0],
            "bootstrap_high": [65.0, 44.0, 16.0, 9.0, 42.0],
            "in_facebook_owned": [True, True, True, True, False],
        }
    )


def test_style_uses_installed_fonts_without_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="matplotlib")
    fig, ax = plt.subplots()
    ax.set_title("A title")
    fig.canvas.draw()
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    assert matplotlib.rcParams["svg.hashsalt"] == charts.SVG_HASHSALT


def test_wrap_keeps_lines_within_the_width():
    text = "Facebook-owned apps were used in 52% of instances where the platform was known"
    lines = charts.wrap(text, 3.0, 13, "bold")
    assert len(lines) > 1
    assert " ".join(lines) == text
    assert all(charts.text_width_in(line, 13, "bold") <= 3.0 for line in lines)


def test_platform_shares_states_the_finding_and_labels_the_data():
    fig, data, alt = charts.platform_shares(shares_table(), "Share of known instances", True)
    words = texts(fig)
    assert "62% of instances" in words  # 61.7 rounds to 62 in the title
    for label in ("61.7%", "40.1%", "7.4%"):
        assert label in words
    assert charts.SIMULATED_LABEL in words
    assert fig.axes[0].get_legend() is None
    assert "Facebook-owned apps 61.7%" in alt and charts.SIMULATED_LABEL in alt
    assert len(data) == 5


def test_chart_from_published_figures_only_is_not_labelled_simulated():
    series = pd.DataFrame(
        {
            "period_label": ["2017/18", "2018/19"],
            "offences": [3000.0, 4200.0],
            "forces_responding": [pd.NA, 43],
            "forces_note": ["44 forces asked", ""],
        }
    )
    fig, _, alt = charts.series(series, "Offences recorded")
    words = texts(fig)
    assert charts.SIMULATED_LABEL not in words
    assert "rose from 3,000 in 2017/18 to 4,200 in 2018/19" in words
    assert "43 forces" in words and "44 forces" in words


def test_funnel_counts_forces_outside_the_limits():
    rng = np.random.default_rng(3)
    known = rng.integers(100, 1000, 20).astype(float)
    forces = pd.DataFrame(
        {
            "force": [f"f{i:02d}" for i in range(20)],
            "force_name": [f"Force {i} Police" for i in range(20)],
            "known": known,
            "facebook_owned": np.round(known * 0.5),
        }
    )
    forces.loc[0, "facebook_owned"] = forces.loc[0, "known"] * 0.95  # far above
    fig, data, _ = charts.funnel(forces, 0.5, "Share by force", True)
    assert int(data["outside_998"].sum()) == 1
    assert "1 of 20 forces" in texts(fig)
    assert "Force 0" in texts(fig)


def test_regions_notes_a_printed_share_that_only_truncation_explains():
    regional = pd.DataFrame(
        {
            "area": ["South West", "North West"],
            "computed": [51.2, 52.2],
            "published": [50.0, 52.0],
            "as_published": ["50%", "52%"],
            "holds": [False, True],
            "holds_if_truncated": [False, True],
            "published_counts_share": [50.82, np.nan],
            "published_counts_fit": [
                "fits the stated total only if truncated rather than rounded",
                "",
            ],
        }
    )
    fig, _, _ = charts.regions(regional, "Share by region", True)
    words = texts(fig)
    assert "reproduce 1 of 2" in words
    assert "South West: the published counts give 50.8%" in words


def test_save_figure_is_deterministic_600_pixels_and_complete(tmp_path):
    def draw():
        fig, data, alt = charts.platform_shares(shares_table(), "Share of known instances", True)
        return fig, data, alt

    fig, data, alt = draw()
    paths = charts.save_figure(fig, tmp_path / "shares", data, alt)
    assert sorted(p.suffix for p in paths) == [".csv", ".pdf", ".png", ".svg", ".txt"]
    first = {p.suffix: p.read_bytes() for p in paths}
    mtimes = {p: p.stat().st_mtime_ns for p in paths}
    plt.close(fig)
    fig, data, alt = draw()
    charts.save_figure(fig, tmp_path / "shares", data, alt)
    assert {p.suffix: p.read_bytes() for p in paths} == first
    assert {p: p.stat().st_mtime_ns for p in paths} == mtimes  # unchanged files not rewritten
    width = struct.unpack(">I", first[".png"][16:20])[0]
    assert width == 600
    assert b"CreationDate" not in first[".pdf"]
    assert b"<dc:date>" not in first[".svg"]
    assert first[".txt"].decode().startswith("Horizontal bar chart")
