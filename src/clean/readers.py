"""Readers: one small function per format, each turning a table into a long frame of cells.

Every reader takes the file's bytes (read by the orchestrator, :mod:`src.clean.run`) and the
file's name as messages show it; nothing here opens a file. Every table reader returns one row
per count cell, with the text exactly as printed:

``label`` (as printed), ``offence_group``, ``period_start``, ``period_end`` (ISO dates),
``value`` (the cell's text), ``row`` (the row as the file numbers it), ``column`` (0-based
index of the count cell's column), ``source_place`` (the
count cell, e.g. ``sheet 'Oct 2019 - Mar 2020', row 7, column C``) and ``label_place`` (the
label cell).

Nothing is parsed or mapped here (that is :mod:`src.clean`), so that every decision about a cell
is made, and logged, in one place. Each format has a grid reader (header, body rows, row numbers
and how to name a place) and all share :func:`cells_from_grid`. Record-level extracts are read by
:mod:`src.clean.extracts`.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd

from src.clean.grid import (
    Grid,
    _body,
    _cell_text,
    _header,
    clean_header,
    column_letter,
    decode_text,
    not_empty,
)
from src.clean.safety import check_formulas, check_workbook, open_pdf, unsaved_formulas
from src.clean.specs import FileSpec, Table
from src.errors import InputError, visible

CELL_COLUMNS = [
    "label",
    "offence_group",
    "period_start",
    "period_end",
    "value",
    "row",
    "column",
    "source_place",
    "label_place",
]


def csv_grid(data: bytes, file: str, file_spec: FileSpec, table: Table) -> Grid:
    """A CSV table: decoded strictly, split by the declared delimiter; rows are file lines."""
    text = decode_text(not_empty(data, file), file_spec.text_encoding, file)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=file_spec.text_delimiter, strict=True
    )
    rows, numbers, line = [], [], 1
    try:
        for row in reader:
            rows.append([cell.strip() for cell in row])
            numbers.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        if "unexpected end of data" in str(error):  # a quote opened a field that never closes
            raise InputError(
                file,
                f"line {line}",
                'a quote (") opens a field on this line that is never closed, so the rest of '
                "the file would be read as one cell",
                "look at the quotes on that line; ask the force for a corrected copy",
            ) from None
        raise InputError(
            file, f"line {reader.line_num}", f"is not valid CSV ({error})", "check the quoting"
        ) from None
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]  # short (ragged) rows are padded
    header_at = table.where.header_row
    place = f"line {header_at} (header)"
    header = _header(rows, numbers, header_at, file, place, len(rows))
    body, body_numbers = _body(rows, numbers, header_at, table.where.last_row)
    return Grid(
        file,
        header,
        body,
        body_numbers,
        place,
        lambda n, c: f"line {n}, column '{header[c] if c < len(header) else c + 1}'",
    )


def _merged_ranges(worksheet) -> list[tuple[int, int, int, int]]:
    """Merged cell ranges of a read-only sheet, as (min_row, min_col, max_row, max_col), 1-based.

    A read-only worksheet does not expose its merged cells, so they are read from the sheet's
    XML (the ``<mergeCell ref="A5:C5"/>`` elements).
    """
    from openpyxl.utils.cell import range_boundaries

    ranges = []
    source = worksheet._get_source()  # the sheet's XML, as openpyxl itself reads it
    try:
        for _, element in ET.iterparse(source):
            if element.tag.endswith("}mergeCell") or element.tag == "mergeCell":
                min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                ranges.append((min_row, min_col, max_row, max_col))
            element.clear()
    finally:
        source.close()
    return ranges


def _check_merged_counts(cells, merges, header_at: int, last_row, file: str, sheet: str) -> None:
    """A number in cells merged across the table's body stops the run: it cannot be split
    between the rows or columns it spans (a merged label or footnote is text, and is read)."""
    last = last_row or len(cells)
    for min_row, min_col, max_row, max_col in merges:
        if max_row <= header_at or min_row > last or min_row > len(cells):
            continue
        top = cells[min_row - 1][min_col - 1] if min_col <= len(cells[0]) else ""
        if re.fullmatch(r"[0-9][0-9,]*", top):
            where = f"{column_letter(min_col - 1)}{min_row}:{column_letter(max_col - 1)}{max_row}"
            raise InputError(
                file,
                f"sheet '{sheet}', cells {where}",
                f"the count {top} fills cells merged across {where}: one number cannot be split "
                "between the rows or columns it spans",
                "ask the force which row or column the count belongs to, or for the table "
                "without merged count cells",
            )


def _fill_merged_header(cells: list[list[str]], merges, header_at: int) -> None:
    """Give every header cell inside a merged range the range's (top-left) value."""
    if header_at > len(cells):
        return
    for min_row, min_col, max_row, max_col in merges:
        if min_row <= header_at <= max_row:
            value = cells[min_row - 1][min_col - 1]
            for c in range(min_col, min(max_col, len(cells[0])) + 1):
                cells[header_at - 1][c - 1] = value


