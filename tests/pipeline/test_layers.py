"""The house rules of the layout, read from every module's imports with ``ast``.

1. The ground (``helpers``, ``errors``, ``vocab``) imports nothing of ours.
2. The shared layer (``src/data/``, ``sdc``, ``provenance``) imports only the ground and, within
   itself, the contracts of ``data/``.
3. A step package (``clean``, ``findings``, ``figures``, ``report``, and ``runner``, how make
   runs a notebook) imports the ground, the shared layer and its own modules, never another
   step: steps meet only through the files the Makefile names.
4. Inside a step, only its orchestrator (``run.py``) reads or writes files; the rest take and
   return frames, values, text or bytes.
5. Notebooks and scripts import a step's face (its ``__init__``), not its inner modules.
6. Tools (``simulation/``, ``bench/``) may import ``src``; ``src`` never imports a tool, and
   neither does a product test (every test outside ``tests/tools/``).

Each rule is a function of the parsed imports, so that the test of the rules can feed them a
forbidden import and see them fail.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from src.helpers import ROOT

GROUND = {"src", "src.helpers", "src.errors", "src.vocab"}
SHARED_PACKAGES = ("src.data",)
SHARED_MODULES = {"src.sdc", "src.bounds", "src.provenance"}
STEPS = ("clean", "findings", "figures", "report", "runner")
TOOLS = ("simulation", "bench")
ORCHESTRATOR = "run"

#: What counts as touching a file in rule 4: calls of these names and methods, and these
#: helpers imported from ``src.helpers``.
FILE_CALLS = {"open"}
FILE_METHODS = {
    "open",
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "glob",
    "rglob",
    "iterdir",
    "mkdir",
    "unlink",
    "exists",
    "is_file",
    "is_dir",
    "read_csv",
    "read_excel",
    "to_csv",
    "to_excel",
    "load_workbook",
}
FILE_HELPERS = {"write_text", "write_many", "write_csv", "atomic_path", "load_yaml", "sha256_file"}


@dataclass(frozen=True)
class Import:
    source: str  # the importing file, relative to the root
    module: str  # the importing module's dotted name ("" for notebooks and scripts)
    target: str  # the dotted name imported (module, or module.name for `from m import name`)
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(tree: ast.AST, source: str, module: str = "", is_package: bool = False):
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(source, module, a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, module, is_package)
            found += [Import(source, module, f"{base}.{a.name}", node.lineno) for a in node.names]
    return found


def _parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def notebook_tree(path: Path) -> ast.AST:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [
        "\n".join(line for line in "".join(c["source"]).splitlines() if not line.startswith("%"))
        for c in cells
        if c["cell_type"] == "code"
    ]
    return ast.parse("\n".join(code), filename=str(path))


def ours(target: str) -> bool:
    return target.split(".")[0] in ("src", *TOOLS)


def layer(name: str) -> str:
    """``ground``, ``shared``, ``step:<name>``, ``tool`` or ``other`` for a dotted name."""
    if name in GROUND or any(name == g or name.startswith(f"{g}.") for g in GROUND - {"src"}):
        return "ground"
    if name.startswith(SHARED_PACKAGES) or name.split(".")[:2] in [
        m.split(".") for m in SHARED_MODULES
    ]:
        return "shared"
    parts = name.split(".")
    if parts[0] == "src" and len(parts) > 1 and parts[1] in STEPS:
        return f"step:{parts[1]}"
    if parts[0] in TOOLS:
        return "tool"
    return "other"


# --- The rules -------------------------------------------------------------------------------


def rule_violations(imp: Import) -> list[str]:
    """Rules 1 to 3 and 6 for one import made by a module under ``src/``."""
    if not ours(imp.target):
        return []
    here, there = layer(imp.module), layer(imp.target)
    where = f"{imp.source}:{imp.line} imports {imp.target}"
    if there == "tool":
        return [f"{where}: src never imports a tool (rule 6)"]
    if here == "ground" and there != "ground":
        return [f"{where}: the ground imports nothing of ours (rule 1)"]
    if here == "shared" and there not in ("ground", "shared"):
        return [f"{where}: the shared layer imports only the ground (rule 2)"]
    if here.startswith("step:") and there.startswith("step:") and there != here:
        return [f"{where}: a step never imports another step (rule 3)"]
    return []


def face_violations(imp: Import) -> list[str]:
    """Rule 5 for one import made by a notebook or a script: a name of a step's face, never
    one of its modules (``from src.clean import readers`` names the module readers.py)."""
    parts = imp.target.split(".")
    if parts[0] == "src" and len(parts) > 2 and parts[1] in STEPS:
        face = f"src.{parts[1]}"
        inner = len(parts) > 3 or (ROOT / "src" / parts[1] / f"{parts[2]}.py").is_file()
        if inner:
            return [f"{imp.source}:{imp.line} imports {imp.target}: use the face, {face} (rule 5)"]
    return []


def _in_memory(call: ast.Call) -> bool:
    """A call whose first argument is a buffer made in memory (``io.BytesIO(data)``,
    ``StringIO(text)``) reads no file: parsing bytes the orchestrator read is allowed."""
    if not call.args or not isinstance(call.args[0], ast.Call):
        return False
    func = call.args[0].func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in {"BytesIO", "StringIO"}


def file_access(tree: ast.AST, source: str) -> list[str]:
    """Rule 4 for one inner module of a step: every place it touches a file."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and not _in_memory(node):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FILE_CALLS:
                found.append(f"{source}:{node.lineno} calls {func.id}()")
            elif isinstance(func, ast.Attribute) and func.attr in FILE_METHODS:
                found.append(f"{source}:{node.lineno} calls .{func.attr}()")
        elif isinstance(node, ast.ImportFrom) and node.module == "src.helpers":
            for alias in node.names:
                if alias.name in FILE_HELPERS:
                    found.append(f"{source}:{node.lineno} imports {alias.name} from src.helpers")
    return found


