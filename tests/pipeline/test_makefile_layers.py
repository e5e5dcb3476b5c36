"""The Makefile follows the layers: a change to a tool rebuilds nothing, and a change to one
step's code rebuilds that step and what reads its outputs, nothing upstream.

Asked of make itself with ``--what-if`` (``-W FILE``: as if FILE had just changed), on the
built tree; ``make test`` builds everything before it runs these.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from make_variables import makefile_variable

from src.helpers import ROOT


def _make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True
    )


@pytest.fixture(scope="module", autouse=True)
def built_tree():
    if _make("-q", "all").returncode != 0:
        pytest.skip("the tree is not built (run `make` first; `make test` does)")


def would_run(changed: str) -> set[str]:
    """What `make all` would rerun if ``changed`` changed: each notebook run, named by the
    executed copy it writes, and each script."""
    plan = _make("-n", "-W", changed, "all").stdout
    runs = set(re.findall(r"run_notebook\.py \S+ build/(notebooks/executed/\S+\.ipynb)", plan))
    scripts = set(re.findall(r"^\S*python (scripts/\S+\.py)\s*$", plan, re.M))
    return runs | scripts


#: Every build's figures: the default build's, each other wave's and each variant's.
FIGURES = {"notebooks/executed/30-figures.ipynb"} | {
    notebook
    for notebook in (
        makefile_variable("WAVE_NBS").split() + makefile_variable("VARIANT_NBS").split()
    )
    if notebook.endswith("/30-figures.ipynb")
}
REPORT = {"scripts/build_report.py", "scripts/update_readme.py"}


@pytest.mark.parametrize(
    "tool",
    ["simulation/generate.py", "simulation/README.md", "bench/measures.py", "bench/README.md"],
)
def test_a_changed_tool_rebuilds_nothing(tool):
    assert _make("-q", "-W", tool, "all").returncode == 0
    assert would_run(tool) == set()


def test_a_changed_figures_module_reruns_only_the_figures_the_report_and_the_readme():
    assert would_run("src/figures/style.py") == FIGURES | REPORT


def test_a_changed_report_module_reruns_only_the_report_and_the_readme():
    assert would_run("src/report/html.py") == REPORT


def test_a_changed_findings_module_leaves_the_cleaning_alone():
    plan = would_run("src/findings/shares.py")
    assert "notebooks/executed/20-findings.ipynb" in plan
    assert plan >= FIGURES
    assert "notebooks/executed/10-clean.ipynb" not in plan


def test_a_changed_word_of_the_ground_reruns_every_step():
    plan = would_run("src/vocab.py")
    assert {"notebooks/executed/10-clean.ipynb", "notebooks/executed/20-findings.ipynb"} <= plan
    assert plan >= FIGURES | REPORT
