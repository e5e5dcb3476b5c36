"""Record-level extracts read a batch at a time: the same records, lines and repeats as read
whole, and the same records.csv however the batches fall."""

from __future__ import annotations

import io

import numpy as np
import pytest
from fixtures import corpus

from src.clean import extracts
from src.clean import run as clean
from src.clean.run import read_spec
from src.helpers import rel

FIXTURE_REFERENCE = corpus.HERE / "reference"
TEXTS = ["Instagram DMs then Snapchat", "WhatsApp", "Not recorded", "", "met on xbox live"]


def leics_spec():
    return read_spec(FIXTURE_REFERENCE / "specs" / corpus.WAVE / "leicestershire.yaml").files[0]


def many_records(n: int = 600) -> list[tuple]:
    """``n`` records dated in the wave; some repeat an earlier reference, one of them with
    spaces around it, and one repeat is far from its first."""
    rows = []
    for i in range(n):
        ref = f"LE/{i}"
        if i % 97 == 5:
            ref = f"LE/{i - 3}"  # a repeat close by
        if i == n - 1:
            ref = "  LE/1 "  # a repeat of the second record, at the very end, padded
        day = 1 + i % 28
        rows.append((ref, f"{day:02d}/11/2019", "71/17", TEXTS[i % len(TEXTS)], "", ""))
    return rows


def expected_repeats(rows: list[tuple]) -> list[bool]:
    """Worked out here in plain Python: a reference (trimmed) seen on an earlier row."""
    seen, out = set(), []
    for ref, *_ in rows:
        out.append(ref.strip() in seen)
        seen.add(ref.strip())
    return out


@pytest.fixture
def extract_file(tmp_path):
    path = tmp_path / "extract.csv"
    rows = many_records()
    corpus.write_leics(path, records=rows)
    return path, rows


def _read(path, monkeypatch, block: int | None = None):
    if block:
        monkeypatch.setattr(extracts, "RECORD_BLOCK", block)
    with open(path, "rb") as source:
        extract = extracts.open_records(source, rel(path), leics_spec())
        return extract, list(extract.batches())


def test_an_extract_read_in_many_batches_finds_every_repeat_across_them(extract_file, monkeypatch):
    path, rows = extract_file
    extract, batches = _read(path, monkeypatch, block=2048)
    assert len(batches) > 5  # the repeats at the end are batches away from their first
    frames = [frame for frame, _ in batches]
    repeats = np.concatenate([flags for _, flags in batches]).tolist()
    assert extract.rows == len(rows) == sum(len(f) for f in frames)
    assert repeats == expected_repeats(rows)
    assert repeats[-1] and sum(repeats) == 1 + sum(1 for i in range(len(rows)) if i % 97 == 5)
    lines = np.concatenate([f["line"].to_numpy() for f in frames]).tolist()
    assert lines == list(range(2, len(rows) + 2))
    assert [f["id"].iloc[0] for f in frames][0] == "LE/0"


def test_records_whose_hashes_collide_are_told_apart_exactly(extract_file, monkeypatch):
    path, rows = extract_file
    monkeypatch.setattr(extracts, "_hashes", lambda texts: np.zeros(len(texts), dtype=np.uint64))
    extract, batches = _read(path, monkeypatch, block=2048)
    assert extract.maybe_repeated.all()  # every record compared exactly
    repeats = np.concatenate([flags for _, flags in batches]).tolist()
    assert repeats == expected_repeats(rows)


def test_the_hash_is_the_same_for_equal_texts_wherever_they_are():
    import pyarrow as pa

    texts = pa.array(["ab", "ba", "", "ab", "x" * 70, "", "x" * 70], pa.large_string())
    hashes = extracts._hashes(texts)
    assert hashes[0] == hashes[3] and hashes[2] == hashes[5] and hashes[4] == hashes[6]
    assert len({hashes[0], hashes[1], hashes[2], hashes[4]}) == 4
    assert extracts._hashes(texts.slice(3, 4)).tolist() == hashes[3:7].tolist()  # offsets kept


