"""What an XLSX workbook or a PDF must be before openpyxl or pdfplumber is let near it, and
what a workbook must not hide.

An XLSX file is a zip archive of XML parts. Two kinds of hostile workbook are refused here,
from its bytes (nothing is parsed as XML, nothing is written):

- a **zip bomb**: a small file that expands to far more than any return needs, which openpyxl
  would read for minutes with gigabytes of memory. :func:`check_workbook` reads the sizes from
  the archive's directory (no decompression) and holds them to the limits below;
- a part that **declares a DTD or an entity** (``<!DOCTYPE``, ``<!ENTITY``): entity expansion
  ("billion laughs") exhausts memory, and an external entity names another file or address.
  No spreadsheet program writes a DTD into a workbook, so any declaration is refused.

A PDF is held to limits of its own (:func:`open_pdf`): its size, what its compressed streams
expand to (a few hundred kilobytes of Flate data can expand to gigabytes in the reader), its
number of pages; and one that needs a password is said to need one.

:func:`unsaved_formulas` finds the formulas a table holds without a saved (cached) value,
which openpyxl reads as empty cells, and :func:`check_formulas` refuses those the table reads
(both called by :mod:`src.clean.readers`).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from src.errors import InputError

MIB = 1024 * 1024
#: A return's workbook is tens of kilobytes (the largest in data/raw is 8 KB); 20 MiB is far
#: beyond any table of counts a force sends, and still small enough to read in a second.
MAX_XLSX_BYTES = 20 * MIB
#: What the whole archive may expand to. openpyxl reads sheet XML at about 1.4 MB a second
#: (196 MB took 2 min 23 s), so 50 MiB bounds a read to well under a minute.
MAX_XLSX_EXPANDED = 50 * MIB
#: How many times its compressed size one part may expand to. XML compresses 3 to 10 times
#: (data/raw's workbooks: at most 5); Apache POI refuses parts beyond 100 (its default minimum
#: inflate ratio, 0.01). Parts smaller than RATIO_FROM are not held to it: they cannot hurt.
MAX_XLSX_RATIO = 100
RATIO_FROM = 1 * MIB
#: A workbook has a dozen to a few hundred parts; thousands only slow the archive's directory.
MAX_XLSX_PARTS = 2000
#: Declarations no spreadsheet needs (XML spells them in capitals only), looked for in UTF-8
#: (and the encodings that agree with it on ASCII) and in UTF-16, the encodings an XML parser
#: reads without being told.
DECLARATIONS = ("<!DOCTYPE", "<!ENTITY")
_NEEDLES = tuple(
    (text, text.encode(codec))
    for text in DECLARATIONS
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)
_ASK_AGAIN = (
    "do not open it in a spreadsheet program; ask the force to send the return again "
    "(as a workbook saved by a spreadsheet program, or as CSV)"
)


def _size(n: int) -> str:
    """A size in bytes as a person reads it, in the units of the limits: '577 KiB', '60.0 MiB'."""
    if n < 1024:
        return f"{n:,} bytes"
    return f"{n / 1024:,.0f} KiB" if n < MIB else f"{n / MIB:,.1f} MiB"


def _archive(data: bytes, file: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as e:
        raise InputError(
            file,
            "whole file",
            f"cannot be opened as an XLSX workbook: it is truncated or corrupt "
            f"({type(e).__name__}: {e})",
            "check the file against its sha256 in MANIFEST.csv; if the force sent it like this, "
            "ask for it again",
        ) from None


def _check_sizes(data: bytes, parts: list[zipfile.ZipInfo], file: str) -> None:
    """The archive's size, its number of parts, what it expands to and each part's ratio."""
    fix = (
        f"{_ASK_AGAIN}; if the workbook is genuine and needs more, raise the limit in "
        "src/clean/safety.py, saying why"
    )
    if len(data) > MAX_XLSX_BYTES:
        raise InputError(
            file,
            "whole file",
            f"the workbook is {_size(len(data))}, above the limit of {_size(MAX_XLSX_BYTES)} "
            "for a return (MAX_XLSX_BYTES)",
            fix,
        )
    if len(parts) > MAX_XLSX_PARTS:
        raise InputError(
            file,
            "whole file",
            f"the archive holds {len(parts):,} parts, above the limit of {MAX_XLSX_PARTS:,} "
            "(MAX_XLSX_PARTS)",
            fix,
        )
    expanded = sum(p.file_size for p in parts)
    if expanded > MAX_XLSX_EXPANDED:
        raise InputError(
            file,
            "whole file",
            f"the workbook ({_size(len(data))}) expands to {_size(expanded)}, above the limit "
            f"of {_size(MAX_XLSX_EXPANDED)} (MAX_XLSX_EXPANDED): a zip bomb, or far more than "
            "a table of counts",
            fix,
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= RATIO_FROM and ratio > MAX_XLSX_RATIO:
            raise InputError(
                file,
                f"part '{part.filename}'",
                f"the part expands from {_size(part.compress_size)} to {_size(part.file_size)}, "
                f"{ratio:,.0f} times, above the limit of {MAX_XLSX_RATIO} times "
                "(MAX_XLSX_RATIO): the mark of a zip bomb",
                fix,
            )


def _declaration(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> str | None:
    """The first declaration (``<!DOCTYPE``, ``<!ENTITY``) in ``part``, or None. The part is
    decompressed in memory, from the archive's bytes: its size is already bounded."""
    content = archive.read(part)
    return next((name for name, needle in _NEEDLES if needle in content), None)


