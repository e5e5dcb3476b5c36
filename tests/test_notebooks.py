"""Executed notebooks are made run-independent before they are committed."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from src.notebooks import finalise


def _executed() -> nbformat.NotebookNode:
    cell = new_code_cell("print('a'); print('b')", id="random-uuid-1", execution_count=3)
    cell.metadata["papermill"] = {"duration": 0.123, "start_time": "2026-01-01T00:00:00"}
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    cell.outputs = [
        new_output("stream", name="stdout", text="a\n"),
        new_output("stream", name="stdout", text="b\n"),
        new_output("stream", name="stderr", text="warning\n"),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=3),
    ]
    nb = new_notebook(cells=[cell])
    nb.metadata["papermill"] = {"duration": 9.9, "input_path": "x.ipynb"}
    return nb


def test_split_streams_are_merged_and_outputs_kept():
    cell = finalise(_executed()).cells[0]
    assert [o.output_type for o in cell.outputs] == ["stream", "stream", "execute_result"]
    assert cell.outputs[0].text == "a\nb\n"
    assert cell.outputs[1].name == "stderr"
    assert cell.execution_count == 3


def test_run_metadata_is_removed_and_ids_renumbered():
    nb = finalise(_executed())
    assert "papermill" not in nb.metadata
    assert "papermill" not in nb.cells[0].metadata
    assert "execution" not in nb.cells[0].metadata
    assert nb.cells[0].id == "0"


def test_two_runs_that_flushed_differently_give_the_same_bytes():
    one = _executed()
    other = _executed()
    other.cells[0].outputs[:2] = [new_output("stream", name="stdout", text="a\nb\n")]
    other.metadata["papermill"]["duration"] = 1.0
    assert nbformat.writes(finalise(one)) == nbformat.writes(finalise(other))
