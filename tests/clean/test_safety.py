"""The checks a workbook passes before openpyxl reads it (src/clean/safety.py), and the
plausibility ceiling of a count (src/clean/counts.py, data/reference/limits.csv)."""

from __future__ import annotations

import io
import zipfile
import zlib

import pandas as pd
import pytest

from src.clean import readers, safety
from src.clean.counts import Limits, check_ceiling, limits_from_table, parse_counts
from src.clean.run import read_limits
from src.errors import InputError
from src.helpers import REFERENCE

MIB = 1024 * 1024


def _workbook(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


XML = b'<?xml version="1.0" encoding="UTF-8"?><sst/>'


def test_an_ordinary_archive_passes():
    safety.check_workbook(_workbook({"xl/sharedStrings.xml": XML}), "f.xlsx")


def test_a_small_part_may_compress_well_without_being_a_bomb():
    """Below RATIO_FROM a part is not held to the ratio: 900 KiB of spaces compress ~1000x."""
    filler = XML + b" " * (900 * 1024)
    data = _workbook({"xl/styles.xml": filler})
    assert len(filler) / len(data) > safety.MAX_XLSX_RATIO
    safety.check_workbook(data, "f.xlsx")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-8"])
@pytest.mark.parametrize("word", ["<!DOCTYPE x>", '<!ENTITY e "v">'])
def test_a_declaration_is_found_in_every_encoding_a_parser_reads_unbidden(codec, word):
    text = f'<?xml version="1.0"?>{word}<sst/>'
    data = _workbook({"xl/a.bin": text.encode(codec)})  # whatever the part's name
    with pytest.raises(InputError) as caught:
        safety.check_workbook(data, "f.xlsx")
    assert caught.value.place == "part 'xl/a.bin'"
    assert f"({word.split()[0]})" in caught.value.problem


def test_a_declaration_anywhere_in_a_large_part_is_found():
    data = _workbook({"xl/sheet.xml": b"<w>" + b"<r/>" * 200_000 + b"<!ENTITY x 'y'></w>"})
    with pytest.raises(InputError, match="declares a DTD/entity"):
        safety.check_workbook(data, "f.xlsx")


def test_bytes_that_are_not_a_zip_are_called_corrupt():
    with pytest.raises(InputError) as caught:
        safety.check_workbook(b"not a zip at all", "f.xlsx")
    assert "truncated or corrupt" in caught.value.problem


# --- PDF: limits, and a password -----------------------------------------------------------------


def _pdf(pages: int = 1, **encryption) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(text=f"Page {n + 1}: Instagram 12")
    if encryption:
        pdf.set_encryption(**encryption)
    return bytes(pdf.output())


def _flate_stream(size: int) -> bytes:
    """An object holding a Flate stream of ``size`` spaces, as an incremental update adds it."""
    body = zlib.compress(b" " * size, 9)
    head = f"\n99 0 obj\n<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode()
    return head + body + b"\nendstream\nendobj\n"


def _refused_pdf(data: bytes, monkeypatch=None) -> InputError:
    if monkeypatch is not None:  # refused from its bytes: pdfplumber never parses it
        import pdfplumber

        monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(InputError) as caught:
        safety.open_pdf(data, "letter.pdf")
    assert caught.value.file == "letter.pdf" and caught.value.fix
    return caught.value


def test_an_ordinary_pdf_and_one_with_only_an_owner_password_open():
    for data in (_pdf(3) + _flate_stream(MIB), _pdf(owner_password="owner")):
        with safety.open_pdf(data, "letter.pdf") as pdf:
            assert "Instagram 12" in pdf.pages[0].extract_text()


@pytest.mark.parametrize("method", ["RC4", "AES_128", "AES_256"])
def test_a_pdf_needing_a_password_says_so(method):
    from fpdf.enums import EncryptionMethod

    encryption = {"owner_password": "owner", "user_password": "user"}
    error = _refused_pdf(_pdf(**encryption, encryption_method=EncryptionMethod[method]))
    assert error.problem.startswith("the PDF is password-protected")
    assert "truncated or corrupt" not in error.problem
    assert error.fix.startswith("ask the force for an unprotected copy")


def test_a_pdf_stream_expanding_past_the_limit_is_refused_before_parsing(monkeypatch):
    """A few tens of kilobytes that expand to more than MAX_PDF_EXPANDED (S12's bomb)."""
    data = _pdf() + _flate_stream(safety.MAX_PDF_EXPANDED + MIB)
    assert len(data) < MIB
    error = _refused_pdf(data, monkeypatch)
    assert error.place == "whole file"
    assert "expands to more than 50.0 MiB (MAX_PDF_EXPANDED)" in error.problem


def test_a_pdf_above_the_size_limit_is_refused_before_parsing(monkeypatch):
    data = _pdf() + b"%" + b"x" * safety.MAX_PDF_BYTES
    error = _refused_pdf(data, monkeypatch)
    assert "above the limit of 20.0 MiB for a return (MAX_PDF_BYTES)" in error.problem


def test_a_pdf_of_too_many_pages_is_refused():
    error = _refused_pdf(_pdf(safety.MAX_PDF_PAGES + 1))
    assert f"has {safety.MAX_PDF_PAGES + 1} pages, above the limit of" in error.problem


def test_a_formula_reading_as_blank_in_a_long_table_is_named():
    """The second look at formulas covers every column a long table reads, not only counts."""
    from src.clean.specs import parse_spec

    data = _uncached_long_table()
    spec = parse_spec(
        "force: cheshire\nwave: fixture-wave\nfiles:\n  - path: cheshire/x.xlsx\n"
        "    format: xlsx\n    tables:\n      - where: {sheet: Sheet, header_row: 1}\n"
        "        layout: long\n        columns: {label: App, period: Period, count: Count}\n"
        "        offence_group: online_sexual\n"
        "        period_values: {H1: [2019-10-01, 2020-03-31]}\n",
        "cheshire.yaml",
    )
    with pytest.raises(InputError) as caught:
        readers.read_tables(data, "x.xlsx", spec.files[0])
    assert caught.value.place == "sheet 'Sheet', row 3, column B"
    assert "a formula with no saved value" in caught.value.problem
    assert "=CONCAT" in caught.value.problem


def _uncached_long_table() -> bytes:
    """A long table whose period cell on row 3 is a formula openpyxl saved without a value
    (openpyxl, unlike a spreadsheet program, never computes one)."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet"
    sheet.append(["App", "Period", "Count"])
    sheet.append(["Instagram", "H1", 4])
    sheet.append(["Snapchat", '=CONCAT("H","1")', 2])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- The plausibility ceiling ------------------------------------------------------------------


def _limits(value: int = 100) -> Limits:
    return Limits(max_count_per_cell=value, source="limits.csv")


def test_a_count_at_the_ceiling_passes_and_one_above_stops():
    places = pd.Series(["row 1", "row 2", "row 3"])
    check_ceiling(
        parse_counts(pd.Series(["100", "7", "<5"]), {"<5": (1, 4)}, "f", places),
        _limits(),
        "f",
        places,
    )
    parsed = parse_counts(pd.Series(["100", "1,001", "7"]), {}, "f", places)
    with pytest.raises(InputError) as caught:
        check_ceiling(parsed, _limits(), "f.csv", places)
    error = caught.value
    assert error.place == "row 2"
    assert "the count 1,001 is above the plausible ceiling of 100" in error.problem
    assert "raise max_count_per_cell in limits.csv" in error.fix


def test_a_withheld_marker_whose_upper_bound_is_beyond_the_ceiling_stops():
    places = pd.Series(["row 1"])
    parsed = parse_counts(pd.Series(["<1000"]), {"<1000": (1, 999)}, "f", places)
    with pytest.raises(InputError, match="upper bound 999 is above the plausible ceiling of 100"):
        check_ceiling(parsed, _limits(), "f", places)


def _table(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame([(n, v, "") for n, v in rows], columns=["limit", "value", "note"])


@pytest.mark.parametrize(
    "rows, place, words",
    [
        (
            [("max_count_per_cel", "5")],
            "row 2, column 'limit'",
            "unknown limit 'max_count_per_cel'",
        ),
        ([("max_count_per_cell", "5"), ("max_count_per_cell", "6")], "row 3", "given twice"),
        ([("max_count_per_cell", "0")], "row 2, column 'value'", "'0' is not a positive whole"),
        ([("max_count_per_cell", "1e5")], "row 2, column 'value'", "'1e5' is not a positive"),
        ([], "", "no row for max_count_per_cell"),
    ],
    ids=["misspelt", "twice", "zero", "float", "absent"],
)
def test_a_faulty_limits_table_is_named(rows, place, words):
    with pytest.raises(InputError) as caught:
        limits_from_table(_table(rows), "limits.csv")
    assert caught.value.place.startswith(place)
    assert words in caught.value.problem


def test_the_limits_are_read_from_the_reference_folder(tmp_path):
    limits = read_limits(REFERENCE)
    assert limits.source == "data/reference/limits.csv"
    assert limits.max_count_per_cell >= 1000  # the largest cell of the corpus is in the hundreds
    (tmp_path / "limits.csv").write_text('limit,value,note\nmax_count_per_cell,"1,500",x\n')
    assert read_limits(tmp_path).max_count_per_cell == 1500
    with pytest.raises(InputError, match="the limits of the cleaning's checks are missing"):
        read_limits(tmp_path / "nowhere")
