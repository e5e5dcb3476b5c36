"""The cleaning step on the good fixture corpus: every count accounted for, outputs checked,
deterministic, written together, and data/raw never written."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest
import yaml
from fixtures import corpus
from hypothesis import given
from hypothesis import strategies as st

from src.clean import run as clean
from src.clean.checks import check_periods
from src.clean.counts import parse_counts
from src.data.schemas import PROCESSED_SCHEMAS, validate_processed
from src.errors import InputError
from src.helpers import RAW, REFERENCE, sha256_file
from src.vocab import NOT_ITEMISED, OUTCOMES_WITH_DATA

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
        ("\uff11\uff12", "digits other than 0-9"),
        ("2020-01-04 00:00:00", "is a date, not a count"),
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


def test_a_force_whose_counted_rows_leave_part_of_its_period_uncovered_stops_the_run():
    outcomes = pd.DataFrame(
        {"force": ["a", "b"], "period_start": ["2019-10-01", ""], "period_end": ["2020-09-30", ""]}
    )
    halves = [("2019-10-01", "2020-03-31"), ("2020-04-01", "2020-09-30")]
    rows = [("a", s, e) for s, e in halves] + [("b", "2021-04-01", "2021-09-30")]
    instances = pd.DataFrame(rows, columns=["force", "period_start", "period_end"])
    instances["table"] = "table 1: line 1"
    records = instances.drop(index=1).assign(table="records")  # dated by its records
    check_periods(records, outcomes, {"start": "2019-10-01", "end": "2020-09-30"}, "o.csv")
    wave = {"start": "2019-10-01", "end": "2020-09-30"}
    check_periods(instances, outcomes, wave, "outcomes.csv")  # both halves counted: no stop
    check_periods(instances.iloc[::-1], outcomes, wave, "outcomes.csv")  # in any order
    # A force that answered beyond the wave is held to the wave's days only.
    longer = outcomes.assign(period_end=["2020-12-31", ""])
    check_periods(instances, longer, wave, "outcomes.csv")
    with pytest.raises(InputError) as caught:
        check_periods(instances.drop(index=1), outcomes, wave, "outcomes.csv")
    assert caught.value.place == "force 'a', columns 'period_start' and 'period_end'"
    assert "cover nothing from 2020-04-01" in caught.value.problem


# --- The real corpus --------------------------------------------------------------------------


REAL_WAVES = RAW / "waves"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _group_platforms(group: str, start: str, end: str) -> set[str] | None:
    """The platforms of a release's platform group over a wave (None: every known platform),
    from the reference tables: a platform of its own, a printed column's platforms and those
    they include, the owner's platforms held over the wave, or every other platform."""
    groups = _read(REFERENCE / "groups.csv").set_index("group")
    platforms = _read(REFERENCE / "platforms.csv").set_index("platform")
    if group == "all_known" or groups.loc[group, "kind"] == "all":
        return None
    kind = groups.loc[group, "kind"]
    if kind == "platform":
        return {group}
    if kind == "printed":
        named = set(groups.loc[group, "platforms"].split(";"))
        return named | {p for n in named for p in platforms.loc[n, "includes"].split(";") if p}
    owner_group = groups.index[groups["kind"] == "owner"][0]
    owners = _read(REFERENCE / "owners.csv")
    owner = owners.loc[owners["group"] == owner_group, "owner"].iloc[0]
    ownership = _read(REFERENCE / "ownership.csv")
    held = ownership[
        (ownership["owner"] == owner)
        & (ownership["owned_from"] <= start)
        & ((ownership["owned_to"] == "") | (ownership["owned_to"] >= end))
    ]
    owned = set(held["platform"])
    if kind == "owner":
        return owned
    assert kind == "rest", group
    outside = {"unknown", "not_itemised", "remainder"}
    return set(platforms.index[~platforms["kind"].isin(outside)]) - owned


def _area_forces(figure, with_data: set[str], regions: dict[str, str]) -> set[str]:
    if figure.geography == "national":
        return with_data
    if figure.geography == "region":
        return {f for f in with_data if regions.get(f) == figure.area}
    return {figure.area} & with_data


