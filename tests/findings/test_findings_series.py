"""Tests for src/findings/series.py and its place in the build: the national series takes the
national rows only, a per-area series builds into its own table, the platform shares into
theirs, and a published file that breaks the rules stops with the file, row and fix."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest

from src import findings
from src.data.reference import load_reference
from src.errors import InputError
from src.findings import series as fs
from src.helpers import PROCESSED, RAW, read_csv_text

PUBLISHED = RAW / "published"
SERIES = PUBLISHED / "sexual_communication_series.csv"
PLATFORMS = PUBLISHED / "sexual_communication_platforms.csv"
#: Four forces of forces.csv, for a made-up per-area series.
FORCES = tuple(sorted(load_reference().forces["force"])[:4])
#: The first has no 2021/22, the third's 2020/21 is printed blank, the fourth's 2021/22 is U.
GAP, BLANK, UNSURE = FORCES[0], FORCES[2], FORCES[3]

needs_processed = pytest.mark.skipif(
    not (PROCESSED / "instances.csv").is_file(),
    reason="data/processed not built yet (run make)",
)


@pytest.fixture(scope="module")
def forces() -> pd.DataFrame:
    return load_reference().forces


@pytest.fixture(scope="module")
def platform_slugs() -> set[str]:
    return set(load_reference().platforms["platform"])


def row(geography, area, year, offences, flag="V", **extra) -> dict:
    return {
        "period_label": f"{year}/{(year + 1) % 100:02d}",
        "period_start": f"{year}-04-01",
        "period_end": f"{year + 1}-03-31",
        "geography": geography,
        "area": area,
        "offences": offences,
        "forces_responding": "",
        "forces_note": "",
        "platform_findings": "",
        "flag": flag,
        "source_title": "A synthetic release",
        "source_url": "",
        "source_date": "",
        "note": "",
        **extra,
    }


def per_area_series() -> pd.DataFrame:
    """Four forces by year (2019/20 to 2022/23): one's 2020/21 printed blank, one's 2021/22
    flagged U, one without 2021/22; and two national years."""
    rows = [row("national", "England and Wales", 2019, 5000.0), row("national", "UK", 2020, 6000.0)]
    for i, force in enumerate(FORCES):
        for year in (2019, 2020, 2021, 2022):
            if force == GAP and year == 2021:
                continue
            blank = force == BLANK and year == 2020
            flag = "U" if force == UNSURE and year == 2021 else "V"
            rows.append(
                row("force", force, year, np.nan if blank else 100.0 * (i + 1) + year, flag)
            )
    # Out of order, as a transcriber might add them.
    return pd.DataFrame(rows).iloc[::-1].reset_index(drop=True)


# --- The tables --------------------------------------------------------------------------------


def test_the_national_series_takes_national_rows_only():
    table = fs.series_table(per_area_series())
    assert set(table["geography"]) == {"national"}
    assert list(table["offences"]) == [5000.0, 6000.0]
    assert list(table["area"]) == ["England and Wales", "UK"]
    assert list(table.columns) == fs.SERIES_COLUMNS


def test_rows_of_another_geography_leave_the_national_series_unchanged():
    mixed = per_area_series()
    national_only = mixed[mixed["geography"] == "national"]
    pd.testing.assert_frame_equal(fs.series_table(mixed), fs.series_table(national_only))


def test_a_per_area_series_builds_into_its_own_table(forces):
    table = fs.series_by_area_table(per_area_series(), forces)
    assert list(table.columns) == fs.BY_AREA_COLUMNS
    assert set(table["geography"]) == {"force"}
    # Each force once per period printed (one has no 2021/22), national rows out.
    assert len(table) == 4 * 4 - 1
    names = dict(zip(forces["force"], forces["name"], strict=True))
    assert list(dict.fromkeys(table["area_name"])) == sorted(names[f] for f in FORCES)
    assert (table["area_name"] == table["area"].map(names)).all()
    for _, rows in table.groupby("area"):
        assert list(rows["period_start"]) == sorted(rows["period_start"])
    blank = table[table["area"] == BLANK].set_index("period_label")
    assert np.isnan(blank.loc["2020/21", "offences"])  # printed blank: kept, still blank
    unsure = table[table["area"] == UNSURE].set_index("period_label")
    assert unsure.loc["2021/22", "flag"] == "U"
    assert table["annual"].all()


def test_without_per_area_rows_the_table_is_empty_with_its_header(forces):
    national = per_area_series().query("geography == 'national'")
    table = fs.series_by_area_table(national, forces)
    assert table.empty
    assert list(table.columns) == fs.BY_AREA_COLUMNS


def test_platform_series_in_time_order_with_annual_marked(platform_slugs, forces):
    platforms = read_csv_text(PLATFORMS)
    for column in ("value", "count", "known"):
        platforms[column] = pd.to_numeric(platforms[column])
    table = fs.platform_series_table(platforms)
    assert list(table.columns) == fs.PLATFORM_COLUMNS
    assert len(table) == len(platforms)
    assert list(table["period_start"]) == sorted(table["period_start"])
    # Annual: a period of about twelve months (360 to 370 days, both ends counted).
    days = pd.to_datetime(table["period_end"]) - pd.to_datetime(table["period_start"])
    assert table["annual"].tolist() == ((days.dt.days + 1).between(360, 370)).tolist()
    assert fs.platform_series_table(None).columns.tolist() == fs.PLATFORM_COLUMNS


# --- Checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "place", "problem"),
    [
        ({"geography": "county"}, "column 'geography'", "'county' is not a geography"),
        ({"geography": "force", "area": "Devon"}, "column 'area'", "'Devon' is not a force"),
        ({"area": " "}, "column 'area'", "the area is blank"),
        ({"period_start": "April 2019"}, "column 'period_start'", "is not a date"),
        ({"flag": "X"}, "column 'flag'", "'X' is not a flag"),
    ],
)
def test_a_bad_series_row_is_an_input_error_naming_its_row(forces, change, place, problem):
    table = per_area_series()
    for column, value in change.items():
        table.loc[3, column] = value
    with pytest.raises(InputError, match=re.escape(f"row 5, {place}")) as raised:
        fs.check_series(table, forces, "series.csv")
    assert problem in str(raised.value)
    assert raised.value.file == "series.csv"


def test_a_series_without_national_rows_is_an_input_error(forces):
    table = per_area_series().query("geography == 'force'").reset_index(drop=True)
    with pytest.raises(InputError, match="no row is national"):
        fs.check_series(table, forces, "series.csv")


def test_a_series_without_geography_columns_is_an_input_error(forces):
    table = per_area_series().drop(columns=["geography", "area"])
    with pytest.raises(InputError, match="geography, area missing"):
        fs.check_series(table, forces, "series.csv")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"as_published": "about a third", "flag": "V"}, "flagged V"),
        ({"comparison": "almost", "as_published": "49%", "flag": "V"}, "flagged V"),
        ({"platform_group": "myspace"}, "'myspace' is not a platform group"),
        ({"comparison": "roughly"}, "'roughly' is not a comparison"),
        ({"unit": "count"}, "'count' is not percent"),
    ],
)
def test_a_bad_platform_row_is_an_input_error(forces, platform_slugs, change, problem):
    platforms = read_csv_text(PLATFORMS)
    label = platforms.index[platforms["flag"] == "V"][0]
    for column, value in change.items():
        platforms.loc[label, column] = value
    with pytest.raises(InputError, match=f"row {label + 2}, column") as raised:
        fs.check_platforms(platforms, forces, platform_slugs, "platforms.csv")
    assert problem in str(raised.value)


def test_the_published_platform_file_passes_its_checks(forces, platform_slugs):
    fs.check_platforms(read_csv_text(PLATFORMS), forces, platform_slugs, "platforms.csv")


# --- In the build ------------------------------------------------------------------------------


def _published_copy(tmp_path, series: pd.DataFrame | None = None):
    folder = tmp_path / "published"
    shutil.copytree(PUBLISHED, folder)
    if series is not None:
        series.to_csv(folder / SERIES.name, index=False)
    return folder


@needs_processed
def test_load_inputs_stops_on_a_force_row_that_names_no_force(tmp_path):
    series = read_csv_text(SERIES)
    series.loc[len(series)] = {**series.iloc[0].to_dict(), "geography": "force", "area": "Devon"}
    folder = _published_copy(tmp_path, series)
    with pytest.raises(InputError) as raised:
        findings.load_inputs(published_dir=folder)
    assert raised.value.file.endswith("sexual_communication_series.csv")
    assert raised.value.place == f"row {len(series) + 1}, column 'area'"


@needs_processed
def test_the_build_writes_the_per_area_table_and_keeps_the_national_one(tmp_path):
    series = read_csv_text(SERIES)
    national = series[series["geography"] == "national"]
    folder = _published_copy(tmp_path, national)
    plain = findings.build(findings.load_inputs(published_dir=folder), findings.Params())
    # A published series with no per-area rows: the table is its header alone.
    written = findings.write_tables(plain, tmp_path / "plain")
    header = (tmp_path / "plain" / "series_by_area.csv").read_text(encoding="utf-8")
    assert header == ",".join(fs.BY_AREA_COLUMNS) + "\n"
    assert tmp_path / "plain" / "platform_series.csv" in written
    published = read_csv_text(PLATFORMS)
    assert len(plain.published_series["platform_series"]) == len(published)

    extra = pd.DataFrame(
        [row("force", force, 2021, str(100 + i)) for i, force in enumerate(FORCES)],
        columns=series.columns,
    ).fillna("")
    folder = _published_copy(tmp_path / "areas", pd.concat([national, extra], ignore_index=True))
    with_areas = findings.build(findings.load_inputs(published_dir=folder), findings.Params())
    pd.testing.assert_frame_equal(with_areas.tables["series"], plain.tables["series"])
    by_area = with_areas.published_series["series_by_area"]
    assert sorted(by_area["area"]) == sorted(FORCES)
    assert list(by_area["offences"]) == [100.0 + FORCES.index(a) for a in by_area["area"]]
