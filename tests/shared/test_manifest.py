"""The manifest of data/raw: every hash recomputed, and every kind of tampering caught."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from scripts import add_return
from src.data.manifest import (
    COLUMNS,
    files_on_disk,
    manifest_text,
    outside_raw,
    read_manifest,
    update_manifest,
    verify_raw,
)
from src.errors import InputError
from src.helpers import RAW
from src.vocab import FILE_PROVENANCES, PROVENANCES


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of data/raw, to damage."""
    target = tmp_path / "raw"
    shutil.copytree(RAW, target)
    return target


def _a_return(raw: Path) -> str:
    manifest = read_manifest(raw)
    return manifest.loc[manifest["content"] == "return", "path"].iloc[0]


def _force_folder(raw: Path, force: str | None = None) -> Path:
    """The folder of a force's answers in the wave of the first return (that return's force,
    unless another is named), made if the force has none."""
    _, wave, first, _ = _a_return(raw).split("/", 3)
    folder = raw / "waves" / wave / (force or first)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_committed_file_matches_its_recorded_hash():
    manifest = verify_raw(RAW)
    assert list(manifest.columns) == list(COLUMNS)
    assert sorted(manifest["path"]) == files_on_disk(RAW)
    assert list(manifest["path"]) == sorted(manifest["path"]), "manifest must be sorted by path"
    for row in manifest.itertuples(index=False):
        data = (RAW / row.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row.sha256, row.path
        assert len(data) == int(row.bytes), row.path


def test_manifest_covers_returns_letters_outcomes_and_published_figures():
    manifest = read_manifest(RAW)
    assert {"return", "records", "refusal", "outcomes", "published"} <= set(manifest["content"])
    published = manifest[manifest["content"] == "published"]
    assert set(published["provenance"]) == {"real"}
    assert set(manifest["provenance"]) <= set(FILE_PROVENANCES)
    # Only an outcomes file, whose rows each say their own, may be mixed; it is mixed exactly
    # when its rows differ, and every file of a force's answer has that row's provenance.
    assert set(manifest.loc[manifest["content"] != "outcomes", "provenance"]) <= set(PROVENANCES)
    outcomes = manifest[manifest["content"] == "outcomes"]
    assert len(outcomes) and (outcomes["wave"] != "").all()
    for row in outcomes.itertuples(index=False):
        rows = pd.read_csv(RAW / row.path, dtype=str, keep_default_na=False)
        said = set(rows["provenance"])
        assert said <= set(PROVENANCES), row.path
        assert row.provenance == (said.pop() if len(said) == 1 else "mixed"), row.path
        answers = manifest[
            (manifest["wave"] == row.wave)
            & manifest["content"].isin(["return", "records", "refusal"])
        ]
        of_force = dict(zip(rows["force"], rows["provenance"], strict=True))
        for answer in answers.itertuples(index=False):
            assert answer.provenance == of_force[answer.force], answer.path
    assert "MANIFEST.csv" not in set(manifest["path"])
    assert "README.md" not in set(manifest["path"])


def test_a_one_byte_edit_is_caught_and_the_file_named(raw_copy: Path):
    path = _a_return(raw_copy)
    target = raw_copy / path
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(InputError) as caught:
        verify_raw(raw_copy)
    message = str(caught.value)
    assert Path(path).name in message
    assert "changed since it was recorded" in message
    assert "git checkout --" in message


def test_same_size_edit_is_caught_by_the_hash(raw_copy: Path):
    path = _a_return(raw_copy)
    target = raw_copy / path
    data = target.read_bytes()
    target.write_bytes(data[::-1])  # same bytes, same size, different order
    with pytest.raises(InputError, match="changed since it was recorded"):
        verify_raw(raw_copy)


def test_a_missing_file_is_caught(raw_copy: Path):
    path = _a_return(raw_copy)
    (raw_copy / path).unlink()
    with pytest.raises(InputError, match="missing") as caught:
        verify_raw(raw_copy)
    assert Path(path).name in str(caught.value)


def test_a_name_in_another_unicode_form_than_its_row_gets_the_exact_rename(raw_copy: Path):
    import unicodedata

    path = _a_return(raw_copy)
    name = Path(path)
    typed = name.with_name(f"{name.stem} r\u00e9ponse{name.suffix}").as_posix()  # é, one character
    stored = unicodedata.normalize("NFD", typed)  # é as e and an accent, as some systems save
    (raw_copy / path).rename(raw_copy / stored)
    manifest = raw_copy / "MANIFEST.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(path, typed), "utf-8")
    with pytest.raises(InputError) as caught:
        verify_raw(raw_copy)
    assert "other Unicode characters" in caught.value.problem
    assert caught.value.fix.startswith("rename it to the manifest's spelling: mv ")
    assert stored in caught.value.fix and typed in caught.value.fix


def test_an_unlisted_file_is_caught(raw_copy: Path):
    extra = _force_folder(raw_copy) / "late reply.csv"
    extra.write_text("Platform,Count\nInstagram,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="not in the manifest") as caught:
        verify_raw(raw_copy)
    assert "late reply.csv" in str(caught.value)


def test_hidden_files_and_the_readme_are_not_listed(raw_copy: Path):
    (raw_copy / ".DS_Store").write_bytes(b"x")
    (raw_copy / "waves" / ".partial.tmp").write_bytes(b"x")
    (raw_copy / "README.md").write_text("changed\n", encoding="utf-8")
    verify_raw(raw_copy)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda m: m.drop(columns=["sha256"]), "missing column"),
        (lambda m: m.assign(extra=""), "unexpected column"),
        (lambda m: pd.concat([m, m.iloc[[0]]]), "more than once"),
        (lambda m: m.assign(sha256=m["sha256"].str.upper()), "hex digest"),
        (lambda m: m.assign(provenance="guessed"), "provenance"),
        (lambda m: m.assign(bytes="ten"), "whole number"),
    ],
)
def test_a_malformed_manifest_is_caught(raw_copy: Path, damage, expected):
    manifest = read_manifest(raw_copy)
    damage(manifest).to_csv(raw_copy / "MANIFEST.csv", index=False)
    with pytest.raises(InputError, match=expected) as caught:
        verify_raw(raw_copy)
    assert "MANIFEST.csv" in str(caught.value)


