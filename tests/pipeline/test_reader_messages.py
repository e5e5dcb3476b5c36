"""Messages that name the real cause: a note printed under a table, a label holding a character
a reader cannot see, a header spread over two rows. Each stop names the file, the place and the
fix, and the cleaning writes nothing."""

from __future__ import annotations

import pytest
from fixtures import corpus

from src.clean import run as clean
from src.clean.grid import Grid
from src.data.manifest import read_manifest, update_manifest
from src.errors import InputError, visible

KEY = f"waves/{corpus.WAVE}/{corpus.DORSET_FILE}"


@pytest.fixture
def root(tmp_path):
    corpus.build_corpus(tmp_path)
    return tmp_path


def _rewrite(root, change) -> None:
    path = root / "raw" / KEY
    path.write_bytes(change(path.read_bytes()))
    meta = read_manifest(root / "raw").set_index("path").loc[KEY].to_dict()
    meta = {k: v for k, v in meta.items() if k not in ("bytes", "sha256")}
    update_manifest(root / "raw", {KEY: meta})


def _stop(root) -> InputError:
    with pytest.raises(InputError) as caught:
        clean.run_clean(root / "raw", root / "reference", root / "processed")
    assert not (root / "processed" / "instances.csv").exists()
    return caught.value


def test_a_note_under_a_table_is_named_as_one_with_the_row_to_end_at(root):
    _rewrite(root, lambda data: data + b"* Figures are provisional;;;\r\n")
    error = _stop(root)
    assert "'* Figures are provisional' under the table" in error.problem
    assert "note printed below the table" in error.problem
    line = int(error.place.split(",")[0].removeprefix("line "))
    assert f"set where.last_row to {line - 1}" in error.fix


def test_an_invisible_character_in_a_label_is_shown_as_its_code_point(root):
    _rewrite(root, lambda data: data.replace(b"Instagram;Q1;Oct-Dec", b"Snap\xa0chat;Q1;Oct-Dec"))
    error = _stop(root)
    assert "'Snap<U+00A0>chat'" in error.problem
    assert "code point" in error.problem


def test_visible_writes_only_what_cannot_be_seen_as_code_points():
    assert visible("Snap\u00a0chat") == "Snap<U+00A0>chat"
    assert visible("In\u200bsta") == "In<U+200B>sta"
    assert visible("Facebook – Messenger é") == "Facebook – Messenger é"
    assert visible("\u0406nstagram") == "<U+0406>nstagram"  # a Cyrillic letter among Latin
    assert visible("\u0412\u041a") == "\u0412\u041a"  # a label all in another script is as it is


def test_a_header_over_two_rows_is_said_to_be_one_not_a_duplicate_column():
    grid = Grid(
        file="reply.xlsx",
        header=["Platform", "Q1 Sexual offences", "Q1 Sexual offences"],
        body=[["", "Oct-Mar", "Apr-Sep"], ["Snapchat", "4", "6"]],
        rows=[6, 7],
        header_place="sheet 'Data', row 5 (header)",
        place=lambda n, c: f"row {n}, column {c}",
    )
    with pytest.raises(InputError) as caught:
        grid.column("Q1 Sexual offences", "offence_columns['Q1 Sexual offences']", "spec.yaml")
    assert "spans two rows" in caught.value.problem
    assert "'Oct-Mar', 'Apr-Sep'" in caught.value.problem
    assert "one header row" in caught.value.fix