def _covers(figure, forces: set[str]) -> bool:
    """Whether the forces a published figure says it covers (blank: not said) are ``forces``."""
    said = figure.forces
    if said == "":
        return True
    if said.isdigit():
        return int(said) == len(forces)
    return set(said.split(";")) == forces


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
def test_every_wave_with_returns_cleans_into_its_own_periods_and_forces(real):
    """Every wave of waves.csv with returns in the manifest has instances, each in a period of
    the wave's own (periods.csv), or over whole periods of it; its coverage is its outcomes.csv,
    force for force, with the files the manifest lists for each force read."""
    manifest = _read(RAW / "MANIFEST.csv")
    periods = _read(REFERENCE / "periods.csv")
    answered = manifest[manifest["content"].isin(["return", "records"])]
    waves = _read(REFERENCE / "waves.csv")
    with_returns = [w for w in waves["wave"] if w in set(answered["wave"])]
    assert with_returns, "no wave has returns"
    for wave in with_returns:
        rows = real.instances[real.instances["wave"] == wave]
        assert len(rows), wave
        declared = periods[periods["wave"] == wave].sort_values("start")
        spans = {p.period: (p.start, p.end) for p in declared.itertuples(index=False)}
        for i, first in enumerate(declared.itertuples(index=False)):
            for last in list(declared.itertuples(index=False))[i + 1 :]:
                spans[f"{first.start[:7]}_{last.end[:7]}"] = (first.start, last.end)
        assert set(rows["period"]) <= set(spans), wave
        start = rows["period"].map({p: span[0] for p, span in spans.items()})
        end = rows["period"].map({p: span[1] for p, span in spans.items()})
        assert ((rows["period_start"] >= start) & (rows["period_end"] <= end)).all(), wave
        outcomes = _read(RAW / "waves" / wave / "outcomes.csv").set_index("force")
        coverage = real.coverage[real.coverage["wave"] == wave].set_index("force")
        assert sorted(coverage.index) == sorted(outcomes.index), wave
        assert coverage["outcome"].equals(outcomes.loc[coverage.index, "outcome"]), wave
        assert coverage["provenance"].equals(outcomes.loc[coverage.index, "provenance"]), wave
        files = answered[answered["wave"] == wave].groupby("force").size()
        read = files.reindex(coverage.index, fill_value=0)
        assert (coverage["files_read"].astype(int) == read).all(), wave
        with_data = set(coverage.index[coverage["outcome"].isin(OUTCOMES_WITH_DATA)])
        assert set(rows["force"]) <= with_data, wave


@pytest.mark.slow
def test_the_simulated_returns_bracket_every_published_count_they_cover(real):
    """Each exact published count of a release whose area's returns are all simulated (they
    were drawn to agree with it) and whose stated forces are the area's forces with data lies
    between the sums with every withheld cell at its minimum and at its maximum. A real return
    is as received: its source may disagree with the release, and the findings say so."""
    forces = _read(REFERENCE / "forces.csv")
    regions = dict(zip(forces["force"], forces["release_region"], strict=True))
    groups = _read(REFERENCE / "offence_groups.csv")
    checked = 0
    for name in _read(RAW / "published" / "releases.csv")["file"]:
        release = _read(RAW / "published" / name)
        counts = release[
            (release["unit"] == "count")
            & (release["comparison"] == "exact")
            & (release["platform_group"] != "")
        ]
        for figure in counts.itertuples(index=False):
            coverage = real.coverage[real.coverage["wave"] == figure.wave]
            with_data = set(coverage.loc[coverage["outcome"].isin(OUTCOMES_WITH_DATA), "force"])
            area = _area_forces(figure, with_data, regions)
            real_returns = set(coverage.loc[coverage["provenance"] == "real", "force"])
            if not area or area & real_returns or not _covers(figure, area):
                continue
            scope = set(figure.scope.split(";"))
            together = {
                g.offence_group
                for g in groups.itertuples(index=False)
                if g.includes and set(g.includes.split(";")) <= scope
            }
            rows = real.instances[
                (real.instances["wave"] == figure.wave)
                & real.instances["force"].isin(area)
                & real.instances["offence_group"].isin(scope | together)
                & ~real.instances["platform"].isin(["unknown"])
            ]
            platforms = _group_platforms(
                figure.platform_group, figure.period_start, figure.period_end
            )
            if platforms is not None:
                rows = rows[rows["platform"].isin(platforms)]
            lower, upper = int(rows["lower"].sum()), int(rows["upper"].sum())
            assert lower <= int(figure.value) <= upper, (name, figure.figure_id, lower, upper)
            checked += 1
    if not checked:
        pytest.skip("no published count is about simulated returns alone")