def test_a_missing_manifest_is_caught(raw_copy: Path):
    (raw_copy / "MANIFEST.csv").unlink()
    with pytest.raises(InputError, match="manifest of raw files is missing"):
        verify_raw(raw_copy)


def test_updating_one_row_does_not_rehash_the_others(raw_copy: Path):
    """Refreshing a row must never quietly bless a changed file elsewhere."""
    path = _a_return(raw_copy)
    (raw_copy / path).write_bytes(b"tampered")
    new = _force_folder(raw_copy, "kent") / "FOI 1 reply.csv"
    new.write_text("Platform,Q1\nInstagram,7\n", encoding="utf-8")
    rel = new.relative_to(raw_copy).as_posix()
    meta = {"force": "kent", "format": "csv", "content": "return", "provenance": "real"}
    update_manifest(raw_copy, {rel: meta})
    with pytest.raises(InputError, match="changed since it was recorded") as caught:
        verify_raw(raw_copy)
    assert Path(path).name in str(caught.value)


def test_add_return_records_a_real_file_and_unlists_the_one_it_replaces(raw_copy: Path):
    old = _a_return(raw_copy)
    _, wave, force, _ = old.split("/", 3)
    new = _force_folder(raw_copy) / "Real reply.xlsx"
    new.write_bytes(b"PK\x03\x04 a real workbook")
    (raw_copy / old).unlink()
    rel = new.relative_to(raw_copy).as_posix()
    add_return.main(
        [
            rel,
            "--force",
            force,
            "--request-ref",
            "FOI 1",
            "--date-answered",
            "2020-11-02",
            "--replaces",
            old,
            "--raw-dir",
            str(raw_copy),
        ]
    )
    manifest = verify_raw(raw_copy)
    row = manifest[manifest["path"] == rel].iloc[0]
    assert row["provenance"] == "real"
    assert row["wave"] == wave
    assert row["format"] == "xlsx"
    assert row["sha256"] == hashlib.sha256(new.read_bytes()).hexdigest()
    assert old not in set(manifest["path"])


def test_a_manifest_saved_by_a_spreadsheet_program_reads_and_verifies_the_same(raw_copy):
    """Excel writes a UTF-8 byte-order mark and CRLF line ends: the one reader takes both."""
    path = raw_copy / "MANIFEST.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    pd.testing.assert_frame_equal(read_manifest(raw_copy), read_manifest(RAW))
    pd.testing.assert_frame_equal(verify_raw(raw_copy), verify_raw(RAW))


@pytest.mark.parametrize(
    "path",
    ["../../../../../etc/passwd", "/etc/passwd", "waves/../../x.csv", "C:/x.csv", "..\\x.csv"],
)
def test_a_row_pointing_outside_data_raw_is_refused_as_outside(raw_copy: Path, path):
    """Not 'missing, git checkout': the row names a place no raw file can be."""
    manifest = read_manifest(raw_copy)
    row = {**manifest.iloc[0].to_dict(), "path": path}
    (raw_copy / "MANIFEST.csv").write_text(
        manifest_text([*manifest.to_dict("records"), row]), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        verify_raw(raw_copy)
    assert "column 'path'" in caught.value.place
    assert "outside data/raw" in caught.value.problem
    assert path in caught.value.problem
    assert "git checkout" not in caught.value.fix


def test_names_inside_data_raw_are_not_outside():
    for path in ("waves/w/f/a..b.csv", "published/x.csv", "waves/w/f/.. x.csv"):
        assert not outside_raw(path), path


def test_a_spreadsheet_saved_manifest_is_still_checked_for_paths_outside(raw_copy: Path):
    """The byte-order mark and CRLF are accepted; a row outside data/raw still is not."""
    path = raw_copy / "MANIFEST.csv"
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[1]
    text += "../outside.csv" + first[first.index(",") :] + "\n"
    path.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    with pytest.raises(InputError, match=r"outside data/raw \(.*\(\.\./outside\.csv\)"):
        read_manifest(raw_copy)
