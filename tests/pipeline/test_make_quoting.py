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


def _variant(tree, params: str, text: str) -> subprocess.CompletedProcess:
    """``make variant PARAMS=params`` in ``tree``: the Makefile and the findings notebook beside
    the project's code and .venv, and a parameters file ``params`` holding ``text``."""
    if not (VENV / ".installed").is_file():
        pytest.skip("the project's .venv is not set up: run `make setup`")
    shutil.copy(ROOT / "Makefile", tree / "Makefile")
    for name in ("src", "scripts", ".venv"):
        (tree / name).symlink_to(ROOT / name)
    (tree / "notebooks").mkdir(exist_ok=True)
    shutil.copy(ROOT / "notebooks" / "20-findings.ipynb", tree / "notebooks")
    (tree / params).parent.mkdir(parents=True, exist_ok=True)
    (tree / params).write_text(text)
    return subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "variant", f"PARAMS={params}"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_existing_params_file_named_with_a_backtick_and_a_quote_reaches_the_runner_whole(
    tmp_path,
):
    """The file exists, so make goes past its own check and runs the runner on it: the name
    arrives whole (the runner names it), nothing in it runs, and no output is written."""
    name = "params/o'brien `touch ran`.yaml"
    done = _variant(tmp_path, name, "no_such_parameter: 1\n")
    assert done.returncode == 2
    assert not (tmp_path / "ran").exists()
    assert f"{name}, key 'no_such_parameter' (line 1)" in done.stderr
    assert "unexpected EOF" not in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "notebooks").rglob("*.ipynb"))[1:]  # the source alone
    assert not (tmp_path / "reports").exists()


def test_a_stopped_notebook_leaves_its_executed_copy_as_it_was(tmp_path):
    executed = tmp_path / "notebooks" / "executed" / "variants" / "mine" / "20-findings.ipynb"
    executed.parent.mkdir(parents=True)
    executed.write_text("the executed copy of the last good run")
    done = _variant(tmp_path, "params/mine.yaml", "no_such_parameter: 1\n")
    assert done.returncode == 2
    assert executed.read_text() == "the executed copy of the last good run"
    assert f"{executed.relative_to(tmp_path)} is left as it was" in done.stderr