def test_read_whole_or_in_batches_the_records_are_the_same(extract_file, monkeypatch):
    path, _ = extract_file
    whole = extracts.read_records(path.read_bytes(), rel(path), leics_spec())
    _, batches = _read(path, monkeypatch, block=2048)
    import pandas as pd

    pd.testing.assert_frame_equal(pd.concat([f for f, _ in batches]), whole)


def test_records_csv_is_the_same_whether_written_in_one_batch_or_many(tmp_path, monkeypatch):
    paths = corpus.build_corpus(tmp_path)
    corpus.write_leics(paths["wave"] / corpus.LEICS_FILE, records=many_records())
    corpus.refresh_manifest(paths["raw"])
    clean.run_clean(paths["raw"], paths["reference"], paths["processed"])
    once = {p.name: p.read_bytes() for p in paths["processed"].glob("*.csv")}
    monkeypatch.setattr(extracts, "RECORD_BLOCK", 2048)
    monkeypatch.setattr(clean.RecordsOut, "FLUSH_ROWS", 7)
    other = tmp_path / "again"
    result = clean.run_clean(paths["raw"], paths["reference"], other)
    many = {p.name: p.read_bytes() for p in other.glob("*.csv")}
    assert many == once
    assert result.record_rows == len(many_records()) == len(result.records)
    assert not list(tmp_path.glob(".records-*"))  # the parts are gone


def test_an_extract_that_is_not_utf8_is_refused_with_the_whole_file_message(tmp_path):
    path = tmp_path / "e.csv"
    text = "Crime Reference,Date Recorded,HO Code,Method of Contact\nA,01/10/2019,71/17,x\n"
    path.write_bytes(text.encode() + b"B,01/10/2019,71/17,caf\xe9\n")
    with pytest.raises(extracts.InputError) as error, open(path, "rb") as source:
        extracts.open_records(source, rel(path), leics_spec())
    offset = len(text.encode()) + len(b"B,01/10/2019,71/17,caf")  # bytes before the bad one
    assert error.value.place == f"line 3, byte {offset + 1}"
    assert "is not valid utf-8" in error.value.problem
    with pytest.raises(extracts.InputError) as whole:
        extracts.decode_text(path.read_bytes(), "utf-8", rel(path))
    assert str(whole.value) == str(error.value)


def test_a_block_boundary_inside_a_character_is_not_an_error(tmp_path, monkeypatch):
    path = tmp_path / "e.csv"
    head = "Crime Reference,Date Recorded,HO Code,Method of Contact\n"
    body = "".join(f"A{i},01/10/2019,71/17,Café – Snapchat\n" for i in range(50))
    path.write_bytes((head + body).encode())
    monkeypatch.setattr(extracts, "_SCAN_BLOCK", 7)  # splits multi-byte characters
    with open(path, "rb") as source:
        extract = extracts.open_records(source, rel(path), leics_spec())
        texts = [t for frame, _ in extract.batches() for t in frame["text"]]
    assert texts == ["Café – Snapchat"] * 50


def test_the_header_is_read_from_the_first_block_even_when_it_spans_blocks(tmp_path, monkeypatch):
    path = tmp_path / "e.csv"
    path.write_bytes(
        io.BytesIO(b"Crime Ref,Date Recorded,HO Code,Method of Contact\nA,x,y,z\n").read()
    )
    monkeypatch.setattr(extracts, "_SCAN_BLOCK", 5)
    with pytest.raises(extracts.InputError) as error, open(path, "rb") as source:
        extracts.open_records(source, rel(path), leics_spec())
    assert "column 'Crime Reference' (spec key columns.id) is missing" in error.value.problem
    assert "'Crime Ref', 'Date Recorded', 'HO Code', 'Method of Contact'" in error.value.problem
