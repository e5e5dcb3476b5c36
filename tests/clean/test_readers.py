"""Readers (one per format), text decoding, reading specs and reference tables."""

from __future__ import annotations

import csv
import io
import string
from pathlib import Path

import pandas as pd
import pytest
import yaml
from fixtures import corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from src.clean import extracts, readers
from src.clean.run import load_specs, read_spec
from src.clean.specs import FileSpec, Table, Where, parse_spec
from src.data.reference import load_reference, normalise_label, owner_on
from src.errors import InputError
from src.helpers import rel

FIXTURE_REFERENCE = corpus.HERE / "reference"
WIDE = {"layout": "wide", "label_column": "Platform", "period": ["2019-10-01", "2020-03-31"]}


def file_spec(**kwargs) -> FileSpec:
    """A file spec for the reader tests (its tables are passed to the readers separately)."""
    kwargs.setdefault("path", "x")
    kwargs.setdefault("tables", [{**WIDE, "offence_columns": {"Q1": "online_sexual"}}])
    return FileSpec.model_validate(kwargs)


def wide_table(**kwargs) -> Table:
    return Table.model_validate({**WIDE, "offence_columns": {"Q1": "online_sexual"}, **kwargs})


# --- decoding ---------------------------------------------------------------------------------


def test_decode_text_reads_the_declared_encoding():
    text = "App;Count\nFacebook – Messenger;3\n"
    assert readers.decode_text(text.encode("cp1252"), "cp1252", "f.csv") == text
    assert readers.decode_text(text.encode("utf-8"), "utf-8", "f.csv") == text
    assert readers.decode_text(b"\xef\xbb\xbf" + text.encode(), "utf-8", "f.csv") == text


def test_decode_text_stops_on_bytes_invalid_in_the_declared_encoding():
    data = "App\nCafé\n".encode("cp1252")
    with pytest.raises(InputError) as error:
        readers.decode_text(data, "utf-8", "f.csv")
    assert error.value.place == "line 2, byte 8"
    assert "not valid utf-8" in error.value.problem
    assert "encoding" in error.value.fix


def test_decode_text_refuses_utf8_declared_as_cp1252_rather_than_mojibake():
    with pytest.raises(InputError) as error:
        readers.decode_text("App\nCafé\n".encode(), "cp1252", "f.csv")
    assert "mojibake" in error.value.problem
    assert "'Ã©'" in error.value.problem
    assert "utf-8" in error.value.fix


def test_decode_text_refuses_utf16_declared_as_something_else():
    with pytest.raises(InputError, match="byte-order mark"):
        readers.decode_text("App\n".encode("utf-16"), "utf-8", "f.csv")


