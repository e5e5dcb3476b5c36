"""Reading a record-level extract: one row per crime, the platform in free text.

:func:`open_records` checks an extract and opens it for reading a batch at a time
(:class:`Extract`), so that memory is bounded by the batch, not by the records: the bytes are
decoded strictly a block at a time (with :func:`src.clean.grid.decode_text`'s messages), the
header must name each column the spec names once, and the crime references are read (that column
only) to find the repeated ones. Then pyarrow reads the four named columns, multithreaded, a
batch at a time. Like every reader, nothing here opens a file: the orchestrator hands over the
open file. :func:`read_records` reads an extract held in memory, whole.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd

from src.clean.grid import UTF8_NAMES, clean_header, decode_text, not_empty
from src.clean.specs import FileSpec
from src.errors import InputError

RECORD_COLUMNS = ["line", "id", "date", "offence", "text"]

RECORD_BLOCK = 8 << 20  # bytes of an extract parsed into one batch of records
_SCAN_BLOCK = 16 << 20  # bytes of an extract decoded at a time while it is checked


@dataclass
class _Scan:
    """What one pass over an extract's bytes tells: its header line and how many lines."""

    header: str
    newlines: int
    ends_with_newline: bool


def _scan_text(source: BinaryIO, encoding: str, file: str) -> _Scan:
    """Decode the whole extract strictly, a block at a time, as :func:`decode_text` does at
    once (and with the same message for a file it refuses: such a file is decoded again whole
    by :func:`decode_text`, which says where and why)."""
    name = codecs.lookup(encoding).name

    def refuse() -> None:
        source.seek(0)
        decode_text(source.read(), encoding, file)
        raise AssertionError("decode_text accepts what the block-wise decoder refused")

    first = source.read(_SCAN_BLOCK)
    not_empty(first, file)
    if name == "utf-8" and first.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    boms = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    if any(first.startswith(b) for b in boms) and not name.startswith("utf-16"):
        refuse()
    decoder = codecs.getincrementaldecoder(name)(errors="strict")
    single_byte = name not in UTF8_NAMES and not name.startswith("utf-")
    as_utf8 = codecs.getincrementaldecoder("utf-8")(errors="strict")
    utf8, ascii_only = True, True
    header, newlines, last, block = None, 0, "", first
    while True:
        final = not block
        try:
            text = decoder.decode(block, final=final)
        except UnicodeDecodeError:
            refuse()
        if single_byte and not block.isascii():
            ascii_only = False
        if single_byte and utf8:
            try:
                as_utf8.decode(block, final=final)
            except UnicodeDecodeError:
                utf8 = False
        if header is None and ("\n" in text or final):
            header = (last + text).split("\n", 1)[0]
        elif header is None:
            last += text
        newlines += text.count("\n")
        if text:
            last_char = text[-1]
        if final:
            break
        block = source.read(_SCAN_BLOCK)
    if single_byte and not ascii_only and utf8:
        refuse()  # UTF-8 bytes declared as a single-byte encoding: mojibake
    return _Scan(header or "", newlines, newlines > 0 and last_char == "\n")


def _record_lines(source: BinaryIO, encoding: str, delimiter: str, scan: _Scan, rows: int):
    """The file line each record starts on (the header is line 1).

    When no field spans lines (the usual case) record ``i`` (0-based) is on line ``i + 2``,
    and None is returned; otherwise the lines are counted with the csv module.
    """
    if scan.newlines - (1 if scan.ends_with_newline else 0) == rows:
        return None  # record i is on line i + 2
    source.seek(0)
    name = codecs.lookup(encoding).name
    text = io.TextIOWrapper(source, encoding="utf-8-sig" if name == "utf-8" else name, newline="")
    try:
        reader = csv.reader(text, delimiter=delimiter)
        next(reader)
        starts, line = [], reader.line_num + 1
        for row in reader:
            if row:  # pyarrow skips blank lines too
                starts.append(line)
            line = reader.line_num + 1
    finally:
        text.detach()
    return np.asarray(starts[:rows], dtype=np.int64)


@dataclass
class Extract:
    """A record-level extract, checked and ready to be read a batch at a time.

    ``rows`` is its number of records; ``lines`` the file line each record starts on (None
    when record ``i`` is on line ``i + 2``, as when no field spans lines); ``maybe_repeated``
    flags each record whose crime reference may repeat another's (its hash does), so that only
    those are compared exactly. :meth:`batches` yields frames of :data:`RECORD_COLUMNS`
    (``line``, then the four columns the spec names, as printed and trimmed), in file order,
    each with its ``duplicate`` flags: the record's crime reference is an earlier record's.
    """

    file: str
    rows: int
    maybe_repeated: np.ndarray
    lines: np.ndarray | None
    stream: Callable[[], object]  # a new pyarrow reader of the named columns, from the start
    keys: dict[str, str]  # printed header -> id, date, offence or text
    delimiter: str

    def batches(self) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        done, seen = 0, set()
        reader = _arrow_call(self.stream, self.file, self.delimiter)
        while True:
            batch = _arrow_call(lambda r=reader: next(r, None), self.file, self.delimiter)
            if batch is None:
                return
            frame = batch.to_pandas().rename(columns=self.keys)[RECORD_COLUMNS[1:]]
            for column in RECORD_COLUMNS[1:]:
                frame[column] = frame[column].astype(str).str.strip()
            n = len(frame)
            lines = self.lines[done : done + n] if self.lines is not None else None
            frame.insert(0, "line", np.arange(done + 2, done + n + 2) if lines is None else lines)
            frame.index = pd.RangeIndex(done, done + n)
            duplicate = np.zeros(n, dtype=bool)
            for i in np.flatnonzero(self.maybe_repeated[done : done + n]):
                ref = frame["id"].iat[i]
                duplicate[i] = ref in seen
                seen.add(ref)
            done += n
            yield frame, duplicate


