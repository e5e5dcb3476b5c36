"""A value given to make is data, never a command: a parameters file named with a backtick, a
``$(...)`` or a quote is refused by name, and nothing in the name runs."""

from __future__ import annotations

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
