"""Every wave side by side (src/findings/waves.py): the measures per wave over all forces and
like for like, and the published statements that compare two waves. The expected values are
worked by hand from the small tables below."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from synthetic_instances import grouped, rows

from src.findings import coverage
from src.findings import waves as w

OWNER = "facebook_owned"
OWNED = ("facebook_messenger", "instagram", "whatsapp")
#: Made-up wave ids: a wave may have any folder-safe name.
BEFORE, NOW = "wave-before", "wave-now"
#: The groups each wave is shown by (groups.csv's owner, platform, rest and all groups).
SHOWN = [OWNER, "instagram", "facebook_messenger", "whatsapp", "other", "all_known"]


def wave(wave_id, start, end, spec, returns="simulated", real=0):
    return w.Wave(
        wave_id,
        start,
        end,
        grouped(rows(spec, wave=wave_id), owned=OWNED),
        OWNER,
        OWNED,
        returns=returns,
        real=real,
        names={"instagram": f"Instagram in {wave_id}"},
    )


@pytest.fixture
def two_waves():
    # The earlier wave: forces a and b, b's return real; the later: forces a and c. Only a
    # answered both.
    before = wave(
        BEFORE,
        "2018-04-01",
        "2019-03-31",
        [
            ("a", "instagram", 20),
            ("a", "facebook_messenger", 10),
            ("a", "snapchat", 70),
            ("b", "instagram", 10),
            ("b", "snapchat", 10),
        ],
        returns="mixed",
        real=1,
    )
    now = wave(
        NOW,
        "2019-10-01",
        "2020-09-30",
        [
            ("a", "instagram", 30),
            ("a", "snapchat", 70),
            ("c", "instagram", 60),
            ("c", "snapchat", 40),
        ],
    )
    return before, now


def test_like_for_like_is_the_forces_with_data_in_every_wave(two_waves):
    assert w.like_for_like_forces(list(two_waves)) == ["a"]
    assert w.like_for_like_forces([two_waves[0]]) == ["a", "b"]


def test_each_wave_over_all_forces_and_like_for_like(two_waves):
    table = w.waves_table(list(two_waves), SHOWN).set_index(["basis", "wave", "group"])
    now_all = table.loc[(w.ALL_FORCES, NOW)]
    assert now_all.loc["instagram", "count"] == 90
    assert now_all.loc["all_known", "count"] == 200
    assert now_all.loc["instagram", "share"] == 45.0
    assert now_all.loc["instagram", "forces"] == 2
    before_same = table.loc[(w.LIKE_FOR_LIKE, BEFORE)]
    assert before_same.loc["instagram", "count"] == 20
    assert before_same.loc["instagram", "share"] == 20.0
    assert before_same.loc[OWNER, "count"] == 30
    assert before_same.loc["instagram", "forces"] == 1
    # Each wave states its period in words, and each row its own wave's returns and names.
    assert set(table["period"]) == {"April 2018 to March 2019", "October 2019 to September 2020"}
    by_wave = table.reset_index().groupby("wave")
    assert by_wave["returns"].unique().map(list).to_dict() == {
        BEFORE: ["mixed"],
        NOW: ["simulated"],
    }
    assert by_wave["real_returns"].unique().map(list).to_dict() == {BEFORE: [1], NOW: [0]}
    assert table.loc[(w.ALL_FORCES, NOW, "instagram"), "label"] == f"Instagram in {NOW}"
    assert list(table.loc[(w.ALL_FORCES, BEFORE)].index) == SHOWN


def test_one_wave_has_no_like_for_like_rows(two_waves):
    table = w.waves_table([two_waves[1]], SHOWN)
    assert set(table["basis"]) == {w.ALL_FORCES}


def test_waves_with_no_force_in_common_have_no_like_for_like_rows(two_waves):
    other = wave(BEFORE, "2018-04-01", "2019-03-31", [("z", "instagram", 5)])
    table = w.waves_table([other, two_waves[1]], SHOWN)
    assert set(table["basis"]) == {w.ALL_FORCES}
    assert set(table["wave"]) == {BEFORE, NOW}


def test_a_wave_s_share_is_over_the_forces_whose_returns_itemise_it():
    # Force p gives a known total of 50 and itemises Instagram alone.
    partial = wave(
        NOW,
        "2019-10-01",
        "2020-09-30",
        [
            ("p", "instagram", 10),
            ("p", "not_itemised", 40),
            ("q", "instagram", 30),
            ("q", "whatsapp", 20),
            ("q", "snapchat", 50),
        ],
    )
    table = w.waves_table([partial], SHOWN).set_index("group")
    assert table["forces_with_data"].eq(2).all()
    assert (table.loc["instagram", "forces"], table.loc["instagram", "share"]) == (2, 26.7)
    assert table.loc["instagram", "known"] == 150
    assert (table.loc["whatsapp", "forces"], table.loc["whatsapp", "share"]) == (1, 20.0)
    assert (table.loc[OWNER, "count"], table.loc[OWNER, "known"]) == (50, 100)


def test_wave_forces_says_where_each_force_answered_and_what_its_return_is(two_waves):
    provenance = pd.DataFrame(
        [
            (BEFORE, "a", "simulated"),
            (BEFORE, "b", "real"),
            (NOW, "a", "simulated"),
            (NOW, "c", "simulated"),
            (NOW, "d", "simulated"),  # asked, but no data in the wave's instances
        ],
        columns=["wave", "force", "provenance"],
    )
    table = w.wave_forces(list(two_waves), provenance).set_index("force")
    assert list(table.columns) == [BEFORE, NOW, "like_for_like"]
    assert table.loc["b", BEFORE] == "real" and table.loc["b", NOW] == ""
    assert table.loc["a", NOW] == "simulated"
    assert "d" not in table.index
    assert list(table.index[table["like_for_like"]]) == ["a"]


def statement(**overrides):
    row = {
        "release": "r2",
        "wave": NOW,
        "compares_with": BEFORE,
        "figure_id": "national_instagram_change",
        "geography": "national",
        "area": "Here",
        "platform_group": "instagram",
        "denominator": "",
        "value": 50.0,
        "unit": "percent_change",
        "as_published": "50 per cent more than in the previous year",
        "comparison": "rounded",
        "precision": "-1",
    }
    return row | overrides


def published_figures():
    national = {"geography": "national", "area": "Here", "compares_with": "", "precision": ""}
    return pd.DataFrame(
        [
            statement(),
            # This wave printed Instagram's count; the previous one printed a share of its
            # total of known instances (22% of 150 = 33).
            national
            | {
                "wave": NOW,
                "platform_group": "instagram",
                "denominator": "",
                "value": 90.0,
                "unit": "count",
                "comparison": "exact",
                "as_published": "90",
                "release": "r2",
            },
            national
            | {
                "wave": BEFORE,
                "platform_group": "all_known",
                "denominator": "",
                "value": 150.0,
                "unit": "count",
                "comparison": "exact",
                "as_published": "150",
                "release": "r1",
            },
            national
            | {
                "wave": BEFORE,
                "platform_group": "instagram",
                "denominator": "all_known",
                "value": 22.0,
                "unit": "percent",
                "comparison": "rounded",
                "as_published": "22%",
                "release": "r1",
            },
        ]
    ).assign(figure_id=lambda d: d["figure_id"].fillna("other"))


def test_a_statement_comparing_two_waves_is_judged_against_both(two_waves):
    before, now = two_waves
    table = w.wave_statements(published_figures(), {before.wave: before, now.wave: now}, ["a"])
    row = table.iloc[0]
    # All forces: 90 against 30 is +200%; like for like (force a): 30 against 20 is +50%.
    assert row["change_all_forces"] == pytest.approx(200.0)
    assert row["change_like_for_like"] == pytest.approx(50.0)
    # Computed from simulated returns: a check of the method, never a verdict on the release.
    assert row["verdict_like_for_like"] == row["verdict_all_forces"] == coverage.METHOD_CHECK
    # Published: 90 against 22% of 150 (33) is +172.7%; 22% stands for 21.5% to under 22.5%
    # of 150 (32.25 to 33.75), so the change lies between +166.7% and +179.1%: none of it
    # rounds to 50, and it holds only read as 'at least'.
    assert row["published_before"] == pytest.approx(33.0)
    assert row["change_published"] == 172.7  # 100 * (90 / 33 - 1), to one decimal
    assert row["change_published_lowest"] == 166.7  # 100 * (90 / 33.75 - 1)
    assert row["change_published_highest"] == 179.1  # 100 * (90 / 32.25 - 1)
    assert row["verdict_published"] == "holds only as rounded"
    assert "a change of 45% to under 55%" in row["note"]
    assert "+167% to +179%" in row["note"]
    assert row["returns"] == "mixed"  # one wave's returns mixed, the other's simulated


def test_a_change_computed_from_real_returns_is_graded(two_waves):
    before, now = (dataclasses.replace(x, returns="real") for x in two_waves)
    row = w.wave_statements(published_figures(), {before.wave: before, now.wave: now}, ["a"])
    row = row.iloc[0]
    # Like for like +50% rounds to the published 50; all forces +200% exceeds it.
    assert row["verdict_like_for_like"] == "holds"
    assert row["verdict_all_forces"] == "holds only as rounded"


def test_a_published_change_whose_rounding_straddles_the_reading_holds_in_part():
    # 22% of 9,259 stands for 1,990.7 to 2,083.3; 3,212 against it is +54.2% to +61.4%, and
    # '50 per cent more' (to the nearest 10) reads as 45% to under 55%: it holds in part.
    figures = published_figures()
    figures.loc[1, "value"], figures.loc[2, "value"] = 3212.0, 9259.0
    row = w.wave_statements(figures, {}, []).iloc[0]
    assert (row["change_published_lowest"], row["change_published_highest"]) == (54.2, 61.4)
    assert row["verdict_published"] == "holds in part"


def test_a_statement_about_a_wave_with_no_data_is_not_available(two_waves):
    _, now = two_waves
    row = w.wave_statements(published_figures(), {now.wave: now}, [])
    assert math.isnan(row.iloc[0]["change_all_forces"])
    assert row.iloc[0]["verdict_all_forces"] == "not available"


def test_percentage_change():
    assert w.change(150, 100) == 50
    assert math.isnan(w.change(5, 0))
