"""The grid every table reader makes of its format: header, body rows, their numbers as the
file numbers them and how to name a place; and the text of a cell as printed."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from src.errors import InputError

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?[\d,]+(\.\d+)?$")
UTF8_NAMES = {"utf-8", "utf-8-sig"}


def clean_header(text) -> str:
    """A header as matched against the spec: whitespace collapsed, trimmed (case kept)."""
    return _SPACE.sub(" ", "" if text is None else str(text)).strip()


def _cell_text(value) -> str:
    """A cell's value as printed: numbers without a trailing '.0', text trimmed, None as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- Text decoding -----------------------------------------------------------------------------


def decode_text(data: bytes, encoding: str, file: str) -> str:
    """Decode ``data`` strictly with the declared ``encoding``; a wrong declaration is an error.

    Strict decoding catches bytes that are invalid in the declared encoding. It cannot catch a
    UTF-8 file declared as a single-byte encoding (cp1252, latin-1 decode any bytes, giving
    mojibake such as 'Ã©'), so that case is checked for too: non-ASCII text that is valid UTF-8
    is almost never meant as cp1252.
    """
    name = codecs.lookup(encoding).name
    fix = "declare the file's real encoding in its spec (encoding: utf-8, cp1252, utf-16, ...)"
    for bom, bom_name in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom) and not name.startswith("utf-16"):
            raise InputError(
                file,
                "byte 1",
                f"starts with a {bom_name} byte-order mark but the spec says {encoding}",
                fix,
            )
    if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    try:
        text = data.decode(name, errors="strict")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            file,
            f"line {line}, byte {error.start + 1}",
            f"is not valid {encoding}: byte {data[error.start : error.start + 1]!r} cannot be "
            f"decoded ({error.reason})",
            fix,
        ) from None
    if name not in UTF8_NAMES and not name.startswith("utf-") and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return text
        offset = next(i for i, b in enumerate(data) if b > 127)
        line = data[:offset].count(b"\n") + 1
        raise InputError(
            file,
            f"line {line}, byte {offset + 1}",
            f"the spec says {encoding} but the text is UTF-8: read as {encoding} it would turn "
            f"into mojibake (e.g. {data[offset : offset + 2].decode('utf-8', 'replace')!r} -> "
            f"{data[offset : offset + 2].decode(name, 'replace')!r})",
            "declare encoding: utf-8 (or utf-8-sig) in the spec",
        )
    return text


def not_empty(data: bytes, file: str) -> bytes:
    """``data``, unless the file is empty (or only whitespace), which is an error."""
    if not data.strip():
        raise InputError(
            file,
            "whole file",
            "the file is empty",
            "ask the force for the return again (and replace the file with its manifest row)",
        )
    return data


# --- Grids: a header, body rows and how to name a place ----------------------------------------


@dataclass
class Grid:
    """A table as text: ``header`` names, ``body`` rows (lists of text), their row numbers."""

    file: str
    header: list[str]
    body: list[list[str]]
    rows: list[int]
    header_place: str
    place: Callable[[int, int], str]  # (row number, 0-based column) -> place
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # XLSX: no saved value

    def column(self, name: str, key: str, source: str) -> int:
        """The 0-based index of header ``name``; a missing or ambiguous header is an error."""
        wanted = clean_header(name)
        found = [i for i, h in enumerate(self.header) if h == wanted]
        if len(found) == 1:
            return found[0]
        if found:
            below = self.body[0] if self.body else []
            under = [below[i] for i in found if i < len(below) and below[i]]
            two_rows = len(set(under)) == len(found) and not any(_NUMBER.match(u) for u in under)
            raise InputError(
                self.file,
                self.header_place,
                f"the header '{wanted}' appears {len(found)} times, so '{key}' is ambiguous"
                + (
                    f": the header spans two rows (a merged cell over "
                    f"{', '.join(repr(u) for u in under)} in the row below), and the spec "
                    "reads one header row"
                    if two_rows
                    else ""
                ),
                (
                    "ask the force for the table with one header row, or read each of the "
                    "second row's parts as its own table (its own header row and period)"
                    if two_rows
                    else f"point the spec ({source}) at a header row whose names are unique"
                ),
            )
        shown = ", ".join(f"'{h}'" for h in self.header if h) or "(nothing)"
        hint = ""
        if len([h for h in self.header if h]) == 1 and any(d in self.header[0] for d in ";\t|,"):
            hint = " (the whole header is one column: is the delimiter right?)"
        raise InputError(
            self.file,
            self.header_place,
            f"no column headed '{wanted}' (spec key '{key}'); the header row has: {shown}{hint}",
            f"correct '{key}' or where.header_row in {source}",
        )


def _body(
    rows: list[list[str]], numbers: list[int], header_at: int, last_row: int | None
) -> tuple[list[list[str]], list[int]]:
    keep = [
        (row, n)
        for row, n in zip(rows, numbers, strict=True)
        if n > header_at and (last_row is None or n <= last_row)
    ]
    return [r for r, _ in keep], [n for _, n in keep]


def _header(rows, numbers, header_at: int, file: str, header_place: str, size: int) -> list[str]:
    if header_at not in numbers:
        raise InputError(
            file,
            header_place,
            f"there is no row {header_at}: the table has {size} row(s)",
            "correct where.header_row in the spec",
        )
    return [clean_header(h) for h in rows[numbers.index(header_at)]]
