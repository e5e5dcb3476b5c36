"""One rule for words: every wording a published file uses has one reading, every verdict the
comparisons can reach has one meaning, and a bad readings table stops with one message."""

from __future__ import annotations

import pandas as pd
import pytest

from src import vocab
from src.data.reference import load_readings, read_table
from src.errors import InputError
from src.findings import published, readings
from src.helpers import RAW, REFERENCE


def test_every_wording_of_the_published_files_has_a_reading():
    used = set()
    for path in sorted((RAW / "published").glob("release_*.csv")):
        used |= set(pd.read_csv(path, dtype=str)["comparison"].dropna())
    assert used <= set(load_readings().index)


def test_every_verdict_the_comparisons_reach_is_defined_once():
    verdicts = read_table(REFERENCE / "verdicts.csv", "verdicts")
    defined = dict(zip(verdicts["verdict"], verdicts["meaning"], strict=True))
    reached = {*vocab.JUDGED, vocab.NOT_COMPARABLE, vocab.OWN_DISAGREE, vocab.METHOD_CHECK}
    assert reached <= set(defined)
    assert all(meaning.strip() for meaning in defined.values())


def test_the_tolerance_of_a_reading_is_the_tables():
    # 'nearly half' holds from half less the table's tolerance (points) to under half.
    points = readings.tolerance("almost")
    assert published.statement_holds("almost", 50 - points, 50, None, "percent")
    assert not published.statement_holds("almost", 50 - points - 0.01, 50, None, "percent")
    assert not published.statement_holds("almost", 50, 50, None, "percent")


def test_an_unknown_wording_stops_naming_the_known_ones():
    with pytest.raises(ValueError, match="readings.csv reads exact"):
        published.statement_holds("roughly", 1.0, 1.0)


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("exact,-1,equal,x\n", "tolerance must be a number of 0 or more"),
        ("exact,0,equal,x\nexact,0,equal,y\n", "comparison"),
    ],
)
def test_a_bad_readings_table_stops_with_one_message(tmp_path, rows, problem):
    path = tmp_path / "readings.csv"
    path.write_text("comparison,tolerance,reading,examples\n" + rows, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        load_readings(tmp_path)
