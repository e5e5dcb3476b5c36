"""The cleaning step on the good fixture corpus: every count accounted for, outputs checked,
deterministic, written together, and data/raw never written."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures import corpus
from hypothesis import given
from hypothesis import strategies as st

from src.clean import run as clean
from src.clean.counts import parse_counts
from src.data.reference import load_reference
from src.data.schemas import PROCESSED_SCHEMAS, validate_processed
from src.errors import InputError
from src.helpers import RAW, sha256_file

NAMES = list(PROCESSED_SCHEMAS)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture corpus, cleaned once for the read-only tests of this module."""
    paths = corpus.build_corpus(tmp_path_factory.mktemp("corpus"))
    result = clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    return paths, result


def test_run_writes_every_table_and_returns_them(built):
    paths, result = built
    for name in NAMES:
        on_disk = pd.read_csv(paths["processed"] / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(on_disk.columns) == list(PROCESSED_SCHEMAS[name].columns)
        assert len(on_disk) == len(getattr(result, name))


def test_table_instances_are_the_returns_cells(built):
    _, result = built
    got = result.instances[~result.instances["force"].eq("leicestershire")]
    expected = corpus.expected_table_instances()
    assert len(got) == len(expected)
    key = ["force", "raw_label", "offence_group", "period_start"]
    got = got.set_index(key)
    for row in expected:
        have = got.loc[(row["force"], row["label"], row["group"], row["period"][0])]
        cell = row["cell"]
        if isinstance(cell, tuple):
            assert bool(have["withheld"]) and pd.isna(have["count"])
            assert (have["lower"], have["upper"]) == (1, 4)
        else:
            assert not have["withheld"]
            assert have["count"] == have["lower"] == have["upper"] == cell
        assert have["period_end"] == row["period"][1]
        first_half = row["period"][1] <= corpus.H1[1]
        assert have["period"] == ("2019-10_2020-03" if first_half else "2020-04_2020-09")


def test_labels_map_to_platforms(built):
    _, result = built
    mapping = result.instances.drop_duplicates("raw_label").set_index("raw_label")["platform"]
    assert mapping["FB"] == mapping["Facebook & Messenger"] == "facebook_messenger"
    assert mapping["Facebook – Messenger"] == "facebook_messenger"
    assert mapping["Not recorded"] == "unknown"
    assert mapping["Gaming"] == "online_gaming"


def test_record_instances_count_each_platform_named(built):
    _, result = built
    counted = [r for r in corpus.LEICS_RECORDS if r[5] == "counted"]
    expected: dict[tuple[str, str], int] = {}
    for _, date, code, _, platforms, _ in counted:
        group = "indecent_images" if code.startswith("86") else "online_sexual"
        first = date[-4:] == "2019" or date[3:5] in ("01", "02", "03")
        half = "2019-10_2020-03" if first else "2020-04_2020-09"
        for platform in platforms.split(";"):
            expected[(half, group, platform)] = expected.get((half, group, platform), 0) + 1
    got = result.instances[result.instances["force"] == "leicestershire"]
    assert {(r.period, r.offence_group, r.platform): r.count for r in got.itertuples()} == expected


def test_records_table_traces_every_record_to_its_line(built):
    _, result = built
    records = result.records
    assert records["crime_ref"].tolist() == [r[0] for r in corpus.LEICS_RECORDS]
    assert records["status"].tolist() == [r[5] for r in corpus.LEICS_RECORDS]
    assert records["platforms"].tolist() == [r[4] for r in corpus.LEICS_RECORDS]
    assert records["line"].tolist() == list(range(2, len(corpus.LEICS_RECORDS) + 2))
    assert (records.loc[records["status"] == "outside wave", "period"] == "").all()


def test_every_return_reconciles_with_nothing_unexplained(built):
    _, result = built
    recon = result.reconciliation
    assert (recon["unexplained"] == 0).all()
    printed = recon[recon["total_source"] == "printed total"]
    # Cheshire H1 (two offence columns) and Jersey's two tables print totals
    assert len(printed) == 4
    for row in printed.itertuples():
        assert row.total_lower <= row.mapped_upper + row.unknown_upper + row.excluded_upper
        assert row.total_upper >= row.mapped_lower + row.unknown_lower + row.excluded_lower


def test_conservation_per_file_instances_plus_exclusions_equal_the_cells(built):
    """Summed over each table, counted + excluded (not totals) = every non-total cell."""
    _, result = built
    log = result.cleaning_log
    inst = result.instances
    for force, data, q_cols in (
        ("cheshire", corpus.CHESHIRE_H1 + corpus.CHESHIRE_H2, (1, 2)),
        ("jersey", corpus.JERSEY_H1 + corpus.JERSEY_H2, (1,)),
    ):
        plain = sum(c for row in data for i in q_cols if not isinstance(c := row[i], tuple))
        withheld = sum(1 for row in data for i in q_cols if isinstance(row[i], tuple))
        mine = inst[inst["force"] == force]
        excluded = log[(log["force"] == force) & (log["action"] == "exclude_label")]
        assert int(mine["count"].sum()) + int(excluded["count_lower"].sum()) == plain
        assert int(mine["withheld"].sum()) == withheld


def test_outside_wave_and_excluded_rows_are_logged_with_their_reason(built):
    _, result = built
    log = result.cleaning_log
    outside = log[(log["force"] == "dorset") & (log["action"] == "exclude_outside_wave")]
    assert outside["count_lower"].tolist() == [7]
    assert outside["source_place"].tolist() == ["line 3, column 'Count'"]
    excluded = log[log["action"] == "exclude_label"]
    assert set(excluded["detail"].str.split(": ").str[-1]) == {"not an online platform"}
    withheld = log[log["action"] == "withheld_cell"]
    assert len(withheld) == int(result.instances["withheld"].sum())
    mapped = log[log["action"] == "map_label"]
    tables = result.instances[result.instances["force"] != "leicestershire"]
    assert int(mapped["count_lower"].sum()) == int(tables["lower"].sum())
    assert int(mapped["count_upper"].sum()) == int(tables["upper"].sum())


def test_coverage_has_every_force_asked(built):
    _, result = built
    coverage = result.coverage.set_index("force")
    assert sorted(coverage.index) == sorted(f for f, _, _ in corpus.OUTCOMES)
    assert coverage.loc["essex", "outcome"] == "refused_cost_s12"
    assert coverage.loc["essex", "known_upper"] == 0
    inst = result.instances
    for force, row in coverage.iterrows():
        mine = inst[inst["force"] == force]
        known = mine["platform"] != "unknown"
        assert row["known_lower"] == mine.loc[known, "lower"].sum()
        assert row["unknown_upper"] == mine.loc[~known, "upper"].sum()


def test_instances_trace_to_a_cell_of_a_raw_return(built):
    paths, result = built
    import openpyxl

    rows = result.instances[result.instances["source_file"].str.endswith(".xlsx")]
    book = openpyxl.load_workbook(paths["raw"] / rows["source_file"].iloc[0], read_only=True)
    for row in rows.itertuples():
        sheet = row.source_place.split("'")[1]
        number = int(row.source_place.split("row ")[1].split(",")[0])
        column = row.source_place.rsplit("column ", 1)[1]
        value = book[sheet][f"{column}{number}"].value
        assert str(value) == (str(row.count) if not row.withheld else "<5")
    book.close()


def test_second_run_rewrites_nothing(built, tmp_path):
    paths, _ = built
    before = {n: (paths["processed"] / f"{n}.csv").stat().st_mtime_ns for n in NAMES}
    data = {n: (paths["processed"] / f"{n}.csv").read_bytes() for n in NAMES}
    clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    for n in NAMES:
        assert (paths["processed"] / f"{n}.csv").read_bytes() == data[n]
        assert (paths["processed"] / f"{n}.csv").stat().st_mtime_ns == before[n]


def test_outputs_do_not_depend_on_where_the_corpus_is(built, tmp_path):
    paths, _ = built
    other = corpus.build_corpus(tmp_path)
    clean.run_clean(other["raw"], other["reference"], other["processed"])
    for n in NAMES:
        assert (other["processed"] / f"{n}.csv").read_bytes() == (
            paths["processed"] / f"{n}.csv"
        ).read_bytes()


def _tree(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (sha256_file(p), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_clean_runs_on_a_read_only_raw_folder_and_never_writes_there(tmp_path):
    paths = corpus.build_corpus(tmp_path)
    raw = paths["raw"]
    before = _tree(raw)
    folders = [raw, *(p for p in raw.rglob("*") if p.is_dir())]
    files = [p for p in raw.rglob("*") if p.is_file()]
    for path in files:
        path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    for folder in folders:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    try:
        # A write would fail here; as root (which ignores permissions) the byte-and-time
        # comparison of the whole tree below still catches any write.
        result = clean.run_clean(raw, paths["reference"], paths["processed"])
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert len(result.instances) > 0
    assert _tree(raw) == before
    assert (paths["processed"] / "instances.csv").is_file()


def test_a_failed_run_leaves_previous_outputs_untouched(built, tmp_path):
    paths = corpus.build_corpus(tmp_path)
    shutil.copytree(built[0]["processed"], paths["processed"])
    before = _tree(paths["processed"])
    spec = paths["reference"] / "specs" / corpus.WAVE / "dorset.yaml"
    spec.write_text(spec.read_text().replace('"*": [1, 4]', '"**": [1, 4]'))
    with pytest.raises(InputError):
        clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    assert _tree(paths["processed"]) == before


def test_a_changed_raw_file_stops_the_run_before_anything_is_read(tmp_path):
    paths = corpus.build_corpus(tmp_path)
    target = paths["wave"] / corpus.DORSET_FILE
    target.write_bytes(target.read_bytes().replace(b";11\r\n", b";12\r\n"))
    with pytest.raises(InputError, match="changed since it was recorded"):
        clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    assert not paths["processed"].exists()


def test_schemas_report_every_failing_row_at_once(built):
    _, result = built
    tables = result.tables()
    bad = tables["instances"].copy()
    bad.loc[0, "lower"] = 5
    bad.loc[0, "upper"] = 2
    bad.loc[3, "period"] = "H1"
    bad.loc[4, "platform"] = ""
    with pytest.raises(InputError) as error:
        validate_processed({**tables, "instances": bad}, "processed")
    problem = error.value.problem
    assert "row 2" in problem and "row 5" in problem and "row 6" in problem
    assert "lower <= upper" in problem


# --- Units ------------------------------------------------------------------------------------


PLACES = pd.Series(["cell A", "cell B", "cell C"])


def test_parse_counts_reads_numbers_and_declared_markers():
    parsed = parse_counts(pd.Series(["1,234", "<5", " 7 "]), {"<5": (1, 4)}, "f", PLACES)
    assert parsed["count"].tolist()[0] == 1234 and pd.isna(parsed["count"].iloc[1])
    assert parsed["lower"].tolist() == [1234, 1, 7]
    assert parsed["upper"].tolist() == [1234, 4, 7]
    assert parsed["withheld"].tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-3", "negative count"),
        ("", "empty"),
        ("three", "not a number"),
        ("2.5", "not a whole number"),
        ("*", "looks like a withheld-cell marker"),
        ("fewer than 5", "looks like a withheld-cell marker"),
        ("1-4", "looks like a withheld-cell marker"),
    ],
)
def test_parse_counts_stops_on_a_bad_cell_naming_it(value, words):
    with pytest.raises(InputError) as error:
        parse_counts(pd.Series(["1", value, "x"]), {"<5": (1, 4)}, "f.csv", PLACES)
    assert error.value.place == "cell B"
    assert words in error.value.problem


@given(st.integers(min_value=0, max_value=10**9), st.booleans())
def test_parse_counts_round_trips_any_count(number, commas):
    text = f"{number:,}" if commas else str(number)
    parsed = parse_counts(pd.Series([text]), {}, "f", pd.Series(["x"]))
    assert parsed["count"].iloc[0] == number


# --- The real corpus --------------------------------------------------------------------------


REAL_WAVES = RAW / "waves"
PUBLISHED = RAW / "published" / "release_2021_03.csv"
FACEBOOK_COLUMN = ["facebook_messenger", "whatsapp"]  # the story's 'Facebook' column, as read
NAMED = ["instagram", "facebook_messenger", "whatsapp"]


def _published_counts() -> pd.DataFrame:
    published = pd.read_csv(PUBLISHED, dtype=str, keep_default_na=False)
    counts = published[(published["unit"] == "count") & (published["comparison"] == "exact")]
    return counts[counts["platform_group"] != ""]


def _bounds(known: pd.DataFrame, group: str) -> tuple[int, int]:
    if group == "all_known":
        rows = known
    elif group == "other":
        rows = known[~known["platform"].isin(NAMED)]
    elif group == "facebook_column":
        rows = known[known["platform"].isin(FACEBOOK_COLUMN)]
    else:
        rows = known[known["platform"] == group]
    return int(rows["lower"].sum()), int(rows["upper"].sum())


@pytest.fixture(scope="module")
def real():
    if not REAL_WAVES.is_dir():
        pytest.skip("the return corpus is not there yet")
    return clean.run_clean(write=False)


@pytest.mark.slow
def test_the_real_corpus_cleans_with_nothing_unexplained(real):
    assert (real.reconciliation["unexplained"] == 0).all()
    assert set(real.coverage["force"]) >= set(real.instances["force"])


@pytest.mark.slow
def test_the_real_corpus_brackets_every_published_count(real):
    """Each published count (national, regional, per force) lies between the totals with every
    withheld cell at its minimum and at its maximum."""
    forces = load_reference().forces
    wave = real.instances[real.instances["wave"] == "2019-10_2020-09"]
    known = wave[wave["platform"] != "unknown"].merge(
        forces[["force", "release_region"]], on="force"
    )
    figures = _published_counts()
    assert len(figures) > 0
    for figure in figures.itertuples():
        if figure.geography == "national":
            rows = known
        elif figure.geography == "region":
            rows = known[known["release_region"] == figure.area]
        else:
            rows = known[known["force"] == figure.area]
        lower, upper = _bounds(rows, figure.platform_group)
        assert lower <= int(figure.value) <= upper, (figure.figure_id, lower, upper)


def test_an_extract_with_no_records_cleans_to_no_instances(tmp_path):
    paths = corpus.build_corpus(tmp_path)
    corpus.write_leics(paths["wave"] / corpus.LEICS_FILE, records=[])
    corpus.refresh_manifest(paths["raw"])
    result = clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    assert "leicestershire" not in set(result.instances["force"])
    recon = result.reconciliation.set_index("force").loc["leicestershire"]
    assert (recon["total_lower"], recon["unexplained"]) == (0, 0)
    assert result.records.empty


# --- The 2018/19 wave against the December 2019 release ----------------------------------------

WAVE_2018 = "2018-04_2019-03"
EAST = ["bedfordshire", "cambridgeshire", "essex", "hertfordshire", "norfolk", "suffolk"]


def _wave_2018(real) -> pd.DataFrame:
    rows = real.instances[real.instances["wave"] == WAVE_2018]
    return rows[rows["platform"] != "unknown"].assign(
        mid=lambda d: (d["lower"].astype(float) + d["upper"].astype(float)) / 2
    )


def _sums(rows: pd.DataFrame, platforms=None) -> tuple[int, int, float]:
    if platforms is not None:
        rows = rows[rows["platform"].isin(platforms)]
    return int(rows["lower"].sum()), int(rows["upper"].sum()), float(rows["mid"].sum())


@pytest.mark.slow
def test_the_2018_19_wave_is_one_annual_period_from_32_forces(real):
    rows = real.instances[real.instances["wave"] == WAVE_2018]
    assert set(rows["period"]) == {"2018-04_2019-03"}
    assert (rows["period_start"] >= "2018-04-01").all() and (
        rows["period_end"] <= "2019-03-31"
    ).all()
    coverage = real.coverage[real.coverage["wave"] == WAVE_2018]
    assert coverage["outcome"].isin(["data", "partial"]).sum() == 32  # "obtained from 32 forces"
    assert len(coverage) == 45


@pytest.mark.slow
def test_the_2018_19_wave_reproduces_the_national_figures_of_the_december_2019_release(real):
    """Counted as the 2019/20 tests count: the published count lies between the sums with
    every withheld cell at its minimum and maximum; a published percentage is what the sums
    with each withheld cell at its midpoint round to (the release's whole per cent)."""
    known = _wave_2018(real)
    low, high, mid = _sums(known)
    assert low <= 9259 <= high  # instances where the platform was known
    assert _sums(known, ["whatsapp"])[0] <= 299 <= _sums(known, ["whatsapp"])[1]
    assert round(100 * _sums(known, ["instagram"])[2] / mid) == 22
    assert round(100 * _sums(known, ["facebook_messenger"])[2] / mid) == 19
    assert round(100 * _sums(known, ["whatsapp"])[2] / mid) == 3
    owned = _sums(known, ["instagram", "facebook_messenger", "whatsapp"])
    assert owned[0] > 4000  # "just over 4,000" on Facebook, Instagram or WhatsApp
    assert owned[1] < 4500
    assert 100 * owned[2] / mid < 50  # "nearly half"
    assert round(owned[2] / 365) == 11  # "11 times a day"


@pytest.mark.slow
def test_the_2018_19_wave_reproduces_the_east_of_england_figures(real):
    known = _wave_2018(real)
    east = known[known["force"].isin(EAST)]
    for platforms, published in (
        (None, 877),
        (["facebook_messenger"], 162),
        (["instagram"], 288),
        (["whatsapp"], 32),
        (["instagram", "facebook_messenger", "whatsapp"], 482),
    ):
        low, high, _ = _sums(east, platforms)
        assert low <= published <= high, (platforms, low, high)
    # Counted as the release's declared convention counts a withheld cell (the middle of its
    # range, rounded down), the region's cells give the published counts of each owned app.
    counted = east.assign(rule=np.floor(east["mid"]))
    for platform, published in (("facebook_messenger", 162), ("instagram", 288), ("whatsapp", 32)):
        assert counted.loc[counted["platform"] == platform, "rule"].sum() == published
