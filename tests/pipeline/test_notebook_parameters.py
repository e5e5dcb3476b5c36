"""Each notebook declares, in one tagged cell, only the parameters it uses, and make gives it
only those: step 10 none, step 20 the findings' choices and its folder, step 30 its folder."""

from __future__ import annotations

import ast
import json

import pytest
from make_variables import makefile_variable

from src.helpers import ROOT, load_yaml

NOTEBOOKS = ("10-clean", "20-findings", "30-figures")


def _code_cells(name: str) -> list[dict]:
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "foi-platforms"
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def declared(name: str) -> set[str]:
    """The names the notebook's ``parameters`` cell assigns."""
    tagged = [c for c in _code_cells(name) if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, f"{name}: expected one cell tagged 'parameters'"
    tree = ast.parse("".join(tagged[0]["source"]))
    return {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}


def used(name: str) -> set[str]:
    """Every name read by the notebook's other code cells."""
    names: set[str] = set()
    for cell in _code_cells(name):
        if "parameters" in cell["metadata"].get("tags", []):
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                names.add(node.id)
    return names


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_sources_carry_no_outputs(name):
    assert all(not c["outputs"] and c["execution_count"] is None for c in _code_cells(name))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_declared_parameter_is_used(name):
    assert declared(name) - used(name) == set()


def test_the_figures_take_only_their_folder():
    assert declared("30-figures") == {"output_dir"}
    # Expanded with no arguments, the Makefile's parameters of step 30 show their shape.
    passed = makefile_variable("FIGURES_PARAMS").split()
    assert passed[:2] == ["-p", "output_dir"]
    assert len(passed) == 3 and "-f" not in passed


def test_every_variant_names_only_parameters_of_the_findings():
    findings = declared("20-findings") - {"output_dir"}
    variants = sorted((ROOT / "params" / "variants").glob("*.yaml"))
    assert variants
    for path in variants:
        assert set(load_yaml(path)) <= findings, path.name
