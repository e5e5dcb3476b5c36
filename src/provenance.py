"""``PROVENANCE.json`` of every output folder, written last by each step
(:func:`write_provenance`): the ``step`` and its ``parameters``; every file it read with its
sha256 (``inputs``: ``raw``, each checked against ``data/raw/MANIFEST.csv`` and carrying its
``provenance``, ``reference`` and ``derived``); the ``upstream`` provenance files of the derived
inputs, so a figure traces back to the raw returns; every ``output`` of the folder (not its
README.md); and the ``environment`` (Python's major.minor and each pinned package used). No
timestamp, host or absolute path, keys sorted: a rebuild writes the same bytes.
"""

from __future__ import annotations

import json
import platform
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from src.data.manifest import read_manifest
from src.errors import InputError
from src.helpers import ROOT, sha256_file, write_text

FILENAME = "PROVENANCE.json"
MANIFEST = Path("data") / "raw" / "MANIFEST.csv"
RAW_DIR = Path("data") / "raw"
REFERENCE_DIR = Path("data") / "reference"


def _relative(path: Path | str, root: Path) -> Path:
    """``path`` relative to ``root``; an input outside the project is an error."""
    p = Path(path)
    p = (p if p.is_absolute() else root / p).resolve()
    try:
        return p.relative_to(root.resolve())
    except ValueError:
        raise InputError(
            str(path),
            "",
            "this input is outside the project, so its provenance cannot be recorded",
            "copy the file into data/raw (with a MANIFEST.csv row) or data/reference",
        ) from None


#: A folder's own documentation (data/processed/README.md, whose block of what the returns are
#: step 40 writes): not an output of the step that writes the folder's data.
DOCUMENTATION = "README.md"


def _is_listed(path: Path) -> bool:
    """Hidden files and caches are never inputs or outputs."""
    return not any(part.startswith(".") or part == "__pycache__" for part in path.parts)


def expand(inputs: Iterable[Path | str], root: Path = ROOT) -> list[Path]:
    """Every file named by ``inputs`` (a folder stands for every file under it, except the
    provenance files, which ``upstream`` lists), relative to ``root``, sorted and without
    duplicates."""
    files: set[Path] = set()
    for item in inputs:
        rel_item = _relative(item, root)
        full = root / rel_item
        if full.is_dir():
            files.update(
                p.relative_to(root)
                for p in full.rglob("*")
                if p.is_file() and p.name != FILENAME and _is_listed(p.relative_to(full))
            )
        elif full.is_file():
            files.add(rel_item)
        else:
            raise InputError(
                rel_item.as_posix(),
                "",
                "an input named for provenance does not exist",
                "pass the files the step actually read (or run the step that makes them first)",
            )
    return sorted(files, key=lambda p: p.as_posix())


