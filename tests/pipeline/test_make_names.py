"""A file name make cannot use stops `make` with the rename to make, before anything is built,
and `make` still parses (so `make help` works); a variant's file name likewise. What is not a
return (a spreadsheet's lock file, a hidden file) and a folder that is not a wave are left out."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from src.helpers import ROOT


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The Makefile beside a small data/raw and params/variants (nothing else: a build that
    started would fail on the missing notebooks, so a clean stop proves nothing started)."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "data" / "raw" / "waves" / "w" / "f").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "waves" / "w" / "f" / "return.csv").write_text("a\n")
    (tmp_path / "params" / "variants").mkdir(parents=True)
    (tmp_path / "data" / "reference").mkdir()
    (tmp_path / "data" / "reference" / "waves.csv").write_text("wave,start,end\nw,2019-10-01,\n")
    return tmp_path


def _make(tree: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=tree, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("name", "renamed"),
    [("FOI 12:20.csv", "FOI 12-20.csv"), ("a#b.csv", "a-b.csv"), ("letter (1)", "letter -1-")],
)
def test_a_raw_file_name_make_cannot_use_stops_make_with_the_rename(tree, name, renamed):
    (tree / "data" / "raw" / "waves" / "w" / "f" / name).write_text("a\n")
    done = _make(tree, "all")
    assert done.returncode == 2
    assert f"data/raw/waves/w/f/{name}: make cannot use this name" in done.stderr
    assert f"rename it, e.g. to 'data/raw/waves/w/f/{renamed}'" in done.stderr
    assert not (tree / ".venv").exists() and not (tree / "build").exists()
    assert _make(tree, "help").returncode == 0


def test_a_raw_file_name_that_is_not_utf8_stops_make_with_the_rename(tree):
    folder = tree / "data" / "raw" / "waves" / "w" / "f"
    name = os.fsdecode(b"covering letter \xe9t\xe9.txt")  # Latin-1 bytes, as the disk holds them
    (folder / name).write_text("a\n")
    done = subprocess.run(["make", "--no-print-directory", "all"], cwd=tree, capture_output=True)
    assert done.returncode == 2
    assert b"a byte that is not UTF-8 text" in done.stderr
    assert b"rename it, e.g. to 'data/raw/waves/w/f/covering letter -t-.txt'" in done.stderr
    assert not (tree / ".venv").exists() and not (tree / "build").exists()


def test_a_variant_file_name_with_a_space_stops_make_with_the_rename(tree):
    (tree / "params" / "variants" / "my variant.yaml").write_text("exclude_forces: []\n")
    done = _make(tree, "all")
    assert done.returncode == 2
    assert "params/variants/my variant.yaml: a variant's file name" in done.stderr
    assert "params/variants/my-variant.yaml" in done.stderr


def test_names_as_forces_send_them_pass(tree):
    """Spaces and a bracketed part before the extension are fine: make is given them escaped."""
    for name in ("FOI 7749-20 Disclosure.xlsx", "Response (1).xlsx", "BCH FOI 1731 part 1.csv"):
        (tree / "data" / "raw" / "waves" / "w" / "f" / name).write_text("a\n")
    plan = _make(tree, "-n", "all")
    assert "make cannot use" not in plan.stderr
    # Past the names: make goes on to the build, which this bare tree cannot do.
    assert "needed by 'notebooks/executed/10-clean.ipynb'" in plan.stderr


def _variable(tree: Path, name: str) -> str:
    return _make(tree, "-s", f"--eval=_print: ; @echo '$({name})'", "_print").stdout


def test_lock_files_and_hidden_files_are_not_returns(tree):
    """Excel's lock file beside an open workbook (~$name.xlsx, its $ once broke the names
    check as a shell variable) and a hidden file are neither checked nor built from."""
    folder = tree / "data" / "raw" / "waves" / "w" / "f"
    (folder / "~$Surrey FOI 3754.xlsx").write_bytes(b"\x00lock")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "a:b.csv").write_text("a\n")
    plan = _make(tree, "-n", "all")
    assert "unbound variable" not in plan.stderr and "make cannot use" not in plan.stderr
    assert "needed by 'notebooks/executed/10-clean.ipynb'" in plan.stderr
    assert _variable(tree, "RAW_FILES").split() == ["data/raw/waves/w/f/return.csv"]


def test_a_name_with_a_dollar_is_named_not_run_by_the_shell(tree):
    (tree / "data" / "raw" / "waves" / "w" / "f" / "FOI $HOME `id`.csv").write_text("a\n")
    done = _make(tree, "all")
    assert done.returncode == 2
    assert "data/raw/waves/w/f/FOI $HOME `id`.csv: make cannot use this name" in done.stderr
    assert "unbound variable" not in done.stderr and "uid=" not in done.stderr


def test_a_folder_that_is_no_wave_is_named_and_left_out(tree):
    """Waves are those waves.csv lists: a stray folder (empty, or with a space in its name)
    is not built as a wave, and make names it in one line."""
    waves = tree / "data" / "raw" / "waves"
    (waves / "old").mkdir()
    (waves / "old" / ".keep").write_text("")
    (waves / "New folder").mkdir()
    (waves / "x").mkdir()  # listed nowhere, though its name is a word
    assert _variable(tree, "WAVES").split() == ["w"]
    assert _variable(tree, "OTHER_WAVES").strip() == ""
    plan = _make(tree, "-n", "all")
    (line,) = [line for line in plan.stdout.splitlines() if "Left out of the build" in line]
    for folder in ("New folder", "old", "x"):
        assert f"data/raw/waves/{folder}/" in line
    assert "data/reference/waves.csv" in line
    assert "reports/waves" not in plan.stdout + plan.stderr


def test_a_listed_wave_without_its_folder_is_not_built(tree):
    with open(tree / "data" / "reference" / "waves.csv", "a") as table:
        table.write("v,2020-10-01,\n")
    assert _variable(tree, "WAVES").split() == ["w"]
    assert "Left out" not in _make(tree, "-n", "all").stdout
