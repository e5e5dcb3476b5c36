"""A file name make cannot use stops `make` with the rename to make, before anything is built,
and `make` still parses (so `make help` works); a variant's file name likewise."""

from __future__ import annotations

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
