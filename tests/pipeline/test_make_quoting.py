"""A value given to make is data, never a command: a parameters file named with a backtick, a
``$(...)`` or a quote is refused by name, and nothing in the name runs."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from src.helpers import ROOT

VENV = ROOT / ".venv"


@pytest.mark.parametrize(
    "name",
    ["v`touch {marker}`.yaml", "v$(touch {marker}).yaml", "o'brien; touch {marker}.yaml"],
    ids=["backtick", "dollar", "quote"],
)
def test_a_hostile_params_name_runs_nothing_and_is_named(tmp_path, name):
    if not (VENV / ".installed").is_file():
        pytest.skip("the project's .venv is not set up: run `make setup`")
    marker = tmp_path / "ran"
    params = str(tmp_path / name.format(marker=marker))
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", f"{VENV}/.installed", "variant", f"PARAMS={params}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert not marker.exists()
    assert f"{params}: no such parameters file." in done.stderr


def test_an_existing_params_file_named_with_a_backtick_and_a_quote_reaches_the_runner_whole(
    tmp_path,
):
    """The file exists, so make goes past its own check and runs the runner on it: the name
    arrives whole (the runner names it), nothing in it runs, and no output is written."""
    if not (VENV / ".installed").is_file():
        pytest.skip("the project's .venv is not set up: run `make setup`")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("src", "scripts", ".venv"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "20-findings.ipynb", tmp_path / "notebooks")
    name = "params/o'brien `touch ran`.yaml"
    (tmp_path / "params").mkdir()
    (tmp_path / name).write_text("no_such_parameter: 1\n")
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "variant", f"PARAMS={name}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert not (tmp_path / "ran").exists()
    assert f"{name}, key 'no_such_parameter' (line 1)" in done.stderr
    assert "unexpected EOF" not in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "notebooks").rglob("*.ipynb"))[1:]  # the source alone
    assert not (tmp_path / "reports").exists()