def _long_csv_blocks(path: Path, file: dict, table: dict) -> list[tuple[int, int]]:
    """For each block of a long CSV table read as plain text (rows of one offence and period
    where the table gives them), what its printed total counts beyond its other rows: (lowest,
    highest), withheld cells at the ends of the spec's ranges."""
    where = table.get("where", {})
    header = int(where.get("header_row", 1))
    last = where.get("last_row")
    text = pd.read_csv(
        path,
        skiprows=header - 1,
        nrows=None if last is None else int(last) - header,
        dtype=str,
        keep_default_na=False,
        encoding=file.get("encoding") or "utf-8",
    )
    columns = table["columns"]
    markers = {k: tuple(v) for k, v in (file.get("withheld") or {}).items()}

    def bounds(value: str) -> tuple[int, int]:
        value = value.strip()
        if value in markers:
            return markers[value]
        number = int(value.replace(",", ""))
        return number, number

    keys = [columns[k] for k in ("offence", "period") if columns.get(k)]
    blocks = text.groupby(keys, sort=False) if keys else [((), text)]
    out = []
    for _, rows in blocks:
        labels = rows[columns["label"]].str.strip()
        values = [bounds(v) for v in rows[columns["count"]]]
        total = [
            v for v, label in zip(values, labels, strict=True) if label in table["total_labels"]
        ]
        itemised = [
            v
            for v, label in zip(values, labels, strict=True)
            if label not in table["total_labels"] and label not in table.get("exclude_labels", {})
        ]
        if not total:
            continue
        low = max(0, sum(t[0] for t in total) - sum(v[1] for v in itemised))
        high = sum(t[1] for t in total) - sum(v[0] for v in itemised)
        if high > 0:
            out.append((low, high))
    return out


@pytest.mark.slow
def test_every_partial_return_keeps_what_its_printed_total_does_not_itemise(real):
    """Every table a spec marks ``not_itemised``, recomputed from its raw file as plain text:
    what each printed total counts beyond the table's other rows is one instance row on the
    platform ``not_itemised`` (and the reconciliation's not_itemised columns), nothing else."""
    checked = 0
    for spec_path in sorted((REFERENCE / "specs").glob("*/*.yaml")):
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
        wave = spec_path.parent.name
        for file in spec.get("files", []):
            partial = [t for t in file.get("tables", []) if t.get("not_itemised")]
            if not partial:
                continue
            source = f"waves/{wave}/{file['path']}"
            kept = real.instances[
                (real.instances["source_file"] == source)
                & (real.instances["platform"] == NOT_ITEMISED)
            ]
            recon = real.reconciliation[real.reconciliation["source_file"] == source]
            if file["format"] != "csv" or any(t["layout"] != "long" for t in partial):
                continue  # read here only as plain CSV text; reconciled by the run all the same
            expected = [
                block
                for table in partial
                for block in _long_csv_blocks(RAW / "waves" / wave / file["path"], file, table)
            ]
            assert sorted(zip(kept["lower"], kept["upper"], strict=True)) == sorted(expected), (
                source
            )
            assert (kept["force"] == spec["force"]).all() and (kept["wave"] == wave).all()
            assert int(recon["not_itemised_lower"].sum()) == sum(low for low, _ in expected)
            assert int(recon["not_itemised_upper"].sum()) == sum(high for _, high in expected)
            checked += 1
    if not checked:
        pytest.skip("no spec reads a partial return from a long CSV table")
    # Only partial tables leave anything not itemised.
    platforms = _read(REFERENCE / "platforms.csv").set_index("platform")["kind"]
    assert platforms[NOT_ITEMISED] == "not_itemised"


def test_an_extract_with_no_records_cleans_to_no_instances(tmp_path):
    paths = corpus.build_corpus(tmp_path)
    corpus.write_leics(paths["wave"] / corpus.LEICS_FILE, records=[])
    corpus.refresh_manifest(paths["raw"])
    result = clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    assert "leicestershire" not in set(result.instances["force"])
    recon = result.reconciliation.set_index("force").loc["leicestershire"]
    assert (recon["total_lower"], recon["unexplained"]) == (0, 0)
    assert result.records.empty
