"""Shared helpers: the project root, the build folders a notebook may write to, and writes that
are atomic and skip unchanged bytes."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from src import helpers
from src.errors import InputError
from src.helpers import csv_rows, csv_text, write_many


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


# --- Build folders: only inside reports/ -------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project root of its own (with reports/ and a folder beside the project), so that a
    refused folder can be looked for without touching the real tree."""
    root = tmp_path / "project"
    (root / "reports" / "variants").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    monkeypatch.setattr(helpers, "ROOT", root)
    monkeypatch.setattr(helpers, "REPORTS", root / "reports")
    return root


@pytest.mark.parametrize(
    ("output_dir", "inside"),
    [
        ("reports", "reports"),
        ("reports/", "reports"),
        ("reports/scratch", "reports/scratch"),
        ("reports/variants/images-only", "reports/variants/images-only"),
        ("reports/scratch/../variants/x", "reports/variants/x"),
        ("./reports/scratch/b", "reports/scratch/b"),
    ],
)
def test_build_folder_inside_reports_is_resolved_and_not_created(project, output_dir, inside):
    folder = helpers.build_folder(output_dir)
    assert folder == project / inside
    assert not (project / "reports" / "scratch").exists()


def test_build_folder_follows_a_link_that_stays_inside_reports(project):
    (project / "reports" / "latest").symlink_to(project / "reports" / "variants")
    assert helpers.build_folder("reports/latest/x") == project / "reports" / "variants" / "x"


@pytest.mark.parametrize(
    "output_dir",
    [
        "ABSOLUTE",  # an absolute path, outside the project (replaced by the test)
        "../x",
        "reports/../..",
        "reports/..",
        ".",
        "reports-old/x",  # starts with the letters of reports/, is not inside it
        "data/processed",
        "reports/escape/tables",  # a symbolic link in reports/ to a folder outside it
        "",
        "   ",
    ],
)
def test_build_folder_outside_reports_is_refused_and_nothing_is_made(project, tmp_path, output_dir):
    (project / "reports" / "escape").symlink_to(tmp_path / "outside", target_is_directory=True)
    if output_dir == "ABSOLUTE":
        output_dir = str(tmp_path / "outside" / "build")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(InputError) as caught:
        helpers.build_folder(output_dir, "notebooks/20-findings.ipynb")
    error = caught.value
    assert error.file == "notebooks/20-findings.ipynb"
    assert error.place == "parameter output_dir"
    assert "reports/" in error.fix and "-p output_dir" in error.fix
    assert sorted(tmp_path.rglob("*")) == before


def test_build_folder_that_is_not_text_is_refused(project):
    with pytest.raises(InputError, match="not a folder name"):
        helpers.build_folder(None)  # type: ignore[arg-type]


# --- csv_rows: the rows of csv_text, written fast when nothing needs quoting -----------------


@pytest.mark.parametrize(
    "texts",
    [
        ["plain", "with space", "", "ünïcode"],  # nothing to quote: written by pyarrow
        ["a,b", 'say "hi"', "two\nlines", "cr\rhere"],  # quoting needed: written by pandas
    ],
)
def test_csv_rows_are_csv_text_without_its_header(texts):
    df = pd.DataFrame(
        {
            "text": pd.Series(texts, dtype="str"),
            "n": pd.array([1, None, 3, 40], dtype="Int64"),
            "same": pd.Series(["x"] * 4, dtype="str"),
        }
    )
    expected = csv_text(df).split("\n", 1)[1].encode("utf-8")
    assert csv_rows(df) == expected


def test_csv_rows_of_other_types_are_written_by_pandas():
    df = pd.DataFrame({"x": [0.1, 2.0], "flag": [True, False]})
    assert csv_rows(df) == csv_text(df).split("\n", 1)[1].encode("utf-8")


def test_write_many_moves_a_written_file_into_place_and_leaves_an_identical_one(tmp_path):
    target, other = tmp_path / "out" / "big.csv", tmp_path / "out" / "small.csv"
    staged = tmp_path / "staged.csv"
    staged.write_bytes(b"a,b\n1,2\n")
    write_many({target: staged, other: "x\n"})
    assert target.read_bytes() == b"a,b\n1,2\n" and other.read_text() == "x\n"
    assert not staged.exists()  # moved, not copied
    before = target.stat().st_mtime_ns
    again = tmp_path / "again.csv"
    again.write_bytes(b"a,b\n1,2\n")
    write_many({target: again})
    assert target.stat().st_mtime_ns == before  # the same bytes: the target is not touched
    assert sorted(p.name for p in target.parent.iterdir()) == ["big.csv", "small.csv"]