_WEIGHTS = np.random.default_rng(20240101).integers(1, 2**63, size=64, dtype=np.uint64) | 1


def _hashes(texts) -> np.ndarray:
    """A 64-bit hash of each text of a pyarrow string array, computed on its bytes with numpy
    (a weighted sum: equal texts hash alike; different ones rarely do, and those that do are
    told apart by an exact comparison, so a collision costs a comparison, never a miss)."""
    import pyarrow as pa

    texts = texts.cast(pa.large_string())
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[
        texts.offset : texts.offset + len(texts) + 1
    ]
    data = np.frombuffer(texts.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    starts, lengths = offsets[:-1] - offsets[0], np.diff(offsets)
    position = np.arange(len(data), dtype=np.int64) - np.repeat(starts, lengths)
    weighted = data.astype(np.uint64) * _WEIGHTS[position % len(_WEIGHTS)]
    sums = np.zeros(len(texts), dtype=np.uint64)
    filled = lengths > 0
    if len(data):
        sums[filled] = np.add.reduceat(weighted, starts[filled])
    return sums ^ (lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))


def _maybe_repeated(hashes: np.ndarray) -> np.ndarray:
    """Which values of ``hashes`` occur more than once (every occurrence flagged)."""
    ordered = np.sort(hashes)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    return np.isin(hashes, repeated)


def _arrow_call(call: Callable, file: str, delimiter: str):
    """``call()``, with pyarrow's errors about malformed rows turned into an InputError."""
    try:
        return call()
    except Exception as error:  # pyarrow raises its own types for malformed rows
        raise InputError(
            file,
            "",
            f"cannot be read as a {delimiter!r}-delimited CSV ({error})",
            "check the delimiter and quoting in the spec and the file",
        ) from None


def open_records(source: BinaryIO, file: str, file_spec: FileSpec) -> Extract:
    """Check a record-level extract (``source``: its bytes, seekable) and open it for reading.

    The bytes are decoded strictly, a block at a time; the header must hold each column the
    spec names once; the crime references are read (that column only, by pyarrow) to find the
    repeated ones. Memory is bounded by a block, not by the number of records.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as arrow_csv

    encoding, delimiter = file_spec.text_encoding, file_spec.text_delimiter
    scan = _scan_text(source, encoding, file)
    printed = next(csv.reader([scan.header.rstrip("\r")], delimiter=delimiter))
    printed[0] = printed[0].lstrip("\ufeff")
    header = [clean_header(h) for h in printed]
    wanted = file_spec.columns.model_dump()
    for key, name in wanted.items():
        if header.count(clean_header(name)) != 1:
            shown = ", ".join(f"'{h}'" for h in header)
            problem = "appears more than once" if name in header else "is missing"
            raise InputError(
                file,
                "line 1 (header)",
                f"column '{name}' (spec key columns.{key}) {problem}; the header has: {shown}",
                f"correct columns.{key} in the spec (or the delimiter, '{delimiter}')",
            )
    keys = {printed[header.index(clean_header(v))]: k for k, v in wanted.items()}
    name = codecs.lookup(encoding).name
    read_options = arrow_csv.ReadOptions(
        block_size=RECORD_BLOCK, encoding="utf8" if name == "utf-8" else name
    )
    parse = arrow_csv.ParseOptions(delimiter=delimiter)

    def convert(columns) -> arrow_csv.ConvertOptions:
        return arrow_csv.ConvertOptions(
            include_columns=list(columns),
            column_types=dict.fromkeys(columns, pa.large_string()),
            null_values=[],
            strings_can_be_null=False,
        )

    def stream_ids():
        source.seek(0)
        return arrow_csv.open_csv(source, read_options, parse, convert([printed_id]))

    printed_id = next(p for p, k in keys.items() if k == "id")
    hashes = []  # of each crime reference, trimmed as the batches trim it: 8 bytes a record
    reader = _arrow_call(stream_ids, file, delimiter)
    while (batch := _arrow_call(lambda: next(reader, None), file, delimiter)) is not None:
        hashes.append(_hashes(pc.utf8_trim_whitespace(batch.column(0))))
    hashes = np.concatenate(hashes) if hashes else np.zeros(0, dtype=np.uint64)
    rows = len(hashes)
    lines = _record_lines(source, encoding, delimiter, scan, rows)

    def stream():
        source.seek(0)
        return arrow_csv.open_csv(source, read_options, parse, convert(keys))

    return Extract(file, rows, _maybe_repeated(hashes), lines, stream, keys, delimiter)


def read_records(data: bytes, file: str, file_spec: FileSpec) -> pd.DataFrame:
    """A record-level extract: one row per crime, with only the four columns the spec names.

    Returns ``line`` (the file line of the record), ``id``, ``date``, ``offence`` and ``text``,
    all as printed. The whole extract at once: :func:`open_records` reads one a batch at a time.
    """
    extract = open_records(io.BytesIO(data), file, file_spec)
    frames = [frame for frame, _ in extract.batches()]
    if not frames:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "line" else "str") for c in RECORD_COLUMNS}
        )
    return pd.concat(frames)
