"""Figure 8, every wave side by side (src/figures/waves.py): one line per group and basis, a
marker per wave, the title from the data, the alt text naming every value."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from src.figures.waves import waves_chart


def table(waves):
    rows = []
    for wave, label, start, basis, forces, shares in waves:
        for group, name, share in shares:
            rows.append(
                {
                    "wave": wave,
                    "wave_label": label,
                    "period_start": start,
                    "basis": basis,
                    "forces": forces,
                    "group": group,
                    "label": name,
                    "count": share,
                    "known": 100.0,
                    "share": share,
                    "share_lowest": share,
                    "share_highest": share,
                }
            )
        rows.append(rows[-1] | {"group": "all_known", "label": "All", "share": 100.0})
    out = pd.DataFrame(rows)
    out["source_table"] = "tables/waves.csv"
    out["source_row"] = range(2, len(out) + 2)
    return out


@pytest.fixture
def two():
    both = [("snapchat", "Snapchat", None), ("owned", "Owner-held apps", None)]

    def shares(a, b):
        return [(g, n, v) for (g, n, _), v in zip(both, (a, b), strict=True)]

    return table(
        [
            ("w1", "2018/19", "2018-04-01", "all forces", 32, shares(30.0, 45.0)),
            ("w2", "2019/20", "2019-10-01", "all forces", 35, shares(50.0, 40.0)),
            ("w1", "2018/19", "2018-04-01", "like for like", 30, shares(31.0, 44.0)),
            ("w2", "2019/20", "2019-10-01", "like for like", 30, shares(49.0, 41.0)),
        ]
    )


def test_the_title_follows_the_largest_group_of_the_last_wave(two):
    fig, data, alt = waves_chart(two, "Sub", "Source: here.", simulated=False)
    title = fig.texts[0].get_text().replace("\n", " ")
    assert title.startswith("Snapchat: 50.0% of known instances in 2019/20, against 30.0% in")
    plt.close(fig)


def test_one_line_per_group_and_basis_and_no_line_for_all_known(two):
    fig, data, alt = waves_chart(two, "Sub", "Source: here.", simulated=False)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [
        "Snapchat\nall forces (32 or 35 forces)",
        "Snapchat\nlike for like (30 forces)",
        "Owner-held apps\nall forces (32 or 35 forces)",
        "Owner-held apps\nlike for like (30 forces)",
    ]
    assert "all_known" not in set(data["group"])
    plt.close(fig)


def test_the_alt_text_names_every_value_and_says_when_returns_are_simulated(two):
    fig, _, alt = waves_chart(two, "Sub", "Source: here.", simulated=True)
    assert "Snapchat, like for like (30 forces): 2018/19 31.0%; 2019/20 49.0%." in alt
    assert alt.endswith("Per-force returns are simulated.")
    plt.close(fig)


def test_one_wave_says_it_is_the_only_one(two):
    one = two[two["wave"] == "w2"]
    fig, _, _ = waves_chart(one[one["basis"] == "all forces"], "Sub", "S.", simulated=False)
    assert fig.texts[0].get_text().replace("\n", " ").endswith("the only wave with returns")
    plt.close(fig)
