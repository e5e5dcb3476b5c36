"""Releases as data (src/findings/releases.py, published.py): the list of releases and each
release's figures file are checked against each other; a build compares only its own wave's
figures; a build with no published figures, or with figures about places it does not cover,
still has its tables."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic_instances import grouped, small_instances

from src.errors import InputError
from src.findings import published as pub
from src.findings import releases as rel
from src.findings.run import read_release_figures

#: Made-up waves: the code takes any wave id waves.csv gives.
OLD, NEW = "wave-one", "wave-two"
WAVES = {OLD, NEW}


def releases(**overrides):
    row = {
        "release": "r2",
        "published": "2021-03-26",
        "publisher": "A charity",
        "title": "A release",
        "url": "https://example.org/",
        "wave": NEW,
        "file": "release_r2.csv",
        "note": "",
    }
    return pd.DataFrame([row | overrides])


def figures(**overrides):
    row = dict.fromkeys(rel.FIGURE_COLUMNS, "")
    row |= {
        "release": "r2",
        "wave": NEW,
        "figure_id": "national_known",
        "geography": "national",
        "area": "Here",
        "platform_group": "all_known",
        "value": "100",
        "unit": "count",
        "comparison": "exact",
    }
    return pd.DataFrame([row | overrides])


@pytest.mark.parametrize(
    ("overrides", "place", "words"),
    [
        ({"wave": "wave-three"}, "column 'wave'", "is not in data/reference/waves.csv"),
        ({"published": "26/03/2021"}, "column 'published'", "is not a date written YYYY-MM-DD"),
        ({"file": "../elsewhere.csv"}, "column 'file'", "is not the name of a CSV file"),
        ({"release": ""}, "column 'release'", "no release id"),
    ],
)
def test_a_wrong_release_row_is_refused_by_row_and_column(overrides, place, words):
    with pytest.raises(InputError) as caught:
        rel.check_releases(releases(**overrides), WAVES, "releases.csv")
    assert caught.value.file == "releases.csv"
    assert place in caught.value.place and "row 2" in caught.value.place
    assert words in caught.value.problem


def test_a_release_listed_twice_is_refused():
    twice = pd.concat([releases(), releases()], ignore_index=True)
    with pytest.raises(InputError, match="listed twice"):
        rel.check_releases(twice, WAVES, "releases.csv")


def test_a_figure_of_another_release_or_wave_is_refused():
    with pytest.raises(InputError) as caught:
        rel.check_release_figures(figures(wave=OLD), releases().iloc[0], "release_r2.csv", WAVES)
    assert "column 'wave'" in caught.value.place and "national_known" in caught.value.place
    with pytest.raises(InputError, match="compares_with"):
        rel.check_release_figures(
            figures(compares_with="wave-zero"), releases().iloc[0], "r.csv", WAVES
        )


def test_each_release_is_read_from_its_own_file(tmp_path):
    (tmp_path / "release_r2.csv").write_text(figures().to_csv(index=False))
    both = pd.concat(
        [releases(), releases(release="r1", wave=OLD, file="r1.csv")],
        ignore_index=True,
    )
    (tmp_path / "r1.csv").write_text(figures(release="r1", wave=OLD, value="7").to_csv(index=False))
    table, paths = read_release_figures(both, tmp_path, WAVES, "releases.csv")
    assert [p.name for p in paths] == ["r1.csv", "release_r2.csv"]
    assert dict(zip(table["release"], table["value"], strict=True)) == {
        "r1": 7.0,
        "r2": 100.0,
    }
    assert set(table["source_row"]) == {2}


def test_a_build_compares_only_its_own_wave_and_leaves_statements_across_waves_out():
    table = pd.concat(
        [
            figures(),
            figures(figure_id="change", compares_with=OLD),
            figures(figure_id="older", release="r1", wave=OLD),
        ],
        ignore_index=True,
    )
    mine = pub.published_for_wave(table, pd.Series({"wave": NEW}))
    assert list(mine["figure_id"]) == ["national_known"]
    none = pub.published_for_wave(table, pd.Series({"wave": "wave-three"}))
    assert none.empty


def test_no_published_figures_give_empty_tables_with_their_columns():
    empty = figures().iloc[0:0]
    groups = grouped(small_instances())
    forces = pd.DataFrame(columns=["force", "name", "release_region"])
    comparison = pub.compare_published(empty, groups, forces, forces_with_data=2)
    assert comparison.empty and list(comparison.columns) == pub.COMPARISON_COLUMNS
    implied = pub.consistency_table(empty)
    assert implied.empty and "fits" in implied.columns


def test_a_figure_about_a_force_not_in_the_build_is_not_comparable():
    forces = pd.DataFrame(
        {"force": ["a", "b", "z"], "name": ["A", "B", "Z"], "release_region": ["", "", ""]}
    )
    row = figures(geography="force", area="z", figure_id="force_z_known")
    row["value"] = row["value"].astype(float)
    result = pub.compare_published(row, grouped(small_instances()), forces, 2).iloc[0]
    assert result["forces_in_build"] == 0
    assert result["verdict"] == "not comparable"
    assert result["note"] == (
        "Not comparable: the force 'z' is not in this build, so the returns give no value for it."
    )


def test_periods_overlap_when_they_share_a_day():
    from src.findings.national import periods_overlap

    assert periods_overlap(("2019-10-01", "2020-09-30"), ("2020-01-01", "2020-12-31"))
    assert not periods_overlap(("2018-04-01", "2019-03-31"), ("2020-01-01", "2020-12-31"))
    assert periods_overlap(("2018-04-01", "2019-03-31"), ("2019-03-31", "2019-12-31"))
    assert periods_overlap(("2018-04-01", "2019-03-31"), ("", "")) is None


@pytest.mark.parametrize(
    ("computed", "expected"), [(44.9, False), (45.0, True), (49.99, True), (50.0, False)]
)
def test_almost_reads_nearly_half_as_45_to_under_50(computed, expected):
    assert pub.statement_holds("almost", computed, 50.0, None, "percent") is expected
