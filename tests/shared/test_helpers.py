"""Shared helpers: the project root, and writes that are atomic and skip unchanged bytes."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from src import helpers


def test_root_is_found_from_a_subfolder(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "Makefile").write_text("")
    deep = tmp_path / "notebooks" / "executed"
    deep.mkdir(parents=True)
    assert helpers.find_root(deep) == tmp_path.resolve()


def test_root_not_found_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no project root"):
        helpers.find_root(tmp_path)


def test_write_text_does_not_touch_unchanged_files(tmp_path):
    path = tmp_path / "a.txt"
    helpers.write_text(path, "same\n")
    os.utime(path, (1, 1))
    helpers.write_text(path, "same\n")
    assert path.stat().st_mtime == 1
    helpers.write_text(path, "changed\n")
    assert path.read_text() == "changed\n"
    assert path.stat().st_mtime != 1


def test_csv_text_is_deterministic_and_uses_newlines():
    df = pd.DataFrame({"b": [2, 1], "a": ["x", "y"]})
    text = helpers.csv_text(df)
    assert text == "b,a\n2,x\n1,y\n"
    assert "\r" not in text


def test_atomic_path_leaves_the_old_file_when_the_block_fails(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("old")
    with pytest.raises(RuntimeError), helpers.atomic_path(path) as tmp:
        tmp.write_text("half-written")
        raise RuntimeError("boom")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_many_changes_all_files_or_none(tmp_path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("old first")
    second.write_text("old second")

    class Unwritable:
        """A value that fails part-way through staging."""

    with pytest.raises(TypeError):
        helpers.write_many({first: "new first", second: Unwritable()})
    assert first.read_text() == "old first"
    assert second.read_text() == "old second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.txt", "second.txt"]

    helpers.write_many({first: "new first", second: b"new second"})
    assert (first.read_text(), second.read_text()) == ("new first", "new second")


def test_sha256_file(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"abc")
    assert helpers.sha256_file(path) == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_rel_gives_paths_relative_to_the_root():
    assert helpers.rel(helpers.ROOT / "data" / "raw") == "data/raw"


def test_replace_block_rewrites_only_the_named_block():
    text = "a\n<!-- x:start -->\nold\n<!-- x:end -->\nb\n<!-- y:start -->\nkeep\n<!-- y:end -->\n"
    out = helpers.replace_block(text, "x", "new 1\nnew 2")
    assert out == (
        "a\n<!-- x:start -->\nnew 1\nnew 2\n<!-- x:end -->\nb\n<!-- y:start -->\nkeep\n<!-- y:end -->\n"
    )


@pytest.mark.parametrize(
    "text",
    ["no markers", "<!-- x:start -->\n1\n<!-- x:end -->\n<!-- x:start -->\n2\n<!-- x:end -->"],
)
def test_replace_block_needs_exactly_one_pair_of_markers(text):
    with pytest.raises(ValueError, match="block 'x'"):
        helpers.replace_block(text, "x", "new")


def test_read_csv_text_keeps_text_and_ignores_a_byte_order_mark(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffa,b\r\n007,\r\nNA,1.50\r\n".encode())
    table = helpers.read_csv_text(path)
    assert list(table.columns) == ["a", "b"]
    assert table.to_dict("list") == {"a": ["007", "NA"], "b": ["", "1.50"]}