def _fill_merged_column(cells: list[list[str]], merges, column: int, header_at: int) -> None:
    """Give every body cell of ``column`` (0-based) inside a merged range the range's value."""
    for min_row, min_col, max_row, max_col in merges:
        if min_col <= column + 1 <= max_col and max_row > header_at:
            value = cells[min_row - 1][min_col - 1]
            for r in range(max(min_row, header_at + 1), min(max_row, len(cells)) + 1):
                cells[r - 1][column] = value


def _open_workbook(data: bytes, file: str):
    """The workbook ``data``, held to :mod:`src.clean.safety` first, opened read-only."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    not_empty(data, file)
    check_workbook(data, file)  # sizes, zip bomb, DTD/entity: before openpyxl parses a byte
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError, ValueError) as e:
        raise InputError(
            file,
            "whole file",
            f"cannot be opened as an XLSX workbook: it is truncated or corrupt ({type(e).__name__}: {e})",
            "check the file against its sha256 in MANIFEST.csv; if the force sent it like this, "
            "ask for it again",
        ) from None


def _sheet_rows(workbook, file: str, sheet: str, hidden: bool = False) -> tuple[list[list], list]:
    """The rows of ``sheet`` as openpyxl reads them (saved values), and its merged ranges. A
    chart sheet, or a hidden sheet the spec does not say is hidden, stops the run."""
    if sheet not in workbook.sheetnames:
        raise InputError(
            file,
            f"sheet '{sheet}'",
            f"no sheet named '{sheet}'; the workbook has: "
            + ", ".join(f"'{s}'" for s in workbook.sheetnames),
            "correct where.sheet in the spec (names are matched exactly, spaces included)",
        )
    worksheet = workbook[sheet]
    if not hasattr(worksheet, "iter_rows"):
        raise InputError(
            file,
            f"sheet '{sheet}'",
            "is a chart, not a sheet of cells",
            "point where.sheet in the spec at the sheet that holds the table",
        )
    if worksheet.sheet_state != "visible" and not hidden:
        shown = [
            s for s in workbook.sheetnames if getattr(workbook[s], "sheet_state", "") == "visible"
        ]
        raise InputError(
            file,
            f"sheet '{sheet}'",
            "the sheet is hidden in the workbook, so a reader of the file does not see it "
            f"(the visible sheets: {', '.join(repr(s) for s in shown) or 'none'})",
            "check which sheet holds the force's answer (a hidden sheet may be one it replaced); "
            "if it is this one, add 'hidden: true' under where in the spec",
        )
    worksheet.reset_dimensions()
    try:
        raw = [list(r) for r in worksheet.iter_rows(min_row=1, values_only=True)]
        merges = _merged_ranges(worksheet)
    except (zipfile.BadZipFile, ET.ParseError, KeyError, OSError, EOFError) as e:
        raise InputError(
            file,
            f"sheet '{sheet}'",
            f"the sheet cannot be read: the file is truncated or corrupt ({e})",
            "check the file against MANIFEST.csv; if the force sent it like this, ask again",
        ) from None
    return raw, merges


def xlsx_grid(
    data: bytes, file: str, file_spec: FileSpec, table: Table, sheets: dict | None = None
) -> Grid:
    """An XLSX table (openpyxl, read-only), found by sheet name and header row.

    A header cell inside a merged range takes the range's value (merged header cells), and so
    does a label cell; count cells never do, so a merged count is not counted twice.
    ``sheets`` (sheet name -> its rows and merged ranges), when given, is filled and reused, so
    that a workbook is checked and opened once however many of the spec's tables it holds.
    """
    sheet = table.where.sheet
    alone, sheets = sheets is None, {} if sheets is None else sheets
    if sheet not in sheets:
        if None not in sheets:
            sheets[None] = _open_workbook(data, file)
        try:
            sheets[sheet] = _sheet_rows(sheets[None], file, sheet, table.where.hidden)
        finally:
            if alone:
                sheets[None].close()
    raw, merges = sheets[sheet]
    header_at = table.where.header_row
    formulas = unsaved_formulas(data, sheet, raw, header_at, table.where.last_row)
    width = max((len(r) for r in raw), default=0)
    cells = [[_cell_text(v) for v in r] + [""] * (width - len(r)) for r in raw]
    numbers = list(range(1, len(cells) + 1))
    header_place = f"sheet '{sheet}', row {header_at} (header)"
    _check_merged_counts(cells, merges, header_at, table.where.last_row, file, sheet)
    _fill_merged_header(cells, merges, header_at)
    header = _header(cells, numbers, header_at, file, header_place, len(cells))
    label_name = clean_header(table.label_column if table.layout == "wide" else table.columns.label)
    if header.count(label_name) == 1:
        _fill_merged_column(cells, merges, header.index(label_name), header_at)
    header = _header(cells, numbers, header_at, file, header_place, len(cells))
    body, body_numbers = _body(cells, numbers, header_at, table.where.last_row)
    return Grid(
        file,
        header,
        body,
        body_numbers,
        header_place,
        lambda n, c: f"sheet '{sheet}', row {n}, column {column_letter(c)}",
        formulas,
    )


def _pdf_page_tables(data: bytes, file: str, page_no: int) -> list[list[list]]:
    """Every table pdfplumber finds on page ``page_no`` (1-based) of the PDF ``data``."""
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with open_pdf(data, file) as pdf:
            if page_no > len(pdf.pages):
                raise InputError(
                    file,
                    f"page {page_no}",
                    f"there is no page {page_no}: the PDF has {len(pdf.pages)} page(s)",
                    "correct where.page in the spec",
                )
            return pdf.pages[page_no - 1].extract_tables()
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as e:
        raise InputError(
            file,
            "whole file",
            f"cannot be read as a PDF: it is truncated or corrupt ({type(e).__name__})",
            "check the file against MANIFEST.csv; if the force sent it like this, ask again",
        ) from None


def pdf_grid(
    data: bytes,
    file: str,
    file_spec: FileSpec,
    table: Table,
    pages: dict[int, list] | None = None,
) -> Grid:
    """A table on a PDF page (pdfplumber ``extract_tables``); rows are numbered within the table.

    ``pages`` (page number -> its tables), when given, is filled and reused, so that a page
    holding several of the spec's tables is parsed once (parsing a page is most of the cost).
    """
    not_empty(data, file)
    page_no, table_no = table.where.page, table.where.table
    pages = {} if pages is None else pages
    if page_no not in pages:
        pages[page_no] = _pdf_page_tables(data, file, page_no)
    tables = pages[page_no]
    if not tables:
        raise InputError(
            file,
            f"page {page_no}",
            "no table found on this page (a scanned image or text without ruled cells has none)",
            "check where.page in the spec; if the page really has no table, ask the force for "
            "the figures as a spreadsheet",
        )
    if table_no > len(tables):
        raise InputError(
            file,
            f"page {page_no}, table {table_no}",
            f"there is no table {table_no}: page {page_no} has {len(tables)} table(s)",
            "correct where.table in the spec",
        )
    rows = [[_cell_text(clean_header(c)) for c in row] for row in tables[table_no - 1]]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    numbers = list(range(1, len(rows) + 1))
    header_at = table.where.header_row
    where = f"page {page_no}, table {table_no}"
    header_place = f"{where}, row {header_at} (header)"
    header = _header(rows, numbers, header_at, file, header_place, len(rows))
    body, body_numbers = _body(rows, numbers, header_at, table.where.last_row)
    return Grid(
        file,
        header,
        body,
        body_numbers,
        header_place,
        lambda n, c: f"{where}, row {n}, column '{header[c] or c + 1}'",
    )


# --- Grid -> long cells ------------------------------------------------------------------------


def _mapped(value: str, mapping: dict, what: str, key: str, grid: Grid, place: str):
    """``mapping[value]`` (values compared with whitespace collapsed); unknown is an error."""
    lookup = {clean_header(k): v for k, v in mapping.items()}
    try:
        return lookup[clean_header(value)]
    except KeyError:
        raise InputError(
            grid.file,
            place,
            f"{what} '{value}' is not in the spec's {key} ({', '.join(map(repr, mapping))})",
            f"add '{value}' to {key} in the spec",
        ) from None


def check_notes_under(grid: Grid, label_at: int, value_at: list[int], source: str) -> None:
    """A row after the table's last count whose count (and offence, period) cells are all
    blank but whose label is not is a note printed under the table (a footnote, a source
    line): stop saying so, rather than call its blanks a missing count."""

    def blank(row: list[str]) -> bool:
        return not any(row[c] for c in value_at if c < len(row))

    filled = [n for row, n in zip(grid.body, grid.rows, strict=True) if not blank(row)]
    if not filled:
        return
    for row, n in zip(grid.body, grid.rows, strict=True):
        if n > filled[-1] and blank(row) and row[label_at]:
            raise InputError(
                grid.file,
                grid.place(n, label_at),
                f"the row '{visible(row[label_at])}' under the table has a label and no "
                "counts: it reads as a note printed below the table (a footnote or a source), "
                "not a row of it",
                f"end the table before it: set where.last_row to {n - 1} in {source} (a note "
                "that matters goes in the spec's note)",
            )


def cells_from_grid(grid: Grid, table: Table, source: str = "the spec") -> pd.DataFrame:
    """The count cells of a table, one row each (see the module docstring for the columns)."""
    return cells_frame(grid_cells(grid, table, source))


def cells_frame(cells: list[tuple]) -> pd.DataFrame:
    """Cells as :func:`grid_cells` gives them, as a frame of :data:`CELL_COLUMNS`."""
    frame = pd.DataFrame(cells, columns=CELL_COLUMNS)
    return frame.astype({"row": "int64", "column": "int64"}) if len(frame) else frame


def grid_cells(grid: Grid, table: Table, source: str = "the spec") -> list[tuple]:
    """The count cells of a table, one tuple each, in the order of :data:`CELL_COLUMNS`.

    Rows whose label and count cells are all blank are skipped (spacer rows, notes in other
    columns); anything else is kept, to be parsed and accounted for by the cleaning step.
    """
    out = []
    if table.layout == "wide":
        label_at = grid.column(table.label_column, "label_column", source)
        value_at = {
            grid.column(name, f"offence_columns['{name}']", source): group
            for name, group in table.offence_columns.items()
        }
        check_formulas(grid.file, grid.formulas, grid.rows, {label_at, *value_at}, grid.place)
        check_notes_under(grid, label_at, list(value_at), source)
        start, end = (d.isoformat() for d in table.period)
        for row, n in zip(grid.body, grid.rows, strict=True):
            label = row[label_at]
            if not label and not any(row[c] for c in value_at):
                continue
            for c, group in value_at.items():
                out.append(
                    (
                        label,
                        group,
                        start,
                        end,
                        row[c],
                        n,
                        c,
                        grid.place(n, c),
                        grid.place(n, label_at),
                    )
                )
    else:
        cols = table.columns
        label_at = grid.column(cols.label, "columns.label", source)
        count_at = grid.column(cols.count, "columns.count", source)
        offence_at = grid.column(cols.offence, "columns.offence", source) if cols.offence else None
        period_at = grid.column(cols.period, "columns.period", source) if cols.period else None
        used = {label_at, count_at, offence_at, period_at}
        check_formulas(grid.file, grid.formulas, grid.rows, used, grid.place)
        values = [c for c in (count_at, offence_at, period_at) if c is not None]
        check_notes_under(grid, label_at, values, source)
        for row, n in zip(grid.body, grid.rows, strict=True):
            label, value = row[label_at], row[count_at]
            if not label and not value:
                continue
            if offence_at is None:
                group = table.offence_group
            else:
                group = _mapped(
                    row[offence_at],
                    table.offence_values,
                    "offence",
                    "offence_values",
                    grid,
                    grid.place(n, offence_at),
                )
            if period_at is None:
                period = table.period
            else:
                period = _mapped(
                    row[period_at],
                    table.period_values,
                    "period",
                    "period_values",
                    grid,
                    grid.place(n, period_at),
                )
            out.append(
                (
                    label,
                    group,
                    period[0].isoformat(),
                    period[1].isoformat(),
                    value,
                    n,
                    count_at,
                    grid.place(n, count_at),
                    grid.place(n, label_at),
                )
            )
    return out


def read_csv_table(data: bytes, file: str, file_spec: FileSpec, table: Table) -> pd.DataFrame:
    """Cells of a CSV table (encoding and delimiter from the spec, decoded strictly)."""
    return cells_from_grid(csv_grid(data, file, file_spec, table), table)


def read_xlsx_table(data: bytes, file: str, file_spec: FileSpec, table: Table) -> pd.DataFrame:
    """Cells of an XLSX table (sheet by name, header row, merged header cells)."""
    return cells_from_grid(xlsx_grid(data, file, file_spec, table), table)


def read_pdf_table(data: bytes, file: str, file_spec: FileSpec, table: Table) -> pd.DataFrame:
    """Cells of a PDF table (page and table number from the spec)."""
    return cells_from_grid(pdf_grid(data, file, file_spec, table), table)


def read_table_cells(
    data: bytes, file: str, file_spec: FileSpec, source: str = "the spec"
) -> list[list[tuple]]:
    """The cells (as :func:`grid_cells` gives them) of every table the spec lists for a csv,
    xlsx or pdf file, in spec order. A PDF page, and a workbook, is parsed once per file."""
    if file_spec.format == "csv":
        return [
            grid_cells(csv_grid(data, file, file_spec, table), table, source)
            for table in file_spec.tables
        ]
    parsed: dict = {}  # what every table of the file shares: pages or sheets, parsed once
    grid_reader = pdf_grid if file_spec.format == "pdf" else xlsx_grid
    try:
        return [
            grid_cells(grid_reader(data, file, file_spec, table, parsed), table, source)
            for table in file_spec.tables
        ]
    finally:
        if parsed.get(None) is not None:
            parsed[None].close()  # the open workbook


def read_tables(
    data: bytes, file: str, file_spec: FileSpec, source: str = "the spec"
) -> list[pd.DataFrame]:
    """Cells of every table the spec lists for a csv, xlsx or pdf file, in spec order."""
    return [cells_frame(c) for c in read_table_cells(data, file, file_spec, source)]