# --- CSV tables -------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_wide_table_with_any_delimiter_and_a_preamble(tmp_path, delimiter):
    lines = [["Force FOI reply"], [], ["Platform", "Q1", "Q2"]]
    lines += [["Facebook, Messenger", "3", "<5"], ["Total", "4", "5"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(lines)
    text = buffer.getvalue()
    path = write(tmp_path, text)
    spec = file_spec(format="csv", delimiter=delimiter)
    table = wide_table(
        where={"header_row": 3}, offence_columns={"Q1": "online_sexual", "Q2": "indecent_images"}
    )
    cells = readers.read_csv_table(path.read_bytes(), rel(path), spec, table)
    assert list(cells.columns) == readers.CELL_COLUMNS
    assert cells[["label", "offence_group", "value"]].values.tolist() == [
        ["Facebook, Messenger", "online_sexual", "3"],
        ["Facebook, Messenger", "indecent_images", "<5"],
        ["Total", "online_sexual", "4"],
        ["Total", "indecent_images", "5"],
    ]
    assert cells["source_place"].tolist()[:2] == ["line 4, column 'Q1'", "line 4, column 'Q2'"]
    assert cells["label_place"].iloc[0] == "line 4, column 'Platform'"
    assert set(cells["period_start"]) == {"2019-10-01"}


def test_csv_long_table_maps_offences_and_periods(tmp_path):
    path = write(
        tmp_path,
        "App,Question,Period,Count\nInstagram,Q1,Oct-Dec 2019,4\nSnap,Q2,Jan-Mar 2020,1\n",
    )
    table = Table.model_validate(
        {
            "layout": "long",
            "columns": {
                "label": "App",
                "offence": "Question",
                "period": "Period",
                "count": "Count",
            },
            "offence_values": {"Q1": "online_sexual", "Q2": "indecent_images"},
            "period_values": {
                "Oct-Dec 2019": ["2019-10-01", "2019-12-31"],
                "Jan-Mar 2020": ["2020-01-01", "2020-03-31"],
            },
        }
    )
    cells = readers.read_csv_table(path.read_bytes(), rel(path), file_spec(format="csv"), table)
    assert cells[
        ["label", "offence_group", "period_start", "period_end", "value"]
    ].values.tolist() == [
        ["Instagram", "online_sexual", "2019-10-01", "2019-12-31", "4"],
        ["Snap", "indecent_images", "2020-01-01", "2020-03-31", "1"],
    ]
    assert cells["source_place"].tolist() == ["line 2, column 'Count'", "line 3, column 'Count'"]


def test_csv_long_table_unknown_period_value_names_the_cell(tmp_path):
    path = write(tmp_path, "App,Period,Count\nInstagram,Oct-Dec 2021,4\n")
    table = Table.model_validate(
        {
            "layout": "long",
            "columns": {"label": "App", "period": "Period", "count": "Count"},
            "offence_group": "online_sexual",
            "period_values": {"Oct-Dec 2019": ["2019-10-01", "2019-12-31"]},
        }
    )
    with pytest.raises(InputError) as error:
        readers.read_csv_table(path.read_bytes(), rel(path), file_spec(format="csv"), table)
    assert error.value.place == "line 2, column 'Period'"
    assert "period_values" in error.value.fix


def test_csv_missing_header_lists_the_header_and_hints_at_the_delimiter(tmp_path):
    path = write(tmp_path, "Platform;Q1\nInstagram;4\n")
    with pytest.raises(InputError) as error:
        readers.read_csv_table(path.read_bytes(), rel(path), file_spec(format="csv"), wide_table())
    assert error.value.place == "line 1 (header)"
    assert "'Platform;Q1'" in error.value.problem
    assert "delimiter" in error.value.problem


def test_csv_rows_blank_in_label_and_counts_are_skipped_but_notes_stop_at_last_row(tmp_path):
    path = write(tmp_path, "Platform,Q1,Note\nInstagram,4,\n,,a note\nTotal,4,\n\nSource: force\n")
    table = wide_table(where={"header_row": 1, "last_row": 4})
    cells = readers.read_csv_table(path.read_bytes(), rel(path), file_spec(format="csv"), table)
    assert cells["label"].tolist() == ["Instagram", "Total"]
    assert cells["row"].tolist() == [2, 4]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    labels=st.lists(
        st.text(
            alphabet=string.ascii_letters + string.digits + " ,;&'-/()\"é–",
            min_size=1,
            max_size=20,
        ).filter(lambda s: s.strip()),
        min_size=1,
        max_size=8,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_round_trip_of_any_label(tmp_path, labels, encoding, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Platform", "Q1"])
    writer.writerows([label, str(i)] for i, label in enumerate(labels))
    path = write(tmp_path, buffer.getvalue(), encoding)
    spec = file_spec(format="csv", encoding=encoding, delimiter=delimiter)
    cells = readers.read_csv_table(path.read_bytes(), rel(path), spec, wide_table())
    assert cells["label"].tolist() == [label.strip() for label in labels]
    assert cells["value"].tolist() == [str(i) for i in range(len(labels))]
    assert cells["row"].tolist() == list(range(2, len(labels) + 2))


# --- XLSX -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cheshire(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "c.xlsx"
    corpus.write_cheshire(path)
    return path


def cheshire_spec():
    spec = read_spec(FIXTURE_REFERENCE / "specs" / corpus.WAVE / "cheshire.yaml")
    return spec.files[0]


def test_xlsx_merged_header_cells_title_and_footnote(cheshire):
    file = cheshire_spec()
    cells = readers.read_xlsx_table(cheshire.read_bytes(), rel(cheshire), file, file.tables[0])
    labels = [row[0] for row in corpus.CHESHIRE_H1] + ["Total"]
    assert cells["label"].drop_duplicates().tolist() == labels
    assert cells["source_place"].iloc[0] == "sheet 'Oct 2019 - Mar 2020', row 5, column B"
    assert cells["source_place"].iloc[1] == "sheet 'Oct 2019 - Mar 2020', row 5, column C"
    assert cells["label_place"].iloc[0] == "sheet 'Oct 2019 - Mar 2020', row 5, column A"
    expected = [corpus.printed(c) for row in corpus.CHESHIRE_H1 for c in row[1:]]
    assert cells["value"].tolist()[: len(expected)] == expected


def test_xlsx_numbers_are_read_as_printed_without_decimals(cheshire):
    file = cheshire_spec()
    cells = readers.read_xlsx_table(cheshire.read_bytes(), rel(cheshire), file, file.tables[1])
    assert cells["value"].tolist() == [str(c) for row in corpus.CHESHIRE_H2 for c in row[1:]]


def test_xlsx_missing_sheet_lists_the_sheets(cheshire):
    file = cheshire_spec()
    table = file.tables[1].model_copy(
        update={"where": file.tables[1].where.model_copy(update={"sheet": "Sheet1"})}
    )
    with pytest.raises(InputError) as error:
        readers.read_xlsx_table(cheshire.read_bytes(), rel(cheshire), file, table)
    assert error.value.place == "sheet 'Sheet1'"
    assert "'Oct 2019 - Mar 2020', 'Apr 2020 - Sep 2020'" in error.value.problem


def _workbook(tmp_path: Path, build) -> Path:
    """A workbook of one table (sheet 'T': a header and two platforms), changed by ``build``."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "T"
    for row in (["Platform", "Q1"], ["Instagram", 14], ["Snapchat", 9]):
        sheet.append(row)
    build(book, sheet)
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def _read_sheet(path: Path, **where):
    table = wide_table(where={"sheet": "T", "header_row": 1, **where})
    spec = file_spec(format="xlsx", tables=[table.model_dump(exclude_none=True)])
    return readers.read_xlsx_table(path.read_bytes(), rel(path), spec, table)


def test_xlsx_a_hidden_sheet_is_read_only_when_the_spec_says_so(tmp_path):
    def hide(book, sheet):
        sheet.sheet_state = "hidden"
        book.create_sheet("T revised")

    path = _workbook(tmp_path, hide)
    with pytest.raises(InputError) as error:
        _read_sheet(path)
    assert error.value.place == "sheet 'T'"
    assert "hidden" in error.value.problem and "'T revised'" in error.value.problem
    assert "hidden: true" in error.value.fix
    assert _read_sheet(path, hidden=True)["value"].tolist() == ["14", "9"]


def test_xlsx_a_chart_sheet_is_named_as_a_chart(tmp_path):
    from openpyxl.chart import BarChart, Reference

    def chart(book, sheet):
        chart = BarChart()
        chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=3))
        book.create_chartsheet("C").add_chart(chart)

    path = _workbook(tmp_path, chart)
    with pytest.raises(InputError, match="is a chart, not a sheet of cells") as error:
        _read_sheet(path, sheet="C")
    assert error.value.place == "sheet 'C'"


def test_xlsx_a_count_merged_across_rows_stops_naming_the_cells(tmp_path):
    def merge(book, sheet):
        sheet["B3"] = None
        sheet.merge_cells("B2:B3")

    with pytest.raises(InputError, match="cannot be split") as error:
        _read_sheet(_workbook(tmp_path, merge))
    assert error.value.place == "sheet 'T', cells B2:B3"


def test_csv_a_quote_that_never_closes_is_named_with_its_line(tmp_path):
    path = write(tmp_path, 'Platform,Q1\nInstagram,4\n"Snap,<5\nTikTok,3\n')
    with pytest.raises(InputError, match="never closed") as error:
        readers.read_csv_table(path.read_bytes(), rel(path), file_spec(format="csv"), wide_table())
    assert error.value.place == "line 3"


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_xlsx_truncated_is_a_clear_error(cheshire, tmp_path, keep):
    broken = tmp_path / "broken.xlsx"
    data = cheshire.read_bytes()
    broken.write_bytes(data[: int(len(data) * keep)])
    file = cheshire_spec()
    with pytest.raises(InputError, match="truncated or corrupt"):
        readers.read_xlsx_table(broken.read_bytes(), rel(broken), file, file.tables[0])


def test_column_letters_match_openpyxl():
    for index in [0, 1, 25, 26, 27, 51, 52, 701, 702, 16383]:
        assert readers.column_letter(index) == get_column_letter(index + 1)


# --- PDF --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def jersey(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "j.pdf"
    corpus.write_jersey(path)
    return path


def jersey_spec():
    return read_spec(FIXTURE_REFERENCE / "specs" / corpus.WAVE / "jersey.yaml").files[0]


def test_pdf_tables_by_page_and_number(jersey):
    file = jersey_spec()
    first, second = readers.read_tables(jersey.read_bytes(), rel(jersey), file)
    assert first["label"].tolist() == [label for label, _ in corpus.JERSEY_H1] + ["Total"]
    assert first["value"].tolist()[:-1] == [corpus.printed(c) for _, c in corpus.JERSEY_H1]
    assert first["source_place"].iloc[0] == "page 1, table 1, row 2, column 'Q1'"
    assert second["label"].tolist() == [label for label, _ in corpus.JERSEY_H2] + ["Total"]
    assert second["source_place"].iloc[-1] == "page 1, table 2, row 4, column 'Q1'"


def test_a_pdf_table_on_a_second_page_is_read_from_that_page(tmp_path):
    # A letter whose first page is text only and whose table is on page 2: the spec's page
    # decides, and each cell's place names page 2.
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(corpus.FIXED_TIME)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(w=0, text="Response to your request.\nThe figures are overleaf.")
    pdf.add_page()
    rows = corpus.JERSEY_H1
    total = sum(corpus.true_value(c) for _, c in rows)
    with pdf.table(col_widths=(60, 30), width=90, align="LEFT") as table:
        for cells in [("Platform", "Q1"), *((lab, corpus.printed(c)) for lab, c in rows)]:
            line = table.row()
            for cell in cells:
                line.cell(cell)
        line = table.row()
        for cell in ("Total", str(total)):
            line.cell(cell)
    path = tmp_path / "two-pages.pdf"
    pdf.output(str(path))
    file = jersey_spec()
    spec = file.tables[0].model_copy(update={"where": Where(page=2, table=1)})
    cells = readers.read_pdf_table(path.read_bytes(), rel(path), file, spec)
    assert cells["label"].tolist() == [label for label, _ in rows] + ["Total"]
    assert cells["value"].tolist()[:-1] == [corpus.printed(c) for _, c in rows]
    assert cells["source_place"].iloc[0] == "page 2, table 1, row 2, column 'Q1'"
    on_page_one = file.tables[0].model_copy(update={"where": Where(page=1, table=1)})
    with pytest.raises(InputError, match="no table found on this page"):
        readers.read_pdf_table(path.read_bytes(), rel(path), file, on_page_one)


def test_pdf_without_a_table_or_page_is_a_clear_error(jersey, tmp_path):
    from fpdf import FPDF

    file = jersey_spec()
    wrong_page = file.tables[0].model_copy(update={"where": Where(page=3, table=1)})
    with pytest.raises(InputError, match="the PDF has 1 page"):
        readers.read_pdf_table(jersey.read_bytes(), rel(jersey), file, wrong_page)
    wrong_table = file.tables[0].model_copy(update={"where": Where(page=1, table=3)})
    with pytest.raises(InputError, match="page 1 has 2 table"):
        readers.read_pdf_table(jersey.read_bytes(), rel(jersey), file, wrong_table)
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(w=0, text="Instagram 4\nSnapchat <5\n(figures in a letter, not a table)")
    letter = tmp_path / "letter.pdf"
    pdf.output(str(letter))
    with pytest.raises(InputError) as error:
        readers.read_pdf_table(letter.read_bytes(), rel(letter), file, file.tables[0])
    assert error.value.place == "page 1"
    assert "no table found" in error.value.problem


# --- Records ----------------------------------------------------------------------------------


def leics_spec(**update) -> FileSpec:
    file = read_spec(FIXTURE_REFERENCE / "specs" / corpus.WAVE / "leicestershire.yaml").files[0]
    return file.model_copy(update=update)


def test_records_read_only_the_named_columns_with_their_lines(tmp_path):
    path = tmp_path / "e.csv"
    corpus.write_leics(path)
    records = extracts.read_records(path.read_bytes(), rel(path), leics_spec())
    assert list(records.columns) == extracts.RECORD_COLUMNS
    assert records["id"].tolist() == [r[0] for r in corpus.LEICS_RECORDS]
    assert records["text"].tolist() == [r[3] for r in corpus.LEICS_RECORDS]
    assert records["line"].tolist() == list(range(2, len(corpus.LEICS_RECORDS) + 2))


def test_records_lines_stay_right_with_multiline_fields_and_blank_lines(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(
        "Crime Reference,Date Recorded,HO Code,Method of Contact\n"
        'A,01/10/2019,71/17,"Snapchat\nthen Instagram"\n'
        "\n"
        "B,02/10/2019,71/17,WhatsApp\n",
        encoding="utf-8",
    )
    records = extracts.read_records(path.read_bytes(), rel(path), leics_spec())
    assert records["id"].tolist() == ["A", "B"]
    assert records["line"].tolist() == [2, 5]
    assert records["text"].iloc[0] == "Snapchat\nthen Instagram"


def test_records_missing_column_is_named(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("Crime Ref,Date Recorded,HO Code,Method of Contact\nA,01/10/2019,71/17,x\n")
    with pytest.raises(InputError) as error:
        extracts.read_records(path.read_bytes(), rel(path), leics_spec())
    assert "column 'Crime Reference' (spec key columns.id) is missing" in error.value.problem
    assert "'Crime Ref'" in error.value.problem


def test_records_in_cp1252_with_semicolons(tmp_path):
    path = tmp_path / "e.csv"
    text = "Crime Reference;Date Recorded;HO Code;Method of Contact\nA;01/10/2019;71/17;Café – Snapchat\n"
    path.write_bytes(text.encode("cp1252"))
    records = extracts.read_records(
        path.read_bytes(), rel(path), leics_spec(encoding="cp1252", delimiter=";")
    )
    assert records["text"].tolist() == ["Café – Snapchat"]


# --- Specs ------------------------------------------------------------------------------------


def test_fixture_specs_load_and_are_sorted_by_force(tmp_path):
    paths = corpus.build_corpus(tmp_path)
    reference = load_reference(paths["reference"])
    specs = load_specs(
        corpus.WAVE,
        paths["reference"] / "specs" / corpus.WAVE,
        paths["wave"],
        reference.forces,
        reference.offence_groups,
    )
    assert [s.force for s in specs] == ["cheshire", "dorset", "jersey", "leicestershire"]
    assert specs[0].source.endswith("cheshire.yaml")


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"format": "xls"}, "files[0].format", "Input should be"),
        ({"withheld": {"<5": [4, 1]}}, "files[0].withheld", "lower bound 4 above upper 1"),
        ({"withheld": {"5": [1, 4]}}, "files[0].withheld", "is a number"),
        ({"tables": []}, "files[0]", "at least one entry in 'tables'"),
        ({"colour": "red"}, "files[0].colour", "Extra inputs are not permitted"),
    ],
)
def test_invalid_spec_names_the_file_and_key(tmp_path, change, key, words):
    spec = yaml.safe_load((FIXTURE_REFERENCE / "specs" / corpus.WAVE / "cheshire.yaml").read_text())
    spec["files"][0].update(change)
    path = tmp_path / "cheshire.yaml"
    path.write_text(yaml.safe_dump(spec))
    with pytest.raises(InputError) as error:
        read_spec(path)
    assert error.value.file.endswith("cheshire.yaml")
    assert error.value.place == f"key '{key}'"
    assert words in error.value.problem
    assert "docs/architecture.md" in error.value.fix


def test_spec_with_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("force: x\nfiles: [\n")
    with pytest.raises(InputError) as error:
        read_spec(path)
    assert error.value.place.startswith("line 3")


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
    for a, b in zip("abcdefg", "bcdefgh", strict=True)
)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("force: x\nwave: !!python/object/apply:os.system [echo]\n", "line 2", "tags are"),
        (BOMB, "line 1", "anchors and aliases (&, *) are not allowed"),
        ("force: x\n" + "# padding\n" * 120_000, "whole file", "above the limit of 1,048,576"),
    ],
    ids=["python-tag", "alias-bomb", "too-big"],
)
def test_a_spec_that_is_more_than_plain_yaml_is_refused(tmp_path, text, line, problem):
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        read_spec(path)
    assert error.value.file.endswith("x.yaml")
    assert error.value.place == line
    assert problem in error.value.problem and error.value.fix


# --- Reference tables -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  Facebook   &\tMessenger ", "facebook & messenger"), ("INSTA", "insta"), (None, "")],
)
def test_normalise_label(text, expected):
    assert normalise_label(text) == expected


@given(st.text(max_size=30))
def test_normalise_label_is_idempotent_and_has_no_outer_or_double_spaces(text):
    once = normalise_label(text)
    assert normalise_label(once) == once
    assert once == once.strip() and "  " not in once and once == once.lower()


def test_reference_tables_load_and_link():
    reference = load_reference(FIXTURE_REFERENCE)
    assert reference.label_lookup["fb"] == "facebook_messenger"
    assert reference.offence_code_lookup["86/10"] == "indecent_images"
    assert set(reference.contact_keywords["platform"]) <= set(reference.platforms["platform"])


def test_the_projects_reference_tables_load():
    reference = load_reference()
    assert "unknown" in set(reference.platforms["platform"])
    assert len(reference.waves) >= 1


def test_bad_reference_table_reports_every_failing_row(tmp_path):
    import shutil

    target = tmp_path / "reference"
    shutil.copytree(FIXTURE_REFERENCE, target)
    labels = pd.read_csv(target / "platform_labels.csv", dtype=str, keep_default_na=False)
    labels.loc[0, "label"] = "Facebook  &  Messenger"
    labels.loc[2, "platform"] = ""
    labels.to_csv(target / "platform_labels.csv", index=False)
    with pytest.raises(InputError) as error:
        load_reference(target)
    assert error.value.file.endswith("platform_labels.csv")
    assert "row 2" in error.value.problem and "row 4" in error.value.problem


def test_reference_platform_must_exist(tmp_path):
    import shutil

    target = tmp_path / "reference"
    shutil.copytree(FIXTURE_REFERENCE, target)
    with open(target / "platform_labels.csv", "a") as handle:
        handle.write("myspace,myspace,\n")
    with pytest.raises(InputError) as error:
        load_reference(target)
    assert "myspace" in error.value.problem and "platforms.csv" in error.value.problem


@pytest.mark.parametrize(
    ("platform", "date", "owner"),
    [
        ("instagram", "2012-09-05", "instagram_inc"),
        ("instagram", "2012-09-06", "facebook_inc"),
        ("instagram", "2020-03-31", "facebook_inc"),
        ("whatsapp", "2014-10-05", ""),
        ("snapchat", "2020-01-01", ""),
    ],
)
def test_owner_on_a_date(platform, date, owner):
    reference = load_reference(FIXTURE_REFERENCE)
    assert owner_on(platform, date, reference.ownership) == owner


def test_a_wave_must_start_before_it_ends(tmp_path):
    from src.data.reference import load_waves

    assert load_waves(FIXTURE_REFERENCE)["wave"].tolist() == [corpus.WAVE]
    text = (FIXTURE_REFERENCE / "waves.csv").read_text().replace(",2020-09-30,", ",2019-09-30,")
    (tmp_path / "waves.csv").write_text(text)
    with pytest.raises(InputError) as error:
        load_waves(tmp_path)
    assert "start must not be after end" in error.value.problem
    assert error.value.file.endswith("waves.csv")


def test_a_spec_is_parsed_from_its_text_and_named_by_the_file_given():
    text = (FIXTURE_REFERENCE / "specs" / corpus.WAVE / "cheshire.yaml").read_text()
    spec = parse_spec(text, "specs/cheshire.yaml")
    assert spec.force == "cheshire" and spec.source == "specs/cheshire.yaml"
    with pytest.raises(InputError) as error:
        parse_spec("force: x\nfiles: [\n", "specs/x.yaml")
    assert error.value.file == "specs/x.yaml"
    assert error.value.place.startswith("line 3")


# --- A speed-up the benchmark found: a PDF page is parsed once ------------------------------


def test_a_pdf_page_with_two_tables_is_parsed_once(tmp_path, monkeypatch):
    path = tmp_path / "jersey.pdf"
    corpus.write_jersey(path)
    file = read_spec(FIXTURE_REFERENCE / "specs" / corpus.WAVE / "jersey.yaml").files[0]
    assert len(file.tables) == 2 and {t.where.page for t in file.tables} == {1}
    calls = []
    parse = readers._pdf_page_tables
    monkeypatch.setattr(
        readers, "_pdf_page_tables", lambda *args: calls.append(args) or parse(*args)
    )
    first, second = readers.read_tables(path.read_bytes(), rel(path), file)
    assert len(calls) == 1
    assert len(first) and len(second)
