"""The dependencies are declared exactly: what the code imports is what requirements.in pins.

Every top-level module imported (read with ``ast``, imports inside functions included) by
``src/``, ``scripts/``, ``simulation/``, ``bench/``, ``tests/`` and the source notebooks' code
cells (``notebooks/*.ipynb``) is mapped to the distribution that installs it
(``importlib.metadata.packages_distributions()``: ``yaml`` is PyYAML, ``fpdf`` is fpdf2). The
standard library and our own modules (``src``, ``simulation``, ``bench``, ``scripts`` and every
module living under ``tests/``) are left out. Then:

(a) every distribution imported is a top-level pin in requirements.in (not merely present in the
    lock because something else happens to need it);
(b) every top-level pin in requirements.in is imported somewhere, or is a tool used only from
    the command line or as a plugin, listed in :data:`NOT_IMPORTED` with its reason.

Names are compared after PEP 503 normalisation (case, and ``-``, ``_`` and ``.`` alike).
tests/pipeline/test_environment.py checks that requirements.txt and environment.yml carry the
same pins.
"""

from __future__ import annotations

import ast
import json
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from src.helpers import ROOT

CODE_FOLDERS = ("src", "scripts", "simulation", "bench", "tests")
NOTEBOOKS = "notebooks/*.ipynb"  # the sources; notebooks/executed/ holds copies of the same code
OUR_PACKAGES = frozenset({"src", "simulation", "bench", "scripts"})

#: Pins that no code imports, each with why it is pinned all the same.
NOT_IMPORTED = {
    "jupyterlab": "run from the command line by `make lab` (`jupyter lab`)",
    "nbval": "a pytest plugin, loaded by `make nbval` (`pytest --nbval`)",
    "ruff": "run from the command line by `make lint` (`ruff check`, `ruff format`)",
}

#: Where a pin is expected to be imported, named in the failure if it is imported nowhere.
EXPECTED_IMPORTERS = {
    "seaborn": "src/figures, for which it is pinned",
}


@dataclass(frozen=True)
class Use:
    module: str  # the top-level module imported, e.g. "yaml" for `from yaml import safe_load`
    source: str  # the importing file, relative to the root
    line: int

    def place(self) -> str:
        return f"{self.source}:{self.line}"


