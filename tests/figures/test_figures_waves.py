"""Figure 8, every wave side by side (src/figures/waves.py): one line per group and basis, a
marker per wave, the title from the data, the alt text naming every value."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from src.figures.waves import waves_chart

#: What each wave's returns are: (real returns, returns) as waves.csv gives them.
RETURNS = {"w1": (0, "simulated"), "w2": (3, "mixed")}


def table(waves):
    rows = []
    for wave, label, start, basis, forces, shares in waves:
        real, returns = RETURNS[wave]
        for group, name, share in shares:
            rows.append(
                {
                    "wave": wave,
                    "wave_label": label,
                    "period_start": start,
                    "scope": "some offences",
                    "same_scope": True,
                    "basis": basis,
                    "forces_with_data": 32 if wave == "w1" else 35,
                    "forces": forces,
                    "group": group,
                    "label": name,
                    "count": share,
                    "known": 100.0,
                    "share": share,
                    "share_lowest": share,
                    "share_highest": share,
                    "real_returns": real,
                    "returns": returns,
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
    fig, data, alt = waves_chart(two, "Sub", "Source: here.", badge="")
    title = fig.texts[0].get_text().replace("\n", " ")
    assert title.startswith("Snapchat: 50.0% of known instances in 2019/20, against 30.0% in")
    plt.close(fig)


def test_one_line_per_group_and_basis_and_no_line_for_all_known(two):
    fig, data, alt = waves_chart(two, "Sub", "Source: here.", badge="")
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


def test_the_alt_text_names_every_value_and_says_what_the_returns_are(two):
    badge = "3 of 67 forces' returns are real, 64 simulated"
    fig, _, alt = waves_chart(two, "Sub", "Source: here.", badge=badge)
    assert "Snapchat, like for like (30 forces): 2018/19 31.0%; 2019/20 49.0%." in alt
    assert alt.endswith(f"{badge}.")
    notes = fig.texts[2].get_text().replace("\n", " ")
    # each wave's own returns, from its rows of the table
    assert "2018/19 (returns simulated)" in notes
    assert "2019/20 (3 of 35 forces' returns real)" in notes
    assert "Hollow markers" not in notes
    plt.close(fig)
    fig, _, alt = waves_chart(two, "Sub", "Source: here.", badge="")
    assert alt.endswith("2019/20 41.0%.")
    plt.close(fig)


def test_a_wave_of_other_offences_is_hollow_and_says_what_it_counts(two):
    other = two.assign(
        same_scope=two["wave"] == "w2",
        scope=two["wave"].map({"w1": "image offences only", "w2": "some offences"}),
    )
    fig, _, _ = waves_chart(other, "Sub", "Source: here.", badge="")
    notes = fig.texts[2].get_text().replace("\n", " ")
    assert "Hollow markers: waves of other offences, not comparable with the rest (2018/19: " in (
        notes
    )
    assert "image offences only)" in notes
    faces = {tuple(c.get_facecolors()[0]) for c in fig.axes[0].collections if len(c.get_offsets())}
    assert (1.0, 1.0, 1.0, 1.0) in faces  # a hollow (white) marker is drawn
    plt.close(fig)


def test_a_group_no_return_of_a_wave_itemises_is_not_drawn_there(two):
    unitemised = two.copy()
    unitemised.loc[(unitemised["wave"] == "w1") & (unitemised["group"] == "snapchat"), "share"] = (
        float("nan")
    )
    fig, data, alt = waves_chart(unitemised, "Sub", "Source: here.", badge="")
    assert not data["share"].isna().any()
    assert "Snapchat, all forces (35 forces): 2019/20 50.0%." in alt
    assert "nan" not in alt.lower()
    plt.close(fig)


def test_one_wave_says_it_is_the_only_one(two):
    one = two[two["wave"] == "w2"]
    fig, _, _ = waves_chart(one[one["basis"] == "all forces"], "Sub", "S.", badge="")
    assert fig.texts[0].get_text().replace("\n", " ").endswith("the only wave with returns")
    plt.close(fig)
