"""A notebook writes only inside ``reports/``, and only when its run is good.

The code cells of ``notebooks/20-findings.ipynb`` run here in order, in this process, with its
parameters overridden as papermill would (after the parameters cell), against a project root of
the test's own (``helpers.ROOT`` and ``helpers.REPORTS`` point into a temporary folder), so
that a folder the notebook should refuse, were it not refused, is written where the test looks
and never into the real tree. The inputs are the repository's own processed tables.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from src import helpers
from src.data.reference import load_reference
from src.errors import InputError
from src.helpers import PROCESSED, ROOT, read_csv_text
from src.vocab import OUTCOMES_WITH_DATA

#: The notebooks that take a build folder.
NOTEBOOKS = ("20-findings", "30-figures")

needs_data = pytest.mark.skipif(
    not (PROCESSED / "instances.csv").is_file(),
    reason="data/processed not built yet (run make)",
)


def _code(name: str) -> list[tuple[str, bool]]:
    """The notebook's code cells as (source, is the parameters cell)."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    return [
        (cell.source, "parameters" in cell.metadata.get("tags", []))
        for cell in nb.cells
        if cell.cell_type == "code"
    ]


def run_cells(name: str, overrides: dict, stop_after: int | None = None) -> dict:
    """Run the notebook's code cells (the first ``stop_after`` of them, or all) with
    ``overrides`` applied after the parameters cell; an exception propagates."""
    namespace: dict = {}
    cells = _code(name)[:stop_after]
    for number, (source, is_parameters) in enumerate(cells):
        exec(compile(source, f"{name} code cell {number}", "exec"), namespace)
        if is_parameters:
            namespace.update(overrides)
    return namespace


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / "reports").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "reports" / "escape").symlink_to(tmp_path / "outside", target_is_directory=True)
    monkeypatch.setattr(helpers, "ROOT", root)
    monkeypatch.setattr(helpers, "REPORTS", root / "reports")
    return root


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@needs_data
@pytest.mark.parametrize("name", NOTEBOOKS)
@pytest.mark.parametrize(
    "output_dir",
    ["ABSOLUTE", "../x", "reports/../..", "reports/escape/build"],
    ids=["absolute", "parent", "up-from-reports", "symlink-out-of-reports"],
)
def test_a_folder_outside_reports_stops_the_notebook_before_anything_is_written(
    project, tmp_path, name, output_dir
):
    if output_dir == "ABSOLUTE":
        output_dir = str(tmp_path / "outside" / "build")
    with pytest.raises(InputError) as caught:
        run_cells(name, {"output_dir": output_dir})
    assert caught.value.place == "parameter output_dir"
    assert caught.value.file == f"notebooks/{name}.ipynb"
    assert output_dir in caught.value.problem
    assert _files(tmp_path) == []


@needs_data
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_default_build_folder_is_the_scratch_one(project, name):
    for build in ("reports/scratch", "reports"):  # the figures read the tables of their build
        shutil.copytree(ROOT / "reports" / "tables", project / build / "tables")
    cells = _code(name)
    derived = next(i for i, (_, is_parameters) in enumerate(cells) if is_parameters) + 2
    namespace = run_cells(name, {}, stop_after=derived)
    assert namespace["output_dir"] == "reports/scratch"
    assert namespace["tables_dir"] == project / "reports" / "scratch" / "tables"
    # make's default build is asked for by name, and lands in reports/ itself.
    namespace = run_cells(name, {"output_dir": "reports"}, stop_after=derived)
    assert namespace["tables_dir"] == project / "reports" / "tables"


@needs_data
def test_excluding_a_force_that_sent_no_counts_stops_the_notebook_before_writing(project, tmp_path):
    coverage = read_csv_text(PROCESSED / "coverage.csv")
    wave = coverage["wave"].iloc[0]
    without = coverage[(coverage["wave"] == wave) & ~coverage["outcome"].isin(OUTCOMES_WITH_DATA)]
    assert len(without), "the wave has no force without data to try"
    force = without["force"].iloc[0]
    assert force in set(load_reference().forces["force"])
    with pytest.raises(InputError) as caught:
        run_cells(
            "20-findings",
            {"wave": wave, "exclude_forces": [force], "output_dir": "reports/scratch/t"},
        )
    assert caught.value.place == "exclude_forces"
    assert f"'{force}'" in caught.value.problem
    assert _files(tmp_path) == []
