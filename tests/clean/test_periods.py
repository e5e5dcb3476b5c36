"""Periods of any shape: periods.csv is checked to tile each wave, and the cleaning places each
count in the one declared period that holds it (one annual period, two halves, quarters)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from fixtures import corpus

from src import clean
from src.clean.periods import assign_period, period_of_day, period_problem
from src.data.reference import load_reference
from src.errors import InputError

WAVE_ROW = pd.Series({"wave": corpus.WAVE, "start": "2019-10-01", "end": "2020-09-30"})
#: The fixture wave's whole year as a period id (its first and last month).
YEAR = corpus.ANNUAL[0][0]


def _periods(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["period", "start", "end", "label"])


# --- Placing a period ------------------------------------------------------------------------


def test_a_period_is_placed_in_the_declared_period_that_holds_it():
    starts = pd.Series(["2019-10-01", "2020-04-01", "2019-07-01", "2020-10-01", "2019-09-01"])
    ends = pd.Series(["2019-12-31", "2020-09-30", "2019-09-30", "2020-12-31", "2019-11-30"])
    halves, outside = assign_period(starts, ends, WAVE_ROW, _periods(corpus.HALVES))
    assert halves.tolist()[:2] == ["2019-10_2020-03", "2020-04_2020-09"]
    assert outside.tolist() == [False, False, True, True, False]
    assert halves.iloc[2:].isna().all()
    annual, _ = assign_period(starts, ends, WAVE_ROW, _periods(corpus.ANNUAL))
    assert annual.tolist()[:2] == [YEAR, YEAR]
    quarters, _ = assign_period(starts, ends, WAVE_ROW, _periods(corpus.QUARTERS))
    assert quarters.iloc[0] == "2019-10_2019-12"
    # April to September is two whole quarters: kept whole, as a period of its own.
    assert quarters.iloc[1] == "2020-04_2020-09"


def test_a_period_cutting_across_declared_periods_is_not_placed():
    starts = pd.Series(["2019-11-01", "2019-10-01", "2019-10-01"])
    ends = pd.Series(["2020-02-29", "2020-02-29", "2020-09-30"])
    quarters, outside = assign_period(starts, ends, WAVE_ROW, _periods(corpus.QUARTERS))
    assert quarters.iloc[:2].isna().all() and not outside.any()
    assert quarters.iloc[2] == YEAR  # the whole wave, kept whole


def test_a_day_is_placed_in_its_period():
    days = pd.Series(["2019-10-01", "2019-12-31", "2020-01-01", "2020-09-30", "2020-10-01"])
    got = period_of_day(days, _periods(corpus.QUARTERS))
    assert got.tolist()[:4] == [
        "2019-10_2019-12",
        "2019-10_2019-12",
        "2020-01_2020-03",
        "2020-07_2020-09",
    ]
    assert pd.isna(got.iloc[4])


def test_a_period_cutting_across_declared_periods_names_them_and_the_fix():
    problem, fix = period_problem("2019-11-01", "2020-03-31", WAVE_ROW, _periods(corpus.QUARTERS))
    assert "cuts across the wave's periods" in problem
    assert "'2019-10_2019-12' (2019-10-01 to 2019-12-31)" in problem
    assert "'2020-01_2020-03' (2020-01-01 to 2020-03-31)" in problem
    assert "figures by the wave's periods" in fix and "periods.csv" in fix
    problem, _ = period_problem("2019-09-01", "2019-11-30", WAVE_ROW, _periods(corpus.QUARTERS))
    assert "straddles the wave's boundary" in problem


# --- Checks of periods.csv -------------------------------------------------------------------


@pytest.fixture
def reference(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(corpus.HERE / "reference", target)
    return target


def _stops(reference, periods, wave=corpus.WAVE) -> InputError:
    corpus.write_periods(reference, periods, wave)
    with pytest.raises(InputError) as error:
        load_reference(reference)
    assert error.value.file.endswith("periods.csv")
    return error.value


def test_the_fixture_periods_load():
    periods = load_reference(corpus.HERE / "reference").periods_of(corpus.WAVE)
    assert periods["period"].tolist() == ["2019-10_2020-03", "2020-04_2020-09"]


def test_overlapping_periods_stop_the_run(reference):
    error = _stops(
        reference,
        [
            ("2019-10_2020-03", "2019-10-01", "2020-03-31", "first"),
            ("2020-03_2020-09", "2020-03-01", "2020-09-30", "second"),
        ],
    )
    assert "'2019-10_2020-03' and '2020-03_2020-09'" in error.problem
    assert "overlap" in error.problem
    assert error.place == "rows 2 and 3"
    assert "no gap and no overlap" in error.fix


def test_a_gap_between_periods_stops_the_run(reference):
    error = _stops(
        reference,
        [
            ("2019-10_2019-12", "2019-10-01", "2019-12-31", "first"),
            ("2020-04_2020-09", "2020-04-01", "2020-09-30", "second"),
        ],
    )
    assert "leave a gap: 2020-01-01 to 2020-03-31 is in no period" in error.problem
    assert error.place == "between rows 2 and 3"


def test_periods_short_of_the_wave_end_leave_a_gap(reference):
    error = _stops(reference, [("2019-10_2020-03", "2019-10-01", "2020-03-31", "half")])
    assert "2020-04-01 to 2020-09-30 is in no period" in error.problem


def test_a_period_outside_its_wave_stops_the_run(reference):
    error = _stops(
        reference,
        [
            ("2019-10_2020-03", "2019-10-01", "2020-03-31", "first"),
            ("2020-04_2020-12", "2020-04-01", "2020-12-31", "too long"),
        ],
    )
    assert "2020-04-01 to 2020-12-31 is not inside its wave" in error.problem
    assert error.place == "row 3 (period '2020-04_2020-12')"


def test_a_period_of_an_unknown_wave_stops_the_run(reference):
    corpus.write_periods(reference, corpus.HALVES)
    with (reference / "periods.csv").open("a", encoding="utf-8") as out:
        out.write("2030-04_2031-03,2030-04_2031-03,2030-04-01,2031-03-31,not a wave\n")
    with pytest.raises(InputError) as error:
        load_reference(reference)
    assert "not in waves.csv: 2030-04_2031-03" in error.value.problem
    assert error.value.place == "rows 4, column 'wave'"


def test_a_wave_without_a_period_stops_the_run(reference):
    (reference / "periods.csv").write_text("wave,period,start,end,label\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_reference(reference)
    assert f"the wave {corpus.WAVE} (waves.csv) has no period" in error.value.problem
    assert f"{corpus.WAVE},{YEAR},2019-10-01,2020-09-30" in error.value.fix


def test_a_period_id_that_is_not_its_months_stops_the_run(reference):
    corpus.write_periods(reference, [("2019-10_2020-08", "2019-10-01", "2020-09-30", "year")])
    with pytest.raises(InputError) as error:
        load_reference(reference)
    assert "first and last month" in error.value.problem


# --- Cleaning by any periods -----------------------------------------------------------------


def _known(result, **where) -> pd.DataFrame:
    rows = result.instances
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows


def test_a_wave_with_one_annual_period_cleans_every_count_into_it(tmp_path):
    halves_paths = corpus.build_corpus(tmp_path / "halves")
    halves = clean.run_clean(halves_paths["raw"], halves_paths["reference"], write=False)
    paths = corpus.build_corpus(tmp_path / "annual")
    corpus.write_periods(paths["reference"], corpus.ANNUAL)
    annual = clean.run_clean(paths["raw"], paths["reference"], write=False)
    assert set(annual.instances["period"]) == {YEAR}
    # The same counts as by half-years: only the period column differs, and the records' rows
    # (one per period) are summed over the year.
    tables = ["force", "source_place", "offence_group", "platform", "lower", "upper"]
    not_records = annual.instances["force"] != "leicestershire"
    got = annual.instances[not_records][tables].reset_index(drop=True)
    want = halves.instances[halves.instances["force"] != "leicestershire"][tables]
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True))
    # Leicestershire's counted records, by hand: Instagram LE/1 and LE/9, Snapchat LE/1 and
    # LE/7, WhatsApp LE/2, Facebook LE/6, gaming LE/6, unknown LE/3 and LE/4.
    leics = _known(annual, force="leicestershire")
    by = leics.groupby("platform")["count"].sum().to_dict()
    assert by == {
        "facebook_messenger": 1,
        "instagram": 2,
        "online_gaming": 1,
        "snapchat": 2,
        "unknown": 2,
        "whatsapp": 1,
    }
    assert set(leics["period_start"]) == {"2019-10-01"}
    assert set(leics["period_end"]) == {"2020-09-30"}
    counted = annual.records[annual.records["status"] == "counted"]
    assert set(counted["period"]) == {YEAR}
    # Dorset's quarter before the wave is still excluded as outside it.
    log = annual.cleaning_log
    outside = log[(log["force"] == "dorset") & (log["action"] == "exclude_outside_wave")]
    assert outside["count_lower"].tolist() == [7]


def test_a_wave_in_quarters_cleans_each_count_into_its_quarter(tmp_path):
    paths = corpus.build_quarterly_corpus(tmp_path)
    result = clean.run_clean(paths["raw"], paths["reference"], write=False)
    dorset = _known(result, force="dorset").set_index(["raw_label", "period"])
    # From DORSET_ROWS, by hand: Instagram Oct-Dec 2019 1,020 and Jan-Mar 2020 11 (Q1), and
    # Apr-Jun 2020 4 (Q2); Jul-Sep 2019 (7) is outside the wave.
    assert int(dorset.loc[("Instagram", "2019-10_2019-12"), "count"]) == 1020
    assert int(dorset.loc[("Instagram", "2020-01_2020-03"), "count"]) == 11
    assert int(dorset.loc[("Instagram", "2020-04_2020-06"), "count"]) == 4
    assert dorset.loc[("Gaming", "2020-04_2020-06"), "count"] == 2
    assert dorset.loc[("Not recorded", "2020-07_2020-09"), "count"] == 5
    assert len(dorset) == 8
    leics = _known(result, force="leicestershire")
    by = {(r.period, r.platform): r.count for r in leics.itertuples()}
    # LE/1 (3 Oct 2019) and LE/2 (15 Nov 2019) in the first quarter; LE/3 and LE/4 (January,
    # February 2020) in the second; LE/6 (1 Apr 2020) and LE/9 (12 Jun 2020) in the third;
    # LE/7 (30 Sep 2020) in the fourth.
    assert by == {
        ("2019-10_2019-12", "instagram"): 1,
        ("2019-10_2019-12", "snapchat"): 1,
        ("2019-10_2019-12", "whatsapp"): 1,
        ("2020-01_2020-03", "unknown"): 2,
        ("2020-04_2020-06", "facebook_messenger"): 1,
        ("2020-04_2020-06", "online_gaming"): 1,
        ("2020-04_2020-06", "instagram"): 1,
        ("2020-07_2020-09", "snapchat"): 1,
    }
    quarter = leics.set_index("period")
    assert quarter.loc["2020-01_2020-03", "period_start"] == "2020-01-01"
    assert quarter.loc["2020-01_2020-03", "period_end"] == "2020-03-31"


def test_a_half_year_table_in_a_wave_of_quarters_is_kept_whole_as_its_own_period(tmp_path):
    halves_paths = corpus.build_corpus(tmp_path / "halves")
    halves = clean.run_clean(halves_paths["raw"], halves_paths["reference"], write=False)
    paths = corpus.build_corpus(tmp_path / "quarters")
    corpus.write_periods(paths["reference"], corpus.QUARTERS)
    quarters = clean.run_clean(paths["raw"], paths["reference"], write=False)
    # A half-year is two whole quarters: its count is never split between them, but kept with
    # a period of its own, named by its first and last month (here the half-years' own ids).
    tables = ["force", "source_place", "offence_group", "platform", "lower", "upper", "period"]
    cheshire = quarters.instances[quarters.instances["force"] == "cheshire"][tables]
    want = halves.instances[halves.instances["force"] == "cheshire"][tables]
    pd.testing.assert_frame_equal(cheshire.reset_index(drop=True), want.reset_index(drop=True))
    assert set(cheshire["period"]) == {f"{H[0][:7]}_{H[1][:7]}" for H in (corpus.H1, corpus.H2)}
    assert (quarters.reconciliation["unexplained"] == 0).all()


def test_a_table_cutting_across_the_wave_s_periods_stops_naming_them(tmp_path):
    paths = corpus.build_corpus(tmp_path)
    # Periods that a half-year (October to March) neither lies within nor covers whole.
    periods = [
        ("2019-10_2019-11", "2019-10-01", "2019-11-30", "October to November 2019"),
        ("2019-12_2020-05", "2019-12-01", "2020-05-31", "December 2019 to May 2020"),
        ("2020-06_2020-09", "2020-06-01", "2020-09-30", "June to September 2020"),
    ]
    corpus.write_periods(paths["reference"], periods)
    with pytest.raises(InputError) as error:
        clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    assert "cuts across the wave's periods" in error.value.problem
    named = [p for p, *_ in periods if f"'{p}'" in error.value.problem]
    assert len(named) >= 2
    assert "ask the force for figures by the wave's periods" in error.value.fix
    assert not paths["processed"].exists()
