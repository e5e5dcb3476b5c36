"""Tests for src/figures/charts.py: what each chart says, and which bars it shades."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from src.figures import charts, style  # noqa: E402


@pytest.fixture(autouse=True)
def house_style():
    style.use_style()
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
            "in_owner_group": [True, True, True, True, False],
            "source_table": "tables/uncertainty.csv",
            "source_row": [2, 3, 4, 5, 7],
        }
    )


def bar_colours(fig) -> list[tuple[float, ...]]:
    """The fill colour of each bar of a chart's bar chart, top to bottom as drawn."""
    bars = fig.axes[0].containers[0]
    order = np.argsort([-bar.get_y() for bar in bars])
    return [tuple(bars[i].get_facecolor()) for i in order]


def test_platform_shares_shades_the_bars_the_data_marks_whatever_their_labels():
    table = shares_table()
    table["label"] = ["Meta's apps", "Insta", "Facebook and Messenger", "WhatsApp (Meta)", "Other"]
    table["in_owner_group"] = [True, True, False, True, False]
    fig, data, _ = charts.platform_shares(table, "Share of known instances", True)
    owner = matplotlib.colors.to_rgba(style.colours()["dark_blue"])
    grey = matplotlib.colors.to_rgba(style.colours()["grey"])
    assert bar_colours(fig) == [owner, owner, grey, owner, grey]
    assert list(data["in_owner_group"]) == [True, True, False, True, False]
    assert list(data.columns[-3:]) == ["in_owner_group", "source_table", "source_row"]


def test_platform_shares_states_the_finding_and_labels_the_data():
    fig, data, alt = charts.platform_shares(shares_table(), "Share of known instances", True)
    words = texts(fig)
    assert "62% of instances" in words  # 61.7 rounds to 62 in the title
    for label in ("61.7%", "40.1%", "7.4%"):
        assert label in words
    assert style.SIMULATED_LABEL in words
    assert fig.axes[0].get_legend() is None
    assert "Facebook-owned apps 61.7%" in alt and style.SIMULATED_LABEL in alt
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
    assert style.SIMULATED_LABEL not in words
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
            "source_table": "tables/forces.csv",
            "source_row": np.arange(2, 22),
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


def test_funnel_data_keeps_each_force_s_source_row_after_dropping_and_sorting():
    forces = pd.DataFrame(
        {
            "force": ["c", "a", "b"],
            "force_name": ["C Police", "A Police", "B Police"],
            "known": [100.0, 0.0, 200.0],
            "facebook_owned": [50.0, 0.0, 90.0],
            "source_table": "tables/forces.csv",
            "source_row": [2, 3, 4],
        }
    )
    _, data, _ = charts.funnel(forces, 0.5, "Share by force", True)
    assert list(data["force"]) == ["b", "c"]  # no instances: no point; sorted by force
    assert list(data["source_row"]) == [4, 2]
    assert list(data.columns[-2:]) == ["source_table", "source_row"]