def imports_in(tree: ast.AST, source: str) -> list[Use]:
    """Every absolute import anywhere in ``tree`` (functions and branches included), by its
    top-level module. Relative imports are ours and are left out."""
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            uses += [Use(a.name.split(".")[0], source, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            uses.append(Use(node.module.split(".")[0], source, node.lineno))
    return uses


def notebook_code(text: str) -> str:
    """The Python of a notebook's code cells: cell magics (``%%``) drop their cell, line magics
    (``%``) and shell escapes (``!``) their line. Cells are kept in order, so line numbers count
    the code cells' lines from the first."""
    lines = []
    for cell in json.loads(text)["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if source.lstrip().startswith("%%"):
            continue
        lines += [
            "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
        ]
    return "\n".join(lines)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def all_uses() -> tuple[Use, ...]:
    uses: list[Use] = []
    for folder in CODE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            uses += imports_in(tree, _relative(path))
    for path in sorted(ROOT.glob(NOTEBOOKS)):
        tree = ast.parse(notebook_code(path.read_text(encoding="utf-8")), filename=str(path))
        uses += imports_in(tree, _relative(path))
    return tuple(uses)


@cache
def support_modules_under_tests() -> frozenset[str]:
    """Every module and package living under tests/ (fixtures, page_measures, make_variables,
    synthetic_instances, conftest...): pytest puts their folders on ``sys.path``."""
    names = set()
    for path in (ROOT / "tests").rglob("*.py"):
        parts = path.relative_to(ROOT / "tests").with_suffix("").parts
        names.update(parts)
    return frozenset(names)


def is_ours(module: str) -> bool:
    return module in OUR_PACKAGES or module in support_modules_under_tests()


def third_party(uses: tuple[Use, ...]) -> dict[str, list[Use]]:
    """The uses of each module neither in the standard library nor ours."""
    found: dict[str, list[Use]] = defaultdict(list)
    for use in uses:
        if use.module in sys.stdlib_module_names or is_ours(use.module):
            continue
        found[use.module].append(use)
    return dict(found)


@cache
def _module_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def distributions_of(module: str) -> set[str]:
    """The installed distributions providing a top-level module, PEP 503 normalised."""
    return {canonicalize_name(d) for d in _module_distributions().get(module, [])}


def requirements_in() -> dict[str, str]:
    """Each top-level pin of requirements.in: normalised name -> the line as written."""
    pins = {}
    for line in (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pins[canonicalize_name(Requirement(line).name)] = line
    return pins


def _places(uses: list[Use], most: int = 3) -> str:
    places = sorted({u.place() for u in uses})
    more = f" and {len(places) - most} more" if len(places) > most else ""
    return ", ".join(places[:most]) + more


def _pin_for(distribution: str) -> str:
    try:
        return f"{distribution}=={metadata.version(distribution)}"
    except metadata.PackageNotFoundError:  # pragma: no cover - a name from the metadata itself
        return distribution


def undeclared_imports(uses: tuple[Use, ...], pins: dict[str, str]) -> list[str]:
    """(a): a problem for each third-party module whose distribution is not pinned."""
    problems = []
    for module, where in sorted(third_party(uses).items()):
        dists = distributions_of(module)
        if not dists:
            problems.append(
                f"`{module}` is imported in {_places(where)} but no installed distribution "
                "provides it: pin the package that does in requirements.in, requirements.txt "
                "and environment.yml, or drop the import"
            )
        elif not dists & pins.keys():
            names = sorted(set(_module_distributions()[module]))  # as the distributions spell them
            pin = " or ".join(_pin_for(name) for name in names)
            problems.append(
                f"{' or '.join(names)} (module `{module}`) is imported in "
                f"{_places(where)} but is not a top-level pin in requirements.in: add {pin} "
                "there and to environment.yml (requirements.txt must lock the same version)"
            )
    return problems


def unused_pins(uses: tuple[Use, ...], pins: dict[str, str]) -> list[str]:
    """(b): a problem for each pin that nothing imports and that is not on the allow-list."""
    imported = set().union(*(distributions_of(m) for m in third_party(uses)))
    problems = []
    for name, line in sorted(pins.items()):
        if name in imported or name in NOT_IMPORTED:
            continue
        expected = (
            f"; it is expected to be imported by {EXPECTED_IMPORTERS[name]}"
            if name in EXPECTED_IMPORTERS
            else ""
        )
        problems.append(
            f"{name} (`{line}` in requirements.in) is imported nowhere in "
            f"{', '.join(f'{f}/' for f in CODE_FOLDERS)} or {NOTEBOOKS}{expected}: import it, "
            "list it in NOT_IMPORTED in tests/pipeline/test_dependencies.py with the reason it "
            "is pinned, or remove it from requirements.in and environment.yml (and from "
            "requirements.txt if nothing else in the lock requires it)"
        )
    return problems


# --- the repository ---------------------------------------------------------------------------


def test_every_imported_package_is_pinned_in_requirements_in():
    problems = undeclared_imports(all_uses(), requirements_in())
    assert not problems, "\n".join(["", *problems])


def test_every_pin_in_requirements_in_is_imported_or_a_listed_tool():
    problems = unused_pins(all_uses(), requirements_in())
    assert not problems, "\n".join(["", *problems])


def test_the_allow_list_names_only_pinned_packages_that_nothing_imports():
    pins = requirements_in()
    imported = set().union(*(distributions_of(m) for m in third_party(all_uses())))
    stale = sorted(name for name in NOT_IMPORTED if name not in pins)
    needless = sorted(name for name in NOT_IMPORTED if name in imported)
    assert not stale, f"NOT_IMPORTED lists packages not pinned in requirements.in: {stale}"
    assert not needless, f"NOT_IMPORTED lists packages that are imported (drop them): {needless}"


def test_the_scan_sees_every_code_folder_and_notebook():
    sources = {use.source.split("/")[0] for use in all_uses()}
    assert set(CODE_FOLDERS) <= sources
    notebooks = {use.source for use in all_uses() if use.source.endswith(".ipynb")}
    assert notebooks == {_relative(p) for p in ROOT.glob(NOTEBOOKS)}
    assert sorted(ROOT.glob(NOTEBOOKS)), f"no notebook matches {NOTEBOOKS}"


# --- the checks themselves --------------------------------------------------------------------


def _uses(code: str, source: str = "x.py") -> tuple[Use, ...]:
    return tuple(imports_in(ast.parse(code), source))


def test_imports_are_read_inside_functions_and_by_top_level_module():
    code = (
        "import os.path\n"
        "from yaml import safe_load\n"
        "from . import sibling\n"
        "def f():\n"
        "    import jinja2.sandbox as sb\n"
        "    from IPython.display import SVG\n"
    )
    assert [(u.module, u.line) for u in _uses(code)] == [
        ("os", 1),
        ("yaml", 2),
        ("jinja2", 5),
        ("IPython", 6),
    ]


def test_notebook_code_skips_magics_and_markdown():
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["import not_code\n"]},
            {"cell_type": "code", "source": ["%matplotlib inline\n", "import pandas as pd\n"]},
            {"cell_type": "code", "source": ["%%bash\n", "echo import nothing\n"]},
            {"cell_type": "code", "source": ["!pip list\n", "from scipy import stats"]},
        ]
    }
    code = notebook_code(json.dumps(notebook))
    assert [u.module for u in _uses(code)] == ["pandas", "scipy"]


def test_standard_library_and_our_own_modules_are_left_out():
    code = (
        "import json, __future__\nimport src.helpers\nimport simulation, bench, scripts\n"
        "import fixtures, page_measures, make_variables, synthetic_instances\nimport yaml\n"
    )
    assert set(third_party(_uses(code))) == {"yaml"}


def test_import_names_map_to_normalised_distribution_names():
    assert distributions_of("yaml") == {"pyyaml"}
    assert distributions_of("fpdf") == {"fpdf2"}
    assert distributions_of("pdfminer") == {"pdfminer-six"}
    assert distributions_of("resvg_py") == {"resvg-py"}


def test_an_unpinned_import_is_named_with_where_it_is_imported():
    uses = _uses("import pandas\n\n\nimport yaml\n", "src/clean/specs.py")
    problems = undeclared_imports(uses, {"pandas": "pandas==3.1.1"})
    assert len(problems) == 1
    assert "PyYAML (module `yaml`)" in problems[0]
    assert "src/clean/specs.py:4" in problems[0]
    assert f"PyYAML=={metadata.version('PyYAML')}" in problems[0]


def test_an_import_no_distribution_provides_is_named():
    problems = undeclared_imports(_uses("import no_such_module_anywhere\n", "bench/x.py"), {})
    assert len(problems) == 1
    assert "`no_such_module_anywhere`" in problems[0] and "bench/x.py:1" in problems[0]


def test_an_unused_pin_is_named_unless_it_is_a_listed_tool():
    pins = {
        "pandas": "pandas==3.1.1",
        "pytest-benchmark": "pytest-benchmark==5.3.1",
        "ruff": "ruff==0.17.5",
        "seaborn": "seaborn==0.13.2",
    }
    problems = unused_pins(_uses("import pandas\n"), pins)
    assert len(problems) == 2
    benchmark, seaborn = problems
    assert benchmark.startswith("pytest-benchmark (`pytest-benchmark==5.3.1` in requirements.in)")
    assert seaborn.startswith("seaborn (") and "expected to be imported by src/figures" in seaborn
