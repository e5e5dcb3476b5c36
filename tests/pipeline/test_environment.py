"""The pinned environment: requirements.in, requirements.txt and environment.yml agree."""

from __future__ import annotations

import re
from importlib import metadata

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from src.helpers import ROOT


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"not pinned with ==: {line}"
        pins[canonicalize_name(req.name)] = specs[0].version
    return pins


def requirements_in() -> dict[str, str]:
    return _pins((ROOT / "requirements.in").read_text().splitlines())


def requirements_lock() -> dict[str, str]:
    return _pins((ROOT / "requirements.txt").read_text().splitlines())


def environment_yml() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pins.update(_pins(dep.get("pip", [])))
            continue
        name, _, version = dep.partition("=")
        if name in {"python", "pip"}:
            continue
        assert version and not version.startswith("="), f"environment.yml: {dep} is not pinned"
        pins[canonicalize_name(name)] = version
    return pins


def test_every_top_level_requirement_is_in_the_lock_at_the_same_version():
    lock = requirements_lock()
    for name, version in requirements_in().items():
        assert lock.get(name) == version, (
            f"{name}: requirements.in {version}, lock {lock.get(name)}"
        )


def test_environment_yml_declares_the_same_pins_as_requirements_in():
    assert environment_yml() == requirements_in()


def test_environment_yml_python_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    pyproject = (ROOT / "pyproject.toml").read_text()
    wanted = re.search(r'requires-python = ">=(\d+\.\d+)', pyproject).group(1)
    assert python == f"python={wanted}"


def test_installed_versions_match_the_lock():
    """The environment running the tests is the locked one (catches a stale .venv)."""
    wrong = {}
    for name, version in requirements_lock().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, (
        f"locked vs installed: {wrong}; run `make setup` after `touch requirements.txt`"
    )


def test_the_build_keeps_matplotlib_ipython_and_jupyter_files_inside_the_checkout():
    from make_variables import makefile_variable

    for name in ("MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR"):
        folder = makefile_variable(name)
        assert folder.startswith(str(ROOT) + "/"), f"{name} is {folder}, outside the checkout"
