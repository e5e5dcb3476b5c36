"""Tests for src/findings/workbook.py, the accessible workbook made with gptables, and for its
writing by src/findings/run.py."""

from __future__ import annotations

import io
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

from src.findings import run
from src.findings import workbook as tables
from src.findings.workbook import Sheet

NOTES = {"simulated": "Per-force returns are simulated.", "missing": "[x]: not available."}


def sheets():
    df = pd.DataFrame(
        {"area": ["North", "South"], "share_pct": [52.4, np.nan], "holds": [True, False]}
    )
    return [
        Sheet(
            "Headline", df, "Headline figures", ["England and Wales"], "Source: us", ["simulated"]
        ),
        Sheet("Regions", df, "By region", [], "", ["simulated", "missing"]),
    ]


def test_workbook_is_byte_identical_and_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        first = tables.workbook_bytes(sheets(), NOTES, "Title", ["Intro"])
        second = tables.workbook_bytes(sheets(), NOTES, "Title", ["Intro"])
    assert first == second


def test_workbook_has_cover_contents_notes_and_one_table_per_sheet():
    book = openpyxl.load_workbook(
        io.BytesIO(tables.workbook_bytes(sheets(), NOTES, "Title", ["Intro"]))
    )
    assert book.sheetnames == ["Cover", "Contents", "Notes", "Headline", "Regions"]
    assert book.properties.created.year == tables.CREATED.year
    values = [list(r) for r in book["Headline"].iter_rows(values_only=True)]
    assert values[0][0].startswith("Headline figures")
    header = values.index(["Area", "Share pct", "Holds"])
    assert values[header + 1] == ["North", 52.4, "yes"]
    assert values[header + 2] == ["South", tables.MISSING, "no"]
    notes = [r for r in book["Notes"].iter_rows(values_only=True)]
    assert [r[1] for r in notes[-2:]] == [NOTES["simulated"], NOTES["missing"]]


def test_a_note_no_sheet_refers_to_is_refused():
    with pytest.raises(ValueError, match="not referenced"):
        tables.workbook_bytes(sheets(), {**NOTES, "extra": "unused"}, "Title", ["Intro"])


def test_write_workbook_leaves_unchanged_file_alone(tmp_path):
    path = tmp_path / "findings.xlsx"
    run.write_workbook(path, sheets(), NOTES, "Title", ["Intro"])
    before = path.stat().st_mtime_ns
    run.write_workbook(path, sheets(), NOTES, "Title", ["Intro"])
    assert path.stat().st_mtime_ns == before