def manifest_rows(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """``data/raw/MANIFEST.csv`` as ``{path under data/raw: row}``, read and checked by the one
    manifest reader, :func:`src.data.manifest.read_manifest`."""
    return {row["path"]: row for row in read_manifest(root / RAW_DIR).to_dict("records")}


def _entry(path: Path, root: Path) -> dict:
    return {"path": path.as_posix(), "sha256": sha256_file(root / path)}


def _raw_entry(path: Path, root: Path, manifest: Mapping[str, Mapping[str, str]]) -> dict:
    """A raw input: its hash, checked against the manifest, and whether it is simulated."""
    entry = _entry(path, root)
    digest = entry["sha256"]
    if path == MANIFEST:
        return entry
    key = path.relative_to(RAW_DIR).as_posix()
    row = manifest.get(key)
    if row is None:
        raise InputError(
            MANIFEST.as_posix(),
            f"path '{key}'",
            "a raw input is not listed in the manifest",
            "add a row for it with its sha256 (sha256sum <file>), or remove the file",
        )
    if row["sha256"].strip().lower() != digest:
        raise InputError(
            MANIFEST.as_posix(),
            f"path '{key}', column sha256",
            f"the file's sha256 is {digest} but the manifest says {row['sha256']}",
            "raw files are never edited: restore the file from git, or, for a new version as "
            "received, update its manifest row",
        )
    if row.get("provenance"):
        entry["provenance"] = row["provenance"]
    return entry


def loaded_distributions() -> set[str]:
    """The distributions (normalised names) whose modules this process has imported: what
    made the outputs, as opposed to the tools that build or check them."""
    owners = metadata.packages_distributions()
    loaded = {name.split(".", 1)[0] for name in list(sys.modules)}
    return {canonicalize_name(d) for top in loaded for d in owners.get(top, ())}


#: A heading of ``requirements.in`` (a comment line starting with a capital letter) that starts
#: the pins of the checks (tests, linters): they make no output, so provenance never records
#: them, even when a library imports one of them (pandera imports hypothesis when installed).
CHECKS_HEADING = "# Check"


def package_versions(root: Path = ROOT, used: set[str] | None = None) -> dict[str, str]:
    """Installed version of each package pinned in ``requirements.in`` (not under a heading
    starting ``# Check``) that this process imported (``used``, normalised names): what made
    the outputs, not the project's tools."""
    used = loaded_distributions() if used is None else used
    versions = {}
    checks = False
    for line in (root / "requirements.in").read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and line[2:3].isupper():  # a heading; other comments go on
            checks = line.startswith(CHECKS_HEADING)
            continue
        line = line.split("#", 1)[0].strip()
        if not line or checks:
            continue
        name = Requirement(line).name
        if canonicalize_name(name) not in used:
            continue
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return dict(sorted(versions.items()))


def environment(root: Path = ROOT) -> dict:
    """Python as the project pins it (major.minor: ``requires-python`` and environment.yml pin
    no patch release, so recording one would make a rebuild on another conforming machine
    differ by that alone) and every pinned package the step used, at its exact version."""
    major, minor, _ = platform.python_version_tuple()
    return {"python": f"{major}.{minor}", "packages": package_versions(root)}


def _kind(path: Path) -> str:
    if path.is_relative_to(RAW_DIR):
        return "raw"
    if path.is_relative_to(REFERENCE_DIR):
        return "reference"
    return "derived"


def _jsonable(value):
    """Parameters as JSON values: paths as text, tuples and sets as sorted or ordered lists."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return value.as_posix()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def build_provenance(
    folder: Path | str,
    step: str,
    parameters: Mapping,
    inputs: Iterable[Path | str],
    root: Path = ROOT,
) -> dict:
    """The provenance record for ``folder`` as a dictionary (see the module docstring)."""
    out_dir = _relative(folder, root)
    files = expand(inputs, root)
    manifest = manifest_rows(root) if any(_kind(p) == "raw" for p in files) else {}
    grouped: dict[str, list[dict]] = {"raw": [], "reference": [], "derived": []}
    upstream: set[Path] = set()
    for path in files:
        kind = _kind(path)
        if kind == "raw":
            grouped["raw"].append(_raw_entry(path, root, manifest))
            continue
        grouped[kind].append(_entry(path, root))
        if kind == "derived" and (root / path.parent / FILENAME).is_file():
            upstream.add(path.parent / FILENAME)
    upstream.discard(out_dir / FILENAME)
    out_files = sorted((root / out_dir).glob("*"), key=lambda p: p.name)
    outputs = [
        _entry(p.relative_to(root), root)
        for p in out_files
        if p.is_file() and p.name not in (FILENAME, DOCUMENTATION) and _is_listed(Path(p.name))
    ]
    simulated = sorted(e["path"] for e in grouped["raw"] if e.get("provenance") == "simulated")
    return {
        "step": step,
        "folder": out_dir.as_posix(),
        "parameters": _jsonable(parameters),
        "inputs": grouped,
        "upstream": [_entry(p, root) for p in sorted(upstream, key=lambda p: p.as_posix())],
        "outputs": outputs,
        "simulated_raw_inputs": len(simulated),
        "environment": environment(root),
    }


def provenance_text(record: Mapping) -> str:
    """The one serialisation: sorted keys, two-space indent, UTF-8, final newline."""
    return json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_provenance(
    folder: Path | str,
    step: str,
    parameters: Mapping,
    inputs: Iterable[Path | str],
    root: Path = ROOT,
) -> Path:
    """Write ``<folder>/PROVENANCE.json`` for the outputs already in ``folder`` (call it last):
    ``inputs`` are the files or folders the step read, absolute or from the project root."""
    record = build_provenance(folder, step, parameters, inputs, root)
    return write_text(root / record["folder"] / FILENAME, provenance_text(record))
