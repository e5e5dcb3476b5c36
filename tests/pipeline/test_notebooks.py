"""How the Makefile runs a notebook (scripts/run_notebook.py with src.runner):
papermill on a kernel started first, with the executed copy made run-independent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from make_variables import makefile_variable
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from src.helpers import ROOT
from src.runner import kernels
from src.runner.notebooks import finalise

RUNNER = ROOT / "scripts" / "run_notebook.py"
KERNEL = makefile_variable("KERNEL")
OPTIONS = makefile_variable("PAPERMILL_OPTIONS").split()


# --- finalise: what differs between runs of the same notebook ---------------------------------


def _executed() -> nbformat.NotebookNode:
    cell = new_code_cell("print('a')", id="random-uuid-1", execution_count=3)
    cell.metadata["papermill"] = {"duration": 0.123, "start_time": "2026-01-01T00:00:00"}
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    cell.outputs = [
        new_output("stream", name="stdout", text="a\n"),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=3),
    ]
    nb = new_notebook(cells=[cell])
    nb.metadata["papermill"] = {"duration": 9.9, "input_path": "x.ipynb"}
    return nb


def test_run_metadata_is_removed_ids_renumbered_and_outputs_kept():
    nb = finalise(_executed())
    assert "papermill" not in nb.metadata
    assert "papermill" not in nb.cells[0].metadata
    assert "execution" not in nb.cells[0].metadata
    assert nb.cells[0].id == "0"
    assert [o.output_type for o in nb.cells[0].outputs] == ["stream", "execute_result"]
    assert nb.cells[0].execution_count == 3


def test_two_runs_with_different_timings_give_the_same_bytes():
    one, other = _executed(), _executed()
    other.metadata["papermill"]["duration"] = 1.0
    other.cells[0].metadata["papermill"]["duration"] = 7.5
    assert nbformat.writes(finalise(one)) == nbformat.writes(finalise(other))


# --- The runner, end to end on a small notebook -------------------------------------------------

# Prints in pieces, with pauses so that the kernel sends them as separate messages, on both
# streams; then shows the kernel's process id, so the test can check it has gone.
SPLIT_OUTPUT = """\
import os, sys, time
print("one", flush=True)
time.sleep(0.2)
print("two", file=sys.stderr, flush=True)
time.sleep(0.2)
print("three", flush=True)
print("kernel pid", os.getpid())
"""


def _notebook(path: Path, *cells: str) -> Path:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# A test notebook"),
            new_code_cell("factor = 1", metadata={"tags": ["parameters"]}),
            *(new_code_cell(source) for source in cells),
        ]
    )
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": KERNEL, "language": "python"}
    nbformat.write(nb, path)
    return path


def _run(source: Path, output: Path, *extra: str, options=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            RUNNER,
            source,
            output,
            *(OPTIONS if options is None else options),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _gone(pid: int, wait: float = 10.0) -> bool:
    """Whether process ``pid`` has ended (it may take a moment to be reaped)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().split()[2] == "Z":
            return True  # ended, not yet reaped by its new parent
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runner")
    source = _notebook(folder / "source.ipynb", SPLIT_OUTPUT, "factor * 21", "print(f'{factor=}')")
    output = folder / "executed.ipynb"
    done = _run(source, output, "-p", "factor", "2")
    return done, output


def test_the_runner_executes_with_the_parameters_injected(ran):
    done, output = ran
    assert done.returncode == 0, done.stderr
    nb = nbformat.read(output, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "factor = 2" in injected[0].source
    results = [o for c in nb.cells for o in c.get("outputs", [])]
    assert {"output_type": "execute_result", "text/plain": "42"} in [
        {"output_type": o.output_type, "text/plain": o.get("data", {}).get("text/plain")}
        for o in results
    ]
    assert nb.cells[-1].outputs[0].text == "factor=2\n"


def test_printed_output_is_one_stream_each_stdout_first(ran):
    nb = nbformat.read(ran[1], as_version=4)
    cell = next(c for c in nb.cells if c.source == SPLIT_OUTPUT)
    names = [(o.output_type, o.name) for o in cell.outputs]
    assert names == [("stream", "stdout"), ("stream", "stderr")]
    assert cell.outputs[0].text.startswith("one\nthree\nkernel pid ")
    assert cell.outputs[1].text == "two\n"


def test_the_executed_copy_has_no_run_metadata_and_the_kernel_is_gone(ran):
    nb = nbformat.read(ran[1], as_version=4)
    assert "papermill" not in nb.metadata
    assert all("papermill" not in c.metadata and "execution" not in c.metadata for c in nb.cells)
    assert [c.id for c in nb.cells] == [str(i) for i in range(len(nb.cells))]
    cell = next(c for c in nb.cells if c.source == SPLIT_OUTPUT)
    pid = int(cell.outputs[0].text.split("kernel pid ")[1])
    assert pid != os.getpid() and _gone(pid)


def test_the_same_outputs_as_papermills_own_engine(tmp_path, ran):
    """The prestarted kernel changes when the kernel starts, not what the notebook shows: the
    stock command line (papermill's nbclient engine, its own kernel) gives the same outputs."""
    source = _notebook(tmp_path / "source.ipynb", "factor * 21", "print('printed once')")
    ours, stock = tmp_path / "ours.ipynb", tmp_path / "stock.ipynb"
    assert _run(source, ours).returncode == 0
    subprocess.run(
        [Path(sys.executable).parent / "papermill", source, stock, *OPTIONS],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    ours_nb, stock_nb = nbformat.read(ours, as_version=4), finalise(nbformat.read(stock, 4))
    assert [c.get("outputs") for c in ours_nb.cells] == [c.get("outputs") for c in stock_nb.cells]
    assert [c.source for c in ours_nb.cells] == [c.source for c in stock_nb.cells]


def test_a_failing_cell_stops_the_run_and_is_marked(tmp_path):
    source = _notebook(
        tmp_path / "source.ipynb", "import os\npid = os.getpid()", "print(pid)\n1 / 0"
    )
    output = tmp_path / "executed.ipynb"
    done = _run(source, output)
    assert done.returncode != 0
    assert "ZeroDivisionError" in done.stderr
    nb = nbformat.read(output, as_version=4)
    failed = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("print(pid)")]
    (cell,) = failed
    assert cell.outputs[-1].output_type == "error"
    assert _gone(int(cell.outputs[0].text))


def test_an_unknown_kernel_is_a_clear_error(tmp_path):
    source = _notebook(tmp_path / "source.ipynb", "1")
    done = _run(source, tmp_path / "out.ipynb", options=["-k", "no-such-kernel"])
    assert done.returncode != 0
    assert "no-such-kernel" in done.stderr
    assert not (tmp_path / "out.ipynb").exists()


def test_the_kernel_must_be_named():
    with pytest.raises(SystemExit, match="-k NAME"):
        kernels.kernel_option(["a.ipynb", "b.ipynb", "-p", "x", "1"])
    assert kernels.kernel_option(["a", "b", "--kernel=k1"]) == "k1"
    assert kernels.kernel_option(["a", "b", "-k", "k2", "-p", "x", "1"]) == "k2"
