"""Nothing a reader opens can run code: a text cell that a spreadsheet would read as a formula
(OWASP's CSV injection: one starting with = + - @, a tab or a carriage return) is written as text,
in every CSV the project writes and in the workbook."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from src.findings.workbook import Sheet, workbook_bytes
from src.helpers import csv_text, read_csv_text

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx"]


def test_every_csv_writes_formula_text_as_text_and_numbers_as_numbers():
    table = pd.DataFrame({"label": [*HOSTILE, "Snapchat", "-5"], "count": range(7)})
    back = read_csv_text(io.StringIO(csv_text(table)))
    for written, given in zip(back["label"], table["label"], strict=True):
        if given in HOSTILE:
            assert written == "'" + given
        else:
            assert written == given  # plain text and a negative number stay as they are
    assert back["count"].tolist() == [str(n) for n in range(7)]


def test_the_workbook_stores_formula_text_as_a_string():
    sheet = Sheet(
        name="Wording",
        table=pd.DataFrame({"As published": HOSTILE[:2], "Value": [1, 2]}),
        title="Published wording",
        notes=["source"],
    )
    notes = {"source": "Words as published."}
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([sheet], notes, "Title", ["Intro."])))
    cells = [c for row in book["Wording"].iter_rows() for c in row if c.value in HOSTILE]
    assert len(cells) == 2
    assert all(c.data_type == "s" for c in cells)
