"""Not reported is not zero: the cleaning records whether each table, and each force's return,
reports a count of instances whose platform was not recorded; and an outcome for figures that
were not provided, with no reason given.

What each force and table must say is derived from the fixture corpus's data
(tests/fixtures/corpus.py) and, for the real corpus, from the notes of the reading specs, never
from the code under test.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from fixtures import corpus

from src.clean import run as clean
from src.data.schemas import COVERAGE, RECONCILIATION, validate
from src.errors import InputError
from src.helpers import REFERENCE
from src.vocab import OUTCOME_CLAUSES, OUTCOME_LABELS, OUTCOMES, OUTCOMES_WITH_DATA

#: Each table of the fixture corpus, in the order its force's file holds them: the labels.
FIXTURE_TABLES = {
    "cheshire": [[r[0] for r in corpus.CHESHIRE_H1], [r[0] for r in corpus.CHESHIRE_H2]],
    "dorset": [[r[0] for r in corpus.DORSET_ROWS]],
    "jersey": [[r[0] for r in corpus.JERSEY_H1], [r[0] for r in corpus.JERSEY_H2]],
}


def _reports(labels: list[str]) -> bool:
    return any(label in corpus.UNKNOWN_LABELS for label in labels)


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    paths = corpus.build_corpus(tmp_path_factory.mktemp("good"))
    return clean.run_clean(paths["raw"], paths["reference"], paths["processed"])


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """The corpus in which no force reports a count of instances whose platform was not
    recorded (and Leicestershire's figures were not provided)."""
    paths = corpus.build_corpus(tmp_path_factory.mktemp("no-unknown"), unknown_rows=False)
    result = clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    return paths, result


def test_each_table_says_whether_it_reports_an_unknown_count(good):
    recon = good.reconciliation
    for force, tables in FIXTURE_TABLES.items():
        mine = recon[recon["force"] == force]
        names = list(dict.fromkeys(mine["table"]))
        assert len(names) == len(tables), force
        for name, labels in zip(names, tables, strict=True):
            flags = set(mine.loc[mine["table"] == name, "unknown_reported"])
            assert flags == {_reports(labels)}, (force, name)
    extract = recon[recon["force"] == "leicestershire"]
    assert extract["unknown_reported"].all()  # every record is classified, none-named = unknown


def test_a_force_reports_an_unknown_count_only_if_every_table_does(good):
    coverage = good.coverage.set_index("force")
    for force, tables in FIXTURE_TABLES.items():
        assert coverage.loc[force, "unknown_reported"] == all(map(_reports, tables)), force
    assert coverage.loc["leicestershire", "unknown_reported"]
    for force, outcome, _ in corpus.OUTCOMES:
        if outcome not in OUTCOMES_WITH_DATA:
            assert not coverage.loc[force, "unknown_reported"], force


def test_the_flag_is_written_as_true_or_false(good, tmp_path):
    paths = corpus.build_corpus(tmp_path)
    clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    for name in ("coverage", "reconciliation"):
        on_disk = pd.read_csv(paths["processed"] / f"{name}.csv", dtype=str)
        assert set(on_disk["unknown_reported"]) <= {"True", "False"}, name


def test_a_corpus_with_no_unknown_row_cleans_and_says_none_was_reported(variant):
    _, result = variant
    assert not (result.instances["platform"] == "unknown").any()
    assert not result.reconciliation["unknown_reported"].any()
    assert not result.coverage["unknown_reported"].any()
    # nothing is made up for the missing rows: the sums are zero because nothing was reported
    assert (result.coverage[["unknown_lower", "unknown_upper"]] == 0).all().all()
    assert (result.reconciliation["unexplained"] == 0).all()


def test_an_outcome_of_figures_not_provided_cleans_and_is_counted(variant):
    paths, result = variant
    outcomes = pd.read_csv(paths["wave"] / "outcomes.csv", dtype=str, keep_default_na=False)
    assert (outcomes["outcome"] == "not_provided").sum() == 1
    coverage = result.coverage.set_index("force")
    row = coverage.loc["leicestershire"]
    assert row["outcome"] == "not_provided"
    assert (row["files_read"], row["rows"], row["known_upper"]) == (0, 0, 0)
    counts = result.coverage["outcome"].value_counts()
    expected = pd.Series([o for _, o, _ in corpus.NO_UNKNOWN_OUTCOMES]).value_counts()
    assert counts.to_dict() == expected.to_dict()


def test_not_provided_is_an_outcome_without_data_distinct_from_no_response():
    assert "not_provided" in OUTCOMES and "not_provided" not in OUTCOMES_WITH_DATA
    assert OUTCOME_LABELS["not_provided"] == "Not provided (no reason given)"
    assert OUTCOME_CLAUSES["not_provided"] == "did not provide figures, with no reason given"
    assert OUTCOME_CLAUSES["not_provided"] != OUTCOME_CLAUSES["no_response"]
    assert set(OUTCOME_LABELS) == set(OUTCOME_CLAUSES)


def test_the_schemas_hold_the_flag_to_what_was_read(good):
    coverage = good.coverage.copy()
    essex = coverage.index[coverage["force"] == "essex"][0]
    coverage.loc[essex, "unknown_reported"] = True  # no file read, yet "reported"
    with pytest.raises(InputError, match="unknown_reported only for a force"):
        validate(coverage, COVERAGE, "coverage.csv", "fix")
    recon = good.reconciliation.copy()
    at = recon.index[recon["unknown_upper"] > 0][0]
    recon.loc[at, "unknown_reported"] = False  # unknown instances from a table without any
    with pytest.raises(InputError, match="unknown instances only in a table"):
        validate(recon, RECONCILIATION, "reconciliation.csv", "fix")


@pytest.mark.slow
def test_the_real_corpus_flags_the_forces_whose_specs_say_they_give_no_unknown_count():
    """A table reports a count of unknown platforms exactly when one of its rows is read as
    one (a zero counts: not reported is not zero), and a return exactly when every table of it
    does. So each return whose spec notes it gives no such count is flagged, and so is each
    partial return (a printed total and a few platforms) that prints none."""
    result = clean.run_clean(write=False)
    said, partial = set(), set()
    for path in sorted((REFERENCE / "specs").glob("*/*.yaml")):
        key = (path.parent.name, path.stem)
        if "no count for instances whose platform" in " ".join(path.read_text().split()):
            said.add(key)
        tables = [t for f in yaml.safe_load(path.read_text())["files"] for t in f.get("tables", [])]
        if any(t.get("not_itemised") for t in tables):
            partial.add(key)
    instances = result.instances
    unknown = instances["platform"] == "unknown"
    table_key = ["wave", "force", "source_file", "table"]
    with_unknown_row = set(map(tuple, instances.loc[unknown, table_key].to_numpy()))
    recon = result.reconciliation
    for row in recon[[*table_key, "unknown_reported"]].drop_duplicates().itertuples(index=False):
        assert row.unknown_reported == (tuple(row[:4]) in with_unknown_row), tuple(row[:4])
    coverage = result.coverage
    with_data = coverage[coverage["outcome"].isin(OUTCOMES_WITH_DATA)]
    silent = with_data.loc[~with_data["unknown_reported"], ["wave", "force"]]
    flagged = set(map(tuple, silent.to_numpy()))
    tables = recon[table_key].drop_duplicates()
    reporting = tables.apply(tuple, axis=1).isin(with_unknown_row)
    expected = set(map(tuple, tables.loc[~reporting, ["wave", "force"]].to_numpy()))
    assert flagged == expected
    with_unknown = set(map(tuple, instances.loc[unknown, ["wave", "force"]].to_numpy()))
    assert said <= flagged
    assert partial - with_unknown <= flagged