def check_workbook(data: bytes, file: str) -> None:
    """Refuse a workbook that is too big, expands too far or declares a DTD or an entity.

    The sizes come from the archive's directory, before anything is decompressed. Every part
    is then scanned (whatever its name: a part's type is given by the archive's relations, not
    its name).
    """
    archive = _archive(data, file)
    with archive:
        parts = [p for p in archive.infolist() if not p.filename.endswith("/")]
        _check_sizes(data, parts, file)
        for part in parts:
            try:
                found = _declaration(archive, part)
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as e:
                raise InputError(
                    file,
                    f"part '{part.filename}'",
                    f"the part cannot be read: the file is truncated or corrupt ({e})",
                    "check the file against MANIFEST.csv; if the force sent it like this, "
                    "ask again",
                ) from None
            if found:
                raise InputError(
                    file,
                    f"part '{part.filename}'",
                    f"the part declares a DTD/entity ({found}), which a spreadsheet never "
                    "needs; refused for safety (an entity can expand to exhaust memory, or "
                    "name another file to read)",
                    _ASK_AGAIN,
                )


#: A force's letter is tens of kilobytes and a few pages (data/raw's largest: 2 KB, 1 page).
MAX_PDF_BYTES = 20 * MIB
MAX_PDF_PAGES = 200
#: What the PDF's Flate streams (nearly every stream a letter holds) may expand to, together.
MAX_PDF_EXPANDED = MAX_XLSX_EXPANDED
_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_PIECE = 64 * 1024


def _expanded(data: bytes, limit: int) -> int:
    """What the Flate streams of the PDF ``data`` expand to, counted by decompressing each a
    piece at a time and stopping once past ``limit`` (nothing large is ever held)."""
    total = 0
    for start in (m.end() for m in _STREAM.finditer(data)):
        stream = zlib.decompressobj()
        try:
            for at in range(start, len(data), _PIECE):
                pending = data[at : at + _PIECE]
                while pending and not stream.eof and total <= limit:
                    total += len(stream.decompress(pending, _PIECE))
                    pending = stream.unconsumed_tail
                if stream.eof or total > limit:
                    break
        except zlib.error:
            continue  # not Flate data (an image, a stream of another filter)
        if total > limit:
            break
    return total


def open_pdf(data: bytes, file: str):
    """The PDF ``data`` opened with pdfplumber, once it is within the limits above; an
    InputError for one beyond them, one that needs a password, or one that cannot be read."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    fix = (
        "ask the force to send the letter again (or the figures as CSV); if the file is "
        "genuine and needs more, raise the limit in src/clean/safety.py, saying why"
    )
    if len(data) > MAX_PDF_BYTES:
        problem = (
            f"the PDF is {_size(len(data))}, above the limit of {_size(MAX_PDF_BYTES)} for a "
            "return (MAX_PDF_BYTES)"
        )
        raise InputError(file, "whole file", problem, fix)
    if _expanded(data, MAX_PDF_EXPANDED) > MAX_PDF_EXPANDED:
        problem = (
            f"the PDF ({_size(len(data))}) expands to more than {_size(MAX_PDF_EXPANDED)} "
            "(MAX_PDF_EXPANDED): a decompression bomb, or far more than a letter"
        )
        raise InputError(file, "whole file", problem, fix)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        if isinstance(e.args[0] if e.args else None, PDFPasswordIncorrect):
            raise InputError(
                file,
                "whole file",
                "the PDF is password-protected: it cannot be read without its password",
                "ask the force for an unprotected copy, and record that as the return "
                "(scripts/add_return.py)",
            ) from None
        raise
    if len(pdf.pages) > MAX_PDF_PAGES:
        pdf.close()
        raise InputError(
            file,
            "whole file",
            f"the PDF has {len(pdf.pages):,} pages, above the limit of {MAX_PDF_PAGES} "
            "(MAX_PDF_PAGES)",
            fix,
        )
    return pdf


def unsaved_formulas(
    data: bytes, sheet: str, values: list[list], header_at: int, last_row: int | None
) -> dict[tuple[int, int], str]:
    """The formulas without a saved value in the body of a table, as
    ``{(row, column): formula}`` (1-based rows, 0-based columns).

    ``values`` are the sheet's rows as openpyxl read them with saved values (``data_only``),
    where such a formula is ``None``. Only when a body row has a ``None`` is the sheet read a
    second time, for its formulas; the workbook has already passed :func:`check_workbook`.
    """
    last = len(values) if last_row is None else min(last_row, len(values))
    rows = {n for n in range(header_at + 1, last + 1) if None in values[n - 1]}
    if not rows:
        return {}
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()
        found = {}
        for row in worksheet.iter_rows(min_row=min(rows), max_row=max(rows)):
            for cell in row:
                if getattr(cell, "data_type", None) != "f" or cell.row not in rows:
                    continue
                column = cell.column - 1
                if column < len(values[cell.row - 1]) and values[cell.row - 1][column] is None:
                    found[(cell.row, column)] = str(cell.value)
        return found
    finally:
        workbook.close()


def check_formulas(
    file: str, formulas: dict[tuple[int, int], str], rows: list[int], columns, place
) -> None:
    """No cell the table reads (``rows`` x ``columns``) may be a formula without a saved value:
    it would read as an empty cell (or its row as a blank one, skipped)."""
    body = set(rows)
    for (n, c), formula in sorted(formulas.items()):
        if n in body and c in columns:
            raise InputError(
                file,
                place(n, c),
                f"the cell is a formula with no saved value ({formula}), so it reads as empty",
                "open the file in a spreadsheet program and save it, or ask the force for "
                "values; then record the saved file as the return (scripts/add_return.py)",
            )
