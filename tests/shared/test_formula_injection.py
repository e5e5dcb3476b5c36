"""Nothing a reader opens can run code: a text cell that a spreadsheet would read as a formula
(OWASP's CSV injection: one starting with = + - @, a tab or a carriage return) is written as text,
in every CSV the project writes and in the workbook."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from src.findings.workbook import Sheet, workbook_bytes
from src.helpers import csv_rows, csv_text, read_csv_text

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx"]
LINK = "http://evil.example/click"


def test_every_csv_writes_formula_text_as_text_and_numbers_as_numbers():
    table = pd.DataFrame({"label": [*HOSTILE, "Snapchat", "-5"], "count": range(7)})
    back = read_csv_text(io.StringIO(csv_text(table)))
    for written, given in zip(back["label"], table["label"], strict=True):
        if given in HOSTILE:
            assert written == "'" + given
        else:
            assert written == given  # plain text and a negative number stay as they are
    assert back["count"].tolist() == [str(n) for n in range(7)]


def test_the_fast_writer_of_large_tables_neutralises_them_too():
    """csv_rows (the records extract, written in batches) goes the same way as csv_text."""
    table = pd.DataFrame({"label": [*HOSTILE, "-0.5"], "count": range(6)})
    header = "label,count\n"
    back = read_csv_text(io.StringIO(header + csv_rows(table).decode("utf-8")))
    assert back["label"].tolist() == ["'" + h for h in HOSTILE] + ["-0.5"]
    plain = table.assign(label=[f"x{i}" for i in range(6)]).astype({"label": "string"})
    assert csv_rows(plain) == csv_text(plain).split("\n", 1)[1].encode("utf-8")


def test_the_workbook_stores_formula_text_as_a_string():
    sheet = Sheet(
        name="Wording",
        table=pd.DataFrame({"As published": [*HOSTILE[:4], LINK], "Value": range(5)}),
        title="Published wording",
        notes=["source"],
    )
    notes = {"source": "Words as published."}
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([sheet], notes, "Title", ["Intro."])))
    cells = [c for row in book["Wording"].iter_rows() for c in row if c.value in HOSTILE]
    assert len(cells) == 4
    assert all(c.data_type == "s" for c in cells)
    assert all(c.hyperlink is None for row in book["Wording"].iter_rows() for c in row)
    formulas = [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