def tool_violations(imp: Import) -> list[str]:
    """Rule 6 for one import made by a product test."""
    if imp.target.split(".")[0] in TOOLS:
        return [f"{imp.source}:{imp.line} imports {imp.target}: a product test imports no tool"]
    return []


# --- The tree --------------------------------------------------------------------------------


def src_imports() -> list[Import]:
    found = []
    for path in python_files("src"):
        name = module_name(path)
        found += imports_of(
            _parse(path), path.relative_to(ROOT).as_posix(), name, path.stem == "__init__"
        )
    return found


def test_src_keeps_the_layers():
    problems = [p for imp in src_imports() for p in rule_violations(imp)]
    assert problems == []


def test_only_each_step_orchestrator_touches_files():
    problems = []
    for step in STEPS:
        for path in python_files(f"src/{step}"):
            if path.stem not in (ORCHESTRATOR, "__init__"):
                problems += file_access(_parse(path), path.relative_to(ROOT).as_posix())
    assert problems == []


def test_notebooks_and_scripts_import_faces_only():
    sources = [(p, notebook_tree(p)) for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    sources += [(p, _parse(p)) for p in python_files("scripts")]
    problems = [
        problem
        for path, tree in sources
        for imp in imports_of(tree, path.relative_to(ROOT).as_posix())
        for problem in face_violations(imp)
    ]
    assert problems == []


def test_product_tests_import_no_tool():
    problems = []
    for path in python_files("tests"):
        if path.relative_to(ROOT).parts[1] == "tools":
            continue
        problems += [
            p
            for imp in imports_of(_parse(path), path.relative_to(ROOT).as_posix())
            for p in tool_violations(imp)
        ]
    assert problems == []


def test_no_module_under_src_is_longer_than_650_lines():
    long = {
        path.relative_to(ROOT).as_posix(): n
        for path in python_files("src")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 650
    }
    assert long == {}


# --- The rules catch what they forbid ---------------------------------------------------------


def _one(code: str, module: str, source: str = "x.py") -> list[Import]:
    return imports_of(ast.parse(code), source, module)


@pytest.mark.parametrize(
    ("module", "code", "rule"),
    [
        ("src.helpers", "from src.data import manifest", "rule 1"),
        ("src.vocab", "from src import sdc", "rule 1"),
        ("src.sdc", "from src.findings import stats", "rule 2"),
        ("src.data.reference", "from src import clean", "rule 2"),
        ("src.report.run", "from src.findings import stats", "rule 3"),
        ("src.figures.charts", "import src.findings.run", "rule 3"),
        ("src.clean.run", "from src import findings", "rule 3"),
        ("src.findings.run", "from simulation import generate", "rule 6"),
        ("src.clean.readers", "import bench.measures", "rule 6"),
    ],
)
def test_a_forbidden_import_is_caught(module, code, rule):
    problems = [p for imp in _one(code, module) for p in rule_violations(imp)]
    assert len(problems) == 1 and rule in problems[0]


@pytest.mark.parametrize(
    ("module", "code"),
    [
        ("src.clean.run", "from src.clean import readers"),
        ("src.clean.tables", "from .counts import parse_counts"),
        ("src.findings.run", "from src import sdc\nfrom src.data.reference import owner_on"),
        ("src.report.run", "from src.vocab import GROUP_NAMES\nfrom src.helpers import rel"),
        ("src.provenance", "from src.data.manifest import read_manifest"),
        ("src.data.reference", "from src.data.schemas import validate"),
    ],
)
def test_an_allowed_import_passes(module, code):
    assert [p for imp in _one(code, module) for p in rule_violations(imp)] == []


def test_a_relative_import_resolves_to_its_package():
    (imp,) = _one("from ..findings import stats", "src.report.run")
    assert imp.target == "src.findings.stats"
    assert "rule 3" in rule_violations(imp)[0]


def test_an_inner_module_in_a_notebook_is_caught_and_the_face_passes():
    assert face_violations(_one("from src.findings.stats import share", "")[0])
    assert face_violations(_one("from src.clean import readers", "")[0])
    assert not face_violations(_one("from src import findings", "")[0])
    assert not face_violations(_one("from src.findings import build", "")[0])
    assert not face_violations(_one("from src.data import manifest", "")[0])


def test_file_access_outside_the_orchestrator_is_caught():
    code = (
        "from src.helpers import write_many\n"
        "def f(path):\n"
        "    with open(path) as h:\n"
        "        return pd.read_csv(h), Path(path).read_text(), pdfplumber.open(path)\n"
    )
    found = file_access(ast.parse(code), "src/clean/tables.py")
    assert {f.split(" ", 1)[1] for f in found} == {
        "imports write_many from src.helpers",
        "calls open()",
        "calls .read_csv()",
        "calls .read_text()",
        "calls .open()",
    }
    assert len(found) == 5


def test_parsing_bytes_in_memory_is_not_file_access():
    code = (
        "def f(data, text):\n"
        "    a = pyarrow.csv.read_csv(io.BytesIO(data))\n"
        "    b = pdfplumber.open(io.BytesIO(data))\n"
        "    return pd.read_csv(StringIO(text)), a, b\n"
    )
    assert file_access(ast.parse(code), "src/clean/readers.py") == []


def test_a_product_test_importing_a_tool_is_caught():
    assert tool_violations(_one("from bench import measures", "")[0])
    assert not tool_violations(_one("from src import clean", "")[0])
